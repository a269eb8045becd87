// Survey planning (npscore/survey.h): cohorts by a stable id hash, the
// invitation rules, and the sample sizes of a survey.

#include "npscore/survey.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "npscore/health.h"
#include "src/internal/status_macros.h"
#include "src/internal/time_zone.h"

namespace npscore {
namespace {

constexpr uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ull;
constexpr uint64_t kFnvPrime = 0x100000001b3ull;
constexpr double kNanosPerDay = 86400e9;

// SplitMix64's output function (src/internal/splitmix64.h applies it to its
// state): every input bit reaches every output bit.
uint64_t Finalize(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

absl::Status CheckCohorts(int32_t cohorts) {
  if (cohorts < 1 || cohorts > kMaxSurveyCohorts) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cohorts is ", cohorts, ": it must be in 1..", kMaxSurveyCohorts,
        " (4: a different 25% of the customers each month)"));
  }
  return absl::OkStatus();
}

// An error for a string id that is empty (a missing id).
absl::Status CheckStringId(absl::string_view id, size_t row) {
  if (id.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "customer id at row ", row, " is missing (empty): every customer needs an id"));
  }
  return absl::OkStatus();
}

// A repeated id: an error naming both rows.
template <typename K>
absl::Status CheckUnique(absl::Span<const K> ids) {
  absl::flat_hash_map<K, size_t> first;
  first.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto [it, inserted] = first.try_emplace(ids[i], i);
    if (!inserted) {
      std::string shown;
      if constexpr (std::is_same_v<K, int64_t>) {
        shown = absl::StrCat(ids[i]);
      } else {
        shown = absl::StrFormat("\"%s\"", absl::CHexEscape(ids[i].substr(0, 60)));
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "customer id ", shown, " appears at rows ", it->second, " and ", i,
          ": each customer must appear once"));
    }
  }
  return absl::OkStatus();
}

template <typename K>
absl::StatusOr<std::vector<int32_t>> Cohorts(absl::Span<const K> ids, int32_t cohorts) {
  NPSCORE_RETURN_IF_ERROR(CheckCohorts(cohorts));
  std::vector<int32_t> out(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if constexpr (!std::is_same_v<K, int64_t>) NPSCORE_RETURN_IF_ERROR(CheckStringId(ids[i], i));
    out[i] = SurveyCohortOf(SurveyIdHash(ids[i]), cohorts);
  }
  return out;
}

// Checks that an optional column is empty or has n entries.
absl::Status CheckLength(size_t size, size_t n, absl::string_view name) {
  if (size != 0 && size != n) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " has ", size, " entries but there are ", n, " customers"));
  }
  return absl::OkStatus();
}

// Floor of a / b for b > 0.
int64_t FloorMod(int64_t a, int64_t b) {
  const int64_t r = a % b;
  return r < 0 ? r + b : r;
}

// --- Binomial tail ----------------------------------------------------------------

constexpr double kLog2Pi = 1.8378770664093454836;  // log(2 pi)

// log(n!) - [(n + 1/2) log n - n + log(2 pi) / 2]: the error of Stirling's
// formula, from its asymptotic series (Bernoulli numbers) above 15 and from
// log-gamma, which is exact enough for small n, below.
double StirlingError(double n) {
  if (n <= 15) {
    return std::lgamma(n + 1) - (n + 0.5) * std::log(n) + n - 0.5 * kLog2Pi;
  }
  const double n2 = n * n;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * n2)) / n2) / n2) /
                         n2) /
         n;
}

// x log(x / m) + m - x, the deviance term, without cancellation when x is
// close to m: with v = (x - m) / (x + m) it equals (x - m) v + 2 x (v^3 / 3 +
// v^5 / 5 + ...).
double Deviance(double x, double m) {
  if (std::fabs(x - m) < 0.1 * (x + m)) {
    const double v = (x - m) / (x + m);
    const double v2 = v * v;
    double sum = (x - m) * v;
    double term = 2 * x * v;
    for (int j = 1; j < 1000; ++j) {
      term *= v2;
      const double next = sum + term / (2 * j + 1);
      if (next == sum) break;
      sum = next;
    }
    return sum;
  }
  return x * std::log(x / m) + m - x;
}

// P(Binomial(n, p) = k) by Loader's saddle-point expansion (relative error
// near machine precision, for any n).
double BinomialPmf(int64_t k, int64_t n, double p) {
  const double q = 1 - p;
  if (k == 0) return std::exp(static_cast<double>(n) * std::log1p(-p));
  if (k == n) return std::exp(static_cast<double>(n) * std::log(p));
  const double dn = static_cast<double>(n);
  const double dk = static_cast<double>(k);
  const double log_c = StirlingError(dn) - StirlingError(dk) - StirlingError(dn - dk) -
                       Deviance(dk, dn * p) - Deviance(dn - dk, dn * q);
  const double log_f = kLog2Pi + std::log(dk) + std::log1p(-dk / dn);
  return std::exp(log_c - 0.5 * log_f);
}

// Sums the binomial probabilities from k in steps of `step` (+1 or -1) while
// they matter: they fall monotonically that way (k is on the far side of the
// mode), so the sum stops when a term no longer changes it.
double TailFrom(int64_t k, int64_t step, int64_t n, double p) {
  double term = BinomialPmf(k, n, p);
  double sum = term;
  const double odds = p / (1 - p);
  while (term > 0 && ((step > 0 && k < n) || (step < 0 && k > 0))) {
    // pmf(k + 1) / pmf(k) = (n - k) / (k + 1) x p / q, and its inverse.
    term *= step > 0 ? static_cast<double>(n - k) / static_cast<double>(k + 1) * odds
                     : static_cast<double>(k) / static_cast<double>(n - k + 1) / odds;
    k += step;
    if (sum + term == sum) break;
    sum += term;
  }
  return sum;
}

}  // namespace

uint64_t SurveyIdHash(absl::string_view id) {
  uint64_t h = kFnvOffsetBasis;
  for (const char c : id) {
    h ^= static_cast<uint8_t>(c);
    h *= kFnvPrime;
  }
  return Finalize(h);
}

uint64_t SurveyIdHash(int64_t id) {
  const absl::AlphaNum text(id);
  return SurveyIdHash(text.Piece());
}

absl::StatusOr<std::vector<int32_t>> SurveyCohorts(absl::Span<const int64_t> ids,
                                                   int32_t cohorts) {
  return Cohorts(ids, cohorts);
}

absl::StatusOr<std::vector<int32_t>> SurveyCohorts(absl::Span<const absl::string_view> ids,
                                                   int32_t cohorts) {
  return Cohorts(ids, cohorts);
}

const char* InvitationReasonName(InvitationReason reason) {
  switch (reason) {
    case InvitationReason::kInvited:
      return "invited";
    case InvitationReason::kChurned:
      return "churned";
    case InvitationReason::kOpenCase:
      return "open_case";
    case InvitationReason::kTooRecent:
      return "too_recent";
    case InvitationReason::kNotThisCohort:
      return "not_this_cohort";
  }
  return "";
}

absl::StatusOr<Invitations> SurveyInvitations(const InvitationInput& input,
                                              const InvitationOptions& options) {
  const bool by_string = !input.string_ids.empty();
  if (by_string && !input.ids.empty()) {
    return absl::InvalidArgumentError(
        "both integer ids and string ids given: give the customer ids one way");
  }
  const size_t n = by_string ? input.string_ids.size() : input.ids.size();
  NPSCORE_RETURN_IF_ERROR(CheckLength(input.last_surveyed.size(), n, "last_surveyed"));
  NPSCORE_RETURN_IF_ERROR(CheckLength(input.churned.size(), n, "churned"));
  NPSCORE_RETURN_IF_ERROR(CheckLength(input.open_case.size(), n, "open_case"));
  const double days = options.min_days_between;
  if (!(days >= 0 && days <= kMaxDaysBetweenSurveys)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_days_between is ", days, ": it must be in [0, ", kMaxDaysBetweenSurveys, "]"));
  }
  NPSCORE_RETURN_IF_ERROR(CheckCohorts(options.cohorts));
  if (input.as_of == kMissingTime) {
    return absl::InvalidArgumentError("as_of is missing (NaT): give the time of the plan");
  }
  NPSCORE_ASSIGN_OR_RETURN(const absl::TimeZone zone,
                           internal::LoadTimeZone(options.time_zone, "time_zone"));

  Invitations out;
  if (by_string) {
    NPSCORE_ASSIGN_OR_RETURN(out.cohort, Cohorts(input.string_ids, options.cohorts));
    NPSCORE_RETURN_IF_ERROR(CheckUnique(input.string_ids));
  } else {
    NPSCORE_ASSIGN_OR_RETURN(out.cohort, Cohorts(input.ids, options.cohorts));
    NPSCORE_RETURN_IF_ERROR(CheckUnique(input.ids));
  }
  for (size_t i = 0; i < input.last_surveyed.size(); ++i) {
    const int64_t t = input.last_surveyed[i];
    if (t != kMissingTime && t > input.as_of) {
      return absl::InvalidArgumentError(absl::StrCat(
          "last_surveyed at row ", i, " is ", absl::FormatTime(absl::FromUnixNanos(t)),
          ", after as_of (", absl::FormatTime(absl::FromUnixNanos(input.as_of)),
          "): a survey not yet sent when the plan is made"));
    }
  }

  const absl::CivilMonth month = absl::ToCivilMonth(absl::FromUnixNanos(input.as_of), zone);
  out.month = (month.year() - 1970) * 12 + (month.month() - 1);
  out.period_cohort = static_cast<int32_t>(FloorMod(out.month, options.cohorts));
  const double min_gap = days * kNanosPerDay;  // < 2^62: exact where it matters

  out.reason.resize(n);
  for (size_t i = 0; i < n; ++i) {
    InvitationReason r = InvitationReason::kInvited;
    if (!input.churned.empty() && input.churned[i] != 0) {
      r = InvitationReason::kChurned;
    } else if (!input.open_case.empty() && input.open_case[i] != 0) {
      r = InvitationReason::kOpenCase;
    } else if (!input.last_surveyed.empty() && input.last_surveyed[i] != kMissingTime &&
               static_cast<double>(static_cast<uint64_t>(input.as_of) -
                                   static_cast<uint64_t>(input.last_surveyed[i])) < min_gap) {
      r = InvitationReason::kTooRecent;
    } else if (out.cohort[i] != out.period_cohort) {
      r = InvitationReason::kNotThisCohort;
    }
    out.reason[i] = static_cast<int8_t>(r);
    ++out.counts[static_cast<size_t>(r)];
  }
  return out;
}

// --- Planning ------------------------------------------------------------------------

absl::Status ValidateSegmentShares(const SegmentShares& s) {
  const std::pair<const char*, double> shares[] = {
      {"detractors", s.detractors}, {"passives", s.passives}, {"promoters", s.promoters}};
  for (const auto& [name, v] : shares) {
    if (!(v >= 0 && v <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the share of ", name, " is ", v, ": shares must be in [0, 1]"));
    }
  }
  const double sum = s.detractors + s.passives + s.promoters;
  if (!(std::fabs(sum - 1) <= 1e-9)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "the shares add up to %.12g (detractors %g, passives %g, promoters %g): they must add "
        "up to 1",
        sum, s.detractors, s.passives, s.promoters));
  }
  return absl::OkStatus();
}

absl::StatusOr<ResponsePlan> ResponsesNeeded(const SegmentShares& shares, double margin,
                                             const IntervalOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateSegmentShares(shares));
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(options));
  if (!(margin > 0 && margin <= 200)) {
    return absl::InvalidArgumentError(
        absl::StrCat("margin is ", margin, ": it must be in (0, 200] NPS points"));
  }
  const double nps = 100 * (shares.promoters - shares.detractors);
  auto half_width = [&](int64_t n) -> absl::StatusOr<double> {
    const double dn = static_cast<double>(n);
    NPSCORE_ASSIGN_OR_RETURN(const Interval ci,
                             NpsInterval(dn * shares.detractors, dn * shares.passives,
                                         dn * shares.promoters, options));
    return std::max(nps - ci.low, ci.high - nps);
  };
  // Doubling brackets the answer in (lo, hi], then bisection.
  int64_t lo = 0;
  int64_t hi = 1;
  NPSCORE_ASSIGN_OR_RETURN(double w_hi, half_width(hi));
  while (w_hi > margin) {
    if (hi == kMaxPlannedCount) {
      return absl::InvalidArgumentError(absl::StrCat(
          "margin is ", margin, ": even ", kMaxPlannedCount,
          " responses give a wider interval (half-width ", w_hi, ")"));
    }
    lo = hi;
    hi = std::min(2 * hi, kMaxPlannedCount);
    NPSCORE_ASSIGN_OR_RETURN(w_hi, half_width(hi));
  }
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    NPSCORE_ASSIGN_OR_RETURN(const double w, half_width(mid));
    if (w <= margin) {
      hi = mid;
      w_hi = w;
    } else {
      lo = mid;
    }
  }
  return ResponsePlan{hi, w_hi};
}

absl::StatusOr<double> DetectableChange(const SegmentShares& shares, int64_t n1, int64_t n2,
                                        double alpha, double power) {
  NPSCORE_RETURN_IF_ERROR(ValidateSegmentShares(shares));
  const std::pair<const char*, int64_t> sizes[] = {{"n1", n1}, {"n2", n2}};
  for (const auto& [name, n] : sizes) {
    if (n < 1 || n > kMaxPlannedCount) {
      return absl::InvalidArgumentError(absl::StrCat(name, " is ", n, ": it must be in 1..",
                                                     kMaxPlannedCount, " responses"));
    }
  }
  if (!(alpha > 0 && alpha < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("alpha is ", alpha, ": it must be in (0, 1)"));
  }
  if (!(power > 0 && power < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("power is ", power, ": it must be in (0, 1)"));
  }
  const double z = NormalQuantile(1 - alpha / 2) + NormalQuantile(power);
  if (!(z > 0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "power is ", power, " with alpha ", alpha,
        ": a test at that level rejects at least that often with no change at all"));
  }
  const double v = NpsVariance(shares.detractors, shares.passives, shares.promoters);
  return z * 100 *
         std::sqrt(v / static_cast<double>(n1) + v / static_cast<double>(n2));
}

double BinomialAtLeast(int64_t k, int64_t n, double p) {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  // Sum the side of k away from the mode: the upper tail from k when k is
  // above the mean, else the lower tail below k, subtracted from 1.
  if (static_cast<double>(k) > static_cast<double>(n) * p) return std::min(1.0, TailFrom(k, 1, n, p));
  return std::max(0.0, 1 - TailFrom(k - 1, -1, n, p));
}

absl::StatusOr<int64_t> InvitationsNeeded(int64_t responses, double response_rate,
                                          double assurance) {
  if (responses < 0 || responses > kMaxPlannedCount) {
    return absl::InvalidArgumentError(absl::StrCat("responses is ", responses, ": it must be in 0..",
                                                   kMaxPlannedCount));
  }
  if (!(response_rate > 0 && response_rate <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("response_rate is ", response_rate, ": it must be in (0, 1]"));
  }
  if (!(assurance > 0 && assurance < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("assurance is ", assurance, ": it must be in (0, 1)"));
  }
  if (responses == 0) return 0;
  if (response_rate == 1) return responses;
  auto enough = [&](int64_t n) { return BinomialAtLeast(responses, n, response_rate) >= assurance; };
  // Bracket from the expected count: (lo, hi] with enough(hi) and not enough(lo).
  const double expected = std::ceil(static_cast<double>(responses) / response_rate);
  if (!(expected <= static_cast<double>(kMaxPlannedCount))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "responses ", responses, " at response_rate ", response_rate, " need more than ",
        kMaxPlannedCount, " invitations"));
  }
  int64_t lo = responses - 1;
  int64_t hi = std::max(responses, static_cast<int64_t>(expected));
  if (!enough(hi)) {
    int64_t step = std::max<int64_t>(1, static_cast<int64_t>(std::sqrt(expected)));
    for (;;) {
      lo = hi;
      if (hi == kMaxPlannedCount) {
        return absl::InvalidArgumentError(absl::StrCat(
            "responses ", responses, " at response_rate ", response_rate, " with assurance ",
            assurance, " need more than ", kMaxPlannedCount, " invitations"));
      }
      hi = hi > kMaxPlannedCount - step ? kMaxPlannedCount : hi + step;
      if (enough(hi)) break;
      step = step > kMaxPlannedCount / 2 ? kMaxPlannedCount : 2 * step;
    }
  }
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (enough(mid)) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

}  // namespace npscore
