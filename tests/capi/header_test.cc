// Header test (libgit2 tests/headertest): npscore/c_api.h compiles alone as
// C++ with -Wall -Wextra -Werror, and its extern "C" declarations link.
#include "npscore/c_api.h"

// Nothing of Abseil or the C++ core comes along (their include guards).
#if defined(ABSL_BASE_CONFIG_H_) || defined(NPSCORE_NPS_H_)
#error "npscore/c_api.h includes Abseil or npscore/nps.h"
#endif

int main() {
  const npscore_nps_options defaults = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_options opts;
  if (npscore_nps_options_init(&opts, NPSCORE_NPS_OPTIONS_VERSION, NULL) != NPSCORE_OK) return 1;
  if (opts.method != defaults.method || opts.scale_max != defaults.scale_max) return 1;
  npscore_nps_group_table* table = nullptr;
  npscore_nps_group_table_free(table);
  return npscore_version_number() == NPSCORE_VERSION_NUMBER ? 0 : 1;
}
