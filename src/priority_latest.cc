// The latest response of each customer (per group): LatestResponses
// (npscore/priority.h), under the one rule of src/internal/latest.h.

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "npscore/priority.h"
#include "src/internal/latest.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

// The latest response of one (customer, group) so far: its time and row.
// -1: none yet.
struct Slot {
  int64_t time = 0;
  int64_t row = -1;

  // Takes response `row` at time `t` into account: rows come in ascending
  // order, so a tie goes to the later row (internal/latest.h).
  void Take(int64_t t, int64_t r) {
    if (row < 0 || internal::IsLaterRow(t, time)) {
      time = t;
      row = r;
    }
  }
};

// Where the slots live: a table indexed by the offsets of dense ids and
// codes, or a hash map keyed by (customer, group).
class Slots {
 public:
  // Sizes the slots for ids in [c_lo, c_hi] and codes in [g_lo, g_hi] over
  // `used` rows: a table when its size is at most 2 x used + 64Ki.
  void Init(int64_t c_lo, int64_t c_hi, int64_t g_lo, int64_t g_hi, int64_t used) {
    c_lo_ = c_lo;
    g_lo_ = g_lo;
    const uint64_t c_span = static_cast<uint64_t>(c_hi) - static_cast<uint64_t>(c_lo);
    const uint64_t g_span = static_cast<uint64_t>(g_hi) - static_cast<uint64_t>(g_lo);
    const uint64_t limit = 2 * static_cast<uint64_t>(used) + (uint64_t{1} << 16);
    uint64_t cells;
    if (c_span < limit && g_span < limit &&
        !__builtin_mul_overflow(c_span + 1, g_span + 1, &cells) && cells <= limit) {
      dense_ = true;
      c_count_ = c_span + 1;
      table_.resize(static_cast<size_t>(cells));
    }
  }

  Slot& At(int64_t customer, int64_t group) {
    if (dense_) return table_[Index(customer, group)];
    return map_[std::make_pair(customer, group)];
  }

  // Calls f(slot) for every slot that holds a response.
  template <typename F>
  void ForEach(F&& f) const {
    if (dense_) {
      for (const Slot& s : table_) {
        if (s.row >= 0) f(s);
      }
    } else {
      for (const auto& [key, s] : map_) f(s);
    }
  }

 private:
  size_t Index(int64_t customer, int64_t group) const {
    const uint64_t c = static_cast<uint64_t>(customer) - static_cast<uint64_t>(c_lo_);
    const uint64_t g = static_cast<uint64_t>(group) - static_cast<uint64_t>(g_lo_);
    return static_cast<size_t>(g * c_count_ + c);
  }

  bool dense_ = false;
  int64_t c_lo_ = 0, g_lo_ = 0;
  uint64_t c_count_ = 0;
  std::vector<Slot> table_;
  absl::flat_hash_map<std::pair<int64_t, int64_t>, Slot> map_;
};

}  // namespace

absl::StatusOr<LatestResponseRows> LatestResponses(absl::Span<const int64_t> customers,
                                                   absl::Span<const int64_t> times,
                                                   absl::Span<const int64_t> groups,
                                                   Missing missing) {
  const size_t n = customers.size();
  if (times.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("times has ", times.size(), " rows but customers has ", n));
  }
  const bool grouped = !groups.empty();
  if (grouped && groups.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("groups has ", groups.size(), " rows but customers has ", n));
  }
  const bool skip_missing = missing == Missing::kSkip;
  auto group_of = [&](size_t i) { return grouped ? groups[i] : int64_t{0}; };
  // A row takes part unless left out (group -1) or skipped (missing time).
  auto takes_part = [&](size_t i) { return group_of(i) != -1 && times[i] != kMissingTime; };

  // The validating scan: group codes, missing times, and the ranges of the
  // ids and codes that take part.
  LatestResponseRows out;
  int64_t c_lo = INT64_MAX, c_hi = INT64_MIN, g_lo = INT64_MAX, g_hi = INT64_MIN;
  for (size_t i = 0; i < n; ++i) {
    const int64_t g = group_of(i);
    if (g == -1) {
      ++out.left_out;
      continue;
    }
    if (g < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "group code at row ", i, " is ", g, ": codes must be >= 0, or -1 to leave the row out"));
    }
    if (times[i] == kMissingTime) {
      if (!skip_missing) return internal::MissingTimeError(static_cast<int64_t>(i));
      ++out.skipped_missing_times;
      continue;
    }
    ++out.used;
    c_lo = std::min(c_lo, customers[i]);
    c_hi = std::max(c_hi, customers[i]);
    g_lo = std::min(g_lo, g);
    g_hi = std::max(g_hi, g);
  }
  if (out.used == 0) return out;

  // The one pass: each response against its (customer, group)'s latest.
  Slots slots;
  slots.Init(c_lo, c_hi, g_lo, g_hi, out.used);
  for (size_t i = 0; i < n; ++i) {
    if (!takes_part(i)) continue;
    slots.At(customers[i], group_of(i)).Take(times[i], static_cast<int64_t>(i));
  }

  // The latest rows, ascending without a sort.
  std::vector<uint8_t> latest(n, 0);
  size_t count = 0;
  slots.ForEach([&](const Slot& s) {
    latest[static_cast<size_t>(s.row)] = 1;
    ++count;
  });
  out.row.reserve(count);
  for (size_t i = 0; i < n; ++i) {
    if (latest[i]) out.row.push_back(static_cast<int64_t>(i));
  }
  out.superseded = out.used - static_cast<int64_t>(out.row.size());
  return out;
}

}  // namespace npscore
