"""npscore.clv: customer lifetime value from transactions (see npscore/clv.h).

- ``rfm_summary`` turns a transaction log into one row per customer with the
  columns data scientists know from lifetimes: ``frequency`` (repeat purchase
  periods), ``recency``, ``T`` and ``monetary_value``.
- ``BetaGeo`` is the BG/NBD model (Fader, Hardie & Lee 2005) and
  ``GammaGamma`` the spend model (Fader & Hardie), both fitted by maximum
  likelihood in the C++ core.
- ``customer_lifetime_value`` discounts their predictions over monthly steps
  as lifetimes' ``customer_lifetime_value`` does.

The computations are in the core; this module only converts columns.
"""

from __future__ import annotations

import json as _json
import os as _os
import warnings as _warnings
from typing import Any, Optional, TypeVar

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import as_frame, as_scores, column, parse_times, timestamp
from ._convert import aligned as _aligned
from .churn import ConvergenceWarning, _convergence_warning  # noqa: F401 (re-exported)
from ._groups import _key_codes, is_int_key
# Prediction: a float for scalar inputs, an array for arrays, a Series on the
# first Series' index.
from ._types import NonPositiveSpend, Prediction, RfmFreq

# The core's defaults (written once, in its FitOptions and ClvOptions).
DEFAULT_PENALIZER: float = _npscore.defaults["penalizer"]
DEFAULT_MAX_ITERATIONS: int = _npscore.defaults["max_iterations"]
DEFAULT_TOLERANCE: float = _npscore.defaults["tolerance"]
DEFAULT_MONTHS: int = _npscore.defaults["months"]
DEFAULT_DISCOUNT_RATE: float = _npscore.defaults["discount_rate"]

__all__ = ["rfm_summary", "calibration_and_holdout_data", "BetaGeo", "GammaGamma",
           "customer_lifetime_value"]

# The time units of recency and T, one set for rfm_summary and
# customer_lifetime_value (the core's RfmUnit): calendar days, Monday-based
# weeks, months, quarters and clock hours, with the core's periods per month
# (lifetimes' figures for D, W, M and H; a quarter is 1/3 of a month).
_UNITS = ("D", "W", "M", "Q", "H")
_PERIODS_PER_MONTH = {u: _npscore.clv_periods_per_month(u) for u in _UNITS}
# rfm_summary's attrs key for its unit, read by customer_lifetime_value.
_UNIT_ATTR = "freq"

_M = TypeVar("_M", bound="_Model")


def _wall_nanos(values: pd.Series, name: str) -> np.ndarray:
    """Times as int64 nanoseconds of their wall-clock reading (time-zone aware
    values keep their local time, as pandas' to_period does); NaT = int64 min."""
    arr = parse_times(values, name).array
    if arr.tz is not None:
        arr = arr.tz_localize(None)
    try:
        return np.ascontiguousarray(arr.as_unit("ns").asi8)
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        out = np.flatnonzero(((arr < pd.Timestamp.min) | (arr > pd.Timestamp.max)))
        row = int(out[0]) if len(out) else 0
        raise ValueError(f"{name} at row {row} is {values.iloc[row]!r}: outside the times "
                         "npscore reads (1677-09-21 .. 2262-04-11)") from None


def _timestamp_nanos(value: Any, name: str) -> int:
    """One timestamp's wall-clock reading in ns (an aware one keeps its
    local time, like the column)."""
    ts = timestamp(value, name)
    if ts.tz is not None:
        ts = ts.tz_localize(None)
    try:
        return int(ts.as_unit("ns").value)
    except (pd.errors.OutOfBoundsDatetime, OverflowError):
        raise ValueError(f"{name} is {value!r}: outside the times npscore reads "
                         "(1677-09-21 .. 2262-04-11)") from None


def _customer_codes(cust: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0..k-1 and the k keys of the customer column. Dense integer ids
    (a span of at most max(2 rows, 65536)) are their own codes after an
    offset, with no factorizing; codes without rows are dropped later."""
    if is_int_key(cust) and len(cust):
        ids = cust.to_numpy()
        lo, hi = int(ids.min()), int(ids.max())
        if hi - lo + 1 <= max(2 * len(ids), 1 << 16):
            if lo >= 0 and hi + 1 <= max(2 * len(ids), 1 << 16):
                lo = 0  # the ids are the codes: no copy for int64
            codes = ids if lo == 0 else ids - lo
            keys = pd.Index(np.arange(lo, hi + 1, dtype=np.int64).astype(ids.dtype, copy=False))
            return np.ascontiguousarray(codes, dtype=np.int64), keys
    codes, keys = _key_codes(cust)
    return np.ascontiguousarray(codes, dtype=np.int64), keys


def rfm_summary(
    transactions: pd.DataFrame,
    *,
    customer: str,
    date: str,
    amount: Optional[str] = None,
    observation_end: Any,
    freq: RfmFreq = "W",
) -> pd.DataFrame:
    """One row per customer: ``frequency``, ``recency``, ``T`` and
    ``monetary_value`` (with ``amount``), as lifetimes'
    ``summary_data_from_transaction_data`` defines them.

    Times are counted in periods of ``freq``: ``"D"`` days, ``"W"`` weeks
    (Monday to Sunday, pandas' ``W``), ``"M"`` calendar months, ``"Q"``
    quarters, ``"H"`` clock hours (the units of
    :func:`customer_lifetime_value`); the table records its unit in
    ``attrs["freq"]``, which :func:`customer_lifetime_value` reads.
    ``frequency`` is the number of distinct periods with a purchase
    minus one, ``recency`` the periods from the first to the last purchase,
    ``T`` the periods from the first purchase to ``observation_end``'s period,
    and ``monetary_value`` the mean of the per-period totals of the repeat
    periods (0 without a repeat period). Months and quarters count whole
    calendar periods (lifetimes has no month unit). Time-zone aware times are
    read as their local wall-clock time.

    Errors (naming the row and value): a transaction after
    ``observation_end`` (lifetimes silently drops them), a missing time or
    customer, dates given as plain numbers (no unit), a negative, NaN or
    infinite amount. Rows are in ascending customer order,
    indexed by the customer key.
    """
    _args.option(freq, "freq")
    transactions = as_frame(transactions, "transactions")
    cust = column(transactions, customer, "customer")
    when = column(transactions, date, "date")
    if cust.isna().any():
        row = int(np.flatnonzero(cust.isna().to_numpy())[0])
        raise ValueError(f"customer column {customer!r} at row {row} is missing: every "
                         "transaction needs a customer")
    codes, keys = _customer_codes(cust)
    times = _wall_nanos(when, f"column {date!r}")
    amounts = None
    if amount is not None:
        amounts = np.ascontiguousarray(as_scores(column(transactions, amount, "amount"), "amount"),
                                       dtype=np.float64)
    end = _timestamp_nanos(observation_end, "observation_end")
    out = _npscore.rfm_summary(codes, len(keys), times, amounts, end, freq)
    cols = {"frequency": out["frequency"], "recency": out["recency"], "T": out["T"]}
    if amount is not None:
        cols["monetary_value"] = out["monetary_value"]
    frame = pd.DataFrame(cols, index=pd.Index(keys, name=customer))
    seen = out["transactions"] > 0  # unobserved categories / missing-key groups
    if not seen.all():
        frame = frame[seen]
    frame.attrs[_UNIT_ATTR] = _unit_letter(freq)
    return frame


def _unit_letter(freq: str) -> str:
    """The canonical letter of a unit the core accepted ("w-mon" -> "W",
    "ME" -> "M", "day" -> "D"): each spelling starts with its letter."""
    return freq[:1].upper()


def calibration_and_holdout_data(
    transactions: pd.DataFrame,
    *,
    customer: str,
    date: str,
    calibration_period_end: Any,
    observation_period_end: Any,
    amount: Optional[str] = None,
    freq: RfmFreq = "W",
) -> pd.DataFrame:
    """Splits a transaction log at ``calibration_period_end`` into an RFM
    summary of the calibration period and what the same customers did in the
    holdout period (``calibration_period_end``, ``observation_period_end``],
    as lifetimes' ``calibration_and_holdout_data`` does.

    Columns: ``frequency_cal``, ``recency_cal``, ``T_cal`` (and
    ``monetary_value_cal`` with ``amount``): :func:`rfm_summary` of the
    transactions up to ``calibration_period_end``, observed to it;
    ``frequency_holdout``: the number of distinct ``freq`` periods with a
    purchase in the holdout (0 without one); ``monetary_value_holdout`` (with
    ``amount``): the mean amount of a holdout transaction (0 without one);
    ``duration_holdout``: the periods from ``calibration_period_end``'s to
    ``observation_period_end``'s. One row per customer with a calibration
    purchase (customers first seen in the holdout are left out), indexed by
    the customer key; ``attrs["freq"]`` records the unit.

    Errors: ``observation_period_end`` before ``calibration_period_end``, no
    transaction up to ``calibration_period_end``, and what
    :func:`rfm_summary` refuses (e.g. a transaction after
    ``observation_period_end``).
    """
    _args.option(freq, "freq")
    cal_end = _timestamp_nanos(calibration_period_end, "calibration_period_end")
    obs_end = _timestamp_nanos(observation_period_end, "observation_period_end")
    if obs_end < cal_end:
        raise ValueError(f"observation_period_end ({observation_period_end!r}) is before "
                         f"calibration_period_end ({calibration_period_end!r})")
    transactions = as_frame(transactions, "transactions")
    times = _wall_nanos(column(transactions, date, "date"), f"column {date!r}")
    in_cal = times <= cal_end
    if not in_cal.any():
        raise ValueError(f"no transaction up to calibration_period_end "
                         f"({calibration_period_end!r}): nothing to calibrate on")
    cal = rfm_summary(transactions[in_cal], customer=customer, date=date, amount=amount,
                      observation_end=calibration_period_end, freq=freq)
    out = cal.rename(columns=lambda c: f"{c}_cal")
    # The holdout: every transaction after the calibration end, summarized
    # over the calibration customers' codes (the others are dropped).
    hold = transactions[~in_cal]
    n_cal = len(cal)
    if len(hold):
        codes = cal.index.get_indexer(column(hold, customer, "customer"))
        keep = codes >= 0
        hold_times = times[~in_cal][keep]
        hold_codes = np.ascontiguousarray(codes[keep], dtype=np.int64)
        summary = _npscore.rfm_summary(hold_codes, n_cal, np.ascontiguousarray(hold_times), None,
                                       obs_end, freq)
        rows = summary["transactions"]
        periods = np.where(rows > 0, summary["frequency"] + 1, 0.0)
    else:
        hold_codes = np.zeros(0, dtype=np.int64)
        keep = np.zeros(0, dtype=bool)
        rows = np.zeros(n_cal, dtype=np.int64)
        periods = np.zeros(n_cal)
    out["frequency_holdout"] = periods
    if amount is not None:
        amounts = np.zeros(0) if not len(hold) else _column(
            column(hold, amount, "amount"), "amount")[keep]
        totals = np.bincount(hold_codes, weights=amounts, minlength=n_cal)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value_holdout"] = np.where(rows > 0, totals / np.maximum(rows, 1), 0.0)
    # Whole periods from the calibration end's to the observation end's: the
    # T of a customer whose first purchase fell at the calibration end.
    span = _npscore.rfm_summary(np.zeros(1, dtype=np.int64), 1, np.array([cal_end], np.int64),
                                None, obs_end, freq)
    out["duration_holdout"] = float(span["T"][0])
    out.attrs[_UNIT_ATTR] = _unit_letter(freq)
    return out


def _column(values: Any, name: str) -> np.ndarray:
    return np.ascontiguousarray(as_scores(values, name), dtype=np.float64)


def _is_scalar(value: Any) -> bool:
    return np.ndim(value) == 0 and not isinstance(value, (str, bytes))


class _Columns:
    """Per-customer inputs made ready for the core, with lifetimes' shapes:
    pandas inputs are paired by index label (see churn's rule: equal indexes
    as they are, the same labels reordered, different labels an error), numpy
    and lists by position; scalars broadcast to the others' length. The
    result takes the first Series' index, is a float when every input is a
    scalar, else an array."""

    def __init__(self, **named: Any) -> None:
        present = {k: v for k, v in named.items() if v is not None}
        aligned = dict(zip(present, _aligned(**present)))
        self.scalar = all(_is_scalar(v) for v in aligned.values())
        arrays = {}
        for k, v in aligned.items():
            if _is_scalar(v):
                _args.number(v, k)
                arrays[k] = np.array([float(v)])
            else:
                arrays[k] = _column(v, k)
        lengths = {len(a) for k, a in arrays.items() if not _is_scalar(aligned[k])}
        n = lengths.pop() if len(lengths) == 1 else None
        self.index = next((v.index for v in aligned.values() if isinstance(v, pd.Series)), None)
        for k, a in arrays.items():
            if n is not None and _is_scalar(aligned[k]):
                arrays[k] = np.full(n, a[0])
        self.arrays = {k: arrays.get(k) for k in named}

    def __getitem__(self, name: str) -> Optional[np.ndarray]:
        return self.arrays[name]

    def copies(self, *names: str) -> tuple:
        """Copies of the named columns (None stays None): kept after the call,
        they must not change with the caller's arrays."""
        return tuple(None if self.arrays[k] is None else self.arrays[k].copy() for k in names)

    def out(self, result: np.ndarray, name: str) -> Prediction:
        if self.scalar:
            return float(result[0])
        if self.index is not None and len(self.index) == len(result):
            return pd.Series(result, index=self.index, name=name)
        return result


def _fit_args(penalizer: Any, max_iterations: Any, tolerance: Any) -> tuple:
    """The fit settings, type-checked (the core checks their ranges)."""
    return (_args.number(penalizer, "penalizer"),
            _args.whole(max_iterations, "max_iterations", minimum=None,
                        maximum=_args.limit("iterations")),
            _args.number(tolerance, "tolerance"))


# The format of BetaGeo / GammaGamma state (pickle and save/load): a JSON
# object; a new format gets a new number and load reads the old ones.
_STATE_FORMAT = 1
# Two-sided 95% normal quantile of the intervals (lifetimes' 1.96).
_Z95 = 1.96


class _Model:
    """What the purchase and spend models share: their state (pickle,
    deepcopy, save/load), printed form, fit diagnostics and summary."""

    penalizer: float
    _label: str
    _names: tuple[str, ...]

    def _set_info(self, info: dict, tolerance: float) -> None:
        """Keeps a fit's diagnostics; warns if the fit stopped at its iteration limit."""
        self.log_likelihood_ = info["log_likelihood"]
        self.n_iter_ = info["iterations"]
        self.converged_ = bool(info["converged"])
        self.fit_info_ = info
        if not self.converged_:
            _warnings.warn(
                f"the {self._label} fit did not converge in "
                f"{_args.counted(self.n_iter_, 'iteration')}: the gradient norm is "
                f"{info['gradient_norm']:.3g} > tolerance = {tolerance:g} (raise max_iterations "
                "or tolerance); the last estimate is kept", _convergence_warning(), stacklevel=3)

    def _set_covariance(self, compute: Any) -> None:
        """Keeps how to compute the parameters' covariance (the core's, from
        the Hessian at the estimate): on first use, as it costs about as much
        as the fit (the fit's columns are held until then)."""
        self._covariance_compute = compute
        self._covariance: Optional[np.ndarray] = None
        self._covariance_error: Optional[str] = None

    def _ensure_covariance(self) -> None:
        """Computes the covariance if it is pending; keeps why there is none
        (e.g. a fit stopped before a maximum) instead."""
        compute = self.__dict__.pop("_covariance_compute", None)
        if compute is None:
            return
        try:
            self._covariance = np.asarray(compute(), dtype=np.float64)
        except ValueError as e:
            self._covariance_error = str(e)

    def _params(self) -> tuple:
        if not hasattr(self, "params_"):
            raise ValueError(f"this {type(self).__name__} is not fitted: call fit() first")
        return tuple(self.params_[k] for k in self._names)

    @property
    def covariance_(self) -> pd.DataFrame:
        """The asymptotic covariance of the parameters: the inverse Hessian of
        the total penalized negative log-likelihood in the log-parameters at
        the estimate, mapped by the delta method (computed by the core on
        first use, from the fit's data)."""
        self._params()
        self._ensure_covariance()
        if self._covariance is None:
            raise ValueError(f"no covariance for this fit: {self._covariance_error}")
        return pd.DataFrame(self._covariance, index=list(self._names), columns=list(self._names))

    @property
    def standard_errors_(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.covariance_.to_numpy())), index=list(self._names),
                         name="se(coef)")

    @property
    def summary(self) -> pd.DataFrame:
        """One row per parameter, as lifetimes' ``summary``: ``coef``,
        ``se(coef)`` and the 95% interval coef ± 1.96 se (``lower 95%
        bound``, ``upper 95% bound``)."""
        se = self.standard_errors_
        coef = pd.Series(self._params(), index=list(self._names), dtype=np.float64)
        return pd.DataFrame({"coef": coef, "se(coef)": se,
                             "lower 95% bound": coef - _Z95 * se,
                             "upper 95% bound": coef + _Z95 * se})

    # --- State: pickle, deepcopy and save/load share one JSON-ready form. ---

    def __getstate__(self) -> dict:
        state: dict = {"format": _STATE_FORMAT, "model": type(self).__name__,
                       "penalizer": self.penalizer}
        if hasattr(self, "params_"):
            self._ensure_covariance()  # the state holds it, not the fit's columns
            state["params"] = {k: float(v) for k, v in self.params_.items()}
            state["fit_info"] = {k: (v.item() if isinstance(v, np.generic) else v)
                                 for k, v in self.fit_info_.items()}
            state["covariance"] = (None if self._covariance is None
                                   else self._covariance.tolist())
            state["covariance_error"] = self._covariance_error
        return state

    def __setstate__(self, state: dict) -> None:
        if not isinstance(state, dict) or state.get("model") != type(self).__name__:
            got = state.get("model") if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"this state is of a {got!r}, not a {type(self).__name__}")
        if state.get("format") != _STATE_FORMAT:
            raise ValueError(f"state format {state.get('format')!r} is not one this npscore "
                             f"reads (format {_STATE_FORMAT})")
        self.penalizer = state["penalizer"]
        if "params" in state:
            self.params_ = {k: float(state["params"][k]) for k in self._names}
            info = dict(state["fit_info"])
            self.fit_info_ = info
            self.log_likelihood_ = info["log_likelihood"]
            self.n_iter_ = info["iterations"]
            self.converged_ = bool(info["converged"])
            cov = state.get("covariance")
            self._covariance = None if cov is None else np.asarray(cov, dtype=np.float64)
            self._covariance_error = state.get("covariance_error")
            self._after_load(info)

    def _after_load(self, info: dict) -> None:
        """Restores attributes derived from the fit info (model-specific)."""

    def save(self, path: "str | _os.PathLike[str]") -> None:
        """Writes the model (hyper-parameters, fitted parameters, diagnostics,
        covariance) to ``path`` as a small JSON document with a format
        number; :meth:`load` reads it back, predicting bit for bit the same
        (floats are written in their shortest exact form)."""
        with open(path, "w", encoding="utf-8") as f:
            _json.dump(self.__getstate__(), f, indent=1)

    @classmethod
    def load(cls: "type[_M]", path: "str | _os.PathLike[str]") -> _M:
        """Reads a model written by :meth:`save` (an error names a file of
        another model or format)."""
        with open(path, encoding="utf-8") as f:
            try:
                state = _json.load(f)
            except ValueError as e:
                raise ValueError(f"{path!s} is not a saved {cls.__name__} (not JSON: {e})"
                                 ) from None
        model = cls.__new__(cls)
        model.__setstate__(state)
        return model

    def _repr_html_(self) -> str:
        from . import _display as d
        if not hasattr(self, "params_"):
            return d.table(repr(self), (), [], note="not fitted")
        try:
            se = self.standard_errors_
        except ValueError:  # a covariance the Hessian could not give
            se = pd.Series(np.nan, index=list(self._names))
        rows = [(k, d.number(v, 4), d.number(se[k], 4)) for k, v in self.params_.items()]
        return d.table(f"{type(self).__name__}: log-likelihood {d.number(self.log_likelihood_)}, "
                       f"{'converged' if self.converged_ else 'NOT converged'}",
                       ("parameter", "estimate", "se"), rows)

    def __repr__(self) -> str:
        fitted = getattr(self, "params_", None)
        body = ", ".join(f"{k}={v:.4g}" for k, v in fitted.items()) if fitted else "not fitted"
        return f"{type(self).__name__}(penalizer={self.penalizer}; {body})"


class BetaGeo(_Model):
    """The BG/NBD model (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

    ``penalizer`` adds ``penalizer * (r² + alpha² + a² + b²)`` to the mean
    negative log-likelihood, as lifetimes' ``penalizer_coef`` does (alpha in
    units of the largest ``T``). After ``fit``: ``params_`` (dict with ``r,
    alpha, a, b``), ``log_likelihood_``, ``n_iter_``, ``converged_``,
    ``covariance_``, ``standard_errors_`` and ``summary``. A fit that stops
    at ``max_iterations`` before the gradient reaches ``tolerance`` keeps its
    last estimate and warns with :class:`ConvergenceWarning`; a fit without
    an estimate (a parameter running off to 0 or infinity, a flat
    likelihood, e.g. no repeat purchases) raises a ValueError naming it.

    Inputs may be scalars, arrays or Series: all scalars give a float
    (lifetimes' behaviour), otherwise an array, or a Series on the first
    Series' index; Series are paired by index label, never by position.
    The model pickles, deep-copies and has :meth:`save` / :meth:`load`.
    """

    _label = "BG/NBD"
    _names = ("r", "alpha", "a", "b")

    def __init__(self, penalizer: float = DEFAULT_PENALIZER) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None, *,
            max_iterations: int = DEFAULT_MAX_ITERATIONS, tolerance: float = DEFAULT_TOLERANCE) -> "BetaGeo":
        """Fits on per-customer histories; ``weights`` counts customers per row
        for aggregated input. Returns self."""
        penalizer, max_iterations, tolerance = _fit_args(self.penalizer, max_iterations,
                                                         tolerance)
        c = _Columns(frequency=frequency, recency=recency, T=T, weights=weights)
        params, info = _npscore.fit_beta_geo(c["frequency"], c["recency"], c["T"], c["weights"],
                                             penalizer, max_iterations, tolerance)
        self.params_ = dict(zip(self._names, params))
        f, r, t, w = c.copies("frequency", "recency", "T", "weights")
        self._set_covariance(lambda: _npscore.beta_geo_covariance(params, f, r, t, w, penalizer))
        self._set_info(info, tolerance)
        return self

    def conditional_expected_purchases(self, t: float, frequency: Any, recency: Any,
                                       T: Any) -> Prediction:
        """Expected repeat purchases in the next ``t`` periods (one scalar
        horizon, in the unit of recency and T) given each history (lifetimes'
        ``conditional_expected_number_of_purchases_up_to_time``)."""
        c = _Columns(frequency=frequency, recency=recency, T=T)
        out = _npscore.beta_geo_expected_purchases(
            self._params(), _args.number(t, "t"), c["frequency"], c["recency"], c["T"])
        return c.out(out, "expected_purchases")

    conditional_expected_number_of_purchases_up_to_time = conditional_expected_purchases

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> Prediction:
        """P(the customer is still active | history); 1 without repeat purchases."""
        c = _Columns(frequency=frequency, recency=recency, T=T)
        out = _npscore.beta_geo_probability_alive(self._params(), c["frequency"], c["recency"],
                                                  c["T"])
        return c.out(out, "probability_alive")

    conditional_probability_alive = probability_alive

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Prediction:
        """E[X(t)]: the expected repeat purchases of a new customer in (0, t]
        (FHL 2005, eq. 9), per horizon ``t`` (a scalar gives a float)."""
        c = _Columns(t=t)
        return c.out(_npscore.beta_geo_unconditional_purchases(self._params(), c["t"]),
                     "expected_purchases")

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> Prediction:
        """P(X(t) = n): the probability that a new customer makes exactly ``n``
        repeat purchases in (0, t] (FHL 2005, eq. 8). ``t`` and ``n`` broadcast
        against each other (numpy rules); scalars give a float."""
        params = self._params()
        if isinstance(t, pd.Series) or isinstance(n, pd.Series):
            c = _Columns(t=t, n=n)
            return c.out(_npscore.beta_geo_purchase_probability(params, c["t"], c["n"]),
                         "probability")
        tt = _args.number(t, "t") if _is_scalar(t) else _column(np.ravel(t), "t")
        nn = _args.number(n, "n") if _is_scalar(n) else _column(np.ravel(n), "n")
        tt, nn = np.reshape(tt, np.shape(t)), np.reshape(nn, np.shape(n))
        try:
            tb, nb = np.broadcast_arrays(np.asarray(tt, np.float64), np.asarray(nn, np.float64))
        except ValueError:
            raise ValueError(f"t (shape {np.shape(t)}) and n (shape {np.shape(n)}) do not "
                             "broadcast together") from None
        out = _npscore.beta_geo_purchase_probability(
            params, np.ascontiguousarray(tb.ravel()), np.ascontiguousarray(nb.ravel()))
        return float(out[0]) if tb.ndim == 0 else out.reshape(tb.shape)


class GammaGamma(_Model):
    """The Gamma-Gamma model of spend per transaction (Fader & Hardie).

    Fitted on the customers with ``frequency > 0`` only, as the literature
    does: the others have no observed repeat spend (their
    ``monetary_value`` is ignored). Repeat customers with
    ``monetary_value <= 0`` (refunds, free orders), which the model cannot
    describe, are an error by default naming their count; with
    ``fit(..., nonpositive_spend="exclude")`` they are left out of the fit
    and counted in ``n_excluded_``. ``penalizer`` adds ``penalizer * (p² +
    q² + v²)`` to the mean negative log-likelihood, like lifetimes. After
    ``fit``: ``params_`` (dict with ``p, q, v``), ``log_likelihood_``,
    ``n_iter_``, ``converged_``, ``n_excluded_``, ``covariance_``,
    ``standard_errors_`` and ``summary``; non-convergence, input shapes and
    state as :class:`BetaGeo`.
    """

    _label = "Gamma-Gamma"
    _names = ("p", "q", "v")

    def __init__(self, penalizer: float = DEFAULT_PENALIZER) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: Any, monetary_value: Any, weights: Any = None, *,
            nonpositive_spend: NonPositiveSpend = "error",
            max_iterations: int = DEFAULT_MAX_ITERATIONS, tolerance: float = DEFAULT_TOLERANCE) -> "GammaGamma":
        """Fits on the repeat customers; ``nonpositive_spend`` is ``"error"``
        (the default) or ``"exclude"``. Returns self."""
        penalizer, max_iterations, tolerance = _fit_args(self.penalizer, max_iterations,
                                                         tolerance)
        _args.option(nonpositive_spend, "nonpositive_spend", ("error", "exclude"))
        c = _Columns(frequency=frequency, monetary_value=monetary_value, weights=weights)
        params, info = _npscore.fit_gamma_gamma(
            c["frequency"], c["monetary_value"], c["weights"], penalizer, max_iterations,
            tolerance, nonpositive_spend)
        self.params_ = dict(zip(self._names, params))
        f, m, w = c.copies("frequency", "monetary_value", "weights")
        self._set_covariance(lambda: _npscore.gamma_gamma_covariance(
            params, f, m, w, penalizer, nonpositive_spend))
        self._set_info(info, tolerance)
        self.n_excluded_ = int(info["excluded"])
        return self

    def _after_load(self, info: dict) -> None:
        self.n_excluded_ = int(info.get("excluded", 0))

    def conditional_expected_average_profit(self, frequency: Any,
                                            monetary_value: Any) -> Prediction:
        """E[spend per transaction | history]: the customer's mean shrunk
        toward the population mean p v / (q - 1) (which customers without
        repeat purchases get)."""
        c = _Columns(frequency=frequency, monetary_value=monetary_value)
        out = _npscore.gamma_gamma_expected_profit(self._params(), c["frequency"],
                                                   c["monetary_value"])
        return c.out(out, "expected_average_profit")


def _time_unit(freq: Optional[str], named: dict) -> str:
    """The unit of recency and T: the one rfm_summary recorded in its
    table's attrs (every input that carries one must agree), checked
    against an explicit ``freq``; "W" when neither says."""
    recorded = {k: v.attrs[_UNIT_ATTR] for k, v in named.items()
                if isinstance(v, (pd.Series, pd.DataFrame)) and _UNIT_ATTR in v.attrs}
    units = sorted(set(recorded.values()))
    if len(units) > 1:
        listed = ", ".join(f'{k} in "{u}"' for k, u in recorded.items())
        raise ValueError(f"the inputs come from RFM tables of different units ({listed}; "
                         'their attrs["freq"]): summarize them in one unit')
    if freq is None:
        return units[0] if units else "W"
    _args.option(freq, "freq")
    _npscore.clv_periods_per_month(freq)  # the core parses it and words the error
    letter = _unit_letter(freq)
    if units and units[0] != letter:
        name = next(iter(recorded))
        raise ValueError(
            f'freq is "{freq}" but {name} comes from an RFM table in "{units[0]}" periods (its '
            f'attrs["freq"]): leave freq out to use the table\'s unit, or summarize in "{freq}" '
            f'(if you converted the columns yourself, set their attrs["freq"] to the new unit)')
    return letter


def customer_lifetime_value(
    bg: BetaGeo,
    gg: GammaGamma,
    frequency: Any,
    recency: Any,
    T: Any,
    monetary_value: Any,
    *,
    time: int = DEFAULT_MONTHS,
    discount_rate: float = DEFAULT_DISCOUNT_RATE,
    freq: Optional[RfmFreq] = None,
) -> Prediction:
    """Discounted CLV over ``time`` months: the sum over months i = 1..time of
    E[purchases in month i] (BG/NBD) × E[profit per purchase] (Gamma-Gamma) /
    (1 + discount_rate)^i, as lifetimes computes it.

    ``freq`` is the unit of ``recency`` and ``T``: ``"D"`` (30 per month),
    ``"W"`` (4.345), ``"M"`` (1), ``"Q"`` (1/3) or ``"H"`` (720), the units
    of :func:`rfm_summary`. Columns of an :func:`rfm_summary`
    table carry their unit (``attrs["freq"]``), which is used when ``freq``
    is left out; an explicit ``freq`` that differs is an error naming both.
    Without either the unit is ``"W"`` (lifetimes' own default is ``"D"``).
    Series inputs are paired by index label; scalars give a float."""
    if not isinstance(bg, BetaGeo):
        raise TypeError(f"bg must be a fitted BetaGeo, got {type(bg).__name__}")
    if not isinstance(gg, GammaGamma):
        raise TypeError(f"gg must be a fitted GammaGamma, got {type(gg).__name__}")
    unit = _time_unit(freq, {"frequency": frequency, "recency": recency, "T": T,
                             "monetary_value": monetary_value})
    time = _args.whole(time, "time", minimum=1, maximum=_args.limit("months"),
                       hint=" (months)")
    discount_rate = _args.number(discount_rate, "discount_rate")
    c = _Columns(frequency=frequency, recency=recency, T=T, monetary_value=monetary_value)
    out = _npscore.customer_lifetime_value(
        bg._params(), gg._params(), c["frequency"], c["recency"], c["T"], c["monetary_value"],
        time, discount_rate, _PERIODS_PER_MONTH[unit])
    return c.out(out, "clv")
