// The C ABI of the churn model (npscore/c_api.h): thin wrappers over
// npscore/churn.h.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/churn_handles.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"

// The C header repeats the core's bounds: they must agree.
static_assert(NPSCORE_MAX_CHURN_FEATURES == npscore::kMaxChurnFeatures, "features");
static_assert(NPSCORE_MAX_REASONS == npscore::kMaxReasons, "reasons");
static_assert(NPSCORE_MAX_RELIABILITY_BINS == npscore::kMaxReliabilityBins, "bins");
static_assert(NPSCORE_MAX_CHURN_HORIZON_DAYS == npscore::kMaxChurnHorizonDays, "horizon");
static_assert(NPSCORE_MAX_CHURN_MODEL_BYTES == npscore::kMaxChurnModelBytes, "model bytes");

// The prior options' macro gives the core's default rates (the fit
// options' core struct is not constexpr: the INIT-vs-_init() test, whose
// _init() is built from the core's defaults, checks those).
namespace {
constexpr npscore_churn_prior_options kPriorInit = NPSCORE_CHURN_PRIOR_OPTIONS_INIT;
constexpr npscore::ChurnPriorRates kCorePrior{};
static_assert(kPriorInit.detractor_rate == kCorePrior.detractor.rate &&
                  kPriorInit.detractor_days == kCorePrior.detractor.horizon_days &&
                  kPriorInit.early_life_detractor_rate == kCorePrior.early_life_detractor.rate &&
                  kPriorInit.early_life_detractor_days ==
                      kCorePrior.early_life_detractor.horizon_days &&
                  kPriorInit.passive_rate == kCorePrior.passive.rate &&
                  kPriorInit.passive_days == kCorePrior.passive.horizon_days &&
                  kPriorInit.promoter_rate == kCorePrior.promoter.rate &&
                  kPriorInit.promoter_days == kCorePrior.promoter.horizon_days &&
                  kPriorInit.baseline_rate == kCorePrior.baseline.rate &&
                  kPriorInit.baseline_days == kCorePrior.baseline.horizon_days,
              "NPSCORE_CHURN_PRIOR_OPTIONS_INIT must equal npscore::ChurnPriorRates{}");
}  // namespace


namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options structs (one version so far).
constexpr size_t kFitOptionsSize[] = {sizeof(npscore_churn_fit_options)};
constexpr size_t kPriorOptionsSize[] = {sizeof(npscore_churn_prior_options)};

// The fit options' defaults, from the core's.
npscore_churn_fit_options FitDefaults() {
  const ChurnFitOptions d;
  npscore_churn_fit_options o;
  o.version = NPSCORE_CHURN_FIT_OPTIONS_VERSION;
  o.C = d.C;
  o.fit_intercept = d.fit_intercept ? 1 : 0;
  o.standardize = d.standardize ? 1 : 0;
  o.class_weight_mode = d.balanced_class_weight  ? NPSCORE_CLASS_WEIGHT_BALANCED
                        : d.class_weight.empty() ? NPSCORE_CLASS_WEIGHT_NONE
                                                 : NPSCORE_CLASS_WEIGHT_GIVEN;
  o.class_weight[0] = d.class_weight.size() == 2 ? d.class_weight[0] : 1.0;
  o.class_weight[1] = d.class_weight.size() == 2 ? d.class_weight[1] : 1.0;
  o.tol = d.tol;
  o.max_iter = d.max_iter;
  o.threads = d.threads;
  return o;
}

// The prior options' defaults, from the core's.
npscore_churn_prior_options PriorDefaults() {
  const ChurnPriorRates d;
  return {NPSCORE_CHURN_PRIOR_OPTIONS_VERSION,
          d.detractor.rate,
          d.detractor.horizon_days,
          d.early_life_detractor.rate,
          d.early_life_detractor.horizon_days,
          d.passive.rate,
          d.passive.horizon_days,
          d.promoter.rate,
          d.promoter.horizon_days,
          d.baseline.rate,
          d.baseline.horizon_days};
}

// Reads a layout and the matrix pointer into a view; NPSCORE_OK or the error.
npscore_status ReadMatrix(Call& call, const double* x, size_t rows, size_t cols, int32_t layout,
                          MatrixView* out) {
  if (layout != NPSCORE_ROW_MAJOR && layout != NPSCORE_COL_MAJOR) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("layout is ", layout),
                     ": use NPSCORE_ROW_MAJOR (0) or NPSCORE_COL_MAJOR (1)");
  }
  if (cols != 0 && rows > SIZE_MAX / 8 / cols) {
    return call.Fail(NPSCORE_EINVAL, "rows * cols overflows");
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, x, rows * cols, "x"));
  out->values = absl::Span<const double>(x, rows * cols);
  out->rows = rows;
  out->cols = cols;
  out->row_major = layout == NPSCORE_ROW_MAJOR;
  return NPSCORE_OK;
}

// Writes strings[k], owned by the model, to *out; `index` past the end is an
// error counting `what`.
npscore_status StringAt(Call& call, const std::vector<std::string>& strings, size_t k,
                        const char* index, const char* what, const char** out) {
  if (k >= strings.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat(index, " is ", k),
                     absl::StrCat(": the model has ", strings.size(), " ", what));
  }
  *out = strings[k].c_str();
  return call.Ok();
}

// Reads fit options (NULL: defaults) into the core's.
npscore_status ReadFitOptions(Call& call, const npscore_churn_fit_options* opts,
                              ChurnFitOptions* out) {
  npscore_churn_fit_options c;
  NPSCORE_C_RETURN_IF_ERROR(ReadOptions(call, opts, FitDefaults(), kFitOptionsSize, "opts", &c));
  ChurnFitOptions& o = *out;
  o.C = c.C;
  o.fit_intercept = c.fit_intercept != 0;
  o.standardize = c.standardize != 0;
  if (c.class_weight_mode == NPSCORE_CLASS_WEIGHT_BALANCED) {
    o.balanced_class_weight = true;
  } else if (c.class_weight_mode == NPSCORE_CLASS_WEIGHT_GIVEN) {
    o.class_weight = {c.class_weight[0], c.class_weight[1]};
  } else if (c.class_weight_mode != NPSCORE_CLASS_WEIGHT_NONE) {
    return call.Fail(NPSCORE_EINVAL,
                     absl::StrCat("opts->class_weight_mode is ", c.class_weight_mode),
                     ": use NPSCORE_CLASS_WEIGHT_NONE, _BALANCED or _GIVEN");
  }
  o.tol = c.tol;
  o.max_iter = c.max_iter;
  o.threads = c.threads;
  return NPSCORE_OK;
}

// Reads `cols` feature names (NULL: none, the core names them x0, x1, ...).
npscore_status ReadNames(Call& call, const char* const* names, size_t cols,
                         std::vector<std::string>* out) {
  if (names == nullptr) return NPSCORE_OK;
  for (size_t j = 0; j < cols; ++j) {
    if (names[j] == nullptr) return call.Null(absl::StrCat("feature_names[", j, "]"));
    out->emplace_back(names[j]);
  }
  return NPSCORE_OK;
}

// Checks a reliability bin count.
npscore_status CheckBins(Call& call, size_t bins) {
  if (bins < 1 || bins > static_cast<size_t>(kMaxReliabilityBins)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("bins is ", bins),
                     absl::StrCat(": it must be in 1..", kMaxReliabilityBins,
                                  " (NPSCORE_MAX_RELIABILITY_BINS)"));
  }
  return NPSCORE_OK;
}

npscore_churn_evaluation EvaluationToC(const ChurnEvaluation& e) {
  npscore_churn_evaluation r;
  r.n = e.n;
  r.positives = e.positives;
  r.auc = e.auc;
  r.brier = e.brier;
  r.log_loss = e.log_loss;
  r.base_rate = e.base_rate;
  r.top_decile_rate = e.top_decile_rate;
  r.lift = e.lift;
  return r;
}

// A failed save or load: NPSCORE_EIO when the file system refused, else the
// status's own code.
npscore_status FailFile(Call& call, const absl::Status& status) {
  return IsChurnFileError(status) ? call.Fail(NPSCORE_EIO, status.message())
                                  : call.Fail(status);
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;

extern "C" {

NPSCORE_API npscore_status npscore_churn_fit_options_init(npscore_churn_fit_options *opts,
                                                          uint32_t version, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::FitDefaults(),
                                    npscore::capi::kFitOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_prior_options_init(npscore_churn_prior_options *opts,
                                                            uint32_t version,
                                                            npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::PriorDefaults(),
                                    npscore::capi::kPriorOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_fit(npscore_churn_model **out, const double *x,
                                                   size_t rows, size_t cols, int32_t layout,
                                                   const double *y, const double *sample_weight,
                                                   const char *const *feature_names,
                                                   const npscore_churn_fit_options *opts,
                                                   npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y, rows, "y"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, sample_weight, 0, "sample_weight"));
  npscore::ChurnFitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  std::vector<std::string> names;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadNames(call, feature_names, cols, &names));
  absl::Span<const double> w;
  if (sample_weight != nullptr) w = absl::Span<const double>(sample_weight, rows);
  auto m = npscore::FitChurnModel(X, absl::Span<const double>(y, rows), w, o, names);
  if (!m.ok()) return call.Fail(m.status());
  *out = new npscore_churn_model{*std::move(m)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_new(npscore_churn_model **out,
                                                   double horizon_days,
                                                   const npscore_churn_prior_options *opts,
                                                   npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore_churn_prior_options c;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(call, opts, npscore::capi::PriorDefaults(),
                                                       npscore::capi::kPriorOptionsSize, "opts",
                                                       &c));
  npscore::ChurnPriorRates r;
  r.detractor = {c.detractor_rate, c.detractor_days};
  r.early_life_detractor = {c.early_life_detractor_rate, c.early_life_detractor_days};
  r.passive = {c.passive_rate, c.passive_days};
  r.promoter = {c.promoter_rate, c.promoter_days};
  r.baseline = {c.baseline_rate, c.baseline_days};
  auto m = npscore::PriorChurnModel(horizon_days, r);
  if (!m.ok()) return call.Fail(m.status());
  *out = new npscore_churn_model{*std::move(m)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_info(npscore_churn_fit_info *out,
                                                    const npscore_churn_model *model,
                                                    npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(model);
  const npscore::ChurnModel& m = model->model;
  npscore_churn_fit_info info;
  info.n_iter = m.info.n_iter;
  info.converged = m.info.converged ? 1 : 0;
  info.grad_norm = m.info.grad_norm;
  info.objective = m.info.objective;
  info.n_warnings = m.info.warnings.size();
  info.is_prior = m.is_prior ? 1 : 0;
  info.horizon_days = m.horizon_days;
  *out = info;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_churn_model_n_features(const npscore_churn_model *model) {
  return model == nullptr ? 0 : model->model.coef.size();
}

NPSCORE_API npscore_status npscore_churn_model_coef(double *out, size_t out_capacity,
                                                    double *out_intercept,
                                                    const npscore_churn_model *model,
                                                    npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(model);
  const npscore::ChurnModel& m = model->model;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckOutput(call, out, out_capacity, m.coef.size(), "out"));
  NPSCORE_C_REQUIRE(out_intercept);
  for (size_t j = 0; j < m.coef.size(); ++j) out[j] = m.coef[j];
  *out_intercept = m.intercept;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_feature_name(const char **out,
                                                            const npscore_churn_model *model,
                                                            size_t j, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(model);
  return npscore::capi::StringAt(call, model->model.feature_names, j, "j", "features", out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_warning(const char **out,
                                                       const npscore_churn_model *model,
                                                       size_t k, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(model);
  return npscore::capi::StringAt(call, model->model.info.warnings, k, "k", "warnings", out);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_predict(double *out, size_t out_capacity,
                                                       const npscore_churn_model *model,
                                                       const double *x, size_t rows,
                                                       size_t cols, int32_t layout,
                                                       npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(model);
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, rows, "out"));
  const absl::Status st = npscore::PredictChurn(model->model, X, absl::Span<double>(out, rows));
  if (!st.ok()) return call.Fail(st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_explain(
    double *out_proba, size_t out_proba_capacity, int32_t *out_features,
    size_t out_features_capacity, double *out_contributions, size_t out_contributions_capacity,
    const npscore_churn_model *model, const double *x, size_t rows, size_t cols, int32_t layout,
    size_t top, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(model);
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  if (top < 1 || top > static_cast<size_t>(npscore::kMaxReasons)) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("top is ", top),
                     absl::StrCat(": give 1..", npscore::kMaxReasons,
                                  " reasons per row (NPSCORE_MAX_REASONS; for probabilities "
                                  "alone, npscore_churn_model_predict)"));
  }
  if (rows > SIZE_MAX / npscore::kMaxReasons) {
    return call.Fail(NPSCORE_EINVAL, "rows * top overflows");
  }
  const size_t k = rows * top;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckOutput(call, out_proba, out_proba_capacity, rows, "out_proba"));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckOutput(call, out_features, out_features_capacity, k, "out_features"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(
      call, out_contributions, out_contributions_capacity, k, "out_contributions"));
  const absl::Status st = npscore::ExplainChurn(
      model->model, X, static_cast<int>(top), absl::Span<double>(out_proba, rows),
      absl::Span<int32_t>(out_features, k), absl::Span<double>(out_contributions, k), 1);
  if (!st.ok()) return call.Fail(st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_evaluate(npscore_churn_evaluation *out,
                                                  npscore_churn_reliability_bin *out_bins,
                                                  size_t out_bins_capacity, const double *y,
                                                  const double *p, size_t n, size_t bins,
                                                  npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y, n, "y"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, p, n, "p"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckBins(call, bins));
  if (out_bins != nullptr || out_bins_capacity != 0) {
    NPSCORE_C_RETURN_IF_ERROR(
        npscore::capi::CheckOutput(call, out_bins, out_bins_capacity, bins, "out_bins"));
  }
  auto e = npscore::EvaluateChurn(absl::Span<const double>(y, n), absl::Span<const double>(p, n),
                                  static_cast<int>(bins));
  if (!e.ok()) return call.Fail(e.status());
  const npscore_churn_evaluation r = npscore::capi::EvaluationToC(*e);
  if (out_bins != nullptr && e->reliability.size() != bins) {
    return call.Fail(NPSCORE_EINTERNAL,
                     absl::StrCat("the evaluation has ", e->reliability.size(), " bins, not ", bins));
  }
  *out = r;
  if (out_bins != nullptr) {
    for (size_t b = 0; b < bins; ++b) {
      out_bins[b].count = e->reliability[b].count;
      out_bins[b].mean_predicted = e->reliability[b].mean_predicted;
      out_bins[b].observed_rate = e->reliability[b].observed_rate;
    }
  }
  return call.Ok();
  NPSCORE_C_END
}

static_assert(NPSCORE_MAX_CHURN_FOLDS == npscore::kMaxChurnFolds, "folds");

NPSCORE_API npscore_status npscore_churn_folds(int32_t *out, size_t out_capacity, size_t n,
                                               int32_t k, uint64_t seed, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, n, "out"));
  auto folds = npscore::ChurnFolds(n, k, seed);
  if (!folds.ok()) return call.Fail(folds.status());
  for (size_t i = 0; i < n; ++i) out[i] = (*folds)[i];
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_cross_validate(
    npscore_churn_fold *out, size_t out_capacity, const double *x, size_t rows, size_t cols,
    int32_t layout, const double *y, const double *sample_weight,
    const npscore_churn_fit_options *opts, int32_t k, uint64_t seed, size_t bins,
    npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(
      call, out, out_capacity, k > 0 ? static_cast<size_t>(k) : 0, "out"));
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y, rows, "y"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, sample_weight, 0, "sample_weight"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckBins(call, bins));
  npscore::ChurnFitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  auto folds = npscore::CrossValidateChurn(
      X, absl::Span<const double>(y, rows),
      sample_weight == nullptr ? absl::Span<const double>()
                               : absl::Span<const double>(sample_weight, rows),
      o, k, seed, static_cast<int>(bins));
  if (!folds.ok()) return call.Fail(folds.status());
  for (size_t f = 0; f < folds->size(); ++f) {
    const npscore::ChurnFold& r = (*folds)[f];
    out[f].fold = r.fold;
    out[f].n_train = r.n_train;
    out[f].n_test = r.n_test;
    out[f].evaluation = npscore::capi::EvaluationToC(r.evaluation);
    out[f].n_iter = r.n_iter;
    out[f].converged = r.converged ? 1 : 0;
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_backtest(
    npscore_churn_model **out_model, npscore_churn_backtest_result *out, double *out_p_test,
    double *out_p_prior, size_t out_capacity, const double *x_train, size_t train_rows,
    const double *y_train, const double *x_test, size_t test_rows, const double *y_test,
    size_t cols, int32_t layout, const char *const *feature_names, double horizon_days,
    const npscore_churn_fit_options *opts, size_t bins, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_model);
  *out_model = nullptr;
  NPSCORE_C_REQUIRE(out);
  if (out_p_test != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(
        npscore::capi::CheckOutput(call, out_p_test, out_capacity, test_rows, "out_p_test"));
  }
  if (out_p_prior != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(
        npscore::capi::CheckOutput(call, out_p_prior, out_capacity, test_rows, "out_p_prior"));
  }
  npscore::MatrixView train, test;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x_train, train_rows, cols, layout,
                                                      &train));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x_test, test_rows, cols, layout,
                                                      &test));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y_train, train_rows, "y_train"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y_test, test_rows, "y_test"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckBins(call, bins));
  npscore::ChurnFitOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFitOptions(call, opts, &o));
  std::vector<std::string> names;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadNames(call, feature_names, cols, &names));
  auto b = npscore::BacktestChurn(train, absl::Span<const double>(y_train, train_rows), test,
                                  absl::Span<const double>(y_test, test_rows), names,
                                  horizon_days, o, static_cast<int>(bins));
  if (!b.ok()) return call.Fail(b.status());
  npscore_churn_backtest_result r;
  std::memset(&r, 0, sizeof r);
  r.test = npscore::capi::EvaluationToC(b->test);
  if (b->has_prior()) r.prior = npscore::capi::EvaluationToC(b->prior);
  r.has_prior = b->has_prior() ? 1 : 0;
  r.beats_prior = b->beats_prior() ? 1 : 0;
  r.train_churn_rate = b->train_churn_rate;
  r.test_churn_rate = b->test_churn_rate;
  for (size_t i = 0; i < test_rows; ++i) {
    if (out_p_test != nullptr) out_p_test[i] = b->p_test[i];
    if (out_p_prior != nullptr) out_p_prior[i] = b->has_prior() ? b->p_prior[i] : NAN;
  }
  *out = r;
  *out_model = new npscore_churn_model{std::move(b->model)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_save(const npscore_churn_model *model,
                                                    const char *path, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(model);
  NPSCORE_C_REQUIRE(path);
  const absl::Status st = npscore::SaveChurnModel(model->model, path);
  if (!st.ok()) return npscore::capi::FailFile(call, st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_load(npscore_churn_model **out, const char *path,
                                                    npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(path);
  auto m = npscore::LoadChurnModel(path);
  if (!m.ok()) return npscore::capi::FailFile(call, m.status());
  *out = new npscore_churn_model{*std::move(m)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_churn_model_free(npscore_churn_model *model) { delete model; }

}  // extern "C"
