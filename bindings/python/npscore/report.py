"""The main job's report: what is our NPS, how sure are we, where, and what
changed since last quarter. Each later capability adds its section here.

`nps_report` works on any response table (the shipped sample or a user's
CSV); `sample_report` runs it on `npscore.datasets.load_sample()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from . import __version__
from ._convert import column
from .nps import by_group, compare, summarize

METHODS = ("wald", "adjusted-wald", "score")


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def _interval(lo: float, hi: float) -> str:
    return f"[{_signed(lo)}, {_signed(hi)}]"


def _quarters(times: pd.Series) -> pd.Series:
    """Calendar quarter of each timestamp (UTC for tz-aware times)."""
    t = pd.to_datetime(times)
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return t.dt.to_period("Q")


@dataclass
class ReportOptions:
    """What the report analyses; column names refer to the response table."""

    score: str = "score"
    time: Optional[str] = "responded_at"
    by: Sequence[str] = ()
    weight: Optional[str] = None
    method: str = "adjusted-wald"
    confidence: float = 0.95
    min_n: float = 30
    missing: str = "error"
    title: str = "NPS report"
    data_note: str = ""
    extra_sections: list[str] = field(default_factory=list)


def _overall_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    s = summarize(column(df, opt.score, "score"), method=opt.method,
                  confidence=opt.confidence, missing=opt.missing)
    level = f"{opt.confidence:.0%}"
    lines = [
        "## Overall",
        f"NPS {_signed(s.nps)}  {level} CI {_interval(s.ci_low, s.ci_high)} ({s.method}), "
        f"SE {s.se:.2f}, n = {s.n:,}" + (f", {s.skipped:,} missing skipped" if s.skipped else ""),
        f"Promoters {s.share_promoters:.1%} | Passives {s.share_passives:.1%} | "
        f"Detractors {s.share_detractors:.1%}",
    ]
    other = []
    for m in METHODS:
        if m == s.method:
            continue
        o = summarize(column(df, opt.score, "score"), method=m, confidence=opt.confidence,
                      missing=opt.missing)
        other.append(f"{m} {_interval(o.ci_low, o.ci_high)}")
    lines.append("Other interval methods: " + "; ".join(other))
    if opt.weight:
        w = summarize(column(df, opt.score, "score"), column(df, opt.weight, "weight"),
                      method=opt.method, confidence=opt.confidence, missing=opt.missing)
        lines.append(
            f"{opt.weight}-weighted NPS {_signed(w.nps)}  {level} CI "
            f"{_interval(w.ci_low, w.ci_high)}, effective n = {w.n_effective:,.0f}"
        )
    return lines


def _slice_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    lines = [f"## NPS by slice (* = fewer than {opt.min_n:g} responses: do not read much into it)"]
    for key in opt.by:
        t = by_group(df, score=opt.score, by=key, min_n=opt.min_n, method=opt.method,
                     confidence=opt.confidence, missing=opt.missing)
        table = pd.DataFrame({
            key: t[key].astype(str) + np.where(t["small"], " *", ""),
            "n": t["n"],
            "promoters": (100 * t["share_promoters"]).round(1),
            "passives": (100 * t["share_passives"]).round(1),
            "detractors": (100 * t["share_detractors"]).round(1),
            "NPS": t["nps"].round(1),
            "CI low": t["ci_low"].round(1),
            "CI high": t["ci_high"].round(1),
        })
        lines += ["", table.to_string(index=False)]
    return lines


def _quarter_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    q = _quarters(column(df, opt.time, "time"))
    periods = sorted(q.dropna().unique())
    if len(periods) < 2:
        return ["## This quarter against the last", "Fewer than two quarters of data."]
    cur, prev = periods[-1], periods[-2]
    scores = column(df, opt.score, "score")
    a = summarize(scores[q == cur], method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)
    b = summarize(scores[q == prev], method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)
    c = compare(a, b, method=opt.method, confidence=opt.confidence)
    alpha = 1 - opt.confidence
    verdict = (f"significant at the {alpha:.0%} level" if c.p_value < alpha
               else f"not significant at the {alpha:.0%} level")
    return [
        "## This quarter against the last",
        f"{cur}: NPS {_signed(a.nps)} {_interval(a.ci_low, a.ci_high)}, n = {a.n:,}",
        f"{prev}: NPS {_signed(b.nps)} {_interval(b.ci_low, b.ci_high)}, n = {b.n:,}",
        f"Change {_signed(c.diff)} points, {opt.confidence:.0%} CI {_interval(c.ci_low, c.ci_high)}, "
        f"z = {c.z:.2f}, p = {c.p_value:.3g}: {verdict}.",
    ]


def nps_report(responses: pd.DataFrame, options: ReportOptions | None = None) -> str:
    """Returns the report for a response table as plain text (Markdown)."""
    opt = options or ReportOptions()
    lines = [f"# {opt.title}", f"npscore {__version__}"]
    if opt.data_note:
        lines.append(opt.data_note)
    lines.append("")
    lines += _overall_section(responses, opt)
    if opt.by:
        lines.append("")
        lines += _slice_section(responses, opt)
    if opt.time:
        lines.append("")
        lines += _quarter_section(responses, opt)
    for section in opt.extra_sections:
        lines += ["", section]
    return "\n".join(lines) + "\n"


def sample_report(seed: int = 42, n_customers: int = 2000) -> str:
    """The report on the sample data that ships with npscore (fixed seed)."""
    from . import datasets

    sample = datasets.load_sample(seed=seed, n_customers=n_customers)
    customers = sample.customers
    slices = [c for c in ("plan", "region", "company_size", "industry") if c in customers]
    responses = sample.responses.merge(
        customers[["customer_id", "arr", *slices]], on="customer_id", how="left",
        validate="many_to_one",
    )
    if len(responses) != len(sample.responses):  # a join must never lose or add rows
        raise RuntimeError("joining responses to customers changed the number of rows")
    by = ["survey_kind", *slices] if "survey_kind" in responses else slices
    t = pd.to_datetime(responses["responded_at"])
    note = (f"Data: npscore.datasets.load_sample(seed={seed}): {len(customers):,} customers, "
            f"{len(responses):,} responses from {t.min():%Y-%m-%d} to {t.max():%Y-%m-%d}.")
    return nps_report(responses, ReportOptions(by=by, weight="arr", data_note=note,
                                               title="NPS report: sample data"))
