"""Whom to contact first: revenue at risk, recoverability and the contact queue.

Each customer carries an expected revenue at risk, ``P(churn) x CLV``. How much
of it can still be saved falls with the time since the survey answer
(DOMAIN.md §5: a personal response within 1 hour recovers up to ~65%, within
24 hours ~40%, after 72 hours under 10%). `prioritize` ranks customers by the
expected recoverable revenue (risk x recoverability now), stamps each with its
response deadline and recommended play, and hands the queue out to owners
within their capacities. The ranking, the curve and the assignment are
computed by the C++ core (npscore/priority.h).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence, Union

import numpy as np
import pandas as pd

from . import _npscore
from ._convert import as_scores, column, utc_nanos
from ._groups import group_codes
from .nps import DEFAULT_CUTOFFS, by_group, segment as _segment_scores, summarize

__all__ = [
    "DEFAULT_RECOVERY", "PLAYS", "recoverability", "recovery_curve", "prioritize",
    "revenue_at_risk", "segment_codes", "latest_responses",
]

#: The default recovery anchors (hours since the response, probability of
#: recovering the customer): 65% at 0 and 1 hour, 40% at 24 hours, 10% at 72
#: hours, 5% from a week on (DOMAIN.md §5, article 002). Between anchors the
#: curve is the monotone cubic (PCHIP) interpolant in log(1 + hours); before
#: the first anchor it is the first probability, after the last the last.
DEFAULT_RECOVERY: tuple[tuple[float, float], ...] = tuple(zip(*_npscore.default_recovery()))

#: The recommended play per segment (DOMAIN.md §7): (name, script).
PLAYS: dict[str, tuple[str, str]] = {
    label: (_npscore.play_name(code), _npscore.play_script(code))
    for label, code in (("detractor", -1), ("passive", 0), ("promoter", 1))
}

_SEGMENT_LABELS = {"detractor": -1, "detractors": -1, "passive": 0, "passives": 0,
                   "promoter": 1, "promoters": 1}
_SEGMENT_NAMES = np.array(["detractor", "passive", "promoter"], dtype=object)
_NO_SEGMENT = -128  # npscore::kNoSegment
_NS_PER_HOUR = 3_600_000_000_000


# --- Inputs ------------------------------------------------------------------------


def _values(df: pd.DataFrame | None, arg: Any, role: str) -> Any:
    """df[arg] when `arg` is a column name, else `arg` itself (an array of len(df))."""
    if isinstance(arg, str):
        if df is None:
            raise TypeError(f"{role}={arg!r} names a column, but no DataFrame was given")
        return column(df, arg, role)
    if df is not None and hasattr(arg, "__len__") and len(arg) != len(df):
        raise ValueError(f"{role} has {len(arg)} rows but the DataFrame has {len(df)}")
    return arg


def _float_column(values: Any, role: str) -> np.ndarray:
    return np.ascontiguousarray(as_scores(values, role), dtype=np.float64)


def segment_codes(values: Any, *, cutoffs: Any = DEFAULT_CUTOFFS, allow_missing: bool = True,
                  name: str = "segment") -> np.ndarray:
    """Segment codes (int8: -1 detractor, 0 passive, +1 promoter, -128 unknown)
    of segment labels ("detractor(s)", "passive(s)", "promoter(s)", any case)
    or of numeric scores (segmented with `cutoffs`). Missing entries are
    unknown when `allow_missing`, else an error naming the row."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one column, got a DataFrame")
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    missing = s.isna().to_numpy()
    if missing.any() and not allow_missing:
        row = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name} at row {row} is missing: every row needs a segment")
    if pd.api.types.is_bool_dtype(s.dtype):
        raise TypeError(f"{name} must hold segment labels or scores, got booleans")
    if pd.api.types.is_numeric_dtype(s.dtype):
        scores = as_scores(s, name)
        codes = np.full(len(scores), _NO_SEGMENT, dtype=np.int8)
        ok = ~np.isnan(scores) if scores.dtype.kind == "f" else np.ones(len(scores), bool)
        if ok.any():
            try:
                codes[ok] = _segment_scores(np.ascontiguousarray(scores[ok]), cutoffs=cutoffs)
            except ValueError as e:
                # The core names the row among the non-missing scores: map it back.
                msg = str(e)
                rows = np.flatnonzero(ok)
                m = re.match(r"score at row (\d+)(.*)", msg)
                if m:
                    msg = f"{name} at row {rows[int(m.group(1))]}{m.group(2)}"
                raise ValueError(msg) from None
        return codes
    objects = s.to_numpy(dtype=object)
    codes = np.full(len(objects), _NO_SEGMENT, dtype=np.int8)
    for i, v in enumerate(objects):
        if missing[i]:
            continue
        code = _SEGMENT_LABELS.get(str(v).strip().lower()) if isinstance(v, str) else None
        if code is None:
            raise ValueError(f"{name} at row {i} is {v!r}: use 'detractor', 'passive' or "
                             "'promoter' (or numeric scores)")
        codes[i] = code
    return codes


def _times(values: Any, role: str) -> np.ndarray:
    """int64 ns UTC of a datetime column (naive times are read as UTC); NaT
    stays INT64_MIN for the core to name."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    return utc_nanos(s, role, "UTC")


def _timestamp(value: Any, role: str) -> pd.Timestamp:
    t = pd.Timestamp.now(tz="UTC") if value is None else pd.Timestamp(value)
    if t is pd.NaT:
        raise ValueError(f"{role} is NaT")
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def recovery_curve(recovery: Any = None) -> pd.DataFrame:
    """The recovery anchors as a frame (``hours``, ``probability``).

    `recovery` is None (the defaults, `DEFAULT_RECOVERY`), a sequence of
    (hours, probability) pairs, a mapping {hours: probability}, or a DataFrame
    with columns ``hours`` and ``probability``. Hours may be numbers or
    pandas Timedeltas. The core validates them (hours increasing and >= 0,
    probabilities in [0, 1] and not rising).
    """
    if recovery is None:
        pairs = list(DEFAULT_RECOVERY)
    elif isinstance(recovery, pd.DataFrame):
        for c in ("hours", "probability"):
            if c not in recovery.columns:
                raise ValueError(f"recovery frame needs columns 'hours' and 'probability', got "
                                 f"{list(map(str, recovery.columns))}")
        pairs = list(zip(recovery["hours"], recovery["probability"]))
    elif isinstance(recovery, Mapping):
        pairs = list(recovery.items())
    elif callable(recovery):
        raise TypeError("recovery must be anchor points (hours, probability), not a function: "
                        "sample your function at a few times and pass the pairs")
    else:
        try:
            pairs = [tuple(p) for p in recovery]
        except TypeError:
            raise TypeError(f"recovery must be (hours, probability) pairs, got {recovery!r}") from None
    hours, prob = [], []
    for i, p in enumerate(pairs):
        if len(p) != 2:
            raise ValueError(f"recovery anchor {i} is {p!r}: give (hours, probability)")
        h, q = p
        if isinstance(h, (pd.Timedelta, np.timedelta64)):
            h = pd.Timedelta(h) / pd.Timedelta(hours=1)
        try:
            hours.append(float(h))
            prob.append(float(q))
        except (TypeError, ValueError):
            raise TypeError(f"recovery anchor {i} is {p!r}: hours and probability must be numbers") from None
    # Validate now, so that a bad curve fails here too.
    _npscore.recoverability(np.zeros(0), hours, prob)
    return pd.DataFrame({"hours": hours, "probability": prob})


def recoverability(hours: Any, *, recovery: Any = None) -> np.ndarray:
    """The chance to recover a customer `hours` after the response (array of
    hours >= 0, or Timedeltas) on the curve `recovery` (see `recovery_curve`)."""
    curve = recovery_curve(recovery)
    scalar = np.ndim(hours) == 0
    h = pd.Series(np.atleast_1d(np.asarray(hours, dtype=object)))
    if len(h) and all(isinstance(v, (pd.Timedelta, np.timedelta64)) for v in h):
        h = pd.to_timedelta(h) / pd.Timedelta(hours=1)
    arr = _float_column(h, "hours")
    out = _npscore.recoverability(arr, curve["hours"].tolist(), curve["probability"].tolist())
    return float(out[0]) if scalar else out


def _owners(owners: Any) -> tuple[list[str], list[int]]:
    """Owner names and capacities from a mapping, a Series (index = owner) or
    a DataFrame with columns ``owner`` and ``capacity``."""
    if isinstance(owners, pd.DataFrame):
        if not {"owner", "capacity"} <= set(owners.columns):
            raise ValueError("owners frame needs columns 'owner' and 'capacity', got "
                             f"{list(map(str, owners.columns))}")
        items = list(zip(owners["owner"], owners["capacity"]))
    elif isinstance(owners, pd.Series):
        items = list(owners.items())
    elif isinstance(owners, Mapping):
        items = list(owners.items())
    else:
        raise TypeError("owners must be a mapping {owner: capacity}, a Series or a DataFrame "
                        f"with columns 'owner' and 'capacity', got {type(owners).__name__}")
    names, caps = [], []
    for name, cap in items:
        if isinstance(cap, (bool, np.bool_)) or not float(cap).is_integer():
            raise ValueError(f"capacity of owner {name!r} is {cap!r}: capacities must be whole numbers >= 0")
        if cap < 0:
            raise ValueError(f"capacity of owner {name!r} is {cap!r}: capacities must be whole numbers >= 0")
        names.append(name)
        caps.append(int(cap))
    if len(set(names)) != len(names):
        raise ValueError("owners lists an owner twice")
    return names, caps


# --- The queue -----------------------------------------------------------------------


def prioritize(
    df: pd.DataFrame | None,
    *,
    churn_risk: Any,
    clv: Any,
    segment: Any = None,
    responded_at: Any = None,
    now: Any = None,
    sla_hours: float = 24,
    recovery: Any = None,
    owners: Any = None,
    top: int | None = None,
    keep: Sequence[str] = (),
    cutoffs: Any = DEFAULT_CUTOFFS,
    threads: int = 0,
) -> pd.DataFrame:
    """The contact queue: customers ranked by expected recoverable revenue.

    Parameters
    ----------
    df : DataFrame or None
        One row per customer (or per response to act on). May be None when
        every column argument is an array.
    churn_risk, clv : str or array-like
        Column names of `df` (or arrays): P(churn) in [0, 1] and customer
        lifetime value (finite, >= 0). NaN or out-of-range values raise
        ValueError naming the row and the value.
    segment : str or array-like, optional
        Segment labels ("detractor", "passive", "promoter") or 0-10 scores
        (segmented with `cutoffs`); decides the recommended play. Missing
        entries get no play.
    responded_at : str or array-like, optional
        Response times (naive times are UTC). NaT, or a time after `now`,
        raises ValueError naming the row. Without them, recoverability is 1
        (no time discount), deadlines are NaT and nothing is overdue.
    now : timestamp-like, optional
        The time the queue is made for; default: the current time (UTC).
    sla_hours : float
        Response deadline after the answer (DOMAIN.md §5: within 24 hours).
    recovery : anchors, optional
        The recoverability curve (see `recovery_curve`); default
        `DEFAULT_RECOVERY`.
    owners : mapping, Series or DataFrame, optional
        Owners and their capacities, e.g. ``{"alice": 20, "bob": 15}``.
        Walking the queue best first, each customer goes to the owner with
        the most capacity left (ties: the owner listed first), so the most
        valuable customers are spread over the team; once all capacity is
        used, the rest have ``owner`` None. Only rows in the returned queue
        are assigned.
    top : int, optional
        Return only the `top` best customers (a partial selection: fast on
        millions of rows); default: every customer.
    keep : column names
        Columns of `df` copied into the result (e.g. ``["customer_id"]``).

    Returns
    -------
    DataFrame, best first, indexed by `df`'s index labels of the rows: ``rank``
    (1..), the `keep` columns, ``churn_risk``, ``clv``, ``revenue_at_risk``
    (churn_risk x clv), ``segment``, ``hours_since_response``,
    ``recoverability``, ``expected_recoverable`` (revenue_at_risk x
    recoverability: the priority), ``deadline`` (responded_at + sla_hours),
    ``overdue`` (now > deadline), ``play`` and ``play_script`` (the
    recommended play: detractor "recover", passive "make_it_a_10", promoter
    "advocacy"), and ``owner`` when owners are given. Ties break by revenue at
    risk (higher first), then deadline (earlier first), then input row.
    ``attrs`` holds ``now``, ``sla_hours``, ``n_rows`` and the totals over
    every row (``total_revenue_at_risk``).
    """
    risk = _float_column(_values(df, churn_risk, "churn_risk"), "churn_risk")
    value = _float_column(_values(df, clv, "clv"), "clv")
    n = len(risk)
    seg = None
    if segment is not None:
        seg = segment_codes(_values(df, segment, "segment"), cutoffs=cutoffs)
        if len(seg) != n:
            raise ValueError(f"segment has {len(seg)} rows but churn_risk has {n}")
    times = None if responded_at is None else _times(_values(df, responded_at, "responded_at"),
                                                     "responded_at")
    t_now = _timestamp(now, "now")
    curve = recovery_curve(recovery)
    names, caps = ([], []) if owners is None else _owners(owners)
    if top is not None:
        if isinstance(top, (bool, np.bool_)) or int(top) != top or top < 0:
            raise ValueError(f"top is {top!r}: give a whole number >= 0 (or None for every row)")
    try:
        sla = float(sla_hours)
    except (TypeError, ValueError):
        raise TypeError(f"sla_hours must be a number, got {sla_hours!r}") from None
    q = _npscore.prioritize(
        risk, value, seg, times, int(t_now.value), sla,
        curve["hours"].tolist(), curve["probability"].tolist(),
        -1 if top is None else int(top), caps, int(threads),
    )
    rows = q["row"]
    index = df.index[rows] if df is not None else pd.RangeIndex(n)[rows]
    out = pd.DataFrame({"rank": np.arange(1, len(rows) + 1, dtype=np.int64)}, index=index)
    for name in keep:
        if df is None:
            raise TypeError("keep needs a DataFrame")
        out[name] = column(df, name, "keep").to_numpy()[rows]
    out["churn_risk"] = risk[rows]
    out["clv"] = value[rows]
    out["revenue_at_risk"] = q["revenue_at_risk"]
    codes = q["segment"]
    known = codes != _NO_SEGMENT
    labels = np.full(len(rows), None, dtype=object)
    labels[known] = _SEGMENT_NAMES[codes[known] + 1]
    out["segment"] = pd.Series(labels, index=out.index, dtype=object)
    out["hours_since_response"] = q["hours_since_response"]
    out["recoverability"] = q["recoverability"]
    out["expected_recoverable"] = q["expected_recoverable"]
    deadline = q["deadline"].copy()
    out["deadline"] = pd.to_datetime(deadline.view("datetime64[ns]")).tz_localize("UTC")
    out["overdue"] = q["overdue"]
    play = np.full(len(rows), None, dtype=object)
    script = np.full(len(rows), None, dtype=object)
    for label, code in (("detractor", -1), ("passive", 0), ("promoter", 1)):
        sel = codes == code
        play[sel], script[sel] = PLAYS[label]
    out["play"] = pd.Series(play, index=out.index, dtype=object)
    out["play_script"] = pd.Series(script, index=out.index, dtype=object)
    if owners is not None:
        owner = np.full(len(rows), None, dtype=object)
        assigned = q["owner"] >= 0
        owner[assigned] = np.asarray(names, dtype=object)[q["owner"][assigned]]
        out["owner"] = pd.Series(owner, index=out.index, dtype=object)
    out.attrs.update(now=t_now, sla_hours=sla, n_rows=int(q["n_rows"]),
                     total_revenue_at_risk=float(q["total_revenue_at_risk"]))
    return out


# --- Revenue at risk by segment and slice -------------------------------------------------


def revenue_at_risk(
    df: pd.DataFrame,
    *,
    churn_risk: str,
    clv: str,
    by: Union[str, Sequence[str], None] = None,
    score: str | None = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """Revenue at risk (sum of P(churn) x CLV) by group, with revenue-weighted NPS.

    One row per group of the key columns `by` (e.g. a segment column, or
    ``["plan", "region"]``), or one row for everything when `by` is None:
    ``customers``, ``clv`` (total), ``revenue_at_risk``, ``share_of_risk``
    (of the total revenue at risk), ``risk_rate`` (revenue_at_risk / clv)
    and ``mean_churn_risk``; sorted by revenue at risk, highest first. With
    `score` (a 0-10 score column), also ``nps`` and ``revenue_weighted_nps``
    (every respondent weighted by their CLV, QuestionPro/GreenBook 2017), both
    from `npscore.by_group` / `npscore.summarize`, with their intervals.
    """
    risk = _float_column(column(df, churn_risk, "churn_risk"), f"column {churn_risk!r}")
    value = _float_column(column(df, clv, "clv"), f"column {clv!r}")
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    if keys:
        codes, out = group_codes(df, keys)
        t = _npscore.revenue_at_risk(risk, value, np.ascontiguousarray(codes, dtype=np.int32), len(out))
    else:
        out = pd.DataFrame(index=[0])
        t = _npscore.revenue_at_risk(risk, value, None, 1)
    out["customers"] = t["customers"]
    out["clv"] = t["clv"]
    out["revenue_at_risk"] = t["revenue_at_risk"]
    total = t["total_revenue_at_risk"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_of_risk"] = t["revenue_at_risk"] / total if total > 0 else np.nan
        out["risk_rate"] = np.where(t["clv"] > 0, t["revenue_at_risk"] / np.where(t["clv"] > 0, t["clv"], 1),
                                    np.nan)
    out["mean_churn_risk"] = t["mean_churn_risk"]
    out = out[out["customers"] > 0]
    if score is not None:
        if keys:
            plain = by_group(df, score, keys, cutoffs=cutoffs, missing="skip", min_n=0)
            weighted = by_group(df, score, keys, weight=clv, cutoffs=cutoffs, missing="skip", min_n=0)
            nps = plain[keys + ["nps"]].merge(
                weighted[keys + ["nps", "ci_low", "ci_high"]].rename(columns={
                    "nps": "revenue_weighted_nps", "ci_low": "revenue_weighted_ci_low",
                    "ci_high": "revenue_weighted_ci_high"}), on=keys, how="outer")
            out = out.merge(nps, on=keys, how="left")
        else:
            s = summarize(column(df, score, "score"), missing="skip", cutoffs=cutoffs)
            w = summarize(column(df, score, "score"), value, missing="skip", cutoffs=cutoffs)
            out["nps"] = s.nps
            out["revenue_weighted_nps"] = w.nps
            out["revenue_weighted_ci_low"] = w.ci_low
            out["revenue_weighted_ci_high"] = w.ci_high
    out = out.sort_values("revenue_at_risk", ascending=False, kind="stable").reset_index(drop=True)
    out.attrs["total_revenue_at_risk"] = float(total)
    out.attrs["total_clv"] = float(t["total_clv"])
    return out


# --- From a response table to one row per customer -------------------------------------------


def latest_responses(
    responses: pd.DataFrame,
    customers: pd.DataFrame,
    *,
    customer: str = "customer_id",
    responded_at: str = "responded_at",
    score: str = "score",
    churn_risk: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """One row per customer who answered: their latest response (by
    `responded_at`; ties: the later row) joined with the customer table.

    The result holds the customer table's columns (e.g. ``clv``, ``plan``,
    ``region``), the latest response's columns, ``segment`` (from `score`)
    and, when given, ``churn_risk``: a column name of `customers`, or a
    Series / mapping from customer id to P(churn). It is the table
    `prioritize` and `revenue_at_risk` read, e.g.::

        frame = npscore.priority.latest_responses(s.responses, s.customers, churn_risk=risk)
        queue = npscore.prioritize(frame, churn_risk="churn_risk", clv="clv", segment="segment",
                                   responded_at="responded_at", now=..., top=10,
                                   keep=["customer_id"])
    """
    column(responses, customer, "customer")
    column(responses, responded_at, "responded_at")
    column(customers, customer, "customer")
    r = responses.reset_index(drop=True)
    order = np.lexsort((np.arange(len(r)), pd.to_datetime(r[responded_at], utc=True).to_numpy()))
    latest = r.iloc[order].drop_duplicates(customer, keep="last")
    frame = latest.merge(customers, on=customer, how="inner", suffixes=("", "_customer"))
    if score in frame.columns:
        codes = segment_codes(frame[score], cutoffs=cutoffs)
        labels = np.full(len(codes), None, dtype=object)
        known = codes != _NO_SEGMENT
        labels[known] = _SEGMENT_NAMES[codes[known] + 1]
        frame["segment"] = pd.Series(labels, index=frame.index, dtype=object)
    if churn_risk is not None:
        if isinstance(churn_risk, str):
            frame["churn_risk"] = column(frame, churn_risk, "churn_risk").to_numpy()
        else:
            mapping = churn_risk if isinstance(churn_risk, pd.Series) else pd.Series(dict(churn_risk))
            frame["churn_risk"] = frame[customer].map(mapping).to_numpy(dtype=np.float64)
    return frame.reset_index(drop=True)
