"""Every section of `build_report` on hand-made ReportInputs (issue 13): the
numbers equal the library functions called directly, and a section whose
input is missing names the input that would enable it. Inputs: the sample
generator with another seed and a small size, and variations (no customers,
no churn, transactions without a clv column, no comments, monthly periods in
America/New_York)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore.churn import ChurnModel, backtest, churn_features, evaluate
from npscore.clv import BetaGeo, GammaGamma, customer_lifetime_value, rfm_summary
from npscore.priority import latest_responses, prioritize, revenue_at_risk
from npscore.report import ReportInputs, ReportOptions, build_report
from npscore.themes import top_themes

SEED, SIZE = 5, 300


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample(seed=SEED, n_customers=SIZE)


@pytest.fixture(scope="module")
def inputs(sample):
    return ReportInputs.from_sample(sample)


@pytest.fixture(scope="module")
def joined(sample):
    return sample.responses.merge(sample.customers[["customer_id", "plan", "region",
                                                    "company_size", "industry", "arr"]],
                                  on="customer_id", how="left", validate="many_to_one")


@pytest.fixture(scope="module")
def full(inputs):
    stages = []
    r = build_report(inputs, progress=lambda stage, rows: stages.append((stage, rows)))
    r.stages = stages
    yield r
    r.close()


def _same(got, want):
    assert got == pytest.approx(want, rel=1e-12, abs=1e-12, nan_ok=True)


def test_progress_names_each_stage_with_rows(full, sample):
    names = [s for s, _ in full.stages]
    assert names == ["overall", "slices", "periods", "health", "churn", "queue", "revenue",
                     "themes", "loop", "survey_plan"]
    assert full.stages[0][1] == len(sample.responses)


def test_overall_equals_summarize(full, joined):
    s = npscore.summarize(joined["score"])
    got = full.summary()["overall"]
    for k in ("n", "nps", "se", "ci_low", "ci_high", "share_promoters", "share_detractors"):
        _same(got[k], getattr(s, k))
    assert f"NPS {s.nps:+.1f} ({s.n:,.0f} responses" in full.section("overall").text()
    w = npscore.summarize(joined["score"], joined["arr"], account=joined["customer_id"])
    _same(got["weighted"]["nps"], w.nps)
    _same(got["weighted"]["ci_low"], w.ci_low)
    _same(got["weighted"]["n_effective"], w.n_effective)
    kinds = {k["kind"]: k for k in got["by_kind"]}
    assert set(kinds) == {"relational", "transactional"}
    for kind, part in joined.groupby("survey_kind", observed=True):
        _same(kinds[kind]["nps"], npscore.summarize(part["score"]).nps)


def test_slices_equal_by_group(full, joined):
    rows = full.summary()["slices"]
    for key in ("plan", "region"):
        want = npscore.by_group(joined, by=["survey_kind", key])
        mine = [r for r in rows if r["slice"] == key]
        assert len(mine) == len(want)
        for r, (_, w) in zip(mine, want.iterrows()):
            assert (r["kind"], r["value"]) == (str(w["survey_kind"]), str(w[key]))
            _same(r["nps"], w["nps"])
            _same(r["ci_high"], w["ci_high"])
            assert r["small"] == bool(w["small"])
        shown = full.section("slices").tables()[key]
        np.testing.assert_array_equal(shown["NPS"].to_numpy(), want["nps"].to_numpy())


def _period_check(summary_periods, responses, freq, tz):
    """The last two periods with answers, in `tz`'s calendar, by pandas; their
    NPS and comparison by summarize and compare."""
    local = pd.to_datetime(responses["responded_at"]).dt.tz_convert(tz).dt.tz_localize(None)
    labels = local.dt.to_period(freq).astype(str)
    cur, prev = sorted(labels.unique())[-2:][::-1]
    a = npscore.summarize(responses["score"][labels == cur])
    b = npscore.summarize(responses["score"][labels == prev])
    c = npscore.compare(a, b, method="adjusted-wald")
    got = summary_periods["comparison"]
    assert (got["current"]["period"], got["previous"]["period"]) == (cur, prev)
    _same(got["current"]["nps"], a.nps)
    _same(got["previous"]["n"], b.n)
    _same(got["change"]["diff"], c.diff)
    _same(got["change"]["p_value"], c.p_value)
    _same(got["change"]["ci_low"], c.ci_low)


def test_period_over_period_equals_compare(full, sample):
    periods = full.summary()["periods"]
    assert (periods["freq"], periods["timezone"]) == ("Q", "UTC")
    _period_check(periods, sample.responses, "Q", "UTC")


def test_monthly_periods_in_new_york(inputs, sample):
    r = build_report(dataclasses.replace(inputs, period="M", timezone="America/New_York"))
    periods = r.summary()["periods"]
    assert (periods["freq"], periods["timezone"]) == ("M", "America/New_York")
    _period_check(periods, sample.responses, "M", "America/New_York")
    assert r.section("periods").title == "This month against the last"
    assert "Calendar months in America/New_York." in r.section("periods").text()
    h = npscore.health(sample.responses, freq="M", tz="America/New_York")
    shown = r.section("health").tables()["health"]
    assert shown["period"].tolist() == h["period"].tail(6).tolist()
    np.testing.assert_array_equal(shown["NPS"].to_numpy(), h["nps"].tail(6).to_numpy())
    r.close()


def test_health_flags_trends_drivers_events_equal_the_library(full, joined, sample):
    h = npscore.health(joined, freq="Q", by="plan")
    recent = list(npscore.health(joined, freq="Q")["period"].tail(6))
    want = h[h["period"].isin(recent) & (h["flags"] != "") & ~h["flag_low_n"]]
    got = full.summary()["flags"]
    assert [(f["slice"], f["period"], ",".join(f["flags"])) for f in got] == \
        list(zip(want["plan"].astype(str), want["period"], want["flags"]))
    trends = npscore.segment_trends(joined, periods=6, freq="Q", by="plan")
    # The report's slices are categories when they come from the customers
    # file (read_inputs' join): the same values.
    pd.testing.assert_frame_equal(full.section("trends").data["trends"], trends,
                                  check_dtype=False, check_categorical=False)
    hq = npscore.health(joined, freq="Q")
    d = npscore.attribute_change(joined, by="plan", period_a=hq["period"].iloc[-2],
                                 period_b=hq["period"].iloc[-1], freq="Q")
    shown = full.section("drivers").tables()["drivers"]
    np.testing.assert_array_equal(shown["total"].to_numpy(), d["total"].to_numpy())
    assert shown["total"].sum() == pytest.approx(d.attrs["change"])
    impact = npscore.event_impact(joined, sample.events, window="60D", by="plan")
    shown = full.section("events").tables()["events"]
    np.testing.assert_array_equal(shown["diff"].to_numpy(), impact["diff"].to_numpy())
    np.testing.assert_array_equal(shown["p_adjusted"].to_numpy(),
                                  impact["p_adjusted"].to_numpy())


def test_churn_backtest_equals_a_direct_backtest(full, sample):
    c = full.summary()["churn"]
    assert c["backtest"] is not None
    bt = backtest(sample, train_as_of=c["backtest"]["train_as_of"],
                  test_as_of=c["backtest"]["test_as_of"], horizon_days=90,
                  model_factory=lambda: ChurnModel(standardize=True), signup="signup_at",
                  columns=["plan", "company_size"], static_columns=True)
    y = bt.split.y_test.to_numpy()
    ev, pe = evaluate(y, bt.p_test.to_numpy()), evaluate(y, bt.p_prior.to_numpy())
    _same(c["backtest"]["model"]["auc"], ev.auc)
    _same(c["backtest"]["prior"]["brier"], pe.brier)
    assert c["backtest"]["beats_prior"] == bt.beats_prior
    assert c["scored_with"] == ("model" if bt.beats_prior else "prior")


def _active(sample, now):
    churned = sample.churn[sample.churn["churned_at"].notna()
                           & (sample.churn["churned_at"] <= now)]["customer_id"]
    return (sample.responses[~sample.responses["customer_id"].isin(churned)],
            sample.customers[~sample.customers["customer_id"].isin(churned)])


def test_without_churn_the_prior_scores_and_the_section_says_so(inputs, sample):
    r = build_report(dataclasses.replace(inputs, churn=None))
    c = r.summary()["churn"]
    assert c["scored_with"] == "prior" and c["backtest"] is None
    assert "[churn] path, --churn" in r.section("churn").text()
    now = sample.responses["responded_at"].max()
    X = churn_features(sample.responses, sample.customers, as_of=now, signup="signup_at",
                       columns=["plan", "company_size"], static_columns=True)
    p = ChurnModel.prior(90).predict_proba(X)[:, 1]
    _same(c["mean_risk"], p.mean())
    assert c["customers_scored"] == len(X)
    # The queue and revenue at risk then cover every customer (no one churned).
    q = r.queue
    np.testing.assert_allclose(q["churn_risk"].to_numpy(),
                               pd.Series(p, index=X.index).reindex(q["customer_id"]).to_numpy(),
                               rtol=1e-12)
    r.close()


def test_queue_and_revenue_equal_priority(full, sample):
    risk = full.section("churn").data["risk"]
    now = sample.responses["responded_at"].max()
    responses, customers = _active(sample, now)
    # customers who signed up after the last response are not scored
    later = ~customers["customer_id"].isin(risk.index)
    assert later.sum() == full.section("churn").data["later"]
    customers = customers[~later]
    frame = latest_responses(responses, customers, churn_risk=risk)
    cases = frame.merge(npscore.datasets.make_contacts(sample.responses)
                        [["response_id", "contacted_at"]], on="response_id", how="left")
    want = prioritize(cases, churn_risk="churn_risk", clv="clv", segment="segment",
                      responded_at="responded_at", contacted_at="contacted_at", now=now,
                      keep=["customer_id"])
    q = full.queue
    assert q["customer_id"].tolist() == want["customer_id"].tolist()
    assert q["play"].tolist() == want["play"].tolist()
    np.testing.assert_array_equal(q["priority"].to_numpy(), want["priority"].to_numpy())
    np.testing.assert_array_equal(q["deadline"].to_numpy(), want["deadline"].to_numpy())
    np.testing.assert_allclose(q["revenue_at_risk"], q["churn_risk"] * q["clv"], rtol=1e-12)
    everyone = customers.assign(churn_risk=customers["customer_id"].map(risk).to_numpy())
    r = revenue_at_risk(frame, churn_risk="churn_risk", clv="clv", by="segment", score="score",
                        customers=everyone)
    got = full.summary()["revenue_at_risk"]
    _same(got["total"], r["revenue_at_risk"].sum())
    assert [s["customers"] for s in got["by_segment"]] == r["customers"].tolist()
    plan = revenue_at_risk(frame, churn_risk="churn_risk", clv="clv", by="plan", score="score",
                           customers=everyone)
    shown = full.section("revenue").tables()["plan"]
    np.testing.assert_array_equal(shown["at risk"].to_numpy(),
                                  plan["revenue_at_risk"].to_numpy())


def test_themes_equal_top_themes(full, sample):
    df = sample.responses.assign(
        clv=sample.responses["customer_id"].map(sample.customers.set_index("customer_id")["clv"]))
    want = top_themes(df[df["score"] <= 8], comment="comment", segment="score", clv="clv", n=5)
    got = full.summary()["themes"]
    assert [t["theme"] for t in got] == want["theme"].tolist()
    np.testing.assert_array_equal([t["impact"] for t in got], want["impact"].to_numpy())


def test_clv_from_transactions_when_customers_have_none(inputs, sample):
    r = build_report(dataclasses.replace(inputs, customers=sample.customers.drop(columns="clv")))
    assert r.summary()["value_basis"] == "clv_from_transactions"
    now = sample.responses["responded_at"].max()
    rfm = rfm_summary(sample.transactions, customer="customer_id", date="date", amount="amount",
                      observation_end=now, freq="W")
    bg = BetaGeo().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    rep = rfm[rfm["frequency"] > 0]
    gg = GammaGamma().fit(rep["frequency"], rep["monetary_value"])
    clv = customer_lifetime_value(bg, gg, rfm["frequency"], rfm["recency"], rfm["T"],
                                  rfm["monetary_value"], time=12)
    q = r.queue
    np.testing.assert_allclose(q["clv"].to_numpy(),
                               clv.reindex(q["customer_id"]).fillna(0).to_numpy(), rtol=1e-12)
    assert "BG/NBD + Gamma-Gamma" in r.section("queue").text()
    r.close()


def test_transactions_after_the_last_response_wait(inputs, sample):
    now = sample.responses["responded_at"].max()
    late = pd.DataFrame({"customer_id": [sample.customers["customer_id"].iloc[0]],
                         "date": [now + pd.Timedelta(days=2)], "amount": [10.0]})
    r = build_report(dataclasses.replace(
        inputs, customers=sample.customers.drop(columns="clv"),
        transactions=pd.concat([sample.transactions, late], ignore_index=True)))
    assert "1 transactions after it left out" in r.section("queue").text()
    r.close()


def test_sections_with_too_little_data_say_so():
    """Two quarters, the first with only a missing score: drivers and trends
    say why they are not computed; the report does not stop."""
    t = pd.to_datetime(["2025-01-05", "2025-04-05", "2025-04-06", "2025-04-07"], utc=True)
    df = pd.DataFrame({"customer_id": list("abcd"), "responded_at": t,
                       "score": [None, 3, 10, 7], "plan": ["x", "x", "y", "y"]})
    r = build_report(ReportInputs(df, slices=["plan"]), ReportOptions(missing="skip"))
    assert r.section("drivers").text().startswith("Not computed for 2025Q1 -> 2025Q2: ")
    assert r.section("trends").text() == ("Not computed: 2 period(s) of data; a trend needs "
                                          "at least 3.")
    assert [s.key for s in r.sections].count("drivers") == 1
    r.close()


def test_arr_is_said_to_be_arr_when_it_is_the_only_value(inputs, sample):
    r = build_report(dataclasses.replace(inputs, transactions=None,
                                         customers=sample.customers.drop(columns="clv")))
    assert r.summary()["value_basis"] == "arr"
    assert "not lifetime value" in r.section("revenue").text()
    assert "ARR" in r.section("revenue").tables()["segment"].columns
    r.close()


def test_without_customers_sections_name_the_input(sample):
    r = build_report(ReportInputs(responses=sample.responses, churn=sample.churn))
    s = r.summary()
    assert s["value_basis"] is None and s["queue"] is None and s["themes"] is None
    for key, phrase in (("queue", "--customers"), ("revenue", "--customers"),
                        ("themes", "--customers"), ("slices", "--slices"),
                        ("drivers", "--slices"), ("events", "--events")):
        sec = r.section(key)
        assert sec.needs is not None and phrase in sec.text(), key
        assert s["sections"][key] == {"title": sec.title, "present": False,
                                      "needs": s["sections"][key]["needs"]}
        assert phrase in s["sections"][key]["needs"]
        assert f"Not computed: needs" in r.to_text().split(sec.title, 1)[1][:200]
    assert "needs a customer value" in r.section("overall").text().replace(
        "not computed: needs a customer value", "needs a customer value")
    # The overall NPS is still there, unweighted.
    _same(s["overall"]["nps"], npscore.summarize(sample.responses["score"]).nps)
    assert s["overall"]["weighted"] is None
    r.close()


def test_without_comments_themes_name_the_comment_column(inputs, sample):
    r = build_report(dataclasses.replace(inputs,
                                         responses=sample.responses.drop(columns="comment")))
    assert r.section("themes").needs == "comment"
    assert "[responses] comment" in r.section("themes").text()
    assert r.summary()["themes"] is None and r.summary()["queue"] is not None
    r.close()


def test_sla_defaults_are_the_cores():
    from npscore.priority import DEFAULT_SLA_HOURS

    assert tuple(ReportInputs(pd.DataFrame()).sla_hours) == tuple(DEFAULT_SLA_HOURS.values())
    assert list(DEFAULT_SLA_HOURS) == ["recover", "make_it_a_10", "advocacy"]


def test_options_reach_the_sections(inputs):
    r = build_report(inputs, ReportOptions(method="wald", confidence=0.9, top=3, themes=2,
                                           title="Weekly CX"))
    s = r.summary()
    assert s["title"] == "Weekly CX" and s["overall"]["method"] == "wald"
    assert len(s["themes"]) == 2
    assert len(r.section("churn").tables()["riskiest"]) == 3
    assert "90% CI" in r.section("overall").text()
    r.close()


def test_sla_hours_set_each_plays_deadline(inputs):
    r = build_report(dataclasses.replace(inputs, sla_hours=(12, 48, 96)))
    q = r.queue
    hours = (q["deadline"] - q["responded_at"]) / pd.Timedelta(hours=1)
    want = q["play"].map({"recover": 12.0, "make_it_a_10": 48.0, "advocacy": 96.0})
    np.testing.assert_allclose(hours.to_numpy(), want.to_numpy())
    assert "recover (detractors) 12 h" in r.section("queue").text()
    r.close()
