// The one guard for function multi-versioning in the core.
//
// A hot loop marked NPSCORE_CLONES_AVX2 (or NPSCORE_CLONES_HASWELL, which
// adds FMA and BMI) is compiled twice, for baseline x86-64 and for that
// target, and the dynamic loader picks the clone the processor runs (an
// ifunc). Baseline SSE2 code is compute-bound in the score and design-matrix
// kernels; the AVX2 clone brings them to the memory-bandwidth floor.
//
// Only GCC on x86-64 gets the clones: clang's target_clones needs a newer
// release than the distribution's, and the ifunc resolver runs before
// AddressSanitizer or ThreadSanitizer is initialised, so sanitizer builds get
// one version.
// Elsewhere the macros are empty and the baseline code is the only version.

#ifndef NPSCORE_SRC_INTERNAL_TARGET_CLONES_H_
#define NPSCORE_SRC_INTERNAL_TARGET_CLONES_H_

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define NPSCORE_CLONES_AVX2 __attribute__((target_clones("avx2", "default")))
#define NPSCORE_CLONES_HASWELL __attribute__((target_clones("arch=haswell", "default")))
#else
#define NPSCORE_CLONES_AVX2
#define NPSCORE_CLONES_HASWELL
#endif

#endif  // NPSCORE_SRC_INTERNAL_TARGET_CLONES_H_
