#include "npscore/themes.h"
