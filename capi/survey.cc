// The C ABI of the survey module (npscore/c_api.h): thin wrappers over
// npscore/survey.h.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/survey.h"

namespace npscore {
namespace capi {
namespace {

// Bytes known by each version of the options struct (one version so far).
constexpr size_t kOptionsSize[] = {sizeof(npscore_survey_invitation_options)};

constexpr npscore_survey_invitation_options Defaults() {
  npscore_survey_invitation_options o{};
  o.version = NPSCORE_SURVEY_INVITATION_OPTIONS_VERSION;
  o.min_days_between = kDefaultMinDaysBetweenSurveys;
  o.cohorts = kDefaultSurveyCohorts;
  return o;
}

constexpr npscore_survey_invitation_options kInit = NPSCORE_SURVEY_INVITATION_OPTIONS_INIT;
static_assert(kInit.version == Defaults().version, "survey version");
static_assert(kInit.min_days_between == Defaults().min_days_between, "min_days_between");
static_assert(kInit.cohorts == Defaults().cohorts, "cohorts");
static_assert(NPSCORE_MAX_SURVEY_COHORTS == kMaxSurveyCohorts, "c_api.h repeats survey.h");
static_assert(NPSCORE_MAX_PLANNED_COUNT == kMaxPlannedCount, "c_api.h repeats survey.h");
static_assert(NPSCORE_SURVEY_INVITED == static_cast<int>(InvitationReason::kInvited) &&
                  NPSCORE_SURVEY_CHURNED == static_cast<int>(InvitationReason::kChurned) &&
                  NPSCORE_SURVEY_OPEN_CASE == static_cast<int>(InvitationReason::kOpenCase) &&
                  NPSCORE_SURVEY_TOO_RECENT == static_cast<int>(InvitationReason::kTooRecent) &&
                  NPSCORE_SURVEY_NOT_THIS_COHORT ==
                      static_cast<int>(InvitationReason::kNotThisCohort),
              "reason codes");

// The ids of n customers: exactly one of `ids` and `string_ids` (for n > 0);
// string ids are read as views (none NULL). Writes the views to *views.
npscore_status ReadIds(Call& call, const int64_t* ids, const char* const* string_ids, size_t n,
                       std::vector<absl::string_view>* views) {
  if (n == 0) return NPSCORE_OK;
  if (ids != nullptr && string_ids != nullptr) {
    return call.Fail(NPSCORE_EINVAL, "both ids and string_ids are given",
                     ": pass the customer ids one way, the other NULL");
  }
  if (ids == nullptr && string_ids == nullptr) {
    return call.Null("ids", absl::StrCat(" is NULL (and string_ids) but n is ", n));
  }
  if (ids != nullptr) return CheckColumn(call, ids, n, "ids");
  NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, string_ids, n, "string_ids"));
  views->resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (string_ids[i] == nullptr) {
      return call.Null(absl::StrCat("string_ids[", i, "]"),
                       " is NULL: a missing customer id (every customer needs an id)");
    }
    (*views)[i] = absl::string_view(string_ids[i]);
  }
  return NPSCORE_OK;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

extern "C" {

NPSCORE_API npscore_status npscore_survey_invitation_options_init(
    npscore_survey_invitation_options* opts, uint32_t version, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::Defaults(),
                                    npscore::capi::kOptionsSize);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_survey_invitations(
    int32_t* out_reason, size_t reason_capacity, int32_t* out_cohort, size_t cohort_capacity,
    npscore_survey_invitation_counts* out_counts, const int64_t* ids,
    const char* const* string_ids, const int64_t* last_surveyed, const uint8_t* churned,
    const uint8_t* open_case, size_t n, int64_t as_of, const char* time_zone,
    const npscore_survey_invitation_options* opts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  using npscore::capi::CheckColumn;
  using npscore::capi::CheckOutput;
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out_reason, reason_capacity, n, "out_reason"));
  if (out_cohort != nullptr || cohort_capacity != 0) {
    NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out_cohort, cohort_capacity, n, "out_cohort"));
  }
  npscore_survey_invitation_options o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadOptions(
      call, opts, npscore::capi::Defaults(), npscore::capi::kOptionsSize, "opts", &o));
  std::vector<absl::string_view> views;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadIds(call, ids, string_ids, n, &views));
  npscore::InvitationInput in;
  if (string_ids != nullptr) {
    in.string_ids = views;
  } else if (ids != nullptr) {
    in.ids = absl::Span<const int64_t>(ids, n);
  }
  if (last_surveyed != nullptr) {
    NPSCORE_C_RETURN_IF_ERROR(CheckColumn(call, last_surveyed, n, "last_surveyed"));
    in.last_surveyed = absl::Span<const int64_t>(last_surveyed, n);
  }
  if (churned != nullptr) in.churned = absl::Span<const uint8_t>(churned, n);
  if (open_case != nullptr) in.open_case = absl::Span<const uint8_t>(open_case, n);
  in.as_of = as_of;
  npscore::InvitationOptions options;
  options.min_days_between = o.min_days_between;
  options.cohorts = o.cohorts;
  if (time_zone != nullptr) options.time_zone = time_zone;
  auto r = npscore::SurveyInvitations(in, options);
  if (!r.ok()) return call.Fail(r.status());
  for (size_t i = 0; i < n; ++i) out_reason[i] = r->reason[i];
  if (out_cohort != nullptr) {
    for (size_t i = 0; i < n; ++i) out_cohort[i] = r->cohort[i];
  }
  if (out_counts != nullptr) {
    npscore_survey_invitation_counts c;
    c.invited = r->counts[0];
    c.churned = r->counts[1];
    c.open_case = r->counts[2];
    c.too_recent = r->counts[3];
    c.not_this_cohort = r->counts[4];
    c.month = r->month;
    c.period_cohort = r->period_cohort;
    *out_counts = c;
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_survey_cohorts(int32_t* out, size_t out_capacity,
                                                  uint64_t* out_hash, size_t hash_capacity,
                                                  const int64_t* ids,
                                                  const char* const* string_ids, size_t n,
                                                  int32_t cohorts, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  using npscore::capi::CheckOutput;
  NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out, out_capacity, n, "out"));
  if (out_hash != nullptr || hash_capacity != 0) {
    NPSCORE_C_RETURN_IF_ERROR(CheckOutput(call, out_hash, hash_capacity, n, "out_hash"));
  }
  std::vector<absl::string_view> views;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadIds(call, ids, string_ids, n, &views));
  auto r = string_ids != nullptr
               ? npscore::SurveyCohorts(absl::MakeConstSpan(views), cohorts)
               : npscore::SurveyCohorts(absl::Span<const int64_t>(ids, ids ? n : 0), cohorts);
  if (!r.ok()) return call.Fail(r.status());
  for (size_t i = 0; i < n; ++i) out[i] = (*r)[i];
  if (out_hash != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      out_hash[i] = string_ids != nullptr ? npscore::SurveyIdHash(views[i])
                                          : npscore::SurveyIdHash(ids[i]);
    }
  }
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_survey_responses_needed(
    int64_t* out, double* out_half_width, double share_detractors, double share_passives,
    double share_promoters, double margin, int32_t method, double confidence,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  npscore::IntervalOptions o;
  NPSCORE_C_RETURN_IF_ERROR(
      npscore::capi::ReadIntervalMethod(call, method, "method", &o.method));
  o.confidence = confidence;
  auto r = npscore::ResponsesNeeded(
      npscore::SegmentShares{share_detractors, share_passives, share_promoters}, margin, o);
  if (!r.ok()) return call.Fail(r.status());
  *out = r->responses;
  if (out_half_width != nullptr) *out_half_width = r->half_width;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_survey_detectable_change(
    double* out, double share_detractors, double share_passives, double share_promoters,
    int64_t n1, int64_t n2, double alpha, double power, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  auto r = npscore::DetectableChange(
      npscore::SegmentShares{share_detractors, share_passives, share_promoters}, n1, n2, alpha,
      power);
  if (!r.ok()) return call.Fail(r.status());
  *out = *r;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_survey_invitations_needed(int64_t* out, int64_t responses,
                                                             double response_rate,
                                                             double assurance,
                                                             npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  auto r = npscore::InvitationsNeeded(responses, response_rate, assurance);
  if (!r.ok()) return call.Fail(r.status());
  *out = *r;
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
