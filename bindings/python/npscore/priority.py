"""Whom to contact first: revenue at risk, recoverability and the contact queues.

Each customer carries an expected revenue at risk, ``P(churn) x CLV``. How much
of it can still be saved falls with the time since the survey answer
(a personal response within 1 hour recovers up to ~65%, within 24 hours ~40%,
after 72 hours under 10%). `prioritize` keeps one queue per play (recover,
make it a 10, advocacy), each with its own response deadline, holding only
live cases (not contacted, not closed, inside the recovery window); it ranks
them by the value of acting today rather than tomorrow and hands them out to
owners within their capacities. `missed_cases` lists the stale, uncontacted
cases for account review. The ranking, the curve and the assignment are
computed by the C++ core (npscore/priority.h).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Sequence, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _npscore
from . import _args
from ._convert import aligned_with, arrow_text, as_frame, as_scores, column, factorized, isin, \
    is_unique, positions, read_table, timestamp, utc_nanos
from ._groups import group_codes, keyed
from .nps import DEFAULT_CUTOFFS, by_group, segment as _segment_scores, summarize
from ._types import FloatArray, Missing

__all__ = [
    "DEFAULT_RECOVERY", "DEFAULT_SLA_HOURS", "PLAYS", "recoverability", "recovery_curve",
    "prioritize", "missed_cases", "revenue_at_risk", "segment_codes", "latest_responses",
]

#: The default recovery anchors (hours since the response, probability of
#: recovering the customer): 65% at 0 and 1 hour, 40% at 24 hours, 10% at 72
#: hours, 5% from a week on (docs/sources.md §5, article 002). Between anchors the
#: curve is the monotone cubic (PCHIP) interpolant in log(1 + hours); before
#: the first anchor it is the first probability, after the last the last.
DEFAULT_RECOVERY: tuple[tuple[float, float], ...] = tuple(zip(*_npscore.default_recovery()))

#: The recommended play per segment (docs/sources.md §7): (name, script).
PLAYS: dict[str, tuple[str, str]] = {
    label: (_npscore.play_name(code), _npscore.play_script(code))
    for label, code in (("detractor", -1), ("passive", 0), ("promoter", 1))
}

_SEGMENT_LABELS = {"detractor": -1, "detractors": -1, "passive": 0, "passives": 0,
                   "promoter": 1, "promoters": 1}
_SEGMENT_NAMES = np.array(["detractor", "passive", "promoter"], dtype=object)
_NO_SEGMENT: int = _npscore.defaults["no_segment"]
_NS_PER_HOUR = 3_600_000_000_000


# --- Inputs ------------------------------------------------------------------------


def _values(df: pd.DataFrame | None, arg: Any, role: str) -> Any:
    """df[arg] when `arg` is a column name, else `arg` itself (an array of len(df))."""
    if isinstance(arg, str):
        if df is None:
            raise TypeError(f"{role}={arg!r} names a column, but no DataFrame was given")
        return column(df, arg, role)
    arg = _args.materialize(arg, role)
    if df is not None and hasattr(arg, "__len__") and len(arg) != len(df):
        raise ValueError(f"{role} has {len(arg)} rows but the DataFrame has {len(df)}")
    return arg


def _float_column(values: Any, role: str) -> np.ndarray:
    return np.ascontiguousarray(as_scores(values, role), dtype=np.float64)


_NOT_A_LABEL = 1000  # segment_codes: a value that is no segment label


def segment_codes(values: Any, *, cutoffs: Any = DEFAULT_CUTOFFS, allow_missing: bool = True,
                  name: str = "segment") -> npt.NDArray[np.int8]:
    """Segment codes (int8: -1 detractor, 0 passive, +1 promoter, -128 unknown)
    of segment labels ("detractor(s)", "passive(s)", "promoter(s)", any case)
    or of numeric scores (segmented with `cutoffs`). Missing entries are
    unknown when `allow_missing`, else an error naming the row."""
    if isinstance(values, pd.DataFrame):
        raise TypeError(f"{name} must be one column, got a DataFrame")
    values = _args.materialize(values, name)
    if np.ndim(values) == 0 or isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of segment labels or scores, got "
                        f"{type(values).__name__}")
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
    # Each distinct label read once, then spread to the rows.
    which, distinct = pd.factorize(s)
    per_label = np.array([_SEGMENT_LABELS.get(str(v).strip().lower(), _NOT_A_LABEL)
                          if isinstance(v, str) else _NOT_A_LABEL
                          for v in np.asarray(distinct, dtype=object)] + [_NO_SEGMENT],
                         dtype=np.int16)
    codes = per_label[which]  # index -1 (missing): the last entry
    codes[missing] = _NO_SEGMENT
    bad = np.flatnonzero(codes == _NOT_A_LABEL)
    if len(bad):
        i = int(bad[0])
        raise ValueError(f"{name} at row {i} is {s.iloc[i]!r}: use 'detractor', 'passive' or "
                         "'promoter' (or numeric scores)")
    return codes.astype(np.int8)


def _times(values: Any, role: str) -> np.ndarray:
    """int64 ns UTC of a datetime column (naive times are read as UTC); NaT
    stays INT64_MIN for the core to name."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    return utc_nanos(s, role, "UTC")


def _timestamp(value: Any, role: str) -> pd.Timestamp:
    t = pd.Timestamp.now(tz="UTC") if value is None else timestamp(value, role)
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


def recoverability(hours: Any, *, recovery: Any = None) -> Union[float, FloatArray]:
    """The chance to recover a customer `hours` after the response (array of
    hours >= 0, or Timedeltas) on the curve `recovery` (see `recovery_curve`)."""
    curve = recovery_curve(recovery)
    hours = _args.materialize(hours, "hours")
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
        caps.append(_args.whole(cap, f"capacity of owner {name!r}", minimum=0,
                                maximum=_args.INT64_MAX,
                                hint=" (customers the owner can take)"))
        names.append(name)
    if len(set(names)) != len(names):
        raise ValueError("owners lists an owner twice")
    return names, caps


# --- The queue -----------------------------------------------------------------------


#: The default response deadline (SLA) per play, in hours after the answer:
#: recover (detractors, and customers without a segment) 24 h, make it a 10
#: (passives) 72 h, advocacy (promoters) 7 days.
DEFAULT_SLA_HOURS: dict[str, float] = {"recover": _npscore.defaults["sla_hours"],
                                        "make_it_a_10": _npscore.defaults["passive_sla_hours"],
                                        "advocacy": _npscore.defaults["promoter_sla_hours"]}
#: The delay the priority weighs, in hours (the value of acting now rather
#: than this much later).
DEFAULT_URGENCY_HOURS: float = _npscore.defaults["urgency_hours"]

_PLAY_ORDER = ("recover", "make_it_a_10", "advocacy", None)  # the core's play index 0..3
_SLA_KEYS = {"recover": "recover", "detractor": "recover", "detractors": "recover",
             "make_it_a_10": "make_it_a_10", "passive": "make_it_a_10", "passives": "make_it_a_10",
             "advocacy": "advocacy", "promoter": "advocacy", "promoters": "advocacy"}


def _sla(sla_hours: Any) -> dict[str, float]:
    """Per-play SLAs from a number (the recover SLA) or a mapping by play or segment."""
    out = dict(DEFAULT_SLA_HOURS)
    if isinstance(sla_hours, Mapping):
        for key, value in sla_hours.items():
            play = _SLA_KEYS.get(str(key).strip().lower()) if isinstance(key, str) else None
            if play is None:
                raise ValueError(f"sla_hours has key {key!r}: use a play ('recover', "
                                 "'make_it_a_10', 'advocacy') or a segment name")
            out[play] = _args.number(value, f"sla_hours[{key!r}]")
    else:
        out["recover"] = _args.number(sla_hours, "sla_hours")
    return out


def _rank(df, *, churn_risk, clv, segment, responded_at, contacted_at, closed, now, sla_hours,
          window_hours, urgency_hours, recovery, owners, top, keep, cutoffs, threads):
    """The core's queues as (queue frame, missed frame, summary dict)."""
    df, labelled = (None, False) if df is None else read_table(df)
    # pandas values are paired with df's rows (and each other) by index label.
    churn_risk, clv, segment, responded_at, contacted_at, closed = aligned_with(
        df, labelled, "df", churn_risk=churn_risk, clv=clv, segment=segment,
        responded_at=responded_at, contacted_at=contacted_at, closed=closed)
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
    contacts = None
    if contacted_at is not None:
        if times is None:
            raise ValueError("contacted_at needs responded_at: a contact is timed against the response")
        contacts = _times(_values(df, contacted_at, "contacted_at"), "contacted_at")
    shut = None
    if closed is not None:
        c = pd.Series(_values(df, closed, "closed"))
        if c.isna().any():
            raise ValueError(f"closed at row {int(np.flatnonzero(c.isna().to_numpy())[0])} is "
                             "missing: use True or False")
        if not (pd.api.types.is_bool_dtype(c.dtype) or pd.api.types.is_integer_dtype(c.dtype)):
            raise TypeError(f"closed must be booleans (or 0/1), got {c.dtype}")
        shut = np.ascontiguousarray(c.to_numpy() != 0, dtype=np.uint8)
    t_now = _timestamp(now, "now")
    curve = recovery_curve(recovery)
    names, caps = ([], []) if owners is None else _owners(owners)
    top = _args.whole(top, "top", minimum=1, maximum=_args.INT64_MAX,
                      none=True, hint=" (or None for every row)")
    threads = _args.whole(threads, "threads", minimum=0, maximum=_args.limit("threads"),
                          hint=" (0: automatic)")
    sla = _sla(sla_hours)
    window = -1.0 if window_hours is None else _args.number(window_hours, "window_hours")
    urgency = _args.number(urgency_hours, "urgency_hours")
    keep = _args.labels(keep, "keep")
    if keep and df is None:
        raise TypeError("keep names columns of df, but no DataFrame was given")
    q = _npscore.prioritize(
        risk, value, seg, times, int(t_now.as_unit("ns").value), sla["recover"],
        curve["hours"].tolist(), curve["probability"].tolist(),
        -1 if top is None else top, caps, threads, contacts, shut,
        sla["make_it_a_10"], sla["advocacy"], window, urgency,
    )
    labels_of = df.index if df is not None else next(
        (v.index for v in (churn_risk, clv, segment, responded_at, contacted_at, closed)
         if isinstance(v, pd.Series)), pd.RangeIndex(n))

    def labels(codes: np.ndarray) -> pd.Series:
        out = np.full(len(codes), None, dtype=object)
        known = codes != _NO_SEGMENT
        out[known] = _SEGMENT_NAMES[codes[known] + 1]
        return out

    def plays(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        play = np.full(len(codes), None, dtype=object)
        script = np.full(len(codes), None, dtype=object)
        for label, code in (("detractor", -1), ("passive", 0), ("promoter", 1)):
            sel = codes == code
            play[sel], script[sel] = PLAYS[label]
        return play, script

    rows = q["row"]
    codes = q["segment"]
    play, script = plays(codes)
    # rank within each play's queue
    rank = np.zeros(len(rows), dtype=np.int64)
    for k in range(len(rows)):
        rank[k] = 1 if k == 0 or codes[k] != codes[k - 1] else rank[k - 1] + 1
    out = pd.DataFrame({"rank": rank}, index=labels_of[rows])
    out["play"] = pd.Series(play, index=out.index, dtype=object)
    for name in keep:
        out[name] = column(df, name, "keep").take(rows).to_numpy()
    out["churn_risk"] = risk[rows]
    out["clv"] = value[rows]
    out["revenue_at_risk"] = q["revenue_at_risk"]
    out["segment"] = pd.Series(labels(codes), index=out.index, dtype=object)
    out["hours_since_response"] = q["hours_since_response"]
    out["recoverability"] = q["recoverability"]
    out["expected_recoverable"] = q["expected_recoverable"]
    out["urgency"] = q["urgency"]
    out["priority"] = q["priority"]
    deadline = q["deadline"].copy()
    out["deadline"] = pd.to_datetime(deadline.view("datetime64[ns]")).tz_localize("UTC")
    out["overdue"] = q["overdue"]
    out["play_script"] = pd.Series(script, index=out.index, dtype=object)
    if owners is not None:
        owner = np.full(len(rows), None, dtype=object)
        assigned = q["owner"] >= 0
        owner[assigned] = np.asarray(names, dtype=object)[q["owner"][assigned]]
        out["owner"] = pd.Series(owner, index=out.index, dtype=object)

    mrows = q["missed_row"]
    mcodes = q["missed_segment"]
    missed = pd.DataFrame({"play": plays(mcodes)[0]}, index=labels_of[mrows])
    for name in keep:
        missed[name] = column(df, name, "keep").take(mrows).to_numpy()
    missed["churn_risk"] = risk[mrows]
    missed["clv"] = value[mrows]
    missed["revenue_at_risk"] = q["missed_revenue_at_risk"]
    missed["segment"] = pd.Series(labels(mcodes), index=missed.index, dtype=object)
    if times is not None:
        missed["responded_at"] = pd.to_datetime(times[mrows].view("datetime64[ns]")).tz_localize("UTC")
        missed["hours_since_response"] = (int(t_now.as_unit("ns").value) - times[mrows]) / _NS_PER_HOUR

    due, within = int(q["detractors_due"]), int(q["detractors_within_sla"])
    summary: dict[str, Any] = dict(
        now=t_now.isoformat(), sla_hours=sla, window_hours=float(q["window_hours"]),
        urgency_hours=urgency, n_rows=int(q["n_rows"]),
        total_revenue_at_risk=float(q["total_revenue_at_risk"]),
        detractors_due=due, detractors_within_sla=within,
        share_within_sla=within / due if due and contacts is not None else float("nan"),
    )
    for key in ("queued", "contacted", "closed", "missed"):
        summary[key] = {str(p) if p else "none": int(v) for p, v in zip(_PLAY_ORDER, q[key])}
    out.attrs.update(summary)
    missed.attrs.update(summary)
    return out, missed, summary


_RANK_DOC = """
    Parameters
    ----------
    df : DataFrame or None
        One row per case (a customer's response to act on): pandas, polars,
        pyarrow or any Arrow PyCapsule table. May be None when every column
        argument is an array.
    churn_risk, clv : str or array-like
        Column names of `df` (or arrays): P(churn) in [0, 1] and customer
        lifetime value (finite, >= 0). NaN or out-of-range values raise
        ValueError naming the row and the value. Every column argument given
        as a pandas Series is paired with `df`'s rows (and the other Series)
        by index label: reordered to `df`'s order, and an error naming the
        first label missing on either side when the labels differ. numpy
        arrays, lists, polars and Arrow columns pair by position, as do
        Series beside a table without an index (polars, plain Arrow).
    segment : str or array-like, optional
        Segment labels ("detractor", "passive", "promoter") or 0-10 scores
        (segmented with `cutoffs`); decides the play and so the queue.
        Missing entries are queued last, ranked like detractors.
    responded_at : str or array-like, optional
        Response times (naive times are UTC; numbers, which have no unit,
        are an error). NaT, or a time after `now`, raises ValueError naming
        the row. Without them there is no time discount (urgency 1), no
        window, deadlines are NaT and nothing is overdue.
    contacted_at : str or array-like, optional
        When the customer was contacted about the response (NaT: not yet).
        A contact at or before `now` takes the case out of the queue; a later
        one counts as not yet made, so a log can be replayed day by day. A
        contact before the response is an error naming the row.
    closed : str or array-like of bool, optional
        Cases closed by other means: out of the queue and the missed list.
    now : timestamp-like, optional
        The time the queue is made for; default: the current time (UTC).
    sla_hours : number or mapping
        Response deadlines after the answer per play: a number sets the
        recover SLA (default 24); a mapping by play or segment sets any of
        them. The others keep `DEFAULT_SLA_HOURS` (24 h, 72 h, 7 days).
    window_hours : float, optional
        A case answered this long ago and still open leaves the queue for the
        missed list (account review). Default: the recovery curve's last
        anchor (168 h), where recoverability reaches its permanent floor.
        ``float("inf")``: no window.
    urgency_hours : float
        The priority weighs acting now against acting this much later
        (default 24: today rather than tomorrow).
    recovery : anchors, optional
        The recoverability curve (see `recovery_curve`); default
        `DEFAULT_RECOVERY`.
    owners : mapping, Series or DataFrame, optional
        Owners and their capacities, e.g. ``{"alice": 20, "bob": 15}``.
        Walking the queue (recover first, then make it a 10, then advocacy),
        each case goes to the owner with the most capacity left (ties: the
        owner listed first); once all capacity is used, the rest have
        ``owner`` None.
    top : int, optional
        Keep only the `top` best cases of each play's queue.
    keep : column names
        Columns of `df` copied into the result (e.g. ``["customer_id"]``).
"""


def prioritize(
    df: Any,
    *,
    churn_risk: Any,
    clv: Any,
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
    threads: int = 0,
) -> pd.DataFrame:
    """The contact queues of live cases, one per play, each best first.

    A case is live while it is open (not contacted by `now`, not closed) and,
    with response times, answered less than `window_hours` ago. The queues
    follow the play: "recover" (detractors), "make_it_a_10" (passives),
    "advocacy" (promoters), then customers without a segment. Within a queue:

    - recover and make it a 10 rank by the value of acting today rather than
      tomorrow, ``priority = churn_risk x clv x [r(h) - r(h + urgency_hours)]``
      (r: the recovery curve, h: hours since the answer). It is highest for
      fresh answers and 0 at the curve's floor, so stale cases hold no place.
    - advocacy ranks promoters by their CLV; they get no recoverability (NaN).
    - ties break by revenue at risk, then deadline, then input row.
{doc}
    Returns
    -------
    DataFrame in queue order, indexed by `df`'s index labels of the rows
    (without `df`: by the labels of the first Series argument, else by row):
    ``rank`` (1.. within its play), ``play``, the `keep` columns,
    ``churn_risk``, ``clv``, ``revenue_at_risk`` (churn_risk x clv),
    ``segment``, ``hours_since_response``, ``recoverability`` (r(h)),
    ``expected_recoverable`` (revenue_at_risk x recoverability),
    ``urgency`` (r(h) - r(h + urgency_hours)), ``priority``, ``deadline``
    (answer + the play's SLA), ``overdue`` (an open, live case past its
    deadline), ``play_script``, and ``owner`` when owners are given.
    ``attrs`` holds ``now`` (ISO 8601 text), ``sla_hours`` (per play), ``window_hours``,
    ``n_rows``, ``total_revenue_at_risk``, the counts ``queued``,
    ``contacted``, ``closed``, ``missed`` (dicts by play), and the detractor
    SLA: ``detractors_due`` (past their deadline, or contacted),
    ``detractors_within_sla`` and ``share_within_sla`` (NaN without
    `contacted_at`). The missed cases themselves: `missed_cases`.
    """
    return _rank(df, churn_risk=churn_risk, clv=clv, segment=segment, responded_at=responded_at,
                 contacted_at=contacted_at, closed=closed, now=now, sla_hours=sla_hours,
                 window_hours=window_hours, urgency_hours=urgency_hours, recovery=recovery,
                 owners=owners, top=top, keep=keep, cutoffs=cutoffs, threads=threads)[0]


def missed_cases(
    df: Any,
    *,
    churn_risk: Any,
    clv: Any,
    segment: Any = None,
    responded_at: Any = None,
    contacted_at: Any = None,
    closed: Any = None,
    now: Any = None,
    sla_hours: Any = DEFAULT_SLA_HOURS["recover"],
    window_hours: float | None = None,
    urgency_hours: float = DEFAULT_URGENCY_HOURS,
    recovery: Any = None,
    keep: Sequence[str] = (),
    cutoffs: Any = DEFAULT_CUTOFFS,
    threads: int = 0,
) -> pd.DataFrame:
    """The missed list (account review): open cases answered at least the
    window ago and never contacted by `now`, every play's, by revenue at risk
    (highest first). Arguments as in `prioritize`.

    Returns a DataFrame indexed by `df`'s labels: ``play``, the `keep`
    columns, ``churn_risk``, ``clv``, ``revenue_at_risk``, ``segment``,
    ``responded_at`` and ``hours_since_response``; ``attrs`` as in
    `prioritize`.
    """
    return _rank(df, churn_risk=churn_risk, clv=clv, segment=segment, responded_at=responded_at,
                 contacted_at=contacted_at, closed=closed, now=now, sla_hours=sla_hours,
                 window_hours=window_hours, urgency_hours=urgency_hours, recovery=recovery,
                 owners=None, top=None, keep=keep, cutoffs=cutoffs, threads=threads)[1]


if prioritize.__doc__:  # None under python -OO
    prioritize.__doc__ = prioritize.__doc__.format(doc=_RANK_DOC.rstrip())


# --- Revenue at risk by segment and slice -------------------------------------------------


def revenue_at_risk(
    df: Any,
    *,
    churn_risk: str,
    clv: str,
    by: Any = None,
    score: str | None = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
    customers: Any = None,
    customer: str = "customer_id",
) -> pd.DataFrame:
    """Revenue at risk (sum of P(churn) x CLV) by group, with revenue-weighted NPS.

    One row per group of the key columns `by` (e.g. a segment column, or
    ``["plan", "region"]``), or one row for everything when `by` is None:
    ``customers``, ``clv`` (total), ``revenue_at_risk``, ``share_of_risk``
    (of the total revenue at risk), ``risk_rate`` (revenue_at_risk / clv: the
    CLV-weighted churn risk), ``mean_churn_risk`` and ``expected_churners``
    (the sum of P(churn)); sorted by revenue at risk, highest first. With
    `score` (a 0-10 score column), also ``nps`` and ``revenue_weighted_nps``
    (every row weighted by its CLV, QuestionPro/GreenBook 2017; with one row
    per customer each customer's CLV counts once), both from
    `npscore.by_group` / `npscore.summarize`, with their intervals.

    `customers` (optional): the table of all customers, with the `customer`
    id column and the `churn_risk` and `clv` columns. Those whose id is not
    in ``df[customer]`` (who never answered) add one last row with
    ``answered`` False and missing keys, so that their value is not lost
    from view; ``share_of_risk`` is then of the total over both. Without
    `customers` there is no ``answered`` column.
    """
    df, keys = keyed(as_frame(df), by, "by")
    risk = _float_column(column(df, churn_risk, "churn_risk"), f"column {churn_risk!r}")
    value = _float_column(column(df, clv, "clv"), f"column {clv!r}")
    if keys and not len(df):  # no rows, no group (the core reads no codes as one group)
        out = group_codes(df, keys)[1].iloc[:0]
        t = {k: (v[:0] if isinstance(v, np.ndarray) else v)
             for k, v in _npscore.revenue_at_risk(risk, value, None, 1).items()}
    elif keys:
        codes, out = group_codes(df, keys)
        t = _npscore.revenue_at_risk(risk, value, np.ascontiguousarray(codes, dtype=np.int32), len(out))
    else:
        out = pd.DataFrame(index=[0])
        t = _npscore.revenue_at_risk(risk, value, None, 1)
    out["customers"] = t["customers"]
    out["clv"] = t["clv"]
    out["revenue_at_risk"] = t["revenue_at_risk"]
    total = t["total_revenue_at_risk"]
    for name in ("share_of_risk", "risk_rate", "mean_churn_risk", "expected_churners"):
        out[name] = t[name]
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
    total_clv = float(t["total_clv"])
    if customers is not None:
        out, total, total_clv = _with_never_answered(out, df, customers, customer, churn_risk,
                                                     clv, float(total), total_clv)
    out.attrs["total_revenue_at_risk"] = float(total)
    out.attrs["total_clv"] = total_clv
    return out


def _with_never_answered(out: pd.DataFrame, df: pd.DataFrame, customers: pd.DataFrame,
                         customer: str, churn_risk: str, clv: str, total: float,
                         total_clv: float) -> tuple[pd.DataFrame, float, float]:
    """`out` with ``answered`` and a last row for the customers of
    `customers` absent from `df`; the new totals of risk and CLV."""
    table = _args.frame(customers, "customers")
    ids = column(table, customer, "customer")
    silent = table[~isin(ids, column(df, customer, "customer"))]
    risk = _float_column(column(silent, churn_risk, "churn_risk"),
                         f"column {churn_risk!r} of customers")
    value = _float_column(column(silent, clv, "clv"), f"column {clv!r} of customers")
    t = _npscore.revenue_at_risk(risk, value, None, 1)
    out = out.assign(answered=True)
    if len(silent):
        row = {"customers": t["customers"][0], "clv": t["clv"][0],
               "revenue_at_risk": t["revenue_at_risk"][0],
               "risk_rate": t["risk_rate"][0],
               "mean_churn_risk": t["mean_churn_risk"][0],
               "expected_churners": t["expected_churners"][0],
               "answered": False}
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
        total += float(t["total_revenue_at_risk"])
        total_clv += float(t["total_clv"])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_of_risk"] = out["revenue_at_risk"] / total if total > 0 else np.nan
    return out, total, total_clv


# --- From a response table to one row per customer -------------------------------------------


def _latest_rows(ids: Any, times: np.ndarray, groups: np.ndarray | None = None,
                 missing: str = "error") -> np.ndarray:
    """Rows (ascending) of each customer's latest response, per group code
    (-1: row left out), by the core's one rule (responses at the same instant
    in row order: a tie goes to the later row). Integer ids go to the core as
    they are; other ids (text, nullable, mixed) as codes."""
    text = isinstance(ids, pd.Series) and arrow_text(ids)  # factorized by Arrow, shared
    values = ids if text else ids.to_numpy() if isinstance(ids, pd.Series) else np.asarray(ids)
    as_ints = not text and (values.dtype.kind == "i" or (
        values.dtype.kind == "u" and (len(values) == 0 or values.max() <= np.iinfo(np.int64).max)))
    codes = values if as_ints else factorized(ids) if text else \
        pd.factorize(values, use_na_sentinel=False)[0]
    if groups is not None:
        groups = np.ascontiguousarray(groups, dtype=np.int64)
    out = _npscore.latest_responses(np.ascontiguousarray(codes, dtype=np.int64),
                                    np.ascontiguousarray(times, dtype=np.int64), groups, missing)
    return out["row"]


def latest_responses(
    responses: Any,
    customers: Any,
    *,
    customer: str = "customer_id",
    responded_at: str = "responded_at",
    score: str = "score",
    churn_risk: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
    missing: Missing = "error",
) -> pd.DataFrame:
    """One row per customer who answered: their latest response (by
    `responded_at`) joined with the customer table, in the order of those
    responses' rows.

    Tie rule (npscore's one rule, computed by the core): responses at the
    same instant are ordered by row, so of two answers of a customer with
    the same time stamp (a file with dates only) the later row is the
    latest, as after a stable sort by time
    (``sort_values(kind="stable")``); order the rows to decide ties
    otherwise. A missing `responded_at` (NaT) is an error
    naming its row, unless ``missing="skip"`` leaves such responses out.

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
    _args.option(missing, "missing", ("error", "skip"))
    responses = as_frame(responses, "responses")
    customers = _args.frame(customers, "customers")
    ids = column(responses, customer, "customer")
    times = utc_nanos(column(responses, responded_at, "responded_at"),
                      f"column {responded_at!r}", "UTC")
    table_ids = column(customers, customer, "customer")
    if churn_risk is not None and not isinstance(churn_risk, (str, pd.Series, Mapping)):
        raise TypeError("churn_risk must be a column name of customers, a Series or a mapping "
                        f"from customer id to P(churn), got {type(churn_risk).__name__}")
    rows = _latest_rows(ids, times, missing=missing)
    latest = responses.reset_index(drop=True).iloc[rows]
    try:
        frame = latest.merge(customers, on=customer, how="inner", suffixes=("", "_customer"))
    except ValueError:  # pandas refuses to join ids of different kinds (e.g. int and str)
        raise TypeError(f"customer column {customer!r} holds {ids.dtype} ids in responses but "
                        f"{table_ids.dtype} ids in customers: give both the same type") from None
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
            keys = frame[customer]
            if arrow_text(keys) and arrow_text(mapping.index) and mapping.dtype == np.float64 \
                    and is_unique(mapping.index):  # map's lookup, by Arrow's hash table
                pos = positions(keys, mapping.index)
                frame["churn_risk"] = np.where(pos >= 0, mapping.to_numpy()[np.maximum(pos, 0)]
                                               if len(mapping) else np.nan, np.nan)
            else:
                frame["churn_risk"] = keys.map(mapping).to_numpy(dtype=np.float64)
    return frame.reset_index(drop=True)
