/* Tests of the survey section of the C ABI: cohort hashes pinned to values
 * computed by hand once (the same as tests/cpp/survey_test.cc and
 * tests/python/test_survey.py), each invitation rule, the options' INIT
 * against _init(), hand-derived Wald sample sizes, and the plans checked
 * against simulation (fixed seeds; tolerances of 4 Monte Carlo standard
 * errors). C99. */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "splitmix64.h"
#include "npscore/c_api.h"

#define DAY_NS (86400LL * 1000000000LL)


static npscore_nps_counts draw(int64_t n, double d, double pa) {
  npscore_nps_counts c = counts3(0, 0, 0);
  int64_t i;
  for (i = 0; i < n; ++i) {
    const double u = uniform();
    if (u < d) {
      ++c.detractors;
    } else if (u < d + pa) {
      ++c.passives;
    } else {
      ++c.promoters;
    }
  }
  return c;
}

static void test_hashes(void) {
  const char *ids[] = {"42", "-7", "customer-1", "Zo\xc3\xab", "a"};
  const int64_t ints[] = {42, -7, INT64_MAX, INT64_MIN};
  const uint64_t want[] = {0xa428ce5471163b02ull, 0x4beb90b267c136e1ull, 0x2cb00644b7ae349bull,
                           0xfb901a3b67663e5eull, 0x02c0bdbf481420f8ull};
  const uint64_t want_ints[] = {0xa428ce5471163b02ull, 0x4beb90b267c136e1ull,
                                0x6300418661f0632cull, 0x475032746ea8423bull};
  int32_t cohort[5];
  uint64_t hash[5];
  size_t i;
  CHECK_CALL(NPSCORE_OK, npscore_survey_cohorts(cohort, 5, hash, 5, NULL, ids, 5, 4, NULL), NULL);
  for (i = 0; i < 5; ++i) CHECK(hash[i] == want[i]);
  CHECK(cohort[0] == 2 && cohort[1] == 1 && cohort[2] == 3 && cohort[3] == 2 && cohort[4] == 0);
  CHECK_CALL(NPSCORE_OK, npscore_survey_cohorts(cohort, 4, hash, 4, ints, NULL, 4, 12, NULL),
             NULL);
  for (i = 0; i < 4; ++i) CHECK(hash[i] == want_ints[i]);
  CHECK(cohort[0] == 6 && cohort[1] == 1 && cohort[2] == 4 && cohort[3] == 3);
  /* The hash is optional. */
  CHECK_CALL(NPSCORE_OK, npscore_survey_cohorts(cohort, 1, NULL, 0, ints, NULL, 1, 4, NULL),
             NULL);
  CHECK(cohort[0] == 2);
}

static void test_options(void) {
  npscore_survey_invitation_options a = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT, b;
  memset(&b, 0xff, sizeof b);
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_invitation_options_init(&b, NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION,
                                                    NULL),
             NULL);
  CHECK(a.version == b.version);
  CHECK(a.min_days_between == b.min_days_between && a.min_days_between == 90.0);
  CHECK(a.cohorts == b.cohorts && a.cohorts == 4);
}

/* One customer per rule; as_of is 2025-03-15 12:00 UTC, month 662, cohort 2. */
static void test_rules(void) {
  const char *ids[] = {"42", "Zo\xc3\xab", "customer-1", "a", "-7"};
  const int64_t as_of = 1742040000LL * 1000000000LL;
  int64_t last[5];
  const uint8_t churned[5] = {0, 0, 0, 0, 1};
  const uint8_t open[5] = {0, 0, 1, 0, 0};
  int32_t reason[5], cohort[5];
  npscore_survey_invitation_counts counts;
  npscore_survey_invitation_options o = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT;
  last[0] = NPSCORE_MISSING_TIME;
  last[1] = as_of - 89 * DAY_NS;
  last[2] = NPSCORE_MISSING_TIME;
  last[3] = as_of - 90 * DAY_NS;
  last[4] = NPSCORE_MISSING_TIME;
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_invitations(reason, 5, cohort, 5, &counts, NULL, ids, last, churned,
                                        open, 5, as_of, NULL, NULL, NULL),
             NULL);
  CHECK(counts.month == (2025 - 1970) * 12 + 2 && counts.period_cohort == 2);
  CHECK(reason[0] == NPSCORE_SURVEY_INVITED);
  CHECK(reason[1] == NPSCORE_SURVEY_TOO_RECENT);
  CHECK(reason[2] == NPSCORE_SURVEY_OPEN_CASE);
  CHECK(reason[3] == NPSCORE_SURVEY_NOT_THIS_COHORT);
  CHECK(reason[4] == NPSCORE_SURVEY_CHURNED);
  CHECK(counts.invited == 1 && counts.churned == 1 && counts.open_case == 1 &&
        counts.too_recent == 1 && counts.not_this_cohort == 1);
  CHECK(cohort[0] == 2 && cohort[3] == 0 && cohort[4] == 1);
  /* Each rule can fail: relaxed, the customer's reason changes. */
  o.min_days_between = 89;
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_invitations(reason, 5, NULL, 0, NULL, NULL, ids, last, NULL, NULL, 5,
                                        as_of, "UTC", &o, NULL),
             NULL);
  CHECK(reason[1] == NPSCORE_SURVEY_INVITED);
  CHECK(reason[2] == NPSCORE_SURVEY_NOT_THIS_COHORT && reason[4] == NPSCORE_SURVEY_NOT_THIS_COHORT);
  /* In Berlin 2025-03-31 23:30 UTC is April: cohort 3 ("customer-1"). */
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_invitations(reason, 5, NULL, 0, &counts, NULL, ids, NULL, NULL, NULL,
                                        5, 1743463800LL * 1000000000LL, "Europe/Berlin", NULL,
                                        NULL),
             NULL);
  CHECK(counts.period_cohort == 3 && reason[2] == NPSCORE_SURVEY_INVITED);
  /* A repeated id names both rows. */
  {
    const int64_t dup[3] = {5, 9, 5};
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_survey_invitations(reason, 3, NULL, 0, NULL, dup, NULL, NULL, NULL, NULL,
                                          3, 0, NULL, NULL, NULL),
               "customer id 5 appears at rows 0 and 2", NULL);
  }
}

/* n = ceil(z^2 V 10^4 / m^2), V = p + d - (p - d)^2, by hand (see
 * tests/cpp/survey_test.cc): 938, 1879, 231. */
static void test_wald_by_hand(void) {
  int64_t n;
  double hw;
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_responses_needed(&n, &hw, 0.2, 0.3, 0.5, 5, NPSCORE_INTERVAL_WALD,
                                             0.95, NULL),
             NULL);
  CHECK(n == 938);
  CHECK_NEAR(hw, 100 * kZ95 * sqrt(0.61 / 938), 1e-9);
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_responses_needed(&n, NULL, 0.1, 0.2, 0.7, 3, NPSCORE_INTERVAL_WALD,
                                             0.95, NULL),
             NULL);
  CHECK(n == 1879);
  CHECK_CALL(NPSCORE_OK,
             npscore_survey_responses_needed(&n, NULL, 0.3, 0.4, 0.3, 10, NPSCORE_INTERVAL_WALD,
                                             0.95, NULL),
             NULL);
  CHECK(n == 231);
  {
    double d;
    CHECK_CALL(NPSCORE_OK,
               npscore_survey_detectable_change(&d, 0.2, 0.3, 0.5, 600, 600, 0.05, 0.8, NULL),
               NULL);
    CHECK_NEAR(d, 12.633047452288178, 1e-9);
  }
  /* One response at 20% with assurance 0.9: ceil(log 0.1 / log 0.8) = 11. */
  CHECK_CALL(NPSCORE_OK, npscore_survey_invitations_needed(&n, 1, 0.2, 0.9, NULL), NULL);
  CHECK(n == 11);
}

/* Intervals at the planned n cover the NPS at their level; the power at the
 * detectable change is the planned one (each within 4 Monte Carlo SE). */
static void test_simulation(void) {
  const int sims = 2000;
  const int32_t methods[3] = {NPSCORE_INTERVAL_WALD, NPSCORE_INTERVAL_ADJUSTED_WALD,
                              NPSCORE_INTERVAL_SCORE};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  int m, k;
  for (m = 0; m < 3; ++m) {
    int64_t n;
    int covered = 0;
    double coverage;
    CHECK_CALL(NPSCORE_OK,
               npscore_survey_responses_needed(&n, NULL, 0.2, 0.3, 0.5, 5, methods[m], 0.95,
                                               NULL),
               NULL);
    o.method = methods[m];
    g_state = 20251205;
    for (k = 0; k < sims; ++k) {
      npscore_nps_summary s;
      npscore_nps_counts c = draw(n, 0.2, 0.3);
      if (npscore_nps_summarize_counts(&s, &c, &o, NULL) != NPSCORE_OK) break;
      covered += s.ci_low <= 30 && 30 <= s.ci_high;
    }
    coverage = (double)covered / sims;
    CHECK_NEAR(coverage, 0.95, 4 * sqrt(0.95 * 0.05 / sims));
  }
  {
    double delta, shift, power;
    int rejected = 0;
    npscore_nps_options wald = NPSCORE_NPS_OPTIONS_INIT;
    wald.method = NPSCORE_INTERVAL_WALD;
    CHECK_CALL(NPSCORE_OK,
               npscore_survey_detectable_change(&delta, 0.2, 0.3, 0.5, 600, 600, 0.05, 0.8, NULL),
               NULL);
    shift = delta / 400; /* each period's shares move half the change */
    g_state = 677;
    for (k = 0; k < sims; ++k) {
      npscore_nps_summary a, b;
      npscore_nps_comparison cmp;
      npscore_nps_counts ca = draw(600, 0.2 + shift, 0.3);
      npscore_nps_counts cb = draw(600, 0.2 - shift, 0.3);
      npscore_nps_summarize_counts(&a, &ca, &wald, NULL);
      npscore_nps_summarize_counts(&b, &cb, &wald, NULL);
      if (npscore_nps_compare(&cmp, &b, &a, &wald, NULL) != NPSCORE_OK) break;
      rejected += cmp.p_value < 0.05;
    }
    power = (double)rejected / sims;
    CHECK_NEAR(power, 0.8, 4 * sqrt(0.8 * 0.2 / sims));
  }
  {
    /* Invitations for 100 responses at 25% with assurance 0.9: the exact
     * tail (a direct sum here) is >= 0.9 and < 0.9 one invitation fewer;
     * simulated draws reach the target that often. */
    int64_t n, j;
    double tail = 0, tail_less = 0, reached = 0;
    CHECK_CALL(NPSCORE_OK, npscore_survey_invitations_needed(&n, 100, 0.25, 0.9, NULL), NULL);
    for (j = 100; j <= n; ++j) {
      tail += exp(lgamma(n + 1.0) - lgamma(j + 1.0) - lgamma(n - j + 1.0) + j * log(0.25) +
                  (n - j) * log(0.75));
    }
    for (j = 100; j <= n - 1; ++j) {
      tail_less += exp(lgamma(n + 0.0) - lgamma(j + 1.0) - lgamma(n - j + 0.0) + j * log(0.25) +
                       (n - 1 - j) * log(0.75));
    }
    CHECK(tail >= 0.9 && tail_less < 0.9);
    g_state = 5;
    for (k = 0; k < 4000; ++k) {
      int64_t got = 0, i;
      for (i = 0; i < n; ++i) got += uniform() < 0.25;
      reached += got >= 100;
    }
    CHECK_NEAR(reached / 4000, tail, 4 * sqrt(tail * (1 - tail) / 4000));
  }
}

int main(void) {
  test_hashes();
  test_options();
  test_rules();
  test_wald_by_hand();
  test_simulation();
  return check_summary();
}
