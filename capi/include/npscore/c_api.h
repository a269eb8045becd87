/* npscore/c_api.h: the stable C ABI of npscore, for callers in any language.
 *
 * Conventions (models: libgit2 docs/conventions.md, zstd lib/zstd.h, SQLite):
 *
 * - Names: every function is npscore_<module>_<verb>, every macro NPSCORE_*.
 * - Errors: every fallible function returns an npscore_status; NPSCORE_OK is
 *   0 and errors are negative. After an error, npscore_last_error_message()
 *   says what went wrong (naming the argument, row and value). No exception or
 *   abort ever crosses this interface.
 * - Output parameters come first and are named `out` (`out_<what>` for a
 *   second one). They are written only on success, except the array of
 *   npscore_nps_segment(), whose content is unspecified after an error, and
 *   handle outputs (`npscore_group_table **out`), which are set to NULL on
 *   error. A NULL `out` or required input pointer is NPSCORE_ENULL.
 * - Score columns are passed as `const void *scores, npscore_dtype dtype,
 *   size_t n`: n elements of the C type named by dtype, aligned for it. A
 *   column with n == 0 may be NULL. Float scores must be whole numbers; NaN
 *   is a missing score (see npscore_missing).
 * - Options: a NULL options pointer means the defaults. Option structs begin
 *   with `unsigned int version`; initialize them with their _INIT macro or
 *   _init() function; they only grow at the end, and the version tells the
 *   library how much of the struct the caller knows. Result structs, which
 *   the caller allocates, never change: new results come in new structs.
 * - Every NPS, standard error and interval bound is on the -100..100 scale.
 * - Handles are opaque; each has a _free() function that accepts NULL.
 * - Thread safety: functions keep no shared state; the last error message is
 *   per thread. A handle may be read from several threads at once.
 */
#ifndef NPSCORE_C_API_H_
#define NPSCORE_C_API_H_

#include <stddef.h>
#include <stdint.h>

#include "npscore/version.h"

#if defined(NPSCORE_C_BUILDING) && (defined(__GNUC__) || defined(__clang__))
#define NPSCORE_API __attribute__((visibility("default")))
#else
#define NPSCORE_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* --- Status, errors and version ------------------------------------------ */

/** The result of every fallible call. Values never change; new ones are only
 *  appended. */
typedef enum npscore_status {
  NPSCORE_OK = 0,         /**< Success. */
  NPSCORE_EINVAL = -1,    /**< Invalid argument: see npscore_last_error_message(). */
  NPSCORE_ENOMEM = -2,    /**< Out of memory. */
  NPSCORE_EINTERNAL = -3, /**< A bug in npscore: please report the message. */
  NPSCORE_ENULL = -4,     /**< A required pointer was NULL. */
  NPSCORE_EVERSION = -5   /**< Options struct version not supported. */
} npscore_status;

/** Returns the message of the last failed call on this thread: never NULL,
 *  "" after a successful call (each fallible call clears it on success).
 *  Owned by the library; valid until the next fallible call on this thread. */
NPSCORE_API const char *npscore_last_error_message(void);

/** Returns NPSCORE_VERSION_NUMBER of the library actually linked, so a caller
 *  can check it against the header it was compiled with. */
NPSCORE_API int npscore_version_number(void);

/** Returns NPSCORE_VERSION_STRING of the library actually linked. */
NPSCORE_API const char *npscore_version_string(void);

/* --- Types ----------------------------------------------------------------- */

/** Element type of a score column. */
typedef enum npscore_dtype {
  NPSCORE_F64 = 0, /**< double */
  NPSCORE_F32,     /**< float */
  NPSCORE_I8,      /**< int8_t */
  NPSCORE_I16,     /**< int16_t */
  NPSCORE_I32,     /**< int32_t */
  NPSCORE_I64,     /**< int64_t */
  NPSCORE_U8,      /**< uint8_t */
  NPSCORE_U16,     /**< uint16_t */
  NPSCORE_U32,     /**< uint32_t */
  NPSCORE_U64      /**< uint64_t */
} npscore_dtype;

/** Confidence-interval method for an NPS. */
typedef enum npscore_interval_method {
  NPSCORE_INTERVAL_WALD = 0,          /**< NPS +- z * se. */
  NPSCORE_INTERVAL_ADJUSTED_WALD = 1, /**< Rocks (2016): Wald after adding
                                           0.75 / 1.5 / 0.75 pseudo-respondents. */
  NPSCORE_INTERVAL_SCORE = 2          /**< Tango (1998) score interval. */
} npscore_interval_method;

/** What to do with a missing (NaN) score. */
typedef enum npscore_missing {
  NPSCORE_MISSING_ERROR = 0, /**< The first missing score is an error naming its row. */
  NPSCORE_MISSING_SKIP = 1   /**< Missing scores are left out and counted in `skipped`. */
} npscore_missing;

/** Options shared by the NPS functions; each uses the fields it needs. */
typedef struct npscore_nps_options {
  unsigned int version;           /**< NPSCORE_NPS_OPTIONS_VERSION */
  int detractor_max;              /**< Scores 0..detractor_max are detractors (6). */
  int passive_max;                /**< ..passive_max are passives (8), the rest promoters. */
  int scale_max;                  /**< Highest valid score (10); at most 1000. */
  npscore_missing missing;        /**< NaN handling (NPSCORE_MISSING_ERROR). */
  npscore_interval_method method; /**< Interval method (NPSCORE_INTERVAL_ADJUSTED_WALD). */
  double confidence;              /**< Two-sided level in (0, 1) (0.95). */
  double min_n;                   /**< Groups with a smaller (effective) n are flagged small (30). */
} npscore_nps_options;

#define NPSCORE_NPS_OPTIONS_VERSION 1
/** The defaults: the standard 0-10 question, adjusted-Wald 95% intervals. */
#define NPSCORE_NPS_OPTIONS_INIT                                  \
  { NPSCORE_NPS_OPTIONS_VERSION, 6, 8, 10, NPSCORE_MISSING_ERROR, \
    NPSCORE_INTERVAL_ADJUSTED_WALD, 0.95, 30.0 }

/** Respondent counts per segment: the mergeable aggregate (merging the counts
 *  of partitions gives the counts of the whole). */
typedef struct npscore_counts {
  int64_t detractors;
  int64_t passives;
  int64_t promoters;
  int64_t skipped; /**< Missing scores left out (NPSCORE_MISSING_SKIP). */
} npscore_counts;

/** An NPS with its uncertainty. Counts are respondent counts, or weighted
 *  sums when weights were given; n_effective is then Kish's effective n,
 *  otherwise it equals n. */
typedef struct npscore_summary {
  double n;
  double detractors;
  double passives;
  double promoters;
  double n_effective;
  int64_t skipped;
  double nps;     /**< 100 * (promoters - detractors) / n */
  double se;      /**< 100 * sqrt(V / n_effective), V = (p + d) - (p - d)^2 */
  double ci_low;  /**< Interval bounds by `method`, within [-100, 100]. */
  double ci_high;
  npscore_interval_method method;
  double confidence;
} npscore_summary;

/** The difference a - b of two independent NPS, with its Wald test. */
typedef struct npscore_comparison {
  double diff;    /**< nps(a) - nps(b), -200..200 */
  double se;      /**< sqrt(se(a)^2 + se(b)^2) */
  double z;       /**< diff / se */
  double p_value; /**< Two-sided. */
  double ci_low;  /**< Interval for the difference, by `method`. */
  double ci_high;
  npscore_interval_method method;
  double confidence;
} npscore_comparison;

/** Per-group summaries from npscore_nps_by_group(); opaque. */
typedef struct npscore_group_table npscore_group_table;

/* --- Options ---------------------------------------------------------------- */

/** Fills *opts with the defaults of options struct `version` (pass
 *  NPSCORE_NPS_OPTIONS_VERSION). NPSCORE_EVERSION if the library does not
 *  know that version. */
NPSCORE_API npscore_status npscore_nps_options_init(npscore_nps_options *opts,
                                                    unsigned int version);

/* --- Segments and counts ---------------------------------------------------- */

/** Writes the segment code of each score into out[0..n): -1 detractor,
 *  0 passive, +1 promoter (so NPS = 100 * mean). Missing scores are always an
 *  error here. */
NPSCORE_API npscore_status npscore_nps_segment(int8_t *out, const void *scores,
                                               npscore_dtype dtype, size_t n,
                                               const npscore_nps_options *opts);

/** Counts the segments of n scores in one pass, validating every score. */
NPSCORE_API npscore_status npscore_nps_count(npscore_counts *out, const void *scores,
                                             npscore_dtype dtype, size_t n,
                                             const npscore_nps_options *opts);

/** Adds *other into *out: merges the counts of two partitions. NPSCORE_EINVAL
 *  if a sum would overflow int64_t (then *out is unchanged). */
NPSCORE_API npscore_status npscore_nps_counts_merge(npscore_counts *out,
                                                    const npscore_counts *other);

/* --- Summaries --------------------------------------------------------------- */

/** Summarizes n scores: counts, NPS, SE and interval. `weights` (n finite
 *  values >= 0, e.g. revenue) may be NULL for an unweighted summary; weighted
 *  SE and interval use Kish's effective n. Fails if nothing is left to
 *  summarize. */
NPSCORE_API npscore_status npscore_nps_summarize(npscore_summary *out, const void *scores,
                                                 npscore_dtype dtype, size_t n,
                                                 const double *weights,
                                                 const npscore_nps_options *opts);

/** Summarizes counts (e.g. merged partition counts). Fails on n == 0. */
NPSCORE_API npscore_status npscore_nps_summarize_counts(npscore_summary *out,
                                                        const npscore_counts *counts,
                                                        const npscore_nps_options *opts);

/** Compares two independent summaries: diff = nps(a) - nps(b), its Wald test
 *  and an interval for it by opts->method. */
NPSCORE_API npscore_status npscore_nps_compare(npscore_comparison *out,
                                               const npscore_summary *a,
                                               const npscore_summary *b,
                                               const npscore_nps_options *opts);

/* --- By group ------------------------------------------------------------------ */

/** Summarizes groups 0..n_groups-1 in one pass over n (score, group code)
 *  rows; codes[i] must lie in [0, n_groups). `weights` may be NULL. A group
 *  with no respondents has n = 0 and NaN statistics. On success *out is a new
 *  table to release with npscore_group_table_free(). */
NPSCORE_API npscore_status npscore_nps_by_group(npscore_group_table **out,
                                                const void *scores, npscore_dtype dtype,
                                                size_t n, const int64_t *codes,
                                                int64_t n_groups, const double *weights,
                                                const npscore_nps_options *opts);

/** Returns the number of groups in t (0 for NULL). */
NPSCORE_API size_t npscore_group_table_size(const npscore_group_table *t);

/** Reads group i of t: its summary into *out and into *out_small 1 if its
 *  (effective) n is below opts->min_n, else 0. */
NPSCORE_API npscore_status npscore_group_table_get(npscore_summary *out, int *out_small,
                                                   const npscore_group_table *t,
                                                   size_t i);

/** Frees a table from npscore_nps_by_group(); accepts NULL. */
NPSCORE_API void npscore_group_table_free(npscore_group_table *t);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NPSCORE_C_API_H_ */
