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
// Conversion answers "do contacted customers move up?": the share of
// detractors and passives whose next answer is in a higher segment,
// contacted vs not, and the difference with its interval and test.
//
// ProgramRoi answers "what did answering on time retain?": churn of cases
// contacted within the SLA vs late or never, compared within bands of
// predicted churn risk, and the revenue retained. Both compare what the
// team happened to do, not a randomised assignment: observational estimates.
//
// Times are int64 nanoseconds since the Unix epoch, UTC; kMissingTime
// (INT64_MIN, health.h) is missing (NaT). Formulas and measured coverage:
// docs/loop.md.

#ifndef NPSCORE_LOOP_H_
#define NPSCORE_LOOP_H_

#include <array>
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
  // Scores on the answer scale, for Conversion and for ProgramRoi's choice of
  // detractors: the answer that opened the case (NaN: missing) and the
  // customer's next answer (NaN: none yet; never an error).
  absl::Span<const double> score;
  absl::Span<const double> next_score;
  // For ProgramRoi: churned 1 / 0 (NaN: missing), the churn risk predicted
  // at opening in [0, 1] (NaN: missing) and the customer's value, finite and
  // >= 0 (NaN: missing).
  absl::Span<const double> churned;
  absl::Span<const double> churn_risk;
  absl::Span<const double> clv;
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

// --- Conversion -------------------------------------------------------------------

// Options of Conversion.
struct ConversionOptions {
  Cutoffs cutoffs;  // segments of score and next_score
  // Confidence of the Wilson intervals and of the difference's interval.
  double confidence = 0.95;
  // A missing (NaN) score: an error naming the row, or left out and
  // counted. A missing next_score is never an error: no later answer.
  Missing missing = Missing::kError;
};

// The rows of a conversion table, per group and over all, in this order.
enum class ConversionFrom : int32_t {
  kDetractor = 0,  // cases opened by a detractor
  kPassive = 1,    // cases opened by a passive
  kBoth = 2,       // detractors and passives together
};
inline constexpr int32_t kConversionRows = 3;

// Cases of one arm (contacted or not) of a conversion row.
struct ConversionArm {
  int64_t cases = 0;
  int64_t no_next_answer = 0;  // next_score NaN: counted, not in the share
  int64_t answered = 0;        // cases - no_next_answer
  int64_t converted = 0;       // next answer in a higher segment
  double share = 0;            // converted / answered (NaN when none answered)
  double ci_low = 0;           // its Wilson interval (NaN when none answered)
  double ci_high = 0;
};

// Conversion of one kind of case: contacted (a first contact recorded) vs not.
struct ConversionRow {
  ConversionFrom from = ConversionFrom::kDetractor;
  ConversionArm contacted;
  ConversionArm not_contacted;
  // contacted.share - not_contacted.share, with Newcombe's hybrid score
  // interval (method 10 of Newcombe 1998: the arms' Wilson intervals
  // combined), and the two-sided p-value of equal shares by the nps
  // module's share test (pooled two-proportion z-test; exact mid-p when an
  // arm has fewer than 10 answers). NaN when an arm has no answer.
  double difference = 0;
  double ci_low = 0;
  double ci_high = 0;
  double p_value = 0;
};

// Conversion by group and over all.
struct ConversionTable {
  // kConversionRows rows per group: row kConversionRows * g + k for group g
  // and ConversionFrom k.
  std::vector<ConversionRow> groups;
  std::array<ConversionRow, kConversionRows> all;  // over every group
  int64_t promoters = 0;  // cases opened by a promoter: no higher segment, left out
  int64_t skipped = 0;    // missing scores left out (Missing::kSkip)
  int64_t left_out = 0;   // cases with group code -1

  const ConversionRow& at(int32_t group, ConversionFrom from) const {
    return groups[static_cast<size_t>(group) * kConversionRows + static_cast<size_t>(from)];
  }
};

// The share of detractors and passives who move up a segment at their next
// answer (a detractor to passive or promoter, a passive to promoter),
// contacted (first_contact_at recorded) vs not. Reads opened_at,
// first_contact_at (optional: empty = none contacted), score and next_score
// (required), group and n_groups (optional, as LoopMetrics). Scores and next
// scores are whole numbers on 0..cutoffs.scale_max; a case without a next
// answer is counted in its arm's no_next_answer, not dropped silently.
absl::StatusOr<ConversionTable> Conversion(const CaseLog& log,
                                           const ConversionOptions& options = {});

// --- Program ROI -------------------------------------------------------------------

// The most risk bands of ProgramRoi.
inline constexpr int32_t kMaxRoiBands = 1000;

// What every ProgramRoi result is: the words a report prints beside it.
inline constexpr char kRoiNote[] =
    "observational estimate: cases contacted on time were not chosen at random, so the "
    "comparison within risk bands removes the confounding the churn risk explains, not "
    "all of it";

// Options of ProgramRoi.
struct RoiOptions {
  // The deadline of a first contact, hours after opening, in (0,
  // kMaxLoopHours], for every case when the log has no per-case SLAs.
  double sla_hours = 24.0;
  // Quantile bands of churn_risk, 1..kMaxRoiBands.
  int32_t bands = 5;
  // Confidence of every interval, in (0, 1).
  double confidence = 0.95;
  // Detractors by these cutoffs when the log has scores.
  Cutoffs cutoffs;
  // A missing (NaN) score, churned, churn_risk or clv: an error naming the
  // column and row, or the case left out and counted.
  Missing missing = Missing::kError;
};

// One band of predicted churn risk: churn of on-time cases (first contact
// at or before opened_at + SLA) against late-or-never cases.
struct RoiBand {
  double risk_low = 0;   // the smallest churn_risk of its cases
  double risk_high = 0;  // the largest
  double mean_risk = 0;
  int64_t on_time = 0;
  int64_t on_time_churned = 0;
  double on_time_rate = 0;
  int64_t late = 0;   // contacted after the SLA, or never
  int64_t never = 0;  // of which never contacted
  int64_t late_churned = 0;
  double late_rate = 0;
  // late_rate - on_time_rate: the churn that contacting on time went with,
  // with Newcombe's hybrid score interval and the share test's p-value (as
  // ConversionRow).
  double difference = 0;
  double ci_low = 0;
  double ci_high = 0;
  double p_value = 0;
  // The CLV of the band's on-time cases, and revenue retained = difference
  // x that CLV, with the difference's interval x that CLV.
  double on_time_clv = 0;
  double revenue_retained = 0;
  double revenue_ci_low = 0;
  double revenue_ci_high = 0;
};

// The totals of ProgramRoi.
struct RoiTotal {
  int64_t cases = 0;     // compared (on_time + late)
  int64_t on_time = 0;
  int64_t late = 0;      // late or never
  int64_t never = 0;     // of which never contacted
  int64_t excluded = 0;  // not detractors (only with scores)
  int64_t skipped = 0;   // a missing value, left out (Missing::kSkip)
  int32_t bands = 0;     // bands after merging
  // The naive comparison, ignoring the risk: pooled churn rates and their
  // difference with Newcombe's interval. Biased when riskier customers are
  // contacted later (docs/loop.md measures it).
  double on_time_rate = 0;
  double late_rate = 0;
  double naive_difference = 0;
  double naive_ci_low = 0;
  double naive_ci_high = 0;
  // The Mantel-Haenszel risk difference over bands (weights on_time x late
  // / cases), its standard error from the bands' variances with one churn
  // and one stay added to each arm (Agresti-Caffo), the Wald interval and
  // the two-sided p-value.
  double difference = 0;
  double se = 0;
  double ci_low = 0;
  double ci_high = 0;
  double p_value = 0;
  // Revenue retained: the sum over bands of difference x on-time CLV, its
  // standard error by the delta method (exact for this linear estimate, the
  // CLVs taken as known: sqrt of sum CLV_b^2 var_b) and the Wald interval.
  double on_time_clv = 0;
  double revenue_retained = 0;
  double revenue_se = 0;
  double revenue_ci_low = 0;
  double revenue_ci_high = 0;
  // Always true: see kRoiNote.
  bool observational = true;
};

// The result of ProgramRoi.
struct ProgramRoiResult {
  std::vector<RoiBand> bands;  // in order of risk
  RoiTotal total;
  size_t size() const { return bands.size(); }
};

// Churn of cases contacted within the SLA vs late or never, compared within
// quantile bands of predicted churn risk, so that riskier customers are not
// compared with safer ones. Reads opened_at, churned, churn_risk and clv
// (required), first_contact_at (optional: none contacted), sla_hours (per
// case, optional) and score (optional: with it only detractors are
// compared, the others counted as excluded). Band edges are the lower
// quantiles k / bands of the compared cases' risks; a case at an edge is in
// the lower band, equal risks share a band, an empty band is dropped, and a
// band without an on-time or without a late case joins the next (the last
// the one before): this reads contact times and risks, never churn. At
// least one on-time and one late case are needed. Every result is an
// observational estimate (kRoiNote).
absl::StatusOr<ProgramRoiResult> ProgramRoi(const CaseLog& log, const RoiOptions& options = {});

}  // namespace npscore

#endif  // NPSCORE_LOOP_H_
