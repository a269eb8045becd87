// The C ABI of the churn design matrix (npscore/c_api.h): thin wrappers over
// MakeChurnDesign, BuildChurnMatrix and the model's design (npscore/churn.h).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/churn_handles.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"

namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options struct (one version so far).
constexpr size_t kDesignOptionsSize[] = {sizeof(npscore_churn_design_options)};

// The options' defaults, from the core's.
npscore_churn_design_options DesignDefaults() {
  const ChurnDesignSpec d;
  npscore_churn_design_options o;
  o.version = NPSCORE_CHURN_DESIGN_OPTIONS_VERSION;
  o.signup = d.signup ? 1 : 0;
  o.followed_up = d.followed_up ? 1 : 0;
  o.fill = d.fill ? 1 : 0;
  return o;
}

// A 0/1 flag of the options, or NPSCORE_EINVAL naming it.
npscore_status ReadFlag(Call& call, int32_t value, const char* name, bool* out) {
  if (value != 0 && value != 1) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->", name, " is ", value), ": use 0 or 1");
  }
  *out = value == 1;
  return NPSCORE_OK;
}

// Reads n strings (NULL only when n is 0) into out.
npscore_status ReadStrings(Call& call, const char* const* p, size_t n, const char* name,
                           std::vector<std::string>* out) {
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, p, n, name));
  for (size_t k = 0; k < n; ++k) {
    if (p[k] == nullptr) return call.Null(absl::StrCat(name, "[", k, "]"));
    out->emplace_back(p[k]);
  }
  return NPSCORE_OK;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;
using npscore::capi::CheckColumn;

extern "C" {

NPSCORE_API npscore_status npscore_churn_design_options_init(npscore_churn_design_options *opts,
                                                             uint32_t version,
                                                             npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::DesignDefaults(),
                                    npscore::capi::kDesignOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_design_new(
    npscore_churn_design **out, const char *const *themes, size_t n_themes,
    const char *const *user_columns, const size_t *user_n_levels, const char *const *user_levels,
    const int32_t *user_missing, size_t n_user, const npscore_nps_options *nps_opts,
    const npscore_churn_design_options *opts, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  npscore::GroupOptions nps;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadNpsOptions(call, nps_opts, "nps_opts->", &nps));
  npscore_churn_design_options c;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(call, opts,
                                                       npscore::capi::DesignDefaults(),
                                                       npscore::capi::kDesignOptionsSize, "opts",
                                                       &c));
  npscore::ChurnDesignSpec spec;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFlag(call, c.signup, "signup", &spec.signup));
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadFlag(call, c.followed_up, "followed_up", &spec.followed_up));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFlag(call, c.fill, "fill", &spec.fill));
  spec.cutoffs = nps.scores.cutoffs;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadStrings(call, themes, n_themes, "themes", &spec.themes));
  std::vector<std::string> names;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadStrings(call, user_columns, n_user, "user_columns", &names));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, user_n_levels, n_user, "user_n_levels"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, user_missing, 0, "user_missing"));  // optional
  size_t n_levels = 0;
  for (size_t k = 0; k < n_user; ++k) {
    if (user_n_levels[k] > npscore::kMaxChurnFeatures + 1) {
      return call.Fail(NPSCORE_EINVAL, absl::StrCat("user_n_levels[", k, "] is ", user_n_levels[k]),
                       absl::StrCat(": a design has at most ", npscore::kMaxChurnFeatures,
                                    " columns (NPSCORE_MAX_CHURN_FEATURES)"));
    }
    n_levels += user_n_levels[k];
  }
  std::vector<std::string> levels;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadStrings(call, user_levels, n_levels, "user_levels", &levels));
  size_t next = 0;
  for (size_t k = 0; k < n_user; ++k) {
    npscore::ChurnUserColumn u;
    u.name = names[k];
    u.categorical = user_n_levels[k] > 0;
    u.levels.assign(levels.begin() + next, levels.begin() + next + user_n_levels[k]);
    next += user_n_levels[k];
    if (user_missing != nullptr) {
      if (user_missing[k] != 0 && user_missing[k] != 1) {
        return call.Fail(NPSCORE_EINVAL, absl::StrCat("user_missing[", k, "] is ", user_missing[k]),
                         ": use 0 or 1");
      }
      u.missing_column = user_missing[k] == 1;
      if (u.missing_column && !u.categorical) {
        return call.Fail(NPSCORE_EINVAL, absl::StrCat("user_missing[", k, "] is 1"),
                         absl::StrCat(": user column '", u.name,
                                      "' is numeric (user_n_levels 0), without a missing column"));
      }
    }
    spec.user.push_back(std::move(u));
  }
  auto d = npscore::MakeChurnDesign(spec);
  if (!d.ok()) return call.Fail(d.status());
  *out = new npscore_churn_design{*std::move(d)};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_churn_design_size(const npscore_churn_design *design) {
  return design == nullptr ? 0 : design->design.size();
}

NPSCORE_API npscore_status npscore_churn_design_column_name(const char **out,
                                                            const npscore_churn_design *design,
                                                            size_t j, npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(design);
  if (j >= design->design.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("index j is ", j),
                     absl::StrCat(": the design has ", design->design.size(), " columns"));
  }
  *out = design->design.columns[j].name.c_str();
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_design_matrix(
    double *out, size_t out_capacity, size_t *out_rows, const npscore_churn_design *design,
    const npscore_churn_features *f, const double *theme_flags, size_t n_response_rows,
    const double *const *user_numeric, const int32_t *const *user_codes, size_t n_user,
    npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out_rows);
  NPSCORE_C_REQUIRE(design);
  NPSCORE_C_REQUIRE(f);
  const npscore::ChurnDesign& d = design->design;
  const npscore::ChurnFeatures& x = f->features;
  const size_t n_themes = d.spec.themes.size();
  if (n_themes != 0 && n_response_rows > SIZE_MAX / sizeof(double) / n_themes) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_response_rows is ", n_response_rows),
                     ": the theme flags would overflow");
  }
  NPSCORE_C_RETURN_IF_ERROR(
      CheckColumn(call, theme_flags, n_themes * n_response_rows, "theme_flags"));
  if (n_user != d.spec.user.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("n_user is ", n_user),
                     absl::StrCat(": the design has ", d.spec.user.size(), " user columns"));
  }
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, user_numeric, n_user, "user_numeric"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, user_codes, n_user, "user_codes"));
  npscore::ChurnDesignData data;
  data.theme_flags = absl::MakeConstSpan(theme_flags, n_themes * n_response_rows);
  data.n_response_rows = n_response_rows;
  for (size_t k = 0; k < n_user; ++k) {
    const bool categorical = d.spec.user[k].categorical;
    const std::string name = absl::StrCat(categorical ? "user_codes[" : "user_numeric[", k, "]");
    if (categorical ? user_codes[k] == nullptr : user_numeric[k] == nullptr) {
      return call.Null(name, absl::StrCat(": user column '", d.spec.user[k].name, "' is ",
                                          categorical ? "categorical" : "numeric"));
    }
    if (categorical) {
      NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, user_codes[k], x.size(), name.c_str()));
      data.codes.push_back(absl::MakeConstSpan(user_codes[k], x.size()));
      data.numeric.emplace_back();
    } else {
      NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, user_numeric[k], x.size(), name.c_str()));
      data.numeric.push_back(absl::MakeConstSpan(user_numeric[k], x.size()));
      data.codes.emplace_back();
    }
  }
  size_t rows = 0;
  for (size_t c = 0; c < x.size(); ++c) rows += x.signed_up[c] != 0;
  const size_t needed = rows * d.size();
  if (out_capacity < needed) {
    *out_rows = rows;
    return call.Range("out", out_capacity, needed);
  }
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, needed, "out"));
  auto m = npscore::BuildChurnMatrix(d, x, data);
  if (!m.ok()) return call.Fail(m.status());
  std::copy(m->values.begin(), m->values.end(), out);
  *out_rows = m->rows;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_churn_design_free(npscore_churn_design *design) { delete design; }

NPSCORE_API npscore_status npscore_churn_model_design(npscore_churn_design **out,
                                                      const npscore_churn_model *model,
                                                      npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(model);
  if (!model->model.design.has_value()) {
    return call.Fail(NPSCORE_EINVAL, "the model has no design",
                     ": it was fitted on a matrix made elsewhere (give it one with "
                     "npscore_churn_model_with_design)");
  }
  *out = new npscore_churn_design{*model->model.design};
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_model_with_design(npscore_churn_model **out,
                                                           const npscore_churn_model *model,
                                                           const npscore_churn_design *design,
                                                           npscore_error *err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_REQUIRE(model);
  NPSCORE_C_REQUIRE(design);
  npscore::ChurnModel copy = model->model;
  const absl::Status st = npscore::AttachChurnDesign(design->design, &copy);
  if (!st.ok()) return call.Fail(st);
  *out = new npscore_churn_model{std::move(copy)};
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
