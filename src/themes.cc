#include "npscore/themes.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "npscore/nps.h"
#include "src/internal/bounds.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::kNaN;
using internal::ValueText;

// --- Normalisation ------------------------------------------------------------------

// ASCII folding of U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A): "" for the two symbols (U+00D7 x, U+00F7 ÷), which separate
// words.
constexpr const char* kLatinFold[192] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

// ASCII letters and digits lower-cased; 0 for every other ASCII byte.
struct AsciiTable {
  char map[128];
  constexpr AsciiTable() : map() {
    for (int c = 0; c < 128; ++c) {
      map[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? static_cast<char>(c)
               : (c >= 'A' && c <= 'Z')                          ? static_cast<char>(c - 'A' + 'a')
                                                                 : 0;
    }
  }
};
constexpr AsciiTable kAscii;

// Non-ASCII code points that separate words: Latin-1 punctuation and symbols,
// general punctuation, symbols, arrows, dingbats, CJK punctuation, variation
// selectors, specials, emoji and pictographs, tags.
inline bool IsSeparator(uint32_t cp) {
  return cp < 0xC0 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFFF0 && cp <= 0xFFFF) ||
         (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0xE0000 && cp <= 0xE007F);
}

// Combining diacritical marks: dropped (a decomposed "e" + U+0301 reads "e").
inline bool IsCombining(uint32_t cp) { return cp >= 0x0300 && cp <= 0x036F; }

// Decodes the code point at s[i] (strict UTF-8); returns its length, or 0 if
// the bytes there are not valid UTF-8.
inline size_t Decode(const unsigned char* s, size_t n, size_t i, uint32_t* cp) {
  const unsigned char b = s[i];
  auto cont = [&](size_t k) { return i + k < n && (s[i + k] & 0xC0) == 0x80; };
  if (b >= 0xC2 && b <= 0xDF) {
    if (!cont(1)) return 0;
    *cp = ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
    return 2;
  }
  if (b >= 0xE0 && b <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    const unsigned char b1 = s[i + 1];
    if ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F)) return 0;  // overlong, surrogate
    *cp = ((b & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    const unsigned char b1 = s[i + 1];
    if ((b == 0xF0 && b1 < 0x90) || (b == 0xF4 && b1 > 0x8F)) return 0;  // overlong, > U+10FFFF
    *cp = ((b & 0x07u) << 18) | ((b1 & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu);
    return 4;
  }
  return 0;
}

// A word of the normalised text: [start, start + size) of the buffer.
struct Span32 {
  uint32_t start, size;
};

// Normalises one comment into `buf` (the words' characters, concatenated) and
// `words`, reusing their storage. Returns the byte offset of the first invalid
// UTF-8 sequence (when !replace), or SIZE_MAX if the text is valid.
class Normalizer {
 public:
  size_t Run(absl::string_view text, bool replace) {
    buf_.clear();
    words_.clear();
    word_start_ = 0;
    run_ = 0;
    collapse_ = false;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    size_t i = 0;
    while (i < n) {
      const unsigned char b = s[i];
      if (b < 0x80) {
        const char c = kAscii.map[b];
        if (c != 0) {
          Put(c);
        } else {
          EndWord();
        }
        ++i;
        continue;
      }
      uint32_t cp = 0;
      const size_t len = Decode(s, n, i, &cp);
      if (len == 0) {
        if (!replace) return i;
        EndWord();
        ++i;
        continue;
      }
      if (cp >= 0xC0 && cp <= 0x17F) {
        const char* f = kLatinFold[cp - 0xC0];
        if (*f == 0) EndWord();
        for (; *f != 0; ++f) Put(*f);
      } else if (IsCombining(cp)) {
        // dropped
      } else if (IsSeparator(cp)) {
        EndWord();
      } else {
        // Another letter: kept as its UTF-8 bytes (no run collapsing).
        for (size_t k = 0; k < len; ++k) buf_.push_back(static_cast<char>(s[i + k]));
        run_ = 0;
      }
      i += len;
    }
    EndWord();
    return SIZE_MAX;
  }

  const std::string& buf() const { return buf_; }
  const std::vector<Span32>& words() const { return words_; }
  absl::string_view word(const Span32& w) const { return absl::string_view(buf_.data() + w.start, w.size); }

 private:
  // Appends a folded ASCII character, noting runs of a letter three or more
  // long ("sloooow"), which EndWord collapses to one letter.
  void Put(char c) {
    if (buf_.size() > word_start_ && buf_.back() == c && c >= 'a') {
      if (++run_ >= 3) collapse_ = true;
    } else {
      run_ = 1;
    }
    buf_.push_back(c);
  }

  void EndWord() {
    if (buf_.size() > word_start_) {
      if (collapse_) Collapse();
      words_.push_back({static_cast<uint32_t>(word_start_), static_cast<uint32_t>(buf_.size() - word_start_)});
      buf_.push_back(' ');  // keeps words apart in buf (for NormalizeText)
      word_start_ = buf_.size();
    }
    run_ = 0;
    collapse_ = false;
  }

  // Collapses every run of three or more equal ASCII letters of the current
  // word to a single letter.
  void Collapse() {
    size_t out = word_start_;
    const size_t end = buf_.size();
    for (size_t i = word_start_; i < end;) {
      size_t j = i + 1;
      const char c = buf_[i];
      while (j < end && buf_[j] == c) ++j;
      const size_t run = j - i;
      const bool letter = c >= 'a' && c <= 'z';
      const size_t keep = letter && run >= 3 ? 1 : run;
      for (size_t k = 0; k < keep; ++k) buf_[out++] = c;
      i = j;
    }
    buf_.resize(out);
  }

  std::string buf_;
  std::vector<Span32> words_;
  size_t word_start_ = 0;
  int run_ = 0;
  bool collapse_ = false;
};

absl::Status InvalidUtf8Error(size_t index, size_t offset, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "comment ", index, " is not valid UTF-8 (byte ", offset, " is 0x",
      absl::Hex(static_cast<unsigned char>(text[offset]), absl::kZeroPad2),
      "); decode it first, or ask to replace invalid bytes (Python: invalid=\"replace\", C: "
      "NPSCORE_INVALID_UTF8_REPLACE)"));
}

bool IsVowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// The forms a keyword word matches (see themes.h).
std::vector<std::string> Inflections(const std::string& w) {
  std::vector<std::string> out{w};
  static const char* const kSuffixes[] = {"s", "es", "ed", "ing", "er", "ers", "y", "ly"};
  static const char* const kVowelSuffixes[] = {"ed", "ing", "er", "ers", "y"};
  for (const char* s : kSuffixes) out.push_back(w + s);
  const char last = w.back();
  const bool ascii_letter = last >= 'a' && last <= 'z';
  if (ascii_letter && !IsVowel(last) && last != 'w' && last != 'x' && last != 'y' && w.size() >= 2) {
    for (const char* s : kVowelSuffixes) out.push_back(w + last + s);
  }
  if (last == 'e' && w.size() >= 3) {
    const std::string stem = w.substr(0, w.size() - 1);
    for (const char* s : kVowelSuffixes) out.push_back(stem + s);
  }
  if (last == 'y' && w.size() >= 3 && !IsVowel(w[w.size() - 2])) {
    const std::string stem = w.substr(0, w.size() - 1);
    for (const char* s : {"ies", "ied", "ier"}) out.push_back(stem + s);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> NormalizeText(absl::string_view text, bool replace) {
  Normalizer norm;
  const size_t bad = norm.Run(text, replace);
  if (bad != SIZE_MAX) return InvalidUtf8Error(0, bad, text);
  std::string out = norm.buf();
  if (!out.empty()) out.pop_back();  // the space after the last word
  return out;
}

// --- The default taxonomy -------------------------------------------------------------

std::vector<Theme> DefaultTaxonomy() {
  return {
      {"bug",
       {"bug", "glitch", "crash", "error", "broken", "break", "fail", "failure", "freeze", "frozen",
        "defect", "not working", "doesn't work", "does not work", "stopped working", "stable",
        "unstable", "stability", "regression"}},
      {"pricing",
       {"price", "pricing", "pricey", "pricy", "expensive", "overpriced", "cheap", "costly",
        "too much money", "value for money", "worth the money", "worth every", "not worth",
        "affordable", "discount", "price increase", "price hike"}},
      {"billing",
       {"bill", "billing", "invoice", "invoicing", "charge", "charged twice", "overcharge",
        "refund", "payment", "receipt", "credit card", "subscription", "renewal"}},
      {"usability",
       {"usability", "usable", "unusable", "easy to use", "hard to use", "difficult to use",
        "user friendly", "intuitive", "unintuitive", "counterintuitive", "interface", "ui", "ux",
        "design", "navigation", "navigate", "clutter", "too many clicks", "click", "menu",
        "hard to find", "layout", "workflow"}},
      {"support",
       {"support", "customer service", "customer care", "help desk", "helpdesk", "ticket",
        "account manager", "csm", "support agent", "service desk"}},
      {"onboarding",
       {"onboarding", "onboard", "getting started", "get started", "setup", "set up", "training",
        "tutorial", "walkthrough", "first steps", "kickoff", "kick off", "implementation"}},
      {"performance",
       {"slow", "slowness", "sluggish", "performance", "performant", "speed", "latency", "lag",
        "load", "takes forever", "take forever", "outage", "downtime", "uptime", "time out",
        "timed out", "timeout", "reliable", "reliability", "responsive", "unresponsive",
        "blazing fast", "lightning fast", "loads fast"}},
      {"reporting",
       {"report", "reporting", "analytics", "dashboard", "chart", "metrics", "kpi", "insights",
        "visualization", "visualisation"}},
      {"feature_request",
       {"feature request", "feature", "missing", "lack", "please add", "would love",
        "would be nice", "would be great", "would be perfect", "wish", "we need", "integration",
        "integrate", "api", "sso", "single sign on", "dark mode", "custom field", "roadmap"}},
  };
}

// --- The tagger -------------------------------------------------------------------------

class ThemeTagger::Impl {
 public:
  std::vector<Theme> taxonomy;
  // Comment word -> ids of the keyword words it matches (whole-word forms).
  absl::flat_hash_map<std::string, std::vector<uint32_t>> forms;
  // Prefix -> ids of the keyword words written "prefix*"; and their lengths.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> prefixes;
  std::vector<uint32_t> prefix_lengths;
  size_t max_form = 0;
  // Keywords: for a keyword word id, the themes of single-word keywords and
  // the phrases starting with it (word id sequences + theme).
  std::vector<std::vector<uint32_t>> single_themes;  // by word id
  std::vector<std::vector<uint32_t>> phrases_from;   // by word id: phrase indices
  std::vector<std::vector<uint32_t>> phrase_words;
  std::vector<uint32_t> phrase_theme;

  // Per-thread scratch: the normaliser and each word's matched ids.
  struct Scratch {
    Normalizer norm;
    std::vector<uint32_t> ids;    // flattened matched ids
    std::vector<uint32_t> first;  // per word: start in ids (size words + 1)
  };

  // Matched keyword word ids of every word of the comment in `s`.
  void MatchWords(Scratch& s) const {
    s.ids.clear();
    s.first.clear();
    for (const Span32& w : s.norm.words()) {
      s.first.push_back(static_cast<uint32_t>(s.ids.size()));
      const absl::string_view word = s.norm.word(w);
      if (word.size() <= max_form) {
        auto it = forms.find(word);
        if (it != forms.end()) s.ids.insert(s.ids.end(), it->second.begin(), it->second.end());
      }
      for (uint32_t len : prefix_lengths) {
        if (len > word.size()) break;
        auto it = prefixes.find(word.substr(0, len));
        if (it != prefixes.end()) s.ids.insert(s.ids.end(), it->second.begin(), it->second.end());
      }
    }
    s.first.push_back(static_cast<uint32_t>(s.ids.size()));
  }

  bool WordHas(const Scratch& s, size_t word, uint32_t id) const {
    for (uint32_t k = s.first[word]; k < s.first[word + 1]; ++k) {
      if (s.ids[k] == id) return true;
    }
    return false;
  }

  // Sets the theme indicators `out` (n_themes entries) of the comment in `s`.
  void Themes(const Scratch& s, uint8_t* out) const {
    const size_t n_words = s.first.size() - 1;
    for (size_t w = 0; w < n_words; ++w) {
      for (uint32_t k = s.first[w]; k < s.first[w + 1]; ++k) {
        const uint32_t id = s.ids[k];
        for (uint32_t t : single_themes[id]) out[t] = 1;
        for (uint32_t p : phrases_from[id]) {
          const auto& words = phrase_words[p];
          if (w + words.size() > n_words) continue;
          bool match = true;
          for (size_t j = 1; j < words.size() && match; ++j) match = WordHas(s, w + j, words[j]);
          if (match) out[phrase_theme[p]] = 1;
        }
      }
    }
  }
};

ThemeTagger::ThemeTagger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ThemeTagger::ThemeTagger(ThemeTagger&&) noexcept = default;
ThemeTagger& ThemeTagger::operator=(ThemeTagger&&) noexcept = default;
ThemeTagger::~ThemeTagger() = default;

const std::vector<Theme>& ThemeTagger::taxonomy() const { return impl_->taxonomy; }
size_t ThemeTagger::n_themes() const { return impl_->taxonomy.size(); }

absl::StatusOr<ThemeTagger> ThemeTagger::Create(std::vector<Theme> taxonomy) {
  if (taxonomy.empty()) {
    return absl::InvalidArgumentError("the taxonomy is empty: give at least one theme with keywords");
  }
  if (taxonomy.size() > kMaxThemes) {
    return absl::InvalidArgumentError(absl::StrCat("the taxonomy has ", taxonomy.size(),
                                                   " themes: at most ", kMaxThemes, " (kMaxThemes)"));
  }
  auto impl = std::make_unique<Impl>();
  absl::flat_hash_set<std::string> names;
  absl::flat_hash_map<std::string, uint32_t> word_id;   // whole words
  absl::flat_hash_map<std::string, uint32_t> prefix_id; // "prefix*" words
  auto id_of = [&](const std::string& word) -> uint32_t {
    const bool prefix = word.size() > 1 && word.back() == '*';
    auto& table = prefix ? prefix_id : word_id;
    const std::string key = prefix ? word.substr(0, word.size() - 1) : word;
    auto [it, inserted] = table.try_emplace(key, static_cast<uint32_t>(impl->single_themes.size()));
    if (inserted) {
      impl->single_themes.emplace_back();
      impl->phrases_from.emplace_back();
      if (prefix) {
        impl->prefixes[key].push_back(it->second);
      } else {
        for (const std::string& form : Inflections(key)) {
          auto& ids = impl->forms[form];
          if (std::find(ids.begin(), ids.end(), it->second) == ids.end()) ids.push_back(it->second);
          impl->max_form = std::max(impl->max_form, form.size());
        }
      }
    }
    return it->second;
  };
  for (size_t t = 0; t < taxonomy.size(); ++t) {
    const Theme& theme = taxonomy[t];
    if (theme.name.empty()) return absl::InvalidArgumentError(absl::StrCat("theme ", t, " has an empty name"));
    if (!names.insert(theme.name).second) {
      return absl::InvalidArgumentError(absl::StrCat("theme \"", theme.name, "\" appears twice in the taxonomy"));
    }
    if (theme.keywords.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("theme \"", theme.name, "\" has no keywords"));
    }
    for (const std::string& keyword : theme.keywords) {
      // Keywords are normalised as comments are; a trailing "*" on a word
      // survives as the prefix mark.
      std::vector<std::string> words;
      Normalizer norm;
      size_t start = 0;
      while (start <= keyword.size()) {
        size_t end = keyword.find_first_of(" \t\n", start);
        if (end == std::string::npos) end = keyword.size();
        const absl::string_view part(keyword.data() + start, end - start);
        const bool prefix = !part.empty() && part.back() == '*';
        const size_t bad = norm.Run(prefix ? part.substr(0, part.size() - 1) : part, false);
        if (bad != SIZE_MAX) {
          return absl::InvalidArgumentError(absl::StrCat("keyword \"", keyword, "\" of theme \"",
                                                         theme.name, "\" is not valid UTF-8"));
        }
        const size_t n_words = norm.words().size();
        for (size_t k = 0; k < n_words; ++k) {
          std::string w(norm.word(norm.words()[k]));
          if (prefix && k + 1 == n_words) w += '*';
          words.push_back(std::move(w));
        }
        start = end + 1;
      }
      if (words.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("keyword \"", keyword, "\" of theme \"", theme.name,
                                                       "\" has no word (letters or digits)"));
      }
      std::vector<uint32_t> ids;
      for (const std::string& w : words) ids.push_back(id_of(w));
      if (ids.size() == 1) {
        auto& themes = impl->single_themes[ids[0]];
        if (std::find(themes.begin(), themes.end(), t) == themes.end()) themes.push_back(static_cast<uint32_t>(t));
      } else {
        impl->phrases_from[ids[0]].push_back(static_cast<uint32_t>(impl->phrase_words.size()));
        impl->phrase_words.push_back(std::move(ids));
        impl->phrase_theme.push_back(static_cast<uint32_t>(t));
      }
    }
  }
  for (const auto& [prefix, ids] : impl->prefixes) {
    impl->prefix_lengths.push_back(static_cast<uint32_t>(prefix.size()));
  }
  std::sort(impl->prefix_lengths.begin(), impl->prefix_lengths.end());
  impl->prefix_lengths.erase(std::unique(impl->prefix_lengths.begin(), impl->prefix_lengths.end()),
                             impl->prefix_lengths.end());
  impl->taxonomy = std::move(taxonomy);
  return ThemeTagger(std::move(impl));
}

absl::StatusOr<ThemeIndicators> ThemeTagger::Tag(absl::Span<const absl::string_view> comments,
                                                 const TagOptions& options) const {
  NPSCORE_RETURN_IF_ERROR(internal::CheckThreads(options.threads));
  if (options.invalid_utf8 != InvalidUtf8::kError && options.invalid_utf8 != InvalidUtf8::kReplace) {
    return absl::InvalidArgumentError("invalid_utf8 is not an InvalidUtf8");
  }
  const size_t n = comments.size();
  const size_t t = impl_->taxonomy.size();
  ThemeIndicators out;
  out.n_rows = static_cast<int64_t>(n);
  out.n_themes = static_cast<int64_t>(t);
  out.values.assign(n * t, 0);
  // Comments are short: a thread is worth it from ~64k comments on.
  constexpr size_t kCommentsPerThread = size_t{1} << 16;
  const size_t chunks = internal::ThreadCount(options.threads, n, kCommentsPerThread, 8);
  const bool replace = options.invalid_utf8 == InvalidUtf8::kReplace;
  uint8_t* values = out.values.data();
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(n, chunks, [&](size_t, size_t first, size_t last) {
    Impl::Scratch scratch;
    for (size_t i = first; i < last; ++i) {
      const absl::string_view text = comments[i];
      if (text.empty()) continue;
      const size_t bad = scratch.norm.Run(text, replace);
      if (bad != SIZE_MAX) return InvalidUtf8Error(i, bad, text);
      impl_->MatchWords(scratch);
      impl_->Themes(scratch, values + i * t);
    }
    return absl::OkStatus();
  }));
  return out;
}

// --- Theme impact -------------------------------------------------------------------

absl::StatusOr<ThemeImpactTable> ThemeImpact(absl::Span<const uint8_t> indicators, int64_t n_themes,
                                             absl::Span<const int8_t> segment,
                                             absl::Span<const double> clv, ImpactClv basis) {
  if (n_themes <= 0 || n_themes > static_cast<int64_t>(kMaxThemes)) {
    return absl::InvalidArgumentError(absl::StrCat("n_themes is ", n_themes, ": it must be in 1..",
                                                   kMaxThemes, " (kMaxThemes)"));
  }
  const size_t n = segment.size();
  const size_t t = static_cast<size_t>(n_themes);
  if (clv.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("clv has ", clv.size(), " rows but segment has ", n));
  }
  if (n > SIZE_MAX / t || indicators.size() != n * t) {
    return absl::InvalidArgumentError(absl::StrCat("indicators have ", indicators.size(), " entries, not rows (",
                                                   n, ") x themes (", t, ")"));
  }
  if (basis != ImpactClv::kSegment && basis != ImpactClv::kMentioners) {
    return absl::InvalidArgumentError("basis is not an ImpactClv");
  }
  // Per segment over every row, and per (theme, segment) over mentioners.
  int64_t seg_rows[3] = {0, 0, 0};
  double seg_clv[3] = {0, 0, 0};
  std::vector<int64_t> count(t * 3, 0);
  std::vector<double> clv_sum(t * 3, 0.0);
  for (size_t i = 0; i < n; ++i) {
    const int8_t s = segment[i];
    if (s < -1 || s > 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "segment at row ", i, " is ", static_cast<int>(s),
          ": segment codes are -1 (detractor), 0 (passive) or 1 (promoter)"));
    }
    const double v = clv[i];
    if (!(v >= 0 && v <= std::numeric_limits<double>::max())) {
      return absl::InvalidArgumentError(absl::StrCat("clv at row ", i, " is ", ValueText(v),
                                                     ": CLV must be finite and >= 0"));
    }
    const size_t k = static_cast<size_t>(s + 1);
    ++seg_rows[k];
    seg_clv[k] += v;
    const uint8_t* row = indicators.data() + i * t;
    for (size_t j = 0; j < t; ++j) {
      const uint8_t x = row[j];
      if (x > 1) {
        return absl::InvalidArgumentError(absl::StrCat("theme indicator at row ", i, ", theme ", j, " is ",
                                                       static_cast<int>(x), ": indicators must be 0 or 1"));
      }
      if (x) {
        ++count[j * 3 + k];
        clv_sum[j * 3 + k] += v;
      }
    }
  }
  ThemeImpactTable out;
  out.n_rows = static_cast<int64_t>(n);
  std::vector<double> impact(t, 0.0);
  std::vector<int64_t> mentions(t, 0);
  out.segment_mentions.resize(t * 3);
  out.segment_clv.resize(t * 3);
  out.segment_impact.resize(t * 3);
  for (size_t j = 0; j < t; ++j) {
    for (size_t k = 0; k < 3; ++k) {
      const int64_t c = count[j * 3 + k];
      double avg;
      if (basis == ImpactClv::kSegment) {
        avg = seg_rows[k] > 0 ? seg_clv[k] / static_cast<double>(seg_rows[k]) : kNaN;
      } else {
        avg = c > 0 ? clv_sum[j * 3 + k] / static_cast<double>(c) : kNaN;
      }
      out.segment_mentions[j * 3 + k] = c;
      out.segment_clv[j * 3 + k] = avg;
      // Mentions x average CLV; no mentions contribute nothing, even with no average.
      const double contribution = c > 0 ? static_cast<double>(c) * avg : 0.0;
      out.segment_impact[j * 3 + k] = contribution;
      impact[j] += contribution;
      mentions[j] += c;
    }
  }
  std::vector<int64_t> order(t);
  for (size_t j = 0; j < t; ++j) order[j] = static_cast<int64_t>(j);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    if (impact[a] != impact[b]) return impact[a] > impact[b];
    return mentions[a] > mentions[b];
  });
  // Reorder the per-theme columns by rank.
  auto reorder3 = [&](auto& v) {
    auto copy = v;
    for (size_t r = 0; r < t; ++r) {
      for (size_t k = 0; k < 3; ++k) v[r * 3 + k] = copy[static_cast<size_t>(order[r]) * 3 + k];
    }
  };
  reorder3(out.segment_mentions);
  reorder3(out.segment_clv);
  reorder3(out.segment_impact);
  for (size_t r = 0; r < t; ++r) {
    const size_t j = static_cast<size_t>(order[r]);
    out.theme.push_back(order[r]);
    out.mentions.push_back(mentions[j]);
    out.impact.push_back(impact[j]);
    out.mentioner_clv.push_back(clv_sum[j * 3] + clv_sum[j * 3 + 1] + clv_sum[j * 3 + 2]);
    Counts c;
    c.detractors = count[j * 3];
    c.passives = count[j * 3 + 1];
    c.promoters = count[j * 3 + 2];
    if (c.n() > 0) {
      NPSCORE_ASSIGN_OR_RETURN(const Summary s, Summarize(c));
      out.nps.push_back(s.nps);
      out.ci_low.push_back(s.ci_low);
      out.ci_high.push_back(s.ci_high);
    } else {
      out.nps.push_back(kNaN);
      out.ci_low.push_back(kNaN);
      out.ci_high.push_back(kNaN);
    }
    size_t best = 0;
    for (size_t k = 1; k < 3; ++k) {
      if (out.segment_impact[r * 3 + k] > out.segment_impact[r * 3 + best]) best = k;
    }
    out.driver.push_back(out.mentions[r] > 0 ? static_cast<int8_t>(static_cast<int>(best) - 1) : INT8_MIN);
  }
  return out;
}

}  // namespace npscore
