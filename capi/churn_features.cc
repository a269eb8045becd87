// The C ABI of churn features (npscore/c_api.h).

#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"
