// libFuzzer harness: caller bytes -> the churn model loader (ParseChurnModel),
// and caller strings -> the names a model carries (FitChurnModel's feature
// names, PriorChurnModel's columns). Every model that comes out must
//   - save and parse back to the same model (every field, doubles bit for
//     bit), and save to the same bytes again;
//   - predict on a fixed 5-row matrix, row- and column-major alike, either
//     finite probabilities in [0, 1] or an InvalidArgument error naming a row
//     of the matrix (row 0 is all zeros: only the intercept, never an error);
//   - explain the same rows with the same probabilities, reasons naming
//     columns of the model with positive contributions, largest first.
// A loader error must be InvalidArgument. A failed check aborts.
//
// A model with a design must carry a valid design whose names are its
// features', which builds a matrix of its columns from fixed features (or
// an InvalidArgument error: the fixed data lacks its themes or user columns).
//
// Input: byte 0 selects the mode (% 5):
//   0  the rest is a model file as it is;
//   1  the rest is a version 1 payload (no design): the harness adds the
//      header and the checksum, so the fuzzer explores the payload's fields,
//      not the checksum;
//   4  the same for a version 2 payload (with a design);
//   2  the rest is up to 6 length-prefixed feature names (a length byte, then
//      that many bytes) of a fit on a fixed 12-row data set;
//   3  8 bytes of horizon (a double, in days), then the prior's 4 column names.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "npscore/churn.h"
#include "tests/fuzz/fuzz_messages.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "churn_model_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

void CheckInvalidArgument(const absl::Status& status, const char* what) {
  if (status.code() != absl::StatusCode::kInvalidArgument) {
    Fail(what, "an error other than InvalidArgument: " + status.ToString());
  }
}

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameBits(a[i], b[i])) return false;
  }
  return true;
}

// Every field that the file format holds.
void CheckSameModel(const npscore::ChurnModel& a, const npscore::ChurnModel& b) {
  const npscore::ChurnFitOptions &oa = a.options, &ob = b.options;
  if (a.feature_names != b.feature_names) Fail("round trip", "feature names differ");
  if (!SameBits(a.coef, b.coef) || !SameBits(a.intercept, b.intercept)) {
    Fail("round trip", "coefficients differ");
  }
  if (!SameBits(a.reference, b.reference) || !SameBits(a.mean, b.mean) ||
      !SameBits(a.scale, b.scale)) {
    Fail("round trip", "reference or standardisation differs");
  }
  if (a.is_prior != b.is_prior || !SameBits(a.horizon_days, b.horizon_days)) {
    Fail("round trip", "prior flag or horizon differs");
  }
  if (!SameBits(oa.C, ob.C) || oa.fit_intercept != ob.fit_intercept ||
      oa.standardize != ob.standardize || !SameBits(oa.class_weight, ob.class_weight) ||
      oa.balanced_class_weight != ob.balanced_class_weight || !SameBits(oa.tol, ob.tol) ||
      oa.max_iter != ob.max_iter || oa.threads != ob.threads) {
    Fail("round trip", "fit options differ");
  }
  if (a.info.n_iter != b.info.n_iter || a.info.converged != b.info.converged ||
      !SameBits(a.info.grad_norm, b.info.grad_norm) ||
      !SameBits(a.info.objective, b.info.objective) || a.info.warnings != b.info.warnings) {
    Fail("round trip", "fit info differs");
  }
  if (a.design.has_value() != b.design.has_value() ||
      (a.design.has_value() && npscore::SerializeChurnDesign(*a.design) !=
                                   npscore::SerializeChurnDesign(*b.design))) {
    Fail("round trip", "design differs");
  }
}

// A model's design: valid, named as the model's features, and building a
// matrix of its columns from fixed features.
void CheckDesign(const npscore::ChurnModel& m) {
  if (!m.design.has_value()) return;
  const npscore::ChurnDesign& d = *m.design;
  const absl::Status valid = npscore::ValidateChurnDesign(d);
  if (!valid.ok()) Fail("a loaded design is not valid", std::string(valid.message()));
  if (d.names() != m.feature_names) Fail("design", "names differ from the features'");
  const std::vector<int64_t> customers = {1, 2, 1}, times = {10, 20, 30};
  const std::vector<double> scores = {3, 9, 7};
  const std::vector<int64_t> ids = {1, 2, 3};
  auto f = npscore::ComputeChurnFeatures<double>(customers, times, scores, {}, ids, {}, 100);
  if (!f.ok()) Fail("fixed features", std::string(f.status().message()));
  auto x = npscore::BuildChurnMatrix(d, *f);
  if (!x.ok()) {
    CheckInvalidArgument(x.status(), "design matrix");
    return;
  }
  if (x->rows != 3 || x->cols != d.size() || x->values.size() != 3 * d.size()) {
    Fail("design matrix", "wrong shape");
  }
}

constexpr size_t kRows = 5;
constexpr double kPattern[] = {1, 0.5, -2, 3.25, 1e3, -0.75, 40};

// X(i, j): row 0 zeros, then a fixed pattern of moderate values.
double FixedX(size_t i, size_t j) {
  return i == 0 ? 0.0 : kPattern[(i * 3 + j) % std::size(kPattern)];
}

void CheckPredictions(const npscore::ChurnModel& m) {
  const size_t p = m.n_features();
  std::vector<double> by_row(kRows * p), by_col(kRows * p);
  for (size_t i = 0; i < kRows; ++i) {
    for (size_t j = 0; j < p; ++j) by_row[i * p + j] = by_col[j * kRows + i] = FixedX(i, j);
  }
  const npscore::MatrixView xr{by_row, kRows, p, true}, xc{by_col, kRows, p, false};
  std::vector<double> pr(kRows), pc(kRows);
  const absl::Status sr = npscore::PredictChurn(m, xr, absl::MakeSpan(pr));
  const absl::Status sc = npscore::PredictChurn(m, xc, absl::MakeSpan(pc));
  if (sr.ok() != sc.ok()) Fail("predict", "row- and column-major disagree on failing");
  if (!sr.ok()) {
    CheckInvalidArgument(sr, "predict");
    const int64_t row = npscore_fuzz::NumberAfter(sr.message(), "row ");
    if (row < 1 || row >= static_cast<int64_t>(kRows)) {
      Fail("predict error names no row 1..4", std::string(sr.message()));
    }
    return;
  }
  for (size_t i = 0; i < kRows; ++i) {
    if (!(pr[i] >= 0 && pr[i] <= 1)) Fail("predict", "a probability outside [0, 1]");
    if (!SameBits(pr[i], pc[i])) Fail("predict", "row- and column-major differ");
  }

  constexpr int kTop = 3;
  std::vector<double> proba(kRows), contributions(kRows * kTop);
  std::vector<int32_t> features(kRows * kTop);
  const absl::Status se = npscore::ExplainChurn(m, xr, kTop, absl::MakeSpan(proba),
                                                absl::MakeSpan(features),
                                                absl::MakeSpan(contributions));
  if (!se.ok()) Fail("explain failed where predict did not", std::string(se.message()));
  for (size_t i = 0; i < kRows; ++i) {
    if (!SameBits(proba[i], pr[i])) Fail("explain", "a probability differs from predict's");
    for (size_t k = 0; k < kTop; ++k) {
      const int32_t f = features[i * kTop + k];
      const double c = contributions[i * kTop + k];
      if (f < -1 || f >= static_cast<int64_t>(p)) Fail("explain", "a reason names no column");
      // A contribution coef * (x - reference) may overflow to +inf for a
      // finite model (a reference near the largest double); never NaN.
      if (f == -1 ? c != 0 : !(c > 0)) Fail("explain", "a reason's contribution is not positive");
      if (k > 0 && c > contributions[i * kTop + k - 1]) {
        std::string row;
        for (size_t q = 0; q < kTop; ++q) {
          absl::StrAppend(&row, " ", features[i * kTop + q], ":", contributions[i * kTop + q]);
        }
        Fail("explain: reasons out of order", absl::StrCat("row ", i, ":", row));
      }
    }
  }
}

void CheckModel(const npscore::ChurnModel& m) {
  if (m.n_features() > npscore::kMaxChurnFeatures) Fail("model", "too many features");
  const std::string bytes = npscore::SerializeChurnModel(m);
  auto again = npscore::ParseChurnModel(bytes);
  if (!again.ok()) Fail("a saved model does not parse", std::string(again.status().message()));
  CheckSameModel(m, *again);
  if (npscore::SerializeChurnModel(*again) != bytes) Fail("round trip", "saved bytes differ");
  const std::vector<npscore::ChurnReasonRule> rules =
      npscore::DefaultChurnReasonRules(m.feature_names);
  if (rules.size() != m.n_features()) Fail("rules", "not one rule per column");
  for (const npscore::ChurnReasonRule& r : rules) {
    if (r.direction < -1 || r.direction > 1 || r.when_column < -1 ||
        r.when_column >= static_cast<int64_t>(m.n_features())) {
      Fail("rules", "a default rule out of range");
    }
  }
  CheckDesign(m);
  CheckPredictions(m);
}

uint64_t Fnv1a64(absl::string_view bytes) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

void AppendLE(std::string* out, uint64_t v, int bytes) {
  for (int k = 0; k < bytes; ++k) out->push_back(static_cast<char>(v >> (8 * k)));
}

// Length-prefixed strings from `in`, at most `max`.
std::vector<std::string> Names(absl::string_view in, size_t max) {
  std::vector<std::string> names;
  while (!in.empty() && names.size() < max) {
    const size_t n = std::min<size_t>(static_cast<unsigned char>(in[0]), in.size() - 1);
    names.emplace_back(in.substr(1, n));
    in.remove_prefix(1 + n);
  }
  return names;
}

void Load(absl::string_view file) {
  auto m = npscore::ParseChurnModel(file);
  if (!m.ok()) {
    CheckInvalidArgument(m.status(), "parse");
    return;
  }
  CheckModel(*m);
}

// A fit on a fixed, separable-free data set with the caller's names.
void Fit(const std::vector<std::string>& names) {
  constexpr size_t kFitRows = 12;
  const size_t p = names.size();
  if (p == 0) return;
  std::vector<double> x(kFitRows * p), y(kFitRows);
  for (size_t i = 0; i < kFitRows; ++i) {
    y[i] = (i * 7 + 3) % 5 < 2 ? 1 : 0;
    for (size_t j = 0; j < p; ++j) x[i * p + j] = static_cast<double>((i * (j + 2) + j) % 7);
  }
  npscore::ChurnFitOptions options;
  options.max_iter = 50;
  auto m = npscore::FitChurnModel(npscore::MatrixView{x, kFitRows, p, true}, y, {}, options,
                                  names);
  if (!m.ok()) {
    CheckInvalidArgument(m.status(), "fit");
    return;
  }
  if (m->feature_names != names) Fail("fit", "the model's names are not the caller's");
  CheckModel(*m);
}

void Prior(double horizon, const std::vector<std::string>& names) {
  npscore::ChurnPriorColumns columns;
  if (names.size() > 0) columns.detractor = names[0];
  if (names.size() > 1) columns.passive = names[1];
  if (names.size() > 2) columns.answered = names[2];
  if (names.size() > 3) columns.early_life_detractor = names[3];
  auto m = npscore::PriorChurnModel(horizon, {}, columns);
  if (!m.ok()) {
    CheckInvalidArgument(m.status(), "prior");
    return;
  }
  if (!(horizon > 0 && horizon <= npscore::kMaxChurnHorizonDays)) {
    Fail("prior", "a horizon out of range was accepted");
  }
  CheckModel(*m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const absl::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0:
      Load(rest);
      break;
    case 1:
    case 4: {
      std::string file = "NPSCHURN";
      AppendLE(&file, data[0] % 5 == 1 ? 1 : npscore::kChurnModelFormatVersion, 4);
      AppendLE(&file, rest.size(), 8);
      file.append(rest.data(), rest.size());
      AppendLE(&file, Fnv1a64(rest), 8);
      Load(file);
      break;
    }
    case 2:
      Fit(Names(rest, 6));
      break;
    case 3: {
      if (rest.size() < 8) return 0;
      double horizon;
      std::memcpy(&horizon, rest.data(), 8);
      Prior(horizon, Names(rest.substr(8), 4));
      break;
    }
  }
  return 0;
}
