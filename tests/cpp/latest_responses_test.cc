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

TEST(LatestResponses, TieAtTheLatestInstantIsAnErrorNamingBothRows) {
  Rows customers(41, 1);
  Rows times(41, 0);
  for (size_t i = 0; i < customers.size(); ++i) times[i] = static_cast<int64_t>(i);
  customers[12] = customers[40] = 7;
  times[12] = times[40] = 1000;
  EXPECT_EQ(Error(LatestResponses(customers, times)),
            "rows 12 and 40 are responses of customer 7 at the same instant: cannot tell which "
            "is the latest");

  // A tie at an earlier instant is superseded by a later response: no error.
  times[20] = 2000;
  customers[20] = 7;
  auto r = LatestResponses(customers, times);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->row, (Rows{20, 39}));

  // Of several ties, the one whose second row comes first; each names its
  // own customer (here customer 5, rows 2 and 3, before customer 4's 0 and 4).
  auto several = LatestResponses(Rows{4, 9, 5, 5, 4}, Rows{10, 1, 3, 3, 10});
  EXPECT_EQ(Error(several),
            "rows 2 and 3 are responses of customer 5 at the same instant: cannot tell which "
            "is the latest");
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

// The oracle: every (customer, group)'s rows gathered in a map, the latest by
// a linear scan; the error of the tie whose second row comes first.
std::pair<Rows, std::string> Oracle(const Rows& customers, const Rows& times, const Rows& groups) {
  std::map<std::pair<int64_t, int64_t>, Rows> rows;
  for (size_t i = 0; i < customers.size(); ++i) {
    if (groups[i] == -1) continue;
    rows[{customers[i], groups[i]}].push_back(static_cast<int64_t>(i));
  }
  Rows latest;
  int64_t tie_second = -1, tie_first = -1, tie_customer = 0;
  for (const auto& [key, r] : rows) {
    int64_t best = r[0];
    for (int64_t i : r) {
      if (times[i] > times[best]) best = i;
    }
    latest.push_back(best);
    for (int64_t i : r) {
      if (i > best && times[i] == times[best] && (tie_second < 0 || i < tie_second)) {
        tie_second = i;
        tie_first = best;
        tie_customer = key.first;
      }
    }
  }
  std::sort(latest.begin(), latest.end());
  if (tie_second < 0) return {latest, "ok"};
  return {{},
          "rows " + std::to_string(tie_first) + " and " + std::to_string(tie_second) +
              " are responses of customer " + std::to_string(tie_customer) +
              " at the same instant: cannot tell which is the latest"};
}

TEST(LatestResponses, ManyCustomersAgainstBruteForce) {
  std::mt19937_64 rng(12);
  int errors = 0, successes = 0;
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
    const auto [want_rows, want_error] = Oracle(customers, times, groups);
    auto got = LatestResponses(customers, times, groups);
    ASSERT_EQ(Error(got), want_error) << "trial " << trial;
    if (!got.ok()) {
      ++errors;
      continue;
    }
    ++successes;
    EXPECT_EQ(got->row, want_rows) << "trial " << trial;
    EXPECT_EQ(got->used + got->left_out, static_cast<int64_t>(n));
    EXPECT_EQ(got->superseded, got->used - static_cast<int64_t>(got->size()));
  }
  // Both outcomes were exercised.
  EXPECT_GT(errors, 20);
  EXPECT_GT(successes, 100);
}

}  // namespace
}  // namespace npscore
