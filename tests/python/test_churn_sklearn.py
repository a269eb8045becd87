"""ChurnModel as a scikit-learn classifier, pickling, pairing rows by index and
duplicated columns (issue 11).

Oracles: scikit-learn's own estimator checks (check_estimator), its
LogisticRegression (lbfgs, tight tol: the same objective) run through the
same meta-estimators, hand computations (weighted accuracy, log-odds), and
invariants (a pickle round trip predicts bit for bit the same; a shuffled y
fits the same model as the ordered one).
"""

from __future__ import annotations

import copy
import io
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import NotFittedError
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import RocCurveDisplay, roc_auc_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_estimator
from sklearn.utils.validation import check_is_fitted

import npscore
from npscore import ChurnModel, evaluate
from npscore import _npscore as core
from npscore.churn import SKLEARN_EXPECTED_FAILED_CHECKS, cross_validate


def make_data(n=600, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * np.arange(1, p + 1)
    z = -0.5 + X @ (0.6 / np.arange(1, p + 1) * (-1) ** np.arange(p))
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int64)
    return X, y


def frame(X, index=None):
    return pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])], index=index)


def lr(C=1.0):
    return LogisticRegression(C=C, tol=1e-10, max_iter=10_000)


TIGHT = dict(tol=1e-10)


# --- The estimator contract -------------------------------------------------------------

def test_check_estimator_passes_except_the_listed_checks():
    # Every check not listed must pass; every listed one must really fail
    # (on_fail=None returns the outcomes instead of raising).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(ChurnModel(), expected_failed_checks=SKLEARN_EXPECTED_FAILED_CHECKS,
                                  on_fail=None)
    outcome = {r["check_name"]: r["status"] for r in results}
    failed = {name for name, status in outcome.items() if status == "failed"}
    assert not failed, f"unexpected failures: {sorted(failed)}"
    for name in SKLEARN_EXPECTED_FAILED_CHECKS:
        assert outcome.get(name) == "xfail", (name, outcome.get(name))


def test_params_clone_and_tags():
    m = ChurnModel(C=0.5, standardize=True, class_weight="balanced")
    assert m.get_params(deep=True) == m.get_params(deep=False) == dict(
        C=0.5, fit_intercept=True, standardize=True, class_weight="balanced",
        tol=npscore._npscore.defaults["tol"], max_iter=npscore._npscore.defaults["max_iter"],
        threads=0)
    c = clone(m)
    assert c is not m and c.get_params() == m.get_params()
    assert m.set_params(C=2.0, tol=1e-8) is m and (m.C, m.tol) == (2.0, 1e-8)
    with pytest.raises(ValueError, match=r"Invalid parameter 'alpha' for estimator ChurnModel"):
        m.set_params(alpha=1)
    assert is_classifier(m)
    tags = m.__sklearn_tags__()
    assert not tags.classifier_tags.multi_class and not tags.input_tags.allow_nan


def test_not_fitted_is_sklearns_error():
    m = ChurnModel()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        check_is_fitted(m)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        m.predict(np.zeros((2, 2)))
    assert not hasattr(m, "coef_") and not hasattr(m, "classes_")
    X, y = make_data()
    check_is_fitted(m.fit(X, y))
    check_is_fitted(ChurnModel.prior(90))


@pytest.mark.parametrize("labels", [(0, 1), (False, True), (-1, 1), (2.0, 5.0),
                                    ("churned", "stayed"), ("no", "yes")])
def test_any_two_labels(labels):
    X, y = make_data()
    y_lab = np.array(labels, dtype=object if isinstance(labels[0], str) else None)[y]
    m = ChurnModel(**TIGHT).fit(X, y_lab)
    ref = ChurnModel(**TIGHT).fit(X, y)  # classes_[1] is the positive class
    np.testing.assert_array_equal(m.classes_, np.unique(y_lab))
    np.testing.assert_array_equal(m.predict_proba(X), ref.predict_proba(X))
    pred = m.predict(X)
    np.testing.assert_array_equal(pred, np.asarray(labels)[ref.predict(X)])
    assert m.score(X, y_lab) == pytest.approx(np.mean(pred == y_lab))


def test_string_labels_churned_stayed_in_a_pipeline():
    X, y = make_data()
    y_text = pd.Series(np.where(y == 1, "churned", "stayed"))
    pipe = make_pipeline(StandardScaler(), ChurnModel(**TIGHT)).fit(X, y_text)
    oracle = make_pipeline(StandardScaler(), lr()).fit(X, y_text)
    assert list(pipe.classes_) == ["churned", "stayed"]
    np.testing.assert_allclose(pipe.predict_proba(X), oracle.predict_proba(X), atol=1e-7)
    assert set(pipe.predict(X)) <= {"churned", "stayed"}


def test_more_than_two_classes_is_an_error():
    X, y = make_data()
    with pytest.raises(ValueError, match=r"y has 3 classes \(0, 1, 2\); label at row \d+ is 2, a "
                                         r"third class\. Only binary classification is supported"):
        ChurnModel().fit(X, y + (np.arange(len(y)) % 7 == 0))
    with pytest.raises(ValueError, match=r"y at row 3 is missing \(None\)"):
        ChurnModel().fit(X[:5], ["a", "b", "a", None, "b"])


def test_decision_function_score_and_feature_names():
    X, y = make_data()
    Xf = frame(X)
    m = ChurnModel().fit(Xf, y)
    d = m.decision_function(Xf)
    np.testing.assert_allclose(d, X @ m.coef_ + m.intercept_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(1 / (1 + np.exp(-d)), m.predict_proba(Xf)[:, 1], rtol=1e-12)
    w = np.random.default_rng(3).uniform(0, 2, len(y))
    hits = (m.predict(Xf) == y)
    assert m.score(Xf, y, sample_weight=w) == pytest.approx((hits * w).sum() / w.sum(), rel=1e-14)
    assert m.n_features_in_ == 4
    assert list(m.feature_names_in_) == ["f0", "f1", "f2", "f3"]


def test_interop_with_sklearn_meta_estimators():
    X, y = make_data(n=800)
    cv = KFold(5, shuffle=True, random_state=0)
    ours = cross_val_score(ChurnModel(**TIGHT), X, y, cv=cv, scoring="roc_auc")
    theirs = cross_val_score(lr(), X, y, cv=cv, scoring="roc_auc")
    np.testing.assert_allclose(ours, theirs, atol=1e-9)

    grid = {"C": [0.001, 0.01, 1.0]}
    g_ours = GridSearchCV(ChurnModel(**TIGHT), grid, cv=cv, scoring="neg_log_loss").fit(X, y)
    g_theirs = GridSearchCV(lr(), grid, cv=cv, scoring="neg_log_loss").fit(X, y)
    assert g_ours.best_params_ == g_theirs.best_params_
    np.testing.assert_allclose(g_ours.cv_results_["mean_test_score"],
                               g_theirs.cv_results_["mean_test_score"], rtol=1e-6)

    cal = CalibratedClassifierCV(ChurnModel(**TIGHT), cv=3).fit(X, y)
    cal_lr = CalibratedClassifierCV(lr(), cv=3).fit(X, y)
    np.testing.assert_allclose(cal.predict_proba(X), cal_lr.predict_proba(X), atol=1e-6)

    m = ChurnModel(**TIGHT).fit(X, y)
    imp = permutation_importance(m, X, y, n_repeats=3, random_state=0, scoring="roc_auc")
    imp_lr = permutation_importance(lr().fit(X, y), X, y, n_repeats=3, random_state=0,
                                    scoring="roc_auc")
    np.testing.assert_allclose(imp.importances_mean, imp_lr.importances_mean, atol=1e-6)


def test_roc_curve_display_without_touching_the_backend():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    X, y = make_data()
    m = ChurnModel().fit(X, y)
    fig = Figure()
    FigureCanvasAgg(fig)
    disp = RocCurveDisplay.from_estimator(m, X, y, ax=fig.add_subplot())
    assert disp.roc_auc == pytest.approx(roc_auc_score(y, m.predict_proba(X)[:, 1]), rel=1e-12)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.getvalue()[:4] == b"\x89PNG"


# --- Pickling ---------------------------------------------------------------------------

def round_trips(obj):
    yield pickle.loads(pickle.dumps(obj))
    yield copy.deepcopy(obj)
    yield copy.copy(obj)
    buf = io.BytesIO()
    joblib.dump(obj, buf)
    buf.seek(0)
    yield joblib.load(buf)


@pytest.mark.parametrize("kind", ["fitted", "standardized", "text-labels", "prior"])
def test_models_pickle_bit_for_bit(kind):
    X, y = make_data()
    feats = pd.DataFrame({"segment=detractor": X[:, 0] > 0.5, "segment=passive": X[:, 1] < -1,
                          "has_response": X[:, 2] > -2, "early_life_detractor": X[:, 3] > 3})
    if kind == "prior":
        m, data = ChurnModel.prior(60), feats
    elif kind == "text-labels":
        m, data = ChurnModel().fit(frame(X), np.where(y == 1, "churned", "stayed")), frame(X)
    else:
        m, data = ChurnModel(standardize=kind == "standardized").fit(X, y), X
    for back in round_trips(m):
        assert type(back) is ChurnModel and back is not m
        assert np.array_equal(back.predict_proba(data), m.predict_proba(data))
        assert np.array_equal(back.predict(data), m.predict(data))
        assert np.array_equal(back.classes_, m.classes_)
        assert back.get_params() == m.get_params() and repr(back) == repr(m)


def test_core_model_pickles_through_the_versioned_format():
    X, y = make_data()
    m = ChurnModel().fit(X, y)._model
    state = m.__getstate__()
    assert state == core.churn_serialize(m) and state[:8] == b"NPSCHURN"
    for back in round_trips(m):
        assert isinstance(back, type(m))
        assert np.array_equal(core.churn_predict(back, X), core.churn_predict(m, X))
    with pytest.raises(ValueError, match="not a valid npscore churn model"):
        pickle.loads(pickle.dumps(m).replace(b"NPSCHURN", b"NOTCHURN"))


def test_evaluation_and_backtest_pickle():
    X, y = make_data()
    ev = evaluate(y, ChurnModel().fit(X, y).predict_proba(X))
    back = pickle.loads(pickle.dumps(ev))
    assert back.to_dict() == ev.to_dict()
    s = npscore.datasets.load_sample(seed=3, n_customers=400)
    bt = npscore.churn.backtest(s, train_as_of="2024-03-31", test_as_of="2024-12-31",
                                horizon_days=90)
    for b2 in round_trips(bt):
        assert b2.to_dict() == bt.to_dict()
        assert np.array_equal(b2.model.predict_proba(bt.split.X_test),
                              bt.model.predict_proba(bt.split.X_test))
    assert "\n" not in repr(bt) and repr(bt).startswith("Backtest(auc=")
    # to_dict is JSON-ready: times as ISO strings that read back as the split's.
    import json
    d = json.loads(json.dumps(bt.to_dict(), allow_nan=False))
    assert pd.Timestamp(d["train_as_of"]) == bt.split.train_as_of
    assert pd.Timestamp(d["test_as_of"]) == bt.split.test_as_of
    assert d["train_as_of"].endswith("+00:00") and d["horizon_days"] == 90
    json.dumps(ev.to_dict(), allow_nan=False)


# --- Pairing rows by index --------------------------------------------------------------

def test_shuffled_labels_are_aligned_on_the_index():
    X, y = make_data()
    Xf = frame(X, index=pd.Index([f"c{i}" for i in range(len(y))], name="customer"))
    ys = pd.Series(y, index=Xf.index)
    shuffled = ys.sample(frac=1, random_state=0)
    a = ChurnModel().fit(Xf, ys)
    b = ChurnModel().fit(Xf, shuffled)
    assert np.array_equal(a.coef_, b.coef_) and a.intercept_ == b.intercept_
    w = pd.Series(np.linspace(0.5, 2, len(y)), index=Xf.index)
    assert np.array_equal(ChurnModel().fit(Xf, ys, w).coef_,
                          ChurnModel().fit(Xf, shuffled, w.sample(frac=1, random_state=1)).coef_)
    p = pd.Series(a.predict_proba(Xf)[:, 1], index=Xf.index)
    assert evaluate(shuffled, p).auc == evaluate(ys, p).auc == pytest.approx(
        roc_auc_score(y, p.to_numpy()), rel=1e-12)
    assert a.score(Xf, shuffled) == a.score(Xf, ys)
    pd.testing.assert_frame_equal(cross_validate(ChurnModel(), Xf, shuffled),
                                  cross_validate(ChurnModel(), Xf, ys))
    # numpy stays positional: a shuffled array is a different problem.
    assert not np.array_equal(ChurnModel().fit(X, shuffled.to_numpy()).coef_, a.coef_)


def test_different_index_labels_are_an_error():
    X, y = make_data(n=50)
    Xf = frame(X)
    other = pd.Series(y, index=np.arange(1, 51))
    msg = r"the indexes of X and y differ \(label 0 of X is not in y; label 50 of y is not in X\)"
    with pytest.raises(ValueError, match=msg):
        ChurnModel().fit(Xf, other)
    with pytest.raises(ValueError, match=r"indexes of y_true and p differ"):
        evaluate(other, pd.Series(np.full(50, 0.5)))
    dup = pd.Series(y, index=[0] * 25 + [1] * 25)
    with pytest.raises(ValueError, match=r"label 2 of X is not in y"):
        ChurnModel().fit(Xf, dup)


# --- Duplicated and collinear columns ---------------------------------------------------

def telco_like(n=3000, seed=5):
    """One-hot table as a telco export has it: 'No internet service' dummies
    repeated across service columns (identical), a full set of contract
    dummies (collinear with the intercept) and an all-zero column."""
    rng = np.random.default_rng(seed)
    internet = rng.choice(["dsl", "fiber", "none"], n, p=[0.35, 0.45, 0.2])
    contract = rng.choice(["month", "year", "two_year"], n, p=[0.55, 0.25, 0.2])
    tenure = rng.uniform(0, 72, n)
    charges = rng.uniform(20, 110, n)
    no_inet = (internet == "none").astype(float)
    cols = {"tenure": tenure, "monthly_charges": charges,
            "internet=fiber": (internet == "fiber") * 1.0, "internet=none": no_inet}
    for service in ("security", "backup", "streaming"):
        cols[f"{service}=no_internet"] = no_inet  # identical dummies
        cols[f"{service}=yes"] = (rng.random(n) < 0.4) * (1 - no_inet)
    for level in ("month", "year", "two_year"):
        cols[f"contract={level}"] = (contract == level) * 1.0
    cols["senior_citizen_unknown"] = np.zeros(n)
    X = pd.DataFrame(cols)
    z = (-1 - 0.03 * tenure + 0.01 * charges + 0.8 * (internet == "fiber") - 0.5 * no_inet
         + 1.2 * (contract == "month"))
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    return X, y


def objective(X, y, coef, b, C):
    z = X @ coef + b
    return np.sum(np.logaddexp(0, z) - y * z) + coef @ coef / (2 * C)


def exact_newton(X, y, C):
    """A second solver of the same objective: scipy's trust-region Newton with
    the exact Hessian, to a gradient of 1e-10 (independent of both others)."""
    from scipy.optimize import minimize
    A = np.column_stack([X, np.ones(len(y))])
    pen = np.r_[np.full(X.shape[1], 1 / C), 0.0]

    def f(t):
        z = A @ t
        mu = 1 / (1 + np.exp(-z))
        return (np.sum(np.logaddexp(0, z) - y * z) + 0.5 * pen @ t**2, A.T @ (mu - y) + pen * t)

    def h(t):
        mu = 1 / (1 + np.exp(-(A @ t)))
        return (A * (mu * (1 - mu))[:, None]).T @ A + np.diag(pen)

    r = minimize(f, np.zeros(A.shape[1]), jac=True, hess=h, method="trust-exact",
                 options={"gtol": 1e-10})
    return r.x[:-1], r.x[-1]


@pytest.mark.parametrize("C", [0.05, 1.0, 100.0])
def test_duplicated_dummies_match_sklearn(C):
    X, y = telco_like()
    with pytest.warns(npscore.ChurnDataWarning, match=r"'senior_citizen_unknown'\) is constant"):
        m = ChurnModel(C=C, **TIGHT).fit(X, y)
    Xn = X.to_numpy()
    ref = lr(C).fit(Xn, y)
    scale = np.abs(ref.coef_[0]).max()
    if C <= 1:
        np.testing.assert_allclose(m.coef_, ref.coef_[0], rtol=1e-4, atol=1e-4 * scale)
        assert m.intercept_ == pytest.approx(ref.intercept_[0], rel=1e-4, abs=1e-4 * scale)
    # With a weak penalty the direction "contract dummies up, intercept down" is
    # nearly flat (curvature 1/C): lbfgs stops on its relative objective change
    # before the optimum there, so the oracle is an exact Newton solve, and
    # our objective is never above scikit-learn's.
    coef, b = exact_newton(Xn, y, C)
    np.testing.assert_allclose(m.coef_, coef, rtol=1e-4, atol=1e-4 * scale)
    assert m.intercept_ == pytest.approx(b, rel=1e-4, abs=1e-4 * scale)
    ours = objective(Xn, y, m.coef_, m.intercept_, C)
    assert ours <= objective(Xn, y, ref.coef_[0], ref.intercept_[0], C) + 1e-9 * abs(ours)
    dup = [c for c in X.columns if c.endswith("=no_internet")] + ["internet=none"]
    coef = pd.Series(m.coef_, index=X.columns)
    np.testing.assert_allclose(coef[dup], coef[dup[0]], rtol=1e-8)  # split evenly
    assert m.coef_[-1] == 0.0


def test_duplicated_dummies_with_standardize_match_sklearn():
    X, y = telco_like(seed=6)
    with pytest.warns(npscore.ChurnDataWarning, match="is constant"):
        m = ChurnModel(C=0.5, standardize=True, **TIGHT).fit(X, y)
    Xn = X.to_numpy()
    sd = Xn.std(axis=0)
    sd[sd == 0] = 1
    Z = (Xn - Xn.mean(axis=0)) / sd
    ref = lr(0.5).fit(Z, y)
    np.testing.assert_allclose(m.coef_ * sd, ref.coef_[0], rtol=1e-4,
                               atol=1e-4 * np.abs(ref.coef_).max())
    np.testing.assert_allclose(m.predict_proba(X), ref.predict_proba(Z), atol=1e-7)


def test_identical_columns_without_a_penalty_are_an_error():
    X, y = telco_like(n=500)
    with pytest.raises(ValueError, match=r"columns 3 \('internet=none'\) and 4 "
                                         r"\('security=no_internet'\) of X are identical: with "
                                         r"C = inf"):
        ChurnModel(C=np.inf).fit(X.drop(columns="senior_citizen_unknown"), y)


# --- Metadata routing (sklearn.set_config(enable_metadata_routing=True)) ----------------

@pytest.fixture
def routing():
    import sklearn
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def weighted_data(n=600, seed=4):
    X, y = make_data(n=n, seed=seed)
    return X, y, np.random.default_rng(seed + 1).uniform(0.2, 3.0, n)


@pytest.mark.parametrize("score_request", [True, False])
def test_routed_sample_weight_matches_logistic_regression(routing, score_request):
    # The oracle: LogisticRegression (the same objective) with the same requests
    # through the same meta-estimators; weights change the result, so a weight
    # that is dropped or misrouted would show.
    X, y, w = weighted_data()
    cv = KFold(4, shuffle=True, random_state=1)

    def ours():
        return ChurnModel(**TIGHT).set_fit_request(sample_weight=True).set_score_request(
            sample_weight=score_request)

    def theirs():
        return lr().set_fit_request(sample_weight=True).set_score_request(
            sample_weight=score_request)

    a = cross_val_score(ours(), X, y, cv=cv, params={"sample_weight": w})
    b = cross_val_score(theirs(), X, y, cv=cv, params={"sample_weight": w})
    np.testing.assert_allclose(a, b, atol=1e-9)
    unweighted = cross_val_score(ChurnModel(**TIGHT), X, y, cv=cv)
    assert not np.allclose(a, unweighted)  # the weights did reach fit (or score)
    # A scorer routes the weight by its own request.
    from sklearn.metrics import get_scorer
    auc = get_scorer("roc_auc").set_score_request(sample_weight=score_request)
    np.testing.assert_allclose(
        cross_val_score(ours(), X, y, cv=cv, scoring=auc, params={"sample_weight": w}),
        cross_val_score(theirs(), X, y, cv=cv, scoring=auc, params={"sample_weight": w}),
        atol=1e-9)

    grid = {"C": [0.001, 0.01, 1.0]}
    loss = get_scorer("neg_log_loss").set_score_request(sample_weight=score_request)
    g_ours = GridSearchCV(ours(), grid, cv=cv, scoring=loss).fit(X, y, sample_weight=w)
    g_theirs = GridSearchCV(theirs(), grid, cv=cv, scoring=loss).fit(X, y, sample_weight=w)
    assert g_ours.best_params_ == g_theirs.best_params_
    np.testing.assert_allclose(g_ours.cv_results_["mean_test_score"],
                               g_theirs.cv_results_["mean_test_score"], rtol=1e-6)
    # The refit on all rows was weighted too.
    ref = lr(g_theirs.best_params_["C"]).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(g_ours.best_estimator_.coef_, ref.coef_[0], rtol=1e-5, atol=1e-7)


def test_unrequested_weight_is_sklearns_error_and_false_ignores_it(routing):
    from sklearn.exceptions import UnsetMetadataPassedError
    X, y, w = weighted_data(n=300)
    cv = KFold(3, shuffle=True, random_state=0)
    # scikit-learn >= 1.8 names the class, 1.7 the instance's repr: "ChurnModel(C=1.0, ...).fit"
    with pytest.raises(UnsetMetadataPassedError, match=r"ChurnModel(\(.*\))?\.fit"):
        cross_val_score(ChurnModel(), X, y, cv=cv, params={"sample_weight": w})
    with pytest.raises(UnsetMetadataPassedError, match=r"ChurnModel(\(.*\))?\.score"):
        cross_val_score(ChurnModel().set_fit_request(sample_weight=True), X, y, cv=cv,
                        params={"sample_weight": w})
    # False: fit leaves the weight out (score, requesting it, reads it).
    ignored = cross_val_score(ChurnModel(**TIGHT).set_fit_request(sample_weight=False)
                              .set_score_request(sample_weight=True), X, y, cv=cv,
                              params={"sample_weight": w})
    by_hand = [ChurnModel(**TIGHT).fit(X[tr], y[tr]).score(X[te], y[te], sample_weight=w[te])
               for tr, te in cv.split(X)]
    np.testing.assert_allclose(ignored, by_hand, rtol=0, atol=0)


def test_requests_survive_clone_params_pickle_and_aliases(routing):
    m = ChurnModel(C=0.3).set_fit_request(sample_weight="w_fit").set_score_request(
        sample_weight=False)
    assert m.set_fit_request() is m  # nothing given: unchanged
    want = {"fit": {"sample_weight": "w_fit"}, "score": {"sample_weight": False}}

    def requests(model):
        r = model.get_metadata_routing()
        return {k: dict(getattr(r, k).requests) for k in want}

    assert requests(m) == want
    assert requests(ChurnModel()) == {"fit": {"sample_weight": None},
                                      "score": {"sample_weight": None}}
    for other in (clone(m), pickle.loads(pickle.dumps(m)), copy.deepcopy(m),
                  clone(m).set_params(C=0.5, tol=1e-9)):
        assert requests(other) == want
    with pytest.raises(ValueError, match="alias"):
        ChurnModel().set_fit_request(sample_weight="not an identifier")
    with pytest.raises(TypeError):
        ChurnModel().set_fit_request(classes=True)
    # An alias: fit reads the metadata the caller passes as w_fit.
    X, y, w = weighted_data(n=300)
    from sklearn.model_selection import cross_validate as sk_cross_validate
    res = sk_cross_validate(m, X, y, cv=KFold(3), params={"w_fit": w}, return_estimator=True)
    for est, (train, _) in zip(res["estimator"], KFold(3).split(X)):
        ref = ChurnModel(C=0.3).fit(X[train], y[train], sample_weight=w[train])
        np.testing.assert_array_equal(est.coef_, ref.coef_)


def test_routing_disabled_keeps_the_old_behaviour():
    X, y, w = weighted_data(n=300)
    cv = KFold(3, shuffle=True, random_state=0)
    with pytest.raises(RuntimeError, match="enable_metadata_routing=True"):
        ChurnModel().set_fit_request(sample_weight=True)
    # Without routing, cross_val_score passes params to fit only (sklearn's rule).
    np.testing.assert_allclose(
        cross_val_score(ChurnModel(**TIGHT), X, y, cv=cv, params={"sample_weight": w}),
        cross_val_score(lr(), X, y, cv=cv, params={"sample_weight": w}), atol=1e-9)
    assert "_metadata_request" not in vars(ChurnModel())
