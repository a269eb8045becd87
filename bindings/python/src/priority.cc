// Python bindings of npscore/priority.h.

#include "npscore/priority.h"

#include <pybind11/pybind11.h>

#include "common.h"

namespace npscore::python {

void BindPriority(py::module_& m) { (void)m; }

}  // namespace npscore::python
