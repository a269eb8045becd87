"""npscore.spark.prioritize on a local Spark session: a top-k per partition
then a global top-k gives the single-machine ``prioritize(..., top=k)``
queues for the same rows (rows, order, owners exactly; figures to 1e-12;
the attrs' counts over every row), the sample's responses split into 17
partitions with tied cases across partitions; bad input fails on the driver."""

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


def _cases() -> pd.DataFrame:
    """One case per response of the sample: its customer's CLV, a churn risk
    and CLV rounded so that many cases tie, some contacted or closed, and 300
    exact copies of rows (ties on every key, broken by row order)."""
    sample = npscore.datasets.load_sample()
    r = sample.responses.merge(sample.customers[["customer_id", "clv"]], on="customer_id")
    rng = np.random.default_rng(15)
    n = len(r)
    out = pd.DataFrame({
        "customer_id": r["customer_id"].astype(object),
        "responded_at": r["responded_at"],
        "score": r["score"].astype(np.int64),
        "churn_risk": np.round(rng.random(n), 1),
        "clv": np.round(r["clv"].to_numpy() / 1000) * 1000,
    })
    contacted = rng.random(n) < 0.3
    out["contacted_at"] = out["responded_at"].where(~contacted) + pd.to_timedelta(
        rng.integers(1, 100, n), unit="h")
    out["contacted_at"] = out["contacted_at"].where(contacted)
    out["closed"] = rng.random(n) < 0.05
    out = pd.concat([out, out.iloc[rng.integers(0, n, 300)]], ignore_index=True)
    return out.iloc[rng.permutation(len(out))].reset_index(drop=True)


NOW = pd.Timestamp("2026-01-01", tz="UTC")


@pytest.fixture(scope="module")
def frames(spark_session):
    cases = _cases()
    assert cases["responded_at"].max() < NOW
    sdf = _spark_frame(spark_session, cases, PARTITIONS).cache()
    assert sdf.rdd.getNumPartitions() >= 16
    return sdf, _local(sdf)


ARGS = dict(churn_risk="churn_risk", clv="clv", now=NOW)


@pytest.mark.parametrize("kw", [
    dict(top=5),
    dict(top=40, segment="score", responded_at="responded_at", window_hours=float("inf"),
         keep=["customer_id"]),
    dict(top=25, segment="score", responded_at="responded_at", contacted_at="contacted_at",
         closed="closed", window_hours=float("inf"), sla_hours={"passive": 12}),
    dict(top=10, segment="score", responded_at="responded_at", window_hours=3000,
         urgency_hours=6, recovery=[(0, 0.6), (100, 0.3), (2000, 0.01)],
         owners={"alice": 7, "bob": 9, "carol": 0}, keep=["customer_id", "score"]),
    dict(top=10**6, segment="score", responded_at="responded_at", contacted_at="contacted_at",
         window_hours=float("inf"), owners={"alice": 5}),
])
def test_prioritize(frames, kw):
    sdf, pdf = frames
    args = dict(ARGS, **kw)
    local = npscore.prioritize(pdf, **args)
    out = nspark.prioritize(sdf, **args)
    _same(out, local)
    assert out.index.tolist() == local.index.tolist()
    if "owner" in local:
        assert out["owner"].tolist() == local["owner"].tolist()
    # Full queues of the plays, not a short list.
    assert (local.groupby("play", dropna=False)["rank"].max() == kw["top"]).any() \
        or kw["top"] > 1000


def test_partitions_of_many_chunks(frames, monkeypatch):
    """Partitions ranked 100 rows at a time: each chunk's candidates merged
    with those kept so far (at most 4 x top per partition) stay exact."""
    from npscore.spark import priority as spark_priority

    sdf, pdf = frames
    monkeypatch.setattr(spark_priority, "_CHUNK_ROWS", 100)
    for kw in (dict(top=7), dict(top=30, segment="score", responded_at="responded_at",
                                 contacted_at="contacted_at", closed="closed",
                                 window_hours=float("inf"), owners={"a": 20, "b": 20})):
        args = dict(ARGS, **kw)
        _same(nspark.prioritize(sdf, **args), npscore.prioritize(pdf, **args))


def test_ties_across_partitions_break_by_row(frames, spark_session):
    """Exact copies of a case in several partitions: the earlier row first."""
    sdf, pdf = frames
    args = dict(ARGS, top=50)
    local = npscore.prioritize(pdf, **args)
    # Without times, priority = revenue at risk: the top holds tied copies.
    tied = local[local.duplicated(["churn_risk", "clv"], keep=False)]
    assert len(tied) > 10
    out = nspark.prioritize(sdf, **args)
    assert out.index.tolist() == local.index.tolist()
    # Some tied group spans partitions (rows numbered partition by partition).
    from pyspark.sql import functions as F

    sizes = _local(sdf.groupBy(F.spark_partition_id().alias("p")).count())
    ends = np.cumsum(sizes.sort_values("p")["count"].to_numpy())
    part = pd.Series(np.searchsorted(ends, tied.index.to_numpy(), side="right"), index=tied.index)
    spans = part.groupby([tied["churn_risk"], tied["clv"]]).nunique()
    assert (spans > 1).any()


def test_counts_cover_every_row(frames):
    sdf, pdf = frames
    args = dict(ARGS, top=3, segment="score", responded_at="responded_at",
                contacted_at="contacted_at", closed="closed")
    out = nspark.prioritize(sdf, **args)
    assert len(out) <= 12
    assert out.attrs["n_rows"] == len(pdf)
    assert sum(out.attrs["contacted"].values()) + sum(out.attrs["closed"].values()) \
        + sum(out.attrs["missed"].values()) + sum(out.attrs["queued"].values()) == len(pdf)
    assert out.attrs["total_revenue_at_risk"] == pytest.approx(
        float((pdf["churn_risk"] * pdf["clv"]).sum()), rel=1e-12)
    assert out.attrs["detractors_due"] > 0
    _same(out, npscore.prioritize(pdf, **args))


def test_now_is_fixed_on_the_driver(frames):
    """now=None: the current time, taken once on the driver (every partition
    and the final ranking use the same instant, the attrs' now)."""
    sdf, pdf = frames
    out = nspark.prioritize(sdf, **dict(ARGS, now=None), top=20, responded_at="responded_at",
                            window_hours=float("inf"))
    _same(out, npscore.prioritize(pdf, **dict(ARGS, now=out.attrs["now"]), top=20,
                                  responded_at="responded_at", window_hours=float("inf")))


# --- Bad input: refused on the driver, before any Spark job -------------------------------------


def test_bad_input(frames):
    sdf, pdf = frames
    with pytest.raises(ValueError, match="needs top=k"):
        nspark.prioritize(sdf, **ARGS)
    with pytest.raises(TypeError, match="must be a Spark DataFrame"):
        nspark.prioritize(pdf, **ARGS, top=3)
    with pytest.raises(ValueError, match="'risk' is not a column"):
        nspark.prioritize(sdf, churn_risk="risk", clv="clv", top=3)
    with pytest.raises(TypeError, match="clv must name a column"):
        nspark.prioritize(sdf, churn_risk="churn_risk", clv=pdf["clv"], top=3)
    with pytest.raises(ValueError, match="top"):
        nspark.prioritize(sdf, **ARGS, top=0)
    with pytest.raises(ValueError, match="sla_hours has key 'vip'"):
        nspark.prioritize(sdf, **ARGS, top=3, sla_hours={"vip": 3})
    with pytest.raises(ValueError, match="capacity of owner 'a' is -1"):
        nspark.prioritize(sdf, **ARGS, top=3, owners={"a": -1})
    with pytest.raises(ValueError, match="contacted_at needs responded_at"):
        nspark.prioritize(sdf, **ARGS, top=3, contacted_at="contacted_at")
    with pytest.raises(TypeError, match="closed must be booleans"):
        nspark.prioritize(sdf, **ARGS, top=3, closed="customer_id")


def test_bad_value_fails_the_job_naming_it(frames, spark_session):
    _, pdf = frames
    bad = pdf.copy()
    bad.loc[bad.index[9], "churn_risk"] = 1.5
    sdf = _spark_frame(spark_session, bad, 4)
    with pytest.raises(Exception, match="1.5"):
        nspark.prioritize(sdf, **ARGS, top=3)
