// Checks and data helpers shared by the CLV models' fits and predictions
// (src/clv_beta_geo.cc, src/clv_gamma_gamma.cc). Private to the core.

#ifndef NPSCORE_SRC_INTERNAL_CLV_FIT_H_
#define NPSCORE_SRC_INTERNAL_CLV_FIT_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <Eigen/Dense>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "npscore/clv.h"
#include "src/internal/newton.h"

namespace npscore {
namespace internal {

// True if v is neither infinite nor NaN.
inline bool Finite(double v) { return std::abs(v) <= std::numeric_limits<double>::max(); }

// OK if `what` has `want` rows (as many as frequency); else the error.
absl::Status CheckSameLength(const char* what, size_t got, size_t want);

// Threads for a pass over `rows` customers (ThreadCount's policy; automatic:
// one thread per 20,000 customers).
size_t CustomerThreads(int requested, size_t rows);

// Checks one (frequency, recency, T) history: the error names row i. A fit
// needs recency 0 without a repeat purchase (frequency 0), lifetimes'
// definition; a prediction (`predicting`) accepts any recency <= T there, as
// lifetimes does: no prediction of the model depends on it when frequency is 0.
absl::Status CheckHistory(size_t i, double x, double tx, double T, bool predicting = false);

// Checks every history for a prediction and that the columns have the same
// length.
absl::Status CheckHistories(absl::Span<const double> frequency, absl::Span<const double> recency,
                            absl::Span<const double> T);

// Checks the weight of row i: finite and >= 0.
absl::Status CheckWeight(size_t i, double w);

// Checks the fit options.
absl::Status CheckFitOptions(const FitOptions& o);

// Checks a model parameter: finite and > 0.
absl::Status CheckPositive(const char* name, double v);

// Distinct whole frequencies: codes per row into `values`.
struct FrequencyTable {
  std::vector<double> values;  // distinct x
  std::vector<double> weight;  // total weight per distinct x
  std::vector<int32_t> code;   // per kept row
  absl::flat_hash_map<int64_t, int32_t> index;  // x -> its position in values

  // Keeps a row of whole frequency x >= 0 and weight w.
  void Add(double x, double w) {
    const auto [it, added] =
        index.try_emplace(static_cast<int64_t>(x), static_cast<int32_t>(values.size()));
    if (added) {
      values.push_back(x);
      weight.push_back(0);
    }
    weight[static_cast<size_t>(it->second)] += w;
    code.push_back(it->second);
  }
};


// Fits over more rows than this start from the fit of a subsample of about
// kSubsampleRows rows.
constexpr size_t kWarmStartRows = 100000;
constexpr size_t kSubsampleRows = 20000;

// Every stride-th row of `v`.
std::vector<double> Every(const std::vector<double>& v, size_t stride);

// The objective Minimize sees: the mean negative log-likelihood plus
// penalty * |parameters|^2, from the log-likelihood `ll` and its gradient in
// the parameters `params` (the exponentials of the log-parameters), total
// weight W; its gradient in the log-parameters (d/d log p = p d/dp). False
// when f is not finite.
template <int D>
bool PenalizedObjective(double ll, const std::array<double, D>& grad,
                        const std::array<double, D>& params, double W, double penalty,
                        double* f, Vec<D>* g) {
  *f = -ll / W;
  for (int j = 0; j < D; ++j) {
    const size_t k = static_cast<size_t>(j);
    *f += penalty * params[k] * params[k];
    (*g)[j] = (-grad[k] / W + 2 * penalty * params[k]) * params[k];
  }
  return std::isfinite(*f);
}

// Warm start of a fit over `rows` rows: above kWarmStartRows, the fit of an
// evenly spaced subsample (every stride-th row, about kSubsampleRows rows) to
// a looser tolerance gives the start and its Hessian, so that a few gradient
// evaluations over all rows finish the job.
// fit_subsample(stride, rough_options, start, hessian) returns the
// subsample's estimate in the full data's units; on an error the fit starts
// cold (no Hessian).
template <int D, typename FitSubsample>
void WarmStart(size_t rows, const FitOptions& options, const FitSubsample& fit_subsample,
               Vec<D>* start, Eigen::Matrix<double, D, D>* hessian) {
  if (rows <= kWarmStartRows) return;
  FitOptions rough = options;
  rough.tolerance = std::max(options.tolerance, 1e-6);
  const absl::StatusOr<Vec<D>> theta = fit_subsample(rows / kSubsampleRows, rough, *start, hessian);
  if (theta.ok()) {
    *start = *theta;
  } else {
    *hessian = Eigen::Matrix<double, D, D>::Constant(std::numeric_limits<double>::quiet_NaN());
  }
}

// The covariance of the parameters exp(theta) from the objective f (the
// mean penalized negative log-likelihood over total weight W) whose gradient
// in the log-parameters eval(theta, &f, &g) computes: H = W * the Hessian of
// f by central differences of g, cov = diag(p) H^-1 diag(p), p =
// exp(theta) * unscale (unscale maps a scaled parameter back to the
// caller's units). Row-major D x D.
template <int D, typename Eval>
absl::StatusOr<std::vector<double>> LogCovariance(const Eval& eval, const Vec<D>& theta, double W,
                                                  const Vec<D>& unscale, const char* model) {
  Eigen::Matrix<double, D, D> H;
  for (int j = 0; j < D; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(theta[j]));
    Vec<D> up = theta, down = theta, g_up, g_down;
    up[j] += h;
    down[j] -= h;
    double f;
    if (!eval(up, &f, &g_up) || !eval(down, &f, &g_down)) {
      return absl::InvalidArgumentError(absl::StrCat(
          model, ": the likelihood is not finite next to the parameters: no standard errors"));
    }
    H.col(j) = (g_up - g_down) / (2 * h);
  }
  H = 0.5 * W * (H + H.transpose());
  const Eigen::LLT<Eigen::Matrix<double, D, D>> llt(H);
  if (llt.info() != Eigen::Success || !H.allFinite()) {
    return absl::InvalidArgumentError(absl::StrCat(
        model, ": the Hessian of the negative log-likelihood is not positive definite at these "
               "parameters (not a maximum of the likelihood, or a flat one): no standard errors"));
  }
  const Eigen::Matrix<double, D, D> inv = llt.solve(Eigen::Matrix<double, D, D>::Identity());
  const Vec<D> p = theta.array().exp() * unscale.array();
  std::vector<double> out(static_cast<size_t>(D * D));
  for (int i = 0; i < D; ++i) {
    for (int j = i; j < D; ++j) {  // exactly symmetric: one value per pair
      const double c = p[i] * (0.5 * (inv(i, j) + inv(j, i))) * p[j];
      out[static_cast<size_t>(i * D + j)] = out[static_cast<size_t>(j * D + i)] = c;
    }
  }
  return out;
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_CLV_FIT_H_
