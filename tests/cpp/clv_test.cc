// Tests of the clv module. Expected values: the published CDNOW estimates
// (Fader, Hardie & Lee 2005 for BG/NBD: r = 0.243, alpha = 4.414, a = 0.793,
// b = 2.426, and the customer with x = 2, t_x = 30.43, T = 38.86 expecting
// 1.226 purchases in the next 39 weeks; Fader & Hardie's Gamma-Gamma note:
// p = 6.25, q = 3.74, v = 15.44), lifetimes 0.11.3's figures for the same
// data (quoted beside each case), RFM summaries counted by hand, and
// invariants (weighted = expanded rows, monotone expectations).

#include "npscore/clv.h"

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <tuple>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/cpp/cdnow.h"

namespace npscore {
namespace {

int64_t Utc(int y, int m, int d, int hh = 0) {
  return absl::ToUnixNanos(
      absl::FromCivil(absl::CivilSecond(y, m, d, hh, 0, 0), absl::UTCTimeZone()));
}

using test_data::Cdnow;
using test_data::LoadCdnow;

// --- RFM ---------------------------------------------------------------------------

TEST(RfmTest, WeeklyByHand) {
  // 2024-01-01 is a Monday. Customer 0 buys in weeks 0, 0, 2, 5 (amounts
  // 1, 2, 3, 4 + 6 in week 5); customer 1 once in week 3; customer 2 never.
  const std::vector<int64_t> c = {0, 1, 0, 0, 0, 0};
  const std::vector<int64_t> t = {Utc(2024, 1, 1), Utc(2024, 1, 22), Utc(2024, 1, 7, 23),
                                  Utc(2024, 1, 15), Utc(2024, 2, 5), Utc(2024, 2, 11)};
  const std::vector<double> a = {1, 5, 2, 3, 4, 6};
  auto s = SummarizeRfm(c, 3, t, a, Utc(2024, 2, 20), Frequency::kWeek);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->frequency[0], 2);
  EXPECT_EQ(s->recency[0], 5);
  EXPECT_EQ(s->T[0], 7);                     // Feb 19 is the Monday of week 7
  EXPECT_EQ(s->monetary_value[0], (3 + 10) / 2.0);
  EXPECT_EQ(s->frequency[1], 0);
  EXPECT_EQ(s->recency[1], 0);
  EXPECT_EQ(s->T[1], 4);
  EXPECT_EQ(s->monetary_value[1], 0);
  EXPECT_EQ(s->transactions[0], 5);
  EXPECT_EQ(s->transactions[2], 0);
  EXPECT_TRUE(std::isnan(s->frequency[2]));
}

TEST(RfmTest, DaysMonthsAndQuarters) {
  const std::vector<int64_t> c = {0, 0, 0};
  const std::vector<int64_t> t = {Utc(2023, 12, 31, 23), Utc(2024, 1, 1), Utc(2024, 3, 31)};
  auto d = SummarizeRfm(c, 1, t, {}, Utc(2024, 4, 2), Frequency::kDay);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->frequency[0], 2);
  EXPECT_EQ(d->recency[0], 91);  // Dec 31 -> Mar 31 (2024 is a leap year)
  EXPECT_EQ(d->T[0], 93);
  EXPECT_EQ(d->monetary_value[0], 0);  // no amounts
  auto m = SummarizeRfm(c, 1, t, {}, Utc(2024, 4, 2), Frequency::kMonth);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->frequency[0], 2);  // Dec, Jan, Mar
  EXPECT_EQ(m->recency[0], 3);
  EXPECT_EQ(m->T[0], 4);
  auto q = SummarizeRfm(c, 1, t, {}, Utc(2024, 4, 2), Frequency::kQuarter);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->frequency[0], 1);  // 2023Q4, 2024Q1
  EXPECT_EQ(q->recency[0], 1);
  EXPECT_EQ(q->T[0], 2);
  // Times before 1970 floor correctly: 1969-12-31 23:00 is a Wednesday of the
  // week starting Monday 1969-12-29, day -1, month -1.
  const std::vector<int64_t> old = {Utc(1969, 12, 31, 23), Utc(1970, 1, 5)};
  auto w = SummarizeRfm({0, 0}, 1, old, {}, Utc(1970, 1, 5), Frequency::kWeek);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->recency[0], 1);
  auto mo = SummarizeRfm({0, 0}, 1, old, {}, Utc(1970, 1, 5), Frequency::kMonth);
  EXPECT_EQ(mo->recency[0], 1);
}

TEST(RfmTest, HoursAndUnits) {
  // Clock hours: purchases at 10:05, 10:55 (same hour), 13:00 and 13:59
  // (same hour); the end at 15:30. Hours 10, 13 and 15 by hand.
  const int64_t h = int64_t{3600} * 1000000000, m = 60 * int64_t{1000000000};
  const int64_t d = Utc(2024, 3, 1);
  const std::vector<int64_t> c = {0, 0, 0, 0};
  const std::vector<int64_t> t = {d + 10 * h + 5 * m, d + 10 * h + 55 * m, d + 13 * h,
                                  d + 13 * h + 59 * m};
  auto s = SummarizeRfm(c, 1, t, {1, 2, 3, 4}, d + 15 * h + 30 * m, RfmUnit::kHour);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->frequency[0], 1);
  EXPECT_EQ(s->recency[0], 3);
  EXPECT_EQ(s->T[0], 5);
  EXPECT_EQ(s->monetary_value[0], 7);
  // The Frequency overload is the RfmUnit one.
  auto w1 = SummarizeRfm(c, 1, t, {}, Utc(2024, 5, 1), Frequency::kWeek);
  auto w2 = SummarizeRfm(c, 1, t, {}, Utc(2024, 5, 1), RfmUnit::kWeek);
  ASSERT_TRUE(w1.ok() && w2.ok());
  EXPECT_EQ(w1->T, w2->T);
  for (const char* name : {"H", "h", "hour", "HOUR"}) {
    EXPECT_EQ(*ParseRfmUnit(name), RfmUnit::kHour) << name;
  }
  EXPECT_EQ(*ParseRfmUnit("W-MON"), RfmUnit::kWeek);
  EXPECT_EQ(*ParseRfmUnit("q"), RfmUnit::kQuarter);
  EXPECT_EQ(ParseRfmUnit("Y").status().message(),
            "freq is \"Y\": use \"D\" (days), \"W\" (weeks), \"M\" (months), \"Q\" "
            "(quarters) or \"H\" (hours)");
  // lifetimes' units per month, and a quarter of three months.
  EXPECT_EQ(PeriodsPerMonth(RfmUnit::kDay), 30);
  EXPECT_EQ(PeriodsPerMonth(RfmUnit::kWeek), 4.345);
  EXPECT_EQ(PeriodsPerMonth(RfmUnit::kMonth), 1);
  EXPECT_EQ(3 * PeriodsPerMonth(RfmUnit::kQuarter), 1);
  EXPECT_EQ(PeriodsPerMonth(RfmUnit::kHour), 720);
}

TEST(RfmTest, UnsortedEqualsSorted) {
  std::vector<int64_t> c, t;
  std::vector<double> a;
  uint64_t state = 42;
  // 300,000 rows: enough for the multi-threaded passes.
  for (int i = 0; i < 300000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    c.push_back(static_cast<int64_t>((state >> 33) % 20011));
    t.push_back(Utc(2024, 1, 1) + static_cast<int64_t>((state >> 11) % 200) * 86400000000000LL);
    a.push_back(static_cast<double>((state >> 40) % 50));
  }
  auto s1 = SummarizeRfm(c, 20011, t, a, Utc(2024, 12, 31), Frequency::kWeek);
  // Sort rows by (customer, time): the same summary.
  std::vector<size_t> idx(c.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t i, size_t j) {
    return std::make_pair(c[i], t[i]) < std::make_pair(c[j], t[j]);
  });
  std::vector<int64_t> c2, t2;
  std::vector<double> a2;
  for (size_t i : idx) {
    c2.push_back(c[i]);
    t2.push_back(t[i]);
    a2.push_back(a[i]);
  }
  auto s2 = SummarizeRfm(c2, 20011, t2, a2, Utc(2024, 12, 31), Frequency::kWeek);
  ASSERT_TRUE(s1.ok() && s2.ok());
  EXPECT_EQ(s1->frequency, s2->frequency);
  EXPECT_EQ(s1->recency, s2->recency);
  EXPECT_EQ(s1->T, s2->T);
  for (size_t k = 0; k < 20011; ++k) EXPECT_NEAR(s1->monetary_value[k], s2->monetary_value[k], 1e-12);
}

TEST(RfmTest, BadInput) {
  const int64_t end = Utc(2024, 2, 1);
  auto late = SummarizeRfm({0, 0}, 1, {Utc(2024, 1, 1), Utc(2024, 2, 1, 1)}, {}, end,
                           Frequency::kDay);
  EXPECT_EQ(late.status().message(),
            "time at row 1 is 2024-02-01 01:00:00 (1706749200000000000 ns): after "
            "observation_end 2024-02-01 00:00:00 (1706745600000000000 ns)");
  auto nat = SummarizeRfm({0, 0}, 1, {Utc(2024, 1, 1), kMissingTime}, {}, end, Frequency::kDay);
  EXPECT_EQ(nat.status().message(), "time at row 1 is missing (NaT)");
  auto neg = SummarizeRfm({0, 0}, 1, {Utc(2024, 1, 1), Utc(2024, 1, 2)}, {1, -2}, end,
                          Frequency::kDay);
  EXPECT_EQ(neg.status().message(), "amount at row 1 is -2: amounts must be finite and >= 0");
  auto nan = SummarizeRfm({0}, 1, {Utc(2024, 1, 1)}, {std::nan("")}, end, Frequency::kDay);
  EXPECT_EQ(nan.status().message(), "amount at row 0 is NaN: amounts must be finite and >= 0");
  auto code = SummarizeRfm({0, 3}, 2, {end, end}, {}, end, Frequency::kDay);
  EXPECT_EQ(code.status().message(), "customer code at row 1 is 3: outside 0..1");
  auto len = SummarizeRfm({0, 0}, 1, {end}, {}, end, Frequency::kDay);
  EXPECT_FALSE(len.ok());
  auto no_end = SummarizeRfm({0}, 1, {end}, {}, kMissingTime, Frequency::kDay);
  EXPECT_EQ(no_end.status().message(), "observation_end is missing (NaT)");
  // n_customers sizes the summary whatever the rows: bounded, and named.
  auto many = SummarizeRfm({0}, kMaxRfmCustomers + 1, {end}, {}, end, Frequency::kDay);
  EXPECT_EQ(many.status().message(), "n_customers is 268435457: must be in 0..268435456 (kMaxRfmCustomers)");
  EXPECT_FALSE(SummarizeRfm({0}, -1, {end}, {}, end, Frequency::kDay).ok());
}

// --- BG/NBD ---------------------------------------------------------------------

TEST(BetaGeoTest, ReproducesCdnow) {
  const Cdnow d = LoadCdnow();
  ASSERT_EQ(d.x.size(), 2357u);
  auto fit = FitBetaGeo(d.x, d.tx, d.T);
  ASSERT_TRUE(fit.ok()) << fit.status();
  const BetaGeoParams& p = fit->params;
  // Published (FHL 2005), three decimals.
  EXPECT_NEAR(p.r, 0.243, 5e-4);
  EXPECT_NEAR(p.alpha, 4.414, 5e-4);
  EXPECT_NEAR(p.a, 0.793, 5e-4);
  EXPECT_NEAR(p.b, 2.426, 5e-4);
  // Published log-likelihood -9582.4.
  EXPECT_NEAR(fit->info.log_likelihood, -9582.4, 0.05);
  // lifetimes 0.11.3 (tol 1e-7): r 0.242593, alpha 4.413532, a 0.792886, b 2.425752.
  EXPECT_NEAR(p.r, 0.24259292827982182, 2e-5);
  EXPECT_NEAR(p.alpha, 4.413532265271819, 5e-4);
  EXPECT_NEAR(p.a, 0.7928859664406882, 2e-4);
  EXPECT_NEAR(p.b, 2.42575238262586, 1e-3);
  // The paper's customer: x = 2, t_x = 30.43, T = 38.86.
  auto e = BetaGeoExpectedPurchases(p, 39, {2.0}, {30.43}, {38.86});
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR((*e)[0], 1.226, 5e-4);
  auto alive = BetaGeoProbabilityAlive(p, {2.0}, {30.43}, {38.86});
  EXPECT_NEAR((*alive)[0], 0.7266, 2e-4);  // lifetimes: 0.72660914
}

// Stopping at max_iterations is not an error: the last estimate comes back
// (finite, positive, its gradient above the tolerance) with converged false;
// given the iterations it needs, the same fit converges.
TEST(BetaGeoTest, IterationLimitReturnsTheLastEstimate) {
  const Cdnow d = LoadCdnow();
  FitOptions o;
  o.max_iterations = 2;
  auto bg = FitBetaGeo(d.x, d.tx, d.T, {}, o);
  ASSERT_TRUE(bg.ok()) << bg.status();
  EXPECT_FALSE(bg->info.converged);
  EXPECT_EQ(bg->info.iterations, 2);
  EXPECT_GE(bg->info.gradient_norm, o.tolerance);
  for (double v : {bg->params.r, bg->params.alpha, bg->params.a, bg->params.b}) {
    EXPECT_TRUE(std::isfinite(v) && v > 0) << v;
  }
  EXPECT_TRUE(std::isfinite(bg->info.log_likelihood));
  auto gg = FitGammaGamma(d.x, d.m, {}, o);
  ASSERT_TRUE(gg.ok()) << gg.status();
  EXPECT_FALSE(gg->info.converged);
  EXPECT_TRUE(std::isfinite(gg->params.p) && std::isfinite(gg->params.q) &&
              std::isfinite(gg->params.v));
  auto full = FitBetaGeo(d.x, d.tx, d.T);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE(full->info.converged);
  EXPECT_LT(full->info.gradient_norm, FitOptions{}.tolerance * 1e3);
  EXPECT_TRUE(FitGammaGamma(d.x, d.m)->info.converged);
}

TEST(BetaGeoTest, WeightsEqualRepeatedRows) {
  // CDNOW condensed to its distinct (x, t_x, T) histories with counts, as
  // Fader and Hardie do, gives the fit of the individual rows.
  const Cdnow d = LoadCdnow();
  std::map<std::tuple<double, double, double>, double> counts;
  for (size_t i = 0; i < d.x.size(); ++i) counts[{d.x[i], d.tx[i], d.T[i]}] += 1;
  std::vector<double> x, tx, T, w;
  for (const auto& [k, n] : counts) {
    x.push_back(std::get<0>(k));
    tx.push_back(std::get<1>(k));
    T.push_back(std::get<2>(k));
    w.push_back(n);
  }
  ASSERT_LT(x.size(), d.x.size());
  auto a = FitBetaGeo(x, tx, T, w);
  auto b = FitBetaGeo(d.x, d.tx, d.T);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  EXPECT_NEAR(a->params.r, b->params.r, 1e-7);
  EXPECT_NEAR(a->params.alpha, b->params.alpha, 1e-6);
  EXPECT_NEAR(a->params.a, b->params.a, 1e-6);
  EXPECT_NEAR(a->params.b, b->params.b, 1e-6);
  EXPECT_NEAR(a->info.log_likelihood, b->info.log_likelihood, 1e-7);
  EXPECT_EQ(a->info.customers, static_cast<int64_t>(x.size()));
}

TEST(BetaGeoTest, ReplicatedDataGiveTheSameEstimates) {
  // CDNOW repeated 110 times (259,270 rows, 104,060 repeat customers: the
  // subsample warm start of both fits and the threaded sums) has the
  // maximum-likelihood estimates of CDNOW itself.
  const Cdnow d = LoadCdnow();
  std::vector<double> x, tx, T, m;
  for (int k = 0; k < 110; ++k) {
    x.insert(x.end(), d.x.begin(), d.x.end());
    tx.insert(tx.end(), d.tx.begin(), d.tx.end());
    T.insert(T.end(), d.T.begin(), d.T.end());
    m.insert(m.end(), d.m.begin(), d.m.end());
  }
  auto big = FitBetaGeo(x, tx, T);
  auto small = FitBetaGeo(d.x, d.tx, d.T);
  ASSERT_TRUE(big.ok() && small.ok()) << big.status();
  EXPECT_NEAR(big->params.r, small->params.r, 1e-6 * small->params.r);
  EXPECT_NEAR(big->params.alpha, small->params.alpha, 1e-6 * small->params.alpha);
  EXPECT_NEAR(big->params.a, small->params.a, 1e-5 * small->params.a);
  EXPECT_NEAR(big->params.b, small->params.b, 1e-5 * small->params.b);
  EXPECT_NEAR(big->info.log_likelihood, 110 * small->info.log_likelihood, 1e-6 * 110 * 9582);
  auto gbig = FitGammaGamma(x, m);
  auto gsmall = FitGammaGamma(d.x, d.m);
  ASSERT_TRUE(gbig.ok() && gsmall.ok()) << gbig.status();
  EXPECT_NEAR(gbig->params.p, gsmall->params.p, 1e-5 * gsmall->params.p);
  EXPECT_NEAR(gbig->params.q, gsmall->params.q, 1e-5 * gsmall->params.q);
  EXPECT_NEAR(gbig->params.v, gsmall->params.v, 1e-5 * gsmall->params.v);
}

TEST(BetaGeoTest, ExpectationsAreStableAndMonotone) {
  const BetaGeoParams p{0.243, 4.414, 0.793, 2.426};
  // Large frequency and a long history: finite, between 0 and the rate bound.
  auto big = BetaGeoExpectedPurchases(p, 52, {5000.0}, {9990.0}, {10000.0});
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE(std::isfinite((*big)[0]));
  // About P(alive) * (posterior rate) * t: the dropout chance over 26
  // purchases is 26 E[p] = 26 * 0.793 / 5003.2 ~ 0.4%, so slightly less.
  auto alive_big = BetaGeoProbabilityAlive(p, {5000.0}, {9990.0}, {10000.0});
  const double bound = (*alive_big)[0] * 52 * 5000.243 / 10004.414;
  EXPECT_LT((*big)[0], bound);
  EXPECT_GT((*big)[0], bound * (1 - 26 * 0.793 / 5003.2));
  // a == 1 exactly (the textbook formula divides by a - 1).
  const BetaGeoParams one{0.5, 3, 1.0, 2};
  auto e1 = BetaGeoExpectedPurchases(one, 10, {1.0}, {5.0}, {20.0});
  const BetaGeoParams near{0.5, 3, 1.0 + 1e-7, 2};
  auto e2 = BetaGeoExpectedPurchases(near, 10, {1.0}, {5.0}, {20.0});
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_NEAR((*e1)[0], (*e2)[0], 1e-6);
  double prev = 0;
  for (double t : {0.5, 1.0, 5.0, 20.0, 100.0, 1000.0}) {
    auto e = BetaGeoExpectedPurchases(p, t, {3.0}, {10.0}, {12.0});
    EXPECT_GT((*e)[0], prev);
    prev = (*e)[0];
  }
  auto zero = BetaGeoExpectedPurchases(p, 0, {3.0}, {10.0}, {12.0});
  EXPECT_EQ((*zero)[0], 0);
}

TEST(BetaGeoTest, BadInput) {
  auto r = FitBetaGeo({1, 2}, {5, 0}, {10, 10});
  EXPECT_EQ(r.status().message(),
            "frequency at row 1 is 2 but recency is 0: repeat purchases must come after the "
            "first (recency > 0)");
  r = FitBetaGeo({0, 2}, {1, 3}, {10, 10});
  EXPECT_EQ(r.status().message(),
            "recency at row 0 is 1 but frequency is 0: without a repeat purchase recency must be 0");
  r = FitBetaGeo({1}, {12}, {10});
  EXPECT_EQ(r.status().message(),
            "recency at row 0 is 12, more than T (10): the last purchase cannot follow the end");
  r = FitBetaGeo({1.5}, {2}, {10});
  EXPECT_EQ(r.status().message(), "frequency at row 0 is 1.5: must be a whole number >= 0");
  r = FitBetaGeo({-1}, {0}, {10});
  EXPECT_FALSE(r.ok());
  r = FitBetaGeo({1}, {std::nan("")}, {10});
  EXPECT_EQ(r.status().message(), "recency at row 0 is NaN: must be finite and >= 0");
  r = FitBetaGeo({1}, {2}, {10}, {-1});
  EXPECT_EQ(r.status().message(), "weight at row 0 is -1: weights must be finite and >= 0");
  r = FitBetaGeo({}, {}, {});
  EXPECT_EQ(r.status().message(), "no customers to fit");
  // No repeat purchases at all: the dropout process is not identified.
  r = FitBetaGeo({0, 0, 0}, {0, 0, 0}, {10, 20, 30});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition)
      << (r.ok() ? absl::StrCat(r->params.r, " ", r->params.alpha, " ", r->params.a, " ", r->params.b, " it ", r->info.iterations) : "");
  EXPECT_NE(r.status().message().find("did not converge"), std::string::npos) << r.status();
  FitOptions o;
  o.penalizer = -1;
  EXPECT_EQ(FitBetaGeo({1}, {2}, {10}, {}, o).status().message(),
            "penalizer is -1: must be finite and >= 0");
  EXPECT_EQ(BetaGeoProbabilityAlive({0, 1, 1, 1}, {1}, {1}, {2}).status().message(),
            "parameter r is 0: must be finite and > 0");
  EXPECT_EQ(BetaGeoExpectedPurchases({1, 1, 1, 1}, -1, {1}, {1}, {2}).status().message(),
            "t is -1: the horizon must be finite and >= 0");
}

// Fit options a caller can set to anything: threads, iterations and the
// tolerance are bounded and named (the C ABI used to turn negative threads
// into 0 silently).
TEST(BetaGeoTest, OptionBounds) {
  auto msg = [](FitOptions o) {
    auto r = FitBetaGeo({1, 2, 0}, {2, 5, 0}, {10, 10, 10}, {}, o);
    auto g = FitGammaGamma({1, 2}, {10, 12}, {}, o);
    EXPECT_EQ(r.status().message(), g.status().message());
    return std::string(r.status().message());
  };
  FitOptions o;
  o.threads = -1;
  EXPECT_EQ(msg(o), "threads is -1: use 0 (automatic) or 1..256 (kMaxThreads)");
  o.threads = 1 << 30;
  EXPECT_EQ(msg(o), "threads is 1073741824: use 0 (automatic) or 1..256 (kMaxThreads)");
  o = {};
  o.max_iterations = kMaxIterations + 1;
  EXPECT_EQ(msg(o), "max_iterations is 10001: it must be in 1..10000 (kMaxIterations)");
  o = {};
  o.tolerance = HUGE_VAL;
  EXPECT_EQ(msg(o), "tolerance is inf: must be finite and > 0");
}

// --- Gamma-Gamma and CLV ------------------------------------------------------------

TEST(GammaGammaTest, ReproducesCdnow) {
  const Cdnow d = LoadCdnow();
  auto fit = FitGammaGamma(d.x, d.m);  // the x = 0 rows are left out
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->info.customers, 946);
  // Fader & Hardie's note: p = 6.25, q = 3.74, v = 15.44.
  EXPECT_NEAR(fit->params.p, 6.25, 5e-3);
  EXPECT_NEAR(fit->params.q, 3.74, 5e-3);
  EXPECT_NEAR(fit->params.v, 15.44, 1e-2);
  // lifetimes 0.11.3: p 6.248802, q 3.744588, v 15.447748.
  EXPECT_NEAR(fit->params.p, 6.248802496075312, 1e-3);
  EXPECT_NEAR(fit->params.q, 3.744588460923114, 1e-3);
  EXPECT_NEAR(fit->params.v, 15.44774806492914, 5e-3);
  // E[spend] of the first three customers (lifetimes: 24.6586, 18.9115, 35.1710).
  auto e = GammaGammaExpectedProfit(fit->params, {2, 1, 0}, {22.35, 11.77, 0});
  ASSERT_TRUE(e.ok());
  EXPECT_NEAR((*e)[0], 24.6586, 1e-3);
  EXPECT_NEAR((*e)[1], 18.9115, 1e-3);
  EXPECT_NEAR((*e)[2], 35.1710, 1e-3);
}

TEST(GammaGammaTest, BadInput) {
  auto r = FitGammaGamma({1, 2}, {10, -3});
  EXPECT_EQ(r.status().message(),
            "monetary_value is <= 0 for 1 repeat customer (frequency > 0), the first at row 1 "
            "(-3): the Gamma-Gamma model needs spend > 0; set nonpositive_spend to exclude to "
            "leave it out of the fit and count it, or fix the data");
  r = FitGammaGamma({1, 2}, {10, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(r.status().message(),
            "monetary_value at row 1 is inf (frequency 2): must be finite and > 0 for a repeat "
            "customer");
  r = FitGammaGamma({0, 0}, {0, 0});
  EXPECT_EQ(r.status().message(),
            "no customer with frequency > 0 (and weight > 0): the Gamma-Gamma model is fitted "
            "on repeat customers");
  r = FitGammaGamma({1}, {std::nan("")});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(GammaGammaExpectedProfit({1, 0.5, 1}, {1}, {1}).status().message(),
            "parameter q is 0.5: the expected spend needs q > 1 (its mean is p v / (q - 1))");
}

TEST(GammaGammaTest, NonPositiveSpendIsAnErrorOrExcluded) {
  const Cdnow d = LoadCdnow();
  // Two repeat customers with a refund-sized (0) and a negative mean spend,
  // and a non-repeat one with 0 (ignored as before).
  std::vector<double> x = d.x, m = d.m;
  x.insert(x.end(), {3, 1, 0});
  m.insert(m.end(), {0, -5, 0});
  auto r = FitGammaGamma(x, m);
  EXPECT_EQ(r.status().message(),
            absl::StrCat("monetary_value is <= 0 for 2 repeat customers (frequency > 0), the "
                         "first at row ", d.x.size(),
                         " (0): the Gamma-Gamma model needs spend > 0; set nonpositive_spend to "
                         "exclude to leave them out of the fit and count them, or fix the data"));
  FitOptions o;
  o.nonpositive_spend = FitOptions::NonPositiveSpend::kExclude;
  auto excluded = FitGammaGamma(x, m, {}, o);
  ASSERT_TRUE(excluded.ok()) << excluded.status();
  EXPECT_EQ(excluded->info.excluded, 2);
  EXPECT_EQ(excluded->info.customers, 946);
  // Leaving them out is fitting on the rows without them, bit for bit.
  auto clean = FitGammaGamma(d.x, d.m);
  ASSERT_TRUE(clean.ok());
  EXPECT_EQ(clean->info.excluded, 0);
  EXPECT_EQ(excluded->params.p, clean->params.p);
  EXPECT_EQ(excluded->params.q, clean->params.q);
  EXPECT_EQ(excluded->params.v, clean->params.v);
  // NaN stays an error under kExclude; a bad option value is refused.
  x.push_back(2);
  m.push_back(std::nan(""));
  EXPECT_FALSE(FitGammaGamma(x, m, {}, o).ok());
  o.nonpositive_spend = static_cast<FitOptions::NonPositiveSpend>(7);
  EXPECT_EQ(FitGammaGamma(d.x, d.m, {}, o).status().message(),
            "nonpositive_spend is 7: must be error (0) or exclude (1)");
}

// Standard errors: lifetimes 0.11.3's summary of the same fits (se(coef):
// BG/NBD r 0.0125573, alpha 0.378221, a 0.185719, b 0.705345; Gamma-Gamma
// p 1.189687, q 0.290166, v 4.159994), which inverts the Hessian of the
// mean negative log-likelihood in the log-parameters found by automatic
// differentiation at its own optimum (hence 1% here).
TEST(CovarianceTest, StandardErrorsMatchLifetimes) {
  const Cdnow d = LoadCdnow();
  auto bg = FitBetaGeo(d.x, d.tx, d.T);
  ASSERT_TRUE(bg.ok());
  auto cov = BetaGeoCovariance(bg->params, d.x, d.tx, d.T);
  ASSERT_TRUE(cov.ok()) << cov.status();
  ASSERT_EQ(cov->size(), 16u);
  const double bg_se[] = {0.0125573207, 0.3782214570, 0.1857190719, 0.7053453435};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(std::sqrt((*cov)[static_cast<size_t>(5 * i)]), bg_se[i], 0.01 * bg_se[i]) << i;
    for (int j = 0; j < 4; ++j) {
      EXPECT_EQ((*cov)[static_cast<size_t>(4 * i + j)], (*cov)[static_cast<size_t>(4 * j + i)]);
    }
  }
  auto gg = FitGammaGamma(d.x, d.m);
  ASSERT_TRUE(gg.ok());
  auto gcov = GammaGammaCovariance(gg->params, d.x, d.m);
  ASSERT_TRUE(gcov.ok()) << gcov.status();
  const double gg_se[] = {1.1896870481, 0.2901656174, 4.1599939284};
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(std::sqrt((*gcov)[static_cast<size_t>(4 * i)]), gg_se[i], 0.01 * gg_se[i]) << i;
  }
  // Weighted rows give the covariance of the expanded rows (the total, not
  // the mean, likelihood): doubling every row halves it.
  std::vector<double> two(d.x.size(), 2.0);
  auto half = BetaGeoCovariance(bg->params, d.x, d.tx, d.T, two);
  ASSERT_TRUE(half.ok());
  for (size_t k = 0; k < 16; ++k) {
    EXPECT_NEAR((*half)[k], (*cov)[k] / 2, 1e-6 * std::abs((*cov)[k]) + 1e-12);
  }
  // Far from the maximum the Hessian is not positive definite.
  EXPECT_FALSE(BetaGeoCovariance({1e-3, 1e3, 50, 1e-3}, d.x, d.tx, d.T).ok());
}

TEST(BetaGeoTest, UnconditionalPurchasesMatchHardie) {
  const Cdnow d = LoadCdnow();
  auto fit = FitBetaGeo(d.x, d.tx, d.T);
  ASSERT_TRUE(fit.ok());
  // Hardie's BG/NBD spreadsheet (lifetimes' test_estimation.py).
  const std::vector<double> t = {0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00};
  const std::vector<double> expected = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576};
  auto e = BetaGeoUnconditionalPurchases(fit->params, t);
  ASSERT_TRUE(e.ok()) << e.status();
  for (size_t i = 0; i < t.size(); ++i) EXPECT_NEAR((*e)[i], expected[i], 5e-4) << t[i];
  // E[X(t)] is the conditional expectation of a customer just acquired.
  for (size_t i = 0; i < t.size(); ++i) {
    auto c = BetaGeoExpectedPurchases(fit->params, t[i], {0}, {0}, {0});
    ASSERT_TRUE(c.ok());
    EXPECT_NEAR((*e)[i], (*c)[0], 1e-14 * (*c)[0]);
  }
  EXPECT_EQ(BetaGeoUnconditionalPurchases(fit->params, {-1}).status().message(),
            "t at row 0 is -1: the horizon must be finite and >= 0");
}

TEST(BetaGeoTest, PurchaseProbabilityMatchesBtyd) {
  // R package BTYD's bgnbd.pmf at the published CDNOW estimates (quoted in
  // lifetimes' test_estimation.py).
  const BetaGeoParams p{0.243, 4.414, 0.793, 2.426};
  auto one = BetaGeoPurchaseProbability(p, {2, 39}, {10, 0});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_NEAR((*one)[0], 1.07869e-07, 1e-5 * 1.07869e-07);
  EXPECT_NEAR((*one)[1], 0.5737864, 1e-7);
  const double pmf[] = {0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                        0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260};
  for (int n = 11; n <= 20; ++n) {
    auto r = BetaGeoPurchaseProbability(p, {30}, {static_cast<double>(n)});
    ASSERT_TRUE(r.ok());
    EXPECT_NEAR((*r)[0], pmf[n - 11], 1e-9) << n;
  }
  // A distribution whose mean is E[X(t)], at short and long horizons.
  for (double t : {0.5, 39.0, 500.0}) {
    std::vector<double> ts(20001, t), ns(20001);
    for (size_t k = 0; k < ns.size(); ++k) ns[k] = static_cast<double>(k);
    auto r = BetaGeoPurchaseProbability(p, ts, ns);
    ASSERT_TRUE(r.ok());
    double total = 0, mean = 0;
    for (size_t k = 0; k < ns.size(); ++k) {
      total += (*r)[k];
      mean += ns[k] * (*r)[k];
    }
    auto e = BetaGeoUnconditionalPurchases(p, {t});
    ASSERT_TRUE(e.ok());
    EXPECT_NEAR(total, 1, 1e-9) << t;
    EXPECT_NEAR(mean, (*e)[0], 1e-6 * (*e)[0]) << t;
  }
  // Long horizons: a slowly falling tail (1 - q = 1 - 4e-6) on its cheap
  // side, still a distribution (by the pmf of n <= 20 and E[X(t)] bounds).
  auto longest = BetaGeoPurchaseProbability(p, {1e6, 1e6}, {0, 5});
  ASSERT_TRUE(longest.ok());
  EXPECT_GT((*longest)[0], 0);
  EXPECT_GT((*longest)[1], 0);
  EXPECT_LT((*longest)[0] + (*longest)[1], 1);
  // t = 0: no purchase yet.
  auto zero = BetaGeoPurchaseProbability(p, {0, 0}, {0, 3});
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ((*zero)[0], 1);
  EXPECT_EQ((*zero)[1], 0);
  EXPECT_EQ(BetaGeoPurchaseProbability(p, {1}, {1.5}).status().message(),
            "n at row 0 is 1.5: must be a whole number in 0..10000000 (kMaxPurchaseCount)");
  EXPECT_EQ(BetaGeoPurchaseProbability(p, {1, 2}, {1}).status().message(),
            "n has 1 values but t has 2");
}

TEST(BetaGeoTest, PredictionsAcceptAnyRecencyWithoutRepeats) {
  // lifetimes' conditional_probability_alive(0, 1, 1) == 1: no prediction
  // depends on recency when frequency is 0 (the fit still refuses it).
  const BetaGeoParams p{0.243, 4.414, 0.793, 2.426};
  auto alive = BetaGeoProbabilityAlive(p, {0, 0}, {1, 0}, {1, 1});
  ASSERT_TRUE(alive.ok()) << alive.status();
  EXPECT_EQ((*alive)[0], 1);
  auto e = BetaGeoExpectedPurchases(p, 10, {0, 0}, {1, 0}, {1, 1});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ((*e)[0], (*e)[1]);
  EXPECT_FALSE(BetaGeoProbabilityAlive(p, {0}, {2}, {1}).ok());  // recency > T
}

TEST(ClvTest, MatchesLifetimesOnCdnow) {
  const Cdnow d = LoadCdnow();
  auto bg = FitBetaGeo(d.x, d.tx, d.T);
  auto gg = FitGammaGamma(d.x, d.m);
  ASSERT_TRUE(bg.ok() && gg.ok());
  std::vector<double> x(d.x.begin(), d.x.begin() + 3), tx(d.tx.begin(), d.tx.begin() + 3),
      T(d.T.begin(), d.T.begin() + 3), m(d.m.begin(), d.m.begin() + 3);
  auto clv = CustomerLifetimeValue(bg->params, gg->params, x, tx, T, m);
  ASSERT_TRUE(clv.ok()) << clv.status();
  // lifetimes 0.11.3 (time=12, discount_rate=0.01, freq="W"): 36.278496,
  // 4.637466, 8.344093 (its estimates differ from ours in the 5th digit).
  EXPECT_NEAR((*clv)[0], 36.278496, 2e-3);
  EXPECT_NEAR((*clv)[1], 4.637466, 5e-4);
  EXPECT_NEAR((*clv)[2], 8.344093, 5e-4);
  ClvOptions o;
  o.months = 0;
  EXPECT_EQ(CustomerLifetimeValue(bg->params, gg->params, x, tx, T, m, o).status().message(),
            "time is 0 months: must be in 1..1200 (kMaxClvMonths, 100 years)");
  o.months = 12;
  o.discount_rate = -1;
  EXPECT_EQ(CustomerLifetimeValue(bg->params, gg->params, x, tx, T, m, o).status().message(),
            "discount_rate is -1: must be finite and >= 0");
}

// The probe: time = 100000 months took 0.08 s per customer. The
// horizon is bounded by kMaxClvMonths (100 years).
TEST(ClvTest, HorizonIsBounded) {
  const BetaGeoParams bg{0.243, 4.414, 0.793, 2.426};
  const GammaGammaParams gg{6.25, 3.74, 15.45};
  ClvOptions o;
  o.months = 100000;
  EXPECT_EQ(CustomerLifetimeValue(bg, gg, {2}, {30.43}, {38.86}, {22.35}, o).status().message(),
            "time is 100000 months: must be in 1..1200 (kMaxClvMonths, 100 years)");
  o.months = kMaxClvMonths;
  EXPECT_TRUE(CustomerLifetimeValue(bg, gg, {2}, {30.43}, {38.86}, {22.35}, o).ok());
}

// The shortcuts of the discounted sum against the sum itself, month by
// month, from BetaGeoExpectedPurchases: without a discount the sum
// telescopes to the expected purchases over the whole horizon; with a high
// discount it stops once the rest is provably negligible. Both must equal
// the full sum.
TEST(ClvTest, ShortcutsEqualTheMonthlySum) {
  const BetaGeoParams bg{0.243, 4.414, 0.793, 2.426};
  const GammaGammaParams gg{6.25, 3.74, 15.45};
  const std::vector<double> x = {0, 2, 7, 40}, tx = {0, 30.43, 29.43, 38}, T = {38.86, 38.86, 38.86, 39},
                            m = {0, 22.35, 73.74, 10};
  auto profit = GammaGammaExpectedProfit(gg, x, m);
  ASSERT_TRUE(profit.ok());
  for (double rate : {0.0, 0.01, 0.3, 2.0}) {
    for (int months : {1, 12, 600}) {
      ClvOptions o;
      o.months = months;
      o.discount_rate = rate;
      auto clv = CustomerLifetimeValue(bg, gg, x, tx, T, m, o);
      ASSERT_TRUE(clv.ok()) << clv.status();
      std::vector<double> expected(x.size(), 0.0), previous(x.size(), 0.0);
      for (int k = 1; k <= months; ++k) {
        auto e = BetaGeoExpectedPurchases(bg, k * o.periods_per_month, x, tx, T);
        ASSERT_TRUE(e.ok());
        for (size_t i = 0; i < x.size(); ++i) {
          expected[i] += ((*e)[i] - previous[i]) * std::pow(1 + rate, -k);
          previous[i] = (*e)[i];
        }
      }
      for (size_t i = 0; i < x.size(); ++i) {
        EXPECT_NEAR((*clv)[i], expected[i] * (*profit)[i], 1e-12 * expected[i] * (*profit)[i])
            << "rate " << rate << " months " << months << " row " << i;
      }
    }
  }
}

}  // namespace
}  // namespace npscore
