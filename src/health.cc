// Distribution health: periods in a time zone, the per-period table with its
// tests, trends and flags.

#include "npscore/health.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/optimization.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "src/internal/health_flags.h"
#include "src/internal/p_values.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"
#include "src/internal/time_zone.h"
#include "src/internal/two_sample.h"
#include "src/internal/wilson.h"

namespace npscore {
namespace {

using internal::Critical;
using internal::EmptySummary;
using internal::FillStatistics;
using internal::FindBadScore;
using internal::kBlock;
using internal::Tally;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kMaxPeriods = 100000;

// Threads for a pass over `rows` rows (no caller option: automatic).
size_t ThreadsFor(size_t rows) { return internal::ThreadCount(0, rows, internal::kRowsPerThread); }

// The first civil period (as a day or a month) that contains `cs`.
absl::CivilDay WeekStart(absl::CivilDay d) {
  // absl::Weekday numbers Monday 0 .. Sunday 6.
  return d - static_cast<int>(absl::GetWeekday(d));
}

absl::CivilMonth QuarterStart(absl::CivilMonth m) {
  return absl::CivilMonth(m.year(), (m.month() - 1) / 3 * 3 + 1);
}

// ISO 8601 week label of the week starting on Monday `d`: the week belongs to
// the year of its Thursday.
std::string IsoWeekLabel(absl::CivilDay monday) {
  const absl::CivilDay thursday = monday + 3;
  const int week = (absl::GetYearDay(thursday) - 1) / 7 + 1;
  return absl::StrFormat("%04d-W%02d", thursday.year(), week);
}

// Wilson score interval for a proportion k / n at critical value z.
void Wilson(double k, double n, double z, double& low, double& high) {
  internal::WilsonInterval(k, n, z, &low, &high);
}

// A linear trend of per-period means y_i over period index x_i with n_i
// responses, weighted by n_i, and the test of its slope with the
// per-response variance pooled over the window (Cochran-Armitage for a
// share; the trinomial variance for the NPS).
struct Trend {
  int periods = 0;
  int64_t n = 0;
  double slope = kNaN, se = kNaN, z = kNaN, p = kNaN, start = kNaN, end = kNaN;
};

// `y(i)` is the mean at period i, `v(pooled_mean)` the per-response variance.
template <typename Mean, typename Variance>
Trend FitTrend(const std::vector<int64_t>& n, size_t first, size_t last, Mean y, Variance v) {
  Trend t;
  double sw = 0, sx = 0, sy = 0;
  for (size_t i = first; i < last; ++i) {
    if (n[i] == 0) continue;
    ++t.periods;
    t.n += n[i];
    sw += static_cast<double>(n[i]);
    sx += static_cast<double>(n[i]) * static_cast<double>(i);
    sy += static_cast<double>(n[i]) * y(i);
  }
  if (t.periods < 3) return t;
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0;
  for (size_t i = first; i < last; ++i) {
    if (n[i] == 0) continue;
    const double dx = static_cast<double>(i) - mx;
    sxx += static_cast<double>(n[i]) * dx * dx;
    sxy += static_cast<double>(n[i]) * dx * (y(i) - my);
  }
  t.slope = sxy / sxx;
  t.se = std::sqrt(v(my) / sxx);
  t.z = t.se > 0 ? t.slope / t.se : (t.slope == 0 ? 0.0 : std::copysign(HUGE_VAL, t.slope));
  t.p = t.z == 0 ? 1.0 : 2 * NormalSurvival(std::abs(t.z));
  t.start = my + t.slope * (static_cast<double>(first) - mx);
  t.end = my + t.slope * (static_cast<double>(last - 1) - mx);
  return t;
}

}  // namespace

absl::StatusOr<Frequency> ParseFrequency(absl::string_view name) {
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "d" || s == "day") return Frequency::kDay;
  if (s == "w" || s == "w-mon" || s == "week") return Frequency::kWeek;
  if (s == "m" || s == "ms" || s == "me" || s == "month") return Frequency::kMonth;
  if (s == "q" || s == "qs" || s == "qe" || s == "quarter") return Frequency::kQuarter;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown frequency \"", name, "\": use \"D\", \"W\" (ISO weeks), \"M\" or \"Q\""));
}

absl::StatusOr<Adjustment> ParseAdjustment(absl::string_view name) {
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "holm") return Adjustment::kHolm;
  if (s == "bh" || s == "fdr_bh" || s == "benjamini-hochberg") {
    return Adjustment::kBenjaminiHochberg;
  }
  if (s == "none") return Adjustment::kNone;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown p-value adjustment \"", name, "\": use \"holm\", \"bh\" or \"none\""));
}

absl::StatusOr<std::vector<double>> AdjustPValues(absl::Span<const double> p,
                                                  Adjustment adjustment) {
  if (adjustment != Adjustment::kHolm && adjustment != Adjustment::kBenjaminiHochberg &&
      adjustment != Adjustment::kNone) {
    return absl::InvalidArgumentError("adjustment is not an Adjustment");
  }
  for (size_t i = 0; i < p.size(); ++i) {
    if (!(p[i] >= 0 && p[i] <= 1) && !std::isnan(p[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "p-value at row ", i, " is ", internal::ValueText(p[i]),
          ": p-values must be in [0, 1] (NaN: no test, left out of the family)"));
    }
  }
  return internal::AdjustValidPValues(p, adjustment);
}

std::vector<double> internal::AdjustValidPValues(absl::Span<const double> p,
                                                 Adjustment adjustment) {
  std::vector<double> out(p.begin(), p.end());
  if (adjustment == Adjustment::kNone) return out;
  std::vector<size_t> idx;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!std::isnan(p[i])) idx.push_back(i);
  }
  const size_t m = idx.size();
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  if (adjustment == Adjustment::kHolm) {
    // Step-down: p_(k) * (m - k), made monotone upward.
    double running = 0;
    for (size_t k = 0; k < m; ++k) {
      running = std::max(running, std::min(1.0, p[idx[k]] * static_cast<double>(m - k)));
      out[idx[k]] = running;
    }
  } else {
    // Step-up: p_(k) * m / (k + 1), made monotone downward from the largest.
    double running = 1;
    for (size_t k = m; k-- > 0;) {
      running = std::min(running, p[idx[k]] * static_cast<double>(m) / static_cast<double>(k + 1));
      out[idx[k]] = std::min(1.0, running);
    }
  }
  return out;
}

namespace {

absl::Status TooManyPeriods() {
  return absl::InvalidArgumentError(absl::StrCat(
      "the time range spans more than ", kMaxPeriods, " periods: use a longer frequency"));
}

}  // namespace

absl::StatusOr<PeriodGrid> MakePeriodGrid(int64_t min_time, int64_t max_time,
                                          Frequency frequency, absl::string_view time_zone) {
  NPSCORE_ASSIGN_OR_RETURN(const absl::TimeZone zone,
                           internal::LoadTimeZone(time_zone, "time_zone"));
  if (min_time == kMissingTime || max_time == kMissingTime) {
    return absl::InvalidArgumentError("the time range has a missing (NaT) bound");
  }
  if (min_time > max_time) {
    return absl::InvalidArgumentError(
        absl::StrCat("the time range is empty: min_time ", min_time, " > max_time ", max_time));
  }
  if (max_time == INT64_MAX) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_time is ", max_time, " (2262-04-11T23:47:16.854775807Z), the last nanosecond "
        "time: no period can end after it"));
  }
  // A range of far more than kMaxPeriods periods is refused before it is
  // walked. No period is longer than its longest calendar length plus 3 days
  // (a zone's offset never jumped by that much), so this never refuses a
  // range the walk below would accept.
  const int64_t longest_days = frequency == Frequency::kDay    ? 1
                               : frequency == Frequency::kWeek ? 7
                               : frequency == Frequency::kMonth ? 31
                                                                : 92;
  const uint64_t longest = static_cast<uint64_t>(longest_days + 3) * 86400 * 1000000000;
  if ((static_cast<uint64_t>(max_time) - static_cast<uint64_t>(min_time)) / longest >
      kMaxPeriods) {
    return TooManyPeriods();
  }
  PeriodGrid grid;
  grid.frequency = frequency;
  grid.time_zone = std::string(time_zone);
  const absl::CivilSecond first = absl::ToCivilSecond(absl::FromUnixNanos(min_time), zone);
  // Civil periods are walked as days (day, week) or months (month, quarter).
  absl::CivilDay day = absl::CivilDay(first);
  absl::CivilMonth month = absl::CivilMonth(first);
  if (frequency == Frequency::kWeek) day = WeekStart(day);
  if (frequency == Frequency::kQuarter) month = QuarterStart(month);
  const bool by_day = frequency == Frequency::kDay || frequency == Frequency::kWeek;
  // Period bounds outside the nanosecond range are cut at its ends: the first
  // start at the earliest time that is not NaT, the last end at INT64_MAX.
  const absl::Time earliest = absl::FromUnixNanos(kMissingTime + 1);
  const absl::Time latest = absl::FromUnixNanos(INT64_MAX);
  auto start_of = [&]() {
    const absl::Time t = by_day ? absl::FromCivil(day, zone) : absl::FromCivil(month, zone);
    return absl::ToUnixNanos(std::clamp(t, earliest, latest));
  };
  for (int64_t start = start_of();; start = start_of()) {
    // A civil day the zone skipped (Pacific/Apia 2011-12-30) starts at the
    // same instant as the next one: it holds no time, and gets no period.
    if (!grid.labels.empty() && start == grid.starts.back()) {
      grid.starts.pop_back();
      grid.labels.pop_back();
    }
    if (start > max_time) {
      grid.starts.push_back(start);  // the end bound of the last period
      break;
    }
    if (grid.labels.size() >= kMaxPeriods) return TooManyPeriods();
    grid.starts.push_back(start);
    switch (frequency) {
      case Frequency::kDay:
        grid.labels.push_back(absl::FormatCivilTime(day));
        day += 1;
        break;
      case Frequency::kWeek:
        grid.labels.push_back(IsoWeekLabel(day));
        day += 7;
        break;
      case Frequency::kMonth:
        grid.labels.push_back(absl::FormatCivilTime(month));
        month += 1;
        break;
      case Frequency::kQuarter:
        grid.labels.push_back(absl::StrCat(month.year(), "Q", (month.month() - 1) / 3 + 1));
        month += 3;
        break;
    }
  }
  return grid;
}

namespace {

// The period of a time by a bucket table instead of a binary search per row.
// Times are taken as offsets from the first start (unsigned, so exact for any
// two int64 instants, on either side of 1970) and cut into buckets 2^shift ns
// wide: no wider than the shortest period, so that a bucket holds at most one
// period start and a time's period is its bucket's first period or the next
// one (one table load and one compare). The table has at most
// kBucketsPerPeriod entries per period: a grid too uneven for that (not one
// of calendar periods) gets wider buckets, and a time in a bucket with more
// than one start finds its period by a binary search within the bucket.
class PeriodFinder {
 public:
  static constexpr uint64_t kBucketsPerPeriod = 4;

  static absl::StatusOr<PeriodFinder> Make(const PeriodGrid& grid) {
    if (grid.starts.size() != grid.labels.size() + 1) {
      return absl::InvalidArgumentError(
          "malformed period grid: starts must have one more entry than labels");
    }
    const size_t k = grid.size();
    if (k > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
      return absl::InvalidArgumentError(
          absl::StrCat("malformed period grid: ", k, " periods, more than int32 codes hold"));
    }
    PeriodFinder f;
    f.starts_ = grid.starts.data();
    if (k == 0) return f;  // span_ 0: every time is outside
    const int64_t* s = f.starts_;
    uint64_t shortest = std::numeric_limits<uint64_t>::max();
    for (size_t p = 0; p < k; ++p) {
      if (s[p + 1] <= s[p]) {
        return absl::InvalidArgumentError(absl::StrCat(
            "malformed period grid: start ", p + 1, " (", s[p + 1], ") is not after start ", p,
            " (", s[p], ")"));
      }
      shortest = std::min(shortest, Offset(s[p + 1], s[p]));
    }
    f.first_ = static_cast<uint64_t>(s[0]);
    f.span_ = Offset(s[k], s[0]);
    int shift = 0;
    while (shift < 63 && (uint64_t{2} << shift) <= shortest) ++shift;
    const uint64_t max_buckets = kBucketsPerPeriod * k + 64;
    while ((f.span_ >> shift) + 1 > max_buckets) ++shift;  // ends by shift 63
    f.shift_ = shift;
    f.exact_ = (uint64_t{1} << shift) <= shortest;
    const size_t buckets = static_cast<size_t>(f.span_ >> shift) + 1;
    // One entry more than buckets: the last period, the bound of a search.
    f.table_.resize(buckets + 1);
    for (size_t b = 0, p = 0; b < buckets; ++b) {
      const uint64_t at = static_cast<uint64_t>(b) << shift;
      while (p + 1 < k && Offset(s[p + 1], s[0]) <= at) ++p;
      f.table_[b] = static_cast<int32_t>(p);
    }
    f.table_[buckets] = static_cast<int32_t>(k - 1);
    return f;
  }

  // The lookups themselves: plain values and pointers that a row loop copies
  // into a local (kept in registers: no store of the loop can be taken to
  // change them). The finder must outlive them.
  //
  // Exact: every bucket holds at most one period start (every grid of
  // calendar periods). The period of t, or -1 outside the grid; a time below
  // the first start (NaT, INT64_MIN, included) wraps to an offset of at
  // least span, so one unsigned compare tests both ends.
  struct Exact {
    const int64_t* starts;
    const int32_t* table;
    uint64_t first, span;
    int shift;

    int32_t operator()(int64_t t) const {
      const uint64_t offset = static_cast<uint64_t>(t) - first;
      if (offset >= span) return -1;
      int32_t p = table[offset >> shift];
      p += t >= starts[p + 1] ? 1 : 0;
      return p;
    }
  };

  // Search: buckets were widened to bound the table; past the bucket's
  // second period, a binary search among the periods of the bucket.
  struct Search : Exact {
    int32_t operator()(int64_t t) const {
      const uint64_t offset = static_cast<uint64_t>(t) - first;
      if (offset >= span) return -1;
      const uint64_t b = offset >> shift;
      int32_t p = table[b];
      p += t >= starts[p + 1] ? 1 : 0;
      if (ABSL_PREDICT_FALSE(t >= starts[p + 1])) {
        // starts[p + 1] <= t < starts[table[b + 1] + 1]
        p = static_cast<int32_t>(
                std::upper_bound(starts + p + 1, starts + table[b + 1] + 1, t) - starts) - 1;
      }
      return p;
    }
  };

  // Returns f(lookup) with the lookup this grid needs, chosen once per call
  // so that a row loop holds one kind.
  template <typename F>
  decltype(auto) Visit(F&& f) const {
    const Exact exact{starts_, table_.data(), first_, span_, shift_};
    if (exact_) return f(exact);
    return f(Search{exact});
  }

 private:
  // b - a for b >= a, exact in uint64 for any two int64 values.
  static uint64_t Offset(int64_t b, int64_t a) {
    return static_cast<uint64_t>(b) - static_cast<uint64_t>(a);
  }

  const int64_t* starts_ = nullptr;
  uint64_t first_ = 0, span_ = 0;
  int shift_ = 0;
  bool exact_ = true;
  std::vector<int32_t> table_;
};

absl::Status MissingTimeError(size_t row) {
  return absl::InvalidArgumentError(absl::StrCat(
      "time at row ", row, " is missing (NaT); ask to skip missing values to leave it out"));
}

}  // namespace

absl::Status AssignPeriods(absl::Span<const int64_t> times, const PeriodGrid& grid,
                           absl::Span<int32_t> out, bool skip_missing) {
  if (out.size() != times.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "output has ", out.size(), " rows but times has ", times.size(), " rows"));
  }
  NPSCORE_ASSIGN_OR_RETURN(const PeriodFinder finder, PeriodFinder::Make(grid));
  const int64_t* tp = times.data();
  int32_t* op = out.data();
  auto assign = [&](size_t, size_t lo, size_t hi) -> absl::Status {
    return finder.Visit([&](const auto find) -> absl::Status {
      const int64_t* __restrict in = tp;
      int32_t* __restrict result = op;
      for (size_t i = lo; i < hi; ++i) {
        const int32_t p = find(in[i]);
        if (p < 0 && in[i] == kMissingTime && !skip_missing) return MissingTimeError(i);
        result[i] = p;
      }
      return absl::OkStatus();
    });
  };
  return internal::RunChunks(times.size(), ThreadsFor(times.size()), assign);
}

TimeRange FindTimeRange(absl::Span<const int64_t> times) {
  const size_t chunks = ThreadsFor(times.size());
  std::vector<TimeRange> parts(chunks);
  const int64_t* tp = times.data();
  // NaT is INT64_MIN: it never raises the maximum, and is counted and kept
  // out of the minimum without a branch.
  (void)internal::RunChunks(times.size(), chunks, [&](size_t c, size_t lo, size_t hi) {
    int64_t mn = INT64_MAX, mx = kMissingTime, missing = 0;
    for (size_t i = lo; i < hi; ++i) {
      const int64_t t = tp[i];
      const bool nat = t == kMissingTime;
      missing += nat;
      mn = std::min(mn, nat ? INT64_MAX : t);
      mx = std::max(mx, t);
    }
    parts[c] = TimeRange{mn, mx, missing};
    return absl::OkStatus();
  });
  TimeRange r;
  for (const TimeRange& p : parts) {
    r.min = std::min(r.min, p.min);
    r.max = std::max(r.max, p.max);
    r.missing += p.missing;
  }
  return r;
}

namespace {

// Checks the options of a health table.
absl::Status ValidateHealthOptions(const HealthOptions& options) {
  const HealthThresholds& th = options.thresholds;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(options.scores.cutoffs));
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(options.interval));
  NPSCORE_RETURN_IF_ERROR(internal::ValidateFlagOptions(options));
  if (!(th.alpha > 0 && th.alpha < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health threshold alpha=", internal::ValueText(th.alpha), ": a level in (0, 1)"));
  }
  if (!(th.min_n >= 0 && th.min_n <= std::numeric_limits<double>::max())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health threshold min_n=", internal::ValueText(th.min_n), ": finite and >= 0"));
  }
  if (th.trend_periods < 3 || th.trend_periods > kMaxTrendPeriods) {
    return absl::InvalidArgumentError(absl::StrCat("bad health threshold trend_periods=",
                                                   th.trend_periods, ": in 3..", kMaxTrendPeriods,
                                                   " (kMaxTrendPeriods)"));
  }
  if (!(th.passive_share_high >= 0 && th.passive_share_high <= 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health threshold passive_share_high=", internal::ValueText(th.passive_share_high),
        ": a share in [0, 1]"));
  }
  const std::pair<const char*, double> points[] = {
      {"passive_trend_points", th.passive_trend_points},
      {"stable_nps_points", th.stable_nps_points},
      {"detractor_surge_points", th.detractor_surge_points},
      {"promoter_erosion_points", th.promoter_erosion_points}};
  for (const auto& [name, value] : points) {
    if (!(value >= 0 && value <= 200)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad health threshold ", name, "=", internal::ValueText(value), ": points in [0, 200]"));
    }
  }
  return absl::OkStatus();
}

// An empty table of n_slices x n_periods rows with the options recorded.
absl::StatusOr<HealthTable> NewTable(int64_t n_periods, int64_t n_slices,
                                     const HealthOptions& options) {
  const Cutoffs& cut = options.scores.cutoffs;
  if (n_periods < 0) {
    return absl::InvalidArgumentError(absl::StrCat("n_periods is ", n_periods, ": it must be >= 0"));
  }
  if (n_slices < 1) {
    return absl::InvalidArgumentError(absl::StrCat("n_slices is ", n_slices, ": it must be >= 1"));
  }
  // One factor at a time, so that the product cannot overflow.
  if (n_periods > kMaxHealthTableRows || n_slices > kMaxHealthTableRows ||
      n_periods * n_slices > kMaxHealthTableRows ||
      n_periods * n_slices > kMaxHealthHistogramCells / (cut.scale_max + 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad table size: ", n_slices, " slices x ", n_periods, " periods: at most ",
        kMaxHealthTableRows, " rows (kMaxHealthTableRows) and ", kMaxHealthHistogramCells,
        " histogram counts (kMaxHealthHistogramCells; ", cut.scale_max + 1, " per row)"));
  }
  HealthTable t;
  t.n_slices = n_slices;
  t.n_periods = n_periods;
  t.scale_max = cut.scale_max;
  t.method = options.interval.method;
  t.confidence = options.interval.confidence;
  t.adjustment = options.adjustment;
  t.thresholds = options.thresholds;
  const size_t rows = static_cast<size_t>(n_periods * n_slices);
  t.histogram.assign(rows * static_cast<size_t>(cut.scale_max + 1), 0);
  t.skipped.assign(rows, 0);
  return t;
}

absl::Status CheckPeriods(size_t periods, size_t scores) {
  if (periods == scores) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("periods has ", periods, " rows but scores has ", scores, " rows"));
}

// The period of each row for CountHistogram: `Block(begin, end, buffer)`
// gives the period codes of rows [begin, end) (negative = leave the row
// out), and `Excluded(i)` the error, if any, of a row left out. Either the
// codes as given ...
struct PeriodCodes {
  const int32_t* codes;
  const int32_t* Block(size_t begin, size_t, int32_t*) const { return codes + begin; }
  absl::Status Excluded(size_t) const { return absl::OkStatus(); }
};

// ... or the times, bucketed block by block into a small buffer that stays
// in L1 (as AssignPeriods would, without writing and reading back a column
// of codes); a missing time is an error unless skipped.
struct PeriodsOfTimes {
  const int64_t* times;
  const PeriodFinder* finder;
  bool skip_missing;
  const int32_t* Block(size_t begin, size_t end, int32_t* buffer) const {
    finder->Visit([&](const auto find) {
      const int64_t* __restrict in = times + begin;
      int32_t* __restrict out = buffer;
      for (size_t i = 0; i < end - begin; ++i) out[i] = find(in[i]);
    });
    return buffer;
  }
  absl::Status Excluded(size_t i) const {
    if (times[i] == kMissingTime && !skip_missing) return MissingTimeError(i);
    return absl::OkStatus();
  }
};

// The single pass: validates every score (vectorized, block by block) and
// counts the histogram of each (slice, period) row of `t`. Errors name the
// first bad row.
template <typename T, typename C, typename Periods>
absl::Status CountHistogram(absl::Span<const T> scores, const Periods& periods,
                            absl::Span<const C> slices, const ScoreOptions& options,
                            HealthTable& t) {
  const Cutoffs& cut = options.cutoffs;
  if (!slices.empty() && slices.size() != scores.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "slices has ", slices.size(), " rows but scores has ", scores.size(), " rows"));
  }
  const int64_t n_periods = t.n_periods, n_slices = t.n_slices;
  const size_t P = static_cast<size_t>(n_periods);
  const size_t bins = static_cast<size_t>(cut.scale_max) + 1;
  const T* sp = scores.data();
  const C* slp = slices.empty() ? nullptr : slices.data();
  // Rows [first, last) into one histogram; chunks run on separate threads
  // with their own counts, which add up exactly.
  struct Part {
    std::vector<int64_t> hist, skipped;
    int64_t excluded = 0;
  };
  // Everything the row loop reads is copied into locals of the block body
  // first: the counts are int64 stores, which the compiler would otherwise
  // assume may change the captured sizes and pointers, reloading them on
  // every row.
  auto count_into = [&](size_t first, size_t last, auto* hist_out, int64_t* skipped_out,
                        int64_t& excluded_out) -> absl::Status {
    int32_t buffer[kBlock];
    int64_t excluded_total = 0;
    // The first bad row of a block with a bad score: that score, or a row
    // left out with an error (a missing time) before it.
    auto bad_block = [&](size_t begin, size_t end) -> absl::Status {
      const int32_t* block = periods.Block(begin, end, buffer);
      for (size_t i = begin; i < end; ++i) {
        if (block[i - begin] < 0) NPSCORE_RETURN_IF_ERROR(periods.Excluded(i));
        NPSCORE_RETURN_IF_ERROR(FindBadScore(scores, i, i + 1, cut, options.missing));
      }
      return absl::OkStatus();
    };
    auto body = [&](size_t begin, size_t end, const Tally&) -> absl::Status {
      auto* __restrict hist = hist_out;
      int64_t* __restrict skipped = skipped_out;
      const T* __restrict xs = sp;
      const C* __restrict ss = slp;
      const uint64_t np = static_cast<uint64_t>(n_periods), ns = static_cast<uint64_t>(n_slices);
      const size_t nbins = bins, stride = P;
      int64_t excluded = 0;
      const int32_t* __restrict block = periods.Block(begin, end, buffer);  // rows from begin
      for (size_t i = begin; i < end; ++i) {
        const int64_t p = block[i - begin], s = ss != nullptr ? static_cast<int64_t>(ss[i]) : 0;
        // One unsigned compare each finds a negative code and one too large.
        if (static_cast<uint64_t>(p) >= np || static_cast<uint64_t>(s) >= ns) {
          if (p < 0 || s < 0) {
            if (p < 0) NPSCORE_RETURN_IF_ERROR(periods.Excluded(i));
            ++excluded;
            continue;
          }
          excluded_out += excluded_total + excluded;
          return absl::InvalidArgumentError(absl::StrCat(
              p >= n_periods ? "period" : "slice", " code at row ", i, " is ",
              p >= n_periods ? p : s, ": outside 0..", (p >= n_periods ? n_periods : n_slices) - 1));
        }
        const size_t row = static_cast<size_t>(s) * stride + static_cast<size_t>(p);
        const T x = xs[i];
        if (internal::IsMissing(x)) {
          ++skipped[row];
        } else {
          ++hist[row * nbins + static_cast<size_t>(x)];
        }
      }
      excluded_total += excluded;
      return absl::OkStatus();
    };
    NPSCORE_RETURN_IF_ERROR(
        internal::ForEachValidBlock(scores, first, last, cut, options.missing, body, bad_block));
    excluded_out += excluded_total;
    return absl::OkStatus();
  };
  // 32-bit counts halve the histogram (720 x 11 bins fit L1 instead of L2);
  // they are added to the 64-bit ones after at most 2^31 rows. A table larger
  // than the rows is counted in place (zeroing and adding a copy would cost
  // more than the rows).
  const size_t cells = t.histogram.size();
  auto count = [&](size_t first, size_t last, int64_t* hist, int64_t* skipped,
                   int64_t& excluded) -> absl::Status {
    if (cells > last - first) return count_into(first, last, hist, skipped, excluded);
    std::vector<uint32_t> local(cells);
    constexpr size_t kFlushRows = size_t{1} << 31;
    for (size_t lo = first; lo < last; lo += kFlushRows) {
      const size_t hi = std::min(last, lo + std::min(kFlushRows, last - lo));
      std::fill(local.begin(), local.end(), 0u);
      NPSCORE_RETURN_IF_ERROR(count_into(lo, hi, local.data(), skipped, excluded));
      for (size_t c = 0; c < cells; ++c) hist[c] += local[c];
    }
    return absl::OkStatus();
  };
  const size_t rows = scores.size();
  size_t threads = ThreadsFor(rows);
  if (t.histogram.size() * threads > rows) threads = 1;  // copies must stay small
  std::vector<Part> parts(threads - 1);
  for (Part& part : parts) {
    part.hist.assign(t.histogram.size(), 0);
    part.skipped.assign(t.skipped.size(), 0);
  }
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(rows, threads, [&](size_t k, size_t first, size_t last) {
    if (k == 0) return count(first, last, t.histogram.data(), t.skipped.data(), t.excluded);
    Part& part = parts[k - 1];
    return count(first, last, part.hist.data(), part.skipped.data(), part.excluded);
  }));
  for (const Part& part : parts) {
    for (size_t i = 0; i < part.hist.size(); ++i) t.histogram[i] += part.hist[i];
    for (size_t i = 0; i < part.skipped.size(); ++i) t.skipped[i] += part.skipped[i];
    t.excluded += part.excluded;
  }
  return absl::OkStatus();
}

// Derives every statistic of `t` from its histogram. Overlapping rows (rolling
// windows) share responses, so the tests against the previous row and the
// trends, which assume independent periods, are left NaN there.
void DeriveHealth(HealthTable& t, const HealthOptions& options, bool overlapping) {
  const Cutoffs& cut = options.scores.cutoffs;
  const HealthThresholds& th = options.thresholds;
  const size_t P = static_cast<size_t>(t.n_periods), S = static_cast<size_t>(t.n_slices);
  const size_t rows = P * S, bins = static_cast<size_t>(cut.scale_max) + 1;
  const int64_t* hist = t.histogram.data();
  // Counts, shares and NPS per row.
  for (auto* col : {&t.n, &t.detractors, &t.passives, &t.promoters}) col->assign(rows, 0);
  for (auto* col : {&t.share_detractors, &t.share_passives, &t.share_promoters,
                    &t.share_detractors_low, &t.share_detractors_high, &t.share_passives_low,
                    &t.share_passives_high, &t.share_promoters_low, &t.share_promoters_high,
                    &t.nps, &t.se, &t.ci_low, &t.ci_high, &t.nps_change, &t.change_se,
                    &t.change_p, &t.change_p_adjusted, &t.detractor_change,
                    &t.detractor_change_p_adjusted, &t.promoter_change,
                    &t.promoter_change_p_adjusted, &t.passive_trend,
                    &t.passive_trend_p_adjusted, &t.nps_trend}) {
    col->assign(rows, kNaN);
  }
  t.flags.assign(rows, 0);
  t.reasons.assign(rows, std::string());
  const double z = Critical(options.interval.confidence);
  std::vector<Summary> summaries(rows);
  for (size_t r = 0; r < rows; ++r) {
    const int64_t* h = hist + r * bins;
    int64_t d = 0, pa = 0, pr = 0;
    for (size_t b = 0; b < bins; ++b) {
      if (b <= static_cast<size_t>(cut.detractor_max)) {
        d += h[b];
      } else if (b <= static_cast<size_t>(cut.passive_max)) {
        pa += h[b];
      } else {
        pr += h[b];
      }
    }
    const int64_t n = d + pa + pr;
    t.n[r] = n;
    t.detractors[r] = d;
    t.passives[r] = pa;
    t.promoters[r] = pr;
    Summary& s = summaries[r];
    s = EmptySummary(options.interval);
    s.skipped = t.skipped[r];
    if (n == 0) continue;
    s.n = s.n_effective = static_cast<double>(n);
    s.detractors = static_cast<double>(d);
    s.passives = static_cast<double>(pa);
    s.promoters = static_cast<double>(pr);
    FillStatistics(s, z);
    const double nn = static_cast<double>(n);
    t.share_detractors[r] = d / nn;
    t.share_passives[r] = pa / nn;
    t.share_promoters[r] = pr / nn;
    Wilson(d, nn, z, t.share_detractors_low[r], t.share_detractors_high[r]);
    Wilson(pa, nn, z, t.share_passives_low[r], t.share_passives_high[r]);
    Wilson(pr, nn, z, t.share_promoters_low[r], t.share_promoters_high[r]);
    t.nps[r] = s.nps;
    t.se[r] = s.se;
    t.ci_low[r] = s.ci_low;
    t.ci_high[r] = s.ci_high;
  }

  // Changes against the previous period, and trends over the trend window.
  std::vector<double> det_p(rows, kNaN), pro_p(rows, kNaN), trend_p(rows, kNaN);
  const size_t k = static_cast<size_t>(th.trend_periods);
  for (size_t sl = 0; sl < S; ++sl) {
    const size_t base = sl * P;
    for (size_t p = 0; p < P; ++p) {
      const size_t r = base + p;
      if (overlapping) continue;
      if (p > 0 && t.n[r] > 0 && t.n[r - 1] > 0) {
        // The NPS change by the score test (exact mid-p below kExactBelow),
        // whatever the interval method of the periods' NPS.
        auto c = internal::CompareTestOnly(
            summaries[r], summaries[r - 1],
            {IntervalMethod::kScore, options.interval.confidence, CompareTest::kAuto});
        if (c.ok()) {
          t.nps_change[r] = c->diff;
          t.change_se[r] = c->se;
          t.change_p[r] = c->p_value;
        }
        t.detractor_change[r] = 100 * (t.share_detractors[r] - t.share_detractors[r - 1]);
        t.promoter_change[r] = 100 * (t.share_promoters[r] - t.share_promoters[r - 1]);
        det_p[r] = internal::ShareChangeP(t.detractors[r - 1], t.n[r - 1], t.detractors[r], t.n[r]);
        pro_p[r] = internal::ShareChangeP(t.promoters[r - 1], t.n[r - 1], t.promoters[r], t.n[r]);
      }
      if (t.n[r] == 0) continue;
      const size_t first = p + 1 >= k ? base + p + 1 - k : base;
      // Window rows are [first, r]; index within the slice keeps x = period.
      std::vector<int64_t> window_n(t.n.begin() + static_cast<long>(first),
                                    t.n.begin() + static_cast<long>(r + 1));
      const Trend pas = FitTrend(
          window_n, 0, window_n.size(),
          [&](size_t i) { return t.share_passives[first + i]; },
          [](double m) { return m * (1 - m); });
      const Trend npt = FitTrend(
          window_n, 0, window_n.size(),
          [&](size_t i) { return (t.share_promoters[first + i] - t.share_detractors[first + i]); },
          [&](double) {
            double sd = 0, sp_ = 0, nn = 0;
            for (size_t i = first; i <= r; ++i) {
              sd += static_cast<double>(t.detractors[i]);
              sp_ += static_cast<double>(t.promoters[i]);
              nn += static_cast<double>(t.n[i]);
            }
            return NpsVariance(sd, nn - sd - sp_, sp_);
          });
      t.passive_trend[r] = 100 * pas.slope;
      trend_p[r] = pas.p;
      t.nps_trend[r] = 100 * npt.slope;
    }
  }
  t.change_p_adjusted = internal::AdjustValidPValues(t.change_p, options.adjustment);
  t.detractor_change_p_adjusted = internal::AdjustValidPValues(det_p, options.adjustment);
  t.promoter_change_p_adjusted = internal::AdjustValidPValues(pro_p, options.adjustment);
  t.passive_trend_p_adjusted = internal::AdjustValidPValues(trend_p, options.adjustment);

  // Flags, each with the numbers that raised it (src/health_flags.cc).
  internal::DeriveFlags(t, options, trend_p, overlapping);
  }

}  // namespace

template <typename T, typename C>
absl::StatusOr<HealthTable> Health(absl::Span<const T> scores,
                                   absl::Span<const int32_t> periods, int64_t n_periods,
                                   absl::Span<const C> slices, int64_t n_slices,
                                   const HealthOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateHealthOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(HealthTable t,
                           NewTable(n_periods, slices.empty() ? 1 : n_slices, options));
  NPSCORE_RETURN_IF_ERROR(CheckPeriods(periods.size(), scores.size()));
  NPSCORE_RETURN_IF_ERROR(
      CountHistogram(scores, PeriodCodes{periods.data()}, slices, options.scores, t));
  DeriveHealth(t, options, /*overlapping=*/false);
  return t;
}

absl::StatusOr<HealthTable> HealthFromHistogram(absl::Span<const int64_t> histogram,
                                                int64_t n_periods, int64_t n_slices,
                                                const HealthOptions& options,
                                                absl::Span<const int64_t> skipped) {
  NPSCORE_RETURN_IF_ERROR(ValidateHealthOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(HealthTable t, NewTable(n_periods, n_slices, options));
  const size_t rows = t.skipped.size(), bins = static_cast<size_t>(t.scale_max) + 1;
  if (histogram.size() != rows * bins) {
    return absl::InvalidArgumentError(absl::StrCat(
        "histogram has ", histogram.size(), " counts: ", n_slices, " slices x ", n_periods,
        " periods x ", bins, " scores need ", rows * bins));
  }
  if (!skipped.empty() && skipped.size() != rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("skipped has ", skipped.size(), " counts but the table has ", rows, " rows"));
  }
  for (size_t i = 0; i < histogram.size(); ++i) {
    if (histogram[i] < 0) {
      const size_t r = i / bins;
      return absl::InvalidArgumentError(absl::StrCat(
          "histogram count of slice ", r / static_cast<size_t>(n_periods), ", period ",
          r % static_cast<size_t>(n_periods), ", score ", i % bins, " is ", histogram[i],
          ": counts must be >= 0"));
    }
  }
  for (size_t r = 0; r < skipped.size(); ++r) {
    if (skipped[r] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("skipped count of row ", r, " is ", skipped[r], ": counts must be >= 0"));
    }
  }
  std::copy(histogram.begin(), histogram.end(), t.histogram.begin());
  if (!skipped.empty()) std::copy(skipped.begin(), skipped.end(), t.skipped.begin());
  DeriveHealth(t, options, /*overlapping=*/false);
  return t;
}

template <typename T, typename C>
absl::StatusOr<HealthTable> HealthOverTime(absl::Span<const T> scores,
                                           absl::Span<const int64_t> times,
                                           const PeriodGrid& grid, absl::Span<const C> slices,
                                           int64_t n_slices, const HealthOptions& given,
                                           bool skip_missing_times) {
  HealthOptions options = given;
  options.frequency = grid.frequency;  // baselines in time follow the grid's periods
  NPSCORE_RETURN_IF_ERROR(ValidateHealthOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(const PeriodFinder finder, PeriodFinder::Make(grid));
  NPSCORE_ASSIGN_OR_RETURN(
      HealthTable t,
      NewTable(static_cast<int64_t>(grid.size()), slices.empty() ? 1 : n_slices, options));
  if (times.size() != scores.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "times has ", times.size(), " rows but scores has ", scores.size(), " rows"));
  }
  NPSCORE_RETURN_IF_ERROR(CountHistogram(
      scores, PeriodsOfTimes{times.data(), &finder, skip_missing_times}, slices,
      options.scores, t));
  DeriveHealth(t, options, /*overlapping=*/false);
  return t;
}

template <typename T, typename C>
absl::StatusOr<HealthTable> RollingHealth(absl::Span<const T> scores,
                                          absl::Span<const int32_t> base_periods,
                                          int64_t n_base, absl::Span<const C> slices,
                                          int64_t n_slices, absl::Span<const int64_t> first,
                                          absl::Span<const int64_t> last,
                                          const HealthOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateHealthOptions(options));
  if (first.size() != last.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "window bounds differ in length: ", first.size(), " firsts, ", last.size(), " lasts"));
  }
  for (size_t w = 0; w < first.size(); ++w) {
    if (!(0 <= first[w] && first[w] <= last[w] && last[w] <= n_base)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "window ", w, " is [", first[w], ", ", last[w], "): need 0 <= first <= last <= ", n_base));
    }
  }
  if (slices.empty()) n_slices = 1;
  NPSCORE_ASSIGN_OR_RETURN(HealthTable base, NewTable(n_base, n_slices, options));
  NPSCORE_RETURN_IF_ERROR(CheckPeriods(base_periods.size(), scores.size()));
  NPSCORE_RETURN_IF_ERROR(CountHistogram(scores, PeriodCodes{base_periods.data()}, slices,
                                         options.scores, base));
  const int64_t n_windows = static_cast<int64_t>(first.size());
  NPSCORE_ASSIGN_OR_RETURN(HealthTable t, NewTable(n_windows, n_slices, options));
  t.excluded = base.excluded;
  // Prefix sums over the base periods of each slice turn every window into
  // one subtraction per bin, however much the windows overlap.
  const size_t bins = static_cast<size_t>(options.scores.cutoffs.scale_max) + 1;
  const size_t B = static_cast<size_t>(n_base), W = static_cast<size_t>(n_windows);
  std::vector<int64_t> prefix((B + 1) * (bins + 1));
  for (size_t s = 0; s < static_cast<size_t>(n_slices); ++s) {
    std::fill(prefix.begin(), prefix.end(), 0);
    for (size_t p = 0; p < B; ++p) {
      const size_t row = s * B + p;
      for (size_t b = 0; b < bins; ++b) {
        prefix[(p + 1) * (bins + 1) + b] = prefix[p * (bins + 1) + b] + base.histogram[row * bins + b];
      }
      prefix[(p + 1) * (bins + 1) + bins] = prefix[p * (bins + 1) + bins] + base.skipped[row];
    }
    for (size_t w = 0; w < W; ++w) {
      const size_t lo = static_cast<size_t>(first[w]), hi = static_cast<size_t>(last[w]);
      const size_t row = s * W + w;
      for (size_t b = 0; b < bins; ++b) {
        t.histogram[row * bins + b] = prefix[hi * (bins + 1) + b] - prefix[lo * (bins + 1) + b];
      }
      t.skipped[row] = prefix[hi * (bins + 1) + bins] - prefix[lo * (bins + 1) + bins];
    }
  }
  DeriveHealth(t, options, /*overlapping=*/true);
  return t;
}

absl::StatusOr<RollingWindows> MakeRollingWindows(const PeriodGrid& grid, int64_t window_days) {
  if (window_days < 1 || window_days > kMaxWindowDays) {
    return absl::InvalidArgumentError(absl::StrCat("window_days is ", window_days,
                                                   ": it must be in 1..", kMaxWindowDays));
  }
  if (grid.size() == 0 || grid.starts.size() != grid.size() + 1) {
    return absl::InvalidArgumentError("the period grid is empty or malformed");
  }
  // The day grid starts a day before the earliest window can (a day of 23 to
  // 25 hours in a zone with DST changes is still one day) and ends with the
  // last period.
  constexpr int64_t kNsPerDay = int64_t{86400} * 1000000000;
  const int64_t reach = (window_days + 1) * kNsPerDay;
  if (grid.starts.front() < INT64_MIN + 1 + reach) {
    return absl::InvalidArgumentError(absl::StrCat(
        "window_days is ", window_days,
        ": the first window reaches before 1677-09-21, the earliest time npscore reads"));
  }
  RollingWindows w;
  NPSCORE_ASSIGN_OR_RETURN(w.days, MakePeriodGrid(grid.starts.front() - reach,
                                                  grid.starts.back() - 1, Frequency::kDay,
                                                  grid.time_zone));
  const int64_t n_days = static_cast<int64_t>(w.days.size());
  w.first.resize(grid.size());
  w.last.resize(grid.size());
  for (size_t p = 0; p < grid.size(); ++p) {
    // The first day starting at or after the period's end ends the window.
    const int64_t end = std::lower_bound(w.days.starts.begin(), w.days.starts.end(),
                                         grid.starts[p + 1]) -
                        w.days.starts.begin();
    w.last[p] = std::min(end, n_days);
    w.first[p] = std::max<int64_t>(w.last[p] - window_days, 0);
  }
  return w;
}

template <typename T, typename C>
absl::StatusOr<HealthTable> RollingHealthOverTime(absl::Span<const T> scores,
                                                  absl::Span<const int64_t> times,
                                                  const PeriodGrid& grid, int64_t window_days,
                                                  absl::Span<const C> slices, int64_t n_slices,
                                                  const HealthOptions& given,
                                                  bool skip_missing_times) {
  HealthOptions options = given;
  options.frequency = grid.frequency;
  NPSCORE_RETURN_IF_ERROR(ValidateHealthOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(const RollingWindows w, MakeRollingWindows(grid, window_days));
  if (times.size() != scores.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "times has ", times.size(), " rows but scores has ", scores.size(), " rows"));
  }
  std::vector<int32_t> days(times.size());
  NPSCORE_RETURN_IF_ERROR(AssignPeriods(times, w.days, absl::MakeSpan(days), skip_missing_times));
  NPSCORE_ASSIGN_OR_RETURN(
      HealthTable t,
      RollingHealth(scores, absl::Span<const int32_t>(days), static_cast<int64_t>(w.days.size()),
                    slices, n_slices, w.first, w.last, options));
  t.window_start.resize(grid.size());
  t.window_end.resize(grid.size());
  for (size_t p = 0; p < grid.size(); ++p) {
    t.window_start[p] = w.days.starts[static_cast<size_t>(w.first[p])];
    t.window_end[p] = w.days.starts[static_cast<size_t>(w.last[p])];
  }
  return t;
}

absl::StatusOr<std::vector<SegmentTrend>> SegmentTrends(const HealthTable& table, int periods,
                                                        Adjustment adjustment) {
  if (periods < 3 || periods > kMaxTrendPeriods) {
    return absl::InvalidArgumentError(absl::StrCat(
        "periods is ", periods, ": a trend needs 3..", kMaxTrendPeriods,
        " periods (kMaxTrendPeriods)"));
  }
  if (adjustment != Adjustment::kHolm && adjustment != Adjustment::kBenjaminiHochberg &&
      adjustment != Adjustment::kNone) {
    return absl::InvalidArgumentError("adjustment is not an Adjustment");
  }
  const size_t P = static_cast<size_t>(table.n_periods);
  const size_t first = P > static_cast<size_t>(periods) ? P - static_cast<size_t>(periods) : 0;
  std::vector<SegmentTrend> out;
  for (int64_t sl = 0; sl < table.n_slices; ++sl) {
    const size_t base = static_cast<size_t>(sl) * P;
    std::vector<int64_t> n(table.n.begin() + static_cast<long>(base + first),
                           table.n.begin() + static_cast<long>(base + P));
    const std::vector<int64_t>* counts[3] = {&table.detractors, &table.passives, &table.promoters};
    const Segment segs[3] = {Segment::kDetractor, Segment::kPassive, Segment::kPromoter};
    for (int g = 0; g < 3; ++g) {
      const std::vector<int64_t>& c = *counts[g];
      const Trend tr = FitTrend(
          n, 0, n.size(),
          [&](size_t i) {
            return static_cast<double>(c[base + first + i]) /
                   static_cast<double>(table.n[base + first + i]);
          },
          [](double m) { return m * (1 - m); });
      SegmentTrend st;
      st.slice = sl;
      st.segment = segs[g];
      st.periods = tr.periods;
      st.n = tr.n;
      st.start_share = tr.start;
      st.end_share = tr.end;
      st.slope_points = 100 * tr.slope;
      st.slope_se = 100 * tr.se;
      st.z = tr.z;
      st.p_value = tr.p;
      out.push_back(st);
    }
  }
  std::vector<double> p(out.size());
  for (size_t i = 0; i < out.size(); ++i) p[i] = out[i].p_value;
  const std::vector<double> adj = internal::AdjustValidPValues(p, adjustment);
  for (size_t i = 0; i < out.size(); ++i) out[i].p_adjusted = adj[i];
  return out;
}

#define NPSCORE_INSTANTIATE_CODES_(T, C)                                                   \
  template absl::StatusOr<HealthTable> Health<T, C>(absl::Span<const T>,                   \
                                                    absl::Span<const int32_t>, int64_t,    \
                                                    absl::Span<const C>, int64_t,          \
                                                    const HealthOptions&);                 \
  template absl::StatusOr<HealthTable> HealthOverTime<T, C>(                               \
      absl::Span<const T>, absl::Span<const int64_t>, const PeriodGrid&, absl::Span<const C>, \
      int64_t, const HealthOptions&, bool);                                                \
  template absl::StatusOr<HealthTable> RollingHealth<T, C>(                                \
      absl::Span<const T>, absl::Span<const int32_t>, int64_t, absl::Span<const C>,        \
      int64_t, absl::Span<const int64_t>, absl::Span<const int64_t>, const HealthOptions&); \
  template absl::StatusOr<HealthTable> RollingHealthOverTime<T, C>(                        \
      absl::Span<const T>, absl::Span<const int64_t>, const PeriodGrid&, int64_t,          \
      absl::Span<const C>, int64_t, const HealthOptions&, bool);
#define NPSCORE_INSTANTIATE_(T)           \
  NPSCORE_INSTANTIATE_CODES_(T, int8_t)   \
  NPSCORE_INSTANTIATE_CODES_(T, int16_t)  \
  NPSCORE_INSTANTIATE_CODES_(T, int32_t)  \
  NPSCORE_INSTANTIATE_CODES_(T, int64_t)
NPSCORE_FOR_EACH_SCORE_TYPE(NPSCORE_INSTANTIATE_)
#undef NPSCORE_INSTANTIATE_
#undef NPSCORE_INSTANTIATE_CODES_

}  // namespace npscore
