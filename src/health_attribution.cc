// Attribution of an NPS change to slices: the symmetric (Shapley) split of
// each slice's contribution into a mix and a rate effect.

#include <cstddef>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "npscore/health.h"
#include "src/internal/status_macros.h"

namespace npscore {
namespace {

// Respondents of one period over all slices, or the error for a negative
// count or an empty period.
absl::StatusOr<int64_t> PeriodTotal(absl::Span<const Counts> counts, const char* name) {
  int64_t total = 0;
  for (size_t s = 0; s < counts.size(); ++s) {
    const Counts& c = counts[s];
    if (c.detractors < 0 || c.passives < 0 || c.promoters < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "counts of slice ", s, " in period ", name, " must be >= 0; got detractors=",
          c.detractors, ", passives=", c.passives, ", promoters=", c.promoters));
    }
    int64_t n = 0;
    if (__builtin_add_overflow(c.detractors, c.passives, &n) ||
        __builtin_add_overflow(n, c.promoters, &n) || __builtin_add_overflow(total, n, &total)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "counts of period ", name, " overflow int64 at slice ", s));
    }
  }
  if (total == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period ", name, " has no respondents in any of its ", counts.size(),
        " slices: there is no NPS to attribute"));
  }
  return total;
}

double SliceNps(const Counts& c) {
  return 100.0 * static_cast<double>(c.promoters - c.detractors) / static_cast<double>(c.n());
}

}  // namespace

absl::StatusOr<Attribution> AttributeChange(absl::Span<const Counts> a,
                                            absl::Span<const Counts> b) {
  if (a.size() != b.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "period a has ", a.size(), " slices but period b has ", b.size(),
        ": give the counts of the same slices, in the same order"));
  }
  NPSCORE_ASSIGN_OR_RETURN(const int64_t na, PeriodTotal(a, "a"));
  NPSCORE_ASSIGN_OR_RETURN(const int64_t nb, PeriodTotal(b, "b"));
  const size_t m = a.size();
  Attribution out;
  for (auto* col : {&out.weight_a, &out.weight_b, &out.nps_a, &out.nps_b, &out.mix, &out.rate,
                    &out.total}) {
    col->assign(m, 0.0);
  }
  int64_t net_a = 0, net_b = 0;  // promoters - detractors
  for (size_t s = 0; s < m; ++s) {
    net_a += a[s].promoters - a[s].detractors;
    net_b += b[s].promoters - b[s].detractors;
    const int64_t sa = a[s].n(), sb = b[s].n();
    if (sa == 0 && sb == 0) continue;  // zeros throughout
    const double wa = static_cast<double>(sa) / static_cast<double>(na);
    const double wb = static_cast<double>(sb) / static_cast<double>(nb);
    // A slice absent from one period takes the other period's NPS there.
    const double npa = sa > 0 ? SliceNps(a[s]) : SliceNps(b[s]);
    const double npb = sb > 0 ? SliceNps(b[s]) : npa;
    out.weight_a[s] = wa;
    out.weight_b[s] = wb;
    out.nps_a[s] = npa;
    out.nps_b[s] = npb;
    out.mix[s] = (wb - wa) * (npa + npb) / 2;
    out.rate[s] = (wa + wb) / 2 * (npb - npa);
    out.total[s] = out.mix[s] + out.rate[s];
  }
  out.overall_a = 100.0 * static_cast<double>(net_a) / static_cast<double>(na);
  out.overall_b = 100.0 * static_cast<double>(net_b) / static_cast<double>(nb);
  out.change = out.overall_b - out.overall_a;
  return out;
}

}  // namespace npscore
