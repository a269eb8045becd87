// Checks of the shared bounds of npscore/limits.h, for every module.

#ifndef NPSCORE_SRC_INTERNAL_BOUNDS_H_
#define NPSCORE_SRC_INTERNAL_BOUNDS_H_

#include <algorithm>
#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "npscore/limits.h"

namespace npscore {
namespace internal {

// OK if `threads` (an option named `name`) is 0 (automatic) or in
// 1..kMaxThreads; otherwise the error naming it.
inline absl::Status CheckThreads(int threads, absl::string_view name = "threads") {
  if (threads >= 0 && threads <= kMaxThreads) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is ", threads, ": use 0 (automatic) or 1..",
                                                 kMaxThreads, " (kMaxThreads)"));
}

// OK if the iteration limit `iterations` (named `name`) is in 1..kMaxIterations.
inline absl::Status CheckIterations(int iterations, absl::string_view name) {
  if (iterations >= 1 && iterations <= kMaxIterations) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(name, " is ", iterations, ": it must be in 1..",
                                                 kMaxIterations, " (kMaxIterations)"));
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_BOUNDS_H_
