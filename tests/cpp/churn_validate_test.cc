// Validation of churn models: the folds against values derived by hand from
// SplitMix64's published test vector, cross-validation and the backtest
// against the same steps done one by one.

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

// Folds of (10, 3, seed 42) and (7, 2, seed 0) from an independent
// SplitMix64 written for this test (its first outputs for seed 1234567,
// 6457827717110365317, 3203168211198807973, 9817491932198370423, are the
// generator's published test vector), with the same Fisher-Yates pass.
TEST(ChurnFoldsTest, FixedBySeedOnEveryPlatform) {
  auto a = ChurnFolds(10, 3, 42);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, (std::vector<int32_t>{0, 2, 2, 2, 1, 0, 1, 1, 0, 0}));
  auto b = ChurnFolds(7, 2, 0);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, (std::vector<int32_t>{1, 0, 1, 0, 1, 0, 0}));
}

TEST(ChurnFoldsTest, SizesDifferByAtMostOneLargerFirst) {
  for (size_t n : {5u, 12u, 101u, 1000u}) {
    for (int k : {2, 3, 5}) {
      auto f = ChurnFolds(n, k, n * 31 + static_cast<size_t>(k));
      ASSERT_TRUE(f.ok());
      std::vector<size_t> size(static_cast<size_t>(k), 0);
      for (int32_t v : *f) {
        ASSERT_GE(v, 0);
        ASSERT_LT(v, k);
        ++size[static_cast<size_t>(v)];
      }
      for (int j = 0; j < k; ++j) {
        EXPECT_EQ(size[static_cast<size_t>(j)],
                  n / static_cast<size_t>(k) + (static_cast<size_t>(j) < n % k ? 1 : 0));
      }
    }
  }
  EXPECT_NE(*ChurnFolds(100, 5, 1), *ChurnFolds(100, 5, 2));
}

TEST(ChurnFoldsTest, RefusesTooFewRowsOrFolds) {
  EXPECT_NE(ChurnFolds(10, 1, 0).status().message().find("k is 1"), std::string::npos);
  EXPECT_NE(ChurnFolds(3, 4, 0).status().message().find("number of rows (3)"), std::string::npos);
  EXPECT_FALSE(ChurnFolds(5000, kMaxChurnFolds + 1, 0).ok());
}

// A logistic data set with a known signal: two columns, row-major.
struct Data {
  std::vector<double> x, y;
  size_t n;
};

Data Logistic(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z;
  std::uniform_real_distribution<double> u;
  Data d{{}, {}, n};
  for (size_t i = 0; i < n; ++i) {
    const double a = z(rng), b = z(rng);
    d.x.push_back(a);
    d.x.push_back(b);
    d.y.push_back(u(rng) < 1 / (1 + std::exp(-(1.5 * a - 0.5 * b - 0.3))) ? 1 : 0);
  }
  return d;
}

TEST(CrossValidateChurnTest, EachFoldIsTheFitOnTheOthers) {
  const Data d = Logistic(400, 3);
  const MatrixView X{d.x, d.n, 2, true};
  ChurnFitOptions options;
  options.C = 0.5;
  auto folds = CrossValidateChurn(X, d.y, {}, options, 4, 9);
  ASSERT_TRUE(folds.ok()) << folds.status();
  ASSERT_EQ(folds->size(), 4u);
  const std::vector<int32_t> fold = *ChurnFolds(d.n, 4, 9);
  for (int f = 0; f < 4; ++f) {
    std::vector<double> xtr, ytr, xte, yte;
    for (size_t i = 0; i < d.n; ++i) {
      std::vector<double>& xs = fold[i] == f ? xte : xtr;
      xs.push_back(d.x[2 * i]);
      xs.push_back(d.x[2 * i + 1]);
      (fold[i] == f ? yte : ytr).push_back(d.y[i]);
    }
    auto m = FitChurnModel(MatrixView{xtr, ytr.size(), 2, true}, ytr, {}, options);
    ASSERT_TRUE(m.ok());
    std::vector<double> p(yte.size());
    ASSERT_TRUE(PredictChurn(*m, MatrixView{xte, yte.size(), 2, true}, absl::MakeSpan(p)).ok());
    auto e = EvaluateChurn(yte, p);
    ASSERT_TRUE(e.ok());
    const ChurnFold& got = (*folds)[static_cast<size_t>(f)];
    EXPECT_EQ(got.fold, f);
    EXPECT_EQ(got.n_train + got.n_test, static_cast<int64_t>(d.n));
    EXPECT_EQ(got.n_test, static_cast<int64_t>(yte.size()));
    EXPECT_DOUBLE_EQ(got.evaluation.auc, e->auc);
    EXPECT_DOUBLE_EQ(got.evaluation.brier, e->brier);
    EXPECT_EQ(got.n_iter, m->info.n_iter);
    EXPECT_TRUE(got.converged);
    EXPECT_GT(got.evaluation.auc, 0.7);  // the signal is strong
  }
}

TEST(CrossValidateChurnTest, ErrorsNameTheFold) {
  // Every label 0 except one: the folds without it cannot be scored.
  std::vector<double> x(40), y(40, 0.0);
  for (size_t i = 0; i < 40; ++i) x[i] = static_cast<double>(i);
  y[3] = 1;
  auto r = CrossValidateChurn(MatrixView{x, 40, 1, true}, y, {}, {}, 2, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("fold ", 0), 0u) << r.status();
  EXPECT_FALSE(CrossValidateChurn(MatrixView{x, 40, 1, true}, {y.data(), 39}, {}, {}, 2, 0).ok());
}

TEST(PredictChurnPriorTest, ReadsThePriorsColumnsByName) {
  // Columns in another order than the prior's, plus one it does not read.
  const std::vector<std::string> names = {"tenure_days", "segment=passive", "has_response",
                                          "segment=detractor"};
  const std::vector<double> x = {5, 0, 1, 1,    // a detractor
                                 5, 1, 1, 0,    // a passive
                                 5, 0, 1, 0,    // a promoter
                                 5, 0, 0, 0};   // no answer
  std::vector<double> p(4);
  auto has = PredictChurnPrior(MatrixView{x, 4, 4, true}, names, 90, absl::MakeSpan(p));
  ASSERT_TRUE(has.ok()) << has.status();
  ASSERT_TRUE(*has);
  // The default rates: detractor 40% over 90 days, passive 25% over 180,
  // promoter 9% over 180, baseline 5% over 90, as a constant hazard.
  EXPECT_NEAR(p[0], 0.40, 1e-9);
  EXPECT_NEAR(p[1], 1 - std::pow(0.75, 0.5), 1e-9);
  EXPECT_NEAR(p[2], 1 - std::pow(0.91, 0.5), 1e-9);
  EXPECT_NEAR(p[3], 0.05, 1e-9);
  // Without a segment column there is no prior.
  const std::vector<std::string> other = {"a", "b", "has_response", "segment=detractor"};
  auto none = PredictChurnPrior(MatrixView{x, 4, 4, true}, other, 90, absl::MakeSpan(p));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

TEST(BacktestChurnTest, FitsScoresAndComparesWithThePrior) {
  // Features with the prior's columns: detractors churn most.
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u;
  const std::vector<std::string> names = {"has_response", "segment=detractor", "segment=passive",
                                          "days_since_response"};
  auto make = [&](size_t n, std::vector<double>* x, std::vector<double>* y) {
    for (size_t i = 0; i < n; ++i) {
      const double r = u(rng);
      const double det = r < 0.3, pas = r >= 0.3 && r < 0.6;
      const double days = 200 * u(rng);
      x->insert(x->end(), {1, det, pas, days});
      const double p = det ? 0.5 : pas ? 0.2 : 0.05;
      y->push_back(u(rng) < p + days / 2000 ? 1 : 0);
    }
  };
  std::vector<double> xtr, ytr, xte, yte;
  make(800, &xtr, &ytr);
  make(600, &xte, &yte);
  ChurnFitOptions options;
  options.standardize = true;
  auto b = BacktestChurn(MatrixView{xtr, 800, 4, true}, ytr, MatrixView{xte, 600, 4, true}, yte,
                         names, 90, options);
  ASSERT_TRUE(b.ok()) << b.status();
  auto m = FitChurnModel(MatrixView{xtr, 800, 4, true}, ytr, {}, options, names);
  ASSERT_TRUE(m.ok());
  std::vector<double> p(600), prior(600);
  ASSERT_TRUE(PredictChurn(*m, MatrixView{xte, 600, 4, true}, absl::MakeSpan(p)).ok());
  EXPECT_EQ(b->p_test, p);
  ASSERT_TRUE(*PredictChurnPrior(MatrixView{xte, 600, 4, true}, names, 90, absl::MakeSpan(prior)));
  EXPECT_EQ(b->p_prior, prior);
  EXPECT_DOUBLE_EQ(b->test.auc, EvaluateChurn(yte, p)->auc);
  EXPECT_DOUBLE_EQ(b->prior.brier, EvaluateChurn(yte, prior)->brier);
  double churners = 0;
  for (double v : yte) churners += v;
  EXPECT_DOUBLE_EQ(b->test_churn_rate, churners / 600);
  // The model sees days_since_response, the prior does not: it ranks better.
  EXPECT_GT(b->test.auc, b->prior.auc);
  EXPECT_EQ(b->beats_prior(), b->test.auc > b->prior.auc && b->test.brier < b->prior.brier);

  std::vector<double> ones(600, 1.0);
  auto single = BacktestChurn(MatrixView{xtr, 800, 4, true}, ytr, MatrixView{xte, 600, 4, true},
                              ones, names, 90, options);
  ASSERT_FALSE(single.ok());
  EXPECT_NE(single.status().message().find("the test labels have a single class (0 zeros, 600 "
                                           "ones)"),
            std::string::npos)
      << single.status();
}

}  // namespace
}  // namespace npscore
