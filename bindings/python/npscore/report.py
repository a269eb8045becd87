"""The main job's report: what is our NPS, how sure are we, where, what
changed since last quarter, who is likely to leave and why, whom to contact
today and which problems to fix first.

`nps_report` works on any response table (the shipped sample or a user's
CSV); `sample_report` runs it on `npscore.datasets.load_sample()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence, cast

import numpy as np
import pandas as pd

from . import __version__
from . import _args
from ._convert import column, utc_nanos
from .health import attribute_change, event_impact, health, segment_trends
from .nps import DEFAULT_CONFIDENCE, DEFAULT_METHOD, DEFAULT_MIN_N, by_group, compare, summarize
from ._types import Freq, Method, Missing, WeightBy

METHODS: tuple[Method, ...] = ("wald", "adjusted-wald", "score")


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def _interval(lo: float, hi: float) -> str:
    return f"[{_signed(lo)}, {_signed(hi)}]"


def _level(confidence: float) -> str:
    """A confidence level as a percentage, without misleading rounding."""
    return f"{100 * confidence:.10g}%"


def _quarters(times: pd.Series, name: str) -> pd.Series:
    """Calendar quarter (UTC) of each timestamp; naive times are UTC."""
    ns = utc_nanos(times, f"column {name!r}", "UTC")
    return pd.Series(ns.view("datetime64[ns]"), index=times.index).dt.to_period("Q")


@dataclass
class ReportOptions:
    """What the report analyses; column names refer to the response table."""

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
    # Distribution health: period length, periods shown, the slice whose
    # flags and trends are listed, events to mark, and where to save the plot.
    health_freq: Freq = "M"
    health_periods: int = 6
    health_by: Optional[str] = None
    events: Optional[pd.DataFrame] = None
    figure: Optional[Path] = None
    extra_sections: list[str] = field(default_factory=list)


def _days(df: pd.DataFrame, opt: ReportOptions) -> str:
    """The dates the responses span, "first..last" (UTC), or "all dates"."""
    if not opt.time or not len(df):
        return "all dates"
    q = pd.Series(utc_nanos(column(df, opt.time, "time"), f"column {opt.time!r}", "UTC")
                  .view("datetime64[ns]")).dropna()
    return f"{q.min():%Y-%m-%d}..{q.max():%Y-%m-%d}" if len(q) else "all dates"


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


def _weighted_line(df: pd.DataFrame, opt: ReportOptions, who: str, level: str) -> str:
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
                f"{rows:,} responses of {accounts:,} accounts")
    else:
        rule = f"each of {rows:,} responses weighted by its full {opt.weight}"
    return (f"{opt.weight}-weighted NPS {_signed(w.nps)}  {level} CI "
            f"{_interval(w.ci_low, w.ci_high)}, effective n = {w.n_effective:,.0f} "
            f"({rule}, {_days(df, opt)}, {who})")


def _overall_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    s = summarize(column(df, opt.score, "score"), method=opt.method,
                  confidence=opt.confidence, missing=opt.missing)
    level = _level(opt.confidence)
    lines = [
        "## Overall",
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
        o = summarize(column(df, opt.score, "score"), method=m, confidence=opt.confidence,
                      missing=opt.missing)
        other.append(f"{m} {_interval(o.ci_low, o.ci_high)}")
    lines.append("Other interval methods: " + "; ".join(other))
    if opt.weight:
        lines.append(_weighted_line(df, opt, "all customers", level))
        if opt.account is not None and opt.weight_by == "account":
            r = summarize(column(df, opt.score, "score"), column(df, opt.weight, "weight"),
                          weight_by="response", method=opt.method, confidence=opt.confidence,
                          missing=opt.missing)
            lines.append(f"(Weighting each response by its account's full {opt.weight} would give "
                         f"{_signed(r.nps)}: accounts that answer more often would count more.)")
    kinds = _kinds(df, opt)
    if kinds:
        lines += ["", f"By survey kind ({opt.kind}): relational and transactional surveys measure "
                      "different things and are reported apart."]
        col = column(df, opt.kind, "kind")
        for k in kinds:
            part = df[(col == k).to_numpy()]
            ks = summarize(column(part, opt.score, "score"), method=opt.method,
                           confidence=opt.confidence, missing=opt.missing)
            lines.append(f"- {k}: NPS {_signed(ks.nps)} {_denominator(ks.n, part, opt)}  "
                         f"{level} CI {_interval(ks.ci_low, ks.ci_high)}")
            if opt.weight:
                lines.append("  " + _weighted_line(part, opt, "all customers", level))
    return lines


def _slice_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    kinds = _kinds(df, opt)
    split = f", each {opt.kind} apart" if kinds else ""
    lines = [f"## NPS by slice (NPS over responses, {_days(df, opt)}, all customers{split}; "
             f"n = responses; * = fewer than {opt.min_n:g} responses: do not read much into it)"]
    for key in opt.by:
        keys = [opt.kind, key] if kinds and key != opt.kind else [key]
        t = by_group(df, score=opt.score, by=keys, min_n=opt.min_n, method=opt.method,
                     confidence=opt.confidence, missing=opt.missing)
        table = pd.DataFrame({
            **({opt.kind: t[opt.kind].astype(str)} if len(keys) == 2 else {}),
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


def _quarter_lines(df: pd.DataFrame, q: pd.Series, opt: ReportOptions, cur, prev,
                   who: str) -> list[str]:
    """NPS of two quarters and their comparison, each with its denominator."""
    scores = column(df, opt.score, "score")
    if not ((q == cur).any() and (q == prev).any()):
        return [f"No responses in {cur} or {prev} ({who})."]
    a = summarize(scores[(q == cur).to_numpy()], method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)
    b = summarize(scores[(q == prev).to_numpy()], method=opt.method, confidence=opt.confidence,
                  missing=opt.missing)
    c = compare(a, b, method=opt.method, confidence=opt.confidence)
    alpha = 1 - opt.confidence
    verdict = (f"significant at the {_level(alpha)} level" if c.p_value < alpha
               else f"not significant at the {_level(alpha)} level")
    return [
        f"{cur}: NPS {_signed(a.nps)} {_interval(a.ci_low, a.ci_high)} "
        f"{_denominator(a.n, df[(q == cur).to_numpy()], opt, who)}",
        f"{prev}: NPS {_signed(b.nps)} {_interval(b.ci_low, b.ci_high)} "
        f"{_denominator(b.n, df[(q == prev).to_numpy()], opt, who)}",
        f"Change {_signed(c.diff)} points, {_level(opt.confidence)} CI {_interval(c.ci_low, c.ci_high)}, "
        f"z = {c.z:.2f}, p = {c.p_value:.3g}: {verdict}.",
    ]


def _quarter_section(df: pd.DataFrame, opt: ReportOptions) -> list[str]:
    q = _quarters(column(df, opt.time, "time"), opt.time)
    periods = sorted(q.dropna().unique())
    if len(periods) < 2:
        return ["## This quarter against the last", "Fewer than two quarters of data."]
    cur, prev = periods[-1], periods[-2]
    kinds = _kinds(df, opt)
    lines = ["## This quarter against the last"]
    if not kinds:
        return lines + _quarter_lines(df, q, opt, cur, prev, "all customers")
    col = column(df, opt.kind, "kind")
    for k in kinds:
        sel = (col == k).to_numpy()
        lines += ["", f"### {k} surveys"] + _quarter_lines(df[sel], q[sel], opt, cur, prev,
                                                           f"all customers, {k} surveys")
    lines += ["", "### All surveys blended"] + _quarter_lines(df, q, opt, cur, prev,
                                                              "all customers, all surveys")
    # The quarters side by side: a change in one kind can hide in the blend.
    shown = periods[-6:]
    grid = {}
    for k in [*kinds, "all"]:
        sel = np.ones(len(df), bool) if k == "all" else (col == k).to_numpy()
        row = {}
        for p in shown:
            part = sel & (q == p).to_numpy()
            sc = column(df, opt.score, "score")[part]
            if not part.any():
                row[str(p)] = "-"
                continue
            ps = summarize(sc, missing=opt.missing)
            row[str(p)] = f"{_signed(ps.nps)} (n={ps.n:,.0f})"
        grid[str(k)] = row
    table = pd.DataFrame(grid).T
    table.index.name = opt.kind
    lines += ["", f"### NPS by quarter and {opt.kind} (NPS over each quarter's responses, "
                  "all customers)", "", table.reset_index().to_string(index=False)]
    return lines


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
    lines = [f"## Distribution health (last {k} periods, freq {opt.health_freq!r}; change "
             "p-values Holm-adjusted across all periods; flags as in \"Health flags\")", "",
             table.to_string(index=False)]
    sliced = (health(df, score=opt.score, time=opt.time, freq=opt.health_freq, by=opt.health_by,
                     method=opt.method, confidence=opt.confidence, missing=opt.missing)
              if opt.health_by else h.assign(_all="all"))
    key = opt.health_by or "_all"
    recent = list(h["period"].tail(k))
    lines += _flag_lines(sliced, key, recent, opt)
    lines += _trend_lines(df, sliced, key, recent, opt)
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


def _flag_lines(sliced: pd.DataFrame, key: str, recent: list, opt: ReportOptions) -> list[str]:
    """The flags of the last periods, each naming what it compared against,
    and what each slice's newest period could reveal at all."""
    freq = opt.health_freq
    attrs = sliced.attrs
    by = f" by {opt.health_by}" if opt.health_by else ""
    lines = ["", f"### Health flags{by} ({recent[0]} to {recent[-1]})",
             f"Each {freq!r} period is judged as it was when it closed, against its baseline: "
             f"{attrs['baseline']}; p-values: {attrs['flag_adjustment']} "
             f"(mode {attrs['flag_mode']!r}). level_shift is a CUSUM of the periods' "
             "deviations from their baselines."]
    rows = sliced[sliced["period"].isin(recent) & (sliced["flags"] != "")
                  & ~sliced["flag_low_n"]]
    if rows.empty:
        lines.append(f"No flags in the last {len(recent)} periods (small groups are not judged).")
    for _, r in rows.iterrows():
        against = (f" [baseline {r['baseline_from']} to {r['baseline_to']}, "
                   f"n = {int(r['baseline_n']):,}]" if pd.notna(r["baseline_from"]) else "")
        lines.append(f"- {r[key]} {r['period']}: {r['flags'].replace(',', ', ')} - "
                     f"{r['reasons']}{against}")
    # The size of change the newest period of each slice could reveal.
    newest = sliced[(sliced["period"] == recent[-1]) & sliced["min_detectable_drop"].notna()]
    if len(newest):
        alpha = attrs["thresholds"]["drop_alpha"]
        power = attrs["thresholds"]["power"]
        sizes = "; ".join(f"{r[key]} SE {r['se']:.1f}, {r['min_detectable_drop']:.0f} points"
                          for _, r in newest.iterrows())
        lines.append(f"What {recent[-1]} could reveal (NPS standard error, and the smallest drop "
                     f"nps_drop detects with {power:.0%} power at alpha {alpha:g} / tests of the "
                     f"period): {sizes}.")
    return lines


def _trend_lines(df: pd.DataFrame, sliced: pd.DataFrame, key: str, recent: list,
                 opt: ReportOptions) -> list[str]:
    """Segment trends over the window of the last periods, labelled as such,
    each with the flags its slice raised in that window (trends describe the
    whole window; flags judge each period against its own baseline)."""
    k = len(recent)
    trends = segment_trends(df, periods=k, score=opt.score, time=opt.time, freq=opt.health_freq,
                            by=opt.health_by, missing=opt.missing)
    moving = trends[trends["direction"] != "flat"]
    over = f"{opt.health_by} x segments" if opt.health_by else "segments"
    lines = ["", f"### Segment trends over the window {recent[0]} to {recent[-1]} ({k} periods)",
             "Least-squares slope of each share over the whole window, weighted by n; "
             f"p-values Holm-adjusted over {over}."]
    if moving.empty:
        lines.append("Every segment share is flat (no trend significant after adjustment).")
    window = sliced[sliced["period"].isin(recent) & (sliced["flags"] != "") & ~sliced["flag_low_n"]]
    for _, r in moving.iterrows():
        where = f"{r[opt.health_by]}: " if opt.health_by else ""
        mine = window[window[key] == r[opt.health_by]] if opt.health_by else window
        if len(mine):
            flagged = ", ".join(f"{p} ({f.replace(',', ', ')})"
                                for p, f in zip(mine["period"], mine["flags"]))
            note = f"; flagged in {flagged}"
        else:
            note = ("; no period of the window flagged: each stayed within what its own "
                    "baseline allows (a gradual drift)")
        lines.append(
            f"- {where}{r['segment']} {r['direction']} {r['slope_points']:+.2f} points/period "
            f"({100 * r['start_share']:.1f}% -> {100 * r['end_share']:.1f}%, "
            f"p adj. {r['p_adjusted']:.3g}){note}")
    return lines


# --- From score to action: churn risk, the contact queue, revenue at risk, themes ---

def _money(x: float) -> str:
    return f"${x:,.0f}"


def _queue_lines(sample, responses, customers, frame, risk, reasons, now, top) -> list[str]:
    """The contact queues: one per play, live cases only, the missed list and
    the detractor SLA, from the sample's contact log (``sample.contacts``, or
    for `npscore.datasets.Sample` the simulated `make_contacts` log)."""
    from . import datasets
    from .priority import missed_cases, prioritize

    contacts = getattr(sample, "contacts", None)
    log_note = "contact log: sample.contacts"
    if contacts is None and isinstance(sample, datasets.Sample):
        contacts = datasets.make_contacts(sample.responses)
        log_note = "contact log simulated by npscore.datasets.make_contacts"
    cases = frame.copy()
    if contacts is not None:
        cases = cases.merge(contacts[["response_id", "contacted_at"]], on="response_id", how="left",
                            validate="one_to_one")
    args = dict(churn_risk="churn_risk", clv="clv", segment="segment", responded_at="responded_at",
                contacted_at="contacted_at" if contacts is not None else None, now=now,
                keep=["customer_id"])
    full = prioritize(cases, **args)
    queue = full[full["rank"] <= top]
    missed = missed_cases(cases, **args)
    a = full.attrs
    # The SLA over every answer of active customers, not only the latest.
    every = responses.merge(customers[["customer_id", "clv"]], on="customer_id", how="inner")
    if contacts is not None:
        every = every.merge(contacts[["response_id", "contacted_at"]], on="response_id", how="left")
    every_q = prioritize(every, churn_risk=np.zeros(len(every)), clv="clv", segment="score",
                         responded_at="responded_at", now=now, top=1,
                         contacted_at="contacted_at" if contacts is not None else None)
    e = every_q.attrs
    sla = a["sla_hours"]
    window = a["window_hours"]
    if contacts is not None and e["detractors_due"]:
        share = (f"of {e['detractors_due']:,} detractor answers due so far (active customers, all "
                 f"history), {e['detractors_within_sla']:,} were contacted within {sla['recover']:g} h "
                 f"({e['detractors_within_sla'] / e['detractors_due']:.0%})")
    else:
        share = "share contacted within the SLA: n/a (no contact log)"
    why = reasons["reason_1"].reindex(queue["customer_id"]).fillna("").to_numpy()

    def when(d, o):
        return f"{d:%Y-%m-%d %H:%M}" + (" OVERDUE" if o else "")

    lines = [
        "",
        "## Whom to contact today: live cases, one queue per play",
        f"As of {now:%Y-%m-%d %H:%M} UTC; {log_note}. A case is live until it is contacted or "
        f"closed, and for at most {window:g} h after the answer (the recovery curve's last anchor, "
        "where recoverability reaches its permanent 5% floor); then it moves to the missed list.",
        f"SLA: recover (detractors) {sla['recover']:g} h, make it a 10 (passives) "
        f"{sla['make_it_a_10']:g} h, advocacy (promoters) {sla['advocacy']:g} h after the answer; "
        "OVERDUE = live and past the play's deadline.",
        "Recover and make it a 10 rank by the value of acting today rather than tomorrow: "
        "P(churn) x CLV x [r(t) - r(t + 24 h)] (r: recoverability, ~65% within 1 h, ~40% at 24 h, "
        "<10% after 72 h); advocacy ranks promoters by CLV (no recovery).",
        f"Detractor SLA: {share}; {e['missed']['recover']:,} were never contacted within "
        f"{window:g} h (missed). Live cases now: {len(full):,}, of which "
        f"{int(full['overdue'].sum()):,} OVERDUE.",
    ]
    titles = {"recover": "Recover (detractors)", "make_it_a_10": "Make it a 10 (passives)",
              "advocacy": "Advocacy (promoters)"}
    for play, title in titles.items():
        part = queue[queue["play"] == play]
        live = a["queued"][play]
        lines += ["", f"### {title}: {live:,} live, top {min(top, live)}"
                  + (f", {a['contacted'][play]:,} already contacted" if contacts is not None else "")]
        if part.empty:
            lines.append("(none)")
            continue
        t = pd.DataFrame({
            "rank": part["rank"].to_numpy(),
            "customer": part["customer_id"].to_numpy(),
            "answered": part["hours_since_response"].map("{:.0f} h ago".format).to_numpy(),
        })
        if play == "advocacy":
            t["CLV"] = part["clv"].map(_money).to_numpy()
        else:
            t["at risk"] = part["revenue_at_risk"].map(_money).to_numpy()
            t["recoverable"] = part["recoverability"].map("{:.0%}".format).to_numpy()
            t["expected"] = part["expected_recoverable"].map(_money).to_numpy()
            t["lost by tomorrow"] = part["priority"].map(_money).to_numpy()
        t["deadline"] = [when(d, o) for d, o in zip(part["deadline"], part["overdue"])]
        if play != "advocacy":
            t["top reason"] = why[(queue["play"] == play).to_numpy()]
        lines += [t.to_string(index=False)]
    det = missed[missed["play"] == "recover"]
    lines += ["", f"### Missed SLA / account review: {len(det):,} detractors not contacted within "
              f"{window:g} h ({_money(det['revenue_at_risk'].sum())} at risk); top {min(top, len(det))} "
              "by revenue at risk"]
    if len(det):
        d = det.head(top)
        lines.append(pd.DataFrame({
            "customer": d["customer_id"].to_numpy(),
            "answered": d["responded_at"].map("{:%Y-%m-%d}".format).to_numpy(),
            "at risk": d["revenue_at_risk"].map(_money).to_numpy(),
        }).to_string(index=False))
    return lines


def _action_sections(sample, *, horizon_days: float = 90, top: int = 10,
                     themes: int = 5) -> list[str]:
    """Churn risk with reasons, today's contact queue, revenue at risk and the
    themes to fix first, for a `npscore.datasets.Sample`-like object (responses,
    customers with `clv`, churn). "Today" is the last response in the data."""
    from .churn import ChurnModel, backtest, churn_features, evaluate
    from .priority import latest_responses, revenue_at_risk
    from .themes import top_themes

    responses, customers = sample.responses, sample.customers
    now = pd.Timestamp(pd.to_datetime(responses["responded_at"]).max())
    end = max(now, pd.Timestamp(pd.to_datetime(sample.churn["churned_at"]).max()))
    features = dict(signup="signup_at", columns=["plan", "company_size"],
                    static_columns=True)  # the sample's plan and size never change
    # Honest estimate: train as of one date, test on the churn that followed a
    # later one; the test horizon ends with the data.
    test_as_of = (end - pd.Timedelta(days=horizon_days)).floor("D")
    train_as_of = test_as_of - pd.Timedelta(days=2 * horizon_days)
    bt = backtest(sample, train_as_of=train_as_of, test_as_of=test_as_of,
                  horizon_days=horizon_days,
                  model_factory=lambda: ChurnModel(standardize=True), **features)
    y_test = bt.split.y_test.to_numpy()
    ev = evaluate(y_test, bt.p_test.to_numpy())
    pe = evaluate(y_test, bt.p_prior.to_numpy())
    # The model is used only where it beats the prior on the backtest; the
    # reasons' stability is measured on the refit either way.
    fitted = ChurnModel(standardize=True).fit(bt.split.X_test, y_test)
    stab = fitted.reason_stability(bt.split.X_test, y_test, n_boot=30)
    model = fitted if bt.beats_prior else ChurnModel.prior(horizon_days)
    # Score the customers still with us: those who have churned are gone.
    churned_at = pd.to_datetime(sample.churn.set_index("customer_id")["churned_at"])
    gone = churned_at.index[churned_at.notna() & (churned_at <= now)]
    responses = responses[~responses["customer_id"].isin(gone)]
    customers = customers[~customers["customer_id"].isin(gone)]
    X_now = churn_features(responses, customers, as_of=now, **features)
    reasons = model.explain(X_now, top=3)
    risk = reasons["churn_probability"]

    scores = pd.DataFrame({
        "": ["model", "prior (baseline)"],
        "ROC AUC": [f"{ev.auc:.3f}", f"{pe.auc:.3f}"],
        "Brier": [f"{ev.brier:.4f}", f"{pe.brier:.4f}"],
        "log loss": [f"{ev.log_loss:.4f}", f"{pe.log_loss:.4f}"],
        "top-decile lift": [f"{ev.lift:.2f}x", f"{pe.lift:.2f}x"],
    })
    if bt.beats_prior:
        used = (f"Scored with the model (L2 logistic regression, standardised, on "
                f"{X_now.shape[1]} signals from NPS history and the account: "
                f"{', '.join(features['columns'])}), refit on {test_as_of:%Y-%m-%d}: it beats "
                "the prior on both AUC and Brier.")
    else:
        used = ("Scored with the prior (ChurnModel.prior: segment base rates, no training): "
                f"the {bt.split.X_test.shape[1]}-signal model does not beat it on the backtest "
                "(it needs a higher AUC and a lower Brier score).")
    unstable = ", ".join(f"{k} {v:.0%}" for k, v in stab.sign_stability.items() if v < 0.9)
    lines = [
        f"## Churn risk (next {horizon_days:g} days)",
        f"Backtest: trained as of {train_as_of:%Y-%m-%d} (n = {bt.n_train:,}), tested on churn "
        f"after {test_as_of:%Y-%m-%d} (n = {bt.n_test:,}, churn rate {bt.test_churn_rate:.1%}); "
        "the baseline is the prior (segment base rates) on the same customers:",
        "", scores.to_string(index=False), "",
        f"Model ROC AUC {ev.auc:.3f} / Brier {ev.brier:.4f} against the prior's ROC AUC "
        f"{pe.auc:.3f} / Brier {pe.brier:.4f}. " + used,
        f"Reason stability of the model over {stab.n_boot} bootstrap refits: the top reason is "
        f"unchanged in {stab.mean_top_reason_agreement:.0%} of refits per customer on average; "
        + (f"coefficients whose sign holds in fewer than 90% of refits: {unstable}."
           if unstable else "every coefficient keeps its sign in at least 90% of refits."),
        "Reasons: score, mean, lowest score and segment are one \"score history\" reason; none "
        "comes from a filled-in value (customers who never answered) or an inapplicable one, "
        "nor from a signal whose coefficient contradicts its documented direction.",
        f"Scored as of {now:%Y-%m-%d %H:%M} UTC: {len(X_now):,} active customers "
        f"({len(gone):,} already churned), mean risk {risk.mean():.1%}.",
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
    lines += _queue_lines(sample, responses, customers, frame, risk, reasons, now, top)

    # Every active customer, answered or not: those who never answered have
    # a churn risk too and must not drop out of the money at stake.
    everyone = customers.assign(churn_risk=customers["customer_id"].map(risk).to_numpy())
    answered_at = pd.to_datetime(frame["responded_at"])
    span = f"{answered_at.min():%Y-%m-%d}..{answered_at.max():%Y-%m-%d}"
    lines += [
        "", "## Revenue at risk",
        f"Customers active on {now:%Y-%m-%d}: the {len(frame):,} who answered, by their latest "
        f"answer ({span}), and those who never answered. Risk rate = revenue at risk / CLV "
        "(the CLV-weighted P(churn)); expected churners = the sum of P(churn) over the next "
        f"{horizon_days:g} days.",
    ]
    for by in ("segment", "plan"):
        r = revenue_at_risk(frame, churn_risk="churn_risk", clv="clv", by=by, score="score",
                            customers=everyone, customer="customer_id")
        t = pd.DataFrame({
            by: np.where(r["answered"], r[by].astype(str), "(never answered)"),
            "customers": r["customers"].to_numpy(),
            "CLV": r["clv"].map(_money).to_numpy(),
            "at risk": r["revenue_at_risk"].map(_money).to_numpy(),
            "share": r["share_of_risk"].map("{:.1%}".format).to_numpy(),
            "risk rate": r["risk_rate"].map("{:.1%}".format).to_numpy(),
            "mean P(churn)": r["mean_churn_risk"].map("{:.1%}".format).to_numpy(),
            "expected churners": r["expected_churners"].round(1).to_numpy(),
        })
        if by != "segment":  # within a segment both NPS are +-100 or 0 by definition
            t["NPS"] = r["nps"].round(1).map(lambda x: "-" if pd.isna(x) else f"{x:.1f}").to_numpy()
            t["CLV-weighted NPS"] = (r["revenue_weighted_nps"].round(1)
                                     .map(lambda x: "-" if pd.isna(x) else f"{x:.1f}").to_numpy())
            lines += ["", f"NPS by {by}: over the latest answer of each active customer who "
                          f"answered ({len(frame):,} customers, latest answers {span}, customers "
                          f"active on {now:%Y-%m-%d}); CLV-weighted: each customer's CLV counted "
                          "once.", t.to_string(index=False)]
        else:
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
        "Feature Impact Score (docs/sources.md §6): mentions by segment x the segment's average CLV, "
        f"summed, over the {len(critics):,} answers of detractors and passives; comments "
        "tagged by npscore.ThemeTagger's default taxonomy.",
        "", t.to_string(index=False),
    ]
    return lines


def _checked(opt: ReportOptions) -> ReportOptions:
    """The options with `by` as a list and the sizes and levels checked, so
    that a bad option is named as the report's, not a function's inside."""
    import dataclasses

    by = _args.labels(opt.by, "by")
    health_by = opt.health_by
    if health_by is not None and not isinstance(health_by, str):
        raise TypeError(f"health_by must be one column name, got {health_by!r}")
    return dataclasses.replace(
        opt, by=by,
        health_periods=_args.whole(opt.health_periods, "health_periods", minimum=1),
        min_n=_args.number(opt.min_n, "min_n"),
        confidence=_args.number(opt.confidence, "confidence"),
        # The casts only tell a type checker what the checks ensure.
        method=cast(Method, _args.option(opt.method, "method")),
        weight_by=cast(WeightBy, _args.option(opt.weight_by, "weight_by", ("account", "response"))),
        missing=cast(Missing, _args.option(opt.missing, "missing")),
        health_freq=cast(Freq, _args.option(opt.health_freq, "health_freq")))


def nps_report(responses: Any, options: ReportOptions | None = None) -> str:
    """Returns the report for a response table as plain text (Markdown)."""
    opt = options or ReportOptions()
    if not isinstance(opt, ReportOptions):
        raise TypeError(f"options must be a ReportOptions, got {type(opt).__name__}")
    responses = _args.frame(responses, "responses")
    opt = _checked(opt)
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
    by = slices  # survey kinds are reported apart in every section (ReportOptions.kind)
    t = pd.to_datetime(responses["responded_at"])
    note = (f"Data: npscore.datasets.load_sample(seed={seed}): {len(customers):,} customers, "
            f"{len(responses):,} responses from {t.min():%Y-%m-%d} to {t.max():%Y-%m-%d}.")
    return nps_report(responses, ReportOptions(
        by=by, weight="arr", account="customer_id", data_note=note, title="NPS report: sample data",
        health_by="plan", health_freq="Q", health_periods=8, events=sample.events,
        figure=figure, extra_sections=["\n".join(_action_sections(sample))]))
