/* Tests of npscore_nps_factorize_strings (npscore/c_api.h), as a C99 caller
 * with an Arrow utf8 / large_utf8 column sees it. Expected codes are written
 * out by hand beside each case: the distinct keys sorted by their bytes,
 * missing last. Prints "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

/* Keys "b", "a", "", "é", missing, "b", "ä" (é = C3 A9, ä = C3 A4) as one
 * data buffer; the missing row has no bytes. Byte order: "" < "a" < "b" <
 * "ä" < "é". */
static const char kData[] = "ba\xC3\xA9" "b\xC3\xA4";
static const int32_t kOffsets[8] = {0, 1, 2, 2, 4, 4, 5, 7};
static const uint8_t kValidity[1] = {0x6F}; /* rows 0-3, 5, 6 valid; row 4 missing */

static void test_codes_by_hand(void) {
  int64_t codes[7], rows[7];
  size_t groups = 0;
  const int64_t want_codes[7] = {2, 1, 0, 4, 5, 2, 3};
  const int64_t want_rows[6] = {2, 1, 0, 6, 3, 4};
  size_t i;
  npscore_error err;
  CHECK_CALL(NPSCORE_OK, npscore_nps_factorize_strings(codes, 7, rows, 7, &groups, kValidity,
                                                       kOffsets, NPSCORE_I32, kData, 7, 0, 7,
                                                       &err),
             NULL);
  CHECK(err.status == NPSCORE_OK && err.message[0] == '\0');
  CHECK(groups == 6);
  for (i = 0; i < 7; ++i) CHECK(codes[i] == want_codes[i]);
  for (i = 0; i < 6; ++i) CHECK(rows[i] == want_rows[i]);
}

static void test_large_offsets_slice_and_no_validity(void) {
  /* The same buffers with int64 offsets, sliced to rows 3..6 ("é", missing,
   * "b", "ä"), without the bitmap: row 4 is then the empty string. */
  const int64_t offsets[8] = {0, 1, 2, 2, 4, 4, 5, 7};
  int64_t codes[4], rows[4];
  size_t groups = 0;
  CHECK_CALL(NPSCORE_OK, npscore_nps_factorize_strings(codes, 4, rows, 4, &groups, NULL, offsets,
                                                       NPSCORE_I64, kData, 7, 3, 4, NULL),
             NULL);
  /* Keys "é", "", "b", "ä": "" 0, "b" 1, "ä" 2, "é" 3; rows are slice rows. */
  CHECK(groups == 4);
  CHECK(codes[0] == 3 && codes[1] == 0 && codes[2] == 1 && codes[3] == 2);
  CHECK(rows[0] == 1 && rows[1] == 2 && rows[2] == 3 && rows[3] == 0);
  /* With the bitmap (bit offset 3 applies to it too), row 1 is missing. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_factorize_strings(codes, 4, rows, 4, &groups, kValidity,
                                                       offsets, NPSCORE_I64, kData, 7, 3, 4,
                                                       NULL),
             NULL);
  CHECK(groups == 4);
  CHECK(codes[0] == 2 && codes[1] == 3 && codes[2] == 0 && codes[3] == 1);
}

static void test_codes_feed_the_group_table(void) {
  /* Scores per row; groups "" (row 2), "a" (1), "b" (0, 5), "ä" (6),
   * "é" (3), missing (4). */
  const double scores[7] = {10, 0, 7, 9, 3, 6, 10};
  int64_t codes[7], rows[7];
  size_t groups = 0;
  npscore_nps_group_table *t = NULL;
  npscore_nps_summary s;
  int32_t small;
  CHECK_CALL(NPSCORE_OK, npscore_nps_factorize_strings(codes, 7, rows, 7, &groups, kValidity,
                                                       kOffsets, NPSCORE_I32, kData, 7, 0, 7,
                                                       NULL),
             NULL);
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_new(&t, scores, NPSCORE_F64, 7, codes, groups,
                                                     NULL, NULL, NULL),
             NULL);
  CHECK(npscore_nps_group_table_size(t) == 6);
  /* "b": scores 10 and 6 -> one promoter, one detractor. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 2, NULL), NULL);
  CHECK(s.n == 2 && s.promoters == 1 && s.detractors == 1);
  /* The missing key's group: score 3, one detractor. */
  CHECK_CALL(NPSCORE_OK, npscore_nps_group_table_get(&s, &small, t, 5, NULL), NULL);
  CHECK(s.n == 1 && s.detractors == 1);
  npscore_nps_group_table_free(t);
}

static void test_empty_and_errors(void) {
  size_t groups = 99;
  int64_t codes[3], rows[3];
  const int32_t bad[4] = {0, 2, 1, 4};
  npscore_error err;
  CHECK_CALL(NPSCORE_OK, npscore_nps_factorize_strings(NULL, 0, NULL, 0, &groups, NULL, NULL,
                                                       NPSCORE_I32, NULL, 0, 0, 0, NULL),
             NULL);
  CHECK(groups == 0);
  CHECK_CALL(NPSCORE_EINVAL, npscore_nps_factorize_strings(codes, 3, rows, 3, &groups, NULL, bad,
                                                           NPSCORE_I32, kData, 7, 0, 3, &err),
             "npscore_nps_factorize_strings", "row 1", "decrease", NULL);
  CHECK(err.status == NPSCORE_EINVAL && strstr(err.message, "row 1") != NULL);
  CHECK_CALL(NPSCORE_ERANGE, npscore_nps_factorize_strings(codes, 2, rows, 3, &groups, NULL,
                                                           kOffsets, NPSCORE_I32, kData, 7, 0,
                                                           3, NULL),
             "out_codes has capacity 2 but the result needs 3 elements", NULL);
}

int main(void) {
  test_codes_by_hand();
  test_large_offsets_slice_and_no_validity();
  test_codes_feed_the_group_table();
  test_empty_and_errors();
  return check_summary();
}
