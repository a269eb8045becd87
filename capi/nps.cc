// The C ABI of the nps module (npscore/c_api.h): thin wrappers over
// npscore/nps.h. This file is the one place where the C structs and enums
// are converted to and from the core's.

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/nps.h"

// The opaque handle behind npscore_group_table.
struct npscore_group_table {
  npscore::GroupTable table;
};

namespace npscore {
namespace capi {
namespace {

// The summary's method converts as its integer (the core's validation
// names a value outside the enum); a C summary is weighted when its
// n_effective differs from n.
Summary SummaryToCore(const npscore_summary& s) {
  Summary out;
  out.n = s.n;
  out.detractors = s.detractors;
  out.passives = s.passives;
  out.promoters = s.promoters;
  out.n_effective = s.n_effective;
  out.skipped = s.skipped;
  out.nps = s.nps;
  out.se = s.se;
  out.ci_low = s.ci_low;
  out.ci_high = s.ci_high;
  out.method = static_cast<IntervalMethod>(RawEnum(s.method));
  out.confidence = s.confidence;
  out.weighted = s.n_effective != s.n;
  return out;
}

static_assert(NPSCORE_EXACT_BELOW == kExactBelow, "c_api.h repeats nps.h");
static_assert(NPSCORE_MAX_EXACT_SAMPLE == kMaxExactSample, "c_api.h repeats nps.h");

npscore_test_kind TestKindToC(TestKind t) {
  switch (t) {
    case TestKind::kWald:
      return NPSCORE_TEST_WALD;
    case TestKind::kAdjustedWald:
      return NPSCORE_TEST_ADJUSTED_WALD;
    case TestKind::kScore:
      return NPSCORE_TEST_SCORE;
    case TestKind::kExact:
      return NPSCORE_TEST_EXACT;
    case TestKind::kMidP:
      return NPSCORE_TEST_MID_P;
  }
  return NPSCORE_TEST_SCORE;
}

// Reads npscore_compare_options (NULL: the defaults) into *out.
npscore_status ReadCompareOptions(Call& call, const npscore_compare_options* opts,
                                  CompareOptions* out) {
  *out = CompareOptions{};
  if (opts == nullptr) return NPSCORE_OK;
  if (opts->version != NPSCORE_COMPARE_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("opts->version is ", opts->version),
                     absl::StrCat(": this library supports compare options version ",
                                  NPSCORE_COMPARE_OPTIONS_VERSION));
  }
  const npscore_status st = ReadIntervalMethod(call, RawEnum(opts->method), "opts->method",
                                               &out->method);
  if (st != NPSCORE_OK) return st;
  const int test = RawEnum(opts->test);
  if (test < NPSCORE_COMPARE_AUTO || test > NPSCORE_COMPARE_MID_P) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->test is ", test),
                     ": use NPSCORE_COMPARE_AUTO (0), NPSCORE_COMPARE_ASYMPTOTIC (1),"
                     " NPSCORE_COMPARE_EXACT (2) or NPSCORE_COMPARE_MID_P (3)");
  }
  out->confidence = opts->confidence;
  out->test = test == NPSCORE_COMPARE_ASYMPTOTIC ? CompareTest::kAsymptotic
              : test == NPSCORE_COMPARE_EXACT    ? CompareTest::kExact
              : test == NPSCORE_COMPARE_MID_P    ? CompareTest::kMidP
                                                 : CompareTest::kAuto;
  return NPSCORE_OK;
}

}  // namespace
}  // namespace capi
}  // namespace npscore

using npscore::capi::Call;
using npscore::capi::ComparisonToC;
using npscore::capi::CountsToC;
using npscore::capi::CountsToCore;
using npscore::capi::ReadNpsOptions;
using npscore::capi::SummaryToC;
using npscore::capi::SummaryToCore;
using npscore::capi::VisitScores;

extern "C" {

NPSCORE_API npscore_status npscore_nps_options_init(npscore_nps_options* opts,
                                                    unsigned int version) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(opts);
  if (version != NPSCORE_NPS_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                     absl::StrCat(": this library supports options version ",
                                  NPSCORE_NPS_OPTIONS_VERSION));
  }
  *opts = npscore_nps_options NPSCORE_NPS_OPTIONS_INIT;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_segment(int8_t* out, const void* scores,
                                               npscore_dtype dtype, size_t n,
                                               const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out, n, "out"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    const absl::Status st =
        npscore::SegmentInto(s, absl::MakeSpan(out, n), o.scores.cutoffs);
    return st.ok() ? call.Ok() : call.Fail(st);
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_count(npscore_counts* out, const void* scores,
                                             npscore_dtype dtype, size_t n,
                                             const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    const auto counts = npscore::CountSegments(s, o.scores);
    if (!counts.ok()) return call.Fail(counts.status());
    *out = CountsToC(*counts);
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_counts_merge(npscore_counts* out,
                                                    const npscore_counts* other) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(other);
  const auto merged = npscore::MergeCounts(CountsToCore(*out), CountsToCore(*other));
  if (!merged.ok()) return call.Fail(merged.status());
  *out = CountsToC(*merged);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_summarize(npscore_summary* out, const void* scores,
                                                 npscore_dtype dtype, size_t n,
                                                 const double* weights,
                                                 const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, weights, 0, "weights"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    absl::StatusOr<npscore::Summary> summary;
    if (weights == nullptr) {
      const auto counts = npscore::CountSegments(s, o.scores);
      if (!counts.ok()) return call.Fail(counts.status());
      summary = npscore::Summarize(*counts, o.interval);
    } else {
      const auto counts = npscore::CountSegmentsWeighted(
          s, absl::MakeConstSpan(weights, n), o.scores);
      if (!counts.ok()) return call.Fail(counts.status());
      summary = npscore::Summarize(*counts, o.interval);
    }
    if (!summary.ok()) return call.Fail(summary.status());
    *out = SummaryToC(*summary);
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_summarize_counts(npscore_summary* out,
                                                        const npscore_counts* counts,
                                                        const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(counts);
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  const auto summary = npscore::Summarize(CountsToCore(*counts), o.interval);
  if (!summary.ok()) return call.Fail(summary.status());
  *out = SummaryToC(*summary);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_compare(npscore_comparison* out,
                                               const npscore_summary* a,
                                               const npscore_summary* b,
                                               const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(a);
  NPSCORE_C_REQUIRE(b);
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  const auto cmp = npscore::Compare(SummaryToCore(*a), SummaryToCore(*b), o.interval);
  if (!cmp.ok()) return call.Fail(cmp.status());
  *out = ComparisonToC(*cmp);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_compare_options_init(npscore_compare_options* opts,
                                                            unsigned int version) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(opts);
  if (version != NPSCORE_COMPARE_OPTIONS_VERSION) {
    return call.Fail(NPSCORE_EVERSION, absl::StrCat("version is ", version),
                     absl::StrCat(": this library supports compare options version ",
                                  NPSCORE_COMPARE_OPTIONS_VERSION));
  }
  *opts = npscore_compare_options NPSCORE_COMPARE_OPTIONS_INIT;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_compare_test(npscore_comparison* out,
                                                    npscore_test_kind* out_test,
                                                    const npscore_summary* a,
                                                    const npscore_summary* b,
                                                    const npscore_compare_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_test);
  NPSCORE_C_REQUIRE(a);
  NPSCORE_C_REQUIRE(b);
  npscore::CompareOptions o;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::ReadCompareOptions(call, opts, &o));
  const auto cmp = npscore::Compare(SummaryToCore(*a), SummaryToCore(*b), o);
  if (!cmp.ok()) return call.Fail(cmp.status());
  *out = ComparisonToC(*cmp);
  *out_test = npscore::capi::TestKindToC(cmp->test);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_by_group(npscore_group_table** out,
                                                const void* scores, npscore_dtype dtype,
                                                size_t n, const int64_t* codes,
                                                int64_t n_groups, const double* weights,
                                                const npscore_nps_options* opts) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, codes, n, "codes"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, weights, 0, "weights"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts->", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::SummarizeByGroup(
        s, absl::MakeConstSpan(codes, n), n_groups,
        weights == nullptr ? absl::Span<const double>() : absl::MakeConstSpan(weights, n),
        o);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_group_table{std::move(*table)};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_group_table_size(const npscore_group_table* t) {
  return t == nullptr ? 0 : t->table.size();
}

NPSCORE_API npscore_status npscore_group_table_get(npscore_summary* out, int* out_small,
                                                   const npscore_group_table* t,
                                                   size_t i) {
  NPSCORE_C_BEGIN
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_small);
  NPSCORE_C_REQUIRE(t);
  if (i >= t->table.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("index i is ", i),
                     absl::StrCat(": the table has ", t->table.size(), " groups"));
  }
  *out = SummaryToC(t->table.Row(i));
  *out_small = t->table.small[i] != 0;
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API void npscore_group_table_free(npscore_group_table* t) { delete t; }

}  // extern "C"
