// The C ABI of churn features (npscore/c_api.h): thin wrappers over the
// features, labels and time-split check of npscore/churn.h.

#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "capi/arrow.h"
#include "capi/churn_handles.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"


namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options struct (one version so far).
constexpr size_t kFeatureOptionsSize[] = {sizeof(npscore_churn_feature_options)};

// The options' defaults, from the core's.
npscore_churn_feature_options FeatureDefaults() {
  const ChurnFeatureOptions d;
  npscore_churn_feature_options o;
  o.version = NPSCORE_CHURN_FEATURE_OPTIONS_VERSION;
  o.early_life_days = d.early_life_days;
  o.skip_unknown_customers = d.unknown == UnknownCustomers::kSkip ? 1 : 0;
  return o;
}

// Reads `nps_opts` and `opts` (NULL = defaults) into the core's feature
// options. Checks the versions and the flag; the numbers are validated by
// the core.
npscore_status ReadFeatureOptions(Call& call, const npscore_nps_options* nps_opts,
                                  const npscore_churn_feature_options* opts,
                                  ChurnFeatureOptions* out) {
  *out = ChurnFeatureOptions{};
  GroupOptions nps;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, nps_opts, "nps_opts->", &nps));
  npscore_churn_feature_options c;
  NPSCORE_C_RETURN_IF_ERROR(
      ReadOptions(call, opts, FeatureDefaults(), kFeatureOptionsSize, "opts", &c));
  if (c.skip_unknown_customers != 0 && c.skip_unknown_customers != 1) {
    return call.Fail(NPSCORE_EINVAL,
                     absl::StrCat("opts->skip_unknown_customers is ", c.skip_unknown_customers),
                     ": use 0 (error) or 1 (skip)");
  }
  out->scores = nps.scores;
  out->early_life_days = c.early_life_days;
  out->unknown = c.skip_unknown_customers ? UnknownCustomers::kSkip : UnknownCustomers::kError;
  return NPSCORE_OK;
}

// The columns of npscore_churn_feature_row, in its order, with their Arrow
// kind: the row getter and the Arrow export both use this list.
#define NPSCORE_CHURN_FEATURE_COLUMNS(X)                                                  \
  X(Bool, has_response) X(Bool, signed_up) X(I64, n_responses) X(I64, latest_row)         \
  X(F64, score) X(I8, segment) X(F64, previous_score) X(F64, score_change)                \
  X(I8, segment_change) X(F64, mean_score) X(F64, min_score) X(F64, max_score)            \
  X(I64, n_detractor_responses) X(F64, days_since_response)                               \
  X(F64, days_since_first_response) X(F64, tenure_days) X(F64, customer_age_days)         \
  X(Bool, early_life_detractor) X(Bool, detractor_followed_up) X(F64, days_to_follow_up)  \
  X(F64, days_detractor_waiting)

npscore_churn_feature_row RowToC(const ChurnFeatures& f, size_t i) {
  npscore_churn_feature_row r;
#define NPSCORE_ROW_(kind, field) r.field = f.field[i];
  NPSCORE_CHURN_FEATURE_COLUMNS(NPSCORE_ROW_)
#undef NPSCORE_ROW_
  return r;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::CheckColumn;

extern "C" {

NPSCORE_API npscore_status npscore_churn_feature_options_init(
    npscore_churn_feature_options* opts, uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::FeatureDefaults(),
                                    npscore::capi::kFeatureOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_features_new(
    npscore_churn_features** out, const int64_t* customers, const int64_t* times,
    const void* scores, int32_t dtype, size_t n, const int64_t* followed_up,
    const int64_t* customer_ids, const int64_t* signup_times, size_t n_customers,
    int64_t as_of, const npscore_nps_options* nps_opts,
    const npscore_churn_feature_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, followed_up, 0, "followed_up"));  // optional
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customer_ids, n_customers, "customer_ids"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, signup_times, 0, "signup_times"));  // optional
  npscore::ChurnFeatureOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFeatureOptions(call, nps_opts, opts, &o));
  const auto optional = [](const int64_t* p, size_t size) {
    return p == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(p, size);
  };
  return npscore::capi::VisitScores(call, scores, dtype, n, [&](auto s) {
    auto f = npscore::ComputeChurnFeatures(
        absl::MakeConstSpan(customers, n), absl::MakeConstSpan(times, n), s,
        optional(followed_up, n), absl::MakeConstSpan(customer_ids, n_customers),
        optional(signup_times, n_customers), as_of, o);
    if (!f.ok()) return call.Fail(f.status());
    *out = new npscore_churn_features{
        std::make_shared<const npscore::ChurnFeatures>(std::move(*f))};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_churn_features_size(const npscore_churn_features* f) {
  return f == nullptr ? 0 : f->features.size();
}

NPSCORE_API npscore_status npscore_churn_features_get(npscore_churn_feature_row* out,
                                                      const npscore_churn_features* f,
                                                      size_t i, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(f);
  if (i >= f->features.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("index i is ", i),
                     absl::StrCat(": there are ", f->features.size(), " customers"));
  }
  *out = npscore::capi::RowToC(f->features, i);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_features_totals(npscore_churn_feature_totals* out,
                                                         const npscore_churn_features* f,
                                                         npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(f);
  const npscore::ChurnFeatures& x = f->features;
  out->used = x.used;
  out->after_as_of = x.after_as_of;
  out->skipped_missing_scores = x.skipped_missing_scores;
  out->skipped_missing_times = x.skipped_missing_times;
  out->skipped_unknown_customers = x.skipped_unknown_customers;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_churn_features_free(npscore_churn_features* f) { delete f; }

NPSCORE_API npscore_status npscore_churn_features_export_arrow(struct ArrowArray* out,
                                                               struct ArrowSchema* out_schema,
                                                               const npscore_churn_features* f,
                                                               npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_schema);
  NPSCORE_C_REQUIRE(f);
  const npscore::ChurnFeatures& x = f->features;
  npscore::capi::ArrowTableExport e(static_cast<int64_t>(x.n_responses.size()), f->shared);
#define NPSCORE_ADD_(kind, field) e.Add##kind(#field, x.field.data());
  NPSCORE_CHURN_FEATURE_COLUMNS(NPSCORE_ADD_)
#undef NPSCORE_ADD_
  e.Export(out, out_schema);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_labels(int8_t* out, size_t out_capacity,
                                                npscore_churn_label_totals* out_totals,
                                                const int64_t* churned_at,
                                                const int64_t* signup_times, size_t n,
                                                int64_t as_of, int64_t horizon_ns,
                                                npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckOutput(call, out, out_capacity, n, "out"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, churned_at, n, "churned_at"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, signup_times, 0, "signup_times"));  // optional
  auto labels = npscore::ComputeChurnLabels(
      absl::MakeConstSpan(churned_at, n),
      signup_times == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(signup_times, n),
      as_of, horizon_ns);
  if (!labels.ok()) return call.Fail(labels.status());
  for (size_t i = 0; i < n; ++i) out[i] = labels->label[i];
  if (out_totals != nullptr) {
    out_totals->positives = labels->positives;
    out_totals->negatives = labels->negatives;
    out_totals->churned_before = labels->churned_before;
    out_totals->not_yet_customers = labels->not_yet_customers;
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_check_time_split(int64_t train_as_of,
                                                          int64_t test_as_of,
                                                          int64_t horizon_ns,
                                                          int64_t observed_until,
                                                          npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  const absl::Status st =
      npscore::CheckTimeSplit(train_as_of, test_as_of, horizon_ns, observed_until);
  return st.ok() ? call.Ok() : call.Fail(st);
  NPSCORE_C_END
}

}  // extern "C"
