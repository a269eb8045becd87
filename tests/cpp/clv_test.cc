#include "npscore/clv.h"

#include <gtest/gtest.h>
