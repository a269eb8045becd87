// src/internal/latest.h: the one rule of "a customer's latest response",
// shared by LatestResponses (priority.h), the churn feature kernel, the
// migration table and the latest-response account roll-up.
//
// Responses are ordered by time, and responses at the same instant by their
// row: of two answers with the same time stamp (a file with dates only, a
// batch import), the later row is the later answer. This is the order a
// stable sort by time gives (pandas: sort_values(kind="stable")) and the
// order in which exports list answers; to decide ties otherwise, order the
// rows so. A missing time (kMissingTime) is never compared: callers skip and
// count it, or report it with MissingTimeError.
//
// The kernels visit rows in ascending order, so a response is later than
// the latest seen so far exactly when its time is not earlier.

#ifndef NPSCORE_SRC_INTERNAL_LATEST_H_
#define NPSCORE_SRC_INTERNAL_LATEST_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace npscore {
namespace internal {

// Whether the response at time `t`, in a row after the one at `latest`,
// comes after it (a tie goes to the later row).
inline bool IsLaterRow(int64_t t, int64_t latest) { return t >= latest; }

// The error of a missing (NaT) response time at `row`, when missing values
// are not to be skipped.
inline absl::Status MissingTimeError(int64_t row) {
  return absl::InvalidArgumentError(absl::StrCat(
      "response time at row ", row,
      " is missing (NaT); ask to skip missing values (Python: missing=\"skip\", C: "
      "NPSCORE_MISSING_SKIP) to leave such rows out"));
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_LATEST_H_
