"""Churn reasons that mean something, on the shipped sample: the core's rules
(one score-history reason, nothing from filled-in or inapplicable values,
nothing against a feature's documented direction), their stability, the
prior as every backtest's baseline, and user columns as of the feature date."""

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import ChurnModel
from npscore.churn import backtest, churn_features, churn_labels

HISTORY = {"score", "mean_score", "min_score", "segment=detractor", "segment=passive",
           "detractor_share", "score_change", "segment_change"}
FEATURES = dict(signup="signup_at", columns=["plan", "company_size"], static_columns=True)


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample()


@pytest.fixture(scope="module")
def explained(sample):
    """The report's model: fitted as of 90 days before the data ends."""
    end = max(pd.to_datetime(sample.responses["responded_at"]).max(),
              pd.to_datetime(sample.churn["churned_at"]).max())
    as_of = (end - pd.Timedelta(days=90)).floor("D")
    X = churn_features(sample.responses, sample.customers, as_of=as_of, **FEATURES)
    y = churn_labels(sample.churn, as_of=as_of, horizon_days=90)
    known = X.index.intersection(y.index)
    X, y = X.loc[known], y[known]
    model = ChurnModel(standardize=True).fit(X, y.to_numpy())
    return X, y, model, model.explain(X, top=3)


def _features(reasons):
    return reasons[["feature_1", "feature_2", "feature_3"]]


def test_score_history_is_one_reason_and_never_a_high_score(explained):
    X, _, model, r = explained
    f = _features(r)
    # At most one reason per row comes from the score-history columns.
    assert (f.isin(HISTORY).sum(axis=1) <= 1).all()
    # Its text is one phrase.
    history = r.loc[f["feature_1"].isin(HISTORY), "reason_1"]
    assert len(history) and history.str.startswith("score history").all()
    # A promoter whose every answer was a promoter's has no score-history reason:
    # a high score never raises the risk.
    promoter = (X["has_response"] == 1) & (X["segment=detractor"] == 0) \
        & (X["segment=passive"] == 0) & (X["min_score"] >= 9)
    assert promoter.sum() > 300
    assert not f[promoter].isin(HISTORY).any().any()
    # Any promoter's score-history reason rests on an earlier, lower answer.
    promoters = (X["has_response"] == 1) & (X["segment=detractor"] == 0) \
        & (X["segment=passive"] == 0)
    with_reason = promoters & f.isin(HISTORY).any(axis=1)
    assert (X.loc[with_reason, "min_score"] <= 8).all()
    assert r.loc[with_reason & f["feature_1"].isin(HISTORY), "reason_1"].str.contains(
        "lowest").all()
    # Wherever the group is a reason, its net contribution is positive.
    for k in (1, 2, 3):
        c = r.loc[f[f"feature_{k}"].isin(HISTORY), f"contribution_{k}"]
        assert (c > 0).all()


def test_no_reason_from_filled_in_or_inapplicable_values(explained):
    X, _, _, r = explained
    f = _features(r)
    never = X["has_response"] == 0
    assert never.sum() > 50
    filled = HISTORY | {"days_since_response", "tenure_days"}
    assert not f[never].isin(filled).any().any()
    not_detractor = X["segment=detractor"] == 0
    assert not (f[not_detractor] == "days_detractor_waiting").any().any()
    waiting = (f == "days_detractor_waiting").any(axis=1)
    assert (X.loc[waiting, "days_detractor_waiting"] > 0).all()
    # Changes need two answers.
    single = X["n_responses"] <= 1
    assert not f[single].isin({"score_change", "segment_change"}).any().any()


def test_single_answer_detractors_get_one_score_reason(explained):
    X, _, _, r = explained
    single = (X["n_responses"] == 1) & (X["segment=detractor"] == 1)
    assert single.sum() >= 20
    f = _features(r)[single]
    assert (f.isin(HISTORY).sum(axis=1) == 1).all()


def test_reasons_follow_the_documented_direction(explained):
    X, _, model, r = explained
    rules = dict(zip(model._fitted().feature_names,
                     npscore._npscore.churn_reason_rules(list(model._fitted().feature_names))))
    coef = dict(zip(model._fitted().feature_names, model.coef_))
    for k in (1, 2, 3):
        for name in r[f"feature_{k}"].dropna().unique():
            group, direction, _, _ = rules[name]
            if group or direction == 0:
                continue
            assert np.sign(coef[name]) == direction, name


def test_reason_stability(explained):
    X, y, model, _ = explained
    s = model.reason_stability(X, y, n_boot=5, seed=1)
    assert s.n_boot == 5
    assert s.top_reason_agreement.between(0, 1).all()
    assert len(s.top_reason_agreement) == len(X)
    assert list(s.sign_stability.index) == list(X.columns)
    assert s.sign_stability.between(0, 1).all()
    assert 0 <= s.mean_top_reason_agreement <= 1
    assert set(s.unstable_signs) == set(s.sign_stability.index[s.sign_stability < 0.9])
    # Refits on the same sample as the model agree with it: a bootstrap of
    # identical rows is the sample itself.
    with pytest.raises(ValueError, match="prior model"):
        ChurnModel.prior(90).reason_stability(X, y)


def test_backtest_prints_the_prior_baseline(sample):
    bt = backtest(sample, train_as_of="2024-06-30", test_as_of="2025-06-30", horizon_days=90,
                  **FEATURES)
    prior = ChurnModel.prior(90).predict_proba(bt.split.X_test)[:, 1]
    ev = npscore.evaluate(bt.split.y_test.to_numpy(), prior)
    assert bt.prior_auc == pytest.approx(ev.auc)
    assert bt.prior_brier == pytest.approx(ev.brier)
    assert bt.brier == pytest.approx(
        np.mean((bt.p_test.to_numpy() - bt.split.y_test.to_numpy()) ** 2))
    text = str(bt)
    assert "prior" in text and f"{bt.prior_auc:.3f}" in text and f"{bt.auc:.3f}" in text
    assert bt.beats_prior == (bt.auc > bt.prior_auc and bt.brier < bt.prior_brier)
    assert {"prior_auc", "prior_brier", "beats_prior"} <= set(bt.to_dict())


def test_prior_rates_are_what_the_sample_realises(sample):
    # Detractors at the latest answer as of 2025-06-30, 90 days on.
    rates = ChurnModel.default_prior_rates()
    assert rates["baseline"] == (0.05, 90.0)
    assert rates["detractor"] == (0.40, 90.0)
    X = churn_features(sample.responses, sample.customers, as_of="2024-06-30",
                       signup="signup_at")
    y = churn_labels(sample.churn, as_of="2024-06-30", horizon_days=90)
    known = X.index.intersection(y.index)
    never = X.loc[known, "has_response"] == 0
    # One date's realised no-answer rate is near the pooled 4.9%, far from
    # the former default's 2.6%.
    assert 0.03 < y[known][never].mean() < 0.08


def test_user_columns_need_a_point_in_time_or_static(sample):
    r, c = sample.responses, sample.customers
    with pytest.raises(ValueError, match="static_columns=True"):
        churn_features(r, c, as_of="2025-01-01", columns=["plan"])
    with pytest.raises(ValueError, match="not both"):
        churn_features(r, c, as_of="2025-01-01", columns=["plan"], static_columns=True,
                       valid_from="signup_at")
    # Snapshots: the first customer moves from its plan to "enterprise" on
    # 2025-03-01; as of 2025-01-01 the old plan holds, as of 2025-06-01 the new.
    first = c.iloc[0]
    moved = first.copy()
    moved["plan"] = "enterprise" if first["plan"] != "enterprise" else "starter"
    snap = pd.concat([c.assign(valid_from=pd.NaT),
                      pd.DataFrame([moved]).assign(valid_from=pd.Timestamp("2025-03-01"))],
                     ignore_index=True)
    snap["plan"] = snap["plan"].astype(c["plan"].dtype)
    before = churn_features(r, snap, as_of="2025-01-01", columns=["plan"], valid_from="valid_from")
    after = churn_features(r, snap, as_of="2025-06-01", columns=["plan"], valid_from="valid_from")
    static = churn_features(r, c, as_of="2025-01-01", columns=["plan"], static_columns=True)
    pd.testing.assert_frame_equal(before, static)
    cid = first["customer_id"]
    col = f"plan={moved['plan']}"
    if col in after.columns:
        assert after.loc[cid, col] == 1
    others = after.drop(index=cid)
    pd.testing.assert_frame_equal(others, churn_features(
        r, c, as_of="2025-06-01", columns=["plan"], static_columns=True).drop(index=cid))


def test_reason_columns_share_one_text_dtype_even_when_empty(explained):
    X, _, model, _ = explained
    # More slots than any row has reasons: the last ones hold no reason at all.
    ex = model.explain(X.head(50), top=X.shape[1])
    empty = [k for k in range(1, X.shape[1] + 1) if ex[f"feature_{k}"].isna().all()]
    assert empty, "expected a slot without any reason"
    for k in range(1, X.shape[1] + 1):
        for name in (f"reason_{k}", f"feature_{k}"):
            assert ex[name].dtype == pd.StringDtype(na_value=np.nan), (name, ex[name].dtype)
    k = empty[0]
    assert ex[f"reason_{k}"].iloc[0] is np.nan and ex[f"feature_{k}"].iloc[0] is np.nan
    assert np.isnan(ex[f"contribution_{k}"]).all()
