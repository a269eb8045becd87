"""Tests of npscore.clv: RFM summaries, BG/NBD, Gamma-Gamma and CLV.

Oracles: the published CDNOW estimates (Fader, Hardie & Lee 2005; Fader &
Hardie's Gamma-Gamma note), lifetimes 0.11.3 (test-only, skipped when not
installed), mpmath at 30 digits for the BG/NBD expectation, and RFM
summaries computed with pandas Periods.
"""

from __future__ import annotations

import contextlib
import os
import warnings

import numpy as np
import pandas as pd
import pytest

import npscore

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


@contextlib.contextmanager
def quiet():
    """lifetimes emits pandas deprecation warnings (pytest turns them into errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.fixture(scope="module")
def lifetimes():
    with quiet():
        return pytest.importorskip("lifetimes")


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    d = pd.read_csv(os.path.join(DATA, "cdnow_summary_monetary.csv"), index_col="ID")
    return d.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def bg(cdnow):
    return npscore.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def gg(cdnow):
    return npscore.GammaGamma().fit(cdnow["frequency"], cdnow["monetary_value"])


def random_log(n: int = 4000, customers: int = 300, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01").value
    span = 400 * 86_400 * 10**9
    times = start + rng.integers(0, span, n)
    return pd.DataFrame({
        "cid": rng.integers(0, customers, n),
        "when": pd.to_datetime(times),
        "amount": rng.gamma(2.0, 20.0, n).round(2),
    })


# --- rfm_summary ---------------------------------------------------------------------

@pytest.mark.parametrize("freq", ["D", "W"])
def test_rfm_matches_lifetimes(lifetimes, freq):
    log = random_log()
    end = pd.Timestamp("2024-02-10 12:00")
    ours = npscore.rfm_summary(log, customer="cid", date="when", amount="amount",
                               observation_end=end, freq=freq)
    with quiet():
        ref = lifetimes.utils.summary_data_from_transaction_data(
            log, "cid", "when", "amount", observation_period_end=end, freq=freq)
    ref = ref.sort_index()
    assert list(ours.index) == list(ref.index)
    for col in ["frequency", "recency", "T"]:
        np.testing.assert_array_equal(ours[col].to_numpy(), ref[col].to_numpy(), err_msg=col)
    np.testing.assert_allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-12)
    assert ours["frequency"].max() > 3  # the log has repeat customers


def test_rfm_months_by_pandas_periods():
    log = random_log(seed=2)
    end = pd.Timestamp("2024-02-29")
    ours = npscore.rfm_summary(log, customer="cid", date="when", amount="amount",
                               observation_end=end, freq="M")
    # The definition with pandas Periods: distinct months per customer.
    per = log.assign(p=log["when"].dt.to_period("M"))
    per_total = per.groupby(["cid", "p"])["amount"].sum().reset_index()
    end_p = end.to_period("M")
    for cid, g in per_total.groupby("cid"):
        g = g.sort_values("p")
        first, last = g["p"].iloc[0], g["p"].iloc[-1]
        row = ours.loc[cid]
        assert row["frequency"] == len(g) - 1
        assert row["recency"] == (last - first).n
        assert row["T"] == (end_p - first).n
        expect = g["amount"].iloc[1:].mean() if len(g) > 1 else 0.0
        assert row["monetary_value"] == pytest.approx(expect, rel=1e-12)


def test_rfm_keys_and_no_amount():
    log = pd.DataFrame({
        "c": pd.Categorical(["b", "a", "b"], categories=["a", "b", "z"]),
        "t": ["2024-01-01", "2024-01-02", "2024-01-09"],
    })
    s = npscore.rfm_summary(log, customer="c", date="t", observation_end="2024-01-10", freq="D")
    assert list(s.index) == ["a", "b"]  # the unobserved category "z" is dropped
    assert list(s.columns) == ["frequency", "recency", "T"]
    assert s.loc["b"].tolist() == [1.0, 8.0, 9.0]
    assert s.loc["a"].tolist() == [0.0, 0.0, 8.0]
    # Aware times are read on their own wall clock.
    aware = pd.DataFrame({"c": [1, 1], "t": pd.to_datetime(
        ["2024-01-01 23:30", "2024-01-02 00:30"]).tz_localize("America/New_York")})
    s = npscore.rfm_summary(aware, customer="c", date="t",
                            observation_end=pd.Timestamp("2024-01-03", tz="America/New_York"),
                            freq="D")
    assert s.loc[1].tolist() == [1.0, 1.0, 2.0]


def test_rfm_integer_ids_with_gaps():
    # Dense ids are their own codes (after an offset): ids without rows must
    # not appear, negative and sparse ids must keep their keys.
    when = pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-05", "2024-01-02", "2024-01-04"])
    for ids in ([-5, 3, 3, 10, -5], [7, 1_000_000_000_000, 1_000_000_000_000, 7, 7]):
        log = pd.DataFrame({"c": np.array(ids, dtype=np.int64), "t": when})
        s = npscore.rfm_summary(log, customer="c", date="t", observation_end="2024-01-06",
                                freq="D")
        assert list(s.index) == sorted(set(ids))
        by_hand = {k: sorted(set(when[np.array(ids) == k].day)) for k in set(ids)}
        for k, days in by_hand.items():
            assert s.loc[k].tolist() == [len(days) - 1, days[-1] - days[0], 6 - days[0]]


def test_rfm_bad_input():
    log = pd.DataFrame({"c": [1, 2, 2], "t": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-03-01"]),
                        "a": [10.0, 5.0, 1.0]})
    with pytest.raises(ValueError, match=r"time at row 2 is 2024-03-01 00:00:00 .*after observation_end 2024-02-01"):
        npscore.rfm_summary(log, customer="c", date="t", amount="a", observation_end="2024-02-01")
    bad = log.assign(a=[1.0, -5.0, 1.0])
    with pytest.raises(ValueError, match=r"amount at row 1 is -5: amounts must be finite and >= 0"):
        npscore.rfm_summary(bad, customer="c", date="t", amount="a", observation_end="2024-04-01")
    with pytest.raises(ValueError, match=r"amount at row 0 is NaN"):
        npscore.rfm_summary(log.assign(a=[np.nan, 1.0, 1.0]), customer="c", date="t", amount="a",
                            observation_end="2024-04-01")
    with pytest.raises(ValueError, match=r"time at row 1 is missing \(NaT\)"):
        npscore.rfm_summary(log.assign(t=[log["t"][0], pd.NaT, log["t"][2]]), customer="c",
                            date="t", observation_end="2024-04-01")
    with pytest.raises(ValueError, match=r"column 't' at row 0 is 'soon': not a timestamp"):
        npscore.rfm_summary(log.assign(t=["soon", "2024-01-01", "2024-01-02"]), customer="c",
                            date="t", observation_end="2024-04-01")
    with pytest.raises(ValueError, match="observation_end is NaT: not a timestamp"):
        npscore.rfm_summary(log, customer="c", date="t", observation_end=pd.NaT)
    with pytest.raises(ValueError, match="customer column 'x' not found"):
        npscore.rfm_summary(log, customer="x", date="t", observation_end="2024-04-01")
    with pytest.raises(ValueError, match='freq is "Y": use "D"'):
        npscore.rfm_summary(log, customer="c", date="t", observation_end="2024-04-01", freq="Y")


# --- BG/NBD ---------------------------------------------------------------------------

def test_beta_geo_reproduces_cdnow(bg):
    # Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
    p = bg.params_
    assert set(p) == {"r", "alpha", "a", "b"}
    for k, v in {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}.items():
        assert round(p[k], 3) == v, k
    assert round(bg.log_likelihood_, 1) == -9582.4
    # The paper's customer: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in 39 weeks.
    e = bg.conditional_expected_purchases(39, [2], [30.43], [38.86])
    assert round(float(e[0]), 3) == 1.226


def test_beta_geo_agrees_with_lifetimes(lifetimes, cdnow, bg):
    with quiet():
        ref = lifetimes.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for k in "r", "alpha", "a", "b":
        assert bg.params_[k] == pytest.approx(ref.params_[k], rel=5e-4), k
    # The same parameters in both: predictions agree to rounding.
    ref.params_ = pd.Series(bg.params_)[["r", "alpha", "a", "b"]]
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    with quiet():
        want_e = ref.conditional_expected_number_of_purchases_up_to_time(39, f, r, T)
        want_a = ref.conditional_probability_alive(f, r, T)
    got_e = bg.conditional_expected_purchases(39, f, r, T)
    assert isinstance(got_e, pd.Series) and got_e.index.equals(cdnow.index)
    np.testing.assert_allclose(got_e, want_e, rtol=1e-9)
    np.testing.assert_allclose(bg.probability_alive(f, r, T), want_a, rtol=1e-12)
    for t in (1.0, 10.0, 100.0):
        with quiet():
            want = ref.conditional_expected_number_of_purchases_up_to_time(t, f, r, T)
        np.testing.assert_allclose(bg.conditional_expected_purchases(t, f, r, T), want,
                                   rtol=1e-9, atol=1e-14)


def test_beta_geo_penalizer_like_lifetimes(lifetimes, cdnow):
    ours = npscore.BetaGeo(penalizer=0.1).fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    with quiet():
        ref = lifetimes.BetaGeoFitter(penalizer_coef=0.1).fit(
            cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for k in "r", "alpha", "a", "b":
        assert ours.params_[k] == pytest.approx(ref.params_[k], rel=2e-3), k


def test_beta_geo_expectation_against_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30

    def exact(r, alpha, a, b, t, x, tx, T):
        r, alpha, a, b, t, x, tx, T = map(mpmath.mpf, (r, alpha, a, b, t, x, tx, T))
        z = t / (alpha + T + t)
        hyp = mpmath.hyp2f1(r + x, b + x, a + b + x - 1, z)
        num = (a + b + x - 1) / (a - 1) * (1 - hyp * ((alpha + T) / (alpha + T + t)) ** (r + x))
        den = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)
        return float(num / den)

    cases = [  # (r, alpha, a, b, t, x, t_x, T)
        (0.243, 4.414, 0.793, 2.426, 39, 2, 30.43, 38.86),
        (0.243, 4.414, 0.793, 2.426, 0.5, 0, 0, 30),       # series branch
        (0.243, 4.414, 0.793, 2.426, 500, 0, 0, 1),        # horizon >> alpha + T
        (2.5, 0.5, 1.0 + 1e-9, 3.0, 52, 7, 40, 50),        # a next to 1
        (0.9, 12.0, 3.5, 0.4, 365, 250, 700, 720),         # large frequency, long history
        (0.05, 0.2, 0.3, 0.1, 20, 1, 2, 3),                # small parameters
        (0.243, 4.414, 0.793, 2.426, 30, 3, 20, 30),       # Gauss series branch
        (0.243, 4.414, 0.793, 2.426, 90, 40, 35, 36),      # Gauss series, many terms
        (3.0, 2.0, 1.0005, 0.8, 10, 0, 0, 8),              # a near 1, quadrature
        (0.5, 1.0, 0.6, 0.3, 3, 0, 0, 5),                  # c = a + b - 1 < 0.5
    ]
    bgm = npscore.BetaGeo()
    for r, alpha, a, b, t, x, tx, T in cases:
        bgm.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
        got = float(bgm.conditional_expected_purchases(t, [x], [tx], [T])[0])
        assert got == pytest.approx(exact(r, alpha, a, b, t, x, tx, T), rel=1e-9), (r, a, b, t, x)


def test_iteration_limit_warns_and_keeps_the_estimate(cdnow, bg, gg):
    # Stopping at max_iterations is not an error: the last estimate is kept
    # (finite, positive), converged_ is False and a ConvergenceWarning says so.
    assert bg.converged_ and gg.converged_
    with pytest.warns(npscore.ConvergenceWarning,
                      match="the BG/NBD fit did not converge in 2 iterations"):
        m = npscore.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"],
                                  max_iterations=2)
    assert not m.converged_ and m.n_iter_ == 2 and m.fit_info_["converged"] is False
    assert m.fit_info_["gradient_norm"] >= 1e-9
    assert all(np.isfinite(v) and v > 0 for v in m.params_.values())
    assert m.params_ != bg.params_
    with pytest.warns(npscore.ConvergenceWarning, match="the Gamma-Gamma fit did not converge"):
        g = npscore.GammaGamma().fit(cdnow["frequency"], cdnow["monetary_value"],
                                     max_iterations=1)
    assert not g.converged_ and all(np.isfinite(v) for v in g.params_.values())


def test_beta_geo_weights_equal_rows(cdnow, bg):
    agg = cdnow.groupby(["frequency", "recency", "T"]).size().rename("w").reset_index()
    w = npscore.BetaGeo().fit(agg["frequency"], agg["recency"], agg["T"], weights=agg["w"])
    for k in bg.params_:
        assert w.params_[k] == pytest.approx(bg.params_[k], rel=1e-6)


def test_beta_geo_bad_input():
    m = npscore.BetaGeo()
    with pytest.raises(ValueError, match="not fitted"):
        m.probability_alive([1], [1], [2])
    with pytest.raises(ValueError, match="frequency at row 1 is 2 but recency is 0"):
        m.fit([1, 2], [5, 0], [10, 10])
    with pytest.raises(ValueError, match=r"recency at row 0 is 12, more than T \(10\)"):
        m.fit([1], [12], [10])
    with pytest.raises(ValueError, match="recency at row 0 is 3 but frequency is 0"):
        m.fit([0], [3], [10])
    with pytest.raises(ValueError, match="frequency at row 0 is -1"):
        m.fit([-1], [0], [10])
    with pytest.raises(ValueError, match="recency at row 0 is NaN"):
        m.fit([1], [np.nan], [10])
    with pytest.raises(ValueError, match="weight at row 0 is -1"):
        m.fit([1], [2], [10], weights=[-1])
    with pytest.raises(ValueError, match="BG/NBD fit did not converge"):
        m.fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    with pytest.raises(ValueError, match="penalizer is -1"):
        npscore.BetaGeo(penalizer=-1).fit([1], [2], [10])
    with pytest.raises(TypeError, match="frequency at row 0 is 'x'"):
        m.fit(["x"], [2], [10])


# --- Gamma-Gamma and CLV ----------------------------------------------------------------

def test_gamma_gamma_reproduces_cdnow(gg):
    # Fader & Hardie's note: p = 6.25, q = 3.74, v = 15.44 on the 946 repeat customers.
    assert gg.fit_info_["customers"] == 946
    # (v is 15.4477 here and in lifetimes: the note's 15.44 is within 0.01.)
    for k, v in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert gg.params_[k] == pytest.approx(v, abs=0.01), k


def test_gamma_gamma_agrees_with_lifetimes(lifetimes, cdnow, gg):
    rep = cdnow[cdnow["frequency"] > 0]
    with quiet():
        ref = lifetimes.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    for k in "p", "q", "v":
        assert gg.params_[k] == pytest.approx(ref.params_[k], rel=5e-4), k
    ref.params_ = pd.Series(gg.params_)[["p", "q", "v"]]
    with quiet():
        want = ref.conditional_expected_average_profit(cdnow["frequency"], cdnow["monetary_value"])
    got = gg.conditional_expected_average_profit(cdnow["frequency"], cdnow["monetary_value"])
    np.testing.assert_allclose(got, want, rtol=1e-12)
    with quiet():
        pen = lifetimes.GammaGammaFitter(penalizer_coef=0.1).fit(rep["frequency"],
                                                                 rep["monetary_value"])
    ours = npscore.GammaGamma(penalizer=0.1).fit(rep["frequency"], rep["monetary_value"])
    for k in "p", "q", "v":
        assert ours.params_[k] == pytest.approx(pen.params_[k], rel=2e-3), k


def test_clv_agrees_with_lifetimes(lifetimes, cdnow, bg, gg):
    with quiet():
        ref_bg = lifetimes.BetaGeoFitter()
        ref_gg = lifetimes.GammaGammaFitter()
    ref_bg.params_ = pd.Series(bg.params_)[["r", "alpha", "a", "b"]]
    ref_bg.predict = ref_bg.conditional_expected_number_of_purchases_up_to_time
    ref_gg.params_ = pd.Series(gg.params_)[["p", "q", "v"]]
    f, r, T, m = (cdnow[c] for c in ("frequency", "recency", "T", "monetary_value"))
    for kw in ({}, {"time": 24, "discount_rate": 0.02}, {"freq": "D"}):
        got = npscore.customer_lifetime_value(bg, gg, f, r, T, m, **kw)
        with quiet():
            want = ref_gg.customer_lifetime_value(ref_bg, f, r, T, m, **{"freq": "W", **kw})
        np.testing.assert_allclose(got, want, rtol=1e-9)
    assert got.index.equals(cdnow.index)


def test_gamma_gamma_and_clv_bad_input(bg, gg):
    with pytest.raises(ValueError, match=r"monetary_value is <= 0 for 1 repeat customer "
                                         r"\(frequency > 0\), the first at row 1 \(-3\)"):
        npscore.GammaGamma().fit([1, 2], [10, -3])
    with pytest.raises(ValueError, match="monetary_value at row 0 is NaN"):
        npscore.GammaGamma().fit([1], [np.nan])
    with pytest.raises(ValueError, match="no customer with frequency > 0"):
        npscore.GammaGamma().fit([0, 0], [0, 0])
    with pytest.raises(ValueError, match="not fitted"):
        npscore.GammaGamma().conditional_expected_average_profit([1], [1])
    with pytest.raises(ValueError, match='freq is "Y"'):
        npscore.customer_lifetime_value(bg, gg, [1], [2], [3], [4], freq="Y")
    with pytest.raises(ValueError, match="discount_rate is -1"):
        npscore.customer_lifetime_value(bg, gg, [1], [2], [3], [4], discount_rate=-1)
    with pytest.raises(TypeError, match="fitted BetaGeo"):
        npscore.customer_lifetime_value(gg, bg, [1], [2], [3], [4])
    with pytest.raises(ValueError, match="recency at row 0 is 5, more than T"):
        npscore.customer_lifetime_value(bg, gg, [1], [5], [3], [4])
