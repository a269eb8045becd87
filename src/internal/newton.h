// A Newton minimiser over R^D for smooth likelihoods in log-parameters:
// Newton's method with the analytic gradient, a Hessian by forward
// differences of that gradient, a shift toward gradient descent when the
// Hessian is not positive definite and a backtracking line search. Used by
// the CLV models' fits. Private to the core.

#ifndef NPSCORE_SRC_INTERNAL_NEWTON_H_
#define NPSCORE_SRC_INTERNAL_NEWTON_H_

#include <algorithm>
#include <cmath>
#include <string>

#include <Eigen/Dense>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "npscore/clv.h"

namespace npscore {
namespace internal {

// |log-parameter| beyond which a fit is taken to run off to a boundary:
// during the iterations, and once the gradient vanishes.
constexpr double kRunOff = 25;      // e^25 ~ 7e10
constexpr double kRunOffAtEnd = 18;  // e^18 ~ 7e7

template <int D>
using Vec = Eigen::Matrix<double, D, 1>;

// Minimizes f over R^D from theta0; eval(theta, &f, &grad) returns false when
// f is not finite there.
// `hessian` (may be null): on input, if finite, a Hessian to reuse (e.g. a
// subsample's) until a step needs backtracking; on output, the last one.
template <int D, typename Eval>
absl::StatusOr<Vec<D>> Minimize(const Eval& eval, Vec<D> theta, const FitOptions& options,
                                const char* model, const char* const* names, FitInfo* info,
                                Eigen::Matrix<double, D, D>* hessian_io) {
  double f;
  Vec<D> g;
  if (!eval(theta, &f, &g)) {
    return absl::InternalError(absl::StrCat(model, ": the likelihood is not finite at the start"));
  }
  int it = 0;
  auto describe = [&](const Vec<D>& th) {
    std::string s;
    for (int j = 0; j < D; ++j) {
      absl::StrAppend(&s, j ? ", " : "", names[j], " = ", absl::StrFormat("%.6g", std::exp(th[j])));
    }
    return s;
  };
  // The Hessian at theta by forward differences of the analytic gradient.
  auto hessian = [&]() {
    Eigen::Matrix<double, D, D> H;
    for (int j = 0; j < D; ++j) {
      const double h = 1e-6 * std::max(1.0, std::abs(theta[j]));
      Vec<D> th = theta;
      th[j] += h;
      double fj;
      Vec<D> gj;
      if (!eval(th, &fj, &gj)) {
        th[j] = theta[j] - h;
        if (!eval(th, &fj, &gj)) gj = g;
        gj = g - (gj - g);
      }
      H.col(j) = (gj - g) / h;
    }
    return Eigen::Matrix<double, D, D>(0.5 * (H + H.transpose()));
  };
  Eigen::Matrix<double, D, D> last_hessian;
  bool have_hessian = false, reuse = false;
  if (hessian_io != nullptr && hessian_io->allFinite()) {
    last_hessian = *hessian_io;
    have_hessian = reuse = true;
  }
  for (; it < options.max_iterations; ++it) {
    if (g.cwiseAbs().maxCoeff() < options.tolerance) break;
    const Eigen::Matrix<double, D, D> H = reuse ? last_hessian : hessian();
    last_hessian = H;
    have_hessian = true;
    // Newton step; if H is not positive definite, shift it (Levenberg).
    Vec<D> step = -g;  // gradient descent if no shift helps
    double shift = 0;
    for (int tries = 0; tries < 60; ++tries) {
      Eigen::LLT<Eigen::Matrix<double, D, D>> llt(H + shift * Eigen::Matrix<double, D, D>::Identity());
      if (llt.info() == Eigen::Success) {
        step = -llt.solve(g);
        if (step.allFinite()) break;
      }
      shift = shift == 0 ? 1e-8 * std::max(1.0, H.diagonal().cwiseAbs().maxCoeff()) : shift * 10;
    }
    // At the optimum to rounding: the predicted decrease is below what f
    // can resolve.
    if (-0.5 * g.dot(step) < 1e-15 * std::max(1.0, std::abs(f)) &&
        g.cwiseAbs().maxCoeff() < 1e3 * options.tolerance) {
      break;
    }
    // Keep steps in log-parameters moderate.
    const double largest = step.cwiseAbs().maxCoeff();
    if (largest > 5) step *= 5 / largest;
    double t = 1;
    bool moved = false;
    for (int ls = 0; ls < 60; ++ls, t *= 0.5) {
      const Vec<D> th = theta + t * step;
      double ft;
      Vec<D> gt;
      // Near the optimum f's rounding (log-gamma of large arguments) hides
      // the decrease: a full step that shrinks the gradient is then taken.
      const bool tiny = t == 1 && -0.5 * g.dot(step) < 1e-9 * std::max(1.0, std::abs(f));
      if (eval(th, &ft, &gt) &&
          (ft <= f + 1e-4 * t * g.dot(step) ||
           (tiny && gt.cwiseAbs().maxCoeff() < 0.5 * g.cwiseAbs().maxCoeff()))) {
        // A poor quadratic model (backtracking, or a slow gradient
        // decrease): refresh the Hessian.
        if (t < 1 || gt.cwiseAbs().maxCoeff() > 0.3 * g.cwiseAbs().maxCoeff()) reuse = false;
        theta = th;
        f = ft;
        g = gt;
        moved = true;
        break;
      }
    }
    if (!moved) {
      // No decrease along the step: at the optimum to rounding, or stuck.
      if (g.cwiseAbs().maxCoeff() < 1e3 * options.tolerance) break;
      if (reuse) {
        reuse = false;
        continue;
      }
      return absl::FailedPreconditionError(absl::StrCat(
          model, " fit did not converge: no decrease after ", it, " iterations at ",
          describe(theta), " (gradient max-norm ", absl::StrFormat("%.3g", g.cwiseAbs().maxCoeff()),
          "); the data may not identify the model (e.g. too few repeat customers)"));
    }
    if (theta.cwiseAbs().maxCoeff() > kRunOff) {
      return absl::FailedPreconditionError(absl::StrCat(
          model, " fit did not converge: a parameter runs off to 0 or infinity (", describe(theta),
          " after ", it + 1,
          " iterations); the data may not identify the model (e.g. no repeat purchases)"));
    }
  }
  const double gnorm = g.cwiseAbs().maxCoeff();
  if (theta.cwiseAbs().maxCoeff() > kRunOffAtEnd) {
    // A vanishing gradient at the edge of the parameter space: the
    // likelihood is flat toward a boundary, not maximized inside it.
    return absl::FailedPreconditionError(absl::StrCat(
        model, " fit did not converge: a parameter runs off to 0 or infinity (", describe(theta),
        "); the data may not identify the model (e.g. no repeat purchases)"));
  }
  if (it < options.max_iterations) {
    // A maximum needs a positive definite Hessian; a flat direction means
    // the data do not pin the parameters down.
    // (The last iteration's Hessian: its point is within a converged step.)
    const Eigen::SelfAdjointEigenSolver<Eigen::Matrix<double, D, D>> eig(
        have_hessian ? last_hessian : hessian());
    const double top = eig.eigenvalues().cwiseAbs().maxCoeff();
    if (!(eig.eigenvalues().minCoeff() > 1e-9 * std::max(1.0, top))) {
      return absl::FailedPreconditionError(absl::StrCat(
          model, " fit did not converge: the likelihood is flat at ", describe(theta),
          " (smallest Hessian eigenvalue ", absl::StrFormat("%.3g", eig.eigenvalues().minCoeff()),
          "); the data may not identify the model (e.g. no repeat purchases)"));
    }
  }
  if (hessian_io != nullptr && have_hessian) *hessian_io = last_hessian;
  info->objective = f;
  info->gradient_norm = gnorm;
  info->iterations = it;
  // Stopping at the iteration limit returns the last estimate, flagged (the
  // caller checks converged); only a fit without an estimate is an error.
  info->converged = it < options.max_iterations || gnorm < options.tolerance;
  return theta;
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_NEWTON_H_
