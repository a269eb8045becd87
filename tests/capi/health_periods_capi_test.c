/* Periods through the C ABI across 1970-01-01 and far from it, a calendar day
 * a zone skipped, and time-zone names that are not IANA names.
 *
 * Every assignment is checked against a binary search over the grid's bounds
 * written here; instants come from day counts summed year by year. Prints
 * "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

#define HOUR_NS (INT64_C(3600) * 1000000000)
#define DAY_NS (24 * HOUR_NS)

static int leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), summed year by year. */
static int64_t days_from_epoch(int64_t y, int m, int d) {
  static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t days = 0, year;
  int k;
  for (year = 1970; year < y; ++year) days += 365 + leap(year);
  for (year = y; year < 1970; ++year) days -= 365 + leap(year);
  for (k = 0; k < m - 1; ++k) days += month_days[k] + (k == 1 && leap(y));
  return days + d - 1;
}

static int64_t utc_ns(int64_t y, int m, int d) { return days_from_epoch(y, m, d) * DAY_NS; }

/* A small deterministic generator: 64 bits from the high halves of two
 * steps of a 64-bit LCG (its low bits are poor). */
static uint64_t g_state = 20240101u;
static uint64_t lcg_high(void) {
  g_state = g_state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
  return g_state >> 32;
}
static uint64_t next_random(void) {
  const uint64_t high = lcg_high();
  return high << 32 | lcg_high();
}

/* The grid's bounds: n + 1 instants, period i is [b[i], b[i + 1]). Returns
 * a malloc'ed array, or NULL when a get fails. */
static int64_t *bounds_of(const npscore_health_period_grid *g, size_t *n) {
  size_t i;
  int64_t *b;
  *n = npscore_health_period_grid_size(g);
  b = (int64_t *)malloc((*n + 1) * sizeof *b);
  for (i = 0; b != NULL && i < *n; ++i) {
    const char *label;
    int64_t end;
    if (npscore_health_period_grid_get(&b[i], &end, &label, g, i, NULL) != NPSCORE_OK) {
      free(b);
      return NULL;
    }
    b[i + 1] = end;
  }
  return b;
}

/* The period of t by binary search over bounds b[0..n], -1 outside or NaT. */
static int32_t search(const int64_t *b, size_t n, int64_t t) {
  size_t lo = 0, hi = n + 1; /* the first bound after t is b[lo] */
  if (t == INT64_MIN) return -1;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (b[mid] > t) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo == 0 || lo > n ? -1 : (int32_t)(lo - 1);
}

/* Assigns `n` times on grid g (skipping NaT) and checks each against the
 * binary search; returns the number of mismatches. */
static int check_against_search(const npscore_health_period_grid *g, const int64_t *t, size_t n) {
  size_t k, i;
  int bad = 0;
  int64_t *b = bounds_of(g, &k);
  int32_t *p = (int32_t *)malloc(n * sizeof *p);
  CHECK(b != NULL && p != NULL);
  if (b == NULL || p == NULL) {
    free(b);
    free(p);
    return 1;
  }
  CHECK_CALL(NPSCORE_OK, npscore_health_assign_periods(p, n, t, n, g, 1, NULL), NULL);
  for (i = 0; i < n; ++i) {
    if (p[i] != search(b, k, t[i])) {
      if (bad == 0) {
        fprintf(stderr, "  time %lld: period %d, binary search %d\n", (long long)t[i], (int)p[i],
                (int)search(b, k, t[i]));
      }
      ++bad;
    }
  }
  free(b);
  free(p);
  return bad;
}

/* Times around [lo, hi]: uniform with a margin, every bound +- 1 ns, NaT. */
static size_t times_around(int64_t *t, size_t cap, const npscore_health_period_grid *g, int64_t lo,
                           int64_t hi) {
  size_t n = 0, k, i;
  int64_t *b = bounds_of(g, &k);
  const uint64_t width = (uint64_t)(hi - lo) + 2 * (uint64_t)DAY_NS;
  for (i = 0; b != NULL && i <= k && n + 3 <= cap; ++i) {
    t[n++] = b[i] - 1;
    t[n++] = b[i];
    t[n++] = b[i] + 1;
  }
  while (n + 1 < cap) t[n++] = lo - DAY_NS + (int64_t)(next_random() % width);
  t[n++] = INT64_MIN;
  free(b);
  return n;
}

static void test_placeholder_1900_monthly_counts(void) {
  /* 1,200 responses in 2024 and one dated 1900-01-01: monthly counts of 2024
   * by the grid equal those by each month's bounds, computed here. */
  int64_t t[1201];
  int32_t p[1201];
  int64_t got[12] = {0}, want[12] = {0};
  const int64_t y2024 = utc_ns(2024, 1, 1), y2025 = utc_ns(2025, 1, 1);
  npscore_health_period_grid *g = NULL;
  size_t i;
  int m, smallest = 1200;
  for (i = 0; i < 1200; ++i) t[i] = y2024 + (int64_t)(next_random() % (uint64_t)(y2025 - y2024));
  t[1200] = utc_ns(1900, 1, 1);
  CHECK(t[1200] == -INT64_C(2208988800) * 1000000000); /* 70 years before 1970 */
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, t[1200], y2025 - 1, NPSCORE_FREQ_MONTH, "UTC",
                                            NULL), NULL);
  CHECK(npscore_health_period_grid_size(g) == 125 * 12);
  CHECK_CALL(NPSCORE_OK, npscore_health_assign_periods(p, 1201, t, 1201, g, 0, NULL), NULL);
  CHECK(p[1200] == 0);
  for (i = 0; i < 1200; ++i) {
    for (m = 1; m <= 12; ++m) {
      if (t[i] >= utc_ns(2024, m, 1) && t[i] < (m == 12 ? y2025 : utc_ns(2024, m + 1, 1))) {
        ++want[m - 1];
      }
    }
    if (p[i] >= 124 * 12 && p[i] < 125 * 12) ++got[p[i] - 124 * 12];
  }
  for (m = 0; m < 12; ++m) {
    CHECK(got[m] == want[m]);
    if (got[m] < smallest) smallest = (int)got[m];
  }
  CHECK(smallest > 60); /* not [0, 0, ..., 1200] */
  CHECK(check_against_search(g, t, 1201) == 0);
  npscore_health_period_grid_free(g);
}

static void test_every_frequency_across_the_epoch(void) {
  static const char *zones[] = {"UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Apia"};
  static int64_t t[4000];
  const int64_t ranges[][2] = {{utc_ns(1969, 11, 3), utc_ns(1970, 2, 17)},
                               {utc_ns(1969, 12, 31), utc_ns(1970, 1, 1) + HOUR_NS},
                               {utc_ns(1899, 10, 1), utc_ns(1900, 3, 1)},
                               {utc_ns(2199, 10, 1), utc_ns(2200, 3, 1)}};
  size_t z, r;
  int f;
  for (z = 0; z < sizeof zones / sizeof zones[0]; ++z) {
    for (f = NPSCORE_FREQ_DAY; f <= NPSCORE_FREQ_QUARTER; ++f) {
      for (r = 0; r < sizeof ranges / sizeof ranges[0]; ++r) {
        npscore_health_period_grid *g = NULL;
        size_t n;
        CHECK_CALL(NPSCORE_OK,
                   npscore_health_period_grid_new(&g, ranges[r][0], ranges[r][1], f, zones[z],
                                                  NULL), NULL);
        if (g == NULL) continue;
        n = times_around(t, sizeof t / sizeof t[0], g, ranges[r][0], ranges[r][1]);
        CHECK(check_against_search(g, t, n) == 0);
        npscore_health_period_grid_free(g);
      }
    }
  }
}

static void test_skipped_day_has_no_period(void) {
  /* Samoa moved across the date line: in Pacific/Apia, 2011-12-29 24:00
   * (UTC-10) was followed by 2011-12-31 00:00 (UTC+14). */
  npscore_health_period_grid *g = NULL;
  const int64_t lo = utc_ns(2011, 12, 27) + 10 * HOUR_NS; /* 12-27 00:00 at UTC-10 */
  const int64_t hi = utc_ns(2012, 1, 2) - 14 * HOUR_NS;   /* 2012-01-02 00:00 at UTC+14 */
  static const char *want[] = {"2011-12-27", "2011-12-28", "2011-12-29", "2011-12-31",
                               "2012-01-01", "2012-01-02"};
  static int64_t t[600];
  size_t i, n;
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_new(&g, lo, hi, NPSCORE_FREQ_DAY,
                                                        "Pacific/Apia", NULL),
             NULL);
  CHECK(npscore_health_period_grid_size(g) == 6);
  for (i = 0; i < 6 && i < npscore_health_period_grid_size(g); ++i) {
    int64_t start, end;
    const char *label = NULL;
    CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, i, NULL), NULL);
    CHECK(label != NULL && strcmp(label, want[i]) == 0);
    CHECK(end - start == DAY_NS); /* every day that exists lasts 24 h */
    if (i == 3) CHECK(start == utc_ns(2011, 12, 30) + 10 * HOUR_NS); /* 12-31 00:00 at +14 */
  }
  n = times_around(t, sizeof t / sizeof t[0], g, lo, hi);
  CHECK(check_against_search(g, t, n) == 0);
  npscore_health_period_grid_free(g);
}

static void test_zone_names_are_iana_names(void) {
  static const char *bad[][2] = {
      {"/usr/share/zoneinfo/Asia/Tokyo",
       "time_zone \"/usr/share/zoneinfo/Asia/Tokyo\" is not an IANA time-zone name"},
      {"file:/etc/localtime", "time_zone \"file:/etc/localtime\" is not an IANA time-zone name"},
      {"../zoneinfo/Asia/Tokyo",
       "time_zone \"../zoneinfo/Asia/Tokyo\" is not an IANA time-zone name"},
      {"/dev/stdin", "time_zone \"/dev/stdin\""},
      {"Europe/Berlin\n", "time_zone \"Europe/Berlin\\n\""},
      {"Mars/Olympus", "time_zone \"Mars/Olympus\" is not a zone of the time-zone database"},
      {"", "time_zone \"\""},
      {"localtime", "time_zone \"localtime\""},
      {"right/Europe/Berlin", "leap-second"}};
  char long_name[200];
  size_t i;
  npscore_health_period_grid *g = NULL, *before = NULL;
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_new(&before, 0, 0, NPSCORE_FREQ_DAY, "UTC",
                                                        NULL),
             NULL);
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    g = before; /* *out is NULL after an error */
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_health_period_grid_new(&g, 0, DAY_NS, NPSCORE_FREQ_MONTH, bad[i][0], NULL),
               "npscore_health_period_grid_new", bad[i][1], NULL);
    CHECK(g == NULL);
  }
  memset(long_name, 'A', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_health_period_grid_new(&g, 0, DAY_NS, NPSCORE_FREQ_MONTH, long_name, NULL),
             "longer than 64 bytes", "(199 bytes)", NULL);
  CHECK(strlen(npscore_last_error_message()) < 400);
  npscore_health_period_grid_free(before);
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, 0, DAY_NS, NPSCORE_FREQ_MONTH, "Europe/Berlin",
                                            NULL), NULL);
  npscore_health_period_grid_free(g);
}

/* Health over times and over rolling windows, against codes assigned first and
   against counts by brute force over each window's bounds (Europe/Berlin,
   months of 2024, 90-day windows, two slices, times from 2023-10 to 2025-01). */
#define N_OVER_TIME 4000
static void test_over_time_and_rolling(void) {
  static int64_t times[N_OVER_TIME], slices[N_OVER_TIME];
  static double scores[N_OVER_TIME];
  static int32_t codes[N_OVER_TIME];
  const int64_t lo = utc_ns(2023, 10, 1), hi = utc_ns(2025, 1, 1);
  npscore_health_period_grid *g = NULL;
  npscore_health_table *coded = NULL, *fused = NULL, *rolling = NULL;
  npscore_nps_options skip = NPSCORE_NPS_OPTIONS_INIT;
  size_t i, p, k, n_periods;
  int s;
  for (i = 0; i < N_OVER_TIME; ++i) {
    times[i] = lo + (int64_t)(next_random() % (uint64_t)(hi - lo));
    scores[i] = (double)(next_random() % 11);
    slices[i] = (int64_t)(next_random() % 2);
  }
  CHECK_CALL(NPSCORE_OK,
             npscore_health_period_grid_new(&g, utc_ns(2024, 1, 1), utc_ns(2024, 12, 31),
                                            NPSCORE_FREQ_MONTH, "Europe/Berlin", NULL),
             NULL);
  n_periods = npscore_health_period_grid_size(g);
  CHECK(n_periods == 12);
  /* Over time = the same table over codes assigned first. */
  CHECK_CALL(NPSCORE_OK, npscore_health_assign_periods(codes, N_OVER_TIME, times, N_OVER_TIME, g,
                                                       0, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_new(&coded, scores, NPSCORE_F64, N_OVER_TIME, codes,
                                                  n_periods, slices, 2, NULL, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_new_over_time(&fused, scores, NPSCORE_F64,
                                                            N_OVER_TIME, times, g, slices, 2, NULL,
                                                            NULL, NULL),
             NULL);
  CHECK(npscore_health_table_size(fused) == 2 * n_periods);
  for (k = 0; k < 2 * n_periods; ++k) {
    npscore_health_row a, b;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&a, coded, k, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&b, fused, k, NULL), NULL);
    CHECK(a.n == b.n && a.detractors == b.detractors && a.promoters == b.promoters);
    CHECK(a.flags == b.flags && (a.nps == b.nps || (isnan(a.nps) && isnan(b.nps))));
  }
  /* Rolling: each window ends at its period's end and spans 90 Berlin days
     (90 x 24 h, or an hour less or more across a DST change); its counts are
     those of the responses inside it. */
  CHECK_CALL(NPSCORE_OK, npscore_health_table_new_rolling(&rolling, scores, NPSCORE_F64,
                                                          N_OVER_TIME, times, g, 90, slices, 2,
                                                          NULL, NULL, NULL),
             NULL);
  CHECK(npscore_health_table_size(rolling) == 2 * n_periods);
  for (p = 0; p < n_periods; ++p) {
    int64_t ws = 0, we = 0, start, end;
    const char *label;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_window(&ws, &we, rolling, p, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &label, g, p, NULL), NULL);
    CHECK(we == end);
    CHECK(we - ws >= 90 * DAY_NS - HOUR_NS && we - ws <= 90 * DAY_NS + HOUR_NS);
    for (s = 0; s < 2; ++s) {
      npscore_health_row r;
      int64_t n = 0, det = 0, pro = 0;
      for (i = 0; i < N_OVER_TIME; ++i) {
        if (slices[i] != s || times[i] < ws || times[i] >= we) continue;
        ++n;
        det += scores[i] <= 6;
        pro += scores[i] >= 9;
      }
      CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, rolling, (size_t)s * n_periods + p, NULL),
                 NULL);
      CHECK(r.n == n && r.detractors == det && r.promoters == pro);
      CHECK_NEAR(r.nps, 100.0 * (double)(pro - det) / (double)n, 1e-9);
      CHECK(isnan(r.nps_change)); /* overlapping windows: no test against the previous one */
    }
  }
  /* Errors: a window of 0 days, a table without windows, a missing time. */
  {
    npscore_health_table *t = NULL;
    int64_t ws, we;
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_new_rolling(&t, scores, NPSCORE_F64,
                                                                N_OVER_TIME, times, g, 0, slices, 2,
                                                                NULL, NULL, NULL),
               "window_days is 0", NULL);
    CHECK(t == NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_window(&ws, &we, fused, 0, NULL),
               "not a rolling table", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_window(&ws, &we, rolling, 12, NULL),
               "period is 12", NULL);
    times[7] = NPSCORE_MISSING_TIME;
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_new_rolling(&t, scores, NPSCORE_F64,
                                                                N_OVER_TIME, times, g, 90, slices, 2,
                                                                NULL, NULL, NULL),
               "row 7", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_health_table_new_over_time(&t, scores, NPSCORE_F64,
                                                                  N_OVER_TIME, times, g, slices, 2,
                                                                  NULL, NULL, NULL),
               "row 7", NULL);
    skip.missing = NPSCORE_MISSING_SKIP;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_new_rolling(&t, scores, NPSCORE_F64, N_OVER_TIME,
                                                            times, g, 90, slices, 2, &skip, NULL,
                                                            NULL),
               NULL);
    npscore_health_table_free(t);
    CHECK_CALL(NPSCORE_ENULL, npscore_health_table_new_rolling(&t, scores, NPSCORE_F64,
                                                               N_OVER_TIME, times, NULL, 90, slices,
                                                               2, NULL, NULL, NULL),
               "grid is NULL", NULL);
  }
  npscore_health_table_free(coded);
  npscore_health_table_free(fused);
  npscore_health_table_free(rolling);
  npscore_health_period_grid_free(g);
}

int main(void) {
  test_placeholder_1900_monthly_counts();
  test_every_frequency_across_the_epoch();
  test_skipped_day_has_no_period();
  test_zone_names_are_iana_names();
  test_over_time_and_rolling();
  return check_summary();
}
