/* SplitMix64 (Steele, Lea and Flood 2014): the seeded generator of the C
   tests' simulations, the same sequence as src/internal/splitmix64.h. */
#ifndef NPSCORE_TESTS_CAPI_SPLITMIX64_H_
#define NPSCORE_TESTS_CAPI_SPLITMIX64_H_

#include <stdint.h>

static uint64_t g_state = 0;

static uint64_t next_u64(void) {
  uint64_t z = (g_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* A double uniform in [0, 1) from the top 53 bits. */
static double uniform(void) { return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

#endif /* NPSCORE_TESTS_CAPI_SPLITMIX64_H_ */
