// Tests of periods, the health table, its tests, trends and flags. Expected
// values are derived by hand beside each case (calendar facts, statsmodels'
// multipletests conventions for Holm and Benjamini-Hochberg).

#include "npscore/health.h"

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <random>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace npscore {
namespace {

int64_t Utc(int y, int m, int d, int hh = 0, int mm = 0) {
  return absl::ToUnixNanos(absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::UTCTimeZone()));
}

TEST(PeriodGridTest, MonthsInUtc) {
  auto g = MakePeriodGrid(Utc(2024, 1, 15), Utc(2024, 3, 2), Frequency::kMonth);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->labels, (std::vector<std::string>{"2024-01", "2024-02", "2024-03"}));
  EXPECT_EQ(g->starts, (std::vector<int64_t>{Utc(2024, 1, 1), Utc(2024, 2, 1), Utc(2024, 3, 1),
                                             Utc(2024, 4, 1)}));
}

TEST(PeriodGridTest, MonthStartsFollowTheTimeZone) {
  // New York is UTC-5 in January (EST) and UTC-4 in April (EDT). A response
  // at 2024-02-01 03:00 UTC is still January 31 in New York.
  auto g = MakePeriodGrid(Utc(2024, 1, 10), Utc(2024, 4, 10), Frequency::kMonth, "America/New_York");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->starts[0], Utc(2024, 1, 1, 5));
  EXPECT_EQ(g->starts[3], Utc(2024, 4, 1, 4));
  std::vector<int64_t> t = {Utc(2024, 2, 1, 3), Utc(2024, 2, 1, 6)};
  std::vector<int32_t> p(2);
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(p)).ok());
  EXPECT_EQ(p, (std::vector<int32_t>{0, 1}));
}

TEST(PeriodGridTest, IsoWeeksAndQuarters) {
  // 2024-12-30 is a Monday whose Thursday (2025-01-02) makes it 2025-W01;
  // 2024-12-29 (Sunday) is in 2024-W52.
  auto w = MakePeriodGrid(Utc(2024, 12, 29), Utc(2025, 1, 6), Frequency::kWeek);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->labels, (std::vector<std::string>{"2024-W52", "2025-W01", "2025-W02"}));
  EXPECT_EQ(w->starts[1], Utc(2024, 12, 30));
  auto q = MakePeriodGrid(Utc(2024, 11, 5), Utc(2025, 4, 1), Frequency::kQuarter);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->labels, (std::vector<std::string>{"2024Q4", "2025Q1", "2025Q2"}));
  // A day across Berlin's spring DST change lasts 23 hours.
  auto d = MakePeriodGrid(Utc(2024, 3, 30, 12), Utc(2024, 4, 1, 12), Frequency::kDay, "Europe/Berlin");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->labels[1], "2024-03-31");
  EXPECT_EQ(d->starts[2] - d->starts[1], int64_t{23} * 3600 * 1000000000);
}

TEST(PeriodGridTest, Errors) {
  EXPECT_NE(MakePeriodGrid(0, 1, Frequency::kMonth, "Mars/Olympus").status().message().find(
                "time_zone \"Mars/Olympus\" is not a zone of the time-zone database"),
            std::string::npos);
  EXPECT_FALSE(MakePeriodGrid(5, 1, Frequency::kMonth).ok());
  EXPECT_FALSE(ParseFrequency("fortnight").ok());
  EXPECT_EQ(*ParseFrequency("MS"), Frequency::kMonth);
  auto g = MakePeriodGrid(Utc(2024, 1, 1), Utc(2024, 1, 31), Frequency::kMonth);
  std::vector<int64_t> t = {Utc(2024, 1, 2), kMissingTime};
  std::vector<int32_t> p(2);
  EXPECT_NE(AssignPeriods(t, *g, absl::MakeSpan(p)).message().find("time at row 1 is missing"),
            std::string::npos);
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(p), /*skip_missing=*/true).ok());
  EXPECT_EQ(p[1], -1);
}

TEST(AdjustPValuesTest, HolmAndBenjaminiHochberg) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005, std::nan("")};
  // Holm: sorted .005*4=.02, .01*3=.03, .03*2=.06, .04*1=.04 -> monotone .06.
  auto holm = AdjustPValues(p, Adjustment::kHolm).value();
  EXPECT_NEAR(holm[0], 0.03, 1e-15);
  EXPECT_NEAR(holm[1], 0.06, 1e-15);
  EXPECT_NEAR(holm[2], 0.06, 1e-15);
  EXPECT_NEAR(holm[3], 0.02, 1e-15);
  EXPECT_TRUE(std::isnan(holm[4]));
  // BH: .005*4/1=.02, .01*4/2=.02, .03*4/3=.04, .04*4/4=.04.
  auto bh = AdjustPValues(p, Adjustment::kBenjaminiHochberg).value();
  EXPECT_NEAR(bh[0], 0.02, 1e-15);
  EXPECT_NEAR(bh[1], 0.04, 1e-15);
  EXPECT_NEAR(bh[2], 0.04, 1e-15);
  EXPECT_NEAR(bh[3], 0.02, 1e-15);
}

// A p-value outside [0, 1] is an error naming its row, for every adjustment
// (the probe got -0.4 back as an "adjusted" p-value); 0, 1 and NaN
// ("no test") are valid.
TEST(AdjustPValuesTest, RejectsValuesOutsideTheUnitInterval) {
  for (Adjustment a : {Adjustment::kHolm, Adjustment::kBenjaminiHochberg, Adjustment::kNone}) {
    auto r = AdjustPValues({0.2, -0.4, 0.3}, a);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(),
              "p-value at row 1 is -0.4: p-values must be in [0, 1] (NaN: no test, left out of "
              "the family)");
    EXPECT_FALSE(AdjustPValues({0.5, 1.0000001}, a).ok());
    EXPECT_EQ(AdjustPValues({0.5, HUGE_VAL}, a).status().message().substr(0, 24),
              "p-value at row 1 is inf:");
    auto ok = AdjustPValues({0.0, 1.0, std::nan("")}, a);
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(std::isnan((*ok)[2]));
  }
  EXPECT_FALSE(AdjustPValues({0.5}, static_cast<Adjustment>(7)).ok());
}

// Rows with the given segment mix: d detractors (score 3), pa passives (7),
// pr promoters (10), all in `period` and `slice`.
void Add(std::vector<int32_t>& scores, std::vector<int32_t>& periods, std::vector<int64_t>& slices,
         int d, int pa, int pr, int32_t period, int64_t slice) {
  for (int i = 0; i < d + pa + pr; ++i) {
    scores.push_back(i < d ? 3 : (i < d + pa ? 7 : 10));
    periods.push_back(period);
    slices.push_back(slice);
  }
}

TEST(HealthTest, SameNpsDifferentHealth) {
  // docs/sources.md section 4: +50 as 60/30/10 is healthy; +50 as 50/50/0 has a
  // huge passive base one step from leaving, and is flagged.
  std::vector<int32_t> s, p;
  std::vector<int64_t> sl;
  Add(s, p, sl, 10, 30, 60, 0, 0);
  Add(s, p, sl, 0, 50, 50, 0, 1);
  auto t = Health<int32_t>(s, p, 1, sl, 2);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_DOUBLE_EQ(t->nps[0], 50);
  EXPECT_DOUBLE_EQ(t->nps[1], 50);
  EXPECT_EQ(t->flags[0], 0u) << t->reasons[0];
  EXPECT_TRUE(t->flags[1] & kFlagPassiveVulnerability);
  // Judged on the Wilson lower bound of 50/100: 40.4% >= 40%.
  EXPECT_NE(t->reasons[1].find("passive share 50.0% (95% interval from 40.4%) >= 40.0%"),
            std::string::npos) << t->reasons[1];
  EXPECT_EQ(t->histogram[11 + 7], 50);  // slice 1's histogram: 50 sevens
}

TEST(HealthTest, ChangeAgainstPreviousPeriodMatchesCompare) {
  std::vector<int32_t> s, p;
  std::vector<int64_t> sl;
  Add(s, p, sl, 20, 30, 50, 0, 0);
  Add(s, p, sl, 40, 30, 30, 1, 0);
  HealthOptions opt;
  opt.interval.method = IntervalMethod::kWald;
  auto t = Health<int32_t>(s, p, 2, {}, 1, opt);
  ASSERT_TRUE(t.ok());
  // NPS 30 -> -10; se = 100 sqrt(.61/100 + .69/100).
  EXPECT_NEAR(t->nps_change[1], -40, 1e-12);
  EXPECT_NEAR(t->change_se[1], 100 * std::sqrt(0.0061 + 0.0069), 1e-10);
  // The score test of nps.h: the likelihood maximized under equal NPS by
  // scipy (Lagrange conditions, brentq) gives z = -3.40698123121959,
  // p = 0.000656856437108.
  EXPECT_NEAR(t->change_p[1], 0.000656856437108, 1e-14);
  EXPECT_TRUE(std::isnan(t->nps_change[0]));
  // Detractors 20% -> 40%: pooled .3, z = .2 / sqrt(.3 * .7 * .02).
  const double zd = 0.2 / std::sqrt(0.3 * 0.7 * 0.02);
  EXPECT_NEAR(t->detractor_change[1], 20, 1e-12);
  EXPECT_NEAR(t->detractor_change_p_adjusted[1], std::erfc(zd / std::sqrt(2.0)), 1e-12);
  EXPECT_TRUE(t->flags[1] & kFlagDetractorSurge) << t->reasons[1];
  EXPECT_TRUE(t->flags[1] & kFlagPromoterErosion) << t->reasons[1];
  EXPECT_EQ(t->flags[0], 0u);
}

TEST(HealthTest, EmptyPeriodIsARowAndLowNIsFlagged) {
  std::vector<int32_t> s, p;
  std::vector<int64_t> sl;
  Add(s, p, sl, 5, 5, 10, 0, 0);
  Add(s, p, sl, 5, 5, 10, 2, 0);
  auto t = Health<int32_t>(s, p, 3, {}, 1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->n[1], 0);
  EXPECT_TRUE(std::isnan(t->nps[1]));
  EXPECT_TRUE(t->flags[1] & kFlagLowN);
  EXPECT_TRUE(t->flags[0] & kFlagLowN);  // n = 20 < 30
  EXPECT_TRUE(std::isnan(t->nps_change[2]));  // the previous period is empty
}

TEST(HealthTest, GrowingPassivesUnderStableNpsAreFlagged) {
  // Passives grow 3 points a period out of promoters and detractors alike,
  // so the NPS stays at +30 while the passive base swells.
  std::vector<int32_t> s, p;
  std::vector<int64_t> sl;
  for (int k = 0; k < 6; ++k) {
    const int pa = 200 + 30 * k, d = (1000 - pa - 300) / 2, pr = d + 300;
    Add(s, p, sl, d, pa, pr, k, 0);
  }
  auto t = Health<int32_t>(s, p, 6, {}, 1);
  ASSERT_TRUE(t.ok());
  EXPECT_NEAR(t->nps[5], 30, 1e-12);
  EXPECT_NEAR(t->passive_trend[5], 3.0, 1e-9);
  EXPECT_NEAR(t->nps_trend[5], 0.0, 1e-9);
  EXPECT_TRUE(t->flags[5] & kFlagPassiveVulnerability) << t->reasons[5];
  EXPECT_NE(t->reasons[5].find("+3.0 points/period"), std::string::npos) << t->reasons[5];
  auto trends = SegmentTrends(*t, 6);
  ASSERT_TRUE(trends.ok());
  ASSERT_EQ(trends->size(), 3u);
  EXPECT_EQ((*trends)[1].segment, Segment::kPassive);
  EXPECT_NEAR((*trends)[1].slope_points, 3.0, 1e-9);
  EXPECT_NEAR((*trends)[1].start_share, 0.20, 1e-12);
  EXPECT_NEAR((*trends)[1].end_share, 0.35, 1e-12);
  EXPECT_LT((*trends)[1].p_adjusted, 1e-6);
  EXPECT_NEAR((*trends)[0].slope_points, -1.5, 1e-9);
}

TEST(HealthTest, StableSeriesStaysQuiet) {
  // 24 months x 5 slices drawn from one distribution (20/30/50): no change is
  // real, so with Holm's adjustment no flag should fire.
  std::mt19937_64 rng(7);
  std::discrete_distribution<int> seg({20, 30, 50});
  std::vector<int32_t> s, p;
  std::vector<int64_t> sl;
  for (int sli = 0; sli < 5; ++sli) {
    for (int k = 0; k < 24; ++k) {
      for (int i = 0; i < 400; ++i) {
        const int g = seg(rng);
        s.push_back(g == 0 ? 4 : (g == 1 ? 8 : 9));
        p.push_back(k);
        sl.push_back(sli);
      }
    }
  }
  auto t = Health<int32_t>(s, p, 24, sl, 5);
  ASSERT_TRUE(t.ok());
  for (size_t r = 0; r < t->size(); ++r) EXPECT_EQ(t->flags[r], 0u) << r << ": " << t->reasons[r];
}

TEST(HealthTest, FromHistogramEqualsCountingTheRows) {
  // Merged partial histograms (two halves of the rows, counted apart and
  // added) give the table of all rows, statistic for statistic.
  std::mt19937_64 rng(11);
  std::vector<int32_t> s, p;
  std::vector<int64_t> sl;
  for (int i = 0; i < 20000; ++i) {
    const int k = static_cast<int>(rng() % 18);
    s.push_back(static_cast<int32_t>(rng() % (k < 12 ? 11 : 8)));  // detractors surge late
    p.push_back(k);
    sl.push_back(static_cast<int64_t>(rng() % 3));
  }
  HealthOptions o;
  o.thresholds.baseline_months = 6;
  const auto all = Health<int32_t>(s, p, 18, sl, 3, o);
  ASSERT_TRUE(all.ok());
  const size_t half = s.size() / 2;
  const auto a = Health<int32_t>(absl::MakeSpan(s).subspan(0, half), absl::MakeSpan(p).subspan(0, half),
                                 18, absl::MakeSpan(sl).subspan(0, half), 3, o);
  const auto b = Health<int32_t>(absl::MakeSpan(s).subspan(half), absl::MakeSpan(p).subspan(half), 18,
                                 absl::MakeSpan(sl).subspan(half), 3, o);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<int64_t> h(a->histogram.size());
  for (size_t i = 0; i < h.size(); ++i) h[i] = a->histogram[i] + b->histogram[i];
  const auto merged = HealthFromHistogram(h, 18, 3, o);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->histogram, all->histogram);
  EXPECT_EQ(merged->n, all->n);
  EXPECT_EQ(merged->flags, all->flags);
  EXPECT_EQ(merged->reasons, all->reasons);
  int flagged = 0;
  for (size_t r = 0; r < all->size(); ++r) {
    flagged += all->flags[r] != 0;
    for (auto col : {&HealthTable::nps, &HealthTable::ci_low, &HealthTable::change_p_adjusted,
                     &HealthTable::drop_p_adjusted, &HealthTable::cusum, &HealthTable::passive_trend}) {
      const double x = ((*merged).*col)[r], y = ((*all).*col)[r];
      EXPECT_TRUE((std::isnan(x) && std::isnan(y)) || x == y) << r;
    }
  }
  EXPECT_GT(flagged, 0);
  // Errors: a negative count (named by slice, period and score), a size mismatch.
  h[11 * (18 + 2) + 5] = -1;  // slice 1, period 2, score 5
  EXPECT_NE(HealthFromHistogram(h, 18, 3, o).status().message().find(
                "slice 1, period 2, score 5 is -1"), std::string::npos);
  EXPECT_NE(HealthFromHistogram(absl::MakeSpan(h).subspan(1), 18, 3, o).status().message().find(
                "need 594"), std::string::npos);
}

TEST(HealthTest, ErrorsNameRowAndValue) {
  std::vector<double> s = {9, 7, 12};
  std::vector<int32_t> p = {0, 0, 0};
  auto t = Health<double>(s, p, 1, {}, 1);
  EXPECT_NE(t.status().message().find("score at row 2 is 12"), std::string::npos) << t.status();
  s[2] = 9;
  p[1] = 4;
  t = Health<double>(s, p, 1, {}, 1);
  EXPECT_NE(t.status().message().find("period code at row 1 is 4"), std::string::npos) << t.status();
  p[1] = -1;  // left out, and counted
  t = Health<double>(s, p, 1, {}, 1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->excluded, 1);
  EXPECT_EQ(t->n[0], 2);
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

TEST(RollingHealthTest, WindowsEqualDirectCountsOfTheirRows) {
  // 10 base days, 2 slices; windows of 3 days ending at each day >= 3. Each
  // window's counts must equal a direct count of the rows inside it.
  std::vector<int32_t> scores, day;
  std::vector<int64_t> slice;
  for (int i = 0; i < 500; ++i) {
    scores.push_back((i * 7) % 11);
    day.push_back((i * 13) % 10);
    slice.push_back(i % 2);
  }
  std::vector<int64_t> first, last;
  for (int end = 3; end <= 10; ++end) {
    first.push_back(end - 3);
    last.push_back(end);
  }
  auto t = RollingHealth<int32_t>(scores, day, 10, slice, 2, first, last);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->size(), 16u);
  for (int s = 0; s < 2; ++s) {
    for (size_t w = 0; w < first.size(); ++w) {
      int64_t n = 0, det = 0, sevens = 0;
      for (size_t i = 0; i < scores.size(); ++i) {
        if (slice[i] != s || day[i] < first[w] || day[i] >= last[w]) continue;
        ++n;
        det += scores[i] <= 6;
        sevens += scores[i] == 7;
      }
      const size_t r = static_cast<size_t>(s) * first.size() + w;
      EXPECT_EQ(t->n[r], n);
      EXPECT_EQ(t->detractors[r], det);
      EXPECT_EQ(t->histogram[r * 11 + 7], sevens);
      EXPECT_TRUE(std::isnan(t->nps_change[r]));  // overlapping windows: no test
    }
  }
  std::vector<int64_t> bad_first = {5};
  std::vector<int64_t> bad_last = {4};
  EXPECT_NE(RollingHealth<int32_t>(scores, day, 10, slice, 2, bad_first, bad_last)
                .status().message().find("window 0 is [5, 4)"),
            std::string::npos);
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

TEST(HealthTest, BadThresholdsAndSizesAreErrors) {
  std::vector<int32_t> s = {9}, p = {0};
  HealthOptions opt;
  opt.thresholds.passive_share_high = std::nan("");
  EXPECT_NE(Health<int32_t>(s, p, 1, {}, 1, opt).status().message().find("passive_share_high"),
            std::string::npos);
  opt = HealthOptions{};
  opt.thresholds.detractor_surge_points = -1;
  EXPECT_NE(Health<int32_t>(s, p, 1, {}, 1, opt).status().message().find("detractor_surge_points"),
            std::string::npos);
  std::vector<int64_t> sl = {0};
  EXPECT_NE(Health<int32_t>(s, p, int64_t{1} << 40, sl, int64_t{1} << 40).status().message()
                .find("bad table size"),
            std::string::npos);
}

// Each threshold is named with its value; NaN and infinity are refused where
// they mean nothing (min_n = inf would silently flag every period low_n).
TEST(HealthTest, EachBadThresholdIsNamed) {
  std::vector<int32_t> s = {9}, p = {0};
  auto message = [&](auto set) {
    HealthOptions opt;
    set(opt.thresholds);
    return std::string(Health<int32_t>(s, p, 1, {}, 1, opt).status().message());
  };
  EXPECT_EQ(message([](HealthThresholds& t) { t.alpha = 1; }),
            "bad health threshold alpha=1: a level in (0, 1)");
  EXPECT_EQ(message([](HealthThresholds& t) { t.alpha = std::nan(""); }),
            "bad health threshold alpha=NaN: a level in (0, 1)");
  EXPECT_EQ(message([](HealthThresholds& t) { t.min_n = HUGE_VAL; }),
            "bad health threshold min_n=inf: finite and >= 0");
  EXPECT_EQ(message([](HealthThresholds& t) { t.min_n = -1; }),
            "bad health threshold min_n=-1: finite and >= 0");
  EXPECT_EQ(message([](HealthThresholds& t) { t.trend_periods = 2; }),
            "bad health threshold trend_periods=2: in 3..1000 (kMaxTrendPeriods)");
  EXPECT_EQ(message([](HealthThresholds& t) { t.trend_periods = kMaxTrendPeriods + 1; }),
            "bad health threshold trend_periods=1001: in 3..1000 (kMaxTrendPeriods)");
  EXPECT_EQ(message([](HealthThresholds& t) { t.stable_nps_points = HUGE_VAL; }),
            "bad health threshold stable_nps_points=inf: points in [0, 200]");
  HealthOptions opt;
  opt.thresholds.trend_periods = kMaxTrendPeriods;
  EXPECT_TRUE(Health<int32_t>(s, p, 1, {}, 1, opt).ok());
}

// The table's size is bounded by kMaxHealthTableRows rows and
// kMaxHealthHistogramCells histogram counts: a request beyond them fails
// before anything is allocated, naming the sizes; at the bound it works.
TEST(HealthTest, TableSizeBounds) {
  std::vector<int32_t> s = {9}, p = {0};
  std::vector<int64_t> sl = {0};
  auto table = [&](int64_t periods, int64_t slices, HealthOptions opt = {}) {
    return Health<int32_t>(s, p, periods, sl, slices, opt);
  };
  EXPECT_EQ(table(-1, 1).status().message(), "n_periods is -1: it must be >= 0");
  EXPECT_EQ(table(1, 0).status().message(), "n_slices is 0: it must be >= 1");
  auto rows = table(kMaxHealthTableRows / 4 + 1, 4);
  EXPECT_NE(rows.status().message().find("bad table size: 4 slices x 1048577 periods: at most "
                                         "4194304 rows (kMaxHealthTableRows)"),
            std::string::npos)
      << rows.status();
  // With 1001 histogram bins per row, the cells bind first (the table would
  // be 67,041 rows, well within kMaxHealthTableRows).
  HealthOptions wide;
  wide.scores.cutoffs = {600, 800, 1000};
  auto cells = table(kMaxHealthHistogramCells / 1001 + 1, 1, wide);
  EXPECT_NE(cells.status().message().find("(kMaxHealthHistogramCells; 1001 per row)"),
            std::string::npos)
      << cells.status();
}

// SegmentTrends: the window is 3..kMaxTrendPeriods periods and the
// adjustment one of the enum's values.
TEST(HealthTest, SegmentTrendWindowIsBounded) {
  std::vector<int32_t> s = {9, 7, 3}, p = {0, 1, 2};
  auto t = Health<int32_t>(s, p, 3, {}, 1);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(SegmentTrends(*t, kMaxTrendPeriods + 1).status().message(),
            "periods is 1001: a trend needs 3..1000 periods (kMaxTrendPeriods)");
  EXPECT_TRUE(SegmentTrends(*t, kMaxTrendPeriods).ok());
  EXPECT_FALSE(SegmentTrends(*t, 3, static_cast<Adjustment>(9)).ok());
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

TEST(PeriodGridTest, AssignMatchesBinarySearchAtEveryBoundary) {
  for (auto [freq, tz] : {std::pair{Frequency::kMonth, "America/New_York"},
                          std::pair{Frequency::kDay, "Europe/Berlin"},
                          std::pair{Frequency::kWeek, "UTC"},
                          std::pair{Frequency::kQuarter, "Asia/Kolkata"}}) {
    auto g = MakePeriodGrid(Utc(2023, 1, 3), Utc(2025, 11, 20), freq, tz);
    ASSERT_TRUE(g.ok());
    std::vector<int64_t> t;
    for (int64_t s : g->starts) {
      for (int64_t d : {-1, 0, 1}) t.push_back(s + d);  // every boundary, +-1 ns
    }
    std::mt19937_64 rng(3);
    std::uniform_int_distribution<int64_t> any(g->starts.front() - 1000, g->starts.back() + 1000);
    for (int i = 0; i < 20000; ++i) t.push_back(any(rng));
    std::vector<int32_t> got(t.size());
    ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(got)).ok());
    for (size_t i = 0; i < t.size(); ++i) {
      const auto pos = std::upper_bound(g->starts.begin(), g->starts.end(), t[i]) - g->starts.begin();
      const int32_t want = (pos == 0 || pos > static_cast<long>(g->size())) ? -1 : static_cast<int32_t>(pos - 1);
      ASSERT_EQ(got[i], want) << tz << " t=" << t[i];
    }
  }
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

TEST(HealthTest, ParallelCountingIsExactAndReportsTheFirstBadRow) {
  const size_t rows = (size_t{1} << 21) + 777;  // two chunks on a 2-core machine
  std::vector<int8_t> s(rows);
  std::vector<int32_t> p(rows);
  std::vector<int64_t> sl(rows);
  std::vector<int64_t> want(3 * 4 * 11, 0);
  for (size_t i = 0; i < rows; ++i) {
    s[i] = static_cast<int8_t>((i * 7919) % 11);
    p[i] = static_cast<int32_t>((i * 31) % 4);
    sl[i] = static_cast<int64_t>(i % 3);
    ++want[(static_cast<size_t>(sl[i]) * 4 + static_cast<size_t>(p[i])) * 11 + static_cast<size_t>(s[i])];
  }
  auto t = Health<int8_t>(s, p, 4, sl, 3);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->histogram, want);
  s[rows - 3] = 20;
  s[5] = 11;
  EXPECT_NE(Health<int8_t>(s, p, 4, sl, 3).status().message().find("row 5 is 11"), std::string::npos);
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

// The table of every slice code type equals the int64 one: codes are read as
// they are (pandas' categorical codes are int8 / int16 / int32).
template <typename C>
void ExpectSameTableAsInt64(const std::vector<double>& s, const std::vector<int32_t>& p,
                            const std::vector<int64_t>& sl64) {
  const std::vector<C> sl(sl64.begin(), sl64.end());
  auto want = Health<double>(s, p, 5, sl64, 3);
  auto got = Health<double, C>(s, p, 5, absl::MakeConstSpan(sl), 3, HealthOptions{});
  ASSERT_TRUE(want.ok() && got.ok()) << want.status() << got.status();
  EXPECT_EQ(got->histogram, want->histogram);
  EXPECT_EQ(got->excluded, want->excluded);
  EXPECT_EQ(got->excluded, 1);  // the row with slice code -1
  EXPECT_EQ(got->flags, want->flags);
  EXPECT_EQ(got->reasons, want->reasons);
  for (size_t r = 0; r < want->size(); ++r) {
    EXPECT_TRUE(got->nps[r] == want->nps[r] || (std::isnan(got->nps[r]) && std::isnan(want->nps[r])));
  }
  const std::vector<int64_t> first = {0, 1, 2}, last = {3, 4, 5};
  auto rolling_want = RollingHealth<double>(s, p, 5, sl64, 3, first, last);
  auto rolling_got = RollingHealth<double, C>(s, p, 5, absl::MakeConstSpan(sl), 3, first, last);
  ASSERT_TRUE(rolling_want.ok() && rolling_got.ok());
  EXPECT_EQ(rolling_got->histogram, rolling_want->histogram);
  // A code past the last slice is an error naming the row and the code.
  std::vector<C> bad = sl;
  bad[7] = 3;
  auto bad_table = Health<double, C>(s, p, 5, absl::MakeConstSpan(bad), 3, HealthOptions{});
  EXPECT_NE(bad_table.status().message().find("slice code at row 7 is 3: outside 0..2"),
            std::string::npos);
}

TEST(HealthTest, SliceCodesOfEveryWidth) {
  std::vector<double> s;
  std::vector<int32_t> p;
  std::vector<int64_t> sl;
  for (int i = 0; i < 600; ++i) {
    s.push_back((i * 7) % 11);
    p.push_back((i * 3) % 5);
    sl.push_back(i == 11 ? -1 : (i * 5) % 3);
  }
  ExpectSameTableAsInt64<int8_t>(s, p, sl);
  ExpectSameTableAsInt64<int16_t>(s, p, sl);
  ExpectSameTableAsInt64<int32_t>(s, p, sl);
  ExpectSameTableAsInt64<int64_t>(s, p, sl);
}

TEST(TimeRangeTest, SkipsMissingTimes) {
  EXPECT_TRUE(FindTimeRange({}).empty());
  const std::vector<int64_t> none = {kMissingTime, kMissingTime};
  const TimeRange all_missing = FindTimeRange(none);
  EXPECT_TRUE(all_missing.empty());
  EXPECT_EQ(all_missing.missing, 2);
  const std::vector<int64_t> t = {5, kMissingTime, -7, 12, kMissingTime, 3};
  const TimeRange r = FindTimeRange(t);
  EXPECT_EQ(r.min, -7);
  EXPECT_EQ(r.max, 12);
  EXPECT_EQ(r.missing, 2);
  // Over several chunks (threads): the extremes and NaT anywhere.
  std::vector<int64_t> big((size_t{1} << 21) + 5, 1000);
  big[3] = kMissingTime;
  big[big.size() - 2] = -50;
  big[big.size() / 2 + 1] = 77777;
  const TimeRange b = FindTimeRange(big);
  EXPECT_EQ(b.min, -50);
  EXPECT_EQ(b.max, 77777);
  EXPECT_EQ(b.missing, 1);
}

TEST(PeriodGridTest, ThreadedAssignmentMatchesBinarySearch) {
  // Enough rows for several chunks; times inside, before, after and on every
  // period boundary +-1 ns, and the extremes of int64.
  auto g = MakePeriodGrid(Utc(2023, 1, 1), Utc(2025, 12, 31), Frequency::kMonth, "Europe/Berlin");
  ASSERT_TRUE(g.ok());
  const size_t rows = (size_t{1} << 21) + 1001;
  std::vector<int64_t> t(rows);
  std::mt19937_64 rng(5);
  const int64_t lo = g->starts.front() - int64_t{86400} * 1000000000 * 40;
  const int64_t span = g->starts.back() - lo + int64_t{86400} * 1000000000 * 40;
  for (size_t i = 0; i < rows; ++i) t[i] = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(span));
  size_t at = 0;
  for (int64_t s : g->starts) {
    for (int64_t d : {-1, 0, 1}) t[at++] = s + d;
  }
  t[at++] = INT64_MAX;
  t[at++] = kMissingTime + 1;
  std::vector<int32_t> got(rows);
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(got)).ok());
  for (size_t i = 0; i < rows; ++i) {
    const auto it = std::upper_bound(g->starts.begin(), g->starts.end(), t[i]);
    const int32_t want = (it == g->starts.begin() || it == g->starts.end())
                             ? -1
                             : static_cast<int32_t>(it - g->starts.begin() - 1);
    ASSERT_EQ(got[i], want) << "row " << i << " time " << t[i];
  }
  // Missing times in both chunks: the error names the first.
  t[rows - 10] = kMissingTime;
  t[rows / 2 + 3] = kMissingTime;
  EXPECT_NE(AssignPeriods(t, *g, absl::MakeSpan(got)).message().find(
                absl::StrCat("time at row ", rows / 2 + 3, " is missing")),
            std::string::npos);
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(got), /*skip_missing=*/true).ok());
  EXPECT_EQ(got[rows - 10], -1);
  EXPECT_EQ(got[rows / 2 + 3], -1);
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

TEST(HealthOverTimeTest, EqualsHealthOfAssignedPeriods) {
  auto g = MakePeriodGrid(Utc(2024, 1, 1), Utc(2024, 6, 30), Frequency::kMonth, "America/New_York");
  ASSERT_TRUE(g.ok());
  const size_t rows = (size_t{1} << 21) + 333;  // several chunks
  std::mt19937_64 rng(9);
  std::vector<double> s(rows);
  std::vector<int64_t> t(rows);
  std::vector<int16_t> sl(rows);
  const int64_t lo = g->starts.front() - int64_t{5} * 86400 * 1000000000;
  const uint64_t span = static_cast<uint64_t>(g->starts.back() - lo) + uint64_t{10} * 86400 * 1000000000;
  for (size_t i = 0; i < rows; ++i) {
    s[i] = static_cast<double>(rng() % 11);
    t[i] = lo + static_cast<int64_t>(rng() % span);  // some before and after the grid
    sl[i] = static_cast<int16_t>(rng() % 4) - 1;     // -1 leaves the row out
    if (i % 1000 == 7) t[i] = kMissingTime;
    if (i % 777 == 5) s[i] = std::nan("");
  }
  HealthOptions opt;
  opt.scores.missing = Missing::kSkip;
  std::vector<int32_t> p(rows);
  ASSERT_TRUE(AssignPeriods(t, *g, absl::MakeSpan(p), /*skip_missing=*/true).ok());
  auto want = Health<double, int16_t>(s, p, static_cast<int64_t>(g->size()),
                                      absl::MakeConstSpan(sl), 3, opt);
  auto got = HealthOverTime<double, int16_t>(s, t, *g, absl::MakeConstSpan(sl), 3, opt,
                                             /*skip_missing_times=*/true);
  ASSERT_TRUE(want.ok() && got.ok()) << want.status() << got.status();
  EXPECT_EQ(got->histogram, want->histogram);
  EXPECT_EQ(got->skipped, want->skipped);
  EXPECT_EQ(got->excluded, want->excluded);
  EXPECT_GT(got->excluded, 0);
  EXPECT_EQ(got->reasons, want->reasons);
  // Not skipping missing times: the first one (row 7) is named.
  auto nat = HealthOverTime<double, int16_t>(s, t, *g, absl::MakeConstSpan(sl), 3, opt);
  EXPECT_NE(nat.status().message().find("time at row 7 is missing"), std::string::npos)
      << nat.status();
}

TEST(HealthOverTimeTest, NamesTheFirstBadRowScoreOrTime) {
  auto g = MakePeriodGrid(Utc(2024, 1, 1), Utc(2024, 2, 10), Frequency::kMonth);
  ASSERT_TRUE(g.ok());
  // One slice (no slice codes): the message of HealthOverTime's status.
  auto error = [](const std::vector<int32_t>& scores, const std::vector<int64_t>& times,
                  const PeriodGrid& grid) {
    return std::string(HealthOverTime<int32_t, int64_t>(scores, times, grid, {}, 1)
                           .status()
                           .message());
  };
  std::vector<int32_t> s(50, 9);
  std::vector<int64_t> t(50, Utc(2024, 1, 20));
  t[3] = kMissingTime;
  s[10] = 11;  // a bad score after the missing time, in the same block
  EXPECT_NE(error(s, t, *g).find(
                "time at row 3 is missing"),
            std::string::npos);
  s[2] = -1;  // now a bad score comes first
  EXPECT_NE(error(s, t, *g).find(
                "score at row 2 is -1"),
            std::string::npos);
  std::vector<int64_t> short_times(49, Utc(2024, 1, 20));
  EXPECT_NE(error(s, short_times, *g).find(
                "times has 49 rows but scores has 50 rows"),
            std::string::npos);
  PeriodGrid bad = *g;
  bad.starts.pop_back();
  EXPECT_NE(error(s, t, bad).find(
                "malformed period grid"),
            std::string::npos);
}

}  // namespace
}  // namespace npscore

namespace npscore {
namespace {

constexpr int64_t kDayNs = int64_t{86400} * 1000000000;

// Windows end at each period end and span `window_days` calendar days of the
// grid's zone: in New York a 30-day window across the March DST change is
// 30 x 24 h minus an hour, and starts at local midnight.
TEST(RollingWindowsTest, CalendarDaysInTheGridsZoneEndingAtEachPeriodEnd) {
  const int64_t mar1 = absl::ToUnixNanos(absl::FromCivil(absl::CivilDay(2025, 3, 1),
                                                         absl::UTCTimeZone()));
  auto grid = MakePeriodGrid(mar1, mar1 + 40 * kDayNs, Frequency::kMonth, "America/New_York");
  ASSERT_TRUE(grid.ok()) << grid.status();
  auto w = MakeRollingWindows(*grid, 30);
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_EQ(w->first.size(), grid->size());
  absl::TimeZone ny;
  ASSERT_TRUE(absl::LoadTimeZone("America/New_York", &ny));
  for (size_t p = 0; p < grid->size(); ++p) {
    const int64_t end = w->days.starts[static_cast<size_t>(w->last[p])];
    const int64_t start = w->days.starts[static_cast<size_t>(w->first[p])];
    EXPECT_EQ(end, grid->starts[p + 1]);
    EXPECT_EQ(w->last[p] - w->first[p], 30);
    const absl::CivilDay want = absl::ToCivilDay(absl::FromUnixNanos(end), ny) - 30;
    EXPECT_EQ(start, absl::ToUnixNanos(absl::FromCivil(absl::CivilSecond(want), ny)));
  }
  // March's window (Feb 1 .. Mar 31 local) holds the spring-forward day: 23 h.
  EXPECT_EQ(w->days.starts[static_cast<size_t>(w->last[1])] -
                w->days.starts[static_cast<size_t>(w->first[1])],
            30 * kDayNs - 3600 * int64_t{1000000000});
  EXPECT_FALSE(MakeRollingWindows(*grid, 0).ok());
  EXPECT_FALSE(MakeRollingWindows(*grid, kMaxWindowDays + 1).ok());
  EXPECT_FALSE(MakeRollingWindows(PeriodGrid{}, 30).ok());
}

// RollingHealthOverTime counts what a brute-force pass over each window's
// bounds counts, and names a missing time by its row.
TEST(RollingWindowsTest, HealthOverTimeEqualsCountsInsideEachWindow) {
  std::mt19937_64 rng(7);
  const int64_t lo = absl::ToUnixNanos(absl::FromCivil(absl::CivilDay(2024, 1, 1),
                                                       absl::UTCTimeZone()));
  std::vector<int64_t> times(3000);
  std::vector<int32_t> scores(times.size());
  for (size_t i = 0; i < times.size(); ++i) {
    times[i] = lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(200 * kDayNs));
    scores[i] = static_cast<int32_t>(rng() % 11);
  }
  auto grid = MakePeriodGrid(lo + 60 * kDayNs, lo + 199 * kDayNs, Frequency::kWeek, "UTC");
  ASSERT_TRUE(grid.ok());
  auto t = RollingHealthOverTime<int32_t, int64_t>(scores, times, *grid, 28, {}, 1);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->window_start.size(), grid->size());
  for (size_t p = 0; p < grid->size(); ++p) {
    EXPECT_EQ(t->window_end[p] - t->window_start[p], 28 * kDayNs);
    int64_t n = 0, det = 0;
    for (size_t i = 0; i < times.size(); ++i) {
      if (times[i] < t->window_start[p] || times[i] >= t->window_end[p]) continue;
      ++n;
      det += scores[i] <= 6;
    }
    EXPECT_EQ(t->n[p], n);
    EXPECT_EQ(t->detractors[p], det);
  }
  times[11] = kMissingTime;
  auto bad = RollingHealthOverTime<int32_t, int64_t>(scores, times, *grid, 28, {}, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("row 11"), std::string::npos) << bad.status();
  EXPECT_TRUE((RollingHealthOverTime<int32_t, int64_t>(scores, times, *grid, 28, {}, 1, {},
                                                       /*skip_missing_times=*/true)
                   .ok()));
}

}  // namespace
}  // namespace npscore
