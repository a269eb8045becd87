// Benchmarks of npscore/health.h on the sizes of the target: 10M
// responses over 36 monthly periods and 20 slices. Each case has a peer in
// this binary, measured in the same run, that gives its figure meaning on a
// noisy machine:
//   BM_Health            vs BM_HealthHistogram: the bare (slice, period,
//                        score) count with no validation and no statistics,
//                        the floor of the one-pass table;
//   BM_AssignPeriods     vs BM_FixedWidthBuckets: (t - t0) / width per row,
//                        the least a bucketing pass can do (and wrong for
//                        calendar months); BM_CivilMonthPerRow, a civil-time
//                        conversion per row, is what naive code does instead;
//   BM_Migration         vs BM_SortPairs: std::sort of the 10M (customer,
//                        time) pairs, the one sort the issue allows
//                        ("migration sorts at most once").
// BM_HealthInt8Slices is BM_Health with int8 slice codes (pandas'
// categorical codes) and BM_HealthOverTime the table straight from the
// timestamps (periods found while counting), against the same peer. bench/README.md ("## health")
// gives the figures; bench/cpp_ratios.py turns the JSON output into ratios
// against the peers.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bench_common.h"
#include "benchmark/benchmark.h"
#include "npscore/health.h"

namespace npscore {
namespace {

// Data helpers shared with nps_benchmark.cc (bench_common.h): the same
// allocator, generator and score distribution, so the two binaries' figures
// are comparable.
using bench::Codes;
using bench::Column;
using bench::Rng;
using bench::ScoreTable;

// float64 scores of `n` rows, generated once and kept.
const Column<double>& Scores(size_t n) { return bench::Scores<double>(n); }

// 2023-01-01T00:00:00Z in nanoseconds since the epoch.
constexpr int64_t kFirstNanos = int64_t{1672531200} * 1'000'000'000;

// The first instant (UTC nanoseconds) after `months` calendar months from
// 2023-01, i.e. the end of the data's range.
int64_t EndNanos(int64_t months) {
  const absl::CivilMonth end = absl::CivilMonth(2023, 1) + months;
  return absl::ToUnixNanos(absl::FromCivil(end, absl::UTCTimeZone()));
}

// Response times of `n` rows, uniform over `months` calendar months from
// 2023-01 (UTC), in random order, to the nanosecond (so no customer answers
// twice at the same instant).
const Column<int64_t>& Times(size_t n, int64_t months) {
  static std::map<std::pair<size_t, int64_t>, Column<int64_t>> cache;
  const auto key = std::make_pair(n, months);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const uint64_t span = static_cast<uint64_t>(EndNanos(months) - kFirstNanos);
  Column<int64_t> v(n);
  Rng rng(11);
  for (int64_t& t : v) t = kFirstNanos + static_cast<int64_t>(rng.Below(span));
  return cache.emplace(key, std::move(v)).first->second;
}

// The monthly grid (UTC) that MakePeriodGrid builds for those times.
const PeriodGrid& MonthGrid(size_t n, int64_t months) {
  static std::map<std::pair<size_t, int64_t>, PeriodGrid> cache;
  const auto key = std::make_pair(n, months);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  const auto& t = Times(n, months);
  const auto [lo, hi] = std::minmax_element(t.begin(), t.end());
  auto grid = MakePeriodGrid(*lo, *hi, Frequency::kMonth, "UTC");
  if (!grid.ok() || static_cast<int64_t>(grid->size()) != months) std::abort();
  return cache.emplace(key, *std::move(grid)).first->second;
}

// Period codes of those times (AssignPeriods), computed once.
const Column<int32_t>& PeriodCodes(size_t n, int64_t months) {
  static std::map<std::pair<size_t, int64_t>, Column<int32_t>> cache;
  const auto key = std::make_pair(n, months);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Column<int32_t> v(n);
  if (!AssignPeriods(absl::MakeConstSpan(Times(n, months)), MonthGrid(n, months),
                     absl::MakeSpan(v))
           .ok()) {
    std::abort();
  }
  return cache.emplace(key, std::move(v)).first->second;
}

// Customer ids: dense codes 0..k-1 as the Python layer passes them (after
// pd.factorize), or sparse ids (code * 1,000,003 + 17) that the core has to
// number through a hash map.
const Column<int64_t>& CustomerIds(size_t n, int64_t k, bool sparse) {
  static std::map<std::tuple<size_t, int64_t, bool>, Column<int64_t>> cache;
  const auto key = std::make_tuple(n, k, sparse);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Column<int64_t> v = Codes(n, k, 5);
  if (sparse) {
    for (int64_t& c : v) c = c * 1'000'003 + 17;
  }
  return cache.emplace(key, std::move(v)).first->second;
}

void SetRows(benchmark::State& state, size_t rows, size_t bytes_per_row) {
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(rows * bytes_per_row));
}

// --- Health: the per-(slice, period) table ----------------------------------------
// Args: rows, periods, slices.

// BM_HealthHistogram: one increment per row into a (slice, period, score)
// table, no validation, no statistics: the floor of Health's row pass.
void BM_HealthHistogram(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t periods = state.range(1), slices = state.range(2);
  const auto& x = Scores(n);
  const auto& p = PeriodCodes(n, periods);
  const auto& s = Codes(n, slices, 99);
  std::vector<int64_t> table(static_cast<size_t>(periods * slices) * 11);
  for (auto _ : state) {
    std::fill(table.begin(), table.end(), 0);
    for (size_t i = 0; i < n; ++i) {
      ++table[(static_cast<size_t>(s[i] * periods + p[i])) * 11 + static_cast<size_t>(x[i])];
    }
    benchmark::DoNotOptimize(table.data());
    benchmark::ClobberMemory();
  }
  SetRows(state, n, sizeof(double) + sizeof(int32_t) + sizeof(int64_t));
}
BENCHMARK(BM_HealthHistogram)->Args({10'000'000, 36, 20})->Unit(benchmark::kMillisecond);

// BM_Health: the whole table (validation, counts, shares with Wilson
// intervals, NPS with its interval, changes with tests, Holm adjustment,
// trends, flags) from pre-computed period and slice codes.
void BM_Health(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t periods = state.range(1), slices = state.range(2);
  const auto x = absl::MakeConstSpan(Scores(n));
  const auto p = absl::MakeConstSpan(PeriodCodes(n, periods));
  const auto s = absl::MakeConstSpan(Codes(n, slices, 99));
  for (auto _ : state) {
    auto table = Health(x, p, periods, s, slices);
    if (!table.ok()) state.SkipWithError("Health failed");
    benchmark::DoNotOptimize(table);
  }
  SetRows(state, n, sizeof(double) + sizeof(int32_t) + sizeof(int64_t));
}
BENCHMARK(BM_Health)->Args({10'000'000, 36, 20})->Unit(benchmark::kMillisecond);

// BM_HealthInt8Slices: BM_Health with the slice codes as int8, read as they
// are (what the Python layer passes for a categorical key of up to 126
// categories).
void BM_HealthInt8Slices(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t periods = state.range(1), slices = state.range(2);
  const auto x = absl::MakeConstSpan(Scores(n));
  const auto p = absl::MakeConstSpan(PeriodCodes(n, periods));
  const auto& wide = Codes(n, slices, 99);
  const Column<int8_t> narrow(wide.begin(), wide.end());
  const auto s = absl::MakeConstSpan(narrow);
  for (auto _ : state) {
    auto table = Health(x, p, periods, s, slices);
    if (!table.ok()) state.SkipWithError("Health failed");
    benchmark::DoNotOptimize(table);
  }
  SetRows(state, n, sizeof(double) + sizeof(int32_t) + sizeof(int8_t));
}
BENCHMARK(BM_HealthInt8Slices)->Args({10'000'000, 36, 20})->Unit(benchmark::kMillisecond);

// BM_HealthOverTime: the table from the timestamps, each row's month found in
// the counting pass (what npscore.health runs for calendar periods), int8
// slice codes. Against the same peer, it is the whole path from times to the
// table, where BM_Health starts from period codes already assigned.
void BM_HealthOverTime(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t periods = state.range(1), slices = state.range(2);
  const auto x = absl::MakeConstSpan(Scores(n));
  const auto t = absl::MakeConstSpan(Times(n, periods));
  const PeriodGrid& grid = MonthGrid(n, periods);
  const auto& wide = Codes(n, slices, 99);
  const Column<int8_t> narrow(wide.begin(), wide.end());
  const auto s = absl::MakeConstSpan(narrow);
  for (auto _ : state) {
    auto table = HealthOverTime(x, t, grid, s, slices);
    if (!table.ok()) state.SkipWithError("HealthOverTime failed");
    benchmark::DoNotOptimize(table);
  }
  SetRows(state, n, sizeof(double) + sizeof(int64_t) + sizeof(int8_t));
}
BENCHMARK(BM_HealthOverTime)->Args({10'000'000, 36, 20})->Unit(benchmark::kMillisecond);

// BM_HealthTableOnly: Health over 50 responses per (slice, period) cell, so
// the time is the statistics, tests, trends, flags and reasons of the
// 720-row table (every cell has n >= min_n), not the pass over the rows.
// Args: periods, slices.
void BM_HealthTableOnly(benchmark::State& state) {
  const int64_t periods = state.range(0), slices = state.range(1);
  std::vector<double> x;
  std::vector<int32_t> p;
  std::vector<int64_t> s;
  static const std::vector<int> table = ScoreTable();
  Rng rng(3);
  for (int64_t sl = 0; sl < slices; ++sl) {
    for (int64_t pe = 0; pe < periods; ++pe) {
      for (int k = 0; k < 50; ++k) {
        x.push_back(table[rng.Below(256)]);
        p.push_back(static_cast<int32_t>(pe));
        s.push_back(sl);
      }
    }
  }
  for (auto _ : state) {
    auto t = Health(absl::MakeConstSpan(x), absl::MakeConstSpan(p), periods,
                    absl::MakeConstSpan(s), slices);
    if (!t.ok()) state.SkipWithError("Health failed");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_HealthTableOnly)->Args({36, 20})->Unit(benchmark::kMillisecond);

// --- AssignPeriods: timestamps to calendar months ------------------------------------
// Args: rows, months.

// BM_FixedWidthBuckets: (t - t0) / width per row into int32 codes, the least
// a bucketing pass can do (one read, one write, one division per row). Fixed
// widths are not calendar months; this is the floor, not an alternative.
void BM_FixedWidthBuckets(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t months = state.range(1);
  const auto& t = Times(n, months);
  const int64_t t0 = kFirstNanos, width = (EndNanos(months) - kFirstNanos) / months + 1;
  Column<int32_t> out(n);
  for (auto _ : state) {
    const int64_t* tp = t.data();
    int32_t* op = out.data();
    for (size_t i = 0; i < n; ++i) op[i] = static_cast<int32_t>((tp[i] - t0) / width);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetRows(state, n, sizeof(int64_t) + sizeof(int32_t));
}
BENCHMARK(BM_FixedWidthBuckets)->Args({10'000'000, 36})->Unit(benchmark::kMillisecond);

// BM_AssignPeriods: each time's calendar month on the pre-built grid.
void BM_AssignPeriods(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t months = state.range(1);
  const auto t = absl::MakeConstSpan(Times(n, months));
  const PeriodGrid& grid = MonthGrid(n, months);
  Column<int32_t> out(n);
  for (auto _ : state) {
    auto st = AssignPeriods(t, grid, absl::MakeSpan(out));
    if (!st.ok()) state.SkipWithError("AssignPeriods failed");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetRows(state, n, sizeof(int64_t) + sizeof(int32_t));
}
BENCHMARK(BM_AssignPeriods)->Args({10'000'000, 36})->Unit(benchmark::kMillisecond);

// BM_CivilMonthPerRow: the month of each time by a civil-time conversion per
// row (what code without a grid does; pandas' dt.to_period("M") is of this
// kind). A reference for AssignPeriods, not its floor.
void BM_CivilMonthPerRow(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t months = state.range(1);
  const auto& t = Times(n, months);
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilMonth first(2023, 1);
  Column<int32_t> out(n);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) {
      const absl::CivilMonth m(absl::ToCivilSecond(absl::FromUnixNanos(t[i]), utc));
      out[i] = static_cast<int32_t>(m - first);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetRows(state, n, sizeof(int64_t) + sizeof(int32_t));
}
BENCHMARK(BM_CivilMonthPerRow)->Args({10'000'000, 36})->Unit(benchmark::kMillisecond);

// --- Migration: consecutive responses of each customer --------------------------------
// Args: rows, customers, sparse ids (0/1). Customers are drawn uniformly, so a
// customer has about rows / customers responses (Poisson), in random time
// order; the 36 monthly period codes are those of BM_Health.

// BM_SortPairs: std::sort of the (customer, time) pairs, restored from a copy
// before each iteration (not timed): the one sort the issue allows.
void BM_SortPairs(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t customers = state.range(1);
  const auto& c = CustomerIds(n, customers, state.range(2) != 0);
  const auto& t = Times(n, 36);
  struct Pair {
    int64_t customer, time;
  };
  Column<Pair> original(n), work(n);
  for (size_t i = 0; i < n; ++i) original[i] = Pair{c[i], t[i]};
  for (auto _ : state) {
    state.PauseTiming();
    std::copy(original.begin(), original.end(), work.begin());
    state.ResumeTiming();
    std::sort(work.begin(), work.end(), [](const Pair& a, const Pair& b) {
      return a.customer != b.customer ? a.customer < b.customer : a.time < b.time;
    });
    benchmark::DoNotOptimize(work.data());
    benchmark::ClobberMemory();
  }
  SetRows(state, n, 2 * sizeof(int64_t));
}
BENCHMARK(BM_SortPairs)
    ->Args({10'000'000, 2'000'000, 0})
    ->Args({10'000'000, 2'000'000, 1})
    ->Unit(benchmark::kMillisecond);

// BM_Migration: the 36 x 3 x 3 table of segment moves between consecutive
// responses (validation, customer numbering, the sort, the pairing).
void BM_Migration(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t customers = state.range(1);
  const auto x = absl::MakeConstSpan(Scores(n));
  const auto c = absl::MakeConstSpan(CustomerIds(n, customers, state.range(2) != 0));
  const auto t = absl::MakeConstSpan(Times(n, 36));
  const auto p = absl::MakeConstSpan(PeriodCodes(n, 36));
  for (auto _ : state) {
    auto table = Migration(x, c, t, p, 36);
    if (!table.ok()) state.SkipWithError("Migration failed");
    benchmark::DoNotOptimize(table);
  }
  SetRows(state, n, sizeof(double) + 2 * sizeof(int64_t) + sizeof(int32_t));
}
BENCHMARK(BM_Migration)
    ->Args({10'000'000, 2'000'000, 0})
    ->Args({10'000'000, 2'000'000, 1})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace npscore
