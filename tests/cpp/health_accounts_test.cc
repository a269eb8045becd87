// Tests of the B2B account roll-up: each method by hand on one small data
// set (expected numbers beside it), revenue weights against a hand Kish
// computation, the segment of the mean score, and the errors.

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/health.h"

namespace npscore {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Four accounts; account 3 has no response. (contact, time, score):
//   account 0: (1, 1, 10), (1, 5, 6), (2, 2, 9), (3, 3, 8), and (1, 9, NaN)
//              skipped: it would be contact 1's latest if it counted
//   account 1: (4, 1, 10), (4, 2, 10), (5, 1, 9)
//   account 2: (6, 1, 0), (7, 1, 7)
//   a row of account -1 (left out).
struct Data {
  std::vector<double> scores = {10, 6, 9, 8, kNaN, 10, 10, 9, 0, 7, 3};
  std::vector<int64_t> accounts = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2, -1};
  std::vector<int64_t> contacts = {1, 1, 2, 3, 1, 4, 4, 5, 6, 7, 8};
  std::vector<int64_t> times = {1, 5, 2, 3, 9, 1, 2, 1, 1, 1, kMissingTime};
};

ScoreOptions Skip() {
  ScoreOptions o;
  o.missing = Missing::kSkip;
  return o;
}

absl::StatusOr<AccountTable> RollUpOf(const Data& d, RollUp how, std::vector<double> weights = {},
                                 double min_n = 1) {
  return AccountNps<double>(d.scores, d.accounts, 4, d.contacts, d.times, how, weights, min_n,
                            Skip(), {IntervalMethod::kWald, 0.95});
}

TEST(AccountNpsTest, Pooled) {
  // Account 0: scores 10, 6, 9, 8 -> d 1, pa 1, pr 2; NPS 25; mean 8.25
  //   (passive). Account 1: 10, 10, 9 -> NPS 100, mean 29/3 (promoter).
  //   Account 2: 0, 7 -> NPS -50, mean 3.5 (detractor).
  // Overall: d 2, pa 2, pr 5 over 9 responses: NPS 100 * 3 / 9.
  auto t = RollUpOf(Data(), RollUp::kPooled);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->responses, (std::vector<int64_t>{4, 3, 2, 0}));
  EXPECT_EQ(t->contacts, (std::vector<int64_t>{3, 2, 2, 0}));
  EXPECT_NEAR(t->mean_score[0], 8.25, 1e-15);
  EXPECT_NEAR(t->mean_score[1], 29.0 / 3, 1e-15);
  EXPECT_NEAR(t->nps[0], 25, 1e-12);
  EXPECT_NEAR(t->nps[1], 100, 1e-12);
  EXPECT_NEAR(t->nps[2], -50, 1e-12);
  EXPECT_EQ(t->segment, (std::vector<int8_t>{0, 1, -1, kNoSegment}));
  EXPECT_EQ(t->small, (std::vector<uint8_t>{0, 0, 0, 1}));
  EXPECT_TRUE(std::isnan(t->nps[3]));
  EXPECT_TRUE(std::isnan(t->mean_score[3]));
  EXPECT_EQ(t->overall.n, 9);
  EXPECT_EQ(t->overall.detractors, 2);
  EXPECT_EQ(t->overall.promoters, 5);
  EXPECT_NEAR(t->overall.nps, 100.0 / 3, 1e-12);
  EXPECT_EQ(t->overall.skipped, 1);
  EXPECT_FALSE(t->overall.weighted);

  // min_n = 3 makes account 2 small: overall over accounts 0 and 1,
  // d 1, pa 1, pr 5: NPS 400 / 7.
  auto m = RollUpOf(Data(), RollUp::kPooled, {}, 3);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->small, (std::vector<uint8_t>{0, 0, 1, 1}));
  EXPECT_EQ(m->overall.n, 7);
  EXPECT_NEAR(m->overall.nps, 400.0 / 7, 1e-12);
  EXPECT_NEAR(m->nps[2], -50, 1e-12);  // a small account keeps its own figures
}

TEST(AccountNpsTest, Average) {
  // One vote per account, the segment of its mean: passive, promoter,
  // detractor -> NPS 0 over 3 votes. Per-account columns as pooled.
  auto t = RollUpOf(Data(), RollUp::kAverage);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->responses, (std::vector<int64_t>{4, 3, 2, 0}));
  EXPECT_NEAR(t->nps[0], 25, 1e-12);
  EXPECT_EQ(t->overall.n, 3);
  EXPECT_EQ(t->overall.detractors, 1);
  EXPECT_EQ(t->overall.passives, 1);
  EXPECT_EQ(t->overall.promoters, 1);
  EXPECT_NEAR(t->overall.nps, 0, 1e-12);
  // Wald SE with one vote per segment: V = 2/3, se = 100 sqrt(2/9).
  EXPECT_NEAR(t->overall.se, 100 * std::sqrt(2.0 / 9), 1e-10);
}

TEST(AccountNpsTest, Latest) {
  // Each contact's latest response: account 0 keeps 6 (contact 1 at t=5;
  // its NaN at t=9 is skipped first), 9 and 8 -> d 1, pa 1, pr 1, NPS 0,
  // mean 23/3. Account 1: 10 (contact 4 at t=2) and 9 -> NPS 100, mean 9.5.
  // Account 2 as pooled. Overall d 2, pa 2, pr 3 over 7: NPS 100 / 7.
  auto t = RollUpOf(Data(), RollUp::kLatest);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->responses, (std::vector<int64_t>{3, 2, 2, 0}));
  EXPECT_EQ(t->contacts, t->responses);  // one response per contact
  EXPECT_NEAR(t->mean_score[0], 23.0 / 3, 1e-15);
  EXPECT_NEAR(t->mean_score[1], 9.5, 1e-15);
  EXPECT_NEAR(t->nps[0], 0, 1e-12);
  EXPECT_EQ(t->segment, (std::vector<int8_t>{0, 1, -1, kNoSegment}));
  EXPECT_EQ(t->overall.n, 7);
  EXPECT_NEAR(t->overall.nps, 100.0 / 7, 1e-12);
}

TEST(AccountNpsTest, RevenueWeighted) {
  // Weights 1, 3, 2, 5 (account 3 has no response and adds nothing).
  // Pooled: each account's weight counted once, split over its responses
  // (account 0: 4 responses of 1/4, account 1: 3 of 1, account 2: 2 of 1):
  //   d = 1/4 + 1 = 5/4, pa = 1/4 + 1 = 5/4, pr = 2/4 + 3 = 7/2; total 6;
  //   NPS = 100 * (7/2 - 5/4) / 6 = 37.5, the weighted mean of the accounts'
  //   NPS (25, 100, -50) with weights (1, 3, 2);
  //   sum w^2 = 4/16 + 3 + 2 = 21/4; n_eff = 36 / (21/4).
  const std::vector<double> w = {1, 3, 2, 5};
  auto t = RollUpOf(Data(), RollUp::kPooled, w);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE(t->overall.weighted);
  EXPECT_NEAR(t->overall.n, 6, 1e-12);
  EXPECT_NEAR(t->overall.nps, 37.5, 1e-12);
  EXPECT_NEAR(t->overall.nps, (1 * 25.0 + 3 * 100.0 + 2 * -50.0) / 6, 1e-12);
  const double n_eff = 36.0 / (21.0 / 4);
  EXPECT_NEAR(t->overall.n_effective, n_eff, 1e-12);
  const double p = 3.5 / 6, d = 1.25 / 6, v = (p + d) - (p - d) * (p - d);
  EXPECT_NEAR(t->overall.se, 100 * std::sqrt(v / n_eff), 1e-10);
  // An account answering twice as often (its responses duplicated) weighs
  // the same: the overall NPS does not move.
  Data twice = Data();
  for (size_t i = 0; i < 4; ++i) {  // account 0's four rows again
    twice.scores.push_back(twice.scores[i]);
    twice.accounts.push_back(0);
    twice.contacts.push_back(twice.contacts[i]);
    twice.times.push_back(twice.times[i]);
  }
  auto dup = RollUpOf(twice, RollUp::kPooled, w);
  ASSERT_TRUE(dup.ok()) << dup.status();
  EXPECT_NEAR(dup->overall.nps, 37.5, 1e-12);
  EXPECT_EQ(dup->responses[0], 8);
  // Average: votes passive (1), promoter (3), detractor (2): total 6,
  // NPS 100 * (3 - 2) / 6; n_eff = 36 / (1 + 9 + 4).
  auto a = RollUpOf(Data(), RollUp::kAverage, w);
  ASSERT_TRUE(a.ok());
  EXPECT_NEAR(a->overall.n, 6, 1e-12);
  EXPECT_NEAR(a->overall.nps, 100.0 / 6, 1e-12);
  EXPECT_NEAR(a->overall.n_effective, 36.0 / 14, 1e-12);
  // Equal weights give the plain mean of the accounts' NPS, (25 + 100 - 50)
  // / 3, with per-response weights 1/2 (x4), 2/3 (x3), 1 (x2): n_eff = 36 /
  // (1 + 4/3 + 2).
  auto e = RollUpOf(Data(), RollUp::kPooled, {2, 2, 2, 2});
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR(e->overall.nps, 25, 1e-12);
  EXPECT_NEAR(e->overall.n_effective, 36 / (1 + 4.0 / 3 + 2), 1e-12);
}

TEST(AccountNpsTest, SegmentOfTheMeanScore) {
  // Means 7 (6 and 8: passive, though the pooled NPS is -50), 6.5 (detractor)
  // and 9 (promoter, though 8 and 10 pool to NPS 50).
  const std::vector<int32_t> scores = {6, 8, 6, 7, 8, 10};
  const std::vector<int64_t> accounts = {0, 0, 1, 1, 2, 2};
  auto t = AccountNps<int32_t>(scores, accounts, 3, {}, {}, RollUp::kAverage, {}, 0);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->segment, (std::vector<int8_t>{0, -1, 1}));
  EXPECT_NEAR(t->nps[0], -50, 1e-12);
  EXPECT_NEAR(t->nps[2], 50, 1e-12);
  EXPECT_TRUE(t->contacts.empty());  // no contact ids given
  EXPECT_NEAR(t->overall.nps, 0, 1e-12);
  // No account qualifies: NaN overall, no error.
  auto none = AccountNps<int32_t>(scores, accounts, 3, {}, {}, RollUp::kPooled, {}, 10);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->overall.n, 0);
  EXPECT_TRUE(std::isnan(none->overall.nps));
}

TEST(AccountNpsTest, LatestTies) {
  const std::vector<int32_t> scores = {9, 3, 7};
  const std::vector<int64_t> accounts = {0, 0, 0};
  const std::vector<int64_t> contacts = {11, 11, 11};
  // Two responses at t=5, then a newer one: the tie is resolved, in either
  // row order.
  for (const auto& times : {std::vector<int64_t>{5, 5, 8}, std::vector<int64_t>{8, 5, 5}}) {
    auto t = AccountNps<int32_t>(scores, accounts, 1, contacts, times, RollUp::kLatest, {});
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->responses[0], 1);
  }
  // A tie left at the latest instant goes to the later row (score 7, a
  // passive), whichever score it holds.
  const std::vector<int64_t> tied = {2, 5, 5};
  auto t = AccountNps<int32_t>(scores, accounts, 1, contacts, tied, RollUp::kLatest, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->responses[0], 1);
  EXPECT_EQ(t->nps[0], 0);
  const std::vector<int32_t> swapped = {9, 7, 3};
  t = AccountNps<int32_t>(swapped, accounts, 1, contacts, tied, RollUp::kLatest, {});
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->nps[0], -100);  // row 2 (score 3) now
  // Pooled does not look at times.
  EXPECT_TRUE(AccountNps<int32_t>(scores, accounts, 1, contacts, tied, RollUp::kPooled, {}).ok());
}

TEST(AccountNpsTest, Errors) {
  const Data d;
  auto no_times = AccountNps<double>(d.scores, d.accounts, 4, d.contacts, {}, RollUp::kLatest,
                                     {}, 1, Skip());
  EXPECT_NE(no_times.status().message().find("needs contact ids and response times"),
            std::string::npos)
      << no_times.status();
  EXPECT_FALSE(AccountNps<double>(d.scores, d.accounts, 4, {}, d.times, RollUp::kLatest, {}, 1,
                                  Skip())
                   .ok());
  auto bad_w = RollUpOf(d, RollUp::kPooled, {1, -2, 1, 1});
  EXPECT_NE(bad_w.status().message().find("weight of account 1 is -2"), std::string::npos)
      << bad_w.status();
  auto nan_w = RollUpOf(d, RollUp::kPooled, {1, 1, kNaN, 1});
  EXPECT_NE(nan_w.status().message().find("weight of account 2 is NaN"), std::string::npos)
      << nan_w.status();
  EXPECT_FALSE(RollUpOf(d, RollUp::kPooled, {1, 1}).ok());
  EXPECT_NE(RollUpOf(d, RollUp::kPooled, {}, -1).status().message().find("min_n is -1"),
            std::string::npos);
  // An infinite min_n would make every account small: refused.
  EXPECT_EQ(RollUpOf(d, RollUp::kPooled, {}, HUGE_VAL).status().message(),
            "min_n is inf: must be finite and >= 0");
  // n_accounts beyond kMaxAccounts is refused before the table is allocated.
  auto many = AccountNps<double>(d.scores, d.accounts, kMaxAccounts + 1, {}, {}, RollUp::kPooled,
                                 {}, 1, Skip());
  EXPECT_EQ(many.status().message(),
            "n_accounts is 67108865: must be between 0 and 67108864 (kMaxAccounts)");
  auto code = AccountNps<double>(d.scores, d.accounts, 2, {}, {}, RollUp::kPooled, {}, 1, Skip());
  EXPECT_NE(code.status().message().find("account code at row 8 is 2"), std::string::npos)
      << code.status();
  auto nan = AccountNps<double>(d.scores, d.accounts, 4, {}, {}, RollUp::kPooled, {});
  EXPECT_NE(nan.status().message().find("score at row 4 is missing"), std::string::npos)
      << nan.status();
  Data late = d;
  late.times[2] = kMissingTime;
  auto nat = RollUpOf(late, RollUp::kLatest);
  EXPECT_NE(nat.status().message().find("time at row 2 is missing"), std::string::npos)
      << nat.status();
  EXPECT_EQ(*ParseRollUp("Latest"), RollUp::kLatest);
  EXPECT_EQ(*ParseRollUp("average"), RollUp::kAverage);
  EXPECT_FALSE(ParseRollUp("median").ok());
}

}  // namespace
}  // namespace npscore
