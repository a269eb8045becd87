/* Header test (libgit2 tests/headertest): npscore/c_api.h compiles alone as
 * C99 with -pedantic -Wall -Wextra -Werror, and its declarations link.
 *
 * It also checks, for every options struct, that its _INIT macro (what a C
 * caller uses) and its _options_init() function (what every FFI uses) give
 * the same value, field by field; the library builds the function's value
 * from the C++ core's defaults, and static_asserts the macro against them.
 * Adding an options struct: write check_<struct>() as below (every field by
 * name, version 1, version 0 and newest + 1) and call it from main(). */
#include "npscore/c_api.h"

#if defined(ABSL_BASE_CONFIG_H_) || defined(NPSCORE_NPS_H_)
#error "npscore/c_api.h includes Abseil or npscore/nps.h"
#endif

#include <stdio.h>
#include <string.h>

static int g_failed = 0;

static void expect(int ok, const char *what, int line) {
  if (!ok) {
    ++g_failed;
    fprintf(stderr, "FAILED line %d: %s\n", line, what);
  }
}

#define EXPECT(cond) expect((cond) != 0, #cond, __LINE__)
/* The field has the same value in `macro` and `fn`. */
#define SAME(field) expect(macro.field == fn.field, "INIT vs _init(): " #field, __LINE__)
/* An _init() call: OK for version 1, EVERSION for 0 and newest + 1, with
 * the status and message in err. */
#define EXPECT_VERSIONS(init, type, newest)                                           \
  do {                                                                                \
    type o_;                                                                          \
    npscore_error e_;                                                                 \
    EXPECT(init(&o_, 1, &e_) == NPSCORE_OK && e_.status == NPSCORE_OK &&              \
           o_.version == 1);                                                          \
    EXPECT(init(&o_, 0, &e_) == NPSCORE_EVERSION && e_.status == NPSCORE_EVERSION &&  \
           strstr(e_.message, "version is 0") != NULL);                               \
    EXPECT(init(&o_, (newest) + 1, NULL) == NPSCORE_EVERSION);                        \
    EXPECT(init(NULL, 1, &e_) == NPSCORE_ENULL && e_.status == NPSCORE_ENULL);        \
  } while (0)

/* Every public type and macro is usable from plain C. */
static const npscore_nps_options kDefaults = NPSCORE_NPS_OPTIONS_INIT;

static void check_nps_options(void) {
  const npscore_nps_options macro = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_nps_options_init(&fn, NPSCORE_NPS_OPTIONS_VERSION, NULL) == NPSCORE_OK);
  SAME(version);
  SAME(detractor_max);
  SAME(passive_max);
  SAME(scale_max);
  SAME(missing);
  SAME(method);
  SAME(confidence);
  SAME(min_n);
  EXPECT_VERSIONS(npscore_nps_options_init, npscore_nps_options, NPSCORE_NPS_OPTIONS_VERSION);
}

static void check_nps_compare_options(void) {
  const npscore_nps_compare_options macro = NPSCORE_NPS_COMPARE_OPTIONS_INIT;
  npscore_nps_compare_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_nps_compare_options_init(&fn, NPSCORE_NPS_COMPARE_OPTIONS_VERSION, NULL) ==
         NPSCORE_OK);
  SAME(version);
  SAME(method);
  SAME(confidence);
  SAME(test);
  EXPECT_VERSIONS(npscore_nps_compare_options_init, npscore_nps_compare_options,
                  NPSCORE_NPS_COMPARE_OPTIONS_VERSION);
}

static void check_health_options(void) {
  const npscore_health_options macro = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_health_options_init(&fn, NPSCORE_HEALTH_OPTIONS_VERSION, NULL) == NPSCORE_OK);
  SAME(version);
  SAME(adjustment);
  SAME(alpha);
  SAME(min_n);
  SAME(passive_share_high);
  SAME(passive_trend_points);
  SAME(stable_nps_points);
  SAME(detractor_surge_points);
  SAME(promoter_erosion_points);
  SAME(trend_periods);
  SAME(flag_mode);
  SAME(frequency);
  SAME(baseline_months);
  SAME(drop_alpha);
  SAME(drop_points);
  SAME(cusum_k);
  SAME(cusum_h);
  SAME(power);
  EXPECT_VERSIONS(npscore_health_options_init, npscore_health_options,
                  NPSCORE_HEALTH_OPTIONS_VERSION);
}

/* churn, clv, priority */
static void check_churn_feature_options(void) {
  const npscore_churn_feature_options macro = NPSCORE_CHURN_FEATURE_OPTIONS_INIT;
  npscore_churn_feature_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_churn_feature_options_init(&fn, NPSCORE_CHURN_FEATURE_OPTIONS_VERSION, NULL) ==
         NPSCORE_OK);
  SAME(version);
  SAME(early_life_days);
  SAME(skip_unknown_customers);
  EXPECT_VERSIONS(npscore_churn_feature_options_init, npscore_churn_feature_options,
                  NPSCORE_CHURN_FEATURE_OPTIONS_VERSION);
}

static void check_churn_fit_options(void) {
  const npscore_churn_fit_options macro = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_fit_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_churn_fit_options_init(&fn, NPSCORE_CHURN_FIT_OPTIONS_VERSION, NULL) ==
         NPSCORE_OK);
  SAME(version);
  SAME(C);
  SAME(fit_intercept);
  SAME(standardize);
  SAME(class_weight_mode);
  SAME(class_weight[0]);
  SAME(class_weight[1]);
  SAME(tol);
  SAME(max_iter);
  SAME(threads);
  EXPECT_VERSIONS(npscore_churn_fit_options_init, npscore_churn_fit_options,
                  NPSCORE_CHURN_FIT_OPTIONS_VERSION);
}

static void check_churn_prior_options(void) {
  const npscore_churn_prior_options macro = NPSCORE_CHURN_PRIOR_OPTIONS_INIT;
  npscore_churn_prior_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_churn_prior_options_init(&fn, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION, NULL) ==
         NPSCORE_OK);
  SAME(version);
  SAME(detractor_rate);
  SAME(detractor_days);
  SAME(early_life_detractor_rate);
  SAME(early_life_detractor_days);
  SAME(passive_rate);
  SAME(passive_days);
  SAME(promoter_rate);
  SAME(promoter_days);
  SAME(baseline_rate);
  SAME(baseline_days);
  EXPECT_VERSIONS(npscore_churn_prior_options_init, npscore_churn_prior_options,
                  NPSCORE_CHURN_PRIOR_OPTIONS_VERSION);
}

static void check_clv_fit_options(void) {
  const npscore_clv_fit_options macro = NPSCORE_CLV_FIT_OPTIONS_INIT;
  npscore_clv_fit_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_clv_fit_options_init(&fn, NPSCORE_CLV_FIT_OPTIONS_VERSION, NULL) == NPSCORE_OK);
  SAME(version);
  SAME(penalizer);
  SAME(max_iterations);
  SAME(tolerance);
  SAME(threads);
  EXPECT_VERSIONS(npscore_clv_fit_options_init, npscore_clv_fit_options,
                  NPSCORE_CLV_FIT_OPTIONS_VERSION);
}

static void check_priority_options(void) {
  const npscore_priority_options macro = NPSCORE_PRIORITY_OPTIONS_INIT;
  npscore_priority_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_priority_options_init(&fn, NPSCORE_PRIORITY_OPTIONS_VERSION, NULL) ==
         NPSCORE_OK);
  SAME(version);
  SAME(sla_hours);
  SAME(passive_sla_hours);
  SAME(promoter_sla_hours);
  SAME(window_hours);
  SAME(urgency_hours);
  SAME(top);
  SAME(threads);
  EXPECT_VERSIONS(npscore_priority_options_init, npscore_priority_options,
                  NPSCORE_PRIORITY_OPTIONS_VERSION);
}

static void check_survey_invitation_options(void) {
  const npscore_survey_invitation_options macro = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT;
  npscore_survey_invitation_options fn;
  memset(&fn, 0xa5, sizeof fn);
  EXPECT(npscore_survey_invitation_options_init(&fn, NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION,
                                                NULL) == NPSCORE_OK);
  SAME(version);
  SAME(min_days_between);
  SAME(cohorts);
  EXPECT_VERSIONS(npscore_survey_invitation_options_init, npscore_survey_invitation_options,
                  NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION);
}

int main(void) {
  npscore_nps_counts counts = {0, 0, 0, 0};
  npscore_nps_summary summary;
  npscore_nps_comparison comparison;
  npscore_nps_group_table *table = NULL;
  npscore_status status = NPSCORE_OK;
  npscore_dtype dtype = NPSCORE_U64;
  (void)summary;
  (void)comparison;
  (void)counts;
  (void)dtype;
  (void)status;
  npscore_nps_group_table_free(table);
  check_nps_options();
  check_nps_compare_options();
  check_health_options();
  check_churn_feature_options();
  check_churn_fit_options();
  check_churn_prior_options();
  check_clv_fit_options();
  check_priority_options();
  check_survey_invitation_options();
  /* SQLite's idiom: the library linked is the one the header describes. */
  EXPECT(npscore_version_number() == NPSCORE_VERSION_NUMBER);
  EXPECT(kDefaults.version == NPSCORE_NPS_OPTIONS_VERSION);
  printf("%d failed\n", g_failed);
  return g_failed == 0 ? 0 : 1;
}
