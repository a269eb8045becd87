// The C ABI of the priority module (npscore/c_api.h): thin wrappers over
// npscore/priority.h.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/priority.h"

struct npscore_priority_queue {
  npscore::PriorityQueue queue;
};

namespace npscore {
namespace capi {
namespace {

// The recovery curve of n anchors (NULL arrays and n 0: the defaults).
npscore_status ReadCurve(Call& call, const double* hours, const double* probability, size_t n,
                         const char* hours_name, const char* probability_name, RecoveryCurve* out) {
  *out = RecoveryCurve{};
  if (n == 0 && hours == nullptr && probability == nullptr) return NPSCORE_OK;
  if (n == 0) {
    return call.Fail(NPSCORE_EINVAL, "the recovery curve has 0 anchors",
                     ": pass NULL arrays for the default curve, or at least one anchor");
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, hours, n, hours_name));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, probability, n, probability_name));
  out->hours.assign(hours, hours + n);
  out->probability.assign(probability, probability + n);
  return NPSCORE_OK;
}

// Entry k of the queue (an error naming k past the end).
npscore_status ReadCase(Call& call, const PriorityQueue& p, size_t k, npscore_priority_case* out) {
  if (k >= p.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("k is ", k),
                     absl::StrCat(": the queue has ", p.size(), " entries"));
  }
  out->row = p.row[k];
  out->segment = p.segment[k];
  out->priority = p.priority[k];
  out->urgency = p.urgency[k];
  out->revenue_at_risk = p.revenue_at_risk[k];
  out->recoverability = p.recoverability[k];
  out->expected_recoverable = p.expected_recoverable[k];
  out->hours_since_response = p.hours_since_response[k];
  out->deadline = p.deadline[k];
  out->overdue = p.overdue[k] != 0;
  out->owner = p.owner[k];
  return NPSCORE_OK;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_priority_options_init(npscore_priority_options* opts,
                                                         unsigned int version) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(opts);
  if (version < 1 || version > NPSCORE_PRIORITY_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                     absl::StrCat(": this library supports options versions 1 to ",
                                  NPSCORE_PRIORITY_OPTIONS_VERSION));
  }
  const npscore_priority_options defaults = NPSCORE_PRIORITY_OPTIONS_INIT;
  // A version 1 struct ends at threads: write no byte beyond it.
  const size_t size = version == 1 ? offsetof(npscore_priority_options, passive_sla_hours)
                                   : sizeof(npscore_priority_options);
  std::memcpy(opts, &defaults, size);
  opts->version = version;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_recoverability(double* out, const double* hours,
                                                           size_t n,
                                                           const double* anchor_hours,
                                                           const double* anchor_probability,
                                                           size_t n_anchors) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out, n, "out"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, hours, n, "hours"));
  npscore::RecoveryCurve curve;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadCurve(call, anchor_hours, anchor_probability,
                                                     n_anchors, "anchor_hours",
                                                     "anchor_probability", &curve));
  auto r = npscore::RecoverabilityAt(absl::Span<const double>(hours, n), curve);
  if (!r.ok()) return call.Fail(r.status());
  for (size_t i = 0; i < n; ++i) out[i] = (*r)[i];
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_rank_cases(npscore_priority_queue** out,
                                                       const double* churn_risk, const double* clv,
                                                       const int8_t* segment,
                                                       const int64_t* responded_at,
                                                       const int64_t* contacted_at,
                                                       const uint8_t* closed, size_t n,
                                                       int64_t now,
                                                       const npscore_priority_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, churn_risk, n, "churn_risk"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, clv, n, "clv"));
  if (responded_at != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, responded_at, n, "responded_at"));
  }
  if (contacted_at != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, contacted_at, n, "contacted_at"));
  }
  if (closed != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, closed, n, "closed"));
  }
  const npscore_priority_options defaults = NPSCORE_PRIORITY_OPTIONS_INIT;
  const npscore_priority_options& o = opts != nullptr ? *opts : defaults;
  if (o.version < 1 || o.version > NPSCORE_PRIORITY_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("opts->version is ", o.version),
                     absl::StrCat(": this library (", NPSCORE_VERSION_STRING, ") supports versions 1 to ",
                                  NPSCORE_PRIORITY_OPTIONS_VERSION,
                                  "; initialize options with NPSCORE_PRIORITY_OPTIONS_INIT"));
  }
  npscore::PriorityOptions options;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadCurve(call, o.recovery_hours, o.recovery_probability,
                                                     o.n_recovery, "opts->recovery_hours",
                                                     "opts->recovery_probability", &options.recovery));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, o.capacities, o.n_owners, "opts->capacities"));
  options.sla_hours = o.sla_hours;
  options.top = o.top;
  options.threads = o.threads;
  // Version 1 ends at threads: the per-play fields keep their defaults.
  if (o.version >= 2) {
    options.passive_sla_hours = o.passive_sla_hours;
    options.promoter_sla_hours = o.promoter_sla_hours;
    options.window_hours = o.window_hours;
    options.urgency_hours = o.urgency_hours;
  }
  if (o.n_owners > 0) options.capacities.assign(o.capacities, o.capacities + o.n_owners);
  npscore::PriorityInput input;
  input.churn_risk = absl::Span<const double>(churn_risk, n);
  input.clv = absl::Span<const double>(clv, n);
  if (segment != nullptr) input.segment = absl::Span<const int8_t>(segment, n);
  if (responded_at != nullptr) input.responded_at = absl::Span<const int64_t>(responded_at, n);
  if (contacted_at != nullptr) input.contacted_at = absl::Span<const int64_t>(contacted_at, n);
  if (closed != nullptr) input.closed = absl::Span<const uint8_t>(closed, n);
  input.now = now;
  auto q = npscore::Prioritize(input, options);
  if (!q.ok()) return call.Fail(q.status());
  *out = new npscore_priority_queue{*std::move(q)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_rank(npscore_priority_queue** out,
                                                 const double* churn_risk, const double* clv,
                                                 const int8_t* segment,
                                                 const int64_t* responded_at, size_t n,
                                                 int64_t now,
                                                 const npscore_priority_options* opts) {
  return npscore_priority_rank_cases(out, churn_risk, clv, segment, responded_at, nullptr, nullptr,
                                     n, now, opts);
}

NPSCORE_API size_t npscore_priority_queue_size(const npscore_priority_queue* q) {
  return q == nullptr ? 0 : q->queue.size();
}

NPSCORE_API npscore_status npscore_priority_queue_get(npscore_priority_entry* out,
                                                      const npscore_priority_queue* q, size_t k) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  npscore_priority_case c;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadCase(call, q->queue, k, &c));
  out->row = c.row;
  out->revenue_at_risk = c.revenue_at_risk;
  out->hours_since_response = c.hours_since_response;
  out->recoverability = c.recoverability;
  out->expected_recoverable = c.expected_recoverable;
  out->deadline = c.deadline;
  out->overdue = c.overdue;
  out->segment = c.segment;
  out->owner = c.owner;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_queue_totals(npscore_priority_totals* out,
                                                         const npscore_priority_queue* q) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  out->n_rows = q->queue.n_rows;
  out->revenue_at_risk = q->queue.total_revenue_at_risk;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_priority_queue_free(npscore_priority_queue* q) { delete q; }

NPSCORE_API npscore_status npscore_priority_case_get(npscore_priority_case* out,
                                                     const npscore_priority_queue* q, size_t k) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  npscore_priority_case c;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadCase(call, q->queue, k, &c));
  *out = c;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_queue_summary(npscore_priority_summary* out,
                                                          const npscore_priority_queue* q) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  const npscore::PriorityQueue& p = q->queue;
  for (int k = 0; k < 4; ++k) {
    out->queued[k] = p.queued[k];
    out->contacted[k] = p.contacted[k];
    out->closed[k] = p.closed[k];
    out->missed[k] = p.missed[k];
  }
  out->detractors_due = p.detractors_due;
  out->detractors_within_sla = p.detractors_within_sla;
  out->window_hours = p.window_hours;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_priority_missed_size(const npscore_priority_queue* q) {
  return q == nullptr ? 0 : q->queue.missed_row.size();
}

NPSCORE_API npscore_status npscore_priority_missed_get(npscore_priority_missed* out,
                                                       const npscore_priority_queue* q, size_t k) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  const npscore::PriorityQueue& p = q->queue;
  if (k >= p.missed_row.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("k is ", k),
                     absl::StrCat(": the missed list has ", p.missed_row.size(), " entries"));
  }
  out->row = p.missed_row[k];
  out->segment = p.missed_segment[k];
  out->revenue_at_risk = p.missed_revenue_at_risk[k];
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API const char* npscore_priority_play_name(int segment) {
  return segment >= -1 && segment <= 1 ? npscore::PlayName(static_cast<int8_t>(segment)) : "";
}

NPSCORE_API const char* npscore_priority_play_script(int segment) {
  return segment >= -1 && segment <= 1 ? npscore::PlayScript(static_cast<int8_t>(segment)) : "";
}

}  // extern "C"
