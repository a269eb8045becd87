"""npscore.Monitor: the live monitor against batch computations on the sample.

Health flags equal batch `npscore.health` whatever the batch sizes; shards
of customers merged in any order equal one monitor fed everything (bytes);
the state round-trips through bytes and pickle, and damaged bytes raise;
case priorities equal `npscore.prioritize`; tables in any of pandas, polars
and Arrow give the same state.
"""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore.monitor import ALERT_COLUMNS


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    """The sample's responses in time order, with integer customer codes, a
    CLV and a churn risk per customer."""
    s = npscore.datasets.load_sample()
    r = s.responses.sort_values("responded_at", kind="stable").reset_index(drop=True)
    cust = s.customers.set_index("customer_id")
    r["customer"] = r["customer_id"].str[1:].astype(np.int64)
    r["plan"] = pd.Categorical(cust.loc[r["customer_id"], "plan"].to_numpy(),
                               categories=cust["plan"].cat.categories)
    r["clv"] = cust.loc[r["customer_id"], "clv"].to_numpy()
    rng = np.random.default_rng(5)
    risk = pd.Series(rng.uniform(0.05, 0.9, len(cust)), index=cust.index)
    r["churn_risk"] = risk.loc[r["customer_id"]].to_numpy()
    return r


def _plans(sample: pd.DataFrame) -> list:
    return list(sample["plan"].cat.categories)


def _monitor(sample: pd.DataFrame, **kw) -> npscore.Monitor:
    return npscore.Monitor(slices=_plans(sample), health=True, health_frequency="M",
                           time_zone="Europe/Berlin", **kw)


def _feed(m: npscore.Monitor, df: pd.DataFrame, batch: int) -> pd.DataFrame:
    """Feeds df in batches of `batch` rows (1: one `ingest` per row); the alerts."""
    out = []
    if batch == 1:
        for row in df.itertuples():
            out.append(m.ingest(row.customer, row.score, row.responded_at, slice=row.plan,
                                clv=row.clv, churn_risk=row.churn_risk))
    else:
        for i in range(0, len(df), batch):
            out.append(m.ingest_batch(df.iloc[i:i + batch], customer="customer", slice="plan",
                                      clv="clv", churn_risk="churn_risk"))
    return pd.concat(out, ignore_index=True)


def _end(sample: pd.DataFrame) -> pd.Timestamp:
    """A time after which every monthly period of the sample has closed."""
    return (sample["responded_at"].max() + pd.Timedelta(days=40)).normalize()


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_health_flags_equal_batch_health(sample, batch):
    m = _monitor(sample)
    alerts = pd.concat([_feed(m, sample, batch), m.advance(_end(sample))], ignore_index=True)
    assert list(alerts.columns) == list(ALERT_COLUMNS)
    flagged = alerts[alerts["kind"] == "health_flag"].reset_index(drop=True)
    batch_table = npscore.health(sample, by="plan", freq="M", tz="Europe/Berlin")
    want = batch_table[batch_table["flags"].str.replace("low_n", "").str.strip(",") != ""]
    # Alerts come period by period, slice by slice: the batch table's order
    # sorted by period.
    want = want.assign(_p=pd.Categorical(want["period"], batch_table["period"].unique(),
                                         ordered=True)).sort_values(["_p", "plan"], kind="stable")
    assert len(want) >= 3
    assert len(flagged) == len(want)
    assert flagged["slice"].tolist() == want["plan"].astype(object).tolist()
    assert flagged["period"].tolist() == want["period"].tolist()
    assert flagged["flags"].tolist() == want["flags"].tolist()
    assert flagged["reasons"].tolist() == want["reasons"].tolist()
    assert (flagged["period_start"].to_numpy() == want["period_start"].to_numpy()).all()
    for col in ("n", "nps", "baseline_nps", "drop_p_adjusted", "surge_p_adjusted",
                "erosion_p_adjusted", "passive_growth_p_adjusted", "cusum"):
        np.testing.assert_array_equal(flagged[col].to_numpy(dtype=float),
                                      want[col].to_numpy(dtype=float), err_msg=col)
    # The closed periods' table is the batch table.
    closed = m.closed_health()
    assert len(closed) == len(batch_table)
    assert closed["flags"].tolist() == batch_table["flags"].tolist()
    assert closed["reasons"].tolist() == batch_table["reasons"].tolist()
    assert closed["slice"].tolist() == batch_table["plan"].astype(object).tolist()
    for col in ("period", "n", "score_0", "score_10"):
        assert closed[col].tolist() == batch_table[col].tolist(), col
    for col in ("nps", "drop_p_adjusted", "cusum"):
        np.testing.assert_array_equal(closed[col].to_numpy(), batch_table[col].to_numpy(), col)


def test_cases_equal_detractors_and_priorities_equal_prioritize(sample):
    m = npscore.Monitor()
    part = sample.iloc[:400]
    alerts = m.ingest_batch(part, customer="customer", clv="clv", churn_risk="churn_risk")
    opened = alerts[alerts["kind"] == "case_opened"].reset_index(drop=True)
    assert len(opened) == int((part["score"] <= 6).sum())
    assert (opened["segment"] == "detractor").all() and (opened["play"] == "recover").all()
    # Each case's priority is the queue's at its response time.
    for _, a in opened.head(25).iterrows():
        row = part[(part["customer"] == a["customer"]) & (part["responded_at"] == a["time"])]
        q = npscore.prioritize(row, churn_risk="churn_risk", clv="clv",
                               segment=row["score"], responded_at="responded_at",
                               now=a["responded_at"])
        assert q["priority"].iloc[0] == a["priority"]
        assert q["deadline"].iloc[0] == a["deadline"]
    # A snapshot's open cases: the queue's priorities at the clock.
    snap = m.snapshot()
    cases = snap.open_cases
    assert len(cases) == snap.cases_opened - sum(snap.cases_closed.values())
    q = npscore.prioritize(cases, churn_risk="churn_risk", clv="clv",
                           segment="segment",
                           responded_at="responded_at", now=snap.clock,
                           window_hours=float("inf"))
    np.testing.assert_array_equal(q.sort_index()["priority"].to_numpy(),
                                  cases["priority"].to_numpy())
    assert snap.counts.loc["all", "detractors"] == (part["score"] <= 6).sum()
    assert snap.counts.loc["all", "promoters"] == (part["score"] >= 9).sum()


def test_breach_contact_and_close(sample):
    m = npscore.Monitor(owners={"ana": 1, "bo": 5})
    t0 = pd.Timestamp("2025-03-01", tz="UTC")
    m.ingest(1, 2, t0, clv=100, churn_risk=0.5)
    m.ingest(2, 3, t0 + pd.Timedelta(hours=1), clv=200, churn_risk=0.2, owner="ana")
    m.ingest(3, 4, t0 + pd.Timedelta(hours=2))
    m.record_contact((1, t0), t0 + pd.Timedelta(hours=24))  # at the deadline: in time
    alerts = m.advance(t0 + pd.Timedelta(days=3))
    assert alerts["kind"].tolist() == ["sla_breach", "sla_breach"]
    assert alerts["customer"].tolist() == [2, 3]
    assert alerts["owner"].tolist() == ["ana", "bo"]
    rec = m.close_case((2, t0 + pd.Timedelta(hours=1)), t0 + pd.Timedelta(days=4), "churned")
    assert rec["outcome"] == "churned" and bool(rec["breached"]) and rec["owner"] == "ana"
    snap = m.snapshot()
    assert snap.cases_closed == {"not_recovered": 0, "recovered": 0, "churned": 1}
    assert snap.owner_load.to_dict() == {"ana": 1, "bo": 1}
    assert "<table>" in snap._repr_html_()
    with pytest.raises(KeyError, match="no open case of customer 2"):
        m.close_case((2, t0 + pd.Timedelta(hours=1)), t0 + pd.Timedelta(days=5))


def test_shards_merge_in_any_order_into_one_monitor(sample):
    end = _end(sample)
    one = _monitor(sample)
    _feed(one, sample, 5000)
    one.advance(end)
    shard_of = sample["customer"] % 3
    shards = []
    for k in range(3):
        m = _monitor(sample)
        _feed(m, sample[shard_of == k], 5000)
        shards.append(m.to_bytes())
    for order in itertools.permutations(range(3)):
        merged = npscore.Monitor.from_bytes(shards[order[0]], slices=_plans(sample))
        for k in order[1:]:
            merged.merge(npscore.Monitor.from_bytes(shards[k], slices=_plans(sample)))
        merged.advance(end)
        assert merged.to_bytes() == one.to_bytes(), order
    with pytest.raises(ValueError, match="both monitors hold the case"):
        merged.merge(npscore.Monitor.from_bytes(shards[0], slices=_plans(sample)))
    assert merged.to_bytes() == one.to_bytes()  # unchanged by the failed merge


def test_bytes_round_trip_and_damage(sample):
    m = _monitor(sample, owners={"a": 3})
    _feed(m, sample.iloc[:1500], 300)
    data = m.to_bytes()
    assert data[:8] == b"NPSMONIT"
    back = npscore.Monitor.from_bytes(data, slices=_plans(sample), owners=["a"])
    assert back.to_bytes() == data
    p = pickle.loads(pickle.dumps(m))
    assert p.to_bytes() == data and p.snapshot().counts.equals(m.snapshot().counts)
    # The restored monitor behaves the same.
    rest = sample.iloc[1500:1800]
    a1 = m.ingest_batch(rest, customer="customer", slice="plan")
    a2 = p.ingest_batch(rest, customer="customer", slice="plan")
    pd.testing.assert_frame_equal(a1, a2)
    assert m.to_bytes() == p.to_bytes()
    damaged = [bytearray(data) for _ in range(3)]
    damaged[0][len(data) // 2] ^= 1     # a payload byte
    damaged[1][8] = 2                   # the version
    damaged[2][-1] ^= 0x80              # the checksum
    for bad in damaged + [data[:-1], data + b"\0", b""]:
        with pytest.raises(ValueError, match="monitor state"):
            npscore.Monitor.from_bytes(bytes(bad))


def test_tables_of_every_kind_give_the_same_state(sample):
    part = sample.iloc[:800][["customer", "score", "responded_at", "plan"]]
    want = _monitor(sample)
    want.ingest_batch(part, customer="customer", slice="plan")
    pa = pytest.importorskip("pyarrow")
    got = _monitor(sample)
    got.ingest_batch(pa.Table.from_pandas(part, preserve_index=False), customer="customer",
                     slice="plan")
    assert got.to_bytes() == want.to_bytes()
    # Columns without a table, times in another zone: the same instants.
    cols = _monitor(sample)
    cols.ingest_batch(customer=part["customer"].to_numpy(), score=part["score"].to_numpy(),
                      time=part["responded_at"].dt.tz_convert("America/New_York"),
                      slice=part["plan"])
    assert cols.to_bytes() == want.to_bytes()
    pl = pytest.importorskip("polars")
    pol = _monitor(sample)
    pol.ingest_batch(pl.from_pandas(part), customer="customer", slice="plan")
    assert pol.to_bytes() == want.to_bytes()


def test_learned_recovery_curve_is_accepted(sample):
    s = npscore.datasets.load_sample()
    curve = npscore.loop.learn_recovery_curve(s.cases, recovered="recovered")
    m = npscore.Monitor(recovery=curve)
    a = m.ingest(1, 0, "2025-01-01", clv=1000, churn_risk=0.5)
    h = np.asarray(m._options["recovery_hours"])
    assert len(h) == len(curve) and a["priority"].iloc[0] > 0


def test_text_customer_ids_are_coded_by_their_stable_hash(sample):
    # Text ids give the state of their hash codes (the survey module's stable
    # 64-bit hash), so shards and processes agree without a shared dictionary;
    # alerts, snapshots and closed records show the text.
    hashes = np.asarray(npscore._npscore.survey_cohorts(sample["customer_id"].tolist(), 1)[1])
    df = sample.assign(code=hashes.view(np.int64))
    by_text, by_code = _monitor(sample), _monitor(sample)
    a_text = _feed_cols(by_text, df, "customer_id")
    a_code = _feed_cols(by_code, df, "code")
    assert by_text.to_bytes() == by_code.to_bytes()
    opened = a_text[a_text["kind"] == "case_opened"]
    want = df.loc[df["score"] <= 6, "customer_id"].tolist()
    assert opened["customer"].tolist() == want
    breached = a_text[a_text["kind"] == "sla_breach"]
    assert set(breached["customer"]) <= set(want) and len(breached) > 0
    assert (a_code.loc[a_code["kind"] == "case_opened", "customer"].tolist()
            == df.loc[df["score"] <= 6, "code"].tolist())
    # One response, a contact and a closure by text id.
    first = opened.iloc[0]
    by_text.record_contact((first["customer"], first["responded_at"]), first["responded_at"])
    rec = by_text.close_case(first, first["responded_at"] + pd.Timedelta(hours=1), "recovered")
    assert rec["customer"] == first["customer"] and rec["outcome"] == "recovered"
    assert set(by_text.snapshot().open_cases["customer"]) <= set(want)
    # Pickling keeps the names; merging shards fed by text equals one monitor.
    assert pickle.loads(pickle.dumps(by_text)).snapshot().open_cases["customer"].tolist() == \
        by_text.snapshot().open_cases["customer"].tolist()
    one = _monitor(sample)
    _feed_cols(one, df, "customer_id")
    left, right = _monitor(sample), _monitor(sample)
    _feed_cols(left, df[df["customer"] % 2 == 0], "customer_id")
    _feed_cols(right, df[df["customer"] % 2 == 1], "customer_id")
    breaches = left.merge(right)
    left.advance(_end(sample)), one.advance(_end(sample))
    assert left.to_bytes() == one.to_bytes()
    assert all(isinstance(c, str) for c in left.snapshot().open_cases["customer"])
    with pytest.raises(ValueError, match="customer at row 1 is"):
        _monitor(sample).ingest_batch(customer=np.array(["C1", None], dtype=object),
                                      score=[9, 9], time=df["responded_at"].iloc[:2])
    assert isinstance(breaches, pd.DataFrame)


def _feed_cols(m: npscore.Monitor, df: pd.DataFrame, customer: str) -> pd.DataFrame:
    return pd.concat([m.ingest_batch(df.iloc[i:i + 2000], customer=customer, slice="plan",
                                     clv="clv", churn_risk="churn_risk")
                      for i in range(0, len(df), 2000)], ignore_index=True)
