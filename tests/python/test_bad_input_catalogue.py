"""The bad-input catalogue of the Python API (issue 9).

One table, `CASES`: each case is a wrong call, the exception it must raise
and a regular expression its message must match. Messages are npscore's:
they name the argument, and for data the first offending row and value;
none is pybind11's ("incompatible function arguments"), pandas' or numpy's,
and no wrong call succeeds silently. `CATEGORIES` names each kind of bad
input the catalogue covers; every public function of the API appears in at
least one case (`test_every_public_function_is_in_the_catalogue`).

`python tests/python/test_bad_input_catalogue.py` prints the catalogue as a
Markdown table (for the documentation).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

import npscore
import npscore.__main__ as cli
from npscore import churn, datasets, loop, plot, priority, report, survey, themes

# --- Kinds of bad input (the categories of unclear errors and silent results) -----

CATEGORIES = {
    "time-number": "a time column or timestamp given as plain numbers (was read as ns since 1970)",
    "time-mixed": "naive and time-zone-aware times mixed in one column",
    "time-text": "text that is no timestamp, durations or booleans as times",
    "time-range": "times outside what int64 nanoseconds hold (before 1677, after 2262)",
    "time-dst": "naive local times that do not exist or exist twice in the zone",
    "time-zone": "time zones of the wrong type, unknown, or paths / NUL bytes",
    "duplicate-column": "a column name given twice (DataFrame, CSV header, or argument list)",
    "size-negative-zero": "negative or zero sizes (n, top, bins, periods, k, time, window, ...)",
    "size-huge": "integers beyond the core's bound or the C type (was pybind11's message)",
    "size-nan": "NaN or infinity where a whole number or a finite number is needed",
    "size-fraction": "fractions where a whole number is needed",
    "wrong-type-number": "text, None or a bool where a number is needed",
    "wrong-type-option": "a non-string where an option string is needed (was pybind11's message)",
    "unknown-option": "an option string that is not one of the choices",
    "wrong-type-mapping": "a non-mapping, or mapping entries of the wrong type",
    "wrong-type-frame": "a non-DataFrame where a table is needed",
    "wrong-type-callable": "a non-callable where a factory is needed",
    "duration": "durations without a unit, unparseable, out of range or negative",
    "iterable": "generators (read once), sets and dicts (no row order), scalars for columns",
    "data-text": "text in numeric columns",
    "data-missing": "missing values (NaN / None / NaT) where a value is required",
    "data-range": "values outside their domain (negative CLV, probabilities > 1, ...)",
    "length-mismatch": "columns of different lengths",
    "duplicate-id": "an id that appears twice in a table that needs one row per id",
    "id-types": "ids of different types in two tables that are joined",
    "empty": "empty inputs",
    "file": "model files: directories, missing files, NUL bytes in paths, wrong types",
    "format-string": "reason texts with unknown format fields",
    "not-fitted": "a model used before it is fitted",
    "key-series": "a key Series without a name, not aligned with the table's index, or named "
                  "like a column with other values",
    "routing-off": "a scikit-learn metadata request set while metadata routing is off",
}


@dataclasses.dataclass(frozen=True)
class Case:
    id: str                       # unique, stable: the pytest id
    covers: str                   # the public function called, e.g. "health", "ChurnModel.fit"
    category: str                 # a key of CATEGORIES
    call: Callable[[], Any]       # makes the bad call
    error: type                   # expected exception type
    match: str                    # regular expression the message must match (re.search)


# --- Inputs -----------------------------------------------------------------------------

RNG = np.random.default_rng(9)
N = 60
RESP = pd.DataFrame({
    "score": RNG.integers(0, 11, N),
    "responded_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(np.arange(N) * 3, unit="D"),
    "plan": RNG.choice(["basic", "pro"], N),
    "customer_id": RNG.integers(0, 15, N),
    "comment": RNG.choice(["a bug in the app", "too expensive", "great", None], N),
    "clv": RNG.uniform(100, 1000, N),
    "p": RNG.uniform(0, 1, N),
})
EVENTS = pd.DataFrame({"time": [pd.Timestamp("2025-03-01")], "label": ["release"]})
X = RNG.normal(size=(80, 3))
Y = (X[:, 0] + RNG.normal(size=80) > 0).astype(int)
MODEL = npscore.ChurnModel().fit(X, Y)
NOW = pd.Timestamp("2026-01-01", tz="UTC")
SAMPLE = datasets.load_sample(seed=1, n_customers=120)
RFM = npscore.rfm_summary(SAMPLE.transactions, customer="customer_id", date="date", amount="amount",
                          observation_end="2025-12-31")
BG = npscore.BetaGeo().fit(RFM.frequency, RFM.recency, RFM["T"])
GG = npscore.GammaGamma().fit(RFM.frequency, RFM.monetary_value)
HEALTH = npscore.health(RESP)


def resp(**columns: Any) -> pd.DataFrame:
    """RESP with columns replaced."""
    return RESP.assign(**columns)


def first(values: Any, rest: pd.Series) -> list:
    """`values` at row 0, then the rest of `rest`."""
    return [values] + list(rest.iloc[1:])


def dup(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """df with column `name` twice."""
    return pd.concat([df, df[[name]]], axis=1)


INT_TIMES = resp(responded_at=np.arange(N))                    # 0..59: "seconds"?
MIXED_TIMES = resp(responded_at=first(pd.Timestamp("2025-02-01", tz="UTC"),
                                      RESP.responded_at.astype(object)))
MIXED_TEXT = resp(responded_at=["2025-01-01T00:00+01:00"]
                  + [str(t) for t in RESP.responded_at.iloc[1:]])
BERLIN_GAP = resp(responded_at=first(pd.Timestamp("2025-03-30 02:30"), RESP.responded_at))
BERLIN_TWICE = resp(responded_at=first(pd.Timestamp("2025-10-26 02:30"), RESP.responded_at))
NOT_A_TIME = resp(responded_at=first("soon", RESP.responded_at.astype(object)))
SCORES_AS_TEXT = resp(score=first("9", RESP.score.astype(object)))


def csv_with_duplicate_header(tmp_dir: Any) -> str:
    path = tmp_dir / "dup.csv"
    RESP[["score", "score", "responded_at"]].to_csv(path, index=False)
    return str(path)


def cli_main(argv: list) -> int:
    """The CLI's exit code and message, as an exception for the table."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(argv)
    if code != 0:
        raise SystemExit(err.getvalue().strip())
    return code


def _cli_duplicate_header() -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        cli_main(["report", "--input", csv_with_duplicate_header(Path(d))])


def _load_directory() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        npscore.ChurnModel.load(d)


def _save_directory() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        MODEL.save(d)


def _load_gamma_gamma_as_beta_geo() -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        GG.save(Path(d) / "gg.json")
        npscore.BetaGeo.load(Path(d) / "gg.json")


def _gen(values: list):
    return (v for v in values)


C = Case
BIG = 2**40
UNIT = r'pd\.to_datetime\(values, unit="s"\)'
NUMBER_TIME = r"a number, not a timestamp \(npscore does not guess its unit\)"

CASES: list[Case] = [
    # --- Keys given as Series (aligned on the index, as in pandas' groupby) -------
    C("by-group-key-not-aligned", "by_group", "key-series",
      lambda: npscore.by_group(RESP, by=RESP.plan.iloc[1:].rename("tier")), ValueError,
      r"by: the Series 'tier' is aligned on the DataFrame's index, as in pandas, but has no "
      r"value for row 0 \(index label 0\)"),
    C("by-group-key-duplicate-labels", "by_group", "key-series",
      lambda: npscore.by_group(RESP, by=pd.Series(["a", "b"], index=[3, 3], name="tier")),
      ValueError, r"by: the Series 'tier' has another index than the DataFrame, with duplicate "
                  r"labels"),
    C("by-group-key-unnamed", "by_group", "key-series",
      lambda: npscore.by_group(RESP, by=RESP.plan.rename(None)), ValueError,
      r"by: a key Series needs a name, which labels its output column"),
    C("by-group-key-shadows-score", "by_group", "key-series",
      lambda: npscore.by_group(RESP, by=RESP.score // 5), ValueError,
      r"by: the Series 'score' has the name of a column of the DataFrame but other values"),
    C("health-latest-superseded-bad-score", "health", "data-range",
      lambda: npscore.health(pd.DataFrame({
          "customer_id": ["a", "a", "b"], "score": [11, 9, 7],
          "responded_at": pd.to_datetime(["2025-01-01", "2025-01-05", "2025-01-03"], utc=True)}),
          freq="M", basis="latest"),
      ValueError, r"score at row 0 is 11: outside the scale 0\.\.10"),
    C("health-kind-not-aligned", "health", "key-series",
      lambda: npscore.health(RESP, kind=RESP.plan.iloc[:-1].rename("kind")), ValueError,
      r"kind: the Series 'kind' is aligned on the DataFrame's index, as in pandas, but has no "
      rf"value for row {N - 1}"),
    C("revenue-at-risk-key-unnamed", "revenue_at_risk", "key-series",
      lambda: npscore.revenue_at_risk(RESP, churn_risk="p", clv="clv", by=[RESP.plan.rename(None)]),
      ValueError, r"by: a key Series needs a name"),
    # --- Finding 1: a time column of plain numbers --------------------------------
    C("health-int-times", "health", "time-number", lambda: npscore.health(INT_TIMES, freq="D"),
      TypeError, rf"column 'responded_at' holds numbers \(int64\), not timestamps: npscore does "
                 rf"not guess their unit; convert the column first with {UNIT}"),
    C("health-float-times", "health", "time-number",
      lambda: npscore.health(resp(responded_at=np.arange(N) * 1.5)),
      TypeError, r"column 'responded_at' holds numbers \(float64\)"),
    C("health-object-int-time", "health", "time-number",
      lambda: npscore.health(resp(responded_at=first(5, RESP.responded_at.astype(object)))),
      TypeError, rf"column 'responded_at' at row 0 is 5: {NUMBER_TIME}"),
    C("segment-trends-int-times", "segment_trends", "time-number",
      lambda: npscore.segment_trends(INT_TIMES), TypeError, r"holds numbers \(int64\)"),
    C("migration-int-times", "migration", "time-number",
      lambda: npscore.migration(INT_TIMES, freq="M"), TypeError, r"holds numbers"),
    C("attribute-change-int-times", "attribute_change", "time-number",
      lambda: npscore.attribute_change(INT_TIMES, by="plan", period_a="2025-01",
                                       period_b="2025-02"), TypeError, r"holds numbers"),
    C("event-impact-int-event-times", "event_impact", "time-number",
      lambda: npscore.event_impact(RESP, pd.DataFrame({"time": [5]})),
      TypeError, r"events column 'time' holds numbers \(int64\)"),
    C("account-nps-int-times", "account_nps", "time-number",
      lambda: npscore.account_nps(INT_TIMES, account="plan", contact="customer_id", how="latest"),
      TypeError, r"column 'responded_at' holds numbers"),
    C("churn-features-int-times", "churn_features", "time-number",
      lambda: npscore.churn_features(INT_TIMES, as_of="2025-06-01"), TypeError, r"holds numbers"),
    C("churn-labels-int-times", "churn_labels", "time-number",
      lambda: npscore.churn_labels(SAMPLE.churn.assign(churned_at=0), as_of="2025-01-01",
                                   horizon_days=90),
      TypeError, r"column 'churned_at' holds numbers"),
    C("prioritize-int-times", "prioritize", "time-number",
      lambda: npscore.prioritize(None, churn_risk=[0.5], clv=[1.0], responded_at=[5], now=NOW),
      TypeError, r"responded_at holds numbers \(int64\)"),
    C("rfm-int-dates", "rfm_summary", "time-number",
      lambda: npscore.rfm_summary(SAMPLE.transactions.assign(date=1), customer="customer_id",
                                  date="date", observation_end="2025-12-31"),
      TypeError, r"column 'date' holds numbers"),
    C("latest-responses-int-times", "priority.latest_responses", "time-number",
      lambda: priority.latest_responses(INT_TIMES, SAMPLE.customers),
      TypeError, r"column 'responded_at' holds numbers"),
    C("report-int-times", "report.nps_report", "time-number",
      lambda: report.nps_report(INT_TIMES), TypeError, r"column 'responded_at' holds numbers"),
    C("plot-int-event-times", "plot.health", "time-number",
      lambda: plot.health(HEALTH, events=pd.DataFrame({"time": [5], "label": ["x"]})),
      TypeError, r"events column 'time' holds numbers"),
    C("health-start-number", "health", "time-number", lambda: npscore.health(RESP, start=5),
      TypeError, rf"start is 5: {NUMBER_TIME}; give a date such as \"2025-01-31\""),
    C("prioritize-now-number", "prioritize", "time-number",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", now=1_700_000_000),
      TypeError, r'now is 1700000000: a number.*pd\.Timestamp\(1700000000, unit="s"\)'),
    C("churn-features-as-of-number", "churn_features", "time-number",
      lambda: npscore.churn_features(RESP, as_of=20250101),
      TypeError, r"as_of is 20250101: a number"),
    C("rfm-observation-end-number", "rfm_summary", "time-number",
      lambda: npscore.rfm_summary(SAMPLE.transactions, customer="customer_id", date="date",
                                  observation_end=20251231),
      TypeError, r"observation_end is 20251231: a number"),
    C("time-split-as-of-number", "churn.time_split", "time-number",
      lambda: churn.time_split(SAMPLE, train_as_of=1, test_as_of="2025-01-01", horizon_days=90),
      TypeError, r"train_as_of is 1: a number"),
    # --- Mixed naive and aware times ----------------------------------------------
    C("health-mixed-naive-aware", "health", "time-mixed", lambda: npscore.health(MIXED_TIMES),
      ValueError, r"column 'responded_at' mixes naive and time-zone-aware times: row 0 is "
                  r"Timestamp\('2025-02-01 00:00:00\+0000', tz='UTC'\) \(time-zone aware\) but "
                  r"row 1 is Timestamp\('2025-01-04 00:00:00'\) \(naive\)"),
    C("health-mixed-text-offsets", "health", "time-mixed", lambda: npscore.health(MIXED_TEXT),
      ValueError, r"mixes naive and time-zone-aware times: row 0 is '2025-01-01T00:00\+01:00' "
                  r"\(time-zone aware\) but row 1 is '2025-01-04 00:00:00' \(naive\)"),
    C("churn-features-mixed", "churn_features", "time-mixed",
      lambda: npscore.churn_features(MIXED_TIMES, as_of="2025-12-01"),
      ValueError, r"mixes naive and time-zone-aware times"),
    C("rfm-mixed", "rfm_summary", "time-mixed",
      lambda: npscore.rfm_summary(
          pd.DataFrame({"c": [1, 2], "d": [pd.Timestamp("2024-01-01"),
                                           pd.Timestamp("2024-01-02", tz="UTC")]}),
          customer="c", date="d", observation_end="2025-01-01"),
      ValueError, r"column 'd' mixes naive and time-zone-aware times: row 0"),
    # --- Other bad times --------------------------------------------------------
    C("health-text-time", "health", "time-text", lambda: npscore.health(NOT_A_TIME),
      ValueError, r"column 'responded_at' at row 0 is 'soon': not a timestamp"),
    C("health-timedelta-times", "health", "time-text",
      lambda: npscore.health(resp(responded_at=pd.to_timedelta(np.arange(N), unit="D"))),
      TypeError, r"column 'responded_at' holds durations \(timedelta64\[.*\]\), not timestamps"),
    C("health-bool-times", "health", "time-text",
      lambda: npscore.health(resp(responded_at=True)), TypeError, r"holds booleans \(bool\)"),
    C("report-text-time", "report.nps_report", "time-text", lambda: report.nps_report(NOT_A_TIME),
      ValueError, r"column 'responded_at' at row 0 is 'soon': not a timestamp"),
    C("latest-responses-text-time", "priority.latest_responses", "time-text",
      lambda: priority.latest_responses(NOT_A_TIME, SAMPLE.customers),
      ValueError, r"row 0 is 'soon': not a timestamp"),
    C("health-end-not-a-time", "health", "time-text", lambda: npscore.health(RESP, end="later"),
      ValueError, r"end is 'later': not a timestamp"),
    C("health-start-after-end", "health", "time-text",
      lambda: npscore.health(RESP, start="2026-01-01", end="2025-01-01"),
      ValueError, r"start \('2026-01-01'\) is after end \('2025-01-01'\)"),
    C("health-time-before-1677", "health", "time-range",
      lambda: npscore.health(resp(responded_at=first("1500-01-01", RESP.responded_at.astype(str)))),
      ValueError, r"column 'responded_at' at row 0 is '1500-01-01': outside the times npscore "
                  r"reads \(1677-09-21 \.\. 2262-04-11 UTC\)"),
    C("churn-features-as-of-2300", "churn_features", "time-range",
      lambda: npscore.churn_features(RESP, as_of="2300-01-01"),
      ValueError, r"as_of is '2300-01-01': outside the times npscore reads"),
    C("health-dst-gap", "health", "time-dst",
      lambda: npscore.health(BERLIN_GAP, tz="Europe/Berlin"),
      ValueError, r"column 'responded_at' at row 0 is Timestamp\('2025-03-30 02:30:00'\): this "
                  r"local time does not exist in Europe/Berlin \(clocks jump forward\)"),
    C("health-dst-twice", "health", "time-dst",
      lambda: npscore.health(BERLIN_TWICE, tz="Europe/Berlin"),
      ValueError, r"row 0 is Timestamp\('2025-10-26 02:30:00'\): this local time occurs twice "
                  r"in Europe/Berlin \(clocks go back\)"),
    # --- Time zones ---------------------------------------------------------------
    C("health-tz-int", "health", "time-zone", lambda: npscore.health(RESP, tz=5),
      TypeError, r'tz must be an IANA time-zone name such as "Europe/Berlin" or "UTC", got 5'),
    C("health-tz-none", "health", "time-zone", lambda: npscore.health(RESP, tz=None),
      TypeError, r"tz must be an IANA time-zone name.*got None"),
    C("health-tz-unknown", "health", "time-zone", lambda: npscore.health(RESP, tz="Mars/Olympus"),
      ValueError, r'tz "Mars/Olympus" is not'),
    C("health-tz-nul", "health", "time-zone",
      lambda: npscore.health(RESP, tz="Europe/Berlin\x00junk"), ValueError, r'tz "Europe/Berlin'),
    C("health-tz-path", "health", "time-zone",
      lambda: npscore.health(RESP, tz="/usr/share/zoneinfo/Asia/Tokyo"),
      ValueError, r'tz "/usr/share/zoneinfo/Asia/Tokyo" is not'),
    C("migration-tz-int", "migration", "time-zone", lambda: npscore.migration(RESP, tz=5),
      TypeError, r"tz must be an IANA time-zone name"),
    C("churn-features-tz-empty", "churn_features", "time-zone",
      lambda: npscore.churn_features(RESP, as_of="2025-06-01", tz=""), ValueError, r'tz "" is not'),
    C("churn-labels-tz-bytes", "churn_labels", "time-zone",
      lambda: npscore.churn_labels(SAMPLE.churn, as_of="2025-01-01", horizon_days=90, tz=b"UTC"),
      TypeError, r"tz must be an IANA time-zone name"),
    C("event-impact-tz-float", "event_impact", "time-zone",
      lambda: npscore.event_impact(RESP, EVENTS, tz=1.5), TypeError, r"tz must be an IANA"),
    C("account-nps-tz-int", "account_nps", "time-zone",
      lambda: npscore.account_nps(RESP, account="plan", tz=0), TypeError, r"tz must be an IANA"),
    C("segment-trends-tz-list", "segment_trends", "time-zone",
      lambda: npscore.segment_trends(RESP, tz=["UTC"]), TypeError, r"tz must be an IANA"),
    C("attribute-change-tz-unknown", "attribute_change", "time-zone",
      lambda: npscore.attribute_change(RESP, by="plan", period_a="2025-01", period_b="2025-02",
                                       tz="Nowhere/City"), ValueError, r'tz "Nowhere/City" is not'),
    # --- Finding 2: duplicate column names -----------------------------------------
    C("cli-duplicate-header", "__main__.main", "duplicate-column", _cli_duplicate_header,
      SystemExit, r"npscore: error: score column 'score' appears 2 times in the DataFrame"),
    C("report-duplicate-column", "report.nps_report", "duplicate-column",
      lambda: report.nps_report(dup(RESP, "score")),
      ValueError, r"score column 'score' appears 2 times in the DataFrame"),
    C("by-group-duplicate-score", "by_group", "duplicate-column",
      lambda: npscore.by_group(dup(RESP, "score"), by="plan"),
      ValueError, r"score column 'score' appears 2 times"),
    C("health-duplicate-time", "health", "duplicate-column",
      lambda: npscore.health(dup(RESP, "responded_at")),
      ValueError, r"time column 'responded_at' appears 2 times"),
    C("revenue-at-risk-duplicate-clv", "revenue_at_risk", "duplicate-column",
      lambda: npscore.revenue_at_risk(dup(RESP, "clv"), churn_risk="p", clv="clv"),
      ValueError, r"clv column 'clv' appears 2 times"),
    C("top-themes-duplicate-comment", "top_themes", "duplicate-column",
      lambda: npscore.top_themes(dup(RESP, "comment"), comment="comment", segment="score",
                                 clv="clv"),
      ValueError, r"comment column 'comment' appears 2 times"),
    C("fit-duplicate-feature", "ChurnModel.fit", "duplicate-column",
      lambda: npscore.ChurnModel().fit(pd.DataFrame(X, columns=["a", "a", "b"]), Y),
      ValueError, r"X column 'a' appears more than once"),
    C("health-by-twice", "health", "duplicate-column",
      lambda: npscore.health(RESP, by=["plan", "plan"]),
      ValueError, r"by names column 'plan' twice"),
    # --- Finding 3: negative or zero sizes -----------------------------------------
    C("top-themes-n-negative", "top_themes", "size-negative-zero",
      lambda: npscore.top_themes(RESP, comment="comment", segment="score", clv="clv", n=-1),
      ValueError, r"n is -1: it must be a whole number >= 1 \(or None for every theme\)"),
    C("top-themes-n-zero", "top_themes", "size-negative-zero",
      lambda: npscore.top_themes(RESP, comment="comment", segment="score", clv="clv", n=0),
      ValueError, r"n is 0: it must be a whole number >= 1"),
    C("missed-cases-window-zero", "priority.missed_cases", "size-negative-zero",
      lambda: npscore.priority.missed_cases(RESP, churn_risk="p", clv="clv", window_hours=0, now=NOW),
      ValueError, r"window_hours is 0: it must be -1"),
    C("make-contacts-not-a-frame", "datasets.make_contacts", "wrong-type-frame",
      lambda: datasets.make_contacts([1, 2]), TypeError, r"responses must be a pandas DataFrame"),
    C("make-case-log-not-a-frame", "datasets.make_case_log", "wrong-type-frame",
      lambda: datasets.make_case_log([1, 2]), TypeError, r"responses must be a pandas DataFrame"),
    C("make-case-log-probability", "datasets.make_case_log", "data-range",
      lambda: datasets.make_case_log(SAMPLE.responses, never_recovery=1.5), ValueError,
      r"never_recovery is 1.5: a probability must be in \[0, 1\]"),
    C("make-case-log-owner-speed", "datasets.make_case_log", "data-range",
      lambda: datasets.make_case_log(SAMPLE.responses, owners={"a": 0}), ValueError,
      r"owners\['a'\] is 0: a speed factor must be a finite number > 0"),
    C("prioritize-top-zero", "prioritize", "size-negative-zero",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", top=0, now=NOW),
      ValueError, r"top is 0: it must be a whole number >= 1 \(or None for every row\)"),
    C("prioritize-threads-negative", "prioritize", "size-negative-zero",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", threads=-1, now=NOW),
      ValueError, r"threads is -1: it must be a whole number >= 0 \(0: automatic\)"),
    C("prioritize-capacity-negative", "prioritize", "size-negative-zero",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", owners={"ann": -2}, now=NOW),
      ValueError, r"capacity of owner 'ann' is -2: it must be a whole number >= 0"),
    C("explain-top-zero", "ChurnModel.explain", "size-negative-zero",
      lambda: MODEL.explain(X, top=0),
      ValueError, r"top is 0: it must be a whole number >= 1"),
    C("evaluate-bins-zero", "evaluate", "size-negative-zero",
      lambda: npscore.evaluate(Y, MODEL.predict_proba(X), bins=0), ValueError, r"bins is 0"),
    C("fit-threads-negative", "ChurnModel.fit", "size-negative-zero",
      lambda: npscore.ChurnModel(threads=-1).fit(X, Y),
      ValueError, r"threads is -1: it must be a whole number >= 0 \(0: one per core\)"),
    C("fit-max-iter-zero", "ChurnModel.fit", "size-negative-zero",
      lambda: npscore.ChurnModel(max_iter=0).fit(X, Y), ValueError, r"max_iter is 0"),
    C("segment-trends-periods-zero", "segment_trends", "size-negative-zero",
      lambda: npscore.segment_trends(RESP, periods=0),
      ValueError, r"periods is 0: a trend needs 3"),
    C("cross-validate-k-one", "churn.cross_validate", "size-negative-zero",
      lambda: churn.cross_validate(npscore.ChurnModel(), X, Y, k=1),
      ValueError, r"k is 1: it must be a whole number >= 2"),
    C("clv-time-zero", "customer_lifetime_value", "size-negative-zero",
      lambda: npscore.customer_lifetime_value(BG, GG, RFM.frequency, RFM.recency, RFM["T"],
                                              RFM.monetary_value, time=0),
      ValueError, r"time is 0: it must be a whole number >= 1 \(months\)"),
    C("bg-max-iterations-zero", "BetaGeo.fit", "size-negative-zero",
      lambda: npscore.BetaGeo().fit(RFM.frequency, RFM.recency, RFM["T"], max_iterations=0),
      ValueError, r"max_iterations is 0"),
    C("gg-max-iterations-negative", "GammaGamma.fit", "size-negative-zero",
      lambda: npscore.GammaGamma().fit(RFM.frequency, RFM.monetary_value, max_iterations=-5),
      ValueError, r"max_iterations is -5"),
    C("tag-threads-negative", "ThemeTagger.tag", "size-negative-zero",
      lambda: npscore.ThemeTagger().tag(["bug"], threads=-1), ValueError, r"threads is -1"),
    C("indicators-threads-negative", "ThemeTagger.indicators", "size-negative-zero",
      lambda: npscore.ThemeTagger().indicators(["bug"], threads=-3), ValueError, r"threads is -3"),
    C("health-window-zero", "health", "size-negative-zero",
      lambda: npscore.health(RESP, window="0D"),
      ValueError, r"window is '0D': give a whole number of days"),
    C("event-impact-window-negative", "event_impact", "size-negative-zero",
      lambda: npscore.event_impact(RESP, EVENTS, window="-30D"),
      ValueError, r"window \(before\) is -30 days.*: it must be >= 0"),
    C("adjust-p-above-one", "adjust_p_values", "data-range",
      lambda: npscore.adjust_p_values([0.01, 1.5, 0.2]),
      ValueError, r"row 1.*1\.5"),
    C("adjust-p-text", "adjust_p_values", "data-text",
      lambda: npscore.adjust_p_values(["0.01", "x"]),
      TypeError, r"p"),
    C("adjust-method-unknown", "adjust_p_values", "unknown-option",
      lambda: npscore.adjust_p_values([0.01], adjust="bonferroni"),
      ValueError, r"bonferroni"),
    C("adjust-method-type", "adjust_p_values", "wrong-type-option",
      lambda: npscore.adjust_p_values([0.01], adjust=1),
      TypeError, r"adjust must be a string"),
    C("load-sample-zero", "datasets.load_sample", "size-negative-zero",
      lambda: datasets.load_sample(n_customers=0),
      ValueError, r"n_customers is 0: it must be a whole number >= 1"),
    C("make-customers-negative", "datasets.make_customers", "size-negative-zero",
      lambda: datasets.make_customers(-1), ValueError, r"n_customers is -1"),
    C("report-health-periods-zero", "report.nps_report", "size-negative-zero",
      lambda: report.nps_report(RESP, report.ReportOptions(health_periods=0)),
      ValueError, r"health_periods is 0: it must be a whole number >= 1"),
    C("sample-report-zero", "report.sample_report", "size-negative-zero",
      lambda: report.sample_report(n_customers=0), ValueError, r"n_customers is 0"),
    C("by-group-min-n-negative", "by_group", "size-negative-zero",
      lambda: npscore.by_group(RESP, by="plan", min_n=-1), ValueError, r"min_n is -1"),
    C("account-nps-min-n-negative", "account_nps", "size-negative-zero",
      lambda: npscore.account_nps(RESP, account="plan", min_n=-1), ValueError, r"min_n is -1"),
    # --- Huge integers -------------------------------------------------------------
    C("fit-threads-huge", "ChurnModel.fit", "size-huge",
      lambda: npscore.ChurnModel(threads=BIG).fit(X, Y),
      ValueError, rf"threads is {BIG}: it must be at most \d+"),
    C("explain-threads-huge", "ChurnModel.explain", "size-huge",
      lambda: _refit(threads=BIG).explain(X), ValueError, rf"threads is {BIG}"),
    C("evaluate-bins-int32-max", "evaluate", "size-huge",
      lambda: npscore.evaluate(Y, MODEL.predict_proba(X), bins=2**31 - 1),
      ValueError, r"bins is 2147483647: it must be at most \d+"),
    C("explain-top-huge", "ChurnModel.explain", "size-huge", lambda: MODEL.explain(X, top=BIG),
      ValueError, rf"top is {BIG}: it must be at most \d+"),
    C("reason-stability-n-boot-one", "ChurnModel.reason_stability", "size-negative-zero",
      lambda: MODEL.reason_stability(X, Y, n_boot=1), ValueError,
      r"n_boot is 1: it must be a whole number >= 2"),
    C("prioritize-capacity-huge", "prioritize", "size-huge",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", owners={"a": 10**30}, now=NOW),
      ValueError, r"capacity of owner 'a' is 10{30}: it must be at most 9223372036854775807"),
    C("prioritize-top-huge", "prioritize", "size-huge",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", top=2**70, now=NOW),
      ValueError, r"top is 1180591620717411303424: it must be at most"),
    C("tag-threads-huge", "ThemeTagger.tag", "size-huge",
      lambda: npscore.ThemeTagger().tag(["bug"], threads=BIG), ValueError, rf"threads is {BIG}"),
    C("segment-trends-periods-huge", "segment_trends", "size-huge",
      lambda: npscore.segment_trends(RESP, periods=BIG), ValueError, rf"periods is {BIG}"),
    C("clv-time-huge", "customer_lifetime_value", "size-huge",
      lambda: npscore.customer_lifetime_value(BG, GG, RFM.frequency, RFM.recency, RFM["T"],
                                              RFM.monetary_value, time=100000),
      ValueError, r"time is 100000: it must be at most \d+"),
    C("bg-max-iterations-huge", "BetaGeo.fit", "size-huge",
      lambda: npscore.BetaGeo().fit(RFM.frequency, RFM.recency, RFM["T"], max_iterations=BIG),
      ValueError, rf"max_iterations is {BIG}: it must be at most"),
    C("load-sample-huge", "datasets.load_sample", "size-huge",
      lambda: datasets.load_sample(n_customers=BIG), ValueError, rf"n_customers is {BIG}: it must "
                                                                 r"be at most 1000000"),
    C("churn-labels-horizon-huge", "churn_labels", "size-huge",
      lambda: npscore.churn_labels(SAMPLE.churn, as_of="2025-01-01", horizon_days=1e9),
      ValueError, r"horizon_days is 1000000000.0: it must be finite and > 0 and <= \d+"),
    C("summarize-counts-huge", "summarize_counts", "size-huge",
      lambda: npscore.summarize_counts(2**70, 1, 1), ValueError, r"detractors is \d+: counts must"),
    # --- NaN and infinity ---------------------------------------------------------
    C("churn-labels-horizon-nan", "churn_labels", "size-nan",
      lambda: npscore.churn_labels(SAMPLE.churn, as_of="2025-01-01", horizon_days=float("nan")),
      ValueError, r"horizon_days is NaN: it must be finite and > 0"),
    C("churn-labels-horizon-inf", "churn_labels", "size-nan",
      lambda: npscore.churn_labels(SAMPLE.churn, as_of="2025-01-01", horizon_days=np.inf),
      ValueError, r"horizon_days is inf: it must be finite"),
    C("time-split-horizon-nan", "churn.time_split", "size-nan",
      lambda: churn.time_split(SAMPLE, train_as_of="2024-01-01", test_as_of="2025-01-01",
                               horizon_days=float("nan")), ValueError, r"horizon_days is NaN"),
    C("backtest-horizon-nan", "churn.backtest", "size-nan",
      lambda: churn.backtest(SAMPLE, train_as_of="2024-01-01", test_as_of="2025-01-01",
                             horizon_days=float("nan")), ValueError, r"horizon_days is NaN"),
    C("prior-horizon-nan", "ChurnModel.prior", "size-nan",
      lambda: npscore.ChurnModel.prior(horizon_days=float("nan")),
      ValueError, r"horizon_days is NaN"),
    C("evaluate-bins-nan", "evaluate", "size-nan",
      lambda: npscore.evaluate(Y, MODEL.predict_proba(X), bins=float("nan")),
      ValueError, r"bins is NaN: it must be a whole number"),
    C("prioritize-top-nan", "prioritize", "size-nan",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", top=float("nan"), now=NOW),
      ValueError, r"top is NaN"),
    C("top-themes-n-nan", "top_themes", "size-nan",
      lambda: npscore.top_themes(RESP, comment="comment", segment="score", clv="clv",
                                 n=float("nan")), ValueError, r"n is NaN"),
    C("cross-validate-k-nan", "churn.cross_validate", "size-nan",
      lambda: churn.cross_validate(npscore.ChurnModel(), X, Y, k=float("nan")),
      ValueError, r"k is NaN"),
    C("predict-threshold-nan", "ChurnModel.predict", "size-nan",
      lambda: MODEL.predict(X, threshold=float("nan")), ValueError, r"threshold is NaN"),
    C("segment-trends-alpha-nan", "segment_trends", "size-nan",
      lambda: npscore.segment_trends(RESP, alpha=float("nan")), ValueError, r"alpha is NaN"),
    C("summarize-confidence-nan", "summarize", "size-nan",
      lambda: npscore.summarize([9, 7, 3], confidence=float("nan")), ValueError,
      r"confidence is NaN"),
    C("compare-confidence-nan", "compare", "size-nan",
      lambda: npscore.compare([9, 7], [3, 10], confidence=float("nan")), ValueError,
      r"confidence is NaN"),
    # --- Fractions ---------------------------------------------------------------
    C("top-themes-n-fraction", "top_themes", "size-fraction",
      lambda: npscore.top_themes(RESP, comment="comment", segment="score", clv="clv", n=1.5),
      ValueError, r"n is 1.5: it must be a whole number >= 1"),
    C("segment-trends-periods-fraction", "segment_trends", "size-fraction",
      lambda: npscore.segment_trends(RESP, periods=4.5),
      ValueError, r"periods is 4.5: it must be a whole number"),
    C("prioritize-capacity-fraction", "prioritize", "size-fraction",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", owners={"a": 1.5}, now=NOW),
      ValueError, r"capacity of owner 'a' is 1.5: it must be a whole number >= 0"),
    C("cross-validate-seed-fraction", "churn.cross_validate", "size-fraction",
      lambda: churn.cross_validate(npscore.ChurnModel(), X, Y, seed=0.5),
      ValueError, r"seed is 0.5: it must be a whole number >= 0"),
    C("make-customers-seed-negative", "datasets.make_customers", "size-fraction",
      lambda: datasets.make_customers(5, seed=-1),
      ValueError, r"seed is -1: it must be a whole number >= 0 \(or None for fresh entropy\)"),
    # --- Text, None, bools where numbers are needed ---------------------------------------
    C("fit-C-text", "ChurnModel.fit", "wrong-type-number",
      lambda: npscore.ChurnModel(C="3").fit(X, Y), TypeError, r"C must be a number, got '3'"),
    C("fit-tol-none", "ChurnModel.fit", "wrong-type-number",
      lambda: npscore.ChurnModel(tol=None).fit(X, Y), TypeError, r"tol must be a number, got None"),
    C("fit-standardize-text", "ChurnModel.fit", "wrong-type-number",
      lambda: npscore.ChurnModel(standardize="no").fit(X, Y),
      TypeError, r"standardize must be True or False, got 'no'"),
    C("fit-class-weight-text", "ChurnModel.fit", "wrong-type-number",
      lambda: npscore.ChurnModel(class_weight={0: "x"}).fit(X, Y),
      TypeError, r"class_weight\[0\] must be a number, got 'x'"),
    C("fit-threads-bool", "ChurnModel.fit", "wrong-type-number",
      lambda: npscore.ChurnModel(threads=True).fit(X, Y),
      TypeError, r"threads must be a whole number >= 0 .*got True"),
    C("explain-top-text", "ChurnModel.explain", "wrong-type-number",
      lambda: MODEL.explain(X, top="3"), TypeError, r"top must be a whole number >= 1, got '3'"),
    C("predict-threshold-text", "ChurnModel.predict", "wrong-type-number",
      lambda: MODEL.predict(X, threshold="0.5"),
      TypeError, r"threshold must be a number, got '0.5'"),
    C("evaluate-bins-none", "evaluate", "wrong-type-number",
      lambda: npscore.evaluate(Y, MODEL.predict_proba(X), bins=None),
      TypeError, r"bins must be a whole number, got None"),
    C("churn-labels-horizon-text", "churn_labels", "wrong-type-number",
      lambda: npscore.churn_labels(SAMPLE.churn, as_of="2025-01-01", horizon_days="90"),
      TypeError, r"horizon_days must be a number, got '90'"),
    C("churn-features-early-life-none", "churn_features", "wrong-type-number",
      lambda: npscore.churn_features(RESP, as_of="2025-06-01", early_life_days=None),
      TypeError, r"early_life_days must be a number, got None"),
    C("churn-features-fill-text", "churn_features", "wrong-type-number",
      lambda: npscore.churn_features(RESP, as_of="2025-06-01", fill="yes"),
      TypeError, r"fill must be True or False, got 'yes'"),
    C("prioritize-sla-none", "prioritize", "wrong-type-number",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", sla_hours=None, now=NOW),
      TypeError, r"sla_hours must be a number, got None"),
    C("prioritize-capacity-text", "prioritize", "wrong-type-number",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", owners={"a": "3"}, now=NOW),
      TypeError, r"capacity of owner 'a' must be a whole number >= 0 .*got '3'"),
    C("health-confidence-text", "health", "wrong-type-number",
      lambda: npscore.health(RESP, confidence="0.9"), TypeError, r"confidence must be a number"),
    C("health-threshold-text", "health", "wrong-type-number",
      lambda: npscore.health(RESP, thresholds={"min_n": "x"}),
      TypeError, r"thresholds\['min_n'\] must be a number, got 'x'"),
    C("account-nps-min-n-none", "account_nps", "wrong-type-number",
      lambda: npscore.account_nps(RESP, account="plan", min_n=None),
      TypeError, r"min_n must be a number, got None"),
    C("by-group-min-n-text", "by_group", "wrong-type-number",
      lambda: npscore.by_group(RESP, by="plan", min_n="30"), TypeError, r"min_n must be a number"),
    C("summarize-confidence-none", "summarize", "wrong-type-number",
      lambda: npscore.summarize([9, 7], confidence=None),
      TypeError, r"confidence must be a number"),
    C("summarize-counts-confidence-text", "summarize_counts", "wrong-type-number",
      lambda: npscore.summarize_counts(1, 2, 3, confidence="high"),
      TypeError, r"confidence must be a number, got 'high'"),
    C("clv-discount-text", "customer_lifetime_value", "wrong-type-number",
      lambda: npscore.customer_lifetime_value(BG, GG, RFM.frequency, RFM.recency, RFM["T"],
                                              RFM.monetary_value, discount_rate="1%"),
      TypeError, r"discount_rate must be a number, got '1%'"),
    C("bg-penalizer-none", "BetaGeo.fit", "wrong-type-number",
      lambda: npscore.BetaGeo(penalizer=None).fit(RFM.frequency, RFM.recency, RFM["T"]),
      TypeError, r"penalizer must be a number, got None"),
    C("bg-expected-t-text", "BetaGeo.conditional_expected_purchases", "wrong-type-number",
      lambda: BG.conditional_expected_purchases("4", RFM.frequency, RFM.recency, RFM["T"]),
      TypeError, r"t must be a number, got '4'"),
    C("gg-tolerance-text", "GammaGamma.fit", "wrong-type-number",
      lambda: npscore.GammaGamma().fit(RFM.frequency, RFM.monetary_value, tolerance="tiny"),
      TypeError, r"tolerance must be a number, got 'tiny'"),
    C("load-sample-n-text", "datasets.load_sample", "wrong-type-number",
      lambda: datasets.load_sample(n_customers="100"),
      TypeError, r"n_customers must be a whole number >= 1, got '100'"),
    # A bool in a list of numbers (numpy would read True as 1), as in a column.
    C("summarize-list-bool", "summarize", "wrong-type-number",
      lambda: npscore.summarize([True, 9, 10]), TypeError,
      r"^scores at row 0 is True: not a number$"),
    C("summarize-weights-list-bool", "summarize", "wrong-type-number",
      lambda: npscore.summarize([9, 10, 3], weights=[1.0, 2.0, False]), TypeError,
      r"^weights at row 2 is False: not a number$"),
    C("count-tuple-numpy-bool", "count", "wrong-type-number",
      lambda: npscore.count((9, np.True_)), TypeError,
      r"^scores at row 1 is (np\.True_|True): not a number"),  # numpy 1.x prints True
    # --- Option strings -----------------------------------------------------------
    C("summarize-method-int", "summarize", "wrong-type-option",
      lambda: npscore.summarize([9, 7], method=5), TypeError, r"method must be a string, got 5"),
    C("count-missing-none", "count", "wrong-type-option",
      lambda: npscore.count([9, 7], missing=None),
      TypeError, r"missing must be a string, got None"),
    C("health-freq-int", "health", "wrong-type-option", lambda: npscore.health(RESP, freq=5),
      TypeError, r"freq must be a string, got 5"),
    C("health-adjust-none", "health", "wrong-type-option",
      lambda: npscore.health(RESP, adjust=None),
      TypeError, r"adjust must be a string, got None"),
    C("account-nps-how-int", "account_nps", "wrong-type-option",
      lambda: npscore.account_nps(RESP, account="plan", how=1), TypeError, r"how must be a string"),
    C("event-impact-method-int", "event_impact", "wrong-type-option",
      lambda: npscore.event_impact(RESP, EVENTS, method=1), TypeError, r"method must be a string"),
    C("migration-missing-int", "migration", "wrong-type-option",
      lambda: npscore.migration(RESP, missing=0), TypeError, r"missing must be a string"),
    C("rfm-freq-none", "rfm_summary", "wrong-type-option",
      lambda: npscore.rfm_summary(SAMPLE.transactions, customer="customer_id", date="date",
                                  observation_end="2025-12-31", freq=None),
      TypeError, r"freq must be a string, got None"),
    C("churn-features-unknown-int", "churn_features", "wrong-type-option",
      lambda: npscore.churn_features(RESP, as_of="2025-06-01", unknown=1),
      TypeError, r"unknown must be a string"),
    C("tag-invalid-int", "ThemeTagger.tag", "wrong-type-option",
      lambda: npscore.ThemeTagger().tag(["x"], invalid=5),
      TypeError, r'invalid must be a string \("error" or "replace"\), got 5'),
    C("theme-impact-basis-none", "theme_impact", "wrong-type-option",
      lambda: npscore.theme_impact(RESP, theme=[["bug"]] * N, segment="score", clv="clv",
                                   clv_basis=None),
      TypeError, r'clv_basis must be a string \("segment" or "mentioners"\), got None'),
    C("normalize-text-int", "themes.normalize_text", "wrong-type-option",
      lambda: themes.normalize_text(5),
      TypeError, r"text must be a str \(or UTF-8 bytes\), got int"),
    C("clv-freq-unknown", "customer_lifetime_value", "unknown-option",
      lambda: npscore.customer_lifetime_value(BG, GG, RFM.frequency, RFM.recency, RFM["T"],
                                              RFM.monetary_value, freq="Y"),
      ValueError, r'freq is "Y": use "D" \(days\), "W" \(weeks\), "M" \(months\), "Q" '
                  r'\(quarters\) or "H" \(hours\)'),
    C("health-basis-unknown", "health", "unknown-option", lambda: npscore.health(RESP, basis="x"),
      ValueError, r'basis is "x": use "all" or "latest"'),
    C("fit-class-weight-unknown", "ChurnModel.fit", "unknown-option",
      lambda: npscore.ChurnModel(class_weight="auto").fit(X, Y),
      ValueError, r"class_weight is 'auto': use None, 'balanced'"),
    # --- Mappings, frames, callables -------------------------------------------------
    C("health-thresholds-text", "health", "wrong-type-mapping",
      lambda: npscore.health(RESP, thresholds="strict"),
      TypeError, r"thresholds must be a mapping \{name: value\}.*got str 'strict'"),
    C("prior-rates-int", "ChurnModel.prior", "wrong-type-mapping",
      lambda: npscore.ChurnModel.prior(rates=5), TypeError, r"rates must be a mapping"),
    C("prior-rate-none", "ChurnModel.prior", "wrong-type-mapping",
      lambda: npscore.ChurnModel.prior(rates={"detractor": None}),
      TypeError, r"rates\['detractor'\] must be a number, got None"),
    C("prior-rate-triple", "ChurnModel.prior", "wrong-type-mapping",
      lambda: npscore.ChurnModel.prior(rates={"passive": (0.2, 90, 1)}),
      ValueError, r"rates\['passive'\] is \(0.2, 90, 1\): give a rate or a \(rate, horizon_days\)"),
    C("prior-columns-int", "ChurnModel.prior", "wrong-type-mapping",
      lambda: npscore.ChurnModel.prior(columns={"detractor": 5}),
      TypeError, r"columns must map role names to column names \(strings\)"),
    C("explain-describe-list", "ChurnModel.explain", "wrong-type-mapping",
      lambda: MODEL.explain(X, describe=["x0"]), TypeError, r"describe must be a mapping"),
    C("owners-list", "prioritize", "wrong-type-mapping",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", owners=[("a", 1)], now=NOW),
      TypeError, r"owners must be a mapping \{owner: capacity\}"),
    C("tagger-taxonomy-int", "ThemeTagger", "wrong-type-mapping", lambda: npscore.ThemeTagger(5),
      TypeError, r"taxonomy must be a mapping \{theme: keywords\} or \(theme, keywords\) pairs"),
    C("tagger-keywords-int", "ThemeTagger", "wrong-type-mapping",
      lambda: npscore.ThemeTagger({"bug": 5}),
      TypeError, r"keywords of theme 'bug' must be a string or a list of strings, got 5"),
    C("recovery-curve-int", "recovery_curve", "wrong-type-mapping",
      lambda: npscore.recovery_curve(5),
      TypeError, r"recovery must be \(hours, probability\) pairs"),
    C("plot-where-list", "plot.health", "wrong-type-mapping",
      lambda: plot.health(HEALTH, where=["plan"]), TypeError, r"where must be a mapping"),
    C("health-by-dict", "health", "wrong-type-mapping",
      lambda: npscore.health(RESP, by={"plan": 1}),
      TypeError, r"by must be a column name or a list of column names, got dict"),
    C("prioritize-keep-none-in-list", "prioritize", "wrong-type-mapping",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv", keep=[["plan"]], now=NOW),
      TypeError, r"keep must list column names, got \['plan'\]"),
    C("health-df-list", "health", "wrong-type-frame", lambda: npscore.health([1, 2]),
      TypeError, r"df must be a DataFrame \(pandas or polars\), a pyarrow Table or RecordBatch, "
                 r"or an object with the Arrow PyCapsule interface \(__arrow_c_stream__\), got list"),
    C("by-group-df-dict", "by_group", "wrong-type-frame",
      lambda: npscore.by_group({"score": [9]}, by="plan"), TypeError,
      r"df must be a DataFrame \(pandas or polars\).*got dict"),
    C("theme-impact-df-list", "theme_impact", "wrong-type-frame",
      lambda: npscore.theme_impact([1], theme="comment", segment="score", clv="clv"),
      TypeError, r"df must be a DataFrame \(pandas or polars\).*got list"),
    C("latest-responses-customers-int", "priority.latest_responses", "wrong-type-frame",
      lambda: priority.latest_responses(RESP, 5), TypeError,
      r"customers must be a DataFrame \(pandas or polars\).*got int"),
    C("report-options-dict", "report.nps_report", "wrong-type-frame",
      lambda: report.nps_report(RESP, {"by": ["plan"]}),
      TypeError, r"options must be a ReportOptions, got dict"),
    C("build-report-inputs-frame", "report.build_report", "wrong-type-frame",
      lambda: report.build_report(RESP), TypeError,
      r"inputs must be a ReportInputs, got DataFrame"),
    C("build-report-top-zero", "report.build_report", "size-negative-zero",
      lambda: report.build_report(report.ReportInputs(RESP), report.ReportOptions(top=0)),
      ValueError, r"top is 0: it must be a whole number >= 1"),
    C("build-report-slice-nowhere", "report.build_report", "data-missing",
      lambda: report.build_report(report.ReportInputs(RESP, slices=["region"])),
      ValueError, r"responses has no column 'region' and there is no customers frame"),
    C("build-report-period-unknown", "report.build_report", "unknown-option",
      lambda: report.build_report(report.ReportInputs(RESP, period="fortnight")),
      ValueError, r"inputs.period is \"fortnight\": use \"D\""),
    C("build-report-zone-unknown", "report.build_report", "time-zone",
      lambda: report.build_report(report.ReportInputs(RESP, timezone="Mars/Base")),
      ValueError, r"Mars/Base"),
    C("build-report-currency-empty", "report.build_report", "unknown-option",
      lambda: report.build_report(report.ReportInputs(RESP), report.ReportOptions(currency="")),
      ValueError, r"currency is '': give a symbol or code of 1 to 8 printable characters"),
    C("build-report-currency-number", "report.build_report", "wrong-type-option",
      lambda: report.build_report(report.ReportInputs(RESP), report.ReportOptions(currency=1)),
      TypeError, r"currency must be a string"),
    C("build-report-customers-duplicate", "report.build_report", "duplicate-id",
      lambda: report.build_report(report.ReportInputs(
          RESP, customers=pd.DataFrame({"customer_id": ["a", "b", "a"]}))),
      ValueError, r"customer id 'a' appears more than once, at rows 0 and 2"),
    C("build-report-customers-missing-id", "report.build_report", "data-missing",
      lambda: report.build_report(report.ReportInputs(
          RESP, customers=pd.DataFrame({"customer_id": ["a", None]}))),
      ValueError, r"customer_id is missing at row 1"),
    C("read-inputs-number", "report.read_inputs", "wrong-type-frame",
      lambda: report.read_inputs(42), TypeError,
      r"config must be a ReportConfig or the path of a project file, got int"),
    C("build-report-keep-data-text", "report.build_report", "wrong-type-number",
      lambda: report.build_report(report.ReportInputs(RESP), keep_data="no"),
      TypeError, r"keep_data must be True or False, got 'no'"),
    C("sample-build-zero", "report.sample_build", "size-negative-zero",
      lambda: report.sample_build(n_customers=0), ValueError, r"n_customers is 0"),
    C("report-by-string", "report.nps_report", "wrong-type-frame",
      lambda: report.nps_report(RESP, report.ReportOptions(by="region")),
      ValueError, r"group column 'region' not found"),
    C("plot-table-list", "plot.health", "wrong-type-frame", lambda: plot.health([1]),
      TypeError, r"table must be the DataFrame npscore.health returns, got list"),
    C("plot-table-series", "plot.health", "wrong-type-frame",
      lambda: plot.health(HEALTH["nps"]), TypeError,
      r"table must be the DataFrame npscore.health returns, got pandas.Series$"),
    C("plot-table-array", "plot.theme_impact", "wrong-type-frame",
      lambda: plot.theme_impact(np.zeros((2, 7))), TypeError,
      r"table must be the DataFrame npscore.theme_impact returns, got numpy.ndarray$"),
    C("plot-table-other-frame", "plot.health", "wrong-type-frame", lambda: plot.health(RESP),
      ValueError, r"table lacks the column\(s\) \['period', 'period_start'"),
    C("plot-events-without-time", "plot.health", "wrong-type-frame",
      lambda: plot.health(HEALTH, events=pd.DataFrame({"when": ["2025-01-01"]})),
      ValueError, r"events must be a DataFrame with a 'time' column"),
    C("event-impact-events-int", "event_impact", "wrong-type-frame",
      lambda: npscore.event_impact(RESP, 5),
      TypeError, r"events must be a DataFrame \(or records\) with a time column, got int"),
    C("time-split-data-int", "churn.time_split", "wrong-type-frame",
      lambda: churn.time_split(5, train_as_of="2024-01-01", test_as_of="2025-01-01",
                               horizon_days=90),
      TypeError, r"data must be a npscore.datasets.Sample, a dict or a \(responses, customers, "
                 r"churn\) tuple, got int"),
    C("time-split-dict-without-churn", "churn.time_split", "wrong-type-frame",
      lambda: churn.time_split({"responses": SAMPLE.responses}, train_as_of="2024-01-01",
                               test_as_of="2025-01-01", horizon_days=90),
      ValueError, r"data lacks 'churn'"),
    C("churn-labels-frame-list", "churn_labels", "wrong-type-frame",
      lambda: npscore.churn_labels([1], as_of="2025-01-01", horizon_days=90),
      TypeError, r"churn must be a DataFrame \(pandas or polars\).*, got list"),
    C("make-responses-int", "datasets.make_responses", "wrong-type-frame",
      lambda: datasets.make_responses(5), TypeError, r"customers must be a pandas DataFrame"),
    C("make-transactions-int", "datasets.make_transactions", "wrong-type-frame",
      lambda: datasets.make_transactions(5), TypeError, r"customers must be a pandas DataFrame"),
    C("make-churn-int", "datasets.make_churn", "wrong-type-frame",
      lambda: datasets.make_churn(5, SAMPLE.responses), TypeError, r"must be a pandas DataFrame"),
    C("cross-validate-model-int", "churn.cross_validate", "wrong-type-frame",
      lambda: churn.cross_validate(5, X, Y), TypeError, r"model must be a ChurnModel, got int"),
    C("clv-bg-unfitted-type", "customer_lifetime_value", "wrong-type-frame",
      lambda: npscore.customer_lifetime_value(GG, GG, [1], [1], [2], [3]),
      TypeError, r"bg must be a fitted BetaGeo, got GammaGamma"),
    C("top-themes-tagger-dict", "top_themes", "wrong-type-frame",
      lambda: npscore.top_themes(RESP, comment="comment", segment="score", clv="clv",
                                 tagger={"bug": ["bug"]}),
      TypeError, r"tagger must be a ThemeTagger, got dict"),
    C("backtest-factory-int", "churn.backtest", "wrong-type-callable",
      lambda: churn.backtest(SAMPLE, train_as_of="2024-01-01", test_as_of="2025-01-01",
                             horizon_days=90, model_factory=5),
      TypeError, r"model_factory must be a callable returning a model"),
    # --- Durations --------------------------------------------------------------------
    C("event-impact-window-number", "event_impact", "duration",
      lambda: npscore.event_impact(RESP, EVENTS, window=30),
      TypeError, r'window is 30: give a duration such as "30D" .*\(a number has no unit\)'),
    C("event-impact-window-bare-text", "event_impact", "duration",
      lambda: npscore.event_impact(RESP, EVENTS, window="30"),
      TypeError, r"window is '30': give a duration.*\(a number has no unit\)"),
    C("event-impact-window-unparseable", "event_impact", "duration",
      lambda: npscore.event_impact(RESP, EVENTS, window="a month"),
      ValueError, r"window is 'a month': give a duration such as \"30D\""),
    C("event-impact-window-huge", "event_impact", "duration",
      lambda: npscore.event_impact(RESP, EVENTS, window="100000000D"),
      ValueError, r"window is '100000000D': give a duration .*within about 292 years"),
    C("event-impact-window-triple", "event_impact", "duration",
      lambda: npscore.event_impact(RESP, EVENTS, window=("1D", "2D", "3D")),
      ValueError, r"give one duration or a \(before, after\) pair"),
    C("health-window-none-like", "health", "duration",
      lambda: npscore.health(RESP, window=True), TypeError, r"window is True: give a duration"),
    C("health-window-fraction", "health", "duration",
      lambda: npscore.health(RESP, window="36h"),
      ValueError, r"window is '36h': give a whole number of days"),
    # --- Iterables ------------------------------------------------------------------
    C("summarize-set", "summarize", "iterable", lambda: npscore.summarize({9, 10}),
      TypeError, r"scores must be an ordered sequence \(a list, array or Series\), got a set"),
    C("summarize-scalar", "summarize", "iterable", lambda: npscore.summarize(9),
      TypeError, r"scores must be a sequence of numbers \(a list, array or Series\), got int 9"),
    C("segment-string", "segment", "iterable", lambda: npscore.segment("9"),
      TypeError, r"scores must be a sequence of numbers .*got str '9'"),
    C("compare-dict", "compare", "iterable", lambda: npscore.compare({0: 9}, [9]),
      TypeError, r"sample a: scores must be an ordered sequence .*got a dict"),
    C("tag-none", "ThemeTagger.tag", "iterable", lambda: npscore.ThemeTagger().tag(None),
      TypeError, r"comments must be a sequence of comments .*got NoneType"),
    C("tag-one-string", "ThemeTagger.tag", "iterable", lambda: npscore.ThemeTagger().tag("bug"),
      TypeError, r"comments must be a sequence of comments, not a single string"),
    C("theme-impact-theme-none", "theme_impact", "iterable",
      lambda: npscore.theme_impact(RESP, theme=None, segment="score", clv="clv"),
      TypeError, r"theme must be a column name, a sequence of theme lists or an indicator "
                 r"DataFrame, got NoneType"),
    C("segment-codes-scalar", "priority.segment_codes", "iterable",
      lambda: priority.segment_codes(5),
      TypeError, r"segment must be a sequence of segment labels or scores, got int"),
    C("recoverability-set", "recoverability", "iterable", lambda: npscore.recoverability({1, 2}),
      TypeError, r"hours must be an ordered sequence"),
    C("evaluate-generator-mismatch", "evaluate", "iterable",
      lambda: npscore.evaluate(_gen([0, 1, 1]), [0.2, 0.7]),
      ValueError, r"y_true has 3 labels but p has 2 values"),
    # --- Data: text, missing, out of range ------------------------------------------
    C("health-text-score", "health", "data-text", lambda: npscore.health(SCORES_AS_TEXT),
      TypeError, r"column 'score' at row 0 is '9': not a number"),
    C("fit-sample-weight-text", "ChurnModel.fit", "data-text",
      lambda: npscore.ChurnModel().fit(X, Y, sample_weight=["a"] * len(Y)),
      TypeError, r"sample_weight at row 0 is 'a': not a number"),
    C("fit-labels-text-one-class", "ChurnModel.fit", "data-range",
      lambda: npscore.ChurnModel().fit(X, ["yes"] * len(Y)),
      ValueError, r"y has a single class \('yes'\)\. Only binary classification is supported"),
    C("fit-labels-text-missing", "ChurnModel.fit", "data-missing",
      lambda: npscore.ChurnModel().fit(X, ["yes", None] + ["no"] * (len(Y) - 2)),
      ValueError, r"y at row 1 is missing \(None\): every row needs a class label"),
    C("fit-labels-continuous", "ChurnModel.fit", "data-range",
      lambda: npscore.ChurnModel().fit(X, Y + 0.5),
      ValueError, r"label at row 0 is \d\.5: labels are classes"),
    C("evaluate-p-text", "evaluate", "data-text", lambda: npscore.evaluate([0, 1], ["low", "high"]),
      TypeError, r"p at row 0 is 'low': not a number"),
    C("revenue-at-risk-text-clv", "revenue_at_risk", "data-text",
      lambda: npscore.revenue_at_risk(resp(clv=first("lots", RESP.clv.astype(object))),
                                      churn_risk="p", clv="clv"),
      TypeError, r"column 'clv' at row 0 is 'lots': not a number"),
    C("tag-int-comment", "ThemeTagger.indicators", "data-text",
      lambda: npscore.ThemeTagger().indicators(["fine", 5]),
      TypeError, r"comment 1 is a int: comments must be str, bytes or None"),
    C("rfm-missing-customer", "rfm_summary", "data-missing",
      lambda: npscore.rfm_summary(SAMPLE.transactions.assign(customer_id=None),
                                  customer="customer_id", date="date",
                                  observation_end="2025-12-31"),
      ValueError, r"customer column 'customer_id' at row 0 is missing"),
    C("migration-missing-customer", "migration", "data-missing",
      lambda: npscore.migration(resp(customer_id=first(np.nan, RESP.customer_id.astype(float)))),
      ValueError, r"column 'customer_id' at row 0 is missing"),
    C("prioritize-nan-risk", "prioritize", "data-range",
      lambda: npscore.prioritize(resp(p=first(np.nan, RESP.p)), churn_risk="p", clv="clv", now=NOW),
      ValueError, r"churn_risk at row 0 is NaN"),
    C("account-nps-nan-weight", "account_nps", "data-missing",
      lambda: npscore.account_nps(resp(clv=np.nan), account="plan", weight="clv"),
      ValueError, r"column 'clv' at row 0 \(account '\w+'\) is NaN: weights must be finite"),
    C("recoverability-negative", "recoverability", "data-range",
      lambda: npscore.recoverability(-1), ValueError, r"hours at row 0 is -1"),
    C("theme-impact-negative-clv", "theme_impact", "data-range",
      lambda: npscore.theme_impact(resp(clv=-1.0), theme=[["bug"]] * N, segment="score", clv="clv"),
      ValueError, r"clv at row 0 is -1"),
    C("segment-out-of-scale", "segment", "data-range", lambda: npscore.segment([9, 11]),
      ValueError, r"score at row 1 is 11"),
    C("fit-labels-three", "ChurnModel.fit", "data-range",
      lambda: npscore.ChurnModel().fit(X, np.r_[Y[:-1], 2]),
      ValueError, r"y has 3 classes \(0, 1, 2\); label at row 79 is 2, a third class\. Only "
                  r"binary classification is supported"),
    C("fit-index-mismatch", "ChurnModel.fit", "length-mismatch",
      lambda: npscore.ChurnModel().fit(pd.DataFrame(X), pd.Series(Y, index=np.arange(1, 81))),
      ValueError, r"the indexes of X and y differ \(label 0 of X is not in y; label 80 of y is "
                  r"not in X\)"),
    C("summarize-index-mismatch", "summarize", "length-mismatch",
      lambda: npscore.summarize(pd.Series([9, 7, 3]), pd.Series([1.0, 2.0, 3.0], index=[1, 2, 3])),
      ValueError, r"the indexes of scores and weights differ \(label 0 of scores is not in weights; "
                  r"label 3 of weights is not in scores\)"),
    C("evaluate-index-mismatch", "evaluate", "length-mismatch",
      lambda: npscore.evaluate(pd.Series(Y), pd.Series(np.full(80, 0.5), index=np.arange(5, 85))),
      ValueError, r"the indexes of y_true and p differ \(label 0 of y_true is not in p"),
    C("score-length", "ChurnModel.score", "length-mismatch", lambda: MODEL.score(X, Y[:3]),
      ValueError, r"y has 3 labels but X has 80 rows"),
    C("decision-function-columns", "ChurnModel.decision_function", "length-mismatch",
      lambda: MODEL.decision_function(X[:, :2]),
      ValueError, r"X has 2 features, but ChurnModel is expecting 3 features as input"),
    C("set-params-unknown", "ChurnModel.set_params", "unknown-option",
      lambda: npscore.ChurnModel().set_params(c=1.0),
      ValueError, r"Invalid parameter 'c' for estimator ChurnModel\(.*\)\. Valid parameters "
                  r"are: \['C', "),
    C("get-params-deep-text", "ChurnModel.get_params", "wrong-type-number",
      lambda: npscore.ChurnModel().get_params(deep="yes"),
      TypeError, r"deep must be True or False, got 'yes'"),
    # --- Lengths ------------------------------------------------------------------------
    C("fit-sample-weight-length", "ChurnModel.fit", "length-mismatch",
      lambda: npscore.ChurnModel().fit(X, Y, sample_weight=[1.0]),
      ValueError, r"sample_weight has 1 values but X has 80 rows"),
    C("cross-validate-weight-length", "churn.cross_validate", "length-mismatch",
      lambda: churn.cross_validate(npscore.ChurnModel(), X, Y, sample_weight=[1.0, 2.0]),
      ValueError, r"sample_weight has 2 values but X has 80 rows"),
    C("prioritize-array-length", "prioritize", "length-mismatch",
      lambda: npscore.prioritize(RESP, churn_risk=[0.1], clv="clv", now=NOW),
      ValueError, r"churn_risk has 1 rows but the DataFrame has 60"),
    C("bg-length", "BetaGeo.probability_alive", "length-mismatch",
      lambda: BG.probability_alive([1, 2], [1], [3, 4]),
      ValueError, r"recency has 1 rows but frequency has 2 rows"),
    C("gg-length", "GammaGamma.conditional_expected_average_profit", "length-mismatch",
      lambda: GG.conditional_expected_average_profit([1, 2], [10.0]),
      ValueError, r"monetary_value has 1 rows but frequency has 2 rows"),
    C("theme-impact-length", "theme_impact", "length-mismatch",
      lambda: npscore.theme_impact(RESP, theme=[["bug"]], segment="score", clv="clv"),
      ValueError, r"theme has 1 rows but df has 60"),
    C("predict-columns", "ChurnModel.predict_proba", "length-mismatch",
      lambda: MODEL.predict_proba(np.zeros((2, 5))),
      ValueError, r"X has 5 features, but ChurnModel is expecting 3 features"),
    # --- Ids ------------------------------------------------------------------------------
    C("churn-labels-duplicate-customer", "churn_labels", "duplicate-id",
      lambda: npscore.churn_labels(pd.concat([SAMPLE.churn, SAMPLE.churn.iloc[:1]]),
                                   as_of="2025-01-01", horizon_days=90),
      ValueError, r"customer '\w+' appears twice in the churn table \(rows 0 and \d+\)"),
    C("churn-features-duplicate-customer", "churn_features", "duplicate-id",
      lambda: npscore.churn_features(SAMPLE.responses, pd.concat([SAMPLE.customers] * 2),
                                     as_of="2025-01-01"),
      ValueError, r"customer id '\w+' appears twice in the customer table"),
    C("owners-twice", "prioritize", "duplicate-id",
      lambda: npscore.prioritize(RESP, churn_risk="p", clv="clv",
                                 owners=pd.Series([1, 2], index=["a", "a"]), now=NOW),
      ValueError, r"owners lists an owner twice"),
    C("latest-responses-id-types", "priority.latest_responses", "id-types",
      lambda: priority.latest_responses(RESP, SAMPLE.customers),
      TypeError, r"customer column 'customer_id' holds int64 ids in responses but \w+ ids in "
                 r"customers: give both the same type"),
    C("latest-responses-nat", "priority.latest_responses", "data-missing",
      lambda: priority.latest_responses(
          pd.DataFrame({"customer_id": [4, 5], "responded_at": [NOW, pd.NaT], "score": [9, 3]}),
          pd.DataFrame({"customer_id": [4, 5]})),
      ValueError, r"^response time at row 1 is missing \(NaT\); ask to skip missing values"),
    C("latest-responses-missing-option", "priority.latest_responses", "unknown-option",
      lambda: priority.latest_responses(RESP, RESP, missing="ignore"),
      ValueError, r'^missing is "ignore": use "error" or "skip"$'),
    # --- Empty inputs ---------------------------------------------------------------------
    C("summarize-empty", "summarize", "empty", lambda: npscore.summarize([]),
      ValueError, r"no scores to summarize \(n = 0\)"),
    C("health-empty", "health", "empty", lambda: npscore.health(RESP.iloc[:0]),
      ValueError, r"column 'responded_at' has no timestamps: nothing to bucket"),
    C("fit-empty", "ChurnModel.fit", "empty",
      lambda: npscore.ChurnModel().fit(np.zeros((0, 3)), np.zeros(0)),
      ValueError, r"X has no rows"),
    C("bg-empty", "BetaGeo.fit", "empty", lambda: npscore.BetaGeo().fit([], [], []),
      ValueError, r"no customers to fit"),
    C("tagger-empty-taxonomy", "ThemeTagger", "empty", lambda: npscore.ThemeTagger({}),
      ValueError, r"the taxonomy is empty"),
    C("by-group-no-keys", "by_group", "empty", lambda: npscore.by_group(RESP, by=[]),
      ValueError, r"by must name at least one column"),
    C("recovery-no-anchor", "recovery_curve", "empty", lambda: npscore.recovery_curve([]),
      ValueError, r"the recovery curve needs at least one anchor"),
    # --- Files -------------------------------------------------------------------------------
    C("load-directory", "ChurnModel.load", "file", _load_directory,
      IsADirectoryError, r"cannot read a churn model from '.+': it is a directory"),
    C("save-directory", "ChurnModel.save", "file", _save_directory,
      IsADirectoryError, r"cannot write a churn model to '.+': it is a directory"),
    C("load-nul-path", "ChurnModel.load", "file", lambda: npscore.ChurnModel.load("/tmp/m\x00x"),
      ValueError, r"path '/tmp/m\\x00x' contains a NUL character"),
    C("load-int-path", "ChurnModel.load", "file", lambda: npscore.ChurnModel.load(5),
      TypeError, r"path must be a file path \(str or os.PathLike\), got int"),
    C("load-missing-file", "ChurnModel.load", "file",
      lambda: npscore.ChurnModel.load("/nonexistent/churn.model"),
      ValueError, r"/nonexistent/churn.model"),
    # --- Reason texts, fitted state -------------------------------------------------------
    C("explain-describe-bad-field", "ChurnModel.explain", "format-string",
      lambda: MODEL.explain(X, describe={"x0": "{bogus:.0f} days"}),
      ValueError, r"the reason text of 'x0' is '\{bogus:.0f\} days': a format string may use "
                  r"only \{value\} and \{name\}"),
    C("predict-unfitted", "ChurnModel.predict_proba", "not-fitted",
      lambda: npscore.ChurnModel().predict_proba(X), ValueError, r"not fitted yet"),
    C("gg-unfitted", "GammaGamma.conditional_expected_average_profit", "not-fitted",
      lambda: npscore.GammaGamma().conditional_expected_average_profit([1], [1.0]),
      ValueError, r"this GammaGamma is not fitted"),
    C("bg-unfitted", "BetaGeo.conditional_expected_purchases", "not-fitted",
      lambda: npscore.BetaGeo().conditional_expected_purchases(1, [1], [1], [2]),
      ValueError, r"this BetaGeo is not fitted"),
    # --- CLV: lifetimes parity (issue 11) -----------------------------------------------
    C("gg-nonpositive-spend", "GammaGamma.fit", "data-range",
      lambda: npscore.GammaGamma().fit([1, 2, 3], [10.0, 0.0, -1.0]),
      ValueError, r"monetary_value is <= 0 for 2 repeat customers \(frequency > 0\), the first "
                  r"at row 1 \(0\): .*set nonpositive_spend to exclude"),
    C("gg-nonpositive-spend-option", "GammaGamma.fit", "unknown-option",
      lambda: npscore.GammaGamma().fit([1], [10.0], nonpositive_spend="drop"),
      ValueError, r'nonpositive_spend is "drop": use "error" or "exclude"'),
    C("clv-freq-against-table", "customer_lifetime_value", "unknown-option",
      lambda: npscore.customer_lifetime_value(BG, GG, RFM.frequency, RFM.recency, RFM["T"],
                                              RFM.monetary_value, freq="D"),
      ValueError, r'freq is "D" but frequency comes from an RFM table in "W" periods'),
    C("bg-alive-index-mismatch", "BetaGeo.probability_alive", "length-mismatch",
      lambda: BG.probability_alive(RFM.frequency, RFM.recency.iloc[1:], RFM["T"]),
      ValueError, r"the indexes of frequency and recency differ \(label .* of frequency is not "
                  r"in recency\)"),
    C("bg-conditional-alive-recency-after-t", "BetaGeo.conditional_probability_alive",
      "data-range", lambda: BG.conditional_probability_alive(1, 12, 10),
      ValueError, r"recency at row 0 is 12, more than T \(10\)"),
    C("bg-conditional-purchases-t-text",
      "BetaGeo.conditional_expected_number_of_purchases_up_to_time", "wrong-type-number",
      lambda: BG.conditional_expected_number_of_purchases_up_to_time("4", 1, 2, 3),
      TypeError, r"t must be a number, got '4'"),
    C("bg-unconditional-t-negative", "BetaGeo.expected_number_of_purchases_up_to_time",
      "data-range", lambda: BG.expected_number_of_purchases_up_to_time([1.0, -2.0]),
      ValueError, r"t at row 1 is -2: the horizon must be finite and >= 0"),
    C("bg-n-purchases-fraction", "BetaGeo.probability_of_n_purchases_up_to_time",
      "size-fraction", lambda: BG.probability_of_n_purchases_up_to_time(30, [1, 1.5]),
      ValueError, r"n at row 1 is 1.5: must be a whole number in 0..10000000"),
    C("bg-n-purchases-shapes", "BetaGeo.probability_of_n_purchases_up_to_time",
      "length-mismatch", lambda: BG.probability_of_n_purchases_up_to_time([1, 2], [1, 2, 3]),
      ValueError, r"t \(shape \(2,\)\) and n \(shape \(3,\)\) do not broadcast together"),
    C("bg-load-other-model", "BetaGeo.load", "file", _load_gamma_gamma_as_beta_geo,
      ValueError, r"this state is of a 'GammaGamma', not a BetaGeo"),
    C("holdout-ends-reversed", "calibration_and_holdout_data", "data-range",
      lambda: npscore.calibration_and_holdout_data(
          SAMPLE.transactions, customer="customer_id", date="date",
          calibration_period_end="2025-06-30", observation_period_end="2025-01-31"),
      ValueError, r"observation_period_end \('2025-01-31'\) is before calibration_period_end"),
    C("holdout-calibration-empty", "calibration_and_holdout_data", "empty",
      lambda: npscore.calibration_and_holdout_data(
          SAMPLE.transactions, customer="customer_id", date="date",
          calibration_period_end="2001-01-01", observation_period_end="2025-12-31"),
      ValueError, r"no transaction up to calibration_period_end \('2001-01-01'\)"),
    C("cutoffs-reversed", "Cutoffs", "data-range", lambda: npscore.Cutoffs(9, 6, 10),
      ValueError, r"bad cutoffs \(detractor_max=9, passive_max=6, scale_max=10\)"),
    C("summarize-cutoffs-text", "summarize", "wrong-type-number",
      lambda: npscore.summarize([9], cutoffs="6,8"),
      TypeError, r"cutoffs must be \(detractor_max, passive_max\[, scale_max\]\) integers, "
                 r"got '6,8'"),
]

# --- Plots (issue 11): each plot's table, model and outcome inputs ------------------------
P = MODEL.predict_proba(X)[:, 1]
GROUPS = npscore.by_group(RESP, by="plan")
IMPACT = npscore.theme_impact(RESP.assign(themes=npscore.ThemeTagger().tag(RESP.comment)),
                              theme="themes", segment="score", clv="clv")
CASES += [
    C("plot-calibration-no-p", "plot.calibration", "empty", lambda: plot.calibration(Y),
      TypeError, r"calibration needs p \(the probabilities\) with y_true, or an Evaluation"),
    C("plot-calibration-evaluation-and-p", "plot.calibration", "wrong-type-frame",
      lambda: plot.calibration(npscore.evaluate(Y, P), P),
      TypeError, r"calibration: give an Evaluation alone, or y_true and p"),
    C("plot-calibration-bins-zero", "plot.calibration", "size-negative-zero",
      lambda: plot.calibration(Y, P, bins=0), ValueError, r"bins is 0"),
    C("plot-roc-length", "plot.roc", "length-mismatch", lambda: plot.roc(Y, P[:10]),
      ValueError, r"y_true has 80 labels but p has 10 values"),
    C("plot-roc-probability-range", "plot.roc", "data-range",
      lambda: plot.roc(Y, np.where(np.arange(80) == 3, 1.5, P)),
      ValueError, r"at row 3 is 1.5: it must be in \[0, 1\]"),
    C("plot-roc-ax-text", "plot.roc", "wrong-type-frame", lambda: plot.roc(Y, P, ax="left"),
      TypeError, r"ax must be a matplotlib Axes, got str"),
    C("plot-lift-one-class", "plot.lift", "data-range", lambda: plot.lift(np.zeros(80), P),
      ValueError, r"only class 0"),
    C("plot-forest-list", "plot.forest", "wrong-type-frame", lambda: plot.forest([1, 2]),
      TypeError, r"table must be the DataFrame npscore.by_group returns, got list"),
    C("plot-forest-other-frame", "plot.forest", "wrong-type-frame", lambda: plot.forest(RESP),
      ValueError, r"table lacks the column\(s\) \['nps', 'ci_low', 'ci_high', 'n', 'small'\]"),
    C("plot-forest-too-many", "plot.forest", "size-huge",
      lambda: plot.forest(npscore.by_group(pd.DataFrame({"score": np.arange(202) % 11,
                                                         "g": np.arange(202)}), by="g")),
      ValueError, r"table has 202 groups: a forest plot shows at most 100"),
    C("plot-forest-reference-text", "plot.forest", "wrong-type-number",
      lambda: plot.forest(GROUPS, reference="overall"),
      TypeError, r"reference must be a number, got 'overall'"),
    C("plot-fr-matrix-not-fitted", "plot.frequency_recency_matrix", "not-fitted",
      lambda: plot.frequency_recency_matrix(npscore.BetaGeo(), RFM),
      ValueError, r"this BetaGeo is not fitted: call fit\(\) first"),
    C("plot-fr-matrix-model-type", "plot.frequency_recency_matrix", "wrong-type-frame",
      lambda: plot.frequency_recency_matrix(GG, RFM),
      TypeError, r"model must be a fitted npscore.BetaGeo, got GammaGamma"),
    C("plot-fr-matrix-no-grid", "plot.frequency_recency_matrix", "empty",
      lambda: plot.frequency_recency_matrix(BG, max_frequency=5),
      TypeError, r"needs rfm \(the table of npscore.rfm_summary\) or all of max_frequency"),
    C("plot-fr-matrix-t-zero", "plot.frequency_recency_matrix", "size-negative-zero",
      lambda: plot.frequency_recency_matrix(BG, RFM, t=0), ValueError, r"t is 0"),
    C("plot-fr-matrix-huge", "plot.frequency_recency_matrix", "size-huge",
      lambda: plot.frequency_recency_matrix(BG, max_frequency=10**6, max_recency=5, T=10),
      ValueError, r"max_frequency is 1000000"),
    C("plot-alive-matrix-recency-beyond-T", "plot.probability_alive_matrix", "data-range",
      lambda: plot.probability_alive_matrix(BG, max_frequency=5, max_recency=20, T=10),
      ValueError, r"max_recency is 20 but T is 10: recency cannot exceed"),
    C("plot-alive-matrix-rfm-columns", "plot.probability_alive_matrix", "wrong-type-frame",
      lambda: plot.probability_alive_matrix(BG, RFM.drop(columns="T")),
      ValueError, r"rfm lacks the column\(s\) \['T'\]: give the DataFrame npscore.rfm_summary"),
    C("plot-alive-matrix-T-nan", "plot.probability_alive_matrix", "size-nan",
      lambda: plot.probability_alive_matrix(BG, max_frequency=5, max_recency=5, T=float("nan")),
      ValueError, r"T is NaN: it must be finite and > 0"),
    C("plot-theme-impact-top-zero", "plot.theme_impact", "size-negative-zero",
      lambda: plot.theme_impact(IMPACT, top=0), ValueError, r"top is 0"),
    C("plot-theme-impact-empty", "plot.theme_impact", "empty",
      lambda: plot.theme_impact(IMPACT.head(0)), ValueError, r"table has no rows: nothing to plot"),
    C("plot-theme-impact-other-frame", "plot.theme_impact", "wrong-type-frame",
      lambda: plot.theme_impact(GROUPS),
      ValueError, r"table lacks the column\(s\) \['theme', 'mentions', 'impact'"),
]

# --- The index rule beside a table, and polars / Arrow X (issue 11) ------------------------
# A Series beside a pandas frame pairs by index label: labels that differ are an error
# naming the first missing on each side. RESP_IDS: RESP indexed by response ids.
RESP_IDS = RESP.set_axis(pd.Index([f"r{i}" for i in range(N)], name="response_id"))
OTHER_LABELS = r"label 'r0' of df is not in {arg}; label 0 of {arg} is not in df\)"


def _polars() -> Any:
    import polars  # the test extra holds polars: a missing one fails, never skips

    return polars


CASES += [
    C("prioritize-index-mismatch", "prioritize", "length-mismatch",
      lambda: npscore.prioritize(RESP_IDS, churn_risk="p", clv=RESP.clv, now=NOW),
      ValueError, r"the indexes of df and clv differ \(" + OTHER_LABELS.format(arg="clv")),
    C("prioritize-series-index-mismatch", "prioritize", "length-mismatch",
      lambda: npscore.prioritize(None, churn_risk=RESP.p, clv=RESP.clv.set_axis(range(1, N + 1)),
                                 now=NOW),
      ValueError, r"the indexes of churn_risk and clv differ \(label 0 of churn_risk is not in "
                  r"clv; label 60 of clv is not in churn_risk\)"),
    C("missed-cases-index-mismatch", "priority.missed_cases", "length-mismatch",
      lambda: priority.missed_cases(RESP_IDS, churn_risk="p", clv="clv", segment=RESP.score,
                                    now=NOW),
      ValueError, r"the indexes of df and segment differ \(" + OTHER_LABELS.format(arg="segment")),
    C("theme-impact-index-mismatch", "theme_impact", "length-mismatch",
      lambda: npscore.theme_impact(RESP_IDS, theme=npscore.ThemeTagger().tag(RESP.comment),
                                   segment="score", clv="clv"),
      ValueError, r"the indexes of df and theme differ \(" + OTHER_LABELS.format(arg="theme")),
    C("theme-impact-clv-index-mismatch", "theme_impact", "length-mismatch",
      lambda: npscore.theme_impact(RESP_IDS, theme=[["bug"]] * N, segment="score", clv=RESP.clv),
      ValueError, r"the indexes of df and clv differ \(" + OTHER_LABELS.format(arg="clv")),
    C("top-themes-index-mismatch", "top_themes", "length-mismatch",
      lambda: npscore.top_themes(RESP_IDS, comment="comment", segment=RESP.score, clv="clv"),
      ValueError, r"the indexes of df and segment differ \(" + OTHER_LABELS.format(arg="segment")),
    C("churn-features-themes-index-mismatch", "churn_features", "length-mismatch",
      lambda: npscore.churn_features(RESP_IDS, as_of="2025-12-31",
                                     themes=npscore.ThemeTagger().indicators(RESP.comment)),
      ValueError, r"the indexes of responses and themes differ \(label 'r0' of responses is "
                  r"not in themes; label 0 of themes is not in responses\)"),
    C("reason-stability-index-mismatch", "ChurnModel.reason_stability", "length-mismatch",
      lambda: MODEL.reason_stability(pd.DataFrame(X), pd.Series(Y, index=np.arange(1, 81)),
                                     n_boot=2),
      ValueError, r"the indexes of X and y differ \(label 0 of X is not in y; label 80 of y is "
                  r"not in X\)"),
    C("fit-polars-lazy", "ChurnModel.fit", "wrong-type-frame",
      lambda: npscore.ChurnModel().fit(_polars().DataFrame({"a": X[:, 0]}).lazy(), Y),
      TypeError, r"X is a polars LazyFrame: collect it first \(X\.collect\(\)\)"),
    C("predict-polars-text-column", "ChurnModel.predict_proba", "data-text",
      lambda: MODEL.predict_proba(_polars().DataFrame({"x0": X[:, 0], "x1": ["a"] * 80,
                                                       "x2": X[:, 2]})),
      TypeError, r"X column 'x1' has dtype .*: columns must be numeric"),
    C("fit-polars-null", "ChurnModel.fit", "data-missing",
      lambda: npscore.ChurnModel().fit(_polars().DataFrame({"a": [None] + list(X[1:, 0])}), Y),
      ValueError, r"X at row 0, column 0 \('a'\) is NaN: values must be finite"),
    C("fit-arrow-y-text-three-classes", "ChurnModel.fit", "data-range",
      lambda: npscore.ChurnModel().fit(X, __import__("pyarrow").array(
          ["a", "b"] * 39 + ["c", "a"])),
      ValueError, r"y has 3 classes \('a', 'b', 'c'\); label at row 78 is 'c', a third class"),
]

# --- `npscore report` on the user's files (issue 13): exit code 2 and one line -----------


def _cli_files(files: dict, *args: str) -> None:
    """Runs the CLI on files written to a temporary directory ({name: text});
    "{d}" in an argument is that directory."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            (Path(d) / name).write_text(text)
        cli_main(["report", *(a.replace("{d}", d) for a in args), "--out-dir", f"{d}/out"])


CLI_RESPONSES = "customer_id;score;responded_at\n007;9;31.01.2025\n008;3;01.02.2025\n"
CASES += [
    C("cli-config-unknown-key", "__main__.main", "unknown-option",
      lambda: _cli_files({"n.toml": '[responses]\npath = "r.csv"\nscroe = "x"\n'},
                         "--config", "{d}/n.toml"),
      SystemExit, r'npscore: error: .*n.toml line 3: unknown key "scroe" in \[responses\]; did '
                  r'you mean "score"\?'),
    C("cli-missing-file", "__main__.main", "file",
      lambda: _cli_files({}, "--responses", "{d}/nope.csv"),
      SystemExit, r"npscore: error: responses file not found: .*nope.csv"),
    C("cli-missing-column", "__main__.main", "file",
      lambda: _cli_files({"r.csv": CLI_RESPONSES}, "--responses", "{d}/r.csv", "--separator", ";",
                         "--score-column", "Score"),
      SystemExit, r'no column "Score" \(responses.score\); the nearest column is "score"'),
    C("cli-unparseable-date", "__main__.main", "time-text",
      lambda: _cli_files({"r.csv": CLI_RESPONSES}, "--responses", "{d}/r.csv", "--separator", ";",
                         "--date-format", "%m.%d.%Y"),
      SystemExit, r"r.csv, line 2, column \"responded_at\": '31.01.2025' is not a date in the "
                  r"format \"%m.%d.%Y\""),
    C("cli-score-range", "__main__.main", "data-range",
      lambda: _cli_files({"r.csv": "score\n9\n11\n"}, "--responses", "{d}/r.csv"),
      SystemExit, r'r.csv, line 3, column "score": score 11 is outside the scale 0..10'),
    C("cli-duplicate-customer", "__main__.main", "duplicate-id",
      lambda: _cli_files({"r.csv": CLI_RESPONSES, "c.csv": "customer_id\n007\n007\n"},
                         "--responses", "{d}/r.csv", "--customers", "{d}/c.csv",
                         "--separator", ";", "--date-format", "%d.%m.%Y"),
      SystemExit, r"c.csv: customer id '007' .* appears twice, line 2 and line 3"),
    C("cli-sla-hours", "__main__.main", "size-negative-zero",
      lambda: _cli_files({"r.csv": "score\n9\n"}, "--responses", "{d}/r.csv",
                         "--sla-hours", "24,0,168"),
      SystemExit, r"--sla-hours must be three positive hours"),
]


# --- Survey planning (issue 14) -----------------------------------------------------------
SURVEYED = pd.DataFrame({"customer_id": [1, 2, 3], "last_surveyed_at": [pd.NaT] * 3,
                         "churned": [False] * 3, "open_case": [False] * 3})
SHARES = (0.2, 0.3, 0.5)


def _invite(df: pd.DataFrame = SURVEYED, **kw: Any) -> Any:
    return survey.invitations(df, **{"as_of": "2025-01-01", **kw})


CASES += [
    C("invitations-duplicate-id", "survey.invitations", "duplicate-id",
      lambda: _invite(SURVEYED.assign(customer_id=["a", "b", "a"])),
      ValueError, r'customer id "a" appears at rows 0 and 2: each customer must appear once'),
    C("invitations-missing-id", "survey.invitations", "data-missing",
      lambda: _invite(SURVEYED.assign(customer_id=["a", None, "c"])),
      ValueError, r"customer at row 1 is missing: every customer needs an id"),
    C("invitations-bool-ids", "survey.invitations", "wrong-type-number",
      lambda: _invite(SURVEYED.assign(customer_id=[True, False, True])),
      TypeError, r"customer holds booleans \(bool\): customer ids must be integers or strings"),
    C("invitations-no-churned-column", "survey.invitations", "wrong-type-frame",
      lambda: _invite(SURVEYED.drop(columns="churned")),
      ValueError, r"churned column 'churned' not found; .*: pass churned=None"),
    C("invitations-churned-missing", "survey.invitations", "data-missing",
      lambda: _invite(SURVEYED.assign(churned=[True, None, False])),
      ValueError, r"churned at row 1 is missing: give True or False"),
    C("invitations-open-case-text", "survey.invitations", "data-text",
      lambda: _invite(SURVEYED.assign(open_case=["yes", "no", "no"])),
      ValueError, r"open_case at row 0 is 'yes': it must be True or False"),
    C("invitations-future-survey", "survey.invitations", "data-range",
      lambda: _invite(SURVEYED.assign(last_surveyed_at=[pd.NaT, pd.Timestamp("2025-02-01"),
                                                        pd.NaT])),
      ValueError, r"last_surveyed at row 1 is 2025-02-01.*after as_of"),
    C("invitations-last-surveyed-numbers", "survey.invitations", "time-number",
      lambda: _invite(SURVEYED.assign(last_surveyed_at=[1, 2, 3])),
      TypeError, r"last_surveyed holds numbers \(int64\), not timestamps"),
    C("invitations-cohorts-zero", "survey.invitations", "size-negative-zero",
      lambda: _invite(cohorts=0), ValueError, r"cohorts is 0: it must be a whole number >= 1"),
    C("invitations-cohorts-huge", "survey.invitations", "size-huge",
      lambda: _invite(cohorts=10**6), ValueError, r"cohorts is 1000000: it must be at most 1000"),
    C("invitations-days-negative", "survey.invitations", "data-range",
      lambda: _invite(min_days_between=-1), ValueError,
      r"min_days_between is -1: it must be in \[0, 36600\]"),
    C("invitations-as-of-number", "survey.invitations", "time-number",
      lambda: _invite(as_of=5), TypeError, r"as_of is 5: a number, not a timestamp"),
    C("invitations-tz-unknown", "survey.invitations", "time-zone",
      lambda: _invite(tz="Mars/Olympus_Mons"), ValueError, r'tz "Mars/Olympus_Mons" is not a zone'),
    C("invitations-churned-length", "survey.invitations", "length-mismatch",
      lambda: _invite(churned=[True]), ValueError, r"churned has 1 values but customers has 3 rows"),
    C("invitations-not-a-table", "survey.invitations", "wrong-type-frame",
      lambda: survey.invitations([1, 2], as_of="2025-01-01"), TypeError,
      r"customers must be a DataFrame"),
    C("cohort-zero", "survey.cohort", "size-negative-zero", lambda: survey.cohort([1, 2], cohorts=0),
      ValueError, r"cohorts is 0"),
    C("cohort-scalar", "survey.cohort", "iterable", lambda: survey.cohort(5),
      TypeError, r"ids must be a column of customer ids, got 5"),
    C("cohort-fraction-id", "survey.cohort", "size-fraction", lambda: survey.cohort([1.5]),
      ValueError, r"ids at row 0 is 1.5, not a whole number"),
    C("responses-needed-shares-sum", "survey.responses_needed", "data-range",
      lambda: survey.responses_needed(5, (0.2, 0.3, 0.6)),
      ValueError, r"the shares add up to 1.1 .*: they must add up to 1"),
    C("responses-needed-share-negative", "survey.responses_needed", "data-range",
      lambda: survey.responses_needed(5, (-0.1, 0.6, 0.5)),
      ValueError, r"the share of detractors is -0.1: shares must be in \[0, 1\]"),
    C("responses-needed-margin-zero", "survey.responses_needed", "size-negative-zero",
      lambda: survey.responses_needed(0, SHARES),
      ValueError, r"margin is 0: it must be in \(0, 200\] NPS points"),
    C("responses-needed-margin-text", "survey.responses_needed", "wrong-type-number",
      lambda: survey.responses_needed("5", SHARES), TypeError, r"margin must be a number"),
    C("responses-needed-shares-keys", "survey.responses_needed", "wrong-type-mapping",
      lambda: survey.responses_needed(5, {"detractors": 0.2, "passive": 0.3, "promoters": 0.5}),
      ValueError, r"shares must have the keys .*unknown \['passive'\]; lacking \['passives'\]"),
    C("responses-needed-method", "survey.responses_needed", "unknown-option",
      lambda: survey.responses_needed(5, SHARES, method="exact"),
      ValueError, r'interval method "exact"'),
    C("detectable-change-power-one", "survey.detectable_change", "data-range",
      lambda: survey.detectable_change(100, 100, SHARES, power=1),
      ValueError, r"power is 1: it must be in \(0, 1\)"),
    C("detectable-change-n-zero", "survey.detectable_change", "size-negative-zero",
      lambda: survey.detectable_change(0, 100, SHARES), ValueError, r"n1 is 0"),
    C("detectable-change-n-nan", "survey.detectable_change", "size-nan",
      lambda: survey.detectable_change(float("nan"), 100, SHARES), ValueError, r"n1 is NaN"),
    C("invitations-needed-rate-zero", "survey.invitations_needed", "data-range",
      lambda: survey.invitations_needed(100, 0),
      ValueError, r"response_rate is 0: it must be in \(0, 1\]"),
    C("invitations-needed-rate-above-one", "survey.invitations_needed", "data-range",
      lambda: survey.invitations_needed(100, 1.5), ValueError, r"response_rate is 1.5"),
    C("invitations-needed-assurance-one", "survey.invitations_needed", "data-range",
      lambda: survey.invitations_needed(100, 0.2, 1),
      ValueError, r"assurance is 1: it must be in \(0, 1\)"),
    C("invitations-needed-huge", "survey.invitations_needed", "size-huge",
      lambda: survey.invitations_needed(2**41, 0.2),
      ValueError, r"responses is 2199023255552: it must be at most 1099511627776"),
]

# --- Closing the loop (issue 14) ----------------------------------------------------------
_T0 = pd.Timestamp("2025-01-01", tz="UTC")
CASELOG = pd.DataFrame({
    "opened_at": [_T0, _T0, _T0 + pd.Timedelta(hours=1)],
    "first_contact_at": [_T0 + pd.Timedelta(hours=2), pd.NaT, _T0 + pd.Timedelta(hours=1)],
    "closed_at": [pd.NaT] * 3,
    "recovered": [True, False, True],
    "owner": ["a", "b", "a"],
})


def _metrics(df: pd.DataFrame = CASELOG, **kw: Any) -> Any:
    return loop.loop_metrics(df, **{"as_of": "2025-01-02", **kw})


def _learn(df: pd.DataFrame = CASELOG, **kw: Any) -> Any:
    return loop.learn_recovery_curve(df, **{"recovered": "recovered", **kw})


ROI_LOG = CASELOG.assign(churned=[1, 0, 0], churn_risk=[0.2, 0.5, 0.3], clv=[10.0, 20.0, 5.0],
                         score=[3, 5, 6])


def _roi(df: pd.DataFrame = ROI_LOG, **kw: Any) -> Any:
    return loop.program_roi(df, **kw)


CASES += [
    C("loop-metrics-opened-missing", "loop.loop_metrics", "data-missing",
      lambda: _metrics(CASELOG.assign(opened_at=[_T0, pd.NaT, _T0])),
      ValueError, r"opened_at at row 1 is missing \(NaT\): every case has an opening time"),
    C("loop-metrics-contact-before-opening", "loop.loop_metrics", "data-range",
      lambda: _metrics(CASELOG.assign(first_contact_at=[pd.NaT, pd.NaT, _T0])),
      ValueError, r"first_contact_at at row 2 is 2025-01-01 00:00:00 UTC, before opened_at "
                  r"\(2025-01-01 01:00:00 UTC\)"),
    C("loop-metrics-opened-numbers", "loop.loop_metrics", "time-number",
      lambda: _metrics(CASELOG.assign(opened_at=[1, 2, 3])),
      TypeError, r"opened_at holds numbers"),
    C("loop-metrics-sla-negative", "loop.loop_metrics", "data-range",
      lambda: _metrics(sla_hours=-1), ValueError, r"sla_hours is -1: an SLA is in \(0, 1000000\]"),
    C("loop-metrics-sla-column-missing", "loop.loop_metrics", "data-range",
      lambda: _metrics(CASELOG.assign(sla=[24.0, float("nan"), 24.0]), sla_hours="sla"),
      ValueError, r"sla_hours at row 1 is NaN"),
    C("loop-metrics-by-unknown", "loop.loop_metrics", "wrong-type-frame",
      lambda: _metrics(by="team"), ValueError, r"team"),
    C("loop-metrics-as-of-number", "loop.loop_metrics", "time-number",
      lambda: _metrics(as_of=5), TypeError, r"as_of is 5: a number, not a timestamp"),
    C("loop-metrics-confidence-one", "loop.loop_metrics", "data-range",
      lambda: _metrics(confidence=1), ValueError, r"confidence is 1: it must be in \(0, 1\)"),
    C("loop-metrics-length", "loop.loop_metrics", "length-mismatch",
      lambda: _metrics(closed_at=[pd.NaT]), ValueError, r"closed_at has 1 rows but the case log has 3"),
    C("learn-recovery-outcome-two", "loop.learn_recovery_curve", "data-range",
      lambda: _learn(CASELOG.assign(recovered=[1, 2, 0])),
      ValueError, r"recovered at row 1 is 2: an outcome is 1 \(recovered\) or 0"),
    C("learn-recovery-outcome-missing", "loop.learn_recovery_curve", "data-missing",
      lambda: _learn(CASELOG.assign(recovered=[1.0, float("nan"), 0.0])),
      ValueError, r"recovered at row 1 is missing \(NaN\)"),
    C("learn-recovery-outcome-text", "loop.learn_recovery_curve", "data-text",
      lambda: _learn(CASELOG.assign(recovered=["yes", "no", "yes"])),
      TypeError, r"recovered at row 0 is 'yes' \(str\): give True/False or 1/0"),
    C("learn-recovery-churned-three", "loop.learn_recovery_curve", "data-range",
      lambda: loop.learn_recovery_curve(CASELOG.assign(ch=[0, 3, 1]), churned="ch"),
      ValueError, r"churned at row 1 is 3: an outcome is 1 \(churned\) or 0"),
    C("learn-recovery-two-outcomes", "loop.learn_recovery_curve", "wrong-type-option",
      lambda: _learn(churned="recovered"),
      TypeError, r"give exactly one outcome: .*\['recovered', 'churned'\]"),
    C("learn-recovery-contact-before-opening", "loop.learn_recovery_curve", "data-range",
      lambda: _learn(CASELOG.assign(first_contact_at=[pd.NaT, pd.NaT, _T0])),
      ValueError, r"first_contact_at at row 2 is 2025-01-01 00:00:00 UTC, before opened_at"),
    C("learn-recovery-edges-unsorted", "loop.learn_recovery_curve", "data-range",
      lambda: _learn(edges=[24, 1]),
      ValueError, r"edges\[1\] is 1: bin edges are finite hours > 0, strictly increasing"),
    C("learn-recovery-edges-text", "loop.learn_recovery_curve", "wrong-type-number",
      lambda: _learn(edges=["1h"]), TypeError, r"edges\[0\] must be a number"),
    C("learn-recovery-min-bin-zero", "loop.learn_recovery_curve", "size-negative-zero",
      lambda: _learn(min_bin_cases=0), ValueError, r"min_bin_cases is 0"),
    C("learn-recovery-missing-option", "loop.learn_recovery_curve", "unknown-option",
      lambda: _learn(missing="drop"), ValueError, r'missing is "drop": use "error" or "skip"'),
    C("learn-recovery-never-contacted", "loop.learn_recovery_curve", "empty",
      lambda: _learn(CASELOG.assign(first_contact_at=[pd.NaT] * 3)),
      ValueError, r"no contacted case with an outcome among 3 cases"),
    C("compare-recovery-not-a-curve", "loop.compare_recovery", "wrong-type-frame",
      lambda: loop.compare_recovery(CASELOG), TypeError,
      r"curve must be the table of learn_recovery_curve"),
    C("conversion-next-score-off-scale", "loop.conversion", "data-range",
      lambda: loop.conversion(CASELOG.assign(score=[3, 7, 5], next_score=[8, 11, None])),
      ValueError, r"next_score at row 1 is 11: outside the scale 0..10"),
    C("conversion-score-missing", "loop.conversion", "data-missing",
      lambda: loop.conversion(CASELOG.assign(score=[3, None, 5], next_score=[8, 9, None])),
      ValueError, r"score at row 1 is missing \(NaN\)"),
    C("conversion-score-text", "loop.conversion", "data-text",
      lambda: loop.conversion(CASELOG.assign(score=["3", "x", "5"], next_score=[8, 9, 1])),
      TypeError, r"score at row 1 is 'x': not a number"),
    C("conversion-no-next-score-column", "loop.conversion", "wrong-type-frame",
      lambda: loop.conversion(CASELOG.assign(score=[3, 7, 5])), ValueError, r"next_score"),
    C("conversion-contact-before-opening", "loop.conversion", "data-range",
      lambda: loop.conversion(CASELOG.assign(score=[3, 7, 5], next_score=[8, 9, 1],
                                             first_contact_at=[pd.NaT, pd.NaT, _T0])),
      ValueError, r"first_contact_at at row 2 is 2025-01-01 00:00:00 UTC, before opened_at"),
    C("conversion-cutoffs-bad", "loop.conversion", "data-range",
      lambda: loop.conversion(CASELOG.assign(score=[3, 7, 5], next_score=[8, 9, 1]),
                              cutoffs=(8, 6)),
      ValueError, r"cutoffs"),
    C("conversion-missing-option", "loop.conversion", "unknown-option",
      lambda: loop.conversion(CASELOG.assign(score=[3, 7, 5], next_score=[8, 9, 1]),
                              missing="drop"),
      ValueError, r'missing is "drop": use "error" or "skip"'),
    C("program-roi-risk-above-one", "loop.program_roi", "data-range",
      lambda: _roi(ROI_LOG.assign(churn_risk=[0.2, 1.5, 0.3])),
      ValueError, r"churn_risk at row 1 is 1.5: a probability is in \[0, 1\]"),
    C("program-roi-churned-two", "loop.program_roi", "data-range",
      lambda: _roi(ROI_LOG.assign(churned=[0, 2, 1])),
      ValueError, r"churned at row 1 is 2: an outcome is 1 \(churned\) or 0"),
    C("program-roi-clv-negative", "loop.program_roi", "data-range",
      lambda: _roi(ROI_LOG.assign(clv=[10.0, -1.0, 5.0])),
      ValueError, r"clv at row 1 is -1: a value is finite and >= 0"),
    C("program-roi-clv-missing", "loop.program_roi", "data-missing",
      lambda: _roi(ROI_LOG.assign(clv=[10.0, float("nan"), 5.0])),
      ValueError, r"clv at row 1 is missing \(NaN\)"),
    C("program-roi-risk-text", "loop.program_roi", "data-text",
      lambda: _roi(ROI_LOG.assign(churn_risk=["low", "high", "low"])),
      TypeError, r"churn_risk at row 0 is 'low': not a number"),
    C("program-roi-bands-zero", "loop.program_roi", "size-negative-zero",
      lambda: _roi(bands=0), ValueError, r"bands is 0: it must be in 1..1000"),
    C("program-roi-bands-fraction", "loop.program_roi", "wrong-type-number",
      lambda: _roi(bands=2.5), ValueError, r"bands is 2.5: it must be a whole number"),
    C("program-roi-nothing-on-time", "loop.program_roi", "empty",
      lambda: _roi(ROI_LOG.assign(first_contact_at=[pd.NaT] * 3)),
      ValueError, r"no case was contacted within the SLA among 3 compared cases"),
    C("program-roi-no-risk-column", "loop.program_roi", "wrong-type-frame",
      lambda: _roi(ROI_LOG.drop(columns="churn_risk")), ValueError, r"churn_risk"),
    C("program-roi-detractors-only-text", "loop.program_roi", "wrong-type-option",
      lambda: _roi(detractors_only="yes"), TypeError,
      r"detractors_only must be True or False"),
    C("program-roi-sla-zero", "loop.program_roi", "data-range",
      lambda: _roi(sla_hours=0), ValueError, r"sla_hours is 0: an SLA is in \(0, 1000000\]"),
]


def _refit(**params: Any) -> npscore.ChurnModel:
    m = npscore.ChurnModel().fit(X, Y)
    for k, v in params.items():
        setattr(m, k, v)
    return m


# --- The live monitor (issue 14) ---------------------------------------------------------

def _mon() -> npscore.Monitor:
    """A monitor with two slices and one owner, a detractor (customer 1) ingested."""
    m = npscore.Monitor(slices=["a", "b"], owners={"ana": 2})
    m.ingest(1, 2, "2025-01-02")
    return m


_DAY = pd.to_datetime(["2025-01-02", "2025-01-02"], utc=True)

CASES += [
    C("monitor-slices-zero", "Monitor", "size-negative-zero",
      lambda: npscore.Monitor(slices=0), ValueError, r"slices is 0: it must be a whole number >= 1"),
    C("monitor-slices-repeated", "Monitor", "duplicate-id",
      lambda: npscore.Monitor(slices=["a", "a"]), ValueError, r"slices has the label 'a' twice"),
    C("monitor-slices-set", "Monitor", "iterable",
      lambda: npscore.Monitor(slices={"a", "b"}), TypeError, r"slices must be a number of slices"),
    C("monitor-late-option", "Monitor", "unknown-option",
      lambda: npscore.Monitor(late="drop"), ValueError, r'late is "drop": use "error" or "count"'),
    C("monitor-owners-number", "Monitor", "wrong-type-mapping",
      lambda: npscore.Monitor(owners=3), TypeError, r"owners must be a mapping"),
    C("monitor-shift-alpha-nan", "Monitor", "size-nan",
      lambda: npscore.Monitor(shift_alpha=float("nan")), ValueError, r"shift_alpha is NaN"),
    C("monitor-step-zero", "Monitor", "size-negative-zero",
      lambda: npscore.Monitor(shift_step_hours=0), ValueError, r"shift_step_hours is 0"),
    C("monitor-time-zone-unknown", "Monitor", "time-zone",
      lambda: npscore.Monitor(time_zone="Mars/Base"), ValueError, r'time_zone "Mars/Base"'),
    C("monitor-flag-name-unknown", "Monitor", "unknown-option",
      lambda: npscore.Monitor(health_flag_mask=["nps_dip"]), ValueError,
      r"health_flag_mask has 'nps_dip': use the flag names"),
    C("monitor-threshold-range", "Monitor", "data-range",
      lambda: npscore.Monitor(health=True, health_thresholds={"drop_alpha": 2}), ValueError,
      r"drop_alpha=2"),
    C("monitor-ingest-score-off-scale", "Monitor.ingest", "data-range",
      lambda: _mon().ingest(3, 11, "2025-01-02"), ValueError,
      r"score of the response of customer 3 at \d+ ns is 11"),
    C("monitor-ingest-time-number", "Monitor.ingest", "time-number",
      lambda: _mon().ingest(3, 5, 1700000000), TypeError, r"time is 1700000000: a number"),
    C("monitor-ingest-slice-unknown", "Monitor.ingest", "data-range",
      lambda: _mon().ingest(3, 5, "2025-01-02", slice="c"), ValueError,
      r"slice is 'c': not one of the monitor's slices"),
    C("monitor-ingest-late", "Monitor.ingest", "data-range",
      lambda: _mon().ingest(3, 5, "2024-12-30"), ValueError,
      r"customer 3 .* is late: 72 h before the monitor's clock"),
    C("monitor-ingest-risk-above-one", "Monitor.ingest", "data-range",
      lambda: _mon().ingest(3, 5, "2025-01-02", churn_risk=2), ValueError,
      r"churn_risk of the response of customer 3 .* is 2"),
    C("monitor-ingest-owner-unknown", "Monitor.ingest", "data-range",
      lambda: _mon().ingest(3, 5, "2025-01-02", owner="zed"), ValueError,
      r"owner is 'zed': not one of the monitor's owners"),
    C("monitor-ingest-batch-row", "Monitor.ingest_batch", "data-range",
      lambda: _mon().ingest_batch(customer=[3, 4], score=[5, 12], time=_DAY), ValueError,
      r"score of row 1 \(customer 4 at \d+ ns\) is 12"),
    C("monitor-ingest-batch-customer-missing", "Monitor.ingest_batch", "data-missing",
      lambda: _mon().ingest_batch(customer=["x", None], score=[5, 2], time=_DAY), ValueError,
      r"customer at row 1 is missing: customer ids are integer codes or text, never missing"),
    C("monitor-ingest-batch-customer-float", "Monitor.ingest_batch", "id-types",
      lambda: _mon().ingest_batch(customer=[1.5, 2.0], score=[5, 2], time=_DAY), TypeError,
      r"customer must be integer codes or text ids, got float64"),
    C("monitor-ingest-batch-length", "Monitor.ingest_batch", "length-mismatch",
      lambda: _mon().ingest_batch(customer=[3, 4, 5], score=[5, 2], time=_DAY), ValueError,
      r"score has 2 rows but customer has 3"),
    C("monitor-ingest-batch-no-table", "Monitor.ingest_batch", "wrong-type-frame",
      lambda: _mon().ingest_batch(score=[5, 2], time=_DAY), TypeError,
      r"customer is the column name 'customer_id' but no table was given"),
    C("monitor-ingest-batch-time-number", "Monitor.ingest_batch", "time-number",
      lambda: _mon().ingest_batch(customer=[3], score=[5], time=[17]), TypeError,
      r"time holds numbers"),
    C("monitor-ingest-batch-slice-unknown", "Monitor.ingest_batch", "data-range",
      lambda: _mon().ingest_batch(customer=[3], score=[5], time=_DAY[:1], slice=["q"]),
      ValueError, r"slice at row 0 is 'q': not one of the monitor's slices"),
    C("monitor-advance-nat", "Monitor.advance", "data-missing",
      lambda: _mon().advance(pd.NaT), ValueError, r"now is NaT"),
    C("monitor-record-contact-unknown", "Monitor.record_contact", "data-range",
      lambda: _mon().record_contact((9, "2025-01-02"), "2025-01-03"), KeyError,
      r"no open case of customer 9"),
    C("monitor-record-contact-key", "Monitor.record_contact", "wrong-type-number",
      lambda: _mon().record_contact(9, "2025-01-03"), TypeError,
      r"a case is \(customer, responded_at\)"),
    C("monitor-close-case-outcome", "Monitor.close_case", "unknown-option",
      lambda: _mon().close_case((1, "2025-01-02"), "2025-01-03", "won"), ValueError,
      r'outcome is "won": use "not_recovered", "recovered" or "churned"'),
    C("monitor-close-case-before-response", "Monitor.close_case", "data-range",
      lambda: _mon().close_case((1, "2025-01-02"), "2025-01-01"), ValueError,
      r"the closing time of the case of customer 1 is \d+ ns, before its response"),
    C("monitor-from-bytes-damaged", "Monitor.from_bytes", "data-range",
      lambda: npscore.Monitor.from_bytes(b"NPSMONIT" + bytes(30)), ValueError,
      r"monitor state"),
    C("monitor-from-bytes-text", "Monitor.from_bytes", "wrong-type-number",
      lambda: npscore.Monitor.from_bytes("abc"), TypeError, r"data must be bytes, got str"),
    C("monitor-from-bytes-slice-labels", "Monitor.from_bytes", "length-mismatch",
      lambda: npscore.Monitor.from_bytes(_mon().to_bytes(), slices=["a"]), ValueError,
      r"slices has 1 labels but the monitor has 2 slices"),
    C("monitor-merge-not-a-monitor", "Monitor.merge", "wrong-type-frame",
      lambda: _mon().merge(3), TypeError, r"other must be a Monitor, got int"),
    C("monitor-merge-other-options", "Monitor.merge", "data-range",
      lambda: _mon().merge(npscore.Monitor(slices=["a", "b"], owners={"ana": 2},
                                           shift_alpha=0.1)),
      ValueError, r"the monitors' options differ"),
]


# --- Errors naming the user's column and index label -----------------------------------
# The core numbers rows by position; where a column was named and the rows carry
# labels other than 0..n-1, the message adds both (after the core's message).
LABELLED = pd.DataFrame({"rating": [9, 10, 3, 11], "plan": ["a", "b", "a", "b"],
                         "t": pd.Timestamp("2025-01-01", tz="UTC"),
                         "customer_id": [1, 2, 3, 4]}, index=[101, 102, 103, 104])
_SCORE_11 = r"score at row {row} is 11: outside the scale 0\.\.10"
CASES += [
    C("by-group-labelled-row", "by_group", "data-range",
      lambda: npscore.by_group(LABELLED, score="rating", by="plan"),
      ValueError, "^" + _SCORE_11.format(row=3) + r" \(column 'rating', index label 104\)$"),
    C("by-group-filtered-frame", "by_group", "data-range",
      lambda: npscore.by_group(LABELLED[LABELLED.plan == "b"], score="rating", by="plan"),
      ValueError, "^" + _SCORE_11.format(row=1) + r" \(column 'rating', index label 104\)$"),
    C("by-group-default-index-names-column", "by_group", "data-range",
      lambda: npscore.by_group(LABELLED.reset_index(drop=True), score="rating", by="plan"),
      ValueError, "^" + _SCORE_11.format(row=3) + r" \(column 'rating'\)$"),
    C("by-group-labelled-weight", "by_group", "data-range",
      lambda: npscore.by_group(LABELLED.assign(rating=9, w=[1.0, -2.0, 1.0, 1.0]),
                               score="rating", by="plan", weight="w"),
      ValueError, r"^weight at row 1 is -2: weights must be finite and >= 0 "
                  r"\(column 'w', index label 102\)$"),
    C("health-labelled-row", "health", "data-range",
      lambda: npscore.health(LABELLED, score="rating", time="t"),
      ValueError, "^" + _SCORE_11.format(row=3) + r" \(column 'rating', index label 104\)$"),
    C("health-latest-labelled-row", "health", "data-range",
      lambda: npscore.health(LABELLED.assign(customer_id=[1, 1, 2, 2]), score="rating",
                             time="t", basis="latest"),
      ValueError, "^" + _SCORE_11.format(row=3) + r" \(column 'rating', index label 104\)$"),
    C("summarize-filtered-series", "summarize", "data-range",
      lambda: npscore.summarize(LABELLED.rating[LABELLED.plan == "b"]),
      ValueError, "^" + _SCORE_11.format(row=1) + r" \(index label 104\)$"),
    C("summarize-default-index-unchanged", "summarize", "data-range",
      lambda: npscore.summarize(pd.Series([9, 11])),
      ValueError, "^" + _SCORE_11.format(row=1) + "$"),
]


def _routed(call: Callable[[], Any]) -> Any:
    """`call` with scikit-learn's metadata routing on."""
    import sklearn
    with sklearn.config_context(enable_metadata_routing=True):
        return call()


CASES += [
    C("set-fit-request-routing-off", "ChurnModel.set_fit_request", "routing-off",
      lambda: npscore.ChurnModel().set_fit_request(sample_weight=True),
      RuntimeError, r"only available when metadata routing is enabled"),
    C("set-score-request-routing-off", "ChurnModel.set_score_request", "routing-off",
      lambda: npscore.ChurnModel().set_score_request(sample_weight=False),
      RuntimeError, r"sklearn\.set_config\(enable_metadata_routing=True\)"),
    C("set-fit-request-bad-alias", "ChurnModel.set_fit_request", "unknown-option",
      lambda: _routed(lambda: npscore.ChurnModel().set_fit_request(sample_weight="a b")),
      ValueError, r"The alias you're setting for `sample_weight` should be either a valid "
                  r"identifier or one of \{None, True, False\}, but given value is: `a b`"),
    C("set-score-request-number", "ChurnModel.set_score_request", "wrong-type-option",
      lambda: _routed(lambda: npscore.ChurnModel().set_score_request(sample_weight=3)),
      ValueError, r"`sample_weight` should be either a valid identifier .* given value is: `3`"),
]


# --- The tests -------------------------------------------------------------------------


# Messages that must never reach a user: another library's words, or a
# traceback from deep inside.
FOREIGN = re.compile(r"incompatible function arguments|Unable to cast Python instance|"
                     r"cannot convert float NaN to integer|basic_filebuf|"
                     r"float\(\) argument must be|int\(\) argument must be|"
                     r"object is not iterable|object is not subscriptable|has no attribute|"
                     r"could not convert string to float|Out of bounds nanosecond|"
                     r"positional indexer is out-of-bounds|got a scalar")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case) -> None:
    with pytest.raises(case.error) as info:
        case.call()
    message = str(info.value)
    assert re.search(case.match, message), f"{case.id}: message {message!r} !~ {case.match!r}"
    assert not FOREIGN.search(message), f"{case.id}: a foreign message: {message!r}"


def test_catalogue_is_well_formed() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert {c.category for c in CASES} == set(CATEGORIES), \
        "every category has a case, and only those"


def _public() -> set:
    """Every public function and method of the Python API that takes an
    argument: the package's __all__ (and its classes' methods), the
    submodules' public functions and the command line."""
    names = set()

    def add(qual: str, obj: Any) -> None:
        if inspect.isclass(obj):
            if issubclass(obj, Warning) or obj.__module__.startswith("npscore._npscore"):
                return  # warnings, and result records of the compiled core
            names.add(qual)
            for attr, member in vars(obj).items():
                fn = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                if attr.startswith("_") or not inspect.isfunction(fn):
                    continue
                params = [p for p in inspect.signature(fn).parameters if p not in ("self", "cls")]
                if params:
                    names.add(f"{qual}.{attr}")
        elif inspect.isfunction(obj) and inspect.signature(obj).parameters:
            names.add(qual)

    for name in npscore.__all__:
        add(name, getattr(npscore, name))
    for mod, prefix in ((churn, "churn."), (priority, "priority."), (themes, "themes."),
                        (report, "report."), (plot, "plot."), (datasets, "datasets."),
                        (survey, "survey."), (loop, "loop.")):
        for name in getattr(mod, "__all__", None) or dir(mod):
            obj = getattr(mod, name)
            if name.startswith("_") or getattr(obj, "__module__", None) != mod.__name__:
                continue
            if f"{name}" in npscore.__all__ and getattr(npscore, name) is obj:
                continue  # the same object as a top-level name
            if inspect.isfunction(obj):
                add(prefix + name, obj)
    names.add("__main__.main")
    # Result records and option holders of the Python layer: no checks of their own.
    # Estimators store their hyper-parameters unchanged and check them in fit
    # (scikit-learn's contract): the fit cases cover their constructors.
    names -= {"ChurnModel", "BetaGeo", "GammaGamma",
              "Evaluation", "Backtest", "TimeSplit", "datasets.Sample", "report.ReportOptions",
              "churn.Evaluation", "churn.Backtest", "churn.TimeSplit"}
    return names


def test_every_public_function_is_in_the_catalogue() -> None:
    covered = {c.covers for c in CASES}
    missing = sorted(_public() - covered)
    assert not missing, f"public functions without a bad-input case: {missing}"


def _message(case: Case) -> str:
    """The message the bad call raises now, on one line."""
    try:
        case.call()
    except (Exception, SystemExit) as e:  # every case raises: the table shows what
        return " ".join(str(e).split())
    return "(no error)"


def markdown() -> str:
    """The catalogue as a Markdown table, grouped by category, with the
    message each bad call raises."""
    lines = ["| category | function | case | raises | message |", "|---|---|---|---|---|"]
    for key in CATEGORIES:
        for c in (c for c in CASES if c.category == key):
            text = _message(c).replace("|", "\\|")
            lines.append(f"| {key} | `{c.covers}` | {c.id} | {c.error.__name__} | {text} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write("Kinds of bad input:\n\n")
    for key, text in CATEGORIES.items():
        sys.stdout.write(f"- `{key}`: {text}\n")
    sys.stdout.write("\n" + markdown() + "\n")
