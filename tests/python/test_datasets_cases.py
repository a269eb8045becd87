"""The case log of npscore.datasets (issue 14, "Everywhere"): seeded, with the
documented columns, and outcomes drawn from a known truth that the loop's
estimators recover: the learned recovery curve holds TRUE_RECOVERY_CURVE
within its intervals at most anchors; recovery halves churn; riskier cases
are contacted later (so a naive on-time vs late comparison is biased)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from npscore import datasets, loop
from npscore.datasets import (CASE_COLUMNS, CLOSE_UNCONTACTED_HOURS, NEVER_CONTACTED_RECOVERY,
                              RECOVERY_CHURN_EFFECT, TRUE_RECOVERY_CURVE, make_case_log)
from npscore.priority import recoverability


@pytest.fixture(scope="module")
def sample():
    return datasets.load_sample(seed=3, n_customers=400)


@pytest.fixture(scope="module")
def big():
    """20,000 detractor answers of 5,000 customers over a year (no customers frame)."""
    rng = np.random.default_rng(7)
    n = 20_000
    start = pd.Timestamp("2025-01-01", tz="UTC")
    responses = pd.DataFrame({
        "response_id": [f"R{i:06d}" for i in range(n)],
        "customer_id": [f"c{k}" for k in rng.integers(0, 5_000, n)],
        "responded_at": start + pd.to_timedelta(rng.uniform(0, 365, n), unit="D"),
        "score": rng.integers(0, 7, n),
    })
    return make_case_log(responses, seed=11)


def test_seeded_determinism(sample):
    a = make_case_log(sample.responses, sample.customers, seed=9)
    b = make_case_log(sample.responses, sample.customers, seed=9)
    pd.testing.assert_frame_equal(a, b)
    c = make_case_log(sample.responses, sample.customers, seed=10)
    assert not a["first_contact_at"].equals(c["first_contact_at"])
    # The sample's case log is the generator's with the sample's seed, kept once built.
    pd.testing.assert_frame_equal(sample.cases,
                                  make_case_log(sample.responses, sample.customers, seed=3))
    assert sample.cases is sample.cases
    assert list(sample.to_dict()) == ["customers", "responses", "transactions", "churn", "events",
                                    "cases"]


def test_schema_and_invariants(sample):
    r, c = sample.responses, sample.cases
    assert tuple(c.columns) == CASE_COLUMNS
    detractors = r[r["score"] <= 6]
    assert len(c) == len(detractors)
    assert (c["case_id"].to_numpy() == ("C" + detractors["response_id"].str[1:]).to_numpy()).all()
    assert (c["customer_id"].to_numpy() == detractors["customer_id"].to_numpy()).all()
    assert (c["opened_at"].to_numpy() == detractors["responded_at"].to_numpy()).all()
    assert (c["score"].to_numpy() == detractors["score"].to_numpy()).all()
    for col in ("opened_at", "first_contact_at", "closed_at"):
        assert str(c[col].dtype) == "datetime64[ns, UTC]"
    assert set(c["segment"]) == {"detractor"} and set(c["sla_hours"]) == {24.0}
    assert set(c["owner"]) == set(datasets.DEFAULT_CASE_OWNERS)
    never = c["first_contact_at"].isna()
    assert 0 < never.mean() < 0.3
    assert (c["first_contact_at"][~never] >= c["opened_at"][~never]).all()
    assert (c["closed_at"][~never] > c["first_contact_at"][~never]).all()
    assert (c["closed_at"][never] - c["opened_at"][never]
            == pd.Timedelta(hours=CLOSE_UNCONTACTED_HOURS)).all()
    assert set(c["recovered"]) <= {0, 1} and set(c["churned"]) <= {0, 1}
    assert ((c["churn_risk"] > 0) & (c["churn_risk"] < 1)).all()
    clv = sample.customers.set_index("customer_id")["clv"]
    assert np.array_equal(c["clv"].to_numpy(), c["customer_id"].map(clv).to_numpy())
    # next_score: the customer's next answer (lifted only for recovered cases).
    ordered = r.sort_values(["customer_id", "responded_at"], kind="stable")
    nxt = ordered.groupby("customer_id")["score"].shift(-1).reindex(r.index)
    want = nxt[r["score"] <= 6].to_numpy()
    got = c["next_score"].to_numpy()
    assert np.array_equal(np.isnan(got), np.isnan(want))
    kept = (c["recovered"] == 0).to_numpy() & ~np.isnan(want)
    assert np.array_equal(got[kept], want[kept])
    lifted = ~np.isnan(want) & (got != want)
    assert (c["recovered"].to_numpy()[lifted] == 1).all() and (got[lifted] >= 7).all()


def test_passives_by_option(sample):
    c = make_case_log(sample.responses, sample.customers, seed=3, passives=True)
    r = sample.responses
    assert len(c) == int((r["score"] <= 8).sum())
    assert set(c["segment"]) == {"detractor", "passive"}
    assert (c.loc[c["segment"] == "passive", "sla_hours"] == 72.0).all()
    p = c[c["segment"] == "passive"]
    lifted = p["next_score"].notna() & (p["next_score"] >= 9)
    assert lifted.any()


def test_without_customers_clv_is_missing(sample):
    c = make_case_log(sample.responses, seed=3)
    assert c["clv"].isna().all()
    assert c.drop(columns="clv").equals(sample.cases.drop(columns="clv"))


def test_learned_curve_recovers_the_true_curve(big):
    """The learned-curve recovery test: the fit's intervals hold the true curve at
    most anchors (nominal 95% each; the binning bias is small at 20,000 cases)."""
    curve = loop.learn_recovery_curve(big, recovered="recovered")
    truth = recoverability(curve["hours"].to_numpy(), recovery=TRUE_RECOVERY_CURVE)
    held = (curve["ci_low"] <= truth) & (truth <= curve["ci_high"])
    assert len(curve) >= 10
    assert held.mean() >= 0.8, curve.assign(truth=truth)
    assert np.abs(curve["probability"] - truth).max() < 0.08
    # It tells the default curve apart where the truth differs (at 24 h: 30% against 40%).
    cmp = loop.compare_recovery(curve)
    day = cmp.set_index("hours").loc[24.0]
    assert day["ci_high"] < day["default"]
    a = curve.attrs
    assert a["never_ci_low"] <= NEVER_CONTACTED_RECOVERY <= a["never_ci_high"]


def test_recovery_halves_churn_and_risk_delays_contact(big):
    rec = big["recovered"] == 1
    # E[churned | recovered] = risk * (1 - effect): the ratio of churn to risk.
    ratio_rec = big.loc[rec, "churned"].mean() / big.loc[rec, "churn_risk"].mean()
    ratio_not = big.loc[~rec, "churned"].mean() / big.loc[~rec, "churn_risk"].mean()
    assert ratio_rec == pytest.approx(1 - RECOVERY_CHURN_EFFECT, abs=0.05)
    assert ratio_not == pytest.approx(1.0, abs=0.04)
    # Riskier customers wait longer: late or never cases are riskier than on-time ones, so a
    # naive churn comparison overstates what speed is worth.
    hours = (big["first_contact_at"] - big["opened_at"]) / pd.Timedelta(hours=1)
    on_time = (hours <= big["sla_hours"]).to_numpy()
    assert big["churn_risk"][~on_time].mean() - big["churn_risk"][on_time].mean() > 0.03
    naive = big["churned"][~on_time].mean() - big["churned"][on_time].mean()
    # The truth given each case's own risk: churn if not recovered minus if recovered, averaged.
    p = np.where(hours.isna(), NEVER_CONTACTED_RECOVERY,
                 recoverability(hours.fillna(0).to_numpy(), recovery=TRUE_RECOVERY_CURVE))
    expected = big["churn_risk"] * (1 - RECOVERY_CHURN_EFFECT * p)
    adjusted = expected[~on_time].mean() - expected[on_time].mean()
    assert naive == pytest.approx(adjusted, abs=0.03)  # the model holds
    same_risk = (big["churn_risk"] * RECOVERY_CHURN_EFFECT * p)
    effect_at_own_risk = same_risk[on_time].mean() - (
        big["churn_risk"][on_time] * RECOVERY_CHURN_EFFECT *
        p[~on_time].mean()).mean()
    assert naive > effect_at_own_risk + 0.02


def test_a_recovered_case_moves_up_more_often(big):
    # Every answer of `big` is a detractor's: only the lift moves a case up.
    has = big["next_score"].notna()
    up = big["next_score"] >= 7
    assert not up[has & (big["recovered"] == 0)].any()
    assert up[has & (big["recovered"] == 1)].mean() == pytest.approx(datasets.NEXT_SCORE_LIFT,
                                                                     abs=0.03)


def test_bad_input(sample):
    r = sample.responses
    with pytest.raises(ValueError, match=r"responses lacks columns \['score'\]"):
        make_case_log(r.drop(columns="score"))
    with pytest.raises(ValueError, match="churn_effect is 2: a probability"):
        make_case_log(r, churn_effect=2)
    with pytest.raises(TypeError, match="passives must be True or False"):
        make_case_log(r, passives="yes")
    with pytest.raises(TypeError, match="owners must be a non-empty mapping"):
        make_case_log(r, owners={})
    with pytest.raises(ValueError):
        make_case_log(r, recovery_curve=[(0, 0.2), (10, 0.5)])  # rising
