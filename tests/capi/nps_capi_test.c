/* Tests of the nps module's C ABI (npscore/c_api.h), as a C99 caller sees it.
 *
 * Expected values come from the R package NPS's unit tests and from formulas
 * worked out by hand beside each case (Wald, adjusted Wald, Kish's effective
 * n, the two-sample Wald test), never from the core called a second way.
 * Every error path is checked for its status and for a message that names
 * the argument, row and value. Prints "N passed, M failed"; exits non-zero
 * on any failure. */

#define _POSIX_C_SOURCE 200809L /* pthreads under -std=c99 */

#include <pthread.h>

#include "check.h"

static npscore_nps_options wald(void) {
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  o.method = NPSCORE_INTERVAL_WALD;
  return o;
}

/* Scores 0 (detractor), 7 (passive), 10 (promoter) as doubles. */
static void fill_scores(double *s, int d, int pa, int p) {
  int i = 0, k;
  for (k = 0; k < d; ++k) s[i++] = 0;
  for (k = 0; k < pa; ++k) s[i++] = 7;
  for (k = 0; k < p; ++k) s[i++] = 10;
}

/* --- Version and the error message ---------------------------------------- */

static void test_version(void) {
  CHECK(npscore_version_number() == NPSCORE_VERSION_NUMBER);
  CHECK(strcmp(npscore_version_string(), NPSCORE_VERSION_STRING) == 0);
  CHECK(NPSCORE_VERSION_NUMBER ==
        NPSCORE_VERSION_MAJOR * 10000 + NPSCORE_VERSION_MINOR * 100 + NPSCORE_VERSION_PATCH);
}

static void test_message_never_null_and_cleared(void) {
  npscore_nps_counts c = counts3(1, 2, 3);
  npscore_nps_summary s;
  CHECK(npscore_last_error_message() != NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_summarize_counts(NULL, &c, NULL, NULL), "out", NULL);
  CHECK(npscore_last_error_message() != NULL);
  CHECK(npscore_last_error_message()[0] != '\0');
  /* A successful call clears it. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, NULL, NULL), NULL);
  CHECK(strcmp(npscore_last_error_message(), "") == 0);
}

/* --- Options ----------------------------------------------------------------- */

static void test_options(void) {
  npscore_nps_options o;
  const npscore_nps_options init = NPSCORE_NPS_OPTIONS_INIT;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_nps_options_init(&o, NPSCORE_NPS_OPTIONS_VERSION, NULL), NULL);
  CHECK(o.version == 1 && init.version == 1);
  CHECK(o.detractor_max == 6 && o.passive_max == 8 && o.scale_max == 10);
  CHECK(o.missing == NPSCORE_MISSING_ERROR);
  CHECK(o.method == NPSCORE_INTERVAL_ADJUSTED_WALD);
  CHECK(o.confidence == 0.95 && o.min_n == 30.0);
  CHECK(init.detractor_max == o.detractor_max && init.passive_max == o.passive_max &&
        init.scale_max == o.scale_max && init.missing == o.missing &&
        init.method == o.method && init.confidence == o.confidence &&
        init.min_n == o.min_n);
  CHECK_CALL(NPSCORE_EVERSION, npscore_nps_options_init(&o, 99, NULL), "version is 99", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_options_init(NULL, 1, NULL), "opts is NULL", NULL);
}

/* --- Published figures and hand derivations ------------------------------ */

/* R package NPS (B. Rocks) unit tests, scaled to -100..100. */
static void test_r_package_figures(void) {
  npscore_nps_options o = wald();
  npscore_nps_summary s;
  npscore_nps_counts c = counts3(1, 2, 3);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, &o, NULL), NULL);
  CHECK_NEAR(s.nps, 100.0 / 3, 1e-9);
  CHECK_NEAR(s.se, 30.42903097, 1e-7);
  CHECK(s.n == 6 && s.detractors == 1 && s.passives == 2 && s.promoters == 3);
  CHECK(s.n_effective == 6 && s.skipped == 0);
  c = counts3(1, 0, 1);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, &o, NULL), NULL);
  CHECK_NEAR(s.se, 70.71067812, 1e-7);
  c = counts3(0, 1, 1);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, &o, NULL), NULL);
  CHECK_NEAR(s.se, 35.35533906, 1e-7);
  c = counts3(1, 1, 1);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, &o, NULL), NULL);
  CHECK_NEAR(s.se, 47.14045208, 1e-7);
}

/* R package NPS: scores 1..15 with cut-offs (6, 8) on a 0-15 scale. */
static void test_fifteen_point_scale(void) {
  int32_t scores[15];
  npscore_nps_options o = wald();
  npscore_nps_counts c;
  npscore_nps_summary s;
  int i;
  for (i = 0; i < 15; ++i) scores[i] = i + 1;
  o.scale_max = 15;
  CHECK_CALL(NPSCORE_OK, npscore_nps_count(&c, scores, NPSCORE_I32, 15, &o, NULL), NULL);
  CHECK(c.detractors == 6 && c.passives == 2 && c.promoters == 7 && c.skipped == 0);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&s, scores, NPSCORE_I32, 15, NULL, &o, NULL), NULL);
  CHECK_NEAR(s.nps, 100.0 / 15, 1e-9);
  /* With the default 0-10 scale, 11..15 are out of it: row 10 holds 11. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, NPSCORE_I32, 15, NULL, NULL),
             "npscore_nps_count", "row 10", "is 11", "0..10", NULL);
}

/* 20/30/50: p = .5, d = .2, V = (p + d) - (p - d)^2 = .7 - .09 = .61. */
static void test_wald_interval_by_hand(void) {
  double scores[100];
  npscore_nps_options o = wald();
  npscore_nps_summary s;
  const double se = 100 * sqrt(0.61 / 100);
  fill_scores(scores, 20, 30, 50);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&s, scores, NPSCORE_F64, 100, NULL, &o, NULL), NULL);
  CHECK(s.n == 100 && s.detractors == 20 && s.passives == 30 && s.promoters == 50);
  CHECK_NEAR(s.nps, 30, 1e-12);
  CHECK_NEAR(s.se, se, 1e-10);
  CHECK_NEAR(s.ci_low, 30 - kZ95 * se, 1e-9);
  CHECK_NEAR(s.ci_high, 30 + kZ95 * se, 1e-9);
  CHECK(s.method == NPSCORE_INTERVAL_WALD && s.confidence == 0.95);
  /* 90%: z = 1.6448536269514722. */
  o.confidence = 0.90;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&s, scores, NPSCORE_F64, 100, NULL, &o, NULL), NULL);
  CHECK_NEAR(s.ci_high, 30 + 1.6448536269514722 * se, 1e-9);
  CHECK(s.confidence == 0.90);
}

/* Rocks (2016): add 0.75 / 1.5 / 0.75 pseudo-respondents, then Wald. */
static void test_adjusted_wald_by_hand(void) {
  npscore_nps_counts c = counts3(20, 30, 50);
  npscore_nps_summary s;
  const double d = 20.75, p = 50.75, n = 103;
  const double est = (p - d) / n;
  const double v = (p + d) / n - est * est;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, NULL, NULL), NULL);
  CHECK(s.method == NPSCORE_INTERVAL_ADJUSTED_WALD);
  CHECK_NEAR(s.nps, 30, 1e-12);
  CHECK_NEAR(s.ci_low, 100 * (est - kZ95 * sqrt(v / n)), 1e-9);
  CHECK_NEAR(s.ci_high, 100 * (est + kZ95 * sqrt(v / n)), 1e-9);
}

/* The score interval: no closed form, so its invariants. */
static void test_score_interval_invariants(void) {
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_counts c = counts3(20, 30, 50);
  npscore_nps_summary s, w;
  o.method = NPSCORE_INTERVAL_SCORE;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, &o, NULL), NULL);
  CHECK(s.method == NPSCORE_INTERVAL_SCORE);
  CHECK(s.ci_low < s.nps && s.nps < s.ci_high);
  CHECK(s.ci_low >= -100 && s.ci_high <= 100);
  /* Close to Wald at n = 100 (within 2 points). */
  o.method = NPSCORE_INTERVAL_WALD;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&w, &c, &o, NULL), NULL);
  CHECK(fabs(s.ci_low - w.ci_low) < 2 && fabs(s.ci_high - w.ci_high) < 2);
  /* All promoters: the interval reaches 100 and stays within the scale. */
  c = counts3(0, 0, 10);
  o.method = NPSCORE_INTERVAL_SCORE;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, &o, NULL), NULL);
  CHECK(s.nps == 100 && s.ci_high == 100 && s.ci_low < 100 && s.ci_low > -100);
}

/* a = 20/30/50 (V .61), b = 30/30/40 (V = .7 - .01 = .69), n = 100 each. */
static void test_compare_by_hand(void) {
  npscore_nps_options o = wald();
  npscore_nps_counts ca = counts3(20, 30, 50), cb = counts3(30, 30, 40);
  npscore_nps_summary a, b;
  npscore_nps_comparison cmp;
  const double se = 100 * sqrt(0.0061 + 0.0069);
  const double z = 20 / se;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&a, &ca, &o, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&b, &cb, &o, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare(&cmp, &a, &b, &o, NULL), NULL);
  CHECK_NEAR(cmp.diff, 20, 1e-12);
  CHECK_NEAR(cmp.se, se, 1e-10);
  CHECK_NEAR(cmp.z, z, 1e-10);
  CHECK_NEAR(cmp.p_value, erfc(z / sqrt(2.0)), 1e-12);
  CHECK_NEAR(cmp.ci_low, 20 - kZ95 * se, 1e-9);
  CHECK_NEAR(cmp.ci_high, 20 + kZ95 * se, 1e-9);
  CHECK(cmp.method == NPSCORE_INTERVAL_WALD && cmp.confidence == 0.95);
  /* Swapping the samples flips the sign. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare(&cmp, &b, &a, &o, NULL), NULL);
  CHECK_NEAR(cmp.diff, -20, 1e-12);
  CHECK_NEAR(cmp.p_value, erfc(z / sqrt(2.0)), 1e-12);
  /* Other methods: an interval around the difference. */
  o.method = NPSCORE_INTERVAL_SCORE;
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare(&cmp, &a, &b, &o, NULL), NULL);
  CHECK(cmp.ci_low < 20 && 20 < cmp.ci_high);
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare(&cmp, &a, &b, NULL, NULL), NULL);
  CHECK(cmp.method == NPSCORE_INTERVAL_ADJUSTED_WALD && cmp.ci_low < 20 && 20 < cmp.ci_high);
  /* The default (adjusted Wald) takes its p-value from its own statistic:
   * a + (.375, .75, .375) = (20.375, 30.75, 50.375), n 101.5, and
   * b + the same = (30.375, 30.75, 40.375). */
  {
    const double na = 101.5, da = 20.375 / na, pa = 50.375 / na;
    const double db = 30.375 / na, pb = 40.375 / na;
    const double va = (pa + da) - (pa - da) * (pa - da), vb = (pb + db) - (pb - db) * (pb - db);
    const double d = 100 * ((pa - da) - (pb - db)), se_adj = 100 * sqrt(va / na + vb / na);
    CHECK_NEAR(cmp.z, d / se_adj, 1e-10);
    CHECK_NEAR(cmp.p_value, erfc(fabs(d / se_adj) / sqrt(2.0)), 1e-12);
    CHECK_NEAR(cmp.ci_low, d - kZ95 * se_adj, 1e-9);
    CHECK_NEAR(cmp.ci_high, d + kZ95 * se_adj, 1e-9);
  }
}

/* --- Compare with a chosen test ------------------------------------------------- */

static void test_compare_test(void) {
  npscore_nps_compare_options o;
  const npscore_nps_compare_options init = NPSCORE_NPS_COMPARE_OPTIONS_INIT;
  npscore_nps_counts ct = counts3(0, 0, 5), cz = counts3(5, 0, 0);
  npscore_nps_summary tens, zeros;
  npscore_nps_comparison cmp;
  int32_t kind;
  memset(&o, 0x5a, sizeof o);
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare_options_init(&o, NPSCORE_NPS_COMPARE_OPTIONS_VERSION,
                                                          NULL),
             NULL);
  CHECK(o.version == 1 && init.version == 1 && o.method == NPSCORE_INTERVAL_SCORE);
  CHECK(o.confidence == 0.95 && o.test == NPSCORE_COMPARE_AUTO);
  CHECK_CALL(NPSCORE_EVERSION, npscore_nps_compare_options_init(&o, 7, NULL), "version is 7", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&tens, &ct, NULL, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&zeros, &cz, NULL, NULL), NULL);
  /* Five 10s against five 0s: 2 of the C(10, 5) = 252 splits are as extreme. */
  o.test = NPSCORE_COMPARE_EXACT;
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare_test(&cmp, &kind, &tens, &zeros, &o, NULL), NULL);
  CHECK(kind == NPSCORE_TEST_EXACT);
  CHECK_NEAR(cmp.p_value, 2.0 / 252, 1e-12);
  CHECK(cmp.diff == 200 && cmp.ci_low > 0 && cmp.ci_high == 200);
  /* The defaults (NULL): below 10 a side, the mid-p version: half the ties. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare_test(&cmp, &kind, &tens, &zeros, NULL, NULL), NULL);
  CHECK(kind == NPSCORE_TEST_MID_P);
  CHECK_NEAR(cmp.p_value, 1.0 / 252, 1e-12);
  /* The score test: restricted shares 1/2, 1/2 on both sides, z = sqrt(10). */
  o.test = NPSCORE_COMPARE_ASYMPTOTIC;
  CHECK_CALL(NPSCORE_OK, npscore_nps_compare_test(&cmp, &kind, &tens, &zeros, &o, NULL), NULL);
  CHECK(kind == NPSCORE_TEST_SCORE);
  CHECK_NEAR(cmp.z, sqrt(10.0), 1e-9);
  CHECK_NEAR(cmp.p_value, erfc(sqrt(5.0)), 1e-12);
  /* Errors: the exact tests need the score method; unknown test values. */
  o.test = NPSCORE_COMPARE_EXACT;
  o.method = NPSCORE_INTERVAL_WALD;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare_test(&cmp, &kind, &tens, &zeros, &o, NULL),
             "test \"exact\" needs method \"score\"", NULL);
  o.method = NPSCORE_INTERVAL_SCORE;
  o.test = 9;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare_test(&cmp, &kind, &tens, &zeros, &o, NULL),
             "opts->test is 9", NULL);
  o.test = NPSCORE_COMPARE_AUTO;
  o.version = 2;
  CHECK_CALL(NPSCORE_EVERSION, npscore_nps_compare_test(&cmp, &kind, &tens, &zeros, &o, NULL),
             "opts->version is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_compare_test(&cmp, NULL, &tens, &zeros, NULL, NULL),
             "out_test is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_compare_test(NULL, &kind, &tens, &zeros, NULL, NULL),
             "out is NULL", NULL);
}

/* Every method and test: p < 1 - confidence exactly when 0 is outside the
 * interval, over a grid of small and unbalanced samples. */
static void test_compare_agreement(void) {
  const npscore_nps_interval_method methods[3] = {
      NPSCORE_INTERVAL_WALD, NPSCORE_INTERVAL_ADJUSTED_WALD, NPSCORE_INTERVAL_SCORE};
  npscore_nps_compare_options o = NPSCORE_NPS_COMPARE_OPTIONS_INIT;
  npscore_nps_summary a, b;
  npscore_nps_comparison cmp;
  int32_t kind;
  int agree = 1, calls = 0, m, t, k;
  for (k = 0; k < 400; ++k) {
    npscore_nps_counts ca = counts3(k % 4, (k / 4) % 3, (k / 12) % 5);
    npscore_nps_counts cb = counts3((k * 7) % 9, (k * 3) % 5, (k * 5) % 13 + 1);
    if (ca.detractors + ca.passives + ca.promoters == 0) continue;
    npscore_nps_summarize_counts(&a, &ca, NULL, NULL);
    npscore_nps_summarize_counts(&b, &cb, NULL, NULL);
    for (m = 0; m < 3; ++m) {
      for (t = 0; t < 4; ++t) {
        o.method = methods[m];
        o.test = t;
        if (t >= 2 && m != 2) continue; /* exact tests: score method only */
        if (npscore_nps_compare_test(&cmp, &kind, &a, &b, &o, NULL) != NPSCORE_OK) {
          agree = 0;
          continue;
        }
        ++calls;
        if ((cmp.p_value < 0.05) != (cmp.ci_low > 0 || cmp.ci_high < 0)) agree = 0;
      }
    }
  }
  CHECK(agree);
  CHECK(calls > 2000);
}

/* Hand-made inputs the core refuses, naming the field and value. */
static void test_hand_made_inputs(void) {
  npscore_nps_counts c = counts3(2, 3, 5), neg = counts3(-1, 0, 0);
  npscore_nps_summary a, s;
  npscore_nps_comparison cmp;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_counts_merge(&c, &neg, NULL), "b counts: detractors is -1",
             ">= 0", NULL);
  CHECK(c.detractors == 2); /* unchanged */
  neg = counts3(0, 0, 0);
  neg.skipped = -3;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_counts_merge(&c, &neg, NULL), "skipped is -3", NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&a, &c, NULL, NULL), NULL);
  s = a;
  s.se = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &s, NULL, NULL), "sample b: se is -1",
             NULL);
  s.se = NAN;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &s, &a, NULL, NULL), "sample a: se is NaN",
             NULL);
  s = a;
  s.promoters = 6;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &s, NULL, NULL),
             "n is 10 but detractors + passives + promoters is 11", NULL);
  s = a;
  s.nps = 31;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &s, NULL, NULL),
             "nps is 31 but its counts give 30", NULL);
  s = a;
  s.ci_low = -150;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &s, NULL, NULL), "ci_low is -150", NULL);
  s = a;
  s.method = 5;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &s, NULL, NULL), "method is 5", NULL);
  /* A weighted summary (n_effective != n) is compared by its effective
   * counts, with the score test even when small. */
  s = a;
  s.n = 20;
  s.detractors = 4;
  s.passives = 6;
  s.promoters = 10;
  s.n_effective = 5;
  s.se = 100 * sqrt((0.7 - 0.09) / 5);
  {
    int32_t kind;
    CHECK_CALL(NPSCORE_OK, npscore_nps_compare_test(&cmp, &kind, &a, &s, NULL, NULL), NULL);
    CHECK(kind == NPSCORE_TEST_SCORE && cmp.diff == 0 && cmp.p_value == 1);
  }
}

/* --- Segments, counts, merging ------------------------------------------------- */

static void test_segment(void) {
  const uint8_t scores[8] = {0, 5, 6, 7, 8, 9, 10, 3};
  const int8_t want[8] = {-1, -1, -1, 0, 0, 1, 1, -1};
  int8_t out[8];
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  CHECK_CALL(NPSCORE_OK, npscore_nps_segment(out, 8, scores, NPSCORE_U8, 8, NULL, NULL), NULL);
  CHECK(memcmp(out, want, sizeof want) == 0);
  /* Cut-offs (4, 7): 5 and 6 become passives, 8 a promoter. */
  o.detractor_max = 4;
  o.passive_max = 7;
  CHECK_CALL(NPSCORE_OK, npscore_nps_segment(out, 8, scores, NPSCORE_U8, 8, &o, NULL), NULL);
  CHECK(out[1] == 0 && out[2] == 0 && out[4] == 1 && out[7] == -1);
  /* Empty input is fine, with NULL pointers. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_segment(NULL, 0, NULL, NPSCORE_U8, 0, NULL, NULL), NULL);
}

static void test_merge_equals_single_pass(void) {
  double scores[1000];
  npscore_nps_counts whole, merged = counts3(0, 0, 0), part;
  size_t i;
  const size_t cuts[] = {0, 1, 333, 334, 999, 1000};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  o.missing = NPSCORE_MISSING_SKIP;
  for (i = 0; i < 1000; ++i) scores[i] = (double)((i * 7919) % 11);
  for (i = 0; i < 1000; i += 37) scores[i] = NAN;
  CHECK_CALL(NPSCORE_OK, npscore_nps_count(&whole, scores, NPSCORE_F64, 1000, &o, NULL), NULL);
  CHECK(whole.detractors + whole.passives + whole.promoters + whole.skipped == 1000);
  CHECK(whole.skipped == 28);
  for (i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; ++i) {
    CHECK_CALL(NPSCORE_OK,
               npscore_nps_count(&part, scores + cuts[i], NPSCORE_F64, cuts[i + 1] - cuts[i], &o,
                                 NULL),
               NULL);
    CHECK_CALL(NPSCORE_OK, npscore_nps_counts_merge(&merged, &part, NULL), NULL);
  }
  CHECK(merged.detractors == whole.detractors && merged.passives == whole.passives &&
        merged.promoters == whole.promoters && merged.skipped == whole.skipped);
  /* Overflow is an error that leaves *out unchanged. */
  merged = counts3(1, INT64_MAX, 1);
  part = counts3(1, 1, 1);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_counts_merge(&merged, &part, NULL), "passives",
             "overflows", NULL);
  CHECK(merged.detractors == 1 && merged.passives == INT64_MAX);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_counts_merge(NULL, &part, NULL), "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_counts_merge(&merged, NULL, NULL), "other is NULL", NULL);
}

/* Every dtype reads the same values; a type-specific bad value is reported
 * with its own text, which a wrong dispatch would garble. */
static void test_every_dtype(void) {
  static const double values[9] = {0, 6, 7, 8, 9, 10, 3, 10, 2};
  union {
    double f64[9];
    float f32[9];
    int8_t i8[9];
    int16_t i16[9];
    int32_t i32[9];
    int64_t i64[9];
    uint8_t u8[9];
    uint16_t u16[9];
    uint32_t u32[9];
    uint64_t u64[9];
  } buf;
  int dt;
  for (dt = NPSCORE_F64; dt <= NPSCORE_U64; ++dt) {
    npscore_nps_counts c;
    int8_t seg[9];
    int i;
    const npscore_dtype dtype = (npscore_dtype)dt;
    const int is_signed = dt <= NPSCORE_I64;
    for (i = 0; i < 9; ++i) {
      const double v = values[i];
      switch (dtype) {
        case NPSCORE_F64: buf.f64[i] = v; break;
        case NPSCORE_F32: buf.f32[i] = (float)v; break;
        case NPSCORE_I8: buf.i8[i] = (int8_t)v; break;
        case NPSCORE_I16: buf.i16[i] = (int16_t)v; break;
        case NPSCORE_I32: buf.i32[i] = (int32_t)v; break;
        case NPSCORE_I64: buf.i64[i] = (int64_t)v; break;
        case NPSCORE_U8: buf.u8[i] = (uint8_t)v; break;
        case NPSCORE_U16: buf.u16[i] = (uint16_t)v; break;
        case NPSCORE_U32: buf.u32[i] = (uint32_t)v; break;
        case NPSCORE_U64: buf.u64[i] = (uint64_t)v; break;
      }
    }
    CHECK_CALL(NPSCORE_OK, npscore_nps_count(&c, &buf, dtype, 9, NULL, NULL), NULL);
    if (c.detractors != 4 || c.passives != 2 || c.promoters != 3) {
      fprintf(stderr, "dtype %d: counts %lld/%lld/%lld\n", dt, (long long)c.detractors,
              (long long)c.passives, (long long)c.promoters);
    }
    CHECK(c.detractors == 4 && c.passives == 2 && c.promoters == 3);
    CHECK_CALL(NPSCORE_OK, npscore_nps_segment(seg, 9, &buf, dtype, 9, NULL, NULL), NULL);
    CHECK(seg[0] == -1 && seg[2] == 0 && seg[5] == 1 && seg[8] == -1);
    /* Row 4 out of scale: -3 for signed types, the maximum for unsigned. */
    switch (dtype) {
      case NPSCORE_F64: buf.f64[4] = -3; break;
      case NPSCORE_F32: buf.f32[4] = -3; break;
      case NPSCORE_I8: buf.i8[4] = -3; break;
      case NPSCORE_I16: buf.i16[4] = -3; break;
      case NPSCORE_I32: buf.i32[4] = -3; break;
      case NPSCORE_I64: buf.i64[4] = -3; break;
      case NPSCORE_U8: buf.u8[4] = UINT8_MAX; break;
      case NPSCORE_U16: buf.u16[4] = UINT16_MAX; break;
      case NPSCORE_U32: buf.u32[4] = UINT32_MAX; break;
      case NPSCORE_U64: buf.u64[4] = UINT64_MAX; break;
    }
    {
      const char *want = is_signed ? "row 4 is -3:"
                         : dt == NPSCORE_U8  ? "row 4 is 255:"
                         : dt == NPSCORE_U16 ? "row 4 is 65535:"
                         : dt == NPSCORE_U32 ? "row 4 is 4294967295:"
                                             : "row 4 is 18446744073709551615:";
      CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, &buf, dtype, 9, NULL, NULL), want,
                 "outside the scale 0..10", NULL);
    }
  }
}

/* --- Weights ----------------------------------------------------------------- */

static void test_weighted(void) {
  const double scores[2] = {10, 0};
  const double weights[2] = {3, 1};
  double ones[100];
  double many[100];
  npscore_nps_options o = wald();
  npscore_nps_summary s, u;
  int i;
  /* Shares .75 / .25: NPS 50, V = 1 - .25 = .75, Kish n = 4^2 / 10 = 1.6. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&s, scores, NPSCORE_F64, 2, weights, &o, NULL),
             NULL);
  CHECK(s.n == 4 && s.promoters == 3 && s.detractors == 1);
  CHECK_NEAR(s.nps, 50, 1e-12);
  CHECK_NEAR(s.n_effective, 1.6, 1e-12);
  CHECK_NEAR(s.se, 100 * sqrt(0.75 / 1.6), 1e-9);
  /* Unit weights give the unweighted summary. */
  fill_scores(many, 20, 30, 50);
  for (i = 0; i < 100; ++i) ones[i] = 1;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&s, many, NPSCORE_F64, 100, ones, &o, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&u, many, NPSCORE_F64, 100, NULL, &o, NULL), NULL);
  CHECK(s.n == u.n && s.n_effective == 100);
  CHECK_NEAR(s.nps, u.nps, 1e-12);
  CHECK_NEAR(s.se, u.se, 1e-12);
  CHECK_NEAR(s.ci_low, u.ci_low, 1e-12);
}

/* --- By group ------------------------------------------------------------------- */

static void test_by_group(void) {
  /* Group 0: 20/30/50; group 1: empty; group 2: 1/2/3. */
  double scores[106];
  int64_t codes[106];
  double weights[106];
  npscore_nps_options o = wald();
  npscore_nps_group_table *t = NULL, *table_before_error;
  npscore_nps_summary s;
  int small = -1;
  int i;
  fill_scores(scores, 20, 30, 50);
  fill_scores(scores + 100, 1, 2, 3);
  for (i = 0; i < 106; ++i) {
    codes[i] = i < 100 ? 0 : 2;
    weights[i] = 2;
  }
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes, 3, NULL,
                                                     &o, NULL),
             NULL);
  CHECK(t != NULL);
  CHECK(npscore_nps_group_table_size(t) == 3);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 0, NULL), NULL);
  CHECK(s.n == 100 && s.detractors == 20 && small == 0);
  CHECK_NEAR(s.nps, 30, 1e-12);
  CHECK_NEAR(s.se, 100 * sqrt(0.61 / 100), 1e-10);
  CHECK_NEAR(s.ci_low, 30 - kZ95 * 100 * sqrt(0.61 / 100), 1e-9);
  CHECK(s.method == NPSCORE_INTERVAL_WALD);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 1, NULL), NULL);
  CHECK(s.n == 0 && isnan(s.nps) && isnan(s.se) && small == 1);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 2, NULL), NULL);
  CHECK(s.n == 6 && small == 1);
  CHECK_NEAR(s.se, 30.42903097, 1e-7);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_get(&s, &small, t, 3, NULL), "index i is 3",
             "3 groups", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_get(NULL, &small, t, 0, NULL), "out is NULL",
             NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_get(&s, NULL, t, 0, NULL), "out_small is NULL",
             NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_get(&s, &small, NULL, 0, NULL), "t is NULL",
             NULL);
  npscore_nps_group_table_free(t);

  /* Weight 2 everywhere: n doubles, Kish's n stays (2n)^2 / (4n) = n. */
  o.min_n = 50;
  CHECK_CALL(NPSCORE_OK,
             npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes, 3, weights, &o,
                                         NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 0, NULL), NULL);
  CHECK(s.n == 200 && small == 0);
  CHECK_NEAR(s.n_effective, 100, 1e-9);
  CHECK_NEAR(s.se, 100 * sqrt(0.61 / 100), 1e-9);
  npscore_nps_group_table_free(t);

  /* No rows: every group empty. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new(&t, NULL, NPSCORE_F64, 0, NULL, 2, NULL, NULL,
                                                     NULL),
             NULL);
  CHECK(npscore_nps_group_table_size(t) == 2);
  npscore_nps_group_table_free(t);

  /* Errors leave *out NULL. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new(&t, NULL, NPSCORE_F64, 0, NULL, 1, NULL, NULL,
                                                     NULL),
             NULL);
  CHECK(t != NULL);
  table_before_error = t; /* *out becomes NULL on error (freed below) */
  codes[105] = 3;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes, 3,
                                                         NULL, &o, NULL),
             "npscore_nps_group_table_new", "group code at row 105 is 3", "outside 0..2", NULL);
  CHECK(t == NULL);
  npscore_nps_group_table_free(table_before_error);
  codes[105] = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes, 3,
                                                         NULL, &o, NULL),
             "row 105 is -1", NULL);
  codes[105] = 2;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes,
                                                         (size_t)-1, NULL, &o, NULL),
             "n_groups is 18446744073709551615", NULL);
  o.min_n = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes, 3,
                                                         NULL, &o, NULL),
             "min_n is -1", NULL);
  o.min_n = 30;
  weights[7] = -2;
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, codes, 3, weights, &o, NULL),
             "weight at row 7 is -2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 106, NULL, 3, NULL,
                                                        &o, NULL),
             "codes is NULL but n is 106", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_new(NULL, scores, NPSCORE_F64, 106, codes, 3,
                                                        NULL, &o, NULL),
             "out is NULL", NULL);
  CHECK(t == NULL);
  /* Free and size accept NULL. */
  npscore_nps_group_table_free(NULL);
  CHECK(npscore_nps_group_table_size(NULL) == 0);
}

/* By key: sparse account ids in any order, against a count by hand, then the
   same table by group code (keys replaced by their rank) must agree. */
static void test_by_key(void) {
  /* account 900000000000: 9, 10, 3 (2 promoters, 1 detractor: +33.3);
     account -5: 7, 8 (passives: 0); account 42: 0 (detractor: -100). */
  const double scores[6] = {9, 7, 0, 10, 8, 3};
  const int64_t keys[6] = {900000000000LL, -5, 42, 900000000000LL, -5, 900000000000LL};
  const int64_t codes[6] = {2, 0, 1, 2, 0, 2};
  const double weights[6] = {1, 1, 1, 3, 1, 1}; /* the 10 counts three times */
  npscore_nps_group_table *t = NULL, *by_code = NULL;
  npscore_nps_summary s, c;
  int32_t small = -1;
  int64_t key = 0;
  size_t i;
  npscore_error err;
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new_by_key(&t, scores, NPSCORE_F64, 6, keys, NULL,
                                                            NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new(&by_code, scores, NPSCORE_F64, 6, codes, 3,
                                                     NULL, NULL, NULL),
             NULL);
  CHECK(npscore_nps_group_table_size(t) == 3);
  {
    const int64_t want_keys[3] = {-5, 42, 900000000000LL};
    const double want_nps[3] = {0.0, -100.0, 100.0 / 3.0};
    for (i = 0; i < 3; ++i) {
      CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_key(&key, t, i, NULL), NULL);
      CHECK(key == want_keys[i]);
      CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, i, NULL), NULL);
      CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&c, &small, by_code, i, NULL), NULL);
      CHECK_NEAR(s.nps, want_nps[i], 1e-12);
      CHECK(s.n == c.n && s.nps == c.nps && s.ci_low == c.ci_low && s.ci_high == c.ci_high);
      CHECK(small == 1); /* n < 30 */
    }
  }
  npscore_nps_group_table_free(t);
  /* Weighted: account 900000000000 has weights 1, 3, 1 on 9, 10, 3: (4 - 1) / 5. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new_by_key(&t, scores, NPSCORE_F64, 6, keys,
                                                            weights, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 2, NULL), NULL);
  CHECK_NEAR(s.nps, 60.0, 1e-12);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_key(&key, t, 3, &err), "index i is 3", NULL);
  CHECK(err.status == NPSCORE_EINVAL && strstr(err.message, "index i is 3") != NULL);
  npscore_nps_group_table_free(t);
  /* A table by group code has no keys. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_key(&key, by_code, 0, NULL),
             "made by group code", NULL);
  npscore_nps_group_table_free(by_code);
  /* Errors: a missing key column, a bad score named by row. */
  t = NULL;
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_new_by_key(&t, scores, NPSCORE_F64, 6, NULL,
                                                               NULL, NULL, NULL),
             "keys is NULL", NULL);
  {
    const double bad[3] = {9, 11, 7};
    CHECK_CALL(NPSCORE_EINVAL, npscore_nps_group_table_new_by_key(&t, bad, NPSCORE_F64, 3, keys,
                                                                 NULL, NULL, NULL),
               "row 1", "11", NULL);
  }
  CHECK(t == NULL);
}

/* --- Error paths --------------------------------------------------------------- */

static void test_score_errors(void) {
  const double out_of_scale[3] = {1, 2, 11};
  const double fractional[3] = {1, 2.5, 3};
  const double with_nan[4] = {1, NAN, 10, NAN};
  const double all_nan[2] = {NAN, NAN};
  const float f32_fraction[2] = {4, 6.5f};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_counts c;
  npscore_nps_summary s;
  int8_t seg[4];

  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, out_of_scale, NPSCORE_F64, 3, NULL, NULL),
             "score at row 2 is 11", "outside the scale 0..10", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, out_of_scale, NPSCORE_F64, 3, NULL, NULL,
                                                   NULL),
             "npscore_nps_summarize", "row 2 is 11", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_segment(seg, 3, out_of_scale, NPSCORE_F64, 3, NULL, NULL),
             "npscore_nps_segment", "row 2 is 11", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, fractional, NPSCORE_F64, 3, NULL, NULL),
             "score at row 1 is 2.5", "whole numbers", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, f32_fraction, NPSCORE_F32, 2, NULL, NULL),
             "row 1 is 6.5", "whole numbers", NULL);

  /* NaN: an error by default (in segment always), skipped on request. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, with_nan, NPSCORE_F64, 4, NULL, NULL),
             "score at row 1 is missing (NaN)", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_segment(seg, 4, with_nan, NPSCORE_F64, 4, NULL, NULL),
             "row 1 is missing", NULL);
  o.missing = NPSCORE_MISSING_SKIP;
  CHECK_CALL(NPSCORE_OK, npscore_nps_count(&c, with_nan, NPSCORE_F64, 4, &o, NULL), NULL);
  CHECK(c.detractors == 1 && c.passives == 0 && c.promoters == 1 && c.skipped == 2);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize(&s, with_nan, NPSCORE_F64, 4, NULL, &o, NULL), NULL);
  CHECK(s.n == 2 && s.skipped == 2 && s.nps == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_segment(seg, 4, with_nan, NPSCORE_F64, 4, &o, NULL),
             "row 1 is missing", NULL);

  /* Empty input: counting gives zeros, summarizing fails. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_count(&c, NULL, NPSCORE_F64, 0, NULL, NULL), NULL);
  CHECK(c.detractors == 0 && c.passives == 0 && c.promoters == 0 && c.skipped == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, NULL, NPSCORE_F64, 0, NULL, NULL, NULL),
             "no scores to summarize", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, all_nan, NPSCORE_F64, 2, NULL, &o, NULL),
             "all 2 scores are missing", NULL);
  c = counts3(0, 0, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize_counts(&s, &c, NULL, NULL), "n = 0", NULL);
  c = counts3(1, -2, 3);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize_counts(&s, &c, NULL, NULL), "passives is -2",
             ">= 0", NULL);
}

static void test_weight_errors(void) {
  const double scores[3] = {1, 9, 10};
  const double negative[3] = {1, -1, 1};
  const double nan_weight[3] = {1, 1, NAN};
  const double inf_weight[3] = {INFINITY, 1, 1};
  const double zero[3] = {0, 0, 0};
  npscore_nps_summary s;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, scores, NPSCORE_F64, 3, negative, NULL,
                                                   NULL),
             "weight at row 1 is -1", "finite and >= 0", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_nps_summarize(&s, scores, NPSCORE_F64, 3, nan_weight, NULL, NULL),
             "weight at row 2 is NaN", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_nps_summarize(&s, scores, NPSCORE_F64, 3, inf_weight, NULL, NULL),
             "weight at row 0 is inf", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, scores, NPSCORE_F64, 3, zero, NULL, NULL),
             "total weight is 0", NULL);
}

static void test_option_errors(void) {
  const int32_t scores[3] = {1, 9, 10};
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_counts c = counts3(1, 2, 3);
  npscore_nps_summary s, a;
  npscore_nps_comparison cmp;
  int8_t seg[3];

  /* Cut-offs out of order or beyond 1000. */
  o.detractor_max = 8;
  o.passive_max = 6;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, NPSCORE_I32, 3, &o, NULL),
             "bad cutoffs (detractor_max=8, passive_max=6, scale_max=10)", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_segment(seg, 3, scores, NPSCORE_I32, 3, &o, NULL),
             "bad cutoffs", NULL);
  o = wald();
  o.scale_max = 1001;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, scores, NPSCORE_I32, 3, NULL, &o, NULL),
             "scale_max=1001", NULL);
  o.scale_max = 10;
  o.detractor_max = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, NPSCORE_I32, 3, &o, NULL),
             "detractor_max=-1", NULL);

  /* Enum values the header does not define. */
  o = wald();
  o.method = 7;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize_counts(&s, &c, &o, NULL), "opts->method is 7",
             "NPSCORE_INTERVAL_WALD", NULL);
  o.method = -1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, NPSCORE_I32, 3, &o, NULL),
             "opts->method is -1", NULL);
  o = wald();
  o.missing = 2;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, NPSCORE_I32, 3, &o, NULL),
             "opts->missing is 2", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, 42, 3, NULL, NULL),
             "dtype is 42", NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, -1, 3, NULL, NULL),
             "dtype is -1", NULL);

  /* Confidence strictly inside (0, 1). */
  c = counts3(1, 2, 3);
  o = wald();
  o.confidence = 1;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize_counts(&s, &c, &o, NULL), "confidence is 1",
             "strictly between 0 and 1", NULL);
  o.confidence = 0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize(&s, scores, NPSCORE_I32, 3, NULL, &o, NULL),
             "confidence is 0", NULL);
  o.confidence = NAN;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_summarize_counts(&s, &c, &o, NULL), "confidence is NaN",
             NULL);
  o.confidence = -0.5;
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&a, &c, NULL, NULL), NULL);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &a, &o, NULL), "npscore_nps_compare",
             "confidence is -0.5", NULL);

  /* Options of an unknown version. */
  o = wald();
  o.version = 2;
  CHECK_CALL(NPSCORE_EVERSION, npscore_nps_summarize_counts(&s, &c, &o, NULL),
             "opts->version is 2", NULL);
  o.version = 0;
  CHECK_CALL(NPSCORE_EVERSION, npscore_nps_count(&c, scores, NPSCORE_I32, 3, &o, NULL),
             "opts->version is 0", NULL);

  /* Comparing an empty sample. */
  s = a;
  s.n = 0;
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_compare(&cmp, &a, &s, NULL, NULL), "sample b is empty",
             NULL);
}

static void test_null_pointers(void) {
  const double scores[2] = {1, 10};
  npscore_nps_counts c = counts3(1, 1, 1);
  npscore_nps_summary s;
  npscore_nps_comparison cmp;
  int8_t seg[2];
  char raw[64];
  const void *misaligned = raw + 1;

  CHECK_CALL(NPSCORE_ENULL, npscore_nps_segment(NULL, 2, scores, NPSCORE_F64, 2, NULL, NULL),
             "npscore_nps_segment: out is NULL but n is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_segment(seg, 2, NULL, NPSCORE_F64, 2, NULL, NULL),
             "scores is NULL but n is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_count(NULL, scores, NPSCORE_F64, 2, NULL, NULL),
             "npscore_nps_count: out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_count(&c, NULL, NPSCORE_F64, 2, NULL, NULL),
             "scores is NULL but n is 2", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_summarize(NULL, scores, NPSCORE_F64, 2, NULL, NULL, NULL),
             "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_summarize(&s, NULL, NPSCORE_F64, 2, NULL, NULL, NULL),
             "scores is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_summarize_counts(NULL, &c, NULL, NULL), "out is NULL",
             NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_summarize_counts(&s, NULL, NULL, NULL), "counts is NULL",
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_summarize_counts(&s, &c, NULL, NULL), NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_compare(NULL, &s, &s, NULL, NULL), "out is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_compare(&cmp, NULL, &s, NULL, NULL), "a is NULL", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_compare(&cmp, &s, NULL, NULL, NULL), "b is NULL", NULL);

  /* A column not aligned for its dtype. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, misaligned, NPSCORE_F64, 2, NULL, NULL),
             "scores is not aligned to 8 bytes", NULL);
}

/* Absurdly many groups: a status, never an exception or a huge allocation. */
static void test_exceptions_become_status(void) {
  const double scores[1] = {5};
  const int64_t codes[1] = {0};
  npscore_nps_group_table *t = NULL;
  npscore_status st;
  st = npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 1, codes, (int64_t)1 << 61, NULL, NULL,
                                   NULL);
  CHECK(st == NPSCORE_EINTERNAL || st == NPSCORE_ENOMEM || st == NPSCORE_EINVAL);
  CHECK(t == NULL);
  CHECK(strstr(npscore_last_error_message(), "npscore_nps_group_table_new: ") != NULL);
  /* The core bounds n_groups before allocating anything. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 1, codes, (int64_t)1 << 57, NULL,
                                         NULL, NULL),
             "n_groups is 144115188075855872", NULL);
  CHECK(t == NULL);
}

/* --- Thread-local messages ------------------------------------------------------ */

struct thread_result {
  int fresh_empty;      /* a new thread starts with "" */
  int status;           /* of its own failing call */
  char message[256];    /* its own message afterwards */
};

static void *other_thread(void *arg) {
  struct thread_result *r = (struct thread_result *)arg;
  npscore_nps_counts c = counts3(1, 1, 1);
  npscore_nps_summary s;
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  r->fresh_empty = strcmp(npscore_last_error_message(), "") == 0;
  o.confidence = 2;
  r->status = npscore_nps_summarize_counts(&s, &c, &o, NULL);
  strncpy(r->message, npscore_last_error_message(), sizeof r->message - 1);
  r->message[sizeof r->message - 1] = '\0';
  return NULL;
}

static void test_thread_local_message(void) {
  const double scores[3] = {1, 2, 99};
  npscore_nps_counts c;
  pthread_t th;
  struct thread_result r;
  memset(&r, 0, sizeof r);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_count(&c, scores, NPSCORE_F64, 3, NULL, NULL),
             "row 2 is 99", NULL);
  CHECK(pthread_create(&th, NULL, other_thread, &r) == 0);
  CHECK(pthread_join(th, NULL) == 0);
  CHECK(r.fresh_empty);
  CHECK(r.status == NPSCORE_EINVAL);
  CHECK(strstr(r.message, "confidence is 2") != NULL);
  /* This thread's message is still its own. */
  CHECK(strstr(npscore_last_error_message(), "row 2 is 99") != NULL);
  CHECK(strstr(npscore_last_error_message(), "confidence") == NULL);
}

/* --- The per-call error, from many threads ----------------------------------------- */

#define ERR_THREADS 8
#define ERR_CALLS 200

struct err_thread {
  int id;
  int wrong; /* calls whose npscore_error was not their own */
};

/* Each call fails at a row of its own (thread id + call number), so a message
 * from another call cannot pass for it; a success in between must leave
 * NPSCORE_OK and "". */
static void *err_thread_main(void *arg) {
  struct err_thread *t = (struct err_thread *)arg;
  static const double ok_scores[2] = {9, 3};
  double scores[ERR_THREADS + ERR_CALLS];
  npscore_nps_counts c;
  npscore_error err;
  char want[64];
  int k, i;
  for (k = 0; k < ERR_CALLS; ++k) {
    const int bad_row = t->id + k;
    for (i = 0; i <= bad_row; ++i) scores[i] = 7;
    scores[bad_row] = 11 + t->id;
    snprintf(want, sizeof want, "score at row %d is %d", bad_row, 11 + t->id);
    if (npscore_nps_count(&c, scores, NPSCORE_F64, (size_t)bad_row + 1, NULL, &err) !=
            NPSCORE_EINVAL ||
        err.status != NPSCORE_EINVAL || strstr(err.message, want) == NULL || err.truncated != 0) {
      ++t->wrong;
    }
    if (npscore_nps_count(&c, ok_scores, NPSCORE_F64, 2, NULL, &err) != NPSCORE_OK ||
        err.status != NPSCORE_OK || err.message[0] != '\0') {
      ++t->wrong;
    }
  }
  return NULL;
}

static void test_per_call_error_threads(void) {
  pthread_t th[ERR_THREADS];
  struct err_thread t[ERR_THREADS];
  int k, wrong = 0;
  for (k = 0; k < ERR_THREADS; ++k) {
    t[k].id = k;
    t[k].wrong = 0;
    CHECK(pthread_create(&th[k], NULL, err_thread_main, &t[k]) == 0);
  }
  for (k = 0; k < ERR_THREADS; ++k) {
    CHECK(pthread_join(th[k], NULL) == 0);
    wrong += t[k].wrong;
  }
  CHECK(wrong == 0);
}

/* The npscore_error of a call is the caller's memory: it may be read on any
 * thread, after the thread that made the call has gone. */
static void *failing_call(void *arg) {
  npscore_nps_options o = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_counts c = counts3(1, 1, 1);
  npscore_nps_summary s;
  o.confidence = 2;
  (void)npscore_nps_summarize_counts(&s, &c, &o, (npscore_error *)arg);
  return NULL;
}

static void test_error_read_on_another_thread(void) {
  pthread_t th;
  npscore_error err;
  memset(&err, 0, sizeof err);
  CHECK(npscore_nps_options_init(NULL, 1, NULL) == NPSCORE_ENULL); /* this thread's message */
  CHECK(pthread_create(&th, NULL, failing_call, &err) == 0);
  CHECK(pthread_join(th, NULL) == 0);
  CHECK(err.status == NPSCORE_EINVAL && err.truncated == 0);
  CHECK(strstr(err.message, "npscore_nps_summarize_counts: ") == err.message);
  CHECK(strstr(err.message, "confidence is 2") != NULL);
  /* This thread's own last message is untouched by the other thread's call. */
  CHECK(strstr(npscore_last_error_message(), "confidence") == NULL);
  CHECK(strcmp(npscore_status_string(err.status), "NPSCORE_EINVAL: invalid argument or data") == 0);
}

int main(void) {
  test_version();
  test_message_never_null_and_cleared();
  test_options();
  test_r_package_figures();
  test_fifteen_point_scale();
  test_wald_interval_by_hand();
  test_adjusted_wald_by_hand();
  test_score_interval_invariants();
  test_compare_by_hand();
  test_compare_test();
  test_compare_agreement();
  test_hand_made_inputs();
  test_segment();
  test_merge_equals_single_pass();
  test_every_dtype();
  test_weighted();
  test_by_group();
  test_by_key();
  test_score_errors();
  test_weight_errors();
  test_option_errors();
  test_null_pointers();
  test_exceptions_become_status();
  test_thread_local_message();
  test_per_call_error_threads();
  test_error_read_on_another_thread();
  return check_summary();
}
