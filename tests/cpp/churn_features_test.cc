// Tests of the churn features: a hand example, the as_of cut, customers
// without responses, every error, agreement with a second implementation
// (sorted per-customer lists), churn labels and the time-split check.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/churn.h"

namespace npscore {
namespace {

constexpr int64_t D = kNanosPerDay;
const double kNaN = std::nan("");

bool Same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

// Customers 10, 20, 30 (signed up at day 0, 100, unknown) and 40 (signs up at
// day 500, after as_of = day 200).
struct Example {
  std::vector<int64_t> customers = {10, 20, 10, 10, 30, 20, 10};
  std::vector<int64_t> times = {5 * D, 150 * D, 50 * D, 190 * D, 60 * D, 300 * D, 250 * D};
  std::vector<int32_t> scores = {9, 3, 7, 4, 10, 10, 0};
  std::vector<int64_t> followed = {kMissingTime, kMissingTime, kMissingTime, 195 * D,
                                   kMissingTime, kMissingTime, kMissingTime};
  std::vector<int64_t> ids = {10, 20, 30, 40};
  std::vector<int64_t> signup = {0, 100 * D, kMissingTime, 500 * D};
};

TEST(ChurnFeaturesTest, HandExample) {
  Example e;
  auto f = ComputeChurnFeatures<int32_t>(e.customers, e.times, e.scores, e.followed, e.ids,
                                         e.signup, 200 * D);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->size(), 4u);
  EXPECT_EQ(f->used, 5);
  EXPECT_EQ(f->after_as_of, 2);
  // Customer 10: 9 (day 5), 7 (day 50), 4 (day 190, followed up day 195).
  EXPECT_EQ(f->has_response[0], 1);
  EXPECT_EQ(f->n_responses[0], 3);
  EXPECT_EQ(f->latest_row[0], 3);
  EXPECT_EQ(f->latest_row[3], -1);
  EXPECT_EQ(f->score[0], 4);
  EXPECT_EQ(f->segment[0], -1);
  EXPECT_EQ(f->previous_score[0], 7);
  EXPECT_EQ(f->score_change[0], -3);
  EXPECT_EQ(f->segment_change[0], -1);
  EXPECT_DOUBLE_EQ(f->mean_score[0], 20.0 / 3);
  EXPECT_EQ(f->min_score[0], 4);
  EXPECT_EQ(f->max_score[0], 9);
  EXPECT_EQ(f->n_detractor_responses[0], 1);
  EXPECT_EQ(f->days_since_response[0], 10);
  EXPECT_EQ(f->days_since_first_response[0], 195);
  EXPECT_EQ(f->tenure_days[0], 190);
  EXPECT_EQ(f->customer_age_days[0], 200);
  EXPECT_EQ(f->early_life_detractor[0], 0);
  EXPECT_EQ(f->detractor_followed_up[0], 1);
  EXPECT_EQ(f->days_to_follow_up[0], 5);
  EXPECT_EQ(f->days_detractor_waiting[0], 0);
  // Customer 20: one detractor answer at day 150 (tenure 50), no follow-up.
  EXPECT_EQ(f->n_responses[1], 1);
  EXPECT_EQ(f->score[1], 3);
  EXPECT_TRUE(std::isnan(f->previous_score[1]));
  EXPECT_TRUE(std::isnan(f->score_change[1]));
  EXPECT_EQ(f->segment_change[1], 0);
  EXPECT_EQ(f->tenure_days[1], 50);
  EXPECT_EQ(f->days_detractor_waiting[1], 50);
  EXPECT_EQ(f->detractor_followed_up[1], 0);
  EXPECT_TRUE(std::isnan(f->days_to_follow_up[1]));
  // Customer 30: a promoter, sign-up unknown.
  EXPECT_EQ(f->segment[2], 1);
  EXPECT_TRUE(std::isnan(f->tenure_days[2]));
  EXPECT_TRUE(std::isnan(f->customer_age_days[2]));
  EXPECT_EQ(f->signed_up[2], 1);
  EXPECT_EQ(f->days_detractor_waiting[2], 0);
  // Customer 40: no response, signs up after as_of.
  EXPECT_EQ(f->has_response[3], 0);
  EXPECT_EQ(f->signed_up[3], 0);
  EXPECT_EQ(f->n_responses[3], 0);
  EXPECT_EQ(f->segment[3], kNoSegment);
  EXPECT_TRUE(std::isnan(f->score[3]));
  EXPECT_EQ(f->customer_age_days[3], -300);
}

TEST(ChurnFeaturesTest, FollowUpAfterAsOfHasNotHappened) {
  Example e;
  auto f = ComputeChurnFeatures<int32_t>(e.customers, e.times, e.scores, e.followed, e.ids,
                                         e.signup, 193 * D);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->detractor_followed_up[0], 0);
  EXPECT_EQ(f->days_detractor_waiting[0], 3);
  EXPECT_TRUE(std::isnan(f->days_to_follow_up[0]));
}

TEST(ChurnFeaturesTest, EarlyLifeDetractor) {
  // Sign-up at day 0; a detractor answer at day 10 is early-life by default
  // (<= 10 days), not with early_life_days = 9.5.
  std::vector<int64_t> c = {1}, t = {10 * D}, ids = {1}, signup = {0};
  std::vector<double> s = {6};
  auto f = ComputeChurnFeatures<double>(c, t, s, {}, ids, signup, 20 * D);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->early_life_detractor[0], 1);
  ChurnFeatureOptions o;
  o.early_life_days = 9.5;
  f = ComputeChurnFeatures<double>(c, t, s, {}, ids, signup, 20 * D, o);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->early_life_detractor[0], 0);
  // A passive is never an early-life detractor.
  s = {7};
  f = ComputeChurnFeatures<double>(c, t, s, {}, ids, signup, 20 * D);
  EXPECT_EQ(f->early_life_detractor[0], 0);
}

TEST(ChurnFeaturesTest, ResponsesAfterAsOfChangeNothing) {
  Example e;
  auto a = ComputeChurnFeatures<int32_t>(e.customers, e.times, e.scores, e.followed, e.ids,
                                         e.signup, 200 * D);
  e.scores[5] = 0;   // rows 5 and 6 are after as_of
  e.scores[6] = 10;
  e.times[6] = 201 * D;
  auto b = ComputeChurnFeatures<int32_t>(e.customers, e.times, e.scores, e.followed, e.ids,
                                         e.signup, 200 * D);
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t r = 0; r < 4; ++r) {
    EXPECT_TRUE(Same(a->score[r], b->score[r]));
    EXPECT_TRUE(Same(a->mean_score[r], b->mean_score[r]));
    EXPECT_EQ(a->n_responses[r], b->n_responses[r]);
  }
}

TEST(ChurnFeaturesTest, SparseIdsUseTheHashPath) {
  const int64_t big = int64_t{1} << 60;
  std::vector<int64_t> c = {-big, big, -big}, t = {1, 2, 3}, ids = {big, -big};
  std::vector<uint8_t> s = {9, 2, 5};
  auto f = ComputeChurnFeatures<uint8_t>(c, t, s, {}, ids, {}, 10);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->n_responses[0], 1);
  EXPECT_EQ(f->score[0], 2);
  EXPECT_EQ(f->n_responses[1], 2);
  EXPECT_EQ(f->score[1], 5);
  EXPECT_EQ(f->score_change[1], -4);
  c[1] = 7;
  f = ComputeChurnFeatures<uint8_t>(c, t, s, {}, ids, {}, 10);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message().substr(0, 28), "customer 7 at row 1 is not i");
}

std::string Error(const absl::Status& s) { return std::string(s.message()); }

// Responses of one customer at the same instant are ordered by row (the one
// rule of src/internal/latest.h): the later row is the later answer.
TEST(ChurnFeaturesTest, SameInstantGoesToTheLaterRow) {
  auto run = [](const Example& x) {
    return ComputeChurnFeatures<int32_t>(x.customers, x.times, x.scores, x.followed, x.ids,
                                         x.signup, 200 * D);
  };
  // Customer 10's rows 0, 2, 3 hold 9, 7, 4. {times of rows 0, 2, 3}: the
  // latest row and the previous score under the rule.
  struct Case {
    int64_t t0, t2, t3;
    int32_t latest_row;
    double previous;
  };
  for (const Case& c : {Case{5, 190, 190, 3, 7},    // a tie at the latest: row 3, then row 2
                        Case{50, 50, 190, 3, 7},    // a tie at the previous: row 2
                        Case{190, 190, 190, 3, 7},  // three at once: rows 3, 2
                        Case{190, 50, 190, 3, 9},   // rows 0 and 3 tie: row 3, then row 0
                        Case{190, 190, 50, 2, 9}}) {
    Example e;
    e.times[0] = c.t0 * D;
    e.times[2] = c.t2 * D;
    e.times[3] = c.t3 * D;
    auto f = run(e);
    ASSERT_TRUE(f.ok()) << f.status();
    EXPECT_EQ(f->latest_row[0], c.latest_row) << c.t0 << " " << c.t2 << " " << c.t3;
    EXPECT_EQ(f->score[0], e.scores[static_cast<size_t>(c.latest_row)]);
    EXPECT_EQ(f->previous_score[0], c.previous) << c.t0 << " " << c.t2 << " " << c.t3;
    EXPECT_EQ(f->n_responses[0], 3);
  }
}

TEST(ChurnFeaturesTest, Errors) {
  Example e;
  auto run = [&](const Example& x, int64_t as_of = 200 * D, ChurnFeatureOptions o = {}) {
    return ComputeChurnFeatures<int32_t>(x.customers, x.times, x.scores, x.followed, x.ids,
                                         x.signup, as_of, o)
        .status();
  };
  Example bad = e;
  bad.scores[2] = 11;
  EXPECT_EQ(Error(run(bad)), "score at row 2 is 11: outside the scale 0..10");
  bad = e;
  bad.times[3] = kMissingTime;
  EXPECT_NE(Error(run(bad)).find("response time at row 3 is missing"), std::string::npos);
  bad = e;
  bad.customers[4] = 99;
  EXPECT_NE(Error(run(bad)).find("customer 99 at row 4 is not in the customer table"),
            std::string::npos);
  bad = e;
  bad.followed[2] = 49 * D;
  EXPECT_NE(Error(run(bad)).find("follow-up time at row 2"), std::string::npos);
  bad = e;
  bad.ids[2] = 10;
  EXPECT_EQ(Error(run(bad)), "customer id 10 appears twice in the customer table (rows 0 and 2)");
  bad = e;
  bad.times.pop_back();
  EXPECT_EQ(Error(run(bad)), "times has 6 rows but the responses have 7");
  bad = e;
  bad.followed.pop_back();
  EXPECT_EQ(Error(run(bad)), "followed_up has 6 rows but the responses have 7");
  bad = e;
  bad.signup.pop_back();
  EXPECT_NE(Error(run(bad)).find("signup_times has 3 rows"), std::string::npos);
  ChurnFeatureOptions o;
  o.early_life_days = kNaN;
  EXPECT_EQ(Error(run(e, 200 * D, o)), "early_life_days is NaN: it must be finite and >= 0");
  o.early_life_days = HUGE_VAL;  // would make every detractor answer "early-life"
  EXPECT_EQ(Error(run(e, 200 * D, o)), "early_life_days is inf: it must be finite and >= 0");
  o = {};
  o.scores.cutoffs = {8, 6, 10};
  EXPECT_FALSE(run(e, 200 * D, o).ok());
  EXPECT_NE(Error(run(e, kMissingTime)).find("as_of is missing"), std::string::npos);
  // A tie among older responses does not matter.
  bad = e;
  bad.times[0] = 1 * D;
  bad.customers[1] = 10;
  bad.times[1] = 1 * D;
  EXPECT_TRUE(run(bad).ok());
}

TEST(ChurnFeaturesTest, SkipCounts) {
  std::vector<int64_t> c = {1, 1, 2, 5, 1}, t = {1, kMissingTime, 2, 3, 4}, ids = {1, 2};
  std::vector<double> s = {9, 8, kNaN, 7, 3};
  ChurnFeatureOptions o;
  EXPECT_NE(Error(ComputeChurnFeatures<double>(c, t, s, {}, ids, {}, 10, o).status())
                .find("response time at row 1 is missing"),
            std::string::npos);
  o.scores.missing = Missing::kSkip;
  o.unknown = UnknownCustomers::kSkip;
  auto f = ComputeChurnFeatures<double>(c, t, s, {}, ids, {}, 10, o);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->skipped_missing_times, 1);
  EXPECT_EQ(f->skipped_missing_scores, 1);
  EXPECT_EQ(f->skipped_unknown_customers, 1);
  EXPECT_EQ(f->used, 2);
  EXPECT_EQ(f->n_responses[0], 2);
  EXPECT_EQ(f->has_response[1], 0);
}

// A second implementation: per customer, the responses by as_of sorted by
// time, read off directly.
// Steps 1 (ids equal to 1000 + row: no lookup), 3 (dense: a lookup table)
// and 2^40 (sparse: a hash map).
class AgreesWithSortedLists : public ::testing::TestWithParam<int64_t> {};

TEST_P(AgreesWithSortedLists, AllFeatures) {
  const int64_t step = GetParam();
  std::mt19937_64 rng(7);
  const int n = 5000, m = 400;
  std::vector<int64_t> c(n), t(n), fol(n), ids(m), signup(m);
  std::vector<int16_t> s(n);
  for (int r = 0; r < m; ++r) {
    ids[r] = 1000 + step * r;
    signup[r] = static_cast<int64_t>(rng() % (400 * D));
  }
  for (int i = 0; i < n; ++i) {
    c[i] = ids[rng() % (m - 20)];  // the last 20 customers never answer
    t[i] = static_cast<int64_t>(rng() % (1000 * D));  // distinct with high probability
    s[i] = static_cast<int16_t>(rng() % 11);
    fol[i] = rng() % 2 ? kMissingTime : t[i] + static_cast<int64_t>(rng() % (20 * D));
  }
  const int64_t as_of = 600 * D;
  auto f = ComputeChurnFeatures<int16_t>(c, t, s, fol, ids, signup, as_of);
  ASSERT_TRUE(f.ok()) << f.status();
  std::map<int64_t, std::vector<std::pair<int64_t, int>>> by;
  for (int i = 0; i < n; ++i) {
    if (t[i] <= as_of) by[c[i]].push_back({t[i], i});
  }
  for (int r = 0; r < m; ++r) {
    auto& v = by[ids[r]];
    std::sort(v.begin(), v.end());
    ASSERT_EQ(f->n_responses[r], static_cast<int64_t>(v.size()));
    if (v.empty()) {
      EXPECT_EQ(f->has_response[r], 0);
      continue;
    }
    const int last = v.back().second;
    EXPECT_EQ(f->latest_row[r], last);
    EXPECT_EQ(f->score[r], s[last]);
    const int seg = s[last] <= 6 ? -1 : s[last] <= 8 ? 0 : 1;
    EXPECT_EQ(f->segment[r], seg);
    double sum = 0, lo = 99;
    for (auto& p : v) sum += s[p.second], lo = std::min<double>(lo, s[p.second]);
    EXPECT_NEAR(f->mean_score[r], sum / v.size(), 1e-12);
    EXPECT_EQ(f->min_score[r], lo);
    if (v.size() >= 2) {
      EXPECT_EQ(f->score_change[r], s[last] - s[v[v.size() - 2].second]);
    }
    EXPECT_DOUBLE_EQ(f->days_since_response[r], double(as_of - t[last]) / D);
    EXPECT_DOUBLE_EQ(f->tenure_days[r], double(t[last] - signup[r]) / D);
    const bool waiting = seg < 0 && !(fol[last] != kMissingTime && fol[last] <= as_of);
    EXPECT_DOUBLE_EQ(f->days_detractor_waiting[r], waiting ? double(as_of - t[last]) / D : 0);
  }
}

INSTANTIATE_TEST_SUITE_P(IdLayouts, AgreesWithSortedLists,
                         ::testing::Values(int64_t{1}, int64_t{3}, int64_t{1} << 40));

TEST(ChurnLabelsTest, Labels) {
  // as_of day 100, horizon 90 days: churned at day 50 (before), day 100
  // (at as_of: before), day 150 (1), day 190 (1, the horizon's end), day 191
  // (0), never (0); a customer signing up at day 120 is not yet one.
  std::vector<int64_t> churned = {50 * D, 100 * D, 150 * D, 190 * D, 191 * D, kMissingTime,
                                  kMissingTime};
  std::vector<int64_t> signup = {0, 0, 0, 0, 0, 0, 120 * D};
  auto l = ComputeChurnLabels(churned, signup, 100 * D, 90 * D);
  ASSERT_TRUE(l.ok()) << l.status();
  EXPECT_EQ(l->label, (std::vector<int8_t>{-1, -1, 1, 1, 0, 0, -1}));
  EXPECT_EQ(l->positives, 2);
  EXPECT_EQ(l->negatives, 2);
  EXPECT_EQ(l->churned_before, 2);
  EXPECT_EQ(l->not_yet_customers, 1);
  EXPECT_FALSE(ComputeChurnLabels(churned, signup, 100 * D, 0).ok());
  EXPECT_FALSE(ComputeChurnLabels(churned, {0}, 100 * D, D).ok());
  EXPECT_FALSE(ComputeChurnLabels(churned, {}, INT64_MAX - 5, D).ok());
  EXPECT_FALSE(ComputeChurnLabels(churned, {}, kMissingTime, D).ok());
}

TEST(TimeSplitTest, Check) {
  EXPECT_TRUE(CheckTimeSplit(0, 90 * D, 90 * D).ok());
  EXPECT_TRUE(CheckTimeSplit(0, 90 * D, 90 * D, 180 * D).ok());
  auto st = CheckTimeSplit(0, 80 * D, 90 * D);
  EXPECT_NE(std::string(st.message()).find("10 days after test_as_of"), std::string::npos) << st;
  st = CheckTimeSplit(0, 90 * D, 90 * D, 170 * D);
  EXPECT_NE(std::string(st.message()).find("10 days after the end of observation"),
            std::string::npos) << st;
  EXPECT_FALSE(CheckTimeSplit(0, 90 * D, 0).ok());
  EXPECT_EQ(CheckTimeSplit(kMissingTime, 90 * D, D).message(),
            "train_as_of is missing (NaT): give the training instant");
  EXPECT_EQ(CheckTimeSplit(0, kMissingTime, D).message(),
            "test_as_of is missing (NaT): give the test instant");
  EXPECT_FALSE(CheckTimeSplit(0, INT64_MAX, D).ok());
}

}  // namespace
}  // namespace npscore
