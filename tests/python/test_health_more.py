"""More tests of npscore's distribution-health capability (issue 3, docs/sources.md
sections 2 and 4): `npscore.migration`, `npscore.attribute_change`,
`npscore.event_impact`, `npscore.account_nps`, plus smoke tests of
`npscore.plot.health` and of the report's health section.

Every expected value is computed independently of npscore:
- migration: pandas sort_values([customer, time]) + groupby(customer).shift()
  pairs consecutive responses, pd.crosstab counts the 3x3 moves, periods by
  pandas tz_convert -> naive -> to_period;
- attribute_change: slice weights and NPS per period by pandas groupby, the
  symmetric mix / rate split from its formula;
- event_impact: windows [e - W, e) and [e, e + W) by pandas masks, NPS, SE,
  Wald / adjusted-Wald intervals and the two-sample Wald test by hand with
  scipy.stats.norm, Holm by hand;
- account_nps: per-account figures by pandas groupby, latest responses by
  sort + drop_duplicates, the overall (optionally revenue-weighted, Kish
  n_eff = (sum w)^2 / sum w^2) summary by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import npscore
import npscore.datasets as datasets

SEG = ["detractors", "passives", "promoters"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- independent oracles --------------------------------------------------------------


def seg_code(scores) -> np.ndarray:
    """-1 / 0 / +1 for 0-6 / 7-8 / 9-10 (docs/sources.md 2); NaN stays NaN."""
    s = np.asarray(scores, float)
    return np.where(np.isnan(s), np.nan, np.where(s <= 6, -1.0, np.where(s <= 8, 0.0, 1.0)))


def seg_name(scores) -> np.ndarray:
    s = np.asarray(scores, float)
    return np.where(s <= 6, SEG[0], np.where(s <= 8, SEG[1], SEG[2]))


def mean_segment(mean: float) -> str:
    """Segment of an account's mean score: < 7 detractor, < 9 passive, else promoter."""
    return SEG[0] if mean < 7 else (SEG[1] if mean < 9 else SEG[2])


def crit(confidence):
    return stats.norm.ppf(0.5 + confidence / 2)


def hand_summary(d, pa, pr, method="adjusted-wald", confidence=0.95, n_eff=None):
    """NPS (-100..100), SE = 100 sqrt(V / n_eff) from the (effective) counts, and
    the Wald or adjusted-Wald (+0.75 / +1.5 / +0.75, Rocks 2016) interval."""
    d, pa, pr = float(d), float(pa), float(pr)
    n = d + pa + pr
    if n == 0:
        return dict(n=0.0, nps=np.nan, se=np.nan, ci_low=np.nan, ci_high=np.nan,
                    d=0.0, pa=0.0, pr=0.0, n_eff=0.0)
    n_eff = n if n_eff is None else float(n_eff)
    k = n_eff / n
    de, pae, pre = d * k, pa * k, pr * k
    nps = 100 * (pr - d) / n
    var = (pre + de) / n_eff - ((pre - de) / n_eff) ** 2
    se = 100 * np.sqrt(var / n_eff)
    z = crit(confidence)
    if method == "adjusted-wald":
        de, pae, pre = de + 0.75, pae + 1.5, pre + 0.75
    ne = de + pae + pre
    est = (pre - de) / ne
    half = z * np.sqrt(((pre + de) / ne - est**2) / ne)
    return dict(n=n, nps=nps, se=se, ci_low=100 * np.clip(est - half, -1, 1),
                ci_high=100 * np.clip(est + half, -1, 1), d=d, pa=pa, pr=pr, n_eff=n_eff)


def hand_compare(after, before, method="adjusted-wald", confidence=0.95):
    """after - before: Wald test with SE = sqrt(se_a^2 + se_b^2) and the
    interval diff +- z SE (Wald), or the Wald test and interval after adding
    0.375 / 0.75 / 0.375 to each sample (adjusted Wald, Agresti-Caffo style)."""
    if after["n"] == 0 or before["n"] == 0:
        return dict(diff=np.nan, se=np.nan, z=np.nan, p_value=np.nan, ci_low=np.nan,
                    ci_high=np.nan)
    diff = after["nps"] - before["nps"]
    se = np.hypot(after["se"], before["se"])
    z = diff / se if se > 0 else (np.inf if diff > 0 else (-np.inf if diff < 0 else 0.0))
    zc = crit(confidence)
    if method == "wald":
        lo, hi = diff - zc * se, diff + zc * se
    else:
        def adj(s):
            d, pa, pr = s["d"] + 0.375, s["pa"] + 0.75, s["pr"] + 0.375
            n = d + pa + pr
            est = (pr - d) / n
            return est, ((pr + d) / n - est**2) / n
        ea, va = adj(after)
        eb, vb = adj(before)
        dd, ss = 100 * (ea - eb), 100 * np.sqrt(va + vb)
        lo, hi = dd - zc * ss, dd + zc * ss
        z = dd / ss  # the p-value comes from the method's own statistic
    p = 1.0 if z == 0 else 2 * stats.norm.sf(abs(z))
    return dict(diff=diff, se=se, z=z, p_value=p, ci_low=np.clip(lo, -200, 200),
                ci_high=np.clip(hi, -200, 200))


def holm(p):
    """Holm (1979) step-down adjustment; NaN entries stay out of the family."""
    p = np.asarray(p, float)
    out = np.full_like(p, np.nan)
    idx = np.flatnonzero(~np.isnan(p))
    m = idx.size
    order = idx[np.argsort(p[idx], kind="stable")]
    out[order] = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    return out


def local_periods(times: pd.Series, freq: str, tz: str) -> pd.Series:
    """pandas' period label of each instant in `tz` (naive times are local)."""
    t = pd.to_datetime(times)
    if t.dt.tz is not None:
        t = t.dt.tz_convert(tz).dt.tz_localize(None)
    return t.dt.to_period(freq).astype(str)


def assert_close(got, exp, rtol=1e-9, atol=1e-9, err_msg=""):
    np.testing.assert_allclose(np.asarray(got, float), np.asarray(exp, float), rtol=rtol,
                               atol=atol, equal_nan=True, err_msg=err_msg)


# --- migration ---------------------------------------------------------------------------


def migration_panel(seed=7, n_customers=150, naive=False):
    """Customers with 1-6 responses each at distinct hours (never 01:00 or
    02:00, so naive times are unambiguous in any DST zone), shuffled.
    Month-start midnights are over-represented so that time zones matter."""
    rng = np.random.default_rng(seed)
    base = pd.Timestamp("2024-10-01")
    rows = []
    hours = np.arange(0, 260 * 24)
    hours = hours[~np.isin(hours % 24, (1, 2))]
    for c in range(n_customers):
        k = int(rng.integers(1, 7))
        offs = rng.choice(hours, size=k, replace=False)
        if rng.random() < 0.3:  # one response just after a month start (UTC midnight)
            month = pd.Timestamp(f"2025-0{int(rng.integers(1, 6))}-01")
            offs[0] = int((month - base) / pd.Timedelta(hours=1))
            offs = np.unique(offs)
        for o in offs:
            rows.append((f"C{c:04d}", base + pd.Timedelta(hours=int(o)), int(rng.integers(0, 11))))
    df = pd.DataFrame(rows, columns=["customer_id", "responded_at", "score"])
    if not naive:
        df["responded_at"] = df["responded_at"].dt.tz_localize("UTC")
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


def oracle_migration(df, freq=None, tz="UTC", customer="customer_id"):
    """Counts per (period of the later response, from, to) by pandas, on the
    full period grid; and the totals."""
    d = df.dropna(subset=["score"]).sort_values([customer, "responded_at"]).copy()
    d["to"] = seg_name(d["score"])
    d["from"] = d.groupby(customer)["to"].shift()
    pairs = d[d["from"].notna()].copy()
    if freq is None:
        pairs["period"] = "all"
        grid = ["all"]
    else:
        pairs["period"] = local_periods(pairs["responded_at"], freq, tz)
        allp = local_periods(df["responded_at"].dropna(), freq, tz)
        grid = [str(p) for p in pd.period_range(min(allp), max(allp), freq=freq)]
    ct = pd.crosstab([pairs["period"], pairs["from"]], pairs["to"])
    full = pd.MultiIndex.from_product([grid, SEG], names=["period", "from"])
    ct = ct.reindex(index=full, columns=SEG, fill_value=0)
    sizes = d.groupby(customer).size()
    totals = dict(pairs=len(pairs), customers=int((sizes >= 2).sum()),
                  promoter_to_passive=int(((pairs["from"] == SEG[2]) & (pairs["to"] == SEG[1])).sum()),
                  from_promoters=int((pairs["from"] == SEG[2]).sum()))
    return ct, totals, pairs


def check_migration(out, ct, totals, freq):
    if freq is None:
        assert "period" not in out.columns
        got = out.assign(period="all").set_index(["period", "from"])
    else:
        got = out.set_index(["period", "from"])
    assert list(got.index) == list(ct.index)
    for to in SEG:
        assert got[f"to_{to}"].tolist() == ct[to].tolist(), to
    pairs = ct.sum(axis=1)
    assert got["pairs"].tolist() == pairs.tolist()
    with np.errstate(invalid="ignore", divide="ignore"):
        for to in SEG:
            assert_close(got[f"rate_{to}"], ct[to] / pairs.replace(0, np.nan), err_msg=to)
    rates = got[[f"rate_{to}" for to in SEG]].sum(axis=1)
    assert_close(rates[pairs.to_numpy() > 0], 1.0)
    assert out.attrs["pairs"] == totals["pairs"]
    assert out.attrs["customers"] == totals["customers"]
    assert out.attrs["promoter_to_passive"] == totals["promoter_to_passive"]
    assert_close(out.attrs["promoter_to_passive_rate"],
                 totals["promoter_to_passive"] / totals["from_promoters"])


MIGRATION_CASES = [
    (None, "UTC", False),
    ("M", "UTC", False),
    ("M", "America/New_York", False),  # aware UTC data bucketed in New York
    ("M", "America/New_York", True),   # naive data read in New York
    ("Q", "Asia/Kolkata", False),
]


@pytest.mark.parametrize("freq,tz,naive", MIGRATION_CASES)
def test_migration_matches_pandas_shift_and_crosstab(freq, tz, naive):
    df = migration_panel(naive=naive)
    out = npscore.migration(df, freq=freq, tz=tz)
    ct, totals, _ = oracle_migration(df, freq, tz)
    assert totals["pairs"] > 200 and totals["promoter_to_passive"] > 0
    check_migration(out, ct, totals, freq)
    assert out.attrs["skipped"] == 0 and out.attrs["excluded"] == 0


def test_migration_time_zone_changes_the_period_of_some_pairs():
    """Sanity of the data above: New York and UTC months disagree for some
    pairs, and npscore follows each zone."""
    df = migration_panel()
    _, _, pairs = oracle_migration(df, "M", "UTC")
    ny = local_periods(pairs["responded_at"], "M", "America/New_York")
    utc = local_periods(pairs["responded_at"], "M", "UTC")
    assert (ny != utc).sum() > 0
    a = npscore.migration(df, freq="M", tz="UTC")
    b = npscore.migration(df, freq="M", tz="America/New_York")
    assert a.attrs["pairs"] == b.attrs["pairs"]
    assert a.set_index(["period", "from"])["pairs"].to_dict() != \
        b.set_index(["period", "from"])["pairs"].to_dict()


def test_migration_integer_and_unsorted_customers_with_promoter_erosion():
    """A hand-checkable case: 101 goes 9 -> 7 -> 10, 102 goes 10 -> 8, 103
    answers once, 104 goes 3 -> 9; rows shuffled."""
    t = pd.Timestamp("2025-01-01", tz="UTC")
    df = pd.DataFrame({
        "customer_id": [102, 101, 104, 101, 103, 102, 101, 104],
        "responded_at": [t + pd.Timedelta(days=d) for d in (5, 9, 1, 1, 3, 40, 70, 2)],
        "score": [10, 7, 3, 9, 6, 8, 10, 9],
    })
    out = npscore.migration(df).set_index("from")
    assert out.loc["promoters", "to_passives"] == 2  # 101: 9 -> 7, 102: 10 -> 8
    assert out.loc["passives", "to_promoters"] == 1  # 101: 7 -> 10
    assert out.loc["detractors", "to_promoters"] == 1  # 104: 3 -> 9
    assert out["pairs"].sum() == 4
    assert out.attrs["customers"] == 3
    assert out.attrs["promoter_to_passive"] == 2
    assert out.attrs["promoter_to_passive_rate"] == 1.0
    ct, totals, _ = oracle_migration(df)
    check_migration(npscore.migration(df), ct, totals, None)


def test_migration_missing_scores_skip_takes_part_in_no_pair():
    df = migration_panel(seed=11)
    rng = np.random.default_rng(3)
    df["score"] = df["score"].astype(float)
    df.loc[rng.choice(len(df), 60, replace=False), "score"] = np.nan
    # a customer whose middle answer is missing: 9, NaN, 7 -> one pair promoter -> passive
    t = pd.Timestamp("2025-02-10", tz="UTC")
    extra = pd.DataFrame({"customer_id": ["X1"] * 3 + ["X2"] * 2,
                          "responded_at": [t, t + pd.Timedelta(days=1), t + pd.Timedelta(days=2),
                                           t, t + pd.Timedelta(days=3)],
                          "score": [9, np.nan, 7, np.nan, 3]})
    df = pd.concat([df, extra], ignore_index=True)
    with pytest.raises(ValueError):
        npscore.migration(df)
    for freq in (None, "M"):
        out = npscore.migration(df, missing="skip", freq=freq)
        ct, totals, pairs = oracle_migration(df, freq, "UTC")
        check_migration(out, ct, totals, freq)
        assert out.attrs["skipped"] == int(df["score"].isna().sum())
    x1 = pairs[pairs["customer_id"] == "X1"]
    assert list(zip(x1["from"], x1["to"])) == [("promoters", "passives")]
    assert (pairs["customer_id"] == "X2").sum() == 0
    # the same with X1 only: one pair, one customer
    only = npscore.migration(extra[extra["customer_id"] == "X1"], missing="skip").set_index("from")
    assert only.loc["promoters", "to_passives"] == 1 and only["pairs"].sum() == 1
    assert only.attrs["customers"] == 1


def test_migration_same_instant_follows_row_order():
    """Responses of a customer at the same instant are consecutive in row
    order: the counts equal those with each tied row a second after the one
    before it (and change when the tied rows are swapped)."""
    t = pd.Timestamp("2025-03-01 12:00", tz="UTC")
    df = pd.DataFrame({
        "customer_id": ["amy", "bob", "zed", "amy", "bob", "zed"],
        "responded_at": [t, t, t + pd.Timedelta(days=1), t + pd.Timedelta(days=2),
                         t + pd.Timedelta(days=3), t + pd.Timedelta(days=1)],
        "score": [9, 8, 3, 7, 10, 5],
    })
    tied = npscore.migration(df)
    apart = npscore.migration(df.assign(responded_at=df["responded_at"].where(
        df.index != 5, t + pd.Timedelta(days=1, seconds=1))))
    pd.testing.assert_frame_equal(tied, apart)
    assert tied.attrs["pairs"] == 3
    # One customer's 9 and 3 at one instant: promoter -> detractor in this
    # row order, detractor -> promoter in the other.
    two = pd.DataFrame({"customer_id": ["amy", "amy"], "responded_at": [t, t], "score": [9, 3]})
    fwd = npscore.migration(two).set_index("from")
    back = npscore.migration(two.iloc[::-1].reset_index(drop=True)).set_index("from")
    assert fwd.loc["promoters", "to_detractors"] == 1 and fwd["pairs"].sum() == 1
    assert back.loc["detractors", "to_promoters"] == 1 and back["pairs"].sum() == 1
    # a skipped (missing) score does not count as a response at that instant
    df.loc[5, "score"] = np.nan
    out = npscore.migration(df, missing="skip")
    assert out.attrs["pairs"] == 2


@pytest.mark.parametrize("missing_id", [None, np.nan])
def test_migration_missing_customer_id_names_the_row(missing_id):
    t = pd.Timestamp("2025-03-01", tz="UTC")
    df = pd.DataFrame({"customer_id": ["a", "b", missing_id, "a"],
                       "responded_at": [t + pd.Timedelta(days=i) for i in range(4)],
                       "score": [9, 8, 3, 7]})
    with pytest.raises(ValueError, match=r"row 2"):
        npscore.migration(df)


def test_migration_missing_time_error_or_excluded_with_freq():
    df = migration_panel(seed=5, n_customers=40)
    df.loc[4, "responded_at"] = pd.NaT
    with pytest.raises(ValueError, match=r"row 4"):
        npscore.migration(df, freq="M")
    out = npscore.migration(df, freq="M", missing="skip")
    assert out.attrs["excluded"] == 1
    ct, totals, _ = oracle_migration(df.drop(index=4), "M", "UTC")
    check_migration(out, ct, totals, "M")


# --- attribute_change ------------------------------------------------------------------


def attribution_data(seed=21):
    """Three months, regions with shifting weights and NPS; "apac" answers
    only in February, "latam" only in January."""
    rng = np.random.default_rng(seed)
    spec = {  # month -> region -> (n, P(det), P(pas), P(pro))
        "2025-01": {"emea": (300, .2, .3, .5), "na": (200, .1, .3, .6), "latam": (40, .3, .3, .4)},
        "2025-02": {"emea": (150, .2, .3, .5), "na": (220, .3, .3, .4), "apac": (80, .1, .2, .7)},
        "2025-03": {"emea": (100, .25, .25, .5), "na": (100, .2, .3, .5)},
    }
    parts = []
    for month, regions in spec.items():
        lo = pd.Timestamp(month + "-01", tz="UTC").value
        hi = (pd.Timestamp(month + "-01", tz="UTC") + pd.offsets.MonthBegin(1)).value
        for region, (n, pd_, ppa, ppr) in regions.items():
            seg = rng.choice([-1, 0, 1], n, p=[pd_, ppa, ppr])
            score = np.where(seg == -1, rng.integers(0, 7, n),
                             np.where(seg == 0, rng.integers(7, 9, n), rng.integers(9, 11, n)))
            parts.append(pd.DataFrame({
                "region": region, "plan": rng.choice(["starter", "pro"], n),
                "score": score, "responded_at": pd.to_datetime(rng.integers(lo, hi, n), utc=True)}))
    return pd.concat(parts, ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)


def oracle_attribution(df, by, pa, pb, freq="M", tz="UTC"):
    d = df.assign(period=local_periods(df["responded_at"], freq, tz).to_numpy(),
                  net=seg_code(df["score"]))
    da, db = d[d["period"] == pa], d[d["period"] == pb]
    ga, gb = da.groupby(by)["net"], db.groupby(by)["net"]
    na, nb = ga.size(), gb.size()
    keys = na.index.union(nb.index)
    n_a, n_b = na.reindex(keys, fill_value=0), nb.reindex(keys, fill_value=0)
    wa, wb = n_a / n_a.sum(), n_b / n_b.sum()
    Na, Nb = (100 * ga.mean()).reindex(keys), (100 * gb.mean()).reindex(keys)
    Na, Nb = Na.fillna(Nb), Nb.fillna(Na)
    mix = (wb - wa) * (Na + Nb) / 2
    rate = (wa + wb) / 2 * (Nb - Na)
    exp = pd.DataFrame({"n_a": n_a, "n_b": n_b, "weight_a": wa, "weight_b": wb, "nps_a": Na,
                        "nps_b": Nb, "mix": mix, "rate": rate, "total": mix + rate})
    return exp, 100 * da["net"].mean(), 100 * db["net"].mean()


@pytest.mark.parametrize("by,pa,pb", [
    ("region", "2025-01", "2025-02"),
    ("region", "2025-02", "2025-03"),
    (["region", "plan"], "2025-01", "2025-03"),
])
def test_attribute_change_matches_pandas_and_sums_exactly(by, pa, pb):
    df = attribution_data()
    out = npscore.attribute_change(df, by=by, period_a=pa, period_b=pb)
    exp, nps_a, nps_b = oracle_attribution(df, by, pa, pb)
    keys = [by] if isinstance(by, str) else by
    got = out.set_index(keys)
    assert sorted(got.index.tolist()) == sorted(exp.index.tolist())
    got = got.loc[exp.index]
    for col in exp.columns:
        assert_close(got[col], exp[col], err_msg=col)
    assert out.attrs["period_a"] == pa and out.attrs["period_b"] == pb
    assert_close(out.attrs["nps_a"], nps_a)
    assert_close(out.attrs["nps_b"], nps_b)
    assert_close(out.attrs["change"], nps_b - nps_a)
    assert abs(out["total"].sum() - (nps_b - nps_a)) < 1e-9
    assert abs(out["total"].sum() - out.attrs["change"]) < 1e-9
    assert_close(out["mix"] + out["rate"], out["total"])
    mag = np.abs(out["total"].to_numpy())
    assert (np.diff(mag) <= 1e-12).all(), "rows must be sorted by |total| descending"


def test_attribute_change_absent_slice_is_all_mix():
    df = attribution_data()
    out = npscore.attribute_change(df, by="region", period_a="2025-01",
                                   period_b="2025-02").set_index("region")
    # apac: only in b -> w_a = 0, nps_a := nps_b, mix = w_b N_b, rate = 0
    apac = out.loc["apac"]
    d = df[local_periods(df["responded_at"], "M", "UTC").to_numpy() == "2025-02"]
    n_b = (d["region"] == "apac").sum()
    nps_b = 100 * seg_code(d.loc[d["region"] == "apac", "score"]).mean()
    assert apac["n_a"] == 0 and apac["weight_a"] == 0 and apac["rate"] == 0
    assert_close(apac["nps_a"], nps_b)
    assert_close(apac["mix"], n_b / len(d) * nps_b)
    assert_close(apac["total"], apac["mix"])
    # latam: only in a -> all mix, negative of its weighted NPS
    latam = out.loc["latam"]
    a = df[local_periods(df["responded_at"], "M", "UTC").to_numpy() == "2025-01"]
    la = a["region"] == "latam"
    assert latam["n_b"] == 0 and latam["weight_b"] == 0 and latam["rate"] == 0
    assert_close(latam["mix"], -la.sum() / len(a) * 100 * seg_code(a.loc[la, "score"]).mean())
    # a slice absent in both periods (apac between January and March) has no row
    jm = npscore.attribute_change(df, by="region", period_a="2025-01", period_b="2025-03")
    assert "apac" not in set(jm["region"])


def test_attribute_change_quarters_and_period_objects():
    df = attribution_data()
    df2 = df.copy()
    df2["responded_at"] = df2["responded_at"] + pd.DateOffset(months=3)  # Q2
    both = pd.concat([df, df2], ignore_index=True)
    both.loc[both.index >= len(df), "score"] = 10 - both.loc[both.index >= len(df), "score"]
    out = npscore.attribute_change(both, by="region", period_a=pd.Period("2025Q1", "Q"),
                                   period_b="2025Q2", freq="Q")
    exp, nps_a, nps_b = oracle_attribution(both, "region", "2025Q1", "2025Q2", freq="Q")
    got = out.set_index("region").loc[exp.index]
    for col in exp.columns:
        assert_close(got[col], exp[col], err_msg=col)
    assert abs(out["total"].sum() - (nps_b - nps_a)) < 1e-9


def test_attribute_change_unknown_period_lists_the_range():
    df = attribution_data()
    with pytest.raises(ValueError, match=r"2024-12") as info:
        npscore.attribute_change(df, by="region", period_a="2024-12", period_b="2025-02")
    assert "2025-01" in str(info.value) and "2025-03" in str(info.value)
    with pytest.raises(ValueError, match=r"2025Q1"):
        npscore.attribute_change(df, by="region", period_a="2025-01", period_b="2025Q1")


def test_attribute_change_empty_period_is_a_clear_error():
    df = attribution_data()
    df = df[local_periods(df["responded_at"], "M", "UTC").to_numpy() != "2025-02"]
    with pytest.raises(ValueError, match=r"no respondents"):
        npscore.attribute_change(df, by="region", period_a="2025-01", period_b="2025-02")


# --- event_impact ------------------------------------------------------------------------


def event_data(seed=31):
    """Six months of responses for two plans; starter's NPS drops on
    2025-04-01 (Berlin midnight); a response just after that instant."""
    rng = np.random.default_rng(seed)
    lo, hi = pd.Timestamp("2025-01-01", tz="UTC").value, pd.Timestamp("2025-07-01", tz="UTC").value
    n = 2400
    t = pd.to_datetime(np.sort(rng.integers(lo, hi, n)), utc=True)
    plan = rng.choice(["starter", "pro"], n, p=[0.6, 0.4])
    after = (t >= pd.Timestamp("2025-03-31 22:00", tz="UTC")) & (plan == "starter")
    p_det = np.where(after, 0.40, 0.15)
    u = rng.random(n)
    score = np.where(u < p_det, rng.integers(0, 7, n),
                     np.where(u < p_det + 0.3, rng.integers(7, 9, n), rng.integers(9, 11, n)))
    df = pd.DataFrame({"responded_at": t, "plan": plan, "score": score})
    edge = pd.DataFrame({"responded_at": pd.to_datetime(["2025-03-31 22:30", "2025-03-31 21:59"],
                                                         utc=True),
                         "plan": ["pro", "pro"], "score": [0, 10]})
    return pd.concat([df, edge], ignore_index=True).sample(frac=1, random_state=seed).reset_index(drop=True)


EVENTS = pd.DataFrame({
    "time": pd.to_datetime(["2025-04-01 00:00", "2025-02-15 12:00", "2031-01-01 00:00", "2019-06-01 00:00",
                            "2025-06-20 00:00"]),
    "kind": ["pricing_change", "release", "release", "outage", "outage"],
    "label": ["price up", "dashboards", "far future", "long ago", "near the end"],
})


def oracle_event_impact(df, events, before, after, by, tz, method="adjusted-wald",
                        confidence=0.95):
    t = df["responded_at"]
    ev = pd.to_datetime(events["time"])
    ev = ev.dt.tz_localize(tz) if ev.dt.tz is None else ev
    slices = [None] if by is None else sorted(df[by].unique())
    rows = []
    for k, e in enumerate(ev):
        for s in slices:
            ins = np.ones(len(df), bool) if s is None else (df[by] == s).to_numpy()
            mb = ins & (t >= e - pd.Timedelta(before)).to_numpy() & (t < e).to_numpy()
            ma = ins & (t >= e).to_numpy() & (t < e + pd.Timedelta(after)).to_numpy()

            def summ(mask):
                c = seg_code(df.loc[mask, "score"])
                return hand_summary((c == -1).sum(), (c == 0).sum(), (c == 1).sum(), method,
                                    confidence)
            b, a = summ(mb), summ(ma)
            cmp = hand_compare(a, b, method, confidence)
            rows.append(dict(event=k, slice=s, n_before=b["n"], nps_before=b["nps"],
                             ci_low_before=b["ci_low"], ci_high_before=b["ci_high"],
                             n_after=a["n"], nps_after=a["nps"], ci_low_after=a["ci_low"],
                             ci_high_after=a["ci_high"], outside_data=b["n"] == 0 and a["n"] == 0,
                             **cmp))
    exp = pd.DataFrame(rows)
    exp["p_adjusted"] = holm(exp["p_value"])
    return exp


EVENT_COLS = ["n_before", "nps_before", "ci_low_before", "ci_high_before", "n_after",
              "nps_after", "ci_low_after", "ci_high_after", "diff", "se", "z", "p_value",
              "ci_low", "ci_high", "p_adjusted"]


@pytest.mark.parametrize("window,by,tz,method", [
    ("30D", None, "UTC", "adjusted-wald"),
    ("30D", "plan", "Europe/Berlin", "adjusted-wald"),
    (("14D", "45D"), "plan", "UTC", "wald"),
    ((pd.Timedelta(days=60), "7D"), None, "Europe/Berlin", "wald"),
])
def test_event_impact_matches_hand_computation(window, by, tz, method):
    df = event_data()
    before, after = window if isinstance(window, tuple) else (window, window)
    out = npscore.event_impact(df, EVENTS, window=window, by=by, tz=tz, method=method)
    exp = oracle_event_impact(df, EVENTS, before, after, by, tz, method)
    assert len(out) == len(exp)
    assert out["label"].tolist() == [EVENTS["label"][k] for k in exp["event"]]
    assert out["kind"].tolist() == [EVENTS["kind"][k] for k in exp["event"]]
    if by is not None:
        assert out[by].tolist() == exp["slice"].tolist()
    for col in EVENT_COLS:
        assert_close(out[col], exp[col], err_msg=col)
    assert out["outside_data"].tolist() == exp["outside_data"].tolist()
    assert out.attrs["window_before"] == str(pd.Timedelta(before))
    assert out.attrs["window_after"] == str(pd.Timedelta(after))


def test_event_impact_time_zone_moves_the_window_boundary():
    """The pro responses at 21:59 and 22:30 UTC on 2025-03-31 are on either
    side of Berlin's midnight but both before UTC midnight."""
    df = event_data()
    ev = EVENTS.iloc[[0]]
    ber = npscore.event_impact(df, ev, window="30D", by="plan", tz="Europe/Berlin")
    utc = npscore.event_impact(df, ev, window="30D", by="plan", tz="UTC")
    for out, tz in ((ber, "Europe/Berlin"), (utc, "UTC")):
        exp = oracle_event_impact(df, ev, "30D", "30D", "plan", tz)
        assert_close(out["n_before"], exp["n_before"])
        assert_close(out["n_after"], exp["n_after"])
    b, u = ber.set_index("plan").loc["pro"], utc.set_index("plan").loc["pro"]
    assert b["n_after"] != u["n_after"]


def test_event_outside_data_is_reported_not_an_error():
    df = event_data()
    out = npscore.event_impact(df, EVENTS, window="30D")
    far = out[out["label"].isin(["far future", "long ago"])]
    assert len(far) == 2 and far["outside_data"].all()
    assert (far["n_before"] == 0).all() and (far["n_after"] == 0).all()
    for col in ("nps_before", "nps_after", "diff", "se", "z", "p_value", "p_adjusted",
                "ci_low", "ci_high"):
        assert far[col].isna().all(), col
    near = out[out["label"] == "near the end"].iloc[0]  # one side only partly filled
    assert not near["outside_data"] and near["n_after"] > 0
    # only the event-outside rows are NaN: Holm is over the three others
    inside = out[~out["outside_data"]]
    assert_close(inside["p_adjusted"], holm(inside["p_value"]))


def test_event_impact_finds_the_injected_starter_drop():
    df = event_data()
    out = npscore.event_impact(df, EVENTS.iloc[:2], window="30D", by="plan", tz="Europe/Berlin")
    ix = out.set_index(["label", "plan"])
    st = ix.loc[("price up", "starter")]
    assert st["nps_after"] < st["nps_before"] and st["p_adjusted"] < 0.05
    assert ix.loc[("price up", "pro"), "p_adjusted"] > 0.05
    assert ix.loc[("dashboards", "starter"), "p_adjusted"] > 0.05


def test_event_impact_on_the_sample_finds_the_starter_price_increase():
    sample = datasets.load_sample()
    resp = sample.responses.merge(sample.customers[["customer_id", "plan"]], on="customer_id",
                                  how="left", validate="many_to_one")
    out = npscore.event_impact(resp, sample.events, window="60D", by="plan")
    assert len(out) == len(sample.events) * resp["plan"].nunique()
    price = out[out["time"] == pd.Timestamp("2025-04-01", tz="UTC")].set_index("plan")
    st, pro = price.loc["starter"], price.loc["pro"]
    assert st["nps_after"] < st["nps_before"]
    assert st["p_adjusted"] < 0.05
    assert pro["p_adjusted"] >= 0.05
    # the counts of that row by pandas
    e = pd.Timestamp("2025-04-01", tz="UTC")
    w = pd.Timedelta("60D")
    s = resp[resp["plan"] == "starter"]
    assert st["n_before"] == ((s["responded_at"] >= e - w) & (s["responded_at"] < e)).sum()
    assert st["n_after"] == ((s["responded_at"] >= e) & (s["responded_at"] < e + w)).sum()
    exp = oracle_event_impact(resp.assign(plan=resp["plan"].astype(str)), sample.events,
                              "60D", "60D", "plan", "UTC")
    exp = exp.set_index(["event", "slice"]).loc[[(2, "starter"), (2, "pro")]]
    assert_close(price.loc[["starter", "pro"], "diff"], exp["diff"])
    assert_close(price.loc[["starter", "pro"], "p_value"], exp["p_value"])
    assert_close(out["p_adjusted"], holm(out["p_value"]))


# --- account_nps ---------------------------------------------------------------------------


def account_data(seed=41):
    """12 accounts (two with a single response), 1-5 contacts each, 1-3
    responses per contact at distinct times; one revenue per account."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(12):
        revenue = float(np.round(rng.lognormal(10, 1), 2))
        lean = rng.integers(0, 4)
        contacts = 1 if a in (3, 8) else int(rng.integers(1, 6))
        for c in range(contacts):
            k = 1 if a in (3, 8) else int(rng.integers(1, 4))
            days = rng.choice(365, k, replace=False)
            for dd in days:
                score = int(np.clip(rng.integers(3, 11) + lean - 1, 0, 10))
                rows.append((f"A{a:02d}", f"A{a:02d}-c{c}", pd.Timestamp("2025-01-01", tz="UTC")
                             + pd.Timedelta(days=int(dd)), score, revenue))
    df = pd.DataFrame(rows, columns=["account", "contact", "responded_at", "score", "revenue"])
    return df.sample(frac=1, random_state=seed).reset_index(drop=True)


def oracle_accounts(df, how, weight=None, min_n=1, method="adjusted-wald"):
    d = df if how != "latest" else (df.sort_values("responded_at")
                                    .drop_duplicates(["account", "contact"], keep="last"))
    d = d.assign(net=seg_code(d["score"]))
    g = d.groupby("account")
    per = pd.DataFrame({
        "responses": g.size(), "contacts": g["contact"].nunique(),
        "mean_score": g["score"].mean(), "nps": 100 * g["net"].mean(),
    }).reindex(sorted(df["account"].unique()))
    per["segment"] = [mean_segment(m) for m in per["mean_score"]]
    per["small"] = per["responses"] < min_n
    big = per.index[~per["small"]]
    rev = df.groupby("account")[weight].first() if weight else None
    if how == "average":
        votes = pd.Series({a: SEG.index(per.loc[a, "segment"]) - 1 for a in big}, dtype=float)
        w = rev.loc[big].to_numpy() if weight else np.ones(len(big))
        codes = votes.to_numpy()
    else:
        rows = d[d["account"].isin(big)]
        codes = rows["net"].to_numpy()
        # Each account's revenue counted once, split over its counted responses.
        w = ((rows["account"].map(rev) / rows.groupby("account")["account"].transform("size"))
             .to_numpy() if weight else np.ones(len(rows)))
    wd, wpa, wpr = (w[codes == c].sum() for c in (-1, 0, 1))
    n_eff = w.sum() ** 2 / (w**2).sum()
    overall = hand_summary(wd, wpa, wpr, method, n_eff=n_eff)
    return per, overall


@pytest.mark.parametrize("how", ["pooled", "average", "latest"])
@pytest.mark.parametrize("weight", [None, "revenue"])
@pytest.mark.parametrize("min_n", [1, 3])
def test_account_nps_matches_pandas(how, weight, min_n):
    df = account_data()
    out = npscore.account_nps(df, account="account", contact="contact", how=how, weight=weight,
                              min_n=min_n)
    per, overall = oracle_accounts(df, how, weight, min_n)
    assert out["account"].tolist() == per.index.tolist()
    got = out.set_index("account")
    for col in ("responses", "contacts", "mean_score", "nps"):
        assert_close(got[col], per[col], err_msg=col)
    assert got["segment"].tolist() == per["segment"].tolist()
    assert got["small"].tolist() == per["small"].tolist()
    if min_n == 3:
        assert per["small"].sum() >= 2  # the single-response accounts at least
    if weight:
        assert_close(got[weight], df.groupby("account")[weight].first().loc[per.index])
    o = out.attrs["overall"]
    assert out.attrs["how"] == how
    assert o["weighted"] == (weight is not None)
    for key in ("n", "nps", "se", "ci_low", "ci_high", "n_effective"):
        assert_close(o[key], overall[key if key != "n_effective" else "n_eff"], err_msg=key)
    assert_close([o["detractors"], o["passives"], o["promoters"]],
                 [overall["d"], overall["pa"], overall["pr"]])


HAND_ACCOUNTS = pd.DataFrame({"acc": ["A", "B", "A", "C", "A", "B"],
                              "who": ["a1", "b1", "a2", "c1", "a1", "b2"],
                              "score": [10, 6, 9, 9, 3, 6],
                              "rev": [100.0, 50.0, 100.0, 10.0, 100.0, 50.0]})


def test_account_nps_pooled_average_weighted_hand_example():
    """Account A: 10, 9, 3 (pooled NPS +33.3, mean 7.33 -> passive);
    B: 6, 6 (-100, detractor); C: 9 (promoter)."""
    df = HAND_ACCOUNTS
    out = npscore.account_nps(df, account="acc", contact="who")
    assert out["contacts"].tolist() == [2, 2, 1]
    assert out["segment"].tolist() == ["passives", "detractors", "promoters"]
    assert_close(out["nps"], [100 / 3, -100, 100])
    assert_close(out["mean_score"], [22 / 3, 6, 9])
    o = out.attrs["overall"]
    assert (o["n"], o["detractors"], o["passives"], o["promoters"]) == (6, 3, 0, 3)
    avg = npscore.account_nps(df, account="acc", contact="who", how="average").attrs["overall"]
    assert (avg["n"], avg["detractors"], avg["passives"], avg["promoters"]) == (3, 1, 1, 1)
    # revenue-weighted pooled: each account's revenue counted once, split
    # over its responses (A 100/3 each, B 25, C 10): the revenue-weighted
    # mean of the accounts' NPS, (100 * 100/3 - 50 * 100 + 10 * 100) / 160
    w = npscore.account_nps(df, account="acc", contact="who", weight="rev").attrs["overall"]
    wt = np.array([100 / 3, 25, 100 / 3, 10, 100 / 3, 25])
    assert_close(w["n"], wt.sum())
    assert_close(w["nps"], (100 * 100 / 3 - 50 * 100 + 10 * 100) / 160)
    assert_close(w["n_effective"], wt.sum() ** 2 / (wt**2).sum())


@pytest.mark.parametrize("how", ["pooled", "average"])
def test_account_nps_without_a_contact_column(how):
    """contact=None is the default: the table is the same without the
    ``contacts`` column."""
    with_contacts = npscore.account_nps(HAND_ACCOUNTS, account="acc", contact="who", how=how)
    out = npscore.account_nps(HAND_ACCOUNTS, account="acc", how=how)
    assert "contacts" not in out.columns
    pd.testing.assert_frame_equal(out, with_contacts.drop(columns="contacts"))
    assert out.attrs["overall"] == with_contacts.attrs["overall"]


def test_account_nps_weight_differing_within_an_account_names_it():
    df = account_data()
    sizes = df.groupby("account").size()
    acc = sizes.index[sizes >= 2][-1]
    i = df.index[df["account"] == acc][-1]
    df.loc[i, "revenue"] = df.loc[i, "revenue"] + 1
    npscore.account_nps(df.drop(index=i), account="account", contact="contact",
                        weight="revenue")  # fine without that row
    with pytest.raises(ValueError, match=acc):
        npscore.account_nps(df, account="account", weight="revenue")


@pytest.mark.parametrize("bad", [np.nan, -3.0])
def test_account_nps_bad_weight_names_the_account(bad):
    """A missing or negative revenue is a clear ValueError naming the account
    by its id ("B"), without a RuntimeWarning on the way."""
    df = pd.DataFrame({"acc": ["A", "A", "B", "B"], "score": [9, 6, 10, 8],
                       "rev": [1.0, 1.0, bad, bad]})
    with pytest.raises(ValueError) as info:
        npscore.account_nps(df, account="acc", weight="rev")
    msg = str(info.value)
    assert "'B'" in msg or "account B" in msg, msg
    assert "differs" not in msg, msg


def test_account_nps_bad_arguments():
    df = account_data()
    with pytest.raises(ValueError, match=r"contact"):
        npscore.account_nps(df, account="account", how="latest")
    with pytest.raises(ValueError, match=r"pooled"):
        npscore.account_nps(df, account="account", how="median")
    with pytest.raises(ValueError, match=r"min_n"):
        npscore.account_nps(df, account="account", min_n=-1)


def test_account_nps_latest_same_instant_goes_to_the_later_row():
    t = pd.Timestamp("2025-05-01", tz="UTC")
    df = pd.DataFrame({"account": ["A", "A", "A"], "contact": ["x", "x", "y"],
                       "responded_at": [t, t, t], "score": [9, 3, 7]})
    out = npscore.account_nps(df, account="account", contact="contact", how="latest")
    assert out["responses"].tolist() == [2] and out["mean_score"].tolist() == [5.0]  # 3 and 7
    # an earlier tie is resolved by a later response
    df.loc[2, "contact"] = "x"
    df.loc[2, "responded_at"] = t + pd.Timedelta(hours=1)
    out = npscore.account_nps(df, account="account", contact="contact", how="latest")
    assert out["responses"].tolist() == [1] and out["mean_score"].tolist() == [7.0]


# --- plot and report smoke tests ------------------------------------------------------------


def test_plot_health_writes_a_png(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    df = event_data()
    table = npscore.health(df, freq="M", by="plan")
    with pytest.raises(ValueError, match=r"where"):
        npscore.plot.health(table)
    fig = npscore.plot.health(table, where={"plan": "starter"}, events=EVENTS,
                              title="starter")
    import matplotlib.pyplot as plt

    try:
        assert fig.axes, "the figure has axes"
        path = tmp_path / "health.png"
        fig.savefig(path)
        assert path.read_bytes()[:8] == PNG_MAGIC
    finally:
        plt.close(fig)
    fig2 = npscore.plot.health(npscore.health(df, freq="Q"))
    plt.close(fig2)


def test_report_health_section_and_figure(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import npscore.report

    fig = tmp_path / "h.png"
    text = npscore.report.sample_report(seed=42, n_customers=600, figure=fig)
    for heading in ("## Distribution health", "### Health flags", "### Segment trends"):
        assert heading in text, heading
    assert fig.exists() and fig.read_bytes()[:8] == PNG_MAGIC
    import matplotlib.pyplot as plt

    plt.close("all")
