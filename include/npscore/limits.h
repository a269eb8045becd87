// npscore/limits.h: the bounds shared by several modules.
//
// Every size, count and thread argument of npscore has a documented upper
// bound, so that no integer a caller passes can make the library allocate
// without limit or run for hours: a value beyond its bound is an error that
// names the argument and the bound. The bounds of one module are declared in
// its header (e.g. kMaxReliabilityBins in churn.h); those shared by several
// modules are here. The C ABI repeats them as NPSCORE_MAX_* macros.

#ifndef NPSCORE_LIMITS_H_
#define NPSCORE_LIMITS_H_

namespace npscore {

// Worker threads of one call (0 asks for an automatic number). More threads
// than cores only add overhead, and each holds its own accumulators: 256 is
// above the cores of today's largest two-socket servers.
inline constexpr int kMaxThreads = 256;

// Iterations of an iterative fit (the churn model's max_iter, the CLV
// models' max_iterations). Newton's method converges in tens of steps; a fit
// that needs more will not converge, and only spends time.
inline constexpr int kMaxIterations = 10000;

}  // namespace npscore

#endif  // NPSCORE_LIMITS_H_
