// The compiled module npscore._npscore. Each capability binds itself from its
// own file (nps.cc, ...); this file only assembles them.

#include <pybind11/pybind11.h>

#include "npscore/churn.h"
#include "npscore/clv.h"
#include "npscore/health.h"
#include "npscore/limits.h"
#include "npscore/loop.h"
#include "npscore/nps.h"
#include "npscore/priority.h"
#include "npscore/survey.h"
#include "npscore/version.h"

namespace py = pybind11;

namespace npscore::python {
void BindNps(py::module_& m);
void BindHealth(py::module_& m);
void BindChurn(py::module_& m);
void BindChurnFeatures(py::module_& m);
void BindClv(py::module_& m);
void BindPriority(py::module_& m);
void BindThemes(py::module_& m);
void BindSurvey(py::module_& m);
void BindLoop(py::module_& m);
void BindMonitor(py::module_& m);
}  // namespace npscore::python

PYBIND11_MODULE(_npscore, m) {
  m.doc() = "npscore's compiled core; use the `npscore` package instead.";
  m.attr("__version__") = NPSCORE_VERSION_STRING;
  m.attr("version_number") = NPSCORE_VERSION_NUMBER;
  // The core's documented bounds that the Python layer checks before
  // converting an argument (npscore._args): name -> largest allowed value.
  py::dict limits;
  limits["threads"] = npscore::kMaxThreads;
  limits["iterations"] = npscore::kMaxIterations;
  limits["reasons"] = npscore::kMaxReasons;
  limits["bins"] = npscore::kMaxReliabilityBins;
  limits["months"] = npscore::kMaxClvMonths;
  limits["trend_periods"] = npscore::kMaxTrendPeriods;
  limits["horizon_days"] = npscore::kMaxChurnHorizonDays;
  limits["cohorts"] = npscore::kMaxSurveyCohorts;
  limits["planned_count"] = npscore::kMaxPlannedCount;
  m.attr("limits") = limits;
  // The core's defaults, read from its option structs and constants (where
  // each is written once), for the Python layer's module constants and
  // signature defaults: name -> value.
  py::dict defaults;
  const npscore::Cutoffs cutoffs;
  defaults["cutoffs"] = py::make_tuple(cutoffs.detractor_max, cutoffs.passive_max,
                                       cutoffs.scale_max);
  const npscore::IntervalOptions interval;
  defaults["confidence"] = interval.confidence;
  defaults["method"] = npscore::IntervalMethodName(interval.method);
  defaults["compare_method"] = npscore::IntervalMethodName(npscore::CompareOptions().method);
  defaults["min_n"] = npscore::GroupOptions().min_n;
  defaults["no_segment"] = npscore::kNoSegment;
  defaults["early_life_days"] = npscore::ChurnFeatureOptions().early_life_days;
  const npscore::ChurnFitOptions churn_fit;
  defaults["C"] = churn_fit.C;
  defaults["tol"] = churn_fit.tol;
  defaults["max_iter"] = churn_fit.max_iter;
  const npscore::FitOptions clv_fit;
  defaults["penalizer"] = clv_fit.penalizer;
  defaults["max_iterations"] = clv_fit.max_iterations;
  defaults["tolerance"] = clv_fit.tolerance;
  const npscore::ClvOptions clv;
  defaults["months"] = clv.months;
  defaults["discount_rate"] = clv.discount_rate;
  const npscore::PriorityOptions priority;
  defaults["sla_hours"] = priority.sla_hours;
  defaults["passive_sla_hours"] = priority.passive_sla_hours;
  defaults["promoter_sla_hours"] = priority.promoter_sla_hours;
  defaults["urgency_hours"] = priority.urgency_hours;
  defaults["window_hours"] = priority.window_hours;
  defaults["min_days_between"] = npscore::kDefaultMinDaysBetweenSurveys;
  defaults["cohorts"] = npscore::kDefaultSurveyCohorts;
  defaults["survey_alpha"] = npscore::kDefaultSurveyAlpha;
  defaults["survey_power"] = npscore::kDefaultSurveyPower;
  defaults["survey_assurance"] = npscore::kDefaultSurveyAssurance;
  defaults["loop_sla_hours"] = npscore::LoopMetricsOptions().sla_hours;
  defaults["min_bin_cases"] = npscore::RecoveryLearningOptions().min_bin_cases;
  defaults["roi_bands"] = npscore::RoiOptions().bands;
  m.attr("defaults") = defaults;
  npscore::python::BindNps(m);
  npscore::python::BindHealth(m);
  npscore::python::BindChurn(m);
  npscore::python::BindChurnFeatures(m);
  npscore::python::BindClv(m);
  npscore::python::BindPriority(m);
  npscore::python::BindThemes(m);
  npscore::python::BindSurvey(m);
  npscore::python::BindLoop(m);
  npscore::python::BindMonitor(m);
}
