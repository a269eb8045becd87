// The live monitor (npscore/monitor.h): cases, breaches and rolling NPS
// shifts as responses arrive, and its state as bytes.

#include "npscore/monitor.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "src/internal/byte_io.h"
#include "src/internal/case_priority.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::kNaN;
using internal::ValueText;

// Time arithmetic beyond the int64 range (clock - lateness near INT64_MIN).
__extension__ typedef __int128 Int128;

constexpr double kNanosPerHour = 3.6e12;
constexpr char kMagic[8] = {'N', 'P', 'S', 'M', 'O', 'N', 'I', 'T'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeader = 8 + 4 + 8;

// floor(a / b) for b > 0 (a may pass the int64 range by a little).
int64_t FloorDiv(Int128 a, int64_t b) {
  Int128 q = a / b;
  if (a % b != 0 && a < 0) --q;
  return static_cast<int64_t>(q);
}

int64_t Saturate(Int128 v) {
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<int64_t>(v);
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? INT64_MAX : INT64_MIN + 1;
  return out;
}

absl::Status CheckHours(double v, const char* name) {
  if (v > 0 && v <= 1e6) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is ", ValueText(v), ": it must be in (0, 1e6]"));
}

Summary EmptySummary(const IntervalOptions& o) {
  Summary s;
  s.nps = s.se = s.ci_low = s.ci_high = kNaN;
  s.method = o.method;
  s.confidence = o.confidence;
  return s;
}

Summary SummaryOf(const Counts& c, const IntervalOptions& o) {
  if (c.n() == 0) return EmptySummary(o);
  absl::StatusOr<Summary> s = Summarize(c, o);
  return s.ok() ? *s : EmptySummary(o);
}

using internal::Fnv1a64;
using Writer = internal::ByteWriter;
using Reader = internal::ByteReader;

absl::Status Corrupt(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("monitor state: ", what));
}

// Heap order of DueEntry: the earliest deadline on top, ties by key.
struct LaterDue {
  template <typename E>
  bool operator()(const E& a, const E& b) const {
    if (a.deadline != b.deadline) return a.deadline > b.deadline;
    if (a.key.customer != b.key.customer) return a.key.customer > b.key.customer;
    return a.key.responded_at > b.key.responded_at;
  }
};

bool KeyLess(const CaseKey& a, const CaseKey& b) {
  return a.customer != b.customer ? a.customer < b.customer : a.responded_at < b.responded_at;
}

int64_t StepNanos(const MonitorOptions& o) {
  return std::llround(o.shift_step_hours * 3600) * 1000000000LL;
}
int64_t LatenessNanos(const MonitorOptions& o) {
  return static_cast<int64_t>(o.lateness_hours * kNanosPerHour);
}
// The steps a slice keeps: two windows, the lateness bound (rounded up) and
// two more (the step being filled and the one the clock is in).
int64_t RingSteps(const MonitorOptions& o) {
  const int64_t step = StepNanos(o);
  return 2 * int64_t{o.shift_window_steps} + (LatenessNanos(o) + step - 1) / step + 2;
}

// The options of the batch health whose flags closing periods raise.
HealthOptions HealthOptionsOf(const MonitorOptions& o) {
  HealthOptions h;
  h.scores.cutoffs = o.cutoffs;
  h.interval = o.interval;
  h.thresholds = o.health_thresholds;
  h.flag_mode = FlagMode::kAlert;
  h.frequency = o.health_frequency;
  return h;
}

}  // namespace

// --- Options ------------------------------------------------------------------------

absl::Status ValidateMonitorOptions(const MonitorOptions& o) {
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(o.cutoffs));
  NPSCORE_RETURN_IF_ERROR(CheckHours(o.sla_hours, "sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckHours(o.passive_sla_hours, "passive_sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckHours(o.promoter_sla_hours, "promoter_sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckHours(o.urgency_hours, "urgency_hours"));
  NPSCORE_RETURN_IF_ERROR(ValidateRecoveryCurve(o.recovery));
  if (o.capacities.size() > static_cast<size_t>(kMaxMonitorOwners)) {
    return absl::InvalidArgumentError(absl::StrCat("capacities has ", o.capacities.size(),
                                                   " owners: at most ", kMaxMonitorOwners,
                                                   " (kMaxMonitorOwners)"));
  }
  for (size_t j = 0; j < o.capacities.size(); ++j) {
    if (o.capacities[j] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("capacity of owner ", j, " is ", o.capacities[j],
                                                     ": capacities must be >= 0"));
    }
  }
  if (!(o.lateness_hours >= 0 && o.lateness_hours <= 1e6)) {
    return absl::InvalidArgumentError(absl::StrCat("lateness_hours is ", ValueText(o.lateness_hours),
                                                   ": it must be in [0, 1e6]"));
  }
  if (o.late != LateResponses::kError && o.late != LateResponses::kCount) {
    return absl::InvalidArgumentError(absl::StrCat("late is ", static_cast<int>(o.late),
                                                   ": use kError or kCount"));
  }
  if (o.n_slices < 1 || o.n_slices > kMaxMonitorSlices) {
    return absl::InvalidArgumentError(absl::StrCat("n_slices is ", o.n_slices, ": it must be in 1..",
                                                   kMaxMonitorSlices, " (kMaxMonitorSlices)"));
  }
  if (!(o.shift_step_hours >= 1.0 / 60 && o.shift_step_hours <= 1e6)) {
    return absl::InvalidArgumentError(absl::StrCat("shift_step_hours is ", ValueText(o.shift_step_hours),
                                                   ": it must be in [1/60 (a minute), 1e6]"));
  }
  if (o.shift_window_steps < 1 || o.shift_window_steps > 1000) {
    return absl::InvalidArgumentError(absl::StrCat("shift_window_steps is ", o.shift_window_steps,
                                                   ": it must be in 1..1000"));
  }
  if (o.shift_min_n < 1) {
    return absl::InvalidArgumentError(absl::StrCat("shift_min_n is ", o.shift_min_n, ": it must be >= 1"));
  }
  if (!(o.shift_alpha > 0 && o.shift_alpha < 1)) {
    return absl::InvalidArgumentError(absl::StrCat("shift_alpha is ", ValueText(o.shift_alpha),
                                                   ": it must be in (0, 1)"));
  }
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(o.interval));
  const int64_t ring = RingSteps(o);
  if (ring * o.n_slices > kMaxMonitorRingSteps) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the windows need ", ring, " steps for each of ", o.n_slices, " slices, above ",
        kMaxMonitorRingSteps, " (kMaxMonitorRingSteps): use fewer slices, longer steps or a "
        "shorter lateness bound"));
  }
  if (o.health) {
    const int f = static_cast<int>(o.health_frequency);
    if (f < 0 || f > static_cast<int>(Frequency::kQuarter)) {
      return absl::InvalidArgumentError(
          absl::StrCat("health_frequency is ", f, ": use day, week, month or quarter"));
    }
    // The time zone and thresholds, checked by the code that will use them.
    const absl::StatusOr<PeriodGrid> grid = MakePeriodGrid(0, 0, o.health_frequency, o.time_zone);
    if (!grid.ok()) return grid.status();
    const absl::StatusOr<HealthTable> table = HealthFromHistogram({}, 0, 1, HealthOptionsOf(o));
    if (!table.ok()) return table.status();
  }
  return absl::OkStatus();
}

const char* AlertKindName(AlertKind kind) {
  switch (kind) {
    case AlertKind::kCaseOpened: return "case_opened";
    case AlertKind::kSlaBreach: return "sla_breach";
    case AlertKind::kNpsShift: return "nps_shift";
    case AlertKind::kHealthFlag: return "health_flag";
  }
  return "";
}

const char* Alert::play() const {
  return kind == AlertKind::kCaseOpened || kind == AlertKind::kSlaBreach ? PlayName(segment) : "";
}

// --- Construction -------------------------------------------------------------------

absl::StatusOr<Monitor> Monitor::Create(const MonitorOptions& options) {
  Monitor m;
  NPSCORE_RETURN_IF_ERROR(m.Init(options));
  return m;
}

absl::Status Monitor::Init(const MonitorOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateMonitorOptions(options));
  NPSCORE_ASSIGN_OR_RETURN(curve_, Recoverability::Create(options.recovery));
  options_ = options;
  step_ns_ = StepNanos(options);
  lateness_ns_ = LatenessNanos(options);
  // As Prioritize converts its SLAs, so that deadlines agree to the nanosecond.
  const double sla[3] = {options.sla_hours, options.passive_sla_hours, options.promoter_sla_hours};
  for (int k = 0; k < 3; ++k) sla_ns_[k] = static_cast<int64_t>(sla[k] * kNanosPerHour);
  ring_ = RingSteps(options);
  tags_.assign(ring_, INT64_MIN);
  counts_.assign(ring_ * options.n_slices, Counts{});
  slice_totals_.assign(options.n_slices, Counts{});
  load_.assign(options.capacities.size(), 0);
  return absl::OkStatus();
}

// --- Ingest -------------------------------------------------------------------------

namespace {

std::string Where(int64_t row, const MonitorResponse& r) {
  return row < 0 ? absl::StrCat("the response of customer ", r.customer, " at ", r.time, " ns")
                 : absl::StrCat("row ", row, " (customer ", r.customer, " at ", r.time, " ns)");
}

}  // namespace

absl::Status Monitor::Check(const MonitorResponse& r, int64_t row, int8_t* segment) const {
  const Cutoffs& c = options_.cutoffs;
  const double s = r.score;
  if (!(s >= 0 && s <= c.scale_max && s == std::floor(s))) {
    return absl::InvalidArgumentError(absl::StrCat("score of ", Where(row, r), " is ", ValueText(s),
                                                   ": scores must be whole numbers in 0..", c.scale_max));
  }
  *segment = s <= c.detractor_max ? -1 : (s <= c.passive_max ? 0 : 1);
  if (r.time == INT64_MIN) {
    return absl::InvalidArgumentError(absl::StrCat("time of ", Where(row, r), " is missing (NaT)"));
  }
  if (r.slice < 0 || r.slice >= options_.n_slices) {
    return absl::InvalidArgumentError(absl::StrCat("slice of ", Where(row, r), " is ", r.slice,
                                                   ": slice codes must be in 0..", options_.n_slices - 1));
  }
  if (!(r.clv != r.clv || (r.clv >= 0 && r.clv <= std::numeric_limits<double>::max()))) {
    return absl::InvalidArgumentError(absl::StrCat("clv of ", Where(row, r), " is ", ValueText(r.clv),
                                                   ": CLV must be finite and >= 0, or NaN for unknown"));
  }
  if (!(r.churn_risk != r.churn_risk || (r.churn_risk >= 0 && r.churn_risk <= 1))) {
    return absl::InvalidArgumentError(absl::StrCat("churn_risk of ", Where(row, r), " is ",
                                                   ValueText(r.churn_risk),
                                                   ": churn risk must be in [0, 1], or NaN for unknown"));
  }
  if (r.owner < -1 || r.owner >= static_cast<int64_t>(load_.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "owner of ", Where(row, r), " is ", r.owner, load_.empty()
            ? ": the monitor has no owners (capacities is empty), so the owner must be -1"
            : absl::StrCat(": owners are 0..", load_.size() - 1, ", or -1 for round-robin")));
  }
  return absl::OkStatus();
}

int64_t Monitor::StepOf(int64_t time) {
  if (cached_step_ != INT64_MIN && time >= cached_step_start_ &&
      static_cast<uint64_t>(time) - static_cast<uint64_t>(cached_step_start_) <
          static_cast<uint64_t>(step_ns_)) {
    return cached_step_;
  }
  cached_step_ = FloorDiv(time, step_ns_);
  cached_step_start_ = Saturate(static_cast<Int128>(cached_step_) * step_ns_);
  return cached_step_;
}

Counts* Monitor::StepSlot(int64_t step) {
  const int64_t slot = ((step % ring_) + ring_) % ring_;
  Counts* c = &counts_[slot * options_.n_slices];
  if (tags_[slot] != step) {  // the slot held an older step: reuse it
    std::fill(c, c + options_.n_slices, Counts{});
    tags_[slot] = step;
  }
  return c;
}

Counts Monitor::StepCounts(int64_t step, int32_t slice) const {
  const int64_t slot = ((step % ring_) + ring_) % ring_;
  Counts out;
  if (tags_[slot] != step) return out;
  const Counts* c = &counts_[slot * options_.n_slices];
  if (slice >= 0) return c[slice];
  for (int32_t k = 0; k < options_.n_slices; ++k) out.Merge(c[k]);
  return out;
}

Counts Monitor::WindowCounts(int64_t end_step, int32_t slice) const {
  Counts out;
  for (int64_t j = end_step - options_.shift_window_steps; j < end_step; ++j) {
    out.Merge(StepCounts(j, slice));
  }
  return out;
}

int64_t Monitor::DeadlineOf(int64_t time, int8_t segment) const {
  return SaturatingAdd(time, sla_ns_[internal::PlayIndex(segment)]);
}

double Monitor::PriorityAt(const CaseRecord& c, int64_t now) const {
  int64_t diff;
  const double hours =
      __builtin_sub_overflow(now, c.key.responded_at, &diff)
          ? (static_cast<double>(now) - static_cast<double>(c.key.responded_at)) / kNanosPerHour
          : static_cast<double>(diff) / kNanosPerHour;
  return internal::FiguresOfCase(c.segment == 1, c.churn_risk, c.clv, std::max(hours, 0.0), curve_,
                                 options_.urgency_hours)
      .priority;
}

int32_t Monitor::NextOwner() {
  const int32_t n = static_cast<int32_t>(load_.size());
  for (int32_t k = 0; k < n; ++k) {
    const int32_t o = (cursor_ + k) % n;
    if (load_[o] < options_.capacities[o]) {
      cursor_ = (o + 1) % n;
      return o;
    }
  }
  return -1;
}

void Monitor::OpenCase(CaseRecord c) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    cases_[slot] = c;
  } else {
    slot = static_cast<uint32_t>(cases_.size());
    cases_.push_back(c);
  }
  index_.emplace(c.key, slot);
  if (c.owner >= 0) ++load_[c.owner];
  due_.push_back({c.deadline, c.key});
  std::push_heap(due_.begin(), due_.end(), LaterDue());
}

absl::Status Monitor::IngestOne(const MonitorResponse& r, int64_t row, std::vector<Alert>* alerts) {
  int8_t segment;
  NPSCORE_RETURN_IF_ERROR(Check(r, row, &segment));
  if (r.time < late_before_) {
    if (options_.late == LateResponses::kCount) {
      ++late_;
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat(
        Where(row, r), " is late: ", ValueText((static_cast<double>(clock_) - r.time) / kNanosPerHour),
        " h before the monitor's clock (", clock_, " ns), beyond the lateness bound of ",
        ValueText(options_.lateness_hours), " h"));
  }
  const bool opens = segment < 0 ? options_.open_detractors
                                 : (segment == 0 ? options_.open_passives : options_.open_promoters);
  const CaseKey key{r.customer, r.time};
  if (opens && index_.contains(key)) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(row, r), " opens a case that is already open: customer ", r.customer,
        " cannot answer twice at one instant"));
  }
  int64_t period = -1;  // the health period, the grid grown to hold it
  if (options_.health) NPSCORE_RETURN_IF_ERROR(HealthPeriodOf(r, row, &period));
  // Valid: from here on nothing fails.
  if (r.time > clock_) MoveClock(r.time, alerts);
  const int64_t step = StepOf(r.time);
  Counts& c = StepSlot(step)[r.slice];
  Counts& total = slice_totals_[r.slice];
  if (segment < 0) {
    ++c.detractors;
    ++total.detractors;
  } else if (segment == 0) {
    ++c.passives;
    ++total.passives;
  } else {
    ++c.promoters;
    ++total.promoters;
  }
  if (step > newest_step_) newest_step_ = step;
  if (period >= 0) {
    const int64_t bins = options_.cutoffs.scale_max + 1;
    ++hist_[(period * options_.n_slices + r.slice) * bins + static_cast<int64_t>(r.score)];
  }
  ++responses_;
  if (opens) {
    CaseRecord cr;
    cr.key = key;
    cr.segment = segment;
    cr.slice = r.slice;
    cr.owner = r.owner >= 0 ? r.owner : NextOwner();
    cr.deadline = DeadlineOf(r.time, segment);
    cr.clv = r.clv;
    cr.churn_risk = r.churn_risk;
    // The priority Prioritize gives this customer at the response time.
    cr.priority = internal::FiguresOfCase(segment == 1, r.churn_risk, r.clv, 0.0, curve_,
                                          options_.urgency_hours)
                      .priority;
    OpenCase(cr);
    ++cases_opened_;
    if (alerts != nullptr) {
      Alert a;
      a.kind = AlertKind::kCaseOpened;
      a.time = r.time;
      a.slice = r.slice;
      a.key = key;
      a.segment = segment;
      a.owner = cr.owner;
      a.deadline = cr.deadline;
      a.revenue_at_risk = r.churn_risk * r.clv;
      a.priority = cr.priority;
      alerts->push_back(a);
    }
    // A case whose deadline is already behind the clock (a late arrival).
    if (cr.deadline < clock_) RaiseBreaches(alerts);
  }
  return absl::OkStatus();
}

absl::Status Monitor::Ingest(const MonitorResponse& response, std::vector<Alert>* alerts) {
  return IngestOne(response, -1, alerts);
}

absl::Status Monitor::IngestBatch(const MonitorColumns& in, std::vector<Alert>* alerts) {
  const size_t n = in.customer.size();
  const auto check = [n](size_t size, const char* name, bool optional) -> absl::Status {
    if (size == n || (optional && size == 0)) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(name, " has ", size, " rows but customer has ", n));
  };
  NPSCORE_RETURN_IF_ERROR(check(in.score.size(), "score", false));
  NPSCORE_RETURN_IF_ERROR(check(in.time.size(), "time", false));
  NPSCORE_RETURN_IF_ERROR(check(in.slice.size(), "slice", true));
  NPSCORE_RETURN_IF_ERROR(check(in.clv.size(), "clv", true));
  NPSCORE_RETURN_IF_ERROR(check(in.churn_risk.size(), "churn_risk", true));
  NPSCORE_RETURN_IF_ERROR(check(in.owner.size(), "owner", true));
  MonitorResponse r;
  for (size_t i = 0; i < n; ++i) {
    r.customer = in.customer[i];
    r.score = in.score[i];
    r.time = in.time[i];
    if (!in.slice.empty()) r.slice = in.slice[i];
    if (!in.clv.empty()) r.clv = in.clv[i];
    if (!in.churn_risk.empty()) r.churn_risk = in.churn_risk[i];
    if (!in.owner.empty()) r.owner = in.owner[i];
    NPSCORE_RETURN_IF_ERROR(IngestOne(r, static_cast<int64_t>(i), alerts));
  }
  return absl::OkStatus();
}

// --- The clock ------------------------------------------------------------------------

absl::Status Monitor::Advance(int64_t now, std::vector<Alert>* alerts) {
  if (now == INT64_MIN) return absl::InvalidArgumentError("now is missing (NaT)");
  if (now > clock_) MoveClock(now, alerts);
  return absl::OkStatus();
}

void Monitor::MoveClock(int64_t now, std::vector<Alert>* alerts, bool health_alerts) {
  const int64_t W = options_.shift_window_steps;
  if (clock_ != INT64_MIN && now >= judge_at_ && newest_step_ != INT64_MIN) {
    // Windows ending at step boundaries j0 < j <= j1 have closed; those past
    // the newest data by two windows are empty.
    const int64_t j0 = FloorDiv(static_cast<Int128>(clock_) - lateness_ns_, step_ns_);
    const int64_t j1 = std::min(FloorDiv(static_cast<Int128>(now) - lateness_ns_, step_ns_),
                                Saturate(static_cast<Int128>(newest_step_) + 2 * W));
    for (int64_t j = j0 + 1; j <= j1; ++j) JudgeWindows(j, alerts);
  }
  const bool new_boundary = clock_ == INT64_MIN || now >= judge_at_;
  clock_ = now;
  late_before_ = Saturate(static_cast<Int128>(now) - lateness_ns_);
  if (new_boundary) {  // else the next boundary is still judge_at_: no division
    const int64_t jnow = FloorDiv(static_cast<Int128>(now) - lateness_ns_, step_ns_);
    judge_at_ = Saturate((static_cast<Int128>(jnow) + 1) * step_ns_ + lateness_ns_);
  }
  if (options_.health) CloseHealthPeriods(health_alerts ? alerts : nullptr);
  RaiseBreaches(alerts);
}

// --- Health periods ---------------------------------------------------------------------

absl::StatusOr<PeriodGrid> Monitor::HealthGrid(int64_t min_time, int64_t max_time) const {
  NPSCORE_ASSIGN_OR_RETURN(PeriodGrid grid, MakePeriodGrid(min_time, max_time, options_.health_frequency,
                                                           options_.time_zone));
  const int64_t rows = static_cast<int64_t>(grid.size()) * options_.n_slices;
  if (rows > kMaxMonitorHealthRows) {
    return absl::InvalidArgumentError(absl::StrCat(
        grid.size(), " health periods x ", options_.n_slices, " slices are above ",
        kMaxMonitorHealthRows, " rows (kMaxMonitorHealthRows): use longer periods or fewer slices"));
  }
  return grid;
}

absl::Status Monitor::HealthPeriodOf(const MonitorResponse& r, int64_t row, int64_t* period) {
  const int64_t t = r.time;
  const std::vector<int64_t>& st = hgrid_.starts;
  if (hcur_ >= 0 && t >= st[hcur_] && t < st[hcur_ + 1]) {
    *period = hcur_;
    return absl::OkStatus();
  }
  if (st.empty() || t < st.front() || t >= st.back()) {
    // Grow the grid to hold t; the rows move by the periods added before.
    const int64_t lo = st.empty() ? t : std::min(t, st.front());
    const int64_t hi = st.empty() ? t : std::max(t, st.back() - 1);
    absl::StatusOr<PeriodGrid> grid = HealthGrid(lo, hi);
    if (!grid.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("the health periods cannot hold ", Where(row, r),
                                                     ": ", grid.status().message()));
    }
    const int64_t width = int64_t{options_.n_slices} * (options_.cutoffs.scale_max + 1);
    std::vector<int64_t> hist(grid->size() * width, 0);
    if (!st.empty()) {
      const int64_t shift =
          std::lower_bound(grid->starts.begin(), grid->starts.end(), st.front()) - grid->starts.begin();
      std::copy(hist_.begin(), hist_.end(), hist.begin() + shift * width);
      hclosed_ = hclosed_ > 0 ? hclosed_ + shift : 0;  // a closed period keeps its place
    }
    hist_.swap(hist);
    hgrid_ = *std::move(grid);
  }
  hcur_ = std::upper_bound(st.begin(), st.end(), t) - st.begin() - 1;
  *period = hcur_;
  return absl::OkStatus();
}

void Monitor::CloseHealthPeriods(std::vector<Alert>* alerts) {
  const int64_t n_periods = static_cast<int64_t>(hgrid_.size());
  int64_t closed = hclosed_;
  while (closed < n_periods && hgrid_.starts[closed + 1] <= late_before_) ++closed;
  if (closed == hclosed_) return;
  const int64_t first = hclosed_;
  hclosed_ = closed;
  if (alerts == nullptr) return;
  const absl::StatusOr<HealthTable> t = HealthOfPeriods(closed);
  if (!t.ok()) return;  // valid options and counts: cannot fail
  for (int64_t p = first; p < closed; ++p) {
    for (int32_t k = 0; k < options_.n_slices; ++k) {
      const size_t row = static_cast<size_t>(int64_t{k} * closed + p);
      if ((t->flags[row] & options_.health_flag_mask) == 0) continue;
      Alert a;
      a.kind = AlertKind::kHealthFlag;
      a.time = a.period_end = hgrid_.starts[p + 1];
      a.period_start = hgrid_.starts[p];
      a.period = p;
      a.period_label = hgrid_.labels[p];
      a.slice = k;
      a.flags = t->flags[row];
      a.reasons = t->reasons[row];
      a.n = t->n[row];
      a.nps = t->nps[row];
      a.baseline_nps = t->baseline_nps[row];
      a.drop_p_adjusted = t->drop_p_adjusted[row];
      a.surge_p_adjusted = t->surge_p_adjusted[row];
      a.erosion_p_adjusted = t->erosion_p_adjusted[row];
      a.passive_growth_p_adjusted = t->passive_growth_p_adjusted[row];
      a.cusum = t->cusum[row];
      alerts->push_back(std::move(a));
    }
  }
}

absl::StatusOr<HealthTable> Monitor::HealthOfPeriods(int64_t n_periods) const {
  const int64_t S = options_.n_slices, bins = options_.cutoffs.scale_max + 1;
  std::vector<int64_t> h(static_cast<size_t>(n_periods * S * bins));
  for (int64_t p = 0; p < n_periods; ++p) {  // period-major to slice-major
    for (int64_t k = 0; k < S; ++k) {
      std::copy_n(hist_.begin() + (p * S + k) * bins, bins, h.begin() + (k * n_periods + p) * bins);
    }
  }
  return HealthFromHistogram(h, n_periods, S, HealthOptionsOf(options_));
}

absl::StatusOr<HealthTable> Monitor::ClosedHealth() const {
  if (!options_.health) {
    return absl::FailedPreconditionError(
        "the monitor counts no health periods: create it with MonitorOptions::health = true");
  }
  return HealthOfPeriods(hclosed_);
}

void Monitor::JudgeWindows(int64_t j, std::vector<Alert>* alerts) const {
  if (alerts == nullptr) return;
  const int64_t W = options_.shift_window_steps;
  const CompareOptions co{IntervalMethod::kScore, 1 - options_.shift_alpha, CompareTest::kAuto};
  for (int32_t slice = -1; slice < options_.n_slices; ++slice) {
    if (slice == 0 && options_.n_slices == 1) break;  // slice 0 is everything
    const Counts cur = WindowCounts(j, slice);
    const Counts prev = WindowCounts(j - W, slice);
    if (cur.n() < options_.shift_min_n || prev.n() < options_.shift_min_n) continue;
    const absl::StatusOr<Summary> a = Summarize(cur, options_.interval);
    const absl::StatusOr<Summary> b = Summarize(prev, options_.interval);
    if (!a.ok() || !b.ok()) continue;
    const absl::StatusOr<Comparison> cmp = Compare(*a, *b, co);
    if (!cmp.ok() || !(cmp->p_value < options_.shift_alpha)) continue;
    Alert al;
    al.kind = AlertKind::kNpsShift;
    al.window_end = al.time = Saturate(static_cast<Int128>(j) * step_ns_);
    al.slice = slice;
    al.n = cur.n();
    al.n_previous = prev.n();
    al.nps = a->nps;
    al.nps_previous = b->nps;
    al.diff = cmp->diff;
    al.p_value = cmp->p_value;
    al.ci_low = cmp->ci_low;
    al.ci_high = cmp->ci_high;
    alerts->push_back(al);
  }
}

void Monitor::RaiseBreaches(std::vector<Alert>* alerts) {
  while (!due_.empty() && due_.front().deadline < clock_) {
    const DueEntry e = due_.front();
    std::pop_heap(due_.begin(), due_.end(), LaterDue());
    due_.pop_back();
    const auto it = index_.find(e.key);
    if (it == index_.end()) continue;  // closed
    CaseRecord& c = cases_[it->second];
    if (c.breached || c.deadline != e.deadline) continue;
    if (c.contacted_at != INT64_MIN && c.contacted_at <= c.deadline) continue;
    c.breached = true;
    ++breaches_;
    if (alerts != nullptr) {
      Alert a;
      a.kind = AlertKind::kSlaBreach;
      a.time = c.deadline;
      a.slice = c.slice;
      a.key = c.key;
      a.segment = c.segment;
      a.owner = c.owner;
      a.deadline = c.deadline;
      a.revenue_at_risk = c.churn_risk * c.clv;
      a.priority = c.priority;
      alerts->push_back(a);
    }
  }
}

// --- Cases ----------------------------------------------------------------------------

absl::Status Monitor::RecordContact(const CaseKey& key, int64_t time) {
  const auto it = index_.find(key);
  if (it == index_.end()) {
    return absl::NotFoundError(absl::StrCat("no open case of customer ", key.customer,
                                            " for the response at ", key.responded_at, " ns"));
  }
  CaseRecord& c = cases_[it->second];
  if (time == INT64_MIN || time < key.responded_at) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the contact time of the case of customer ", key.customer, " is ",
        time == INT64_MIN ? std::string("missing (NaT)") : absl::StrCat(time, " ns"),
        time == INT64_MIN ? "" : absl::StrCat(", before its response (", key.responded_at,
                                               " ns): a contact answers the response")));
  }
  if (c.contacted_at == INT64_MIN || time < c.contacted_at) c.contacted_at = time;
  return absl::OkStatus();
}

absl::StatusOr<CaseRecord> Monitor::CloseCase(const CaseKey& key, int64_t time, CaseOutcome outcome) {
  const auto it = index_.find(key);
  if (it == index_.end()) {
    return absl::NotFoundError(absl::StrCat("no open case of customer ", key.customer,
                                            " for the response at ", key.responded_at, " ns"));
  }
  if (time == INT64_MIN || time < key.responded_at) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the closing time of the case of customer ", key.customer, " is ",
        time == INT64_MIN ? std::string("missing (NaT)") : absl::StrCat(time, " ns"),
        time == INT64_MIN ? "" : absl::StrCat(", before its response (", key.responded_at, " ns)")));
  }
  const int o = static_cast<int>(outcome);
  if (o < 0 || o > 2) {
    return absl::InvalidArgumentError(absl::StrCat("outcome is ", o,
                                                   ": use 0 (not recovered), 1 (recovered) or 2 (churned)"));
  }
  const uint32_t slot = it->second;
  CaseRecord out = cases_[slot];
  out.closed_at = time;
  out.outcome = outcome;
  index_.erase(it);
  free_.push_back(slot);
  if (out.owner >= 0) --load_[out.owner];
  ++cases_closed_[o];
  return out;
}

// --- Snapshot -------------------------------------------------------------------------

MonitorSnapshot Monitor::Snapshot() const {
  MonitorSnapshot s;
  s.clock = clock_;
  s.responses = responses_;
  s.late = late_;
  s.cases_opened = cases_opened_;
  for (int k = 0; k < 3; ++k) s.cases_closed[k] = cases_closed_[k];
  s.breaches = breaches_;
  s.slice_counts = slice_totals_;
  for (const Counts& c : slice_totals_) s.counts.Merge(c);
  const IntervalOptions& io = options_.interval;
  s.window = s.previous_window = EmptySummary(io);
  s.slice_window.assign(options_.n_slices, EmptySummary(io));
  if (clock_ != INT64_MIN) {
    const int64_t end = FloorDiv(clock_, step_ns_) + 1;
    s.window_end = Saturate(static_cast<Int128>(end) * step_ns_);
    s.window = SummaryOf(WindowCounts(end, -1), io);
    s.previous_window = SummaryOf(WindowCounts(end - options_.shift_window_steps, -1), io);
    for (int32_t k = 0; k < options_.n_slices; ++k) s.slice_window[k] = SummaryOf(WindowCounts(end, k), io);
  }
  s.open_cases.reserve(index_.size());
  for (const auto& [key, slot] : index_) {
    CaseRecord c = cases_[slot];
    if (clock_ != INT64_MIN) {
      c.priority = PriorityAt(c, clock_);
      c.hours = (static_cast<double>(clock_) - static_cast<double>(key.responded_at)) / kNanosPerHour;
    }
    s.open_cases.push_back(c);
  }
  std::sort(s.open_cases.begin(), s.open_cases.end(), [](const CaseRecord& a, const CaseRecord& b) {
    const int pa = internal::PlayIndex(a.segment), pb = internal::PlayIndex(b.segment);
    if (pa != pb) return pa < pb;
    const bool na = a.priority != a.priority, nb = b.priority != b.priority;
    if (na != nb) return nb;  // NaN last
    if (!na && a.priority != b.priority) return a.priority > b.priority;
    return KeyLess(a.key, b.key);
  });
  s.owner_load = load_;
  for (const auto& [key, slot] : index_) s.unassigned += cases_[slot].owner < 0;
  s.health_periods = static_cast<int64_t>(hgrid_.size());
  s.health_closed = hclosed_;
  return s;
}

// --- State as bytes -------------------------------------------------------------------

std::string Monitor::SerializeOptions() const {
  const MonitorOptions& o = options_;
  Writer w;
  w.I32(o.cutoffs.detractor_max);
  w.I32(o.cutoffs.passive_max);
  w.I32(o.cutoffs.scale_max);
  w.F64(o.sla_hours);
  w.F64(o.passive_sla_hours);
  w.F64(o.promoter_sla_hours);
  w.U32(static_cast<uint32_t>(o.recovery.hours.size()));
  for (double h : o.recovery.hours) w.F64(h);
  w.U32(static_cast<uint32_t>(o.recovery.probability.size()));
  for (double p : o.recovery.probability) w.F64(p);
  w.F64(o.urgency_hours);
  w.U8(o.open_detractors);
  w.U8(o.open_passives);
  w.U8(o.open_promoters);
  w.U32(static_cast<uint32_t>(o.capacities.size()));
  for (int64_t c : o.capacities) w.I64(c);
  w.F64(o.lateness_hours);
  w.U8(static_cast<uint8_t>(o.late));
  w.I32(o.n_slices);
  w.F64(o.shift_step_hours);
  w.I32(o.shift_window_steps);
  w.I64(o.shift_min_n);
  w.F64(o.shift_alpha);
  w.U8(static_cast<uint8_t>(o.interval.method));
  w.F64(o.interval.confidence);
  w.U8(o.health);
  w.U8(static_cast<uint8_t>(o.health_frequency));
  w.U32(static_cast<uint32_t>(o.time_zone.size()));
  w.bytes().append(o.time_zone);
  const HealthThresholds& th = o.health_thresholds;
  for (double v : {th.alpha, th.min_n, th.passive_share_high, th.passive_trend_points,
                   th.stable_nps_points, th.detractor_surge_points, th.promoter_erosion_points}) {
    w.F64(v);
  }
  w.I32(th.trend_periods);
  for (double v : {th.baseline_months, th.drop_alpha, th.drop_points, th.cusum_k, th.cusum_h, th.power}) {
    w.F64(v);
  }
  w.U32(o.health_flag_mask);
  return std::move(w.bytes());
}

std::string Monitor::Serialize() const {
  Writer w;
  w.bytes() = SerializeOptions();
  w.I64(clock_);
  w.I64(newest_step_);
  w.I32(cursor_);
  w.I64(responses_);
  w.I64(late_);
  w.I64(cases_opened_);
  for (int k = 0; k < 3; ++k) w.I64(cases_closed_[k]);
  w.I64(breaches_);
  for (const Counts& c : slice_totals_) {
    w.I64(c.detractors);
    w.I64(c.passives);
    w.I64(c.promoters);
  }
  // The window steps the ring holds at this clock, oldest first, non-empty
  // (step, slice) cells only: the same bytes whatever the slots' history.
  std::vector<std::pair<int64_t, int32_t>> cells;
  if (clock_ != INT64_MIN) {
    const int64_t newest = FloorDiv(clock_, step_ns_);
    for (int64_t j = newest - ring_ + 1; j <= newest; ++j) {
      for (int32_t k = 0; k < options_.n_slices; ++k) {
        if (StepCounts(j, k).n() > 0) cells.emplace_back(j, k);
      }
    }
  }
  w.U64(cells.size());
  for (const auto& [j, k] : cells) {
    const Counts c = StepCounts(j, k);
    w.I64(j);
    w.I32(k);
    w.I64(c.detractors);
    w.I64(c.passives);
    w.I64(c.promoters);
  }
  std::vector<CaseKey> keys;
  keys.reserve(index_.size());
  for (const auto& [key, slot] : index_) keys.push_back(key);
  std::sort(keys.begin(), keys.end(), KeyLess);
  w.U64(keys.size());
  for (const CaseKey& key : keys) {
    const CaseRecord& c = cases_[index_.at(key)];
    w.I64(key.customer);
    w.I64(key.responded_at);
    w.U8(static_cast<uint8_t>(c.segment));
    w.I32(c.slice);
    w.I32(c.owner);
    w.I64(c.contacted_at);
    w.U8(c.breached);
    w.F64(c.clv);
    w.F64(c.churn_risk);
  }
  if (options_.health) {
    // The grid's first and last period starts, then the non-empty (period,
    // slice) rows in order.
    const bool any = !hgrid_.starts.empty();
    w.I64(any ? hgrid_.starts.front() : INT64_MIN);
    w.I64(any ? hgrid_.starts[hgrid_.size() - 1] : INT64_MIN);
    const int64_t S = options_.n_slices, bins = options_.cutoffs.scale_max + 1;
    const int64_t rows = static_cast<int64_t>(hgrid_.size()) * S;
    uint64_t non_empty = 0;
    for (int64_t i = 0; i < rows; ++i) {
      non_empty += std::any_of(hist_.begin() + i * bins, hist_.begin() + (i + 1) * bins,
                               [](int64_t c) { return c != 0; });
    }
    w.U64(non_empty);
    for (int64_t i = 0; i < rows; ++i) {
      const auto row = hist_.begin() + i * bins;
      if (std::all_of(row, row + bins, [](int64_t c) { return c == 0; })) continue;
      w.I64(i / S);
      w.I32(static_cast<int32_t>(i % S));
      for (int64_t b = 0; b < bins; ++b) w.I64(row[b]);
    }
  }
  const std::string payload = std::move(w.bytes());
  Writer out;
  out.bytes().append(kMagic, sizeof kMagic);
  out.U32(kFormatVersion);
  out.U64(payload.size());
  out.bytes().append(payload);
  out.U64(Fnv1a64(payload));
  return std::move(out.bytes());
}

absl::StatusOr<Monitor> Monitor::Restore(absl::string_view bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return Corrupt("the bytes do not start with the \"NPSMONIT\" magic (not a monitor state)");
  }
  if (bytes.size() < kHeader) return Corrupt("truncated (no complete header)");
  Reader head(bytes.substr(sizeof kMagic));
  const uint32_t version = head.U32();
  const uint64_t length = head.U64();
  if (version != kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat(
        "monitor state format version ", version, " is not supported: this library reads version ",
        kFormatVersion, version > kFormatVersion ? " (the state was written by a newer npscore)" : ""));
  }
  const uint64_t available = bytes.size() - kHeader;
  if (length > available || available - length < 8) {
    return Corrupt(absl::StrCat("truncated (", bytes.size(), " bytes; the header announces ", length,
                                " bytes of payload + 8 of checksum)"));
  }
  if (available - length > 8) {
    return Corrupt(absl::StrCat(available - length - 8, " unexpected bytes after the checksum"));
  }
  const absl::string_view payload = bytes.substr(kHeader, length);
  if (Reader(bytes.substr(kHeader + length)).U64() != Fnv1a64(payload)) {
    return Corrupt("the checksum does not match (the state is damaged)");
  }

  // The checksum holds: the bytes are as written. Every value is still checked,
  // so that bytes no monitor wrote cannot make a wrong state.
  Reader r(payload);
  MonitorOptions o;
  o.cutoffs.detractor_max = r.I32();
  o.cutoffs.passive_max = r.I32();
  o.cutoffs.scale_max = r.I32();
  o.sla_hours = r.F64();
  o.passive_sla_hours = r.F64();
  o.promoter_sla_hours = r.F64();
  constexpr uint32_t kMaxAnchors = 1 << 20;
  uint32_t n = r.U32();
  if (n > kMaxAnchors || n * 8ull > r.left()) return Corrupt("the recovery curve is truncated");
  o.recovery.hours.resize(n);
  for (double& h : o.recovery.hours) h = r.F64();
  n = r.U32();
  if (n > kMaxAnchors || n * 8ull > r.left()) return Corrupt("the recovery curve is truncated");
  o.recovery.probability.resize(n);
  for (double& p : o.recovery.probability) p = r.F64();
  o.urgency_hours = r.F64();
  // Flags are 0 or 1: any other byte is damage (it would not read back).
  bool flags_ok = true;
  const auto flag = [&r, &flags_ok]() {
    const uint8_t v = r.U8();
    flags_ok = flags_ok && v <= 1;
    return v == 1;
  };
  o.open_detractors = flag();
  o.open_passives = flag();
  o.open_promoters = flag();
  n = r.U32();
  if (n > static_cast<uint32_t>(kMaxMonitorOwners) || n * 8ull > r.left()) {
    return Corrupt("the owners' capacities are truncated");
  }
  o.capacities.resize(n);
  for (int64_t& c : o.capacities) c = r.I64();
  o.lateness_hours = r.F64();
  o.late = static_cast<LateResponses>(r.U8());
  o.n_slices = r.I32();
  o.shift_step_hours = r.F64();
  o.shift_window_steps = r.I32();
  o.shift_min_n = r.I64();
  o.shift_alpha = r.F64();
  const uint8_t method = r.U8();
  if (method > 2) return Corrupt(absl::StrCat("interval method code ", int{method}, " is unknown"));
  o.interval.method = static_cast<IntervalMethod>(method);
  o.interval.confidence = r.F64();
  o.health = flag();
  o.health_frequency = static_cast<Frequency>(r.U8());
  n = r.U32();
  if (n > 64 || n > r.left()) return Corrupt("the time zone is truncated or too long");
  o.time_zone.assign(n, '\0');
  for (char& c : o.time_zone) c = static_cast<char>(r.U8());
  HealthThresholds& th = o.health_thresholds;
  for (double* v : {&th.alpha, &th.min_n, &th.passive_share_high, &th.passive_trend_points,
                    &th.stable_nps_points, &th.detractor_surge_points, &th.promoter_erosion_points}) {
    *v = r.F64();
  }
  th.trend_periods = r.I32();
  for (double* v : {&th.baseline_months, &th.drop_alpha, &th.drop_points, &th.cusum_k, &th.cusum_h,
                    &th.power}) {
    *v = r.F64();
  }
  o.health_flag_mask = r.U32();
  if (!r.ok()) return Corrupt("the options are truncated");
  if (!flags_ok) return Corrupt("an option flag is neither 0 nor 1");
  Monitor m;
  if (absl::Status s = m.Init(o); !s.ok()) return Corrupt(absl::StrCat("bad options: ", s.message()));

  m.clock_ = r.I64();
  m.newest_step_ = r.I64();
  m.cursor_ = r.I32();
  m.responses_ = r.I64();
  m.late_ = r.I64();
  m.cases_opened_ = r.I64();
  for (int k = 0; k < 3; ++k) m.cases_closed_[k] = r.I64();
  m.breaches_ = r.I64();
  if (!r.ok()) return Corrupt("the counters are truncated");
  const int64_t counters[] = {m.responses_, m.late_, m.cases_opened_, m.cases_closed_[0],
                              m.cases_closed_[1], m.cases_closed_[2], m.breaches_};
  for (int64_t c : counters) {
    if (c < 0) return Corrupt("a counter is negative");
  }
  if (m.cursor_ < 0 || (m.cursor_ > 0 && m.cursor_ >= static_cast<int32_t>(o.capacities.size()))) {
    return Corrupt(absl::StrCat("the round-robin position ", m.cursor_, " is not an owner"));
  }
  const bool started = m.clock_ != INT64_MIN;
  const int64_t clock_step = started ? FloorDiv(m.clock_, m.step_ns_) : INT64_MIN;
  if (m.newest_step_ != INT64_MIN && (!started || m.newest_step_ > clock_step)) {
    return Corrupt("the newest step is after the clock");
  }
  int64_t total = 0;
  for (Counts& c : m.slice_totals_) {
    c.detractors = r.I64();
    c.passives = r.I64();
    c.promoters = r.I64();
    if (!ValidateCounts(c).ok() || __builtin_add_overflow(total, c.n(), &total)) {
      return Corrupt("a slice's counts are negative or overflow");
    }
  }
  if (!r.ok()) return Corrupt("the slice counts are truncated");
  if (total != m.responses_) return Corrupt("the slice counts do not add up to the responses");
  if (m.responses_ > 0 && m.newest_step_ == INT64_MIN) return Corrupt("responses without a newest step");

  const uint64_t n_cells = r.U64();
  if (n_cells > static_cast<uint64_t>(m.ring_) * o.n_slices) return Corrupt("too many window cells");
  int64_t prev_j = INT64_MIN;
  int32_t prev_k = -1;
  for (uint64_t i = 0; i < n_cells; ++i) {
    const int64_t j = r.I64();
    const int32_t k = r.I32();
    Counts c;
    c.detractors = r.I64();
    c.passives = r.I64();
    c.promoters = r.I64();
    if (!r.ok()) return Corrupt("the window cells are truncated");
    if (!started || j <= clock_step - m.ring_ || j > m.newest_step_ || k < 0 || k >= o.n_slices ||
        (j < prev_j || (j == prev_j && k <= prev_k)) || !ValidateCounts(c).ok() || c.n() == 0 ||
        c.n() > m.slice_totals_[k].n()) {
      return Corrupt(absl::StrCat("window cell ", i, " is out of place or holds impossible counts"));
    }
    m.StepSlot(j)[k] = c;
    prev_j = j;
    prev_k = k;
  }

  const uint64_t n_cases = r.U64();
  if (n_cases > r.left() / 50) return Corrupt("the cases are truncated");
  m.cases_.reserve(n_cases);
  CaseKey prev_key{INT64_MIN, INT64_MIN};
  for (uint64_t i = 0; i < n_cases; ++i) {
    CaseRecord c;
    c.key.customer = r.I64();
    c.key.responded_at = r.I64();
    c.segment = static_cast<int8_t>(r.U8());
    c.slice = r.I32();
    c.owner = r.I32();
    c.contacted_at = r.I64();
    c.breached = flag();
    c.clv = r.F64();
    c.churn_risk = r.F64();
    if (!r.ok()) return Corrupt("the cases are truncated");
    const bool opens = c.segment == -1 ? o.open_detractors
                                       : (c.segment == 0 ? o.open_passives
                                                         : (c.segment == 1 && o.open_promoters));
    const bool ok =
        flags_ok && (i == 0 || KeyLess(prev_key, c.key)) && started && c.key.responded_at != INT64_MIN &&
        c.key.responded_at <= m.clock_ && opens && c.slice >= 0 && c.slice < o.n_slices &&
        c.owner >= -1 && c.owner < static_cast<int32_t>(o.capacities.size()) &&
        (c.contacted_at == INT64_MIN || c.contacted_at >= c.key.responded_at) &&
        (c.clv != c.clv || (c.clv >= 0 && c.clv <= std::numeric_limits<double>::max())) &&
        (c.churn_risk != c.churn_risk || (c.churn_risk >= 0 && c.churn_risk <= 1));
    if (!ok) return Corrupt(absl::StrCat("case ", i, " is out of order or holds impossible values"));
    c.deadline = m.DeadlineOf(c.key.responded_at, c.segment);
    const bool contacted_in_time = c.contacted_at != INT64_MIN && c.contacted_at <= c.deadline;
    if ((c.breached && !(c.deadline < m.clock_)) ||
        (!c.breached && c.deadline < m.clock_ && !contacted_in_time)) {
      return Corrupt(absl::StrCat("case ", i, "'s breach flag disagrees with its deadline"));
    }
    c.priority = internal::FiguresOfCase(c.segment == 1, c.churn_risk, c.clv, 0.0, m.curve_,
                                         o.urgency_hours)
                     .priority;
    prev_key = c.key;
    m.OpenCase(c);
  }
  if (o.health) {
    const int64_t first = r.I64(), last = r.I64();
    const uint64_t n_rows = r.U64();
    if (!r.ok()) return Corrupt("the health periods are truncated");
    if ((first == INT64_MIN) != (m.responses_ == 0) || (first == INT64_MIN) != (last == INT64_MIN) ||
        (first == INT64_MIN && n_rows != 0)) {
      return Corrupt("the health periods disagree with the responses");
    }
    if (first != INT64_MIN) {
      absl::StatusOr<PeriodGrid> grid = first <= last ? m.HealthGrid(first, last)
                                                      : absl::InvalidArgumentError("reversed");
      if (!grid.ok() || grid->starts.front() != first || grid->starts[grid->size() - 1] != last) {
        return Corrupt("the health periods' first and last starts are not periods of the options");
      }
      m.hgrid_ = *std::move(grid);
    }
    const int64_t S = o.n_slices, bins = o.cutoffs.scale_max + 1;
    const int64_t P = static_cast<int64_t>(m.hgrid_.size());
    m.hist_.assign(static_cast<size_t>(P * S * bins), 0);
    if (n_rows > static_cast<uint64_t>(P * S) || n_rows > r.left() / 12) {
      return Corrupt("the health rows are truncated");
    }
    std::vector<Counts> sums(static_cast<size_t>(S));
    int64_t prev = -1;
    bool first_used = false, last_used = false;
    for (uint64_t i = 0; i < n_rows; ++i) {
      const int64_t p = r.I64();
      const int32_t k = r.I32();
      if (!r.ok() || p < 0 || p >= P || k < 0 || k >= S || p * S + k <= prev) {
        return Corrupt(absl::StrCat("health row ", i, " is truncated or out of place"));
      }
      const int64_t row = p * S + k;  // in range: no overflow
      int64_t* h = &m.hist_[static_cast<size_t>(row * bins)];
      int64_t n_row = 0;
      for (int64_t b = 0; b < bins; ++b) {
        h[b] = r.I64();
        if (h[b] < 0 || __builtin_add_overflow(n_row, h[b], &n_row)) {
          return Corrupt(absl::StrCat("health row ", i, " holds impossible counts"));
        }
        int64_t* seg = b <= o.cutoffs.detractor_max ? &sums[k].detractors
                       : b <= o.cutoffs.passive_max ? &sums[k].passives
                                                    : &sums[k].promoters;
        if (__builtin_add_overflow(*seg, h[b], seg)) return Corrupt("the health counts overflow");
      }
      if (!r.ok() || n_row == 0) return Corrupt(absl::StrCat("health row ", i, " is truncated or empty"));
      first_used = first_used || p == 0;
      last_used = last_used || p == P - 1;
      prev = row;
    }
    if (P > 0 && !(first_used && last_used)) {
      return Corrupt("the health periods do not start and end with responses");
    }
    for (int64_t k = 0; k < S; ++k) {
      const Counts& t = m.slice_totals_[k];
      if (sums[k].detractors != t.detractors || sums[k].passives != t.passives ||
          sums[k].promoters != t.promoters) {
        return Corrupt(absl::StrCat("the health counts of slice ", k, " disagree with its totals"));
      }
    }
  }
  if (r.left() != 0) return Corrupt(absl::StrCat(r.left(), " unexpected bytes after the state"));
  if (started) m.MoveClock(m.clock_, nullptr);  // the clock's derived fields; nothing is due
  return m;
}

// --- Merge ------------------------------------------------------------------------------

absl::Status Monitor::Merge(const Monitor& other, std::vector<Alert>* alerts) {
  if (&other == this) return absl::InvalidArgumentError("cannot merge a monitor with itself");
  if (SerializeOptions() != other.SerializeOptions()) {
    return absl::InvalidArgumentError("the monitors' options differ: only monitors with equal options merge");
  }
  for (const auto& [key, slot] : other.index_) {
    if (index_.contains(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "both monitors hold the case of customer ", key.customer, " at ", key.responded_at,
          " ns: merged monitors must be fed disjoint customers"));
    }
  }
  // Health periods: one grid over both, each histogram added at its place
  // (the only step that can fail, so it comes before any change).
  PeriodGrid grid;
  std::vector<int64_t> hist;
  const bool merge_health = options_.health && !other.hgrid_.starts.empty();
  if (merge_health) {
    const bool mine = !hgrid_.starts.empty();
    const int64_t lo = mine ? std::min(hgrid_.starts.front(), other.hgrid_.starts.front())
                            : other.hgrid_.starts.front();
    const int64_t hi = std::max(mine ? hgrid_.starts[hgrid_.size() - 1] : INT64_MIN,
                                other.hgrid_.starts[other.hgrid_.size() - 1]);
    NPSCORE_ASSIGN_OR_RETURN(grid, HealthGrid(lo, hi));
    const size_t width = static_cast<size_t>(options_.n_slices) * (options_.cutoffs.scale_max + 1);
    hist.assign(grid.size() * width, 0);
    for (const Monitor* m : {static_cast<const Monitor*>(this), &other}) {
      if (m->hgrid_.starts.empty()) continue;
      const size_t shift = static_cast<size_t>(
          std::lower_bound(grid.starts.begin(), grid.starts.end(), m->hgrid_.starts.front()) -
          grid.starts.begin());
      for (size_t i = 0; i < m->hist_.size(); ++i) hist[shift * width + i] += m->hist_[i];
    }
  }
  const int64_t clock = std::max(clock_, other.clock_);
  if (clock != INT64_MIN) {
    const int64_t clock_step = FloorDiv(clock, step_ns_);
    const int32_t ns = options_.n_slices;
    for (int64_t s = 0; s < other.ring_; ++s) {
      const int64_t j = other.tags_[s];
      // Empty, or older than the ring keeps at the merged clock. Otherwise
      // this monitor's slot for j holds j or an older step, which drops out.
      if (j == INT64_MIN || j <= clock_step - ring_) continue;
      Counts* dst = StepSlot(j);
      const Counts* src = &other.counts_[s * ns];
      for (int32_t k = 0; k < ns; ++k) dst[k].Merge(src[k]);
    }
  }
  for (int32_t k = 0; k < options_.n_slices; ++k) slice_totals_[k].Merge(other.slice_totals_[k]);
  newest_step_ = std::max(newest_step_, other.newest_step_);
  responses_ += other.responses_;
  late_ += other.late_;
  cases_opened_ += other.cases_opened_;
  for (int k = 0; k < 3; ++k) cases_closed_[k] += other.cases_closed_[k];
  breaches_ += other.breaches_;
  for (const auto& [key, slot] : other.index_) OpenCase(other.cases_[slot]);
  if (merge_health) {
    hgrid_ = std::move(grid);
    hist_.swap(hist);
    hclosed_ = 0;  // recounted by MoveClock, without alerts
    hcur_ = -1;
  }
  if (clock != INT64_MIN) {
    clock_ = clock;
    cached_step_ = INT64_MIN;
    cached_step_start_ = INT64_MAX;
    // Derived fields and breaches; no window is judged (clock unchanged) and
    // health periods the merged clock closes raise nothing (each shard's own).
    MoveClock(clock, alerts, /*health_alerts=*/false);
  }
  return absl::OkStatus();
}

}  // namespace npscore
