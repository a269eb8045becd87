// The health table handle of the C ABI (npscore/c_api.h) and the reading of
// the health options, shared by capi/health.cc and capi/monitor.cc (the
// monitor's closed periods leave as a health table); not installed.

#ifndef NPSCORE_CAPI_HEALTH_HANDLES_H_
#define NPSCORE_CAPI_HEALTH_HANDLES_H_

#include <memory>

#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/health.h"

// Tables are shared with their Arrow exports (capi/arrow.h), which view
// their columns and may outlive the handle.
struct npscore_health_table {
  std::shared_ptr<const npscore::HealthTable> shared;
  const npscore::HealthTable& table = *shared;
};

namespace npscore {
namespace capi {

// Reads `nps_opts` and `opts` (NULL = defaults) into the core's health
// options. Checks the versions and the enum fields; the numbers are
// validated by the core.
npscore_status ReadHealthOptions(Call& call, const npscore_nps_options* nps_opts,
                                 const npscore_health_options* opts, HealthOptions* out);

}  // namespace capi
}  // namespace npscore

#endif  // NPSCORE_CAPI_HEALTH_HANDLES_H_
