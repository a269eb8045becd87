"""`build_report(keep_data=False)`, the CLI's path (issue 13, peak memory at
scale): the same outputs as the full report, without the stages' frames."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import churn
from npscore import report as rep
from npscore.__main__ import main
from npscore._report_io import load_config, read_inputs
from npscore.report import ReportInputs, build_report
from npscore.themes import top_themes
from test_report_inputs import World


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return World(tmp_path_factory.mktemp("keep"))


def _outputs(r: rep.Report) -> dict[str, str]:
    return {"html": r.to_html(), "md": r.to_markdown(figure_dir="figures"),
            "queue": r.queue.to_csv(index=False),
            "summary": json.dumps(r.summary(), sort_keys=True, allow_nan=False)}


@pytest.fixture(scope="module")
def both(world):
    """The report on the world's files, with and without its data."""
    inputs = read_inputs(load_config(world.config))
    full, lean = build_report(inputs), build_report(inputs, keep_data=False)
    yield inputs, full, lean
    full.close()
    lean.close()


def test_lean_report_has_the_same_outputs(both):
    _, full, lean = both
    assert [s.key for s in lean.sections] == [s.key for s in full.sections]
    assert _outputs(lean) == _outputs(full)
    assert set(lean.figures) == set(full.figures)
    pd.testing.assert_frame_equal(lean.queue, full.queue)
    # Every section is computed: the comparison covers churn, queue, themes.
    summary = full.summary()
    for key in ("churn", "queue", "revenue_at_risk", "themes"):
        assert summary[key], key


def test_lean_report_drops_every_sections_data(both):
    _, full, lean = both
    assert all(s.data == {} for s in lean.sections)
    kept = {s.key: s.data for s in full.sections}
    # The default keeps the frames behind the sections (notebooks, tests).
    assert len(kept["churn"]["X_now"]) == len(kept["churn"]["risk"]) > 0
    assert {"queue", "missed", "sla"} <= set(kept["queue"])
    critics = kept["themes"]["critics"]
    assert list(critics.columns) == ["comment", "score", "clv"]
    assert len(kept["themes"]["indicators"]) == len(critics)


def test_stages_in_chunks_give_the_same_report(both, monkeypatch):
    """Comments tagged, the SLA counted and the reasons given a few rows at a
    time: the same report, the SLA counts those of one prioritize call, the
    reasons those of one pass."""
    inputs, full, _ = both
    monkeypatch.setattr(rep, "TAG_CHUNK", 7)
    monkeypatch.setattr(rep, "SLA_CHUNK", 11)
    monkeypatch.setattr(churn, "EXPLAIN_CHUNK", 5)
    r = build_report(inputs)
    assert _outputs(r) == _outputs(full)
    reasons = r.section("churn").data["reasons"]
    assert len(reasons) > 5 * 3  # several chunks
    pd.testing.assert_frame_equal(reasons, full.section("churn").data["reasons"])
    sla = r.section("queue").data["sla"]
    same = json.dumps(full.section("queue").data["sla"], sort_keys=True)  # NaN == NaN
    assert json.dumps(sla, sort_keys=True) == same
    assert sla["n_rows"] > 11 * 3 and sla["detractors_due"] > 0  # several chunks
    r.close()


@pytest.mark.parametrize("order", ["C", "F"])
def test_explain_in_chunks_is_explain_in_one_pass(both, monkeypatch, order):
    """ChurnModel.explain a few rows at a time, on a frame and on arrays of
    either layout: the values and texts of one pass over every row."""
    X = both[1].section("churn").data["X_now"]
    model = churn.ChurnModel(standardize=True).fit(X, (X["score"] <= 6).to_numpy())
    whole = model.explain(X, top=3)
    arr = np.asarray(X.to_numpy(), order=order)
    whole_arr = model.explain(arr, top=3)
    monkeypatch.setattr(churn, "EXPLAIN_CHUNK", 4)
    pd.testing.assert_frame_equal(model.explain(X, top=3), whole)
    pd.testing.assert_frame_equal(model.explain(arr, top=3), whole_arr)
    assert len(X) > 4 * 3 and whole["reason_1"].notna().any()


def test_churn_stage_scores_the_active_customers_without_copying_them(both):
    """With a customers frame and no score or time missing, the churn stage
    gives churn_features every response (no copy of the active customers'):
    the features, and their counts, are those of the active customers'
    responses and customers alone."""
    inputs, full, _ = both
    d = full.section("churn").data
    now = pd.Timestamp(inputs.responses["responded_at"].max()).tz_convert("UTC")
    churned = pd.to_datetime(inputs.churn["churned_at"])
    gone = inputs.churn["customer_id"][(churned.notna() & (churned <= now)).to_numpy()]
    responses = inputs.responses[["customer_id", "score", "responded_at"]]
    active = ~responses["customer_id"].isin(gone).to_numpy()
    assert 0 < active.sum() < len(active)  # churned customers answered too
    assert responses[["score", "responded_at"]].notna().all().all()  # the no-copy path
    customers = inputs.customers[~inputs.customers["customer_id"].isin(gone).to_numpy()]
    expect = churn.churn_features(
        responses[active], customers, as_of=now, missing="error", unknown="skip",
        signup="signup_at", columns=list(inputs.slices), static_columns=True)
    pd.testing.assert_frame_equal(d["X_now"], expect)
    assert d["X_now"].attrs == expect.attrs
    assert len(d["gone"]) == len(set(gone))


def test_themes_are_top_themes_of_the_critics(both):
    """The themes (comments tagged a chunk at a time) are top_themes' of the
    critics' answers (detractors and passives whose customer has a value)."""
    inputs, full, _ = both
    critics = full.section("themes").data["critics"]
    assert len(critics) > 7 * 3  # several chunks
    expect = top_themes(critics, comment="comment", segment="score", clv="clv", n=5)
    pd.testing.assert_frame_equal(full.section("themes").data["themes"], expect)
    # The critics: the answers scored 0-8 of customers in the customers file
    # (each has a value: CLV from transactions, 0 without), in file order.
    responses = inputs.responses
    critic = (pd.to_numeric(responses["score"]) <= 8) & responses["customer_id"].isin(
        inputs.customers["customer_id"])
    assert critics.index.tolist() == responses.index[critic.to_numpy()].tolist()
    assert critics["comment"].tolist() == responses["comment"][critic.to_numpy()].tolist()


def test_cli_builds_without_data_and_writes_the_full_outputs(world, tmp_path, monkeypatch):
    seen = []
    real = rep.build_report

    def spy(*args, **kwargs):
        r = real(*args, **kwargs)
        seen.append((kwargs.get("keep_data", True), r))
        return r

    monkeypatch.setattr(rep, "build_report", spy)
    out = tmp_path / "out"
    assert main(["report", "--config", str(world.config), "--out-dir", str(out), "--quiet"]) == 0
    (keep, lean), = seen
    assert keep is False and all(s.data == {} for s in lean.sections)
    full = real(read_inputs(load_config(world.config)))
    assert (out / "report.md").read_text(encoding="utf-8") == full.to_markdown(figure_dir="figures")
    assert (out / "report.html").read_text(encoding="utf-8") == full.to_html()
    assert (out / "queue.csv").read_text(encoding="utf-8") == full.queue.to_csv(index=False)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == full.summary()
    full.close()


def test_sample_lean_equals_full():
    """The shipped sample (its own column types, a case log) takes the same path."""
    sample = npscore.datasets.load_sample(seed=3, n_customers=300)
    inputs = ReportInputs.from_sample(sample, data_note="seed 3")
    full, lean = build_report(inputs), build_report(inputs, keep_data=False)
    assert _outputs(lean) == _outputs(full)
    assert full.section("loop").data and not lean.section("loop").data
    full.close()
    lean.close()


def test_keep_data_must_be_a_flag():
    inputs = ReportInputs(npscore.datasets.load_sample(seed=1, n_customers=50).responses)
    with pytest.raises(TypeError, match=r"keep_data must be True or False, got 'no'"):
        build_report(inputs, keep_data="no")
