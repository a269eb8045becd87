// The priority of one case, shared by Prioritize (priority.cc) and the live
// Monitor (monitor.cc), so that a case the monitor opens carries exactly the
// priority the contact queue gives the same customer at the same time.

#ifndef NPSCORE_SRC_INTERNAL_CASE_PRIORITY_H_
#define NPSCORE_SRC_INTERNAL_CASE_PRIORITY_H_

#include <cstdint>

#include "npscore/priority.h"
#include "src/internal/score_kernels.h"

namespace npscore {
namespace internal {

// The play of a segment code: 0 recover (detractors), 1 make_it_a_10
// (passives), 2 advocacy (promoters), 3 no segment (ranked like detractors).
inline int PlayIndex(int8_t segment) {
  switch (segment) {
    case -1: return 0;
    case 0: return 1;
    case 1: return 2;
    default: return 3;
  }
}

// A case's figures `hours` after its answer (docs/contact-queue.md).
struct CaseFigures {
  double recoverability = 0;  // r(hours); NaN for promoters
  double expected = 0;        // revenue at risk x r(hours); NaN for promoters
  double urgency = 0;         // r(hours) - r(hours + urgency_hours); NaN for promoters
  double priority = 0;        // revenue at risk x urgency; the CLV for promoters
};

// The figures of a case with churn risk `risk` and value `clv` (validated),
// `hours` (>= 0) after its answer: the ranking value of Prioritize.
inline CaseFigures FiguresOfCase(bool promoter, double risk, double clv, double hours,
                                 const Recoverability& curve, double urgency_hours) {
  if (promoter) return {kNaN, kNaN, kNaN, clv};
  const double at_risk = risk * clv;
  const double r = curve(hours);
  const double urgency = r - curve(hours + urgency_hours);
  return {r, at_risk * r, urgency, at_risk * urgency};
}

}  // namespace internal
}  // namespace npscore

#endif  // NPSCORE_SRC_INTERNAL_CASE_PRIORITY_H_
