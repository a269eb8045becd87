#include "npscore/priority.h"

#include <gtest/gtest.h>
