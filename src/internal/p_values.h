// Multiplicity adjustment of p-values the library computed itself (known to
// be NaN or in [0, 1]); the public AdjustPValues validates its input first.

#ifndef NPSCORE_SRC_INTERNAL_P_VALUES_H_
#define NPSCORE_SRC_INTERNAL_P_VALUES_H_

#include <vector>

#include "absl/types/span.h"
#include "npscore/health.h"

namespace npscore {
namespace internal {

// AdjustPValues without the check of `p`: each entry NaN or in [0, 1].
std::vector<double> AdjustValidPValues(absl::Span<const double> p, Adjustment adjustment);

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_P_VALUES_H_
