// Tests of segmentation and NPS with uncertainty. Expected values come from
// the R package NPS's unit tests, hand derivations written out beside each
// case, and invariants (merging, interval containment).

#include "npscore/nps.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "gtest/gtest.h"

namespace npscore {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Summary Sum(int64_t d, int64_t pa, int64_t p, IntervalMethod m = IntervalMethod::kWald,
            double confidence = 0.95) {
  Counts c;
  c.detractors = d;
  c.passives = pa;
  c.promoters = p;
  auto s = Summarize(c, {m, confidence});
  EXPECT_TRUE(s.ok()) << s.status();
  return *s;
}

// R package NPS (B. Rocks) unit tests: counts (det, pas, pro), -1..1 scale.
TEST(NpsVarianceTest, MatchesRPackageNps) {
  EXPECT_NEAR(NpsVariance(1, 2, 3), 5.0 / 9, 1e-12);
  EXPECT_NEAR(NpsVariance(1, 0, 1), 1.0, 1e-12);
  EXPECT_NEAR(NpsVariance(0, 1, 1), 0.25, 1e-12);
  EXPECT_NEAR(NpsVariance(1, 1, 1), 2.0 / 3, 1e-12);
}

TEST(SummarizeTest, MatchesRPackageNpsStandardErrors) {
  EXPECT_NEAR(Sum(1, 2, 3).nps, 100.0 / 3, 1e-9);
  EXPECT_NEAR(Sum(1, 2, 3).se, 100 * 0.3042903097, 1e-7);
  EXPECT_NEAR(Sum(1, 0, 1).se, 100 * 0.7071067812, 1e-7);
  EXPECT_NEAR(Sum(0, 1, 1).se, 100 * 0.3535533906, 1e-7);
  EXPECT_NEAR(Sum(1, 1, 1).se, 100 * 0.4714045208, 1e-7);
}

TEST(SummarizeTest, RawScoresOnFifteenPointScale) {
  // R package NPS: scores 1..15 with cut-offs (6, 8) on a 0-15 scale give
  // counts (6, 2, 7), NPS 1/15 and variance 0.8622222222.
  std::vector<int32_t> scores(15);
  std::iota(scores.begin(), scores.end(), 1);
  ScoreOptions opt;
  opt.cutoffs = {6, 8, 15};
  auto c = CountSegments<int32_t>(scores, opt);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->detractors, 6);
  EXPECT_EQ(c->passives, 2);
  EXPECT_EQ(c->promoters, 7);
  auto s = Summarize(*c, {IntervalMethod::kWald, 0.95});
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->nps, 100.0 / 15, 1e-9);
  EXPECT_NEAR(NpsVariance(6, 2, 7), 0.8622222222, 1e-9);
}

TEST(NormalTest, QuantileAndSurvival) {
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(NormalQuantile(0.995), 2.5758293035489004, 1e-13);
  EXPECT_NEAR(NormalQuantile(0.001), -3.090232306167813, 1e-12);
  EXPECT_NEAR(NormalQuantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(NormalSurvival(1.959963984540054), 0.025, 1e-15);
}

TEST(IntervalTest, WaldByHand) {
  // 100 respondents: 20 det, 30 pas, 50 pro. NPS 0.30, V = 0.70 - 0.09 =
  // 0.61, se = sqrt(0.0061) = 0.0781025, CI = 0.30 +- 1.959964 * se.
  Summary s = Sum(20, 30, 50, IntervalMethod::kWald);
  const double se = std::sqrt(0.61 / 100);
  EXPECT_NEAR(s.nps, 30, 1e-12);
  EXPECT_NEAR(s.se, 100 * se, 1e-10);
  EXPECT_NEAR(s.ci_low, 100 * (0.30 - 1.959963984540054 * se), 1e-9);
  EXPECT_NEAR(s.ci_high, 100 * (0.30 + 1.959963984540054 * se), 1e-9);
}

TEST(IntervalTest, AdjustedWaldByHand) {
  // Adjusted counts 20.75 / 31.5 / 50.75, n = 103: NPS' = 30/103,
  // V' = (71.5/103) - (30/103)^2.
  Summary s = Sum(20, 30, 50, IntervalMethod::kAdjustedWald);
  const double n = 103, nps = 30.0 / n, v = 71.5 / n - nps * nps;
  const double half = 1.959963984540054 * std::sqrt(v / n);
  EXPECT_NEAR(s.nps, 30, 1e-12);  // the point estimate stays unadjusted
  EXPECT_NEAR(s.ci_low, 100 * (nps - half), 1e-9);
  EXPECT_NEAR(s.ci_high, 100 * (nps + half), 1e-9);
}

TEST(IntervalTest, ScoreBoundsSolveTangosEquation) {
  // At each bound the score statistic, written out here from the closed-form
  // restricted MLE, equals -+ z.
  const double b = 50, c = 20, n = 100, z = 1.959963984540054;
  Summary s = Sum(20, 30, 50, IntervalMethod::kScore);
  auto tango = [&](double delta) {
    const double A = 2 * n, B = -b - c + (2 * n - b + c) * delta,
                 C = -c * delta * (1 - delta);
    const double q = (-B + std::sqrt(B * B - 4 * A * C)) / (2 * A);
    return (b - c - n * delta) / std::sqrt(n * (2 * q + delta * (1 - delta)));
  };
  EXPECT_NEAR(tango(s.ci_low / 100), z, 1e-8);
  EXPECT_NEAR(tango(s.ci_high / 100), -z, 1e-8);
  EXPECT_LT(s.ci_low, 30);
  EXPECT_GT(s.ci_high, 30);
}

TEST(IntervalTest, ScoreStaysInsideRangeAtExtremes) {
  Summary all_pro = Sum(0, 0, 12, IntervalMethod::kScore);
  EXPECT_DOUBLE_EQ(all_pro.ci_high, 100);
  EXPECT_GT(all_pro.ci_low, -100);
  EXPECT_LT(all_pro.ci_low, 100);
  Summary all_det = Sum(7, 0, 0, IntervalMethod::kScore);
  EXPECT_DOUBLE_EQ(all_det.ci_low, -100);
  EXPECT_LT(all_det.ci_high, 100);
  Summary one = Sum(0, 1, 0, IntervalMethod::kScore);
  EXPECT_GE(one.ci_low, -100);
  EXPECT_LE(one.ci_high, 100);
  EXPECT_LE(one.ci_low, 0);
  EXPECT_GE(one.ci_high, 0);
}

TEST(IntervalTest, WiderAtHigherConfidenceAndContainsEstimate) {
  for (auto m : {IntervalMethod::kWald, IntervalMethod::kAdjustedWald,
                 IntervalMethod::kScore}) {
    Summary s90 = Sum(13, 21, 40, m, 0.90), s99 = Sum(13, 21, 40, m, 0.99);
    EXPECT_LT(s99.ci_low, s90.ci_low) << IntervalMethodName(m);
    EXPECT_GT(s99.ci_high, s90.ci_high) << IntervalMethodName(m);
    EXPECT_LE(s90.ci_low, s90.nps);
    EXPECT_GE(s90.ci_high, s90.nps);
  }
}

TEST(CountTest, SegmentsAllTypesAgree) {
  std::vector<double> d = {0, 6, 7, 8, 9, 10, 3, 9};
  std::vector<float> f(d.begin(), d.end());
  std::vector<uint8_t> u(d.begin(), d.end());
  std::vector<int64_t> i(d.begin(), d.end());
  for (const auto& c : {CountSegments<double>(d), CountSegments<float>(f),
                        CountSegments<uint8_t>(u), CountSegments<int64_t>(i)}) {
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->detractors, 3);
    EXPECT_EQ(c->passives, 2);
    EXPECT_EQ(c->promoters, 3);
  }
  auto codes = SegmentScores<double>(d);
  ASSERT_TRUE(codes.ok());
  EXPECT_EQ(*codes, (std::vector<int8_t>{-1, -1, 0, 0, 1, 1, -1, 1}));
}

TEST(CountTest, MergeOfPartitionsEqualsSinglePass) {
  std::vector<double> s;
  for (int k = 0; k < 10007; ++k) s.push_back((k * 7919) % 11);
  s[4000] = kNaN;
  ScoreOptions opt;
  opt.missing = Missing::kSkip;
  auto whole = CountSegments<double>(s, opt);
  ASSERT_TRUE(whole.ok());
  Counts merged;
  for (size_t begin = 0; begin < s.size(); begin += 3001) {
    const size_t len = std::min<size_t>(3001, s.size() - begin);
    auto part = CountSegments(absl::MakeConstSpan(s).subspan(begin, len), opt);
    ASSERT_TRUE(part.ok());
    merged.Merge(*part);
  }
  EXPECT_EQ(merged.detractors, whole->detractors);
  EXPECT_EQ(merged.passives, whole->passives);
  EXPECT_EQ(merged.promoters, whole->promoters);
  EXPECT_EQ(merged.skipped, 1);
  EXPECT_EQ(whole->n() + whole->skipped, static_cast<int64_t>(s.size()));
}

TEST(CountTest, ErrorsNameRowAndValue) {
  std::vector<double> s(5000, 9.0);
  s[4321] = 7.5;
  auto c = CountSegments<double>(s);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("row 4321"), std::string::npos) << c.status();
  EXPECT_NE(c.status().message().find("7.5"), std::string::npos);
  s[4321] = 11;
  s[4400] = -1;
  c = CountSegments<double>(s);
  EXPECT_NE(c.status().message().find("row 4321 is 11"), std::string::npos) << c.status();
  s[4321] = kNaN;
  c = CountSegments<double>(s);
  EXPECT_NE(c.status().message().find("row 4321 is missing"), std::string::npos);
  std::vector<int16_t> i = {3, 4, 300};
  auto ci = CountSegments<int16_t>(i);
  EXPECT_NE(ci.status().message().find("row 2 is 300"), std::string::npos) << ci.status();
  std::vector<int8_t> neg = {3, -4};
  EXPECT_NE(CountSegments<int8_t>(neg).status().message().find("row 1 is -4"),
            std::string::npos);
}

TEST(CountTest, BadCutoffsAndOptions) {
  ScoreOptions opt;
  opt.cutoffs = {8, 6, 10};
  std::vector<double> s = {1};
  EXPECT_FALSE(CountSegments<double>(s, opt).ok());
  EXPECT_FALSE(Summarize(Counts{1, 1, 1, 0}, {IntervalMethod::kWald, 1.0}).ok());
  EXPECT_FALSE(Summarize(Counts{1, 1, 1, 0}, {IntervalMethod::kWald, 0.0}).ok());
  EXPECT_FALSE(Summarize(Counts{}, {}).ok());
  EXPECT_FALSE(ParseIntervalMethod("bootstrap").ok());
  EXPECT_EQ(*ParseIntervalMethod("score"), IntervalMethod::kScore);
  // ASCII case is ignored, as by every option parser.
  EXPECT_EQ(*ParseIntervalMethod("Wald"), IntervalMethod::kWald);
  EXPECT_EQ(*ParseIntervalMethod("ADJUSTED-WALD"), IntervalMethod::kAdjustedWald);
}

TEST(WeightedTest, EqualWeightsMatchUnweighted) {
  std::vector<int32_t> s = {0, 6, 7, 8, 9, 10, 3, 9, 10, 10};
  std::vector<double> w(s.size(), 2.5);
  auto wc = CountSegmentsWeighted<int32_t>(s, w);
  ASSERT_TRUE(wc.ok());
  EXPECT_NEAR(wc->n_effective(), 10, 1e-12);
  auto ws = Summarize(*wc, {});
  auto us = Summarize(*CountSegments<int32_t>(s), {});
  EXPECT_NEAR(ws->nps, us->nps, 1e-12);
  EXPECT_NEAR(ws->se, us->se, 1e-12);
  EXPECT_NEAR(ws->ci_low, us->ci_low, 1e-12);
  EXPECT_NEAR(ws->ci_high, us->ci_high, 1e-12);
}

TEST(WeightedTest, KishEffectiveSize) {
  // Weights 1, 1, 4 on det, pas, pro: NPS = (4 - 1) / 6 = 50; n_eff = 36 / 18.
  std::vector<int32_t> s = {0, 7, 10};
  std::vector<double> w = {1, 1, 4};
  auto sum = Summarize(*CountSegmentsWeighted<int32_t>(s, w), {IntervalMethod::kWald});
  ASSERT_TRUE(sum.ok());
  EXPECT_NEAR(sum->nps, 50, 1e-12);
  EXPECT_NEAR(sum->n_effective, 2, 1e-12);
  const double p = 4.0 / 6, d = 1.0 / 6, v = p + d - (p - d) * (p - d);
  EXPECT_NEAR(sum->se, 100 * std::sqrt(v / 2), 1e-10);
}

TEST(WeightedTest, BadWeights) {
  std::vector<double> s = {1, 2, 3};
  std::vector<double> w = {1, -2, 3};
  auto c = CountSegmentsWeighted<double>(s, w);
  EXPECT_NE(c.status().message().find("weight at row 1 is -2"), std::string::npos) << c.status();
  w = {1, 2};
  EXPECT_FALSE(CountSegmentsWeighted<double>(s, w).ok());
  w = {1, 2, kNaN};
  EXPECT_NE(CountSegmentsWeighted<double>(s, w).status().message().find("row 2 is NaN"),
            std::string::npos);
}

TEST(WeightedTest, TheFirstBadRowIsNamedWhateverItsKind) {
  // A bad weight at row 0 comes before a bad score at row 1 of the same block
  // (and a bad score before a bad weight later on).
  std::vector<double> s = {10, 11, 9, 8};
  std::vector<double> w = {-1, 1, 1, 1};
  auto c = CountSegmentsWeighted<double>(s, w);
  EXPECT_NE(c.status().message().find("weight at row 0 is -1"), std::string::npos) << c.status();
  w = {1, 1, -1, 1};
  c = CountSegmentsWeighted<double>(s, w);
  EXPECT_NE(c.status().message().find("score at row 1 is 11"), std::string::npos) << c.status();
  // By group: a bad weight at row 0, a bad group code at row 1, a bad score
  // at row 2: each is named when it comes first.
  std::vector<double> scores = {9, 10, 11, 8};
  std::vector<int64_t> codes = {0, 5, 1, 1};
  std::vector<double> weights = {-1, 1, 1, 1};
  auto g = SummarizeByGroup<double, int64_t>(scores, codes, 2, weights);
  EXPECT_NE(g.status().message().find("weight at row 0 is -1"), std::string::npos) << g.status();
  weights = {1, 1, 1, 1};
  g = SummarizeByGroup<double, int64_t>(scores, codes, 2, weights);
  EXPECT_NE(g.status().message().find("row 1"), std::string::npos) << g.status();
  codes = {0, 1, 1, 1};
  weights = {1, 1, 1, -1};
  g = SummarizeByGroup<double, int64_t>(scores, codes, 2, weights);
  EXPECT_NE(g.status().message().find("score at row 2 is 11"), std::string::npos) << g.status();
}

TEST(CompareTest, TwoSampleByHand) {
  // a: 20/30/50 (NPS 30, V .61), b: 30/30/40 (NPS 10, V .70 - .01 = .69).
  Summary a = Sum(20, 30, 50), b = Sum(30, 30, 40);
  auto c = Compare(a, b, IntervalOptions{IntervalMethod::kWald, 0.95});
  ASSERT_TRUE(c.ok());
  const double se = std::sqrt(0.61 / 100 + 0.69 / 100);
  EXPECT_NEAR(c->diff, 20, 1e-10);
  EXPECT_NEAR(c->se, 100 * se, 1e-10);
  EXPECT_NEAR(c->z, 0.2 / se, 1e-10);
  EXPECT_NEAR(c->p_value, std::erfc(0.2 / se / std::sqrt(2.0)), 1e-12);
  EXPECT_NEAR(c->ci_low, 100 * (0.2 - 1.959963984540054 * se), 1e-8);
  auto r = Compare(b, a, IntervalOptions{IntervalMethod::kWald, 0.95});
  EXPECT_NEAR(r->diff, -20, 1e-10);  // the sign follows a - b
  EXPECT_NEAR(r->p_value, c->p_value, 1e-15);
}

TEST(CompareTest, IntervalsContainDifference) {
  Summary a = Sum(20, 30, 50), b = Sum(30, 30, 40);
  for (auto m : {IntervalMethod::kAdjustedWald, IntervalMethod::kScore}) {
    auto c = Compare(a, b, IntervalOptions{m, 0.95});
    ASSERT_TRUE(c.ok());
    EXPECT_LT(c->ci_low, 20) << IntervalMethodName(m);
    EXPECT_GT(c->ci_high, 20) << IntervalMethodName(m);
    EXPECT_GT(c->ci_low, -200);
  }
}

TEST(ByGroupTest, MatchesPerGroupSummaries) {
  std::vector<double> s = {0, 9, 10, 7, 3, 10, 9, 9, 8, 1};
  std::vector<int64_t> g = {0, 0, 1, 1, 2, 2, 2, 0, 1, 0};
  GroupOptions opt;
  opt.min_n = 4;
  auto t = SummarizeByGroup<double, int64_t>(s, g, 4, {}, opt);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 4u);
  // group 0: scores 0, 9, 9, 1 -> 2 det, 0 pas, 2 pro.
  EXPECT_EQ(t->detractors[0], 2);
  EXPECT_EQ(t->promoters[0], 2);
  EXPECT_EQ(t->nps[0], 0);
  EXPECT_EQ(t->small[0], 0);
  EXPECT_EQ(t->small[1], 1);  // n = 3 < 4
  auto g2 = Summarize(Counts{1, 0, 2, 0}, opt.interval);
  EXPECT_DOUBLE_EQ(t->ci_low[2], g2->ci_low);
  EXPECT_EQ(t->n[3], 0);  // an empty group stays, with NaN statistics
  EXPECT_TRUE(std::isnan(t->nps[3]));
  std::vector<int64_t> bad = {0, 0, 1, 1, 2, 2, 9, 0, 1, 0};
  auto e = SummarizeByGroup<double, int64_t>(s, bad, 4, {}, opt);
  EXPECT_NE(e.status().message().find("group code at row 6 is 9"), std::string::npos);
}


TEST(ByGroupTest, ThreadsGiveTheSameCountsAndTheFirstError) {
  const size_t rows = (size_t{1} << 21) + 12345;  // enough for 2 threads
  std::vector<int8_t> s(rows);
  std::vector<int64_t> g(rows);
  for (size_t i = 0; i < rows; ++i) {
    s[i] = static_cast<int8_t>((i * 7919) % 11);
    g[i] = static_cast<int64_t>((i * 104729) % 97);
  }
  GroupOptions one, two;
  one.threads = 1;
  two.threads = 2;
  auto a = SummarizeByGroup<int8_t, int64_t>(s, g, 97, {}, one);
  auto b = SummarizeByGroup<int8_t, int64_t>(s, g, 97, {}, two);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->detractors, b->detractors);
  EXPECT_EQ(a->passives, b->passives);
  EXPECT_EQ(a->promoters, b->promoters);
  EXPECT_EQ(a->ci_low, b->ci_low);
  double total = 0;
  for (double n : b->n) total += n;
  EXPECT_EQ(total, static_cast<double>(rows));
  // Bad rows in both halves: the earlier one is reported.
  s[rows - 5] = 12;
  s[1000] = 11;
  auto e = SummarizeByGroup<int8_t, int64_t>(s, g, 97, {}, two);
  EXPECT_NE(e.status().message().find("row 1000 is 11"), std::string::npos) << e.status();
}

TEST(ByKeyTest, DenseAndSparseKeysMatchFactorizedGroups) {
  std::vector<double> s;
  std::vector<int64_t> dense, sparse;
  for (int i = 0; i < 5000; ++i) {
    s.push_back((i * 31) % 11);
    dense.push_back(100 + (i * 17) % 37 * 2);  // even keys 100..172: gaps in the range
    sparse.push_back(((i * 17) % 37) * 1000000007LL - 5);
  }
  for (const auto* keys : {&dense, &sparse}) {
    auto by_key = SummarizeByKey<double>(s, *keys, {});
    ASSERT_TRUE(by_key.ok()) << by_key.status();
    KeyCodes k = FactorizeKeys(*keys);
    auto by_code = SummarizeByGroup<double, int64_t>(s, k.codes,
                                                     static_cast<int64_t>(k.keys.size()), {});
    ASSERT_TRUE(by_code.ok());
    EXPECT_EQ(by_key->keys, k.keys);
    EXPECT_EQ(by_key->keys.size(), 37u);
    EXPECT_EQ(by_key->table.detractors, by_code->detractors);
    EXPECT_EQ(by_key->table.promoters, by_code->promoters);
    EXPECT_EQ(by_key->table.ci_high, by_code->ci_high);
  }
  std::vector<int16_t> codes16(s.size());
  for (size_t i = 0; i < s.size(); ++i) codes16[i] = static_cast<int16_t>(i % 3);
  auto t16 = SummarizeByGroup<double, int16_t>(s, codes16, 3, {});
  ASSERT_TRUE(t16.ok());
  EXPECT_EQ(t16->n[0] + t16->n[1] + t16->n[2], 5000);
  codes16[7] = -1;
  auto bad = SummarizeByGroup<double, int16_t>(s, codes16, 3, {});
  EXPECT_NE(bad.status().message().find("group code at row 7 is -1"), std::string::npos)
      << bad.status();
}

TEST(SummarizeTest, ExtremeInputsGiveErrorsOrFiniteAnswers) {
  // Counts whose total overflows int64 are an error, never a negative n.
  Counts huge{INT64_MAX, 1, 0, 0};
  EXPECT_NE(Summarize(huge, {}).status().message().find("overflow"), std::string::npos);
  // A confidence a hair below 1: z is huge but finite; all-promoter Wald
  // interval stays at [100, 100] instead of turning NaN into -100.
  auto s = Summarize(Counts{0, 0, 2, 0}, {IntervalMethod::kWald, std::nextafter(1.0, 0.0)});
  ASSERT_TRUE(s.ok());
  EXPECT_DOUBLE_EQ(s->ci_low, 100);
  EXPECT_DOUBLE_EQ(s->ci_high, 100);
  // Weights whose squares underflow: a clear error instead of NaN statistics.
  std::vector<int32_t> sc = {0, 7, 10, 10};
  std::vector<double> tiny(4, 1e-170);
  EXPECT_NE(Summarize(*CountSegmentsWeighted<int32_t>(sc, tiny), {}).status().message().find(
                "effective sample size"),
            std::string::npos);
  // A confidence near 0 gives a zero-width score interval at the estimate.
  auto z = Summarize(Counts{1, 2, 3, 0}, {IntervalMethod::kScore, 1e-300});
  ASSERT_TRUE(z.ok());
  EXPECT_NEAR(z->ci_low, 100.0 / 3, 1e-9);
  EXPECT_NEAR(z->ci_high, 100.0 / 3, 1e-9);
}

TEST(FactorizeKeysTest, DenseSparseAndExtremeKeys) {
  std::vector<int64_t> dense = {5, 3, 5, 9, 3};
  KeyCodes d = FactorizeKeys(dense);
  EXPECT_EQ(d.keys, (std::vector<int64_t>{3, 5, 9}));
  EXPECT_EQ(d.codes, (std::vector<int64_t>{1, 0, 1, 2, 0}));
  std::vector<int64_t> sparse = {INT64_MAX, -7, INT64_MIN, 1000000000000, -7};
  KeyCodes sp = FactorizeKeys(sparse);
  EXPECT_EQ(sp.keys, (std::vector<int64_t>{INT64_MIN, -7, 1000000000000, INT64_MAX}));
  EXPECT_EQ(sp.codes, (std::vector<int64_t>{3, 1, 0, 2, 1}));
  EXPECT_TRUE(FactorizeKeys({}).keys.empty());
}

}  // namespace
}  // namespace npscore
