// Event impact: NPS in a window before and after each event, per slice, from
// the responses sorted by time once.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::AsScore;
using internal::CheckLength;
using internal::EmptySummary;
using internal::ForEachValidBlock;
using internal::IsMissing;
using internal::kNaN;
using internal::SegmentIndex;
using internal::Tally;


// A kept response: its time and cell = slice * 4 + slot (0 detractor,
// 1 passive, 2 promoter, 3 missing score).
struct Stamp {
  int64_t time;
  size_t cell;
};

// e - d and e + d for d >= 0, saturated at the int64 range.
int64_t SubSat(int64_t e, int64_t d) {
  return e < std::numeric_limits<int64_t>::min() + d ? std::numeric_limits<int64_t>::min() : e - d;
}
int64_t AddSat(int64_t e, int64_t d) {
  return e > std::numeric_limits<int64_t>::max() - d ? std::numeric_limits<int64_t>::max() : e + d;
}

// The summary of one window's four slots; n = 0 gives NaN statistics.
Summary WindowSummary(const int64_t* slot, const IntervalOptions& interval) {
  Counts c;
  c.detractors = slot[0];
  c.passives = slot[1];
  c.promoters = slot[2];
  c.skipped = slot[3];
  if (c.n() > 0) {
    absl::StatusOr<Summary> s = Summarize(c, interval);  // options validated up front
    if (s.ok()) return *s;
  }
  Summary s = EmptySummary(interval);
  s.skipped = c.skipped;
  return s;
}

Comparison EmptyComparison(const IntervalOptions& interval) {
  Comparison c;
  c.method = interval.method;
  c.confidence = interval.confidence;
  c.diff = c.se = c.z = c.p_value = c.ci_low = c.ci_high = kNaN;
  return c;
}

}  // namespace

template <typename T>
absl::StatusOr<std::vector<EventImpactRow>> EventImpact(
    absl::Span<const T> scores, absl::Span<const int64_t> times,
    absl::Span<const int64_t> slices, int64_t n_slices, absl::Span<const int64_t> events,
    int64_t before_ns, int64_t after_ns, const ScoreOptions& scores_options,
    const IntervalOptions& interval) {
  const Cutoffs& cut = scores_options.cutoffs;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cut));
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(interval));
  NPSCORE_RETURN_IF_ERROR(CheckLength("times", times.size(), scores.size()));
  if (slices.empty()) {
    n_slices = 1;
  } else {
    NPSCORE_RETURN_IF_ERROR(CheckLength("slices", slices.size(), scores.size()));
  }
  if (n_slices < 1) {
    return absl::InvalidArgumentError(absl::StrCat("n_slices is ", n_slices, ": it must be >= 1"));
  }
  constexpr size_t kMaxRows = static_cast<size_t>(kMaxEventImpactRows);
  if (static_cast<uint64_t>(n_slices) > kMaxRows ||
      events.size() > kMaxRows / static_cast<size_t>(n_slices)) {
    return absl::InvalidArgumentError(absl::StrCat("bad table size: ", events.size(),
                                                   " events x ", n_slices, " slices (at most ",
                                                   kMaxRows, " rows, kMaxEventImpactRows)"));
  }
  if (before_ns <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("before_ns is ", before_ns, ": the window before an event must be > 0 ns"));
  }
  if (after_ns <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("after_ns is ", after_ns, ": the window after an event must be > 0 ns"));
  }
  for (size_t k = 0; k < events.size(); ++k) {
    if (events[k] == kMissingTime) {
      return absl::InvalidArgumentError(
          absl::StrCat("event time at index ", k, " is missing (NaT)"));
    }
  }

  // One pass: validate, then stamp each kept response with its time and cell.
  const size_t S = static_cast<size_t>(n_slices);
  const T dmax = AsScore<T>(cut.detractor_max);
  const T pmax = AsScore<T>(cut.passive_max);
  const T* sp = scores.data();
  const int64_t* tp = times.data();
  const int64_t* slp = slices.empty() ? nullptr : slices.data();
  std::vector<Stamp> stamps;
  stamps.reserve(scores.size());
  bool in_order = true;
  NPSCORE_RETURN_IF_ERROR(ForEachValidBlock(
      scores, 0, scores.size(), cut, scores_options.missing,
      [&](size_t begin, size_t end, const Tally&) -> absl::Status {
        for (size_t i = begin; i < end; ++i) {
          const int64_t s = slp ? slp[i] : 0;
          if (s < 0) continue;
          if (s >= n_slices) {
            return absl::InvalidArgumentError(absl::StrCat("slice code at row ", i, " is ", s,
                                                           ": outside 0..", n_slices - 1));
          }
          if (tp[i] == kMissingTime) {
            return absl::InvalidArgumentError(absl::StrCat(
                "time at row ", i, " is missing (NaT): a response needs a time to fall in a window"));
          }
          const T x = sp[i];
          const size_t slot = IsMissing(x) ? 3 : static_cast<size_t>(SegmentIndex(x, dmax, pmax));
          in_order &= stamps.empty() || stamps.back().time <= tp[i];
          stamps.push_back(Stamp{tp[i], static_cast<size_t>(s) * 4 + slot});
        }
        return absl::OkStatus();
      }));
  if (!in_order) {
    std::sort(stamps.begin(), stamps.end(),
              [](const Stamp& a, const Stamp& b) { return a.time < b.time; });
  }

  // Per event: the two windows by binary search, tallied per slice.
  auto at_or_after = [&](int64_t t) {
    return static_cast<size_t>(
        std::lower_bound(stamps.begin(), stamps.end(), t,
                         [](const Stamp& a, int64_t v) { return a.time < v; }) -
        stamps.begin());
  };
  std::vector<EventImpactRow> out;
  out.reserve(events.size() * S);
  std::vector<int64_t> before(4 * S), after(4 * S);
  for (size_t k = 0; k < events.size(); ++k) {
    const int64_t e = events[k];
    const size_t i0 = at_or_after(SubSat(e, before_ns));
    const size_t i1 = at_or_after(e);
    const size_t i2 = at_or_after(AddSat(e, after_ns));
    std::fill(before.begin(), before.end(), 0);
    std::fill(after.begin(), after.end(), 0);
    for (size_t j = i0; j < i1; ++j) ++before[stamps[j].cell];
    for (size_t j = i1; j < i2; ++j) ++after[stamps[j].cell];
    for (size_t s = 0; s < S; ++s) {
      EventImpactRow row;
      row.event = static_cast<int64_t>(k);
      row.slice = static_cast<int64_t>(s);
      row.before = WindowSummary(&before[4 * s], interval);
      row.after = WindowSummary(&after[4 * s], interval);
      row.outside_data = row.before.n == 0 && row.after.n == 0;
      row.change = EmptyComparison(interval);
      if (row.before.n > 0 && row.after.n > 0) {
        absl::StatusOr<Comparison> c = Compare(row.after, row.before, interval);
        if (c.ok()) row.change = *c;
      }
      out.push_back(row);
    }
  }
  return out;
}

#define NPSCORE_INSTANTIATE_(T)                                                               \
  template absl::StatusOr<std::vector<EventImpactRow>> EventImpact<T>(                        \
      absl::Span<const T>, absl::Span<const int64_t>, absl::Span<const int64_t>, int64_t,     \
      absl::Span<const int64_t>, int64_t, int64_t, const ScoreOptions&, const IntervalOptions&);
NPSCORE_FOR_EACH_SCORE_TYPE(NPSCORE_INSTANTIATE_)
#undef NPSCORE_INSTANTIATE_

}  // namespace npscore
