// Every public header compiles together in one translation unit, in any
// order: a constant declared by two headers would break programs that use
// both modules.

#include "npscore/priority.h"
#include "npscore/themes.h"
#include "npscore/churn.h"
#include "npscore/clv.h"
#include "npscore/health.h"
#include "npscore/nps.h"
#include "npscore/version.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace npscore {
namespace {

TEST(PublicHeaders, CompileTogetherAndShareTheMissingSegmentCode) {
  // The code of "no segment" cannot be confused with -1 / 0 / +1.
  static_assert(kNoSegment == INT8_MIN, "kNoSegment is INT8_MIN");
  EXPECT_NE(kNoSegment, static_cast<int8_t>(Segment::kDetractor));
  EXPECT_NE(kNoSegment, static_cast<int8_t>(Segment::kPassive));
  EXPECT_NE(kNoSegment, static_cast<int8_t>(Segment::kPromoter));
}

}  // namespace
}  // namespace npscore
