// The C ABI of the priority module (npscore/c_api.h): thin wrappers over
// npscore/priority.h.

#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/priority.h"
