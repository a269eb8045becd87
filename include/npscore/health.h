// npscore/health.h: distribution health over time.
//
// A single NPS hides what matters: +50 made of 60/30/10 is not +50 made of
// 50/50/0. This module follows the whole distribution through time: responses
// are bucketed into calendar periods (or rolling windows) in a time zone,
// counted per period and slice in one pass (the 0..scale histogram), and the
// per-period table carries shares with intervals, NPS with its interval, the
// change against the previous period with its test, multiplicity-adjusted
// p-values, per-segment trends and health flags with the numbers that raised
// them. Migration between segments, mix/rate attribution of a change, event
// impact and B2B account roll-ups complete it.
//
// Times are int64 nanoseconds since the Unix epoch, UTC (numpy datetime64[ns],
// pandas Timestamps); INT64_MIN is "missing" (NaT).

#ifndef NPSCORE_HEALTH_H_
#define NPSCORE_HEALTH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/nps.h"

namespace npscore {

// The missing-time marker (numpy's NaT).
inline constexpr int64_t kMissingTime = INT64_MIN;

// --- Periods ------------------------------------------------------------------

// Calendar period length.
enum class Frequency {
  kDay,
  kWeek,     // ISO weeks, Monday to Sunday
  kMonth,
  kQuarter,
};

// Parses "D", "W", "M", "Q" (also "day", "week", "month", "quarter"; pandas'
// "MS", "QS", "W-MON" are accepted as the same periods).
absl::StatusOr<Frequency> ParseFrequency(absl::string_view name);

// Consecutive periods: period i is [starts[i], starts[i + 1]) in UTC
// nanoseconds; labels read "2025-03-14", "2025-W11", "2025-03", "2025Q1".
struct PeriodGrid {
  std::vector<int64_t> starts;  // size() == labels.size() + 1
  std::vector<std::string> labels;
  Frequency frequency = Frequency::kMonth;
  std::string time_zone = "UTC";

  size_t size() const { return labels.size(); }
};

// Returns the periods of `frequency` in `time_zone` that cover
// [min_time, max_time]. `time_zone` is "UTC" or an IANA name such as
// "Europe/Berlin" of the system's time-zone database ($TZDIR, else
// /usr/share/zoneinfo): ASCII letters, digits, '_', '-' and '+' in parts
// separated by '/', at most 64 bytes; never a path. A calendar day the zone
// skipped (Pacific/Apia 2011-12-30) has no period, so no period is empty of
// time. Bounds beyond the nanosecond range are cut at its ends (max_time
// must be below INT64_MAX).
absl::StatusOr<PeriodGrid> MakePeriodGrid(int64_t min_time, int64_t max_time,
                                          Frequency frequency,
                                          absl::string_view time_zone = "UTC");

// Writes the period index of each time into `out` (same length); -1 for a
// time outside the grid or missing when `skip_missing`; otherwise a missing
// time is an error naming its row. Large inputs are split over the
// machine's threads (the first missing row is named all the same).
absl::Status AssignPeriods(absl::Span<const int64_t> times, const PeriodGrid& grid,
                           absl::Span<int32_t> out, bool skip_missing = false);

// The range of a time column in one pass: the smallest and largest time that
// is not missing, and how many are missing (NaT). With no time present, min
// is INT64_MAX and max is kMissingTime (min > max).
struct TimeRange {
  int64_t min = INT64_MAX;
  int64_t max = kMissingTime;
  int64_t missing = 0;

  bool empty() const { return min > max; }
};
TimeRange FindTimeRange(absl::Span<const int64_t> times);

// --- Per-period table -----------------------------------------------------------

// Multiple-comparison adjustment of p-values.
enum class Adjustment {
  kHolm,              // family-wise error rate (default)
  kBenjaminiHochberg, // false discovery rate
  kNone,
};
absl::StatusOr<Adjustment> ParseAdjustment(absl::string_view name);  // "holm", "bh", "none"

// Returns the adjusted p-values, in the input order. Each entry must be in
// [0, 1], or NaN for "no test": NaN entries are left out of the family and
// stay NaN. Any other value (negative, above 1, infinite) is an error naming
// its row.
absl::StatusOr<std::vector<double>> AdjustPValues(absl::Span<const double> p,
                                                  Adjustment adjustment);

// Documented, overridable thresholds behind the health flags (shares are
// fractions 0..1, changes in percentage points of share per period).
struct HealthThresholds {
  double alpha = 0.05;                // level of every flag test but nps_drop's
  double min_n = kDefaultMinN;        // fewer responses: flag `low_n`, no verdicts
  double passive_share_high = 0.40;   // Wilson lower bound of the passive share: vulnerable
  double passive_trend_points = 1.0;  // passive share growth (points/period) ...
  double stable_nps_points = 5.0;     // ... while |NPS change over the trend| is below this
  double detractor_surge_points = 5.0;  // detractor share up at least this much ...
  double promoter_erosion_points = 5.0; // promoter share down at least this much ...
  int trend_periods = 6;              // periods in a trend window, 3..kMaxTrendPeriods
  // --- Alerts against a trailing baseline (src/health_flags.cc) -------------
  double baseline_months = 12;  // baseline: the periods in the months before a period
  double drop_alpha = 0.01;     // one-sided level of the nps_drop test
  double drop_points = 5.0;     // nps_drop needs an NPS drop of at least this
  double cusum_k = 0.5;         // level_shift: CUSUM reference value, in SEs
  double cusum_h = 4.0;         // level_shift: CUSUM decision interval, in SEs
  double power = 0.80;          // power at which min_detectable_drop is stated
};

// Health flags of one period, as bits.
enum HealthFlag : uint32_t {
  kFlagLowN = 1u << 0,                // too few responses to judge
  kFlagPassiveVulnerability = 1u << 1,// large or growing passive share, NPS stable
  kFlagDetractorSurge = 1u << 2,      // detractor share up significantly
  kFlagPromoterErosion = 1u << 3,     // promoter share down significantly
  kFlagNpsDrop = 1u << 4,             // NPS significantly below its trailing baseline
  kFlagLevelShift = 1u << 5,          // NPS persistently below its baseline (CUSUM)
};

// --- Alerts: flags against a trailing baseline --------------------------------
//
// Every drop flag compares a period with its *baseline*: the responses of the
// same slice pooled over the periods in the `baseline_months` before it
// (12 months = 12 monthly, 4 quarterly, 52 weekly or 365 daily periods),
// never the period itself. With fewer than min_n responses on either side
// there is no verdict.
//   nps_drop          NPS at least drop_points below the baseline, one-sided
//                     p < drop_alpha: half the two-sided p of Compare's score
//                     test (exact mid-p below kExactBelow), as for the change
//                     against the previous period;
//   detractor_surge   detractor share >= detractor_surge_points above it,
//   promoter_erosion  promoter share >= promoter_erosion_points below it,
//                     one-sided p < alpha: half the two-sided p of the pooled
//                     two-proportion test (exact mid-p below kExactBelow);
//   level_shift       Page's lower CUSUM of the standardised deviation
//                     z = (NPS - baseline NPS) / SE(difference):
//                     S = max(0, S - z - cusum_k), a flag when S >= cusum_h;
//                     S then restarts at 0 and so does the baseline (only
//                     periods after the signal count), so one shift raises
//                     one flag, not one per period.
// passive_vulnerability reads the Wilson lower bound of the passive share
// (not the point share) against passive_share_high, or a significant passive
// growth (one-sided) while the NPS is stable.
//
// The p-values of one period (its slices x the four tests above) form one
// family. FlagMode::kAlert (the default) adjusts each family on its own by
// Holm: a period is judged as it was when it closed, and more history never
// makes a flag harder to raise. FlagMode::kReview adjusts all families of the
// table together by Benjamini-Hochberg: a retrospective look that controls
// the false discovery rate over the whole history.

// How the p-values behind the flags are adjusted.
enum class FlagMode {
  kAlert,   // Holm within each period (slices x flag tests): alerting
  kReview,  // Benjamini-Hochberg over all periods, slices and flag tests
};
absl::StatusOr<FlagMode> ParseFlagMode(absl::string_view name);  // "alert", "review"
const char* FlagModeName(FlagMode mode);                        // "alert", "review"

// The number of periods of `frequency` in `months` months (a month is
// 365.2425 / 12 days): 12 months are 12 months, 4 quarters, 52 weeks or 365
// days. Errors when that is less than one period.
absl::StatusOr<int64_t> BaselinePeriods(double months, Frequency frequency);

// The smallest NPS drop, in points, that a one-sided level-`alpha` test of a
// period of `n` responses against a baseline of `baseline_n` responses with
// per-respondent variance `variance` (NpsVariance, -1..1 scale) detects with
// probability `power`:
//   (z_{1 - alpha} + z_{power}) * 100 * sqrt(variance * (1/n + 1/baseline_n)).
// NaN unless n > 0, baseline_n > 0, 0 < alpha < 1 and 0 < power < 1.
double MinDetectableDrop(double variance, double n, double baseline_n, double alpha,
                         double power);

// --- End of the alerts section ------------------------------------------------

// Options for a health table.
struct HealthOptions {
  ScoreOptions scores;
  IntervalOptions interval;
  Adjustment adjustment = Adjustment::kHolm;
  HealthThresholds thresholds;
  // Alerts (see above): the flags' adjustment, and the length of one period
  // so that baselines are defined in time (Health over period codes reads
  // it; HealthOverTime takes the grid's).
  FlagMode flag_mode = FlagMode::kAlert;
  Frequency frequency = Frequency::kMonth;
};

// Bounds of a health table (rows are (slice, period) pairs; a row holds about
// 400 bytes, plus its histogram of scale_max + 1 counts): 2^22 rows (1,000
// slices x 4,000 days) is about 1.7 GB, and the histograms at most 512 MiB.
// A larger request is an error naming the sizes.
inline constexpr int64_t kMaxHealthTableRows = int64_t{1} << 22;
inline constexpr int64_t kMaxHealthHistogramCells = int64_t{1} << 26;
// The longest trend window (HealthThresholds::trend_periods, SegmentTrends'
// periods): a trend over more periods than this (83 years of months, 2.7 of
// days) averages away the change it is meant to show.
inline constexpr int kMaxTrendPeriods = 1000;

// One row per (slice, period), slice-major: row = slice * n_periods + period.
// Shares are fractions 0..1 with Wilson score intervals; NPS figures and
// changes are on the -100..100 scale (share changes in percentage points).
// An empty period is a row with n = 0 and NaN statistics, never a gap.
struct HealthTable {
  int64_t n_slices = 0;
  int64_t n_periods = 0;
  int scale_max = 10;
  int64_t excluded = 0;  // rows whose period or slice code was -1
  std::vector<int64_t> n, detractors, passives, promoters, skipped;
  std::vector<int64_t> histogram;  // (scale_max + 1) counts per row, row-major
  std::vector<double> share_detractors, share_passives, share_promoters;
  std::vector<double> share_detractors_low, share_detractors_high;
  std::vector<double> share_passives_low, share_passives_high;
  std::vector<double> share_promoters_low, share_promoters_high;
  std::vector<double> nps, se, ci_low, ci_high;
  // Against the previous period of the same slice (NaN for the first period
  // or when either is empty): the NPS change with its Wald test, and the
  // detractor / promoter share changes with two-proportion z-tests.
  std::vector<double> nps_change, change_se, change_p, change_p_adjusted;
  std::vector<double> detractor_change, detractor_change_p_adjusted;
  std::vector<double> promoter_change, promoter_change_p_adjusted;
  // Trends over the trend window ending at this period (at least 3 periods
  // with responses): slopes in points per period, Cochran-Armitage-style
  // tests (binomial / trinomial variance pooled over the window).
  std::vector<double> passive_trend, passive_trend_p_adjusted, nps_trend;
  // Rolling tables over times (RollingHealthOverTime): period p's window is
  // [window_start[p], window_end[p]) in UTC ns. Empty otherwise.
  std::vector<int64_t> window_start, window_end;
  std::vector<uint32_t> flags;       // HealthFlag bits
  std::vector<std::string> reasons;  // the numbers that raised each flag, "; "-separated
  IntervalMethod method = IntervalMethod::kAdjustedWald;
  double confidence = kDefaultConfidence;
  Adjustment adjustment = Adjustment::kHolm;
  HealthThresholds thresholds;
  // --- Alerts against a trailing baseline (see FlagMode) ----------------------
  // The baseline of a row is periods [baseline_first, period) of its slice
  // (-1 for rolling windows, which have none); its responses and NPS. The
  // deviations are this period minus the baseline (NPS and shares in points);
  // the *_p are one-sided (a drop, a surge, an erosion, passive growth) and
  // *_p_adjusted are adjusted as `flag_mode` says, within a family of
  // `flag_family` tests. NaN where there is no verdict (n or baseline_n
  // below min_n). `cusum` is the lower CUSUM after this period (NaN where it
  // was not updated); `min_detectable_drop` is MinDetectableDrop at
  // drop_alpha / m (m: the flag tests of the row's period, Holm's first
  // step) and `power`, with the baseline's variance and this period's n,
  // never below drop_points.
  std::vector<int64_t> baseline_first, baseline_n, flag_family;
  std::vector<double> baseline_nps, nps_vs_baseline, vs_baseline_se, drop_p, drop_p_adjusted;
  std::vector<double> detractor_vs_baseline, surge_p, surge_p_adjusted;
  std::vector<double> promoter_vs_baseline, erosion_p, erosion_p_adjusted;
  std::vector<double> passive_growth_p, passive_growth_p_adjusted;
  std::vector<double> cusum, min_detectable_drop;
  FlagMode flag_mode = FlagMode::kAlert;
  int64_t baseline_periods = 12;  // periods in a full baseline

  size_t size() const { return n.size(); }
};

// Counts (score, period, slice) rows in one pass and derives the table.
// `periods` and `slices` hold codes per row (-1 = leave the row out, e.g. a
// time outside the grid); `slices` may be empty for a single slice. Slice
// codes are int8, int16, int32 or int64 (C), read as they are: pandas
// categorical codes need no widening copy.
template <typename T, typename C>
absl::StatusOr<HealthTable> Health(absl::Span<const T> scores,
                                   absl::Span<const int32_t> periods, int64_t n_periods,
                                   absl::Span<const C> slices, int64_t n_slices,
                                   const HealthOptions& options = {});

// The same with int64 slice codes, so that a vector or {} can be passed.
template <typename T>
absl::StatusOr<HealthTable> Health(absl::Span<const T> scores,
                                   absl::Span<const int32_t> periods, int64_t n_periods,
                                   absl::Span<const int64_t> slices, int64_t n_slices,
                                   const HealthOptions& options = {}) {
  return Health<T, int64_t>(scores, periods, n_periods, slices, n_slices, options);
}

// The table of histograms counted elsewhere (partial counts merged across
// shards, a Monitor's periods): `histogram` holds scale_max + 1 counts per
// row (the cutoffs' scale), rows slice-major (row = slice * n_periods +
// period), as HealthTable::histogram; `skipped` is empty or one count per
// row. Every statistic is derived as Health derives it from its own counts,
// so equal histograms give equal tables. Counts must be >= 0 (an error names
// the first negative one by slice, period and score).
absl::StatusOr<HealthTable> HealthFromHistogram(absl::Span<const int64_t> histogram,
                                                int64_t n_periods, int64_t n_slices,
                                                const HealthOptions& options = {},
                                                absl::Span<const int64_t> skipped = {});

// Health over timestamps: as Health with the periods AssignPeriods would
// give (`times` in UTC ns on `grid`), found in the counting pass itself, so
// no period code is written or read back. A time outside the grid leaves its
// row out (counted in `excluded`), as does a missing time (NaT) when
// `skip_missing_times`; otherwise a missing time is an error naming its row.
// Errors name the first bad row, whether a score or a time.
template <typename T, typename C>
absl::StatusOr<HealthTable> HealthOverTime(absl::Span<const T> scores,
                                           absl::Span<const int64_t> times,
                                           const PeriodGrid& grid, absl::Span<const C> slices,
                                           int64_t n_slices, const HealthOptions& options = {},
                                           bool skip_missing_times = false);

// Rolling windows (e.g. the last 90 days at each month end) over a fine base
// grid such as days: window w of each slice covers base periods
// [first[w], last[w]). Every response is read once; window counts come from
// prefix sums, however much the windows overlap. Because overlapping windows
// share responses, the tests against the previous window and the trends are
// NaN (and so are the flags that rest on them); shares, NPS, intervals, the
// passive-share and low-n flags are given.
// Slice codes as in Health.
template <typename T, typename C>
absl::StatusOr<HealthTable> RollingHealth(absl::Span<const T> scores,
                                          absl::Span<const int32_t> base_periods,
                                          int64_t n_base, absl::Span<const C> slices,
                                          int64_t n_slices, absl::Span<const int64_t> first,
                                          absl::Span<const int64_t> last,
                                          const HealthOptions& options = {});

template <typename T>
absl::StatusOr<HealthTable> RollingHealth(absl::Span<const T> scores,
                                          absl::Span<const int32_t> base_periods,
                                          int64_t n_base, absl::Span<const int64_t> slices,
                                          int64_t n_slices, absl::Span<const int64_t> first,
                                          absl::Span<const int64_t> last,
                                          const HealthOptions& options = {}) {
  return RollingHealth<T, int64_t>(scores, base_periods, n_base, slices, n_slices, first, last,
                                   options);
}

// Rolling windows of `window_days` calendar days (1..kMaxWindowDays) ending
// at each period end of `grid` ("the last 90 days at each month end"): a day
// grid in the grid's time zone that covers every window, and for each period
// p the days [first[p], last[p]) of its window, so that it is
// [days.starts[first[p]], days.starts[last[p]]).
struct RollingWindows {
  PeriodGrid days;
  std::vector<int64_t> first, last;
};
inline constexpr int64_t kMaxWindowDays = 36600;  // 100 years
absl::StatusOr<RollingWindows> MakeRollingWindows(const PeriodGrid& grid, int64_t window_days);

// Rolling health over timestamps: each period of `grid` is the window of
// `window_days` days ending at its end (MakeRollingWindows), counted by
// RollingHealth over the days of the times (`times` in UTC ns). A time
// outside every window leaves its row out (`excluded`), as does a missing
// time when `skip_missing_times`; otherwise a missing time is an error naming
// its row. The table's window_start / window_end give each window.
template <typename T, typename C>
absl::StatusOr<HealthTable> RollingHealthOverTime(absl::Span<const T> scores,
                                                  absl::Span<const int64_t> times,
                                                  const PeriodGrid& grid, int64_t window_days,
                                                  absl::Span<const C> slices, int64_t n_slices,
                                                  const HealthOptions& options = {},
                                                  bool skip_missing_times = false);

// --- Segment trends ---------------------------------------------------------------

// The trend of one segment's share over the last k periods of one slice:
// weighted least squares of share on period index (weights n), with its
// standard error, z and two-sided p-value. Slope in points per period.
struct SegmentTrend {
  int64_t slice = 0;
  Segment segment = Segment::kPassive;
  int periods = 0;  // periods with responses used
  int64_t n = 0;    // responses in the window
  double start_share = 0, end_share = 0;  // fitted at the window's ends, fractions
  double slope_points = 0, slope_se = 0, z = 0, p_value = 1, p_adjusted = 1;
};

// Trends of the three shares per slice over the last `periods`
// (3..kMaxTrendPeriods) periods of a health table (p-values adjusted across
// all slices and segments).
absl::StatusOr<std::vector<SegmentTrend>> SegmentTrends(const HealthTable& table, int periods,
                                                        Adjustment adjustment = Adjustment::kHolm);

// --- Migration between segments ----------------------------------------------------

// Periods of a migration table, at most: more than any period grid has, and
// the table holds 9 counts per period (75 MB at the bound).
inline constexpr int64_t kMaxMigrationPeriods = int64_t{1} << 20;

// Segment moves between consecutive responses of the same customer, counted
// in the period of the later response. Index 0 detractor, 1 passive, 2
// promoter: counts[(period * 3 + from) * 3 + to].
struct MigrationTable {
  int64_t n_periods = 0;
  std::vector<int64_t> counts;
  int64_t customers = 0;  // customers with at least two responses kept
  int64_t pairs = 0;      // consecutive pairs counted
  int64_t excluded = 0;   // rows left out by a negative period code
  int64_t skipped = 0;    // rows left out for a missing score (Missing::kSkip)

  int64_t at(int64_t period, int from, int to) const {
    return counts[static_cast<size_t>((period * 3 + from) * 3 + to)];
  }
};

// Builds the migration table with one sort of the kept responses by
// (customer, time): a radix sort by customer (two cache-sized counting
// passes), then each customer's few responses by time. `customers` are
// customer ids (any int64), `times` UTC nanoseconds, `periods` the period of
// each row (negative = leave the row out, e.g. a time outside the grid;
// empty = a single period 0, and n_periods is then taken as 1; n_periods is
// in 0..kMaxMigrationPeriods). Rows are left
// out before pairing, so a pair always links two kept responses: a row whose
// period is negative, or whose score is missing and skipped
// (options.missing), takes part in no pair. Errors name the row: a bad score
// (as in CountSegments), a period code >= n_periods, a missing time (NaT) on
// a kept row. Responses of one customer at the same instant are consecutive
// in row order (npscore's one tie rule, see LatestResponses).
template <typename T>
absl::StatusOr<MigrationTable> Migration(absl::Span<const T> scores,
                                         absl::Span<const int64_t> customers,
                                         absl::Span<const int64_t> times,
                                         absl::Span<const int32_t> periods, int64_t n_periods,
                                         const ScoreOptions& options = {});

// --- Attribution of a change -----------------------------------------------------

// The NPS change between two periods decomposed over slices (a symmetric,
// Shapley two-factor split):
//   NPS_b - NPS_a = sum_s (w_bs N_bs - w_as N_as) = sum_s (mix_s + rate_s),
//   mix_s  = (w_bs - w_as) (N_as + N_bs) / 2   (the slice's weight changed),
//   rate_s = (w_as + w_bs) / 2 (N_bs - N_as)   (the slice's NPS changed),
// with w the slice's share of respondents and N its NPS (-100..100); the
// parts add up to the total change up to rounding. A slice without
// respondents in one period has weight 0 there and takes the other period's
// NPS (nps_a / nps_b hold the NPS used), so its effect is all mix; a slice
// empty in both periods has zeros throughout. total = mix + rate.
struct Attribution {
  std::vector<double> weight_a, weight_b, nps_a, nps_b, mix, rate, total;
  double overall_a = 0, overall_b = 0;  // NPS of each period over all slices
  double change = 0;                    // overall_b - overall_a
};

// `a` and `b` hold the counts of each slice in the two periods (same slices,
// same order; skipped counts are ignored). Errors: a and b of different
// lengths, a negative count, or a period without any respondent.
absl::StatusOr<Attribution> AttributeChange(absl::Span<const Counts> a,
                                            absl::Span<const Counts> b);

// --- Event impact ------------------------------------------------------------------

// NPS in a window before and after each event, per slice, with the test of
// the difference (after - before).
struct EventImpactRow {
  int64_t event = 0;  // index into the events given
  int64_t slice = 0;
  Summary before, after;  // n = 0 and NaN statistics for an empty window
  Comparison change;      // Compare(after, before); NaN when a side is empty
  bool outside_data = false;  // no scored response on either side
};

// Rows of an event impact table (events x slices), at most: a row holds two
// summaries and a comparison (about 250 bytes; 1 GB at the bound).
inline constexpr int64_t kMaxEventImpactRows = int64_t{1} << 22;

// For each event time e: "before" is [e - before_ns, e), "after" is
// [e, e + after_ns) (both windows > 0 ns; bounds saturate at the int64 range;
// at most kMaxEventImpactRows events x slices). `slices` may be
// empty (one slice); a negative slice code leaves the row out. Rows are
// ordered by event (in the order given, sorted or not), then slice; an empty
// side gives NaN statistics, not an error. The kept responses are sorted by
// time once (not at all when already in order); each event then costs two
// binary searches and a scan of its windows. Missing scores follow
// scores_options.missing (skipped ones are counted in Summary::skipped of
// their window). Errors name the row or event: a bad score, a slice code >=
// n_slices, a missing time (NaT) on a kept row, a missing event time, and a
// window that is not > 0 ns.
template <typename T>
absl::StatusOr<std::vector<EventImpactRow>> EventImpact(
    absl::Span<const T> scores, absl::Span<const int64_t> times,
    absl::Span<const int64_t> slices, int64_t n_slices, absl::Span<const int64_t> events,
    int64_t before_ns, int64_t after_ns, const ScoreOptions& scores_options = {},
    const IntervalOptions& interval = {});

// --- Account roll-up (B2B) -----------------------------------------------------------

// How an account's respondents combine into the account-level NPS.
enum class RollUp {
  kPooled,   // every response counts once
  kAverage,  // the account's mean score is segmented: one vote per account
  kLatest,   // each contact's latest response only, pooled
};
absl::StatusOr<RollUp> ParseRollUp(absl::string_view name);  // "pooled", "average", "latest"

// The segment of an account without responses is kNoSegment (nps.h).

// Accounts of one roll-up (67 million, more than any B2B customer base): the
// table holds about 34 bytes per account, with responses or without.
inline constexpr int64_t kMaxAccounts = int64_t{1} << 26;

// One row per account (codes 0..n_accounts-1) and the account-level NPS.
// Per account, over the responses counted (for kLatest, each contact's latest
// response; otherwise all): `responses`, `contacts` (distinct contacts among
// them; empty when no contact ids were given), `mean_score`, `nps` (100 *
// mean segment code) and `segment`, the segment of the mean score (mean <
// detractor_max + 1: detractor, < passive_max + 1: passive, else promoter),
// for every method. An account without responses has NaN statistics,
// segment kNoSegment and small = 1.
struct AccountTable {
  std::vector<int64_t> responses, contacts;
  std::vector<double> mean_score, nps;  // nps on -100..100 within the account
  std::vector<int8_t> segment;          // -1 / 0 / +1, or kNoSegment
  std::vector<uint8_t> small;           // fewer than min_n responses counted
  // Over the accounts that are not small: for kPooled and kLatest every
  // counted response; with weights, each account's weight is counted once,
  // split evenly over its counted responses (weight / responses each), so
  // the revenue-weighted NPS is the weighted mean of the accounts' own NPS
  // and accounts that answer more often weigh no more; for kAverage one vote
  // per account (its segment), weighted by the account's weight when given.
  // Weighted summaries use Kish's effective n. n = 0 and NaN statistics when
  // no account (or no weight) qualifies; `skipped` counts missing scores.
  Summary overall;
};

// `accounts` are account codes (negative = leave the row out); `contacts`
// contact ids (any int64) and `times` UTC nanoseconds are optional except for
// kLatest, which needs both; `account_weights` is empty or one finite weight
// >= 0 per account. Missing scores follow options.missing (a skipped row is
// left out before the latest response is chosen; of a contact's responses
// at the same latest instant, the later row, as in LatestResponses). Errors
// name the row,
// account or value: a bad score, an account code >= n_accounts, a missing
// time (kLatest), a bad weight, n_accounts outside 0..kMaxAccounts, min_n not finite and >= 0.
template <typename T>
absl::StatusOr<AccountTable> AccountNps(absl::Span<const T> scores,
                                        absl::Span<const int64_t> accounts, int64_t n_accounts,
                                        absl::Span<const int64_t> contacts,
                                        absl::Span<const int64_t> times, RollUp how,
                                        absl::Span<const double> account_weights,
                                        double min_n = 1, const ScoreOptions& options = {},
                                        const IntervalOptions& interval = {});

}  // namespace npscore

#endif  // NPSCORE_HEALTH_H_
