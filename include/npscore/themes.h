// npscore/themes.h: which problems to fix first: theme tagging of comments
// and revenue-weighted theme impact.
//
// A ThemeTagger tags free-text comments with the themes of a taxonomy (theme
// name -> keywords and phrases). Text and keywords are normalised the same
// way, once:
//   - UTF-8 is decoded strictly (overlong forms, surrogates and code points
//     above U+10FFFF are invalid): an invalid comment is an error naming its
//     index and byte offset, or, on request, each invalid byte is read as a
//     word separator (the U+FFFD replacement);
//   - case and accents are folded: ASCII, Latin-1 Supplement and Latin
//     Extended-A letters become lower-case ASCII (é -> e, Ü -> u, ß -> ss,
//     Æ -> ae, Œ -> oe, Ł -> l); other letters are kept as they are;
//   - words are maximal runs of letters and digits; everything else (spaces,
//     punctuation, apostrophes, hyphens, symbols, emoji) separates words, so
//     "sign-up" and "sign up" read alike.
// A keyword is a word or a phrase of words, matched on whole words: a phrase
// matches consecutive words of the comment. A keyword word matches a comment
// word that equals it or is one of its simple inflections: the word plus
// "s", "es", "ed", "ing", "er", "ers", "y" or "ly", also with its last
// consonant doubled ("bug" -> "buggy", "bugged") or its final "e" dropped
// ("price" -> "pricing", "priced") or its final "y" turned into "ies"/"ied".
// So "bug" matches "bug", "bugs", "buggy", never "debugger" or "bugle"
// ("bugle" is no inflection). A keyword word ending in "*" matches every word
// that starts with it ("debug*" matches "debugger"). Themes are multi-label:
// a comment gets every theme one of whose keywords it contains.

#ifndef NPSCORE_THEMES_H_
#define NPSCORE_THEMES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/limits.h"

namespace npscore {

// --- Tagging ----------------------------------------------------------------------

// Themes of one taxonomy, at most: a taxonomy for people to act on has tens of
// themes, and tagging writes n_comments x themes indicators (1 KiB per
// comment at the bound).
inline constexpr size_t kMaxThemes = 1024;

// One theme of a taxonomy: its name and its keywords (words or phrases).
struct Theme {
  std::string name;
  std::vector<std::string> keywords;
};

// The default taxonomy (docs/sources.md §7): bug, pricing, billing, usability,
// support, onboarding, performance, reporting, feature_request.
std::vector<Theme> DefaultTaxonomy();

// What to do with invalid UTF-8 in a comment.
enum class InvalidUtf8 {
  kError,    // the first invalid comment is an error naming its index
  kReplace,  // each invalid byte separates words (U+FFFD)
};

struct TagOptions {
  InvalidUtf8 invalid_utf8 = InvalidUtf8::kError;
  int threads = 0;  // 0: as many as the input size warrants (at most 8); at most kMaxThreads
};

// Theme indicators: values[row * n_themes + theme] is 1 if comment `row`
// mentions `theme` (taxonomy order), else 0.
struct ThemeIndicators {
  int64_t n_rows = 0;
  int64_t n_themes = 0;
  std::vector<uint8_t> values;
};

// Folds `text` as the tagger reads it: lower-case ASCII words separated by
// single spaces (e.g. "Löve the UI!!" -> "love the ui"). For tests and for
// checking keywords; `replace` as InvalidUtf8::kReplace.
absl::StatusOr<std::string> NormalizeText(absl::string_view text, bool replace = false);

// A compiled taxonomy. Thread-safe to use from several threads at once.
class ThemeTagger {
 public:
  // Compiles `taxonomy`: 1..kMaxThemes themes, unique non-empty names, every
  // theme with at least one keyword, every keyword with at least one word.
  static absl::StatusOr<ThemeTagger> Create(std::vector<Theme> taxonomy);

  ThemeTagger(ThemeTagger&&) noexcept;
  ThemeTagger& operator=(ThemeTagger&&) noexcept;
  ~ThemeTagger();

  const std::vector<Theme>& taxonomy() const;
  size_t n_themes() const;

  // Tags every comment (an empty view, e.g. a missing comment, has no theme).
  absl::StatusOr<ThemeIndicators> Tag(absl::Span<const absl::string_view> comments,
                                      const TagOptions& options = {}) const;

  class Impl;

 private:
  explicit ThemeTagger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// --- Theme impact -------------------------------------------------------------------

// Which average CLV multiplies a segment's mentions in the Feature Impact
// Score (docs/sources.md §6: "requests from each segment x the segment's average
// CLV").
enum class ImpactClv {
  kSegment,    // the segment's average CLV over every row (default)
  kMentioners, // the average CLV of the segment's rows that mention the theme
};

// Per theme, ranked by impact (highest first; ties: more mentions, then
// taxonomy order). Index s of the per-segment arrays: 0 detractors, 1
// passives, 2 promoters, stored theme-major (theme * 3 + s).
struct ThemeImpactTable {
  std::vector<int64_t> theme;       // index into the input's theme columns
  std::vector<int64_t> mentions;    // rows mentioning the theme
  std::vector<int64_t> segment_mentions;  // per segment
  std::vector<double> segment_clv;        // the average CLV used (NaN if none)
  std::vector<double> segment_impact;     // mentions x average CLV
  std::vector<double> impact;             // the Feature Impact Score: sum over segments
  std::vector<double> mentioner_clv;      // total CLV of the mentioners
  std::vector<double> nps, ci_low, ci_high;  // NPS of the mentioners (NaN if none)
  std::vector<int8_t> driver;       // segment (-1/0/1) with the largest impact; INT8_MIN if none
  int64_t n_rows = 0;

  size_t size() const { return theme.size(); }
};

// Computes the theme impact from indicators (n_rows x n_themes, row-major,
// entries 0/1; n_themes in 1..kMaxThemes), segment codes (-1/0/1; nps.h
// Segment) and CLV (finite, >= 0) per row. The NPS interval is adjusted Wald at 95%.
absl::StatusOr<ThemeImpactTable> ThemeImpact(absl::Span<const uint8_t> indicators,
                                             int64_t n_themes,
                                             absl::Span<const int8_t> segment,
                                             absl::Span<const double> clv,
                                             ImpactClv basis = ImpactClv::kSegment);

}  // namespace npscore

#endif  // NPSCORE_THEMES_H_
