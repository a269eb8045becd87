// The C ABI of the live monitor (npscore/c_api.h): thin wrappers over
// npscore/monitor.h. The monitor handle is the interface's one mutable
// handle: it also buffers the alerts its calls raise, so that a C caller
// reads them as flat structs and their strings stay owned by the library.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/health_handles.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/monitor.h"

// The C header repeats the core's bounds and enum values: they must agree.
static_assert(NPSCORE_MAX_MONITOR_SLICES == npscore::kMaxMonitorSlices, "slices");
static_assert(NPSCORE_MAX_MONITOR_OWNERS == npscore::kMaxMonitorOwners, "owners");
static_assert(NPSCORE_MAX_MONITOR_RING_STEPS == npscore::kMaxMonitorRingSteps, "ring steps");
static_assert(NPSCORE_MAX_MONITOR_HEALTH_ROWS == npscore::kMaxMonitorHealthRows, "health rows");
static_assert(NPSCORE_ALERT_CASE_OPENED == static_cast<int>(npscore::AlertKind::kCaseOpened) &&
                  NPSCORE_ALERT_SLA_BREACH == static_cast<int>(npscore::AlertKind::kSlaBreach) &&
                  NPSCORE_ALERT_NPS_SHIFT == static_cast<int>(npscore::AlertKind::kNpsShift) &&
                  NPSCORE_ALERT_HEALTH_FLAG == static_cast<int>(npscore::AlertKind::kHealthFlag),
              "alert kinds");
static_assert(NPSCORE_OUTCOME_NOT_RECOVERED ==
                      static_cast<int>(npscore::CaseOutcome::kNotRecovered) &&
                  NPSCORE_OUTCOME_RECOVERED == static_cast<int>(npscore::CaseOutcome::kRecovered) &&
                  NPSCORE_OUTCOME_CHURNED == static_cast<int>(npscore::CaseOutcome::kChurned),
              "outcomes");

// A monitor and the alerts its calls raised since the last clear.
struct npscore_monitor {
  npscore::Monitor monitor;
  std::vector<npscore::Alert> alerts;
};

// A snapshot of a monitor.
struct npscore_monitor_snapshot {
  npscore::MonitorSnapshot snapshot;
  npscore::PeriodGrid health_grid;  // the health periods then
};

namespace npscore {
namespace capi {
namespace {

// The options' defaults, from the core's (the interval, cut-offs, time zone,
// curve, owners and health thresholds are read from other arguments).
npscore_monitor_options MonitorDefaults() {
  const MonitorOptions d;
  npscore_monitor_options o;
  o.version = NPSCORE_MONITOR_OPTIONS_VERSION;
  o.sla_hours = d.sla_hours;
  o.passive_sla_hours = d.passive_sla_hours;
  o.promoter_sla_hours = d.promoter_sla_hours;
  o.urgency_hours = d.urgency_hours;
  o.open_detractors = d.open_detractors ? 1 : 0;
  o.open_passives = d.open_passives ? 1 : 0;
  o.open_promoters = d.open_promoters ? 1 : 0;
  o.late = d.late == LateResponses::kCount ? NPSCORE_LATE_COUNT : NPSCORE_LATE_ERROR;
  o.lateness_hours = d.lateness_hours;
  o.n_slices = d.n_slices;
  o.shift_window_steps = d.shift_window_steps;
  o.shift_step_hours = d.shift_step_hours;
  o.shift_min_n = d.shift_min_n;
  o.shift_alpha = d.shift_alpha;
  o.health = d.health ? 1 : 0;
  o.health_flag_mask = d.health_flag_mask;
  return o;
}

constexpr size_t kMonitorOptionsSizes[] = {sizeof(npscore_monitor_options)};

// Reads every argument of npscore_monitor_new() into the core's options.
npscore_status ReadMonitorOptions(Call& call, const npscore_monitor_options* opts,
                                  const npscore_nps_options* nps_opts,
                                  const npscore_health_options* health_opts,
                                  const char* time_zone, const double* recovery_hours,
                                  const double* recovery_probability, size_t n_recovery,
                                  const int64_t* capacities, size_t n_owners,
                                  MonitorOptions* out) {
  npscore_monitor_options c;
  NPSCORE_C_RETURN_IF_ERROR(
      ReadOptions(call, opts, MonitorDefaults(), kMonitorOptionsSizes, "opts", &c));
  if (c.late != NPSCORE_LATE_ERROR && c.late != NPSCORE_LATE_COUNT) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->late is ", c.late),
                     ": use NPSCORE_LATE_ERROR (0) or NPSCORE_LATE_COUNT (1)");
  }
  HealthOptions health;
  NPSCORE_C_RETURN_IF_ERROR(ReadHealthOptions(call, nps_opts, health_opts, &health));
  if (health.flag_mode != FlagMode::kAlert) {
    return call.Fail(NPSCORE_EINVAL, "health_opts->flag_mode is NPSCORE_FLAG_MODE_REVIEW",
                     ": a monitor judges each period as it closes (NPSCORE_FLAG_MODE_ALERT)");
  }
  MonitorOptions& o = *out;
  o.cutoffs = health.scores.cutoffs;
  o.interval = health.interval;
  o.health_thresholds = health.thresholds;
  o.health_frequency = health.frequency;
  o.time_zone = time_zone == nullptr ? "UTC" : time_zone;
  o.sla_hours = c.sla_hours;
  o.passive_sla_hours = c.passive_sla_hours;
  o.promoter_sla_hours = c.promoter_sla_hours;
  o.urgency_hours = c.urgency_hours;
  o.open_detractors = c.open_detractors != 0;
  o.open_passives = c.open_passives != 0;
  o.open_promoters = c.open_promoters != 0;
  o.late = c.late == NPSCORE_LATE_COUNT ? LateResponses::kCount : LateResponses::kError;
  o.lateness_hours = c.lateness_hours;
  o.n_slices = c.n_slices;
  o.shift_window_steps = c.shift_window_steps;
  o.shift_step_hours = c.shift_step_hours;
  o.shift_min_n = c.shift_min_n;
  o.shift_alpha = c.shift_alpha;
  o.health = c.health != 0;
  o.health_flag_mask = c.health_flag_mask;
  if (recovery_hours != nullptr || recovery_probability != nullptr || n_recovery != 0) {
    if (recovery_hours == nullptr) return call.Null("recovery_hours");
    if (recovery_probability == nullptr) return call.Null("recovery_probability");
    NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, recovery_hours, n_recovery, "recovery_hours"));
    NPSCORE_C_RETURN_IF_ERROR(
        CheckColumn(call, recovery_probability, n_recovery, "recovery_probability"));
    o.recovery.hours.assign(recovery_hours, recovery_hours + n_recovery);
    o.recovery.probability.assign(recovery_probability, recovery_probability + n_recovery);
  }
  if (n_owners > static_cast<size_t>(kMaxMonitorOwners)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_owners is ", n_owners),
                     absl::StrCat(": at most ", kMaxMonitorOwners,
                                  " (NPSCORE_MAX_MONITOR_OWNERS)"));
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, capacities, n_owners, "capacities"));
  o.capacities.assign(capacities, capacities + n_owners);
  return NPSCORE_OK;
}

// Fails `call` with a core status: an unknown case (kNotFound), a case
// present twice (kAlreadyExists) and damaged state bytes (kDataLoss) are the
// caller's data, NPSCORE_EINVAL like every other bad input.
npscore_status Fail(Call& call, const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kDataLoss:
      return call.Fail(NPSCORE_EINVAL, status.message());
    default:
      return call.Fail(status);
  }
}

npscore_monitor_case CaseToC(const CaseRecord& r) {
  npscore_monitor_case c;
  c.customer = r.key.customer;
  c.responded_at = r.key.responded_at;
  c.segment = r.segment;
  c.slice = r.slice;
  c.owner = r.owner;
  c.outcome = static_cast<int32_t>(r.outcome);
  c.deadline = r.deadline;
  c.contacted_at = r.contacted_at;
  c.closed_at = r.closed_at;
  c.breached = r.breached ? 1 : 0;
  c.reserved = 0;
  c.clv = r.clv;
  c.churn_risk = r.churn_risk;
  c.priority = r.priority;
  c.hours = r.hours;
  return c;
}

npscore_monitor_alert AlertToC(const Alert& a) {
  npscore_monitor_alert c;
  c.kind = static_cast<int32_t>(a.kind);
  c.slice = a.slice;
  c.time = a.time;
  c.customer = a.key.customer;
  c.responded_at = a.key.responded_at;
  c.segment = a.segment;
  c.owner = a.owner;
  c.deadline = a.deadline;
  c.revenue_at_risk = a.revenue_at_risk;
  c.priority = a.priority;
  c.window_end = a.window_end;
  c.n = a.n;
  c.n_previous = a.n_previous;
  c.nps = a.nps;
  c.nps_previous = a.nps_previous;
  c.diff = a.diff;
  c.p_value = a.p_value;
  c.ci_low = a.ci_low;
  c.ci_high = a.ci_high;
  c.period = a.period;
  c.period_start = a.period_start;
  c.period_end = a.period_end;
  c.flags = a.flags;
  c.reserved = 0;
  c.baseline_nps = a.baseline_nps;
  c.drop_p_adjusted = a.drop_p_adjusted;
  c.surge_p_adjusted = a.surge_p_adjusted;
  c.erosion_p_adjusted = a.erosion_p_adjusted;
  c.passive_growth_p_adjusted = a.passive_growth_p_adjusted;
  c.cusum = a.cusum;
  return c;
}

// The index error of an accessor: `index` is `i` of `size` `what`.
npscore_status IndexError(Call& call, const char* index, size_t i, size_t size,
                          const char* what) {
  return call.Fail(NPSCORE_EINVAL, absl::StrCat(index, " is ", i),
                   absl::StrCat(": there are ", size, " ", what));
}

// Ingests the columns with the scores as doubles (a column of another type
// is converted first, so that the core's row numbers are the caller's).
template <typename T>
absl::Status IngestScores(Monitor& m, MonitorColumns cols, absl::Span<const T> scores,
                          std::vector<Alert>* alerts) {
  std::vector<double> converted;
  if constexpr (std::is_same_v<T, double>) {
    cols.score = scores;
  } else {
    converted.assign(scores.begin(), scores.end());
    cols.score = converted;
  }
  return m.IngestBatch(cols, alerts);
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;
using npscore::capi::CheckColumn;

extern "C" {

NPSCORE_API npscore_status npscore_monitor_options_init(npscore_monitor_options *opts,
                                                        uint32_t version, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::MonitorDefaults(),
                                    npscore::capi::kMonitorOptionsSizes);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_new(
    npscore_monitor **out, const npscore_monitor_options *opts,
    const npscore_nps_options *nps_opts, const npscore_health_options *health_opts,
    const char *time_zone, const double *recovery_hours, const double *recovery_probability,
    size_t n_recovery, const int64_t *capacities, size_t n_owners, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore::MonitorOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMonitorOptions(
      call, opts, nps_opts, health_opts, time_zone, recovery_hours, recovery_probability,
      n_recovery, capacities, n_owners, &o));
  auto m = npscore::Monitor::Create(o);
  if (!m.ok()) return npscore::capi::Fail(call, m.status());
  *out = new npscore_monitor{std::move(*m), {}};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_monitor_free(npscore_monitor *m) { delete m; }

NPSCORE_API npscore_status npscore_monitor_ingest(npscore_monitor *m, int64_t customer,
                                                  double score, int64_t time, int32_t slice,
                                                  double clv, double churn_risk, int32_t owner,
                                                  npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  npscore::MonitorResponse r;
  r.customer = customer;
  r.score = score;
  r.time = time;
  r.slice = slice;
  r.clv = clv;
  r.churn_risk = churn_risk;
  r.owner = owner;
  const absl::Status st = m->monitor.Ingest(r, &m->alerts);
  if (!st.ok()) return npscore::capi::Fail(call, st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_ingest_columns(
    npscore_monitor *m, const int64_t *customers, const void *scores,
    int32_t dtype, const int64_t *times, size_t n, const int32_t *slices, const double *clv,
    const double *churn_risk, const int32_t *owners, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  npscore::MonitorColumns cols;
  cols.customer = absl::MakeConstSpan(customers, n);
  cols.time = absl::MakeConstSpan(times, n);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::OptionalColumn(call, slices, n, "slices", &cols.slice));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::OptionalColumn(call, clv, n, "clv", &cols.clv));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::OptionalColumn(call, churn_risk, n, "churn_risk", &cols.churn_risk));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::OptionalColumn(call, owners, n, "owners", &cols.owner));
  return npscore::capi::VisitScores(call, scores, dtype, n, [&](auto s) {
    const absl::Status st = npscore::capi::IngestScores(m->monitor, cols, s, &m->alerts);
    return st.ok() ? call.Ok() : npscore::capi::Fail(call, st);
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_advance(npscore_monitor *m, int64_t now,
                                                   npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  const absl::Status st = m->monitor.Advance(now, &m->alerts);
  if (!st.ok()) return npscore::capi::Fail(call, st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_record_contact(npscore_monitor *m, int64_t customer,
                                                          int64_t responded_at, int64_t time,
                                                          npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  const absl::Status st = m->monitor.RecordContact({customer, responded_at}, time);
  if (!st.ok()) return npscore::capi::Fail(call, st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_close_case(npscore_monitor_case *out,
                                                      npscore_monitor *m, int64_t customer,
                                                      int64_t responded_at, int64_t time,
                                                      int32_t outcome, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(m);
  if (outcome < NPSCORE_OUTCOME_NOT_RECOVERED || outcome > NPSCORE_OUTCOME_CHURNED) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("outcome is ", outcome),
                     ": use NPSCORE_OUTCOME_NOT_RECOVERED (0), NPSCORE_OUTCOME_RECOVERED (1)"
                     " or NPSCORE_OUTCOME_CHURNED (2)");
  }
  auto record = m->monitor.CloseCase({customer, responded_at}, time,
                                     static_cast<npscore::CaseOutcome>(outcome));
  if (!record.ok()) return npscore::capi::Fail(call, record.status());
  *out = npscore::capi::CaseToC(*record);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_monitor_alerts_size(const npscore_monitor *m) {
  return m == nullptr ? 0 : m->alerts.size();
}

NPSCORE_API npscore_status npscore_monitor_alert_get(npscore_monitor_alert *out,
                                                     const npscore_monitor *m, size_t i,
                                                     npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(m);
  if (i >= m->alerts.size()) {
    return npscore::capi::IndexError(call, "i", i, m->alerts.size(), "alerts buffered");
  }
  *out = npscore::capi::AlertToC(m->alerts[i]);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_alert_text(const char **out_play,
                                                      const char **out_period_label,
                                                      const char **out_reasons,
                                                      const npscore_monitor *m, size_t i,
                                                      npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  if (i >= m->alerts.size()) {
    return npscore::capi::IndexError(call, "i", i, m->alerts.size(), "alerts buffered");
  }
  const npscore::Alert& a = m->alerts[i];
  if (out_play != nullptr) *out_play = a.play();
  if (out_period_label != nullptr) *out_period_label = a.period_label.c_str();
  if (out_reasons != nullptr) *out_reasons = a.reasons.c_str();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_alerts_clear(npscore_monitor *m, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  m->alerts.clear();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_serialize(uint8_t *out, size_t out_capacity,
                                                     size_t *out_size, const npscore_monitor *m,
                                                     npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_size);
  NPSCORE_C_REQUIRE(m);
  const std::string bytes = m->monitor.Serialize();
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, "out", out_capacity, bytes.size(), out_size));
  NPSCORE_C_REQUIRE(out);
  std::memcpy(out, bytes.data(), bytes.size());
  *out_size = bytes.size();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_load(npscore_monitor **out, const uint8_t *bytes,
                                                size_t n, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, bytes, n, "bytes"));
  auto m = npscore::Monitor::Restore(
      absl::string_view(reinterpret_cast<const char*>(bytes), n));
  if (!m.ok()) return npscore::capi::Fail(call, m.status());
  *out = new npscore_monitor{std::move(*m), {}};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_merge(npscore_monitor *m, const npscore_monitor *other,
                                                 npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(m);
  NPSCORE_C_REQUIRE(other);
  if (m == other) {
    return call.Fail(NPSCORE_EINVAL, "other is m",
                     ": a monitor cannot merge itself (its customers are not disjoint)");
  }
  // Merge may fail midway: work on a copy so that m is unchanged on error.
  npscore::Monitor merged = m->monitor;
  std::vector<npscore::Alert> alerts;
  const absl::Status st = merged.Merge(other->monitor, &alerts);
  if (!st.ok()) return npscore::capi::Fail(call, st);
  m->monitor = std::move(merged);
  m->alerts.insert(m->alerts.end(), std::make_move_iterator(alerts.begin()),
                   std::make_move_iterator(alerts.end()));
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_snapshot_new(npscore_monitor_snapshot **out,
                                                        const npscore_monitor *m,
                                                        npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(m);
  *out = new npscore_monitor_snapshot{m->monitor.Snapshot(), m->monitor.health_grid()};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_snapshot_totals(npscore_monitor_totals *out,
                                                           const npscore_monitor_snapshot *s,
                                                           npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(s);
  const npscore::MonitorSnapshot& x = s->snapshot;
  npscore_monitor_totals t;
  t.clock = x.clock;
  t.responses = x.responses;
  t.late = x.late;
  t.cases_opened = x.cases_opened;
  for (int k = 0; k < 3; ++k) t.cases_closed[k] = x.cases_closed[k];
  t.breaches = x.breaches;
  t.open_cases = static_cast<int64_t>(x.open_cases.size());
  t.unassigned = x.unassigned;
  t.health_periods = x.health_periods;
  t.health_closed = x.health_closed;
  t.window_end = x.window_end;
  t.counts = npscore::capi::CountsToC(x.counts);
  t.window = npscore::capi::SummaryToC(x.window);
  t.previous_window = npscore::capi::SummaryToC(x.previous_window);
  *out = t;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_snapshot_slice(npscore_nps_counts *out_counts,
                                                          npscore_nps_summary *out_window,
                                                          const npscore_monitor_snapshot *s,
                                                          size_t slice, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(s);
  const npscore::MonitorSnapshot& x = s->snapshot;
  if (slice >= x.slice_counts.size()) {
    return npscore::capi::IndexError(call, "slice", slice, x.slice_counts.size(), "slices");
  }
  if (out_counts != nullptr) *out_counts = npscore::capi::CountsToC(x.slice_counts[slice]);
  if (out_window != nullptr) *out_window = npscore::capi::SummaryToC(x.slice_window[slice]);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_monitor_snapshot_size(const npscore_monitor_snapshot *s) {
  return s == nullptr ? 0 : s->snapshot.open_cases.size();
}

NPSCORE_API npscore_status npscore_monitor_snapshot_case(npscore_monitor_case *out,
                                                         const npscore_monitor_snapshot *s,
                                                         size_t k, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(s);
  const auto& cases = s->snapshot.open_cases;
  if (k >= cases.size()) return npscore::capi::IndexError(call, "k", k, cases.size(), "open cases");
  *out = npscore::capi::CaseToC(cases[k]);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_snapshot_owner_load(int64_t *out, size_t out_capacity,
                                                               const npscore_monitor_snapshot *s,
                                                               npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(s);
  const auto& load = s->snapshot.owner_load;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, load.size(), "out"));
  std::copy(load.begin(), load.end(), out);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_monitor_snapshot_period(int64_t *out_start, int64_t *out_end,
                                                           const char **out_label,
                                                           const npscore_monitor_snapshot *s,
                                                           size_t p, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_start);
  NPSCORE_C_REQUIRE(out_end);
  NPSCORE_C_REQUIRE(out_label);
  NPSCORE_C_REQUIRE(s);
  const npscore::PeriodGrid& g = s->health_grid;
  if (p >= g.labels.size()) {
    return npscore::capi::IndexError(call, "p", p, g.labels.size(), "health periods");
  }
  *out_start = g.starts[p];
  *out_end = g.starts[p + 1];
  *out_label = g.labels[p].c_str();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_monitor_snapshot_free(npscore_monitor_snapshot *s) { delete s; }

NPSCORE_API npscore_status npscore_health_table_new_from_monitor(npscore_health_table **out,
                                                                 const npscore_monitor *m,
                                                                 npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(m);
  auto table = m->monitor.ClosedHealth();
  if (!table.ok()) return npscore::capi::Fail(call, table.status());
  *out = new npscore_health_table{std::make_shared<const npscore::HealthTable>(std::move(*table))};
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
