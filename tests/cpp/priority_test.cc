#include "npscore/priority.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace npscore {
namespace {

constexpr int64_t kHour = 3600LL * 1000000000LL;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Recoverability, DefaultCurvePassesThroughDomainAnchors) {
  auto r = Recoverability::Create();
  ASSERT_TRUE(r.ok()) << r.status();
  // DOMAIN.md §5: ~65% within 1 hour, ~40% at 24 hours, < 10% after 72 hours.
  EXPECT_DOUBLE_EQ((*r)(0), 0.65);
  EXPECT_DOUBLE_EQ((*r)(0.5), 0.65);
  EXPECT_DOUBLE_EQ((*r)(1), 0.65);
  EXPECT_DOUBLE_EQ((*r)(24), 0.40);
  EXPECT_DOUBLE_EQ((*r)(72), 0.10);
  EXPECT_LT((*r)(72.01), 0.10);
  EXPECT_DOUBLE_EQ((*r)(168), 0.05);
  EXPECT_DOUBLE_EQ((*r)(10000), 0.05);  // the floor
}

TEST(Recoverability, MatchesScipyPchipBetweenAnchors) {
  // scipy.interpolate.PchipInterpolator(log1p(hours), probability), the
  // default anchors, evaluated at log1p(h).
  auto r = Recoverability::Create();
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR((*r)(2), 0.6412814023107571, 1e-12);
  EXPECT_NEAR((*r)(6), 0.575452341962279, 1e-12);
  EXPECT_NEAR((*r)(12), 0.49773642602930573, 1e-12);
  EXPECT_NEAR((*r)(48), 0.19415207799144113, 1e-12);
  EXPECT_NEAR((*r)(100), 0.07166196810523849, 1e-12);
}

TEST(Recoverability, MonotoneOnAFineGrid) {
  auto r = Recoverability::Create();
  ASSERT_TRUE(r.ok());
  double prev = (*r)(0);
  for (double h = 0.01; h < 400; h += 0.01) {
    const double v = (*r)(h);
    ASSERT_LE(v, prev + 1e-15) << h;
    prev = v;
  }
}

TEST(Recoverability, CustomAnchorsAndShapes) {
  RecoveryCurve one;
  one.hours = {5};
  one.probability = {0.3};
  auto r1 = Recoverability::Create(one);
  ASSERT_TRUE(r1.ok());
  EXPECT_DOUBLE_EQ((*r1)(0), 0.3);
  EXPECT_DOUBLE_EQ((*r1)(50), 0.3);
  RecoveryCurve two;
  two.hours = {0, std::exp(1.0) - 1};  // log1p: 0 and 1, linear between
  two.probability = {0.8, 0.4};
  auto r2 = Recoverability::Create(two);
  ASSERT_TRUE(r2.ok());
  EXPECT_NEAR((*r2)(std::exp(0.5) - 1), 0.6, 1e-12);
  EXPECT_DOUBLE_EQ((*r2)(100), 0.4);
  EXPECT_TRUE(std::isnan((*r2)(kNaN)));
}

TEST(Recoverability, BadCurvesAreErrors) {
  auto bad = [](std::vector<double> h, std::vector<double> p) {
    RecoveryCurve c;
    c.hours = std::move(h);
    c.probability = std::move(p);
    return ValidateRecoveryCurve(c);
  };
  EXPECT_FALSE(bad({}, {}).ok());
  EXPECT_NE(bad({0, 1}, {0.5}).message().find("2 hours but 1"), std::string::npos);
  EXPECT_NE(bad({-1}, {0.5}).message().find("hours -1"), std::string::npos);
  EXPECT_NE(bad({0}, {1.5}).message().find("probability 1.5"), std::string::npos);
  EXPECT_NE(bad({0, 0}, {0.5, 0.4}).message().find("strictly increasing"), std::string::npos);
  EXPECT_NE(bad({0, 1}, {0.4, 0.5}).message().find("must not rise"), std::string::npos);
  EXPECT_FALSE(bad({0, kNaN}, {0.5, 0.4}).ok());
  auto at = RecoverabilityAt(std::vector<double>{1, -2});
  ASSERT_FALSE(at.ok());
  EXPECT_NE(at.status().message().find("row 1 is -2"), std::string::npos);
}

// A hand-checked queue on a curve with exact values: 1 up to 1 h, 0.5 at 24 h,
// 0.25 from 72 h.
struct HandQueue {
  std::vector<double> risk{0.5, 0.25, 1.0, 0.9, 0.5, 0.5, 0.1};
  std::vector<double> clv{1300, 1000, 650, 200, 650, 650, 100};
  std::vector<int8_t> seg{-1, 0, 1, -1, kNoSegment, 0, 1};
  std::vector<int64_t> at;
  int64_t now = 1000 * kHour;
  PriorityOptions opt;
  HandQueue() {
    // hours since: 72, 0.5, 24, 0, 24, 24, 200
    at = {now - 72 * kHour, now - kHour / 2, now - 24 * kHour, now, now - 24 * kHour,
          now - 24 * kHour, now - 200 * kHour};
    opt.recovery.hours = {0, 1, 24, 72};
    opt.recovery.probability = {1.0, 1.0, 0.5, 0.25};
  }
  PriorityInput input() const { return {risk, clv, seg, at, now}; }
};

TEST(Prioritize, HandCheckedRanking) {
  HandQueue h;
  auto q = Prioritize(h.input(), h.opt);
  ASSERT_TRUE(q.ok()) << q.status();
  // priorities: r0 650*0.25 = 162.5; r1 250*1 = 250; r2 650*0.5 = 325;
  // r3 180*1 = 180; r4 325*0.5 = 162.5; r5 162.5; r6 10*0.25 = 2.5.
  // r0, r4, r5 tie at 162.5: r0 has more at risk (650); r4 and r5 tie on
  // risk and deadline: row order.
  EXPECT_EQ(q->row, (std::vector<int64_t>{2, 1, 3, 0, 4, 5, 6}));
  EXPECT_DOUBLE_EQ(q->expected_recoverable[0], 325);
  EXPECT_DOUBLE_EQ(q->revenue_at_risk[3], 650);
  EXPECT_DOUBLE_EQ(q->recoverability[3], 0.25);
  EXPECT_DOUBLE_EQ(q->hours_since_response[1], 0.5);
  EXPECT_EQ(q->deadline[0], h.now - 24 * kHour + 24 * kHour);
  // Overdue: more than 24 h since the answer (rows 0 and 6); at exactly 24 h
  // the deadline is now: not yet overdue.
  EXPECT_EQ(q->overdue, (std::vector<uint8_t>{0, 0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(q->segment[0], 1);
  EXPECT_DOUBLE_EQ(q->total_revenue_at_risk, 650 + 250 + 650 + 180 + 325 + 325 + 10);
  EXPECT_EQ(q->n_rows, 7);
}

TEST(Prioritize, DeadlineBreaksTiesOfEqualRisk) {
  // Same risk, both in the flat first hour: the earlier answer goes first.
  std::vector<double> risk{0.5, 0.5}, clv{100, 100};
  const int64_t now = 10 * kHour;
  std::vector<int64_t> at{now - kHour / 4, now - kHour / 2};
  auto q = Prioritize({risk, clv, {}, at, now});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->row, (std::vector<int64_t>{1, 0}));
}

TEST(Prioritize, TopKEqualsTheHeadOfTheFullRankingOnAnyThreads) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  const size_t n = 50000;
  std::vector<double> risk(n), clv(n);
  std::vector<int64_t> at(n);
  const int64_t now = 500 * kHour;
  for (size_t i = 0; i < n; ++i) {
    risk[i] = std::round(u(rng) * 20) / 20;  // many ties
    clv[i] = std::round(u(rng) * 10) * 100;
    at[i] = now - static_cast<int64_t>(std::round(u(rng) * 100)) * kHour;
  }
  PriorityOptions all;
  all.threads = 1;
  auto full = Prioritize({risk, clv, {}, at, now}, all);
  ASSERT_TRUE(full.ok());
  for (int threads : {1, 2, 3}) {
    for (int64_t top : {0, 1, 10, 1000, 60000}) {
      PriorityOptions o;
      o.threads = threads;
      o.top = top;
      auto q = Prioritize({risk, clv, {}, at, now}, o);
      ASSERT_TRUE(q.ok());
      const size_t m = std::min<size_t>(n, static_cast<size_t>(top));
      ASSERT_EQ(q->size(), m);
      for (size_t k = 0; k < m; ++k) ASSERT_EQ(q->row[k], full->row[k]) << threads << " " << top << " " << k;
    }
  }
  // The full ranking is sorted by priority.
  for (size_t k = 1; k < n; ++k) ASSERT_GE(full->expected_recoverable[k - 1], full->expected_recoverable[k]);
}

TEST(Prioritize, AssignmentRespectsCapacity) {
  HandQueue h;
  h.opt.capacities = {2, 3, 0};
  auto q = Prioritize(h.input(), h.opt);
  ASSERT_TRUE(q.ok());
  // Most capacity left first, first-listed on ties: 1(3) 0(2)->(2,2) 0 ... :
  // k0 -> owner1 (3->2); k1 -> owner0 (2 vs 2: first listed; 2->1);
  // k2 -> owner1 (2->1); k3 -> owner0 (1 vs 1 -> 0); k4 -> owner1 (->0).
  EXPECT_EQ(q->owner, (std::vector<int32_t>{1, 0, 1, 0, 1, -1, -1}));
}

TEST(Prioritize, WithoutTimesNoDiscount) {
  std::vector<double> risk{0.1, 0.2}, clv{100, 100};
  auto q = Prioritize({risk, clv});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->row, (std::vector<int64_t>{1, 0}));
  EXPECT_DOUBLE_EQ(q->recoverability[0], 1.0);
  EXPECT_TRUE(std::isnan(q->hours_since_response[0]));
  EXPECT_EQ(q->overdue[0], 0);
  EXPECT_EQ(q->segment[0], kNoSegment);
}

TEST(Prioritize, BadInputNamesRowAndValue) {
  auto msg = [](PriorityInput in, PriorityOptions o = {}) {
    auto q = Prioritize(in, o);
    return q.ok() ? std::string("ok") : std::string(q.status().message());
  };
  std::vector<double> risk{0.1, 1.5}, clv{1, 2};
  EXPECT_NE(msg({risk, clv}).find("churn_risk at row 1 is 1.5"), std::string::npos);
  std::vector<double> risk_nan{0.1, kNaN};
  EXPECT_NE(msg({risk_nan, clv}).find("churn_risk at row 1 is NaN"), std::string::npos);
  std::vector<double> ok_risk{0.1, 0.2}, neg{1, -3}, nan_clv{kNaN, 1};
  EXPECT_NE(msg({ok_risk, neg}).find("clv at row 1 is -3"), std::string::npos);
  EXPECT_NE(msg({ok_risk, nan_clv}).find("clv at row 0 is NaN"), std::string::npos);
  std::vector<double> short_clv{1};
  EXPECT_NE(msg({ok_risk, short_clv}).find("clv has 1 rows"), std::string::npos);
  std::vector<int64_t> nat{0, INT64_MIN};
  EXPECT_NE(msg({ok_risk, clv, {}, nat, 5}).find("responded_at at row 1 is missing (NaT)"), std::string::npos);
  std::vector<int64_t> late{0, 9};
  EXPECT_NE(msg({ok_risk, clv, {}, late, 5}).find("responded_at at row 1 is 9 ns, after now"), std::string::npos);
  std::vector<int8_t> seg{0, 5};
  EXPECT_NE(msg({ok_risk, clv, seg}).find("segment at row 1 is 5"), std::string::npos);
  PriorityOptions o;
  o.sla_hours = 0;
  EXPECT_NE(msg({ok_risk, clv}, o).find("sla_hours is 0"), std::string::npos);
  o = {};
  o.capacities = {1, -1};
  EXPECT_NE(msg({ok_risk, clv}, o).find("capacity of owner 1 is -1"), std::string::npos);
  o = {};
  o.recovery.probability = {0.5};
  EXPECT_NE(msg({ok_risk, clv}, o).find("hours but 1 probabilities"), std::string::npos);
  o = {};
  o.threads = -1;
  EXPECT_NE(msg({ok_risk, clv}, o).find("threads is -1"), std::string::npos);
}

TEST(Prioritize, Plays) {
  EXPECT_STREQ(PlayName(-1), "recover");
  EXPECT_STREQ(PlayName(0), "make_it_a_10");
  EXPECT_STREQ(PlayName(1), "advocacy");
  EXPECT_STREQ(PlayName(kNoSegment), "");
  EXPECT_NE(std::string(PlayScript(0)).find("What would make it a 10?"), std::string::npos);
  EXPECT_NE(std::string(PlayScript(-1)).find("close the loop"), std::string::npos);
  EXPECT_STREQ(PlayScript(3), "");
}

TEST(RevenueAtRisk, SumsByGroup) {
  std::vector<double> risk{0.5, 0.25, 1.0, 0.0}, clv{100, 400, 10, 50};
  std::vector<int32_t> codes{0, 1, 0, -1};
  auto t = RevenueAtRisk(risk, clv, codes, 3);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->customers, (std::vector<int64_t>{2, 1, 0}));
  EXPECT_DOUBLE_EQ(t->revenue_at_risk[0], 60);
  EXPECT_DOUBLE_EQ(t->revenue_at_risk[1], 100);
  EXPECT_DOUBLE_EQ(t->clv[0], 110);
  EXPECT_DOUBLE_EQ(t->mean_churn_risk[0], 0.75);
  EXPECT_TRUE(std::isnan(t->mean_churn_risk[2]));
  EXPECT_DOUBLE_EQ(t->total_revenue_at_risk, 160);
  auto all = RevenueAtRisk(risk, clv, {}, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_DOUBLE_EQ(all->revenue_at_risk[0], 160);
  std::vector<int32_t> bad{0, 7, 0, 0};
  EXPECT_NE(RevenueAtRisk(risk, clv, bad, 3).status().message().find("group code at row 1 is 7"),
            std::string::npos);
  std::vector<double> bad_risk{0.5, -0.1, 0, 0};
  EXPECT_NE(RevenueAtRisk(bad_risk, clv, codes, 3).status().message().find("churn_risk at row 1 is -0.1"),
            std::string::npos);
}

}  // namespace
}  // namespace npscore
