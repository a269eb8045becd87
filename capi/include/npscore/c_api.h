/* npscore/c_api.h: the stable C ABI of npscore, for C and for every language
 * with a C foreign-function interface (Go, Rust, Node, Java, ...). Every
 * function and type keeps these rules (docs/c-conventions.md states them in
 * full); they let any FFI call every entry point without a C shim.
 *
 * - Names: functions npscore_<module>_<verb> or npscore_<module>_<noun>_<verb>,
 *   types npscore_<module>_<noun>, macros and enum constants NPSCORE_*; the
 *   modules are nps, health, churn, clv, priority, themes, survey, loop,
 *   monitor.
 * - Handles are opaque, made only by <handle>_new, _fit or _load (or
 *   <handle>_new_<how> for another kind of input; writing `<handle> **out`,
 *   NULL on error) and released by <handle>_free (NULL ok).
 *   A handle is immutable: it may be read from several threads at once
 *   (but npscore_monitor, the one mutable handle: see its section).
 * - Every fallible function returns an npscore_status (NPSCORE_OK = 0, errors
 *   negative; npscore_status_string() names them). Outputs come first (`out`,
 *   `out_<what>`) and are written only on success; the last parameter is
 *   `npscore_error *err` (may be NULL), which receives the status and message
 *   of this very call, whatever thread it ran on. npscore_last_error_message()
 *   holds the calling thread's last message too.
 * - A caller array the library fills is followed by its capacity in elements
 *   (`size_t out_capacity`); too small is NPSCORE_ERANGE, naming the size
 *   needed, which is always knowable beforehand.
 * - Columns are `const T *x, size_t n` (NULL allowed when n == 0), aligned
 *   for T; score columns are `const void *scores, int32_t dtype, size_t n`
 *   (dtype an npscore_dtype; float scores whole numbers, NaN missing).
 * - Element counts, capacities and indices are size_t; counts in result
 *   structs int64_t; enum-valued parameters and fields int32_t (the typedef
 *   enums only name the values, which never change; new ones are appended).
 * - Strings in: NUL-terminated UTF-8. Strings out: through `const char **out`,
 *   owned by the handle (or static), never NULL on success.
 * - Options structs begin with `uint32_t version` (the fields the caller
 *   knows; 1 up to the library's own are accepted, fields are only appended)
 *   and have an _INIT macro and an _options_init() function; NULL options
 *   are the defaults, which are the C++ core's. Options hold values only: no
 *   nested structs, no pointers. Result structs never change layout.
 * - NPS, standard errors and interval bounds are on the -100..100 scale.
 * - No exception or abort ever crosses this interface.
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
 *  appended. npscore_status_string() names them. */
typedef enum npscore_status {
  NPSCORE_OK = 0,         /**< Success. */
  NPSCORE_EINVAL = -1,    /**< Invalid argument or data: see the message. */
  NPSCORE_ENOMEM = -2,    /**< Out of memory. */
  NPSCORE_EINTERNAL = -3, /**< A bug in npscore: please report the message. */
  NPSCORE_ENULL = -4,     /**< A required pointer was NULL. */
  NPSCORE_EVERSION = -5,  /**< Options struct version not supported. */
  NPSCORE_ERANGE = -6,    /**< An output array's capacity is too small; the
                               message says the capacity needed. */
  NPSCORE_EIO = -7        /**< A file could not be read or written. */
} npscore_status;

/** Returns the name and meaning of a status, e.g. "NPSCORE_ERANGE: output
 *  capacity too small"; an unknown value gives "unknown npscore_status".
 *  Static; never NULL. */
NPSCORE_API const char *npscore_status_string(int32_t status);

/** Bytes of npscore_error.message, including its terminating NUL. */
#define NPSCORE_ERROR_MESSAGE_SIZE 1024

/** The outcome of one call, for callers whose runtime may move them between
 *  threads (Go goroutines, async calls): every fallible function takes an
 *  `npscore_error *err` as its last parameter, which may be NULL; when it is
 *  not, the call writes its status and message there (status NPSCORE_OK and
 *  "" on success), whichever thread it ran on. Allocated by the caller; no
 *  pointers inside, so any runtime may own it. */
typedef struct npscore_error {
  int32_t status;    /**< The call's npscore_status. */
  int32_t truncated; /**< 1 if the message was cut to fit, else 0. */
  char message[NPSCORE_ERROR_MESSAGE_SIZE]; /**< NUL-terminated UTF-8. */
} npscore_error;

/** Returns the message of the last failed call on this thread: never NULL,
 *  "" after a successful call (each fallible call clears it on success).
 *  Owned by the library; valid until the next fallible call on this thread.
 *  From a runtime that moves calls between threads, use npscore_error. */
NPSCORE_API const char *npscore_last_error_message(void);

/** Returns NPSCORE_VERSION_NUMBER of the library actually linked, so a caller
 *  can check it against the header it was compiled with. */
NPSCORE_API int npscore_version_number(void);

/** Returns NPSCORE_VERSION_STRING of the library actually linked. */
NPSCORE_API const char *npscore_version_string(void);

/* --- Limits -------------------------------------------------------------------
 *
 * Every size, count and thread argument has an upper bound, so that no
 * integer a caller passes makes the library allocate without limit or run
 * for hours; beyond it a call fails with NPSCORE_EINVAL naming the argument
 * and the bound. Zero and negative sizes are errors too, except where a
 * function documents 0 or -1 as "automatic" / "all". The bounds of a module
 * are given in its section (NPSCORE_MAX_*); these are shared by all. */

/** Threads of one call (a `threads` option; 0 is automatic). */
#define NPSCORE_MAX_THREADS 256
/** Iterations of an iterative fit (max_iter, max_iterations). */
#define NPSCORE_MAX_ITERATIONS 10000

/* --- Types ----------------------------------------------------------------- */

/** Element type of a score column (passed as an int32_t `dtype`). */
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

/* --- NPS: segments, summaries, comparisons -------------------------------- */

/** Confidence-interval method for an NPS. */
typedef enum npscore_nps_interval_method {
  NPSCORE_INTERVAL_WALD = 0,          /**< NPS +- z * se. */
  NPSCORE_INTERVAL_ADJUSTED_WALD = 1, /**< Rocks (2016): Wald after adding
                                           0.75 / 1.5 / 0.75 pseudo-respondents. */
  NPSCORE_INTERVAL_SCORE = 2          /**< Tango (1998) score interval. */
} npscore_nps_interval_method;

/** What to do with a missing (NaN) score. */
typedef enum npscore_nps_missing {
  NPSCORE_MISSING_ERROR = 0, /**< The first missing score is an error naming its row. */
  NPSCORE_MISSING_SKIP = 1   /**< Missing scores are left out and counted in `skipped`. */
} npscore_nps_missing;

/** Options shared by the NPS functions, and taken as `nps_opts` by the
 *  functions of other modules that read scores; each uses the fields it
 *  needs. Defaults in parentheses. */
typedef struct npscore_nps_options {
  uint32_t version;      /**< NPSCORE_NPS_OPTIONS_VERSION */
  int32_t detractor_max; /**< Scores 0..detractor_max are detractors (6). */
  int32_t passive_max;   /**< ..passive_max are passives (8), the rest promoters. */
  int32_t scale_max;     /**< Highest valid score (10); at most 1000. */
  int32_t missing;       /**< An npscore_nps_missing (NPSCORE_MISSING_ERROR). */
  int32_t method;        /**< An npscore_nps_interval_method
                              (NPSCORE_INTERVAL_ADJUSTED_WALD). */
  double confidence;     /**< Two-sided level in (0, 1) (0.95). */
  double min_n;          /**< Groups with a smaller (effective) n are flagged small (30). */
} npscore_nps_options;

/** The newest version of npscore_nps_options this header knows. */
#define NPSCORE_NPS_OPTIONS_VERSION 1
/** The defaults: the standard 0-10 question, adjusted-Wald 95% intervals. */
#define NPSCORE_NPS_OPTIONS_INIT                                  \
  { NPSCORE_NPS_OPTIONS_VERSION, 6, 8, 10, NPSCORE_MISSING_ERROR, \
    NPSCORE_INTERVAL_ADJUSTED_WALD, 0.95, 30.0 }

/** Fills *opts with the defaults, writing the fields of `version` (1 to
 *  NPSCORE_NPS_OPTIONS_VERSION; others are NPSCORE_EVERSION) only. */
NPSCORE_API npscore_status npscore_nps_options_init(npscore_nps_options *opts, uint32_t version,
                                                    npscore_error *err);

/** Respondent counts per segment: the mergeable aggregate (merging the counts
 *  of partitions gives the counts of the whole). */
typedef struct npscore_nps_counts {
  int64_t detractors;
  int64_t passives;
  int64_t promoters;
  int64_t skipped; /**< Missing scores left out (NPSCORE_MISSING_SKIP). */
} npscore_nps_counts;

/** An NPS with its uncertainty. Counts are respondent counts, or weighted
 *  sums when weights were given; n_effective is then Kish's effective n,
 *  otherwise it equals n. */
typedef struct npscore_nps_summary {
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
  int32_t method; /**< An npscore_nps_interval_method. */
  double confidence;
} npscore_nps_summary;

/** The difference a - b of two independent NPS, with its test. */
typedef struct npscore_nps_comparison {
  double diff;    /**< nps(a) - nps(b), -200..200 */
  double se;      /**< sqrt(se(a)^2 + se(b)^2) */
  double z;       /**< The test statistic (diff / se for the Wald test). */
  double p_value; /**< Two-sided. */
  double ci_low;  /**< Interval for the difference, by `method`; excludes 0
                       exactly when p_value < 1 - confidence. */
  double ci_high;
  int32_t method; /**< An npscore_nps_interval_method. */
  double confidence;
} npscore_nps_comparison;

/* --- NPS: segments and counts ----------------------------------------------- */

/** Writes the segment code of each of n scores into out[0..n) (out_capacity
 *  >= n): -1 detractor, 0 passive, +1 promoter (so NPS = 100 * mean). Missing
 *  scores are always an error here; after one, out's content is
 *  unspecified. */
NPSCORE_API npscore_status npscore_nps_segment(int8_t *out, size_t out_capacity,
                                               const void *scores, int32_t dtype, size_t n,
                                               const npscore_nps_options *opts,
                                               npscore_error *err);

/** Counts the segments of n scores in one pass, validating every score. */
NPSCORE_API npscore_status npscore_nps_count(npscore_nps_counts *out, const void *scores,
                                             int32_t dtype, size_t n,
                                             const npscore_nps_options *opts,
                                             npscore_error *err);

/** Adds *other into *out: merges the counts of two partitions. NPSCORE_EINVAL
 *  if a count is negative or a sum would overflow int64_t (then *out is
 *  unchanged). */
NPSCORE_API npscore_status npscore_nps_counts_merge(npscore_nps_counts *out,
                                                    const npscore_nps_counts *other,
                                                    npscore_error *err);

/* --- NPS: summaries ------------------------------------------------------------- */

/** Summarizes n scores: counts, NPS, SE and interval. `weights` (n finite
 *  values >= 0, e.g. revenue) may be NULL for an unweighted summary; weighted
 *  SE and interval use Kish's effective n. Fails if nothing is left to
 *  summarize. */
NPSCORE_API npscore_status npscore_nps_summarize(npscore_nps_summary *out, const void *scores,
                                                 int32_t dtype, size_t n, const double *weights,
                                                 const npscore_nps_options *opts,
                                                 npscore_error *err);

/** Summarizes counts (e.g. merged partition counts). Fails on n == 0. */
NPSCORE_API npscore_status npscore_nps_summarize_counts(npscore_nps_summary *out,
                                                        const npscore_nps_counts *counts,
                                                        const npscore_nps_options *opts,
                                                        npscore_error *err);

/** Compares two independent summaries: diff = nps(a) - nps(b), a two-sided
 *  test of equal NPS and an interval for the difference, both by
 *  opts->method (wald: z = diff / se; adjusted-wald: the same after 0.375 /
 *  0.75 / 0.375 pseudo-respondents per sample; score: the score test, exact
 *  mid-p below NPSCORE_EXACT_BELOW respondents), so that p < 1 - confidence
 *  exactly when 0 is outside [ci_low, ci_high]. The same as
 *  npscore_nps_compare_test() with NPSCORE_COMPARE_AUTO. The summaries are
 *  validated: counts finite, >= 0 and adding up to n > 0, nps and se equal to
 *  what the counts give, interval within [-100, 100]. */
NPSCORE_API npscore_status npscore_nps_compare(npscore_nps_comparison *out,
                                               const npscore_nps_summary *a,
                                               const npscore_nps_summary *b,
                                               const npscore_nps_options *opts,
                                               npscore_error *err);

/** Which test gives npscore_nps_compare_test()'s p-value and, with it, the
 *  interval (npscore_nps_compare_options.test). */
typedef enum npscore_nps_test_choice {
  NPSCORE_COMPARE_AUTO = 0,       /**< MID_P for unweighted samples whose smaller one has
                                       fewer than NPSCORE_EXACT_BELOW respondents, with
                                       the score method; else ASYMPTOTIC. */
  NPSCORE_COMPARE_ASYMPTOTIC = 1, /**< The method's own statistic, normal reference. */
  NPSCORE_COMPARE_EXACT = 2,      /**< Permutation test of |diff| given the pooled
                                       segment counts: conventional p. */
  NPSCORE_COMPARE_MID_P = 3       /**< The same permutation test, mid-p. */
} npscore_nps_test_choice;

/** The test that gave a comparison's p-value. */
typedef enum npscore_nps_test_kind {
  NPSCORE_TEST_WALD = 0,          /**< z = diff / se. */
  NPSCORE_TEST_ADJUSTED_WALD = 1, /**< Wald after pseudo-respondents. */
  NPSCORE_TEST_SCORE = 2,         /**< Score test (restricted MLE under the null). */
  NPSCORE_TEST_EXACT = 3,         /**< Permutation test, conventional p. */
  NPSCORE_TEST_MID_P = 4          /**< Permutation test, mid-p. */
} npscore_nps_test_kind;

/** Below this many respondents in the smaller sample, NPSCORE_COMPARE_AUTO
 *  uses the exact mid-p test. */
#define NPSCORE_EXACT_BELOW 10
/** The largest smaller sample for NPSCORE_COMPARE_EXACT and _MID_P. */
#define NPSCORE_MAX_EXACT_SAMPLE 1000

/** Options of npscore_nps_compare_test(). Defaults in parentheses. */
typedef struct npscore_nps_compare_options {
  uint32_t version;  /**< NPSCORE_NPS_COMPARE_OPTIONS_VERSION */
  int32_t method;    /**< Test statistic and interval, an npscore_nps_interval_method
                          (NPSCORE_INTERVAL_SCORE). */
  double confidence; /**< Two-sided level in (0, 1) (0.95). */
  int32_t test;      /**< Which test, an npscore_nps_test_choice (NPSCORE_COMPARE_AUTO). */
} npscore_nps_compare_options;

/** The newest version of npscore_nps_compare_options this header knows. */
#define NPSCORE_NPS_COMPARE_OPTIONS_VERSION 1
/** The defaults: the score test (exact mid-p for small samples), 95%. */
#define NPSCORE_NPS_COMPARE_OPTIONS_INIT                                \
  { NPSCORE_NPS_COMPARE_OPTIONS_VERSION, NPSCORE_INTERVAL_SCORE, 0.95,  \
    NPSCORE_COMPARE_AUTO }

/** Fills *opts with the defaults, writing the fields of `version` (1 to
 *  NPSCORE_NPS_COMPARE_OPTIONS_VERSION) only. */
NPSCORE_API npscore_status npscore_nps_compare_options_init(npscore_nps_compare_options *opts,
                                                            uint32_t version,
                                                            npscore_error *err);

/** Compares two independent summaries with the test of opts->test (NULL
 *  opts: NPSCORE_NPS_COMPARE_OPTIONS_INIT): *out as npscore_nps_compare() and
 *  *out_test the npscore_nps_test_kind that gave out->p_value. For the exact
 *  tests (score method and unweighted samples only) the interval is the score
 *  interval at the critical value that makes it exclude 0 exactly when the
 *  exact p is below 1 - confidence; out->z is then the score statistic. */
NPSCORE_API npscore_status npscore_nps_compare_test(npscore_nps_comparison *out,
                                                    int32_t *out_test,
                                                    const npscore_nps_summary *a,
                                                    const npscore_nps_summary *b,
                                                    const npscore_nps_compare_options *opts,
                                                    npscore_error *err);

/* --- NPS: by group ------------------------------------------------------------------ */

/** Per-group summaries; opaque. */
typedef struct npscore_nps_group_table npscore_nps_group_table;

/** Summarizes groups 0..n_groups-1 in one pass over n (score, group code)
 *  rows; codes[i] must lie in [0, n_groups). `weights` may be NULL. A group
 *  with no respondents has n = 0 and NaN statistics. On success *out is a new
 *  table to release with npscore_nps_group_table_free(). */
NPSCORE_API npscore_status npscore_nps_group_table_new(npscore_nps_group_table **out,
                                                       const void *scores, int32_t dtype,
                                                       size_t n, const int64_t *codes,
                                                       size_t n_groups, const double *weights,
                                                       const npscore_nps_options *opts,
                                                       npscore_error *err);

/** Summarizes by integer key (account ids, years, ...) in one pass over n
 *  (score, key) rows: one group per distinct key that has rows, in ascending
 *  key order (npscore_nps_group_table_key() reads group i's key; the Arrow
 *  export starts with an int64 "key" column). Keys may be any int64 values:
 *  dense keys are counted by offset, sparse ones factorized first. `weights`
 *  may be NULL (e.g. revenue per row for a revenue-weighted NPS per account).
 *  On success *out is a new table to release with
 *  npscore_nps_group_table_free(). */
NPSCORE_API npscore_status npscore_nps_group_table_new_by_key(npscore_nps_group_table **out,
                                                              const void *scores, int32_t dtype,
                                                              size_t n, const int64_t *keys,
                                                              const double *weights,
                                                              const npscore_nps_options *opts,
                                                              npscore_error *err);

/** Reads the key of group i of a table made by npscore_nps_group_table_new_by_key()
 *  (NPSCORE_EINVAL for a table by group code). */
NPSCORE_API npscore_status npscore_nps_group_table_key(int64_t *out,
                                                      const npscore_nps_group_table *t, size_t i,
                                                      npscore_error *err);

/** Returns the number of groups in t (0 for NULL). */
NPSCORE_API size_t npscore_nps_group_table_size(const npscore_nps_group_table *t);

/** Reads group i of t: its summary into *out and into *out_small 1 if its
 *  (effective) n is below opts->min_n, else 0. */
NPSCORE_API npscore_status npscore_nps_group_table_get(npscore_nps_summary *out,
                                                       int32_t *out_small,
                                                       const npscore_nps_group_table *t,
                                                       size_t i, npscore_error *err);

/** Frees a table; accepts NULL. */
NPSCORE_API void npscore_nps_group_table_free(npscore_nps_group_table *t);

/** Codes string keys laid out as an Arrow utf8 or large_utf8 array, for
 *  npscore_nps_group_table_new() and npscore_health_table_new(): one
 *  hashing pass over the rows (the column is not copied; each distinct key
 *  is, once), then a sort of the distinct keys. Row i (0 <= i < n)
 *  holds the bytes data[offsets[offset + i], offsets[offset + i + 1]) and is
 *  missing when `validity` is not NULL and its bit offset + i (least
 *  significant bit first) is 0. `offsets` (offset + n + 1 entries) is
 *  int32_t for offsets_dtype NPSCORE_I32 (Arrow "u") or int64_t for
 *  NPSCORE_I64 ("U"); `data` holds data_size bytes (NULL if 0).
 *  out_codes[i] (codes_capacity >= n) numbers row i's key among the distinct
 *  keys in ascending byte order (code point order for UTF-8; keys are not
 *  checked to be UTF-8); missing rows form their own group, the last, as
 *  pandas' factorize(sort=True) numbers them. out_key_rows (key_rows_capacity
 *  >= the groups; n always suffices) receives each group's first row, and
 *  *out_n_groups the number of groups (also on NPSCORE_ERANGE, with
 *  key_rows_capacity too small). Errors (NPSCORE_EINVAL) name the row:
 *  offsets that decrease or run past data_size. A chunked column is
 *  concatenated first (arrow-go array.Concatenate, arrow-rs concat). */
NPSCORE_API npscore_status npscore_nps_factorize_strings(
    int64_t *out_codes, size_t codes_capacity, int64_t *out_key_rows, size_t key_rows_capacity,
    size_t *out_n_groups, const uint8_t *validity, const void *offsets, int32_t offsets_dtype,
    const char *data, size_t data_size, size_t offset, size_t n, npscore_error *err);

/* --- Health: distribution health over time ----------------------------------
 *
 * Times are int64_t nanoseconds since the Unix epoch, UTC (numpy
 * datetime64[ns]); NPSCORE_MISSING_TIME (INT64_MIN) is a missing time (NaT).
 * Shares are fractions 0..1; share changes and trends are in percentage
 * points (per period); NPS figures are on the -100..100 scale. Segment
 * indexes 0, 1, 2 are detractor, passive, promoter; segment codes -1, 0, +1
 * are those of npscore_nps_segment(). Enum-valued arguments (frequency,
 * adjustment, how) are checked: any other value is NPSCORE_EINVAL. The
 * functions that read scores take the score and interval options as
 * `nps_opts` (NULL: NPSCORE_NPS_OPTIONS_INIT). */

/** The missing-time marker (numpy's NaT). */
#define NPSCORE_MISSING_TIME INT64_MIN

/** Calendar period length (npscore_health_period_grid_new()). */
typedef enum npscore_health_frequency {
  NPSCORE_FREQ_DAY = 0,    /**< Days, labelled "2025-03-14". */
  NPSCORE_FREQ_WEEK = 1,   /**< ISO weeks, Monday to Sunday, labelled "2025-W11". */
  NPSCORE_FREQ_MONTH = 2,  /**< Months, labelled "2025-03". */
  NPSCORE_FREQ_QUARTER = 3 /**< Quarters, labelled "2025Q1". */
} npscore_health_frequency;

/** Multiple-comparison adjustment of p-values. */
typedef enum npscore_health_adjustment {
  NPSCORE_ADJUST_HOLM = 0, /**< Holm step-down: family-wise error rate. */
  NPSCORE_ADJUST_BH = 1,   /**< Benjamini-Hochberg step-up: false discovery rate. */
  NPSCORE_ADJUST_NONE = 2  /**< The p-values as they are. */
} npscore_health_adjustment;

/** How an account's responses combine (npscore_health_account_table_new()). */
typedef enum npscore_health_rollup {
  NPSCORE_ROLLUP_POOLED = 0,  /**< Every response counts once. */
  NPSCORE_ROLLUP_AVERAGE = 1, /**< The account's mean score is segmented: one vote per account. */
  NPSCORE_ROLLUP_LATEST = 2   /**< Each contact's latest response only, pooled. */
} npscore_health_rollup;

/** Rows (slices x periods) of a health table: about 400 bytes each. */
#define NPSCORE_MAX_HEALTH_TABLE_ROWS 4194304
/** Score histogram counts of a health table: rows x (scale_max + 1). */
#define NPSCORE_MAX_HEALTH_HISTOGRAM_CELLS 67108864
/** Periods of a trend window (trend_periods, npscore_health_segment_trends). */
#define NPSCORE_MAX_TREND_PERIODS 1000
/** Periods of npscore_health_migration(). */
#define NPSCORE_MAX_MIGRATION_PERIODS 1048576
/** Rows (events x slices) of npscore_health_event_impact(). */
#define NPSCORE_MAX_EVENT_IMPACT_ROWS 4194304
/** Accounts of npscore_health_account_table_new(). */
#define NPSCORE_MAX_ACCOUNTS 67108864

/* Health flags of one period: bits of npscore_health_row.flags. */
#define NPSCORE_FLAG_LOW_N 0x1u                 /**< Too few responses to judge (< min_n). */
#define NPSCORE_FLAG_PASSIVE_VULNERABILITY 0x2u /**< Large or growing passive share, NPS stable. */
#define NPSCORE_FLAG_DETRACTOR_SURGE 0x4u       /**< Detractor share up significantly. */
#define NPSCORE_FLAG_PROMOTER_EROSION 0x8u      /**< Promoter share down significantly. */
#define NPSCORE_FLAG_NPS_DROP 0x10u             /**< NPS significantly below its baseline. */
#define NPSCORE_FLAG_LEVEL_SHIFT 0x20u          /**< NPS persistently below its baseline (CUSUM). */

/** How the p-values behind the flags are adjusted (npscore/health.h FlagMode). */
typedef enum npscore_health_flag_mode {
  NPSCORE_FLAG_MODE_ALERT = 0, /**< Holm within each period (slices x flag tests): alerting. */
  NPSCORE_FLAG_MODE_REVIEW = 1 /**< Benjamini-Hochberg over all periods, slices and tests. */
} npscore_health_flag_mode;

/** The segment of a row without responses (npscore_health_account_row and
 *  other modules' rows). */
#define NPSCORE_NO_SEGMENT (-128)

/** Options of a health table: the p-value adjustment and the thresholds
 *  behind the flags (the score and interval options are the separate
 *  `nps_opts`). Defaults in parentheses: the core's HealthOptions. */
typedef struct npscore_health_options {
  uint32_t version;               /**< NPSCORE_HEALTH_OPTIONS_VERSION */
  int32_t adjustment;             /**< An npscore_health_adjustment (NPSCORE_ADJUST_HOLM). */
  double alpha;                   /**< Level of every flag test but nps_drop's, in (0, 1) (0.05). */
  double min_n;                   /**< Fewer responses: flag LOW_N, no verdicts (30). */
  double passive_share_high;      /**< A passive share whose Wilson lower bound reaches
                                       this is vulnerable (0.40). */
  double passive_trend_points;    /**< Passive share growth in points/period ... (1.0) */
  double stable_nps_points;       /**< ... while |NPS change over the window| < this (5.0). */
  double detractor_surge_points;  /**< Detractor share up at least this much (5.0). */
  double promoter_erosion_points; /**< Promoter share down at least this much (5.0). */
  int32_t trend_periods;          /**< Periods in a trend window,
                                       3..NPSCORE_MAX_TREND_PERIODS (6). */
  int32_t flag_mode;              /**< An npscore_health_flag_mode (NPSCORE_FLAG_MODE_ALERT). */
  int32_t frequency;              /**< Period length of the period codes, an
                                       npscore_health_frequency, so that baselines
                                       are in time (NPSCORE_FREQ_MONTH). */
  double baseline_months;         /**< Baseline: the periods in these months before (12). */
  double drop_alpha;              /**< One-sided level of the nps_drop test (0.01). */
  double drop_points;             /**< nps_drop needs a drop of at least this (5.0). */
  double cusum_k;                 /**< level_shift: CUSUM reference value, in SEs (0.5). */
  double cusum_h;                 /**< level_shift: CUSUM decision interval, in SEs (4.0). */
  double power;                   /**< Power of min_detectable_drop (0.80). */
} npscore_health_options;

/** The newest version of npscore_health_options this header knows. */
#define NPSCORE_HEALTH_OPTIONS_VERSION 1
/** The defaults: those of the core (npscore/health.h HealthOptions). */
#define NPSCORE_HEALTH_OPTIONS_INIT                                    \
  { NPSCORE_HEALTH_OPTIONS_VERSION, NPSCORE_ADJUST_HOLM, 0.05, 30.0,  \
    0.40, 1.0, 5.0, 5.0, 5.0, 6, NPSCORE_FLAG_MODE_ALERT,             \
    NPSCORE_FREQ_MONTH, 12.0, 0.01, 5.0, 0.5, 4.0, 0.80 }

/** Fills *opts with the defaults, writing the fields of `version` (1 to
 *  NPSCORE_HEALTH_OPTIONS_VERSION) only. */
NPSCORE_API npscore_status npscore_health_options_init(npscore_health_options *opts,
                                                       uint32_t version, npscore_error *err);

/* --- Health: periods --------------------------------------------------------- */

/** Consecutive calendar periods in a time zone; opaque. */
typedef struct npscore_health_period_grid npscore_health_period_grid;

/** Makes the periods of `frequency` (an npscore_health_frequency) in
 *  `time_zone` (an IANA name such as "Europe/Berlin" of the system's
 *  time-zone database, or "UTC"; at most 64 bytes, never a path) that cover
 *  [min_time, max_time]. A calendar day the zone skipped has no period. On
 *  success *out is a new grid to release with
 *  npscore_health_period_grid_free(). */
NPSCORE_API npscore_status npscore_health_period_grid_new(npscore_health_period_grid **out,
                                                          int64_t min_time, int64_t max_time,
                                                          int32_t frequency,
                                                          const char *time_zone,
                                                          npscore_error *err);

/** Returns the number of periods of grid (0 for NULL). */
NPSCORE_API size_t npscore_health_period_grid_size(const npscore_health_period_grid *grid);

/** Reads period i of grid: it is [*out_start, *out_end) in UTC nanoseconds;
 *  *out_label ("2025-03", ...) is owned by the grid and valid until it is
 *  freed. */
NPSCORE_API npscore_status npscore_health_period_grid_get(int64_t *out_start, int64_t *out_end,
                                                          const char **out_label,
                                                          const npscore_health_period_grid *grid,
                                                          size_t i, npscore_error *err);

/** Frees a grid; accepts NULL. */
NPSCORE_API void npscore_health_period_grid_free(npscore_health_period_grid *grid);

/** Writes the period index of each of n times into out[0..n) (out_capacity
 *  >= n): -1 for a time outside the grid, and for a missing time when
 *  skip_missing is nonzero (otherwise a missing time is an error naming its
 *  row). After an error the content of out is unspecified. */
NPSCORE_API npscore_status npscore_health_assign_periods(int32_t *out, size_t out_capacity,
                                                         const int64_t *times, size_t n,
                                                         const npscore_health_period_grid *grid,
                                                         int32_t skip_missing,
                                                         npscore_error *err);

/* --- Health: the per-period table -------------------------------------------- */

/** Per (slice, period) statistics; opaque. */
typedef struct npscore_health_table npscore_health_table;

/** One row of a health table. An empty period has n = 0 and NaN statistics.
 *  Changes are against the previous period of the same slice (NaN for the
 *  first period or when either is empty); trends are over the trend window
 *  ending at this period (NaN with fewer than 3 periods with responses). */
typedef struct npscore_health_row {
  int64_t slice;
  int64_t period;
  int64_t n;          /**< Responses counted: detractors + passives + promoters. */
  int64_t detractors;
  int64_t passives;
  int64_t promoters;
  int64_t skipped;    /**< Missing scores left out (NPSCORE_MISSING_SKIP). */
  double share_detractors; /**< Shares 0..1, each with its Wilson score interval. */
  double share_detractors_low;
  double share_detractors_high;
  double share_passives;
  double share_passives_low;
  double share_passives_high;
  double share_promoters;
  double share_promoters_low;
  double share_promoters_high;
  double nps;         /**< NPS, its SE and interval (by nps_opts->method). */
  double se;
  double ci_low;
  double ci_high;
  double nps_change;  /**< NPS minus the previous period's, with its Wald test. */
  double change_se;
  double change_p;
  double change_p_adjusted;
  double detractor_change;             /**< Share change in points (two-proportion z-test). */
  double detractor_change_p_adjusted;
  double promoter_change;
  double promoter_change_p_adjusted;
  double passive_trend;                /**< Passive share slope, points/period. */
  double passive_trend_p_adjusted;
  double nps_trend;                    /**< NPS slope, points/period. */
  uint32_t flags;                      /**< NPSCORE_FLAG_* bits. */
} npscore_health_row;

/** Counts n (score, period, slice) rows in one pass and derives the table:
 *  one row per (slice, period), slice-major (row = slice * n_periods +
 *  period). periods[i] is in [0, n_periods) or -1 (leave the row out);
 *  slices (NULL = one slice, n_slices is then ignored) likewise in
 *  [0, n_slices) or -1. nps_opts gives the cut-offs, missing scores and
 *  interval (its min_n is not used: see opts->min_n). The table has at most
 *  NPSCORE_MAX_HEALTH_TABLE_ROWS rows and NPSCORE_MAX_HEALTH_HISTOGRAM_CELLS
 *  histogram counts. On success *out is a new table to release with
 *  npscore_health_table_free(). */
NPSCORE_API npscore_status npscore_health_table_new(npscore_health_table **out,
                                                    const void *scores, int32_t dtype,
                                                    size_t n, const int32_t *periods,
                                                    size_t n_periods, const int64_t *slices,
                                                    size_t n_slices,
                                                    const npscore_nps_options *nps_opts,
                                                    const npscore_health_options *opts,
                                                    npscore_error *err);

/** The table over timestamps: as npscore_health_table_new() with the period
 *  of each time (ns UTC) on `grid` (npscore_health_period_grid_new()), found
 *  while counting, so no period codes are written. A time outside the grid
 *  leaves its row out; a missing time (NPSCORE_MISSING_TIME) does too when
 *  nps_opts->missing is NPSCORE_MISSING_SKIP, else it is an error naming its
 *  row. Baselines follow the grid's frequency (opts->frequency is not used). */
NPSCORE_API npscore_status npscore_health_table_new_over_time(
    npscore_health_table **out, const void *scores, int32_t dtype, size_t n,
    const int64_t *times, const npscore_health_period_grid *grid, const int64_t *slices,
    size_t n_slices, const npscore_nps_options *nps_opts, const npscore_health_options *opts,
    npscore_error *err);

/** Rolling windows over timestamps: period p of `grid` becomes the window of
 *  window_days calendar days (1..NPSCORE_MAX_WINDOW_DAYS, in the grid's time
 *  zone) ending at its end, e.g. the last 90 days at each month end; read its
 *  bounds with npscore_health_table_window(). Every response is read once,
 *  however much the windows overlap; because they overlap, the tests against
 *  the previous window, the trends and the baseline alerts are NaN (and their
 *  flags never raised); shares, NPS, intervals and the passive-share and
 *  low-n flags are given. Times and slices as npscore_health_table_new_over_time(). */
NPSCORE_API npscore_status npscore_health_table_new_rolling(
    npscore_health_table **out, const void *scores, int32_t dtype, size_t n,
    const int64_t *times, const npscore_health_period_grid *grid, int64_t window_days,
    const int64_t *slices, size_t n_slices, const npscore_nps_options *nps_opts,
    const npscore_health_options *opts, npscore_error *err);

/** The longest rolling window, in days (100 years). */
#define NPSCORE_MAX_WINDOW_DAYS 36600

/** The table of histograms counted elsewhere: partial counts of shards
 *  (Spark partitions, files, days) added up, or a table read back with
 *  npscore_health_table_histogram(). histogram holds n_histogram = n_slices
 *  x n_periods x (scale_max + 1) counts, scale_max being nps_opts' scale,
 *  rows slice-major (row = slice * n_periods + period) and within a row the
 *  counts of scores 0..scale_max. skipped is NULL (none) or one count per
 *  row (n_skipped = n_slices x n_periods). Every statistic is derived as
 *  npscore_health_table_new() derives it from its own counts, so equal
 *  histograms give equal tables. opts->frequency gives the period length
 *  (for the baselines). Errors: a size that does not match, a negative
 *  count (named by slice, period and score), and the bounds of
 *  npscore_health_table_new(). */
NPSCORE_API npscore_status npscore_health_table_new_from_histogram(
    npscore_health_table **out, const int64_t *histogram, size_t n_histogram, size_t n_periods,
    size_t n_slices, const int64_t *skipped, size_t n_skipped,
    const npscore_nps_options *nps_opts, const npscore_health_options *opts,
    npscore_error *err);

/** The window of period `period` of a table from npscore_health_table_new_rolling():
 *  [*out_start, *out_end) in UTC nanoseconds (NPSCORE_EINVAL for another
 *  table). */
NPSCORE_API npscore_status npscore_health_table_window(int64_t *out_start, int64_t *out_end,
                                                       const npscore_health_table *t,
                                                       size_t period, npscore_error *err);

/** Returns the number of rows of t (0 for NULL). */
NPSCORE_API size_t npscore_health_table_size(const npscore_health_table *t);

/** Reads row i of t. */
NPSCORE_API npscore_status npscore_health_table_get(npscore_health_row *out,
                                                    const npscore_health_table *t, size_t i,
                                                    npscore_error *err);

/** Points *out at the reasons of row i's flags: the numbers that raised
 *  them, "; "-separated ("" without flags). Owned by t, valid until it is
 *  freed. */
NPSCORE_API npscore_status npscore_health_table_reasons(const char **out,
                                                        const npscore_health_table *t, size_t i,
                                                        npscore_error *err);

/** Points *out at the score histogram of row i: *out_bins = scale_max + 1
 *  counts, of scores 0..scale_max. Owned by t, valid until it is freed. */
NPSCORE_API npscore_status npscore_health_table_histogram(const int64_t **out,
                                                          size_t *out_bins,
                                                          const npscore_health_table *t,
                                                          size_t i, npscore_error *err);

/** The alert figures of one row of a health table: the row against its
 *  baseline, the periods [baseline_first, period) of its slice (12 months by
 *  default). Deviations are this period minus the baseline (NPS and shares
 *  in points). The *_p are one-sided (a drop, a surge, an erosion, passive
 *  growth); *_p_adjusted are adjusted as the options' flag_mode says, within
 *  a family of flag_family tests. NaN where there is no verdict (n or
 *  baseline_n below min_n, or rolling windows). */
typedef struct npscore_health_baseline_row {
  int64_t baseline_first; /**< First period of the baseline; -1 without one. */
  int64_t baseline_n;     /**< Responses in the baseline. */
  double baseline_nps;
  double nps_vs_baseline; /**< NPS minus the baseline's, with the SE of the difference. */
  double vs_baseline_se;
  double drop_p;
  double drop_p_adjusted;
  double detractor_vs_baseline; /**< Detractor share minus the baseline's, points. */
  double surge_p;
  double surge_p_adjusted;
  double promoter_vs_baseline;  /**< Promoter share minus the baseline's, points. */
  double erosion_p;
  double erosion_p_adjusted;
  double passive_growth_p;      /**< The passive trend's test, one-sided (growing). */
  double passive_growth_p_adjusted;
  double cusum;               /**< Lower CUSUM after this period (NaN: not updated). */
  double min_detectable_drop; /**< Smallest drop (points) this period reveals with the
                                   options' power (see npscore/health.h). */
  int64_t flag_family;        /**< Tests in the family of the adjustment. */
} npscore_health_baseline_row;

/** Reads the alert figures of row i of t. */
NPSCORE_API npscore_status npscore_health_table_baseline(npscore_health_baseline_row *out,
                                                         const npscore_health_table *t,
                                                         size_t i, npscore_error *err);

/** Frees a table; accepts NULL. */
NPSCORE_API void npscore_health_table_free(npscore_health_table *t);

/* --- Health: segment trends and p-values ---------------------------------------- */

/** The trend of one segment's share over the last periods of one slice:
 *  weighted least squares of share on period index (weights n). */
typedef struct npscore_health_segment_trend {
  int64_t slice;
  int32_t segment;     /**< Segment code: -1 detractor, 0 passive, +1 promoter. */
  int64_t periods;     /**< Periods with responses used (NaN statistics below 3). */
  int64_t n;           /**< Responses in the window. */
  double start_share;  /**< Fitted share at the window's ends, 0..1. */
  double end_share;
  double slope_points; /**< Points per period, with its SE, z and two-sided p. */
  double slope_se;
  double z;
  double p_value;
  double p_adjusted;   /**< Adjusted across all slices and segments. */
} npscore_health_segment_trend;

/** Trends of the three shares of each slice over the last `periods`
 *  (3..NPSCORE_MAX_TREND_PERIODS) periods of table, adjusted by `adjustment`
 *  (an npscore_health_adjustment): 3 rows per slice (detractor, passive,
 *  promoter), slice by slice, into out[0..*out_count). With out_capacity
 *  below the 3 * slices rows needed the call fails with NPSCORE_ERANGE and
 *  sets *out_count to the rows needed (out may be NULL with capacity 0, to
 *  ask the size). */
NPSCORE_API npscore_status npscore_health_segment_trends(npscore_health_segment_trend *out,
                                                         size_t out_capacity, size_t *out_count,
                                                         const npscore_health_table *table,
                                                         int32_t periods, int32_t adjustment,
                                                         npscore_error *err);

/** Writes the adjusted values of n p-values into out[0..n) (out_capacity >=
 *  n), in the input order (out may be p). Each p-value must be in [0, 1], or
 *  NaN for "no test" (any other value is NPSCORE_EINVAL naming its row). NaN
 *  entries are left out of the family and stay NaN. */
NPSCORE_API npscore_status npscore_health_adjust_p_values(double *out, size_t out_capacity,
                                                          const double *p, size_t n,
                                                          int32_t adjustment,
                                                          npscore_error *err);

/* --- Health: migration between segments ------------------------------------------ */

/** Totals of npscore_health_migration(). */
typedef struct npscore_health_migration_totals {
  int64_t customers; /**< Customers with at least two responses kept. */
  int64_t pairs;     /**< Consecutive pairs counted. */
  int64_t excluded;  /**< Rows left out by a period code of -1. */
  int64_t skipped;   /**< Rows left out for a missing score (NPSCORE_MISSING_SKIP). */
} npscore_health_migration_totals;

/** Counts segment moves between consecutive responses (by time) of each
 *  customer, in the period of the later response: out[(period * 3 + from) *
 *  3 + to] with segment indexes 0..2; out holds n_periods * 9 counts (9
 *  without periods), out_capacity at least that. periods (NULL = one period,
 *  n_periods is then ignored) holds the period of each row, < n_periods (at
 *  most NPSCORE_MAX_MIGRATION_PERIODS), or -1 to leave the row out.
 *  Responses of one customer at the same instant follow in row order (the
 *  tie rule of npscore_priority_latest_responses()). Errors name the row: a
 *  bad score, period code or missing time. */
NPSCORE_API npscore_status npscore_health_migration(
    int64_t *out, size_t out_capacity, npscore_health_migration_totals *out_totals,
    const void *scores, int32_t dtype, size_t n, const int64_t *customers,
    const int64_t *times, const int32_t *periods, size_t n_periods,
    const npscore_nps_options *nps_opts, npscore_error *err);

/* --- Health: attribution of a change ---------------------------------------------- */

/** One slice's part of an NPS change (a symmetric, Shapley two-factor
 *  split): mix = (weight_b - weight_a) (nps_a + nps_b) / 2, rate =
 *  (weight_a + weight_b) / 2 (nps_b - nps_a), total = mix + rate. A slice
 *  empty in one period has weight 0 there and the other period's NPS. */
typedef struct npscore_health_attribution_row {
  double weight_a; /**< The slice's share of the period's respondents, 0..1. */
  double weight_b;
  double nps_a;    /**< The slice's NPS used in each period. */
  double nps_b;
  double mix;
  double rate;
  double total;
} npscore_health_attribution_row;

/** The overall figures of npscore_health_attribute_change(). */
typedef struct npscore_health_attribution_totals {
  double overall_a; /**< NPS of each period over all slices. */
  double overall_b;
  double change;    /**< overall_b - overall_a = the sum of the rows' totals. */
} npscore_health_attribution_totals;

/** Decomposes the NPS change from period a to period b over n_slices slices:
 *  a[s] and b[s] are the counts of slice s (skipped counts are ignored);
 *  writes out[0..n_slices) (out_capacity >= n_slices). Fails on a negative
 *  count or a period without respondents. */
NPSCORE_API npscore_status npscore_health_attribute_change(
    npscore_health_attribution_row *out, size_t out_capacity,
    npscore_health_attribution_totals *out_totals, const npscore_nps_counts *a,
    const npscore_nps_counts *b, size_t n_slices, npscore_error *err);

/* --- Health: event impact ------------------------------------------------------------ */

/** NPS before and after one event in one slice. */
typedef struct npscore_health_event_impact_row {
  int64_t event;                 /**< Index into the events given. */
  int64_t slice;
  npscore_nps_summary before;    /**< [e - before_ns, e); n = 0 and NaN statistics if empty. */
  npscore_nps_summary after;     /**< [e, e + after_ns). */
  npscore_nps_comparison change; /**< after - before; NaN when a side is empty. */
  int32_t outside_data;          /**< 1 if neither side has a scored response. */
} npscore_health_event_impact_row;

/** For each of n_events event times and each slice, summarizes the responses
 *  in the windows before and after it and compares them: n_events * slices
 *  rows, by event (in the order given) then slice, into out[0..*out_count).
 *  slices (NULL = one slice, n_slices is then ignored) holds codes in
 *  [0, n_slices) or -1 (leave the row out). Window bounds saturate at the
 *  int64_t range; before_ns and after_ns must be > 0, and events x slices at
 *  most NPSCORE_MAX_EVENT_IMPACT_ROWS. With out_capacity below the rows
 *  needed the call fails with NPSCORE_ERANGE and sets *out_count to the rows
 *  needed. Errors name the row or event. */
NPSCORE_API npscore_status npscore_health_event_impact(
    npscore_health_event_impact_row *out, size_t out_capacity, size_t *out_count,
    const void *scores, int32_t dtype, size_t n, const int64_t *times, const int64_t *slices,
    size_t n_slices, const int64_t *events, size_t n_events, int64_t before_ns,
    int64_t after_ns, const npscore_nps_options *nps_opts, npscore_error *err);

/* --- Health: account roll-up (B2B) ----------------------------------------------------- */

/** Account-level figures; opaque. */
typedef struct npscore_health_account_table npscore_health_account_table;

/** One account, over the responses counted (for NPSCORE_ROLLUP_LATEST each
 *  contact's latest response, otherwise all). An account without responses
 *  has NaN statistics, segment NPSCORE_NO_SEGMENT and small = 1. */
typedef struct npscore_health_account_row {
  int64_t responses;
  int64_t contacts;   /**< Distinct contacts; -1 when no contact ids were given. */
  double mean_score;
  double nps;         /**< 100 * mean segment code, within the account. */
  int32_t segment;    /**< Segment code of the mean score, or NPSCORE_NO_SEGMENT. */
  int32_t small;      /**< 1 if fewer than min_n responses were counted. */
} npscore_health_account_row;

/** Rolls n responses up to accounts 0..n_accounts-1 (accounts[i] in that
 *  range, or negative to leave the row out) by `how` (an
 *  npscore_health_rollup). contacts (contact ids) and times are optional
 *  (NULL) except for NPSCORE_ROLLUP_LATEST (of a contact's responses at the
 *  same latest instant, the later row: the tie rule of
 *  npscore_priority_latest_responses()); account_weights is NULL or
 *  n_accounts finite weights >= 0 (e.g. revenue): for POOLED and LATEST each
 *  account's weight counts once, split evenly over its counted responses, so
 *  the overall NPS is the weighted mean of the accounts' NPS; n_accounts is
 *  at most NPSCORE_MAX_ACCOUNTS. Accounts with fewer than min_n (finite,
 *  >= 0) responses counted are small and left out of the overall summary
 *  (nps_opts->min_n is not used here). On success *out is a new table to
 *  release with npscore_health_account_table_free(). */
NPSCORE_API npscore_status npscore_health_account_table_new(
    npscore_health_account_table **out, const void *scores, int32_t dtype, size_t n,
    const int64_t *accounts, size_t n_accounts, const int64_t *contacts,
    const int64_t *times, int32_t how, const double *account_weights, double min_n,
    const npscore_nps_options *nps_opts, npscore_error *err);

/** Returns the number of accounts of t (0 for NULL). */
NPSCORE_API size_t npscore_health_account_table_size(const npscore_health_account_table *t);

/** Reads account i of t. */
NPSCORE_API npscore_status npscore_health_account_table_get(npscore_health_account_row *out,
                                                            const npscore_health_account_table *t,
                                                            size_t i, npscore_error *err);

/** Reads the account-level NPS over the accounts that are not small: every
 *  counted response (POOLED, LATEST) or one vote per account (AVERAGE),
 *  weighted by account_weights when given (SE and interval then use Kish's
 *  effective n). n = 0 and NaN statistics when no account qualifies. */
NPSCORE_API npscore_status npscore_health_account_table_overall(
    npscore_nps_summary *out, const npscore_health_account_table *t, npscore_error *err);

/** Frees a table; accepts NULL. */
NPSCORE_API void npscore_health_account_table_free(npscore_health_account_table *t);

/* --- Churn: churn-risk scoring ------------------------------------- */

/* Features. */

/* Signals from NPS history as of an instant (npscore/churn.h): only responses
 * at or before as_of count, and a follow-up only if it happened by then.
 * Times are int64 UTC nanoseconds; NPSCORE_MISSING_TIME = missing / none.
 * Days are differences of times / 86400e9. */

/** Options of npscore_churn_features_new() (the NPS cut-offs and `missing`
 *  come in its own npscore_nps_options parameter). */
typedef struct npscore_churn_feature_options {
  uint32_t version;               /**< NPSCORE_CHURN_FEATURE_OPTIONS_VERSION */
  double early_life_days;         /**< A detractor answer within this many days of sign-up
                                       is early-life; finite, >= 0 (10; docs/sources.md
                                       section 5). */
  int32_t skip_unknown_customers; /**< 1: responses of customers not in the table are left
                                       out and counted; 0: an error (0). */
} npscore_churn_feature_options;

#define NPSCORE_CHURN_FEATURE_OPTIONS_VERSION 1
/** The defaults: a 10-day early life, unknown customers an error. */
#define NPSCORE_CHURN_FEATURE_OPTIONS_INIT { NPSCORE_CHURN_FEATURE_OPTIONS_VERSION, 10.0, 0 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_CHURN_FEATURE_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_churn_feature_options_init(
    npscore_churn_feature_options *opts, uint32_t version, npscore_error *err);

/** Per-customer signals from npscore_churn_features_new(); opaque. */
typedef struct npscore_churn_features npscore_churn_features;

/** The signals of one customer as of as_of. A double is NaN where the value
 *  does not exist (no response, fewer than two, unknown sign-up, no
 *  follow-up); counts and flags are 0 then. "Latest" is by response time. */
typedef struct npscore_churn_feature_row {
  int32_t has_response;           /**< 1 if the customer answered by as_of. */
  int32_t signed_up;              /**< 0 if the sign-up time is after as_of. */
  int64_t n_responses;            /**< Responses by as_of. */
  int64_t latest_row;             /**< Row of the latest response, -1 without one. */
  double score;                   /**< The latest score. */
  int32_t segment;                /**< Its segment code (-1/0/+1), or NPSCORE_NO_SEGMENT. */
  double previous_score;          /**< The score before it. */
  double score_change;            /**< score - previous_score. */
  int32_t segment_change;         /**< segment - previous segment, -2..2 (0 below 2
                                       responses). */
  double mean_score;              /**< Over the responses by as_of. */
  double min_score;
  double max_score;
  int64_t n_detractor_responses;  /**< Detractor answers among them. */
  double days_since_response;     /**< as_of - latest response. */
  double days_since_first_response; /**< as_of - first response. */
  double tenure_days;             /**< Latest response - sign-up (negative if before). */
  double customer_age_days;       /**< as_of - sign-up. */
  int32_t early_life_detractor;   /**< Latest response a detractor answer within
                                       early_life_days of sign-up. */
  int32_t detractor_followed_up;  /**< Latest response a detractor answer followed up by
                                       as_of. */
  double days_to_follow_up;       /**< The days its follow-up took. */
  double days_detractor_waiting;  /**< Days the latest response, a detractor answer, has
                                       waited without a follow-up (0 if followed up or
                                       not a detractor). */
} npscore_churn_feature_row;

/** The accounting of the response rows: used + after_as_of + the skipped
 *  ones = all rows. */
typedef struct npscore_churn_feature_totals {
  int64_t used;                 /**< Responses at or before as_of. */
  int64_t after_as_of;          /**< Valid responses after as_of, left out. */
  int64_t skipped_missing_scores;
  int64_t skipped_missing_times;
  int64_t skipped_unknown_customers;
} npscore_churn_feature_totals;

/** Computes the signals of the n_customers customers of the table
 *  (customer_ids: distinct ids; signup_times: NULL or one per customer,
 *  NPSCORE_MISSING_TIME = unknown) from n responses (customers: the customer
 *  id of each; times; scores of the C type named by `dtype`, an
 *  npscore_dtype; followed_up: NULL or one follow-up time per response,
 *  NPSCORE_MISSING_TIME = none) as of as_of, in one pass. nps_opts (NULL:
 *  defaults) gives the cut-offs and `missing`, which also covers missing
 *  response times (an error, or skipped and counted). The latest and previous
 *  responses follow the tie rule of npscore_priority_latest_responses().
 *  Errors name the row and
 *  value: a bad score, a missing time, an unknown customer, a follow-up
 *  before its response, a duplicated id, more than 2^31 - 1 responses or
 *  customers. On success *out is a new table (one row per customer, in table
 *  order) to release with npscore_churn_features_free(). */
NPSCORE_API npscore_status npscore_churn_features_new(
    npscore_churn_features **out, const int64_t *customers, const int64_t *times,
    const void *scores, int32_t dtype, size_t n, const int64_t *followed_up,
    const int64_t *customer_ids, const int64_t *signup_times, size_t n_customers,
    int64_t as_of, const npscore_nps_options *nps_opts,
    const npscore_churn_feature_options *opts, npscore_error *err);

/** Returns the number of customers of f (0 for NULL). */
NPSCORE_API size_t npscore_churn_features_size(const npscore_churn_features *f);

/** Reads customer i (< npscore_churn_features_size()) of f. */
NPSCORE_API npscore_status npscore_churn_features_get(npscore_churn_feature_row *out,
                                                      const npscore_churn_features *f,
                                                      size_t i, npscore_error *err);

/** Reads the row accounting of f. */
NPSCORE_API npscore_status npscore_churn_features_totals(npscore_churn_feature_totals *out,
                                                         const npscore_churn_features *f,
                                                         npscore_error *err);

/** Frees a table from npscore_churn_features_new(); accepts NULL. */
NPSCORE_API void npscore_churn_features_free(npscore_churn_features *f);

/** Counts of npscore_churn_labels(). */
typedef struct npscore_churn_label_totals {
  int64_t positives;          /**< Label 1: churned in (as_of, as_of + horizon]. */
  int64_t negatives;          /**< Label 0: churned later or not at all. */
  int64_t churned_before;     /**< Label -1: churned at or before as_of. */
  int64_t not_yet_customers;  /**< Label -1: signed up after as_of. */
} npscore_churn_label_totals;

/** Writes the churn label of each of n customers into out[0..n) (capacity
 *  out_capacity >= n): 1 if churned_at[i] is in (as_of, as_of + horizon_ns],
 *  0 if later or NPSCORE_MISSING_TIME (not churned), -1 (left out) if the
 *  customer had churned by as_of or signs up after it (signup_times: NULL or
 *  n times). horizon_ns must be > 0. out_totals may be NULL. */
NPSCORE_API npscore_status npscore_churn_labels(int8_t *out, size_t out_capacity,
                                                npscore_churn_label_totals *out_totals,
                                                const int64_t *churned_at,
                                                const int64_t *signup_times, size_t n,
                                                int64_t as_of, int64_t horizon_ns,
                                                npscore_error *err);

/** Checks a train-on-earlier / test-on-later split: NPSCORE_OK if the
 *  training labels are known by the test date (train_as_of + horizon <=
 *  test_as_of) and, unless observed_until is NPSCORE_MISSING_TIME, the test
 *  horizon was fully observed (test_as_of + horizon <= observed_until);
 *  otherwise NPSCORE_EINVAL with a message saying by how many days. */
NPSCORE_API npscore_status npscore_churn_check_time_split(int64_t train_as_of,
                                                          int64_t test_as_of,
                                                          int64_t horizon_ns,
                                                          int64_t observed_until,
                                                          npscore_error *err);

/* (end of the churn features) */

/* Model. */

/** A fitted or prior churn model (npscore/churn.h ChurnModel), made by
 *  npscore_churn_model_fit(), _new() or _load(). Read-only once made: it may
 *  be used from several threads at once. */
typedef struct npscore_churn_model npscore_churn_model;

/** Memory layout of a rows x cols matrix of doubles (an int32_t `layout`). */
typedef enum npscore_churn_layout {
  NPSCORE_ROW_MAJOR = 0, /**< element (i, j) at x[i * cols + j] */
  NPSCORE_COL_MAJOR = 1  /**< element (i, j) at x[j * rows + i] */
} npscore_churn_layout;

/** Class weights of a churn fit (npscore_churn_fit_options.class_weight_mode). */
typedef enum npscore_churn_class_weight {
  NPSCORE_CLASS_WEIGHT_NONE = 0,     /**< all 1 */
  NPSCORE_CLASS_WEIGHT_BALANCED = 1, /**< sum(w) / (2 * sum(w of the class)), as scikit-learn */
  NPSCORE_CLASS_WEIGHT_GIVEN = 2     /**< class_weight[0], class_weight[1] */
} npscore_churn_class_weight;

/** Options of npscore_churn_model_fit(): L2 logistic regression with
 *  scikit-learn's objective sum_i s_i [log(1 + e^z_i) - y_i z_i] +
 *  ||coef||^2 / (2 C), the intercept unpenalised, solved by Newton's method
 *  until the largest gradient component divided by sum(s) is at most tol. */
typedef struct npscore_churn_fit_options {
  uint32_t version;           /**< NPSCORE_CHURN_FIT_OPTIONS_VERSION */
  double C;                   /**< Inverse L2 strength, > 0; INFINITY: none (1). */
  int32_t fit_intercept;      /**< Non-zero: fit an intercept (1). */
  int32_t standardize;        /**< Non-zero: fit on columns scaled by their mean and sd
                                   (ddof 0); coefficients stay on the original scale (0). */
  int32_t class_weight_mode;  /**< An npscore_churn_class_weight (NPSCORE_CLASS_WEIGHT_NONE). */
  double class_weight[2];     /**< Used with NPSCORE_CLASS_WEIGHT_GIVEN: finite, > 0 (1, 1). */
  double tol;                 /**< Gradient tolerance, finite and > 0 (1e-8). */
  int32_t max_iter;           /**< Newton iterations, 1..NPSCORE_MAX_ITERATIONS (100). */
  int32_t threads;            /**< 0: one per core for large inputs; at most
                                   NPSCORE_MAX_THREADS (0). */
} npscore_churn_fit_options;

#define NPSCORE_CHURN_FIT_OPTIONS_VERSION 1
/** The defaults: C = 1 with an intercept, no scaling or class weights,
 *  tol 1e-8, 100 iterations (scikit-learn's LogisticRegression). */
#define NPSCORE_CHURN_FIT_OPTIONS_INIT                                                \
  { NPSCORE_CHURN_FIT_OPTIONS_VERSION, 1.0, 1, 0, NPSCORE_CLASS_WEIGHT_NONE, {1.0, 1.0}, \
    1e-8, 100, 0 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_CHURN_FIT_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_churn_fit_options_init(npscore_churn_fit_options *opts,
                                                          uint32_t version, npscore_error *err);

/** How a fit ended. A fit that reached max_iter is returned with converged =
 *  0: its estimate is usable but should be checked (it is not an error). */
typedef struct npscore_churn_fit_info {
  int32_t n_iter;       /**< Newton iterations done. */
  int32_t converged;    /**< 1 if the gradient reached tol, else 0. */
  double grad_norm;     /**< Final max |gradient| / sum(s). */
  double objective;     /**< Final objective / sum(s). */
  size_t n_warnings;    /**< Data warnings (constant columns): npscore_churn_model_warning(). */
  int32_t is_prior;     /**< 1 for a model from npscore_churn_model_new(), else 0. */
  double horizon_days;  /**< Prior models: the horizon of the probabilities. */
} npscore_churn_fit_info;

/** Columns of a fitted (or loaded) churn model: its Newton step holds a
 *  (cols + 1)^2 Hessian per thread. */
#define NPSCORE_MAX_CHURN_FEATURES 4096
/** Reasons per row of npscore_churn_model_explain() (`top`). */
#define NPSCORE_MAX_REASONS 100
/** Reliability bins of npscore_churn_evaluate(). */
#define NPSCORE_MAX_RELIABILITY_BINS 1000
/** Horizon, in days, of a prior model and of its rates (100 years). */
#define NPSCORE_MAX_CHURN_HORIZON_DAYS 36525.0
/** Size of a model file that npscore_churn_model_load() reads (64 MiB). */
#define NPSCORE_MAX_CHURN_MODEL_BYTES 67108864

/** Fits a churn model to x (rows x cols doubles in `layout`, an
 *  npscore_churn_layout; finite; rows >= 1, cols at most
 *  NPSCORE_MAX_CHURN_FEATURES), labels y (rows values, 0 or 1, both present)
 *  and sample_weight (rows values, finite, >= 0; NULL: all 1).
 *  feature_names: NULL (x0, x1, ...) or cols distinct strings. opts NULL:
 *  defaults. Stopping at max_iter succeeds with converged = 0 in the fit
 *  info. On success *out is a new model to release with
 *  npscore_churn_model_free(); NULL on error. */
NPSCORE_API npscore_status npscore_churn_model_fit(npscore_churn_model **out, const double *x,
                                                   size_t rows, size_t cols, int32_t layout,
                                                   const double *y, const double *sample_weight,
                                                   const char *const *feature_names,
                                                   const npscore_churn_fit_options *opts,
                                                   npscore_error *err);

/** Segment base rates of the prior model, each a churn rate in (0, 1) within
 *  a horizon in (0, NPSCORE_MAX_CHURN_HORIZON_DAYS] days: docs/sources.md
 *  section 5 where it gives a figure, else (and where the shipped sample
 *  realises another rate) the sample's; sources per rate in npscore/churn.h
 *  (ChurnPriorRates). */
typedef struct npscore_churn_prior_options {
  uint32_t version;                         /**< NPSCORE_CHURN_PRIOR_OPTIONS_VERSION */
  double detractor_rate;                    /**< (0.40) */
  double detractor_days;                    /**< (90) */
  double early_life_detractor_rate;         /**< (0.50) */
  double early_life_detractor_days;         /**< (90) */
  double passive_rate;                      /**< (0.25) */
  double passive_days;                      /**< (180) */
  double promoter_rate;                     /**< (0.09) */
  double promoter_days;                     /**< (180) */
  double baseline_rate;                     /**< No answer yet (0.05) */
  double baseline_days;                     /**< (90) */
} npscore_churn_prior_options;

#define NPSCORE_CHURN_PRIOR_OPTIONS_VERSION 1
/** The defaults: detractors 40% / 90 days, early-life detractors 50% / 90
 *  days, passives 25% / 180 days, promoters 9% / 180 days, no answer 5% /
 *  90 days. */
#define NPSCORE_CHURN_PRIOR_OPTIONS_INIT                                                   \
  { NPSCORE_CHURN_PRIOR_OPTIONS_VERSION, 0.40, 90.0, 0.50, 90.0, 0.25, 180.0, 0.09, 180.0, \
    0.05, 90.0 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_CHURN_PRIOR_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_churn_prior_options_init(npscore_churn_prior_options *opts,
                                                            uint32_t version,
                                                            npscore_error *err);

/** Makes a prior model, without training data: each rate of opts (NULL:
 *  defaults) converted to horizon_days under a constant hazard (p = 1 - (1 -
 *  p0)^(h / h0)), read from four 0/1 columns in this order (churn_features'
 *  names): "segment=detractor", "segment=passive", "has_response",
 *  "early_life_detractor". No answer: the baseline rate; an answer with
 *  neither segment set: the promoter rate. horizon_days is in (0,
 *  NPSCORE_MAX_CHURN_HORIZON_DAYS]; a rate that the conversion makes 0 or 1
 *  (a horizon far from the rate's own) is NPSCORE_EINVAL naming the segment.
 *  On success *out is a new model to release with npscore_churn_model_free(). */
NPSCORE_API npscore_status npscore_churn_model_new(npscore_churn_model **out,
                                                   double horizon_days,
                                                   const npscore_churn_prior_options *opts,
                                                   npscore_error *err);

/** The fit info of a model. */
NPSCORE_API npscore_status npscore_churn_model_info(npscore_churn_fit_info *out,
                                                    const npscore_churn_model *model,
                                                    npscore_error *err);

/** The number of features of a model (0 for NULL). */
NPSCORE_API size_t npscore_churn_model_n_features(const npscore_churn_model *model);

/** Writes the n_features coefficients (original scale) into out (capacity
 *  out_capacity >= npscore_churn_model_n_features(); out may be NULL with
 *  capacity 0 when there are none) and the intercept into *out_intercept. */
NPSCORE_API npscore_status npscore_churn_model_coef(double *out, size_t out_capacity,
                                                    double *out_intercept,
                                                    const npscore_churn_model *model,
                                                    npscore_error *err);

/** The name of feature j (< n_features) into *out, owned by the model. */
NPSCORE_API npscore_status npscore_churn_model_feature_name(const char **out,
                                                            const npscore_churn_model *model,
                                                            size_t j, npscore_error *err);

/** Data warning k (< the fit info's n_warnings) into *out, owned by the
 *  model. */
NPSCORE_API npscore_status npscore_churn_model_warning(const char **out,
                                                       const npscore_churn_model *model,
                                                       size_t k, npscore_error *err);

/** Writes P(churn) of each row of x (rows x cols in `layout`) into out
 *  (capacity out_capacity >= rows). */
NPSCORE_API npscore_status npscore_churn_model_predict(double *out, size_t out_capacity,
                                                       const npscore_churn_model *model,
                                                       const double *x, size_t rows,
                                                       size_t cols, int32_t layout,
                                                       npscore_error *err);

/** P(churn) (out_proba, rows values) and the top reasons of each row: the
 *  feature indices (out_features) and log-odds contributions
 *  coef_j * (x_j - reference_j) (out_contributions), rows * top values each,
 *  row-major, largest first; -1 / 0 where a row has fewer than top positive
 *  contributions (e.g. top above the model's features). Each array is
 *  followed by its capacity. top is in 1..NPSCORE_MAX_REASONS (for
 *  probabilities alone, use npscore_churn_model_predict). reference_j: 0 for
 *  0/1 indicator columns, else the training mean (prior models: 0). Columns
 *  named as churn_features names them follow the core's reason rules
 *  (npscore/churn.h, DefaultChurnReasonRules): the score-history columns are
 *  one reason, reported under the first of them with their net contribution;
 *  a column is left out where it does not apply (scores of a customer who
 *  never answered, days waiting of a non-detractor) and is no reason when
 *  its coefficient contradicts its documented direction. One thread. */
NPSCORE_API npscore_status npscore_churn_model_explain(
    double *out_proba, size_t out_proba_capacity, int32_t *out_features,
    size_t out_features_capacity, double *out_contributions, size_t out_contributions_capacity,
    const npscore_churn_model *model, const double *x, size_t rows, size_t cols, int32_t layout,
    size_t top, npscore_error *err);

/** Writes the model to path (versioned binary format with a checksum): a
 *  regular file, created or truncated. A path that cannot be opened or
 *  written (missing directory, no permission, a directory, a FIFO) is
 *  NPSCORE_EIO naming the path and the system's reason; an empty path is
 *  NPSCORE_EINVAL. */
NPSCORE_API npscore_status npscore_churn_model_save(const npscore_churn_model *model,
                                                    const char *path, npscore_error *err);

/** Reads a model written by npscore_churn_model_save(). A path that cannot
 *  be opened or read (missing, unreadable, not a regular file: a directory,
 *  FIFO or device is never read, so a load never blocks) is NPSCORE_EIO; a
 *  file whose content is not a model (empty, truncated, corrupted, foreign,
 *  newer, larger than NPSCORE_MAX_CHURN_MODEL_BYTES) is NPSCORE_EINVAL. The
 *  message names the path and the cause. On success *out is a new model to
 *  release with npscore_churn_model_free(); NULL on error. */
NPSCORE_API npscore_status npscore_churn_model_load(npscore_churn_model **out, const char *path,
                                                    npscore_error *err);

/** Frees a model; accepts NULL. */
NPSCORE_API void npscore_churn_model_free(npscore_churn_model *model);

/** Metrics of probabilities against outcomes. */
typedef struct npscore_churn_evaluation {
  int64_t n;
  int64_t positives;
  double auc;             /**< ROC AUC, ties count 1/2 */
  double brier;           /**< mean (p - y)^2 */
  double log_loss;        /**< p clipped to [eps, 1 - eps] */
  double base_rate;
  double top_decile_rate; /**< churn rate among the ceil(n / 10) highest p */
  double lift;            /**< top_decile_rate / base_rate */
} npscore_churn_evaluation;

/** One calibration bin: rows sorted by p, cut into equal-count bins. */
typedef struct npscore_churn_reliability_bin {
  int64_t count;
  double mean_predicted;
  double observed_rate;
} npscore_churn_reliability_bin;

/** Scores p (n >= 1 values in [0, 1]) against y (0/1, both present) with
 *  `bins` (1..NPSCORE_MAX_RELIABILITY_BINS) reliability bins, written to
 *  out_bins lowest p first (out_bins: NULL with capacity 0 for none, else
 *  out_bins_capacity >= bins). */
NPSCORE_API npscore_status npscore_churn_evaluate(npscore_churn_evaluation *out,
                                                  npscore_churn_reliability_bin *out_bins,
                                                  size_t out_bins_capacity, const double *y,
                                                  const double *p, size_t n, size_t bins,
                                                  npscore_error *err);

/* Validation: k-fold cross-validation and the backtest. */

/** Folds of npscore_churn_cross_validate(), at most. */
#define NPSCORE_MAX_CHURN_FOLDS 1000

/** Writes the fold (0..k-1) of each of n rows into out[0..n) (out_capacity >=
 *  n): the rows shuffled by a Fisher-Yates pass driven by SplitMix64 from
 *  `seed`, cut into k folds whose sizes differ by at most one (the first n % k
 *  one larger). The same (n, k, seed) gives the same folds in every language.
 *  k in 2..min(n, NPSCORE_MAX_CHURN_FOLDS). */
NPSCORE_API npscore_status npscore_churn_folds(int32_t *out, size_t out_capacity, size_t n,
                                               int32_t k, uint64_t seed, npscore_error *err);

/** One fold of npscore_churn_cross_validate(): a model fitted on the other
 *  folds, scored on this one. */
typedef struct npscore_churn_fold {
  int64_t fold;
  int64_t n_train;
  int64_t n_test;
  npscore_churn_evaluation evaluation; /**< of this fold's rows (npscore_churn_evaluate) */
  int32_t n_iter;                      /**< Newton iterations of the fold's fit */
  int32_t converged;                   /**< 1 if the fit converged */
} npscore_churn_fold;

/** k-fold cross-validation of npscore_churn_model_fit(opts) on x (rows x cols
 *  in `layout`), y and sample_weight (NULL: all 1), with the folds of
 *  npscore_churn_folds(rows, k, seed): fold f's model is fitted on the rows of
 *  the other folds, in row order, and evaluated on fold f with `bins`
 *  reliability bins. Writes the k folds to out (out_capacity >= k). Errors
 *  name the fold (a fold whose labels hold one class cannot be scored). For
 *  churn, a split by time (npscore_churn_backtest()) is the honest estimate. */
NPSCORE_API npscore_status npscore_churn_cross_validate(
    npscore_churn_fold *out, size_t out_capacity, const double *x, size_t rows, size_t cols,
    int32_t layout, const double *y, const double *sample_weight,
    const npscore_churn_fit_options *opts, int32_t k, uint64_t seed, size_t bins,
    npscore_error *err);

/** The verdict of npscore_churn_backtest(). */
typedef struct npscore_churn_backtest_result {
  npscore_churn_evaluation test;  /**< the model on the test rows */
  npscore_churn_evaluation prior; /**< the prior on the same rows (zeros without it) */
  int32_t has_prior;   /**< 1 if the test columns hold the prior's (segments, answered) */
  int32_t beats_prior; /**< 1 if the model has a higher AUC and a lower Brier score */
  double train_churn_rate;
  double test_churn_rate;
} npscore_churn_backtest_result;

/** A backtest: fits a model (opts) on x_train (train_rows x cols) and y_train,
 *  the features and labels of an earlier as-of date, scores x_test
 *  (test_rows x cols, the same columns `feature_names`, cols strings) and
 *  evaluates it against y_test with `bins` bins, beside the prior over
 *  `horizon_days` (npscore_churn_model_new() with the default rates) on the
 *  same rows: the baseline a fitted model must beat. Both matrices are in
 *  `layout`. The model goes to *out_model (release with
 *  npscore_churn_model_free()); P(churn) of each test row to out_p_test and the
 *  prior's to out_p_prior (each NULL to skip, else out_capacity >= test_rows;
 *  NaN without a prior). Labels of one class on either side are
 *  NPSCORE_EINVAL naming the side. */
NPSCORE_API npscore_status npscore_churn_backtest(
    npscore_churn_model **out_model, npscore_churn_backtest_result *out, double *out_p_test,
    double *out_p_prior, size_t out_capacity, const double *x_train, size_t train_rows,
    const double *y_train, const double *x_test, size_t test_rows, const double *y_test,
    size_t cols, int32_t layout, const char *const *feature_names, double horizon_days,
    const npscore_churn_fit_options *opts, size_t bins, npscore_error *err);

/* Design matrix. */

/** The columns a churn model reads and how each is made from the features
 *  (npscore/churn.h ChurnDesign), saved in the model file so that a model
 *  saved from any language rebuilds its matrix in any other. Columns, in
 *  order: "has_response", "n_responses", "score", "segment=detractor",
 *  "segment=passive", "score_change", "segment_change", "mean_score",
 *  "min_score", "detractor_share" (detractor answers / answers),
 *  "days_since_response", with sign-up times "tenure_days",
 *  "customer_age_days", "early_life_detractor", then
 *  "days_detractor_waiting", with follow-up times "detractor_followed_up",
 *  "days_to_follow_up"; then "theme=<name>" per theme (the flag of the
 *  customer's latest response); then the caller's columns: numeric ones
 *  copied, categorical ones one-hot ("plan=pro", the first level the
 *  dropped reference) with an optional "plan=<missing>". Made by
 *  npscore_churn_design_new() or read from a model by
 *  npscore_churn_model_design(); immutable. */
typedef struct npscore_churn_design npscore_churn_design;

/** Options of npscore_churn_design_new(). */
typedef struct npscore_churn_design_options {
  uint32_t version;     /**< NPSCORE_CHURN_DESIGN_OPTIONS_VERSION */
  int32_t signup;       /**< 1: the features had sign-up times (0). */
  int32_t followed_up;  /**< 1: the features had follow-up times (0). */
  int32_t fill;         /**< 1: fill values that do not exist (1): scores by the middle
                             of the passive band ((detractor_max + 1 + passive_max) / 2,
                             7.5 on 0-10), changes, the detractor share, follow-up delays
                             and an unknown age by 0, days since the latest response and
                             tenure of a customer without one by its age; 0: NaN. */
} npscore_churn_design_options;

#define NPSCORE_CHURN_DESIGN_OPTIONS_VERSION 1
/** The defaults: no sign-up or follow-up times, filled. */
#define NPSCORE_CHURN_DESIGN_OPTIONS_INIT { NPSCORE_CHURN_DESIGN_OPTIONS_VERSION, 0, 0, 1 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_CHURN_DESIGN_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_churn_design_options_init(npscore_churn_design_options *opts,
                                                             uint32_t version,
                                                             npscore_error *err);

/** Makes a design: themes (n_themes names; NULL when 0), n_user user
 *  columns named user_columns[k], numeric when user_n_levels[k] is 0, else
 *  categorical with user_n_levels[k] levels whose names follow one another
 *  in user_levels (each column's reference level first); user_missing: NULL
 *  (none) or per column 1 for a "<name>=<missing>" column. nps_opts (NULL:
 *  defaults) gives the cut-offs the features were computed with. Errors
 *  (NPSCORE_EINVAL): a repeated theme, column or level, two columns of the
 *  same name, more than NPSCORE_MAX_CHURN_FEATURES columns. On success *out
 *  is a new design to release with npscore_churn_design_free(). */
NPSCORE_API npscore_status npscore_churn_design_new(
    npscore_churn_design **out, const char *const *themes, size_t n_themes,
    const char *const *user_columns, const size_t *user_n_levels, const char *const *user_levels,
    const int32_t *user_missing, size_t n_user, const npscore_nps_options *nps_opts,
    const npscore_churn_design_options *opts, npscore_error *err);

/** The number of columns of a design (0 for NULL). */
NPSCORE_API size_t npscore_churn_design_size(const npscore_churn_design *design);

/** The name of column j (< npscore_churn_design_size()) into *out, owned by
 *  the design. */
NPSCORE_API npscore_status npscore_churn_design_column_name(const char **out,
                                                            const npscore_churn_design *design,
                                                            size_t j, npscore_error *err);

/** Builds the design matrix from a features table f: one row per customer of
 *  f who had signed up by as_of (signed_up = 1), in table order, and
 *  npscore_churn_design_size() columns, written column-major into out
 *  (element (i, j) at out[j * rows + i]; NPSCORE_COL_MAJOR for
 *  npscore_churn_model_predict). *out_rows receives the row count, also when
 *  the capacity is too small (NPSCORE_ERANGE), so a first call with out NULL
 *  and capacity 0 asks for it. theme_flags: the design's themes, 0 or 1 per
 *  response row of the responses f was computed from (theme t of row r at
 *  theme_flags[t * n_response_rows + r]); NULL when there are none. The n_user
 *  user columns (as in the design, in order) have one value per customer of
 *  f: user_numeric[k] the values of a numeric column (finite for the
 *  customers in the matrix), user_codes[k] the level index (0 = the
 *  reference, -1 = missing) of a categorical one; the entry of the other
 *  kind is NULL, and both arrays may be NULL when n_user is 0. Errors name the
 *  row and value. */
NPSCORE_API npscore_status npscore_churn_design_matrix(
    double *out, size_t out_capacity, size_t *out_rows, const npscore_churn_design *design,
    const npscore_churn_features *f, const double *theme_flags, size_t n_response_rows,
    const double *const *user_numeric, const int32_t *const *user_codes, size_t n_user,
    npscore_error *err);

/** Frees a design; accepts NULL. */
NPSCORE_API void npscore_churn_design_free(npscore_churn_design *design);

/** The design a model reads, as a new design to release with
 *  npscore_churn_design_free(): a model fitted in Python on churn_features'
 *  frame, a prior with the default columns, or a model given one by
 *  npscore_churn_model_with_design(). A model without a design (fitted on a
 *  matrix made elsewhere) is NPSCORE_EINVAL. Its columns are the model's
 *  features, in order. */
NPSCORE_API npscore_status npscore_churn_model_design(npscore_churn_design **out,
                                                      const npscore_churn_model *model,
                                                      npscore_error *err);

/** A copy of model that carries design (saved with it by
 *  npscore_churn_model_save()): the design's column names must equal the
 *  model's feature names, in order (else NPSCORE_EINVAL naming the first that
 *  differs). On success *out is a new model to release with
 *  npscore_churn_model_free(). */
NPSCORE_API npscore_status npscore_churn_model_with_design(npscore_churn_model **out,
                                                           const npscore_churn_model *model,
                                                           const npscore_churn_design *design,
                                                           npscore_error *err);

/* (end of the churn section) */

/* --- CLV: customer lifetime value ---------------------------------- */

/* RFM summaries of transaction logs, the BG/NBD model (Fader, Hardie & Lee
 * 2005) and the Gamma-Gamma spend model fitted by maximum likelihood, their
 * predictions and discounted CLV, with the definitions of the Python package
 * lifetimes (see npscore/clv.h). Per-customer columns are `const double *`
 * of n elements; per-customer outputs are caller arrays of n elements, each
 * followed by its capacity. */

/** Customer codes of npscore_clv_rfm_summary() (n_customers). */
#define NPSCORE_MAX_RFM_CUSTOMERS 268435456
/** Months of npscore_clv_lifetime_value() (100 years). */
#define NPSCORE_MAX_CLV_MONTHS 1200

/** One customer of an RFM summary, in periods of the summary's frequency. */
typedef struct npscore_clv_rfm_row {
  double frequency;      /**< Distinct purchase periods - 1 (repeat periods). */
  double recency;        /**< Periods from the first to the last purchase. */
  double T;              /**< Periods from the first purchase to the observation end. */
  double monetary_value; /**< Mean total of a repeat period; 0 without one (or amounts). */
  int64_t transactions;  /**< Rows of the customer; 0 = none (other fields NaN). */
} npscore_clv_rfm_row;

/** Summarizes n transactions: customer codes in [0, n_customers), times in
 *  int64 nanoseconds since the epoch read as wall-clock time (INT64_MIN is
 *  missing, an error), amounts NULL or >= 0, `frequency` an
 *  npscore_health_frequency (weeks run Monday to Sunday). Writes n_customers (0..
 *  NPSCORE_MAX_RFM_CUSTOMERS) rows to `out` (capacity out_capacity >=
 *  n_customers). A time after observation_end, a bad code or amount is
 *  NPSCORE_EINVAL naming the row and value. */
NPSCORE_API npscore_status npscore_clv_rfm_summary(
    npscore_clv_rfm_row *out, size_t out_capacity, size_t n_customers, const int64_t *customers,
    const int64_t *times, const double *amounts, size_t n, int64_t observation_end,
    int32_t frequency, npscore_error *err);

/** Options of the model fits (npscore_clv_fit_beta_geo, _gamma_gamma). */
typedef struct npscore_clv_fit_options {
  uint32_t version;       /**< NPSCORE_CLV_FIT_OPTIONS_VERSION */
  double penalizer;       /**< Adds penalizer * (sum of squared parameters), as lifetimes;
                               finite, >= 0 (0). */
  int32_t max_iterations; /**< Newton iterations, 1..NPSCORE_MAX_ITERATIONS (200). */
  double tolerance;       /**< Converged below this gradient max-norm; finite, > 0 (1e-9). */
  int32_t threads;        /**< Threads for the likelihood; 0 = all cores; at most
                               NPSCORE_MAX_THREADS (0). */
  /* version 2: */
  int32_t nonpositive_spend; /**< Gamma-Gamma: repeat customers with monetary_value <= 0
                                  are an error (NPSCORE_CLV_NONPOSITIVE_ERROR, the default)
                                  or left out of the fit (NPSCORE_CLV_NONPOSITIVE_EXCLUDE;
                                  their count is (repeat rows) - out_info->customers). */
} npscore_clv_fit_options;

/** Values of npscore_clv_fit_options.nonpositive_spend. */
typedef enum npscore_clv_nonpositive {
  NPSCORE_CLV_NONPOSITIVE_ERROR = 0,   /**< An error naming their count and first row. */
  NPSCORE_CLV_NONPOSITIVE_EXCLUDE = 1  /**< Left out of the Gamma-Gamma fit. */
} npscore_clv_nonpositive;

#define NPSCORE_CLV_FIT_OPTIONS_VERSION 2
/** The defaults: no penalty, 200 iterations, tolerance 1e-9, all cores,
 *  non-positive spend an error. */
#define NPSCORE_CLV_FIT_OPTIONS_INIT \
  { NPSCORE_CLV_FIT_OPTIONS_VERSION, 0.0, 200, 1e-9, 0, NPSCORE_CLV_NONPOSITIVE_ERROR }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_CLV_FIT_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_clv_fit_options_init(npscore_clv_fit_options *opts,
                                                        uint32_t version, npscore_error *err);

/** BG/NBD parameters: rates ~ Gamma(r, alpha), dropout ~ Beta(a, b). */
typedef struct npscore_clv_beta_geo_params {
  double r, alpha, a, b;
} npscore_clv_beta_geo_params;

/** Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, v). */
typedef struct npscore_clv_gamma_gamma_params {
  double p, q, v;
} npscore_clv_gamma_gamma_params;

/** Diagnostics of a fit. A fit that stops at max_iterations is returned with
 *  converged = 0: its estimate is usable but should be checked. */
typedef struct npscore_clv_fit_info {
  double log_likelihood; /**< Total (weighted) log-likelihood at the estimate. */
  double objective;      /**< Mean negative log-likelihood + penalty. */
  double gradient_norm;  /**< Max-norm of the objective's gradient (log-parameters). */
  int32_t iterations;    /**< Newton iterations taken. */
  int32_t converged;     /**< 1 if the gradient reached the tolerance, else 0. */
  int64_t customers;     /**< Rows used. */
} npscore_clv_fit_info;

/** Fits BG/NBD on n histories; weights NULL or customers per row (aggregated
 *  input); out_info may be NULL. Inconsistent histories (recency > T,
 *  recency 0 with frequency > 0, ...) are NPSCORE_EINVAL naming the row.
 *  Non-convergence: stopping at max_iterations succeeds with converged = 0
 *  in *out_info; a fit without an estimate (a parameter running off to 0 or
 *  infinity, a flat likelihood) is NPSCORE_EINVAL. */
NPSCORE_API npscore_status npscore_clv_fit_beta_geo(
    npscore_clv_beta_geo_params *out, npscore_clv_fit_info *out_info, const double *frequency,
    const double *recency, const double *T, const double *weights, size_t n,
    const npscore_clv_fit_options *opts, npscore_error *err);

/** Fits Gamma-Gamma on the rows with frequency > 0 (monetary_value > 0
 *  there, or as opts->nonpositive_spend says); otherwise as
 *  npscore_clv_fit_beta_geo(). */
NPSCORE_API npscore_status npscore_clv_fit_gamma_gamma(
    npscore_clv_gamma_gamma_params *out, npscore_clv_fit_info *out_info,
    const double *frequency, const double *monetary_value, const double *weights, size_t n,
    const npscore_clv_fit_options *opts, npscore_error *err);

/** P(alive | history) for n customers into out (capacity >= n). */
NPSCORE_API npscore_status npscore_clv_probability_alive(
    double *out, size_t out_capacity, const npscore_clv_beta_geo_params *params,
    const double *frequency, const double *recency, const double *T, size_t n,
    npscore_error *err);

/** Expected repeat purchases in the next t periods (t >= 0) into out
 *  (capacity >= n). */
NPSCORE_API npscore_status npscore_clv_expected_purchases(
    double *out, size_t out_capacity, const npscore_clv_beta_geo_params *params, double t,
    const double *frequency, const double *recency, const double *T, size_t n,
    npscore_error *err);

/** E[X(t)], the expected repeat purchases of a new customer in (0, t[i]],
 *  for n horizons t[i] (finite, >= 0) into out (capacity >= n): lifetimes'
 *  expected_number_of_purchases_up_to_time. */
NPSCORE_API npscore_status npscore_clv_unconditional_purchases(
    double *out, size_t out_capacity, const npscore_clv_beta_geo_params *params, const double *t,
    size_t n, npscore_error *err);

/** Largest purchase count of npscore_clv_purchase_probability(). */
#define NPSCORE_CLV_MAX_PURCHASE_COUNT 10000000

/** P(X(t[i]) = count[i]), the probability that a new customer makes exactly
 *  count[i] repeat purchases in (0, t[i]], for n pairs into out (capacity
 *  >= n); t[i] finite >= 0, count[i] whole in 0..NPSCORE_CLV_MAX_PURCHASE_COUNT:
 *  lifetimes' probability_of_n_purchases_up_to_time. */
NPSCORE_API npscore_status npscore_clv_purchase_probability(
    double *out, size_t out_capacity, const npscore_clv_beta_geo_params *params, const double *t,
    const double *count, size_t n, npscore_error *err);

/** The asymptotic covariance of BG/NBD parameters `params` fitted on these
 *  data with these options (as for npscore_clv_fit_beta_geo()): 16 values,
 *  row-major in the order r, alpha, a, b, into out (capacity >= 16); the
 *  inverse Hessian of the total penalized negative log-likelihood in the
 *  log-parameters mapped by the delta method. Standard errors are the
 *  square roots of its diagonal. A Hessian that is not positive definite is
 *  NPSCORE_EINVAL. */
NPSCORE_API npscore_status npscore_clv_beta_geo_covariance(
    double *out, size_t out_capacity, const npscore_clv_beta_geo_params *params,
    const double *frequency, const double *recency, const double *T, const double *weights,
    size_t n, const npscore_clv_fit_options *opts, npscore_error *err);

/** As npscore_clv_beta_geo_covariance() for Gamma-Gamma: 9 values in the
 *  order p, q, v (data and options as npscore_clv_fit_gamma_gamma()). */
NPSCORE_API npscore_status npscore_clv_gamma_gamma_covariance(
    double *out, size_t out_capacity, const npscore_clv_gamma_gamma_params *params,
    const double *frequency, const double *monetary_value, const double *weights, size_t n,
    const npscore_clv_fit_options *opts, npscore_error *err);

/** E[spend per transaction | history] into out (capacity >= n; needs q > 1). */
NPSCORE_API npscore_status npscore_clv_expected_profit(
    double *out, size_t out_capacity, const npscore_clv_gamma_gamma_params *params,
    const double *frequency, const double *monetary_value, size_t n, npscore_error *err);

/** Discounted CLV over `months` (1..NPSCORE_MAX_CLV_MONTHS) months into out
 *  (capacity >= n): sum over months i of E[purchases in month i] *
 *  E[profit] / (1 + discount_rate)^i, discount_rate finite and >= 0, with
 *  periods_per_month (finite, > 0) units of recency/T per month (weeks
 *  4.345, days 30). A month costs about 1-3 us per customer; without a
 *  discount the sum takes one step. */
NPSCORE_API npscore_status npscore_clv_lifetime_value(
    double *out, size_t out_capacity, const npscore_clv_beta_geo_params *bg,
    const npscore_clv_gamma_gamma_params *gg, const double *frequency, const double *recency,
    const double *T, const double *monetary_value, size_t n, int32_t months,
    double discount_rate, double periods_per_month, npscore_error *err);

/* (end of the clv section) */

/* --- Priority: whom to contact first ------------------------------- */

/** Options of the contact queue (npscore/priority.h). The recovery curve and
 *  the owners' capacities are arrays: parameters of
 *  npscore_priority_queue_new(). */
typedef struct npscore_priority_options {
  uint32_t version;          /**< NPSCORE_PRIORITY_OPTIONS_VERSION */
  double sla_hours;          /**< "recover" SLA (detractors, no segment): response deadline
                                  after the answer, in (0, 1e6] (24). */
  double passive_sla_hours;  /**< "make_it_a_10" SLA, in (0, 1e6] (72). */
  double promoter_sla_hours; /**< "advocacy" SLA, in (0, 1e6] (168). */
  double window_hours;       /**< A case older than this leaves the queue for the missed
                                  list: -1 for the curve's last anchor (168 h), (0, 1e6],
                                  or INFINITY (-1). */
  double urgency_hours;      /**< Priority = risk x [r(h) - r(h + this)], in (0, 1e6]
                                  (24: today rather than tomorrow). */
  int64_t top;               /**< Length of each play's block >= 1 (more than the rows:
                                  every row), or -1 for every customer (-1); 0 and other
                                  negative values are NPSCORE_EINVAL. */
  int32_t threads;           /**< 0: automatic; at most NPSCORE_MAX_THREADS (0). */
} npscore_priority_options;

#define NPSCORE_PRIORITY_OPTIONS_VERSION 1
/** The defaults: SLAs 24 h / 72 h / 7 days, the recovery curve's window,
 *  one day of urgency, every customer. */
#define NPSCORE_PRIORITY_OPTIONS_INIT \
  { NPSCORE_PRIORITY_OPTIONS_VERSION, 24.0, 72.0, 168.0, -1.0, 24.0, -1, 0 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_PRIORITY_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_priority_options_init(npscore_priority_options *opts,
                                                         uint32_t version, npscore_error *err);

/** Writes the chance to recover a customer `hours[i]` hours (>= 0) after the
 *  response into out[i], i < n (capacity out_capacity >= n), on the curve
 *  through the anchors (anchor_hours[j], anchor_probability[j]), j <
 *  n_anchors: the monotone cubic (PCHIP) interpolant in log(1 + hours), flat
 *  before the first and after the last anchor. NULL anchors with n_anchors 0
 *  select the defaults: 65% at 0 and 1 h, 40% at 24 h, 10% at 72 h, 5% from
 *  168 h on (docs/sources.md section 5). Anchors: hours finite, >= 0 and
 *  increasing, probabilities in [0, 1] and non-increasing. */
NPSCORE_API npscore_status npscore_priority_recoverability(double *out, size_t out_capacity,
                                                           const double *hours, size_t n,
                                                           const double *anchor_hours,
                                                           const double *anchor_probability,
                                                           size_t n_anchors, npscore_error *err);

/** A ranked contact queue from npscore_priority_queue_new(); opaque. */
typedef struct npscore_priority_queue npscore_priority_queue;

/** Ranks n customers into one queue per play: churn_risk[i] in [0, 1],
 *  clv[i] finite >= 0, segment[i] (-1/0/1 or NPSCORE_NO_SEGMENT; NULL:
 *  none), responded_at[i] (ns UTC, not NPSCORE_MISSING_TIME, not after
 *  `now`; NULL: no time discount and no window), contacted_at[i] (ns UTC;
 *  NPSCORE_MISSING_TIME for not contacted; a contact at or before `now` takes
 *  the case out of the queue, a later one counts as not yet made; not before
 *  responded_at[i]; NULL: none) and closed[i] (nonzero: closed, out of the
 *  queue and the missed list; NULL: none). The queue holds one block per play
 *  (recover, make_it_a_10, advocacy, no segment), each ranked by the value of
 *  acting now rather than urgency_hours later, churn_risk x clv x [r(h) -
 *  r(h + urgency_hours)] (promoters: by clv), and only live cases: open and
 *  answered less than window_hours ago; older open cases form the missed
 *  list. Ties break by revenue at risk (higher first), deadline (earlier
 *  first), then row. `top` limits each play's block.
 *  The recovery curve r: recovery_hours / recovery_probability, n_recovery
 *  anchors as in npscore_priority_recoverability() (NULL, NULL, 0: the
 *  default curve). capacities: n_owners owners' capacities (>= 0), or NULL
 *  and 0 for no assignment; with them, each entry in queue order goes to the
 *  owner with the most capacity left (first listed on ties) until all
 *  capacity is used. On success *out is a new queue to release with
 *  npscore_priority_queue_free(); NULL on error. */
NPSCORE_API npscore_status npscore_priority_queue_new(
    npscore_priority_queue **out, const double *churn_risk, const double *clv,
    const int8_t *segment, const int64_t *responded_at, const int64_t *contacted_at,
    const uint8_t *closed, size_t n, int64_t now, const double *recovery_hours,
    const double *recovery_probability, size_t n_recovery, const int64_t *capacities,
    size_t n_owners, const npscore_priority_options *opts, npscore_error *err);

/** The number of entries of a queue (0 for NULL). */
NPSCORE_API size_t npscore_priority_queue_size(const npscore_priority_queue *q);

/** One entry of the queue (npscore_priority_queue_get). */
typedef struct npscore_priority_case {
  int64_t row;                  /**< Input row. */
  int32_t segment;              /**< -1, 0, 1 or NPSCORE_NO_SEGMENT: the play. */
  double priority;              /**< The ranking value within the play. */
  double urgency;               /**< r(h) - r(h + urgency_hours); 1 without times; NaN for
                                     promoters. */
  double revenue_at_risk;       /**< churn_risk * clv */
  double recoverability;        /**< r(h); 1 without times; NaN for promoters. */
  double expected_recoverable;  /**< revenue_at_risk * recoverability. */
  double hours_since_response;  /**< NaN without response times. */
  int64_t deadline;             /**< responded_at + the play's SLA; NPSCORE_MISSING_TIME
                                     without times. */
  int32_t overdue;              /**< 1 if now > deadline (open, live, past its SLA). */
  int32_t owner;                /**< Index into capacities, or -1 for none. */
} npscore_priority_case;

/** Reads entry k (< npscore_priority_queue_size(); 0 = best) of a queue. */
NPSCORE_API npscore_status npscore_priority_queue_get(npscore_priority_case *out,
                                                      const npscore_priority_queue *q, size_t k,
                                                      npscore_error *err);

/** Totals of a queue over every input row. */
typedef struct npscore_priority_totals {
  int64_t n_rows;
  double revenue_at_risk; /**< Sum of churn_risk * clv over every row. */
} npscore_priority_totals;

/** Reads the totals of a queue. */
NPSCORE_API npscore_status npscore_priority_queue_totals(npscore_priority_totals *out,
                                                         const npscore_priority_queue *q,
                                                         npscore_error *err);

/** Counts of a queue over every input row, by play: index 0 recover, 1
 *  make_it_a_10, 2 advocacy, 3 no segment. */
typedef struct npscore_priority_summary {
  int64_t queued[4];              /**< Live, open cases (before `top`). */
  int64_t contacted[4];           /**< Contacted by now. */
  int64_t closed[4];              /**< Closed. */
  int64_t missed[4];              /**< Open, answered at least window_hours ago. */
  int64_t detractors_due;         /**< Detractors past their deadline or contacted. */
  int64_t detractors_within_sla;  /**< ... of whom contacted within the SLA. */
  double window_hours;            /**< The window applied (INFINITY for none). */
} npscore_priority_summary;

/** Reads the summary of a queue. */
NPSCORE_API npscore_status npscore_priority_queue_summary(npscore_priority_summary *out,
                                                          const npscore_priority_queue *q,
                                                          npscore_error *err);

/** Frees a queue; accepts NULL. */
NPSCORE_API void npscore_priority_queue_free(npscore_priority_queue *q);

/** One case of the missed list (account review). */
typedef struct npscore_priority_missed {
  int64_t row;              /**< Input row. */
  int32_t segment;          /**< -1, 0, 1 or NPSCORE_NO_SEGMENT. */
  double revenue_at_risk;   /**< churn_risk * clv; the list is sorted by it, highest first. */
} npscore_priority_missed;

/** The number of cases on the missed list of a queue (0 for NULL). */
NPSCORE_API size_t npscore_priority_missed_size(const npscore_priority_queue *q);

/** Reads case k (< npscore_priority_missed_size()) of the missed list. */
NPSCORE_API npscore_status npscore_priority_missed_get(npscore_priority_missed *out,
                                                       const npscore_priority_queue *q, size_t k,
                                                       npscore_error *err);

/** The recommended play of a segment code into *out (static): "recover"
 *  (-1), "make_it_a_10" (0), "advocacy" (1), "" for NPSCORE_NO_SEGMENT;
 *  any other code is NPSCORE_EINVAL. */
NPSCORE_API npscore_status npscore_priority_play_name(const char **out, int32_t segment,
                                                      npscore_error *err);

/** The play's one-sentence script into *out (static); codes as
 *  npscore_priority_play_name(). */
NPSCORE_API npscore_status npscore_priority_play_script(const char **out, int32_t segment,
                                                        npscore_error *err);

/** Revenue at risk of one group (npscore_priority_revenue_at_risk()). */
typedef struct npscore_priority_risk_group {
  int64_t customers;        /**< Rows of the group. */
  double clv;               /**< Sum of CLV. */
  double revenue_at_risk;   /**< Sum of churn_risk * clv. */
  double share_of_risk;     /**< revenue_at_risk / the total over every group (NaN if 0). */
  double risk_rate;         /**< revenue_at_risk / clv: CLV-weighted churn risk (NaN if clv 0). */
  double mean_churn_risk;   /**< NaN for an empty group. */
  double expected_churners; /**< Sum of churn_risk. */
} npscore_priority_risk_group;

/** Sums revenue at risk (churn_risk * clv) by group over n rows: churn_risk[i]
 *  in [0, 1], clv[i] finite >= 0 (errors name the row), codes[i] in
 *  [0, n_groups) or -1 (leave the row out); codes NULL: one group of every row
 *  (n_groups is then ignored). Writes group g to out[g] (out_capacity >= the
 *  number of groups, else NPSCORE_ERANGE) and the totals over every group to
 *  *out_total_clv and *out_total_revenue_at_risk. n_groups is at most
 *  NPSCORE_MAX_RISK_GROUPS. */
NPSCORE_API npscore_status npscore_priority_revenue_at_risk(
    npscore_priority_risk_group *out, size_t out_capacity, double *out_total_clv,
    double *out_total_revenue_at_risk, const double *churn_risk, const double *clv, size_t n,
    const int32_t *codes, size_t n_groups, npscore_error *err);

/** Largest n_groups of npscore_priority_revenue_at_risk(): 2^26. */
#define NPSCORE_MAX_RISK_GROUPS 67108864

/** Counts of npscore_priority_latest_responses(): every input row is in
 *  exactly one of latest, superseded, left_out and skipped_missing_times. */
typedef struct npscore_priority_latest_counts {
  int64_t latest;                /**< (customer, group) pairs: the rows written. */
  int64_t superseded;            /**< Responses with a later one of their customer and group. */
  int64_t left_out;              /**< Rows with group code -1. */
  int64_t skipped_missing_times; /**< Rows with a missing time (NPSCORE_MISSING_SKIP). */
} npscore_priority_latest_counts;

/** Finds the latest response of each customer within each group: writes the
 *  row of the latest time among the rows with the same customers[i] (any
 *  int64 id) and groups[i] into out[0..*out_count), ascending, and the counts
 *  into *out_counts (may be NULL). groups (NULL: one group of every row)
 *  holds codes >= 0 (any values, e.g. period * n_slices + slice) or -1 to
 *  leave the row out, unread. times are ns UTC; a missing time
 *  (NPSCORE_MISSING_TIME) is an error naming the row unless `missing` (an
 *  npscore_nps_missing) is NPSCORE_MISSING_SKIP, which counts it. The tie
 *  rule of npscore: responses at the same instant are ordered by row, so of
 *  two answers of one customer in one group with the same time stamp the
 *  later row is the latest (the order of a stable sort by time; order the
 *  rows to decide otherwise). out_capacity n
 *  always suffices; a smaller one than the rows found is NPSCORE_ERANGE with
 *  *out_count set to the rows needed (out may be NULL with capacity 0, to
 *  ask the size). */
NPSCORE_API npscore_status npscore_priority_latest_responses(
    int64_t *out, size_t out_capacity, size_t *out_count,
    npscore_priority_latest_counts *out_counts, const int64_t *customers, const int64_t *times,
    const int64_t *groups, size_t n, int32_t missing, npscore_error *err);

/* (end of the priority section) */

/* --- Themes: which problems to fix first --------------------------- */

/** A compiled theme taxonomy from npscore_themes_tagger_new(); opaque. Safe
 *  to use from several threads. */
typedef struct npscore_themes_tagger npscore_themes_tagger;

/** One theme of a taxonomy: its name and n_keywords keywords (words or
 *  phrases), all NUL-terminated UTF-8 (an input, read during the call). */
typedef struct npscore_themes_theme {
  const char *name;
  const char *const *keywords;
  size_t n_keywords;
} npscore_themes_theme;

/** What to do with invalid UTF-8 in a comment (an int32_t `invalid`). */
typedef enum npscore_themes_invalid_utf8 {
  NPSCORE_INVALID_UTF8_ERROR = 0,  /**< NPSCORE_EINVAL naming the comment. */
  NPSCORE_INVALID_UTF8_REPLACE = 1 /**< Each invalid byte separates words. */
} npscore_themes_invalid_utf8;

/** Themes of a taxonomy (npscore_themes_tagger_new) and of
 *  npscore_themes_impact() (n_themes). */
#define NPSCORE_MAX_THEMES 1024

/** Compiles a taxonomy of n_themes (1..NPSCORE_MAX_THEMES) themes (n_themes
 *  0 and themes NULL: the default taxonomy of bug, pricing, billing,
 *  usability, support, onboarding, performance, reporting,
 *  feature_request): unique non-empty names, at least one keyword each.
 *  Matching rules: npscore/themes.h. On success *out is a new tagger to
 *  release with npscore_themes_tagger_free(); NULL on error. */
NPSCORE_API npscore_status npscore_themes_tagger_new(npscore_themes_tagger **out,
                                                     const npscore_themes_theme *themes,
                                                     size_t n_themes, npscore_error *err);

/** The number of themes of a tagger (0 for NULL). */
NPSCORE_API size_t npscore_themes_tagger_size(const npscore_themes_tagger *tagger);

/** The name of theme j (< npscore_themes_tagger_size()) into *out, owned by
 *  the tagger. */
NPSCORE_API npscore_status npscore_themes_tagger_name(const char **out,
                                                      const npscore_themes_tagger *tagger,
                                                      size_t j, npscore_error *err);

/** Folds `length` bytes of `text` as the tagger reads comments: lower-case
 *  ASCII words separated by single spaces ("Löve the UI!!" -> "love the
 *  ui"), for checking keywords. Writes the result, NUL-terminated, into out
 *  (capacity out_capacity bytes) and its length (without the NUL) into
 *  *out_length, which is also set when out is too small (NPSCORE_ERANGE)
 *  or NULL (NPSCORE_ENULL), so a caller can ask for the size first.
 *  `invalid` is an npscore_themes_invalid_utf8: an error naming the byte,
 *  or each invalid byte separating words. */
NPSCORE_API npscore_status npscore_themes_normalize_text(char *out, size_t out_capacity,
                                                         size_t *out_length, const char *text,
                                                         size_t length, int32_t invalid,
                                                         npscore_error *err);

/** Tags n comments: comment i is texts[i] of lengths[i] bytes (lengths NULL:
 *  NUL-terminated; texts[i] NULL: missing, no theme). Writes n x
 *  npscore_themes_tagger_size() indicators, row-major, into out (capacity
 *  out_capacity >= that product): out[i * n_themes + j] = 1 if comment i
 *  mentions theme j, else 0. `invalid` is an npscore_themes_invalid_utf8;
 *  `threads` 0 is automatic, at most NPSCORE_MAX_THREADS. */
NPSCORE_API npscore_status npscore_themes_tagger_tag(uint8_t *out, size_t out_capacity,
                                                     const npscore_themes_tagger *tagger,
                                                     const char *const *texts,
                                                     const size_t *lengths, size_t n,
                                                     int32_t invalid, int32_t threads,
                                                     npscore_error *err);

/** Frees a tagger; accepts NULL. */
NPSCORE_API void npscore_themes_tagger_free(npscore_themes_tagger *tagger);

/** Which average CLV multiplies a segment's mentions (an int32_t `basis`). */
typedef enum npscore_themes_impact_clv {
  NPSCORE_IMPACT_CLV_SEGMENT = 0,   /**< The segment's average over every row. */
  NPSCORE_IMPACT_CLV_MENTIONERS = 1 /**< The average over the segment's mentioners. */
} npscore_themes_impact_clv;

/** One theme's impact. Per-segment arrays: [0] detractors, [1] passives,
 *  [2] promoters. */
typedef struct npscore_themes_impact_row {
  int64_t theme;               /**< Theme column index. */
  int64_t mentions;
  int64_t segment_mentions[3];
  double segment_clv[3];       /**< The average CLV used (NaN if none). */
  double segment_impact[3];    /**< mentions x average CLV */
  double impact;               /**< The Feature Impact Score: their sum. */
  double mentioner_clv;        /**< Total CLV of the mentioners. */
  double nps, ci_low, ci_high; /**< Of the mentioners (adjusted Wald, 95%); NaN if none. */
  int32_t driver;              /**< Segment (-1/0/1) with the largest impact, or
                                    NPSCORE_NO_SEGMENT without mentions. */
} npscore_themes_impact_row;

/** Computes the Feature Impact Score (docs/sources.md section 6) of n_themes
 *  (1..NPSCORE_MAX_THEMES) themes from indicators (n rows x n_themes,
 *  row-major, 0/1), segment codes (-1/0/1) and CLV (finite, >= 0) of n rows,
 *  with `basis` an npscore_themes_impact_clv. Writes n_themes rows into out
 *  (capacity out_capacity >= n_themes), ranked by impact (ties: more
 *  mentions, then column order). */
NPSCORE_API npscore_status npscore_themes_impact(npscore_themes_impact_row *out,
                                                 size_t out_capacity, const uint8_t *indicators,
                                                 size_t n_themes, const int8_t *segment,
                                                 const double *clv, size_t n, int32_t basis,
                                                 npscore_error *err);

/* (end of the themes section) */

/* --- Survey: whom to invite, and how many answers are enough -------------------
 *
 * Survey planning (npscore/survey.h, docs/survey.md). Customers fall into
 * rotating cohorts by a stable hash of their id: FNV-1a 64 over the id's UTF-8
 * bytes (an integer id: its decimal text, so 42 and "42" agree), then the
 * SplitMix64 finaliser; the cohort is hash mod cohorts, and the cohort of a
 * month is its index (months since 1970-01 in the time zone) mod cohorts.
 * Times are ns UTC; NPSCORE_MISSING_TIME is "never". */

/** Why a customer is (not) invited: the first rule that applies, in this
 *  order after INVITED. */
typedef enum npscore_survey_reason {
  NPSCORE_SURVEY_INVITED = 0,         /**< Every rule passed: invite. */
  NPSCORE_SURVEY_CHURNED = 1,         /**< The customer has churned. */
  NPSCORE_SURVEY_OPEN_CASE = 2,       /**< A case is open. */
  NPSCORE_SURVEY_TOO_RECENT = 3,      /**< Surveyed less than min_days_between days ago. */
  NPSCORE_SURVEY_NOT_THIS_COHORT = 4  /**< Another cohort's month. */
} npscore_survey_reason;

/** Largest `cohorts`: 1000. */
#define NPSCORE_MAX_SURVEY_COHORTS 1000
/** Largest planned number of responses or invitations: 2^40. */
#define NPSCORE_MAX_PLANNED_COUNT ((int64_t)1 << 40)

/** Options of npscore_survey_invitations(). The time zone is a parameter. */
typedef struct npscore_survey_invitation_options {
  uint32_t version;        /**< NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION */
  double min_days_between; /**< Days of 24 h between two surveys of a customer, in
                                [0, 36600] (90: at most four surveys a year). */
  int32_t cohorts;         /**< Rotating cohorts, 1..NPSCORE_MAX_SURVEY_COHORTS (4: a
                                different 25% each month). */
} npscore_survey_invitation_options;

#define NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION 1
/** The defaults: 90 days between surveys, 4 cohorts. */
#define NPSCORE_SURVEY_INVITATION_OPTIONS_INIT \
  { NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION, 90.0, 4 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_survey_invitation_options_init(
    npscore_survey_invitation_options *opts, uint32_t version, npscore_error *err);

/** Counts of npscore_survey_invitations(), by reason, and the period. */
typedef struct npscore_survey_invitation_counts {
  int64_t invited;
  int64_t churned;
  int64_t open_case;
  int64_t too_recent;
  int64_t not_this_cohort;
  int64_t month;         /**< as_of's month: months since 1970-01 in the time zone. */
  int32_t period_cohort; /**< The cohort invited this month: month mod cohorts. */
} npscore_survey_invitation_counts;

/** Decides whom to invite as of `as_of` (ns UTC) among n customers given by
 *  either integer ids (`ids`) or NUL-terminated UTF-8 string ids
 *  (`string_ids`, none NULL or empty), the other NULL; ids are unique (a
 *  repeated id is NPSCORE_EINVAL naming both rows). last_surveyed[i] is the
 *  customer's last survey (ns UTC, not after as_of; NPSCORE_MISSING_TIME:
 *  never), churned[i] and open_case[i] nonzero when true; each may be NULL
 *  (never surveyed, none churned, no case open). A customer is invited iff
 *  not churned, no case open, not surveyed within opts->min_days_between
 *  days (as_of - last < that many days of 24 h), and in this month's cohort
 *  (see the section's introduction); out_reason[i] (reason_capacity >= n)
 *  receives the first npscore_survey_reason that applies, out_cohort[i]
 *  (cohort_capacity >= n; NULL and 0 to skip) the customer's cohort,
 *  *out_counts (may be NULL) the counts. `time_zone` names the zone of the
 *  months (IANA name; NULL is "UTC"). */
NPSCORE_API npscore_status npscore_survey_invitations(
    int32_t *out_reason, size_t reason_capacity, int32_t *out_cohort, size_t cohort_capacity,
    npscore_survey_invitation_counts *out_counts, const int64_t *ids,
    const char *const *string_ids, const int64_t *last_surveyed, const uint8_t *churned,
    const uint8_t *open_case, size_t n, int64_t as_of, const char *time_zone,
    const npscore_survey_invitation_options *opts, npscore_error *err);

/** Writes the cohort (0..cohorts-1) of each of n ids into out[i]
 *  (out_capacity >= n), and its 64-bit hash into out_hash[i] (hash_capacity
 *  >= n; NULL and 0 to skip). Ids as in npscore_survey_invitations(): either
 *  `ids` or `string_ids`, the other NULL. cohorts in
 *  1..NPSCORE_MAX_SURVEY_COHORTS. */
NPSCORE_API npscore_status npscore_survey_cohorts(int32_t *out, size_t out_capacity,
                                                  uint64_t *out_hash, size_t hash_capacity,
                                                  const int64_t *ids,
                                                  const char *const *string_ids, size_t n,
                                                  int32_t cohorts, npscore_error *err);

/** The smallest number of responses *out whose interval (method an
 *  npscore_nps_interval_method, two-sided level confidence in (0, 1)),
 *  computed from the expected counts n x shares, lies within +-margin NPS
 *  points (0 < margin <= 200) of the expected NPS; *out_half_width (may be
 *  NULL) receives that interval's half-width, max(nps - low, high - nps) <=
 *  margin. Shares each in [0, 1], adding up to 1 (within 1e-9). Wald: n =
 *  ceil(z^2 V 10^4 / margin^2), V = p + d - (p - d)^2. More than
 *  NPSCORE_MAX_PLANNED_COUNT responses is NPSCORE_EINVAL. */
NPSCORE_API npscore_status npscore_survey_responses_needed(
    int64_t *out, double *out_half_width, double share_detractors, double share_passives,
    double share_promoters, double margin, int32_t method, double confidence,
    npscore_error *err);

/** The smallest NPS change *out (points) between two periods of n1 and n2
 *  responses (1..NPSCORE_MAX_PLANNED_COUNT) that a two-sided Wald test at
 *  level alpha detects with probability `power` (both in (0, 1)), by the
 *  normal approximation (z_{1-alpha/2} + z_power) x 100 x sqrt(V/n1 + V/n2),
 *  V = p + d - (p - d)^2 from the expected shares (as in
 *  npscore_survey_responses_needed()). */
NPSCORE_API npscore_status npscore_survey_detectable_change(
    double *out, double share_detractors, double share_passives, double share_promoters,
    int64_t n1, int64_t n2, double alpha, double power, npscore_error *err);

/** The smallest number of invitations *out such that P(Binomial(*out,
 *  response_rate) >= responses) >= assurance, from the exact binomial
 *  distribution: responses in 0..NPSCORE_MAX_PLANNED_COUNT, response_rate in
 *  (0, 1], assurance in (0, 1) (0.5: the median response count reaches the
 *  target). */
NPSCORE_API npscore_status npscore_survey_invitations_needed(int64_t *out, int64_t responses,
                                                             double response_rate,
                                                             double assurance,
                                                             npscore_error *err);

/* (end of the survey section) */

/* --- Loop: how fast cases are answered, and what answering achieved ----------
 *
 * Closing the loop (npscore/loop.h, docs/loop.md). A case log has one row per
 * case: opened_at (ns UTC, never NPSCORE_MISSING_TIME), first_contact_at
 * (NPSCORE_MISSING_TIME: never; not before opened_at), closed_at
 * (NPSCORE_MISSING_TIME: open; not before opened_at) and, for learning, the
 * outcome recovered[i] (1 recovered, 0 not, NaN missing). */

/** Largest number of groups of npscore_loop_metrics(): 2^20. */
#define NPSCORE_MAX_LOOP_GROUPS ((int32_t)1 << 20)
/** Largest SLA in hours: 1e6. */
#define NPSCORE_MAX_LOOP_HOURS 1e6
/** Largest number of bin edges of npscore_loop_recovery_curve(): 100000. */
#define NPSCORE_MAX_RECOVERY_BIN_EDGES 100000
/** Bins of the default edges (1, 2, 4, 8, 16, 24, 36, 48, 72, 96, 120 and
 *  168 h): 13, the capacity that always suffices for them. */
#define NPSCORE_LOOP_DEFAULT_BINS 13

/** Options of npscore_loop_metrics(). */
typedef struct npscore_loop_metrics_options {
  uint32_t version;  /**< NPSCORE_LOOP_METRICS_OPTIONS_VERSION */
  double sla_hours;  /**< Deadline of a first contact after opening, in (0, 1e6] h (24). */
  double confidence; /**< Of the Wilson intervals, in (0, 1) (0.95). */
} npscore_loop_metrics_options;

#define NPSCORE_LOOP_METRICS_OPTIONS_VERSION 1
/** The defaults: SLA 24 h, 95% intervals. */
#define NPSCORE_LOOP_METRICS_OPTIONS_INIT \
  { NPSCORE_LOOP_METRICS_OPTIONS_VERSION, 24.0, 0.95 }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_LOOP_METRICS_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_loop_metrics_options_init(npscore_loop_metrics_options *opts,
                                                             uint32_t version,
                                                             npscore_error *err);

/** The loop metrics of one group of cases (or of all) as of a time. */
typedef struct npscore_loop_group_metrics {
  int64_t cases;           /**< Opened by as_of. */
  int64_t contacted;       /**< First contact by as_of. */
  int64_t never_contacted; /**< Closed by as_of without a contact. */
  int64_t backlog;         /**< Open at as_of and not contacted (pending). */
  double median_hours_to_contact; /**< Kaplan-Meier lower median over every case: never
                                       = +inf, pending censored at its age; +inf if
                                       never reached, NaN for no cases. */
  double p90_hours_to_contact;    /**< The same at 0.9. */
  int64_t sla_due;     /**< Contacted by as_of, or past the deadline at as_of. */
  int64_t sla_met;     /**< Contacted at or before the deadline. */
  double sla_share;    /**< sla_met / sla_due (NaN when none is due). */
  double sla_ci_low;   /**< Wilson interval of sla_share. */
  double sla_ci_high;
  double backlog_median_age_hours; /**< Lower median of as_of - opened_at (NaN: none). */
  double backlog_max_age_hours;
} npscore_loop_group_metrics;

/** Counts of npscore_loop_metrics() outside the groups. */
typedef struct npscore_loop_metrics_counts {
  int64_t opened_after_as_of; /**< Cases left out: opened after as_of. */
  int64_t left_out;           /**< Cases left out: group code -1. */
} npscore_loop_metrics_counts;

/** The loop metrics of n cases as of `as_of` (ns UTC): out[g] for group code
 *  g (out_capacity >= n_groups; NULL and 0 without groups), *out_all
 *  (required) over every case not left out, *out_counts (may be NULL) the
 *  cases left out. first_contact_at and closed_at may be NULL (no contact,
 *  none closed); group[i] in 0..n_groups-1 or -1 (left out), NULL with
 *  n_groups 0 for none; sla_hours[i] a per-case SLA in (0, 1e6] (NULL:
 *  opts->sla_hours). Cases opened after as_of are left out; a contact or a
 *  closure after as_of counts as not yet made. A case closed without a
 *  contact is missed once its deadline passes. opts NULL: the defaults. */
NPSCORE_API npscore_status npscore_loop_metrics(
    npscore_loop_group_metrics *out, size_t out_capacity, npscore_loop_group_metrics *out_all,
    npscore_loop_metrics_counts *out_counts, const int64_t *opened_at,
    const int64_t *first_contact_at, const int64_t *closed_at, const int32_t *group,
    int32_t n_groups, const double *sla_hours, size_t n, int64_t as_of,
    const npscore_loop_metrics_options *opts, npscore_error *err);

/** Options of npscore_loop_recovery_curve(). The bin edges are parameters. */
typedef struct npscore_loop_recovery_options {
  uint32_t version;      /**< NPSCORE_LOOP_RECOVERY_OPTIONS_VERSION */
  int64_t min_bin_cases; /**< A bin with fewer cases joins the next (the last the one
                              before), >= 1 (30). */
  double confidence;     /**< Of the Wilson intervals, in (0, 1) (0.95). */
  int32_t missing;       /**< An npscore_nps_missing: a NaN outcome is an error
                              (NPSCORE_MISSING_ERROR) or left out and counted. */
} npscore_loop_recovery_options;

#define NPSCORE_LOOP_RECOVERY_OPTIONS_VERSION 1
/** The defaults: bins of at least 30 cases, 95% intervals, missing outcomes
 *  are errors. */
#define NPSCORE_LOOP_RECOVERY_OPTIONS_INIT \
  { NPSCORE_LOOP_RECOVERY_OPTIONS_VERSION, 30, 0.95, NPSCORE_MISSING_ERROR }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_LOOP_RECOVERY_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_loop_recovery_options_init(
    npscore_loop_recovery_options *opts, uint32_t version, npscore_error *err);

/** One bin of the learned recovery curve: its anchor (hours, probability)
 *  goes to npscore_priority_queue_new()'s recovery_hours and
 *  recovery_probability. */
typedef struct npscore_loop_recovery_bin {
  double lower_hours;  /**< The bin [lower_hours, upper_hours) of hours to contact. */
  double upper_hours;  /**< +inf for the last bin. */
  double hours;        /**< Anchor: expm1 of the mean log1p(hours) of its cases. */
  int64_t cases;
  int64_t recovered;
  double rate;         /**< recovered / cases. */
  double probability;  /**< Non-increasing fit (pool-adjacent-violators, weights: cases). */
  double ci_low;       /**< Wilson interval of the bin's own share, widened to hold
                            `probability`. */
  double ci_high;
  int32_t block;       /**< Pooled block, 0, 1, ... in hour order. */
  double default_probability; /**< The default recovery curve at `hours`. */
} npscore_loop_recovery_bin;

/** Totals of npscore_loop_recovery_curve(). */
typedef struct npscore_loop_recovery_summary {
  int64_t contacted;       /**< Cases fitted. */
  int64_t skipped;         /**< Missing outcomes left out (NPSCORE_MISSING_SKIP). */
  int32_t blocks;          /**< Pooled blocks. */
  int64_t never_contacted; /**< Cases without a first contact, apart from the fit. */
  int64_t never_recovered;
  double never_rate;       /**< never_recovered / never_contacted (NaN: none). */
  double never_ci_low;     /**< Its Wilson interval. */
  double never_ci_high;
} npscore_loop_recovery_summary;

/** Learns the recovery probability against hours to first contact from n
 *  cases: opened_at, first_contact_at and recovered required (recovered[i]
 *  1 or 0; NaN per opts->missing). Hours to contact are binned by the
 *  n_edges inner edges (finite, > 0, strictly increasing, at most
 *  NPSCORE_MAX_RECOVERY_BIN_EDGES; NULL and 0: the default edges), bins
 *  with fewer than opts->min_bin_cases cases merged, and the bins' shares
 *  fitted non-increasing by weighted pool-adjacent-violators, with a pointwise
 *  interval per bin. Writes the *out_count non-empty bins to out
 *  (out_capacity >= n_edges + 1 always suffices, NPSCORE_LOOP_DEFAULT_BINS
 *  with the default edges; on NPSCORE_ERANGE *out_count is the size needed)
 *  and *out_summary (may be NULL). At least one contacted case with an
 *  outcome is needed. */
NPSCORE_API npscore_status npscore_loop_recovery_curve(
    npscore_loop_recovery_bin *out, size_t out_capacity, size_t *out_count,
    npscore_loop_recovery_summary *out_summary, const int64_t *opened_at,
    const int64_t *first_contact_at, const double *recovered, size_t n, const double *edges,
    size_t n_edges, const npscore_loop_recovery_options *opts, npscore_error *err);

/** Rows of npscore_loop_conversion() per group, and over all: cases opened
 *  by a detractor, by a passive, and both (an npscore_loop_conversion_from). */
#define NPSCORE_LOOP_CONVERSION_ROWS 3

/** The kind of case of a conversion row. */
typedef enum npscore_loop_conversion_from {
  NPSCORE_CONVERSION_DETRACTOR = 0, /**< Cases opened by a detractor. */
  NPSCORE_CONVERSION_PASSIVE = 1,   /**< Cases opened by a passive. */
  NPSCORE_CONVERSION_BOTH = 2       /**< Detractors and passives together. */
} npscore_loop_conversion_from;

/** One arm (contacted or not) of a conversion row. */
typedef struct npscore_loop_conversion_arm {
  int64_t cases;
  int64_t no_next_answer; /**< next_score NaN: counted, not in the share. */
  int64_t answered;       /**< cases - no_next_answer. */
  int64_t converted;      /**< Next answer in a higher segment. */
  double share;           /**< converted / answered (NaN: none answered). */
  double ci_low;          /**< Its Wilson interval. */
  double ci_high;
} npscore_loop_conversion_arm;

/** Conversion of one kind of case, contacted vs not. */
typedef struct npscore_loop_conversion_row {
  int32_t from; /**< An npscore_loop_conversion_from. */
  npscore_loop_conversion_arm contacted;     /**< A first contact recorded. */
  npscore_loop_conversion_arm not_contacted; /**< first_contact_at NPSCORE_MISSING_TIME. */
  double difference; /**< contacted.share - not_contacted.share (NaN: an arm without answers). */
  double ci_low;     /**< Newcombe's hybrid score interval (1998, method 10). */
  double ci_high;
  double p_value;    /**< Two-sided, equal shares: pooled z-test (exact mid-p below 10 answers). */
} npscore_loop_conversion_row;

/** Counts of npscore_loop_conversion() outside the rows. */
typedef struct npscore_loop_conversion_counts {
  int64_t promoters; /**< Cases opened by a promoter: no higher segment, left out. */
  int64_t skipped;   /**< Missing scores left out (NPSCORE_MISSING_SKIP). */
  int64_t left_out;  /**< Cases with group code -1. */
} npscore_loop_conversion_counts;

/** The share of detractors and passives who move up a segment at their next
 *  answer, contacted (first_contact_at recorded) vs not, for n cases:
 *  out[NPSCORE_LOOP_CONVERSION_ROWS * g + k] for group g and kind k
 *  (out_capacity >= 3 * n_groups; NULL and 0 without groups), out_all[k]
 *  (required, 3 rows) over every case not left out, *out_counts (may be
 *  NULL). score and next_score are whole numbers on the scale of nps_opts;
 *  a NaN score is an error or skipped (nps_opts->missing); a NaN next_score
 *  is no later answer, counted in no_next_answer. first_contact_at may be
 *  NULL (none contacted); group and n_groups as npscore_loop_metrics().
 *  nps_opts (NULL: the defaults) gives the cut-offs, missing and the
 *  confidence of every interval. */
NPSCORE_API npscore_status npscore_loop_conversion(
    npscore_loop_conversion_row *out, size_t out_capacity, npscore_loop_conversion_row *out_all,
    npscore_loop_conversion_counts *out_counts, const int64_t *opened_at,
    const int64_t *first_contact_at, const double *score, const double *next_score,
    const int32_t *group, int32_t n_groups, size_t n, const npscore_nps_options *nps_opts,
    npscore_error *err);

/** Largest number of risk bands of npscore_loop_program_roi(): 1000. */
#define NPSCORE_MAX_ROI_BANDS 1000
/** What every result of npscore_loop_program_roi() is (also the field
 *  `observational`): the words a report prints beside it. */
#define NPSCORE_LOOP_ROI_NOTE                                                                 \
  "observational estimate: cases contacted on time were not chosen at random, so the "       \
  "comparison within risk bands removes the confounding the churn risk explains, not all of " \
  "it"

/** Options of npscore_loop_program_roi(). */
typedef struct npscore_loop_roi_options {
  uint32_t version;  /**< NPSCORE_LOOP_ROI_OPTIONS_VERSION */
  double sla_hours;  /**< Deadline of a first contact when no per-case SLA, in (0, 1e6] h (24). */
  int32_t bands;     /**< Quantile bands of churn_risk, 1..NPSCORE_MAX_ROI_BANDS (5). */
  double confidence; /**< Of every interval, in (0, 1) (0.95). */
  int32_t missing;   /**< An npscore_nps_missing: a NaN score, churned, churn_risk or clv is
                          an error (NPSCORE_MISSING_ERROR) or the case is left out and counted. */
} npscore_loop_roi_options;

#define NPSCORE_LOOP_ROI_OPTIONS_VERSION 1
/** The defaults: SLA 24 h, 5 bands, 95% intervals, missing values are errors. */
#define NPSCORE_LOOP_ROI_OPTIONS_INIT \
  { NPSCORE_LOOP_ROI_OPTIONS_VERSION, 24.0, 5, 0.95, NPSCORE_MISSING_ERROR }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_LOOP_ROI_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_loop_roi_options_init(npscore_loop_roi_options *opts,
                                                         uint32_t version, npscore_error *err);

/** One band of predicted churn risk: on-time cases (first contact at or
 *  before opened_at + SLA) against late-or-never cases. */
typedef struct npscore_loop_roi_band {
  double risk_low;  /**< Smallest churn_risk of its cases. */
  double risk_high; /**< Largest. */
  double mean_risk;
  int64_t on_time;
  int64_t on_time_churned;
  double on_time_rate;
  int64_t late;     /**< Contacted after the SLA, or never. */
  int64_t never;    /**< Of which never contacted. */
  int64_t late_churned;
  double late_rate;
  double difference; /**< late_rate - on_time_rate. */
  double ci_low;     /**< Newcombe's hybrid score interval. */
  double ci_high;
  double p_value;    /**< Two-sided, equal rates (as npscore_loop_conversion_row). */
  double on_time_clv;      /**< CLV of the band's on-time cases. */
  double revenue_retained; /**< difference x on_time_clv. */
  double revenue_ci_low;   /**< The difference's interval x on_time_clv. */
  double revenue_ci_high;
} npscore_loop_roi_band;

/** Totals of npscore_loop_program_roi(). */
typedef struct npscore_loop_roi_total {
  int64_t cases;    /**< Compared: on_time + late. */
  int64_t on_time;
  int64_t late;     /**< Late or never. */
  int64_t never;
  int64_t excluded; /**< Not detractors (only with scores). */
  int64_t skipped;  /**< Left out for a missing value (NPSCORE_MISSING_SKIP). */
  int32_t bands;    /**< Bands after merging. */
  double on_time_rate;     /**< Naive (pooled) churn rates, ignoring the risk. */
  double late_rate;
  double naive_difference; /**< late_rate - on_time_rate: biased when riskier cases wait longer. */
  double naive_ci_low;     /**< Newcombe's interval. */
  double naive_ci_high;
  double difference; /**< Mantel-Haenszel risk difference over the bands. */
  double se;         /**< From the bands' Agresti-Caffo variances. */
  double ci_low;     /**< Wald interval. */
  double ci_high;
  double p_value;
  double on_time_clv;
  double revenue_retained; /**< Sum over bands of difference x on-time CLV. */
  double revenue_se;       /**< Delta method: sqrt(sum CLV_b^2 var_b). */
  double revenue_ci_low;
  double revenue_ci_high;
  int32_t observational; /**< Always 1: NPSCORE_LOOP_ROI_NOTE. */
} npscore_loop_roi_total;

/** Churn of n cases contacted within the SLA vs late or never, compared
 *  within quantile bands of predicted churn risk, and revenue retained.
 *  opened_at, churned (1 / 0), churn_risk (in [0, 1]) and clv (finite,
 *  >= 0) required; first_contact_at (NULL: none contacted), sla_hours (a
 *  per-case SLA in (0, 1e6]; NULL: opts->sla_hours) and score (NULL: every
 *  case; else only detractors by nps_opts' cut-offs, the others counted as
 *  excluded) optional. Band edges are the lower quantiles k / bands of the
 *  risks (a case at an edge is in the lower band); empty bands are dropped
 *  and a band without an on-time or a late case joins the next (the last the
 *  one before). Writes the *out_count bands to out (out_capacity >=
 *  opts->bands always suffices; on NPSCORE_ERANGE *out_count is the size
 *  needed) and *out_total (required). At least one on-time and one late
 *  case are needed. opts, nps_opts NULL: the defaults (only nps_opts'
 *  cut-offs are read). An observational estimate: NPSCORE_LOOP_ROI_NOTE. */
NPSCORE_API npscore_status npscore_loop_program_roi(
    npscore_loop_roi_band *out, size_t out_capacity, size_t *out_count,
    npscore_loop_roi_total *out_total, const int64_t *opened_at, const int64_t *first_contact_at,
    const double *sla_hours, const double *score, const double *churned,
    const double *churn_risk, const double *clv, size_t n, const npscore_loop_roi_options *opts,
    const npscore_nps_options *nps_opts, npscore_error *err);

/* (end of the loop section) */

/* --- Monitor: a live monitor of responses as they arrive ----------------------
 *
 * npscore/monitor.h, docs/monitor.md. An npscore_monitor ingests responses one
 * at a time or in columns and raises alerts: case_opened (a new detractor, and
 * by option a passive or a promoter, with its owner, deadline, play and
 * priority as npscore_priority_queue_new() computes it at the response time),
 * sla_breach, nps_shift and (opts->health) health_flag. Times are ns UTC.
 *
 * npscore_monitor is the one MUTABLE handle of this interface: every call
 * that takes a non-const npscore_monitor * changes it, and it is not
 * thread-safe (feed it from one thread, or shard by customer and merge).
 * Alerts are buffered in the handle: each mutating call appends the alerts it
 * raised, read with npscore_monitor_alerts_size() / _alert_get() and dropped
 * with npscore_monitor_alerts_clear() (the buffer grows until then). Alert
 * strings are owned by the monitor and valid until its next mutating call.
 * What is read from it (a snapshot, the closed health periods) comes out as
 * immutable handles of their own. */

/** The kinds of alert (npscore_monitor_alert.kind). */
typedef enum npscore_monitor_alert_kind {
  NPSCORE_ALERT_CASE_OPENED = 0, /**< A case opened for a response. */
  NPSCORE_ALERT_SLA_BREACH = 1,  /**< A case passed its deadline without a contact. */
  NPSCORE_ALERT_NPS_SHIFT = 2,   /**< A rolling window's NPS moved against the one before. */
  NPSCORE_ALERT_HEALTH_FLAG = 3  /**< A health period closed with a flag in a slice. */
} npscore_monitor_alert_kind;

/** What to do with a response older than the clock by more than the lateness bound. */
typedef enum npscore_monitor_late {
  NPSCORE_LATE_ERROR = 0, /**< An error naming the response. */
  NPSCORE_LATE_COUNT = 1  /**< Left out and counted (npscore_monitor_totals.late). */
} npscore_monitor_late;

/** How a case ended (npscore_monitor_close_case()). */
typedef enum npscore_monitor_outcome {
  NPSCORE_OUTCOME_NOT_RECOVERED = 0,
  NPSCORE_OUTCOME_RECOVERED = 1,
  NPSCORE_OUTCOME_CHURNED = 2
} npscore_monitor_outcome;

/** Slices of one monitor: codes 0 .. n_slices - 1, at most 65536. */
#define NPSCORE_MAX_MONITOR_SLICES 65536
/** Owners of one monitor: at most 65536. */
#define NPSCORE_MAX_MONITOR_OWNERS 65536
/** Window steps over all slices (n_slices x steps kept): 2^22. */
#define NPSCORE_MAX_MONITOR_RING_STEPS 4194304
/** Health rows (slices x periods) one monitor keeps: 2^20. */
#define NPSCORE_MAX_MONITOR_HEALTH_ROWS 1048576

/** Options of a monitor (npscore/monitor.h MonitorOptions; defaults in
 *  parentheses). The NPS cut-offs and interval are `nps_opts`, the health
 *  thresholds and period length `health_opts`, the time zone, recovery curve
 *  and owners' capacities parameters of npscore_monitor_new(). */
typedef struct npscore_monitor_options {
  uint32_t version;           /**< NPSCORE_MONITOR_OPTIONS_VERSION */
  double sla_hours;           /**< "recover" SLA (detractors), in (0, 1e6] (24). */
  double passive_sla_hours;   /**< "make_it_a_10" SLA (passives), in (0, 1e6] (72). */
  double promoter_sla_hours;  /**< "advocacy" SLA (promoters), in (0, 1e6] (168). */
  double urgency_hours;       /**< Priority = risk x [r(h) - r(h + this)], in (0, 1e6] (24). */
  int32_t open_detractors;    /**< Nonzero: a detractor opens a case (1). */
  int32_t open_passives;      /**< Nonzero: a passive opens a case (0). */
  int32_t open_promoters;     /**< Nonzero: a promoter opens a case (0). */
  int32_t late;               /**< An npscore_monitor_late (NPSCORE_LATE_ERROR). */
  double lateness_hours;      /**< A response older than the clock by more is late,
                                   in [0, 1e6] (24). */
  int32_t n_slices;           /**< Slice codes 0 .. n_slices - 1, 1..65536 (1). */
  int32_t shift_window_steps; /**< Steps in a rolling window, 1..1000 (7). */
  double shift_step_hours;    /**< Step length, in [1/60, 1e6], whole seconds, aligned
                                   to the Unix epoch (24). */
  int64_t shift_min_n;        /**< Both windows need this many responses, >= 1 (30). */
  double shift_alpha;         /**< nps_shift when the score test's p < this, in (0, 1) (0.05). */
  int32_t health;             /**< Nonzero: count health periods, raise health_flag (0). */
  uint32_t health_flag_mask;  /**< NPSCORE_FLAG_* bits that raise health_flag (every bit
                                   but NPSCORE_FLAG_LOW_N: 0xfffffffe). */
} npscore_monitor_options;

#define NPSCORE_MONITOR_OPTIONS_VERSION 1
/** The defaults: those of the core (npscore/monitor.h MonitorOptions). */
#define NPSCORE_MONITOR_OPTIONS_INIT                                            \
  { NPSCORE_MONITOR_OPTIONS_VERSION, 24.0, 72.0, 168.0, 24.0, 1, 0, 0,         \
    NPSCORE_LATE_ERROR, 24.0, 1, 7, 24.0, 30, 0.05, 0, 0xfffffffeu }

/** Fills *opts with the defaults of options struct `version` (1 to
 *  NPSCORE_MONITOR_OPTIONS_VERSION; else NPSCORE_EVERSION). */
NPSCORE_API npscore_status npscore_monitor_options_init(npscore_monitor_options *opts,
                                                        uint32_t version, npscore_error *err);

/** A live monitor; opaque and mutable (see above). */
typedef struct npscore_monitor npscore_monitor;

/** Makes a monitor with an empty state. opts: NULL for the defaults.
 *  nps_opts (NULL: NPSCORE_NPS_OPTIONS_INIT): the cut-offs and the interval of
 *  the rolling NPS and health periods (its missing and min_n are not used).
 *  health_opts (NULL: NPSCORE_HEALTH_OPTIONS_INIT): with opts->health, the
 *  thresholds of the flags and the period length (`frequency`); flag_mode
 *  must be NPSCORE_FLAG_MODE_ALERT (a period is judged as it closes) and
 *  `adjustment` is not used. time_zone: the health periods' IANA zone (NULL:
 *  "UTC"). The recovery curve: recovery_hours / recovery_probability,
 *  n_recovery anchors as in npscore_priority_recoverability() (NULL, NULL, 0:
 *  the default curve). capacities: n_owners owners' capacities (>= 0; NULL
 *  and 0: no owners, every case unassigned). On success *out is a new monitor
 *  to release with npscore_monitor_free(). */
NPSCORE_API npscore_status npscore_monitor_new(
    npscore_monitor **out, const npscore_monitor_options *opts,
    const npscore_nps_options *nps_opts, const npscore_health_options *health_opts,
    const char *time_zone, const double *recovery_hours, const double *recovery_probability,
    size_t n_recovery, const int64_t *capacities, size_t n_owners, npscore_error *err);

/** Frees a monitor; accepts NULL. */
NPSCORE_API void npscore_monitor_free(npscore_monitor *m);

/** Ingests one response: customer (any code), score (a whole number on
 *  0..scale_max), time (ns UTC, not NPSCORE_MISSING_TIME), slice (in
 *  [0, n_slices)), clv and churn_risk (NaN: unknown; a case needs both for a
 *  priority, else it is NaN) and owner (the case's owner, or -1 for
 *  round-robin). Alerts are appended to the monitor's buffer. An error names
 *  the response and leaves the monitor unchanged. */
NPSCORE_API npscore_status npscore_monitor_ingest(npscore_monitor *m, int64_t customer,
                                                  double score, int64_t time, int32_t slice,
                                                  double clv, double churn_risk, int32_t owner,
                                                  npscore_error *err);

/** Ingests n responses in order, as npscore_monitor_ingest() would one by
 *  one: customers, scores (dtype an npscore_dtype) and times required;
 *  slices, clv, churn_risk and owners optional (NULL: slice 0, unknown,
 *  round-robin). On an error naming the row (and its customer and time),
 *  the rows before it stay ingested, their alerts buffered. */
NPSCORE_API npscore_status npscore_monitor_ingest_columns(
    npscore_monitor *m, const int64_t *customers, const void *scores,
    int32_t dtype, const int64_t *times, size_t n, const int32_t *slices, const double *clv,
    const double *churn_risk, const int32_t *owners, npscore_error *err);

/** Moves the clock to `now` (ns UTC; an earlier time changes nothing) and
 *  raises what became due: nps_shift for windows now closed, health_flag for
 *  periods now closed, then sla_breach by deadline. */
NPSCORE_API npscore_status npscore_monitor_advance(npscore_monitor *m, int64_t now,
                                                   npscore_error *err);

/** Records a contact at `time` (>= the response time) with the case opened by
 *  customer's response at responded_at; the earliest contact counts, and a
 *  case contacted at or before its deadline never breaches. */
NPSCORE_API npscore_status npscore_monitor_record_contact(npscore_monitor *m, int64_t customer,
                                                          int64_t responded_at, int64_t time,
                                                          npscore_error *err);

/** One case: open (in a snapshot) or closed (npscore_monitor_close_case()). */
typedef struct npscore_monitor_case {
  int64_t customer;     /**< The case's key: the customer ... */
  int64_t responded_at; /**< ... and the time of the response that opened it (ns UTC). */
  int32_t segment;      /**< -1, 0, 1: the play (npscore_priority_play_name()). */
  int32_t slice;
  int32_t owner;        /**< Index into the capacities, or -1: unassigned. */
  int32_t outcome;      /**< An npscore_monitor_outcome once closed. */
  int64_t deadline;     /**< responded_at + the play's SLA. */
  int64_t contacted_at; /**< The first contact; NPSCORE_MISSING_TIME: none. */
  int64_t closed_at;    /**< NPSCORE_MISSING_TIME while open. */
  int32_t breached;     /**< 1 if an sla_breach was raised. */
  int32_t reserved;     /**< 0. */
  double clv;
  double churn_risk;
  double priority;      /**< At the response time (closed) or the snapshot's clock (open). */
  double hours;         /**< Hours from the response to that time. */
} npscore_monitor_case;

/** Closes the case of (customer, responded_at) at `time` (>= the response
 *  time) with `outcome` (an npscore_monitor_outcome) and writes its final
 *  record to *out; the case leaves the monitor and frees its owner's place. */
NPSCORE_API npscore_status npscore_monitor_close_case(npscore_monitor_case *out,
                                                      npscore_monitor *m, int64_t customer,
                                                      int64_t responded_at, int64_t time,
                                                      int32_t outcome, npscore_error *err);

/** One alert. Case fields are set for case_opened and sla_breach, window
 *  fields for nps_shift, period fields for health_flag; the others hold
 *  their defaults (-1, 0, NaN as noted). Its strings: npscore_monitor_alert_text(). */
typedef struct npscore_monitor_alert {
  int32_t kind;            /**< An npscore_monitor_alert_kind. */
  int32_t slice;           /**< The case's or period's slice; nps_shift: the slice or -1 (all). */
  int64_t time;            /**< What the alert is about: the response time, the deadline,
                                the window's end or the period's end (ns UTC). */
  int64_t customer;        /**< Cases: the key (customer, responded_at); else 0. */
  int64_t responded_at;
  int32_t segment;         /**< Cases: -1, 0, 1; else NPSCORE_NO_SEGMENT. */
  int32_t owner;           /**< Cases: the owner or -1. */
  int64_t deadline;        /**< Cases: responded_at + the play's SLA; else 0. */
  double revenue_at_risk;  /**< Cases: churn_risk x clv (NaN unknown). */
  double priority;         /**< case_opened: as npscore_priority_queue_new() at responded_at. */
  int64_t window_end;      /**< nps_shift: the window [window_end - W, window_end). */
  int64_t n;               /**< nps_shift: the window's responses; health_flag: the period's. */
  int64_t n_previous;      /**< nps_shift: the previous window's responses. */
  double nps;              /**< nps_shift: the window's NPS; health_flag: the period's. */
  double nps_previous;     /**< nps_shift: the previous window's NPS. */
  double diff;             /**< nps_shift: npscore_nps_compare(window, previous). */
  double p_value;
  double ci_low;
  double ci_high;
  int64_t period;          /**< health_flag: the period's index since the monitor's first; else -1. */
  int64_t period_start;    /**< health_flag: [period_start, period_end) in ns UTC. */
  int64_t period_end;
  uint32_t flags;          /**< health_flag: every NPSCORE_FLAG_* of the period's row. */
  uint32_t reserved;       /**< 0. */
  double baseline_nps;     /**< health_flag: as npscore_health_baseline_row (NaN: no verdict). */
  double drop_p_adjusted;
  double surge_p_adjusted;
  double erosion_p_adjusted;
  double passive_growth_p_adjusted;
  double cusum;
} npscore_monitor_alert;

/** The number of alerts buffered in m (0 for NULL). */
NPSCORE_API size_t npscore_monitor_alerts_size(const npscore_monitor *m);

/** Reads buffered alert i (< npscore_monitor_alerts_size(), oldest first). */
NPSCORE_API npscore_status npscore_monitor_alert_get(npscore_monitor_alert *out,
                                                     const npscore_monitor *m, size_t i,
                                                     npscore_error *err);

/** Points *out_play at alert i's play ("recover", "make_it_a_10", "advocacy";
 *  "" for other kinds), *out_period_label at its period's label ("2025-03";
 *  "" but for health_flag) and *out_reasons at the numbers that raised its
 *  flags ("; "-separated; "" but for health_flag); each output may be NULL
 *  (not wanted). Owned by m, valid until its next mutating call. */
NPSCORE_API npscore_status npscore_monitor_alert_text(const char **out_play,
                                                      const char **out_period_label,
                                                      const char **out_reasons,
                                                      const npscore_monitor *m, size_t i,
                                                      npscore_error *err);

/** Drops every buffered alert. */
NPSCORE_API npscore_status npscore_monitor_alerts_clear(npscore_monitor *m, npscore_error *err);

/** Writes the state as bytes to out (capacity out_capacity) and their number
 *  to *out_size: "NPSMONIT", a version, the payload's length, the payload and
 *  its FNV-1a 64 checksum; equal states give equal bytes. Too small a
 *  capacity (0 to ask) is NPSCORE_ERANGE with *out_size the size needed.
 *  The buffered alerts are not part of the state. */
NPSCORE_API npscore_status npscore_monitor_serialize(uint8_t *out, size_t out_capacity,
                                                     size_t *out_size, const npscore_monitor *m,
                                                     npscore_error *err);

/** Makes the monitor of n bytes from npscore_monitor_serialize(), exactly; a
 *  changed byte, a truncation, a trailing byte, another version or values no
 *  monitor could hold are NPSCORE_EINVAL, never a wrong state. On success
 *  *out is a new monitor to release with npscore_monitor_free(). */
NPSCORE_API npscore_status npscore_monitor_load(npscore_monitor **out, const uint8_t *bytes,
                                                size_t n, npscore_error *err);

/** Adds the state of `other`, a monitor with equal options fed a disjoint
 *  shard of customers (docs/monitor.md, "State and merge"): counts, windows,
 *  counters and open cases add; the clock becomes the later one and cases due
 *  by it breach (alerts buffered in m). A case in both is an error, and m is
 *  then unchanged. other may not be m. */
NPSCORE_API npscore_status npscore_monitor_merge(npscore_monitor *m, const npscore_monitor *other,
                                                 npscore_error *err);

/** A monitor's state at one moment, from npscore_monitor_snapshot_new(); opaque, immutable. */
typedef struct npscore_monitor_snapshot npscore_monitor_snapshot;

/** The totals of a snapshot. */
typedef struct npscore_monitor_totals {
  int64_t clock;           /**< NPSCORE_MISSING_TIME before the first response or advance. */
  int64_t responses;       /**< Ingested (not late). */
  int64_t late;            /**< Left out as late (NPSCORE_LATE_COUNT). */
  int64_t cases_opened;
  int64_t cases_closed[3]; /**< By npscore_monitor_outcome. */
  int64_t breaches;        /**< sla_breach alerts raised. */
  int64_t open_cases;
  int64_t unassigned;      /**< Open cases without an owner. */
  int64_t health_periods;  /**< Health periods counted (closed and open). */
  int64_t health_closed;   /**< Health periods closed. */
  int64_t window_end;      /**< The rolling window holding the clock ends here;
                                NPSCORE_MISSING_TIME before the first response. */
  npscore_nps_counts counts;            /**< Every response ingested, by segment. */
  npscore_nps_summary window;           /**< [window_end - W, window_end); n = 0: NaN stats. */
  npscore_nps_summary previous_window;  /**< The window before it. */
} npscore_monitor_totals;

/** Takes a snapshot of m: counts, the rolling windows, and the open cases
 *  with their priorities at the clock (as npscore_priority_queue_new() at
 *  now = the clock). On success *out is a new snapshot to release with
 *  npscore_monitor_snapshot_free(). */
NPSCORE_API npscore_status npscore_monitor_snapshot_new(npscore_monitor_snapshot **out,
                                                        const npscore_monitor *m,
                                                        npscore_error *err);

/** Reads the totals of a snapshot. */
NPSCORE_API npscore_status npscore_monitor_snapshot_totals(npscore_monitor_totals *out,
                                                           const npscore_monitor_snapshot *s,
                                                           npscore_error *err);

/** Reads slice `slice`'s counts (every response) and current rolling window
 *  (either output may be NULL). */
NPSCORE_API npscore_status npscore_monitor_snapshot_slice(npscore_nps_counts *out_counts,
                                                          npscore_nps_summary *out_window,
                                                          const npscore_monitor_snapshot *s,
                                                          size_t slice, npscore_error *err);

/** The number of open cases of a snapshot (0 for NULL). */
NPSCORE_API size_t npscore_monitor_snapshot_size(const npscore_monitor_snapshot *s);

/** Reads open case k (< npscore_monitor_snapshot_size()): by play, then
 *  priority at the clock (highest first), then key. */
NPSCORE_API npscore_status npscore_monitor_snapshot_case(npscore_monitor_case *out,
                                                         const npscore_monitor_snapshot *s,
                                                         size_t k, npscore_error *err);

/** Writes the open cases of each of the n_owners owners to out[0..n_owners)
 *  (out_capacity >= n_owners, the monitor's number of owners). */
NPSCORE_API npscore_status npscore_monitor_snapshot_owner_load(int64_t *out, size_t out_capacity,
                                                               const npscore_monitor_snapshot *s,
                                                               npscore_error *err);

/** Reads health period p (< totals.health_periods; the closed ones first):
 *  [*out_start, *out_end) in ns UTC and its label ("2025-03"), owned by s and
 *  valid until it is freed. Period p is row period p of
 *  npscore_health_table_new_from_monitor(). */
NPSCORE_API npscore_status npscore_monitor_snapshot_period(int64_t *out_start, int64_t *out_end,
                                                           const char **out_label,
                                                           const npscore_monitor_snapshot *s,
                                                           size_t p, npscore_error *err);

/** Frees a snapshot; accepts NULL. */
NPSCORE_API void npscore_monitor_snapshot_free(npscore_monitor_snapshot *s);

/** The health table of the monitor's closed periods (opts->health; an error
 *  otherwise): what npscore_health_table_new_over_time() gives on the
 *  responses of those periods, slices 0..n_slices-1, with the monitor's
 *  thresholds and NPSCORE_FLAG_MODE_ALERT; read with the health table
 *  functions and released with npscore_health_table_free(). Periods are
 *  numbered from the monitor's first (its earliest response's). */
NPSCORE_API npscore_status npscore_health_table_new_from_monitor(npscore_health_table **out,
                                                                 const npscore_monitor *m,
                                                                 npscore_error *err);

/* (end of the monitor section) */

/* --- Arrow C Data Interface: whole tables out, scores in ---------------------
 *
 * Result tables export as one Arrow struct array (a record batch) through the
 * Arrow C Data Interface (https://arrow.apache.org/docs/format/CDataInterface.html):
 * any Arrow implementation (pyarrow, polars, arrow-rs, arrow-go, nanoarrow, Java)
 * imports it without npscore or Arrow being linked to each other. Numeric
 * columns are not copied: they point into the table, which the export keeps
 * alive, so the table handle may be freed before the export is released.
 * Text columns are copied once. The caller owns what it receives and must call
 * its release callbacks (or hand it to an importer that does). These
 * definitions are those of the Arrow specification, guarded as it prescribes. */

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char *format;
  const char *name;
  const char *metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema **children;
  struct ArrowSchema *dictionary;
  void (*release)(struct ArrowSchema *);
  void *private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void **buffers;
  struct ArrowArray **children;
  struct ArrowArray *dictionary;
  void (*release)(struct ArrowArray *);
  void *private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */


/** Exports the whole table as an Arrow struct array: the columns of
 *  npscore_nps_summary (n, detractors, passives, promoters, n_effective:
 *  float64; skipped: int64; nps, se, ci_low, ci_high: float64) and small
 *  (bool), one row per group. */
NPSCORE_API npscore_status npscore_nps_group_table_export_arrow(
    struct ArrowArray *out, struct ArrowSchema *out_schema, const npscore_nps_group_table *t,
    npscore_error *err);

/** Exports the whole table as an Arrow struct array, one row per
 *  (slice, period) as npscore_health_table_get() numbers them: slice, period
 *  (int64), the fields of npscore_health_row under their names (counts int64,
 *  statistics float64, flags uint32), reasons (utf8, as
 *  npscore_health_table_reasons()), then the fields of
 *  npscore_health_baseline_row. The histogram stays with
 *  npscore_health_table_histogram(). */
NPSCORE_API npscore_status npscore_health_table_export_arrow(struct ArrowArray *out,
                                                             struct ArrowSchema *out_schema,
                                                             const npscore_health_table *t,
                                                             npscore_error *err);

/** Exports the whole table as an Arrow struct array, one row per account:
 *  responses, contacts (int64), mean_score, nps (float64), segment (int8),
 *  small (bool), as npscore_health_account_table_get() gives them. */
NPSCORE_API npscore_status npscore_health_account_table_export_arrow(
    struct ArrowArray *out, struct ArrowSchema *out_schema,
    const npscore_health_account_table *t, npscore_error *err);

/** Exports the whole table as an Arrow struct array, one row per customer:
 *  the fields of npscore_churn_feature_row under their names and in its
 *  order (flags as bool, counts and rows int64, segment codes int8, the rest
 *  float64). */
NPSCORE_API npscore_status npscore_churn_features_export_arrow(struct ArrowArray *out,
                                                               struct ArrowSchema *out_schema,
                                                               const npscore_churn_features *f,
                                                               npscore_error *err);

/** Exports the whole queue as an Arrow struct array, best entry first: the
 *  fields of npscore_priority_case under their names and in its order (row,
 *  deadline int64 (ns UTC, NPSCORE_MISSING_TIME without times); segment
 *  int8; overdue bool; owner int32; the rest float64). */
NPSCORE_API npscore_status npscore_priority_queue_export_arrow(struct ArrowArray *out,
                                                               struct ArrowSchema *out_schema,
                                                               const npscore_priority_queue *q,
                                                               npscore_error *err);

/** Views one column of Arrow data as an npscore column, without copying:
 *  a primitive numeric array (formats c C s S i I l L f g: int8 .. uint64,
 *  float32, float64) gives *out_data (its first element, the array's offset
 *  applied), *out_dtype (the npscore_dtype) and *out_n (its length), to pass
 *  to any function taking `scores, dtype, n` or a column of that type. A
 *  dictionary-encoded array (strings as keys) gives its indices, which are
 *  key codes. The view is valid while the array is (not released).
 *  Errors (NPSCORE_EINVAL, naming what): a released array, a non-numeric
 *  format, a negative or overflowing length/offset, a misaligned buffer,
 *  and nulls: Arrow's nulls have no place in an npscore column, so the first
 *  null row is named (fill it, e.g. with NaN for a missing float score, or
 *  drop it). Only the validity bitmap and the format are read. */
NPSCORE_API npscore_status npscore_arrow_column(const void **out_data, int32_t *out_dtype,
                                                size_t *out_n, const struct ArrowArray *array,
                                                const struct ArrowSchema *schema,
                                                npscore_error *err);

/* (end of the arrow section) */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NPSCORE_C_API_H_ */
