// Status propagation macros for the npscore core. Abseil's own are newer than
// the Abseil release Debian ships, so npscore defines its own.

#ifndef NPSCORE_SRC_INTERNAL_STATUS_MACROS_H_
#define NPSCORE_SRC_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define NPSCORE_RETURN_IF_ERROR(expr)                \
  do {                                               \
    const ::absl::Status npscore_status_ = (expr);   \
    if (!npscore_status_.ok()) return npscore_status_; \
  } while (0)

#define NPSCORE_CONCAT_INNER_(a, b) a##b
#define NPSCORE_CONCAT_(a, b) NPSCORE_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else
// moves the value into `lhs` (a declaration such as `auto x` or a variable).
#define NPSCORE_ASSIGN_OR_RETURN(lhs, rexpr) \
  NPSCORE_ASSIGN_OR_RETURN_IMPL_(NPSCORE_CONCAT_(npscore_statusor_, __LINE__), lhs, rexpr)

#define NPSCORE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // NPSCORE_SRC_INTERNAL_STATUS_MACROS_H_
