// The health flags of a table (src/health_flags.cc), called by the table's
// derivation in src/health.cc. Not installed.

#ifndef NPSCORE_SRC_INTERNAL_HEALTH_FLAGS_H_
#define NPSCORE_SRC_INTERNAL_HEALTH_FLAGS_H_

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "npscore/health.h"

namespace npscore {
namespace internal {

// Checks the options behind the flags against a trailing baseline
// (thresholds baseline_months .. power, flag_mode, frequency).
absl::Status ValidateFlagOptions(const HealthOptions& options);

// Sets the flags, reasons and alert columns of `t`, whose counts, shares,
// Wilson bounds and trends are derived. `passive_trend_p` holds the
// two-sided p-value of each row's passive trend (NaN where there is none).
// Overlapping rows (rolling windows) get no baseline tests and no CUSUM.
void DeriveFlags(HealthTable& t, const HealthOptions& options,
                 absl::Span<const double> passive_trend_p, bool overlapping);

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_HEALTH_FLAGS_H_
