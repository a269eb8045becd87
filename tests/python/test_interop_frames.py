"""Any dataframe in (issue 11): polars, pyarrow and Arrow PyCapsule tables and
columns give what the same data gives as pandas; a Series is a key as in
pandas' groupby; categorical keys keep their categories and order.

The rules are written in docs/python-inputs.md.
"""

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore._convert import as_frame

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")


class Stream:
    """A table known only by the Arrow PyCapsule stream interface."""

    def __init__(self, table):
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


class ArrayCapsule:
    """A column known only by the Arrow PyCapsule array interface."""

    def __init__(self, array):
        self._array = array

    def __arrow_c_array__(self, requested_schema=None):
        return self._array.__arrow_c_array__(requested_schema)


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample(seed=7, n_customers=600)


@pytest.fixture(scope="module")
def responses(sample):
    r = sample.responses.merge(sample.customers, on="customer_id")
    return r.assign(risk=np.linspace(0.05, 0.6, len(r)))


def _inputs(df):
    """(kind, table, the pandas frame the same data is as pandas)."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    frame = pl.from_pandas(df)
    return [("pyarrow", table, table.to_pandas()),
            ("record-batch", table.combine_chunks().to_batches()[0], table.to_pandas()),
            ("capsule", Stream(table), table.to_pandas()),
            ("polars", frame, frame.to_pandas())]


FAMILIES = {
    "by_group": lambda d: npscore.by_group(d, by=["plan", "region"], weight="arr",
                                           account="account_id"),
    "health": lambda d: npscore.health(d, by="plan", kind="survey_kind", freq="Q"),
    "segment_trends": lambda d: npscore.segment_trends(d, by="plan", freq="Q", periods=3),
    "migration": lambda d: npscore.migration(d, freq="Q"),
    "attribute_change": lambda d: npscore.attribute_change(
        d, by="region", period_a="2025Q1", period_b="2025Q2", freq="Q"),
    "account_nps": lambda d: npscore.account_nps(d, account="account_id", contact="contact_id",
                                                 how="latest"),
    "prioritize": lambda d: npscore.prioritize(d, churn_risk="risk", clv="clv", segment="score",
                                               responded_at="responded_at",
                                               now=pd.Timestamp("2030-01-01", tz="UTC"), window_hours=1e6,
                                               keep=["customer_id"]),
    "revenue_at_risk": lambda d: npscore.revenue_at_risk(d, churn_risk="risk", clv="clv",
                                                         by="plan", score="score"),
    "theme_impact": lambda d: npscore.top_themes(d, comment="comment", segment="score",
                                                 clv="clv", n=None),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_reads_polars_and_arrow_tables_as_pandas(responses, family):
    fn = FAMILIES[family]
    r = responses
    if family == "theme_impact":
        r = r.dropna(subset=["comment"]).reset_index(drop=True)
    if family == "attribute_change":
        r = r[(r.responded_at >= "2025-01-01") & (r.responded_at < "2025-07-01")]
        r = r.reset_index(drop=True)
    for kind, table, as_pandas in _inputs(r):
        got, want = fn(table), fn(as_pandas)
        assert len(want) > 0, (family, kind)
        pd.testing.assert_frame_equal(got, want, obj=f"{family} from {kind}")
        assert repr(got.attrs) == repr(want.attrs), (family, kind)  # NaN == NaN here


def test_arrow_tables_give_the_pandas_results_of_the_original_frame(responses):
    # pyarrow keeps pandas' categoricals (categories, order, ordered flag), so
    # the result is that of the original frame itself.
    table = pa.Table.from_pandas(responses)
    for by in ("plan", ["plan", "region"]):
        pd.testing.assert_frame_equal(npscore.by_group(table, by=by),
                                      npscore.by_group(responses, by=by))
    pd.testing.assert_frame_equal(npscore.health(Stream(table), by="plan"),
                                  npscore.health(responses, by="plan"))


def test_numeric_columns_are_views_of_the_arrow_buffers(responses):
    frame = pl.from_pandas(responses[["score", "clv", "plan"]])
    converted = as_frame(frame)
    assert np.shares_memory(converted["score"].to_numpy(), frame["score"].to_numpy())
    assert np.shares_memory(converted["clv"].to_numpy(), frame["clv"].to_numpy())
    table = pa.table({"score": pa.array([9, 10, 3], pa.int8()), "w": [1.0, 2.0, 3.0]})
    converted = as_frame(table)
    assert converted["score"].dtype == np.int8  # read natively by the core, not widened
    assert np.shares_memory(converted["score"].to_numpy(),
                            table.column("score").chunk(0).to_numpy())
    assert np.shares_memory(converted["w"].to_numpy(), table.column("w").chunk(0).to_numpy())


def test_nulls_and_text_take_pandas_types():
    table = pa.table({"score": pa.array([9, None, 3]), "plan": ["a", None, "b"],
                      "t": pa.array([0, 86_400, None], pa.timestamp("s", "UTC"))})
    converted = as_frame(table)
    assert np.isnan(converted["score"][1])  # an integer column with a null: floats, NaN
    assert converted["plan"].isna().tolist() == [False, True, False]
    assert str(converted["t"].dtype).startswith("datetime64") and converted["t"].isna()[2]
    s = npscore.summarize(table.column("score"), missing="skip")
    assert (s.n, s.skipped, s.promoters, s.detractors) == (2, 1, 1, 1)


def test_pandas_index_survives_the_arrow_round_trip(responses):
    indexed = responses.set_index("response_id")
    back = as_frame(pa.Table.from_pandas(indexed))
    assert back.index.equals(indexed.index) and back.index.name == "response_id"
    ranged = responses.iloc[10:20]
    assert as_frame(pa.Table.from_pandas(ranged)).index.equals(ranged.index)


@pytest.mark.parametrize("make", [
    lambda v: pl.Series("scores", v), lambda v: pa.array(v), lambda v: pa.chunked_array([v[:3], v[3:]]),
    lambda v: ArrayCapsule(pa.array(v)), lambda v: Stream(pa.chunked_array([v])),
], ids=["polars", "pyarrow-array", "chunked", "array-capsule", "stream-capsule"])
def test_columns_from_polars_and_arrow(make):
    v = [10, 9, 7, 3, 9, 6, 10, 8]
    want = npscore.summarize(np.array(v))
    got = npscore.summarize(make(v), make([1.0] * len(v)))
    assert got.to_dict() == npscore.summarize(np.array(v), np.ones(len(v))).to_dict()
    assert npscore.summarize(make(v)).to_dict() == want.to_dict()
    assert npscore.segment(make(v)).tolist() == npscore.segment(v).tolist()


def test_other_objects_are_refused_with_the_accepted_types():
    with pytest.raises(TypeError, match=r"df must be a DataFrame \(pandas or polars\), a pyarrow "
                                        r"Table or RecordBatch, or an object with the Arrow "
                                        r"PyCapsule interface .*got dict"):
        as_frame({"score": [1]})
    with pytest.raises(TypeError, match=r"LazyFrame: collect it first"):
        npscore.by_group(pl.LazyFrame({"score": [9], "g": [1]}), by="g")


# --- A Series as a key ---------------------------------------------------------------------


def test_series_key_is_the_column_key(responses):
    r = responses
    want = npscore.by_group(r, by="plan")
    pd.testing.assert_frame_equal(npscore.by_group(r, by=r.plan), want)
    pd.testing.assert_frame_equal(npscore.by_group(r, by=[r.plan]), want)
    # Renamed: the name labels the output column.
    got = npscore.by_group(r, by=r.plan.rename("tier"))
    pd.testing.assert_frame_equal(got.rename(columns={"tier": "plan"}), want)


def test_series_key_is_aligned_on_the_index(responses):
    r = responses
    shuffled = r.plan.sample(frac=1.0, random_state=3).rename("tier")
    assert not shuffled.index.equals(r.index)
    got = npscore.by_group(r, by=shuffled)
    # pandas pairs rows by label too: its counts per key are the reference.
    counts = r.groupby(shuffled, observed=True).size()
    assert got.set_index("tier")["n"].to_dict() == counts.to_dict()
    # A subset of rows with the whole column as key: pandas' groupby rule.
    part = r.iloc[::3]
    got = npscore.by_group(part, by=r.plan.rename("tier"))
    assert got["n"].sum() == len(part)
    assert got.set_index("tier")["n"].to_dict() == part.groupby("plan", observed=True).size().to_dict()


def test_series_key_that_cannot_be_aligned_is_refused(responses):
    r = responses
    with pytest.raises(ValueError, match=r"by: the Series 'tier' is aligned on the DataFrame's "
                                         r"index, as in pandas, but has no value for row 0 "
                                         r"\(index label 0\)"):
        npscore.by_group(r, by=r.plan.iloc[1:].rename("tier"))
    twice = pd.Series(["a", "b"], index=[5, 5], name="tier")
    with pytest.raises(ValueError, match=r"by: the Series 'tier' has another index than the "
                                         r"DataFrame, with duplicate labels"):
        npscore.by_group(r, by=twice)
    with pytest.raises(ValueError, match=r"by: a key Series needs a name"):
        npscore.by_group(r, by=r.plan.rename(None))
    with pytest.raises(ValueError, match=r"by: the Series 'score' has the name of a column of the "
                                         r"DataFrame but other values"):
        npscore.by_group(r, by=r.score // 5)
    with pytest.raises(ValueError, match=r"by: the key 'tier' has 3 values but the DataFrame has"):
        npscore.by_group(r, by=pl.Series("tier", ["a", "b", "c"]))


def test_list_mixing_names_and_series(responses):
    r = responses
    band = pd.Series(np.where(r.arr > r.arr.median(), "big", "small"), index=r.index, name="band")
    got = npscore.by_group(r, by=["plan", band])
    counts = r.groupby(["plan", band], observed=True).size()
    assert list(got.columns[:2]) == ["plan", "band"]
    assert {(p, b): n for p, b, n in zip(got.plan, got.band, got.n)} == counts.to_dict()
    # A polars Series is read by position, with a polars table or a pandas one.
    frame = pl.from_pandas(r)
    got_pl = npscore.by_group(frame, by=["plan", pl.Series("band", band.to_numpy())])
    pd.testing.assert_frame_equal(got_pl, npscore.by_group(frame.to_pandas(), by=["plan", band]))


def test_series_keys_everywhere(responses):
    r = responses
    tier = r.plan.rename("tier")
    kind = r.survey_kind.rename("sk")
    h = npscore.health(r, by=tier, kind=kind, freq="Q")
    ref = npscore.health(r.assign(tier=r.plan, sk=r.survey_kind), by="tier", kind="sk", freq="Q")
    pd.testing.assert_frame_equal(h, ref)
    t = npscore.segment_trends(r, by=tier, freq="Q", periods=3)
    pd.testing.assert_frame_equal(
        t, npscore.segment_trends(r.assign(tier=r.plan), by="tier", freq="Q", periods=3))
    risk = npscore.revenue_at_risk(r, churn_risk="risk", clv="clv", by=tier, score="score")
    pd.testing.assert_frame_equal(
        risk, npscore.revenue_at_risk(r.assign(tier=r.plan), churn_risk="risk", clv="clv",
                                      by="tier", score="score"))
    ev = npscore.event_impact(r, pd.DataFrame({"time": [pd.Timestamp("2025-03-01", tz="UTC")]}),
                              by=tier)
    assert list(ev["tier"]) == list(r.plan.cat.categories)


# --- Categorical keys ------------------------------------------------------------------------


def test_categorical_keys_keep_categories_and_order(responses):
    r = responses
    # Reverse order, one category nobody has, ordered.
    dtype = pd.CategoricalDtype(["unused"] + list(r.plan.cat.categories)[::-1], ordered=True)
    tier = r.plan.astype(str).astype(dtype).rename("tier")
    got = npscore.by_group(r, by=tier)
    assert got["tier"].dtype == dtype
    # observed=True: only categories that occur, in category order.
    want = r.groupby(tier, observed=True).size()
    assert list(got["tier"]) == list(want.index) == list(dtype.categories[1:])
    assert got["n"].tolist() == want.tolist()
    h = npscore.health(r, by=tier, freq="Q")
    assert h["tier"].dtype == dtype and list(h["tier"].unique()) == list(dtype.categories[1:])
    t = npscore.segment_trends(r, by=tier, freq="Q", periods=3)
    assert t["tier"].dtype == dtype
    ev = npscore.event_impact(r, pd.DataFrame({"time": [pd.Timestamp("2025-03-01", tz="UTC")]}),
                              by=tier)
    assert ev["tier"].dtype == dtype
    risk = npscore.revenue_at_risk(r, churn_risk="risk", clv="clv", by=tier, score="score")
    assert risk["tier"].dtype == dtype
    two = npscore.by_group(r, by=[tier, "region"])
    assert two["tier"].dtype == dtype and two["region"].dtype == r.region.dtype


def test_categorical_missing_key_stays_missing():
    df = pd.DataFrame({"score": [9, 10, 3, 7],
                       "g": pd.Categorical(["b", None, "a", "b"], categories=["b", "a"])})
    got = npscore.by_group(df, by="g")
    assert got["g"].dtype == df["g"].dtype
    assert got["g"].tolist()[:2] == ["b", "a"] and pd.isna(got["g"].iloc[2])
    assert got["n"].tolist() == [2, 1, 1]


def test_polars_enum_and_arrow_dictionary_keep_their_order():
    enum = pl.Enum(["low", "mid", "high"])
    frame = pl.DataFrame({"score": [9, 3, 10, 7], "g": pl.Series(["high", "low", "high", "mid"],
                                                                  dtype=enum)})
    got = npscore.by_group(frame, by="g")
    assert list(got["g"]) == ["low", "mid", "high"]
    assert list(got["g"].cat.categories) == ["low", "mid", "high"]
    table = pa.table({"score": [9, 3, 10], "g": pa.array(["z", "y", "z"]).dictionary_encode()})
    got = npscore.by_group(table, by="g")
    assert isinstance(got["g"].dtype, pd.CategoricalDtype)
    assert got.set_index("g")["n"].to_dict() == {"z": 2, "y": 1}


def test_churn_features_and_labels_from_polars_and_arrow():
    s = npscore.datasets.load_sample()
    want = npscore.churn_features(s.responses, s.customers, as_of="2025-06-30",
                                  signup="signup_at")
    for convert in (pl.from_pandas, pa.Table.from_pandas):
        got = npscore.churn_features(convert(s.responses), convert(s.customers),
                                     as_of="2025-06-30", signup="signup_at")
        pd.testing.assert_frame_equal(got, want)
        labels = npscore.churn_labels(convert(s.churn), as_of="2025-06-30", horizon_days=90)
        pd.testing.assert_series_equal(
            labels, npscore.churn_labels(s.churn, as_of="2025-06-30", horizon_days=90))
