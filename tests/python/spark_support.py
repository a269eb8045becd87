"""Shared by the npscore.spark test modules: Spark frames from pandas, and the
comparison of a Spark result with the single-machine one (counts exactly,
statistics to 1e-12). The session itself is conftest's `spark_session`."""

from __future__ import annotations

import math

import pandas as pd
import pyarrow as pa
import pytest


def _spark_frame(session, pdf: pd.DataFrame, partitions: int):
    return session.createDataFrame(pa.Table.from_pandas(pdf, preserve_index=False)).repartition(
        partitions)


def _local(sdf) -> pd.DataFrame:
    """The Spark frame's data on one machine, as npscore.spark reads it."""
    return sdf.toArrow().to_pandas()


COUNTS = ("n", "detractors", "passives", "promoters", "skipped", "responses", "contacts",
          "pairs", "baseline_n", "flag_family")


def _same(spark_out: pd.DataFrame, local: pd.DataFrame) -> None:
    """Same columns, dtypes and keys; counts equal exactly; statistics to 1e-12."""
    assert list(spark_out.columns) == list(local.columns)
    assert len(spark_out) == len(local)
    exact = [c for c in local.columns
             if c in COUNTS or c.startswith(("score_", "to_")) or local[c].dtype.kind in "iubO"]
    for c in exact:
        a, b = spark_out[c], local[c]
        assert a.dtype == b.dtype, c
        assert ((a == b) | (a.isna() & b.isna())).all(), c
    pd.testing.assert_frame_equal(spark_out, local, check_exact=False, rtol=1e-12, atol=0)
    _same_attrs(spark_out.attrs, local.attrs)


def _same_attrs(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        x, y = a[k], b[k]
        if isinstance(x, dict):
            _same_attrs(x, y)
        elif isinstance(x, float) and math.isnan(x):
            assert isinstance(y, float) and math.isnan(y), k
        elif isinstance(x, float):
            assert y == pytest.approx(x, rel=1e-12, abs=0), k
        else:
            assert x == y, k
