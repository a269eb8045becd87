"""Tests of the churn model (issue 4): npscore.ChurnModel, npscore.evaluate and
npscore.churn.cross_validate.

Oracles: scikit-learn's LogisticRegression (lbfgs, l1_ratio=0, tight tol) on the
same design for coefficients and probabilities, StandardScaler for the
standardised fit, sklearn.metrics (roc_auc_score, brier_score_loss, log_loss)
for the evaluation, the documented segment rates (docs/sources.md §5) and the
constant-hazard conversion by hand for the prior, and hand computations for
the reasons.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.preprocessing import StandardScaler

import npscore
from npscore import ChurnModel, evaluate
from npscore.churn import REASON_PHRASES, cross_validate


def make_data(n=2000, p=6, seed=0, imbalance=-1.0):
    rng = np.random.default_rng(seed)
    X = np.empty((n, p))
    for j in range(p):
        if j % 3 == 2:
            X[:, j] = rng.random(n) < 0.3  # an indicator
        else:
            X[:, j] = rng.normal(loc=j, scale=1 + j, size=n)
    beta = np.array([(0.5 if j % 2 else -0.4) / (1 + j) for j in range(p)])
    z = imbalance + (X - X.mean(0)) @ beta
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int64)
    return X, y


def sk_fit(X, y, sample_weight=None, **kw):
    m = LogisticRegression(tol=1e-10, max_iter=100_000, **kw)
    return m.fit(X, y, sample_weight=sample_weight)


def assert_close_coef(ours, theirs, rtol=1e-4):
    ours, theirs = np.ravel(ours), np.ravel(theirs)
    scale = max(1.0, np.abs(theirs).max())
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * scale * 1e-2)


# --- fit against scikit-learn ----------------------------------------------------------

@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_coefficients_match_sklearn(C):
    X, y = make_data(seed=1)
    ours = ChurnModel(C=C, tol=1e-10).fit(X, y)
    sk = sk_fit(X, y, C=C)
    assert ours.converged_
    assert_close_coef(ours.coef_, sk.coef_)
    assert ours.intercept_ == pytest.approx(sk.intercept_[0], rel=1e-4, abs=1e-7)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=1e-6, atol=1e-8)


def test_sample_weights_and_class_weights_match_sklearn():
    X, y = make_data(n=1500, seed=2, imbalance=-2.0)
    w = np.random.default_rng(3).uniform(0.2, 3.0, size=len(y))
    for cw in [None, "balanced", {0: 1.0, 1: 4.0}]:
        ours = ChurnModel(C=0.5, class_weight=cw, tol=1e-10).fit(X, y, sample_weight=w)
        sk = sk_fit(X, y, sample_weight=w, C=0.5, class_weight=cw)
        assert_close_coef(ours.coef_, sk.coef_)
        assert ours.intercept_ == pytest.approx(sk.intercept_[0], rel=1e-4, abs=1e-7)
        assert ours.class_weight == cw


def test_no_intercept_matches_sklearn():
    X, y = make_data(seed=4)
    ours = ChurnModel(C=2.0, fit_intercept=False, tol=1e-10).fit(X, y)
    sk = sk_fit(X, y, C=2.0, fit_intercept=False)
    assert_close_coef(ours.coef_, sk.coef_)
    assert ours.intercept_ == 0.0


def test_standardize_matches_sklearn_on_scaled_columns():
    X, y = make_data(seed=5)
    X[:, 0] *= 1000.0  # very different scales
    ours = ChurnModel(C=0.05, standardize=True, tol=1e-10).fit(X, y)
    scaler = StandardScaler().fit(X)
    sk = sk_fit(scaler.transform(X), y, C=0.05)
    coef = sk.coef_[0] / scaler.scale_
    intercept = sk.intercept_[0] - np.sum(coef * scaler.mean_)
    assert_close_coef(ours.coef_, coef)
    assert ours.intercept_ == pytest.approx(intercept, rel=1e-4)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(scaler.transform(X)),
                               rtol=1e-6, atol=1e-8)


def test_objective_is_at_least_as_low_as_sklearns():
    X, y = make_data(n=3000, seed=6)
    C = 0.3
    ours = ChurnModel(C=C, tol=1e-10).fit(X, y)
    sk = sk_fit(X, y, C=C)

    def objective(coef, b):
        z = b + X @ coef
        return (np.sum(np.logaddexp(0, z) - y * z) + coef @ coef / (2 * C)) / len(y)

    ours_f = objective(ours.coef_, ours.intercept_)
    assert ours.objective_ == pytest.approx(ours_f, rel=1e-12)
    assert ours_f <= objective(sk.coef_[0], sk.intercept_[0]) + 1e-12


def test_dataframe_names_and_column_matching():
    X, y = make_data(n=500, p=3, seed=7)
    df = pd.DataFrame(X, columns=["days_detractor_waiting", "tenure_days", "segment=detractor"])
    m = ChurnModel().fit(df, pd.Series(y.astype(bool)))
    assert list(m.feature_names_in_) == list(df.columns)
    assert m.n_features_in_ == 3
    # Reordered columns are matched by name.
    np.testing.assert_array_equal(m.predict_proba(df[df.columns[::-1]]), m.predict_proba(df))
    with pytest.raises(ValueError, match=r"lacks the feature column\(s\) \['tenure_days'\]"):
        m.predict_proba(df.drop(columns="tenure_days"))
    with pytest.raises(ValueError, match=r"column\(s\) \['extra'\] the model was not fitted on"):
        m.predict_proba(df.assign(extra=1.0))
    with pytest.raises(ValueError, match="X has 2 features, but ChurnModel is expecting 3 features"):
        m.predict_proba(X[:, :2])
    plain = ChurnModel().fit(X, y)
    with pytest.raises(AttributeError, match="feature_names_in_"):
        plain.feature_names_in_
    with pytest.raises(ValueError, match="not fitted"):
        ChurnModel().predict_proba(X)


# --- bad input -------------------------------------------------------------------------

def test_bad_labels_and_values():
    X, y = make_data(n=50, p=2, seed=8)
    bad = y.astype(float)
    bad[7] = 2
    with pytest.raises(ValueError, match=r"y has 3 classes \(0.0, 1.0, 2.0\); label at row 7 is 2.0, a third class"):
        ChurnModel().fit(X, bad)
    bad[7] = np.nan
    with pytest.raises(ValueError, match="label at row 7 is missing"):
        ChurnModel().fit(X, bad)
    with pytest.raises(ValueError, match="label at row 3 is missing"):
        ChurnModel().fit(X, pd.Series(y, dtype="Int64").mask(np.arange(50) == 3))
    with pytest.raises(ValueError, match="no row of class 1"):
        ChurnModel().fit(X, np.zeros(50))
    with pytest.raises(ValueError, match=r"y has a single class \('a'\)"):
        ChurnModel().fit(X, np.array(["a"] * 50))
    Xb = X.copy()
    Xb[11, 1] = np.inf
    with pytest.raises(ValueError, match=r"X at row 11, column 1 \('b'\) is inf"):
        ChurnModel().fit(pd.DataFrame(Xb, columns=["a", "b"]), y)
    Xb[11, 1] = np.nan
    m = ChurnModel().fit(X, y)
    with pytest.raises(ValueError, match=r"X at row 11, column 1 \('x1'\) is NaN"):
        m.predict_proba(Xb)
    with pytest.raises(ValueError, match="y has 49 labels but X has 50 rows"):
        ChurnModel().fit(X, y[:-1])
    with pytest.raises(ValueError, match="C is 0"):
        ChurnModel(C=0).fit(X, y)
    with pytest.raises(ValueError, match="class_weight"):
        ChurnModel(class_weight="auto").fit(X, y)
    with pytest.raises(ValueError, match="sample_weight at row 2 is -1"):
        ChurnModel().fit(X, y, sample_weight=np.r_[1, 1, -1, np.ones(47)])
    with pytest.raises(TypeError, match="column 'a' has dtype"):
        ChurnModel().fit(pd.DataFrame({"a": ["x"] * 50, "b": X[:, 0]}), y)


def test_duplicated_and_constant_columns():
    X, y = make_data(n=200, p=2, seed=9)
    dup = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 0]})
    with pytest.raises(ValueError, match=r"columns 0 \('a'\) and 2 \('c'\) of X are identical"):
        ChurnModel(C=np.inf).fit(dup, y)  # no penalty: the split is not unique
    m = ChurnModel().fit(dup, y)  # with one, the penalty splits the coefficient evenly
    assert m.coef_[0] == pytest.approx(m.coef_[2], rel=1e-9)
    const = pd.DataFrame({"a": X[:, 0], "zero": 0.0})
    with pytest.warns(npscore.ChurnDataWarning, match=r"column 1 \('zero'\) is constant"):
        m = ChurnModel().fit(const, y)
    assert m.coef_[1] == 0.0  # the penalty gives an all-zero column nothing


def test_non_convergence_warns_with_iterations_and_gradient():
    X, y = make_data(n=300, seed=10)
    with pytest.warns(npscore.ConvergenceWarning, match=r"did not converge in 1 iteration: the gradient norm is"):
        m = ChurnModel(max_iter=1, tol=1e-14).fit(X, y)
    assert not m.converged_ and m.n_iter_ == 1 and m.grad_norm_ > 1e-14
    assert issubclass(npscore.ConvergenceWarning, Warning)


# --- reasons ---------------------------------------------------------------------------

def test_explain_matches_hand_computation():
    X, y = make_data(n=400, p=4, seed=11)
    df = pd.DataFrame(X, columns=["days_detractor_waiting", "tenure_days", "segment=detractor", "other"])
    df["days_detractor_waiting"] = np.abs(df["days_detractor_waiting"]).round()
    m = ChurnModel().fit(df, y)
    ref = np.where(df.isin([0, 1]).all().to_numpy(), 0.0, df.mean().to_numpy())
    np.testing.assert_allclose(m.reference_, ref, rtol=1e-12)
    out = m.explain(df.iloc[:50], top=2, describe={"other": "other is {value:.1f}"})
    assert list(out.columns) == ["churn_probability", "reason_1", "feature_1", "contribution_1",
                                 "reason_2", "feature_2", "contribution_2"]
    np.testing.assert_array_equal(out["churn_probability"], m.predict_proba(df.iloc[:50])[:, 1])
    contrib = m.coef_ * (df.iloc[:50].to_numpy() - ref)
    names = list(df.columns)
    # The core's reason rules (npscore/churn.h): a column is a reason only when
    # its coefficient has the documented sign (days waiting +1, tenure -1,
    # detractor +1, "other" none), days waiting only while > 0.
    direction = np.array([1, -1, 1, 0])
    agrees = (direction == 0) | (np.sign(m.coef_) == direction)
    for i in range(50):
        applies = agrees & np.array([df.iloc[i, 0] > 0, True, True, True])
        order = [j for j in np.argsort(-contrib[i], kind="stable")
                 if contrib[i, j] > 0 and applies[j]][:2]
        for k in range(2):
            if k < len(order):
                j = order[k]
                assert out[f"feature_{k + 1}"].iloc[i] == names[j]
                assert out[f"contribution_{k + 1}"].iloc[i] == pytest.approx(contrib[i, j], rel=1e-12)
                v = df.iloc[i, j]
                text = out[f"reason_{k + 1}"].iloc[i]
                if names[j] == "days_detractor_waiting":
                    days = f"{v:.0f} day" + ("" if round(v) == 1 else "s")
                    assert text == f"detractor for {days} without follow-up"
                elif names[j] == "other":
                    assert text == f"other is {v:.1f}"
                elif names[j] == "segment=detractor":
                    assert text == "score history: detractor at the latest answer"
            else:
                assert pd.isna(out[f"feature_{k + 1}"].iloc[i])
                assert pd.isna(out[f"reason_{k + 1}"].iloc[i])
                assert np.isnan(out[f"contribution_{k + 1}"].iloc[i])
    assert "days_detractor_waiting" in REASON_PHRASES


# --- prior -----------------------------------------------------------------------------

def test_prior_reproduces_documented_rates_and_horizons():
    # Rows: detractor, early-life detractor, passive, promoter, no answer yet.
    rows = pd.DataFrame({
        "segment=detractor": [1, 1, 0, 0, 0],
        "segment=passive": [0, 0, 1, 0, 0],
        "has_response": [1, 1, 1, 1, 0],
        "early_life_detractor": [0, 1, 0, 0, 0],
        "unrelated": [5.0, 1.0, 2.0, 3.0, 4.0],
    })
    m = ChurnModel.prior(90)
    p = m.predict_proba(rows)[:, 1]
    expected = [0.40, 0.50, 1 - 0.75 ** 0.5, 1 - 0.91 ** 0.5, 0.05]
    np.testing.assert_allclose(p, expected, rtol=1e-12)
    p180 = ChurnModel.prior(180).predict_proba(rows)[:, 1]
    np.testing.assert_allclose(p180, [1 - 0.6 ** 2, 1 - 0.5 ** 2, 0.25, 0.09, 1 - 0.95 ** 2],
                               rtol=1e-12)
    # Overrides: a bare rate keeps its default horizon; a pair sets both.
    m2 = ChurnModel.prior(30, rates={"passive": 0.3, "promoter": (0.02, 30)})
    p2 = m2.predict_proba(rows)[:, 1]
    assert p2[2] == pytest.approx(1 - 0.7 ** (30 / 180), rel=1e-12)
    assert p2[3] == pytest.approx(0.02, rel=1e-12)
    assert ChurnModel.default_prior_rates()["detractor"] == (0.40, 90.0)
    assert m.is_prior and m.horizon_days == 90
    reasons = m.explain(rows, top=2)
    assert reasons["reason_1"].iloc[1] == "score history: detractor at the latest answer"
    assert reasons["reason_2"].iloc[1] == "detractor in the first days after sign-up"
    with pytest.raises(ValueError, match="unknown segment"):
        ChurnModel.prior(90, rates={"churner": 0.5})
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        ChurnModel.prior(90, rates={"passive": 1.5})
    with pytest.raises(ValueError, match="lacks the feature column"):
        m.predict_proba(rows.drop(columns="segment=passive"))
    renamed = ChurnModel.prior(90, columns={"detractor": "is_det"})
    assert renamed.predict_proba(rows.rename(columns={"segment=detractor": "is_det"}))[0, 1] == \
        pytest.approx(0.40)


# --- evaluation ------------------------------------------------------------------------

def test_evaluate_matches_sklearn_metrics():
    rng = np.random.default_rng(12)
    y = rng.random(997) < 0.3
    p = np.clip(np.round(0.3 + 0.3 * (y - 0.3) + rng.normal(0, 0.2, 997), 2), 0, 1)  # many ties
    p[:3] = [0.0, 1.0, 1.0]
    e = evaluate(y, p)
    assert e.auc == pytest.approx(roc_auc_score(y, p), rel=1e-12)
    assert e.brier == pytest.approx(brier_score_loss(y, p), rel=1e-12)
    assert e.log_loss == pytest.approx(log_loss(y, p), rel=1e-12)
    order = np.argsort(p, kind="stable")
    edges = [997 * b // 10 for b in range(11)]
    for b in range(10):
        idx = order[edges[b]:edges[b + 1]]
        row = e.reliability.iloc[b]
        assert row["count"] == len(idx)
        assert row["mean_predicted"] == pytest.approx(p[idx].mean(), rel=1e-12)
        assert row["observed_rate"] == pytest.approx(y[idx].mean(), rel=1e-12)
    top = order[-100:]
    assert e.lift == pytest.approx(y[top].mean() / y.mean(), rel=1e-12)
    assert e.to_dict()["auc"] == e.auc
    # The (n, 2) output of predict_proba is accepted.
    assert evaluate(y, np.column_stack([1 - p, p])).auc == e.auc
    with pytest.raises(ValueError, match="only class"):
        evaluate(np.ones(5), np.full(5, 0.5))
    with pytest.raises(ValueError, match="probability at row 1 is 1.5"):
        evaluate([0, 1], [0.2, 1.5])


def test_cross_validate_and_time_split_auc():
    X, y = make_data(n=1000, seed=13)
    folds = cross_validate(ChurnModel(C=0.5), X, y, k=4, seed=1)
    assert list(folds["fold"]) == [0, 1, 2, 3]
    assert folds["n_test"].sum() == 1000
    assert (folds["auc"] > 0.55).all()
    # The folds are the core's (a SplitMix64 shuffle: the same seed gives the
    # same folds in every language), 250 rows each; each fold is
    # scikit-learn's fit on the other folds' rows.
    fold_of = npscore._npscore.churn_folds(1000, 4, 1)
    assert np.bincount(fold_of).tolist() == [250] * 4
    for i in range(4):
        test = fold_of == i
        sk = sk_fit(X[~test], y[~test], C=0.5)
        p = sk.predict_proba(X[test])[:, 1]
        assert folds["auc"].iloc[i] == pytest.approx(roc_auc_score(y[test], p), abs=1e-6)
        assert folds["brier"].iloc[i] == pytest.approx(brier_score_loss(y[test], p), abs=1e-6)
        assert folds["log_loss"].iloc[i] == pytest.approx(log_loss(y[test], p), abs=1e-6)
    pd.testing.assert_frame_equal(folds, cross_validate(ChurnModel(C=0.5), X, y, k=4, seed=1))
    with pytest.raises(ValueError, match=r"k is 1001: it must be between 2 and the number of rows"):
        cross_validate(ChurnModel(), X, y, k=1001)


# --- persistence -----------------------------------------------------------------------

def test_save_load_bit_for_bit_and_corruption(tmp_path):
    X, y = make_data(n=800, seed=14)
    df = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    m = ChurnModel(C=0.2, standardize=True, class_weight="balanced").fit(df, y)
    path = tmp_path / "model.npschurn"
    m.save(path)
    back = ChurnModel.load(path)
    assert np.array_equal(back.predict_proba(df), m.predict_proba(df))
    assert np.array_equal(back.coef_, m.coef_) and back.intercept_ == m.intercept_
    assert list(back.feature_names_in_) == list(df.columns)
    assert back.class_weight == "balanced" and back.standardize
    pd.testing.assert_frame_equal(back.explain(df), m.explain(df))
    data = path.read_bytes()
    (tmp_path / "short").write_bytes(data[:-5])
    with pytest.raises(ValueError, match="truncated"):
        ChurnModel.load(tmp_path / "short")
    flipped = bytearray(data)
    flipped[60] ^= 0x01
    (tmp_path / "flip").write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="checksum"):
        ChurnModel.load(tmp_path / "flip")
    (tmp_path / "foreign").write_bytes(b"PK\x03\x04" + data[4:])
    with pytest.raises(ValueError, match="magic"):
        ChurnModel.load(tmp_path / "foreign")
    newer = bytearray(data)
    newer[8] = 9
    (tmp_path / "newer").write_bytes(bytes(newer))
    with pytest.raises(ValueError, match="version 9 is not supported"):
        ChurnModel.load(tmp_path / "newer")
    with pytest.raises(ValueError, match="cannot open"):
        ChurnModel.load(tmp_path / "missing")
    prior = ChurnModel.prior(60)
    prior.save(tmp_path / "prior")
    assert ChurnModel.load(tmp_path / "prior").is_prior


def test_gil_released_threads_agree():
    X, y = make_data(n=20000, p=5, seed=15)
    a = ChurnModel(tol=1e-10, threads=1).fit(X, y)
    b = ChurnModel(tol=1e-10, threads=2).fit(np.asfortranarray(X), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isfinite(a.explain(X[:10]).iloc[0]["churn_probability"])


def test_default_phrasing_of_unlisted_columns():
    X = np.array([[1.0, 2.5], [0.0, 4.0], [1.0, 0.5], [0.0, 1.0]] * 10)
    y = np.array([1, 0, 1, 0] * 10)
    X[::7, 1] += 0.1
    df = pd.DataFrame(X, columns=["plan=enterprise", "seats"])
    m = ChurnModel(C=10.0).fit(df, y)
    out = m.explain(df.iloc[:1], top=1)
    assert out["reason_1"].iloc[0] == "plan is enterprise"
    # A callable describe entry gets the value.
    out = m.explain(df.iloc[:1], top=1, describe={"plan=enterprise": lambda v: f"<{v:g}>"})
    assert out["reason_1"].iloc[0] == "<1>"


def test_sample_data_earlier_period_ranks_later_churners():
    """On the sample data (npscore.datasets), a model trained on an earlier
    period ranks the churners of a later one: AUC as scikit-learn's pipeline
    on the same split; the untrained prior ranks them about as well and its
    mean probability is near the observed rate (the sample's hazards follow
    the same documented rates)."""
    from sklearn.pipeline import make_pipeline

    from npscore import datasets
    from npscore.churn import time_split

    split = time_split(datasets.load_sample(), train_as_of="2024-03-31", test_as_of="2024-12-31",
                       horizon_days=90, signup="signup_at", columns=["plan"],
                       static_columns=True)
    m = ChurnModel(standardize=True, tol=1e-10).fit(split.X_train, split.y_train)
    e = evaluate(split.y_test, m.predict_proba(split.X_test))
    sk = make_pipeline(StandardScaler(), LogisticRegression(tol=1e-10, max_iter=10_000))
    sk.fit(split.X_train, split.y_train)
    assert e.auc > 0.7 and e.lift > 2.5, e.to_dict()
    assert e.auc == pytest.approx(roc_auc_score(split.y_test, sk.predict_proba(split.X_test)[:, 1]),
                                  abs=1e-6)
    prior = ChurnModel.prior(90)
    p = prior.predict_proba(split.X_test)[:, 1]
    ep = evaluate(split.y_test, p)
    assert ep.auc > 0.7
    assert 0.5 * ep.base_rate < p.mean() < 1.5 * ep.base_rate
    top = m.explain(split.X_test, top=3).nlargest(5, "churn_probability")
    # One score-history reason, under the group's first column.
    assert (top["feature_1"] == "score").all()
    assert top["reason_1"].str.startswith("score history: latest score ").all()



def test_explain_refuses_transformed_features_and_counts_its_nouns() -> None:
    import warnings

    sample = npscore.datasets.load_sample(seed=5, n_customers=300)
    X = npscore.churn_features(sample.responses, sample.customers, as_of="2025-06-01")
    y = npscore.churn_labels(sample.churn, as_of="2025-06-01", horizon_days=90)
    X, y = X.loc[X.index.intersection(y.index)], y[X.index.intersection(y.index)]
    scaled = (X - X.mean()) / X.std().replace(0, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", npscore.ChurnDataWarning)
        model = npscore.ChurnModel().fit(scaled, y)
    with pytest.raises(ValueError, match=r"X column '\w+' is -[\d.]+ at row \d+, outside 0\.\.inf: "
                                         r"explain words churn_features' columns as they are"):
        model.explain(scaled)
    from npscore.churn import REASON_PHRASES
    assert REASON_PHRASES["n_responses"](1) == "1 answer so far"
    assert REASON_PHRASES["days_since_response"](2.4) == "2 days since the last answer"


def test_convergence_warning_is_also_scikit_learns() -> None:
    import warnings

    sk = pytest.importorskip("sklearn.exceptions")
    X = np.random.default_rng(0).normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", sk.ConvergenceWarning)  # silences npscore's too
        npscore.ChurnModel(max_iter=1).fit(X, y)
    with pytest.warns(npscore.ConvergenceWarning):
        npscore.ChurnModel(max_iter=1).fit(X, y)
