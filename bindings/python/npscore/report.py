"""The main job's report: what is our NPS, how sure are we, where, what
changed since the last period, who is likely to leave and why, whom to
contact today and which problems to fix first.

`build_report(inputs, options)` computes every section from a `ReportInputs`
(the shipped sample or a user's files, mapped onto canonical columns) and
returns a `Report`: structured sections (paragraphs, tables of raw values,
figures), rendered as Markdown (`to_markdown`, pipe tables), one
self-contained HTML file (`to_html`), a JSON summary (`summary()`, schema
docs/report-summary.schema.json), the contact queue for a CRM (`queue`,
docs/report-queue.schema.json) and matplotlib figures (`figures`). A
section whose input is missing is present, with one line naming the input
that would enable it. `nps_report` (any response table) and
`sample_report` (the shipped sample) return the report's text.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union, cast, get_args

import numpy as np
import pandas as pd

from . import __version__
from . import _args
from . import _report_render as _render
from ._convert import arrow_text, column, factorized, forget, is_unique, isin, positions, \
    utc_nanos
from .churn import ChurnDataWarning
from .health import attribute_change, event_impact, health, segment_trends
from .nps import DEFAULT_CONFIDENCE, DEFAULT_METHOD, DEFAULT_MIN_N, by_group, compare, summarize
from ._types import Freq, Method, Missing, WeightBy

from .priority import DEFAULT_SLA_HOURS as _DEFAULT_SLA

METHODS: tuple[Method, ...] = ("wald", "adjusted-wald", "score")
SUMMARY_SCHEMA = "npscore.report.summary/1"
QUEUE_SCHEMA = "npscore.report.queue/1"

# The input (config key and flag) that enables a section, named when it is missing.
_NEEDS = {
    "customers": "the customers file ([customers] path, --customers)",
    "churn": "churn events ([churn] path, --churn)",
    "events": "an event log ([events] path, --events)",
    "transactions": "transactions ([transactions] path, --transactions)",
    "slices": "slice columns ([report] slices, --slices)",
    "value": ("a customer value: a CLV or ARR column ([customers] arr or clv, --value-column, "
              "--value-kind) or transactions ([transactions] path, --transactions)"),
    "comment": "a comment column ([responses] comment, --comment-column)",
    "survey_kind": "a survey kind column ([responses] survey_kind, --kind-column)",
    "cases": "a case log ([cases] path, --cases)",
    "case_outcome": ("a first contact time and an outcome in the case log ([cases] "
                     "first_contact_at and recovered or next_score)"),
    "case_roi": ("churned and churn_risk columns in the case log ([cases] churned, churn_risk) "
                 "and a customer value (a clv column in it, or the report's customer value)"),
}


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def _interval(lo: float, hi: float) -> str:
    return f"[{_signed(lo)}, {_signed(hi)}]"


def _level(confidence: float) -> str:
    """A confidence level as a percentage, without misleading rounding."""
    return f"{100 * confidence:.10g}%"


_NAT = np.iinfo(np.int64).min  # NaT as int64 nanoseconds


def _can_plot() -> bool:
    """Whether matplotlib (the `plot` extra) is installed: without it the
    report leaves its figures out and says so, every number stays."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


#: Said in place of a figure when matplotlib is not installed.
NO_FIGURE = "Figure left out: matplotlib is not installed (pip install \"npscore[plot]\")."


def _money(x: float, opt: "ReportOptions") -> str:
    return _render.money(x, opt.currency)


# --- The report's structure ---

@dataclass
class Table:
    """A table of raw values (the library's numbers, unrounded) and how each
    column prints (see `_report_render.format_cell`)."""

    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    name: str = ""
    caption: str = ""


@dataclass
class Bullets:
    """A list; an item's second line continues it."""

    items: list[str]


@dataclass
class FigureRef:
    """A place for `Report.figures[name]`."""

    name: str
    alt: str


Block = Union[str, Table, Bullets, FigureRef]


@dataclass
class Section:
    """One section: `key` (stable id, also the HTML anchor), `title`, heading
    `level` (2, or 3 for a part of the section before it), `blocks`, and
    `needs` naming the missing input when the section could not be computed.
    `data` holds the library results it shows (for the summary and tests;
    empty in a report built with `build_report(..., keep_data=False)`)."""

    key: str
    title: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)
    needs: Optional[str] = None
    data: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {b.name: b.frame for b in self.blocks if isinstance(b, Table)}

    def __repr__(self) -> str:  # one line: the blocks and data would fill a notebook cell
        state = f"not computed: needs {self.needs}" if self.needs else \
            f"{len(self.blocks)} blocks, {len(self.tables())} table(s)"
        return f"Section({self.key!r}, {self.title!r}, {state})"

    def text(self) -> str:
        return "\n".join(str(b) for b in self.blocks if isinstance(b, str))


def _needs(key: str, title: str, what: str, level: int = 2, why: str = "") -> Section:
    """A section whose input is missing: one line naming the input."""
    line = f"Not computed: needs {_NEEDS[what]}." + (f" {why}" if why else "")
    return Section(key, title, level, [line], needs=what)


@dataclass
class Report:
    """The report: title, lines about the data (`meta`), sections, figures
    (matplotlib, by file stem), the contact queue and the JSON summary."""

    title: str
    meta: list[str]
    sections: list[Section]
    figures: dict[str, Any] = field(default_factory=dict)
    queue: pd.DataFrame = field(default_factory=lambda: _empty_queue())
    summary_data: dict[str, Any] = field(default_factory=dict)

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {[s.key for s in self.sections]}")

    def to_markdown(self, figure_dir: Optional[str] = None) -> str:
        """Markdown with pipe tables; figures linked as `figure_dir/<name>.png`
        when `figure_dir` is given (where the PNGs are saved)."""
        return _render.to_markdown(self, figure_dir)

    def to_text(self) -> str:
        """What the terminal prints: the Markdown without image links."""
        return _render.to_markdown(self, None)

    def to_html(self) -> str:
        """One self-contained HTML file: inline CSS, plots as PNG data URIs."""
        return _render.to_html(self)

    def summary(self) -> dict[str, Any]:
        """The JSON summary (docs/report-summary.schema.json), a fresh copy."""
        return copy.deepcopy(self.summary_data)

    def close(self) -> None:
        """Releases the figures' memory (matplotlib keeps them until closed)."""
        self.figures.clear()

    def __repr__(self) -> str:  # one line; the whole report is to_text() / to_html()
        missing = [s.key for s in self.sections if s.needs]
        return (f"Report({self.title!r}: {len(self.sections)} sections"
                + (f" ({len(missing)} not computed: {', '.join(missing)})" if missing else "")
                + f", {len(self.figures)} figure{'' if len(self.figures) == 1 else 's'}, "
                f"queue of {_args.counted(len(self.queue), 'row')})")

    def _repr_markdown_(self) -> str:
        """Jupyter shows the report as its Markdown (pipe tables; the figures
        are in `figures`, and embedded in to_html()). Not to_html(): its page
        styles would restyle the notebook around it."""
        return self.to_markdown(None)


# --- Inputs and options ---

@dataclass
class ReportInputs:
    """The report's data, mapped onto canonical column names: the same frames
    and names as `npscore.datasets.Sample`, so the shipped sample and a user's
    files take one path. Only `responses` is required; a section whose input
    is None says which input would enable it.

    responses    customer_id (str), responded_at (datetime64[ns, UTC]), score,
                 optional comment, survey_kind, response_id, and the slice columns
    customers    customer_id (unique), optional signup_at (UTC), arr (value
                 used to weight NPS and revenue at risk), clv, owner, attributes
    transactions customer_id, date (UTC), amount: CLV by BG/NBD + Gamma-Gamma
                 when customers has no clv column
    churn        customer_id, churned (bool), churned_at (UTC or NaT): trains
                 and backtests the churn model; without it the documented prior
    events       time, kind, label, plan, theme, end (UTC): event impact
    owners       owner, capacity (contacts per day): the contact queue's owners
    contacts     response_id, contacted_at (UTC, NaT = not yet): the contact
                 log; the queue leaves contacted cases out and measures the SLA
    churn_columns  customers' attribute columns the churn model one-hot
                 encodes (None: the slices that are customers' columns)
    cases        the case log (`npscore.datasets.make_case_log`'s columns;
                 opened_at required): the "loop" section, and the open cases
                 the survey plan leaves out
    response_rate  the survey response rate the plan sizes invitations with
                 (None: estimated from the answers, docs/report.md)

    The customer value of the queue, revenue at risk and theme impact is
    customers' `clv` when present, else CLV from `transactions`, else
    customers' `weight` column (e.g. ARR, and the report says so).
    """

    responses: pd.DataFrame
    customers: Optional[pd.DataFrame] = None
    transactions: Optional[pd.DataFrame] = None
    churn: Optional[pd.DataFrame] = None
    events: Optional[pd.DataFrame] = None
    owners: Optional[pd.DataFrame] = None
    slices: Sequence[str] = ()           # slice columns (in responses after joining customers)
    weight: Optional[str] = None         # customers' value column weighting NPS, e.g. "arr"
    sla_hours: Sequence[float] = tuple(_DEFAULT_SLA.values())  # recover, make it a 10, advocacy
    timezone: str = "UTC"                # periods (months, quarters) are calendar periods here
    period: Freq = "Q"                   # period-over-period comparison and health periods
    data_note: str = ""                  # one line saying where the data came from
    contacts: Optional[pd.DataFrame] = None
    churn_columns: Optional[Sequence[str]] = None
    cases: Optional[pd.DataFrame] = None
    response_rate: Optional[float] = None

    @classmethod
    def from_sample(cls, sample: Any, data_note: str = "") -> "ReportInputs":
        """The inputs for a `npscore.datasets.Sample` (with the simulated
        contact log of `npscore.datasets.make_contacts`, and the sample's
        case log when it has one)."""
        from . import datasets

        slices = [c for c in ("plan", "region", "company_size", "industry")
                  if c in sample.customers]
        contacts = getattr(sample, "contacts", None)
        if contacts is None:
            contacts = datasets.make_contacts(sample.responses)
        return cls(responses=sample.responses, customers=sample.customers,
                   transactions=sample.transactions, churn=sample.churn,
                   events=sample.events, slices=slices, weight="arr", data_note=data_note,
                   contacts=contacts, churn_columns=["plan", "company_size"],
                   cases=getattr(sample, "cases", None))


@dataclass
class ReportOptions:
    """What the report analyses; column names refer to the response table
    (`build_report` sets them from its `ReportInputs`)."""

    score: str = "score"
    time: Optional[str] = "responded_at"
    by: Sequence[str] = ()
    weight: Optional[str] = None
    # Revenue weights count each account's weight once (`account`: the
    # column of account or customer ids); "response" gives every answer the
    # full weight. Without `account` every response is its own account.
    account: Optional[str] = None
    weight_by: WeightBy = "account"
    # Survey kinds (relational / transactional) are reported separately
    # when this column is in the table; None blends them.
    kind: Optional[str] = "survey_kind"
    method: Method = DEFAULT_METHOD
    confidence: float = DEFAULT_CONFIDENCE
    min_n: float = DEFAULT_MIN_N
    missing: Missing = "error"
    title: str = "NPS report"
    data_note: str = ""
    currency: str = "$"  # printed before amounts (tables and text): "$", "€", "EUR "
    # Distribution health: period length, periods shown, the slice whose
    # flags and trends are listed, events to mark, and where to save the plot.
    health_freq: Freq = "M"
    health_periods: int = 6
    health_by: Optional[str] = None
    events: Optional[pd.DataFrame] = None
    figure: Optional[Path] = None
    extra_sections: list[str] = field(default_factory=list)
    # Period over period (this period against the last) and the time zone
    # whose calendar periods are used; naive times are read in it.
    period: Freq = "Q"
    timezone: str = "UTC"
    # From score to action (build_report): churn horizon, rows shown per
    # table, themes listed, and the before/after window of event impact.
    horizon_days: float = 90.0
    top: int = 10
    themes: int = 5
    event_window: str = "60D"


_UNITS = {"D": "day", "day": "day", "W": "week", "W-MON": "week", "week": "week",
          "M": "month", "MS": "month", "ME": "month", "month": "month",
          "Q": "quarter", "QS": "quarter", "QE": "quarter", "quarter": "quarter"}


def _unit(freq: str) -> str:
    return _UNITS.get(freq, "period")


def _times(df: pd.DataFrame, opt: ReportOptions) -> np.ndarray:
    """The response times as UTC nanoseconds (naive times in opt.timezone)."""
    assert opt.time is not None
    return utc_nanos(column(df, opt.time, "time"), f"column {opt.time!r}", opt.timezone)


def _days(df: pd.DataFrame, opt: ReportOptions) -> str:
    """The dates the responses span, "first..last" in the report's time zone
    (that of its periods), or "all dates"."""
    if not opt.time or not len(df):
        return "all dates"
    t = _times(df, opt)  # NaT is the smallest int64: only the minimum must skip it
    t = t[t != _NAT] if t.min() == _NAT else t
    return _span(t.min(), t.max(), opt.timezone) if len(t) else "all dates"


def _label(v: Any) -> Optional[str]:
    """A slice value for the JSON summary: its text, None where missing."""
    return None if _missing_scalar(v) else str(v)


def _shown_label(v: Any) -> str:
    """A slice value in the report's text: its text, "(missing)" where missing."""
    return "(missing)" if _missing_scalar(v) else str(v)


def _shown_labels(values: Any) -> pd.Series:
    """`_shown_label` of each value, as a text column of the same index."""
    values = pd.Series(values)
    return pd.Series([_shown_label(v) for v in values.tolist()], index=values.index,
                     dtype=object)


def _missing_scalar(v: Any) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def _points(share_difference: float) -> str:
    """A difference of two shares in percentage points: +9.6 points."""
    return f"{100 * share_difference:+.1f} points"


def _points_interval(lo: float, hi: float) -> str:
    """An interval of differences of shares, the unit once: [+5.7, +13.5] points."""
    return f"[{100 * lo:+.1f}, {100 * hi:+.1f}] points"


def _p(p: float, name: str = "p") -> str:
    """A p-value in the text: "p = 0.042", "p < 0.001"."""
    return f"{name} < 0.001" if p < 0.001 else f"{name} = {p:.3f}"


def _sentence(text: str) -> str:
    """`text` as a sentence: its first letter upper case, a full stop."""
    return text[:1].upper() + text[1:] + "."


def _clipped(text: str, width: int = 40) -> str:
    """`text` cut to `width` characters, an ellipsis saying so."""
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def _local(times: pd.Series, tz: str) -> pd.Series:
    """Instants (aware, or naive UTC) in time zone `tz`."""
    t = pd.to_datetime(times)
    return (t.dt.tz_localize("UTC") if t.dt.tz is None else t).dt.tz_convert(tz)


def _span(first: Any, last: Any, tz: str) -> str:
    """"first..last" as dates in time zone `tz` (instants: UTC nanoseconds,
    or aware or UTC-naive Timestamps)."""
    def day(t: Any) -> str:
        t = pd.Timestamp(t)
        return f"{(t.tz_localize('UTC') if t.tz is None else t).tz_convert(tz):%Y-%m-%d}"
    if pd.isna(first) or pd.isna(last):
        return "no dates"
    return f"{day(first)}..{day(last)}"


def _denominator(n: float, df: pd.DataFrame, opt: ReportOptions, who: str = "all customers",
                 unit: str = "responses") -> str:
    """What an NPS was computed over: how many responses (or accounts), from
    which dates, of which customers."""
    unit = unit[:-1] if n == 1 and unit.endswith("s") else unit
    return f"({n:,.0f} {unit}, {_days(df, opt)}, {who})"


def _kinds(df: pd.DataFrame, opt: ReportOptions) -> list:
    """The survey kinds reported separately (none when not in the table)."""
    if not opt.kind or opt.kind not in df.columns:
        return []
    return sorted(df[opt.kind].dropna().unique(), key=str)


def _summary_dict(s: Any) -> dict[str, Any]:
    return {k: _render.finite(getattr(s, k)) for k in
            ("n", "nps", "se", "ci_low", "ci_high", "share_promoters", "share_passives",
             "share_detractors", "skipped") if hasattr(s, k)}


def _known_weight(df: pd.DataFrame, opt: ReportOptions) -> tuple[pd.DataFrame, int]:
    """The rows whose weight is known, and how many were left out: responses
    of customers missing from the customers file (kept, counted, by
    `unknown_customers = "keep"`) have no value to weight by."""
    known = column(df, opt.weight, "weight").notna().to_numpy()
    return (df, 0) if known.all() else (df[known], int((~known).sum()))


def _weighted(df: pd.DataFrame, opt: ReportOptions, who: str, level: str) -> tuple[str, Any]:
    """The weighted NPS line and its summary (None, and a line saying why,
    when no answered response has a positive weight)."""
    w_all = column(df, opt.weight, "weight").to_numpy(dtype=np.float64, na_value=np.nan)
    answered_all = ~pd.isna(column(df, opt.score, "score")).to_numpy()
    if not (answered_all & (w_all > 0)).any():
        none = int((answered_all & np.isnan(w_all)).sum())
        zero = int((answered_all & (w_all == 0)).sum())
        why = "; ".join([f"{_args.counted(none, 'answered response')} with none: empty in the "
                         "customers file, or their customer is not in it"] * bool(none)
                        + [f"{_args.counted(zero, 'answered response')} with 0"] * bool(zero))
        return (f"{opt.weight}-weighted NPS: not computed: no answered response has a value of "
                f"{opt.weight} above 0" + (f" ({why})." if why else " (no answered response)."),
                None)
    df, unknown = _known_weight(df, opt)
    scores = column(df, opt.score, "score")
    weights = column(df, opt.weight, "weight")
    account = None if opt.account is None else column(df, opt.account, "account")
    w = summarize(scores, weights, account=account, weight_by=opt.weight_by, method=opt.method,
                  confidence=opt.confidence, missing=opt.missing)
    answered = ~pd.isna(scores).to_numpy()
    rows = int(answered.sum())
    if account is not None and opt.weight_by == "account":
        accounts = account[answered].nunique()
        rule = (f"each {opt.account}'s {opt.weight} counted once, split over its responses; "
                f"{_args.counted(rows, 'response')} of {_args.counted(accounts, 'account')}")
    else:
        rule = f"each of {rows:,} responses weighted by its full {opt.weight}"
    if unknown:
        rule += (f"; {unknown:,} responses with no {opt.weight} (empty in the customers file, "
                 "or their customer is not in it) left out")
    return (f"{opt.weight}-weighted NPS {_signed(w.nps)}  {level} CI "
            f"{_interval(w.ci_low, w.ci_high)}, effective n = {w.n_effective:,.0f} "
            f"({rule}, {_days(df, opt)}, {who})"), w


def _overall_section(df: pd.DataFrame, opt: ReportOptions, announce: bool = False) -> Section:
    scores = column(df, opt.score, "score")
    s = summarize(scores, method=opt.method, confidence=opt.confidence, missing=opt.missing)
    level = _level(opt.confidence)
    sec = Section("overall", "Overall", data={"summary": s, "kinds": {}})
    sec.blocks += [
        f"NPS {_signed(s.nps)} {_denominator(s.n, df, opt)}  {level} CI "
        f"{_interval(s.ci_low, s.ci_high)} ({s.method}), SE {s.se:.2f}"
        + (f", {s.skipped:,} missing skipped" if s.skipped else ""),
        f"Promoters {s.share_promoters:.1%} | Passives {s.share_passives:.1%} | "
        f"Detractors {s.share_detractors:.1%}",
    ]
    other = []
    for m in METHODS:
        if m == s.method:
            continue
        o = summarize(scores, method=m, confidence=opt.confidence, missing=opt.missing)
        other.append(f"{m} {_interval(o.ci_low, o.ci_high)}")
    sec.blocks.append("Other interval methods: " + "; ".join(other))
    if opt.weight:
        line, w = _weighted(df, opt, "all customers", level)
        sec.blocks.append(line)
        sec.data["weighted"] = w
        if w is not None and opt.account is not None and opt.weight_by == "account":
            known, _ = _known_weight(df, opt)
            r = summarize(column(known, opt.score, "score"), column(known, opt.weight, "weight"),
                          weight_by="response", method=opt.method, confidence=opt.confidence,
                          missing=opt.missing)
            sec.blocks.append(f"(Weighting each response by its account's full {opt.weight} "
                              f"would give {_signed(r.nps)}: accounts that answer more often "
                              "would count more.)")
    elif announce:
        sec.blocks.append(f"Weighted NPS: not computed: needs {_NEEDS['value']}.")
    kinds = _kinds(df, opt)
    if kinds:
        sec.blocks.append(f"By survey kind ({opt.kind}): relational and transactional surveys "
                          "measure different things and are reported apart.")
        col = column(df, opt.kind, "kind")
        items = []
        for k in kinds:
            part = df[(col == k).to_numpy()]
            ks = summarize(column(part, opt.score, "score"), method=opt.method,
                           confidence=opt.confidence, missing=opt.missing)
            item = (f"{k}: NPS {_signed(ks.nps)} {_denominator(ks.n, part, opt)}  "
                    f"{level} CI {_interval(ks.ci_low, ks.ci_high)}")
            wk = None
            if opt.weight:
                line, wk = _weighted(part, opt, "all customers", level)
                item += "\n" + line
            sec.data["kinds"][str(k)] = (ks, wk)
            items.append(item)
        sec.blocks.append(Bullets(items))
    elif announce:
        sec.blocks.append(f"Survey kinds: one kind (or none recorded); to report relational and "
                          f"transactional surveys apart, give {_NEEDS['survey_kind']}.")
    return sec


def _slice_section(df: pd.DataFrame, opt: ReportOptions) -> Section:
    kinds = _kinds(df, opt)
    split = f", each {opt.kind} apart" if kinds else ""
    sec = Section("slices", f"NPS by slice (NPS over responses, {_days(df, opt)}, all customers"
                  f"{split}; n = responses; * = fewer than {opt.min_n:g} responses: do not read "
                  "much into it)", data={"tables": {}})
    for key in opt.by:
        keys = [opt.kind, key] if kinds and key != opt.kind else [key]
        t = by_group(df, score=opt.score, by=keys, min_n=opt.min_n, method=opt.method,
                     confidence=opt.confidence, missing=opt.missing)
        sec.data["tables"][key] = t
        table = pd.DataFrame({
            **({opt.kind: _shown_labels(t[opt.kind])} if len(keys) == 2 else {}),
            key: _shown_labels(t[key]) + np.where(t["small"], " *", ""),
            "n": t["n"],
            "promoters": 100 * t["share_promoters"],
            "passives": 100 * t["share_passives"],
            "detractors": 100 * t["share_detractors"],
            "NPS": t["nps"],
            "CI low": t["ci_low"],
            "CI high": t["ci_high"],
        })
        one = "{:.1f}"
        sec.blocks.append(Table(table, {"n": "int", "promoters": one, "passives": one,
                                        "detractors": one, "NPS": one, "CI low": one,
                                        "CI high": one}, name=key))
    return sec


def _health_table(df: pd.DataFrame, opt: ReportOptions, freq: str, by: Optional[str] = None
                  ) -> pd.DataFrame:
    assert opt.time is not None
    return health(df, score=opt.score, time=opt.time, freq=cast(Freq, freq), by=by,
                  tz=opt.timezone, method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)


def _period_labels(df: pd.DataFrame, opt: ReportOptions, h: pd.DataFrame) -> Any:
    """Each response's period label, as `health` labels its periods (the
    calendar of opt.timezone): the last period starting at or before it. A
    categorical when the labels are distinct: selecting a period compares
    integer codes, not a Python string per response."""
    t = _times(df, opt)
    starts = h["period_start"].array.as_unit("ns").asi8
    idx = np.searchsorted(starts, t, side="right") - 1
    labels = h["period"].to_numpy(dtype=object)
    codes = np.clip(idx, 0, len(labels) - 1)
    if len(labels) and pd.Index(labels).is_unique:
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(labels))
    return labels[codes]


def _period_lines(df: pd.DataFrame, q: Any, opt: ReportOptions, cur: str, prev: str,
                  who: str) -> tuple[list[str], Optional[dict[str, Any]]]:
    """NPS of two periods and their comparison, each with its denominator."""
    scores = column(df, opt.score, "score")
    a_sel, b_sel = q == cur, q == prev
    if not (a_sel.any() and b_sel.any()):
        return [f"No responses in {cur} or {prev} ({who})."], None
    a = summarize(scores[a_sel], method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)
    b = summarize(scores[b_sel], method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)
    c = compare(a, b, method=opt.method, confidence=opt.confidence)
    alpha = 1 - opt.confidence
    verdict = (f"significant at the {_level(alpha)} level" if c.p_value < alpha
               else f"not significant at the {_level(alpha)} level")
    lines = [
        f"{cur}: NPS {_signed(a.nps)} {_interval(a.ci_low, a.ci_high)} "
        f"{_denominator(a.n, df[a_sel], opt, who)}",
        f"{prev}: NPS {_signed(b.nps)} {_interval(b.ci_low, b.ci_high)} "
        f"{_denominator(b.n, df[b_sel], opt, who)}",
        f"Change {_signed(c.diff)} points, {_level(opt.confidence)} CI "
        f"{_interval(c.ci_low, c.ci_high)}, z = {c.z:.2f}, {_p(c.p_value)}: {verdict}.",
    ]
    data = {"current": {"period": str(cur), **_summary_dict(a)},
            "previous": {"period": str(prev), **_summary_dict(b)},
            "change": {k: _render.finite(getattr(c, k))
                       for k in ("diff", "se", "z", "p_value", "ci_low", "ci_high")}}
    return lines, data


def _period_section(df: pd.DataFrame, opt: ReportOptions, hp: pd.DataFrame) -> list[Section]:
    unit = _unit(opt.period)
    sec = Section("periods", f"This {unit} against the last",
                  data={"freq": opt.period, "timezone": opt.timezone, "by_kind": {}})
    q = _period_labels(df, opt, hp)
    periods = [p for p, n in zip(hp["period"], hp["n"]) if n > 0]  # periods with scores
    if len(periods) < 2:
        sec.blocks.append(f"Fewer than two {unit}s of data.")
        return [sec]
    cur, prev = periods[-1], periods[-2]
    if opt.timezone != "UTC":
        sec.blocks.append(f"Calendar {unit}s in {opt.timezone}.")
    sec.blocks.append(
        f"Each comparison below is one planned test of the last two {unit}s, not adjusted for "
        "others. The health table's \"p (adj.)\" judges the change of each of its periods among "
        "every period of the history (Holm), so it is stricter and grows as history grows; the "
        "health flags judge "
        "each period against its own baseline. A change significant here but not there is worth "
        "watching, not yet acting on.")
    kinds = _kinds(df, opt)
    if not kinds:
        lines, sec.data["blended"] = _period_lines(df, q, opt, cur, prev, "all customers")
        sec.blocks += lines
        return [sec]
    col = column(df, opt.kind, "kind")
    subs = []
    for k in kinds:
        sel = (col == k).to_numpy(dtype=bool, na_value=False)
        lines, sec.data["by_kind"][str(k)] = _period_lines(df[sel], q[sel], opt, cur, prev,
                                                           f"all customers, {k} surveys")
        subs.append(Section(f"periods_{k}", f"{k} surveys", 3, cast(list[Block], lines)))
    lines, sec.data["blended"] = _period_lines(df, q, opt, cur, prev,
                                               "all customers, all surveys")
    subs.append(Section("periods_all", "All surveys blended", 3, cast(list[Block], lines)))
    # The periods side by side: a change in one kind can hide in the blend.
    shown = periods[-6:]
    scores = column(df, opt.score, "score")
    grid: dict[str, dict[str, str]] = {}
    for k in [*kinds, "all"]:
        sel = np.ones(len(df), bool) if k == "all" else (col == k).to_numpy(dtype=bool,
                                                                             na_value=False)
        row = {}
        for p in shown:
            part = sel & (q == p)
            if not part.any():
                row[str(p)] = "-"
                continue
            ps = summarize(scores[part], missing=opt.missing)
            row[str(p)] = f"{_signed(ps.nps)} (n={ps.n:,.0f})"
        grid[str(k)] = row
    table = pd.DataFrame(grid).T
    table.index.name = opt.kind
    subs.append(Section("periods_grid", f"NPS by {unit} and {opt.kind} (NPS over each {unit}'s "
                        "responses, all customers)", 3,
                        [Table(table.reset_index(), name="grid")]))
    return [sec, *subs]


def _health_sections(df: pd.DataFrame, opt: ReportOptions, h: pd.DataFrame,
                     figures: dict[str, Any], announce: bool = False) -> list[Section]:
    k = opt.health_periods
    last = h.tail(k)
    table = pd.DataFrame({
        "period": last["period"],
        "n": last["n"],
        "promoters": 100 * last["share_promoters"],
        "passives": 100 * last["share_passives"],
        "detractors": 100 * last["share_detractors"],
        "NPS": last["nps"],
        "CI": [_interval(lo, hi) if pd.notna(lo) else "-"
               for lo, hi in zip(last["ci_low"], last["ci_high"])],
        "change": last["nps_change"],
        "p (adj.)": last["change_p_adjusted"],
        "flags": last["flags"].replace("", "-"),
    })
    one = "{:.1f}"
    main = Section("health", f"Distribution health (last {k} periods, freq {opt.health_freq!r}; "
                   "change p-values Holm-adjusted across all periods; flags as in "
                   "\"Health flags\")", data={"health": h})
    if opt.timezone != "UTC":
        main.blocks.append(f"Calendar periods in {opt.timezone}.")
    main.blocks.append(Table(table, {"n": "int", "promoters": one, "passives": one,
                                     "detractors": one, "NPS": one, "change": "signed",
                                     "p (adj.)": "p"}, name="health"))
    sliced = (_health_table(df, opt, opt.health_freq, opt.health_by)
              if opt.health_by else h.assign(_all="all"))
    main.data["sliced"] = sliced
    key = opt.health_by or "_all"
    recent = list(h["period"].tail(k))
    out = [main, _flag_section(sliced, key, recent, opt, h if opt.health_by else None),
           _trend_section(df, sliced, key, recent, opt)]
    drivers = None
    if opt.health_by and len(h) >= 2:
        a_label, b_label = h["period"].iloc[-2], h["period"].iloc[-1]
        try:
            drivers = attribute_change(df, by=opt.health_by, period_a=a_label, period_b=b_label,
                                       score=opt.score, time=cast(str, opt.time),
                                       freq=opt.health_freq, tz=opt.timezone,
                                       missing=opt.missing)
        except ValueError as e:  # too little data in the two periods: say so
            out.append(Section("drivers", "What drove the last change", 3,
                               [f"Not computed for {a_label} -> {b_label}: {e}."]))
    if drivers is not None:
        cols = [opt.health_by, "n_a", "n_b", "nps_a", "nps_b", "mix", "rate", "total"]
        two = "{:.2f}"
        out.append(Section(
            "drivers", f"What drove the last change ({a_label} -> {b_label}: NPS "
            f"{_signed(drivers.attrs['nps_a'])} -> {_signed(drivers.attrs['nps_b'])}, "
            f"{_signed(drivers.attrs['change'])} points) by {opt.health_by}", 3,
            ["mix = the slice's share of respondents changed; rate = its NPS changed; "
             "the totals add up to the change. A slice without answers in one period has "
             "no NPS there (-): its effect is all mix.",
             Table(_observed_nps(drivers[cols].reset_index(drop=True)).assign(
                 **{opt.health_by: lambda d: _shown_labels(d[opt.health_by])}),
                   {c: two for c in ("nps_a", "nps_b", "mix", "rate", "total")},
                   name="drivers")], data={"drivers": drivers}))
    elif announce and not opt.health_by:
        out.append(_needs("drivers", "What drove the last change", "slices", 3,
                          "The change is attributed to the slices' mix and rates."))
    if opt.events is not None and len(opt.events):
        w = opt.event_window
        impact = event_impact(df, opt.events, window=w, by=opt.health_by, score=opt.score,
                              time=cast(str, opt.time), tz=opt.timezone, missing=opt.missing,
                              method=opt.method, confidence=opt.confidence)
        cols = ["time", "label", *([opt.health_by] if opt.health_by else []), "n_before",
                "nps_before", "n_after", "nps_after", "diff", "p_adjusted"]
        shown = impact[cols].reset_index(drop=True)
        shown["time"] = _local(shown["time"], opt.timezone)  # dates as the periods', not UTC
        shown["label"] = shown["label"].astype(str).map(_clipped)
        if opt.health_by:
            shown[opt.health_by] = _shown_labels(shown[opt.health_by])
        three = "{:.3f}"
        days = w[:-1] if isinstance(w, str) and w.endswith("D") else w
        blank = int(((shown["n_before"] == 0) | (shown["n_after"] == 0)).sum())
        out.append(Section(
            "events", f"Events: NPS {days} days before and after (p-values Holm-adjusted)", 3,
            [Table(shown, {"time": "date", "n_before": "int", "n_after": "int",
                           "nps_before": three, "nps_after": three, "diff": three,
                           "p_adjusted": "p"}, name="events")]
            + ([f"{blank:,} of the {len(shown):,} rows have no answers {days} days before or "
                "after the event (-): the answers do not cover that time, so there is nothing "
                "to compare."] if blank else []), data={"impact": impact}))
    elif opt.events is not None:
        out.append(Section("events", "Events", 3, ["The event log has no events."]))
    elif announce:
        out.append(_needs("events", "Events", "events", 3,
                          "Each event's NPS before and after is compared."))
    if not _can_plot():
        main.blocks.append(NO_FIGURE)
        return out
    from . import plot

    figures["health"] = plot.health(h, events=opt.events,
                                     title="Distribution health (all responses)")
    main.blocks.append(FigureRef("health", "Distribution health: NPS and segment shares by "
                                 "period, with flags and events"))
    if opt.figure is not None:
        figures["health"].savefig(opt.figure, dpi=110)
        main.blocks.append(f"Plot: {opt.figure}")
    return out


def _observed_nps(t: pd.DataFrame) -> pd.DataFrame:
    """attribute_change's table as shown: a slice without answers in a
    period has no NPS there ("-"); the decomposition takes the other
    period's, so that its effect is all mix, and its totals stay as they are."""
    return t.assign(nps_a=t["nps_a"].where(t["n_a"] > 0), nps_b=t["nps_b"].where(t["n_b"] > 0))


def _flag_section(sliced: pd.DataFrame, key: str, recent: list, opt: ReportOptions,
                  overall: Optional[pd.DataFrame] = None) -> Section:
    """The flags of the last periods, each naming what it compared against
    (those of all responses first, when the flags are by slice: the health
    table shows them), and what each slice's newest period could reveal."""
    freq = opt.health_freq
    attrs = sliced.attrs
    by = f" by {opt.health_by}" if opt.health_by else ""
    sec = Section("health_flags", f"Health flags{by} ({recent[0]} to {recent[-1]})", 3)
    sec.blocks.append(
        f"Each {freq!r} period is judged as it was when it closed, against its baseline: "
        f"{attrs['baseline']}; p-values: {attrs['flag_adjustment']} "
        f"(mode {attrs['flag_mode']!r})"
        + ("; the flags of all responses are judged alike, over their own tests"
           if overall is not None else "")
        + ". level_shift is a CUSUM of the periods' deviations from their baselines.")

    def flagged(t: pd.DataFrame) -> pd.DataFrame:
        return t[(t["period"].isin(recent) & (t["flags"] != "") & ~t["flag_low_n"]).to_numpy()]

    rows = flagged(sliced)
    everyone = flagged(overall) if overall is not None else overall
    sec.data["flags"] = rows
    sec.data["overall_flags"] = everyone
    if rows.empty and (everyone is None or everyone.empty):
        sec.blocks.append(f"No flags in the last {len(recent)} periods (small groups are not "
                          "judged).")
    items = []
    for label, t in ((None, everyone), (key, rows)):
        for _, r in (t.iterrows() if t is not None else ()):  # a handful of flagged rows
            against = (f" [baseline {r['baseline_from']} to {r['baseline_to']}, "
                       f"n = {int(r['baseline_n']):,}]" if pd.notna(r["baseline_from"]) else "")
            who = "All responses" if label is None else _shown_label(r[label])
            items.append(f"{who} {r['period']}: {r['flags'].replace(',', ', ')} - "
                         f"{r['reasons']}{against}")
    if items:
        sec.blocks.append(Bullets(items))
    # The size of change the newest period of each slice could reveal.
    newest = sliced[((sliced["period"] == recent[-1])
                     & sliced["min_detectable_drop"].notna()).to_numpy()]
    if len(newest):
        alpha = attrs["thresholds"]["drop_alpha"]
        power = attrs["thresholds"]["power"]
        sizes = "; ".join(f"{_shown_label(r[key])} SE {r['se']:.1f}, "
                          f"{r['min_detectable_drop']:.0f} points"
                          for _, r in newest.iterrows())
        sec.blocks.append(f"What {recent[-1]} could reveal (NPS standard error, and the smallest "
                          f"drop nps_drop detects with {power:.0%} power at alpha {alpha:g} / "
                          f"tests of the period): {sizes}.")
    return sec


def _trend_section(df: pd.DataFrame, sliced: pd.DataFrame, key: str, recent: list,
                   opt: ReportOptions) -> Section:
    """Segment trends over the window of the last periods, labelled as such,
    each with the flags its slice raised in that window (trends describe the
    whole window; flags judge each period against its own baseline)."""
    k = len(recent)
    if k < 3:  # a slope needs three periods
        return Section("trends", "Segment trends", 3,
                       [f"Not computed: {k} period(s) of data; a trend needs at least 3."])
    trends = segment_trends(df, periods=k, score=opt.score, time=cast(str, opt.time),
                            freq=opt.health_freq, by=opt.health_by, tz=opt.timezone,
                            missing=opt.missing)
    moving = trends[trends["direction"] != "flat"]
    over = f"{opt.health_by} x segments" if opt.health_by else "segments"
    sec = Section("trends", f"Segment trends over the window {recent[0]} to {recent[-1]} "
                  f"({k} periods)", 3, data={"trends": trends})
    sec.blocks.append("Least-squares slope of each share over the whole window, weighted by n; "
                      f"p-values Holm-adjusted over {over}.")
    if moving.empty:
        sec.blocks.append("Every segment share is flat (no trend significant after adjustment).")
    window = sliced[(sliced["period"].isin(recent) & (sliced["flags"] != "")
                     & ~sliced["flag_low_n"]).to_numpy()]
    items = []
    for _, r in moving.iterrows():  # the few significant trends
        where = f"{_shown_label(r[opt.health_by])}: " if opt.health_by else ""
        mine = window[window[key] == r[opt.health_by]] if opt.health_by else window
        if len(mine):
            flagged = ", ".join(f"{p} ({f.replace(',', ', ')})"
                                for p, f in zip(mine["period"], mine["flags"]))
            note = f"; flagged in {flagged}"
        else:
            note = ("; no period of the window flagged: each stayed within what its own "
                    "baseline allows (a gradual drift)")
        items.append(
            f"{where}{r['segment']} {r['direction']} {r['slope_points']:+.2f} points/period "
            f"({100 * r['start_share']:.1f}% -> {100 * r['end_share']:.1f}%, "
            f"{_p(r['p_adjusted'], 'p adj.')}){note}")
    if items:
        sec.blocks.append(Bullets(items))
    return sec


# --- From score to action: churn risk, the contact queue, revenue at risk, themes ---

PLAYS = ("recover", "make_it_a_10", "advocacy")
#: Reason stability (30 bootstrap refits) runs on at most this many customers
#: of the backtest's test set, a seeded random subset (seed 0) when there are
#: more: each refit costs a fit of the whole set.
STABILITY_ROWS = 100_000
QUEUE_COLUMNS: dict[str, str] = {
    # name: pandas dtype of the queue's column (docs/report-queue.schema.json)
    "play": "str", "rank": "int64", "customer_id": "str", "response_id": "str",
    "score": "float64", "segment": "str", "responded_at": "datetime64[ns, UTC]",
    "hours_since_response": "float64", "deadline": "datetime64[ns, UTC]", "overdue": "bool",
    "churn_risk": "float64", "clv": "float64", "revenue_at_risk": "float64",
    "recoverability": "float64", "expected_recoverable": "float64", "priority": "float64",
    "owner": "str", "reason_1": "str", "reason_2": "str", "reason_3": "str",
    "play_script": "str",
}


def _empty_queue() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if t == "str" else t)
                         for c, t in QUEUE_COLUMNS.items()})


def _looked_up(keys: pd.Series, table: pd.Series) -> np.ndarray:
    """`keys.map(table).to_numpy()` for a table with unique index labels, by
    one hash lookup of the keys (NaN where absent)."""
    if not is_unique(table.index):
        return keys.map(table).to_numpy()
    pos = positions(keys, table.index, read_only=True)
    values = table.to_numpy()
    out = values[np.where(pos >= 0, pos, 0)] if len(values) else np.full(len(pos), np.nan)
    if (pos < 0).any():
        out = np.where(pos >= 0, out, np.nan)
    return out


def _few_looked_up(keys: Union[pd.Series, pd.Index], table: pd.Series) -> np.ndarray:
    """`table.reindex(keys).to_numpy()` for a few keys in a large table: the
    rows holding a key (one pass, the keys hashed), then reindexed; pandas'
    reindex of the whole table would build, and keep with its index, a hash
    table of a Python object per label."""
    return table[isin(table.index, keys)].reindex(keys).to_numpy()


@dataclass
class _Value:
    """The customer value used for money: per customer_id, what it is."""

    by_customer: pd.Series
    basis: str          # "clv", "clv_from_transactions" or the weight column (e.g. "arr")
    label: str          # "CLV" or "ARR"
    note: str


def _customer_value(inputs: ReportInputs, now: pd.Timestamp) -> Optional[_Value]:
    customers = inputs.customers
    if customers is None:
        return None
    ids = customers["customer_id"]
    if "clv" in customers.columns:
        return _Value(pd.Series(customers["clv"].to_numpy(float), index=ids), "clv", "CLV",
                      "CLV: the customers' clv column.")
    if inputs.transactions is not None and len(inputs.transactions):
        from .clv import BetaGeo, GammaGamma, customer_lifetime_value, rfm_summary

        tx = inputs.transactions
        dates = pd.Series(utc_nanos(tx["date"], "transactions column 'date'", "UTC"))
        later = int((dates > now.value).sum())
        if later:  # the observation ends with the last response: later purchases wait
            tx = tx[(dates <= now.value).to_numpy()]
        rfm = rfm_summary(tx, customer="customer_id", date="date",
                          amount="amount", observation_end=now, freq="W")
        bg = BetaGeo().fit(rfm["frequency"], rfm["recency"], rfm["T"])
        rep = rfm[rfm["frequency"] > 0]
        gg = GammaGamma().fit(rep["frequency"], rep["monetary_value"])
        clv = customer_lifetime_value(bg, gg, rfm["frequency"], rfm["recency"], rfm["T"],
                                      rfm["monetary_value"], time=12)
        # Indexed by the customers' own id column (no Python object per id): the
        # later lookups of responses' ids in it are those of the join, shared.
        index = pd.Index(ids).rename(None)
        value = pd.Series(clv, index=rfm.index).reindex(index).fillna(0.0)
        value.index = index
        return _Value(value, "clv_from_transactions", "CLV",
                      f"CLV: 12 months, discounted, from transactions by BG/NBD + Gamma-Gamma "
                      f"fitted as of {now:%Y-%m-%d} on {len(rfm):,} customers (customers "
                      "without transactions count 0"
                      + (f"; {later:,} transactions after it left out" if later else "") + ").")
    if inputs.weight and inputs.weight in customers.columns:
        return _Value(pd.Series(customers[inputs.weight].to_numpy(float), index=ids),
                      inputs.weight, inputs.weight.upper(),
                      f"Customer value: {inputs.weight} (no CLV column and no transactions: "
                      "money at risk is in annual revenue, not lifetime value).")
    return None


def _churn_section(inputs: ReportInputs, opt: ReportOptions, now: pd.Timestamp,
                   value: Optional[_Value], keep_data: bool = True) -> tuple[Section, Any]:
    """Churn risk with reasons; returns the section and (risk, reasons,
    responses, active customers, the number of active customers' responses).
    The responses (customer, score, time and _ROW) are the active customers'
    or, with a customers frame, every response: the churned customers' then
    drop out of every join on the active customers. Without `keep_data`
    the backtest in the section's data keeps only its numbers (its train
    and test features, ~0.7 GB at 2M customers, go before scoring)."""
    from .churn import ChurnModel, _backtest, churn_features, evaluate

    horizon = opt.horizon_days
    top = opt.top
    # The churn model and the SLA count read each response's customer, score
    # and time only: where churned customers' responses must be dropped (no
    # customers frame, or a score or time missing), that copies these (and
    # their row, _ROW); the latest responses' other columns are taken by row
    # for the queue (_response_columns), not copied for 10M responses.
    responses, customers = inputs.responses, inputs.customers
    responses = responses[[c for c in _CORE if c in responses.columns]]
    rows = np.arange(len(responses))
    features: dict[str, Any] = {"missing": opt.missing}
    if customers is not None:
        cols = (list(inputs.churn_columns) if inputs.churn_columns is not None
                else [c for c in inputs.slices if c in customers.columns and c != "customer_id"])
        # Responses of customers absent from the customers file (kept for the NPS
        # sections, counted in the data note) have no customer to score.
        features.update(signup="signup_at" if "signup_at" in customers.columns else None,
                        columns=cols or None, static_columns=True, unknown="skip")
    sec = Section("churn", f"Churn risk (next {horizon:g} days)", data={"model": "prior"})
    gone = pd.Index([])
    n_active, churned_rows = len(responses), 0
    model = ChurnModel.prior(horizon)
    if inputs.churn is not None:
        churn = inputs.churn
        churned_at = pd.to_datetime(churn["churned_at"])
        end = max(now, pd.Timestamp(churned_at.max())) if churned_at.notna().any() else now
        # Honest estimate: train as of one date, test on the churn that followed a
        # later one; the test horizon ends with the data.
        test_as_of = (end - pd.Timedelta(days=horizon)).floor("D")
        train_as_of = test_as_of - pd.Timedelta(days=2 * horizon)
        data = {"responses": responses, "customers": customers, "churn": churn}
        try:
            # backtest; without keep_data one side's features at a time.
            bt = _backtest(data, train_as_of, test_as_of, horizon,
                           lambda: ChurnModel(standardize=True), "auto", dict(features),
                           keep_train=keep_data)
        except ValueError as e:
            bt = None
            sec.blocks.append(f"The backtest (train as of {train_as_of:%Y-%m-%d}, test after "
                              f"{test_as_of:%Y-%m-%d}) could not run on this history: {e}. "
                              "Scored with the prior (ChurnModel.prior: segment base rates, "
                              "docs/sources.md §5) instead.")
            sec.data["backtest_error"] = str(e)
        if bt is not None:
            y_test = bt.split.y_test.to_numpy()
            ev = evaluate(y_test, bt.p_test.to_numpy())
            pe = evaluate(y_test, bt.p_prior.to_numpy())
            # The model is used only where it beats the prior on the backtest; the
            # reasons' stability is measured on the refit either way.
            fitted = ChurnModel(standardize=True).fit(bt.split.X_test, y_test)
            X_stab, y_stab, model_stab = bt.split.X_test, y_test, fitted
            if len(y_test) > STABILITY_ROWS:  # bounded: 30 refits of every customer cost minutes
                pick = np.sort(np.random.default_rng(0).choice(len(y_test), STABILITY_ROWS,
                                                               replace=False))
                X_stab, y_stab = X_stab.iloc[pick], y_test[pick]
                model_stab = ChurnModel(standardize=True).fit(X_stab, y_stab)
            stab = model_stab.reason_stability(X_stab, y_stab, n_boot=30)
            if bt.beats_prior:
                model = fitted
                sec.data["model"] = "model"
            n_features, n_test = bt.split.X_test.shape[1], len(y_test)
            del X_stab, y_stab, model_stab, y_test, fitted  # the test features' last holders
            if not keep_data:  # the summary reads its numbers only
                bt = dataclasses.replace(bt, model=None, split=None, p_test=None, p_prior=None)
            sec.data.update(backtest=bt, evaluation=ev, prior_evaluation=pe,
                            train_as_of=train_as_of, test_as_of=test_as_of)
            scores = pd.DataFrame({
                "": ["model", "prior (baseline)"],
                "ROC AUC": [ev.auc, pe.auc], "Brier": [ev.brier, pe.brier],
                "log loss": [ev.log_loss, pe.log_loss],
                "top-decile lift": [f"{ev.lift:.2f}x", f"{pe.lift:.2f}x"],
            })
            signals = ", ".join(features.get("columns") or []) or "none"
            if bt.beats_prior:
                used = (f"Scored with the model (L2 logistic regression, standardised, on "
                        f"{n_features} signals from NPS history and the account: "
                        f"{signals}), refit on {test_as_of:%Y-%m-%d}: it beats the prior on "
                        "both AUC and Brier.")
            else:
                used = ("Scored with the prior (ChurnModel.prior: segment base rates, no "
                        f"training): the {n_features}-signal model does not beat "
                        "it on the backtest (it needs a higher AUC and a lower Brier score).")
            unstable = ", ".join(f"{k} {v:.0%}" for k, v in stab.sign_stability.items()
                                 if v < 0.9)
            sec.blocks += [
                f"Backtest: trained as of {train_as_of:%Y-%m-%d} (n = {bt.n_train:,}), tested on "
                f"churn after {test_as_of:%Y-%m-%d} (n = {bt.n_test:,}, churn rate "
                f"{bt.test_churn_rate:.1%}); the baseline is the prior (segment base rates) on "
                "the same customers:",
                Table(scores, {"ROC AUC": "{:.3f}", "Brier": "{:.4f}", "log loss": "{:.4f}"},
                      name="backtest"),
                f"Model ROC AUC {ev.auc:.3f} / Brier {ev.brier:.4f} against the prior's ROC AUC "
                f"{pe.auc:.3f} / Brier {pe.brier:.4f}. " + used,
                f"Reason stability of the model over {stab.n_boot} bootstrap refits"
                + (f" (on a random {STABILITY_ROWS:,} of the {n_test:,} customers, refit "
                   "on them: a smaller sample varies more, so this understates the stability)"
                   if n_test > STABILITY_ROWS else "") + ": the top "
                f"reason is unchanged in {stab.mean_top_reason_agreement:.0%} of refits per "
                "customer on average; "
                + (f"coefficients whose sign holds in fewer than 90% of refits: {unstable}."
                   if unstable else "every coefficient keeps its sign in at least 90% of "
                                    "refits."),
            ]
        _release_unused()  # what the backtest freed, before the copies below
        # Score the customers still with us: those who have churned are gone.
        by_id = churn.set_index("customer_id")["churned_at"]
        by_id = pd.to_datetime(by_id)
        gone = by_id.index[(by_id.notna() & (by_id <= now)).to_numpy()]
        gone_ids = pd.Series(gone, dtype=churn["customer_id"].dtype)
        # isin, not positions: a one-off lookup, not kept in the shared cache.
        active = ~isin(responses["customer_id"], gone_ids)
        n_active = int(active.sum())
        if customers is not None:
            stayed = ~isin(customers["customer_id"], gone_ids)
            # The churned customers of the customers file (the churn file may
            # name others: they are no customers of this report).
            gone = gone[isin(gone_ids, customers["customer_id"])]
            customers = customers[stayed]
        if customers is not None and not any(responses[c].isna().any()
                                             for c in ("score", "responded_at")
                                             if c in responses.columns):
            # No copy of the active customers' responses: the churned ones'
            # are not in `customers`, so churn_features skips them as unknown
            # (taken out of that count below; none of their scores or times is
            # missing and the NPS sections checked every score, so nothing else
            # of them counts or fails), and the queue's joins on `customers`
            # drop them.
            churned_rows = len(responses) - n_active
        else:
            responses, rows = responses[active], np.flatnonzero(active)
        del active
    else:
        sec.blocks.append(
            f"No churn history: scored with the documented prior (ChurnModel.prior: segment base "
            f"rates over {horizon:g} days, docs/sources.md §5), not trained on this data; give "
            f"{_NEEDS['churn']} to train and backtest a model.")
        sec.data["prior_reason"] = "no churn input"
    sec.blocks.append(
        "Reasons: score, mean, lowest score and segment are one \"score history\" reason; none "
        "comes from a filled-in value (customers who never answered) or an inapplicable one, "
        "nor from a signal whose coefficient contradicts its documented direction.")
    X_now = churn_features(responses, customers, as_of=now, **features)
    if churned_rows:
        X_now.attrs["skipped_unknown_customers"] -= churned_rows
    absent = [c for c in (model.design_columns_ or []) if c not in X_now.columns]
    if absent:  # only the prior reads a column the features may lack (no signup dates)
        X_now = X_now.assign(**{c: 0.0 for c in absent})
        sec.blocks.append(f"Without {', '.join(absent)} (it needs signup dates: a signup_at "
                          "column in the customers file) the prior reads it as 0.")
    skipped = int(X_now.attrs.get("skipped_unknown_customers", 0))
    _release_unused()  # churn_features' working memory, before explain's
    reasons = model.explain(X_now, top=3)
    risk = reasons["churn_probability"]
    later = 0
    if customers is not None:  # customers who signed up after `now` are not scored
        known = isin(customers["customer_id"], risk.index)
        later = int((~known).sum())
        if later:  # else the same frame: its id lookups are shared with the later stages
            customers = customers[known]
    sec.data.update(X_now=X_now, reasons=reasons, risk=risk, gone=gone, later=later)
    sec.blocks += [
        f"Scored as of {now:%Y-%m-%d %H:%M} UTC: {len(X_now):,} active "
        f"customer{'' if len(X_now) == 1 else 's'} "
        f"({len(gone):,} already churned"
        + (f", {later:,} signed up after it and left out" if later else "")
        + (f"; {skipped:,} responses of customers not in the customers file left out"
           if skipped else "")
        + (f"), mean risk {risk.mean():.1%}." if len(risk) else ")."),
    ]
    # The top rows by the order sort_values gives the frame (one column sorted,
    # not every reason column of every customer moved).
    p = risk.to_numpy()
    first = pd.Series(p).sort_values(ascending=False, kind="stable").index[:top].to_numpy()
    tie_note = ""
    if len(first) and len(p) > len(first):
        edge = p[first[-1]]
        tied = int((p == edge).sum())
        if tied > int((p[first] == edge).sum()):  # the list cuts through customers of one risk
            # The candidates (at least the edge's risk) by risk, then by value
            # at risk (the value when it is known), so the cut is not by id.
            cand = np.flatnonzero(p >= edge)
            worth = (_few_looked_up(risk.index[cand], value.by_customer)
                     if value is not None else np.zeros(len(cand)))
            worth = np.nan_to_num(np.asarray(worth, dtype=np.float64), nan=0.0)
            first = cand[np.lexsort((-worth, -p[cand]))][:top]
            tie_note = (f" {tied:,} customers share P(churn) {edge:.1%}: the list shows those "
                        + (f"with the most {value.label}." if value is not None else
                           "first in the customers table's order (by id without one)."))
    riskiest = reasons.iloc[first]
    table = pd.DataFrame({
        "customer": np.asarray(_id_text(inputs, riskiest.index.to_numpy())),
        "P(churn)": riskiest["churn_probability"].to_numpy(),
    })
    formats = {"P(churn)": "pct"}
    if value is not None:
        table[value.label] = _few_looked_up(riskiest.index, value.by_customer)
        formats[value.label] = "money"
    table["reasons"] = ["; ".join(r for r in row if isinstance(r, str))
                        for row in riskiest[[f"reason_{k}" for k in (1, 2, 3)]].to_numpy()]
    sec.blocks.append(Table(table, formats, name="riskiest",
                            caption=f"Riskiest {top} customers:{tie_note}"))
    return sec, (risk, reasons, responses.assign(**{_ROW: rows}), customers, n_active)


# The response columns the churn stage copies, and the column naming each
# response's row in inputs.responses.
_CORE = ("customer_id", "score", "responded_at")
_ROW = "__npscore_row"


def _response_columns(frame: pd.DataFrame, responses: pd.DataFrame, customers: pd.DataFrame,
                      skip: Sequence[str]) -> pd.DataFrame:
    """`latest_responses`' frame from the churn stage's responses (the _CORE
    columns and _ROW) as it is from every response column but `skip`: those
    columns taken for the latest responses by their row, in the responses'
    order, then the customers' columns (suffixed "_customer" where a response
    column has the name), then the columns latest_responses adds."""
    rows = frame[_ROW].to_numpy()
    have = [c for c in responses.columns if c not in skip]
    out: dict[str, Any] = {}
    for c in have:
        out[c] = frame[c] if c in _CORE else pd.Series(
            responses[c].array.take(rows), index=frame.index, name=c)
    for c in customers.columns:
        if c != "customer_id":
            name = f"{c}_customer" if c in have else c
            out[name] = frame[f"{c}_customer" if c in _CORE else c]
    for c in frame.columns:
        if c not in out and c not in customers.columns and c != _ROW:
            out[c] = frame[c]  # segment, churn_risk
    return pd.DataFrame(out, index=frame.index)


def _queue_sections(inputs: ReportInputs, opt: ReportOptions, responses: pd.DataFrame,
                    customers: pd.DataFrame, frame: pd.DataFrame, reasons: pd.DataFrame,
                    now: pd.Timestamp, value: _Value) -> tuple[list[Section], pd.DataFrame]:
    """The contact queues: one per play, live cases only, the missed list and
    the detractor SLA; returns the sections and the full queue (CRM columns)."""
    from .priority import missed_cases, prioritize

    top = opt.top
    contacts = inputs.contacts
    cases = frame
    if contacts is not None:
        log_note = f"contact log: {len(contacts):,} contacts"
        cases = cases.merge(contacts[["response_id", "contacted_at"]], on="response_id",
                            how="left", validate="one_to_one")
    else:
        log_note = "no contact log (every case counts as not yet contacted)"
    sla = dict(zip(PLAYS, (float(h) for h in inputs.sla_hours)))
    keep = [c for c in ("customer_id", "response_id", "score") if c in cases.columns]
    args: dict[str, Any] = dict(
        churn_risk="churn_risk", clv="clv", segment="segment", responded_at="responded_at",
        contacted_at="contacted_at" if contacts is not None else None, now=now, keep=keep,
        sla_hours=sla)
    full = prioritize(cases, owners=inputs.owners, **args)
    missed = missed_cases(cases, **args)
    a = full.attrs
    _release_unused()  # what ranking the queues freed, before the SLA count
    # The SLA over every answer of active customers, not only the latest.
    # (`responses`: the churn stage's columns; the SLA count reads no others.)
    lookup = "clv" not in responses.columns and customers["customer_id"].is_unique
    if lookup and contacts is None:  # the inner merge as a lookup, SLA_CHUNK answers at a time
        e = _sla_counts(_SlaAnswers(responses, customers), now, sla, False)
    else:
        every = _SlaAnswers(responses, customers).part(0, None) if lookup else \
            responses.merge(customers[["customer_id", "clv"]], on="customer_id", how="inner")
        if contacts is not None:
            every["response_id"] = inputs.responses["response_id"].array.take(
                every[_ROW].to_numpy())
            every = every.merge(contacts[["response_id", "contacted_at"]], on="response_id",
                                how="left")
        e = _sla_counts(every, now, sla, contacts is not None)
        del every
    window = a["window_hours"]
    if contacts is not None and e["detractors_due"]:
        share = (f"of {e['detractors_due']:,} detractor answers due so far (active customers, "
                 f"all history), {e['detractors_within_sla']:,} were contacted within "
                 f"{sla['recover']:g} h ({e['detractors_within_sla'] / e['detractors_due']:.0%})")
    else:
        share = "share contacted within the SLA: n/a (no contact log)"
    main = Section("queue", "Whom to contact today: live cases, one queue per play",
                   data={"queue": full, "missed": missed, "sla": e})
    main.blocks += [
        f"As of {now:%Y-%m-%d %H:%M} UTC; {log_note}. A case is live until it is contacted or "
        f"closed, and for at most {window:g} h after the answer (the recovery curve's last "
        "anchor, where recoverability reaches its permanent 5% floor); then it moves to the "
        "missed list.",
        f"SLA: recover (detractors) {sla['recover']:g} h, make it a 10 (passives) "
        f"{sla['make_it_a_10']:g} h, advocacy (promoters) {sla['advocacy']:g} h after the "
        "answer; OVERDUE = live and past the play's deadline.",
        f"Recover and make it a 10 rank by the value of acting today rather than tomorrow: "
        f"P(churn) x {value.label} x [r(t) - r(t + 24 h)] (r: recoverability, ~65% within 1 h, "
        "~40% at 24 h, <10% after 72 h); advocacy ranks promoters by "
        f"{value.label} (no recovery). {value.note}",
        f"Detractor SLA: {share}; {e['missed']['recover']:,} detractor answers (all history, "
        f"active customers) were never contacted within {window:g} h (missed; the missed list "
        f"below keeps each customer's latest answer). Live cases now: {len(full):,}, of which "
        f"{int(full['overdue'].sum()):,} OVERDUE.",
    ]
    if inputs.owners is not None:
        main.blocks.append(f"Owners: {len(inputs.owners):,}, assigned walking the queues in play "
                           "order within their daily capacities.")
    else:
        main.blocks.append("Owners: none given (each case's owner is empty; an owners file with "
                           "capacities assigns them).")
    queue = _crm_queue(full, reasons, cases, inputs)
    out = [main]
    titles = {"recover": "Recover (detractors)", "make_it_a_10": "Make it a 10 (passives)",
              "advocacy": "Advocacy (promoters)"}
    for play, title in titles.items():
        part = queue[(queue["play"] == play).to_numpy()].head(top)
        live = a["queued"][play]
        sec = Section(f"queue_{play}", f"{title}: {live:,} live, top {min(top, live)}"
                      + (f", {a['contacted'][play]:,} already contacted"
                         if contacts is not None else ""), 3)
        out.append(sec)
        if part.empty:
            sec.blocks.append("(none)")
            continue
        t = pd.DataFrame({
            "rank": part["rank"].to_numpy(),
            "customer": part["customer_id"].to_numpy(),
            "answered": part["hours_since_response"].to_numpy(),
        })
        formats = {"answered": "{:.0f} h ago"}
        if play == "advocacy":
            t[value.label] = part["clv"].to_numpy()
            formats[value.label] = "money"
        else:
            t["at risk"] = part["revenue_at_risk"].to_numpy()
            t["recoverable"] = part["recoverability"].to_numpy()
            t["expected"] = part["expected_recoverable"].to_numpy()
            t["lost by tomorrow"] = part["priority"].to_numpy()
            formats.update({"at risk": "money", "recoverable": "pct0", "expected": "money",
                            "lost by tomorrow": "money"})
        # The deadline on the report's clock (the queue CSV keeps UTC instants).
        t[f"deadline ({opt.timezone})"] = [
            f"{d:%Y-%m-%d %H:%M}" + (" OVERDUE" if o else "")
            for d, o in zip(_local(part["deadline"], opt.timezone), part["overdue"])]
        if inputs.owners is not None:
            t["owner"] = part["owner"].to_numpy()
        if play != "advocacy":
            t["top reason"] = part["reason_1"].fillna("").to_numpy()
        sec.blocks.append(Table(t, formats, name=play))
    det = missed[(missed["play"] == "recover").to_numpy()]
    sec = Section("queue_missed", f"Missed SLA / account review: {len(det):,} detractors not "
                  f"contacted within {window:g} h ({_money(det['revenue_at_risk'].sum(), opt)} at "
                  f"risk); top {min(top, len(det))} by revenue at risk", 3)
    out.append(sec)
    if len(det):
        d = det.head(top)
        sec.blocks.append(Table(pd.DataFrame({
            "customer": np.asarray(_id_text(inputs, d["customer_id"].to_numpy())),
            "answered": d["responded_at"].to_numpy(),
            "at risk": d["revenue_at_risk"].to_numpy(),
        }), {"answered": "date", "at risk": "money"}, name="missed"))
    return out, queue


#: The SLA count over every answer runs on this many answers at a time.
SLA_CHUNK = 1_000_000


class _SlaAnswers:
    """The inner merge of the churn stage's responses with the customers'
    clv (unique customer ids) as a lookup: the score, time, row and clv of
    each response whose customer is known, in the responses' order, made a
    part at a time (`part(start, stop)`: those answers, numbered from
    `start`), so that every active customer's answers are not copied at once."""

    def __init__(self, responses: pd.DataFrame, customers: pd.DataFrame) -> None:
        self.responses, self.clv = responses, customers["clv"].to_numpy()
        self.pos = positions(responses["customer_id"], customers["customer_id"], read_only=True)
        self.rows = np.flatnonzero(self.pos >= 0)

    def __len__(self) -> int:
        return len(self.rows)

    def part(self, start: int, stop: Optional[int]) -> pd.DataFrame:
        rows = self.rows[start:stop]
        part = self.responses[["score", "responded_at", _ROW]].iloc[rows].reset_index(drop=True)
        part["clv"] = self.clv[self.pos[rows]]
        part.index = part.index + start
        return part


def _sla_counts(every: Union[pd.DataFrame, _SlaAnswers], now: pd.Timestamp,
                sla: dict[str, float], contacted: bool) -> dict[str, Any]:
    """prioritize's attrs (the counts by play, the detractor SLA) over every
    answer, SLA_CHUNK answers at a time: the counts are per answer, so they
    add up, and prioritize makes a missed list of every answer it is given
    (~0.5 GB for 5M answers at once)."""
    from .priority import prioritize

    out: dict[str, Any] = {}
    for k in range(0, max(len(every), 1), SLA_CHUNK):
        part = every.iloc[k:k + SLA_CHUNK] if isinstance(every, pd.DataFrame) else \
            every.part(k, k + SLA_CHUNK)  # made here: never every answer at once
        a = prioritize(part, churn_risk=np.zeros(len(part)), clv="clv", segment="score",
                       responded_at="responded_at", now=now, top=1, sla_hours=sla,
                       contacted_at="contacted_at" if contacted else None).attrs
        if not out:
            out = copy.deepcopy(a)
            continue
        for key in ("n_rows", "total_revenue_at_risk", "detractors_due", "detractors_within_sla"):
            out[key] += a[key]
        for key in ("queued", "contacted", "closed", "missed"):
            for play, n in a[key].items():
                out[key][play] += n
    due, within = out["detractors_due"], out["detractors_within_sla"]
    out["share_within_sla"] = within / due if due and contacted else float("nan")
    return out


def _crm_queue(full: pd.DataFrame, reasons: pd.DataFrame, cases: pd.DataFrame,
               inputs: ReportInputs) -> pd.DataFrame:
    """The live queue with the stable CRM columns (QUEUE_COLUMNS), every
    play, ranked within play."""
    n = len(full)
    rows = full.index.to_numpy()
    src = cases.loc[rows] if n else cases.iloc[:0]
    ids = full["customer_id"]
    if getattr(inputs, "_customer_ids", None) is None:
        ids = ids.astype(str)
    out: dict[str, Any] = {}
    for c, t in QUEUE_COLUMNS.items():
        if c == "customer_id" and c in full.columns:
            col = np.asarray(_id_text(inputs, full[c].to_numpy()))
        elif c in full.columns:
            col = full[c].to_numpy()
        elif c in src.columns:
            col = src[c].to_numpy()
        elif c.startswith("reason_"):
            col = _few_looked_up(ids, reasons[c]) if c in reasons else None
        else:
            col = None
        if col is None:
            col = np.full(n, None, dtype=object)
        if t == "str":
            s = pd.Series(col, dtype=object)
            out[c] = s.where(s.notna(), None).map(lambda v: v if v is None else str(v))
        elif t.startswith("datetime"):
            out[c] = pd.Series(pd.to_datetime(col, utc=True)).astype(t)
        else:
            out[c] = pd.Series(col).astype(t)
    q = pd.DataFrame(out)
    q.attrs["schema"] = QUEUE_SCHEMA
    return q


def _revenue_section(opt: ReportOptions, frame: pd.DataFrame, customers: pd.DataFrame,
                     risk: pd.Series, now: pd.Timestamp, value: _Value) -> Section:
    from .priority import revenue_at_risk

    horizon = opt.horizon_days
    everyone = customers.assign(churn_risk=_looked_up(customers["customer_id"], risk))
    answered_at = pd.to_datetime(frame["responded_at"])
    span = _span(answered_at.min(), answered_at.max(), opt.timezone)
    v = value.label
    sec = Section("revenue", "Revenue at risk", data={"tables": {}})
    sec.blocks.append(
        f"Customers active on {now:%Y-%m-%d}: the {len(frame):,} who answered, by their latest "
        f"answer ({span}), and those who never answered. Risk rate = revenue at risk / {v} "
        f"(the {v}-weighted P(churn)); expected churners = the sum of P(churn) over the next "
        f"{horizon:g} days. {value.note}")
    slice_by = opt.health_by if opt.health_by and opt.health_by in frame.columns else None
    for by in ("segment", *([slice_by] if slice_by else [])):
        r = revenue_at_risk(frame, churn_risk="churn_risk", clv="clv", by=by, score="score",
                            customers=everyone, customer="customer_id")
        sec.data["tables"][by] = r
        t = pd.DataFrame({
            by: np.where(r["answered"], _shown_labels(r[by]), "(never answered)"),
            "customers": r["customers"].to_numpy(),
            v: r["clv"].to_numpy(),
            "at risk": r["revenue_at_risk"].to_numpy(),
            "share": r["share_of_risk"].to_numpy(),
            "risk rate": r["risk_rate"].to_numpy(),
            "mean P(churn)": r["mean_churn_risk"].to_numpy(),
            "expected churners": r["expected_churners"].to_numpy(),
        })
        formats = {"customers": "int", v: "money", "at risk": "money", "share": "pct",
                   "risk rate": "pct", "mean P(churn)": "pct", "expected churners": "{:.1f}"}
        if by != "segment":  # within a segment both NPS are +-100 or 0 by definition
            t["NPS"] = r["nps"].to_numpy()
            t[f"{v}-weighted NPS"] = r["revenue_weighted_nps"].to_numpy()
            formats.update({"NPS": "{:.1f}", f"{v}-weighted NPS": "{:.1f}"})
            sec.blocks.append(
                f"NPS by {by}: over the latest answer of each active customer who answered "
                f"({len(frame):,} customers, latest answers {span}, customers active on "
                f"{now:%Y-%m-%d}); {v}-weighted: each customer's {v} counted once.")
        sec.blocks.append(Table(t, formats, name=by))
    return sec


#: Comments held in Arrow are tagged this many at a time: the tagger reads
#: Python strings, ~100 bytes each, so 5M comments at once would add ~0.5 GB.
TAG_CHUNK = 1_000_000


def _themes_section(inputs: ReportInputs, opt: ReportOptions, value: _Value,
                    keep_data: bool = True) -> Section:
    from .themes import ThemeTagger, theme_impact

    n = opt.themes
    # Every answer is evidence of a problem, churned customers' included.
    r = inputs.responses
    clv = _looked_up(r["customer_id"], value.by_customer)
    # Problems are what detractors and passives write: the tagger finds topics,
    # not sentiment, and promoters' comments are mostly praise.
    rows = np.flatnonzero((pd.to_numeric(r["score"]) <= 8).to_numpy() & pd.notna(clv))
    critics = pd.DataFrame({"score": r["score"].array.take(rows), "clv": clv[rows]})
    del clv
    # top_themes' ranking, with the comments tagged a chunk at a time (each
    # comment is tagged alone: the same indicators as in one call); Python
    # objects of comments not in Arrow exist already, so these go at once.
    comments = r["comment"]
    step = TAG_CHUNK if arrow_text(comments) else max(len(rows), 1)
    tagger = ThemeTagger()
    ind = pd.concat([tagger.indicators(pd.Series(comments.array.take(rows[k:k + step])))
                     for k in range(0, max(len(rows), 1), step)], ignore_index=True)
    th = theme_impact(critics, theme=ind, segment="score", clv="clv")
    th = th[th["mentions"] > 0].head(n).reset_index(drop=True)
    t = pd.DataFrame({
        "theme": th["theme"].to_numpy(),
        "mentions": th["mentions"].to_numpy(),
        "detractors": th["detractors"].to_numpy(),
        "passives": th["passives"].to_numpy(),
        "impact": th["impact"].to_numpy(),
        "driver": th["driver"].to_numpy(),
    })
    data = {"themes": th}
    if keep_data:  # the critics' answers (comment, score, clv) and their themes
        data.update(indicators=ind, critics=r[["comment", "score"]].iloc[rows].assign(
            clv=critics["clv"].to_numpy()))
    sec = Section("themes", f"Themes to fix first (top {n} by revenue impact)", blocks=[
        f"Feature Impact Score (docs/sources.md §6): mentions by segment x the segment's average "
        f"{value.label}, summed, over the {len(critics):,} answers of detractors and passives; "
        "comments tagged by npscore.ThemeTagger's default taxonomy."], data=data)
    if len(t):
        sec.blocks.append(Table(t, {"impact": "money"}, name="themes"))
    else:  # say why there is no table
        said = comments.iloc[rows].fillna("").astype(str).str.strip().ne("")
        sec.blocks.append(
            f"No theme to rank: none of the {int(said.sum()):,} non-empty comments of these "
            "answers mentions a theme of the taxonomy." if said.any() else
            "No theme to rank: these answers have no comment (the comment column is empty).")
    return sec


# --- Closing the loop: the case log ---

_SEGMENT_PLAY = {"detractor": "recover", "passive": "make_it_a_10", "promoter": "advocacy"}


def _case_frame(inputs: ReportInputs, value: Optional[_Value]) -> tuple[pd.DataFrame, list[str]]:
    """The case log with what the report can fill in: the segment from the
    score, each case's SLA from its segment's play ([report] sla_hours), the
    clv from the report's customer value; and notes saying what was filled."""
    from .nps import segment

    cases = inputs.cases
    assert cases is not None
    notes: list[str] = []
    if "segment" not in cases.columns and "score" in cases.columns and cases["score"].notna().all():
        codes = segment(cases["score"].to_numpy())
        cases = cases.assign(segment=np.array(["detractor", "passive", "promoter"],
                                              dtype=object)[codes.astype(np.int64) + 1])
        notes.append("segment from the score")
    if "sla_hours" not in cases.columns or cases["sla_hours"].isna().any():
        sla = dict(zip(PLAYS, (float(h) for h in inputs.sla_hours)))
        if "segment" in cases.columns:
            seg = cases["segment"].astype(object).map(_SEGMENT_PLAY).map(sla)
            filled = seg.fillna(sla["recover"]).to_numpy(np.float64)
        else:
            filled = np.full(len(cases), sla["recover"])
        if "sla_hours" in cases.columns:
            filled = np.where(cases["sla_hours"].isna(), filled,
                              cases["sla_hours"].to_numpy(np.float64, na_value=np.nan))
        cases = cases.assign(sla_hours=filled)
        notes.append("SLA from each case's play (recover {:g} h, make it a 10 {:g} h, advocacy "
                     "{:g} h)".format(*inputs.sla_hours))
    if "clv" not in cases.columns and value is not None and "customer_id" in cases.columns:
        cases = cases.assign(clv=_looked_up(cases["customer_id"], value.by_customer)
                             .astype(float))
        notes.append(f"clv from the report's customer value ({value.basis})")
    return cases.reset_index(drop=True), notes


def _metrics_table(m: pd.DataFrame, key: Optional[str], name: str, caption: str) -> Table:
    """A loop_metrics frame as a report table."""
    t = pd.DataFrame({key or "": m[key].astype(str).to_numpy() if key else ["all cases"]})
    t["cases"] = m["cases"].to_numpy()
    t["contacted"] = m["contacted"].to_numpy()
    t["backlog"] = m["backlog"].to_numpy()
    t["median h to contact"] = m["median_hours_to_contact"].to_numpy()
    t["p90 h"] = m["p90_hours_to_contact"].to_numpy()
    t["SLA due"] = m["sla_due"].to_numpy()
    t["within SLA"] = m["sla_share"].to_numpy()
    t["CI low"] = m["sla_ci_low"].to_numpy()
    t["CI high"] = m["sla_ci_high"].to_numpy()
    return Table(t, {"cases": "int", "contacted": "int", "backlog": "int",
                     "median h to contact": "hours", "p90 h": "hours", "SLA due": "int",
                     "within SLA": "pct", "CI low": "pct", "CI high": "pct"},
                 name=name, caption=caption)


def _curve_figure(curve: pd.DataFrame, truth: Any = None) -> Any:
    """The learned recovery curve (anchors with their intervals) against the
    default curve, hours on a log(1 + h) axis."""
    from matplotlib.figure import Figure

    from .priority import recoverability

    fig = Figure(figsize=(7.0, 3.8))
    ax = fig.subplots()
    top = max(200.0, float(np.nanmax(curve["hours"])) * 1.2) if len(curve) else 200.0
    grid = np.expm1(np.linspace(0.0, np.log1p(top), 200))
    ax.plot(np.log1p(grid), recoverability(grid), color="#7f7f7f", linestyle="--",
            label="default curve")
    x = np.log1p(curve["hours"].to_numpy(np.float64))
    p = curve["probability"].to_numpy(np.float64)
    lo = p - curve["ci_low"].to_numpy(np.float64)
    hi = curve["ci_high"].to_numpy(np.float64) - p
    # Lists, not arrays: matplotlib 3.10 with numpy 1.26 warns on a one-bin
    # curve's length-1 error arrays.
    ax.errorbar(x, p, yerr=[np.maximum(lo, 0).tolist(), np.maximum(hi, 0).tolist()], fmt="o-",
                color="#1f77b4",
                capsize=3, label="learned from outcomes (pointwise interval)")
    ticks = [h for h in (0, 1, 4, 12, 24, 72, 168) if h <= top]
    ax.set_xticks(np.log1p(ticks))
    ax.set_xticklabels([f"{h:g} h" for h in ticks])
    ax.set_ylim(0, 1)
    ax.set_xlabel("hours to first contact")
    ax.set_ylabel("P(recovered)")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title("Recovery curve: learned against the default")
    fig.tight_layout()
    return fig


def _loop_sections(inputs: ReportInputs, opt: ReportOptions, now: pd.Timestamp,
                   value: Optional[_Value], figures: dict[str, Any]) -> list[Section]:
    """Closing the loop: SLA compliance by owner and segment, the recovery
    curve learned from the outcomes against the default, conversion and the
    program's ROI (an observational estimate)."""
    from . import loop

    title = "Closing the loop: cases, SLA and recovery"
    if inputs.cases is None:
        return [_needs("loop", title, "cases")]
    cases, notes = _case_frame(inputs, value)
    times = {c: (c if c in cases.columns else None) for c in ("first_contact_at", "closed_at")}
    common = dict(opened_at="opened_at", **times, sla_hours="sla_hours", as_of=now,
                  confidence=opt.confidence)
    level = _level(opt.confidence)
    m = loop.loop_metrics(cases, **common)
    a = m.attrs["all"]
    main = Section("loop", title, data={"cases": cases, "metrics": m, "by": {}})
    opened = pd.to_datetime(cases["opened_at"])
    main.blocks.append(
        f"{len(cases):,} cases opened {_span(opened.min(), opened.max(), opt.timezone)}, as of "
        f"{now:%Y-%m-%d %H:%M} UTC (cases opened later: {m.attrs['opened_after_as_of']:,}; "
        "contacts and closures after it count as not yet made)"
        + (f"; filled in: {'; '.join(notes)}" if notes else "") + ".")
    def hours(h: float) -> str:
        return f"{h:.1f} h" if np.isfinite(h) else "never reached"

    main.blocks.append(
        f"First contact within the SLA: {a['sla_met']:,} of {a['sla_due']:,} cases due "
        f"({a['sla_share']:.1%}, {level} Wilson CI [{a['sla_ci_low']:.1%}, "
        f"{a['sla_ci_high']:.1%}]); time to first contact: median "
        f"{hours(a['median_hours_to_contact'])}, p90 {hours(a['p90_hours_to_contact'])} (over "
        "every case: never contacted counts as never, open cases are censored at their age; "
        f"\"never\" in the tables: not reached); backlog (open, not yet contacted): "
        f"{a['backlog']:,}.")
    main.blocks.append(_metrics_table(m, None, "loop_all", "All cases:"))
    for key in ("owner", "segment"):
        if key in cases.columns:
            mk = loop.loop_metrics(cases, by=key, **common)
            main.data["by"][key] = mk
            main.blocks.append(_metrics_table(mk, key, f"loop_{key}", f"By {key}:"))
    out = [main]

    curve_title = "Recovery curve learned from the outcomes, against the default"
    outcome = next((c for c in ("recovered", "next_score") if c in cases.columns), None)
    if outcome is None or times["first_contact_at"] is None:
        out.append(_needs("loop_curve", curve_title, "case_outcome", level=3))
    else:
        sec = Section("loop_curve", curve_title, 3)
        out.append(sec)
        try:
            given = "recovered" if outcome == "recovered" else None
            curve = loop.learn_recovery_curve(
                cases, recovered=given, next_score=None if given else "next_score",
                missing="skip", confidence=opt.confidence)
        except ValueError as e:
            sec.blocks.append(f"Not learned from this case log: {e}")
            sec.data["error"] = str(e)
        else:
            cmp = loop.compare_recovery(curve)
            ca = curve.attrs
            sec.data.update(curve=curve, compare=cmp, outcome=outcome)
            what = ("the case log's recovered column" if outcome == "recovered" else
                    "recovered = the next answer is no longer a detractor's")
            sec.blocks.append(
                f"Recovery (outcome: {what}) against hours to first contact, from {ca['contacted']:,} "
                f"contacted cases ({ca['skipped']:,} without an outcome left out): binned, "
                f"fitted non-increasing, {level} pointwise intervals (docs/loop.md). Never "
                f"contacted: {ca['never_recovered']:,} of {ca['never_contacted']:,} recovered "
                f"({ca['never_rate']:.1%}, [{ca['never_ci_low']:.1%}, {ca['never_ci_high']:.1%}]). "
                "Pass the table as prioritize(..., recovery=curve) to rank the queue by it.")
            sec.blocks.append(Table(cmp.rename(columns={
                "hours": "hours", "default": "default", "learned": "learned",
                "ci_low": "CI low", "ci_high": "CI high"}),
                {"hours": "{:g} h", "default": "pct", "learned": "pct", "CI low": "pct",
                 "CI high": "pct"}, name="recovery_compare",
                caption="At the default anchors (learned: the learned anchors interpolated as "
                        "prioritize does; the interval: that of the learned bin):"))
            sec.blocks.append(Table(pd.DataFrame({
                "hours": curve["hours"].to_numpy(), "from": curve["lower_hours"].to_numpy(),
                "to": curve["upper_hours"].to_numpy(), "cases": curve["cases"].to_numpy(),
                "recovered": curve["recovered"].to_numpy(), "rate": curve["rate"].to_numpy(),
                "fit": curve["probability"].to_numpy(), "CI low": curve["ci_low"].to_numpy(),
                "CI high": curve["ci_high"].to_numpy(), "default": curve["default"].to_numpy(),
            }), {"hours": "{:.1f}", "from": "{:g}", "to": "{:g}", "cases": "int",
                 "recovered": "int", "rate": "pct", "fit": "pct", "CI low": "pct",
                 "CI high": "pct", "default": "pct"}, name="recovery_curve",
                caption="The learned anchors (one per bin of hours):"))
            if _can_plot():
                figures["recovery_curve"] = _curve_figure(curve)
                sec.blocks.append(FigureRef("recovery_curve", "The recovery curve learned from "
                                            "the outcomes, with pointwise intervals, against the "
                                            "default"))
            else:
                sec.blocks.append(NO_FIGURE)
    out.append(_roi_section(cases, opt))
    return out


def _roi_section(cases: pd.DataFrame, opt: ReportOptions) -> Section:
    """Conversion and the program's ROI, an observational estimate."""
    from . import loop

    title = "Program ROI and conversion (observational estimate)"
    if not all(c in cases.columns for c in ("churned", "churn_risk", "clv", "first_contact_at")):
        return _needs("loop_roi", title, "case_roi", level=3)
    sec = Section("loop_roi", title, 3)
    common = dict(sla_hours="sla_hours", confidence=opt.confidence, missing="skip")
    if "score" in cases.columns:
        roi = loop.program_roi(cases, **common)
    else:  # no score to pick the detractors by: the segment column does
        picked = cases[(cases["segment"].astype(object) == "detractor").to_numpy()] \
            if "segment" in cases.columns else cases
        roi = loop.program_roi(picked.reset_index(drop=True), detractors_only=False, **common)
    t = roi.total.iloc[0]
    level = _level(opt.confidence)
    sec.data["roi"] = roi
    sec.blocks.append(
        f"{roi.note[:1].upper()}{roi.note[1:].rstrip('.')}. Detractor cases contacted within their SLA "
        f"({int(t['on_time']):,}) against late or never ({int(t['late']):,}, of which "
        f"{int(t['never']):,} never), compared within {int(t['bands'])} bands of predicted "
        f"churn risk; {int(t['skipped']):,} cases without an outcome, risk or CLV left out.")
    sec.blocks.append(
        f"Churn, late or never minus on time, within risk bands (Mantel-Haenszel): "
        f"{_points(t['difference'])} ({level} CI {_points_interval(t['ci_low'], t['ci_high'])}, "
        f"{_p(t['p_value'])}); ignoring risk it would read {_points(t['naive_difference'])} "
        f"{_points_interval(t['naive_ci_low'], t['naive_ci_high'])}. Revenue retained by the "
        f"on-time contacts (difference x CLV): {_money(t['revenue_retained'], opt)} ({level} CI "
        f"[{_money(t['revenue_ci_low'], opt)}, {_money(t['revenue_ci_high'], opt)}]).")
    b = roi.bands
    sec.blocks.append(Table(pd.DataFrame({
        "risk from": b["risk_low"].to_numpy(), "risk to": b["risk_high"].to_numpy(),
        "on time": b["on_time"].to_numpy(), "churn on time": b["on_time_rate"].to_numpy(),
        "late or never": b["late"].to_numpy(), "churn late": b["late_rate"].to_numpy(),
        "difference": b["difference"].to_numpy(), "CI low": b["ci_low"].to_numpy(),
        "CI high": b["ci_high"].to_numpy(), "revenue retained": b["revenue_retained"].to_numpy(),
    }), {"risk from": "pct", "risk to": "pct", "on time": "int", "churn on time": "pct",
         "late or never": "int", "churn late": "pct", "difference": "points",
         "CI low": "points", "CI high": "points", "revenue retained": "money"}, name="roi_bands",
        caption="By band of predicted churn risk (difference and its CI in percentage points):"))
    if "next_score" in cases.columns and "score" in cases.columns:
        conv = loop.conversion(cases, confidence=opt.confidence, missing="skip")
        sec.data["conversion"] = conv
        sec.blocks.append(Table(pd.DataFrame({
            "from": conv["from_segment"].to_numpy(),
            "contacted": conv["contacted_answered"].to_numpy(),
            "moved up": conv["contacted_share"].to_numpy(),
            "not contacted": conv["not_contacted_answered"].to_numpy(),
            "moved up ": conv["not_contacted_share"].to_numpy(),
            "difference": conv["difference"].to_numpy(), "CI low": conv["ci_low"].to_numpy(),
            "CI high": conv["ci_high"].to_numpy(), "p": conv["p_value"].to_numpy(),
            "no next answer": (conv["contacted_no_next_answer"]
                               + conv["not_contacted_no_next_answer"]).to_numpy(),
        }), {"contacted": "int", "moved up": "pct", "not contacted": "int", "moved up ": "pct",
             "difference": "points", "CI low": "points", "CI high": "points", "p": "p",
             "no next answer": "int"}, name="conversion",
            caption="Conversion: cases whose next answer is in a higher segment, contacted "
                    "against not contacted (cases without a next answer counted, not in the "
                    "shares; difference and its CI in percentage points; also an observational "
                    "comparison):"))
    return sec


# --- The survey plan ---

#: The margins (NPS points) the survey plan sizes for.
PLAN_MARGINS: tuple[float, ...] = (3.0, 5.0, 10.0)


def _response_rate(inputs: ReportInputs, customers: pd.DataFrame, churned: np.ndarray,
                   now: pd.Timestamp, cohorts: int) -> tuple[Optional[float], str]:
    """The response rate the plan uses: given, or estimated as the share of
    the customers active throughout the last `cohorts` months who answered in
    them (relational answers when survey kinds are known): with `cohorts`
    rotating cohorts every customer is invited once in that span."""
    if inputs.response_rate is not None:
        rate = _args.number(inputs.response_rate, "inputs.response_rate")
        if not 0 < rate <= 1:
            raise ValueError(f"inputs.response_rate is {rate:g}: a rate must be in (0, 1]")
        return rate, f"response rate {rate:.1%} (given)"
    start = now - pd.DateOffset(months=cohorts)
    active = ~np.asarray(churned, dtype=bool)
    if "signup_at" in customers.columns:
        signup = pd.to_datetime(customers["signup_at"], utc=True)
        active &= (signup.isna() | (signup <= start)).to_numpy()
    r = inputs.responses
    at = utc_nanos(r["responded_at"], "responses.responded_at", "UTC")
    window = (at > start.value) & (at <= now.value) & (at != _NAT)
    kinds, note = "an ", ""
    if "survey_kind" in r.columns:
        relational = (r["survey_kind"] == "relational").fillna(False).to_numpy(dtype=bool)
        if relational.any():
            window &= relational
            kinds = "a relational "
        else:  # e.g. kinds named in another language: said, not guessed
            note = ("; no answer's survey kind is \"relational\", so answers of every kind "
                    "count, which overstates the rate of a relational survey")
    who = positions(r["customer_id"], customers["customer_id"], read_only=True)
    answered = np.zeros(len(customers), dtype=bool)
    answered[who[window & (who >= 0)]] = True
    base = int(active.sum())
    if base == 0 or not (answered & active).any():
        return None, (f"response rate: not estimated (no customer active since {start:%Y-%m-%d} "
                      f"gave {kinds}answer since{note})")
    rate = float((answered & active).sum() / base)
    return rate, (f"response rate {rate:.1%}, estimated: {int((answered & active).sum()):,} of the "
                  f"{base:,} customers active since {start:%Y-%m-%d} gave {kinds}answer since "
                  f"(with {cohorts} rotating cohorts each is invited once in {cohorts} months"
                  f"{note}; set [report] response_rate to use your own)")


def _survey_section(inputs: ReportInputs, opt: ReportOptions, now: pd.Timestamp,
                    shares: tuple[float, float, float]) -> Section:
    """Whom to invite this period and how many answers are enough."""
    from . import survey

    title = "Survey plan: whom to invite, how many answers are enough"
    if inputs.customers is None:
        return _needs("survey_plan", title, "customers")
    customers = inputs.customers
    ids = customers["customer_id"]
    # Each customer's latest answer up to the plan's date (later ones are not
    # known yet), on integer codes: the customer of each response, as the
    # other stages look it up.
    who = positions(inputs.responses["customer_id"], ids, read_only=True)
    at = utc_nanos(inputs.responses["responded_at"], "responses.responded_at", "UTC")
    ok = (who >= 0) & (at != _NAT) & (at <= now.value)
    # NaT is the smallest int64: the running maximum leaves it only where a
    # customer has an answer (no groupby: no sort of 10M codes).
    last_ns = np.full(len(ids), _NAT, dtype=np.int64)
    np.maximum.at(last_ns, who[ok], at[ok])
    last_at = pd.Series(pd.to_datetime(last_ns, utc=True))
    rules = []
    churned = np.zeros(len(customers), dtype=bool)
    if inputs.churn is not None:
        when = pd.to_datetime(inputs.churn.set_index("customer_id")["churned_at"], utc=True)
        gone = when.index[(when.notna() & (when <= now)).to_numpy()]
        churned = positions(ids, pd.Series(gone)) >= 0
    else:
        rules.append(f"churned customers are not left out: needs {_NEEDS['churn']}")
    open_case = None
    if inputs.cases is not None and "customer_id" in inputs.cases.columns:
        c = inputs.cases
        opened = pd.to_datetime(c["opened_at"], utc=True)
        live = (opened <= now).to_numpy().copy()
        if "closed_at" in c.columns:
            closed = pd.to_datetime(c["closed_at"], utc=True)
            live &= (closed.isna() | (closed > now)).to_numpy()
        open_case = positions(ids, c["customer_id"][live].drop_duplicates()) >= 0
    else:
        rules.append(f"customers with an open case are not left out: needs {_NEEDS['cases']}")
    # The cohorts hash the ids' text (stable whatever the codes).
    frame = pd.DataFrame({"customer_id": _id_text(inputs, ids).reset_index(drop=True),
                          # the times as times (to_numpy: a Timestamp object per customer)
                          "last_surveyed_at": last_at.array,
                          "churned": churned,
                          "open_case": open_case if open_case is not None else False})
    plan = survey.invitations(frame, as_of=now, tz=inputs.timezone,
                              open_case="open_case" if open_case is not None else None)
    a = plan.attrs
    by = pd.crosstab(plan["cohort"], plan["reason"], dropna=False).reindex(
        columns=list(survey.REASONS), fill_value=0)
    cohort_table = pd.DataFrame({"cohort": by.index.to_numpy(),
                                 "customers": by.sum(axis=1).to_numpy(),
                                 **{r: by[r].to_numpy() for r in survey.REASONS}})
    invited = int(a["counts"]["invited"])
    sec = Section("survey_plan", title, data={"plan": plan, "by_cohort": cohort_table,
                                              "shares": shares})
    sec.blocks.append(
        f"Whom to invite in {a['month']} (as of {now:%Y-%m-%d}, calendar months in "
        f"{inputs.timezone}): {invited:,} of {len(plan):,} customers, cohort "
        f"{a['period_cohort']} of {a['cohorts']} rotating cohorts (a stable hash of the customer "
        f"id), leaving out "
        + ("churned customers, " if inputs.churn is not None else "")
        + ("customers with an open case, " if open_case is not None else "")
        + f"customers who answered in the last {a['min_days_between']:g} days (the files hold "
        "answers, not invitations: the latest answer stands for the last survey)."
        + (" " + _sentence("; ".join(rules)) if rules else ""))
    sec.blocks.append(Table(cohort_table, {c: "int" for c in cohort_table.columns if c != "cohort"},
                            name="survey_cohorts", caption="Customers by cohort and reason:"))
    rate, rate_note = _response_rate(inputs, customers, churned, now, int(a["cohorts"]))
    d, pa, p = shares
    sizes = pd.DataFrame({"margin": list(PLAN_MARGINS)})
    sizes["responses"] = [survey.responses_needed(m, shares, method=opt.method,
                                                  confidence=opt.confidence)
                          for m in PLAN_MARGINS]
    sec.data.update(rate=rate, rate_note=rate_note, sizes=sizes)
    formats = {"margin": "\u00b1{:g}", "responses": "int"}
    if rate is not None:
        sizes["invitations"] = [survey.invitations_needed(n, rate) for n in sizes["responses"]]
        sizes["invitations (90% sure)"] = [survey.invitations_needed(n, rate, 0.9)
                                           for n in sizes["responses"]]
        formats.update({"invitations": "int", "invitations (90% sure)": "int"})
    sec.blocks.append(
        f"How many answers are enough, at the observed shares ({d:.1%} detractors, {pa:.1%} "
        f"passives, {p:.1%} promoters) and the {rate_note}: responses for a "
        f"{_level(opt.confidence)} interval ({opt.method}) within the margin (NPS points), and "
        "the invitations that yield them (the median count; and with 90% assurance).")
    sec.blocks.append(Table(sizes, formats, name="survey_sizes"))
    if rate is not None and invited:
        expected = max(1, int(invited * rate))
        delta = survey.detectable_change(expected, expected, shares)
        sec.data.update(expected_answers=expected, detectable_change=delta)
        sec.blocks.append(
            f"This period's {invited:,} invitations should yield about {expected:,} answers; "
            f"two periods of that size detect an NPS change of {delta:.1f} points or more "
            "(two-sided test at 5%, power 80%).")
    return sec


# --- Assembling the report ---

def _checked(opt: ReportOptions) -> ReportOptions:
    """The options with `by` as a list and the sizes and levels checked, so
    that a bad option is named as the report's, not a function's inside."""
    by = _args.labels(opt.by, "by")
    health_by = opt.health_by
    if health_by is not None and not isinstance(health_by, str):
        raise TypeError(f"health_by must be one column name, got {health_by!r}")
    return dataclasses.replace(
        opt, by=by,
        health_periods=_args.whole(opt.health_periods, "health_periods", minimum=1),
        top=_args.whole(opt.top, "top", minimum=1),
        themes=_args.whole(opt.themes, "themes", minimum=1),
        horizon_days=_args.number(opt.horizon_days, "horizon_days"),
        min_n=_args.number(opt.min_n, "min_n"),
        confidence=_args.number(opt.confidence, "confidence"),
        # The casts only tell a type checker what the checks ensure.
        method=cast(Method, _args.option(opt.method, "method")),
        weight_by=cast(WeightBy, _args.option(opt.weight_by, "weight_by", ("account", "response"))),
        missing=cast(Missing, _args.option(opt.missing, "missing")),
        health_freq=cast(Freq, _args.option(opt.health_freq, "health_freq")),
        period=cast(Freq, _args.option(opt.period, "period")),
        currency=_currency(opt.currency))


def _currency(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError(f"currency must be a string such as \"€\", got {type(v).__name__}")
    from ._report_io import currency

    return currency(v, lambda why: ValueError(f"currency {why}"))


Progress = Optional[Callable[[str, Optional[int]], None]]


def _stage(progress: Progress, stage: str, rows: Optional[int]) -> None:
    if progress is not None:
        progress(stage, rows)


def _coded(df: pd.DataFrame, opt: ReportOptions) -> dict[str, Any]:
    """Arrow text columns of the overall and period sections as codes: the
    account (when no id is missing) as integer codes, as the sections group
    by account and count accounts only (codes hashed once, shared by every
    stage, give the same numbers); the survey kind as a categorical (the
    same labels). Their subsets per survey kind and period then take a few
    bytes a row instead of the text."""
    out: dict[str, Any] = {}
    if opt.account and opt.account in df.columns:
        acc = df[opt.account]
        if arrow_text(acc) and not acc.hasnans:
            out[opt.account] = factorized(acc, read_only=True)
    if opt.kind and opt.kind in df.columns and arrow_text(df[opt.kind]):
        out[opt.kind] = df[opt.kind].astype("category")
    return out


def _response_sections(df: pd.DataFrame, opt: ReportOptions, figures: dict[str, Any],
                       progress: Progress = None, announce: bool = False) -> list[Section]:
    """Overall, by slice, period over period and health, from one response
    table (the slice and weight columns already in it)."""
    rows = len(df)
    _stage(progress, "overall", rows)
    # The overall and period sections read only these columns: their subsets
    # (one per survey kind or period) then copy no others, such as comments.
    narrow = df[[c for c in dict.fromkeys([opt.score, opt.time, opt.weight, opt.account,
                                           opt.kind]) if c and c in df.columns]]
    narrow = narrow.assign(**_coded(narrow, opt))
    sections = [_overall_section(narrow, opt, announce)]
    _stage(progress, "slices", rows)
    if opt.by:
        sections.append(_slice_section(df, opt))
    elif announce:
        sections.append(_needs("slices", "NPS by slice", "slices"))
    if opt.time:
        _stage(progress, "periods", rows)
        h = _health_table(df, opt, opt.health_freq)
        hp = h if opt.period == opt.health_freq else _health_table(df, opt, opt.period)
        sections += _period_section(narrow, opt, hp)
        _stage(progress, "health", rows)
        sections += _health_sections(df, opt, h, figures, announce)
    return sections


#: ReportInputs' tables.
_TABLES = ("responses", "customers", "transactions", "churn", "events", "owners", "contacts",
           "cases")


def _pandas_inputs(inputs: ReportInputs) -> ReportInputs:
    """`inputs` with every table a pandas DataFrame (polars and Arrow tables
    converted as everywhere else: `_args.frame`), after checking that each
    customer in the customers table has one row with an id: the joins on it
    would otherwise fail inside pandas or pick one of two rows."""
    tables = {name: _args.frame(t, f"inputs.{name}") for name in _TABLES
              if (t := getattr(inputs, name)) is not None and not isinstance(t, pd.DataFrame)}
    if tables:
        inputs = dataclasses.replace(inputs, **tables)
    customers = inputs.customers
    if customers is None or "customer_id" not in customers.columns:
        return inputs
    ids = customers["customer_id"]
    if ids.hasnans:
        row = int(np.flatnonzero(ids.isna().to_numpy())[0])
        raise ValueError(f"inputs.customers: customer_id is missing at row {row}; each customer "
                         "needs an id")
    if not is_unique(ids):
        dup = np.flatnonzero(ids.duplicated(keep=False).to_numpy())
        first = int(dup[0])
        second = int(dup[(ids.iloc[dup] == ids.iloc[first]).to_numpy()][1])
        raise ValueError(f"inputs.customers: customer id {_args.shown(ids.iloc[first])} appears "
                         f"more than once, at rows {first} and {second}; the customers table "
                         "needs one row per customer")
    return inputs


#: The inputs' frames with a customer_id column.
_ID_FRAMES = ("customers", "responses", "transactions", "churn", "cases")


def _integer_ids(inputs: ReportInputs) -> ReportInputs:
    """`inputs` with every customer_id column replaced by int64 codes, the
    rank of the id in byte order (so that codes sort as the ids do), where
    the ids are Arrow text without missing values and the customers' are
    unique (as read_inputs gives them); else `inputs` itself. The stages
    then group and look customers up by integer (the core takes integer ids
    as they are) instead of hashing 10M text ids once per stage;
    `_id_text(inputs, codes)` gives the text back where ids are shown."""
    frames = [f for n in _ID_FRAMES if (f := getattr(inputs, n)) is not None]
    if not all(isinstance(f, pd.DataFrame) for f in frames):
        return inputs  # other tables (polars, Arrow) as build_report converts them
    cols = {n: f["customer_id"] for n in _ID_FRAMES
            if (f := getattr(inputs, n)) is not None and "customer_id" in f.columns}
    # The customers' ids are unique and present (_pandas_inputs checked).
    if ("customers" not in cols or not all(arrow_text(c) for c in cols.values())
            or any(c.hasnans for k, c in cols.items() if k != "customers")):
        return inputs
    import pyarrow as pa  # there since the ids are Arrow text
    import pyarrow.compute as pc

    known = cols["customers"]
    n = len(known)
    pos = {k: _positions_among(c, known) for k, c in cols.items() if k != "customers"}
    # Ids only in other files (responses of unknown customers, kept) follow
    # the customers' in the dictionary, then all are ranked together.
    others = [c.array._pa_array.filter(pa.array(p < 0)) for k, c in cols.items()
              if k != "customers" and (p := pos[k]).min(initial=0) < 0]
    words = [known.array._pa_array]
    extra = None
    if others:
        extra = pc.unique(pa.chunked_array([a for o in others for a in o.chunks],
                                           type=words[0].type))
        words.append(pa.chunked_array([extra]))
    dictionary = pa.chunked_array([a for w in words for a in w.chunks]).combine_chunks()
    order = pc.sort_indices(dictionary).to_numpy()
    rank = np.empty(len(dictionary), dtype=np.int64)
    rank[order] = np.arange(len(dictionary), dtype=np.int64)
    coded_frames: dict[str, pd.DataFrame] = {}
    for k, c in cols.items():
        if k == "customers":
            codes = rank[:n]
        else:
            p = pos[k]
            codes = rank[np.maximum(p, 0)] if n else np.zeros(len(p), dtype=np.int64)
            if p.min(initial=0) < 0:
                gone = np.flatnonzero(p < 0)
                at = pc.index_in(c.array._pa_array.take(pa.array(gone)), value_set=extra)
                codes[gone] = rank[n + at.to_numpy()]
        frame = getattr(inputs, k).copy(deep=False)
        frame["customer_id"] = codes
        coded_frames[k] = frame
    coded = dataclasses.replace(inputs, **coded_frames)
    coded._customer_ids = dictionary.take(pa.array(order))  # type: ignore[attr-defined]
    return coded


def _positions_among(ids: pd.Series, known: pd.Series) -> np.ndarray:
    """`positions(ids, known)` (Arrow text; `known` unique), without hashing
    the leading ids that are `known` itself in its order (read_inputs' churn
    table starts with the customers' ids)."""
    n = len(known)
    a = ids.array._pa_array
    if len(a) < n or not a.slice(0, n).equals(known.array._pa_array):
        return positions(ids, known, read_only=True)
    rest = ids.iloc[n:]
    tail = positions(rest, known) if len(rest) else np.empty(0, dtype=np.intp)
    return np.concatenate([np.arange(n, dtype=np.intp), tail])


def _id_text(inputs: ReportInputs, ids: Any) -> Any:
    """Customer ids to show or hash: the text of `_integer_ids`'s codes (a
    Series of Arrow text), else `ids` as they are."""
    words = getattr(inputs, "_customer_ids", None)
    if words is None:
        return ids
    import pyarrow as pa  # there since the codes came from Arrow text

    return pd.Series(words.take(pa.array(np.asarray(ids, dtype=np.int64))), dtype="str")


def _joined(inputs: ReportInputs) -> pd.DataFrame:
    """The responses with the customers' slice and weight columns."""
    responses = _args.frame(inputs.responses, "inputs.responses")
    wanted = [c for c in [*inputs.slices, *([inputs.weight] if inputs.weight else [])]
              if c not in responses.columns]
    if not wanted:
        return responses
    if inputs.customers is None:
        raise ValueError(f"inputs.responses has no column {wanted[0]!r} and there is no "
                         "customers frame to take it from")
    missing = [c for c in wanted if c not in inputs.customers.columns]
    if missing:
        raise ValueError(f"column {missing[0]!r} (a slice or the weight) is in neither "
                         "inputs.responses nor inputs.customers")
    right = inputs.customers[["customer_id", *dict.fromkeys(wanted)]]
    # A lookup (the customers' ids are unique: _pandas_inputs): the left
    # merge's rows and values, without its copies.
    pos = positions(responses["customer_id"], right["customer_id"])
    joined = responses.copy(deep=False)
    for c in dict.fromkeys(wanted):
        col = right[c].iloc[np.where(pos >= 0, pos, 0)] if len(right) else \
            pd.Series(np.full(len(pos), np.nan))
        col = col.reset_index(drop=True).set_axis(responses.index)
        joined[c] = col.where(pos >= 0) if (pos < 0).any() else col
    joined = joined.reset_index(drop=True)
    if len(joined) != len(responses):  # a join must never lose or add rows
        raise RuntimeError("joining responses to customers changed the number of rows")
    return joined


def _fit_findings(sec: Section, caught: list) -> None:
    """The churn fits' data findings (ChurnDataWarning: constant signals) as
    a line of the section, each once, instead of warnings on stderr; other
    warnings go on as they came."""
    findings = []
    for w in caught:
        if issubclass(w.category, ChurnDataWarning):
            findings.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if findings:
        sec.blocks += ["Findings of the model fits (each once): the data cannot tell these "
                       "signals' effects apart, so their coefficients say nothing.",
                       Bullets(list(dict.fromkeys(findings)))]


def _release_unused() -> None:
    """Hands the memory freed so far back to the system: pyarrow's pool
    (mimalloc or jemalloc) otherwise keeps freed Arrow buffers for reuse, so
    dropped columns would still count in the process's memory."""
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        pa.default_memory_pool().release_unused()
    if _LIBC is not None:  # glibc's heap: freed numpy and pandas arrays under 32 MB
        _LIBC.malloc_trim(0)


def _libc() -> Any:
    """glibc, for malloc_trim (None elsewhere: other C libraries have no such call)."""
    import ctypes
    import ctypes.util

    try:
        lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return lib if hasattr(lib, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc() if sys.platform.startswith("linux") else None


def build_report(inputs: ReportInputs, options: ReportOptions | None = None, *,
                 progress: Progress = None, keep_data: bool = True) -> Report:
    """Computes every section of the report from `inputs`.

    Column names, slices, weight, period, time zone and events come from
    `inputs`; `options` gives the method, confidence, small-group size,
    missing-score rule, health periods shown and the slice whose flags are
    listed (default: the first slice), the churn horizon, table sizes and
    the title. `progress(stage, rows)` is called as each stage starts.

    `keep_data=True` (the default, for notebooks and tests) keeps in each
    section's `data` the library results behind it: the churn backtest with
    its train and test features, the features and reasons of every active
    customer, the full queue and missed list, the critics' comments, the
    case log, the survey plan of every customer. `keep_data=False` keeps
    only what the outputs read (the sections' text and tables, the figures,
    `queue` and the summary): each stage's section data is dropped as soon
    as the stage has made its sections and its part of the summary, so the
    stages' frames do not add up (`npscore report` builds it so: at 10M
    responses the data is about 0.9 GB, more with the churn backtest), and
    the memory freed is handed back to the system after each stage. The
    outputs are the same either way; every `Section.data` is then empty.
    """
    if not isinstance(inputs, ReportInputs):
        raise TypeError(f"inputs must be a ReportInputs, got {type(inputs).__name__}")
    opt = options or ReportOptions()
    if not isinstance(opt, ReportOptions):
        raise TypeError(f"options must be a ReportOptions, got {type(opt).__name__}")
    keep_data = _args.flag(keep_data, "keep_data")
    slices = _args.labels(list(inputs.slices), "slices")
    _args.option(inputs.period, "inputs.period", get_args(Freq))
    _args.time_zone(inputs.timezone, "inputs.timezone")
    inputs = _pandas_inputs(inputs)
    if not keep_data:  # section data (which would show the codes) is dropped
        _stage(progress, "customer codes", len(inputs.responses)
               if isinstance(inputs.responses, pd.DataFrame) else None)
        inputs = _integer_ids(inputs)
    df = _joined(inputs)
    opt = _checked(dataclasses.replace(
        opt, score="score", time="responded_at", by=slices, weight=inputs.weight,
        account="customer_id", kind="survey_kind", period=inputs.period,
        health_freq=inputs.period, timezone=inputs.timezone, events=inputs.events,
        health_by=opt.health_by or (slices[0] if slices else None),
        data_note=inputs.data_note or opt.data_note))
    figures: dict[str, Any] = {}
    meta = [f"npscore {__version__}"] + ([opt.data_note] if opt.data_note else [])
    parts: dict[str, Any] = {}  # the summary's entries, made stage by stage

    def done(made: list[Section]) -> list[Section]:
        """A stage's sections: their summary entries made, their data dropped
        unless kept."""
        parts.update(_summary_parts({s.key: s for s in made}, opt, inputs))
        if not keep_data:
            for s in made:
                s.data = {}
            _release_unused()
        return made

    if not keep_data:
        _release_unused()  # what reading the files left in the pool
    sections = _response_sections(df, opt, figures, progress, announce=True)
    ov = sections[0].data["summary"]
    shares = (ov.share_detractors, ov.share_passives, ov.share_promoters)
    rows = len(df)
    now = pd.Timestamp(pd.Series(_times(df, opt).view("datetime64[ns]")).max(), tz="UTC")
    del df  # the joined slice and weight columns: the later stages read inputs'
    done(sections)
    _stage(progress, "churn", rows)
    value = _customer_value(inputs, now)
    if not keep_data:
        # The response sections' account codes (10M) are not read by the churn
        # stage, the peak: the queue's latest responses factorize them again.
        forget("factorized")
        _release_unused()  # what fitting CLV on the transactions freed
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChurnDataWarning)
        churn_sec, (risk, reasons, responses, customers, n_active) = _churn_section(
            inputs, opt, now, value, keep_data)
    _fit_findings(churn_sec, caught)
    sections += done([churn_sec])
    # The queue reads the reasons' text only (_crm_queue): the other columns go.
    reasons = reasons[[c for c in reasons.columns if c.startswith("reason_")]]
    queue = _empty_queue()
    _stage(progress, "queue", n_active)
    if customers is None:
        sections += [_needs("queue", "Whom to contact today", "customers"),
                     _needs("revenue", "Revenue at risk", "customers")]
    elif value is None:
        sections += [_needs("queue", "Whom to contact today", "value"),
                     _needs("revenue", "Revenue at risk", "value")]
    else:
        from .priority import latest_responses

        valued = customers.assign(clv=_looked_up(customers["customer_id"], value.by_customer)
                                  .astype(float))
        frame = latest_responses(responses, valued, churn_risk=risk, missing=opt.missing)
        frame = _response_columns(frame, inputs.responses, valued, ("comment", opt.kind or ""))
        qs, queue = _queue_sections(inputs, opt, responses, valued, frame, reasons, now, value)
        del reasons, responses
        sections += done(qs)
        _stage(progress, "revenue", len(frame))
        sections += done([_revenue_section(opt, frame, valued, risk, now, value)])
        del frame, valued
    # The churn stage's frames are dead from here (their data, unless kept, too).
    risk = reasons = responses = customers = None
    _stage(progress, "themes", rows)
    if "comment" not in inputs.responses.columns:
        sections.append(_needs("themes", "Themes to fix first", "comment"))
    elif value is None:
        sections.append(_needs("themes", "Themes to fix first",
                               "customers" if inputs.customers is None else "value"))
    else:
        sections += done([_themes_section(inputs, opt, value, keep_data)])
    _stage(progress, "loop", None if inputs.cases is None else len(inputs.cases))
    sections += done(_loop_sections(inputs, opt, now, value, figures))
    _stage(progress, "survey_plan", None if inputs.customers is None else len(inputs.customers))
    sections += done([_survey_section(inputs, opt, now, shares)])
    for i, text in enumerate(opt.extra_sections):
        sections.append(Section(f"extra_{i + 1}", f"Notes {i + 1}", 2, [text]))
    if opt.currency != "$":  # the tables' amounts in the report's currency
        for s in sections:
            for b in s.blocks:
                if isinstance(b, Table):
                    b.formats = {c: f"money:{opt.currency}" if f == "money" else f
                                 for c, f in b.formats.items()}
    report = Report(opt.title, meta, sections, figures, queue)
    report.summary_data = _summary(report, opt, parts, value, now)
    return report


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    return [{c: _render.finite(v) if not isinstance(v, str) else v for c, v in zip(columns, row)}
            for row in frame[list(columns)].itertuples(index=False, name=None)]


def _missed_list(missed: pd.DataFrame) -> dict[str, Any]:
    """The summary's figures of the missed list the report heads: its
    detractors (one row per customer) and their revenue at risk."""
    det = missed[(missed["play"] == "recover").to_numpy()]
    return {"missed_customers": int(len(det)),
            "missed_revenue_at_risk": float(det["revenue_at_risk"].sum())}


def _summary_parts(secs: dict[str, Section], opt: ReportOptions,
                   inputs: ReportInputs) -> dict[str, Any]:
    """The summary's entries computed from `secs` (the sections of one stage:
    each entry is made from the sections of the stage that makes them, so
    that `build_report(keep_data=False)` can drop their data right after)."""
    out: dict[str, Any] = {}
    if "overall" in secs:
        ov = secs["overall"].data
        overall: dict[str, Any] = {**_summary_dict(ov["summary"]), "method": opt.method,
                                   "confidence": opt.confidence, "weighted": None, "by_kind": []}
        if ov.get("weighted") is not None:
            w = ov["weighted"]
            overall["weighted"] = {"weight": opt.weight, "nps": _render.finite(w.nps),
                                   "ci_low": _render.finite(w.ci_low),
                                   "ci_high": _render.finite(w.ci_high),
                                   "n_effective": _render.finite(w.n_effective)}
        for k, (ks, _) in ov["kinds"].items():
            overall["by_kind"].append({"kind": k, **_summary_dict(ks)})
        out["overall"] = overall
    if "slices" in secs and secs["slices"].needs is None:
        slices = []
        for key, t in secs["slices"].data["tables"].items():
            # Rows as dicts by column name: itertuples renames columns such as
            # "Point de contact" that are no Python identifiers.
            for r in t.to_dict("records"):
                slices.append({"slice": key, "value": _label(r[key]),
                               "kind": _label(r[opt.kind]) if opt.kind in r else None,
                               "n": _render.finite(r["n"]), "nps": _render.finite(r["nps"]),
                               "ci_low": _render.finite(r["ci_low"]),
                               "ci_high": _render.finite(r["ci_high"]), "small": bool(r["small"])})
        out["slices"] = slices
    if "periods" in secs:
        d = secs["periods"].data
        out["periods"] = {"freq": d["freq"], "timezone": d["timezone"],
                          "comparison": d.get("blended"),
                          "by_kind": [{"kind": k, **v} for k, v in d["by_kind"].items() if v]}
    if "health_flags" in secs:
        key = opt.health_by or "_all"
        d = secs["health_flags"].data
        everyone = d.get("overall_flags")
        out["flags"] = [{"slice": None if k == "_all" else _label(r[k]),
                         "scope": "all" if k == "_all" else "slice",
                         "period": str(r["period"]), "flags": r["flags"].split(","),
                         "reasons": str(r["reasons"])}
                        for k, t in (("_all", everyone), (key, d["flags"])) if t is not None
                        for _, r in t.iterrows()]
    if "churn" in secs:
        c = secs["churn"].data
        churn: dict[str, Any] = {"horizon_days": opt.horizon_days, "scored_with": c["model"],
                                 "customers_scored": int(len(c["risk"])),
                                 "already_churned": int(len(c["gone"])),
                                 "mean_risk": _render.finite(c["risk"].mean()), "backtest": None}
        if "backtest" in c:
            ev, pe, bt = c["evaluation"], c["prior_evaluation"], c["backtest"]
            metrics = ("auc", "brier", "log_loss", "lift")
            churn["backtest"] = {
                "train_as_of": f"{c['train_as_of']:%Y-%m-%d}",
                "test_as_of": f"{c['test_as_of']:%Y-%m-%d}",
                "n_train": int(bt.n_train), "n_test": int(bt.n_test),
                "test_churn_rate": _render.finite(bt.test_churn_rate),
                "model": {k: _render.finite(getattr(ev, k)) for k in metrics},
                "prior": {k: _render.finite(getattr(pe, k)) for k in metrics},
                "beats_prior": bool(bt.beats_prior)}
        out["churn"] = churn
    if "queue" in secs and secs["queue"].needs is None:
        d = secs["queue"].data
        q = d["queue"]
        a = q.attrs
        out["queue"] = {"size": int(len(q)), "by_play": {p: int(a["queued"][p]) for p in PLAYS},
                        "overdue": int(q["overdue"].sum()),
                        "missed_detractors": int(d["sla"]["missed"]["recover"]),
                        # the report's "Missed SLA" list: customers, by their latest answer
                        **_missed_list(d["missed"]),
                        "share_within_sla": _render.finite(d["sla"]["share_within_sla"])
                        if inputs.contacts is not None else None}
    if "revenue" in secs and secs["revenue"].needs is None:
        r = secs["revenue"].data["tables"]["segment"]
        total = float(r["revenue_at_risk"].sum())
        value_total = float(r["clv"].sum())
        out["revenue_at_risk"] = {
            "total": total, "value_total": value_total,
            "risk_rate": _render.finite(total / value_total) if value_total else None,
            "expected_churners": float(r["expected_churners"].sum()),
            "by_segment": [{"segment": None if not a else str(s), "customers": int(n),
                            "revenue_at_risk": float(m)}
                           for s, a, n, m in zip(r["segment"], r["answered"], r["customers"],
                                                 r["revenue_at_risk"])]}
    if "themes" in secs and secs["themes"].needs is None:
        th = secs["themes"].data["themes"]
        out["themes"] = [{"theme": str(t), "mentions": int(m), "impact": float(i)}
                         for t, m, i in zip(th["theme"], th["mentions"], th["impact"])]
    if "loop" in secs:
        out["loop"] = _loop_summary(secs)
    if "survey_plan" in secs:
        out["survey_plan"] = _survey_summary(secs)
    return out


def _summary(report: Report, opt: ReportOptions, parts: dict[str, Any],
             value: Optional[_Value], now: pd.Timestamp) -> dict[str, Any]:
    """The JSON summary (docs/report-summary.schema.json): raw numbers, from
    the stages' entries (`_summary_parts`)."""
    return {
        "schema": SUMMARY_SCHEMA,
        "npscore_version": __version__,
        "loop": parts.get("loop"),
        "survey_plan": parts.get("survey_plan"),
        "title": report.title,
        "data_note": opt.data_note,
        "as_of": now.isoformat(),
        "value_basis": None if value is None else value.basis,
        "currency": opt.currency,
        "sections": {s.key: {"title": s.title, "present": s.needs is None,
                             "needs": None if s.needs is None else _NEEDS[s.needs]}
                     for s in report.sections},
        "overall": parts["overall"],
        "slices": parts.get("slices", []),
        "periods": parts.get("periods"),
        "flags": parts.get("flags", []),
        "churn": parts["churn"],
        "queue": parts.get("queue"),
        "revenue_at_risk": parts.get("revenue_at_risk"),
        "themes": parts.get("themes"),
    }


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Every row of a result table, raw values (times as ISO text)."""
    out = []
    for row in frame.reset_index(drop=frame.index.name is None).to_dict("records"):
        out.append({str(k): (v.isoformat() if isinstance(v, pd.Timestamp) else
                             None if v is pd.NaT or v is None else
                             _render.finite(v) if not isinstance(v, str) else v)
                    for k, v in row.items()})
    return out


def _metric_records(m: pd.DataFrame, key: Optional[str]) -> list[dict[str, Any]]:
    cols = (["cases", "contacted", "never_contacted", "backlog", "median_hours_to_contact",
             "p90_hours_to_contact", "sla_due", "sla_met", "sla_share", "sla_ci_low",
             "sla_ci_high"])
    rows = _records(m, cols)
    if key is not None:
        for r, k in zip(rows, m[key]):
            r[key] = str(k)
    return rows


def _loop_summary(secs: dict[str, Section]) -> Optional[dict[str, Any]]:
    """The "loop" entry of the summary (None without a case log)."""
    if "loop" not in secs or secs["loop"].needs is not None:
        return None
    d = secs["loop"].data
    m = d["metrics"]
    out: dict[str, Any] = {
        "cases": int(len(d["cases"])), "as_of": m.attrs["as_of"].isoformat(),
        "sla": _metric_records(m, None)[0],
        "by_owner": _metric_records(d["by"]["owner"], "owner") if "owner" in d["by"] else None,
        "by_segment": (_metric_records(d["by"]["segment"], "segment")
                       if "segment" in d["by"] else None),
        "recovery_curve": None, "roi": None, "conversion": None}
    c = secs.get("loop_curve")
    if c is not None and "curve" in c.data:
        curve = c.data["curve"]
        out["recovery_curve"] = {
            "outcome": c.data["outcome"],
            "anchors": _records(curve, ["hours", "probability", "ci_low", "ci_high", "default",
                                        "lower_hours", "upper_hours", "cases", "recovered"]),
            "compare": _records(c.data["compare"], ["hours", "default", "learned", "ci_low",
                                                    "ci_high"]),
            **{k: _render.finite(curve.attrs[k]) for k in
               ("contacted", "skipped", "never_contacted", "never_recovered", "never_rate",
                "never_ci_low", "never_ci_high")}}
    r = secs.get("loop_roi")
    if r is not None and r.needs is None:
        roi = r.data["roi"]
        out["roi"] = {"estimate": "observational", "note": roi.note,
                      "total": _frame_records(roi.total)[0], "bands": _frame_records(roi.bands)}
        if "conversion" in r.data:
            out["conversion"] = _frame_records(r.data["conversion"])
    return out


def _survey_summary(secs: dict[str, Section]) -> Optional[dict[str, Any]]:
    """The "survey_plan" entry of the summary (None without customers)."""
    s = secs.get("survey_plan")
    if s is None or s.needs is not None:
        return None
    d = s.data
    a = d["plan"].attrs
    sizes = d["sizes"]
    return {
        "month": a["month"], "cohorts": int(a["cohorts"]),
        "period_cohort": int(a["period_cohort"]), "min_days_between": float(a["min_days_between"]),
        "counts": {k: int(v) for k, v in a["counts"].items()},
        "by_cohort": [{k: int(v) for k, v in row.items()}
                      for row in d["by_cohort"].to_dict("records")],
        "shares": dict(zip(("detractors", "passives", "promoters"),
                           (float(x) for x in d["shares"]))),
        "response_rate": d["rate"],
        "sizes": [{"margin": float(r["margin"]), "responses": int(r["responses"]),
                   "invitations": int(r["invitations"]) if "invitations" in r else None,
                   "invitations_90": (int(r["invitations (90% sure)"])
                                      if "invitations (90% sure)" in r else None)}
                  for r in sizes.to_dict("records")],
        "expected_answers": d.get("expected_answers"),
        "detectable_change": d.get("detectable_change"),
    }


def nps_report(responses: Any, options: ReportOptions | None = None) -> str:
    """Returns the report for a response table as Markdown text (overall,
    by slice, period over period and health; `build_report` adds churn, the
    queue, revenue at risk and themes)."""
    opt = options or ReportOptions()
    if not isinstance(opt, ReportOptions):
        raise TypeError(f"options must be a ReportOptions, got {type(opt).__name__}")
    responses = _args.frame(responses, "responses")
    opt = _checked(opt)
    figures: dict[str, Any] = {}
    sections = _response_sections(responses, opt, figures)
    for i, text in enumerate(opt.extra_sections):
        sections.append(Section(f"extra_{i + 1}", f"Notes {i + 1}", 2, [text]))
    meta = [f"npscore {__version__}"] + ([opt.data_note] if opt.data_note else [])
    return Report(opt.title, meta, sections, figures).to_text()


def sample_report(seed: int = 42, n_customers: int = 2000,
                  figure: Optional[Path] = None) -> str:
    """The report on the sample data that ships with npscore (fixed seed)."""
    return sample_build(seed, n_customers, figure).to_text()


def sample_build(seed: int = 42, n_customers: int = 2000, figure: Optional[Path] = None,
                 progress: Progress = None) -> Report:
    """The `Report` on the shipped sample (what `sample_report` prints)."""
    from . import datasets

    sample = datasets.load_sample(seed=seed, n_customers=n_customers)
    t = pd.to_datetime(sample.responses["responded_at"])
    note = (f"Data: npscore.datasets.load_sample(seed={seed}): {len(sample.customers):,} "
            f"customers, {len(sample.responses):,} responses from {t.min():%Y-%m-%d} to "
            f"{t.max():%Y-%m-%d}.")
    return build_report(ReportInputs.from_sample(sample, data_note=note),
                        ReportOptions(title="NPS report: sample data", health_periods=8,
                                      figure=figure), progress=progress)


# The report on files from Python: the project file and its reader (the CLI's).
# ("X as X": re-exported, for type checkers too.)
from ._report_io import CsvOptions as CsvOptions  # noqa: E402
from ._report_io import InputFile as InputFile  # noqa: E402
from ._report_io import ReportConfig as ReportConfig  # noqa: E402
from ._report_io import ReportInputError as ReportInputError  # noqa: E402
from ._report_io import init_template as init_template  # noqa: E402
from ._report_io import load_config as load_config  # noqa: E402
from ._report_io import read_inputs as read_inputs  # noqa: E402
