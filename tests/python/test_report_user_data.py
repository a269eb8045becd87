"""The report on data as users bring it (issue 13, found by using it outside
the tests): tables from polars and Arrow, slice columns named in words,
missing slice values, a customers table with a repeated id, dates in the
report's time zone, nobody with a weight, every customer churned, a
constant signal, empty periods, themes and events with nothing to show, the
notebook's view of a Report, and the CLI's files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import report as rep
from npscore.churn import ChurnDataWarning
from npscore.report import ReportInputs, build_report


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample(seed=3, n_customers=400)


def _summary_without_version(r: rep.Report) -> dict:
    """The summary, its slice rows in one order: a polars Categorical keeps
    no category order (polars orders by first appearance), so the rows of
    the survey kinds may come in another order."""
    s = r.summary()
    s.pop("npscore_version", None)
    s["slices"] = sorted(s["slices"], key=lambda x: (x["slice"], str(x["value"]), str(x["kind"])))
    return s


# --- Tables from polars and Arrow -----------------------------------------------------

def test_polars_and_arrow_tables_give_the_pandas_report(sample):
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    base = ReportInputs.from_sample(sample)
    want = _summary_without_version(build_report(base))
    for convert in (pl.from_pandas, lambda f: pa.Table.from_pandas(f, preserve_index=False)):
        tables = {n: convert(getattr(base, n)) for n in ("responses", "customers", "churn")}
        got = build_report(ReportInputs(**{**base.__dict__, **tables}))
        assert _summary_without_version(got) == want


def test_a_repeated_customer_id_is_named(sample):
    customers = pd.concat([sample.customers, sample.customers.iloc[[5]]], ignore_index=True)
    dup = sample.customers["customer_id"].iloc[5]
    with pytest.raises(ValueError, match=rf"customer id '{dup}' appears more than once, at rows 5 and "
                                         rf"{len(sample.customers)}"):
        build_report(ReportInputs(responses=sample.responses, customers=customers, weight="arr"))
    missing = sample.customers.astype({"customer_id": object})
    missing.loc[7, "customer_id"] = None
    with pytest.raises(ValueError, match="customer_id is missing at row 7"):
        build_report(ReportInputs(responses=sample.responses, customers=missing))


# --- Slices ----------------------------------------------------------------------------

def test_slice_columns_named_in_words(sample):
    name = "Type d'offre client"
    customers = sample.customers.rename(columns={"plan": name})
    r = build_report(ReportInputs(responses=sample.responses, customers=customers,
                                  slices=[name]))
    rows = [s for s in r.summary()["slices"] if s["slice"] == name]
    joined = sample.responses.merge(customers[["customer_id", name]], on="customer_id")
    for row in rows:
        part = joined[(joined[name].astype(str) == row["value"])
                      & (joined["survey_kind"] == row["kind"])]
        assert row["n"] == len(part)
        assert row["nps"] == pytest.approx(npscore.summarize(part["score"]).nps)
    assert len(rows) == joined[name].nunique() * joined["survey_kind"].nunique()


def test_a_missing_slice_value_is_null_and_named(sample):
    customers = sample.customers.astype({"region": object})
    customers.loc[customers.index[::3], "region"] = None
    r = build_report(ReportInputs(responses=sample.responses, customers=customers,
                                  slices=["region"]))
    values = [s["value"] for s in r.summary()["slices"]]
    assert None in values and "nan" not in values and "None" not in values
    json.dumps(r.summary(), allow_nan=False)
    assert rep._shown_label(np.nan) == "(missing)" and rep._shown_label(None) == "(missing)"
    assert rep._shown_label("NA") == "NA" and rep._label(pd.NA) is None


# --- Dates in the report's time zone ---------------------------------------------------

def test_period_dates_are_in_the_report_time_zone(sample):
    tz = "Europe/Berlin"
    r = build_report(ReportInputs(responses=sample.responses, period="M", timezone=tz))
    local = sample.responses["responded_at"].dt.tz_convert(tz).dt.tz_localize(None)
    last = local.dt.to_period("M").max()
    part = local[local.dt.to_period("M") == last]
    want = f"{part.min():%Y-%m-%d}..{part.max():%Y-%m-%d}"
    line = next(b for b in r.section("periods_all").blocks
                if isinstance(b, str) and b.startswith(str(last)))
    assert want in line
    # An instant just before midnight UTC is the next day in Berlin.
    assert rep._span(pd.Timestamp("2025-10-31 23:30", tz="UTC"),
                     pd.Timestamp("2025-11-30 12:00"), tz) == "2025-11-01..2025-11-30"
    assert rep._span(pd.NaT, pd.NaT, tz) == "no dates"


# --- Nobody with a weight; every customer gone ---------------------------------------

def test_no_response_with_a_weight_says_so(sample):
    customers = sample.customers.assign(arr=np.nan)
    r = build_report(ReportInputs(responses=sample.responses, customers=customers,
                                  weight="arr"))
    text = r.section("overall").text()
    n = len(sample.responses)
    assert "arr-weighted NPS: not computed: no answered response has a value of arr above 0 " \
           f"({n:,} answered responses with none: empty in the customers file" in text
    assert r.summary()["overall"]["weighted"] is None
    zero = build_report(ReportInputs(responses=sample.responses,
                                     customers=sample.customers.assign(arr=0.0), weight="arr"))
    assert f"above 0 ({len(sample.responses):,} answered responses with 0)." in \
        zero.section("overall").text()


def test_missing_slice_values_in_tables(sample):
    customers = sample.customers.astype({"plan": object})
    customers.loc[customers.index[::4], "plan"] = None
    r = build_report(ReportInputs(responses=sample.responses, customers=customers,
                                  slices=["plan"]))
    shown = r.section("slices").tables()["plan"]["plan"].str.removesuffix(" *")
    assert "(missing)" in set(shown) and not shown.isna().any()


def test_every_customer_churned(sample):
    churn = sample.customers[["customer_id"]].assign(
        churned=True, churned_at=sample.responses["responded_at"].min() - pd.Timedelta(days=1))
    r = build_report(ReportInputs(responses=sample.responses, customers=sample.customers,
                                  churn=churn, weight="arr"))
    text = r.section("churn").text()
    assert f"0 active customers ({len(sample.customers):,} already churned)" in text
    assert "nan" not in text
    assert r.summary()["churn"]["customers_scored"] == 0


def test_churned_customers_outside_the_customers_file_are_not_counted(sample):
    customers = sample.customers.iloc[:50]
    r = build_report(ReportInputs.from_sample(sample).__class__(
        responses=sample.responses, customers=customers, churn=sample.churn))
    gone = sample.churn[sample.churn["churned_at"].notna()]
    ours = gone[gone["customer_id"].isin(customers["customer_id"])]
    assert 0 < len(ours) < len(gone)
    assert r.summary()["churn"]["already_churned"] == len(ours)


def test_no_churner_after_the_test_date_is_said(sample):
    now = sample.responses["responded_at"].max()
    ids = sample.customers["customer_id"]
    gone = np.arange(len(ids)) < 30
    churn = pd.DataFrame({"customer_id": ids, "churned": gone,
                          "churned_at": pd.Series(now - pd.Timedelta(days=200),
                                                  index=ids.index).where(gone)})
    r = build_report(ReportInputs(responses=sample.responses, customers=sample.customers,
                                  churn=churn))
    text = r.section("churn").text()
    assert "could not run on this history: the test labels have a single class" in text
    assert r.summary()["churn"]["scored_with"] == "prior"


def test_reason_stability_with_one_churner():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    y = np.zeros(40, dtype=int)
    y[3] = 1
    model = npscore.ChurnModel(C=1.0).fit(X, y)
    st = model.reason_stability(X, y, n_boot=20)  # ~37% of plain resamples miss the churner
    assert st.n_boot == 20 and st.top_reason_agreement.between(0, 1).all()
    labels = np.array([0] * 5 + [1])
    for _ in range(50):
        idx = npscore.churn._both_classes(rng, labels)
        assert set(labels[idx]) == {0, 1}
    with pytest.raises(ValueError, match="all missed a class"):
        npscore.churn._both_classes(rng, np.array([0, 0, -1]), tries=5)


def test_revenue_at_risk_of_no_rows_by_a_categorical():
    empty = pd.DataFrame({"customer_id": pd.Series([], dtype=object),
                          "churn_risk": pd.Series([], dtype=float),
                          "clv": pd.Series([], dtype=float), "score": pd.Series([], dtype=float),
                          "seg": pd.Categorical([], categories=["a", "b", "c"])})
    t = npscore.revenue_at_risk(empty, churn_risk="churn_risk", clv="clv", by="seg",
                                score="score")
    assert len(t) == 0
    everyone = pd.DataFrame({"customer_id": ["x", "y"], "churn_risk": [0.1, 0.5],
                             "clv": [10.0, 20.0]})
    t = npscore.revenue_at_risk(empty, churn_risk="churn_risk", clv="clv", by="seg",
                                score="score", customers=everyone)
    assert list(t["answered"]) == [False]
    assert t["revenue_at_risk"].iloc[0] == pytest.approx(0.1 * 10 + 0.5 * 20)


# --- The model's findings in the report, not on stderr ---------------------------------

def test_constant_signals_are_a_line_of_the_churn_section(sample):
    responses = sample.responses.assign(score=np.where(sample.responses["score"] > 6, 3, 1))
    inputs = ReportInputs(responses=responses, customers=sample.customers, churn=sample.churn,
                          slices=["plan"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ChurnDataWarning)
        r = build_report(inputs)
    text = "\n".join("\n".join(b.items) if isinstance(b, rep.Bullets) else str(b)
                     for b in r.section("churn").blocks)
    assert "Findings of the model fits" in text
    assert "('segment=passive') is constant (0)" in text
    assert text.count("('segment=passive') is constant") == 1  # each finding once


# --- Tables with nothing to show -------------------------------------------------------

def test_a_slice_without_answers_in_a_period_has_no_nps_there():
    t = pd.DataFrame({"plan": ["EU", "NA"], "n_a": [1, 0], "n_b": [0, 1],
                      "nps_a": [-100.0, 100.0], "nps_b": [-100.0, 100.0]})
    shown = rep._observed_nps(t)
    assert shown["nps_a"].isna().tolist() == [False, True]
    assert shown["nps_b"].isna().tolist() == [True, False]


def test_themes_without_comments_and_events_without_rows(sample):
    inputs = ReportInputs.from_sample(sample)
    inputs.responses = inputs.responses.assign(comment="")
    inputs.events = inputs.events.iloc[:0]
    r = build_report(inputs)
    assert "No theme to rank: these answers have no comment" in r.section("themes").text()
    assert "themes" not in r.section("themes").tables()
    assert r.section("events").text() == "The event log has no events."


# --- In a notebook -----------------------------------------------------------------------

def test_a_report_shows_as_one_line_and_as_markdown(sample):
    r = build_report(ReportInputs(responses=sample.responses))
    line = repr(r)
    assert "\n" not in line and len(line) < 300
    assert line.startswith("Report('NPS report': ") and "not computed: slices" in line
    assert r._repr_markdown_() == r.to_markdown(None)
    assert repr(r.sections[0]).startswith("Section('overall', 'Overall', ")


def test_read_inputs_is_public_and_takes_a_path(tmp_path):
    for name in ("read_inputs", "load_config", "ReportConfig", "InputFile", "CsvOptions",
                 "ReportInputError", "init_template"):
        assert hasattr(rep, name), name
    example = Path(__file__).parents[2] / "examples" / "report" / "npscore.toml"
    by_path = rep.read_inputs(example)
    by_config = rep.read_inputs(rep.load_config(example))
    pd.testing.assert_frame_equal(by_path.responses, by_config.responses)
    with pytest.raises(TypeError, match="ReportConfig or the path of a project file"):
        rep.read_inputs(42)


# --- The CLI's files ---------------------------------------------------------------------

def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "npscore", "report", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_outputs_get_the_usual_file_mode(tmp_path):
    old = os.umask(0o022)
    try:
        r = _cli("--out-dir", str(tmp_path / "out"), "--quiet", "--sample-customers", "200",
                 cwd=tmp_path)
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    for f in (tmp_path / "out").iterdir():
        if f.is_file():
            assert stat.S_IMODE(f.stat().st_mode) == 0o644, f
    (tmp_path / "out" / "report.md").chmod(0o600)  # an existing file keeps its mode
    r = _cli("--out-dir", str(tmp_path / "out"), "--quiet", "--sample-customers", "200",
             cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE((tmp_path / "out" / "report.md").stat().st_mode) == 0o600


def test_an_output_directory_that_is_a_file_fails_first(tmp_path):
    (tmp_path / "afile").write_text("x")
    r = _cli("--out-dir", str(tmp_path / "afile" / "out"), cwd=tmp_path)
    assert r.returncode == 2
    assert f"--out-dir: {tmp_path / 'afile'} is a file, not a directory" in r.stderr
    assert "overall" not in r.stderr  # said before any stage ran


# --- Currency, deadlines and wide tables --------------------------------------------------

def test_currency_is_printed_before_every_amount(sample, tmp_path):
    inputs = ReportInputs.from_sample(sample)
    euro = build_report(inputs, rep.ReportOptions(currency="€"))
    dollar = build_report(inputs)
    md_e, md_d = euro.to_markdown(), dollar.to_markdown()
    assert "$" not in md_e and md_d.count("$") == md_e.count("€") > 10
    assert md_d.replace("$", "€") == md_e  # the same amounts, another symbol
    assert euro.summary()["currency"] == "€" and dollar.summary()["currency"] == "$"
    assert "€" in euro.to_html()
    for bad in ("", "a\nb", "TOOLONGCODE"):
        with pytest.raises(ValueError, match="currency is"):
            build_report(inputs, rep.ReportOptions(currency=bad))
    with pytest.raises(TypeError, match="currency must be a string"):
        build_report(inputs, rep.ReportOptions(currency=1))  # type: ignore[arg-type]
    config = tmp_path / "npscore.toml"
    config.write_text('[report]\ncurrency = "EUR "\n')
    assert rep.load_config(config).currency == "EUR "
    config.write_text('[report]\ncurrency = ""\n')
    with pytest.raises(rep.ReportInputError, match="line 2: report.currency is ''"):
        rep.load_config(config)


def test_currency_flag(tmp_path):
    r = _cli("--format", "markdown", "--currency", "£", "--sample-customers", "200",
             "--out-dir", str(tmp_path / "o"), "--quiet", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "£" in r.stdout and "$" not in r.stdout
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["currency"] == "£"


def test_queue_deadlines_on_the_report_clock(sample):
    tz = "America/New_York"
    inputs = ReportInputs.from_sample(sample)
    inputs.timezone = tz
    r = build_report(inputs)
    table = r.section("queue_recover").tables()["recover"]
    col = f"deadline ({tz})"
    q = r.queue[(r.queue["play"] == "recover").to_numpy()].head(len(table))
    want = [f"{d:%Y-%m-%d %H:%M}" + (" OVERDUE" if o else "")
            for d, o in zip(q["deadline"].dt.tz_convert(tz), q["overdue"])]
    assert table[col].tolist() == want


def test_long_text_cells_wrap_in_html():
    from npscore import _report_render as render

    t = rep.Table(pd.DataFrame({"n": [1, 2], "reason": ["short", "x" * (render.LONG_CELL + 1)],
                                "code": ["a", "b"]}), {})
    html = render.html_table(t)
    assert html.count('class="long"') == 2  # both cells of the long column, no header
    assert '<td class="num">1</td>' in html and "<td>a</td>" in html


# --- Read on Monday morning: flags, missed list, ties, units ----------------------------------

def test_flags_of_all_responses_are_listed_with_the_slices(sample):
    inputs = ReportInputs.from_sample(sample)
    inputs.period = "M"
    r = build_report(inputs)
    h = r.section("health").data["health"]
    recent = list(h["period"].tail(rep.ReportOptions().health_periods))
    want = h[h["period"].isin(recent) & (h["flags"] != "") & ~h["flag_low_n"]]
    got = [f for f in r.summary()["flags"] if f["scope"] == "all"]
    assert all(f["slice"] is None for f in got)
    assert [f["scope"] for f in r.summary()["flags"]] == sorted(
        f["scope"] for f in r.summary()["flags"])  # those of all responses first
    assert [(f["period"], ",".join(f["flags"])) for f in got] == \
        list(zip(want["period"].astype(str), want["flags"]))
    text = "\n".join(b.items[0] if isinstance(b, rep.Bullets) else str(b)
                     for b in r.section("health_flags").blocks)
    if len(want):
        assert f"All responses {want['period'].iloc[0]}: " in text
        assert "No flags in the last" not in text


def test_the_summary_has_the_missed_list_the_report_heads(sample):
    r = build_report(ReportInputs.from_sample(sample))
    q = r.summary()["queue"]
    title = r.section("queue_missed").title
    assert title.startswith(f"Missed SLA / account review: {q['missed_customers']:,} detractors")
    assert rep._render.money(q["missed_revenue_at_risk"]) in title


def test_ties_at_the_riskiest_cut_are_said_and_ordered_by_value(sample):
    inputs = ReportInputs.from_sample(sample)
    inputs.churn = None  # the prior: few distinct risks, many ties
    r = build_report(inputs)
    sec = r.section("churn")
    table = sec.tables()["riskiest"]
    caption = next(b.caption for b in sec.blocks if isinstance(b, rep.Table)
                   and b.name == "riskiest")
    risk = sec.data["risk"]
    edge = risk.sort_values(ascending=False).iloc[len(table) - 1]
    tied = int((risk == edge).sum())
    assert f"{tied:,} customers share P(churn) {edge:.1%}" in caption
    assert "the list shows those with the most" in caption
    # Within the edge's risk, the rows shown are those of most value (the
    # customers' clv here), highest first.
    assert r.summary()["value_basis"] == "clv"
    clv = sample.customers.set_index("customer_id")["clv"]
    shown = table[table["P(churn)"] == edge]
    values = shown[table.columns[2]].to_numpy()
    assert len(shown) >= 1 and (np.diff(values) <= 0).all()
    tied_ids = risk.index[(risk == edge).to_numpy()]
    left_out = clv[tied_ids.difference(shown["customer"])]
    assert values.min() >= left_out.max()


def test_units_in_tables():
    f = rep._render.format_cell
    assert f(0.0004, "p") == "<0.001" and f(0.98712, "p") == "0.987" and f(1.0, "p") == "1.000"
    assert f(np.inf, "hours") == "never" and f(12.25, "hours") == "12.2"
    assert f(3, "\u00b1{:g}") == "\u00b13"
    assert rep._points(0.0962) == "+9.6 points"


def test_response_rate_says_when_no_kind_is_relational(sample):
    inputs = ReportInputs.from_sample(sample)
    inputs.responses = inputs.responses.assign(
        survey_kind=inputs.responses["survey_kind"].astype(str).map(
            {"relational": "Beziehung", "transactional": "Transaktion"}))
    text = build_report(inputs).section("survey_plan").text()
    assert "gave an answer since" in text
    assert 'no answer\'s survey kind is "relational", so answers of every kind count' in text
