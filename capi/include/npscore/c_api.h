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

/** The difference a - b of two independent NPS, with its test. */
typedef struct npscore_comparison {
  double diff;    /**< nps(a) - nps(b), -200..200 */
  double se;      /**< sqrt(se(a)^2 + se(b)^2) */
  double z;       /**< The test statistic (diff / se for the Wald test). */
  double p_value; /**< Two-sided. */
  double ci_low;  /**< Interval for the difference, by `method`; excludes 0
                       exactly when p_value < 1 - confidence. */
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
 *  if a count is negative or a sum would overflow int64_t (then *out is
 *  unchanged). */
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

/** Compares two independent summaries: diff = nps(a) - nps(b), a two-sided
 *  test of equal NPS and an interval for the difference, both by
 *  opts->method (wald: z = diff / se; adjusted-wald: the same after 0.375 /
 *  0.75 / 0.375 pseudo-respondents per sample; score: the score test, exact
 *  mid-p below NPSCORE_EXACT_BELOW respondents), so that p < 1 - confidence
 *  exactly when 0 is outside [ci_low, ci_high]. The same as
 *  npscore_nps_compare_test() with NPSCORE_COMPARE_AUTO. The summaries are
 *  validated: counts finite, >= 0 and adding up to n > 0, nps and se equal to
 *  what the counts give, interval within [-100, 100]. */
NPSCORE_API npscore_status npscore_nps_compare(npscore_comparison *out,
                                               const npscore_summary *a,
                                               const npscore_summary *b,
                                               const npscore_nps_options *opts);

/** Which test gives npscore_nps_compare_test()'s p-value and, with it, the
 *  interval. */
typedef enum npscore_compare_test {
  NPSCORE_COMPARE_AUTO = 0,       /**< MID_P for unweighted samples whose smaller one has
                                       fewer than NPSCORE_EXACT_BELOW respondents, with
                                       the score method; else ASYMPTOTIC. */
  NPSCORE_COMPARE_ASYMPTOTIC = 1, /**< The method's own statistic, normal reference. */
  NPSCORE_COMPARE_EXACT = 2,      /**< Permutation test of |diff| given the pooled
                                       segment counts: conventional p. */
  NPSCORE_COMPARE_MID_P = 3       /**< The same permutation test, mid-p. */
} npscore_compare_test;

/** The test that gave a comparison's p-value. */
typedef enum npscore_test_kind {
  NPSCORE_TEST_WALD = 0,          /**< z = diff / se. */
  NPSCORE_TEST_ADJUSTED_WALD = 1, /**< Wald after pseudo-respondents. */
  NPSCORE_TEST_SCORE = 2,         /**< Score test (restricted MLE under the null). */
  NPSCORE_TEST_EXACT = 3,         /**< Permutation test, conventional p. */
  NPSCORE_TEST_MID_P = 4          /**< Permutation test, mid-p. */
} npscore_test_kind;

/** Below this many respondents in the smaller sample, NPSCORE_COMPARE_AUTO
 *  uses the exact mid-p test. */
#define NPSCORE_EXACT_BELOW 10
/** The largest smaller sample for NPSCORE_COMPARE_EXACT and _MID_P. */
#define NPSCORE_MAX_EXACT_SAMPLE 1000

/** Options of npscore_nps_compare_test(). */
typedef struct npscore_compare_options {
  unsigned int version;           /**< NPSCORE_COMPARE_OPTIONS_VERSION */
  npscore_interval_method method; /**< Test statistic and interval (NPSCORE_INTERVAL_SCORE). */
  double confidence;              /**< Two-sided level in (0, 1) (0.95). */
  npscore_compare_test test;      /**< Which test (NPSCORE_COMPARE_AUTO). */
} npscore_compare_options;

#define NPSCORE_COMPARE_OPTIONS_VERSION 1
/** The defaults: the score test (exact mid-p for small samples), 95%. */
#define NPSCORE_COMPARE_OPTIONS_INIT                                    \
  { NPSCORE_COMPARE_OPTIONS_VERSION, NPSCORE_INTERVAL_SCORE, 0.95,      \
    NPSCORE_COMPARE_AUTO }

/** Fills *opts with the defaults of options struct `version` (pass
 *  NPSCORE_COMPARE_OPTIONS_VERSION). */
NPSCORE_API npscore_status npscore_nps_compare_options_init(npscore_compare_options *opts,
                                                            unsigned int version);

/** Compares two independent summaries with the test of opts->test (NULL
 *  opts: NPSCORE_COMPARE_OPTIONS_INIT): *out as npscore_nps_compare() and
 *  *out_test the test that gave out->p_value. For the exact tests (score
 *  method and unweighted samples only) the interval is the score interval at
 *  the critical value that makes it exclude 0 exactly when the exact p is
 *  below 1 - confidence; out->z is then the score statistic. */
NPSCORE_API npscore_status npscore_nps_compare_test(npscore_comparison *out,
                                                    npscore_test_kind *out_test,
                                                    const npscore_summary *a,
                                                    const npscore_summary *b,
                                                    const npscore_compare_options *opts);

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

/* --- Health: distribution health over time ----------------------------------
 *
 * Times are int64_t nanoseconds since the Unix epoch, UTC (numpy
 * datetime64[ns]); NPSCORE_MISSING_TIME (INT64_MIN) is a missing time (NaT).
 * Shares are fractions 0..1; share changes and trends are in percentage
 * points (per period); NPS figures are on the -100..100 scale. Segment
 * indexes 0, 1, 2 are detractor, passive, promoter; segment codes -1, 0, +1
 * are those of npscore_nps_segment(). Integer arguments that name a value
 * below (frequency, adjustment, how) are checked: any other value is
 * NPSCORE_EINVAL. */

/** The missing-time marker (numpy's NaT). */
#define NPSCORE_MISSING_TIME INT64_MIN

/** Calendar period length, for npscore_health_period_grid(). */
typedef enum npscore_frequency {
  NPSCORE_FREQ_DAY = 0,    /**< Days, labelled "2025-03-14". */
  NPSCORE_FREQ_WEEK = 1,   /**< ISO weeks, Monday to Sunday, labelled "2025-W11". */
  NPSCORE_FREQ_MONTH = 2,  /**< Months, labelled "2025-03". */
  NPSCORE_FREQ_QUARTER = 3 /**< Quarters, labelled "2025Q1". */
} npscore_frequency;

/** Multiple-comparison adjustment of p-values. */
typedef enum npscore_adjustment {
  NPSCORE_ADJUST_HOLM = 0, /**< Holm step-down: family-wise error rate. */
  NPSCORE_ADJUST_BH = 1,   /**< Benjamini-Hochberg step-up: false discovery rate. */
  NPSCORE_ADJUST_NONE = 2  /**< The p-values as they are. */
} npscore_adjustment;

/** How an account's responses combine, for npscore_health_account_nps(). */
typedef enum npscore_rollup {
  NPSCORE_ROLLUP_POOLED = 0,  /**< Every response counts once. */
  NPSCORE_ROLLUP_AVERAGE = 1, /**< The account's mean score is segmented: one vote per account. */
  NPSCORE_ROLLUP_LATEST = 2   /**< Each contact's latest response only, pooled. */
} npscore_rollup;

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
/** Accounts of npscore_health_account_nps(). */
#define NPSCORE_MAX_ACCOUNTS 67108864

/* Health flags of one period: bits of npscore_health_row.flags. */
#define NPSCORE_FLAG_LOW_N 0x1u                 /**< Too few responses to judge (< min_n). */
#define NPSCORE_FLAG_PASSIVE_VULNERABILITY 0x2u /**< Large or growing passive share, NPS stable. */
#define NPSCORE_FLAG_DETRACTOR_SURGE 0x4u       /**< Detractor share up significantly. */
#define NPSCORE_FLAG_PROMOTER_EROSION 0x8u      /**< Promoter share down significantly. */
#define NPSCORE_FLAG_NPS_DROP 0x10u             /**< NPS significantly below its baseline. */
#define NPSCORE_FLAG_LEVEL_SHIFT 0x20u          /**< NPS persistently below its baseline (CUSUM). */

/** How the p-values behind the flags are adjusted (npscore/health.h FlagMode). */
typedef enum npscore_flag_mode {
  NPSCORE_FLAG_MODE_ALERT = 0, /**< Holm within each period (slices x flag tests): alerting. */
  NPSCORE_FLAG_MODE_REVIEW = 1 /**< Benjamini-Hochberg over all periods, slices and tests. */
} npscore_flag_mode;

/** The segment of an account without responses (npscore_account_row). */
#define NPSCORE_NO_SEGMENT (-128)

/** Options of a health table: the score and interval options, the p-value
 *  adjustment and the documented thresholds behind the flags. */
typedef struct npscore_health_options {
  unsigned int version;           /**< NPSCORE_HEALTH_OPTIONS_VERSION */
  npscore_nps_options nps;        /**< Scores and intervals, with its own version
                                       (nps.min_n is not used: see min_n). */
  int adjustment;                 /**< An npscore_adjustment (NPSCORE_ADJUST_HOLM). */
  double alpha;                   /**< Level of every flag test but nps_drop's, in (0, 1) (0.05). */
  double min_n;                   /**< Fewer responses: flag LOW_N, no verdicts (30). */
  double passive_share_high;      /**< A passive share whose Wilson lower bound reaches
                                       this is vulnerable (0.40). */
  double passive_trend_points;    /**< Passive share growth in points/period ... (1.0) */
  double stable_nps_points;       /**< ... while |NPS change over the window| < this (5.0). */
  double detractor_surge_points;  /**< Detractor share up at least this much (5.0). */
  double promoter_erosion_points; /**< Promoter share down at least this much (5.0). */
  int trend_periods;              /**< Periods in a trend window,
                                       3..NPSCORE_MAX_TREND_PERIODS (6). */
  /* Version 2: alerts against a trailing baseline (npscore/health.h). */
  int flag_mode;                  /**< An npscore_flag_mode (NPSCORE_FLAG_MODE_ALERT). */
  int frequency;                  /**< Period length of the period codes, an
                                       npscore_frequency, so that baselines are in
                                       time (NPSCORE_FREQ_MONTH). */
  double baseline_months;         /**< Baseline: the periods in these months before (12). */
  double drop_alpha;              /**< One-sided level of the nps_drop test (0.01). */
  double drop_points;             /**< nps_drop needs a drop of at least this (5.0). */
  double cusum_k;                 /**< level_shift: CUSUM reference value, in SEs (0.5). */
  double cusum_h;                 /**< level_shift: CUSUM decision interval, in SEs (4.0). */
  double power;                   /**< Power of min_detectable_drop (0.80). */
} npscore_health_options;

#define NPSCORE_HEALTH_OPTIONS_VERSION 2
/** The defaults: those of the core (npscore/health.h HealthThresholds). */
#define NPSCORE_HEALTH_OPTIONS_INIT                                         \
  { NPSCORE_HEALTH_OPTIONS_VERSION, NPSCORE_NPS_OPTIONS_INIT,              \
    NPSCORE_ADJUST_HOLM, 0.05, 30.0, 0.40, 1.0, 5.0, 5.0, 5.0, 6,          \
    NPSCORE_FLAG_MODE_ALERT, NPSCORE_FREQ_MONTH, 12.0, 0.01, 5.0, 0.5, 4.0, 0.80 }

/** Fills *opts with the defaults of options struct `version` (pass
 *  NPSCORE_HEALTH_OPTIONS_VERSION; version 1 fills the fields up to
 *  trend_periods only). NPSCORE_EVERSION if the library does not know that
 *  version. */
NPSCORE_API npscore_status npscore_health_options_init(npscore_health_options *opts,
                                                       unsigned int version);

/* --- Health: periods --------------------------------------------------------- */

/** Consecutive calendar periods in a time zone; opaque. */
typedef struct npscore_period_grid npscore_period_grid;

/** Makes the periods of `frequency` (an npscore_frequency) in `time_zone`
 *  (an IANA name such as "Europe/Berlin" of the system's time-zone database,
 *  or "UTC"; at most 64 bytes, never a path) that cover [min_time, max_time].
 *  A calendar day the zone skipped has no period. On success *out is a new
 *  grid to release with npscore_period_grid_free(). */
NPSCORE_API npscore_status npscore_health_period_grid(npscore_period_grid **out,
                                                      int64_t min_time, int64_t max_time,
                                                      int frequency, const char *time_zone);

/** Returns the number of periods of grid (0 for NULL). */
NPSCORE_API size_t npscore_period_grid_size(const npscore_period_grid *grid);

/** Reads period i of grid: it is [*out_start, *out_end) in UTC nanoseconds;
 *  *out_label ("2025-03", ...) is owned by the grid and valid until it is
 *  freed. */
NPSCORE_API npscore_status npscore_period_grid_get(int64_t *out_start, int64_t *out_end,
                                                   const char **out_label,
                                                   const npscore_period_grid *grid, size_t i);

/** Writes the period index of each of n times into out[0..n): -1 for a time
 *  outside the grid, and for a missing time when skip_missing is nonzero
 *  (otherwise a missing time is an error naming its row). After an error the
 *  content of out is unspecified. */
NPSCORE_API npscore_status npscore_health_assign_periods(int32_t *out, const int64_t *times,
                                                         size_t n,
                                                         const npscore_period_grid *grid,
                                                         int skip_missing);

/** Frees a grid from npscore_health_period_grid(); accepts NULL. */
NPSCORE_API void npscore_period_grid_free(npscore_period_grid *grid);

/* --- Health: the per-period table -------------------------------------------- */

/** Per (slice, period) statistics from npscore_health_table_new(); opaque. */
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
  double nps;         /**< NPS, its SE and interval (by nps.method). */
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
 *  [0, n_slices) or -1. The table has at most NPSCORE_MAX_HEALTH_TABLE_ROWS
 *  rows and NPSCORE_MAX_HEALTH_HISTOGRAM_CELLS histogram counts. On success
 *  *out is a new table to release with npscore_health_table_free(). */
NPSCORE_API npscore_status npscore_health_table_new(npscore_health_table **out,
                                                    const void *scores, npscore_dtype dtype,
                                                    size_t n, const int32_t *periods,
                                                    int64_t n_periods, const int64_t *slices,
                                                    int64_t n_slices,
                                                    const npscore_health_options *opts);

/** Returns the number of rows of t (0 for NULL). */
NPSCORE_API size_t npscore_health_table_size(const npscore_health_table *t);

/** Reads row i of t. */
NPSCORE_API npscore_status npscore_health_table_get(npscore_health_row *out,
                                                    const npscore_health_table *t, size_t i);

/** Points *out at the reasons of row i's flags: the numbers that raised
 *  them, "; "-separated ("" without flags). Owned by t, valid until it is
 *  freed. */
NPSCORE_API npscore_status npscore_health_table_reasons(const char **out,
                                                        const npscore_health_table *t,
                                                        size_t i);

/** Points *out at the score histogram of row i: *out_bins = scale_max + 1
 *  counts, of scores 0..scale_max. Owned by t, valid until it is freed. */
NPSCORE_API npscore_status npscore_health_table_histogram(const int64_t **out,
                                                          size_t *out_bins,
                                                          const npscore_health_table *t,
                                                          size_t i);

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
                                                         size_t i);

/** Frees a table from npscore_health_table_new(); accepts NULL. */
NPSCORE_API void npscore_health_table_free(npscore_health_table *t);

/* --- Health: segment trends and p-values ---------------------------------------- */

/** The trend of one segment's share over the last periods of one slice:
 *  weighted least squares of share on period index (weights n). */
typedef struct npscore_segment_trend {
  int64_t slice;
  int segment;         /**< Segment code: -1 detractor, 0 passive, +1 promoter. */
  int periods;         /**< Periods with responses used (NaN statistics below 3). */
  int64_t n;           /**< Responses in the window. */
  double start_share;  /**< Fitted share at the window's ends, 0..1. */
  double end_share;
  double slope_points; /**< Points per period, with its SE, z and two-sided p. */
  double slope_se;
  double z;
  double p_value;
  double p_adjusted;   /**< Adjusted across all slices and segments. */
} npscore_segment_trend;

/** Trends of the three shares of each slice over the last `periods`
 *  (3..NPSCORE_MAX_TREND_PERIODS)
 *  periods of table: 3 rows per slice (detractor, passive, promoter), slice
 *  by slice, into out[0..*out_count). If capacity is below the 3 * slices
 *  rows needed, the call fails with NPSCORE_EINVAL and sets *out_count to the
 *  rows needed (out may then be NULL with capacity 0, to ask the size). */
NPSCORE_API npscore_status npscore_health_segment_trends(npscore_segment_trend *out,
                                                         size_t capacity, size_t *out_count,
                                                         const npscore_health_table *table,
                                                         int periods, int adjustment);

/** Writes the adjusted values of n p-values into out[0..n), in the input
 *  order (out may be p). Each p-value must be in [0, 1], or NaN for "no
 *  test" (any other value is NPSCORE_EINVAL naming its row). NaN entries
 *  are left out of the family and stay
 *  NaN. */
NPSCORE_API npscore_status npscore_health_adjust_p_values(double *out, const double *p,
                                                          size_t n, int adjustment);

/* --- Health: migration between segments ------------------------------------------ */

/** Totals of npscore_health_migration(). */
typedef struct npscore_migration_totals {
  int64_t customers; /**< Customers with at least two responses kept. */
  int64_t pairs;     /**< Consecutive pairs counted. */
  int64_t excluded;  /**< Rows left out by a period code of -1. */
  int64_t skipped;   /**< Rows left out for a missing score (NPSCORE_MISSING_SKIP). */
} npscore_migration_totals;

/** Counts segment moves between consecutive responses (by time) of each
 *  customer, in the period of the later response:
 *  out_counts[(period * 3 + from) * 3 + to] with segment indexes 0..2.
 *  periods (NULL = one period, n_periods is then ignored) holds the period of
 *  each row, < n_periods (at most NPSCORE_MAX_MIGRATION_PERIODS), or -1 to
 *  leave the row out; out_counts has n_periods * 9 entries (9 without
 *  periods). Errors name the row: a bad score, period code or missing time,
 *  or two kept responses of one customer at the same instant. */
NPSCORE_API npscore_status npscore_health_migration(
    int64_t *out_counts, npscore_migration_totals *out_totals, const void *scores,
    npscore_dtype dtype, size_t n, const int64_t *customers, const int64_t *times,
    const int32_t *periods, int64_t n_periods, const npscore_nps_options *opts);

/* --- Health: attribution of a change ---------------------------------------------- */

/** One slice's part of an NPS change (a symmetric, Shapley two-factor
 *  split): mix = (weight_b - weight_a) (nps_a + nps_b) / 2, rate =
 *  (weight_a + weight_b) / 2 (nps_b - nps_a), total = mix + rate. A slice
 *  empty in one period has weight 0 there and the other period's NPS. */
typedef struct npscore_attribution_row {
  double weight_a; /**< The slice's share of the period's respondents, 0..1. */
  double weight_b;
  double nps_a;    /**< The slice's NPS used in each period. */
  double nps_b;
  double mix;
  double rate;
  double total;
} npscore_attribution_row;

/** The overall figures of npscore_health_attribute_change(). */
typedef struct npscore_attribution_totals {
  double overall_a; /**< NPS of each period over all slices. */
  double overall_b;
  double change;    /**< overall_b - overall_a = the sum of the rows' totals. */
} npscore_attribution_totals;

/** Decomposes the NPS change from period a to period b over n_slices slices:
 *  a[s] and b[s] are the counts of slice s (skipped counts are ignored);
 *  writes out[0..n_slices). Fails on a negative count or a period without
 *  respondents. */
NPSCORE_API npscore_status npscore_health_attribute_change(
    npscore_attribution_row *out, npscore_attribution_totals *out_totals,
    const npscore_counts *a, const npscore_counts *b, size_t n_slices);

/* --- Health: event impact ------------------------------------------------------------ */

/** NPS before and after one event in one slice. */
typedef struct npscore_event_impact_row {
  int64_t event;              /**< Index into the events given. */
  int64_t slice;
  npscore_summary before;     /**< [e - before_ns, e); n = 0 and NaN statistics if empty. */
  npscore_summary after;      /**< [e, e + after_ns). */
  npscore_comparison change;  /**< after - before; NaN when a side is empty. */
  int outside_data;           /**< 1 if neither side has a scored response. */
} npscore_event_impact_row;

/** For each of n_events event times and each slice, summarizes the responses
 *  in the windows before and after it and compares them: n_events * slices
 *  rows, by event (in the order given) then slice, into out[0..*out_count).
 *  slices (NULL = one slice, n_slices is then ignored) holds codes in
 *  [0, n_slices) or -1 (leave the row out). Window bounds saturate at the
 *  int64_t range; before_ns and after_ns must be > 0, and events x slices at
 *  most NPSCORE_MAX_EVENT_IMPACT_ROWS. If capacity is below the rows needed, the call fails with
 *  NPSCORE_EINVAL and sets *out_count to the rows needed. Errors name the
 *  row or event. */
NPSCORE_API npscore_status npscore_health_event_impact(
    npscore_event_impact_row *out, size_t capacity, size_t *out_count, const void *scores,
    npscore_dtype dtype, size_t n, const int64_t *times, const int64_t *slices,
    int64_t n_slices, const int64_t *events, size_t n_events, int64_t before_ns,
    int64_t after_ns, const npscore_nps_options *opts);

/* --- Health: account roll-up (B2B) ----------------------------------------------------- */

/** Account-level figures from npscore_health_account_nps(); opaque. */
typedef struct npscore_account_table npscore_account_table;

/** One account, over the responses counted (for NPSCORE_ROLLUP_LATEST each
 *  contact's latest response, otherwise all). An account without responses
 *  has NaN statistics, segment NPSCORE_NO_SEGMENT and small = 1. */
typedef struct npscore_account_row {
  int64_t responses;
  int64_t contacts;   /**< Distinct contacts; -1 when no contact ids were given. */
  double mean_score;
  double nps;         /**< 100 * mean segment code, within the account. */
  int segment;        /**< Segment code of the mean score, or NPSCORE_NO_SEGMENT. */
  int small;          /**< 1 if fewer than min_n responses were counted. */
} npscore_account_row;

/** Rolls n responses up to accounts 0..n_accounts-1 (accounts[i] in that
 *  range, or negative to leave the row out) by `how` (an npscore_rollup).
 *  contacts (contact ids) and times are optional (NULL) except for
 *  NPSCORE_ROLLUP_LATEST; account_weights is NULL or n_accounts finite
 *  weights >= 0 (e.g. revenue): for POOLED and LATEST each account's weight
 *  counts once, split evenly over its counted responses, so the overall NPS
 *  is the weighted mean of the accounts' NPS; n_accounts is at most
 *  NPSCORE_MAX_ACCOUNTS. Accounts with fewer than min_n (finite, >= 0)
 *  responses counted are small and left out of the overall summary (opts'
 *  min_n is not used here). On success *out is a new table to release with
 *  npscore_account_table_free(). */
NPSCORE_API npscore_status npscore_health_account_nps(
    npscore_account_table **out, const void *scores, npscore_dtype dtype, size_t n,
    const int64_t *accounts, int64_t n_accounts, const int64_t *contacts,
    const int64_t *times, int how, const double *account_weights, double min_n,
    const npscore_nps_options *opts);

/** Returns the number of accounts of t (0 for NULL). */
NPSCORE_API size_t npscore_account_table_size(const npscore_account_table *t);

/** Reads account i of t. */
NPSCORE_API npscore_status npscore_account_table_get(npscore_account_row *out,
                                                     const npscore_account_table *t,
                                                     size_t i);

/** Reads the account-level NPS over the accounts that are not small: every
 *  counted response (POOLED, LATEST) or one vote per account (AVERAGE),
 *  weighted by account_weights when given (SE and interval then use Kish's
 *  effective n). n = 0 and NaN statistics when no account qualifies. */
NPSCORE_API npscore_status npscore_account_table_overall(npscore_summary *out,
                                                         const npscore_account_table *t);

/** Frees a table from npscore_health_account_nps(); accepts NULL. */
NPSCORE_API void npscore_account_table_free(npscore_account_table *t);

/* --- Churn: churn-risk scoring ------------------------------------- */

/* Features. */

/* Signals from NPS history as of an instant (npscore/churn.h): only responses
 * at or before as_of count, and a follow-up only if it happened by then.
 * Times are int64 UTC nanoseconds; NPSCORE_MISSING_TIME = missing / none.
 * Days are differences of times / 86400e9. */

/** Options of npscore_churn_features_new(). */
typedef struct npscore_churn_feature_options {
  unsigned int version;        /**< NPSCORE_CHURN_FEATURE_OPTIONS_VERSION */
  npscore_nps_options nps;     /**< Cut-offs and `missing`, which also covers missing
                                    response times (an error, or skipped and counted). */
  double early_life_days;      /**< A detractor answer within this many days of sign-up is
                                    early-life (10; docs/sources.md section 5). */
  int skip_unknown_customers;  /**< 1: responses of customers not in the table are left out
                                    and counted; 0: an error (0). */
} npscore_churn_feature_options;

#define NPSCORE_CHURN_FEATURE_OPTIONS_VERSION 1
/** The defaults: 0-10 cut-offs, errors on missing values, a 10-day early life. */
#define NPSCORE_CHURN_FEATURE_OPTIONS_INIT \
  { NPSCORE_CHURN_FEATURE_OPTIONS_VERSION, NPSCORE_NPS_OPTIONS_INIT, 10.0, 0 }

/** Fills *opts with the defaults of options struct `version` (pass
 *  NPSCORE_CHURN_FEATURE_OPTIONS_VERSION). */
NPSCORE_API npscore_status npscore_churn_feature_options_init(
    npscore_churn_feature_options *opts, unsigned int version);

/** Per-customer signals from npscore_churn_features_new(); opaque. */
typedef struct npscore_churn_features npscore_churn_features;

/** The signals of one customer as of as_of. A double is NaN where the value
 *  does not exist (no response, fewer than two, unknown sign-up, no
 *  follow-up); counts and flags are 0 then. "Latest" is by response time. */
typedef struct npscore_churn_feature_row {
  int has_response;               /**< 1 if the customer answered by as_of. */
  int signed_up;                  /**< 0 if the sign-up time is after as_of. */
  int64_t n_responses;            /**< Responses by as_of. */
  int64_t latest_row;             /**< Row of the latest response, -1 without one. */
  double score;                   /**< The latest score. */
  int segment;                    /**< Its segment code (-1/0/+1), or NPSCORE_NO_SEGMENT. */
  double previous_score;          /**< The score before it. */
  double score_change;            /**< score - previous_score. */
  int segment_change;             /**< segment - previous segment, -2..2 (0 below 2 responses). */
  double mean_score;              /**< Over the responses by as_of. */
  double min_score;
  double max_score;
  int64_t n_detractor_responses;  /**< Detractor answers among them. */
  double days_since_response;     /**< as_of - latest response. */
  double days_since_first_response; /**< as_of - first response. */
  double tenure_days;             /**< Latest response - sign-up (negative if before). */
  double customer_age_days;       /**< as_of - sign-up. */
  int early_life_detractor;       /**< Latest response a detractor answer within
                                       early_life_days of sign-up. */
  int detractor_followed_up;      /**< Latest response a detractor answer followed up by as_of. */
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
 *  id of each; times; scores; followed_up: NULL or one follow-up time per
 *  response, NPSCORE_MISSING_TIME = none) as of as_of, in one pass. Errors
 *  name the row and value: a bad score, a missing time, an unknown customer,
 *  a follow-up before its response, two responses of one customer at the
 *  same instant where the order matters, a duplicated id, more than
 *  2^31 - 1 responses or customers. On success *out is
 *  a new table (one row per customer, in table order) to release with
 *  npscore_churn_features_free(). */
NPSCORE_API npscore_status npscore_churn_features_new(
    npscore_churn_features **out, const int64_t *customers, const int64_t *times,
    const void *scores, npscore_dtype dtype, size_t n, const int64_t *followed_up,
    const int64_t *customer_ids, const int64_t *signup_times, size_t n_customers,
    int64_t as_of, const npscore_churn_feature_options *opts);

/** Returns the number of customers of f (0 for NULL). */
NPSCORE_API size_t npscore_churn_features_size(const npscore_churn_features *f);

/** Reads customer i of f. */
NPSCORE_API npscore_status npscore_churn_features_get(npscore_churn_feature_row *out,
                                                      const npscore_churn_features *f,
                                                      size_t i);

/** Reads the row accounting of f. */
NPSCORE_API npscore_status npscore_churn_features_totals(npscore_churn_feature_totals *out,
                                                         const npscore_churn_features *f);

/** Frees a table from npscore_churn_features_new(); accepts NULL. */
NPSCORE_API void npscore_churn_features_free(npscore_churn_features *f);

/** Counts of npscore_churn_labels(). */
typedef struct npscore_churn_label_totals {
  int64_t positives;          /**< Label 1: churned in (as_of, as_of + horizon]. */
  int64_t negatives;          /**< Label 0: churned later or not at all. */
  int64_t churned_before;     /**< Label -1: churned at or before as_of. */
  int64_t not_yet_customers;  /**< Label -1: signed up after as_of. */
} npscore_churn_label_totals;

/** Writes the churn label of each of n customers into out[0..n): 1 if
 *  churned_at[i] is in (as_of, as_of + horizon_ns], 0 if later or
 *  NPSCORE_MISSING_TIME (not churned), -1 (left out) if the customer had
 *  churned by as_of or signs up after it (signup_times: NULL or n times).
 *  horizon_ns must be > 0. */
NPSCORE_API npscore_status npscore_churn_labels(int8_t *out,
                                                npscore_churn_label_totals *out_totals,
                                                const int64_t *churned_at,
                                                const int64_t *signup_times, size_t n,
                                                int64_t as_of, int64_t horizon_ns);

/** Checks a train-on-earlier / test-on-later split: NPSCORE_OK if the
 *  training labels are known by the test date (train_as_of + horizon <=
 *  test_as_of) and, unless observed_until is NPSCORE_MISSING_TIME, the test
 *  horizon was fully observed (test_as_of + horizon <= observed_until);
 *  otherwise NPSCORE_EINVAL with a message saying by how many days. */
NPSCORE_API npscore_status npscore_churn_check_time_split(int64_t train_as_of,
                                                          int64_t test_as_of,
                                                          int64_t horizon_ns,
                                                          int64_t observed_until);

/* (end of the churn features) */

/* Model. */

/** A fitted or prior churn model (npscore/churn.h ChurnModel). Read-only once
 *  made: it may be used from several threads at once. */
typedef struct npscore_churn_model npscore_churn_model;

/** Memory layout of a rows x cols matrix of doubles. */
typedef enum npscore_layout {
  NPSCORE_ROW_MAJOR = 0, /**< element (i, j) at x[i * cols + j] */
  NPSCORE_COL_MAJOR = 1  /**< element (i, j) at x[j * rows + i] */
} npscore_layout;

/** Class weights of a churn fit. */
typedef enum npscore_class_weight {
  NPSCORE_CLASS_WEIGHT_NONE = 0,     /**< all 1 */
  NPSCORE_CLASS_WEIGHT_BALANCED = 1, /**< sum(w) / (2 * sum(w of the class)), as scikit-learn */
  NPSCORE_CLASS_WEIGHT_GIVEN = 2     /**< class_weight[0], class_weight[1] */
} npscore_class_weight;

/** Options of npscore_churn_fit(): L2 logistic regression with scikit-learn's
 *  objective sum_i s_i [log(1 + e^z_i) - y_i z_i] + ||coef||^2 / (2 C), the
 *  intercept unpenalised, solved by Newton's method until the largest gradient
 *  component divided by sum(s) is at most tol. */
typedef struct npscore_churn_fit_options {
  unsigned int version;             /**< NPSCORE_CHURN_FIT_OPTIONS_VERSION */
  double C;                         /**< Inverse L2 strength, > 0; INFINITY: none (1). */
  int fit_intercept;                /**< Non-zero: fit an intercept (1). */
  int standardize;                  /**< Non-zero: fit on columns scaled by their mean and
                                         sd (ddof 0); coefficients stay on the original scale (0). */
  npscore_class_weight class_weight_mode; /**< (NPSCORE_CLASS_WEIGHT_NONE) */
  double class_weight[2];           /**< Used with NPSCORE_CLASS_WEIGHT_GIVEN (1, 1). */
  double tol;                       /**< Gradient tolerance, finite and > 0 (1e-8). */
  int max_iter;                     /**< Newton iterations, 1..NPSCORE_MAX_ITERATIONS (100). */
  int threads;                      /**< 0: one per core for large inputs; at most
                                         NPSCORE_MAX_THREADS (0). */
} npscore_churn_fit_options;

#define NPSCORE_CHURN_FIT_OPTIONS_VERSION 1
#define NPSCORE_CHURN_FIT_OPTIONS_INIT                                                  \
  { NPSCORE_CHURN_FIT_OPTIONS_VERSION, 1.0, 1, 0, NPSCORE_CLASS_WEIGHT_NONE, {1.0, 1.0}, \
    1e-8, 100, 0 }

/** How a fit ended. A fit that reached max_iter is returned with converged = 0:
 *  check it (it is not an error). */
typedef struct npscore_churn_fit_info {
  int n_iter;        /**< Newton iterations done. */
  int converged;     /**< Non-zero if the gradient reached tol. */
  double grad_norm;  /**< Final max |gradient| / sum(s). */
  double objective;  /**< Final objective / sum(s). */
  size_t n_warnings; /**< Data warnings (constant columns): npscore_churn_model_warning(). */
  int is_prior;      /**< Non-zero for a model from npscore_churn_prior(). */
  double horizon_days; /**< Prior models: the horizon of the probabilities. */
} npscore_churn_fit_info;

/** Columns of a fitted (or loaded) churn model: its Newton step holds a
 *  (cols + 1)^2 Hessian per thread. */
#define NPSCORE_MAX_CHURN_FEATURES 4096
/** Reasons per row of npscore_churn_explain() (`top`). */
#define NPSCORE_MAX_REASONS 100
/** Reliability bins of npscore_churn_evaluate(). */
#define NPSCORE_MAX_RELIABILITY_BINS 1000
/** Horizon, in days, of a prior model and of its rates (100 years). */
#define NPSCORE_MAX_CHURN_HORIZON_DAYS 36525.0
/** Size of a model file that npscore_churn_load() reads (64 MiB). */
#define NPSCORE_MAX_CHURN_MODEL_BYTES 67108864

/** Fits a churn model to x (rows x cols doubles, finite; rows >= 1, cols at
 *  most NPSCORE_MAX_CHURN_FEATURES), labels y (rows values, 0 or 1, both
 *  present) and sample_weight (rows values, finite, >= 0; NULL: all 1).
 *  feature_names: NULL (x0, x1, ...) or cols distinct strings.
 *  opts NULL: defaults. *out is set to NULL on error. */
NPSCORE_API npscore_status npscore_churn_fit(npscore_churn_model **out, const double *x,
                                             size_t rows, size_t cols, npscore_layout layout,
                                             const double *y, const double *sample_weight,
                                             const char *const *feature_names,
                                             const npscore_churn_fit_options *opts);

/** A churn rate within a horizon. */
typedef struct npscore_churn_rate {
  double rate;         /**< in (0, 1) */
  double horizon_days; /**< in (0, NPSCORE_MAX_CHURN_HORIZON_DAYS] */
} npscore_churn_rate;

/** Segment base rates of the prior model: docs/sources.md §5 where it gives a
 *  figure, else (and where the shipped sample realises another rate) the
 *  sample's; sources per rate in npscore/churn.h (ChurnPriorRates). */
typedef struct npscore_churn_prior_rates {
  unsigned int version;                    /**< NPSCORE_CHURN_PRIOR_RATES_VERSION */
  npscore_churn_rate detractor;            /**< 40% / 90 days */
  npscore_churn_rate early_life_detractor; /**< 50% / 90 days */
  npscore_churn_rate passive;              /**< 25% / 180 days */
  npscore_churn_rate promoter;             /**< 9% / 180 days */
  npscore_churn_rate baseline;             /**< no answer yet: 5% / 90 days */
} npscore_churn_prior_rates;

#define NPSCORE_CHURN_PRIOR_RATES_VERSION 1
#define NPSCORE_CHURN_PRIOR_RATES_INIT                                             \
  { NPSCORE_CHURN_PRIOR_RATES_VERSION, {0.40, 90.0}, {0.50, 90.0}, {0.25, 180.0}, \
    {0.09, 180.0}, {0.05, 90.0} }

/** A model without training data: each rate converted to horizon_days under a
 *  constant hazard (p = 1 - (1 - p0)^(h / h0)), read from four 0/1 columns
 *  in this order (churn_features' names): "segment=detractor",
 *  "segment=passive", "has_response", "early_life_detractor". No answer: the
 *  baseline rate; an answer with neither segment set: the promoter rate.
 *  rates NULL: defaults. horizon_days is in (0, NPSCORE_MAX_CHURN_HORIZON_DAYS];
 *  a rate that the conversion makes 0 or 1 (a horizon far from the rate's
 *  own) is NPSCORE_EINVAL naming the segment. */
NPSCORE_API npscore_status npscore_churn_prior(npscore_churn_model **out, double horizon_days,
                                               const npscore_churn_prior_rates *rates);

/** The fit info of a model. */
NPSCORE_API npscore_status npscore_churn_model_info(npscore_churn_fit_info *out,
                                                    const npscore_churn_model *model);

/** The number of features of a model (0 for NULL). */
NPSCORE_API size_t npscore_churn_model_n_features(const npscore_churn_model *model);

/** Writes the n_features coefficients (original scale) into out and the
 *  intercept into *out_intercept. */
NPSCORE_API npscore_status npscore_churn_model_coef(double *out, double *out_intercept,
                                                    const npscore_churn_model *model);

/** The name of feature j, owned by the model; NULL if j is out of range. */
NPSCORE_API const char *npscore_churn_model_feature_name(const npscore_churn_model *model,
                                                         size_t j);

/** Data warning k of the fit, owned by the model; NULL if k is out of range. */
NPSCORE_API const char *npscore_churn_model_warning(const npscore_churn_model *model, size_t k);

/** Writes P(churn) of each row of x into out (rows values). */
NPSCORE_API npscore_status npscore_churn_predict(double *out, const npscore_churn_model *model,
                                                 const double *x, size_t rows, size_t cols,
                                                 npscore_layout layout);

/** P(churn) (out_proba, rows values) and the top reasons of each row: the
 *  feature indices (out_features) and log-odds contributions
 *  coef_j * (x_j - reference_j) (out_contributions), rows * top values each,
 *  row-major, largest first; -1 / 0 where a row has fewer than top positive
 *  contributions (e.g. top above the model's features). top is in
 *  1..NPSCORE_MAX_REASONS (for probabilities alone, use npscore_churn_predict).
 *  reference_j: 0 for 0/1 indicator columns, else the training mean (prior
 *  models: 0). Columns named as churn_features names them follow the core's
 *  reason rules (npscore/churn.h, DefaultChurnReasonRules): the score-history
 *  columns are one reason, reported under the first of them with their net
 *  contribution; a column is left out where it does not apply (scores of a
 *  customer who never answered, days waiting of a non-detractor) and is no
 *  reason when its coefficient contradicts its documented direction. One
 *  thread. */
NPSCORE_API npscore_status npscore_churn_explain(double *out_proba, int32_t *out_features,
                                                 double *out_contributions,
                                                 const npscore_churn_model *model,
                                                 const double *x, size_t rows, size_t cols,
                                                 npscore_layout layout, int top);

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
typedef struct npscore_reliability_bin {
  int64_t count;
  double mean_predicted;
  double observed_rate;
} npscore_reliability_bin;

/** Scores p (n >= 1 values in [0, 1]) against y (0/1, both present) with
 *  `bins` (1..NPSCORE_MAX_RELIABILITY_BINS) reliability bins. out_bins: NULL
 *  or room for `bins` bins, lowest p first. */
NPSCORE_API npscore_status npscore_churn_evaluate(npscore_churn_evaluation *out,
                                                  npscore_reliability_bin *out_bins,
                                                  const double *y, const double *p, size_t n,
                                                  int bins);

/** Writes the model to path (versioned binary format with a checksum): a
 *  regular file, created or truncated. A path that cannot be written, or is
 *  not a regular file, is NPSCORE_EINVAL naming the path and the reason. */
NPSCORE_API npscore_status npscore_churn_save(const npscore_churn_model *model, const char *path);

/** Reads a model written by npscore_churn_save(); a truncated, corrupted,
 *  foreign or newer file is NPSCORE_EINVAL with the cause in the message.
 *  So is a path that is missing, unreadable, empty, not a regular file (a
 *  directory, FIFO or device: never read, so a load never blocks) or larger
 *  than NPSCORE_MAX_CHURN_MODEL_BYTES; the message names the path and the
 *  system's reason. */
NPSCORE_API npscore_status npscore_churn_load(npscore_churn_model **out, const char *path);

/** Frees a model; accepts NULL. */
NPSCORE_API void npscore_churn_model_free(npscore_churn_model *model);

/* (end of the churn section) */

/* --- CLV: customer lifetime value ---------------------------------- */

/* RFM summaries of transaction logs, the BG/NBD model (Fader, Hardie & Lee
 * 2005) and the Gamma-Gamma spend model fitted by maximum likelihood, their
 * predictions and discounted CLV, with the definitions of the Python package
 * lifetimes (see npscore/clv.h). Per-customer columns are `const double *`
 * of n elements; per-customer outputs are caller-allocated arrays of n. */

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
 *  missing, an error), amounts NULL or >= 0, `frequency` an npscore_frequency
 *  (weeks run Monday to Sunday). Writes n_customers (0..
 *  NPSCORE_MAX_RFM_CUSTOMERS) rows to `out`. A time
 *  after observation_end, a bad code or amount is NPSCORE_EINVAL naming the
 *  row and value. */
NPSCORE_API npscore_status npscore_clv_rfm_summary(
    npscore_clv_rfm_row *out, int64_t n_customers, const int64_t *customers,
    const int64_t *times, const double *amounts, size_t n, int64_t observation_end,
    int frequency);

/** Options of the model fits. */
typedef struct npscore_clv_fit_options {
  unsigned int version; /**< NPSCORE_CLV_FIT_OPTIONS_VERSION */
  double penalizer;     /**< Adds penalizer * (sum of squared parameters) (0), as lifetimes;
                             finite, >= 0. */
  int max_iterations;   /**< Newton iterations, 1..NPSCORE_MAX_ITERATIONS (200). */
  double tolerance;     /**< Converged below this gradient max-norm; finite, > 0 (1e-9). */
  int threads;          /**< Threads for the likelihood; 0 = all cores; at most
                             NPSCORE_MAX_THREADS (0). */
} npscore_clv_fit_options;

#define NPSCORE_CLV_FIT_OPTIONS_VERSION 1
#define NPSCORE_CLV_FIT_OPTIONS_INIT \
  { NPSCORE_CLV_FIT_OPTIONS_VERSION, 0.0, 200, 1e-9, 0 }

/** BG/NBD parameters: rates ~ Gamma(r, alpha), dropout ~ Beta(a, b). */
typedef struct npscore_clv_beta_geo_params {
  double r, alpha, a, b;
} npscore_clv_beta_geo_params;

/** Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, v). */
typedef struct npscore_clv_gamma_gamma_params {
  double p, q, v;
} npscore_clv_gamma_gamma_params;

/** Diagnostics of a fit. */
typedef struct npscore_clv_fit_info {
  double log_likelihood; /**< Total (weighted) log-likelihood at the estimate. */
  double objective;      /**< Mean negative log-likelihood + penalty. */
  double gradient_norm;  /**< Max-norm of the objective's gradient (log-parameters). */
  int iterations;        /**< Newton iterations taken. */
  int64_t customers;     /**< Rows used. */
} npscore_clv_fit_info;

/** Fits BG/NBD on n histories; weights NULL or customers per row (aggregated
 *  input); out_info may be NULL. Inconsistent histories (recency > T,
 *  recency 0 with frequency > 0, ...) are NPSCORE_EINVAL naming the row; a
 *  fit that does not converge is NPSCORE_EINVAL with the last estimate. */
NPSCORE_API npscore_status npscore_clv_fit_beta_geo(
    npscore_clv_beta_geo_params *out, npscore_clv_fit_info *out_info, const double *frequency,
    const double *recency, const double *T, const double *weights, size_t n,
    const npscore_clv_fit_options *opts);

/** Fits Gamma-Gamma on the rows with frequency > 0 (monetary_value > 0 there). */
NPSCORE_API npscore_status npscore_clv_fit_gamma_gamma(
    npscore_clv_gamma_gamma_params *out, npscore_clv_fit_info *out_info,
    const double *frequency, const double *monetary_value, const double *weights, size_t n,
    const npscore_clv_fit_options *opts);

/** P(alive | history) for n customers into out[n]. */
NPSCORE_API npscore_status npscore_clv_probability_alive(
    double *out, const npscore_clv_beta_geo_params *params, const double *frequency,
    const double *recency, const double *T, size_t n);

/** Expected repeat purchases in the next t periods (t >= 0) into out[n]. */
NPSCORE_API npscore_status npscore_clv_expected_purchases(
    double *out, const npscore_clv_beta_geo_params *params, double t, const double *frequency,
    const double *recency, const double *T, size_t n);

/** E[spend per transaction | history] into out[n] (needs q > 1). */
NPSCORE_API npscore_status npscore_clv_expected_profit(
    double *out, const npscore_clv_gamma_gamma_params *params, const double *frequency,
    const double *monetary_value, size_t n);

/** Discounted CLV over `months` (1..NPSCORE_MAX_CLV_MONTHS)
 *  months into out[n]: sum over months i of E[purchases in month i] *
 *  E[profit] / (1 + discount_rate)^i, discount_rate finite and >= 0, with
 *  periods_per_month (finite, > 0) units of recency/T per month (weeks
 *  4.345, days 30). A month costs about 1-3 us per customer; without a
 *  discount the sum takes one step. */
NPSCORE_API npscore_status npscore_clv_lifetime_value(
    double *out, const npscore_clv_beta_geo_params *bg,
    const npscore_clv_gamma_gamma_params *gg, const double *frequency, const double *recency,
    const double *T, const double *monetary_value, size_t n, int months, double discount_rate,
    double periods_per_month);

/* (end of the clv section) */

/* --- Priority: whom to contact first ------------------------------- */

/** Options of the contact queue (npscore/priority.h). */
typedef struct npscore_priority_options {
  unsigned int version;                /**< NPSCORE_PRIORITY_OPTIONS_VERSION */
  double sla_hours;                    /**< Response deadline after the answer, in (0, 1e6] (24). */
  const double *recovery_hours;        /**< Recovery anchors: hours since the response ... */
  const double *recovery_probability;  /**< ... and probabilities; both NULL with
                                            n_recovery 0 for the defaults (docs/sources.md §5). */
  size_t n_recovery;
  int64_t top;                         /**< Queue length >= 1 (more than the rows: every row),
                                            or -1 for every customer (-1); 0 and other
                                            negative values are NPSCORE_EINVAL. */
  const int64_t *capacities;           /**< Owners' capacities (>= 0), NULL for no assignment. */
  size_t n_owners;
  int threads;                         /**< 0: automatic; at most NPSCORE_MAX_THREADS (0). */
  /* Version 2: one queue per play, live cases only (npscore/priority.h).
   * sla_hours above is the "recover" SLA (detractors, no segment). */
  double passive_sla_hours;            /**< "make_it_a_10" SLA, in (0, 1e6] (72). */
  double promoter_sla_hours;           /**< "advocacy" SLA, in (0, 1e6] (168). */
  double window_hours;                 /**< A case older than this leaves the queue for the
                                            missed list: -1 for the curve's last anchor
                                            (168 h), (0, 1e6], or INFINITY (-1). */
  double urgency_hours;                /**< Priority = risk x [r(h) - r(h + this)], in
                                            (0, 1e6] (24: today rather than tomorrow). */
} npscore_priority_options;

#define NPSCORE_PRIORITY_OPTIONS_VERSION 2
/** The defaults: SLAs 24 h / 72 h / 7 days, the default recovery curve and
 *  its window, every customer. */
#define NPSCORE_PRIORITY_OPTIONS_INIT \
  { NPSCORE_PRIORITY_OPTIONS_VERSION, 24.0, NULL, NULL, 0, -1, NULL, 0, 0, 72.0, 168.0, -1.0, 24.0 }

/** Fills *opts with the defaults of options struct `version`. */
NPSCORE_API npscore_status npscore_priority_options_init(npscore_priority_options *opts,
                                                         unsigned int version);

/** Writes the chance to recover a customer `hours[i]` hours (>= 0) after the
 *  response into out[i], i < n, on the curve through the anchors
 *  (anchor_hours[j], anchor_probability[j]), j < n_anchors: the monotone
 *  cubic (PCHIP) interpolant in log(1 + hours), flat before the first and
 *  after the last anchor. NULL anchors with n_anchors 0 select the defaults:
 *  65% at 0 and 1 h, 40% at 24 h, 10% at 72 h, 5% from 168 h on. */
NPSCORE_API npscore_status npscore_priority_recoverability(double *out, const double *hours,
                                                           size_t n,
                                                           const double *anchor_hours,
                                                           const double *anchor_probability,
                                                           size_t n_anchors);

/** A ranked contact queue; opaque. */
typedef struct npscore_priority_queue npscore_priority_queue;

/** One entry of the queue. */
typedef struct npscore_priority_entry {
  int64_t row;                  /**< Input row. */
  double revenue_at_risk;       /**< churn_risk * clv */
  double hours_since_response;  /**< NaN without response times. */
  double recoverability;        /**< 1 without response times; NaN for promoters. */
  double expected_recoverable;  /**< revenue_at_risk * recoverability (the priority is
                                     in npscore_priority_case). */
  int64_t deadline;             /**< responded_at + the play's SLA (ns UTC); INT64_MIN
                                     without times. */
  int overdue;                  /**< 1 if now > deadline (open, live, past its SLA). */
  int segment;                  /**< -1, 0, 1 or NPSCORE_NO_SEGMENT. */
  int owner;                    /**< Index into capacities, or -1 for none. */
} npscore_priority_entry;

/** Totals of a queue over every input row. */
typedef struct npscore_priority_totals {
  int64_t n_rows;
  double revenue_at_risk; /**< Sum of churn_risk * clv over every row. */
} npscore_priority_totals;

/** Ranks n customers into one queue per play (see
 *  npscore_priority_rank_cases, of which this is the call without contact
 *  times or closed flags): churn_risk[i] in [0, 1], clv[i] finite >= 0,
 *  segment[i] (-1/0/1 or NPSCORE_NO_SEGMENT; NULL: none), responded_at[i]
 *  (ns UTC, not INT64_MIN, not after `now`; NULL: no time discount and no
 *  window). Ties break by revenue at risk (higher first), deadline (earlier
 *  first), then row. With capacities, each entry in queue
 *  order goes to the owner with the most capacity left (first listed on
 *  ties) until all capacity is used. On success *out is a new queue to
 *  release with npscore_priority_queue_free(). */
NPSCORE_API npscore_status npscore_priority_rank(npscore_priority_queue **out,
                                                 const double *churn_risk, const double *clv,
                                                 const int8_t *segment,
                                                 const int64_t *responded_at, size_t n,
                                                 int64_t now,
                                                 const npscore_priority_options *opts);

/** The number of entries of a queue (0 for NULL). */
NPSCORE_API size_t npscore_priority_queue_size(const npscore_priority_queue *q);

/** Reads entry k (0 = best) of a queue. */
NPSCORE_API npscore_status npscore_priority_queue_get(npscore_priority_entry *out,
                                                      const npscore_priority_queue *q, size_t k);

/** Reads the totals of a queue. */
NPSCORE_API npscore_status npscore_priority_queue_totals(npscore_priority_totals *out,
                                                         const npscore_priority_queue *q);

/** Frees a queue; accepts NULL. */
NPSCORE_API void npscore_priority_queue_free(npscore_priority_queue *q);

/** Like npscore_priority_rank, with the state of each case: contacted_at[i]
 *  (ns UTC; INT64_MIN for not contacted; a contact at or before `now` takes
 *  the case out of the queue, a later one counts as not yet made; not before
 *  responded_at[i]; NULL: none) and closed[i] (nonzero: closed, out of the
 *  queue and the missed list; NULL: none). The queue holds one block per play
 *  (recover, make_it_a_10, advocacy, no segment), each ranked by the value of
 *  acting now rather than urgency_hours later, churn_risk x clv x [r(h) -
 *  r(h + urgency_hours)] (promoters: by clv), and only live cases: open and
 *  answered less than window_hours ago; older open cases form the missed list.
 *  `top` limits each play's block. */
NPSCORE_API npscore_status npscore_priority_rank_cases(npscore_priority_queue **out,
                                                       const double *churn_risk, const double *clv,
                                                       const int8_t *segment,
                                                       const int64_t *responded_at,
                                                       const int64_t *contacted_at,
                                                       const uint8_t *closed, size_t n,
                                                       int64_t now,
                                                       const npscore_priority_options *opts);

/** One entry of the queue, with its priority (npscore_priority_case_get). */
typedef struct npscore_priority_case {
  int64_t row;                  /**< Input row. */
  int segment;                  /**< -1, 0, 1 or NPSCORE_NO_SEGMENT: the play. */
  double priority;              /**< The ranking value within the play. */
  double urgency;               /**< r(h) - r(h + urgency_hours); 1 without times; NaN for
                                     promoters. */
  double revenue_at_risk;       /**< churn_risk * clv */
  double recoverability;        /**< r(h); 1 without times; NaN for promoters. */
  double expected_recoverable;  /**< revenue_at_risk * recoverability. */
  double hours_since_response;  /**< NaN without response times. */
  int64_t deadline;             /**< responded_at + the play's SLA; INT64_MIN without times. */
  int overdue;                  /**< 1 if now > deadline (open, live, past its SLA). */
  int owner;                    /**< Index into capacities, or -1 for none. */
} npscore_priority_case;

/** Reads entry k (0 = best) of a queue with its priority and urgency. */
NPSCORE_API npscore_status npscore_priority_case_get(npscore_priority_case *out,
                                                     const npscore_priority_queue *q, size_t k);

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
                                                          const npscore_priority_queue *q);

/** One case of the missed list (account review). */
typedef struct npscore_priority_missed {
  int64_t row;              /**< Input row. */
  int segment;              /**< -1, 0, 1 or NPSCORE_NO_SEGMENT. */
  double revenue_at_risk;   /**< churn_risk * clv; the list is sorted by it, highest first. */
} npscore_priority_missed;

/** The number of cases on the missed list (0 for NULL). */
NPSCORE_API size_t npscore_priority_missed_size(const npscore_priority_queue *q);

/** Reads case k of the missed list. */
NPSCORE_API npscore_status npscore_priority_missed_get(npscore_priority_missed *out,
                                                       const npscore_priority_queue *q, size_t k);

/** The recommended play of a segment code: "recover" (-1), "make_it_a_10"
 *  (0), "advocacy" (1), "" otherwise. Static storage; never NULL. */
NPSCORE_API const char *npscore_priority_play_name(int segment);

/** The play's one-sentence script ("" for codes other than -1, 0, 1). */
NPSCORE_API const char *npscore_priority_play_script(int segment);

/* (end of the priority section) */

/* --- Themes: which problems to fix first --------------------------- */

/** A compiled theme taxonomy; opaque. Safe to use from several threads. */
typedef struct npscore_theme_tagger npscore_theme_tagger;

/** One theme: its name and n_keywords keywords (words or phrases), all
 *  NUL-terminated UTF-8. */
typedef struct npscore_theme {
  const char *name;
  const char *const *keywords;
  size_t n_keywords;
} npscore_theme;

/** What to do with invalid UTF-8 in a comment. */
typedef enum npscore_invalid_utf8 {
  NPSCORE_INVALID_UTF8_ERROR = 0,  /**< NPSCORE_EINVAL naming the comment. */
  NPSCORE_INVALID_UTF8_REPLACE = 1 /**< Each invalid byte separates words. */
} npscore_invalid_utf8;

/** Themes of a taxonomy (npscore_theme_tagger_new) and of
 *  npscore_theme_impact() (n_themes). */
#define NPSCORE_MAX_THEMES 1024

/** Compiles a taxonomy of n_themes (1..NPSCORE_MAX_THEMES) themes (n_themes
 *  0 and themes NULL: the default taxonomy of bug, pricing, billing,
 *  usability, support, onboarding, performance, reporting,
 *  feature_request). Matching rules:
 *  npscore/themes.h. On success *out is a new tagger to release with
 *  npscore_theme_tagger_free(). */
NPSCORE_API npscore_status npscore_theme_tagger_new(npscore_theme_tagger **out,
                                                    const npscore_theme *themes,
                                                    size_t n_themes);

/** The number of themes of a tagger (0 for NULL). */
NPSCORE_API size_t npscore_theme_tagger_size(const npscore_theme_tagger *tagger);

/** The name of theme j; owned by the tagger. */
NPSCORE_API npscore_status npscore_theme_tagger_name(const char **out,
                                                     const npscore_theme_tagger *tagger,
                                                     size_t j);

/** Tags n comments: comment i is texts[i] of lengths[i] bytes (lengths NULL:
 *  NUL-terminated; texts[i] NULL: missing, no theme). Writes n x
 *  npscore_theme_tagger_size() indicators, row-major, into out: out[i *
 *  n_themes + j] = 1 if comment i mentions theme j, else 0. `threads` 0 is
 *  automatic, at most NPSCORE_MAX_THREADS. */
NPSCORE_API npscore_status npscore_theme_tagger_tag(uint8_t *out,
                                                    const npscore_theme_tagger *tagger,
                                                    const char *const *texts,
                                                    const size_t *lengths, size_t n,
                                                    npscore_invalid_utf8 invalid, int threads);

/** Frees a tagger; accepts NULL. */
NPSCORE_API void npscore_theme_tagger_free(npscore_theme_tagger *tagger);

/** Which average CLV multiplies a segment's mentions. */
typedef enum npscore_impact_clv {
  NPSCORE_IMPACT_CLV_SEGMENT = 0,   /**< The segment's average over every row. */
  NPSCORE_IMPACT_CLV_MENTIONERS = 1 /**< The average over the segment's mentioners. */
} npscore_impact_clv;

/** One theme's impact. Per-segment arrays: [0] detractors, [1] passives,
 *  [2] promoters. */
typedef struct npscore_theme_impact_row {
  int64_t theme;               /**< Theme column index. */
  int64_t mentions;
  int64_t segment_mentions[3];
  double segment_clv[3];       /**< The average CLV used (NaN if none). */
  double segment_impact[3];    /**< mentions x average CLV */
  double impact;               /**< The Feature Impact Score: their sum. */
  double mentioner_clv;        /**< Total CLV of the mentioners. */
  double nps, ci_low, ci_high; /**< Of the mentioners (adjusted Wald, 95%); NaN if none. */
  int driver;                  /**< Segment (-1/0/1) with the largest impact, or
                                    NPSCORE_NO_SEGMENT without mentions. */
} npscore_theme_impact_row;

/** Computes the Feature Impact Score (docs/sources.md §6) of n_themes
 *  (1..NPSCORE_MAX_THEMES) themes from
 *  indicators (n rows x n_themes, row-major, 0/1), segment codes (-1/0/1)
 *  and CLV (finite, >= 0) of n rows. Writes n_themes rows into out, ranked
 *  by impact (ties: more mentions, then column order). */
NPSCORE_API npscore_status npscore_theme_impact(npscore_theme_impact_row *out,
                                                const uint8_t *indicators, size_t n_themes,
                                                const int8_t *segment, const double *clv,
                                                size_t n, npscore_impact_clv basis);

/* (end of the themes section) */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NPSCORE_C_API_H_ */
