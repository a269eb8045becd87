// Closing the loop (npscore/loop.h): response-time metrics of a case log and
// the recovery curve learned from its outcomes.

#include "npscore/loop.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "npscore/health.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"
#include "src/internal/two_sample.h"
#include "src/internal/wilson.h"

namespace npscore {
namespace {

constexpr double kNanosPerHour = 3.6e12;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A time as "2025-03-01 12:00:00 UTC" for error messages.
std::string TimeText(int64_t t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E*S UTC", absl::FromUnixNanos(t), absl::UTCTimeZone());
}

// Nanoseconds from `from` to `to` (to >= from), exact whatever the values.
uint64_t Elapsed(int64_t from, int64_t to) {
  return static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
}

double Hours(uint64_t ns) { return static_cast<double>(ns) / kNanosPerHour; }

// The Wilson score interval of k successes in n trials at critical value z
// (NaN for n = 0).
void Wilson(int64_t k, int64_t n, double z, double* low, double* high) {
  internal::WilsonInterval(static_cast<double>(k), static_cast<double>(n), z, low, high);
}

absl::Status CheckConfidence(double confidence) {
  if (confidence > 0 && confidence < 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "confidence is ", internal::ValueText(confidence), ": it must be in (0, 1), e.g. 0.95"));
}

absl::Status CheckSla(double hours, absl::string_view name) {
  if (hours > 0 && hours <= kMaxLoopHours) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is ", internal::ValueText(hours),
                                                 ": an SLA is in (0, ",
                                                 static_cast<int64_t>(kMaxLoopHours), "] hours"));
}

absl::Status CheckLength(size_t got, size_t n, absl::string_view name) {
  if (got == 0 || got == n) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, " has ", got, " rows but opened_at has ", n, ": one entry per case"));
}

// A time of row i that must not come before the opening (kMissingTime passes).
absl::Status CheckAfterOpening(absl::Span<const int64_t> times, absl::Span<const int64_t> opened,
                               absl::string_view name, absl::string_view why) {
  for (size_t i = 0; i < times.size(); ++i) {
    if (times[i] != kMissingTime && times[i] < opened[i]) {
      return absl::InvalidArgumentError(absl::StrCat(name, " at row ", i, " is ",
                                                     TimeText(times[i]), ", before opened_at (",
                                                     TimeText(opened[i]), "): ", why));
    }
  }
  return absl::OkStatus();
}

// Checks the columns of the log that every function reads.
absl::Status ValidateTimes(const CaseLog& log) {
  const size_t n = log.opened_at.size();
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.first_contact_at.size(), n, "first_contact_at"));
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.closed_at.size(), n, "closed_at"));
  for (size_t i = 0; i < n; ++i) {
    if (log.opened_at[i] == kMissingTime) {
      return absl::InvalidArgumentError(absl::StrCat(
          "opened_at at row ", i, " is missing (NaT): every case has an opening time"));
    }
  }
  NPSCORE_RETURN_IF_ERROR(CheckAfterOpening(
      log.first_contact_at, log.opened_at, "first_contact_at",
      "a first contact answers an open case, so it cannot come first"));
  return CheckAfterOpening(log.closed_at, log.opened_at, "closed_at",
                           "a case cannot close before it opens");
}

// Checks the optional group codes: in [-1, n_groups), n_groups in
// 0..kMaxLoopGroups, and 0 without codes.
absl::Status CheckGroups(const CaseLog& log) {
  const size_t n = log.opened_at.size();
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.group.size(), n, "group"));
  if (log.n_groups < 0 || log.n_groups > kMaxLoopGroups) {
    return absl::InvalidArgumentError(absl::StrCat("n_groups is ", log.n_groups,
                                                   ": it must be in 0..", kMaxLoopGroups));
  }
  if (log.group.empty() && log.n_groups != 0 && n > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "n_groups is ", log.n_groups, " but no group codes are given: pass the codes, or 0"));
  }
  for (size_t i = 0; i < log.group.size(); ++i) {
    if (log.group[i] < -1 || log.group[i] >= log.n_groups) {
      return absl::InvalidArgumentError(
          absl::StrCat("group at row ", i, " is ", log.group[i], ": codes are in 0..",
                       log.n_groups - 1, ", or -1 to leave the case out"));
    }
  }
  return absl::OkStatus();
}

// One case's time to first contact for the Kaplan-Meier estimate.
struct ContactTime {
  int32_t group;
  double hours;  // event or censoring time; +inf for never
  bool event;    // contacted at `hours`; else censored (pending, or never)
};

// The lower quantiles q[0..1] of the Kaplan-Meier estimate over `cases`
// (sorted by hours): the first event time at which the estimated share
// contacted reaches q; +inf if it never does, NaN for no cases.
void KaplanMeierQuantiles(absl::Span<const ContactTime> cases, const double (&q)[2],
                          double (&out)[2]) {
  out[0] = out[1] = cases.empty() ? kNaN : kInf;
  double at_risk = static_cast<double>(cases.size());
  double survival = 1;
  size_t i = 0;
  while (i < cases.size() && cases[i].hours < kInf) {
    const double t = cases[i].hours;
    double events = 0, censored = 0;
    for (; i < cases.size() && cases[i].hours == t; ++i) (cases[i].event ? events : censored) += 1;
    if (events > 0) {
      survival *= 1 - events / at_risk;
      for (int k = 0; k < 2; ++k) {
        // The tolerance absorbs the rounding of the product (2/4 = 1 - 3/4 x 2/3).
        if (std::isinf(out[k]) && 1 - survival >= q[k] - 1e-12) out[k] = t;
      }
    }
    at_risk -= events + censored;
  }
}

// The lower quantile q of `v` (reordered): the smallest value with at least
// a share q of the values at or below it.
double LowerQuantile(std::vector<double>& v, double q) {
  if (v.empty()) return kNaN;
  const size_t k = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Accumulates the metrics of one group case by case, then finishes them.
struct GroupAccumulator {
  LoopGroupMetrics m;
  std::vector<double> backlog_ages;

  void Finish(absl::Span<const ContactTime> sorted, double z) {
    const double q[2] = {0.5, 0.9};
    double quantiles[2];
    KaplanMeierQuantiles(sorted, q, quantiles);
    m.median_hours_to_contact = quantiles[0];
    m.p90_hours_to_contact = quantiles[1];
    m.sla_share = m.sla_due > 0 ? static_cast<double>(m.sla_met) / m.sla_due : kNaN;
    Wilson(m.sla_met, m.sla_due, z, &m.sla_ci_low, &m.sla_ci_high);
    m.backlog_max_age_hours =
        backlog_ages.empty() ? kNaN : *std::max_element(backlog_ages.begin(), backlog_ages.end());
    m.backlog_median_age_hours = LowerQuantile(backlog_ages, 0.5);
  }
};

}  // namespace

absl::StatusOr<LoopMetricsTable> LoopMetrics(const CaseLog& log, int64_t as_of,
                                             const LoopMetricsOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckSla(options.sla_hours, "sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckConfidence(options.confidence));
  if (as_of == kMissingTime) {
    return absl::InvalidArgumentError("as_of is missing (NaT): the metrics are as of a time");
  }
  const size_t n = log.opened_at.size();
  NPSCORE_RETURN_IF_ERROR(ValidateTimes(log));
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.sla_hours.size(), n, "sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckGroups(log));
  for (size_t i = 0; i < log.sla_hours.size(); ++i) {
    NPSCORE_RETURN_IF_ERROR(CheckSla(log.sla_hours[i], absl::StrCat("sla_hours at row ", i)));
  }

  const double z = -NormalQuantile((1 - options.confidence) / 2);
  const uint64_t default_sla_ns = static_cast<uint64_t>(options.sla_hours * kNanosPerHour);
  LoopMetricsTable table;
  std::vector<GroupAccumulator> acc(static_cast<size_t>(log.n_groups));
  GroupAccumulator all;
  std::vector<ContactTime> times;
  times.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const int32_t g = log.group.empty() ? 0 : log.group[i];
    if (g < 0) {
      ++table.left_out;
      continue;
    }
    const int64_t opened = log.opened_at[i];
    if (opened > as_of) {
      ++table.opened_after_as_of;
      continue;
    }
    const int64_t contact = log.first_contact_at.empty() ? kMissingTime : log.first_contact_at[i];
    const int64_t closed = log.closed_at.empty() ? kMissingTime : log.closed_at[i];
    const bool contacted = contact != kMissingTime && contact <= as_of;
    const bool is_closed = closed != kMissingTime && closed <= as_of;
    const uint64_t age_ns = Elapsed(opened, as_of);
    const uint64_t sla_ns = log.sla_hours.empty()
                                ? default_sla_ns
                                : static_cast<uint64_t>(log.sla_hours[i] * kNanosPerHour);
    ContactTime t{g, kInf, false};
    if (contacted) t = {g, Hours(Elapsed(opened, contact)), true};
    if (!contacted && !is_closed) t.hours = Hours(age_ns);  // pending: censored at its age
    times.push_back(t);
    for (GroupAccumulator* a : {&all, log.group.empty() ? nullptr : &acc[g]}) {
      if (a == nullptr) continue;
      LoopGroupMetrics& m = a->m;
      ++m.cases;
      if (contacted) {
        ++m.contacted;
      } else if (is_closed) {
        ++m.never_contacted;
      } else {
        ++m.backlog;
        a->backlog_ages.push_back(Hours(age_ns));
      }
      if (contacted || age_ns > sla_ns) {
        ++m.sla_due;
        if (contacted && Elapsed(opened, contact) <= sla_ns) ++m.sla_met;
      }
    }
  }
  auto by_hours = [](const ContactTime& a, const ContactTime& b) { return a.hours < b.hours; };
  std::sort(times.begin(), times.end(), by_hours);
  all.Finish(times, z);
  table.all = all.m;
  if (!log.group.empty()) {
    std::stable_sort(times.begin(), times.end(),
                     [](const ContactTime& a, const ContactTime& b) { return a.group < b.group; });
    size_t begin = 0;
    for (size_t g = 0; g < acc.size(); ++g) {
      size_t end = begin;
      while (end < times.size() && times[end].group == static_cast<int32_t>(g)) ++end;
      acc[g].Finish(absl::MakeConstSpan(times).subspan(begin, end - begin), z);
      begin = end;
    }
  }
  table.groups.reserve(acc.size());
  for (GroupAccumulator& a : acc) table.groups.push_back(a.m);
  return table;
}

std::vector<double> DefaultRecoveryBinEdges() {
  return {1, 2, 4, 8, 16, 24, 36, 48, 72, 96, 120, 168};
}

IsotonicFit NonIncreasingFit(absl::Span<const double> y, absl::Span<const double> w) {
  struct Block {
    double sum_wy, sum_w;
    size_t begin;
  };
  std::vector<Block> stack;
  for (size_t i = 0; i < y.size(); ++i) {
    stack.push_back({w[i] * y[i], w[i], i});
    // A block whose mean exceeds the one before it violates the order: pool.
    while (stack.size() > 1) {
      const Block& b = stack.back();
      const Block& a = stack[stack.size() - 2];
      if (a.sum_wy / a.sum_w >= b.sum_wy / b.sum_w) break;
      const Block merged{a.sum_wy + b.sum_wy, a.sum_w + b.sum_w, a.begin};
      stack.pop_back();
      stack.back() = merged;
    }
  }
  IsotonicFit fit;
  fit.value.resize(y.size());
  fit.block.resize(y.size());
  for (size_t b = 0; b < stack.size(); ++b) {
    const size_t end = b + 1 < stack.size() ? stack[b + 1].begin : y.size();
    for (size_t i = stack[b].begin; i < end; ++i) {
      fit.value[i] = stack[b].sum_wy / stack[b].sum_w;
      fit.block[i] = static_cast<int32_t>(b);
    }
  }
  return fit;
}

RecoveryCurve LearnedRecoveryCurve::curve() const {
  RecoveryCurve c;
  c.hours.clear();
  c.probability.clear();
  for (const RecoveryBin& b : bins) {
    c.hours.push_back(b.hours);
    c.probability.push_back(b.probability);
  }
  return c;
}

absl::StatusOr<LearnedRecoveryCurve> LearnRecoveryCurve(const CaseLog& log,
                                                        const RecoveryLearningOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckConfidence(options.confidence));
  if (options.min_bin_cases < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "min_bin_cases is ", options.min_bin_cases, ": it must be at least 1 (30 by default)"));
  }
  const std::vector<double> edges =
      options.edges.empty() ? DefaultRecoveryBinEdges() : options.edges;
  if (edges.size() > static_cast<size_t>(kMaxRecoveryBinEdges)) {
    return absl::InvalidArgumentError(absl::StrCat("edges has ", edges.size(),
                                                   " entries: at most ", kMaxRecoveryBinEdges));
  }
  for (size_t j = 0; j < edges.size(); ++j) {
    if (!(edges[j] > 0 && edges[j] < kInf) || (j > 0 && !(edges[j] > edges[j - 1]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "edges[", j, "] is ", internal::ValueText(edges[j]),
          ": bin edges are finite hours > 0, strictly increasing"));
    }
  }
  const size_t n = log.opened_at.size();
  NPSCORE_RETURN_IF_ERROR(ValidateTimes(log));
  if (log.first_contact_at.empty() && n > 0) {
    return absl::InvalidArgumentError(
        "first_contact_at is not given: the curve is learned from the hours to first contact");
  }
  if (log.recovered.size() != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recovered has ", log.recovered.size(), " rows but opened_at has ", n,
        ": the curve is learned from each case's outcome (1 recovered, 0 not)"));
  }

  // Raw bins: cases, recoveries, sum of log1p(hours), and the hours' range.
  struct Raw {
    int64_t cases = 0, recovered = 0;
    double sum_log = 0, min_h = kInf, max_h = -kInf;
    size_t first = 0, last = 0;  // raw bins pooled (for the range)
  };
  std::vector<Raw> raw(edges.size() + 1);
  LearnedRecoveryCurve out;
  for (size_t i = 0; i < n; ++i) {
    const double y = log.recovered[i];
    if (std::isnan(y)) {
      if (options.missing == Missing::kSkip) {
        ++out.skipped;
        continue;
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "recovered at row ", i, " is missing (NaN): give 1 (recovered) or 0, or skip missing "
          "outcomes"));
    }
    if (y != 0 && y != 1) {
      return absl::InvalidArgumentError(absl::StrCat("recovered at row ", i, " is ",
                                                     internal::ValueText(y),
                                                     ": an outcome is 1 (recovered) or 0"));
    }
    const int64_t contact = log.first_contact_at[i];
    if (contact == kMissingTime) {
      ++out.never_contacted;
      out.never_recovered += y == 1;
      continue;
    }
    const double h = Hours(Elapsed(log.opened_at[i], contact));
    const size_t j = static_cast<size_t>(std::upper_bound(edges.begin(), edges.end(), h) -
                                         edges.begin());
    Raw& r = raw[j];
    ++r.cases;
    r.recovered += y == 1;
    r.sum_log += std::log1p(h);
    r.min_h = std::min(r.min_h, h);
    r.max_h = std::max(r.max_h, h);
    ++out.contacted;
  }
  const double z = -NormalQuantile((1 - options.confidence) / 2);
  out.never_rate = out.never_contacted > 0
                       ? static_cast<double>(out.never_recovered) / out.never_contacted
                       : kNaN;
  Wilson(out.never_recovered, out.never_contacted, z, &out.never_ci_low, &out.never_ci_high);
  if (out.contacted == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no contacted case with an outcome among ", n,
        " cases: the curve is learned from cases with a first contact"));
  }

  // Merge bins with fewer than min_bin_cases into the next (the last into the
  // one before): this reads the hours only, so each bin's count of
  // recoveries stays binomial given the hours.
  std::vector<Raw> bins;
  Raw current;
  bool open = false;
  for (size_t j = 0; j < raw.size(); ++j) {
    const Raw& r = raw[j];
    if (r.cases == 0) continue;
    if (!open) {
      current = Raw{};
      current.first = j;
      open = true;
    }
    current.cases += r.cases;
    current.recovered += r.recovered;
    current.sum_log += r.sum_log;
    current.min_h = std::min(current.min_h, r.min_h);
    current.max_h = std::max(current.max_h, r.max_h);
    current.last = j;
    if (current.cases >= options.min_bin_cases) {
      bins.push_back(current);
      open = false;
    }
  }
  if (open) {
    if (bins.empty()) {
      bins.push_back(current);
    } else {
      Raw& b = bins.back();
      b.cases += current.cases;
      b.recovered += current.recovered;
      b.sum_log += current.sum_log;
      b.max_h = std::max(b.max_h, current.max_h);
      b.last = current.last;
    }
  }

  std::vector<double> rate(bins.size()), weight(bins.size());
  for (size_t b = 0; b < bins.size(); ++b) {
    rate[b] = static_cast<double>(bins[b].recovered) / bins[b].cases;
    weight[b] = static_cast<double>(bins[b].cases);
  }
  const IsotonicFit fit = NonIncreasingFit(rate, weight);
  out.blocks = bins.empty() ? 0 : fit.block.back() + 1;
  NPSCORE_ASSIGN_OR_RETURN(const Recoverability standard, Recoverability::Create());
  out.bins.resize(bins.size());
  for (size_t b = 0; b < bins.size(); ++b) {
    const Raw& r = bins[b];
    RecoveryBin& o = out.bins[b];
    o.lower_hours = r.first == 0 ? 0.0 : edges[r.first - 1];
    o.upper_hours = r.last < edges.size() ? edges[r.last] : kInf;
    // Clamped to the bin's own hours, so anchors stay strictly increasing
    // whatever the rounding of expm1(log1p(h)).
    o.hours = std::clamp(std::expm1(r.sum_log / r.cases), r.min_h, r.max_h);
    o.cases = r.cases;
    o.recovered = r.recovered;
    o.rate = rate[b];
    o.block = fit.block[b];
    o.probability = fit.value[b];  // the block's share, as PAVA compared it
    // The bin's own Wilson interval, stretched to hold the fit: the bin's
    // count is binomial given the hours whatever the pooling did, whereas a
    // pooled block's interval ignores that the pooling looked at the
    // outcomes (measured: 0.935-0.939 at 95%; docs/loop.md).
    Wilson(r.recovered, r.cases, z, &o.ci_low, &o.ci_high);
    o.ci_low = std::min(o.ci_low, o.probability);
    o.ci_high = std::max(o.ci_high, o.probability);
    o.default_probability = standard(o.hours);
  }
  return out;
}

// --- Conversion and program ROI ----------------------------------------------------

namespace {

// A difference of two proportions k1/n1 - k2/n2 with Newcombe's hybrid
// score interval (Newcombe 1998, method 10: the Wilson intervals (l, u) of
// each share combined as d - sqrt((p1 - l1)^2 + (u2 - p2)^2), d +
// sqrt((u1 - p1)^2 + (p2 - l2)^2)) and the two-sided p-value of the nps
// module's share test. NaN throughout when an arm is empty.
struct ShareDifference {
  double difference = kNaN, ci_low = kNaN, ci_high = kNaN, p_value = kNaN;
};

ShareDifference CompareShares(int64_t k1, int64_t n1, int64_t k2, int64_t n2, double z) {
  ShareDifference d;
  if (n1 <= 0 || n2 <= 0) return d;
  const double p1 = static_cast<double>(k1) / n1, p2 = static_cast<double>(k2) / n2;
  double l1, u1, l2, u2;
  Wilson(k1, n1, z, &l1, &u1);
  Wilson(k2, n2, z, &l2, &u2);
  d.difference = p1 - p2;
  // sqrt(x^2 + y^2), not std::hypot: the terms are at most 1, and hypot's
  // GLIBC_2.35 symbol would raise the wheel's manylinux floor (docs/install.md).
  d.ci_low = d.difference - std::sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
  d.ci_high = d.difference + std::sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
  d.p_value = internal::ShareChangeP(k1, n1, k2, n2);
  return d;
}

// The variance of k1/n1 - k2/n2 with one success and one failure added to
// each arm (Agresti and Caffo 2000): never zero, so a band where an arm
// churned not at all does not claim certainty.
double AdjustedDifferenceVariance(int64_t k1, int64_t n1, int64_t k2, int64_t n2) {
  const double a = (k1 + 1.0) / (n1 + 2.0), b = (k2 + 1.0) / (n2 + 2.0);
  return a * (1 - a) / (n1 + 2.0) + b * (1 - b) / (n2 + 2.0);
}

// A column that must be given, one entry per case.
absl::Status CheckRequired(size_t got, size_t n, absl::string_view name, absl::string_view why) {
  if (got == n) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(name, " has ", got, " rows but opened_at has ", n, ": ", why));
}

// The segment index (0 detractor, 1 passive, 2 promoter) of a score of
// column `name` at row i, or an error; -1 for a missing (NaN) score.
absl::StatusOr<int> ScoreSegment(double x, size_t i, absl::string_view name,
                                 const Cutoffs& cutoffs) {
  if (std::isnan(x)) return -1;
  if (!internal::IsValidScore(x, static_cast<double>(cutoffs.scale_max))) {
    const bool in_range = x >= 0 && x <= cutoffs.scale_max;
    return absl::InvalidArgumentError(absl::StrCat(
        name, " at row ", i, " is ", internal::ValueText(x),
        in_range ? ": scores must be whole numbers"
                 : absl::StrCat(": outside the scale 0..", cutoffs.scale_max)));
  }
  return internal::SegmentIndex(x, static_cast<double>(cutoffs.detractor_max),
                                static_cast<double>(cutoffs.passive_max));
}

void FinishArm(ConversionArm& a, double z) {
  a.answered = a.cases - a.no_next_answer;
  a.share = a.answered > 0 ? static_cast<double>(a.converted) / a.answered : kNaN;
  Wilson(a.converted, a.answered, z, &a.ci_low, &a.ci_high);
}

void FinishRow(ConversionRow& r, ConversionFrom from, double z) {
  r.from = from;
  FinishArm(r.contacted, z);
  FinishArm(r.not_contacted, z);
  const ShareDifference d = CompareShares(r.contacted.converted, r.contacted.answered,
                                          r.not_contacted.converted, r.not_contacted.answered, z);
  r.difference = d.difference;
  r.ci_low = d.ci_low;
  r.ci_high = d.ci_high;
  r.p_value = d.p_value;
}

// A value of column `name` at row i that must be 0 or 1.
absl::Status CheckZeroOne(double v, size_t i, absl::string_view name, absl::string_view what) {
  if (v == 0 || v == 1) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " at row ", i, " is ",
                                                 internal::ValueText(v), ": ", what));
}

// The error for a missing value of column `name` at row i.
absl::Status MissingValue(absl::string_view name, size_t i, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      name, " at row ", i, " is missing (NaN): ", what,
      ", or skip cases with missing values (Python: missing=\"skip\", C: NPSCORE_MISSING_SKIP)"));
}

}  // namespace

absl::StatusOr<ConversionTable> Conversion(const CaseLog& log, const ConversionOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(options.cutoffs));
  NPSCORE_RETURN_IF_ERROR(CheckConfidence(options.confidence));
  const size_t n = log.opened_at.size();
  NPSCORE_RETURN_IF_ERROR(ValidateTimes(log));
  NPSCORE_RETURN_IF_ERROR(CheckGroups(log));
  NPSCORE_RETURN_IF_ERROR(CheckRequired(log.score.size(), n, "score",
                                        "conversion starts from the answer that opened each case"));
  NPSCORE_RETURN_IF_ERROR(CheckRequired(log.next_score.size(), n, "next_score",
                                        "conversion is read from each customer's next answer "
                                        "(NaN: none yet)"));
  ConversionTable t;
  t.groups.resize(static_cast<size_t>(log.n_groups) * kConversionRows);
  for (size_t i = 0; i < n; ++i) {
    NPSCORE_ASSIGN_OR_RETURN(const int from, ScoreSegment(log.score[i], i, "score",
                                                          options.cutoffs));
    NPSCORE_ASSIGN_OR_RETURN(const int to, ScoreSegment(log.next_score[i], i, "next_score",
                                                        options.cutoffs));
    if (from < 0 && options.missing == Missing::kError) {
      return MissingValue("score", i, "give the answer that opened the case");
    }
    const int32_t g = log.group.empty() ? 0 : log.group[i];
    if (g < 0) {
      ++t.left_out;
      continue;
    }
    if (from < 0) {
      ++t.skipped;
      continue;
    }
    if (from == 2) {
      ++t.promoters;
      continue;
    }
    const bool contacted = !log.first_contact_at.empty() && log.first_contact_at[i] != kMissingTime;
    for (int k : {from, 2}) {  // its own row and "both"
      ConversionRow* rows[2] = {&t.all[k],
                                log.group.empty() ? nullptr : &t.groups[g * kConversionRows + k]};
      for (ConversionRow* r : rows) {
        if (r == nullptr) continue;
        ConversionArm& a = contacted ? r->contacted : r->not_contacted;
        ++a.cases;
        if (to < 0) {
          ++a.no_next_answer;
        } else if (to > from) {
          ++a.converted;
        }
      }
    }
  }
  const double z = -NormalQuantile((1 - options.confidence) / 2);
  for (size_t r = 0; r < t.groups.size(); ++r) {
    FinishRow(t.groups[r], static_cast<ConversionFrom>(r % kConversionRows), z);
  }
  for (int k = 0; k < kConversionRows; ++k) FinishRow(t.all[k], static_cast<ConversionFrom>(k), z);
  return t;
}

absl::StatusOr<ProgramRoiResult> ProgramRoi(const CaseLog& log, const RoiOptions& options) {
  NPSCORE_RETURN_IF_ERROR(CheckSla(options.sla_hours, "sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckConfidence(options.confidence));
  if (options.bands < 1 || options.bands > kMaxRoiBands) {
    return absl::InvalidArgumentError(absl::StrCat("bands is ", options.bands, ": it must be in 1..",
                                                   kMaxRoiBands, " (5 by default)"));
  }
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(options.cutoffs));
  const size_t n = log.opened_at.size();
  NPSCORE_RETURN_IF_ERROR(ValidateTimes(log));
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.sla_hours.size(), n, "sla_hours"));
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.score.size(), n, "score"));
  NPSCORE_RETURN_IF_ERROR(
      CheckRequired(log.churned.size(), n, "churned", "the outcome compared (1 churned, 0 not)"));
  NPSCORE_RETURN_IF_ERROR(CheckRequired(log.churn_risk.size(), n, "churn_risk",
                                        "cases are compared within bands of predicted risk"));
  NPSCORE_RETURN_IF_ERROR(
      CheckRequired(log.clv.size(), n, "clv", "revenue retained is churn averted x CLV"));
  for (size_t i = 0; i < log.sla_hours.size(); ++i) {
    NPSCORE_RETURN_IF_ERROR(CheckSla(log.sla_hours[i], absl::StrCat("sla_hours at row ", i)));
  }

  // The compared cases, validated.
  struct Case {
    double risk, clv;
    bool on_time, never, churned;
  };
  std::vector<Case> cases;
  cases.reserve(n);
  ProgramRoiResult out;
  RoiTotal& total = out.total;
  const bool skip = options.missing == Missing::kSkip;
  const uint64_t default_sla_ns = static_cast<uint64_t>(options.sla_hours * kNanosPerHour);
  for (size_t i = 0; i < n; ++i) {
    bool missing = false;
    if (!log.score.empty()) {
      NPSCORE_ASSIGN_OR_RETURN(const int segment,
                               ScoreSegment(log.score[i], i, "score", options.cutoffs));
      if (segment < 0 && !skip) {
        return MissingValue("score", i, "give the answer that opened the case");
      }
      missing = segment < 0;
      if (segment > 0) {
        ++total.excluded;
        continue;
      }
    }
    const double churned = log.churned[i], risk = log.churn_risk[i], clv = log.clv[i];
    for (auto [v, name, what] :
         {std::tuple{churned, "churned", "give 1 (churned) or 0"},
          {risk, "churn_risk", "give the churn probability predicted at opening"},
          {clv, "clv", "give the customer's value"}}) {
      if (!std::isnan(v)) continue;
      if (!skip) return MissingValue(name, i, what);
      missing = true;
    }
    if (!std::isnan(churned)) {
      NPSCORE_RETURN_IF_ERROR(CheckZeroOne(churned, i, "churned", "an outcome is 1 (churned) or 0"));
    }
    if (!std::isnan(risk) && !(risk >= 0 && risk <= 1)) {
      return absl::InvalidArgumentError(absl::StrCat("churn_risk at row ", i, " is ",
                                                     internal::ValueText(risk),
                                                     ": a probability is in [0, 1]"));
    }
    if (!std::isnan(clv) && !(clv >= 0 && clv < kInf)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "clv at row ", i, " is ", internal::ValueText(clv), ": a value is finite and >= 0"));
    }
    if (missing) {
      ++total.skipped;
      continue;
    }
    const int64_t contact = log.first_contact_at.empty() ? kMissingTime : log.first_contact_at[i];
    const uint64_t sla_ns = log.sla_hours.empty()
                                ? default_sla_ns
                                : static_cast<uint64_t>(log.sla_hours[i] * kNanosPerHour);
    Case c;
    c.risk = risk;
    c.clv = clv;
    c.never = contact == kMissingTime;
    c.on_time = !c.never && Elapsed(log.opened_at[i], contact) <= sla_ns;
    c.churned = churned == 1;
    cases.push_back(c);
  }

  // Bands: edges at the lower quantiles k / bands of the risks; a case at an
  // edge is in the lower band. Empty bands (repeated edges) are dropped.
  std::vector<double> sorted(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) sorted[i] = cases[i].risk;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  const double m = static_cast<double>(sorted.size());
  for (int32_t k = 1; k < options.bands && !sorted.empty(); ++k) {
    const size_t j = static_cast<size_t>(std::ceil(k * m / options.bands)) - 1;
    edges.push_back(sorted[j]);
  }
  struct Acc {
    int64_t on = 0, on_churned = 0, late = 0, late_churned = 0, never = 0;
    double on_clv = 0, sum_risk = 0, low = kInf, high = -kInf;
    int64_t cases() const { return on + late; }
  };
  std::vector<Acc> raw(edges.size() + 1);
  for (const Case& c : cases) {
    Acc& a = raw[static_cast<size_t>(std::lower_bound(edges.begin(), edges.end(), c.risk) -
                                     edges.begin())];
    if (c.on_time) {
      ++a.on;
      a.on_churned += c.churned;
      a.on_clv += c.clv;
    } else {
      ++a.late;
      a.late_churned += c.churned;
      a.never += c.never;
    }
    a.sum_risk += c.risk;
    a.low = std::min(a.low, c.risk);
    a.high = std::max(a.high, c.risk);
  }
  // A band without an on-time or a late case joins the next (the last the
  // one before): this reads who was contacted on time, never who churned.
  auto merge = [](Acc& into, const Acc& a) {
    into.on += a.on;
    into.on_churned += a.on_churned;
    into.late += a.late;
    into.late_churned += a.late_churned;
    into.never += a.never;
    into.on_clv += a.on_clv;
    into.sum_risk += a.sum_risk;
    into.low = std::min(into.low, a.low);
    into.high = std::max(into.high, a.high);
  };
  std::vector<Acc> bands;
  Acc current;
  for (const Acc& a : raw) {
    if (a.cases() == 0) continue;
    merge(current, a);
    if (current.on > 0 && current.late > 0) {
      bands.push_back(current);
      current = Acc{};
    }
  }
  if (current.cases() > 0) {
    if (bands.empty()) {
      bands.push_back(current);
    } else {
      merge(bands.back(), current);
    }
  }
  for (const Acc& a : bands) {
    total.on_time += a.on;
    total.late += a.late;
    total.never += a.never;
    total.on_time_clv += a.on_clv;
  }
  total.cases = total.on_time + total.late;
  if (total.on_time == 0 || total.late == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        total.on_time == 0 ? "no case was contacted within the SLA" : "every case was contacted "
                                                                      "within the SLA",
        " among ", total.cases, " compared cases: there is nothing to compare"));
  }

  const double z = -NormalQuantile((1 - options.confidence) / 2);
  int64_t on_churned = 0, late_churned = 0;
  double weight = 0, weighted = 0, weighted_var = 0, revenue_var = 0;
  out.bands.resize(bands.size());
  for (size_t b = 0; b < bands.size(); ++b) {
    const Acc& a = bands[b];
    RoiBand& o = out.bands[b];
    o.risk_low = a.low;
    o.risk_high = a.high;
    o.mean_risk = a.sum_risk / static_cast<double>(a.cases());
    o.on_time = a.on;
    o.on_time_churned = a.on_churned;
    o.on_time_rate = static_cast<double>(a.on_churned) / a.on;
    o.late = a.late;
    o.never = a.never;
    o.late_churned = a.late_churned;
    o.late_rate = static_cast<double>(a.late_churned) / a.late;
    const ShareDifference d = CompareShares(a.late_churned, a.late, a.on_churned, a.on, z);
    o.difference = d.difference;
    o.ci_low = d.ci_low;
    o.ci_high = d.ci_high;
    o.p_value = d.p_value;
    o.on_time_clv = a.on_clv;
    o.revenue_retained = d.difference * a.on_clv;
    o.revenue_ci_low = d.ci_low * a.on_clv;
    o.revenue_ci_high = d.ci_high * a.on_clv;
    // Mantel-Haenszel weight of the band, and the variance of its difference.
    const double w = static_cast<double>(a.on) * a.late / a.cases();
    const double var = AdjustedDifferenceVariance(a.late_churned, a.late, a.on_churned, a.on);
    weight += w;
    weighted += w * d.difference;
    weighted_var += w * w * var;
    revenue_var += a.on_clv * a.on_clv * var;
    total.revenue_retained += o.revenue_retained;
    on_churned += a.on_churned;
    late_churned += a.late_churned;
  }
  total.bands = static_cast<int32_t>(bands.size());
  total.on_time_rate = static_cast<double>(on_churned) / total.on_time;
  total.late_rate = static_cast<double>(late_churned) / total.late;
  const ShareDifference naive =
      CompareShares(late_churned, total.late, on_churned, total.on_time, z);
  total.naive_difference = naive.difference;
  total.naive_ci_low = naive.ci_low;
  total.naive_ci_high = naive.ci_high;
  total.difference = weighted / weight;
  total.se = std::sqrt(weighted_var) / weight;
  total.ci_low = total.difference - z * total.se;
  total.ci_high = total.difference + z * total.se;
  total.p_value = total.se > 0 ? 2 * NormalSurvival(std::abs(total.difference / total.se)) : kNaN;
  total.revenue_se = std::sqrt(revenue_var);
  total.revenue_ci_low = total.revenue_retained - z * total.revenue_se;
  total.revenue_ci_high = total.revenue_retained + z * total.revenue_se;
  return out;
}

}  // namespace npscore
