// The C ABI of the churn module (npscore/c_api.h): thin wrappers over
// npscore/churn.h.

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"

// The C header repeats the core's bounds: they must agree.
static_assert(NPSCORE_MAX_CHURN_FEATURES == npscore::kMaxChurnFeatures, "features");
static_assert(NPSCORE_MAX_REASONS == npscore::kMaxReasons, "reasons");
static_assert(NPSCORE_MAX_RELIABILITY_BINS == npscore::kMaxReliabilityBins, "bins");
static_assert(NPSCORE_MAX_CHURN_HORIZON_DAYS == npscore::kMaxChurnHorizonDays, "horizon");
static_assert(NPSCORE_MAX_CHURN_MODEL_BYTES == npscore::kMaxChurnModelBytes, "model bytes");

struct npscore_churn_model {
  npscore::ChurnModel model;
};

namespace npscore {
namespace capi {
namespace {

// Reads a layout and the matrix pointer into a view; NPSCORE_OK or the error.
npscore_status ReadMatrix(Call& call, const double* x, size_t rows, size_t cols,
                          const npscore_layout& layout, MatrixView* out) {
  const int raw = RawEnum(layout);
  if (raw != NPSCORE_ROW_MAJOR && raw != NPSCORE_COL_MAJOR) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("layout is ", raw),
                     ": use NPSCORE_ROW_MAJOR (0) or NPSCORE_COL_MAJOR (1)");
  }
  if (cols != 0 && rows > SIZE_MAX / 8 / cols) {
    return call.Fail(NPSCORE_EINVAL, "rows * cols overflows");
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, x, rows * cols, "x"));
  out->values = absl::Span<const double>(x, rows * cols);
  out->rows = rows;
  out->cols = cols;
  out->row_major = raw == NPSCORE_ROW_MAJOR;
  return NPSCORE_OK;
}

npscore_status VersionError(Call& call, const char* what, unsigned int got, unsigned int want,
                            const char* init) {
  return call.Fail(NPSCORE_EVERSION, absl::StrCat(what, " is ", got),
                   absl::StrCat(": this library (", NPSCORE_VERSION_STRING, ") supports version ",
                                want, "; initialize with ", init));
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;

extern "C" {

NPSCORE_API npscore_status npscore_churn_fit(npscore_churn_model **out, const double *x,
                                             size_t rows, size_t cols, npscore_layout layout,
                                             const double *y, const double *sample_weight,
                                             const char *const *feature_names,
                                             const npscore_churn_fit_options *opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y, rows, "y"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, sample_weight, 0, "sample_weight"));
  npscore::ChurnFitOptions o;
  if (opts != nullptr) {
    if (opts->version != NPSCORE_CHURN_FIT_OPTIONS_VERSION) {
      return npscore::capi::VersionError(call, "opts->version", opts->version,
                                         NPSCORE_CHURN_FIT_OPTIONS_VERSION,
                                         "NPSCORE_CHURN_FIT_OPTIONS_INIT");
    }
    o.C = opts->C;
    o.fit_intercept = opts->fit_intercept != 0;
    o.standardize = opts->standardize != 0;
    const int mode = npscore::capi::RawEnum(opts->class_weight_mode);
    if (mode == NPSCORE_CLASS_WEIGHT_BALANCED) {
      o.balanced_class_weight = true;
    } else if (mode == NPSCORE_CLASS_WEIGHT_GIVEN) {
      o.class_weight = {opts->class_weight[0], opts->class_weight[1]};
    } else if (mode != NPSCORE_CLASS_WEIGHT_NONE) {
      return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->class_weight_mode is ", mode),
                       ": use NPSCORE_CLASS_WEIGHT_NONE, _BALANCED or _GIVEN");
    }
    o.tol = opts->tol;
    o.max_iter = opts->max_iter;
    o.threads = opts->threads;
  }
  std::vector<std::string> names;
  if (feature_names != nullptr) {
    for (size_t j = 0; j < cols; ++j) {
      if (feature_names[j] == nullptr) {
        return call.Null(absl::StrCat("feature_names[", j, "]"));
      }
      names.emplace_back(feature_names[j]);
    }
  }
  absl::Span<const double> w;
  if (sample_weight != nullptr) w = absl::Span<const double>(sample_weight, rows);
  auto m = npscore::FitChurnModel(X, absl::Span<const double>(y, rows), w, o, names);
  if (!m.ok()) return call.Fail(m.status());
  *out = new npscore_churn_model{*std::move(m)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_prior(npscore_churn_model **out, double horizon_days,
                                               const npscore_churn_prior_rates *rates) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore::ChurnPriorRates r;
  if (rates != nullptr) {
    if (rates->version != NPSCORE_CHURN_PRIOR_RATES_VERSION) {
      return npscore::capi::VersionError(call, "rates->version", rates->version,
                                         NPSCORE_CHURN_PRIOR_RATES_VERSION,
                                         "NPSCORE_CHURN_PRIOR_RATES_INIT");
    }
    auto conv = [](const npscore_churn_rate& c) { return npscore::SegmentRate{c.rate, c.horizon_days}; };
    r.detractor = conv(rates->detractor);
    r.early_life_detractor = conv(rates->early_life_detractor);
    r.passive = conv(rates->passive);
    r.promoter = conv(rates->promoter);
    r.baseline = conv(rates->baseline);
  }
  auto m = npscore::PriorChurnModel(horizon_days, r);
  if (!m.ok()) return call.Fail(m.status());
  *out = new npscore_churn_model{*std::move(m)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_info(npscore_churn_fit_info *out,
                                                    const npscore_churn_model *model) {
  NPSCORE_C_BEGIN
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

NPSCORE_API npscore_status npscore_churn_model_coef(double *out, double *out_intercept,
                                                    const npscore_churn_model *model) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(model);
  const npscore::ChurnModel& m = model->model;
  if (out == nullptr && !m.coef.empty()) return call.Null("out");
  NPSCORE_C_REQUIRE(out_intercept);
  for (size_t j = 0; j < m.coef.size(); ++j) out[j] = m.coef[j];
  *out_intercept = m.intercept;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API const char *npscore_churn_model_feature_name(const npscore_churn_model *model,
                                                         size_t j) {
  if (model == nullptr || j >= model->model.feature_names.size()) return nullptr;
  return model->model.feature_names[j].c_str();
}

NPSCORE_API const char *npscore_churn_model_warning(const npscore_churn_model *model, size_t k) {
  if (model == nullptr || k >= model->model.info.warnings.size()) return nullptr;
  return model->model.info.warnings[k].c_str();
}

NPSCORE_API npscore_status npscore_churn_predict(double *out, const npscore_churn_model *model,
                                                 const double *x, size_t rows, size_t cols,
                                                 npscore_layout layout) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(model);
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out, rows, "out"));
  const absl::Status st = npscore::PredictChurn(model->model, X, absl::Span<double>(out, rows));
  if (!st.ok()) return call.Fail(st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_explain(double *out_proba, int32_t *out_features,
                                                 double *out_contributions,
                                                 const npscore_churn_model *model,
                                                 const double *x, size_t rows, size_t cols,
                                                 npscore_layout layout, int top) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(model);
  npscore::MatrixView X;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadMatrix(call, x, rows, cols, layout, &X));
  // The reason slots, when top is valid (else the core names it).
  const bool top_ok = top >= 1 && top <= npscore::kMaxReasons &&
                      rows <= SIZE_MAX / npscore::kMaxReasons;
  const size_t k = top_ok ? rows * static_cast<size_t>(top) : 0;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out_proba, rows, "out_proba"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out_features, k, "out_features"));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::CheckColumn(call, out_contributions, k, "out_contributions"));
  const absl::Status st = npscore::ExplainChurn(
      model->model, X, top, absl::Span<double>(out_proba, rows),
      absl::Span<int32_t>(out_features, k), absl::Span<double>(out_contributions, k), 1);
  if (!st.ok()) return call.Fail(st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_evaluate(npscore_churn_evaluation *out,
                                                  npscore_reliability_bin *out_bins,
                                                  const double *y, const double *p, size_t n,
                                                  int bins) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, y, n, "y"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, p, n, "p"));
  auto e = npscore::EvaluateChurn(absl::Span<const double>(y, n), absl::Span<const double>(p, n),
                                  bins);
  if (!e.ok()) return call.Fail(e.status());
  npscore_churn_evaluation r;
  r.n = e->n;
  r.positives = e->positives;
  r.auc = e->auc;
  r.brier = e->brier;
  r.log_loss = e->log_loss;
  r.base_rate = e->base_rate;
  r.top_decile_rate = e->top_decile_rate;
  r.lift = e->lift;
  *out = r;
  if (out_bins != nullptr) {
    for (size_t b = 0; b < e->reliability.size(); ++b) {
      out_bins[b].count = e->reliability[b].count;
      out_bins[b].mean_predicted = e->reliability[b].mean_predicted;
      out_bins[b].observed_rate = e->reliability[b].observed_rate;
    }
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_save(const npscore_churn_model *model, const char *path) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(model);
  NPSCORE_C_REQUIRE(path);
  const absl::Status st = npscore::SaveChurnModel(model->model, path);
  if (!st.ok()) return call.Fail(st);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_load(npscore_churn_model **out, const char *path) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(path);
  auto m = npscore::LoadChurnModel(path);
  if (!m.ok()) return call.Fail(m.status());
  *out = new npscore_churn_model{*std::move(m)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_churn_model_free(npscore_churn_model *model) { delete model; }

}  // extern "C"
