// The churn handles of the C ABI (npscore/c_api.h), shared by capi/churn.cc,
// capi/churn_features.cc and capi/churn_design.cc; not installed.

#ifndef NPSCORE_CAPI_CHURN_HANDLES_H_
#define NPSCORE_CAPI_CHURN_HANDLES_H_

#include <memory>

#include "npscore/c_api.h"
#include "npscore/churn.h"

// The features table. Shared with its Arrow exports (capi/arrow.h), which may
// outlive the handle.
struct npscore_churn_features {
  std::shared_ptr<const npscore::ChurnFeatures> shared;
  const npscore::ChurnFeatures& features = *shared;
};

// A fitted, prior or loaded model.
struct npscore_churn_model {
  npscore::ChurnModel model;
};

// A design (its column names are the string getter's storage).
struct npscore_churn_design {
  npscore::ChurnDesign design;
};

#endif  // NPSCORE_CAPI_CHURN_HANDLES_H_
