/* Tests of the churn features' C ABI (npscore/c_api.h), as a C99 caller sees
 * it: a hand example worked out beside each value, the as_of cut, labels and
 * the time-split check, and every error path with its status and message.
 * Prints "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

#define DAY_NS (INT64_C(86400) * 1000000000)
#define NAT NPSCORE_MISSING_TIME

/* Customers 10, 20, 30, 40: signed up at day 0, day 100, unknown, day 500.
 * Responses (customer, day, score): (10, 5, 9), (20, 150, 3), (10, 50, 7),
 * (10, 190, 4; followed up day 195), (30, 60, 10), (20, 300, 10), (10, 250, 0).
 * As of day 200 the last two are in the future. */
static const int64_t k_customers[7] = {10, 20, 10, 10, 30, 20, 10};
static const int32_t k_scores[7] = {9, 3, 7, 4, 10, 10, 0};
static const int64_t k_ids[4] = {10, 20, 30, 40};
static int64_t k_times[7], k_followed[7], k_signup[4];

static void setup(void) {
  const int days[7] = {5, 150, 50, 190, 60, 300, 250};
  int i;
  for (i = 0; i < 7; ++i) {
    k_times[i] = days[i] * DAY_NS;
    k_followed[i] = NAT;
  }
  k_followed[3] = 195 * DAY_NS;
  k_signup[0] = 0;
  k_signup[1] = 100 * DAY_NS;
  k_signup[2] = NAT;
  k_signup[3] = 500 * DAY_NS;
}

static npscore_churn_features *features(int64_t as_of) {
  npscore_churn_features *f = NULL;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, k_customers, k_times, k_scores, NPSCORE_I32, 7,
                                        k_followed, k_ids, k_signup, 4, as_of, NULL, NULL, NULL),
             NULL);
  return f;
}

/* The macro and the function give the same value, field by field (the
 * function builds it from the C++ core's defaults); versions 1..current are
 * accepted, 0 and current + 1 are NPSCORE_EVERSION, with the per-call error. */
static void test_options(void) {
  npscore_churn_feature_options o;
  const npscore_churn_feature_options init = NPSCORE_CHURN_FEATURE_OPTIONS_INIT;
  npscore_error err;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_churn_feature_options_init(&o, 1, &err), NULL);
  CHECK(err.status == NPSCORE_OK && err.message[0] == '\0' && err.truncated == 0);
  CHECK(o.version == 1 && init.version == NPSCORE_CHURN_FEATURE_OPTIONS_VERSION);
  CHECK(o.early_life_days == init.early_life_days);
  CHECK(o.skip_unknown_customers == init.skip_unknown_customers);
  CHECK(init.early_life_days == 10.0 && init.skip_unknown_customers == 0);
  CHECK_CALL(NPSCORE_EVERSION, npscore_churn_feature_options_init(&o, 0, &err), "version is 0",
             NULL);
  CHECK(err.status == NPSCORE_EVERSION &&
        strcmp(err.message, npscore_last_error_message()) == 0);
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_churn_feature_options_init(&o, NPSCORE_CHURN_FEATURE_OPTIONS_VERSION + 1,
                                                NULL),
             "version is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_feature_options_init(NULL, 1, NULL), "opts is NULL", NULL);
}

static void test_hand_example(void) {
  npscore_churn_features *f = features(200 * DAY_NS);
  npscore_churn_feature_row r;
  npscore_churn_feature_totals t;
  CHECK(npscore_churn_features_size(f) == 4);
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_totals(&t, f, NULL), NULL);
  CHECK(t.used == 5 && t.after_as_of == 2 && t.skipped_missing_scores == 0 &&
        t.skipped_missing_times == 0 && t.skipped_unknown_customers == 0);
  /* Customer 10: 9, 7, then 4 at day 190, followed up at day 195. */
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 0, NULL), NULL);
  CHECK(r.has_response == 1 && r.signed_up == 1 && r.n_responses == 3 && r.latest_row == 3);
  CHECK(r.score == 4 && r.segment == -1 && r.previous_score == 7 && r.score_change == -3);
  CHECK(r.segment_change == -1 && r.min_score == 4 && r.max_score == 9);
  CHECK_NEAR(r.mean_score, 20.0 / 3, 1e-12);
  CHECK(r.n_detractor_responses == 1 && r.days_since_response == 10);
  CHECK(r.days_since_first_response == 195 && r.tenure_days == 190 &&
        r.customer_age_days == 200);
  CHECK(r.early_life_detractor == 0 && r.detractor_followed_up == 1 &&
        r.days_to_follow_up == 5 && r.days_detractor_waiting == 0);
  /* Customer 20: a detractor answer at day 150 (tenure 50), waiting 50 days. */
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 1, NULL), NULL);
  CHECK(r.n_responses == 1 && r.score == 3 && isnan(r.previous_score) &&
        isnan(r.score_change) && r.segment_change == 0);
  CHECK(r.tenure_days == 50 && r.days_detractor_waiting == 50 && r.detractor_followed_up == 0 &&
        isnan(r.days_to_follow_up));
  /* Customer 30: a promoter with an unknown sign-up. */
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 2, NULL), NULL);
  CHECK(r.segment == 1 && isnan(r.tenure_days) && isnan(r.customer_age_days) &&
        r.signed_up == 1);
  /* Customer 40: no response, signs up 300 days after as_of. */
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 3, NULL), NULL);
  CHECK(r.has_response == 0 && r.signed_up == 0 && r.n_responses == 0 && r.latest_row == -1 &&
        r.segment == NPSCORE_NO_SEGMENT && isnan(r.score) && r.customer_age_days == -300);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_features_get(&r, f, 4, NULL), "index i is 4",
             "there are 4 customers", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_features_get(NULL, f, 0, NULL), "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_features_get(&r, NULL, 0, NULL), "f is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_features_totals(&t, NULL, NULL), "f is NULL", NULL);
  npscore_churn_features_free(f);
  /* As of day 193 the follow-up of day 195 has not happened: waiting 3 days. */
  f = features(193 * DAY_NS);
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 0, NULL), NULL);
  CHECK(r.detractor_followed_up == 0 && r.days_detractor_waiting == 3);
  npscore_churn_features_free(f);
  npscore_churn_features_free(NULL);
  CHECK(npscore_churn_features_size(NULL) == 0);
}

static void test_options_in_use(void) {
  /* A NaN score, a NaT time and an unknown customer, skipped and counted. */
  const int64_t customers[4] = {1, 1, 2, 9};
  const int64_t times[4] = {DAY_NS, NAT, 2 * DAY_NS, 3 * DAY_NS};
  const double scores[4] = {9, 8, NAN, 7};
  const int64_t ids[2] = {1, 2};
  const int64_t signup[2] = {0, 0};
  npscore_nps_options nps = NPSCORE_NPS_OPTIONS_INIT;
  npscore_churn_feature_options o = NPSCORE_CHURN_FEATURE_OPTIONS_INIT;
  npscore_churn_features *f = NULL;
  npscore_churn_feature_totals t;
  npscore_churn_feature_row r;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_F64, 4, NULL, ids,
                                        signup, 2, 10 * DAY_NS, &nps, &o, NULL),
             "response time at row 1 is missing", NULL);
  CHECK(f == NULL);
  nps.missing = NPSCORE_MISSING_SKIP;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_F64, 4, NULL, ids,
                                        signup, 2, 10 * DAY_NS, &nps, &o, NULL),
             "customer 9 at row 3 is not in the customer table", NULL);
  o.skip_unknown_customers = 1;
  o.early_life_days = 1.5; /* the answer at day 1 is early-life */
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_F64, 4, NULL, ids,
                                        signup, 2, 10 * DAY_NS, &nps, &o, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_totals(&t, f, NULL), NULL);
  CHECK(t.used == 1 && t.skipped_missing_scores == 1 && t.skipped_missing_times == 1 &&
        t.skipped_unknown_customers == 1);
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 0, NULL), NULL);
  CHECK(r.score == 9 && r.early_life_detractor == 0); /* a promoter */
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 1, NULL), NULL);
  CHECK(r.has_response == 0);
  npscore_churn_features_free(f);
  o.version = 7;
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_F64, 4, NULL, ids,
                                        signup, 2, 10 * DAY_NS, &nps, &o, NULL),
             "opts->version is 7", NULL);
  o.version = NPSCORE_CHURN_FEATURE_OPTIONS_VERSION;
  o.skip_unknown_customers = 2;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_F64, 4, NULL, ids,
                                        signup, 2, 10 * DAY_NS, &nps, &o, NULL),
             "opts->skip_unknown_customers is 2", NULL);
  o.skip_unknown_customers = 0;
  o.early_life_days = -1;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_F64, 4, NULL, ids,
                                        signup, 2, 10 * DAY_NS, &nps, &o, NULL),
             "early_life_days is -1", NULL);
}

static void test_errors(void) {
  npscore_churn_features *f = NULL;
  int32_t scores[7];
  int64_t times[7], ids[4];
  memcpy(scores, k_scores, sizeof scores);
  memcpy(times, k_times, sizeof times);
  memcpy(ids, k_ids, sizeof ids);
  scores[2] = 11;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, k_customers, k_times, scores, NPSCORE_I32, 7, NULL,
                                        k_ids, NULL, 4, 200 * DAY_NS, NULL, NULL, NULL),
             "score at row 2 is 11", NULL);
  /* Rows 2 and 3 of customer 10 at the same instant: the later row, 3, is its latest. */
  times[2] = 190 * DAY_NS;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, k_customers, times, k_scores, NPSCORE_I32, 7, NULL,
                                        k_ids, NULL, 4, 200 * DAY_NS, NULL, NULL, NULL),
             NULL);
  {
    npscore_churn_feature_row r;
    CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, 0, NULL), NULL);
    CHECK(r.latest_row == 3 && r.score == k_scores[3] && r.previous_score == k_scores[2]);
  }
  npscore_churn_features_free(f);
  f = NULL;
  ids[3] = 20;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, k_customers, k_times, k_scores, NPSCORE_I32, 7, NULL,
                                        ids, NULL, 4, 200 * DAY_NS, NULL, NULL, NULL),
             "customer id 20 appears twice in the customer table (rows 1 and 3)", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, k_customers, k_times, k_scores, NPSCORE_I32, 7, NULL,
                                        k_ids, NULL, 4, NAT, NULL, NULL, NULL),
             "as_of is missing", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, k_customers, k_times, k_scores, 42, 7,
                                        NULL, k_ids, NULL, 4, 0, NULL, NULL, NULL),
             "dtype is 42", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_features_new(NULL, k_customers, k_times, k_scores, NPSCORE_I32, 7,
                                        NULL, k_ids, NULL, 4, 0, NULL, NULL, NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_features_new(&f, NULL, k_times, k_scores, NPSCORE_I32, 7, NULL, k_ids,
                                        NULL, 4, 0, NULL, NULL, NULL),
             "customers is NULL but n is 7", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_features_new(&f, k_customers, NULL, k_scores, NPSCORE_I32, 7, NULL,
                                        k_ids, NULL, 4, 0, NULL, NULL, NULL),
             "times is NULL but n is 7", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_churn_features_new(&f, k_customers, k_times, k_scores, NPSCORE_I32, 7, NULL,
                                        NULL, NULL, 4, 0, NULL, NULL, NULL),
             "customer_ids is NULL but n is 4", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_features_new(&f, k_customers, k_times, (const char *)k_scores + 1,
                                        NPSCORE_I32, 6, NULL, k_ids, NULL, 4, 0, NULL, NULL, NULL),
             "scores is not aligned", NULL);
  /* Nothing at all: an empty table. */
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, NULL, NULL, NULL, NPSCORE_F64, 0, NULL, NULL, NULL, 0,
                                        0, NULL, NULL, NULL),
             NULL);
  CHECK(npscore_churn_features_size(f) == 0);
  npscore_churn_features_free(f);
}

static void test_labels_and_split(void) {
  /* as_of day 100, 90 days: churned day 50 and day 100 (before), day 150 and
   * day 190 (1), day 191 (0), never (0); signing up at day 120: not yet. */
  const int64_t churned[7] = {50 * DAY_NS, 100 * DAY_NS, 150 * DAY_NS, 190 * DAY_NS,
                              191 * DAY_NS, NAT, NAT};
  const int64_t signup[7] = {0, 0, 0, 0, 0, 0, 120 * DAY_NS};
  const int8_t want[7] = {-1, -1, 1, 1, 0, 0, -1};
  int8_t out[7];
  npscore_churn_label_totals t;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_labels(out, 7, &t, churned, signup, 7, 100 * DAY_NS, 90 * DAY_NS, NULL), NULL);
  CHECK(memcmp(out, want, sizeof want) == 0);
  CHECK(t.positives == 2 && t.negatives == 2 && t.churned_before == 2 &&
        t.not_yet_customers == 1);
  CHECK_CALL(NPSCORE_OK, npscore_churn_labels(out, 7, &t, churned, NULL, 7, 100 * DAY_NS, DAY_NS, NULL),
             NULL);
  CHECK(out[6] == 0 && t.not_yet_customers == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_labels(out, 7, &t, churned, NULL, 7, 0, 0, NULL),
             "horizon is 0 ns", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_churn_labels(out, 7, NULL, churned, NULL, 7, 0, 1, NULL), NULL);
  CHECK_CALL(NPSCORE_ERANGE, npscore_churn_labels(out, 6, &t, churned, NULL, 7, 0, 1, NULL),
             "out has capacity 6 but the result needs 7", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_churn_labels(out, 7, &t, NULL, NULL, 7, 0, 1, NULL),
             "churned_at is NULL", NULL);

  CHECK_CALL(NPSCORE_OK, npscore_churn_check_time_split(0, 90 * DAY_NS, 90 * DAY_NS, NAT, NULL), NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_check_time_split(0, 90 * DAY_NS, 90 * DAY_NS, 180 * DAY_NS, NULL), NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_check_time_split(0, 80 * DAY_NS, 90 * DAY_NS, NAT, NULL),
             "10 days after test_as_of", "leakage", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_churn_check_time_split(0, 90 * DAY_NS, 90 * DAY_NS, 170 * DAY_NS, NULL),
             "10 days after the end of observation", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_churn_check_time_split(0, 1, -5, NAT, NULL),
             "horizon is -5 ns", NULL);
}

int main(void) {
  setup();
  test_options();
  test_hand_example();
  test_options_in_use();
  test_errors();
  test_labels_and_split();
  return check_summary();
}
