"""The contact queues over a Spark DataFrame (npscore.priority): `prioritize`
as a top-k per partition followed by the global top-k on the driver."""

from __future__ import annotations

import json
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from .. import _args
from ..nps import DEFAULT_CUTOFFS
from ..priority import DEFAULT_SLA_HOURS, DEFAULT_URGENCY_HOURS, _timestamp
from ..priority import prioritize as _prioritize
from ._common import _chunks, _frame, _map_in_arrow, _names
from .churn import _empty

# The queue's attrs that count rows: they add up over the partitions.
_PER_PLAY = ("queued", "contacted", "closed", "missed")

#: Rows ranked at a time in a partition (None: CHUNK_ROWS); read on the
#: driver when the job is made, so that a test can make partitions of many
#: chunks.
_CHUNK_ROWS = None
_TOTALS = ("n_rows", "detractors_due", "detractors_within_sla")


def _column_names(columns: dict) -> list:
    """The column arguments, each None or a column name (over Spark values
    come from df's columns only: no arrays or Series)."""
    used = []
    for role, name in columns.items():
        if name is None:
            continue
        if not isinstance(name, str):
            raise TypeError(f"{role} must name a column of df over Spark, got "
                            f"{type(name).__name__}: arrays and Series are for "
                            "npscore.prioritize")
        used.append(name)
    return used


def prioritize(
    df: Any,
    *,
    churn_risk: str,
    clv: str,
    segment: Any = None,
    responded_at: Any = None,
    contacted_at: Any = None,
    closed: Any = None,
    now: Any = None,
    sla_hours: Any = DEFAULT_SLA_HOURS["recover"],
    window_hours: float | None = None,
    urgency_hours: float = DEFAULT_URGENCY_HOURS,
    recovery: Any = None,
    owners: Any = None,
    top: int | None = None,
    keep: Sequence[str] = (),
    cutoffs: Any = DEFAULT_CUTOFFS,
    threads: int = 1,
) -> pd.DataFrame:
    """`npscore.prioritize(..., top=k)` over a Spark DataFrame: the same
    queues, rows, order, owners and attrs as the single-machine function
    gives for ``df.toPandas()``. Parameters as there, with column names only;
    `top` is required (``top=None`` would bring every live case to the
    driver: use npscore.prioritize on data that fits one machine).

    Stages: (1) the driver fixes `now` (default: the current time, taken
    once) and checks every option on an empty frame of df's columns;
    (2) each partition runs the core on chunks of its rows, keeps the best
    `top` cases per play of each chunk together with those kept so far, and
    sends those rows (the columns read, plus the partition and row
    position: at most 4 x top rows per partition) and one line of counts
    (rows, queued, contacted, closed, missed by play, detractors due and
    within the SLA, revenue at risk); (3) the driver collects them and runs
    npscore.prioritize on the candidates in df's row order, then sums the
    counts into the attrs. Nothing is shuffled.

    Exact: a case's priority, revenue at risk and deadline depend only on its
    own row, `now` and the options, and ties break by row order, so the
    queues are one total order per play. A case among the best `top` of its
    play overall has fewer than `top` cases of its play above it, so also
    within its chunk and among its partition's candidates: they hold every
    case of the global top-k, which the core then picks in the same order.
    `owners` are assigned by the core after the cut, walking the cut queues,
    so they need nothing more than those queues. The result is indexed by
    each row's position in df (partition by partition, as ``df.toPandas()``
    numbers the rows of a deterministic plan: a cached frame or one read
    from files); ties break by that position. `threads` are the core's threads per task (default 1:
    Spark runs a task per core).
    """
    if top is None:
        raise ValueError("npscore.spark.prioritize needs top=k (the length of each play's "
                         "queue): top=None would bring every live case to the driver; use "
                         "npscore.prioritize when the data fits one machine")
    df = _frame(df)
    columns = dict(churn_risk=churn_risk, clv=clv, segment=segment, responded_at=responded_at,
                   contacted_at=contacted_at, closed=closed)
    used = _column_names(columns)
    keep = _args.labels(keep, "keep")
    _names(df, used + keep, "prioritize")
    read = list(dict.fromkeys(used + keep))
    t_now = _timestamp(now, "now")
    options = dict(columns, now=t_now, sla_hours=sla_hours, window_hours=window_hours,
                   urgency_hours=urgency_hours, recovery=recovery, top=top, cutoffs=cutoffs,
                   threads=threads)
    # Every option checked on the driver, before any Spark job.
    _prioritize(_empty(df)[read], owners=owners, keep=keep, **options)
    ranking = dict(options, owners=None, keep=())
    chunk_rows = _CHUNK_ROWS or 0

    def candidates(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa
        from pyspark import TaskContext

        task = TaskContext.get()
        assert task is not None  # inside a Spark task
        part = task.partitionId()
        offset = 0
        sums: dict = {}
        held = None  # the partition's candidates so far, in row order, and their positions
        for table in _chunks(batches, chunk_rows):
            q = _prioritize(table.to_pandas(), **ranking)
            rows = np.sort(q.index.to_numpy(np.int64))  # positions in the chunk
            chosen = table.select(read).take(pa.array(rows))
            chosen = chosen.append_column("_row", pa.array(offset + rows))
            if held is not None:
                # The best of the earlier chunks' candidates and these: at most
                # 4 x top rows per partition, whatever its size.
                both = pa.concat_tables([held, chosen])
                keep_rows = np.sort(_prioritize(both.to_pandas(), **ranking).index.to_numpy(
                    np.int64))
                chosen = both.take(pa.array(keep_rows))
            held = chosen
            offset += table.num_rows
            for key in _PER_PLAY:
                sums[key] = {p: sums.get(key, {}).get(p, 0) + v for p, v in q.attrs[key].items()}
            for key in _TOTALS + ("total_revenue_at_risk",):
                sums[key] = sums.get(key, 0) + q.attrs[key]
        if held is None:
            return
        n = held.num_rows
        yield pa.RecordBatch.from_arrays(
            [held.column(c).combine_chunks() for c in read]
            + [pa.array(np.full(n, part, np.int32)), held.column("_row").combine_chunks(),
               pa.nulls(n, pa.string())],
            names=read + ["_part", "_row", "_counts"])
        yield pa.RecordBatch.from_arrays(
            [pa.nulls(1, held.schema.field(c).type) for c in read]
            + [pa.array([part], pa.int32()), pa.array([-1], pa.int64()),
               pa.array([json.dumps(sums)])],
            names=read + ["_part", "_row", "_counts"])

    from pyspark.sql.types import IntegerType, LongType, StringType, StructField, StructType

    schema = StructType([StructField(c, df.schema[c].dataType, True) for c in read]
                        + [StructField("_part", IntegerType(), False),
                           StructField("_row", LongType(), False),
                           StructField("_counts", StringType(), True)])
    import pyarrow.compute as pc

    got = _map_in_arrow(df.select(*read), candidates, schema).toArrow()
    lines = got.filter(pc.less(got["_row"], 0)).select(["_part", "_counts"]).to_pandas()
    # The candidates apart, so that their columns convert as df's own do
    # (the count lines' nulls would make a bool column object).
    cands = got.filter(pc.greater_equal(got["_row"], 0)).to_pandas()
    # Partition offsets: rows of the partitions before each one.
    parts = lines["_part"].to_numpy(np.int64)
    counts = [json.loads(text) for text in lines["_counts"]]
    sizes = np.zeros(int(parts.max()) + 2 if len(parts) else 1, np.int64)
    sizes[parts + 1] = [c["n_rows"] for c in counts]
    offsets = np.cumsum(sizes)
    position = offsets[cands["_part"].to_numpy(np.int64)] + cands["_row"].to_numpy(np.int64)
    order = np.argsort(position, kind="stable")
    cands = cands.iloc[order].drop(columns=["_part", "_row", "_counts"])
    cands.index = pd.Index(position[order])
    out = _prioritize(cands, owners=owners, keep=keep, **options)

    # The counts are over every row, not the candidates: the partitions' sums.
    attrs: dict = {key: {p: 0 for p in out.attrs[key]} for key in _PER_PLAY}
    attrs.update({key: 0 for key in _TOTALS}, total_revenue_at_risk=0.0)
    for c in counts:
        for key in _PER_PLAY:
            for p, v in c[key].items():
                attrs[key][p] += v
        for key in _TOTALS + ("total_revenue_at_risk",):
            attrs[key] += c[key]
    due, within = attrs["detractors_due"], attrs["detractors_within_sla"]
    attrs["share_within_sla"] = within / due if due and contacted_at is not None \
        else float("nan")
    out.attrs.update(attrs)
    return out

