// Closing the loop (npscore/loop.h): response-time metrics of a case log and
// the recovery curve learned from its outcomes.

#include "npscore/loop.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "npscore/health.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"
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
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.group.size(), n, "group"));
  NPSCORE_RETURN_IF_ERROR(CheckLength(log.sla_hours.size(), n, "sla_hours"));
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

}  // namespace npscore
