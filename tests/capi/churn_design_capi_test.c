/* Tests of the churn design matrix's C ABI (npscore/c_api.h), as a C99 caller
 * sees it: a hand example worked out beside each value; a model fitted and
 * saved from Python (tests/data/churn_design_python.model, written with
 * churn_design_fixture.h by tests/python/test_churn_design.py) loaded here,
 * its design rebuilding Python's matrix bit for bit from the same data and
 * giving Python's probabilities; attaching a design; every error path.
 * Prints "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"
#include "churn_design_fixture.h"

#define DAY_NS (INT64_C(86400) * 1000000000)
#define NAT NPSCORE_MISSING_TIME

/* Customers 10 (signed up day 0; answers 9, 7, 4 at days 5, 50, 190, the last
 * followed up day 195), 20 (signed up day 100; answers 3 at day 150), 30
 * (sign-up unknown; answers 10 at day 60), 40 (signs up day 500: not in the
 * matrix), 50 (signed up day 20, never answers). As of day 200. */
static const int64_t k_customers[5] = {10, 20, 10, 10, 30};
static const int32_t k_scores[5] = {9, 3, 7, 4, 10};
static const int64_t k_ids[5] = {10, 20, 30, 40, 50};
/* Themes per response row: pricing on rows 1 and 3, bug on row 0. */
static const double k_flags[10] = {0, 1, 0, 1, 0, 1, 0, 0, 0, 0};
static const char *const k_themes[2] = {"pricing", "bug"};
/* User columns: seats (numeric), plan (basic, pro, team; a missing column). */
static const char *const k_user[2] = {"seats", "plan"};
static const size_t k_n_levels[2] = {0, 3};
static const char *const k_levels[3] = {"basic", "pro", "team"};
static const int32_t k_missing[2] = {0, 1};
static const double k_seats[5] = {5, 12, 1, -HUGE_VAL, 3}; /* 40 is left out: -inf ok */
static const int32_t k_plan[5] = {1, 0, -1, 2, 2};
static int64_t k_times[5], k_followed[5], k_signup[5];

static void setup(void) {
  const int days[5] = {5, 150, 50, 190, 60};
  int i;
  for (i = 0; i < 5; ++i) {
    k_times[i] = days[i] * DAY_NS;
    k_followed[i] = NAT;
  }
  k_followed[3] = 195 * DAY_NS;
  k_signup[0] = 0;
  k_signup[1] = 100 * DAY_NS;
  k_signup[2] = NAT;
  k_signup[3] = 500 * DAY_NS;
  k_signup[4] = 20 * DAY_NS;
}

static npscore_churn_design *hand_design(int32_t fill) {
  npscore_churn_design *d = NULL;
  npscore_churn_design_options o = NPSCORE_CHURN_DESIGN_OPTIONS_INIT;
  o.signup = 1;
  o.followed_up = 1;
  o.fill = fill;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_new(&d, k_themes, 2, k_user, k_n_levels, k_levels, k_missing, 2,
                                      NULL, &o, NULL),
             NULL);
  return d;
}

static npscore_churn_features *hand_features(void) {
  npscore_churn_features *f = NULL;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, k_customers, k_times, k_scores, NPSCORE_I32, 5,
                                        k_followed, k_ids, k_signup, 5, 200 * DAY_NS, NULL, NULL,
                                        NULL),
             NULL);
  return f;
}

/* Column `name` of a column-major matrix (rows x design size) into out. */
static int column(const double *m, size_t rows, const npscore_churn_design *d, const char *name,
                  double *out) {
  size_t j, i;
  const char *s;
  for (j = 0; j < npscore_churn_design_size(d); ++j) {
    if (npscore_churn_design_column_name(&s, d, j, NULL) == NPSCORE_OK && strcmp(s, name) == 0) {
      for (i = 0; i < rows; ++i) out[i] = m[j * rows + i];
      return 1;
    }
  }
  return 0;
}

#define CHECK_COLUMN(name, a, b, c, e)                                       \
  do {                                                                       \
    double v_[4];                                                            \
    CHECK(column(m, rows, d, name, v_));                                     \
    CHECK(v_[0] == (a) && v_[1] == (b) && v_[2] == (c) && v_[3] == (e));     \
  } while (0)

static void test_options(void) {
  npscore_churn_design_options o;
  const npscore_churn_design_options init = NPSCORE_CHURN_DESIGN_OPTIONS_INIT;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_churn_design_options_init(&o, 1, NULL), NULL);
  CHECK(o.version == 1 && o.signup == init.signup && o.followed_up == init.followed_up &&
        o.fill == init.fill);
  CHECK(init.signup == 0 && init.followed_up == 0 && init.fill == 1);
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_churn_design_options_init(&o, NPSCORE_CHURN_DESIGN_OPTIONS_VERSION + 1, NULL),
             NULL);
}

static void test_hand_example(void) {
  npscore_churn_design *d = hand_design(1);
  npscore_churn_features *f = hand_features();
  const double *no_numeric[2];
  const int32_t *no_codes[2];
  double m[4 * 23];
  size_t rows = 0;
  const char *name;
  const double *numeric[2];
  const int32_t *codes[2];
  numeric[0] = k_seats;
  numeric[1] = NULL;
  codes[0] = NULL;
  codes[1] = k_plan;
  no_numeric[0] = no_numeric[1] = NULL;
  no_codes[0] = no_codes[1] = NULL;
  CHECK(npscore_churn_design_size(d) == 23);
  CHECK_CALL(NPSCORE_OK, npscore_churn_design_column_name(&name, d, 22, NULL), NULL);
  CHECK(strcmp(name, "plan=<missing>") == 0);
  CHECK_CALL(NPSCORE_OK, npscore_churn_design_column_name(&name, d, 17, NULL), NULL);
  CHECK(strcmp(name, "theme=pricing") == 0);
  /* Asking the size first: ERANGE with the row count. */
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_churn_design_matrix(NULL, 0, &rows, d, f, k_flags, 5, numeric, codes, 2,
                                         NULL),
             "92", NULL);
  CHECK(rows == 4);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, numeric, codes, 2,
                                         NULL),
             NULL);
  CHECK(rows == 4);
  /* Rows: customers 10, 20, 30, 50. No answer: score (6 + 1 + 8) / 2. */
  CHECK_COLUMN("score", 4, 3, 10, 7.5);
  CHECK_COLUMN("segment=detractor", 1, 1, 0, 0);
  CHECK_COLUMN("detractor_share", 1.0 / 3, 1, 0, 0);
  CHECK_COLUMN("score_change", -3, 0, 0, 0);
  /* 50 never answered: its age (180); 30's age is unknown: 0. */
  CHECK_COLUMN("days_since_response", 10, 50, 140, 180);
  CHECK_COLUMN("tenure_days", 190, 50, 0, 180);
  CHECK_COLUMN("days_to_follow_up", 5, 0, 0, 0);
  /* Latest rows 3, 1, 4, none. */
  CHECK_COLUMN("theme=pricing", 1, 1, 0, 0);
  CHECK_COLUMN("theme=bug", 0, 0, 0, 0);
  CHECK_COLUMN("seats", 5, 12, 1, 3);
  CHECK_COLUMN("plan=pro", 1, 0, 0, 0);
  CHECK_COLUMN("plan=team", 0, 0, 0, 1);
  CHECK_COLUMN("plan=<missing>", 0, 0, 1, 0);

  /* Errors name the argument, the row and the value. */
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_churn_design_matrix(m, 10, &rows, d, f, k_flags, 5, numeric, codes, 2, NULL),
             "out", "92", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, numeric, codes, 1,
                                         NULL),
             "n_user is 1", "2 user columns", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, no_numeric, codes, 2,
                                         NULL),
             "user_numeric[0]", "numeric", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, numeric, no_codes, 2,
                                         NULL),
             "user_codes[1]", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, NULL, 5, numeric, codes, 2, NULL),
             "theme_flags", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 3, numeric, codes, 2,
                                         NULL),
             "latest response at row 3", NULL);
  {
    double flags[10];
    int32_t plan[5];
    double seats[5];
    const double *numeric2[2];
    const int32_t *codes2[2];
    memcpy(flags, k_flags, sizeof flags);
    flags[7] = 2;
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, flags, 5, numeric, codes, 2,
                                           NULL),
               "theme 'bug' at row 2 is 2", NULL);
    memcpy(plan, k_plan, sizeof plan);
    plan[4] = 3;
    numeric2[0] = k_seats;
    numeric2[1] = NULL;
    codes2[0] = NULL;
    codes2[1] = plan;
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, numeric2, codes2, 2,
                                           NULL),
               "user column 'plan' at row 4 has code 3", NULL);
    memcpy(seats, k_seats, sizeof seats);
    seats[1] = seats[3];
    numeric2[0] = seats;
    codes2[1] = k_plan;
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, numeric2, codes2, 2,
                                           NULL),
               "user column 'seats' at row 1 is -inf", NULL);
  }
  npscore_churn_features_free(f);
  npscore_churn_design_free(d);

  /* Without fill, the score of a customer who never answered is NaN. */
  d = hand_design(0);
  f = hand_features();
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_matrix(m, 4 * 23, &rows, d, f, k_flags, 5, numeric, codes, 2,
                                         NULL),
             NULL);
  {
    double v[4];
    CHECK(column(m, rows, d, "score", v) && v[0] == 4 && v[3] != v[3]);
  }
  npscore_churn_features_free(f);
  npscore_churn_design_free(d);
}

static void test_new_errors(void) {
  npscore_churn_design *d = (npscore_churn_design *)&d;
  npscore_churn_design_options o = NPSCORE_CHURN_DESIGN_OPTIONS_INIT;
  const char *const twice[2] = {"bug", "bug"};
  const char *const levels[3] = {"a", "b", "a"};
  const size_t n_levels[1] = {3};
  const char *const user[1] = {"plan"};
  const char *const numeric_user[1] = {"score"};
  const size_t numeric_levels[1] = {0};
  const int32_t missing[1] = {1};
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_new(&d, twice, 2, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL),
             "theme 'bug' is given twice", NULL);
  CHECK(d == NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_new(&d, NULL, 0, user, n_levels, levels, NULL, 1, NULL, NULL,
                                      NULL),
             "level 'a' of user column 'plan' is given twice", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_new(&d, NULL, 0, numeric_user, numeric_levels, NULL, NULL, 1,
                                      NULL, NULL, NULL),
             "both named 'score'", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_new(&d, NULL, 0, user, numeric_levels, NULL, missing, 1, NULL,
                                      NULL, NULL),
             "user_missing[0] is 1", "numeric", NULL);
  o.fill = 2;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_design_new(&d, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, &o, NULL),
             "opts->fill is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_design_new(&d, NULL, 1, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL),
             "themes", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_design_new(NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL),
             "out", NULL);
  CHECK(npscore_churn_design_size(NULL) == 0);
  npscore_churn_design_free(NULL);
}

/* The model Python fitted and saved: its design rebuilds Python's matrix bit
 * for bit from the same data, and it predicts Python's probabilities. */
static void test_model_saved_from_python(void) {
  npscore_churn_model *model = NULL, *renamed = NULL, *again = NULL;
  npscore_churn_design *d = NULL, *fresh = NULL, *bare = NULL;
  npscore_churn_features *f = NULL;
  npscore_churn_design_options o = NPSCORE_CHURN_DESIGN_OPTIONS_INIT;
  static double m[FIX_ROWS * FIX_COLS];
  double p[FIX_ROWS], y[FIX_ROWS];
  const double *numeric[2];
  const int32_t *codes[2];
  const char *name;
  const char *const themes[2] = {"pricing", "bug"};
  const char *const user[2] = {"plan", "seats"};
  const size_t n_levels[2] = {3, 0};
  const char *const levels[3] = {"basic", "pro", "team"};
  const int32_t missing[2] = {1, 0};
  size_t rows = 0, j, i;
  int same = 1;
  numeric[0] = NULL;
  numeric[1] = fix_seats;
  codes[0] = fix_plan_codes;
  codes[1] = NULL;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_model_load(&model, NPSCORE_TEST_DATA_DIR "/churn_design_python.model",
                                      NULL),
             NULL);
  if (model == NULL) return;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_design(&d, model, NULL), NULL);
  CHECK(npscore_churn_design_size(d) == FIX_COLS);
  CHECK(npscore_churn_model_n_features(model) == FIX_COLS);
  for (j = 0; j < FIX_COLS; ++j) {
    CHECK_CALL(NPSCORE_OK, npscore_churn_design_column_name(&name, d, j, NULL), NULL);
    same &= strcmp(name, fix_names[j]) == 0;
  }
  CHECK(same);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, fix_customers, fix_times, fix_scores, NPSCORE_I32,
                                        FIX_N_RESPONSES, fix_followed, fix_ids, fix_signup,
                                        FIX_N_CUSTOMERS, FIX_AS_OF, NULL, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_matrix(m, FIX_ROWS * FIX_COLS, &rows, d, f, fix_theme_flags,
                                         FIX_N_RESPONSES, numeric, codes, 2, NULL),
             NULL);
  CHECK(rows == FIX_ROWS);
  CHECK(memcmp(m, fix_matrix, sizeof m) == 0);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_model_predict(p, FIX_ROWS, model, m, FIX_ROWS, FIX_COLS,
                                         NPSCORE_COL_MAJOR, NULL),
             NULL);
  for (i = 0; i < FIX_ROWS; ++i) CHECK_NEAR(p[i], fix_proba[i], 1e-13);

  /* The same design made in C from the same inputs. */
  o.signup = 1;
  o.followed_up = 1;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_new(&fresh, themes, 2, user, n_levels, levels, missing, 2, NULL,
                                      &o, NULL),
             NULL);
  CHECK(npscore_churn_design_size(fresh) == FIX_COLS);
  for (j = 0, same = 1; j < FIX_COLS; ++j) {
    CHECK_CALL(NPSCORE_OK, npscore_churn_design_column_name(&name, fresh, j, NULL), NULL);
    same &= strcmp(name, fix_names[j]) == 0;
  }
  CHECK(same);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_with_design(&again, model, fresh, NULL), NULL);
  npscore_churn_model_free(again);
  /* A design of other columns is refused, naming the first that differs. */
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_new(&bare, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_with_design(&again, model, bare, NULL),
             "the design has 12 columns", NULL);
  CHECK(again == NULL);
  /* A model fitted in C on a plain matrix has no design until given one. */
  for (i = 0; i < FIX_ROWS; ++i) y[i] = p[i] > 0.5 ? 1 : 0;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_model_fit(&renamed, m, FIX_ROWS, FIX_COLS, NPSCORE_COL_MAJOR, y, NULL,
                                     fix_names, NULL, NULL),
             NULL);
  npscore_churn_design_free(bare);
  bare = NULL;
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_model_design(&bare, renamed, NULL), "no design", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_with_design(&again, renamed, fresh, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_design(&bare, again, NULL), NULL);
  CHECK(npscore_churn_design_size(bare) == FIX_COLS);
  npscore_churn_design_free(bare);
  npscore_churn_model_free(again);
  npscore_churn_model_free(renamed);
  npscore_churn_design_free(fresh);
  npscore_churn_features_free(f);
  npscore_churn_design_free(d);
  npscore_churn_model_free(model);
}

/* The default prior carries the design of its four columns. */
static void test_prior_design(void) {
  npscore_churn_model *prior = NULL;
  npscore_churn_design *d = NULL;
  npscore_churn_features *f = hand_features();
  double m[4 * 4], p[4];
  size_t rows = 0;
  const char *name;
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_new(&prior, 90, NULL, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_model_design(&d, prior, NULL), NULL);
  CHECK(npscore_churn_design_size(d) == 4);
  CHECK_CALL(NPSCORE_OK, npscore_churn_design_column_name(&name, d, 3, NULL), NULL);
  CHECK(strcmp(name, "early_life_detractor") == 0);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_design_matrix(m, 16, &rows, d, f, NULL, 0, NULL, NULL, 0, NULL), NULL);
  CHECK(rows == 4);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_model_predict(p, 4, prior, m, 4, 4, NPSCORE_COL_MAJOR, NULL), NULL);
  /* Detractor, detractor (40% / 90 days), promoter, no answer (5% / 90 days). */
  CHECK_NEAR(p[0], 0.40, 1e-12);
  CHECK_NEAR(p[1], 0.40, 1e-12);
  CHECK_NEAR(p[2], 1 - pow(1 - 0.09, 0.5), 1e-12);
  CHECK_NEAR(p[3], 0.05, 1e-12);
  npscore_churn_design_free(d);
  npscore_churn_model_free(prior);
  npscore_churn_features_free(f);
}

int main(void) {
  setup();
  test_options();
  test_hand_example();
  test_new_errors();
  test_model_saved_from_python();
  test_prior_design();
  return check_summary();
}
