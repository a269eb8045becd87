"""Distribution health over a Spark DataFrame (npscore.health): `health`,
`migration`, `account_nps`."""

from __future__ import annotations

from typing import Any, Iterator, Mapping, NamedTuple, Optional

import numpy as np
import pandas as pd

from .. import _args, _npscore
from .._convert import as_cutoffs, as_scores, column, instant as _instant
from .._convert import utc_nanos as _utc_nanos
from .._groups import group_codes
from ..health import _flag_attrs, _migration_table, _table_frame, _thresholds
from ..health import DEFAULT_ALPHA, _trends_frame
from ..health import account_nps as _account_nps
from ..nps import DEFAULT_CONFIDENCE, DEFAULT_CUTOFFS, DEFAULT_METHOD
from .._types import Adjust, Freq, Method, Missing, Mode, RollUp
from ._common import _by_column, _chunks, _collect, _cutoff_values, _frame, _key_arrays
from ._common import _map_in_arrow, _names, _no_clash, _native_scores, _schema, _score_histograms
from ._common import _empty_local, _partition, _time_range, ROWS

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
    time range, and the driver makes the period grid; (2) the rows are
    counted per (slice, period, score value): by Spark itself when the time
    column holds instants (TIMESTAMP) and the scores are numbers (each time
    bucketed by the hour, or the quarter hour where the zone's periods start
    there, and the bucket's period looked up in a broadcast table the core
    makes from the grid), otherwise by the core in each partition (text or
    naive times, read in `tz` as `npscore.health` reads them); (3) Spark adds
    the counts up per slice and period: at most scale + 2 numbers each,
    never rows; (4) the driver checks the score values with the core, orders
    the slices as `health` does and derives the table from the summed
    histograms (``HealthFromHistogram``), flags and baselines included. `by`
    and `kind` name columns of df. Rolling windows (`window`) and
    ``basis="latest"`` are not available over Spark yet.
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
    thresholds = _thresholds(thresholds)
    h = _counted(df, score, time, freq, by, kind, tz, missing, start, end, cutoffs, thresholds,
                 mode, "health")
    cols = _npscore.health_from_histogram(h.histogram, h.n_periods, h.n_slices, h.skipped,
                                          as_cutoffs(h.cut), missing,
                                          method, float(confidence), adjust, thresholds, mode,
                                          freq)
    out = _table_frame(cols, h.labels, h.starts, h.slice_keys)
    out.attrs.update(keys=[str(c) for c in h.slice_keys.columns], method=method,
                     confidence=float(confidence), adjust=adjust, freq=freq, tz=h.tz,
                     basis=basis, window=None, thresholds=cols["thresholds"],
                     excluded=h.excluded, dropped_by_basis=0, **_flag_attrs(cols, freq, None))
    return out


class _Counted(NamedTuple):
    """Score histograms per (slice, period), summed over the partitions."""
    histogram: np.ndarray  # (n_slices * n_periods) x (scale + 1), slice-major
    skipped: np.ndarray  # per row of the histogram
    n_periods: int
    n_slices: int
    starts: np.ndarray
    labels: list
    slice_keys: pd.DataFrame
    excluded: int
    cut: tuple
    tz: str
    sliced: bool


def _counted(df: Any, score: str, time: str, freq: str, by: Any, kind: Any, tz: str,
             missing: str, start: Any, end: Any, cutoffs: Any, thresholds: dict, mode: str,
             role: str) -> _Counted:
    """Stages 1-3 of `health` (and `segment_trends`): the period grid, the
    histograms counted by Spark or per partition, their sum per slice and
    period on the driver with the slices ordered as one machine orders them."""
    tz = _args.time_zone(tz)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    keys = _args.labels(by, "by")
    if kind is not None:
        kinds = _args.labels(kind, "kind", empty=False)
        keys = kinds + [k for k in keys if k not in kinds]
    _names(df, [score, time] + keys, role)
    _no_clash(keys, ["period", "skipped", "excluded"]
              + [f"score_{b}" for b in range(cut[2] + 1)], role)

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
    unit = _grid_unit(df, time, starts)
    if _native_scores(df, score) and unit:
        merged, excluded = _histograms_by_spark(df, keys, score, time, starts, labels, unit, cut,
                                                missing)
    else:
        merged, excluded = _histograms_by_partitions(df, keys, score, time, tz, starts, labels,
                                                     cut, missing, thresholds, mode, freq)
    hist_cols = [f"score_{b}" for b in range(bins)]
    if keys:
        codes, slice_keys = group_codes(merged, keys)
    else:
        codes, slice_keys = np.zeros(len(merged), np.int64), pd.DataFrame(index=range(1))
    n_slices = len(slice_keys)
    row = np.asarray(codes, np.int64) * n_periods + merged["period"].to_numpy(np.int64)
    histogram = np.zeros((n_slices * n_periods, bins), np.int64)
    np.add.at(histogram, row, merged[hist_cols].to_numpy(np.int64))
    skipped = np.zeros(n_slices * n_periods, np.int64)
    np.add.at(skipped, row, merged["skipped"].to_numpy(np.int64))
    return _Counted(histogram, skipped, n_periods, n_slices, starts, labels, slice_keys, excluded,
                    cut, tz, bool(keys))


def segment_trends(
    df: Any,
    *,
    periods: int = 6,
    score: str = "score",
    time: str = "responded_at",
    freq: Freq = "M",
    by: Any = None,
    kind: Any = None,
    basis: str = "all",
    tz: str = "UTC",
    adjust: Adjust = "holm",
    alpha: float = DEFAULT_ALPHA,
    missing: Missing = "error",
    start: Any = None,
    end: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """`npscore.segment_trends` over a Spark DataFrame: the trend of each
    segment's share over the last `periods` periods, one row per segment
    (and slice), as the single-machine function gives it for
    ``df.toPandas()``. Counted as `health` counts (the same histograms per
    slice and period, never rows), then the core's trends of the summed
    histograms. ``basis="latest"`` is not available over Spark yet."""
    if basis != "all":
        _args.option(basis, "basis", ("all", "latest"))
        raise ValueError("npscore.spark.segment_trends: basis=\"latest\" is not available over "
                         "Spark yet; use basis=\"all\" or npscore.segment_trends")
    periods = _args.whole(periods, "periods", minimum=None,
                          maximum=_args.limit("trend_periods"))
    alpha = _args.number(alpha, "alpha", lower=0, upper=1, lower_open=True, upper_open=True)
    _args.shared(adjust=adjust, freq=freq, missing=missing)
    h = _counted(df, score, time, freq, by, kind, tz, missing, start, end, cutoffs,
                 _thresholds(None), "alert", "segment_trends")
    cols = _npscore.segment_trends_from_histogram(h.histogram, h.n_periods, h.n_slices,
                                                  h.skipped, as_cutoffs(h.cut), missing,
                                                  periods, adjust)
    return _trends_frame(cols, h.slice_keys, h.labels, periods, alpha, h.sliced)


def _histograms_by_partitions(df: Any, keys: list, score: str, time: str, tz: str,
                              starts: np.ndarray, labels: list, cut: tuple, missing: str,
                              thresholds: dict, mode: str, freq: str) -> tuple[pd.DataFrame, int]:
    """Score histograms per (slice, period) counted by the core in each
    partition, from any time and score types `npscore.health` reads (text
    times parsed, naive times read in `tz`), added up by Spark: the slice
    keys, "period", score_0..score_<scale>, "skipped"; and the number of
    rows left out (time outside the grid, or missing and skipped)."""
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
    return merged[~left_out].reset_index(drop=True), excluded



#: Units that period boundaries can fall on (seconds): whole hours, and
#: the half and quarter hours of zones such as Asia/Kolkata or Asia/Kathmandu.
_UNITS = (3600, 1800, 900, 60)
#: The most units the broadcast period table may hold (16 bytes each).
MAX_UNITS = 1 << 22


def _grid_unit(df: Any, time: str, starts: np.ndarray) -> int:
    """The unit (ns) Spark may bucket `time` by so that each bucket lies in
    one period of the grid, or 0 when Spark cannot bucket it: only instants
    (Spark TIMESTAMP) are bucketed by Spark; naive or text times are read by
    the core, which applies `tz` and its DST rules to them."""
    from pyspark.sql.types import TimestampType

    if not isinstance(df.schema[time].dataType, TimestampType):
        return 0
    for seconds in _UNITS:
        unit = seconds * 10**9
        if not (starts % unit).any() and (starts[-1] - starts[0]) // unit <= MAX_UNITS:
            return unit
    return 0


def _histograms_by_spark(df: Any, keys: list, score: str, time: str, starts: np.ndarray,
                         labels: list, unit: int, cut: tuple,
                         missing: str) -> tuple[pd.DataFrame, int]:
    """Score histograms per (slice, period) counted by Spark itself: each
    row's time bucketed by `unit` (period starts are whole units), the
    bucket's period found in a broadcast table made by the core from the grid
    (`assign_periods`), rows counted per (slice, period) and score
    (`_score_histograms`): scale + 4 counts per slice and period are
    shuffled, never rows. Same result as `_histograms_by_partitions`."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    first = int(starts[0]) // unit
    buckets = np.arange(first, int(starts[-1]) // unit, dtype=np.int64)
    periods = _npscore.assign_periods(np.ascontiguousarray(buckets * unit), starts, labels, False)
    table = df.sparkSession.createDataFrame(pa.table({_BUCKET: buckets,
                                                      _PERIOD: periods.astype(np.int64)}))
    micros = F.unix_micros(F.col(time))
    step = F.lit(unit // 1000)
    bucket = ((micros - F.pmod(micros, step)) / step).cast("long").alias(_BUCKET)
    rows = df.select(*dict.fromkeys(keys + [score, time]), bucket).join(
        F.broadcast(table), on=_BUCKET, how="left")
    hist = _score_histograms(rows, keys + [_PERIOD], score, cut, missing,
                             F.count_if(F.col(time).isNull()).alias(_NO_TIME))
    no_time = int(hist[_NO_TIME].sum())
    if no_time and missing == "error":
        raise ValueError(f"column {time!r} has {no_time} missing time(s) (null); ask to skip "
                         "missing values (missing=\"skip\") to leave them out")
    period = hist[_PERIOD].to_numpy(np.float64, na_value=np.nan)
    left_out = np.isnan(period)
    excluded = int(hist.loc[left_out, ROWS].sum())
    merged = hist.loc[~left_out].reset_index(drop=True)
    merged["period"] = period[~left_out].astype(np.int64)
    return merged, excluded


_BUCKET, _PERIOD, _NO_TIME = "__npscore_bucket", "__npscore_period", "__npscore_no_time"


# --- Per customer / account: each one's rows in one partition ----------------------------------


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

        table = _partition(batches)  # a customer's rows may span batches
        if table is None:
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

    part = _by_column(df.select(customer, score, time), customer, partitioned, time=time)
    schema = ", ".join(f"{c} long" for c in cells + totals)
    r = _map_in_arrow(part, count, schema).agg(
        *(F.sum(c).alias(c) for c in cells + totals)).collect()[0]
    counts = np.array([r[c] or 0 for c in cells], np.int64).reshape(n_periods, 3, 3)
    return _migration_table(counts, {t: int(r[t] or 0) for t in totals}, labels, freq)


_OVERALL = "__npscore_overall"


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
    _args.option(how, "how", ("pooled", "average", "latest"))
    tz = _args.time_zone(tz)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    cols = [account, score] + ([contact] if contact is not None else []) + \
        ([time] if how == "latest" else [])
    _names(df, cols, "account_nps")
    _no_clash([account], ["responses", "contacts", "mean_score", "nps", "segment", "small"],
              "account_nps")
    stats = ("responses", "contacts", "mean_score", "nps", "segment", "small")
    overall = ("o_detractors", "o_passives", "o_promoters", "o_skipped")

    def roll_up(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        table = _partition(batches)  # an account's rows may span batches
        if table is None:
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
        arrays.append(pa.array(np.zeros(k, bool)))
        yield pa.RecordBatch.from_arrays(arrays, names=[account, *stats, *overall, _OVERALL])
        # The partition's share of the account-level figure: one row, marked.
        parts = [int(o["detractors"]), int(o["passives"]), int(o["promoters"]),
                 int(o["skipped"])]
        yield pa.RecordBatch.from_arrays(
            [pa.nulls(1, type=key_type), pa.array([0]), pa.array([0]),
             pa.array([np.nan]), pa.array([np.nan]), pa.nulls(1, type=pa.string()),
             pa.array([True])] + [pa.array([v]) for v in parts] + [pa.array([True])],
            names=[account, *stats, *overall, _OVERALL])

    import pyarrow as pa
    from pyspark.sql.types import (BooleanType, DoubleType, LongType, StringType, StructField,
                                   StructType)

    schema = StructType(
        [StructField(account, df.schema[account].dataType, True),
         StructField("responses", LongType()), StructField("contacts", LongType()),
         StructField("mean_score", DoubleType()), StructField("nps", DoubleType()),
         StructField("segment", StringType()), StructField("small", BooleanType())]
        + [StructField(c, LongType()) for c in overall]
        + [StructField(_OVERALL, BooleanType(), False)])
    part = _by_column(df.select(*cols), account, partitioned,
                      time=time if how == "latest" else None)
    table = _map_in_arrow(part, roll_up, schema).toArrow()
    # Split in Arrow, so that the accounts' column has no null and keeps its
    # type in pandas (int64 ids above 2^53 would otherwise become floats).
    marked = table.column(_OVERALL).to_numpy(zero_copy_only=False)
    sums = np.asarray([table.column(c).to_numpy(zero_copy_only=False)[marked].sum()
                       for c in overall], np.int64)
    rows = table.filter(pa.array(~marked)).drop_columns([_OVERALL]).to_pandas()
    if len(rows) == 0 and not sums.any():  # no row at all: one machine's empty table
        return _account_nps(_empty_local(df, cols), account=account, contact=contact, how=how,
                            min_n=min_n, score=score, time=time, tz=tz, missing=missing,
                            method=method, confidence=confidence, cutoffs=cut)
    codes, keys = pd.factorize(rows[account], sort=True)
    rows = rows.iloc[np.argsort(codes, kind="stable")].reset_index(drop=True)
    out = pd.DataFrame({account: keys})
    for name in ("responses", "contacts", "mean_score", "nps"):
        if name == "contacts" and contact is None:
            continue
        out[name] = rows[name].to_numpy()
    out["segment"] = [s if isinstance(s, str) else None for s in rows["segment"]]
    out["small"] = rows["small"].to_numpy(bool)
    if sums[:3].any():
        overall_dict = _npscore.summarize_counts(
            _npscore.Counts(int(sums[0]), int(sums[1]), int(sums[2]), int(sums[3])), method,
            float(confidence)).to_dict()
    else:  # every score missing (and skipped): the core's figure for no score
        overall_dict = _account_nps(_empty_local(df, cols), account=account, contact=contact,
                                    how=how, score=score, time=time, tz=tz, method=method,
                                    confidence=confidence, cutoffs=cut).attrs["overall"]
        overall_dict["skipped"] = int(sums[3])
    out.attrs.update(overall=overall_dict, how=how, min_n=float(min_n))
    return out

