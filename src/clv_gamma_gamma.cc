// Customer lifetime value: the Gamma-Gamma spend model (Fader, Hardie and
// Lee 2005) by maximum likelihood and its expected spend per transaction.
//
// As for BG/NBD, the terms of the frequency alone are computed once per
// distinct frequency; the fit minimises with internal::Minimize (newton.h).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "absl/strings/str_cat.h"
#include "npscore/clv.h"
#include "src/internal/clv_fit.h"
#include "src/internal/newton.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/special_functions.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::CheckFitOptions;
using internal::CheckPositive;
using internal::CheckSameLength;
using internal::CheckWeight;
using internal::CustomerThreads;
using internal::Digamma;
using internal::Every;
using internal::Finite;
using internal::FrequencyTable;
using internal::LogGamma;
using internal::Minimize;
using internal::PenalizedObjective;
using internal::ValueText;
using internal::Vec;
using internal::WarmStart;
using Mat3 = Eigen::Matrix<double, 3, 3>;

struct GgData {
  FrequencyTable table;
  std::vector<double> x, m, w;
  double total_weight = 0;
  double fixed = 0;  // sum of w (x ln m - ln m + ...): the parts without parameters
  double sum_wx_log_mx = 0;  // sum of w x (ln m + ln x)
  int64_t excluded = 0;      // repeat rows with monetary_value <= 0, left out
};

// Counts the repeat rows with a finite monetary_value <= 0; under kError, any
// is an error naming the count, the first row and the option that excludes
// them.
absl::StatusOr<int64_t> CountNonPositiveSpend(absl::Span<const double> frequency,
                                              absl::Span<const double> monetary_value,
                                              FitOptions::NonPositiveSpend rule) {
  int64_t count = 0;
  size_t first = 0;
  for (size_t i = 0; i < frequency.size() && i < monetary_value.size(); ++i) {
    if (frequency[i] > 0 && monetary_value[i] <= 0) {
      if (count++ == 0) first = i;
    }
  }
  if (count > 0 && rule == FitOptions::NonPositiveSpend::kError) {
    return absl::InvalidArgumentError(absl::StrCat(
        "monetary_value is <= 0 for ", count, count == 1 ? " repeat customer" : " repeat customers",
        " (frequency > 0), the first at row ", first, " (", ValueText(monetary_value[first]),
        "): the Gamma-Gamma model needs spend > 0; set nonpositive_spend to exclude to leave ",
        count == 1 ? "it" : "them", " out of the fit and count ", count == 1 ? "it" : "them",
        ", or fix the data"));
  }
  return count;
}

absl::StatusOr<GgData> PrepareGammaGamma(absl::Span<const double> frequency,
                                         absl::Span<const double> monetary_value,
                                         absl::Span<const double> weights,
                                         FitOptions::NonPositiveSpend rule) {
  const size_t n = frequency.size();
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("monetary_value", monetary_value.size(), n));
  if (!weights.empty()) NPSCORE_RETURN_IF_ERROR(CheckSameLength("weights", weights.size(), n));
  GgData d;
  for (size_t i = 0; i < n; ++i) {
    const double x = frequency[i], m = monetary_value[i];
    if (!(x >= 0 && Finite(x) && internal::IsWhole(x))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "frequency at row ", i, " is ", ValueText(x), ": must be a whole number >= 0"));
    }
    const double w = weights.empty() ? 1.0 : weights[i];
    if (!weights.empty()) NPSCORE_RETURN_IF_ERROR(CheckWeight(i, w));
    if (x == 0) continue;
    if (!Finite(m)) {
      return absl::InvalidArgumentError(
          absl::StrCat("monetary_value at row ", i, " is ", ValueText(m), " (frequency ",
                       ValueText(x), "): must be finite and > 0 for a repeat customer"));
    }
    if (m <= 0) {
      ++d.excluded;  // (counted and refused under kError, below)
      continue;
    }
    if (w == 0) continue;
    d.table.Add(x, w);
    d.x.push_back(x);
    d.m.push_back(m);
    d.w.push_back(w);
    d.total_weight += w;
    d.fixed -= w * std::log(m);
    d.sum_wx_log_mx += w * x * (std::log(m) + std::log(x));
  }
  if (d.excluded > 0) {
    NPSCORE_RETURN_IF_ERROR(CountNonPositiveSpend(frequency, monetary_value, rule).status());
  }
  if (!(d.total_weight > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no customer with frequency > 0 (and weight > 0)",
        d.excluded > 0 ? absl::StrCat(" and monetary_value > 0 (", d.excluded, " excluded)") : "",
        ": the Gamma-Gamma model is fitted on repeat customers"));
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

// The objective the fit minimizes, over log (p, q, v): an eval(theta, &f,
// &grad) for Minimize and LogCovariance.
auto GammaGammaObjective(const GgData& d, const FitOptions& options) {
  const size_t threads = CustomerThreads(options.threads, d.x.size());
  return [&d, threads, pen = options.penalizer](const Vec<3>& th, double* f, Vec<3>* g) {
    const double p = std::exp(th[0]), q = std::exp(th[1]), v = std::exp(th[2]);
    double ll;
    std::array<double, 3> grad;
    if (!GammaGammaSums(d, p, q, v, threads, &ll, &grad)) return false;
    return PenalizedObjective<3>(ll, grad, {p, q, v}, d.total_weight, pen, f, g);
  };
}

absl::StatusOr<Vec<3>> FitGammaGammaData(const GgData& d, const FitOptions& options,
                                         Vec<3> start, Mat3* hessian, FitInfo* info) {
  static const char* const kNames[] = {"p", "q", "v"};
  return Minimize<3>(GammaGammaObjective(d, options), start, options, "Gamma-Gamma", kNames,
                     info, hessian);
}

}  // namespace

absl::StatusOr<GammaGammaFit> FitGammaGamma(absl::Span<const double> frequency,
                                            absl::Span<const double> monetary_value,
                                            absl::Span<const double> weights,
                                            const FitOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckFitOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(
      const GgData d,
      PrepareGammaGamma(frequency, monetary_value, weights, options.nonpositive_spend));
  GammaGammaFit fit;
  Vec<3> start = Vec<3>::Constant(0.1);
  Mat3 hessian = Mat3::Constant(internal::kNaN);
  WarmStart<3>(
      d.x.size(), options,
      [&](size_t stride, const FitOptions& rough, const Vec<3>& from,
          Mat3* h) -> absl::StatusOr<Vec<3>> {
        NPSCORE_ASSIGN_OR_RETURN(
            const GgData sub,
            PrepareGammaGamma(Every(d.x, stride), Every(d.m, stride), Every(d.w, stride),
                              options.nonpositive_spend));
        FitInfo info;
        return FitGammaGammaData(sub, rough, from, h, &info);
      },
      &start, &hessian);
  NPSCORE_ASSIGN_OR_RETURN(const Vec<3> theta,
                           FitGammaGammaData(d, options, start, &hessian, &fit.info));
  fit.params = {std::exp(theta[0]), std::exp(theta[1]), std::exp(theta[2])};
  double ll;
  std::array<double, 3> grad;
  GammaGammaSums(d, fit.params.p, fit.params.q, fit.params.v,
                 CustomerThreads(options.threads, d.x.size()), &ll, &grad);
  fit.info.log_likelihood = ll;
  fit.info.customers = static_cast<int64_t>(d.x.size());
  fit.info.excluded = d.excluded;
  return fit;
}

absl::StatusOr<std::vector<double>> GammaGammaCovariance(const GammaGammaParams& params,
                                                         absl::Span<const double> frequency,
                                                         absl::Span<const double> monetary_value,
                                                         absl::Span<const double> weights,
                                                         const FitOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckPositive("p", params.p));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("q", params.q));
  NPSCORE_RETURN_IF_ERROR(CheckPositive("v", params.v));
  NPSCORE_RETURN_IF_ERROR(CheckFitOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(
      const GgData d,
      PrepareGammaGamma(frequency, monetary_value, weights, options.nonpositive_spend));
  const Vec<3> theta(std::log(params.p), std::log(params.q), std::log(params.v));
  return internal::LogCovariance<3>(GammaGammaObjective(d, options), theta, d.total_weight,
                                    Vec<3>::Ones(), "Gamma-Gamma");
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

}  // namespace npscore
