// The compiled module npscore._npscore. Each capability binds itself from its
// own file (nps.cc, ...); this file only assembles them.

#include <pybind11/pybind11.h>

#include "npscore/churn.h"
#include "npscore/clv.h"
#include "npscore/health.h"
#include "npscore/limits.h"
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
  m.attr("limits") = limits;
  npscore::python::BindNps(m);
  npscore::python::BindHealth(m);
  npscore::python::BindChurn(m);
  npscore::python::BindChurnFeatures(m);
  npscore::python::BindClv(m);
  npscore::python::BindPriority(m);
  npscore::python::BindThemes(m);
}
