// The C ABI of the priority module (npscore/c_api.h): thin wrappers over
// npscore/priority.h.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/arrow.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/priority.h"

// Shared with its Arrow exports (capi/arrow.h), which may outlive the handle.
struct npscore_priority_queue {
  std::shared_ptr<const npscore::PriorityQueue> shared;
  const npscore::PriorityQueue& queue = *shared;
};

namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options struct (one version so far).
constexpr size_t kOptionsSize[] = {sizeof(npscore_priority_options)};

// The options' defaults, from the core's (its struct holds vectors, so is
// not constexpr: the INIT-vs-_init() test checks the macro against this).
npscore_priority_options Defaults() {
  const PriorityOptions d;
  npscore_priority_options o;
  o.version = NPSCORE_PRIORITY_OPTIONS_VERSION;
  o.sla_hours = d.sla_hours;
  o.passive_sla_hours = d.passive_sla_hours;
  o.promoter_sla_hours = d.promoter_sla_hours;
  o.window_hours = d.window_hours;
  o.urgency_hours = d.urgency_hours;
  o.top = d.top;
  o.threads = d.threads;
  return o;
}

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

// Writes text(segment) of a play's segment code (-1, 0, 1 or
// NPSCORE_NO_SEGMENT; another code is an error) to *out.
npscore_status PlayText(Call& call, int32_t segment, const char* (*text)(int8_t),
                        const char** out) {
  if (out == nullptr) return call.Null("out");
  if (!(segment >= -1 && segment <= 1) && segment != NPSCORE_NO_SEGMENT) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("segment is ", segment),
                     ": use -1 (detractor), 0 (passive), 1 (promoter) or NPSCORE_NO_SEGMENT");
  }
  *out = text(static_cast<int8_t>(segment));
  return call.Ok();
}

}  // namespace
}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_priority_options_init(npscore_priority_options* opts,
                                                         uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::Defaults(),
                                    npscore::capi::kOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_recoverability(double* out, size_t out_capacity,
                                                           const double* hours, size_t n,
                                                           const double* anchor_hours,
                                                           const double* anchor_probability,
                                                           size_t n_anchors, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, n, "out"));
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

static_assert(NPSCORE_MAX_RISK_GROUPS == npscore::kMaxRiskGroups, "c_api.h repeats priority.h");

NPSCORE_API npscore_status npscore_priority_revenue_at_risk(
    npscore_priority_risk_group* out, size_t out_capacity, double* out_total_clv,
    double* out_total_revenue_at_risk, const double* churn_risk, const double* clv, size_t n,
    const int32_t* codes, size_t n_groups, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_total_clv);
  NPSCORE_C_REQUIRE(out_total_revenue_at_risk);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, churn_risk, n, "churn_risk"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, clv, n, "clv"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, codes, 0, "codes"));  // NULL: one
  if (codes != nullptr && n_groups > static_cast<size_t>(npscore::kMaxRiskGroups)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_groups is ", n_groups),
                     absl::StrCat(": it must be in 0..", npscore::kMaxRiskGroups));
  }
  const size_t groups = codes == nullptr ? 1 : n_groups;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, groups, "out"));
  auto t = npscore::RevenueAtRisk(
      absl::MakeConstSpan(churn_risk, n), absl::MakeConstSpan(clv, n),
      codes == nullptr ? absl::Span<const int32_t>() : absl::MakeConstSpan(codes, n),
      static_cast<int32_t>(groups));
  if (!t.ok()) return call.Fail(t.status());
  for (size_t g = 0; g < t->size(); ++g) {
    out[g] = npscore_priority_risk_group{t->customers[g],       t->clv[g],
                                         t->revenue_at_risk[g], t->share_of_risk[g],
                                         t->risk_rate[g],       t->mean_churn_risk[g],
                                         t->expected_churners[g]};
  }
  *out_total_clv = t->total_clv;
  *out_total_revenue_at_risk = t->total_revenue_at_risk;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_queue_new(
    npscore_priority_queue** out, const double* churn_risk, const double* clv,
    const int8_t* segment, const int64_t* responded_at, const int64_t* contacted_at,
    const uint8_t* closed, size_t n, int64_t now, const double* recovery_hours,
    const double* recovery_probability, size_t n_recovery, const int64_t* capacities,
    size_t n_owners, const npscore_priority_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore::PriorityInput input;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, churn_risk, n, "churn_risk"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, clv, n, "clv"));
  input.churn_risk = absl::Span<const double>(churn_risk, n);
  input.clv = absl::Span<const double>(clv, n);
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::OptionalColumn(call, segment, n, "segment", &input.segment));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::OptionalColumn(call, responded_at, n, "responded_at",
                                    &input.responded_at));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::OptionalColumn(call, contacted_at, n, "contacted_at",
                                    &input.contacted_at));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::OptionalColumn(call, closed, n, "closed", &input.closed));
  input.now = now;
  npscore_priority_options c;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(call, opts, npscore::capi::Defaults(),
                                                       npscore::capi::kOptionsSize, "opts", &c));
  npscore::PriorityOptions options;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadCurve(call, recovery_hours, recovery_probability,
                                                     n_recovery, "recovery_hours",
                                                     "recovery_probability", &options.recovery));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, capacities, n_owners, "capacities"));
  if (n_owners > 0) options.capacities.assign(capacities, capacities + n_owners);
  options.sla_hours = c.sla_hours;
  options.passive_sla_hours = c.passive_sla_hours;
  options.promoter_sla_hours = c.promoter_sla_hours;
  options.window_hours = c.window_hours;
  options.urgency_hours = c.urgency_hours;
  options.top = c.top;
  options.threads = c.threads;
  auto q = npscore::Prioritize(input, options);
  if (!q.ok()) return call.Fail(q.status());
  *out = new npscore_priority_queue{std::make_shared<const npscore::PriorityQueue>(*std::move(q))};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_priority_queue_size(const npscore_priority_queue* q) {
  return q == nullptr ? 0 : q->queue.size();
}

NPSCORE_API npscore_status npscore_priority_queue_get(npscore_priority_case* out,
                                                      const npscore_priority_queue* q, size_t k,
                                                      npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  const npscore::PriorityQueue& p = q->queue;
  if (k >= p.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("k is ", k),
                     absl::StrCat(": the queue has ", p.size(), " entries"));
  }
  npscore_priority_case c;
  c.row = p.row[k];
  c.segment = p.segment[k];
  c.priority = p.priority[k];
  c.urgency = p.urgency[k];
  c.revenue_at_risk = p.revenue_at_risk[k];
  c.recoverability = p.recoverability[k];
  c.expected_recoverable = p.expected_recoverable[k];
  c.hours_since_response = p.hours_since_response[k];
  c.deadline = p.deadline[k];
  c.overdue = p.overdue[k] != 0 ? 1 : 0;
  c.owner = p.owner[k];
  *out = c;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_queue_totals(npscore_priority_totals* out,
                                                         const npscore_priority_queue* q,
                                                         npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(q);
  out->n_rows = q->queue.n_rows;
  out->revenue_at_risk = q->queue.total_revenue_at_risk;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_queue_summary(npscore_priority_summary* out,
                                                          const npscore_priority_queue* q,
                                                          npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
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

NPSCORE_API void npscore_priority_queue_free(npscore_priority_queue* q) { delete q; }

NPSCORE_API npscore_status npscore_priority_queue_export_arrow(struct ArrowArray* out,
                                                               struct ArrowSchema* out_schema,
                                                               const npscore_priority_queue* q,
                                                               npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_schema);
  NPSCORE_C_REQUIRE(q);
  const npscore::PriorityQueue& p = q->queue;
  // The fields of npscore_priority_case, in its order, best entry first.
  npscore::capi::ArrowTableExport e(static_cast<int64_t>(p.size()), q->shared);
  e.AddI64("row", p.row.data());
  e.AddI8("segment", p.segment.data());
  e.AddF64("priority", p.priority.data());
  e.AddF64("urgency", p.urgency.data());
  e.AddF64("revenue_at_risk", p.revenue_at_risk.data());
  e.AddF64("recoverability", p.recoverability.data());
  e.AddF64("expected_recoverable", p.expected_recoverable.data());
  e.AddF64("hours_since_response", p.hours_since_response.data());
  e.AddI64("deadline", p.deadline.data());
  e.AddBool("overdue", p.overdue.data());
  e.AddI32("owner", p.owner.data());
  e.Export(out, out_schema);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_priority_missed_size(const npscore_priority_queue* q) {
  return q == nullptr ? 0 : q->queue.missed_row.size();
}

NPSCORE_API npscore_status npscore_priority_missed_get(npscore_priority_missed* out,
                                                       const npscore_priority_queue* q, size_t k,
                                                       npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
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

NPSCORE_API npscore_status npscore_priority_play_name(const char** out, int32_t segment,
                                                      npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::PlayText(call, segment, npscore::PlayName, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_play_script(const char** out, int32_t segment,
                                                        npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::PlayText(call, segment, npscore::PlayScript, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_priority_latest_responses(
    int64_t* out, size_t out_capacity, size_t* out_count,
    npscore_priority_latest_counts* out_counts, const int64_t* customers, const int64_t* times,
    const int64_t* groups, size_t n, int32_t missing, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_REQUIRE(out_count);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, times, n, "times"));
  absl::Span<const int64_t> group_codes;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::OptionalColumn(call, groups, n, "groups", &group_codes));
  if (missing != NPSCORE_MISSING_ERROR && missing != NPSCORE_MISSING_SKIP) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("missing is ", missing),
                     ": use NPSCORE_MISSING_ERROR (0) or NPSCORE_MISSING_SKIP (1)");
  }
  auto r = npscore::LatestResponses(
      absl::MakeConstSpan(customers, n), absl::MakeConstSpan(times, n), group_codes,
      missing == NPSCORE_MISSING_SKIP ? npscore::Missing::kSkip : npscore::Missing::kError);
  if (!r.ok()) return call.Fail(r.status());
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckCapacity(call, "out", out_capacity, r->size(), out_count));
  std::copy(r->row.begin(), r->row.end(), out);
  *out_count = r->size();
  if (out_counts != nullptr) {
    *out_counts = npscore_priority_latest_counts{static_cast<int64_t>(r->size()), r->superseded,
                                                 r->left_out, r->skipped_missing_times};
  }
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
