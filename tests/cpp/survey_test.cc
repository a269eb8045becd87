// Tests of npscore/survey.h: cohort hashes pinned to values computed by hand
// once (the same in tests/capi/survey_capi_test.c and
// tests/python/test_survey.py), each invitation rule, hand-derived Wald sample
// sizes, the exact binomial search, and the plans checked against simulation.

#include "npscore/survey.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "npscore/health.h"
#include "npscore/nps.h"
#include "src/internal/splitmix64.h"

namespace npscore {
namespace {

int64_t Nanos(absl::CivilSecond t, absl::string_view zone = "UTC") {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(std::string(zone), &tz));
  return absl::ToUnixNanos(absl::FromCivil(t, tz));
}

constexpr int64_t kDay = 86400LL * 1000000000LL;

// FNV-1a 64 then the SplitMix64 finaliser, computed by hand (a separate
// implementation in Python) for these ids; FNV-1a of "a" alone is the
// published 0xaf63dc4c8601ec8c.
TEST(SurveyIdHash, PinnedValues) {
  EXPECT_EQ(SurveyIdHash(absl::string_view("42")), 0xa428ce5471163b02ull);
  EXPECT_EQ(SurveyIdHash(int64_t{42}), 0xa428ce5471163b02ull);
  EXPECT_EQ(SurveyIdHash(int64_t{-7}), 0x4beb90b267c136e1ull);
  EXPECT_EQ(SurveyIdHash(absl::string_view("customer-1")), 0x2cb00644b7ae349bull);
  EXPECT_EQ(SurveyIdHash(absl::string_view("Zo\xc3\xab")), 0xfb901a3b67663e5eull);  // "Zoë"
  EXPECT_EQ(SurveyIdHash(INT64_MAX), 0x6300418661f0632cull);
  EXPECT_EQ(SurveyIdHash(INT64_MIN), 0x475032746ea8423bull);
  EXPECT_EQ(SurveyIdHash(absl::string_view("a")), 0x02c0bdbf481420f8ull);
}

TEST(SurveyCohorts, ModuloOfTheHash) {
  const std::vector<absl::string_view> ids = {"42", "-7", "customer-1", "Zo\xc3\xab"};
  auto c4 = SurveyCohorts(absl::MakeConstSpan(ids), 4);
  ASSERT_TRUE(c4.ok()) << c4.status();
  EXPECT_EQ(*c4, (std::vector<int32_t>{2, 1, 3, 2}));
  auto c12 = SurveyCohorts(absl::MakeConstSpan(ids), 12);
  ASSERT_TRUE(c12.ok());
  EXPECT_EQ(*c12, (std::vector<int32_t>{6, 1, 3, 10}));
  const std::vector<int64_t> ints = {42, -7};
  EXPECT_EQ(*SurveyCohorts(absl::MakeConstSpan(ints), 4), (std::vector<int32_t>{2, 1}));
  EXPECT_FALSE(SurveyCohorts(absl::MakeConstSpan(ints), 0).ok());
  EXPECT_FALSE(SurveyCohorts(absl::MakeConstSpan(ints), kMaxSurveyCohorts + 1).ok());
  const std::vector<absl::string_view> empty_id = {"a", ""};
  auto bad = SurveyCohorts(absl::MakeConstSpan(empty_id), 4);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("row 1 is missing"), std::string::npos);
}

// Cohorts are balanced: 40,000 ids over 4 cohorts, each within 4 binomial
// standard errors (50) of 10,000.
TEST(SurveyCohorts, Balanced) {
  std::vector<int64_t> ids(40000);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i) + 1000;
  auto c = SurveyCohorts(absl::MakeConstSpan(ids), 4);
  ASSERT_TRUE(c.ok());
  int counts[4] = {0, 0, 0, 0};
  for (int32_t k : *c) ++counts[k];
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(counts[k], 10000, 4 * 86.6) << k;
}

// One customer per rule, chosen so that each rule alone decides; the month
// of as_of is March 2025 (month 662 since 1970-01, cohort 662 mod 4 = 2).
TEST(SurveyInvitations, EachRuleDecides) {
  // Cohorts (mod 4): "42" -> 2, "-7" -> 1, "customer-1" -> 3, "Zoë" -> 2, "a" -> 0.
  const std::vector<absl::string_view> ids = {"42", "Zo\xc3\xab", "customer-1", "a", "-7"};
  const int64_t as_of = Nanos(absl::CivilSecond(2025, 3, 15, 12, 0, 0));
  InvitationInput in;
  in.string_ids = ids;
  const std::vector<int64_t> last = {kMissingTime, as_of - 89 * kDay, kMissingTime,
                                     as_of - 90 * kDay, kMissingTime};
  const std::vector<uint8_t> churned = {0, 0, 0, 0, 1};
  const std::vector<uint8_t> open = {0, 0, 1, 0, 0};
  in.last_surveyed = last;
  in.churned = churned;
  in.open_case = open;
  in.as_of = as_of;
  auto r = SurveyInvitations(in);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->month, (2025 - 1970) * 12 + 2);
  EXPECT_EQ(r->period_cohort, 2);
  using R = InvitationReason;
  const std::vector<int8_t> want = {
      static_cast<int8_t>(R::kInvited),         // cohort 2, never surveyed
      static_cast<int8_t>(R::kTooRecent),       // cohort 2, surveyed 89 days ago
      static_cast<int8_t>(R::kOpenCase),        // open case (cohort 3 too: the case wins)
      static_cast<int8_t>(R::kNotThisCohort),   // 90 days ago is allowed; cohort 0
      static_cast<int8_t>(R::kChurned)};        // churned
  EXPECT_EQ(r->reason, want);
  EXPECT_EQ(r->cohort, (std::vector<int32_t>{2, 2, 3, 0, 1}));
  EXPECT_EQ(r->counts, (std::array<int64_t, 5>{1, 1, 1, 1, 1}));

  // Each rule can fail: lift it and the customer's reason changes.
  InvitationOptions o;
  o.min_days_between = 89;  // 89 days ago is now enough
  auto r2 = SurveyInvitations(in, o);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->reason[1], static_cast<int8_t>(R::kInvited));
  o.min_days_between = 90.5;  // and 90 days ago is now too recent
  EXPECT_EQ(SurveyInvitations(in, o)->reason[3], static_cast<int8_t>(R::kTooRecent));
  in.churned = {};
  in.open_case = {};
  auto r3 = SurveyInvitations(in);
  EXPECT_EQ(r3->reason[4], static_cast<int8_t>(R::kNotThisCohort));  // cohort 1
  EXPECT_EQ(r3->reason[2], static_cast<int8_t>(R::kNotThisCohort));  // cohort 3
  // A month later the cohort moves on: "a" (cohort 0)... April is 663 -> 3.
  in.as_of = Nanos(absl::CivilSecond(2025, 4, 2, 0, 0, 0));
  auto r4 = SurveyInvitations(in);
  EXPECT_EQ(r4->period_cohort, 3);
  EXPECT_EQ(r4->reason[2], static_cast<int8_t>(R::kInvited));
  EXPECT_EQ(r4->reason[0], static_cast<int8_t>(R::kNotThisCohort));
}

// The month is the zone's: 2025-03-31 23:30 UTC is already April in Berlin.
TEST(SurveyInvitations, MonthInTheTimeZone) {
  const std::vector<int64_t> ids = {42};
  InvitationInput in;
  in.ids = ids;
  in.as_of = Nanos(absl::CivilSecond(2025, 3, 31, 23, 30, 0));
  EXPECT_EQ(SurveyInvitations(in)->period_cohort, 2);
  InvitationOptions o;
  o.time_zone = "Europe/Berlin";
  auto r = SurveyInvitations(in, o);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->month, (2025 - 1970) * 12 + 3);
  EXPECT_EQ(r->period_cohort, 3);
  // Before 1970 the month index is negative and the cohort still in 0..3.
  in.as_of = Nanos(absl::CivilSecond(1969, 11, 1, 0, 0, 0));
  EXPECT_EQ(SurveyInvitations(in)->month, -2);
  EXPECT_EQ(SurveyInvitations(in)->period_cohort, 2);
}

TEST(SurveyInvitations, BadInput) {
  const std::vector<int64_t> ids = {5, 9, 5};
  InvitationInput in;
  in.ids = ids;
  in.as_of = 0;
  auto dup = SurveyInvitations(in);
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("customer id 5 appears at rows 0 and 2"),
            std::string::npos)
      << dup.status();
  const std::vector<absl::string_view> sids = {"x", "y", "y"};
  InvitationInput s;
  s.string_ids = sids;
  auto sdup = SurveyInvitations(s);
  EXPECT_NE(sdup.status().message().find("customer id \"y\" appears at rows 1 and 2"),
            std::string::npos)
      << sdup.status();
  const std::vector<int64_t> ok_ids = {1, 2};
  in.ids = ok_ids;
  const std::vector<int64_t> future = {kMissingTime, kDay};
  in.last_surveyed = future;
  EXPECT_NE(SurveyInvitations(in).status().message().find("last_surveyed at row 1"),
            std::string::npos);
  in.last_surveyed = {};
  const std::vector<uint8_t> short_col = {1};
  in.churned = short_col;
  EXPECT_NE(SurveyInvitations(in).status().message().find("churned has 1 entries"),
            std::string::npos);
  in.churned = {};
  InvitationOptions o;
  o.min_days_between = -1;
  EXPECT_FALSE(SurveyInvitations(in, o).ok());
  o.min_days_between = std::nan("");
  EXPECT_FALSE(SurveyInvitations(in, o).ok());
  o = {};
  o.time_zone = "../etc/passwd";
  EXPECT_FALSE(SurveyInvitations(in, o).ok());
  in.as_of = kMissingTime;
  EXPECT_FALSE(SurveyInvitations(in).ok());
}

// --- Planning -------------------------------------------------------------------

// n = ceil(z^2 V 10^4 / m^2), V = p + d - (p - d)^2, by hand:
//   (0.2, 0.3, 0.5), m 5:  1.959964^2 x 0.61 x 400   = 937.316 -> 938
//   (0.1, 0.2, 0.7), m 3:  1.959964^2 x 0.44 x 1111.1 = 1878.05 -> 1879
//   (0.3, 0.4, 0.3), m 10: 1.959964^2 x 0.60 x 100   = 230.49 -> 231
TEST(ResponsesNeeded, WaldByHand) {
  const IntervalOptions wald{IntervalMethod::kWald, 0.95};
  struct Case {
    SegmentShares shares;
    double margin;
    int64_t n;
  } cases[] = {{{0.2, 0.3, 0.5}, 5, 938}, {{0.1, 0.2, 0.7}, 3, 1879}, {{0.3, 0.4, 0.3}, 10, 231}};
  for (const Case& c : cases) {
    auto r = ResponsesNeeded(c.shares, c.margin, wald);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->responses, c.n);
    EXPECT_LE(r->half_width, c.margin);
    const double v = NpsVariance(c.shares.detractors, c.shares.passives, c.shares.promoters);
    const double z = NormalQuantile(0.975);
    EXPECT_NEAR(r->half_width, 100 * z * std::sqrt(v / static_cast<double>(c.n)), 1e-9);
    EXPECT_GT(100 * z * std::sqrt(v / static_cast<double>(c.n - 1)), c.margin);
  }
}

// For every method the plan is the smallest n: n meets the margin, n - 1 not.
TEST(ResponsesNeeded, SmallestForEveryMethod) {
  for (IntervalMethod m :
       {IntervalMethod::kWald, IntervalMethod::kAdjustedWald, IntervalMethod::kScore}) {
    for (double margin : {2.0, 7.5, 20.0}) {
      const SegmentShares s{0.15, 0.35, 0.5};
      const IntervalOptions o{m, 0.9};
      auto r = ResponsesNeeded(s, margin, o);
      ASSERT_TRUE(r.ok()) << r.status();
      const double nps = 35;
      auto hw = [&](int64_t n) {
        const double d = static_cast<double>(n);
        const Interval ci = *NpsInterval(d * 0.15, d * 0.35, d * 0.5, o);
        return std::max(nps - ci.low, ci.high - nps);
      };
      EXPECT_LE(hw(r->responses), margin);
      EXPECT_GT(hw(r->responses - 1), margin) << IntervalMethodName(m) << " " << margin;
    }
  }
}

TEST(ResponsesNeeded, BadInput) {
  EXPECT_FALSE(ResponsesNeeded({0.2, 0.3, 0.6}, 5).ok());   // sums to 1.1
  EXPECT_FALSE(ResponsesNeeded({-0.1, 0.6, 0.5}, 5).ok());  // negative
  EXPECT_FALSE(ResponsesNeeded({0.2, 0.3, 0.5}, 0).ok());
  EXPECT_FALSE(ResponsesNeeded({0.2, 0.3, 0.5}, -1).ok());
  EXPECT_FALSE(ResponsesNeeded({0.2, 0.3, 0.5}, std::nan("")).ok());
  EXPECT_FALSE(ResponsesNeeded({0.2, 0.3, 0.5}, 1e-9).ok());  // beyond kMaxPlannedCount
  auto sum = ResponsesNeeded({0.2, 0.3, 0.6}, 5);
  EXPECT_NE(sum.status().message().find("add up to 1.1"), std::string::npos) << sum.status();
}

TEST(DetectableChange, Formula) {
  // (z_0.975 + z_0.8) x 100 x sqrt(0.61 / 600 x 2) = 12.6330 (by hand).
  auto d = DetectableChange({0.2, 0.3, 0.5}, 600, 600);
  ASSERT_TRUE(d.ok());
  EXPECT_NEAR(*d, 12.633047452288178, 1e-9);
  EXPECT_NEAR(*DetectableChange({0.2, 0.3, 0.5}, 400, 900), 13.148892675535276, 1e-9);
  EXPECT_FALSE(DetectableChange({0.2, 0.3, 0.5}, 0, 10).ok());
  EXPECT_FALSE(DetectableChange({0.2, 0.3, 0.5}, 10, 10, 0.05, 1).ok());
  EXPECT_FALSE(DetectableChange({0.2, 0.3, 0.5}, 10, 10, 0.05, 0).ok());
  EXPECT_FALSE(DetectableChange({0.2, 0.3, 0.5}, 10, 10, 1.5, 0.8).ok());
  EXPECT_FALSE(DetectableChange({0.2, 0.3, 0.5}, 10, 10, 0.5, 0.1).ok());  // z sum <= 0
}

// The binomial tail against sums of exact terms (small n: lgamma is exact
// enough) and closed forms.
TEST(BinomialAtLeast, AgainstDirectSums) {
  for (int64_t n : {1, 5, 20, 60}) {
    for (double p : {0.03, 0.3, 0.5, 0.9}) {
      for (int64_t k = 0; k <= n + 1; ++k) {
        double direct = 0;
        for (int64_t j = k; j <= n; ++j) {
          direct += std::exp(std::lgamma(n + 1.0) - std::lgamma(j + 1.0) -
                             std::lgamma(n - j + 1.0) + j * std::log(p) +
                             (n - j) * std::log1p(-p));
        }
        EXPECT_NEAR(BinomialAtLeast(k, n, p), std::min(direct, 1.0), 1e-12)
            << k << " " << n << " " << p;
      }
    }
  }
  // P(X >= 1) = 1 - q^n and P(X >= n) = p^n for a large n.
  EXPECT_NEAR(BinomialAtLeast(1, 1000000, 1e-6), -std::expm1(1e6 * std::log1p(-1e-6)), 1e-14);
  EXPECT_NEAR(BinomialAtLeast(1000, 1000, 0.5) / std::ldexp(1.0, -1000), 1.0, 1e-12);
}

TEST(InvitationsNeeded, SmallestCount) {
  for (int64_t r : {1, 7, 100, 400, 25000}) {
    for (double rate : {0.05, 0.2, 0.6}) {
      for (double a : {0.5, 0.8, 0.95}) {
        auto n = InvitationsNeeded(r, rate, a);
        ASSERT_TRUE(n.ok()) << n.status();
        EXPECT_GE(BinomialAtLeast(r, *n, rate), a);
        EXPECT_LT(BinomialAtLeast(r, *n - 1, rate), a) << r << " " << rate << " " << a;
      }
    }
  }
  // One response at rate p with assurance a: 1 - (1 - p)^N >= a, by hand:
  // N = ceil(log(1 - a) / log(1 - p)) = ceil(log 0.1 / log 0.8) = ceil(10.32) = 11.
  EXPECT_EQ(*InvitationsNeeded(1, 0.2, 0.9), 11);
  EXPECT_EQ(*InvitationsNeeded(0, 0.2), 0);
  EXPECT_EQ(*InvitationsNeeded(50, 1.0), 50);
  EXPECT_FALSE(InvitationsNeeded(-1, 0.2).ok());
  EXPECT_FALSE(InvitationsNeeded(10, 0).ok());
  EXPECT_FALSE(InvitationsNeeded(10, 1.5).ok());
  EXPECT_FALSE(InvitationsNeeded(10, 0.2, 1).ok());
  EXPECT_FALSE(InvitationsNeeded(10, 0.2, 0).ok());
  EXPECT_FALSE(InvitationsNeeded(kMaxPlannedCount, 1e-6).ok());
}

// --- Checked against simulation ------------------------------------------------------

// Multinomial counts of n respondents with the given shares.
Counts Draw(internal::SplitMix64& rng, int64_t n, const SegmentShares& s) {
  Counts c;
  for (int64_t i = 0; i < n; ++i) {
    const double u = static_cast<double>(rng.Next() >> 11) * 0x1.0p-53;
    if (u < s.detractors) {
      ++c.detractors;
    } else if (u < s.detractors + s.passives) {
      ++c.passives;
    } else {
      ++c.promoters;
    }
  }
  return c;
}

// At the planned n, samples' intervals cover the true NPS at the confidence
// level, and their mean half-width is the planned one, each within 4 Monte
// Carlo standard errors (plus, for the half-width, 1% of the margin: the
// planned one is at the expected counts, the samples' vary around them).
TEST(SurveyPlanSimulation, CoverageAndHalfWidth) {
  const SegmentShares s{0.2, 0.3, 0.5};
  const double margin = 5;
  const int kSims = 2000;
  for (IntervalMethod m :
       {IntervalMethod::kWald, IntervalMethod::kAdjustedWald, IntervalMethod::kScore}) {
    const IntervalOptions o{m, 0.95};
    const ResponsePlan plan = *ResponsesNeeded(s, margin, o);
    internal::SplitMix64 rng(20251205);
    int covered = 0;
    double sum = 0, sum2 = 0;
    for (int k = 0; k < kSims; ++k) {
      const Summary x = *Summarize(Draw(rng, plan.responses, s), o);
      covered += x.ci_low <= 30 && 30 <= x.ci_high;
      const double hw = std::max(x.nps - x.ci_low, x.ci_high - x.nps);
      sum += hw;
      sum2 += hw * hw;
    }
    const double coverage = static_cast<double>(covered) / kSims;
    EXPECT_NEAR(coverage, 0.95, 4 * std::sqrt(0.95 * 0.05 / kSims)) << IntervalMethodName(m);
    const double mean = sum / kSims;
    const double sd = std::sqrt(sum2 / kSims - mean * mean);
    EXPECT_NEAR(mean, plan.half_width, 4 * sd / std::sqrt(kSims) + 0.01 * margin)
        << IntervalMethodName(m) << " n=" << plan.responses;
    EXPECT_LE(plan.half_width, margin);
  }
}

// Two periods of n1 and n2 responses whose NPS differ by the detectable
// change (shares moved by half of it each way from the planning shares): the
// two-sided Wald test rejects with the planned power, within 4 Monte Carlo
// standard errors.
TEST(SurveyPlanSimulation, PowerAtTheDetectableChange) {
  const SegmentShares s{0.2, 0.3, 0.5};
  const int kSims = 2000;
  const CompareOptions wald{IntervalMethod::kWald, 0.95, CompareTest::kAsymptotic};
  for (auto [n1, n2] : {std::pair<int64_t, int64_t>{600, 600}, {400, 900}}) {
    const double delta = *DetectableChange(s, n1, n2, 0.05, 0.8);
    const double shift = delta / 400;  // promoters +shift, detractors -shift: NPS + delta / 2
    const SegmentShares a{s.detractors + shift, s.passives, s.promoters - shift};
    const SegmentShares b{s.detractors - shift, s.passives, s.promoters + shift};
    internal::SplitMix64 rng(77 + n1);
    int rejected = 0;
    for (int k = 0; k < kSims; ++k) {
      const Summary x = *Summarize(Draw(rng, n1, a));
      const Summary y = *Summarize(Draw(rng, n2, b));
      rejected += Compare(y, x, wald)->p_value < 0.05;
    }
    const double power = static_cast<double>(rejected) / kSims;
    EXPECT_NEAR(power, 0.8, 4 * std::sqrt(0.8 * 0.2 / kSims)) << n1 << " " << n2;
  }
}

// Invitations at the planned count reach the responses with the assurance:
// the share of simulated binomial draws at or above the target, within 4
// standard errors.
TEST(SurveyPlanSimulation, InvitationsReachTheTarget) {
  const int kSims = 4000;
  for (double a : {0.5, 0.9}) {
    const int64_t n = *InvitationsNeeded(100, 0.25, a);
    internal::SplitMix64 rng(5);
    int reached = 0;
    for (int k = 0; k < kSims; ++k) {
      int64_t got = 0;
      for (int64_t i = 0; i < n; ++i) got += (rng.Next() >> 11) * 0x1.0p-53 < 0.25;
      reached += got >= 100;
    }
    const double exact = BinomialAtLeast(100, n, 0.25);
    EXPECT_GE(exact, a);
    EXPECT_NEAR(static_cast<double>(reached) / kSims, exact,
                4 * std::sqrt(exact * (1 - exact) / kSims));
  }
}

}  // namespace
}  // namespace npscore
