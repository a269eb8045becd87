#include "npscore/themes.h"

#include <gtest/gtest.h>
