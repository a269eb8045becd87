// Python bindings of npscore/priority.h: thin wrappers returning numpy columns.

#include "npscore/priority.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "common.h"

namespace npscore::python {
namespace {

RecoveryCurve MakeCurve(const std::vector<double>& hours, const std::vector<double>& probability) {
  RecoveryCurve c;
  c.hours = hours;
  c.probability = probability;
  return c;
}

using F64 = py::array_t<double, py::array::c_style>;

}  // namespace

void BindPriority(py::module_& m) {
  m.def("default_recovery", [] {
    const RecoveryCurve c;
    return py::make_tuple(c.hours, c.probability);
  }, "The default recovery anchors: (hours, probability).");

  m.def("recoverability", [](const F64& hours, const std::vector<double>& anchor_hours,
                             const std::vector<double>& anchor_probability) {
    CheckVector(hours, "hours");
    const RecoveryCurve curve = MakeCurve(anchor_hours, anchor_probability);
    std::vector<double> out;
    {
      py::gil_scoped_release release;
      auto r = RecoverabilityAt(View<double>(hours), curve);
      if (r.ok()) out = std::move(*r);
      else {
        py::gil_scoped_acquire acquire;
        ThrowIfError(r.status());
      }
    }
    return Array(out);
  }, py::arg("hours"), py::arg("anchor_hours"), py::arg("anchor_probability"));

  m.def("prioritize", [](const F64& churn_risk, const F64& clv, const py::object& segment,
                         const py::object& responded_at, int64_t now, double sla_hours,
                         const std::vector<double>& anchor_hours,
                         const std::vector<double>& anchor_probability, int64_t top,
                         const std::vector<int64_t>& capacities, int threads,
                         const py::object& contacted_at, const py::object& closed,
                         double passive_sla_hours, double promoter_sla_hours, double window_hours,
                         double urgency_hours) {
    CheckVector(churn_risk, "churn_risk");
    CheckVector(clv, "clv");
    py::array_t<int8_t, py::array::c_style> seg_hold;
    py::array_t<int64_t, py::array::c_style> at_hold;
    PriorityInput in;
    in.churn_risk = View<double>(churn_risk);
    in.clv = View<double>(clv);
    in.segment = OptionalColumn(segment, seg_hold, "segment");
    in.responded_at = OptionalColumn(responded_at, at_hold, "responded_at");
    in.now = now;
    py::array_t<int64_t, py::array::c_style> contact_hold;
    py::array_t<uint8_t, py::array::c_style> closed_hold;
    in.contacted_at = OptionalColumn(contacted_at, contact_hold, "contacted_at");
    in.closed = OptionalColumn(closed, closed_hold, "closed");
    PriorityOptions opt;
    opt.sla_hours = sla_hours;
    opt.passive_sla_hours = passive_sla_hours;
    opt.promoter_sla_hours = promoter_sla_hours;
    opt.window_hours = window_hours;
    opt.urgency_hours = urgency_hours;
    opt.recovery = MakeCurve(anchor_hours, anchor_probability);
    opt.top = top;
    opt.capacities = capacities;
    opt.threads = threads;
    absl::StatusOr<PriorityQueue> q;
    {
      py::gil_scoped_release release;
      q = Prioritize(in, opt);
    }
    ThrowIfError(q.status());
    py::dict out;
    out["row"] = Array(q->row);
    out["revenue_at_risk"] = Array(q->revenue_at_risk);
    out["hours_since_response"] = Array(q->hours_since_response);
    out["recoverability"] = Array(q->recoverability);
    out["expected_recoverable"] = Array(q->expected_recoverable);
    out["urgency"] = Array(q->urgency);
    out["priority"] = Array(q->priority);
    out["deadline"] = Array(q->deadline);
    out["overdue"] = Array(q->overdue).attr("astype")("bool");
    out["segment"] = Array(q->segment);
    out["owner"] = Array(q->owner);
    out["n_rows"] = q->n_rows;
    out["total_revenue_at_risk"] = q->total_revenue_at_risk;
    out["missed_row"] = Array(q->missed_row);
    out["missed_segment"] = Array(q->missed_segment);
    out["missed_revenue_at_risk"] = Array(q->missed_revenue_at_risk);
    out["queued"] = std::vector<int64_t>(q->queued, q->queued + 4);
    out["contacted"] = std::vector<int64_t>(q->contacted, q->contacted + 4);
    out["closed"] = std::vector<int64_t>(q->closed, q->closed + 4);
    out["missed"] = std::vector<int64_t>(q->missed, q->missed + 4);
    out["detractors_due"] = q->detractors_due;
    out["detractors_within_sla"] = q->detractors_within_sla;
    out["window_hours"] = q->window_hours;
    return out;
  }, py::arg("churn_risk"), py::arg("clv"), py::arg("segment"), py::arg("responded_at"),
     py::arg("now"), py::arg("sla_hours"), py::arg("anchor_hours"), py::arg("anchor_probability"),
     py::arg("top"), py::arg("capacities"), py::arg("threads") = 0,
     py::arg("contacted_at") = py::none(), py::arg("closed") = py::none(),
     py::arg("passive_sla_hours") = PriorityOptions().passive_sla_hours,
     py::arg("promoter_sla_hours") = PriorityOptions().promoter_sla_hours,
     py::arg("window_hours") = PriorityOptions().window_hours,
     py::arg("urgency_hours") = PriorityOptions().urgency_hours);

  m.def("revenue_at_risk", [](const F64& churn_risk, const F64& clv, const py::object& codes,
                              int32_t n_groups) {
    CheckVector(churn_risk, "churn_risk");
    CheckVector(clv, "clv");
    py::array_t<int32_t, py::array::c_style> hold;
    const absl::Span<const int32_t> c = OptionalColumn(codes, hold, "codes");
    absl::StatusOr<RevenueAtRiskTable> t;
    {
      py::gil_scoped_release release;
      t = RevenueAtRisk(View<double>(churn_risk), View<double>(clv), c, n_groups);
    }
    ThrowIfError(t.status());
    py::dict out;
    out["customers"] = Array(t->customers);
    out["clv"] = Array(t->clv);
    out["revenue_at_risk"] = Array(t->revenue_at_risk);
    out["mean_churn_risk"] = Array(t->mean_churn_risk);
    out["expected_churners"] = Array(t->expected_churners);
    out["share_of_risk"] = Array(t->share_of_risk);
    out["risk_rate"] = Array(t->risk_rate);
    out["total_clv"] = t->total_clv;
    out["total_revenue_at_risk"] = t->total_revenue_at_risk;
    return out;
  }, py::arg("churn_risk"), py::arg("clv"), py::arg("codes"), py::arg("n_groups"));

  m.def("latest_responses", [](const py::array_t<int64_t, py::array::c_style>& customers,
                               const py::array_t<int64_t, py::array::c_style>& times,
                               const py::object& groups, const std::string& missing) {
    CheckVector(customers, "customers");
    CheckVector(times, "times");
    const Missing how = MakeScoreOptions(Cutoffs{}, missing).missing;
    py::array_t<int64_t, py::array::c_style> hold;
    const absl::Span<const int64_t> g = OptionalColumn(groups, hold, "groups");
    absl::StatusOr<LatestResponseRows> r;
    {
      py::gil_scoped_release release;
      r = LatestResponses(View<int64_t>(customers), View<int64_t>(times), g, how);
    }
    ThrowIfError(r.status());
    py::dict out;
    out["row"] = Array(std::move(r->row));
    out["used"] = r->used;
    out["superseded"] = r->superseded;
    out["left_out"] = r->left_out;
    out["skipped_missing_times"] = r->skipped_missing_times;
    return out;
  }, py::arg("customers"), py::arg("times"), py::arg("groups") = py::none(),
     py::arg("missing") = "error",
     "Rows of each (customer, group)'s latest response, ascending; a tie at the latest "
     "instant is a ValueError naming both rows.");

  m.def("play_name", [](int code) { return std::string(PlayName(static_cast<int8_t>(code))); });
  m.def("play_script", [](int code) { return std::string(PlayScript(static_cast<int8_t>(code))); });
}

}  // namespace npscore::python
