"""The report's "loop" and "survey plan" sections (issue 14, "Everywhere"):
the numbers equal the library functions called directly (npscore.loop,
npscore.survey) on the same inputs; without a case log (or customers) the
section names the input that would enable it; the case log is read from a
user's file ([cases] in the project file, --cases) like the other inputs."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import loop, survey
from npscore._report_io import init_template, load_config, read_inputs
from npscore.report import ReportInputs, build_report

# The sample (seed 5, 300 customers) and its inputs, as test_report_sections builds them.
from test_report_sections import inputs, sample  # noqa: F401


@pytest.fixture(scope="module")
def report(inputs):
    r = build_report(inputs)
    yield r
    r.close()


def _now(report):
    return pd.Timestamp(report.summary()["as_of"])


def _same(got, want):
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12, nan_ok=True)


def _same_records(rows, frame, columns):
    assert len(rows) == len(frame)
    for row, (_, want) in zip(rows, frame.iterrows()):
        for c in columns:
            w = want[c]
            if isinstance(w, float) and not math.isfinite(w):
                assert row[c] is None, c  # JSON has no inf or NaN
            else:
                _same(row[c], w)


METRICS = ["cases", "contacted", "never_contacted", "backlog", "median_hours_to_contact",
           "p90_hours_to_contact", "sla_due", "sla_met", "sla_share", "sla_ci_low", "sla_ci_high"]


def test_from_sample_takes_the_sample_case_log(inputs, sample):
    assert inputs.cases is sample.cases


def test_sla_compliance_equals_loop_metrics(report, sample):
    now = _now(report)
    cases = sample.cases
    got = report.summary()["loop"]
    assert got["cases"] == len(cases)
    direct = loop.loop_metrics(cases, sla_hours="sla_hours", as_of=now)
    _same_records([got["sla"]], direct, METRICS)
    for key in ("owner", "segment"):
        d = loop.loop_metrics(cases, by=key, sla_hours="sla_hours", as_of=now)
        _same_records(got[f"by_{key}"], d, METRICS)
        assert [r[key] for r in got[f"by_{key}"]] == list(d[key].astype(str))
    table = report.section("loop").tables()["loop_owner"]
    assert list(table["owner"]) == sorted(npscore.datasets.DEFAULT_CASE_OWNERS)
    a = direct.attrs["all"]
    assert (f"{a['sla_met']:,} of {a['sla_due']:,} cases due ({a['sla_share']:.1%}"
            in report.section("loop").text())


def test_learned_curve_equals_learn_recovery_curve(report, sample):
    curve = loop.learn_recovery_curve(sample.cases, recovered="recovered", missing="skip")
    got = report.summary()["loop"]["recovery_curve"]
    assert got["outcome"] == "recovered"
    _same_records(got["anchors"], curve, ["hours", "probability", "ci_low", "ci_high",
                                          "default", "cases", "recovered"])
    _same_records(got["compare"], loop.compare_recovery(curve),
                  ["hours", "default", "learned", "ci_low", "ci_high"])
    _same(got["never_rate"], curve.attrs["never_rate"])
    sec = report.section("loop_curve")
    assert sec.level == 3
    np.testing.assert_array_equal(sec.tables()["recovery_curve"]["fit"], curve["probability"])
    assert "recovery_curve" in report.figures
    assert '<img src="data:image/png;base64,' in report.to_html().split('id="loop_curve"')[1]


def test_survey_plan_equals_the_survey_functions(report, sample):
    now = _now(report)
    got = report.summary()["survey_plan"]
    c, r = sample.customers, sample.responses
    last = r.groupby("customer_id")["responded_at"].max()
    churned_at = sample.churn.set_index("customer_id")["churned_at"]
    cases = sample.cases
    live = (cases["opened_at"] <= now) & ~(cases["closed_at"] <= now)
    frame = pd.DataFrame({
        "customer_id": c["customer_id"],
        "last": c["customer_id"].map(last),
        "churned": (c["customer_id"].map(churned_at) <= now).to_numpy(),
        "open": c["customer_id"].isin(cases.loc[live, "customer_id"]).to_numpy(),
    })
    plan = survey.invitations(frame, last_surveyed="last", churned="churned", open_case="open",
                              as_of=now)
    assert got["counts"] == plan.attrs["counts"]
    assert got["month"] == plan.attrs["month"] and got["cohorts"] == 4
    by = pd.crosstab(plan["cohort"], plan["reason"])
    for row in got["by_cohort"]:
        assert row["customers"] == int((plan["cohort"] == row["cohort"]).sum())
        assert row["invited"] == int(by.loc[row["cohort"]].get("invited", 0))
    s = npscore.summarize(r["score"])
    shares = (s.share_detractors, s.share_passives, s.share_promoters)
    _same(list(got["shares"].values()), list(shares))
    # The response rate: customers active for the last 4 months who gave a relational answer.
    start = now - pd.DateOffset(months=4)
    active = ~frame["churned"] & (c["signup_at"] <= start).to_numpy()
    window = r[(r["responded_at"] > start) & (r["responded_at"] <= now)
               & (r["survey_kind"] == "relational")]
    answered = c["customer_id"].isin(window["customer_id"]).to_numpy()
    rate = (answered & active).sum() / active.sum()
    _same(got["response_rate"], rate)
    for row in got["sizes"]:
        n = survey.responses_needed(row["margin"], shares)
        assert row["responses"] == n
        assert row["invitations"] == survey.invitations_needed(n, rate)
        assert row["invitations_90"] == survey.invitations_needed(n, rate, 0.9)
    expected = max(1, int(plan.attrs["counts"]["invited"] * rate))
    assert got["expected_answers"] == expected
    _same(got["detectable_change"], survey.detectable_change(expected, expected, shares))


def test_a_given_response_rate_is_used(inputs):
    r = build_report(dataclasses.replace(inputs, response_rate=0.25))
    got = r.summary()["survey_plan"]
    assert got["response_rate"] == 0.25
    assert all(row["invitations"] == survey.invitations_needed(row["responses"], 0.25)
               for row in got["sizes"])
    assert "response rate 25.0% (given)" in r.section("survey_plan").text()
    r.close()
    with pytest.raises(ValueError, match=r"inputs.response_rate is 1.5"):
        build_report(dataclasses.replace(inputs, response_rate=1.5))


def test_without_a_case_log_the_sections_name_it(inputs):
    r = build_report(dataclasses.replace(inputs, cases=None))
    s = r.summary()
    assert s["loop"] is None
    assert s["sections"]["loop"] == {"title": r.section("loop").title, "present": False,
                                     "needs": "a case log ([cases] path, --cases)"}
    assert "Not computed: needs a case log ([cases] path, --cases)." in r.to_text()
    # The survey plan still runs, and says that open cases are not left out.
    assert s["survey_plan"]["counts"]["open_case"] == 0
    text = r.section("survey_plan").text()
    assert "Customers with an open case are not left out" in text
    assert "leaving out churned customers, customers who answered" in text  # open cases not named
    r.close()


def test_without_customers_the_survey_plan_names_them(sample):
    r = build_report(ReportInputs(responses=sample.responses, cases=sample.cases))
    s = r.summary()
    assert s["survey_plan"] is None and s["sections"]["survey_plan"]["present"] is False
    assert "customers file ([customers] path, --customers)" in r.section("survey_plan").text()
    # The loop section needs no customers: the case log carries its clv.
    assert s["loop"]["cases"] == len(sample.cases)
    r.close()


def test_a_case_log_without_outcomes_names_them(inputs, sample):
    cases = sample.cases.drop(columns=["recovered", "next_score", "sla_hours", "segment"])
    r = build_report(dataclasses.replace(inputs, cases=cases))
    s = r.summary()
    assert s["sections"]["loop_curve"]["present"] is False
    assert "[cases] first_contact_at and recovered or next_score" in r.to_text()
    # segment and SLA are filled in from the score and the plays' SLA
    got = s["loop"]
    want = loop.loop_metrics(sample.cases, sla_hours=24.0, as_of=_now(r))
    _same_records([got["sla"]], want, METRICS)
    assert "segment from the score" in r.section("loop").text()
    r.close()


def test_summary_is_json_and_validates(report):
    jsonschema = pytest.importorskip("jsonschema")
    from pathlib import Path

    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" /
                         "report-summary.schema.json").read_text())
    summary = json.loads(json.dumps(report.summary(), allow_nan=False))
    jsonschema.validate(summary, schema, cls=jsonschema.Draft202012Validator)
    broken = dict(summary, survey_plan=dict(summary["survey_plan"], counts=None))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema, cls=jsonschema.Draft202012Validator)


def test_markdown_and_html_show_both_sections(report):
    text = report.to_markdown()
    for title in ("## Closing the loop: cases, SLA and recovery",
                  "### Recovery curve learned from the outcomes, against the default",
                  "## Survey plan: whom to invite, how many answers are enough"):
        assert title in text
    html = report.to_html()
    assert '<section id="loop">' in html and '<section id="survey_plan">' in html


# --- The case log from a user's file -----------------------------------------------------

def _write_cases(root, cases):
    berlin = "Europe/Berlin"

    def local(t):
        return t.dt.tz_convert(berlin).dt.strftime("%d.%m.%Y %H:%M").fillna("")

    out = pd.DataFrame({
        "Fall": cases["case_id"], "Kunde": cases["customer_id"],
        "Eroeffnet": local(cases["opened_at"]), "Segment": cases["segment"],
        "Betreuer": cases["owner"], "Erstkontakt": local(cases["first_contact_at"]),
        "Geschlossen": local(cases["closed_at"]),
        "Gerettet": cases["recovered"].map({1: "yes", 0: "no"}).astype(object),
        "Risiko": cases["churn_risk"].map(lambda v: f"{v:.4f}".replace(".", ",")),
    })
    out.loc[out.index[:3], "Gerettet"] = ""  # not known yet
    path = root / "faelle.csv"
    out.to_csv(path, sep=";", index=False)
    return path


def test_cases_from_a_file(tmp_path, sample):
    r = sample.responses.copy()
    resp = tmp_path / "r.csv"
    pd.DataFrame({"customer_id": r["customer_id"], "score": r["score"],
                  "responded_at": r["responded_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")}
                 ).to_csv(resp, index=False)
    path = _write_cases(tmp_path, sample.cases)
    (tmp_path / "npscore.toml").write_text(f"""
[report]
timezone = "Europe/Berlin"
response_rate = 0.4

[responses]
path = "{resp.name}"

[cases]
path = "{path.name}"
separator = ";"
decimal = ","
date_format = "%d.%m.%Y %H:%M"
case_id = "Fall"
customer_id = "Kunde"
opened_at = "Eroeffnet"
segment = "Segment"
owner = "Betreuer"
first_contact_at = "Erstkontakt"
closed_at = "Geschlossen"
recovered = "Gerettet"
churn_risk = "Risiko"
""", encoding="utf-8")
    cfg = load_config(tmp_path / "npscore.toml")
    assert cfg.response_rate == 0.4
    got = read_inputs(cfg)
    c = got.cases
    assert list(c.columns) == ["case_id", "customer_id", "opened_at", "segment", "owner",
                               "first_contact_at", "closed_at", "recovered", "churn_risk"]
    assert str(c["opened_at"].dtype) == "datetime64[ns, UTC]"
    assert c["recovered"].isna().sum() == 3
    want = sample.cases["recovered"].astype(float).to_numpy()
    np.testing.assert_array_equal(c["recovered"].to_numpy()[3:], want[3:])
    assert (c["opened_at"] == sample.cases["opened_at"].dt.floor("min")).all()
    assert got.response_rate == 0.4
    rep = build_report(got)
    curve = loop.learn_recovery_curve(c.assign(sla_hours=24.0), recovered="recovered",
                                      missing="skip")
    rc = rep.summary()["loop"]["recovery_curve"]
    assert rc["skipped"] == 3
    _same_records(rc["anchors"], curve, ["hours", "probability", "ci_low", "ci_high"])
    rep.close()


def test_bad_case_log_files(tmp_path, sample):
    resp = tmp_path / "r.csv"
    pd.DataFrame({"score": [1, 9]}).to_csv(resp, index=False)
    bad = tmp_path / "c.csv"
    pd.DataFrame({"opened_at": ["2025-01-01", "2025-01-02"], "recovered": ["yes", "maybe"],
                  "case_id": ["a", "b"]}).to_csv(bad, index=False)
    cfg_text = f'[responses]\npath = "{resp.name}"\n[cases]\npath = "{bad.name}"\n'
    (tmp_path / "a.toml").write_text(cfg_text)
    with pytest.raises(ValueError, match=r'line 3, column "recovered": \'maybe\' is not '
                                         r"true/false"):
        read_inputs(load_config(tmp_path / "a.toml"))
    pd.DataFrame({"opened_at": ["2025-01-01", "2025-01-02"], "case_id": ["a", "a"]}
                 ).to_csv(bad, index=False)
    with pytest.raises(ValueError, match=r"case id 'a' .* appears twice, line 2 and line 3"):
        read_inputs(load_config(tmp_path / "a.toml"))
    pd.DataFrame({"case_id": ["a"]}).to_csv(bad, index=False)
    with pytest.raises(ValueError, match=r'no column "opened_at"'):
        read_inputs(load_config(tmp_path / "a.toml"))
    (tmp_path / "b.toml").write_text("[report]\nresponse_rate = 2\n")
    with pytest.raises(ValueError, match=r"response_rate must be a response rate in \(0, 1\]"):
        load_config(tmp_path / "b.toml")
    (tmp_path / "c.toml").write_text("[cases]\nopend_at = \"x\"\n")
    with pytest.raises(ValueError, match='did you mean "opened_at"'):
        load_config(tmp_path / "c.toml")


def test_init_guesses_the_case_log(tmp_path, sample):
    resp = tmp_path / "r.csv"
    sample.responses[["customer_id", "score", "responded_at"]].to_csv(resp, index=False)
    cases = tmp_path / "cases.csv"
    sample.cases.to_csv(cases, index=False)
    text = init_template(resp, cases=cases, base=tmp_path)
    block = text.split("[cases]")[1]
    for canon in ("case_id", "customer_id", "opened_at", "segment", "owner", "sla_hours",
                  "first_contact_at", "closed_at", "recovered", "next_score", "churned",
                  "churn_risk", "clv"):
        assert f'\n{canon} = "{canon}"' in block, canon


def test_cli_flags(tmp_path, sample, capsys):
    from npscore.__main__ import main

    resp = tmp_path / "r.csv"
    sample.responses[["customer_id", "score", "responded_at"]].to_csv(resp, index=False)
    cases = tmp_path / "cases.csv"
    sample.cases.to_csv(cases, index=False)
    code = main(["report", "--responses", str(resp), "--cases", str(cases), "--response-rate",
                 "0.3", "--format", "json", "--quiet"])
    assert code == 0
    s = json.loads(capsys.readouterr().out)
    assert s["loop"]["cases"] == len(sample.cases)
    assert s["survey_plan"] is None  # no customers file
    assert main(["report", "--responses", str(resp), "--response-rate", "0"]) == 2
    assert "--response-rate must be a response rate in (0, 1]" in capsys.readouterr().err


def test_next_score_is_the_outcome_without_recovered(inputs, sample):
    cases = sample.cases.drop(columns="recovered")
    r = build_report(dataclasses.replace(inputs, cases=cases))
    got = r.summary()["loop"]["recovery_curve"]
    curve = loop.learn_recovery_curve(cases, next_score="next_score", missing="skip")
    assert got["outcome"] == "next_score"
    assert got["skipped"] == int(cases["next_score"].isna().sum()) == curve.attrs["skipped"]
    _same_records(got["anchors"], curve, ["hours", "probability", "ci_low", "ci_high"])
    r.close()


def test_roi_and_conversion_equal_the_loop_functions(report, sample):
    got = report.summary()["loop"]
    roi = loop.program_roi(sample.cases, sla_hours="sla_hours", missing="skip")
    assert got["roi"]["estimate"] == "observational" and got["roi"]["note"] == roi.note
    _same_records([got["roi"]["total"]], roi.total, list(roi.total.columns))
    _same_records(got["roi"]["bands"], roi.bands, list(roi.bands.columns))
    conv = loop.conversion(sample.cases, missing="skip")
    _same_records(got["conversion"], conv, [c for c in conv.columns if c != "from_segment"])
    assert [r["from_segment"] for r in got["conversion"]] == list(conv["from_segment"])
    sec = report.section("loop_roi")
    assert "observational estimate" in sec.title
    t = roi.total.iloc[0]
    assert f"{100 * t['difference']:+.1f} points" in sec.text()  # a difference of two shares
    v = t["revenue_retained"]
    assert (f"-${-v:,.0f}" if v < 0 else f"${v:,.0f}") in sec.text()
    np.testing.assert_array_equal(sec.tables()["roi_bands"]["difference"], roi.bands["difference"])


def test_roi_names_its_inputs(inputs, sample):
    r = build_report(dataclasses.replace(inputs, cases=sample.cases.drop(columns="churn_risk")))
    s = r.summary()
    assert s["sections"]["loop_roi"]["present"] is False
    assert s["loop"]["roi"] is None and s["loop"]["conversion"] is None
    assert "[cases] churned, churn_risk" in r.section("loop_roi").text()
    r.close()
