// npscore/clv.h: customer lifetime value: RFM summaries, BG/NBD and Gamma-Gamma models, discounted CLV.

#ifndef NPSCORE_CLV_H_
#define NPSCORE_CLV_H_

namespace npscore {}  // namespace npscore

#endif  // NPSCORE_CLV_H_
