"""Tests of npscore.datasets: the seeded synthetic B2B SaaS data.

The checks compare the generated data with the figures the module documents (docs/sources.md §2, §5, §7),
with closed-form expectations of the simulated processes (churn hazards, BG/NBD, Gamma-Gamma), and with
invariants that could fail (cadence rule, referential integrity, determinism).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from npscore import datasets

pytestmark = pytest.mark.filterwarnings("error")

EVENT_DATE = pd.Timestamp("2025-04-01", tz="UTC")
END = pd.Timestamp(datasets.DEFAULT_END, tz="UTC")


def nps(scores: pd.Series) -> float:
    """NPS on the -100..100 scale, computed by hand."""
    s = np.asarray(scores)
    return 100.0 * (np.mean(s >= 9) - np.mean(s <= 6))


def segment(scores: pd.Series) -> np.ndarray:
    s = np.asarray(scores)
    return np.where(s <= 6, "detractor", np.where(s <= 8, "passive", "promoter"))


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve by the Mann-Whitney rank sum (ties get average ranks)."""
    ranks = pd.Series(score).rank(method="average").to_numpy()
    pos = label.astype(bool)
    n1, n0 = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


@pytest.fixture(scope="module")
def sample() -> datasets.Sample:
    return datasets.load_sample()


@pytest.fixture(scope="module")
def small_world():
    customers = datasets.make_customers(400, seed=7)
    responses = datasets.make_responses(customers, seed=7)
    churn = datasets.make_churn(customers, responses, seed=7)
    transactions = datasets.make_transactions(customers, seed=7)
    return customers, responses, churn, transactions


# ----------------------------------------------------------------------------------------------
# Determinism.
# ----------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_frames(small_world):
    customers, responses, churn, transactions = small_world
    again = datasets.make_customers(400, seed=7)
    pd.testing.assert_frame_equal(customers, again)
    pd.testing.assert_frame_equal(responses, datasets.make_responses(again, seed=7))
    pd.testing.assert_frame_equal(churn, datasets.make_churn(again, responses, seed=7))
    pd.testing.assert_frame_equal(transactions, datasets.make_transactions(again, seed=7))


def test_load_sample_is_deterministic(sample):
    again = datasets.load_sample()
    for name, frame in sample.to_dict().items():
        pd.testing.assert_frame_equal(frame, getattr(again, name), obj=name)


def test_different_seed_gives_different_frames(small_world):
    customers, responses, churn, transactions = small_world
    other = datasets.make_customers(400, seed=8)
    assert not other["arr"].equals(customers["arr"])
    assert not other["plan"].equals(customers["plan"])
    other_responses = datasets.make_responses(customers, seed=8)
    assert not other_responses[["customer_id", "responded_at", "score"]].equals(
        responses[["customer_id", "responded_at", "score"]]
    )
    assert not datasets.make_churn(customers, responses, seed=8)["churned"].equals(churn["churned"])
    assert not datasets.make_transactions(customers, seed=8)["amount"].equals(transactions["amount"])


def test_customer_traits_do_not_depend_on_row_order():
    # Latent traits are keyed by customer id and seed. With every time-varying term switched off, a
    # response's latent satisfaction is the customer's persistent part, which make_customers reports;
    # shuffling or subsetting the customers frame must not change it.
    customers = datasets.make_customers(300, seed=3, include_truth=True)
    static = {
        "contact_sd": 0.0, "drift_sd_per_year": 0.0, "erosion_share": 0.0, "early_life_dip": 0.0,
        "touchpoint_effect": {tp: 0.0 for tp in datasets.TOUCHPOINTS},
    }
    shuffled = customers.sample(frac=0.5, random_state=1).drop(columns=["clv", "satisfaction"])
    responses = datasets.make_responses(shuffled, seed=3, latent=static, events=[], include_truth=True)
    truth = responses["customer_id"].map(customers.set_index("customer_id")["satisfaction"])
    np.testing.assert_allclose(responses["satisfaction"], truth, rtol=0, atol=1e-12)
    other_seed = datasets.make_customers(300, seed=4, include_truth=True)
    assert not np.allclose(other_seed["satisfaction"], customers["satisfaction"])


# ----------------------------------------------------------------------------------------------
# Schemas.
# ----------------------------------------------------------------------------------------------


def _is_utc(series: pd.Series) -> bool:
    return isinstance(series.dtype, pd.DatetimeTZDtype) and str(series.dtype.tz) == "UTC"


def test_customers_schema(sample):
    c = sample.customers
    assert list(c.columns) == [
        "customer_id", "account_id", "plan", "region", "industry", "company_size", "signup_at", "arr", "clv",
    ]
    assert len(c) == 2000
    assert pd.api.types.is_string_dtype(c["customer_id"]) and pd.api.types.is_string_dtype(c["account_id"])
    assert c["customer_id"].str.fullmatch(r"C\d{6}").all() and c["customer_id"].is_unique
    assert (c["account_id"].str[1:] == c["customer_id"].str[1:]).all()
    assert isinstance(c["plan"].dtype, pd.CategoricalDtype) and c["plan"].cat.ordered
    assert list(c["plan"].cat.categories) == ["starter", "pro", "enterprise"]
    assert list(c["region"].cat.categories) == ["NA", "EMEA", "APAC", "LATAM"]
    assert list(c["company_size"].cat.categories) == ["1-50", "51-500", "501+"]
    assert set(c["industry"].cat.categories) == set(datasets.INDUSTRIES)
    assert not c[["plan", "region", "industry", "company_size"]].isna().any().any()
    assert _is_utc(c["signup_at"])
    assert c["signup_at"].min() >= pd.Timestamp(datasets.DEFAULT_START, tz="UTC")
    assert c["signup_at"].max() < END
    assert c["arr"].dtype == np.float64 and c["clv"].dtype == np.float64
    assert (c["arr"] > 0).all() and (c["clv"] >= 0).all()
    # ARR is plan-dependent: medians rise with the plan.
    medians = c.groupby("plan", observed=True)["arr"].median()
    assert medians["starter"] < medians["pro"] < medians["enterprise"]
    assert "satisfaction" not in c.columns


def test_responses_schema(sample):
    r = sample.responses
    assert list(r.columns) == [
        "response_id", "customer_id", "contact_id", "responded_at",
        "survey_kind", "touchpoint", "score", "comment",
    ]
    assert r["response_id"].is_unique and r["response_id"].str.fullmatch(r"R\d{7}").all()
    for col in ("response_id", "customer_id", "contact_id", "comment"):
        assert pd.api.types.is_string_dtype(r[col]), col
    assert not r["comment"].isna().any()
    assert _is_utc(r["responded_at"]) and r["responded_at"].is_monotonic_increasing
    assert list(r["survey_kind"].cat.categories) == ["relational", "transactional"]
    assert list(r["touchpoint"].cat.categories) == ["support_ticket", "onboarding", "purchase", "training"]
    relational = r["survey_kind"] == "relational"
    assert r.loc[relational, "touchpoint"].isna().all()
    assert r.loc[~relational, "touchpoint"].notna().all()
    assert set(r.loc[~relational, "touchpoint"].unique()) == set(datasets.TOUCHPOINTS)
    assert relational.mean() > 0.3 and (~relational).mean() > 0.2
    # Contacts belong to their customer; 1–5 per customer, more for enterprise.
    assert (r["contact_id"].str.split("-").str[0] == r["customer_id"]).all()
    number = r["contact_id"].str.split("-").str[1].astype(int)
    plan = r["customer_id"].map(sample.customers.set_index("customer_id")["plan"].astype(str))
    assert number.min() >= 1 and number[plan != "enterprise"].max() <= 5 and number.max() <= 10
    assert number[plan == "enterprise"].max() > 5
    # Responses never precede the sign-up and stay inside the window.
    signup = r["customer_id"].map(sample.customers.set_index("customer_id")["signup_at"])
    assert (r["responded_at"] >= signup).all() and (r["responded_at"] <= END).all()


def test_transactions_and_churn_schema(sample):
    t, ch = sample.transactions, sample.churn
    assert list(t.columns) == ["customer_id", "date", "amount"]
    assert _is_utc(t["date"]) and (t["date"] == t["date"].dt.normalize()).all()
    assert t["amount"].dtype == np.float64
    assert list(ch.columns) == ["customer_id", "churned", "churned_at"]
    assert ch["churned"].dtype == bool and _is_utc(ch["churned_at"])
    assert (ch["churned"] == ch["churned_at"].notna()).all()
    assert ch["customer_id"].tolist() == sample.customers["customer_id"].tolist()


def test_sample_is_a_frozen_dataclass(sample):
    assert dataclasses.is_dataclass(sample)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sample.customers = sample.customers  # type: ignore[misc]
    assert list(sample.to_dict()) == ["customers", "responses", "transactions", "churn", "events",
                                    "cases"]
    assert {"time", "kind", "label"} <= set(sample.events.columns)
    assert "effect" not in sample.events.columns  # latent truth stays out of the shipped log


def test_truth_columns_only_on_request(small_world):
    customers, responses, _, _ = small_world
    assert "satisfaction" not in responses.columns and "comment_themes" not in responses.columns
    truth = datasets.make_responses(customers, seed=7, include_truth=True)
    pd.testing.assert_frame_equal(truth[responses.columns], responses)
    themed = truth["comment_themes"] != ""
    assert (truth.loc[themed, "comment"] != "").all()
    assert set(truth.loc[themed, "comment_themes"].str.split(";").explode()) <= set(datasets.THEMES)


# ----------------------------------------------------------------------------------------------
# Scores, shares, slices, events.
# ----------------------------------------------------------------------------------------------


def test_scores_are_integers_in_range(sample):
    s = sample.responses["score"]
    assert pd.api.types.is_integer_dtype(s)
    assert s.min() >= 0 and s.max() <= 10
    assert set(s.unique()) == set(range(11))


def test_shares_and_nps_in_documented_ranges(sample):
    seg = pd.Series(segment(sample.responses["score"])).value_counts(normalize=True)
    assert 0.50 <= seg["promoter"] <= 0.60
    assert 0.20 <= seg["passive"] <= 0.30
    assert 0.15 <= seg["detractor"] <= 0.25
    assert seg.sum() == pytest.approx(1.0)
    assert 20.0 <= nps(sample.responses["score"]) <= 40.0
    assert nps(sample.responses["score"]) == pytest.approx(100 * (seg["promoter"] - seg["detractor"]))


def test_nps_differs_by_plan_and_region(sample):
    r = sample.responses.merge(sample.customers[["customer_id", "plan", "region"]], on="customer_id")
    by_plan = r.groupby("plan", observed=True)["score"].apply(nps)
    assert by_plan["enterprise"] - by_plan["starter"] >= 10.0
    by_region = r.groupby("region", observed=True)["score"].apply(nps)
    assert by_region.max() - by_region.min() >= 10.0


def test_relational_cadence_at_most_once_per_90_days(sample, small_world):
    frames = [sample.responses, small_world[1]]
    # Asking for monthly waves must not break the rule either.
    frames.append(datasets.make_responses(small_world[0], seed=1, surveys_per_year=12))
    for r in frames:
        rel = r[r["survey_kind"] == "relational"].sort_values(["customer_id", "responded_at"])
        gaps = rel.groupby("customer_id")["responded_at"].diff().dropna()
        assert len(gaps) > 100
        assert gaps.min() >= pd.Timedelta(days=90)


def test_promoters_migrate_to_passives(sample):
    rel = sample.responses[sample.responses["survey_kind"] == "relational"]
    rel = rel.sort_values(["customer_id", "responded_at"])
    previous = rel.groupby("customer_id")["score"].shift()
    pairs = previous.notna()
    was_promoter = previous[pairs] >= 9
    now_passive = rel.loc[pairs, "score"].between(7, 8)
    share = (was_promoter & now_passive).sum() / was_promoter.sum()
    assert 0.08 <= share <= 0.40


def test_erosion_lowers_promoter_share_with_tenure():
    # Same seed with and without erosion (same random draws): erosion must cost long-tenured
    # customers promoters (docs/sources.md §4, 001: NPS declines as promoters become passives).
    customers = datasets.make_customers(2000, seed=5)
    signup = customers.set_index("customer_id")["signup_at"]

    def promoter_share_after_a_year(latent):
        r = datasets.make_responses(customers, seed=5, events=[], latent=latent)
        tenure = r["responded_at"] - r["customer_id"].map(signup)
        return (r.loc[tenure > pd.Timedelta(days=365), "score"] >= 9).mean()

    assert promoter_share_after_a_year(None) <= promoter_share_after_a_year({"erosion_share": 0.0}) - 0.03


def test_events_constant():
    frame = pd.DataFrame(datasets.EVENTS)
    assert {"time", "kind", "label"} <= set(frame.columns)
    pricing = frame[frame["kind"] == "pricing_change"]
    assert len(pricing) == 1
    assert pricing["time"].iloc[0] == EVENT_DATE
    assert pricing["plan"].iloc[0] == "starter" and pricing["theme"].iloc[0] == "pricing"
    assert all(isinstance(t, pd.Timestamp) and str(t.tz) == "UTC" for t in frame["time"])


def _starter_change(responses: pd.DataFrame, customers: pd.DataFrame) -> tuple:
    r = responses.merge(customers[["customer_id", "plan"]], on="customer_id")
    before = (r["responded_at"] < EVENT_DATE) & (r["responded_at"] >= EVENT_DATE - pd.Timedelta(days=365))
    after = r["responded_at"] >= EVENT_DATE
    starter = r["plan"] == "starter"
    d_starter = nps(r.loc[starter & after, "score"]) - nps(r.loc[starter & before, "score"])
    d_other = nps(r.loc[~starter & after, "score"]) - nps(r.loc[~starter & before, "score"])
    return d_starter, d_other


def test_pricing_event_lowers_starter_nps(sample):
    d_starter, d_other = _starter_change(sample.responses, sample.customers)
    assert d_starter <= -10.0
    assert d_starter - d_other <= -10.0


def test_pricing_event_is_the_cause():
    # Same seed with and without the event log: the same random draws, so the difference-in-differences
    # of the starter plan must move by the event alone.
    customers = datasets.make_customers(3000, seed=11)
    with_events = datasets.make_responses(customers, seed=11)
    without = datasets.make_responses(customers, seed=11, events=[])
    did_with = np.subtract(*_starter_change(with_events, customers))
    did_without = np.subtract(*_starter_change(without, customers))
    assert did_with - did_without <= -10.0


def test_pricing_event_raises_pricing_comments(sample):
    r = sample.responses.merge(sample.customers[["customer_id", "plan"]], on="customer_id")
    r = r[(r["plan"] == "starter") & (r["responded_at"] >= EVENT_DATE - pd.Timedelta(days=365))]
    mentions = r["comment"].str.lower().str.contains(r"pric|expensive|worth")
    after = r["responded_at"] >= EVENT_DATE
    assert mentions[after].mean() >= 2 * mentions[~after].mean()
    assert mentions[after].mean() - mentions[~after].mean() >= 0.04


def test_comments_look_real(sample):
    comment = sample.responses["comment"]
    assert 0.25 <= (comment == "").mean() <= 0.80  # often empty
    text = comment[comment != ""]
    assert text.str.contains(r"[^\x00-\x7f]").any()  # accents such as "Löve"
    assert text.str.contains("!!").any()
    shouted = text.str.fullmatch(r"[^a-z]*[A-Z]{4}[^a-z]*")  # whole comment in capitals
    whispered = text.str.fullmatch(r"[^A-Z]{12,}")  # a whole sentence in lower case
    assert shouted.sum() > 5 and whispered.sum() > 5
    lowered = text.str.lower()
    for pattern in ("bug", "pric", "invoice|billing|charged", "ui|interface|easy to use", "support",
                    "onboarding|setup", "slow|fast|performance", "report", "please add|would love|missing"):
        assert lowered.str.contains(pattern).sum() >= 5, pattern
    # Detractors complain, promoters praise.
    seg = segment(sample.responses.loc[comment != "", "score"])
    negative = lowered.str.contains(r"too expensive|confusing|slow|broken|crash|never|mess|useless")
    assert negative[seg == "detractor"].mean() > 3 * negative[seg == "promoter"].mean()


# ----------------------------------------------------------------------------------------------
# Churn.
# ----------------------------------------------------------------------------------------------


def _churn_within(sample: datasets.Sample, days: int) -> pd.DataFrame:
    r = sample.responses.merge(sample.churn, on="customer_id")
    r = r[r["responded_at"] + pd.Timedelta(days=days) <= END].copy()
    r["segment"] = segment(r["score"])
    r["hit"] = r["churned"] & (r["churned_at"] <= r["responded_at"] + pd.Timedelta(days=days))
    return r


def test_churn_rates_by_segment(sample):
    within90 = _churn_within(sample, 90).groupby("segment")["hit"].mean()
    within180 = _churn_within(sample, 180).groupby("segment")["hit"].mean()
    assert 0.35 <= within90["detractor"] <= 0.55  # docs/sources.md §5: 40–50% within 90 days
    assert 0.18 <= within180["passive"] <= 0.33  # docs/sources.md §5: 20–30% within 180 days
    assert within180["promoter"] <= 0.15
    assert within90["detractor"] > within90["passive"] > within90["promoter"]
    assert within180["passive"] > within180["promoter"]


def test_no_activity_after_churn(sample):
    churned_at = sample.churn.set_index("customer_id")["churned_at"]
    r_at = sample.responses["customer_id"].map(churned_at)
    assert not (sample.responses["responded_at"] > r_at).any()
    t_at = sample.transactions["customer_id"].map(churned_at)
    assert not (sample.transactions["date"] > t_at).any()
    assert (sample.churn["churned_at"].dropna() <= END).all()
    signup = sample.churn["customer_id"].map(sample.customers.set_index("customer_id")["signup_at"])
    assert (sample.churn["churned_at"].dropna() >= signup[sample.churn["churned"]]).all()


def test_churn_hazard_matches_documented_rates():
    # One scripted response per customer: the chance of churning within the horizon after it, given
    # survival until it, must equal the configured rate (independent check of the hazard arithmetic).
    n = 40_000
    ids = [f"C{i:06d}" for i in range(n)]
    signup = pd.Timestamp("2024-01-01", tz="UTC")
    customers = pd.DataFrame({"customer_id": ids, "signup_at": [signup] * n})
    kinds = np.repeat(["detractor", "early_life_detractor", "passive", "promoter"], n // 4)
    score = np.select([kinds == "passive", kinds == "promoter"], [7, 10], 3)
    offset = np.where(kinds == "early_life_detractor", 5, 60)
    responses = pd.DataFrame(
        {"customer_id": ids, "responded_at": signup + pd.to_timedelta(offset, unit="D"), "score": score}
    )
    churn = datasets.make_churn(customers, responses, seed=1, as_of="2025-06-30")
    at = churn["churned_at"]
    alive = ~(at <= responses["responded_at"])
    baseline_hazard = -np.log1p(-datasets.DEFAULT_CHURN_RATES["baseline"]) / 365.0
    early_survival = np.exp(-baseline_hazard * offset)
    for kind in ("detractor", "early_life_detractor", "passive", "promoter"):
        m = kinds == kind
        horizon = datasets.DEFAULT_CHURN_HORIZONS[kind]
        hit = at[m & alive] <= responses["responded_at"][m & alive] + pd.Timedelta(days=horizon)
        expected = datasets.DEFAULT_CHURN_RATES[kind]
        se = np.sqrt(expected * (1 - expected) / (m & alive).sum())
        assert abs(hit.mean() - expected) < 4 * se + 1e-3, kind
        assert alive[m].mean() == pytest.approx(early_survival[m][0], abs=0.02)
    # Overrides are used.
    lower = datasets.make_churn(customers, responses, seed=1, as_of="2025-06-30", rates={"detractor": 0.1})
    assert lower["churned"][kinds == "detractor"].mean() < churn["churned"][kinds == "detractor"].mean() - 0.2


def test_churn_model_from_earlier_period_ranks_later_churners(sample):
    r = _churn_within(sample, 90)
    early = r[r["responded_at"] < pd.Timestamp("2024-07-01", tz="UTC")]
    late = r[r["responded_at"] >= pd.Timestamp("2024-07-01", tz="UTC")]
    rate = early.groupby("segment")["hit"].mean()  # "train": churn rate by segment in the earlier period
    predicted = late["segment"].map(rate).to_numpy()
    assert auc(predicted, late["hit"].to_numpy()) > 0.65


def test_clv_ranks_promoters_above_detractors(sample):
    mean_score = sample.responses.groupby("customer_id")["score"].mean()
    c = sample.customers.set_index("customer_id").join(mean_score.rename("mean_score"), how="inner")
    by_segment = c.groupby(segment(c["mean_score"].round()))["clv"].mean()
    assert by_segment["promoter"] > by_segment["passive"] > by_segment["detractor"]


# ----------------------------------------------------------------------------------------------
# Transactions.
# ----------------------------------------------------------------------------------------------


def test_transactions_basic_invariants(sample, small_world):
    for customers, t, end in (
        (sample.customers, sample.transactions, END),
        (small_world[0], small_world[3], END),
    ):
        assert (t["date"] <= end).all()
        assert (t["amount"] > 0).all()
        assert t["customer_id"].isin(customers["customer_id"]).all()
        # Every customer buys on the sign-up day.
        first = t.groupby("customer_id")["date"].min()
        signup_day = customers.set_index("customer_id")["signup_at"].dt.normalize()
        assert (first == signup_day[first.index]).all() and len(first) == len(customers)
    cut = datasets.make_transactions(small_world[0], seed=7, end="2024-06-30")
    assert (cut["date"] <= pd.Timestamp("2024-06-30", tz="UTC")).all()


def test_references_exist(sample):
    ids = set(sample.customers["customer_id"])
    assert set(sample.responses["customer_id"]) <= ids
    assert set(sample.transactions["customer_id"]) <= ids
    assert set(sample.churn["customer_id"]) == ids
    with pytest.raises(ValueError, match="not in customers"):
        datasets.make_churn(sample.customers.iloc[:10], sample.responses, seed=0)


def test_purchases_follow_bgnbd_and_gamma_gamma():
    special = pytest.importorskip("scipy.special")
    params = {
        "r": 0.9, "alpha": 60.0, "a": 2.0, "b": 6.0, "p": 5.0, "q": 5.0, "gamma": 4.0, "satisfaction_link": 0.0,
    }
    n = 20_000
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in range(n)],
            "signup_at": pd.Timestamp("2024-01-01", tz="UTC"),
            "plan": "pro",
        }
    )
    t = datasets.make_transactions(customers, seed=2, end="2024-12-31", params=params)
    repeat = t.groupby("customer_id").size() - 1
    horizon = 365.0
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    # E[X(t)] of the BG/NBD model (Fader, Hardie and Lee 2005, eq. 9).
    z = horizon / (alpha + horizon)
    tail = (alpha / (alpha + horizon)) ** r * special.hyp2f1(r, b, a + b - 1, z)
    expected = (a + b - 1) / (a - 1) * (1 - tail)
    assert repeat.mean() == pytest.approx(expected, rel=0.03)
    # Gamma-Gamma: mean spend per purchase = scale * p * gamma / (q - 1).
    scale = datasets.DEFAULT_SPEND_SCALE["pro"]
    expected_spend = scale * params["p"] * params["gamma"] / (params["q"] - 1)
    assert t["amount"].mean() == pytest.approx(expected_spend, rel=0.05)


# ----------------------------------------------------------------------------------------------
# Parameters and validation.
# ----------------------------------------------------------------------------------------------


def test_overrides_change_the_output(small_world):
    customers = small_world[0]
    only_starter = datasets.make_customers(
        200, seed=1, plan_mix={"starter": 1.0, "pro": 0.0, "enterprise": 0.0}
    )
    assert (only_starter["plan"] == "starter").all()
    silent = {"comment_rate": {"detractor": 0.0, "passive": 0.0, "promoter": 0.0}}
    quiet = datasets.make_responses(customers, seed=7, comments=silent)
    assert (quiet["comment"] == "").all()
    fewer = datasets.make_responses(customers, seed=7, surveys_per_year=1)
    relational = (small_world[1]["survey_kind"] == "relational").sum()
    assert (fewer["survey_kind"] == "relational").sum() < relational


def test_defaults_are_documented_and_not_mutated():
    assert datasets.DEFAULT_CHURN_RATES["detractor"] == 0.45
    assert datasets.DEFAULT_CHURN_HORIZONS["detractor"] == 90
    assert 0.20 <= datasets.DEFAULT_CHURN_RATES["passive"] <= 0.30
    assert datasets.DEFAULT_CHURN_HORIZONS["passive"] == 180
    assert datasets.DEFAULT_CHURN_RATES["early_life_detractor"] > datasets.DEFAULT_CHURN_RATES["detractor"]
    assert datasets.DEFAULT_CHURN_RATES["promoter"] < datasets.DEFAULT_CHURN_RATES["passive"]
    assert datasets.DEFAULT_SURVEY_PARAMS["min_gap_days"] == 90
    assert sum(datasets.DEFAULT_SCORE_PMF) == pytest.approx(1.0)
    before = repr(datasets.DEFAULT_LATENT)
    datasets.make_customers(50, seed=0, latent={"plan_effect": {"starter": -3.0}})
    assert repr(datasets.DEFAULT_LATENT) == before
    for name in ("make_customers", "make_responses", "make_churn"):
        assert "docs/sources.md" in getattr(datasets, name).__doc__, name
    assert "docs/sources.md" in datasets.__doc__


def test_invalid_inputs_raise(small_world):
    customers = small_world[0]
    with pytest.raises(ValueError, match="unknown key"):
        datasets.make_responses(customers, latent={"no_such_key": 1.0})
    with pytest.raises(ValueError):
        datasets.make_customers(-1)
    with pytest.raises(ValueError):
        datasets.make_responses(customers, surveys_per_year=0)
    with pytest.raises(ValueError):
        datasets.make_churn(customers, small_world[1], rates={"detractor": 1.5})
    with pytest.raises(ValueError, match="lacks columns"):
        datasets.make_responses(customers.drop(columns=["signup_at"]))


def test_empty_and_tiny_inputs():
    empty = datasets.make_customers(0)
    assert empty.empty and list(empty.columns)[:2] == ["customer_id", "account_id"]
    r = datasets.make_responses(empty)
    assert r.empty and "score" in r.columns
    assert datasets.make_churn(empty, r).empty
    assert datasets.make_transactions(empty).empty
    one = datasets.make_customers(1, seed=0)
    assert len(datasets.make_transactions(one)) >= 1


def test_sample_shows_and_returns_its_case_log(sample):
    frames = sample.to_dict()
    assert frames["cases"] is sample.cases and len(sample.cases) > 0
    c = sample.cases
    assert f"cases={len(c)}x{c.shape[1]})" in repr(sample)
    html = sample._repr_html_()
    assert "cases" in html and f"{len(c):,}" in html
