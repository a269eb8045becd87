// Tests of the two-sample comparison: the level of its tests (type-I error
// computed exactly by enumerating every pair of samples), the exact tests
// against a brute-force permutation over respondents, the score statistic
// against a likelihood maximized by golden-section search, the agreement of
// every p-value with its interval, and the validation of hand-made inputs.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/nps.h"
#include "src/internal/two_sample.h"

namespace npscore {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Summary Sum(int64_t d, int64_t pa, int64_t p) {
  auto s = Summarize(Counts{d, pa, p, 0});
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

CompareOptions Opt(IntervalMethod m, CompareTest t, double confidence = 0.95) {
  return CompareOptions{m, confidence, t};
}

// --- Independent computations -------------------------------------------------

// The p-value of the permutation test by brute force over respondents: every
// way to choose n_a of the N respondents as sample a (no hypergeometric
// formula), |diff| compared as exact integers n_a n_b |diff|.
struct Brute {
  double p, mid_p;
};
Brute BrutePermutation(std::array<int, 3> a, std::array<int, 3> b) {
  std::vector<int> codes;  // -1 / 0 / +1 per respondent
  for (int k = 0; k < 3; ++k) codes.insert(codes.end(), a[k] + b[k], k - 1);
  const int na = a[0] + a[1] + a[2], nb = b[0] + b[1] + b[2], n = na + nb;
  int total = 0;
  for (int c : codes) total += c;
  auto stat = [&](int sum_a) { return std::abs(nb * sum_a - na * (total - sum_a)); };
  const int observed = stat(a[2] - a[0]);
  int64_t splits = 0, above = 0, ties = 0;
  for (uint32_t mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != na) continue;
    int sum_a = 0;
    for (int i = 0; i < n; ++i) sum_a += (mask >> i & 1u) ? codes[i] : 0;
    const int s = stat(sum_a);
    ++splits;
    above += s > observed;
    ties += s == observed;
  }
  const double m = static_cast<double>(splits);
  return {(above + ties) / m, (above + 0.5 * ties) / m};
}

// Golden-section maximum of a concave f on [lo, hi].
double GoldenMax(const std::function<double(double)>& f, double lo, double hi) {
  const double r = (std::sqrt(5.0) - 1) / 2;
  double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
  double f1 = f(x1), f2 = f(x2);
  for (int i = 0; i < 200 && hi - lo > 1e-13; ++i) {
    if (f1 < f2) {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + r * (hi - lo);
      f2 = f(x2);
    } else {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - r * (hi - lo);
      f1 = f(x1);
    }
  }
  return 0.5 * (lo + hi);
}

double XLogY(double x, double y) { return x == 0 ? 0 : x * std::log(y); }

// The score statistic of H0: NPS_a - NPS_b = delta (-1..1 scale) from the
// likelihood itself: the detractor share of each sample maximized by
// golden-section search for each NPS, the common NPS likewise (no quadratic
// roots, no derivatives).
double BruteScoreZ(std::array<double, 3> a, std::array<double, 3> b, double delta) {
  auto best_q = [](const std::array<double, 3>& x, double theta) {
    auto ll = [&](double q) {
      return XLogY(x[0], q) + XLogY(x[1], 1 - 2 * q - theta) + XLogY(x[2], q + theta);
    };
    return GoldenMax(ll, std::max(0.0, -theta), (1 - theta) / 2);
  };
  auto profile = [&](const std::array<double, 3>& x, double theta) {
    const double q = best_q(x, theta);
    return XLogY(x[0], q) + XLogY(x[1], 1 - 2 * q - theta) + XLogY(x[2], q + theta);
  };
  const double tb = GoldenMax([&](double t) { return profile(a, t + delta) + profile(b, t); },
                              std::max(-1.0, -1.0 - delta), std::min(1.0, 1.0 - delta));
  const double ta = tb + delta;
  auto var = [&](const std::array<double, 3>& x, double theta) {
    const double q = best_q(x, theta);
    return (2 * q + theta) - theta * theta;
  };
  const double na = a[0] + a[1] + a[2], nb = b[0] + b[1] + b[2];
  const double est = (a[2] - a[0]) / na - (b[2] - b[0]) / nb;
  return (est - delta) / std::sqrt(var(a, ta) / na + var(b, tb) / nb);
}

// --- Level ---------------------------------------------------------------------

std::vector<std::array<int, 3>> AllTables(int n) {
  std::vector<std::array<int, 3>> out;
  for (int d = 0; d <= n; ++d) {
    for (int p = 0; d + p <= n; ++p) out.push_back({d, n - d - p, p});
  }
  return out;
}

double Multinomial(const std::array<int, 3>& x, const std::array<double, 3>& pi) {
  double lp = std::lgamma(x[0] + x[1] + x[2] + 1.0);
  for (int k = 0; k < 3; ++k) lp += x[k] * std::log(pi[k]) - std::lgamma(x[k] + 1.0);
  return std::exp(lp);
}

// The type-I error of the default comparison at n respondents per sample,
// with both samples drawn from the same shares: P(p < 0.05), summed exactly
// over every pair of samples (no simulation error). The unpooled Wald test
// of 0.2.0 is computed beside it for the record.
TEST(CompareLevelTest, TypeOneErrorOfTheDefaultTestByEnumeration) {
  const std::array<double, 3> shares[] = {{0.2, 0.3, 0.5}, {0.4, 0.2, 0.4}, {0.1, 0.8, 0.1}};
  for (int n : {5, 10, 30}) {
    const auto tables = AllTables(n);
    std::vector<Summary> sums;
    for (const auto& t : tables) sums.push_back(Sum(t[0], t[1], t[2]));
    const size_t k = tables.size();
    std::vector<uint8_t> rejected(k * k), rejected_wald(k * k);
    for (size_t i = 0; i < k; ++i) {
      for (size_t j = 0; j < k; ++j) {
        // The default Compare; at n = 30 (246,016 pairs) without the interval,
        // which the test does not need (the same code path otherwise).
        auto c = n <= 10 ? Compare(sums[i], sums[j]) : internal::CompareTestOnly(sums[i], sums[j]);
        ASSERT_TRUE(c.ok()) << c.status();
        rejected[i * k + j] = c->p_value < 0.05;
        const double se = std::hypot(sums[i].se, sums[j].se);
        const double diff = sums[i].nps - sums[j].nps;
        rejected_wald[i * k + j] = se > 0 ? std::erfc(std::abs(diff) / se / std::sqrt(2.0)) < 0.05
                                          : diff != 0;
      }
    }
    for (const auto& pi : shares) {
      std::vector<double> prob(k);
      for (size_t i = 0; i < k; ++i) prob[i] = Multinomial(tables[i], pi);
      double level = 0, level_wald = 0;
      for (size_t i = 0; i < k; ++i) {
        for (size_t j = 0; j < k; ++j) {
          level += prob[i] * prob[j] * rejected[i * k + j];
          level_wald += prob[i] * prob[j] * rejected_wald[i * k + j];
        }
      }
      std::printf("n=%2d shares %.0f/%.0f/%.0f: type-I error %.4f (0.2.0 Wald: %.4f)\n", n,
                  100 * pi[0], 100 * pi[1], 100 * pi[2], level, level_wald);
      EXPECT_LE(level, 0.07) << n;
      if (n == 5 && pi[1] == 0.8) {
        // Five answers a side, 80% passives: in 62% of pairs there are at most
        // two detractors and promoters in all, and no split of so few can be
        // significant; no test that keeps its level reaches 3% here (the
        // asymptotic score test: 1.3%, the pooled z-test 2.1%).
        EXPECT_GE(level, 0.001) << n;
      } else {
        EXPECT_GE(level, 0.03) << n;
      }
    }
  }
}

// --- The exact tests ---------------------------------------------------------------

TEST(CompareExactTest, FiveTensAgainstFiveZeros) {
  // All 252 ways to split the ten answers 5/5: only the two that put all
  // five 10s on one side are as extreme as the observed split.
  const Summary tens = Sum(0, 0, 5), zeros = Sum(5, 0, 0);
  const Brute brute = BrutePermutation({0, 0, 5}, {5, 0, 0});
  EXPECT_NEAR(brute.p, 2.0 / 252, 1e-15);
  auto exact = Compare(tens, zeros, Opt(IntervalMethod::kScore, CompareTest::kExact));
  ASSERT_TRUE(exact.ok()) << exact.status();
  EXPECT_EQ(exact->test, TestKind::kExact);
  EXPECT_NEAR(exact->p_value, 0.0079365079365079, 1e-12);
  EXPECT_NEAR(exact->p_value, brute.p, 1e-12);
  auto mid = Compare(tens, zeros);  // the default: exact mid-p below 10 a side
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->test, TestKind::kMidP);
  EXPECT_NEAR(mid->p_value, brute.mid_p, 1e-12);
  EXPECT_NEAR(mid->p_value, 1.0 / 252, 1e-12);
  // The score test: restricted shares 1/2 detractors, 1/2 promoters in both
  // samples, so z = 2 / sqrt(1/5 + 1/5) = sqrt(10).
  auto score = Compare(tens, zeros, Opt(IntervalMethod::kScore, CompareTest::kAsymptotic));
  EXPECT_EQ(score->test, TestKind::kScore);
  EXPECT_NEAR(score->z, std::sqrt(10.0), 1e-9);
  EXPECT_NEAR(score->p_value, std::erfc(std::sqrt(5.0)), 1e-12);
  // 0.2.0 reported p = 0 (the Wald SE of each sample is 0); the Wald test
  // still does, and says so.
  auto wald = Compare(tens, zeros, Opt(IntervalMethod::kWald, CompareTest::kAuto));
  EXPECT_EQ(wald->test, TestKind::kWald);
  EXPECT_EQ(wald->p_value, 0);
  for (const auto* c : {&*exact, &*mid, &*score}) {
    EXPECT_GT(c->ci_low, 0);
    EXPECT_EQ(c->ci_high, 200);
  }
}

TEST(CompareExactTest, MatchesBrutePermutationOverRespondents) {
  std::mt19937_64 rng(20261123);
  for (int rep = 0; rep < 200; ++rep) {
    const int na = 1 + static_cast<int>(rng() % 9);
    const int nb = 1 + static_cast<int>(rng() % (15 - na));
    std::array<int, 3> a{}, b{};
    for (int i = 0; i < na; ++i) ++a[rng() % 3];
    for (int i = 0; i < nb; ++i) ++b[rng() % 3];
    const Brute brute = BrutePermutation(a, b);
    const Summary sa = Sum(a[0], a[1], a[2]), sb = Sum(b[0], b[1], b[2]);
    auto exact = Compare(sa, sb, Opt(IntervalMethod::kScore, CompareTest::kExact));
    auto mid = Compare(sa, sb, Opt(IntervalMethod::kScore, CompareTest::kMidP));
    ASSERT_TRUE(exact.ok() && mid.ok()) << exact.status() << mid.status();
    const bool same = (a[2] - a[0]) * nb == (b[2] - b[0]) * na;  // diff 0: p = 1 by rule
    EXPECT_NEAR(exact->p_value, brute.p, 1e-12) << na << " " << nb;
    EXPECT_NEAR(mid->p_value, same ? 1.0 : brute.mid_p, 1e-12) << na << " " << nb;
  }
}

TEST(CompareExactTest, ShareChangeIsTheBinaryPermutationTestOrThePooledZ) {
  // Below 10 a side: the mid-p permutation test of the share difference.
  for (auto [k1, n1, k2, n2] : std::vector<std::array<int, 4>>{
           {0, 4, 4, 4}, {1, 6, 5, 7}, {2, 9, 7, 11}, {3, 5, 0, 2}}) {
    const Brute brute = BrutePermutation({k1, n1 - k1, 0}, {k2, n2 - k2, 0});
    EXPECT_NEAR(internal::ShareChangeP(k1, n1, k2, n2), brute.mid_p, 1e-12);
  }
  // From 10 a side: the pooled two-proportion z-test.
  const double pooled = 30.0 / 150, z = (20.0 / 50 - 10.0 / 100) /
                                        std::sqrt(pooled * (1 - pooled) * (1.0 / 100 + 1.0 / 50));
  EXPECT_NEAR(internal::ShareChangeP(10, 100, 20, 50), std::erfc(z / std::sqrt(2.0)), 1e-12);
  EXPECT_EQ(internal::ShareChangeP(0, 20, 0, 30), 1.0);
  EXPECT_TRUE(std::isnan(internal::ShareChangeP(1, 0, 1, 3)));
}

// --- The score test ------------------------------------------------------------------

TEST(CompareScoreTest, StatisticAndBoundsMatchTheLikelihood) {
  const std::array<std::array<double, 3>, 2> cases[] = {
      {{{20, 30, 50}, {30, 30, 40}}}, {{{3, 0, 9}, {1, 7, 2}}}, {{{0, 12, 0}, {4, 4, 4}}},
      {{{5, 0, 0}, {0, 2, 9}}},       {{{2, 5, 1}, {12, 40, 60}}}};
  for (const auto& [a, b] : cases) {
    const Summary sa = Sum(a[0], a[1], a[2]), sb = Sum(b[0], b[1], b[2]);
    auto c = Compare(sa, sb, Opt(IntervalMethod::kScore, CompareTest::kAsymptotic, 0.9));
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_NEAR(c->z, BruteScoreZ(a, b, 0), 1e-6) << a[0] << " " << b[0];
    EXPECT_NEAR(c->p_value, std::erfc(std::abs(c->z) / std::sqrt(2.0)), 1e-14);
    // The bounds are where the statistic reaches the 90% critical value.
    const double z90 = 1.6448536269514722;
    if (c->ci_low > -200) EXPECT_NEAR(BruteScoreZ(a, b, c->ci_low / 100), z90, 1e-5);
    if (c->ci_high < 200) EXPECT_NEAR(BruteScoreZ(a, b, c->ci_high / 100), -z90, 1e-5);
  }
}

TEST(CompareScoreTest, WeightedSamplesUseTheirEffectiveCounts) {
  // Weights of 2 on every answer: totals double, the effective n is the
  // count of answers, so the test is that of the unweighted counts.
  std::vector<double> sa = {0, 3, 7, 8, 9, 10, 10, 9, 2, 10, 10, 6};
  std::vector<double> sb = {1, 2, 7, 7, 9, 3, 4, 10, 8, 6, 5, 9, 0};
  auto weighted = [](const std::vector<double>& s) {
    std::vector<double> w(s.size(), 2.0);
    return *Summarize(*CountSegmentsWeighted<double>(s, w));
  };
  auto plain = [](const std::vector<double>& s) { return *Summarize(*CountSegments<double>(s)); };
  auto cw = Compare(weighted(sa), weighted(sb));
  auto cp = Compare(plain(sa), plain(sb), Opt(IntervalMethod::kScore, CompareTest::kAsymptotic));
  ASSERT_TRUE(cw.ok() && cp.ok()) << cw.status();
  EXPECT_EQ(cw->test, TestKind::kScore);  // no exact test on weighted totals
  EXPECT_NEAR(cw->p_value, cp->p_value, 1e-12);
  EXPECT_NEAR(cw->ci_low, cp->ci_low, 1e-8);
  EXPECT_NEAR(cw->ci_high, cp->ci_high, 1e-8);
  auto e = Compare(weighted(sa), plain(sb), Opt(IntervalMethod::kScore, CompareTest::kExact));
  EXPECT_NE(e.status().message().find("sample a is weighted"), std::string::npos) << e.status();
}

// --- p and interval agree ----------------------------------------------------------------

TEST(CompareAgreementTest, PValueBelowAlphaExactlyWhenZeroIsOutside) {
  std::mt19937_64 rng(7);
  struct Config {
    IntervalMethod method;
    CompareTest test;
  };
  const Config configs[] = {
      {IntervalMethod::kWald, CompareTest::kAuto},
      {IntervalMethod::kAdjustedWald, CompareTest::kAuto},
      {IntervalMethod::kScore, CompareTest::kAuto},
      {IntervalMethod::kScore, CompareTest::kAsymptotic},
      {IntervalMethod::kScore, CompareTest::kExact},
      {IntervalMethod::kScore, CompareTest::kMidP},
  };
  int checked = 0, significant = 0;
  for (int rep = 0; rep < 300; ++rep) {
    // Sizes from 1 to 80, often unbalanced; shares of every kind.
    const int64_t na = 1 + static_cast<int64_t>(rng() % (rep % 3 == 0 ? 8 : 80));
    const int64_t nb = 1 + static_cast<int64_t>(rng() % 80);
    std::uniform_real_distribution<double> u(0, 1);
    auto draw = [&](int64_t n) {
      const double d = u(rng), p = u(rng) * (1 - d);
      int64_t x[3] = {0, 0, 0};
      for (int64_t i = 0; i < n; ++i) {
        const double v = u(rng);
        ++x[v < d ? 0 : (v < d + p ? 2 : 1)];
      }
      return Sum(x[0], x[1], x[2]);
    };
    const Summary a = draw(na), b = draw(nb);
    for (const Config& cfg : configs) {
      for (double confidence : {0.8, 0.95, 0.99}) {
        auto c = Compare(a, b, Opt(cfg.method, cfg.test, confidence));
        ASSERT_TRUE(c.ok()) << c.status();
        const bool sig = c->p_value < 1 - confidence;
        const bool outside = 0 < c->ci_low || c->ci_high < 0;
        EXPECT_EQ(sig, outside) << IntervalMethodName(cfg.method) << "/"
                                << CompareTestName(cfg.test) << " " << confidence << " a="
                                << a.detractors << "/" << a.passives << "/" << a.promoters
                                << " b=" << b.detractors << "/" << b.passives << "/"
                                << b.promoters << " p=" << c->p_value << " ci=[" << c->ci_low
                                << ", " << c->ci_high << "]";
        EXPECT_LE(c->ci_low, c->ci_high);
        EXPECT_GE(c->ci_low, -200);
        EXPECT_LE(c->ci_high, 200);
        EXPECT_GE(c->p_value, 0);
        EXPECT_LE(c->p_value, 1);
        if (cfg.method != IntervalMethod::kAdjustedWald) {
          EXPECT_LE(c->ci_low, c->diff + 1e-9);
          EXPECT_GE(c->ci_high, c->diff - 1e-9);
        }
        // Swapping the samples mirrors everything.
        auto r = Compare(b, a, Opt(cfg.method, cfg.test, confidence));
        EXPECT_NEAR(r->p_value, c->p_value, 1e-12);
        EXPECT_NEAR(r->ci_low, -c->ci_high, 1e-7);
        EXPECT_NEAR(r->ci_high, -c->ci_low, 1e-7);
        ++checked;
        significant += sig;
      }
    }
  }
  EXPECT_GT(significant, checked / 10);  // both outcomes are exercised
  EXPECT_LT(significant, checked * 9 / 10);
}

TEST(CompareAgreementTest, ExactIntervalWhenNoSplitCanBeSignificant) {
  // Two against two: no split of four answers reaches p < 0.05, so the
  // interval of the exact test is the whole range.
  auto c = Compare(Sum(0, 0, 2), Sum(2, 0, 0));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->test, TestKind::kMidP);
  EXPECT_GE(c->p_value, 0.05);
  EXPECT_EQ(c->ci_low, -200);
  EXPECT_EQ(c->ci_high, 200);
}

// --- Validation --------------------------------------------------------------------------

TEST(CompareValidationTest, HandMadeSummariesAreChecked) {
  const Summary good = Sum(2, 3, 5);
  auto expect_error = [&](Summary s, const std::string& text) {
    auto c = Compare(good, s);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.status().message().find(text), std::string::npos) << c.status();
  };
  Summary s = good;
  s.se = -1;
  expect_error(s, "sample b: se is -1 but its counts and n_effective give 24.69817807045694");
  s.se = kNaN;
  expect_error(s, "sample b: se is NaN");
  s = good;
  s.detractors = -2;
  expect_error(s, "sample b: detractors is -2: must be finite and >= 0");
  s = good;
  s.promoters = 6;
  expect_error(s, "sample b: n is 10 but detractors + passives + promoters is 11");
  s = good;
  s.nps = 30.01;
  expect_error(s, "sample b: nps is 30.01 but its counts give 30");
  s = good;
  s.n_effective = 5;
  expect_error(s, "n_effective is 5 but n is 10 and the summary is unweighted");
  s = good;
  s.ci_high = 101;
  expect_error(s, "ci_high is 101");
  s = good;
  s.n = s.detractors = s.passives = s.promoters = 0;
  expect_error(s, "sample b is empty (n = 0)");
  s = good;
  s.promoters = kInf;
  expect_error(s, "promoters is inf");
  s = good;
  s.confidence = 2;
  expect_error(s, "sample b: confidence is 2");

  auto c = Compare(good, good, Opt(IntervalMethod::kWald, CompareTest::kExact));
  EXPECT_NE(c.status().message().find("test \"exact\" needs method \"score\""),
            std::string::npos);
  c = Compare(Sum(400, 400, 400), Sum(500, 500, 500),
              Opt(IntervalMethod::kScore, CompareTest::kMidP));
  EXPECT_NE(c.status().message().find("smaller sample, which has 1200 respondents: at most 1000"),
            std::string::npos)
      << c.status();
  c = Compare(good, good, Opt(IntervalMethod::kScore, CompareTest::kAuto, 1));
  EXPECT_NE(c.status().message().find("confidence is 1"), std::string::npos);
  c = Compare(good, good, Opt(IntervalMethod::kScore, static_cast<CompareTest>(9)));
  EXPECT_NE(c.status().message().find("test is 9"), std::string::npos);
}

TEST(CompareValidationTest, ParseAndNames) {
  for (auto t : {CompareTest::kAuto, CompareTest::kAsymptotic, CompareTest::kExact,
                 CompareTest::kMidP}) {
    EXPECT_EQ(*ParseCompareTest(CompareTestName(t)), t);
  }
  EXPECT_EQ(*ParseCompareTest("Mid-P"), CompareTest::kMidP);  // ASCII case is ignored
  EXPECT_NE(ParseCompareTest("fisher").status().message().find("unknown test \"fisher\""),
            std::string::npos);
  EXPECT_STREQ(TestKindName(TestKind::kMidP), "mid-p");
  EXPECT_STREQ(TestKindName(TestKind::kAdjustedWald), "adjusted-wald");
}

TEST(CountsValidationTest, NegativeCountsAndOverflowAreErrors) {
  auto m = MergeCounts(Counts{1, 2, 3, 0}, Counts{-1, 0, 0, 0});
  EXPECT_NE(m.status().message().find("b counts: detractors is -1: counts must be >= 0"),
            std::string::npos)
      << m.status();
  m = MergeCounts(Counts{1, std::numeric_limits<int64_t>::max(), 1, 0}, Counts{0, 1, 0, 0});
  EXPECT_NE(m.status().message().find("passives"), std::string::npos);
  m = MergeCounts(Counts{1, 2, 3, 4}, Counts{5, 6, 7, 8});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->detractors, 6);
  EXPECT_EQ(m->skipped, 12);
  EXPECT_NE(Summarize(Counts{1, 2, 3, -1}).status().message().find("skipped is -1"),
            std::string::npos);

  WeightedCounts w;
  w.detractors = 1;
  w.promoters = 3;
  w.sum_w2 = 10;  // weights 1 and 3
  w.rows = 2;
  EXPECT_TRUE(ValidateCounts(w).ok());
  WeightedCounts bad = w;
  bad.passives = -0.5;
  EXPECT_NE(ValidateCounts(bad).message().find("passives is -0.5"), std::string::npos);
  bad = w;
  bad.sum_w2 = 17;  // more than (1 + 3)^2: no weights give it
  EXPECT_NE(Summarize(bad).status().message().find("sum_w2 is 17"), std::string::npos);
  bad = w;
  bad.sum_w2 = 7;  // below 4^2 / 2: the effective n would exceed the rows
  EXPECT_FALSE(ValidateCounts(bad).ok());
  bad = w;
  bad.promoters = kNaN;
  EXPECT_NE(MergeCounts(w, bad).status().message().find("b weighted counts: promoters is NaN"),
            std::string::npos);
  auto wm = MergeCounts(w, w);
  ASSERT_TRUE(wm.ok());
  EXPECT_EQ(wm->rows, 4);
  EXPECT_EQ(wm->sum_w2, 20);
}

TEST(ValueTextTest, ErrorsShowTheValueThatWasGiven) {
  std::vector<double> s = {7.0000001};
  EXPECT_NE(CountSegments<double>(s).status().message().find("is 7.0000001: scores must be whole"),
            std::string::npos);
  s = {10.000000000000002};
  EXPECT_NE(CountSegments<double>(s).status().message().find("is 10.000000000000002"),
            std::string::npos);
  std::vector<float> f = {6.5f};
  EXPECT_NE(CountSegments<float>(f).status().message().find("is 6.5:"), std::string::npos);
  s = {-kInf};
  EXPECT_NE(CountSegments<double>(s).status().message().find("is -inf"), std::string::npos);
}

}  // namespace
}  // namespace npscore
