"""The main job's report: what is our NPS, how sure are we, where, what
changed since last quarter, who is likely to leave and why, whom to contact
today and which problems to fix first.

`nps_report` works on any response table (the shipped sample or a user's
CSV); `sample_report` runs it on `npscore.datasets.load_sample()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from . import __version__
from ._convert import column
from .health import attribute_change, event_impact, health, segment_trends
from .nps import by_group, compare, summarize

METHODS = ("wald", "adjusted-wald", "score")


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def _interval(lo: float, hi: float) -> str:
    return f"[{_signed(lo)}, {_signed(hi)}]"


def _level(confidence: float) -> str:
    """A confidence level as a percentage, without misleading rounding."""
    return f"{100 * confidence:.10g}%"


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
    # Distribution health: period length, periods shown, the slice whose
    # flags and trends are listed, events to mark, and where to save the plot.
    health_freq: str = "M"
    health_periods: int = 6
    health_by: Optional[str] = None
    events: Optional[pd.DataFrame] = None
    figure: Optional[Path] = None
    extra_sections: list[str] = field(default_factory=list)


def _overall_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    s = summarize(column(df, opt.score, "score"), method=opt.method,
                  confidence=opt.confidence, missing=opt.missing)
    level = _level(opt.confidence)
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
    verdict = (f"significant at the {_level(alpha)} level" if c.p_value < alpha
               else f"not significant at the {_level(alpha)} level")
    return [
        "## This quarter against the last",
        f"{cur}: NPS {_signed(a.nps)} {_interval(a.ci_low, a.ci_high)}, n = {a.n:,}",
        f"{prev}: NPS {_signed(b.nps)} {_interval(b.ci_low, b.ci_high)}, n = {b.n:,}",
        f"Change {_signed(c.diff)} points, {_level(opt.confidence)} CI {_interval(c.ci_low, c.ci_high)}, "
        f"z = {c.z:.2f}, p = {c.p_value:.3g}: {verdict}.",
    ]


def _health_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    k = opt.health_periods
    h = health(df, score=opt.score, time=opt.time, freq=opt.health_freq, method=opt.method,
               confidence=opt.confidence, missing=opt.missing)
    last = h.tail(k)
    table = pd.DataFrame({
        "period": last["period"],
        "n": last["n"],
        "promoters": (100 * last["share_promoters"]).round(1),
        "passives": (100 * last["share_passives"]).round(1),
        "detractors": (100 * last["share_detractors"]).round(1),
        "NPS": last["nps"].round(1),
        "CI": [_interval(lo, hi) for lo, hi in zip(last["ci_low"], last["ci_high"])],
        "change": last["nps_change"].round(1),
        "p (adj.)": last["change_p_adjusted"].map(lambda p: f"{p:.3g}"),
        "flags": last["flags"].replace("", "-"),
    })
    lines = [f"## Distribution health (last {k} periods, freq {opt.health_freq!r}; p-values "
             "Holm-adjusted across all periods)", "", table.to_string(index=False)]
    sliced = (health(df, score=opt.score, time=opt.time, freq=opt.health_freq, by=opt.health_by,
                     method=opt.method, confidence=opt.confidence, missing=opt.missing)
              if opt.health_by else h.assign(_all="all"))
    key = opt.health_by or "_all"
    recent = set(h["period"].tail(k))
    flagged = sliced[sliced["period"].isin(recent) & (sliced["flags"] != "")
                     & ~sliced["flag_low_n"]]
    lines += ["", "### Health flags" + (f" by {opt.health_by}" if opt.health_by else "")]
    if flagged.empty:
        lines.append(f"No flags in the last {k} periods (small groups are not judged).")
    for _, r in flagged.iterrows():
        lines.append(f"- {r[key]} {r['period']}: {r['flags'].replace(',', ', ')} - {r['reasons']}")
    trends = segment_trends(df, periods=k, score=opt.score, time=opt.time, freq=opt.health_freq,
                            by=opt.health_by, missing=opt.missing)
    moving = trends[trends["direction"] != "flat"]
    lines += ["", f"### Segment trends over the last {k} periods"]
    if moving.empty:
        lines.append("Every segment share is flat (no trend significant after adjustment).")
    for _, r in moving.iterrows():
        where = f"{r[opt.health_by]}: " if opt.health_by else ""
        lines.append(
            f"- {where}{r['segment']} {r['direction']} {r['slope_points']:+.2f} points/period "
            f"({100 * r['start_share']:.1f}% -> {100 * r['end_share']:.1f}%, p adj. {r['p_adjusted']:.3g})")
    if opt.health_by and len(h) >= 2:
        a_label, b_label = h["period"].iloc[-2], h["period"].iloc[-1]
        drivers = attribute_change(df, by=opt.health_by, period_a=a_label, period_b=b_label,
                                   score=opt.score, time=opt.time, freq=opt.health_freq,
                                   missing=opt.missing)
        lines += ["", f"### What drove the last change ({a_label} -> {b_label}: NPS "
                      f"{_signed(drivers.attrs['nps_a'])} -> {_signed(drivers.attrs['nps_b'])}, "
                      f"{_signed(drivers.attrs['change'])} points) by {opt.health_by}",
                  "mix = the slice's share of respondents changed; rate = its NPS changed; "
                  "the totals add up to the change.", "",
                  drivers[[opt.health_by, "n_a", "n_b", "nps_a", "nps_b", "mix", "rate", "total"]]
                  .round(2).to_string(index=False)]
    if opt.events is not None and len(opt.events):
        impact = event_impact(df, opt.events, window="60D", by=opt.health_by, score=opt.score,
                              time=opt.time, missing=opt.missing, method=opt.method,
                              confidence=opt.confidence)
        cols = ["time", "label", *([opt.health_by] if opt.health_by else []), "n_before",
                "nps_before", "n_after", "nps_after", "diff", "p_adjusted"]
        shown = impact[cols].copy()
        shown["time"] = pd.to_datetime(shown["time"]).dt.strftime("%Y-%m-%d")
        shown["label"] = shown["label"].str.slice(0, 40)
        lines += ["", "### Events: NPS 60 days before and after (p-values Holm-adjusted)", "",
                  shown.round(3).to_string(index=False)]
    if opt.figure is not None:
        from . import plot

        fig = plot.health(h, events=opt.events, title="Distribution health (all responses)")
        fig.savefig(opt.figure, dpi=110)
        lines += ["", f"Plot: {opt.figure}"]
    return lines


# --- From score to action: churn risk, the contact queue, revenue at risk, themes ---

def _money(x: float) -> str:
    return f"${x:,.0f}"


def _action_sections(sample, *, horizon_days: float = 90, top: int = 10,
                     themes: int = 5) -> list[str]:
    """Churn risk with reasons, today's contact queue, revenue at risk and the
    themes to fix first, for a `npscore.datasets.Sample`-like object (responses,
    customers with `clv`, churn). "Today" is the last response in the data."""
    from .churn import ChurnModel, backtest, churn_features, evaluate
    from .priority import latest_responses, prioritize, revenue_at_risk
    from .themes import top_themes

    responses, customers = sample.responses, sample.customers
    now = pd.Timestamp(pd.to_datetime(responses["responded_at"]).max())
    end = max(now, pd.Timestamp(pd.to_datetime(sample.churn["churned_at"]).max()))
    features = dict(signup="signup_at", columns=["plan", "company_size"])
    # Honest estimate: train as of one date, test on the churn that followed a
    # later one; the test horizon ends with the data.
    test_as_of = (end - pd.Timedelta(days=horizon_days)).floor("D")
    train_as_of = test_as_of - pd.Timedelta(days=2 * horizon_days)
    bt = backtest(sample, train_as_of=train_as_of, test_as_of=test_as_of,
                  horizon_days=horizon_days,
                  model_factory=lambda: ChurnModel(standardize=True), **features)
    ev = evaluate(bt.split.y_test.to_numpy(), bt.p_test.to_numpy())
    # The model in use: refit on the latest labelled date, then score today.
    model = ChurnModel(standardize=True).fit(bt.split.X_test, bt.split.y_test.to_numpy())
    # Score the customers still with us: those who have churned are gone.
    churned_at = pd.to_datetime(sample.churn.set_index("customer_id")["churned_at"])
    gone = churned_at.index[churned_at.notna() & (churned_at <= now)]
    responses = responses[~responses["customer_id"].isin(gone)]
    customers = customers[~customers["customer_id"].isin(gone)]
    X_now = churn_features(responses, customers, as_of=now, **features)
    reasons = model.explain(X_now, top=3)
    risk = reasons["churn_probability"]

    lines = [
        f"## Churn risk (next {horizon_days:g} days)",
        f"Model: npscore.ChurnModel (L2 logistic regression, standardised) on {X_now.shape[1]} "
        f"signals from NPS history and the account ({', '.join(features['columns'])}).",
        f"Backtest: trained as of {train_as_of:%Y-%m-%d} (n = {bt.n_train:,}), tested on churn "
        f"after {test_as_of:%Y-%m-%d} (n = {bt.n_test:,}, churn rate {bt.test_churn_rate:.1%}): "
        f"ROC AUC {ev.auc:.3f}, Brier {ev.brier:.4f}, log loss {ev.log_loss:.4f}, "
        f"top-decile lift {ev.lift:.2f}x.",
        f"Scored as of {now:%Y-%m-%d %H:%M} UTC after refitting on {test_as_of:%Y-%m-%d}: "
        f"{len(X_now):,} active customers ({len(gone):,} already churned), "
        f"mean risk {risk.mean():.1%}.",
        "",
        f"Riskiest {top} customers:",
    ]
    clv = customers.set_index("customer_id")["clv"]
    riskiest = reasons.sort_values("churn_probability", ascending=False, kind="stable").head(top)
    table = pd.DataFrame({
        "customer": riskiest.index,
        "P(churn)": riskiest["churn_probability"].map("{:.1%}".format).to_numpy(),
        "CLV": clv.reindex(riskiest.index).map(_money).to_numpy(),
        "reasons": ["; ".join(r for r in row if isinstance(r, str))
                    for row in riskiest[[f"reason_{k}" for k in (1, 2, 3)]].to_numpy()],
    })
    lines += ["", table.to_string(index=False)]

    frame = latest_responses(responses, customers, churn_risk=risk)
    queue = prioritize(frame, churn_risk="churn_risk", clv="clv", segment="segment",
                       responded_at="responded_at", now=now, top=top, keep=["customer_id"])
    why = reasons["reason_1"].reindex(queue["customer_id"]).fillna("").to_numpy()
    q = pd.DataFrame({
        "rank": queue["rank"].to_numpy(),
        "customer": queue["customer_id"].to_numpy(),
        "segment": queue["segment"].to_numpy(),
        "at risk": queue["revenue_at_risk"].map(_money).to_numpy(),
        "recoverable": queue["recoverability"].map("{:.0%}".format).to_numpy(),
        "expected": queue["expected_recoverable"].map(_money).to_numpy(),
        "deadline": [f"{d:%Y-%m-%d %H:%M}" + (" OVERDUE" if o else "")
                     for d, o in zip(queue["deadline"], queue["overdue"])],
        "play": queue["play"].to_numpy(),
        "top reason": why,
    })
    lines += [
        "",
        f"## Whom to contact today (top {top} by expected recoverable revenue)",
        "Priority = P(churn) x CLV x recoverability now (DOMAIN.md §5: ~65% within 1 h, "
        "~40% at 24 h, <10% after 72 h); deadline = response + 24 h.",
        "", q.to_string(index=False),
    ]

    lines += ["", "## Revenue at risk"]
    for by in ("segment", "plan"):
        r = revenue_at_risk(frame, churn_risk="churn_risk", clv="clv", by=by, score="score")
        t = pd.DataFrame({
            by: r[by].astype(str).to_numpy(),
            "customers": r["customers"].to_numpy(),
            "CLV": r["clv"].map(_money).to_numpy(),
            "at risk": r["revenue_at_risk"].map(_money).to_numpy(),
            "share": r["share_of_risk"].map("{:.1%}".format).to_numpy(),
        })
        if by != "segment":  # within a segment both NPS are +-100 or 0 by definition
            t["NPS"] = r["nps"].round(1).to_numpy()
            t["CLV-weighted NPS"] = r["revenue_weighted_nps"].round(1).to_numpy()
        lines += ["", t.to_string(index=False)]

    # Every answer is evidence of a problem, churned customers' included.
    df = sample.responses.merge(sample.customers[["customer_id", "clv"]], on="customer_id",
                                how="left",
                         validate="many_to_one")
    # Problems are what detractors and passives write: the tagger finds topics,
    # not sentiment, and promoters' comments are mostly praise.
    critics = df[pd.to_numeric(df["score"]) <= 8]
    th = top_themes(critics, comment="comment", segment="score", clv="clv", n=themes)
    t = pd.DataFrame({
        "theme": th["theme"].to_numpy(),
        "mentions": th["mentions"].to_numpy(),
        "detractors": th["detractors"].to_numpy(),
        "passives": th["passives"].to_numpy(),
        "impact": th["impact"].map(_money).to_numpy(),
        "driver": th["driver"].to_numpy(),
    })
    lines += [
        "",
        f"## Themes to fix first (top {themes} by revenue impact)",
        "Feature Impact Score (DOMAIN.md §6): mentions by segment x the segment's average CLV, "
        f"summed, over the {len(critics):,} answers of detractors and passives; comments "
        "tagged by npscore.ThemeTagger's default taxonomy.",
        "", t.to_string(index=False),
    ]
    return lines


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
        lines.append("")
        lines += _health_section(responses, opt)
    for section in opt.extra_sections:
        lines += ["", section]
    return "\n".join(lines) + "\n"


def sample_report(seed: int = 42, n_customers: int = 2000,
                  figure: Optional[Path] = None) -> str:
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
    return nps_report(responses, ReportOptions(
        by=by, weight="arr", data_note=note, title="NPS report: sample data",
        health_by="plan", health_freq="Q", health_periods=8, events=sample.events,
        figure=figure, extra_sections=["\n".join(_action_sections(sample))]))
