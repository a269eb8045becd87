// Benchmarks of the churn features (npscore/churn.h) on the sizes of
// bench/bench_churn_features.py: 10M responses of 1M customers, a third of
// them after as_of. The peer, measured in the same run, gives the figure
// meaning on a noisy machine:
//   BM_ChurnFeatures  vs BM_ScatterCount: one random-access increment of a
//                     per-customer counter per response, the least any
//                     per-customer aggregation must do.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench_common.h"
#include "benchmark/benchmark.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

using bench::Column;
using bench::Rng;

constexpr int64_t kFirst = int64_t{1672531200} * 1'000'000'000;  // 2023-01-01
constexpr int64_t kDays = 3 * 365;
constexpr int64_t kPerCustomer = 10;

struct Data {
  Column<int64_t> customers, times, followed, ids, signup;
  int64_t as_of = kFirst + 2 * 365 * kNanosPerDay;
};

const Data& Make(size_t n) {
  static std::vector<std::pair<size_t, Data>> cache;
  for (auto& [k, d] : cache) {
    if (k == n) return d;
  }
  Data d;
  const size_t m = n / kPerCustomer;
  Rng rng(11);
  for (size_t r = 0; r < m; ++r) {
    d.ids.push_back(5'000'000 + static_cast<int64_t>(r));
    d.signup.push_back(kFirst - static_cast<int64_t>(rng.Below(400 * kNanosPerDay)));
  }
  for (size_t i = 0; i < n; ++i) {
    d.customers.push_back(d.ids[rng.Below(m)]);
    const int64_t t = kFirst + static_cast<int64_t>(rng.Below(kDays * kNanosPerDay));
    d.times.push_back(t);
    d.followed.push_back(rng.Below(2) ? kMissingTime
                                      : t + static_cast<int64_t>(rng.Below(5 * kNanosPerDay)));
  }
  cache.emplace_back(n, std::move(d));
  return cache.back().second;
}

void BM_ChurnFeatures(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Data& d = Make(n);
  const auto& scores = bench::Scores<double>(n);
  for (auto _ : state) {
    auto f = ComputeChurnFeatures<double>(d.customers, d.times,
                                          absl::MakeConstSpan(scores.data(), n), d.followed,
                                          d.ids, d.signup, d.as_of);
    if (!f.ok()) state.SkipWithError("ComputeChurnFeatures failed");
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

void BM_ScatterCount(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const Data& d = Make(n);
  const int64_t lo = d.ids.front();
  for (auto _ : state) {
    std::vector<int64_t> count(d.ids.size());
    for (size_t i = 0; i < n; ++i) ++count[static_cast<size_t>(d.customers[i] - lo)];
    benchmark::DoNotOptimize(count.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

BENCHMARK(BM_ChurnFeatures)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ScatterCount)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace npscore
