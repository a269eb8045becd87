"""ChurnModel with polars and Arrow inputs (issue 11): X as a polars DataFrame,
a pyarrow Table / RecordBatch or any object with ``__arrow_c_stream__``; y and
sample_weight as polars Series or pyarrow arrays. Every method gives
bit-identical results to the pandas equivalent, feature names come from the
table's columns, numeric columns are read from their Arrow buffers (no pandas
round trip), and rows pair by the one rule (docs/python-interop.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl  # the test extra holds polars and pyarrow: never skipped
import pyarrow as pa
import pytest

import npscore
from npscore import churn

RNG = np.random.default_rng(11)
N = 300


def _frame() -> pd.DataFrame:
    """Numeric columns of several dtypes, as churn_features' users have them."""
    x = RNG.normal(size=(N, 2))
    return pd.DataFrame({
        "score_change": x[:, 0],                                   # float64
        "days_waiting": RNG.integers(0, 40, N).astype(np.int64),   # int64
        "seats": RNG.integers(1, 200, N).astype(np.int32),         # int32
        "ratio": x[:, 1].astype(np.float32),                       # float32
        "detractor": RNG.random(N) < 0.3,                          # bool
    })


X = _frame()
_LOGIT = 0.8 * X.score_change - 0.05 * X.days_waiting + 1.2 * X.detractor + 0.3
Y = pd.Series((RNG.random(N) < 1 / (1 + np.exp(-_LOGIT))).astype(np.int64), name="churned")
W = pd.Series(RNG.uniform(0.5, 2.0, N), name="w")


class Capsule:
    """A table known only through the Arrow PyCapsule interface (as DuckDB or
    nanoarrow results are)."""

    def __init__(self, table):
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def _tables(frame: pd.DataFrame) -> dict:
    """The same table as polars, pyarrow Table and RecordBatch, and a capsule."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return {"polars": pl.from_pandas(frame), "arrow-table": table,
            "record-batch": table.to_batches()[0] if table.num_rows else table,
            "capsule": Capsule(table)}


def _columns(values: pd.Series) -> dict:
    """The same column as polars Series, pyarrow Array and ChunkedArray (two chunks)."""
    arr = pa.array(values.to_numpy())
    half = len(values) // 2
    return {"polars": pl.Series(values.name or "v", values.to_numpy()), "arrow-array": arr,
            "chunked": pa.chunked_array([arr.slice(0, half), arr.slice(half)])}


TABLES = _tables(X)
FOREIGN_IDS = sorted(TABLES)


@pytest.fixture(scope="module")
def reference() -> npscore.ChurnModel:
    return npscore.ChurnModel().fit(X, Y, sample_weight=W)


@pytest.mark.parametrize("kind", FOREIGN_IDS)
def test_fit_on_a_foreign_table_is_bit_identical(kind, reference):
    m = npscore.ChurnModel().fit(_tables(X)[kind], Y.to_numpy(), sample_weight=W.to_numpy())
    np.testing.assert_array_equal(m.coef_, reference.coef_)
    assert m.intercept_ == reference.intercept_
    assert m.n_iter_ == reference.n_iter_
    assert list(m.feature_names_in_) == list(X.columns)
    assert m.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("kind", FOREIGN_IDS)
def test_every_method_reads_a_foreign_table(kind, reference):
    table = _tables(X)[kind]
    np.testing.assert_array_equal(reference.predict_proba(table), reference.predict_proba(X))
    np.testing.assert_array_equal(reference.predict(table), reference.predict(X))
    np.testing.assert_array_equal(reference.decision_function(table),
                                  reference.decision_function(X))
    assert reference.score(_tables(X)[kind], Y.to_numpy()) == reference.score(X, Y)
    pd.testing.assert_frame_equal(reference.explain(_tables(X)[kind], top=2),
                                  reference.explain(X, top=2))
    got = reference.reason_stability(_tables(X)[kind], Y.to_numpy(), n_boot=4,
                                     sample_weight=W.to_numpy())
    want = reference.reason_stability(X, Y, n_boot=4, sample_weight=W)
    pd.testing.assert_series_equal(got.top_reason_agreement, want.top_reason_agreement)
    pd.testing.assert_series_equal(got.sign_stability, want.sign_stability)


@pytest.mark.parametrize("kind", ["polars", "arrow-array", "chunked"])
def test_labels_and_weights_as_foreign_columns(kind, reference):
    y, w = _columns(Y)[kind], _columns(W)[kind]
    m = npscore.ChurnModel().fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(m.coef_, reference.coef_)
    assert m.intercept_ == reference.intercept_
    np.testing.assert_array_equal(m.classes_, reference.classes_)
    assert reference.score(X, _columns(Y)[kind], _columns(W)[kind]) == \
        reference.score(X, Y, W)


def test_text_and_boolean_labels_from_polars_and_arrow():
    text = Y.map({0: "stayed", 1: "churned"})
    want = npscore.ChurnModel().fit(X, text)
    for y in (pl.Series(text.to_numpy()), pa.array(text.to_list()),
              pa.chunked_array([pa.array(text.to_list())])):
        m = npscore.ChurnModel().fit(TABLES["polars"], y)
        np.testing.assert_array_equal(m.coef_, want.coef_)
        assert list(m.classes_) == ["churned", "stayed"]
        assert list(m.predict(TABLES["polars"])) == list(want.predict(X))
        assert m.score(TABLES["polars"], y) == want.score(X, text)
    flags = npscore.ChurnModel().fit(TABLES["polars"], pl.Series(Y.to_numpy() == 1))
    np.testing.assert_array_equal(flags.coef_, npscore.ChurnModel().fit(X, Y).coef_)
    assert flags.classes_.dtype == bool


def test_a_refit_foreign_model_is_matched_by_name(reference):
    shuffled = TABLES["polars"].select(list(reversed(X.columns)))
    np.testing.assert_array_equal(reference.predict_proba(shuffled), reference.predict_proba(X))
    with pytest.raises(ValueError, match=r"X lacks the feature column\(s\) \['ratio'\]"):
        reference.predict_proba(TABLES["polars"].drop("ratio"))
    with pytest.raises(ValueError, match=r"X has column\(s\) \['extra'\]"):
        reference.predict_proba(TABLES["polars"].with_columns(extra=pl.lit(1.0)))


def test_numeric_columns_are_read_from_their_arrow_buffers(monkeypatch):
    """No pandas round trip: the frame the model reads holds views of the
    table's own buffers (one copy is made, into the float64 matrix)."""
    seen = []
    read = churn._convert.read_table

    def spy(df, name="df"):
        out = read(df, name)
        seen.append((df, out[0]))
        return out

    monkeypatch.setattr(churn._convert, "read_table", spy)
    table = pa.Table.from_pandas(X, preserve_index=False)
    frame = pl.from_pandas(X)
    npscore.ChurnModel().fit(table, Y)
    npscore.ChurnModel().fit(frame, Y)
    assert [type(df) for df, _ in seen[:1]] == [pa.Table]
    for df, read_frame in seen:
        for c in X.columns:
            if X[c].dtype == bool:
                continue  # booleans are bits in Arrow: no numpy view exists
            source = (df.column(c).chunk(0).to_numpy(zero_copy_only=True)
                      if isinstance(df, pa.Table) else df[c].to_numpy())
            assert np.shares_memory(read_frame[c].to_numpy(), source), c
    assert any(isinstance(df, pl.DataFrame) for df, _ in seen)


def test_errors_name_the_column_as_for_pandas():
    bad = X.assign(plan=np.where(X.detractor, "pro", "basic"))
    with pytest.raises(TypeError) as want:
        npscore.ChurnModel().fit(bad, Y)
    for table in (pl.from_pandas(bad), pa.Table.from_pandas(bad, preserve_index=False)):
        with pytest.raises(TypeError) as got:
            npscore.ChurnModel().fit(table, Y)
        assert "X column 'plan'" in str(got.value)
    assert "X column 'plan'" in str(want.value)
    nulls = X.assign(score_change=X.score_change.where(X.index != 7))
    with pytest.raises(ValueError) as want:
        npscore.ChurnModel().fit(nulls, Y)
    with pytest.raises(ValueError) as got:
        npscore.ChurnModel().fit(pl.from_pandas(nulls), Y)  # a polars null: NaN, row 7
    assert str(got.value) == str(want.value)
    assert "7" in str(got.value)
    with pytest.raises(TypeError, match=r"X is a polars LazyFrame: collect it first"):
        npscore.ChurnModel().fit(TABLES["polars"].lazy(), Y)


# --- Rows pair by the one rule -----------------------------------------------------------

def test_arrow_table_from_pandas_keeps_its_index_and_aligns():
    """An Arrow table made from a labelled frame carries the labels: a
    shuffled pandas y is reordered, labels that differ are an error."""
    labelled = X.set_axis(pd.Index([f"c{i}" for i in range(N)], name="customer_id"))
    y = Y.set_axis(labelled.index)
    want = npscore.ChurnModel().fit(labelled, y)
    table = pa.Table.from_pandas(labelled)
    got = npscore.ChurnModel().fit(table, y.sample(frac=1, random_state=3))
    np.testing.assert_array_equal(got.coef_, want.coef_)
    assert got.score(table, y.sample(frac=1, random_state=4)) == want.score(labelled, y)
    pd.testing.assert_frame_equal(got.explain(table), want.explain(labelled))
    with pytest.raises(ValueError, match=r"the indexes of X and y differ \(label 'c0' of X is "
                                         r"not in y; label 0 of y is not in X\)"):
        npscore.ChurnModel().fit(table, Y)


def test_a_table_without_index_pairs_by_position():
    """polars has no index: a pandas y beside it pairs by position, as beside
    numpy (the labels of y have nothing to match)."""
    shuffled = Y.sample(frac=1, random_state=5)
    got = npscore.ChurnModel().fit(TABLES["polars"], shuffled)
    want = npscore.ChurnModel().fit(X.to_numpy(dtype=np.float64), shuffled.to_numpy())
    np.testing.assert_array_equal(got.coef_, want.coef_)
    # y and sample_weight, both pandas, still pair with each other by label.
    w = W.set_axis(Y.index)
    a = npscore.ChurnModel().fit(TABLES["polars"], shuffled, sample_weight=w)
    b = npscore.ChurnModel().fit(TABLES["polars"], shuffled,
                                 sample_weight=w.reindex(shuffled.index))
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_cross_validate_reads_foreign_tables():
    want = churn.cross_validate(npscore.ChurnModel(), X, Y, k=3, seed=2, sample_weight=W)
    for kind in FOREIGN_IDS:
        got = churn.cross_validate(npscore.ChurnModel(), _tables(X)[kind], _columns(Y)["polars"],
                                   k=3, seed=2, sample_weight=_columns(W)["arrow-array"])
        pd.testing.assert_frame_equal(got, want)


def test_sklearn_meta_estimators_take_polars():
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    model = clone(npscore.ChurnModel())
    got = cross_val_score(model, TABLES["polars"], pl.Series(Y.to_numpy()), cv=3)
    want = cross_val_score(model, X, Y, cv=3)
    np.testing.assert_array_equal(got, want)
