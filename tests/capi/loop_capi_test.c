/* Tests of the loop section of the C ABI: the metrics of a case log worked
 * by hand (the same log as tests/cpp/loop_test.cc), the options' INIT
 * against _init(), a tiny recovery curve by hand, and the learned curve
 * against a known true curve (the default anchors): coverage of its 95%
 * intervals at the anchors, intervals shrinking with 4x the data, and the
 * anchors plugged into the contact queue. C99. */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "splitmix64.h"
#include "npscore/c_api.h"

#define HOUR_NS (3600LL * 1000000000LL)
#define T0 (1735689600LL * 1000000000LL) /* 2025-01-01 00:00 UTC */
#define NAT NPSCORE_MISSING_TIME

static int64_t at(double hours) { return T0 + (int64_t)(hours * (double)HOUR_NS); }


static void test_options(void) {
  npscore_loop_metrics_options m = NPSCORE_LOOP_METRICS_OPTIONS_INIT, mi;
  npscore_loop_recovery_options r = NPSCORE_LOOP_RECOVERY_OPTIONS_INIT, ri;
  memset(&mi, 0xff, sizeof mi);
  memset(&ri, 0xff, sizeof ri);
  CHECK_CALL(NPSCORE_OK, npscore_loop_metrics_options_init(&mi, 1, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_loop_recovery_options_init(&ri, 1, NULL), NULL);
  CHECK(mi.version == m.version && mi.sla_hours == m.sla_hours && m.sla_hours == 24.0 &&
        mi.confidence == m.confidence && m.confidence == 0.95);
  CHECK(ri.version == r.version && ri.min_bin_cases == r.min_bin_cases &&
        r.min_bin_cases == 30 && ri.confidence == r.confidence && ri.missing == r.missing &&
        r.missing == NPSCORE_MISSING_ERROR);
  CHECK_CALL(NPSCORE_EVERSION, npscore_loop_metrics_options_init(&mi, 2, NULL), "version is 2",
             NULL);
}

/* The hand-worked log of tests/cpp/loop_test.cc, as of 100 h. */
static void test_metrics(void) {
  const int64_t opened[9] = {at(0), at(0), at(0), at(0), at(90), at(0), at(10), at(200), at(0)};
  const int64_t contact[9] = {at(2), at(5), at(30), NAT, NAT, at(120), at(11), at(201), at(1)};
  const int64_t closed[9] = {NAT, NAT, at(40), at(50), NAT, NAT, NAT, NAT, NAT};
  const int32_t group[9] = {0, 0, 0, 0, 0, 0, 1, 1, -1};
  npscore_loop_group_metrics g[2], all;
  npscore_loop_metrics_counts counts;
  npscore_error err;
  CHECK_CALL(NPSCORE_OK,
             npscore_loop_metrics(g, 2, &all, &counts, opened, contact, closed, group, 2, NULL, 9,
                                  at(100), NULL, NULL),
             NULL);
  CHECK(g[0].cases == 6 && g[0].contacted == 3 && g[0].never_contacted == 1 &&
        g[0].backlog == 2);
  CHECK(g[0].median_hours_to_contact == 30 && isinf(g[0].p90_hours_to_contact));
  CHECK(g[0].sla_due == 5 && g[0].sla_met == 2);
  CHECK_NEAR(g[0].sla_ci_low, 0.1176, 1e-4);
  CHECK_NEAR(g[0].sla_ci_high, 0.7693, 1e-4);
  CHECK(g[0].backlog_median_age_hours == 10 && g[0].backlog_max_age_hours == 100);
  CHECK(g[1].cases == 1 && g[1].median_hours_to_contact == 1 && g[1].sla_met == 1);
  CHECK(isnan(g[1].backlog_max_age_hours));
  CHECK(all.cases == 7 && all.median_hours_to_contact == 30 && all.sla_due == 6);
  CHECK(counts.opened_after_as_of == 1 && counts.left_out == 1);

  /* Without groups: only the total. */
  CHECK_CALL(NPSCORE_OK,
             npscore_loop_metrics(NULL, 0, &all, NULL, opened, contact, closed, NULL, 0, NULL, 9,
                                  at(100), NULL, NULL),
             NULL);
  CHECK(all.cases == 8);

  /* Bad data: a contact before the opening, named with its row. */
  {
    int64_t bad[9];
    memcpy(bad, contact, sizeof bad);
    bad[2] = at(-1);
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_loop_metrics(g, 2, &all, NULL, opened, bad, closed, group, 2, NULL, 9,
                                    at(100), NULL, &err),
               "npscore_loop_metrics: first_contact_at at row 2 is 2024-12-31 23:00:00 UTC",
               NULL);
    CHECK(err.status == NPSCORE_EINVAL && strstr(err.message, "row 2") != NULL);
  }
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_loop_metrics(g, 1, &all, NULL, opened, contact, closed, group, 2, NULL, 9,
                                  at(100), NULL, NULL),
             "out has capacity 1", NULL);
}

static void test_tiny_curve(void) {
  /* tests/cpp/loop_test.cc TinyLogByHand: rates 0.75, 1, 1/3; the first two
   * pool to 5/6. */
  const double hours[11] = {0.5, 0.5, 0.5, 0.5, 2, 8, 48, 48, 48, -1, -1};
  const double recovered[11] = {1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 0};
  const double edges[2] = {1, 24};
  int64_t opened[11], contact[11];
  npscore_loop_recovery_bin bins[3];
  npscore_loop_recovery_summary s;
  npscore_loop_recovery_options o = NPSCORE_LOOP_RECOVERY_OPTIONS_INIT;
  size_t count = 0, i;
  for (i = 0; i < 11; ++i) {
    opened[i] = T0;
    contact[i] = hours[i] < 0 ? NAT : at(hours[i]);
  }
  o.min_bin_cases = 1;
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_loop_recovery_curve(bins, 2, &count, &s, opened, contact, recovered, 11,
                                         edges, 2, &o, NULL),
             "needs 3 elements", NULL);
  CHECK(count == 3);
  CHECK_CALL(NPSCORE_OK,
             npscore_loop_recovery_curve(bins, 3, &count, &s, opened, contact, recovered, 11,
                                         edges, 2, &o, NULL),
             NULL);
  CHECK(count == 3 && s.contacted == 9 && s.never_contacted == 2 && s.never_recovered == 1 &&
        s.blocks == 2);
  CHECK_NEAR(bins[0].probability, 5.0 / 6, 1e-15);
  CHECK_NEAR(bins[1].probability, 5.0 / 6, 1e-15);
  CHECK_NEAR(bins[2].probability, 1.0 / 3, 1e-15);
  CHECK_NEAR(bins[1].hours, sqrt(27.0) - 1, 1e-12);
  CHECK_NEAR(bins[2].ci_low, 0.0615, 1e-4);
  CHECK_NEAR(bins[2].ci_high, 0.7923, 1e-4);
  CHECK_NEAR(bins[0].ci_low, 0.3006, 1e-4); /* the bin's own 3/4 */
  CHECK_NEAR(bins[0].ci_high, 0.9544, 1e-4);
  CHECK(isinf(bins[2].upper_hours) && bins[2].lower_hours == 24);
}

/* Fits n cases drawn from the default curve (log1p(hours) uniform on
 * [0, log1p(240)]); adds to the covered and total anchor counts and the
 * summed interval width. Returns the number of bins. */
static size_t fit_known_truth(size_t n, int64_t *opened, int64_t *contact, double *hours,
                              double *truth, double *recovered, long *covered, long *total,
                              double *width, npscore_loop_recovery_bin *bins) {
  size_t i, count = 0;
  double at_anchor[NPSCORE_LOOP_DEFAULT_BINS], anchor_hours[NPSCORE_LOOP_DEFAULT_BINS];
  for (i = 0; i < n; ++i) {
    opened[i] = T0;
    contact[i] = at(expm1(uniform() * log1p(240.0)));
    hours[i] = (double)(contact[i] - T0) / (double)HOUR_NS;
  }
  CHECK_CALL(NPSCORE_OK, npscore_priority_recoverability(truth, n, hours, n, NULL, NULL, 0, NULL),
             NULL);
  for (i = 0; i < n; ++i) recovered[i] = uniform() < truth[i] ? 1 : 0;
  CHECK_CALL(NPSCORE_OK,
             npscore_loop_recovery_curve(bins, NPSCORE_LOOP_DEFAULT_BINS, &count, NULL, opened,
                                         contact, recovered, n, NULL, 0, NULL, NULL),
             NULL);
  for (i = 0; i < count; ++i) anchor_hours[i] = bins[i].hours;
  CHECK_CALL(NPSCORE_OK,
             npscore_priority_recoverability(at_anchor, count, anchor_hours, count, NULL, NULL, 0,
                                             NULL),
             NULL);
  for (i = 0; i < count; ++i) {
    *covered += bins[i].ci_low <= at_anchor[i] && at_anchor[i] <= bins[i].ci_high;
    *total += 1;
    *width += bins[i].ci_high - bins[i].ci_low;
  }
  return count;
}

/* The known-truth test: the default curve lies within the 95% intervals at
 * the anchors in at least 93% of (repetition, anchor) pairs (150
 * repetitions x 13 anchors: 0.02 below nominal is about 4 standard errors),
 * and 4x the data narrows the intervals to about half. */
static void test_known_truth(void) {
  enum { kSmall = 2000, kLarge = 8000, kReps = 150 };
  static int64_t opened[kLarge], contact[kLarge];
  static double hours[kLarge], truth[kLarge], recovered[kLarge];
  npscore_loop_recovery_bin bins[NPSCORE_LOOP_DEFAULT_BINS];
  long covered_small = 0, total_small = 0, covered_large = 0, total_large = 0;
  double width_small = 0, width_large = 0, share_small, share_large;
  int rep;
  size_t count = 0, i;
  npscore_priority_queue *queue = NULL;
  double anchor_hours[NPSCORE_LOOP_DEFAULT_BINS], anchor_p[NPSCORE_LOOP_DEFAULT_BINS];
  g_state = 20251205;
  for (rep = 0; rep < kReps; ++rep) {
    fit_known_truth(kSmall, opened, contact, hours, truth, recovered, &covered_small,
                    &total_small, &width_small, bins);
    count = fit_known_truth(kLarge, opened, contact, hours, truth, recovered, &covered_large,
                            &total_large, &width_large, bins);
  }
  share_small = (double)covered_small / (double)total_small;
  share_large = (double)covered_large / (double)total_large;
  printf("coverage n=%d: %.4f (mean width %.4f); n=%d: %.4f (mean width %.4f)\n", kSmall,
         share_small, width_small / (double)total_small, kLarge, share_large,
         width_large / (double)total_large);
  CHECK(share_small >= 0.93);
  CHECK(share_large >= 0.93);
  CHECK(width_large / (double)total_large < 0.6 * width_small / (double)total_small);
  CHECK(width_large / (double)total_large > 0.4 * width_small / (double)total_small);

  /* The last fit's anchors drive the contact queue. */
  for (i = 0; i < count; ++i) {
    anchor_hours[i] = bins[i].hours;
    anchor_p[i] = bins[i].probability;
  }
  {
    const double risk[2] = {0.5, 0.5}, clv[2] = {100, 100};
    const int8_t seg[2] = {-1, -1};
    const int64_t responded[2] = {at(0), at(0)};
    CHECK_CALL(NPSCORE_OK,
               npscore_priority_queue_new(&queue, risk, clv, seg, responded, NULL, NULL, 2, at(2),
                                          anchor_hours, anchor_p, count, NULL, 0, NULL, NULL),
               NULL);
    npscore_priority_queue_free(queue);
  }
}

int main(void) {
  test_options();
  test_metrics();
  test_tiny_curve();
  test_known_truth();
  return check_summary();
}
