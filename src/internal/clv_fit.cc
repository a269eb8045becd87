#include "src/internal/clv_fit.h"

#include <cstddef>
#include <vector>

#include "absl/strings/str_cat.h"
#include "src/internal/bounds.h"
#include "src/internal/parallel.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace internal {

absl::Status CheckSameLength(const char* what, size_t got, size_t want) {
  if (got == want) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(what, " has ", got, " rows but frequency has ", want, " rows"));
}

size_t CustomerThreads(int requested, size_t rows) {
  return ThreadCount(requested, rows, 20000);
}

absl::Status CheckHistory(size_t i, double x, double tx, double T, bool predicting) {
  if (!(x >= 0 && Finite(x) && internal::IsWhole(x))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frequency at row ", i, " is ", ValueText(x), ": must be a whole number >= 0"));
  }
  if (!(tx >= 0 && Finite(tx))) {
    return absl::InvalidArgumentError(absl::StrCat("recency at row ", i, " is ", ValueText(tx),
                                                   ": must be finite and >= 0"));
  }
  if (!(T >= 0 && Finite(T))) {
    return absl::InvalidArgumentError(
        absl::StrCat("T at row ", i, " is ", ValueText(T), ": must be finite and >= 0"));
  }
  if (tx > T) {
    return absl::InvalidArgumentError(absl::StrCat("recency at row ", i, " is ", ValueText(tx),
                                                   ", more than T (", ValueText(T),
                                                   "): the last purchase cannot follow the end"));
  }
  if (x == 0 && tx != 0 && !predicting) {
    return absl::InvalidArgumentError(absl::StrCat(
        "recency at row ", i, " is ", ValueText(tx),
        " but frequency is 0: without a repeat purchase recency must be 0"));
  }
  if (x > 0 && tx == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "frequency at row ", i, " is ", ValueText(x),
        " but recency is 0: repeat purchases must come after the first (recency > 0)"));
  }
  return absl::OkStatus();
}

absl::Status CheckWeight(size_t i, double w) {
  if (w >= 0 && Finite(w)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("weight at row ", i, " is ", ValueText(w),
                                                 ": weights must be finite and >= 0"));
}

absl::Status CheckFitOptions(const FitOptions& o) {
  if (!(o.penalizer >= 0 && Finite(o.penalizer))) {
    return absl::InvalidArgumentError(
        absl::StrCat("penalizer is ", ValueText(o.penalizer), ": must be finite and >= 0"));
  }
  NPSCORE_RETURN_IF_ERROR(CheckIterations(o.max_iterations, "max_iterations"));
  if (!(o.tolerance > 0 && Finite(o.tolerance))) {
    return absl::InvalidArgumentError(
        absl::StrCat("tolerance is ", ValueText(o.tolerance), ": must be finite and > 0"));
  }
  if (o.nonpositive_spend != FitOptions::NonPositiveSpend::kError &&
      o.nonpositive_spend != FitOptions::NonPositiveSpend::kExclude) {
    return absl::InvalidArgumentError(
        absl::StrCat("nonpositive_spend is ", static_cast<int>(o.nonpositive_spend),
                     ": must be error (0) or exclude (1)"));
  }
  return CheckThreads(o.threads);
}

absl::Status CheckPositive(const char* name, double v) {
  if (v > 0 && Finite(v)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("parameter ", name, " is ", ValueText(v), ": must be finite and > 0"));
}

absl::Status CheckHistories(absl::Span<const double> frequency, absl::Span<const double> recency,
                            absl::Span<const double> T) {
  const size_t n = frequency.size();
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("recency", recency.size(), n));
  NPSCORE_RETURN_IF_ERROR(CheckSameLength("T", T.size(), n));
  for (size_t i = 0; i < n; ++i) {
    NPSCORE_RETURN_IF_ERROR(CheckHistory(i, frequency[i], recency[i], T[i], true));
  }
  return absl::OkStatus();
}

std::vector<double> Every(const std::vector<double>& v, size_t stride) {
  std::vector<double> out;
  out.reserve(v.size() / stride + 1);
  for (size_t i = 0; i < v.size(); i += stride) out.push_back(v[i]);
  return out;
}

}  // namespace internal
}  // namespace npscore
