// The C ABI of the loop module (npscore/c_api.h): thin wrappers over
// npscore/loop.h.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/loop.h"

namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options structs (one version so far).
constexpr size_t kMetricsSize[] = {sizeof(npscore_loop_metrics_options)};
constexpr size_t kRecoverySize[] = {sizeof(npscore_loop_recovery_options)};
constexpr size_t kRoiSize[] = {sizeof(npscore_loop_roi_options)};

constexpr npscore_loop_metrics_options MetricsDefaults() {
  constexpr LoopMetricsOptions d{};
  npscore_loop_metrics_options o{};
  o.version = NPSCORE_LOOP_METRICS_OPTIONS_VERSION;
  o.sla_hours = d.sla_hours;
  o.confidence = d.confidence;
  return o;
}

npscore_loop_recovery_options RecoveryDefaults() {
  const RecoveryLearningOptions d{};
  npscore_loop_recovery_options o{};
  o.version = NPSCORE_LOOP_RECOVERY_OPTIONS_VERSION;
  o.min_bin_cases = d.min_bin_cases;
  o.confidence = d.confidence;
  o.missing = d.missing == Missing::kSkip ? NPSCORE_MISSING_SKIP : NPSCORE_MISSING_ERROR;
  return o;
}

npscore_loop_roi_options RoiDefaults() {
  const RoiOptions d{};
  npscore_loop_roi_options o{};
  o.version = NPSCORE_LOOP_ROI_OPTIONS_VERSION;
  o.sla_hours = d.sla_hours;
  o.bands = d.bands;
  o.confidence = d.confidence;
  o.missing = d.missing == Missing::kSkip ? NPSCORE_MISSING_SKIP : NPSCORE_MISSING_ERROR;
  return o;
}

constexpr npscore_loop_metrics_options kMetricsInit = NPSCORE_LOOP_METRICS_OPTIONS_INIT;
static_assert(kMetricsInit.version == MetricsDefaults().version, "loop metrics version");
static_assert(kMetricsInit.sla_hours == MetricsDefaults().sla_hours, "sla_hours");
static_assert(kMetricsInit.confidence == MetricsDefaults().confidence, "confidence");
// RecoveryLearningOptions holds a vector (not constexpr): its scalar
// defaults are repeated here and checked against the macro.
constexpr npscore_loop_recovery_options kRecoveryInit = NPSCORE_LOOP_RECOVERY_OPTIONS_INIT;
static_assert(kRecoveryInit.min_bin_cases == 30 && kRecoveryInit.confidence == 0.95 &&
                  kRecoveryInit.missing == NPSCORE_MISSING_ERROR,
              "NPSCORE_LOOP_RECOVERY_OPTIONS_INIT repeats RecoveryLearningOptions");
// NPSCORE_LOOP_ROI_OPTIONS_INIT repeats RoiOptions' defaults.
constexpr npscore_loop_roi_options kRoiInit = NPSCORE_LOOP_ROI_OPTIONS_INIT;
static_assert(kRoiInit.sla_hours == RoiOptions{}.sla_hours && kRoiInit.bands == RoiOptions{}.bands &&
                  kRoiInit.confidence == RoiOptions{}.confidence &&
                  kRoiInit.missing == NPSCORE_MISSING_ERROR,
              "NPSCORE_LOOP_ROI_OPTIONS_INIT repeats RoiOptions");
static_assert(NPSCORE_MAX_ROI_BANDS == kMaxRoiBands, "c_api.h repeats loop.h");
static_assert(NPSCORE_LOOP_CONVERSION_ROWS == kConversionRows, "c_api.h repeats loop.h");
static_assert(static_cast<int>(ConversionFrom::kBoth) == NPSCORE_CONVERSION_BOTH &&
                  static_cast<int>(ConversionFrom::kPassive) == NPSCORE_CONVERSION_PASSIVE,
              "c_api.h repeats loop.h");
static_assert(NPSCORE_MAX_LOOP_GROUPS == kMaxLoopGroups, "c_api.h repeats loop.h");
static_assert(NPSCORE_MAX_LOOP_HOURS == kMaxLoopHours, "c_api.h repeats loop.h");
static_assert(NPSCORE_MAX_RECOVERY_BIN_EDGES == kMaxRecoveryBinEdges, "c_api.h repeats loop.h");

npscore_loop_group_metrics ToC(const LoopGroupMetrics& m) {
  npscore_loop_group_metrics o;
  o.cases = m.cases;
  o.contacted = m.contacted;
  o.never_contacted = m.never_contacted;
  o.backlog = m.backlog;
  o.median_hours_to_contact = m.median_hours_to_contact;
  o.p90_hours_to_contact = m.p90_hours_to_contact;
  o.sla_due = m.sla_due;
  o.sla_met = m.sla_met;
  o.sla_share = m.sla_share;
  o.sla_ci_low = m.sla_ci_low;
  o.sla_ci_high = m.sla_ci_high;
  o.backlog_median_age_hours = m.backlog_median_age_hours;
  o.backlog_max_age_hours = m.backlog_max_age_hours;
  return o;
}

npscore_loop_recovery_bin ToC(const RecoveryBin& b) {
  npscore_loop_recovery_bin o;
  o.lower_hours = b.lower_hours;
  o.upper_hours = b.upper_hours;
  o.hours = b.hours;
  o.cases = b.cases;
  o.recovered = b.recovered;
  o.rate = b.rate;
  o.probability = b.probability;
  o.ci_low = b.ci_low;
  o.ci_high = b.ci_high;
  o.block = b.block;
  o.default_probability = b.default_probability;
  return o;
}

npscore_loop_conversion_arm ToC(const ConversionArm& a) {
  npscore_loop_conversion_arm o;
  o.cases = a.cases;
  o.no_next_answer = a.no_next_answer;
  o.answered = a.answered;
  o.converted = a.converted;
  o.share = a.share;
  o.ci_low = a.ci_low;
  o.ci_high = a.ci_high;
  return o;
}

npscore_loop_conversion_row ToC(const ConversionRow& r) {
  npscore_loop_conversion_row o;
  o.from = static_cast<int32_t>(r.from);
  o.contacted = ToC(r.contacted);
  o.not_contacted = ToC(r.not_contacted);
  o.difference = r.difference;
  o.ci_low = r.ci_low;
  o.ci_high = r.ci_high;
  o.p_value = r.p_value;
  return o;
}

npscore_loop_roi_band ToC(const RoiBand& b) {
  npscore_loop_roi_band o;
  o.risk_low = b.risk_low;
  o.risk_high = b.risk_high;
  o.mean_risk = b.mean_risk;
  o.on_time = b.on_time;
  o.on_time_churned = b.on_time_churned;
  o.on_time_rate = b.on_time_rate;
  o.late = b.late;
  o.never = b.never;
  o.late_churned = b.late_churned;
  o.late_rate = b.late_rate;
  o.difference = b.difference;
  o.ci_low = b.ci_low;
  o.ci_high = b.ci_high;
  o.p_value = b.p_value;
  o.on_time_clv = b.on_time_clv;
  o.revenue_retained = b.revenue_retained;
  o.revenue_ci_low = b.revenue_ci_low;
  o.revenue_ci_high = b.revenue_ci_high;
  return o;
}

npscore_loop_roi_total ToC(const RoiTotal& t) {
  npscore_loop_roi_total o;
  o.cases = t.cases;
  o.on_time = t.on_time;
  o.late = t.late;
  o.never = t.never;
  o.excluded = t.excluded;
  o.skipped = t.skipped;
  o.bands = t.bands;
  o.on_time_rate = t.on_time_rate;
  o.late_rate = t.late_rate;
  o.naive_difference = t.naive_difference;
  o.naive_ci_low = t.naive_ci_low;
  o.naive_ci_high = t.naive_ci_high;
  o.difference = t.difference;
  o.se = t.se;
  o.ci_low = t.ci_low;
  o.ci_high = t.ci_high;
  o.p_value = t.p_value;
  o.on_time_clv = t.on_time_clv;
  o.revenue_retained = t.revenue_retained;
  o.revenue_se = t.revenue_se;
  o.revenue_ci_low = t.revenue_ci_low;
  o.revenue_ci_high = t.revenue_ci_high;
  o.observational = t.observational ? 1 : 0;
  return o;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_loop_metrics_options_init(npscore_loop_metrics_options* opts,
                                                             uint32_t version,
                                                             npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::MetricsDefaults(),
                                    npscore::capi::kMetricsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_loop_recovery_options_init(
    npscore_loop_recovery_options* opts, uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::RecoveryDefaults(),
                                    npscore::capi::kRecoverySize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_loop_metrics(
    npscore_loop_group_metrics* out, size_t out_capacity, npscore_loop_group_metrics* out_all,
    npscore_loop_metrics_counts* out_counts, const int64_t* opened_at,
    const int64_t* first_contact_at, const int64_t* closed_at, const int32_t* group,
    int32_t n_groups, const double* sla_hours, size_t n, int64_t as_of,
    const npscore_loop_metrics_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  using npscore::capi::OptionalColumn;
  NPSCORE_C_REQUIRE(out_all);
  if (n_groups > 0 && n_groups <= npscore::kMaxLoopGroups) {  // the core words the bound
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity,
                                                         static_cast<size_t>(n_groups), "out"));
  }
  npscore_loop_metrics_options o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(
      call, opts, npscore::capi::MetricsDefaults(), npscore::capi::kMetricsSize, "opts", &o));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, opened_at, n, "opened_at"));
  npscore::CaseLog log;
  log.opened_at = absl::Span<const int64_t>(opened_at, n);
  NPSCORE_C_RETURN_IF_ERROR(
      OptionalColumn(call, first_contact_at, n, "first_contact_at", &log.first_contact_at));
  NPSCORE_C_RETURN_IF_ERROR(OptionalColumn(call, closed_at, n, "closed_at", &log.closed_at));
  NPSCORE_C_RETURN_IF_ERROR(OptionalColumn(call, group, n, "group", &log.group));
  NPSCORE_C_RETURN_IF_ERROR(OptionalColumn(call, sla_hours, n, "sla_hours", &log.sla_hours));
  log.n_groups = n_groups;
  npscore::LoopMetricsOptions options;
  options.sla_hours = o.sla_hours;
  options.confidence = o.confidence;
  auto r = npscore::LoopMetrics(log, as_of, options);
  if (!r.ok()) return call.Fail(r.status());
  for (size_t g = 0; g < r->size(); ++g) out[g] = npscore::capi::ToC(r->groups[g]);
  *out_all = npscore::capi::ToC(r->all);
  if (out_counts != nullptr) {
    out_counts->opened_after_as_of = r->opened_after_as_of;
    out_counts->left_out = r->left_out;
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_loop_recovery_curve(
    npscore_loop_recovery_bin* out, size_t out_capacity, size_t* out_count,
    npscore_loop_recovery_summary* out_summary, const int64_t* opened_at,
    const int64_t* first_contact_at, const double* recovered, size_t n, const double* edges,
    size_t n_edges, const npscore_loop_recovery_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  using npscore::capi::CheckColumn;
  NPSCORE_C_REQUIRE(out_count);
  npscore_loop_recovery_options o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(
      call, opts, npscore::capi::RecoveryDefaults(), npscore::capi::kRecoverySize, "opts", &o));
  const int missing = npscore::capi::RawEnum(o.missing);
  if (missing != NPSCORE_MISSING_ERROR && missing != NPSCORE_MISSING_SKIP) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->missing is ", missing),
                     ": use NPSCORE_MISSING_ERROR (0) or NPSCORE_MISSING_SKIP (1)");
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, opened_at, n, "opened_at"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, first_contact_at, n, "first_contact_at"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, recovered, n, "recovered"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, edges, n_edges, "edges"));
  if (n_edges > static_cast<size_t>(npscore::kMaxRecoveryBinEdges)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_edges is ", n_edges),
                     absl::StrCat(": at most ", npscore::kMaxRecoveryBinEdges));
  }
  npscore::CaseLog log;
  log.opened_at = absl::Span<const int64_t>(opened_at, n);
  log.first_contact_at = absl::Span<const int64_t>(first_contact_at, n);
  log.recovered = absl::Span<const double>(recovered, n);
  npscore::RecoveryLearningOptions options;
  options.edges.assign(edges, edges + n_edges);
  options.min_bin_cases = o.min_bin_cases;
  options.confidence = o.confidence;
  options.missing = missing == NPSCORE_MISSING_SKIP ? npscore::Missing::kSkip
                                                    : npscore::Missing::kError;
  auto r = npscore::LearnRecoveryCurve(log, options);
  if (!r.ok()) return call.Fail(r.status());
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, "out", out_capacity, r->size(), out_count));
  if (r->size() > 0) NPSCORE_C_REQUIRE(out);
  for (size_t b = 0; b < r->size(); ++b) out[b] = npscore::capi::ToC(r->bins[b]);
  *out_count = r->size();
  if (out_summary != nullptr) {
    npscore_loop_recovery_summary s;
    s.contacted = r->contacted;
    s.skipped = r->skipped;
    s.blocks = r->blocks;
    s.never_contacted = r->never_contacted;
    s.never_recovered = r->never_recovered;
    s.never_rate = r->never_rate;
    s.never_ci_low = r->never_ci_low;
    s.never_ci_high = r->never_ci_high;
    *out_summary = s;
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_loop_conversion(
    npscore_loop_conversion_row* out, size_t out_capacity, npscore_loop_conversion_row* out_all,
    npscore_loop_conversion_counts* out_counts, const int64_t* opened_at,
    const int64_t* first_contact_at, const double* score, const double* next_score,
    const int32_t* group, int32_t n_groups, size_t n, const npscore_nps_options* nps_opts,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  using npscore::capi::CheckColumn;
  using npscore::capi::OptionalColumn;
  NPSCORE_C_REQUIRE(out_all);
  if (n_groups > 0 && n_groups <= npscore::kMaxLoopGroups) {  // the core words the bound
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(
        call, out, out_capacity, static_cast<size_t>(n_groups) * npscore::kConversionRows, "out"));
  }
  npscore::GroupOptions g;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadNpsOptions(call, nps_opts, "nps_opts", &g));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, opened_at, n, "opened_at"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, score, n, "score"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, next_score, n, "next_score"));
  npscore::CaseLog log;
  log.opened_at = absl::Span<const int64_t>(opened_at, n);
  log.score = absl::Span<const double>(score, n);
  log.next_score = absl::Span<const double>(next_score, n);
  NPSCORE_C_RETURN_IF_ERROR(
      OptionalColumn(call, first_contact_at, n, "first_contact_at", &log.first_contact_at));
  NPSCORE_C_RETURN_IF_ERROR(OptionalColumn(call, group, n, "group", &log.group));
  log.n_groups = n_groups;
  npscore::ConversionOptions options;
  options.cutoffs = g.scores.cutoffs;
  options.missing = g.scores.missing;
  options.confidence = g.interval.confidence;
  auto r = npscore::Conversion(log, options);
  if (!r.ok()) return call.Fail(r.status());
  for (size_t i = 0; i < r->groups.size(); ++i) out[i] = npscore::capi::ToC(r->groups[i]);
  for (int k = 0; k < npscore::kConversionRows; ++k) out_all[k] = npscore::capi::ToC(r->all[k]);
  if (out_counts != nullptr) {
    out_counts->promoters = r->promoters;
    out_counts->skipped = r->skipped;
    out_counts->left_out = r->left_out;
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_loop_roi_options_init(npscore_loop_roi_options* opts,
                                                         uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::RoiDefaults(),
                                    npscore::capi::kRoiSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_loop_program_roi(
    npscore_loop_roi_band* out, size_t out_capacity, size_t* out_count,
    npscore_loop_roi_total* out_total, const int64_t* opened_at, const int64_t* first_contact_at,
    const double* sla_hours, const double* score, const double* churned,
    const double* churn_risk, const double* clv, size_t n, const npscore_loop_roi_options* opts,
    const npscore_nps_options* nps_opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  using npscore::capi::CheckColumn;
  using npscore::capi::OptionalColumn;
  NPSCORE_C_REQUIRE(out_count);
  NPSCORE_C_REQUIRE(out_total);
  npscore_loop_roi_options o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(
      call, opts, npscore::capi::RoiDefaults(), npscore::capi::kRoiSize, "opts", &o));
  const int missing = npscore::capi::RawEnum(o.missing);
  if (missing != NPSCORE_MISSING_ERROR && missing != NPSCORE_MISSING_SKIP) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->missing is ", missing),
                     ": use NPSCORE_MISSING_ERROR (0) or NPSCORE_MISSING_SKIP (1)");
  }
  npscore::GroupOptions g;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadNpsOptions(call, nps_opts, "nps_opts", &g));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, opened_at, n, "opened_at"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, churned, n, "churned"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, churn_risk, n, "churn_risk"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, clv, n, "clv"));
  npscore::CaseLog log;
  log.opened_at = absl::Span<const int64_t>(opened_at, n);
  log.churned = absl::Span<const double>(churned, n);
  log.churn_risk = absl::Span<const double>(churn_risk, n);
  log.clv = absl::Span<const double>(clv, n);
  NPSCORE_C_RETURN_IF_ERROR(
      OptionalColumn(call, first_contact_at, n, "first_contact_at", &log.first_contact_at));
  NPSCORE_C_RETURN_IF_ERROR(OptionalColumn(call, sla_hours, n, "sla_hours", &log.sla_hours));
  NPSCORE_C_RETURN_IF_ERROR(OptionalColumn(call, score, n, "score", &log.score));
  npscore::RoiOptions options;
  options.sla_hours = o.sla_hours;
  options.bands = o.bands;
  options.confidence = o.confidence;
  options.missing = missing == NPSCORE_MISSING_SKIP ? npscore::Missing::kSkip
                                                    : npscore::Missing::kError;
  options.cutoffs = g.scores.cutoffs;
  auto r = npscore::ProgramRoi(log, options);
  if (!r.ok()) return call.Fail(r.status());
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, "out", out_capacity, r->size(), out_count));
  NPSCORE_C_REQUIRE(out);
  for (size_t b = 0; b < r->size(); ++b) out[b] = npscore::capi::ToC(r->bands[b]);
  *out_count = r->size();
  *out_total = npscore::capi::ToC(r->total);
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
