"""npscore.spark.monitor on a local Spark session: the partitions' monitors
(one per partition of customers, fed in time order) merged on the driver
hold the state of one npscore.Monitor fed every row in time order: equal
bytes, hence equal snapshot, open cases and closed health; the sample's
responses in 17 partitions. Bad input fails on the driver."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")

from spark_support import _local, _same, _spark_frame  # noqa: E402

import npscore  # noqa: E402
from npscore import spark as nspark  # noqa: E402

PARTITIONS = 17

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")

PLANS = ["starter", "pro", "enterprise"]
OWNERS = {"ana": 40, "bo": 25, "cy": 10}


def _responses() -> pd.DataFrame:
    """The sample's responses (not in time order) with text customer ids, the
    plan as slice, a CLV and churn risk per customer and an owner per
    response (by customer)."""
    s = npscore.datasets.load_sample()
    cust = s.customers.set_index("customer_id")
    r = s.responses
    rng = np.random.default_rng(7)
    risk = pd.Series(rng.uniform(0.05, 0.9, len(cust)), index=cust.index)
    owners = np.array(list(OWNERS), dtype=object)
    return pd.DataFrame({
        "customer_id": r["customer_id"].astype(object),
        "responded_at": r["responded_at"],
        "score": r["score"].astype(np.int64),
        "plan": cust.loc[r["customer_id"], "plan"].astype(str).to_numpy().astype(object),
        "clv": cust.loc[r["customer_id"], "clv"].to_numpy(),
        "churn_risk": risk.loc[r["customer_id"]].to_numpy(),
        "owner": owners[r["customer_id"].str[1:].astype(int).to_numpy() % 3],
    })


@pytest.fixture(scope="module")
def frames(spark_session):
    sdf = _spark_frame(spark_session, _responses(), PARTITIONS).cache()
    assert sdf.rdd.getNumPartitions() >= 16
    return sdf, _local(sdf)


OPTIONS = dict(slices=PLANS, health=True, health_frequency="M", time_zone="Europe/Berlin",
               open_passives=True)
COLUMNS = dict(slice="plan", clv="clv", churn_risk="churn_risk")


def _one(pdf: pd.DataFrame, now=None, columns=COLUMNS, **options) -> npscore.Monitor:
    """One monitor fed every row in time order."""
    m = npscore.Monitor(**options)
    m.ingest_batch(pdf.sort_values("responded_at", kind="stable"), **columns)
    if now is not None:
        m.advance(now)
    return m


def _same_state(merged: npscore.Monitor, one: npscore.Monitor) -> None:
    assert merged.to_bytes() == one.to_bytes()
    a, b = merged.snapshot(), one.snapshot()
    assert a.to_dict() == b.to_dict()
    pd.testing.assert_frame_equal(a.counts, b.counts)
    pd.testing.assert_frame_equal(a.windows, b.windows)
    pd.testing.assert_frame_equal(a.open_cases, b.open_cases)
    pd.testing.assert_series_equal(a.owner_load, b.owner_load)
    _same(merged.closed_health(), one.closed_health())


def test_monitor(frames):
    sdf, pdf = frames
    end = (pdf["responded_at"].max() + pd.Timedelta(days=40)).normalize()
    merged = nspark.monitor(sdf, **COLUMNS, now=end, **OPTIONS)
    one = _one(pdf, end, **OPTIONS)
    _same_state(merged, one)
    snap = one.snapshot()
    assert snap.responses == len(pdf) and snap.breaches > 0 and len(snap.open_cases) > 0
    assert snap.health_closed > 12 and merged.closed_health()["flags"].str.len().gt(0).any()
    # Text ids of open cases come back as text.
    assert merged.snapshot().open_cases["customer"].str.startswith("C").all()


def test_monitor_without_now_and_given_owners(frames):
    """The clock is the latest response's; owners given per response merge
    exactly (round-robin ones would not: refused below)."""
    sdf, pdf = frames
    options = dict(OPTIONS, owners=OWNERS, sla_hours={"recover": 12, "passive": 48})
    columns = dict(COLUMNS, owner="owner")
    merged = nspark.monitor(sdf, **columns, **options)
    one = _one(pdf, columns=columns, **options)
    assert merged.clock == pdf["responded_at"].max()
    _same_state(merged, one)
    assert merged.snapshot().owner_load.sum() > 0


def test_text_times_and_partitioned_input(frames, spark_session):
    """Times as text are sorted per partition as the monitor reads them;
    input already partitioned by customer is not shuffled again."""
    _, pdf = frames
    text = pdf.copy()
    text["responded_at"] = text["responded_at"].dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype(object)
    sdf = _spark_frame(spark_session, text, PARTITIONS)
    merged = nspark.monitor(sdf, **COLUMNS, **OPTIONS)
    _same_state(merged, _one(pdf, **OPTIONS))
    by_customer = _spark_frame(spark_session, pdf, 1).repartition(PARTITIONS, "customer_id")
    merged = nspark.monitor(by_customer, partitioned=True, **COLUMNS, **OPTIONS)
    _same_state(merged, _one(pdf, **OPTIONS))


def test_bad_score_fails_the_job_naming_it(frames, spark_session):
    _, pdf = frames
    bad = pdf.copy()
    bad.loc[bad.index[5], "score"] = 12
    sdf = _spark_frame(spark_session, bad, 4)
    with pytest.raises(Exception, match="12"):
        nspark.monitor(sdf, **COLUMNS, **OPTIONS)


# --- Bad input: refused on the driver, before any Spark job -------------------------------------


def test_bad_input(frames):
    sdf, pdf = frames
    with pytest.raises(TypeError, match="must be a Spark DataFrame"):
        nspark.monitor(pdf)
    with pytest.raises(ValueError, match="'region' is not a column"):
        nspark.monitor(sdf, slice="region", slices=PLANS)
    with pytest.raises(TypeError, match="clv must name a column"):
        nspark.monitor(sdf, clv=pdf["clv"])
    with pytest.raises(ValueError, match="health_frequency"):
        nspark.monitor(sdf, health=True, health_frequency="Y")
    with pytest.raises(TypeError, match="unexpected keyword"):
        nspark.monitor(sdf, slicez=3)
    with pytest.raises(ValueError, match="owner` column"):
        nspark.monitor(sdf, owners=OWNERS)
    with pytest.raises(TypeError, match="partitioned must be True or False"):
        nspark.monitor(sdf, partitioned="yes")
