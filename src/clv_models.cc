// Customer lifetime value, part 2: the BG/NBD and Gamma-Gamma models by
// maximum likelihood, their predictions and discounted CLV.
//
// Likelihoods are evaluated per customer in log space; every term that
// depends on the frequency x alone (log-gamma and digamma differences) is
// computed once per distinct x, so a customer costs a few logarithms per
// evaluation. The minimizer is Newton's method on the log-parameters with the
// analytic gradient, a Hessian by forward differences of that gradient,
// a shift toward gradient descent when the Hessian is not positive definite
// and a backtracking line search.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Dense>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "npscore/clv.h"
#include "src/internal/bounds.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::kNaN;
using internal::ValueText;

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
double Digamma(double x) {
  double result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const double inv = 1 / x, inv2 = inv * inv;
  result += std::log(x) - 0.5 * inv -
            inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
  return result;
}

inline bool Finite(double v) { return std::abs(v) <= std::numeric_limits<double>::max(); }

absl::Status CheckSameLength(const char* what, size_t got, size_t want) {
  if (got == want) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " has ", got, " rows but frequency has ", want, " rows"));
}

size_t ThreadCount(int requested, size_t rows) {
  const size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const size_t want = requested > 0 ? static_cast<size_t>(requested) : hw;
  return std::max<size_t>(1, std::min(want, rows / 20000 + 1));
}

// Checks one (frequency, recency, T) history.
absl::Status CheckHistory(size_t i, double x, double tx, double T) {
  if (!(x >= 0 && Finite(x) && internal::IsWhole(x))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frequency at row ", i, " is ", ValueText(x), ": must be a whole number >= 0"));
  }
  if (!(tx >= 0 && Finite(tx))) {
    return absl::InvalidArgumentError(absl::StrCat("recency at row ", i, " is ", ValueText(tx),
                                                   ": must be finite and >= 0"));
  }
  if (!(T >= 0 && Finite(T))) {
    return absl::InvalidArgumentError(
        absl::StrCat("T at row ", i, " is ", ValueText(T), ": must be finite and >= 0"));
  }
  if (tx > T) {
    return absl::InvalidArgumentError(absl::StrCat("recency at row ", i, " is ", ValueText(tx),
                                                   ", more than T (", ValueText(T),
                                                   "): the last purchase cannot follow the end"));
  }
  if (x == 0 && tx != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recency at row ", i, " is ", ValueText(tx),
        " but frequency is 0: without a repeat purchase recency must be 0"));
  }
  if (x > 0 && tx == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frequency at row ", i, " is ", ValueText(x),
        " but recency is 0: repeat purchases must come after the first (recency > 0)"));
  }
  return absl::OkStatus();
}

absl::Status CheckWeight(size_t i, double w) {
  if (w >= 0 && Finite(w)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("weight at row ", i, " is ", ValueText(w),
                                                 ": weights must be finite and >= 0"));
}

absl::Status CheckOptions(const FitOptions& o) {
  if (!(o.penalizer >= 0 && Finite(o.penalizer))) {
    return absl::InvalidArgumentError(
        absl::StrCat("penalizer is ", ValueText(o.penalizer), ": must be finite and >= 0"));
  }
  NPSCORE_RETURN_IF_ERROR(internal::CheckIterations(o.max_iterations, "max_iterations"));
  if (!(o.tolerance > 0 && Finite(o.tolerance))) {
    return absl::InvalidArgumentError(
        absl::StrCat("tolerance is ", ValueText(o.tolerance), ": must be finite and > 0"));
  }
  return internal::CheckThreads(o.threads);
}

// Distinct whole frequencies: codes per row into `values`.
struct FrequencyTable {
  std::vector<double> values;  // distinct x
  std::vector<double> weight;  // total weight per distinct x
  std::vector<int32_t> code;   // per kept row
};

// --- The minimizer ---------------------------------------------------------------

// |log-parameter| beyond which a fit is taken to run off to a boundary:
// during the iterations, and once the gradient vanishes.
constexpr double kRunOff = 25;      // e^25 ~ 7e10
constexpr double kRunOffAtEnd = 18;  // e^18 ~ 7e7

// Fits over more rows than this start from the fit of a subsample of about
// kSubsampleRows rows.
constexpr size_t kWarmStartRows = 100000;
constexpr size_t kSubsampleRows = 20000;

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
  if (it >= options.max_iterations && !(gnorm < options.tolerance)) {
    return absl::FailedPreconditionError(absl::StrCat(
        model, " fit did not converge in ", options.max_iterations, " iterations: last estimate ",
        describe(theta), ", gradient max-norm ", absl::StrFormat("%.3g", gnorm)));
  }
  if (hessian_io != nullptr && have_hessian) *hessian_io = last_hessian;
  info->objective = f;
  info->gradient_norm = gnorm;
  info->iterations = it;
  return theta;
}

// --- BG/NBD -------------------------------------------------------------------------

struct BgData {
  FrequencyTable table;
  std::vector<double> x, tx, T, w;  // kept rows (weight > 0), times scaled by 1 / max T
  double total_weight = 0;
  double scale = 1;
};

absl::StatusOr<BgData> PrepareBetaGeo(absl::Span<const double> frequency,
                                      absl::Span<const double> recency,
                                      absl::Span<const double> T,
                                      absl::Span<const double> weights) {
  const size_t n = frequency.size();
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("recency", recency.size(), n));
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("T", T.size(), n));
  if (!weights.empty()) NPSCORE_RETURN_IF_ERROR(CheckSameLength("weights", weights.size(), n));
  BgData d;
  double max_T = 0;
  for (size_t i = 0; i < n; ++i) {
    NPSCORE_RETURN_IF_ERROR(CheckHistory(i, frequency[i], recency[i], T[i]));
    if (!weights.empty()) NPSCORE_RETURN_IF_ERROR(CheckWeight(i, weights[i]));
    max_T = std::max(max_T, T[i]);
  }
  if (n == 0) return absl::InvalidArgumentError("no customers to fit");
  if (!(max_T > 0)) {
    return absl::InvalidArgumentError("T is 0 for every customer: nothing was observed");
  }
  d.scale = 1 / max_T;
  absl::flat_hash_map<int64_t, int32_t> index;
  d.x.reserve(n);
  d.tx.reserve(n);
  d.T.reserve(n);
  d.w.reserve(n);
  d.table.code.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (w == 0) continue;
    const auto [it, added] = index.try_emplace(static_cast<int64_t>(frequency[i]),
                                               static_cast<int32_t>(d.table.values.size()));
    if (added) {
      d.table.values.push_back(frequency[i]);
      d.table.weight.push_back(0);
    }
    d.table.weight[static_cast<size_t>(it->second)] += w;
    d.table.code.push_back(it->second);
    d.x.push_back(frequency[i]);
    d.tx.push_back(recency[i] * d.scale);
    d.T.push_back(T[i] * d.scale);
    d.w.push_back(w);
    d.total_weight += w;
  }
  if (!(d.total_weight > 0)) return absl::InvalidArgumentError("every weight is 0");
  return d;
}

// Sums of the BG/NBD log-likelihood and its gradient over all kept rows at
// (r, alpha, a, b) (alpha scaled). Returns false if not finite.
bool BetaGeoSums(const BgData& d, double r, double alpha, double a, double b, size_t threads,
                 double* ll, std::array<double, 4>* grad) {
  const size_t nx = d.table.values.size();
  // Per distinct x: terms of x alone.
  std::vector<double> log_a_bx(nx), inv_bx(nx);
  double ll_x = 0, g_r = 0, g_a = 0, g_b = 0;
  const double lg_r = LogGamma(r), lg_b = LogGamma(b), lg_ab = LogGamma(a + b);
  const double dg_r = Digamma(r), dg_b = Digamma(b), dg_ab = Digamma(a + b);
  for (size_t j = 0; j < nx; ++j) {
    const double x = d.table.values[j], w = d.table.weight[j];
    ll_x += w * (LogGamma(r + x) - lg_r + lg_ab + LogGamma(b + x) - lg_b - LogGamma(a + b + x));
    g_r += w * (Digamma(r + x) - dg_r);
    g_a += w * (dg_ab - Digamma(a + b + x));
    g_b += w * (dg_ab + Digamma(b + x) - dg_b - Digamma(a + b + x));
    if (x > 0) {
      log_a_bx[j] = std::log(a) - std::log(b + x - 1);
      inv_bx[j] = 1 / (b + x - 1);
    }
  }
  const double log_alpha = std::log(alpha);
  // Per customer: the two-term part, in log-sum-exp form.
  struct Part {
    double ll = 0, dr = 0, dalpha = 0, da = 0, db = 0;
  };
  std::vector<Part> parts(threads);
  const size_t n = d.x.size();
  (void)internal::RunChunks(n, threads, [&](size_t k, size_t begin, size_t end) {
    Part p;
    const double* xs = d.x.data();
    const double* txs = d.tx.data();
    const double* Ts = d.T.data();
    const double* ws = d.w.data();
    const int32_t* codes = d.table.code.data();
    for (size_t i = begin; i < end; ++i) {
      const double x = xs[i], w = ws[i];
      const double rx = r + x;
      const double log_T = std::log(alpha + Ts[i]);
      const double a3 = -rx * log_T;
      if (x > 0) {
        const size_t j = static_cast<size_t>(codes[i]);
        const double log_tx = std::log(alpha + txs[i]);
        const double a4 = log_a_bx[j] - rx * log_tx;
        // log(e^a3 + e^a4) = max + log1p(e^-|a3 - a4|), with one exponential.
        const double e = std::exp(-std::abs(a3 - a4));
        const double inv = 1 / (1 + e);
        const double w4 = a4 >= a3 ? inv : e * inv, w3 = 1 - w4;
        p.ll += w * (std::max(a3, a4) + std::log1p(e));
        p.dr -= w * (w3 * log_T + w4 * log_tx);
        p.dalpha -= w * rx * (w3 / (alpha + Ts[i]) + w4 / (alpha + txs[i]));
        p.da += w * w4;
        p.db -= w * w4 * inv_bx[j];
      } else {
        p.ll += w * a3;
        p.dr -= w * log_T;
        p.dalpha -= w * rx / (alpha + Ts[i]);
      }
    }
    parts[k] = p;
    return absl::OkStatus();
  });
  Part t;
  for (const Part& p : parts) {
    t.ll += p.ll;
    t.dr += p.dr;
    t.dalpha += p.dalpha;
    t.da += p.da;
    t.db += p.db;
  }
  const double W = d.total_weight;
  *ll = ll_x + W * r * log_alpha + t.ll;
  (*grad)[0] = g_r + W * log_alpha + t.dr;
  (*grad)[1] = W * r / alpha + t.dalpha;
  (*grad)[2] = g_a + t.da / a;
  (*grad)[3] = g_b + t.db;
  return Finite(*ll) && Finite((*grad)[0]) && Finite((*grad)[1]) && Finite((*grad)[2]) &&
         Finite((*grad)[3]);
}

// --- Gamma-Gamma -----------------------------------------------------------------------

struct GgData {
  FrequencyTable table;
  std::vector<double> x, m, w;
  double total_weight = 0;
  double fixed = 0;  // sum of w (x ln m - ln m + ...): the parts without parameters
  double sum_wx_log_mx = 0;  // sum of w x (ln m + ln x)
};

absl::StatusOr<GgData> PrepareGammaGamma(absl::Span<const double> frequency,
                                         absl::Span<const double> monetary_value,
                                         absl::Span<const double> weights) {
  const size_t n = frequency.size();
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("monetary_value", monetary_value.size(), n));
  if (!weights.empty()) NPSCORE_RETURN_IF_ERROR(CheckSameLength("weights", weights.size(), n));
  GgData d;
  absl::flat_hash_map<int64_t, int32_t> index;
  for (size_t i = 0; i < n; ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!(x >= 0 && Finite(x) && internal::IsWhole(x))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "frequency at row ", i, " is ", ValueText(x), ": must be a whole number >= 0"));
    }
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!weights.empty()) NPSCORE_RETURN_IF_ERROR(CheckWeight(i, w));
    if (x == 0) continue;
    if (!(m > 0 && Finite(m))) {
      return absl::InvalidArgumentError(
          absl::StrCat("monetary_value at row ", i, " is ", ValueText(m), " (frequency ",
                       ValueText(x), "): must be finite and > 0 for a repeat customer"));
    }
    if (w == 0) continue;
    const auto [it, added] =
        index.try_emplace(static_cast<int64_t>(x), static_cast<int32_t>(d.table.values.size()));
    if (added) {
      d.table.values.push_back(x);
      d.table.weight.push_back(0);
    }
    d.table.weight[static_cast<size_t>(it->second)] += w;
    d.table.code.push_back(it->second);
    d.x.push_back(x);
    d.m.push_back(m);
    d.w.push_back(w);
    d.total_weight += w;
    d.fixed -= w * std::log(m);
    d.sum_wx_log_mx += w * x * (std::log(m) + std::log(x));
  }
  if (!(d.total_weight > 0)) {
    return absl::InvalidArgumentError(
        "no customer with frequency > 0 (and weight > 0): the Gamma-Gamma model is fitted on "
        "repeat customers");
  }
  return d;
}

bool GammaGammaSums(const GgData& d, double p, double q, double v, size_t threads, double* ll,
                    std::array<double, 3>* grad) {
  const size_t nx = d.table.values.size();
  double ll_x = 0, g_p = 0, g_q = 0;
  const double lg_q = LogGamma(q), dg_q = Digamma(q);
  for (size_t j = 0; j < nx; ++j) {
    const double x = d.table.values[j], w = d.table.weight[j];
    const double px = p * x;
    ll_x += w * (LogGamma(px + q) - LogGamma(px) - lg_q);
    const double dg = Digamma(px + q);
    g_p += w * x * (dg - Digamma(px));
    g_q += w * (dg - dg_q);
  }
  struct Part {
    double ll = 0, dp = 0, dq = 0, dv = 0;
  };
  std::vector<Part> parts(threads);
  const size_t n = d.x.size();
  (void)internal::RunChunks(n, threads, [&](size_t k, size_t begin, size_t end) {
    Part s;
    const double* xs = d.x.data();
    const double* ms = d.m.data();
    const double* ws = d.w.data();
    for (size_t i = begin; i < end; ++i) {
      const double x = xs[i], w = ws[i], xmv = x * ms[i] + v;
      const double l = std::log(xmv);
      const double pxq = p * x + q;
      s.ll -= w * pxq * l;
      s.dp -= w * x * l;
      s.dq -= w * l;
      s.dv -= w * pxq / xmv;
    }
    parts[k] = s;
    return absl::OkStatus();
  });
  Part t;
  for (const Part& s : parts) {
    t.ll += s.ll;
    t.dp += s.dp;
    t.dq += s.dq;
    t.dv += s.dv;
  }
  const double W = d.total_weight, log_v = std::log(v);
  // sum w [(px - 1) ln m + px ln x] = p sum w x (ln m + ln x) - sum w ln m
  *ll = ll_x + W * q * log_v + p * d.sum_wx_log_mx + d.fixed + t.ll;
  (*grad)[0] = g_p + d.sum_wx_log_mx + t.dp;
  (*grad)[1] = g_q + W * log_v + t.dq;
  (*grad)[2] = W * q / v + t.dv;
  return Finite(*ll) && Finite((*grad)[0]) && Finite((*grad)[1]) && Finite((*grad)[2]);
}

// --- Predictions -----------------------------------------------------------------

absl::Status CheckPositive(const char* name, double v) {
  if (v > 0 && Finite(v)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("parameter ", name, " is ", ValueText(v), ": must be finite and > 0"));
}

absl::Status CheckHistories(absl::Span<const double> frequency, absl::Span<const double> recency,
                            absl::Span<const double> T) {
  const size_t n = frequency.size();
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("recency", recency.size(), n));
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("T", T.size(), n));
  for (size_t i = 0; i < n; ++i) {
    NPSCORE_RETURN_IF_ERROR(CheckHistory(i, frequency[i], recency[i], T[i]));
  }
  return absl::OkStatus();
}

// log of (1 / P(alive) - 1) for x > 0.
inline double LogDeadOdds(const BetaGeoParams& pr, double x, double tx, double T) {
  return std::log(pr.a) - std::log(pr.b + x - 1) +
         (pr.r + x) * (std::log(pr.alpha + T) - std::log(pr.alpha + tx));
}

inline double AliveProbability(const BetaGeoParams& pr, double x, double tx, double T) {
  if (x == 0) return 1.0;
  const double z = LogDeadOdds(pr, x, tx, T);
  // 1 / (1 + e^z) without overflow.
  return z > 0 ? std::exp(-z) / (1 + std::exp(-z)) : 1 / (1 + std::exp(z));
}

// Tanh-sinh (double exponential) nodes on [0, 1]: p, log p, log(1 - p) and
// the weight h dp/dt, for t = k h, |t| <= kTanhSinhMax.
struct TanhSinh {
  static constexpr double kStep = 1.0 / 12;
  static constexpr double kMax = 6.5;
  std::vector<double> p, log_p, log_q, weight;

  TanhSinh() {
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
};

const TanhSinh& Nodes() {
  static const TanhSinh* nodes = new TanhSinh();
  return *nodes;
}

// Quadrature weights of Beta(a, beta) on the tanh-sinh nodes, the negligible
// ones dropped: (first node, weights).
struct BetaWeights {
  size_t first = 0;
  std::vector<double> w;
};

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

// E[(1 - (1 + p u)^-s) / p] for p ~ Beta(a, beta): the expected purchases of
// a living customer over t = u (alpha + T).
double AliveExpectation(double s, double a, double beta, double u, const BetaWeights* bw) {
  if (u == 0) return 0;
  if (u <= 0.5) {
    // sum_{k>=1} (s)_k (a)_{k-1} / ((a+beta)_{k-1} k!) (-1)^{k+1} u^k
    double term = s * u, sum = term, biggest = std::abs(term);
    for (int k = 1; k < 400; ++k) {
      term *= -(s + k) * (a + k - 1) / ((a + beta + k - 1) * (k + 1)) * u;
      sum += term;
      biggest = std::max(biggest, std::abs(term));
      if (std::abs(term) <= 1e-17 * std::abs(sum)) {
        if (biggest <= 1e3 * std::abs(sum)) return sum;
        break;  // too much cancellation: integrate instead
      }
    }
  }
  if (u <= 4 && std::abs(a - 1) > 1e-3 && a + beta - 1 > 0.5 && s * std::log1p(u) < 300) {
    // FHL's eq. 10 as written: c / (a - 1) (1 - (1 - z)^s 2F1(s, beta; c; z))
    // with z = u / (1 + u), c = a + beta - 1: positive terms with ratio
    // about z <= 0.8. Loses log10(1 / |a - 1|) digits, hence |a - 1| > 1e-3.
    const double c = a + beta - 1, z = u / (1 + u);
    double term = 1, sum = 1;
    for (int k = 0; k < 800; ++k) {
      term *= (s + k) * (beta + k) / ((c + k) * (k + 1)) * z;
      sum += term;
      if (term <= 1e-17 * sum) return c / (a - 1) * (1 - std::exp(-s * std::log1p(u)) * sum);
    }
  }
  BetaWeights local;
  if (bw == nullptr) {
    local = MakeBetaWeights(a, beta);
    bw = &local;
  }
  const TanhSinh& ts = Nodes();
  double sum = 0;
  const double* p = ts.p.data() + bw->first;
  for (size_t k = 0; k < bw->w.size(); ++k) {
    const double pk = p[k];
    sum += bw->w[k] * (-std::expm1(-s * std::log1p(pk * u)) / pk);
  }
  return sum;
}

// Beta weights per distinct frequency, built on first use.
class WeightCache {
 public:
  explicit WeightCache(const BetaGeoParams& pr) : pr_(pr) {}
  const BetaWeights* Get(double x) {
    if (x > 1e6) return nullptr;
    auto it = cache_.find(static_cast<int64_t>(x));
    if (it == cache_.end()) it = cache_.emplace(static_cast<int64_t>(x), MakeBetaWeights(pr_.a, pr_.b + x)).first;
    return &it->second;
  }

 private:
  BetaGeoParams pr_;
  absl::flat_hash_map<int64_t, BetaWeights> cache_;
};

// Runs f(i, cache) over rows on threads, each with its own cache.
template <typename F>
void ForRows(size_t n, const BetaGeoParams& pr, const F& f) {
  const size_t threads = ThreadCount(0, n);
  (void)internal::RunChunks(n, threads, [&](size_t, size_t begin, size_t end) {
    WeightCache cache(pr);
    for (size_t i = begin; i < end; ++i) f(i, cache);
    return absl::OkStatus();
  });
}

}  // namespace

// --- Public API ---------------------------------------------------------------------

namespace {

using Mat4 = Eigen::Matrix<double, 4, 4>;
using Mat3 = Eigen::Matrix<double, 3, 3>;

// Fits BG/NBD on prepared data from `start` (log r, log scaled alpha, log a,
// log b); `hessian` as in Minimize.
absl::StatusOr<Vec<4>> FitBetaGeoData(const BgData& d, const FitOptions& options, Vec<4> start,
                                      Mat4* hessian, FitInfo* info) {
  const size_t threads = ThreadCount(options.threads, d.x.size());
  const double W = d.total_weight, pen = options.penalizer;
  auto eval = [&](const Vec<4>& th, double* f, Vec<4>* g) {
    const double r = std::exp(th[0]), al = std::exp(th[1]), a = std::exp(th[2]),
                 b = std::exp(th[3]);
    double ll;
    std::array<double, 4> grad;
    if (!BetaGeoSums(d, r, al, a, b, threads, &ll, &grad)) return false;
    const double params[4] = {r, al, a, b};
    *f = -ll / W;
    for (int j = 0; j < 4; ++j) {
      *f += pen * params[j] * params[j];
      (*g)[j] = (-grad[static_cast<size_t>(j)] / W + 2 * pen * params[j]) * params[j];
    }
    return std::isfinite(*f);
  };
  static const char* const kNames[] = {"r", "alpha (scaled)", "a", "b"};
  return Minimize<4>(eval, start, options, "BG/NBD", kNames, info, hessian);
}

absl::StatusOr<Vec<3>> FitGammaGammaData(const GgData& d, const FitOptions& options,
                                         Vec<3> start, Mat3* hessian, FitInfo* info) {
  const size_t threads = ThreadCount(options.threads, d.x.size());
  const double W = d.total_weight, pen = options.penalizer;
  auto eval = [&](const Vec<3>& th, double* f, Vec<3>* g) {
    const double p = std::exp(th[0]), q = std::exp(th[1]), v = std::exp(th[2]);
    double ll;
    std::array<double, 3> grad;
    if (!GammaGammaSums(d, p, q, v, threads, &ll, &grad)) return false;
    const double params[3] = {p, q, v};
    *f = -ll / W;
    for (int j = 0; j < 3; ++j) {
      *f += pen * params[j] * params[j];
      (*g)[j] = (-grad[static_cast<size_t>(j)] / W + 2 * pen * params[j]) * params[j];
    }
    return std::isfinite(*f);
  };
  static const char* const kNames[] = {"p", "q", "v"};
  return Minimize<3>(eval, start, options, "Gamma-Gamma", kNames, info, hessian);
}

// Every stride-th row of `v`.
std::vector<double> Every(const std::vector<double>& v, size_t stride) {
  std::vector<double> out;
  out.reserve(v.size() / stride + 1);
  for (size_t i = 0; i < v.size(); i += stride) out.push_back(v[i]);
  return out;
}

}  // namespace

absl::StatusOr<BetaGeoFit> FitBetaGeo(absl::Span<const double> frequency,
                                      absl::Span<const double> recency,
                                      absl::Span<const double> T,
                                      absl::Span<const double> weights,
                                      const FitOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(const BgData d, PrepareBetaGeo(frequency, recency, T, weights));
  BetaGeoFit fit;
  Vec<4> start = Vec<4>::Constant(0.1);
  Mat4 hessian = Mat4::Constant(internal::kNaN);
  if (d.x.size() > kWarmStartRows) {
    // Start from the fit of an evenly spaced subsample, with its Hessian:
    // then a few gradient evaluations over all rows finish the job.
    const size_t stride = d.x.size() / kSubsampleRows;
    auto sub = PrepareBetaGeo(Every(d.x, stride), Every(d.tx, stride), Every(d.T, stride),
                              Every(d.w, stride));
    if (sub.ok()) {
      FitOptions rough = options;
      rough.tolerance = std::max(options.tolerance, 1e-6);
      FitInfo info;
      auto theta = FitBetaGeoData(*sub, rough, start, &hessian, &info);
      if (theta.ok()) {
        start = *theta;
        start[1] -= std::log(sub->scale);  // to units of the full data's max T
      } else {
        hessian = Mat4::Constant(internal::kNaN);
      }
    }
  }
  NPSCORE_ASSIGN_OR_RETURN(const Vec<4> theta,
                           FitBetaGeoData(d, options, start, &hessian, &fit.info));
  fit.params = {std::exp(theta[0]), std::exp(theta[1]) / d.scale, std::exp(theta[2]),
                std::exp(theta[3])};
  // The log-likelihood in the caller's time unit: scaling alpha and the
  // times by c multiplies each customer's likelihood by c^-x.
  double sum_wx = 0;
  for (size_t i = 0; i < d.x.size(); ++i) sum_wx += d.w[i] * d.x[i];
  double ll;
  std::array<double, 4> grad;
  BetaGeoSums(d, std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2]), std::exp(theta[3]),
              ThreadCount(options.threads, d.x.size()), &ll, &grad);
  fit.info.log_likelihood = ll + sum_wx * std::log(d.scale);
  fit.info.customers = static_cast<int64_t>(d.x.size());
  return fit;
}

absl::StatusOr<GammaGammaFit> FitGammaGamma(absl::Span<const double> frequency,
                                            absl::Span<const double> monetary_value,
                                            absl::Span<const double> weights,
                                            const FitOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(const GgData d, PrepareGammaGamma(frequency, monetary_value, weights));
  GammaGammaFit fit;
  Vec<3> start = Vec<3>::Constant(0.1);
  Mat3 hessian = Mat3::Constant(internal::kNaN);
  if (d.x.size() > kWarmStartRows) {
    const size_t stride = d.x.size() / kSubsampleRows;
    auto sub = PrepareGammaGamma(Every(d.x, stride), Every(d.m, stride), Every(d.w, stride));
    if (sub.ok()) {
      FitOptions rough = options;
      rough.tolerance = std::max(options.tolerance, 1e-6);
      FitInfo info;
      auto theta = FitGammaGammaData(*sub, rough, start, &hessian, &info);
      if (theta.ok()) {
        start = *theta;
      } else {
        hessian = Mat3::Constant(internal::kNaN);
      }
    }
  }
  NPSCORE_ASSIGN_OR_RETURN(const Vec<3> theta,
                           FitGammaGammaData(d, options, start, &hessian, &fit.info));
  fit.params = {std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2])};
  double ll;
  std::array<double, 3> grad;
  GammaGammaSums(d, fit.params.p, fit.params.q, fit.params.v,
                 ThreadCount(options.threads, d.x.size()), &ll, &grad);
  fit.info.log_likelihood = ll;
  fit.info.customers = static_cast<int64_t>(d.x.size());
  return fit;
}

absl::Status ValidateBetaGeo(const BetaGeoParams& pr) {
  NPSCORE_RETURN_IF_ERROR(CheckPositive("r", pr.r));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("alpha", pr.alpha));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("a", pr.a));
  return CheckPositive("b", pr.b);
}

absl::Status ValidateGammaGamma(const GammaGammaParams& pr) {
  NPSCORE_RETURN_IF_ERROR(CheckPositive("p", pr.p));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("q", pr.q));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("v", pr.v));
  if (!(pr.q > 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "parameter q is ", ValueText(pr.q), ": the expected spend needs q > 1 (its mean is p v / (q - 1))"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<double>> BetaGeoProbabilityAlive(const BetaGeoParams& params,
                                                            absl::Span<const double> frequency,
                                                            absl::Span<const double> recency,
                                                            absl::Span<const double> T) {
  NPSCORE_RETURN_IF_ERROR(ValidateBetaGeo(params));
  NPSCORE_RETURN_IF_ERROR(CheckHistories(frequency, recency, T));
  std::vector<double> out(frequency.size());
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = AliveProbability(params, frequency[i], recency[i], T[i]);
  }
  return out;
}

absl::StatusOr<std::vector<double>> BetaGeoExpectedPurchases(const BetaGeoParams& params,
                                                             double t,
                                                             absl::Span<const double> frequency,
                                                             absl::Span<const double> recency,
                                                             absl::Span<const double> T) {
  NPSCORE_RETURN_IF_ERROR(ValidateBetaGeo(params));
  if (!(t >= 0 && Finite(t))) {
    return absl::InvalidArgumentError(
        absl::StrCat("t is ", ValueText(t), ": the horizon must be finite and >= 0"));
  }
  NPSCORE_RETURN_IF_ERROR(CheckHistories(frequency, recency, T));
  std::vector<double> out(frequency.size());
  ForRows(out.size(), params, [&](size_t i, WeightCache& cache) {
    const double x = frequency[i];
    const double u = t / (params.alpha + T[i]);
    out[i] = AliveProbability(params, x, recency[i], T[i]) *
             AliveExpectation(params.r + x, params.a, params.b + x, u, cache.Get(x));
  });
  return out;
}

absl::StatusOr<std::vector<double>> GammaGammaExpectedProfit(
    const GammaGammaParams& params, absl::Span<const double> frequency,
    absl::Span<const double> monetary_value) {
  NPSCORE_RETURN_IF_ERROR(ValidateGammaGamma(params));
  const size_t n = frequency.size();
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("monetary_value", monetary_value.size(), n));
  std::vector<double> out(n);
  const double population = params.p * params.v / (params.q - 1);
  for (size_t i = 0; i < n; ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!(x >= 0 && Finite(x) && internal::IsWhole(x))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "frequency at row ", i, " is ", ValueText(x), ": must be a whole number >= 0"));
    }
    if (!(m >= 0 && Finite(m)) || (x > 0 && m == 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "monetary_value at row ", i, " is ", ValueText(m),
          x > 0 ? ": must be finite and > 0 for a repeat customer" : ": must be finite and >= 0"));
    }
    const double weight = params.p * x / (params.p * x + params.q - 1);
    out[i] = (1 - weight) * population + weight * m;
  }
  return out;
}

absl::StatusOr<std::vector<double>> CustomerLifetimeValue(
    const BetaGeoParams& bg, const GammaGammaParams& gg, absl::Span<const double> frequency,
    absl::Span<const double> recency, absl::Span<const double> T,
    absl::Span<const double> monetary_value, const ClvOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateBetaGeo(bg));
  if (options.months < 1 || options.months > kMaxClvMonths) {
    return absl::InvalidArgumentError(absl::StrCat("time is ", options.months,
                                                   " months: must be in 1..", kMaxClvMonths,
                                                   " (kMaxClvMonths, 100 years)"));
  }
  if (!(options.discount_rate >= 0 && Finite(options.discount_rate))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "discount_rate is ", ValueText(options.discount_rate), ": must be finite and >= 0"));
  }
  if (!(options.periods_per_month > 0 && Finite(options.periods_per_month))) {
    return absl::InvalidArgumentError(absl::StrCat("periods_per_month is ",
                                                   ValueText(options.periods_per_month),
                                                   ": must be finite and > 0"));
  }
  NPSCORE_RETURN_IF_ERROR(CheckHistories(frequency, recency, T));
  NPSCORE_ASSIGN_OR_RETURN(std::vector<double> out,
                           GammaGammaExpectedProfit(gg, frequency, monetary_value));
  const int months = options.months;
  const double f = options.periods_per_month;
  const bool discounted = options.discount_rate > 0;
  std::vector<double> discount(static_cast<size_t>(months) + 1);
  for (int i = 1; i <= months; ++i) discount[static_cast<size_t>(i)] = std::pow(1 + options.discount_rate, -i);
  // sum_{j > k} d^j = d^(k + 1) / (1 - d) = d^k / discount_rate.
  const double tail_factor = discounted ? 1 / options.discount_rate : 0;
  constexpr double kTailTolerance = 0x1p-53;
  ForRows(out.size(), bg, [&](size_t i, WeightCache& cache) {
    const double x = frequency[i];
    const double alive = AliveProbability(bg, x, recency[i], T[i]);
    const double s = bg.r + x, beta = bg.b + x, scale = 1 / (bg.alpha + T[i]);
    const BetaWeights* bw = cache.Get(x);
    double value = 0, previous = 0;
    if (!discounted) {
      // The increments telescope: E[purchases over the horizon].
      value = AliveExpectation(s, bg.a, beta, months * f * scale, bw);
    }
    for (int k = 1; discounted && k <= months; ++k) {
      const double current = AliveExpectation(s, bg.a, beta, k * f * scale, bw);
      const double step = current - previous;
      value += step * discount[static_cast<size_t>(k)];
      previous = current;
      // The expectation is concave in time, so later increments are at most
      // this one and the rest of the sum is at most step * d^k / rate.
      // (A step that rounding made negative proves nothing: go on.)
      const double tail = step * discount[static_cast<size_t>(k)] * tail_factor;
      if (step >= 0 && tail <= kTailTolerance * value) break;
    }
    out[i] *= alive * value;
  });
  return out;
}

}  // namespace npscore
