// Python bindings of npscore/survey.h: thin wrappers returning numpy columns.

#include "npscore/survey.h"

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
using U8 = py::array_t<uint8_t, py::array::c_style>;

// The ids: an int64 array, or a list of str (as views of `hold`).
struct Ids {
  std::vector<std::string> hold;
  std::vector<absl::string_view> views;
  I64 ints;
  bool strings = false;
};

Ids ReadIds(const py::object& ids) {
  Ids out;
  if (py::isinstance<py::list>(ids)) {
    out.hold = ids.cast<std::vector<std::string>>();
    out.views.assign(out.hold.begin(), out.hold.end());
    out.strings = true;
  } else {
    out.ints = ids.cast<I64>();
    CheckVector(out.ints, "ids");
  }
  return out;
}

}  // namespace

void BindSurvey(py::module_& m) {
  m.def("survey_cohorts", [](const py::object& ids, int32_t cohorts) {
    Ids in = ReadIds(ids);
    const size_t n = in.strings ? in.views.size() : static_cast<size_t>(in.ints.size());
    std::vector<uint64_t> hash(n);
    for (size_t i = 0; i < n; ++i) {
      hash[i] = in.strings ? SurveyIdHash(in.views[i]) : SurveyIdHash(in.ints.data()[i]);
    }
    auto c = in.strings ? SurveyCohorts(absl::MakeConstSpan(in.views), cohorts)
                        : SurveyCohorts(View<int64_t>(in.ints), cohorts);
    return py::make_tuple(Array(ValueOrThrow(std::move(c))), Array(std::move(hash)));
  }, py::arg("ids"), py::arg("cohorts"),
     "Cohorts (hash mod cohorts) and hashes of ids: an int64 array or a list of str.");

  m.def("survey_invitations", [](const py::object& ids, const py::object& last_surveyed,
                                 const py::object& churned, const py::object& open_case,
                                 int64_t as_of, double min_days_between, int32_t cohorts,
                                 const std::string& time_zone) {
    Ids in = ReadIds(ids);
    InvitationInput input;
    if (in.strings) {
      input.string_ids = in.views;
    } else {
      input.ids = View<int64_t>(in.ints);
    }
    I64 last_hold;
    U8 churned_hold, open_hold;
    input.last_surveyed = OptionalColumn<int64_t>(last_surveyed, last_hold, "last_surveyed");
    input.churned = OptionalColumn<uint8_t>(churned, churned_hold, "churned");
    input.open_case = OptionalColumn<uint8_t>(open_case, open_hold, "open_case");
    input.as_of = as_of;
    InvitationOptions options;
    options.min_days_between = min_days_between;
    options.cohorts = cohorts;
    options.time_zone = time_zone;
    absl::StatusOr<Invitations> r;
    {
      py::gil_scoped_release release;
      r = SurveyInvitations(input, options);
    }
    Invitations out = ValueOrThrow(std::move(r));
    py::dict d;
    d["reason"] = Array(std::move(out.reason));
    d["cohort"] = Array(std::move(out.cohort));
    d["counts"] = std::vector<int64_t>(out.counts.begin(), out.counts.end());
    d["month"] = out.month;
    d["period_cohort"] = out.period_cohort;
    return d;
  }, py::arg("ids"), py::arg("last_surveyed"), py::arg("churned"), py::arg("open_case"),
     py::arg("as_of"), py::arg("min_days_between"), py::arg("cohorts"), py::arg("time_zone"));

  m.def("survey_reason_names", [] {
    std::vector<std::string> names;
    for (int r = 0; r < kInvitationReasons; ++r) {
      names.emplace_back(InvitationReasonName(static_cast<InvitationReason>(r)));
    }
    return names;
  }, "The invitation reasons by code.");

  m.def("survey_responses_needed", [](double d, double pa, double p, double margin,
                                      const std::string& method, double confidence) {
    const IntervalOptions o = MakeIntervalOptions(method, confidence);
    const ResponsePlan r = ValueOrThrow(ResponsesNeeded(SegmentShares{d, pa, p}, margin, o));
    return py::make_tuple(r.responses, r.half_width);
  }, py::arg("detractors"), py::arg("passives"), py::arg("promoters"), py::arg("margin"),
     py::arg("method"), py::arg("confidence"));

  m.def("survey_detectable_change", [](double d, double pa, double p, int64_t n1, int64_t n2,
                                       double alpha, double power) {
    return ValueOrThrow(DetectableChange(SegmentShares{d, pa, p}, n1, n2, alpha, power));
  }, py::arg("detractors"), py::arg("passives"), py::arg("promoters"), py::arg("n1"),
     py::arg("n2"), py::arg("alpha"), py::arg("power"));

  m.def("survey_invitations_needed", [](int64_t responses, double rate, double assurance) {
    return ValueOrThrow(InvitationsNeeded(responses, rate, assurance));
  }, py::arg("responses"), py::arg("response_rate"), py::arg("assurance"));
}

}  // namespace npscore::python
