/* The C header alone, compiled as C89, C99 and C11 with -pedantic -Werror
 * (tests/capi/CMakeLists.txt): every declaration, macro and _INIT
 * initializer must be valid in each. Compiling is the test. */
#include "npscore/c_api.h"

int npscore_header_compile_check(void);

int npscore_header_compile_check(void) {
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_compare_options cmp = NPSCORE_NPS_COMPARE_OPTIONS_INIT;
  npscore_health_options health = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_churn_feature_options features = NPSCORE_CHURN_FEATURE_OPTIONS_INIT;
  npscore_churn_fit_options fit = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_prior_options prior = NPSCORE_CHURN_PRIOR_OPTIONS_INIT;
  npscore_clv_fit_options clv = NPSCORE_CLV_FIT_OPTIONS_INIT;
  npscore_priority_options priority = NPSCORE_PRIORITY_OPTIONS_INIT;
  struct ArrowArray array;
  struct ArrowSchema schema;
  npscore_error err;
  array.length = 0;
  schema.n_children = 0;
  err.status = NPSCORE_OK;
  return (int)(nps.version + cmp.version + health.version + features.version + fit.version +
               prior.version + clv.version + priority.version) +
         (int)array.length + (int)schema.n_children + err.status;
}
