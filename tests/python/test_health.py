"""Tests of npscore's distribution-health capability: `npscore.health` and
`npscore.segment_trends` (issue 3, docs/sources.md section 4).

Every expected value is computed independently of npscore: period buckets by
pandas (`tz_convert` to local time, then `to_period`; ISO week labels from
`isocalendar`), counts and histograms by `pd.crosstab`, Wilson, Wald and
adjusted-Wald intervals and z-tests by hand with scipy's normal distribution,
Holm and Benjamini-Hochberg by hand from their definitions (statsmodels is not
installed), weighted trend slopes by `numpy.polyfit(w=sqrt(n))` and the
Cochran-Armitage standard error by hand, "latest response" by pandas
sort + drop_duplicates. Synthetic series have known injected changes.
"""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import npscore
import npscore.datasets as datasets
from two_sample_oracle import nps_change_p, share_change_p

SEGMENT_SCORES = {"d": np.arange(0, 7), "pa": np.arange(7, 9), "pr": np.arange(9, 11)}


# --- independent oracles --------------------------------------------------------------


def crit(confidence):
    return stats.norm.ppf(0.5 + confidence / 2)


def hand_wilson(k, n, z):
    """Wilson score interval (Wilson 1927), clipped to [0, 1]."""
    k, n = np.asarray(k, float), np.asarray(n, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        den = 1 + z**2 / n
        center = (p + z**2 / (2 * n)) / den
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / den
    return np.clip(center - half, 0, 1), np.clip(center + half, 0, 1)


def hand_var(d, pa, pr):
    """Per-respondent NPS variance on the -1..1 scale: (p + d) - (p - d)^2."""
    n = d + pa + pr
    return (pr + d) / n - ((pr - d) / n) ** 2


def hand_ci(d, pa, pr, method, z):
    """Wald, or adjusted Wald (add 0.75 / 1.5 / 0.75, docs/sources.md 3), on -100..100."""
    if method == "adjusted-wald":
        d, pa, pr = d + 0.75, pa + 1.5, pr + 0.75
    n = d + pa + pr
    est = (pr - d) / n
    half = z * np.sqrt(hand_var(d, pa, pr) / n)
    return 100 * np.clip(est - half, -1, 1), 100 * np.clip(est + half, -1, 1)


def two_prop_p(k1, n1, k2, n2):
    """Pooled two-proportion z-test, two-sided."""
    pool = (k1 + k2) / (n1 + n2)
    var = pool * (1 - pool) * (1 / n1 + 1 / n2)
    diff = k2 / n2 - k1 / n1
    if var == 0:
        return 1.0 if diff == 0 else 0.0
    return 2 * stats.norm.sf(abs(diff) / np.sqrt(var))


def holm(p):
    """Holm (1979) step-down adjustment; NaN entries stay out of the family."""
    p = np.asarray(p, float)
    out = p.copy()
    idx = np.flatnonzero(~np.isnan(p))
    m = idx.size
    order = idx[np.argsort(p[idx], kind="stable")]
    adj = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out[order] = adj
    return out


def bh(p):
    """Benjamini-Hochberg (1995) step-up adjustment; NaN entries left out."""
    p = np.asarray(p, float)
    out = p.copy()
    idx = np.flatnonzero(~np.isnan(p))
    m = idx.size
    order = idx[np.argsort(p[idx], kind="stable")]
    q = p[order] * m / np.arange(1, m + 1)
    out[order] = np.minimum(1, np.minimum.accumulate(q[::-1])[::-1])
    return out


ADJUST = {"holm": holm, "bh": bh, "none": lambda p: np.asarray(p, float)}


def hand_trend(x, k, n):
    """Weighted LS slope of share k/n on x (polyfit, w = sqrt(n)) and the
    Cochran-Armitage test: SE = sqrt(pbar (1 - pbar) / sum n (x - xbar_w)^2)."""
    x, k, n = (np.asarray(a, float) for a in (x, k, n))
    slope, intercept = np.polyfit(x, k / n, 1, w=np.sqrt(n))
    pbar = k.sum() / n.sum()
    xbar = (n * x).sum() / n.sum()
    se = np.sqrt(pbar * (1 - pbar) / (n * (x - xbar) ** 2).sum())
    z = slope / se
    return dict(slope=slope, intercept=intercept, se=se, z=z, p=2 * stats.norm.sf(abs(z)))


def scores_with_counts(rng, d, pa, pr):
    """Exactly d detractor, pa passive and pr promoter scores, shuffled."""
    s = np.concatenate([rng.choice(SEGMENT_SCORES["d"], d), rng.choice(SEGMENT_SCORES["pa"], pa),
                        rng.choice(SEGMENT_SCORES["pr"], pr)])
    rng.shuffle(s)
    return s


def month_times(rng, month: pd.Period, n):
    """n uniform UTC instants within `month` (UTC)."""
    lo = month.start_time.tz_localize("UTC").value
    hi = (month + 1).start_time.tz_localize("UTC").value
    return pd.to_datetime(rng.integers(lo, hi, n), utc=True)


def local_periods(utc: pd.Series, freq: str, tz: str) -> pd.Series:
    """pandas' bucket of each instant: naive local time, then to_period."""
    return utc.dt.tz_convert(tz).dt.tz_localize(None).dt.to_period(freq)


def period_label(per: pd.Period) -> str:
    """npscore's label: str(Period) for D/M/Q, ISO "YYYY-Www" for weeks."""
    if per.freqstr.startswith("W"):
        iso = per.start_time.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    return str(per)


def expected_table(df, keys, labels_series, all_labels):
    """Histogram per (keys..., period) on the full grid via pd.crosstab."""
    idx_cols = [df[k] for k in keys] + [labels_series.rename("period")]
    hist = pd.crosstab(idx_cols, df["score"]).reindex(columns=range(11), fill_value=0)
    if keys:
        slices = hist.index.droplevel(-1).unique()
        tuples = [(*(s if isinstance(s, tuple) else (s,)), p) for s in slices for p in all_labels]
        full = pd.MultiIndex.from_tuples(tuples, names=keys + ["period"])
    else:
        full = pd.Index(all_labels, name="period")
    return hist.reindex(full, fill_value=0)


def assert_close(got, exp, **kw):
    np.testing.assert_allclose(np.asarray(got, float), np.asarray(exp, float),
                               rtol=kw.get("rtol", 1e-9), atol=kw.get("atol", 1e-10),
                               equal_nan=True, err_msg=kw.get("err_msg", ""))


# --- 1. period bucketing ---------------------------------------------------------------


def boundary_sample(rng, freq, tz, first, last):
    """UTC instants clustered within +-8 h of each local period start, plus
    uniform ones, with random scores."""
    pers = pd.period_range(first, last, freq=freq)
    starts = pers.start_time.tz_localize(tz).tz_convert("UTC").as_unit("ns").asi8
    hours = 8 if freq != "D" else 3
    near = np.repeat(starts, 25) + rng.integers(-hours * 3600, hours * 3600, 25 * len(starts)) * 10**9
    uniform = rng.integers(starts[0], starts[-1], 200)
    t = pd.Series(pd.to_datetime(np.concatenate([near, uniform]), utc=True))
    return pd.DataFrame({"score": rng.integers(0, 11, len(t)), "responded_at": t})


BUCKET_CASES = [
    ("M", "America/New_York", "2024-10", "2025-12"),
    ("Q", "America/New_York", "2024Q1", "2025Q4"),
    ("W", "America/New_York", "2020-11-30", "2021-03-22"),  # ISO 2020-W53, DST 2021-03-14
    ("D", "America/New_York", "2025-03-06", "2025-03-12"),  # 23-hour day 2025-03-09
    ("D", "America/New_York", "2025-10-30", "2025-11-04"),  # 25-hour day 2025-11-02
    ("M", "UTC", "2024-11", "2025-03"),
    ("Q", "Asia/Kolkata", "2024Q3", "2025Q2"),  # +05:30
    ("W", "Australia/Sydney", "2024-09-23", "2024-10-21"),  # DST 2024-10-06
]


@pytest.mark.parametrize("form", ["aware_utc", "aware_other", "naive_local", "string_local"])
@pytest.mark.parametrize("freq,tz,first,last", BUCKET_CASES)
def test_period_buckets_match_pandas(freq, tz, first, last, form):
    """Labels, period starts, n and the score histogram per period equal
    pandas' tz_convert(tz) -> naive -> to_period(freq) buckets; naive and
    string timestamps are read as local times in `tz`."""
    rng = np.random.default_rng(zlib.crc32(f"{freq}{tz}{first}".encode()))
    df = boundary_sample(rng, freq, tz, first, last)
    local = df["responded_at"].dt.tz_convert(tz).dt.tz_localize(None)
    if form in ("naive_local", "string_local"):
        # Drop wall times that do not exist or are ambiguous in tz (DST).
        ok = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT").notna()
        df, local = df[ok].reset_index(drop=True), local[ok].reset_index(drop=True)
    inp = df.copy()
    if form == "aware_other":
        inp["responded_at"] = df["responded_at"].dt.tz_convert("Europe/Berlin")
    elif form == "naive_local":
        inp["responded_at"] = local
    elif form == "string_local":
        inp["responded_at"] = local.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)

    h = npscore.health(inp, freq=freq, tz=tz)

    per = local_periods(df["responded_at"], freq, tz)
    grid = pd.period_range(per.min(), per.max(), freq=per.dt.freq)
    labels = [period_label(p) for p in grid]
    assert h["period"].tolist() == labels  # contiguous: empty periods are rows, not gaps
    exp_start = grid.start_time.tz_localize(tz).tz_convert("UTC").as_unit("ns")
    np.testing.assert_array_equal(h["period_start"].dt.as_unit("ns").to_numpy(),
                                  exp_start.to_numpy())
    exp = expected_table(df, [], per.map(period_label), labels)
    np.testing.assert_array_equal(h[[f"score_{b}" for b in range(11)]].to_numpy(), exp.to_numpy())
    np.testing.assert_array_equal(h["n"].to_numpy(), exp.to_numpy().sum(axis=1))
    assert h.attrs["excluded"] == 0 and h.attrs["tz"] == tz


def test_string_timestamps_with_utc_offsets_across_dst():
    """ISO strings carrying their own UTC offset (as a New York export does:
    -05:00 in winter, -04:00 in summer) are unambiguous instants; they must
    bucket exactly like the same instants given as tz-aware timestamps.
    Expected from pandas: to_datetime(utc=True) -> tz_convert -> to_period."""
    strings = pd.Series(["2025-03-01T10:00:00-05:00", "2025-03-31T23:30:00-04:00",
                         "2025-04-01T00:30:00-04:00", "2025-11-30T23:59:00-05:00"], dtype=object)
    df = pd.DataFrame({"score": [9, 7, 3, 10], "responded_at": strings})
    aware = pd.to_datetime(strings, utc=True)
    per = local_periods(aware, "M", "America/New_York").astype(str)
    h = npscore.health(df, tz="America/New_York", thresholds={"min_n": 0})
    got = h.set_index("period")["n"]
    assert got[got > 0].to_dict() == per.value_counts().sort_index().to_dict()


def test_start_end_give_empty_leading_and_trailing_periods():
    """`start`/`end` widen the grid: leading and trailing periods are rows
    with n = 0, zero histograms and NaN statistics (pandas period_range gives
    the expected labels); responses outside [start, end] are excluded."""
    rng = np.random.default_rng(7)
    months = pd.period_range("2025-03", "2025-05", freq="M")
    t = np.concatenate([month_times(rng, m, 50) for m in months])
    df = pd.DataFrame({"score": rng.integers(0, 11, 150), "responded_at": t})
    h = npscore.health(df, start="2025-01-15", end=pd.Timestamp("2025-07-02", tz="UTC"))
    assert h["period"].tolist() == [str(p) for p in pd.period_range("2025-01", "2025-07", freq="M")]
    empty = h["period"].isin(["2025-01", "2025-02", "2025-06", "2025-07"])
    assert (h.loc[empty, "n"] == 0).all() and (h.loc[~empty, "n"] == 50).all()
    assert (h.loc[empty, [f"score_{b}" for b in range(11)]].to_numpy() == 0).all()
    stat_cols = ["share_detractors", "share_passives_low", "nps", "se", "ci_low", "ci_high",
                 "passive_trend", "nps_trend"]
    assert h.loc[empty, stat_cols].isna().all().all()
    assert h.loc[h["period"] == "2025-03", "nps_change"].isna().all()  # previous period empty
    assert h.loc[empty, "flag_low_n"].all()
    # An `end` inside the data leaves later responses out, counted as excluded.
    h2 = npscore.health(df, end="2025-03-31 23:59:59")
    assert h2["period"].tolist() == ["2025-03"] and h2.attrs["excluded"] == 100


# --- 2. per-period statistics ------------------------------------------------------------


@pytest.fixture(scope="module")
def regional():
    """3 regions x 8 months (UTC), n 15..220 per cell (some below min_n),
    'north' has no response in 2025-04, distributions drift per cell."""
    rng = np.random.default_rng(2024)
    months = pd.period_range("2025-01", "2025-08", freq="M")
    parts = []
    for r, region in enumerate(["east", "north", "west"]):
        for i, m in enumerate(months):
            if region == "north" and str(m) == "2025-04":
                continue
            n = int(rng.integers(15, 220))
            pmf = rng.dirichlet(np.ones(11) * 3 + np.arange(11) * (0.3 + 0.1 * r))
            parts.append(pd.DataFrame({"region": region, "score": rng.choice(11, n, p=pmf),
                                       "responded_at": month_times(rng, m, n)}))
    df = pd.concat(parts, ignore_index=True)
    labels = [str(m) for m in months]
    per = local_periods(df["responded_at"], "M", "UTC").astype(str)
    hist = expected_table(df, ["region"], per, labels)
    return df, hist


def expected_stats(hist, confidence, method, trend_periods=6):
    """Every numeric column of the health table from the crosstab, by hand."""
    H = hist.to_numpy().astype(float)
    d, pa, pr = H[:, :7].sum(1), H[:, 7:9].sum(1), H[:, 9:].sum(1)
    n = d + pa + pr
    z = crit(confidence)
    e = pd.DataFrame(index=hist.index)
    e["n"], e["detractors"], e["passives"], e["promoters"] = n, d, pa, pr
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, k in (("detractors", d), ("passives", pa), ("promoters", pr)):
            e[f"share_{name}"] = k / n
            e[f"share_{name}_low"], e[f"share_{name}_high"] = hand_wilson(k, n, z)
        e["nps"] = 100 * (pr - d) / n
        e["se"] = 100 * np.sqrt(hand_var(d, pa, pr) / n)
        e["ci_low"], e["ci_high"] = hand_ci(d, pa, pr, method, z)
    e.loc[n == 0, ["ci_low", "ci_high"]] = np.nan  # no interval without respondents
    cols = ["nps_change", "change_se", "change_p", "detractor_change", "promoter_change",
            "det_p", "pro_p", "passive_trend", "passive_p", "nps_trend"]
    for c in cols:
        e[c] = np.nan
    slices = hist.index.get_level_values(0)
    for s in slices.unique():
        rows = np.flatnonzero(slices == s)
        for j, r in enumerate(rows):
            q = rows[j - 1] if j else None
            if q is not None and n[r] > 0 and n[q] > 0:
                diff = e["nps"].iat[r] - e["nps"].iat[q]
                se = np.hypot(e["se"].iat[r], e["se"].iat[q])
                e.iloc[r, e.columns.get_loc("nps_change")] = diff
                e.iloc[r, e.columns.get_loc("change_se")] = se
                e.iloc[r, e.columns.get_loc("change_p")] = nps_change_p(
                    (d[r], pa[r], pr[r]), (d[q], pa[q], pr[q]))
                e.iloc[r, e.columns.get_loc("detractor_change")] = 100 * (d[r] / n[r] - d[q] / n[q])
                e.iloc[r, e.columns.get_loc("promoter_change")] = 100 * (pr[r] / n[r] - pr[q] / n[q])
                e.iloc[r, e.columns.get_loc("det_p")] = share_change_p(d[q], n[q], d[r], n[r])
                e.iloc[r, e.columns.get_loc("pro_p")] = share_change_p(pr[q], n[q], pr[r], n[r])
            if n[r] == 0:
                continue
            win = [w for w in rows[max(0, j - trend_periods + 1): j + 1] if n[w] > 0]
            if len(win) < 3:
                continue
            x = np.array([np.flatnonzero(rows == w)[0] for w in win], float)
            t = hand_trend(x, pa[win], n[win])
            e.iloc[r, e.columns.get_loc("passive_trend")] = 100 * t["slope"]
            e.iloc[r, e.columns.get_loc("passive_p")] = t["p"]
            nps_share = (pr[win] - d[win]) / n[win]
            e.iloc[r, e.columns.get_loc("nps_trend")] = 100 * np.polyfit(
                x, nps_share, 1, w=np.sqrt(n[win]))[0]
    return e


@pytest.mark.parametrize("method,confidence", [("adjusted-wald", 0.95), ("wald", 0.90)])
def test_counts_shares_intervals_and_changes(regional, method, confidence):
    """n, counts, histogram (pd.crosstab), shares with Wilson bounds, NPS with
    its Wald / adjusted-Wald interval, the score test of the NPS change and
    share changes in points with unadjusted two-proportion p-values (both
    exact mid-p below 10 answers; adjust="none"), all by hand or scipy; an
    empty period is an n = 0 row."""
    df, hist = regional
    h = npscore.health(df, by="region", method=method, confidence=confidence, adjust="none")
    h = h.set_index(["region", "period"])
    assert h.index.tolist() == hist.index.tolist()
    np.testing.assert_array_equal(h[[f"score_{b}" for b in range(11)]].to_numpy(), hist.to_numpy())
    e = expected_stats(hist, confidence, method)
    for col in ["n", "detractors", "passives", "promoters", "share_detractors",
                "share_detractors_low", "share_detractors_high", "share_passives",
                "share_passives_low", "share_passives_high", "share_promoters",
                "share_promoters_low", "share_promoters_high", "nps", "se", "ci_low", "ci_high",
                "nps_change", "change_se", "change_p", "detractor_change", "promoter_change"]:
        assert_close(h[col], e[col], err_msg=col)
    assert_close(h["change_p_adjusted"], e["change_p"])
    assert_close(h["detractor_change_p_adjusted"], e["det_p"])
    assert_close(h["promoter_change_p_adjusted"], e["pro_p"])
    assert h.loc[("north", "2025-04"), "n"] == 0
    assert h.loc[[("north", "2025-04"), ("north", "2025-05")], "nps_change"].isna().all()
    assert (h["flag_low_n"] == (h["n"] < 30)).all()
    assert h.loc[h["n"] < 30, "reasons"].str.contains("too few responses").all()


@pytest.mark.parametrize("adjust", ["holm", "bh", "none"])
def test_adjusted_p_values_across_all_rows(regional, adjust):
    """change / detractor / promoter / passive-trend p-values adjusted across
    all periods and slices: Holm and Benjamini-Hochberg by hand from the
    hand-computed raw p-values (NaNs left out of the family)."""
    df, hist = regional
    h = npscore.health(df, by="region", adjust=adjust)
    e = expected_stats(hist, 0.95, "adjusted-wald")
    f = ADJUST[adjust]
    assert_close(h["change_p_adjusted"], f(e["change_p"]))
    assert_close(h["detractor_change_p_adjusted"], f(e["det_p"]))
    assert_close(h["promoter_change_p_adjusted"], f(e["pro_p"]))
    assert_close(h["passive_trend_p_adjusted"], f(e["passive_p"]))
    assert h.attrs["adjust"] == adjust


def test_holm_and_bh_oracles_match_textbook_example():
    """The hand adjustments themselves, on a worked example (Holm: sorted p
    times m, m-1, ...; BH: p * m / rank, monotone from the top)."""
    p = np.array([0.01, 0.04, np.nan, 0.03, 0.005])
    assert_close(holm(p), [0.03, 0.06, np.nan, 0.06, 0.02])
    assert_close(bh(p), [0.02, 0.04, np.nan, 0.04, 0.02])


@pytest.mark.parametrize("trend_periods", [6, 4])
def test_passive_and_nps_trends(regional, trend_periods):
    """passive_trend / nps_trend: WLS slope (polyfit, w = sqrt(n)) of the
    share over the last `trend_periods` periods with responses (>= 3),
    points per period; passive_trend p-value by hand Cochran-Armitage."""
    df, hist = regional
    h = npscore.health(df, by="region", adjust="none", thresholds={"trend_periods": trend_periods})
    e = expected_stats(hist, 0.95, "adjusted-wald", trend_periods)
    assert_close(h["passive_trend"], e["passive_trend"], rtol=1e-7, atol=1e-8)
    assert_close(h["nps_trend"], e["nps_trend"], rtol=1e-7, atol=1e-8)
    assert_close(h["passive_trend_p_adjusted"], e["passive_p"], rtol=1e-7, atol=1e-10)
    assert h["passive_trend"].notna().sum() > 10
    assert h.attrs["thresholds"]["trend_periods"] == trend_periods


@pytest.mark.parametrize("periods,adjust", [(6, "holm"), (4, "bh"), (20, "holm")])
def test_segment_trends_cochran_armitage(regional, periods, adjust):
    """slope / SE / z / p per (slice, segment) over the last `periods` periods
    by hand (polyfit slope, Cochran-Armitage SE with pbar pooled over the
    window), start/end share from the fitted line at the window's ends,
    p-values adjusted across slices and segments, direction at alpha."""
    df, hist = regional
    st = npscore.segment_trends(df, by="region", periods=periods, adjust=adjust, alpha=0.05)
    labels = hist.index.get_level_values(1).unique()
    P = len(labels)
    first = max(0, P - periods)
    rows = []
    for region in hist.index.get_level_values(0).unique():
        H = hist.loc[region].to_numpy()[first:].astype(float)
        n = H.sum(1)
        ok = n > 0
        x = np.arange(first, P, dtype=float)
        for seg, k in (("detractors", H[:, :7].sum(1)), ("passives", H[:, 7:9].sum(1)),
                       ("promoters", H[:, 9:].sum(1))):
            t = hand_trend(x[ok], k[ok], n[ok])
            rows.append(dict(region=region, segment=seg, periods=int(ok.sum()), n=n.sum(),
                             slope_points=100 * t["slope"], slope_se=100 * t["se"], z=t["z"],
                             p_value=t["p"], start_share=t["intercept"] + t["slope"] * first,
                             end_share=t["intercept"] + t["slope"] * (P - 1)))
    e = pd.DataFrame(rows)
    e["p_adjusted"] = ADJUST[adjust](e["p_value"])
    e["direction"] = np.where(e["p_adjusted"] >= 0.05, "flat",
                              np.where(e["slope_points"] > 0, "rising", "falling"))
    assert st[["region", "segment"]].values.tolist() == e[["region", "segment"]].values.tolist()
    assert (st["from_period"] == labels[first]).all() and (st["to_period"] == labels[-1]).all()
    for col in ["periods", "n", "slope_points", "slope_se", "z", "p_value", "p_adjusted",
                "start_share", "end_share"]:
        assert_close(st[col], e[col], rtol=1e-7, atol=1e-9, err_msg=col)
    assert st["direction"].tolist() == e["direction"].tolist()


# --- 4. the seed example ------------------------------------------------------------------


def test_seed_example_same_nps_different_health():
    """docs/sources.md 4: +50 as 60/30/10 is healthy, +50 as 50/50/0 is flagged
    passive_vulnerability with the passive share named in the reason."""
    rng = np.random.default_rng(1)
    a = scores_with_counts(rng, 10, 30, 60)
    b = scores_with_counts(rng, 0, 50, 50)
    t = month_times(rng, pd.Period("2025-06", "M"), 200)
    df = pd.DataFrame({"slice": ["60/30/10"] * 100 + ["50/50/0"] * 100,
                       "score": np.concatenate([a, b]), "responded_at": t})
    h = npscore.health(df, by="slice").set_index("slice")
    assert h.loc["60/30/10", "nps"] == pytest.approx(50) and h.loc["50/50/0", "nps"] == pytest.approx(50)
    assert h.loc["50/50/0", "flag_passive_vulnerability"]
    assert h.loc["50/50/0", "flags"] == "passive_vulnerability"
    assert "passive share 50.0%" in h.loc["50/50/0", "reasons"]
    assert "40.0%" in h.loc["50/50/0", "reasons"]  # the documented threshold
    assert h.loc["60/30/10", "flags"] == "" and h.loc["60/30/10", "reasons"] == ""


# --- 5. synthetic series with and without an injected change ---------------------------

MONTHS = pd.period_range("2024-01", "2025-12", freq="M")  # 24 months
SURGE_AT = 15  # 2025-04
GROWTH_FROM = 12  # 2025-01


@pytest.fixture(scope="module")
def injected():
    """Seeded monthly series, 4 slices x 24 months:
    - 'east', 'west': multinomial n ~ Poisson(400), 15/30/55 throughout;
    - 'south': same, but detractors 15% -> 30% (taken from passives) from 2025-04;
    - 'growth': exact counts n = 400, passives 10% until 2025-01, then +3
      points a month taken equally from promoters and detractors (NPS stays +30)."""
    rng = np.random.default_rng(12345)
    parts = []
    for i, m in enumerate(MONTHS):
        for region in ("east", "west", "south"):
            n = int(rng.poisson(400))
            pmf = (0.30, 0.15, 0.55) if region == "south" and i >= SURGE_AT else (0.15, 0.30, 0.55)
            d, pa, pr = rng.multinomial(n, pmf)
            parts.append(pd.DataFrame({"region": region, "score": scores_with_counts(rng, d, pa, pr),
                                       "responded_at": month_times(rng, m, n)}))
        j = max(0, i - GROWTH_FROM)
        d, pa, pr = 120 - 6 * j, 40 + 12 * j, 240 - 6 * j
        parts.append(pd.DataFrame({"region": "growth", "score": scores_with_counts(rng, d, pa, pr),
                                   "responded_at": month_times(rng, m, 400)}))
    return pd.concat(parts, ignore_index=True)


def test_injected_detractor_surge_found_in_right_slice_and_month(injected):
    """detractor_surge (against the trailing 12 months, Holm within the
    month, alpha 0.05) fires first in 'south' 2025-04, and in 'south' only,
    with the change in points in its reason; no flag in the untouched
    slices."""
    h = npscore.health(injected, by="region")
    surge = h[h["flag_detractor_surge"]]
    assert surge[["region", "period"]].values.tolist()[0] == ["south", str(MONTHS[SURGE_AT])]
    assert (surge["region"] == "south").all()
    row = surge.iloc[0]
    assert row["detractor_vs_baseline"] > 10
    assert (f"detractor share {row['detractor_vs_baseline']:+.1f} points vs the 12 periods before"
            in row["reasons"])
    quiet = h[h["region"].isin(["east", "west"])]
    assert quiet["flags"].eq("").all()
    # Promoters fall only in 'growth' (1.5 points a month into passives).
    assert not h.loc[h["region"] != "growth", "flag_promoter_erosion"].any()


def test_injected_passive_growth_under_flat_nps(injected):
    """'growth': NPS exactly +30 each month (by construction) while passives
    grow 3 points/period; once the 6-period window lies in the growth phase
    the passive_vulnerability flag fires with the trend in its reason; it
    never fires in the flat phase. segment_trends states the same."""
    h = npscore.health(injected, by="region")
    g = h[h["region"] == "growth"].reset_index(drop=True)
    assert_close(g["nps"], np.full(24, 30.0))
    assert_close(g.loc[GROWTH_FROM + 5:, "passive_trend"], 3.0, rtol=1e-9)
    assert g.loc[:1, "nps_trend"].isna().all()  # fewer than 3 periods
    assert_close(g.loc[2:, "nps_trend"], 0.0, atol=1e-9)
    grown = g.loc[GROWTH_FROM + 5:]
    assert grown["flag_passive_vulnerability"].all()
    assert grown["reasons"].str.contains(r"passive share \+3\.0 points/period").all()
    assert grown["reasons"].str.contains(r"while NPS moved [+-]0\.0 over 6 periods").all()
    assert not g.loc[:GROWTH_FROM, "flag_passive_vulnerability"].any()
    st = npscore.segment_trends(injected, by="region").set_index(["region", "segment"])
    assert st.loc[("growth", "passives"), "direction"] == "rising"
    assert st.loc[("growth", "passives"), "slope_points"] == pytest.approx(3.0)


def test_no_flag_without_a_change():
    """5 slices x 24 months, n ~ Poisson(400), one fixed distribution
    (15/30/55): at most the rare false alarms the alerting rule allows
    (simulated: about 0.09 per slice-year, so 0.9 expected in these 10
    slice-years, and 3 or fewer with probability 0.985), no p-value flag in
    review mode, and segment_trends says every share is flat."""
    rng = np.random.default_rng(99)
    parts = []
    for m in MONTHS:
        for region in ("a", "b", "c", "d", "e"):
            n = int(rng.poisson(400))
            d, pa, pr = rng.multinomial(n, (0.15, 0.30, 0.55))
            parts.append(pd.DataFrame({"region": region, "score": scores_with_counts(rng, d, pa, pr),
                                       "responded_at": month_times(rng, m, n)}))
    df = pd.concat(parts, ignore_index=True)
    h = npscore.health(df, by="region")
    assert len(h) == 5 * 24 and h.attrs["adjust"] == "holm" and h.attrs["thresholds"]["alpha"] == 0.05
    assert (h["flags"] != "").sum() <= 3, h.loc[h["flags"] != "", ["region", "period", "reasons"]]
    review = npscore.health(df, by="region", mode="review")
    assert not review[["flag_nps_drop", "flag_detractor_surge", "flag_promoter_erosion",
                       "flag_passive_vulnerability"]].any().any()
    st = npscore.segment_trends(df, by="region")
    assert st["direction"].eq("flat").all()


# --- 6. kind and basis ------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel():
    """80 customers (region fixed per customer), 600 responses over 3 months
    at distinct instants, survey_kind relational / transactional."""
    rng = np.random.default_rng(5)
    n = 600
    cust = rng.integers(0, 80, n)
    lo = pd.Timestamp("2025-01-01", tz="UTC").value // 10**9
    hi = pd.Timestamp("2025-04-01", tz="UTC").value // 10**9
    secs = rng.choice(np.arange(lo, hi), n, replace=False)
    return pd.DataFrame({
        "customer_id": [f"C{c:03d}" for c in cust],
        "region": np.array(["north", "south"])[cust % 2],
        "survey_kind": rng.choice(["relational", "transactional"], n),
        "score": rng.integers(0, 11, n),
        "responded_at": pd.to_datetime(secs * 10**9, utc=True),
    })


@pytest.mark.parametrize("by", ["region", ["region", "survey_kind"]])
def test_kind_keeps_survey_kinds_apart(panel, by):
    """kind= is the first slice key; per-(kind, region, period) histograms
    equal pandas' crosstab, so relational and transactional never mix."""
    h = npscore.health(panel, kind="survey_kind", by=by, thresholds={"min_n": 0})
    assert list(h.columns[:3]) == ["survey_kind", "region", "period"]
    per = local_periods(panel["responded_at"], "M", "UTC").astype(str)
    exp = expected_table(panel, ["survey_kind", "region"], per, ["2025-01", "2025-02", "2025-03"])
    got = h.set_index(["survey_kind", "region", "period"])
    assert got.index.tolist() == exp.index.tolist()
    np.testing.assert_array_equal(got[[f"score_{b}" for b in range(11)]].to_numpy(), exp.to_numpy())


def test_basis_latest_keeps_each_customers_latest_response(panel):
    """basis="latest": pandas sort by time + drop_duplicates(keep="last") per
    (customer, period, slice) gives the kept responses; the number left out is
    attrs["dropped_by_basis"]."""
    h = npscore.health(panel, by="region", kind="survey_kind", basis="latest",
                       thresholds={"min_n": 0})
    p = panel.assign(period=local_periods(panel["responded_at"], "M", "UTC").astype(str))
    kept = p.sort_values("responded_at").drop_duplicates(
        ["customer_id", "period", "survey_kind", "region"], keep="last")
    exp = expected_table(kept, ["survey_kind", "region"], kept["period"],
                         ["2025-01", "2025-02", "2025-03"])
    got = h.set_index(["survey_kind", "region", "period"])
    np.testing.assert_array_equal(got[[f"score_{b}" for b in range(11)]].to_numpy(), exp.to_numpy())
    assert h.attrs["dropped_by_basis"] == len(panel) - len(kept) > 100
    assert h.attrs["basis"] == "latest"
    assert npscore.health(panel, by="region").attrs["dropped_by_basis"] == 0


# --- 7. bad input -------------------------------------------------------------------------


def small_frame():
    return pd.DataFrame({"score": [9, 7, 3, 10],
                         "responded_at": pd.to_datetime(["2025-01-03", "2025-01-20",
                                                         "2025-02-11", "2025-03-01"], utc=True),
                         "region": ["a", "b", "a", "b"]})


def test_unparseable_timestamp_names_row_and_value():
    df = small_frame().astype({"responded_at": object})
    df["responded_at"] = ["2025-01-03", "2025-01-20", "not a date", "2025-03-01"]
    with pytest.raises(ValueError, match=r"row 2 is 'not a date'.*not a timestamp"):
        npscore.health(df)


def test_missing_timestamps_error_or_skip():
    """NaT: an error naming the row; with missing="skip" the row is left out
    and counted in attrs["excluded"] (n checked against the remaining rows)."""
    df = small_frame()
    df.loc[1, "responded_at"] = pd.NaT
    with pytest.raises(ValueError, match=r"time at row 1 is missing"):
        npscore.health(df)
    h = npscore.health(df, missing="skip", thresholds={"min_n": 0})
    assert h.attrs["excluded"] == 1
    assert h.set_index("period")["n"].to_dict() == {"2025-01": 1, "2025-02": 1, "2025-03": 1}
    st = npscore.segment_trends(df, missing="skip")
    assert (st["n"] == 3).all()


@pytest.mark.parametrize("kwargs,match", [
    (dict(freq="Y"), r'unknown frequency "Y"'),
    (dict(tz="Mars/Olympus"), r'tz "Mars/Olympus" is not'),
    (dict(score="nps_score"), r"score column 'nps_score' not found"),
    (dict(time="when"), r"time column 'when' not found"),
    (dict(by="plan"), r"column 'plan' not found"),
    (dict(kind="survey"), r"column 'survey' not found"),
    (dict(thresholds={"alpah": 0.1}), r'unknown health threshold "alpah"'),
    (dict(thresholds={"trend_periods": 2}), r"trend_periods=2"),
    (dict(adjust="bonferroni"), r'unknown p-value adjustment "bonferroni"'),
    (dict(basis="bogus"), r'basis is "bogus"'),
    (dict(basis="latest"), r"customer column 'customer_id' not found"),
])
def test_health_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        npscore.health(small_frame(), **kwargs)


def test_unknown_time_zone_with_aware_and_naive_times():
    """Both paths (tz-aware data -> core grid; naive data -> localization)
    name the unknown zone."""
    df = small_frame()
    with pytest.raises(ValueError, match=r'tz "Nowhere/City" is not'):
        npscore.health(df, tz="Nowhere/City")
    df["responded_at"] = df["responded_at"].dt.tz_localize(None)
    with pytest.raises(ValueError, match=r'tz "Nowhere/City" is not'):
        npscore.health(df, tz="Nowhere/City")


@pytest.mark.parametrize("kwargs,match", [
    (dict(periods=2), r"periods is 2: a trend needs 3"),
    (dict(adjust="fdr"), r'unknown p-value adjustment "fdr"'),
    (dict(basis="bogus"), r'basis is "bogus"'),
    (dict(freq="hourly"), r'unknown frequency "hourly"'),
])
def test_segment_trends_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        npscore.segment_trends(small_frame(), **kwargs)


# --- 8. the sample data: the documented pricing event is found ---------------------------


def test_sample_pricing_event_found_by_segment_trends():
    """datasets.EVENTS: starter price +30% on 2025-04-01. Over the 6 quarters
    around it, the starter detractor share is "rising" (slope/p checked by
    hand Cochran-Armitage from pandas counts); pro and enterprise are not."""
    sample = datasets.load_sample()
    event = next(e for e in datasets.EVENTS if e["kind"] == "pricing_change")
    assert event["plan"] == "starter" and event["time"] == pd.Timestamp("2025-04-01", tz="UTC")
    df = sample.responses.merge(sample.customers[["customer_id", "plan"]], on="customer_id")
    st = npscore.segment_trends(df, by="plan", freq="Q", periods=6)
    st = st.set_index(["plan", "segment"])
    q = str(pd.Period(event["time"].tz_localize(None), "Q"))
    assert st["from_period"].iloc[0] < q <= st["to_period"].iloc[0]
    assert st.loc[("starter", "detractors"), "direction"] == "rising"
    assert st.loc[("pro", "detractors"), "direction"] != "rising"
    assert st.loc[("enterprise", "detractors"), "direction"] != "rising"

    starter = df[df["plan"] == "starter"]
    per = local_periods(starter["responded_at"], "Q", "UTC")
    counts = pd.crosstab(per, starter["score"] <= 6).iloc[-6:]
    n = counts.sum(axis=1).to_numpy()
    t = hand_trend(np.arange(6), counts[True].to_numpy(), n)
    assert st.loc[("starter", "detractors"), "slope_points"] == pytest.approx(100 * t["slope"])
    assert st.loc[("starter", "detractors"), "p_value"] == pytest.approx(t["p"], rel=1e-6)
