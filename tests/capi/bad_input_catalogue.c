/* The C ABI's bad-input catalogue: one abusive call per case, each with the
 * status it must return and a part of the message it must leave in
 * npscore_last_error_message(). Every exported function of every module
 * has at least one case; so has
 * every finding of issue 9 about them (nonsense accepted, unbounded sizes,
 * unclear errors). Run by ctest, and under AddressSanitizer +
 * UndefinedBehaviorSanitizer by scripts/test.sh: a case that crashes, leaks
 * or reads out of bounds fails there too.
 *
 * Output: one line per case, "ok", "FAIL" or "skip", its id, the function,
 * the status and the message; then "N passed, M failed" (ctest fails the run
 * on a nonzero M).
 *
 * Adding cases: write the call as a CASE(name) function below (it returns
 * the call's status; fixtures made in setup() are in the g_* globals), then
 * add a row to the table of its module: { id, function, finding, name,
 * expected status, expected message part }. The id is unique and
 * kebab-case; `finding` says what the case abuses:
 *   null        a NULL pointer where data is required (n > 0)
 *   size        a zero, negative or unbounded size, count or thread number
 *   value       NaN, infinity or an out-of-range number or enum value
 *   version     an unknown options struct version (0 or newer than the library's)
 *   range       an output array's capacity one element too small (NPSCORE_ERANGE)
 *   err         the per-call npscore_error
 *   data        bad data, named by its first offending row and value
 *   file        a path that is not a readable model file
 *   handle      a NULL handle or an index out of range
 * Each module has its own table (kNpsCases, kHealthCases, ...); kCommonCases
 * holds the per-call npscore_error and the status names. C99. */

#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h" /* counts3() */
#include "npscore/c_api.h"

/* A case function's return value when it cannot run here (it is then
 * neither passed nor failed). */
#define SKIP_CASE ((npscore_status)1000)

typedef struct bad_case {
  const char *id;                /* unique, kebab-case */
  const char *function;          /* the C function abused */
  const char *finding;           /* null, size, value, version, range, err, data, file, handle */
  npscore_status (*call)(void);  /* makes the call; returns its status */
  npscore_status want;           /* the status it must return */
  const char *message;           /* part of the message (NULL: none checked) */
} bad_case;

#define CASE(name) static npscore_status name(void)

/* Set by a case when a promise besides the status is broken (e.g. a handle
 * output left non-NULL after an error). */
static const char *g_broken = NULL;

/* The status of a call that makes a handle: after an error the handle must
 * be NULL; after an (unexpected) success it is freed by the caller. */
static npscore_status handle_status(npscore_status st, const void *handle) {
  if (st != NPSCORE_OK && handle != NULL) g_broken = "the handle output is not NULL after an error";
  return st;
}

/* Fixtures, made once in setup(). */
static char g_dir[256];          /* a fresh temporary directory */
static char g_path[512];         /* scratch path */
static npscore_health_table *g_table = NULL;
static npscore_health_account_table *g_accounts = NULL;
static npscore_health_period_grid *g_grid = NULL;
static npscore_churn_model *g_model = NULL;  /* the prior model: 4 features */
static npscore_churn_features *g_features = NULL;
static npscore_priority_queue *g_queue = NULL;
static npscore_themes_tagger *g_tagger = NULL;

static const double kScores[6] = {9, 7, 3, 10, 6, 8};
static const int32_t kPeriods[6] = {0, 0, 1, 1, 2, 2};
static const int64_t kIds[6] = {1, 2, 1, 2, 1, 2};
static const int64_t kTimes[6] = {10, 11, 20, 21, 30, 31};

/* 2 rows x (NPSCORE_MAX_CHURN_FEATURES + 1) columns of zeros but one. */
static double g_wide[2 * (NPSCORE_MAX_CHURN_FEATURES + 1)];

static const char *path_in_dir(const char *name) {
  snprintf(g_path, sizeof g_path, "%s/%s", g_dir, name);
  return g_path;
}

/* --- Health ------------------------------------------------------------------ */

CASE(adjust_p_negative) {
  const double p[3] = {0.2, -0.4, 0.3};
  double out[3];
  return npscore_health_adjust_p_values(out, 3, p, 3, NPSCORE_ADJUST_HOLM, NULL);
}
CASE(adjust_p_above_one) {
  const double p[2] = {0.5, 1.5};
  double out[2];
  return npscore_health_adjust_p_values(out, 2, p, 2, NPSCORE_ADJUST_BH, NULL);
}
CASE(adjust_p_inf) {
  const double p[2] = {HUGE_VAL, 0.5};
  double out[2];
  return npscore_health_adjust_p_values(out, 2, p, 2, NPSCORE_ADJUST_NONE, NULL);
}
CASE(adjust_p_nan_is_no_test) {
  double p[3] = {0.01, 0.0, 0.04};
  p[1] = nan("");
  return npscore_health_adjust_p_values(p, 3, p, 3, NPSCORE_ADJUST_HOLM, NULL);
}
CASE(adjust_p_null) {
  double out[3];
  return npscore_health_adjust_p_values(out, 3, NULL, 3, NPSCORE_ADJUST_HOLM, NULL);
}
CASE(adjust_p_enum) {
  const double p[1] = {0.5};
  double out[1];
  return npscore_health_adjust_p_values(out, 1, p, 1, 9, NULL);
}
CASE(health_options_init_version) {
  npscore_health_options o;
  return npscore_health_options_init(&o, 99, NULL);
}
/* The nps options of table_with(), which an edit may change. */
static npscore_nps_options g_table_nps;
/* npscore_health_table_new with options changed by `edit`. */
static npscore_status table_with(void (*edit)(npscore_health_options *)) {
  const npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  npscore_health_options o = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_health_table *t = NULL;
  npscore_status st;
  g_table_nps = nps;
  edit(&o);
  st = handle_status(
      npscore_health_table_new(&t, kScores, NPSCORE_F64, 6, kPeriods, 3, NULL, 1, &g_table_nps, &o,
                               NULL),
      t);
  npscore_health_table_free(t);
  return st;
}
static void edit_version(npscore_health_options *o) { o->version = 99; }
static void edit_version_zero(npscore_health_options *o) { o->version = 0; }
static void edit_version_next(npscore_health_options *o) {
  o->version = NPSCORE_HEALTH_OPTIONS_VERSION + 1;
}
static void edit_nps_version(npscore_health_options *o) {
  (void)o;
  g_table_nps.version = 5;
}
static void edit_nps_version_zero(npscore_health_options *o) {
  (void)o;
  g_table_nps.version = 0;
}
static void edit_alpha_nan(npscore_health_options *o) { o->alpha = nan(""); }
static void edit_min_n_inf(npscore_health_options *o) { o->min_n = HUGE_VAL; }
static void edit_trend_huge(npscore_health_options *o) { o->trend_periods = INT_MAX; }
static void edit_trend_two(npscore_health_options *o) { o->trend_periods = 2; }
static void edit_share(npscore_health_options *o) { o->passive_share_high = 2; }
static void edit_points(npscore_health_options *o) { o->detractor_surge_points = -1; }
static void edit_adjustment(npscore_health_options *o) { o->adjustment = 7; }
static void edit_missing(npscore_health_options *o) {
  (void)o;
  g_table_nps.missing = 7;
}
CASE(table_version) { return table_with(edit_version); }
CASE(table_version_zero) { return table_with(edit_version_zero); }
CASE(table_version_next) { return table_with(edit_version_next); }
CASE(table_nps_version) { return table_with(edit_nps_version); }
CASE(table_nps_version_zero) { return table_with(edit_nps_version_zero); }
CASE(health_options_init_zero) {
  npscore_health_options o;
  return npscore_health_options_init(&o, 0, NULL);
}
CASE(health_options_init_next) {
  npscore_health_options o;
  return npscore_health_options_init(&o, NPSCORE_HEALTH_OPTIONS_VERSION + 1, NULL);
}
CASE(table_alpha_nan) { return table_with(edit_alpha_nan); }
CASE(table_min_n_inf) { return table_with(edit_min_n_inf); }
CASE(table_trend_huge) { return table_with(edit_trend_huge); }
CASE(table_trend_two) { return table_with(edit_trend_two); }
CASE(table_share) { return table_with(edit_share); }
CASE(table_points) { return table_with(edit_points); }
CASE(table_adjustment) { return table_with(edit_adjustment); }
CASE(table_missing) { return table_with(edit_missing); }
CASE(table_n_periods_huge) {
  const int64_t slices[6] = {0, 0, 0, 1, 1, 1};
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, kScores, NPSCORE_F64, 6, kPeriods, INT64_MAX, slices, 2, NULL,
                               NULL, NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_rows_over_bound) {
  const int64_t slices[6] = {0, 0, 0, 1, 1, 1};
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, kScores, NPSCORE_F64, 6, kPeriods,
                               NPSCORE_MAX_HEALTH_TABLE_ROWS / 2 + 1, slices, 2, NULL, NULL, NULL),
      t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_n_slices_zero) {
  const int64_t slices[6] = {0, 0, 0, 0, 0, 0};
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, kScores, NPSCORE_F64, 6, kPeriods, 3, slices, 0, NULL, NULL,
                               NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_dtype) {
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, kScores, 99, 6, kPeriods, 3, NULL, 1, NULL, NULL, NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_scores_null) {
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, NULL, NPSCORE_F64, 6, kPeriods, 3, NULL, 1, NULL, NULL,
                               NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_periods_null) {
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, kScores, NPSCORE_F64, 6, NULL, 3, NULL, 1, NULL, NULL, NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_bad_score) {
  const double scores[3] = {9, 7, 11};
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new(&t, scores, NPSCORE_F64, 3, kPeriods, 3, NULL, 1, NULL, NULL,
                               NULL), t);
  npscore_health_table_free(t);
  return st;
}
/* A histogram of 1 slice x 2 periods x 11 scores with one negative count. */
CASE(from_histogram_negative) {
  int64_t h[22] = {0};
  npscore_health_table *t = NULL;
  npscore_status st;
  h[11 + 3] = -1;
  st = handle_status(
      npscore_health_table_new_from_histogram(&t, h, 22, 2, 1, NULL, 0, NULL, NULL, NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(from_histogram_size) {
  const int64_t h[21] = {0};
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new_from_histogram(&t, h, 21, 2, 1, NULL, 0, NULL, NULL, NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(from_histogram_null) {
  npscore_health_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_table_new_from_histogram(&t, NULL, 22, 2, 1, NULL, 0, NULL, NULL, NULL), t);
  npscore_health_table_free(t);
  return st;
}
CASE(table_get_index) {
  npscore_health_row row;
  return npscore_health_table_get(&row, g_table, 1000, NULL);
}
CASE(table_get_null) {
  npscore_health_row row;
  return npscore_health_table_get(&row, NULL, 0, NULL);
}
CASE(table_reasons_index) {
  const char *why;
  return npscore_health_table_reasons(&why, g_table, 3, NULL);
}
CASE(table_histogram_null) {
  const int64_t *h;
  return npscore_health_table_histogram(&h, NULL, g_table, 0, NULL);
}
CASE(table_baseline_index) {
  npscore_health_baseline_row row;
  return npscore_health_table_baseline(&row, g_table, (size_t)-1, NULL);
}
CASE(table_size_null) {
  return npscore_health_table_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(table_free_null) {
  npscore_health_table_free(NULL);
  return NPSCORE_OK;
}
CASE(trends_periods_huge) {
  npscore_health_segment_trend out[3];
  size_t count = 0;
  return npscore_health_segment_trends(out, 3, &count, g_table, INT_MAX, NPSCORE_ADJUST_HOLM, NULL);
}
CASE(trends_capacity) {
  size_t count = 0;
  npscore_status st = npscore_health_segment_trends(NULL, 0, &count, g_table, 3,
                                                    NPSCORE_ADJUST_HOLM, NULL);
  if (count != 3) g_broken = "*out_count is not the 3 rows needed";
  return st;
}
CASE(trends_table_null) {
  npscore_health_segment_trend out[3];
  size_t count = 0;
  return npscore_health_segment_trends(out, 3, &count, NULL, 3, NPSCORE_ADJUST_HOLM, NULL);
}
CASE(migration_n_periods_huge) {
  int64_t counts[27];
  npscore_health_migration_totals tot;
  return npscore_health_migration(counts, 27, &tot, kScores, NPSCORE_F64, 6, kIds, kTimes,
                                  kPeriods, INT64_C(1) << 40, NULL, NULL);
}
CASE(migration_customers_null) {
  int64_t counts[9];
  npscore_health_migration_totals tot;
  return npscore_health_migration(counts, 9, &tot, kScores, NPSCORE_F64, 6, NULL, kTimes, NULL, 0,
                                  NULL, NULL);
}
CASE(migration_same_instant) {
  const int64_t times[6] = {10, 11, 10, 21, 30, 31};
  int64_t counts[9];
  npscore_health_migration_totals tot;
  return npscore_health_migration(counts, 9, &tot, kScores, NPSCORE_F64, 6, kIds, times, NULL, 0,
                                  NULL, NULL);
}
CASE(attribution_negative) {
  npscore_health_attribution_row out[2];
  npscore_health_attribution_totals tot;
  npscore_nps_counts a[2], b[2];
  a[0] = counts3(1, 1, 1);
  a[1] = counts3(1, -4, 1);
  b[0] = b[1] = counts3(2, 2, 2);
  return npscore_health_attribute_change(out, 2, &tot, a, b, 2, NULL);
}
CASE(attribution_overflow) {
  npscore_health_attribution_row out[2];
  npscore_health_attribution_totals tot;
  npscore_nps_counts a[2], b[2];
  a[0] = counts3(INT64_MAX, 0, 0);
  a[1] = counts3(0, 0, 1);
  b[0] = b[1] = counts3(2, 2, 2);
  return npscore_health_attribute_change(out, 2, &tot, a, b, 2, NULL);
}
CASE(attribution_null) {
  npscore_health_attribution_totals tot;
  npscore_nps_counts b[2];
  b[0] = b[1] = counts3(2, 2, 2);
  return npscore_health_attribute_change(NULL, 2, &tot, NULL, b, 2, NULL);
}
CASE(events_window_zero) {
  const int64_t events[1] = {20};
  npscore_health_event_impact_row out[1];
  size_t count = 0;
  return npscore_health_event_impact(out, 1, &count, kScores, NPSCORE_F64, 6, kTimes, NULL, 1,
                                     events, 1, 5, 0, NULL, NULL);
}
CASE(events_window_negative) {
  const int64_t events[1] = {20};
  npscore_health_event_impact_row out[1];
  size_t count = 0;
  return npscore_health_event_impact(out, 1, &count, kScores, NPSCORE_F64, 6, kTimes, NULL, 1,
                                     events, 1, -5, 5, NULL, NULL);
}
CASE(events_slices_huge) {
  const int64_t events[2] = {20, 30};
  const int64_t slices[6] = {0, 0, 0, 0, 0, 0};
  npscore_health_event_impact_row out[1];
  size_t count = 0;
  return npscore_health_event_impact(out, 1, &count, kScores, NPSCORE_F64, 6, kTimes, slices,
                                     INT64_MAX, events, 2, 5, 5, NULL, NULL);
}
CASE(events_nat) {
  const int64_t events[1] = {NPSCORE_MISSING_TIME};
  npscore_health_event_impact_row out[1];
  size_t count = 0;
  return npscore_health_event_impact(out, 1, &count, kScores, NPSCORE_F64, 6, kTimes, NULL, 1,
                                     events, 1, 5, 5, NULL, NULL);
}
static npscore_status accounts_with(size_t n_accounts, int32_t how, double min_n) {
  const int64_t accounts[6] = {0, 0, 1, 1, 0, 1};
  npscore_health_account_table *t = NULL;
  npscore_status st = handle_status(
      npscore_health_account_table_new(&t, kScores, NPSCORE_F64, 6, accounts, n_accounts, NULL,
                                       NULL, how,
                                 NULL, min_n, NULL, NULL),
      t);
  npscore_health_account_table_free(t);
  return st;
}
CASE(accounts_how) { return accounts_with(2, 9, 1); }
CASE(accounts_huge) { return accounts_with(INT64_C(1) << 40, NPSCORE_ROLLUP_POOLED, 1); }
CASE(accounts_min_n_nan) { return accounts_with(2, NPSCORE_ROLLUP_POOLED, nan("")); }
CASE(accounts_latest_without_times) { return accounts_with(2, NPSCORE_ROLLUP_LATEST, 1); }
CASE(account_get_index) {
  npscore_health_account_row row;
  return npscore_health_account_table_get(&row, g_accounts, 2, NULL);
}
CASE(account_overall_null) {
  npscore_nps_summary s;
  return npscore_health_account_table_overall(&s, NULL, NULL);
}
CASE(account_size_null) {
  npscore_health_account_table_free(NULL);
  return npscore_health_account_table_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(grid_frequency) {
  npscore_health_period_grid *g = NULL;
  npscore_status st = handle_status(npscore_health_period_grid_new(&g, 0, 1, 9, "UTC", NULL), g);
  npscore_health_period_grid_free(g);
  return st;
}
CASE(grid_zone_null) {
  npscore_health_period_grid *g = NULL;
  npscore_status st = handle_status(npscore_health_period_grid_new(&g, 0, 1, NPSCORE_FREQ_DAY, NULL,
                                                                   NULL), g);
  npscore_health_period_grid_free(g);
  return st;
}
CASE(grid_get_index) {
  int64_t start, end;
  const char *label;
  return npscore_health_period_grid_get(&start, &end, &label, g_grid, 1000000, NULL);
}
CASE(grid_size_null) {
  npscore_health_period_grid_free(NULL);
  return npscore_health_period_grid_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(assign_grid_null) {
  int32_t out[6];
  return npscore_health_assign_periods(out, 6, kTimes, 6, NULL, 0, NULL);
}
/* Every array output with a capacity one element too small. */
CASE(assign_capacity) {
  int32_t out[6];
  return npscore_health_assign_periods(out, 5, kTimes, 6, g_grid, 0, NULL);
}
CASE(adjust_p_capacity) {
  const double p[3] = {0.2, 0.4, 0.3};
  double out[3];
  return npscore_health_adjust_p_values(out, 2, p, 3, NPSCORE_ADJUST_HOLM, NULL);
}
CASE(trends_capacity_one_short) {
  npscore_health_segment_trend out[3];
  size_t count = 0;
  npscore_status st =
      npscore_health_segment_trends(out, 2, &count, g_table, 3, NPSCORE_ADJUST_HOLM, NULL);
  if (count != 3) g_broken = "*out_count is not the 3 rows needed";
  return st;
}
CASE(migration_capacity) {
  int64_t counts[27];
  npscore_health_migration_totals tot;
  return npscore_health_migration(counts, 26, &tot, kScores, NPSCORE_F64, 6, kIds, kTimes,
                                  kPeriods, 3, NULL, NULL);
}
CASE(migration_capacity_one_period) {
  int64_t counts[9];
  npscore_health_migration_totals tot;
  return npscore_health_migration(counts, 8, &tot, kScores, NPSCORE_F64, 6, kIds, kTimes, NULL, 0,
                                  NULL, NULL);
}
CASE(migration_nps_version) {
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  int64_t counts[9];
  npscore_health_migration_totals tot;
  nps.version = NPSCORE_NPS_OPTIONS_VERSION + 1;
  return npscore_health_migration(counts, 9, &tot, kScores, NPSCORE_F64, 6, kIds, kTimes, NULL, 0,
                                  &nps, NULL);
}
CASE(attribution_capacity) {
  npscore_health_attribution_row out[2];
  npscore_health_attribution_totals tot;
  npscore_nps_counts a[2], b[2];
  a[0] = a[1] = b[0] = b[1] = counts3(2, 2, 2);
  return npscore_health_attribute_change(out, 1, &tot, a, b, 2, NULL);
}
CASE(events_capacity) {
  const int64_t events[2] = {20, 30};
  npscore_health_event_impact_row out[2];
  size_t count = 0;
  npscore_status st = npscore_health_event_impact(out, 1, &count, kScores, NPSCORE_F64, 6, kTimes,
                                                  NULL, 1, events, 2, 5, 5, NULL, NULL);
  if (count != 2) g_broken = "*out_count is not the 2 rows needed";
  return st;
}
/* The over-time constructors on a 2-month UTC grid: 3 times, the second
   missing (or `times` as given). */
static npscore_status over_time_with(int rolling, const int64_t *times, int64_t window_days) {
  static const double scores[3] = {9, 3, 7};
  npscore_health_period_grid *g = NULL;
  npscore_health_table *t = NULL;
  npscore_status st;
  if (npscore_health_period_grid_new(&g, 0, INT64_C(40) * 86400 * 1000000000, NPSCORE_FREQ_MONTH,
                                     "UTC", NULL) != NPSCORE_OK) {
    return NPSCORE_EINTERNAL;
  }
  st = handle_status(rolling ? npscore_health_table_new_rolling(&t, scores, NPSCORE_F64, 3, times,
                                                                g, window_days, NULL, 0, NULL,
                                                                NULL, NULL)
                             : npscore_health_table_new_over_time(&t, scores, NPSCORE_F64, 3,
                                                                  times, g, NULL, 0, NULL, NULL,
                                                                  NULL),
                     t);
  npscore_health_table_free(t);
  npscore_health_period_grid_free(g);
  return st;
}
static const int64_t kTimesWithNaT[3] = {0, NPSCORE_MISSING_TIME, 86400};
static const int64_t kTimesOk[3] = {0, 1, 86400};
CASE(over_time_missing_time) { return over_time_with(0, kTimesWithNaT, 0); }
CASE(over_time_times_null) { return over_time_with(0, NULL, 0); }
CASE(rolling_missing_time) { return over_time_with(1, kTimesWithNaT, 30); }
CASE(rolling_window_zero) { return over_time_with(1, kTimesOk, 0); }
CASE(rolling_window_huge) { return over_time_with(1, kTimesOk, INT64_MAX); }
CASE(table_window_not_rolling) {
  npscore_health_table *t = NULL;
  int64_t a, b;
  npscore_status st;
  if (npscore_health_table_new(&t, kScores, NPSCORE_F64, 6, kPeriods, 3, NULL, 1, NULL, NULL,
                               NULL) != NPSCORE_OK) {
    return NPSCORE_EINTERNAL;
  }
  st = npscore_health_table_window(&a, &b, t, 0, NULL);
  npscore_health_table_free(t);
  return st;
}

static const bad_case kHealthCases[] = {
    {"over-time-missing-time", "npscore_health_table_new_over_time", "value",
     over_time_missing_time, NPSCORE_EINVAL, "row 1"},
    {"over-time-times-null", "npscore_health_table_new_over_time", "null", over_time_times_null,
     NPSCORE_ENULL, "times is NULL but n is 3"},
    {"rolling-missing-time", "npscore_health_table_new_rolling", "value", rolling_missing_time,
     NPSCORE_EINVAL, "row 1"},
    {"rolling-window-zero", "npscore_health_table_new_rolling", "value", rolling_window_zero,
     NPSCORE_EINVAL, "window_days is 0"},
    {"rolling-window-huge", "npscore_health_table_new_rolling", "size", rolling_window_huge,
     NPSCORE_EINVAL, "window_days is 9223372036854775807"},
    {"table-window-not-rolling", "npscore_health_table_window", "handle",
     table_window_not_rolling, NPSCORE_EINVAL, "not a rolling table"},
    {"adjust-p-negative", "npscore_health_adjust_p_values", "value", adjust_p_negative,
     NPSCORE_EINVAL, "p-value at row 1 is -0.4: p-values must be in [0, 1]"},
    {"adjust-p-above-one", "npscore_health_adjust_p_values", "value", adjust_p_above_one,
     NPSCORE_EINVAL, "p-value at row 1 is 1.5"},
    {"adjust-p-inf", "npscore_health_adjust_p_values", "value", adjust_p_inf, NPSCORE_EINVAL,
     "p-value at row 0 is inf"},
    {"adjust-p-nan-is-no-test", "npscore_health_adjust_p_values", "value",
     adjust_p_nan_is_no_test, NPSCORE_OK, NULL},
    {"adjust-p-null", "npscore_health_adjust_p_values", "null", adjust_p_null, NPSCORE_ENULL,
     "p is NULL but n is 3"},
    {"adjust-p-enum", "npscore_health_adjust_p_values", "value", adjust_p_enum, NPSCORE_EINVAL,
     "adjustment is 9"},
    {"health-options-init-version", "npscore_health_options_init", "version",
     health_options_init_version, NPSCORE_EVERSION, "version is 99"},
    {"table-version", "npscore_health_table_new", "version", table_version, NPSCORE_EVERSION,
     "opts->version is 99"},
    {"table-version-zero", "npscore_health_table_new", "version", table_version_zero,
     NPSCORE_EVERSION, "opts->version is 0: this library"},
    {"table-version-next", "npscore_health_table_new", "version", table_version_next,
     NPSCORE_EVERSION, "opts->version is 2: this library"},
    {"table-nps-version", "npscore_health_table_new", "version", table_nps_version,
     NPSCORE_EVERSION, "nps_opts->version is 5"},
    {"table-nps-version-zero", "npscore_health_table_new", "version", table_nps_version_zero,
     NPSCORE_EVERSION, "nps_opts->version is 0"},
    {"health-options-init-zero", "npscore_health_options_init", "version",
     health_options_init_zero, NPSCORE_EVERSION, "version is 0"},
    {"health-options-init-next", "npscore_health_options_init", "version",
     health_options_init_next, NPSCORE_EVERSION, "version is 2"},
    {"table-alpha-nan", "npscore_health_table_new", "value", table_alpha_nan, NPSCORE_EINVAL,
     "bad health threshold alpha=NaN"},
    {"table-min-n-inf", "npscore_health_table_new", "value", table_min_n_inf, NPSCORE_EINVAL,
     "bad health threshold min_n=inf"},
    {"table-trend-periods-huge", "npscore_health_table_new", "size", table_trend_huge,
     NPSCORE_EINVAL, "trend_periods=2147483647: in 3..1000"},
    {"table-trend-periods-two", "npscore_health_table_new", "size", table_trend_two,
     NPSCORE_EINVAL, "trend_periods=2: in 3..1000"},
    {"table-passive-share-two", "npscore_health_table_new", "value", table_share, NPSCORE_EINVAL,
     "passive_share_high=2"},
    {"table-surge-points-negative", "npscore_health_table_new", "value", table_points,
     NPSCORE_EINVAL, "detractor_surge_points=-1"},
    {"table-adjustment-enum", "npscore_health_table_new", "value", table_adjustment,
     NPSCORE_EINVAL, "opts->adjustment is 7"},
    {"table-missing-enum", "npscore_health_table_new", "value", table_missing, NPSCORE_EINVAL,
     "nps_opts->missing is 7"},
    {"table-n-periods-huge", "npscore_health_table_new", "size", table_n_periods_huge,
     NPSCORE_EINVAL, "bad table size: 2 slices x 9223372036854775807 periods"},
    {"table-rows-over-bound", "npscore_health_table_new", "size", table_rows_over_bound,
     NPSCORE_EINVAL, "at most 4194304 rows"},
    {"table-n-slices-zero", "npscore_health_table_new", "size", table_n_slices_zero,
     NPSCORE_EINVAL, "n_slices is 0"},
    {"table-dtype-enum", "npscore_health_table_new", "value", table_dtype, NPSCORE_EINVAL,
     "dtype is 99"},
    {"table-scores-null", "npscore_health_table_new", "null", table_scores_null, NPSCORE_ENULL,
     "scores is NULL but n is 6"},
    {"table-periods-null", "npscore_health_table_new", "null", table_periods_null, NPSCORE_ENULL,
     "periods is NULL but n is 6"},
    {"table-bad-score", "npscore_health_table_new", "data", table_bad_score, NPSCORE_EINVAL,
     "score at row 2 is 11"},
    {"from-histogram-negative", "npscore_health_table_new_from_histogram", "data",
     from_histogram_negative, NPSCORE_EINVAL, "slice 0, period 1, score 3 is -1"},
    {"from-histogram-size", "npscore_health_table_new_from_histogram", "size",
     from_histogram_size, NPSCORE_EINVAL, "histogram has 21 counts: 1 slices x 2 periods"},
    {"from-histogram-null", "npscore_health_table_new_from_histogram", "null",
     from_histogram_null, NPSCORE_ENULL, "histogram is NULL but n is 22"},
    {"table-get-index", "npscore_health_table_get", "handle", table_get_index, NPSCORE_EINVAL,
     "index i is 1000: there are 3 rows"},
    {"table-get-null", "npscore_health_table_get", "handle", table_get_null, NPSCORE_ENULL,
     "t is NULL"},
    {"table-reasons-index", "npscore_health_table_reasons", "handle", table_reasons_index,
     NPSCORE_EINVAL, "index i is 3"},
    {"table-histogram-null", "npscore_health_table_histogram", "null", table_histogram_null,
     NPSCORE_ENULL, "out_bins is NULL"},
    {"table-baseline-index", "npscore_health_table_baseline", "handle", table_baseline_index,
     NPSCORE_EINVAL, "index i is 18446744073709551615"},
    {"table-size-null", "npscore_health_table_size", "handle", table_size_null, NPSCORE_OK, NULL},
    {"table-free-null", "npscore_health_table_free", "handle", table_free_null, NPSCORE_OK, NULL},
    {"trends-periods-huge", "npscore_health_segment_trends", "size", trends_periods_huge,
     NPSCORE_EINVAL, "periods is 2147483647: a trend needs 3..1000 periods"},
    {"trends-capacity", "npscore_health_segment_trends", "range", trends_capacity, NPSCORE_ERANGE,
     "out has capacity 0 but the result needs 3 elements"},
    {"trends-table-null", "npscore_health_segment_trends", "handle", trends_table_null,
     NPSCORE_ENULL, "table is NULL"},
    {"migration-n-periods-huge", "npscore_health_migration", "size", migration_n_periods_huge,
     NPSCORE_EINVAL, "n_periods is 1099511627776: must be between 0 and 1048576"},
    {"migration-customers-null", "npscore_health_migration", "null", migration_customers_null,
     NPSCORE_ENULL, "customers is NULL but n is 6"},
    /* Responses at the same instant are ordered by row: no error. */
    {"migration-same-instant", "npscore_health_migration", "data", migration_same_instant,
     NPSCORE_OK, NULL},
    {"attribution-negative", "npscore_health_attribute_change", "data", attribution_negative,
     NPSCORE_EINVAL, "counts of slice 1 in period a must be >= 0"},
    {"attribution-overflow", "npscore_health_attribute_change", "data", attribution_overflow,
     NPSCORE_EINVAL, "counts of period a overflow int64 at slice 1"},
    {"attribution-null", "npscore_health_attribute_change", "null", attribution_null,
     NPSCORE_ENULL, "out is NULL but n is 2"},
    {"events-window-zero", "npscore_health_event_impact", "size", events_window_zero,
     NPSCORE_EINVAL, "after_ns is 0: the window after an event must be > 0 ns"},
    {"events-window-negative", "npscore_health_event_impact", "size", events_window_negative,
     NPSCORE_EINVAL, "before_ns is -5"},
    {"events-slices-huge", "npscore_health_event_impact", "size", events_slices_huge,
     NPSCORE_EINVAL, "bad table size: 2 events x 9223372036854775807 slices"},
    {"events-nat", "npscore_health_event_impact", "data", events_nat, NPSCORE_EINVAL,
     "event time at index 0 is missing (NaT)"},
    {"accounts-how-enum", "npscore_health_account_table_new", "value", accounts_how, NPSCORE_EINVAL,
     "how is 9"},
    {"accounts-n-accounts-huge", "npscore_health_account_table_new", "size", accounts_huge,
     NPSCORE_EINVAL, "n_accounts is 1099511627776: must be between 0 and 67108864"},
    {"accounts-min-n-nan", "npscore_health_account_table_new", "value", accounts_min_n_nan,
     NPSCORE_EINVAL, "min_n is NaN: must be finite and >= 0"},
    {"accounts-latest-without-times", "npscore_health_account_table_new", "null",
     accounts_latest_without_times, NPSCORE_EINVAL, "needs contact ids and response times"},
    {"account-get-index", "npscore_health_account_table_get", "handle", account_get_index,
     NPSCORE_EINVAL, "index i is 2: there are 2 accounts"},
    {"account-overall-null", "npscore_health_account_table_overall", "handle", account_overall_null,
     NPSCORE_ENULL, "t is NULL"},
    {"account-size-null", "npscore_health_account_table_size", "handle", account_size_null,
     NPSCORE_OK,
     NULL},
    {"grid-frequency-enum", "npscore_health_period_grid_new", "value", grid_frequency,
     NPSCORE_EINVAL,
     "frequency is 9"},
    {"grid-zone-null", "npscore_health_period_grid_new", "null", grid_zone_null, NPSCORE_ENULL,
     "time_zone is NULL"},
    {"grid-get-index", "npscore_health_period_grid_get", "handle", grid_get_index, NPSCORE_EINVAL,
     "index i is 1000000"},
    {"grid-size-null", "npscore_health_period_grid_size", "handle", grid_size_null, NPSCORE_OK,
     NULL},
    {"assign-grid-null", "npscore_health_assign_periods", "handle", assign_grid_null,
     NPSCORE_ENULL, "grid is NULL"},
    {"assign-capacity", "npscore_health_assign_periods", "range", assign_capacity, NPSCORE_ERANGE,
     "out has capacity 5 but the result needs 6 elements"},
    {"adjust-p-capacity", "npscore_health_adjust_p_values", "range", adjust_p_capacity,
     NPSCORE_ERANGE, "out has capacity 2 but the result needs 3 elements"},
    {"trends-capacity-one-short", "npscore_health_segment_trends", "range",
     trends_capacity_one_short, NPSCORE_ERANGE,
     "out has capacity 2 but the result needs 3 elements"},
    {"migration-capacity", "npscore_health_migration", "range", migration_capacity,
     NPSCORE_ERANGE, "out has capacity 26 but the result needs 27 elements"},
    {"migration-capacity-one-period", "npscore_health_migration", "range",
     migration_capacity_one_period, NPSCORE_ERANGE,
     "out has capacity 8 but the result needs 9 elements"},
    {"migration-nps-version", "npscore_health_migration", "version", migration_nps_version,
     NPSCORE_EVERSION, "nps_opts->version is 2"},
    {"attribution-capacity", "npscore_health_attribute_change", "range", attribution_capacity,
     NPSCORE_ERANGE, "out has capacity 1 but the result needs 2 elements"},
    {"events-capacity", "npscore_health_event_impact", "range", events_capacity, NPSCORE_ERANGE,
     "out has capacity 1 but the result needs 2 elements"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Churn: features, labels, time split ------------------------------------------ */

/* Checks the per-call error against the returned status (kCommonCases). */
static npscore_status with_err(npscore_status st, const npscore_error *err);

static const int64_t kCustomerIds[2] = {1, 2};

static npscore_status features_with(void (*edit)(npscore_churn_feature_options *), int64_t as_of) {
  npscore_churn_feature_options o = NPSCORE_CHURN_FEATURE_OPTIONS_INIT;
  npscore_churn_features *f = NULL;
  npscore_status st;
  if (edit != NULL) edit(&o);
  st = handle_status(npscore_churn_features_new(&f, kIds, kTimes, kScores, NPSCORE_F64, 6, NULL,
                                                kCustomerIds, NULL, 2, as_of, NULL, &o, NULL),
                     f);
  npscore_churn_features_free(f);
  return st;
}
static void edit_features_version(npscore_churn_feature_options *o) { o->version = 3; }
static void edit_features_version_zero(npscore_churn_feature_options *o) { o->version = 0; }
static void edit_skip_unknown(npscore_churn_feature_options *o) { o->skip_unknown_customers = 2; }
static void edit_early_life_inf(npscore_churn_feature_options *o) { o->early_life_days = HUGE_VAL; }
static void edit_early_life_negative(npscore_churn_feature_options *o) { o->early_life_days = -1; }
CASE(feature_options_init_version) {
  npscore_churn_feature_options o;
  return npscore_churn_feature_options_init(&o, 0, NULL);
}
CASE(feature_options_init_next) {
  npscore_churn_feature_options o;
  return npscore_churn_feature_options_init(&o, NPSCORE_CHURN_FEATURE_OPTIONS_VERSION + 1, NULL);
}
CASE(features_version_zero) { return features_with(edit_features_version_zero, 100); }
CASE(features_nps_version) {
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  npscore_churn_features *f = NULL;
  npscore_status st;
  nps.version = 0;
  st = handle_status(npscore_churn_features_new(&f, kIds, kTimes, kScores, NPSCORE_F64, 6, NULL,
                                                kCustomerIds, NULL, 2, 100, &nps, NULL, NULL),
                     f);
  npscore_churn_features_free(f);
  return st;
}
/* The per-call error of a churn call: status and the thread's message. */
CASE(features_err) {
  npscore_churn_feature_row row;
  npscore_error err;
  memset(&err, 0x5a, sizeof err);
  return with_err(npscore_churn_features_get(&row, g_features, 7, &err), &err);
}
CASE(features_version) { return features_with(edit_features_version, 100); }
CASE(features_skip_unknown) { return features_with(edit_skip_unknown, 100); }
CASE(features_early_life_inf) { return features_with(edit_early_life_inf, 100); }
CASE(features_early_life_negative) { return features_with(edit_early_life_negative, 100); }
CASE(features_as_of_nat) { return features_with(NULL, NPSCORE_MISSING_TIME); }
CASE(features_ids_null) {
  npscore_churn_features *f = NULL;
  npscore_status st = handle_status(npscore_churn_features_new(&f, kIds, kTimes, kScores, NPSCORE_F64,
                                                               6, NULL, NULL, NULL, 2, 100, NULL, NULL, NULL),
                                    f);
  npscore_churn_features_free(f);
  return st;
}
CASE(features_unknown_customer) {
  const int64_t ids[1] = {1};
  npscore_churn_features *f = NULL;
  npscore_status st = handle_status(npscore_churn_features_new(&f, kIds, kTimes, kScores, NPSCORE_F64,
                                                               6, NULL, ids, NULL, 1, 100, NULL, NULL, NULL),
                                    f);
  npscore_churn_features_free(f);
  return st;
}
CASE(features_get_index) {
  npscore_churn_feature_row row;
  return npscore_churn_features_get(&row, g_features, 2, NULL);
}
CASE(features_totals_null) {
  npscore_churn_feature_totals t;
  return npscore_churn_features_totals(&t, NULL, NULL);
}
CASE(features_size_null) {
  npscore_churn_features_free(NULL);
  return npscore_churn_features_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(labels_horizon_zero) {
  int8_t out[2];
  npscore_churn_label_totals tot;
  const int64_t churned[2] = {5, NPSCORE_MISSING_TIME};
  return npscore_churn_labels(out, 2, &tot, churned, NULL, 2, 0, 0, NULL);
}
CASE(labels_horizon_overflow) {
  int8_t out[2];
  npscore_churn_label_totals tot;
  const int64_t churned[2] = {5, NPSCORE_MISSING_TIME};
  return npscore_churn_labels(out, 2, &tot, churned, NULL, 2, INT64_MAX - 1, 10, NULL);
}
CASE(labels_capacity) {
  int8_t out[2];
  const int64_t churned[2] = {5, NPSCORE_MISSING_TIME};
  npscore_error err;
  return with_err(npscore_churn_labels(out, 1, NULL, churned, NULL, 2, 0, 10, &err), &err);
}
CASE(labels_churned_null) {
  int8_t out[2];
  npscore_churn_label_totals tot;
  return npscore_churn_labels(out, 2, &tot, NULL, NULL, 2, 0, 10, NULL);
}
CASE(time_split_nat) {
  return npscore_churn_check_time_split(NPSCORE_MISSING_TIME, 100, 10, NPSCORE_MISSING_TIME, NULL);
}
CASE(time_split_leak) { return npscore_churn_check_time_split(0, 86400000000000, 2 * 86400000000000, NPSCORE_MISSING_TIME, NULL); }

/* --- Churn: the model -------------------------------------------------------------- */

/* 8 rows x 2 columns, row-major, both classes. */
static const double kX[16] = {0, 1, 1, 0, 2, 1, 3, 0, 4, 1, 5, 0, 6, 1, 7, 0};
static const double kY[8] = {0, 0, 1, 0, 1, 1, 0, 1};

static npscore_status fit_with(void (*edit)(npscore_churn_fit_options *)) {
  npscore_churn_fit_options o = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_model *m = NULL;
  npscore_status st;
  edit(&o);
  st = handle_status(npscore_churn_model_fit(&m, kX, 8, 2, NPSCORE_ROW_MAJOR, kY, NULL, NULL, &o, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
static void edit_threads_huge(npscore_churn_fit_options *o) { o->threads = INT_MAX; }
static void edit_threads_negative(npscore_churn_fit_options *o) { o->threads = -1; }
static void edit_max_iter_huge(npscore_churn_fit_options *o) { o->max_iter = INT_MAX; }
static void edit_max_iter_zero(npscore_churn_fit_options *o) { o->max_iter = 0; }
static void edit_tol_nan(npscore_churn_fit_options *o) { o->tol = nan(""); }
static void edit_c_negative(npscore_churn_fit_options *o) { o->C = -1; }
static void edit_class_mode(npscore_churn_fit_options *o) { o->class_weight_mode = (int32_t)7; }
static void edit_class_weight(npscore_churn_fit_options *o) {
  o->class_weight_mode = NPSCORE_CLASS_WEIGHT_GIVEN;
  o->class_weight[0] = -1;
}
static void edit_fit_version(npscore_churn_fit_options *o) { o->version = 0; }
static void edit_fit_version_next(npscore_churn_fit_options *o) {
  o->version = NPSCORE_CHURN_FIT_OPTIONS_VERSION + 1;
}
CASE(fit_threads_huge) { return fit_with(edit_threads_huge); }
CASE(fit_threads_negative) { return fit_with(edit_threads_negative); }
CASE(fit_max_iter_huge) { return fit_with(edit_max_iter_huge); }
CASE(fit_max_iter_zero) { return fit_with(edit_max_iter_zero); }
CASE(fit_tol_nan) { return fit_with(edit_tol_nan); }
CASE(fit_c_negative) { return fit_with(edit_c_negative); }
CASE(fit_class_mode) { return fit_with(edit_class_mode); }
CASE(fit_class_weight) { return fit_with(edit_class_weight); }
CASE(fit_version) { return fit_with(edit_fit_version); }
CASE(fit_version_next) { return fit_with(edit_fit_version_next); }
CASE(fit_options_init_zero) {
  npscore_churn_fit_options o;
  return npscore_churn_fit_options_init(&o, 0, NULL);
}
CASE(fit_options_init_next) {
  npscore_churn_fit_options o;
  return npscore_churn_fit_options_init(&o, NPSCORE_CHURN_FIT_OPTIONS_VERSION + 1, NULL);
}
CASE(prior_options_init_zero) {
  npscore_churn_prior_options o;
  return npscore_churn_prior_options_init(&o, 0, NULL);
}
CASE(prior_options_init_next) {
  npscore_churn_prior_options o;
  return npscore_churn_prior_options_init(&o, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION + 1, NULL);
}
CASE(fit_layout) {
  npscore_churn_model *m = NULL;
  npscore_status st = handle_status(
      npscore_churn_model_fit(&m, kX, 8, 2, (int32_t)5, kY, NULL, NULL, NULL, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(fit_no_rows) {
  npscore_churn_model *m = NULL;
  npscore_status st =
      handle_status(npscore_churn_model_fit(&m, NULL, 0, 2, NPSCORE_ROW_MAJOR, NULL, NULL, NULL, NULL, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(fit_too_wide) {
  const double y[2] = {0, 1};
  npscore_churn_model *m = NULL;
  npscore_status st = handle_status(npscore_churn_model_fit(&m, g_wide, 2, NPSCORE_MAX_CHURN_FEATURES + 1,
                                                      NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL, NULL),
                                    m);
  npscore_churn_model_free(m);
  return st;
}
CASE(fit_y_null) {
  npscore_churn_model *m = NULL;
  npscore_status st =
      handle_status(npscore_churn_model_fit(&m, kX, 8, 2, NPSCORE_ROW_MAJOR, NULL, NULL, NULL, NULL, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(fit_name_null) {
  const char *names[2] = {"tenure", NULL};
  npscore_churn_model *m = NULL;
  npscore_status st =
      handle_status(npscore_churn_model_fit(&m, kX, 8, 2, NPSCORE_ROW_MAJOR, kY, NULL, names, NULL, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(fit_x_nan) {
  double x[16];
  npscore_churn_model *m = NULL;
  npscore_status st;
  memcpy(x, kX, sizeof x);
  x[7] = nan("");
  st = handle_status(npscore_churn_model_fit(&m, x, 8, 2, NPSCORE_ROW_MAJOR, kY, NULL, NULL, NULL, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(fit_label_two) {
  double y[8];
  npscore_churn_model *m = NULL;
  npscore_status st;
  memcpy(y, kY, sizeof y);
  y[5] = 2;
  st = handle_status(npscore_churn_model_fit(&m, kX, 8, 2, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
static npscore_status prior_with(double horizon, double detractor_rate, uint32_t version) {
  npscore_churn_prior_options r = NPSCORE_CHURN_PRIOR_OPTIONS_INIT;
  npscore_churn_model *m = NULL;
  npscore_status st;
  r.version = version;
  r.detractor_rate = detractor_rate;
  st = handle_status(npscore_churn_model_new(&m, horizon, &r, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(prior_horizon_huge) { return prior_with(1e9, 0.45, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION); }
CASE(prior_horizon_nan) { return prior_with(nan(""), 0.45, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION); }
CASE(prior_horizon_degenerate) { return prior_with(21900, 0.45, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION); }
CASE(prior_rate_one) { return prior_with(90, 1, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION); }
CASE(prior_version) { return prior_with(90, 0.45, 42); }
CASE(prior_version_zero) { return prior_with(90, 0.45, 0); }
CASE(model_info_null) {
  npscore_churn_fit_info info;
  return npscore_churn_model_info(&info, NULL, NULL);
}
CASE(model_coef_null) {
  double b;
  return npscore_churn_model_coef(NULL, 4, &b, g_model, NULL);
}
CASE(model_coef_capacity) {
  double b, coef[4];
  npscore_error err;
  return with_err(npscore_churn_model_coef(coef, 3, &b, g_model, &err), &err);
}
CASE(model_n_features_null) {
  return npscore_churn_model_n_features(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(model_feature_name_range) {
  const char *name = "unchanged";
  npscore_status st = npscore_churn_model_feature_name(&name, g_model, 4, NULL);
  if (strcmp(name, "unchanged") != 0) g_broken = "*out written on error";
  return st;
}
CASE(model_feature_name_null) {
  const char *name;
  return npscore_churn_model_feature_name(&name, NULL, 0, NULL);
}
CASE(model_warning_range) {
  const char *text;
  return npscore_churn_model_warning(&text, g_model, 0, NULL);
}
CASE(model_warning_out_null) { return npscore_churn_model_warning(NULL, g_model, 0, NULL); }
CASE(model_free_null) {
  npscore_churn_model_free(NULL);
  return NPSCORE_OK;
}
CASE(predict_columns) {
  double out[2];
  const double x[6] = {1, 0, 1, 0, 0, 1};
  return npscore_churn_model_predict(out, 2, g_model, x, 2, 3, NPSCORE_ROW_MAJOR, NULL);
}
CASE(predict_out_null) {
  const double x[8] = {1, 0, 1, 0, 0, 1, 1, 0};
  return npscore_churn_model_predict(NULL, 2, g_model, x, 2, 4, NPSCORE_ROW_MAJOR, NULL);
}
CASE(predict_capacity) {
  const double x[8] = {1, 0, 1, 0, 0, 1, 1, 0};
  double out[2];
  npscore_error err;
  return with_err(npscore_churn_model_predict(out, 1, g_model, x, 2, 4, NPSCORE_ROW_MAJOR, &err),
                  &err);
}
/* Explains 2 rows with `top` reasons and the given capacities (0: exact). */
static npscore_status explain_with(size_t top, size_t proba_cap, size_t features_cap,
                                   size_t contributions_cap) {
  const double x[8] = {1, 0, 1, 0, 0, 1, 1, 0};
  double proba[2], contributions[2 * NPSCORE_MAX_REASONS];
  int32_t features[2 * NPSCORE_MAX_REASONS];
  const size_t k = top <= NPSCORE_MAX_REASONS ? 2 * top : 2 * NPSCORE_MAX_REASONS;
  return npscore_churn_model_explain(proba, proba_cap ? proba_cap : 2, features,
                                     features_cap ? features_cap : k, contributions,
                                     contributions_cap ? contributions_cap : k, g_model, x, 2, 4,
                                     NPSCORE_ROW_MAJOR, top, NULL);
}
CASE(explain_top_zero) { return explain_with(0, 0, 0, 0); }
CASE(explain_top_huge) { return explain_with(INT_MAX, 0, 0, 0); }
CASE(explain_top_size_max) { return explain_with(SIZE_MAX, 0, 0, 0); }
CASE(explain_top_max) { return explain_with(NPSCORE_MAX_REASONS, 0, 0, 0); }
CASE(explain_proba_capacity) { return explain_with(3, 1, 0, 0); }
CASE(explain_features_capacity) { return explain_with(3, 0, 5, 0); }
CASE(explain_contributions_capacity) { return explain_with(3, 0, 0, 5); }
static npscore_status evaluate_with(size_t n, size_t bins, double p1) {
  const double y[4] = {0, 1, 0, 1};
  double p[4] = {0.1, 0.8, 0.3, 0.6};
  npscore_churn_evaluation e;
  p[1] = p1;
  return npscore_churn_evaluate(&e, NULL, 0, n ? y : NULL, n ? p : NULL, n, bins, NULL);
}
CASE(evaluate_no_rows) { return evaluate_with(0, 10, 0.8); }
CASE(evaluate_bins_huge) { return evaluate_with(4, INT_MAX, 0.8); }
CASE(evaluate_bins_zero) { return evaluate_with(4, 0, 0.8); }
CASE(evaluate_p_nan) { return evaluate_with(4, 10, nan("")); }
CASE(evaluate_p_above_one) { return evaluate_with(4, 10, 1.25); }
CASE(evaluate_bins_capacity) {
  const double y[4] = {0, 1, 0, 1}, p[4] = {0.1, 0.8, 0.3, 0.6};
  npscore_churn_evaluation e;
  npscore_churn_reliability_bin bins[3];
  return npscore_churn_evaluate(&e, bins, 2, y, p, 4, 3, NULL);
}
CASE(evaluate_one_class) {
  const double y[2] = {1, 1}, p[2] = {0.2, 0.4};
  npscore_churn_evaluation e;
  return npscore_churn_evaluate(&e, NULL, 0, y, p, 2, 10, NULL);
}
CASE(save_path_null) { return npscore_churn_model_save(g_model, NULL, NULL); }
CASE(save_path_empty) { return npscore_churn_model_save(g_model, "", NULL); }
CASE(save_err) {
  npscore_error err;
  return with_err(npscore_churn_model_save(g_model, g_dir, &err), &err);
}
CASE(save_directory) { return npscore_churn_model_save(g_model, g_dir, NULL); }
CASE(save_missing_directory) { return npscore_churn_model_save(g_model, path_in_dir("nowhere/m.bin"), NULL); }
static npscore_status load_path(const char *path) {
  npscore_churn_model *m = NULL;
  npscore_status st = handle_status(npscore_churn_model_load(&m, path, NULL), m);
  npscore_churn_model_free(m);
  return st;
}
CASE(load_directory) { return load_path(path_in_dir("models")); }
CASE(load_missing) { return load_path(path_in_dir("no_such_model.bin")); }
CASE(load_empty) { return load_path(path_in_dir("empty.bin")); }
CASE(load_garbage) { return load_path(path_in_dir("garbage.bin")); }
CASE(load_fifo) { return load_path(path_in_dir("fifo")); }
CASE(load_unreadable) {
  if (geteuid() == 0) return SKIP_CASE; /* root reads any file */
  return load_path(path_in_dir("unreadable.bin"));
}
CASE(load_path_null) { return load_path(NULL); }
/* A message longer than npscore_error.message (the path is in it): cut to
 * fit, NUL-terminated, a prefix of the thread's message, truncated = 1. */
CASE(load_long_path_err) {
  static char path[2 * NPSCORE_ERROR_MESSAGE_SIZE];
  npscore_churn_model *m = NULL;
  npscore_error err;
  const char *msg;
  npscore_status st;
  memset(path, 'a', sizeof path - 1);
  path[0] = '/';
  path[sizeof path - 1] = '\0';
  st = handle_status(npscore_churn_model_load(&m, path, &err), m);
  msg = npscore_last_error_message();
  if (err.status != (int32_t)st) g_broken = "err->status is not the status returned";
  if (err.truncated != 1) g_broken = "err->truncated is not 1 for a long message";
  if (strlen(err.message) != NPSCORE_ERROR_MESSAGE_SIZE - 1 ||
      strncmp(err.message, msg, NPSCORE_ERROR_MESSAGE_SIZE - 1) != 0) {
    g_broken = "err->message is not the message cut to fit";
  }
  npscore_churn_model_free(m);
  return st;
}

/* --- Churn: the design matrix ------------------------------------------------------- */

/* A design with one theme over g_features (2 customers, 6 response rows). */
static npscore_churn_design *theme_design(void) {
  const char *const themes[1] = {"bug"};
  npscore_churn_design *d = NULL;
  if (npscore_churn_design_new(&d, themes, 1, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL) !=
      NPSCORE_OK) {
    g_broken = "the fixture design could not be made";
  }
  return d;
}
CASE(design_options_init_zero) {
  npscore_churn_design_options o;
  return npscore_churn_design_options_init(&o, 0, NULL);
}
CASE(design_fill_two) {
  npscore_churn_design_options o = NPSCORE_CHURN_DESIGN_OPTIONS_INIT;
  npscore_churn_design *d = NULL;
  npscore_status st;
  o.fill = 2;
  st = handle_status(
      npscore_churn_design_new(&d, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, &o, NULL), d);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_options_version) {
  npscore_churn_design_options o = NPSCORE_CHURN_DESIGN_OPTIONS_INIT;
  npscore_churn_design *d = NULL;
  npscore_status st;
  o.version = NPSCORE_CHURN_DESIGN_OPTIONS_VERSION + 1;
  st = handle_status(
      npscore_churn_design_new(&d, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, &o, NULL), d);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_themes_null) {
  npscore_churn_design *d = NULL;
  npscore_status st = handle_status(
      npscore_churn_design_new(&d, NULL, 2, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL), d);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_level_twice) {
  const char *const user[1] = {"plan"};
  const size_t n_levels[1] = {2};
  const char *const levels[2] = {"pro", "pro"};
  npscore_churn_design *d = NULL;
  npscore_status st = handle_status(
      npscore_churn_design_new(&d, NULL, 0, user, n_levels, levels, NULL, 1, NULL, NULL, NULL),
      d);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_levels_huge) {
  const char *const user[1] = {"plan"};
  const size_t n_levels[1] = {SIZE_MAX};
  npscore_churn_design *d = NULL;
  npscore_status st = handle_status(
      npscore_churn_design_new(&d, NULL, 0, user, n_levels, NULL, NULL, 1, NULL, NULL, NULL), d);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_size_null) {
  npscore_churn_design_free(NULL);
  return npscore_churn_design_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(design_column_name_range) {
  npscore_churn_design *d = theme_design();
  const char *name;
  npscore_status st = npscore_churn_design_column_name(&name, d, 13, NULL);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_matrix_capacity) {
  npscore_churn_design *d = theme_design();
  double out[25];
  size_t rows = 0;
  const double flags[6] = {0, 0, 0, 0, 1, 0};
  npscore_error err;
  npscore_status st = with_err(
      npscore_churn_design_matrix(out, 25, &rows, d, g_features, flags, 6, NULL, NULL, 0, &err),
      &err);
  if (rows != 2) g_broken = "*out_rows is not the row count after NPSCORE_ERANGE";
  npscore_churn_design_free(d);
  return st;
}
CASE(design_matrix_flag_two) {
  npscore_churn_design *d = theme_design();
  double out[26];
  size_t rows = 0;
  const double flags[6] = {0, 0, 0, 2, 1, 0};
  npscore_status st =
      npscore_churn_design_matrix(out, 26, &rows, d, g_features, flags, 6, NULL, NULL, 0, NULL);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_matrix_flags_null) {
  npscore_churn_design *d = theme_design();
  double out[26];
  size_t rows = 0;
  npscore_status st =
      npscore_churn_design_matrix(out, 26, &rows, d, g_features, NULL, 6, NULL, NULL, 0, NULL);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_matrix_n_user) {
  npscore_churn_design *d = theme_design();
  double out[26];
  size_t rows = 0;
  const double flags[6] = {0, 0, 0, 0, 1, 0};
  npscore_status st =
      npscore_churn_design_matrix(out, 26, &rows, d, g_features, flags, 6, NULL, NULL, 1, NULL);
  npscore_churn_design_free(d);
  return st;
}
CASE(design_matrix_features_null) {
  npscore_churn_design *d = theme_design();
  double out[26];
  size_t rows = 0;
  npscore_status st =
      npscore_churn_design_matrix(out, 26, &rows, d, NULL, NULL, 0, NULL, NULL, 0, NULL);
  npscore_churn_design_free(d);
  return st;
}
CASE(model_design_none) {
  npscore_churn_model *m = NULL;
  npscore_churn_design *d = NULL;
  npscore_status st;
  if (npscore_churn_model_fit(&m, kX, 8, 2, NPSCORE_ROW_MAJOR, kY, NULL, NULL, NULL, NULL) !=
      NPSCORE_OK) {
    return SKIP_CASE;
  }
  st = handle_status(npscore_churn_model_design(&d, m, NULL), d);
  npscore_churn_design_free(d);
  npscore_churn_model_free(m);
  return st;
}
CASE(model_with_design_mismatch) {
  npscore_churn_design *d = theme_design();
  npscore_churn_model *m = NULL;
  npscore_status st = handle_status(npscore_churn_model_with_design(&m, g_model, d, NULL), m);
  npscore_churn_model_free(m);
  npscore_churn_design_free(d);
  return st;
}
CASE(folds_k_too_large) {
  int32_t out[3];
  return npscore_churn_folds(out, 3, 3, 4, 0, NULL);
}
CASE(folds_capacity) {
  int32_t out[3];
  return npscore_churn_folds(out, 3, 5, 2, 0, NULL);
}
static npscore_status cv_with(const double *y, int32_t k, size_t bins) {
  static const double x[6] = {1, 2, 3, 4, 5, 6};
  npscore_churn_fold out[6];
  return npscore_churn_cross_validate(out, 6, x, 6, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, k, 0,
                                      bins, NULL);
}
static const double kCvLabels[6] = {0, 1, 0, 1, 0, 1};
CASE(cv_single_class_fold) {
  static const double y[6] = {0, 0, 0, 0, 0, 1};
  return cv_with(y, 2, 10);
}
CASE(cv_k_one) { return cv_with(kCvLabels, 1, 10); }
CASE(cv_bins_zero) { return cv_with(kCvLabels, 2, 0); }
CASE(cv_y_null) { return cv_with(NULL, 2, 10); }
static npscore_status backtest_with(const double *y_test, double horizon, const char *name0) {
  static const double x[4] = {1, 0, 1, 0};
  static const double y[4] = {1, 0, 1, 0};
  const char *names[1];
  npscore_churn_model *m = NULL;
  npscore_churn_backtest_result r;
  npscore_status st;
  names[0] = name0;
  st = npscore_churn_backtest(&m, &r, NULL, NULL, 0, x, 4, y, x, 4, y_test, 1, NPSCORE_ROW_MAJOR,
                              names, horizon, NULL, 10, NULL);
  if (st != NPSCORE_OK && m != NULL) g_broken = "*out_model set on error";
  npscore_churn_model_free(m);
  return st;
}
CASE(backtest_single_class) {
  static const double y[4] = {1, 1, 1, 1};
  return backtest_with(y, 90, "x");
}
CASE(backtest_name_null) {
  static const double y[4] = {1, 0, 1, 0};
  return backtest_with(y, 90, NULL);
}
CASE(backtest_horizon_nan) {
  static const double y[4] = {1, 0, 1, 0};
  return backtest_with(y, nan(""), "segment=detractor");
}

static const bad_case kChurnCases[] = {
    {"folds-k-too-large", "npscore_churn_folds", "size", folds_k_too_large, NPSCORE_EINVAL,
     "k is 4: it must be between 2 and the number of rows (3)"},
    {"folds-capacity", "npscore_churn_folds", "size", folds_capacity, NPSCORE_ERANGE, "out"},
    {"cv-single-class-fold", "npscore_churn_cross_validate", "data", cv_single_class_fold,
     NPSCORE_EINVAL, "fold "},
    {"cv-k-one", "npscore_churn_cross_validate", "size", cv_k_one, NPSCORE_EINVAL, "k is 1"},
    {"cv-bins-zero", "npscore_churn_cross_validate", "size", cv_bins_zero, NPSCORE_EINVAL,
     "bins is 0"},
    {"cv-y-null", "npscore_churn_cross_validate", "null", cv_y_null, NPSCORE_ENULL,
     "y is NULL but n is 6"},
    {"backtest-single-class", "npscore_churn_backtest", "data", backtest_single_class,
     NPSCORE_EINVAL, "the test labels have a single class (0 zeros, 4 ones)"},
    {"backtest-name-null", "npscore_churn_backtest", "null", backtest_name_null, NPSCORE_ENULL,
     "feature_names[0] is NULL"},
    {"backtest-horizon-nan", "npscore_churn_backtest", "value", backtest_horizon_nan,
     NPSCORE_EINVAL, "horizon"},
    {"feature-options-init-version", "npscore_churn_feature_options_init", "version",
     feature_options_init_version, NPSCORE_EVERSION, "version is 0"},
    {"feature-options-init-next", "npscore_churn_feature_options_init", "version",
     feature_options_init_next, NPSCORE_EVERSION, "version is 2"},
    {"features-version", "npscore_churn_features_new", "version", features_version,
     NPSCORE_EVERSION, "opts->version is 3"},
    {"features-version-zero", "npscore_churn_features_new", "version", features_version_zero,
     NPSCORE_EVERSION, "opts->version is 0"},
    {"features-nps-version-zero", "npscore_churn_features_new", "version", features_nps_version,
     NPSCORE_EVERSION, "version is 0"},
    {"features-skip-unknown-two", "npscore_churn_features_new", "value", features_skip_unknown,
     NPSCORE_EINVAL, "opts->skip_unknown_customers is 2"},
    {"features-early-life-inf", "npscore_churn_features_new", "value", features_early_life_inf,
     NPSCORE_EINVAL, "early_life_days is inf: it must be finite and >= 0"},
    {"features-early-life-negative", "npscore_churn_features_new", "value",
     features_early_life_negative, NPSCORE_EINVAL, "early_life_days is -1"},
    {"features-as-of-nat", "npscore_churn_features_new", "value", features_as_of_nat,
     NPSCORE_EINVAL, "as_of is missing (NaT)"},
    {"features-ids-null", "npscore_churn_features_new", "null", features_ids_null, NPSCORE_ENULL,
     "customer_ids is NULL but n is 2"},
    {"features-unknown-customer", "npscore_churn_features_new", "data",
     features_unknown_customer, NPSCORE_EINVAL, "customer 2 at row 1 is not in the customer table"},
    {"features-get-index", "npscore_churn_features_get", "handle", features_get_index,
     NPSCORE_EINVAL, "index i is 2: there are 2 customers"},
    {"features-err", "npscore_churn_features_get", "err", features_err, NPSCORE_EINVAL,
     "index i is 7"},
    {"features-totals-null", "npscore_churn_features_totals", "handle", features_totals_null,
     NPSCORE_ENULL, "f is NULL"},
    {"features-size-null", "npscore_churn_features_size", "handle", features_size_null,
     NPSCORE_OK, NULL},
    {"labels-horizon-zero", "npscore_churn_labels", "size", labels_horizon_zero, NPSCORE_EINVAL,
     "horizon is 0 ns: it must be > 0"},
    {"labels-horizon-overflow", "npscore_churn_labels", "value", labels_horizon_overflow,
     NPSCORE_EINVAL, "as_of + horizon must be a representable time"},
    {"labels-capacity", "npscore_churn_labels", "range", labels_capacity, NPSCORE_ERANGE,
     "out has capacity 1 but the result needs 2"},
    {"labels-churned-null", "npscore_churn_labels", "null", labels_churned_null, NPSCORE_ENULL,
     "churned_at is NULL but n is 2"},
    {"time-split-nat", "npscore_churn_check_time_split", "value", time_split_nat, NPSCORE_EINVAL,
     "train_as_of is missing (NaT)"},
    {"time-split-leak", "npscore_churn_check_time_split", "value", time_split_leak,
     NPSCORE_EINVAL, "1 days after test_as_of"},
    {"fit-threads-huge", "npscore_churn_model_fit", "size", fit_threads_huge, NPSCORE_EINVAL,
     "threads is 2147483647: use 0 (automatic) or 1..256"},
    {"fit-threads-negative", "npscore_churn_model_fit", "size", fit_threads_negative,
     NPSCORE_EINVAL, "threads is -1"},
    {"fit-max-iter-huge", "npscore_churn_model_fit", "size", fit_max_iter_huge, NPSCORE_EINVAL,
     "max_iter is 2147483647: it must be in 1..10000"},
    {"fit-max-iter-zero", "npscore_churn_model_fit", "size", fit_max_iter_zero, NPSCORE_EINVAL,
     "max_iter is 0"},
    {"fit-tol-nan", "npscore_churn_model_fit", "value", fit_tol_nan, NPSCORE_EINVAL,
     "tol is NaN: it must be finite and > 0"},
    {"fit-c-negative", "npscore_churn_model_fit", "value", fit_c_negative, NPSCORE_EINVAL,
     "C is -1"},
    {"fit-class-weight-mode-enum", "npscore_churn_model_fit", "value", fit_class_mode,
     NPSCORE_EINVAL, "opts->class_weight_mode is 7"},
    {"fit-class-weight-negative", "npscore_churn_model_fit", "value", fit_class_weight,
     NPSCORE_EINVAL, "class weight of class 0 is -1"},
    {"fit-version", "npscore_churn_model_fit", "version", fit_version, NPSCORE_EVERSION,
     "opts->version is 0"},
    {"fit-version-next", "npscore_churn_model_fit", "version", fit_version_next,
     NPSCORE_EVERSION, "opts->version is 2"},
    {"fit-options-init-zero", "npscore_churn_fit_options_init", "version", fit_options_init_zero,
     NPSCORE_EVERSION, "version is 0"},
    {"fit-options-init-next", "npscore_churn_fit_options_init", "version", fit_options_init_next,
     NPSCORE_EVERSION, "version is 2"},
    {"fit-layout-enum", "npscore_churn_model_fit", "value", fit_layout, NPSCORE_EINVAL,
     "layout is 5"},
    {"fit-no-rows", "npscore_churn_model_fit", "size", fit_no_rows, NPSCORE_EINVAL,
     "X has no rows"},
    {"fit-too-many-columns", "npscore_churn_model_fit", "size", fit_too_wide, NPSCORE_EINVAL,
     "X has 4097 columns: a churn model fits at most 4096"},
    {"fit-y-null", "npscore_churn_model_fit", "null", fit_y_null, NPSCORE_ENULL,
     "y is NULL but n is 8"},
    {"fit-feature-name-null", "npscore_churn_model_fit", "null", fit_name_null, NPSCORE_ENULL,
     "feature_names[1] is NULL"},
    {"fit-x-nan", "npscore_churn_model_fit", "data", fit_x_nan, NPSCORE_EINVAL,
     "X at row 3, column 1 ('x1') is NaN"},
    {"fit-label-two", "npscore_churn_model_fit", "data", fit_label_two, NPSCORE_EINVAL,
     "label at row 5 is 2"},
    {"prior-options-init-zero", "npscore_churn_prior_options_init", "version",
     prior_options_init_zero, NPSCORE_EVERSION, "version is 0"},
    {"prior-options-init-next", "npscore_churn_prior_options_init", "version",
     prior_options_init_next, NPSCORE_EVERSION, "version is 2"},
    {"prior-horizon-huge", "npscore_churn_model_new", "value", prior_horizon_huge,
     NPSCORE_EINVAL, "horizon_days is 1e+09: it must be in (0, 36525]"},
    {"prior-horizon-nan", "npscore_churn_model_new", "value", prior_horizon_nan, NPSCORE_EINVAL,
     "horizon_days is NaN"},
    {"prior-horizon-degenerate", "npscore_churn_model_new", "value", prior_horizon_degenerate,
     NPSCORE_EINVAL, "the detractor rate of 0.45 per 90 days becomes 1"},
    {"prior-rate-one", "npscore_churn_model_new", "value", prior_rate_one, NPSCORE_EINVAL,
     "rate of detractor is 1: it must be strictly between 0 and 1"},
    {"prior-options-version", "npscore_churn_model_new", "version", prior_version,
     NPSCORE_EVERSION, "opts->version is 42"},
    {"prior-options-version-zero", "npscore_churn_model_new", "version", prior_version_zero,
     NPSCORE_EVERSION, "opts->version is 0"},
    {"model-info-null", "npscore_churn_model_info", "handle", model_info_null, NPSCORE_ENULL,
     "model is NULL"},
    {"model-coef-null", "npscore_churn_model_coef", "null", model_coef_null, NPSCORE_ENULL,
     "out is NULL"},
    {"model-coef-capacity", "npscore_churn_model_coef", "range", model_coef_capacity,
     NPSCORE_ERANGE, "out has capacity 3 but the result needs 4"},
    {"model-n-features-null", "npscore_churn_model_n_features", "handle", model_n_features_null,
     NPSCORE_OK, NULL},
    {"model-feature-name-range", "npscore_churn_model_feature_name", "handle",
     model_feature_name_range, NPSCORE_EINVAL, "j is 4: the model has 4 features"},
    {"model-feature-name-null", "npscore_churn_model_feature_name", "handle",
     model_feature_name_null, NPSCORE_ENULL, "model is NULL"},
    {"model-warning-range", "npscore_churn_model_warning", "handle", model_warning_range,
     NPSCORE_EINVAL, "k is 0: the model has 0 warnings"},
    {"model-warning-out-null", "npscore_churn_model_warning", "null", model_warning_out_null,
     NPSCORE_ENULL, "out is NULL"},
    {"model-free-null", "npscore_churn_model_free", "handle", model_free_null, NPSCORE_OK, NULL},
    {"predict-columns", "npscore_churn_model_predict", "size", predict_columns, NPSCORE_EINVAL,
     "X has 3 columns but the model has 4 features"},
    {"predict-out-null", "npscore_churn_model_predict", "null", predict_out_null, NPSCORE_ENULL,
     "out is NULL but n is 2"},
    {"predict-capacity", "npscore_churn_model_predict", "range", predict_capacity,
     NPSCORE_ERANGE, "out has capacity 1 but the result needs 2"},
    {"explain-top-zero", "npscore_churn_model_explain", "size", explain_top_zero, NPSCORE_EINVAL,
     "top is 0: give 1..100 reasons per row"},
    {"explain-top-huge", "npscore_churn_model_explain", "size", explain_top_huge, NPSCORE_EINVAL,
     "top is 2147483647"},
    {"explain-top-size-max", "npscore_churn_model_explain", "size", explain_top_size_max,
     NPSCORE_EINVAL, "top is 18446744073709551615"},
    {"explain-top-max", "npscore_churn_model_explain", "size", explain_top_max, NPSCORE_OK, NULL},
    {"explain-proba-capacity", "npscore_churn_model_explain", "range", explain_proba_capacity,
     NPSCORE_ERANGE, "out_proba has capacity 1 but the result needs 2"},
    {"explain-features-capacity", "npscore_churn_model_explain", "range",
     explain_features_capacity, NPSCORE_ERANGE, "out_features has capacity 5 but the result needs 6"},
    {"explain-contributions-capacity", "npscore_churn_model_explain", "range",
     explain_contributions_capacity, NPSCORE_ERANGE,
     "out_contributions has capacity 5 but the result needs 6"},
    {"evaluate-no-rows", "npscore_churn_evaluate", "size", evaluate_no_rows, NPSCORE_EINVAL,
     "y and p have no rows: there is nothing to evaluate"},
    {"evaluate-bins-huge", "npscore_churn_evaluate", "size", evaluate_bins_huge, NPSCORE_EINVAL,
     "bins is 2147483647: it must be in 1..1000"},
    {"evaluate-bins-zero", "npscore_churn_evaluate", "size", evaluate_bins_zero, NPSCORE_EINVAL,
     "bins is 0"},
    {"evaluate-bins-capacity", "npscore_churn_evaluate", "range", evaluate_bins_capacity,
     NPSCORE_ERANGE, "out_bins has capacity 2 but the result needs 3"},
    {"evaluate-p-nan", "npscore_churn_evaluate", "data", evaluate_p_nan, NPSCORE_EINVAL,
     "probability at row 1 is NaN"},
    {"evaluate-p-above-one", "npscore_churn_evaluate", "data", evaluate_p_above_one,
     NPSCORE_EINVAL, "probability at row 1 is 1.25"},
    {"evaluate-one-class", "npscore_churn_evaluate", "data", evaluate_one_class, NPSCORE_EINVAL,
     "y has only class 1"},
    {"save-path-null", "npscore_churn_model_save", "null", save_path_null, NPSCORE_ENULL,
     "path is NULL"},
    {"save-path-empty", "npscore_churn_model_save", "file", save_path_empty, NPSCORE_EINVAL,
     "path is empty"},
    {"save-directory", "npscore_churn_model_save", "file", save_directory, NPSCORE_EIO,
     "': Is a directory"},
    {"save-err", "npscore_churn_model_save", "err", save_err, NPSCORE_EIO, "': Is a directory"},
    {"save-missing-directory", "npscore_churn_model_save", "file", save_missing_directory,
     NPSCORE_EIO, "nowhere/m.bin': No such file or directory"},
    {"load-directory", "npscore_churn_model_load", "file", load_directory, NPSCORE_EIO,
     "/models': it is a directory, not a churn model file"},
    {"load-missing", "npscore_churn_model_load", "file", load_missing, NPSCORE_EIO,
     "/no_such_model.bin': No such file or directory"},
    {"load-empty", "npscore_churn_model_load", "file", load_empty, NPSCORE_EINVAL,
     "/empty.bin': the file is empty (0 bytes)"},
    {"load-garbage", "npscore_churn_model_load", "file", load_garbage, NPSCORE_EINVAL,
     "garbage.bin': not a valid npscore churn model"},
    {"load-fifo", "npscore_churn_model_load", "file", load_fifo, NPSCORE_EIO,
     "/fifo': it is a FIFO (named pipe)"},
    {"load-unreadable", "npscore_churn_model_load", "file", load_unreadable, NPSCORE_EIO,
     "/unreadable.bin': Permission denied"},
    {"load-path-null", "npscore_churn_model_load", "null", load_path_null, NPSCORE_ENULL,
     "path is NULL"},
    {"load-long-path-err", "npscore_churn_model_load", "err", load_long_path_err, NPSCORE_EIO,
     "File name too long"},
    {"design-options-init-zero", "npscore_churn_design_options_init", "version",
     design_options_init_zero, NPSCORE_EVERSION, "version is 0"},
    {"design-options-version", "npscore_churn_design_new", "version", design_options_version,
     NPSCORE_EVERSION, "opts->version is 2"},
    {"design-fill-two", "npscore_churn_design_new", "value", design_fill_two, NPSCORE_EINVAL,
     "opts->fill is 2: use 0 or 1"},
    {"design-themes-null", "npscore_churn_design_new", "null", design_themes_null, NPSCORE_ENULL,
     "themes is NULL"},
    {"design-level-twice", "npscore_churn_design_new", "data", design_level_twice,
     NPSCORE_EINVAL, "level 'pro' of user column 'plan' is given twice (level 1)"},
    {"design-levels-huge", "npscore_churn_design_new", "size", design_levels_huge,
     NPSCORE_EINVAL, "user_n_levels[0] is 18446744073709551615"},
    {"design-size-null", "npscore_churn_design_size", "handle", design_size_null, NPSCORE_OK,
     NULL},
    {"design-column-name-range", "npscore_churn_design_column_name", "handle",
     design_column_name_range, NPSCORE_EINVAL, "j is 13: the design has 13 columns"},
    {"design-matrix-capacity", "npscore_churn_design_matrix", "range", design_matrix_capacity,
     NPSCORE_ERANGE, "out has capacity 25 but the result needs 26"},
    {"design-matrix-flag-two", "npscore_churn_design_matrix", "data", design_matrix_flag_two,
     NPSCORE_EINVAL, "theme 'bug' at row 3 is 2: theme flags must be 0 or 1"},
    {"design-matrix-flags-null", "npscore_churn_design_matrix", "null", design_matrix_flags_null,
     NPSCORE_ENULL, "theme_flags is NULL"},
    {"design-matrix-n-user", "npscore_churn_design_matrix", "size", design_matrix_n_user,
     NPSCORE_EINVAL, "n_user is 1: the design has 0 user columns"},
    {"design-matrix-features-null", "npscore_churn_design_matrix", "handle",
     design_matrix_features_null, NPSCORE_ENULL, "f is NULL"},
    {"model-design-none", "npscore_churn_model_design", "handle", model_design_none,
     NPSCORE_EINVAL, "the model has no design"},
    {"model-with-design-mismatch", "npscore_churn_model_with_design", "data",
     model_with_design_mismatch, NPSCORE_EINVAL,
     "the design has 13 columns but the model has 4 features"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- CLV ------------------------------------------------------------------------------ */

static const double kFreq[3] = {2, 0, 5}, kRec[3] = {30, 0, 20}, kAge[3] = {40, 35, 38},
                    kMoney[3] = {20, 0, 15};

CASE(rfm_customers_huge) {
  npscore_clv_rfm_row out[1];
  const int64_t customers[1] = {0}, times[1] = {0};
  return npscore_clv_rfm_summary(out, 1, (size_t)1 << 40, customers, times, NULL, 1, 0,
                                 NPSCORE_FREQ_WEEK, NULL);
}
CASE(rfm_customers_size_max) {
  npscore_clv_rfm_row out[1];
  const int64_t customers[1] = {0}, times[1] = {0};
  return npscore_clv_rfm_summary(out, 1, SIZE_MAX, customers, times, NULL, 1, 0, NPSCORE_FREQ_WEEK,
                                 NULL);
}
CASE(rfm_capacity) {
  npscore_clv_rfm_row out[2];
  const int64_t customers[1] = {0}, times[1] = {0};
  npscore_error err;
  return with_err(
      npscore_clv_rfm_summary(out, 1, 2, customers, times, NULL, 1, 0, NPSCORE_FREQ_WEEK, &err),
      &err);
}
CASE(rfm_frequency_enum) {
  npscore_clv_rfm_row out[1];
  const int64_t customers[1] = {0}, times[1] = {0};
  return npscore_clv_rfm_summary(out, 1, 1, customers, times, NULL, 1, 0, 7, NULL);
}
CASE(rfm_times_null) {
  npscore_clv_rfm_row out[1];
  const int64_t customers[1] = {0};
  return npscore_clv_rfm_summary(out, 1, 1, customers, NULL, NULL, 1, 0, NPSCORE_FREQ_WEEK, NULL);
}
CASE(rfm_amount_negative) {
  npscore_clv_rfm_row out[1];
  const int64_t customers[2] = {0, 0}, times[2] = {0, 0};
  const double amounts[2] = {5, -1};
  return npscore_clv_rfm_summary(out, 1, 1, customers, times, amounts, 2, 0, NPSCORE_FREQ_WEEK, NULL);
}
static npscore_status bg_with(void (*edit)(npscore_clv_fit_options *)) {
  npscore_clv_fit_options o = NPSCORE_CLV_FIT_OPTIONS_INIT;
  npscore_clv_beta_geo_params bg;
  edit(&o);
  return npscore_clv_fit_beta_geo(&bg, NULL, kFreq, kRec, kAge, NULL, 3, &o, NULL);
}
static npscore_status gg_with(void (*edit)(npscore_clv_fit_options *)) {
  npscore_clv_fit_options o = NPSCORE_CLV_FIT_OPTIONS_INIT;
  npscore_clv_gamma_gamma_params gg;
  edit(&o);
  return npscore_clv_fit_gamma_gamma(&gg, NULL, kFreq, kMoney, NULL, 3, &o, NULL);
}
static void edit_clv_threads_negative(npscore_clv_fit_options *o) { o->threads = -1; }
static void edit_clv_threads_huge(npscore_clv_fit_options *o) { o->threads = INT_MAX; }
static void edit_clv_iterations(npscore_clv_fit_options *o) { o->max_iterations = INT_MAX; }
static void edit_clv_tolerance(npscore_clv_fit_options *o) { o->tolerance = HUGE_VAL; }
static void edit_clv_penalizer(npscore_clv_fit_options *o) { o->penalizer = nan(""); }
static void edit_clv_version(npscore_clv_fit_options *o) { o->version = 3; }
static void edit_clv_version_zero(npscore_clv_fit_options *o) { o->version = 0; }
static void edit_clv_one_iteration(npscore_clv_fit_options *o) { o->max_iterations = 1; }
CASE(bg_threads_negative) { return bg_with(edit_clv_threads_negative); }
CASE(bg_threads_huge) { return bg_with(edit_clv_threads_huge); }
CASE(bg_iterations_huge) { return bg_with(edit_clv_iterations); }
CASE(bg_tolerance_inf) { return bg_with(edit_clv_tolerance); }
CASE(bg_penalizer_nan) { return bg_with(edit_clv_penalizer); }
CASE(bg_version) { return bg_with(edit_clv_version); }
CASE(bg_version_zero) { return bg_with(edit_clv_version_zero); }
CASE(bg_one_iteration) { return bg_with(edit_clv_one_iteration); }
CASE(clv_options_init_zero) {
  npscore_clv_fit_options o;
  return npscore_clv_fit_options_init(&o, 0, NULL);
}
CASE(clv_options_init_next) {
  npscore_clv_fit_options o;
  return npscore_clv_fit_options_init(&o, NPSCORE_CLV_FIT_OPTIONS_VERSION + 1, NULL);
}
CASE(gg_threads_huge) { return gg_with(edit_clv_threads_huge); }
CASE(bg_recency_after_t) {
  const double rec[3] = {50, 0, 20};
  npscore_clv_beta_geo_params bg;
  return npscore_clv_fit_beta_geo(&bg, NULL, kFreq, rec, kAge, NULL, 3, NULL, NULL);
}
CASE(gg_money_null) {
  npscore_clv_gamma_gamma_params gg;
  return npscore_clv_fit_gamma_gamma(&gg, NULL, kFreq, NULL, NULL, 3, NULL, NULL);
}
CASE(alive_params) {
  const npscore_clv_beta_geo_params bg = {0, 4.4, 0.8, 2.4};
  double out[3];
  return npscore_clv_probability_alive(out, 3, &bg, kFreq, kRec, kAge, 3, NULL);
}
CASE(alive_capacity) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  double out[3];
  npscore_error err;
  return with_err(npscore_clv_probability_alive(out, 2, &bg, kFreq, kRec, kAge, 3, &err), &err);
}
CASE(purchases_capacity) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  double out[3];
  return npscore_clv_expected_purchases(out, 2, &bg, 1, kFreq, kRec, kAge, 3, NULL);
}
CASE(profit_capacity) {
  const npscore_clv_gamma_gamma_params gg = {6.25, 3.74, 15.4};
  double out[3];
  return npscore_clv_expected_profit(out, 2, &gg, kFreq, kMoney, 3, NULL);
}
CASE(clv_capacity) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  const npscore_clv_gamma_gamma_params gg = {6.25, 3.74, 15.4};
  double out[3];
  return npscore_clv_lifetime_value(out, 2, &bg, &gg, kFreq, kRec, kAge, kMoney, 3, 12, 0.01, 4.345,
                                    NULL);
}
CASE(purchases_t_nan) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  double out[3];
  return npscore_clv_expected_purchases(out, 3, &bg, nan(""), kFreq, kRec, kAge, 3, NULL);
}
CASE(profit_q) {
  const npscore_clv_gamma_gamma_params gg = {6.25, 0.5, 15.4};
  double out[3];
  return npscore_clv_expected_profit(out, 3, &gg, kFreq, kMoney, 3, NULL);
}
static npscore_status clv_with(int32_t months, double discount, double periods_per_month) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  const npscore_clv_gamma_gamma_params gg = {6.25, 3.74, 15.4};
  double out[3];
  return npscore_clv_lifetime_value(out, 3, &bg, &gg, kFreq, kRec, kAge, kMoney, 3, months, discount,
                                    periods_per_month, NULL);
}
CASE(clv_months_huge) { return clv_with(100000, 0.01, 4.345); }
CASE(clv_months_zero) { return clv_with(0, 0.01, 4.345); }
CASE(clv_discount_negative) { return clv_with(12, -0.5, 4.345); }
CASE(clv_periods_zero) { return clv_with(12, 0.01, 0); }
CASE(clv_months_max) { return clv_with(NPSCORE_MAX_CLV_MONTHS, 0.01, 4.345); }
CASE(clv_bg_null) {
  const npscore_clv_gamma_gamma_params gg = {6.25, 3.74, 15.4};
  double out[3];
  return npscore_clv_lifetime_value(out, 3, NULL, &gg, kFreq, kRec, kAge, kMoney, 3, 12, 0.01, 4.345, NULL);
}
CASE(gg_nonpositive_spend) {
  npscore_clv_gamma_gamma_params gg;
  const double money[3] = {20, -4, 15}, freq[3] = {2, 1, 5};
  return npscore_clv_fit_gamma_gamma(&gg, NULL, freq, money, NULL, 3, NULL, NULL);
}
static void edit_clv_nonpositive(npscore_clv_fit_options *o) { o->nonpositive_spend = 9; }
CASE(gg_nonpositive_enum) { return gg_with(edit_clv_nonpositive); }
CASE(unconditional_t_nan) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  const double t[3] = {1, nan(""), 2};
  double out[3];
  return npscore_clv_unconditional_purchases(out, 3, &bg, t, 3, NULL);
}
CASE(unconditional_capacity) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  double out[3];
  return npscore_clv_unconditional_purchases(out, 2, &bg, kAge, 3, NULL);
}
CASE(purchase_probability_count_huge) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  const double count[1] = {1e30};
  double out[1];
  return npscore_clv_purchase_probability(out, 1, &bg, kAge, count, 1, NULL);
}
CASE(purchase_probability_count_null) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  double out[3];
  return npscore_clv_purchase_probability(out, 3, &bg, kAge, NULL, 3, NULL);
}
CASE(bg_covariance_capacity) {
  const npscore_clv_beta_geo_params bg = {0.24, 4.4, 0.8, 2.4};
  double out[16];
  return npscore_clv_beta_geo_covariance(out, 9, &bg, kFreq, kRec, kAge, NULL, 3, NULL, NULL);
}
CASE(bg_covariance_params) {
  const npscore_clv_beta_geo_params bg = {0.24, HUGE_VAL, 0.8, 2.4};
  double out[16];
  return npscore_clv_beta_geo_covariance(out, 16, &bg, kFreq, kRec, kAge, NULL, 3, NULL, NULL);
}
CASE(gg_covariance_money_nan) {
  const npscore_clv_gamma_gamma_params gg = {6.25, 3.74, 15.4};
  const double money[3] = {nan(""), 0, 15};
  double out[9];
  return npscore_clv_gamma_gamma_covariance(out, 9, &gg, kFreq, money, NULL, 3, NULL, NULL);
}

static const bad_case kClvCases[] = {
    {"rfm-customers-huge", "npscore_clv_rfm_summary", "size", rfm_customers_huge, NPSCORE_EINVAL,
     "n_customers is 1099511627776: must be in 0..268435456"},
    {"rfm-customers-size-max", "npscore_clv_rfm_summary", "size", rfm_customers_size_max,
     NPSCORE_EINVAL, "n_customers is 18446744073709551615"},
    {"rfm-capacity", "npscore_clv_rfm_summary", "range", rfm_capacity, NPSCORE_ERANGE,
     "out has capacity 1 but the result needs 2"},
    {"rfm-frequency-enum", "npscore_clv_rfm_summary", "value", rfm_frequency_enum,
     NPSCORE_EINVAL, "frequency is 7"},
    {"rfm-times-null", "npscore_clv_rfm_summary", "null", rfm_times_null, NPSCORE_ENULL,
     "times is NULL but n is 1"},
    {"rfm-amount-negative", "npscore_clv_rfm_summary", "data", rfm_amount_negative,
     NPSCORE_EINVAL, "amount at row 1 is -1"},
    {"bg-threads-negative", "npscore_clv_fit_beta_geo", "size", bg_threads_negative,
     NPSCORE_EINVAL, "threads is -1: use 0 (automatic) or 1..256"},
    {"bg-threads-huge", "npscore_clv_fit_beta_geo", "size", bg_threads_huge, NPSCORE_EINVAL,
     "threads is 2147483647"},
    {"bg-max-iterations-huge", "npscore_clv_fit_beta_geo", "size", bg_iterations_huge,
     NPSCORE_EINVAL, "max_iterations is 2147483647: it must be in 1..10000"},
    {"bg-tolerance-inf", "npscore_clv_fit_beta_geo", "value", bg_tolerance_inf, NPSCORE_EINVAL,
     "tolerance is inf: must be finite and > 0"},
    {"bg-penalizer-nan", "npscore_clv_fit_beta_geo", "value", bg_penalizer_nan, NPSCORE_EINVAL,
     "penalizer is NaN"},
    {"bg-version", "npscore_clv_fit_beta_geo", "version", bg_version, NPSCORE_EVERSION,
     "opts->version is 3"},
    {"bg-version-zero", "npscore_clv_fit_beta_geo", "version", bg_version_zero, NPSCORE_EVERSION,
     "opts->version is 0"},
    {"bg-one-iteration", "npscore_clv_fit_beta_geo", "size", bg_one_iteration, NPSCORE_OK, NULL},
    {"clv-options-init-zero", "npscore_clv_fit_options_init", "version", clv_options_init_zero,
     NPSCORE_EVERSION, "version is 0"},
    {"clv-options-init-next", "npscore_clv_fit_options_init", "version", clv_options_init_next,
     NPSCORE_EVERSION, "version is 3"},
    {"gg-nonpositive-spend", "npscore_clv_fit_gamma_gamma", "data", gg_nonpositive_spend,
     NPSCORE_EINVAL, "monetary_value is <= 0 for 1 repeat customer (frequency > 0), the first at row 1 (-4)"},
    {"gg-nonpositive-enum", "npscore_clv_fit_gamma_gamma", "value", gg_nonpositive_enum,
     NPSCORE_EINVAL, "nonpositive_spend is 9: must be error (0) or exclude (1)"},
    {"unconditional-t-nan", "npscore_clv_unconditional_purchases", "value", unconditional_t_nan,
     NPSCORE_EINVAL, "t at row 1 is NaN: the horizon must be finite and >= 0"},
    {"unconditional-capacity", "npscore_clv_unconditional_purchases", "range",
     unconditional_capacity, NPSCORE_ERANGE, "out has capacity 2 but the result needs 3"},
    {"purchase-probability-count-huge", "npscore_clv_purchase_probability", "size",
     purchase_probability_count_huge, NPSCORE_EINVAL,
     "n at row 0 is 1e+30: must be a whole number in 0..10000000"},
    {"purchase-probability-count-null", "npscore_clv_purchase_probability", "null",
     purchase_probability_count_null, NPSCORE_ENULL, "count is NULL but n is 3"},
    {"bg-covariance-capacity", "npscore_clv_beta_geo_covariance", "range", bg_covariance_capacity,
     NPSCORE_ERANGE, "out has capacity 9 but the result needs 16"},
    {"bg-covariance-params", "npscore_clv_beta_geo_covariance", "value", bg_covariance_params,
     NPSCORE_EINVAL, "parameter alpha is inf: must be finite and > 0"},
    {"gg-covariance-recency-data", "npscore_clv_gamma_gamma_covariance", "data",
     gg_covariance_money_nan, NPSCORE_EINVAL, "monetary_value at row 0 is NaN"},
    {"bg-recency-after-t", "npscore_clv_fit_beta_geo", "data", bg_recency_after_t,
     NPSCORE_EINVAL, "recency at row 0 is 50, more than T (40)"},
    {"gg-threads-huge", "npscore_clv_fit_gamma_gamma", "size", gg_threads_huge, NPSCORE_EINVAL,
     "threads is 2147483647"},
    {"gg-monetary-null", "npscore_clv_fit_gamma_gamma", "null", gg_money_null, NPSCORE_ENULL,
     "monetary_value is NULL but n is 3"},
    {"alive-params-zero", "npscore_clv_probability_alive", "value", alive_params,
     NPSCORE_EINVAL, "parameter r is 0: must be finite and > 0"},
    {"alive-capacity", "npscore_clv_probability_alive", "range", alive_capacity, NPSCORE_ERANGE,
     "out has capacity 2 but the result needs 3"},
    {"purchases-capacity", "npscore_clv_expected_purchases", "range", purchases_capacity,
     NPSCORE_ERANGE, "out has capacity 2 but the result needs 3"},
    {"profit-capacity", "npscore_clv_expected_profit", "range", profit_capacity, NPSCORE_ERANGE,
     "out has capacity 2 but the result needs 3"},
    {"clv-capacity", "npscore_clv_lifetime_value", "range", clv_capacity, NPSCORE_ERANGE,
     "out has capacity 2 but the result needs 3"},
    {"purchases-t-nan", "npscore_clv_expected_purchases", "value", purchases_t_nan,
     NPSCORE_EINVAL, "t is NaN"},
    {"profit-q-below-one", "npscore_clv_expected_profit", "value", profit_q, NPSCORE_EINVAL,
     "parameter q is 0.5"},
    {"clv-months-huge", "npscore_clv_lifetime_value", "size", clv_months_huge, NPSCORE_EINVAL,
     "time is 100000 months: must be in 1..1200"},
    {"clv-months-zero", "npscore_clv_lifetime_value", "size", clv_months_zero, NPSCORE_EINVAL,
     "time is 0 months"},
    {"clv-months-max", "npscore_clv_lifetime_value", "size", clv_months_max, NPSCORE_OK, NULL},
    {"clv-discount-negative", "npscore_clv_lifetime_value", "value", clv_discount_negative,
     NPSCORE_EINVAL, "discount_rate is -0.5: must be finite and >= 0"},
    {"clv-periods-per-month-zero", "npscore_clv_lifetime_value", "value", clv_periods_zero,
     NPSCORE_EINVAL, "periods_per_month is 0"},
    {"clv-bg-null", "npscore_clv_lifetime_value", "null", clv_bg_null, NPSCORE_ENULL,
     "bg is NULL"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Priority ---------------------------------------------------------------------------- */

static const double kRisk[3] = {0.5, 0.2, 0.9}, kClv[3] = {100, 400, 50};

static npscore_status rank_with(void (*edit)(npscore_priority_options *)) {
  npscore_priority_options o = NPSCORE_PRIORITY_OPTIONS_INIT;
  npscore_priority_queue *q = NULL;
  npscore_status st;
  edit(&o);
  st = handle_status(npscore_priority_queue_new(&q, kRisk, kClv, NULL, NULL, NULL, NULL, 3, 0, NULL, NULL, 0, NULL, 0, &o, NULL), q);
  npscore_priority_queue_free(q);
  return st;
}
static const int64_t kCapacities[2] = {2, -3};
static const double kRisingHours[2] = {0, 10}, kRisingProbability[2] = {0.2, 0.5};
static void edit_rank_version(npscore_priority_options *o) { o->version = 9; }
static void edit_rank_threads(npscore_priority_options *o) { o->threads = INT_MAX; }
static void edit_rank_top_zero(npscore_priority_options *o) { o->top = 0; }
static void edit_rank_top_negative(npscore_priority_options *o) { o->top = -5; }
static void edit_rank_sla_nan(npscore_priority_options *o) { o->sla_hours = nan(""); }
static void edit_rank_sla_huge(npscore_priority_options *o) { o->sla_hours = 1e7; }
static void edit_rank_version_zero(npscore_priority_options *o) { o->version = 0; }
/* npscore_priority_queue_new with the given recovery curve and capacities. */
static npscore_status queue_with(const double *hours, const double *probability, size_t n_recovery,
                                 const int64_t *capacities, size_t n_owners) {
  npscore_priority_queue *q = NULL;
  npscore_status st = handle_status(
      npscore_priority_queue_new(&q, kRisk, kClv, NULL, NULL, NULL, NULL, 3, 0, hours, probability,
                                 n_recovery, capacities, n_owners, NULL, NULL),
      q);
  npscore_priority_queue_free(q);
  return st;
}
CASE(options_init_version) {
  npscore_priority_options o;
  return npscore_priority_options_init(&o, 0, NULL);
}
CASE(options_init_next) {
  npscore_priority_options o;
  return npscore_priority_options_init(&o, NPSCORE_PRIORITY_OPTIONS_VERSION + 1, NULL);
}
CASE(rank_version) { return rank_with(edit_rank_version); }
CASE(rank_version_zero) { return rank_with(edit_rank_version_zero); }
CASE(rank_threads) { return rank_with(edit_rank_threads); }
CASE(rank_top_zero) { return rank_with(edit_rank_top_zero); }
CASE(rank_top_negative) { return rank_with(edit_rank_top_negative); }
CASE(rank_sla_nan) { return rank_with(edit_rank_sla_nan); }
CASE(rank_sla_huge) { return rank_with(edit_rank_sla_huge); }
CASE(rank_capacity) { return queue_with(NULL, NULL, 0, kCapacities, 2); }
CASE(rank_capacities_null) { return queue_with(NULL, NULL, 0, NULL, 2); }
CASE(rank_recovery_null) { return queue_with(NULL, NULL, 2, NULL, 0); }
CASE(rank_recovery_rising) { return queue_with(kRisingHours, kRisingProbability, 2, NULL, 0); }
static npscore_status rank_rows(const double *risk, const double *clv, const int8_t *segment,
                                const int64_t *at, int64_t now) {
  npscore_priority_queue *q = NULL;
  npscore_status st = handle_status(npscore_priority_queue_new(&q, risk, clv, segment, at, NULL, NULL, 3, now, NULL, NULL, 0, NULL, 0, NULL, NULL), q);
  npscore_priority_queue_free(q);
  return st;
}
CASE(rank_risk_nan) {
  double risk[3] = {0.5, 0, 0.9};
  risk[1] = nan("");
  return rank_rows(risk, kClv, NULL, NULL, 0);
}
CASE(rank_clv_inf) {
  const double clv[3] = {100, HUGE_VAL, 50};
  return rank_rows(kRisk, clv, NULL, NULL, 0);
}
CASE(rank_segment) {
  const int8_t segment[3] = {5, 0, 1};
  return rank_rows(kRisk, kClv, segment, NULL, 0);
}
CASE(rank_after_now) {
  const int64_t at[3] = {0, 50, 10};
  return rank_rows(kRisk, kClv, NULL, at, 20);
}
CASE(rank_now_nat) {
  const int64_t at[3] = {0, 5, 10};
  return rank_rows(kRisk, kClv, NULL, at, NPSCORE_MISSING_TIME);
}
CASE(rank_risk_null) { return rank_rows(NULL, kClv, NULL, NULL, 0); }
CASE(recoverability_negative) {
  const double hours[2] = {-1, 3};
  double out[2];
  return npscore_priority_recoverability(out, 2, hours, 2, NULL, NULL, 0, NULL);
}
CASE(recoverability_capacity) {
  const double hours[2] = {1, 3};
  double out[2];
  npscore_error err;
  return with_err(npscore_priority_recoverability(out, 1, hours, 2, NULL, NULL, 0, &err), &err);
}
CASE(recoverability_zero_anchors) {
  const double hours[1] = {3};
  double out[1];
  return npscore_priority_recoverability(out, 1, hours, 1, kRisingHours, kRisingProbability, 0, NULL);
}
CASE(queue_get_index) {
  npscore_priority_case e;
  return npscore_priority_queue_get(&e, g_queue, 9, NULL);
}
CASE(queue_totals_null) {
  npscore_priority_totals t;
  return npscore_priority_queue_totals(&t, NULL, NULL);
}
CASE(queue_size_null) {
  npscore_priority_queue_free(NULL);
  return npscore_priority_queue_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
CASE(play_name_bad) {
  const char *name = "unchanged";
  npscore_status st = npscore_priority_play_name(&name, 7, NULL);
  if (strcmp(name, "unchanged") != 0) g_broken = "*out written on error";
  return st;
}
CASE(play_name_no_segment) {
  const char *name = NULL;
  npscore_status st = npscore_priority_play_name(&name, NPSCORE_NO_SEGMENT, NULL);
  if (st == NPSCORE_OK && (name == NULL || name[0] != '\0')) g_broken = "not \"\" for no segment";
  return st;
}
CASE(play_script_bad) {
  const char *text;
  return npscore_priority_play_script(&text, INT_MIN, NULL);
}
CASE(play_script_out_null) { return npscore_priority_play_script(NULL, 0, NULL); }
/* npscore_priority_latest_responses over 3 rows with the given times and
 * groups, into `capacity` rows. */
static npscore_status latest_with(const int64_t *times, const int64_t *groups, size_t capacity) {
  static const int64_t customers[3] = {4, 5, 4};
  int64_t out[3];
  size_t count;
  return npscore_priority_latest_responses(out, capacity, &count, NULL, customers, times, groups,
                                           3, NPSCORE_MISSING_ERROR, NULL);
}
CASE(latest_tie) {
  const int64_t times[3] = {10, 3, 10};
  return latest_with(times, NULL, 3);
}
CASE(latest_time_nat) {
  const int64_t times[3] = {10, NPSCORE_MISSING_TIME, 20};
  return latest_with(times, NULL, 3);
}
CASE(latest_group_bad) {
  const int64_t times[3] = {10, 3, 20};
  const int64_t groups[3] = {0, -7, 0};
  return latest_with(times, groups, 3);
}
CASE(latest_capacity) {
  const int64_t times[3] = {10, 3, 20};
  return latest_with(times, NULL, 1);
}
CASE(latest_times_null) { return latest_with(NULL, NULL, 3); }
static npscore_status risk_with(const double *risk, const int32_t *codes, size_t capacity) {
  static const double clv[2] = {100, 200};
  npscore_priority_risk_group out[2];
  double total_clv, total_risk;
  return npscore_priority_revenue_at_risk(out, capacity, &total_clv, &total_risk, risk, clv, 2,
                                          codes, 2, NULL);
}
static const double kRiskByGroup[2] = {0.2, 0.4};
CASE(risk_nan) {
  const double risk[2] = {0.2, nan("")};
  return risk_with(risk, NULL, 1);
}
CASE(risk_capacity) {
  const int32_t codes[2] = {0, 1};
  return risk_with(kRiskByGroup, codes, 1);
}
CASE(risk_code_outside) {
  const int32_t codes[2] = {0, 2};
  return risk_with(kRiskByGroup, codes, 2);
}
CASE(risk_column_null) { return risk_with(NULL, NULL, 1); }

static const bad_case kPriorityCases[] = {
    {"options-init-version", "npscore_priority_options_init", "version", options_init_version,
     NPSCORE_EVERSION, "version is 0"},
    {"risk-nan", "npscore_priority_revenue_at_risk", "value", risk_nan, NPSCORE_EINVAL, "row 1"},
    {"risk-capacity", "npscore_priority_revenue_at_risk", "size", risk_capacity, NPSCORE_ERANGE,
     "out"},
    {"risk-code-outside", "npscore_priority_revenue_at_risk", "data", risk_code_outside,
     NPSCORE_EINVAL, "group code at row 1 is 2"},
    {"risk-column-null", "npscore_priority_revenue_at_risk", "null", risk_column_null,
     NPSCORE_ENULL, "churn_risk is NULL but n is 2"},
    {"options-init-next", "npscore_priority_options_init", "version", options_init_next,
     NPSCORE_EVERSION, "version is 2"},
    {"queue-version", "npscore_priority_queue_new", "version", rank_version, NPSCORE_EVERSION,
     "opts->version is 9"},
    {"queue-version-zero", "npscore_priority_queue_new", "version", rank_version_zero,
     NPSCORE_EVERSION, "opts->version is 0"},
    {"queue-threads-huge", "npscore_priority_queue_new", "size", rank_threads, NPSCORE_EINVAL,
     "threads is 2147483647: use 0 (automatic) or 1..256"},
    {"queue-top-zero", "npscore_priority_queue_new", "size", rank_top_zero, NPSCORE_EINVAL,
     "top is 0: give the queue length (>= 1), or -1 for every customer"},
    {"queue-top-negative", "npscore_priority_queue_new", "size", rank_top_negative,
     NPSCORE_EINVAL, "top is -5"},
    {"queue-sla-nan", "npscore_priority_queue_new", "value", rank_sla_nan, NPSCORE_EINVAL,
     "sla_hours is NaN: it must be in (0, 1e6]"},
    {"queue-sla-huge", "npscore_priority_queue_new", "value", rank_sla_huge, NPSCORE_EINVAL,
     "sla_hours is 1e+07"},
    {"queue-capacity-negative", "npscore_priority_queue_new", "value", rank_capacity,
     NPSCORE_EINVAL, "capacity of owner 1 is -3"},
    {"queue-capacities-null", "npscore_priority_queue_new", "null", rank_capacities_null,
     NPSCORE_ENULL, "capacities is NULL but n is 2"},
    {"queue-recovery-null", "npscore_priority_queue_new", "null", rank_recovery_null,
     NPSCORE_ENULL, "recovery_hours is NULL but n is 2"},
    {"queue-recovery-rising", "npscore_priority_queue_new", "value", rank_recovery_rising,
     NPSCORE_EINVAL, "recoverability must not rise with time"},
    {"queue-risk-nan", "npscore_priority_queue_new", "data", rank_risk_nan, NPSCORE_EINVAL,
     "churn_risk at row 1 is NaN"},
    {"queue-clv-inf", "npscore_priority_queue_new", "data", rank_clv_inf, NPSCORE_EINVAL,
     "clv at row 1 is inf"},
    {"queue-segment-bad", "npscore_priority_queue_new", "data", rank_segment, NPSCORE_EINVAL,
     "segment at row 0 is 5"},
    {"queue-responded-after-now", "npscore_priority_queue_new", "data", rank_after_now,
     NPSCORE_EINVAL, "responded_at at row 1 is 50 ns, after now (20 ns)"},
    {"queue-now-nat", "npscore_priority_queue_new", "value", rank_now_nat, NPSCORE_EINVAL,
     "now is missing (NaT)"},
    {"queue-risk-null", "npscore_priority_queue_new", "null", rank_risk_null, NPSCORE_ENULL,
     "churn_risk is NULL but n is 3"},
    {"recoverability-negative", "npscore_priority_recoverability", "data",
     recoverability_negative, NPSCORE_EINVAL, "hours at row 0 is -1"},
    {"recoverability-capacity", "npscore_priority_recoverability", "range",
     recoverability_capacity, NPSCORE_ERANGE, "out has capacity 1 but the result needs 2"},
    {"recoverability-zero-anchors", "npscore_priority_recoverability", "size",
     recoverability_zero_anchors, NPSCORE_EINVAL, "the recovery curve has 0 anchors"},
    {"queue-get-index", "npscore_priority_queue_get", "handle", queue_get_index, NPSCORE_EINVAL,
     "k is 9: the queue has 3 entries"},
    {"queue-totals-null", "npscore_priority_queue_totals", "handle", queue_totals_null,
     NPSCORE_ENULL, "q is NULL"},
    {"queue-size-null", "npscore_priority_queue_size", "handle", queue_size_null, NPSCORE_OK,
     NULL},
    {"play-name-bad", "npscore_priority_play_name", "value", play_name_bad, NPSCORE_EINVAL,
     "segment is 7"},
    {"play-name-no-segment", "npscore_priority_play_name", "value", play_name_no_segment,
     NPSCORE_OK, NULL},
    {"play-script-bad", "npscore_priority_play_script", "value", play_script_bad, NPSCORE_EINVAL,
     "segment is -2147483648"},
    {"play-script-out-null", "npscore_priority_play_script", "null", play_script_out_null,
     NPSCORE_ENULL, "out is NULL"},
    /* A tie at the latest instant goes to the later row: no error. */
    {"latest-tie", "npscore_priority_latest_responses", "data", latest_tie, NPSCORE_OK, NULL},
    {"latest-time-nat", "npscore_priority_latest_responses", "data", latest_time_nat,
     NPSCORE_EINVAL, "response time at row 1 is missing (NaT)"},
    {"latest-group-bad", "npscore_priority_latest_responses", "data", latest_group_bad,
     NPSCORE_EINVAL, "group code at row 1 is -7"},
    {"latest-capacity", "npscore_priority_latest_responses", "range", latest_capacity,
     NPSCORE_ERANGE, "out has capacity 1 but the result needs 2"},
    {"latest-times-null", "npscore_priority_latest_responses", "null", latest_times_null,
     NPSCORE_ENULL, "times is NULL but n is 3"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Themes ---------------------------------------------------------------------------------- */

static const char *const kKeywords[1] = {"bug"};

static npscore_status tagger_from(const npscore_themes_theme *themes, size_t n) {
  npscore_themes_tagger *t = NULL;
  npscore_status st = handle_status(npscore_themes_tagger_new(&t, themes, n, NULL), t);
  npscore_themes_tagger_free(t);
  return st;
}
CASE(tagger_too_many) {
  static npscore_themes_theme themes[NPSCORE_MAX_THEMES + 1];
  static char names[NPSCORE_MAX_THEMES + 1][8];
  size_t k;
  for (k = 0; k <= NPSCORE_MAX_THEMES; ++k) {
    snprintf(names[k], sizeof names[k], "t%u", (unsigned)k);
    themes[k].name = names[k];
    themes[k].keywords = kKeywords;
    themes[k].n_keywords = 1;
  }
  return tagger_from(themes, NPSCORE_MAX_THEMES + 1);
}
CASE(tagger_empty) {
  npscore_themes_theme theme = {"bug", kKeywords, 1};
  return tagger_from(&theme, 0);
}
CASE(tagger_name_null) {
  npscore_themes_theme theme = {NULL, kKeywords, 1};
  return tagger_from(&theme, 1);
}
CASE(tagger_keywords_null) {
  npscore_themes_theme theme = {"bug", NULL, 2};
  return tagger_from(&theme, 1);
}
CASE(tagger_no_keywords) {
  npscore_themes_theme theme = {"bug", kKeywords, 0};
  return tagger_from(&theme, 1);
}
CASE(tagger_name_index) {
  const char *name;
  return npscore_themes_tagger_name(&name, g_tagger, 99, NULL);
}
CASE(tagger_size_null) {
  npscore_themes_tagger_free(NULL);
  return npscore_themes_tagger_size(NULL) == 0 ? NPSCORE_OK : NPSCORE_EINTERNAL;
}
static npscore_status tag_with(const char *text, int invalid, int threads) {
  const char *texts[1];
  uint8_t out[NPSCORE_MAX_THEMES];
  texts[0] = text;
  return npscore_themes_tagger_tag(out, (1) * npscore_themes_tagger_size(g_tagger), g_tagger, texts, NULL, 1, (int32_t)invalid,
                                  threads, NULL);
}
CASE(tag_threads_huge) { return tag_with("buggy", 0, INT_MAX); }
CASE(tag_threads_negative) { return tag_with("buggy", 0, -2); }
CASE(tag_invalid_enum) { return tag_with("buggy", 5, 0); }
CASE(tag_bad_utf8) { return tag_with("ok \xC3\x28", NPSCORE_INVALID_UTF8_ERROR, 0); }
CASE(tag_texts_null) {
  uint8_t out[16];
  return npscore_themes_tagger_tag(out, (2) * npscore_themes_tagger_size(g_tagger), g_tagger, NULL, NULL, 2, NPSCORE_INVALID_UTF8_ERROR, 0, NULL);
}
CASE(tag_capacity) {
  const char *texts[2] = {"bug", "slow"};
  uint8_t out[2 * NPSCORE_MAX_THEMES];
  npscore_error err;
  return with_err(npscore_themes_tagger_tag(out, 2 * npscore_themes_tagger_size(g_tagger) - 1,
                                            g_tagger, texts, NULL, 2, NPSCORE_INVALID_UTF8_ERROR,
                                            0, &err),
                  &err);
}
CASE(tag_tagger_null) {
  const char *texts[1] = {"bug"};
  uint8_t out[16];
  return npscore_themes_tagger_tag(out, (1) * npscore_themes_tagger_size(NULL), NULL, texts, NULL, 1, NPSCORE_INVALID_UTF8_ERROR, 0, NULL);
}
static npscore_status impact_with(size_t n_themes, int basis, uint8_t indicator, double clv0) {
  npscore_themes_impact_row out[2];
  const uint8_t indicators[2] = {indicator, 0};
  const int8_t segment[2] = {-1, 1};
  const double clv[2] = {clv0, 20};
  return npscore_themes_impact(out, n_themes, indicators, n_themes, segment, clv, n_themes ? 2 / n_themes : 0,
                              (int32_t)basis, NULL);
}
CASE(impact_themes_zero) {
  npscore_themes_impact_row out[1];
  return npscore_themes_impact(out, 0, NULL, 0, NULL, NULL, 0, NPSCORE_IMPACT_CLV_SEGMENT, NULL);
}
CASE(impact_themes_huge) {
  npscore_themes_impact_row out[1];
  return npscore_themes_impact(out, (size_t)1 << 40, NULL, (size_t)1 << 40, NULL, NULL, 0, NPSCORE_IMPACT_CLV_SEGMENT, NULL);
}
CASE(impact_basis) { return impact_with(1, 3, 1, 10); }
CASE(impact_indicator) { return impact_with(1, 0, 2, 10); }
CASE(impact_clv_nan) { return impact_with(1, 0, 1, nan("")); }
CASE(impact_capacity) {
  npscore_themes_impact_row out[2];
  const uint8_t indicators[4] = {1, 0, 0, 1};
  const int8_t segment[2] = {-1, 1};
  const double clv[2] = {1, 2};
  return npscore_themes_impact(out, 1, indicators, 2, segment, clv, 2, NPSCORE_IMPACT_CLV_SEGMENT,
                               NULL);
}
CASE(impact_segment_null) {
  npscore_themes_impact_row out[1];
  const uint8_t indicators[2] = {1, 0};
  const double clv[2] = {1, 2};
  return npscore_themes_impact(out, 1, indicators, 1, NULL, clv, 2, NPSCORE_IMPACT_CLV_SEGMENT, NULL);
}

static const bad_case kThemesCases[] = {
    {"tagger-too-many-themes", "npscore_themes_tagger_new", "size", tagger_too_many,
     NPSCORE_EINVAL, "the taxonomy has 1025 themes: at most 1024"},
    {"tagger-empty", "npscore_themes_tagger_new", "size", tagger_empty, NPSCORE_EINVAL,
     "the taxonomy is empty"},
    {"tagger-name-null", "npscore_themes_tagger_new", "null", tagger_name_null, NPSCORE_ENULL,
     "themes[0].name is NULL"},
    {"tagger-keywords-null", "npscore_themes_tagger_new", "null", tagger_keywords_null,
     NPSCORE_ENULL, "themes[0].keywords is NULL"},
    {"tagger-no-keywords", "npscore_themes_tagger_new", "data", tagger_no_keywords,
     NPSCORE_EINVAL, "theme \"bug\" has no keywords"},
    {"tagger-name-index", "npscore_themes_tagger_name", "handle", tagger_name_index,
     NPSCORE_EINVAL, "j is 99: the tagger has 9 themes"},
    {"tagger-size-null", "npscore_themes_tagger_size", "handle", tagger_size_null, NPSCORE_OK,
     NULL},
    {"tag-threads-huge", "npscore_themes_tagger_tag", "size", tag_threads_huge, NPSCORE_EINVAL,
     "threads is 2147483647: use 0 (automatic) or 1..256"},
    {"tag-threads-negative", "npscore_themes_tagger_tag", "size", tag_threads_negative,
     NPSCORE_EINVAL, "threads is -2"},
    {"tag-invalid-enum", "npscore_themes_tagger_tag", "value", tag_invalid_enum, NPSCORE_EINVAL,
     "invalid is 5"},
    {"tag-bad-utf8", "npscore_themes_tagger_tag", "data", tag_bad_utf8, NPSCORE_EINVAL,
     "comment 0 is not valid UTF-8 (byte 3 is 0xc3)"},
    {"tag-texts-null", "npscore_themes_tagger_tag", "null", tag_texts_null, NPSCORE_ENULL,
     "texts is NULL but n is 2"},
    {"tag-tagger-null", "npscore_themes_tagger_tag", "handle", tag_tagger_null, NPSCORE_ENULL,
     "tagger is NULL"},
    {"tag-capacity", "npscore_themes_tagger_tag", "range", tag_capacity, NPSCORE_ERANGE,
     "out has capacity 17 but the result needs 18"},
    {"impact-themes-zero", "npscore_themes_impact", "size", impact_themes_zero, NPSCORE_EINVAL,
     "n_themes is 0: it must be in 1..1024"},
    {"impact-themes-huge", "npscore_themes_impact", "size", impact_themes_huge, NPSCORE_EINVAL,
     "n_themes is 1099511627776"},
    {"impact-basis-enum", "npscore_themes_impact", "value", impact_basis, NPSCORE_EINVAL,
     "basis is 3"},
    {"impact-indicator-two", "npscore_themes_impact", "data", impact_indicator, NPSCORE_EINVAL,
     "theme indicator at row 0, theme 0 is 2"},
    {"impact-clv-nan", "npscore_themes_impact", "data", impact_clv_nan, NPSCORE_EINVAL,
     "clv at row 0 is NaN"},
    {"impact-segment-null", "npscore_themes_impact", "null", impact_segment_null, NPSCORE_ENULL,
     "segment is NULL but n is 2"},
    {"impact-capacity", "npscore_themes_impact", "range", impact_capacity, NPSCORE_ERANGE,
     "out has capacity 1 but the result needs 2"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Common --------------------------------------------------------------------------------- */

CASE(version_matches) {
  return npscore_version_number() == NPSCORE_VERSION_NUMBER &&
                 strcmp(npscore_version_string(), NPSCORE_VERSION_STRING) == 0
             ? NPSCORE_OK
             : NPSCORE_EINTERNAL;
}
CASE(last_error_cleared) {
  const double p[1] = {0.5};
  double out[1];
  (void)npscore_health_adjust_p_values(out, 1, p, 1, 9, NULL);
  (void)npscore_health_adjust_p_values(out, 1, p, 1, NPSCORE_ADJUST_HOLM, NULL);
  return npscore_last_error_message()[0] == '\0' ? NPSCORE_OK : NPSCORE_EINTERNAL;
}

/* The per-call error: the status and the same message as the thread's last
 * error, for every kind of failure (g_broken says what differs). */
static npscore_status with_err(npscore_status st, const npscore_error *err) {
  if (err->status != (int32_t)st) g_broken = "err->status is not the status returned";
  if (strcmp(err->message, npscore_last_error_message()) != 0) {
    g_broken = "err->message is not npscore_last_error_message()";
  }
  if (err->truncated != 0) g_broken = "err->truncated is set for a short message";
  return st;
}
CASE(err_einval) {
  const double scores[3] = {9, 11, 3};
  npscore_nps_counts c;
  npscore_error err;
  memset(&err, 0x5a, sizeof err);
  return with_err(npscore_nps_count(&c, scores, NPSCORE_F64, 3, NULL, &err), &err);
}
CASE(err_enull) {
  npscore_error err;
  memset(&err, 0x5a, sizeof err);
  return with_err(npscore_nps_count(NULL, NULL, NPSCORE_F64, 0, NULL, &err), &err);
}
CASE(err_erange) {
  int8_t out[2];
  const double scores[3] = {9, 7, 3};
  npscore_error err;
  return with_err(npscore_nps_segment(out, 2, scores, NPSCORE_F64, 3, NULL, &err), &err);
}
CASE(err_eversion) {
  npscore_nps_options o;
  npscore_error err;
  return with_err(npscore_nps_options_init(&o, 0, &err), &err);
}
/* A success after a failure: err says NPSCORE_OK and "". */
CASE(err_after_success) {
  const double scores[3] = {9, 7, 3};
  npscore_nps_counts c;
  npscore_error err;
  (void)npscore_nps_count(&c, scores, 99, 3, NULL, &err);
  if (err.status != NPSCORE_EINVAL || err.message[0] == '\0') {
    g_broken = "the failure was not recorded";
  }
  if (npscore_nps_count(&c, scores, NPSCORE_F64, 3, NULL, &err) != NPSCORE_OK) {
    return NPSCORE_EINTERNAL;
  }
  if (err.status != NPSCORE_OK || err.message[0] != '\0' || err.truncated != 0) {
    g_broken = "err is not NPSCORE_OK and \"\" after a success";
  }
  return NPSCORE_OK;
}
/* err == NULL: the status and the thread's message only. */
CASE(err_null) {
  const double scores[1] = {12};
  npscore_nps_counts c;
  return npscore_nps_count(&c, scores, NPSCORE_F64, 1, NULL, NULL);
}
CASE(status_strings) {
  const npscore_status all[] = {NPSCORE_OK,     NPSCORE_EINVAL,   NPSCORE_ENOMEM,
                                NPSCORE_EINTERNAL, NPSCORE_ENULL, NPSCORE_EVERSION,
                                NPSCORE_ERANGE, NPSCORE_EIO};
  const char *names[] = {"NPSCORE_OK:",     "NPSCORE_EINVAL:",   "NPSCORE_ENOMEM:",
                         "NPSCORE_EINTERNAL:", "NPSCORE_ENULL:", "NPSCORE_EVERSION:",
                         "NPSCORE_ERANGE:", "NPSCORE_EIO:"};
  size_t k;
  for (k = 0; k < sizeof all / sizeof all[0]; ++k) {
    const char *s = npscore_status_string(all[k]);
    if (s == NULL || strncmp(s, names[k], strlen(names[k])) != 0) g_broken = names[k];
  }
  if (strcmp(npscore_status_string(-99), "unknown npscore_status") != 0 ||
      strcmp(npscore_status_string(1), "unknown npscore_status") != 0) {
    g_broken = "an unknown status is not \"unknown npscore_status\"";
  }
  return NPSCORE_OK;
}

static const bad_case kCommonCases[] = {
    {"version-matches-header", "npscore_version_number", "value", version_matches, NPSCORE_OK,
     NULL},
    {"last-error-cleared-on-success", "npscore_last_error_message", "value", last_error_cleared,
     NPSCORE_OK, NULL},
    {"err-einval", "npscore_nps_count", "err", err_einval, NPSCORE_EINVAL, "row 1 is 11"},
    {"err-enull", "npscore_nps_count", "err", err_enull, NPSCORE_ENULL, "out is NULL"},
    {"err-erange", "npscore_nps_segment", "err", err_erange, NPSCORE_ERANGE,
     "out has capacity 2 but the result needs 3 elements"},
    {"err-eversion", "npscore_nps_options_init", "err", err_eversion, NPSCORE_EVERSION,
     "version is 0"},
    {"err-after-success", "npscore_nps_count", "err", err_after_success, NPSCORE_OK, NULL},
    {"err-null", "npscore_nps_count", "err", err_null, NPSCORE_EINVAL, "row 0 is 12"},
    {"status-strings", "npscore_status_string", "value", status_strings, NPSCORE_OK, NULL},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- nps (npscore_nps_*, npscore_nps_group_table_*) ---------------------------------------- */

static const double kNpsScores[3] = {9, 7, 3};

CASE(nps_options_init_zero) {
  npscore_nps_options o;
  return npscore_nps_options_init(&o, 0, NULL);
}
CASE(nps_options_init_next) {
  npscore_nps_options o;
  return npscore_nps_options_init(&o, NPSCORE_NPS_OPTIONS_VERSION + 1, NULL);
}
CASE(nps_options_init_null) { return npscore_nps_options_init(NULL, 1, NULL); }
/* npscore_nps_summarize with options of version `version`. */
static npscore_status summarize_version(uint32_t version) {
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_summary s;
  o.version = version;
  return npscore_nps_summarize(&s, kNpsScores, NPSCORE_F64, 3, NULL, &o, NULL);
}
CASE(summarize_version_zero) { return summarize_version(0); }
CASE(summarize_version_next) { return summarize_version(NPSCORE_NPS_OPTIONS_VERSION + 1); }
CASE(summarize_version_one) { return summarize_version(1); }
CASE(summarize_method_enum) {
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_summary s;
  o.method = 3;
  return npscore_nps_summarize(&s, kNpsScores, NPSCORE_F64, 3, NULL, &o, NULL);
}
CASE(summarize_weights_negative) {
  const double w[3] = {1, -2, 1};
  npscore_nps_summary s;
  return npscore_nps_summarize(&s, kNpsScores, NPSCORE_F64, 3, w, NULL, NULL);
}
CASE(count_dtype_enum) {
  npscore_nps_counts c;
  return npscore_nps_count(&c, kNpsScores, -1, 3, NULL, NULL);
}
CASE(count_scores_null) {
  npscore_nps_counts c;
  return npscore_nps_count(&c, NULL, NPSCORE_F64, 3, NULL, NULL);
}
CASE(segment_capacity) {
  int8_t out[3];
  return npscore_nps_segment(out, 2, kNpsScores, NPSCORE_F64, 3, NULL, NULL);
}
CASE(segment_size_query) {
  return npscore_nps_segment(NULL, 0, kNpsScores, NPSCORE_F64, 3, NULL, NULL);
}
CASE(segment_missing) {
  double scores[2] = {9, 0};
  int8_t out[2];
  scores[1] = nan("");
  return npscore_nps_segment(out, 2, scores, NPSCORE_F64, 2, NULL, NULL);
}
CASE(merge_overflow) {
  npscore_nps_counts a = counts3(INT64_MAX, 0, 0), b = counts3(1, 0, 0);
  return npscore_nps_counts_merge(&a, &b, NULL);
}
CASE(summarize_counts_empty) {
  npscore_nps_counts c = counts3(0, 0, 0);
  npscore_nps_summary s;
  return npscore_nps_summarize_counts(&s, &c, NULL, NULL);
}
CASE(compare_inconsistent) {
  npscore_nps_counts c = counts3(1, 2, 3);
  npscore_nps_summary a;
  npscore_nps_comparison cmp;
  if (npscore_nps_summarize_counts(&a, &c, NULL, NULL) != NPSCORE_OK) return NPSCORE_EINTERNAL;
  a.nps = 99;
  return npscore_nps_compare(&cmp, &a, &a, NULL, NULL);
}
/* npscore_nps_compare_test with compare options edited. */
static npscore_status compare_test_with(uint32_t version, int32_t test) {
  npscore_nps_compare_options o = NPSCORE_NPS_COMPARE_OPTIONS_INIT;
  npscore_nps_counts c = counts3(1, 2, 3);
  npscore_nps_summary a;
  npscore_nps_comparison cmp;
  int32_t kind;
  if (npscore_nps_summarize_counts(&a, &c, NULL, NULL) != NPSCORE_OK) return NPSCORE_EINTERNAL;
  o.version = version;
  o.test = test;
  return npscore_nps_compare_test(&cmp, &kind, &a, &a, &o, NULL);
}
CASE(compare_test_version_zero) { return compare_test_with(0, NPSCORE_COMPARE_AUTO); }
CASE(compare_test_version_next) {
  return compare_test_with(NPSCORE_NPS_COMPARE_OPTIONS_VERSION + 1, NPSCORE_COMPARE_AUTO);
}
CASE(compare_test_enum) { return compare_test_with(1, 9); }
CASE(compare_options_init_zero) {
  npscore_nps_compare_options o;
  return npscore_nps_compare_options_init(&o, 0, NULL);
}
CASE(compare_options_init_next) {
  npscore_nps_compare_options o;
  return npscore_nps_compare_options_init(&o, NPSCORE_NPS_COMPARE_OPTIONS_VERSION + 1, NULL);
}
/* npscore_nps_group_table_new over kNpsScores with these codes and groups. */
static npscore_status groups_with(const int64_t *codes, size_t n_groups) {
  npscore_nps_group_table *t = NULL;
  npscore_status st = handle_status(
      npscore_nps_group_table_new(&t, kNpsScores, NPSCORE_F64, 3, codes, n_groups, NULL, NULL,
                                  NULL),
      t);
  npscore_nps_group_table_free(t);
  return st;
}
static const int64_t kNpsCodes[3] = {0, 1, 0};
CASE(groups_codes_null) { return groups_with(NULL, 2); }
CASE(groups_zero) { return groups_with(kNpsCodes, 0); }
CASE(groups_huge) { return groups_with(kNpsCodes, (size_t)-1); }
CASE(groups_code_outside) {
  const int64_t codes[3] = {0, 2, 0};
  return groups_with(codes, 2);
}
CASE(group_get_index) {
  npscore_nps_group_table *t = NULL;
  npscore_nps_summary s;
  int32_t small;
  npscore_status st;
  if (npscore_nps_group_table_new(&t, kNpsScores, NPSCORE_F64, 3, kNpsCodes, 2, NULL, NULL,
                                  NULL) != NPSCORE_OK) {
    return NPSCORE_EINTERNAL;
  }
  st = npscore_nps_group_table_get(&s, &small, t, 2, NULL);
  npscore_nps_group_table_free(t);
  return st;
}
CASE(group_get_null) {
  npscore_nps_summary s;
  int32_t small;
  npscore_nps_group_table_free(NULL);
  if (npscore_nps_group_table_size(NULL) != 0) g_broken = "size of NULL is not 0";
  return npscore_nps_group_table_get(&s, &small, NULL, 0, NULL);
}
CASE(by_key_keys_null) {
  npscore_nps_group_table *t = NULL;
  npscore_status st = handle_status(
      npscore_nps_group_table_new_by_key(&t, kNpsScores, NPSCORE_F64, 3, NULL, NULL, NULL, NULL),
      t);
  npscore_nps_group_table_free(t);
  return st;
}
CASE(by_key_weight_negative) {
  npscore_nps_group_table *t = NULL;
  const double weights[3] = {1, -1, 1};
  npscore_status st = handle_status(
      npscore_nps_group_table_new_by_key(&t, kNpsScores, NPSCORE_F64, 3, kNpsCodes, weights, NULL,
                                         NULL),
      t);
  npscore_nps_group_table_free(t);
  return st;
}
CASE(group_key_not_keyed) {
  npscore_nps_group_table *t = NULL;
  int64_t key;
  npscore_status st;
  if (npscore_nps_group_table_new(&t, kNpsScores, NPSCORE_F64, 3, kNpsCodes, 2, NULL, NULL,
                                  NULL) != NPSCORE_OK) {
    return NPSCORE_EINTERNAL;
  }
  st = npscore_nps_group_table_key(&key, t, 0, NULL);
  npscore_nps_group_table_free(t);
  return st;
}
/* Codes three string keys of the 4 bytes "abcd" laid out by `offsets` (of
 * type `dtype`), with room for `key_rows` groups; *groups receives their count. */
static npscore_status factorize3(const void *offsets, int32_t dtype, size_t key_rows,
                                 size_t *groups) {
  int64_t codes[3], rows[3];
  return npscore_nps_factorize_strings(codes, 3, rows, key_rows, groups, NULL, offsets, dtype,
                                       "abcd", 4, 0, 3, NULL);
}
CASE(strings_offsets_decrease) {
  const int32_t offsets[4] = {0, 2, 1, 4};
  size_t groups;
  return factorize3(offsets, NPSCORE_I32, 3, &groups);
}
CASE(strings_past_data) {
  const int64_t offsets[4] = {0, 2, 3, 9};
  size_t groups;
  return factorize3(offsets, NPSCORE_I64, 3, &groups);
}
CASE(strings_offsets_dtype) {
  const int32_t offsets[4] = {0, 2, 3, 4};
  size_t groups;
  return factorize3(offsets, NPSCORE_F64, 3, &groups);
}
CASE(strings_offsets_null) {
  size_t groups;
  return factorize3(NULL, NPSCORE_I32, 3, &groups);
}
CASE(strings_key_rows_capacity) {
  const int32_t offsets[4] = {0, 2, 3, 4};
  size_t groups = 0;
  npscore_status st = factorize3(offsets, NPSCORE_I32, 2, &groups);
  if (st == NPSCORE_ERANGE && groups != 3) g_broken = "*out_n_groups is not the size needed";
  return st;
}

static const bad_case kNpsCases[] = {
    {"nps-options-init-zero", "npscore_nps_options_init", "version", nps_options_init_zero,
     NPSCORE_EVERSION, "version is 0: this library"},
    {"nps-options-init-next", "npscore_nps_options_init", "version", nps_options_init_next,
     NPSCORE_EVERSION, "version is 2: this library"},
    {"nps-options-init-null", "npscore_nps_options_init", "null", nps_options_init_null,
     NPSCORE_ENULL, "opts is NULL"},
    {"summarize-version-zero", "npscore_nps_summarize", "version", summarize_version_zero,
     NPSCORE_EVERSION, "opts->version is 0"},
    {"summarize-version-next", "npscore_nps_summarize", "version", summarize_version_next,
     NPSCORE_EVERSION, "opts->version is 2"},
    {"summarize-version-one", "npscore_nps_summarize", "version", summarize_version_one,
     NPSCORE_OK, NULL},
    {"summarize-method-enum", "npscore_nps_summarize", "value", summarize_method_enum,
     NPSCORE_EINVAL, "opts->method is 3"},
    {"summarize-weights-negative", "npscore_nps_summarize", "data", summarize_weights_negative,
     NPSCORE_EINVAL, "row 1"},
    {"count-dtype-enum", "npscore_nps_count", "value", count_dtype_enum, NPSCORE_EINVAL,
     "dtype is -1"},
    {"count-scores-null", "npscore_nps_count", "null", count_scores_null, NPSCORE_ENULL,
     "scores is NULL but n is 3"},
    {"segment-capacity", "npscore_nps_segment", "range", segment_capacity, NPSCORE_ERANGE,
     "out has capacity 2 but the result needs 3 elements"},
    {"segment-size-query", "npscore_nps_segment", "range", segment_size_query, NPSCORE_ERANGE,
     "out has capacity 0 but the result needs 3 elements"},
    {"segment-missing", "npscore_nps_segment", "data", segment_missing, NPSCORE_EINVAL, "row 1"},
    {"merge-overflow", "npscore_nps_counts_merge", "value", merge_overflow, NPSCORE_EINVAL,
     "overflow"},
    {"summarize-counts-empty", "npscore_nps_summarize_counts", "data", summarize_counts_empty,
     NPSCORE_EINVAL, NULL},
    {"compare-inconsistent", "npscore_nps_compare", "data", compare_inconsistent, NPSCORE_EINVAL,
     "nps"},
    {"compare-test-version-zero", "npscore_nps_compare_test", "version",
     compare_test_version_zero, NPSCORE_EVERSION, "opts->version is 0"},
    {"compare-test-version-next", "npscore_nps_compare_test", "version",
     compare_test_version_next, NPSCORE_EVERSION, "opts->version is 2"},
    {"compare-test-enum", "npscore_nps_compare_test", "value", compare_test_enum, NPSCORE_EINVAL,
     "opts->test is 9"},
    {"compare-options-init-zero", "npscore_nps_compare_options_init", "version",
     compare_options_init_zero, NPSCORE_EVERSION, "version is 0"},
    {"compare-options-init-next", "npscore_nps_compare_options_init", "version",
     compare_options_init_next, NPSCORE_EVERSION, "version is 2"},
    {"groups-codes-null", "npscore_nps_group_table_new", "null", groups_codes_null, NPSCORE_ENULL,
     "codes is NULL but n is 3"},
    {"groups-zero", "npscore_nps_group_table_new", "size", groups_zero, NPSCORE_EINVAL,
     "group code at row 0 is 0"},
    {"groups-huge", "npscore_nps_group_table_new", "size", groups_huge, NPSCORE_EINVAL,
     "n_groups is 18446744073709551615"},
    {"groups-code-outside", "npscore_nps_group_table_new", "data", groups_code_outside,
     NPSCORE_EINVAL, "row 1"},
    {"group-get-index", "npscore_nps_group_table_get", "handle", group_get_index, NPSCORE_EINVAL,
     "index i is 2: the table has 2 groups"},
    {"group-get-null", "npscore_nps_group_table_get", "handle", group_get_null, NPSCORE_ENULL,
     "t is NULL"},
    {"by-key-keys-null", "npscore_nps_group_table_new_by_key", "null", by_key_keys_null,
     NPSCORE_ENULL, "keys is NULL but n is 3"},
    {"by-key-weight-negative", "npscore_nps_group_table_new_by_key", "data",
     by_key_weight_negative, NPSCORE_EINVAL, "weight at row 1 is -1"},
    {"group-key-not-keyed", "npscore_nps_group_table_key", "handle", group_key_not_keyed,
     NPSCORE_EINVAL, "made by group code"},
    {"strings-offsets-decrease", "npscore_nps_factorize_strings", "data",
     strings_offsets_decrease, NPSCORE_EINVAL, "row 1: the offsets decrease, from 2 to 1"},
    {"strings-past-data", "npscore_nps_factorize_strings", "data", strings_past_data,
     NPSCORE_EINVAL, "row 2: its bytes [3, 9) run past the data (4 bytes)"},
    {"strings-offsets-dtype", "npscore_nps_factorize_strings", "value", strings_offsets_dtype,
     NPSCORE_EINVAL, "offsets_dtype is 0"},
    {"strings-offsets-null", "npscore_nps_factorize_strings", "null", strings_offsets_null,
     NPSCORE_ENULL, "offsets is NULL but n is 3"},
    {"strings-key-rows-capacity", "npscore_nps_factorize_strings", "range",
     strings_key_rows_capacity, NPSCORE_ERANGE, "needs 3 elements"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Survey ------------------------------------------------------------------------------------ */

static const int64_t kSurveyIds[3] = {5, 9, 5};
static const char *const kSurveyNames[3] = {"x", "y", "z"};

static npscore_status invitations_with(const int64_t *ids, const char *const *names, size_t n,
                                       size_t capacity, const int64_t *last, int64_t as_of,
                                       const char *zone,
                                       const npscore_survey_invitation_options *o) {
  int32_t reason[3];
  return npscore_survey_invitations(reason, capacity, NULL, 0, NULL, ids, names, last, NULL, NULL,
                                    n, as_of, zone, o, NULL);
}

CASE(survey_options_init_zero) {
  npscore_survey_invitation_options o;
  return npscore_survey_invitation_options_init(&o, 0, NULL);
}
CASE(survey_options_init_null) {
  return npscore_survey_invitation_options_init(NULL, NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION,
                                                NULL);
}
CASE(invitations_version_next) {
  npscore_survey_invitation_options o = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT;
  o.version = NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION + 1;
  return invitations_with(kSurveyIds, NULL, 2, 3, NULL, 0, NULL, &o);
}
CASE(invitations_ids_null) { return invitations_with(NULL, NULL, 2, 3, NULL, 0, NULL, NULL); }
CASE(invitations_both_ids) {
  return invitations_with(kSurveyIds, kSurveyNames, 2, 3, NULL, 0, NULL, NULL);
}
CASE(invitations_name_null) {
  const char *names[2] = {"x", NULL};
  return invitations_with(NULL, names, 2, 3, NULL, 0, NULL, NULL);
}
CASE(invitations_name_empty) {
  const char *names[2] = {"x", ""};
  return invitations_with(NULL, names, 2, 3, NULL, 0, NULL, NULL);
}
CASE(invitations_duplicate) { return invitations_with(kSurveyIds, NULL, 3, 3, NULL, 0, NULL, NULL); }
CASE(invitations_capacity) { return invitations_with(kSurveyIds, NULL, 2, 1, NULL, 0, NULL, NULL); }
CASE(invitations_cohorts_zero) {
  npscore_survey_invitation_options o = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT;
  o.cohorts = 0;
  return invitations_with(kSurveyIds, NULL, 2, 3, NULL, 0, NULL, &o);
}
CASE(invitations_days_nan) {
  npscore_survey_invitation_options o = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT;
  o.min_days_between = nan("");
  return invitations_with(kSurveyIds, NULL, 2, 3, NULL, 0, NULL, &o);
}
CASE(invitations_future_survey) {
  const int64_t last[2] = {10, NPSCORE_MISSING_TIME};
  return invitations_with(kSurveyIds, NULL, 2, 3, last, 0, NULL, NULL);
}
CASE(invitations_zone) {
  return invitations_with(kSurveyIds, NULL, 2, 3, NULL, 0, "Mars/Olympus_Mons", NULL);
}
CASE(invitations_as_of_nat) {
  return invitations_with(kSurveyIds, NULL, 2, 3, NULL, NPSCORE_MISSING_TIME, NULL, NULL);
}
CASE(survey_cohorts_huge) {
  int32_t out[2];
  return npscore_survey_cohorts(out, 2, NULL, 0, kSurveyIds, NULL, 2,
                                NPSCORE_MAX_SURVEY_COHORTS + 1, NULL);
}
CASE(survey_cohorts_hash_capacity) {
  int32_t out[2];
  uint64_t hash[1];
  return npscore_survey_cohorts(out, 2, hash, 1, kSurveyIds, NULL, 2, 4, NULL);
}
CASE(responses_needed_sum) {
  int64_t n;
  return npscore_survey_responses_needed(&n, NULL, 0.2, 0.3, 0.6, 5, NPSCORE_INTERVAL_WALD, 0.95,
                                         NULL);
}
CASE(responses_needed_negative) {
  int64_t n;
  return npscore_survey_responses_needed(&n, NULL, -0.1, 0.6, 0.5, 5, NPSCORE_INTERVAL_WALD, 0.95,
                                         NULL);
}
CASE(responses_needed_margin_zero) {
  int64_t n;
  return npscore_survey_responses_needed(&n, NULL, 0.2, 0.3, 0.5, 0, NPSCORE_INTERVAL_WALD, 0.95,
                                         NULL);
}
CASE(responses_needed_margin_tiny) {
  int64_t n;
  return npscore_survey_responses_needed(&n, NULL, 0.2, 0.3, 0.5, 1e-9, NPSCORE_INTERVAL_WALD,
                                         0.95, NULL);
}
CASE(responses_needed_method) {
  int64_t n;
  return npscore_survey_responses_needed(&n, NULL, 0.2, 0.3, 0.5, 5, 7, 0.95, NULL);
}
CASE(responses_needed_confidence) {
  int64_t n;
  return npscore_survey_responses_needed(&n, NULL, 0.2, 0.3, 0.5, 5, NPSCORE_INTERVAL_WALD, 1,
                                         NULL);
}
CASE(responses_needed_null) {
  return npscore_survey_responses_needed(NULL, NULL, 0.2, 0.3, 0.5, 5, NPSCORE_INTERVAL_WALD,
                                         0.95, NULL);
}
CASE(detectable_change_power_one) {
  double d;
  return npscore_survey_detectable_change(&d, 0.2, 0.3, 0.5, 100, 100, 0.05, 1, NULL);
}
CASE(detectable_change_n_zero) {
  double d;
  return npscore_survey_detectable_change(&d, 0.2, 0.3, 0.5, 0, 100, 0.05, 0.8, NULL);
}
CASE(invitations_needed_rate_zero) {
  int64_t n;
  return npscore_survey_invitations_needed(&n, 100, 0, 0.5, NULL);
}
CASE(invitations_needed_rate_above_one) {
  int64_t n;
  return npscore_survey_invitations_needed(&n, 100, 1.5, 0.5, NULL);
}
CASE(invitations_needed_assurance_one) {
  int64_t n;
  return npscore_survey_invitations_needed(&n, 100, 0.2, 1, NULL);
}
CASE(invitations_needed_negative) {
  int64_t n;
  return npscore_survey_invitations_needed(&n, -1, 0.2, 0.5, NULL);
}

static const bad_case kSurveyCases[] = {
    {"survey-options-init-zero", "npscore_survey_invitation_options_init", "version",
     survey_options_init_zero, NPSCORE_EVERSION, "version is 0: this library"},
    {"survey-options-init-null", "npscore_survey_invitation_options_init", "null",
     survey_options_init_null, NPSCORE_ENULL, "opts is NULL"},
    {"invitations-version-next", "npscore_survey_invitations", "version",
     invitations_version_next, NPSCORE_EVERSION, "opts->version is 2"},
    {"invitations-ids-null", "npscore_survey_invitations", "null", invitations_ids_null,
     NPSCORE_ENULL, "ids is NULL (and string_ids) but n is 2"},
    {"invitations-both-ids", "npscore_survey_invitations", "value", invitations_both_ids,
     NPSCORE_EINVAL, "both ids and string_ids are given"},
    {"invitations-name-null", "npscore_survey_invitations", "null", invitations_name_null,
     NPSCORE_ENULL, "string_ids[1] is NULL: a missing customer id"},
    {"invitations-name-empty", "npscore_survey_invitations", "data", invitations_name_empty,
     NPSCORE_EINVAL, "customer id at row 1 is missing (empty)"},
    {"invitations-duplicate", "npscore_survey_invitations", "data", invitations_duplicate,
     NPSCORE_EINVAL, "customer id 5 appears at rows 0 and 2"},
    {"invitations-capacity", "npscore_survey_invitations", "range", invitations_capacity,
     NPSCORE_ERANGE, "out_reason has capacity 1 but the result needs 2 elements"},
    {"invitations-cohorts-zero", "npscore_survey_invitations", "size", invitations_cohorts_zero,
     NPSCORE_EINVAL, "cohorts is 0: it must be in 1..1000"},
    {"invitations-days-nan", "npscore_survey_invitations", "value", invitations_days_nan,
     NPSCORE_EINVAL, "min_days_between is nan"},
    {"invitations-future-survey", "npscore_survey_invitations", "data",
     invitations_future_survey, NPSCORE_EINVAL, "last_surveyed at row 0"},
    {"invitations-zone", "npscore_survey_invitations", "value", invitations_zone, NPSCORE_EINVAL,
     "time_zone"},
    {"invitations-as-of-nat", "npscore_survey_invitations", "value", invitations_as_of_nat,
     NPSCORE_EINVAL, "as_of is missing"},
    {"survey-cohorts-huge", "npscore_survey_cohorts", "size", survey_cohorts_huge, NPSCORE_EINVAL,
     "cohorts is 1001"},
    {"survey-cohorts-hash-capacity", "npscore_survey_cohorts", "range",
     survey_cohorts_hash_capacity, NPSCORE_ERANGE, "out_hash has capacity 1"},
    {"responses-needed-sum", "npscore_survey_responses_needed", "value", responses_needed_sum,
     NPSCORE_EINVAL, "the shares add up to 1.1"},
    {"responses-needed-negative", "npscore_survey_responses_needed", "value",
     responses_needed_negative, NPSCORE_EINVAL, "the share of detractors is -0.1"},
    {"responses-needed-margin-zero", "npscore_survey_responses_needed", "value",
     responses_needed_margin_zero, NPSCORE_EINVAL, "margin is 0: it must be in (0, 200]"},
    {"responses-needed-margin-tiny", "npscore_survey_responses_needed", "size",
     responses_needed_margin_tiny, NPSCORE_EINVAL, "responses give a wider interval"},
    {"responses-needed-method", "npscore_survey_responses_needed", "value",
     responses_needed_method, NPSCORE_EINVAL, "method is 7"},
    {"responses-needed-confidence", "npscore_survey_responses_needed", "value",
     responses_needed_confidence, NPSCORE_EINVAL, "confidence"},
    {"responses-needed-null", "npscore_survey_responses_needed", "null", responses_needed_null,
     NPSCORE_ENULL, "out is NULL"},
    {"detectable-change-power-one", "npscore_survey_detectable_change", "value",
     detectable_change_power_one, NPSCORE_EINVAL, "power is 1: it must be in (0, 1)"},
    {"detectable-change-n-zero", "npscore_survey_detectable_change", "size",
     detectable_change_n_zero, NPSCORE_EINVAL, "n1 is 0"},
    {"invitations-needed-rate-zero", "npscore_survey_invitations_needed", "value",
     invitations_needed_rate_zero, NPSCORE_EINVAL, "response_rate is 0: it must be in (0, 1]"},
    {"invitations-needed-rate-above-one", "npscore_survey_invitations_needed", "value",
     invitations_needed_rate_above_one, NPSCORE_EINVAL, "response_rate is 1.5"},
    {"invitations-needed-assurance-one", "npscore_survey_invitations_needed", "value",
     invitations_needed_assurance_one, NPSCORE_EINVAL, "assurance is 1: it must be in (0, 1)"},
    {"invitations-needed-negative", "npscore_survey_invitations_needed", "size",
     invitations_needed_negative, NPSCORE_EINVAL, "responses is -1"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Loop ---------------------------------------------------------------------------------------- */

static const int64_t kLoopOpened[3] = {0, 0, 3600000000000LL};
static const int64_t kLoopContact[3] = {7200000000000LL, NPSCORE_MISSING_TIME,
                                        3600000000000LL};
static const double kLoopRecovered[3] = {1, 0, 1};

static npscore_status loop_metrics_with(const int64_t *opened, const int64_t *contact,
                                        const int32_t *group, int32_t n_groups, size_t capacity,
                                        int64_t as_of, const npscore_loop_metrics_options *o) {
  npscore_loop_group_metrics g[2], all;
  return npscore_loop_metrics(g, capacity, &all, NULL, opened, contact, NULL, group, n_groups,
                              NULL, 3, as_of, o, NULL);
}
static npscore_status recovery_with(const int64_t *opened, const int64_t *contact,
                                    const double *recovered, const double *edges, size_t n_edges,
                                    size_t capacity, const npscore_loop_recovery_options *o) {
  npscore_loop_recovery_bin bins[NPSCORE_LOOP_DEFAULT_BINS];
  size_t count;
  return npscore_loop_recovery_curve(bins, capacity, &count, NULL, opened, contact, recovered, 3,
                                     edges, n_edges, o, NULL);
}

CASE(loop_metrics_options_init_zero) {
  npscore_loop_metrics_options o;
  return npscore_loop_metrics_options_init(&o, 0, NULL);
}
CASE(loop_recovery_options_init_null) {
  return npscore_loop_recovery_options_init(NULL, NPSCORE_LOOP_RECOVERY_OPTIONS_VERSION, NULL);
}
CASE(loop_metrics_opened_nat) {
  const int64_t opened[3] = {0, NPSCORE_MISSING_TIME, 0};
  return loop_metrics_with(opened, NULL, NULL, 0, 0, 10, NULL);
}
CASE(loop_metrics_contact_first) {
  const int64_t contact[3] = {NPSCORE_MISSING_TIME, NPSCORE_MISSING_TIME, 0};
  return loop_metrics_with(kLoopOpened, contact, NULL, 0, 0, 10, NULL);
}
CASE(loop_metrics_group_out_of_range) {
  const int32_t group[3] = {0, 1, 2};
  return loop_metrics_with(kLoopOpened, kLoopContact, group, 2, 2, 10, NULL);
}
CASE(loop_metrics_capacity) {
  const int32_t group[3] = {0, 1, 1};
  return loop_metrics_with(kLoopOpened, kLoopContact, group, 2, 1, 10, NULL);
}
CASE(loop_metrics_groups_huge) {
  const int32_t group[3] = {0, 1, 1};
  npscore_loop_group_metrics all;
  return npscore_loop_metrics(NULL, 0, &all, NULL, kLoopOpened, NULL, NULL, group,
                              NPSCORE_MAX_LOOP_GROUPS + 1, NULL, 3, 10, NULL, NULL);
}
CASE(loop_metrics_sla_nan) {
  npscore_loop_metrics_options o = NPSCORE_LOOP_METRICS_OPTIONS_INIT;
  o.sla_hours = nan("");
  return loop_metrics_with(kLoopOpened, kLoopContact, NULL, 0, 0, 10, &o);
}
CASE(loop_metrics_version_next) {
  npscore_loop_metrics_options o = NPSCORE_LOOP_METRICS_OPTIONS_INIT;
  o.version = NPSCORE_LOOP_METRICS_OPTIONS_VERSION + 1;
  return loop_metrics_with(kLoopOpened, kLoopContact, NULL, 0, 0, 10, &o);
}
CASE(loop_metrics_all_null) {
  return npscore_loop_metrics(NULL, 0, NULL, NULL, kLoopOpened, NULL, NULL, NULL, 0, NULL, 3, 10,
                              NULL, NULL);
}
CASE(loop_metrics_as_of_nat) {
  return loop_metrics_with(kLoopOpened, kLoopContact, NULL, 0, 0, NPSCORE_MISSING_TIME, NULL);
}
CASE(loop_recovery_outcome_two) {
  const double recovered[3] = {1, 0, 2};
  return recovery_with(kLoopOpened, kLoopContact, recovered, NULL, 0, 13, NULL);
}
CASE(loop_recovery_outcome_nan) {
  double recovered[3] = {1, 0, 0};
  recovered[1] = nan("");
  return recovery_with(kLoopOpened, kLoopContact, recovered, NULL, 0, 13, NULL);
}
CASE(loop_recovery_contact_first) {
  const int64_t contact[3] = {NPSCORE_MISSING_TIME, -5, 3600000000000LL};
  return recovery_with(kLoopOpened, contact, kLoopRecovered, NULL, 0, 13, NULL);
}
CASE(loop_recovery_edges_decreasing) {
  const double edges[2] = {24, 1};
  return recovery_with(kLoopOpened, kLoopContact, kLoopRecovered, edges, 2, 13, NULL);
}
CASE(loop_recovery_min_bin_zero) {
  npscore_loop_recovery_options o = NPSCORE_LOOP_RECOVERY_OPTIONS_INIT;
  o.min_bin_cases = 0;
  return recovery_with(kLoopOpened, kLoopContact, kLoopRecovered, NULL, 0, 13, &o);
}
CASE(loop_recovery_missing_enum) {
  npscore_loop_recovery_options o = NPSCORE_LOOP_RECOVERY_OPTIONS_INIT;
  o.missing = 5;
  return recovery_with(kLoopOpened, kLoopContact, kLoopRecovered, NULL, 0, 13, &o);
}
CASE(loop_recovery_recovered_null) {
  return recovery_with(kLoopOpened, kLoopContact, NULL, NULL, 0, 13, NULL);
}
CASE(loop_recovery_capacity) {
  const double edges[1] = {1.5};
  npscore_loop_recovery_options o = NPSCORE_LOOP_RECOVERY_OPTIONS_INIT;
  o.min_bin_cases = 1;
  return recovery_with(kLoopOpened, kLoopContact, kLoopRecovered, edges, 1, 1, &o);
}

static const double kConvScore[3] = {3, 7, 5};
static const double kConvNext[3] = {8, 9, 1};
static npscore_status conversion_with(const double *score, const double *next,
                                      const npscore_nps_options *nps) {
  npscore_loop_conversion_row all[NPSCORE_LOOP_CONVERSION_ROWS];
  return npscore_loop_conversion(NULL, 0, all, NULL, kLoopOpened, kLoopContact, score, next, NULL,
                                 0, 3, nps, NULL);
}
static const double kRoiChurned[3] = {1, 0, 0};
static const double kRoiRisk[3] = {0.2, 0.5, 0.3};
static const double kRoiClv[3] = {10, 20, 5};
static npscore_status roi_with(const int64_t *contact, const double *churned, const double *risk,
                               const double *clv, size_t capacity,
                               const npscore_loop_roi_options *o) {
  npscore_loop_roi_band bands[5];
  npscore_loop_roi_total total;
  size_t count;
  return npscore_loop_program_roi(bands, capacity, &count, &total, kLoopOpened, contact, NULL,
                                  NULL, churned, risk, clv, 3, o, NULL, NULL);
}

CASE(loop_conversion_next_off_scale) {
  const double next[3] = {8, 11, 1};
  return conversion_with(kConvScore, next, NULL);
}
CASE(loop_conversion_score_nan) {
  double score[3] = {3, 7, 5};
  score[1] = nan("");
  return conversion_with(score, kConvNext, NULL);
}
CASE(loop_conversion_next_null) { return conversion_with(kConvScore, NULL, NULL); }
CASE(loop_conversion_all_null) {
  return npscore_loop_conversion(NULL, 0, NULL, NULL, kLoopOpened, kLoopContact, kConvScore,
                                 kConvNext, NULL, 0, 3, NULL, NULL);
}
CASE(loop_conversion_capacity) {
  const int32_t group[3] = {0, 1, 1};
  npscore_loop_conversion_row rows[5], all[NPSCORE_LOOP_CONVERSION_ROWS];
  return npscore_loop_conversion(rows, 5, all, NULL, kLoopOpened, kLoopContact, kConvScore,
                                 kConvNext, group, 2, 3, NULL, NULL);
}
CASE(loop_conversion_cutoffs) {
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  o.passive_max = 5;
  return conversion_with(kConvScore, kConvNext, &o);
}
CASE(loop_roi_options_init_next) {
  npscore_loop_roi_options o;
  return npscore_loop_roi_options_init(&o, NPSCORE_LOOP_ROI_OPTIONS_VERSION + 1, NULL);
}
CASE(loop_roi_risk_above_one) {
  const double risk[3] = {0.2, 1.5, 0.3};
  return roi_with(kLoopContact, kRoiChurned, risk, kRoiClv, 5, NULL);
}
CASE(loop_roi_churned_two) {
  const double churned[3] = {0, 2, 1};
  return roi_with(kLoopContact, churned, kRoiRisk, kRoiClv, 5, NULL);
}
CASE(loop_roi_clv_inf) {
  double clv[3] = {10, 20, 5};
  clv[2] = HUGE_VAL;
  return roi_with(kLoopContact, kRoiChurned, kRoiRisk, clv, 5, NULL);
}
CASE(loop_roi_bands_zero) {
  npscore_loop_roi_options o = NPSCORE_LOOP_ROI_OPTIONS_INIT;
  o.bands = 0;
  return roi_with(kLoopContact, kRoiChurned, kRoiRisk, kRoiClv, 5, &o);
}
CASE(loop_roi_missing_enum) {
  npscore_loop_roi_options o = NPSCORE_LOOP_ROI_OPTIONS_INIT;
  o.missing = 9;
  return roi_with(kLoopContact, kRoiChurned, kRoiRisk, kRoiClv, 5, &o);
}
CASE(loop_roi_clv_null) { return roi_with(kLoopContact, kRoiChurned, kRoiRisk, NULL, 5, NULL); }
CASE(loop_roi_nothing_on_time) {
  return roi_with(NULL, kRoiChurned, kRoiRisk, kRoiClv, 5, NULL);
}
CASE(loop_roi_capacity) {
  return roi_with(kLoopContact, kRoiChurned, kRoiRisk, kRoiClv, 0, NULL);
}

static const bad_case kLoopCases[] = {
    {"loop-metrics-options-init-zero", "npscore_loop_metrics_options_init", "version",
     loop_metrics_options_init_zero, NPSCORE_EVERSION, "version is 0: this library"},
    {"loop-recovery-options-init-null", "npscore_loop_recovery_options_init", "null",
     loop_recovery_options_init_null, NPSCORE_ENULL, "opts is NULL"},
    {"loop-metrics-opened-nat", "npscore_loop_metrics", "data", loop_metrics_opened_nat,
     NPSCORE_EINVAL, "opened_at at row 1 is missing (NaT)"},
    {"loop-metrics-contact-first", "npscore_loop_metrics", "data", loop_metrics_contact_first,
     NPSCORE_EINVAL, "first_contact_at at row 2 is 1970-01-01 00:00:00 UTC, before opened_at"},
    {"loop-metrics-group-out-of-range", "npscore_loop_metrics", "data",
     loop_metrics_group_out_of_range, NPSCORE_EINVAL, "group at row 2 is 2: codes are in 0..1"},
    {"loop-metrics-capacity", "npscore_loop_metrics", "range", loop_metrics_capacity,
     NPSCORE_ERANGE, "out has capacity 1 but the result needs 2 elements"},
    {"loop-metrics-groups-huge", "npscore_loop_metrics", "size", loop_metrics_groups_huge,
     NPSCORE_EINVAL, "n_groups is 1048577"},
    {"loop-metrics-sla-nan", "npscore_loop_metrics", "value", loop_metrics_sla_nan,
     NPSCORE_EINVAL, "sla_hours is NaN"},
    {"loop-metrics-version-next", "npscore_loop_metrics", "version", loop_metrics_version_next,
     NPSCORE_EVERSION, "opts->version is 2"},
    {"loop-metrics-all-null", "npscore_loop_metrics", "null", loop_metrics_all_null,
     NPSCORE_ENULL, "out_all is NULL"},
    {"loop-metrics-as-of-nat", "npscore_loop_metrics", "value", loop_metrics_as_of_nat,
     NPSCORE_EINVAL, "as_of is missing"},
    {"loop-recovery-outcome-two", "npscore_loop_recovery_curve", "data",
     loop_recovery_outcome_two, NPSCORE_EINVAL, "recovered at row 2 is 2: an outcome is 1"},
    {"loop-recovery-outcome-nan", "npscore_loop_recovery_curve", "data",
     loop_recovery_outcome_nan, NPSCORE_EINVAL, "recovered at row 1 is missing (NaN)"},
    {"loop-recovery-contact-first", "npscore_loop_recovery_curve", "data",
     loop_recovery_contact_first, NPSCORE_EINVAL, "first_contact_at at row 1"},
    {"loop-recovery-edges-decreasing", "npscore_loop_recovery_curve", "value",
     loop_recovery_edges_decreasing, NPSCORE_EINVAL, "edges[1] is 1: bin edges are finite"},
    {"loop-recovery-min-bin-zero", "npscore_loop_recovery_curve", "size",
     loop_recovery_min_bin_zero, NPSCORE_EINVAL, "min_bin_cases is 0"},
    {"loop-recovery-missing-enum", "npscore_loop_recovery_curve", "value",
     loop_recovery_missing_enum, NPSCORE_EINVAL, "opts->missing is 5"},
    {"loop-recovery-recovered-null", "npscore_loop_recovery_curve", "null",
     loop_recovery_recovered_null, NPSCORE_ENULL, "recovered"},
    {"loop-recovery-capacity", "npscore_loop_recovery_curve", "range", loop_recovery_capacity,
     NPSCORE_ERANGE, "out has capacity 1 but the result needs 2 elements"},
    {"loop-conversion-next-off-scale", "npscore_loop_conversion", "data",
     loop_conversion_next_off_scale, NPSCORE_EINVAL,
     "next_score at row 1 is 11: outside the scale 0..10"},
    {"loop-conversion-score-nan", "npscore_loop_conversion", "data", loop_conversion_score_nan,
     NPSCORE_EINVAL, "score at row 1 is missing (NaN)"},
    {"loop-conversion-next-null", "npscore_loop_conversion", "null", loop_conversion_next_null,
     NPSCORE_ENULL, "next_score"},
    {"loop-conversion-all-null", "npscore_loop_conversion", "null", loop_conversion_all_null,
     NPSCORE_ENULL, "out_all is NULL"},
    {"loop-conversion-capacity", "npscore_loop_conversion", "range", loop_conversion_capacity,
     NPSCORE_ERANGE, "out has capacity 5 but the result needs 6 elements"},
    {"loop-conversion-cutoffs", "npscore_loop_conversion", "value", loop_conversion_cutoffs,
     NPSCORE_EINVAL, "passive_max"},
    {"loop-roi-options-init-next", "npscore_loop_roi_options_init", "version",
     loop_roi_options_init_next, NPSCORE_EVERSION, "version is 2"},
    {"loop-roi-risk-above-one", "npscore_loop_program_roi", "data", loop_roi_risk_above_one,
     NPSCORE_EINVAL, "churn_risk at row 1 is 1.5: a probability is in [0, 1]"},
    {"loop-roi-churned-two", "npscore_loop_program_roi", "data", loop_roi_churned_two,
     NPSCORE_EINVAL, "churned at row 1 is 2: an outcome is 1 (churned) or 0"},
    {"loop-roi-clv-inf", "npscore_loop_program_roi", "data", loop_roi_clv_inf, NPSCORE_EINVAL,
     "clv at row 2 is inf: a value is finite and >= 0"},
    {"loop-roi-bands-zero", "npscore_loop_program_roi", "size", loop_roi_bands_zero,
     NPSCORE_EINVAL, "bands is 0: it must be in 1..1000"},
    {"loop-roi-missing-enum", "npscore_loop_program_roi", "value", loop_roi_missing_enum,
     NPSCORE_EINVAL, "opts->missing is 9"},
    {"loop-roi-clv-null", "npscore_loop_program_roi", "null", loop_roi_clv_null, NPSCORE_ENULL,
     "clv"},
    {"loop-roi-nothing-on-time", "npscore_loop_program_roi", "data", loop_roi_nothing_on_time,
     NPSCORE_EINVAL, "no case was contacted within the SLA among 3 compared cases"},
    {"loop-roi-capacity", "npscore_loop_program_roi", "range", loop_roi_capacity, NPSCORE_ERANGE,
     "out has capacity 0"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};

/* --- Monitor ------------------------------------------------------------------ */

/* A fresh monitor (default options but `slices` slices and, if nonzero, one
 * owner), with one detractor (customer 7 at T = 1 day) ingested; NULL if it
 * cannot be made. The case frees it. */
static const int64_t kMonT = (int64_t)86400 * 1000000000;
static npscore_monitor *monitor_with(int32_t slices, int health) {
  npscore_monitor *m = NULL;
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  o.n_slices = slices;
  o.health = health;
  if (npscore_monitor_new(&m, &o, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL) != NPSCORE_OK) {
    return NULL;
  }
  if (npscore_monitor_ingest(m, 7, 2, kMonT, 0, 100, 0.5, -1, NULL) != NPSCORE_OK) {
    npscore_monitor_free(m);
    return NULL;
  }
  return m;
}
/* Runs `expr` (a call on monitor `m`) and frees m: the case's status. */
#define MONITOR_CASE(slices, health, expr)                         \
  npscore_monitor *m = monitor_with((slices), (health));           \
  npscore_status st;                                               \
  if (m == NULL) return NPSCORE_EINTERNAL;                         \
  st = (expr);                                                     \
  npscore_monitor_free(m);                                         \
  return st

static npscore_status monitor_new_with(const npscore_monitor_options *o,
                                       const npscore_health_options *ho, const double *rh,
                                       size_t n_recovery, size_t n_owners) {
  npscore_monitor *m = (npscore_monitor *)&g_broken; /* must become NULL */
  static const int64_t caps[1] = {1};
  const npscore_status st = npscore_monitor_new(&m, o, NULL, ho, "UTC", rh, NULL, n_recovery,
                                                n_owners == 1 ? caps : NULL, n_owners, NULL);
  if (st == NPSCORE_OK) {
    npscore_monitor_free(m);
    return st;
  }
  return handle_status(st, m);
}

CASE(monitor_options_init_zero) {
  npscore_monitor_options o;
  return npscore_monitor_options_init(&o, 0, NULL);
}
CASE(monitor_new_out_null) {
  return npscore_monitor_new(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL);
}
CASE(monitor_new_slices_zero) {
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  o.n_slices = 0;
  return monitor_new_with(&o, NULL, NULL, 0, 0);
}
CASE(monitor_new_late_enum) {
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  o.late = 7;
  return monitor_new_with(&o, NULL, NULL, 0, 0);
}
CASE(monitor_new_version_next) {
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  o.version = NPSCORE_MONITOR_OPTIONS_VERSION + 1;
  return monitor_new_with(&o, NULL, NULL, 0, 0);
}
CASE(monitor_new_alpha_nan) {
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  o.shift_alpha = NAN;
  return monitor_new_with(&o, NULL, NULL, 0, 0);
}
CASE(monitor_new_review_mode) {
  npscore_health_options ho = NPSCORE_HEALTH_OPTIONS_INIT;
  ho.flag_mode = NPSCORE_FLAG_MODE_REVIEW;
  return monitor_new_with(NULL, &ho, NULL, 0, 0);
}
CASE(monitor_new_recovery_null) {
  const double hours[2] = {0, 24};
  return monitor_new_with(NULL, NULL, hours, 2, 0);
}
CASE(monitor_new_owners_huge) {
  return monitor_new_with(NULL, NULL, NULL, 0, 65537);
}
CASE(monitor_ingest_null) {
  return npscore_monitor_ingest(NULL, 1, 5, 0, 0, NAN, NAN, -1, NULL);
}
CASE(monitor_ingest_score_nan) {
  MONITOR_CASE(1, 0, npscore_monitor_ingest(m, 5, NAN, kMonT, 0, NAN, NAN, -1, NULL));
}
CASE(monitor_ingest_slice) {
  MONITOR_CASE(2, 0, npscore_monitor_ingest(m, 5, 9, kMonT, 2, NAN, NAN, -1, NULL));
}
CASE(monitor_ingest_late) {
  MONITOR_CASE(1, 0, npscore_monitor_ingest(m, 5, 9, -kMonT / 4, 0, NAN, NAN, -1, NULL));
}
CASE(monitor_ingest_risk) {
  MONITOR_CASE(1, 0, npscore_monitor_ingest(m, 5, 3, kMonT, 0, 10, 1.5, -1, NULL));
}
CASE(monitor_ingest_columns_row) {
  const int64_t customers[3] = {1, 2, 3};
  const int64_t times[3] = {kMonT, kMonT, kMonT};
  const int32_t scores[3] = {9, 8, 12};
  MONITOR_CASE(1, 0, npscore_monitor_ingest_columns(m, customers, scores, NPSCORE_I32, times, 3,
                                                    NULL, NULL, NULL, NULL, NULL));
}
CASE(monitor_ingest_columns_times_null) {
  const int64_t customers[2] = {1, 2};
  const double scores[2] = {9, 8};
  MONITOR_CASE(1, 0, npscore_monitor_ingest_columns(m, customers, scores, NPSCORE_F64, NULL, 2,
                                                    NULL, NULL, NULL, NULL, NULL));
}
CASE(monitor_ingest_columns_dtype) {
  const int64_t customers[1] = {1};
  const int64_t times[1] = {kMonT};
  const double scores[1] = {9};
  MONITOR_CASE(1, 0, npscore_monitor_ingest_columns(m, customers, scores, 99, times, 1, NULL,
                                                    NULL, NULL, NULL, NULL));
}
CASE(monitor_advance_null) {
  return npscore_monitor_advance(NULL, 0, NULL);
}
CASE(monitor_advance_nat) {
  MONITOR_CASE(1, 0, npscore_monitor_advance(m, NPSCORE_MISSING_TIME, NULL));
}
CASE(monitor_record_contact_unknown) {
  MONITOR_CASE(1, 0, npscore_monitor_record_contact(m, 8, kMonT, kMonT + 1, NULL));
}
CASE(monitor_record_contact_before) {
  MONITOR_CASE(1, 0, npscore_monitor_record_contact(m, 7, kMonT, kMonT - 1, NULL));
}
CASE(monitor_close_case_outcome) {
  npscore_monitor_case c;
  MONITOR_CASE(1, 0, npscore_monitor_close_case(&c, m, 7, kMonT, kMonT + 1, 5, NULL));
}
CASE(monitor_close_case_out_null) {
  MONITOR_CASE(1, 0, npscore_monitor_close_case(NULL, m, 7, kMonT, kMonT + 1,
                                                NPSCORE_OUTCOME_RECOVERED, NULL));
}
CASE(monitor_alert_get_index) {
  npscore_monitor_alert a;
  MONITOR_CASE(1, 0, npscore_monitor_alert_get(&a, m, 1, NULL));
}
CASE(monitor_alert_text_index) {
  const char *play;
  MONITOR_CASE(1, 0, npscore_monitor_alert_text(&play, NULL, NULL, m, 3, NULL));
}
CASE(monitor_alerts_clear_null) {
  return npscore_monitor_alerts_clear(NULL, NULL);
}
CASE(monitor_serialize_capacity) {
  uint8_t buf[8];
  size_t size = 0;
  MONITOR_CASE(1, 0, npscore_monitor_serialize(buf, sizeof buf, &size, m, NULL));
}
CASE(monitor_serialize_size_null) {
  uint8_t buf[8];
  MONITOR_CASE(1, 0, npscore_monitor_serialize(buf, sizeof buf, NULL, m, NULL));
}
CASE(monitor_load_damaged) {
  npscore_monitor *m = (npscore_monitor *)&g_broken;
  static const uint8_t bytes[24] = {'N', 'P', 'S', 'M', 'O', 'N', 'I', 'T', 1};
  const npscore_status st = npscore_monitor_load(&m, bytes, sizeof bytes, NULL);
  return handle_status(st, m);
}
CASE(monitor_load_bytes_null) {
  npscore_monitor *m = NULL;
  return handle_status(npscore_monitor_load(&m, NULL, 40, NULL), m);
}
CASE(monitor_merge_self) {
  MONITOR_CASE(1, 0, npscore_monitor_merge(m, m, NULL));
}
CASE(monitor_merge_options_differ) {
  npscore_monitor *other = monitor_with(2, 0);
  npscore_status st;
  npscore_monitor *m = monitor_with(1, 0);
  if (m == NULL || other == NULL) return NPSCORE_EINTERNAL;
  st = npscore_monitor_merge(m, other, NULL);
  npscore_monitor_free(m);
  npscore_monitor_free(other);
  return st;
}
CASE(monitor_snapshot_new_null) {
  npscore_monitor_snapshot *s = NULL;
  return handle_status(npscore_monitor_snapshot_new(&s, NULL, NULL), s);
}
CASE(monitor_snapshot_totals_null) {
  npscore_monitor_totals t;
  return npscore_monitor_snapshot_totals(&t, NULL, NULL);
}
/* Runs `expr` on a snapshot `s` of a one-slice monitor with one open case. */
#define SNAPSHOT_CASE(expr)                                                  \
  npscore_monitor *m = monitor_with(1, 0);                                   \
  npscore_monitor_snapshot *s = NULL;                                        \
  npscore_status st;                                                         \
  if (m == NULL || npscore_monitor_snapshot_new(&s, m, NULL) != NPSCORE_OK) { \
    npscore_monitor_free(m);                                                 \
    return NPSCORE_EINTERNAL;                                                \
  }                                                                          \
  st = (expr);                                                               \
  npscore_monitor_snapshot_free(s);                                          \
  npscore_monitor_free(m);                                                   \
  return st
CASE(monitor_snapshot_slice_index) {
  npscore_nps_counts c;
  SNAPSHOT_CASE(npscore_monitor_snapshot_slice(&c, NULL, s, 1, NULL));
}
CASE(monitor_snapshot_case_index) {
  npscore_monitor_case c;
  SNAPSHOT_CASE(npscore_monitor_snapshot_case(&c, s, 1, NULL));
}
CASE(monitor_snapshot_owner_load_null) {
  SNAPSHOT_CASE(npscore_monitor_snapshot_owner_load(NULL, 0, NULL, NULL));
}
CASE(monitor_snapshot_period_index) {
  int64_t a, b;
  const char *label;
  SNAPSHOT_CASE(npscore_monitor_snapshot_period(&a, &b, &label, s, 0, NULL));
}
CASE(monitor_closed_health_off) {
  npscore_health_table *t = NULL;
  npscore_monitor *m = monitor_with(1, 0);
  npscore_status st;
  if (m == NULL) return NPSCORE_EINTERNAL;
  st = handle_status(npscore_health_table_new_from_monitor(&t, m, NULL), t);
  npscore_health_table_free(t);
  npscore_monitor_free(m);
  return st;
}

static const bad_case kMonitorCases[] = {
    {"monitor-options-init-zero", "npscore_monitor_options_init", "version",
     monitor_options_init_zero, NPSCORE_EVERSION, "version is 0: this library"},
    {"monitor-new-out-null", "npscore_monitor_new", "null", monitor_new_out_null, NPSCORE_ENULL,
     "out is NULL"},
    {"monitor-new-slices-zero", "npscore_monitor_new", "size", monitor_new_slices_zero,
     NPSCORE_EINVAL, "n_slices is 0"},
    {"monitor-new-late-enum", "npscore_monitor_new", "value", monitor_new_late_enum,
     NPSCORE_EINVAL, "opts->late is 7"},
    {"monitor-new-version-next", "npscore_monitor_new", "version", monitor_new_version_next,
     NPSCORE_EVERSION, "opts->version is 2"},
    {"monitor-new-alpha-nan", "npscore_monitor_new", "value", monitor_new_alpha_nan,
     NPSCORE_EINVAL, "shift_alpha is NaN"},
    {"monitor-new-review-mode", "npscore_monitor_new", "value", monitor_new_review_mode,
     NPSCORE_EINVAL, "health_opts->flag_mode is NPSCORE_FLAG_MODE_REVIEW"},
    {"monitor-new-recovery-null", "npscore_monitor_new", "null", monitor_new_recovery_null,
     NPSCORE_ENULL, "recovery_probability is NULL"},
    {"monitor-new-owners-huge", "npscore_monitor_new", "size", monitor_new_owners_huge,
     NPSCORE_EINVAL, "n_owners is 65537"},
    {"monitor-ingest-null", "npscore_monitor_ingest", "handle", monitor_ingest_null,
     NPSCORE_ENULL, "m is NULL"},
    {"monitor-ingest-score-nan", "npscore_monitor_ingest", "data", monitor_ingest_score_nan,
     NPSCORE_EINVAL, "score of the response of customer 5"},
    {"monitor-ingest-slice", "npscore_monitor_ingest", "data", monitor_ingest_slice,
     NPSCORE_EINVAL, "slice of the response of customer 5"},
    {"monitor-ingest-late", "npscore_monitor_ingest", "data", monitor_ingest_late,
     NPSCORE_EINVAL, "customer 5"},
    {"monitor-ingest-risk", "npscore_monitor_ingest", "data", monitor_ingest_risk,
     NPSCORE_EINVAL, "churn_risk of the response of customer 5"},
    {"monitor-ingest-columns-row", "npscore_monitor_ingest_columns", "data",
     monitor_ingest_columns_row, NPSCORE_EINVAL, "score of row 2 (customer 3"},
    {"monitor-ingest-columns-times-null", "npscore_monitor_ingest_columns", "null",
     monitor_ingest_columns_times_null, NPSCORE_ENULL, "times"},
    {"monitor-ingest-columns-dtype", "npscore_monitor_ingest_columns", "value",
     monitor_ingest_columns_dtype, NPSCORE_EINVAL, "dtype is 99"},
    {"monitor-advance-null", "npscore_monitor_advance", "handle", monitor_advance_null,
     NPSCORE_ENULL, "m is NULL"},
    {"monitor-advance-nat", "npscore_monitor_advance", "value", monitor_advance_nat,
     NPSCORE_EINVAL, "missing"},
    {"monitor-record-contact-unknown", "npscore_monitor_record_contact", "data",
     monitor_record_contact_unknown, NPSCORE_EINVAL, "no open case of customer 8"},
    {"monitor-record-contact-before", "npscore_monitor_record_contact", "data",
     monitor_record_contact_before, NPSCORE_EINVAL, "customer 7"},
    {"monitor-close-case-outcome", "npscore_monitor_close_case", "value",
     monitor_close_case_outcome, NPSCORE_EINVAL, "outcome is 5"},
    {"monitor-close-case-out-null", "npscore_monitor_close_case", "null",
     monitor_close_case_out_null, NPSCORE_ENULL, "out is NULL"},
    {"monitor-alert-get-index", "npscore_monitor_alert_get", "handle", monitor_alert_get_index,
     NPSCORE_EINVAL, "i is 1: there are 1 alerts buffered"},
    {"monitor-alert-text-index", "npscore_monitor_alert_text", "handle",
     monitor_alert_text_index, NPSCORE_EINVAL, "i is 3: there are 1 alerts buffered"},
    {"monitor-alerts-clear-null", "npscore_monitor_alerts_clear", "handle",
     monitor_alerts_clear_null, NPSCORE_ENULL, "m is NULL"},
    {"monitor-serialize-capacity", "npscore_monitor_serialize", "range",
     monitor_serialize_capacity, NPSCORE_ERANGE, "out has capacity 8 but the result needs"},
    {"monitor-serialize-size-null", "npscore_monitor_serialize", "null",
     monitor_serialize_size_null, NPSCORE_ENULL, "out_size is NULL"},
    {"monitor-load-damaged", "npscore_monitor_load", "data", monitor_load_damaged,
     NPSCORE_EINVAL, "monitor state"},
    {"monitor-load-bytes-null", "npscore_monitor_load", "null", monitor_load_bytes_null,
     NPSCORE_ENULL, "bytes"},
    {"monitor-merge-self", "npscore_monitor_merge", "handle", monitor_merge_self,
     NPSCORE_EINVAL, "other is m"},
    {"monitor-merge-options-differ", "npscore_monitor_merge", "value",
     monitor_merge_options_differ, NPSCORE_EINVAL, "options"},
    {"monitor-snapshot-new-null", "npscore_monitor_snapshot_new", "handle",
     monitor_snapshot_new_null, NPSCORE_ENULL, "m is NULL"},
    {"monitor-snapshot-totals-null", "npscore_monitor_snapshot_totals", "handle",
     monitor_snapshot_totals_null, NPSCORE_ENULL, "s is NULL"},
    {"monitor-snapshot-slice-index", "npscore_monitor_snapshot_slice", "handle",
     monitor_snapshot_slice_index, NPSCORE_EINVAL, "slice is 1: there are 1 slices"},
    {"monitor-snapshot-case-index", "npscore_monitor_snapshot_case", "handle",
     monitor_snapshot_case_index, NPSCORE_EINVAL, "k is 1: there are 1 open cases"},
    {"monitor-snapshot-owner-load-null", "npscore_monitor_snapshot_owner_load", "handle",
     monitor_snapshot_owner_load_null, NPSCORE_ENULL, "s is NULL"},
    {"monitor-snapshot-period-index", "npscore_monitor_snapshot_period", "handle",
     monitor_snapshot_period_index, NPSCORE_EINVAL, "p is 0: there are 0 health periods"},
    {"monitor-closed-health-off", "npscore_health_table_new_from_monitor", "value",
     monitor_closed_health_off, NPSCORE_EINVAL, "health"},
    {NULL, NULL, NULL, NULL, NPSCORE_OK, NULL}};


/* --- Fixtures and the runner ------------------------------------------------------------------ */

static int write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return 0;
  fputs(text, f);
  return fclose(f) == 0;
}

/* Makes the fixtures; returns 0 (after printing why) if one cannot be made. */
static int setup(void) {
  const char *tmp = getenv("TMPDIR");
  const int64_t accounts[6] = {0, 0, 1, 1, 0, 1};
  int ok = 1;
  snprintf(g_dir, sizeof g_dir, "%s/npscore_catalogue_XXXXXX",
           tmp != NULL && tmp[0] ? tmp : "/tmp");
  if (mkdtemp(g_dir) == NULL) {
    perror("mkdtemp");
    return 0;
  }
  ok &= mkdir(path_in_dir("models"), 0700) == 0;
  ok &= write_file(path_in_dir("empty.bin"), "");
  ok &= write_file(path_in_dir("garbage.bin"), "PK\x03\x04 not a model");
  ok &= write_file(path_in_dir("unreadable.bin"), "NPSCHURN");
  ok &= chmod(path_in_dir("unreadable.bin"), 0) == 0;
  ok &= mkfifo(path_in_dir("fifo"), 0600) == 0;
  g_wide[0] = 1;
  ok &= npscore_health_table_new(&g_table, kScores, NPSCORE_F64, 6, kPeriods, 3, NULL, 1, NULL,
                                 NULL, NULL) ==
        NPSCORE_OK;
  ok &= npscore_health_account_table_new(&g_accounts, kScores, NPSCORE_F64, 6, accounts, 2, NULL,
                                         NULL,
                                   NPSCORE_ROLLUP_POOLED, NULL, 1, NULL, NULL) == NPSCORE_OK;
  ok &= npscore_health_period_grid_new(&g_grid, 0, 86400000000000, NPSCORE_FREQ_DAY, "UTC", NULL) ==
        NPSCORE_OK;
  ok &= npscore_churn_model_new(&g_model, 90, NULL, NULL) == NPSCORE_OK;
  ok &= npscore_churn_features_new(&g_features, kIds, kTimes, kScores, NPSCORE_F64, 6, NULL,
                                   kCustomerIds, NULL, 2, 100, NULL, NULL, NULL) == NPSCORE_OK;
  ok &= npscore_priority_queue_new(&g_queue, kRisk, kClv, NULL, NULL, NULL, NULL, 3, 0, NULL, NULL,
                                   0, NULL, 0, NULL, NULL) == NPSCORE_OK;
  ok &= npscore_themes_tagger_new(&g_tagger, NULL, 0, NULL) == NPSCORE_OK;
  if (!ok) fprintf(stderr, "setup failed: %s\n", npscore_last_error_message());
  return ok;
}

static void teardown(void) {
  const char *files[] = {"empty.bin", "garbage.bin", "unreadable.bin", "fifo"};
  size_t k;
  for (k = 0; k < sizeof files / sizeof files[0]; ++k) remove(path_in_dir(files[k]));
  rmdir(path_in_dir("models"));
  rmdir(g_dir);
  npscore_health_table_free(g_table);
  npscore_health_account_table_free(g_accounts);
  npscore_health_period_grid_free(g_grid);
  npscore_churn_model_free(g_model);
  npscore_churn_features_free(g_features);
  npscore_priority_queue_free(g_queue);
  npscore_themes_tagger_free(g_tagger);
}

static const char *status_name(npscore_status s) {
  switch (s) {
    case NPSCORE_OK: return "NPSCORE_OK";
    case NPSCORE_EINVAL: return "NPSCORE_EINVAL";
    case NPSCORE_ENOMEM: return "NPSCORE_ENOMEM";
    case NPSCORE_EINTERNAL: return "NPSCORE_EINTERNAL";
    case NPSCORE_ENULL: return "NPSCORE_ENULL";
    case NPSCORE_EVERSION: return "NPSCORE_EVERSION";
    case NPSCORE_ERANGE: return "NPSCORE_ERANGE";
    case NPSCORE_EIO: return "NPSCORE_EIO";
  }
  return "(not a status)";
}

/* Runs the cases of one table; adds to the counts. The last error is
 * cleared before each case: a failure must set it, a success must leave it
 * empty. */
static void run(const bad_case *cases, int *passed, int *failed, int *skipped) {
  const bad_case *c;
  for (c = cases; c->id != NULL; ++c) {
    npscore_status got;
    const char *msg;
    int ok;
    npscore_health_options reset;
    g_broken = NULL;
    (void)npscore_health_options_init(&reset, NPSCORE_HEALTH_OPTIONS_VERSION, NULL); /* clears it */
    got = c->call();
    msg = npscore_last_error_message();
    if (got == SKIP_CASE) {
      ++*skipped;
      printf("skip %s  %s\n", c->id, c->function);
      continue;
    }
    ok = got == c->want && g_broken == NULL;
    if (ok && c->want == NPSCORE_OK) {
      ok = msg[0] == '\0';  /* success leaves no message */
    } else if (ok && c->message != NULL) {
      ok = strstr(msg, c->function) == msg && strstr(msg, c->message) != NULL;
    }
    printf("%s %s  %s: %s \"%s\"\n", ok ? "ok  " : "FAIL", c->id, c->function, status_name(got),
           msg);
    if (!ok) {
      printf("     want %s with \"%s\"%s%s\n", status_name(c->want),
             c->message != NULL ? c->message : "", g_broken != NULL ? "; " : "",
             g_broken != NULL ? g_broken : "");
      ++*failed;
    } else {
      ++*passed;
    }
  }
}

int main(void) {
  int passed = 0, failed = 0, skipped = 0;
  if (!setup()) return EXIT_FAILURE;
  run(kHealthCases, &passed, &failed, &skipped);
  run(kChurnCases, &passed, &failed, &skipped);
  run(kClvCases, &passed, &failed, &skipped);
  run(kPriorityCases, &passed, &failed, &skipped);
  run(kThemesCases, &passed, &failed, &skipped);
  run(kSurveyCases, &passed, &failed, &skipped);
  run(kLoopCases, &passed, &failed, &skipped);
  run(kMonitorCases, &passed, &failed, &skipped);
  run(kCommonCases, &passed, &failed, &skipped);
  run(kNpsCases, &passed, &failed, &skipped);
  teardown();
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
