// Summarizes survey scores with the npscore C++ core: the NPS of two
// segments with 95% intervals, their difference, and the error a bad score
// gives.

#include <cstdio>
#include <cstdint>
#include <vector>

#include "npscore/nps.h"

namespace {

// Prints one summary line; returns false (after printing why) on error.
bool Report(const char* name, const std::vector<int32_t>& scores, npscore::Summary* out) {
  const auto counts = npscore::CountSegments<int32_t>(scores);
  if (!counts.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, counts.status().ToString().c_str());
    return false;
  }
  const auto s = npscore::Summarize(*counts);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, s.status().ToString().c_str());
    return false;
  }
  std::printf("%-8s n = %3.0f  NPS = %6.1f  95%% interval [%6.1f, %6.1f] (%s)\n", name, s->n,
              s->nps, s->ci_low, s->ci_high, npscore::IntervalMethodName(s->method));
  *out = *s;
  return true;
}

}  // namespace

int main() {
  const std::vector<int32_t> web = {10, 9, 9, 8, 7, 10, 3, 6, 9, 10, 5, 8, 9, 10, 2};
  const std::vector<int32_t> phone = {6, 7, 8, 4, 10, 9, 5, 6, 8, 7, 3, 9};
  npscore::Summary a, b;
  if (!Report("web", web, &a) || !Report("phone", phone, &b)) return 1;

  const auto cmp = npscore::Compare(a, b);
  if (!cmp.ok()) {
    std::fprintf(stderr, "compare: %s\n", cmp.status().ToString().c_str());
    return 1;
  }
  std::printf("web - phone = %.1f, 95%% interval [%.1f, %.1f], p = %.3f\n", cmp->diff,
              cmp->ci_low, cmp->ci_high, cmp->p_value);

  // An 11 on the 0-10 scale: the status names the row and the value.
  const std::vector<int32_t> bad = {10, 9, 11};
  const auto counts = npscore::CountSegments<int32_t>(bad);
  if (counts.ok()) {
    std::fprintf(stderr, "expected an error for the score 11\n");
    return 1;
  }
  std::printf("bad input -> %s\n", counts.status().ToString().c_str());
  return 0;
}
