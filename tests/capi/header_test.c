/* Header test (libgit2 tests/headertest): npscore/c_api.h compiles alone as
 * C99 with -pedantic -Wall -Wextra -Werror, and its declarations link. */
#include "npscore/c_api.h"

#if defined(ABSL_BASE_CONFIG_H_) || defined(NPSCORE_NPS_H_)
#error "npscore/c_api.h includes Abseil or npscore/nps.h"
#endif

/* Every public type and macro is usable from plain C. */
static const npscore_nps_options kDefaults = NPSCORE_NPS_OPTIONS_INIT;

int main(void) {
  npscore_counts counts = {0, 0, 0, 0};
  npscore_summary summary;
  npscore_comparison comparison;
  npscore_group_table *table = NULL;
  npscore_status status = NPSCORE_OK;
  npscore_dtype dtype = NPSCORE_U64;
  (void)summary;
  (void)comparison;
  (void)counts;
  (void)dtype;
  (void)status;
  npscore_group_table_free(table);
  /* SQLite's idiom: the library linked is the one the header describes. */
  return npscore_version_number() == NPSCORE_VERSION_NUMBER &&
                 kDefaults.version == NPSCORE_NPS_OPTIONS_VERSION
             ? 0
             : 1;
}
