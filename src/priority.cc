#include "npscore/priority.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/internal/bounds.h"
#include "src/internal/case_priority.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::kNaN;
using internal::ValueText;

constexpr double kNanosPerHour = 3.6e12;

double Sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

// The slope at an end knot, as scipy's PchipInterpolator takes it: the
// three-point estimate, set to 0 when its sign disagrees with the end secant
// and limited to 3 x the secant where the secants change sign.
double EdgeSlope(double h0, double h1, double d0, double d1) {
  double m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (Sign(m) != Sign(d0)) return 0.0;
  if (Sign(d0) != Sign(d1) && std::fabs(m) > std::fabs(3 * d0)) return 3 * d0;
  return m;
}

}  // namespace

// --- Recoverability -------------------------------------------------------------

absl::Status ValidateRecoveryCurve(const RecoveryCurve& curve) {
  const auto& h = curve.hours;
  const auto& p = curve.probability;
  if (h.empty()) {
    return absl::InvalidArgumentError("the recovery curve needs at least one anchor (hours, probability)");
  }
  if (h.size() != p.size()) {
    return absl::InvalidArgumentError(absl::StrCat("the recovery curve has ", h.size(),
                                                   " hours but ", p.size(), " probabilities"));
  }
  for (size_t i = 0; i < h.size(); ++i) {
    if (!(h[i] >= 0 && h[i] <= std::numeric_limits<double>::max())) {
      return absl::InvalidArgumentError(absl::StrCat("recovery anchor ", i, " has hours ",
                                                     ValueText(h[i]), ": hours must be finite and >= 0"));
    }
    if (!(p[i] >= 0 && p[i] <= 1)) {
      return absl::InvalidArgumentError(absl::StrCat("recovery anchor ", i, " has probability ",
                                                     ValueText(p[i]), ": probabilities must be in [0, 1]"));
    }
    if (i > 0 && !(h[i] > h[i - 1])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "recovery anchor ", i, " has hours ", ValueText(h[i]), " after ", ValueText(h[i - 1]),
          ": anchor hours must be strictly increasing"));
    }
    if (i > 0 && p[i] > p[i - 1]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "recovery anchor ", i, " has probability ", ValueText(p[i]), " above ", ValueText(p[i - 1]),
          " at the anchor before: recoverability must not rise with time"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Recoverability> Recoverability::Create(const RecoveryCurve& curve) {
  NPSCORE_RETURN_IF_ERROR(ValidateRecoveryCurve(curve));
  Recoverability r;
  r.curve_ = curve;
  const size_t n = curve.hours.size();
  r.x_.resize(n);
  r.y_ = curve.probability;
  for (size_t i = 0; i < n; ++i) r.x_[i] = std::log1p(curve.hours[i]);
  r.slope_.assign(n, 0.0);
  if (n == 2) {
    const double d = (r.y_[1] - r.y_[0]) / (r.x_[1] - r.x_[0]);
    r.slope_ = {d, d};
  } else if (n > 2) {
    std::vector<double> h(n - 1), d(n - 1);
    for (size_t k = 0; k + 1 < n; ++k) {
      h[k] = r.x_[k + 1] - r.x_[k];
      d[k] = (r.y_[k + 1] - r.y_[k]) / h[k];
    }
    for (size_t k = 1; k + 1 < n; ++k) {
      if (d[k - 1] == 0 || d[k] == 0 || Sign(d[k - 1]) != Sign(d[k])) continue;
      // Weighted harmonic mean of the neighbouring secants (Fritsch-Butland).
      const double w1 = 2 * h[k] + h[k - 1];
      const double w2 = h[k] + 2 * h[k - 1];
      r.slope_[k] = (w1 + w2) / (w1 / d[k - 1] + w2 / d[k]);
    }
    r.slope_[0] = EdgeSlope(h[0], h[1], d[0], d[1]);
    r.slope_[n - 1] = EdgeSlope(h[n - 2], h[n - 3], d[n - 2], d[n - 3]);
  }
  return r;
}

double Recoverability::operator()(double hours) const {
  if (hours != hours) return kNaN;
  const double x = std::log1p(std::max(hours, 0.0));
  const size_t n = x_.size();
  if (x <= x_[0]) return y_[0];
  if (x >= x_[n - 1]) return y_[n - 1];
  // The interval [x_[k], x_[k+1]) holding x: a linear scan over the usual
  // few knots, a binary search over many.
  size_t k = 0;
  if (n <= 16) {
    while (x >= x_[k + 1]) ++k;
  } else {
    k = static_cast<size_t>(std::upper_bound(x_.begin(), x_.end(), x) - x_.begin()) - 1;
  }
  const double h = x_[k + 1] - x_[k];
  const double t = (x - x_[k]) / h;
  const double t2 = t * t, t3 = t2 * t;
  const double p = (2 * t3 - 3 * t2 + 1) * y_[k] + (t3 - 2 * t2 + t) * h * slope_[k] +
                   (-2 * t3 + 3 * t2) * y_[k + 1] + (t3 - t2) * h * slope_[k + 1];
  // Rounding can step a hair outside the anchors' range: clamp to it.
  return std::min(std::max(p, y_[k + 1]), y_[k]);
}

absl::StatusOr<std::vector<double>> RecoverabilityAt(absl::Span<const double> hours,
                                                     const RecoveryCurve& curve) {
  NPSCORE_ASSIGN_OR_RETURN(const Recoverability r, Recoverability::Create(curve));
  std::vector<double> out(hours.size());
  for (size_t i = 0; i < hours.size(); ++i) {
    const double h = hours[i];
    if (!(h >= 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "hours at row ", i, " is ", ValueText(h), ": hours since the response must be >= 0"));
    }
    out[i] = r(h);
  }
  return out;
}

// --- The contact queue -------------------------------------------------------------

namespace {

// One ranked candidate. Better() is the queue order: a strict total order
// (the row breaks every remaining tie).
struct Key {
  int play;  // 0 recover, 1 make_it_a_10, 2 advocacy, 3 no segment
  double priority;
  double risk;
  int64_t deadline;  // INT64_MAX without response times
  int64_t row;
};

inline bool Better(const Key& a, const Key& b) {
  if (a.play != b.play) return a.play < b.play;
  if (a.priority != b.priority) return a.priority > b.priority;
  if (a.risk != b.risk) return a.risk > b.risk;
  if (a.deadline != b.deadline) return a.deadline < b.deadline;
  return a.row < b.row;
}

absl::Status CheckRisk(double p, size_t row) {
  if (p >= 0 && p <= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("churn_risk at row ", row, " is ", ValueText(p),
                                                 ": churn risk must be a probability in [0, 1]"));
}

absl::Status CheckClv(double v, size_t row) {
  if (v >= 0 && v <= std::numeric_limits<double>::max()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("clv at row ", row, " is ", ValueText(v),
                                                 ": CLV must be finite and >= 0"));
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_add_overflow(a, b, &out)) return b > 0 ? INT64_MAX : INT64_MIN + 1;
  return out;
}

using internal::PlayIndex;

// The state of a case at `now`.
enum class CaseState { kQueued, kContacted, kClosed, kMissed };

// Per-row figures derived from the validated inputs.
struct RowFigures {
  double risk = 0, hours = 0, recoverability = 0, expected = 0, urgency = 0, priority = 0;
  int64_t deadline = 0;
  int play = 3;
  int8_t segment = kNoSegment;
  CaseState state = CaseState::kQueued;
  bool due = false, within_sla = false;  // detractor SLA bookkeeping
};

class Ranker {
 public:
  Ranker(const PriorityInput& in, const PriorityOptions& opt, const Recoverability& curve,
         double window_hours)
      : in_(in), opt_(opt), curve_(curve), window_hours_(window_hours),
        timed_(!in.responded_at.empty()) {
    const double sla[4] = {opt.sla_hours, opt.passive_sla_hours, opt.promoter_sla_hours,
                           opt.sla_hours};
    for (int k = 0; k < 4; ++k) sla_ns_[k] = static_cast<int64_t>(sla[k] * kNanosPerHour);
  }

  // Validates row i and derives its figures.
  absl::Status Figures(size_t i, RowFigures* f) const {
    const double p = in_.churn_risk.data()[i];
    const double v = in_.clv.data()[i];
    NPSCORE_RETURN_IF_ERROR(CheckRisk(p, i));
    NPSCORE_RETURN_IF_ERROR(CheckClv(v, i));
    f->segment = kNoSegment;
    if (!in_.segment.empty()) {
      const int8_t s = in_.segment.data()[i];
      if (!((s >= -1 && s <= 1) || s == kNoSegment)) return SegmentError(i, s);
      f->segment = s;
    }
    f->play = PlayIndex(f->segment);
    const bool promoter = f->play == 2;
    f->risk = p * v;
    f->state = CaseState::kQueued;
    f->due = f->within_sla = false;
    if (!in_.closed.empty() && in_.closed.data()[i] != 0) f->state = CaseState::kClosed;
    if (timed_) {
      const int64_t t = in_.responded_at.data()[i];
      if (t == INT64_MIN || t > in_.now) return TimeError(i, t);
      int64_t diff;
      const double hours = __builtin_sub_overflow(in_.now, t, &diff)
                               ? (static_cast<double>(in_.now) - static_cast<double>(t)) / kNanosPerHour
                               : static_cast<double>(diff) / kNanosPerHour;
      f->hours = hours;
      f->deadline = SaturatingAdd(t, sla_ns_[f->play]);
      const internal::CaseFigures fig =
          internal::FiguresOfCase(promoter, p, v, hours, curve_, opt_.urgency_hours);
      f->recoverability = fig.recoverability;
      f->expected = fig.expected;
      f->urgency = fig.urgency;
      f->priority = fig.priority;
      bool contacted = false;
      if (!in_.contacted_at.empty()) {
        const int64_t c = in_.contacted_at.data()[i];
        if (c != INT64_MIN) {
          if (c < t) {
            return absl::InvalidArgumentError(absl::StrCat(
                "contacted_at at row ", i, " is ", c, " ns, before responded_at (", t,
                " ns): a contact answers a response, so it cannot come first"));
          }
          contacted = c <= in_.now;
          if (f->play == 0 && contacted) {
            f->due = true;
            f->within_sla = c <= f->deadline;
          }
        }
      }
      if (f->play == 0 && !f->due && in_.now > f->deadline) f->due = true;
      if (f->state == CaseState::kClosed) {
        f->due = f->within_sla = false;  // closed by other means: outside the SLA count
      } else {
        if (contacted) f->state = CaseState::kContacted;
        else if (!(hours < window_hours_)) f->state = CaseState::kMissed;
      }
    } else {
      f->hours = kNaN;
      f->recoverability = promoter ? kNaN : 1.0;
      f->expected = promoter ? kNaN : f->risk;
      f->urgency = promoter ? kNaN : 1.0;
      f->priority = promoter ? v : f->risk;
      f->deadline = INT64_MIN;
    }
    return absl::OkStatus();
  }

  Key KeyOf(const RowFigures& f, size_t i) const {
    return {f.play, f.priority, f.risk, timed_ ? f.deadline : INT64_MAX, static_cast<int64_t>(i)};
  }

  bool timed() const { return timed_; }

 private:
  static absl::Status SegmentError(size_t i, int8_t s) {
    return absl::InvalidArgumentError(absl::StrCat(
        "segment at row ", i, " is ", static_cast<int>(s),
        ": segment codes are -1 (detractor), 0 (passive), 1 (promoter) or unknown"));
  }

  absl::Status TimeError(size_t i, int64_t t) const {
    if (t == INT64_MIN) {
      return absl::InvalidArgumentError(absl::StrCat(
          "responded_at at row ", i, " is missing (NaT): every ranked customer needs a response time"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "responded_at at row ", i, " is ", t, " ns, after now (", in_.now,
        " ns): the response cannot be later than the time of the queue"));
  }

  const PriorityInput& in_;
  const PriorityOptions& opt_;
  const Recoverability& curve_;
  double window_hours_;
  int64_t sla_ns_[4];
  bool timed_;
};

struct MissedKey {
  double risk;
  int64_t row;
};

struct ChunkResult {
  std::vector<Key> keys;  // every queued case of the chunk
  std::vector<MissedKey> missed;
  double risk = 0;
  int64_t queued[4] = {0, 0, 0, 0}, contacted[4] = {0, 0, 0, 0}, closed[4] = {0, 0, 0, 0},
          missed_n[4] = {0, 0, 0, 0};
  int64_t due = 0, within = 0;
};

absl::Status CheckHours(double v, const char* name) {
  if (v > 0 && v <= 1e6) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is ", ValueText(v), ": it must be in (0, 1e6]"));
}

}  // namespace

absl::StatusOr<PriorityQueue> Prioritize(const PriorityInput& input,
                                         const PriorityOptions& options) {
  const size_t n = input.churn_risk.size();
  if (input.clv.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("clv has ", input.clv.size(),
                                                   " rows but churn_risk has ", n));
  }
  if (!input.segment.empty() && input.segment.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("segment has ", input.segment.size(),
                                                   " rows but churn_risk has ", n));
  }
  if (!input.responded_at.empty() && input.responded_at.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("responded_at has ", input.responded_at.size(),
                                                   " rows but churn_risk has ", n));
  }
  if (!input.contacted_at.empty()) {
    if (input.contacted_at.size() != n) {
      return absl::InvalidArgumentError(absl::StrCat("contacted_at has ", input.contacted_at.size(),
                                                     " rows but churn_risk has ", n));
    }
    if (input.responded_at.empty() && n > 0) {
      return absl::InvalidArgumentError("contacted_at needs responded_at: a contact is timed against the response");
    }
  }
  if (!input.closed.empty() && input.closed.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("closed has ", input.closed.size(),
                                                   " rows but churn_risk has ", n));
  }
  // 1e6 hours (114 years) keeps the deadline arithmetic far from overflow.
  NPSCORE_RETURN_IF_ERROR(CheckHours(options.sla_hours, "sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckHours(options.passive_sla_hours, "passive_sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckHours(options.promoter_sla_hours, "promoter_sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckHours(options.urgency_hours, "urgency_hours"));
  if (!(options.window_hours == -1 || options.window_hours == std::numeric_limits<double>::infinity() ||
        (options.window_hours > 0 && options.window_hours <= 1e6))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "window_hours is ", ValueText(options.window_hours),
        ": it must be -1 (the curve's last anchor), in (0, 1e6], or +infinity (no window)"));
  }
  if (input.now == INT64_MIN && !input.responded_at.empty()) {
    return absl::InvalidArgumentError("now is missing (NaT)");
  }
  for (size_t j = 0; j < options.capacities.size(); ++j) {
    if (options.capacities[j] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("capacity of owner ", j, " is ",
                                                     options.capacities[j], ": capacities must be >= 0"));
    }
  }
  if (options.capacities.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat("capacities has ", options.capacities.size(),
                                                   " owners: at most 2^31 - 1"));
  }
  if (options.top == 0 || options.top < -1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "top is ", options.top, ": give the queue length (>= 1), or -1 for every customer"));
  }
  NPSCORE_RETURN_IF_ERROR(internal::CheckThreads(options.threads));
  NPSCORE_ASSIGN_OR_RETURN(const Recoverability curve, Recoverability::Create(options.recovery));
  const auto& anchors = options.recovery.hours;
  double window = options.window_hours;
  if (window == -1) {
    window = anchors.size() > 1 && anchors.back() > 0 ? anchors.back()
                                                       : std::numeric_limits<double>::infinity();
  }

  const Ranker ranker(input, options, curve, window);
  const size_t top = options.top < 0 ? n : std::min(n, static_cast<size_t>(options.top));
  const size_t chunks = internal::ThreadCount(options.threads, n, internal::kRowsPerThread, 8);
  std::vector<ChunkResult> parts(chunks);

  // Every row is validated and classified; only queued (live, open) cases
  // and missed ones are kept, which on a long history is a small share.
  NPSCORE_RETURN_IF_ERROR(internal::RunChunks(n, chunks, [&](size_t c, size_t first, size_t last) {
    ChunkResult& part = parts[c];
    double risk_sum = 0;
    RowFigures f;
    for (size_t i = first; i < last; ++i) {
      NPSCORE_RETURN_IF_ERROR(ranker.Figures(i, &f));
      risk_sum += f.risk;
      switch (f.state) {
        case CaseState::kQueued:
          ++part.queued[f.play];
          part.keys.push_back(ranker.KeyOf(f, i));
          break;
        case CaseState::kContacted: ++part.contacted[f.play]; break;
        case CaseState::kClosed: ++part.closed[f.play]; break;
        case CaseState::kMissed:
          ++part.missed_n[f.play];
          part.missed.push_back({f.risk, static_cast<int64_t>(i)});
          break;
      }
      part.due += f.due;
      part.within += f.within_sla;
    }
    part.risk = risk_sum;
    return absl::OkStatus();
  }));

  PriorityQueue q;
  q.n_rows = static_cast<int64_t>(n);
  q.window_hours = window;
  std::vector<Key> keys;
  std::vector<MissedKey> missed;
  for (auto& p : parts) {
    keys.insert(keys.end(), p.keys.begin(), p.keys.end());
    missed.insert(missed.end(), p.missed.begin(), p.missed.end());
    q.total_revenue_at_risk += p.risk;
    for (int k = 0; k < 4; ++k) {
      q.queued[k] += p.queued[k];
      q.contacted[k] += p.contacted[k];
      q.closed[k] += p.closed[k];
      q.missed[k] += p.missed_n[k];
    }
    q.detractors_due += p.due;
    q.detractors_within_sla += p.within;
  }
  // Each play's best `top`: keys sorted play first, then cut per play.
  std::sort(keys.begin(), keys.end(), Better);
  if (top < keys.size()) {
    size_t out = 0, in_play = 0;
    for (size_t k = 0; k < keys.size(); ++k) {
      in_play = (k > 0 && keys[k].play == keys[k - 1].play) ? in_play + 1 : 0;
      if (in_play < top) keys[out++] = keys[k];
    }
    keys.resize(out);
  }
  std::sort(missed.begin(), missed.end(), [](const MissedKey& a, const MissedKey& b) {
    return a.risk != b.risk ? a.risk > b.risk : a.row < b.row;
  });

  const size_t m = keys.size();
  q.row.resize(m);
  q.revenue_at_risk.resize(m);
  q.hours_since_response.resize(m);
  q.recoverability.resize(m);
  q.expected_recoverable.resize(m);
  q.urgency.resize(m);
  q.priority.resize(m);
  q.deadline.resize(m);
  q.overdue.resize(m);
  q.segment.resize(m);
  q.owner.assign(m, -1);
  RowFigures f;
  for (size_t k = 0; k < m; ++k) {
    const size_t i = static_cast<size_t>(keys[k].row);
    NPSCORE_RETURN_IF_ERROR(ranker.Figures(i, &f));  // validated already: cannot fail
    q.row[k] = keys[k].row;
    q.revenue_at_risk[k] = f.risk;
    q.hours_since_response[k] = f.hours;
    q.recoverability[k] = f.recoverability;
    q.expected_recoverable[k] = f.expected;
    q.urgency[k] = f.urgency;
    q.priority[k] = f.priority;
    q.deadline[k] = f.deadline;
    q.overdue[k] = ranker.timed() && input.now > f.deadline ? 1 : 0;
    q.segment[k] = f.segment;
  }
  q.missed_row.resize(missed.size());
  q.missed_segment.resize(missed.size());
  q.missed_revenue_at_risk.resize(missed.size());
  for (size_t k = 0; k < missed.size(); ++k) {
    const size_t i = static_cast<size_t>(missed[k].row);
    q.missed_row[k] = missed[k].row;
    q.missed_revenue_at_risk[k] = missed[k].risk;
    q.missed_segment[k] = input.segment.empty() ? kNoSegment : input.segment.data()[i];
  }

  // Assignment: the owner with the most capacity left, first listed on ties.
  if (!options.capacities.empty()) {
    using Slot = std::pair<int64_t, int32_t>;  // (capacity left, -owner)
    std::priority_queue<Slot> open;
    for (size_t j = 0; j < options.capacities.size(); ++j) {
      if (options.capacities[j] > 0) open.push({options.capacities[j], -static_cast<int32_t>(j)});
    }
    for (size_t k = 0; k < m && !open.empty(); ++k) {
      Slot s = open.top();
      open.pop();
      q.owner[k] = -s.second;
      if (--s.first > 0) open.push(s);
    }
  }
  return q;
}

const char* PlayName(int8_t segment) {
  switch (segment) {
    case -1: return "recover";
    case 0: return "make_it_a_10";
    case 1: return "advocacy";
    default: return "";
  }
}

const char* PlayScript(int8_t segment) {
  switch (segment) {
    case -1:
      return "Call personally: acknowledge and apologise, diagnose the root cause (\"What went wrong?\"), "
             "present a solution plan with a timeline, close the loop once fixed";
    case 0:
      return "Ask \"What would make it a 10?\", fix one friction, re-engage personally";
    case 1:
      return "Thank them, ask for a review, referral or case study, invite to betas and advisory boards";
    default:
      return "";
  }
}

// --- Revenue at risk by group ------------------------------------------------------

absl::StatusOr<RevenueAtRiskTable> RevenueAtRisk(absl::Span<const double> churn_risk,
                                                 absl::Span<const double> clv,
                                                 absl::Span<const int32_t> codes,
                                                 int32_t n_groups) {
  const size_t n = churn_risk.size();
  if (clv.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("clv has ", clv.size(), " rows but churn_risk has ", n));
  }
  const bool grouped = !codes.empty();
  if (grouped && codes.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat("codes has ", codes.size(), " rows but churn_risk has ", n));
  }
  if (!grouped) n_groups = 1;
  if (n_groups < 0 || n_groups > kMaxRiskGroups) {
    return absl::InvalidArgumentError(absl::StrCat("n_groups is ", n_groups, ": it must be in 0..",
                                                   kMaxRiskGroups, " (kMaxRiskGroups)"));
  }
  RevenueAtRiskTable t;
  const size_t g = static_cast<size_t>(n_groups);
  t.customers.assign(g, 0);
  t.clv.assign(g, 0.0);
  t.revenue_at_risk.assign(g, 0.0);
  t.expected_churners.assign(g, 0.0);
  for (size_t i = 0; i < n; ++i) {
    NPSCORE_RETURN_IF_ERROR(CheckRisk(churn_risk[i], i));
    NPSCORE_RETURN_IF_ERROR(CheckClv(clv[i], i));
    const int32_t c = grouped ? codes[i] : 0;
    if (c == -1) continue;
    if (c < 0 || c >= n_groups) {
      return absl::InvalidArgumentError(absl::StrCat("group code at row ", i, " is ", c,
                                                     ": codes must be in [0, ", n_groups, ") or -1"));
    }
    ++t.customers[c];
    t.clv[c] += clv[i];
    t.revenue_at_risk[c] += churn_risk[i] * clv[i];
    t.expected_churners[c] += churn_risk[i];
  }
  t.mean_churn_risk.resize(g);
  t.share_of_risk.resize(g);
  t.risk_rate.resize(g);
  for (size_t k = 0; k < g; ++k) {
    t.mean_churn_risk[k] = t.customers[k] > 0
                               ? t.expected_churners[k] / static_cast<double>(t.customers[k])
                               : kNaN;
    t.risk_rate[k] = t.clv[k] > 0 ? t.revenue_at_risk[k] / t.clv[k] : kNaN;
    t.total_clv += t.clv[k];
    t.total_revenue_at_risk += t.revenue_at_risk[k];
  }
  for (size_t k = 0; k < g; ++k) {
    t.share_of_risk[k] =
        t.total_revenue_at_risk > 0 ? t.revenue_at_risk[k] / t.total_revenue_at_risk : kNaN;
  }
  return t;
}

}  // namespace npscore
