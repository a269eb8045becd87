// npscore/churn.h: churn-risk scoring: signals from NPS history, a calibrated
// logistic model (fitted, or a prior from documented base rates), per-customer
// reasons, evaluation and persistence.

#ifndef NPSCORE_CHURN_H_
#define NPSCORE_CHURN_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "npscore/health.h"
#include "npscore/nps.h"

namespace npscore {

// --- Features: signals from NPS history, as of a date (src/churn_features.cc) ---
//
// Everything here is computed "as of" an instant: only responses with time
// <= as_of count, and a follow-up counts only if it happened by as_of, so a
// model trained on these features never sees the future. Times are int64
// UTC nanoseconds, kMissingTime (INT64_MIN) = missing / none.

// Nanoseconds per day: every "days" figure is a difference of times / this.
inline constexpr int64_t kNanosPerDay = int64_t{86400} * 1000 * 1000 * 1000;

// What to do with a response whose customer is not in the customer table.
enum class UnknownCustomers {
  kError,  // the first one is an error naming its row and id
  kSkip,   // left out and counted in `skipped_unknown_customers`
};

// Options of ChurnFeatures. `scores.missing` also governs missing response
// times (NaT): an error, or skipped and counted.
struct ChurnFeatureOptions {
  ScoreOptions scores;
  // A detractor answer given at most this many days after sign-up is
  // "early-life" (DOMAIN.md section 5, 002: "first 7-10 days").
  double early_life_days = 10;
  UnknownCustomers unknown = UnknownCustomers::kError;
};

// Per-customer signals, one entry per customer of the table, in table order.
// A double is NaN where the value does not exist (no response by as_of,
// fewer than two responses, unknown sign-up); counts and flags are 0 then.
// "Latest" and "previous" are by response time.
struct ChurnFeatures {
  std::vector<uint8_t> has_response;   // 1 if the customer answered by as_of
  std::vector<uint8_t> signed_up;      // 0 if the sign-up time is after as_of
  std::vector<int64_t> n_responses;    // responses by as_of
  std::vector<int64_t> latest_row;     // row of the latest response, -1 without one
  std::vector<double> score;           // the latest score
  std::vector<int8_t> segment;         // its segment (-1/0/+1), kNoSegment without one
  std::vector<double> previous_score;  // the score before it
  std::vector<double> score_change;    // score - previous_score
  std::vector<int8_t> segment_change;  // segment - previous segment (-2..2); 0 below 2 responses
  std::vector<double> mean_score, min_score, max_score;  // over the responses by as_of
  std::vector<int64_t> n_detractor_responses;            // detractor answers among them
  std::vector<double> days_since_response;        // as_of - latest response
  std::vector<double> days_since_first_response;  // as_of - first response
  std::vector<double> tenure_days;        // latest response - sign-up (negative if before)
  std::vector<double> customer_age_days;  // as_of - sign-up
  // 1 if the latest response is a detractor answer given 0..early_life_days
  // days after sign-up.
  std::vector<uint8_t> early_life_detractor;
  // For a latest response that is a detractor answer: followed up by as_of
  // (1), the days it took (NaN otherwise), and the days it has waited without
  // a follow-up (as_of - response; 0 when followed up or not a detractor).
  std::vector<uint8_t> detractor_followed_up;
  std::vector<double> days_to_follow_up;
  std::vector<double> days_detractor_waiting;

  // Accounting of the response rows: used + after_as_of + the skipped ones
  // = all rows.
  int64_t used = 0;         // responses at or before as_of
  int64_t after_as_of = 0;  // valid responses after as_of, left out
  int64_t skipped_missing_scores = 0;
  int64_t skipped_missing_times = 0;
  int64_t skipped_unknown_customers = 0;

  size_t size() const { return has_response.size(); }
};

// Computes the signals of every customer of the table (`customer_ids`,
// distinct int64 ids, with `signup_times`, empty or one per customer,
// kMissingTime = unknown) from the responses (`customers`: the customer id of
// each, `times`, `scores`, and `followed_up`, empty or one follow-up time per
// response, kMissingTime = none) as of `as_of`. One pass over the responses
// updates a small per-customer state (no sort, no allocation per row); the
// ids are looked up by offset when dense, else through a hash map. Errors
// name the row and value: a bad score, a missing time, an unknown customer
// (unless skipped), a follow-up before its response, two responses of one
// customer at the same instant where it matters (latest or previous), a
// duplicated id in the table, columns of different lengths, a negative or NaN
// early_life_days, more than 2^31 - 1 responses or customers in one call.
template <typename T>
absl::StatusOr<ChurnFeatures> ComputeChurnFeatures(absl::Span<const int64_t> customers,
                                                   absl::Span<const int64_t> times,
                                                   absl::Span<const T> scores,
                                                   absl::Span<const int64_t> followed_up,
                                                   absl::Span<const int64_t> customer_ids,
                                                   absl::Span<const int64_t> signup_times,
                                                   int64_t as_of,
                                                   const ChurnFeatureOptions& options = {});

// Churn labels over the horizon after as_of: label 1 if the customer churned
// in (as_of, as_of + horizon], 0 if not (churned later or never). Customers
// who had churned by as_of, or who signed up after it, are no longer / not
// yet customers: label -1 (left out), counted.
struct ChurnLabels {
  std::vector<int8_t> label;
  int64_t positives = 0, negatives = 0;
  int64_t churned_before = 0;  // churned at or before as_of
  int64_t not_yet_customers = 0;  // signed up after as_of

  size_t size() const { return label.size(); }
};

// Labels from one churn time per customer (`churned_at`, kMissingTime = not
// churned) and optional sign-up times (empty, or one per customer).
// `horizon_ns` must be > 0 and as_of + horizon_ns must not overflow.
absl::StatusOr<ChurnLabels> ComputeChurnLabels(absl::Span<const int64_t> churned_at,
                                               absl::Span<const int64_t> signup_times,
                                               int64_t as_of, int64_t horizon_ns);

// Checks a train-on-earlier / test-on-later split: features as of
// train_as_of with labels over (train_as_of, train_as_of + horizon] train the
// model, which is tested on features as of test_as_of with labels over the
// horizon after it. Honest only if the training labels were known by
// test_as_of (train_as_of + horizon <= test_as_of) and, when
// `observed_until` is given (not kMissingTime), the test horizon was fully
// observed (test_as_of + horizon <= observed_until). The error says which
// condition fails and by how many days.
absl::Status CheckTimeSplit(int64_t train_as_of, int64_t test_as_of, int64_t horizon_ns,
                            int64_t observed_until = kMissingTime);

// (end of churn features)

// --- Model: logistic regression, prior, reasons, evaluation, persistence (src/churn.cc) ---

// (end of churn model)

}  // namespace npscore

#endif  // NPSCORE_CHURN_H_
