"""Tests of npscore's first capability: segmentation and NPS with uncertainty.

Every expected value is computed independently of npscore: from the R package
NPS's unit tests (docs/sources.md section 3), by hand with numpy / scipy (Wald,
adjusted Wald, Kish, normal tails), by numerically maximising the multinomial
likelihood (Tango's score interval), with a pandas groupby oracle, or from
the C header that defines the version.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special, stats

import npscore
from two_sample_oracle import permutation_p, score_z_by_mle

METHODS = ("wald", "adjusted-wald", "score")


# --- independent oracles ------------------------------------------------------


def hand_codes(scores, detractor_max=6, passive_max=8):
    """Segment codes by plain numpy comparisons."""
    s = np.asarray(scores, dtype=float)
    return np.where(s <= detractor_max, -1, np.where(s <= passive_max, 0, 1))


def hand_counts(scores, detractor_max=6, passive_max=8):
    c = hand_codes(scores, detractor_max, passive_max)
    return int((c == -1).sum()), int((c == 0).sum()), int((c == 1).sum())


def hand_var(d, pa, p):
    """Per-respondent variance on the -1..1 scale, V = (p + d) - (p - d)^2."""
    n = d + pa + p
    return (p + d) / n - ((p - d) / n) ** 2


def hand_wald(d, pa, p, confidence):
    """Wald interval on -100..100, clipped, from (possibly fractional) counts."""
    n = d + pa + p
    est = (p - d) / n
    half = stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(max(hand_var(d, pa, p), 0.0) / n)
    return 100 * max(-1.0, est - half), 100 * min(1.0, est + half)


def hand_adjusted_wald(d, pa, p, confidence):
    """Rocks (2016): add 0.75 / 1.5 / 0.75 pseudo-respondents, then Wald."""
    return hand_wald(d + 0.75, pa + 1.5, p + 0.75, confidence)


def tango_z_by_mle(b, c, n, delta):
    """Tango's score statistic at H0: NPS = delta (-1..1 scale), with the
    detractor share's restricted MLE found by numerically maximising the
    multinomial log-likelihood (scipy), not by the closed-form root."""
    rest = n - b - c

    def negll(q):
        return -(special.xlogy(b, q + delta) + special.xlogy(c, q)
                 + special.xlogy(rest, 1 - 2 * q - delta))

    lo, hi = max(0.0, -delta), (1 - delta) / 2
    res = optimize.minimize_scalar(negll, bounds=(lo, hi), method="bounded",
                                   options={"xatol": 1e-13, "maxiter": 2000})
    q = res.x
    return (b - c - n * delta) / np.sqrt(n * (2 * q + delta * (1 - delta)))


def raises(exc, fn, *args, **kwargs):
    with pytest.raises(exc) as info:
        fn(*args, **kwargs)
    return str(info.value)


def assert_mentions(msg, *patterns):
    for pat in patterns:
        assert re.search(pat, msg), f"{pat!r} not in message {msg!r}"


# --- 1. R package NPS unit-test figures ----------------------------------------


def test_r_nps_of_counts_1_2_3():
    """R package NPS: nps(1, 2, 3) = 1/3 (x100 on our scale)."""
    s = npscore.summarize_counts(1, 2, 3, method="wald")
    assert s.nps == pytest.approx(100 / 3, abs=1e-12)
    assert (s.n, s.detractors, s.passives, s.promoters) == (6, 1, 2, 3)


@pytest.mark.parametrize("counts, var", [
    ((1, 2, 3), 5 / 9), ((1, 0, 1), 1.0), ((0, 1, 1), 0.25), ((1, 1, 1), 2 / 3)])
def test_r_variance_via_se(counts, var):
    """R package NPS npvar figures, recovered as (se/100)^2 * n."""
    s = npscore.summarize_counts(*counts, method="wald")
    assert (s.se / 100) ** 2 * s.n == pytest.approx(var, abs=1e-12)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("counts, se", [
    ((1, 2, 3), 0.3042903097), ((1, 0, 1), 0.7071067812),
    ((0, 1, 1), 0.3535533906), ((1, 1, 1), 0.4714045208)])
def test_r_standard_errors(counts, se, method):
    """R package NPS npse figures (x100); se is the plain SE for every method."""
    s = npscore.summarize_counts(*counts, method=method)
    assert s.se == pytest.approx(100 * se, abs=1e-8)


def test_r_raw_scores_1_to_15():
    """R package NPS: scores 1..15, cut-offs (6, 8) on 0..15: counts (6, 2, 7),
    NPS 1/15, var 0.8622222222."""
    scores = list(range(1, 16))
    s = npscore.summarize(scores, cutoffs=(6, 8, 15), method="wald")
    assert (s.detractors, s.passives, s.promoters, s.n) == (6, 2, 7, 15)
    assert s.nps == pytest.approx(100 / 15, abs=1e-12)
    assert (s.se / 100) ** 2 * s.n == pytest.approx(0.8622222222, abs=1e-9)
    codes = npscore.segment(scores, cutoffs=(6, 8, 15))
    np.testing.assert_array_equal(codes, hand_codes(scores, 6, 8))


def test_segment_codes_and_nps_is_mean_code():
    """docs/sources.md section 2: 0-6 detractor, 7-8 passive, 9-10 promoter;
    NPS = 100 * mean(code) = %promoters - %detractors."""
    codes = npscore.segment(np.arange(11))
    assert codes.dtype == np.int8
    np.testing.assert_array_equal(codes, [-1] * 7 + [0] * 2 + [1] * 2)
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 11, 1000)
    d, pa, p = hand_counts(scores)
    s = npscore.summarize(scores)
    assert s.nps == pytest.approx(100 * (p - d) / 1000, abs=1e-12)
    assert 100 * npscore.segment(scores).mean() == pytest.approx(s.nps, abs=1e-12)
    assert (s.share_detractors, s.share_passives, s.share_promoters) == pytest.approx(
        (d / 1000, pa / 1000, p / 1000), abs=1e-15)


def test_summary_fields_and_to_dict():
    """Field names are part of the product; unweighted counts are ints."""
    s = npscore.summarize([0, 7, 9, 10], method="score", confidence=0.9)
    d = s.to_dict()
    assert {"n", "detractors", "passives", "promoters", "nps", "se", "ci_low", "ci_high",
            "method", "confidence", "n_effective", "skipped", "weighted"} <= set(d)
    for key in ("n", "detractors", "passives", "promoters"):
        assert type(d[key]) is int and type(getattr(s, key)) is int
    assert d["method"] == s.method == "score"
    assert d["confidence"] == s.confidence == 0.9
    assert d["weighted"] is False and d["skipped"] == 0
    assert d["n_effective"] == 4.0
    assert d["nps"] == s.nps == pytest.approx(25.0)


# --- 2. Intervals ---------------------------------------------------------------

INTERVAL_COUNTS = [(1, 2, 3), (3, 4, 5), (10, 30, 60), (40, 35, 25), (7, 0, 3),
                   (0, 3, 2), (2, 3, 0), (120, 300, 580), (0, 0, 5), (5, 0, 0), (0, 1, 0)]
CONFIDENCES = (0.8, 0.95, 0.99)


@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("counts", INTERVAL_COUNTS)
def test_wald_interval_by_hand(counts, confidence):
    """Wald: NPS +- z * sqrt(V / n), z = scipy norm.ppf, clipped to [-100, 100]."""
    s = npscore.summarize_counts(*counts, method="wald", confidence=confidence)
    lo, hi = hand_wald(*counts, confidence)
    assert (s.ci_low, s.ci_high) == pytest.approx((lo, hi), abs=1e-9)
    assert s.method == "wald" and s.confidence == confidence


@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("counts", INTERVAL_COUNTS)
def test_adjusted_wald_interval_by_hand(counts, confidence):
    """Rocks (2016) adjusted Wald by hand; the reported nps stays the raw one."""
    d, pa, p = counts
    s = npscore.summarize_counts(d, pa, p, method="adjusted-wald", confidence=confidence)
    lo, hi = hand_adjusted_wald(d, pa, p, confidence)
    assert (s.ci_low, s.ci_high) == pytest.approx((lo, hi), abs=1e-9)
    assert s.nps == pytest.approx(100 * (p - d) / (d + pa + p), abs=1e-12)
    assert -100 <= s.ci_low <= s.ci_high <= 100


def test_adjusted_wald_is_the_default_method():
    """docs/sources.md: adjusted Wald is the default (hand computation)."""
    s = npscore.summarize([0, 3, 7, 9, 10, 10])
    assert s.method == "adjusted-wald" and s.confidence == 0.95
    assert (s.ci_low, s.ci_high) == pytest.approx(hand_adjusted_wald(2, 1, 3, 0.95), abs=1e-9)


@pytest.mark.parametrize("confidence", CONFIDENCES)
@pytest.mark.parametrize("counts", INTERVAL_COUNTS)
def test_score_interval_solves_tango_equation(counts, confidence):
    """Tango (1998): at each interior bound the score statistic, with the
    restricted MLE found by scipy.optimize, equals -+z; the interval lies in
    [-100, 100] and contains the estimate."""
    d, pa, p = counts
    n = d + pa + p
    s = npscore.summarize_counts(d, pa, p, method="score", confidence=confidence)
    z = stats.norm.ppf(0.5 + confidence / 2)
    est = 100 * (p - d) / n
    assert -100 <= s.ci_low <= est <= s.ci_high <= 100
    checked = 0
    for bound, target in ((s.ci_low, z), (s.ci_high, -z)):
        delta = bound / 100
        if abs(delta) < 1 - 1e-9:  # an interior bound solves Z = target
            assert tango_z_by_mle(p, d, n, delta) == pytest.approx(target, abs=1e-6)
            checked += 1
        else:  # a bound at the edge: the whole remaining range is accepted
            assert abs(tango_z_by_mle(p, d, n, np.sign(delta) * 0.999999)) <= z + 1e-6
    assert checked >= 1


@pytest.mark.parametrize("confidence", (0.5, 0.95, 0.999))
@pytest.mark.parametrize("scores", [[10] * 20, [0] * 20, [10], [0], [8], [9, 10],
                                    [0, 10], [5, 10, 10, 10]])
def test_score_interval_stays_in_range_and_contains_estimate(scores, confidence):
    """Score interval: never outside [-100, 100] and contains the estimate
    (all-promoter, all-detractor and n = 1 samples)."""
    d, pa, p = hand_counts(scores)
    est = 100 * (p - d) / len(scores)
    s = npscore.summarize(scores, method="score", confidence=confidence)
    assert s.nps == pytest.approx(est)
    assert -100 <= s.ci_low <= est <= s.ci_high <= 100
    if p == len(scores):
        assert s.ci_high == 100 and s.ci_low < 100
    if d == len(scores):
        assert s.ci_low == -100 and s.ci_high > -100


@pytest.mark.parametrize("method", METHODS)
def test_intervals_always_within_scale(method):
    """Every method's bounds lie in [-100, 100] and are ordered (exhaustive small n)."""
    for d in range(0, 5):
        for pa in range(0, 5):
            for p in range(0, 5):
                if d + pa + p == 0:
                    continue
                s = npscore.summarize_counts(d, pa, p, method=method, confidence=0.99)
                assert -100 <= s.ci_low <= s.ci_high <= 100, (d, pa, p)


@pytest.mark.parametrize("method", METHODS)
def test_wider_confidence_gives_wider_interval(method):
    """Monotonicity in the confidence level (invariant)."""
    widths = [npscore.summarize_counts(12, 20, 30, method=method, confidence=c)
              for c in (0.5, 0.8, 0.9, 0.95, 0.99)]
    widths = [s.ci_high - s.ci_low for s in widths]
    assert all(a < b for a, b in zip(widths, widths[1:]))


@pytest.mark.parametrize("probs", [(0.2, 0.3, 0.5), (0.1, 0.2, 0.7), (0.3, 0.4, 0.3)])
@pytest.mark.parametrize("method", METHODS)
def test_coverage_simulation(method, probs):
    """Seeded simulation: 2000 trinomial samples of n = 50 at a known NPS; each
    method's 95% interval covers the true NPS 92-98% of the time."""
    rng = np.random.default_rng(20240501)
    draws = rng.multinomial(50, probs, size=2000)
    true = 100 * (probs[2] - probs[0])
    unique, freq = np.unique(draws, axis=0, return_counts=True)
    covered = 0
    for (d, pa, p), f in zip(unique, freq):
        s = npscore.summarize_counts(int(d), int(pa), int(p), method=method)
        covered += f * (s.ci_low <= true <= s.ci_high)
    assert 0.92 <= covered / 2000 <= 0.98


# --- 3. Weighted NPS ------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_weighted_summary_by_hand(method):
    """Weighted NPS = sum(w * code) / sum(w) * 100; Kish n_eff = (sum w)^2 / sum w^2;
    se = 100 * sqrt(V / n_eff) with V from weighted shares."""
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 11, 800)
    w = rng.lognormal(0, 1, 800)
    codes = hand_codes(scores)
    s = npscore.summarize(scores, w, method=method)
    nps = 100 * np.sum(w * codes) / np.sum(w)
    n_eff = w.sum() ** 2 / np.sum(w ** 2)
    d, pa, p = (w[codes == k].sum() for k in (-1, 0, 1))
    V = hand_var(d, pa, p)
    assert s.weighted is True
    assert s.nps == pytest.approx(nps, abs=1e-9)
    assert s.n_effective == pytest.approx(n_eff, rel=1e-12)
    assert s.se == pytest.approx(100 * np.sqrt(V / n_eff), rel=1e-10)
    assert (s.detractors, s.passives, s.promoters, s.n) == pytest.approx(
        (d, pa, p, w.sum()), rel=1e-12)
    for key in ("n", "detractors", "passives", "promoters"):
        assert type(getattr(s, key)) is float and type(s.to_dict()[key]) is float
    assert s.share_promoters == pytest.approx(p / w.sum(), rel=1e-12)
    # The interval uses the effective counts (shares x n_eff).
    eff = (d / w.sum() * n_eff, pa / w.sum() * n_eff, p / w.sum() * n_eff)
    if method == "wald":
        assert (s.ci_low, s.ci_high) == pytest.approx(hand_wald(*eff, 0.95), abs=1e-9)
    elif method == "adjusted-wald":
        assert (s.ci_low, s.ci_high) == pytest.approx(hand_adjusted_wald(*eff, 0.95), abs=1e-9)
    else:
        assert s.ci_low < s.nps < s.ci_high


@pytest.mark.parametrize("method", METHODS)
def test_equal_weights_reproduce_unweighted(method):
    """Equal weights: Kish n_eff = n, so nps, se and interval equal the
    unweighted ones (and the hand Wald values)."""
    rng = np.random.default_rng(8)
    scores = rng.integers(0, 11, 300)
    u = npscore.summarize(scores, method=method)
    w = npscore.summarize(scores, np.full(300, 2.5), method=method)
    assert w.n_effective == pytest.approx(300, rel=1e-12)
    assert w.n == pytest.approx(750.0)
    for key in ("nps", "se", "ci_low", "ci_high"):
        assert getattr(w, key) == pytest.approx(getattr(u, key), abs=1e-9)
    if method == "wald":
        assert (u.ci_low, u.ci_high) == pytest.approx(
            hand_wald(*hand_counts(scores), 0.95), abs=1e-9)


def test_zero_weights_drop_rows():
    """A zero weight contributes nothing (hand: the remaining rows' NPS)."""
    s = npscore.summarize([0, 10, 10, 3], [0.0, 1.0, 1.0, 0.0])
    assert s.nps == pytest.approx(100.0)
    assert s.n_effective == pytest.approx(2.0)


# --- 4. compare -------------------------------------------------------------------


def _two_samples():
    rng = np.random.default_rng(11)
    a = rng.choice(11, 400, p=np.r_[np.full(7, 0.15 / 7), 0.1, 0.15, 0.3, 0.3])
    b = rng.choice(11, 250, p=np.r_[np.full(7, 0.3 / 7), 0.15, 0.15, 0.2, 0.2])
    return a, b


def _hand_stats(scores):
    d, pa, p = hand_counts(scores)
    n = d + pa + p
    return 100 * (p - d) / n, 100 * np.sqrt(hand_var(d, pa, p) / n)


def test_compare_wald_by_hand():
    """Wald: diff = nps(a) - nps(b), se = sqrt(se_a^2 + se_b^2), z = diff / se,
    p = 2 * scipy norm.sf(|z|); the interval contains the difference."""
    a, b = _two_samples()
    (na, sa), (nb, sb) = _hand_stats(a), _hand_stats(b)
    c = npscore.compare(a, b, method="wald")
    diff, se = na - nb, np.hypot(sa, sb)
    assert c.diff == pytest.approx(diff, abs=1e-9)
    assert c.diff > 0
    assert c.se == pytest.approx(se, rel=1e-10)
    assert c.z == pytest.approx(diff / se, rel=1e-10)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(diff / se)), rel=1e-8)
    assert c.ci_low < c.diff < c.ci_high
    assert -200 <= c.ci_low and c.ci_high <= 200
    assert c.method == "wald" and c.confidence == 0.95 and c.test == "wald"
    d = c.to_dict()
    assert set(d) >= {"diff", "se", "z", "p_value", "ci_low", "ci_high", "method", "confidence",
                      "test"}
    assert d["diff"] == c.diff and d["p_value"] == c.p_value and d["test"] == "wald"


def test_compare_wald_and_adjusted_intervals_by_hand():
    """Wald: diff +- z se. Adjusted: 0.375 / 0.75 / 0.375 added per sample
    (header's documented rule), Wald on the adjusted shares, and the p-value
    from the same adjusted statistic."""
    a, b = _two_samples()
    z = stats.norm.ppf(0.95)
    c = npscore.compare(a, b, method="wald", confidence=0.9)
    assert (c.ci_low, c.ci_high) == pytest.approx((c.diff - z * c.se, c.diff + z * c.se), abs=1e-9)

    def adj(scores):
        d, pa, p = hand_counts(scores)
        d, pa, p = d + 0.375, pa + 0.75, p + 0.375
        n = d + pa + p
        return (p - d) / n, hand_var(d, pa, p) / n

    (ea, va), (eb, vb) = adj(a), adj(b)
    c = npscore.compare(a, b, method="adjusted-wald", confidence=0.9)
    half = z * np.sqrt(va + vb)
    assert (c.ci_low, c.ci_high) == pytest.approx((100 * (ea - eb - half), 100 * (ea - eb + half)),
                                                  abs=1e-9)
    assert c.z == pytest.approx((ea - eb) / np.sqrt(va + vb), rel=1e-10)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(c.z)), rel=1e-8)
    assert c.test == "adjusted-wald"


@pytest.mark.parametrize("a, b", [((20, 30, 50), (30, 30, 40)), ((3, 0, 9), (1, 7, 2)),
                                  ((12, 20, 28), (2, 5, 11)), ((0, 12, 0), (4, 4, 4))])
def test_compare_score_test_by_likelihood(a, b):
    """The default method: the score test, its variance at the shares that
    maximise the likelihood under equal NPS (scipy), and an interval whose
    bounds are the differences where the statistic reaches +-z."""
    sa, sb = npscore.summarize_counts(*a), npscore.summarize_counts(*b)
    c = npscore.compare(sa, sb, test="asymptotic", confidence=0.9)
    assert c.method == "score" and c.test == "score"
    assert c.z == pytest.approx(score_z_by_mle(a, b), abs=2e-6)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(c.z)), rel=1e-10)
    z90 = stats.norm.ppf(0.95)
    assert score_z_by_mle(a, b, c.ci_low / 100) == pytest.approx(z90, abs=1e-4)
    assert score_z_by_mle(a, b, c.ci_high / 100) == pytest.approx(-z90, abs=1e-4)


def _brute_permutation(a, b):
    """p and mid-p of |diff| over every split of the respondents (itertools)."""
    from itertools import combinations
    codes = [-1] * (a[0] + b[0]) + [0] * (a[1] + b[1]) + [1] * (a[2] + b[2])
    na, nb = sum(a), sum(b)
    total = sum(codes)

    def stat(sum_a):  # n_a n_b |diff|, an exact integer
        return abs(nb * sum_a - na * (total - sum_a))

    observed = stat(a[2] - a[0])
    s = [stat(sum(codes[i] for i in idx)) for idx in combinations(range(na + nb), na)]
    above = sum(v > observed for v in s)
    ties = sum(v == observed for v in s)
    return (above + ties) / len(s), (above + ties / 2) / len(s)


def test_compare_five_tens_against_five_zeros():
    """The issue's example: 0.2.0 said p = 0. Exact: 2 of the C(10, 5) = 252
    splits are as extreme (0.0079, also scipy's permutation_test); the
    default takes the mid-p below 10 a side (1/252); the asymptotic score
    test gives 2 * norm.sf(sqrt(10))."""
    tens, zeros = [10] * 5, [0] * 5
    p, mid = _brute_permutation((0, 0, 5), (5, 0, 0))
    assert p == pytest.approx(2 / 252) and mid == pytest.approx(1 / 252)
    res = stats.permutation_test(
        (np.array(tens) >= 9, np.array(zeros) >= 9),
        lambda x, y: abs(np.mean(x) - np.mean(y)), permutation_type="independent",
        n_resamples=np.inf, alternative="greater")
    assert res.pvalue == pytest.approx(2 / 252)

    exact = npscore.compare(tens, zeros, test="exact")
    assert exact.test == "exact" and exact.p_value == pytest.approx(2 / 252, rel=1e-12)
    default = npscore.compare(tens, zeros)
    assert default.test == "mid-p" and default.p_value == pytest.approx(mid, rel=1e-12)
    score = npscore.compare(tens, zeros, test="asymptotic")
    assert score.test == "score"
    assert score.p_value == pytest.approx(2 * stats.norm.sf(np.sqrt(10)), rel=1e-10)
    wald = npscore.compare(tens, zeros, method="wald")
    assert wald.p_value == 0.0  # the 0.2.0 answer, now only with method="wald"
    for c in (exact, default, score):
        assert 0 < c.ci_low and c.ci_high == 200


@pytest.mark.parametrize("seed", range(6))
def test_compare_exact_matches_brute_force(seed):
    """Exact p and mid-p against every split of the respondents."""
    rng = np.random.default_rng(seed)
    for _ in range(8):
        na, nb = int(rng.integers(1, 8)), int(rng.integers(1, 8))
        a, b = tuple(rng.multinomial(na, [0.3, 0.3, 0.4])), tuple(rng.multinomial(nb, [0.4, 0.3, 0.3]))
        p, mid = _brute_permutation(a, b)
        assert permutation_p(a, b) == pytest.approx(p, abs=1e-12)  # the two oracles agree
        sa, sb = npscore.summarize_counts(*a), npscore.summarize_counts(*b)
        assert npscore.compare(sa, sb, test="exact").p_value == pytest.approx(p, abs=1e-12)
        same = (a[2] - a[0]) * nb == (b[2] - b[0]) * na  # no difference: p = 1
        assert npscore.compare(sa, sb, test="mid-p").p_value == pytest.approx(
            1.0 if same else mid, abs=1e-12)


@pytest.mark.parametrize("method, test", [
    ("wald", "auto"), ("adjusted-wald", "auto"), ("score", "auto"), ("score", "asymptotic"),
    ("score", "exact"), ("score", "mid-p")])
def test_compare_p_value_and_interval_agree(method, test):
    """p < 1 - confidence exactly when 0 lies outside [ci_low, ci_high], over
    random small, large and unbalanced samples and three levels."""
    rng = np.random.default_rng(5)
    outcomes = set()
    for _ in range(120):
        na, nb = int(rng.integers(1, 12)), int(rng.integers(1, 70))
        a = rng.multinomial(na, rng.dirichlet([1, 1, 1]))
        b = rng.multinomial(nb, rng.dirichlet([1, 1, 1]))
        sa, sb = npscore.summarize_counts(*a), npscore.summarize_counts(*b)
        for confidence in (0.8, 0.95, 0.99):
            c = npscore.compare(sa, sb, method=method, test=test, confidence=confidence)
            significant = c.p_value < 1 - confidence
            assert significant == (c.ci_low > 0 or c.ci_high < 0), (a, b, c)
            outcomes.add(significant)
    assert outcomes == {True, False}


def _type_one_error(n, shares):
    """P(p < 0.05) of the default compare, both samples n answers from the
    same shares: summed exactly over every pair of samples."""
    tables = [(d, n - d - p, p) for d in range(n + 1) for p in range(n - d + 1)]
    prob = np.array([stats.multinomial.pmf(t, n, shares) for t in tables])
    sums = [npscore.summarize_counts(*t) for t in tables]
    rejected = np.array([[npscore.compare(x, y).p_value < 0.05 for y in sums] for x in sums])
    return float(prob @ rejected @ prob)


@pytest.mark.parametrize("shares", [(0.2, 0.3, 0.5), (0.4, 0.2, 0.4), (0.1, 0.8, 0.1)])
def test_compare_keeps_its_level(shares):
    """Type-I error of the default test within [0.03, 0.07]: exactly (every
    pair of samples) at 5 and 10 answers a side, by a seeded simulation at
    30. Five answers a side at 80% passives is the exception: no split of the
    few detractors and promoters there can be significant (0.2%)."""
    low5 = 0.001 if shares[1] == 0.8 else 0.03
    assert low5 <= _type_one_error(5, shares) <= 0.07
    assert 0.03 <= _type_one_error(10, shares) <= 0.07
    rng = np.random.default_rng(30)
    reps = 1500
    rejected = 0
    for _ in range(reps):
        a, b = rng.multinomial(30, shares), rng.multinomial(30, shares)
        c = npscore.compare(npscore.summarize_counts(*a), npscore.summarize_counts(*b))
        rejected += c.p_value < 0.05
    assert 0.03 <= rejected / reps <= 0.07


def test_compare_options_are_checked():
    """Unknown tests, exact tests with a Wald method or on weighted samples,
    and hand-made summaries are errors naming the argument."""
    a, b = [0, 7, 9, 10], [3, 9, 10]
    assert_mentions(raises(ValueError, npscore.compare, a, b, test="fisher"), r"fisher", r"mid-p")
    assert_mentions(raises(TypeError, npscore.compare, a, b, test=1), r"test must be")
    assert_mentions(raises(ValueError, npscore.compare, a, b, method="wald", test="exact"),
                    r"exact", r"needs method \"score\"")
    w = npscore.summarize(a, weights=[1.0, 2.0, 3.0, 1.0])
    assert_mentions(raises(ValueError, npscore.compare, w, b, test="mid-p"),
                    r"sample a is weighted")
    assert npscore.compare(w, b).test == "score"  # effective counts, asymptotic


@pytest.mark.parametrize("method", METHODS)
def test_compare_swap_flips_sign(method):
    """Swapping a and b negates diff, z and the interval; keeps se and p."""
    a, b = _two_samples()
    ab, ba = npscore.compare(a, b, method=method), npscore.compare(b, a, method=method)
    assert ba.diff == pytest.approx(-ab.diff) and ba.z == pytest.approx(-ab.z)
    assert ba.se == pytest.approx(ab.se) and ba.p_value == pytest.approx(ab.p_value)
    assert (ba.ci_low, ba.ci_high) == pytest.approx((-ab.ci_high, -ab.ci_low), abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_compare_accepts_summaries_or_arrays(method):
    """Summary objects, arrays, lists and mixes give the same comparison."""
    a, b = _two_samples()
    sa, sb = npscore.summarize(a, method=method), npscore.summarize(b, method=method)
    ref = npscore.compare(a, b, method=method).to_dict()
    for x, y in ((sa, sb), (sa, b), (list(a), sb), (pd.Series(a), pd.Series(b))):
        assert npscore.compare(x, y, method=method).to_dict() == pytest.approx(ref)


def test_compare_identical_samples():
    """Equal samples: diff 0, z 0, p 1 (hand)."""
    x = [0, 5, 7, 9, 10, 10]
    c = npscore.compare(x, x)
    assert (c.diff, c.z, c.p_value) == (0.0, 0.0, 1.0)
    assert c.ci_low <= 0 <= c.ci_high


# --- 5. by_group vs a pandas groupby oracle ------------------------------------------


def _group_frame(seed=3, n=6000):
    rng = np.random.default_rng(seed)
    regions = np.array([f"r{i:02d}" for i in range(24)] + [None], dtype=object)
    rp = rng.dirichlet(np.full(25, 0.7))
    df = pd.DataFrame({
        "score": rng.integers(0, 11, n).astype(float),
        "region": rng.choice(regions, n, p=rp),
        "tier": rng.choice([3, 1, 2], n, p=[0.5, 0.3, 0.2]).astype(np.int64),
        "arr": rng.lognormal(8, 1, n),
    })
    return df


def _oracle(df, keys, weight=None, min_n=30):
    df = df.assign(code=hand_codes(df["score"].fillna(0)),
                   miss=df["score"].isna(),
                   w=1.0 if weight is None else df[weight])
    df = df.assign(w=df["w"].where(~df["miss"], 0.0))
    df = df.assign(wd=df["w"] * (df["code"] == -1), wpa=df["w"] * (df["code"] == 0),
                   wp=df["w"] * (df["code"] == 1), w2=df["w"] ** 2,
                   wc=df["w"] * df["code"])
    g = df.groupby(keys, dropna=False, sort=True)
    out = g[["w", "wd", "wpa", "wp", "w2", "wc", "miss"]].sum()
    out["nps"] = 100 * out["wc"] / out["w"]
    out["n_eff"] = out["w"] ** 2 / out["w2"]
    out["small"] = out["n_eff"] < min_n
    return out.reset_index()


def _key_tuples(frame, keys):
    return [tuple(None if pd.isna(v) else v for v in row)
            for row in frame[keys].itertuples(index=False)]


@pytest.mark.parametrize("weighted", [False, True])
def test_by_group_matches_pandas_groupby(weighted):
    """n, counts, shares, nps, n_effective and `small` match a pandas groupby
    (dropna=False, sort=True) oracle; missing keys form their own group."""
    df = _group_frame()
    keys = ["region", "tier"]
    weight = "arr" if weighted else None
    res = npscore.by_group(df, "score", keys, weight, min_n=30)
    exp = _oracle(df, keys, weight, min_n=30)
    assert 40 <= len(exp) <= 75 and exp["small"].any() and not exp["small"].all()
    assert _key_tuples(res, keys) == _key_tuples(exp, keys)
    assert res["region"].isna().sum() == 3  # the None region kept, once per tier
    assert res["tier"].dtype == np.int64
    np.testing.assert_allclose(res["n"], exp["w"], rtol=1e-12)
    np.testing.assert_allclose(res["detractors"], exp["wd"], rtol=1e-12)
    np.testing.assert_allclose(res["passives"], exp["wpa"], rtol=1e-12)
    np.testing.assert_allclose(res["promoters"], exp["wp"], rtol=1e-12)
    for seg, col in (("detractors", "wd"), ("passives", "wpa"), ("promoters", "wp")):
        np.testing.assert_allclose(res[f"share_{seg}"], exp[col] / exp["w"], rtol=1e-12)
    np.testing.assert_allclose(res["nps"], exp["nps"], atol=1e-9)
    np.testing.assert_array_equal(res["small"].to_numpy(bool), exp["small"].to_numpy(bool))
    assert (res["ci_low"] <= res["ci_high"]).all()
    if weighted:
        np.testing.assert_allclose(res["n_effective"], exp["n_eff"], rtol=1e-10)
    else:
        assert "n_effective" not in res.columns
        for col in ("n", "detractors", "passives", "promoters"):
            assert res[col].dtype == np.int64
        # unweighted: the plain SE from the group's counts
        se = 100 * np.sqrt(hand_var(exp["wd"], exp["wpa"], exp["wp"]) / exp["w"])
        np.testing.assert_allclose(res["se"], se, rtol=1e-10)
    expected_cols = {"region", "tier", "n", "detractors", "passives", "promoters",
                     "share_detractors", "share_passives", "share_promoters", "nps", "se",
                     "ci_low", "ci_high", "small", "skipped"}
    assert expected_cols <= set(res.columns)


def test_by_group_single_key_skip_and_min_n():
    """One key column; NaN scores skipped per group (pandas oracle); min_n moves
    the `small` flag."""
    df = _group_frame(seed=4, n=3000)
    rng = np.random.default_rng(5)
    df.loc[rng.random(len(df)) < 0.05, "score"] = np.nan
    with pytest.raises(ValueError, match="missing"):
        npscore.by_group(df, by="region")
    res = npscore.by_group(df, by="region", missing="skip", min_n=100)
    exp = _oracle(df, ["region"], min_n=100)
    assert _key_tuples(res, ["region"]) == _key_tuples(exp, ["region"])
    np.testing.assert_array_equal(res["skipped"], exp["miss"])
    np.testing.assert_array_equal(res["n"], exp["w"].astype(np.int64))
    np.testing.assert_allclose(res["nps"], exp["nps"], atol=1e-9)
    np.testing.assert_array_equal(res["small"].to_numpy(bool), (exp["w"] < 100).to_numpy())
    assert res["skipped"].sum() == df["score"].isna().sum()


def test_by_group_nullable_int_key_with_na():
    """A nullable Int64 key with NA: groups and sizes as pandas groupby
    (dropna=False) gives them, NA last; NPS by hand."""
    df = pd.DataFrame({"score": [1, 9, 10, 7, 3, 10],
                       "k": pd.array([2, None, 1, 2, None, 1], dtype="Int64")})
    res = npscore.by_group(df, by="k", min_n=2)
    sizes = df.groupby("k", dropna=False, sort=True).size()
    assert _key_tuples(res, ["k"]) == [(1,), (2,), (None,)]
    np.testing.assert_array_equal(res["n"], sizes.to_numpy())
    np.testing.assert_allclose(res["nps"], [100.0, -50.0, 0.0])
    np.testing.assert_array_equal(res["small"].to_numpy(bool), [False, False, False])


# --- 6. Mergeability --------------------------------------------------------------


def test_count_partitions_merge_exactly():
    """Counts of partitions merged == counts of the whole (and == np oracle)."""
    rng = np.random.default_rng(6)
    scores = rng.integers(0, 11, 10_007).astype(float)
    scores[rng.random(scores.size) < 0.02] = np.nan
    cuts = np.sort(rng.choice(np.arange(1, scores.size), 6, replace=False))
    parts = np.split(scores, np.sort(np.r_[0, cuts, cuts[2]]))  # incl. empty partitions
    assert sum(len(x) for x in parts) == scores.size and min(len(x) for x in parts) == 0
    merged = npscore.count(parts[0], missing="skip")
    for part in parts[1:]:
        merged = merged.merge(npscore.count(part, missing="skip"))
    whole = npscore.count(scores, missing="skip")
    fields = ("detractors", "passives", "promoters", "skipped", "n")
    assert [getattr(merged, f) for f in fields] == [getattr(whole, f) for f in fields]
    valid = scores[~np.isnan(scores)]
    assert (whole.detractors, whole.passives, whole.promoters) == hand_counts(valid)
    assert whole.skipped == int(np.isnan(scores).sum())
    assert whole.n == valid.size


def test_counts_refuse_negative_values():
    """Counts built by hand are checked: a negative count or a merge that
    overflows int64 is a ValueError naming the field and value."""
    assert_mentions(raises(ValueError, npscore.Counts, 1, -2, 3), r"passives is -2", r">= 0")
    assert_mentions(raises(ValueError, npscore.Counts, 1, 2, 3, skipped=-1), r"skipped is -1")
    big = npscore.Counts(0, 2**63 - 1, 0)
    assert_mentions(raises(ValueError, big.merge, npscore.Counts(0, 1, 0)), r"passives",
                    r"overflow")
    m = npscore.Counts(1, 2, 3, 4).merge(npscore.Counts(5, 6, 7, 8))
    assert (m.detractors, m.passives, m.promoters, m.skipped) == (6, 8, 10, 12)


# --- 7. Input kinds -----------------------------------------------------------------

BASE = [0, 3, 6, 7, 8, 9, 10, 10, 5, 9, 9, 2]
BASE_COUNTS = hand_counts(BASE)  # (5, 2, 5)
NUMPY_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                np.uint64, np.float16, np.float32, np.float64, np.longdouble]


def _assert_base(s, skipped=0):
    assert (s.detractors, s.passives, s.promoters) == BASE_COUNTS
    assert s.nps == pytest.approx(100 * (BASE_COUNTS[2] - BASE_COUNTS[0]) / len(BASE))
    assert s.skipped == skipped


@pytest.mark.parametrize("dtype", NUMPY_DTYPES, ids=lambda t: np.dtype(t).name)
def test_every_numpy_dtype(dtype):
    """Every numpy integer / unsigned / float dtype gives the hand counts."""
    arr = np.array(BASE, dtype=dtype)
    _assert_base(npscore.summarize(arr))
    np.testing.assert_array_equal(npscore.segment(arr), hand_codes(BASE))
    c = npscore.count(arr)
    assert (c.detractors, c.passives, c.promoters) == BASE_COUNTS


@pytest.mark.parametrize("make", [
    lambda: list(BASE),
    lambda: tuple(BASE),
    lambda: np.repeat(np.array(BASE, dtype=np.int32), 2)[::2],
    lambda: np.array(BASE[::-1], dtype=np.float64)[::-1],
    lambda: np.asfortranarray(np.array([BASE, BASE], dtype=np.int16))[0],
    lambda: pd.Series(BASE),
    lambda: pd.Series(BASE, index=np.arange(100, 100 + len(BASE))[::-1]),
    lambda: pd.Series(BASE, dtype="Int64"),
    lambda: pd.Series(BASE, dtype="Float64"),
    lambda: pd.Series(BASE, dtype="float32"),
    lambda: np.array(BASE, dtype=object),
], ids=["list", "tuple", "strided", "reversed", "fortran-row", "series", "series-index",
        "Int64", "Float64", "series-f32", "object"])
def test_input_kinds(make):
    """Lists, non-contiguous arrays and pandas Series give the hand counts."""
    x = make()
    _assert_base(npscore.summarize(x))
    np.testing.assert_array_equal(npscore.segment(x), hand_codes(BASE))


@pytest.mark.parametrize("make", [
    lambda: pd.Series(BASE + [None, None], dtype="Int64"),
    lambda: pd.Series(BASE + [None, None], dtype="Float64"),
    lambda: np.array(BASE + [None, None], dtype=object),
    lambda: BASE + [None, float("nan")],
    lambda: np.array(BASE + [np.nan, np.nan], dtype=np.float32),
    lambda: pd.Series(BASE + [pd.NA, None], dtype=object),
], ids=["Int64-NA", "Float64-NA", "object-None", "list-None", "f32-nan", "object-NA"])
def test_missing_values_error_then_skip(make):
    """Missing values: error naming row 12 by default; skipped and counted with
    missing="skip" (the two missing rows are appended at rows 12 and 13)."""
    x = make()
    msg = raises(ValueError, npscore.summarize, x)
    assert_mentions(msg, r"\brow 12\b", r"missing")
    _assert_base(npscore.summarize(x, missing="skip"), skipped=2)
    assert npscore.count(x, missing="skip").skipped == 2


# --- 8. Error paths -----------------------------------------------------------------


@pytest.mark.parametrize("scores, row, value, what", [
    ([5, 7, 9, 11, 12], 3, r"11", r"outside"),
    ([5, 7, -1, 9], 2, r"-1", r"outside"),
    (np.array([5, 7, -1], dtype=np.int8), 2, r"-1", r"outside"),
    (np.array([5, 255], dtype=np.uint8), 1, r"255", r"outside"),
    (np.array([1, 2**64 - 1], dtype=np.uint64), 1, r"18446744073709551615", r"outside"),
    ([5, 7.5, 8], 1, r"7\.5", r"whole"),
    (np.array([5, 7.5], dtype=np.float32), 1, r"7\.5", r"whole"),
    ([5, float("inf")], 1, r"inf", r"outside"),
    ([1, 2, float("nan")], 2, r"NaN", r"missing"),
    ([1, None, 3], 1, r"NaN", r"missing"),
])
@pytest.mark.parametrize("fn", ["summarize", "segment", "count"])
def test_bad_score_names_row_and_value(fn, scores, row, value, what):
    """A bad score raises ValueError naming the problem, its row and its value."""
    msg = raises(ValueError, getattr(npscore, fn), scores)
    assert_mentions(msg, rf"\brow {row}\b", rf"(?<![\d.]){value}(?![\d.])", what)


def test_bad_score_row_in_a_later_block():
    """Rows are named by absolute index, also deep in a large array."""
    scores = np.full(100_000, 9, dtype=np.int64)
    scores[70_001] = 42
    scores[90_000] = 43
    msg = raises(ValueError, npscore.summarize, scores)
    assert_mentions(msg, r"\brow 70001\b", r"\b42\b")
    df = pd.DataFrame({"score": scores, "g": np.arange(scores.size) % 7})
    assert_mentions(raises(ValueError, npscore.by_group, df, by="g"), r"\brow 70001\b", r"\b42\b")


def test_skip_reports_count_and_all_missing_errors():
    """missing="skip" counts what it left out; nothing left is an error."""
    s = npscore.summarize([np.nan, 9, np.nan, 0, np.nan], missing="skip")
    assert (s.n, s.skipped, s.nps) == (2, 3, 0.0)
    msg = raises(ValueError, npscore.summarize, [np.nan, None, np.nan], missing="skip")
    assert_mentions(msg, r"\b3\b", r"missing")


@pytest.mark.parametrize("weights, pattern", [
    ([1.0, 2.0], (r"weights", r"\b2\b", r"\b3\b")),
    ([1.0, -1.0, 1.0], (r"weight", r"\brow 1\b", r"-1\b", r">= 0")),
    ([1.0, 1.0, np.nan], (r"weight", r"\brow 2\b", r"NaN")),
    ([1.0, np.inf, 1.0], (r"weight", r"\brow 1\b", r"inf", r"finite")),
])
def test_bad_weights(weights, pattern):
    """Weights: length mismatch, negative, NaN, infinite -> ValueError naming them."""
    msg = raises(ValueError, npscore.summarize, [1, 5, 9], weights)
    assert_mentions(msg, *pattern)


def test_all_zero_weights_error():
    """Zero total weight leaves nothing to summarize."""
    msg = raises(ValueError, npscore.summarize, [1, 5, 9], [0.0, 0.0, 0.0])
    assert_mentions(msg, r"weight", r"nothing")


@pytest.mark.parametrize("fn", ["summarize", "count_then_summarize"])
def test_empty_input(fn):
    """Empty input -> ValueError saying there is nothing (n = 0)."""
    if fn == "summarize":
        msg = raises(ValueError, npscore.summarize, [])
    else:
        c = npscore.count(np.array([], dtype=float))
        assert c.n == 0
        msg = raises(ValueError, npscore.summarize_counts, 0, 0, 0)
    assert_mentions(msg, r"n = 0|no scores|empty")


@pytest.mark.parametrize("cutoffs, exc, pattern", [
    ((8, 6), ValueError, (r"cutoffs", r"detractor_max=8", r"passive_max=6")),
    ((6, 8, 5), ValueError, (r"cutoffs", r"scale_max=5")),
    ((-1, 8), ValueError, (r"cutoffs", r"-1")),
    ((6, 8, 5000), ValueError, (r"cutoffs", r"5000")),
    ((6,), ValueError, (r"cutoffs",)),
    ((6, 8, 10, 12), ValueError, (r"cutoffs",)),
    (("a", 8), TypeError, (r"cutoffs",)),
    (None, TypeError, (r"cutoffs",)),
    ((6.5, 8), (TypeError, ValueError), (r"cutoffs", r"6\.5")),
    ((6, 8.5, 10), (TypeError, ValueError), (r"cutoffs", r"8\.5")),
])
@pytest.mark.parametrize("fn", ["summarize", "segment", "count"])
def test_bad_cutoffs(fn, cutoffs, exc, pattern):
    """Bad cut-offs (order, range, arity, non-integers) raise naming the cut-offs
    and the offending value; non-integers must not be silently truncated."""
    msg = raises(exc, getattr(npscore, fn), [1, 5, 9], cutoffs=cutoffs)
    assert_mentions(msg, *pattern)


@pytest.mark.parametrize("fn", ["summarize", "summarize_counts", "compare", "by_group"])
def test_unknown_method(fn):
    """method="bootstrap" -> ValueError naming it and the valid methods."""
    msg = raises(ValueError, _call(fn), method="bootstrap")
    assert_mentions(msg, r"bootstrap", r"adjusted-wald")


@pytest.mark.parametrize("confidence, text", [
    (0, r"\b0\b"), (1, r"\b1\b"), (1.5, r"1\.5"), (-0.1, r"-0\.1"), (float("nan"), r"NaN")])
@pytest.mark.parametrize("fn", ["summarize", "summarize_counts", "compare", "by_group"])
def test_bad_confidence(fn, confidence, text):
    """confidence outside (0, 1) -> ValueError naming it and its value."""
    msg = raises(ValueError, _call(fn), confidence=confidence)
    assert_mentions(msg, r"confidence", text)


@pytest.mark.parametrize("fn", ["summarize", "count", "by_group"])
def test_bad_missing_option(fn):
    """missing="maybe" -> ValueError naming it."""
    msg = raises(ValueError, _call(fn), missing="maybe")
    assert_mentions(msg, r"maybe", r"skip")


def _call(fn):
    """A call of `fn` on valid data, taking the keyword under test."""
    df = pd.DataFrame({"score": [1, 5, 9, 10], "g": [1, 1, 2, 2]})
    return {
        "summarize": lambda **kw: npscore.summarize([1, 5, 9], **kw),
        "count": lambda **kw: npscore.count([1, 5, 9], **kw),
        "summarize_counts": lambda **kw: npscore.summarize_counts(1, 2, 3, **kw),
        "compare": lambda **kw: npscore.compare([1, 5, 9], [9, 10], **kw),
        "by_group": lambda **kw: npscore.by_group(df, by="g", **kw),
    }[fn]


@pytest.mark.parametrize("kwargs, name", [
    (dict(score="nps_answer", by="g"), "nps_answer"),
    (dict(by="segment_id"), "segment_id"),
    (dict(by=["g", "plan"]), "plan"),
    (dict(by="g", weight="arr"), "arr"),
])
def test_by_group_missing_column(kwargs, name):
    """A missing column -> ValueError naming it."""
    df = pd.DataFrame({"score": [1, 5, 9, 10], "g": [1, 1, 2, 2]})
    msg = raises(ValueError, npscore.by_group, df, **kwargs)
    assert_mentions(msg, re.escape(repr(name)))


def test_by_group_bad_weight_names_row():
    """A negative weight in the weight column is named with its row."""
    df = pd.DataFrame({"score": [1, 5, 9, 10], "g": [1, 1, 2, 2], "w": [1.0, 2.0, -3.0, 1.0]})
    msg = raises(ValueError, npscore.by_group, df, by="g", weight="w")
    assert_mentions(msg, r"\brow 2\b", r"-3")


@pytest.mark.parametrize("scores", [
    np.array([True, False, True]), [True, False], pd.Series([True, False]),
    pd.Series([True, False], dtype="boolean")], ids=["np", "list", "series", "nullable"])
def test_booleans_are_rejected(scores):
    """Booleans are not scores -> TypeError saying so."""
    msg = raises(TypeError, npscore.summarize, scores)
    assert_mentions(msg, r"(?i)bool")


@pytest.mark.parametrize("scores", [
    np.array([7, "x", 9], dtype=object),
    pd.Series([7, "x", 9], dtype=object),
    [7, "x", 9],
    pd.Series(["7", "x", "9"]),
    np.array([7, "9", 9], dtype=object),
], ids=["object-array", "object-series", "list", "string-series", "numeric-string"])
def test_strings_are_rejected_naming_row(scores):
    """A string among the scores -> TypeError naming its row (1) and value."""
    msg = raises(TypeError, npscore.summarize, scores)
    assert_mentions(msg, r"\brow 1\b", r"'x'|'9'")


@pytest.mark.parametrize("value, text", [(7.0000001, "7.0000001"), (9.5, "9.5"),
                                         (10.000000000000002, "10.000000000000002"),
                                         (1e300, "1e+300")])
def test_errors_print_the_value_given(value, text):
    """A bad score is printed so that it can be told apart (shortest text
    that reads back as the same double), never rounded to "7"."""
    msg = raises(ValueError, npscore.summarize, [9, value])
    assert_mentions(msg, r"\brow 1\b", re.escape(f" is {text}:"))


def test_iterables_are_read_whole():
    """A generator or other one-pass iterable is read like a list."""
    ref = npscore.summarize([9, 10, 3, 7]).to_dict()
    assert npscore.summarize(x for x in [9, 10, 3, 7]).to_dict() == ref
    assert npscore.summarize(iter([9, 10, 3, 7])).to_dict() == ref
    assert npscore.summarize(map(int, "9 10 3 7".split())).to_dict() == ref


def test_two_dimensional_input():
    """A 2-D array -> ValueError naming the shape; a scalar -> TypeError."""
    msg = raises(ValueError, npscore.summarize, np.zeros((3, 2)))
    assert_mentions(msg, r"one-dimensional", r"\(3, 2\)")
    raises(TypeError, npscore.summarize, 7)
    raises(TypeError, npscore.summarize, pd.DataFrame({"a": [1], "b": [2]}))


@pytest.mark.parametrize("a, b", [([], [1, 9]), ([1, 9], []),
                                  (np.array([np.nan]), [1, 9])])
def test_compare_empty_sample(a, b):
    """compare with an empty sample -> ValueError saying it is empty."""
    msg = raises(ValueError, npscore.compare, a, b, missing="skip")
    assert_mentions(msg, r"n = 0|no scores|empty|missing")


@pytest.mark.parametrize("counts, exc, text", [
    ((-1, 2, 3), ValueError, r"-1"), ((1.5, 2, 3), ValueError, r"1\.5"),
    (("a", 2, 3), TypeError, r"'a'"), ((1, np.nan, 3), ValueError, r"nan")])
def test_summarize_counts_bad_counts(counts, exc, text):
    """Counts must be whole numbers >= 0 -> error naming the value."""
    assert_mentions(raises(exc, npscore.summarize_counts, *counts), text)


# --- 9. Version ---------------------------------------------------------------------


def test_version_matches_header():
    """__version__ == MAJOR.MINOR.PATCH from include/npscore/version.h."""
    header = (Path(__file__).resolve().parents[2] / "include/npscore/version.h").read_text()
    parts = [re.search(rf"#define\s+NPSCORE_VERSION_{k}\s+(\d+)", header).group(1)
             for k in ("MAJOR", "MINOR", "PATCH")]
    assert re.fullmatch(r"\d+\.\d+\.\d+", npscore.__version__)
    assert npscore.__version__ == ".".join(parts)


# --- 10. GIL -----------------------------------------------------------------------


def test_threads_give_identical_results():
    """summarize on a large array from 4 threads at once: identical results,
    equal to the hand NPS (the binding releases the GIL)."""
    rng = np.random.default_rng(9)
    scores = rng.integers(0, 11, 3_000_000).astype(np.float64)
    weights = rng.random(scores.size)
    d, pa, p = hand_counts(scores)
    barrier = threading.Barrier(4)

    def work(i):
        barrier.wait()
        return (npscore.summarize(scores).to_dict(),
                npscore.summarize(scores, weights if i % 2 else None, method="score").to_dict())

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(work, range(4)))
    assert results[0][0]["nps"] == pytest.approx(100 * (p - d) / scores.size, abs=1e-12)
    assert all(r[0] == results[0][0] for r in results)
    assert results[0][1] == results[2][1] and results[1][1] == results[3][1]


def test_summarize_pairs_pandas_scores_and_weights_by_index():
    # Shuffled weights pair with their own scores, never by position.
    scores = pd.Series([10, 0, 9, 7], index=["a", "b", "c", "d"])
    weights = pd.Series([1.0, 5.0, 2.0, 3.0], index=["a", "b", "c", "d"])
    want = npscore.summarize(scores, weights, weight_by="response")
    got = npscore.summarize(scores, weights.sample(frac=1, random_state=3), weight_by="response")
    assert got.nps == want.nps and got.n_effective == want.n_effective
    with pytest.raises(ValueError, match=r"indexes of scores and weights differ \(label 'd' of "
                                         r"scores is not in weights; label 'z' of weights"):
        npscore.summarize(scores, weights.rename({"d": "z"}))
    # numpy stays positional
    assert npscore.summarize(scores.to_numpy(), weights.to_numpy()).nps == \
        npscore.summarize(scores, weights).nps


def test_counts_to_dict_is_its_fields():
    import json
    c = npscore.count([9, 10, 7, 3, 2, np.nan, 8], missing="skip")
    d = c.to_dict()
    assert d == {"n": 6, "detractors": 2, "passives": 2, "promoters": 2, "skipped": 1}
    assert json.loads(json.dumps(d)) == d
    merged = c.merge(npscore.count([0])).to_dict()
    assert merged["detractors"] == 3 and merged["n"] == merged["detractors"] + 4
    # The same keys as Summary.to_dict holds for them.
    s = npscore.summarize([9, 10, 7, 3, 2, np.nan, 8], missing="skip").to_dict()
    assert {k: s[k] for k in d} == d
