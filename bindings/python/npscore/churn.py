"""npscore.churn: see npscore/churn.h for the C++ core."""

# --- Features ---

# (end of features)

# --- Model ---
#
# ChurnModel: L2-regularised logistic regression with scikit-learn's objective
# (fitted by Newton's method in the C++ core), a prior model from segment base
# rates, reasons per customer, evaluation, cross-validation and persistence.

import dataclasses as _dataclasses
import os as _os
import warnings as _warnings
from typing import Any as _Any, Mapping as _Mapping

import numpy as _np
import pandas as _pd

from . import _npscore as _core


class ConvergenceWarning(UserWarning):
    """A churn model fit stopped at ``max_iter`` before its gradient reached ``tol``.
    The message gives the iterations and the final gradient norm; the model is
    usable but not at the optimum (raise ``max_iter`` or lower ``tol``)."""


class ChurnDataWarning(UserWarning):
    """A finding in the training data that does not stop a fit: a constant column.
    With an intercept a constant column is collinear with it; the L2 penalty keeps
    the solution unique (an all-zero column gets coefficient 0), but its
    coefficient is not interpretable. Identical non-constant columns are an error."""


#: Default phrasing of reasons, keyed by feature column name (the names of
#: ``churn_features``). A value is a format string with the fields ``{value}``
#: (the row's value) and ``{name}`` (the column), or a
#: callable ``f(value) -> str``. Columns not listed read "name = value"; a 0/1
#: indicator set to 1 reads as its name, and a one-hot column "column=level"
#: (churn_features' naming) as "column is level". Pass ``describe=`` to
#: ``ChurnModel.explain`` to add or override entries.
REASON_PHRASES: dict = {
    "segment=detractor": "detractor at the latest answer",
    "segment=passive": "passive at the latest answer",
    "has_response": "has answered the survey",
    "early_life_detractor": "detractor in the first days after sign-up",
    "days_detractor_waiting": "detractor for {value:.0f} days without follow-up",
    "detractor_followed_up": "detractor answer followed up",
    "days_to_follow_up": "follow-up took {value:.0f} days",
    "days_since_response": "{value:.0f} days since the last answer",
    "score": "latest score {value:.0f}",
    "mean_score": "mean score {value:.1f}",
    "min_score": "lowest score {value:.0f}",
    "score_change": "score changed by {value:+.0f} since the previous answer",
    "segment_change": "segment changed by {value:+.0f} since the previous answer",
    "detractor_share": "{value:.0%} of answers were detractor answers",
    "n_responses": "{value:.0f} answers so far",
    "tenure_days": "customer for {value:.0f} days at the latest answer",
    "customer_age_days": "customer for {value:.0f} days",
}


def _phrase(name: str, value: float, _unused: float, describe: _Mapping) -> str:
    fmt = describe.get(name)
    if fmt is None:
        fmt = REASON_PHRASES.get(name)
    if fmt is None:
        if value == 1.0:
            column, eq, level = str(name).partition("=")
            return f"{column} is {level}" if eq else str(name)
        return f"{name} = {value:g}"
    if callable(fmt):
        return str(fmt(value))
    return fmt.format(value=value, name=name)


def _as_matrix(X: _Any, what: str = "X") -> tuple:
    """X as a contiguous float64 2-D array (C or Fortran order, no copy where
    possible) and its column names (None for an array)."""
    names = None
    if isinstance(X, _pd.DataFrame):
        names = [str(c) for c in X.columns]
        for c in X.columns:
            dt = X[c].dtype if not isinstance(X[c], _pd.DataFrame) else None
            if dt is None:
                raise ValueError(f"{what} column {c!r} appears more than once")
            if not (_pd.api.types.is_numeric_dtype(dt) or _pd.api.types.is_bool_dtype(dt)):
                raise TypeError(f"{what} column {c!r} has dtype {dt}: columns must be numeric "
                                "(one-hot encode categoricals, e.g. with churn_features)")
        arr = X.to_numpy(dtype=_np.float64, na_value=_np.nan)
    else:
        arr = _np.asarray(X)
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"{what} must be numeric, got dtype {arr.dtype}")
        arr = arr.astype(_np.float64, copy=False)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be two-dimensional (rows x features), got shape {arr.shape}")
    if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = _np.ascontiguousarray(arr)
    return arr, names


def _as_labels(y: _Any, n: int) -> _np.ndarray:
    if isinstance(y, _pd.DataFrame):
        raise TypeError("y must be one column of 0/1 labels, got a DataFrame")
    if isinstance(y, (_pd.Series, _pd.Index)):
        if _pd.api.types.is_bool_dtype(y.dtype):
            y = y.astype("float64") if not y.hasnans else y.astype("Float64")
        if not _pd.api.types.is_numeric_dtype(y.dtype):
            raise TypeError(f"y must hold 0/1 labels, got dtype {y.dtype}")
        arr = y.to_numpy(dtype=_np.float64, na_value=_np.nan)
    else:
        arr = _np.asarray(y)
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"y must hold 0/1 labels, got dtype {arr.dtype}")
        arr = arr.astype(_np.float64)
    arr = _np.ascontiguousarray(arr.reshape(-1) if arr.ndim == 2 and 1 in arr.shape else arr)
    if arr.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"y has {arr.shape[0]} labels but X has {n} rows")
    return arr


class ChurnModel:
    """Churn risk as calibrated probabilities with reasons.

    L2-regularised logistic regression with the objective of scikit-learn's
    ``LogisticRegression(C=C)`` (lbfgs, ``l1_ratio=0``)::

        sum_i s_i * [log(1 + exp(z_i)) - y_i * z_i] + ||coef||^2 / (2 C),
        z_i = intercept + x_i . coef,   s_i = sample_weight_i * class_weight[y_i]

    with an unpenalised intercept. ``class_weight`` is None, ``"balanced"``
    (``sum(w) / (2 * sum(w of the class))``, with sample weights, as scikit-learn)
    or ``{0: w0, 1: w1}``. The core solves it by Newton's method with a line
    search until the largest gradient component of the objective divided by
    ``sum(s)`` is at most ``tol``; a fit that reaches ``max_iter`` first warns with
    :class:`ConvergenceWarning`. ``standardize=True`` fits on columns centred and
    scaled by their training mean and standard deviation (ddof 0, unweighted; a
    constant column keeps scale 1), so the penalty treats columns alike;
    ``coef_`` and ``intercept_`` are always on the original scale of X.

    X is a numpy array or a DataFrame of numeric columns (no NaN/inf: an error
    names the row and column). With a DataFrame, ``feature_names_in_`` holds its
    columns and later frames are matched by name (reordered if needed; a missing
    or extra column is an error). Labels are 0/1 (bools allowed), both present.
    The GIL is released while fitting and scoring; ``threads=0`` uses every core
    for large inputs.

    Fitted attributes: ``coef_`` (p,), ``intercept_`` (float), ``feature_names_in_``,
    ``n_features_in_``, ``n_iter_``, ``converged_``, ``grad_norm_``,
    ``objective_`` (objective / sum(s)), ``reference_`` (see :meth:`explain`).
    """

    def __init__(self, C: float = 1.0, *, fit_intercept: bool = True, standardize: bool = False,
                 class_weight: _Any = None, tol: float = 1e-8, max_iter: int = 100,
                 threads: int = 0):
        self.C = C
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.threads = threads
        self._model = None
        self._names_given = False

    # -- construction ----------------------------------------------------------
    def get_params(self) -> dict:
        return dict(C=self.C, fit_intercept=self.fit_intercept, standardize=self.standardize,
                    class_weight=self.class_weight, tol=self.tol, max_iter=self.max_iter,
                    threads=self.threads)

    def _class_weight_args(self) -> tuple:
        cw = self.class_weight
        if cw is None:
            return [], False
        if isinstance(cw, str):
            if cw != "balanced":
                raise ValueError(f"class_weight is {cw!r}: use None, 'balanced' or {{0: w0, 1: w1}}")
            return [], True
        if isinstance(cw, _Mapping):
            extra = set(cw) - {0, 1}
            if extra:
                raise ValueError(f"class_weight has keys {sorted(map(repr, extra))}: use 0 and 1")
            return [float(cw.get(0, 1.0)), float(cw.get(1, 1.0))], False
        raise TypeError(f"class_weight must be None, 'balanced' or a dict, got {type(cw).__name__}")

    def fit(self, X: _Any, y: _Any, sample_weight: _Any = None) -> "ChurnModel":
        """Fits the model; returns self."""
        arr, names = _as_matrix(X)
        labels = _as_labels(y, arr.shape[0])
        w = None
        if sample_weight is not None:
            w = _np.ascontiguousarray(_np.asarray(sample_weight, dtype=_np.float64).reshape(-1))
            if w.shape[0] != arr.shape[0]:
                raise ValueError(f"sample_weight has {w.shape[0]} values but X has {arr.shape[0]} rows")
        cw, balanced = self._class_weight_args()
        model = _core.churn_fit(arr, labels, w, names or [], float(self.C),
                                bool(self.fit_intercept), bool(self.standardize), cw, balanced,
                                float(self.tol), int(self.max_iter), int(self.threads))
        self._set_model(model, names is not None)
        for text in model.warnings:
            _warnings.warn(text, ChurnDataWarning, stacklevel=2)
        if not model.converged:
            _warnings.warn(
                f"the churn model did not converge in {model.n_iter} iterations: the gradient "
                f"norm is {model.grad_norm:.3g} > tol = {self.tol:g} (raise max_iter or tol)",
                ConvergenceWarning, stacklevel=2)
        return self

    def _set_model(self, model: _Any, names_given: bool) -> None:
        self._model = model
        self._names_given = names_given

    @classmethod
    def _from_core(cls, model: _Any, names_given: bool = True) -> "ChurnModel":
        cw = model.class_weight
        obj = cls(model.C, fit_intercept=model.fit_intercept, standardize=model.standardize,
                  class_weight=cw, tol=model.tol, max_iter=model.max_iter)
        obj._set_model(model, names_given)
        return obj

    @classmethod
    def prior(cls, horizon_days: float = 90, *, rates: _Mapping | None = None,
              columns: _Mapping | None = None) -> "ChurnModel":
        """A model usable without training data, from segment base rates.

        ``rates`` overrides entries of the defaults (DOMAIN.md §5, as in
        ``npscore.datasets.DEFAULT_CHURN_RATES``): ``detractor`` 45% within 90 days,
        ``early_life_detractor`` 50% / 90 days, ``passive`` 25% / 180 days,
        ``promoter`` 5% / 180 days and ``baseline`` (no answer yet) 10% / 365 days.
        Give a rate (keeping the default horizon) or a ``(rate, horizon_days)`` pair.
        Each rate is converted to ``horizon_days`` under a constant hazard:
        ``p_h = 1 - (1 - p_h0) ** (h / h0)``.

        The model reads four 0/1 columns of the ``churn_features`` frame:
        ``segment=detractor``, ``segment=passive`` (promoter is the reference
        level), ``has_response`` and ``early_life_detractor`` (rename them with
        ``columns={"detractor": ..., "passive": ..., "answered": ...,
        "early_life_detractor": ...}``). A customer without an answer gets the
        baseline rate; an answer with neither segment set is a promoter's. It is a
        logistic model (intercept logit(baseline); ``has_response`` adds
        logit(promoter) - logit(baseline); each segment column adds its log-odds
        over the promoter's; the early-life flag adds logit(early-life) -
        logit(detractor)), so :meth:`predict_proba` and :meth:`explain` work as for
        a fitted one. Extra columns of a DataFrame are ignored.
        """
        model = _core.churn_prior(float(horizon_days), dict(rates or {}), dict(columns or {}))
        return cls._from_core(model)

    @staticmethod
    def default_prior_rates() -> dict:
        """The prior's default ``{segment: (rate, horizon_days)}``."""
        return _core.churn_prior_rates()

    # -- fitted attributes -------------------------------------------------------
    def _fitted(self) -> _Any:
        if self._model is None:
            raise ValueError("this ChurnModel is not fitted yet: call fit(X, y) or use ChurnModel.prior()")
        return self._model

    coef_ = property(lambda self: self._fitted().coef.copy())
    intercept_ = property(lambda self: float(self._fitted().intercept))
    n_iter_ = property(lambda self: int(self._fitted().n_iter))
    converged_ = property(lambda self: bool(self._fitted().converged))
    grad_norm_ = property(lambda self: float(self._fitted().grad_norm))
    objective_ = property(lambda self: float(self._fitted().objective))
    reference_ = property(lambda self: self._fitted().reference.copy())
    n_features_in_ = property(lambda self: len(self._fitted().feature_names))
    is_prior = property(lambda self: bool(self._fitted().is_prior))
    horizon_days = property(lambda self: float(self._fitted().horizon_days))

    @property
    def feature_names_in_(self) -> _np.ndarray:
        m = self._fitted()
        if not self._names_given:
            raise AttributeError("feature_names_in_ is set only when fit was given a DataFrame")
        return _np.array(m.feature_names, dtype=object)

    # -- scoring -------------------------------------------------------------------
    def _matrix(self, X: _Any) -> _np.ndarray:
        m = self._fitted()
        names = list(m.feature_names)
        if isinstance(X, _pd.DataFrame) and self._names_given:
            cols = [str(c) for c in X.columns]
            missing = [c for c in names if c not in cols]
            if missing:
                raise ValueError(f"X lacks the feature column(s) {missing} the model was fitted on")
            if not m.is_prior:
                extra = [c for c in cols if c not in names]
                if extra:
                    raise ValueError(f"X has column(s) {extra} the model was not fitted on")
            if cols != names:
                X = X.loc[:, [X.columns[cols.index(c)] for c in names]]
        arr, _ = _as_matrix(X)
        if arr.shape[1] != len(names):
            raise ValueError(f"X has {arr.shape[1]} columns but the model has {len(names)} "
                             f"features ({', '.join(names[:20])})")
        return arr

    def predict_proba(self, X: _Any) -> _np.ndarray:
        """(n, 2) array: P(stay), P(churn) per row, like scikit-learn."""
        p, _, _ = _core.churn_explain(self._fitted(), self._matrix(X), 0, int(self.threads))
        return _np.column_stack([1.0 - p, p])

    def predict(self, X: _Any, threshold: float = 0.5) -> _np.ndarray:
        """1 where P(churn) > threshold, else 0."""
        return (self.predict_proba(X)[:, 1] > threshold).astype(_np.int64)

    def explain(self, X: _Any, top: int = 3, *, describe: _Mapping | None = None) -> _pd.DataFrame:
        """Reasons per row: the ``top`` features that raise the risk most.

        A feature's contribution is ``coef_j * (x_j - reference_j)`` on the log-odds
        scale, where ``reference_`` is 0 for a 0/1 indicator column (the one-hot
        reference level: "being a detractor" is the reason) and the training mean
        for other columns (prior models: 0). Only positive contributions are
        reasons; a row with fewer has missing slots (NaN contribution, missing text).

        Returns one row per row of X (its index kept) with ``churn_probability``
        and, for k = 1..top, ``reason_k`` (readable text), ``feature_k`` (column
        name) and ``contribution_k``. Text comes from ``describe`` (a mapping from
        column name to a format string with ``{value}`` and ``{name}``, or a
        callable of the value), then :data:`REASON_PHRASES`,
        then "name = value" (an indicator at 1 reads as its name). The scoring
        kernel runs in the core (one pass, no allocation per row); only the text is
        assembled here, once per distinct (feature, value).
        """
        arr = self._matrix(X)
        top = int(top)
        proba, feats, contrib = _core.churn_explain(self._fitted(), arr, top, int(self.threads))
        names = list(self._fitted().feature_names)
        describe = dict(describe or {})
        out = {"churn_probability": proba}
        n = arr.shape[0]
        rows_all = _np.arange(n)
        name_arr = _np.array(names + [None], dtype=object)  # index -1: no reason
        for k in range(top):
            f = feats[:, k].astype(_np.int64)
            has = f >= 0
            c = _np.where(has, contrib[:, k], _np.nan)
            values = _np.where(has, arr[rows_all, _np.where(has, f, 0)], _np.nan)
            # Text once per distinct (feature, value), then spread to the rows.
            text = _np.full(n, None, dtype=object)
            for j in _np.unique(f[has]):
                rows = _np.nonzero(f == j)[0]
                uniq, inverse = _np.unique(values[rows], return_inverse=True)
                phrases = _np.array([_phrase(names[j], float(v), 0.0, describe) for v in uniq],
                                    dtype=object)
                text[rows] = phrases[inverse]
            out[f"reason_{k + 1}"] = text
            out[f"feature_{k + 1}"] = name_arr[f]
            out[f"contribution_{k + 1}"] = c
        index = X.index if isinstance(X, _pd.DataFrame) else None
        return _pd.DataFrame(out, index=index)

    # -- persistence -----------------------------------------------------------------
    def save(self, path: _Any) -> None:
        """Writes the model to ``path`` (versioned binary format with a checksum,
        see npscore/churn.h); :meth:`load` reads it back bit for bit."""
        _core.churn_save(self._fitted(), _os.fspath(path))

    @classmethod
    def load(cls, path: _Any) -> "ChurnModel":
        """Reads a model written by :meth:`save`; a truncated, corrupted, foreign or
        newer-version file raises ValueError naming the cause."""
        model = _core.churn_load(_os.fspath(path))
        names_given = not all(n == f"x{j}" for j, n in enumerate(model.feature_names))
        return cls._from_core(model, names_given)

    def __repr__(self) -> str:
        if self._model is not None and self._model.is_prior:
            return f"ChurnModel.prior(horizon_days={self._model.horizon_days:g})"
        return (f"ChurnModel(C={self.C!r}, fit_intercept={self.fit_intercept!r}, "
                f"standardize={self.standardize!r}, class_weight={self.class_weight!r}, "
                f"tol={self.tol!r}, max_iter={self.max_iter!r})")


@_dataclasses.dataclass
class Evaluation:
    """Metrics of churn probabilities against outcomes (see :func:`evaluate`)."""
    n: int
    positives: int
    auc: float
    brier: float
    log_loss: float
    base_rate: float
    top_decile_rate: float
    lift: float
    reliability: _pd.DataFrame

    def to_dict(self) -> dict:
        d = _dataclasses.asdict(self)
        d["reliability"] = self.reliability.to_dict(orient="list")
        return d


def evaluate(y_true: _Any, p: _Any, *, bins: int = 10) -> Evaluation:
    """Scores churn probabilities ``p`` (a vector, or the (n, 2) output of
    ``predict_proba``) against 0/1 outcomes.

    ``auc``: ROC AUC (Mann-Whitney; tied probabilities count 1/2, as
    scikit-learn's roc_auc_score). ``brier``: mean squared error. ``log_loss``:
    mean negative log-likelihood with p clipped to [eps, 1 - eps] (float64 eps, as
    scikit-learn). ``reliability``: rows sorted by p and cut into ``bins``
    equal-count bins (ties in row order), each with ``count``,
    ``mean_predicted`` and ``observed_rate``. ``lift``: the churn rate among the
    ceil(n / 10) rows with the highest p over the overall rate.
    """
    p_arr = _np.asarray(p, dtype=_np.float64)
    if p_arr.ndim == 2 and p_arr.shape[1] == 2:
        p_arr = p_arr[:, 1]
    p_arr = _np.ascontiguousarray(p_arr.reshape(-1) if p_arr.ndim == 2 and 1 in p_arr.shape else p_arr)
    if p_arr.ndim != 1:
        raise ValueError(f"p must be a vector or an (n, 2) array, got shape {p_arr.shape}")
    y = _as_labels(y_true, p_arr.shape[0])
    d = _core.churn_evaluate(y, p_arr, int(bins))
    table = _pd.DataFrame({"bin": _np.arange(1, len(d["count"]) + 1), "count": d["count"],
                           "mean_predicted": d["mean_predicted"],
                           "observed_rate": d["observed_rate"]})
    return Evaluation(n=int(d["n"]), positives=int(d["positives"]), auc=d["auc"], brier=d["brier"],
                      log_loss=d["log_loss"], base_rate=d["base_rate"],
                      top_decile_rate=d["top_decile_rate"], lift=d["lift"], reliability=table)


def cross_validate(model: ChurnModel, X: _Any, y: _Any, *, k: int = 5, seed: int = 0,
                   sample_weight: _Any = None, bins: int = 10) -> _pd.DataFrame:
    """k-fold cross-validation: rows are shuffled with ``seed`` and cut into ``k``
    folds; each fold is scored by a model with ``model``'s parameters fitted on the
    other folds. Returns one row per fold (``fold``, ``n_train``, ``n_test``,
    ``auc``, ``brier``, ``log_loss``, ``lift``, ``n_iter``). For honest estimates
    on churn data prefer a split by time (train on an earlier period)."""
    arr, names = _as_matrix(X)
    labels = _as_labels(y, arr.shape[0])
    n = arr.shape[0]
    if not (2 <= int(k) <= n):
        raise ValueError(f"k is {k}: it must be between 2 and the number of rows ({n})")
    w = None if sample_weight is None else _np.asarray(sample_weight, dtype=_np.float64).reshape(-1)
    order = _np.random.default_rng(seed).permutation(n)
    folds = _np.array_split(order, int(k))
    rows = []
    for i, test in enumerate(folds):
        train = _np.setdiff1d(order, test, assume_unique=True)
        train.sort()
        test = _np.sort(test)
        Xtr = _pd.DataFrame(arr[train], columns=names) if names else arr[train]
        Xte = _pd.DataFrame(arr[test], columns=names) if names else arr[test]
        m = ChurnModel(**model.get_params()).fit(Xtr, labels[train],
                                                 None if w is None else w[train])
        e = evaluate(labels[test], m.predict_proba(Xte), bins=bins)
        rows.append({"fold": i, "n_train": len(train), "n_test": len(test), "auc": e.auc,
                     "brier": e.brier, "log_loss": e.log_loss, "lift": e.lift,
                     "n_iter": m.n_iter_})
    return _pd.DataFrame(rows)

# (end of model)
