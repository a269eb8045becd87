// npscore/churn.h: churn-risk scoring: signals from NPS history, a calibrated
// logistic model (fitted, or a prior from documented base rates), per-customer
// reasons, evaluation and persistence.

#ifndef NPSCORE_CHURN_H_
#define NPSCORE_CHURN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/health.h"
#include "npscore/limits.h"
#include "npscore/nps.h"

namespace npscore {

// --- Features: signals from NPS history, as of a date (src/churn_features.cc) ---
//
// Everything here is computed "as of" an instant: only responses with time
// <= as_of count, and a follow-up counts only if it happened by as_of, so a
// model trained on these features never sees the future. Times are int64
// UTC nanoseconds, kMissingTime (INT64_MIN) = missing / none.

// Nanoseconds per day: every "days" figure is a difference of times / this.
inline constexpr int64_t kNanosPerDay = int64_t{86400} * 1000 * 1000 * 1000;

// Responses, and customers, of one ComputeChurnFeatures call: rows are
// numbered in 32 bits inside (2^31 - 1; split larger inputs by customer).
inline constexpr int64_t kMaxChurnFeatureRows = 2147483647;

// What to do with a response whose customer is not in the customer table.
enum class UnknownCustomers {
  kError,  // the first one is an error naming its row and id
  kSkip,   // left out and counted in `skipped_unknown_customers`
};

// Options of ChurnFeatures. `scores.missing` also governs missing response
// times (NaT): an error, or skipped and counted.
struct ChurnFeatureOptions {
  ScoreOptions scores;
  // A detractor answer given at most this many days after sign-up is
  // "early-life" (docs/sources.md section 5, 002: "first 7-10 days").
  double early_life_days = 10;
  UnknownCustomers unknown = UnknownCustomers::kError;
};

// Per-customer signals, one entry per customer of the table, in table order.
// A double is NaN where the value does not exist (no response by as_of,
// fewer than two responses, unknown sign-up); counts and flags are 0 then.
// "Latest" and "previous" are by response time.
struct ChurnFeatures {
  std::vector<uint8_t> has_response;   // 1 if the customer answered by as_of
  std::vector<uint8_t> signed_up;      // 0 if the sign-up time is after as_of
  std::vector<int64_t> n_responses;    // responses by as_of
  std::vector<int64_t> latest_row;     // row of the latest response, -1 without one
  std::vector<double> score;           // the latest score
  std::vector<int8_t> segment;         // its segment (-1/0/+1), kNoSegment without one
  std::vector<double> previous_score;  // the score before it
  std::vector<double> score_change;    // score - previous_score
  std::vector<int8_t> segment_change;  // segment - previous segment (-2..2); 0 below 2 responses
  std::vector<double> mean_score, min_score, max_score;  // over the responses by as_of
  std::vector<int64_t> n_detractor_responses;            // detractor answers among them
  std::vector<double> days_since_response;        // as_of - latest response
  std::vector<double> days_since_first_response;  // as_of - first response
  std::vector<double> tenure_days;        // latest response - sign-up (negative if before)
  std::vector<double> customer_age_days;  // as_of - sign-up
  // 1 if the latest response is a detractor answer given 0..early_life_days
  // days after sign-up.
  std::vector<uint8_t> early_life_detractor;
  // For a latest response that is a detractor answer: followed up by as_of
  // (1), the days it took (NaN otherwise), and the days it has waited without
  // a follow-up (as_of - response; 0 when followed up or not a detractor).
  std::vector<uint8_t> detractor_followed_up;
  std::vector<double> days_to_follow_up;
  std::vector<double> days_detractor_waiting;

  // Accounting of the response rows: used + after_as_of + the skipped ones
  // = all rows.
  int64_t used = 0;         // responses at or before as_of
  int64_t after_as_of = 0;  // valid responses after as_of, left out
  int64_t skipped_missing_scores = 0;
  int64_t skipped_missing_times = 0;
  int64_t skipped_unknown_customers = 0;

  size_t size() const { return has_response.size(); }
};

// Computes the signals of every customer of the table (`customer_ids`,
// distinct int64 ids, with `signup_times`, empty or one per customer,
// kMissingTime = unknown) from the responses (`customers`: the customer id of
// each, `times`, `scores`, and `followed_up`, empty or one follow-up time per
// response, kMissingTime = none) as of `as_of`. One pass over the responses
// updates a small per-customer state (no sort, no allocation per row); the
// latest and previous responses follow npscore's one tie rule (responses at
// the same instant are ordered by row, see LatestResponses); the
// ids are looked up by offset when dense, else through a hash map. Errors
// name the row and value: a bad score, a missing time, an unknown customer
// (unless skipped), a follow-up before its response, a duplicated id in the
// table, columns of different lengths, an
// early_life_days that is not finite and >= 0, more than
// kMaxChurnFeatureRows responses or customers in one call.
template <typename T>
absl::StatusOr<ChurnFeatures> ComputeChurnFeatures(absl::Span<const int64_t> customers,
                                                   absl::Span<const int64_t> times,
                                                   absl::Span<const T> scores,
                                                   absl::Span<const int64_t> followed_up,
                                                   absl::Span<const int64_t> customer_ids,
                                                   absl::Span<const int64_t> signup_times,
                                                   int64_t as_of,
                                                   const ChurnFeatureOptions& options = {});

// Churn labels over the horizon after as_of: label 1 if the customer churned
// in (as_of, as_of + horizon], 0 if not (churned later or never). Customers
// who had churned by as_of, or who signed up after it, are no longer / not
// yet customers: label -1 (left out), counted.
struct ChurnLabels {
  std::vector<int8_t> label;
  int64_t positives = 0, negatives = 0;
  int64_t churned_before = 0;  // churned at or before as_of
  int64_t not_yet_customers = 0;  // signed up after as_of

  size_t size() const { return label.size(); }
};

// Labels from one churn time per customer (`churned_at`, kMissingTime = not
// churned) and optional sign-up times (empty, or one per customer).
// `horizon_ns` must be > 0 and as_of + horizon_ns must not overflow.
absl::StatusOr<ChurnLabels> ComputeChurnLabels(absl::Span<const int64_t> churned_at,
                                               absl::Span<const int64_t> signup_times,
                                               int64_t as_of, int64_t horizon_ns);

// Checks a train-on-earlier / test-on-later split: features as of
// train_as_of with labels over (train_as_of, train_as_of + horizon] train the
// model, which is tested on features as of test_as_of with labels over the
// horizon after it. Honest only if the training labels were known by
// test_as_of (train_as_of + horizon <= test_as_of) and, when
// `observed_until` is given (not kMissingTime), the test horizon was fully
// observed (test_as_of + horizon <= observed_until). The error says which
// condition fails and by how many days.
absl::Status CheckTimeSplit(int64_t train_as_of, int64_t test_as_of, int64_t horizon_ns,
                            int64_t observed_until = kMissingTime);

// (end of churn features)

// --- Design matrix: the model's columns from the features (src/churn_design.cc) ---
//
// A ChurnDesign says which columns a churn model reads and how each is made
// from ComputeChurnFeatures' result, the themes of each customer's latest
// response and the caller's own columns, including the fill rule for values
// that do not exist. A model carries the design it was fitted on (saved in
// the model file), so a model saved from any language rebuilds the same
// matrix, and scores identically, from any other.

// The columns made from ChurnFeatures, in the design's order. Their names
// (kChurnFeatureColumnNames) are the ones churn_features, the prior model and
// the reason rules use: this is their one definition.
enum class ChurnFeatureColumn : int32_t {
  kHasResponse = 0,       // 1 if the customer answered by as_of
  kNResponses,            // answers by as_of
  kScore,                 // the latest score
  kSegmentDetractor,      // 1 if the latest score is a detractor's
  kSegmentPassive,        // 1 if a passive's (promoter is the reference level)
  kScoreChange,           // latest score - the one before
  kSegmentChange,         // latest segment - the one before (-2..2)
  kMeanScore,
  kMinScore,
  kDetractorShare,        // n_detractor_responses / n_responses
  kDaysSinceResponse,
  kTenureDays,            // with sign-up times only
  kCustomerAgeDays,       // with sign-up times only
  kEarlyLifeDetractor,    // with sign-up times only
  kDaysDetractorWaiting,
  kDetractorFollowedUp,   // with follow-up times only
  kDaysToFollowUp,        // with follow-up times only
};
inline constexpr int kChurnFeatureColumnCount = 17;
inline constexpr const char* kChurnFeatureColumnNames[kChurnFeatureColumnCount] = {
    "has_response",      "n_responses",         "score",
    "segment=detractor", "segment=passive",     "score_change",
    "segment_change",    "mean_score",          "min_score",
    "detractor_share",   "days_since_response", "tenure_days",
    "customer_age_days", "early_life_detractor", "days_detractor_waiting",
    "detractor_followed_up", "days_to_follow_up"};

// The name of a features column.
inline const char* ChurnFeatureColumnName(ChurnFeatureColumn c) {
  return kChurnFeatureColumnNames[static_cast<int>(c)];
}

// Prefix of a theme column ("theme=pricing") and the level of a user
// categorical's missing values ("plan=<missing>").
inline constexpr char kChurnThemePrefix[] = "theme=";
inline constexpr char kChurnMissingLevel[] = "<missing>";

// Where a design column's values come from.
enum class ChurnColumnSource : uint8_t {
  kFeature = 0,  // a ChurnFeatureColumn (`index`)
  kTheme,        // theme `index`: its flag on the customer's latest response (0 without one)
  kUserNumeric,  // user column `index`, copied (finite)
  kUserLevel,    // user column `index`: 1 where its code is `level`, else 0
  kUserMissing,  // user column `index`: 1 where its code is -1 (missing), else 0
};

// How a value that does not exist (NaN) is filled when the design fills.
enum class ChurnFill : uint8_t {
  kNone = 0,      // kept (NaN)
  kZero,          // 0: changes, shares, follow-up delays, an unknown age
  kNeutralScore,  // the middle of the passive band: (detractor_max + 1 + passive_max) / 2
  kCustomerAge,   // the customer's age in days (customer_age_days; 0 when unknown)
};

// One column of a design.
struct ChurnDesignColumn {
  std::string name;
  ChurnColumnSource source = ChurnColumnSource::kFeature;
  int32_t index = 0;  // feature column, theme, or user column (see the source)
  int32_t level = 0;  // kUserLevel: the level's index in its user column's levels
  ChurnFill fill = ChurnFill::kNone;  // applied only when the design fills
};

// A user column of a design: numeric (copied) or categorical, one-hot
// encoded with levels[0] the dropped reference level, and a "<name>=<missing>"
// column when `missing_column`.
struct ChurnUserColumn {
  std::string name;
  bool categorical = false;
  std::vector<std::string> levels;  // categorical: every level, the reference first
  bool missing_column = false;      // categorical: a column for missing values
};

// What the features were computed with, which decides the design's columns.
struct ChurnDesignSpec {
  bool signup = false;       // sign-up times given: tenure, age, early-life columns
  bool followed_up = false;  // follow-up times given: the two follow-up columns
  std::vector<std::string> themes;      // "theme=<name>" columns, in this order
  std::vector<ChurnUserColumn> user;    // the caller's columns, in this order
  bool fill = true;          // fill values that do not exist (ChurnFill rules)
  Cutoffs cutoffs;           // the segment cut-offs of the features (neutral score)
};

// A design: the spec and the ordered columns it makes (the features' columns
// in ChurnFeatureColumn order, those of absent inputs left out, then the
// themes, then the user columns, each categorical's levels after the first
// and its missing column).
struct ChurnDesign {
  ChurnDesignSpec spec;
  std::vector<ChurnDesignColumn> columns;

  size_t size() const { return columns.size(); }
  std::vector<std::string> names() const;
};

// Makes the design of `spec`. Errors: invalid cut-offs, an empty or
// duplicated theme or user column name, a categorical without levels or with
// a repeated level, a numeric column with levels, two columns of the same
// name, more than kMaxChurnFeatures columns.
absl::StatusOr<ChurnDesign> MakeChurnDesign(const ChurnDesignSpec& spec);

// The design restricted to the columns `names` (in that order), each of
// which must be a column of `design`: the design of a model that reads a
// subset, such as the prior.
absl::StatusOr<ChurnDesign> SelectChurnDesignColumns(const ChurnDesign& design,
                                                     absl::Span<const std::string> names);

// Validates a design read from outside (a file, a caller): every column's
// source, index, level and fill are in range, the names distinct and each
// equal to the name its source gives, the cut-offs valid.
absl::Status ValidateChurnDesign(const ChurnDesign& design);

// The data a design's columns come from, besides the features. Theme flags
// are per response row (0 or 1; the row numbering of the responses given to
// ComputeChurnFeatures): theme t of row r at theme_flags[t * n_response_rows
// + r]; empty without themes. User columns are per customer of the features
// table, one entry per user column of the spec: `numeric` holds the values of
// a numeric column (finite for the customers in the matrix) and an empty span
// for a categorical one; `codes` the level index of each customer for a
// categorical (-1: missing) and an empty span for a numeric one.
struct ChurnDesignData {
  absl::Span<const double> theme_flags;
  size_t n_response_rows = 0;
  std::vector<absl::Span<const double>> numeric;
  std::vector<absl::Span<const int32_t>> codes;
};

struct MatrixView;  // below

// A design matrix: column-major (element (i, j) at values[j * rows + i]), one
// row per customer of the features table who had signed up by as_of
// (`customer_rows` gives each row's customer index in the table).
struct ChurnMatrix {
  std::vector<double> values;
  size_t rows = 0;
  size_t cols = 0;
  std::vector<int64_t> customer_rows;

  MatrixView view() const;  // defined below MatrixView
};

// Builds the matrix of `design` from `features` and `data`. Customers who
// signed up after as_of are left out. Errors name the argument and, for data,
// the first offending row and value: theme flags of the wrong size or not
// 0/1, a latest response row outside them, user columns of the wrong count
// or length, a non-finite numeric value or a level code outside -1..levels-1
// of a customer in the matrix.
absl::StatusOr<ChurnMatrix> BuildChurnMatrix(const ChurnDesign& design,
                                             const ChurnFeatures& features,
                                             const ChurnDesignData& data = {});

// Serialised form of a design (little-endian, the model file's encoding; the
// layout is documented in src/churn_design.cc). Parse validates as
// ValidateChurnDesign; a truncated or trailing input is an error.
std::string SerializeChurnDesign(const ChurnDesign& design);
absl::StatusOr<ChurnDesign> ParseChurnDesign(absl::string_view bytes);

// (end of the design matrix)

// --- Model: logistic regression, prior, reasons, evaluation, persistence (src/churn.cc) ---

// A read-only view of a dense rows x cols matrix of doubles, row-major
// (element (i, j) at values[i * cols + j]) or column-major (values[j * rows + i]).
struct MatrixView {
  absl::Span<const double> values;
  size_t rows = 0;
  size_t cols = 0;
  bool row_major = true;

  double at(size_t i, size_t j) const {
    return row_major ? values[i * cols + j] : values[j * rows + i];
  }
};

inline MatrixView ChurnMatrix::view() const { return MatrixView{values, rows, cols, false}; }

// Hyper-parameters of the L2-regularised logistic regression. The objective is
// scikit-learn's LogisticRegression(C=C) (l1_ratio=0, the lbfgs objective):
//
//   F(w, b) = sum_i s_i * [log(1 + exp(z_i)) - y_i z_i] + ||w||^2 / (2 C),
//   z_i = b + x_i . w,
//
// where s_i = sample_weight_i * class_weight[y_i] and the intercept b is not
// penalised. The fit stops when the largest component of the gradient of
// F / sum_i s_i (scikit-learn's scaling) is at most `tol`. Solved by Newton's
// method (Cholesky of the (p+1)^2 Hessian) with a backtracking line search.
struct ChurnFitOptions {
  double C = 1.0;              // inverse L2 strength, > 0 (infinity: no penalty)
  bool fit_intercept = true;
  // Fit on columns centred and scaled by their training mean and standard
  // deviation (ddof 0, unweighted, like StandardScaler; a constant column gets
  // scale 1). The penalty then acts on the standardised coefficients; the
  // model reports coefficients on the original scale.
  bool standardize = false;
  // Class weights {w_0, w_1} (empty: none). balanced_class_weight computes them
  // as scikit-learn's class_weight="balanced": sum(s) / (2 * sum(s | class)).
  std::vector<double> class_weight;
  bool balanced_class_weight = false;
  double tol = 1e-8;    // finite, > 0
  int max_iter = 100;   // Newton iterations, 1..kMaxIterations (limits.h)
  // 0: one per hardware thread, for large inputs; at most kMaxThreads, and
  // fewer when the threads' Hessians would take more than 1 GiB together.
  int threads = 0;
};

// Columns of a fitted model. Newton's method holds the (p + 1)^2 Hessian per
// thread and factorises it at every step (O(p^3)): 4,096 columns is 134 MB
// per thread and seconds per step. Saved models are bounded alike.
inline constexpr size_t kMaxChurnFeatures = 4096;

// How a fit ended.
struct ChurnFitInfo {
  int n_iter = 0;
  bool converged = false;
  double grad_norm = 0;  // max |gradient of F / sum(s)| at the end
  double objective = 0;  // F / sum(s) at the end (scikit-learn's scaled loss)
  // Non-fatal findings in the data (constant columns), one sentence each.
  std::vector<std::string> warnings;
};

// A fitted (or prior) churn model: P(churn | x) = 1 / (1 + exp(-(b + x . w))),
// with w (coef) and b (intercept) on the original scale of the columns.
struct ChurnModel {
  std::vector<std::string> feature_names;
  std::vector<double> coef;
  double intercept = 0;
  // Reference of each column for reasons: contribution_j = coef_j * (x_j - reference_j).
  // Fitted: 0 for a 0/1 indicator column (its reference level), else the
  // training mean. Prior: 0 (every column is an indicator).
  std::vector<double> reference;
  // Standardisation used in the fit (empty if none): mean and scale per column.
  std::vector<double> mean, scale;
  ChurnFitOptions options;
  ChurnFitInfo info;
  bool is_prior = false;
  double horizon_days = 0;  // prior models: the horizon of the probabilities
  // The design the model reads (none for a model fitted on a matrix made
  // elsewhere): its column names equal feature_names (AttachChurnDesign).
  std::optional<ChurnDesign> design;

  size_t n_features() const { return coef.size(); }
};

// Fits the model to X (n x p, p <= kMaxChurnFeatures), labels y (0 or 1, both
// present) and optional sample_weight (empty: all 1; finite, >= 0).
// `feature_names` is empty or has p distinct names (empty: "x0", "x1", ...).
// Errors name the row and column of a NaN/inf value, a label that is not 0/1,
// a single class, identical (non-constant) columns when C = inf (no penalty:
// their coefficients are not unique), and the option out of range. With a
// finite C duplicated, collinear and constant columns are fitted (the penalty
// keeps the solution unique, as in scikit-learn); constant ones are reported
// in info.warnings. A fit that reaches max_iter
// is returned with info.converged = false.
absl::StatusOr<ChurnModel> FitChurnModel(const MatrixView& X, absl::Span<const double> y,
                                         absl::Span<const double> sample_weight,
                                         const ChurnFitOptions& options,
                                         absl::Span<const std::string> feature_names = {});

// Checks that X has the model's column count and finite values.
absl::Status CheckChurnInput(const ChurnModel& model, const MatrixView& X);

// Gives `model` the design it reads (FitChurnModel's and PriorChurnModel's
// results, or a model from elsewhere): the design must be valid and its
// column names equal the model's feature names, in order (for a model that
// reads some of a design's columns, SelectChurnDesignColumns first).
absl::Status AttachChurnDesign(ChurnDesign design, ChurnModel* model);

// Checks the column names of a matrix against the model's design (without
// one, its feature names): the same names in the same order. The error
// names the first column that differs.
absl::Status CheckChurnColumns(const ChurnModel& model, absl::Span<const std::string> names);

// Writes P(churn) of each row of X into `out` (X.rows values).
absl::Status PredictChurn(const ChurnModel& model, const MatrixView& X, absl::Span<double> out);

// Reasons shown per customer, at most: reasons are read by people, and the
// output holds rows x top slots (use the coefficients for a full breakdown).
inline constexpr int kMaxReasons = 100;

// Reasons: for each row, the `top` (1..kMaxReasons) columns whose
// contributions coef_j * (x_j - reference_j) raise the risk most, largest
// first. Writes P(churn) into `proba` (rows values), the column indices into
// `features` and the contributions (on the log-odds scale) into
// `contributions` (rows * top values each, row-major); a row with fewer than
// `top` positive contributions (e.g. top above the model's features) has
// -1 / 0 in the remaining slots. `threads` 0..kMaxThreads (0: automatic).
// Applies DefaultChurnReasonRules(model.feature_names) (below): columns
// without a rule are reasons as described; churn_features' columns are
// grouped, and left out where filled in, inapplicable or contradicting their
// documented direction. Without rules: one pass, no allocation.
absl::Status ExplainChurn(const ChurnModel& model, const MatrixView& X, int top,
                          absl::Span<double> proba, absl::Span<int32_t> features,
                          absl::Span<double> contributions, int threads = 1);

// How the contributions of one column become reasons a person can act on.
// Without rules every positive contribution is a reason of its own; the
// rules below keep a reason from restating one score several times, from
// coming from a filled-in or inapplicable value, and from contradicting the
// column's documented meaning (a high score is never a churn reason).
struct ChurnReasonRule {
  // Columns with the same non-empty group are one reason: the contributions
  // of the applicable members are summed (their net effect on the log-odds,
  // so collinear coefficients of opposite sign offset each other) and
  // reported under the group's first column.
  std::string group;
  // The documented direction: +1 a higher value raises the risk, -1 a lower
  // value does, 0 none documented. A member whose coefficient contradicts
  // its direction counts in the sum only where its contribution is negative
  // (it may lower a reason, never raise it), and a reason (a column or a
  // group) is shown only when the sum is positive and at least one
  // applicable member whose coefficient has the documented sign (direction
  // 0: any) contributes positively. Such a column still moves the
  // probability; it is never worded as a reason.
  int direction = 0;
  // The column applies to a row only when X(row, when_column) > when_above
  // (-1: always); an inapplicable column is left out of every reason of that
  // row (e.g. score columns filled in for a customer who never answered).
  int32_t when_column = -1;
  double when_above = 0;
};

// The group of churn_features' score-history columns (latest, mean and
// lowest score, segment indicators, detractor share, change since the
// previous answer).
inline constexpr char kScoreHistoryGroup[] = "score history";

// The rules of churn_features' columns, by name (others get the empty rule):
//   score history (one group, applicable when has_response > 0): score -1,
//     mean_score -1, min_score -1, segment=detractor +1, segment=passive +1,
//     detractor_share +1; score_change -1 and segment_change -1 only when
//     n_responses > 1;
//   days_since_response +1 and tenure_days -1 when has_response > 0;
//   days_detractor_waiting +1 when it is > 0 (a detractor still waiting);
//   days_to_follow_up +1 when detractor_followed_up > 0;
//   detractor_followed_up -1, early_life_detractor +1, n_responses -1,
//   has_response -1, customer_age_days -1.
// Directions follow the domain: lower scores, longer waits and silences and
// newer customers mean more churn; answering and being followed up, less.
std::vector<ChurnReasonRule> DefaultChurnReasonRules(absl::Span<const std::string> feature_names);

// ExplainChurn with explicit rules (one per column; empty: none). The
// ExplainChurn above applies DefaultChurnReasonRules(model.feature_names).
// `features` then holds a reason's column, or its group's first column, and
// `contributions` the (group's net) contribution. Errors: rules of the wrong
// count, a direction outside -1..1, a when_column outside the columns.
absl::Status ExplainChurn(const ChurnModel& model, const MatrixView& X,
                          absl::Span<const ChurnReasonRule> rules, int top,
                          absl::Span<double> proba, absl::Span<int32_t> features,
                          absl::Span<double> contributions, int threads = 1);

// Segment base rates of the prior model: the probability of churning within
// `horizon_days` of each. Where each default comes from (the sample is
// npscore.datasets.load_sample(); its rate is pooled over the month starts
// 2023-07 to 2025-09 as of which the customer was active, with the latest
// answer's segment as of that date):
//   detractor 40% / 90 days: docs/sources.md section 5 (002) gives 40-50%; the
//     sample realises 40.3% (n 1,299), so the bottom of the range;
//   early-life detractor 50% / 90 days: 002 (top of 40-50%); sample 50.1% (485);
//   passive 25% / 180 days: 002 citing ChurnZero, 20-30%; sample 24.5% (3,942);
//   promoter 9% / 180 days: no published figure (002: at Buffer promoters
//     churned at nearly the passives' rate); sample 8.8% (9,941);
//   no answer yet 5% / 90 days: no published figure; sample 4.9% (4,496).
//     (Before: 10% / 365 days, i.e. 2.6% over 90 days, half what the sample
//     realises.)
struct SegmentRate {
  double rate = 0;
  double horizon_days = 0;
};
struct ChurnPriorRates {
  SegmentRate detractor{0.40, 90};
  SegmentRate early_life_detractor{0.50, 90};
  SegmentRate passive{0.25, 180};
  SegmentRate promoter{0.09, 180};
  SegmentRate baseline{0.05, 90};
};

// Column names the prior model reads, as churn_features names them: 0/1
// indicators of the latest segment (promoter is the reference level), of any
// answer so far, and of an early-life detractor answer. A row without an
// answer gets the baseline rate; an answer with neither segment set is a
// promoter's.
struct ChurnPriorColumns {
  std::string detractor = ChurnFeatureColumnName(ChurnFeatureColumn::kSegmentDetractor);
  std::string passive = ChurnFeatureColumnName(ChurnFeatureColumn::kSegmentPassive);
  std::string answered = ChurnFeatureColumnName(ChurnFeatureColumn::kHasResponse);
  std::string early_life_detractor =
      ChurnFeatureColumnName(ChurnFeatureColumn::kEarlyLifeDetractor);
};

// The rate over `horizon_days` of a constant hazard that gives `rate` over
// `from_days`: 1 - (1 - rate)^(horizon_days / from_days).
double ConvertHorizon(double rate, double from_days, double horizon_days);

// The longest churn horizon, in days (100 years), of a prior model and of
// its rates: over longer horizons a constant hazard makes every rate round
// to 1 (certain churn), which a logistic model cannot represent.
inline constexpr double kMaxChurnHorizonDays = 36525;

// A logistic model without training data: each segment's rate converted to
// `horizon_days` (in (0, kMaxChurnHorizonDays]) under a constant hazard. A
// rate that the conversion turns into 0 or 1 (a horizon far longer or
// shorter than the rate's own) is an error naming the segment. Columns in the order detractor,
// passive, answered, early-life; intercept logit(baseline); `answered` adds
// logit(promoter) - logit(baseline); a segment column adds logit(segment) -
// logit(promoter); the early-life column adds logit(early-life) - logit(detractor).
// With the default column names the model carries the design of its four
// columns (features with sign-up times; without them early_life_detractor is
// 0, a customer without an answer is never early-life).
absl::StatusOr<ChurnModel> PriorChurnModel(double horizon_days, const ChurnPriorRates& rates = {},
                                           const ChurnPriorColumns& columns = {});

// Calibration bin of an evaluation: rows sorted by predicted probability and
// cut into equal-count bins, lowest first.
struct ReliabilityBin {
  int64_t count = 0;
  double mean_predicted = 0;
  double observed_rate = 0;
};

struct ChurnEvaluation {
  int64_t n = 0;
  int64_t positives = 0;
  double auc = 0;       // ROC AUC (Mann-Whitney, ties count 1/2)
  double brier = 0;     // mean (p - y)^2
  double log_loss = 0;  // mean -[y log p + (1-y) log(1-p)], p clipped to [eps, 1-eps]
  double base_rate = 0;
  double top_decile_rate = 0;  // observed rate among the 10% highest p (ceil(n/10) rows)
  double lift = 0;             // top_decile_rate / base_rate
  std::vector<ReliabilityBin> reliability;
};

// Reliability bins of an evaluation, at most: beyond this, bins hold too
// few rows to estimate a rate (and the table is for people to read).
inline constexpr int kMaxReliabilityBins = 1000;

// Rows of one evaluation: rows are ranked with 32-bit indices.
inline constexpr size_t kMaxEvaluationRows = 4294967295u;

// Scores predictions p (in [0, 1]) against labels y (0/1, both present) with
// `bins` (1..kMaxReliabilityBins) reliability bins. No rows, a single class,
// and more than kMaxEvaluationRows rows are errors.
absl::StatusOr<ChurnEvaluation> EvaluateChurn(absl::Span<const double> y,
                                              absl::Span<const double> p, int bins = 10);

// --- Validation: k-fold cross-validation and the backtest (src/churn_validate.cc) ---

// Folds of one ChurnFolds call, at most (each fold fits a model).
inline constexpr int kMaxChurnFolds = 1000;

// The fold (0..k-1) of each of n rows for k-fold cross-validation: the rows
// shuffled by a Fisher-Yates pass driven by SplitMix64 from `seed` (unbiased
// bounded draws), then cut in that order into k folds whose sizes differ by
// at most one (the first n % k folds one row larger). The same (n, k, seed)
// gives the same folds in every language and on every platform. k in
// 2..min(n, kMaxChurnFolds).
absl::StatusOr<std::vector<int32_t>> ChurnFolds(size_t n, int k, uint64_t seed);

// One fold of CrossValidateChurn: the model fitted on the other folds,
// scored on this one.
struct ChurnFold {
  int32_t fold = 0;
  int64_t n_train = 0;
  int64_t n_test = 0;
  ChurnEvaluation evaluation;
  int n_iter = 0;
  bool converged = false;
};

// k-fold cross-validation of FitChurnModel(options) on (X, y, sample_weight)
// with the folds of ChurnFolds(X.rows, k, seed): for each fold, a model fitted
// on the rows of the other folds (in row order) scores this fold's rows,
// evaluated by EvaluateChurn with `bins` bins. Errors name the fold (a fold
// whose training or test labels hold a single class cannot be scored). For
// churn data a split by time (BacktestChurn) is the honest estimate; use this
// to compare model settings on one snapshot.
absl::StatusOr<std::vector<ChurnFold>> CrossValidateChurn(
    const MatrixView& X, absl::Span<const double> y, absl::Span<const double> sample_weight,
    const ChurnFitOptions& options, int k, uint64_t seed, int bins = 10);

// P(churn) of the prior model over `horizon_days` (PriorChurnModel with the
// default rates) for the rows of a features matrix whose columns are
// `names`: the baseline every fitted model must beat. The prior's columns are
// looked up by name; without an early_life_detractor column (no sign-up
// times) no answer counts as early-life. Returns false, writing nothing, when
// another of the prior's columns is absent; else writes X.rows values.
absl::StatusOr<bool> PredictChurnPrior(const MatrixView& X, absl::Span<const std::string> names,
                                       double horizon_days, absl::Span<double> out);

// A backtest: a model trained on features as of an earlier date and scored
// on the churn that followed a later one, beside the prior on the same rows.
struct ChurnBacktest {
  ChurnModel model;
  std::vector<double> p_test;   // the model's P(churn) of each test row
  std::vector<double> p_prior;  // the prior's (empty when X_test lacks its columns)
  ChurnEvaluation test;         // of p_test
  ChurnEvaluation prior;        // of p_prior (n = 0 without it)
  double train_churn_rate = 0;
  double test_churn_rate = 0;

  bool has_prior() const { return !p_prior.empty(); }
  // The model is worth using: a higher AUC and a lower Brier score than the prior's.
  bool beats_prior() const {
    return has_prior() && test.auc > prior.auc && test.brier < prior.brier;
  }
};

// Fits FitChurnModel(options) on (X_train, y_train), predicts X_test and
// evaluates it against y_test (EvaluateChurn, `bins` bins), with the prior
// over `horizon_days` (PredictChurnPrior) on the same rows. Both matrices
// have the columns `feature_names` (the features of two as-of dates, e.g.
// from one ChurnDesign; see CheckTimeSplit for the dates). Errors: labels of
// a single class on either side (naming the side and its counts), and
// FitChurnModel's and EvaluateChurn's.
absl::StatusOr<ChurnBacktest> BacktestChurn(const MatrixView& X_train,
                                            absl::Span<const double> y_train,
                                            const MatrixView& X_test,
                                            absl::Span<const double> y_test,
                                            absl::Span<const std::string> feature_names,
                                            double horizon_days,
                                            const ChurnFitOptions& options = {}, int bins = 10);

// Persistence. Format (little-endian): "NPSCHURN" magic, u32 format version,
// u64 payload length, the payload (options, fit info, names, coefficients,
// references, standardisation; version 2 adds the design), then the FNV-1a
// 64-bit hash of the payload. A model without a design is written as version
// 1 (the bytes of npscore 0.4), one with a design as version 2; both are read.
// A truncated, corrupted, foreign or newer file is an error naming the cause.
// LoadChurnModel reads regular files only (a directory, FIFO or device is an
// error naming the path, so a load never blocks) of at most
// kMaxChurnModelBytes, and every error names the path and the system's
// reason (missing, not readable, empty, ...). A model with more than
// kMaxChurnFeatures features is neither written nor read.
inline constexpr uint32_t kChurnModelFormatVersion = 2;
// The largest model file read: far above any model of kMaxChurnFeatures
// features with readable names, and bounds what a load reads into memory.
inline constexpr uint64_t kMaxChurnModelBytes = uint64_t{64} << 20;
std::string SerializeChurnModel(const ChurnModel& model);
absl::StatusOr<ChurnModel> ParseChurnModel(absl::string_view bytes);
absl::Status SaveChurnModel(const ChurnModel& model, const std::string& path);
absl::StatusOr<ChurnModel> LoadChurnModel(const std::string& path);
// True for an error of SaveChurnModel / LoadChurnModel that the file system
// caused (the file cannot be opened, read or written, or is not a regular
// file), false for invalid content or an invalid path. Both are
// InvalidArgument; the C API reports the former as NPSCORE_EIO.
bool IsChurnFileError(const absl::Status& status);

// (end of churn model)

}  // namespace npscore

#endif  // NPSCORE_CHURN_H_
