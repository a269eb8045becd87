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

import warnings as _warnings
from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import as_scores, column, parse_times, timestamp
from .churn import ConvergenceWarning
from ._groups import _key_codes, is_int_key

# The core's defaults (written once, in its FitOptions and ClvOptions).
DEFAULT_PENALIZER: float = _npscore.defaults["penalizer"]
DEFAULT_MAX_ITERATIONS: int = _npscore.defaults["max_iterations"]
DEFAULT_TOLERANCE: float = _npscore.defaults["tolerance"]
DEFAULT_MONTHS: int = _npscore.defaults["months"]
DEFAULT_DISCOUNT_RATE: float = _npscore.defaults["discount_rate"]

__all__ = ["rfm_summary", "BetaGeo", "GammaGamma", "customer_lifetime_value"]

# Units of recency / T per month, as lifetimes' customer_lifetime_value uses.
_PERIODS_PER_MONTH = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 720.0, "h": 720.0}


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
    freq: str = "W",
) -> pd.DataFrame:
    """One row per customer: ``frequency``, ``recency``, ``T`` and
    ``monetary_value`` (with ``amount``), as lifetimes'
    ``summary_data_from_transaction_data`` defines them.

    Times are counted in calendar periods of ``freq``: ``"D"`` days, ``"W"``
    weeks (Monday to Sunday, pandas' ``W``), ``"M"`` calendar months, ``"Q"``
    quarters. ``frequency`` is the number of distinct periods with a purchase
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
    return frame


def _column(values: Any, name: str) -> np.ndarray:
    return np.ascontiguousarray(as_scores(values, name), dtype=np.float64)


def _like(result: np.ndarray, template: Any, name: str) -> Any:
    """A Series with template's index when template is a Series."""
    if isinstance(template, pd.Series):
        return pd.Series(result, index=template.index, name=name)
    return result


def _fit_args(penalizer: Any, max_iterations: Any, tolerance: Any) -> tuple:
    """The fit settings, type-checked (the core checks their ranges)."""
    return (_args.number(penalizer, "penalizer"),
            _args.whole(max_iterations, "max_iterations", minimum=None,
                        maximum=_args.limit("iterations")),
            _args.number(tolerance, "tolerance"))


class _Model:
    """What the two spend/purchase models share: their printed form and fit info."""

    penalizer: float
    _label: str

    def _set_info(self, info: dict, tolerance: float) -> None:
        """Keeps a fit's diagnostics; warns if the fit stopped at its iteration limit."""
        self.log_likelihood_ = info["log_likelihood"]
        self.n_iter_ = info["iterations"]
        self.converged_ = bool(info["converged"])
        self.fit_info_ = info
        if not self.converged_:
            _warnings.warn(
                f"the {self._label} fit did not converge in {self.n_iter_} iterations: the "
                f"gradient norm is {info['gradient_norm']:.3g} > tolerance = {tolerance:g} "
                f"(raise max_iterations or tolerance); the last estimate is kept",
                ConvergenceWarning, stacklevel=3)

    def __repr__(self) -> str:
        fitted = getattr(self, "params_", None)
        body = ", ".join(f"{k}={v:.4g}" for k, v in fitted.items()) if fitted else "not fitted"
        return f"{type(self).__name__}(penalizer={self.penalizer}; {body})"


class BetaGeo(_Model):
    """The BG/NBD model (Fader, Hardie & Lee 2005), fitted by maximum likelihood.

    ``penalizer`` adds ``penalizer * (r² + alpha² + a² + b²)`` to the mean
    negative log-likelihood, as lifetimes' ``penalizer_coef`` does (alpha in
    units of the largest ``T``). After ``fit``: ``params_`` (dict with ``r,
    alpha, a, b``), ``log_likelihood_``, ``n_iter_``, ``converged_``. A fit
    that stops at ``max_iterations`` before the gradient reaches ``tolerance``
    keeps its last estimate and warns with :class:`ConvergenceWarning`; a fit
    without an estimate (a parameter running off to 0 or infinity, a flat
    likelihood, e.g. no repeat purchases) raises a ValueError naming it.
    """

    _label = "BG/NBD"

    def __init__(self, penalizer: float = DEFAULT_PENALIZER) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None, *,
            max_iterations: int = DEFAULT_MAX_ITERATIONS, tolerance: float = DEFAULT_TOLERANCE) -> "BetaGeo":
        """Fits on per-customer histories; ``weights`` counts customers per row
        for aggregated input. Returns self."""
        penalizer, max_iterations, tolerance = _fit_args(self.penalizer, max_iterations,
                                                         tolerance)
        w = None if weights is None else _column(weights, "weights")
        params, info = _npscore.fit_beta_geo(
            _column(frequency, "frequency"), _column(recency, "recency"), _column(T, "T"), w,
            penalizer, max_iterations, tolerance)
        self.params_ = dict(zip(("r", "alpha", "a", "b"), params))
        self._set_info(info, tolerance)
        return self

    def _params(self) -> tuple[float, float, float, float]:
        if not hasattr(self, "params_"):
            raise ValueError("this BetaGeo is not fitted: call fit() first")
        p = self.params_
        return (p["r"], p["alpha"], p["a"], p["b"])

    def conditional_expected_purchases(self, t: float, frequency: Any, recency: Any,
                                       T: Any) -> Any:
        """Expected repeat purchases in the next ``t`` periods (one scalar
        horizon, in the unit of recency and T) given each history (lifetimes'
        ``conditional_expected_number_of_purchases_up_to_time``)."""
        out = _npscore.beta_geo_expected_purchases(
            self._params(), _args.number(t, "t"), _column(frequency, "frequency"),
            _column(recency, "recency"), _column(T, "T"))
        return _like(out, frequency, "expected_purchases")

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """P(the customer is still active | history); 1 without repeat purchases."""
        out = _npscore.beta_geo_probability_alive(
            self._params(), _column(frequency, "frequency"), _column(recency, "recency"),
            _column(T, "T"))
        return _like(out, frequency, "probability_alive")


class GammaGamma(_Model):
    """The Gamma-Gamma model of spend per transaction (Fader & Hardie).

    Fitted on the customers with ``frequency > 0`` only, as the literature
    does: the others have no observed repeat spend (their
    ``monetary_value`` is ignored). ``penalizer`` adds ``penalizer * (p² +
    q² + v²)`` to the mean negative log-likelihood, like lifetimes. After
    ``fit``: ``params_`` (dict with ``p, q, v``), ``log_likelihood_``,
    ``n_iter_``, ``converged_``; non-convergence as :class:`BetaGeo`.
    """

    _label = "Gamma-Gamma"

    def __init__(self, penalizer: float = DEFAULT_PENALIZER) -> None:
        self.penalizer = penalizer

    def fit(self, frequency: Any, monetary_value: Any, weights: Any = None, *,
            max_iterations: int = DEFAULT_MAX_ITERATIONS, tolerance: float = DEFAULT_TOLERANCE) -> "GammaGamma":
        penalizer, max_iterations, tolerance = _fit_args(self.penalizer, max_iterations,
                                                         tolerance)
        w = None if weights is None else _column(weights, "weights")
        params, info = _npscore.fit_gamma_gamma(
            _column(frequency, "frequency"), _column(monetary_value, "monetary_value"), w,
            penalizer, max_iterations, tolerance)
        self.params_ = dict(zip(("p", "q", "v"), params))
        self._set_info(info, tolerance)
        return self

    def _params(self) -> tuple[float, float, float]:
        if not hasattr(self, "params_"):
            raise ValueError("this GammaGamma is not fitted: call fit() first")
        p = self.params_
        return (p["p"], p["q"], p["v"])

    def conditional_expected_average_profit(self, frequency: Any, monetary_value: Any) -> Any:
        """E[spend per transaction | history]: the customer's mean shrunk
        toward the population mean p v / (q - 1) (which customers without
        repeat purchases get)."""
        out = _npscore.gamma_gamma_expected_profit(
            self._params(), _column(frequency, "frequency"),
            _column(monetary_value, "monetary_value"))
        return _like(out, frequency, "expected_average_profit")


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
    freq: str = "W",
) -> Any:
    """Discounted CLV over ``time`` months: the sum over months i = 1..time of
    E[purchases in month i] (BG/NBD) × E[profit per purchase] (Gamma-Gamma) /
    (1 + discount_rate)^i, as lifetimes computes it. ``freq`` is the unit of
    ``recency`` and ``T``: ``"W"`` (4.345 per month), ``"D"`` (30), ``"M"``
    (1) or ``"H"`` (720). Note lifetimes' own default is ``"D"``."""
    if not isinstance(bg, BetaGeo):
        raise TypeError(f"bg must be a fitted BetaGeo, got {type(bg).__name__}")
    if not isinstance(gg, GammaGamma):
        raise TypeError(f"gg must be a fitted GammaGamma, got {type(gg).__name__}")
    if freq != "h":  # "h" is pandas' spelling of hours
        _args.option(freq, "freq", ("W", "D", "M", "H"))
    time = _args.whole(time, "time", minimum=1, maximum=_args.limit("months"),
                       hint=" (months)")
    discount_rate = _args.number(discount_rate, "discount_rate")
    out = _npscore.customer_lifetime_value(
        bg._params(), gg._params(), _column(frequency, "frequency"), _column(recency, "recency"),
        _column(T, "T"), _column(monetary_value, "monetary_value"), time,
        discount_rate, _PERIODS_PER_MONTH[freq])
    return _like(out, frequency, "clv")
