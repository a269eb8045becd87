// Google Benchmark cases of npscore/monitor.h: batch ingest throughput against
// a plain loop summing the scores (the least any consumer of a stream does),
// and the latency of single-response ingest (percentiles as counters).
//
// The stream: 2^20 responses a batch, 100 a second of stream time, about 19%
// detractors (bench_common.h's score table), 8 slices, values and risks. Each
// iteration ingests the next batch (times move on), and the cases opened by
// the batch before are closed between iterations (not timed): the monitor
// stays in its steady state, as in a service whose owners close cases.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <fstream>
#include <new>
#include <vector>

#include "bench_common.h"
#include "npscore/monitor.h"

// Every allocation of the process, counted, so the benchmarks can show that
// steady-state ingest allocates nothing.
static std::atomic<int64_t> g_allocations{0};

#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // new is malloc here
void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

constexpr int64_t kSecond = 1000000000LL;
constexpr int64_t kT0 = 1750000000LL * kSecond;
constexpr size_t kBatch = size_t{1} << 20;

struct Batch {
  std::vector<int64_t> customer, time;
  std::vector<double> score, clv, risk;
  std::vector<int32_t> slice;
  explicit Batch(size_t n) : customer(n), time(n), score(n), clv(n), risk(n), slice(n) {
    npscore::bench::Rng rng(21);
    const std::vector<int> table = npscore::bench::ScoreTable();
    for (size_t i = 0; i < n; ++i) {
      const uint64_t u = rng.Next();
      customer[i] = static_cast<int64_t>(u >> 40);
      time[i] = kT0 + static_cast<int64_t>(i) * (kSecond / 100) + static_cast<int64_t>(u % 1000);
      score[i] = table[u & 255];
      slice[i] = static_cast<int32_t>((u >> 8) & 7);
      clv[i] = 100 + static_cast<double>((u >> 16) & 4095);
      risk[i] = static_cast<double>((u >> 28) & 1023) / 1023;
    }
  }
  npscore::MonitorColumns Columns() const { return {customer, score, time, slice, clv, risk, {}}; }
  void MoveOn() {  // the next batch of the stream
    const int64_t span = static_cast<int64_t>(time.size()) * (kSecond / 100);
    for (int64_t& t : time) t += span;
  }
};

// Mode 0: counts and windows only; 1: cases too; 2: cases and health
// periods (days in Berlin: one closes every 8.6M responses of the stream).
npscore::MonitorOptions Options(int64_t mode) {
  npscore::MonitorOptions o;
  o.n_slices = 8;
  o.capacities.assign(16, 1 << 20);
  o.open_detractors = mode != 0;
  o.health = mode == 2;
  o.health_frequency = npscore::Frequency::kDay;
  o.time_zone = "Europe/Berlin";
  return o;
}

void CloseAll(npscore::Monitor& m, std::vector<npscore::Alert>& alerts) {
  for (const npscore::Alert& a : alerts) {
    if (a.kind == npscore::AlertKind::kCaseOpened) {
      (void)m.CloseCase(a.key, a.key.responded_at, npscore::CaseOutcome::kRecovered);
    }
  }
  alerts.clear();
}

void BM_MonitorIngestBatch(benchmark::State& state) {
  Batch b(kBatch);
  npscore::Monitor m = *npscore::Monitor::Create(Options(state.range(0)));
  std::vector<npscore::Alert> alerts;
  alerts.reserve(kBatch);
  // Ten batches (29 h of stream) first: the case table and the deadlines
  // (closed cases leave them when their 24 h deadline passes) reach their size.
  for (int k = 0; k < 10; ++k) {
    CloseAll(m, alerts);
    b.MoveOn();
    (void)m.IngestBatch(b.Columns(), &alerts);
  }
  int64_t allocations = 0;
  for (auto _ : state) {
    state.PauseTiming();
    CloseAll(m, alerts);
    b.MoveOn();
    const int64_t before = g_allocations.load();
    state.ResumeTiming();
    const absl::Status s = m.IngestBatch(b.Columns(), &alerts);
    state.PauseTiming();
    allocations += g_allocations.load() - before;
    state.ResumeTiming();
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
  state.counters["open_cases"] = static_cast<double>(m.open_cases());
  // Allocations per ingested response, in the steady state (0 expected).
  state.counters["allocs_per_response"] =
      static_cast<double>(allocations) / (static_cast<double>(state.iterations()) * kBatch);
}
BENCHMARK(BM_MonitorIngestBatch)->Arg(1)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond);

// Peer: a plain loop over the same column, summing the scores.
void BM_PeerSumScores(benchmark::State& state) {
  const Batch b(kBatch);
  for (auto _ : state) {
    double sum = 0;
    for (double s : b.score) sum += s;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
}
BENCHMARK(BM_PeerSumScores)->Unit(benchmark::kMillisecond);

// Single-response ingest, each call timed on its own: p50, p99 and p99.9 in
// nanoseconds (the clock's own cost, about 20 ns, included).
void BM_MonitorIngestLatency(benchmark::State& state) {
  Batch b(kBatch);
  npscore::Monitor m = *npscore::Monitor::Create(Options(true));
  std::vector<npscore::Alert> alerts;
  alerts.reserve(kBatch);
  std::vector<int64_t> ns;
  ns.reserve(4 * kBatch);
  for (int k = 0; k < 10; ++k) {  // to the steady state, as above
    CloseAll(m, alerts);
    b.MoveOn();
    (void)m.IngestBatch(b.Columns(), &alerts);
  }
  for (auto _ : state) {
    state.PauseTiming();
    CloseAll(m, alerts);
    b.MoveOn();
    state.ResumeTiming();
    npscore::MonitorResponse r;
    for (size_t i = 0; i < kBatch; ++i) {
      r.customer = b.customer[i];
      r.score = b.score[i];
      r.time = b.time[i];
      r.slice = b.slice[i];
      r.clv = b.clv[i];
      r.churn_risk = b.risk[i];
      const auto t0 = std::chrono::steady_clock::now();
      const absl::Status s = m.Ingest(r, &alerts);
      const auto t1 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(s);
      ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
    }
  }
  std::sort(ns.begin(), ns.end());
  const auto at = [&](double q) { return static_cast<double>(ns[static_cast<size_t>(q * (ns.size() - 1))]); };
  state.counters["p50_ns"] = at(0.5);
  state.counters["p99_ns"] = at(0.99);
  state.counters["p999_ns"] = at(0.999);
  state.counters["max_ns"] = static_cast<double>(ns.back());
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
}
BENCHMARK(BM_MonitorIngestLatency)->Iterations(4)->Unit(benchmark::kMillisecond);

// The resident set size of the process now, in MiB (Linux).
double RssMiB() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * 4096 / (1 << 20);
}

// Memory against the number of responses: 100 batches (10^8 responses,
// 290 days of stream, cases closed a batch later), the process's RSS after
// 1, 10 and 100 batches. Flat: the state is bounded by slices x steps + open cases.
void BM_MonitorStream1e8(benchmark::State& state) {
  for (auto _ : state) {
    Batch b(kBatch);
    npscore::Monitor m = *npscore::Monitor::Create(Options(true));
    std::vector<npscore::Alert> alerts;
    alerts.reserve(kBatch);
    for (int k = 1; k <= 100; ++k) {
      CloseAll(m, alerts);
      b.MoveOn();
      (void)m.IngestBatch(b.Columns(), &alerts);
      if (k == 1 || k == 10 || k == 100) state.counters["rss_mib_" + std::to_string(k)] = RssMiB();
    }
    state.counters["responses"] = static_cast<double>(m.Snapshot().responses);
  }
}
BENCHMARK(BM_MonitorStream1e8)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
