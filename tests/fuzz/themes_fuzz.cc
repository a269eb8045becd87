// libFuzzer harness: caller strings -> ThemeTagger::Create (theme names and
// keywords), ThemeTagger::Tag (comments, both invalid-UTF-8 modes) and
// NormalizeText. Checks, against a separate strict UTF-8 validator:
//   - Create refuses an empty or repeated name, a theme without keywords and
//     a keyword that is not valid UTF-8; its errors are InvalidArgument;
//   - Tag in error mode fails exactly when a comment is invalid, naming the
//     first invalid comment and the byte where its first bad sequence starts;
//     in replace mode it never fails and agrees with error mode on valid
//     comments;
//   - indicators are n_comments x n_themes values of 0 or 1 (tags index only
//     existing themes), the same on every call and for any thread count;
//   - NormalizeText is idempotent, and a comment tags as its normalised text;
//   - every keyword, given as a comment, is tagged with its own theme.
// A failed check aborts.
//
// Input: byte 0 bit 0 replace mode for the keyword/normalisation checks, bit
// 1 the default taxonomy; then fields separated by 0xFF (never valid UTF-8):
// with a caller taxonomy the first field is the taxonomy, themes separated by
// 0x1E, each a name and its keywords separated by 0x1F; the other fields are
// the comments.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/themes.h"
#include "tests/fuzz/fuzz_messages.h"

namespace {

using npscore_fuzz::NumberAfter;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "themes_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Bounds of a caller taxonomy and of one input: compiling a taxonomy costs
// per keyword (about 15 inflected forms each), and it is done per input.
constexpr size_t kMaxFuzzThemes = 32;
constexpr size_t kMaxFuzzKeywords = 8;
constexpr size_t kMaxComments = 64;
constexpr size_t kMaxKeywordChecks = 64;

// Offset where the first invalid sequence starts (strict UTF-8: no overlong
// forms, no surrogates, nothing above U+10FFFF), or npos if `s` is valid.
size_t FirstInvalidUtf8(absl::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = b[i];
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c == 0xE0) {
      len = 3, lo = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      len = 3;
    } else if (c == 0xED) {
      len = 3, hi = 0x9F;
    } else if (c == 0xF0) {
      len = 4, lo = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      len = 4;
    } else if (c == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n || b[i + 1] < lo || b[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return absl::string_view::npos;
}

npscore::ThemeIndicators TagOrDie(const npscore::ThemeTagger& tagger,
                                  absl::Span<const absl::string_view> comments,
                                  npscore::InvalidUtf8 mode, int threads) {
  npscore::TagOptions options;
  options.invalid_utf8 = mode;
  options.threads = threads;
  auto tags = tagger.Tag(comments, options);
  if (!tags.ok()) Fail("Tag failed", std::string(tags.status().message()));
  return *std::move(tags);
}

void CheckShape(const npscore::ThemeIndicators& tags, size_t n, size_t t) {
  if (tags.n_rows != static_cast<int64_t>(n) || tags.n_themes != static_cast<int64_t>(t) ||
      tags.values.size() != n * t) {
    Fail("indicators", "wrong shape");
  }
  for (uint8_t v : tags.values) {
    if (v > 1) Fail("indicators", "a value other than 0 or 1");
  }
}

absl::Span<const uint8_t> Row(const npscore::ThemeIndicators& tags, size_t i) {
  const size_t t = static_cast<size_t>(tags.n_themes);
  return absl::MakeConstSpan(tags.values).subspan(i * t, t);
}

// Parses the caller taxonomy; bounded so that one input stays fast.
std::vector<npscore::Theme> Taxonomy(absl::string_view field) {
  std::vector<npscore::Theme> taxonomy;
  for (absl::string_view theme : absl::StrSplit(field, '\x1e')) {
    if (taxonomy.size() == kMaxFuzzThemes) break;
    std::vector<absl::string_view> parts = absl::StrSplit(theme, '\x1f');
    npscore::Theme t;
    t.name = std::string(parts[0]);
    for (size_t k = 1; k < parts.size() && k <= kMaxFuzzKeywords; ++k) {
      t.keywords.emplace_back(parts[k]);
    }
    taxonomy.push_back(std::move(t));
  }
  return taxonomy;
}

// True if Create must refuse `taxonomy` (themes.h): no theme, an empty or
// repeated name, a theme without keywords, a keyword that is not UTF-8.
bool MustRefuse(const std::vector<npscore::Theme>& taxonomy) {
  std::vector<std::string> names;
  for (const npscore::Theme& t : taxonomy) {
    if (t.name.empty() || t.keywords.empty()) return true;
    for (const std::string& k : t.keywords) {
      if (FirstInvalidUtf8(k) != absl::string_view::npos) return true;
    }
    names.push_back(t.name);
  }
  std::sort(names.begin(), names.end());
  return taxonomy.empty() || std::adjacent_find(names.begin(), names.end()) != names.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool replace = data[0] & 1;
  const bool default_taxonomy = data[0] & 2;
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), '\xff');

  // The default taxonomy is compiled once (its compilation is covered then).
  static const npscore::ThemeTagger* const kDefault =
      new npscore::ThemeTagger(*npscore::ThemeTagger::Create(npscore::DefaultTaxonomy()));
  std::vector<npscore::Theme> taxonomy;
  absl::StatusOr<npscore::ThemeTagger> created = absl::UnknownError("not created");
  size_t first_comment = 0;
  if (default_taxonomy) {
    taxonomy = kDefault->taxonomy();
  } else {
    taxonomy = Taxonomy(fields[0]);
    first_comment = 1;
    const bool must_refuse = MustRefuse(taxonomy);
    created = npscore::ThemeTagger::Create(taxonomy);
    if (!created.ok()) {
      if (created.status().code() != absl::StatusCode::kInvalidArgument) {
        Fail("Create", "an error other than InvalidArgument: " + created.status().ToString());
      }
      return 0;
    }
    if (must_refuse) Fail("Create", "accepted a taxonomy it must refuse");
  }
  const npscore::ThemeTagger& tagger = default_taxonomy ? *kDefault : *created;
  const size_t t = tagger.n_themes();
  if (t != taxonomy.size()) Fail("Create", "theme count differs from the taxonomy's");

  std::vector<absl::string_view> comments;
  for (size_t k = first_comment; k < fields.size() && comments.size() < kMaxComments; ++k) {
    comments.push_back(fields[k]);
  }
  const size_t n = comments.size();

  // Error mode: fails exactly at the first invalid comment and byte.
  size_t first_bad = n, bad_offset = 0;
  for (size_t i = 0; i < n && first_bad == n; ++i) {
    const size_t at = FirstInvalidUtf8(comments[i]);
    if (at != absl::string_view::npos) first_bad = i, bad_offset = at;
  }
  npscore::TagOptions strict;
  strict.threads = 1;
  auto checked = tagger.Tag(comments, strict);
  if (first_bad < n) {
    if (checked.ok()) Fail("Tag", "accepted invalid UTF-8 in error mode");
    const absl::string_view m = checked.status().message();
    if (NumberAfter(m, "comment ") != static_cast<int64_t>(first_bad) ||
        NumberAfter(m, "(byte ") != static_cast<int64_t>(bad_offset)) {
      Fail("Tag error names another comment or byte",
           absl::StrCat(m, " (expected comment ", first_bad, ", byte ", bad_offset, ")"));
    }
  } else if (!checked.ok()) {
    Fail("Tag refused valid UTF-8", std::string(checked.status().message()));
  }

  // Replace mode: never fails, deterministic, any thread count.
  const npscore::ThemeIndicators tags =
      TagOrDie(tagger, comments, npscore::InvalidUtf8::kReplace, 1);
  CheckShape(tags, n, t);
  if (TagOrDie(tagger, comments, npscore::InvalidUtf8::kReplace, 1).values != tags.values ||
      TagOrDie(tagger, comments, npscore::InvalidUtf8::kReplace, 3).values != tags.values) {
    Fail("Tag", "not deterministic (repeated or with 3 threads)");
  }
  if (checked.ok() && checked->values != tags.values) {
    Fail("Tag", "replace mode differs from error mode on valid comments");
  }

  // Normalisation: idempotent, and a comment tags as its normalised text.
  std::vector<std::string> normalized;
  for (size_t i = 0; i < n; ++i) {
    const bool valid = FirstInvalidUtf8(comments[i]) == absl::string_view::npos;
    auto folded = npscore::NormalizeText(comments[i], replace);
    if (folded.ok() != (valid || replace)) Fail("NormalizeText", "validity differs from Tag's");
    if (!folded.ok()) continue;
    auto again = npscore::NormalizeText(*folded);
    if (!again.ok() || *again != *folded) {
      Fail("NormalizeText is not idempotent", absl::CHexEscape(*folded));
    }
    normalized.push_back(*std::move(folded));
    const absl::string_view one[] = {normalized.back()};
    const npscore::ThemeIndicators own =
        TagOrDie(tagger, one, npscore::InvalidUtf8::kError, 1);
    if (!std::equal(own.values.begin(), own.values.end(), Row(tags, i).begin())) {
      Fail("a comment tags differently from its normalised text", absl::CHexEscape(comments[i]));
    }
  }

  // Every keyword names its own theme.
  std::vector<absl::string_view> keywords;
  std::vector<size_t> owner;
  for (size_t k = 0; k < t && keywords.size() < kMaxKeywordChecks; ++k) {
    for (const std::string& kw : taxonomy[k].keywords) {
      if (keywords.size() == kMaxKeywordChecks) break;
      keywords.push_back(kw);
      owner.push_back(k);
    }
  }
  const npscore::ThemeIndicators own =
      TagOrDie(tagger, keywords, npscore::InvalidUtf8::kError, 1);
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (Row(own, i)[owner[i]] != 1) {
      Fail("a keyword is not tagged with its theme", absl::CHexEscape(keywords[i]));
    }
  }
  return 0;
}
