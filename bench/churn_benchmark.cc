// Benchmarks of the churn model (npscore/churn.h):
//   BM_ChurnFit          Newton fit on rows x 30 features, tol 1e-10 (the
//                        Python bench compares it with scikit-learn's lbfgs);
//   BM_ChurnExplain      P(churn) and the top-3 reasons per row, one thread;
//   BM_ChurnPredict      P(churn) only, one thread;
//   BM_MatrixSum         a plain sum over the same matrix: the memory floor
//                        of any one-pass scoring kernel (the peer).
// Items per second are rows per second.

#include <cmath>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

constexpr size_t kFeatures = 30;

struct Data {
  std::vector<double> x, y;
  size_t n;
};

const Data& Make(size_t n) {
  static std::vector<std::pair<size_t, Data>> cache;
  for (auto& [k, d] : cache)
    if (k == n) return d;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> norm(0, 1);
  std::uniform_real_distribution<double> unif;
  std::vector<double> beta(kFeatures);
  for (auto& b : beta) b = 0.3 * norm(rng);
  Data d{std::vector<double>(n * kFeatures), std::vector<double>(n), n};
  for (size_t i = 0; i < n; ++i) {
    double z = -1;
    for (size_t j = 0; j < kFeatures; ++j) {
      const double x = j % 3 == 0 ? (unif(rng) < 0.2 ? 1.0 : 0.0) : norm(rng);
      d.x[i * kFeatures + j] = x;
      z += beta[j] * x;
    }
    d.y[i] = unif(rng) < 1 / (1 + std::exp(-z)) ? 1 : 0;
  }
  cache.emplace_back(n, std::move(d));
  return cache.back().second;
}

MatrixView View(const Data& d) { return MatrixView{d.x, d.n, kFeatures, true}; }

void BM_ChurnFit(benchmark::State& state) {
  const Data& d = Make(static_cast<size_t>(state.range(0)));
  ChurnFitOptions o;
  o.tol = 1e-10;
  o.threads = static_cast<int>(state.range(1));
  for (auto _ : state) {
    auto m = FitChurnModel(View(d), d.y, {}, o);
    benchmark::DoNotOptimize(m);
    state.counters["iterations"] = m->info.n_iter;
  }
  state.SetItemsProcessed(state.iterations() * d.n);
}
BENCHMARK(BM_ChurnFit)->Args({1000000, 1})->Args({1000000, 0})->Unit(benchmark::kMillisecond);

void Score(benchmark::State& state, int top) {
  const Data& d = Make(static_cast<size_t>(state.range(0)));
  ChurnFitOptions o;
  o.threads = 0;
  const ChurnModel m = *FitChurnModel(View(d), d.y, {}, o);
  std::vector<double> p(d.n), c(d.n * top);
  std::vector<int32_t> f(d.n * top);
  for (auto _ : state) {
    auto st = ExplainChurn(m, View(d), top, absl::MakeSpan(p), absl::MakeSpan(f),
                           absl::MakeSpan(c), 1);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(p.data());
  }
  state.SetItemsProcessed(state.iterations() * d.n);
}
void BM_ChurnExplain(benchmark::State& state) { Score(state, 3); }
void BM_ChurnPredict(benchmark::State& state) { Score(state, 0); }
BENCHMARK(BM_ChurnExplain)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChurnPredict)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_MatrixSum(benchmark::State& state) {
  const Data& d = Make(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    const double* x = d.x.data();
    const size_t m = d.x.size();
    for (size_t i = 0; i + 8 <= m; i += 8)
      for (int k = 0; k < 8; ++k) s[k] += x[i + k];
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * d.n);
}
BENCHMARK(BM_MatrixSum)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace npscore
