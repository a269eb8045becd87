// Python bindings of npscore/churn.h.

#include "npscore/churn.h"

#include <pybind11/pybind11.h>

#include "common.h"

namespace npscore::python {

void BindChurn(py::module_& m) { (void)m; }

}  // namespace npscore::python
