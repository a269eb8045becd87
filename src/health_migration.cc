// Migration between segments: consecutive responses of each customer, found
// by one sort of the kept responses by (customer, time).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::AsScore;
using internal::CheckLength;
using internal::FindBadScore;
using internal::IsMissing;
using internal::kBlock;
using internal::SegmentIndex;
using internal::Tally;
using internal::TallyBlock;

constexpr int64_t kMaxPeriods = int64_t{1} << 26;

// A kept response in customer order.
struct Visit {
  int64_t time;
  size_t row;
};

}  // namespace

template <typename T>
absl::StatusOr<MigrationTable> Migration(absl::Span<const T> scores,
                                         absl::Span<const int64_t> customers,
                                         absl::Span<const int64_t> times,
                                         absl::Span<const int32_t> periods, int64_t n_periods,
                                         const ScoreOptions& options) {
  const Cutoffs& cut = options.cutoffs;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cut));
  NPSCORE_RETURN_IF_ERROR(CheckLength("customers", customers.size(), scores.size()));
  NPSCORE_RETURN_IF_ERROR(CheckLength("times", times.size(), scores.size()));
  if (periods.empty()) {
    n_periods = 1;
  } else {
    NPSCORE_RETURN_IF_ERROR(CheckLength("periods", periods.size(), scores.size()));
  }
  if (n_periods < 0 || n_periods > kMaxPeriods) {
    return absl::InvalidArgumentError(
        absl::StrCat("n_periods is ", n_periods, ": must be between 0 and ", kMaxPeriods));
  }
  MigrationTable table;
  table.n_periods = n_periods;
  table.counts.assign(static_cast<size_t>(n_periods) * 9, 0);

  // Customer codes (dense, or hashed when the ids are sparse); a row left out
  // gets code -1 below.
  KeyCodes keys = FactorizeKeys(customers);
  int64_t* code = keys.codes.data();
  const size_t k = keys.keys.size();

  // Pass 1: validate, leave rows out, count kept responses per customer in
  // bound[c + 1].
  const T dmax = AsScore<T>(cut.detractor_max);
  const T pmax = AsScore<T>(cut.passive_max);
  const T smax = AsScore<T>(cut.scale_max);
  const T* sp = scores.data();
  const int64_t* tp = times.data();
  const int32_t* pp = periods.empty() ? nullptr : periods.data();
  std::vector<size_t> bound(k + 1, 0);
  for (size_t begin = 0; begin < scores.size(); begin += kBlock) {
    const size_t end = std::min(scores.size(), begin + kBlock);
    const Tally tally = TallyBlock(sp + begin, end - begin, dmax, pmax, smax);
    const int64_t allowed = options.missing == Missing::kSkip ? tally.missing : 0;
    if (tally.invalid != allowed) return FindBadScore(scores, begin, end, cut, options.missing);
    for (size_t i = begin; i < end; ++i) {
      const int64_t p = pp ? pp[i] : 0;
      if (p < 0) {
        ++table.excluded;
        code[i] = -1;
        continue;
      }
      if (p >= n_periods) {
        return absl::InvalidArgumentError(absl::StrCat("period code at row ", i, " is ", p,
                                                       ": outside 0..", n_periods - 1));
      }
      if (IsMissing(sp[i])) {
        ++table.skipped;
        code[i] = -1;
        continue;
      }
      if (tp[i] == kMissingTime) {
        return absl::InvalidArgumentError(absl::StrCat(
            "time at row ", i, " is missing (NaT): a response needs a time to be ordered"));
      }
      ++bound[static_cast<size_t>(code[i]) + 1];
    }
  }

  // Pass 2: counting sort by customer. After the scatter bound[c] is the end
  // of customer c's responses (and the start of c + 1's).
  for (size_t c = 0; c < k; ++c) bound[c + 1] += bound[c];
  std::vector<Visit> visits(bound[k]);
  for (size_t i = 0; i < scores.size(); ++i) {
    if (code[i] < 0) continue;
    visits[bound[static_cast<size_t>(code[i])]++] = Visit{tp[i], i};
  }

  // Pass 3: each customer's responses by time, then its consecutive pairs.
  int64_t* counts = table.counts.data();
  size_t first = 0;
  for (size_t c = 0; c < k; ++c) {
    const size_t last = bound[c];
    if (last - first >= 2) {
      Visit* v = visits.data();
      std::sort(v + first, v + last, [](const Visit& a, const Visit& b) { return a.time < b.time; });
      ++table.customers;
      table.pairs += static_cast<int64_t>(last - first - 1);
      int from = SegmentIndex(sp[v[first].row], dmax, pmax);
      for (size_t j = first + 1; j < last; ++j) {
        if (v[j].time == v[j - 1].time) {
          return absl::InvalidArgumentError(absl::StrCat(
              "customer ", keys.keys[c], " has two responses at the same instant (",
              v[j].time, " ns) in rows ", std::min(v[j - 1].row, v[j].row), " and ",
              std::max(v[j - 1].row, v[j].row), ": consecutive responses need distinct times"));
        }
        const int to = SegmentIndex(sp[v[j].row], dmax, pmax);
        const size_t p = pp ? static_cast<size_t>(pp[v[j].row]) : 0;
        ++counts[(p * 3 + static_cast<size_t>(from)) * 3 + static_cast<size_t>(to)];
        from = to;
      }
    }
    first = last;
  }
  return table;
}

#define NPSCORE_INSTANTIATE_(T)                                                          \
  template absl::StatusOr<MigrationTable> Migration<T>(                                  \
      absl::Span<const T>, absl::Span<const int64_t>, absl::Span<const int64_t>,         \
      absl::Span<const int32_t>, int64_t, const ScoreOptions&);
NPSCORE_INSTANTIATE_(double)
NPSCORE_INSTANTIATE_(float)
NPSCORE_INSTANTIATE_(int8_t)
NPSCORE_INSTANTIATE_(int16_t)
NPSCORE_INSTANTIATE_(int32_t)
NPSCORE_INSTANTIATE_(int64_t)
NPSCORE_INSTANTIATE_(uint8_t)
NPSCORE_INSTANTIATE_(uint16_t)
NPSCORE_INSTANTIATE_(uint32_t)
NPSCORE_INSTANTIATE_(uint64_t)
#undef NPSCORE_INSTANTIATE_

}  // namespace npscore
