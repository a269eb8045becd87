/* Golden vectors of the C ABI for the Go and Rust bindings: fixed inputs
 * (from a linear congruential generator, so no data file is needed) and the
 * C library's results on them, written as text. The bindings' tests read the
 * inputs back, compute the same results through their own wrappers and
 * compare every number exactly: both call the same core, so anything but
 * equality is a binding bug (a field read at the wrong offset, a dtype or a
 * default mapped wrongly).
 *
 * Usage: golden_vectors [FILE]. Without FILE (as run by ctest) the vectors
 * go to a temporary file and only their line count is printed.
 *
 * Format, one record per line:
 *   NAME V1 V2 ...   numbers: integers in decimal, doubles as %.17g (exact
 *                    when read back), "nan", "inf", "-inf";
 *   $NAME TEXT       a string: TEXT runs from after the first space to the
 *                    end of the line.
 * Names beginning "in." are inputs, "out." results. Row structs are written
 * as their fields in declaration order. */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npscore/c_api.h"

#define DAY_NS (INT64_C(86400) * 1000000000)
#define HOUR_NS (INT64_C(3600) * 1000000000)
/* 2025-01-01T00:00:00Z */
#define JAN1_2025_NS (INT64_C(1735689600) * 1000000000)

static FILE *g_out;
static int g_lines;
static int g_errors;

static uint64_t g_state = 20251204u;

/* Knuth's MMIX LCG; the high bits are the good ones. */
static uint32_t next_u32(void) {
  g_state = g_state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
  return (uint32_t)(g_state >> 33);
}

/* A uniform integer in [0, k). */
static int32_t uniform(int32_t k) { return (int32_t)(next_u32() % (uint32_t)k); }

/* A uniform double in [0, 1) with 24 random bits, so it prints exactly. */
static double unit(void) { return (double)(next_u32() >> 7) / 16777216.0; }

static void begin(const char *name) { fprintf(g_out, "%s", name); }
static void end(void) {
  fputc('\n', g_out);
  ++g_lines;
}
static void put_i(int64_t v) { fprintf(g_out, " %lld", (long long)v); }
static void put_d(double v) {
  if (isnan(v)) {
    fputs(" nan", g_out);
  } else if (isinf(v)) {
    fputs(v > 0 ? " inf" : " -inf", g_out);
  } else {
    fprintf(g_out, " %.17g", v);
  }
}

static void write_i32s(const char *name, const int32_t *x, size_t n) {
  size_t i;
  begin(name);
  for (i = 0; i < n; ++i) put_i(x[i]);
  end();
}
static void write_i64s(const char *name, const int64_t *x, size_t n) {
  size_t i;
  begin(name);
  for (i = 0; i < n; ++i) put_i(x[i]);
  end();
}
static void write_f64s(const char *name, const double *x, size_t n) {
  size_t i;
  begin(name);
  for (i = 0; i < n; ++i) put_d(x[i]);
  end();
}
static void write_text(const char *name, const char *text) {
  fprintf(g_out, "$%s %s\n", name, text);
  ++g_lines;
}

/* Reports a failed call: the vectors are then incomplete and the run fails. */
static int ok(npscore_status s, const npscore_error *err, const char *what) {
  if (s == NPSCORE_OK) return 1;
  fprintf(stderr, "golden_vectors: %s failed: %s (%s)\n", what, err->message,
          npscore_status_string(s));
  ++g_errors;
  return 0;
}

static void write_summary(const char *name, const npscore_nps_summary *s) {
  begin(name);
  put_d(s->n);
  put_d(s->detractors);
  put_d(s->passives);
  put_d(s->promoters);
  put_d(s->n_effective);
  put_i(s->skipped);
  put_d(s->nps);
  put_d(s->se);
  put_d(s->ci_low);
  put_d(s->ci_high);
  put_i(s->method);
  put_d(s->confidence);
  end();
}

/* --- nps ------------------------------------------------------------------ */

#define NPS_N 997

static void nps_vectors(void) {
  int32_t scores[NPS_N];
  double weights[NPS_N];
  npscore_nps_counts counts;
  npscore_nps_summary s, sw, ss, a, b;
  npscore_nps_comparison c;
  npscore_nps_options opts;
  npscore_error err;
  size_t i;
  for (i = 0; i < NPS_N; ++i) {
    /* Skewed towards the top of the scale, as NPS answers are. */
    int32_t u = uniform(20);
    scores[i] = u < 9 ? u : (u < 14 ? 9 : 10);
    if (scores[i] < 9 && uniform(3) == 0) scores[i] += 2;
    weights[i] = 1.0 + (double)uniform(1000) / 8.0;
  }
  write_i32s("in.nps.scores", scores, NPS_N);
  write_f64s("in.nps.weights", weights, NPS_N);

  if (ok(npscore_nps_count(&counts, scores, NPSCORE_I32, NPS_N, NULL, &err), &err, "count")) {
    begin("out.nps.counts");
    put_i(counts.detractors);
    put_i(counts.passives);
    put_i(counts.promoters);
    put_i(counts.skipped);
    end();
  }
  if (ok(npscore_nps_summarize(&s, scores, NPSCORE_I32, NPS_N, NULL, NULL, &err), &err,
         "summarize")) {
    write_summary("out.nps.summary", &s);
  }
  if (ok(npscore_nps_summarize(&sw, scores, NPSCORE_I32, NPS_N, weights, NULL, &err), &err,
         "summarize weighted")) {
    write_summary("out.nps.summary_weighted", &sw);
  }
  /* Non-default options: the score interval at 90%. */
  if (ok(npscore_nps_options_init(&opts, NPSCORE_NPS_OPTIONS_VERSION, &err), &err, "init")) {
    opts.method = NPSCORE_INTERVAL_SCORE;
    opts.confidence = 0.90;
    if (ok(npscore_nps_summarize(&ss, scores, NPSCORE_I32, NPS_N, NULL, &opts, &err), &err,
           "summarize score")) {
      write_summary("out.nps.summary_score90", &ss);
    }
  }
  /* The first 500 answers against the rest. */
  if (ok(npscore_nps_summarize(&a, scores, NPSCORE_I32, 500, NULL, NULL, &err), &err, "a") &&
      ok(npscore_nps_summarize(&b, scores + 500, NPSCORE_I32, NPS_N - 500, NULL, NULL, &err),
         &err, "b") &&
      ok(npscore_nps_compare(&c, &a, &b, NULL, &err), &err, "compare")) {
    begin("out.nps.compare");
    put_d(c.diff);
    put_d(c.se);
    put_d(c.z);
    put_d(c.p_value);
    put_d(c.ci_low);
    put_d(c.ci_high);
    put_i(c.method);
    put_d(c.confidence);
    end();
  }
}

/* --- health --------------------------------------------------------------- */

#define HEALTH_N 1200

static void health_vectors(void) {
  int32_t scores[HEALTH_N];
  int64_t times[HEALTH_N];
  int64_t slices[HEALTH_N];
  int32_t periods[HEALTH_N];
  const int64_t span = 181 * DAY_NS; /* 2025-01-01 .. 2025-06-30 */
  int64_t t_min = INT64_MAX, t_max = INT64_MIN;
  npscore_health_period_grid *grid = NULL;
  npscore_health_table *table = NULL;
  npscore_error err;
  size_t i, n_periods;
  char name[64];
  for (i = 0; i < HEALTH_N; ++i) {
    int64_t t = JAN1_2025_NS + (int64_t)((double)span * unit());
    int64_t slice = uniform(2);
    /* Slice 1 loses promoters to detractors from April on. */
    int32_t u = uniform(20);
    int late = t >= JAN1_2025_NS + 90 * DAY_NS;
    int32_t s = u < 3 ? uniform(7) : (u < 8 ? 7 + uniform(2) : 9 + uniform(2));
    if (slice == 1 && late && s >= 9 && uniform(2) == 0) s = uniform(7);
    times[i] = t;
    slices[i] = slice;
    scores[i] = s;
    if (t < t_min) t_min = t;
    if (t > t_max) t_max = t;
  }
  write_i32s("in.health.scores", scores, HEALTH_N);
  write_i64s("in.health.times", times, HEALTH_N);
  write_i64s("in.health.slices", slices, HEALTH_N);

  if (!ok(npscore_health_period_grid_new(&grid, t_min, t_max, NPSCORE_FREQ_MONTH, "UTC", &err),
          &err, "period_grid_new")) {
    return;
  }
  n_periods = npscore_health_period_grid_size(grid);
  begin("out.health.grid.size");
  put_i((int64_t)n_periods);
  end();
  for (i = 0; i < n_periods; ++i) {
    int64_t start, stop;
    const char *label;
    if (!ok(npscore_health_period_grid_get(&start, &stop, &label, grid, i, &err), &err,
            "period_grid_get")) {
      break;
    }
    sprintf(name, "out.health.grid.%u", (unsigned)i);
    begin(name);
    put_i(start);
    put_i(stop);
    end();
    sprintf(name, "out.health.grid.label.%u", (unsigned)i);
    write_text(name, label);
  }
  if (ok(npscore_health_assign_periods(periods, HEALTH_N, times, HEALTH_N, grid, 0, &err), &err,
         "assign_periods")) {
    write_i32s("out.health.periods", periods, HEALTH_N);
    if (ok(npscore_health_table_new(&table, scores, NPSCORE_I32, HEALTH_N, periods, n_periods,
                                    slices, 2, NULL, NULL, &err),
           &err, "health_table_new")) {
      size_t rows = npscore_health_table_size(table);
      begin("out.health.table.size");
      put_i((int64_t)rows);
      end();
      for (i = 0; i < rows; ++i) {
        npscore_health_row r;
        const char *reasons;
        const int64_t *hist;
        size_t bins;
        if (!ok(npscore_health_table_get(&r, table, i, &err), &err, "health_table_get") ||
            !ok(npscore_health_table_reasons(&reasons, table, i, &err), &err, "reasons") ||
            !ok(npscore_health_table_histogram(&hist, &bins, table, i, &err), &err, "histogram")) {
          break;
        }
        sprintf(name, "out.health.row.%u", (unsigned)i);
        begin(name);
        put_i(r.slice);
        put_i(r.period);
        put_i(r.n);
        put_i(r.detractors);
        put_i(r.passives);
        put_i(r.promoters);
        put_i(r.skipped);
        put_d(r.share_detractors);
        put_d(r.share_detractors_low);
        put_d(r.share_detractors_high);
        put_d(r.share_passives);
        put_d(r.share_passives_low);
        put_d(r.share_passives_high);
        put_d(r.share_promoters);
        put_d(r.share_promoters_low);
        put_d(r.share_promoters_high);
        put_d(r.nps);
        put_d(r.se);
        put_d(r.ci_low);
        put_d(r.ci_high);
        put_d(r.nps_change);
        put_d(r.change_se);
        put_d(r.change_p);
        put_d(r.change_p_adjusted);
        put_d(r.detractor_change);
        put_d(r.detractor_change_p_adjusted);
        put_d(r.promoter_change);
        put_d(r.promoter_change_p_adjusted);
        put_d(r.passive_trend);
        put_d(r.passive_trend_p_adjusted);
        put_d(r.nps_trend);
        put_i(r.flags);
        end();
        sprintf(name, "out.health.reasons.%u", (unsigned)i);
        write_text(name, reasons);
        sprintf(name, "out.health.histogram.%u", (unsigned)i);
        write_i64s(name, hist, bins);
      }
    }
  }
  npscore_health_table_free(table);
  npscore_health_period_grid_free(grid);
}

/* --- churn ---------------------------------------------------------------- */

#define CHURN_ROWS 400
#define CHURN_COLS 3

static void churn_vectors(void) {
  double x[CHURN_ROWS * CHURN_COLS];
  double y[CHURN_ROWS];
  double p[CHURN_ROWS];
  double coef[CHURN_COLS];
  double intercept;
  /* Prior model rows: segment=detractor, segment=passive, has_response,
   * early_life_detractor. */
  static const double prior_x[5 * 4] = {1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0,
                                        0, 0, 0, 0, 1, 0, 1, 1};
  double prior_p[5];
  static const char *const names[CHURN_COLS] = {"detractor", "tenure_years", "tickets"};
  npscore_churn_model *model = NULL, *prior = NULL;
  npscore_churn_fit_info info;
  npscore_error err;
  size_t i;
  for (i = 0; i < CHURN_ROWS; ++i) {
    double det = uniform(3) == 0 ? 1.0 : 0.0;
    double tenure = (double)uniform(64) / 8.0;
    double tickets = (double)uniform(6);
    double z = -1.0 + 1.5 * det - 0.3 * tenure + 0.25 * tickets;
    x[i * CHURN_COLS + 0] = det;
    x[i * CHURN_COLS + 1] = tenure;
    x[i * CHURN_COLS + 2] = tickets;
    y[i] = unit() < 1.0 / (1.0 + exp(-z)) ? 1.0 : 0.0;
  }
  write_f64s("in.churn.x", x, CHURN_ROWS * CHURN_COLS);
  write_f64s("in.churn.y", y, CHURN_ROWS);
  for (i = 0; i < CHURN_COLS; ++i) {
    char name[32];
    sprintf(name, "in.churn.name.%u", (unsigned)i);
    write_text(name, names[i]);
  }
  if (ok(npscore_churn_model_fit(&model, x, CHURN_ROWS, CHURN_COLS, NPSCORE_ROW_MAJOR, y, NULL,
                                 names, NULL, &err),
         &err, "churn_model_fit") &&
      ok(npscore_churn_model_coef(coef, CHURN_COLS, &intercept, model, &err), &err, "coef") &&
      ok(npscore_churn_model_info(&info, model, &err), &err, "info") &&
      ok(npscore_churn_model_predict(p, CHURN_ROWS, model, x, CHURN_ROWS, CHURN_COLS,
                                     NPSCORE_ROW_MAJOR, &err),
         &err, "predict")) {
    write_f64s("out.churn.coef", coef, CHURN_COLS);
    write_f64s("out.churn.intercept", &intercept, 1);
    begin("out.churn.info");
    put_i(info.n_iter);
    put_i(info.converged);
    put_d(info.grad_norm);
    put_d(info.objective);
    put_i((int64_t)info.n_warnings);
    put_i(info.is_prior);
    put_d(info.horizon_days);
    end();
    write_f64s("out.churn.predict", p, CHURN_ROWS);
  }
  write_f64s("in.churn.prior_x", prior_x, 5 * 4);
  if (ok(npscore_churn_model_new(&prior, 180.0, NULL, &err), &err, "churn_model_new") &&
      ok(npscore_churn_model_predict(prior_p, 5, prior, prior_x, 5, 4, NPSCORE_ROW_MAJOR, &err),
         &err, "prior predict")) {
    write_f64s("out.churn.prior180.predict", prior_p, 5);
  }
  npscore_churn_model_free(prior);
  npscore_churn_model_free(model);
}

/* --- priority ------------------------------------------------------------- */

#define PRIORITY_N 60

static void priority_vectors(void) {
  double risk[PRIORITY_N], clv[PRIORITY_N];
  int32_t segment32[PRIORITY_N];
  int8_t segment[PRIORITY_N];
  int64_t responded[PRIORITY_N], contacted[PRIORITY_N];
  int32_t closed32[PRIORITY_N];
  uint8_t closed[PRIORITY_N];
  const int64_t now = JAN1_2025_NS + 30 * DAY_NS;
  const int64_t capacities[2] = {4, 3};
  static const double hours[7] = {0, 1, 12, 24, 48, 72, 200};
  double r[7];
  npscore_priority_queue *q = NULL;
  npscore_error err;
  size_t i, k;
  for (i = 0; i < PRIORITY_N; ++i) {
    int32_t u = uniform(10);
    risk[i] = unit();
    clv[i] = (double)(100 + uniform(5000)) + 0.25 * (double)uniform(4);
    segment32[i] = u < 4 ? -1 : (u < 7 ? 0 : (u < 9 ? 1 : NPSCORE_NO_SEGMENT));
    segment[i] = (int8_t)segment32[i];
    responded[i] = now - (int64_t)uniform(200) * HOUR_NS - (int64_t)uniform(3600) * 1000000000;
    contacted[i] = uniform(6) == 0 ? responded[i] + (int64_t)uniform(48) * HOUR_NS
                                   : NPSCORE_MISSING_TIME;
    closed32[i] = uniform(10) == 0;
    closed[i] = (uint8_t)closed32[i];
  }
  write_f64s("in.priority.churn_risk", risk, PRIORITY_N);
  write_f64s("in.priority.clv", clv, PRIORITY_N);
  write_i32s("in.priority.segment", segment32, PRIORITY_N);
  write_i64s("in.priority.responded_at", responded, PRIORITY_N);
  write_i64s("in.priority.contacted_at", contacted, PRIORITY_N);
  write_i32s("in.priority.closed", closed32, PRIORITY_N);
  write_i64s("in.priority.now", &now, 1);
  write_i64s("in.priority.capacities", capacities, 2);

  write_f64s("in.priority.hours", hours, 7);
  if (ok(npscore_priority_recoverability(r, 7, hours, 7, NULL, NULL, 0, &err), &err,
         "recoverability")) {
    write_f64s("out.priority.recoverability", r, 7);
  }
  if (!ok(npscore_priority_queue_new(&q, risk, clv, segment, responded, contacted, closed,
                                     PRIORITY_N, now, NULL, NULL, 0, capacities, 2, NULL, &err),
          &err, "priority_queue_new")) {
    return;
  }
  begin("out.priority.size");
  put_i((int64_t)npscore_priority_queue_size(q));
  end();
  for (k = 0; k < npscore_priority_queue_size(q); ++k) {
    npscore_priority_case c;
    char name[48];
    if (!ok(npscore_priority_queue_get(&c, q, k, &err), &err, "queue_get")) break;
    sprintf(name, "out.priority.case.%u", (unsigned)k);
    begin(name);
    put_i(c.row);
    put_i(c.segment);
    put_d(c.priority);
    put_d(c.urgency);
    put_d(c.revenue_at_risk);
    put_d(c.recoverability);
    put_d(c.expected_recoverable);
    put_d(c.hours_since_response);
    put_i(c.deadline);
    put_i(c.overdue);
    put_i(c.owner);
    end();
  }
  {
    npscore_priority_totals t;
    npscore_priority_summary s;
    if (ok(npscore_priority_queue_totals(&t, q, &err), &err, "totals")) {
      begin("out.priority.totals");
      put_i(t.n_rows);
      put_d(t.revenue_at_risk);
      end();
    }
    if (ok(npscore_priority_queue_summary(&s, q, &err), &err, "summary")) {
      begin("out.priority.summary");
      for (k = 0; k < 4; ++k) put_i(s.queued[k]);
      for (k = 0; k < 4; ++k) put_i(s.contacted[k]);
      for (k = 0; k < 4; ++k) put_i(s.closed[k]);
      for (k = 0; k < 4; ++k) put_i(s.missed[k]);
      put_i(s.detractors_due);
      put_i(s.detractors_within_sla);
      put_d(s.window_hours);
      end();
    }
  }
  begin("out.priority.missed.size");
  put_i((int64_t)npscore_priority_missed_size(q));
  end();
  for (k = 0; k < npscore_priority_missed_size(q); ++k) {
    npscore_priority_missed m;
    char name[48];
    if (!ok(npscore_priority_missed_get(&m, q, k, &err), &err, "missed_get")) break;
    sprintf(name, "out.priority.missed.%u", (unsigned)k);
    begin(name);
    put_i(m.row);
    put_i(m.segment);
    put_d(m.revenue_at_risk);
    end();
  }
  npscore_priority_queue_free(q);
}

int main(int argc, char **argv) {
  g_out = argc > 1 ? fopen(argv[1], "w") : tmpfile();
  if (g_out == NULL) {
    perror(argc > 1 ? argv[1] : "tmpfile");
    return EXIT_FAILURE;
  }
  fprintf(g_out, "# npscore %s golden vectors (tests/capi/golden_vectors.c)\n",
          npscore_version_string());
  nps_vectors();
  health_vectors();
  churn_vectors();
  priority_vectors();
  if (fclose(g_out) != 0) {
    perror("golden_vectors");
    return EXIT_FAILURE;
  }
  printf("%d lines, %d failed\n", g_lines, g_errors);
  return g_errors == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
