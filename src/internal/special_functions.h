// Special functions of the likelihoods: log-gamma without global state and
// digamma. Private to the core.

#ifndef NPSCORE_SRC_INTERNAL_SPECIAL_FUNCTIONS_H_
#define NPSCORE_SRC_INTERNAL_SPECIAL_FUNCTIONS_H_

#include <cmath>

namespace npscore {
namespace internal {

// Log-gamma of x > 0, without touching the global signgam (thread-safe).
inline double LogGamma(double x) {
#if defined(__GLIBC__)
  int sign;
  return lgamma_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}

// Digamma of x > 0: the recurrence up to x >= 10, then the asymptotic series
// (absolute error below 1e-15).
double Digamma(double x);

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_SPECIAL_FUNCTIONS_H_
