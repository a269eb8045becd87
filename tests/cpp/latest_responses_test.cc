// LatestResponses (npscore/priority.h): values by hand, the tie rule, groups,
// missing times, and random inputs against a brute-force oracle.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "npscore/health.h"
#include "npscore/priority.h"

namespace npscore {
namespace {

using Rows = std::vector<int64_t>;

std::string Error(const absl::StatusOr<LatestResponseRows>& r) {
  return r.ok() ? "ok" : std::string(r.status().message());
}

TEST(LatestResponses, ByHand) {
  //                 row: 0  1  2  3  4
  const Rows customers = {7, 7, 3, 7, 3};
  const Rows times = {5, 9, 2, 1, 8};
  auto r = LatestResponses(customers, times);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->row, (Rows{1, 4}));  // customer 7 at 9, customer 3 at 8; ascending rows
  EXPECT_EQ(r->used, 5);
  EXPECT_EQ(r->superseded, 3);
  EXPECT_EQ(r->left_out, 0);
  EXPECT_EQ(r->skipped_missing_times, 0);

  auto empty = LatestResponses({}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), 0u);
}

TEST(LatestResponses, TieAtTheLatestInstantGoesToTheLaterRow) {
  Rows customers(41, 1);
  Rows times(41, 0);
  for (size_t i = 0; i < customers.size(); ++i) times[i] = static_cast<int64_t>(i);
  customers[12] = customers[40] = 7;
  times[12] = times[40] = 1000;
  auto r = LatestResponses(customers, times);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->row, (Rows{39, 40}));  // customer 1 at 39; customer 7's tie: the later row 40
  EXPECT_EQ(r->superseded, 39);       // every row is used, latest or superseded

  // Three at one instant, then one earlier: the last of the three.
  auto three = LatestResponses(Rows{5, 5, 5, 5}, Rows{3, 3, 3, 2});
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(three->row, (Rows{2}));
  EXPECT_EQ(three->superseded, 3);
}

TEST(LatestResponses, Groups) {
  //                 row: 0  1  2  3   4  5
  const Rows customers = {1, 1, 1, 2, 2, 1};
  const Rows times = {10, 20, 30, 5, 7, kMissingTime};
  const Rows groups = {0, 0, 4, 4, -1, -1};  // -1: left out, its time unread
  auto r = LatestResponses(customers, times, groups);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->row, (Rows{1, 2, 3}));  // (1, 0) at 20, (1, 4) at 30, (2, 4) at 5
  EXPECT_EQ(r->used, 4);
  EXPECT_EQ(r->superseded, 1);
  EXPECT_EQ(r->left_out, 2);

  // The same instant in two groups is no tie.
  auto apart = LatestResponses(Rows{3, 3}, Rows{8, 8}, Rows{0, 1});
  ASSERT_TRUE(apart.ok()) << apart.status();
  EXPECT_EQ(apart->row, (Rows{0, 1}));

  EXPECT_EQ(Error(LatestResponses(Rows{1, 1}, Rows{1, 2}, Rows{0, -2})),
            "group code at row 1 is -2: codes must be >= 0, or -1 to leave the row out");
  EXPECT_EQ(Error(LatestResponses(Rows{1, 1}, Rows{1, 2}, Rows{0})),
            "groups has 1 rows but customers has 2");
  EXPECT_EQ(Error(LatestResponses(Rows{1, 1}, Rows{1})), "times has 1 rows but customers has 2");
}

TEST(LatestResponses, MissingTimes) {
  const Rows customers = {1, 1, 2};
  const Rows times = {10, kMissingTime, kMissingTime};
  EXPECT_EQ(Error(LatestResponses(customers, times)),
            "response time at row 1 is missing (NaT); ask to skip missing values (Python: "
            "missing=\"skip\", C: NPSCORE_MISSING_SKIP) to leave such rows out");
  auto r = LatestResponses(customers, times, {}, Missing::kSkip);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->row, (Rows{0}));  // customer 2 has no time: no latest response
  EXPECT_EQ(r->used, 1);
  EXPECT_EQ(r->skipped_missing_times, 2);
}

TEST(LatestResponses, ExtremeIdsAndTimes) {
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  // Ids across the whole int64 range (the hash map), times at both ends
  // (kMissingTime itself is the only missing value).
  const Rows customers = {lo, hi, lo, 0, hi};
  const Rows times = {lo + 1, hi, hi, -5, hi - 1};
  auto r = LatestResponses(customers, times);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->row, (Rows{1, 2, 3}));
  auto g = LatestResponses(Rows{5, 5}, Rows{1, 2}, Rows{hi, 0});
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->row, (Rows{0, 1}));
}

// The oracle: every (customer, group)'s rows gathered in a map, in row
// order, stably sorted by time; the latest is the last. Also whether any
// latest instant was shared (a tie the rule decided).
std::pair<Rows, bool> Oracle(const Rows& customers, const Rows& times, const Rows& groups) {
  std::map<std::pair<int64_t, int64_t>, Rows> rows;
  for (size_t i = 0; i < customers.size(); ++i) {
    if (groups[i] == -1) continue;
    rows[{customers[i], groups[i]}].push_back(static_cast<int64_t>(i));
  }
  Rows latest;
  bool tie = false;
  for (auto& [key, r] : rows) {
    std::stable_sort(r.begin(), r.end(),
                     [&](int64_t a, int64_t b) { return times[a] < times[b]; });
    latest.push_back(r.back());
    tie = tie || (r.size() > 1 && times[r[r.size() - 2]] == times[r.back()]);
  }
  std::sort(latest.begin(), latest.end());
  return {latest, tie};
}

TEST(LatestResponses, ManyCustomersAgainstBruteForce) {
  std::mt19937_64 rng(12);
  int ties = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = 1 + rng() % 3000;
    const bool sparse = trial % 2 == 1;  // ids far apart: the hash map
    const int64_t n_customers = 1 + static_cast<int64_t>(rng() % (n / 2 + 1));
    const int64_t n_groups = 1 + static_cast<int64_t>(rng() % 4);
    // Few distinct times make ties likely in some trials, rare in others.
    const int64_t n_times = trial % 4 < 2 ? 1000000 : 50;
    Rows customers(n), times(n), groups(n);
    for (size_t i = 0; i < n; ++i) {
      const int64_t c = static_cast<int64_t>(rng() % static_cast<uint64_t>(n_customers));
      customers[i] = sparse ? c * 1000003 - 40000000000 : c;
      times[i] = static_cast<int64_t>(rng() % static_cast<uint64_t>(n_times)) - 10;
      groups[i] = rng() % 10 == 0 ? -1 : static_cast<int64_t>(rng() % n_groups) * (sparse ? 1 << 30 : 1);
    }
    const auto [want_rows, tie] = Oracle(customers, times, groups);
    auto got = LatestResponses(customers, times, groups);
    ASSERT_TRUE(got.ok()) << "trial " << trial << ": " << got.status();
    ties += tie ? 1 : 0;
    EXPECT_EQ(got->row, want_rows) << "trial " << trial;
    EXPECT_EQ(got->used + got->left_out, static_cast<int64_t>(n));
    EXPECT_EQ(got->superseded, got->used - static_cast<int64_t>(got->size()));
  }
  // Ties at the latest instant were exercised, and trials without them.
  EXPECT_GT(ties, 20);
  EXPECT_LT(ties, 380);
}

}  // namespace
}  // namespace npscore
