/* Tests of npscore_priority_latest_responses() (npscore/c_api.h), as a C99
 * caller sees it: the latest rows worked out by hand, groups, missing times,
 * the size protocol (NPSCORE_ERANGE with the rows needed) and the tie rule.
 * Prints "N passed, M failed"; exits non-zero on any failure. */

#include "check.h"

static void test_values(void) {
  /*                    row: 0   1   2   3   4   5   6 */
  const int64_t customers[] = {7, 7, 3, 7, 3, 9, 3};
  const int64_t times[] = {5, 9, 2, 1, 8, 4, NPSCORE_MISSING_TIME};
  const int64_t groups[] = {0, 0, 0, 0, 0, 0, -1};  /* row 6 left out, its time unread */
  int64_t rows[7];
  size_t count = 99;
  npscore_priority_latest_counts c;
  npscore_error err;
  /* customer 7 at 9 (row 1), customer 3 at 8 (row 4), customer 9 (row 5). */
  CHECK_CALL(NPSCORE_OK,
             npscore_priority_latest_responses(rows, 7, &count, &c, customers, times, groups, 7,
                                               NPSCORE_MISSING_ERROR, &err),
             NULL);
  CHECK(err.status == NPSCORE_OK);
  CHECK(count == 3 && rows[0] == 1 && rows[1] == 4 && rows[2] == 5);
  CHECK(c.latest == 3 && c.superseded == 3 && c.left_out == 1 && c.skipped_missing_times == 0);

  /* Groups: customer 7 in two groups has two latest responses. */
  {
    const int64_t g2[] = {0, 1, 0, 1, 0, 0, 1};
    CHECK_CALL(NPSCORE_OK,
               npscore_priority_latest_responses(rows, 7, &count, NULL, customers, times, g2, 6,
                                                 NPSCORE_MISSING_ERROR, NULL),
               NULL);
    CHECK(count == 4 && rows[0] == 0 && rows[1] == 1 && rows[2] == 4 && rows[3] == 5);
  }

  /* Without groups the missing time of row 6 is read: an error, or skipped. */
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_priority_latest_responses(rows, 7, &count, &c, customers, times, NULL, 7,
                                               NPSCORE_MISSING_ERROR, NULL),
             "response time at row 6 is missing (NaT)", "NPSCORE_MISSING_SKIP", NULL);
  CHECK_CALL(NPSCORE_OK,
             npscore_priority_latest_responses(rows, 7, &count, &c, customers, times, NULL, 7,
                                               NPSCORE_MISSING_SKIP, NULL),
             NULL);
  CHECK(count == 3 && c.skipped_missing_times == 1 && c.left_out == 0);

  /* The size: capacity 0 asks it; too small is NPSCORE_ERANGE naming it. */
  count = 0;
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_priority_latest_responses(NULL, 0, &count, NULL, customers, times, groups,
                                               7, NPSCORE_MISSING_ERROR, &err),
             "out", "3", NULL);
  CHECK(count == 3 && err.status == NPSCORE_ERANGE);
  CHECK_CALL(NPSCORE_ERANGE,
             npscore_priority_latest_responses(rows, 2, &count, NULL, customers, times, groups, 7,
                                               NPSCORE_MISSING_ERROR, NULL),
             "out", NULL);

  /* No rows: nothing to write. */
  count = 99;
  CHECK_CALL(NPSCORE_OK,
             npscore_priority_latest_responses(NULL, 0, &count, &c, NULL, NULL, NULL, 0,
                                               NPSCORE_MISSING_ERROR, NULL),
             NULL);
  CHECK(count == 0 && c.latest == 0 && c.superseded == 0);
}

static void test_ties_and_errors(void) {
  /* Customer 4 answers twice at 10: a tie at its latest instant, decided by
   * row order (row 3). Customer 5's tie at 3 is superseded by its answer at 6. */
  const int64_t customers[] = {4, 5, 5, 4, 5};
  const int64_t times[] = {10, 3, 3, 10, 6};
  const int64_t bad_groups[] = {0, 0, -2, 0, 0};
  int64_t rows[5];
  size_t count = 0;
  npscore_error err;
  CHECK_CALL(NPSCORE_OK,
             npscore_priority_latest_responses(rows, 5, &count, NULL, customers, times, NULL, 5,
                                               NPSCORE_MISSING_ERROR, &err),
             NULL);
  CHECK(count == 2 && rows[0] == 3 && rows[1] == 4);
  CHECK_CALL(NPSCORE_OK,
             npscore_priority_latest_responses(rows, 5, &count, NULL, customers + 1, times + 1,
                                               NULL, 4, NPSCORE_MISSING_ERROR, NULL),
             NULL);
  CHECK(count == 2 && rows[0] == 2 && rows[1] == 3);  /* 4 at 10 (row 2), 5 at 6 (row 3) */

  CHECK_CALL(NPSCORE_EINVAL,
             npscore_priority_latest_responses(rows, 5, &count, NULL, customers, times,
                                               bad_groups, 5, NPSCORE_MISSING_ERROR, NULL),
             "group code at row 2 is -2", NULL);
  CHECK_CALL(NPSCORE_EINVAL,
             npscore_priority_latest_responses(rows, 5, &count, NULL, customers, times, NULL, 5,
                                               7, NULL),
             "missing is 7", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_priority_latest_responses(rows, 5, NULL, NULL, customers, times, NULL, 5,
                                               NPSCORE_MISSING_ERROR, NULL),
             "out_count", NULL);
  CHECK_CALL(NPSCORE_ENULL,
             npscore_priority_latest_responses(rows, 5, &count, NULL, NULL, times, NULL, 5,
                                               NPSCORE_MISSING_ERROR, NULL),
             "customers", NULL);
}

int main(void) {
  (void)kZ95;
  test_values();
  test_ties_and_errors();
  return check_summary();
}
