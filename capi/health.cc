// The C ABI of the health module (npscore/c_api.h): thin wrappers over
// npscore/health.h. The C structs and enums of the module are converted to
// and from the core's here; the nps ones come from capi/internal.h.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
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
struct npscore_period_grid {
  npscore::PeriodGrid grid;
};

struct npscore_health_table {
  npscore::HealthTable table;
};

struct npscore_account_table {
  npscore::AccountTable table;
};

namespace npscore {
namespace capi {
namespace {

// Reads an npscore_adjustment passed as an int, called `name` in messages.
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

// Reads an npscore_rollup passed as an int.
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

// Reads the fields of version 2 of the health options: the alerts against a
// trailing baseline.
npscore_status ReadAlertOptions(Call& call, const npscore_health_options& opts,
                                HealthOptions* out) {
  switch (opts.flag_mode) {
    case NPSCORE_FLAG_MODE_ALERT:
      out->flag_mode = FlagMode::kAlert;
      break;
    case NPSCORE_FLAG_MODE_REVIEW:
      out->flag_mode = FlagMode::kReview;
      break;
    default:
      return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->flag_mode is ", opts.flag_mode),
                       ": use NPSCORE_FLAG_MODE_ALERT (0) or NPSCORE_FLAG_MODE_REVIEW (1)");
  }
  if (opts.frequency < NPSCORE_FREQ_DAY || opts.frequency > NPSCORE_FREQ_QUARTER) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->frequency is ", opts.frequency),
                     ": use NPSCORE_FREQ_DAY (0), NPSCORE_FREQ_WEEK (1), NPSCORE_FREQ_MONTH (2)"
                     " or NPSCORE_FREQ_QUARTER (3)");
  }
  NPSCORE_C_RETURN_IF_ERROR(ReadFrequency(call, opts.frequency, &out->frequency));
  HealthThresholds& th = out->thresholds;
  th.baseline_months = opts.baseline_months;
  th.drop_alpha = opts.drop_alpha;
  th.drop_points = opts.drop_points;
  th.cusum_k = opts.cusum_k;
  th.cusum_h = opts.cusum_h;
  th.power = opts.power;
  return NPSCORE_OK;
}

// Reads `opts` (NULL = defaults) into the core's health options. Checks the
// versions and the enum fields; the numbers are validated by the core.
npscore_status ReadHealthOptions(Call& call, const npscore_health_options* opts,
                                 HealthOptions* out) {
  *out = HealthOptions{};
  if (opts == nullptr) return NPSCORE_OK;
  // Version 1 ends at trend_periods: the alert fields keep their defaults.
  if (opts->version < 1 || opts->version > NPSCORE_HEALTH_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("opts->version is ", opts->version),
                     absl::StrCat(": this library (", NPSCORE_VERSION_STRING,
                                  ") supports versions 1 to ", NPSCORE_HEALTH_OPTIONS_VERSION,
                                  "; initialize options with NPSCORE_HEALTH_OPTIONS_INIT"));
  }
  GroupOptions nps;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, &opts->nps, "opts->nps.", &nps));
  NPSCORE_C_RETURN_IF_ERROR(
      ReadAdjustment(call, opts->adjustment, "opts->adjustment", &out->adjustment));
  out->scores = nps.scores;
  out->interval = nps.interval;
  HealthThresholds& th = out->thresholds;
  th.alpha = opts->alpha;
  th.min_n = opts->min_n;
  th.passive_share_high = opts->passive_share_high;
  th.passive_trend_points = opts->passive_trend_points;
  th.stable_nps_points = opts->stable_nps_points;
  th.detractor_surge_points = opts->detractor_surge_points;
  th.promoter_erosion_points = opts->promoter_erosion_points;
  th.trend_periods = opts->trend_periods;
  if (opts->version >= 2) NPSCORE_C_RETURN_IF_ERROR(ReadAlertOptions(call, *opts, out));
  return NPSCORE_OK;
}

// Checks that `capacity` rows are enough for `needed`; if not, sets
// *out_count to `needed` (so the caller learns the size) and fails.
npscore_status CheckCapacity(Call& call, size_t capacity, size_t needed, size_t* out_count,
                             absl::string_view what) {
  if (capacity >= needed) return NPSCORE_OK;
  *out_count = needed;
  return call.Fail(NPSCORE_EINVAL, absl::StrCat("capacity is ", capacity),
                   absl::StrCat(": ", needed, " rows are needed (", what, ")"));
}

// The index error of a handle's accessor.
npscore_status IndexError(Call& call, size_t i, size_t size, absl::string_view what) {
  return call.Fail(NPSCORE_EINVAL, absl::StrCat("index i is ", i),
                   absl::StrCat(": there are ", size, " ", what));
}

npscore_health_row RowToC(const HealthTable& t, size_t i) {
  npscore_health_row r;
  const int64_t periods = t.n_periods;
  r.slice = static_cast<int64_t>(i) / periods;
  r.period = static_cast<int64_t>(i) % periods;
  r.n = t.n[i];
  r.detractors = t.detractors[i];
  r.passives = t.passives[i];
  r.promoters = t.promoters[i];
  r.skipped = t.skipped[i];
  r.share_detractors = t.share_detractors[i];
  r.share_detractors_low = t.share_detractors_low[i];
  r.share_detractors_high = t.share_detractors_high[i];
  r.share_passives = t.share_passives[i];
  r.share_passives_low = t.share_passives_low[i];
  r.share_passives_high = t.share_passives_high[i];
  r.share_promoters = t.share_promoters[i];
  r.share_promoters_low = t.share_promoters_low[i];
  r.share_promoters_high = t.share_promoters_high[i];
  r.nps = t.nps[i];
  r.se = t.se[i];
  r.ci_low = t.ci_low[i];
  r.ci_high = t.ci_high[i];
  r.nps_change = t.nps_change[i];
  r.change_se = t.change_se[i];
  r.change_p = t.change_p[i];
  r.change_p_adjusted = t.change_p_adjusted[i];
  r.detractor_change = t.detractor_change[i];
  r.detractor_change_p_adjusted = t.detractor_change_p_adjusted[i];
  r.promoter_change = t.promoter_change[i];
  r.promoter_change_p_adjusted = t.promoter_change_p_adjusted[i];
  r.passive_trend = t.passive_trend[i];
  r.passive_trend_p_adjusted = t.passive_trend_p_adjusted[i];
  r.nps_trend = t.nps_trend[i];
  r.flags = t.flags[i];
  return r;
}

npscore_health_baseline_row BaselineRowToC(const HealthTable& t, size_t i) {
  npscore_health_baseline_row r;
  r.baseline_first = t.baseline_first[i];
  r.baseline_n = t.baseline_n[i];
  r.baseline_nps = t.baseline_nps[i];
  r.nps_vs_baseline = t.nps_vs_baseline[i];
  r.vs_baseline_se = t.vs_baseline_se[i];
  r.drop_p = t.drop_p[i];
  r.drop_p_adjusted = t.drop_p_adjusted[i];
  r.detractor_vs_baseline = t.detractor_vs_baseline[i];
  r.surge_p = t.surge_p[i];
  r.surge_p_adjusted = t.surge_p_adjusted[i];
  r.promoter_vs_baseline = t.promoter_vs_baseline[i];
  r.erosion_p = t.erosion_p[i];
  r.erosion_p_adjusted = t.erosion_p_adjusted[i];
  r.passive_growth_p = t.passive_growth_p[i];
  r.passive_growth_p_adjusted = t.passive_growth_p_adjusted[i];
  r.cusum = t.cusum[i];
  r.min_detectable_drop = t.min_detectable_drop[i];
  r.flag_family = t.flag_family[i];
  return r;
}

npscore_segment_trend TrendToC(const SegmentTrend& s) {
  npscore_segment_trend out;
  out.slice = s.slice;
  out.segment = static_cast<int>(s.segment);
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

npscore_event_impact_row EventRowToC(const EventImpactRow& r) {
  npscore_event_impact_row out;
  out.event = r.event;
  out.slice = r.slice;
  out.before = SummaryToC(r.before);
  out.after = SummaryToC(r.after);
  out.change = ComparisonToC(r.change);
  out.outside_data = r.outside_data ? 1 : 0;
  return out;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;
using npscore::capi::CheckColumn;
using npscore::capi::ReadNpsOptions;
using npscore::capi::VisitScores;

extern "C" {

/* --- Options ----------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_options_init(npscore_health_options* opts,
                                                       unsigned int version) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(opts);
  if (version < 1 || version > NPSCORE_HEALTH_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                     absl::StrCat(": this library supports options versions 1 to ",
                                  NPSCORE_HEALTH_OPTIONS_VERSION));
  }
  const npscore_health_options defaults = NPSCORE_HEALTH_OPTIONS_INIT;
  // A version 1 struct ends at trend_periods: write no byte beyond it.
  const size_t size = version == 1 ? offsetof(npscore_health_options, flag_mode)
                                   : sizeof(npscore_health_options);
  std::memcpy(opts, &defaults, size);
  opts->version = version;
  return call.Ok();
  NPSCORE_C_END
}

/* --- Periods ------------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_period_grid(npscore_period_grid** out,
                                                      int64_t min_time, int64_t max_time,
                                                      int frequency, const char* time_zone) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(time_zone);
  npscore::Frequency f;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFrequency(call, frequency, &f));
  auto grid = npscore::MakePeriodGrid(min_time, max_time, f, time_zone);
  if (!grid.ok()) return call.Fail(grid.status());
  *out = new npscore_period_grid{std::move(*grid)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_period_grid_size(const npscore_period_grid* grid) {
  return grid == nullptr ? 0 : grid->grid.size();
}

NPSCORE_API npscore_status npscore_period_grid_get(int64_t* out_start, int64_t* out_end,
                                                   const char** out_label,
                                                   const npscore_period_grid* grid, size_t i) {
  NPSCORE_C_BEGIN
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

NPSCORE_API npscore_status npscore_health_assign_periods(int32_t* out, const int64_t* times,
                                                         size_t n,
                                                         const npscore_period_grid* grid,
                                                         int skip_missing) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, n, "out"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_REQUIRE(grid);
  const absl::Status st = npscore::AssignPeriods(absl::MakeConstSpan(times, n), grid->grid,
                                                 absl::MakeSpan(out, n), skip_missing != 0);
  return st.ok() ? call.Ok() : call.Fail(st);
  NPSCORE_C_END
}

NPSCORE_API void npscore_period_grid_free(npscore_period_grid* grid) { delete grid; }

/* --- The per-period table ----------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_table_new(npscore_health_table** out,
                                                    const void* scores, npscore_dtype dtype,
                                                    size_t n, const int32_t* periods,
                                                    int64_t n_periods, const int64_t* slices,
                                                    int64_t n_slices,
                                                    const npscore_health_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, periods, n, "periods"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, slices, 0, "slices"));  // NULL: one slice
  npscore::HealthOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadHealthOptions(call, opts, &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::Health(
        s, absl::MakeConstSpan(periods, n), n_periods,
        slices == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(slices, n),
        n_slices, o);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_health_table{std::move(*table)};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_health_table_size(const npscore_health_table* t) {
  return t == nullptr ? 0 : t->table.size();
}

NPSCORE_API npscore_status npscore_health_table_get(npscore_health_row* out,
                                                    const npscore_health_table* t, size_t i) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) return npscore::capi::IndexError(call, i, t->table.size(), "rows");
  *out = npscore::capi::RowToC(t->table, i);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_health_table_reasons(const char** out,
                                                        const npscore_health_table* t,
                                                        size_t i) {
  NPSCORE_C_BEGIN
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
                                                          size_t i) {
  NPSCORE_C_BEGIN
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
                                                         size_t i) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) return npscore::capi::IndexError(call, i, t->table.size(), "rows");
  *out = npscore::capi::BaselineRowToC(t->table, i);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_health_table_free(npscore_health_table* t) { delete t; }

/* --- Segment trends and p-values ------------------------------------------------------ */

NPSCORE_API npscore_status npscore_health_segment_trends(npscore_segment_trend* out,
                                                         size_t capacity, size_t* out_count,
                                                         const npscore_health_table* table,
                                                         int periods, int adjustment) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, capacity, "out"));
  NPSCORE_C_REQUIRE(out_count);
  NPSCORE_C_REQUIRE(table);
  npscore::Adjustment adj;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadAdjustment(call, adjustment, "adjustment", &adj));
  const size_t needed = 3 * static_cast<size_t>(table->table.n_slices);
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, capacity, needed, out_count, "3 per slice"));
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

NPSCORE_API npscore_status npscore_health_adjust_p_values(double* out, const double* p,
                                                          size_t n, int adjustment) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, n, "out"));
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
    int64_t* out_counts, npscore_migration_totals* out_totals, const void* scores,
    npscore_dtype dtype, size_t n, const int64_t* customers, const int64_t* times,
    const int32_t* periods, int64_t n_periods, const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  // Cells of out_counts (a bad n_periods is reported by the core).
  const int64_t cells =
      periods == nullptr ? 9
      : (n_periods > 0 && n_periods <= std::numeric_limits<int64_t>::max() / 9) ? n_periods * 9
                                                                                : 0;
  NPSCORE_C_RETURN_IF_ERROR(
      CheckColumn(call, out_counts, static_cast<size_t>(cells), "out_counts"));
  NPSCORE_C_REQUIRE(out_totals);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, periods, 0, "periods"));  // NULL: one period
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::Migration(
        s, absl::MakeConstSpan(customers, n), absl::MakeConstSpan(times, n),
        periods == nullptr ? absl::Span<const int32_t>() : absl::MakeConstSpan(periods, n),
        n_periods, o.scores);
    if (!table.ok()) return call.Fail(table.status());
    if (table->counts.size() != static_cast<size_t>(cells)) {
      return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("internal error: ", table->counts.size(),
                                                       " migration cells for ", cells));
    }
    std::copy(table->counts.begin(), table->counts.end(), out_counts);
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
    npscore_attribution_row* out, npscore_attribution_totals* out_totals,
    const npscore_counts* a, const npscore_counts* b, size_t n_slices) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, n_slices, "out"));
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
    npscore_attribution_row& r = out[s];
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
    npscore_event_impact_row* out, size_t capacity, size_t* out_count, const void* scores,
    npscore_dtype dtype, size_t n, const int64_t* times, const int64_t* slices,
    int64_t n_slices, const int64_t* events, size_t n_events, int64_t before_ns,
    int64_t after_ns, const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, capacity, "out"));
  NPSCORE_C_REQUIRE(out_count);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, slices, 0, "slices"));  // NULL: one slice
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, events, n_events, "events"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  // The rows needed, when the sizes are within the bound (else the core
  // reports them).
  const int64_t per_event = slices == nullptr ? 1 : n_slices;
  if (per_event >= 1 && per_event <= npscore::kMaxEventImpactRows &&
      n_events <= static_cast<uint64_t>(npscore::kMaxEventImpactRows / per_event)) {
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckCapacity(
        call, capacity, n_events * static_cast<size_t>(per_event), out_count,
        "one per event and slice"));
  }
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto rows = npscore::EventImpact(
        s, absl::MakeConstSpan(times, n),
        slices == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(slices, n),
        n_slices, absl::MakeConstSpan(events, n_events), before_ns, after_ns, o.scores,
        o.interval);
    if (!rows.ok()) return call.Fail(rows.status());
    if (rows->size() > capacity) {
      return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("internal error: ", rows->size(),
                                                       " event rows for capacity ", capacity));
    }
    for (size_t k = 0; k < rows->size(); ++k) out[k] = npscore::capi::EventRowToC((*rows)[k]);
    *out_count = rows->size();
    return call.Ok();
  });
  NPSCORE_C_END
}

/* --- Account roll-up ---------------------------------------------------------------------- */

NPSCORE_API npscore_status npscore_health_account_nps(
    npscore_account_table** out, const void* scores, npscore_dtype dtype, size_t n,
    const int64_t* accounts, int64_t n_accounts, const int64_t* contacts,
    const int64_t* times, int how, const double* account_weights, double min_n,
    const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, accounts, n, "accounts"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, contacts, 0, "contacts"));  // optional
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, 0, "times"));        // optional
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, account_weights, 0, "account_weights"));
  npscore::RollUp roll;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadRollUp(call, how, &roll));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  // A negative n_accounts is reported by the core, before it reads weights.
  const size_t n_weights =
      account_weights == nullptr || n_accounts < 0 ? 0 : static_cast<size_t>(n_accounts);
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::AccountNps(
        s, absl::MakeConstSpan(accounts, n), n_accounts,
        contacts == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(contacts, n),
        times == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(times, n), roll,
        absl::MakeConstSpan(account_weights, n_weights), min_n, o.scores, o.interval);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_account_table{std::move(*table)};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_account_table_size(const npscore_account_table* t) {
  return t == nullptr ? 0 : t->table.responses.size();
}

NPSCORE_API npscore_status npscore_account_table_get(npscore_account_row* out,
                                                     const npscore_account_table* t,
                                                     size_t i) {
  NPSCORE_C_BEGIN
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

NPSCORE_API npscore_status npscore_account_table_overall(npscore_summary* out,
                                                         const npscore_account_table* t) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  *out = npscore::capi::SummaryToC(t->table.overall);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_account_table_free(npscore_account_table* t) { delete t; }

}  // extern "C"
