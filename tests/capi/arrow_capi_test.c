/* Whole tables out through the Arrow C Data Interface: every exported column
 * equals what the row getters give, the schema names and types the columns,
 * and the export lives on its own (the table handle freed first, a child
 * moved out and the rest released). Run under ASan/UBSan too, which catches
 * a use after free or a leak in the release callbacks. */

#include <stddef.h>

#include "check.h"

/* The index of the child named `name`, or -1. */
static int64_t child_index(const struct ArrowSchema *s, const char *name) {
  int64_t i;
  for (i = 0; i < s->n_children; ++i) {
    if (strcmp(s->children[i]->name, name) == 0) return i;
  }
  return -1;
}

/* The values buffer of the child named `name` with format `format`, or NULL. */
static const void *column(const struct ArrowArray *a, const struct ArrowSchema *s,
                          const char *name, const char *format) {
  const int64_t i = child_index(s, name);
  if (i < 0) {
    fprintf(stderr, "  no column %s\n", name);
    return NULL;
  }
  if (strcmp(s->children[i]->format, format) != 0) {
    fprintf(stderr, "  column %s has format %s, want %s\n", name, s->children[i]->format, format);
    return NULL;
  }
  if (a->children[i]->length != a->length || a->children[i]->null_count != 0 ||
      a->children[i]->offset != 0) {
    return NULL;
  }
  return a->children[i]->buffers[1];
}

static int same_double(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

/* Checks the struct-level invariants of an export of `rows` rows. */
static void check_struct(const struct ArrowArray *a, const struct ArrowSchema *s, int64_t rows,
                         int64_t columns) {
  int64_t i;
  CHECK(strcmp(s->format, "+s") == 0);
  CHECK(a->length == rows);
  CHECK(a->n_children == columns);
  CHECK(s->n_children == columns);
  CHECK(a->n_buffers == 1 && a->null_count == 0);
  for (i = 0; i < a->n_children; ++i) {
    const struct ArrowArray *c = a->children[i];
    const char *f = s->children[i]->format;
    const int is_text = strcmp(f, "u") == 0 || strcmp(f, "U") == 0;
    CHECK(c->n_buffers == (is_text ? 3 : 2));
    CHECK(c->buffers[1] != NULL);
    CHECK(c->release != NULL && s->children[i]->release != NULL);
  }
}

typedef struct {
  const char *name;
  size_t offset;
} field;

#define ROW_STAT(f) \
  { #f, offsetof(npscore_health_row, f) }
#define BASE_STAT(f) \
  { #f, offsetof(npscore_health_baseline_row, f) }

static const field kRowStats[] = {
    ROW_STAT(share_detractors), ROW_STAT(share_detractors_low), ROW_STAT(share_detractors_high),
    ROW_STAT(share_passives), ROW_STAT(share_passives_low), ROW_STAT(share_passives_high),
    ROW_STAT(share_promoters), ROW_STAT(share_promoters_low), ROW_STAT(share_promoters_high),
    ROW_STAT(nps), ROW_STAT(se), ROW_STAT(ci_low), ROW_STAT(ci_high), ROW_STAT(nps_change),
    ROW_STAT(change_se), ROW_STAT(change_p), ROW_STAT(change_p_adjusted),
    ROW_STAT(detractor_change), ROW_STAT(detractor_change_p_adjusted), ROW_STAT(promoter_change),
    ROW_STAT(promoter_change_p_adjusted), ROW_STAT(passive_trend),
    ROW_STAT(passive_trend_p_adjusted), ROW_STAT(nps_trend)};
static const field kRowCounts[] = {{"n", offsetof(npscore_health_row, n)},
                                   {"detractors", offsetof(npscore_health_row, detractors)},
                                   {"passives", offsetof(npscore_health_row, passives)},
                                   {"promoters", offsetof(npscore_health_row, promoters)},
                                   {"skipped", offsetof(npscore_health_row, skipped)},
                                   {"slice", offsetof(npscore_health_row, slice)},
                                   {"period", offsetof(npscore_health_row, period)}};
static const field kBaseStats[] = {
    BASE_STAT(baseline_nps), BASE_STAT(nps_vs_baseline), BASE_STAT(vs_baseline_se),
    BASE_STAT(drop_p), BASE_STAT(drop_p_adjusted), BASE_STAT(detractor_vs_baseline),
    BASE_STAT(surge_p), BASE_STAT(surge_p_adjusted), BASE_STAT(promoter_vs_baseline),
    BASE_STAT(erosion_p), BASE_STAT(erosion_p_adjusted), BASE_STAT(passive_growth_p),
    BASE_STAT(passive_growth_p_adjusted), BASE_STAT(cusum), BASE_STAT(min_detectable_drop)};
static const field kBaseCounts[] = {
    {"baseline_first", offsetof(npscore_health_baseline_row, baseline_first)},
    {"baseline_n", offsetof(npscore_health_baseline_row, baseline_n)},
    {"flag_family", offsetof(npscore_health_baseline_row, flag_family)}};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A health table of 3 slices x 30 monthly periods from a fixed generator,
 * with a drop in slice 1 so that flags and reasons are not all empty. */
static npscore_health_table *make_health_table(void) {
  enum { kSlices = 3, kPeriods = 30, kPer = 40, kN = kSlices * kPeriods * kPer };
  static double scores[kN];
  static int32_t periods[kN];
  static int64_t slices[kN];
  uint32_t state = 12345u;
  size_t i;
  npscore_health_table *t = NULL;
  for (i = 0; i < kN; ++i) {
    const int64_t slice = (int64_t)(i / (kPeriods * kPer));
    const int32_t period = (int32_t)((i / kPer) % kPeriods);
    int score;
    state = state * 1664525u + 1013904223u;
    score = (int)((state >> 8) % 11u);
    if (slice == 1 && period >= 24 && score > 3) score -= 3; /* a real drop */
    scores[i] = score;
    periods[i] = period;
    slices[i] = slice;
  }
  CHECK_CALL(NPSCORE_OK,
             npscore_health_table_new(&t, scores, NPSCORE_F64, kN, periods, kPeriods, slices,
                                      kSlices, NULL, NULL, NULL),
             NULL);
  return t;
}

static void test_health_table(void) {
  npscore_health_table *t = make_health_table();
  struct ArrowArray a;
  struct ArrowSchema s;
  npscore_error err;
  size_t rows, i, k;
  int flagged = 0;
  if (t == NULL) return;
  rows = npscore_health_table_size(t);
  CHECK(rows == 90);
  CHECK_CALL(NPSCORE_OK, npscore_health_table_export_arrow(&a, &s, t, &err), NULL);
  CHECK(err.status == NPSCORE_OK);
  check_struct(&a, &s, (int64_t)rows,
               (int64_t)(N_OF(kRowStats) + N_OF(kRowCounts) + N_OF(kBaseStats) +
                         N_OF(kBaseCounts) + 2));
  for (i = 0; i < rows; ++i) {
    npscore_health_row r;
    npscore_health_baseline_row b;
    const char *why = NULL;
    const uint32_t *flags = (const uint32_t *)column(&a, &s, "flags", "I");
    const struct ArrowArray *reasons = a.children[child_index(&s, "reasons")];
    const int32_t *offsets = (const int32_t *)reasons->buffers[1];
    const char *chars = (const char *)reasons->buffers[2];
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r, t, i, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_baseline(&b, t, i, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_health_table_reasons(&why, t, i, NULL), NULL);
    for (k = 0; k < N_OF(kRowStats); ++k) {
      const double *col = (const double *)column(&a, &s, kRowStats[k].name, "g");
      double want;
      memcpy(&want, (const char *)&r + kRowStats[k].offset, sizeof want);
      if (col == NULL || !same_double(col[i], want)) {
        check(0, kRowStats[k].name, __LINE__);
        break;
      }
    }
    for (k = 0; k < N_OF(kRowCounts); ++k) {
      const int64_t *col = (const int64_t *)column(&a, &s, kRowCounts[k].name, "l");
      int64_t want;
      memcpy(&want, (const char *)&r + kRowCounts[k].offset, sizeof want);
      if (col == NULL || col[i] != want) {
        check(0, kRowCounts[k].name, __LINE__);
        break;
      }
    }
    for (k = 0; k < N_OF(kBaseStats); ++k) {
      const double *col = (const double *)column(&a, &s, kBaseStats[k].name, "g");
      double want;
      memcpy(&want, (const char *)&b + kBaseStats[k].offset, sizeof want);
      if (col == NULL || !same_double(col[i], want)) {
        check(0, kBaseStats[k].name, __LINE__);
        break;
      }
    }
    for (k = 0; k < N_OF(kBaseCounts); ++k) {
      const int64_t *col = (const int64_t *)column(&a, &s, kBaseCounts[k].name, "l");
      int64_t want;
      memcpy(&want, (const char *)&b + kBaseCounts[k].offset, sizeof want);
      if (col == NULL || col[i] != want) {
        check(0, kBaseCounts[k].name, __LINE__);
        break;
      }
    }
    CHECK(flags != NULL && flags[i] == r.flags);
    CHECK(strcmp(s.children[child_index(&s, "reasons")]->format, "u") == 0);
    CHECK((size_t)(offsets[i + 1] - offsets[i]) == strlen(why) &&
          memcmp(chars + offsets[i], why, strlen(why)) == 0);
    if (r.flags & ~NPSCORE_FLAG_LOW_N) flagged = 1;
  }
  CHECK(flagged); /* the drop raised a flag, so reasons were compared non-empty */

  /* The export outlives the handle; a child moved out outlives the rest. */
  {
    const int64_t k_nps = child_index(&s, "nps");
    struct ArrowArray nps_col = *a.children[k_nps];
    double first;
    npscore_health_row r0;
    CHECK_CALL(NPSCORE_OK, npscore_health_table_get(&r0, t, 0, NULL), NULL);
    a.children[k_nps]->release = NULL; /* moved out, as the Arrow spec allows */
    npscore_health_table_free(t);
    a.release(&a);
    CHECK(a.release == NULL);
    memcpy(&first, nps_col.buffers[1], sizeof first);
    CHECK(same_double(first, r0.nps));
    nps_col.release(&nps_col);
    CHECK(nps_col.release == NULL);
    s.release(&s);
    CHECK(s.release == NULL);
  }
}

static void test_group_and_account_tables(void) {
  static const int32_t scores[] = {10, 9, 0, 7, 6, 10, 8, 3, 9, 10};
  static const int64_t groups[] = {0, 0, 1, 1, 1, 2, 2, 2, 0, 1};
  static const int64_t contacts[] = {1, 2, 3, 3, 4, 5, 6, 6, 1, 7};
  npscore_nps_group_table *g = NULL;
  npscore_health_account_table *acc = NULL;
  struct ArrowArray a;
  struct ArrowSchema s;
  size_t i;

  CHECK_CALL(NPSCORE_OK,
             npscore_nps_group_table_new(&g, scores, NPSCORE_I32, 10, groups, 3, NULL, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_export_arrow(&a, &s, g, NULL), NULL);
  check_struct(&a, &s, 3, 11);
  for (i = 0; i < 3; ++i) {
    npscore_nps_summary sum;
    int32_t small = -1;
    const double *nps = (const double *)column(&a, &s, "nps", "g");
    const double *lo = (const double *)column(&a, &s, "ci_low", "g");
    const double *n = (const double *)column(&a, &s, "n", "g");
    const uint8_t *bits = (const uint8_t *)column(&a, &s, "small", "b");
    CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&sum, &small, g, i, NULL), NULL);
    CHECK(nps != NULL && nps[i] == sum.nps);
    CHECK(lo != NULL && lo[i] == sum.ci_low);
    CHECK(n != NULL && n[i] == sum.n);
    CHECK(bits != NULL && ((bits[i / 8] >> (i % 8)) & 1) == (small != 0));
  }
  /* Hand derivation: group 0 is {10, 9, 9}: NPS 100; group 1 {0, 7, 6, 10}: -25. */
  CHECK(((const double *)column(&a, &s, "nps", "g"))[0] == 100.0);
  CHECK(((const double *)column(&a, &s, "nps", "g"))[1] == -25.0);
  npscore_nps_group_table_free(g);
  a.release(&a);
  s.release(&s);

  CHECK_CALL(NPSCORE_OK,
             npscore_health_account_table_new(&acc, scores, NPSCORE_I32, 10, groups, 4, contacts,
                                              NULL, NPSCORE_ROLLUP_POOLED, NULL, 1.0, NULL, NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_health_account_table_export_arrow(&a, &s, acc, NULL), NULL);
  check_struct(&a, &s, 4, 6);
  for (i = 0; i < 4; ++i) {
    npscore_health_account_row r;
    const int64_t *resp = (const int64_t *)column(&a, &s, "responses", "l");
    const int64_t *cont = (const int64_t *)column(&a, &s, "contacts", "l");
    const double *nps = (const double *)column(&a, &s, "nps", "g");
    const int8_t *seg = (const int8_t *)column(&a, &s, "segment", "c");
    const uint8_t *bits = (const uint8_t *)column(&a, &s, "small", "b");
    CHECK_CALL(NPSCORE_OK, npscore_health_account_table_get(&r, acc, i, NULL), NULL);
    CHECK(resp != NULL && resp[i] == r.responses);
    CHECK(cont != NULL && cont[i] == r.contacts);
    CHECK(nps != NULL && same_double(nps[i], r.nps));
    CHECK(seg != NULL && seg[i] == r.segment);
    CHECK(bits != NULL && ((bits[i / 8] >> (i % 8)) & 1) == (r.small != 0));
  }
  /* Account 3 has no responses: NaN NPS, no segment, small. */
  CHECK(isnan(((const double *)column(&a, &s, "nps", "g"))[3]));
  CHECK(((const int8_t *)column(&a, &s, "segment", "c"))[3] == NPSCORE_NO_SEGMENT);
  a.release(&a);
  s.release(&s);
  npscore_health_account_table_free(acc);
}

#define FEAT(f) \
  { #f, offsetof(npscore_churn_feature_row, f) }
static const field kFeatStats[] = {
    FEAT(score), FEAT(previous_score), FEAT(score_change), FEAT(mean_score), FEAT(min_score),
    FEAT(max_score), FEAT(days_since_response), FEAT(days_since_first_response),
    FEAT(tenure_days), FEAT(customer_age_days), FEAT(days_to_follow_up),
    FEAT(days_detractor_waiting)};

static void test_churn_features_and_queue(void) {
  /* 5 customers, 9 responses over 40 days; customer 4 never answered. */
  static const int64_t customers[] = {1, 1, 2, 3, 3, 3, 2, 5, 1};
  static const int32_t scores[] = {9, 3, 10, 6, 5, 8, 7, 0, 4};
  static const int64_t day = 86400000000000LL;
  int64_t times[9], followed[9], signup[5];
  static const int64_t ids[] = {1, 2, 3, 4, 5};
  npscore_churn_features *f = NULL;
  npscore_priority_queue *q = NULL;
  struct ArrowArray a;
  struct ArrowSchema s;
  size_t i, k;
  for (i = 0; i < 9; ++i) {
    times[i] = (int64_t)(i * 4 + 1) * day;
    followed[i] = i == 1 ? times[i] + 2 * day : INT64_MIN;
  }
  for (i = 0; i < 5; ++i) signup[i] = 0;
  CHECK_CALL(NPSCORE_OK,
             npscore_churn_features_new(&f, customers, times, scores, NPSCORE_I32, 9, followed, ids,
                                        signup, 5, 40 * day, NULL, NULL, NULL),
             NULL);
  if (f == NULL) return;
  CHECK_CALL(NPSCORE_OK, npscore_churn_features_export_arrow(&a, &s, f, NULL), NULL);
  check_struct(&a, &s, 5, 21);
  for (i = 0; i < 5; ++i) {
    npscore_churn_feature_row r;
    const uint8_t *has = (const uint8_t *)column(&a, &s, "has_response", "b");
    const int64_t *nr = (const int64_t *)column(&a, &s, "n_responses", "l");
    const int8_t *seg = (const int8_t *)column(&a, &s, "segment", "c");
    const int8_t *chg = (const int8_t *)column(&a, &s, "segment_change", "c");
    const uint8_t *fu = (const uint8_t *)column(&a, &s, "detractor_followed_up", "b");
    CHECK_CALL(NPSCORE_OK, npscore_churn_features_get(&r, f, i, NULL), NULL);
    CHECK(has != NULL && ((has[0] >> i) & 1) == (r.has_response != 0));
    CHECK(fu != NULL && ((fu[0] >> i) & 1) == (r.detractor_followed_up != 0));
    CHECK(nr != NULL && nr[i] == r.n_responses);
    CHECK(seg != NULL && seg[i] == r.segment);
    CHECK(chg != NULL && chg[i] == r.segment_change);
    for (k = 0; k < N_OF(kFeatStats); ++k) {
      const double *col = (const double *)column(&a, &s, kFeatStats[k].name, "g");
      double want;
      memcpy(&want, (const char *)&r + kFeatStats[k].offset, sizeof want);
      if (col == NULL || !same_double(col[i], want)) check(0, kFeatStats[k].name, __LINE__);
    }
  }
  /* By hand: customer 1 answered 9, 3, 4: three responses, latest 4 (detractor). */
  CHECK(((const int64_t *)column(&a, &s, "n_responses", "l"))[0] == 3);
  CHECK(((const double *)column(&a, &s, "score", "g"))[0] == 4.0);
  CHECK(((const int64_t *)column(&a, &s, "n_responses", "l"))[3] == 0);
  npscore_churn_features_free(f);
  a.release(&a);
  s.release(&s);

  {
    static const double risk[] = {0.9, 0.1, 0.5, 0.7, 0.2, 0.6};
    static const double clv[] = {100, 5000, 300, 50, 900, 10};
    static const int8_t seg[] = {-1, 1, 0, -1, -1, 0};
    CHECK_CALL(NPSCORE_OK,
               npscore_priority_queue_new(&q, risk, clv, seg, NULL, NULL, NULL, 6, 0, NULL, NULL, 0,
                                          NULL, 0, NULL, NULL),
               NULL);
  }
  if (q == NULL) return;
  CHECK_CALL(NPSCORE_OK, npscore_priority_queue_export_arrow(&a, &s, q, NULL), NULL);
  check_struct(&a, &s, (int64_t)npscore_priority_queue_size(q), 11);
  for (i = 0; i < npscore_priority_queue_size(q); ++i) {
    npscore_priority_case c;
    const int64_t *row = (const int64_t *)column(&a, &s, "row", "l");
    const double *pr = (const double *)column(&a, &s, "priority", "g");
    const double *rar = (const double *)column(&a, &s, "revenue_at_risk", "g");
    const int64_t *dl = (const int64_t *)column(&a, &s, "deadline", "l");
    const int32_t *own = (const int32_t *)column(&a, &s, "owner", "i");
    const int8_t *sg = (const int8_t *)column(&a, &s, "segment", "c");
    CHECK_CALL(NPSCORE_OK, npscore_priority_queue_get(&c, q, i, NULL), NULL);
    CHECK(row != NULL && row[i] == c.row);
    CHECK(pr != NULL && same_double(pr[i], c.priority));
    CHECK(rar != NULL && rar[i] == c.revenue_at_risk);
    CHECK(dl != NULL && dl[i] == c.deadline);
    CHECK(own != NULL && own[i] == c.owner);
    CHECK(sg != NULL && sg[i] == c.segment);
  }
  npscore_priority_queue_free(q);
  a.release(&a);
  s.release(&s);
}

static void no_release_schema(struct ArrowSchema *s) { s->release = NULL; }
static void no_release_array(struct ArrowArray *a) { a->release = NULL; }

/* A primitive Arrow array over caller memory (released by doing nothing). */
static void make_array(struct ArrowArray *a, struct ArrowSchema *s, const char *format,
                       const void **buffers, int64_t length, int64_t offset, int64_t null_count) {
  memset(a, 0, sizeof *a);
  memset(s, 0, sizeof *s);
  s->format = format;
  s->name = "x";
  s->release = no_release_schema;
  a->length = length;
  a->offset = offset;
  a->null_count = null_count;
  a->n_buffers = 2;
  a->buffers = buffers;
  a->release = no_release_array;
}

static void test_arrow_column(void) {
  static const int32_t scores[] = {3, 10, 9, 8, 7, 0, 10};
  static const double f[] = {9.0, NAN, 6.0};
  static const uint8_t valid[] = {0xF7}; /* row 3 is null */
  const void *buffers[2];
  const void *data = NULL;
  int32_t dtype = -1;
  size_t n = 0;
  struct ArrowArray a;
  struct ArrowSchema s;
  npscore_nps_counts c;
  npscore_error err;

  /* int32 with an offset of 2: scores 9, 8, 7, 0, 10 -> counts by hand. */
  buffers[0] = NULL;
  buffers[1] = scores;
  make_array(&a, &s, "i", buffers, 5, 2, 0);
  CHECK_CALL(NPSCORE_OK, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL), NULL);
  CHECK(data == (const void *)(scores + 2) && dtype == NPSCORE_I32 && n == 5);
  CHECK_CALL(NPSCORE_OK, npscore_nps_count(&c, data, dtype, n, NULL, NULL), NULL);
  CHECK(c.detractors == 1 && c.passives == 2 && c.promoters == 2);

  /* float64 with NaN (a missing score, not an Arrow null) is accepted. */
  buffers[1] = f;
  make_array(&a, &s, "g", buffers, 3, 0, 0);
  CHECK_CALL(NPSCORE_OK, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL), NULL);
  CHECK(dtype == NPSCORE_F64 && n == 3);

  /* A validity bitmap with a null at row 3 (null_count given, or -1 unknown). */
  buffers[0] = valid;
  buffers[1] = scores;
  make_array(&a, &s, "i", buffers, 7, 0, 1);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, &err),
             "array row 3 is null", NULL);
  CHECK(err.status == NPSCORE_EINVAL);
  make_array(&a, &s, "i", buffers, 7, 0, -1);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "array row 3 is null", NULL);
  /* ... and row 1 of the slice starting at 2. */
  make_array(&a, &s, "i", buffers, 3, 2, -1);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "array row 1 is null", NULL);
  /* A bitmap whose nulls lie outside the slice is fine. */
  make_array(&a, &s, "i", buffers, 3, 0, -1);
  CHECK_CALL(NPSCORE_OK, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL), NULL);

  buffers[0] = NULL;
  make_array(&a, &s, "u", buffers, 3, 0, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "schema->format is \"u\"", "not a primitive numeric", NULL);
  make_array(&a, &s, "i\x01", buffers, 3, 0, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "\"i\\x01\"", NULL);
  make_array(&a, &s, "i", buffers, -1, 0, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "array->length is -1", NULL);
  make_array(&a, &s, "i", buffers, INT64_MAX, 1, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "sum must fit", NULL);
  make_array(&a, &s, "i", buffers, 3, 0, 2);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "no validity buffer", NULL);
  /* An offset past the end of the address space (found by the fuzzer): refused,
     without forming the pointer. */
  make_array(&a, &s, "l", buffers, 1, INT64_MAX / 2, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "past the end of the address space", NULL);
  buffers[1] = (const char *)scores + 1;
  make_array(&a, &s, "i", buffers, 3, 0, 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "not aligned to 4 bytes", NULL);
  buffers[1] = scores;
  make_array(&a, &s, "i", buffers, 3, 0, 0);
  a.release = NULL;
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "array is released", NULL);
  make_array(&a, &s, "i", buffers, 3, 0, 0);
  a.n_buffers = 3;
  CHECK_CALL(NPSCORE_EINVAL, npscore_arrow_column(&data, &dtype, &n, &a, &s, NULL),
             "n_buffers is 3", NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_arrow_column(&data, &dtype, &n, NULL, &s, NULL), "array",
             NULL);

  /* npscore's own export, viewed back: the nps column of a group table. */
  {
    static const int32_t sc[] = {10, 9, 0, 7, 6, 10};
    static const int64_t g[] = {0, 0, 1, 1, 1, 0};
    npscore_nps_group_table *t = NULL;
    struct ArrowArray ea;
    struct ArrowSchema es;
    int64_t k;
    CHECK_CALL(NPSCORE_OK,
               npscore_nps_group_table_new(&t, sc, NPSCORE_I32, 6, g, 2, NULL, NULL, NULL), NULL);
    CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_export_arrow(&ea, &es, t, NULL), NULL);
    k = child_index(&es, "nps");
    CHECK_CALL(NPSCORE_OK,
               npscore_arrow_column(&data, &dtype, &n, ea.children[k], es.children[k], NULL),
               NULL);
    CHECK(dtype == NPSCORE_F64 && n == 2 && ((const double *)data)[0] == 100.0);
    k = child_index(&es, "small");
    CHECK_CALL(NPSCORE_EINVAL,
               npscore_arrow_column(&data, &dtype, &n, ea.children[k], es.children[k], NULL),
               "\"b\"", NULL);
    ea.release(&ea);
    es.release(&es);
    npscore_nps_group_table_free(t);
  }
}

static void test_errors(void) {
  struct ArrowArray a;
  struct ArrowSchema s;
  npscore_error err;
  CHECK_CALL(NPSCORE_ENULL, npscore_health_table_export_arrow(&a, &s, NULL, &err), "t", NULL);
  CHECK(err.status == NPSCORE_ENULL && strstr(err.message, "export_arrow") != NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_nps_group_table_export_arrow(NULL, &s, NULL, NULL), "out",
             NULL);
  CHECK_CALL(NPSCORE_ENULL, npscore_health_account_table_export_arrow(&a, NULL, NULL, NULL),
             "out_schema", NULL);
}

int main(void) {
  test_health_table();
  test_group_and_account_tables();
  test_churn_features_and_queue();
  test_arrow_column();
  test_errors();
  return check_summary();
}
