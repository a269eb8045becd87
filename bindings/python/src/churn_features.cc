// Python bindings of the churn features of npscore/churn.h: thin wrappers
// returning dicts of numpy columns.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <array>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <pybind11/stl.h>

#include "common.h"
#include "npscore/churn.h"

namespace npscore::python {
namespace {

using Int64Array = py::array_t<int64_t, py::array::c_style>;

py::dict FeaturesDict(const ChurnFeatures& f) {
  py::dict out;
  out["has_response"] = Array(f.has_response);
  out["signed_up"] = Array(f.signed_up);
  out["n_responses"] = Array(f.n_responses);
  out["latest_row"] = Array(f.latest_row);
  out["score"] = Array(f.score);
  out["segment"] = Array(f.segment);
  out["previous_score"] = Array(f.previous_score);
  out["score_change"] = Array(f.score_change);
  out["segment_change"] = Array(f.segment_change);
  out["mean_score"] = Array(f.mean_score);
  out["min_score"] = Array(f.min_score);
  out["max_score"] = Array(f.max_score);
  out["n_detractor_responses"] = Array(f.n_detractor_responses);
  out["days_since_response"] = Array(f.days_since_response);
  out["days_since_first_response"] = Array(f.days_since_first_response);
  out["tenure_days"] = Array(f.tenure_days);
  out["customer_age_days"] = Array(f.customer_age_days);
  out["early_life_detractor"] = Array(f.early_life_detractor);
  out["detractor_followed_up"] = Array(f.detractor_followed_up);
  out["days_to_follow_up"] = Array(f.days_to_follow_up);
  out["days_detractor_waiting"] = Array(f.days_detractor_waiting);
  out["used"] = f.used;
  out["after_as_of"] = f.after_as_of;
  out["skipped_missing_scores"] = f.skipped_missing_scores;
  out["skipped_missing_times"] = f.skipped_missing_times;
  out["skipped_unknown_customers"] = f.skipped_unknown_customers;
  return out;
}

using DoubleArray = py::array_t<double, py::array::c_style>;
using CodeArray = py::array_t<int32_t, py::array::c_style>;

// A user column of a design as Python gives it: (name, categorical, levels,
// missing_column).
using UserTuple = std::tuple<std::string, bool, std::vector<std::string>, bool>;

// A design's pickle state (common.h): the core's own versioned design format
// (SerializeChurnDesign).
struct ChurnDesignState {
  static constexpr int kVersion = 1;
  static constexpr const char* kClass = "_ChurnDesign";
  static constexpr std::array<const char*, 1> kFields = {"design"};
  using Fields = std::tuple<py::bytes>;
  static Fields Of(const ChurnDesign& d) { return {py::bytes(SerializeChurnDesign(d))}; }
  static ChurnDesign Make(const Fields& f) {
    return ValueOrThrow(ParseChurnDesign(std::string(std::get<0>(f))));
  }
};

}  // namespace

void BindChurnFeatures(py::module_& m) {
  // The core's features table, kept for BuildChurnMatrix (opaque in Python): an
  // intermediate that does not pickle (the frame churn_features makes of it does).
  py::class_<ChurnFeatures, std::shared_ptr<ChurnFeatures>> features(m, "_ChurnFeatures");
  DefNoPickle(features, "an intermediate of churn_features (pickle the frame it returns)");

  // A design pickles (copy.deepcopy alike), as the churn models holding one do.
  py::class_<ChurnDesign> design(m, "_ChurnDesign");
  DefPickle<ChurnDesignState>(design);
  design
      .def_property_readonly("names", &ChurnDesign::names)
      .def_property_readonly("fill", [](const ChurnDesign& d) { return d.spec.fill; })
      .def("serialize", [](const ChurnDesign& d) { return py::bytes(SerializeChurnDesign(d)); })
      .def("select", [](const ChurnDesign& d, const std::vector<std::string>& names) {
        return ValueOrThrow(SelectChurnDesignColumns(d, names));
      }, py::arg("names"), "The design of the columns `names` (npscore/churn.h).");

  m.def("churn_feature_columns", []() {
    return std::vector<std::string>(std::begin(kChurnFeatureColumnNames),
                                    std::end(kChurnFeatureColumnNames));
  }, "The names of the columns made from the churn features (npscore/churn.h).");

  m.def("churn_design", [](bool signup, bool followed_up, const std::vector<std::string>& themes,
                           const std::vector<UserTuple>& user, bool fill, const Cutoffs& cutoffs) {
    ChurnDesignSpec spec;
    spec.signup = signup;
    spec.followed_up = followed_up;
    spec.themes = themes;
    for (const auto& [name, categorical, levels, missing] : user) {
      spec.user.push_back({name, categorical, levels, missing});
    }
    spec.fill = fill;
    spec.cutoffs = cutoffs;
    return ValueOrThrow(MakeChurnDesign(spec));
  }, py::arg("signup"), py::arg("followed_up"), py::arg("themes"), py::arg("user"),
     py::arg("fill"), py::arg("cutoffs"),
     "The design of churn_features' columns (MakeChurnDesign).");

  m.def("churn_design_parse", [](const py::bytes& b) {
    return ValueOrThrow(ParseChurnDesign(std::string(b)));
  }, py::arg("data"));

  m.def("churn_design_matrix", [](const ChurnDesign& design, const ChurnFeatures& features,
                                  const DoubleArray& theme_flags, size_t n_response_rows,
                                  const std::vector<py::object>& numeric,
                                  const std::vector<py::object>& codes) {
    CheckVector(theme_flags, "theme_flags");
    ChurnDesignData data;
    data.theme_flags = View<double>(theme_flags);
    data.n_response_rows = n_response_rows;
    std::vector<DoubleArray> hold_numeric(numeric.size());
    std::vector<CodeArray> hold_codes(codes.size());
    for (size_t k = 0; k < numeric.size(); ++k) {
      data.numeric.push_back(OptionalColumn(numeric[k], hold_numeric[k], "numeric"));
    }
    for (size_t k = 0; k < codes.size(); ++k) {
      data.codes.push_back(OptionalColumn(codes[k], hold_codes[k], "codes"));
    }
    absl::StatusOr<ChurnMatrix> r;
    {
      py::gil_scoped_release release;
      r = BuildChurnMatrix(design, features, data);
    }
    auto* owned = new ChurnMatrix(ValueOrThrow(std::move(r)));
    py::capsule free(owned, [](void* p) { delete static_cast<ChurnMatrix*>(p); });
    const auto rows = static_cast<py::ssize_t>(owned->rows);
    const auto cols = static_cast<py::ssize_t>(owned->cols);
    // Column-major: (rows, cols) in Fortran order, without a copy.
    return py::array_t<double>({rows, cols},
                               {static_cast<py::ssize_t>(sizeof(double)),
                                static_cast<py::ssize_t>(sizeof(double)) * rows},
                               owned->values.data(), free);
  }, py::arg("design"), py::arg("features"), py::arg("theme_flags"), py::arg("n_response_rows"),
     py::arg("numeric"), py::arg("codes"),
     "The design matrix (BuildChurnMatrix): rows = customers signed up by as_of, Fortran order.");

  m.def("churn_features", [](const Int64Array& customers, const Int64Array& times,
                             const py::array& scores, const py::object& followed_up,
                             const Int64Array& customer_ids, const py::object& signup_times,
                             int64_t as_of, const Cutoffs& cutoffs, const std::string& missing,
                             double early_life_days, const std::string& unknown) {
    CheckVector(customers, "customers");
    CheckVector(times, "times");
    CheckVector(customer_ids, "customer_ids");
    Int64Array hold_f, hold_s;
    const absl::Span<const int64_t> fol = OptionalColumn(followed_up, hold_f, "followed_up");
    const absl::Span<const int64_t> sig = OptionalColumn(signup_times, hold_s, "signup_times");
    ChurnFeatureOptions o;
    o.scores = MakeScoreOptions(cutoffs, missing);
    o.early_life_days = early_life_days;
    if (unknown == "error") {
      o.unknown = UnknownCustomers::kError;
    } else if (unknown == "skip") {
      o.unknown = UnknownCustomers::kSkip;
    } else {
      throw py::value_error("unknown is \"" + unknown + "\": use \"error\" or \"skip\"");
    }
    auto f = std::make_shared<ChurnFeatures>(ValueOrThrow(DispatchScores(scores, [&](auto span) {
      py::gil_scoped_release release;
      return ComputeChurnFeatures(View<int64_t>(customers), View<int64_t>(times), span, fol,
                                  View<int64_t>(customer_ids), sig, as_of, o);
    })));
    py::dict out = FeaturesDict(*f);
    out["table"] = f;
    return out;
  }, py::arg("customers"), py::arg("times"), py::arg("scores"), py::arg("followed_up"),
     py::arg("customer_ids"), py::arg("signup_times"), py::arg("as_of"), py::arg("cutoffs"),
     py::arg("missing"), py::arg("early_life_days"), py::arg("unknown"),
     "Per-customer NPS-history signals as of `as_of` (see npscore/churn.h).");

  m.def("churn_labels", [](const Int64Array& churned_at, const py::object& signup_times,
                           int64_t as_of, int64_t horizon_ns) {
    CheckVector(churned_at, "churned_at");
    Int64Array hold;
    const absl::Span<const int64_t> sig = OptionalColumn(signup_times, hold, "signup_times");
    // One cheap pass over the customers: the GIL is kept.
    const ChurnLabels l =
        ValueOrThrow(ComputeChurnLabels(View<int64_t>(churned_at), sig, as_of, horizon_ns));
    py::dict out;
    out["label"] = Array(l.label);
    out["positives"] = l.positives;
    out["negatives"] = l.negatives;
    out["churned_before"] = l.churned_before;
    out["not_yet_customers"] = l.not_yet_customers;
    return out;
  }, py::arg("churned_at"), py::arg("signup_times"), py::arg("as_of"), py::arg("horizon_ns"),
     "Churn labels over (as_of, as_of + horizon]: 1, 0, or -1 (left out).");

  m.def("check_time_split", [](int64_t train_as_of, int64_t test_as_of, int64_t horizon_ns,
                               int64_t observed_until) {
    ThrowIfError(CheckTimeSplit(train_as_of, test_as_of, horizon_ns, observed_until));
  }, py::arg("train_as_of"), py::arg("test_as_of"), py::arg("horizon_ns"),
     py::arg("observed_until"), "Raises ValueError if the split is not honest.");
}

}  // namespace npscore::python
