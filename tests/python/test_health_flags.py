"""Health alerts against a trailing baseline: nps_drop, level_shift, surge and
erosion against the 12 months before, passive vulnerability on the Wilson
bound, alert vs review adjustment, and the report's flags and trends
sections. Expected figures are recomputed here with pandas/numpy from the
documented rules (npscore.health docstring)."""

from __future__ import annotations

import re
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore.health import DEFAULT_THRESHOLDS

DROP_FLAGS = ["flag_nps_drop", "flag_level_shift", "flag_detractor_surge", "flag_promoter_erosion"]


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample()


@pytest.fixture(scope="module")
def responses(sample) -> pd.DataFrame:
    return sample.responses.merge(sample.customers[["customer_id", "plan"]], on="customer_id",
                                  how="left", validate="many_to_one")


@pytest.fixture(scope="module")
def price_increase(sample) -> pd.Timestamp:
    ev = sample.events[sample.events["kind"] == "pricing_change"]
    assert ev["plan"].tolist() == ["starter"]
    return pd.Timestamp(ev["time"].iloc[0])


def _period_of(t: pd.Timestamp, freq: str) -> str:
    p = t.tz_convert("UTC").tz_localize(None).to_period(freq)
    return f"{p.year}Q{p.quarter}" if freq == "Q" else str(p)


@pytest.mark.parametrize("freq", ["Q", "M"])
def test_sample_starter_is_flagged_in_the_period_after_the_price_increase(
        responses, price_increase, freq):
    """The issue's story: starter's NPS falls after the 30% price increase of
    2025-04-01. Starter is flagged in the first period after it (2025Q2,
    2025-04), and no slice raises a drop flag in any period before it."""
    h = npscore.health(responses, by="plan", freq=freq)
    after = _period_of(price_increase, freq)
    row = h[(h["plan"] == "starter") & (h["period"] == after)].iloc[0]
    assert row[DROP_FLAGS].any(), row["reasons"]
    assert row["nps_vs_baseline"] < -20
    before = h["period_start"] < price_increase
    assert not h.loc[before, DROP_FLAGS].any().any(), h.loc[before & h[DROP_FLAGS].any(axis=1),
                                                             ["plan", "period", "reasons"]]
    if freq == "Q":
        assert row["flag_nps_drop"]
        assert f"NPS {row['nps_vs_baseline']:+.1f} points vs the 4 periods before" in row["reasons"]


def test_baseline_is_the_pooled_trailing_twelve_months(responses):
    h = npscore.health(responses, by="plan", freq="Q")
    st = h[h["plan"] == "starter"].reset_index(drop=True)
    i = int(np.flatnonzero(st["period"] == "2025Q2")[0])
    row = st.iloc[i]
    assert (row["baseline_from"], row["baseline_to"]) == ("2024Q2", "2025Q1")
    base = st.iloc[i - 4:i]
    d, pa, pr = base["detractors"].sum(), base["passives"].sum(), base["promoters"].sum()
    n = d + pa + pr
    assert row["baseline_n"] == n
    assert row["baseline_nps"] == pytest.approx(100 * (pr - d) / n, abs=1e-9)
    assert row["nps_vs_baseline"] == pytest.approx(row["nps"] - row["baseline_nps"], abs=1e-9)
    # One-sided p: half the two-sided p of npscore.compare's score test.
    now = npscore.summarize_counts(int(row["detractors"]), int(row["passives"]),
                                   int(row["promoters"]))
    was = npscore.summarize_counts(int(d), int(pa), int(pr))
    c = npscore.compare(now, was, method="score", test="auto")
    assert row["drop_p"] == pytest.approx(c.p_value / 2, rel=1e-9)
    # Promoter erosion: the pooled two-proportion z-test, one-sided.
    k, m = row["promoters"], row["n"]
    pooled = (k + pr) / (m + n)
    z = (pr / n - k / m) / np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / n))
    assert row["erosion_p"] == pytest.approx(1 - NormalDist().cdf(z), rel=1e-9)
    assert row["detractor_vs_baseline"] == pytest.approx(
        100 * (row["share_detractors"] - d / n), abs=1e-9)
    # The first period has no baseline at all.
    assert st.loc[0, "baseline_n"] == 0 and pd.isna(st.loc[0, "baseline_from"])
    assert np.isnan(st.loc[0, "drop_p"])
    assert h.attrs["baseline_periods"] == 4 and "12 months" in h.attrs["baseline"]


def _holm(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p, kind="stable")
    m = len(p)
    adj = np.maximum.accumulate(np.minimum(1, p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = adj
    return out


def _bh(p: np.ndarray) -> np.ndarray:
    order = np.argsort(p, kind="stable")
    m = len(p)
    adj = np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adj, 1)
    return out


TESTS = [("drop_p", "drop_p_adjusted"), ("surge_p", "surge_p_adjusted"),
         ("erosion_p", "erosion_p_adjusted"), ("passive_growth_p", "passive_growth_p_adjusted")]


def _family(frame: pd.DataFrame):
    raw = np.concatenate([frame[r].to_numpy(float) for r, _ in TESTS])
    adj = np.concatenate([frame[a].to_numpy(float) for _, a in TESTS])
    keep = ~np.isnan(raw)
    return raw[keep], adj[keep]


def test_alert_mode_adjusts_within_each_period(responses):
    h = npscore.health(responses, by="plan", freq="M")
    assert h.attrs["flag_mode"] == "alert"
    assert h.attrs["flag_adjustment"].startswith("Holm within each period")
    for _, g in h.groupby("period"):
        raw, adj = _family(g)
        np.testing.assert_allclose(adj, _holm(raw), rtol=1e-12)
        assert (g.loc[g["drop_p"].notna(), "flag_family"] == len(raw)).all()


def test_review_mode_is_benjamini_hochberg_over_the_table(responses):
    h = npscore.health(responses, by="plan", freq="M", mode="review")
    assert h.attrs["flag_mode"] == "review"
    assert "Benjamini-Hochberg" in h.attrs["flag_adjustment"]
    raw, adj = _family(h)
    np.testing.assert_allclose(adj, _bh(raw), rtol=1e-12)
    flagged = h[h["flag_nps_drop"]]
    assert flagged["reasons"].str.contains("BH-adjusted over the table").all()


def test_alert_mode_judges_a_period_as_it_was_when_it_closed(responses, price_increase):
    """The flags of 2025-04 are the same whether or not later months exist."""
    full = npscore.health(responses, by="plan", freq="M")
    t = pd.to_datetime(responses["responded_at"], utc=True)
    cut = responses[t < pd.Timestamp("2025-05-01", tz="UTC")]
    part = npscore.health(cut, by="plan", freq="M")
    cols = ["plan", "flags", "reasons", "drop_p_adjusted", "cusum", "min_detectable_drop"]
    a = full.loc[full["period"] == "2025-04", cols].reset_index(drop=True)
    b = part.loc[part["period"] == "2025-04", cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_min_detectable_drop_formula(responses):
    h = npscore.health(responses, by="plan", freq="Q")
    th = DEFAULT_THRESHOLDS
    z = NormalDist().inv_cdf
    st = h[h["plan"] == "starter"].reset_index(drop=True)
    for i in range(5, len(st)):
        row = st.iloc[i]
        base = st.iloc[i - 4:i]
        d, pa, pr = (base[c].sum() for c in ("detractors", "passives", "promoters"))
        n_b = d + pa + pr
        v = (pr + d) / n_b - ((pr - d) / n_b) ** 2
        m = int(h.loc[h["period"] == row["period"], ["drop_p", "surge_p", "erosion_p",
                                                     "passive_growth_p"]].notna().sum().sum())
        want = (z(1 - th["drop_alpha"] / m) + z(th["power"])) * 100 * np.sqrt(
            v * (1 / row["n"] + 1 / n_b))
        assert row["min_detectable_drop"] == pytest.approx(max(want, th["drop_points"]), rel=1e-9)
        assert row["se"] < row["min_detectable_drop"]


def test_thresholds_are_documented_and_overridable(responses):
    assert {k: DEFAULT_THRESHOLDS[k] for k in ("baseline_months", "drop_alpha", "drop_points",
                                               "cusum_k", "cusum_h", "power")} == {
        "baseline_months": 12.0, "drop_alpha": 0.01, "drop_points": 5.0, "cusum_k": 0.5,
        "cusum_h": 4.0, "power": 0.8}
    h = npscore.health(responses, by="plan", freq="Q", thresholds={"baseline_months": 6})
    assert h.attrs["baseline_periods"] == 2
    row = h[(h["plan"] == "starter") & (h["period"] == "2025Q2")].iloc[0]
    assert (row["baseline_from"], row["baseline_to"]) == ("2024Q4", "2025Q1")
    strict = npscore.health(responses, by="plan", freq="Q",
                            thresholds={"drop_points": 50, "cusum_h": 100})
    assert not strict["flag_nps_drop"].any() and not strict["flag_level_shift"].any()
    assert strict.attrs["thresholds"]["cusum_h"] == 100


def test_bad_mode_and_thresholds_are_errors(responses):
    with pytest.raises(ValueError, match='mode is "retro": use "alert" or "review"'):
        npscore.health(responses, mode="retro")
    with pytest.raises(ValueError, match=r"baseline_months=1: shorter than one period \(a quarter\)"):
        npscore.health(responses, freq="Q", thresholds={"baseline_months": 1})
    with pytest.raises(ValueError, match="drop_alpha=0"):
        npscore.health(responses, thresholds={"drop_alpha": 0})


def test_passive_vulnerability_needs_the_wilson_bound_above_the_threshold():
    """44% passives of 36 answers is noise (lower bound ~30%); 45% of 1,000 is
    not (lower bound ~42%)."""
    rows = []
    for name, (d, pa, pr) in {"small": (8, 16, 12), "large": (200, 450, 350)}.items():
        scores = [3] * d + [7] * pa + [10] * pr
        rows.append(pd.DataFrame({"group": name, "score": scores,
                                  "responded_at": pd.Timestamp("2025-03-10", tz="UTC")}))
    h = npscore.health(pd.concat(rows, ignore_index=True), by="group").set_index("group")
    assert h.loc["small", "share_passives"] > 0.40 > h.loc["small", "share_passives_low"]
    assert not h.loc["small", "flag_passive_vulnerability"]
    assert h.loc["large", "flag_passive_vulnerability"]
    assert "(95% interval from 41.9%) >= 40.0%" in h.loc["large", "reasons"]


def test_rolling_windows_have_no_baseline(responses):
    h = npscore.health(responses, freq="M", window="90D")
    assert h["baseline_from"].isna().all() and h["drop_p"].isna().all()
    assert h["cusum"].isna().all() and not h[DROP_FLAGS].any().any()
    assert h.attrs["baseline"].startswith("none")


def test_report_flags_and_trends_agree():
    """The report's trends are labelled as over the window; the flags name
    their baseline; every slice with a significant trend names its flags,
    and starter, whose detractors rise, is flagged after the price increase."""
    text = npscore.report.sample_report()
    flags = text[text.index("### Health flags"):text.index("### Segment trends")]
    trends = text[text.index("### Segment trends"):text.index("### What drove")]
    assert "against its baseline: the 12 months before each period (4 periods of 'Q')" in flags
    assert "Holm within each period" in flags
    assert re.search(r"^- starter 2025Q2: [a-z_, ]*nps_drop", flags, re.M), flags
    assert "[baseline 2024Q2 to 2025Q1" in flags
    assert re.search(r"What 2025Q4 could reveal .*starter SE \d+\.\d, \d+ points", flags)
    assert "over the window" in trends
    rising = re.findall(r"^- (\w+): detractors rising .*$", trends, re.M)
    assert "starter" in rising
    for line in trends.splitlines():
        m = re.match(r"^- (\w+): ", line)
        if m and "flagged in" in line:
            assert re.search(rf"^- {m.group(1)} \S+: ", flags, re.M)
    starter = next(line for line in trends.splitlines() if line.startswith("- starter: detractors"))
    assert "flagged in 2025Q2" in starter
