"""lifetimes parity and the CLV traps of issue 11: units recorded by
rfm_summary, scalars or arrays, non-positive spend in Gamma-Gamma, pairing
of pandas inputs by index, the BG/NBD statistics E[X(t)] and P(X(t) = n),
standard errors and summary, calibration/holdout splits, pickling and
save/load.

Oracles: Hardie's BG/NBD spreadsheet and R BTYD's bgnbd.pmf (the expected
values of lifetimes' test_estimation.py), lifetimes 0.11.3's summary of the
CDNOW fits (standard errors quoted below), monthly sums written out with
numpy, and summaries counted by hand (lifetimes itself where installed).
"""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest

import npscore
from test_clv import bg, cdnow, gg  # noqa: F401 (the CDNOW data and fits, shared fixtures)


def log(seed: int = 3, n: int = 3000, customers: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-02").value
    times = start + rng.integers(0, 500 * 86_400 * 10**9, n)
    return pd.DataFrame({"cid": rng.integers(0, customers, n), "when": pd.to_datetime(times),
                         "amount": rng.gamma(2.0, 20.0, n).round(2) + 1})


# --- 1. Units -------------------------------------------------------------------------------

@pytest.mark.parametrize("freq, letter", [("D", "D"), ("W", "W"), ("M", "M"), ("Q", "Q"),
                                          ("H", "H"), ("w-mon", "W"), ("ME", "M"), ("h", "H")])
def test_rfm_summary_records_its_unit(freq, letter):
    rfm = npscore.rfm_summary(log(), customer="cid", date="when", amount="amount",
                              observation_end="2024-06-01", freq=freq)
    assert rfm.attrs["freq"] == letter
    assert rfm["T"].attrs["freq"] == letter  # columns carry it (pandas propagates attrs)


def test_clv_reads_the_unit_of_the_rfm_table():
    sample = npscore.datasets.load_sample(seed=1, n_customers=2000)
    rfm = npscore.rfm_summary(sample.transactions, customer="customer_id", date="date",
                              amount="amount", observation_end="2025-12-31", freq="D")
    rep = rfm[rfm.frequency > 0]
    bg = npscore.BetaGeo().fit(rfm.frequency, rfm.recency, rfm["T"])
    gg = npscore.GammaGamma().fit(rep.frequency, rep.monetary_value)
    cols = (rfm.frequency, rfm.recency, rfm["T"], rfm.monetary_value)
    implicit = npscore.customer_lifetime_value(bg, gg, *cols)
    explicit = npscore.customer_lifetime_value(bg, gg, *cols, freq="D")
    pd.testing.assert_series_equal(implicit, explicit)
    # Read as weeks (the old default), the same histories are worth several
    # times less: the trap this guards against.
    arrays = [c.to_numpy() for c in cols]
    weekly = npscore.customer_lifetime_value(bg, gg, *arrays, freq="W")
    assert (implicit.to_numpy() > 3 * weekly).all()
    with pytest.raises(ValueError, match=r'freq is "W" but frequency comes from an RFM table in '
                                         r'"D" periods \(its attrs\["freq"\]\)'):
        npscore.customer_lifetime_value(bg, gg, *cols, freq="W")
    # numpy inputs carry no unit: the default is weeks, as before.
    assert np.array_equal(npscore.customer_lifetime_value(bg, gg, *arrays), weekly)


def test_clv_refuses_columns_of_different_units(bg, gg):
    a = pd.Series([1.0, 2.0], name="frequency")
    b = pd.Series([3.0, 4.0], name="recency")
    a.attrs["freq"], b.attrs["freq"] = "D", "W"
    with pytest.raises(ValueError, match=r'frequency in "D", recency in "W"'):
        npscore.customer_lifetime_value(bg, gg, a, b, [5.0, 6.0], [10.0, 10.0])


def test_quarters_and_hours_in_clv(bg, gg):
    # CLV = sum over months k of (E[purchases up to k months] - E[up to k - 1])
    # x profit / 1.01^k, written out with the model's own expectations.
    x, tx, T, m = 2.0, 30.43, 38.86, 22.35
    profit = gg.conditional_expected_average_profit(x, m)
    for freq, per_month in (("Q", 1 / 3), ("H", 720.0), ("h", 720.0), ("M", 1.0)):
        e = [bg.conditional_expected_purchases(k * per_month, x, tx, T) for k in range(13)]
        want = sum((e[k] - e[k - 1]) * profit / 1.01**k for k in range(1, 13))
        got = npscore.customer_lifetime_value(bg, gg, x, tx, T, m, freq=freq)
        assert isinstance(got, float)
        assert got == pytest.approx(want, rel=1e-12), freq


def test_rfm_summary_in_hours():
    # Clock hours since the epoch, counted by hand: purchases at 10:05,
    # 10:55 (same hour), 13:00 and 13:59 (same hour); the end at 15:30.
    tx = pd.DataFrame({"c": [1, 1, 1, 1], "t": pd.to_datetime(
        ["2024-03-01 10:05", "2024-03-01 10:55", "2024-03-01 13:00", "2024-03-01 13:59"]),
        "a": [1.0, 2.0, 3.0, 4.0]})
    out = npscore.rfm_summary(tx, customer="c", date="t", amount="a",
                              observation_end="2024-03-01 15:30", freq="H")
    assert out.loc[1].tolist() == [1, 3, 5, 7]
    assert out.attrs["freq"] == "H"
    with pytest.raises(ValueError, match=r'freq is "X": use "D" \(days\), "W" \(weeks\)'):
        npscore.rfm_summary(tx, customer="c", date="t", observation_end="2024-03-02", freq="X")


# --- 2. Scalars or arrays -------------------------------------------------------------------

def test_scalars_give_floats_arrays_give_arrays(bg, gg):
    # lifetimes: conditional_probability_alive(0, 1, 1) == 1.0.
    assert bg.probability_alive(0, 1, 1) == 1.0
    assert isinstance(bg.probability_alive(0, 1, 1), float)
    assert bg.conditional_probability_alive(0, 1, 1) == 1.0
    one = bg.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert isinstance(one, float) and one == pytest.approx(1.226, abs=1e-3)  # FHL 2005
    arr = bg.conditional_expected_number_of_purchases_up_to_time(39, [2, 2], [30.43, 30.43],
                                                                 38.86)
    assert isinstance(arr, np.ndarray) and list(arr) == [one, one]
    assert isinstance(gg.conditional_expected_average_profit(2, 22.35), float)
    s = bg.probability_alive(pd.Series([1, 2], index=["a", "b"]), 5, 10)
    assert isinstance(s, pd.Series) and list(s.index) == ["a", "b"]


def test_probability_alive_is_between_0_and_1(bg):
    # lifetimes' grid, on the histories the model defines (recency > 0 with
    # repeat purchases).
    for x in range(0, 100, 10):
        for tx in range(0 if x == 0 else 10, 100, 10):
            for T in range(tx, 100, 10):
                p = bg.probability_alive(x, tx, T)
                assert 0 <= p <= 1
    assert bg.probability_alive(1000, 10, 100) == 0.0  # lifetimes: no overflow, exactly 0


# --- 3. Gamma-Gamma and non-positive spend ----------------------------------------------------

def test_nonpositive_spend_is_an_error_or_excluded(cdnow, gg):
    bad = pd.concat([cdnow, pd.DataFrame({"frequency": [2.0, 1.0], "recency": [5.0, 3.0],
                                          "T": [9.0, 9.0], "monetary_value": [0.0, -2.5]},
                                         index=[90001, 90002])])
    with pytest.raises(ValueError, match=r"monetary_value is <= 0 for 2 repeat customers "
                                         r"\(frequency > 0\), the first at row 2357 \(0\): .*"
                                         r"set nonpositive_spend to exclude"):
        npscore.GammaGamma().fit(bad.frequency, bad.monetary_value)
    ex = npscore.GammaGamma().fit(bad.frequency, bad.monetary_value, nonpositive_spend="exclude")
    assert ex.n_excluded_ == 2 and gg.n_excluded_ == 0
    assert ex.params_ == gg.params_  # the same rows fitted, bit for bit
    assert ex.fit_info_["customers"] == 946
    with pytest.raises(ValueError, match=r'nonpositive_spend is "drop": use "error" or "exclude"'):
        npscore.GammaGamma().fit(bad.frequency, bad.monetary_value, nonpositive_spend="drop")


# --- 4. No silent pairing ----------------------------------------------------------------------

def test_series_are_paired_by_index(cdnow, bg):
    shuffled = cdnow.sample(frac=1, random_state=7)
    a = bg.probability_alive(cdnow.frequency, shuffled.recency, cdnow["T"])
    b = bg.probability_alive(cdnow.frequency, cdnow.recency, cdnow["T"])
    pd.testing.assert_series_equal(a, b)
    fit = npscore.BetaGeo().fit(cdnow.frequency, shuffled.recency, shuffled["T"])
    assert fit.params_ == bg.params_
    with pytest.raises(ValueError, match=r"the indexes of frequency and recency differ"):
        bg.probability_alive(cdnow.frequency, cdnow.recency.iloc[1:], cdnow["T"])
    # numpy stays positional (a Series with numpy: the Series' order).
    c = bg.probability_alive(shuffled.frequency.to_numpy(), shuffled.recency.to_numpy(),
                             shuffled["T"].to_numpy())
    np.testing.assert_array_equal(c, b.loc[shuffled.index].to_numpy())
    d = bg.probability_alive(shuffled.frequency, shuffled.recency.to_numpy(),
                             shuffled["T"].to_numpy())
    np.testing.assert_array_equal(d.to_numpy(), c)
    assert d.index.equals(shuffled.index)


# --- 5. New statistics ---------------------------------------------------------------------------

def test_expected_number_of_purchases_matches_hardie(bg):
    times = np.array([0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00])
    expected = np.array([0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576])
    np.testing.assert_allclose(bg.expected_number_of_purchases_up_to_time(times), expected,
                               atol=5e-4)
    assert isinstance(bg.expected_number_of_purchases_up_to_time(1), float)
    # A new customer's conditional expectation.
    assert bg.expected_number_of_purchases_up_to_time(39.0) == pytest.approx(
        bg.conditional_expected_purchases(39.0, 0, 0, 0), rel=1e-14)


def test_probability_of_n_purchases_matches_btyd():
    bg = npscore.BetaGeo()
    bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert bg.probability_of_n_purchases_up_to_time(2, 10) == pytest.approx(1.07869e-07, rel=1e-5)
    assert bg.probability_of_n_purchases_up_to_time(39, 0) == pytest.approx(0.5737864, abs=1e-7)
    pmf = np.array([0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                    0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260])
    got = bg.probability_of_n_purchases_up_to_time(30, np.arange(11, 21))
    np.testing.assert_allclose(got, pmf, atol=1e-9)
    grid = bg.probability_of_n_purchases_up_to_time(np.array([[1.0], [30.0]]), np.arange(3))
    assert grid.shape == (2, 3)
    assert grid[1, 2] == bg.probability_of_n_purchases_up_to_time(30.0, 2)


def test_summary_matches_lifetimes(bg, gg):
    # lifetimes 0.11.3, BetaGeoFitter().fit(...).summary["se(coef)"] and the
    # Gamma-Gamma fit on the repeat customers.
    se = {"r": 0.0125573207, "alpha": 0.3782214570, "a": 0.1857190719, "b": 0.7053453435}
    s = bg.summary
    assert list(s.columns) == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    for k, v in se.items():
        assert s.loc[k, "se(coef)"] == pytest.approx(v, rel=1e-2), k
        assert s.loc[k, "lower 95% bound"] == pytest.approx(s.loc[k, "coef"] - 1.96 * v, rel=1e-2)
    se_gg = {"p": 1.1896870481, "q": 0.2901656174, "v": 4.1599939284}
    for k, v in se_gg.items():
        assert gg.summary.loc[k, "se(coef)"] == pytest.approx(v, rel=1e-2), k
    cov = bg.covariance_.to_numpy()
    np.testing.assert_array_equal(cov, cov.T)
    assert (np.linalg.eigvalsh(cov) > 0).all()


def test_calibration_and_holdout_by_hand():
    # Weekly (Monday-based); 2024-01-01 is a Monday; the calibration ends in
    # week 2, the observation in week 7. Customer 1 buys in weeks 0 and 2
    # (calibration), then twice in week 4 and once in week 5 (holdout: 2
    # periods, mean amount (4 + 6 + 8) / 3); customer 2 buys in week 1 only;
    # customer 3 first buys in the holdout (left out).
    t = pd.to_datetime(["2024-01-01", "2024-01-15", "2024-02-01", "2024-02-02", "2024-02-06",
                        "2024-01-09", "2024-02-05"])
    tx = pd.DataFrame({"c": [1, 1, 1, 1, 1, 2, 3], "d": t, "a": [1, 3, 4, 6, 8, 5, 9.0]})
    out = npscore.calibration_and_holdout_data(
        tx, customer="c", date="d", amount="a", calibration_period_end="2024-01-20",
        observation_period_end="2024-02-20")
    assert list(out.index) == [1, 2]
    assert list(out.columns) == ["frequency_cal", "recency_cal", "T_cal", "monetary_value_cal",
                                 "frequency_holdout", "monetary_value_holdout", "duration_holdout"]
    assert out.loc[1].tolist() == [1, 2, 2, 3, 2, 6, 5]
    assert out.loc[2].tolist() == [0, 0, 1, 0, 0, 0, 5]
    assert out.attrs["freq"] == "W"
    with pytest.raises(ValueError, match=r"observation_period_end .* is before "
                                         r"calibration_period_end"):
        npscore.calibration_and_holdout_data(tx, customer="c", date="d",
                                             calibration_period_end="2024-03-01",
                                             observation_period_end="2024-02-20")


@pytest.mark.parametrize("freq", ["D", "W"])
def test_calibration_and_holdout_matches_lifetimes(freq):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lifetimes = pytest.importorskip("lifetimes")
        data = log()
        ref = lifetimes.utils.calibration_and_holdout_data(
            data, "cid", "when", calibration_period_end="2023-12-31",
            observation_period_end="2024-05-20", freq=freq, monetary_value_col="amount")
    ours = npscore.calibration_and_holdout_data(
        data, customer="cid", date="when", amount="amount", calibration_period_end="2023-12-31",
        observation_period_end="2024-05-20", freq=freq)
    ref = ref.sort_index()
    assert list(ours.index) == list(ref.index)
    for col in ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"]:
        np.testing.assert_array_equal(ours[col].to_numpy(), ref[col].to_numpy(), err_msg=col)
    np.testing.assert_allclose(ours["monetary_value_holdout"], ref["monetary_value_holdout"],
                               rtol=1e-12)


# --- 6. Pickling and save/load ------------------------------------------------------------

def _predictions(bg: npscore.BetaGeo, gg: npscore.GammaGamma, d: pd.DataFrame) -> list:
    return [bg.probability_alive(d.frequency, d.recency, d["T"]).to_numpy(),
            bg.conditional_expected_purchases(10, d.frequency, d.recency, d["T"]).to_numpy(),
            bg.expected_number_of_purchases_up_to_time(np.arange(5.0)),
            gg.conditional_expected_average_profit(d.frequency, d.monetary_value).to_numpy(),
            bg.summary.to_numpy(), gg.summary.to_numpy()]


def test_models_round_trip_bit_for_bit(cdnow, bg, gg, tmp_path):
    want = _predictions(bg, gg, cdnow)
    joblib = pytest.importorskip("joblib")
    joblib.dump((bg, gg), tmp_path / "m.joblib")
    bg.save(tmp_path / "bg.json")
    gg.save(tmp_path / "gg.json")
    copies = [pickle.loads(pickle.dumps((bg, gg))), copy.deepcopy((bg, gg)),
              joblib.load(tmp_path / "m.joblib"),
              (npscore.BetaGeo.load(tmp_path / "bg.json"),
               npscore.GammaGamma.load(tmp_path / "gg.json"))]
    for b, g in copies:
        assert b.params_ == bg.params_ and g.n_excluded_ == gg.n_excluded_
        for got, ref in zip(_predictions(b, g, cdnow), want):
            np.testing.assert_array_equal(got, ref)
    # An unfitted model round-trips too; a file of the other model is refused.
    assert not hasattr(pickle.loads(pickle.dumps(npscore.BetaGeo(0.1))), "params_")
    with pytest.raises(ValueError, match=r"this state is of a 'GammaGamma', not a BetaGeo"):
        npscore.BetaGeo.load(tmp_path / "gg.json")
