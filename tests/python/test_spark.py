"""npscore.spark on a local Spark session: every function gives the table the
single-machine function gives for the same data (``df.toPandas()``), with the
sample data split into 17 partitions: counts exactly, statistics to 1e-12.
Skipped only when PySpark is not installed (a failure in CI, see conftest)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")


from spark_support import _local, _same, _spark_frame  # noqa: E402

import npscore  # noqa: E402
from npscore import spark as nspark  # noqa: E402

PARTITIONS = 17

# py4j leaves its sockets to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")


def _responses() -> pd.DataFrame:
    sample = npscore.datasets.load_sample()
    r = sample.responses.merge(sample.customers[["customer_id", "account_id"]], on="customer_id")
    out = pd.DataFrame({
        "customer_id": r["customer_id"].astype(object),
        "contact_id": r["contact_id"].astype(object),
        "account_id": r["account_id"].astype(object),
        "responded_at": r["responded_at"],
        "survey_kind": r["survey_kind"].astype(str).astype(object),
        "touchpoint": r["touchpoint"].astype(str).astype(object),
        "score": r["score"].astype(np.int64),
    })
    # A key with missing values, and a score column with missing scores.
    rng = np.random.default_rng(15)
    region = np.array(["north", "south", "east"], dtype=object)[rng.integers(0, 3, len(out))]
    region[rng.random(len(out)) < 0.05] = None
    out["region"] = region
    holes = out["score"].astype(np.float64)
    holes[rng.random(len(out)) < 0.03] = np.nan
    out["score_with_holes"] = holes
    return out


@pytest.fixture(scope="module")
def frames(spark_session):
    session = spark_session
    sdf = _spark_frame(session, _responses(), PARTITIONS).cache()
    assert sdf.rdd.getNumPartitions() >= 16
    return sdf, _local(sdf)


@pytest.mark.parametrize("kw", [
    dict(by="touchpoint"),
    dict(by=["survey_kind", "touchpoint"], min_n=100, method="wald"),
    dict(by="region", confidence=0.9),
    dict(by=["region", "survey_kind"], score="score_with_holes", missing="skip"),
])
def test_by_group(frames, kw):
    sdf, pdf = frames
    _same(nspark.by_group(sdf, **kw), npscore.by_group(pdf, **kw))


@pytest.mark.parametrize("kw", [
    dict(),
    dict(by="touchpoint", freq="Q"),
    dict(by="region", kind="survey_kind", freq="W", tz="Europe/Berlin", mode="review",
         adjust="bh"),
    dict(score="score_with_holes", missing="skip", by="region", method="score",
         thresholds={"min_n": 10, "baseline_months": 3}),
    dict(freq="M", start="2023-01-01", end="2026-12-31", by="survey_kind"),
    # Zones whose periods start on the half and the quarter hour: Spark
    # buckets the times by 30 and 15 minutes.
    dict(by="touchpoint", freq="D", tz="Asia/Kolkata"),
    dict(by="survey_kind", freq="W", tz="Asia/Kathmandu"),
    # A window that leaves rows out before and after it (counted as excluded).
    dict(freq="D", start="2024-03-30", end="2024-11-03", tz="America/New_York",
         by="region"),
])
def test_health(frames, kw):
    sdf, pdf = frames
    _same(nspark.health(sdf, **kw), npscore.health(pdf, **kw))


@pytest.mark.parametrize("kw", [
    dict(),
    dict(by="touchpoint", periods=4, freq="Q"),
    dict(by="region", kind="survey_kind", freq="W", tz="Europe/Berlin", adjust="bh", alpha=0.1),
    dict(score="score_with_holes", missing="skip", by="region", periods=12),
])
def test_segment_trends(frames, kw):
    sdf, pdf = frames
    out = nspark.segment_trends(sdf, **kw)
    _same(out, npscore.segment_trends(pdf, **kw))
    assert len(out) > 0


def test_segment_trends_text_times(spark_session, frames):
    """Counted by the core per partition (text times), the same trends."""
    _, pdf = frames
    text = pdf.copy()
    text["responded_at"] = text["responded_at"].dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype(object)
    sdf = _spark_frame(spark_session, text, PARTITIONS)
    _same(nspark.segment_trends(sdf, by="survey_kind"),
          npscore.segment_trends(_local(sdf), by="survey_kind"))


def test_spark_counts_instants_itself(frames, monkeypatch):
    """Numeric scores and TIMESTAMP times are counted by Spark (the per-partition
    core path is not called), with the same tables; by_group likewise."""
    import importlib

    # The modules (npscore.spark.health the attribute is the function).
    spark_health = importlib.import_module("npscore.spark.health")
    spark_nps = importlib.import_module("npscore.spark.nps")

    def refuse(*args, **kwargs):
        raise AssertionError("counted per partition")

    monkeypatch.setattr(spark_health, "_histograms_by_partitions", refuse)
    monkeypatch.setattr(spark_nps, "_counted_by_partitions", refuse)
    sdf, pdf = frames
    kw = dict(by="touchpoint", freq="W", tz="Australia/Adelaide")
    out = nspark.health(sdf, **kw)
    _same(out, npscore.health(pdf, **kw))
    assert out["n"].sum() == len(pdf)
    _same(nspark.by_group(sdf, by="touchpoint"), npscore.by_group(pdf, by="touchpoint"))


def test_counted_paths_agree(spark_session, frames):
    """The same data counted by Spark (TIMESTAMP times) and by the core per
    partition (the same instants as text with their UTC offset)."""
    _, pdf = frames
    text = pdf.copy()
    text["responded_at"] = text["responded_at"].dt.strftime("%Y-%m-%dT%H:%M:%S%z").astype(object)
    sdf = _spark_frame(spark_session, text, PARTITIONS)
    kw = dict(by=["region", "survey_kind"], freq="M", tz="Asia/Kolkata",
              score="score_with_holes", missing="skip")
    _same(nspark.health(sdf, **kw), nspark.health(frames[0], **kw))


@pytest.mark.parametrize("value, message", [
    (11, r"1 row\(s\) where the score is 11: outside the scale 0..10"),
    (7.5, r"score is 7.5: scores must be whole numbers"),
    (np.nan, r"1 missing score\(s\).*missing=\"skip\""),
])
def test_bad_score_counted_by_spark(spark_session, frames, value, message):
    _, pdf = frames
    bad = pdf.copy()
    bad["score_with_holes"] = pdf["score"].astype(np.float64)
    bad.loc[bad.index[11], "score_with_holes"] = value
    sdf = _spark_frame(spark_session, bad, 4)
    with pytest.raises(ValueError, match=message):
        nspark.by_group(sdf, score="score_with_holes", by="touchpoint")
    with pytest.raises(ValueError, match=message):
        nspark.health(sdf, score="score_with_holes", by="touchpoint")


def test_key_named_as_a_count_column(frames):
    sdf, _ = frames
    renamed = sdf.withColumnRenamed("touchpoint", "skipped")
    with pytest.raises(ValueError, match="'skipped' has the name of one of the count columns"):
        nspark.by_group(renamed, by="skipped")
    with pytest.raises(ValueError, match="'skipped' has the name of one of the count columns"):
        nspark.health(renamed, by="skipped")


def test_missing_time_is_an_error_unless_skipped(spark_session, frames):
    _, pdf = frames
    holes = pdf.copy()
    holes.loc[holes.index[::40], "responded_at"] = pd.NaT
    sdf = _spark_frame(spark_session, holes, 4)
    with pytest.raises(ValueError, match=r"'responded_at' has \d+ missing time"):
        nspark.health(sdf, by="touchpoint")
    with pytest.raises(ValueError, match="missing"):
        npscore.health(holes, by="touchpoint")


def test_health_flags_are_compared(frames):
    """The comparison above covers raised flags, not only empty ones."""
    sdf, _ = frames
    out = nspark.health(sdf, by="touchpoint", freq="Q",
                        thresholds={"min_n": 5, "passive_share_high": 0.2})
    assert out["flags"].str.len().gt(0).any()


def test_health_missing_times_are_excluded(spark_session, frames):
    _, pdf = frames
    holes = pdf.copy()
    holes.loc[holes.index[::50], "responded_at"] = pd.NaT
    sdf = _spark_frame(spark_session, holes, PARTITIONS)
    a = nspark.health(sdf, by="survey_kind", missing="skip")
    b = npscore.health(holes, by="survey_kind", missing="skip")
    _same(a, b)
    assert a.attrs["excluded"] == len(holes.index[::50])


def test_health_times_as_text(spark_session, frames):
    """Times Spark holds as text: each partition parses them as npscore.health
    does (naive ones in `tz`), the time range included."""
    _, pdf = frames
    text = pdf.copy()
    text["responded_at"] = (text["responded_at"].dt.tz_convert("Asia/Kolkata")
                            .dt.strftime("%Y-%m-%d %H:%M:%S").astype(object))
    sdf = _spark_frame(spark_session, text, PARTITIONS)
    local = _local(sdf)
    _same(nspark.health(sdf, by="survey_kind", freq="W", tz="Asia/Kolkata"),
          npscore.health(local, by="survey_kind", freq="W", tz="Asia/Kolkata"))


@pytest.mark.parametrize("kw", [dict(), dict(freq="Q"), dict(freq="M", tz="America/New_York")])
def test_migration(frames, kw):
    sdf, pdf = frames
    _same(nspark.migration(sdf, **kw), npscore.migration(pdf, **kw))


@pytest.mark.parametrize("kw", [
    dict(how="pooled"),
    dict(how="average", min_n=3, method="wald"),
    dict(how="latest", contact="contact_id"),
    dict(how="pooled", contact="contact_id", score="score_with_holes", missing="skip"),
])
def test_account_nps(frames, kw):
    sdf, pdf = frames
    _same(nspark.account_nps(sdf, account="account_id", **kw),
          npscore.account_nps(pdf, account="account_id", **kw))


def test_partitioned_input_needs_no_shuffle(frames):
    sdf, pdf = frames
    by_customer = sdf.repartition(PARTITIONS, "customer_id")
    _same(nspark.migration(by_customer, freq="Q", partitioned=True),
          npscore.migration(pdf, freq="Q"))


def test_ties_follow_the_row_order_as_on_one_machine(spark_session):
    """Times cut to 30-day steps: many answers of one customer (contact)
    share an instant, and the core's tie rule reads row order. Spark rows have
    none after a shuffle; npscore.spark sorts each partition by the rows'
    positions in the input, so migrations and latest answers are those of
    the single-machine function on the frame in its row order."""
    r = _responses()
    r["responded_at"] = r["responded_at"].dt.floor("30D")
    assert r.duplicated(["customer_id", "responded_at"]).sum() > 100
    sdf = _spark_frame(spark_session, r, PARTITIONS).cache()
    pdf = _local(sdf)
    _same(nspark.migration(sdf, freq="Q"), npscore.migration(pdf, freq="Q"))
    kw = dict(account="account_id", how="latest", contact="contact_id")
    _same(nspark.account_nps(sdf, **kw), npscore.account_nps(pdf, **kw))
    sdf.unpersist()


# --- Bad input ------------------------------------------------------------------------------


def test_not_a_spark_frame(frames):
    _, pdf = frames
    with pytest.raises(TypeError, match="must be a Spark DataFrame.*got DataFrame"):
        nspark.by_group(pdf, by="touchpoint")


def test_unknown_column(frames):
    sdf, _ = frames
    with pytest.raises(ValueError, match="'plan' is not a column"):
        nspark.health(sdf, by="plan")


def test_not_available_yet(frames):
    sdf, _ = frames
    with pytest.raises(ValueError, match="rolling windows"):
        nspark.health(sdf, window="90D")
    with pytest.raises(ValueError, match="basis=\"latest\""):
        nspark.health(sdf, basis="latest")


def test_bad_options_fail_on_the_driver(frames):
    sdf, _ = frames
    with pytest.raises(ValueError, match="method"):
        nspark.by_group(sdf, by="touchpoint", method="exact")
    with pytest.raises(ValueError, match="mode"):
        nspark.health(sdf, mode="sometimes")


def test_bad_score_names_its_value(frames, spark_session):
    _, pdf = frames
    bad = pdf.copy()
    bad.loc[bad.index[7], "score"] = 11
    sdf = _spark_frame(spark_session, bad, 4)
    with pytest.raises(Exception, match="is 11"):
        nspark.by_group(sdf, by="touchpoint")


def test_import_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ImportError, match=r"npscore\[spark\]"):
        nspark._pyspark()


def test_empty_partitions(spark_session):
    """Functions that read a whole partition (a customer's or account's rows)
    with many empty partitions, as a bucketed table or a hash repartition of
    few keys gives them."""
    pdf = pd.DataFrame({"customer_id": list("aabbcc"), "score": [10, 3, 9, 9, 7, 1],
                        "responded_at": pd.to_datetime(["2024-01-01", "2024-02-01"] * 3,
                                                       utc=True)})
    sdf = _spark_frame(spark_session, pdf, 2).repartition(24, "customer_id")
    assert min(sdf.rdd.glom().map(len).collect()) == 0
    local = _local(sdf)
    _same(nspark.migration(sdf, partitioned=True), npscore.migration(local))
    _same(nspark.account_nps(sdf, account="customer_id", partitioned=True),
          npscore.account_nps(local, account="customer_id"))


def test_account_ids_keep_their_type(spark_session):
    """int64 account ids above 2^53 come back exact (not as floats)."""
    pdf = pd.DataFrame({"account_id": np.array([2**53 + 1, 2**53 + 1, 2**53 + 3, 1]),
                        "score": [10, 9, 3, 7]})
    sdf = _spark_frame(spark_session, pdf, 3)
    out = nspark.account_nps(sdf, account="account_id")
    assert out["account_id"].dtype == np.int64
    assert out["account_id"].tolist() == [1, 2**53 + 1, 2**53 + 3]
    _same(out, npscore.account_nps(_local(sdf), account="account_id"))


def test_no_scores(spark_session, frames):
    """A group whose scores are all missing (skipped), and no rows at all: the
    tables one machine gives."""
    pdf = pd.DataFrame({"score": [9.0, 10, 3, None, None], "tp": list("aaabb"),
                        "account_id": list("xxyyz")})
    sdf = _spark_frame(spark_session, pdf, 3)
    local = _local(sdf)
    _same(nspark.by_group(sdf, by="tp", missing="skip"),
          npscore.by_group(local, by="tp", missing="skip"))
    _same(nspark.account_nps(sdf.filter("tp = 'b'"), account="account_id", missing="skip"),
          npscore.account_nps(local[local["tp"] == "b"].reset_index(drop=True),
                              account="account_id", missing="skip"))
    empty = frames[0].limit(0)
    _same(nspark.by_group(empty, by="touchpoint"), npscore.by_group(_local(empty),
                                                                     by="touchpoint"))
    _same(nspark.account_nps(empty, account="account_id"),
          npscore.account_nps(_local(empty), account="account_id"))


def test_types_and_options_checked_on_the_driver(frames):
    sdf, _ = frames
    text = sdf.withColumn("score", sdf["score"].cast("string"))
    with pytest.raises(TypeError, match=r"column 'score' holds text .*cast it first"):
        nspark.by_group(text, by="touchpoint")
    with pytest.raises(TypeError, match=r"column 'score' holds text"):
        nspark.health(text, by="touchpoint")
    with pytest.raises(ValueError, match="how"):
        nspark.account_nps(sdf, account="account_id", how="mean")
