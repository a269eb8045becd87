// src/internal/latest.h: the one rule of "a customer's latest response",
// shared by LatestResponses (priority.h) and the churn feature kernel.
//
// Of a customer's responses (within one group), the latest is the one at the
// latest instant. Two responses at that instant are an error naming both
// rows: nothing says which came last, and picking one by row order would make
// the answer depend on how the input happens to be sorted. A missing time
// (kMissingTime) is never compared: callers skip and count it, or report it
// with MissingTimeError.

#ifndef NPSCORE_SRC_INTERNAL_LATEST_H_
#define NPSCORE_SRC_INTERNAL_LATEST_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace npscore {
namespace internal {

// Where a response at time `t` stands against a latest response at `latest`.
enum class Recency {
  kEarlier,      // older: the latest stays
  kSameInstant,  // a tie: an error if nothing later comes
  kLater,        // newer: it becomes the latest
};

inline Recency CompareToLatest(int64_t t, int64_t latest) {
  return t > latest ? Recency::kLater : (t == latest ? Recency::kSameInstant : Recency::kEarlier);
}

// The error of two responses of `customer`, rows `row_a` < `row_b`, at the
// same latest instant.
inline absl::Status SameInstantError(int64_t row_a, int64_t row_b, int64_t customer) {
  return absl::InvalidArgumentError(absl::StrCat(
      "rows ", row_a, " and ", row_b, " are responses of customer ", customer,
      " at the same instant: cannot tell which is the latest"));
}

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
