// npscore/priority.h: whom to contact first: revenue at risk, recoverability,
// deadlines and the contact queue.
//
// Every customer who answered carries an expected revenue at risk, P(churn) x
// CLV. How much of it can still be saved falls with the time since the answer
// (docs/sources.md §5: a personal response within 1 hour recovers up to ~65%,
// within 24 hours ~40%, after 72 hours under 10%). There is one queue per
// play (recover, make it a 10, advocacy) with its own SLA; a case stays
// queued while it is live (not contacted, not closed, inside the curve's
// window) and is ranked by the value of acting now rather than a day later;
// stale uncontacted cases go to a missed list for account review.
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
#include "npscore/limits.h"
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
// The defaults rest on docs/sources.md §5 (article 002): 65% at 0 and 1 hour (flat
// within the first hour), 40% at 24 hours, 10% at 72 hours and a floor of 5%
// from one week (168 hours) on, so that every time past 72 hours is below 10%.
struct RecoveryCurve {
  std::vector<double> hours{0.0, 1.0, 24.0, 72.0, 168.0};
  std::vector<double> probability{0.65, 0.65, 0.40, 0.10, 0.05};
};

// Returns OK if the curve has at least one anchor, as many hours as
// probabilities, hours finite, >= 0 and strictly increasing, probabilities in
// [0, 1] and non-increasing. Any number of anchors is read (a point is found
// by binary search among many).
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
  // Optional: when the customer was contacted about this response (ns UTC);
  // kMissingTime (NaT) for not yet. A contact at or before `now` takes the
  // case out of the queue; a later one counts as not yet made (a replay).
  // Needs responded_at; a contact before the response is an error.
  absl::Span<const int64_t> contacted_at;
  // Optional: nonzero for a case that is closed (handled by other means):
  // it leaves the queue and the missed list.
  absl::Span<const uint8_t> closed;
};

// Options of the queue.
struct PriorityOptions {
  // Response deadlines after the answer, per play: "recover" (detractors and
  // customers without a segment, 24 h), "make_it_a_10" (passives, 72 h) and
  // "advocacy" (promoters, 7 days); each in (0, 1e6].
  double sla_hours = 24.0;
  double passive_sla_hours = 72.0;
  double promoter_sla_hours = 168.0;
  RecoveryCurve recovery;   // recoverability by hours since the answer
  // The window in which a case is live: a response older than this (and not
  // contacted or closed) leaves the queue for the missed list (account
  // review). -1: the curve's last anchor (168 h by default), where the
  // recoverability reaches its permanent floor; a one-anchor curve has no
  // window. Otherwise in (0, 1e6], or +infinity for no window.
  double window_hours = -1;
  // The delay the priority weighs: the value of acting now rather than
  // `urgency_hours` later, in (0, 1e6] (24 h: today rather than tomorrow).
  double urgency_hours = 24.0;
  // Length of the queue: the `top` best customers (partial selection; a top
  // above the number of customers gives every customer), or every customer
  // when -1. 0 and other negative values are errors.
  int64_t top = -1;
  // Owners' capacities (customers each can take, >= 0), in owner order;
  // empty: no assignment.
  std::vector<int64_t> capacities;
  int threads = 0;  // 0: as many as the input size warrants (at most 8); at most kMaxThreads
};

// The queues, one per play, concatenated in play order: "recover"
// (detractors), then "make_it_a_10" (passives), "advocacy" (promoters), and
// last customers without a segment (who are ranked like detractors). Only
// live cases are queued: not closed, not contacted by `now`, and (with
// response times) answered less than the window ago.
//
// Priority within a play queue (with response times):
//   recover, make_it_a_10, no segment: the value of acting now rather than
//     `urgency_hours` later, churn_risk x clv x [r(h) - r(h + urgency_hours)]
//     (r: the recovery curve, h: hours since the answer). It is highest for
//     fresh answers and 0 once the curve has reached its floor, so neither
//     the floor nor a stale answer holds a place.
//   advocacy: the CLV (the value of a referral or a case study); promoters
//     get no recoverability (NaN).
// Without response times the urgency is 1 (priority = revenue at risk, or the
// CLV for promoters), deadlines are kMissingTime and nothing is overdue or
// missed. Ties break by revenue at risk (higher first), then deadline
// (earlier first), then input row: a total order, the same on any number of
// threads. `top` limits each play's queue separately.
//
// Assignment: walking the concatenated queue (recover first), each case goes
// to the owner with the most capacity left (ties: the owner listed first);
// once every capacity is used up, the remaining cases have no owner (-1).
struct PriorityQueue {
  std::vector<int64_t> row;               // input row of each queue entry
  std::vector<double> revenue_at_risk;    // churn_risk x clv
  std::vector<double> hours_since_response;  // (now - responded_at) / 1 h; NaN without times
  std::vector<double> recoverability;     // r(hours); NaN for promoters
  std::vector<double> expected_recoverable;  // revenue_at_risk x recoverability (NaN for promoters)
  std::vector<double> urgency;            // r(h) - r(h + urgency_hours); 1 without times, NaN for promoters
  std::vector<double> priority;           // the ranking value within the play (see above)
  std::vector<int64_t> deadline;          // responded_at + the play's SLA (ns UTC)
  std::vector<uint8_t> overdue;           // now > deadline (an open, live case past its SLA)
  std::vector<int8_t> segment;            // as given (kNoSegment without segments)
  std::vector<int32_t> owner;             // index into capacities, -1 for none
  int64_t n_rows = 0;                     // customers ranked
  double total_revenue_at_risk = 0;       // over all customers, not just the queue
  double window_hours = 0;                // the window applied (+inf for none)

  // The missed list (account review): open cases answered at least the window
  // ago, never contacted by `now`, by revenue at risk (highest first; ties:
  // row). Every play's; segment tells which.
  std::vector<int64_t> missed_row;
  std::vector<int8_t> missed_segment;
  std::vector<double> missed_revenue_at_risk;

  // Counts over every row, by play (index: 0 recover, 1 make_it_a_10,
  // 2 advocacy, 3 no segment).
  int64_t queued[4] = {0, 0, 0, 0};      // live, open (before `top`)
  int64_t contacted[4] = {0, 0, 0, 0};   // contacted by now (not closed)
  int64_t closed[4] = {0, 0, 0, 0};
  int64_t missed[4] = {0, 0, 0, 0};
  // Detractors' SLA: those whose deadline has passed or who were contacted by
  // now, and how many of them were contacted within the SLA (needs
  // contacted_at; both 0 without response times).
  int64_t detractors_due = 0;
  int64_t detractors_within_sla = 0;

  size_t size() const { return row.size(); }
};

// Validates the options (SLAs, window, urgency, top, capacities, threads, the
// recovery curve) and the columns (churn risk in [0, 1], CLV finite >= 0,
// segment codes, response times not missing and not after `now`, contact
// times not before the response; errors name the row and the value) and
// returns the queues.
absl::StatusOr<PriorityQueue> Prioritize(const PriorityInput& input,
                                         const PriorityOptions& options = {});

// The recommended play for a segment code (docs/sources.md §7): "recover" for a
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
  std::vector<double> expected_churners;  // sum of churn_risk
  // revenue_at_risk / total_revenue_at_risk (NaN when the total is 0)
  std::vector<double> share_of_risk;
  // revenue_at_risk / clv: the CLV-weighted churn risk (NaN when clv is 0)
  std::vector<double> risk_rate;
  double total_clv = 0;
  double total_revenue_at_risk = 0;

  size_t size() const { return customers.size(); }
};

// Groups of one RevenueAtRisk call (67 million): the table holds 32 bytes per
// group, with rows or without (2.1 GB at the bound).
inline constexpr int32_t kMaxRiskGroups = int32_t{1} << 26;

// Sums revenue at risk by group: `codes` in [0, n_groups) (or -1 to leave a
// row out; empty codes: one group of every row), n_groups in
// 0..kMaxRiskGroups. Churn risk and CLV are validated as in Prioritize.
absl::StatusOr<RevenueAtRiskTable> RevenueAtRisk(absl::Span<const double> churn_risk,
                                                 absl::Span<const double> clv,
                                                 absl::Span<const int32_t> codes,
                                                 int32_t n_groups);

// --- Latest response per customer ---------------------------------------------------

// The rows of each customer's latest response (per group), and what was read.
struct LatestResponseRows {
  std::vector<int64_t> row;           // one row per (customer, group), ascending
  int64_t used = 0;                   // responses compared
  int64_t superseded = 0;             // used responses with a later one: used - row.size()
  int64_t left_out = 0;               // rows with group code -1
  int64_t skipped_missing_times = 0;  // rows with a missing time (Missing::kSkip)

  size_t size() const { return row.size(); }
};

// Finds the latest response of each customer within each group: the row of
// the latest time among the responses with the same customer id (any int64)
// and the same group code. `groups` (empty: one group of every row) holds
// codes >= 0 (any values, e.g. period * n_slices + slice), or -1 to leave the
// row out, unread. Times are ns UTC; a missing time (kMissingTime) of a row
// not left out is an error naming the row, or with Missing::kSkip is left out
// and counted.
//
// The one tie rule of npscore, shared with ComputeChurnFeatures, Migration
// and AccountNps (kLatest): responses at the same instant are ordered by row,
// so of two answers of one customer (in one group) with the same time stamp,
// the later row is the latest. This is the order of a stable sort by time
// (pandas: sort_values(kind="stable")) and of exports, which list answers as
// they come; files with dates only have many such ties. To decide ties
// otherwise, order the rows so. Nothing is dropped silently: every row is in `row`, `superseded`, `left_out` or
// `skipped_missing_times`.
//
// One pass after a validating scan; per-(customer, group) state in a table
// indexed by the ids' offsets when ids and codes are dense (a span no wider
// than 2x the rows + 64Ki), else in a hash map; no sort.
absl::StatusOr<LatestResponseRows> LatestResponses(absl::Span<const int64_t> customers,
                                                   absl::Span<const int64_t> times,
                                                   absl::Span<const int64_t> groups = {},
                                                   Missing missing = Missing::kError);

}  // namespace npscore

#endif  // NPSCORE_PRIORITY_H_
