/* Tests of the churn model's C ABI (npscore/c_api.h, "Churn" model section):
 * fit against the optimality condition (zero gradient, computed here), the
 * saturated one-indicator model by hand, reasons by hand, the prior's
 * documented rates, evaluation by hand, save/load bit for bit with a corrupted
 * file, and every error path's status and message. C99. */

#include "check.h"

static double sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }

/* A small deterministic data set: 3 columns (one an indicator), row-major. */
#define N 400
#define P 3
static double X[N * P], Y[N];

static void make_data(void) {
  unsigned int s = 12345u;
  int i, j;
  for (i = 0; i < N; ++i) {
    double z = -0.3;
    for (j = 0; j < P; ++j) {
      double u;
      s = s * 1103515245u + 12345u;
      u = (double)((s >> 8) & 0xffff) / 65536.0;
      X[i * P + j] = j == 2 ? (u < 0.3 ? 1.0 : 0.0) : (u - 0.5) * (2.0 + j);
      z += (j == 1 ? -0.8 : 0.7) * X[i * P + j];
    }
    s = s * 1103515245u + 12345u;
    Y[i] = (double)((s >> 8) & 0xffff) / 65536.0 < sigmoid(z) ? 1.0 : 0.0;
  }
}

static void test_fit(void) {
  npscore_churn_model *m = NULL;
  npscore_churn_fit_options o = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_fit_info info;
  const char *names[P] = {"tenure", "score", "segment_detractor"};
  double coef[P], b, g[P + 1] = {0, 0, 0, 0}, proba[N], xt[N * P];
  int i, j;
  o.C = 0.5;
  o.tol = 1e-12;
  CHECK_CALL(NPSCORE_OK, npscore_churn_fit(&m, X, N, P, NPSCORE_ROW_MAJOR, Y, NULL, names, &o),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_info(&info, m), NULL);
  CHECK(info.converged && info.n_iter > 0 && info.n_warnings == 0 && !info.is_prior);
  CHECK(npscore_churn_model_n_features(m) == P);
  CHECK(strcmp(npscore_churn_model_feature_name(m, 2), "segment_detractor") == 0);
  CHECK(npscore_churn_model_feature_name(m, 3) == NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_coef(coef, &b, m), NULL);
  /* The gradient of sum loss + ||coef||^2 / (2C) vanishes. */
  for (i = 0; i < N; ++i) {
    double z = b, r;
    for (j = 0; j < P; ++j) z += coef[j] * X[i * P + j];
    r = sigmoid(z) - Y[i];
    for (j = 0; j < P; ++j) g[j] += r * X[i * P + j];
    g[P] += r;
  }
  for (j = 0; j < P; ++j) CHECK_NEAR((g[j] + coef[j] / o.C) / N, 0.0, 1e-11);
  CHECK_NEAR(g[P] / N, 0.0, 1e-11);
  /* Predictions, from both layouts, equal the formula. */
  for (i = 0; i < N; ++i)
    for (j = 0; j < P; ++j) xt[j * N + i] = X[i * P + j];
  CHECK_CALL(NPSCORE_OK, npscore_churn_predict(proba, m, xt, N, P, NPSCORE_COL_MAJOR), NULL);
  CHECK_NEAR(proba[7], sigmoid(b + coef[0] * X[21] + coef[1] * X[22] + coef[2] * X[23]), 1e-14);
  npscore_churn_model_free(m);
}

static void test_saturated_and_errors(void) {
  /* x = 0: 1 of 4 churn, x = 1: 3 of 4; no penalty -> exact group log-odds. */
  const double x[8] = {0, 0, 0, 0, 1, 1, 1, 1}, y[8] = {1, 0, 0, 0, 1, 1, 1, 0};
  double bad_y[8] = {1, 0, 0, 0, 1, 1, 1, 0}, coef[1], b, w[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  npscore_churn_fit_options o = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_model *m = NULL;
  double x2[16];
  int i;
  o.C = INFINITY;
  o.tol = 1e-12;
  CHECK_CALL(NPSCORE_OK, npscore_churn_fit(&m, x, 8, 1, NPSCORE_ROW_MAJOR, y, w, NULL, &o), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_coef(coef, &b, m), NULL);
  CHECK_NEAR(b, log(1.0 / 3.0), 1e-9);
  CHECK_NEAR(coef[0], log(3.0) - log(1.0 / 3.0), 1e-9);
  CHECK(strcmp(npscore_churn_model_feature_name(m, 0), "x0") == 0);
  npscore_churn_model_free(m);

  bad_y[5] = 3;
  m = (npscore_churn_model *)&o; /* set to NULL on error */
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_fit(&m, x, 8, 1, NPSCORE_ROW_MAJOR, bad_y, NULL, NULL,
                                               NULL),
             "label at row 5 is 3", NULL);
  CHECK(m == NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_fit(NULL, x, 8, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL),
             "out", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_fit(&m, NULL, 8, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL),
             "x is NULL", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_fit(&m, x, 8, 1, (npscore_layout)7, y, NULL, NULL, NULL),
             "layout is 7", NULL);
  o.version = 99;
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_fit(&m, x, 8, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, &o),
             "opts->version is 99", NULL);
  /* Identical columns. */
  for (i = 0; i < 8; ++i) x2[2 * i] = x2[2 * i + 1] = (double)(i % 3);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_fit(&m, x2, 8, 2, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL),
             "columns 0 ('x0') and 1 ('x1') of X are identical", NULL);
  /* A constant column is a warning, not an error. */
  for (i = 0; i < 8; ++i) {
    x2[2 * i] = x[i];
    x2[2 * i + 1] = 2.0;
  }
  CHECK_CALL(NPSCORE_OK, npscore_churn_fit(&m, x2, 8, 2, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL),
             NULL);
  CHECK(npscore_churn_model_warning(m, 0) != NULL &&
        strstr(npscore_churn_model_warning(m, 0), "constant") != NULL);
  CHECK(npscore_churn_model_warning(m, 1) == NULL);
  {
    double p[8];
    x2[3] = NAN;
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_predict(p, m, x2, 8, 2, NPSCORE_ROW_MAJOR),
               "X at row 1, column 1 ('x1') is NaN", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_predict(p, m, x, 8, 1, NPSCORE_ROW_MAJOR),
               "X has 1 columns but the model has 2 features", NULL);
  }
  npscore_churn_model_free(m);
  npscore_churn_model_free(NULL);
}

/* The reason rules reach C: the prior's segment columns are churn_features'
 * score-history columns, so one row with both set gets ONE reason under
 * column 0 with the sum of both contributions; has_response, whose
 * coefficient (logit(promoter) - logit(baseline) < 0 at 90 days) agrees with
 * its documented direction, contributes negatively and is no reason. */
static void test_explain_groups_score_history(void) {
  const double x[4] = {1, 1, 1, 0};
  double p[1], c[3];
  int32_t f[3];
  npscore_churn_model *m = NULL;
  const double pp = 1 - sqrt(0.91), pv = 1 - sqrt(0.75);
  const double lp = log(pp / (1 - pp));
  CHECK_CALL(NPSCORE_OK, npscore_churn_prior(&m, 90.0, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_explain(p, f, c, m, x, 1, 4, NPSCORE_ROW_MAJOR, 3), NULL);
  CHECK(f[0] == 0 && f[1] == -1 && f[2] == -1);
  CHECK_NEAR(c[0], (log(0.40 / 0.60) - lp) + (log(pv / (1 - pv)) - lp), 1e-12);
  npscore_churn_model_free(m);
}

static void test_prior_and_explain(void) {
  /* Rows: detractor, early-life detractor, passive, promoter, no answer. */
  /* Columns: segment=detractor, segment=passive, has_response, early_life_detractor. */
  const double x[20] = {1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0};
  double p[5], c[10];
  int32_t f[10];
  npscore_churn_model *m = NULL;
  npscore_churn_prior_rates r = NPSCORE_CHURN_PRIOR_RATES_INIT;
  npscore_churn_fit_info info;
  CHECK_CALL(NPSCORE_OK, npscore_churn_prior(&m, 90.0, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_explain(p, f, c, m, x, 5, 4, NPSCORE_ROW_MAJOR, 2), NULL);
  CHECK_NEAR(p[0], 0.40, 1e-12);
  CHECK_NEAR(p[1], 0.50, 1e-12);
  CHECK_NEAR(p[2], 1 - sqrt(0.75), 1e-12);
  CHECK_NEAR(p[3], 1 - sqrt(0.91), 1e-12);
  CHECK_NEAR(p[4], 0.05, 1e-12);
  /* Early-life detractor: reasons "detractor" then "early life", by hand. */
  CHECK(f[2] == 0 && f[3] == 3);
  CHECK_NEAR(c[2], log(0.40 / 0.60) - log(p[3] / (1 - p[3])), 1e-12);
  CHECK_NEAR(c[3], log(0.5 / 0.5) - log(0.40 / 0.60), 1e-12);
  CHECK(f[8] == -1 && c[8] == 0.0); /* no answer: nothing raises the risk */
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_info(&info, m), NULL);
  CHECK(info.is_prior && info.horizon_days == 90.0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_explain(p, f, c, m, x, 5, 4, NPSCORE_ROW_MAJOR, -1),
             "top is -1", NULL);
  npscore_churn_model_free(m);
  r.passive.rate = 0.3;
  CHECK_CALL(NPSCORE_OK, npscore_churn_prior(&m, 180.0, &r), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_predict(p, m, x, 5, 4, NPSCORE_ROW_MAJOR), NULL);
  CHECK_NEAR(p[2], 0.3, 1e-12);
  CHECK_NEAR(p[0], 1 - 0.60 * 0.60, 1e-12);
  npscore_churn_model_free(m);
  r.passive.rate = 1.0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_prior(&m, 180.0, &r), "rate of passive is 1", NULL);
  r.version = 0;
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_prior(&m, 180.0, &r), "rates->version is 0", NULL);
}

static void test_evaluate(void) {
  const double y[4] = {0, 0, 1, 1}, p[4] = {0.1, 0.4, 0.4, 0.8};
  npscore_churn_evaluation e;
  npscore_reliability_bin bins[2];
  CHECK_CALL(NPSCORE_OK, npscore_churn_evaluate(&e, bins, y, p, 4, 2), NULL);
  CHECK_NEAR(e.auc, 0.875, 1e-15);
  CHECK_NEAR(e.brier, (0.01 + 0.16 + 0.36 + 0.04) / 4, 1e-15);
  CHECK(bins[0].count == 2 && bins[1].observed_rate == 1.0);
  CHECK_NEAR(e.lift, 2.0, 1e-15);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_evaluate(&e, NULL, y, y, 2, 10), "only class 0", NULL);
}

static void test_save_load(void) {
  npscore_churn_model *m = NULL, *back = NULL;
  const char *path = "churn_capi_test_model.bin";
  double pa[N], pb[N];
  FILE *fp;
  long size;
  unsigned char *bytes;
  int i, same = 1;
  npscore_churn_fit_options o = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  o.standardize = 1;
  o.class_weight_mode = NPSCORE_CLASS_WEIGHT_BALANCED;
  CHECK_CALL(NPSCORE_OK, npscore_churn_fit(&m, X, N, P, NPSCORE_ROW_MAJOR, Y, NULL, NULL, &o), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_save(m, path), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_load(&back, path), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_predict(pa, m, X, N, P, NPSCORE_ROW_MAJOR), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_predict(pb, back, X, N, P, NPSCORE_ROW_MAJOR), NULL);
  for (i = 0; i < N; ++i) same &= memcmp(&pa[i], &pb[i], sizeof(double)) == 0;
  CHECK(same);
  npscore_churn_model_free(back);
  /* Flip one byte in the middle: the checksum catches it. */
  fp = fopen(path, "rb");
  CHECK(fp != NULL);
  if (fp != NULL) {
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    bytes = (unsigned char *)malloc((size_t)size);
    if (fread(bytes, 1, (size_t)size, fp) != (size_t)size) CHECK(0);
    fclose(fp);
    bytes[size / 2] ^= 0x40;
    fp = fopen(path, "wb");
    fwrite(bytes, 1, (size_t)size, fp);
    fclose(fp);
    back = (npscore_churn_model *)&o;
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_load(&back, path), "checksum", NULL);
    CHECK(back == NULL);
    fp = fopen(path, "wb");
    fwrite(bytes, 1, 10, fp);
    fclose(fp);
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_load(&back, path), "truncated", NULL);
    free(bytes);
  }
  remove(path);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_load(&back, path), "cannot open", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_save(m, NULL), "path", NULL);
  npscore_churn_model_free(m);
}

int main(void) {
  make_data();
  test_fit();
  test_saturated_and_errors();
  test_prior_and_explain();
  test_explain_groups_score_history();
  test_evaluate();
  test_save_load();
  return check_summary();
}
