"""Closing the loop: how fast cases are answered, and what answering achieved.

The input is a case log, one row per case: ``opened_at``, ``first_contact_at``
(NaT: never contacted), ``closed_at`` (NaT: still open), optional group keys
(owner, segment, period) and an outcome (recovered, churned, or the next
score).

`loop_metrics` gives time to first contact (median and p90), SLA compliance
with Wilson intervals, and the backlog and its age, by group, as of a time.
`learn_recovery_curve` learns the recovery probability against hours to first
contact, non-increasing, with pointwise intervals; the table it returns plugs
into ``prioritize(..., recovery=curve)`` in place of the default anchors, and
`compare_recovery` sets it side by side with them. Everything is computed by
the C++ core (npscore/loop.h); docs/loop.md has the rules and the measured
coverage.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import column, instant, read_table, utc_nanos
from .nps import DEFAULT_CUTOFFS
from .priority import DEFAULT_RECOVERY, recoverability, segment_codes

__all__ = [
    "DEFAULT_EDGES", "DEFAULT_MIN_BIN_CASES", "DEFAULT_SLA_HOURS", "loop_metrics",
    "learn_recovery_curve", "compare_recovery",
]

#: The default inner bin edges of `learn_recovery_curve`, in hours: bins
#: [0, 1), [1, 2), [2, 4), ..., [120, 168), [168, inf).
DEFAULT_EDGES: tuple[float, ...] = tuple(_npscore.loop_default_edges())
#: A bin with fewer cases is merged into the next (the core's default, 30).
DEFAULT_MIN_BIN_CASES: int = _npscore.defaults["min_bin_cases"]
#: The SLA of a first contact, hours after opening (the core's default, 24).
DEFAULT_SLA_HOURS: float = _npscore.defaults["loop_sla_hours"]

_METRIC_COLUMNS = (
    "cases", "contacted", "never_contacted", "backlog", "median_hours_to_contact",
    "p90_hours_to_contact", "sla_due", "sla_met", "sla_share", "sla_ci_low", "sla_ci_high",
    "backlog_median_age_hours", "backlog_max_age_hours",
)
_CURVE_COLUMNS = ("hours", "probability", "ci_low", "ci_high", "default", "lower_hours",
                  "upper_hours", "cases", "recovered", "rate", "block")


# --- Inputs ----------------------------------------------------------------------


def _values(df: pd.DataFrame, arg: Any, role: str) -> Any:
    """df[arg] for a column name, else `arg` itself (one value per case)."""
    if isinstance(arg, str):
        return column(df, arg, role)
    arg = _args.materialize(arg, role)
    if isinstance(arg, pd.Series):
        if not arg.index.equals(df.index):
            raise ValueError(f"{role} is a Series whose index differs from the case log's: "
                             "align it first (npscore pairs pandas objects by index, never by "
                             "position)")
        return arg
    if not hasattr(arg, "__len__") or isinstance(arg, (bytes, dict)):
        raise TypeError(f"{role} must be a column name or one value per case, got "
                        f"{_args.shown(arg)}")
    if len(arg) != len(df):
        raise ValueError(f"{role} has {len(arg)} rows but the case log has {len(df)}")
    return arg


def _times(df: pd.DataFrame, arg: Any, role: str) -> Optional[np.ndarray]:
    """int64 ns UTC of a time column (naive times are UTC; NaT stays
    INT64_MIN for the core to name), or None for no column."""
    if arg is None:
        return None
    values = _values(df, arg, role)
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    return utc_nanos(s, role, "UTC")


def _zero_one(values: Any, name: str) -> np.ndarray:
    """A yes/no column as float64 (1, 0, NaN for missing): booleans,
    nullable booleans and numbers (the core checks they are 0 or 1); text or
    other objects are errors naming the row."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan))
    out = np.empty(len(s), dtype=np.float64)
    for row, v in enumerate(s.to_numpy(dtype=object)):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out[row] = np.nan
        elif isinstance(v, (bool, np.bool_)) or _args.is_number(v):
            out[row] = float(v)
        else:
            raise TypeError(f"{name} at row {row} is {_args.shown(v)} "
                            f"({type(v).__name__}): give True/False or 1/0")
    return out


def _outcome(df: pd.DataFrame, recovered: Any, churned: Any, next_score: Any,
             cutoffs: Any) -> np.ndarray:
    """The outcome as recovered 1 / 0 / NaN from exactly one of the three
    kinds: recovered as given; churned inverted; next score: recovered when
    the next answer is no longer a detractor's (above cutoffs' detractor_max)."""
    given = [(k, v) for k, v in (("recovered", recovered), ("churned", churned),
                                 ("next_score", next_score)) if v is not None]
    if len(given) != 1:
        raise TypeError("give exactly one outcome: recovered=, churned= or next_score= (a column "
                        f"name or one value per case), got {[k for k, _ in given] or 'none'}")
    kind, arg = given[0]
    values = _values(df, arg, kind)
    if kind == "next_score":
        codes = segment_codes(values, cutoffs=cutoffs, name="next_score")
        out = (codes >= 0).astype(np.float64)
        out[codes == _npscore.defaults["no_segment"]] = np.nan
        return out
    y = _zero_one(values, kind)
    if kind == "churned":
        bad = ~np.isnan(y) & (y != 0) & (y != 1)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(f"churned at row {row} is {float(y[row]):g}: an outcome is 1 "
                             "(churned) or 0")
        y = 1 - y
    return y


def _group_keys(df: pd.DataFrame, by: Any) -> tuple[Optional[np.ndarray], pd.DataFrame]:
    """Group codes (int32, 0..groups-1 in key order) and the key table, from
    column names and / or Series aligned on the index; None without `by`."""
    if by is None:
        return None, pd.DataFrame(index=range(1))
    items = list(by) if isinstance(by, (list, tuple)) else [by]
    if not items:
        raise ValueError("by must name at least one column (or be None)")
    keys = []
    for i, b in enumerate(items):
        if isinstance(b, pd.Series):
            s = _values(df, b, "by")
            keys.append(s.rename(b.name if b.name is not None else f"key_{i}"))
        else:
            keys.append(column(df, b, "by"))
    frame = pd.concat(keys, axis=1)
    if frame.columns.duplicated().any():
        raise ValueError(f"by names a column twice: {list(map(str, frame.columns))}")
    grouped = frame.groupby(list(frame.columns), sort=True, observed=True, dropna=False)
    codes = np.ascontiguousarray(grouped.ngroup().to_numpy(dtype=np.int32))
    table = grouped.size().index.to_frame(index=False)
    return codes, table


def _sla(df: pd.DataFrame, sla_hours: Any) -> tuple[float, Optional[np.ndarray]]:
    """The default SLA and the per-case SLAs (a column name or values)."""
    if _args.is_number(sla_hours):
        return float(sla_hours), None
    values = _values(df, sla_hours, "sla_hours")
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        raise TypeError(f"sla_hours must be a number of hours, or a column of them, got "
                        f"dtype {s.dtype}")
    return DEFAULT_SLA_HOURS, np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan))


# --- Loop metrics ------------------------------------------------------------------


def loop_metrics(
    cases: Any,
    *,
    opened_at: Any = "opened_at",
    first_contact_at: Any = "first_contact_at",
    closed_at: Any = "closed_at",
    by: Any = None,
    sla_hours: Any = DEFAULT_SLA_HOURS,
    as_of: Any = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Response-time metrics of a case log as of a time, by group.

    Parameters
    ----------
    cases : DataFrame (pandas, polars, pyarrow)
        One row per case.
    opened_at, first_contact_at, closed_at : column name or values
        When each case was opened (never NaT), first contacted (NaT: never;
        not before the opening) and closed (NaT: open; not before the
        opening). ``first_contact_at`` and ``closed_at`` may be None (no
        contact, none closed). Naive times are UTC.
    by : column name, Series, or a list of them, optional
        Group keys (owner, segment, ``cases.opened_at.dt.to_period("M")``
        for periods); a Series is aligned on the index.
    sla_hours : float or column name / values
        The deadline of a first contact, hours after opening (24), or one
        SLA per case (e.g. by segment), each in (0, 1e6].
    as_of : timestamp, optional
        The time of the metrics (default: now, UTC). Cases opened later are
        left out; contacts and closures later count as not yet made.
    confidence : float
        Of the Wilson intervals of SLA compliance.

    Returns
    -------
    DataFrame
        One row per group (the key columns first; one row without ``by``):
        cases, contacted, never_contacted (closed without a contact),
        backlog (open, not contacted), median_hours_to_contact and
        p90_hours_to_contact (over every case: never = inf, open cases
        not yet contacted censored at their age, by Kaplan-Meier; inf when
        the share is never reached), sla_due, sla_met, sla_share,
        sla_ci_low, sla_ci_high, backlog_median_age_hours,
        backlog_max_age_hours. ``attrs``: ``all`` (the same over every case),
        ``as_of``, ``opened_after_as_of``.
    """
    df, _ = read_table(cases, "cases")
    confidence = _args.number(confidence, "confidence")
    opened = _times(df, opened_at, "opened_at")
    if opened is None:
        raise TypeError("opened_at must be a column name or one time per case, not None")
    contact = _times(df, first_contact_at, "first_contact_at")
    closed = _times(df, closed_at, "closed_at")
    codes, keys = _group_keys(df, by)
    default_sla, per_case = _sla(df, sla_hours)
    now = pd.Timestamp.now(tz="UTC") if as_of is None else as_of
    t = instant(now, "as_of", "UTC")
    r = _npscore.loop_metrics(opened, contact, closed, codes, 0 if codes is None else len(keys),
                              per_case, t, default_sla, confidence)
    if codes is None:
        out = pd.DataFrame({c: [r["all"][c]] for c in _METRIC_COLUMNS})
    else:
        out = pd.concat([keys, pd.DataFrame({c: r["groups"][c] for c in _METRIC_COLUMNS})],
                        axis=1)
    out.attrs["all"] = dict(r["all"])
    out.attrs["as_of"] = pd.Timestamp(t, tz="UTC")
    out.attrs["opened_after_as_of"] = int(r["opened_after_as_of"])
    return out


# --- The learned recovery curve ------------------------------------------------------


def learn_recovery_curve(
    cases: Any,
    *,
    recovered: Any = None,
    churned: Any = None,
    next_score: Any = None,
    opened_at: Any = "opened_at",
    first_contact_at: Any = "first_contact_at",
    edges: Optional[Sequence[float]] = None,
    min_bin_cases: int = DEFAULT_MIN_BIN_CASES,
    confidence: float = 0.95,
    missing: str = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """The recovery probability against hours to first contact, learned from
    outcomes: non-increasing, with a Wilson interval per pooled block.

    Hours to first contact (``first_contact_at - opened_at``) are binned by
    ``edges`` (default `DEFAULT_EDGES`), bins with fewer than
    ``min_bin_cases`` cases merged into the next (this reads the hours only),
    and the bins' recovery shares fitted non-increasing by weighted
    pool-adjacent-violators. Cases never contacted are kept apart (``attrs``).

    Parameters
    ----------
    cases : DataFrame
        One row per case.
    recovered, churned, next_score : column name or values (exactly one)
        The outcome: recovered (True/1, False/0); churned (recovered = not
        churned); or the customer's next score (recovered = no longer a
        detractor, above ``cutoffs``' detractor maximum). Missing (NaN, NA)
        per ``missing``.
    edges : sequence of hours, optional
        Inner bin edges, finite, > 0, strictly increasing.
    min_bin_cases : int
        Fewest cases of a bin (>= 1).
    confidence : float
        Of the Wilson intervals.
    missing : "error" or "skip"
        A missing outcome is an error naming its row, or left out and counted
        (``attrs["skipped"]``).

    Returns
    -------
    DataFrame
        One row per bin: hours (the anchor: expm1 of the mean log1p hours of
        its cases), probability (the fit), ci_low, ci_high, default (the
        default curve at hours), lower_hours, upper_hours, cases, recovered,
        rate, block. Pass it as ``prioritize(..., recovery=curve)``.
        ``attrs``: contacted, skipped, blocks, never_contacted,
        never_recovered, never_rate, never_ci_low, never_ci_high, confidence.
    """
    df, _ = read_table(cases, "cases")
    y = _outcome(df, recovered, churned, next_score, cutoffs)
    opened = _times(df, opened_at, "opened_at")
    contact = _times(df, first_contact_at, "first_contact_at")
    if opened is None or contact is None:
        raise TypeError("opened_at and first_contact_at must be column names or one time per "
                        "case: the curve is learned from the hours to first contact")
    if edges is None:
        edge_list: list[float] = []
    else:
        edges = _args.materialize(edges, "edges")
        if isinstance(edges, (str, bytes)) or not hasattr(edges, "__len__"):
            raise TypeError(f"edges must be a sequence of hours, got {_args.shown(edges)}")
        edge_list = [_args.number(e, f"edges[{i}]") for i, e in enumerate(edges)]
        if not edge_list:
            raise ValueError("edges is empty: give inner bin edges in hours, or None for "
                             "the defaults")
    min_bin_cases = _args.whole(min_bin_cases, "min_bin_cases", minimum=1, maximum=None)
    confidence = _args.number(confidence, "confidence")
    missing = _args.option(missing, "missing", ("error", "skip"))
    r = _npscore.loop_recovery_curve(opened, contact, y, edge_list, min_bin_cases, confidence,
                                     missing)
    out = pd.DataFrame({c: r["bins"][c] for c in _CURVE_COLUMNS})
    for k in ("contacted", "skipped", "blocks", "never_contacted", "never_recovered",
              "never_rate", "never_ci_low", "never_ci_high"):
        out.attrs[k] = r[k]
    out.attrs["confidence"] = confidence
    return out


def compare_recovery(curve: pd.DataFrame,
                     hours: Optional[Sequence[float]] = None) -> pd.DataFrame:
    """The learned curve side by side with the default anchors.

    For each of ``hours`` (default: the default anchors' hours, 0, 1, 24, 72,
    168): the default curve, the learned one (the same interpolation through
    the learned anchors) and the interval of the learned bin holding that
    hour (NaN outside every bin).
    """
    if not isinstance(curve, pd.DataFrame) or not set(_CURVE_COLUMNS) <= set(curve.columns):
        raise TypeError("curve must be the table of learn_recovery_curve")
    at = [h for h, _ in DEFAULT_RECOVERY] if hours is None else list(
        _args.materialize(hours, "hours"))
    at_arr = np.asarray([_args.number(h, f"hours[{i}]") for i, h in enumerate(at)],
                        dtype=np.float64)
    low = np.full(len(at_arr), np.nan)
    high = np.full(len(at_arr), np.nan)
    lower = curve["lower_hours"].to_numpy()
    upper = curve["upper_hours"].to_numpy()
    for i, h in enumerate(at_arr):
        inside = np.flatnonzero((lower <= h) & (h < upper))
        if inside.size:
            low[i] = curve["ci_low"].iloc[inside[0]]
            high[i] = curve["ci_high"].iloc[inside[0]]
    return pd.DataFrame({
        "hours": at_arr,
        "default": np.asarray(recoverability(at_arr), dtype=np.float64),
        "learned": np.asarray(recoverability(at_arr, recovery=curve), dtype=np.float64),
        "ci_low": low,
        "ci_high": high,
    })
