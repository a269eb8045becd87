"""What every npscore.spark function shares: checking the Spark frame and
its columns, handing partitions to the core through Arrow, and bringing the
merged counts back to the driver."""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

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


def _no_clash(keys: list, reserved: Any, role: str) -> None:
    """Key columns must not carry the names of the count columns they are
    collected with."""
    for k in keys:
        if k in reserved or str(k).startswith("__npscore_"):
            raise ValueError(f"{role}: the key column {k!r} has the name of one of the count "
                             "columns npscore.spark collects with the keys; rename it first "
                             "(df.withColumnRenamed)")


def _chunks(batches: Iterator[Any], size: int = 0) -> Iterator[Any]:
    """The partition's Arrow record batches gathered into tables of about
    `size` rows (0: CHUNK_ROWS)."""
    import pyarrow as pa

    held: list = []
    rows = 0
    for b in batches:
        held.append(b)
        rows += b.num_rows
        if rows >= (size or CHUNK_ROWS):
            yield pa.Table.from_batches(held)
            held, rows = [], 0
    if rows:
        yield pa.Table.from_batches(held)


def _partition(batches: Iterator[Any]) -> Any:
    """The whole partition as one Arrow table (for functions whose groups,
    e.g. a customer's rows, may span batches), or None when it is empty."""
    import pyarrow as pa

    held = list(batches)  # an empty partition may send no batch at all
    table = pa.Table.from_batches(held) if held else None
    return table if table is not None and table.num_rows else None


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


_ROW = "__npscore_row"


def _by_column(df: Any, key: str, partitioned: bool, time: Optional[str] = None) -> Any:
    """df with each `key` in one partition. With `time`, where the core reads
    row order (its tie rule: answers at the same instant in row order), the
    rows are sorted within their partition by key, time and their position
    in df (`monotonically_increasing_id`, taken before the shuffle: for a
    file, the order of its rows), so that ties are decided as on one machine."""
    if time is None:
        return df if partitioned else df.repartition(key)
    from pyspark.sql import functions as F

    df = df.withColumn(_ROW, F.monotonically_increasing_id())
    part = df if partitioned else df.repartition(key)
    return part.sortWithinPartitions(key, time, _ROW).drop(_ROW)



# --- Counting in Spark: score values and their segments ------------------------------------------

#: Spark types whose values Spark can count natively as scores (cast to
#: double: exact for every valid score). Other types (text, decimals) go
#: through the core per partition, which reports them as one machine does.
_NATIVE_SCORE_TYPES = ("ByteType", "ShortType", "IntegerType", "LongType", "FloatType",
                       "DoubleType")

#: Internal column names of the native counting jobs.
SCORE, ROWS = "__npscore_score", "__npscore_rows"


def _native_scores(df: Any, score: str) -> bool:
    """Whether Spark can count the score column itself; a text or boolean
    column is refused here, on the driver, as one machine refuses it."""
    kind = type(df.schema[score].dataType).__name__
    if kind in ("StringType", "VarcharType", "CharType", "BooleanType"):
        raise TypeError(f"column {score!r} holds {'booleans' if kind == 'BooleanType' else 'text'}"
                        f" (Spark type {df.schema[score].dataType.simpleString()}): scores must "
                        f"be numbers; cast it first, e.g. F.col({score!r}).cast(\"double\")")
    return kind in _NATIVE_SCORE_TYPES


def _empty_local(df: Any, columns: list) -> pd.DataFrame:
    """The columns of an empty Spark frame as pandas reads them from Arrow (no
    job runs): the input of a single-machine function's empty result."""
    return df.select(*dict.fromkeys(columns)).limit(0).toArrow().to_pandas()


def _check_scores(values: np.ndarray, rows: np.ndarray, name: str, cut: tuple,
                  missing: str) -> None:
    """Checks the distinct score values Spark counted (float64, NaN = null or
    NaN) and how many rows hold each, as one machine checks scores (the
    core's `segment`): a missing score is an error unless `missing` is
    "skip"; a value off the scale or not whole is an error naming the value
    and its number of rows (Spark rows have no stable index to name)."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    lost = np.isnan(values)
    if lost.any() and missing == "error":
        raise ValueError(f"column {name!r} has {int(rows[lost].sum())} missing score(s) (null "
                         "or NaN); ask to skip missing scores (missing=\"skip\") to leave them out")
    kept = np.ascontiguousarray(values[~lost])
    try:
        _npscore.segment(kept, as_cutoffs(cut))
    except ValueError as e:
        m = re.match(r"score at row (\d+) is (.*)", str(e), re.S)
        if m is None:
            raise
        bad = kept[int(m.group(1))]
        n = int(rows[~lost][kept == bad].sum())
        raise ValueError(f"column {name!r}: {n} row(s) where the score is {m.group(2)}") from None


def _score_counts(df: Any, groups: list, score: str, cut: tuple, missing: str,
                  classes: dict, *extra: Any) -> pd.DataFrame:
    """Rows per group counted by Spark in one aggregation (map-side partial
    sums, then a shuffle of a few counts per group, never rows): for each
    `classes` entry name -> (lo, hi), the rows whose score is a whole number
    in lo..hi; "skipped" (rows without a score) and ROWS (all rows), plus
    the `extra` aggregate columns; collected to the driver. When a row holds
    a value that is not a score, or a missing one that `missing` does not
    allow, a second job counts the distinct values and the core's check
    reports it (`_check_scores`)."""
    from pyspark.sql import functions as F

    whole = type(df.schema[score].dataType).__name__ in _NATIVE_SCORE_TYPES[:4]
    # Integers are compared as they are (no NaN or fraction to look for).
    s = F.col(score) if whole else F.col(score).cast("double")
    lost = s.isNull() if whole else s.isNull() | F.isnan(s)
    counts = [F.count_if(s == lo if lo == hi else (s >= lo) & (s <= hi)).alias(name)
              for name, (lo, hi) in classes.items()]
    if not whole and any(lo != hi for lo, hi in classes.values()):
        counts.append(F.count_if(s != F.floor(s)).alias(_FRACTIONS))  # NaN = NaN in Spark
    out = _collect(df.groupBy(*groups).agg(
        *counts, F.count_if(lost).alias("skipped"), F.count(F.lit(1)).alias(ROWS), *extra))
    counted = out[list(classes)].to_numpy(np.int64).sum(axis=1)
    skipped = out["skipped"].to_numpy(np.int64)
    fractions = out[_FRACTIONS].to_numpy(np.int64) if _FRACTIONS in out else 0
    if (out[ROWS].to_numpy(np.int64) - counted - skipped).any() or np.any(fractions) or \
            (missing == "error" and skipped.any()):
        values = _collect(df.groupBy(F.col(score).cast("double").alias(SCORE))
                          .agg(F.count(F.lit(1)).alias(ROWS)))
        _check_scores(values[SCORE].to_numpy(np.float64, na_value=np.nan),
                       values[ROWS].to_numpy(np.int64), score, cut, missing)
        raise AssertionError("npscore.spark: Spark's score counts do not add up")  # unreachable
    return out


_FRACTIONS = "__npscore_fractions"


def _score_histograms(df: Any, groups: list, score: str, cut: tuple, missing: str,
                      *extra: Any) -> pd.DataFrame:
    """`_score_counts` of each score 0..scale: columns score_0..score_<scale>."""
    bins = {f"score_{b}": (b, b) for b in range(cut[2] + 1)}
    return _score_counts(df, groups, score, cut, missing, bins, *extra)


def _segment_ranges(cut: tuple) -> dict:
    """detractors / passives / promoters -> the (lo, hi) scores of each
    segment, read from the core's segment of every score 0..scale (each
    segment is one run of scores)."""
    seg = _npscore.segment(np.arange(cut[2] + 1, dtype=np.float64), as_cutoffs(cut))
    out = {}
    for code, name in zip((-1, 0, 1), ("detractors", "passives", "promoters")):
        scores = np.flatnonzero(seg == code)
        if len(scores) != scores[-1] - scores[0] + 1:
            raise AssertionError(f"npscore.spark: the {name} are not one run of scores")
        out[name] = (int(scores[0]), int(scores[-1]))
    return out
