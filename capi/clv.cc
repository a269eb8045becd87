// The C ABI of the clv module (npscore/c_api.h): thin wrappers over
// npscore/clv.h. Outputs are written only on success.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/clv.h"

// The C header repeats the core's bounds and defaults: they must agree.
static_assert(NPSCORE_MAX_RFM_CUSTOMERS == npscore::kMaxRfmCustomers, "customers");
static_assert(NPSCORE_MAX_CLV_MONTHS == npscore::kMaxClvMonths, "months");
namespace {
constexpr npscore_clv_fit_options kFitInit = NPSCORE_CLV_FIT_OPTIONS_INIT;
constexpr npscore::FitOptions kCoreFit{};
static_assert(kFitInit.penalizer == kCoreFit.penalizer &&
                  kFitInit.max_iterations == kCoreFit.max_iterations &&
                  kFitInit.tolerance == kCoreFit.tolerance && kFitInit.threads == kCoreFit.threads,
              "NPSCORE_CLV_FIT_OPTIONS_INIT must equal npscore::FitOptions{}");
static_assert(kFitInit.nonpositive_spend == static_cast<int32_t>(kCoreFit.nonpositive_spend) &&
                  NPSCORE_CLV_NONPOSITIVE_EXCLUDE ==
                      static_cast<int>(npscore::FitOptions::NonPositiveSpend::kExclude),
              "nonpositive_spend values");
static_assert(NPSCORE_CLV_MAX_PURCHASE_COUNT == npscore::kMaxPurchaseCount, "purchase count");
}  // namespace

namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options struct (version 2 appended
// nonpositive_spend).
constexpr size_t kFitOptionsSize[] = {offsetof(npscore_clv_fit_options, nonpositive_spend),
                                      sizeof(npscore_clv_fit_options)};

// The fit options' defaults, from the core's.
npscore_clv_fit_options FitDefaults() {
  const FitOptions d;
  return {NPSCORE_CLV_FIT_OPTIONS_VERSION, d.penalizer, d.max_iterations, d.tolerance, d.threads,
          static_cast<int32_t>(d.nonpositive_spend)};
}

npscore_status ReadFitOptions(Call& call, const npscore_clv_fit_options* opts, FitOptions* out) {
  npscore_clv_fit_options c;
  NPSCORE_C_RETURN_IF_ERROR(ReadOptions(call, opts, FitDefaults(), kFitOptionsSize, "opts", &c));
  *out = FitOptions{};
  out->penalizer = c.penalizer;
  out->max_iterations = c.max_iterations;
  out->tolerance = c.tolerance;
  out->threads = c.threads;  // checked by the core
  // Any int is a value of the enum class (its underlying type is int); the
  // core checks the range.
  out->nonpositive_spend = static_cast<FitOptions::NonPositiveSpend>(c.nonpositive_spend);
  return NPSCORE_OK;
}

// A column of n doubles (NULL only when n == 0) as a span.
npscore_status Column(Call& call, const double* p, size_t n, const char* name,
                      absl::Span<const double>* out) {
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, p, n, name));
  *out = absl::Span<const double>(p, p == nullptr ? 0 : n);
  return NPSCORE_OK;
}

// The three history columns.
npscore_status Histories(Call& call, const double* f, const double* r, const double* T, size_t n,
                         absl::Span<const double>* fs, absl::Span<const double>* rs,
                         absl::Span<const double>* ts) {
  NPSCORE_C_RETURN_IF_ERROR(Column(call, f, n, "frequency", fs));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, r, n, "recency", rs));
  return Column(call, T, n, "T", ts);
}

void InfoToC(const FitInfo& info, npscore_clv_fit_info* out) {
  if (out == nullptr) return;
  out->log_likelihood = info.log_likelihood;
  out->objective = info.objective;
  out->gradient_norm = info.gradient_norm;
  out->iterations = info.iterations;
  out->converged = info.converged ? 1 : 0;
  out->customers = info.customers;
}

BetaGeoParams BgToCore(const npscore_clv_beta_geo_params& p) { return {p.r, p.alpha, p.a, p.b}; }
GammaGammaParams GgToCore(const npscore_clv_gamma_gamma_params& p) { return {p.p, p.q, p.v}; }

// Copies a core result column of n values into the caller's array.
npscore_status Output(Call& call, const absl::StatusOr<std::vector<double>>& r, size_t n,
                      double* out) {
  if (!r.ok()) return call.Fail(r.status());
  if (r->size() != n) {
    return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("the result has ", r->size(),
                                                     " values, not ", n));
  }
  std::copy(r->begin(), r->end(), out);
  return call.Ok();
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::CheckOutput;
using npscore::capi::Column;
using npscore::capi::Histories;

extern "C" {

NPSCORE_API npscore_status npscore_clv_fit_options_init(npscore_clv_fit_options* opts,
                                                        uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::FitDefaults(),
                                    npscore::capi::kFitOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_rfm_summary(
    npscore_clv_rfm_row* out, size_t out_capacity, size_t n_customers, const int64_t* customers,
    const int64_t* times, const double* amounts, size_t n, int64_t observation_end,
    int32_t frequency, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  if (n_customers > static_cast<size_t>(npscore::kMaxRfmCustomers)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_customers is ", n_customers),
                     absl::StrCat(": must be in 0..", npscore::kMaxRfmCustomers,
                                  " (NPSCORE_MAX_RFM_CUSTOMERS)"));
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n_customers, "out"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, amounts, amounts ? n : 0, "amounts"));
  npscore::Frequency f;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFrequency(call, frequency, &f));
  const auto s = npscore::SummarizeRfm(
      absl::Span<const int64_t>(customers, customers ? n : 0),
      static_cast<int64_t>(n_customers), absl::Span<const int64_t>(times, times ? n : 0),
      absl::Span<const double>(amounts, amounts ? n : 0), observation_end, f);
  if (!s.ok()) return call.Fail(s.status());
  if (s->size() != n_customers) {
    return call.Fail(NPSCORE_EINTERNAL, absl::StrCat("the summary has ", s->size(),
                                                     " rows, not ", n_customers));
  }
  for (size_t c = 0; c < s->size(); ++c) {
    out[c] = {s->frequency[c], s->recency[c], s->T[c], s->monetary_value[c], s->transactions[c]};
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_fit_beta_geo(npscore_clv_beta_geo_params* out,
                                                    npscore_clv_fit_info* out_info,
                                                    const double* frequency, const double* recency,
                                                    const double* T, const double* weights,
                                                    size_t n, const npscore_clv_fit_options* opts,
                                                    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  absl::Span<const double> f, r, t, w;
  NPSCORE_C_RETURN_IF_ERROR(Histories(call, frequency, recency, T, n, &f, &r, &t));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, weights, weights ? n : 0, "weights", &w));
  npscore::FitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  const auto fit = npscore::FitBetaGeo(f, r, t, w, o);
  if (!fit.ok()) return call.Fail(fit.status());
  *out = {fit->params.r, fit->params.alpha, fit->params.a, fit->params.b};
  npscore::capi::InfoToC(fit->info, out_info);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_fit_gamma_gamma(
    npscore_clv_gamma_gamma_params* out, npscore_clv_fit_info* out_info, const double* frequency,
    const double* monetary_value, const double* weights, size_t n,
    const npscore_clv_fit_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  absl::Span<const double> f, m, w;
  NPSCORE_C_RETURN_IF_ERROR(Column(call, frequency, n, "frequency", &f));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, monetary_value, n, "monetary_value", &m));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, weights, weights ? n : 0, "weights", &w));
  npscore::FitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  const auto fit = npscore::FitGammaGamma(f, m, w, o);
  if (!fit.ok()) return call.Fail(fit.status());
  *out = {fit->params.p, fit->params.q, fit->params.v};
  npscore::capi::InfoToC(fit->info, out_info);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_probability_alive(
    double* out, size_t out_capacity, const npscore_clv_beta_geo_params* params,
    const double* frequency, const double* recency, const double* T, size_t n,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> f, r, t;
  NPSCORE_C_RETURN_IF_ERROR(Histories(call, frequency, recency, T, n, &f, &r, &t));
  return npscore::capi::Output(
      call, npscore::BetaGeoProbabilityAlive(npscore::capi::BgToCore(*params), f, r, t), n, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_expected_purchases(
    double* out, size_t out_capacity, const npscore_clv_beta_geo_params* params, double t,
    const double* frequency, const double* recency, const double* T, size_t n,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> f, r, ts;
  NPSCORE_C_RETURN_IF_ERROR(Histories(call, frequency, recency, T, n, &f, &r, &ts));
  return npscore::capi::Output(
      call, npscore::BetaGeoExpectedPurchases(npscore::capi::BgToCore(*params), t, f, r, ts), n,
      out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_unconditional_purchases(
    double* out, size_t out_capacity, const npscore_clv_beta_geo_params* params, const double* t,
    size_t n, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> ts;
  NPSCORE_C_RETURN_IF_ERROR(Column(call, t, n, "t", &ts));
  return npscore::capi::Output(
      call, npscore::BetaGeoUnconditionalPurchases(npscore::capi::BgToCore(*params), ts), n, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_purchase_probability(
    double* out, size_t out_capacity, const npscore_clv_beta_geo_params* params, const double* t,
    const double* count, size_t n, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> ts, cs;
  NPSCORE_C_RETURN_IF_ERROR(Column(call, t, n, "t", &ts));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, count, n, "count", &cs));
  return npscore::capi::Output(
      call, npscore::BetaGeoPurchaseProbability(npscore::capi::BgToCore(*params), ts, cs), n,
      out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_beta_geo_covariance(
    double* out, size_t out_capacity, const npscore_clv_beta_geo_params* params,
    const double* frequency, const double* recency, const double* T, const double* weights,
    size_t n, const npscore_clv_fit_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, 16, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> f, r, t, w;
  NPSCORE_C_RETURN_IF_ERROR(Histories(call, frequency, recency, T, n, &f, &r, &t));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, weights, weights ? n : 0, "weights", &w));
  npscore::FitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  return npscore::capi::Output(
      call, npscore::BetaGeoCovariance(npscore::capi::BgToCore(*params), f, r, t, w, o), 16, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_gamma_gamma_covariance(
    double* out, size_t out_capacity, const npscore_clv_gamma_gamma_params* params,
    const double* frequency, const double* monetary_value, const double* weights, size_t n,
    const npscore_clv_fit_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, 9, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> f, m, w;
  NPSCORE_C_RETURN_IF_ERROR(Column(call, frequency, n, "frequency", &f));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, monetary_value, n, "monetary_value", &m));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, weights, weights ? n : 0, "weights", &w));
  npscore::FitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  return npscore::capi::Output(
      call, npscore::GammaGammaCovariance(npscore::capi::GgToCore(*params), f, m, w, o), 9, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_expected_profit(
    double* out, size_t out_capacity, const npscore_clv_gamma_gamma_params* params,
    const double* frequency, const double* monetary_value, size_t n, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_REQUIRE(params);
  absl::Span<const double> f, m;
  NPSCORE_C_RETURN_IF_ERROR(Column(call, frequency, n, "frequency", &f));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, monetary_value, n, "monetary_value", &m));
  return npscore::capi::Output(
      call, npscore::GammaGammaExpectedProfit(npscore::capi::GgToCore(*params), f, m), n, out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_clv_lifetime_value(
    double* out, size_t out_capacity, const npscore_clv_beta_geo_params* bg,
    const npscore_clv_gamma_gamma_params* gg, const double* frequency, const double* recency,
    const double* T, const double* monetary_value, size_t n, int32_t months,
    double discount_rate, double periods_per_month, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_REQUIRE(bg);
  NPSCORE_C_REQUIRE(gg);
  absl::Span<const double> f, r, t, m;
  NPSCORE_C_RETURN_IF_ERROR(Histories(call, frequency, recency, T, n, &f, &r, &t));
  NPSCORE_C_RETURN_IF_ERROR(Column(call, monetary_value, n, "monetary_value", &m));
  npscore::ClvOptions o;
  o.months = months;
  o.discount_rate = discount_rate;
  o.periods_per_month = periods_per_month;
  return npscore::capi::Output(
      call,
      npscore::CustomerLifetimeValue(npscore::capi::BgToCore(*bg), npscore::capi::GgToCore(*gg),
                                     f, r, t, m, o),
      n, out);
  NPSCORE_C_END
}

}  // extern "C"
