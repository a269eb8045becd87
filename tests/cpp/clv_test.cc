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
            "monetary_value at row 1 is -3 (frequency 2): must be finite and > 0 for a repeat "
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
