"""Customer lifetime value over Spark DataFrames (npscore.clv): `rfm_summary`
per customer on the executors, `fit_clv_models` on the driver from the
summary's histograms, `customer_lifetime_value` back on the executors."""

from __future__ import annotations

from typing import Any, Iterator, Optional

import numpy as np
import pandas as pd

from .. import _args, _npscore
from ..clv import DEFAULT_DISCOUNT_RATE, DEFAULT_MAX_ITERATIONS, DEFAULT_MONTHS
from ..clv import DEFAULT_PENALIZER, DEFAULT_TOLERANCE, BetaGeo, GammaGamma
from ..clv import _UNIT_ATTR, _fit_args, _time_unit, _timestamp_nanos, _unit_letter
from ..clv import customer_lifetime_value as _customer_lifetime_value
from ..clv import rfm_summary as _rfm_summary
from .._types import NonPositiveSpend, RfmFreq
from ._common import _by_column, _collect, _frame, _map_in_arrow, _names, _partition

#: Key of the Spark column metadata in which `rfm_summary` records the unit
#: of its columns (the single-machine table's ``attrs["freq"]``).
UNIT_METADATA = "npscore.freq"

_RFM = ("frequency", "recency", "T")


def rfm_summary(
    transactions: Any,
    *,
    customer: str,
    date: str,
    amount: Optional[str] = None,
    observation_end: Any,
    freq: RfmFreq = "W",
    partitioned: bool = False,
) -> Any:
    """`npscore.rfm_summary` over a Spark DataFrame: a Spark DataFrame with
    one row per customer, the customer column first, then ``frequency``,
    ``recency``, ``T`` (and ``monetary_value`` with `amount`), as doubles
    with the values the single-machine function gives for
    ``transactions.toPandas()`` (its rows are the single-machine table's,
    the index made a column, in no particular order).

    A customer's transactions must meet in one partition: the frame is
    repartitioned by `customer` (a shuffle of the customer, date and amount
    columns) unless ``partitioned=True`` says so already. Each partition
    then summarizes its customers with the core (`npscore.rfm_summary`);
    nothing comes back to the driver: the summary stays distributed (it has
    a row per customer). `date` is read as `npscore.rfm_summary` reads it
    from Arrow: a Spark TIMESTAMP as its wall-clock time in the session time
    zone (``spark.sql.session.timeZone``), as ``toPandas()`` shows it. The
    unit is recorded in each summary column's metadata
    (``"npscore.freq"``), which :func:`customer_lifetime_value` reads as the
    single-machine function reads ``attrs["freq"]``. The job runs when the
    result is used (Spark's lazy evaluation), again at each use: persist the
    summary (``.cache()``) before fitting on it and valuing it, or the
    transactions are shuffled and summarized three times (the fit reads it
    twice). An error in a partition (a transaction after `observation_end`,
    a missing customer) fails it with the core's message, naming the row
    within that partition.
    """
    _args.option(freq, "freq")
    _npscore.clv_periods_per_month(freq)  # the core parses the unit and words the error
    _timestamp_nanos(observation_end, "observation_end")
    _args.flag(partitioned, "partitioned")
    transactions = _frame(transactions, "transactions")
    cols = [customer, date] + ([amount] if amount is not None else [])
    _names(transactions, cols, "rfm_summary")
    if customer == date or customer == amount or date == amount:
        raise ValueError(f"rfm_summary: customer, date and amount name one column twice "
                         f"({customer!r}, {date!r}, {amount!r})")
    stats = list(_RFM) + (["monetary_value"] if amount is not None else [])
    key_type = transactions.schema[customer].dataType

    def summarize(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        table = _partition(batches)  # a customer's rows may span batches
        if table is None:
            return
        arrow_key = table.schema.field(customer).type
        out = _rfm_summary(table.to_pandas(), customer=customer, date=date, amount=amount,
                           observation_end=observation_end, freq=freq)
        arrays = [pa.array(out.index.to_numpy(dtype=object), type=arrow_key, from_pandas=True)]
        arrays += [pa.array(out[c].to_numpy(np.float64)) for c in stats]
        yield pa.RecordBatch.from_arrays(arrays, names=[customer] + stats)

    from pyspark.sql.types import DoubleType, StructField, StructType

    unit = {UNIT_METADATA: _unit_letter(freq)}
    schema = StructType([StructField(customer, key_type, True)]
                        + [StructField(c, DoubleType(), False, metadata=unit) for c in stats])
    part = _by_column(transactions.select(*dict.fromkeys(cols)), customer, partitioned)
    return _map_in_arrow(part, summarize, schema)


def fit_clv_models(
    summary: Any,
    *,
    penalizer: float = DEFAULT_PENALIZER,
    gg_penalizer: Optional[float] = None,
    nonpositive_spend: NonPositiveSpend = "error",
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    tolerance: float = DEFAULT_TOLERANCE,
    frequency: str = "frequency",
    recency: str = "recency",
    T: str = "T",
    monetary_value: Optional[str] = "monetary_value",
) -> tuple[BetaGeo, Optional[GammaGamma]]:
    """Fits the BG/NBD and Gamma-Gamma models on a Spark RFM summary (one row
    per customer, e.g. from :func:`rfm_summary`) and returns them as the
    ordinary ``(npscore.BetaGeo, npscore.GammaGamma)``, fitted on the driver.

    Spark counts the customers per distinct ``(frequency, recency, T)`` and,
    among repeat customers (``frequency > 0``), per distinct ``(frequency,
    monetary_value)`` (two ``groupBy().count()`` jobs: one row per distinct
    history comes to the driver, never a customer); the driver sorts those
    histograms and fits each model on them with the counts as ``weights``
    (``BetaGeo().fit(f, r, T, weights=counts)``): the same likelihood as the
    per-customer fit, summed per distinct history. Equal histograms give
    equal fits; against ``fit`` on every customer's row the estimates agree
    to the optimizer's tolerance (the sums run in another order).

    Sizes: the BG/NBD histogram is bounded by the unit grid (at most
    (T_max + 1)^3 / 6 rows: ~650,000 for three years of weeks, however many
    customers), but spends are continuous, so the Gamma-Gamma histogram has
    about one row per repeat customer (1.4 million of 1.8 million in a
    benchmark of 2.5 million customers): it must fit in the driver's memory
    (24 bytes a row as it arrives).

    `penalizer` is the BG/NBD penalizer, and the Gamma-Gamma one unless
    `gg_penalizer` is given; `nonpositive_spend`, `max_iterations` and
    `tolerance` as in ``fit``. Repeat customers with ``monetary_value <= 0``
    are an error naming their number, or with
    ``nonpositive_spend="exclude"`` left out and counted (in customers) in
    ``n_excluded_``. ``monetary_value=None`` fits the BG/NBD model only and
    returns ``(BetaGeo, None)``. The other arguments name the summary's
    columns.
    """
    pens = [_args.number(p, name, finite=True, lower=0)
            for p, name in ((penalizer, "penalizer"),
                            (penalizer if gg_penalizer is None else gg_penalizer,
                             "gg_penalizer"))]
    _, max_iterations, tolerance = _fit_args(0.0, max_iterations, tolerance)
    _args.number(tolerance, "tolerance", finite=True, lower=0, lower_open=True)
    _args.option(nonpositive_spend, "nonpositive_spend", ("error", "exclude"))
    summary = _frame(summary, "summary")
    cols = [frequency, recency, T] + ([monetary_value] if monetary_value is not None else [])
    _names(summary, cols, "fit_clv_models")

    from pyspark.sql import functions as F

    hist = _histogram(summary.groupBy(frequency, recency, T).count(), [frequency, recency, T])
    bg = BetaGeo(penalizer=pens[0]).fit(
        hist[frequency], hist[recency], hist[T], weights=hist["count"],
        max_iterations=max_iterations, tolerance=tolerance)
    if monetary_value is None:
        return bg, None
    spend = _histogram(summary.where(F.col(frequency) > 0).groupBy(frequency, monetary_value)
                       .count(), [frequency, monetary_value])
    return bg, _fit_spend(spend, frequency, monetary_value, pens[1], nonpositive_spend,
                          max_iterations, tolerance)


def _histogram(counts: Any, keys: list) -> dict:
    """A `groupBy(keys).count()` on the driver, in ascending key order (so
    the fit sums in one order whatever order Spark returns the groups in), as
    contiguous float64 key columns and int64 counts."""
    h = _collect(counts)
    keys_f = {k: h[k].to_numpy(np.float64, na_value=np.nan) for k in keys}
    order = np.lexsort([keys_f[k] for k in reversed(keys)])
    out = {k: np.ascontiguousarray(v[order]) for k, v in keys_f.items()}
    out["count"] = np.ascontiguousarray(h["count"].to_numpy(np.int64)[order])
    return out


def _fit_spend(h: dict, frequency: str, monetary_value: str, penalizer: float,
               nonpositive_spend: str, max_iterations: int, tolerance: float) -> GammaGamma:
    """The Gamma-Gamma fit on the repeat customers' (frequency, spend)
    histogram. Non-positive spends are counted here in customers (the core
    counts the rows it is given, here distinct histories) and left out."""
    m = h[monetary_value]
    bad = m <= 0
    excluded = int(h["count"][bad].sum())
    if excluded and nonpositive_spend == "error":
        first = float(m[bad][0])
        raise ValueError(
            f"{monetary_value} is <= 0 for {excluded} repeat "
            f"customer{'s' if excluded > 1 else ''} (frequency > 0), e.g. {first:g}: the "
            "Gamma-Gamma model needs spend > 0; set nonpositive_spend=\"exclude\" to leave "
            f"{'them' if excluded > 1 else 'it'} out of the fit and count "
            f"{'them' if excluded > 1 else 'it'}, or fix the data")
    keep = ~bad
    gg = GammaGamma(penalizer=penalizer).fit(
        h[frequency][keep], m[keep], weights=h["count"][keep], max_iterations=max_iterations,
        tolerance=tolerance)
    gg.n_excluded_ = excluded
    gg.fit_info_ = {**gg.fit_info_, "excluded": excluded}
    return gg


def customer_lifetime_value(
    bg: BetaGeo,
    gg: GammaGamma,
    summary: Any,
    *,
    time: int = DEFAULT_MONTHS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    freq: Optional[RfmFreq] = None,
    frequency: str = "frequency",
    recency: str = "recency",
    T: str = "T",
    monetary_value: str = "monetary_value",
    name: str = "clv",
) -> Any:
    """`npscore.customer_lifetime_value` over a Spark RFM summary: the
    summary (every column, every row) with a ``clv`` column added (`name`),
    each value the single-machine function's for that customer's row.

    The models' fitted parameters (7 numbers) go to the executors inside the
    task; each partition computes its customers' values with the core on
    Arrow batches (no shuffle, nothing collected: the result stays
    distributed). ``freq`` is the unit of recency and T as in the
    single-machine function: the unit :func:`rfm_summary` recorded in the
    columns' metadata (``"npscore.freq"``) when left out, an error when an
    explicit one differs, ``"W"`` without either. The other arguments name
    the summary's columns.
    """
    if not isinstance(bg, BetaGeo):
        raise TypeError(f"bg must be a fitted BetaGeo, got {type(bg).__name__}")
    if not isinstance(gg, GammaGamma):
        raise TypeError(f"gg must be a fitted GammaGamma, got {type(gg).__name__}")
    bg_params, gg_params = bg._params(), gg._params()
    time = _args.whole(time, "time", minimum=1, maximum=_args.limit("months"),
                       hint=" (months)")
    discount_rate = _args.number(discount_rate, "discount_rate")
    summary = _frame(summary, "summary")
    cols = [frequency, recency, T, monetary_value]
    _names(summary, cols, "customer_lifetime_value")
    if name in summary.columns:
        raise ValueError(f"customer_lifetime_value: the summary already has a column {name!r}; "
                         "pass name= to add the values under another name")
    unit = _summary_unit(summary, cols, freq)
    # The core checks the discount rate; check it here, before any Spark job.
    _customer_lifetime_value(bg, gg, 0.0, 0.0, 1.0, 1.0, time=time,
                             discount_rate=discount_rate, freq=unit)

    def value(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        b_model, g_model = BetaGeo(), GammaGamma()
        b_model.params_ = dict(zip(BetaGeo._names, bg_params))
        g_model.params_ = dict(zip(GammaGamma._names, gg_params))
        for batch in batches:
            x = [batch.column(c).to_numpy(zero_copy_only=False) for c in cols]
            clv = _customer_lifetime_value(b_model, g_model, *x, time=time,
                                           discount_rate=discount_rate, freq=unit)
            yield pa.RecordBatch.from_arrays(
                batch.columns + [pa.array(np.asarray(clv, np.float64), pa.float64())],
                names=batch.schema.names + [name])

    from pyspark.sql.types import DoubleType, StructField, StructType

    schema = StructType(list(summary.schema.fields) + [StructField(name, DoubleType(), False)])
    return _map_in_arrow(summary, value, schema)


def _summary_unit(summary: Any, cols: list, freq: Optional[str]) -> str:
    """The unit of recency and T by the single-machine rule, the recorded
    units read from the columns' Spark metadata."""
    named = {}
    for c in cols:
        recorded = summary.schema[c].metadata.get(UNIT_METADATA)
        s = pd.Series([], dtype=np.float64)
        if recorded is not None:
            s.attrs[_UNIT_ATTR] = recorded
        named[c] = s
    try:
        return _time_unit(freq, named)
    except ValueError as e:
        raise ValueError(str(e).replace('attrs["freq"]', f'column metadata "{UNIT_METADATA}"')
                         ) from None
