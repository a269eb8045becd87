// npscore/churn.h: churn-risk scoring: signals from NPS history, a calibrated
// logistic model (fitted, or a prior from documented base rates), per-customer
// reasons, evaluation and persistence.

#ifndef NPSCORE_CHURN_H_
#define NPSCORE_CHURN_H_

namespace npscore {

// --- Features: signals from NPS history, as of a date (src/churn_features.cc) ---

// (end of churn features)

// --- Model: logistic regression, prior, reasons, evaluation, persistence (src/churn.cc) ---

// (end of churn model)

}  // namespace npscore

#endif  // NPSCORE_CHURN_H_
