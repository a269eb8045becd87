// Python bindings of npscore/clv.h: thin wrappers over numpy columns. The
// pandas conveniences and the estimator classes are in npscore/clv.py.

#include "npscore/clv.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <tuple>
#include <vector>

#include "common.h"

namespace npscore::python {
namespace {

using F64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
using I64 = py::array_t<int64_t, py::array::c_style>;

absl::Span<const double> Col(const F64& a, const char* name) {
  CheckVector(a, name);
  return View<double>(a);
}

FitOptions MakeFitOptions(double penalizer, int max_iterations, double tolerance,
                          const std::string& nonpositive_spend = "error") {
  FitOptions o;
  o.penalizer = penalizer;
  o.max_iterations = max_iterations;
  o.tolerance = tolerance;
  if (nonpositive_spend == "exclude") {
    o.nonpositive_spend = FitOptions::NonPositiveSpend::kExclude;
  } else if (nonpositive_spend != "error") {
    throw py::value_error("nonpositive_spend is \"" + nonpositive_spend +
                          "\": use \"error\" or \"exclude\"");
  }
  return o;
}

// A row-major D x D covariance as a numpy matrix.
py::array_t<double> Matrix(std::vector<double> v, py::ssize_t d) {
  return Array(std::move(v)).attr("reshape")(d, d).cast<py::array_t<double>>();
}

py::dict InfoDict(const FitInfo& info) {
  py::dict d;
  d["log_likelihood"] = info.log_likelihood;
  d["objective"] = info.objective;
  d["gradient_norm"] = info.gradient_norm;
  d["iterations"] = info.iterations;
  d["converged"] = info.converged;
  d["customers"] = info.customers;
  d["excluded"] = info.excluded;
  return d;
}

using BgTuple = std::tuple<double, double, double, double>;
using GgTuple = std::tuple<double, double, double>;

BetaGeoParams Bg(const BgTuple& t) {
  return {std::get<0>(t), std::get<1>(t), std::get<2>(t), std::get<3>(t)};
}
GammaGammaParams Gg(const GgTuple& t) { return {std::get<0>(t), std::get<1>(t), std::get<2>(t)}; }

}  // namespace

void BindClv(py::module_& m) {
  m.def(
      "rfm_summary",
      [](const I64& customers, int64_t n_customers, const I64& times, const py::object& amounts,
         int64_t observation_end, const std::string& freq) {
        CheckVector(customers, "customers");
        CheckVector(times, "times");
        F64 hold;
        absl::Span<const double> am;
        if (!amounts.is_none()) {
          hold = amounts.cast<F64>();
          am = Col(hold, "amounts");
        }
        const RfmUnit f = ValueOrThrow(ParseRfmUnit(freq));
        RfmSummary s;
        {
          py::gil_scoped_release release;
          s = ValueOrThrow(SummarizeRfm(View<int64_t>(customers), n_customers, View<int64_t>(times),
                                        am, observation_end, f));
        }
        py::dict d;
        d["frequency"] = Array(std::move(s.frequency));
        d["recency"] = Array(std::move(s.recency));
        d["T"] = Array(std::move(s.T));
        d["monetary_value"] = Array(std::move(s.monetary_value));
        d["transactions"] = Array(std::move(s.transactions));
        return d;
      },
      py::arg("customers"), py::arg("n_customers"), py::arg("times"), py::arg("amounts"),
      py::arg("observation_end"), py::arg("freq"));

  m.def(
      "clv_periods_per_month",
      [](const std::string& freq) { return PeriodsPerMonth(ValueOrThrow(ParseRfmUnit(freq))); },
      py::arg("freq"));

  m.def(
      "fit_beta_geo",
      [](const F64& frequency, const F64& recency, const F64& T, const py::object& weights,
         double penalizer, int max_iterations, double tolerance) {
        py::array_t<double, py::array::c_style> hold;
        const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
        const auto fx = Col(frequency, "frequency"), rx = Col(recency, "recency"), tx = Col(T, "T");
        BetaGeoFit fit;
        {
          py::gil_scoped_release release;
          fit = ValueOrThrow(
              FitBetaGeo(fx, rx, tx, w, MakeFitOptions(penalizer, max_iterations, tolerance)));
        }
        return std::make_tuple(
            BgTuple{fit.params.r, fit.params.alpha, fit.params.a, fit.params.b}, InfoDict(fit.info));
      },
      py::arg("frequency"), py::arg("recency"), py::arg("T"), py::arg("weights"),
      py::arg("penalizer"), py::arg("max_iterations"), py::arg("tolerance"));

  m.def(
      "beta_geo_probability_alive",
      [](const BgTuple& params, const F64& frequency, const F64& recency, const F64& T) {
        const auto fx = Col(frequency, "frequency"), rx = Col(recency, "recency"), tx = Col(T, "T");
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(BetaGeoProbabilityAlive(Bg(params), fx, rx, tx));
        }
        return Array(std::move(out));
      },
      py::arg("params"), py::arg("frequency"), py::arg("recency"), py::arg("T"));

  m.def(
      "beta_geo_expected_purchases",
      [](const BgTuple& params, double t, const F64& frequency, const F64& recency, const F64& T) {
        const auto fx = Col(frequency, "frequency"), rx = Col(recency, "recency"), tx = Col(T, "T");
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(BetaGeoExpectedPurchases(Bg(params), t, fx, rx, tx));
        }
        return Array(std::move(out));
      },
      py::arg("params"), py::arg("t"), py::arg("frequency"), py::arg("recency"), py::arg("T"));

  m.def(
      "fit_gamma_gamma",
      [](const F64& frequency, const F64& monetary_value, const py::object& weights,
         double penalizer, int max_iterations, double tolerance,
         const std::string& nonpositive_spend) {
        py::array_t<double, py::array::c_style> hold;
        const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
        const auto fx = Col(frequency, "frequency"), mx = Col(monetary_value, "monetary_value");
        const FitOptions o = MakeFitOptions(penalizer, max_iterations, tolerance,
                                            nonpositive_spend);
        GammaGammaFit fit;
        {
          py::gil_scoped_release release;
          fit = ValueOrThrow(FitGammaGamma(fx, mx, w, o));
        }
        return std::make_tuple(GgTuple{fit.params.p, fit.params.q, fit.params.v},
                               InfoDict(fit.info));
      },
      py::arg("frequency"), py::arg("monetary_value"), py::arg("weights"), py::arg("penalizer"),
      py::arg("max_iterations"), py::arg("tolerance"), py::arg("nonpositive_spend") = "error");

  m.def(
      "beta_geo_covariance",
      [](const BgTuple& params, const F64& frequency, const F64& recency, const F64& T,
         const py::object& weights, double penalizer) {
        py::array_t<double, py::array::c_style> hold;
        const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
        const auto fx = Col(frequency, "frequency"), rx = Col(recency, "recency"), tx = Col(T, "T");
        FitOptions o;
        o.penalizer = penalizer;
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(BetaGeoCovariance(Bg(params), fx, rx, tx, w, o));
        }
        return Matrix(std::move(out), 4);
      },
      py::arg("params"), py::arg("frequency"), py::arg("recency"), py::arg("T"),
      py::arg("weights"), py::arg("penalizer"));

  m.def(
      "gamma_gamma_covariance",
      [](const GgTuple& params, const F64& frequency, const F64& monetary_value,
         const py::object& weights, double penalizer, const std::string& nonpositive_spend) {
        py::array_t<double, py::array::c_style> hold;
        const absl::Span<const double> w = OptionalColumn(weights, hold, "weights");
        const auto fx = Col(frequency, "frequency"), mx = Col(monetary_value, "monetary_value");
        FitOptions o = MakeFitOptions(penalizer, FitOptions{}.max_iterations,
                                      FitOptions{}.tolerance, nonpositive_spend);
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(GammaGammaCovariance(Gg(params), fx, mx, w, o));
        }
        return Matrix(std::move(out), 3);
      },
      py::arg("params"), py::arg("frequency"), py::arg("monetary_value"), py::arg("weights"),
      py::arg("penalizer"), py::arg("nonpositive_spend"));

  m.def(
      "beta_geo_unconditional_purchases",
      [](const BgTuple& params, const F64& t) {
        const auto ts = Col(t, "t");
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(BetaGeoUnconditionalPurchases(Bg(params), ts));
        }
        return Array(std::move(out));
      },
      py::arg("params"), py::arg("t"));

  m.def(
      "beta_geo_purchase_probability",
      [](const BgTuple& params, const F64& t, const F64& n) {
        const auto ts = Col(t, "t"), ns = Col(n, "n");
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(BetaGeoPurchaseProbability(Bg(params), ts, ns));
        }
        return Array(std::move(out));
      },
      py::arg("params"), py::arg("t"), py::arg("n"));

  m.def(
      "gamma_gamma_expected_profit",
      [](const GgTuple& params, const F64& frequency, const F64& monetary_value) {
        const auto fx = Col(frequency, "frequency"), mx = Col(monetary_value, "monetary_value");
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(GammaGammaExpectedProfit(Gg(params), fx, mx));
        }
        return Array(std::move(out));
      },
      py::arg("params"), py::arg("frequency"), py::arg("monetary_value"));

  m.def(
      "customer_lifetime_value",
      [](const BgTuple& bg, const GgTuple& gg, const F64& frequency, const F64& recency,
         const F64& T, const F64& monetary_value, int months, double discount_rate,
         double periods_per_month) {
        const auto fx = Col(frequency, "frequency"), rx = Col(recency, "recency"), tx = Col(T, "T"),
                   mx = Col(monetary_value, "monetary_value");
        ClvOptions o;
        o.months = months;
        o.discount_rate = discount_rate;
        o.periods_per_month = periods_per_month;
        std::vector<double> out;
        {
          py::gil_scoped_release release;
          out = ValueOrThrow(CustomerLifetimeValue(Bg(bg), Gg(gg), fx, rx, tx, mx, o));
        }
        return Array(std::move(out));
      },
      py::arg("bg"), py::arg("gg"), py::arg("frequency"), py::arg("recency"), py::arg("T"),
      py::arg("monetary_value"), py::arg("months"), py::arg("discount_rate"),
      py::arg("periods_per_month"));
}

}  // namespace npscore::python
