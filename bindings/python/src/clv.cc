// Python bindings of npscore/clv.h.

#include "npscore/clv.h"

#include <pybind11/pybind11.h>

#include "common.h"

namespace npscore::python {

void BindClv(py::module_& m) { (void)m; }

}  // namespace npscore::python
