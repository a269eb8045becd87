// The C ABI of the health module (npscore/c_api.h): thin wrappers over
// npscore/health.h. The C structs and enums of the module are converted to
// and from the core's here; the nps ones come from capi/internal.h.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/arrow.h"
#include "capi/health_handles.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/health.h"

// The C header repeats the core's bounds: they must agree.
static_assert(NPSCORE_MAX_HEALTH_TABLE_ROWS == npscore::kMaxHealthTableRows, "table rows");
static_assert(NPSCORE_MAX_HEALTH_HISTOGRAM_CELLS == npscore::kMaxHealthHistogramCells, "cells");
static_assert(NPSCORE_MAX_TREND_PERIODS == npscore::kMaxTrendPeriods, "trend periods");
static_assert(NPSCORE_MAX_MIGRATION_PERIODS == npscore::kMaxMigrationPeriods, "periods");
static_assert(NPSCORE_MAX_EVENT_IMPACT_ROWS == npscore::kMaxEventImpactRows, "event rows");
static_assert(NPSCORE_MAX_ACCOUNTS == npscore::kMaxAccounts, "accounts");

// The opaque handles of the health module.
struct npscore_health_period_grid {
  npscore::PeriodGrid grid;
};

struct npscore_health_account_table {
  std::shared_ptr<const npscore::AccountTable> shared;
  const npscore::AccountTable& table = *shared;
};

namespace npscore {
namespace capi {
namespace {

// Reads an npscore_health_adjustment value, called `name` in messages.
npscore_status ReadAdjustment(Call& call, int raw, absl::string_view name, Adjustment* out) {
  switch (raw) {
    case NPSCORE_ADJUST_HOLM:
      *out = Adjustment::kHolm;
      return NPSCORE_OK;
    case NPSCORE_ADJUST_BH:
      *out = Adjustment::kBenjaminiHochberg;
      return NPSCORE_OK;
    case NPSCORE_ADJUST_NONE:
      *out = Adjustment::kNone;
      return NPSCORE_OK;
  }
  return call.Fail(NPSCORE_EINVAL, absl::StrCat(name, " is ", raw),
                   ": use NPSCORE_ADJUST_HOLM (0), NPSCORE_ADJUST_BH (1) or"
                   " NPSCORE_ADJUST_NONE (2)");
}

// Reads an npscore_health_rollup value.
npscore_status ReadRollUp(Call& call, int raw, RollUp* out) {
  switch (raw) {
    case NPSCORE_ROLLUP_POOLED:
      *out = RollUp::kPooled;
      return NPSCORE_OK;
    case NPSCORE_ROLLUP_AVERAGE:
      *out = RollUp::kAverage;
      return NPSCORE_OK;
    case NPSCORE_ROLLUP_LATEST:
      *out = RollUp::kLatest;
      return NPSCORE_OK;
  }
  return call.Fail(NPSCORE_EINVAL, absl::StrCat("how is ", raw),
                   ": use NPSCORE_ROLLUP_POOLED (0), NPSCORE_ROLLUP_AVERAGE (1) or"
                   " NPSCORE_ROLLUP_LATEST (2)");
}

constexpr npscore_health_adjustment AdjustmentToC(Adjustment a) {
  switch (a) {
    case Adjustment::kHolm:
      return NPSCORE_ADJUST_HOLM;
    case Adjustment::kBenjaminiHochberg:
      return NPSCORE_ADJUST_BH;
    case Adjustment::kNone:
      return NPSCORE_ADJUST_NONE;
  }
  return NPSCORE_ADJUST_HOLM;
}

constexpr npscore_health_frequency FrequencyToC(Frequency f) {
  switch (f) {
    case Frequency::kDay:
      return NPSCORE_FREQ_DAY;
    case Frequency::kWeek:
      return NPSCORE_FREQ_WEEK;
    case Frequency::kMonth:
      return NPSCORE_FREQ_MONTH;
    case Frequency::kQuarter:
      return NPSCORE_FREQ_QUARTER;
  }
  return NPSCORE_FREQ_MONTH;
}

// The fields of npscore_health_options that are HealthThresholds' fields of
// the same name: X(field) for each.
#define NPSCORE_HEALTH_THRESHOLD_FIELDS(X)                                              \
  X(alpha) X(min_n) X(passive_share_high) X(passive_trend_points) X(stable_nps_points) \
  X(detractor_surge_points) X(promoter_erosion_points) X(trend_periods)              \
  X(baseline_months) X(drop_alpha) X(drop_points) X(cusum_k) X(cusum_h) X(power)

// The health options with the core's defaults (HealthOptions): what
// npscore_health_options_init() writes.
constexpr npscore_health_options HealthOptionsDefaults() {
  constexpr HealthOptions h{};
  constexpr HealthThresholds th = h.thresholds;
  npscore_health_options o{};
  o.version = NPSCORE_HEALTH_OPTIONS_VERSION;
  o.adjustment = AdjustmentToC(h.adjustment);
  o.flag_mode = h.flag_mode == FlagMode::kReview ? NPSCORE_FLAG_MODE_REVIEW
                                                 : NPSCORE_FLAG_MODE_ALERT;
  o.frequency = FrequencyToC(h.frequency);
#define NPSCORE_COPY_(field) o.field = th.field;
  NPSCORE_HEALTH_THRESHOLD_FIELDS(NPSCORE_COPY_)
#undef NPSCORE_COPY_
  return o;
}

constexpr size_t kHealthOptionsSizes[] = {sizeof(npscore_health_options)};

// NPSCORE_HEALTH_OPTIONS_INIT is the core's defaults, field by field.
constexpr npscore_health_options kInit = NPSCORE_HEALTH_OPTIONS_INIT;
constexpr npscore_health_options kCore = HealthOptionsDefaults();
static_assert(kInit.version == kCore.version, "version");
static_assert(kInit.adjustment == kCore.adjustment, "adjustment");
static_assert(kInit.flag_mode == kCore.flag_mode, "flag_mode");
static_assert(kInit.frequency == kCore.frequency, "frequency");
#define NPSCORE_SAME_(field) static_assert(kInit.field == kCore.field, #field);
NPSCORE_HEALTH_THRESHOLD_FIELDS(NPSCORE_SAME_)
#undef NPSCORE_SAME_

}  // namespace

// Declared in capi/health_handles.h (shared with capi/monitor.cc).
npscore_status ReadHealthOptions(Call& call, const npscore_nps_options* nps_opts,
                                 const npscore_health_options* opts, HealthOptions* out) {
  *out = HealthOptions{};
  GroupOptions nps;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, nps_opts, "nps_opts", &nps));
  out->scores = nps.scores;
  out->interval = nps.interval;
  npscore_health_options o;
  NPSCORE_C_RETURN_IF_ERROR(
      ReadOptions(call, opts, HealthOptionsDefaults(), kHealthOptionsSizes, "opts", &o));
  if (opts == nullptr) return NPSCORE_OK;
  NPSCORE_C_RETURN_IF_ERROR(
      ReadAdjustment(call, o.adjustment, "opts->adjustment", &out->adjustment));
  switch (o.flag_mode) {
    case NPSCORE_FLAG_MODE_ALERT:
      out->flag_mode = FlagMode::kAlert;
      break;
    case NPSCORE_FLAG_MODE_REVIEW:
      out->flag_mode = FlagMode::kReview;
      break;
    default:
      return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->flag_mode is ", o.flag_mode),
                       ": use NPSCORE_FLAG_MODE_ALERT (0) or NPSCORE_FLAG_MODE_REVIEW (1)");
  }
  if (o.frequency < NPSCORE_FREQ_DAY || o.frequency > NPSCORE_FREQ_QUARTER) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->frequency is ", o.frequency),
                     ": use NPSCORE_FREQ_DAY (0), NPSCORE_FREQ_WEEK (1), NPSCORE_FREQ_MONTH (2)"
                     " or NPSCORE_FREQ_QUARTER (3)");
  }
  NPSCORE_C_RETURN_IF_ERROR(ReadFrequency(call, o.frequency, &out->frequency));
  HealthThresholds& th = out->thresholds;
#define NPSCORE_COPY_(field) th.field = o.field;
  NPSCORE_HEALTH_THRESHOLD_FIELDS(NPSCORE_COPY_)
#undef NPSCORE_COPY_
  return NPSCORE_OK;
}

namespace {

// The index error of a handle's accessor.
npscore_status IndexError(Call& call, size_t i, size_t size, absl::string_view what) {
  return call.Fail(NPSCORE_EINVAL, absl::StrCat("index i is ", i),
                   absl::StrCat(": there are ", size, " ", what));
}

// The columns of a health table that are fields of the same name in
// npscore_health_row / npscore_health_baseline_row: count (int64) and
// statistic (double) columns. The row getters and the Arrow export both use
// these lists, so they cannot disagree.
#define NPSCORE_HEALTH_ROW_COUNTS(X) X(n) X(detractors) X(passives) X(promoters) X(skipped)
#define NPSCORE_HEALTH_ROW_STATS(X)                                                         \
  X(share_detractors) X(share_detractors_low) X(share_detractors_high) X(share_passives)    \
  X(share_passives_low) X(share_passives_high) X(share_promoters) X(share_promoters_low)    \
  X(share_promoters_high) X(nps) X(se) X(ci_low) X(ci_high) X(nps_change) X(change_se)      \
  X(change_p) X(change_p_adjusted) X(detractor_change) X(detractor_change_p_adjusted)       \
  X(promoter_change) X(promoter_change_p_adjusted) X(passive_trend)                        \
  X(passive_trend_p_adjusted) X(nps_trend)
#define NPSCORE_HEALTH_BASELINE_COUNTS(X) X(baseline_first) X(baseline_n) X(flag_family)
#define NPSCORE_HEALTH_BASELINE_STATS(X)                                                    \
  X(baseline_nps) X(nps_vs_baseline) X(vs_baseline_se) X(drop_p) X(drop_p_adjusted)         \
  X(detractor_vs_baseline) X(surge_p) X(surge_p_adjusted) X(promoter_vs_baseline)           \
  X(erosion_p) X(erosion_p_adjusted) X(passive_growth_p) X(passive_growth_p_adjusted)       \
  X(cusum) X(min_detectable_drop)

npscore_health_row RowToC(const HealthTable& t, size_t i) {
  npscore_health_row r;
  const int64_t periods = t.n_periods;
  r.slice = static_cast<int64_t>(i) / periods;
  r.period = static_cast<int64_t>(i) % periods;
#define NPSCORE_ROW_(field) r.field = t.field[i];
  NPSCORE_HEALTH_ROW_COUNTS(NPSCORE_ROW_)
  NPSCORE_HEALTH_ROW_STATS(NPSCORE_ROW_)
#undef NPSCORE_ROW_
  r.flags = t.flags[i];
  return r;
}

npscore_health_baseline_row BaselineRowToC(const HealthTable& t, size_t i) {
  npscore_health_baseline_row r;
#define NPSCORE_ROW_(field) r.field = t.field[i];
  NPSCORE_HEALTH_BASELINE_COUNTS(NPSCORE_ROW_)
  NPSCORE_HEALTH_BASELINE_STATS(NPSCORE_ROW_)
#undef NPSCORE_ROW_
  return r;
}

npscore_health_segment_trend TrendToC(const SegmentTrend& s) {
  npscore_health_segment_trend out;
  out.slice = s.slice;
  out.segment = static_cast<int32_t>(s.segment);
  out.periods = s.periods;
  out.n = s.n;
  out.start_share = s.start_share;
  out.end_share = s.end_share;
  out.slope_points = s.slope_points;
  out.slope_se = s.slope_se;
  out.z = s.z;
  out.p_value = s.p_value;
  out.p_adjusted = s.p_adjusted;
  return out;
}

npscore_health_event_impact_row EventRowToC(const EventImpactRow& r) {
  npscore_health_event_impact_row out;
  out.event = r.event;
  out.slice = r.slice;
  out.before = SummaryToC(r.before);
  out.after = SummaryToC(r.after);
  out.change = ComparisonToC(r.change);
  out.outside_data = r.outside_data ? 1 : 0;
  return out;
}

// The over-time constructors: checks the columns and options shared by both,
// then makes the table with `make(scores, times, slices, n_slices, options,
// skip_missing_times)`.
template <typename Make>
npscore_status NewTableOverTime(Call& call, npscore_health_table** out,
                                const void* scores, int32_t dtype, size_t n,
                                const int64_t* times, const npscore_health_period_grid* grid,
                                const int64_t* slices, size_t n_slices,
                                const npscore_nps_options* nps_opts,
                                const npscore_health_options* opts, Make&& make) {
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(grid);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, slices, 0, "slices"));  // NULL: one slice
  int64_t core_slices = 1;
  if (slices != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_slices, "n_slices", &core_slices));
  }
  npscore::HealthOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadHealthOptions(call, nps_opts, opts, &o));
  const bool skip = o.scores.missing == npscore::Missing::kSkip;
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = make(
        s, absl::MakeConstSpan(times, n),
        slices == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(slices, n),
        core_slices, o, skip);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_health_table{
        std::make_shared<const npscore::HealthTable>(std::move(*table))};
    return call.Ok();
  });
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;
using npscore::capi::CheckCapacity;
using npscore::capi::CheckColumn;
using npscore::capi::CountToCore;
using npscore::capi::ReadNpsOptions;
using npscore::capi::VisitScores;

extern "C" {

/* --- Options ----------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_options_init(npscore_health_options* opts,
                                                       uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version,
                                    npscore::capi::HealthOptionsDefaults(),
                                    npscore::capi::kHealthOptionsSizes);
  NPSCORE_C_END
}

/* --- Periods ------------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_period_grid_new(npscore_health_period_grid** out,
                                                          int64_t min_time, int64_t max_time,
                                                          int32_t frequency,
                                                          const char* time_zone,
                                                          npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(time_zone);
  npscore::Frequency f;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFrequency(call, frequency, &f));
  auto grid = npscore::MakePeriodGrid(min_time, max_time, f, time_zone);
  if (!grid.ok()) return call.Fail(grid.status());
  *out = new npscore_health_period_grid{std::move(*grid)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_health_period_grid_size(const npscore_health_period_grid* grid) {
  return grid == nullptr ? 0 : grid->grid.size();
}

NPSCORE_API npscore_status npscore_health_period_grid_get(int64_t* out_start, int64_t* out_end,
                                                          const char** out_label,
                                                          const npscore_health_period_grid* grid,
                                                          size_t i, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_start);
  NPSCORE_C_REQUIRE(out_end);
  NPSCORE_C_REQUIRE(out_label);
  NPSCORE_C_REQUIRE(grid);
  const npscore::PeriodGrid& g = grid->grid;
  if (i >= g.size()) return npscore::capi::IndexError(call, i, g.size(), "periods");
  *out_start = g.starts[i];
  *out_end = g.starts[i + 1];
  *out_label = g.labels[i].c_str();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_health_period_grid_free(npscore_health_period_grid* grid) {
  delete grid;
}

NPSCORE_API npscore_status npscore_health_assign_periods(int32_t* out, size_t out_capacity,
                                                         const int64_t* times, size_t n,
                                                         const npscore_health_period_grid* grid,
                                                         int32_t skip_missing,
                                                         npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_RETURN_IF_ERROR(CheckCapacity(call, "out", out_capacity, n));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_REQUIRE(grid);
  const absl::Status st = npscore::AssignPeriods(absl::MakeConstSpan(times, n), grid->grid,
                                                 absl::MakeSpan(out, n), skip_missing != 0);
  return st.ok() ? call.Ok() : call.Fail(st);
  NPSCORE_C_END
}

/* --- The per-period table ----------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_table_new(npscore_health_table** out,
                                                    const void* scores, int32_t dtype,
                                                    size_t n, const int32_t* periods,
                                                    size_t n_periods, const int64_t* slices,
                                                    size_t n_slices,
                                                    const npscore_nps_options* nps_opts,
                                                    const npscore_health_options* opts,
                                                    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, periods, n, "periods"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, slices, 0, "slices"));  // NULL: one slice
  int64_t core_periods, core_slices = 1;
  NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_periods, "n_periods", &core_periods));
  if (slices != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_slices, "n_slices", &core_slices));
  }
  npscore::HealthOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadHealthOptions(call, nps_opts, opts, &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::Health(
        s, absl::MakeConstSpan(periods, n), core_periods,
        slices == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(slices, n),
        core_slices, o);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_health_table{
        std::make_shared<const npscore::HealthTable>(std::move(*table))};
    return call.Ok();
  });
  NPSCORE_C_END
}

static_assert(NPSCORE_MAX_WINDOW_DAYS == npscore::kMaxWindowDays, "c_api.h repeats health.h");

NPSCORE_API npscore_status npscore_health_table_new_over_time(
    npscore_health_table** out, const void* scores, int32_t dtype, size_t n,
    const int64_t* times, const npscore_health_period_grid* grid, const int64_t* slices,
    size_t n_slices, const npscore_nps_options* nps_opts, const npscore_health_options* opts,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::NewTableOverTime(call, out, scores, dtype, n, times, grid, slices, n_slices, nps_opts,
                          opts, [&](auto s, auto t, auto sl, int64_t k, const auto& o, bool skip) {
                            return npscore::HealthOverTime(s, t, grid->grid, sl, k, o, skip);
                          });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_new_rolling(
    npscore_health_table** out, const void* scores, int32_t dtype, size_t n,
    const int64_t* times, const npscore_health_period_grid* grid, int64_t window_days,
    const int64_t* slices, size_t n_slices, const npscore_nps_options* nps_opts,
    const npscore_health_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::NewTableOverTime(call, out, scores, dtype, n, times, grid, slices, n_slices, nps_opts,
                          opts, [&](auto s, auto t, auto sl, int64_t k, const auto& o, bool skip) {
                            return npscore::RollingHealthOverTime(s, t, grid->grid, window_days,
                                                                  sl, k, o, skip);
                          });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_new_from_histogram(
    npscore_health_table** out, const int64_t* histogram, size_t n_histogram, size_t n_periods,
    size_t n_slices, const int64_t* skipped, size_t n_skipped,
    const npscore_nps_options* nps_opts, const npscore_health_options* opts,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, histogram, n_histogram, "histogram"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, skipped, n_skipped, "skipped"));
  int64_t core_periods, core_slices;
  NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_periods, "n_periods", &core_periods));
  NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_slices, "n_slices", &core_slices));
  npscore::HealthOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadHealthOptions(call, nps_opts, opts, &o));
  auto table = npscore::HealthFromHistogram(
      absl::MakeConstSpan(histogram, n_histogram), core_periods, core_slices, o,
      absl::MakeConstSpan(skipped, n_skipped));
  if (!table.ok()) return call.Fail(table.status());
  *out = new npscore_health_table{
      std::make_shared<const npscore::HealthTable>(std::move(*table))};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_window(int64_t* out_start, int64_t* out_end,
                                                       const npscore_health_table* t,
                                                       size_t period, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_start);
  NPSCORE_C_REQUIRE(out_end);
  NPSCORE_C_REQUIRE(t);
  const std::vector<int64_t>& start = t->table.window_start;
  if (start.empty()) {
    return call.Fail(NPSCORE_EINVAL, "t",
                     " is not a rolling table (npscore_health_table_new_rolling): it has no "
                     "windows");
  }
  if (period >= start.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("period is ", period),
                     absl::StrCat(": the table has ", start.size(), " periods"));
  }
  *out_start = start[period];
  *out_end = t->table.window_end[period];
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_health_table_size(const npscore_health_table* t) {
  return t == nullptr ? 0 : t->table.size();
}

NPSCORE_API npscore_status npscore_health_table_get(npscore_health_row* out,
                                                    const npscore_health_table* t, size_t i,
                                                    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) return npscore::capi::IndexError(call, i, t->table.size(), "rows");
  *out = npscore::capi::RowToC(t->table, i);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_reasons(const char** out,
                                                        const npscore_health_table* t, size_t i,
                                                        npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) return npscore::capi::IndexError(call, i, t->table.size(), "rows");
  *out = t->table.reasons[i].c_str();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_histogram(const int64_t** out,
                                                          size_t* out_bins,
                                                          const npscore_health_table* t,
                                                          size_t i, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_bins);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) return npscore::capi::IndexError(call, i, t->table.size(), "rows");
  const size_t bins = static_cast<size_t>(t->table.scale_max) + 1;
  *out = t->table.histogram.data() + i * bins;
  *out_bins = bins;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_baseline(npscore_health_baseline_row* out,
                                                         const npscore_health_table* t,
                                                         size_t i, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) return npscore::capi::IndexError(call, i, t->table.size(), "rows");
  *out = npscore::capi::BaselineRowToC(t->table, i);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_health_table_free(npscore_health_table* t) { delete t; }

NPSCORE_API npscore_status npscore_health_table_export_arrow(struct ArrowArray* out,
                                                             struct ArrowSchema* out_schema,
                                                             const npscore_health_table* t,
                                                             npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_schema);
  NPSCORE_C_REQUIRE(t);
  const npscore::HealthTable& h = t->table;
  const size_t rows = h.size();
  std::vector<int64_t> slice(rows), period(rows);
  for (size_t i = 0; i < rows; ++i) {
    slice[i] = static_cast<int64_t>(i) / h.n_periods;
    period[i] = static_cast<int64_t>(i) % h.n_periods;
  }
  npscore::capi::ArrowTableExport e(static_cast<int64_t>(rows), t->shared);
  e.AddI64("slice", std::move(slice));
  e.AddI64("period", std::move(period));
#define NPSCORE_COUNT_(field) e.AddI64(#field, h.field.data());
#define NPSCORE_STAT_(field) e.AddF64(#field, h.field.data());
  NPSCORE_HEALTH_ROW_COUNTS(NPSCORE_COUNT_)
  NPSCORE_HEALTH_ROW_STATS(NPSCORE_STAT_)
  e.AddU32("flags", h.flags.data());
  e.AddUtf8("reasons", [&](int64_t i) -> absl::string_view { return h.reasons[size_t(i)]; });
  NPSCORE_HEALTH_BASELINE_COUNTS(NPSCORE_COUNT_)
  NPSCORE_HEALTH_BASELINE_STATS(NPSCORE_STAT_)
#undef NPSCORE_COUNT_
#undef NPSCORE_STAT_
  e.Export(out, out_schema);
  return call.Ok();
  NPSCORE_C_END
}

/* --- Segment trends and p-values ------------------------------------------------------ */

NPSCORE_API npscore_status npscore_health_segment_trends(npscore_health_segment_trend* out,
                                                         size_t out_capacity, size_t* out_count,
                                                         const npscore_health_table* table,
                                                         int32_t periods, int32_t adjustment,
                                                         npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_REQUIRE(out_count);
  NPSCORE_C_REQUIRE(table);
  npscore::Adjustment adj;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadAdjustment(call, adjustment, "adjustment", &adj));
  const size_t needed = 3 * static_cast<size_t>(table->table.n_slices);
  NPSCORE_C_RETURN_IF_ERROR(CheckCapacity(call, "out", out_capacity, needed, out_count));
  auto trends = npscore::SegmentTrends(table->table, periods, adj);
  if (!trends.ok()) return call.Fail(trends.status());
  if (trends->size() != needed) {
    return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("internal error: ", trends->size(),
                                                     " trends for ", needed, " rows"));
  }
  for (size_t k = 0; k < needed; ++k) out[k] = npscore::capi::TrendToC((*trends)[k]);
  *out_count = needed;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_adjust_p_values(double* out, size_t out_capacity,
                                                          const double* p, size_t n,
                                                          int32_t adjustment,
                                                          npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_RETURN_IF_ERROR(CheckCapacity(call, "out", out_capacity, n));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, p, n, "p"));
  npscore::Adjustment adj;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadAdjustment(call, adjustment, "adjustment", &adj));
  const auto adjusted = npscore::AdjustPValues(absl::MakeConstSpan(p, n), adj);
  if (!adjusted.ok()) return call.Fail(adjusted.status());
  std::copy(adjusted->begin(), adjusted->end(), out);
  return call.Ok();
  NPSCORE_C_END
}

/* --- Migration ------------------------------------------------------------------------ */

NPSCORE_API npscore_status npscore_health_migration(
    int64_t* out, size_t out_capacity, npscore_health_migration_totals* out_totals,
    const void* scores, int32_t dtype, size_t n, const int64_t* customers,
    const int64_t* times, const int32_t* periods, size_t n_periods,
    const npscore_nps_options* nps_opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_REQUIRE(out_totals);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, periods, 0, "periods"));  // NULL: one period
  int64_t core_periods = 1;
  if (periods != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_periods, "n_periods", &core_periods));
  }
  // The cells needed, when n_periods is within its bound (else the core
  // reports it).
  if (core_periods >= 1 && core_periods <= npscore::kMaxMigrationPeriods) {
    NPSCORE_C_RETURN_IF_ERROR(
        CheckCapacity(call, "out", out_capacity, static_cast<size_t>(core_periods) * 9));
  }
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, nps_opts, "nps_opts", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::Migration(
        s, absl::MakeConstSpan(customers, n), absl::MakeConstSpan(times, n),
        periods == nullptr ? absl::Span<const int32_t>() : absl::MakeConstSpan(periods, n),
        core_periods, o.scores);
    if (!table.ok()) return call.Fail(table.status());
    if (table->counts.size() > out_capacity) {
      return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("internal error: ", table->counts.size(),
                                                       " migration cells for capacity ",
                                                       out_capacity));
    }
    std::copy(table->counts.begin(), table->counts.end(), out);
    out_totals->customers = table->customers;
    out_totals->pairs = table->pairs;
    out_totals->excluded = table->excluded;
    out_totals->skipped = table->skipped;
    return call.Ok();
  });
  NPSCORE_C_END
}

/* --- Attribution ---------------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_attribute_change(
    npscore_health_attribution_row* out, size_t out_capacity,
    npscore_health_attribution_totals* out_totals, const npscore_nps_counts* a,
    const npscore_nps_counts* b, size_t n_slices, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_RETURN_IF_ERROR(CheckCapacity(call, "out", out_capacity, n_slices));
  NPSCORE_C_REQUIRE(out_totals);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, a, n_slices, "a"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, b, n_slices, "b"));
  std::vector<npscore::Counts> ca(n_slices), cb(n_slices);
  for (size_t s = 0; s < n_slices; ++s) {
    ca[s] = npscore::capi::CountsToCore(a[s]);
    cb[s] = npscore::capi::CountsToCore(b[s]);
  }
  const auto att = npscore::AttributeChange(ca, cb);
  if (!att.ok()) return call.Fail(att.status());
  for (size_t s = 0; s < n_slices; ++s) {
    npscore_health_attribution_row& r = out[s];
    r.weight_a = att->weight_a[s];
    r.weight_b = att->weight_b[s];
    r.nps_a = att->nps_a[s];
    r.nps_b = att->nps_b[s];
    r.mix = att->mix[s];
    r.rate = att->rate[s];
    r.total = att->total[s];
  }
  out_totals->overall_a = att->overall_a;
  out_totals->overall_b = att->overall_b;
  out_totals->change = att->change;
  return call.Ok();
  NPSCORE_C_END
}

/* --- Event impact --------------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_event_impact(
    npscore_health_event_impact_row* out, size_t out_capacity, size_t* out_count,
    const void* scores, int32_t dtype, size_t n, const int64_t* times, const int64_t* slices,
    size_t n_slices, const int64_t* events, size_t n_events, int64_t before_ns,
    int64_t after_ns, const npscore_nps_options* nps_opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_REQUIRE(out_count);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, slices, 0, "slices"));  // NULL: one slice
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, events, n_events, "events"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, nps_opts, "nps_opts", &o));
  // The rows needed, when the sizes are within the bound (else the core
  // reports them).
  int64_t per_event = 1;
  if (slices != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_slices, "n_slices", &per_event));
  }
  if (per_event >= 1 && per_event <= npscore::kMaxEventImpactRows &&
      n_events <= static_cast<uint64_t>(npscore::kMaxEventImpactRows / per_event)) {
    NPSCORE_C_RETURN_IF_ERROR(CheckCapacity(
        call, "out", out_capacity, n_events * static_cast<size_t>(per_event), out_count));
  }
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto rows = npscore::EventImpact(
        s, absl::MakeConstSpan(times, n),
        slices == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(slices, n),
        per_event, absl::MakeConstSpan(events, n_events), before_ns, after_ns, o.scores,
        o.interval);
    if (!rows.ok()) return call.Fail(rows.status());
    if (rows->size() > out_capacity) {
      return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("internal error: ", rows->size(),
                                                       " event rows for capacity ",
                                                       out_capacity));
    }
    for (size_t k = 0; k < rows->size(); ++k) out[k] = npscore::capi::EventRowToC((*rows)[k]);
    *out_count = rows->size();
    return call.Ok();
  });
  NPSCORE_C_END
}

/* --- Account roll-up ---------------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_account_table_new(
    npscore_health_account_table** out, const void* scores, int32_t dtype, size_t n,
    const int64_t* accounts, size_t n_accounts, const int64_t* contacts,
    const int64_t* times, int32_t how, const double* account_weights, double min_n,
    const npscore_nps_options* nps_opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, accounts, n, "accounts"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, contacts, 0, "contacts"));  // optional
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, 0, "times"));        // optional
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, account_weights, 0, "account_weights"));
  npscore::RollUp roll;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadRollUp(call, how, &roll));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, nps_opts, "nps_opts", &o));
  // An n_accounts beyond the bound is reported by the core, before it reads
  // the weights.
  int64_t core_accounts;
  NPSCORE_C_RETURN_IF_ERROR(CountToCore(call, n_accounts, "n_accounts", &core_accounts));
  const size_t n_weights =
      account_weights == nullptr || core_accounts > npscore::kMaxAccounts ? 0 : n_accounts;
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::AccountNps(
        s, absl::MakeConstSpan(accounts, n), core_accounts,
        contacts == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(contacts, n),
        times == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(times, n), roll,
        absl::MakeConstSpan(account_weights, n_weights), min_n, o.scores, o.interval);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_health_account_table{
        std::make_shared<const npscore::AccountTable>(std::move(*table))};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_health_account_table_size(const npscore_health_account_table* t) {
  return t == nullptr ? 0 : t->table.responses.size();
}

NPSCORE_API npscore_status npscore_health_account_table_get(npscore_health_account_row* out,
                                                            const npscore_health_account_table* t,
                                                            size_t i, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  const npscore::AccountTable& a = t->table;
  if (i >= a.responses.size()) {
    return npscore::capi::IndexError(call, i, a.responses.size(), "accounts");
  }
  out->responses = a.responses[i];
  out->contacts = a.contacts.empty() ? -1 : a.contacts[i];
  out->mean_score = a.mean_score[i];
  out->nps = a.nps[i];
  out->segment = a.segment[i];
  out->small = a.small[i] != 0;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_account_table_overall(
    npscore_nps_summary* out, const npscore_health_account_table* t, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  *out = npscore::capi::SummaryToC(t->table.overall);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_health_account_table_free(npscore_health_account_table* t) {
  delete t;
}

NPSCORE_API npscore_status npscore_health_account_table_export_arrow(
    struct ArrowArray* out, struct ArrowSchema* out_schema, const npscore_health_account_table* t,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_schema);
  NPSCORE_C_REQUIRE(t);
  const npscore::AccountTable& a = t->table;
  npscore::capi::ArrowTableExport e(static_cast<int64_t>(a.responses.size()), t->shared);
  e.AddI64("responses", a.responses.data());
  if (a.contacts.empty()) {  // no contact ids given: -1, as in the row getter
    e.AddI64("contacts", std::vector<int64_t>(a.responses.size(), -1));
  } else {
    e.AddI64("contacts", a.contacts.data());
  }
  e.AddF64("mean_score", a.mean_score.data());
  e.AddF64("nps", a.nps.data());
  e.AddI8("segment", a.segment.data());
  e.AddBool("small", a.small.data());
  e.Export(out, out_schema);
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
