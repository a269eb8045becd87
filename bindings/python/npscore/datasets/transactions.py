"""Transactions: a BG/NBD + Gamma-Gamma purchase process."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from ._params import DEFAULT_END, DEFAULT_LATENT, DEFAULT_SPEND_SCALE, DEFAULT_TRANSACTION_PARAMS
from ._util import (
    _base_satisfaction,
    _column,
    _days,
    _from_days,
    _group_start,
    _id_keys,
    _lookup,
    _merged,
    _require,
    _rng,
    _utc,
    _utc_series,
    _world_key,
)

# --------------------------------------------------------------------------------------------------
# Transactions.
# --------------------------------------------------------------------------------------------------


def make_transactions(
    customers: pd.DataFrame,
    *,
    seed: Optional[int] = 0,
    end: Any = DEFAULT_END,
    params: Optional[Mapping[str, float]] = None,
    spend_scale: Optional[Mapping[str, float]] = None,
    latent: Optional[Mapping[str, Any]] = None,
    churn: Optional[pd.DataFrame] = None,
) -> pd.DataFrame:
    """Generate purchases of ``customers`` from a BG/NBD process with Gamma-Gamma spend.

    Each customer buys once at sign-up, then makes repeat purchases as a Poisson process of rate
    ``lambda`` while alive and becomes inactive after each repeat purchase with probability ``p``
    (BG/NBD). Each purchase's amount is ``Gamma(p_gg, rate=nu)`` with a per-customer ``nu``
    (Gamma-Gamma), times the plan's spend scale.

    Parameters
    ----------
    customers : pandas.DataFrame
        Needs ``customer_id``, ``signup_at`` and ``plan``.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``; the satisfaction link uses the customer traits of this
        seed, so use the seed of ``make_customers``.
    end : str or Timestamp, default ``DEFAULT_END``
        No purchase after ``end``.
    params : mapping, optional
        Merged into ``DEFAULT_TRANSACTION_PARAMS`` (``r``, ``alpha``, ``a``, ``b``, ``p``, ``q``,
        ``gamma``, ``satisfaction_link``); ``satisfaction_link=0`` gives an exact BG/NBD.
    spend_scale : mapping, optional
        Merged into ``DEFAULT_SPEND_SCALE`` (by plan).
    latent : mapping, optional
        Merged into ``DEFAULT_LATENT`` (for the customers' latent satisfaction).
    churn : pandas.DataFrame, optional
        Output of ``make_churn``: purchases after a customer's ``churned_at`` are dropped.

    Returns
    -------
    pandas.DataFrame
        One row per purchase, sorted by customer and date: ``customer_id`` (str), ``date``
        (datetime64[ns, UTC], midnight of the purchase day) and ``amount`` (float > 0, USD, cents).
    """
    _require(customers, ["customer_id", "signup_at", "plan"], "customers")
    end_ts = _utc(end, "end")
    tp = _merged(DEFAULT_TRANSACTION_PARAMS, params, "params")
    scale_p = _merged(DEFAULT_SPEND_SCALE, spend_scale, "spend_scale")
    latent_p = _merged(DEFAULT_LATENT, latent, "latent")
    for name in ("r", "alpha", "a", "b", "p", "q", "gamma"):
        if not float(tp[name]) > 0:
            raise ValueError(f"params[{name!r}] must be positive")

    rng = _rng(seed, "transactions")
    ids = _column(customers, "customer_id")
    keys = _id_keys(ids)
    plan = _column(customers, "plan")
    signup = _days(_utc_series(customers["signup_at"], "customers.signup_at"), end_ts)  # <= 0 if before end
    n_cust = len(ids)
    horizon = np.maximum(-signup, 0.0)  # days observable after sign-up
    alive = signup <= 0

    base = _base_satisfaction(customers, keys, _world_key(seed), latent_p)
    lam = rng.gamma(float(tp["r"]), 1.0 / float(tp["alpha"]), n_cust)
    b_i = float(tp["b"]) * np.exp(float(tp["satisfaction_link"]) * (base - float(latent_p["intercept"])))
    drop = rng.beta(float(tp["a"]), b_i)
    drop = np.clip(drop, 1e-12, 1.0)
    k_max = rng.geometric(drop)  # repeat purchases up to and including the one after which they leave
    n_poisson = rng.poisson(lam * horizon)
    n_repeat = np.where(alive, np.minimum(k_max, n_poisson), 0)

    # Poisson event times are uniform order statistics; keep the first n_repeat of each customer.
    cust_all = np.repeat(np.arange(n_cust), np.where(alive, n_poisson, 0))
    u = rng.random(len(cust_all))
    order = np.lexsort((u, cust_all))
    cust_sorted, u_sorted = cust_all[order], u[order]
    rank = np.arange(len(cust_sorted)) - _group_start(cust_sorted)
    keep = rank < n_repeat[cust_sorted]
    rep_cust = cust_sorted[keep]
    rep_t = signup[rep_cust] + u_sorted[keep] * horizon[rep_cust]

    first_cust = np.nonzero(alive)[0]
    cust = np.concatenate([first_cust, rep_cust])
    t = np.concatenate([signup[first_cust], rep_t])

    nu = rng.gamma(float(tp["q"]), 1.0 / float(tp["gamma"]), n_cust)
    scale = _lookup(plan, scale_p, np.nan)
    if np.isnan(scale).any():
        raise ValueError("spend_scale: missing a scale for some plan of customers")
    amount = rng.gamma(float(tp["p"]), 1.0, len(cust)) / nu[cust] * scale[cust]
    amount = np.maximum(np.round(amount, 2), 0.01)

    keep = t <= 0.0
    if churn is not None:
        _require(churn, ["customer_id", "churned_at"], "churn")
        at = np.full(n_cust, np.inf)
        c_idx = pd.Index(ids).get_indexer(_column(churn, "customer_id"))
        c_day = _days(_utc_series(churn["churned_at"], "churn.churned_at", allow_nat=True), end_ts)
        known = (c_idx >= 0) & ~np.isnan(c_day)
        at[c_idx[known]] = c_day[known]
        keep &= t <= at[cust]
    cust, t, amount = cust[keep], t[keep], amount[keep]
    order = np.lexsort((t, cust))
    cust, t, amount = cust[order], t[order], amount[order]
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids[cust], dtype=object).astype(str),
            "date": _from_days(t, end_ts, floor_to_day=True),
            "amount": amount,
        }
    )
