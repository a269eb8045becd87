// npscore/loop.h: closing the loop: how fast cases are answered, and what
// answering them achieved.
//
// The input is a case log, one row per case (a response that opened a case,
// e.g. a detractor's): when it was opened, when the customer was first
// contacted (kMissingTime: never), when it was closed (kMissingTime: still
// open), an optional group code (owner, segment or period) and, for learning,
// the outcome (recovered or not).
//
// LoopMetrics answers "how fast do we respond?": time to first contact
// (median, p90), SLA compliance with Wilson intervals, and the backlog (open,
// not contacted) and its age, by group, as of a time.
//
// LearnRecoveryCurve answers "how much does speed buy?": the recovery
// probability against hours to first contact, non-increasing, with
// pointwise intervals, as anchors in the shape of priority.h's RecoveryCurve,
// so that a team's own outcomes replace the default anchors in Prioritize.
//
// Times are int64 nanoseconds since the Unix epoch, UTC; kMissingTime
// (INT64_MIN, health.h) is missing (NaT). Formulas and measured coverage:
// docs/loop.md.

#ifndef NPSCORE_LOOP_H_
#define NPSCORE_LOOP_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "npscore/nps.h"
#include "npscore/priority.h"

namespace npscore {

// --- The case log ----------------------------------------------------------------

// Columns of the case log, one entry per case; optional columns are empty or
// as long as opened_at. Errors name the column, the first offending row and
// its value.
struct CaseLog {
  absl::Span<const int64_t> opened_at;         // ns UTC; never missing
  absl::Span<const int64_t> first_contact_at;  // optional; kMissingTime = never; >= opened_at
  absl::Span<const int64_t> closed_at;         // optional; kMissingTime = open; >= opened_at
  // Optional group codes in [0, n_groups), or -1 to leave the case out.
  absl::Span<const int32_t> group;
  int32_t n_groups = 0;
  // Optional per-case SLA in hours, each in (0, kMaxLoopHours] (e.g. by
  // segment); empty: LoopMetricsOptions::sla_hours for every case.
  absl::Span<const double> sla_hours;
  // The outcome, for LearnRecoveryCurve: 1 recovered, 0 not; NaN is a missing
  // outcome (an error, or left out and counted with Missing::kSkip).
  absl::Span<const double> recovered;
};

// Groups of one LoopMetrics call (about a million): the table holds about 120
// bytes per group.
inline constexpr int32_t kMaxLoopGroups = int32_t{1} << 20;
// The largest SLA in hours (about 114 years), as priority.h's SLAs.
inline constexpr double kMaxLoopHours = 1e6;

// --- Loop metrics ------------------------------------------------------------------

// Options of LoopMetrics.
struct LoopMetricsOptions {
  // The deadline of a first contact, hours after opening, in (0,
  // kMaxLoopHours]; the recover play's SLA of priority.h by default.
  double sla_hours = 24.0;
  // Confidence of the Wilson intervals of SLA compliance, in (0, 1).
  double confidence = 0.95;
};

// The metrics of one group of cases (or of all), as of `as_of`. Cases opened
// after as_of are left out (they did not exist yet); a contact or a closure
// after as_of counts as not yet made, so a log can be replayed day by day.
struct LoopGroupMetrics {
  int64_t cases = 0;            // opened by as_of
  int64_t contacted = 0;        // first contact by as_of
  int64_t never_contacted = 0;  // closed by as_of without a contact
  int64_t backlog = 0;          // open at as_of and not contacted (pending)
  // Time to first contact in hours, over every case: a case never contacted
  // counts as +inf, and a pending case as "later than its age" (censored at
  // as_of - opened_at), by the Kaplan-Meier estimate. Each is the lower
  // quantile, the smallest time by which at least that share of the cases
  // was contacted; +inf when the share is never reached (e.g. more than half
  // never contacted); NaN for a group without cases. Without pending cases
  // this is exactly the empirical quantile with never = +inf.
  double median_hours_to_contact = 0;
  double p90_hours_to_contact = 0;
  // SLA compliance: due cases (contacted by as_of, or past their deadline
  // opened_at + SLA at as_of), and those contacted within the SLA (at or
  // before the deadline). A case closed without a contact is missed once its
  // deadline passes. The share met / due with its Wilson interval (NaN when
  // nothing is due).
  int64_t sla_due = 0;
  int64_t sla_met = 0;
  double sla_share = 0;
  double sla_ci_low = 0;
  double sla_ci_high = 0;
  // The backlog's age in hours (as_of - opened_at): the lower median and the
  // maximum (NaN without a backlog).
  double backlog_median_age_hours = 0;
  double backlog_max_age_hours = 0;
};

// The metrics by group (row g for group code g) and over every case not left
// out.
struct LoopMetricsTable {
  std::vector<LoopGroupMetrics> groups;
  LoopGroupMetrics all;
  int64_t opened_after_as_of = 0;  // cases left out because opened after as_of
  int64_t left_out = 0;            // cases with group code -1

  size_t size() const { return groups.size(); }
};

// Validates the log (opened_at not missing; first contact and closure not
// before opening; group codes in [-1, n_groups), n_groups in
// 0..kMaxLoopGroups, and 0 without codes; per-case SLAs in (0,
// kMaxLoopHours]) and the options, and returns the metrics as of `as_of`
// (ns UTC, not missing). `recovered` is not read.
absl::StatusOr<LoopMetricsTable> LoopMetrics(const CaseLog& log, int64_t as_of,
                                             const LoopMetricsOptions& options = {});

// --- The recovery curve learned from outcomes --------------------------------------

// The default bin edges in hours: bins [0, 1), [1, 2), [2, 4), [4, 8),
// [8, 16), [16, 24), [24, 36), [36, 48), [48, 72), [72, 96), [96, 120),
// [120, 168), [168, +inf): finer where the default curve falls fastest, and
// with edges at its anchors (1, 24, 72, 168 h).
std::vector<double> DefaultRecoveryBinEdges();

// The largest number of bin edges.
inline constexpr int32_t kMaxRecoveryBinEdges = 100000;

// Options of LearnRecoveryCurve.
struct RecoveryLearningOptions {
  // Inner bin edges in hours: finite, > 0 and strictly increasing, at most
  // kMaxRecoveryBinEdges; bins are [0, e0), [e0, e1), ..., [e_last, +inf).
  // Empty: DefaultRecoveryBinEdges().
  std::vector<double> edges;
  // A bin with fewer cases is merged into the next one (the last into the
  // one before) before the fit, so that no anchor rests on a handful of
  // cases; >= 1. The merging reads only the hours, never the outcomes.
  int64_t min_bin_cases = 30;
  // Confidence of the Wilson intervals, in (0, 1).
  double confidence = 0.95;
  // A missing outcome (NaN): an error naming the row, or left out and counted.
  Missing missing = Missing::kError;
};

// One bin of contacted cases (after merging small bins) and the fit on it.
struct RecoveryBin {
  double lower_hours = 0;  // the bin [lower_hours, upper_hours)
  double upper_hours = 0;  // +inf for the last bin
  // The anchor: expm1 of the mean log1p(hours) of the bin's cases, the
  // bin's centre on the curve's own axis (the curve is interpolated in
  // log(1 + hours)).
  double hours = 0;
  int64_t cases = 0;
  int64_t recovered = 0;
  double rate = 0;         // recovered / cases
  // The fit: the weighted pool-adjacent-violators estimate (weights: cases),
  // the recovery share of the bin's block of pooled bins, non-increasing
  // from bin to bin.
  double probability = 0;
  // The pointwise interval: the Wilson interval of the bin's own share,
  // widened to hold `probability` if the pooling moved it outside. (A
  // pooled block's Wilson interval would be narrower but undercovers, as the
  // pooling depends on the outcomes: docs/loop.md.)
  double ci_low = 0;
  double ci_high = 0;
  int32_t block = 0;       // the pooled block, 0, 1, ... in hour order
  // The default curve (priority.h RecoveryCurve{}) at `hours`, side by side.
  double default_probability = 0;
};

// The learned curve.
struct LearnedRecoveryCurve {
  std::vector<RecoveryBin> bins;  // non-empty bins in hour order
  int64_t contacted = 0;          // cases fitted (contacted, outcome known)
  int64_t skipped = 0;            // missing outcomes left out (Missing::kSkip)
  int32_t blocks = 0;             // pooled blocks
  // Cases never contacted (first_contact_at missing), apart from the fit:
  // their recovery share is what no contact achieves, to set against the
  // curve's floor (NaN rate and interval without such cases).
  int64_t never_contacted = 0;
  int64_t never_recovered = 0;
  double never_rate = 0;
  double never_ci_low = 0;
  double never_ci_high = 0;

  // The anchors (bins' hours, fitted probability), ready for
  // PriorityOptions::recovery: hours strictly increasing, probabilities
  // non-increasing in [0, 1].
  RecoveryCurve curve() const;
  size_t size() const { return bins.size(); }
};

// Learns the recovery curve from contacted cases: hours to first contact
// (first_contact_at - opened_at) binned by the edges, small bins merged, then
// the non-increasing weighted least-squares fit of the bins' recovery shares
// by pool-adjacent-violators, with a pointwise interval per bin. The
// log's opened_at and recovered are required, first_contact_at too (a case
// log without contacts has nothing to learn from); closed_at, group and
// sla_hours are not read. Outcomes are 0 or 1 (or NaN, see `missing`).
// At least one contacted case with an outcome is needed.
absl::StatusOr<LearnedRecoveryCurve> LearnRecoveryCurve(
    const CaseLog& log, const RecoveryLearningOptions& options = {});

// The weighted pool-adjacent-violators algorithm for a non-increasing fit:
// the non-increasing sequence f minimising sum w_i (y_i - f_i)^2, with the
// block index of each entry. Weights > 0. Exposed for tests.
struct IsotonicFit {
  std::vector<double> value;
  std::vector<int32_t> block;
};
IsotonicFit NonIncreasingFit(absl::Span<const double> y, absl::Span<const double> w);

}  // namespace npscore

#endif  // NPSCORE_LOOP_H_
