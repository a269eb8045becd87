// Health flags: low n, passive vulnerability, and the drop alerts against a
// trailing baseline (nps_drop, detractor_surge, promoter_erosion and the
// CUSUM level_shift), adjusted per period (alerting) or over the whole
// table (review). The rules and their defaults are documented in
// npscore/health.h; their operating characteristics are simulated in
// tests/cpp/health_flags_test.cc.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "npscore/health.h"
#include "npscore/nps.h"
#include "src/internal/health_flags.h"
#include "src/internal/p_values.h"
#include "src/internal/status_macros.h"
#include "src/internal/two_sample.h"

namespace npscore {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDaysPerMonth = 365.2425 / 12;
constexpr double kMaxBaselineMonths = 12000;  // a thousand years: no overflow below

// The flag tests of a row, in the order of their columns.
enum Test { kDrop, kSurge, kErosion, kGrowth, kTests };

// Segment counts of a baseline or a period.
struct Triple {
  double det = 0, pas = 0, pro = 0;
  double n() const { return det + pas + pro; }
};

// The one-sided p-value of "period x's NPS is below baseline b's": half the
// two-sided p of the nps module's score test (exact mid-p below
// kExactBelow), the test of health's period-over-period change.
double NpsDropP(const Triple& x, const Triple& b, double confidence) {
  auto summary = [](const Triple& c) {
    return Summarize(Counts{static_cast<int64_t>(c.det), static_cast<int64_t>(c.pas),
                            static_cast<int64_t>(c.pro), 0},
                     IntervalOptions{IntervalMethod::kWald, 0.95});
  };
  const absl::StatusOr<Summary> sx = summary(x), sb = summary(b);
  if (!sx.ok() || !sb.ok()) return kNaN;
  const absl::StatusOr<Comparison> c = internal::CompareTestOnly(
      *sx, *sb, CompareOptions{IntervalMethod::kScore, confidence, CompareTest::kAuto});
  if (!c.ok() || std::isnan(c->p_value)) return kNaN;
  return c->diff < 0 ? c->p_value / 2 : 1 - c->p_value / 2;
}

// The one-sided p-value of "k of n is above kb of nb" from the two-sided
// share-change test of the nps module (pooled two-proportion z-test, exact
// mid-p below kExactBelow).
double ShareRiseP(double k, double n, double kb, double nb) {
  const double p = internal::ShareChangeP(static_cast<int64_t>(kb), static_cast<int64_t>(nb),
                                          static_cast<int64_t>(k), static_cast<int64_t>(n));
  if (std::isnan(p)) return kNaN;
  return k / n > kb / nb ? p / 2 : 1 - p / 2;
}

double TwoSidedToUpper(double p, double estimate) {
  if (std::isnan(p)) return kNaN;
  return estimate > 0 ? p / 2 : 1 - p / 2;
}

std::string Pct(double share) { return absl::StrFormat("%.1f%%", 100 * share); }
std::string Signed(double v) { return absl::StrFormat("%+.1f", v); }

// "(one-sided p=0.0016; 0.019 Holm-adjusted over the period's 12 tests)".
std::string PNote(double p, double adjusted, int64_t family, FlagMode mode) {
  return absl::StrFormat("one-sided p=%.2g; %.2g %s over %d tests", p, adjusted,
                         mode == FlagMode::kAlert ? "Holm-adjusted within the period"
                                                  : "BH-adjusted over the table",
                         family);
}

std::string Before(int64_t periods) {
  return periods == 1 ? "previous period" : absl::StrCat("the ", periods, " periods before");
}

}  // namespace

absl::StatusOr<FlagMode> ParseFlagMode(absl::string_view name) {
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "alert") return FlagMode::kAlert;
  if (s == "review") return FlagMode::kReview;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown flag mode \"", name,
      "\": use \"alert\" (each period judged when it closed) or \"review\" (the whole history)"));
}

const char* FlagModeName(FlagMode mode) {
  return mode == FlagMode::kReview ? "review" : "alert";
}

absl::StatusOr<int64_t> BaselinePeriods(double months, Frequency frequency) {
  if (!(months > 0 && months <= kMaxBaselineMonths)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health threshold baseline_months=", months, ": months in (0, ", kMaxBaselineMonths,
        "]"));
  }
  double periods = 0;
  const char* name = "";
  switch (frequency) {
    case Frequency::kDay:
      periods = months * kDaysPerMonth;
      name = "day";
      break;
    case Frequency::kWeek:
      periods = months * kDaysPerMonth / 7;
      name = "week";
      break;
    case Frequency::kMonth:
      periods = months;
      name = "month";
      break;
    case Frequency::kQuarter:
      periods = months / 3;
      name = "quarter";
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("bad frequency ", static_cast<int>(frequency)));
  }
  const int64_t k = std::llround(periods);
  if (k < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health threshold baseline_months=", months, ": shorter than one period (a ", name,
        ")"));
  }
  return k;
}

double MinDetectableDrop(double variance, double n, double baseline_n, double alpha,
                         double power) {
  if (!(n > 0 && baseline_n > 0 && alpha > 0 && alpha < 1 && power > 0 && power < 1 &&
        variance >= 0)) {
    return kNaN;
  }
  const double z = NormalQuantile(1 - alpha) + NormalQuantile(power);
  return z * 100 * std::sqrt(variance * (1 / n + 1 / baseline_n));
}

namespace internal {

absl::Status ValidateFlagOptions(const HealthOptions& options) {
  const HealthThresholds& th = options.thresholds;
  if (options.flag_mode != FlagMode::kAlert && options.flag_mode != FlagMode::kReview) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad flag mode ", static_cast<int>(options.flag_mode), ": use alert or review"));
  }
  NPSCORE_RETURN_IF_ERROR(BaselinePeriods(th.baseline_months, options.frequency).status());
  if (!(th.drop_alpha > 0 && th.drop_alpha < 1) || !(th.power > 0 && th.power < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health thresholds: drop_alpha=", th.drop_alpha, ", power=", th.power,
        " (each must be in (0, 1))"));
  }
  if (!(th.drop_points >= 0 && th.drop_points <= 200)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad health threshold drop_points=", th.drop_points, ": points in [0, 200]"));
  }
  if (!(th.cusum_k >= 0 && th.cusum_k <= 100) || !(th.cusum_h > 0 && th.cusum_h <= 1000)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad health thresholds: cusum_k=", th.cusum_k, " (in [0, 100]), cusum_h=", th.cusum_h,
        " (in (0, 1000])"));
  }
  return absl::OkStatus();
}

void DeriveFlags(HealthTable& t, const HealthOptions& options,
                 absl::Span<const double> passive_trend_p, bool overlapping) {
  const HealthThresholds& th = options.thresholds;
  const size_t P = static_cast<size_t>(t.n_periods), S = static_cast<size_t>(t.n_slices);
  const size_t rows = P * S;
  // Validated with the options; a fallback keeps the function total.
  const int64_t B = BaselinePeriods(th.baseline_months, options.frequency).value_or(1);
  const double min_n = std::max(th.min_n, 1.0);  // a test needs responses on both sides
  t.flag_mode = options.flag_mode;
  t.baseline_periods = B;
  t.baseline_first.assign(rows, overlapping ? -1 : 0);
  t.baseline_n.assign(rows, 0);
  t.flag_family.assign(rows, 0);
  for (auto* col : {&t.baseline_nps, &t.nps_vs_baseline, &t.vs_baseline_se, &t.drop_p,
                    &t.drop_p_adjusted, &t.detractor_vs_baseline, &t.surge_p,
                    &t.surge_p_adjusted, &t.promoter_vs_baseline, &t.erosion_p,
                    &t.erosion_p_adjusted, &t.passive_growth_p, &t.passive_growth_p_adjusted,
                    &t.cusum, &t.min_detectable_drop}) {
    col->assign(rows, kNaN);
  }
  t.flags.assign(rows, 0);
  t.reasons.assign(rows, std::string());
  std::vector<uint8_t> judged(rows, 0);  // n >= min_n: verdicts allowed
  for (size_t r = 0; r < rows; ++r) {
    judged[r] = static_cast<double>(t.n[r]) >= th.min_n ? 1 : 0;
  }

  // Prefix sums of the counts of one slice: the baseline of any period, or
  // of any stretch of periods, is one subtraction.
  std::vector<Triple> prefix(P + 1);
  auto fill_prefix = [&](size_t base) {
    for (size_t p = 0; p < P; ++p) {
      const size_t r = base + p;
      prefix[p + 1] = Triple{prefix[p].det + static_cast<double>(t.detractors[r]),
                             prefix[p].pas + static_cast<double>(t.passives[r]),
                             prefix[p].pro + static_cast<double>(t.promoters[r])};
    }
  };
  auto between = [&](size_t first, size_t last) {  // periods [first, last)
    return Triple{prefix[last].det - prefix[first].det, prefix[last].pas - prefix[first].pas,
                  prefix[last].pro - prefix[first].pro};
  };
  auto row_counts = [&](size_t r) {
    return Triple{static_cast<double>(t.detractors[r]), static_cast<double>(t.passives[r]),
                  static_cast<double>(t.promoters[r])};
  };

  // The tests against the baseline, one-sided.
  std::vector<uint8_t> level_shift(rows, 0);
  for (size_t sl = 0; sl < S && !overlapping; ++sl) {
    const size_t base = sl * P;
    fill_prefix(base);
    for (size_t p = 0; p < P; ++p) {
      const size_t r = base + p;
      const size_t first = p >= static_cast<size_t>(B) ? p - static_cast<size_t>(B) : 0;
      const Triple b = between(first, p), x = row_counts(r);
      const double nb = b.n(), nx = x.n();
      t.baseline_first[r] = static_cast<int64_t>(first);
      t.baseline_n[r] = static_cast<int64_t>(nb);
      if (nb > 0) t.baseline_nps[r] = 100 * (b.pro - b.det) / nb;
      if (!(nb >= min_n && nx >= min_n && judged[r])) continue;
      t.nps_vs_baseline[r] = 100 * (x.pro - x.det) / nx - t.baseline_nps[r];
      t.vs_baseline_se[r] = 100 * std::sqrt(NpsVariance(x.det, x.pas, x.pro) / nx +
                                            NpsVariance(b.det, b.pas, b.pro) / nb);
      t.drop_p[r] = NpsDropP(x, b, options.interval.confidence);
      t.detractor_vs_baseline[r] = 100 * (x.det / nx - b.det / nb);
      t.surge_p[r] = ShareRiseP(x.det, nx, b.det, nb);
      t.promoter_vs_baseline[r] = 100 * (x.pro / nx - b.pro / nb);
      // Erosion: the share of non-promoters rose.
      t.erosion_p[r] = ShareRiseP(nx - x.pro, nx, nb - b.pro, nb);
    }

    // Page's lower CUSUM of the standardised deviation from the trailing
    // baseline; after a signal both the sum and the baseline restart.
    double s = 0;
    size_t restart = 0;
    for (size_t p = 0; p < P; ++p) {
      const size_t r = base + p;
      if (!judged[r] || t.n[r] == 0) continue;
      const size_t first =
          std::max(restart, p >= static_cast<size_t>(B) ? p - static_cast<size_t>(B) : 0);
      const Triple b = between(std::min(first, p), p), x = row_counts(r);
      const double nb = b.n(), nx = x.n();
      if (!(nb >= min_n)) continue;
      // The standard error under no change: the pooled variance of both.
      const double v = NpsVariance(b.det + x.det, b.pas + x.pas, b.pro + x.pro);
      const double diff = (x.pro - x.det) / nx - (b.pro - b.det) / nb;
      const double se = std::sqrt(v * (1 / nx + 1 / nb));
      const double z = se > 0 ? diff / se : 0.0;
      s = std::max(0.0, s - z - th.cusum_k);
      t.cusum[r] = s;
      if (s >= th.cusum_h) {
        level_shift[r] = 1;
        s = 0;
        restart = p + 1;
      }
    }
  }

  // Passive growth: the trend test, one-sided (growing).
  for (size_t r = 0; r < rows; ++r) {
    if (judged[r] && r < passive_trend_p.size()) {
      t.passive_growth_p[r] = TwoSidedToUpper(passive_trend_p[r], t.passive_trend[r]);
    }
  }

  // Families of p-values: each period's (alert) or the whole table's (review).
  std::vector<double>* const raw[kTests] = {&t.drop_p, &t.surge_p, &t.erosion_p,
                                            &t.passive_growth_p};
  std::vector<double>* const adjusted[kTests] = {&t.drop_p_adjusted, &t.surge_p_adjusted,
                                                 &t.erosion_p_adjusted,
                                                 &t.passive_growth_p_adjusted};
  const Adjustment method =
      options.flag_mode == FlagMode::kAlert ? Adjustment::kHolm : Adjustment::kBenjaminiHochberg;
  std::vector<int64_t> period_tests(P, 0);  // the size of each period's own family
  std::vector<double> family;
  std::vector<size_t> where;
  auto adjust = [&](size_t p_first, size_t p_last) {  // periods [p_first, p_last)
    family.clear();
    where.clear();
    for (size_t sl = 0; sl < S; ++sl) {
      for (size_t p = p_first; p < p_last; ++p) {
        for (int k = 0; k < kTests; ++k) {
          const size_t r = sl * P + p;
          const double v = (*raw[k])[r];
          if (std::isnan(v)) continue;
          family.push_back(v);
          where.push_back(r * kTests + static_cast<size_t>(k));
        }
      }
    }
    const std::vector<double> adj = internal::AdjustValidPValues(family, method);
    for (size_t i = 0; i < adj.size(); ++i) {
      const size_t r = where[i] / kTests;
      (*adjusted[where[i] % kTests])[r] = adj[i];
      t.flag_family[r] = static_cast<int64_t>(adj.size());
    }
  };
  for (size_t p = 0; p < P; ++p) {
    for (size_t sl = 0; sl < S; ++sl) {
      for (int k = 0; k < kTests; ++k) period_tests[p] += std::isnan((*raw[k])[sl * P + p]) ? 0 : 1;
    }
  }
  if (options.flag_mode == FlagMode::kAlert) {
    for (size_t p = 0; p < P; ++p) adjust(p, p + 1);
  } else {
    adjust(0, P);
  }

  // The smallest drop each period could reveal (at Holm's first step).
  for (size_t sl = 0; sl < S && !overlapping; ++sl) {
    fill_prefix(sl * P);
    for (size_t p = 0; p < P; ++p) {
      const size_t r = sl * P + p;
      if (std::isnan(t.drop_p[r])) continue;
      const Triple b = between(static_cast<size_t>(t.baseline_first[r]), p);
      const double m = static_cast<double>(std::max<int64_t>(period_tests[p], 1));
      t.min_detectable_drop[r] = std::max(
          th.drop_points, MinDetectableDrop(NpsVariance(b.det, b.pas, b.pro),
                                            static_cast<double>(t.n[r]), b.n(),
                                            th.drop_alpha / m, th.power));
    }
  }

  // Flags, each with the numbers that raised it.
  const int trend_span = th.trend_periods - 1;
  for (size_t r = 0; r < rows; ++r) {
    if (!judged[r]) {
      t.flags[r] |= kFlagLowN;
      t.reasons[r] = absl::StrCat("n=", t.n[r], " < ", th.min_n, ": too few responses to judge");
      continue;
    }
    std::vector<std::string> why;
    const int64_t before = static_cast<int64_t>(r % P) - t.baseline_first[r];
    const double low = t.share_passives_low[r];
    const bool large = low >= th.passive_share_high;
    const bool growing = t.passive_trend[r] >= th.passive_trend_points &&
                         t.passive_growth_p_adjusted[r] < th.alpha &&
                         std::abs(t.nps_trend[r] * trend_span) < th.stable_nps_points;
    if (large || growing) {
      t.flags[r] |= kFlagPassiveVulnerability;
      if (large) {
        why.push_back(absl::StrCat("passive share ", Pct(t.share_passives[r]), " (",
                                   absl::StrFormat("%.10g", 100 * t.confidence),
                                   "% interval from ", Pct(low), ") >= ",
                                   Pct(th.passive_share_high)));
      }
      if (growing) {
        why.push_back(absl::StrCat(
            "passive share ", Signed(t.passive_trend[r]), " points/period (",
            PNote(t.passive_growth_p[r], t.passive_growth_p_adjusted[r], t.flag_family[r],
                  t.flag_mode),
            ") while NPS moved ", Signed(t.nps_trend[r] * trend_span), " over ",
            th.trend_periods, " periods"));
      }
    }
    // "detractor share +8.3 points vs the 4 periods before (17.6% -> 25.9%; ...)".
    auto share_reason = [&](const char* segment, double vs, double share, double p,
                            double adjusted) {
      return absl::StrCat(segment, " share ", Signed(vs), " points vs ", Before(before), " (",
                          Pct(share - vs / 100), " -> ", Pct(share), "; ",
                          PNote(p, adjusted, t.flag_family[r], t.flag_mode), ")");
    };
    if (t.detractor_vs_baseline[r] >= th.detractor_surge_points &&
        t.surge_p_adjusted[r] < th.alpha) {
      t.flags[r] |= kFlagDetractorSurge;
      why.push_back(share_reason("detractor", t.detractor_vs_baseline[r], t.share_detractors[r],
                                 t.surge_p[r], t.surge_p_adjusted[r]));
    }
    if (t.promoter_vs_baseline[r] <= -th.promoter_erosion_points &&
        t.erosion_p_adjusted[r] < th.alpha) {
      t.flags[r] |= kFlagPromoterErosion;
      why.push_back(share_reason("promoter", t.promoter_vs_baseline[r], t.share_promoters[r],
                                 t.erosion_p[r], t.erosion_p_adjusted[r]));
    }
    if (t.nps_vs_baseline[r] <= -th.drop_points && t.drop_p_adjusted[r] < th.drop_alpha) {
      t.flags[r] |= kFlagNpsDrop;
      why.push_back(absl::StrCat(
          "NPS ", Signed(t.nps_vs_baseline[r]), " points vs ", Before(before), " (",
          Signed(t.baseline_nps[r]), ", n=", t.baseline_n[r], " -> ", Signed(t.nps[r]),
          ", n=", t.n[r], "; SE ", absl::StrFormat("%.1f", t.vs_baseline_se[r]), "; ",
          PNote(t.drop_p[r], t.drop_p_adjusted[r], t.flag_family[r], t.flag_mode), ")"));
    }
    if (level_shift[r]) {
      t.flags[r] |= kFlagLevelShift;
      why.push_back(absl::StrFormat(
          "NPS below its baseline: CUSUM %.1f >= %.10g SEs (k=%.10g); "
          "sum and baseline restart after this period",
          t.cusum[r], th.cusum_h, th.cusum_k));
    }
    t.reasons[r] = absl::StrJoin(why, "; ");
  }
}

}  // namespace internal
}  // namespace npscore
