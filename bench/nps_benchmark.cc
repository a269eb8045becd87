// Benchmarks of npscore/nps.h: the single-pass counting kernels, the group
// kernel and the interval methods. Peers measured in the same binary give the
// figures meaning on a noisy machine:
//   BM_Sum           a plain sum of the same float64 column, written as numpy
//                    writes it (8 independent accumulators): the
//                    memory-bandwidth floor of any one-pass kernel;
//   BM_SumAccumulate std::accumulate, one dependent add chain (latency-bound);
//   BM_GroupHistogram the least a group count can do: one increment per row
//                    into a per-group table, no validation, no statistics.
// bench/README.md gives the figures and bench/cpp_ratios.py turns the JSON
// output into ratios against the peers.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <numeric>
#include <utility>
#include <vector>

#include "bench_common.h"
#include "benchmark/benchmark.h"
#include "npscore/nps.h"

namespace npscore {
namespace {

using bench::Codes;
using bench::Column;
using bench::Rng;
using bench::Scores;

// Group codes are drawn with this seed (BM_GroupHistogram, BM_FactorizeKeys,
// BM_SummarizeByGroup).
constexpr uint64_t kGroupSeed = 99;

// Weights in [0.5, 2): positive and finite, like account values rescaled.
const Column<double>& Weights(size_t n) {
  static std::map<size_t, Column<double>> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  Column<double> v(n);
  Rng rng(7);
  for (double& w : v) w = 0.5 + 1.5 * static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
  return cache.emplace(n, std::move(v)).first->second;
}

// --- Peers: the memory-bandwidth floor ---------------------------------------

// BM_Sum sums the float64 score column with eight independent accumulators,
// as numpy's pairwise sum does: bound by memory bandwidth, not by add latency.
void BM_Sum(benchmark::State& state) {
  const auto& x = Scores<double>(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= x.size(); i += 8) {
      for (int k = 0; k < 8; ++k) s[k] += x[i + k];
    }
    for (; i < x.size(); ++i) s[0] += x[i];
    double total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(x.size() * sizeof(double)));
}
BENCHMARK(BM_Sum)->Arg(1 << 20)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);

// BM_SumAccumulate is the naive std::accumulate: one chain of dependent adds.
void BM_SumAccumulate(benchmark::State& state) {
  const auto& x = Scores<double>(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    double total = std::accumulate(x.begin(), x.end(), 0.0);
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(x.size() * sizeof(double)));
}
BENCHMARK(BM_SumAccumulate)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);

// --- Counting kernels ----------------------------------------------------------

template <typename T>
void BM_CountSegments(benchmark::State& state) {
  const auto& x = Scores<T>(static_cast<size_t>(state.range(0)));
  const auto span = absl::MakeConstSpan(x);
  for (auto _ : state) {
    auto counts = CountSegments(span);
    if (!counts.ok()) state.SkipWithError("CountSegments failed");
    benchmark::DoNotOptimize(counts);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(x.size() * sizeof(T)));
}
BENCHMARK_TEMPLATE(BM_CountSegments, double)
    ->Arg(1 << 20)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_CountSegments, float)
    ->Arg(1 << 20)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
// 10M int8 rows (10 MB) stay in L3; 100M rows show the streaming figure.
BENCHMARK_TEMPLATE(BM_CountSegments, int8_t)
    ->Arg(1 << 20)->Arg(10'000'000)->Arg(100'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_CountSegments, int64_t)
    ->Arg(1 << 20)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// CountSegments with Missing::kSkip on a column without NaN: the same pass.
void BM_CountSegmentsSkipMissing(benchmark::State& state) {
  const auto& x = Scores<double>(static_cast<size_t>(state.range(0)));
  ScoreOptions options;
  options.missing = Missing::kSkip;
  for (auto _ : state) {
    auto counts = CountSegments(absl::MakeConstSpan(x), options);
    benchmark::DoNotOptimize(counts);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(x.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(x.size() * sizeof(double)));
}
BENCHMARK(BM_CountSegmentsSkipMissing)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// Weighted counting reads two float64 columns: scores and weights.
void BM_CountSegmentsWeighted(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto& x = Scores<double>(n);
  const auto& w = Weights(n);
  for (auto _ : state) {
    auto counts = CountSegmentsWeighted(absl::MakeConstSpan(x), absl::MakeConstSpan(w));
    if (!counts.ok()) state.SkipWithError("CountSegmentsWeighted failed");
    benchmark::DoNotOptimize(counts);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(n * 2 * sizeof(double)));
}
BENCHMARK(BM_CountSegmentsWeighted)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// SegmentInto writes one int8 code per float64 score.
void BM_SegmentInto(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const auto& x = Scores<double>(n);
  Column<int8_t> out(n);
  for (auto _ : state) {
    auto st = SegmentInto(absl::MakeConstSpan(x), absl::MakeSpan(out));
    benchmark::DoNotOptimize(st);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(n * (sizeof(double) + 1)));
}
BENCHMARK(BM_SegmentInto)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// --- By group --------------------------------------------------------------------

// BM_GroupHistogram: per-group counts of each score 0..10 with no validation
// and no statistics, the floor for a pass over (score, random code) rows.
void BM_GroupHistogram(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t groups = state.range(1);
  const auto& x = Scores<double>(n);
  const auto& codes = Codes(n, groups, kGroupSeed);
  std::vector<int64_t> table(static_cast<size_t>(groups) * 11);
  for (auto _ : state) {
    std::fill(table.begin(), table.end(), 0);
    for (size_t i = 0; i < n; ++i) {
      ++table[static_cast<size_t>(codes[i]) * 11 + static_cast<size_t>(x[i])];
    }
    benchmark::DoNotOptimize(table.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(n * (sizeof(double) + sizeof(int64_t))));
}
BENCHMARK(BM_GroupHistogram)->Args({10'000'000, 10'000})->Unit(benchmark::kMillisecond);

// FactorizeKeys: integer keys to sorted group codes (dense keys: direct
// indexing; sparse keys: hashing), the step before SummarizeByGroup.
void BM_FactorizeKeys(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t groups = state.range(1);
  const int64_t stride = state.range(2);  // 1 = dense keys, large = sparse
  const auto& codes = Codes(n, groups, kGroupSeed);
  std::vector<int64_t> keys(codes.begin(), codes.end());
  for (int64_t& k : keys) k *= stride;
  for (auto _ : state) {
    KeyCodes k = FactorizeKeys(keys);
    benchmark::DoNotOptimize(k.codes.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(n * sizeof(int64_t)));
}
BENCHMARK(BM_FactorizeKeys)
    ->Args({10'000'000, 10'000, 1})
    ->Args({10'000'000, 10'000, 1'000'003})
    ->Unit(benchmark::kMillisecond);

// SummarizeByGroup: one pass over (score, code[, weight]) rows, then one
// summary (NPS, SE, interval by `method`) per group.
void BM_SummarizeByGroup(benchmark::State& state, IntervalMethod method, bool weighted) {
  const size_t n = static_cast<size_t>(state.range(0));
  const int64_t groups = state.range(1);
  const auto& x = Scores<double>(n);
  const auto& codes = Codes(n, groups, kGroupSeed);
  const absl::Span<const double> w =
      weighted ? absl::MakeConstSpan(Weights(n)) : absl::Span<const double>();
  GroupOptions options;
  options.interval.method = method;
  for (auto _ : state) {
    auto table = SummarizeByGroup(absl::MakeConstSpan(x), absl::MakeConstSpan(codes), groups,
                                  w, options);
    if (!table.ok()) state.SkipWithError("SummarizeByGroup failed");
    benchmark::DoNotOptimize(table);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
  state.SetBytesProcessed(
      state.iterations() *
      static_cast<int64_t>(n * (sizeof(double) + sizeof(int64_t) + (weighted ? sizeof(double) : 0))));
}
BENCHMARK_CAPTURE(BM_SummarizeByGroup, adjusted_wald, IntervalMethod::kAdjustedWald, false)
    ->Args({10'000'000, 10'000})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SummarizeByGroup, score, IntervalMethod::kScore, false)
    ->Args({10'000'000, 10'000})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SummarizeByGroup, weighted_adjusted_wald, IntervalMethod::kAdjustedWald, true)
    ->Args({10'000'000, 10'000})->Unit(benchmark::kMillisecond);
// Few rows per group: the per-group statistics dominate, not the row pass.
BENCHMARK_CAPTURE(BM_SummarizeByGroup, score_many_groups, IntervalMethod::kScore, false)
    ->Args({1'000'000, 100'000})->Unit(benchmark::kMillisecond);

// --- Statistics from counts --------------------------------------------------------

// Summarize(Counts) with each interval method; the score interval solves two
// equations by bisection, the Wald intervals are closed forms.
void BM_Summarize(benchmark::State& state, IntervalMethod method, bool all_promoters) {
  const int64_t n = state.range(0);
  Counts counts;
  counts.detractors = all_promoters ? 0 : n * 19 / 100;
  counts.promoters = all_promoters ? n : n * 49 / 100;
  counts.passives = n - counts.detractors - counts.promoters;
  const IntervalOptions options{method, 0.95};
  for (auto _ : state) {
    benchmark::DoNotOptimize(counts);
    auto s = Summarize(counts, options);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Summarize, wald, IntervalMethod::kWald, false)
    ->Arg(1000)->Arg(100'000'000);
BENCHMARK_CAPTURE(BM_Summarize, adjusted_wald, IntervalMethod::kAdjustedWald, false)
    ->Arg(1000)->Arg(100'000'000);
BENCHMARK_CAPTURE(BM_Summarize, score, IntervalMethod::kScore, false)
    ->Arg(1000)->Arg(100'000'000);
// A small all-promoter sample: the upper score bound sits at the edge (+100).
BENCHMARK_CAPTURE(BM_Summarize, score_all_promoters, IntervalMethod::kScore, true)->Arg(20);

// Compare two summaries with each method (kScore inverts the score test by root finding).
void BM_Compare(benchmark::State& state, IntervalMethod method) {
  Counts a{190, 320, 490, 0}, b{230, 300, 470, 0};
  const IntervalOptions options{method, 0.95};
  const Summary sa = *Summarize(a, options), sb = *Summarize(b, options);
  for (auto _ : state) {
    benchmark::DoNotOptimize(sa);
    auto c = Compare(sa, sb, options);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Compare, wald, IntervalMethod::kWald);
BENCHMARK_CAPTURE(BM_Compare, adjusted_wald, IntervalMethod::kAdjustedWald);
BENCHMARK_CAPTURE(BM_Compare, score, IntervalMethod::kScore);

}  // namespace
}  // namespace npscore
