"""Churn scoring over a Spark DataFrame (npscore.churn): `predict_proba`,
`explain` of a fitted ChurnModel, row by row on the executors."""

from __future__ import annotations

import hashlib
import pickle
from typing import Any, Iterator, Mapping, Optional

import pandas as pd

from .. import _args
from ..churn import ChurnModel
from ._common import _frame, _map_in_arrow, _names

# Models already read in this Python worker process, by the SHA-256 of their
# bytes: Spark reuses its Python workers across tasks
# (spark.python.worker.reuse), so each worker reads a model once per job
# rather than once per task or batch.
_MODELS: dict = {}


def _model(blob: bytes, digest: str) -> ChurnModel:
    """The model pickled in `blob`, read once per worker process."""
    model = _MODELS.get(digest)
    if model is None:
        if len(_MODELS) >= 8:  # a long-lived worker scoring many models: keep a few
            _MODELS.clear()
        model = _MODELS[digest] = pickle.loads(blob)
    return model


def _shipped(model: Any) -> tuple[bytes, str]:
    """The fitted model as bytes, made once on the driver: its pickle, which
    holds the core model in the core's versioned format (a round trip predicts
    bit for bit the same) and the Python side's class labels and names."""
    if not isinstance(model, ChurnModel):
        raise TypeError(f"model must be an npscore ChurnModel, got {type(model).__name__}")
    model._fitted()  # NotFittedError before any Spark job
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    return blob, hashlib.sha256(blob).hexdigest()


def _ids(df: Any, id_cols: Any) -> list:
    ids = _args.labels(id_cols, "id_cols")
    _names(df, ids, "id_cols")
    return ids


def _empty(df: Any) -> pd.DataFrame:
    """df's columns with no rows, as the executors read them (Arrow to pandas):
    the driver runs the single-machine function on it to check the options
    and columns before any Spark job (Spark's optimizer answers a zero-row
    limit without running one)."""
    return df.limit(0).toArrow().to_pandas()


def _features(df: Any, ids: list) -> list:
    features = [c for c in df.columns if c not in ids]
    if not features:
        raise ValueError("features_sdf has no feature columns besides id_cols "
                         f"{ids}: give the churn_features columns the model reads")
    return features


def predict_proba(
    model: ChurnModel,
    features_sdf: Any,
    *,
    id_cols: Any = "customer_id",
) -> Any:
    """P(churn) per row of a Spark DataFrame of churn features, as
    ``model.predict_proba(X)[:, 1]`` gives it on one machine.

    `features_sdf` holds the `id_cols` (default ``"customer_id"``, the index
    of `npscore.churn.churn_features`) and the feature columns: every other
    column is X, matched to the model by name as on one machine (a fitted
    model refuses missing or extra columns; a prior ignores extra ones).

    The model is pickled once on the driver (the core's versioned model
    format inside) and travels inside the task closure, a few KB; each
    Python worker unpickles it once (cached by its SHA-256) and scores every
    Arrow batch of its partitions with the core (``mapInArrow``). Nothing is
    shuffled: the result has the partitioning and row order of the input.

    Returns a Spark DataFrame: the `id_cols` as in the input, then
    ``churn_risk`` (double), the probability of ``model.classes_[1]``.
    """
    blob, digest = _shipped(model)
    df = _frame(features_sdf, "features_sdf")
    ids = _ids(df, id_cols)
    features = _features(df, ids)
    model.predict_proba(_empty(df)[features])  # column names and types, on the driver

    def score(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        m = _model(blob, digest)
        for batch in batches:
            p = m.predict_proba(batch.select(features).to_pandas())[:, 1]
            yield pa.RecordBatch.from_arrays([batch.column(c) for c in ids] + [pa.array(p)],
                                             names=ids + ["churn_risk"])

    from pyspark.sql.types import DoubleType, StructField, StructType

    schema = StructType([df.schema[c] for c in ids]
                        + [StructField("churn_risk", DoubleType(), False)])
    return _map_in_arrow(df, score, schema)


def explain(
    model: ChurnModel,
    features_sdf: Any,
    top: int = 3,
    *,
    describe: Optional[Mapping] = None,
    id_cols: Any = "customer_id",
) -> Any:
    """Reasons per row of a Spark DataFrame of churn features, as
    ``model.explain(X, top, describe=describe)`` gives them on one machine.

    `features_sdf`, `id_cols` and the shipping of the model as in
    `predict_proba`; `describe` (format strings or callables) travels in the
    task closure too. Each Arrow batch is explained by the core on its
    executor; nothing is shuffled, and the result keeps the input's
    partitioning and row order.

    Returns a Spark DataFrame: the `id_cols`, ``churn_probability``, then for
    k = 1..top ``reason_k``, ``feature_k`` (text) and ``contribution_k``
    (double); a row with fewer than `top` reasons has nulls in the slots left
    (one machine: missing text and NaN).
    """
    blob, digest = _shipped(model)
    k = _args.whole(top, "top", minimum=1, maximum=_args.limit("reasons"))
    assert k is not None
    top = k
    describe = _args.mapping(describe, "describe", "{column: format string or callable}")
    df = _frame(features_sdf, "features_sdf")
    ids = _ids(df, id_cols)
    features = _features(df, ids)
    model.explain(_empty(df)[features], top, describe=describe)  # checked on the driver
    names = ["churn_probability"] + [f"{part}_{k}" for k in range(1, top + 1)
                                     for part in ("reason", "feature", "contribution")]

    def reasons(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        m = _model(blob, digest)
        for batch in batches:
            out = m.explain(batch.select(features).to_pandas(), top, describe=describe)
            arrays = [pa.array(out["churn_probability"].to_numpy())]
            for k in range(1, top + 1):
                arrays += [pa.array(out[f"reason_{k}"].to_numpy(), type=pa.string(),
                                    from_pandas=True),
                           pa.array(out[f"feature_{k}"].to_numpy(), type=pa.string(),
                                    from_pandas=True),
                           pa.array(out[f"contribution_{k}"].to_numpy(), from_pandas=True)]
            yield pa.RecordBatch.from_arrays([batch.column(c) for c in ids] + arrays,
                                             names=ids + names)

    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    fields = [df.schema[c] for c in ids] + [StructField("churn_probability", DoubleType(), False)]
    for k in range(1, top + 1):
        fields += [StructField(f"reason_{k}", StringType(), True),
                   StructField(f"feature_{k}", StringType(), True),
                   StructField(f"contribution_{k}", DoubleType(), True)]
    return _map_in_arrow(df, reasons, StructType(fields))
