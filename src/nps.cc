// Segmentation and NPS with uncertainty: kernels, intervals and comparisons.

#include "npscore/nps.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "npscore/limits.h"
#include "src/internal/bounds.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"
#include "src/internal/target_clones.h"

namespace npscore {
namespace internal {

// On baseline x86-64 (SSE2) these loops are compute-bound: the whole-number
// test costs several operations per element and 64-bit compares need SSE4.2.
// An AVX2 clone, picked at load time where the processor has it, brings
// them to the memory-bandwidth floor. 8-bit columns are faster as they are.
#define NPSCORE_CLONED_TALLY_(T, Name)                                                   \
  NPSCORE_CLONES_AVX2 Tally Name(const T* p, size_t n, T dmax, T pmax, T smax) {         \
    return TallyBlockImpl(p, n, dmax, pmax, smax);                                       \
  }                                                                                      \
  template <>                                                                            \
  Tally TallyBlock<T>(const T* p, size_t n, T dmax, T pmax, T smax) {                    \
    return Name(p, n, dmax, pmax, smax);                                                 \
  }
NPSCORE_CLONED_TALLY_(double, TallyBlockF64)
NPSCORE_CLONED_TALLY_(float, TallyBlockF32)
NPSCORE_CLONED_TALLY_(int64_t, TallyBlockI64)
NPSCORE_CLONED_TALLY_(uint64_t, TallyBlockU64)
NPSCORE_CLONED_TALLY_(int32_t, TallyBlockI32)
NPSCORE_CLONED_TALLY_(uint32_t, TallyBlockU32)
NPSCORE_CLONED_TALLY_(int16_t, TallyBlockI16)
NPSCORE_CLONED_TALLY_(uint16_t, TallyBlockU16)
#undef NPSCORE_CLONED_TALLY_

template <>
Tally TallyBlock<int8_t>(const int8_t* p, size_t n, int8_t dmax, int8_t pmax, int8_t smax) {
  return TallyBlockImpl(p, n, dmax, pmax, smax);
}
template <>
Tally TallyBlock<uint8_t>(const uint8_t* p, size_t n, uint8_t dmax, uint8_t pmax,
                          uint8_t smax) {
  return TallyBlockImpl(p, n, dmax, pmax, smax);
}

}  // namespace internal

using namespace internal;  // NOLINT: this file defines those kernels

namespace {


// Weight sums per segment of one block of valid (or missing) scores.
struct WeightTally {
  double det = 0, pas = 0, pro = 0, w2 = 0;
  int64_t bad = 0;  // weights that are negative, NaN or infinite (missing rows aside)
};

inline double MaskedWeight(double w, uint64_t mask) {
  uint64_t bits;
  std::memcpy(&bits, &w, sizeof bits);
  bits &= mask;
  std::memcpy(&w, &bits, sizeof w);
  return w;
}

// Sums the weights of each segment with bit masks instead of branches (a
// missing row's weight, possibly NaN, is masked out, never multiplied), in
// four interleaved lanes so the additions do not wait on one another. The
// lane order is fixed, so the sums are reproducible.
template <typename T>
WeightTally TallyWeightsBlock(const T* __restrict p, const double* __restrict w, size_t n,
                              T dmax, T pmax) {
  constexpr size_t kLanes = 4;
  double det[kLanes] = {}, pas[kLanes] = {}, pro[kLanes] = {}, sq[kLanes] = {};
  int64_t bad = 0;
  auto step = [&](size_t i, size_t lane) {
    const T x = p[i];
    const double wi = w[i];
    const uint64_t valid = IsMissing(x) ? 0 : ~uint64_t{0};
    const uint64_t is_det = x <= dmax ? ~uint64_t{0} : 0;
    const uint64_t is_pro = x > pmax ? ~uint64_t{0} : 0;
    det[lane] += MaskedWeight(wi, is_det);
    pro[lane] += MaskedWeight(wi, is_pro);
    pas[lane] += MaskedWeight(wi, valid & ~is_det & ~is_pro);
    sq[lane] += MaskedWeight(wi * wi, valid);
    bad += (valid != 0) & !(wi >= 0 && wi <= std::numeric_limits<double>::max());
  };
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t lane = 0; lane < kLanes; ++lane) step(i + lane, lane);
  }
  for (; i < n; ++i) step(i, 0);
  WeightTally t;
  for (size_t lane = 0; lane < kLanes; ++lane) {
    t.det += det[lane];
    t.pas += pas[lane];
    t.pro += pro[lane];
    t.w2 += sq[lane];
  }
  t.bad = bad;
  return t;
}

// Clips x to [lo, hi]; NaN stays NaN (never a bound).
double Clip(double x, double lo, double hi) {
  if (x != x) return x;
  return std::min(hi, std::max(lo, x));
}

// Wald interval on the -1..1 scale around (pro - det) / n with n respondents.
Interval WaldInterval(double det, double pas, double pro, double z) {
  const double n = det + pas + pro;
  const double nps = (pro - det) / n;
  const double se = std::sqrt(NpsVariance(det, pas, pro) / n);
  return {nps - z * se, nps + z * se};
}

}  // namespace

namespace internal {

// Setting the derivative of d log q + m log(1 - 2q - theta) + p log(q + theta)
// to zero gives 2n q^2 - [d(1 - 3 theta) - 2m theta + p(1 - theta)] q
// - d theta (1 - theta) = 0 (Tango 1998, with promoters and detractors as the
// discordant cells); its larger root, taken in the stable form, is the MLE.
double RestrictedDetractorShare(double det, double pas, double pro, double theta) {
  const double n = det + pas + pro;
  const double a = 2 * n;
  const double b = -det - pro + (2 * n + det - pro) * theta;
  const double c = -det * theta * (1 - theta);
  const double root = std::sqrt(std::max(0.0, b * b - 4 * a * c));
  double q;
  if (b <= 0) {
    q = (-b + root) / (2 * a);
  } else {
    q = b + root > 0 ? -2 * c / (b + root) : 0.0;
  }
  return std::min((1 - theta) / 2, std::max({0.0, -theta, q}));
}

}  // namespace internal

namespace {

// Tango's (1998) score statistic for H0: NPS = delta, with promoters and
// detractors as the two discordant cells of a paired design:
//   Z = (b - c - n delta) / sqrt(n (2 q + delta (1 - delta))),
// q being the restricted maximum-likelihood estimate of the detractor share.
double TangoZ(double b, double c, double n, double delta) {
  const double q = RestrictedDetractorShare(c, n - b - c, b, delta);
  const double num = b - c - n * delta;
  const double var = n * (2 * q + delta * (1 - delta));
  if (var <= 0) return num > 0 ? kInf : (num < 0 ? -kInf : 0.0);
  return num / std::sqrt(var);
}

// The score interval: the deltas whose |Z| <= z. Z decreases in delta, so each
// bound is found by bisection between the estimate and the edge of [-1, 1].
Interval ScoreInterval(double det, double pas, double pro, double z) {
  const double n = det + pas + pro;
  const double est = (pro - det) / n;
  auto solve = [&](double inside, double edge, double target) {
    // f(edge) beyond target? If not, the bound is the edge itself.
    if (target == 0) return inside;  // a zero-width interval
    const double f_edge = TangoZ(pro, det, n, edge) - target;
    const double f_in = -target;  // Z(estimate) is 0 exactly; rounding must not flip it
    if (f_edge == 0 || (f_edge > 0) == (f_in > 0)) return edge;
    double lo = inside, hi = edge;
    for (int it = 0; it < 200 && std::abs(hi - lo) > 1e-15; ++it) {
      const double mid = 0.5 * (lo + hi);
      const double f = TangoZ(pro, det, n, mid) - target;
      if ((f > 0) == (f_in > 0)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  };
  return {solve(est, -1.0, z), solve(est, 1.0, -z)};
}

// Interval on the -1..1 scale, before clipping and scaling.
Interval RawInterval(double det, double pas, double pro, IntervalMethod method,
                     double z) {
  switch (method) {
    case IntervalMethod::kWald:
      return WaldInterval(det, pas, pro, z);
    case IntervalMethod::kAdjustedWald:
      return WaldInterval(det + 0.75, pas + 1.5, pro + 0.75, z);
    case IntervalMethod::kScore:
      return ScoreInterval(det, pas, pro, z);
  }
  return {kNaN, kNaN};
}

}  // namespace

namespace internal {

// The critical value of a two-sided interval at `confidence`.
double Critical(double confidence) { return -NormalQuantile((1 - confidence) / 2); }

// Fills the statistics of `s` from its counts; n must be > 0.
void FillStatistics(Summary& s, double z) {
  const double scale = s.n_effective / s.n;  // effective counts
  const double d = s.detractors * scale, pa = s.passives * scale,
               p = s.promoters * scale;
  s.nps = 100 * (s.promoters - s.detractors) / s.n;
  s.se = 100 * std::sqrt(NpsVariance(d, pa, p) / s.n_effective);
  const Interval raw = RawInterval(d, pa, p, s.method, z);
  s.ci_low = 100 * Clip(raw.low, -1, 1);
  s.ci_high = 100 * Clip(raw.high, -1, 1);
}

Summary EmptySummary(const IntervalOptions& options) {
  Summary s;
  s.method = options.method;
  s.confidence = options.confidence;
  s.nps = s.se = s.ci_low = s.ci_high = kNaN;
  return s;
}

}  // namespace internal

absl::Status ValidateCutoffs(const Cutoffs& c) {
  if (c.detractor_max >= 0 && c.detractor_max < c.passive_max &&
      c.passive_max < c.scale_max && c.scale_max <= 1000) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "bad cutoffs (detractor_max=", c.detractor_max, ", passive_max=",
      c.passive_max, ", scale_max=", c.scale_max,
      "): need 0 <= detractor_max < passive_max < scale_max <= 1000"));
}

absl::Status ValidateIntervalOptions(const IntervalOptions& options) {
  if (options.confidence > 0 && options.confidence < 1) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("confidence is ", ValueText(options.confidence),
                   ": it must lie strictly between 0 and 1"));
}

absl::Status ValidateCounts(const Counts& c) {
  const struct {
    const char* name;
    int64_t value;
  } fields[] = {{"detractors", c.detractors},
                {"passives", c.passives},
                {"promoters", c.promoters},
                {"skipped", c.skipped}};
  for (const auto& f : fields) {
    if (f.value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("counts: ", f.name, " is ", f.value, ": counts must be >= 0"));
    }
  }
  int64_t total = 0;
  if (__builtin_add_overflow(c.detractors, c.passives, &total) ||
      __builtin_add_overflow(total, c.promoters, &total)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "counts: detractors + passives + promoters (", c.detractors, " + ", c.passives,
        " + ", c.promoters, ") overflows int64"));
  }
  return absl::OkStatus();
}

namespace {

// Validates the two parts of a merge; an error starts with "a " or "b ".
template <typename C>
absl::Status ValidateParts(const C& a, const C& b) {
  for (const C* c : {&a, &b}) {
    const absl::Status st = ValidateCounts(*c);
    if (!st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(c == &a ? "a " : "b ", st.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Counts> MergeCounts(const Counts& a, const Counts& b) {
  NPSCORE_RETURN_IF_ERROR(ValidateParts(a, b));
  const struct {
    const char* name;
    int64_t x, y;
  } fields[] = {{"detractors", a.detractors, b.detractors},
                {"passives", a.passives, b.passives},
                {"promoters", a.promoters, b.promoters},
                {"skipped", a.skipped, b.skipped}};
  for (const auto& f : fields) {
    int64_t sum;
    if (__builtin_add_overflow(f.x, f.y, &sum)) {
      return absl::InvalidArgumentError(
          absl::StrCat(f.name, " ", f.x, " + ", f.y, " overflows int64"));
    }
  }
  Counts out = a;
  out.Merge(b);
  NPSCORE_RETURN_IF_ERROR(ValidateCounts(out));  // n() may overflow though each part fits
  return out;
}

absl::Status ValidateCounts(const WeightedCounts& c) {
  // sum_w2 may be +inf: squares of huge weights overflow (Summarize says so).
  const struct {
    const char* name;
    double value;
    bool inf_ok;
  } fields[] = {{"detractors", c.detractors, false},
                {"passives", c.passives, false},
                {"promoters", c.promoters, false},
                {"sum_w2", c.sum_w2, true}};
  for (const auto& f : fields) {
    if (!(f.value >= 0 &&
          (f.value <= std::numeric_limits<double>::max() || (f.inf_ok && f.value == kInf)))) {
      return absl::InvalidArgumentError(absl::StrCat("weighted counts: ", f.name, " is ",
                                                     ValueText(f.value),
                                                     ": must be finite and >= 0"));
    }
  }
  if (c.rows < 0 || c.skipped < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("weighted counts: ", c.rows < 0 ? "rows" : "skipped", " is ",
                     c.rows < 0 ? c.rows : c.skipped, ": must be >= 0"));
  }
  const double t = c.total();
  if (!std::isfinite(t)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "weighted counts: the total weight ", ValueText(t), " overflows double precision"));
  }
  // Weights w >= 0 over `rows` rows: sum w^2 <= (sum w)^2 <= rows * sum w^2,
  // checked where neither side under- or overflows.
  const double slack = 1 + 1e-6;  // rounding of long sums
  const double t2 = t * t;
  const double normal = std::numeric_limits<double>::min();
  if (t2 >= normal && c.sum_w2 >= normal && std::isfinite(t2) && std::isfinite(c.sum_w2) &&
      (c.sum_w2 > t2 * slack || t2 > static_cast<double>(c.rows) * c.sum_w2 * slack)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "weighted counts: sum_w2 is ", ValueText(c.sum_w2), " with total weight ",
        ValueText(t), " over ", c.rows,
        " rows: no weights >= 0 give these (need total^2 / rows <= sum_w2 <= total^2)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<WeightedCounts> MergeCounts(const WeightedCounts& a, const WeightedCounts& b) {
  NPSCORE_RETURN_IF_ERROR(ValidateParts(a, b));
  int64_t rows, skipped;
  if (__builtin_add_overflow(a.rows, b.rows, &rows) ||
      __builtin_add_overflow(a.skipped, b.skipped, &skipped)) {
    return absl::InvalidArgumentError("rows or skipped overflow int64 when merged");
  }
  WeightedCounts out = a;
  out.Merge(b);
  NPSCORE_RETURN_IF_ERROR(ValidateCounts(out));  // totals may overflow to infinity
  return out;
}

Counts& Counts::Merge(const Counts& o) {
  detractors += o.detractors;
  passives += o.passives;
  promoters += o.promoters;
  skipped += o.skipped;
  return *this;
}

double WeightedCounts::n_effective() const {
  const double t = total();
  return sum_w2 > 0 ? t * t / sum_w2 : 0.0;
}

WeightedCounts& WeightedCounts::Merge(const WeightedCounts& o) {
  detractors += o.detractors;
  passives += o.passives;
  promoters += o.promoters;
  sum_w2 += o.sum_w2;
  rows += o.rows;
  skipped += o.skipped;
  return *this;
}

absl::StatusOr<IntervalMethod> ParseIntervalMethod(absl::string_view name) {
  // ASCII case is ignored, as by every option parser of the core.
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "wald") return IntervalMethod::kWald;
  if (s == "adjusted-wald") return IntervalMethod::kAdjustedWald;
  if (s == "score") return IntervalMethod::kScore;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown interval method \"", name,
                   "\": use \"wald\", \"adjusted-wald\" or \"score\""));
}

const char* IntervalMethodName(IntervalMethod method) {
  switch (method) {
    case IntervalMethod::kWald:
      return "wald";
    case IntervalMethod::kAdjustedWald:
      return "adjusted-wald";
    case IntervalMethod::kScore:
      return "score";
  }
  return "unknown";
}

double NpsVariance(double det, double pas, double pro) {
  const double n = det + pas + pro;
  const double p = pro / n, d = det / n;
  return std::max(0.0, (p + d) - (p - d) * (p - d));
}

double NormalSurvival(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// Acklam's rational approximation, polished by one Halley step on erfc, which
// brings it to full double precision.
double NormalQuantile(double p) {
  if (!(p > 0 && p < 1)) {
    if (p == 0) return -kInf;
    if (p == 1) return kInf;
    return kNaN;
  }
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                             -2.759285104469687e+02, 1.383577518672690e+02,
                             -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                             -1.556989798598866e+02, 6.680131188771972e+01,
                             -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                             -2.400758277161838e+00, -2.549732539343734e+00,
                             4.374664141464968e+00, 2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                             2.445134137142996e+00, 3.754408661907416e+00};
  const double p_low = 0.02425;
  double x;
  if (p < p_low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - p_low) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

template <typename T>
absl::Status SegmentInto(absl::Span<const T> scores, absl::Span<int8_t> out,
                         const Cutoffs& cutoffs) {
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cutoffs));
  NPSCORE_RETURN_IF_ERROR(CheckLength("output", out.size(), scores.size()));
  const T dmax = AsScore<T>(cutoffs.detractor_max);
  const T pmax = AsScore<T>(cutoffs.passive_max);
  const T smax = AsScore<T>(cutoffs.scale_max);
  for (size_t begin = 0; begin < scores.size(); begin += kBlock) {
    const size_t end = std::min(scores.size(), begin + kBlock);
    const T* __restrict sp = scores.data();
    int8_t* __restrict op = out.data();
    int32_t bad = 0;
    for (size_t i = begin; i < end; ++i) {
      const T x = sp[i];
      bad += IsValidScore(x, smax) ? 0 : 1;
      op[i] = static_cast<int8_t>(SegmentIndex(x, dmax, pmax) - 1);
    }
    if (bad != 0) return FindBadScore(scores, begin, end, cutoffs, Missing::kError);
  }
  return absl::OkStatus();
}

template <typename T>
absl::StatusOr<std::vector<int8_t>> SegmentScores(absl::Span<const T> scores,
                                                  const Cutoffs& cutoffs) {
  std::vector<int8_t> out(scores.size());
  NPSCORE_RETURN_IF_ERROR(SegmentInto(scores, absl::MakeSpan(out), cutoffs));
  return out;
}

template <typename T>
absl::StatusOr<Counts> CountSegments(absl::Span<const T> scores,
                                     const ScoreOptions& options) {
  const Cutoffs& cut = options.cutoffs;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cut));
  Counts counts;
  // Missing values compare false, so they are neither detractors nor
  // promoters; they are subtracted from the passives.
  NPSCORE_RETURN_IF_ERROR(ForEachValidBlock(
      scores, 0, scores.size(), cut, options.missing,
      [&](size_t begin, size_t end, const Tally& t) {
        counts.detractors += t.det;
        counts.promoters += t.pro;
        counts.passives += static_cast<int64_t>(end - begin) - t.det - t.pro - t.missing;
        counts.skipped += t.missing;
        return absl::OkStatus();
      }));
  return counts;
}

template <typename T>
absl::StatusOr<WeightedCounts> CountSegmentsWeighted(
    absl::Span<const T> scores, absl::Span<const double> weights,
    const ScoreOptions& options) {
  const Cutoffs& cut = options.cutoffs;
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(cut));
  NPSCORE_RETURN_IF_ERROR(CheckLength("weights", weights.size(), scores.size()));
  const T dmax = AsScore<T>(cut.detractor_max);
  const T pmax = AsScore<T>(cut.passive_max);
  WeightedCounts counts;
  const T* __restrict sp = scores.data();
  const double* __restrict wp = weights.data();
  // A block with a bad score or weight: the error of its first bad row,
  // whichever kind it is.
  auto first_bad_row = [&](size_t begin, size_t end) -> absl::Status {
    for (size_t i = begin; i < end; ++i) {
      NPSCORE_RETURN_IF_ERROR(FindBadScore(scores, i, i + 1, cut, options.missing));
      NPSCORE_RETURN_IF_ERROR(CheckWeights(weights, scores, i, i + 1));
    }
    return absl::OkStatus();
  };
  NPSCORE_RETURN_IF_ERROR(ForEachValidBlock(
      scores, 0, scores.size(), cut, options.missing,
      [&](size_t begin, size_t end, const Tally& t) {
        const WeightTally wt = TallyWeightsBlock(sp + begin, wp + begin, end - begin, dmax, pmax);
        if (wt.bad != 0) return first_bad_row(begin, end);
        counts.detractors += wt.det;
        counts.passives += wt.pas;
        counts.promoters += wt.pro;
        counts.sum_w2 += wt.w2;
        counts.rows += static_cast<int64_t>(end - begin) - t.missing;
        counts.skipped += t.missing;
        return absl::OkStatus();
      },
      first_bad_row));
  return counts;
}

absl::StatusOr<Interval> NpsInterval(double det, double pas, double pro,
                                     const IntervalOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(options));
  if (!(det >= 0 && pas >= 0 && pro >= 0 && det + pas + pro > 0) ||
      !std::isfinite(det + pas + pro)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "segment counts must be finite, >= 0 and not all zero; got detractors=",
        ValueText(det), ", passives=", ValueText(pas), ", promoters=", ValueText(pro)));
  }
  const Interval raw = RawInterval(det, pas, pro, options.method,
                                   Critical(options.confidence));
  return Interval{100 * Clip(raw.low, -1, 1), 100 * Clip(raw.high, -1, 1)};
}

absl::StatusOr<Summary> Summarize(const Counts& counts,
                                  const IntervalOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(options));
  NPSCORE_RETURN_IF_ERROR(ValidateCounts(counts));
  if (counts.n() == 0) {
    return absl::InvalidArgumentError(
        counts.skipped > 0
            ? absl::StrCat("all ", counts.skipped, " scores are missing: nothing to summarize")
            : std::string("no scores to summarize (n = 0)"));
  }
  Summary s = EmptySummary(options);
  s.n = s.n_effective = static_cast<double>(counts.n());
  s.rows = counts.n();
  s.detractors = static_cast<double>(counts.detractors);
  s.passives = static_cast<double>(counts.passives);
  s.promoters = static_cast<double>(counts.promoters);
  s.skipped = counts.skipped;
  FillStatistics(s, Critical(options.confidence));
  return s;
}

absl::StatusOr<Summary> Summarize(const WeightedCounts& counts,
                                  const IntervalOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(options));
  NPSCORE_RETURN_IF_ERROR(ValidateCounts(counts));
  if (!(counts.total() > 0) || !std::isfinite(counts.total())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "total weight is ", ValueText(counts.total()), " over ", counts.rows,
        " rows (", counts.skipped, " skipped): nothing to summarize"));
  }
  Summary s = EmptySummary(options);
  s.n = counts.total();
  s.detractors = counts.detractors;
  s.passives = counts.passives;
  s.promoters = counts.promoters;
  s.n_effective = counts.n_effective();
  if (!(s.n_effective > 0) || !std::isfinite(s.n_effective)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the effective sample size of the weights is ", ValueText(s.n_effective),
        ": weights too small or too large to square in double precision; rescale them"));
  }
  s.skipped = counts.skipped;
  s.rows = counts.rows;
  s.weighted = true;
  FillStatistics(s, Critical(options.confidence));
  return s;
}

Summary GroupTable::Row(size_t i) const {
  Summary s;
  s.n = n[i];
  s.detractors = detractors[i];
  s.passives = passives[i];
  s.promoters = promoters[i];
  s.n_effective = n_effective[i];
  s.skipped = skipped[i];
  s.rows = rows[i];
  s.nps = nps[i];
  s.se = se[i];
  s.ci_low = ci_low[i];
  s.ci_high = ci_high[i];
  s.method = method;
  s.confidence = confidence;
  s.weighted = weighted;
  return s;
}

namespace {

// Per-group tallies: four slots per group (detractors, passives, promoters,
// missing) and, when weighted, the weight sums of those slots and the squared
// weights. Tallies of disjoint row ranges merge by addition.
struct GroupTally {
  std::vector<int64_t> cnt;
  std::vector<double> wsum, w2;

  GroupTally(size_t groups, bool weighted)
      : cnt(4 * groups, 0), wsum(weighted ? 4 * groups : 0, 0.0), w2(weighted ? groups : 0, 0.0) {}
  void Merge(const GroupTally& o) {
    for (size_t i = 0; i < cnt.size(); ++i) cnt[i] += o.cnt[i];
    for (size_t i = 0; i < wsum.size(); ++i) wsum[i] += o.wsum[i];
    for (size_t i = 0; i < w2.size(); ++i) w2[i] += o.w2[i];
  }
  int64_t rows(size_t c) const { return cnt[4 * c] + cnt[4 * c + 1] + cnt[4 * c + 2]; }
};

// Group of each row from a column of codes 0..g-1 of integer type C, checked
// block by block.
template <typename C>
struct CodeColumn {
  const C* p;
  size_t g;

  size_t operator()(size_t i) const { return static_cast<size_t>(p[i]); }
  absl::Status Check(size_t begin, size_t end) const {
    int64_t bad = 0;
    for (size_t i = begin; i < end; ++i) {
      bad += static_cast<uint64_t>(static_cast<int64_t>(p[i])) >= g ? 1 : 0;
    }
    if (bad == 0) return absl::OkStatus();
    for (size_t i = begin; i < end; ++i) {
      if (static_cast<uint64_t>(static_cast<int64_t>(p[i])) >= g) {
        return absl::InvalidArgumentError(absl::StrCat(
            "group code at row ", i, " is ", static_cast<int64_t>(p[i]), ": outside 0..",
            static_cast<int64_t>(g) - 1));
      }
    }
    return absl::OkStatus();
  }
};

// Group of each row from integer keys in a dense range: key - lo. Every key
// lies in [lo, lo + g) by construction, so there is nothing to check.
struct KeyOffset {
  const int64_t* p;
  uint64_t lo;

  size_t operator()(size_t i) const { return static_cast<size_t>(static_cast<uint64_t>(p[i]) - lo); }
  absl::Status Check(size_t, size_t) const { return absl::OkStatus(); }
};

// Validates and tallies rows [first, last) into `tally`: the single pass
// behind the by-group summaries. Returns the error of the first bad row.
template <typename T, typename Group>
absl::Status TallyGroups(absl::Span<const T> scores, const Group& group,
                         absl::Span<const double> weights, size_t first, size_t last,
                         const ScoreOptions& options, GroupTally& tally) {
  const Cutoffs& cut = options.cutoffs;
  const T dmax = AsScore<T>(cut.detractor_max);
  const T pmax = AsScore<T>(cut.passive_max);
  const bool weighted = !weights.empty();
  // A block with a bad score, group or weight: the error of its first bad
  // row, whichever kind it is.
  auto first_bad_row = [&](size_t begin, size_t end) -> absl::Status {
    for (size_t i = begin; i < end; ++i) {
      NPSCORE_RETURN_IF_ERROR(FindBadScore(scores, i, i + 1, cut, options.missing));
      NPSCORE_RETURN_IF_ERROR(group.Check(i, i + 1));
      if (weighted) NPSCORE_RETURN_IF_ERROR(CheckWeights(weights, scores, i, i + 1));
    }
    return absl::OkStatus();
  };
  return ForEachValidBlock(
      scores, first, last, cut, options.missing,
      [&](size_t begin, size_t end, const Tally&) -> absl::Status {
        // Locals, not captures: the counts' stores could otherwise alias them.
        const T* __restrict sp = scores.data();
        const double* __restrict wp = weights.data();
        int64_t* __restrict counts = tally.cnt.data();
        if (!group.Check(begin, end).ok()) return first_bad_row(begin, end);
        if (!weighted) {
          for (size_t i = begin; i < end; ++i) {
            const T x = sp[i];
            const size_t slot = IsMissing(x) ? 3 : static_cast<size_t>(SegmentIndex(x, dmax, pmax));
            ++counts[4 * group(i) + slot];
          }
          return absl::OkStatus();
        }
        int64_t bad_weight = 0;
        for (size_t i = begin; i < end; ++i) {
          const double w = wp[i];
          bad_weight += !IsMissing(sp[i]) & !(w >= 0 && w <= std::numeric_limits<double>::max());
        }
        if (bad_weight != 0) return first_bad_row(begin, end);
        for (size_t i = begin; i < end; ++i) {
          const T x = sp[i];
          const size_t slot = IsMissing(x) ? 3 : static_cast<size_t>(SegmentIndex(x, dmax, pmax));
          const size_t c = group(i);
          const double w = wp[i];
          ++counts[4 * c + slot];
          tally.wsum[4 * c + slot] += w;
          tally.w2[c] += slot == 3 ? 0.0 : w * w;
        }
        return absl::OkStatus();
      },
      first_bad_row);
}

// The number of threads for a by-group pass over `rows` rows (ThreadCount's
// policy). Unweighted counts are integers, so per-thread tallies merge
// exactly; a weighted pass stays on one thread so its sums do not depend on
// the machine's core count.
size_t GroupThreads(const GroupOptions& options, size_t rows, size_t groups, bool weighted) {
  if (weighted) return 1;
  const size_t threads = ThreadCount(options.threads, rows, kRowsPerThread);
  // Each thread holds its own tally (32 bytes a group): at most as many
  // tallies as keep them within a quarter of the score column's 8 bytes a row.
  return std::max<size_t>(1, std::min(threads, rows / std::max<size_t>(1, groups * 4)));
}

// Tallies all rows into g groups, on several threads when worthwhile.
template <typename T, typename Group>
absl::StatusOr<GroupTally> TallyAllGroups(absl::Span<const T> scores, const Group& group,
                                          size_t g, absl::Span<const double> weights,
                                          const GroupOptions& options) {
  const size_t rows = scores.size();
  const bool weighted = !weights.empty();
  const size_t threads = GroupThreads(options, rows, g, weighted);
  GroupTally tally(g, weighted);
  std::vector<GroupTally> parts(threads - 1, GroupTally(g, false));
  NPSCORE_RETURN_IF_ERROR(RunChunks(rows, threads, [&](size_t k, size_t first, size_t last) {
    return TallyGroups(scores, group, weights, first, last, options.scores,
                       k == 0 ? tally : parts[k - 1]);
  }));
  for (const GroupTally& part : parts) tally.Merge(part);
  return tally;
}

// Checks what every by-group summary needs.
absl::Status ValidateGroupInputs(size_t scores, size_t groups_column, size_t weights,
                                 const GroupOptions& options) {
  NPSCORE_RETURN_IF_ERROR(ValidateCutoffs(options.scores.cutoffs));
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions(options.interval));
  NPSCORE_RETURN_IF_ERROR(CheckLength("group column", groups_column, scores));
  if (weights != 0) NPSCORE_RETURN_IF_ERROR(CheckLength("weights", weights, scores));
  if (!(options.min_n >= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_n is ", ValueText(options.min_n), ": must be >= 0"));
  }
  return CheckThreads(options.threads);
}

// The table of the groups in `which` (all groups when empty), from a tally.
GroupTable MakeGroupTable(const GroupTally& tally, size_t g, bool weighted,
                          const GroupOptions& options, const std::vector<size_t>& which) {
  const std::vector<int64_t>& cnt = tally.cnt;
  const size_t m = which.empty() ? g : which.size();
  GroupTable t;
  t.weighted = weighted;
  t.method = options.interval.method;
  t.confidence = options.interval.confidence;
  for (auto* col : {&t.n, &t.detractors, &t.passives, &t.promoters, &t.n_effective,
                    &t.nps, &t.se, &t.ci_low, &t.ci_high}) {
    col->resize(m);
  }
  t.rows.resize(m);
  t.skipped.resize(m);
  t.small.resize(m);
  const double z = Critical(options.interval.confidence);
  for (size_t r = 0; r < m; ++r) {
    const size_t c = which.empty() ? r : which[r];
    Summary s = EmptySummary(options.interval);
    s.skipped = cnt[4 * c + 3];
    if (weighted) {
      s.detractors = tally.wsum[4 * c];
      s.passives = tally.wsum[4 * c + 1];
      s.promoters = tally.wsum[4 * c + 2];
      s.n = s.detractors + s.passives + s.promoters;
      s.n_effective = tally.w2[c] > 0 ? s.n * s.n / tally.w2[c] : 0.0;
    } else {
      s.detractors = static_cast<double>(cnt[4 * c]);
      s.passives = static_cast<double>(cnt[4 * c + 1]);
      s.promoters = static_cast<double>(cnt[4 * c + 2]);
      s.n = s.n_effective = s.detractors + s.passives + s.promoters;
    }
    if (s.n > 0) FillStatistics(s, z);
    t.n[r] = s.n;
    t.detractors[r] = s.detractors;
    t.passives[r] = s.passives;
    t.promoters[r] = s.promoters;
    t.n_effective[r] = s.n_effective;
    t.rows[r] = tally.rows(c);
    t.skipped[r] = s.skipped;
    t.nps[r] = s.nps;
    t.se[r] = s.se;
    t.ci_low[r] = s.ci_low;
    t.ci_high[r] = s.ci_high;
    t.small[r] = s.n_effective < options.min_n;
  }
  return t;
}

}  // namespace

template <typename T, typename C>
absl::StatusOr<GroupTable> SummarizeByGroup(absl::Span<const T> scores,
                                            absl::Span<const C> codes, int64_t n_groups,
                                            absl::Span<const double> weights,
                                            const GroupOptions& options) {
  NPSCORE_RETURN_IF_ERROR(
      ValidateGroupInputs(scores.size(), codes.size(), weights.size(), options));
  constexpr int64_t kMaxGroups = int64_t{1} << 31;
  if (n_groups < 0 || n_groups > kMaxGroups) {
    return absl::InvalidArgumentError(absl::StrCat(
        "n_groups is ", n_groups, ": must be between 0 and ", kMaxGroups));
  }
  const size_t g = static_cast<size_t>(n_groups);
  NPSCORE_ASSIGN_OR_RETURN(GroupTally tally,
                           TallyAllGroups(scores, CodeColumn<C>{codes.data(), g}, g, weights,
                                          options));
  return MakeGroupTable(tally, g, !weights.empty(), options, {});
}

template <typename T>
absl::StatusOr<KeyedGroupTable> SummarizeByKey(absl::Span<const T> scores,
                                               absl::Span<const int64_t> keys,
                                               absl::Span<const double> weights,
                                               const GroupOptions& options) {
  NPSCORE_RETURN_IF_ERROR(
      ValidateGroupInputs(scores.size(), keys.size(), weights.size(), options));
  KeyedGroupTable out;
  const size_t n = keys.size();
  int64_t lo = 0, hi = -1;
  if (n > 0) {
    const int64_t* __restrict kp = keys.data();
    lo = hi = kp[0];
    for (size_t i = 0; i < n; ++i) {
      lo = std::min(lo, kp[i]);
      hi = std::max(hi, kp[i]);
    }
  }
  const uint64_t span = n == 0 ? 0 : static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  if (n > 0 && span < std::max<uint64_t>(n / 4, uint64_t{1} << 16)) {
    // Dense keys: the offset from the smallest key is the group, so there is
    // no factorizing pass; groups without rows are dropped afterwards.
    const size_t g = static_cast<size_t>(span) + 1;
    NPSCORE_ASSIGN_OR_RETURN(
        GroupTally tally,
        TallyAllGroups(scores, KeyOffset{keys.data(), static_cast<uint64_t>(lo)}, g, weights,
                       options));
    std::vector<size_t> present;
    for (size_t c = 0; c < g; ++c) {
      if (tally.rows(c) + tally.cnt[4 * c + 3] > 0) {
        present.push_back(c);
        out.keys.push_back(static_cast<int64_t>(static_cast<uint64_t>(lo) + c));
      }
    }
    out.table = MakeGroupTable(tally, g, !weights.empty(), options, present);
    return out;
  }
  KeyCodes k = FactorizeKeys(keys);
  NPSCORE_ASSIGN_OR_RETURN(
      out.table, SummarizeByGroup(scores, absl::MakeConstSpan(k.codes),
                                  static_cast<int64_t>(k.keys.size()), weights, options));
  out.keys = std::move(k.keys);
  return out;
}

KeyCodes FactorizeKeys(absl::Span<const int64_t> keys) {
  KeyCodes out;
  const size_t n = keys.size();
  out.codes.resize(n);
  if (n == 0) return out;
  const int64_t* __restrict kp = keys.data();
  int64_t lo = kp[0], hi = kp[0];
  for (size_t i = 0; i < n; ++i) {
    lo = std::min(lo, kp[i]);
    hi = std::max(hi, kp[i]);
  }
  // The span hi - lo, computed without signed overflow.
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  int64_t* __restrict codes = out.codes.data();
  if (span < std::max<uint64_t>(4 * n, 1 << 16)) {
    // Dense keys: mark the keys present, number them in order, then map.
    std::vector<int64_t> table(span + 1, -1);
    for (size_t i = 0; i < n; ++i) table[static_cast<uint64_t>(kp[i]) - static_cast<uint64_t>(lo)] = 0;
    int64_t next = 0;
    for (uint64_t j = 0; j <= span; ++j) {
      if (table[j] == 0) {
        table[j] = next++;
        out.keys.push_back(static_cast<int64_t>(static_cast<uint64_t>(lo) + j));
      }
    }
    for (size_t i = 0; i < n; ++i) {
      codes[i] = table[static_cast<uint64_t>(kp[i]) - static_cast<uint64_t>(lo)];
    }
    return out;
  }
  // Sparse keys: number them as first seen, then renumber in key order.
  absl::flat_hash_map<int64_t, int64_t> seen;
  for (size_t i = 0; i < n; ++i) {
    auto [it, inserted] = seen.try_emplace(kp[i], static_cast<int64_t>(seen.size()));
    codes[i] = it->second;
  }
  out.keys.reserve(seen.size());
  for (const auto& kv : seen) out.keys.push_back(kv.first);
  std::sort(out.keys.begin(), out.keys.end());
  std::vector<int64_t> rank(seen.size());
  for (size_t r = 0; r < out.keys.size(); ++r) rank[seen[out.keys[r]]] = static_cast<int64_t>(r);
  for (size_t i = 0; i < n; ++i) codes[i] = rank[codes[i]];
  return out;
}

// Explicit instantiations for the supported score element types.
#define NPSCORE_INSTANTIATE_(T)                                                   \
  template absl::Status SegmentInto<T>(absl::Span<const T>, absl::Span<int8_t>,   \
                                       const Cutoffs&);                           \
  template absl::StatusOr<std::vector<int8_t>> SegmentScores<T>(                  \
      absl::Span<const T>, const Cutoffs&);                                       \
  template absl::StatusOr<Counts> CountSegments<T>(absl::Span<const T>,           \
                                                   const ScoreOptions&);          \
  template absl::StatusOr<WeightedCounts> CountSegmentsWeighted<T>(               \
      absl::Span<const T>, absl::Span<const double>, const ScoreOptions&);        \
  template absl::StatusOr<GroupTable> SummarizeByGroup<T, int8_t>(                \
      absl::Span<const T>, absl::Span<const int8_t>, int64_t,                     \
      absl::Span<const double>, const GroupOptions&);                             \
  template absl::StatusOr<GroupTable> SummarizeByGroup<T, int16_t>(               \
      absl::Span<const T>, absl::Span<const int16_t>, int64_t,                    \
      absl::Span<const double>, const GroupOptions&);                             \
  template absl::StatusOr<GroupTable> SummarizeByGroup<T, int32_t>(               \
      absl::Span<const T>, absl::Span<const int32_t>, int64_t,                    \
      absl::Span<const double>, const GroupOptions&);                             \
  template absl::StatusOr<GroupTable> SummarizeByGroup<T, int64_t>(               \
      absl::Span<const T>, absl::Span<const int64_t>, int64_t,                    \
      absl::Span<const double>, const GroupOptions&);                             \
  template absl::StatusOr<KeyedGroupTable> SummarizeByKey<T>(                     \
      absl::Span<const T>, absl::Span<const int64_t>, absl::Span<const double>,   \
      const GroupOptions&);

NPSCORE_FOR_EACH_SCORE_TYPE(NPSCORE_INSTANTIATE_)
#undef NPSCORE_INSTANTIATE_

}  // namespace npscore
