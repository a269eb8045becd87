/* The small check harness shared by the C ABI tests (nps_capi_test.c,
 * health_capi_test.c): pass/fail counters, CHECK, CHECK_NEAR and CHECK_CALL,
 * the closing "N passed, M failed" line, and helpers both tests use. C99;
 * include it once, from the test's single translation unit. */

#ifndef NPSCORE_TESTS_CAPI_CHECK_H
#define NPSCORE_TESTS_CAPI_CHECK_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npscore/c_api.h"

static int g_passed = 0;
static int g_failed = 0;

static inline void check(int ok, const char *what, int line) {
  if (ok) {
    ++g_passed;
  } else {
    ++g_failed;
    fprintf(stderr, "FAILED line %d: %s\n  last error: \"%s\"\n", line, what,
            npscore_last_error_message());
  }
}

#define CHECK(cond) check((cond) != 0, #cond, __LINE__)
#define CHECK_NEAR(a, b, tol) check(fabs((a) - (b)) <= (tol), #a " ~= " #b, __LINE__)
/* The call returns `want` and, on error, the message contains every string of
 * the NULL-terminated list `...` (on success it must be ""). */
#define CHECK_CALL(want, call, ...) check_call((want), (call), #call, __LINE__, __VA_ARGS__)

static inline void check_call(npscore_status want, npscore_status got, const char *what,
                              int line, ...) {
  const char *msg = npscore_last_error_message();
  const char *part;
  va_list ap;
  int ok = got == want && msg != NULL;
  if (ok && want == NPSCORE_OK) ok = msg[0] == '\0';
  va_start(ap, line);
  while (ok && (part = va_arg(ap, const char *)) != NULL) {
    if (strstr(msg, part) == NULL) {
      fprintf(stderr, "  message lacks \"%s\"\n", part);
      ok = 0;
    }
  }
  va_end(ap);
  if (!ok) fprintf(stderr, "  status %d, want %d\n", (int)got, (int)want);
  check(ok, what, line);
}

/* Prints "N passed, M failed"; returns main's exit status. */
static inline int check_summary(void) {
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* The two-sided 97.5% normal quantile, z for a 95% interval. */
static const double kZ95 = 1.959963984540054;

static inline npscore_nps_counts counts3(int64_t d, int64_t pa, int64_t p) {
  npscore_nps_counts c;
  c.detractors = d;
  c.passives = pa;
  c.promoters = p;
  c.skipped = 0;
  return c;
}

#endif /* NPSCORE_TESTS_CAPI_CHECK_H */
