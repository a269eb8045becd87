/* Tests of the clv module's C ABI (npscore/c_api.h), as a C99 caller sees it.
 *
 * Expected values: RFM rows counted by hand (epoch days worked out beside
 * each case), the published CDNOW estimates (Fader, Hardie & Lee 2005:
 * r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, 1.226 expected purchases
 * in 39 weeks for the customer with x = 2, t_x = 30.43, T = 38.86; Fader &
 * Hardie's Gamma-Gamma note: p = 6.25, q = 3.74, v = 15.44) and lifetimes
 * 0.11.3's CLV of that customer (36.2785, time = 12, discount_rate = 0.01,
 * weekly). Every error path is checked for its status and message. Prints
 * "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

#define DAY_NS (INT64_C(86400) * 1000000000)
/* Days from 1970-01-01 to 2024-01-01 (a Monday). */
#define DAYS_2024 (54 * 365 + 13)

#define MAX_ROWS 2400
static double g_x[MAX_ROWS], g_tx[MAX_ROWS], g_T[MAX_ROWS], g_m[MAX_ROWS];

/* Reads tests/data/cdnow_summary_monetary.csv (ID,x,t_x,T,zbar); returns rows. */
static size_t load_cdnow(void) {
  FILE *f = fopen(NPSCORE_TEST_DATA_DIR "/cdnow_summary_monetary.csv", "r");
  char header[128];
  size_t n = 0;
  int id;
  if (f == NULL) return 0;
  if (fgets(header, sizeof header, f) == NULL) {
    fclose(f);
    return 0;
  }
  while (n < MAX_ROWS &&
         fscanf(f, "%d,%lf,%lf,%lf,%lf", &id, &g_x[n], &g_tx[n], &g_T[n], &g_m[n]) == 5) {
    ++n;
  }
  fclose(f);
  return n;
}

static void test_rfm(void) {
  /* Customer 0 buys on Mon Jan 1 (10), Sun Jan 7 (5, same week), Mon Jan 15
   * (20); customer 1 on Mon Jan 8 (7); customer 2 never. End: Wed Jan 31. */
  const int64_t d0 = (int64_t)DAYS_2024 * DAY_NS;
  const int64_t cust[] = {0, 0, 1, 0};
  const int64_t times[] = {d0, d0 + 6 * DAY_NS, d0 + 7 * DAY_NS, d0 + 14 * DAY_NS};
  const double amounts[] = {10, 5, 7, 20};
  const int64_t end = d0 + 30 * DAY_NS;
  npscore_clv_rfm_row rows[3];
  CHECK_CALL(NPSCORE_OK,
             npscore_clv_rfm_summary(rows, 3, 3, cust, times, amounts, 4, end, NPSCORE_FREQ_WEEK, NULL),
             NULL);
  CHECK(rows[0].frequency == 1 && rows[0].recency == 2 && rows[0].T == 4);
  CHECK(rows[0].monetary_value == 20 && rows[0].transactions == 3);
  CHECK(rows[1].frequency == 0 && rows[1].recency == 0 && rows[1].T == 3);
  CHECK(rows[1].monetary_value == 0);
  CHECK(rows[2].transactions == 0 && isnan(rows[2].frequency));
  /* Daily: customer 0 has three distinct days. */
  CHECK_CALL(NPSCORE_OK,
             npscore_clv_rfm_summary(rows, 3, 3, cust, times, NULL, 4, end, NPSCORE_FREQ_DAY, NULL), NULL);
  CHECK(rows[0].frequency == 2 && rows[0].recency == 14 && rows[0].T == 30);
  CHECK(rows[0].monetary_value == 0);

  /* Errors. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_clv_rfm_summary(rows, 3, 3, cust, times, amounts, 4, d0 + 10 * DAY_NS,
                                     NPSCORE_FREQ_WEEK, NULL),
             "time at row 3 is 2024-01-15 00:00:00", "after observation_end 2024-01-11", NULL);
  {
    const double bad[] = {10, 5, -1, 20};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_clv_rfm_summary(rows, 3, 3, cust, times, bad, 4, end, NPSCORE_FREQ_WEEK, NULL),
               "amount at row 2 is -1: amounts must be finite and >= 0", NULL);
  }
  {
    const int64_t nat[] = {d0, INT64_MIN, d0, d0};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_clv_rfm_summary(rows, 3, 3, cust, nat, NULL, 4, end, NPSCORE_FREQ_WEEK, NULL),
               "time at row 1 is missing (NaT)", NULL);
  }
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_rfm_summary(rows, 3, 3, cust, times, NULL, 4, end, 9, NULL),
             "frequency is 9", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_clv_rfm_summary(rows, 1, 1, cust, times, NULL, 4, end, NPSCORE_FREQ_DAY, NULL),
             "customer code at row 2 is 1: outside 0..0", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_clv_rfm_summary(NULL, 3, 3, cust, times, NULL, 4, end, NPSCORE_FREQ_DAY, NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_clv_rfm_summary(rows, 2, 3, cust, times, NULL, 4, end, NPSCORE_FREQ_DAY, NULL),
             "out has capacity 2 but the result needs 3", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_clv_rfm_summary(rows, 3, 3, NULL, times, NULL, 4, end, NPSCORE_FREQ_DAY, NULL),
             "customers is NULL", NULL);
}

static void test_models(void) {
  const size_t n = load_cdnow();
  npscore_clv_beta_geo_params bg;
  npscore_clv_gamma_gamma_params gg;
  npscore_clv_fit_info info;
  npscore_clv_fit_options opts = NPSCORE_CLV_FIT_OPTIONS_INIT;
  const double x1 = 2, tx1 = 30.43, T1 = 38.86, m1 = 22.35;
  double out[3];
  CHECK(n == 2357);
  if (n != 2357) return;

  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_beta_geo(&bg, &info, g_x, g_tx, g_T, NULL, n, NULL, NULL),
             NULL);
  CHECK_NEAR(bg.r, 0.243, 5e-4);
  CHECK_NEAR(bg.alpha, 4.414, 5e-4);
  CHECK_NEAR(bg.a, 0.793, 5e-4);
  CHECK_NEAR(bg.b, 2.426, 5e-4);
  CHECK_NEAR(info.log_likelihood, -9582.4, 0.05);
  CHECK(info.customers == 2357 && info.iterations > 0 && info.converged == 1);

  /* Stopped at the iteration limit: not an error, converged = 0 and the
   * last (finite, positive) estimate. */
  opts.max_iterations = 2;
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_beta_geo(&bg, &info, g_x, g_tx, g_T, NULL, n, &opts, NULL),
             NULL);
  CHECK(info.converged == 0 && info.iterations == 2 && info.gradient_norm >= opts.tolerance);
  CHECK(isfinite(bg.r) && bg.r > 0 && isfinite(bg.alpha) && bg.alpha > 0 && isfinite(bg.a) &&
        bg.a > 0 && isfinite(bg.b) && bg.b > 0);
  opts.max_iterations = 200;
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_beta_geo(&bg, &info, g_x, g_tx, g_T, NULL, n, &opts, NULL),
             NULL);
  CHECK(info.converged == 1);

  CHECK_CALL(NPSCORE_OK, npscore_clv_expected_purchases(out, 1, &bg, 39, &x1, &tx1, &T1, 1, NULL), NULL);
  CHECK_NEAR(out[0], 1.226, 5e-4);
  CHECK_CALL(NPSCORE_OK, npscore_clv_probability_alive(out, 1, &bg, &x1, &tx1, &T1, 1, NULL), NULL);
  CHECK_NEAR(out[0], 0.7266, 2e-4);
  CHECK_CALL(NPSCORE_ERANGE, npscore_clv_probability_alive(out, 0, &bg, &x1, &tx1, &T1, 1, NULL),
             "out has capacity 0 but the result needs 1", NULL);
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_clv_expected_purchases(out, 0, &bg, 39, &x1, &tx1, &T1, 1, NULL),
             "out has capacity 0 ", NULL);

  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_gamma_gamma(&gg, &info, g_x, g_m, NULL, n, &opts, NULL),
             NULL);
  CHECK_NEAR(gg.p, 6.25, 5e-3);
  CHECK_NEAR(gg.q, 3.74, 5e-3);
  CHECK_NEAR(gg.v, 15.44, 1e-2);
  CHECK(info.customers == 946);
  CHECK_CALL(NPSCORE_OK, npscore_clv_expected_profit(out, 1, &gg, &x1, &m1, 1, NULL), NULL);
  CHECK_NEAR(out[0], 24.6586, 1e-3);
  CHECK_CALL(NPSCORE_ERANGE, npscore_clv_expected_profit(out, 0, &gg, &x1, &m1, 1, NULL),
             "out has capacity 0 ", NULL);

  CHECK_CALL(NPSCORE_OK,
             npscore_clv_lifetime_value(out, 1, &bg, &gg, &x1, &tx1, &T1, &m1, 1, 12, 0.01, 4.345, NULL),
             NULL);
  CHECK_NEAR(out[0], 36.2785, 2e-3);
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_clv_lifetime_value(out, 0, &bg, &gg, &x1, &tx1, &T1, &m1, 1, 12, 0.01, 4.345, NULL),
             "out has capacity 0 ", NULL);

  /* Penalized: smaller parameters (lifetimes with penalizer_coef 0.1:
   * a = 0.1287, b = 0.2671). */
  opts.penalizer = 0.1;
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_beta_geo(&bg, NULL, g_x, g_tx, g_T, NULL, n, &opts, NULL),
             NULL);
  CHECK_NEAR(bg.a, 0.1287, 1e-3);
  CHECK_NEAR(bg.b, 0.2671, 1e-3);
}

static void test_model_errors(void) {
  npscore_clv_beta_geo_params bg = {0.243, 4.414, 0.793, 2.426};
  npscore_clv_gamma_gamma_params gg = {6.25, 0.5, 15.44};
  npscore_clv_fit_options opts = NPSCORE_CLV_FIT_OPTIONS_INIT;
  const double x[] = {1, 2}, tx[] = {5, 0}, T[] = {10, 10}, m[] = {3, 4};
  const double zeros[] = {0, 0, 0}, ages[] = {10, 20, 30};
  double out[2];
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_fit_beta_geo(&bg, NULL, x, tx, T, NULL, 2, NULL, NULL),
             "frequency at row 1 is 2 but recency is 0", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_clv_fit_beta_geo(&bg, NULL, zeros, zeros, ages, NULL, 3, NULL, NULL),
             "BG/NBD fit did not converge", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_probability_alive(out, 2, &bg, x, tx, T, 2, NULL),
             "frequency at row 1 is 2 but recency is 0", NULL);
  opts.version = 7;
  CHECK_CALL(NPSCORE_EVERSION, npscore_clv_fit_gamma_gamma(&gg, NULL, x, m, NULL, 2, &opts, NULL),
             "opts->version is 7", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_expected_profit(out, 2, &gg, x, m, 2, NULL),
             "parameter q is 0.5", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_clv_fit_beta_geo(NULL, NULL, x, tx, T, NULL, 2, NULL, NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_clv_expected_purchases(out, 2, NULL, 1, x, tx, T, 2, NULL),
             "params is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_clv_expected_purchases(out, 2, &bg, 1, x, NULL, T, 2, NULL),
             "recency is NULL", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_expected_purchases(out, 2, &bg, -1, x, T, T, 2, NULL),
             "t is -1", NULL);
  gg.q = 3.74;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_clv_lifetime_value(out, 2, &bg, &gg, x, T, T, m, 2, 12, -2, 4.345, NULL),
             "discount_rate is -2", NULL);
  /* n == 0: nothing to do, NULL columns allowed. */
  CHECK_CALL(NPSCORE_OK, npscore_clv_probability_alive(NULL, 0, &bg, NULL, NULL, NULL, 0, NULL), NULL);
}

/* The macro and the function give the same value, field by field (the
 * function builds it from the C++ core's defaults); versions 1..current are
 * accepted, 0 and current + 1 are NPSCORE_EVERSION. */
static void test_options(void) {
  const npscore_clv_fit_options init = NPSCORE_CLV_FIT_OPTIONS_INIT;
  npscore_clv_fit_options o;
  npscore_error err;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_options_init(&o, 1, &err), NULL);
  CHECK(err.status == NPSCORE_OK && err.message[0] == '\0');
  CHECK(o.version == 1 && init.version == NPSCORE_CLV_FIT_OPTIONS_VERSION);
  CHECK(o.penalizer == init.penalizer);
  CHECK(o.max_iterations == init.max_iterations);
  CHECK(o.tolerance == init.tolerance);
  CHECK(o.threads == init.threads);
  CHECK(init.penalizer == 0 && init.max_iterations == 200 && init.tolerance == 1e-9);
  CHECK_CALL(NPSCORE_EVERSION, npscore_clv_fit_options_init(&o, 0, &err), "version is 0", NULL);
  CHECK(err.status == NPSCORE_EVERSION && strcmp(err.message, npscore_last_error_message()) == 0);
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_clv_fit_options_init(&o, NPSCORE_CLV_FIT_OPTIONS_VERSION + 1, NULL),
             "version is 3", NULL);
  /* Version 2 appended nonpositive_spend (default: an error). */
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_options_init(&o, 2, NULL), NULL);
  CHECK(o.version == 2 && o.nonpositive_spend == NPSCORE_CLV_NONPOSITIVE_ERROR &&
        init.nonpositive_spend == NPSCORE_CLV_NONPOSITIVE_ERROR);
  CHECK_CALL(NPSCORE_ENULL, npscore_clv_fit_options_init(NULL, 1, NULL), "opts is NULL", NULL);
}

/* The statistics added for lifetimes parity. Expected values: Hardie's
 * BG/NBD spreadsheet for E[X(t)] (lifetimes' test_estimation.py), R BTYD's
 * bgnbd.pmf for P(X(t) = n) at the published estimates, and lifetimes
 * 0.11.3's standard errors (summary, se(coef)) of the CDNOW fits. */
static void test_parity(void) {
  const size_t n = load_cdnow();
  const npscore_clv_beta_geo_params pub = {0.243, 4.414, 0.793, 2.426};
  npscore_clv_beta_geo_params bg;
  npscore_clv_gamma_gamma_params gg;
  npscore_clv_fit_info info;
  npscore_clv_fit_options opts = NPSCORE_CLV_FIT_OPTIONS_INIT;
  const double t[] = {0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00};
  const double hardie[] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
  const double pt[] = {2, 39, 30, 30}, pn[] = {10, 0, 11, 20};
  const double x_bad[] = {1, 2}, m_bad[] = {10, -3};
  double out[16];
  size_t i;
  CHECK(n == 2357);
  if (n != 2357) return;
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_beta_geo(&bg, NULL, g_x, g_tx, g_T, NULL, n, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_clv_unconditional_purchases(out, 6, &bg, t, 6, NULL), NULL);
  for (i = 0; i < 6; ++i) CHECK_NEAR(out[i], hardie[i], 5e-4);
  CHECK_CALL(NPSCORE_OK, npscore_clv_purchase_probability(out, 4, &pub, pt, pn, 4, NULL), NULL);
  CHECK_NEAR(out[0], 1.07869e-07, 1e-12);
  CHECK_NEAR(out[1], 0.5737864, 1e-7);
  CHECK_NEAR(out[2], 0.0019995214, 1e-9);
  CHECK_NEAR(out[3], 0.0002222260, 1e-9);

  CHECK_CALL(NPSCORE_OK,
             npscore_clv_beta_geo_covariance(out, 16, &bg, g_x, g_tx, g_T, NULL, n, NULL, NULL),
             NULL);
  CHECK_NEAR(sqrt(out[0]), 0.0125573, 1.3e-4);
  CHECK_NEAR(sqrt(out[5]), 0.378221, 3.8e-3);
  CHECK_NEAR(sqrt(out[10]), 0.185719, 1.9e-3);
  CHECK_NEAR(sqrt(out[15]), 0.705345, 7e-3);
  CHECK(out[1] == out[4] && out[11] == out[14]);
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_gamma_gamma(&gg, NULL, g_x, g_m, NULL, n, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_clv_gamma_gamma_covariance(out, 9, &gg, g_x, g_m, NULL, n, NULL, NULL), NULL);
  CHECK_NEAR(sqrt(out[0]), 1.189687, 1.2e-2);
  CHECK_NEAR(sqrt(out[4]), 0.290166, 2.9e-3);
  CHECK_NEAR(sqrt(out[8]), 4.159994, 4.2e-2);

  /* Non-positive spend: an error by default, left out on request. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_fit_gamma_gamma(&gg, NULL, x_bad, m_bad, NULL, 2, NULL, NULL),
             "monetary_value is <= 0 for 1 repeat customer", "set nonpositive_spend to exclude",
             NULL);
  opts.nonpositive_spend = NPSCORE_CLV_NONPOSITIVE_EXCLUDE;
  g_x[n] = 3;
  g_m[n] = 0;
  CHECK_CALL(NPSCORE_OK, npscore_clv_fit_gamma_gamma(&gg, &info, g_x, g_m, NULL, n + 1, &opts, NULL),
             NULL);
  CHECK(info.customers == 946);
  CHECK_NEAR(gg.p, 6.25, 5e-3);

  CHECK_CALL(NPSCORE_ERANGE,
             npscore_clv_beta_geo_covariance(out, 15, &bg, g_x, g_tx, g_T, NULL, n, NULL, NULL),
             "out has capacity 15 but the result needs 16", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_purchase_probability(out, 1, &pub, pt, m_bad + 1, 1, NULL),
             "n at row 0 is -3: must be a whole number", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_clv_unconditional_purchases(out, 1, &pub, m_bad + 1, 1, NULL),
             "t at row 0 is -3", NULL);
}

int main(void) {
  test_options();
  test_parity();
  test_rfm();
  test_models();
  test_model_errors();
  return check_summary();
}
