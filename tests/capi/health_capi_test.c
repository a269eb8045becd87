/* Tests of the health module's C ABI (npscore/c_api.h), as a C99 caller sees it.
 *
 * Expected values are worked out by hand beside each case: epoch instants
 * from day counts, Wilson and Wald formulas, Holm and Benjamini-Hochberg
 * step by step, migrations, attributions, event windows and account
 * roll-ups counted by hand; never from the core called a second way. Every
 * error path is checked for its status and for a message that names the
 * argument, row and value. Prints "N passed, M failed"; exits non-zero on
 * any failure. */

#include "check.h"

/* Nanoseconds per hour and per day. */
#define HOUR_NS (INT64_C(3600) * 1000000000)
#define DAY_NS (24 * HOUR_NS)

/* Days from 1970-01-01 to 2024-01-01: 54 years, 13 of them leap years
 * (1972, 1976, ..., 2020). */
#define DAYS_2024 (54 * 365 + 13)

/* Two-sided normal p-value of z. */
static double p_two_sided(double z) { return erfc(fabs(z) / sqrt(2.0)); }

/* Appends d detractors (score 0), pa passives (7) and p promoters (10) in
 * period `period` and slice `slice`; returns the new row count. */
static size_t add_rows(double *scores, int32_t *periods, int64_t *slices, size_t at, int d,
                       int pa, int p, int32_t period, int64_t slice) {
  int k;
  for (k = 0; k < d + pa + p; ++k) {
    scores[at] = k < d ? 0 : k < d + pa ? 7 : 10;
    periods[at] = period;
    if (slices != NULL) slices[at] = slice;
    ++at;
  }
  return at;
}

/* Wilson score interval for k / n at z. */
static void wilson(double k, double n, double z, double *low, double *high) {
  const double p = k / n, z2 = z * z;
  const double denom = 1 + z2 / n;
  const double center = (p + z2 / (2 * n)) / denom;
  const double half = z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
  *low = center - half;
  *high = center + half;
}

/* --- Options --------------------------------------------------------------------- */

static void test_options(void) {
  npscore_health_options o;
  const npscore_health_options init = NPSCORE_HEALTH_OPTIONS_INIT;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_health_options_init(&o, NPSCORE_HEALTH_OPTIONS_VERSION, NULL),
             NULL);
  /* The core's documented defaults (npscore/health.h HealthThresholds). */
  CHECK(o.version == NPSCORE_HEALTH_OPTIONS_VERSION && init.version == o.version);
  CHECK(o.adjustment == NPSCORE_ADJUST_HOLM);
  CHECK(o.alpha == 0.05 && o.min_n == 30 && o.passive_share_high == 0.40);
  CHECK(o.passive_trend_points == 1.0 && o.stable_nps_points == 5.0);
  CHECK(o.detractor_surge_points == 5.0 && o.promoter_erosion_points == 5.0);
  CHECK(o.trend_periods == 6);
  CHECK(init.adjustment == o.adjustment &&
        init.alpha == o.alpha && init.min_n == o.min_n &&
        init.passive_share_high == o.passive_share_high &&
        init.passive_trend_points == o.passive_trend_points &&
        init.stable_nps_points == o.stable_nps_points &&
        init.detractor_surge_points == o.detractor_surge_points &&
        init.promoter_erosion_points == o.promoter_erosion_points &&
        init.trend_periods == o.trend_periods);
  CHECK_CALL(NPSCORE_EVERSION, npscore_health_options_init(&o, 99, NULL), "version is 99", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_options_init(NULL, 1, NULL),
             "npscore_health_options_init: opts is NULL", NULL);
  /* Distinct flag bits. */
  CHECK(NPSCORE_FLAG_LOW_N == 1 && NPSCORE_FLAG_PASSIVE_VULNERABILITY == 2 &&
        NPSCORE_FLAG_DETRACTOR_SURGE == 4 && NPSCORE_FLAG_PROMOTER_EROSION == 8);
}

/* --- Periods ----------------------------------------------------------------------- */

static void test_month_grid_utc(void) {
  /* 2024-01-15 .. 2024-03-02 in UTC: January, February, March. */
  const int64_t jan1 = DAYS_2024 * DAY_NS;
  const int64_t feb1 = (DAYS_2024 + 31) * DAY_NS;
  const int64_t mar1 = (DAYS_2024 + 31 + 29) * DAY_NS; /* 2024 is a leap year */
  const int64_t apr1 = (DAYS_2024 + 31 + 29 + 31) * DAY_NS;
  const int64_t starts[4] = {jan1, feb1, mar1, apr1};
  const char *labels[3] = {"2024-01", "2024-02", "2024-03"};
  npscore_health_period_grid *g = NULL;
  int64_t start = 0, end = 0;
  const char *label = NULL;
  size_t i;
  /* 2024-01-15 00:00 and 2024-03-02 12:00 UTC. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, jan1 + 14 * DAY_NS, mar1 + DAY_NS + 12 * HOUR_NS,
                                        NPSCORE_FREQ_MONTH, "UTC", NULL),
             NULL);
  CHECK(g != NULL);
  CHECK(npscore_health_period_grid_size(g) == 3);
  for (i = 0; i < 3; ++i) {
    CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, i, NULL), NULL);
    CHECK(start == starts[i] && end == starts[i + 1]);
    CHECK(label != NULL && strcmp(label, labels[i]) == 0);
  }
  CHECK(jan1 == INT64_C(1704067200) * 1000000000); /* the well-known Unix time */

  /* Assigning times: the last instant of January, Feb 1 00:00, March, one
   * instant before and one after the grid. */
  {
    const int64_t times[6] = {feb1 - 1, feb1, mar1 + 5 * DAY_NS, jan1 - 1, apr1,
                              NPSCORE_MISSING_TIME};
    const int32_t want[6] = {0, 1, 2, -1, -1, -1};
    int32_t out[6];
    CHECK_CALL(NPSCORE_OK, npscore_health_assign_periods(out, 6, times, 6, g, 1, NULL), NULL);
    CHECK(memcmp(out, want, sizeof want) == 0);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_assign_periods(out, 6, times, 6, g, 0, NULL),
               "npscore_health_assign_periods", "time at row 5 is missing (NaT)", NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_assign_periods(NULL, 0, NULL, 0, g, 0, NULL), NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_assign_periods(out, 6, times, 6, NULL, 0, NULL),
               "grid is NULL", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_assign_periods(NULL, 6, times, 6, g, 0, NULL),
               "out is NULL but n is 6", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_assign_periods(out, 6, NULL, 6, g, 0, NULL),
               "times is NULL but n is 6", NULL);
  }

  CHECK_CALL(NPSCORE_EINVAL, npscore_health_period_grid_get(&start, &end, &label, g, 3, NULL),
             "index i is 3", "3 periods", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_period_grid_get(NULL, &end, &label, g, 0, NULL),
             "out_start is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_period_grid_get(&start, NULL, &label, g, 0, NULL),
             "out_end is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_period_grid_get(&start, &end, NULL, g, 0, NULL),
             "out_label is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_period_grid_get(&start, &end, &label, NULL, 0, NULL),
             "grid is NULL", NULL);
  npscore_health_period_grid_free(g);
  npscore_health_period_grid_free(NULL);
  CHECK(npscore_health_period_grid_size(NULL) == 0);
}

static void test_grid_time_zones_weeks_quarters(void) {
  const int64_t jan1 = DAYS_2024 * DAY_NS;
  const int64_t apr1 = (DAYS_2024 + 31 + 29 + 31) * DAY_NS;
  npscore_health_period_grid *g = NULL;
  int64_t start = 0, end = 0;
  const char *label = NULL;
  /* New York is UTC-5 in January (EST), UTC-4 in April (EDT): its months
   * start at 05:00 and 04:00 UTC. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, jan1 + 9 * DAY_NS, apr1 + 9 * DAY_NS,
                                        NPSCORE_FREQ_MONTH, "America/New_York", NULL),
             NULL);
  CHECK(npscore_health_period_grid_size(g) == 4);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, 0, NULL), NULL);
  CHECK(start == jan1 + 5 * HOUR_NS && strcmp(label, "2024-01") == 0);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, 3, NULL), NULL);
  CHECK(start == apr1 + 4 * HOUR_NS && strcmp(label, "2024-04") == 0);
  /* 2024-02-01 03:00 UTC is still January 31 in New York. */
  {
    const int64_t times[2] = {(DAYS_2024 + 31) * DAY_NS + 3 * HOUR_NS,
                              (DAYS_2024 + 31) * DAY_NS + 6 * HOUR_NS};
    int32_t out[2];
    CHECK_CALL(NPSCORE_OK, npscore_health_assign_periods(out, 2, times, 2, g, 0, NULL), NULL);
    CHECK(out[0] == 0 && out[1] == 1);
  }
  npscore_health_period_grid_free(g);

  /* ISO weeks. Counting days of 2024 from 0 (January 1, a Monday), 2024-12-29
   * is day 363, a Sunday of the week from Monday 2024-12-23 (day 357),
   * 2024-W52; Monday 2024-12-30 (day 364) starts 2025-W01, whose Thursday is
   * 2025-01-02. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, (DAYS_2024 + 363) * DAY_NS,
                                        (DAYS_2024 + 364) * DAY_NS, NPSCORE_FREQ_WEEK, "UTC", NULL),
             NULL);
  CHECK(npscore_health_period_grid_size(g) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, 0, NULL), NULL);
  CHECK(strcmp(label, "2024-W52") == 0 && start == (DAYS_2024 + 357) * DAY_NS);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, 1, NULL), NULL);
  CHECK(strcmp(label, "2025-W01") == 0 && start == (DAYS_2024 + 364) * DAY_NS &&
        end == (DAYS_2024 + 371) * DAY_NS);
  npscore_health_period_grid_free(g);

  /* Quarters: 2024-02-10 .. 2024-04-01 is 2024Q1 and 2024Q2. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, (DAYS_2024 + 40) * DAY_NS, apr1,
                                        NPSCORE_FREQ_QUARTER, "UTC", NULL),
             NULL);
  CHECK(npscore_health_period_grid_size(g) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, 1, NULL), NULL);
  CHECK(strcmp(label, "2024Q2") == 0 && start == apr1 &&
        end == (DAYS_2024 + 31 + 29 + 31 + 30 + 31 + 30) * DAY_NS);
  npscore_health_period_grid_free(g);

  /* Days. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, jan1, jan1 + DAY_NS, NPSCORE_FREQ_DAY, "UTC", NULL),
             NULL);
  CHECK(npscore_health_period_grid_size(g) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, 1, NULL), NULL);
  CHECK(strcmp(label, "2024-01-02") == 0 && start == jan1 + DAY_NS);
  npscore_health_period_grid_free(g);
}

static void test_grid_errors(void) {
  npscore_health_period_grid *g = NULL, *before = NULL;
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_new(&before, 0, 0, NPSCORE_FREQ_DAY, "UTC",
                                                        NULL),
             NULL);
  g = before;
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_period_grid_new(&g, 0, DAY_NS, NPSCORE_FREQ_MONTH,
                                                        "Mars/Olympus", NULL),
             "npscore_health_period_grid_new", "time_zone \"Mars/Olympus\" is not", NULL);
  CHECK(g == NULL); /* *out is NULL after an error */
  npscore_health_period_grid_free(before);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_period_grid_new(&g, 0, DAY_NS, 4, "UTC", NULL),
             "frequency is 4", "NPSCORE_FREQ_DAY (0)", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_period_grid_new(&g, 0, DAY_NS, -1, "UTC", NULL),
             "frequency is -1", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_period_grid_new(&g, DAY_NS, 0, NPSCORE_FREQ_DAY, "UTC", NULL),
             "the time range is empty", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_period_grid_new(&g, NPSCORE_MISSING_TIME, 0, NPSCORE_FREQ_DAY, "UTC",
                                            NULL),
             "missing (NaT) bound", NULL);
  /* 280 years of days: 102200 periods. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_period_grid_new(&g, 0, 280 * 365 * DAY_NS, NPSCORE_FREQ_DAY, "UTC",
                                            NULL),
             "more than 100000 periods", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_period_grid_new(NULL, 0, 0, NPSCORE_FREQ_DAY, "UTC",
                                                           NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_period_grid_new(&g, 0, 0, NPSCORE_FREQ_DAY, NULL, NULL),
             "time_zone is NULL", NULL);
  CHECK(g == NULL);
}

/* --- The health table ------------------------------------------------------------------ */

/* The seed example: +50 as 60/30/10 (slice 0) and as 50/50/0 (slice 1). */
static void test_seed_example(void) {
  double scores[200];
  int32_t periods[200];
  int64_t slices[200];
  npscore_health_table *t = NULL;
  npscore_health_row r;
  const char *why = NULL;
  const int64_t *hist = NULL;
  size_t bins = 0, n;
  double low, high;
  n = add_rows(scores, periods, slices, 0, 10, 30, 60, 0, 0);
  n = add_rows(scores, periods, slices, n, 0, 50, 50, 0, 1);
  CHECK(n == 200);
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, n, periods, 1, slices, 2, NULL, NULL,
                                      NULL),
             NULL);
  CHECK(t != NULL && npscore_health_table_size(t) == 2);

  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 0, NULL), NULL);
  CHECK(r.slice == 0 && r.period == 0 && r.n == 100);
  CHECK(r.detractors == 10 && r.passives == 30 && r.promoters == 60 && r.skipped == 0);
  CHECK_NEAR(r.nps, 50, 1e-12);
  /* V = (p + d) - (p - d)^2 = .7 - .25 = .45. */
  CHECK_NEAR(r.se, 100 * sqrt(0.45 / 100), 1e-10);
  CHECK_NEAR(r.share_passives, 0.30, 1e-15);
  wilson(30, 100, kZ95, &low, &high);
  CHECK_NEAR(r.share_passives_low, low, 1e-12);
  CHECK_NEAR(r.share_passives_high, high, 1e-12);
  wilson(60, 100, kZ95, &low, &high);
  CHECK_NEAR(r.share_promoters_low, low, 1e-12);
  CHECK_NEAR(r.share_promoters_high, high, 1e-12);
  CHECK(r.flags == 0);
  CHECK(isnan(r.nps_change) && isnan(r.passive_trend)); /* one period only */
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 0, NULL), NULL);
  CHECK(why != NULL && strcmp(why, "") == 0);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_histogram(&hist, &bins, t, 0, NULL), NULL);
  CHECK(bins == 11 && hist[0] == 10 && hist[7] == 30 && hist[10] == 60 && hist[5] == 0);

  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 1, NULL), NULL);
  CHECK(r.slice == 1 && r.period == 0 && r.n == 100 && r.passives == 50 && r.promoters == 50);
  CHECK_NEAR(r.nps, 50, 1e-12);
  /* V = .5 - .25 = .25. */
  CHECK_NEAR(r.se, 100 * sqrt(0.25 / 100), 1e-10);
  CHECK(r.flags == NPSCORE_FLAG_PASSIVE_VULNERABILITY);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 1, NULL), NULL);
  /* Judged on the Wilson lower bound of 50/100: 40.4% >= 40%. */
  CHECK(strcmp(why, "passive share 50.0% (95% interval from 40.4%) >= 40.0%") == 0);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_histogram(&hist, &bins, t, 1, NULL), NULL);
  CHECK(hist[0] == 0 && hist[7] == 50 && hist[10] == 50);

  /* Accessor errors. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_get(&r, t, 2, NULL), "index i is 2", "2 rows",
             NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_reasons(&why, t, 9, NULL), "index i is 9", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_histogram(&hist, &bins, t, 2, NULL),
             "index i is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_get(NULL, t, 0, NULL), "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_get(&r, NULL, 0, NULL), "t is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_reasons(NULL, t, 0, NULL), "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_histogram(&hist, NULL, t, 0, NULL),
             "out_bins is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_histogram(NULL, &bins, t, 0, NULL), "out is NULL",
             NULL);
  npscore_health_table_free(t);
  npscore_health_table_free(NULL);
  CHECK(npscore_health_table_size(NULL) == 0);
}

/* Two periods of 1000: 20/30/50 then 30/30/40 (Wald intervals). */
static void test_two_period_change(void) {
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  static double scores[2003];
  static int32_t periods[2003];
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL;
  npscore_health_row r;
  const char *why = NULL;
  size_t n;
  /* V0 = .7 - .09 = .61, V1 = .7 - .01 = .69. */
  const double se = 100 * sqrt(0.61 / 1000 + 0.69 / 1000);
  /* Two-proportion z-tests: detractors 200/1000 -> 300/1000 (pooled .25),
   * promoters 500/1000 -> 400/1000 (pooled .45). */
  const double z_det = 0.1 / sqrt(0.25 * 0.75 * (2.0 / 1000));
  const double z_pro = 0.1 / sqrt(0.45 * 0.55 * (2.0 / 1000));
  nps.method = NPSCORE_INTERVAL_WALD;
  nps.missing = NPSCORE_MISSING_SKIP;
  n = add_rows(scores, periods, NULL, 0, 200, 300, 500, 0, 0);
  n = add_rows(scores, periods, NULL, n, 300, 300, 400, 1, 0);
  /* A missing score in period 1 (skipped) and a row left out (period -1). */
  scores[n] = NAN;
  periods[n++] = 1;
  scores[n] = 10;
  periods[n++] = -1;
  scores[n] = 3;
  periods[n++] = -1;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, n, periods, 2, NULL, 7, &nps, &o,
                                      NULL),
             NULL);
  CHECK(npscore_health_table_size(t) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 0, NULL), NULL);
  CHECK(r.n == 1000 && r.skipped == 0);
  CHECK_NEAR(r.nps, 30, 1e-12);
  CHECK_NEAR(r.ci_low, 30 - kZ95 * 100 * sqrt(0.61 / 1000), 1e-9);
  CHECK(isnan(r.nps_change) && isnan(r.change_p) && isnan(r.detractor_change));
  CHECK(r.flags == 0);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 1, NULL), NULL);
  CHECK(r.slice == 0 && r.period == 1 && r.n == 1000 && r.skipped == 1);
  CHECK_NEAR(r.nps, 10, 1e-12);
  CHECK_NEAR(r.nps_change, -20, 1e-12);
  CHECK_NEAR(r.change_se, se, 1e-10);
  /* The score test of nps.h: the likelihood maximized under equal NPS by
   * scipy (Lagrange conditions, brentq) gives z = -5.50832094140574,
   * p = 3.62272477749271e-8. */
  CHECK_NEAR(r.change_p, 3.62272477749271e-8, 1e-20);
  /* A family of one p-value: Holm leaves it as it is. */
  CHECK_NEAR(r.change_p_adjusted, r.change_p, 1e-20);
  CHECK_NEAR(r.detractor_change, 10, 1e-9);
  CHECK_NEAR(r.detractor_change_p_adjusted, p_two_sided(z_det), 1e-12);
  CHECK_NEAR(r.promoter_change, -10, 1e-9);
  CHECK_NEAR(r.promoter_change_p_adjusted, p_two_sided(z_pro), 1e-12);
  /* Both far below alpha = .05, both at least 5 points; period 0 is also
   * period 1's whole trailing baseline, so the NPS drop of 20 (z = -5.5) is
   * flagged, and the CUSUM passes h = 4 at once (5.5 - 0.5). */
  CHECK(r.flags == (NPSCORE_FLAG_DETRACTOR_SURGE | NPSCORE_FLAG_PROMOTER_EROSION |
                    NPSCORE_FLAG_NPS_DROP | NPSCORE_FLAG_LEVEL_SHIFT));
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 1, NULL), NULL);
  CHECK(strstr(why, "detractor share +10.0 points vs previous period") != NULL);
  CHECK(strstr(why, "; promoter share -10.0 points vs previous period") != NULL);
  npscore_health_table_free(t);

  /* Surge thresholds above the change: no flags. */
  o.detractor_surge_points = 10.5;
  o.promoter_erosion_points = 10.5;
  o.drop_points = 20.5;
  o.cusum_h = 10;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, n, periods, 2, NULL, 1, &nps, &o,
                                      NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 1, NULL), NULL);
  CHECK(r.flags == 0);
  npscore_health_table_free(t);

  /* min_n above n: LOW_N and nothing else, with its reason. */
  o.min_n = 2000;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, n, periods, 2, NULL, 1, &nps, &o,
                                      NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 1, NULL), NULL);
  CHECK(r.flags == NPSCORE_FLAG_LOW_N);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 1, NULL), NULL);
  CHECK(strstr(why, "n=1000 < 2000") != NULL);
  npscore_health_table_free(t);
}

/* One slice over three periods of 100: passives 20, 30, 40 (detractors 10). */
static void test_trends(void) {
  double scores[300];
  int32_t periods[300];
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL;
  npscore_health_row r;
  npscore_health_segment_trend tr[4];
  size_t count = 99, n;
  const char *why = NULL;
  /* Weighted least squares with equal weights at x = 0, 1, 2: sxx = 100 *
   * (1 + 0 + 1) = 200; slope = .1 per period for passives (pooled mean .3,
   * variance .21), -.1 for promoters (mean .6, variance .24), 0 for
   * detractors. */
  const double se_pas = sqrt(0.21 / 200), se_pro = sqrt(0.24 / 200);
  const double p_pas = p_two_sided(0.1 / se_pas), p_pro = p_two_sided(0.1 / se_pro);
  n = add_rows(scores, periods, NULL, 0, 10, 20, 70, 0, 0);
  n = add_rows(scores, periods, NULL, n, 10, 30, 60, 1, 0);
  n = add_rows(scores, periods, NULL, n, 10, 40, 50, 2, 0);
  o.trend_periods = 3;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, n, periods, 3, NULL, 0, NULL, &o,
                                      NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 1, NULL), NULL);
  CHECK(isnan(r.passive_trend)); /* two periods: no trend yet */
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 2, NULL), NULL);
  CHECK_NEAR(r.passive_trend, 10, 1e-9);
  CHECK_NEAR(r.passive_trend_p_adjusted, p_pas, 1e-12); /* the only trend p-value */
  CHECK_NEAR(r.nps_trend, -10, 1e-9);                   /* NPS 60, 50, 40 */
  /* Passive share 40% of 100 reaches the 40% threshold, but its Wilson
   * lower bound (30.9%) does not; the growth is significant but NPS moved
   * 20 points over the window, so it is not "stable": no passive flag.
   * Promoters fell from 65% over the two periods before to 50%. */
  CHECK(r.flags == NPSCORE_FLAG_PROMOTER_EROSION);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, 2, NULL), NULL);
  CHECK(strstr(why, "promoter share -15.0 points vs the 2 periods before (65.0% -> 50.0%") == why);

  /* Segment trends: 3 rows for the one slice. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_segment_trends(tr, 4, &count, t, 3, NPSCORE_ADJUST_HOLM, NULL), NULL);
  CHECK(count == 3);
  CHECK(tr[0].slice == 0 && tr[0].segment == -1 && tr[1].segment == 0 && tr[2].segment == 1);
  CHECK(tr[1].periods == 3 && tr[1].n == 300);
  CHECK_NEAR(tr[0].slope_points, 0, 1e-9);
  CHECK_NEAR(tr[0].p_value, 1, 1e-12);
  CHECK_NEAR(tr[1].slope_points, 10, 1e-9);
  CHECK_NEAR(tr[1].slope_se, 100 * se_pas, 1e-9);
  CHECK_NEAR(tr[1].z, 0.1 / se_pas, 1e-9);
  CHECK_NEAR(tr[1].p_value, p_pas, 1e-12);
  CHECK_NEAR(tr[1].start_share, 0.2, 1e-12);
  CHECK_NEAR(tr[1].end_share, 0.4, 1e-12);
  CHECK_NEAR(tr[2].slope_points, -10, 1e-9);
  CHECK_NEAR(tr[2].slope_se, 100 * se_pro, 1e-9);
  /* Holm over {p_det = 1, p_pas, p_pro}, p_pas < p_pro: 3 p_pas, then
   * max(3 p_pas, 2 p_pro), then 1. */
  CHECK(p_pas < p_pro);
  CHECK_NEAR(tr[1].p_adjusted, 3 * p_pas, 1e-12);
  CHECK_NEAR(tr[2].p_adjusted, fmax(3 * p_pas, 2 * p_pro), 1e-12);
  CHECK_NEAR(tr[0].p_adjusted, 1, 1e-12);
  CHECK_CALL(NPSCORE_OK,
             npscore_health_segment_trends(tr, 3, &count, t, 3, NPSCORE_ADJUST_NONE, NULL), NULL);
  CHECK_NEAR(tr[1].p_adjusted, p_pas, 1e-15);

  /* Capacity too small: the rows needed, nothing written. */
  count = 0;
  tr[0].slice = 42;
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_health_segment_trends(tr, 2, &count, t, 3, NPSCORE_ADJUST_HOLM, NULL),
             "npscore_health_segment_trends", "out has capacity 2 but the result needs 3 elements",
             NULL);
  CHECK(count == 3 && tr[0].slice == 42);
  /* The size alone. */
  count = 0;
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_health_segment_trends(NULL, 0, &count, t, 3, NPSCORE_ADJUST_HOLM, NULL),
             "capacity 0", NULL);
  CHECK(count == 3);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_segment_trends(NULL, 3, &count, t, 3, NPSCORE_ADJUST_HOLM, NULL),
             "out is NULL but n is 3", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_segment_trends(tr, 3, NULL, t, 3, NPSCORE_ADJUST_HOLM, NULL),
             "out_count is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_segment_trends(tr, 3, &count, NULL, 3, NPSCORE_ADJUST_HOLM, NULL),
             "table is NULL", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_segment_trends(tr, 3, &count, t, 3, 3, NULL),
             "adjustment is 3", "NPSCORE_ADJUST_HOLM (0)", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_segment_trends(tr, 3, &count, t, 2, NPSCORE_ADJUST_HOLM, NULL),
             "periods is 2", "a trend needs 3..1000 periods", NULL);
  npscore_health_table_free(t);
}

static void test_health_table_errors(void) {
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  double scores[6] = {10, 7, 0, 10, 9, 8};
  int32_t periods[6] = {0, 0, 1, 1, 2, 2};
  int64_t slices[6] = {0, 1, 0, 1, 0, 1};
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL, *before = NULL;
  char raw[64];
  const void *misaligned = raw + 1;

  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&before, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL,
                                      NULL, NULL),
             NULL);
  CHECK(npscore_health_table_size(before) == 6);
  /* Score errors name the row and value; *out becomes NULL. */
  t = before;
  scores[3] = 11;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL, NULL,
                                      NULL),
             "npscore_health_table_new", "score at row 3 is 11", "outside the scale 0..10",
             NULL);
  CHECK(t == NULL);
  npscore_health_table_free(before);
  scores[3] = NAN;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL, NULL,
                                      NULL),
             "score at row 3 is missing (NaN)", NULL);
  scores[3] = 9.5;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL, NULL,
                                      NULL),
             "score at row 3 is 9.5", "whole numbers", NULL);
  scores[3] = 10;
  periods[4] = 3;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL, NULL,
                                      NULL),
             "period code at row 4 is 3", "outside 0..2", NULL);
  periods[4] = 2;
  slices[5] = 2;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL, NULL,
                                      NULL),
             "slice code at row 5 is 2", "outside 0..1", NULL);
  slices[5] = 1;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, (size_t)-1, slices, 2,
                                      NULL, NULL, NULL),
             "n_periods is 18446744073709551615", NULL);
  /* A product of sizes beyond int64_t is refused, not overflowed. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, INT64_C(1) << 40,
                                      slices, INT64_C(1) << 40, NULL, NULL, NULL),
             "bad table size: 1099511627776 slices x 1099511627776 periods", NULL);
  CHECK(t == NULL);

  /* Options: versions, enums and thresholds. */
  o.version = 7;
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "opts->version is 7", "knows versions 1 to 1", "_init() function or _INIT macro",
             NULL);
  o.version = NPSCORE_HEALTH_OPTIONS_VERSION;
  nps.version = 0;
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "nps_opts->version is 0", NULL);
  nps.version = NPSCORE_NPS_OPTIONS_VERSION;
  nps.method = 9;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "nps_opts->method is 9", NULL);
  nps.method = NPSCORE_INTERVAL_WALD;
  nps.missing = -3;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "nps_opts->missing is -3", NULL);
  nps.missing = NPSCORE_MISSING_ERROR;
  o.adjustment = 5;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "opts->adjustment is 5", "NPSCORE_ADJUST_BH (1)", NULL);
  o.adjustment = NPSCORE_ADJUST_BH;
  o.alpha = 0;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "bad health threshold alpha=0", NULL);
  o.alpha = 0.05;
  o.trend_periods = 2;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "trend_periods=2", NULL);
  o.trend_periods = 6;
  nps.passive_max = 11;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "bad cutoffs", NULL);
  nps.passive_max = 8;
  nps.confidence = 1.5;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             "confidence is 1.5", NULL);
  nps.confidence = 0.95;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, periods, 3, slices, 2, &nps, &o,
                                      NULL),
             NULL);
  npscore_health_table_free(t);

  /* Pointers and dtype. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, scores, 42, 6, periods, 3, slices, 2, NULL,
                                      NULL, NULL),
             "dtype is 42", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_table_new(NULL, scores, NPSCORE_F64, 6, periods, 3, slices, 2, NULL,
                                      NULL, NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_table_new(&t, NULL, NPSCORE_F64, 6, periods, 3, slices, 2, NULL, NULL,
                                      NULL),
             "scores is NULL but n is 6", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_table_new(&t, scores, NPSCORE_F64, 6, NULL, 3, slices, 2, NULL, NULL,
                                      NULL),
             "periods is NULL but n is 6", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new(&t, misaligned, NPSCORE_F64, 6, periods, 3, slices, 2, NULL,
                                      NULL, NULL),
             "scores is not aligned to 8 bytes", NULL);
  /* No rows: every period empty, flagged low-n. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, NULL, NPSCORE_F64, 0, NULL, 2, NULL, 0, NULL, NULL,
                                      NULL), NULL);
  CHECK(npscore_health_table_size(t) == 2);
  {
    npscore_health_row r;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, 1, NULL), NULL);
    CHECK(r.n == 0 && isnan(r.nps) && r.flags == NPSCORE_FLAG_LOW_N);
  }
  npscore_health_table_free(t);
}

/* --- p-value adjustment ---------------------------------------------------------------- */

static void test_adjust_p_values(void) {
  const double p[4] = {0.01, 0.04, 0.03, 0.005};
  /* Holm: sorted .005, .01, .03, .04 times 4, 3, 2, 1 = .02, .03, .06, .04,
   * made non-decreasing: .02, .03, .06, .06. */
  const double holm[4] = {0.03, 0.06, 0.06, 0.02};
  /* BH: sorted times 4/1, 4/2, 4/3, 4/4 = .02, .02, .04, .04, made
   * non-increasing from the largest: the same. */
  const double bh[4] = {0.02, 0.04, 0.04, 0.02};
  double out[4], inplace[3] = {0.01, NAN, 0.04};
  int i;
  CHECK_CALL(NPSCORE_OK, npscore_health_adjust_p_values(out, 4, p, 4, NPSCORE_ADJUST_HOLM, NULL),
             NULL);
  for (i = 0; i < 4; ++i) CHECK_NEAR(out[i], holm[i], 1e-15);
  CHECK_CALL(NPSCORE_OK, npscore_health_adjust_p_values(out, 4, p, 4, NPSCORE_ADJUST_BH, NULL),
             NULL);
  for (i = 0; i < 4; ++i) CHECK_NEAR(out[i], bh[i], 1e-15);
  CHECK_CALL(NPSCORE_OK, npscore_health_adjust_p_values(out, 4, p, 4, NPSCORE_ADJUST_NONE, NULL),
             NULL);
  CHECK(memcmp(out, p, sizeof p) == 0);
  /* NaN is left out of the family (m = 2) and stays NaN; out may be p. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_adjust_p_values(inplace, 3, inplace, 3, NPSCORE_ADJUST_HOLM,
                                            NULL), NULL);
  CHECK_NEAR(inplace[0], 0.02, 1e-15);
  CHECK(isnan(inplace[1]));
  CHECK_NEAR(inplace[2], 0.04, 1e-15);
  CHECK_CALL(NPSCORE_OK, npscore_health_adjust_p_values(NULL, 0, NULL, 0, NPSCORE_ADJUST_BH, NULL),
             NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_adjust_p_values(out, 4, p, 4, 3, NULL),
             "adjustment is 3",
             NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_adjust_p_values(out, 4, p, 4, -1, NULL),
             "adjustment is -1", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_adjust_p_values(NULL, 4, p, 4, 0, NULL),
             "out is NULL but n is 4", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_adjust_p_values(out, 4, NULL, 4, 0, NULL),
             "p is NULL but n is 4", NULL);
}

/* --- Migration ------------------------------------------------------------------------- */

/* Index of (period, from, to) in the counts: segments 0 D, 1 P(assive), 2 P(romoter). */
#define CELL(period, from, to) (((period)*3 + (from)) * 3 + (to))

static void test_migration(void) {
  /* Customer 100: promoter (t1, period 0), passive 8 (t2, period 0),
   *   detractor 3 (t3, period 1), given out of time order.
   * Customer 7: promoter 9 (t4, period 0), passive 7 (t5, period 1), a
   *   missing score (t6, skipped).
   * Customer 55: detractor (t1, period 0), promoter (t2, left out by period -1). */
  const double scores[8] = {10, 3, 8, 7, 9, 0, NAN, 10};
  const int64_t customers[8] = {100, 100, 100, 7, 7, 55, 7, 55};
  const int64_t times[8] = {1, 3, 2, 5, 4, 1, 6, 2};
  int32_t periods[8] = {0, 1, 0, 1, 0, 0, 1, -1};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_health_migration_totals tot;
  int64_t counts[18], whole[9];
  int64_t want[18];
  double bad[8];
  int64_t ties[8];
  o.missing = NPSCORE_MISSING_SKIP;
  memset(want, 0, sizeof want);
  want[CELL(0, 2, 1)] = 1; /* 100: promoter -> passive, in period 0 */
  want[CELL(1, 1, 0)] = 1; /* 100: passive -> detractor, in period 1 */
  want[CELL(1, 2, 1)] = 1; /* 7: promoter -> passive, in period 1 */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      periods, 2, &o, NULL),
             NULL);
  CHECK(memcmp(counts, want, sizeof want) == 0);
  CHECK(tot.customers == 2 && tot.pairs == 3 && tot.excluded == 1 && tot.skipped == 1);

  /* Without periods: one period, and customer 55's pair detractor ->
   * promoter counts too. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_migration(whole, 9, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      NULL, 0, &o, NULL),
             NULL);
  CHECK(whole[CELL(0, 2, 1)] == 2 && whole[CELL(0, 1, 0)] == 1 && whole[CELL(0, 0, 2)] == 1);
  CHECK(whole[0] + whole[1] + whole[2] + whole[3] + whole[4] + whole[5] + whole[6] + whole[7] +
            whole[8] ==
        4);
  CHECK(tot.customers == 3 && tot.pairs == 4 && tot.excluded == 0 && tot.skipped == 1);

  /* Errors name the row or customer. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      periods, 2, NULL, NULL),
             "npscore_health_migration", "score at row 6 is missing (NaN)", NULL);
  memcpy(bad, scores, sizeof bad);
  bad[2] = -1;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_migration(counts, 18, &tot, bad, NPSCORE_F64, 8, customers, times,
                                      periods, 2, &o, NULL),
             "score at row 2 is -1", NULL);
  memcpy(ties, times, sizeof ties);
  ties[4] = 5; /* customer 7 twice at t5: in row order, passive 7 then promoter 9 */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, ties,
                                      periods, 2, &o, NULL),
             NULL);
  memset(want, 0, sizeof want);
  want[CELL(0, 2, 1)] = 1; /* 100, as above */
  want[CELL(1, 1, 0)] = 1;
  want[CELL(0, 1, 2)] = 1; /* 7: passive -> promoter, in the promoter's period 0 */
  CHECK(memcmp(counts, want, sizeof want) == 0 && tot.pairs == 3);
  ties[4] = NPSCORE_MISSING_TIME;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, ties,
                                      periods, 2, &o, NULL),
             "time at row 4 is missing (NaT)", NULL);
  periods[1] = 2;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      periods, 2, &o, NULL),
             "period code at row 1 is 2", "outside 0..1", NULL);
  periods[1] = 1;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      periods, (size_t)-2, &o, NULL),
             "n_periods is 18446744073709551614", NULL);
  o.version = 3;
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      periods, 2, &o, NULL),
             "opts->version is 3", NULL);
  o.version = NPSCORE_NPS_OPTIONS_VERSION;
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_migration(NULL, 18, &tot, scores, NPSCORE_F64, 8, customers, times,
                                      periods, 2, &o, NULL),
             "out is NULL but n is 18", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_migration(counts, 18, NULL, scores, NPSCORE_F64, 8, customers, times,
                                      periods, 2, &o, NULL),
             "out_totals is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, NULL, times,
                                      periods, 2, &o, NULL),
             "customers is NULL but n is 8", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_migration(counts, 18, &tot, scores, NPSCORE_F64, 8, customers, NULL,
                                      periods, 2, &o, NULL),
             "times is NULL but n is 8", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_migration(counts, 18, &tot, scores, 10, 8, customers,
                                      times, periods, 2, &o, NULL),
             "dtype is 10", NULL);
}

/* --- Attribution ------------------------------------------------------------------------ */

static void test_attribute_change(void) {
  /* Period a: slice 0 10/20/70 (NPS 60), slice 1 30/40/30 (NPS 0), n 200.
   * Period b: slice 0 10/30/60 (NPS 50), slice 1 60/80/60 (NPS 0), n 300.
   * Overall: a (100 - 40) / 200 = 30, b (120 - 70) / 300 = 50 / 3. */
  const npscore_nps_counts a[2] = {counts3(10, 20, 70), counts3(30, 40, 30)};
  const npscore_nps_counts b[2] = {counts3(10, 30, 60), counts3(60, 80, 60)};
  npscore_health_attribution_row rows[3];
  npscore_health_attribution_totals tot;
  CHECK_CALL(NPSCORE_OK, npscore_health_attribute_change(rows, 2, &tot, a, b, 2, NULL), NULL);
  CHECK_NEAR(tot.overall_a, 30, 1e-12);
  CHECK_NEAR(tot.overall_b, 50.0 / 3, 1e-12);
  CHECK_NEAR(tot.change, 50.0 / 3 - 30, 1e-12);
  /* Slice 0: weights .5 -> 1/3, NPS 60 -> 50:
   * mix = (1/3 - 1/2) (60 + 50) / 2 = -55 / 6, rate = (1/2 + 1/3) / 2 (-10) = -25 / 6. */
  CHECK_NEAR(rows[0].weight_a, 0.5, 1e-15);
  CHECK_NEAR(rows[0].weight_b, 1.0 / 3, 1e-15);
  CHECK_NEAR(rows[0].nps_a, 60, 1e-12);
  CHECK_NEAR(rows[0].nps_b, 50, 1e-12);
  CHECK_NEAR(rows[0].mix, -55.0 / 6, 1e-12);
  CHECK_NEAR(rows[0].rate, -25.0 / 6, 1e-12);
  /* Slice 1 has NPS 0 in both periods: no effect despite its weight change. */
  CHECK_NEAR(rows[1].weight_b, 2.0 / 3, 1e-15);
  CHECK_NEAR(rows[1].mix, 0, 1e-12);
  CHECK_NEAR(rows[1].rate, 0, 1e-12);
  /* The parts add up to the change. */
  CHECK_NEAR(rows[0].total + rows[1].total, tot.change, 1e-12);
  CHECK_NEAR(rows[0].mix + rows[0].rate, rows[0].total, 1e-12);

  /* A slice new in b: weight 0 in a, b's NPS in both, all mix. a: slice 0
   * 0/0/10 (NPS 100); b: slice 0 0/0/10, slice 1 5/0/5 (NPS 0): overall
   * 100 -> 50; slice 0's weight 1 -> .5: mix = -.5 * 200 / 2 = -50. */
  {
    const npscore_nps_counts a2[2] = {counts3(0, 0, 10), counts3(0, 0, 0)};
    const npscore_nps_counts b2[2] = {counts3(0, 0, 10), counts3(5, 0, 5)};
    CHECK_CALL(NPSCORE_OK, npscore_health_attribute_change(rows, 2, &tot, a2, b2, 2, NULL), NULL);
    CHECK_NEAR(tot.change, -50, 1e-12);
    CHECK_NEAR(rows[0].mix, -50, 1e-12);
    CHECK_NEAR(rows[0].rate, 0, 1e-12);
    CHECK(rows[1].weight_a == 0 && rows[1].nps_a == 0 && rows[1].total == 0);
  }

  /* Errors. */
  {
    const npscore_nps_counts neg[2] = {counts3(1, 1, 1), counts3(1, -4, 1)};
    const npscore_nps_counts none[2] = {counts3(0, 0, 0), counts3(0, 0, 0)};
    const npscore_nps_counts huge[2] = {counts3(INT64_MAX, 0, 0), counts3(0, 0, 1)};
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_attribute_change(rows, 2, &tot, neg, b, 2, NULL),
               "npscore_health_attribute_change", "counts of slice 1 in period a",
               "passives=-4", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_attribute_change(rows, 2, &tot, a, none, 2, NULL),
               "period b has no respondents", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_attribute_change(rows, 2, &tot, huge, b, 2, NULL),
               "counts of period a overflow int64 at slice 1", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_attribute_change(NULL, 0, &tot, NULL, NULL, 0, NULL),
               "period a has no respondents in any of its 0 slices", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_attribute_change(NULL, 2, &tot, a, b, 2, NULL),
               "out is NULL but n is 2", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_attribute_change(rows, 2, NULL, a, b, 2, NULL),
               "out_totals is NULL", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_attribute_change(rows, 2, &tot, NULL, b, 2, NULL),
               "a is NULL but n is 2", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_attribute_change(rows, 2, &tot, a, NULL, 2, NULL),
               "b is NULL but n is 2", NULL);
  }
}

/* --- Event impact ------------------------------------------------------------------------- */

static void test_event_impact(void) {
  /* Event at t = 100 with 50 ns windows: before is [50, 100), after [100, 150).
   * Slice 0: before 10 (t60), 0 (t80), 10 (t99): 1 D, 2 P, NPS 100/3;
   *          after 7 (t100), 10 (t120), 10 (t149): 1 passive, 2 P, NPS 200/3;
   *          outside: 0 at t49 and t150. Slice 1: nothing. A row of slice
   *          -1 is left out. A second event at t = 1000 has empty windows. */
  const double scores[9] = {10, 0, 10, 7, 10, 10, 0, 0, 10};
  const int64_t times[9] = {60, 80, 99, 100, 120, 149, 49, 150, 110};
  int64_t slices[9] = {0, 0, 0, 0, 0, 0, 0, 0, -1};
  const int64_t events[2] = {100, 1000};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_health_event_impact_row rows[4];
  size_t count = 0;
  /* Wald: before V = 1 - 1/9 = 8/9, after V = 2/3 - 4/9 = 2/9, n = 3 each. */
  const double se_before = 100 * sqrt(8.0 / 9 / 3), se_after = 100 * sqrt(2.0 / 9 / 3);
  const double se = sqrt(se_before * se_before + se_after * se_after);
  o.method = NPSCORE_INTERVAL_WALD;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times, slices,
                                         2, events, 2, 50, 50, &o, NULL),
             NULL);
  CHECK(count == 4);
  CHECK(rows[0].event == 0 && rows[0].slice == 0 && rows[1].event == 0 &&
        rows[1].slice == 1 && rows[2].event == 1 && rows[2].slice == 0);
  CHECK(rows[0].before.n == 3 && rows[0].before.detractors == 1 &&
        rows[0].before.promoters == 2);
  CHECK(rows[0].after.n == 3 && rows[0].after.passives == 1 && rows[0].after.promoters == 2);
  CHECK_NEAR(rows[0].before.nps, 100.0 / 3, 1e-12);
  CHECK_NEAR(rows[0].after.nps, 200.0 / 3, 1e-12);
  CHECK_NEAR(rows[0].before.se, se_before, 1e-10);
  CHECK_NEAR(rows[0].after.se, se_after, 1e-10);
  CHECK_NEAR(rows[0].change.diff, 100.0 / 3, 1e-12);
  CHECK_NEAR(rows[0].change.se, se, 1e-10);
  CHECK_NEAR(rows[0].change.p_value, p_two_sided(100.0 / 3 / se), 1e-12);
  CHECK(rows[0].change.method == NPSCORE_INTERVAL_WALD);
  CHECK(rows[0].outside_data == 0);
  CHECK(rows[1].before.n == 0 && rows[1].after.n == 0 && rows[1].outside_data == 1);
  CHECK(isnan(rows[1].before.nps) && isnan(rows[1].change.diff));
  CHECK(rows[2].outside_data == 1 && rows[3].outside_data == 1);

  /* One slice (slices NULL): the row at t110 counts too. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times, NULL,
                                         0, events, 1, 50, 50, &o, NULL),
             NULL);
  CHECK(count == 1 && rows[0].after.n == 4 && rows[0].after.promoters == 3);

  /* Capacity too small: the rows needed. */
  count = 0;
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_health_event_impact(rows, 3, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 2, events, 2, 50, 50, &o, NULL),
             "npscore_health_event_impact", "out has capacity 3 but the result needs 4 elements",
             NULL);
  CHECK(count == 4);

  /* Errors name the row or event. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 2, events, 2, -1, 50, &o, NULL),
             "before_ns is -1", "must be > 0 ns", NULL);
  {
    const int64_t nat_event[2] = {100, NPSCORE_MISSING_TIME};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times,
                                           slices, 2, nat_event, 2, 50, 50, &o, NULL),
               "event time at index 1 is missing (NaT)", NULL);
  }
  slices[3] = 5;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 2, events, 2, 50, 50, &o, NULL),
             "slice code at row 3 is 5", "outside 0..1", NULL);
  slices[3] = 0;
  {
    const double bad[9] = {10, 0, 10, 7, 10, 12, 0, 0, 10};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_health_event_impact(rows, 4, &count, bad, NPSCORE_F64, 9, times, slices,
                                           2, events, 2, 50, 50, &o, NULL),
               "score at row 5 is 12", NULL);
  }
  o.missing = 7;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 2, events, 2, 50, 50, &o, NULL),
             "opts->missing is 7", NULL);
  o.missing = NPSCORE_MISSING_ERROR;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 0, events, 2, 50, 50, &o, NULL),
             "n_slices is 0", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_event_impact(rows, 4, NULL, scores, NPSCORE_F64, 9, times, slices,
                                         2, events, 2, 50, 50, &o, NULL),
             "out_count is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, NULL, slices,
                                         2, events, 2, 50, 50, &o, NULL),
             "times is NULL but n is 9", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_event_impact(rows, 4, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 2, NULL, 2, 50, 50, &o, NULL),
             "events is NULL but n is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_event_impact(NULL, 4, &count, scores, NPSCORE_F64, 9, times,
                                         slices, 2, events, 2, 50, 50, &o, NULL),
             "out is NULL but n is 4", NULL);
}

/* --- Account roll-up ---------------------------------------------------------------------- */

static void test_account_nps(void) {
  /* Account 0: 10 (contact 1, t1), 9 (contact 2, t2), 3 (contact 1, t3).
   * Account 1: 10 (contact 5, t1), 9 (contact 6, t2). Account 2: none.
   * A row of account -1 is left out. */
  const int32_t scores[6] = {10, 9, 3, 10, 9, 0};
  const int64_t accounts[6] = {0, 0, 0, 1, 1, -1};
  const int64_t contacts[6] = {1, 2, 1, 5, 6, 9};
  const int64_t times[6] = {1, 2, 3, 1, 2, 1};
  const double weights[3] = {1, 3, 0};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_health_account_table *t = NULL;
  npscore_health_account_row r;
  npscore_nps_summary s;
  o.method = NPSCORE_INTERVAL_WALD;

  /* Pooled. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, contacts,
                                              NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, 1, &o, NULL),
             NULL);
  CHECK(npscore_health_account_table_size(t) == 3);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, t, 0, NULL), NULL);
  /* Mean 22/3 = 7.33: passive (7 <= mean < 9); NPS 100 (2 - 1) / 3. */
  CHECK(r.responses == 3 && r.contacts == 2 && r.segment == 0 && r.small == 0);
  CHECK_NEAR(r.mean_score, 22.0 / 3, 1e-12);
  CHECK_NEAR(r.nps, 100.0 / 3, 1e-12);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, t, 1, NULL), NULL);
  CHECK(r.responses == 2 && r.contacts == 2 && r.segment == 1);
  CHECK_NEAR(r.mean_score, 9.5, 1e-12);
  CHECK_NEAR(r.nps, 100, 1e-12);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, t, 2, NULL), NULL);
  CHECK(r.responses == 0 && r.contacts == 0 && r.segment == NPSCORE_NO_SEGMENT && r.small == 1);
  CHECK(isnan(r.mean_score) && isnan(r.nps));
  /* Overall: 4 promoters, 1 detractor of 5: NPS 60, V = 1 - .36 = .64. */
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_overall(&s, t, NULL), NULL);
  CHECK(s.n == 5 && s.promoters == 4 && s.detractors == 1);
  CHECK_NEAR(s.nps, 60, 1e-12);
  CHECK_NEAR(s.se, 100 * sqrt(0.64 / 5), 1e-10);
  CHECK(s.method == NPSCORE_INTERVAL_WALD);
  CHECK_CALL(NPSCORE_EINVAL, npscore_health_account_table_get(&r, t, 3, NULL), "index i is 3",
             "3 accounts", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_account_table_get(NULL, t, 0, NULL), "out is NULL",
             NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_account_table_get(&r, NULL, 0, NULL), "t is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_account_table_overall(NULL, t, NULL), "out is NULL",
             NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_account_table_overall(&s, NULL, NULL), "t is NULL",
             NULL);
  npscore_health_account_table_free(t);

  /* min_n 3: account 1 (2 responses) is small and left out: 2 P, 1 D of 3. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, 3, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, t, 1, NULL), NULL);
  CHECK(r.small == 1 && r.contacts == -1); /* no contact ids given */
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_overall(&s, t, NULL), NULL);
  CHECK(s.n == 3);
  CHECK_NEAR(s.nps, 100.0 / 3, 1e-12);
  npscore_health_account_table_free(t);

  /* Average: one vote per account, its mean's segment: passive, promoter. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_AVERAGE, NULL, 1, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_overall(&s, t, NULL), NULL);
  CHECK(s.n == 2 && s.passives == 1 && s.promoters == 1);
  CHECK_NEAR(s.nps, 50, 1e-12);
  npscore_health_account_table_free(t);
  /* Weighted 1 and 3: NPS 100 * 3 / 4 = 75, Kish n = 4^2 / (1 + 9) = 1.6. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_AVERAGE, weights, 1, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_overall(&s, t, NULL), NULL);
  CHECK_NEAR(s.nps, 75, 1e-12);
  CHECK_NEAR(s.n_effective, 1.6, 1e-12);
  npscore_health_account_table_free(t);

  /* Latest: contact 1's latest is the 3 at t3; account 0 is 9 and 3 (NPS 0),
   * account 1 10 and 9: overall 3 P, 1 D of 4 = NPS 50. */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, contacts,
                                        times, NPSCORE_ROLLUP_LATEST, NULL, 1, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, t, 0, NULL), NULL);
  CHECK(r.responses == 2 && r.contacts == 2);
  CHECK_NEAR(r.nps, 0, 1e-12);
  CHECK_NEAR(r.mean_score, 6, 1e-12);
  CHECK(r.segment == -1);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_overall(&s, t, NULL), NULL);
  CHECK(s.n == 4);
  CHECK_NEAR(s.nps, 50, 1e-12);
  npscore_health_account_table_free(t);
  npscore_health_account_table_free(NULL);
  CHECK(npscore_health_account_table_size(NULL) == 0);

  /* Errors. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, contacts,
                                        times, 3, NULL, 1, &o, NULL),
             "npscore_health_account_table_new", "how is 3", "NPSCORE_ROLLUP_LATEST (2)", NULL);
  CHECK(t == NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, contacts,
                                        NULL, NPSCORE_ROLLUP_LATEST, NULL, 1, &o, NULL),
             "needs contact ids and response times", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 1, NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, 1, &o, NULL),
             "account code at row 3 is 1", "outside 0..0", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, -1, &o, NULL),
             "min_n is -1", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, (size_t)-4,
                                              NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, weights, 1, &o, NULL),
             "n_accounts is 18446744073709551612", NULL);
  {
    const double bad_w[3] = {1, -1, 0};
    const int32_t bad_s[6] = {10, 9, 3, 10, 99, 0};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                          NPSCORE_ROLLUP_POOLED, bad_w, 1, &o, NULL),
               "weight of account 1 is -1", NULL);
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_health_account_table_new(&t, bad_s, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                          NPSCORE_ROLLUP_POOLED, NULL, 1, &o, NULL),
               "score at row 4 is 99", NULL);
  }
  {
    /* Contact 1 of account 0 answers 10 and 3 at the same instant (rows 0
     * and 2): the later row, the 3, is its latest, as in the case above. */
    const int64_t same_time[6] = {3, 2, 3, 1, 2, 1};
    CHECK_CALL(NPSCORE_OK,
               npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, contacts,
                                          same_time, NPSCORE_ROLLUP_LATEST, NULL, 1, &o, NULL),
               NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, t, 0, NULL), NULL);
    CHECK(r.responses == 2 && r.contacts == 2);
    CHECK_NEAR(r.nps, 0, 1e-12);
    CHECK_CALL(NPSCORE_OK, npscore_health_account_table_overall(&s, t, NULL), NULL);
    CHECK_NEAR(s.nps, 50, 1e-12);
    npscore_health_account_table_free(t);
    t = NULL;
  }
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_account_table_new(NULL, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, 1, &o, NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, NULL, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, 1, &o, NULL),
             "accounts is NULL but n is 6", NULL);
  o.version = 2;
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_health_account_table_new(&t, scores, NPSCORE_I32, 6, accounts, 3, NULL, NULL,
                                        NPSCORE_ROLLUP_POOLED, NULL, 1, &o, NULL),
             "opts->version is 2", NULL);
  CHECK(t == NULL);
}

/* --- A table from histograms counted elsewhere ------------------------------------- */

/* a == b, or both NaN. */
static int same(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

/* Rows i of tables a and b agree in every field (row, alerts, reasons). */
static int same_rows(const npscore_health_table *a, const npscore_health_table *b, size_t i) {
  npscore_health_row x, y;
  npscore_health_baseline_row u, v;
  const char *why_a = NULL, *why_b = NULL;
  if (npscore_health_table_get(&x, a, i, NULL) != NPSCORE_OK ||
      npscore_health_table_get(&y, b, i, NULL) != NPSCORE_OK ||
      npscore_health_table_baseline(&u, a, i, NULL) != NPSCORE_OK ||
      npscore_health_table_baseline(&v, b, i, NULL) != NPSCORE_OK ||
      npscore_health_table_reasons(&why_a, a, i, NULL) != NPSCORE_OK ||
      npscore_health_table_reasons(&why_b, b, i, NULL) != NPSCORE_OK) {
    return 0;
  }
  return x.slice == y.slice && x.period == y.period && x.n == y.n &&
         x.detractors == y.detractors && x.passives == y.passives &&
         x.promoters == y.promoters && x.skipped == y.skipped && x.flags == y.flags &&
         same(x.share_detractors, y.share_detractors) &&
         same(x.share_detractors_low, y.share_detractors_low) &&
         same(x.share_detractors_high, y.share_detractors_high) &&
         same(x.share_passives, y.share_passives) &&
         same(x.share_passives_low, y.share_passives_low) &&
         same(x.share_passives_high, y.share_passives_high) &&
         same(x.share_promoters, y.share_promoters) &&
         same(x.share_promoters_low, y.share_promoters_low) &&
         same(x.share_promoters_high, y.share_promoters_high) && same(x.nps, y.nps) &&
         same(x.se, y.se) && same(x.ci_low, y.ci_low) && same(x.ci_high, y.ci_high) &&
         same(x.nps_change, y.nps_change) && same(x.change_se, y.change_se) &&
         same(x.change_p, y.change_p) && same(x.change_p_adjusted, y.change_p_adjusted) &&
         same(x.detractor_change, y.detractor_change) &&
         same(x.detractor_change_p_adjusted, y.detractor_change_p_adjusted) &&
         same(x.promoter_change, y.promoter_change) &&
         same(x.promoter_change_p_adjusted, y.promoter_change_p_adjusted) &&
         same(x.passive_trend, y.passive_trend) &&
         same(x.passive_trend_p_adjusted, y.passive_trend_p_adjusted) &&
         same(x.nps_trend, y.nps_trend) && u.baseline_first == v.baseline_first &&
         u.baseline_n == v.baseline_n && u.flag_family == v.flag_family &&
         same(u.baseline_nps, v.baseline_nps) && same(u.nps_vs_baseline, v.nps_vs_baseline) &&
         same(u.vs_baseline_se, v.vs_baseline_se) && same(u.drop_p, v.drop_p) &&
         same(u.drop_p_adjusted, v.drop_p_adjusted) &&
         same(u.detractor_vs_baseline, v.detractor_vs_baseline) && same(u.surge_p, v.surge_p) &&
         same(u.surge_p_adjusted, v.surge_p_adjusted) &&
         same(u.promoter_vs_baseline, v.promoter_vs_baseline) &&
         same(u.erosion_p, v.erosion_p) && same(u.erosion_p_adjusted, v.erosion_p_adjusted) &&
         same(u.passive_growth_p, v.passive_growth_p) &&
         same(u.passive_growth_p_adjusted, v.passive_growth_p_adjusted) &&
         same(u.cusum, v.cusum) && same(u.min_detectable_drop, v.min_detectable_drop) &&
         strcmp(why_a, why_b) == 0;
}

/* Two shards counted apart, their histograms added: the table equals the
 * one counted from all rows, field by field, flags and reasons included. */
static void test_from_histogram(void) {
  enum { kPeriods = 8, kSlices = 2, kBins = 11, kRows = 1200 };
  double scores[kRows];
  int32_t periods[kRows];
  int64_t slices[kRows];
  int64_t hist[kSlices * kPeriods * kBins], skipped[kSlices * kPeriods];
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *whole = NULL, *merged = NULL, *part[2] = {NULL, NULL};
  npscore_health_row r;
  size_t i, k, n = 0, half;
  int b, flagged = 0;
  nps.missing = NPSCORE_MISSING_SKIP;
  o.min_n = 10;
  o.baseline_months = 3;
  /* Slice 0 erodes (promoters become passives), slice 1 holds steady. */
  for (i = 0; i < kPeriods; ++i) {
    n = add_rows(scores, periods, slices, n, 10, 20 + 6 * (int)i, 45 - 6 * (int)i, (int32_t)i, 0);
    n = add_rows(scores, periods, slices, n, 8, 20, 30, (int32_t)i, 1);
  }
  /* Spread the scores over the scale, and a few missing ones. */
  for (i = 0; i < n; ++i) {
    if (scores[i] == 0) scores[i] = (double)(i % 7);
    if (scores[i] == 10) scores[i] = 9 + (double)(i % 2);
    if (i % 97 == 0) scores[i] = nan("");
  }
  CHECK(n <= kRows);
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&whole, scores, NPSCORE_F64, n, periods, kPeriods, slices,
                                      kSlices, &nps, &o, NULL),
             NULL);
  /* The shards: every other row, so each holds part of every (slice, period). */
  memset(hist, 0, sizeof hist);
  memset(skipped, 0, sizeof skipped);
  half = n / 2;
  for (k = 0; k < 2; ++k) {
    double s[kRows];
    int32_t p[kRows];
    int64_t sl[kRows];
    size_t m = 0;
    for (i = k; i < n; i += 2) {
      s[m] = scores[i];
      p[m] = periods[i];
      sl[m] = slices[i];
      ++m;
    }
    CHECK(m == half);
    CHECK_CALL(NPSCORE_OK,
               npscore_health_table_new(&part[k], s, NPSCORE_F64, m, p, kPeriods, sl, kSlices,
                                        &nps, &o, NULL),
               NULL);
    for (i = 0; i < (size_t)(kSlices * kPeriods); ++i) {
      const int64_t *h = NULL;
      size_t bins = 0;
      CHECK_CALL(NPSCORE_OK, npscore_health_table_histogram(&h, &bins, part[k], i, NULL), NULL);
      CHECK(bins == kBins);
      for (b = 0; b < kBins; ++b) hist[i * kBins + (size_t)b] += h[b];
      CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, part[k], i, NULL), NULL);
      skipped[i] += r.skipped;
    }
  }
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new_from_histogram(&merged, hist, sizeof hist / sizeof hist[0],
                                                     kPeriods, kSlices, skipped,
                                                     kSlices * kPeriods, &nps, &o, NULL),
             NULL);
  CHECK(npscore_health_table_size(merged) == kSlices * kPeriods);
  for (i = 0; i < (size_t)(kSlices * kPeriods); ++i) {
    CHECK(same_rows(whole, merged, i));
    if (npscore_health_table_get(&r, merged, i, NULL) == NPSCORE_OK && r.flags != 0) ++flagged;
  }
  CHECK(flagged > 0); /* the comparison covers flags and reasons, not only zeros */
  /* Slice 0, period 0 by hand: 10 + 20 + 45 rows, one of them (row 0) missing. */
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, merged, 0, NULL), NULL);
  CHECK(r.n == 74 && r.skipped == 1 && r.passives == 20 && r.promoters == 45 &&
        r.detractors == 9);
  CHECK_NEAR(r.nps, 100.0 * (45 - 9) / 74, 1e-12);

  /* Without skipped counts: the same statistics, skipped = 0. */
  npscore_health_table_free(merged);
  merged = NULL;
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new_from_histogram(&merged, hist, sizeof hist / sizeof hist[0],
                                                     kPeriods, kSlices, NULL, 0, &nps, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, merged, 0, NULL), NULL);
  CHECK(r.n == 74 && r.skipped == 0);

  /* Errors: sizes that do not match, a negative count, NULL columns. */
  npscore_health_table_free(merged);
  merged = NULL;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new_from_histogram(&merged, hist, 10, kPeriods, kSlices, NULL,
                                                     0, &nps, &o, NULL),
             "histogram has 10 counts", "176", NULL);
  CHECK(merged == NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new_from_histogram(&merged, hist, sizeof hist / sizeof hist[0],
                                                     kPeriods, kSlices, skipped, 3, &nps, &o,
                                                     NULL),
             "skipped has 3 counts", NULL);
  hist[kBins * 9 + 4] = -2; /* slice 1, period 1, score 4 */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_table_new_from_histogram(&merged, hist, sizeof hist / sizeof hist[0],
                                                     kPeriods, kSlices, NULL, 0, &nps, &o, NULL),
             "slice 1, period 1, score 4 is -2", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_table_new_from_histogram(&merged, NULL, 5, kPeriods, kSlices, NULL, 0,
                                                     &nps, &o, NULL),
             "histogram is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_health_table_new_from_histogram(NULL, hist, sizeof hist / sizeof hist[0],
                                                     kPeriods, kSlices, NULL, 0, &nps, &o, NULL),
             "out is NULL", NULL);
  npscore_health_table_free(whole);
  npscore_health_table_free(part[0]);
  npscore_health_table_free(part[1]);
}

int main(void) {
  test_options();
  test_month_grid_utc();
  test_grid_time_zones_weeks_quarters();
  test_grid_errors();
  test_seed_example();
  test_two_period_change();
  test_trends();
  test_health_table_errors();
  test_adjust_p_values();
  test_migration();
  test_attribute_change();
  test_event_impact();
  test_account_nps();
  test_from_histogram();
  return check_summary();
}
