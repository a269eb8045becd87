// Tests of the churn model (npscore/churn.h, "Model" section): the fit's
// optimality conditions, hand-derived solutions, reasons, the prior's rates,
// evaluation by hand and persistence with corrupted files. The comparisons with
// scikit-learn are in tests/python/test_churn_model.py.

#include "npscore/churn.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace npscore {
namespace {

double Logit(double p) { return std::log(p / (1 - p)); }

struct Data {
  std::vector<double> x;  // row-major
  std::vector<double> y;
  size_t n, p;
  MatrixView View() const { return MatrixView{x, n, p, true}; }
};

Data Simulate(size_t n, size_t p, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> norm;
  std::uniform_real_distribution<double> unif;
  Data d{std::vector<double>(n * p), std::vector<double>(n), n, p};
  for (size_t i = 0; i < n; ++i) {
    double z = -0.5;
    for (size_t j = 0; j < p; ++j) {
      const double x = j % 3 == 2 ? (unif(rng) < 0.3 ? 1.0 : 0.0) : norm(rng) * (1 + j);
      d.x[i * p + j] = x;
      z += (j % 2 ? 0.4 : -0.3) * x / (1 + j);
    }
    d.y[i] = unif(rng) < 1 / (1 + std::exp(-z)) ? 1 : 0;
  }
  return d;
}

// The gradient of F at the returned model, computed here directly.
std::vector<double> Gradient(const Data& d, const ChurnModel& m, const std::vector<double>& w,
                             double C) {
  std::vector<double> g(d.p + 1, 0.0);
  for (size_t i = 0; i < d.n; ++i) {
    double z = m.intercept;
    for (size_t j = 0; j < d.p; ++j) z += m.coef[j] * d.x[i * d.p + j];
    const double r = (w.empty() ? 1 : w[i]) * (1 / (1 + std::exp(-z)) - d.y[i]);
    for (size_t j = 0; j < d.p; ++j) g[j] += r * d.x[i * d.p + j];
    g[d.p] += r;
  }
  for (size_t j = 0; j < d.p; ++j) g[j] += m.coef[j] / C;
  return g;
}

TEST(ChurnFitTest, GradientVanishesAtTheOptimum) {
  const Data d = Simulate(2000, 5, 1);
  ChurnFitOptions o;
  o.C = 0.5;
  o.tol = 1e-12;
  auto m = FitChurnModel(d.View(), d.y, {}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->info.converged);
  EXPECT_LE(m->info.n_iter, 15);
  for (double g : Gradient(d, *m, {}, o.C)) EXPECT_NEAR(g / d.n, 0, 1e-11);
  EXPECT_EQ(m->feature_names[4], "x4");
}

TEST(ChurnFitTest, InterceptOnlyIsTheLogOdds) {
  // One all-zero column (coefficient 0 under the penalty): intercept = logit(mean y).
  Data d{std::vector<double>(10, 0.0), {1, 0, 0, 1, 0, 0, 0, 1, 0, 0}, 10, 1};
  ChurnFitOptions o;
  o.tol = 1e-13;
  auto m = FitChurnModel(d.View(), d.y, {}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_NEAR(m->intercept, Logit(0.3), 1e-11);
  EXPECT_NEAR(m->coef[0], 0, 1e-12);
  ASSERT_EQ(m->info.warnings.size(), 1u);
  EXPECT_NE(m->info.warnings[0].find("constant"), std::string::npos);
}

TEST(ChurnFitTest, SaturatedIndicatorWithoutPenalty) {
  // A single 0/1 column, no penalty: each group's log-odds are fitted exactly.
  // x = 0: 1 of 4 churn; x = 1: 3 of 4.
  Data d{{0, 0, 0, 0, 1, 1, 1, 1}, {1, 0, 0, 0, 1, 1, 1, 0}, 8, 1};
  ChurnFitOptions o;
  o.C = std::numeric_limits<double>::infinity();
  o.tol = 1e-12;
  auto m = FitChurnModel(d.View(), d.y, {}, o);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_NEAR(m->intercept, Logit(0.25), 1e-9);
  EXPECT_NEAR(m->coef[0], Logit(0.75) - Logit(0.25), 1e-9);
  EXPECT_EQ(m->reference[0], 0.0);  // an indicator: reference level 0
}

TEST(ChurnFitTest, WeightsEqualRepeatedRows) {
  const Data d = Simulate(300, 3, 2);
  std::vector<double> w(d.n);
  Data rep{{}, {}, 0, d.p};
  for (size_t i = 0; i < d.n; ++i) {
    w[i] = static_cast<double>(i % 3);
    for (int k = 0; k < w[i]; ++k) {
      rep.x.insert(rep.x.end(), d.x.begin() + i * d.p, d.x.begin() + (i + 1) * d.p);
      rep.y.push_back(d.y[i]);
    }
  }
  rep.n = rep.y.size();
  ChurnFitOptions o;
  o.tol = 1e-12;
  auto a = FitChurnModel(d.View(), d.y, w, o);
  auto b = FitChurnModel(rep.View(), rep.y, {}, o);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t j = 0; j < d.p; ++j) EXPECT_NEAR(a->coef[j], b->coef[j], 1e-9);
  EXPECT_NEAR(a->intercept, b->intercept, 1e-9);
}

TEST(ChurnFitTest, ColumnMajorAndThreadsAgree) {
  const Data d = Simulate(5000, 4, 3);
  std::vector<double> cm(d.n * d.p);
  for (size_t i = 0; i < d.n; ++i)
    for (size_t j = 0; j < d.p; ++j) cm[j * d.n + i] = d.x[i * d.p + j];
  // Row-major input is read in place (shift and scale folded into the
  // products); column-major input is copied into standardised blocks.
  for (bool standardize : {true, false}) {
    for (bool intercept : {true, false}) {
      ChurnFitOptions o;
      o.tol = 1e-11;
      o.standardize = standardize;
      o.fit_intercept = intercept;
      auto a = FitChurnModel(d.View(), d.y, {}, o);
      o.threads = 3;
      auto b = FitChurnModel(MatrixView{cm, d.n, d.p, false}, d.y, {}, o);
      ASSERT_TRUE(a.ok() && b.ok());
      for (size_t j = 0; j < d.p; ++j) EXPECT_NEAR(a->coef[j], b->coef[j], 1e-8);
      EXPECT_NEAR(a->intercept, b->intercept, 1e-8);
    }
  }
  ChurnFitOptions o;
  o.standardize = true;
  auto a = FitChurnModel(d.View(), d.y, {}, o);
  ASSERT_TRUE(a.ok());
  // Predictions do not depend on the layout, to the bit.
  std::vector<double> pa(d.n), pb(d.n);
  ASSERT_TRUE(PredictChurn(*a, d.View(), absl::MakeSpan(pa)).ok());
  ASSERT_TRUE(PredictChurn(*a, MatrixView{cm, d.n, d.p, false}, absl::MakeSpan(pb)).ok());
  EXPECT_EQ(pa, pb);
}

TEST(ChurnFitTest, NonConvergenceIsReported) {
  const Data d = Simulate(500, 3, 4);
  ChurnFitOptions o;
  o.max_iter = 1;
  o.tol = 1e-14;
  auto m = FitChurnModel(d.View(), d.y, {}, o);
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->info.converged);
  EXPECT_EQ(m->info.n_iter, 1);
  EXPECT_GT(m->info.grad_norm, 1e-14);
}

TEST(ChurnFitTest, BadInputErrors) {
  Data d{{0, 1, 2, 3, 4, 5}, {0, 1, 0}, 3, 2};
  auto msg = [&](const Data& e, std::vector<double> w = {}, ChurnFitOptions o = {}) {
    auto m = FitChurnModel(e.View(), e.y, w, o, {"a", "b"});
    return m.ok() ? std::string("ok") : std::string(m.status().message());
  };
  Data e = d;
  e.y[1] = 2;
  EXPECT_NE(msg(e).find("label at row 1 is 2"), std::string::npos);
  e.y[1] = std::nan("");
  EXPECT_NE(msg(e).find("label at row 1 is missing"), std::string::npos);
  e = d;
  e.y = {1, 1, 1};
  EXPECT_NE(msg(e).find("no row of class 0"), std::string::npos);
  e = d;
  e.x[3] = std::numeric_limits<double>::infinity();
  EXPECT_NE(msg(e).find("X at row 1, column 1 ('b') is inf"), std::string::npos);
  e = d;
  e.x = {0, 0, 1, 1, 2, 2};
  ChurnFitOptions unpenalised;  // identical columns: not unique without a penalty
  unpenalised.C = std::numeric_limits<double>::infinity();
  EXPECT_NE(msg(e, {}, unpenalised).find("columns 0 ('a') and 1 ('b') of X are identical"),
            std::string::npos);
  EXPECT_EQ(msg(e), "ok");  // with one they share the coefficient
  EXPECT_NE(msg(d, {1, -1, 1}).find("sample_weight at row 1 is -1"), std::string::npos);
  EXPECT_EQ(msg(d, {0, 0, 0}), "sample_weight is zero for every row: nothing to fit");
  ChurnFitOptions o;
  o.C = 0;
  EXPECT_NE(msg(d, {}, o).find("C is 0"), std::string::npos);
  auto dup = FitChurnModel(d.View(), d.y, {}, {}, {"a", "a"});
  EXPECT_FALSE(dup.ok());
}

// Options a caller can set to anything: each out-of-range value is an error
// naming the option and its bound, before any allocation (the probe:
// threads = 2^31 - 1 allocated without limit).
TEST(ChurnFitTest, OptionBoundsAreErrors) {
  const Data d = Simulate(50, 2, 3);
  auto msg = [&](ChurnFitOptions o) {
    auto m = FitChurnModel(d.View(), d.y, {}, o);
    return m.ok() ? std::string("ok") : std::string(m.status().message());
  };
  ChurnFitOptions o;
  o.threads = 2147483647;
  EXPECT_EQ(msg(o), "threads is 2147483647: use 0 (automatic) or 1..256 (kMaxThreads)");
  o.threads = -1;
  EXPECT_EQ(msg(o), "threads is -1: use 0 (automatic) or 1..256 (kMaxThreads)");
  o.threads = kMaxThreads;  // more threads than rows: each gets at most one row's work
  EXPECT_EQ(msg(o), "ok");
  o = {};
  o.max_iter = kMaxIterations + 1;
  EXPECT_EQ(msg(o), "max_iter is 10001: it must be in 1..10000 (kMaxIterations)");
  o.max_iter = 0;
  EXPECT_EQ(msg(o), "max_iter is 0: it must be in 1..10000 (kMaxIterations)");
  o = {};
  o.tol = HUGE_VAL;
  EXPECT_EQ(msg(o), "tol is inf: it must be finite and > 0");
  o = {};
  o.C = std::nan("");
  EXPECT_NE(msg(o).find("C is NaN"), std::string::npos);
  o = {};
  o.class_weight = {1.0, -2.0};
  EXPECT_NE(msg(o).find("class weight of class 1 is -2"), std::string::npos);
}

// X with more columns than kMaxChurnFeatures is refused before the
// (p + 1)^2 Hessian is allocated.
TEST(ChurnFitTest, TooManyColumnsIsAnError) {
  const size_t p = kMaxChurnFeatures + 1;
  std::vector<double> x(2 * p, 0.0), y = {0, 1};
  x[0] = 1;
  auto m = FitChurnModel(MatrixView{x, 2, p, true}, y, {}, {});
  EXPECT_EQ(m.status().message(),
            "X has 4097 columns: a churn model fits at most 4096 (kMaxChurnFeatures; its Hessian "
            "has (columns + 1)^2 entries per thread)");
}

// --- Reasons --------------------------------------------------------------------

TEST(ChurnExplainTest, TopContributionsByHand) {
  ChurnModel m;
  m.feature_names = {"a", "b", "c", "d"};
  m.coef = {1.0, -2.0, 0.5, 3.0};
  m.reference = {0.0, 1.0, 2.0, 0.0};
  m.intercept = -1;
  // Row 0: contributions 2, -2*(0-1)=2, 0.5*(4-2)=1, 0 -> a (2), b (2), c (1).
  // Row 1: contributions -1, -2*(3-1)=-4, 0.5*(0-2)=-1, 0 -> none.
  const std::vector<double> x = {2, 0, 4, 0, -1, 3, 0, 0};
  std::vector<double> p(2), c(4);
  std::vector<int32_t> f(4);
  ASSERT_TRUE(ExplainChurn(m, MatrixView{x, 2, 4, true}, 2, absl::MakeSpan(p),
                           absl::MakeSpan(f), absl::MakeSpan(c))
                  .ok());
  EXPECT_EQ(f, (std::vector<int32_t>{0, 1, -1, -1}));
  EXPECT_EQ(c, (std::vector<double>{2, 2, 0, 0}));
  EXPECT_DOUBLE_EQ(p[0], 1 / (1 + std::exp(-(-1 + 2 + 0 + 2 + 0))));
  EXPECT_DOUBLE_EQ(p[1], 1 / (1 + std::exp(-(-1 - 1 - 6 + 0 + 0))));
  // Errors: a NaN names its row and column; the column count is checked.
  std::vector<double> bad = x;
  bad[6] = std::nan("");
  auto st = ExplainChurn(m, MatrixView{bad, 2, 4, true}, 2, absl::MakeSpan(p), absl::MakeSpan(f),
                         absl::MakeSpan(c));
  EXPECT_NE(st.message().find("X at row 1, column 2 ('c') is NaN"), std::string::npos) << st;
  std::vector<double> out(4);
  st = PredictChurn(m, MatrixView{x, 4, 2, true}, absl::MakeSpan(out));
  EXPECT_NE(st.message().find("X has 2 columns but the model has 4 features (a, b, c, d)"),
            std::string::npos)
      << st;
}

TEST(ChurnExplainTest, FastPathAgreesWithGeneralPathAndLayouts) {
  // top <= 4 uses the tagged min/max network, top > 4 the per-row insertion:
  // the first three reasons of top = 6 are those of top = 3.
  const Data d = Simulate(1000, 12, 8);
  auto m = FitChurnModel(d.View(), d.y, {}, {});
  ASSERT_TRUE(m.ok());
  std::vector<double> p3(d.n), c3(d.n * 3), p6(d.n), c6(d.n * 6), pc(d.n), cc(d.n * 3);
  std::vector<int32_t> f3(d.n * 3), f6(d.n * 6), fc(d.n * 3);
  ASSERT_TRUE(ExplainChurn(*m, d.View(), 3, absl::MakeSpan(p3), absl::MakeSpan(f3),
                           absl::MakeSpan(c3)).ok());
  ASSERT_TRUE(ExplainChurn(*m, d.View(), 6, absl::MakeSpan(p6), absl::MakeSpan(f6),
                           absl::MakeSpan(c6)).ok());
  std::vector<double> cm(d.n * d.p);
  for (size_t i = 0; i < d.n; ++i)
    for (size_t j = 0; j < d.p; ++j) cm[j * d.n + i] = d.x[i * d.p + j];
  ASSERT_TRUE(ExplainChurn(*m, MatrixView{cm, d.n, d.p, false}, 3, absl::MakeSpan(pc),
                           absl::MakeSpan(fc), absl::MakeSpan(cc), 2).ok());
  EXPECT_EQ(p3, p6);
  EXPECT_EQ(p3, pc);
  EXPECT_EQ(f3, fc);
  EXPECT_EQ(c3, cc);
  for (size_t i = 0; i < d.n; ++i) {
    for (size_t k = 0; k < 3; ++k) {
      EXPECT_EQ(f3[i * 3 + k], f6[i * 6 + k]) << i;
      EXPECT_EQ(c3[i * 3 + k], c6[i * 6 + k]) << i;
      if (f3[i * 3 + k] >= 0) {
        const size_t j = static_cast<size_t>(f3[i * 3 + k]);
        EXPECT_EQ(c3[i * 3 + k], m->coef[j] * (d.x[i * d.p + j] - m->reference[j]));
      }
    }
  }
}

// --- Prior ------------------------------------------------------------------------

TEST(ChurnPriorTest, DocumentedRatesAndHorizons) {
  EXPECT_DOUBLE_EQ(ConvertHorizon(0.25, 180, 180), 0.25);
  EXPECT_NEAR(ConvertHorizon(0.25, 180, 90), 1 - std::sqrt(0.75), 1e-15);
  EXPECT_NEAR(ConvertHorizon(0.45, 90, 180), 1 - 0.55 * 0.55, 1e-15);
  auto m = PriorChurnModel(90);
  ASSERT_TRUE(m.ok());
  // Rows: detractor, early-life detractor, passive, promoter, no response.
  // Columns: segment=detractor, segment=passive, has_response, early_life_detractor.
  const std::vector<double> x = {1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0,
                                 0, 0, 1, 0, 0, 0, 0, 0};
  std::vector<double> p(5);
  ASSERT_TRUE(PredictChurn(*m, MatrixView{x, 5, 4, true}, absl::MakeSpan(p)).ok());
  EXPECT_NEAR(p[0], 0.40, 1e-12);
  EXPECT_NEAR(p[1], 0.50, 1e-12);
  EXPECT_NEAR(p[2], 1 - std::sqrt(0.75), 1e-12);
  EXPECT_NEAR(p[3], 1 - std::sqrt(0.91), 1e-12);
  EXPECT_NEAR(p[4], 0.05, 1e-12);
  auto m180 = PriorChurnModel(180);
  ASSERT_TRUE(PredictChurn(*m180, MatrixView{x, 5, 4, true}, absl::MakeSpan(p)).ok());
  EXPECT_NEAR(p[0], 1 - 0.60 * 0.60, 1e-12);
  EXPECT_NEAR(p[2], 0.25, 1e-12);
  ChurnPriorRates bad;
  bad.passive.rate = 1.2;
  EXPECT_FALSE(PriorChurnModel(90, bad).ok());
  EXPECT_FALSE(PriorChurnModel(0).ok());
}

// --- Evaluation -----------------------------------------------------------------

TEST(ChurnEvaluateTest, ByHand) {
  // Pairs (pos, neg): pos 0.8 beats 0.1, 0.4; ties 0.4 (half); pos 0.4 beats 0.1,
  // ties 0.4 -> (2 + 1.5) / 4 = 0.875.
  const std::vector<double> y = {0, 0, 1, 1};
  const std::vector<double> p = {0.1, 0.4, 0.4, 0.8};
  auto e = EvaluateChurn(y, p, 2);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_DOUBLE_EQ(e->auc, 0.875);
  EXPECT_DOUBLE_EQ(e->brier, (0.01 + 0.16 + 0.36 + 0.04) / 4);
  EXPECT_NEAR(e->log_loss, -(std::log(0.9) + std::log(0.6) + std::log(0.4) + std::log(0.8)) / 4,
              1e-15);
  ASSERT_EQ(e->reliability.size(), 2u);
  EXPECT_EQ(e->reliability[0].count, 2);
  EXPECT_DOUBLE_EQ(e->reliability[0].mean_predicted, 0.25);
  EXPECT_DOUBLE_EQ(e->reliability[0].observed_rate, 0.0);
  EXPECT_DOUBLE_EQ(e->reliability[1].observed_rate, 1.0);
  EXPECT_DOUBLE_EQ(e->top_decile_rate, 1.0);  // ceil(4 / 10) = 1 row: p = 0.8, a churner
  EXPECT_DOUBLE_EQ(e->lift, 2.0);
  EXPECT_FALSE(EvaluateChurn({1, 1}, {0.2, 0.3}).ok());
  EXPECT_FALSE(EvaluateChurn({1, 0}, {0.2, 1.3}).ok());
  EXPECT_FALSE(EvaluateChurn({1, 0}, {0.2}).ok());
}

// The probe: evaluate(n = 0) said "y has only class 0", and bins of
// 2^31 - 1 ran for minutes. No rows, bins outside 1..kMaxReliabilityBins and
// a single class are each an error in the core's own words.
TEST(ChurnEvaluateTest, EmptyInputAndBinBounds) {
  EXPECT_EQ(EvaluateChurn({}, {}).status().message(),
            "y and p have no rows: there is nothing to evaluate");
  const std::vector<double> y = {0, 1, 0, 1}, p = {0.1, 0.7, 0.4, 0.9};
  EXPECT_EQ(EvaluateChurn(y, p, 2147483647).status().message(),
            "bins is 2147483647: it must be in 1..1000 (kMaxReliabilityBins)");
  EXPECT_EQ(EvaluateChurn(y, p, 0).status().message(),
            "bins is 0: it must be in 1..1000 (kMaxReliabilityBins)");
  auto many = EvaluateChurn(y, p, kMaxReliabilityBins);
  ASSERT_TRUE(many.ok());
  // More bins than rows: the empty bins say so (count 0, NaN rates).
  int64_t rows = 0;
  for (const ReliabilityBin& b : many->reliability) rows += b.count;
  EXPECT_EQ(rows, 4);
  EXPECT_TRUE(std::isnan(many->reliability[0].observed_rate));
  EXPECT_EQ(EvaluateChurn({0, 0}, {0.1, 0.2}).status().message(),
            "y has only class 0: AUC and lift need both churners and non-churners");
}

// --- Reasons: bounds ----------------------------------------------------------------

// top is 1..kMaxReasons (0 asks for nothing; use PredictChurn); the threads
// of a call are bounded like every module's.
TEST(ChurnExplainTest, TopAndThreadsAreBounded) {
  auto m = PriorChurnModel(90);
  ASSERT_TRUE(m.ok());
  const std::vector<double> x = {1, 0, 1, 0};
  std::vector<double> proba(1), contrib(kMaxReasons + 1);
  std::vector<int32_t> features(kMaxReasons + 1);
  const MatrixView X{x, 1, 4, true};
  auto explain = [&](int top, int threads = 1) {
    const size_t k = top > 0 ? static_cast<size_t>(top) : 0;
    return ExplainChurn(*m, X, top, absl::MakeSpan(proba),
                        absl::MakeSpan(features).subspan(0, k),
                        absl::MakeSpan(contrib).subspan(0, k), threads);
  };
  EXPECT_EQ(explain(0).message(),
            "top is 0: give 1..100 reasons per row (kMaxReasons; for probabilities alone, "
            "predict)");
  EXPECT_EQ(explain(-3).message().substr(0, 10), "top is -3:");
  EXPECT_EQ(explain(kMaxReasons + 1).message().substr(0, 12), "top is 101: ");
  EXPECT_TRUE(explain(kMaxReasons).ok());
  // A detractor's only positive contribution is segment=detractor (column
  // 0); every other slot, up to top = 100 > 4 features, is -1 / 0.
  EXPECT_EQ(features[0], 0);
  EXPECT_GT(contrib[0], 0);
  for (int k = 1; k < kMaxReasons; ++k) {
    EXPECT_EQ(features[static_cast<size_t>(k)], -1);
    EXPECT_EQ(contrib[static_cast<size_t>(k)], 0);
  }
  EXPECT_EQ(explain(3, kMaxThreads + 1).message(),
            "threads is 257: use 0 (automatic) or 1..256 (kMaxThreads)");
}

// The prior's horizon is bounded (kMaxChurnHorizonDays), and a horizon that
// turns a rate into exactly 0 or 1 is an error naming the segment instead of
// a model with infinite or NaN coefficients.
TEST(ChurnPriorTest, HorizonBoundsAndDegenerateRates) {
  EXPECT_EQ(PriorChurnModel(kMaxChurnHorizonDays + 1).status().message(),
            "horizon_days is 36526: it must be in (0, 36525] days (kMaxChurnHorizonDays)");
  EXPECT_FALSE(PriorChurnModel(std::nan("")).ok());
  EXPECT_FALSE(PriorChurnModel(HUGE_VAL).ok());
  // 40% per 90 days over 60 years rounds to certain churn in double precision.
  auto certain = PriorChurnModel(21900);
  ASSERT_FALSE(certain.ok());
  EXPECT_NE(certain.status().message().find("the detractor rate of 0.4 per 90 days becomes 1"),
            std::string::npos)
      << certain.status();
  EXPECT_NE(certain.status().message().find("certain churn"), std::string::npos);
  ChurnPriorRates rates;
  rates.promoter.horizon_days = 1e300;
  EXPECT_NE(PriorChurnModel(90, rates).status().message().find("horizon of promoter is 1e+300"),
            std::string::npos);
  // Every model the prior does return has finite coefficients.
  for (double h : {1e-6, 1.0, 90.0, 3650.0}) {
    auto m = PriorChurnModel(h);
    ASSERT_TRUE(m.ok()) << h << ": " << m.status();
    for (double c : m->coef) EXPECT_TRUE(std::isfinite(c)) << h;
    EXPECT_TRUE(std::isfinite(m->intercept)) << h;
  }
}

// --- Persistence ------------------------------------------------------------------

TEST(ChurnIoTest, RoundTripIsExactAndCorruptionIsCaught) {
  const Data d = Simulate(1000, 4, 5);
  ChurnFitOptions o;
  o.standardize = true;
  o.class_weight = {1.0, 2.5};
  auto m = FitChurnModel(d.View(), d.y, {}, o, {"a", "b", "c", "d"});
  ASSERT_TRUE(m.ok());
  const std::string bytes = SerializeChurnModel(*m);
  auto back = ParseChurnModel(bytes);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->coef, m->coef);
  EXPECT_EQ(back->intercept, m->intercept);
  EXPECT_EQ(back->feature_names, m->feature_names);
  EXPECT_EQ(back->scale, m->scale);
  EXPECT_EQ(back->options.class_weight, m->options.class_weight);
  std::vector<double> pa(d.n), pb(d.n);
  ASSERT_TRUE(PredictChurn(*m, d.View(), absl::MakeSpan(pa)).ok());
  ASSERT_TRUE(PredictChurn(*back, d.View(), absl::MakeSpan(pb)).ok());
  EXPECT_EQ(pa, pb);

  auto error = [](const std::string& b) {
    auto r = ParseChurnModel(b);
    return r.ok() ? std::string("ok") : std::string(r.status().message());
  };
  // Every truncation is caught.
  for (size_t len = 0; len < bytes.size(); ++len) {
    EXPECT_NE(error(bytes.substr(0, len)), "ok") << len;
  }
  // Every flipped byte is caught.
  for (size_t k = 0; k < bytes.size(); ++k) {
    std::string b = bytes;
    b[k] ^= 0x20;
    EXPECT_NE(error(b), "ok") << k;
  }
  EXPECT_NE(error("PK\x03\x04 a zip file").find("magic"), std::string::npos);
  std::string newer = bytes;
  newer[8] = 3;
  EXPECT_NE(error(newer).find("format version 3 is not supported"), std::string::npos);
  std::string flipped = bytes;
  flipped[40] ^= 1;
  EXPECT_NE(error(flipped).find("checksum"), std::string::npos);
  EXPECT_NE(error(bytes + "x").find("unexpected bytes"), std::string::npos);

  const std::string path = ::testing::TempDir() + "/churn_model.bin";
  ASSERT_TRUE(SaveChurnModel(*m, path).ok());
  auto loaded = LoadChurnModel(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->coef, m->coef);
  std::remove(path.c_str());
  EXPECT_FALSE(LoadChurnModel(path).ok());
}

// Loading what is not a model file: every case is an InvalidArgument error
// naming the path and the reason, never an exception (the probe: a
// directory gave basic_filebuf::underflow) and never a blocking read.
TEST(ChurnIoTest, LoadErrorsNameThePath) {
  const std::string dir = ::testing::TempDir();
  auto load = [](const std::string& path) {
    auto m = LoadChurnModel(path);
    EXPECT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << m.status();
    return std::string(m.status().message());
  };
  const std::string missing = dir + "/npscore_no_such_model.bin";
  EXPECT_EQ(load(missing), "cannot open '" + missing + "': No such file or directory");
  EXPECT_EQ(load(dir), "cannot load '" + dir + "': it is a directory, not a churn model file");
  const std::string empty = dir + "/npscore_empty_model.bin";
  { std::ofstream(empty.c_str()); }
  EXPECT_EQ(load(empty), "cannot load '" + empty + "': the file is empty (0 bytes), not a churn model");
  std::remove(empty.c_str());
  const std::string fifo = dir + "/npscore_model_fifo";
  std::remove(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(load(fifo), "cannot load '" + fifo + "': it is a FIFO (named pipe), not a churn model file");
  std::remove(fifo.c_str());
  const std::string text = dir + "/npscore_text_model.bin";
  { std::ofstream(text.c_str()) << "hello"; }
  EXPECT_EQ(load(text), "'" + text +
                            "': not a valid npscore churn model: the file does not start with the "
                            "\"NPSCHURN\" magic (not a churn model)");
  if (::geteuid() != 0) {  // root reads anything
    ::chmod(text.c_str(), 0);
    EXPECT_EQ(load(text), "cannot open '" + text + "': Permission denied");
  }
  std::remove(text.c_str());
  EXPECT_EQ(load(""), "path is empty: give a model file");
  // A NUL would end the path early and name another file.
  std::string nul = dir + "/model";
  nul.push_back('\0');
  nul += ".txt";
  EXPECT_EQ(load(nul),
            "path '" + dir + "/model\\000.txt' contains a NUL character: it would name another file");
  // Saving into a directory that does not exist, or onto a directory.
  auto prior = PriorChurnModel(90);
  ASSERT_TRUE(prior.ok());
  const std::string nowhere = dir + "/npscore_no_such_dir/model.bin";
  EXPECT_EQ(SaveChurnModel(*prior, nowhere).message(),
            "cannot open for writing '" + nowhere + "': No such file or directory");
  EXPECT_EQ(SaveChurnModel(*prior, dir).message(),
            "cannot open for writing '" + dir + "': Is a directory");
}

// A model with more features than kMaxChurnFeatures is neither saved nor
// loaded, so every saved file loads.
TEST(ChurnIoTest, FeatureCountIsBounded) {
  ChurnModel m;
  const size_t p = kMaxChurnFeatures + 1;
  for (size_t j = 0; j < p; ++j) m.feature_names.push_back("f" + std::to_string(j));
  m.coef.assign(p, 0.5);
  m.reference.assign(p, 0.0);
  const std::string path = ::testing::TempDir() + "/npscore_wide_model.bin";
  EXPECT_EQ(SaveChurnModel(m, path).message(),
            "the model has 4097 features: at most 4096 (kMaxChurnFeatures) can be saved");
  auto parsed = ParseChurnModel(SerializeChurnModel(m));
  EXPECT_NE(parsed.status().message().find("announces 4097 features"), std::string::npos)
      << parsed.status();
}

}  // namespace
}  // namespace npscore
