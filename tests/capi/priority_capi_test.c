/* Tests of the priority module's C ABI (npscore/c_api.h), as a C99 caller
 * sees it. Expected values are worked out by hand beside each case (a curve
 * with exact values at its anchors, products of risk and CLV, the capacity
 * walk); every error path is checked for its status and message. Prints
 * "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

#define HOUR_NS (INT64_C(3600) * 1000000000)

static void test_options(void) {
  npscore_priority_options o;
  CHECK_CALL(NPSCORE_OK, npscore_priority_options_init(&o, NPSCORE_PRIORITY_OPTIONS_VERSION), NULL);
  CHECK(o.sla_hours == 24.0 && o.top == -1 && o.recovery_hours == NULL && o.n_owners == 0);
  CHECK_CALL(NPSCORE_EVERSION, npscore_priority_options_init(&o, 99), "version is 99", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_options_init(NULL, 1), "opts", NULL);
}

static void test_recoverability(void) {
  /* DOMAIN.md §5 anchors of the default curve. */
  const double hours[6] = {0, 1, 24, 72, 168, 1000};
  const double want[6] = {0.65, 0.65, 0.40, 0.10, 0.05, 0.05};
  double out[6];
  size_t i;
  CHECK_CALL(NPSCORE_OK, npscore_priority_recoverability(out, hours, 6, NULL, NULL, 0), NULL);
  for (i = 0; i < 6; ++i) CHECK_NEAR(out[i], want[i], 1e-15);
  {
    /* Two anchors: linear in log1p(hours); halfway in log1p is e^0.5 - 1. */
    const double ah[2] = {0, 1.718281828459045}, ap[2] = {0.8, 0.4};
    const double h = exp(0.5) - 1;
    CHECK_CALL(NPSCORE_OK, npscore_priority_recoverability(out, &h, 1, ah, ap, 2), NULL);
    CHECK_NEAR(out[0], 0.6, 1e-12);
  }
  {
    const double ah[2] = {0, 10}, ap[2] = {0.4, 0.5};
    const double bad = -1;
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_recoverability(out, hours, 1, ah, ap, 2),
               "must not rise", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_recoverability(out, &bad, 1, NULL, NULL, 0),
               "row 0 is -1", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_recoverability(out, hours, 1, ah, ap, 0),
               "0 anchors", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_priority_recoverability(out, hours, 1, ah, NULL, 2),
               "anchor_probability", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_priority_recoverability(NULL, hours, 1, NULL, NULL, 0),
               "out", NULL);
  }
}

/* The hand-checked queue: a curve of 1 up to 1 h, 0.5 at 24 h, 0.25 from
 * 72 h; hours since the answer 72, 0.5, 24, 0, 24, 24, 200. Priorities:
 * 650*0.25 = 162.5, 250, 325, 180, 162.5, 162.5, 2.5; the 162.5 tie goes to
 * row 0 (650 at risk), then rows 4 and 5 by row order. */
static void test_rank(void) {
  const double risk[7] = {0.5, 0.25, 1.0, 0.9, 0.5, 0.5, 0.1};
  const double clv[7] = {1300, 1000, 650, 200, 650, 650, 100};
  const int8_t seg[7] = {-1, 0, 1, -1, NPSCORE_NO_SEGMENT, 0, 1};
  const int64_t now = 1000 * HOUR_NS;
  int64_t at[7];
  const double ah[4] = {0, 1, 24, 72}, ap[4] = {1.0, 1.0, 0.5, 0.25};
  const int64_t caps[3] = {2, 3, 0};
  const int64_t want_rows[7] = {2, 1, 3, 0, 4, 5, 6};
  const int want_owner[7] = {1, 0, 1, 0, 1, -1, -1};
  const int want_overdue[7] = {0, 0, 0, 1, 0, 0, 1};
  npscore_priority_options o = NPSCORE_PRIORITY_OPTIONS_INIT;
  npscore_priority_queue *q = NULL;
  npscore_priority_entry e;
  npscore_priority_totals tot;
  size_t k;
  at[0] = now - 72 * HOUR_NS;
  at[1] = now - HOUR_NS / 2;
  at[2] = now - 24 * HOUR_NS;
  at[3] = now;
  at[4] = now - 24 * HOUR_NS;
  at[5] = now - 24 * HOUR_NS;
  at[6] = now - 200 * HOUR_NS;
  o.recovery_hours = ah;
  o.recovery_probability = ap;
  o.n_recovery = 4;
  o.capacities = caps;
  o.n_owners = 3;
  CHECK_CALL(NPSCORE_OK, npscore_priority_rank(&q, risk, clv, seg, at, 7, now, &o), NULL);
  CHECK(npscore_priority_queue_size(q) == 7);
  for (k = 0; k < 7; ++k) {
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, k), NULL);
    CHECK(e.row == want_rows[k]);
    CHECK(e.owner == want_owner[k]);
    CHECK(e.overdue == want_overdue[k]);
  }
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 0), NULL);
  CHECK(e.expected_recoverable == 325.0 && e.revenue_at_risk == 650.0 && e.recoverability == 0.5);
  CHECK(e.deadline == now && e.segment == 1);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 4), NULL);
  CHECK(e.segment == NPSCORE_NO_SEGMENT);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_totals(&tot, q), NULL);
  CHECK(tot.n_rows == 7);
  CHECK_NEAR(tot.revenue_at_risk, 650 + 250 + 650 + 180 + 325 + 325 + 10, 1e-9);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_get(&e, q, 7), "k is 7", "7 entries", NULL);
  npscore_priority_queue_free(q);

  /* Top 2 without times: no discount, ranked by risk * clv (650, 650, 325, ...). */
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  o.top = 2;
  CHECK_CALL(NPSCORE_OK, npscore_priority_rank(&q, risk, clv, NULL, NULL, 7, 0, &o), NULL);
  CHECK(npscore_priority_queue_size(q) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 0), NULL);
  CHECK(e.row == 0 && e.recoverability == 1.0 && isnan(e.hours_since_response) && e.overdue == 0);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 1), NULL);
  CHECK(e.row == 2 && e.deadline == INT64_MIN && e.owner == -1);
  npscore_priority_queue_free(q);
  npscore_priority_queue_free(NULL);
  CHECK(npscore_priority_queue_size(NULL) == 0);
}

static void test_rank_errors(void) {
  const double risk[2] = {0.1, 1.5}, ok_risk[2] = {0.1, 0.2}, clv[2] = {1, 2}, neg[2] = {1, -3};
  const int64_t nat[2] = {0, INT64_MIN};
  const int64_t caps[1] = {-1};
  npscore_priority_queue *q = (npscore_priority_queue *)&q; /* must be reset to NULL */
  npscore_priority_options o = NPSCORE_PRIORITY_OPTIONS_INIT;
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_rank(&q, risk, clv, NULL, NULL, 2, 0, NULL),
             "churn_risk at row 1 is 1.5", NULL);
  CHECK(q == NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_rank(&q, ok_risk, neg, NULL, NULL, 2, 0, NULL),
             "clv at row 1 is -3", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_rank(&q, ok_risk, clv, NULL, nat, 2, 5, NULL),
             "responded_at at row 1 is missing (NaT)", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_rank(&q, NULL, clv, NULL, NULL, 2, 0, NULL),
             "churn_risk", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_rank(NULL, ok_risk, clv, NULL, NULL, 2, 0, NULL),
             "out", NULL);
  o.sla_hours = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_rank(&q, ok_risk, clv, NULL, NULL, 2, 0, &o),
             "sla_hours is -1", NULL);
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  o.capacities = caps;
  o.n_owners = 1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_rank(&q, ok_risk, clv, NULL, NULL, 2, 0, &o),
             "capacity of owner 0 is -1", NULL);
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  o.version = 7;
  CHECK_CALL(NPSCORE_EVERSION, npscore_priority_rank(&q, ok_risk, clv, NULL, NULL, 2, 0, &o),
             "opts->version is 7", NULL);
  /* Nothing to rank is fine: an empty queue. */
  CHECK_CALL(NPSCORE_OK, npscore_priority_rank(&q, NULL, NULL, NULL, NULL, 0, 0, NULL), NULL);
  CHECK(npscore_priority_queue_size(q) == 0);
  npscore_priority_queue_free(q);
}

static void test_plays(void) {
  CHECK(strcmp(npscore_priority_play_name(-1), "recover") == 0);
  CHECK(strcmp(npscore_priority_play_name(0), "make_it_a_10") == 0);
  CHECK(strcmp(npscore_priority_play_name(1), "advocacy") == 0);
  CHECK(strcmp(npscore_priority_play_name(NPSCORE_NO_SEGMENT), "") == 0);
  CHECK(strcmp(npscore_priority_play_name(300), "") == 0);
  CHECK(strstr(npscore_priority_play_script(0), "What would make it a 10?") != NULL);
  CHECK(strcmp(npscore_priority_play_script(5), "") == 0);
}

int main(void) {
  (void)kZ95;
  test_options();
  test_recoverability();
  test_rank();
  test_rank_errors();
  test_plays();
  return check_summary();
}
