// Python bindings of npscore/themes.h.

#include "npscore/themes.h"

#include <pybind11/pybind11.h>

#include "common.h"

namespace npscore::python {

void BindThemes(py::module_& m) { (void)m; }

}  // namespace npscore::python
