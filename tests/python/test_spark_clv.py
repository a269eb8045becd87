"""npscore.spark.clv on a local Spark session: the RFM summary, the fitted
BG/NBD and Gamma-Gamma models and the CLV equal the single-machine ones on
the same data (``_local(sdf)``), the sample's transactions split into 17
partitions: frequency, recency and T exactly, money and statistics to
1e-12, and the histogram fit exactly as the weighted fit of the same
histogram. Skipped only when PySpark is not installed (a failure in CI)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")

from spark_support import _local, _same, _spark_frame  # noqa: E402

import npscore  # noqa: E402
from npscore import spark as nspark  # noqa: E402
from npscore.spark.clv import UNIT_METADATA  # noqa: E402

PARTITIONS = 17
END = "2025-12-31"
KW = dict(customer="customer_id", date="date", amount="amount", observation_end=END)

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")


@pytest.fixture(scope="module")
def frames(spark_session):
    tx = npscore.datasets.load_sample().transactions
    sdf = _spark_frame(spark_session, tx, PARTITIONS).cache()
    assert sdf.rdd.getNumPartitions() >= 16
    return sdf, _local(sdf)


@pytest.fixture(scope="module")
def summary(frames):
    """The weekly Spark summary (cached) and its rows on one machine."""
    sdf, _ = frames
    s = nspark.rfm_summary(sdf, **KW).cache()
    return s, _rows(s)


def _rows(sdf, key: str = "customer_id") -> pd.DataFrame:
    """A Spark per-customer result on one machine, indexed and sorted by the
    customer as the single-machine table is, its unit metadata as attrs."""
    out = _local(sdf).set_index(key).sort_index()
    units = {f.metadata.get(UNIT_METADATA) for f in sdf.schema.fields if f.name != key}
    units.discard(None)
    if units:
        (out.attrs["freq"],) = units
    return out


def _same_summary(got: pd.DataFrame, want: pd.DataFrame) -> None:
    for c in ("frequency", "recency", "T"):
        assert np.array_equal(got[c].to_numpy(), want[c].to_numpy()), c
    _same(got, want)  # monetary_value to 1e-12, index, dtypes and attrs


# --- rfm_summary ------------------------------------------------------------------------------


def test_rfm_summary(summary, frames):
    s, got = summary
    _, pdf = frames
    want = npscore.rfm_summary(pdf, **KW)
    _same_summary(got, want)
    assert len(got) == pdf["customer_id"].nunique()
    assert got["frequency"].gt(0).any() and got["monetary_value"].gt(0).any()


@pytest.mark.parametrize("freq", ["D", "M", "Q", "H"])
def test_rfm_summary_units_without_amount(frames, freq):
    sdf, pdf = frames
    kw = dict(KW, amount=None, freq=freq)
    got = _rows(nspark.rfm_summary(sdf, **kw))
    _same_summary(got, npscore.rfm_summary(pdf, **kw))
    assert got.attrs["freq"] == freq


def test_rfm_summary_reads_times_in_the_session_time_zone(spark_session, frames):
    """A TIMESTAMP is read as its wall-clock time in spark.sql.session.timeZone."""
    sdf, pdf = frames
    kw = dict(KW, freq="D")
    spark_session.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        got = _rows(nspark.rfm_summary(sdf, **kw))
    finally:
        spark_session.conf.set("spark.sql.session.timeZone", "UTC")
    local = pdf.assign(date=pdf["date"].dt.tz_convert("America/New_York"))
    _same_summary(got, npscore.rfm_summary(local, **kw))
    assert (got["T"] != npscore.rfm_summary(pdf, **kw)["T"]).all()  # a day later each


def test_rfm_summary_integer_customers_partitioned(spark_session, frames):
    """Integer ids (the single-machine dense-id path), and data already
    partitioned by customer (no shuffle): per-customer rows still match."""
    _, pdf = frames
    ints = pdf.assign(customer_id=pdf["customer_id"].str[1:].astype(np.int64) * 3)
    sdf = _spark_frame(spark_session, ints, PARTITIONS)
    by_customer = sdf.repartition(PARTITIONS, "customer_id")
    got = _rows(nspark.rfm_summary(by_customer, partitioned=True, **KW))
    _same_summary(got, npscore.rfm_summary(_local(sdf), **KW))
    assert got.index.dtype == np.int64


# --- fit_clv_models ---------------------------------------------------------------------------


def _local_histogram(rows: pd.DataFrame, keys: list) -> pd.DataFrame:
    return rows.groupby(keys).size().rename("count").reset_index()  # sorted by the keys


def test_fit_equals_the_weighted_fit_of_the_histogram(summary):
    s, rows = summary
    bg, gg = nspark.fit_clv_models(s, penalizer=0.01, gg_penalizer=0.0)
    h = _local_histogram(rows, ["frequency", "recency", "T"])
    assert len(h) < len(rows)  # the histogram is smaller than the customers
    want_bg = npscore.BetaGeo(penalizer=0.01).fit(h["frequency"].to_numpy(),
                                                  h["recency"].to_numpy(), h["T"].to_numpy(),
                                                  weights=h["count"].to_numpy())
    rep = _local_histogram(rows[rows["frequency"] > 0], ["frequency", "monetary_value"])
    want_gg = npscore.GammaGamma().fit(rep["frequency"].to_numpy(),
                                       rep["monetary_value"].to_numpy(),
                                       weights=rep["count"].to_numpy())
    # The same histogram in the same order: the same sums, bit for bit.
    assert bg.params_ == want_bg.params_ and bg.log_likelihood_ == want_bg.log_likelihood_
    assert gg.params_ == want_gg.params_ and gg.log_likelihood_ == want_gg.log_likelihood_
    assert (bg.penalizer, gg.penalizer) == (0.01, 0.0)
    assert type(bg) is npscore.BetaGeo and type(gg) is npscore.GammaGamma
    assert bg.converged_ and gg.converged_ and gg.n_excluded_ == 0


def _within_tolerance(hist_fit, row_fit, customers: float) -> None:
    """The histogram fit and the fit on every row minimize the same mean
    objective, summed in another order: each stops where the norm of its
    gradient in the log-parameters is g <= tolerance, so the estimates
    differ by about H^-1 (g1 + g2) in log-parameters, H the objective's
    Hessian = (n x covariance in log-parameters)^-1. Allowed: 10x that
    first-order bound, plus rounding (1e-12)."""
    names = list(row_fit.params_)
    theta = np.array([row_fit.params_[k] for k in names])
    cov_log = row_fit.covariance_.to_numpy() / np.outer(theta, theta)
    h_inv = np.linalg.norm(customers * cov_log, 2)
    g = hist_fit.fit_info_["gradient_norm"] + row_fit.fit_info_["gradient_norm"]
    bound = 10 * h_inv * g + 1e-12
    for k in names:
        rel = abs(np.log(hist_fit.params_[k] / row_fit.params_[k]))
        assert rel <= bound, (k, rel, bound)
    assert abs(hist_fit.log_likelihood_ / row_fit.log_likelihood_ - 1) <= 1e-12


def test_fit_equals_the_fit_on_every_customer(summary):
    s, rows = summary
    bg, gg = nspark.fit_clv_models(s)
    want_bg = npscore.BetaGeo().fit(rows["frequency"], rows["recency"], rows["T"])
    rep = rows[rows["frequency"] > 0]
    want_gg = npscore.GammaGamma().fit(rep["frequency"], rep["monetary_value"])
    _within_tolerance(bg, want_bg, len(rows))
    _within_tolerance(gg, want_gg, len(rep))
    # Standard errors from the histogram (its covariance uses the weights).
    assert np.allclose(bg.standard_errors_, want_bg.standard_errors_, rtol=1e-6, atol=0)


def test_fitted_models_are_ordinary_models(summary):
    s, _ = summary
    bg, gg = nspark.fit_clv_models(s)
    for m in (bg, gg):
        back = pickle.loads(pickle.dumps(m))
        assert back.params_ == m.params_ and back.summary.equals(m.summary)
    only_bg, none = nspark.fit_clv_models(s, monetary_value=None)
    assert none is None and only_bg.params_ == bg.params_


def test_nonpositive_spend_counts_customers(spark_session, frames):
    """Free orders: repeat customers with monetary_value 0 are refused
    naming how many customers (not histogram rows), or left out and counted
    as the single-machine fit counts them."""
    _, pdf = frames
    free = pdf.copy()
    ids = free["customer_id"].drop_duplicates().iloc[::9]
    free.loc[free["customer_id"].isin(ids), "amount"] = 0.0
    s = nspark.rfm_summary(_spark_frame(spark_session, free, PARTITIONS), **KW).cache()
    rows = _rows(s)
    rep = rows[rows["frequency"] > 0]
    zero = int((rep["monetary_value"] <= 0).sum())
    assert zero > 1
    with pytest.raises(ValueError, match=f"monetary_value is <= 0 for {zero} repeat customers"):
        nspark.fit_clv_models(s)
    _, gg = nspark.fit_clv_models(s, nonpositive_spend="exclude")
    want = npscore.GammaGamma().fit(rep["frequency"], rep["monetary_value"],
                                    nonpositive_spend="exclude")
    assert gg.n_excluded_ == want.n_excluded_ == zero
    assert pickle.loads(pickle.dumps(gg)).n_excluded_ == zero
    _within_tolerance(gg, want, len(rep) - zero)
    s.unpersist()


# --- customer_lifetime_value ------------------------------------------------------------------


@pytest.mark.parametrize("kw", [dict(), dict(time=24, discount_rate=0.02)])
def test_customer_lifetime_value(summary, kw):
    s, rows = summary
    bg, gg = nspark.fit_clv_models(s)
    out = nspark.customer_lifetime_value(bg, gg, s, **kw)
    assert out.columns == s.columns + ["clv"]
    got = _rows(out)
    want = npscore.customer_lifetime_value(bg, gg, rows["frequency"], rows["recency"],
                                           rows["T"], rows["monetary_value"], **kw)
    pd.testing.assert_series_equal(got["clv"], want, check_exact=False, rtol=1e-12, atol=0)
    _same(got.drop(columns="clv"), rows)  # the summary passes through unchanged
    assert got["clv"].gt(0).all()


def test_clv_reads_the_unit_from_the_metadata(frames):
    sdf, pdf = frames
    s = nspark.rfm_summary(sdf, **dict(KW, freq="D"))
    rows = _rows(s)
    bg, gg = nspark.fit_clv_models(s)
    got = _rows(nspark.customer_lifetime_value(bg, gg, s))["clv"]
    want = npscore.customer_lifetime_value(bg, gg, rows["frequency"], rows["recency"],
                                           rows["T"], rows["monetary_value"])  # attrs: "D"
    pd.testing.assert_series_equal(got, want, check_exact=False, rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match=r'freq is "W" but frequency comes from an RFM table in '
                                         r'"D" periods \(its column metadata "npscore.freq"\)'):
        nspark.customer_lifetime_value(bg, gg, s, freq="W")
    # Columns without the metadata (a summary made elsewhere): "W" unless freq says.
    # (A computed column has no metadata; `alias(c, metadata={})` keeps it in PySpark 4.0.)
    bare = s.select(*[(s[c] * 1.0).alias(c) if c != KW["customer"] else s[c] for c in s.columns])
    assert not any(f.metadata for f in bare.schema.fields)
    weekly = _rows(nspark.customer_lifetime_value(bg, gg, bare))["clv"]
    daily = _rows(nspark.customer_lifetime_value(bg, gg, bare, freq="D"))["clv"]
    pd.testing.assert_series_equal(daily, got, check_exact=False, rtol=1e-12, atol=0)
    assert (got > 3 * weekly).all()


# --- Bad input, refused on the driver before any Spark job ------------------------------------


def test_not_a_spark_frame(frames, summary):
    _, pdf = frames
    s, rows = summary
    with pytest.raises(TypeError, match="transactions must be a Spark DataFrame.*got DataFrame"):
        nspark.rfm_summary(pdf, **KW)
    with pytest.raises(TypeError, match="summary must be a Spark DataFrame"):
        nspark.fit_clv_models(rows)
    bg, gg = nspark.fit_clv_models(s)
    with pytest.raises(TypeError, match="summary must be a Spark DataFrame"):
        nspark.customer_lifetime_value(bg, gg, rows)


def test_unknown_column(frames, summary):
    sdf, _ = frames
    s, _ = summary
    with pytest.raises(ValueError, match="'spend' is not a column"):
        nspark.rfm_summary(sdf, **dict(KW, amount="spend"))
    with pytest.raises(ValueError, match="'recency_w' is not a column"):
        nspark.fit_clv_models(s, recency="recency_w")
    bg, gg = nspark.fit_clv_models(s)
    with pytest.raises(ValueError, match="'monetary' is not a column"):
        nspark.customer_lifetime_value(bg, gg, s, monetary_value="monetary")


def _no_job(spark_session, call, error, match):
    """`call` raises before Spark runs a job."""
    tracker = spark_session.sparkContext.statusTracker()
    before = set(tracker.getJobIdsForGroup())
    with pytest.raises(error, match=match):
        call()
    assert set(tracker.getJobIdsForGroup()) == before


def test_bad_options_fail_on_the_driver(spark_session, frames, summary):
    sdf, _ = frames
    s, _ = summary
    bg, gg = nspark.fit_clv_models(s)
    cases = [
        (lambda: nspark.rfm_summary(sdf, **dict(KW, freq="Y")), ValueError, "Y"),
        (lambda: nspark.rfm_summary(sdf, **dict(KW, observation_end="soon")), ValueError,
         "observation_end"),
        (lambda: nspark.rfm_summary(sdf, **dict(KW, amount="date")), ValueError, "twice"),
        (lambda: nspark.fit_clv_models(s, penalizer=-1), ValueError, "penalizer"),
        (lambda: nspark.fit_clv_models(s, gg_penalizer=np.nan), ValueError, "gg_penalizer"),
        (lambda: nspark.fit_clv_models(s, tolerance=0), ValueError, "tolerance"),
        (lambda: nspark.fit_clv_models(s, nonpositive_spend="drop"), ValueError,
         "nonpositive_spend"),
        (lambda: nspark.customer_lifetime_value(bg, gg, s, time=0), ValueError, "time"),
        (lambda: nspark.customer_lifetime_value(bg, gg, s, discount_rate=-1), ValueError,
         "discount_rate"),
        (lambda: nspark.customer_lifetime_value(gg, bg, s), TypeError, "bg must be a fitted"),
        (lambda: nspark.customer_lifetime_value(npscore.BetaGeo(), gg, s), ValueError,
         "not fitted"),
        (lambda: nspark.customer_lifetime_value(bg, gg, s, name="T"), ValueError,
         "already has a column 'T'"),
    ]
    for call, error, match in cases:
        _no_job(spark_session, call, error, match)


def test_errors_in_a_partition_name_the_value(frames):
    """A transaction after observation_end fails the job with the core's message."""
    sdf, _ = frames
    out = nspark.rfm_summary(sdf, **dict(KW, observation_end="2024-06-30"))
    with pytest.raises(Exception, match="after observation_end"):
        out.count()
