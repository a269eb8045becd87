#include "npscore/clv.h"
