// The C ABI of the nps module (npscore/c_api.h): thin wrappers over
// npscore/nps.h. This file is the one place where the C structs and enums
// are converted to and from the core's.

#include <cstdint>
#include <limits>
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

// The summary's method is not read by the core (Compare takes its own), so
// any value a caller left there converts as its integer.
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
  return out;
}

// True if a + b overflows int64_t.
bool AddOverflows(int64_t a, int64_t b) {
  return b > 0 ? a > std::numeric_limits<int64_t>::max() - b
               : a < std::numeric_limits<int64_t>::min() - b;
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
  // Checked here because the core's Counts::Merge adds without a check.
  const struct {
    const char* name;
    int64_t a, b;
  } fields[] = {{"detractors", out->detractors, other->detractors},
                {"passives", out->passives, other->passives},
                {"promoters", out->promoters, other->promoters},
                {"skipped", out->skipped, other->skipped}};
  for (const auto& f : fields) {
    if (npscore::capi::AddOverflows(f.a, f.b)) {
      return call.Fail(NPSCORE_EINVAL, absl::StrCat(f.name, " ", f.a, " + ", f.b),
                       " overflows int64_t");
    }
  }
  npscore::Counts merged = CountsToCore(*out);
  merged.Merge(CountsToCore(*other));
  *out = CountsToC(merged);
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
