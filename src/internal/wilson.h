// src/internal/wilson.h: the Wilson score interval of a proportion, shared by health (segment
// shares) and loop (SLA compliance, recovery rates).

#ifndef NPSCORE_SRC_INTERNAL_WILSON_H_
#define NPSCORE_SRC_INTERNAL_WILSON_H_

#include <algorithm>
#include <cmath>
#include <limits>

namespace npscore {
namespace internal {

// The interval of k successes in n trials at critical value z, clipped to
// [0, 1]; NaN for n <= 0.
inline void WilsonInterval(double k, double n, double z, double* low, double* high) {
  if (!(n > 0)) {
    *low = *high = std::numeric_limits<double>::quiet_NaN();
    return;
  }
  const double p = k / n, z2 = z * z;
  const double denom = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / denom;
  const double half = z * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  *low = std::max(0.0, center - half);
  *high = std::min(1.0, center + half);
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_WILSON_H_
