// Tests of event impact: windows by hand (their half-open bounds), empty
// sides, sorted and unsorted input, agreement with a brute-force count, and
// the errors.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/health.h"

namespace npscore {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Data {
  std::vector<double> scores;
  std::vector<int64_t> times, slices;
};

// Slice 0 around an event at t = 100 with windows of 50 on each side:
//   before [50, 100): 50 -> 8, 60 -> 10, 80 -> 3, 99 -> 9   (d 1, pa 1, pr 2)
//   after [100, 150): 100 -> 6, 120 -> 7, 149 -> 0         (d 2, pa 1, pr 0)
//   outside: 49 -> 10, 150 -> 10.
// Slice 1 has responses only near t = 500.
Data HandData() {
  Data d;
  auto add = [&](int64_t t, double s, int64_t sl) {
    d.times.push_back(t);
    d.scores.push_back(s);
    d.slices.push_back(sl);
  };
  add(50, 8, 0);
  add(60, 10, 0);
  add(80, 3, 0);
  add(99, 9, 0);
  add(100, 6, 0);
  add(120, 7, 0);
  add(149, 0, 0);
  add(49, 10, 0);
  add(150, 10, 0);
  add(500, 9, 1);
  add(510, 2, 1);
  return d;
}

TEST(EventImpactTest, WindowsByHand) {
  const Data d = HandData();
  const std::vector<int64_t> events = {1000, 100};  // kept in the order given
  const IntervalOptions wald{IntervalMethod::kWald, 0.95};
  auto r = EventImpact<double>(d.scores, d.times, d.slices, 2, events, 50, 50, {}, wald);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 4u);
  // Event 0 at t = 1000: nothing within 50 on either side, in both slices.
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*r)[i].event, 0);
    EXPECT_EQ((*r)[i].slice, static_cast<int64_t>(i));
    EXPECT_TRUE((*r)[i].outside_data);
    EXPECT_EQ((*r)[i].before.n, 0);
    EXPECT_TRUE(std::isnan((*r)[i].before.nps));
    EXPECT_TRUE(std::isnan((*r)[i].change.diff));
    EXPECT_TRUE(std::isnan((*r)[i].change.p_value));
  }
  const EventImpactRow& row = (*r)[2];
  EXPECT_EQ(row.event, 1);
  EXPECT_EQ(row.slice, 0);
  EXPECT_FALSE(row.outside_data);
  EXPECT_EQ(row.before.detractors, 1);
  EXPECT_EQ(row.before.passives, 1);
  EXPECT_EQ(row.before.promoters, 2);
  EXPECT_EQ(row.after.detractors, 2);
  EXPECT_EQ(row.after.passives, 1);
  EXPECT_EQ(row.after.promoters, 0);
  // NPS 25 -> -66.67. V_before = .75 - .25^2 = .6875, V_after = 2/3 - 4/9.
  EXPECT_NEAR(row.before.nps, 25, 1e-12);
  EXPECT_NEAR(row.after.nps, -200.0 / 3, 1e-12);
  EXPECT_NEAR(row.change.diff, -200.0 / 3 - 25, 1e-12);
  const double se = 100 * std::sqrt(0.6875 / 4 + (2.0 / 3 - 4.0 / 9) / 3);
  EXPECT_NEAR(row.change.se, se, 1e-10);
  EXPECT_NEAR(row.change.p_value, std::erfc(std::abs(row.change.diff) / se / std::sqrt(2.0)),
              1e-12);
  // Slice 1 has no response near t = 100.
  EXPECT_TRUE((*r)[3].outside_data);
}

TEST(EventImpactTest, SortedAndUnsortedInputAgree) {
  const Data d = HandData();  // unsorted (49 and 150 come last)
  std::vector<size_t> order(d.times.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return d.times[a] < d.times[b]; });
  Data s;
  for (size_t i : order) {
    s.times.push_back(d.times[i]);
    s.scores.push_back(d.scores[i]);
    s.slices.push_back(d.slices[i]);
  }
  const std::vector<int64_t> events = {100, 505, 75};
  auto a = EventImpact<double>(d.scores, d.times, d.slices, 2, events, 30, 20);
  auto b = EventImpact<double>(s.scores, s.times, s.slices, 2, events, 30, 20);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), b->size());
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].before.n, (*b)[i].before.n);
    EXPECT_EQ((*a)[i].before.promoters, (*b)[i].before.promoters);
    EXPECT_EQ((*a)[i].after.detractors, (*b)[i].after.detractors);
    EXPECT_EQ((*a)[i].outside_data, (*b)[i].outside_data);
  }
  // Event 505, slice 1: before [475, 505) holds 500 -> 9; after [505, 525)
  // holds 510 -> 2. One side each: a comparison with n = 1 on both sides.
  const EventImpactRow& r = (*a)[3];
  EXPECT_EQ(r.slice, 1);
  EXPECT_EQ(r.before.promoters, 1);
  EXPECT_EQ(r.after.detractors, 1);
  EXPECT_NEAR(r.change.diff, -200, 1e-12);
}

TEST(EventImpactTest, OneEmptySideAndSkippedScores) {
  // Everything lies after the event at t = 0; one missing score is skipped
  // and counted in its window.
  const std::vector<double> scores = {9, kNaN, 3};
  const std::vector<int64_t> times = {5, 6, 7};
  ScoreOptions skip;
  skip.missing = Missing::kSkip;
  auto r = EventImpact<double>(scores, times, {}, 0, std::vector<int64_t>{0}, 10, 10, skip);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 1u);
  const EventImpactRow& row = (*r)[0];
  EXPECT_FALSE(row.outside_data);
  EXPECT_EQ(row.before.n, 0);
  EXPECT_TRUE(std::isnan(row.before.nps));
  EXPECT_EQ(row.after.n, 2);
  EXPECT_EQ(row.after.skipped, 1);
  EXPECT_NEAR(row.after.nps, 0, 1e-12);
  EXPECT_TRUE(std::isnan(row.change.diff));
  // Huge windows saturate instead of overflowing.
  const int64_t big = std::numeric_limits<int64_t>::max();
  auto all = EventImpact<double>(scores, times, {}, 0, std::vector<int64_t>{6}, big, big, skip);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ((*all)[0].before.n, 1);
  EXPECT_EQ((*all)[0].after.n, 1);
  EXPECT_EQ((*all)[0].after.skipped, 1);
}

TEST(EventImpactTest, MatchesBruteForceOnRandomData) {
  std::mt19937_64 rng(5);
  const size_t n = 5000;
  const int64_t n_slices = 4;
  std::vector<int16_t> scores(n);
  std::vector<int64_t> times(n), slices(n);
  std::uniform_int_distribution<int> score(0, 10);
  std::uniform_int_distribution<int64_t> time(-1000000, 1000000), slice(-1, n_slices - 1);
  for (size_t i = 0; i < n; ++i) {
    scores[i] = static_cast<int16_t>(score(rng));
    times[i] = time(rng);
    slices[i] = slice(rng);
  }
  std::vector<int64_t> events(30);
  for (int64_t& e : events) e = time(rng);
  const int64_t before = 50000, after = 120000;
  auto r = EventImpact<int16_t>(scores, times, slices, n_slices, events, before, after);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), events.size() * n_slices);
  for (const EventImpactRow& row : *r) {
    const int64_t e = events[static_cast<size_t>(row.event)];
    double b[3] = {0, 0, 0}, a[3] = {0, 0, 0};
    for (size_t i = 0; i < n; ++i) {
      if (slices[i] != row.slice) continue;
      const int g = scores[i] <= 6 ? 0 : (scores[i] <= 8 ? 1 : 2);
      if (times[i] >= e - before && times[i] < e) ++b[g];
      if (times[i] >= e && times[i] < e + after) ++a[g];
    }
    EXPECT_EQ(row.before.detractors, b[0]);
    EXPECT_EQ(row.before.passives, b[1]);
    EXPECT_EQ(row.before.promoters, b[2]);
    EXPECT_EQ(row.after.detractors, a[0]);
    EXPECT_EQ(row.after.passives, a[1]);
    EXPECT_EQ(row.after.promoters, a[2]);
    if (row.before.n > 0 && row.after.n > 0) {
      EXPECT_NEAR(row.change.diff, row.after.nps - row.before.nps, 1e-9);
      EXPECT_LE(row.change.ci_low, row.change.diff);
      EXPECT_GE(row.change.ci_high, row.change.diff);
    }
  }
}

TEST(EventImpactTest, Errors) {
  const std::vector<int32_t> scores = {9, 4, 7};
  std::vector<int64_t> times = {1, kMissingTime, 3};
  const std::vector<int64_t> events = {2};
  auto nat = EventImpact<int32_t>(scores, times, {}, 0, events, 5, 5);
  EXPECT_NE(nat.status().message().find("time at row 1 is missing"), std::string::npos)
      << nat.status();
  // A row left out by its slice code is not checked.
  const std::vector<int64_t> slices = {0, -1, 0};
  EXPECT_TRUE(EventImpact<int32_t>(scores, times, slices, 1, events, 5, 5).ok());
  times = {1, 2, 3};
  auto neg = EventImpact<int32_t>(scores, times, {}, 0, events, -5, 5);
  EXPECT_EQ(neg.status().message(),
            "before_ns is -5: the window before an event must be > 0 ns");
  // A zero-width window holds no response: an error, not a table of NaN.
  auto zero = EventImpact<int32_t>(scores, times, {}, 0, events, 5, 0);
  EXPECT_EQ(zero.status().message(), "after_ns is 0: the window after an event must be > 0 ns");
  // More rows (events x slices) than kMaxEventImpactRows: refused before any
  // allocation, whatever the product.
  const std::vector<int64_t> zeros = {0, 0, 0};
  auto big = EventImpact<int32_t>(scores, times, zeros, kMaxEventImpactRows + 1, events, 5, 5);
  EXPECT_NE(big.status().message().find("kMaxEventImpactRows"), std::string::npos) << big.status();
  const std::vector<int64_t> two_events = {1, 2};
  auto product =
      EventImpact<int32_t>(scores, times, zeros, kMaxEventImpactRows / 2 + 1, two_events, 5, 5);
  EXPECT_NE(product.status().message().find("bad table size: 2 events"), std::string::npos)
      << product.status();
  const std::vector<int64_t> missing_event = {2, kMissingTime};
  auto ev = EventImpact<int32_t>(scores, times, {}, 0, missing_event, 5, 5);
  EXPECT_NE(ev.status().message().find("event time at index 1 is missing"), std::string::npos)
      << ev.status();
  const std::vector<int64_t> bad_slices = {0, 2, 0};
  auto sl = EventImpact<int32_t>(scores, times, bad_slices, 2, events, 5, 5);
  EXPECT_NE(sl.status().message().find("slice code at row 1 is 2"), std::string::npos)
      << sl.status();
  const std::vector<int32_t> bad_scores = {9, 12, 7};
  auto bs = EventImpact<int32_t>(bad_scores, times, {}, 0, events, 5, 5);
  EXPECT_NE(bs.status().message().find("score at row 1 is 12"), std::string::npos)
      << bs.status();
  const std::vector<int64_t> short_times = {1};
  EXPECT_FALSE(EventImpact<int32_t>(scores, short_times, {}, 0, events, 5, 5).ok());
}

}  // namespace
}  // namespace npscore
