// Two-sample tests of the nps module for other modules of the core (health's
// period-change tests): the same tests as Compare, without the interval.

#ifndef NPSCORE_SRC_INTERNAL_TWO_SAMPLE_H_
#define NPSCORE_SRC_INTERNAL_TWO_SAMPLE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "npscore/nps.h"

namespace npscore {
namespace internal {

// Compare(a, b, options) without the interval (ci_low and ci_high are NaN):
// the same diff, se, z, p_value and test, at the cost of the test alone.
absl::StatusOr<Comparison> CompareTestOnly(const Summary& a, const Summary& b,
                                           const CompareOptions& options = {});

// The two-sided p-value of a change in one segment's share, k1 of n1 against
// k2 of n2, by the rule of CompareTest::kAuto: the exact mid-p permutation
// test of |k1/n1 - k2/n2| given k1 + k2 when the smaller sample has fewer than
// kExactBelow respondents, else the pooled two-proportion z-test (the score
// test of equal shares). NaN if n1 or n2 is not positive.
double ShareChangeP(int64_t k1, int64_t n1, int64_t k2, int64_t n2);

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_TWO_SAMPLE_H_
