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
  // docs/sources.md §5: ~65% within 1 hour, ~40% at 24 hours, < 10% after 72 hours.
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

// A hand-checked queue on a curve with anchors every 24 h, so that every
// hours-since-answer and hours + 24 below falls on an anchor: r(0) = 1,
// r(24) = 0.5, r(48) = 0.3, r(72) = 0.25; window 72 h (the last anchor);
// urgency r(h) - r(h + 24): 0.5 at 0 h, 0.2 at 24 h, 0.05 at 48 h.
struct HandQueue {
  //                        0     1     2    3    4          5    6    7     8     9
  std::vector<double> risk{0.5, 0.25, 1.0, 0.9, 0.5, 0.5, 0.1, 0.2, 1.0, 0.4};
  std::vector<double> clv{1300, 1000, 650, 200, 650, 650, 100, 1000, 5000, 1000};
  std::vector<int8_t> seg{-1, 0, 1, -1, kNoSegment, 0, 1, -1, -1, -1};
  std::vector<int64_t> at, contacted;
  std::vector<uint8_t> closed{0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
  int64_t now = 1000 * kHour;
  PriorityOptions opt;
  HandQueue() {
    at = {now - 48 * kHour, now, now - 24 * kHour, now, now - 24 * kHour,
          now - 24 * kHour, now - 200 * kHour, now - 30 * kHour, now - 100 * kHour,
          now - 80 * kHour};
    contacted.assign(10, INT64_MIN);
    contacted[3] = now + kHour;       // after now: not yet made (a replay)
    contacted[7] = now - 28 * kHour;  // 2 h after the answer: within the 24 h SLA
    opt.recovery.hours = {0, 24, 48, 72};
    opt.recovery.probability = {1.0, 0.5, 0.3, 0.25};
  }
  PriorityInput input() const {
    PriorityInput in{risk, clv, seg, at, now};
    in.contacted_at = contacted;
    in.closed = closed;
    return in;
  }
};

TEST(Prioritize, HandCheckedQueuesPerPlay) {
  HandQueue h;
  auto q = Prioritize(h.input(), h.opt);
  ASSERT_TRUE(q.ok()) << q.status();
  // Live, open cases by play. recover: r3 180 x 0.5 = 90, r0 650 x 0.05 =
  // 32.5 (r7 contacted, r8 closed, r9 80 h old: missed). make_it_a_10: r1
  // 250 x 0.5 = 125, r5 325 x 0.2 = 65. advocacy: r2 by CLV 650 (r6 200 h
  // old: missed). No segment: r4 325 x 0.2 = 65.
  EXPECT_EQ(q->row, (std::vector<int64_t>{3, 0, 1, 5, 2, 4}));
  EXPECT_DOUBLE_EQ(q->priority[0], 90);
  EXPECT_DOUBLE_EQ(q->priority[1], 32.5);
  EXPECT_DOUBLE_EQ(q->urgency[1], 0.05);
  EXPECT_DOUBLE_EQ(q->recoverability[1], 0.3);
  EXPECT_DOUBLE_EQ(q->expected_recoverable[1], 195);
  EXPECT_DOUBLE_EQ(q->revenue_at_risk[1], 650);
  EXPECT_DOUBLE_EQ(q->priority[2], 125);
  EXPECT_DOUBLE_EQ(q->priority[3], 65);
  EXPECT_DOUBLE_EQ(q->priority[4], 650);  // the promoter's CLV
  EXPECT_TRUE(std::isnan(q->recoverability[4]));
  EXPECT_TRUE(std::isnan(q->expected_recoverable[4]));
  EXPECT_DOUBLE_EQ(q->priority[5], 65);
  // Deadlines by play: 24 h, 72 h, 7 days after the answer.
  EXPECT_EQ(q->deadline[1], h.now - 48 * kHour + 24 * kHour);
  EXPECT_EQ(q->deadline[3], h.now - 24 * kHour + 72 * kHour);
  EXPECT_EQ(q->deadline[4], h.now - 24 * kHour + 168 * kHour);
  // Overdue: only r0 (48 h, 24 h SLA); r4 is exactly at its deadline.
  EXPECT_EQ(q->overdue, (std::vector<uint8_t>{0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(q->segment[4], 1);
  // The missed list by revenue at risk: r9 (400), r6 (10).
  EXPECT_EQ(q->missed_row, (std::vector<int64_t>{9, 6}));
  EXPECT_EQ(q->missed_segment, (std::vector<int8_t>{-1, 1}));
  EXPECT_DOUBLE_EQ(q->missed_revenue_at_risk[0], 400);
  EXPECT_DOUBLE_EQ(q->window_hours, 72);
  EXPECT_EQ(q->queued[0], 2);
  EXPECT_EQ(q->queued[1], 2);
  EXPECT_EQ(q->queued[2], 1);
  EXPECT_EQ(q->queued[3], 1);
  EXPECT_EQ(q->contacted[0], 1);
  EXPECT_EQ(q->closed[0], 1);
  EXPECT_EQ(q->missed[0], 1);
  EXPECT_EQ(q->missed[2], 1);
  // Detractors due: r0 and r9 (past the deadline), r7 (contacted); r3's
  // deadline is ahead, r8 is closed. Within the SLA: r7.
  EXPECT_EQ(q->detractors_due, 3);
  EXPECT_EQ(q->detractors_within_sla, 1);
  EXPECT_DOUBLE_EQ(q->total_revenue_at_risk,
                   650 + 250 + 650 + 180 + 325 + 325 + 10 + 200 + 5000 + 400);
  EXPECT_EQ(q->n_rows, 10);

  // top limits each play's queue.
  PriorityOptions one = h.opt;
  one.top = 1;
  auto t = Prioritize(h.input(), one);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->row, (std::vector<int64_t>{3, 1, 2, 4}));
  EXPECT_EQ(t->queued[0], 2);  // counted before the cut

  // Per-play SLAs and the window are options.
  PriorityOptions o = h.opt;
  o.sla_hours = 72;
  o.passive_sla_hours = 12;
  o.window_hours = 1e6;
  auto w = Prioritize(h.input(), o);
  ASSERT_TRUE(w.ok());
  // r9 (80 h, urgency r(80) - r(104) = 0) and r6 are live again; r0 is no
  // longer overdue; r9 (80 h > 72 h), the passive r5 (24 h > 12 h) and the
  // promoter r6 (200 h > 168 h) are.
  EXPECT_EQ(w->row, (std::vector<int64_t>{3, 0, 9, 1, 5, 2, 6, 4}));
  EXPECT_EQ(w->overdue, (std::vector<uint8_t>{0, 0, 1, 0, 1, 0, 1, 0}));
  EXPECT_TRUE(w->missed_row.empty());
}

// The value of acting now rather than a day later, on the default curve:
// equal value, the fresher answer first; a stale answer at the floor is not
// queued at all but missed, although its floor recoverability (5%) times a
// large value would have ranked it first by expected recoverable revenue.
TEST(Prioritize, UrgencyOnTheDefaultCurve) {
  std::vector<double> risk{0.5, 0.5, 0.5, 0.5}, clv{1000, 1000, 100000, 1000};
  std::vector<int8_t> seg{-1, -1, -1, -1};
  const int64_t now = 1000 * kHour;
  std::vector<int64_t> at{now - 30 * kHour, now - 2 * kHour, now - 200 * kHour, now - 167 * kHour};
  auto q = Prioritize({risk, clv, seg, at, now});
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->row, (std::vector<int64_t>{1, 0, 3}));
  auto r = Recoverability::Create();
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(q->urgency[0], (*r)(2) - (*r)(26));
  EXPECT_DOUBLE_EQ(q->priority[0], 500 * ((*r)(2) - (*r)(26)));
  // 167 h: r(167) - r(191) = r(167) - 0.05, above 0 but tiny.
  EXPECT_GT(q->urgency[2], 0);
  EXPECT_LT(q->urgency[2], 1e-3);
  EXPECT_EQ(q->missed_row, (std::vector<int64_t>{2}));
  EXPECT_DOUBLE_EQ(q->window_hours, 168);
}

TEST(Prioritize, DeadlineBreaksTiesOfEqualRisk) {
  // A flat curve: equal urgency (0), equal risk: the earlier answer first.
  std::vector<double> risk{0.5, 0.5}, clv{100, 100};
  const int64_t now = 10 * kHour;
  std::vector<int64_t> at{now - kHour / 4, now - kHour / 2};
  PriorityOptions o;
  o.recovery.hours = {0};
  o.recovery.probability = {0.5};
  auto q = Prioritize({risk, clv, {}, at, now}, o);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->row, (std::vector<int64_t>{1, 0}));
  EXPECT_TRUE(std::isinf(q->window_hours));  // one anchor: no window
}

TEST(Prioritize, TopKEqualsTheHeadOfTheFullRankingOnAnyThreads) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  const size_t n = 50000;
  std::vector<double> risk(n), clv(n);
  std::vector<int64_t> at(n);
  std::vector<int8_t> seg(n);
  const int64_t now = 500 * kHour;
  for (size_t i = 0; i < n; ++i) {
    risk[i] = std::round(u(rng) * 20) / 20;  // many ties
    clv[i] = std::round(u(rng) * 10) * 100;
    at[i] = now - static_cast<int64_t>(std::round(u(rng) * 100)) * kHour;
    seg[i] = static_cast<int8_t>(std::floor(u(rng) * 3)) - 1;
  }
  PriorityOptions all;
  all.threads = 1;
  auto full = Prioritize({risk, clv, seg, at, now}, all);
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->size(), n);  // every answer is inside the 168 h window
  for (int threads : {1, 2, 3}) {
    for (int64_t top : {1, 10, 1000, 60000}) {
      PriorityOptions o;
      o.threads = threads;
      o.top = top;
      auto q = Prioritize({risk, clv, seg, at, now}, o);
      ASSERT_TRUE(q.ok());
      // The head of each play's block of the full ranking.
      std::vector<int64_t> want;
      int64_t in_play = 0;
      for (size_t k = 0; k < n; ++k) {
        in_play = (k > 0 && full->segment[k] == full->segment[k - 1]) ? in_play + 1 : 0;
        if (in_play < top) want.push_back(full->row[k]);
      }
      ASSERT_EQ(q->row, want) << threads << " " << top;
    }
  }
  // Plays in order, each sorted by priority.
  for (size_t k = 1; k < n; ++k) {
    ASSERT_LE(full->segment[k - 1] == 1 ? 2 : full->segment[k - 1] + 1,
              full->segment[k] == 1 ? 2 : full->segment[k] + 1);
    if (full->segment[k - 1] == full->segment[k]) ASSERT_GE(full->priority[k - 1], full->priority[k]);
  }
}

TEST(Prioritize, AssignmentRespectsCapacity) {
  HandQueue h;
  h.opt.capacities = {2, 3, 0};
  auto q = Prioritize(h.input(), h.opt);
  ASSERT_TRUE(q.ok());
  // Most capacity left first, first-listed on ties: 1(3) 0(2)->(2,2) 0 ... :
  // k0 -> owner1 (3->2); k1 -> owner0 (2 vs 2: first listed; 2->1);
  // k2 -> owner1 (2->1); k3 -> owner0 (1 vs 1 -> 0); k4 -> owner1 (->0).
  EXPECT_EQ(q->owner, (std::vector<int32_t>{1, 0, 1, 0, 1, -1}));
}

TEST(Prioritize, WithoutTimesNoDiscount) {
  std::vector<double> risk{0.1, 0.2, 0.01}, clv{100, 100, 5000};
  std::vector<int8_t> seg{-1, -1, 1};
  auto q = Prioritize({risk, clv, seg});
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->row, (std::vector<int64_t>{1, 0, 2}));
  EXPECT_DOUBLE_EQ(q->recoverability[0], 1.0);
  EXPECT_DOUBLE_EQ(q->priority[0], 20);
  EXPECT_DOUBLE_EQ(q->priority[2], 5000);
  EXPECT_TRUE(std::isnan(q->recoverability[2]));
  EXPECT_TRUE(std::isnan(q->hours_since_response[0]));
  EXPECT_EQ(q->overdue[0], 0);
  EXPECT_TRUE(q->missed_row.empty());
  auto plain = Prioritize({risk, clv});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->segment[0], kNoSegment);
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
  o.passive_sla_hours = kNaN;
  EXPECT_NE(msg({ok_risk, clv}, o).find("passive_sla_hours is NaN"), std::string::npos);
  o = {};
  o.urgency_hours = -1;
  EXPECT_NE(msg({ok_risk, clv}, o).find("urgency_hours is -1"), std::string::npos);
  o = {};
  o.window_hours = 0;
  EXPECT_NE(msg({ok_risk, clv}, o).find("window_hours is 0"), std::string::npos);
  {
    std::vector<int64_t> at{0, 2}, early{INT64_MIN, 1};
    PriorityInput in{ok_risk, clv, {}, at, 5};
    in.contacted_at = early;
    EXPECT_NE(msg(in).find("contacted_at at row 1 is 1 ns, before responded_at (2 ns)"),
              std::string::npos);
    PriorityInput untimed{ok_risk, clv};
    untimed.contacted_at = early;
    EXPECT_NE(msg(untimed).find("contacted_at needs responded_at"), std::string::npos);
    std::vector<uint8_t> short_closed{0};
    in.contacted_at = {};
    in.closed = short_closed;
    EXPECT_NE(msg(in).find("closed has 1 rows"), std::string::npos);
  }
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

// Sizes a caller can set to anything: top 0 or below -1 (only -1 means
// "every customer") and threads above kMaxThreads are errors; a top above
// the rows gives every row.
TEST(Prioritize, SizeOptionBounds) {
  std::vector<double> risk{0.1, 0.2}, clv{1, 2};
  auto run = [&](PriorityOptions o) { return Prioritize({risk, clv}, o); };
  PriorityOptions o;
  o.top = 0;
  EXPECT_EQ(run(o).status().message(),
            "top is 0: give the queue length (>= 1), or -1 for every customer");
  o.top = -2;
  EXPECT_EQ(run(o).status().message(),
            "top is -2: give the queue length (>= 1), or -1 for every customer");
  o.top = INT64_MAX;
  auto all = run(o);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  o = {};
  o.threads = 2147483647;
  EXPECT_EQ(run(o).status().message(),
            "threads is 2147483647: use 0 (automatic) or 1..256 (kMaxThreads)");
  o.threads = kMaxThreads;  // more threads than rows: no thread without work
  ASSERT_TRUE(run(o).ok());
  EXPECT_EQ(run(o)->row, (std::vector<int64_t>{1, 0}));
}

// A curve of many anchors is evaluated by binary search: equal to the linear
// definition at every anchor and between them, and fast on many rows.
TEST(Recoverability, ManyAnchors) {
  RecoveryCurve c;
  c.hours.clear();
  c.probability.clear();
  for (int k = 0; k < 100000; ++k) {
    c.hours.push_back(k);
    c.probability.push_back(1.0 - k / 200000.0);
  }
  auto r = Recoverability::Create(c);
  ASSERT_TRUE(r.ok());
  for (int k = 0; k < 100000; k += 997) {
    EXPECT_DOUBLE_EQ((*r)(k), 1.0 - k / 200000.0) << k;
    const double mid = (*r)(k + 0.5);
    EXPECT_LE(mid, 1.0 - k / 200000.0);
    EXPECT_GE(mid, 1.0 - (k + 1) / 200000.0);
  }
  std::vector<double> hours(200000);
  for (size_t i = 0; i < hours.size(); ++i) hours[i] = static_cast<double>(i % 100000) + 0.25;
  auto at = RecoverabilityAt(hours, c);  // 2e5 rows x 1e5 anchors: instant, not 2e10 steps
  ASSERT_TRUE(at.ok());
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
  // n_groups sizes the table whatever the rows: bounded, and named.
  EXPECT_EQ(RevenueAtRisk(risk, clv, codes, kMaxRiskGroups + 1).status().message(),
            "n_groups is 67108865: it must be in 0..67108864 (kMaxRiskGroups)");
  EXPECT_EQ(RevenueAtRisk(risk, clv, codes, -1).status().message(),
            "n_groups is -1: it must be in 0..67108864 (kMaxRiskGroups)");
}

}  // namespace
}  // namespace npscore
