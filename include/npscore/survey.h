// npscore/survey.h: survey planning: whom to invite this period, and how many
// answers (and invitations) are enough.
//
// Invitations: a customer is invited iff not churned, without an open case,
// not surveyed within `min_days_between` days, and in this period's cohort.
// Customers are split into `cohorts` rotating cohorts by a stable hash of the
// customer id (SurveyIdHash), so a customer keeps its cohort from run to run
// and in every language; the cohort surveyed in a month is the month's index
// (months since January 1970 in the time zone) modulo `cohorts`. With the
// defaults (4 cohorts, 90 days) each customer is asked at most every four
// months, a different quarter of the customers each month.
//
// Planning: responses needed for a +-margin interval on the NPS, the smallest
// change between two periods detectable at a power, and invitations needed
// for a response count at a response rate (exact binomial). Formulas:
// docs/survey.md.
//
// Times are int64 nanoseconds since the Unix epoch, UTC; kMissingTime
// (health.h) is "never".

#ifndef NPSCORE_SURVEY_H_
#define NPSCORE_SURVEY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/nps.h"

namespace npscore {

// --- Cohorts -------------------------------------------------------------------

// The cohort hash of a customer id: FNV-1a 64 over the id's bytes (offset
// basis 0xcbf29ce484222325, prime 0x100000001b3), then the SplitMix64
// finaliser (z ^= z >> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >> 27;
// z *= 0x94d049bb133111eb; z ^= z >> 31), which spreads FNV's weak low bits.
// A string id is hashed as its UTF-8 bytes; an integer id as its decimal text
// ("42", "-7"), so the integer 42 and the string "42" share a cohort.
uint64_t SurveyIdHash(absl::string_view id);
uint64_t SurveyIdHash(int64_t id);

// The cohort of a hash: hash mod cohorts (unsigned).
inline int32_t SurveyCohortOf(uint64_t hash, int32_t cohorts) {
  return static_cast<int32_t>(hash % static_cast<uint64_t>(cohorts));
}

// Defaults and bounds of the invitation rules.
inline constexpr double kDefaultMinDaysBetweenSurveys = 90;
inline constexpr int32_t kDefaultSurveyCohorts = 4;
inline constexpr int32_t kMaxSurveyCohorts = 1000;
inline constexpr double kMaxDaysBetweenSurveys = 36600;  // 100 years

// The cohort of every id (cohorts in 1..kMaxSurveyCohorts). String ids must
// not be empty (an empty id is a missing one: an error naming its row).
absl::StatusOr<std::vector<int32_t>> SurveyCohorts(absl::Span<const int64_t> ids,
                                                   int32_t cohorts = kDefaultSurveyCohorts);
absl::StatusOr<std::vector<int32_t>> SurveyCohorts(absl::Span<const absl::string_view> ids,
                                                   int32_t cohorts = kDefaultSurveyCohorts);

// --- Invitations -----------------------------------------------------------------

// Why a customer is (not) invited; the first rule that applies, in this order.
enum class InvitationReason : int8_t {
  kInvited = 0,        // every rule passed
  kChurned = 1,        // the customer has churned
  kOpenCase = 2,       // a case is open (do not survey during a recovery)
  kTooRecent = 3,      // surveyed less than min_days_between days before as_of
  kNotThisCohort = 4,  // another cohort's month
};
inline constexpr int kInvitationReasons = 5;

// "invited", "churned", "open_case", "too_recent", "not_this_cohort".
const char* InvitationReasonName(InvitationReason reason);

// The customers, one entry per customer. Exactly one of `ids` and
// `string_ids` is given; ids are unique (a repeated id is an error naming both
// rows). The other columns are optional (empty: none churned, no open case,
// never surveyed) and otherwise as long as the ids.
struct InvitationInput {
  absl::Span<const int64_t> ids;
  absl::Span<const absl::string_view> string_ids;  // UTF-8, not empty
  absl::Span<const int64_t> last_surveyed;          // ns UTC; kMissingTime = never
  absl::Span<const uint8_t> churned;                // nonzero: churned
  absl::Span<const uint8_t> open_case;              // nonzero: a case is open
  int64_t as_of = 0;                                // ns UTC, not kMissingTime
};

// The rules' parameters.
struct InvitationOptions {
  // Days (of 24 hours) that must pass between two surveys of a customer, in
  // [0, kMaxDaysBetweenSurveys]: a customer surveyed at t is too recent while
  // as_of - t < min_days_between days. 90 limits survey fatigue to four
  // surveys a year.
  double min_days_between = kDefaultMinDaysBetweenSurveys;
  // Rotating cohorts, 1..kMaxSurveyCohorts: 4 asks a different 25% each month.
  int32_t cohorts = kDefaultSurveyCohorts;
  // The zone whose calendar months define the periods (an IANA name or "UTC").
  std::string time_zone = "UTC";
};

// The decision for every customer, in input order, and the counts.
struct Invitations {
  std::vector<int8_t> reason;   // InvitationReason; kInvited = invite
  std::vector<int32_t> cohort;  // each customer's cohort
  std::array<int64_t, kInvitationReasons> counts{};  // customers by reason
  int64_t month = 0;            // as_of's month: months since 1970-01 in the zone
  int32_t period_cohort = 0;    // the cohort invited this month: month mod cohorts
};

// Decides whom to invite as of `as_of`. A last survey after as_of is an error
// naming its row (it was not known at as_of).
absl::StatusOr<Invitations> SurveyInvitations(const InvitationInput& input,
                                              const InvitationOptions& options = {});

// --- How many answers are enough --------------------------------------------------

// Expected segment shares, each in [0, 1], adding up to 1 (within 1e-9).
struct SegmentShares {
  double detractors = 0;
  double passives = 0;
  double promoters = 0;
};

// Returns OK if the shares are valid; the error names the share and value.
absl::Status ValidateSegmentShares(const SegmentShares& shares);

// The largest planned number of responses or invitations.
inline constexpr int64_t kMaxPlannedCount = int64_t{1} << 40;  // about 1.1e12

// A planned number of responses and the interval it gives.
struct ResponsePlan {
  int64_t responses = 0;
  // The interval's half-width at the expected counts (responses x shares),
  // max(nps - low, high - nps) with nps the expected NPS: <= the margin.
  double half_width = 0;
};

// The smallest n whose interval (by `options.method` and confidence, from the
// expected counts n x shares) lies within +-margin NPS points of the expected
// NPS. margin in (0, 200]. Wald: n = ceil(z^2 V 10^4 / margin^2), V =
// p + d - (p - d)^2. n is found by doubling and bisection (the half-width
// falls with n); beyond kMaxPlannedCount is an error.
absl::StatusOr<ResponsePlan> ResponsesNeeded(const SegmentShares& shares, double margin,
                                             const IntervalOptions& options = {});

// Defaults of the power calculation.
inline constexpr double kDefaultSurveyAlpha = 0.05;
inline constexpr double kDefaultSurveyPower = 0.8;

// The smallest NPS change (points, > 0) between two periods of n1 and n2
// responses (>= 1) that a two-sided Wald test at level alpha detects with
// probability `power` (both in (0, 1)), by the normal approximation
//   delta = (z_{1 - alpha / 2} + z_{power}) x 100 x sqrt(V / n1 + V / n2),
// V = p + d - (p - d)^2 from the expected shares (those of the two periods
// together).
absl::StatusOr<double> DetectableChange(const SegmentShares& shares, int64_t n1, int64_t n2,
                                        double alpha = kDefaultSurveyAlpha,
                                        double power = kDefaultSurveyPower);

// P(Binomial(n, p) >= k), exactly (up to rounding): the term nearest the
// mean side by Loader's saddle-point formula, then the tail summed outwards
// term by term. n >= 0, 0 <= k, p in [0, 1].
double BinomialAtLeast(int64_t k, int64_t n, double p);

// The default assurance: invitations whose median response count reaches
// the target.
inline constexpr double kDefaultSurveyAssurance = 0.5;

// The smallest number of invitations N with P(Binomial(N, response_rate) >=
// responses) >= assurance: responses in [0, kMaxPlannedCount],
// response_rate in (0, 1], assurance in (0, 1). 0 responses need 0
// invitations; beyond kMaxPlannedCount invitations is an error.
absl::StatusOr<int64_t> InvitationsNeeded(int64_t responses, double response_rate,
                                          double assurance = kDefaultSurveyAssurance);

}  // namespace npscore

#endif  // NPSCORE_SURVEY_H_
