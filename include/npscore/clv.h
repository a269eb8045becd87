// npscore/clv.h: customer lifetime value: RFM summaries, BG/NBD and
// Gamma-Gamma models, discounted CLV.
//
// The names and definitions are those data scientists know from the Python
// package lifetimes (frequency, recency, T, monetary_value; r, alpha, a, b;
// p, q, v), so results can be checked against it:
//
//  - SummarizeRfm turns a transaction log into one row per customer:
//    purchases are counted per period (calendar day, ISO week, month or
//    quarter, or clock hour); frequency = distinct purchase periods - 1 (repeat periods),
//    recency = last - first purchase period, T = observation end's period -
//    first purchase period, monetary_value = mean of the per-period totals of
//    the repeat periods (0 when frequency is 0).
//  - FitBetaGeo: the BG/NBD model of Fader, Hardie & Lee (2005), "Counting
//    Your Customers the Easy Way", Marketing Science 24(2), by maximum
//    likelihood: Newton's method on the log-parameters with the analytic
//    gradient (Hessian by differences of it), the likelihood summed over
//    customers on several threads, in log space (log-gamma, log-sum-exp) so
//    that large frequencies and long histories do not overflow. Terms of the
//    frequency alone are computed once per distinct frequency; over 100,000
//    rows the fit starts from that of an evenly spaced subsample. A fit whose
//    likelihood is flat at the end (a parameter running off to 0 or
//    infinity, e.g. without repeat purchases) is an error, not an estimate.
//  - FitGammaGamma: the Gamma-Gamma spend model of Fader, Hardie & Lee (2005),
//    "RFM and CLV: Using Iso-Value Curves", and Fader & Hardie's note "The
//    Gamma-Gamma Model of Monetary Value" (2013); fitted on the customers
//    with frequency > 0 only, as the literature does (a customer without a
//    repeat purchase has no observed repeat spend).
//  - CustomerLifetimeValue: discounted CLV over monthly steps, computed as
//    lifetimes' customer_lifetime_value does, over at most kMaxClvMonths.

#ifndef NPSCORE_CLV_H_
#define NPSCORE_CLV_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/health.h"  // Frequency, kMissingTime
#include "npscore/limits.h"

namespace npscore {

// --- RFM summary ------------------------------------------------------------------

// Customer codes of one RFM summary (268 million): more than any customer
// base, and the summary holds 40 bytes per code (10.7 GB at the bound),
// whether the code has transactions or not.
inline constexpr int64_t kMaxRfmCustomers = int64_t{1} << 28;

// One row per customer code 0..n_customers-1. A code without transactions
// has transactions == 0 and NaN in the other columns.
struct RfmSummary {
  std::vector<double> frequency;       // repeat purchase periods
  std::vector<double> recency;         // periods from first to last purchase
  std::vector<double> T;               // periods from first purchase to the observation end
  std::vector<double> monetary_value;  // mean total of a repeat period; 0 without repeats
  std::vector<int64_t> transactions;   // rows of the customer

  size_t size() const { return frequency.size(); }
};

// The time units of recency and T, one set for SummarizeRfm and
// CustomerLifetimeValue: the calendar periods of Frequency (day, Monday-based
// week, month, quarter) and clock hours.
enum class RfmUnit { kDay, kWeek, kMonth, kQuarter, kHour };

// Parses a unit: the names ParseFrequency accepts, and "H" / "hour"
// (any case).
absl::StatusOr<RfmUnit> ParseRfmUnit(absl::string_view name);

// The unit of a Frequency.
RfmUnit ToRfmUnit(Frequency frequency);

// Units per month, as lifetimes' customer_lifetime_value counts them: day
// 30, week 4.345, month 1, quarter 1/3, hour 720 (ClvOptions::periods_per_month).
double PeriodsPerMonth(RfmUnit unit);

// Summarizes a transaction log: customers are codes in [0, n_customers),
// n_customers in 0..kMaxRfmCustomers,
// times int64 nanoseconds since the epoch read as wall-clock time (the
// period of a time is its calendar day / Monday-based week / month / quarter),
// amounts >= 0 (empty = no monetary value: monetary_value is then 0).
// A missing time (kMissingTime), a time after observation_end, a code out of
// range or a negative / NaN / infinite amount is an error naming the row.
absl::StatusOr<RfmSummary> SummarizeRfm(absl::Span<const int64_t> customers,
                                        int64_t n_customers,
                                        absl::Span<const int64_t> times,
                                        absl::Span<const double> amounts,
                                        int64_t observation_end, Frequency frequency);
// The same in any unit (hours: periods of 3,600 s of wall-clock time).
absl::StatusOr<RfmSummary> SummarizeRfm(absl::Span<const int64_t> customers,
                                        int64_t n_customers,
                                        absl::Span<const int64_t> times,
                                        absl::Span<const double> amounts,
                                        int64_t observation_end, RfmUnit unit);

// --- Fitting ------------------------------------------------------------------

// Options of the maximum-likelihood fits.
struct FitOptions {
  // Adds penalizer * (sum of squared parameters) to the mean negative
  // log-likelihood, as lifetimes does (for BG/NBD, alpha enters in units of
  // the largest T, so the penalty does not depend on the time unit).
  double penalizer = 0.0;
  int max_iterations = 200;  // 1..kMaxIterations (limits.h)
  // Converged when the gradient of the mean negative log-likelihood in the
  // log-parameters has max-norm below this (finite, > 0).
  double tolerance = 1e-9;
  // Threads for the likelihood: 0 = automatic (one per 20,000 customers, at
  // most the machine's), 1..kMaxThreads (limits.h) = that many.
  int threads = 0;
  // Gamma-Gamma only: what to do with repeat customers (frequency > 0) whose
  // monetary_value is <= 0 (a refund, a free order), which the model cannot
  // describe: kError (the default) fails naming their count, the first row
  // and this option; kExclude leaves them out of the fit and counts them in
  // FitInfo::excluded. NaN and infinite values are errors either way.
  enum class NonPositiveSpend { kError, kExclude };
  NonPositiveSpend nonpositive_spend = NonPositiveSpend::kError;
};

// BG/NBD parameters: purchase rates ~ Gamma(r, alpha) (alpha in the unit of
// recency and T), dropout probabilities ~ Beta(a, b).
struct BetaGeoParams {
  double r = 0, alpha = 0, a = 0, b = 0;
};

// Gamma-Gamma parameters: spend per transaction ~ Gamma(p, nu) with
// nu ~ Gamma(q, v).
struct GammaGammaParams {
  double p = 0, q = 0, v = 0;
};

// Diagnostics of a fit.
struct FitInfo {
  double log_likelihood = 0;  // total (weighted) log-likelihood at the estimate
  double objective = 0;       // minimized: mean negative log-likelihood + penalty
  double gradient_norm = 0;   // max-norm of the objective's gradient (log-parameters)
  int iterations = 0;
  // False if the fit stopped at max_iterations before the gradient reached
  // the tolerance: the estimate is the last one, usable but to be checked.
  bool converged = false;
  int64_t customers = 0;      // rows used (Gamma-Gamma: frequency > 0)
  // Gamma-Gamma: repeat rows left out for monetary_value <= 0
  // (FitOptions::nonpositive_spend = kExclude); 0 otherwise.
  int64_t excluded = 0;
};

struct BetaGeoFit {
  BetaGeoParams params;
  FitInfo info;
};

struct GammaGammaFit {
  GammaGammaParams params;
  FitInfo info;
};

// Fits BG/NBD. frequency: whole numbers >= 0; 0 <= recency <= T; recency is 0
// exactly when frequency is 0; T > 0 for at least one row. weights (empty =
// all 1): the number of customers with each row's history (aggregated input),
// finite and >= 0. An error names the first inconsistent row. A fit that
// stops at max_iterations returns its last estimate with info.converged
// false; a fit without an estimate (a parameter running off to 0 or
// infinity, a flat likelihood) is an error.
absl::StatusOr<BetaGeoFit> FitBetaGeo(absl::Span<const double> frequency,
                                      absl::Span<const double> recency,
                                      absl::Span<const double> T,
                                      absl::Span<const double> weights = {},
                                      const FitOptions& options = {});

// Fits Gamma-Gamma on the rows with frequency > 0 (their monetary_value must
// be finite; one <= 0 is an error or left out, as options.nonpositive_spend
// says; rows with frequency 0 are ignored, whatever their value).
absl::StatusOr<GammaGammaFit> FitGammaGamma(absl::Span<const double> frequency,
                                            absl::Span<const double> monetary_value,
                                            absl::Span<const double> weights = {},
                                            const FitOptions& options = {});

// --- Standard errors -------------------------------------------------------------

// The asymptotic covariance of the estimated parameters, row-major (BG/NBD:
// 4 x 4 in the order r, alpha, a, b; Gamma-Gamma: 3 x 3 in p, q, v): the
// inverse of the Hessian of the total (weighted) penalized negative
// log-likelihood in the log-parameters, at `params`, mapped to the
// parameters by the delta method (cov = diag(params) H^-1 diag(params)).
// This is the covariance lifetimes' summary reads its standard errors from.
// The data and options are those of the fit (penalizer, nonpositive_spend,
// threads); the Hessian comes from central differences of the analytic
// gradient. A Hessian that is not positive definite (not a maximum, a flat
// likelihood) is an error.
absl::StatusOr<std::vector<double>> BetaGeoCovariance(const BetaGeoParams& params,
                                                      absl::Span<const double> frequency,
                                                      absl::Span<const double> recency,
                                                      absl::Span<const double> T,
                                                      absl::Span<const double> weights = {},
                                                      const FitOptions& options = {});
absl::StatusOr<std::vector<double>> GammaGammaCovariance(
    const GammaGammaParams& params, absl::Span<const double> frequency,
    absl::Span<const double> monetary_value, absl::Span<const double> weights = {},
    const FitOptions& options = {});

// --- Predictions ----------------------------------------------------------------

// Checks that the parameters are finite and > 0.
absl::Status ValidateBetaGeo(const BetaGeoParams& params);
absl::Status ValidateGammaGamma(const GammaGammaParams& params);

// P(alive | frequency, recency, T) per customer (1 when frequency is 0).
// The predictions check histories as the fit does, except that without a
// repeat purchase any recency <= T is accepted (lifetimes accepts it, and no
// prediction depends on it then).
absl::StatusOr<std::vector<double>> BetaGeoProbabilityAlive(const BetaGeoParams& params,
                                                            absl::Span<const double> frequency,
                                                            absl::Span<const double> recency,
                                                            absl::Span<const double> T);

// Expected repeat purchases in (T, T + t] given the history, per customer
// (FHL 2005, eq. 10), t >= 0 in the unit of recency and T. Evaluated without
// the hypergeometric function's cancellation: as the Beta expectation of
// (1 - (1 + p t / (alpha + T))^-(r + x)) / p (series for small t, double
// exponential quadrature otherwise), so it stays accurate when a is near 1,
// for large frequencies and for long horizons.
absl::StatusOr<std::vector<double>> BetaGeoExpectedPurchases(const BetaGeoParams& params,
                                                             double t,
                                                             absl::Span<const double> frequency,
                                                             absl::Span<const double> recency,
                                                             absl::Span<const double> T);

// E[X(t)]: expected repeat purchases of a new customer in (0, t], per
// horizon t (finite, >= 0; FHL 2005, eq. 9), lifetimes'
// expected_number_of_purchases_up_to_time. Equal to BetaGeoExpectedPurchases
// for the history x = recency = T = 0, and evaluated the same way.
absl::StatusOr<std::vector<double>> BetaGeoUnconditionalPurchases(const BetaGeoParams& params,
                                                                  absl::Span<const double> t);

// The largest purchase count of BetaGeoPurchaseProbability: its cost grows
// with the count (a sum of that many terms), about 10 ms at the bound.
inline constexpr double kMaxPurchaseCount = 1e7;

// P(X(t) = n): the probability that a new customer makes exactly n repeat
// purchases in (0, t] (FHL 2005, eq. 8), per pair (t[i], n[i]); t finite and
// >= 0, n whole in 0..kMaxPurchaseCount; lifetimes'
// probability_of_n_purchases_up_to_time. In log space, and the negative
// binomial tail it needs is summed on its smaller side, so tiny
// probabilities keep their relative accuracy.
absl::StatusOr<std::vector<double>> BetaGeoPurchaseProbability(const BetaGeoParams& params,
                                                               absl::Span<const double> t,
                                                               absl::Span<const double> n);

// E[spend per transaction | frequency, monetary_value] per customer: the
// weighted mean of the population mean p v / (q - 1) and the customer's
// mean, weight p x / (p x + q - 1). Needs q > 1. Rows with frequency 0 get
// the population mean.
absl::StatusOr<std::vector<double>> GammaGammaExpectedProfit(
    const GammaGammaParams& params, absl::Span<const double> frequency,
    absl::Span<const double> monetary_value);

// The longest CLV horizon, in months: 100 years, beyond any customer
// relationship the BG/NBD model describes. A month costs about 1-3 us per
// customer (one core) where the discount does not end the sum early, so the
// bound keeps a call under about 4 ms per customer.
inline constexpr int kMaxClvMonths = 1200;

// Options of CustomerLifetimeValue (lifetimes' defaults).
struct ClvOptions {
  int months = 12;                 // horizon, in months: 1..kMaxClvMonths
  double discount_rate = 0.01;     // per month, finite and >= 0
  double periods_per_month = 4.345;  // units of recency/T per month: PeriodsPerMonth
};

// Discounted CLV: sum over months i = 1..months of E[purchases in month i] *
// E[profit per purchase] / (1 + discount_rate)^i. Without a discount the
// sum telescopes to E[purchases over the whole horizon] (one evaluation);
// with one, the monthly expectations rise ever more slowly (they are
// concave in time), so once the rest of the sum is provably below 2^-53 of
// the part summed, the months left are skipped.
absl::StatusOr<std::vector<double>> CustomerLifetimeValue(
    const BetaGeoParams& bg, const GammaGammaParams& gg, absl::Span<const double> frequency,
    absl::Span<const double> recency, absl::Span<const double> T,
    absl::Span<const double> monetary_value, const ClvOptions& options = {});

}  // namespace npscore

#endif  // NPSCORE_CLV_H_
