// Data helpers shared by nps_benchmark.cc and health_benchmark.cc: the same
// allocator, generator and score distribution, so the two binaries' figures
// are comparable. Header-only; each benchmark binary includes it once.

#ifndef NPSCORE_BENCH_BENCH_COMMON_H_
#define NPSCORE_BENCH_BENCH_COMMON_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <tuple>
#include <utility>
#include <vector>

#include "src/internal/splitmix64.h"

namespace npscore {
namespace bench {

// Allocates as numpy does for large arrays: 2 MiB aligned and advised to use
// transparent huge pages, so the C++ figures see the same TLB behaviour as the
// numpy arrays the Python package hands to the kernels.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  T* allocate(size_t n) {
    constexpr size_t kHuge = size_t{2} << 20;
    const size_t bytes = (n * sizeof(T) + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, bytes);
    if (p == nullptr) throw std::bad_alloc();
    madvise(p, bytes, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
  template <typename U>
  bool operator!=(const HugePageAllocator<U>&) const { return false; }
};

template <typename T>
using Column = std::vector<T, HugePageAllocator<T>>;

// A fixed-seed generator (the core's SplitMix64), so every run sees the same data.
using Rng = npscore::internal::SplitMix64;

// A byte -> score table with a typical 0-10 answer distribution (about 19%
// detractors, 32% passives, 49% promoters), so each random byte is a score.
inline std::vector<int> ScoreTable() {
  static const int kPer256[11] = {5, 3, 4, 5, 6, 10, 16, 36, 46, 55, 70};
  std::vector<int> table;
  for (int s = 0; s <= 10; ++s) table.insert(table.end(), kPer256[s], s);
  return table;  // 256 entries
}

// The score column of `n` rows as T, generated once per (T, n) and kept.
template <typename T>
const Column<T>& Scores(size_t n) {
  static std::map<size_t, Column<T>> cache;
  auto it = cache.find(n);
  if (it != cache.end()) return it->second;
  static const std::vector<int> table = ScoreTable();
  Column<T> v(n);
  Rng rng(42);
  for (size_t i = 0; i < n; i += 8) {
    uint64_t bits = rng.Next();
    for (size_t j = i; j < n && j < i + 8; ++j, bits >>= 8) {
      v[j] = static_cast<T>(table[bits & 0xff]);
    }
  }
  return cache.emplace(n, std::move(v)).first->second;
}

// Uniformly random codes in [0, k) from the generator seeded with `seed`
// (groups, slices, customers): the cache-unfriendly case. Generated once per
// (n, k, seed) and kept.
inline const Column<int64_t>& Codes(size_t n, int64_t k, uint64_t seed) {
  static std::map<std::tuple<size_t, int64_t, uint64_t>, Column<int64_t>> cache;
  const auto key = std::make_tuple(n, k, seed);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Column<int64_t> v(n);
  Rng rng(seed);
  for (int64_t& c : v) c = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(k)));
  return cache.emplace(key, std::move(v)).first->second;
}

}  // namespace bench
}  // namespace npscore

#endif  // NPSCORE_BENCH_BENCH_COMMON_H_
