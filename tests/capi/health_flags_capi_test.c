/* Tests of the health alerts through the C ABI: the alert options (flag
 * mode, period length, baseline and CUSUM thresholds), the flags
 * NPSCORE_FLAG_NPS_DROP / NPSCORE_FLAG_LEVEL_SHIFT and
 * npscore_health_table_baseline(). Expected values are worked out beside
 * each case from the rules in npscore/health.h. */

#include <stddef.h>

#include "check.h"

/* Appends d detractors (score 3), pa passives (7) and pr promoters (10) in
 * one period and slice. */
static size_t add(double *scores, int32_t *periods, int64_t *slices, size_t at, int d, int pa,
                  int pr, int32_t period, int64_t slice) {
  int k;
  for (k = 0; k < d + pa + pr; ++k) {
    scores[at] = k < d ? 3 : k < d + pa ? 7 : 10;
    periods[at] = period;
    if (slices != NULL) slices[at] = slice;
    ++at;
  }
  return at;
}

static void test_options(void) {
  npscore_health_options o;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_health_options_init(&o, NPSCORE_HEALTH_OPTIONS_VERSION, NULL),
             NULL);
  /* The documented defaults of the core (npscore/health.h HealthThresholds,
   * HealthOptions); header_test.c compares the macro with the function. */
  CHECK(NPSCORE_HEALTH_OPTIONS_VERSION == 1 && o.version == 1);
  CHECK(o.flag_mode == NPSCORE_FLAG_MODE_ALERT && o.frequency == NPSCORE_FREQ_MONTH);
  CHECK(o.baseline_months == 12 && o.drop_alpha == 0.01 && o.drop_points == 5);
  CHECK(o.cusum_k == 0.5 && o.cusum_h == 4 && o.power == 0.80);
  CHECK_CALL(NPSCORE_EVERSION, npscore_health_options_init(&o, 2, NULL), "version is 2", NULL);
  CHECK_CALL(NPSCORE_EVERSION, npscore_health_options_init(&o, 0, NULL), "version is 0", NULL);
  CHECK(NPSCORE_FLAG_NPS_DROP == 0x10 && NPSCORE_FLAG_LEVEL_SHIFT == 0x20);
}

/* 13 months of 20/30/50 (NPS +30), month 0 at 30/30/40, then a month of
 * 40/30/30 (NPS -10): month 13's baseline is months 1..12. */
static double g_scores[1500];
static int32_t g_periods[1500];

static size_t drop_data(void) {
  size_t n = add(g_scores, g_periods, NULL, 0, 30, 30, 40, 0, 0);
  int32_t k;
  for (k = 1; k <= 12; ++k) n = add(g_scores, g_periods, NULL, n, 20, 30, 50, k, 0);
  return add(g_scores, g_periods, NULL, n, 40, 30, 30, 13, 0);
}

static void test_drop_against_baseline(void) {
  const size_t n = drop_data();
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL;
  npscore_health_baseline_row b;
  npscore_health_row r;
  const char *why = NULL;
  /* z_.99 + z_.80; the period's family: drop, surge, erosion, growth. */
  const double zz = 2.3263478740408408 + 0.8416212335729143;
  double mdd_alpha_quantile;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&b, t, 13, NULL), NULL);
  CHECK(b.baseline_first == 1 && b.baseline_n == 1200);
  CHECK_NEAR(b.baseline_nps, 30, 1e-12);
  CHECK_NEAR(b.nps_vs_baseline, -40, 1e-12);
  CHECK_NEAR(b.vs_baseline_se, 100 * sqrt(0.69 / 100 + 0.61 / 1200), 1e-9);
  CHECK_NEAR(b.detractor_vs_baseline, 20, 1e-12);
  CHECK_NEAR(b.promoter_vs_baseline, -20, 1e-12);
  CHECK(b.drop_p < 1e-4 && b.drop_p_adjusted >= b.drop_p && b.drop_p_adjusted < 0.01);
  CHECK(b.flag_family >= 3 && b.flag_family <= 4);
  /* min_detectable_drop at drop_alpha / family and 80% power, baseline V. */
  mdd_alpha_quantile = b.flag_family == 4 ? 2.807033768343811 : 2.7130518884727213;
  CHECK_NEAR(b.min_detectable_drop,
             (mdd_alpha_quantile + 0.8416212335729143) * 100 * sqrt(0.61 * (0.01 + 1.0 / 1200)),
             1e-6);
  CHECK(b.min_detectable_drop > zz * 100 * sqrt(0.61 * (0.01 + 1.0 / 1200)));
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 13, NULL), NULL);
  CHECK((r.flags & NPSCORE_FLAG_NPS_DROP) && (r.flags & NPSCORE_FLAG_DETRACTOR_SURGE) &&
        (r.flags & NPSCORE_FLAG_PROMOTER_EROSION));
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 13, NULL), NULL);
  CHECK(strstr(why, "NPS -40.0 points vs the 12 periods before (+30.0, n=1200") != NULL);
  CHECK(strstr(why, "Holm-adjusted within the period") != NULL);
  /* Month 0 has no baseline. */
  CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&b, t, 0, NULL), NULL);
  CHECK(b.baseline_first == 0 && b.baseline_n == 0 && isnan(b.baseline_nps) &&
        isnan(b.drop_p) && b.flag_family == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_baseline(&b, t, 14, NULL), "index i is 14", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_baseline(NULL, t, 0, NULL), "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_baseline(&b, NULL, 0, NULL), "t is NULL", NULL);
  npscore_health_table_free(t);

  /* Review mode: Benjamini-Hochberg over the table, named in the reasons. */
  o.flag_mode = NPSCORE_FLAG_MODE_REVIEW;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 13, NULL), NULL);
  CHECK(strstr(why, "BH-adjusted over the table") != NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&b, t, 13, NULL), NULL);
  CHECK(b.flag_family > 4);
  npscore_health_table_free(t);

  /* Quarterly codes: 12 months are the 4 quarters before. */
  o.flag_mode = NPSCORE_FLAG_MODE_ALERT;
  o.frequency = NPSCORE_FREQ_QUARTER;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&b, t, 13, NULL), NULL);
  CHECK(b.baseline_first == 9 && b.baseline_n == 400);
  npscore_health_table_free(t);
}

/* Six months of 20/30/50 then six of 35/30/35 (NPS -30 points), n = 100:
 * Page's CUSUM crosses h = 4 once, then restarts with the new level. */
static void test_level_shift(void) {
  static double scores[1200];
  static int32_t periods[1200];
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL;
  npscore_health_row r;
  npscore_health_baseline_row b;
  const char *why = NULL;
  size_t n = 0, i, last_shift = 99;
  int32_t k;
  int shifts = 0;
  for (k = 0; k < 12; ++k) {
    n = k < 6 ? add(scores, periods, NULL, n, 20, 30, 50, k, 0)
              : add(scores, periods, NULL, n, 35, 30, 35, k, 0);
  }
  o.drop_alpha = 1e-9; /* keep nps_drop out of the way */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, n, periods, 12, NULL, 1, NULL, &o,
                                      NULL),
             NULL);
  for (i = 0; i < 12; ++i) {
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, i, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&b, t, i, NULL), NULL);
    if (r.flags & NPSCORE_FLAG_LEVEL_SHIFT) {
      ++shifts;
      CHECK(i >= 6 && b.cusum >= 4);
      CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, i, NULL), NULL);
      CHECK(strstr(why, "CUSUM") != NULL && strstr(why, ">= 4 SEs (k=0.5)") != NULL);
    }
    /* No baseline in month 0, nor just after the signal (it restarts). */
    CHECK(isnan(b.cusum) == (i == 0 || i == last_shift + 1));
    if (r.flags & NPSCORE_FLAG_LEVEL_SHIFT) last_shift = i;
  }
  CHECK(shifts == 1);
  npscore_health_table_free(t);
}

static void test_bad_options(void) {
  const size_t n = drop_data();
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL;
  o.flag_mode = 5;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             "opts->flag_mode is 5", "NPSCORE_FLAG_MODE_REVIEW", NULL);
  CHECK(t == NULL);
  o.flag_mode = NPSCORE_FLAG_MODE_ALERT;
  o.frequency = 9;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             "opts->frequency is 9", NULL);
  o.frequency = NPSCORE_FREQ_MONTH;
  o.drop_alpha = 0;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             "drop_alpha=0", NULL);
  o.drop_alpha = 0.01;
  o.frequency = NPSCORE_FREQ_QUARTER;
  o.baseline_months = 1;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             "baseline_months=1", "shorter than one period (a quarter)", NULL);
  o.version = 2;
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_health_table_new(&t, g_scores, NPSCORE_F64, n, g_periods, 14, NULL, 1, NULL,
                                      &o, NULL),
             "opts->version is 2", NULL);
  CHECK(t == NULL);
}

int main(void) {
  test_options();
  test_drop_against_baseline();
  test_level_shift();
  test_bad_options();
  return check_summary();
}
