// The one thread policy and the one parallel runner of the core.
//
// Policy (ThreadCount). A pass over `items` items (rows, comments, buckets)
// runs on
//   - exactly `requested` threads when the caller's option gives 1..kMaxThreads
//     (CheckThreads has validated it), never more than there are items, so no
//     thread starts without work;
//   - when it is 0 (automatic): one thread per `min_items` items (rounded
//     down, at least one), at most the machine's hardware threads and
//     `automatic_max`.
// A caller may lower the result further for memory only (each thread holds
// its own accumulators: churn's Hessians, the by-group tallies), and says so
// where its option is documented. Passes whose result would depend on the
// split (a weighted sum in floating point) stay on one thread.
//
// Runner (RunChunks). Splits [0, items) into consecutive chunks, one per
// thread, this thread included; the earliest failing chunk's status wins, so
// an error names the first bad row as a single pass would.

#ifndef NPSCORE_SRC_INTERNAL_PARALLEL_H_
#define NPSCORE_SRC_INTERNAL_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace npscore {
namespace internal {

// Rows per thread below which a counting pass stays on one thread.
inline constexpr size_t kRowsPerThread = size_t{1} << 20;

// The machine's hardware threads (at least 1), asked once.
inline size_t HardwareThreads() {
  static const size_t hw = std::max(1u, std::thread::hardware_concurrency());
  return hw;
}

// The threads a pass over `items` items runs on, by the policy above.
// `requested` is the caller's validated option (0 = automatic).
inline size_t ThreadCount(int requested, size_t items, size_t min_items,
                          size_t automatic_max = static_cast<size_t>(-1)) {
  const size_t most = std::max<size_t>(1, items);
  if (requested > 0) return std::min(static_cast<size_t>(requested), most);
  const size_t by_work = items / std::max<size_t>(1, min_items);
  return std::max<size_t>(1, std::min({by_work, HardwareThreads(), automatic_max, most}));
}

// Test hook: when set, RunChunks reports the chunks (threads) of each pass,
// so a test can check that the caller's option reached it.
inline std::atomic<void (*)(size_t chunks)> run_chunks_observer{nullptr};

// Runs work(k, first, last) for `chunks` consecutive ranges k = 0..chunks-1
// covering [0, items), on up to `chunks` threads (this one included; if a
// thread cannot be started, this thread runs its chunk). Returns the status
// of the earliest failing chunk.
template <typename Work>
absl::Status RunChunks(size_t items, size_t chunks, const Work& work) {
  if (auto* observe = run_chunks_observer.load(std::memory_order_relaxed)) observe(chunks);
  if (chunks <= 1) return work(size_t{0}, size_t{0}, items);
  std::vector<absl::Status> status(chunks);
  std::vector<std::thread> pool;
  const size_t chunk = (items + chunks - 1) / chunks;
  auto run = [&](size_t k) {
    status[k] = work(k, std::min(items, k * chunk), std::min(items, (k + 1) * chunk));
  };
  size_t started = 1;
  try {
    pool.reserve(chunks - 1);
    for (; started < chunks; ++started) pool.emplace_back(run, started);
  } catch (const std::system_error&) {
    // No more threads to be had: this thread takes the remaining chunks.
  } catch (const std::bad_alloc&) {
    // Likewise when the pool itself cannot grow.
  }
  for (size_t k = started; k < chunks; ++k) run(k);
  run(0);
  for (auto& th : pool) th.join();
  for (const absl::Status& st : status) {
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_PARALLEL_H_
