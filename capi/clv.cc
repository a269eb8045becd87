// The C ABI of the clv module (npscore/c_api.h): thin wrappers over
// npscore/clv.h.

#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/clv.h"
