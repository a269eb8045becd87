"""Labelled denominators and revenue weights that count each account once.

- summarize / by_group with `account`: each account's weight is spread over
  its responses (weight / responses), checked against pandas on the sample
  (the arr-weighted NPS +38.4, not the per-response +51.7) and on hand data;
  Kish's effective n by hand; duplicating an account's answers leaves the NPS
  unchanged (the invariant the rule exists for).
- account_nps (the core's roll-up): the revenue-weighted pooled NPS is the
  weighted mean of the accounts' own NPS.
- revenue_at_risk: risk rate, mean risk and expected churners against a
  pandas groupby, and the never-answered row.
- The report: every NPS printed in the overall, slice, quarter and revenue
  sections names its denominator; relational and transactional surveys are
  reported apart, with the quarterly figures of a pandas groupby.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore.report import ReportOptions, nps_report
from report_text import plain


def seg_code(scores) -> np.ndarray:
    s = np.asarray(scores, dtype=float)
    return np.where(s >= 9, 1, np.where(s <= 6, -1, 0))


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample(seed=42)


@pytest.fixture(scope="module")
def joined(sample):
    return sample.responses.merge(sample.customers[["customer_id", "arr", "plan"]],
                                  on="customer_id", how="left", validate="many_to_one")


@pytest.fixture(scope="module")
def report_text():
    return plain(npscore.report.sample_report(seed=42))  # tables as rows of cells


def test_account_weighting_matches_pandas_on_the_sample(joined):
    code = seg_code(joined["score"])
    per = joined["arr"] / joined.groupby("customer_id")["score"].transform("size")
    want = 100 * np.average(code, weights=per)
    s = npscore.summarize(joined["score"], joined["arr"], account=joined["customer_id"])
    assert s.nps == pytest.approx(want, abs=1e-9)
    assert s.nps == pytest.approx(38.4, abs=0.05)  # the figure
    assert s.n_effective == pytest.approx(per.sum() ** 2 / (per**2).sum(), rel=1e-12)
    # The same as the ARR-weighted mean of each account's own NPS.
    acc = joined.assign(code=code).groupby("customer_id").agg(arr=("arr", "first"),
                                                              nps=("code", "mean"))
    assert s.nps == pytest.approx(100 * np.average(acc["nps"], weights=acc["arr"]), abs=1e-9)
    # Per response only on request (and without accounts): the inflated +51.7.
    r = npscore.summarize(joined["score"], joined["arr"], account=joined["customer_id"],
                          weight_by="response")
    assert r.nps == pytest.approx(100 * np.average(code, weights=joined["arr"]), abs=1e-9)
    assert r.nps == pytest.approx(51.7, abs=0.05)
    assert npscore.summarize(joined["score"], joined["arr"]).nps == pytest.approx(r.nps)


def test_answering_more_often_does_not_weigh_more():
    df = pd.DataFrame({"acc": ["a", "a", "b", "c", "c"], "score": [10, 9, 3, 8, 7],
                       "w": [5.0, 5.0, 4.0, 2.0, 2.0]})
    # Accounts' own NPS 100, -100, 0 with weights 5, 4, 2: (500 - 400) / 11.
    base = npscore.summarize(df.score, df.w, account=df.acc)
    assert base.nps == pytest.approx(100 / 11)
    # Kish: per-response weights 2.5, 2.5, 4, 1, 1.
    w = np.array([2.5, 2.5, 4, 1, 1])
    assert base.n_effective == pytest.approx(w.sum() ** 2 / (w**2).sum())
    more = pd.concat([df, df[df.acc == "a"], df[df.acc == "a"]], ignore_index=True)
    assert npscore.summarize(more.score, more.w, account=more.acc).nps == pytest.approx(base.nps)
    assert npscore.summarize(more.score, more.w, account=more.acc,
                             weight_by="response").nps > base.nps + 10


def test_skipped_scores_do_not_count_as_answers():
    scores = [10, np.nan, 0]
    s = npscore.summarize(scores, [2.0, 2.0, 1.0], account=["a", "a", "b"], missing="skip")
    # a: one answer (10) with its full weight 2; b: 0 with weight 1.
    assert s.nps == pytest.approx(100 * (2 - 1) / 3)
    assert s.skipped == 1


def test_by_group_counts_each_account_once_per_group(joined):
    t = npscore.by_group(joined, "score", by="plan", weight="arr", account="customer_id",
                         min_n=0)
    assert t.attrs["weight_by"] == "account"
    d = joined.assign(code=seg_code(joined["score"]))
    d["w"] = d["arr"] / d.groupby(["plan", "customer_id"])["score"].transform("size")
    want = d.groupby("plan").apply(lambda g: 100 * np.average(g.code, weights=g.w),
                                   include_groups=False)
    got = t.set_index("plan")["nps"]
    np.testing.assert_allclose(got.loc[want.index].to_numpy(), want.to_numpy(), atol=1e-9)
    plain = npscore.by_group(joined, "score", by="plan", weight="arr", min_n=0)
    assert plain.attrs["weight_by"] == "response"
    assert (plain.set_index("plan")["nps"] > got).all()  # per response inflates every plan


def test_weight_by_and_account_errors():
    with pytest.raises(ValueError, match='weight_by is "contact"'):
        npscore.summarize([9, 10], [1.0, 1.0], account=[1, 2], weight_by="contact")
    with pytest.raises(ValueError, match="account at row 1 is missing"):
        npscore.summarize([9, 10], [1.0, 1.0], account=["a", None])
    with pytest.raises(ValueError, match="account has 1 rows but there are 2 scores"):
        npscore.summarize([9, 10], [1.0, 1.0], account=["a"])
    df = pd.DataFrame({"score": [9, 10], "w": [1.0, 1.0], "acc": ["a", np.nan], "g": [1, 1]})
    with pytest.raises(ValueError, match="column 'acc' at row 1 is missing"):
        npscore.by_group(df, "score", by="g", weight="w", account="acc")


def test_account_nps_weighted_pooled_is_the_mean_of_accounts(joined):
    out = npscore.account_nps(joined, account="customer_id", how="pooled", weight="arr")
    acc = joined.assign(code=seg_code(joined["score"])).groupby("customer_id").agg(
        arr=("arr", "first"), nps=("code", "mean"))
    assert out.attrs["overall"]["nps"] == pytest.approx(
        100 * np.average(acc["nps"], weights=acc["arr"]), abs=1e-9)
    plain = npscore.summarize(joined["score"], joined["arr"], account=joined["customer_id"])
    assert out.attrs["overall"]["nps"] == pytest.approx(plain.nps, abs=1e-9)
    assert out.attrs["overall"]["n_effective"] == pytest.approx(plain.n_effective, rel=1e-9)


def test_revenue_at_risk_rates_and_the_never_answered_row():
    rng = np.random.default_rng(7)
    customers = pd.DataFrame({"customer_id": np.arange(60), "clv": rng.uniform(1e3, 1e5, 60),
                              "risk": rng.uniform(0, 0.6, 60)})
    answered = customers[customers.customer_id % 4 != 0].copy()
    answered["score"] = rng.integers(0, 11, len(answered))
    answered["segment"] = np.select([answered.score <= 6, answered.score <= 8],
                                    ["detractor", "passive"], "promoter")
    r = npscore.revenue_at_risk(answered, churn_risk="risk", clv="clv", by="segment",
                                score="score", customers=customers)
    assert r["answered"].tolist() == [True, True, True, False]
    d = answered.assign(rar=answered.risk * answered.clv)
    g = d.groupby("segment").agg(clv=("clv", "sum"), rar=("rar", "sum"), risk=("risk", "sum"),
                                 mean=("risk", "mean"), n=("risk", "size"))
    got = r[r["answered"]].set_index("segment").loc[g.index]
    np.testing.assert_allclose(got["risk_rate"], g.rar / g.clv, rtol=1e-12)
    np.testing.assert_allclose(got["expected_churners"], g.risk, rtol=1e-12)
    np.testing.assert_allclose(got["mean_churn_risk"], g["mean"], rtol=1e-12)
    assert got["customers"].tolist() == g["n"].tolist()
    silent = customers[customers.customer_id % 4 == 0]
    last = r.iloc[-1]
    assert last["customers"] == len(silent) == 15
    assert last["clv"] == pytest.approx(silent.clv.sum())
    assert last["revenue_at_risk"] == pytest.approx((silent.risk * silent.clv).sum())
    assert last["expected_churners"] == pytest.approx(silent.risk.sum())
    assert pd.isna(last["segment"]) and pd.isna(last["nps"])
    assert r["share_of_risk"].sum() == pytest.approx(1.0)
    assert r.attrs["total_clv"] == pytest.approx(customers.clv.sum())
    # Without `customers`: as before, no `answered` column.
    assert "answered" not in npscore.revenue_at_risk(answered, churn_risk="risk", clv="clv",
                                                     by="segment").columns


def _my_sections(text: str) -> list[str]:
    """The lines of the overall, slice, quarter and revenue-at-risk sections."""
    head = text.split("## Overall", 1)[1].split("\n## Distribution health", 1)[0]
    money = text.split("## Revenue at risk", 1)[1].split("\n## ", 1)[0]
    return (head + "\n" + money).splitlines()


DENOMINATOR = re.compile(r"\(([\d,]+) (responses|customers|accounts)|over responses|"
                         r"each of ([\d,]+) responses|[\d,]+ responses of [\d,]+ accounts|"
                         r"over each quarter's responses")


def test_every_nps_in_the_report_names_its_denominator(report_text):
    lines = _my_sections(report_text)
    with_figure = [ln for ln in lines if re.search(r"NPS [+-]?\d", ln)]
    assert len(with_figure) >= 10
    for ln in with_figure:
        assert DENOMINATOR.search(ln), f"no denominator: {ln}"
        if "responses" in ln:
            assert re.search(r"\d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d", ln), f"no period: {ln}"
    # Tables with an NPS column sit under a line naming what they count.
    for i, ln in enumerate(lines):
        if re.search(r"\bNPS\b", ln) and not re.search(r"NPS [+-]?\d", ln) and "  " in ln:
            above = "\n".join(lines[max(0, i - 3):i])
            header = [h for h in lines[:i] if h.startswith("#")][-1]
            assert DENOMINATOR.search(above + "\n" + header) or "customers" in above, ln
    assert "arr-weighted NPS +38.4" in report_text
    assert "would give +51.7" in report_text


def test_report_revenue_at_risk_has_rates_and_never_answered(report_text):
    block = report_text.split("## Revenue at risk", 1)[1].split("\n## ", 1)[0]
    assert "risk rate" in block and "expected churners" in block
    rows = re.findall(r"^\s*(promoter|passive|detractor)\s+\d+\s+\$([\d,]+)\s+\$([\d,]+)\s+"
                      r"[\d.]+%\s+(\d+\.\d)%", block, re.M)
    assert len(rows) == 3
    rate = {}
    for seg, clv, at_risk, shown in rows:
        rate[seg] = float(shown)
        want = 100 * int(at_risk.replace(",", "")) / int(clv.replace(",", ""))
        assert rate[seg] == pytest.approx(want, abs=0.051)
    # The churn model decides the levels; detractors are always far riskier.
    assert rate["detractor"] > 3 * rate["promoter"]
    never = re.findall(r"^\s*\(never answered\)\s+(\d+)\s+\$([\d,]+)", block, re.M)
    assert len(never) == 2 and all(n == "171" for n, _ in never)
    assert int(never[0][1].replace(",", "")) == pytest.approx(15.9e6, rel=0.01)


def test_relational_and_transactional_are_reported_apart(report_text, joined):
    assert re.search(r"^- relational: NPS \+\d", report_text, re.M)
    assert re.search(r"^- transactional: NPS \+\d", report_text, re.M)
    assert "### transactional surveys" in report_text
    d = joined.assign(code=seg_code(joined["score"]),
                      q=pd.to_datetime(joined["responded_at"]).dt.tz_localize(None)
                      .dt.to_period("Q"))
    want = 100 * d[d.survey_kind == "transactional"].groupby("q")["code"].mean()
    row = re.search(r"^transactional (.*)$", report_text.split("### NPS by quarter", 1)[1],
                    re.M).group(1)
    cells = dict(zip(re.findall(r"\d{4}Q\d", report_text.split("### NPS by quarter", 1)[1]
                                .splitlines()[2]),
                     (float(x) for x in re.findall(r"([+-]\d+\.\d) \(n=", row))))
    assert cells["2025Q1"] == pytest.approx(want[pd.Period("2025Q1")], abs=0.051)
    assert cells["2025Q3"] == pytest.approx(want[pd.Period("2025Q3")], abs=0.051)
    assert cells["2025Q1"] - cells["2025Q3"] > 15  # 36 -> 16: hidden in the blend


def test_report_options_account_weighting_on_user_data():
    df = pd.DataFrame({"score": [10, 9, 10, 2], "acc": ["a", "a", "a", "b"],
                       "arr": [1.0, 1.0, 1.0, 1.0]})
    text = nps_report(df, ReportOptions(time=None, weight="arr", account="acc"))
    assert "arr-weighted NPS +0.0" in text  # a: +100, b: -100, equal revenue
    assert "4 responses of 2 accounts" in text
    text = nps_report(df, ReportOptions(time=None, weight="arr", account="acc",
                                        weight_by="response"))
    assert "arr-weighted NPS +50.0" in text
    with pytest.raises(ValueError, match='weight_by is "x"'):
        nps_report(df, ReportOptions(time=None, weight="arr", weight_by="x"))
