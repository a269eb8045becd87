// Tests of the mix / rate attribution of an NPS change: hand examples (a
// general one, pure mix, pure rate, a slice absent from one period), the
// exact sum on random data, and the errors.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "npscore/health.h"

namespace npscore {
namespace {

Counts C(int64_t d, int64_t pa, int64_t pr) { return Counts{d, pa, pr, 0}; }

double Sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

TEST(AttributionTest, HandExample) {
  // a: slice 0 (10, 20, 20) NPS 20, slice 1 (20, 20, 10) NPS -20; weights .5/.5,
  //    overall 0.
  // b: slice 0 (10, 30, 40) NPS 37.5, slice 1 (5, 5, 10) NPS 25; weights .8/.2,
  //    overall (50 - 15) / 100 = 35.
  // slice 0: mix = .3 * (20 + 37.5) / 2 = 8.625, rate = .65 * 17.5 = 11.375;
  // slice 1: mix = -.3 * (-20 + 25) / 2 = -.75, rate = .35 * 45 = 15.75.
  const std::vector<Counts> a = {C(10, 20, 20), C(20, 20, 10)};
  const std::vector<Counts> b = {C(10, 30, 40), C(5, 5, 10)};
  auto r = AttributeChange(a, b);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(r->overall_a, 0, 1e-12);
  EXPECT_NEAR(r->overall_b, 35, 1e-12);
  EXPECT_NEAR(r->change, 35, 1e-12);
  EXPECT_NEAR(r->weight_a[0], 0.5, 1e-15);
  EXPECT_NEAR(r->weight_b[1], 0.2, 1e-15);
  EXPECT_NEAR(r->nps_a[1], -20, 1e-12);
  EXPECT_NEAR(r->nps_b[0], 37.5, 1e-12);
  EXPECT_NEAR(r->mix[0], 8.625, 1e-12);
  EXPECT_NEAR(r->rate[0], 11.375, 1e-12);
  EXPECT_NEAR(r->mix[1], -0.75, 1e-12);
  EXPECT_NEAR(r->rate[1], 15.75, 1e-12);
  EXPECT_NEAR(r->total[0], 20, 1e-12);  // .8 * 37.5 - .5 * 20
  EXPECT_NEAR(r->total[1], 15, 1e-12);  // .2 * 25 - .5 * (-20)
}

TEST(AttributionTest, PureMix) {
  // Each slice keeps its NPS (+100, -100); slice 0 grows from 1/2 to 3/4 of
  // the respondents: overall 0 -> 50, all of it mix, 25 from each slice.
  const std::vector<Counts> a = {C(0, 0, 10), C(10, 0, 0)};
  const std::vector<Counts> b = {C(0, 0, 30), C(10, 0, 0)};
  auto r = AttributeChange(a, b);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->change, 50, 1e-12);
  EXPECT_EQ(r->rate[0], 0);
  EXPECT_EQ(r->rate[1], 0);
  EXPECT_NEAR(r->mix[0], 25, 1e-12);
  EXPECT_NEAR(r->mix[1], 25, 1e-12);
}

TEST(AttributionTest, PureRate) {
  // Weights stay 1/2 each; slice NPS 25 -> 40 and -25 -> 0: overall 0 -> 20,
  // all of it rate (7.5 + 12.5).
  const std::vector<Counts> a = {C(5, 5, 10), C(10, 5, 5)};
  const std::vector<Counts> b = {C(2, 8, 10), C(5, 10, 5)};
  auto r = AttributeChange(a, b);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->change, 20, 1e-12);
  EXPECT_EQ(r->mix[0], 0);
  EXPECT_EQ(r->mix[1], 0);
  EXPECT_NEAR(r->rate[0], 7.5, 1e-12);
  EXPECT_NEAR(r->rate[1], 12.5, 1e-12);
}

TEST(AttributionTest, SliceAbsentFromOnePeriodIsAllMix) {
  // Slice 1 appears in b with NPS 100 and weight 1/2: it takes NPS 100 in a
  // too, so its effect is mix = .5 * 100 = 50. Slice 0 keeps NPS 25 and drops
  // from weight 1 to 1/2: mix -12.5. Overall 25 -> 62.5. Slice 2 is empty in
  // both periods: zeros.
  const std::vector<Counts> a = {C(1, 1, 2), C(0, 0, 0), C(0, 0, 0)};
  const std::vector<Counts> b = {C(1, 1, 2), C(0, 0, 4), C(0, 0, 0)};
  auto r = AttributeChange(a, b);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_NEAR(r->change, 37.5, 1e-12);
  EXPECT_EQ(r->weight_a[1], 0);
  EXPECT_EQ(r->nps_a[1], 100);
  EXPECT_EQ(r->rate[1], 0);
  EXPECT_NEAR(r->mix[1], 50, 1e-12);
  EXPECT_NEAR(r->mix[0], -12.5, 1e-12);
  EXPECT_EQ(r->rate[0], 0);
  for (const auto* col : {&r->weight_a, &r->weight_b, &r->nps_a, &r->nps_b, &r->mix, &r->rate,
                          &r->total}) {
    EXPECT_EQ((*col)[2], 0);
  }
  // The same slice leaving (b empty) mirrors it.
  auto back = AttributeChange(b, a);
  ASSERT_TRUE(back.ok());
  EXPECT_NEAR(back->mix[1], -50, 1e-12);
  EXPECT_EQ(back->rate[1], 0);
  EXPECT_EQ(back->nps_b[1], 100);
}

TEST(AttributionTest, PartsAddUpOnRandomData) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> count(0, 500);
  std::bernoulli_distribution empty(0.15);
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<Counts> a(40), b(40);
    int64_t net_a = 0, n_a = 0, net_b = 0, n_b = 0;
    for (size_t s = 0; s < a.size(); ++s) {
      if (!empty(rng)) a[s] = C(count(rng), count(rng), count(rng));
      if (!empty(rng)) b[s] = C(count(rng), count(rng), count(rng));
      net_a += a[s].promoters - a[s].detractors;
      n_a += a[s].n();
      net_b += b[s].promoters - b[s].detractors;
      n_b += b[s].n();
    }
    auto r = AttributeChange(a, b);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_NEAR(r->overall_a, 100.0 * net_a / n_a, 1e-12);
    EXPECT_NEAR(r->overall_b, 100.0 * net_b / n_b, 1e-12);
    EXPECT_NEAR(Sum(r->total), r->change, 1e-12);
    EXPECT_NEAR(Sum(r->mix) + Sum(r->rate), r->change, 1e-12);
    EXPECT_NEAR(Sum(r->weight_a), 1, 1e-12);
    EXPECT_NEAR(Sum(r->weight_b), 1, 1e-12);
    // Swapping the periods negates every part (the split is symmetric).
    auto back = AttributeChange(b, a);
    ASSERT_TRUE(back.ok());
    for (size_t s = 0; s < a.size(); ++s) {
      EXPECT_NEAR(back->mix[s], -r->mix[s], 1e-12);
      EXPECT_NEAR(back->rate[s], -r->rate[s], 1e-12);
    }
  }
}

TEST(AttributionTest, Errors) {
  const std::vector<Counts> two = {C(1, 1, 1), C(1, 1, 1)};
  const std::vector<Counts> one = {C(1, 1, 1)};
  auto len = AttributeChange(two, one);
  EXPECT_NE(len.status().message().find("period a has 2 slices but period b has 1"),
            std::string::npos)
      << len.status();
  const std::vector<Counts> none = {C(0, 0, 0), Counts{0, 0, 0, 5}};
  auto empty = AttributeChange(two, none);
  EXPECT_NE(empty.status().message().find("period b has no respondents"), std::string::npos)
      << empty.status();
  EXPECT_FALSE(AttributeChange({}, {}).ok());
  const std::vector<Counts> neg = {C(1, -1, 1), C(1, 1, 1)};
  auto n = AttributeChange(neg, two);
  EXPECT_NE(n.status().message().find("slice 0 in period a"), std::string::npos) << n.status();
  // Counts whose total overflows int64 are an error in the core (no
  // undefined signed overflow), naming the period and slice.
  const std::vector<Counts> huge = {C(INT64_MAX, 0, 0), C(0, 0, 1)};
  EXPECT_EQ(AttributeChange(huge, two).status().message(),
            "counts of period a overflow int64 at slice 1");
}

}  // namespace
}  // namespace npscore
