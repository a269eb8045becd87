// npscore/nps.h: segmentation and Net Promoter Score with honest uncertainty.
//
// Data flow: score columns (and optional weights / group codes) come in as
// spans; they are validated once, in the same single pass that counts them;
// the counts are mergeable aggregates; summaries with intervals are computed
// from counts. Every NPS, standard error and interval bound returned here is on
// the -100..100 scale.
//
// Supported score element types: double, float, int8..int64, uint8..uint64.
// Float scores must be whole numbers; NaN is "missing" (an error unless the
// caller asks to skip it, in which case it is counted in `skipped`).

#ifndef NPSCORE_NPS_H_
#define NPSCORE_NPS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace npscore {

// Segment codes, chosen so that NPS = 100 * mean(code).
enum class Segment : int8_t {
  kDetractor = -1,
  kPassive = 0,
  kPromoter = 1,
};

// The segment code of no segment (an account without responses, a customer
// whose segment is unknown); shared by the health, churn and priority modules.
inline constexpr int8_t kNoSegment = INT8_MIN;

// Cutoffs on the answer scale 0..scale_max: 0..detractor_max are detractors,
// detractor_max+1..passive_max passives, passive_max+1..scale_max promoters.
// The defaults are the standard 0-10 NPS question.
struct Cutoffs {
  int detractor_max = 6;
  int passive_max = 8;
  int scale_max = 10;
};

// Returns OK if 0 <= detractor_max < passive_max < scale_max <= 1000.
absl::Status ValidateCutoffs(const Cutoffs& cutoffs);

// What to do with a missing (NaN) score.
enum class Missing {
  kError,  // the first missing score is an error naming its row
  kSkip,   // missing scores are left out and counted in `skipped`
};

// Options for reading a score column.
struct ScoreOptions {
  Cutoffs cutoffs;
  Missing missing = Missing::kError;
};

// Counts of respondents per segment: the mergeable aggregate behind every
// unweighted statistic. Merging the counts of partitions gives exactly the
// counts of the whole.
struct Counts {
  int64_t detractors = 0;
  int64_t passives = 0;
  int64_t promoters = 0;
  int64_t skipped = 0;  // missing scores left out (Missing::kSkip)

  int64_t n() const { return detractors + passives + promoters; }
  // Adds `other` without checks: both must be valid (ValidateCounts) and the
  // sums must fit in int64_t. MergeCounts checks both.
  Counts& Merge(const Counts& other);
};

// Returns OK if every count is >= 0 and n() fits in int64_t; the error names
// the field and its value.
absl::Status ValidateCounts(const Counts& counts);

// The counts of two partitions together: a + b, after checking both
// (ValidateCounts) and that no sum overflows.
absl::StatusOr<Counts> MergeCounts(const Counts& a, const Counts& b);

// Weighted segment totals (e.g. weight = ARR or CLV). `sum_w2` is the sum of
// squared weights, for Kish's effective sample size (sum w)^2 / sum w^2.
struct WeightedCounts {
  double detractors = 0;
  double passives = 0;
  double promoters = 0;
  double sum_w2 = 0;
  int64_t rows = 0;     // rows counted (weights may be zero)
  int64_t skipped = 0;  // missing scores left out

  double total() const { return detractors + passives + promoters; }
  double n_effective() const;
  // Adds `other` without checks (see MergeCounts).
  WeightedCounts& Merge(const WeightedCounts& other);
};

// Returns OK if the weighted totals could come from finite weights >= 0:
// totals finite and >= 0, sum_w2 >= 0 (+inf when the squares overflow), rows
// and skipped >= 0, and total^2 / rows <= sum_w2 <= total^2 (Cauchy-Schwarz:
// the effective n lies in [1, rows]) with a relative rounding slack of 1e-6,
// checked where neither side under- or overflows.
absl::Status ValidateCounts(const WeightedCounts& counts);

// The weighted totals of two partitions together, after checking both.
absl::StatusOr<WeightedCounts> MergeCounts(const WeightedCounts& a, const WeightedCounts& b);

// Confidence-interval method for an NPS.
enum class IntervalMethod {
  kWald,          // NPS +- z * sqrt(V / n)
  kAdjustedWald,  // Rocks (2016): add 0.75 / 1.5 / 0.75 pseudo-respondents
  kScore,         // Tango (1998) score interval, by root finding
};

// Parses "wald", "adjusted-wald" or "score".
absl::StatusOr<IntervalMethod> ParseIntervalMethod(absl::string_view name);
// Returns the canonical name of `method` ("wald", "adjusted-wald", "score").
const char* IntervalMethodName(IntervalMethod method);

// The default two-sided confidence level of every interval, and the default
// responses below which a group (or a period's slice) is flagged small.
inline constexpr double kDefaultConfidence = 0.95;
inline constexpr double kDefaultMinN = 30;

// Interval options: the method and the two-sided confidence level in (0, 1).
struct IntervalOptions {
  IntervalMethod method = IntervalMethod::kAdjustedWald;
  double confidence = kDefaultConfidence;
};

// Returns OK if 0 < confidence < 1.
absl::Status ValidateIntervalOptions(const IntervalOptions& options);

// An NPS with its uncertainty. Counts are respondent counts, or weighted sums
// when weights were given; then `n_effective` is Kish's effective n, otherwise
// it equals `n`.
struct Summary {
  double n = 0;
  double detractors = 0;
  double passives = 0;
  double promoters = 0;
  double n_effective = 0;
  int64_t skipped = 0;
  double nps = 0;      // 100 * (promoters - detractors) / n
  double se = 0;       // 100 * sqrt(V / n_effective), V = (p + d) - (p - d)^2
  double ci_low = 0;   // interval bounds by `method`, within [-100, 100]
  double ci_high = 0;
  IntervalMethod method = IntervalMethod::kAdjustedWald;
  double confidence = kDefaultConfidence;
  bool weighted = false;  // counts are weighted sums
  int64_t rows = 0;       // responses counted (= n when unweighted; weights may be zero)

  double share_detractors() const { return n > 0 ? detractors / n : 0; }
  double share_passives() const { return n > 0 ? passives / n : 0; }
  double share_promoters() const { return n > 0 ? promoters / n : 0; }
};

// Which test gives a comparison's p-value, and with it the interval (the
// two always agree: p < 1 - confidence exactly when 0 is outside the
// interval).
enum class CompareTest {
  kAuto,        // kMidP when both samples are unweighted and the smaller has
                // fewer than kExactBelow respondents and the method is kScore;
                // else kAsymptotic
  kAsymptotic,  // the method's own statistic against the normal distribution
  kExact,       // permutation test, conventional p (never above its level)
  kMidP,        // permutation test, mid-p (half the probability of ties)
};

// Parses "auto", "asymptotic", "exact" or "mid-p".
absl::StatusOr<CompareTest> ParseCompareTest(absl::string_view name);
// Returns the canonical name of `test`.
const char* CompareTestName(CompareTest test);

// The test that gave a comparison's p-value.
enum class TestKind {
  kWald,          // unpooled Wald z = diff / se
  kAdjustedWald,  // Wald z after 0.375 / 0.75 / 0.375 pseudo-respondents per sample
  kScore,         // score test: variance at the restricted MLE under the null
  kExact,         // permutation test of |diff|, conventional p
  kMidP,          // permutation test of |diff|, mid-p
};

// Returns "wald", "adjusted-wald", "score", "exact" or "mid-p".
const char* TestKindName(TestKind test);

// Below this many respondents in the smaller sample, CompareTest::kAuto uses
// the exact mid-p test (unweighted samples, score method): there the score
// test's type-I error reaches 7-10% for some distributions, the mid-p test's
// stays below 6.5%.
inline constexpr int64_t kExactBelow = 10;

// The largest smaller sample for kExact / kMidP: the permutation
// distribution has up to (n + 1)(n + 2) / 2 tables (n = the smaller sample),
// about 500,000 at this bound (about 0.1 s).
inline constexpr int64_t kMaxExactSample = 1000;

// Options of Compare: the interval method (which also picks the test's
// statistic), the confidence level and the test.
struct CompareOptions {
  IntervalMethod method = IntervalMethod::kScore;
  double confidence = kDefaultConfidence;
  CompareTest test = CompareTest::kAuto;
};

// The difference a - b between two independent NPS and its test.
struct Comparison {
  double diff = 0;     // nps(a) - nps(b), -200..200
  double se = 0;       // 100 * sqrt(Va / na + Vb / nb): the plain SE of diff
  double z = 0;        // the test statistic (see TestKind); for the exact
                       // tests, the score statistic
  double p_value = 1;  // two-sided, from `test`
  double ci_low = 0;   // interval for the difference, by `method`, within
  double ci_high = 0;  // [-200, 200]; agrees with p_value (see CompareTest)
  IntervalMethod method = IntervalMethod::kAdjustedWald;
  double confidence = kDefaultConfidence;
  TestKind test = TestKind::kWald;
};

// --- Kernels over score columns -------------------------------------------

// Writes the segment code (-1 / 0 / +1) of each score into `out`, which must
// have the length of `scores`. Missing scores are always an error here.
template <typename T>
absl::Status SegmentInto(absl::Span<const T> scores, absl::Span<int8_t> out,
                         const Cutoffs& cutoffs = {});

// Returns the segment code of each score (see SegmentInto).
template <typename T>
absl::StatusOr<std::vector<int8_t>> SegmentScores(absl::Span<const T> scores,
                                                  const Cutoffs& cutoffs = {});

// Counts segments in one pass, validating every score.
template <typename T>
absl::StatusOr<Counts> CountSegments(absl::Span<const T> scores,
                                     const ScoreOptions& options = {});

// Sums weights per segment in one pass. Weights must be finite and >= 0 and
// as long as the scores.
template <typename T>
absl::StatusOr<WeightedCounts> CountSegmentsWeighted(
    absl::Span<const T> scores, absl::Span<const double> weights,
    const ScoreOptions& options = {});

// --- Statistics from counts -------------------------------------------------

// The interval for an NPS from (possibly fractional) segment counts; bounds on
// the -100..100 scale, clipped to it.
struct Interval {
  double low = 0;
  double high = 0;
};
absl::StatusOr<Interval> NpsInterval(double detractors, double passives,
                                     double promoters,
                                     const IntervalOptions& options = {});

// Summarizes counts: NPS, SE and interval. Fails on n = 0.
absl::StatusOr<Summary> Summarize(const Counts& counts,
                                  const IntervalOptions& options = {});

// Summarizes weighted totals; SE and interval use the effective sample size.
absl::StatusOr<Summary> Summarize(const WeightedCounts& counts,
                                  const IntervalOptions& options = {});

// Returns OK if a summary holds what Summarize could have produced: counts
// finite and >= 0 adding up to n > 0; n_effective finite and > 0 (equal to n
// when unweighted); nps and se equal (within 1e-6 relative, 1e-9 absolute)
// to what the counts give; the interval finite and within [-100, 100];
// skipped >= 0; method and confidence valid. Errors start with `name`.
absl::Status ValidateSummary(const Summary& s, absl::string_view name = "summary");

// Compares two independent summaries (validated first): diff = nps(a) -
// nps(b), its plain SE, and a two-sided test of equal NPS with an interval
// for the difference that agrees with it. By method:
//   kScore         the score test: z = (diff - delta) / SE(delta), SE(delta)
//                  from the maximum-likelihood segment shares of the two
//                  samples restricted to NPS_a - NPS_b = delta (delta = 0 for
//                  the p-value); the interval is the set of delta whose |z|
//                  is below the critical value. With CompareTest kExact /
//                  kMidP (kAuto below kExactBelow), p comes from the
//                  permutation distribution of |diff| given the pooled
//                  segment counts, and the interval is the score interval
//                  with the critical value replaced by c / SE(0), c being the
//                  exact test's critical difference, so that it excludes 0
//                  exactly when the exact p is significant. Weighted samples
//                  use their effective counts (share x n_effective) and the
//                  asymptotic test.
//   kWald          z = diff / se; interval diff +- z * se.
//   kAdjustedWald  the same after adding 0.375 / 0.75 / 0.375
//                  pseudo-respondents to each sample (half of the one-sample
//                  adjustment, as Agresti-Caffo halve Agresti-Coull's).
// The exact tests need the kScore method and unweighted samples.
absl::StatusOr<Comparison> Compare(const Summary& a, const Summary& b,
                                   const CompareOptions& options = {});

// Compare with the interval options of a summary: the same as
// CompareOptions{options.method, options.confidence, CompareTest::kAuto}.
absl::StatusOr<Comparison> Compare(const Summary& a, const Summary& b,
                                   const IntervalOptions& options);

// --- By group ---------------------------------------------------------------

// Summaries for groups 0..n_groups-1 as columns (one entry per group).
struct GroupTable {
  std::vector<double> n, detractors, passives, promoters, n_effective;
  std::vector<int64_t> rows, skipped;  // responses counted / left out (missing)
  std::vector<double> nps, se, ci_low, ci_high;
  std::vector<uint8_t> small;  // 1 where n (or n_effective) < min_n
  IntervalMethod method = IntervalMethod::kAdjustedWald;
  double confidence = kDefaultConfidence;
  bool weighted = false;

  size_t size() const { return n.size(); }
  // Returns group i as a Summary (i < size()).
  Summary Row(size_t i) const;
};

// Options for SummarizeByGroup.
struct GroupOptions {
  ScoreOptions scores;
  IntervalOptions interval;
  double min_n = kDefaultMinN;  // groups below it are flagged `small`
  // Threads for the counting pass: 0 = automatic (one per 2^20 rows, at most
  // the machine's), 1..kMaxThreads (limits.h) = that many, fewer only when
  // there are fewer rows or the per-thread tallies (32 bytes a group) would
  // pass a quarter of the scores' size. Unweighted counts merge exactly, so
  // the result never depends on it; weighted passes use one thread.
  int threads = 0;
};

// Counts every group in one pass over (score, group code) rows and summarizes
// each group. `codes` (int8, int16, int32 or int64, e.g. pandas categorical
// codes as they are) must be as long as `scores`, each in [0, n_groups).
// `weights` may be empty (unweighted) or as long as `scores`. A group with no
// respondents has n = 0 and NaN statistics.
template <typename T, typename C>
absl::StatusOr<GroupTable> SummarizeByGroup(absl::Span<const T> scores,
                                            absl::Span<const C> codes, int64_t n_groups,
                                            absl::Span<const double> weights,
                                            const GroupOptions& options = {});

// By-group summaries keyed by integer keys (account ids, ...): one row per
// distinct key that has rows, in ascending key order.
struct KeyedGroupTable {
  std::vector<int64_t> keys;
  GroupTable table;
};

// Summarizes by integer key without a separate factorizing pass when the keys
// are dense (they span a range no wider than a quarter of the rows, or 2^16):
// the offset from the smallest key is the group. Sparse keys are factorized
// first (FactorizeKeys).
template <typename T>
absl::StatusOr<KeyedGroupTable> SummarizeByKey(absl::Span<const T> scores,
                                               absl::Span<const int64_t> keys,
                                               absl::Span<const double> weights,
                                               const GroupOptions& options = {});

// Group codes of integer keys: codes[i] in 0..keys.size()-1 numbers the
// distinct keys in ascending order, so groups come out sorted by key.
struct KeyCodes {
  std::vector<int64_t> codes;  // one per row
  std::vector<int64_t> keys;   // the distinct keys, ascending
};

// Factorizes integer keys (account ids, years, ...) in O(n): by direct
// indexing when the keys span a range no wider than a few times their number,
// else by hashing and sorting the distinct keys.
KeyCodes FactorizeKeys(absl::Span<const int64_t> keys);

// One chunk of an Arrow string column, as views of its buffers (utf8: O =
// int32_t, large_utf8: O = int64_t). Row i of the chunk (0 <= i < length)
// holds the bytes data[offsets[offset + i], offsets[offset + i + 1]) and is
// missing when `validity` is not empty and its bit offset + i (least
// significant bit first) is 0, as the Arrow columnar format lays them out.
template <typename O>
struct Utf8Chunk {
  absl::Span<const uint8_t> validity;  // empty: no missing row
  absl::Span<const O> offsets;         // at least offset + length + 1 entries
  absl::Span<const char> data;         // the whole data buffer
  int64_t offset = 0;                  // Arrow's offset of the chunk
  int64_t length = 0;                  // rows
};

// Group codes of string keys: codes[i] numbers row i's key among the distinct
// keys in ascending byte order (for UTF-8, code point order: Python's str
// order); missing rows form their own group, the last, as
// pd.factorize(sort=True, use_na_sentinel=False) numbers them.
struct StringKeyCodes {
  std::vector<int32_t> codes;     // one per row of all chunks, in order
  std::vector<int64_t> key_rows;  // per group, in code order: its first row
  bool has_missing = false;       // the last group is the missing key
};

// Factorizes string keys straight from Arrow buffers (chunks in order, rows
// numbered across them): one hashing pass over the rows, on `threads` threads
// (0: automatic), then a sort of the distinct keys only; no per-row
// allocation. Keys are compared as bytes (not checked to be UTF-8). Errors
// name the row (across chunks) and the chunk: offsets that decrease or run
// past the data, too few offsets or validity bytes, a negative offset or
// length; and more than 2^31 - 1 groups.
template <typename O>
absl::StatusOr<StringKeyCodes> FactorizeUtf8Keys(absl::Span<const Utf8Chunk<O>> chunks,
                                                 int threads = 0);

// By-group summaries keyed by string keys: one row per distinct key in
// ascending byte order, the missing key (if any) last, as SummarizeByGroup
// over FactorizeUtf8Keys' codes gives them.
struct StringKeyedGroupTable {
  std::vector<int64_t> key_rows;  // per group, in table order: its first row
  bool has_missing = false;       // the last group is the missing key
  GroupTable table;
};

// Summarizes `scores` by the string keys of `chunks` (as many rows in all as
// scores), exactly as SummarizeByGroup(scores, FactorizeUtf8Keys(chunks)
// codes, ...) would. Unweighted, it does so in one pass over the rows, with
// no codes array: each thread (GroupOptions::threads) counts its rows per
// key and score segment in its own hash table, and only the distinct keys
// are sorted. Weighted, it is that two-pass composition (weighted sums stay
// on one thread). Errors are those of both, the first bad block's first.
template <typename T, typename O>
absl::StatusOr<StringKeyedGroupTable> SummarizeByUtf8Key(absl::Span<const T> scores,
                                                         absl::Span<const Utf8Chunk<O>> chunks,
                                                         absl::Span<const double> weights,
                                                         const GroupOptions& options = {});

// The per-respondent variance of the NPS on the -1..1 scale,
// V = (p + d) - (p - d)^2, from segment counts (R package NPS's npvar).
double NpsVariance(double detractors, double passives, double promoters);

// Standard normal quantile and upper tail, used for intervals and p-values.
double NormalQuantile(double p);
double NormalSurvival(double z);

}  // namespace npscore

#endif  // NPSCORE_NPS_H_
