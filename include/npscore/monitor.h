// npscore/monitor.h: a live monitor of responses as they arrive: cases with
// owners and deadlines, SLA breaches, and shifts of a rolling NPS.
//
// A Monitor ingests responses one at a time or in batches and appends alerts
// to a caller-owned vector:
//   case_opened  a new detractor (by option a passive or a promoter): its
//                owner, deadline (the response time + its play's SLA), play
//                and priority, computed by the same code as Prioritize
//                (priority.h) at the response time;
//   sla_breach   a case whose deadline the clock has passed without a contact
//                recorded at or before the deadline (once per case);
//   nps_shift    the NPS of a rolling window differs significantly from the
//                window before it (Compare, nps.h), for all responses and for
//                each slice;
//   health_flag  (by option) a calendar period closes with a health flag in a
//                slice: the flags, reasons and p-values that batch Health
//                (health.h) gives that period on the responses received up to
//                its close.
//
// Time. Times are int64 nanoseconds since the Unix epoch, UTC. The clock is
// the latest response time or Advance() time seen; it never goes back. A
// response older than the clock by more than the lateness bound is late: an
// error naming it, or (LateResponses::kCount) left out and counted. Responses
// within the bound may arrive in any order: the counts, windows, the figures
// of cases and nps_shift alerts are the same for any arrival order within it
// (a window is judged only once no response can still fall into it); only
// round-robin owners and the moment an alert fires follow the arrival order.
//
// Windows. Responses are counted per slice into steps of `shift_step_hours`
// aligned to the Unix epoch (UTC). The window ending at a step boundary e is
// [e - W, e) with W = shift_window_steps steps; once the clock minus the
// lateness bound reaches e, that window is compared with [e - 2W, e - W).
//
// Memory. Cumulative counts per slice, a ring of (2W + lateness) / step + 2
// steps per slice, and the open cases (a closed case leaves the state):
// nothing grows with the number of responses. Ingest allocates nothing per
// response in steady state (cases reuse freed slots; the alert vector is the
// caller's).
//
// State. Serialize() gives versioned, checksummed bytes; Restore() rebuilds
// the same monitor or fails (a damaged byte, a truncation or an unknown
// version is an error, never a wrong state). Merge() adds the state of a
// monitor fed a disjoint shard of customers (see Merge for what is required
// of the shards and what merges).
//
// A Monitor is not thread-safe: feed it from one thread (or shard by customer
// and Merge).

#ifndef NPSCORE_MONITOR_H_
#define NPSCORE_MONITOR_H_

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/health.h"
#include "npscore/nps.h"
#include "npscore/priority.h"

namespace npscore {

// What to do with a response older than the clock by more than the lateness bound.
enum class LateResponses {
  kError,  // an error naming the response (the default)
  kCount,  // left out of every count and case, counted in MonitorSnapshot::late
};

// Slices of one monitor (a slice code is in [0, n_slices)).
inline constexpr int32_t kMaxMonitorSlices = 1 << 16;
// Owners of one monitor.
inline constexpr int32_t kMaxMonitorOwners = 1 << 16;
// Steps of the window ring over all slices (n_slices x ring steps): 4M steps
// of 24 bytes, 100 MB.
inline constexpr int64_t kMaxMonitorRingSteps = int64_t{1} << 22;

// Options of a Monitor. Every field is validated by ValidateMonitorOptions;
// the state stores them, and Merge needs equal options.
struct MonitorOptions {
  Cutoffs cutoffs;  // segments (nps.h)

  // Cases. The plays, SLAs, recovery curve and urgency mean what they mean in
  // PriorityOptions (priority.h), with the same defaults: recover
  // (detractors) 24 h, make_it_a_10 (passives) 72 h, advocacy (promoters)
  // 168 h, each in (0, 1e6]; urgency in (0, 1e6].
  double sla_hours = 24.0;
  double passive_sla_hours = 72.0;
  double promoter_sla_hours = 168.0;
  RecoveryCurve recovery;
  double urgency_hours = 24.0;
  // Which segments open a case (detractors by default; passives to ask "what
  // would make it a 10?", promoters to thank).
  bool open_detractors = true;
  bool open_passives = false;
  bool open_promoters = false;
  // Owners 0..capacities.size()-1 and the open cases each can hold (>= 0).
  // A case without a given owner goes round-robin to the next owner below
  // capacity (none: owner -1, unassigned). A given owner must be one of them
  // and gets the case even at capacity. Empty: no owners (every case -1).
  std::vector<int64_t> capacities;

  // Time. A response older than the clock by more than `lateness_hours`
  // (in [0, 1e6]) is late.
  double lateness_hours = 24.0;
  LateResponses late = LateResponses::kError;

  // Slices: codes 0..n_slices-1 (1..kMaxMonitorSlices).
  int32_t n_slices = 1;

  // Rolling windows: steps of `shift_step_hours` (in [1/60, 1e6], rounded to
  // whole seconds; aligned to the Unix epoch, so days start at 00:00 UTC),
  // windows of `shift_window_steps` steps (1..1000). Both
  // windows need at least `shift_min_n` responses (>= 1) to be compared; a
  // shift is significant when Compare's p-value (score test, exact mid-p for
  // small samples) is below `shift_alpha` (in (0, 1)).
  double shift_step_hours = 24.0;
  int32_t shift_window_steps = 7;
  int64_t shift_min_n = 30;
  double shift_alpha = 0.05;

  // The intervals of the rolling NPS in snapshots (nps.h) and of the health
  // periods.
  IntervalOptions interval;

  // Health periods (health_flag alerts; off by default). Responses are also
  // counted per calendar period of `health_frequency` in `time_zone` (as
  // MakePeriodGrid, health.h) and slice. A period closes once the clock minus
  // the lateness bound reaches its end; the table of the closed periods is
  // then derived by the same code as HealthOverTime with these thresholds
  // (flag mode kAlert: a period is judged on itself and the periods before
  // it), and each slice whose closing row has a flag in `health_flag_mask`
  // raises one health_flag alert. The first period is the earliest
  // response's; the state keeps one histogram row per slice and period
  // (8 x (scale_max + 1) bytes) from it on, at most kMaxMonitorHealthRows.
  bool health = false;
  Frequency health_frequency = Frequency::kMonth;
  std::string time_zone = "UTC";
  HealthThresholds health_thresholds;
  uint32_t health_flag_mask = ~static_cast<uint32_t>(kFlagLowN);  // every flag but low_n
};

// Health rows (slices x periods) one monitor keeps: 2^20 rows of 11 counts,
// 88 MiB (e.g. 100 slices over 28 years of days).
inline constexpr int64_t kMaxMonitorHealthRows = int64_t{1} << 20;

// Returns OK if every option is within its documented bounds; the error
// names the option and its value.
absl::Status ValidateMonitorOptions(const MonitorOptions& options);

// One response.
struct MonitorResponse {
  int64_t customer = 0;  // any int64 code
  double score = 0;      // a whole number on 0..cutoffs.scale_max
  int64_t time = 0;      // ns UTC, not kMissingTime
  int32_t slice = 0;     // in [0, n_slices)
  // Optional: the customer's value and P(churn) (NaN for unknown). A case
  // needs both for a priority (else its priority is NaN; a promoter's needs
  // the value only).
  double clv = std::numeric_limits<double>::quiet_NaN();
  double churn_risk = std::numeric_limits<double>::quiet_NaN();
  int32_t owner = -1;  // the case's owner, or -1 for round-robin
};

// Responses as columns (IngestBatch): customer, score and time are required
// and as long as each other; every optional column is empty or as long.
struct MonitorColumns {
  absl::Span<const int64_t> customer;
  absl::Span<const double> score;
  absl::Span<const int64_t> time;
  absl::Span<const int32_t> slice;      // empty: slice 0
  absl::Span<const double> clv;         // empty: unknown
  absl::Span<const double> churn_risk;  // empty: unknown
  absl::Span<const int32_t> owner;      // empty: round-robin
};

// A case is the response that opened it: the customer and the response time
// (one customer cannot answer twice at one instant).
struct CaseKey {
  int64_t customer = 0;
  int64_t responded_at = 0;

  friend bool operator==(const CaseKey& a, const CaseKey& b) {
    return a.customer == b.customer && a.responded_at == b.responded_at;
  }
  friend bool operator!=(const CaseKey& a, const CaseKey& b) { return !(a == b); }
  template <typename H>
  friend H AbslHashValue(H h, const CaseKey& k) {
    return H::combine(std::move(h), k.customer, k.responded_at);
  }
};

// How a case ended (CloseCase).
enum class CaseOutcome : int8_t {
  kNotRecovered = 0,
  kRecovered = 1,
  kChurned = 2,
};

// The kinds of alert. Values never change; new kinds are appended.
enum class AlertKind : uint8_t {
  kCaseOpened = 0,
  kSlaBreach = 1,
  kNpsShift = 2,
  kHealthFlag = 3,
};

// Returns "case_opened", "sla_breach", "nps_shift" or "health_flag".
const char* AlertKindName(AlertKind kind);

// One alert: a flat record (no allocation but health_flag's reasons). Case
// fields are set for case_opened and sla_breach, window fields for
// nps_shift, period fields for health_flag; the others keep their defaults.
struct Alert {
  AlertKind kind = AlertKind::kCaseOpened;
  // The time the alert is about (ns UTC): the response time (case_opened),
  // the deadline (sla_breach), the window's end (nps_shift) or the period's
  // end (health_flag).
  int64_t time = 0;
  // The case's or period's slice; for nps_shift the slice, or -1 for all responses.
  int32_t slice = -1;

  // Cases.
  CaseKey key;
  int8_t segment = kNoSegment;
  int32_t owner = -1;       // -1: unassigned
  int64_t deadline = 0;     // responded_at + the play's SLA (ns UTC)
  double revenue_at_risk = std::numeric_limits<double>::quiet_NaN();  // churn risk x CLV
  double priority = std::numeric_limits<double>::quiet_NaN();  // as Prioritize at responded_at

  // nps_shift: the window [window_end - W, window_end) against the one before.
  int64_t window_end = 0;
  int64_t n = 0, n_previous = 0;
  double nps = 0, nps_previous = 0;
  double diff = 0, p_value = 1, ci_low = 0, ci_high = 0;  // Compare(window, previous)

  // health_flag: the period [period_start, period_end) (its index since the
  // monitor's first period and its label, as PeriodGrid's) closed in `slice`
  // with the HealthFlag bits `flags` (all of the row's flags, the mask only
  // decides whether to alert) and the row's numbers, as HealthTable's: n and
  // nps above, then these (NaN where the row has no verdict).
  int64_t period = -1;
  int64_t period_start = 0, period_end = 0;
  std::string period_label;
  uint32_t flags = 0;
  std::string reasons;
  double baseline_nps = std::numeric_limits<double>::quiet_NaN();
  double drop_p_adjusted = std::numeric_limits<double>::quiet_NaN();
  double surge_p_adjusted = std::numeric_limits<double>::quiet_NaN();
  double erosion_p_adjusted = std::numeric_limits<double>::quiet_NaN();
  double passive_growth_p_adjusted = std::numeric_limits<double>::quiet_NaN();
  double cusum = std::numeric_limits<double>::quiet_NaN();

  // The case's play ("recover", ...; "" for other kinds).
  const char* play() const;
};

// A case as the monitor holds it (open) or as it left (CloseCase).
struct CaseRecord {
  CaseKey key;
  int8_t segment = kNoSegment;
  int32_t slice = 0;
  int32_t owner = -1;
  int64_t deadline = 0;
  int64_t contacted_at = INT64_MIN;  // the first contact recorded; INT64_MIN: none
  int64_t closed_at = INT64_MIN;     // INT64_MIN while open
  CaseOutcome outcome = CaseOutcome::kNotRecovered;  // set when closed
  bool breached = false;  // an sla_breach was raised
  double clv = std::numeric_limits<double>::quiet_NaN();
  double churn_risk = std::numeric_limits<double>::quiet_NaN();
  // The priority at the time the figures refer to (the response time in
  // alerts and records, the clock in snapshots) and the hours since the response.
  double priority = std::numeric_limits<double>::quiet_NaN();
  double hours = 0;
};

// The monitor's state, summed up.
struct MonitorSnapshot {
  int64_t clock = INT64_MIN;   // INT64_MIN before the first response or Advance
  int64_t responses = 0;       // ingested (not late)
  int64_t late = 0;            // left out as late (LateResponses::kCount)
  int64_t cases_opened = 0;
  int64_t cases_closed[3] = {0, 0, 0};  // by CaseOutcome
  int64_t breaches = 0;        // sla_breach alerts raised
  Counts counts;               // every response ingested, by segment
  std::vector<Counts> slice_counts;  // the same per slice
  // The rolling window holding the clock, [window_end - W, window_end), and
  // the one before; per slice too. A window without responses has n = 0 and
  // NaN statistics.
  int64_t window_end = INT64_MIN;
  Summary window, previous_window;
  std::vector<Summary> slice_window;
  std::vector<CaseRecord> open_cases;  // by play, then priority at the clock (highest first), then key
  std::vector<int64_t> owner_load;     // open cases per owner
  int64_t unassigned = 0;              // open cases without an owner
  // Health periods (options.health): periods counted (closed and open) and closed.
  int64_t health_periods = 0;
  int64_t health_closed = 0;
};

class Monitor {
 public:
  // A monitor with validated options and an empty state.
  static absl::StatusOr<Monitor> Create(const MonitorOptions& options = {});

  // Ingests one response; alerts go to `alerts` (appended; nullptr drops
  // them). Errors name the response (customer and time) and leave the state
  // unchanged: a bad score, slice, owner, value or risk, a missing time, a
  // late response (LateResponses::kError), a second case for one key.
  absl::Status Ingest(const MonitorResponse& response, std::vector<Alert>* alerts);

  // Ingests the rows in order, as Ingest would one by one. On an error (naming
  // the row) the rows before it stay ingested and their alerts appended.
  absl::Status IngestBatch(const MonitorColumns& columns, std::vector<Alert>* alerts);

  // Moves the clock to `now` (an earlier time changes nothing) and raises
  // what became due: nps_shift for windows now closed, then sla_breach for
  // cases past their deadline, by deadline.
  absl::Status Advance(int64_t now, std::vector<Alert>* alerts);

  // Records a contact with the case's customer at `time` (>= the response
  // time); the first contact (the earliest recorded) counts. A case
  // contacted at or before its deadline never breaches.
  absl::Status RecordContact(const CaseKey& key, int64_t time);

  // Closes a case at `time` (>= the response time) with its outcome and
  // returns its record; the case leaves the state and frees its owner's slot.
  absl::StatusOr<CaseRecord> CloseCase(const CaseKey& key, int64_t time, CaseOutcome outcome);

  // The counts, rolling windows and open cases now (priorities at the clock).
  MonitorSnapshot Snapshot() const;

  // The health table of the closed periods (options.health), as
  // HealthOverTime gives it on the responses of those periods with the
  // monitor's thresholds and flag mode kAlert; an error when health periods
  // are off. Zero periods before the first one closes.
  absl::StatusOr<HealthTable> ClosedHealth() const;

  // The state as bytes: "NPSMONIT", u32 version, u64 payload bytes, the
  // payload (options, clock, counters, windows, open cases in key order,
  // little-endian, doubles as IEEE-754 bits), u64 FNV-1a 64 of the payload.
  // Two monitors in the same state give the same bytes.
  std::string Serialize() const;

  // The monitor of Serialize's bytes, exactly; an error (never a wrong
  // state) for bytes that are damaged, truncated, of another version, or
  // hold values no monitor could have.
  static absl::StatusOr<Monitor> Restore(absl::string_view bytes);

  // Adds the state of `other`, fed a disjoint shard of customers with equal
  // options: counts, window steps, counters and open cases add up; the clock
  // becomes the later of the two (steps older than the ring then drop, as
  // they would have), and cases past their deadline by the new clock breach
  // (alerts appended). The round-robin position stays this monitor's.
  //
  // Required of the shards, for the result to equal one monitor fed every
  // response: no customer in both (a case key in both is an error), and the
  // responses, merged in time order, within the lateness bound of each
  // other (so the single monitor would have accepted them all). Then, after
  // Advance to a common time, the merged state serializes to the same bytes
  // as the single monitor's, in either merge order, when owners are given
  // per response or there are none; with round-robin owners, the owners are
  // the shards' own (each shard's capacities are its own), and only they and
  // the round-robin position may differ. nps_shift alerts are each shard's
  // own (judged on its data); Merge raises none.
  absl::Status Merge(const Monitor& other, std::vector<Alert>* alerts);

  const MonitorOptions& options() const { return options_; }
  int64_t clock() const { return clock_; }
  int64_t open_cases() const { return static_cast<int64_t>(index_.size()); }
  // The health periods counted so far, closed and open (options.health): the
  // grid from the earliest response's period on, as ClosedHealth numbers
  // them (empty before the first response).
  const PeriodGrid& health_grid() const { return hgrid_; }

 private:
  struct DueEntry {  // a case that may still breach
    int64_t deadline;
    CaseKey key;
  };

  Monitor() = default;
  absl::Status Init(const MonitorOptions& options);
  // Ingests response `r`, row `row` of a batch (-1: a single response).
  absl::Status IngestOne(const MonitorResponse& r, int64_t row, std::vector<Alert>* alerts);
  absl::Status Check(const MonitorResponse& r, int64_t row, int8_t* segment) const;
  // Moves the clock; `health_alerts` false closes health periods silently (Merge).
  void MoveClock(int64_t now, std::vector<Alert>* alerts, bool health_alerts = true);
  void JudgeWindows(int64_t boundary, std::vector<Alert>* alerts) const;
  void RaiseBreaches(std::vector<Alert>* alerts);
  Counts StepCounts(int64_t step, int32_t slice) const;  // slice -1: all
  Counts WindowCounts(int64_t end_step, int32_t slice) const;
  Counts* StepSlot(int64_t step);  // the step's counts (slices in a row), claimed if stale
  int64_t StepOf(int64_t time);
  void OpenCase(CaseRecord c);
  int32_t NextOwner();
  int64_t DeadlineOf(int64_t time, int8_t segment) const;
  double PriorityAt(const CaseRecord& c, int64_t now) const;
  std::string SerializeOptions() const;
  // Health periods: the period of a response (the grid grown to hold it, or
  // an error naming it), the grid over [min_time, max_time], closing the
  // periods the clock passed, and the table of the first n periods.
  absl::Status HealthPeriodOf(const MonitorResponse& r, int64_t row, int64_t* period);
  absl::StatusOr<PeriodGrid> HealthGrid(int64_t min_time, int64_t max_time) const;
  void CloseHealthPeriods(std::vector<Alert>* alerts);
  absl::StatusOr<HealthTable> HealthOfPeriods(int64_t n_periods) const;

  MonitorOptions options_;
  Recoverability curve_;
  int64_t step_ns_ = 0, lateness_ns_ = 0;
  int64_t sla_ns_[3] = {0, 0, 0};
  int64_t ring_ = 0;  // steps kept per slice
  int64_t clock_ = INT64_MIN;
  // Derived from the clock, to keep divisions off the hot path: responses
  // before late_before_ are late; windows are due once the clock reaches
  // judge_at_; [cached_step_start_, + step) is step cached_step_.
  int64_t late_before_ = INT64_MIN, judge_at_ = INT64_MIN;
  int64_t cached_step_ = INT64_MIN, cached_step_start_ = INT64_MAX;

  // Window steps: step j lives in slot s = j mod ring_, its slices' counts
  // at counts_[s * n_slices + k]; tags_[s] is the step the slot holds
  // (INT64_MIN: none).
  std::vector<int64_t> tags_;
  std::vector<Counts> counts_;
  std::vector<Counts> slice_totals_;
  int64_t newest_step_ = INT64_MIN;  // the newest step with a response

  // Open cases: slots with a free list, an index by key, and a min-heap of
  // deadlines for the breaches still possible.
  std::vector<CaseRecord> cases_;
  std::vector<uint32_t> free_;
  absl::flat_hash_map<CaseKey, uint32_t> index_;
  std::vector<DueEntry> due_;
  std::vector<int64_t> load_;
  int32_t cursor_ = 0;  // the next owner round-robin tries first

  // Health periods (options_.health): the grid from the earliest response's
  // period to the newest's, the histogram of each (period, slice), period-
  // major, the periods closed, and the period of the last response.
  PeriodGrid hgrid_;
  std::vector<int64_t> hist_;
  int64_t hclosed_ = 0, hcur_ = -1;

  int64_t responses_ = 0, late_ = 0, cases_opened_ = 0, breaches_ = 0;
  int64_t cases_closed_[3] = {0, 0, 0};
};

}  // namespace npscore

#endif  // NPSCORE_MONITOR_H_
