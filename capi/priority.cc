// The C ABI of the priority module (npscore/c_api.h): thin wrappers over
// npscore/priority.h.

#include <cmath>
#include <cstdint>
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

}  // namespace
}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_priority_options_init(npscore_priority_options* opts,
                                                         unsigned int version) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(opts);
  if (version != NPSCORE_PRIORITY_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                     absl::StrCat(": this library supports options version ",
                                  NPSCORE_PRIORITY_OPTIONS_VERSION));
  }
  *opts = npscore_priority_options NPSCORE_PRIORITY_OPTIONS_INIT;
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

NPSCORE_API npscore_status npscore_priority_rank(npscore_priority_queue** out,
                                                 const double* churn_risk, const double* clv,
                                                 const int8_t* segment,
                                                 const int64_t* responded_at, size_t n,
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
  const npscore_priority_options defaults = NPSCORE_PRIORITY_OPTIONS_INIT;
  const npscore_priority_options& o = opts != nullptr ? *opts : defaults;
  if (o.version != NPSCORE_PRIORITY_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("opts->version is ", o.version),
                     absl::StrCat(": this library (", NPSCORE_VERSION_STRING, ") supports version ",
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
  if (o.n_owners > 0) options.capacities.assign(o.capacities, o.capacities + o.n_owners);
  npscore::PriorityInput input;
  input.churn_risk = absl::Span<const double>(churn_risk, n);
  input.clv = absl::Span<const double>(clv, n);
  if (segment != nullptr) input.segment = absl::Span<const int8_t>(segment, n);
  if (responded_at != nullptr) input.responded_at = absl::Span<const int64_t>(responded_at, n);
  input.now = now;
  auto q = npscore::Prioritize(input, options);
  if (!q.ok()) return call.Fail(q.status());
  *out = new npscore_priority_queue{*std::move(q)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_priority_queue_size(const npscore_priority_queue* q) {
  return q == nullptr ? 0 : q->queue.size();
}

NPSCORE_API npscore_status npscore_priority_queue_get(npscore_priority_entry* out,
                                                      const npscore_priority_queue* q, size_t k) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  const npscore::PriorityQueue& p = q->queue;
  if (k >= p.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("k is ", k),
                     absl::StrCat(": the queue has ", p.size(), " entries"));
  }
  out->row = p.row[k];
  out->revenue_at_risk = p.revenue_at_risk[k];
  out->hours_since_response = p.hours_since_response[k];
  out->recoverability = p.recoverability[k];
  out->expected_recoverable = p.expected_recoverable[k];
  out->deadline = p.deadline[k];
  out->overdue = p.overdue[k] != 0;
  out->segment = p.segment[k];
  out->owner = p.owner[k];
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

NPSCORE_API const char* npscore_priority_play_name(int segment) {
  return segment >= -1 && segment <= 1 ? npscore::PlayName(static_cast<int8_t>(segment)) : "";
}

NPSCORE_API const char* npscore_priority_play_script(int segment) {
  return segment >= -1 && segment <= 1 ? npscore::PlayScript(static_cast<int8_t>(segment)) : "";
}

}  // extern "C"
