// npscore/churn.h: churn-risk scoring: signals, a calibrated logistic model, reasons, evaluation and persistence.

#ifndef NPSCORE_CHURN_H_
#define NPSCORE_CHURN_H_

namespace npscore {}  // namespace npscore

#endif  // NPSCORE_CHURN_H_
