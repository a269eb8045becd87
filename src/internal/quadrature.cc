#include "src/internal/quadrature.h"

#include <cmath>
#include <cstddef>
#include <vector>

#include "src/internal/special_functions.h"

namespace npscore {
namespace internal {

TanhSinh::TanhSinh() {
  const int K = static_cast<int>(kMax / kStep);
  const double half_pi = 1.5707963267948966;
  for (int k = -K; k <= K; ++k) {
    const double t = k * kStep;
    const double s = half_pi * std::sinh(t);
    // p = 1 / (1 + e^{-2s}), 1 - p = 1 / (1 + e^{2s}), both without cancellation.
    const double lp = -std::log1p(std::exp(-2 * s));
    const double lq = -std::log1p(std::exp(2 * s));
    const double dpdt = half_pi * std::cosh(t) * std::exp(lp + lq) * 2;
    if (!(dpdt > 0)) continue;
    p.push_back(std::exp(lp));
    log_p.push_back(lp);
    log_q.push_back(lq);
    weight.push_back(kStep * dpdt);
  }
}

const TanhSinh& Nodes() {
  static const TanhSinh* nodes = new TanhSinh();
  return *nodes;
}

BetaWeights MakeBetaWeights(double a, double beta) {
  const TanhSinh& ts = Nodes();
  const double log_beta = LogGamma(a) + LogGamma(beta) - LogGamma(a + beta);
  std::vector<double> w(ts.p.size());
  double total = 0;
  for (size_t k = 0; k < w.size(); ++k) {
    w[k] = ts.weight[k] * std::exp((a - 1) * ts.log_p[k] + (beta - 1) * ts.log_q[k] - log_beta);
    total += w[k];
  }
  size_t lo = 0, hi = w.size();
  while (lo < hi && w[lo] < 1e-19 * total) ++lo;
  while (hi > lo && w[hi - 1] < 1e-19 * total) --hi;
  BetaWeights out;
  out.first = lo;
  out.w.assign(w.begin() + static_cast<std::ptrdiff_t>(lo), w.begin() + static_cast<std::ptrdiff_t>(hi));
  return out;
}

}  // namespace internal
}  // namespace npscore
