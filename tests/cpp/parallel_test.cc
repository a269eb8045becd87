// The core's one thread policy (src/internal/parallel.h): the caller's
// `threads` option is honoured, automatic counts follow the work, chunks
// cover the rows once, and results do not depend on the thread count.

#include "src/internal/parallel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "npscore/clv.h"
#include "npscore/limits.h"
#include "npscore/nps.h"
#include "tests/cpp/cdnow.h"

namespace npscore {
namespace {

using internal::HardwareThreads;
using internal::RunChunks;
using internal::ThreadCount;

TEST(ThreadCount, HonoursTheCallersOption) {
  // Far less work than one automatic thread would wait for: still as asked.
  EXPECT_EQ(ThreadCount(4, 1000, size_t{1} << 20), 4u);
  EXPECT_EQ(ThreadCount(1, 1 << 30, 1), 1u);
  EXPECT_EQ(ThreadCount(kMaxThreads, 1 << 20, 1), static_cast<size_t>(kMaxThreads));
  // The automatic cap (themes, priority: 8) does not bind an explicit request.
  EXPECT_EQ(ThreadCount(12, 1 << 20, 1, 8), 12u);
  // Never more threads than items, never none.
  EXPECT_EQ(ThreadCount(4, 3, 1), 3u);
  EXPECT_EQ(ThreadCount(4, 0, 1), 1u);
}

TEST(ThreadCount, AutomaticFollowsTheWork) {
  EXPECT_EQ(ThreadCount(0, 0, 100), 1u);
  EXPECT_EQ(ThreadCount(0, 199, 100), 1u);  // rounded down: each thread gets >= 100
  EXPECT_EQ(ThreadCount(0, 200, 100), std::min<size_t>(2, HardwareThreads()));
  EXPECT_EQ(ThreadCount(0, size_t{1} << 40, 1), HardwareThreads());
  EXPECT_EQ(ThreadCount(0, size_t{1} << 40, 1, 1), 1u);
  EXPECT_EQ(ThreadCount(0, 10, 0), std::min<size_t>(10, HardwareThreads()));  // 0 read as 1
}

TEST(RunChunks, CoversEveryItemOnceOnDistinctThreads) {
  constexpr size_t kItems = 1001, kChunks = 4;
  std::vector<int> seen(kItems, 0);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::vector<size_t> chunk_of(kItems, kChunks);
  ASSERT_TRUE(RunChunks(kItems, kChunks, [&](size_t k, size_t first, size_t last) {
                {
                  std::lock_guard<std::mutex> lock(mu);
                  ids.insert(std::this_thread::get_id());
                }
                for (size_t i = first; i < last; ++i) {
                  ++seen[i];
                  chunk_of[i] = k;
                }
                return absl::OkStatus();
              }).ok());
  for (size_t i = 0; i < kItems; ++i) ASSERT_EQ(seen[i], 1) << "item " << i;
  // Consecutive ranges in chunk order.
  for (size_t i = 1; i < kItems; ++i) ASSERT_LE(chunk_of[i - 1], chunk_of[i]);
  EXPECT_EQ(chunk_of.back(), kChunks - 1);
  EXPECT_EQ(ids.size(), kChunks);
}

TEST(RunChunks, TheEarliestFailingChunkWins) {
  const absl::Status st = RunChunks(100, 4, [](size_t k, size_t, size_t) {
    return k >= 1 ? absl::InvalidArgumentError(std::to_string(k)) : absl::OkStatus();
  });
  EXPECT_EQ(st.message(), "1");
}

// Records the largest chunk count of the passes run while it is alive.
class ChunkRecorder {
 public:
  ChunkRecorder() {
    most_.store(0);
    internal::run_chunks_observer.store(&Observe);
  }
  ~ChunkRecorder() { internal::run_chunks_observer.store(nullptr); }
  size_t most() const { return most_.load(); }

 private:
  static void Observe(size_t chunks) {
    size_t seen = most_.load();
    while (chunks > seen && !most_.compare_exchange_weak(seen, chunks)) {
    }
  }
  static inline std::atomic<size_t> most_{0};
};

TEST(ThreadOption, SummarizeByGroupUsesTheThreadsAskedForWithTheSameResult) {
  std::vector<double> scores(20000);
  std::vector<int32_t> codes(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = static_cast<double>((i * 7) % 11);
    codes[i] = static_cast<int32_t>((i * 13) % 5);
  }
  GroupOptions one;
  one.threads = 1;
  GroupOptions three;
  three.threads = 3;
  absl::StatusOr<GroupTable> a, b;
  {
    ChunkRecorder rec;
    a = SummarizeByGroup<double, int32_t>(scores, codes, 5, {}, one);
    EXPECT_EQ(rec.most(), 1u);
  }
  {
    ChunkRecorder rec;
    b = SummarizeByGroup<double, int32_t>(scores, codes, 5, {}, three);
    EXPECT_EQ(rec.most(), 3u);  // 20,000 rows: automatic would use one
  }
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->n, b->n);
  EXPECT_EQ(a->detractors, b->detractors);
  EXPECT_EQ(a->promoters, b->promoters);
  EXPECT_EQ(a->nps, b->nps);
  EXPECT_EQ(a->ci_low, b->ci_low);
}

TEST(ThreadOption, FitBetaGeoUsesTheThreadsAskedForWithTheSameFit) {
  const test_data::Cdnow cdnow = test_data::LoadCdnow();
  const std::vector<double>& x = cdnow.x;
  const std::vector<double>& tx = cdnow.tx;
  const std::vector<double>& T = cdnow.T;
  ASSERT_EQ(x.size(), 2357u);
  FitOptions one;
  one.threads = 1;
  FitOptions four;
  four.threads = 4;
  absl::StatusOr<BetaGeoFit> a, b;
  {
    ChunkRecorder rec;
    a = FitBetaGeo(x, tx, T, {}, one);
    EXPECT_EQ(rec.most(), 1u);
  }
  {
    ChunkRecorder rec;
    b = FitBetaGeo(x, tx, T, {}, four);
    EXPECT_EQ(rec.most(), 4u);  // 2,357 customers: automatic would use one
  }
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_TRUE(a->info.converged && b->info.converged);
  // Per-thread partial sums change only the rounding of the likelihood.
  EXPECT_NEAR(a->params.r, b->params.r, 1e-7 * a->params.r);
  EXPECT_NEAR(a->params.alpha, b->params.alpha, 1e-7 * a->params.alpha);
  EXPECT_NEAR(a->params.a, b->params.a, 1e-7 * a->params.a);
  EXPECT_NEAR(a->params.b, b->params.b, 1e-7 * a->params.b);
  EXPECT_NEAR(a->info.log_likelihood, b->info.log_likelihood,
              1e-10 * std::abs(a->info.log_likelihood));
}

}  // namespace
}  // namespace npscore
