// Validation of churn models (npscore/churn.h, "Validation"): seeded k-fold
// cross-validation and the backtest against the prior, so that C, C++ and
// Python callers get the same folds and the same verdict.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "src/internal/splitmix64.h"
#include "src/internal/status_macros.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

// The rows `rows` of X as a column-major matrix.
std::vector<double> GatherRows(const MatrixView& X, const std::vector<size_t>& rows) {
  std::vector<double> out(rows.size() * X.cols);
  for (size_t j = 0; j < X.cols; ++j) {
    double* column = out.data() + j * rows.size();
    for (size_t i = 0; i < rows.size(); ++i) column[i] = X.at(rows[i], j);
  }
  return out;
}

template <typename T>
std::vector<T> Gather(absl::Span<const T> values, const std::vector<size_t>& rows) {
  std::vector<T> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out[i] = values[rows[i]];
  return out;
}

// Labels of one side of a backtest must hold both classes.
absl::Status CheckBothClasses(absl::Span<const double> y, const char* side) {
  int64_t ones = 0, zeros = 0;
  for (double v : y) {
    if (v == 1) ++ones;
    if (v == 0) ++zeros;
  }
  if (ones == 0 || zeros == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ", side, " labels have a single class (", zeros, " zeros, ", ones,
        " ones): choose other dates or a longer horizon"));
  }
  return absl::OkStatus();
}

double Mean(absl::Span<const double> y) {
  double sum = 0;
  for (double v : y) sum += v;
  return y.empty() ? 0 : sum / static_cast<double>(y.size());
}

}  // namespace

absl::StatusOr<std::vector<int32_t>> ChurnFolds(size_t n, int k, uint64_t seed) {
  const uint64_t most = std::min<uint64_t>(n, kMaxChurnFolds);
  if (k < 2 || static_cast<uint64_t>(k) > most) {
    return absl::InvalidArgumentError(
        absl::StrCat("k is ", k, ": it must be between 2 and the number of rows (", n, ")",
                     n > static_cast<size_t>(kMaxChurnFolds)
                         ? absl::StrCat(", at most ", kMaxChurnFolds)
                         : ""));
  }
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  internal::SplitMix64 rng(seed);
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  std::vector<int32_t> fold(n);
  const size_t base = n / static_cast<size_t>(k), larger = n % static_cast<size_t>(k);
  size_t pos = 0;
  for (int f = 0; f < k; ++f) {
    const size_t size = base + (static_cast<size_t>(f) < larger ? 1 : 0);
    for (size_t i = 0; i < size; ++i) fold[order[pos++]] = f;
  }
  return fold;
}

absl::StatusOr<std::vector<ChurnFold>> CrossValidateChurn(
    const MatrixView& X, absl::Span<const double> y, absl::Span<const double> sample_weight,
    const ChurnFitOptions& options, int k, uint64_t seed, int bins) {
  if (y.size() != X.rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("y has ", y.size(), " values but X has ", X.rows, " rows"));
  }
  if (!sample_weight.empty() && sample_weight.size() != X.rows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "sample_weight has ", sample_weight.size(), " values but X has ", X.rows, " rows"));
  }
  NPSCORE_ASSIGN_OR_RETURN(const std::vector<int32_t> fold, ChurnFolds(X.rows, k, seed));
  std::vector<ChurnFold> out;
  out.reserve(static_cast<size_t>(k));
  std::vector<size_t> train, test;
  for (int f = 0; f < k; ++f) {
    train.clear();
    test.clear();
    for (size_t i = 0; i < X.rows; ++i) (fold[i] == f ? test : train).push_back(i);
    const std::vector<double> x_train = GatherRows(X, train), x_test = GatherRows(X, test);
    const std::vector<double> y_train = Gather(y, train), y_test = Gather(y, test);
    const std::vector<double> w_train =
        sample_weight.empty() ? std::vector<double>() : Gather(sample_weight, train);
    auto fail = [f](const absl::Status& s) {
      return absl::Status(s.code(), absl::StrCat("fold ", f, ": ", s.message()));
    };
    auto model = FitChurnModel(MatrixView{x_train, train.size(), X.cols, false}, y_train, w_train,
                               options);
    if (!model.ok()) return fail(model.status());
    std::vector<double> p(test.size());
    const absl::Status predicted =
        PredictChurn(*model, MatrixView{x_test, test.size(), X.cols, false}, absl::MakeSpan(p));
    if (!predicted.ok()) return fail(predicted);
    auto evaluation = EvaluateChurn(y_test, p, bins);
    if (!evaluation.ok()) return fail(evaluation.status());
    ChurnFold row;
    row.fold = f;
    row.n_train = static_cast<int64_t>(train.size());
    row.n_test = static_cast<int64_t>(test.size());
    row.evaluation = *std::move(evaluation);
    row.n_iter = model->info.n_iter;
    row.converged = model->info.converged;
    out.push_back(std::move(row));
  }
  return out;
}

absl::StatusOr<bool> PredictChurnPrior(const MatrixView& X, absl::Span<const std::string> names,
                                       double horizon_days, absl::Span<double> out) {
  if (names.size() != X.cols) {
    return absl::InvalidArgumentError(
        absl::StrCat("names has ", names.size(), " names but X has ", X.cols, " columns"));
  }
  if (out.size() != X.rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("out has ", out.size(), " values but X has ", X.rows, " rows"));
  }
  NPSCORE_ASSIGN_OR_RETURN(const ChurnModel prior, PriorChurnModel(horizon_days));
  const std::string early_life =
      ChurnFeatureColumnName(ChurnFeatureColumn::kEarlyLifeDetractor);
  // The prior's columns of X, column-major; an absent early-life column is 0.
  std::vector<double> columns(X.rows * prior.n_features(), 0.0);
  for (size_t c = 0; c < prior.n_features(); ++c) {
    const std::string& want = prior.feature_names[c];
    const auto found = std::find(names.begin(), names.end(), want);
    if (found == names.end()) {
      if (want == early_life) continue;
      return false;
    }
    const size_t j = static_cast<size_t>(found - names.begin());
    for (size_t i = 0; i < X.rows; ++i) columns[c * X.rows + i] = X.at(i, j);
  }
  NPSCORE_RETURN_IF_ERROR(
      PredictChurn(prior, MatrixView{columns, X.rows, prior.n_features(), false}, out));
  return true;
}

absl::StatusOr<ChurnBacktest> BacktestChurn(const MatrixView& X_train,
                                            absl::Span<const double> y_train,
                                            const MatrixView& X_test,
                                            absl::Span<const double> y_test,
                                            absl::Span<const std::string> feature_names,
                                            double horizon_days, const ChurnFitOptions& options,
                                            int bins) {
  if (X_test.cols != X_train.cols) {
    return absl::InvalidArgumentError(absl::StrCat("X_test has ", X_test.cols,
                                                   " columns but X_train has ", X_train.cols));
  }
  if (y_test.size() != X_test.rows) {
    return absl::InvalidArgumentError(
        absl::StrCat("y_test has ", y_test.size(), " values but X_test has ", X_test.rows,
                     " rows"));
  }
  NPSCORE_RETURN_IF_ERROR(CheckBothClasses(y_train, "training"));
  NPSCORE_RETURN_IF_ERROR(CheckBothClasses(y_test, "test"));
  ChurnBacktest b;
  NPSCORE_ASSIGN_OR_RETURN(b.model, FitChurnModel(X_train, y_train, {}, options, feature_names));
  b.p_test.resize(X_test.rows);
  NPSCORE_RETURN_IF_ERROR(PredictChurn(b.model, X_test, absl::MakeSpan(b.p_test)));
  NPSCORE_ASSIGN_OR_RETURN(b.test, EvaluateChurn(y_test, b.p_test, bins));
  b.p_prior.resize(X_test.rows);
  NPSCORE_ASSIGN_OR_RETURN(
      const bool has_prior,
      PredictChurnPrior(X_test, b.model.feature_names, horizon_days, absl::MakeSpan(b.p_prior)));
  if (has_prior) {
    NPSCORE_ASSIGN_OR_RETURN(b.prior, EvaluateChurn(y_test, b.p_prior, bins));
  } else {
    b.p_prior.clear();
  }
  b.train_churn_rate = Mean(y_train);
  b.test_churn_rate = Mean(y_test);
  return b;
}

}  // namespace npscore
