// Python bindings of npscore/churn.h (model section): thin wrappers; the
// estimator class with pandas conveniences is npscore.churn.ChurnModel.

#include "npscore/churn.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "common.h"

namespace npscore::python {
namespace {

using Array2 = py::array_t<double>;

template <typename V>
py::array_t<V> ToArray(const std::vector<V>& v) {
  return py::array_t<V>(static_cast<py::ssize_t>(v.size()), v.data());
}

// A view of a 2-D float64 array, C- or Fortran-contiguous (no copy); other
// arrays are copied to C order by the caller (npscore.churn).
MatrixView ViewMatrix(const py::array& X) {
  if (X.ndim() != 2) {
    throw py::value_error("X must be two-dimensional, got " + std::to_string(X.ndim()) +
                          " dimensions");
  }
  // Equivalent, not identical, dtypes: a read-only memmap carries its own float64 descriptor.
  if (!py::isinstance<py::array_t<double>>(X)) throw py::type_error("X must be float64");
  MatrixView v;
  v.rows = static_cast<size_t>(X.shape(0));
  v.cols = static_cast<size_t>(X.shape(1));
  if (X.flags() & py::array::c_style) {
    v.row_major = true;
  } else if (X.flags() & py::array::f_style) {
    v.row_major = false;
  } else {
    throw py::value_error("X must be contiguous (C or Fortran order)");
  }
  v.values = absl::Span<const double>(static_cast<const double*>(X.data()), v.rows * v.cols);
  return v;
}

absl::Span<const double> Vector(const py::array_t<double, py::array::c_style>& a,
                                const char* name) {
  CheckVector(a, name);
  return View<double>(a);
}

SegmentRate ReadRate(const py::handle& v, const char* name, double default_horizon) {
  if (py::isinstance<py::tuple>(v) || py::isinstance<py::list>(v)) {
    const auto seq = v.cast<std::vector<double>>();
    if (seq.size() != 2) {
      throw py::value_error(std::string("rate of ") + name +
                            " must be a rate or a (rate, horizon_days) pair");
    }
    return {seq[0], seq[1]};
  }
  return {v.cast<double>(), default_horizon};
}

ChurnFitOptions MakeFitOptions(double C, bool fit_intercept, bool standardize,
                               const std::vector<double>& class_weight, bool balanced, double tol,
                               int max_iter, int threads) {
  ChurnFitOptions o;
  o.C = C;
  o.fit_intercept = fit_intercept;
  o.standardize = standardize;
  o.class_weight = class_weight;
  o.balanced_class_weight = balanced;
  o.tol = tol;
  o.max_iter = max_iter;
  o.threads = threads;
  return o;
}

}  // namespace

void BindChurn(py::module_& m) {
  py::class_<ChurnModel> model(m, "_ChurnModel");
  DefReduce(model);  // pickle protocols 0 and 1 too
  model
      .def_property_readonly("coef", [](const ChurnModel& c) { return ToArray(c.coef); })
      .def_readonly("intercept", &ChurnModel::intercept)
      .def_readonly("feature_names", &ChurnModel::feature_names)
      .def_property_readonly("reference", [](const ChurnModel& c) { return ToArray(c.reference); })
      .def_property_readonly("mean", [](const ChurnModel& c) { return ToArray(c.mean); })
      .def_property_readonly("scale", [](const ChurnModel& c) { return ToArray(c.scale); })
      .def_property_readonly("n_iter", [](const ChurnModel& c) { return c.info.n_iter; })
      .def_property_readonly("converged", [](const ChurnModel& c) { return c.info.converged; })
      .def_property_readonly("grad_norm", [](const ChurnModel& c) { return c.info.grad_norm; })
      .def_property_readonly("objective", [](const ChurnModel& c) { return c.info.objective; })
      .def_property_readonly("warnings", [](const ChurnModel& c) { return c.info.warnings; })
      .def_readonly("is_prior", &ChurnModel::is_prior)
      .def_property_readonly("design", [](const ChurnModel& c) -> py::object {
        if (!c.design.has_value()) return py::none();
        return py::cast(*c.design);
      })
      .def_readonly("horizon_days", &ChurnModel::horizon_days)
      .def_property_readonly("C", [](const ChurnModel& c) { return c.options.C; })
      .def_property_readonly("fit_intercept",
                             [](const ChurnModel& c) { return c.options.fit_intercept; })
      .def_property_readonly("standardize",
                             [](const ChurnModel& c) { return c.options.standardize; })
      .def_property_readonly("tol", [](const ChurnModel& c) { return c.options.tol; })
      .def_property_readonly("max_iter", [](const ChurnModel& c) { return c.options.max_iter; })
      .def_property_readonly("class_weight", [](const ChurnModel& c) -> py::object {
        if (c.options.balanced_class_weight) return py::str("balanced");
        if (c.options.class_weight.empty()) return py::none();
        py::dict d;
        d[py::int_(0)] = c.options.class_weight[0];
        d[py::int_(1)] = c.options.class_weight[1];
        return d;
      })
      // pickle, copy.deepcopy and joblib through the core's versioned model
      // format (SerializeChurnModel): every field is stored, so a round trip
      // predicts bit for bit the same.
      .def(py::pickle(
          [](const ChurnModel& c) { return py::bytes(SerializeChurnModel(c)); },
          [](const py::bytes& b) { return ValueOrThrow(ParseChurnModel(std::string(b))); }))
      .def("__copy__", [](const ChurnModel& c) { return ChurnModel(c); })
      .def("__deepcopy__", [](const ChurnModel& c, const py::dict&) { return ChurnModel(c); },
           py::arg("memo"));

  m.def(
      "churn_fit",
      [](const py::array& X, const py::array_t<double, py::array::c_style>& y,
         const py::object& sample_weight, const std::vector<std::string>& names, double C,
         bool fit_intercept, bool standardize, const std::vector<double>& class_weight,
         bool balanced, double tol, int max_iter, int threads, const py::object& design) {
        const MatrixView v = ViewMatrix(X);
        const absl::Span<const double> ys = Vector(y, "y");
        py::array_t<double, py::array::c_style> hold;
        const absl::Span<const double> w = OptionalColumn(sample_weight, hold, "sample_weight");
        const ChurnFitOptions o = MakeFitOptions(C, fit_intercept, standardize, class_weight,
                                                 balanced, tol, max_iter, threads);
        absl::StatusOr<ChurnModel> r;
        {
          py::gil_scoped_release release;
          r = FitChurnModel(v, ys, w, o, names);
        }
        ChurnModel model = ValueOrThrow(std::move(r));
        if (!design.is_none()) {
          ThrowIfError(AttachChurnDesign(design.cast<ChurnDesign>(), &model));
        }
        return model;
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("names"), py::arg("C"),
      py::arg("fit_intercept"), py::arg("standardize"), py::arg("class_weight"),
      py::arg("balanced"), py::arg("tol"), py::arg("max_iter"), py::arg("threads"),
      py::arg("design") = py::none(),
      "Fits the L2 logistic churn model (npscore/churn.h FitChurnModel), carrying `design`.");

  m.def(
      "churn_check_columns",
      [](const ChurnModel& model, const std::vector<std::string>& names) {
        ThrowIfError(CheckChurnColumns(model, names));
      },
      py::arg("model"), py::arg("names"),
      "Raises ValueError unless `names` are the model's design (or feature) columns, in order.");

  m.def(
      "churn_explain",
      [](const ChurnModel& model, const py::array& X, int top, int threads) {
        const MatrixView v = ViewMatrix(X);
        if (top < 0) throw py::value_error("top is " + std::to_string(top) + ": it must be >= 0");
        const auto n = static_cast<py::ssize_t>(v.rows);
        py::array_t<double> proba(n);
        py::array_t<int32_t> features({n, static_cast<py::ssize_t>(top)});
        py::array_t<double> contrib({n, static_cast<py::ssize_t>(top)});
        const size_t k = v.rows * static_cast<size_t>(top);
        absl::Status st;
        {
          py::gil_scoped_release release;
          st = ExplainChurn(model, v, top, absl::Span<double>(proba.mutable_data(), v.rows),
                            absl::Span<int32_t>(features.mutable_data(), k),
                            absl::Span<double>(contrib.mutable_data(), k), threads);
        }
        ThrowIfError(st);
        return py::make_tuple(proba, features, contrib);
      },
      py::arg("model"), py::arg("X"), py::arg("top"), py::arg("threads") = 0,
      "P(churn), and the top reasons per row: column indices (-1: none) and log-odds contributions.");

  m.def(
      "churn_reason_rules",
      [](const std::vector<std::string>& names) {
        py::list out;
        for (const ChurnReasonRule& r : DefaultChurnReasonRules(names)) {
          out.append(py::make_tuple(r.group, r.direction, r.when_column, r.when_above));
        }
        return out;
      },
      py::arg("names"),
      "The reason rules of columns named as churn_features names them (npscore/churn.h "
      "DefaultChurnReasonRules): (group, direction, when_column, when_above) per column.");

  m.def(
      "churn_predict",
      [](const ChurnModel& model, const py::array& X) {
        const MatrixView v = ViewMatrix(X);
        py::array_t<double> proba(static_cast<py::ssize_t>(v.rows));
        absl::Status st;
        {
          py::gil_scoped_release release;
          st = PredictChurn(model, v, absl::Span<double>(proba.mutable_data(), v.rows));
        }
        ThrowIfError(st);
        return proba;
      },
      py::arg("model"), py::arg("X"), "P(churn) per row (npscore/churn.h PredictChurn).");

  m.def(
      "churn_prior",
      [](double horizon_days, const py::dict& rates, const py::dict& columns) {
        ChurnPriorRates r;
        for (const auto& item : rates) {
          const std::string key = py::str(item.first);
          SegmentRate* slot = key == "detractor"              ? &r.detractor
                              : key == "early_life_detractor" ? &r.early_life_detractor
                              : key == "passive"              ? &r.passive
                              : key == "promoter"             ? &r.promoter
                              : key == "baseline"             ? &r.baseline
                                                              : nullptr;
          if (slot == nullptr) {
            throw py::value_error("unknown segment \"" + key +
                                  "\" in rates: use detractor, early_life_detractor, passive, "
                                  "promoter or baseline");
          }
          *slot = ReadRate(item.second, key.c_str(), slot->horizon_days);
        }
        ChurnPriorColumns c;
        for (const auto& item : columns) {
          const std::string key = py::str(item.first);
          const std::string value = py::str(item.second);
          if (key == "detractor") c.detractor = value;
          else if (key == "passive") c.passive = value;
          else if (key == "answered") c.answered = value;
          else if (key == "early_life_detractor") c.early_life_detractor = value;
          else throw py::value_error("unknown prior column role \"" + key +
                                     "\": use detractor, passive, answered or early_life_detractor");
        }
        return ValueOrThrow(PriorChurnModel(horizon_days, r, c));
      },
      py::arg("horizon_days"), py::arg("rates"), py::arg("columns"));

  m.def(
      "churn_prior_rates",
      []() {
        const ChurnPriorRates r;
        py::dict d;
        d["detractor"] = py::make_tuple(r.detractor.rate, r.detractor.horizon_days);
        d["early_life_detractor"] =
            py::make_tuple(r.early_life_detractor.rate, r.early_life_detractor.horizon_days);
        d["passive"] = py::make_tuple(r.passive.rate, r.passive.horizon_days);
        d["promoter"] = py::make_tuple(r.promoter.rate, r.promoter.horizon_days);
        d["baseline"] = py::make_tuple(r.baseline.rate, r.baseline.horizon_days);
        return d;
      },
      "The default segment rates of the prior model: {segment: (rate, horizon_days)}.");

  m.def("churn_convert_horizon", &ConvertHorizon, py::arg("rate"), py::arg("from_days"),
        py::arg("horizon_days"));

  m.def(
      "churn_evaluate",
      [](const py::array_t<double, py::array::c_style>& y,
         const py::array_t<double, py::array::c_style>& p, int bins) {
        const auto ys = Vector(y, "y_true");
        const auto ps = Vector(p, "p");
        absl::StatusOr<ChurnEvaluation> r;
        {
          py::gil_scoped_release release;
          r = EvaluateChurn(ys, ps, bins);
        }
        const ChurnEvaluation e = ValueOrThrow(std::move(r));
        py::dict d;
        d["n"] = e.n;
        d["positives"] = e.positives;
        d["auc"] = e.auc;
        d["brier"] = e.brier;
        d["log_loss"] = e.log_loss;
        d["base_rate"] = e.base_rate;
        d["top_decile_rate"] = e.top_decile_rate;
        d["lift"] = e.lift;
        std::vector<int64_t> count;
        std::vector<double> mp, obs;
        for (const auto& b : e.reliability) {
          count.push_back(b.count);
          mp.push_back(b.mean_predicted);
          obs.push_back(b.observed_rate);
        }
        d["count"] = ToArray(count);
        d["mean_predicted"] = ToArray(mp);
        d["observed_rate"] = ToArray(obs);
        return d;
      },
      py::arg("y_true"), py::arg("p"), py::arg("bins"));

  m.def(
      "churn_folds",
      [](size_t n, int k, uint64_t seed) {
        return ToArray(ValueOrThrow(ChurnFolds(n, k, seed)));
      },
      py::arg("n"), py::arg("k"), py::arg("seed"),
      "The fold of each of n rows (npscore/churn.h ChurnFolds).");

  m.def(
      "churn_cross_validate",
      [](const py::array& X, const py::array_t<double, py::array::c_style>& y,
         const py::object& sample_weight, double C, bool fit_intercept, bool standardize,
         const std::vector<double>& class_weight, bool balanced, double tol, int max_iter,
         int threads, int k, uint64_t seed, int bins) {
        const MatrixView v = ViewMatrix(X);
        const absl::Span<const double> ys = Vector(y, "y");
        py::array_t<double, py::array::c_style> hold;
        const absl::Span<const double> w = OptionalColumn(sample_weight, hold, "sample_weight");
        const ChurnFitOptions o = MakeFitOptions(C, fit_intercept, standardize, class_weight,
                                                 balanced, tol, max_iter, threads);
        absl::StatusOr<std::vector<ChurnFold>> r;
        {
          py::gil_scoped_release release;
          r = CrossValidateChurn(v, ys, w, o, k, seed, bins);
        }
        const std::vector<ChurnFold> folds = ValueOrThrow(std::move(r));
        std::vector<int64_t> fold, n_train, n_test, n_iter;
        std::vector<double> auc, brier, log_loss, lift;
        for (const ChurnFold& f : folds) {
          fold.push_back(f.fold);
          n_train.push_back(f.n_train);
          n_test.push_back(f.n_test);
          auc.push_back(f.evaluation.auc);
          brier.push_back(f.evaluation.brier);
          log_loss.push_back(f.evaluation.log_loss);
          lift.push_back(f.evaluation.lift);
          n_iter.push_back(f.n_iter);
        }
        py::dict d;
        d["fold"] = ToArray(fold);
        d["n_train"] = ToArray(n_train);
        d["n_test"] = ToArray(n_test);
        d["auc"] = ToArray(auc);
        d["brier"] = ToArray(brier);
        d["log_loss"] = ToArray(log_loss);
        d["lift"] = ToArray(lift);
        d["n_iter"] = ToArray(n_iter);
        return d;
      },
      py::arg("X"), py::arg("y"), py::arg("sample_weight"), py::arg("C"),
      py::arg("fit_intercept"), py::arg("standardize"), py::arg("class_weight"),
      py::arg("balanced"), py::arg("tol"), py::arg("max_iter"), py::arg("threads"), py::arg("k"),
      py::arg("seed"), py::arg("bins"),
      "k-fold cross-validation of the churn model (npscore/churn.h CrossValidateChurn).");

  m.def(
      "churn_prior_proba",
      [](const py::array& X, const std::vector<std::string>& names,
         double horizon_days) -> py::object {
        const MatrixView v = ViewMatrix(X);
        std::vector<double> p(v.rows);
        absl::StatusOr<bool> has;
        {
          py::gil_scoped_release release;
          has = PredictChurnPrior(v, names, horizon_days, absl::MakeSpan(p));
        }
        if (!ValueOrThrow(std::move(has))) return py::none();
        return ToArray(p);
      },
      py::arg("X"), py::arg("names"), py::arg("horizon_days"),
      "P(churn) of the prior for a features matrix with columns `names`, or None when it "
      "lacks the prior's columns (npscore/churn.h PredictChurnPrior).");

  m.def("churn_serialize", [](const ChurnModel& model) {
    return py::bytes(SerializeChurnModel(model));
  });
  m.def("churn_parse", [](const py::bytes& b) {
    return ValueOrThrow(ParseChurnModel(std::string(b)));
  });
  m.def(
      "churn_save",
      [](const ChurnModel& model, const std::string& path) {
        ThrowIfError(SaveChurnModel(model, path));
      },
      py::arg("model"), py::arg("path"));
  m.def(
      "churn_load", [](const std::string& path) { return ValueOrThrow(LoadChurnModel(path)); },
      py::arg("path"));
}

}  // namespace npscore::python
