// Customer lifetime value: the BG/NBD model (Fader, Hardie and Lee 2005) by
// maximum likelihood, its predictions, and discounted CLV with the
// Gamma-Gamma spend model.
//
// The likelihood is evaluated per customer in log space; every term that
// depends on the frequency x alone (log-gamma and digamma differences) is
// computed once per distinct x, so a customer costs a few logarithms per
// evaluation. The fit minimises it with internal::Minimize (newton.h).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "npscore/clv.h"
#include "src/internal/clv_fit.h"
#include "src/internal/newton.h"
#include "src/internal/parallel.h"
#include "src/internal/quadrature.h"
#include "src/internal/score_kernels.h"
#include "src/internal/special_functions.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::BetaWeights;
using internal::CheckFitOptions;
using internal::CheckHistories;
using internal::CheckHistory;
using internal::CheckPositive;
using internal::CheckSameLength;
using internal::CheckWeight;
using internal::CustomerThreads;
using internal::Digamma;
using internal::Every;
using internal::Finite;
using internal::FrequencyTable;
using internal::LogGamma;
using internal::MakeBetaWeights;
using internal::Minimize;
using internal::PenalizedObjective;
using internal::Nodes;
using internal::TanhSinh;
using internal::ValueText;
using internal::Vec;
using internal::WarmStart;
using Mat4 = Eigen::Matrix<double, 4, 4>;

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
  d.x.reserve(n);
  d.tx.reserve(n);
  d.T.reserve(n);
  d.w.reserve(n);
  d.table.code.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    if (w == 0) continue;
    d.table.Add(frequency[i], w);
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


inline double LogBeta(double a, double b) { return LogGamma(a) + LogGamma(b) - LogGamma(a + b); }

// Checks horizons: finite and >= 0.
absl::Status CheckHorizons(absl::Span<const double> t) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (!(t[i] >= 0 && Finite(t[i]))) {
      return absl::InvalidArgumentError(absl::StrCat("t at row ", i, " is ", ValueText(t[i]),
                                                     ": the horizon must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

// P(N >= x) for N ~ NegBin(r, q) (log P(N = j) = log_nb(j), log(1 - q) =
// log_1q), x >= 1: 1 - the lower sum (x terms) when x is at most the mode or
// that side is the cheaper one, and the lower sum is at most 1/2 (no
// cancellation); else the upper sum itself, whose terms
// fall geometrically (ratio (r + j) / (j + 1) (1 - q)) past the mode, so that
// a small tail keeps its relative accuracy.
template <typename LogPmf>
double NegativeBinomialTail(double r, double log_1q, double x, const LogPmf& log_nb) {
  const double mode = std::max(0.0, std::floor((r - 1) * std::exp(log_1q) / -std::expm1(log_1q)));
  // Terms of the upper sum until they fall below 1e-17 of it: to the mode,
  // then about log(1e17) / -log(1 - q) more.
  const double upper_cost = std::max(0.0, mode - x) + 40 / -log_1q;
  if (x <= mode || x <= upper_cost) {  // (below the mode the upper terms first rise)
    double lower = 0;
    for (double j = 0; j < x; ++j) lower += std::exp(log_nb(j));
    if (lower <= 0.5) return 1 - lower;
  }
  // The upper sum from x: starts at its log-term, then the ratio.
  const double first = log_nb(x);
  double term = 1, sum = 1;
  const double ratio_q = std::exp(log_1q);
  for (double j = x; j < x + 1e8; ++j) {
    term *= (r + j) / (j + 1) * ratio_q;
    sum += term;
    if (j > mode && term <= 1e-17 * sum) break;
  }
  return std::min(1.0, std::exp(first) * sum);
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
  const size_t threads = CustomerThreads(0, n);
  (void)internal::RunChunks(n, threads, [&](size_t, size_t begin, size_t end) {
    WeightCache cache(pr);
    for (size_t i = begin; i < end; ++i) f(i, cache);
    return absl::OkStatus();
  });
}

// Fits BG/NBD on prepared data from `start` (log r, log scaled alpha, log a,
// log b); `hessian` as in Minimize.
// The objective the fit minimizes, over log (r, scaled alpha, a, b): an
// eval(theta, &f, &grad) for Minimize and LogCovariance.
auto BetaGeoObjective(const BgData& d, const FitOptions& options) {
  const size_t threads = CustomerThreads(options.threads, d.x.size());
  return [&d, threads, pen = options.penalizer](const Vec<4>& th, double* f, Vec<4>* g) {
    const double r = std::exp(th[0]), al = std::exp(th[1]), a = std::exp(th[2]),
                 b = std::exp(th[3]);
    double ll;
    std::array<double, 4> grad;
    if (!BetaGeoSums(d, r, al, a, b, threads, &ll, &grad)) return false;
    return PenalizedObjective<4>(ll, grad, {r, al, a, b}, d.total_weight, pen, f, g);
  };
}

absl::StatusOr<Vec<4>> FitBetaGeoData(const BgData& d, const FitOptions& options, Vec<4> start,
                                      Mat4* hessian, FitInfo* info) {
  static const char* const kNames[] = {"r", "alpha (scaled)", "a", "b"};
  return Minimize<4>(BetaGeoObjective(d, options), start, options, "BG/NBD", kNames, info,
                     hessian);
}

}  // namespace

absl::StatusOr<BetaGeoFit> FitBetaGeo(absl::Span<const double> frequency,
                                      absl::Span<const double> recency,
                                      absl::Span<const double> T,
                                      absl::Span<const double> weights,
                                      const FitOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckFitOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(const BgData d, PrepareBetaGeo(frequency, recency, T, weights));
  BetaGeoFit fit;
  Vec<4> start = Vec<4>::Constant(0.1);
  Mat4 hessian = Mat4::Constant(internal::kNaN);
  WarmStart<4>(
      d.x.size(), options,
      [&](size_t stride, const FitOptions& rough, const Vec<4>& from,
          Mat4* h) -> absl::StatusOr<Vec<4>> {
        NPSCORE_ASSIGN_OR_RETURN(const BgData sub,
                                 PrepareBetaGeo(Every(d.x, stride), Every(d.tx, stride),
                                                Every(d.T, stride), Every(d.w, stride)));
        FitInfo info;
        NPSCORE_ASSIGN_OR_RETURN(Vec<4> theta, FitBetaGeoData(sub, rough, from, h, &info));
        theta[1] -= std::log(sub.scale);  // to units of the full data's max T
        return theta;
      },
      &start, &hessian);
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
              CustomerThreads(options.threads, d.x.size()), &ll, &grad);
  fit.info.log_likelihood = ll + sum_wx * std::log(d.scale);
  fit.info.customers = static_cast<int64_t>(d.x.size());
  return fit;
}

absl::StatusOr<std::vector<double>> BetaGeoCovariance(const BetaGeoParams& params,
                                                      absl::Span<const double> frequency,
                                                      absl::Span<const double> recency,
                                                      absl::Span<const double> T,
                                                      absl::Span<const double> weights,
                                                      const FitOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateBetaGeo(params));
  NPSCORE_RETURN_IF_ERROR(CheckFitOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(const BgData d, PrepareBetaGeo(frequency, recency, T, weights));
  const Vec<4> theta(std::log(params.r), std::log(params.alpha * d.scale), std::log(params.a),
                     std::log(params.b));
  const Vec<4> unscale(1, 1 / d.scale, 1, 1);
  return internal::LogCovariance<4>(BetaGeoObjective(d, options), theta, d.total_weight, unscale,
                                    "BG/NBD");
}

absl::Status ValidateBetaGeo(const BetaGeoParams& pr) {
  NPSCORE_RETURN_IF_ERROR(CheckPositive("r", pr.r));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("alpha", pr.alpha));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("a", pr.a));
  return CheckPositive("b", pr.b);
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

absl::StatusOr<std::vector<double>> BetaGeoUnconditionalPurchases(const BetaGeoParams& params,
                                                                  absl::Span<const double> t) {
  NPSCORE_RETURN_IF_ERROR(ValidateBetaGeo(params));
  NPSCORE_RETURN_IF_ERROR(CheckHorizons(t));
  std::vector<double> out(t.size());
  ForRows(out.size(), params, [&](size_t i, WeightCache& cache) {
    out[i] = AliveExpectation(params.r, params.a, params.b, t[i] / params.alpha, cache.Get(0));
  });
  return out;
}

absl::StatusOr<std::vector<double>> BetaGeoPurchaseProbability(const BetaGeoParams& params,
                                                               absl::Span<const double> t,
                                                               absl::Span<const double> n) {
  NPSCORE_RETURN_IF_ERROR(ValidateBetaGeo(params));
  NPSCORE_RETURN_IF_ERROR(CheckHorizons(t));
  if (n.size() != t.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("n has ", n.size(), " values but t has ", t.size()));
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!(n[i] >= 0 && n[i] <= kMaxPurchaseCount && internal::IsWhole(n[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("n at row ", i, " is ", ValueText(n[i]),
                       ": must be a whole number in 0..",
                       static_cast<int64_t>(kMaxPurchaseCount),
                       " (kMaxPurchaseCount)"));
    }
  }
  const double r = params.r, alpha = params.alpha, a = params.a, b = params.b;
  const double log_beta_ab = LogBeta(a, b), lg_r = LogGamma(r);
  std::vector<double> out(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    const double x = n[i];
    if (t[i] == 0) {
      out[i] = x == 0 ? 1.0 : 0.0;
      continue;
    }
    // Negative binomial of the purchases while alive: log P(N = j) =
    // log NB(j) with success log q = log(alpha / (alpha + t)).
    const double log_q = std::log(alpha) - std::log(alpha + t[i]);
    const double log_1q = std::log(t[i]) - std::log(alpha + t[i]);
    auto log_nb = [&](double j) {
      return LogGamma(r + j) - lg_r - LogGamma(j + 1) + r * log_q + j * log_1q;
    };
    // Alive throughout, with x purchases.
    double p = std::exp(LogBeta(a, b + x) - log_beta_ab + log_nb(x));
    if (x > 0) {
      // Dropped out after the x-th purchase: needs P(N >= x).
      p += std::exp(LogBeta(a + 1, b + x - 1) - log_beta_ab) *
           NegativeBinomialTail(r, log_1q, x, log_nb);
    }
    out[i] = p;
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
