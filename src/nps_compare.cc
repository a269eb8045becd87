// Two-sample comparison of NPS: the score, Wald and adjusted-Wald tests, the
// exact permutation tests, and intervals for the difference that agree with
// the test that gave the p-value.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "npscore/nps.h"
#include "src/internal/score_kernels.h"
#include "src/internal/status_macros.h"
#include "src/internal/two_sample.h"

namespace npscore {

using namespace internal;  // NOLINT: the core's private kernels

namespace {

// Segment counts that may be fractional (effective or adjusted counts).
struct Trio {
  double det = 0, pas = 0, pro = 0;
  double n() const { return det + pas + pro; }
  double nps() const { return (pro - det) / n(); }  // on -1..1
};

// Whole respondent counts of one sample, for the permutation tests.
struct WholeTrio {
  int64_t det = 0, pas = 0, pro = 0;
  int64_t n() const { return det + pas + pro; }
};

// The slope in theta of one sample's profile log-likelihood: the maximum of
// det log pd + pas log pm + pro log pp over shares whose NPS is theta. By the
// envelope theorem it is the multiplier t of the NPS constraint, read off the
// stationarity condition x_k / pi_k = mu + t c_k (c = -1, 0, +1) of the cells
// that hold answers; the cells without answers may hold probability (the
// restricted MLE of Tango's quadratic), so the formula depends on which cells
// are occupied. The profile is concave, so the slope decreases in theta.
double ProfileSlope(const Trio& x, double theta) {
  const double q = RestrictedDetractorShare(x.det, x.pas, x.pro, theta);
  const double pd = q, pp = q + theta, pm = 1 - 2 * q - theta;
  if (x.pas > 0 && x.pro > 0) return x.pro / pp - x.pas / pm;
  if (x.pas > 0 && x.det > 0) return x.pas / pm - x.det / pd;
  if (x.pas > 0) return theta > 0 ? -x.pas / pm : (theta < 0 ? x.pas / pm : 0.0);
  // No passives: the MLE holds none, so pd = (1 - theta) / 2, pp = (1 + theta) / 2.
  return (x.pro > 0 ? x.pro / (1 + theta) : 0.0) - (x.det > 0 ? x.det / (1 - theta) : 0.0);
}

// The restricted MLE of NPS_b under NPS_a - NPS_b = delta (NPS_a is it plus
// delta): the root of the summed profile slopes, which decrease, by
// bisection over the NPS values both samples can take.
double RestrictedNps(const Trio& a, const Trio& b, double delta) {
  double lo = std::max(-1.0, -1.0 - delta), hi = std::min(1.0, 1.0 - delta);
  while (hi - lo > 1e-15) {
    const double mid = 0.5 * (lo + hi);
    const double g = ProfileSlope(a, mid + delta) + ProfileSlope(b, mid);
    if (g > 0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// The per-respondent variance (p + d) - (p - d)^2 at the restricted MLE of a
// sample whose NPS is theta.
double RestrictedVariance(const Trio& x, double theta) {
  const double q = RestrictedDetractorShare(x.det, x.pas, x.pro, theta);
  return std::max(0.0, (2 * q + theta) - theta * theta);
}

// The score statistic of H0: NPS_a - NPS_b = delta (all on -1..1),
// z = (est - delta) / se(delta), se(delta) at the restricted MLE.
struct ScoreStat {
  double z = 0, se = 0;
};

ScoreStat ScoreStatistic(const Trio& a, const Trio& b, double est, double delta) {
  const double tb = RestrictedNps(a, b, delta);
  const double ta = std::min(1.0, std::max(-1.0, tb + delta));
  const double var = RestrictedVariance(a, ta) / a.n() + RestrictedVariance(b, tb) / b.n();
  const double num = est - delta;
  ScoreStat s;
  s.se = std::sqrt(var);
  if (s.se > 0) {
    s.z = num / s.se;
  } else {
    s.z = num > 0 ? kInf : (num < 0 ? -kInf : 0.0);
  }
  return s;
}

// One bound of {delta : |z(delta)| < crit}, z decreasing in delta: the lower
// bound solves z = crit in [-2, est], the upper z = -crit in [est, 2]. The
// test's decision about 0 picks the side of 0 to search, so that the interval
// excludes 0 exactly when the test is significant, whatever the rounding.
double ScoreBound(const Trio& a, const Trio& b, double est, double crit, bool upper,
                  bool significant) {
  if (!(crit < kInf)) return upper ? 2.0 : -2.0;
  double lo = upper ? est : -2.0, hi = upper ? 2.0 : est;
  if (lo < 0 && 0 < hi) {
    // 0 lies on this side of the estimate: beyond the bound iff significant.
    const bool bound_above_zero = upper ? !significant : significant;
    if (bound_above_zero) {
      lo = 0;
    } else {
      hi = 0;
    }
  }
  const double target = upper ? -crit : crit;
  auto above = [&](double delta) { return ScoreStatistic(a, b, est, delta).z > target; };
  if (upper ? above(hi) : !above(lo)) return upper ? hi : lo;  // no crossing: the edge
  while (hi - lo > 1e-12) {
    const double mid = 0.5 * (lo + hi);
    if (above(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

// The permutation distribution of |diff| given the pooled segment counts:
// every allocation of the pooled detractors, passives and promoters to the
// smaller sample (multivariate hypergeometric), with
// S = |n_b (pro_a - det_a) - n_a (pro_b - det_b)| = n_a n_b |diff| as an exact
// integer, so ties are exact.
struct PermutationResult {
  double p = 1;              // two-sided, conventional or mid-p
  double critical = kInf;    // critical |diff| on -2..2 (kInf: no split significant)
};

__extension__ typedef __int128 Wide;  // n_a n_b |diff| exceeds int64 for huge samples

PermutationResult PermutationTest(const WholeTrio& a, const WholeTrio& b, bool mid_p,
                                  double alpha) {
  const bool a_small = a.n() <= b.n();
  const WholeTrio& s = a_small ? a : b;
  const int64_t ns = s.n(), no = (a_small ? b : a).n();
  const int64_t D = a.det + b.det, M = a.pas + b.pas, P = a.pro + b.pro;
  auto stat = [&](int64_t xd, int64_t xp) {
    const Wide v = static_cast<Wide>(no) * (xp - xd) -
                   static_cast<Wide>(ns) * ((P - xp) - (D - xd));
    return v < 0 ? -v : v;
  };
  const Wide observed = stat(s.det, s.pro);
  // log C(K, x) for the x the smaller sample can hold.
  auto log_choose = [&](int64_t K) {
    std::vector<double> out(static_cast<size_t>(std::min(K, ns)) + 1);
    const double lk = std::lgamma(static_cast<double>(K) + 1);
    for (size_t x = 0; x < out.size(); ++x) {
      out[x] = lk - std::lgamma(static_cast<double>(x) + 1) -
               std::lgamma(static_cast<double>(K - static_cast<int64_t>(x)) + 1);
    }
    return out;
  };
  const std::vector<double> ld = log_choose(D), lm = log_choose(M), lp = log_choose(P);
  std::vector<std::pair<Wide, double>> tables;  // (S, log weight)
  double top = -kInf;
  for (int64_t xd = std::max<int64_t>(0, ns - M - P); xd <= std::min(D, ns); ++xd) {
    const int64_t rest = ns - xd;
    for (int64_t xp = std::max<int64_t>(0, rest - M); xp <= std::min(P, rest); ++xp) {
      const double lw = ld[static_cast<size_t>(xd)] + lm[static_cast<size_t>(rest - xp)] +
                        lp[static_cast<size_t>(xp)];
      tables.emplace_back(stat(xd, xp), lw);
      top = std::max(top, lw);
    }
  }
  double total = 0;
  for (auto& t : tables) total += (t.second = std::exp(t.second - top));
  // Distinct values of S from the largest down: a split is significant when
  // its p-value (the tail from S up, less half the ties for the mid-p) is
  // below alpha; those form a prefix. A difference of 0 is never evidence.
  std::sort(tables.begin(), tables.end(),
            [](const auto& x, const auto& y) { return x.first > y.first; });
  PermutationResult r;
  double tail = 0;
  bool rejecting = true;
  Wide last_rejected = -1;
  for (size_t i = 0; i < tables.size();) {
    size_t j = i;
    double w = 0;
    for (; j < tables.size() && tables[j].first == tables[i].first; ++j) w += tables[j].second;
    const Wide value = tables[i].first;
    const double p = value == 0 ? 1.0 : std::min(1.0, (tail + (mid_p ? w / 2 : w)) / total);
    if (value == observed) r.p = p;
    if (rejecting && p < alpha) {
      last_rejected = value;
    } else if (rejecting) {
      rejecting = false;
      if (last_rejected >= 0) {
        r.critical = static_cast<double>(last_rejected + value) / 2 /
                     (static_cast<double>(ns) * static_cast<double>(no));
      }
    }
    tail += w;
    i = j;
  }
  if (rejecting && last_rejected >= 0) {  // every value rejected (alpha near 1)
    r.critical = static_cast<double>(last_rejected) / 2 /
                 (static_cast<double>(ns) * static_cast<double>(no));
  }
  return r;
}

// True if a summary holds whole respondent counts (no weights), so that the
// permutation tests apply.
bool WholeCounts(const Summary& s) {
  auto whole = [](double x) { return x == std::floor(x) && x < 9007199254740992.0; };
  return s.n_effective == s.n && whole(s.detractors) && whole(s.passives) &&
         whole(s.promoters);
}

WholeTrio ToWhole(const Summary& s) {
  return {static_cast<int64_t>(s.detractors), static_cast<int64_t>(s.passives),
          static_cast<int64_t>(s.promoters)};
}

// The effective counts of a sample (its counts when unweighted) plus a
// pseudo-count per segment.
Trio Effective(const Summary& s, double add_det = 0, double add_pas = 0) {
  const double k = s.n_effective / s.n;
  return {s.detractors * k + add_det, s.passives * k + add_pas, s.promoters * k + add_det};
}

double TwoSidedP(double z) { return z == 0 ? 1.0 : 2 * NormalSurvival(std::abs(z)); }

// Moves a bound across 0 when rounding left the interval disagreeing with
// the test (only possible for the Wald intervals, when |z| is within a few
// ulps of the critical value).
void AgreeWithTest(Comparison& c, bool significant) {
  const bool covers_zero = c.ci_low <= 0 && 0 <= c.ci_high;
  if (significant && covers_zero) {
    if (c.diff >= 0) {
      c.ci_low = std::nextafter(0.0, 1.0);
    } else {
      c.ci_high = std::nextafter(0.0, -1.0);
    }
  } else if (!significant && !covers_zero) {
    if (c.ci_low > 0) {
      c.ci_low = 0;
    } else {
      c.ci_high = 0;
    }
  }
}

bool KnownMethod(IntervalMethod m) {
  return m == IntervalMethod::kWald || m == IntervalMethod::kAdjustedWald ||
         m == IntervalMethod::kScore;
}

absl::StatusOr<Comparison> CompareImpl(const Summary& a, const Summary& b,
                                       const CompareOptions& options, bool interval) {
  NPSCORE_RETURN_IF_ERROR(ValidateIntervalOptions({options.method, options.confidence}));
  if (!KnownMethod(options.method)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "method is ", static_cast<int>(options.method), ": not an IntervalMethod"));
  }
  NPSCORE_RETURN_IF_ERROR(ValidateSummary(a, "sample a"));
  NPSCORE_RETURN_IF_ERROR(ValidateSummary(b, "sample b"));
  const bool whole = WholeCounts(a) && WholeCounts(b);
  const double smaller = std::min(a.n, b.n);
  bool exact = false, mid_p = false;
  switch (options.test) {
    case CompareTest::kAuto:
      exact = mid_p = options.method == IntervalMethod::kScore && whole &&
                      smaller < static_cast<double>(kExactBelow);
      break;
    case CompareTest::kAsymptotic:
      break;
    case CompareTest::kExact:
    case CompareTest::kMidP: {
      const char* name = CompareTestName(options.test);
      if (options.method != IntervalMethod::kScore) {
        return absl::InvalidArgumentError(absl::StrCat(
            "test \"", name, "\" needs method \"score\" (its interval is the score interval "
            "at the exact critical value); got method \"", IntervalMethodName(options.method),
            "\""));
      }
      if (!whole) {
        return absl::InvalidArgumentError(absl::StrCat(
            "test \"", name, "\" needs whole respondent counts, but sample ",
            WholeCounts(a) ? "b" : "a",
            " is weighted (n_effective differs from n): use test \"auto\" or \"asymptotic\""));
      }
      if (smaller > static_cast<double>(kMaxExactSample)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "test \"", name, "\" enumerates the splits of the smaller sample, which has ",
            ValueText(smaller), " respondents: at most ", kMaxExactSample,
            " (use test \"asymptotic\" for larger samples)"));
      }
      exact = true;
      mid_p = options.test == CompareTest::kMidP;
      break;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "test is ", static_cast<int>(options.test), ": not a CompareTest"));
  }

  Comparison c;
  c.method = options.method;
  c.confidence = options.confidence;
  c.diff = a.nps - b.nps;
  c.se = std::sqrt(a.se * a.se + b.se * b.se);
  const double alpha = 1 - options.confidence;
  const double crit = Critical(options.confidence);
  c.ci_low = c.ci_high = kNaN;
  bool significant = false;
  switch (options.method) {
    case IntervalMethod::kWald: {
      c.test = TestKind::kWald;
      c.z = c.se > 0 ? c.diff / c.se : (c.diff > 0 ? kInf : (c.diff < 0 ? -kInf : 0.0));
      c.p_value = TwoSidedP(c.z);
      significant = c.p_value < alpha;
      if (interval) {
        c.ci_low = c.diff - crit * c.se;
        c.ci_high = c.diff + crit * c.se;
      }
      break;
    }
    case IntervalMethod::kAdjustedWald: {
      c.test = TestKind::kAdjustedWald;
      const Trio ea = Effective(a, 0.375, 0.75), eb = Effective(b, 0.375, 0.75);
      const double d = 100 * (ea.nps() - eb.nps());
      const double se = 100 * std::sqrt(NpsVariance(ea.det, ea.pas, ea.pro) / ea.n() +
                                        NpsVariance(eb.det, eb.pas, eb.pro) / eb.n());
      c.z = se > 0 ? d / se : (d > 0 ? kInf : (d < 0 ? -kInf : 0.0));
      c.p_value = TwoSidedP(c.z);
      significant = c.p_value < alpha;
      if (interval) {
        c.ci_low = d - crit * se;
        c.ci_high = d + crit * se;
      }
      break;
    }
    case IntervalMethod::kScore: {
      const Trio ea = Effective(a), eb = Effective(b);
      const double est = ea.nps() - eb.nps();
      const ScoreStat null = ScoreStatistic(ea, eb, est, 0.0);
      c.z = null.z;
      double critical = crit;
      if (exact) {
        c.test = mid_p ? TestKind::kMidP : TestKind::kExact;
        const PermutationResult r = PermutationTest(ToWhole(a), ToWhole(b), mid_p, alpha);
        c.p_value = r.p;
        // The score interval at the critical value that makes it exclude 0
        // exactly when |diff| exceeds the exact critical difference.
        critical = null.se > 0 ? r.critical / null.se : kInf;
      } else {
        c.test = TestKind::kScore;
        c.p_value = TwoSidedP(c.z);
      }
      significant = c.p_value < alpha;
      if (interval) {
        c.ci_low = 100 * ScoreBound(ea, eb, est, critical, false, significant);
        c.ci_high = 100 * ScoreBound(ea, eb, est, critical, true, significant);
      }
      break;
    }
  }
  if (interval) {
    AgreeWithTest(c, significant);
    c.ci_low = std::min(200.0, std::max(-200.0, c.ci_low));
    c.ci_high = std::min(200.0, std::max(-200.0, c.ci_high));
  }
  return c;
}

}  // namespace

absl::StatusOr<CompareTest> ParseCompareTest(absl::string_view name) {
  // ASCII case is ignored, as by every option parser of the core.
  const std::string s = absl::AsciiStrToLower(name);
  if (s == "auto") return CompareTest::kAuto;
  if (s == "asymptotic") return CompareTest::kAsymptotic;
  if (s == "exact") return CompareTest::kExact;
  if (s == "mid-p") return CompareTest::kMidP;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown test \"", name,
                   "\": use \"auto\", \"asymptotic\", \"exact\" or \"mid-p\""));
}

const char* CompareTestName(CompareTest test) {
  switch (test) {
    case CompareTest::kAuto:
      return "auto";
    case CompareTest::kAsymptotic:
      return "asymptotic";
    case CompareTest::kExact:
      return "exact";
    case CompareTest::kMidP:
      return "mid-p";
  }
  return "unknown";
}

const char* TestKindName(TestKind test) {
  switch (test) {
    case TestKind::kWald:
      return "wald";
    case TestKind::kAdjustedWald:
      return "adjusted-wald";
    case TestKind::kScore:
      return "score";
    case TestKind::kExact:
      return "exact";
    case TestKind::kMidP:
      return "mid-p";
  }
  return "unknown";
}

absl::Status ValidateSummary(const Summary& s, absl::string_view name) {
  auto fail = [&](absl::string_view field, double v, absl::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", field, " is ", ValueText(v), ": ", rule));
  };
  auto mismatch = [&](absl::string_view field, double v, absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": ", field, " is ", ValueText(v), " but ", what));
  };
  const struct {
    const char* name;
    double value;
  } counts[] = {{"n", s.n},
                {"detractors", s.detractors},
                {"passives", s.passives},
                {"promoters", s.promoters},
                {"n_effective", s.n_effective}};
  for (const auto& f : counts) {
    if (!(f.value >= 0 && f.value <= std::numeric_limits<double>::max())) {
      return fail(f.name, f.value, "must be finite and >= 0");
    }
  }
  if (!(s.n > 0)) return absl::InvalidArgumentError(absl::StrCat(name, " is empty (n = 0)"));
  const double sum = s.detractors + s.passives + s.promoters;
  if (std::abs(sum - s.n) > 1e-9 * s.n) {
    return mismatch("n", s.n,
                    absl::StrCat("detractors + passives + promoters is ", ValueText(sum)));
  }
  if (!(s.n_effective > 0)) return fail("n_effective", s.n_effective, "must be > 0");
  if (!s.weighted && std::abs(s.n_effective - s.n) > 1e-9 * s.n) {
    return mismatch("n_effective", s.n_effective,
                    absl::StrCat("n is ", ValueText(s.n),
                                 " and the summary is unweighted (then n_effective = n)"));
  }
  if (s.skipped < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": skipped is ", s.skipped, ": must be >= 0"));
  }
  auto close = [](double got, double want) {
    return std::abs(got - want) <= 1e-9 + 1e-6 * std::abs(want);
  };
  const double nps = 100 * (s.promoters - s.detractors) / s.n;
  if (!close(s.nps, nps)) {
    return mismatch("nps", s.nps, absl::StrCat("its counts give ", ValueText(nps)));
  }
  const double se = 100 * std::sqrt(NpsVariance(s.detractors, s.passives, s.promoters) /
                                    s.n_effective);
  if (!close(s.se, se)) {
    return mismatch("se", s.se,
                    absl::StrCat("its counts and n_effective give ", ValueText(se)));
  }
  if (!(s.ci_low >= -100 && s.ci_low <= s.ci_high && s.ci_high <= 100)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": ci_low is ", ValueText(s.ci_low), " and ci_high is ", ValueText(s.ci_high),
        ": need -100 <= ci_low <= ci_high <= 100"));
  }
  if (!KnownMethod(s.method)) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": method is ", static_cast<int>(s.method), ": not an interval method"));
  }
  if (!(s.confidence > 0 && s.confidence < 1)) {
    return fail("confidence", s.confidence, "must lie strictly between 0 and 1");
  }
  return absl::OkStatus();
}

absl::StatusOr<Comparison> Compare(const Summary& a, const Summary& b,
                                   const CompareOptions& options) {
  return CompareImpl(a, b, options, true);
}

absl::StatusOr<Comparison> Compare(const Summary& a, const Summary& b,
                                   const IntervalOptions& options) {
  return CompareImpl(a, b, {options.method, options.confidence, CompareTest::kAuto}, true);
}

namespace internal {

absl::StatusOr<Comparison> CompareTestOnly(const Summary& a, const Summary& b,
                                           const CompareOptions& options) {
  return CompareImpl(a, b, options, false);
}

double ShareChangeP(int64_t k1, int64_t n1, int64_t k2, int64_t n2) {
  if (!(n1 > 0 && n2 > 0 && k1 >= 0 && k1 <= n1 && k2 >= 0 && k2 <= n2)) return kNaN;
  if (std::min(n1, n2) < kExactBelow) {
    // The share as a two-segment NPS: |NPS difference| = |share difference|.
    return PermutationTest({k1, n1 - k1, 0}, {k2, n2 - k2, 0}, true, 0.05).p;
  }
  const double x1 = static_cast<double>(k1), m1 = static_cast<double>(n1);
  const double x2 = static_cast<double>(k2), m2 = static_cast<double>(n2);
  const double pooled = (x1 + x2) / (m1 + m2);
  const double var = pooled * (1 - pooled) * (1 / m1 + 1 / m2);
  const double diff = x2 / m2 - x1 / m1;
  if (!(var > 0)) return 1.0;  // every answer on one side: no difference
  return TwoSidedP(diff / std::sqrt(var));
}

}  // namespace internal
}  // namespace npscore
