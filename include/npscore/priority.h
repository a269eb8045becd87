// npscore/priority.h: whom to contact first: revenue at risk, recoverability, deadlines and the contact queue.

#ifndef NPSCORE_PRIORITY_H_
#define NPSCORE_PRIORITY_H_

namespace npscore {}  // namespace npscore

#endif  // NPSCORE_PRIORITY_H_
