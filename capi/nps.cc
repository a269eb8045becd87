// The C ABI of the nps module (npscore/c_api.h): thin wrappers over
// npscore/nps.h. This file is the one place where the C structs and enums
// are converted to and from the core's.

#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "capi/arrow.h"
#include "capi/internal.h"
#include "npscore/c_api.h"
#include "npscore/nps.h"

// The opaque handle behind npscore_nps_group_table.
// Shared with its Arrow exports (capi/arrow.h), which may outlive the handle.
// A table made by key also holds its keys (owned by `shared`'s control block,
// which keeps the whole KeyedGroupTable alive).
struct npscore_nps_group_table {
  std::shared_ptr<const npscore::GroupTable> shared;
  const npscore::GroupTable& table = *shared;
  const int64_t* keys = nullptr;  // one per group; NULL for a table by group code
};

namespace npscore {
namespace capi {
namespace {

// The summary's method converts as its integer (the core's validation
// names a value outside the enum); a C summary is weighted when its
// n_effective differs from n.
Summary SummaryToCore(const npscore_nps_summary& s) {
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
  out.method = static_cast<IntervalMethod>(s.method);
  out.confidence = s.confidence;
  out.weighted = s.n_effective != s.n;
  return out;
}

static_assert(NPSCORE_EXACT_BELOW == kExactBelow, "c_api.h repeats nps.h");
static_assert(NPSCORE_MAX_EXACT_SAMPLE == kMaxExactSample, "c_api.h repeats nps.h");

npscore_nps_test_kind TestKindToC(TestKind t) {
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

constexpr npscore_nps_test_choice CompareTestToC(CompareTest t) {
  switch (t) {
    case CompareTest::kAuto:
      return NPSCORE_COMPARE_AUTO;
    case CompareTest::kAsymptotic:
      return NPSCORE_COMPARE_ASYMPTOTIC;
    case CompareTest::kExact:
      return NPSCORE_COMPARE_EXACT;
    case CompareTest::kMidP:
      return NPSCORE_COMPARE_MID_P;
  }
  return NPSCORE_COMPARE_AUTO;
}

// The compare options with the core's defaults (CompareOptions).
constexpr npscore_nps_compare_options CompareOptionsDefaults() {
  constexpr CompareOptions c{};
  npscore_nps_compare_options o{};
  o.version = NPSCORE_NPS_COMPARE_OPTIONS_VERSION;
  o.method = IntervalMethodToC(c.method);
  o.confidence = c.confidence;
  o.test = CompareTestToC(c.test);
  return o;
}

constexpr size_t kCompareOptionsSizes[] = {sizeof(npscore_nps_compare_options)};

// The C defaults are the core's, field by field.
constexpr npscore_nps_options kNpsInit = NPSCORE_NPS_OPTIONS_INIT;
static_assert(kNpsInit.version == NpsOptionsDefaults().version, "nps version");
static_assert(kNpsInit.detractor_max == NpsOptionsDefaults().detractor_max, "detractor_max");
static_assert(kNpsInit.passive_max == NpsOptionsDefaults().passive_max, "passive_max");
static_assert(kNpsInit.scale_max == NpsOptionsDefaults().scale_max, "scale_max");
static_assert(kNpsInit.missing == NpsOptionsDefaults().missing, "missing");
static_assert(kNpsInit.method == NpsOptionsDefaults().method, "method");
static_assert(kNpsInit.confidence == NpsOptionsDefaults().confidence, "confidence");
static_assert(kNpsInit.min_n == NpsOptionsDefaults().min_n, "min_n");
constexpr npscore_nps_compare_options kCompareInit = NPSCORE_NPS_COMPARE_OPTIONS_INIT;
static_assert(kCompareInit.version == CompareOptionsDefaults().version, "compare version");
static_assert(kCompareInit.method == CompareOptionsDefaults().method, "compare method");
static_assert(kCompareInit.confidence == CompareOptionsDefaults().confidence, "confidence");
static_assert(kCompareInit.test == CompareOptionsDefaults().test, "compare test");

// Reads npscore_nps_compare_options (NULL: the defaults) into *out.
npscore_status ReadCompareOptions(Call& call, const npscore_nps_compare_options* opts,
                                  CompareOptions* out) {
  *out = CompareOptions{};
  npscore_nps_compare_options o;
  NPSCORE_C_RETURN_IF_ERROR(
      ReadOptions(call, opts, CompareOptionsDefaults(), kCompareOptionsSizes, "opts", &o));
  if (opts == nullptr) return NPSCORE_OK;
  NPSCORE_C_RETURN_IF_ERROR(ReadIntervalMethod(call, o.method, "opts->method", &out->method));
  const int test = o.test;
  if (test < NPSCORE_COMPARE_AUTO || test > NPSCORE_COMPARE_MID_P) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("opts->test is ", test),
                     ": use NPSCORE_COMPARE_AUTO (0), NPSCORE_COMPARE_ASYMPTOTIC (1),"
                     " NPSCORE_COMPARE_EXACT (2) or NPSCORE_COMPARE_MID_P (3)");
  }
  out->confidence = o.confidence;
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

NPSCORE_API npscore_status npscore_nps_options_init(npscore_nps_options* opts, uint32_t version,
                                                    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version, npscore::capi::NpsOptionsDefaults(),
                                    npscore::capi::kNpsOptionsSizes);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_segment(int8_t* out, size_t out_capacity,
                                               const void* scores, int32_t dtype, size_t n,
                                               const npscore_nps_options* opts,
                                               npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, out, out_capacity, "out"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckCapacity(call, "out", out_capacity, n));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    const absl::Status st =
        npscore::SegmentInto(s, absl::MakeSpan(out, n), o.scores.cutoffs);
    return st.ok() ? call.Ok() : call.Fail(st);
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_count(npscore_nps_counts* out, const void* scores,
                                             int32_t dtype, size_t n,
                                             const npscore_nps_options* opts,
                                             npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    const auto counts = npscore::CountSegments(s, o.scores);
    if (!counts.ok()) return call.Fail(counts.status());
    *out = CountsToC(*counts);
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_counts_merge(npscore_nps_counts* out,
                                                    const npscore_nps_counts* other,
                                                    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(other);
  const auto merged = npscore::MergeCounts(CountsToCore(*out), CountsToCore(*other));
  if (!merged.ok()) return call.Fail(merged.status());
  *out = CountsToC(*merged);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_summarize(npscore_nps_summary* out, const void* scores,
                                                 int32_t dtype, size_t n, const double* weights,
                                                 const npscore_nps_options* opts,
                                                 npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, weights, 0, "weights"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
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

NPSCORE_API npscore_status npscore_nps_summarize_counts(npscore_nps_summary* out,
                                                        const npscore_nps_counts* counts,
                                                        const npscore_nps_options* opts,
                                                        npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(counts);
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
  const auto summary = npscore::Summarize(CountsToCore(*counts), o.interval);
  if (!summary.ok()) return call.Fail(summary.status());
  *out = SummaryToC(*summary);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_compare(npscore_nps_comparison* out,
                                               const npscore_nps_summary* a,
                                               const npscore_nps_summary* b,
                                               const npscore_nps_options* opts,
                                               npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(a);
  NPSCORE_C_REQUIRE(b);
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
  const auto cmp = npscore::Compare(SummaryToCore(*a), SummaryToCore(*b), o.interval);
  if (!cmp.ok()) return call.Fail(cmp.status());
  *out = ComparisonToC(*cmp);
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_compare_options_init(npscore_nps_compare_options* opts,
                                                            uint32_t version,
                                                            npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  return npscore::capi::InitOptions(call, opts, version,
                                    npscore::capi::CompareOptionsDefaults(),
                                    npscore::capi::kCompareOptionsSizes);
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_compare_test(npscore_nps_comparison* out,
                                                    int32_t* out_test,
                                                    const npscore_nps_summary* a,
                                                    const npscore_nps_summary* b,
                                                    const npscore_nps_compare_options* opts,
                                                    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
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

NPSCORE_API npscore_status npscore_nps_group_table_new(npscore_nps_group_table** out,
                                                       const void* scores, int32_t dtype,
                                                       size_t n, const int64_t* codes,
                                                       size_t n_groups, const double* weights,
                                                       const npscore_nps_options* opts,
                                                       npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, codes, n, "codes"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, weights, 0, "weights"));
  int64_t groups;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CountToCore(call, n_groups, "n_groups", &groups));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto table = npscore::SummarizeByGroup(
        s, absl::MakeConstSpan(codes, n), groups,
        weights == nullptr ? absl::Span<const double>() : absl::MakeConstSpan(weights, n),
        o);
    if (!table.ok()) return call.Fail(table.status());
    *out = new npscore_nps_group_table{
        std::make_shared<const npscore::GroupTable>(std::move(*table))};
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_group_table_new_by_key(
    npscore_nps_group_table** out, const void* scores, int32_t dtype, size_t n,
    const int64_t* keys, const double* weights, const npscore_nps_options* opts,
    npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  *out = nullptr;
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, keys, n, "keys"));
  NPSCORE_C_RETURN_IF_ERROR(npscore::capi::CheckColumn(call, weights, 0, "weights"));
  npscore::GroupOptions o;
  NPSCORE_C_RETURN_IF_ERROR(ReadNpsOptions(call, opts, "opts", &o));
  return VisitScores(call, scores, dtype, n, [&](auto s) {
    auto keyed = npscore::SummarizeByKey(
        s, absl::MakeConstSpan(keys, n),
        weights == nullptr ? absl::Span<const double>() : absl::MakeConstSpan(weights, n), o);
    if (!keyed.ok()) return call.Fail(keyed.status());
    auto owner = std::make_shared<const npscore::KeyedGroupTable>(std::move(*keyed));
    const int64_t* key_data = owner->keys.data();
    *out = new npscore_nps_group_table{
        std::shared_ptr<const npscore::GroupTable>(owner, &owner->table)};
    (*out)->keys = key_data;
    return call.Ok();
  });
  NPSCORE_C_END
}

NPSCORE_API npscore_status npscore_nps_group_table_key(int64_t* out,
                                                      const npscore_nps_group_table* t, size_t i,
                                                      npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(t);
  if (t->keys == nullptr) {
    return call.Fail(NPSCORE_EINVAL, "t",
                     " was made by group code (npscore_nps_group_table_new): it has no keys");
  }
  if (i >= t->table.size()) {
    return call.Fail(NPSCORE_EINVAL, absl::StrCat("index i is ", i),
                     absl::StrCat(": the table has ", t->table.size(), " groups"));
  }
  *out = t->keys[i];
  return call.Ok();
  NPSCORE_C_END
}

NPSCORE_API size_t npscore_nps_group_table_size(const npscore_nps_group_table* t) {
  return t == nullptr ? 0 : t->table.size();
}

NPSCORE_API npscore_status npscore_nps_group_table_get(npscore_nps_summary* out,
                                                       int32_t* out_small,
                                                       const npscore_nps_group_table* t,
                                                       size_t i, npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
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

NPSCORE_API void npscore_nps_group_table_free(npscore_nps_group_table* t) { delete t; }

NPSCORE_API npscore_status npscore_nps_group_table_export_arrow(struct ArrowArray* out,
                                                                struct ArrowSchema* out_schema,
                                                                const npscore_nps_group_table* t,
                                                                npscore_error* err) {
  NPSCORE_C_BEGIN_WITH(err)
  NPSCORE_C_REQUIRE(out);
  NPSCORE_C_REQUIRE(out_schema);
  NPSCORE_C_REQUIRE(t);
  const npscore::GroupTable& g = t->table;
  npscore::capi::ArrowTableExport e(static_cast<int64_t>(g.size()), t->shared);
  // The fields of npscore_nps_summary, then `small` (method and confidence,
  // the same for every group, are left to the caller's options).
  if (t->keys != nullptr) e.AddI64("key", t->keys);  // a table by key: its keys first
  e.AddF64("n", g.n.data());
  e.AddF64("detractors", g.detractors.data());
  e.AddF64("passives", g.passives.data());
  e.AddF64("promoters", g.promoters.data());
  e.AddF64("n_effective", g.n_effective.data());
  e.AddI64("skipped", g.skipped.data());
  e.AddF64("nps", g.nps.data());
  e.AddF64("se", g.se.data());
  e.AddF64("ci_low", g.ci_low.data());
  e.AddF64("ci_high", g.ci_high.data());
  e.AddBool("small", g.small.data());
  e.Export(out, out_schema);
  return call.Ok();
  NPSCORE_C_END
}

}  // extern "C"
