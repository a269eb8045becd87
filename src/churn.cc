#include "npscore/churn.h"
