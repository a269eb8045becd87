// Benchmarks of npscore/clv.h. Each case has a peer in this binary, measured
// in the same run:
//   BM_SummarizeRfm  vs BM_SortPairs: std::sort of the (customer, time)
//                    pairs, what a sort-based summary would pay first;
//   BM_FitBetaGeo    vs BM_BetaGeoLikelihoodPass: one pass of log / exp over
//                    the customers, the cost of one likelihood evaluation's
//                    transcendental functions (the fit needs ~5 over all rows
//                    after its subsample warm start).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"
#include "npscore/clv.h"

namespace npscore {
namespace {

constexpr int64_t kDayNs = int64_t{86400} * 1000000000;
constexpr int64_t kStart = int64_t{19358} * kDayNs;  // 2023-01-01

struct Log {
  std::vector<int64_t> customers, times;
  std::vector<double> amounts;
};

const Log& Transactions(size_t rows, size_t n_customers) {
  static Log log;
  if (log.customers.size() != rows) {
    std::mt19937_64 gen(1);
    log.customers.resize(rows);
    log.times.resize(rows);
    log.amounts.resize(rows);
    for (size_t i = 0; i < rows; ++i) {
      log.customers[i] = static_cast<int64_t>(gen() % n_customers);
      log.times[i] = kStart + static_cast<int64_t>(gen() % static_cast<uint64_t>(730 * kDayNs));
      log.amounts[i] = static_cast<double>(gen() % 10000) / 100;
    }
  }
  return log;
}

void BM_SummarizeRfm(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  const Log& log = Transactions(rows, rows / 10);
  for (auto _ : state) {
    auto s = SummarizeRfm(log.customers, static_cast<int64_t>(rows / 10), log.times, log.amounts,
                          kStart + 731 * kDayNs, Frequency::kWeek);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_SummarizeRfm)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SortPairs(benchmark::State& state) {
  const size_t rows = static_cast<size_t>(state.range(0));
  const Log& log = Transactions(rows, rows / 10);
  std::vector<std::pair<int64_t, int64_t>> pairs(rows);
  for (auto _ : state) {
    for (size_t i = 0; i < rows; ++i) pairs[i] = {log.customers[i], log.times[i]};
    std::sort(pairs.begin(), pairs.end());
    benchmark::DoNotOptimize(pairs.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_SortPairs)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

struct Histories {
  std::vector<double> x, tx, T;
};

// BG/NBD histories with the CDNOW estimates (weeks, T on 27-39).
const Histories& Simulated(size_t n) {
  static Histories h;
  if (h.x.size() != n) {
    std::mt19937_64 gen(2);
    std::gamma_distribution<double> rate(0.243, 1 / 4.414);
    std::gamma_distribution<double> ga(0.793, 1), gb(2.426, 1);
    std::uniform_real_distribution<double> age(27, 39), unit(0, 1);
    h.x.assign(n, 0);
    h.tx.assign(n, 0);
    h.T.resize(n);
    for (size_t i = 0; i < n; ++i) {
      h.T[i] = age(gen);
      const double lam = std::max(rate(gen), 1e-12), u = ga(gen), p = u / (u + gb(gen));
      double t = 0;
      for (;;) {
        t += std::exponential_distribution<double>(lam)(gen);
        if (t > h.T[i]) break;
        h.x[i] += 1;
        h.tx[i] = t;
        if (unit(gen) < p) break;
      }
    }
  }
  return h;
}

void BM_FitBetaGeo(benchmark::State& state) {
  const Histories& h = Simulated(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto fit = FitBetaGeo(h.x, h.tx, h.T);
    if (!fit.ok()) state.SkipWithError("fit failed");
    benchmark::DoNotOptimize(fit);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FitBetaGeo)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_BetaGeoLikelihoodPass(benchmark::State& state) {
  const Histories& h = Simulated(static_cast<size_t>(state.range(0)));
  const double alpha = 4.4, r = 0.24;
  for (auto _ : state) {
    double sum = 0;
    for (size_t i = 0; i < h.x.size(); ++i) {
      const double a3 = -(r + h.x[i]) * std::log(alpha + h.T[i]);
      const double a4 = -(r + h.x[i]) * std::log(alpha + h.tx[i]);
      sum += std::max(a3, a4) + std::log1p(std::exp(-std::abs(a3 - a4)));
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BetaGeoLikelihoodPass)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace npscore
