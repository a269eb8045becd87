// Google Benchmark cases of npscore/priority.h and npscore/themes.h: the
// top-k contact queue over 10M customers against a full sort and a partial
// selection of precomputed priorities (the work a caller would do by hand),
// and theme tagging throughput.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "npscore/priority.h"
#include "npscore/themes.h"

namespace {

constexpr int64_t kHour = 3600LL * 1000000000LL;
constexpr int64_t kNow = 1000000 * kHour;

struct Customers {
  std::vector<double> risk, clv;
  std::vector<int64_t> at;
  explicit Customers(size_t n) : risk(n), clv(n), at(n) {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0, 1);
    std::lognormal_distribution<double> ln(8, 1);
    for (size_t i = 0; i < n; ++i) {
      risk[i] = u(rng);
      clv[i] = ln(rng);
      at[i] = kNow - static_cast<int64_t>(u(rng) * 240 * kHour);
    }
  }
};

const Customers& Data(size_t n) {
  static const Customers c(n);
  return c;
}

void BM_PrioritizeTop100(benchmark::State& state) {
  const Customers& c = Data(10000000);
  npscore::PriorityOptions o;
  o.top = 100;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto q = npscore::Prioritize({c.risk, c.clv, {}, c.at, kNow}, o);
    benchmark::DoNotOptimize(q);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(c.risk.size()));
}
BENCHMARK(BM_PrioritizeTop100)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

// Peer: the priority of every row (risk x clv x the curve), then a partial
// selection of the top 100 (std::nth_element + sort), as by hand.
void BM_PeerPriorityNthElement(benchmark::State& state) {
  const Customers& c = Data(10000000);
  auto curve = npscore::Recoverability::Create();
  const size_t n = c.risk.size();
  std::vector<double> pri(n);
  std::vector<uint32_t> idx(n);
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) {
      pri[i] = c.risk[i] * c.clv[i] * (*curve)(static_cast<double>(kNow - c.at[i]) / kHour);
    }
    std::iota(idx.begin(), idx.end(), 0u);
    std::nth_element(idx.begin(), idx.begin() + 100, idx.end(),
                     [&](uint32_t a, uint32_t b) { return pri[a] > pri[b]; });
    std::sort(idx.begin(), idx.begin() + 100, [&](uint32_t a, uint32_t b) { return pri[a] > pri[b]; });
    benchmark::DoNotOptimize(idx.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
BENCHMARK(BM_PeerPriorityNthElement)->Unit(benchmark::kMillisecond);

void BM_TagComments(benchmark::State& state) {
  static const std::vector<std::string> pool{
      "The export keeps crashing", "Too expensive for what we get", "Invoices are confusing",
      "Löve the new UI", "Support was très helpful", "Setup took far too long",
      "Pages take forever to load", "Reports are hard to customize", "Please add a dark mode",
      "Great product", "Meh", "👍", "Pricing went up again, seriously? Also the app is slow"};
  std::vector<absl::string_view> comments(1000000);
  for (size_t i = 0; i < comments.size(); ++i) comments[i] = pool[(i * 7919) % pool.size()];
  auto tagger = npscore::ThemeTagger::Create(npscore::DefaultTaxonomy());
  npscore::TagOptions o;
  o.threads = static_cast<int>(state.range(0));
  for (auto _ : state) {
    auto ind = tagger->Tag(comments, o);
    benchmark::DoNotOptimize(ind);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(comments.size()));
}
BENCHMARK(BM_TagComments)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
