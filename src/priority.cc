#include "npscore/priority.h"
