"""npscore over Apache Spark DataFrames: the same tables as one machine.

Each function runs the C++ core on every partition, through ``mapInArrow``,
to count what the statistics need (segment counts per group, score
histograms per slice and period, migrations per period), adds those counts
up across partitions, and derives the statistics on the driver exactly as
the single-machine function does (``HealthFromHistogram`` for health: equal
histograms give equal tables). Partitions send a few counts per group, never
their rows. Results are pandas DataFrames shaped as the single-machine
functions' results for the same data as pandas reads it from Arrow
(``df.toArrow().to_pandas()``: the values of ``df.toPandas()``, with text
keys as pandas' ``str`` rather than ``object``).

``migration`` and ``account_nps`` need all responses of a customer / account
in one partition; they repartition by that column first (a shuffle of the
columns they read) unless ``partitioned=True`` says the data is so already.

Needs PySpark (``pip install 'npscore[spark]'``) and npscore installed on
every executor (docs/spark.md).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

import numpy as np
import pandas as pd

from . import _args, _npscore
from ._convert import as_cutoffs, as_scores, column, instant as _instant
from ._convert import utc_nanos as _utc_nanos
from ._groups import group_codes
from .health import _flag_attrs, _table_frame, _thresholds
from .health import account_nps as _account_nps
from .nps import DEFAULT_CONFIDENCE, DEFAULT_CUTOFFS, DEFAULT_METHOD, DEFAULT_MIN_N
from .nps import by_group as _by_group
from ._types import Adjust, Freq, Method, Missing, Mode, RollUp


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


__all__ = ["by_group", "health", "account_nps", "migration"]

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


# --- by_group -------------------------------------------------------------------------------------


def by_group(
    df: Any,
    score: str = "score",
    by: Any = None,
    *,
    min_n: float = DEFAULT_MIN_N,
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """`npscore.by_group` over a Spark DataFrame (unweighted): one row per
    group, sorted by key, with the single-machine function's columns and
    values for ``df.toPandas()``.

    Each partition counts its groups with the core (detractors, passives,
    promoters, skipped per group); Spark adds the counts up per key; the
    driver summarizes each group's counts with the core (`summarize_counts`,
    the statistics `by_group` gives counted in one pass). `by` names key
    columns of df.
    """
    if by is None:
        raise TypeError("by_group() needs `by`: one key column name or a list of them")
    _args.shared(method=method, confidence=confidence, missing=missing, min_n=min_n)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    keys = _args.labels(by, "by", empty=False)
    _names(df, [score] + keys, "by_group")

    def count(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for table in _chunks(batches):
            types = {k: table.schema.field(k).type for k in keys}
            g = _by_group(table.to_pandas(), score=score, by=keys, missing=missing, cutoffs=cut)
            arrays = _key_arrays(g, keys, types) + [
                pa.array(g[c].to_numpy(np.int64)) for c in _COUNTS]
            yield pa.RecordBatch.from_arrays(arrays, names=keys + list(_COUNTS))

    from pyspark.sql import functions as F

    partial = _map_in_arrow(df.select(*keys, score), count, _schema(df, keys, _COUNTS))
    merged = _collect(partial.groupBy(*keys).agg(*(F.sum(c).alias(c) for c in _COUNTS)))
    if len(merged) == 0:
        raise ValueError("by_group(): the DataFrame has no rows")
    codes, out = group_codes(merged, keys)  # sorted as the single-machine function sorts
    order = np.argsort(codes, kind="stable")
    counts = {c: merged[c].to_numpy(np.int64)[order] for c in _COUNTS}
    summaries = [_npscore.summarize_counts(_npscore.Counts(int(d), int(p), int(r)), method,
                                           float(confidence))
                 for d, p, r in zip(counts["detractors"], counts["passives"],
                                    counts["promoters"])]
    n = counts["detractors"] + counts["passives"] + counts["promoters"]
    out["n"] = n
    for c in ("detractors", "passives", "promoters"):
        out[c] = counts[c]
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in ("detractors", "passives", "promoters"):
            out[f"share_{c}"] = np.where(n > 0, counts[c] / np.where(n > 0, n, 1), np.nan)
    for c in ("nps", "se", "ci_low", "ci_high"):
        out[c] = np.array([getattr(s, c) for s in summaries], dtype=np.float64)
    out["small"] = n < float(min_n)
    out["skipped"] = counts["skipped"]
    out.attrs.update(method=method, confidence=float(confidence), min_n=float(min_n))
    return out


# --- health ---------------------------------------------------------------------------------------


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


def health(
    df: Any,
    *,
    score: str = "score",
    time: str = "responded_at",
    freq: Freq = "M",
    by: Any = None,
    kind: Any = None,
    tz: str = "UTC",
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    adjust: Adjust = "holm",
    thresholds: Optional[Mapping[str, float]] = None,
    missing: Missing = "error",
    start: Any = None,
    end: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
    mode: Mode = "alert",
    basis: str = "all",
    window: Any = None,
) -> pd.DataFrame:
    """`npscore.health` over a Spark DataFrame: one row per slice and
    period, every column and attribute as the single-machine function gives
    them for ``df.toPandas()``.

    Stages: (1) unless `start` and `end` are given, one small job finds the
    time range, and the driver makes the period grid; (2) each partition
    counts the 0..scale histogram of each (slice, period) it holds with the
    core and sends the non-empty ones (scale + 4 numbers each); (3) Spark
    adds them up per slice key and period; (4) the driver orders the slices
    as `health` does and derives the table from the summed histograms
    (``HealthFromHistogram``), flags and baselines included. `by` and `kind`
    name columns of df. Rolling windows (`window`) and ``basis="latest"``
    are not available over Spark yet.
    """
    if window is not None:
        raise ValueError("npscore.spark.health: rolling windows (window=...) are not available "
                         "over Spark yet; use calendar periods (window=None) or npscore.health")
    if basis != "all":
        _args.option(basis, "basis", ("all", "latest"))
        raise ValueError("npscore.spark.health: basis=\"latest\" is not available over Spark "
                         "yet; use basis=\"all\" or npscore.health")
    _args.shared(method=method, adjust=adjust, confidence=confidence, freq=freq, missing=missing)
    _args.option(mode, "mode", ("alert", "review"))
    tz = _args.time_zone(tz)
    thresholds = _thresholds(thresholds)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    keys = _args.labels(by, "by")
    if kind is not None:
        kinds = _args.labels(kind, "kind", empty=False)
        keys = kinds + [k for k in keys if k not in kinds]
    _names(df, [score, time] + keys, "health")

    if start is None or end is None:
        t_min, t_max = _time_range(df, time, tz)
        if t_min > t_max:
            raise ValueError(f"column {time!r} has no timestamps: nothing to bucket")
    lo = _instant(start, "start", tz) if start is not None else t_min
    hi = _instant(end, "end", tz) if end is not None else t_max
    if lo > hi:
        raise ValueError(f"start ({start!r}) is after end ({end!r}) or the data's range: "
                         "no period to show")
    starts, labels = _npscore.period_grid(int(lo), int(hi), freq, tz)
    n_periods = len(labels)
    bins = cut[2] + 1
    hist_cols = tuple(f"score_{b}" for b in range(bins))
    longs = ("period",) + hist_cols + ("skipped", "excluded")
    core = (missing, DEFAULT_METHOD, DEFAULT_CONFIDENCE, "none", thresholds, mode, freq)

    def count(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for table in _chunks(batches):
            types = {k: table.schema.field(k).type for k in keys}
            pdf = table.to_pandas()
            scores = as_scores(column(pdf, score, "score"), f"column {score!r}")
            times = _utc_nanos(column(pdf, time, "time"), f"column {time!r}", tz)
            if keys:
                slices, slice_keys = group_codes(pdf, keys)
            else:
                slices, slice_keys = None, pd.DataFrame(index=range(1))
            try:
                cols = _npscore.health_over_time(scores, times, starts, labels, slices,
                                                 len(slice_keys), as_cutoffs(cut), *core)
            except ValueError as e:
                raise ValueError(f"column {time!r}: {e}" if str(e).startswith("time at row")
                                 else str(e)) from None
            hist = cols["histogram"]
            rows = np.flatnonzero((cols["n"] + cols["skipped"]) > 0)
            k = slice_keys.iloc[rows // n_periods].reset_index(drop=True)
            arrays = _key_arrays(k, keys, types) + [pa.array(rows % n_periods)]
            arrays += [pa.array(hist[rows, b]) for b in range(bins)]
            arrays += [pa.array(cols["skipped"][rows]), pa.array(np.zeros(len(rows), np.int64))]
            yield pa.RecordBatch.from_arrays(arrays, names=keys + list(longs))
            # Rows left out (a time outside the grid, or missing and skipped):
            # one row with period -1.
            empty = [pa.nulls(1, type=types[c]) for c in keys]
            yield pa.RecordBatch.from_arrays(
                empty + [pa.array([-1])] + [pa.array([0]) for _ in hist_cols]
                + [pa.array([0]), pa.array([int(cols["excluded"])])], names=keys + list(longs))

    from pyspark.sql import functions as F

    partial = _map_in_arrow(df.select(*dict.fromkeys(keys + [score, time])), count,
                            _schema(df, keys, longs))
    sums = [c for c in longs if c != "period"]
    merged = _collect(partial.groupBy(*keys, "period").agg(
        *(F.sum(c).alias(c) for c in sums)))
    left_out = merged["period"].to_numpy() < 0
    excluded = int(merged.loc[left_out, "excluded"].sum())
    merged = merged[~left_out].reset_index(drop=True)
    if keys:
        codes, slice_keys = group_codes(merged, keys)
    else:
        codes, slice_keys = np.zeros(len(merged), np.int64), pd.DataFrame(index=range(1))
    n_slices = len(slice_keys)
    row = np.asarray(codes, np.int64) * n_periods + merged["period"].to_numpy(np.int64)
    histogram = np.zeros((n_slices * n_periods, bins), np.int64)
    histogram[row] = merged[list(hist_cols)].to_numpy(np.int64)
    skipped = np.zeros(n_slices * n_periods, np.int64)
    skipped[row] = merged["skipped"].to_numpy(np.int64)
    cols = _npscore.health_from_histogram(histogram, n_periods, n_slices, skipped,
                                          as_cutoffs(cut), missing,
                                          method, float(confidence), adjust, thresholds, mode,
                                          freq)
    out = _table_frame(cols, labels, starts, slice_keys)
    out.attrs.update(keys=[str(c) for c in slice_keys.columns], method=method,
                     confidence=float(confidence), adjust=adjust, freq=freq, tz=tz, basis=basis,
                     window=None, thresholds=cols["thresholds"], excluded=excluded,
                     dropped_by_basis=0, **_flag_attrs(cols, freq, None))
    return out


# --- Per customer / account: each one's rows in one partition ----------------------------------


def _by_column(df: Any, key: str, partitioned: bool) -> Any:
    return df if partitioned else df.repartition(key)


def migration(
    df: Any,
    *,
    customer: str = "customer_id",
    score: str = "score",
    time: str = "responded_at",
    freq: Optional[Freq] = None,
    tz: str = "UTC",
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
    partitioned: bool = False,
) -> pd.DataFrame:
    """`npscore.migration` over a Spark DataFrame. A customer's consecutive
    responses must meet in one partition: df is repartitioned by `customer`
    (a shuffle of the customer, score and time columns) unless
    ``partitioned=True`` says each customer's rows already share a
    partition. Each partition counts its moves with the core on the global
    period grid; the 9 counts per period, and the pair and customer totals,
    add up exactly across partitions of disjoint customers."""
    _args.shared(missing=missing)
    if freq is not None:
        _args.shared(freq=freq)
    tz = _args.time_zone(tz)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    _names(df, [customer, score, time], "migration")
    if freq is None:
        starts, labels = None, ["all"]
    else:
        t_min, t_max = _time_range(df, time, tz)
        if t_min > t_max:
            raise ValueError(f"column {time!r} has no timestamps")
        starts, labels = _npscore.period_grid(t_min, t_max, freq, tz)
    n_periods = len(labels)
    cells = tuple(f"c{i}" for i in range(9 * n_periods))
    totals = ("pairs", "customers", "excluded", "skipped")

    def count(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        # The whole partition at once: a customer's rows may span batches.
        table = pa.Table.from_batches(list(batches))
        if table.num_rows == 0:
            return
        pdf = table.to_pandas()
        ids = column(pdf, customer, "customer")
        if ids.isna().any():
            raise ValueError(f"column {customer!r} has a missing customer id")
        customers = np.ascontiguousarray(pd.factorize(ids)[0], dtype=np.int64)
        scores = as_scores(column(pdf, score, "score"), f"column {score!r}")
        times = _utc_nanos(column(pdf, time, "time"), f"column {time!r}", tz)
        if starts is None:
            periods = np.zeros(len(pdf), np.int32)
        else:
            periods = _npscore.assign_periods(times, starts, labels, missing == "skip")
        res = _npscore.migration(scores, customers, times, periods, n_periods, as_cutoffs(cut),
                                 missing)
        values = list(np.asarray(res["counts"], np.int64).ravel()) + [int(res[t]) for t in totals]
        yield pa.RecordBatch.from_arrays([pa.array([v], pa.int64()) for v in values],
                                         names=list(cells + totals))

    from pyspark.sql import functions as F

    part = _by_column(df.select(customer, score, time), customer, partitioned)
    schema = ", ".join(f"{c} long" for c in cells + totals)
    r = _map_in_arrow(part, count, schema).agg(
        *(F.sum(c).alias(c) for c in cells + totals)).collect()[0]
    counts = np.array([r[c] or 0 for c in cells], np.int64).reshape(n_periods, 3, 3)
    return _migration_frame(counts, {t: int(r[t] or 0) for t in totals}, labels, freq)


_SEGMENT_NAMES = ("detractors", "passives", "promoters")


def _migration_frame(counts: np.ndarray, totals: dict, labels: list,
                     freq: Any) -> pd.DataFrame:
    """The migration table from the summed counts (period, from, to), laid
    out as `npscore.migration` lays it out."""
    rows = []
    for p, label in enumerate(labels):
        for f, name in enumerate(_SEGMENT_NAMES):
            c = counts[p, f]
            total = int(c.sum())
            row: dict = {"period": label, "from": name, "pairs": total}
            row.update({f"to_{to}": int(c[t]) for t, to in enumerate(_SEGMENT_NAMES)})
            row.update({f"rate_{to}": c[t] / total if total else np.nan
                        for t, to in enumerate(_SEGMENT_NAMES)})
            rows.append(row)
    out = pd.DataFrame(rows)
    if freq is None:
        out = out.drop(columns="period")
    overall = counts.sum(axis=0)
    promoters_from = int(overall[2].sum())
    out.attrs.update(
        pairs=totals["pairs"], customers=totals["customers"], excluded=totals["excluded"],
        skipped=totals["skipped"], promoter_to_passive=int(overall[2, 1]),
        promoter_to_passive_rate=overall[2, 1] / promoters_from if promoters_from else np.nan)
    return out


def account_nps(
    df: Any,
    *,
    account: str,
    contact: Optional[str] = None,
    how: RollUp = "pooled",
    min_n: float = 1,
    score: str = "score",
    time: str = "responded_at",
    tz: str = "UTC",
    missing: Missing = "error",
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    cutoffs: Any = DEFAULT_CUTOFFS,
    partitioned: bool = False,
) -> pd.DataFrame:
    """`npscore.account_nps` over a Spark DataFrame (unweighted roll-ups).
    An account's responses must meet in one partition: df is repartitioned
    by `account` unless ``partitioned=True``. Each partition rolls up its
    accounts with the core (one row per account, which is the result) and
    sends the segment counts behind its part of the account-level NPS; the
    driver adds them up and summarizes them with the core."""
    _args.shared(how=how, missing=missing, method=method, min_n=min_n, confidence=confidence)
    tz = _args.time_zone(tz)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    cols = [account, score] + ([contact] if contact is not None else []) + \
        ([time] if how == "latest" else [])
    _names(df, cols, "account_nps")
    stats = ("responses", "contacts", "mean_score", "nps", "segment", "small")
    overall = ("o_detractors", "o_passives", "o_promoters", "o_skipped")

    def roll_up(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        table = pa.Table.from_batches(list(batches))
        if table.num_rows == 0:
            return
        key_type = table.schema.field(account).type
        res = _account_nps(table.to_pandas(), account=account, contact=contact, how=how,
                           min_n=min_n, score=score, time=time, tz=tz, missing=missing,
                           method=method, confidence=confidence, cutoffs=cut)
        o = res.attrs["overall"]
        k = len(res)
        arrays = [pa.array(res[account].to_numpy(dtype=object), type=key_type, from_pandas=True),
                  pa.array(res["responses"].to_numpy(np.int64)),
                  pa.array(res["contacts"].to_numpy(np.int64) if contact is not None
                           else np.zeros(k, np.int64)),
                  pa.array(res["mean_score"].to_numpy(np.float64)),
                  pa.array(res["nps"].to_numpy(np.float64)),
                  pa.array(res["segment"].to_numpy(dtype=object), type=pa.string(),
                           from_pandas=True),
                  pa.array(res["small"].to_numpy(bool))]
        arrays += [pa.array(np.zeros(k, np.int64)) for _ in overall]
        yield pa.RecordBatch.from_arrays(arrays, names=[account, *stats, *overall])
        # The partition's share of the account-level figure: one row, no account.
        parts = [int(o["detractors"]), int(o["passives"]), int(o["promoters"]),
                 int(o["skipped"])]
        yield pa.RecordBatch.from_arrays(
            [pa.nulls(1, type=key_type), pa.array([0]), pa.array([0]),
             pa.array([np.nan]), pa.array([np.nan]), pa.nulls(1, type=pa.string()),
             pa.array([True])] + [pa.array([v]) for v in parts],
            names=[account, *stats, *overall])

    from pyspark.sql.types import (BooleanType, DoubleType, LongType, StringType, StructField,
                                   StructType)

    schema = StructType(
        [StructField(account, df.schema[account].dataType, True),
         StructField("responses", LongType()), StructField("contacts", LongType()),
         StructField("mean_score", DoubleType()), StructField("nps", DoubleType()),
         StructField("segment", StringType()), StructField("small", BooleanType())]
        + [StructField(c, LongType()) for c in overall])
    part = _by_column(df.select(*cols), account, partitioned)
    rows = _collect(_map_in_arrow(part, roll_up, schema))
    summary_rows = rows[account].isna().to_numpy()
    sums = rows.loc[summary_rows, list(overall)].to_numpy(np.int64).sum(axis=0)
    rows = rows[~summary_rows]
    codes, keys = pd.factorize(rows[account], sort=True)
    rows = rows.iloc[np.argsort(codes, kind="stable")].reset_index(drop=True)
    out = pd.DataFrame({account: keys})
    for name in ("responses", "contacts", "mean_score", "nps"):
        if name == "contacts" and contact is None:
            continue
        out[name] = rows[name].to_numpy()
    out["segment"] = [s if isinstance(s, str) else None for s in rows["segment"]]
    out["small"] = rows["small"].to_numpy(bool)
    summary = _npscore.summarize_counts(
        _npscore.Counts(int(sums[0]), int(sums[1]), int(sums[2]), int(sums[3])), method,
        float(confidence))
    out.attrs.update(overall=summary.to_dict(), how=how, min_n=float(min_n))
    return out
