// Migration between segments: consecutive responses of each customer, found
// by one sort of the kept responses by (customer, time).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

using internal::AsScore;
using internal::CheckLength;
using internal::ForEachValidBlock;
using internal::IsMissing;
using internal::SegmentIndex;
using internal::Tally;


// A kept response: its time and key = (customer code's low bits) << 32 |
// cell, with cell = period * 3 + segment, so that sorting and pairing read the
// visits and nothing else. (The low bits fit in 32 below 2^43 customers, the
// cell below kMaxMigrationPeriods.)
struct Visit {
  int64_t time;
  uint64_t key;
};

// Blocks of the first partitioning step: few enough that their fill pointers
// stay in the L1 cache.
constexpr size_t kMaxBlocks = 2048;

// Customer codes 0..size-1: the offset from the smallest id when the ids span
// a range no wider than twice the rows (no hashing, no table), else numbered
// as first seen through a hash map (no sort of the distinct ids either).
class CustomerCodes {
 public:
  explicit CustomerCodes(absl::Span<const int64_t> ids) : ids_(ids.data()) {
    const size_t n = ids.size();
    if (n == 0) return;
    int64_t hi = ids_[0];
    lo_ = ids_[0];
    for (size_t i = 0; i < n; ++i) {
      lo_ = std::min(lo_, ids_[i]);
      hi = std::max(hi, ids_[i]);
    }
    const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo_);
    if (span < std::max<uint64_t>(2 * n, uint64_t{1} << 16)) {
      size_ = static_cast<size_t>(span) + 1;
      return;
    }
    absl::flat_hash_map<int64_t, size_t> seen;
    codes_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      codes_[i] = seen.try_emplace(ids_[i], seen.size()).first->second;
    }
    size_ = seen.size();
  }

  size_t size() const { return size_; }
  size_t operator()(size_t row) const {
    return codes_.empty() ? static_cast<size_t>(static_cast<uint64_t>(ids_[row]) -
                                                static_cast<uint64_t>(lo_))
                          : codes_[row];
  }

 private:
  const int64_t* ids_;
  int64_t lo_ = 0;
  size_t size_ = 0;
  std::vector<size_t> codes_;  // hashed ids only
};

// Orders one customer's visits, which arrive in row order, by time; visits
// at the same instant keep their row order (internal/latest.h: a tie goes
// to the later row). Short runs, the usual case, are insertion-sorted in
// place: std::stable_sort would allocate a buffer per customer.
void SortByTime(Visit* first, Visit* last) {
  if (last - first > 32) {
    std::stable_sort(first, last, [](const Visit& x, const Visit& y) { return x.time < y.time; });
    return;
  }
  for (Visit* i = first + 1; i < last; ++i) {
    const Visit v = *i;
    Visit* j = i;
    for (; j > first && (j - 1)->time > v.time; --j) *j = *(j - 1);
    *j = v;
  }
}

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
  if (n_periods < 0 || n_periods > kMaxMigrationPeriods) {
    return absl::InvalidArgumentError(absl::StrCat("n_periods is ", n_periods,
                                                   ": must be between 0 and ",
                                                   kMaxMigrationPeriods, " (kMaxMigrationPeriods)"));
  }
  MigrationTable table;
  table.n_periods = n_periods;
  table.counts.assign(static_cast<size_t>(n_periods) * 9, 0);

  // The kept responses are sorted by customer code with two cache-sized
  // counting sorts (a radix sort): by the code's high bits into at most
  // kMaxBlocks blocks, then each block by the low bits. Pass 1 validates and
  // counts the kept responses of block b in bound[b + 1]; a row is kept if
  // its period is >= 0 and its score present.
  const CustomerCodes code(customers);
  int shift = 0;
  while ((code.size() >> shift) >= kMaxBlocks) ++shift;
  const size_t blocks = (code.size() >> shift) + 1, low = size_t{1} << shift;
  const T dmax = AsScore<T>(cut.detractor_max);
  const T pmax = AsScore<T>(cut.passive_max);
  const T* sp = scores.data();
  const int64_t* tp = times.data();
  const int32_t* pp = periods.empty() ? nullptr : periods.data();
  std::vector<size_t> bound(blocks + 1, 0);
  NPSCORE_RETURN_IF_ERROR(ForEachValidBlock(
      scores, 0, scores.size(), cut, options.missing,
      [&](size_t begin, size_t end, const Tally&) -> absl::Status {
        for (size_t i = begin; i < end; ++i) {
          const int64_t p = pp ? pp[i] : 0;
          if (p < 0) {
            ++table.excluded;
            continue;
          }
          if (p >= n_periods) {
            return absl::InvalidArgumentError(absl::StrCat("period code at row ", i, " is ", p,
                                                           ": outside 0..", n_periods - 1));
          }
          if (IsMissing(sp[i])) {
            ++table.skipped;
            continue;
          }
          if (tp[i] == kMissingTime) {
            return absl::InvalidArgumentError(absl::StrCat(
                "time at row ", i, " is missing (NaT): a response needs a time to be ordered"));
          }
          ++bound[(code(i) >> shift) + 1];
        }
        return absl::OkStatus();
      }));

  // Pass 2: scatter the kept responses into their blocks. Afterwards
  // bound[b] is the end of block b (and the start of b + 1).
  size_t largest = 0;
  for (size_t b = 0; b < blocks; ++b) {
    largest = std::max(largest, bound[b + 1]);
    bound[b + 1] += bound[b];
  }
  std::vector<Visit> visits(bound[blocks]);
  for (size_t i = 0; i < scores.size(); ++i) {
    const int64_t p = pp ? pp[i] : 0;
    if (p < 0 || IsMissing(sp[i])) continue;
    const size_t c = code(i);
    const uint64_t cell = static_cast<uint64_t>(p * 3 + SegmentIndex(sp[i], dmax, pmax));
    visits[bound[c >> shift]++] = Visit{tp[i], static_cast<uint64_t>(c & (low - 1)) << 32 | cell};
  }

  // Pass 3, block by block: sort by the low bits into `run`, then each
  // customer's visits by time, and count its consecutive pairs.
  int64_t* counts = table.counts.data();
  std::vector<Visit> run(largest);
  std::vector<size_t> lbound(low + 1);
  Visit* r = run.data();
  size_t block_start = 0;
  for (size_t b = 0; b < blocks; ++b) {
    const size_t block_end = bound[b];
    std::fill(lbound.begin(), lbound.end(), 0);
    for (size_t j = block_start; j < block_end; ++j) ++lbound[(visits[j].key >> 32) + 1];
    for (size_t c = 0; c < low; ++c) lbound[c + 1] += lbound[c];
    for (size_t j = block_start; j < block_end; ++j) r[lbound[visits[j].key >> 32]++] = visits[j];
    size_t first = 0;
    for (size_t c = 0; c < low; ++c) {
      const size_t last = lbound[c];
      if (last - first >= 2) {
        SortByTime(r + first, r + last);
        ++table.customers;
        table.pairs += static_cast<int64_t>(last - first - 1);
        for (size_t j = first + 1; j < last; ++j) {
          // cell = period * 3 + segment: the pair's slot is period * 9 + from * 3 + to.
          const uint64_t from = (r[j - 1].key & 0xffffffffu) % 3;
          const uint64_t cell = r[j].key & 0xffffffffu;
          ++counts[(cell / 3) * 9 + from * 3 + cell % 3];
        }
      }
      first = last;
    }
    block_start = block_end;
  }
  return table;
}

#define NPSCORE_INSTANTIATE_(T)                                                          \
  template absl::StatusOr<MigrationTable> Migration<T>(                                  \
      absl::Span<const T>, absl::Span<const int64_t>, absl::Span<const int64_t>,         \
      absl::Span<const int32_t>, int64_t, const ScoreOptions&);
NPSCORE_FOR_EACH_SCORE_TYPE(NPSCORE_INSTANTIATE_)
#undef NPSCORE_INSTANTIATE_

}  // namespace npscore
