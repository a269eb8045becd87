// The C ABI of the churn module (npscore/c_api.h): thin wrappers over
// npscore/churn.h.

#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"
