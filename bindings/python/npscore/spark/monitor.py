"""The live monitor's state over a Spark DataFrame (npscore.monitor): one
Monitor per partition of customers, merged on the driver."""

from __future__ import annotations

import pickle
from typing import Any, Iterator

import numpy as np

from .. import _args
from .._convert import column, utc_nanos
from ..monitor import Monitor
from ._common import _by_column, _chunks, _frame, _map_in_arrow, _names


def monitor(
    df: Any,
    *,
    customer: str = "customer_id",
    score: str = "score",
    time: str = "responded_at",
    slice: Any = None,
    clv: Any = None,
    churn_risk: Any = None,
    owner: Any = None,
    now: Any = None,
    partitioned: bool = False,
    **options: Any,
) -> Monitor:
    """The npscore.Monitor of every row of a Spark DataFrame: its state, as
    one Monitor fed all rows in time order (``Monitor(**options)`` then
    ``ingest_batch``) and advanced to `now` holds it, byte for byte
    (``to_bytes``), so its ``snapshot()``, open cases and
    ``closed_health()`` are those of one machine. Keep feeding it live
    responses on the driver.

    `options` are the Monitor constructor's (``slices``, ``owners``,
    ``sla_hours``, ``health``, ``health_frequency``, ``time_zone``, ...);
    `customer`, `score`, `time`, `slice`, `clv`, `churn_risk` and `owner`
    name columns of df, as in ``Monitor.ingest_batch``. `now` (optional)
    advances the merged monitor's clock, as ``Monitor.advance``; without it
    the clock is the latest response's time.

    Stages: (1) the options are checked on the driver (a Monitor is built);
    (2) df is repartitioned by `customer` (a shuffle of the columns read),
    unless ``partitioned=True`` says each customer's rows already share a
    partition: Monitor.merge needs shards of disjoint customers; (3) each
    partition, sorted by time (Spark's sort within partitions for a
    TIMESTAMP column; text times are parsed and sorted in Python, the
    partition at once), feeds its rows in that order to a Monitor and sends
    it pickled: its ``to_bytes()`` state (counts, rolling windows, health
    histograms per slice and period, open cases: its size does not grow
    with the rows) and the text ids of customers with cases; (4) the driver
    merges the states in partition order (any order gives the same state)
    and advances the clock.

    Exact when the merge guarantees it (docs/monitor.md): disjoint
    customers (the repartition), and every response within the lateness
    bound of the others once merged in time order (true of rows that one
    monitor, fed them in time order, accepts). Round-robin owners follow
    arrival order across all customers, so `owners` needs an `owner` column
    (a given owner per response); without it this raises. Alerts raised
    while the partitions ingest are not returned (``nps_shift`` alerts are
    judged per shard): read the state (``snapshot``, ``closed_health``).

    Size: the state holds counts per slice, the rolling windows' steps and
    the health histograms (88 bytes per slice and period), which do not grow
    with the rows, and the open cases (about 50 bytes each), which do: no
    contact or closing is recorded here, so every case the history opens
    stays open. For a long history pass ``open_detractors=False`` (counts,
    windows and health only), or feed the cases' recent responses only.
    """
    df = _frame(df)
    partitioned = _args.flag(partitioned, "partitioned")
    roles = dict(customer=customer, score=score, time=time, slice=slice, clv=clv,
                 churn_risk=churn_risk, owner=owner)
    for role, name in roles.items():
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{role} must name a column of df over Spark, got "
                            f"{type(name).__name__}")
    read = [name for name in roles.values() if name is not None]
    _names(df, read, "monitor")
    read = list(dict.fromkeys(read))
    blank = Monitor(**options)  # every option checked on the driver
    if options.get("owners") is not None and owner is None:
        raise ValueError("npscore.spark.monitor: owners without an `owner` column would be "
                         "assigned round-robin in each partition's own arrival order, not as "
                         "one monitor assigns them; give each response its owner (owner=...) "
                         "or feed one npscore.Monitor")
    if now is not None:
        blank._time(now, "now")
    tz = blank._options["time_zone"]
    columns = {role: name for role, name in roles.items() if name is not None}

    from pyspark.sql.types import TimestampType

    # A TIMESTAMP column is sorted by Spark (spilling if need be); text
    # times are parsed and sorted in Python, the partition at once.
    presorted = isinstance(df.schema[time].dataType, TimestampType)

    def feed(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        m = Monitor(**options)
        fed = 0
        held = None if presorted else list(batches)
        for chunk in _chunks(batches) if held is None else \
                [pa.Table.from_batches(held)] if held else []:
            if chunk.num_rows == 0:
                continue
            pdf = chunk.to_pandas()
            if not presorted:
                t = utc_nanos(column(pdf, time, "time"), f"column {time!r}", tz)
                pdf = pdf.iloc[np.argsort(t, kind="stable")].reset_index(drop=True)
            m.ingest_batch(pdf, **columns)
            fed += chunk.num_rows
        if fed:
            yield pa.RecordBatch.from_arrays([pa.array([pickle.dumps(m)], pa.binary())],
                                             names=["state"])

    part = _by_column(df.select(*read), customer, partitioned)
    if presorted:
        part = part.sortWithinPartitions(time)
    states = _map_in_arrow(part, feed, "state binary").toArrow().column("state").to_pylist()
    if not states:
        merged = blank
    else:
        merged = pickle.loads(states[0])
        for state in states[1:]:
            merged.merge(pickle.loads(state))
    if now is not None:
        merged.advance(now)
    return merged

