"""What every npscore.spark function shares: checking the Spark frame and
its columns, handing partitions to the core through Arrow, and bringing the
merged counts back to the driver."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from .. import _npscore
from .._convert import as_cutoffs, column
from .._convert import utc_nanos as _utc_nanos

def _map_in_arrow(df: Any, fn: Any, schema: Any) -> Any:
    """`df.mapInArrow(fn, schema)`. Newer PySpark (4.3) warns there that it does not
    fully support pandas >= 3 (mapInArrow is built on its pandas UDF
    machinery); these functions hand Spark Arrow batches only, never pandas
    frames, so that warning does not apply and is not shown."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        return df.mapInArrow(fn, schema)



#: Rows handed to the core at a time in each partition (Arrow batches are
#: gathered up to this many): large enough that the per-call cost vanishes,
#: small enough that a chunk's columns stay a few tens of MB.
CHUNK_ROWS = 1 << 20

_COUNTS = ("detractors", "passives", "promoters", "skipped")


def _pyspark() -> Any:
    """The pyspark.sql module, or an ImportError saying how to install it."""
    try:
        import pyspark.sql
    except ImportError as e:
        raise ImportError(
            "npscore.spark needs PySpark: install the extra with "
            "pip install 'npscore[spark]' (PySpark >= 4.0 and a Java 17 runtime)") from e
    return pyspark.sql


def _frame(df: Any, name: str = "df") -> Any:
    sql = _pyspark()
    if not isinstance(df, sql.DataFrame):
        raise TypeError(f"{name} must be a Spark DataFrame (pyspark.sql.DataFrame), got "
                        f"{type(df).__name__}; for pandas, polars or Arrow tables use the "
                        "functions of npscore itself")
    return df


def _names(df: Any, names: list, role: str) -> None:
    for c in names:
        if c not in df.columns:
            raise ValueError(f"{role}: {c!r} is not a column of the DataFrame (columns: "
                             f"{', '.join(map(repr, df.columns))})")


def _chunks(batches: Iterator[Any]) -> Iterator[Any]:
    """The partition's Arrow record batches gathered into tables of about
    CHUNK_ROWS rows."""
    import pyarrow as pa

    held: list = []
    rows = 0
    for b in batches:
        held.append(b)
        rows += b.num_rows
        if rows >= CHUNK_ROWS:
            yield pa.Table.from_batches(held)
            held, rows = [], 0
    if rows:
        yield pa.Table.from_batches(held)


def _key_arrays(keys: pd.DataFrame, names: list, types: dict) -> list:
    """Key columns as Arrow arrays of the input's Arrow types."""
    import pyarrow as pa

    return [pa.array(keys[k].to_numpy(dtype=object), type=types[k], from_pandas=True)
            for k in names]


def _cutoff_values(cutoffs: Any) -> tuple:
    """The cut-offs checked on the driver, as a tuple the executors can be
    sent (a Cutoffs object does not pickle)."""
    c = as_cutoffs(cutoffs)
    return (c.detractor_max, c.passive_max, c.scale_max)


def _schema(df: Any, keys: list, longs: tuple) -> Any:
    """Spark schema: the key columns as in df, then int64 count columns."""
    from pyspark.sql.types import LongType, StructField, StructType

    fields = [df.schema[k] for k in keys]
    return StructType([StructField(f.name, f.dataType, True) for f in fields]
                      + [StructField(c, LongType(), False) for c in longs])


def _collect(df: Any) -> pd.DataFrame:
    """A small Spark result (a few rows per group) on the driver, through
    Arrow (pyarrow's pandas types, as ``df.toArrow().to_pandas()``)."""
    return df.toArrow().to_pandas()


def _time_range(df: Any, time: str, tz: str) -> tuple[int, int]:
    """The smallest and largest time of df's column (UTC ns, NaT left out):
    by Spark itself for a TIMESTAMP column (instants, exact in microseconds),
    otherwise with each partition reading its times as `health` reads them
    (naive times in `tz`, text parsed)."""
    import pyarrow as pa
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    if isinstance(df.schema[time].dataType, TimestampType):
        micros = F.unix_micros(F.col(time))
        r = df.agg(F.min(micros).alias("lo"), F.max(micros).alias("hi")).collect()[0]
        if r["lo"] is None:
            return 0, -1
        return int(r["lo"]) * 1000, int(r["hi"]) * 1000

    def span(batches: Iterator[Any]) -> Iterator[Any]:
        lo, hi = np.iinfo(np.int64).max, np.iinfo(np.int64).min
        for table in _chunks(batches):
            t = _utc_nanos(column(table.to_pandas(), time, "time"), f"column {time!r}", tz)
            a, b, _ = _npscore.time_range(t)
            lo, hi = min(lo, a), max(hi, b)
        yield pa.RecordBatch.from_arrays([pa.array([lo]), pa.array([hi])], names=["lo", "hi"])

    r = _map_in_arrow(df.select(time), span, "lo long, hi long").agg(
        F.min("lo").alias("lo"), F.max("hi").alias("hi")).collect()[0]
    return int(r["lo"]) if r["lo"] is not None else 0, \
        int(r["hi"]) if r["hi"] is not None else -1


def _by_column(df: Any, key: str, partitioned: bool) -> Any:
    return df if partitioned else df.repartition(key)

