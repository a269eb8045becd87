/* Summarizes a column of 0-10 survey scores through the npscore C ABI:
 * the NPS with its 95% interval, then the error a bad score gives.
 * Build: cc summarize.c -lnpscore_c */
#include <stdio.h>
#include <stdlib.h>

#include "npscore/c_api.h"

int main(void) {
  /* 12 answers to "How likely are you to recommend us?" */
  const int32_t scores[12] = {10, 9, 9, 8, 7, 10, 3, 6, 9, 10, 5, 8};
  const int32_t bad[4] = {10, 9, 11, 4};
  npscore_nps_options opts = NPSCORE_NPS_OPTIONS_INIT;
  npscore_nps_summary s;
  npscore_error err; /* the status and message of one call */
  npscore_status st;

  /* The library linked must be the one this header describes. */
  if (npscore_version_number() != NPSCORE_VERSION_NUMBER) {
    fprintf(stderr, "npscore header %s but library %s\n", NPSCORE_VERSION_STRING,
            npscore_version_string());
    return EXIT_FAILURE;
  }

  opts.method = NPSCORE_INTERVAL_SCORE; /* good coverage at small n */
  st = npscore_nps_summarize(&s, scores, NPSCORE_I32, 12, NULL, &opts, NULL);
  if (st != NPSCORE_OK) {
    fprintf(stderr, "error %d: %s\n", (int)st, npscore_last_error_message());
    return EXIT_FAILURE;
  }
  printf("npscore %s\n", npscore_version_string());
  printf("n = %.0f: %.0f detractors, %.0f passives, %.0f promoters\n", s.n, s.detractors,
         s.passives, s.promoters);
  printf("NPS = %.1f, %.0f%% interval [%.1f, %.1f] (score method)\n", s.nps,
         100 * s.confidence, s.ci_low, s.ci_high);

  /* An 11 on a 0-10 scale: the status says "invalid argument", the message
   * names the row and the value. Passing an npscore_error gets both from the
   * call itself (the way for runtimes that move calls between threads). */
  st = npscore_nps_summarize(&s, bad, NPSCORE_I32, 4, NULL, NULL, &err);
  if (st != NPSCORE_EINVAL || err.status != NPSCORE_EINVAL) {
    fprintf(stderr, "expected NPSCORE_EINVAL for a bad score, got %d\n", (int)st);
    return EXIT_FAILURE;
  }
  printf("bad input -> %s\n  %s\n", npscore_status_string(err.status), err.message);
  return EXIT_SUCCESS;
}
