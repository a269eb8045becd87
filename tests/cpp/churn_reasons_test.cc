// Reasons under rules (npscore/churn.h, ChurnReasonRule): grouping of the
// score-history columns, applicability and documented direction, checked on
// contributions computed by hand.

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

// Columns: 0 score, 1 mean_score, 2 min_score, 3 has_response,
// 4 days_detractor_waiting, 5 x (no rule). Coefficients with the collinear
// pattern of the issue: the latest score's is positive (contradicts its
// documented direction -1), the mean's negative.
ChurnModel HandModel() {
  ChurnModel m;
  m.feature_names = {"score", "mean_score", "min_score", "has_response",
                     "days_detractor_waiting", "x"};
  m.coef = {0.3, -0.8, -0.2, 0.1, -0.05, 0.5};
  m.reference = {7, 7, 6, 0, 2, 0};
  m.intercept = 0;
  return m;
}

// Rows: a promoter (9, 9, 9, answered, not waiting); a customer who never
// answered (filled-in scores 7.5, 6.5, 7.5; x = 1); a single-answer detractor
// (3, 3, 3, answered, waiting 4 days).
const std::vector<double> kRows = {9,   9,   9,   1, 0, 0,  //
                                   7.5, 6.5, 7.5, 0, 0, 1,  //
                                   3,   3,   3,   1, 4, 0};

struct Out {
  std::vector<double> p;
  std::vector<int32_t> f;
  std::vector<double> c;
};

Out ExplainRows(const ChurnModel& m, absl::Span<const ChurnReasonRule> rules, int top) {
  Out o{std::vector<double>(3), std::vector<int32_t>(3 * top), std::vector<double>(3 * top)};
  const absl::Status st = ExplainChurn(m, MatrixView{kRows, 3, 6, true}, rules, top,
                                       absl::MakeSpan(o.p), absl::MakeSpan(o.f),
                                       absl::MakeSpan(o.c));
  EXPECT_TRUE(st.ok()) << st;
  return o;
}

TEST(ChurnReasons, DefaultRulesOfChurnFeatureNames) {
  const ChurnModel m = HandModel();
  const std::vector<ChurnReasonRule> r = DefaultChurnReasonRules(m.feature_names);
  ASSERT_EQ(r.size(), 6u);
  for (int j : {0, 1, 2}) {
    EXPECT_EQ(r[j].group, kScoreHistoryGroup);
    EXPECT_EQ(r[j].direction, -1);
    EXPECT_EQ(r[j].when_column, 3);  // only for customers who answered
  }
  EXPECT_EQ(r[3].direction, -1);
  EXPECT_EQ(r[4].direction, 1);
  EXPECT_EQ(r[4].when_column, 4);  // only while the detractor is waiting
  EXPECT_TRUE(r[5].group.empty());
  EXPECT_EQ(r[5].direction, 0);
  EXPECT_EQ(r[5].when_column, -1);
}

TEST(ChurnReasons, WithoutRulesEveryPositiveContributionIsAReason) {
  // The behaviour the rules correct, by hand: promoter score 0.3 * 2 = 0.6,
  // has_response 0.1, days waiting -0.05 * (0 - 2) = 0.1; never answered:
  // x 0.5, filled mean -0.8 * (6.5 - 7) = 0.4; detractor: mean 3.2, min 0.6.
  const Out o = ExplainRows(HandModel(), {}, 2);
  EXPECT_EQ(o.f[0], 0);
  EXPECT_DOUBLE_EQ(o.c[0], 0.6);
  EXPECT_EQ(o.f[2], 5);
  EXPECT_DOUBLE_EQ(o.c[2], 0.5);
  EXPECT_EQ(o.f[3], 1);
  EXPECT_NEAR(o.c[3], 0.4, 1e-15);
  EXPECT_EQ(o.f[4], 1);
  EXPECT_NEAR(o.c[4], 3.2, 1e-15);
  EXPECT_EQ(o.f[5], 2);
  EXPECT_NEAR(o.c[5], 0.6, 1e-15);
}

TEST(ChurnReasons, GroupDirectionAndApplicability) {
  const ChurnModel m = HandModel();
  const std::vector<ChurnReasonRule> rules = DefaultChurnReasonRules(m.feature_names);
  const Out o = ExplainRows(m, rules, 2);
  // Promoter: score history nets 0.6 - 1.6 - 0.6 = -1.6 (no reason); the
  // has_response coefficient contradicts its direction; 0 days waiting does
  // not apply. No reason at all.
  EXPECT_EQ(o.f[0], -1);
  EXPECT_EQ(o.f[1], -1);
  EXPECT_EQ(o.c[0], 0);
  // Never answered: the filled-in scores do not apply; x is the only reason.
  EXPECT_EQ(o.f[2], 5);
  EXPECT_DOUBLE_EQ(o.c[2], 0.5);
  EXPECT_EQ(o.f[3], -1);
  // Single-answer detractor: one score-history reason under the group's
  // first column, the net -1.2 + 3.2 + 0.6 = 2.6; waiting 4 days
  // contributes -0.1 and has_response's sign contradicts: nothing else.
  EXPECT_EQ(o.f[4], 0);
  EXPECT_NEAR(o.c[4], 2.6, 1e-14);
  EXPECT_EQ(o.f[5], -1);
  // Probabilities do not depend on the rules: logit = x . w.
  const Out plain = ExplainRows(m, {}, 2);
  for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(o.p[i], plain.p[i]);
  // The default ExplainChurn applies the default rules.
  std::vector<double> p(3), c(6);
  std::vector<int32_t> f(6);
  ASSERT_TRUE(ExplainChurn(m, MatrixView{kRows, 3, 6, true}, 2, absl::MakeSpan(p),
                           absl::MakeSpan(f), absl::MakeSpan(c))
                  .ok());
  EXPECT_EQ(f, o.f);
  EXPECT_EQ(c, o.c);
}

TEST(ChurnReasons, AGroupIsShownOnlyWhenAMemberOfTheDocumentedSignCarriesIt) {
  // Mean and min have coefficients of the wrong sign (+): for the detractor
  // the group nets 0.3 * (-4) + 0.8 * (-4) + 0.2 * (-3) < 0, for the
  // promoter 0.3 * 2 + 0.8 * 2 + 0.2 * 3 = 2.8 > 0 but carried only by
  // columns whose coefficients contradict "a lower score raises the risk".
  ChurnModel m = HandModel();
  m.coef = {0.3, 0.8, 0.2, 0, 0, 0};
  const std::vector<ChurnReasonRule> rules = DefaultChurnReasonRules(m.feature_names);
  const Out o = ExplainRows(m, rules, 1);
  EXPECT_EQ(o.f[0], -1);
  EXPECT_EQ(o.f[2], -1);
  // Same coefficients, direction undocumented: the promoter's 2.8 is a reason.
  std::vector<ChurnReasonRule> open = rules;
  for (ChurnReasonRule& r : open) r.direction = 0;
  const Out u = ExplainRows(m, open, 1);
  EXPECT_EQ(u.f[0], 0);
  EXPECT_NEAR(u.c[0], 2.8, 1e-14);
}

TEST(ChurnReasons, AContradictingColumnMayLowerAReasonButNeverRaiseIt) {
  // One promoter (score 9, mean 9, lowest 5): score 0.3 * (9 - 7) = 0.6
  // contradicts "lower scores raise the risk" and is left out; lowest
  // -0.2 * (5 - 6) = 0.2 carries the group (mean's coefficient is 0 here).
  // Net 0.2, not 0.8.
  ChurnModel m = HandModel();
  m.coef = {0.3, 0.0, -0.2, 0, 0, 0};
  const std::vector<double> x = {9, 9, 5, 1, 0, 0};
  std::vector<double> p(1), c(1);
  std::vector<int32_t> f(1);
  ASSERT_TRUE(ExplainChurn(m, MatrixView{x, 1, 6, true}, DefaultChurnReasonRules(m.feature_names),
                           1, absl::MakeSpan(p), absl::MakeSpan(f), absl::MakeSpan(c))
                  .ok());
  EXPECT_EQ(f[0], 0);
  EXPECT_NEAR(c[0], 0.2, 1e-15);
  // For a detractor the same column's negative contribution stays in the
  // sum: score 3, lowest 3 nets 0.3 * (3 - 7) - 0.2 * (3 - 6) = -0.6.
  const std::vector<double> d = {3, 3, 3, 1, 0, 0};
  ASSERT_TRUE(ExplainChurn(m, MatrixView{d, 1, 6, true}, DefaultChurnReasonRules(m.feature_names),
                           1, absl::MakeSpan(p), absl::MakeSpan(f), absl::MakeSpan(c))
                  .ok());
  EXPECT_EQ(f[0], -1);
}

TEST(ChurnReasons, BadRulesAreErrors) {
  const ChurnModel m = HandModel();
  std::vector<ChurnReasonRule> rules(5);
  std::vector<double> p(3), c(3);
  std::vector<int32_t> f(3);
  const MatrixView X{kRows, 3, 6, true};
  absl::Status st = ExplainChurn(m, X, rules, 1, absl::MakeSpan(p), absl::MakeSpan(f),
                                 absl::MakeSpan(c));
  EXPECT_NE(st.message().find("rules has 5 entries"), absl::string_view::npos) << st;
  rules.resize(6);
  rules[2].direction = 2;
  st = ExplainChurn(m, X, rules, 1, absl::MakeSpan(p), absl::MakeSpan(f), absl::MakeSpan(c));
  EXPECT_NE(st.message().find("min_score"), absl::string_view::npos) << st;
  rules[2].direction = 0;
  rules[1].when_column = 6;
  st = ExplainChurn(m, X, rules, 1, absl::MakeSpan(p), absl::MakeSpan(f), absl::MakeSpan(c));
  EXPECT_NE(st.message().find("when_column 6"), absl::string_view::npos) << st;
}

}  // namespace
}  // namespace npscore
