// Reading a whole column of a result table through the C ABI: the Arrow
// export (npscore_health_table_export_arrow, numeric columns not copied)
// against the row getter (npscore_health_table_get, one row struct per
// call). A table of 240,000 rows (2,000 slices x 120 months), the size that
// took 0.8-1.9 s to read a column of row by row from Node in 0.2.0.
// bench/README.md has the figures.

#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "benchmark/benchmark.h"
#include "npscore/c_api.h"

namespace {

constexpr size_t kSlices = 2000;
constexpr size_t kPeriods = 120;
constexpr size_t kPerCell = 3;

npscore_health_table* Table() {
  static npscore_health_table* table = [] {
    const size_t n = kSlices * kPeriods * kPerCell;
    std::vector<int8_t> scores(n);
    std::vector<int32_t> periods(n);
    std::vector<int64_t> slices(n);
    std::mt19937_64 rng(7);
    for (size_t i = 0; i < n; ++i) {
      scores[i] = static_cast<int8_t>(rng() % 11);
      periods[i] = static_cast<int32_t>((i / kPerCell) % kPeriods);
      slices[i] = static_cast<int64_t>(i / (kPerCell * kPeriods));
    }
    npscore_health_table* t = nullptr;
    if (npscore_health_table_new(&t, scores.data(), NPSCORE_I8, n, periods.data(), kPeriods,
                                 slices.data(), kSlices, nullptr, nullptr, nullptr) != NPSCORE_OK) {
      std::abort();
    }
    return t;
  }();
  return table;
}

// The sum of the nps column read with one npscore_health_table_get per row.
void BM_HealthColumnRowGetter(benchmark::State& state) {
  npscore_health_table* t = Table();
  const size_t rows = npscore_health_table_size(t);
  for (auto _ : state) {
    double sum = 0;
    npscore_health_row r;
    for (size_t i = 0; i < rows; ++i) {
      npscore_health_table_get(&r, t, i, nullptr);
      sum += r.nps == r.nps ? r.nps : 0.0;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_HealthColumnRowGetter)->Unit(benchmark::kMillisecond);

// The same sum through a whole-table Arrow export (all 51 columns, the text
// column `reasons` copied), then its release.
void BM_HealthColumnArrowExport(benchmark::State& state) {
  npscore_health_table* t = Table();
  const size_t rows = npscore_health_table_size(t);
  for (auto _ : state) {
    ArrowArray a;
    ArrowSchema s;
    npscore_health_table_export_arrow(&a, &s, t, nullptr);
    int64_t k = 0;
    while (std::strcmp(s.children[k]->name, "nps") != 0) ++k;
    const double* nps = static_cast<const double*>(a.children[k]->buffers[1]);
    double sum = 0;
    for (size_t i = 0; i < rows; ++i) sum += nps[i] == nps[i] ? nps[i] : 0.0;
    benchmark::DoNotOptimize(sum);
    a.release(&a);
    s.release(&s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(rows));
}
BENCHMARK(BM_HealthColumnArrowExport)->Unit(benchmark::kMillisecond);

}  // namespace
