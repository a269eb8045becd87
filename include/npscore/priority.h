// npscore/priority.h: whom to contact first: revenue at risk, recoverability,
// deadlines and the contact queue.
//
// Every customer who answered carries an expected revenue at risk, P(churn) x
// CLV. How much of it can still be saved falls with the time since the answer
// (DOMAIN.md §5: a personal response within 1 hour recovers up to ~65%,
// within 24 hours ~40%, after 72 hours under 10%). The queue ranks customers
// by the expected recoverable revenue, risk x recoverability now, stamps each
// with its response deadline (answer + SLA) and hands the queue out to owners
// without exceeding their capacities.
//
// Times are int64 nanoseconds since the Unix epoch, UTC (numpy
// datetime64[ns]); INT64_MIN is missing (NaT), as in npscore/health.h.

#ifndef NPSCORE_PRIORITY_H_
#define NPSCORE_PRIORITY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "npscore/nps.h"

namespace npscore {

// --- Recoverability -------------------------------------------------------------

// The chance to recover a customer as a function of the hours since the
// response, given by anchor points (hours, probability). Between anchors the
// curve is the monotone cubic (Fritsch-Carlson PCHIP) interpolant in
// x = log(1 + hours): it passes through every anchor, is continuously
// differentiable, and never rises when the anchors fall (no overshoot). Before
// the first anchor it equals the first probability, after the last anchor the
// last probability (a floor).
//
// The defaults rest on DOMAIN.md §5 (article 002): 65% at 0 and 1 hour (flat
// within the first hour), 40% at 24 hours, 10% at 72 hours and a floor of 5%
// from one week (168 hours) on, so that every time past 72 hours is below 10%.
struct RecoveryCurve {
  std::vector<double> hours{0.0, 1.0, 24.0, 72.0, 168.0};
  std::vector<double> probability{0.65, 0.65, 0.40, 0.10, 0.05};
};

// Returns OK if the curve has at least one anchor, as many hours as
// probabilities, hours finite, >= 0 and strictly increasing, probabilities in
// [0, 1] and non-increasing.
absl::Status ValidateRecoveryCurve(const RecoveryCurve& curve);

// A validated curve, ready to evaluate (cheap to copy; thread-safe to read).
class Recoverability {
 public:
  static absl::StatusOr<Recoverability> Create(const RecoveryCurve& curve = {});

  // The probability at `hours` since the response (hours >= 0; NaN gives NaN).
  double operator()(double hours) const;

  const RecoveryCurve& curve() const { return curve_; }

 private:
  RecoveryCurve curve_;
  std::vector<double> x_, y_, slope_;  // knots in log1p(hours), PCHIP slopes
};

// Evaluates the curve at every entry of `hours`; a negative or NaN entry is an
// error naming its row.
absl::StatusOr<std::vector<double>> RecoverabilityAt(absl::Span<const double> hours,
                                                     const RecoveryCurve& curve = {});

// --- The contact queue -------------------------------------------------------------

// The segment code of a customer whose segment is unknown (no play) is
// kNoSegment (nps.h).

// Columns of the customers to rank, one entry per customer.
struct PriorityInput {
  absl::Span<const double> churn_risk;    // P(churn) in [0, 1]
  absl::Span<const double> clv;           // customer lifetime value, finite, >= 0
  absl::Span<const int8_t> segment;       // optional: -1/0/+1 (nps.h Segment) or kNoSegment
  absl::Span<const int64_t> responded_at; // optional: response times (ns UTC), no NaT
  int64_t now = 0;                        // the time the queue is made for (ns UTC)
};

// Options of the queue.
struct PriorityOptions {
  double sla_hours = 24.0;  // response deadline after the answer (DOMAIN.md §5: 24 h)
  RecoveryCurve recovery;   // recoverability by hours since the answer
  // Length of the queue: the `top` best customers (partial selection), or
  // every customer when top < 0.
  int64_t top = -1;
  // Owners' capacities (customers each can take), in owner order; empty: no
  // assignment.
  std::vector<int64_t> capacities;
  int threads = 0;  // 0: as many as the input size warrants (at most 8)
};

// The queue, best first. Rows are ranked by expected recoverable revenue
// (risk x recoverability), ties broken by revenue at risk (higher first), then
// by deadline (earlier first), then by input row (lower first): the order is a
// total order, the same on any number of threads.
//
// Assignment: walking the queue best first, each customer goes to the owner
// with the most capacity left (ties: the owner listed first), so the most
// valuable customers are spread over the owners; once every capacity is used
// up, the remaining customers have no owner (-1).
//
// Without response times, recoverability is 1 (no time discount), deadlines
// are kMissingTime and nothing is overdue.
struct PriorityQueue {
  std::vector<int64_t> row;               // input row of each queue entry
  std::vector<double> revenue_at_risk;    // churn_risk x clv
  std::vector<double> hours_since_response;  // (now - responded_at) / 1 h; NaN without times
  std::vector<double> recoverability;     // the curve at hours_since_response
  std::vector<double> expected_recoverable;  // revenue_at_risk x recoverability: the priority
  std::vector<int64_t> deadline;          // responded_at + sla_hours (ns UTC)
  std::vector<uint8_t> overdue;           // now > deadline
  std::vector<int8_t> segment;            // as given (kNoSegment without segments)
  std::vector<int32_t> owner;             // index into capacities, -1 for none
  int64_t n_rows = 0;                     // customers ranked
  double total_revenue_at_risk = 0;       // over all customers, not just the queue

  size_t size() const { return row.size(); }
};

// Validates the columns (churn risk in [0, 1], CLV finite >= 0, segment codes,
// response times not missing and not after `now`; errors name the row and the
// value) and returns the queue.
absl::StatusOr<PriorityQueue> Prioritize(const PriorityInput& input,
                                         const PriorityOptions& options = {});

// The recommended play for a segment code (DOMAIN.md §7): "recover" for a
// detractor, "make_it_a_10" for a passive, "advocacy" for a promoter; "" for
// kNoSegment or any other code.
const char* PlayName(int8_t segment);
// The play's script: what the owner does, in one sentence ("" as above).
const char* PlayScript(int8_t segment);

// --- Revenue at risk by group ------------------------------------------------------

// Per-group totals of revenue at risk (row g for group code g).
struct RevenueAtRiskTable {
  std::vector<int64_t> customers;
  std::vector<double> clv;              // sum of CLV
  std::vector<double> revenue_at_risk;  // sum of churn_risk x clv
  std::vector<double> mean_churn_risk;  // NaN for an empty group
  double total_clv = 0;
  double total_revenue_at_risk = 0;

  size_t size() const { return customers.size(); }
};

// Sums revenue at risk by group: `codes` in [0, n_groups) (or -1 to leave a
// row out; empty codes: one group of every row). Churn risk and CLV are
// validated as in Prioritize.
absl::StatusOr<RevenueAtRiskTable> RevenueAtRisk(absl::Span<const double> churn_risk,
                                                 absl::Span<const double> clv,
                                                 absl::Span<const int32_t> codes,
                                                 int32_t n_groups);

}  // namespace npscore

#endif  // NPSCORE_PRIORITY_H_
