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
  const char *name = NULL;
  double coef[P], b, g[P + 1] = {0, 0, 0, 0}, proba[N], xt[N * P];
  int i, j;
  o.C = 0.5;
  o.tol = 1e-12;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, X, N, P, NPSCORE_ROW_MAJOR, Y, NULL, names, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_info(&info, m, NULL), NULL);
  CHECK(info.converged && info.n_iter > 0 && info.n_warnings == 0 && !info.is_prior);
  CHECK(npscore_churn_model_n_features(m) == P);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_feature_name(&name, m, 2, NULL), NULL);
  CHECK(strcmp(name, "segment_detractor") == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_feature_name(&name, m, 3, NULL),
             "j is 3: the model has 3 features", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_coef(coef, sizeof coef / sizeof coef[0], &b, m, NULL), NULL);
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
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_predict(proba, N, m, xt, N, P, NPSCORE_COL_MAJOR, NULL), NULL);
  CHECK_NEAR(proba[7], sigmoid(b + coef[0] * X[21] + coef[1] * X[22] + coef[2] * X[23]), 1e-14);
  npscore_churn_model_free(m);
}

static void test_saturated_and_errors(void) {
  /* x = 0: 1 of 4 churn, x = 1: 3 of 4; no penalty -> exact group log-odds. */
  const double x[8] = {0, 0, 0, 0, 1, 1, 1, 1}, y[8] = {1, 0, 0, 0, 1, 1, 1, 0};
  double bad_y[8] = {1, 0, 0, 0, 1, 1, 1, 0}, coef[1], b, w[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  npscore_churn_fit_options o = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_fit_options unpenalised = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_model *m = NULL;
  double x2[16], dup_coef[2], dup_b;
  const char *name = NULL;
  int i;
  o.C = INFINITY;
  o.tol = 1e-12;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, x, 8, 1, NPSCORE_ROW_MAJOR, y, w, NULL, &o, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_coef(coef, sizeof coef / sizeof coef[0], &b, m, NULL), NULL);
  CHECK_NEAR(b, log(1.0 / 3.0), 1e-9);
  CHECK_NEAR(coef[0], log(3.0) - log(1.0 / 3.0), 1e-9);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_feature_name(&name, m, 0, NULL), NULL);
  CHECK(strcmp(name, "x0") == 0);
  npscore_churn_model_free(m);

  bad_y[5] = 3;
  m = (npscore_churn_model *)&o; /* set to NULL on error */
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_fit(&m, x, 8, 1, NPSCORE_ROW_MAJOR, bad_y, NULL, NULL,
                                               NULL, NULL),
             "label at row 5 is 3", NULL);
  CHECK(m == NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_model_fit(NULL, x, 8, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL, NULL),
             "out", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_model_fit(&m, NULL, 8, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL, NULL),
             "x is NULL", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_fit(&m, x, 8, 1, (int32_t)7, y, NULL, NULL, NULL, NULL),
             "layout is 7", NULL);
  o.version = 99;
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_model_fit(&m, x, 8, 1, NPSCORE_ROW_MAJOR, y, NULL, NULL, &o, NULL),
             "opts->version is 99", NULL);
  /* Identical columns: refused without a penalty (not unique), fitted with
     one (the penalty splits their coefficient evenly). */
  for (i = 0; i < 8; ++i) x2[2 * i] = x2[2 * i + 1] = (double)(i % 3);
  unpenalised.C = INFINITY;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_model_fit(&m, x2, 8, 2, NPSCORE_ROW_MAJOR, y, NULL, NULL, &unpenalised, NULL),
             "columns 0 ('x0') and 1 ('x1') of X are identical", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, x2, 8, 2, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_coef(dup_coef, 2, &dup_b, m, NULL), NULL);
  CHECK_NEAR(dup_coef[0], dup_coef[1], 1e-9);
  npscore_churn_model_free(m);
  m = NULL;
  /* A constant column is a warning, not an error. */
  for (i = 0; i < 8; ++i) {
    x2[2 * i] = x[i];
    x2[2 * i + 1] = 2.0;
  }
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, x2, 8, 2, NPSCORE_ROW_MAJOR, y, NULL, NULL, NULL, NULL),
             NULL);
  name = NULL;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_warning(&name, m, 0, NULL), NULL);
  CHECK(name != NULL && strstr(name, "constant") != NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_warning(&name, m, 1, NULL),
             "k is 1: the model has 1 warnings", NULL);
  {
    double p[8];
    x2[3] = NAN;
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_predict(p, 8, m, x2, 8, 2, NPSCORE_ROW_MAJOR, NULL),
               "X at row 1, column 1 ('x1') is NaN", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_predict(p, 8, m, x, 8, 1, NPSCORE_ROW_MAJOR, NULL),
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
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_new(&m, 90.0, NULL, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_explain(p, 1, f, 3, c, 3, m, x, 1, 4, NPSCORE_ROW_MAJOR, 3, NULL), NULL);
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
  npscore_churn_prior_options r = NPSCORE_CHURN_PRIOR_OPTIONS_INIT;
  npscore_churn_fit_info info;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_new(&m, 90.0, NULL, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_explain(p, 5, f, 10, c, 10, m, x, 5, 4, NPSCORE_ROW_MAJOR, 2, NULL), NULL);
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
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_info(&info, m, NULL), NULL);
  CHECK(info.is_prior && info.horizon_days == 90.0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_explain(p, 5, f, 10, c, 10, m, x, 5, 4, NPSCORE_ROW_MAJOR, 0, NULL),
             "top is 0", NULL);
  CHECK_CALL(NPSCORE_ERANGE, npscore_churn_model_explain(p, 5, f, 9, c, 10, m, x, 5, 4, NPSCORE_ROW_MAJOR, 2, NULL),
             "out_features has capacity 9 but the result needs 10", NULL);
  CHECK_CALL(NPSCORE_ERANGE, npscore_churn_model_explain(p, 4, f, 10, c, 10, m, x, 5, 4, NPSCORE_ROW_MAJOR, 2, NULL),
             "out_proba has capacity 4 ", NULL);
  CHECK_CALL(NPSCORE_ERANGE, npscore_churn_model_explain(p, 5, f, 10, c, 9, m, x, 5, 4, NPSCORE_ROW_MAJOR, 2, NULL),
             "out_contributions has capacity 9 ", NULL);
  npscore_churn_model_free(m);
  r.passive_rate = 0.3;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_new(&m, 180.0, &r, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_predict(p, 5, m, x, 5, 4, NPSCORE_ROW_MAJOR, NULL), NULL);
  CHECK_NEAR(p[2], 0.3, 1e-12);
  CHECK_NEAR(p[0], 1 - 0.60 * 0.60, 1e-12);
  npscore_churn_model_free(m);
  r.passive_rate = 1.0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_new(&m, 180.0, &r, NULL), "rate of passive is 1", NULL);
  r.version = 0;
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_model_new(&m, 180.0, &r, NULL), "opts->version is 0", NULL);
}

static void test_evaluate(void) {
  const double y[4] = {0, 0, 1, 1}, p[4] = {0.1, 0.4, 0.4, 0.8};
  npscore_churn_evaluation e;
  npscore_churn_reliability_bin bins[2];
  CHECK_CALL(NPSCORE_OK, npscore_churn_evaluate(&e, bins, 2, y, p, 4, 2, NULL), NULL);
  CHECK_NEAR(e.auc, 0.875, 1e-15);
  CHECK_NEAR(e.brier, (0.01 + 0.16 + 0.36 + 0.04) / 4, 1e-15);
  CHECK(bins[0].count == 2 && bins[1].observed_rate == 1.0);
  CHECK_NEAR(e.lift, 2.0, 1e-15);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_evaluate(&e, NULL, 0, y, y, 2, 10, NULL), "only class 0", NULL);
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
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, X, N, P, NPSCORE_ROW_MAJOR, Y, NULL, NULL, &o, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_save(m, path, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_load(&back, path, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_predict(pa, N, m, X, N, P, NPSCORE_ROW_MAJOR, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_predict(pb, N, back, X, N, P, NPSCORE_ROW_MAJOR, NULL), NULL);
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
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_load(&back, path, NULL), "checksum", NULL);
    CHECK(back == NULL);
    fp = fopen(path, "wb");
    fwrite(bytes, 1, 10, fp);
    fclose(fp);
    CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_load(&back, path, NULL), "truncated", NULL);
    free(bytes);
  }
  remove(path);
  CHECK_CALL(NPSCORE_EIO, npscore_churn_model_load(&back, path, NULL), "cannot open", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_model_save(m, NULL, NULL), "path", NULL);
  npscore_churn_model_free(m);
}

/* The macros and the functions give the same values, field by field (the
 * functions build them from the C++ core's defaults); versions 1..current
 * are accepted, 0 and current + 1 are NPSCORE_EVERSION, with the per-call
 * error filled. */
static void test_options(void) {
  const npscore_churn_fit_options fit = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  const npscore_churn_prior_options prior = NPSCORE_CHURN_PRIOR_OPTIONS_INIT;
  npscore_churn_fit_options f;
  npscore_churn_prior_options p;
  npscore_error err;
  memset(&f, 0x5a, sizeof f);
  memset(&p, 0x5a, sizeof p);
  memset(&err, 0x5a, sizeof err);
  CHECK_CALL(NPSCORE_OK, npscore_churn_fit_options_init(&f, 1, &err), NULL);
  CHECK(err.status == NPSCORE_OK && err.message[0] == '\0' && err.truncated == 0);
  CHECK(f.version == 1 && fit.version == NPSCORE_CHURN_FIT_OPTIONS_VERSION);
  CHECK(f.C == fit.C);
  CHECK(f.fit_intercept == fit.fit_intercept);
  CHECK(f.standardize == fit.standardize);
  CHECK(f.class_weight_mode == fit.class_weight_mode);
  CHECK(f.class_weight[0] == fit.class_weight[0] && f.class_weight[1] == fit.class_weight[1]);
  CHECK(f.tol == fit.tol);
  CHECK(f.max_iter == fit.max_iter);
  CHECK(f.threads == fit.threads);
  CHECK(fit.C == 1.0 && fit.fit_intercept == 1 && fit.tol == 1e-8 && fit.max_iter == 100);
  CHECK_CALL(NPSCORE_OK, npscore_churn_prior_options_init(&p, 1, NULL), NULL);
  CHECK(p.version == 1 && prior.version == NPSCORE_CHURN_PRIOR_OPTIONS_VERSION);
  CHECK(p.detractor_rate == prior.detractor_rate && p.detractor_days == prior.detractor_days);
  CHECK(p.early_life_detractor_rate == prior.early_life_detractor_rate &&
        p.early_life_detractor_days == prior.early_life_detractor_days);
  CHECK(p.passive_rate == prior.passive_rate && p.passive_days == prior.passive_days);
  CHECK(p.promoter_rate == prior.promoter_rate && p.promoter_days == prior.promoter_days);
  CHECK(p.baseline_rate == prior.baseline_rate && p.baseline_days == prior.baseline_days);
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_fit_options_init(&f, 0, &err), "version is 0", NULL);
  CHECK(err.status == NPSCORE_EVERSION && strcmp(err.message, npscore_last_error_message()) == 0);
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_churn_fit_options_init(&f, NPSCORE_CHURN_FIT_OPTIONS_VERSION + 1, NULL),
             "version is 2", NULL);
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_prior_options_init(&p, 0, NULL), "version is 0", NULL);
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_churn_prior_options_init(&p, NPSCORE_CHURN_PRIOR_OPTIONS_VERSION + 1, &err),
             "version is 2", NULL);
  CHECK(err.status == NPSCORE_EVERSION && strstr(err.message, "npscore_churn_prior_options_init") == err.message);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_prior_options_init(NULL, 1, NULL), "opts is NULL", NULL);
}

/* A fit stopped at max_iter succeeds with converged = 0 and a usable
 * estimate; the file errors are NPSCORE_EIO. */
static void test_non_convergence_and_files(void) {
  npscore_churn_fit_options o = NPSCORE_CHURN_FIT_OPTIONS_INIT;
  npscore_churn_model *m = NULL;
  npscore_churn_fit_info info;
  npscore_error err;
  double coef[P], b;
  int j;
  o.max_iter = 1;
  o.tol = 1e-14;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, X, N, P, NPSCORE_ROW_MAJOR, Y, NULL, NULL, &o, &err),
             NULL);
  CHECK(err.status == NPSCORE_OK);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_info(&info, m, NULL), NULL);
  CHECK(info.converged == 0 && info.n_iter == 1 && info.grad_norm > o.tol);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_coef(coef, P, &b, m, NULL), NULL);
  for (j = 0; j < P; ++j) CHECK(isfinite(coef[j]));
  CHECK_CALL(NPSCORE_ERANGE, npscore_churn_model_coef(coef, P - 1, &b, m, &err),
             "out has capacity 2 but the result needs 3", NULL);
  CHECK(err.status == NPSCORE_ERANGE && strcmp(err.message, npscore_last_error_message()) == 0);
  CHECK_CALL(NPSCORE_EIO, npscore_churn_model_save(m, "/nonexistent-dir/m.bin", &err),
             "cannot open for writing '/nonexistent-dir/m.bin'", NULL);
  CHECK(err.status == NPSCORE_EIO);
  CHECK_CALL(NPSCORE_EIO, npscore_churn_model_save(m, ".", NULL), NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_save(m, "", NULL), "path is empty", NULL);
  npscore_churn_model_free(m);
  m = NULL;
  CHECK_CALL(NPSCORE_EIO, npscore_churn_model_load(&m, ".", NULL), "it is a directory", NULL);
  CHECK(m == NULL);
}

/* Folds: the values derived by hand in tests/cpp/churn_validate_test.cc
   (SplitMix64 from seed 42). Cross-validation: each fold equals a fit on the
   other folds done here call by call. Backtest: the model and the prior on
   the same test rows. */
#define NV 240
static void test_validation(void) {
  static double x[NV * 2], y[NV], xtr[NV * 2], ytr[NV], xte[NV * 2], yte[NV], p[NV], prior[NV];
  static const char *const names[2] = {"segment=detractor", "days_since_response"};
  const int32_t want[10] = {0, 2, 2, 2, 1, 0, 1, 1, 0, 0};
  int32_t folds[NV];
  npscore_churn_fold cv[3];
  npscore_churn_backtest_result b;
  npscore_churn_model *m = NULL;
  npscore_error err;
  uint64_t state = 99;
  size_t i, f;
  CHECK_CALL(NPSCORE_OK, npscore_churn_folds(folds, NV, 10, 3, 42, NULL), NULL);
  CHECK(memcmp(folds, want, sizeof want) == 0);
  /* Detractors (x0 = 1) churn 60%, others 10%, more so the longer they wait. */
  for (i = 0; i < NV; ++i) {
    double u1, u2, u3;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    u1 = (double)(state >> 11) / 9007199254740992.0;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    u2 = (double)(state >> 11) / 9007199254740992.0;
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    u3 = (double)(state >> 11) / 9007199254740992.0;
    x[2 * i] = u1 < 0.3;
    x[2 * i + 1] = 100 * u2;
    y[i] = u3 < (x[2 * i] ? 0.5 : 0.05) + x[2 * i + 1] / 1000;
  }
  CHECK_CALL(NPSCORE_OK, npscore_churn_cross_validate(cv, 3, x, NV, 2, NPSCORE_ROW_MAJOR, y, NULL,
                                                      NULL, 3, 7, 10, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_folds(folds, NV, NV, 3, 7, NULL), NULL);
  for (f = 0; f < 3; ++f) {
    size_t ntr = 0, nte = 0;
    npscore_churn_evaluation e;
    for (i = 0; i < NV; ++i) {
      if (folds[i] == (int32_t)f) {
        xte[2 * nte] = x[2 * i];
        xte[2 * nte + 1] = x[2 * i + 1];
        yte[nte++] = y[i];
      } else {
        xtr[2 * ntr] = x[2 * i];
        xtr[2 * ntr + 1] = x[2 * i + 1];
        ytr[ntr++] = y[i];
      }
    }
    CHECK_CALL(NPSCORE_OK, npscore_churn_model_fit(&m, xtr, ntr, 2, NPSCORE_ROW_MAJOR, ytr, NULL,
                                                   NULL, NULL, NULL),
               NULL);
    CHECK_CALL(NPSCORE_OK, npscore_churn_model_predict(p, NV, m, xte, nte, 2, NPSCORE_ROW_MAJOR,
                                                       NULL),
               NULL);
    CHECK_CALL(NPSCORE_OK, npscore_churn_evaluate(&e, NULL, 0, yte, p, nte, 10, NULL), NULL);
    CHECK(cv[f].fold == (int64_t)f && cv[f].n_test == (int64_t)nte &&
          cv[f].n_train == (int64_t)ntr);
    /* The fold's fit reads a column-major copy: rounding may differ in the last bits. */
    CHECK_NEAR(cv[f].evaluation.auc, e.auc, 1e-12);
    CHECK_NEAR(cv[f].evaluation.brier, e.brier, 1e-12);
    CHECK(cv[f].converged == 1 && cv[f].n_iter >= 1);
    npscore_churn_model_free(m);
    m = NULL;
  }
  /* Backtest: train on the first half, test on the second. Without a
     has_response column the prior is absent (NaN, has_prior 0). */
  CHECK_CALL(NPSCORE_OK, npscore_churn_backtest(&m, &b, p, prior, NV, x, NV / 2, y, x + NV, NV / 2,
                                                y + NV / 2, 2, NPSCORE_ROW_MAJOR, names, 90.0,
                                                NULL, 10, NULL),
             NULL);
  CHECK(m != NULL && b.has_prior == 0 && b.beats_prior == 0 && isnan(prior[0]));
  CHECK(b.test.n == NV / 2 && b.test.auc > 0.6);
  {
    double q[NV / 2];
    CHECK_CALL(NPSCORE_OK, npscore_churn_model_predict(q, NV / 2, m, x + NV, NV / 2, 2,
                                                       NPSCORE_ROW_MAJOR, NULL),
               NULL);
    CHECK(memcmp(q, p, sizeof q) == 0);
  }
  npscore_churn_model_free(m);
  m = NULL;
  /* One class on the test side is an error naming it. */
  for (i = 0; i < NV / 2; ++i) yte[i] = 0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_backtest(&m, &b, NULL, NULL, 0, x, NV / 2, y, x + NV,
                                                    NV / 2, yte, 2, NPSCORE_ROW_MAJOR, names, 90.0,
                                                    NULL, 10, &err),
             "the test labels have a single class", NULL);
  CHECK(m == NULL && err.status == NPSCORE_EINVAL);
  CHECK_CALL(NPSCORE_ERANGE, npscore_churn_cross_validate(cv, 2, x, NV, 2, NPSCORE_ROW_MAJOR, y,
                                                          NULL, NULL, 3, 7, 10, NULL),
             "out", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_folds(folds, NV, 10, 1, 0, NULL), "k is 1", NULL);
}

#undef NV

int main(void) {
  test_validation();
  make_data();
  test_options();
  test_non_convergence_and_files();
  test_fit();
  test_saturated_and_errors();
  test_prior_and_explain();
  test_explain_groups_score_history();
  test_evaluate();
  test_save_load();
  return check_summary();
}
