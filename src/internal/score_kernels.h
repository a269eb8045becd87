// Private kernels shared by the core's modules: score validation, the
// vectorized block tally, error texts and interval helpers. Not installed.

#ifndef NPSCORE_SRC_INTERNAL_SCORE_KERNELS_H_
#define NPSCORE_SRC_INTERNAL_SCORE_KERNELS_H_

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <type_traits>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "npscore/nps.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace internal {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Rows are processed in blocks: the inner loop is branch-free (so the
// compiler vectorizes it) and only a block with a bad value is scanned again
// to name the first offending row.
constexpr size_t kBlock = 2048;

// Adding then subtracting 2^52 (2^23 for float) rounds a value below it to a
// whole number, so x is whole iff the round trip gives x back. Unlike a cast
// to an integer it has no undefined behaviour on NaN or huge values and
// vectorizes without SSE4.1.
template <typename T>
inline bool IsWhole(T x) {
  constexpr T kRound = std::is_same_v<T, float> ? T(8388608.0f)
                                                : T(4503599627370496.0);
  return (x + kRound) - kRound == x;
}

// A cutoff as the score's own type, saturated so that narrow types compare
// correctly (an int8 column can never exceed a scale_max of 200).
template <typename T>
inline T AsScore(int v) {
  if constexpr (std::is_integral_v<T>) {
    // v >= 0 (validated cutoffs), so comparing as uint64_t is exact.
    constexpr T kMax = std::numeric_limits<T>::max();
    if (static_cast<uint64_t>(v) > static_cast<uint64_t>(kMax)) return kMax;
    return static_cast<T>(v);
  } else {
    return static_cast<T>(v);
  }
}

template <typename T>
inline bool IsMissing(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    return x != x;
  } else {
    (void)x;
    return false;
  }
}

// True if x is a valid score on 0..scale_max (NaN is not).
template <typename T>
inline bool IsValidScore(T x, T scale_max) {
  if constexpr (std::is_floating_point_v<T>) {
    return (x >= T(0)) & (x <= scale_max) & IsWhole(x);
  } else if constexpr (std::is_signed_v<T>) {
    return (x >= T(0)) & (x <= scale_max);
  } else {
    return x <= scale_max;
  }
}

// A value as error messages print it: integers in full, floating-point
// values by their shortest text that reads back as the same value
// (7.0000001 stays 7.0000001, never "7"); "NaN", "inf" and "-inf".
template <typename T>
std::string ValueText(T x) {
  if constexpr (std::is_floating_point_v<T>) {
    if (x != x) return "NaN";
    char buf[64];
    const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
  } else if constexpr (std::is_signed_v<T>) {
    return absl::StrCat(static_cast<int64_t>(x));
  } else {
    return absl::StrCat(static_cast<uint64_t>(x));
  }
}

// The error for the first bad score in [begin, end), or OK if there is none.
template <typename T>
absl::Status FindBadScore(absl::Span<const T> scores, size_t begin, size_t end,
                          const Cutoffs& cutoffs, Missing missing) {
  const T scale_max = AsScore<T>(cutoffs.scale_max);
  for (size_t i = begin; i < end; ++i) {
    const T x = scores[i];
    if (IsMissing(x)) {
      if (missing == Missing::kSkip) continue;
      return absl::InvalidArgumentError(absl::StrCat(
          "score at row ", i,
          " is missing (NaN); ask to skip missing scores (Python: missing=\"skip\", C: NPSCORE_MISSING_SKIP) to leave them out"));
    }
    if (IsValidScore(x, scale_max)) continue;
    if constexpr (std::is_floating_point_v<T>) {
      if (x >= T(0) && x <= scale_max) {
        return absl::InvalidArgumentError(
            absl::StrCat("score at row ", i, " is ", ValueText(x),
                         ": scores must be whole numbers"));
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat("score at row ", i, " is ", ValueText(x),
                     ": outside the scale 0..", cutoffs.scale_max));
  }
  return absl::OkStatus();
}

// The error for the first bad weight in [begin, end). Rows whose score is
// missing (and skipped) are left out whole, their weight unchecked.
template <typename T>
absl::Status CheckWeights(absl::Span<const double> weights, absl::Span<const T> scores,
                          size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const double w = weights[i];
    if (IsMissing(scores[i])) continue;
    if (!(w >= 0 && w <= std::numeric_limits<double>::max())) {
      return absl::InvalidArgumentError(
          absl::StrCat("weight at row ", i, " is ", ValueText(w),
                       ": weights must be finite and >= 0"));
    }
  }
  return absl::OkStatus();
}

inline absl::Status CheckLength(const char* what, size_t got, size_t want) {
  if (got == want) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      what, " has ", got, " rows but scores has ", want, " rows"));
}

// Segment index 0 (detractor), 1 (passive), 2 (promoter) of a valid score.
template <typename T>
inline int SegmentIndex(T x, T detractor_max, T passive_max) {
  return static_cast<int>(x > detractor_max) + static_cast<int>(x > passive_max);
}

// Per-block tallies of a score column. Integer accumulators as wide as the
// comparison masks let the compiler keep one counter per vector lane (a
// floating-point sum would be reduced in order, one lane at a time).
template <typename T>
using TallyAcc = std::conditional_t<(sizeof(T) <= 4), int32_t, int64_t>;

struct Tally {
  int64_t det = 0, pro = 0, missing = 0, invalid = 0;
};

// Counts detractors, promoters, missing and invalid scores of p[0..n). Reads
// through a raw pointer: Debian's hardened Abseil bounds-checks every
// Span::operator[], which would keep the loop from vectorizing.
template <typename T>
__attribute__((always_inline)) inline Tally TallyBlockImpl(const T* __restrict p, size_t n,
                                                           T dmax, T pmax, T smax) {
  using A = TallyAcc<T>;
  A det = 0, pro = 0, missing = 0, invalid = 0;
  for (size_t i = 0; i < n; ++i) {
    const T x = p[i];
    det += x <= dmax ? A(1) : A(0);
    pro += x > pmax ? A(1) : A(0);
    missing += IsMissing(x) ? A(1) : A(0);
    invalid += IsValidScore(x, smax) ? A(0) : A(1);
  }
  return {static_cast<int64_t>(det), static_cast<int64_t>(pro),
          static_cast<int64_t>(missing), static_cast<int64_t>(invalid)};
}

// The tallies of one block: TallyBlockImpl, dispatched at load time to an
// AVX2 clone where the processor has one (defined in nps.cc for every score
// type the core supports).
template <typename T>
Tally TallyBlock(const T* p, size_t n, T dmax, T pmax, T smax);

// The block-wise score validation shared by every counting kernel: for each
// block of kBlock rows of [first, last), in order, one vectorized tally
// (TallyBlock) checks the scores; a block with a bad score (or a missing one
// unless `missing` is kSkip) returns bad_block(begin, end), the error naming
// its first bad row, and a valid block goes to body(begin, end, tally), whose
// error stops the pass. No allocation; body's own pass over the block finds
// it in cache.
template <typename T, typename Body, typename BadBlock>
absl::Status ForEachValidBlock(absl::Span<const T> scores, size_t first, size_t last,
                               const Cutoffs& cutoffs, Missing missing, const Body& body,
                               const BadBlock& bad_block) {
  const T dmax = AsScore<T>(cutoffs.detractor_max);
  const T pmax = AsScore<T>(cutoffs.passive_max);
  const T smax = AsScore<T>(cutoffs.scale_max);
  const T* sp = scores.data();
  for (size_t begin = first; begin < last; begin += kBlock) {
    const size_t end = std::min(last, begin + kBlock);
    const Tally t = TallyBlock(sp + begin, end - begin, dmax, pmax, smax);
    const int64_t allowed = missing == Missing::kSkip ? t.missing : 0;
    if (ABSL_PREDICT_FALSE(t.invalid != allowed)) return bad_block(begin, end);
    NPSCORE_RETURN_IF_ERROR(body(begin, end, t));
  }
  return absl::OkStatus();
}

// The same, the error of a bad block being FindBadScore's.
template <typename T, typename Body>
absl::Status ForEachValidBlock(absl::Span<const T> scores, size_t first, size_t last,
                               const Cutoffs& cutoffs, Missing missing, const Body& body) {
  return ForEachValidBlock(scores, first, last, cutoffs, missing, body,
                           [&](size_t begin, size_t end) {
                             return FindBadScore(scores, begin, end, cutoffs, missing);
                           });
}

// The critical value of a two-sided interval at `confidence`.
double Critical(double confidence);

// Tango's (1998) restricted maximum-likelihood detractor share of segment
// counts (possibly fractional) when their NPS, on -1..1, is held at theta;
// within the shares that NPS allows.
double RestrictedDetractorShare(double det, double pas, double pro, double theta);

// A Summary with the options' method and confidence and NaN statistics.
Summary EmptySummary(const IntervalOptions& options);

// Fills the statistics of `s` (NPS, SE, interval) from its counts, n > 0;
// z is Critical(confidence).
void FillStatistics(Summary& s, double z);

}  // namespace internal
}  // namespace npscore

// Expands X(T) for every score element type the core supports: the one list
// behind each module's explicit template instantiations.
#define NPSCORE_FOR_EACH_SCORE_TYPE(X) \
  X(double)                            \
  X(float)                             \
  X(int8_t)                            \
  X(int16_t)                           \
  X(int32_t)                           \
  X(int64_t)                           \
  X(uint8_t)                           \
  X(uint16_t)                          \
  X(uint32_t)                          \
  X(uint64_t)

#endif  // NPSCORE_SRC_INTERNAL_SCORE_KERNELS_H_
