// libFuzzer harness: arbitrary bytes -> a time-zone name, a frequency and
// times -> MakePeriodGrid, AssignPeriods and HealthOverTime, every assignment
// checked against a plain binary search over the grid's starts (abort on a
// mismatch). A second mode takes the times as the starts of a hand-made grid
// (periods of any length, down to 1 ns). Names that are not IANA names must
// be refused with InvalidArgument, never loaded, never waited on.
//
// Input: byte 0 bits 0-1 the frequency, bit 2 the hand-made mode; byte 1 a
// zone of the list below, or (>= 0xE0) a name of the next (byte 2 % 72)
// bytes; then an anchor and a unit byte; then the times: 4-byte offsets from
// the anchor in that unit (0x80000000 is NaT), or raw 8-byte int64 values for
// the last unit.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/types/span.h"
#include "npscore/health.h"
#include "src/internal/time_zone.h"

namespace {

using npscore::kMissingTime;

constexpr const char* kZones[] = {
    "UTC",          "Europe/Berlin",       "America/New_York", "Pacific/Apia",
    "Pacific/Fakaofo", "Pacific/Kwajalein", "Pacific/Kiritimati", "Asia/Manila",
    "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham",
    "Africa/Casablanca", "Antarctica/Troll", "America/Sao_Paulo", "Etc/GMT+12",
    "Etc/GMT-14",   "Asia/Tehran",         "Europe/Dublin",    "America/Caracas"};

constexpr int64_t kSecond = 1000000000;
constexpr int64_t kDay = 86400 * kSecond;
constexpr int64_t kAnchors[] = {
    -2208988800 * kSecond,  // 1900-01-01
    0,                      // 1970-01-01
    7258118400 * kSecond,   // 2200-01-01
    1325239200 * kSecond,   // 2011-12-30 10:00 UTC, Apia's skipped day
    745848000 * kSecond,    // 1993-08-21 12:00 UTC, Kwajalein's
    788875200 * kSecond,    // 1994-12-31 12:00 UTC, Kiritimati's
    -3944635200 * kSecond,  // 1844-12-31 12:00 UTC, Manila's
    1718409600 * kSecond,   // 2024-06-15
    kMissingTime + 1,       // the ends of the nanosecond range
    INT64_MAX - 1};
constexpr int64_t kUnits[] = {1, 1000, kSecond, 60 * kSecond, 3600 * kSecond, kDay, 7 * kDay};
constexpr size_t kRawUnit = std::size(kUnits);  // the unit byte's value for raw int64 times

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "period_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// anchor + offset * unit, saturated to [kMissingTime + 1, INT64_MAX - 1].
int64_t Shift(int64_t anchor, int32_t offset, int64_t unit) {
  int64_t step = 0, t = 0;
  if (__builtin_mul_overflow(static_cast<int64_t>(offset), unit, &step) ||
      __builtin_add_overflow(anchor, step, &t)) {
    return offset < 0 ? kMissingTime + 1 : INT64_MAX - 1;
  }
  return t == kMissingTime ? kMissingTime + 1 : t;
}

int32_t BinarySearch(const std::vector<int64_t>& starts, int64_t t) {
  if (t == kMissingTime) return -1;
  const ptrdiff_t p = std::upper_bound(starts.begin(), starts.end(), t) - starts.begin() - 1;
  return p < 0 || p >= static_cast<ptrdiff_t>(starts.size()) - 1 ? -1 : static_cast<int32_t>(p);
}

// Assigns `times` and every start +- 1 on `grid`; each must equal the search.
void CheckAssignment(const npscore::PeriodGrid& grid, std::vector<int64_t> times) {
  const size_t edges = std::min<size_t>(grid.starts.size(), 4096);
  for (size_t i = 0; i < edges; ++i) {
    const int64_t s = grid.starts[i];
    times.push_back(s);
    if (s > kMissingTime + 1) times.push_back(s - 1);
    if (s < INT64_MAX) times.push_back(s + 1);
  }
  std::vector<int32_t> got(times.size());
  const absl::Status st = npscore::AssignPeriods(times, grid, absl::MakeSpan(got), true);
  if (!st.ok()) Fail("AssignPeriods failed on a valid grid", std::string(st.message()));
  std::vector<int64_t> counts(grid.size(), 0);
  for (size_t i = 0; i < times.size(); ++i) {
    const int32_t want = BinarySearch(grid.starts, times[i]);
    if (got[i] != want) {
      Fail("period differs from the binary search",
           "time " + std::to_string(times[i]) + ": " + std::to_string(got[i]) + " vs " +
               std::to_string(want));
    }
    if (want >= 0) ++counts[static_cast<size_t>(want)];
  }
  if (grid.size() > 200) return;  // the table's statistics cost per period
  const std::vector<int8_t> scores(times.size(), 10);
  npscore::HealthOptions opt;
  auto table = npscore::HealthOverTime<int8_t, int64_t>(scores, times, grid, {}, 1, opt, true);
  if (!table.ok()) Fail("HealthOverTime failed", std::string(table.status().message()));
  for (size_t p = 0; p < grid.size(); ++p) {
    if (table->n[p] != counts[p]) Fail("HealthOverTime count differs", grid.labels[p]);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const uint8_t mode = data[0];
  size_t at = 1;
  std::string zone;
  if (data[at] < 0xE0) {
    zone = kZones[data[at++] % std::size(kZones)];
  } else {
    const size_t length = data[at + 1] % 72;
    at += 2;
    const size_t n = std::min(length, size - at);
    zone.assign(reinterpret_cast<const char*>(data + at), n);
    at += n;
  }
  if (size - at < 2) return 0;
  const int64_t anchor = kAnchors[data[at++] % std::size(kAnchors)];
  const size_t unit = data[at++] % (kRawUnit + 1);
  std::vector<int64_t> times;
  if (unit == kRawUnit) {
    for (; size - at >= 8; at += 8) {
      int64_t t;
      std::memcpy(&t, data + at, 8);
      times.push_back(t);
    }
  } else {
    for (; size - at >= 4; at += 4) {
      int32_t offset;
      std::memcpy(&offset, data + at, 4);
      times.push_back(offset == INT32_MIN ? kMissingTime : Shift(anchor, offset, kUnits[unit]));
    }
  }
  if (times.size() > 1024) times.resize(1024);
  int64_t lo = INT64_MAX, hi = kMissingTime;
  for (int64_t t : times) {
    if (t == kMissingTime) continue;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  if (lo > hi) lo = hi = anchor;

  if (mode & 4) {
    // A hand-made grid: the distinct times are its starts.
    npscore::PeriodGrid grid;
    for (int64_t t : times) {
      if (t != kMissingTime) grid.starts.push_back(t);
    }
    std::sort(grid.starts.begin(), grid.starts.end());
    grid.starts.erase(std::unique(grid.starts.begin(), grid.starts.end()), grid.starts.end());
    if (grid.starts.size() < 2) return 0;
    grid.labels.resize(grid.starts.size() - 1);
    CheckAssignment(grid, times);
    return 0;
  }

  const npscore::Frequency frequency = static_cast<npscore::Frequency>(mode & 3);
  // At most about 2,000 periods: building longer grids (up to 100,000 days)
  // only slows the search down; later times then fall after the grid.
  const uint64_t nominal_days[] = {1, 7, 31, 92};
  const uint64_t cap = 2000 * nominal_days[mode & 3] * static_cast<uint64_t>(kDay);
  if (static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) > cap) {
    hi = static_cast<int64_t>(static_cast<uint64_t>(lo) + cap);
  }
  auto grid = npscore::MakePeriodGrid(lo, hi, frequency, zone);
  const bool iana = zone == "UTC" || npscore::internal::CheckTimeZoneName(zone, "tz").ok();
  if (!grid.ok()) {
    if (grid.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("MakePeriodGrid failed with a code other than InvalidArgument",
           std::string(grid.status().message()));
    }
    return 0;
  }
  if (!iana) Fail("a name that is not an IANA name was loaded", absl::CHexEscape(zone));
  const npscore::PeriodGrid& g = *grid;
  const size_t k = g.size();
  if (k == 0 || g.starts.size() != k + 1) Fail("malformed grid", zone);
  for (size_t i = 0; i < k; ++i) {
    if (g.starts[i] >= g.starts[i + 1]) Fail("a period of zero or negative length", g.labels[i]);
  }
  if (g.starts[0] > lo || g.starts[1] <= lo || g.starts[k - 1] > hi || g.starts[k] <= hi) {
    Fail("the grid does not cover the range", zone);
  }
  CheckAssignment(g, times);
  return 0;
}
