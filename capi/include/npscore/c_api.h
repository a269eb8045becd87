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

/* Health flags of one period: bits of npscore_health_row.flags. */
#define NPSCORE_FLAG_LOW_N 0x1u                 /**< Too few responses to judge (< min_n). */
#define NPSCORE_FLAG_PASSIVE_VULNERABILITY 0x2u /**< Large or growing passive share, NPS stable. */
#define NPSCORE_FLAG_DETRACTOR_SURGE 0x4u       /**< Detractor share up significantly. */
#define NPSCORE_FLAG_PROMOTER_EROSION 0x8u      /**< Promoter share down significantly. */

/** The segment of an account without responses (npscore_account_row). */
#define NPSCORE_NO_SEGMENT (-128)

/** Options of a health table: the score and interval options, the p-value
 *  adjustment and the documented thresholds behind the flags. */
typedef struct npscore_health_options {
  unsigned int version;           /**< NPSCORE_HEALTH_OPTIONS_VERSION */
  npscore_nps_options nps;        /**< Scores and intervals, with its own version
                                       (nps.min_n is not used: see min_n). */
  int adjustment;                 /**< An npscore_adjustment (NPSCORE_ADJUST_HOLM). */
  double alpha;                   /**< Level of every test, in (0, 1) (0.05). */
  double min_n;                   /**< Fewer responses: flag LOW_N, no verdicts (30). */
  double passive_share_high;      /**< A passive share this large is vulnerable (0.40). */
  double passive_trend_points;    /**< Passive share growth in points/period ... (1.0) */
  double stable_nps_points;       /**< ... while |NPS change over the window| < this (5.0). */
  double detractor_surge_points;  /**< Detractor share up at least this much (5.0). */
  double promoter_erosion_points; /**< Promoter share down at least this much (5.0). */
  int trend_periods;              /**< Periods in a trend window, >= 3 (6). */
} npscore_health_options;

#define NPSCORE_HEALTH_OPTIONS_VERSION 1
/** The defaults: those of the core (npscore/health.h HealthThresholds). */
#define NPSCORE_HEALTH_OPTIONS_INIT                             \
  { NPSCORE_HEALTH_OPTIONS_VERSION, NPSCORE_NPS_OPTIONS_INIT,  \
    NPSCORE_ADJUST_HOLM, 0.05, 30.0, 0.40, 1.0, 5.0, 5.0, 5.0, 6 }

/** Fills *opts with the defaults of options struct `version` (pass
 *  NPSCORE_HEALTH_OPTIONS_VERSION). NPSCORE_EVERSION if the library does not
 *  know that version. */
NPSCORE_API npscore_status npscore_health_options_init(npscore_health_options *opts,
                                                       unsigned int version);

/* --- Health: periods --------------------------------------------------------- */

/** Consecutive calendar periods in a time zone; opaque. */
typedef struct npscore_period_grid npscore_period_grid;

/** Makes the periods of `frequency` (an npscore_frequency) in `time_zone`
 *  (an IANA name such as "Europe/Berlin", or "UTC") that cover
 *  [min_time, max_time]. On success *out is a new grid to release with
 *  npscore_period_grid_free(). */
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
 *  [0, n_slices) or -1. On success *out is a new table to release with
 *  npscore_health_table_free(). */
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

/** Trends of the three shares of each slice over the last `periods` (>= 3)
 *  periods of table: 3 rows per slice (detractor, passive, promoter), slice
 *  by slice, into out[0..*out_count). If capacity is below the 3 * slices
 *  rows needed, the call fails with NPSCORE_EINVAL and sets *out_count to the
 *  rows needed (out may then be NULL with capacity 0, to ask the size). */
NPSCORE_API npscore_status npscore_health_segment_trends(npscore_segment_trend *out,
                                                         size_t capacity, size_t *out_count,
                                                         const npscore_health_table *table,
                                                         int periods, int adjustment);

/** Writes the adjusted values of n p-values into out[0..n), in the input
 *  order (out may be p). NaN entries are left out of the family and stay
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
 *  each row, < n_periods, or -1 to leave the row out; out_counts has
 *  n_periods * 9 entries (9 without periods). Errors name the row: a bad
 *  score, period code or missing time, or two kept responses of one customer
 *  at the same instant. */
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
 *  int64_t range. If capacity is below the rows needed, the call fails with
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
 *  weights >= 0 (e.g. revenue). Accounts with fewer than min_n (>= 0)
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

/* (end of the churn features) */

/* Model. */

/* (end of the churn section) */

/* --- CLV: customer lifetime value ---------------------------------- */

/* RFM summaries of transaction logs, the BG/NBD model (Fader, Hardie & Lee
 * 2005) and the Gamma-Gamma spend model fitted by maximum likelihood, their
 * predictions and discounted CLV, with the definitions of the Python package
 * lifetimes (see npscore/clv.h). Per-customer columns are `const double *`
 * of n elements; per-customer outputs are caller-allocated arrays of n. */

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
 *  (weeks run Monday to Sunday). Writes n_customers rows to `out`. A time
 *  after observation_end, a bad code or amount is NPSCORE_EINVAL naming the
 *  row and value. */
NPSCORE_API npscore_status npscore_clv_rfm_summary(
    npscore_clv_rfm_row *out, int64_t n_customers, const int64_t *customers,
    const int64_t *times, const double *amounts, size_t n, int64_t observation_end,
    int frequency);

/** Options of the model fits. */
typedef struct npscore_clv_fit_options {
  unsigned int version; /**< NPSCORE_CLV_FIT_OPTIONS_VERSION */
  double penalizer;     /**< Adds penalizer * (sum of squared parameters) (0), as lifetimes. */
  int max_iterations;   /**< Newton iterations (200). */
  double tolerance;     /**< Converged below this gradient max-norm (1e-9). */
  int threads;          /**< Threads for the likelihood; 0 = all cores (0). */
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

/** Discounted CLV over `months` months into out[n]: sum over months i of
 *  E[purchases in month i] * E[profit] / (1 + discount_rate)^i, with
 *  periods_per_month units of recency/T per month (weeks 4.345, days 30). */
NPSCORE_API npscore_status npscore_clv_lifetime_value(
    double *out, const npscore_clv_beta_geo_params *bg,
    const npscore_clv_gamma_gamma_params *gg, const double *frequency, const double *recency,
    const double *T, const double *monetary_value, size_t n, int months, double discount_rate,
    double periods_per_month);

/* (end of the clv section) */

/* --- Priority: whom to contact first ------------------------------- */

/* (end of the priority section) */

/* --- Themes: which problems to fix first --------------------------- */

/* (end of the themes section) */

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* NPSCORE_C_API_H_ */
