#include "npscore/churn.h"

#include <gtest/gtest.h>
