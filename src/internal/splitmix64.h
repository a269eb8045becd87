// src/internal/splitmix64.h: SplitMix64 (Steele, Lea and Flood 2014), a
// 64-bit generator whose output is fixed by its seed alone, so the folds of
// ChurnFolds (and the benchmarks' data) are the same on every platform.

#ifndef NPSCORE_SRC_INTERNAL_SPLITMIX64_H_
#define NPSCORE_SRC_INTERNAL_SPLITMIX64_H_

#include <cstdint>

namespace npscore {
namespace internal {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound >= 1: draws in the last partial block of
  // 2^64 are rejected, so no value is favoured.
  uint64_t Below(uint64_t bound) {
    const uint64_t reject_below = (0 - bound) % bound;  // 2^64 mod bound
    for (;;) {
      const uint64_t r = Next();
      if (r >= reject_below) return r % bound;
    }
  }

 private:
  uint64_t state_;
};

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_SPLITMIX64_H_
