// The C ABI of the themes module (npscore/c_api.h): thin wrappers over
// npscore/themes.h.

#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/themes.h"
