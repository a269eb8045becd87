// Python bindings of npscore/loop.h: thin wrappers returning numpy columns.

#include "npscore/loop.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <utility>
#include <vector>

#include "common.h"

namespace npscore::python {
namespace {

using I64 = py::array_t<int64_t, py::array::c_style>;
using I32 = py::array_t<int32_t, py::array::c_style>;
using F64 = py::array_t<double, py::array::c_style>;

py::dict MetricsDict(const LoopGroupMetrics& m) {
  py::dict d;
  d["cases"] = m.cases;
  d["contacted"] = m.contacted;
  d["never_contacted"] = m.never_contacted;
  d["backlog"] = m.backlog;
  d["median_hours_to_contact"] = m.median_hours_to_contact;
  d["p90_hours_to_contact"] = m.p90_hours_to_contact;
  d["sla_due"] = m.sla_due;
  d["sla_met"] = m.sla_met;
  d["sla_share"] = m.sla_share;
  d["sla_ci_low"] = m.sla_ci_low;
  d["sla_ci_high"] = m.sla_ci_high;
  d["backlog_median_age_hours"] = m.backlog_median_age_hours;
  d["backlog_max_age_hours"] = m.backlog_max_age_hours;
  return d;
}

// Column `field` of every group as a numpy array.
template <typename V>
py::array_t<V> GroupColumn(const std::vector<LoopGroupMetrics>& groups,
                           V LoopGroupMetrics::*field) {
  std::vector<V> v;
  v.reserve(groups.size());
  for (const LoopGroupMetrics& g : groups) v.push_back(g.*field);
  return Array(std::move(v));
}

}  // namespace

void BindLoop(py::module_& m) {
  m.def("loop_metrics", [](const I64& opened_at, const py::object& first_contact_at,
                           const py::object& closed_at, const py::object& group, int32_t n_groups,
                           const py::object& sla_hours, int64_t as_of, double default_sla,
                           double confidence) {
    CheckVector(opened_at, "opened_at");
    CaseLog log;
    log.opened_at = View<int64_t>(opened_at);
    I64 contact_hold, closed_hold;
    I32 group_hold;
    F64 sla_hold;
    log.first_contact_at = OptionalColumn<int64_t>(first_contact_at, contact_hold,
                                                   "first_contact_at");
    log.closed_at = OptionalColumn<int64_t>(closed_at, closed_hold, "closed_at");
    log.group = OptionalColumn<int32_t>(group, group_hold, "group");
    log.sla_hours = OptionalColumn<double>(sla_hours, sla_hold, "sla_hours");
    log.n_groups = n_groups;
    LoopMetricsOptions options;
    options.sla_hours = default_sla;
    options.confidence = confidence;
    absl::StatusOr<LoopMetricsTable> r;
    {
      py::gil_scoped_release release;
      r = LoopMetrics(log, as_of, options);
    }
    const LoopMetricsTable t = ValueOrThrow(std::move(r));
    using G = LoopGroupMetrics;
    py::dict groups;
    for (auto [name, field] : {std::pair{"cases", &G::cases}, {"contacted", &G::contacted},
                               {"never_contacted", &G::never_contacted}, {"backlog", &G::backlog},
                               {"sla_due", &G::sla_due}, {"sla_met", &G::sla_met}}) {
      groups[name] = GroupColumn(t.groups, field);
    }
    for (auto [name, field] :
         {std::pair{"median_hours_to_contact", &G::median_hours_to_contact},
          {"p90_hours_to_contact", &G::p90_hours_to_contact}, {"sla_share", &G::sla_share},
          {"sla_ci_low", &G::sla_ci_low}, {"sla_ci_high", &G::sla_ci_high},
          {"backlog_median_age_hours", &G::backlog_median_age_hours},
          {"backlog_max_age_hours", &G::backlog_max_age_hours}}) {
      groups[name] = GroupColumn(t.groups, field);
    }
    py::dict d;
    d["groups"] = groups;
    d["all"] = MetricsDict(t.all);
    d["opened_after_as_of"] = t.opened_after_as_of;
    d["left_out"] = t.left_out;
    return d;
  }, py::arg("opened_at"), py::arg("first_contact_at"), py::arg("closed_at"), py::arg("group"),
     py::arg("n_groups"), py::arg("sla_hours"), py::arg("as_of"), py::arg("default_sla"),
     py::arg("confidence"));

  m.def("loop_recovery_curve", [](const I64& opened_at, const I64& first_contact_at,
                                  const F64& recovered, const std::vector<double>& edges,
                                  int64_t min_bin_cases, double confidence,
                                  const std::string& missing) {
    CheckVector(opened_at, "opened_at");
    CheckVector(first_contact_at, "first_contact_at");
    CheckVector(recovered, "recovered");
    CaseLog log;
    log.opened_at = View<int64_t>(opened_at);
    log.first_contact_at = View<int64_t>(first_contact_at);
    log.recovered = View<double>(recovered);
    RecoveryLearningOptions options;
    options.edges = edges;
    options.min_bin_cases = min_bin_cases;
    options.confidence = confidence;
    options.missing = MakeScoreOptions(Cutoffs{}, missing).missing;
    absl::StatusOr<LearnedRecoveryCurve> r;
    {
      py::gil_scoped_release release;
      r = LearnRecoveryCurve(log, options);
    }
    const LearnedRecoveryCurve c = ValueOrThrow(std::move(r));
    std::vector<double> lower, upper, hours, rate, probability, low, high, standard;
    std::vector<int64_t> cases, rec;
    std::vector<int32_t> block;
    for (const RecoveryBin& b : c.bins) {
      lower.push_back(b.lower_hours);
      upper.push_back(b.upper_hours);
      hours.push_back(b.hours);
      cases.push_back(b.cases);
      rec.push_back(b.recovered);
      rate.push_back(b.rate);
      probability.push_back(b.probability);
      low.push_back(b.ci_low);
      high.push_back(b.ci_high);
      block.push_back(b.block);
      standard.push_back(b.default_probability);
    }
    py::dict bins;
    bins["hours"] = Array(std::move(hours));
    bins["probability"] = Array(std::move(probability));
    bins["ci_low"] = Array(std::move(low));
    bins["ci_high"] = Array(std::move(high));
    bins["default"] = Array(std::move(standard));
    bins["lower_hours"] = Array(std::move(lower));
    bins["upper_hours"] = Array(std::move(upper));
    bins["cases"] = Array(std::move(cases));
    bins["recovered"] = Array(std::move(rec));
    bins["rate"] = Array(std::move(rate));
    bins["block"] = Array(std::move(block));
    py::dict d;
    d["bins"] = bins;
    d["contacted"] = c.contacted;
    d["skipped"] = c.skipped;
    d["blocks"] = c.blocks;
    d["never_contacted"] = c.never_contacted;
    d["never_recovered"] = c.never_recovered;
    d["never_rate"] = c.never_rate;
    d["never_ci_low"] = c.never_ci_low;
    d["never_ci_high"] = c.never_ci_high;
    return d;
  }, py::arg("opened_at"), py::arg("first_contact_at"), py::arg("recovered"), py::arg("edges"),
     py::arg("min_bin_cases"), py::arg("confidence"), py::arg("missing"));

  m.def("loop_default_edges", &DefaultRecoveryBinEdges,
        "The default inner bin edges (hours) of loop_recovery_curve.");
}

}  // namespace npscore::python
