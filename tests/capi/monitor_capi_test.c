/* Tests of the monitor's C ABI (npscore_monitor_*): the figures of its
 * alerts and snapshots against figures computed here or by other C
 * functions (segment counts by hand, priorities by npscore_priority_queue_new,
 * health flags by npscore_health_table_new_over_time), the state's bytes
 * (round trip, damage, merge of shards) and the options' defaults. C99. */

#include "check.h"
#include "splitmix64.h"

#define HOUR ((int64_t)3600 * 1000000000)
#define DAY (24 * HOUR)
/* 2025-01-01 00:00 UTC. */
#define T0 ((int64_t)1735689600 * 1000000000)

/* A stream of n responses from `customers` customers over `days` days, in
 * time order, with scores drawn so that detractors surge from day `surge` on
 * (never when surge < 0), clv and churn risk known. */
typedef struct stream {
  size_t n;
  int64_t *customer, *time;
  double *score, *clv, *risk;
  int32_t *slice;
} stream;

static stream make_stream(size_t n, int64_t customers, double days, int surge, int n_slices,
                          uint64_t seed) {
  stream s;
  size_t i;
  s.n = n;
  s.customer = malloc(n * sizeof *s.customer);
  s.time = malloc(n * sizeof *s.time);
  s.score = malloc(n * sizeof *s.score);
  s.clv = malloc(n * sizeof *s.clv);
  s.risk = malloc(n * sizeof *s.risk);
  s.slice = malloc(n * sizeof *s.slice);
  g_state = seed;
  for (i = 0; i < n; ++i) {
    const int64_t t = T0 + (int64_t)((double)i / (double)n * days * (double)DAY);
    const int day = (int)((t - T0) / DAY);
    const double u = uniform();
    const double detractor_share = surge >= 0 && day >= surge ? 0.45 : 0.15;
    s.time[i] = t;
    /* Each (customer, time) once: the customer is i modulo `customers`. */
    s.customer[i] = 1000 + (int64_t)(i % (size_t)customers);
    s.score[i] = u < detractor_share ? (double)(next_u64() % 7)
                 : u < detractor_share + 0.3 ? (double)(7 + next_u64() % 2)
                                             : (double)(9 + next_u64() % 2);
    s.clv[i] = 100.0 + (double)(next_u64() % 900);
    s.risk[i] = 0.05 + 0.9 * uniform();
    s.slice[i] = (int32_t)(next_u64() % (uint64_t)n_slices);
  }
  return s;
}

static void free_stream(stream *s) {
  free(s->customer);
  free(s->time);
  free(s->score);
  free(s->clv);
  free(s->risk);
  free(s->slice);
}

static npscore_monitor *new_monitor(const npscore_monitor_options *o, const int64_t *caps,
                                    size_t n_owners) {
  npscore_monitor *m = NULL;
  CHECK_CALL(NPSCORE_OK, npscore_monitor_new(&m, o, NULL, NULL, NULL, NULL, NULL, 0, caps,
                                             n_owners, NULL), NULL);
  return m;
}

/* The bytes of m's state (malloc'd, *size bytes). */
static uint8_t *state_bytes(const npscore_monitor *m, size_t *size) {
  uint8_t *buf;
  *size = 0;
  CHECK_CALL(NPSCORE_ERANGE, npscore_monitor_serialize(NULL, 0, size, m, NULL), "capacity 0", NULL);
  buf = malloc(*size);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_serialize(buf, *size, size, m, NULL), NULL);
  return buf;
}

static void test_options(void) {
  npscore_monitor_options a = NPSCORE_MONITOR_OPTIONS_INIT, b;
  memset(&b, 0xff, sizeof b);
  CHECK_CALL(NPSCORE_OK,
             npscore_monitor_options_init(&b, NPSCORE_MONITOR_OPTIONS_VERSION, NULL), NULL);
  CHECK(a.version == b.version && a.sla_hours == b.sla_hours);
  CHECK(a.passive_sla_hours == b.passive_sla_hours && a.promoter_sla_hours == b.promoter_sla_hours);
  CHECK(a.urgency_hours == b.urgency_hours && a.open_detractors == b.open_detractors);
  CHECK(a.open_passives == b.open_passives && a.open_promoters == b.open_promoters);
  CHECK(a.late == b.late && a.lateness_hours == b.lateness_hours && a.n_slices == b.n_slices);
  CHECK(a.shift_window_steps == b.shift_window_steps && a.shift_step_hours == b.shift_step_hours);
  CHECK(a.shift_min_n == b.shift_min_n && a.shift_alpha == b.shift_alpha);
  CHECK(a.health == b.health && a.health_flag_mask == b.health_flag_mask);
  CHECK(b.health_flag_mask == ~(uint32_t)NPSCORE_FLAG_LOW_N);
}

/* Cases: one per detractor, each priority and deadline those of the contact
 * queue at the response time; breaches for the cases not contacted in time;
 * closing returns the record; the snapshot counts by hand. */
static void test_cases_and_snapshot(void) {
  const size_t n = 200;
  stream s = make_stream(n, 150, 0.5, -1, 1, 7); /* no deadline passes */
  const int64_t caps[2] = {1000, 1000};
  npscore_monitor *m = new_monitor(NULL, caps, 2);
  npscore_monitor_alert a;
  npscore_monitor_totals t;
  npscore_monitor_snapshot *snap = NULL;
  npscore_monitor_case c;
  const char *play = NULL, *label = NULL, *reasons = NULL;
  int64_t detractors = 0, passives = 0, promoters = 0, opened = 0;
  size_t first[2] = {0, 0}; /* the alerts of the first two cases */
  size_t i, k, cases_seen = 0, n_alerts;
  int priorities_equal = 1, deadlines_equal = 1, kinds_ok = 1;
  int64_t load[2];
  for (i = 0; i < n; ++i) {
    if (s.score[i] <= 6) ++detractors;
    else if (s.score[i] <= 8) ++passives;
    else ++promoters;
  }
  for (i = 0; i < n; ++i) {
    CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest(m, s.customer[i], s.score[i], s.time[i], 0,
                                                  s.clv[i], s.risk[i], -1, NULL), NULL);
  }
  n_alerts = npscore_monitor_alerts_size(m);
  for (k = 0; k < n_alerts; ++k) {
    CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_get(&a, m, k, NULL), NULL);
    if (a.kind == NPSCORE_ALERT_CASE_OPENED) {
      /* The contact queue of this one customer at its response time. */
      npscore_priority_queue *q = NULL;
      npscore_priority_case e;
      double risk = NAN, clv = NAN;
      const int8_t seg = -1;
      for (i = 0; i < n; ++i) {
        if (s.customer[i] == a.customer && s.time[i] == a.responded_at) {
          risk = s.risk[i];
          clv = s.clv[i];
        }
      }
      CHECK_CALL(NPSCORE_OK, npscore_priority_queue_new(&q, &risk, &clv, &seg, &a.responded_at,
                                                        NULL, NULL, 1, a.responded_at, NULL,
                                                        NULL, 0, NULL, 0, NULL, NULL), NULL);
      CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 0, NULL), NULL);
      if (e.priority != a.priority) priorities_equal = 0;
      if (e.deadline != a.deadline || a.deadline != a.responded_at + 24 * HOUR) deadlines_equal = 0;
      npscore_priority_queue_free(q);
      CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_text(&play, &label, &reasons, m, k, NULL), NULL);
      if (strcmp(play, "recover") != 0 || label[0] != '\0' || reasons[0] != '\0') kinds_ok = 0;
      if (a.segment != -1 || a.time != a.responded_at) kinds_ok = 0;
      if (opened < 2) first[opened] = k;
      ++opened;
    }
  }
  CHECK(opened == detractors);
  CHECK(priorities_equal);
  CHECK(deadlines_equal);
  CHECK(kinds_ok);

  /* Contact the first case within its SLA, close the second. */
  CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_get(&a, m, first[0], NULL), NULL);
  {
    const int64_t cust0 = a.customer, at0 = a.responded_at;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_get(&a, m, first[1], NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_record_contact(m, cust0, at0, at0 + HOUR, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_close_case(&c, m, a.customer, a.responded_at,
                                                      a.responded_at + 2 * HOUR,
                                                      NPSCORE_OUTCOME_RECOVERED, NULL), NULL);
    CHECK(c.customer == a.customer && c.responded_at == a.responded_at);
    CHECK(c.outcome == NPSCORE_OUTCOME_RECOVERED && c.closed_at == a.responded_at + 2 * HOUR);
    CHECK(c.contacted_at == NPSCORE_MISSING_TIME && c.breached == 0 && c.owner == a.owner);
    CHECK(c.priority == a.priority);
    /* Closed: a second close is an error naming the case. */
    CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_close_case(&c, m, a.customer, a.responded_at,
                                                          a.responded_at + 3 * HOUR,
                                                          NPSCORE_OUTCOME_CHURNED, NULL),
               "npscore_monitor_close_case", NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_alerts_clear(m, NULL), NULL);
    CHECK(npscore_monitor_alerts_size(m) == 0);
    /* Every case is due by then: each breaches once but the contacted one. */
    CHECK_CALL(NPSCORE_OK, npscore_monitor_advance(m, T0 + 10 * DAY, NULL), NULL);
    n_alerts = npscore_monitor_alerts_size(m);
    {
      int64_t breaches = 0;
      int contacted_breached = 0;
      for (k = 0; k < n_alerts; ++k) {
        CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_get(&a, m, k, NULL), NULL);
        if (a.kind != NPSCORE_ALERT_SLA_BREACH) continue;
        ++breaches;
        if (a.customer == cust0 && a.responded_at == at0) contacted_breached = 1;
        CHECK(a.time == a.deadline);
      }
      CHECK(breaches == detractors - 2);
      CHECK(!contacted_breached);
    }
  }

  /* The snapshot: counts by hand, open cases all but the closed one, each
   * with the queue's priority at the clock. */
  CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_new(&snap, m, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_totals(&t, snap, NULL), NULL);
  CHECK(t.clock == T0 + 10 * DAY && t.responses == (int64_t)n && t.late == 0);
  CHECK(t.counts.detractors == detractors && t.counts.passives == passives &&
        t.counts.promoters == promoters);
  CHECK(t.cases_opened == detractors && t.cases_closed[NPSCORE_OUTCOME_RECOVERED] == 1);
  CHECK(t.breaches == detractors - 2 && t.open_cases == detractors - 1);
  CHECK(npscore_monitor_snapshot_size(snap) == (size_t)(detractors - 1));
  for (k = 0; k < npscore_monitor_snapshot_size(snap); ++k) {
    npscore_priority_queue *q = NULL;
    npscore_priority_case e;
    const int8_t seg = -1;
    const npscore_priority_options po = NPSCORE_PRIORITY_OPTIONS_INIT;
    npscore_priority_options wide = po;
    wide.window_hours = INFINITY;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_case(&c, snap, k, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_new(&q, &c.churn_risk, &c.clv, &seg,
                                                      &c.responded_at, NULL, NULL, 1, t.clock,
                                                      NULL, NULL, 0, NULL, 0, &wide, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&e, q, 0, NULL), NULL);
    if (e.priority != c.priority || c.closed_at != NPSCORE_MISSING_TIME) priorities_equal = 0;
    npscore_priority_queue_free(q);
    ++cases_seen;
  }
  CHECK(priorities_equal && cases_seen == (size_t)(detractors - 1));
  {
    npscore_nps_counts sc;
    npscore_nps_summary w;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_slice(&sc, &w, snap, 0, NULL), NULL);
    CHECK(sc.detractors == detractors && sc.promoters == promoters);
    CHECK(w.n == t.window.n);
  }
  CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_owner_load(load, 2, snap, NULL), NULL);
  CHECK(load[0] + load[1] + t.unassigned == t.open_cases);
  CHECK(load[0] > 0 && load[1] > 0); /* round-robin over both owners */
  npscore_monitor_snapshot_free(snap);
  npscore_monitor_free(m);
  free_stream(&s);
}

/* Columns equal one-by-one ingestion (bytes), for float and int scores. */
static void test_columns(void) {
  const size_t n = 300;
  stream s = make_stream(n, 120, 6, 3, 2, 9);
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  npscore_monitor *one, *cols, *ints;
  int32_t *iscore = malloc(n * sizeof *iscore);
  uint8_t *b1, *b2, *b3;
  size_t s1, s2, s3, i;
  o.n_slices = 2;
  one = new_monitor(&o, NULL, 0);
  cols = new_monitor(&o, NULL, 0);
  ints = new_monitor(&o, NULL, 0);
  for (i = 0; i < n; ++i) {
    iscore[i] = (int32_t)s.score[i];
    CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest(one, s.customer[i], s.score[i], s.time[i],
                                                  s.slice[i], s.clv[i], s.risk[i], -1, NULL), NULL);
  }
  CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest_columns(cols, s.customer, s.score, NPSCORE_F64,
                                                        s.time, n, s.slice, s.clv, s.risk, NULL,
                                                        NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest_columns(ints, s.customer, iscore, NPSCORE_I32,
                                                        s.time, n, s.slice, s.clv, s.risk, NULL,
                                                        NULL), NULL);
  CHECK(npscore_monitor_alerts_size(one) == npscore_monitor_alerts_size(cols));
  CHECK(npscore_monitor_alerts_size(one) == npscore_monitor_alerts_size(ints));
  b1 = state_bytes(one, &s1);
  b2 = state_bytes(cols, &s2);
  b3 = state_bytes(ints, &s3);
  CHECK(s1 == s2 && memcmp(b1, b2, s1) == 0);
  CHECK(s1 == s3 && memcmp(b1, b3, s1) == 0);
  /* A bad row is named; the rows before it stay ingested. */
  iscore[5] = 11;
  npscore_monitor_free(ints);
  ints = new_monitor(&o, NULL, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_ingest_columns(ints, s.customer, iscore, NPSCORE_I32,
                                                            s.time, n, s.slice, NULL, NULL, NULL,
                                                            NULL),
             "row 5", "score", "11", NULL);
  {
    npscore_monitor_snapshot *snap = NULL;
    npscore_monitor_totals t;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_new(&snap, ints, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_totals(&t, snap, NULL), NULL);
    CHECK(t.responses == 5);
    npscore_monitor_snapshot_free(snap);
  }
  free(b1);
  free(b2);
  free(b3);
  free(iscore);
  npscore_monitor_free(one);
  npscore_monitor_free(cols);
  npscore_monitor_free(ints);
  free_stream(&s);
}

/* serialize -> load -> serialize gives the same bytes; damage is an error. */
static void test_bytes(void) {
  const size_t n = 400;
  stream s = make_stream(n, 300, 5, -1, 3, 13);
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  npscore_monitor *m, *back = NULL;
  uint8_t *b1, *b2, *bad;
  size_t s1, s2, i;
  o.n_slices = 3;
  o.health = 1;
  m = new_monitor(&o, NULL, 0);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest_columns(m, s.customer, s.score, NPSCORE_F64,
                                                        s.time, n, s.slice, s.clv, s.risk, NULL,
                                                        NULL), NULL);
  b1 = state_bytes(m, &s1);
  CHECK(s1 > 28 && memcmp(b1, "NPSMONIT", 8) == 0);
  {
    size_t small = 0;
    uint8_t one;
    CHECK_CALL(NPSCORE_ERANGE, npscore_monitor_serialize(&one, 1, &small, m, NULL), NULL);
    CHECK(small == s1);
  }
  CHECK_CALL(NPSCORE_OK, npscore_monitor_load(&back, b1, s1, NULL), NULL);
  b2 = state_bytes(back, &s2);
  CHECK(s1 == s2 && memcmp(b1, b2, s1) == 0);
  bad = malloc(s1 + 1);
  /* A flipped byte in the payload, the version, the checksum. */
  {
    const size_t at[3] = {s1 / 2, 8, s1 - 1};
    for (i = 0; i < 3; ++i) {
      npscore_monitor *x = (npscore_monitor *)&bad; /* must be set to NULL */
      memcpy(bad, b1, s1);
      bad[at[i]] ^= 0x10;
      CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_load(&x, bad, s1, NULL), "npscore_monitor_load", NULL);
      CHECK(x == NULL);
    }
  }
  {
    npscore_monitor *x = NULL;
    CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_load(&x, b1, s1 - 9, NULL), "npscore_monitor_load", NULL);
    memcpy(bad, b1, s1);
    bad[s1] = 0;
    CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_load(&x, bad, s1 + 1, NULL), "npscore_monitor_load", NULL);
    /* Version 2, a version this library does not know. */
    memcpy(bad, b1, s1);
    bad[8] = 2;
    CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_load(&x, bad, s1, NULL), "version", NULL);
    CHECK(x == NULL);
  }
  free(bad);
  free(b1);
  free(b2);
  npscore_monitor_free(back);
  npscore_monitor_free(m);
  free_stream(&s);
}

/* Shards by customer merged in either order equal one monitor fed all. */
static void test_merge(void) {
  const size_t n = 600;
  stream s = make_stream(n, 250, 9, 5, 2, 17);
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  npscore_monitor *all, *a, *b, *ab, *ba;
  uint8_t *ball, *bab, *bba, *bytes;
  size_t sall, sab, sba, i, sz;
  const int64_t end = T0 + 12 * DAY;
  o.n_slices = 2;
  o.health = 1;
  all = new_monitor(&o, NULL, 0);
  a = new_monitor(&o, NULL, 0);
  b = new_monitor(&o, NULL, 0);
  for (i = 0; i < n; ++i) {
    npscore_monitor *shard = s.customer[i] % 2 == 0 ? a : b;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest(all, s.customer[i], s.score[i], s.time[i],
                                                  s.slice[i], s.clv[i], s.risk[i], -1, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest(shard, s.customer[i], s.score[i], s.time[i],
                                                  s.slice[i], s.clv[i], s.risk[i], -1, NULL), NULL);
  }
  /* ab = a + b, ba = b + a: copies through the bytes. */
  bytes = state_bytes(a, &sz);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_load(&ab, bytes, sz, NULL), NULL);
  free(bytes);
  bytes = state_bytes(b, &sz);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_load(&ba, bytes, sz, NULL), NULL);
  free(bytes);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_merge(ab, b, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_merge(ba, a, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_advance(all, end, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_advance(ab, end, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_monitor_advance(ba, end, NULL), NULL);
  ball = state_bytes(all, &sall);
  bab = state_bytes(ab, &sab);
  bba = state_bytes(ba, &sba);
  CHECK(sall == sab && memcmp(ball, bab, sall) == 0);
  CHECK(sall == sba && memcmp(ball, bba, sall) == 0);
  /* A case in both shards is an error, and the monitor stays as it was. */
  CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_merge(ab, a, NULL), "npscore_monitor_merge", NULL);
  free(bab);
  bab = state_bytes(ab, &sab);
  CHECK(sall == sab && memcmp(ball, bab, sall) == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_monitor_merge(ab, ab, NULL), "other is m", NULL);
  free(ball);
  free(bab);
  free(bba);
  npscore_monitor_free(all);
  npscore_monitor_free(a);
  npscore_monitor_free(b);
  npscore_monitor_free(ab);
  npscore_monitor_free(ba);
  free_stream(&s);
}

/* health_flag alerts equal the flags of the batch health table of the same
 * responses (npscore_health_table_new_over_time), period by period; the
 * closed-health table equals it too. */
static void test_health_flags(void) {
  const size_t n = 12000;
  const int n_slices = 2;
  stream s = make_stream(n, 3000, 420, 300, n_slices, 21);
  npscore_monitor_options o = NPSCORE_MONITOR_OPTIONS_INIT;
  npscore_health_options ho = NPSCORE_HEALTH_OPTIONS_INIT;
  npscore_monitor *m = NULL;
  npscore_health_period_grid *grid = NULL;
  npscore_health_table *batch = NULL, *closed = NULL;
  int64_t *slices64 = malloc(n * sizeof *slices64);
  size_t i, k, rows, periods, want = 0, got = 0;
  int same = 1;
  int64_t grid_end = 0;
  o.n_slices = n_slices;
  o.health = 1;
  ho.baseline_months = 6;
  for (i = 0; i < n; ++i) slices64[i] = s.slice[i];
  CHECK_CALL(NPSCORE_OK, npscore_monitor_new(&m, &o, NULL, &ho, "Europe/Berlin", NULL, NULL, 0,
                                             NULL, 0, NULL), NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_new(&grid, s.time[0], s.time[n - 1],
                                                        NPSCORE_FREQ_MONTH, "Europe/Berlin",
                                                        NULL), NULL);
  periods = npscore_health_period_grid_size(grid);
  {
    int64_t start;
    const char *label;
    CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &grid_end, &label, grid,
                                                          periods - 1, NULL), NULL);
  }
  CHECK_CALL(NPSCORE_OK, npscore_health_table_new_over_time(&batch, s.score, NPSCORE_F64, n,
                                                            s.time, grid, slices64,
                                                            (size_t)n_slices, NULL, &ho, NULL),
             NULL);
  rows = npscore_health_table_size(batch);
  CHECK(rows == periods * (size_t)n_slices && periods >= 14);
  for (k = 0; k < rows; ++k) {
    npscore_health_row r;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, batch, k, NULL), NULL);
    if ((r.flags & ~NPSCORE_FLAG_LOW_N) != 0) ++want;
  }
  CHECK(want >= 2); /* the surge is flagged */
  /* Batches of 7 rows; then the clock past the last period. */
  for (i = 0; i < n; i += 7) {
    const size_t len = n - i < 7 ? n - i : 7;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_ingest_columns(m, s.customer + i, s.score + i,
                                                          NPSCORE_F64, s.time + i, len,
                                                          s.slice + i, NULL, NULL, NULL, NULL),
               NULL);
  }
  CHECK_CALL(NPSCORE_OK, npscore_monitor_advance(m, grid_end + 25 * HOUR, NULL), NULL);
  for (k = 0; k < npscore_monitor_alerts_size(m); ++k) {
    npscore_monitor_alert a;
    npscore_health_row r;
    npscore_health_baseline_row br;
    const char *play, *label, *reasons, *want_reasons;
    int64_t start, end;
    const char *want_label;
    size_t row;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_get(&a, m, k, NULL), NULL);
    if (a.kind != NPSCORE_ALERT_HEALTH_FLAG) continue;
    ++got;
    row = (size_t)a.slice * periods + (size_t)a.period;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, batch, row, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&br, batch, row, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&want_reasons, batch, row, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&start, &end, &want_label, grid,
                                                          (size_t)a.period, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_alert_text(&play, &label, &reasons, m, k, NULL), NULL);
    if (a.flags != r.flags || a.n != r.n || a.period_start != start || a.period_end != end ||
        a.time != end || strcmp(label, want_label) != 0 || strcmp(reasons, want_reasons) != 0 ||
        play[0] != '\0' || !(a.nps == r.nps || (isnan(a.nps) && isnan(r.nps))) ||
        !(a.cusum == br.cusum || (isnan(a.cusum) && isnan(br.cusum))) ||
        !(a.drop_p_adjusted == br.drop_p_adjusted ||
          (isnan(a.drop_p_adjusted) && isnan(br.drop_p_adjusted)))) {
      same = 0;
    }
  }
  CHECK(got == want);
  CHECK(same);
  /* The snapshot's periods are the grid's. */
  {
    npscore_monitor_snapshot *snap = NULL;
    npscore_monitor_totals t;
    CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_new(&snap, m, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_totals(&t, snap, NULL), NULL);
    CHECK(t.health_periods == (int64_t)periods && t.health_closed == (int64_t)periods);
    for (k = 0; k < periods; ++k) {
      int64_t s1, e1, s2, e2;
      const char *l1, *l2;
      CHECK_CALL(NPSCORE_OK, npscore_monitor_snapshot_period(&s1, &e1, &l1, snap, k, NULL), NULL);
      CHECK_CALL(NPSCORE_OK, npscore_health_period_grid_get(&s2, &e2, &l2, grid, k, NULL), NULL);
      if (s1 != s2 || e1 != e2 || strcmp(l1, l2) != 0) same = 0;
    }
    CHECK(same);
    npscore_monitor_snapshot_free(snap);
  }
  /* The closed periods' table: the batch's flags and reasons. */
  CHECK_CALL(NPSCORE_OK, npscore_health_table_new_from_monitor(&closed, m, NULL), NULL);
  CHECK(npscore_health_table_size(closed) == rows);
  for (k = 0; k < rows && k < npscore_health_table_size(closed); ++k) {
    npscore_health_row r1, r2;
    const char *t1, *t2;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r1, batch, k, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r2, closed, k, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&t1, batch, k, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&t2, closed, k, NULL), NULL);
    if (r1.flags != r2.flags || r1.n != r2.n || r1.detractors != r2.detractors ||
        strcmp(t1, t2) != 0) {
      same = 0;
    }
  }
  CHECK(same);
  npscore_health_table_free(closed);
  npscore_health_table_free(batch);
  npscore_health_period_grid_free(grid);
  npscore_monitor_free(m);
  free(slices64);
  free_stream(&s);
}

int main(void) {
  test_options();
  test_cases_and_snapshot();
  test_columns();
  test_bytes();
  test_merge();
  test_health_flags();
  return check_summary();
}
