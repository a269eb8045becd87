// Tests of segment migration between consecutive responses: a hand example,
// leaving rows out before pairing, the errors, and agreement with a
// straightforward second implementation (a map of per-customer lists).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/health.h"

namespace npscore {
namespace {

constexpr double kNaN = std::nan("");

int64_t Total(const MigrationTable& t) {
  int64_t s = 0;
  for (int64_t c : t.counts) s += c;
  return s;
}

TEST(MigrationTest, HandExample) {
  // Customer 7 answers 3 (t=10, period 0), 8 (t=20, period 0), 10 (t=30,
  // period 1), given out of order: D -> Pa in period 0, Pa -> P in period 1.
  // Customer 3 answers 9 (t=5) then 7 (t=15, period 1): P -> Pa in period 1.
  // Customer 100 answers once: no pair.
  const std::vector<int32_t> scores = {10, 9, 3, 6, 8, 7};
  const std::vector<int64_t> customers = {7, 3, 7, 100, 7, 3};
  const std::vector<int64_t> times = {30, 5, 10, 12, 20, 15};
  const std::vector<int32_t> periods = {1, 0, 0, 0, 0, 1};
  auto t = Migration<int32_t>(scores, customers, times, periods, 2);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->n_periods, 2);
  EXPECT_EQ(t->customers, 2);
  EXPECT_EQ(t->pairs, 3);
  EXPECT_EQ(t->at(0, 0, 1), 1);  // detractor -> passive
  EXPECT_EQ(t->at(1, 1, 2), 1);  // passive -> promoter
  EXPECT_EQ(t->at(1, 2, 1), 1);  // promoter -> passive
  EXPECT_EQ(Total(*t), 3);

  // Without periods: one period holding the same three moves.
  auto one = Migration<int32_t>(scores, customers, times, {}, 0);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->n_periods, 1);
  EXPECT_EQ(one->counts.size(), 9u);
  EXPECT_EQ(one->at(0, 0, 1), 1);
  EXPECT_EQ(one->at(0, 1, 2), 1);
  EXPECT_EQ(one->at(0, 2, 1), 1);
  EXPECT_EQ(Total(*one), 3);
}

TEST(MigrationTest, RowsLeftOutBeforePairing) {
  // One customer: promoter (t=1), detractor (t=2) and passive (t=3). With the
  // detractor left out (period -1, or a skipped missing score), the only pair
  // is promoter -> passive, never through the detractor.
  const std::vector<int64_t> customers = {5, 5, 5};
  const std::vector<int64_t> times = {1, 2, 3};
  {
    const std::vector<double> scores = {10, 2, 7};
    const std::vector<int32_t> periods = {0, -1, 0};
    auto t = Migration<double>(scores, customers, times, periods, 1);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->pairs, 1);
    EXPECT_EQ(t->at(0, 2, 1), 1);
    EXPECT_EQ(t->excluded, 1);
    EXPECT_EQ(t->skipped, 0);
  }
  {
    const std::vector<double> scores = {10, kNaN, 7};
    ScoreOptions skip;
    skip.missing = Missing::kSkip;
    auto t = Migration<double>(scores, customers, times, {}, 0, skip);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->pairs, 1);
    EXPECT_EQ(t->at(0, 2, 1), 1);
    EXPECT_EQ(t->skipped, 1);
    auto err = Migration<double>(scores, customers, times, {}, 0);
    ASSERT_FALSE(err.ok());
    EXPECT_NE(err.status().message().find("score at row 1 is missing"), std::string::npos)
        << err.status();
  }
  {
    // A missing time on a row left out by its period is not an error.
    const std::vector<int32_t> scores = {10, 2, 7};
    const std::vector<int64_t> t2 = {1, kMissingTime, 3};
    const std::vector<int32_t> periods = {0, -1, 0};
    auto t = Migration<int32_t>(scores, customers, t2, periods, 1);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->at(0, 2, 1), 1);
  }
}

TEST(MigrationTest, Errors) {
  const std::vector<int32_t> scores = {9, 4, 7, 8};
  const std::vector<int64_t> customers = {1, 42, 1, 42};
  std::vector<int64_t> times = {1, 7, 2, 7};
  // Customer 42's two responses at t=7 are ordered by row (4, then 8): one
  // detractor -> passive pair; customer 1: promoter -> passive.
  auto tie = Migration<int32_t>(scores, customers, times, {}, 0);
  ASSERT_TRUE(tie.ok()) << tie.status();
  EXPECT_EQ(tie->pairs, 2);
  EXPECT_EQ(tie->counts[0 * 3 + 1], 1);  // detractor -> passive
  EXPECT_EQ(tie->counts[2 * 3 + 1], 1);  // promoter -> passive

  times = {1, 7, kMissingTime, 8};
  auto nat = Migration<int32_t>(scores, customers, times, {}, 0);
  EXPECT_NE(nat.status().message().find("time at row 2 is missing"), std::string::npos)
      << nat.status();

  times = {1, 7, 2, 8};
  const std::vector<int32_t> bad = {9, 4, 11, 8};
  auto out = Migration<int32_t>(bad, customers, times, {}, 0);
  EXPECT_NE(out.status().message().find("score at row 2 is 11"), std::string::npos)
      << out.status();

  const std::vector<int32_t> periods = {0, 0, 3, 0};
  auto per = Migration<int32_t>(scores, customers, times, periods, 2);
  EXPECT_NE(per.status().message().find("period code at row 2 is 3"), std::string::npos)
      << per.status();

  const std::vector<int64_t> short_times = {1, 2};
  EXPECT_FALSE(Migration<int32_t>(scores, customers, short_times, {}, 0).ok());
  EXPECT_FALSE(Migration<int32_t>(scores, customers, times, periods, -1).ok());
  // n_periods beyond kMaxMigrationPeriods is refused before the 9 counts per
  // period are allocated.
  auto huge = Migration<int32_t>(scores, customers, times, periods, int64_t{1} << 40);
  EXPECT_EQ(huge.status().message(),
            "n_periods is 1099511627776: must be between 0 and 1048576 (kMaxMigrationPeriods)");
  EXPECT_FALSE(Migration<int32_t>(scores, customers, times, periods, kMaxMigrationPeriods + 1).ok());
}

// The reference: per-customer lists sorted by (time, row), as one would
// write it without caring for speed (responses at the same instant in row
// order: the tie rule).
std::vector<int64_t> ReferenceCounts(const std::vector<int32_t>& scores,
                                     const std::vector<int64_t>& customers,
                                     const std::vector<int64_t>& times,
                                     const std::vector<int32_t>& periods, int n_periods) {
  std::map<int64_t, std::vector<std::tuple<int64_t, size_t, int, int>>> by;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (periods[i] < 0) continue;
    const int seg = scores[i] <= 6 ? 0 : (scores[i] <= 8 ? 1 : 2);
    by[customers[i]].emplace_back(times[i], i, seg, periods[i]);
  }
  std::vector<int64_t> counts(static_cast<size_t>(n_periods) * 9, 0);
  for (auto& kv : by) {
    auto& v = kv.second;
    std::sort(v.begin(), v.end());
    for (size_t j = 1; j < v.size(); ++j) {
      ++counts[(std::get<3>(v[j]) * 3 + std::get<2>(v[j - 1])) * 3 + std::get<2>(v[j])];
    }
  }
  return counts;
}

// Few distinct times: many ties, decided by row order, in short runs
// (insertion sort) and long ones (over 32 responses a customer).
TEST(MigrationTest, TiesMatchTheReference) {
  std::mt19937_64 rng(5);
  for (const int64_t n_customers : {int64_t{2000}, int64_t{40}}) {
    const size_t n = 20000;
    std::vector<int32_t> scores(n), periods(n);
    std::vector<int64_t> customers(n), times(n);
    for (size_t i = 0; i < n; ++i) {
      scores[i] = static_cast<int32_t>(rng() % 11);
      periods[i] = static_cast<int32_t>(rng() % 4) - 1;
      customers[i] = static_cast<int64_t>(rng() % static_cast<uint64_t>(n_customers));
      times[i] = static_cast<int64_t>(rng() % 30);
    }
    auto t = Migration<int32_t>(scores, customers, times, periods, 3);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->counts, ReferenceCounts(scores, customers, times, periods, 3));
  }
}

TEST(MigrationTest, MatchesPerCustomerListsOnRandomData) {
  std::mt19937_64 rng(11);
  for (const bool sparse : {false, true}) {
    // 30000 customers: 15 codes per block of the first partitioning step.
    const size_t n = 60000;
    const int n_periods = 6;
    std::vector<int32_t> scores(n), periods(n);
    std::vector<int64_t> customers(n), times(n);
    std::uniform_int_distribution<int> score(0, 10), period(-1, n_periods - 1);
    std::uniform_int_distribution<int64_t> customer(0, 29999);
    for (size_t i = 0; i < n; ++i) {
      scores[i] = score(rng);
      periods[i] = period(rng);
      // Sparse ids spread over the whole int64 range (hashed path).
      const int64_t c = customer(rng);
      customers[i] = sparse ? static_cast<int64_t>(static_cast<uint64_t>(c) * 0x9E3779B97F4A7C15ull)
                            : c;
      times[i] = static_cast<int64_t>(i) * 1000 - 7;  // distinct, in any customer order
    }
    std::shuffle(times.begin(), times.end(), rng);
    auto t = Migration<int32_t>(scores, customers, times, periods, n_periods);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->counts, ReferenceCounts(scores, customers, times, periods, n_periods));
    // Every kept response but each customer's first ends a pair.
    std::map<int64_t, int64_t> kept;
    int64_t excluded = 0;
    for (size_t i = 0; i < n; ++i) {
      if (periods[i] < 0) {
        ++excluded;
      } else {
        ++kept[customers[i]];
      }
    }
    int64_t pairs = 0, repeat = 0;
    for (auto& kv : kept) {
      pairs += kv.second - 1;
      repeat += kv.second >= 2;
    }
    EXPECT_EQ(t->pairs, pairs);
    EXPECT_EQ(Total(*t), pairs);
    EXPECT_EQ(t->customers, repeat);
    EXPECT_EQ(t->excluded, excluded);
  }
}

TEST(MigrationTest, ScoreTypesAgree) {
  const std::vector<int64_t> customers = {1, 1, 1, 2, 2};
  const std::vector<int64_t> times = {3, 1, 2, 9, 8};
  const std::vector<uint8_t> u8 = {0, 9, 7, 10, 6};
  const std::vector<float> f32 = {0, 9, 7, 10, 6};
  auto a = Migration<uint8_t>(u8, customers, times, {}, 0);
  auto b = Migration<float>(f32, customers, times, {}, 0);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->counts, b->counts);
  // Customer 1: 9 -> 7 -> 0 (P -> Pa -> D); customer 2: 6 -> 10 (D -> P).
  EXPECT_EQ(a->at(0, 2, 1), 1);
  EXPECT_EQ(a->at(0, 1, 0), 1);
  EXPECT_EQ(a->at(0, 0, 2), 1);
  EXPECT_EQ(a->pairs, 3);
}

}  // namespace
}  // namespace npscore
