/* Tests of the priority module's C ABI (npscore/c_api.h), as a C99 caller
 * sees it. Expected values are worked out by hand beside each case (a curve
 * with exact values at its anchors, products of risk and CLV, the capacity
 * walk); every error path is checked for its status and message. Prints
 * "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

#define HOUR_NS (INT64_C(3600) * 1000000000)

/* The macro and the function give the same value, field by field (the
 * function builds it from the C++ core's defaults); versions 1..current are
 * accepted, 0 and current + 1 are NPSCORE_EVERSION. */
static void test_options(void) {
  const npscore_priority_options init = NPSCORE_PRIORITY_OPTIONS_INIT;
  npscore_priority_options o;
  npscore_error err;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_priority_options_init(&o, 1, &err), NULL);
  CHECK(err.status == NPSCORE_OK && err.message[0] == '\0');
  CHECK(o.version == 1 && init.version == NPSCORE_PRIORITY_OPTIONS_VERSION);
  CHECK(o.sla_hours == init.sla_hours);
  CHECK(o.passive_sla_hours == init.passive_sla_hours);
  CHECK(o.promoter_sla_hours == init.promoter_sla_hours);
  CHECK(o.window_hours == init.window_hours);
  CHECK(o.urgency_hours == init.urgency_hours);
  CHECK(o.top == init.top);
  CHECK(o.threads == init.threads);
  CHECK(init.sla_hours == 24.0 && init.passive_sla_hours == 72.0 &&
        init.promoter_sla_hours == 168.0 && init.window_hours == -1.0 &&
        init.urgency_hours == 24.0 && init.top == -1 && init.threads == 0);
  CHECK_CALL(NPSCORE_EVERSION, npscore_priority_options_init(&o, 0, &err), "version is 0", NULL);
  CHECK(err.status == NPSCORE_EVERSION && strcmp(err.message, npscore_last_error_message()) == 0);
  CHECK_CALL(NPSCORE_EVERSION,
             npscore_priority_options_init(&o, NPSCORE_PRIORITY_OPTIONS_VERSION + 1, NULL),
             "version is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_options_init(NULL, 1, NULL), "opts", NULL);
}

static void test_recoverability(void) {
  /* docs/sources.md §5 anchors of the default curve. */
  const double hours[6] = {0, 1, 24, 72, 168, 1000};
  const double want[6] = {0.65, 0.65, 0.40, 0.10, 0.05, 0.05};
  double out[6];
  size_t i;
  CHECK_CALL(NPSCORE_OK, npscore_priority_recoverability(out, 6, hours, 6, NULL, NULL, 0, NULL), NULL);
  for (i = 0; i < 6; ++i) CHECK_NEAR(out[i], want[i], 1e-15);
  {
    /* Two anchors: linear in log1p(hours); halfway in log1p is e^0.5 - 1. */
    const double ah[2] = {0, 1.718281828459045}, ap[2] = {0.8, 0.4};
    const double h = exp(0.5) - 1;
    CHECK_CALL(NPSCORE_OK, npscore_priority_recoverability(out, 1, &h, 1, ah, ap, 2, NULL), NULL);
    CHECK_NEAR(out[0], 0.6, 1e-12);
  }
  {
    const double ah[2] = {0, 10}, ap[2] = {0.4, 0.5};
    const double bad = -1;
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_recoverability(out, 1, hours, 1, ah, ap, 2, NULL),
               "must not rise", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_recoverability(out, 1, &bad, 1, NULL, NULL, 0, NULL),
               "row 0 is -1", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_recoverability(out, 1, hours, 1, ah, ap, 0, NULL),
               "0 anchors", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_priority_recoverability(out, 1, hours, 1, ah, NULL, 2, NULL),
               "anchor_probability", NULL);
    CHECK_CALL(NPSCORE_ENULL, npscore_priority_recoverability(NULL, 1, hours, 1, NULL, NULL, 0, NULL),
               "out is NULL", NULL);
    CHECK_CALL(NPSCORE_ERANGE, npscore_priority_recoverability(out, 5, hours, 6, NULL, NULL, 0, NULL),
               "out has capacity 5 but the result needs 6", NULL);
  }
}

/* The hand-checked queues (as in tests/cpp/priority_test.cc): a curve with
 * anchors every 24 h, r(0) = 1, r(24) = 0.5, r(48) = 0.3, r(72) = 0.25, so
 * the window is 72 h and the urgency r(h) - r(h + 24) is 0.5 at 0 h, 0.2 at
 * 24 h, 0.05 at 48 h. recover: row 3 (180 * 0.5 = 90), row 0 (650 * 0.05 =
 * 32.5); row 7 was contacted 2 h after its answer, row 8 is closed, row 9
 * (80 h) is missed. make_it_a_10: row 1 (250 * 0.5), row 5 (325 * 0.2).
 * advocacy: row 2 by its CLV 650 (row 6, 200 h: missed). No segment: row 4. */
static void test_rank(void) {
  const double risk[10] = {0.5, 0.25, 1.0, 0.9, 0.5, 0.5, 0.1, 0.2, 1.0, 0.4};
  const double clv[10] = {1300, 1000, 650, 200, 650, 650, 100, 1000, 5000, 1000};
  const int8_t seg[10] = {-1, 0, 1, -1, NPSCORE_NO_SEGMENT, 0, 1, -1, -1, -1};
  const uint8_t closed[10] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
  const int64_t now = 1000 * HOUR_NS;
  int64_t at[10], contacted[10];
  const double ah[4] = {0, 24, 48, 72}, ap[4] = {1.0, 0.5, 0.3, 0.25};
  const int64_t caps[3] = {2, 3, 0};
  const int64_t want_rows[6] = {3, 0, 1, 5, 2, 4};
  const double want_priority[6] = {90, 32.5, 125, 65, 650, 65};
  const int want_owner[6] = {1, 0, 1, 0, 1, -1};
  const int want_overdue[6] = {0, 1, 0, 0, 0, 0};
  npscore_priority_options o = NPSCORE_PRIORITY_OPTIONS_INIT;
  npscore_priority_queue *q = NULL;
  npscore_priority_case e;
  npscore_priority_case c;
  npscore_priority_summary sum;
  npscore_priority_missed m;
  npscore_priority_totals tot;
  size_t k;
  const int64_t hours_ago[10] = {48, 0, 24, 0, 24, 24, 200, 30, 100, 80};
  for (k = 0; k < 10; ++k) {
    at[k] = now - hours_ago[k] * HOUR_NS;
    contacted[k] = INT64_MIN;
  }
  contacted[3] = now + HOUR_NS;       /* after now: not yet made */
  contacted[7] = now - 28 * HOUR_NS;  /* 2 h after the answer */
  CHECK(o.version == 1 && o.passive_sla_hours == 72.0 && o.promoter_sla_hours == 168.0);
  CHECK(o.window_hours == -1.0 && o.urgency_hours == 24.0);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_new(&q, risk, clv, seg, at, contacted, closed, 10,
                                                     now, ah, ap, 4, caps, 3, &o, NULL), NULL);
  CHECK(npscore_priority_queue_size(q) == 6);
  for (k = 0; k < 6; ++k) {
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, k, NULL), NULL);
    CHECK(e.row == want_rows[k]);
    CHECK(e.owner == want_owner[k]);
    CHECK(e.overdue == want_overdue[k]);
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&c, q, k, NULL), NULL);
    CHECK(c.row == want_rows[k] && c.owner == want_owner[k] && c.overdue == want_overdue[k]);
    CHECK_NEAR(c.priority, want_priority[k], 1e-12);
  }
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&c, q, 1, NULL), NULL);
  CHECK_NEAR(c.urgency, 0.05, 1e-15);
  CHECK(c.recoverability == 0.3 && c.revenue_at_risk == 650.0 && c.segment == -1);
  CHECK_NEAR(c.expected_recoverable, 195, 1e-12);
  CHECK(c.deadline == now - 24 * HOUR_NS && c.hours_since_response == 48.0);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&c, q, 4, NULL), NULL);
  CHECK(c.segment == 1 && isnan(c.recoverability) && isnan(c.urgency));
  CHECK(c.deadline == now - 24 * HOUR_NS + 168 * HOUR_NS);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_summary(&sum, q, NULL), NULL);
  CHECK(sum.queued[0] == 2 && sum.queued[1] == 2 && sum.queued[2] == 1 && sum.queued[3] == 1);
  CHECK(sum.contacted[0] == 1 && sum.closed[0] == 1 && sum.missed[0] == 1 && sum.missed[2] == 1);
  CHECK(sum.detractors_due == 3 && sum.detractors_within_sla == 1 && sum.window_hours == 72.0);
  CHECK(npscore_priority_missed_size(q) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_priority_missed_get(&m, q, 0, NULL), NULL);
  CHECK(m.row == 9 && m.segment == -1 && m.revenue_at_risk == 400.0);
  CHECK_CALL(NPSCORE_OK, npscore_priority_missed_get(&m, q, 1, NULL), NULL);
  CHECK(m.row == 6 && m.segment == 1);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_missed_get(&m, q, 2, NULL), "k is 2", "2 entries", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_get(&c, q, 6, NULL), "k is 6", "6 entries", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_totals(&tot, q, NULL), NULL);
  CHECK(tot.n_rows == 10);
  CHECK_NEAR(tot.revenue_at_risk, 650 + 250 + 650 + 180 + 325 + 325 + 10 + 200 + 5000 + 400, 1e-9);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_get(&e, q, 6, NULL), "k is 6", "6 entries", NULL);
  npscore_priority_queue_free(q);
  CHECK(npscore_priority_missed_size(NULL) == 0);

  /* Per-play SLAs and the window: recover 72 h, passives 12 h, no window.
   * Row 9 is live again (urgency r(80) - r(104) = 0) and overdue (80 h >
   * 72 h), as are the passive row 5 (24 h > 12 h) and the promoter row 6
   * (200 h > 168 h); row 0 (48 h) is no longer overdue. */
  {
    const int64_t rows2[8] = {3, 0, 9, 1, 5, 2, 6, 4};
    const int overdue2[8] = {0, 0, 1, 0, 1, 0, 1, 0};
    o.sla_hours = 72;
    o.passive_sla_hours = 12;
    o.window_hours = INFINITY;
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_new(&q, risk, clv, seg, at, contacted, closed,
                                                       10, now, ah, ap, 4, NULL, 0, &o, NULL), NULL);
    CHECK(npscore_priority_queue_size(q) == 8 && npscore_priority_missed_size(q) == 0);
    for (k = 0; k < 8; ++k) {
      CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, k, NULL), NULL);
      CHECK(e.row == rows2[k] && e.overdue == overdue2[k]);
    }
    npscore_priority_queue_free(q);
  }

  /* Top 2 without times or segments: no discount, no window, ranked by
   * risk * clv (5000, 650, 650, ...). */
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  o.top = 2;
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_new(&q, risk, clv, NULL, NULL, NULL, NULL, 10, 0, NULL, NULL, 0, NULL, 0, &o, NULL), NULL);
  CHECK(npscore_priority_queue_size(q) == 2);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 0, NULL), NULL);
  CHECK(e.row == 8 && e.recoverability == 1.0 && isnan(e.hours_since_response) && e.overdue == 0);
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 1, NULL), NULL);
  CHECK(e.row == 0 && e.deadline == INT64_MIN && e.owner == -1);
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
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_new(&q, risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, NULL, NULL),
             "churn_risk at row 1 is 1.5", NULL);
  CHECK(q == NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_new(&q, ok_risk, neg, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, NULL, NULL),
             "clv at row 1 is -3", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_new(&q, ok_risk, clv, NULL, nat, NULL, NULL, 2, 5, NULL, NULL, 0, NULL, 0, NULL, NULL),
             "responded_at at row 1 is missing (NaT)", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_queue_new(&q, NULL, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, NULL, NULL),
             "churn_risk", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_queue_new(NULL, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, NULL, NULL),
             "out", NULL);
  o.sla_hours = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_new(&q, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, &o, NULL),
             "sla_hours is -1", NULL);
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_new(&q, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, caps, 1, &o, NULL),
             "capacity of owner 0 is -1", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_queue_new(&q, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 1, &o, NULL),
             "capacities is NULL but n is 1", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_queue_new(&q, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 2, NULL, 0, &o, NULL),
             "recovery_hours is NULL but n is 2", NULL);
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  o.window_hours = 0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_queue_new(&q, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, &o, NULL),
             "window_hours is 0", NULL);
  o = (npscore_priority_options)NPSCORE_PRIORITY_OPTIONS_INIT;
  {
    const int64_t at[2] = {0, 2}, early[2] = {INT64_MIN, 1};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_priority_queue_new(&q, ok_risk, clv, NULL, at, early, NULL, 2, 5, NULL, NULL, 0, NULL, 0, NULL, NULL),
               "contacted_at at row 1 is 1 ns, before responded_at (2 ns)", NULL);
  }
  o.version = 7;
  CHECK_CALL(NPSCORE_EVERSION, npscore_priority_queue_new(&q, ok_risk, clv, NULL, NULL, NULL, NULL, 2, 0, NULL, NULL, 0, NULL, 0, &o, NULL),
             "opts->version is 7", NULL);
  /* Nothing to rank is fine: an empty queue. */
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_new(&q, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, NULL, 0, NULL, NULL), NULL);
  CHECK(npscore_priority_queue_size(q) == 0);
  npscore_priority_queue_free(q);
}

/* The play's name of a segment code (or "" for none), through the string rule. */
static const char *play(int32_t segment) {
  const char *name = NULL;
  CHECK_CALL(NPSCORE_OK, npscore_priority_play_name(&name, segment, NULL), NULL);
  return name != NULL ? name : "(NULL)";
}

static void test_plays(void) {
  const char *text = NULL;
  CHECK(strcmp(play(-1), "recover") == 0);
  CHECK(strcmp(play(0), "make_it_a_10") == 0);
  CHECK(strcmp(play(1), "advocacy") == 0);
  CHECK(strcmp(play(NPSCORE_NO_SEGMENT), "") == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_play_name(&text, 300, NULL), "segment is 300", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_priority_play_script(&text, 0, NULL), NULL);
  CHECK(text != NULL && strstr(text, "What would make it a 10?") != NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_priority_play_script(&text, 5, NULL), "segment is 5", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_play_script(NULL, 0, NULL), "out is NULL", NULL);
}

/* Revenue at risk by hand: group 0 = rows 0, 2 (0.5 x 100 + 0.1 x 300 = 80 of
   CLV 400); group 1 = row 3 (0.9 x 0: nothing at risk); row 1 left out (-1);
   group 2 empty. Total at risk 80 of CLV 400. */
static void test_revenue_at_risk(void) {
  const double risk[4] = {0.5, 0.99, 0.1, 0.9};
  const double clv[4] = {100, 1e9, 300, 0};
  const int32_t codes[4] = {0, -1, 0, 1};
  npscore_priority_risk_group g[3];
  double total_clv = -1, total_risk = -1;
  npscore_error err;
  CHECK_CALL(NPSCORE_OK, npscore_priority_revenue_at_risk(g, 3, &total_clv, &total_risk, risk, clv,
                                                          4, codes, 3, NULL),
             NULL);
  CHECK(g[0].customers == 2 && g[1].customers == 1 && g[2].customers == 0);
  CHECK_NEAR(g[0].clv, 400, 1e-12);
  CHECK_NEAR(g[0].revenue_at_risk, 80, 1e-12);
  CHECK_NEAR(g[0].share_of_risk, 1.0, 1e-15);
  CHECK_NEAR(g[0].risk_rate, 0.2, 1e-15);
  CHECK_NEAR(g[0].mean_churn_risk, 0.3, 1e-15);
  CHECK_NEAR(g[0].expected_churners, 0.6, 1e-15);
  CHECK(g[1].revenue_at_risk == 0 && g[1].share_of_risk == 0 && isnan(g[1].risk_rate));
  CHECK_NEAR(g[1].expected_churners, 0.9, 1e-15);
  CHECK(isnan(g[2].mean_churn_risk) && isnan(g[2].risk_rate) && g[2].expected_churners == 0);
  CHECK_NEAR(total_clv, 400, 1e-12);
  CHECK_NEAR(total_risk, 80, 1e-12);
  /* Without codes: one group of every row. */
  CHECK_CALL(NPSCORE_OK, npscore_priority_revenue_at_risk(g, 1, &total_clv, &total_risk, risk, clv,
                                                          4, NULL, 99, NULL),
             NULL);
  CHECK(g[0].customers == 4);
  CHECK_NEAR(g[0].revenue_at_risk, 80 + 0.99e9, 1e-3);
  /* Too small an output, a bad risk named by row, a code outside. */
  CHECK_CALL(NPSCORE_ERANGE, npscore_priority_revenue_at_risk(g, 2, &total_clv, &total_risk, risk,
                                                              clv, 4, codes, 3, &err),
             "out", NULL);
  CHECK(err.status == NPSCORE_ERANGE);
  {
    const double bad[4] = {0.5, 1.5, 0.1, 0.9};
    const int32_t outside[4] = {0, 0, 3, 0};
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_revenue_at_risk(g, 3, &total_clv, &total_risk, bad,
                                                                clv, 4, codes, 3, NULL),
               "row 1", "1.5", NULL);
    CHECK_CALL(NPSCORE_EINVAL, npscore_priority_revenue_at_risk(g, 3, &total_clv, &total_risk,
                                                                risk, clv, 4, outside, 3, NULL),
               "row 2 is 3", NULL);
  }
  CHECK_CALL(NPSCORE_ENULL, npscore_priority_revenue_at_risk(g, 3, NULL, &total_risk, risk, clv, 4,
                                                             codes, 3, NULL),
             "out_total_clv is NULL", NULL);
}

int main(void) {
  (void)kZ95;
  test_options();
  test_recoverability();
  test_rank();
  test_rank_errors();
  test_plays();
  test_revenue_at_risk();
  return check_summary();
}
