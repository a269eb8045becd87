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
`compare_recovery` sets it side by side with them. `conversion` gives the
share of detractors and passives who move up a segment at their next answer,
contacted vs not; `program_roi` compares churn of cases contacted within the
SLA with late-or-never cases within bands of predicted churn risk, and the
revenue retained (an observational estimate). Everything is computed by the
C++ core (npscore/loop.h); docs/loop.md has the rules and the measured
coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import as_cutoffs, as_scores, column, instant, read_table, utc_nanos
from .nps import DEFAULT_CUTOFFS
from .priority import DEFAULT_RECOVERY, recoverability, segment_codes

__all__ = [
    "DEFAULT_EDGES", "DEFAULT_MIN_BIN_CASES", "DEFAULT_SLA_HOURS", "loop_metrics",
    "learn_recovery_curve", "compare_recovery", "DEFAULT_ROI_BANDS", "ROI_NOTE", "conversion",
    "program_roi", "ProgramRoi",
]

#: The default inner bin edges of `learn_recovery_curve`, in hours: bins
#: [0, 1), [1, 2), [2, 4), ..., [120, 168), [168, inf).
DEFAULT_EDGES: tuple[float, ...] = tuple(_npscore.loop_default_edges())
#: A bin with fewer cases is merged into the next (the core's default, 30).
DEFAULT_MIN_BIN_CASES: int = _npscore.defaults["min_bin_cases"]
#: The SLA of a first contact, hours after opening (the core's default, 24).
DEFAULT_SLA_HOURS: float = _npscore.defaults["loop_sla_hours"]

#: Quantile bands of churn risk in `program_roi` (the core's default, 5).
DEFAULT_ROI_BANDS: int = _npscore.defaults["roi_bands"]
#: What every `program_roi` result is, in the words a report prints beside it.
ROI_NOTE: str = _npscore.loop_roi_note

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


def _opened(df: pd.DataFrame, opened_at: Any) -> np.ndarray:
    """The opening times (required) as int64 ns UTC."""
    opened = _times(df, opened_at, "opened_at")
    if opened is None:
        raise TypeError("opened_at must be a column name or one time per case, not None")
    return opened


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
    opened = _opened(df, opened_at)
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


# --- Conversion ------------------------------------------------------------------------

_FROM = ("detractor", "passive", "both")
_CONVERSION_COLUMNS = (
    "contacted_cases", "contacted_no_next_answer", "contacted_answered", "contacted_converted",
    "contacted_share", "contacted_ci_low", "contacted_ci_high", "not_contacted_cases",
    "not_contacted_no_next_answer", "not_contacted_answered", "not_contacted_converted",
    "not_contacted_share", "not_contacted_ci_low", "not_contacted_ci_high", "difference",
    "ci_low", "ci_high", "p_value",
)


def _numbers(df: pd.DataFrame, arg: Any, role: str) -> np.ndarray:
    """A numeric column (a name or one value per case) as float64, NaN for
    missing; text is an error naming the row."""
    values = _values(df, arg, role)
    return np.ascontiguousarray(as_scores(values, role), dtype=np.float64)


def conversion(
    cases: Any,
    *,
    score: Any = "score",
    next_score: Any = "next_score",
    opened_at: Any = "opened_at",
    first_contact_at: Any = "first_contact_at",
    by: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
    confidence: float = 0.95,
    missing: str = "error",
) -> pd.DataFrame:
    """Detractors and passives who move up a segment at their next answer,
    contacted vs not contacted.

    A case converts when the customer's next answer is in a higher segment
    than the answer that opened it (a detractor to passive or promoter, a
    passive to promoter). Cases opened by promoters have no higher segment
    and are left out (``attrs["promoters"]``). A case without a next answer
    (``next_score`` NaN) is counted in its arm's ``no_next_answer`` and left
    out of the share, never dropped silently.

    Parameters
    ----------
    cases : DataFrame (pandas, polars, pyarrow)
        One row per case.
    score, next_score : column name or values
        The answer that opened the case, and the customer's next answer
        (NaN: none yet), whole numbers on the scale of ``cutoffs``.
    opened_at, first_contact_at : column name or values
        A case is contacted when ``first_contact_at`` is not NaT (not before
        the opening; None: no case contacted).
    by : column name, Series, or a list of them, optional
        Group keys (owner, period); a Series is aligned on the index.
    cutoffs : (detractor_max, passive_max[, scale_max])
        Segments of both scores.
    confidence : float
        Of the Wilson intervals of each share and of the difference's
        interval.
    missing : "error" or "skip"
        A missing ``score``: an error naming its row, or left out and counted
        (``attrs["skipped"]``).

    Returns
    -------
    DataFrame
        Three rows per group (the key columns first; three rows without
        ``by``), ``from_segment`` "detractor", "passive" and "both", with per
        arm (``contacted_*``, ``not_contacted_*``): cases, no_next_answer,
        answered, converted, share (converted / answered), ci_low, ci_high
        (Wilson); then ``difference`` (contacted - not contacted) with
        Newcombe's hybrid score interval ``ci_low``, ``ci_high`` and the
        two-sided ``p_value`` of equal shares (pooled two-proportion z-test;
        exact mid-p when an arm has fewer than 10 answers). ``attrs``:
        promoters, skipped, left_out, confidence and, with ``by``, ``all``
        (the three rows over every case, as a dict by ``from_segment``).
    """
    df, _ = read_table(cases, "cases")
    opened = _opened(df, opened_at)
    contact = _times(df, first_contact_at, "first_contact_at")
    if score is None or next_score is None:
        raise TypeError("score and next_score must be column names or one score per case: "
                        "conversion compares the answer that opened a case with the next one")
    s = _numbers(df, score, "score")
    s_next = _numbers(df, next_score, "next_score")
    codes, keys = _group_keys(df, by)
    if "from_segment" in keys.columns:
        raise ValueError("by names a column 'from_segment', the name of the result's own "
                         "column: rename it")
    confidence = _args.number(confidence, "confidence")
    missing = _args.option(missing, "missing", ("error", "skip"))
    r = _npscore.loop_conversion(opened, contact, s, s_next, codes,
                                 0 if codes is None else len(keys), as_cutoffs(cutoffs),
                                 confidence, missing)

    def rows(d: dict) -> pd.DataFrame:
        frame = pd.DataFrame({c: d[c] for c in _CONVERSION_COLUMNS})
        frame.insert(0, "from_segment", [_FROM[k] for k in d["from"]])
        return frame

    overall = rows(r["all"])
    if codes is None:
        out = overall
    else:
        repeated = keys.loc[keys.index.repeat(len(_FROM))].reset_index(drop=True)
        out = pd.concat([repeated, rows(r["groups"])], axis=1)
        out.attrs["all"] = {row["from_segment"]: {c: row[c] for c in _CONVERSION_COLUMNS}
                            for row in overall.to_dict(orient="records")}
    for k in ("promoters", "skipped", "left_out"):
        out.attrs[k] = int(r[k])
    out.attrs["confidence"] = confidence
    return out


# --- Program ROI -----------------------------------------------------------------------

_ROI_BAND_COLUMNS = (
    "risk_low", "risk_high", "mean_risk", "on_time", "on_time_churned", "on_time_rate", "late",
    "never", "late_churned", "late_rate", "difference", "ci_low", "ci_high", "p_value",
    "on_time_clv", "revenue_retained", "revenue_ci_low", "revenue_ci_high",
)
_ROI_TOTAL_COLUMNS = (
    "cases", "on_time", "late", "never", "excluded", "skipped", "bands", "on_time_rate",
    "late_rate", "naive_difference", "naive_ci_low", "naive_ci_high", "difference", "se",
    "ci_low", "ci_high", "p_value", "on_time_clv", "revenue_retained", "revenue_se",
    "revenue_ci_low", "revenue_ci_high",
)


@dataclass
class ProgramRoi:
    """The result of `program_roi`: churn of cases contacted within the SLA
    against late-or-never cases, by band of predicted churn risk (``bands``)
    and over all (``total``, one row), with the revenue retained.

    Every figure is an **observational estimate** (``observational`` is
    always True; ``note`` says why): the team chose whom to contact on time,
    so the comparison within risk bands removes the confounding that the
    churn risk explains, not all of it.
    """
    bands: pd.DataFrame
    total: pd.DataFrame
    confidence: float
    sla_hours: Any
    observational: bool = True
    note: str = field(default=ROI_NOTE)

    def to_dict(self) -> dict:
        return {"bands": self.bands.to_dict(orient="list"),
                "total": self.total.iloc[0].to_dict(), "confidence": self.confidence,
                "sla_hours": self.sla_hours, "observational": self.observational,
                "note": self.note}

    def __repr__(self) -> str:
        t = self.total.iloc[0]
        return (f"ProgramRoi(observational estimate: cases={int(t.cases)}, "
                f"on_time={int(t.on_time)}, late={int(t.late)}, bands={int(t.bands)}, "
                f"difference={t.difference:.4f} [{t.ci_low:.4f}, {t.ci_high:.4f}], "
                f"naive_difference={t.naive_difference:.4f}, "
                f"revenue_retained={t.revenue_retained:,.2f} "
                f"[{t.revenue_ci_low:,.2f}, {t.revenue_ci_high:,.2f}])")

    def _repr_html_(self) -> str:
        from . import _display as d
        t = self.total.iloc[0]
        pct = f"{self.confidence:.0%}"
        rows = [
            ("cases compared", d.number(int(t.cases)),
             f"{int(t.on_time):,} on time, {int(t.late):,} late or never ({int(t.never):,} never)"),
            ("churn difference (late − on time), within risk bands",
             d.number(t.difference, 4), f"{pct}: {d.number(t.ci_low, 4)} to "
             f"{d.number(t.ci_high, 4)}, p = {d.number(t.p_value, 4)}"),
            ("naive difference (ignoring risk)", d.number(t.naive_difference, 4),
             f"{pct}: {d.number(t.naive_ci_low, 4)} to {d.number(t.naive_ci_high, 4)}"),
            ("revenue retained", d.number(t.revenue_retained),
             f"{pct}: {d.number(t.revenue_ci_low)} to {d.number(t.revenue_ci_high)}"),
        ]
        band_rows = [
            (f"{b.risk_low:.3f}–{b.risk_high:.3f}", f"{int(b.on_time):,}",
             d.number(b.on_time_rate, 3), f"{int(b.late):,}", d.number(b.late_rate, 3),
             f"{d.number(b.difference, 3)} [{d.number(b.ci_low, 3)}, {d.number(b.ci_high, 3)}]",
             d.number(b.revenue_retained))
            for b in self.bands.itertuples()
        ]
        return (d.table("Program ROI (observational estimate)", ("", "estimate", "interval"),
                        rows)
                + d.table("By band of predicted churn risk",
                          ("risk", "on time", "churn", "late/never", "churn",
                           "difference", "revenue retained"), band_rows, note=self.note))


def program_roi(
    cases: Any,
    *,
    opened_at: Any = "opened_at",
    first_contact_at: Any = "first_contact_at",
    churned: Any = "churned",
    churn_risk: Any = "churn_risk",
    clv: Any = "clv",
    sla_hours: Any = DEFAULT_SLA_HOURS,
    score: Any = "score",
    detractors_only: bool = True,
    bands: int = DEFAULT_ROI_BANDS,
    confidence: float = 0.95,
    cutoffs: Any = DEFAULT_CUTOFFS,
    missing: str = "error",
) -> ProgramRoi:
    """What contacting detractors within the SLA retained: an observational
    estimate.

    Cases are on time when first contacted at or before ``opened_at`` +
    SLA, else late or never. Their churn is compared within quantile bands
    of the churn risk predicted at opening, so that riskier customers are
    not compared with safer ones: band edges are the lower quantiles k /
    ``bands`` of the risks (a case at an edge is in the lower band, equal
    risks share a band); a band without an on-time or a late case joins the
    next (the last the one before), which reads contacts and risks, never
    churn. Per band: the churn difference (late or never - on time) with
    Newcombe's hybrid score interval. Over all: the Mantel-Haenszel risk
    difference (weights on_time x late / cases) with a Wald interval from the
    bands' variances with one churn and one stay added to each arm
    (Agresti-Caffo); and revenue retained = sum over bands of the difference
    x the CLV of the band's on-time cases, with a delta-method interval
    (exact for this linear estimate, the CLVs taken as known; closed form, so
    C, C++ and Python agree to the last digit, unlike a bootstrap). The naive
    difference, ignoring risk, is given beside it: when riskier customers
    are contacted later it overstates the effect (docs/loop.md measures it).

    Parameters
    ----------
    cases : DataFrame (pandas, polars, pyarrow)
        One row per case.
    opened_at, first_contact_at : column name or values
        Opening (never NaT) and first contact (NaT: never; not before the
        opening). ``first_contact_at=None``: no case contacted.
    churned : column name or values
        1 / True churned, 0 / False not.
    churn_risk : column name or values
        P(churn) predicted at opening, in [0, 1].
    clv : column name or values
        The customer's value, finite and >= 0.
    sla_hours : float or column name / values
        The deadline of a first contact (24 h), or one per case.
    score : column name or values
        The answer that opened each case; with ``detractors_only`` only
        detractors by ``cutoffs`` are compared (the others counted in
        ``total.excluded``).
    detractors_only : bool
        False: every case given is compared and ``score`` is not read.
    bands : int
        Quantile bands of churn risk, 1..1000.
    confidence : float
        Of every interval.
    missing : "error" or "skip"
        A missing score, churned, churn_risk or clv: an error naming the
        column and row, or the case left out and counted (``total.skipped``).

    Returns
    -------
    ProgramRoi
        ``bands`` (one row per band: risk_low, risk_high, mean_risk, on_time,
        on_time_churned, on_time_rate, late, never, late_churned, late_rate,
        difference, ci_low, ci_high, p_value, on_time_clv, revenue_retained,
        revenue_ci_low, revenue_ci_high), ``total`` (one row: cases, on_time,
        late, never, excluded, skipped, bands, on_time_rate, late_rate,
        naive_difference, naive_ci_low, naive_ci_high, difference, se,
        ci_low, ci_high, p_value, on_time_clv, revenue_retained, revenue_se,
        revenue_ci_low, revenue_ci_high), ``observational`` (True) and
        ``note``. Both tables carry ``attrs["estimate"] = "observational"``.
    """
    df, _ = read_table(cases, "cases")
    opened = _opened(df, opened_at)
    contact = _times(df, first_contact_at, "first_contact_at")
    for name, arg in (("churned", churned), ("churn_risk", churn_risk), ("clv", clv)):
        if arg is None:
            raise TypeError(f"{name} must be a column name or one value per case, not None")
    y = _zero_one(_values(df, churned, "churned"), "churned")
    risk = _numbers(df, churn_risk, "churn_risk")
    value = _numbers(df, clv, "clv")
    default_sla, per_case = _sla(df, sla_hours)
    detractors_only = _args.flag(detractors_only, "detractors_only")
    scores = None
    if detractors_only:
        if score is None:
            raise TypeError("score must be a column name or one score per case when "
                            "detractors_only is True (False compares every case given)")
        scores = _numbers(df, score, "score")
    bands = _args.whole(bands, "bands", minimum=None)
    confidence = _args.number(confidence, "confidence")
    missing = _args.option(missing, "missing", ("error", "skip"))
    r = _npscore.loop_program_roi(opened, contact, per_case, scores, y, risk, value, default_sla,
                                  bands, confidence, as_cutoffs(cutoffs), missing)
    band_table = pd.DataFrame({c: r["bands"][c] for c in _ROI_BAND_COLUMNS})
    total = pd.DataFrame({c: [r["total"][c]] for c in _ROI_TOTAL_COLUMNS})
    for t in (band_table, total):
        t.attrs["estimate"] = "observational"
    return ProgramRoi(bands=band_table, total=total, confidence=confidence,
                      sla_hours=default_sla if per_case is None else sla_hours,
                      observational=bool(r["total"]["observational"]), note=str(r["note"]))
