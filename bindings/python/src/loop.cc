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

// Column `field` of every row (group, band) as a numpy array.
template <typename Row, typename V>
py::array_t<V> RowColumn(const std::vector<Row>& rows, V Row::*field) {
  std::vector<V> v;
  v.reserve(rows.size());
  for (const Row& r : rows) v.push_back(r.*field);
  return Array(std::move(v));
}

// The conversion rows as numpy columns, in the core's order.
py::dict ConversionColumns(const std::vector<ConversionRow>& rows) {
  std::vector<int32_t> from;
  std::vector<int64_t> counts[8];
  std::vector<double> values[10];
  for (const ConversionRow& r : rows) {
    from.push_back(static_cast<int32_t>(r.from));
    int c = 0, v = 0;
    for (const ConversionArm* a : {&r.contacted, &r.not_contacted}) {
      for (int64_t x : {a->cases, a->no_next_answer, a->answered, a->converted}) {
        counts[c++].push_back(x);
      }
      for (double x : {a->share, a->ci_low, a->ci_high}) values[v++].push_back(x);
    }
    for (double x : {r.difference, r.ci_low, r.ci_high, r.p_value}) values[v++].push_back(x);
  }
  py::dict d;
  d["from"] = Array(std::move(from));
  const char* count_names[8] = {"contacted_cases", "contacted_no_next_answer",
                                "contacted_answered", "contacted_converted",
                                "not_contacted_cases", "not_contacted_no_next_answer",
                                "not_contacted_answered", "not_contacted_converted"};
  const char* value_names[10] = {"contacted_share", "contacted_ci_low", "contacted_ci_high",
                                 "not_contacted_share", "not_contacted_ci_low",
                                 "not_contacted_ci_high", "difference", "ci_low", "ci_high",
                                 "p_value"};
  for (int i = 0; i < 8; ++i) d[count_names[i]] = Array(std::move(counts[i]));
  for (int i = 0; i < 10; ++i) d[value_names[i]] = Array(std::move(values[i]));
  return d;
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
      groups[name] = RowColumn(t.groups, field);
    }
    for (auto [name, field] :
         {std::pair{"median_hours_to_contact", &G::median_hours_to_contact},
          {"p90_hours_to_contact", &G::p90_hours_to_contact}, {"sla_share", &G::sla_share},
          {"sla_ci_low", &G::sla_ci_low}, {"sla_ci_high", &G::sla_ci_high},
          {"backlog_median_age_hours", &G::backlog_median_age_hours},
          {"backlog_max_age_hours", &G::backlog_max_age_hours}}) {
      groups[name] = RowColumn(t.groups, field);
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

  m.def("loop_conversion", [](const I64& opened_at, const py::object& first_contact_at,
                              const F64& score, const F64& next_score, const py::object& group,
                              int32_t n_groups, const Cutoffs& cutoffs, double confidence,
                              const std::string& missing) {
    CheckVector(opened_at, "opened_at");
    CheckVector(score, "score");
    CheckVector(next_score, "next_score");
    CaseLog log;
    log.opened_at = View<int64_t>(opened_at);
    log.score = View<double>(score);
    log.next_score = View<double>(next_score);
    I64 contact_hold;
    I32 group_hold;
    log.first_contact_at = OptionalColumn<int64_t>(first_contact_at, contact_hold,
                                                   "first_contact_at");
    log.group = OptionalColumn<int32_t>(group, group_hold, "group");
    log.n_groups = n_groups;
    ConversionOptions options;
    options.cutoffs = cutoffs;
    options.confidence = confidence;
    options.missing = MakeScoreOptions(cutoffs, missing).missing;
    absl::StatusOr<ConversionTable> r;
    {
      py::gil_scoped_release release;
      r = Conversion(log, options);
    }
    const ConversionTable t = ValueOrThrow(std::move(r));
    py::dict d;
    d["groups"] = ConversionColumns(t.groups);
    d["all"] = ConversionColumns(std::vector<ConversionRow>(t.all.begin(), t.all.end()));
    d["promoters"] = t.promoters;
    d["skipped"] = t.skipped;
    d["left_out"] = t.left_out;
    return d;
  }, py::arg("opened_at"), py::arg("first_contact_at"), py::arg("score"), py::arg("next_score"),
     py::arg("group"), py::arg("n_groups"), py::arg("cutoffs"), py::arg("confidence"),
     py::arg("missing"));

  m.def("loop_program_roi", [](const I64& opened_at, const py::object& first_contact_at,
                               const py::object& sla_hours, const py::object& score,
                               const F64& churned, const F64& churn_risk, const F64& clv,
                               double default_sla, int32_t bands, double confidence,
                               const Cutoffs& cutoffs, const std::string& missing) {
    CheckVector(opened_at, "opened_at");
    CheckVector(churned, "churned");
    CheckVector(churn_risk, "churn_risk");
    CheckVector(clv, "clv");
    CaseLog log;
    log.opened_at = View<int64_t>(opened_at);
    log.churned = View<double>(churned);
    log.churn_risk = View<double>(churn_risk);
    log.clv = View<double>(clv);
    I64 contact_hold;
    F64 sla_hold, score_hold;
    log.first_contact_at = OptionalColumn<int64_t>(first_contact_at, contact_hold,
                                                   "first_contact_at");
    log.sla_hours = OptionalColumn<double>(sla_hours, sla_hold, "sla_hours");
    log.score = OptionalColumn<double>(score, score_hold, "score");
    RoiOptions options;
    options.sla_hours = default_sla;
    options.bands = bands;
    options.confidence = confidence;
    options.cutoffs = cutoffs;
    options.missing = MakeScoreOptions(cutoffs, missing).missing;
    absl::StatusOr<ProgramRoiResult> r;
    {
      py::gil_scoped_release release;
      r = ProgramRoi(log, options);
    }
    const ProgramRoiResult result = ValueOrThrow(std::move(r));
    py::dict bands_out;
    using B = RoiBand;
    for (auto [name, field] :
         {std::pair{"risk_low", &B::risk_low}, {"risk_high", &B::risk_high},
          {"mean_risk", &B::mean_risk}, {"on_time_rate", &B::on_time_rate},
          {"late_rate", &B::late_rate}, {"difference", &B::difference}, {"ci_low", &B::ci_low},
          {"ci_high", &B::ci_high}, {"p_value", &B::p_value}, {"on_time_clv", &B::on_time_clv},
          {"revenue_retained", &B::revenue_retained}, {"revenue_ci_low", &B::revenue_ci_low},
          {"revenue_ci_high", &B::revenue_ci_high}}) {
      bands_out[name] = RowColumn(result.bands, field);
    }
    for (auto [name, field] :
         {std::pair{"on_time", &B::on_time}, {"on_time_churned", &B::on_time_churned},
          {"late", &B::late}, {"never", &B::never}, {"late_churned", &B::late_churned}}) {
      bands_out[name] = RowColumn(result.bands, field);
    }
    const RoiTotal& t = result.total;
    py::dict total;
    for (auto [name, value] : {std::pair{"cases", t.cases}, {"on_time", t.on_time},
                               {"late", t.late}, {"never", t.never}, {"excluded", t.excluded},
                               {"skipped", t.skipped}}) {
      total[name] = value;
    }
    total["bands"] = t.bands;
    for (auto [name, value] :
         {std::pair{"on_time_rate", t.on_time_rate}, {"late_rate", t.late_rate},
          {"naive_difference", t.naive_difference}, {"naive_ci_low", t.naive_ci_low},
          {"naive_ci_high", t.naive_ci_high}, {"difference", t.difference}, {"se", t.se},
          {"ci_low", t.ci_low}, {"ci_high", t.ci_high}, {"p_value", t.p_value},
          {"on_time_clv", t.on_time_clv}, {"revenue_retained", t.revenue_retained},
          {"revenue_se", t.revenue_se}, {"revenue_ci_low", t.revenue_ci_low},
          {"revenue_ci_high", t.revenue_ci_high}}) {
      total[name] = value;
    }
    total["observational"] = t.observational;
    py::dict d;
    d["bands"] = bands_out;
    d["total"] = total;
    d["note"] = std::string(kRoiNote);
    return d;
  }, py::arg("opened_at"), py::arg("first_contact_at"), py::arg("sla_hours"), py::arg("score"),
     py::arg("churned"), py::arg("churn_risk"), py::arg("clv"), py::arg("default_sla"),
     py::arg("bands"), py::arg("confidence"), py::arg("cutoffs"), py::arg("missing"));

  m.attr("loop_roi_note") = std::string(kRoiNote);

  m.def("loop_default_edges", &DefaultRecoveryBinEdges,
        "The default inner bin edges (hours) of loop_recovery_curve.");
}

}  // namespace npscore::python
