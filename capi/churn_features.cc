// The C ABI of churn features (npscore/c_api.h): thin wrappers over the
// features, labels and time-split check of npscore/churn.h.

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/churn.h"

// The opaque handle of the features table.
struct npscore_churn_features {
  npscore::ChurnFeatures features;
};

namespace npscore {
namespace capi {
namespace {

// Reads `opts` (NULL = defaults) into the core's feature options. Checks the
// versions and the flag; the numbers are validated by the core.
npscore_status ReadFeatureOptions(Call& call, const npscore_churn_feature_options* opts,
                                  ChurnFeatureOptions* out) {
  *out = ChurnFeatureOptions{};
  if (opts == nullptr) return NPSCORE_OK;
  if (opts->version != NPSCORE_CHURN_FEATURE_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("opts->version is ", opts->version),
                     absl::StrCat(": this library (", NPSCORE_VERSION_STRING,
                                  ") supports version ", NPSCORE_CHURN_FEATURE_OPTIONS_VERSION,
                                  "; initialize options with "
                                  "NPSCORE_CHURN_FEATURE_OPTIONS_INIT"));
  }
  GroupOptions nps;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, &opts->nps, "opts->nps.", &nps));
  if (opts->skip_unknown_customers != 0 && opts->skip_unknown_customers != 1) {
    return call.Fail(NPSCORE_EINVAL,
                     absl::StrCat("opts->skip_unknown_customers is ", opts->skip_unknown_customers),
                     ": use 0 (error) or 1 (skip)");
  }
  out->scores = nps.scores;
  out->early_life_days = opts->early_life_days;
  out->unknown = opts->skip_unknown_customers ? UnknownCustomers::kSkip : UnknownCustomers::kError;
  return NPSCORE_OK;
}

npscore_churn_feature_row RowToC(const ChurnFeatures& f, size_t i) {
  npscore_churn_feature_row r;
  r.has_response = f.has_response[i];
  r.signed_up = f.signed_up[i];
  r.n_responses = f.n_responses[i];
  r.latest_row = f.latest_row[i];
  r.score = f.score[i];
  r.segment = f.segment[i];
  r.previous_score = f.previous_score[i];
  r.score_change = f.score_change[i];
  r.segment_change = f.segment_change[i];
  r.mean_score = f.mean_score[i];
  r.min_score = f.min_score[i];
  r.max_score = f.max_score[i];
  r.n_detractor_responses = f.n_detractor_responses[i];
  r.days_since_response = f.days_since_response[i];
  r.days_since_first_response = f.days_since_first_response[i];
  r.tenure_days = f.tenure_days[i];
  r.customer_age_days = f.customer_age_days[i];
  r.early_life_detractor = f.early_life_detractor[i];
  r.detractor_followed_up = f.detractor_followed_up[i];
  r.days_to_follow_up = f.days_to_follow_up[i];
  r.days_detractor_waiting = f.days_detractor_waiting[i];
  return r;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::CheckColumn;

extern "C" {

NPSCORE_API npscore_status npscore_churn_feature_options_init(
    npscore_churn_feature_options* opts, unsigned int version) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(opts);
  if (version != NPSCORE_CHURN_FEATURE_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                     absl::StrCat(": this library supports options version ",
                                  NPSCORE_CHURN_FEATURE_OPTIONS_VERSION));
  }
  *opts = npscore_churn_feature_options NPSCORE_CHURN_FEATURE_OPTIONS_INIT;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_features_new(
    npscore_churn_features** out, const int64_t* customers, const int64_t* times,
    const void* scores, npscore_dtype dtype, size_t n, const int64_t* followed_up,
    const int64_t* customer_ids, const int64_t* signup_times, size_t n_customers,
    int64_t as_of, const npscore_churn_feature_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customers, n, "customers"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, times, n, "times"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, followed_up, 0, "followed_up"));  // optional
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, customer_ids, n_customers, "customer_ids"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, signup_times, 0, "signup_times"));  // optional
  npscore::ChurnFeatureOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadFeatureOptions(call, opts, &o));
  const auto optional = [](const int64_t* p, size_t size) {
    return p == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(p, size);
  };
  return npscore::capi::VisitScores(call, scores, dtype, n, [&](auto s) {
    auto f = npscore::ComputeChurnFeatures(
        absl::MakeConstSpan(customers, n), absl::MakeConstSpan(times, n), s,
        optional(followed_up, n), absl::MakeConstSpan(customer_ids, n_customers),
        optional(signup_times, n_customers), as_of, o);
    if (!f.ok()) return call.Fail(f.status());
    *out = new npscore_churn_features{std::move(*f)};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_churn_features_size(const npscore_churn_features* f) {
  return f == nullptr ? 0 : f->features.size();
}

NPSCORE_API npscore_status npscore_churn_features_get(npscore_churn_feature_row* out,
                                                      const npscore_churn_features* f,
                                                      size_t i) {
  NPSCORE_C_BEGIN
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
                                                         const npscore_churn_features* f) {
  NPSCORE_C_BEGIN
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

NPSCORE_API npscore_status npscore_churn_labels(int8_t* out,
                                                npscore_churn_label_totals* out_totals,
                                                const int64_t* churned_at,
                                                const int64_t* signup_times, size_t n,
                                                int64_t as_of, int64_t horizon_ns) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, out, n, "out"));
  NPSCORE_C_REQUIRE(out_totals);
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, churned_at, n, "churned_at"));
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, signup_times, 0, "signup_times"));  // optional
  auto labels = npscore::ComputeChurnLabels(
      absl::MakeConstSpan(churned_at, n),
      signup_times == nullptr ? absl::Span<const int64_t>() : absl::MakeConstSpan(signup_times, n),
      as_of, horizon_ns);
  if (!labels.ok()) return call.Fail(labels.status());
  for (size_t i = 0; i < n; ++i) out[i] = labels->label[i];
  out_totals->positives = labels->positives;
  out_totals->negatives = labels->negatives;
  out_totals->churned_before = labels->churned_before;
  out_totals->not_yet_customers = labels->not_yet_customers;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_churn_check_time_split(int64_t train_as_of,
                                                          int64_t test_as_of,
                                                          int64_t horizon_ns,
                                                          int64_t observed_until) {
  NPSCORE_C_BEGIN
  const absl::Status st =
      npscore::CheckTimeSplit(train_as_of, test_as_of, horizon_ns, observed_until);
  return st.ok() ? call.Ok() : call.Fail(st);
  NPSCORE_C_END
}

}  // extern "C"
