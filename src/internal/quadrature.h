// Tanh-sinh (double exponential) quadrature on [0, 1] and Beta(a, b)
// weights on its nodes, for expectations over a Beta-distributed
// probability. Private to the core.

#ifndef NPSCORE_SRC_INTERNAL_QUADRATURE_H_
#define NPSCORE_SRC_INTERNAL_QUADRATURE_H_

#include <cstddef>
#include <vector>

namespace npscore {
namespace internal {

// Tanh-sinh (double exponential) nodes on [0, 1]: p, log p, log(1 - p) and
// the weight h dp/dt, for t = k h, |t| <= kMax.
struct TanhSinh {
  static constexpr double kStep = 1.0 / 12;
  static constexpr double kMax = 6.5;
  std::vector<double> p, log_p, log_q, weight;

  TanhSinh();
};

// The nodes, built once.
const TanhSinh& Nodes();

// Quadrature weights of Beta(a, beta) on the tanh-sinh nodes, the negligible
// ones dropped: (first node, weights).
struct BetaWeights {
  size_t first = 0;
  std::vector<double> w;
};

// The weights of Beta(a, beta) on Nodes().
BetaWeights MakeBetaWeights(double a, double beta);

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_QUADRATURE_H_
