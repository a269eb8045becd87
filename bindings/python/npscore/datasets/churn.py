"""Churn: who leaves, and when, from the latest answer's segment."""

from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Optional

import numpy as np
import pandas as pd

from ._params import (
    DEFAULT_CHURN_HORIZONS,
    DEFAULT_CHURN_RATES,
    DEFAULT_EARLY_LIFE_DAYS,
    DEFAULT_END,
    SEGMENTS,
)
from ._util import (
    _column,
    _days,
    _from_days,
    _group_start,
    _lookup,
    _merged,
    _require,
    _rng,
    _segment_codes,
    _utc,
    _utc_series,
)

# --------------------------------------------------------------------------------------------------
# Churn.
# --------------------------------------------------------------------------------------------------


def make_churn(
    customers: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    seed: Optional[int] = 0,
    as_of: Any = DEFAULT_END,
    rates: Optional[Mapping[str, float]] = None,
    horizons: Optional[Mapping[str, float]] = None,
    early_life_days: float = DEFAULT_EARLY_LIFE_DAYS,
) -> pd.DataFrame:
    """Generate churn of ``customers`` from a hazard set by each customer's latest response segment.

    From sign-up until the first response the ``baseline`` hazard applies. A response of segment ``s``
    sets the constant hazard ``-log(1 - rates[s]) / horizons[s]`` per day until the customer's next
    response (of any contact, relational or transactional). So ``rates[s]`` is the chance of churning within
    ``horizons[s]`` days of a response when no other response intervenes: detractors 45% in 90 days,
    passives 25% in 180 days (docs/sources.md §5, 002), promoters 5% in 180 days (derived from §5, 001), and
    detractors answering within ``early_life_days`` of sign-up 50% in 90 days (§5, 002).

    Parameters
    ----------
    customers : pandas.DataFrame
        Needs ``customer_id`` and ``signup_at``.
    responses : pandas.DataFrame
        Needs ``customer_id``, ``responded_at`` and ``score``; every customer must be in ``customers``.
        Responses after ``as_of`` are ignored.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``.
    as_of : str or Timestamp, default ``DEFAULT_END``
        End of observation: churn after ``as_of`` is censored (``churned`` False).
    rates, horizons : mapping, optional
        Merged into ``DEFAULT_CHURN_RATES`` and ``DEFAULT_CHURN_HORIZONS`` (keys ``detractor``,
        ``early_life_detractor``, ``passive``, ``promoter``, ``baseline``).
    early_life_days : float, default ``DEFAULT_EARLY_LIFE_DAYS`` (10)
        A detractor answer at most this many days after sign-up is early-life.

    Returns
    -------
    pandas.DataFrame
        One row per customer, in the order of ``customers``: ``customer_id`` (str), ``churned`` (bool)
        and ``churned_at`` (datetime64[ns, UTC], NaT when not churned by ``as_of``).

    Notes
    -----
    Responses a real customer could not give after churning may remain in ``responses``; drop those
    with ``responded_at > churned_at`` for a coherent dataset (``load_sample`` does).
    """
    _require(customers, ["customer_id", "signup_at"], "customers")
    _require(responses, ["customer_id", "responded_at", "score"], "responses")
    as_of_ts = _utc(as_of, "as_of")
    rate_p = _merged(DEFAULT_CHURN_RATES, rates, "rates")
    horizon_p = _merged(DEFAULT_CHURN_HORIZONS, horizons, "horizons")
    hazard: Dict[str, float] = {}
    for key in DEFAULT_CHURN_RATES:
        r, h = float(rate_p[key]), float(horizon_p[key])
        if not 0.0 <= r < 1.0 or not h > 0:
            raise ValueError(f"rates[{key!r}] must be in [0, 1) and horizons[{key!r}] positive")
        hazard[key] = -math.log1p(-r) / h

    rng = _rng(seed, "churn")
    ids = _column(customers, "customer_id")
    if pd.Series(ids).duplicated().any():
        raise ValueError("customers: customer_id must be unique")
    n_cust = len(ids)
    # Days relative to as_of: <= 0 before it.
    signup = _days(_utc_series(customers["signup_at"], "customers.signup_at"), as_of_ts)
    exposure = rng.exponential(1.0, n_cust)

    r_idx = pd.Index(ids).get_indexer(_column(responses, "customer_id"))
    if np.any(r_idx < 0):
        raise ValueError("responses reference customers that are not in customers")
    r_t = _days(_utc_series(responses["responded_at"], "responses.responded_at"), as_of_ts)
    scores = pd.to_numeric(responses["score"]).to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(scores).any() or np.any((scores < 0) | (scores > 10)):
        raise ValueError("responses.score must be in 0..10 without missing values")
    use = r_t <= 0
    r_idx, r_t, scores = r_idx[use], np.maximum(r_t[use], signup[r_idx[use]]), scores[use]
    order = np.lexsort((r_t, r_idx))
    r_idx, r_t, scores = r_idx[order], r_t[order], scores[order]
    seg = _segment_codes(scores)
    early = (seg == 0) & (r_t - signup[r_idx] <= float(early_life_days))
    kinds = np.where(early, "early_life_detractor", np.asarray(SEGMENTS, dtype=object)[seg])
    r_h = _lookup(kinds, hazard)

    # Next response time of the same customer (as_of, i.e. 0, after the last one).
    n_r = len(r_idx)
    nxt = np.zeros(n_r)
    if n_r > 1:
        same = r_idx[1:] == r_idx[:-1]
        nxt[:-1] = np.where(same, r_t[1:], 0.0)
    first_t = np.zeros(n_cust)
    has_resp = np.zeros(n_cust, dtype=bool)
    if n_r:
        firsts = _group_start(r_idx) == np.arange(n_r)
        first_t[r_idx[firsts]] = r_t[firsts]
        has_resp[r_idx[firsts]] = True
    observed = signup <= 0
    pre_end = np.where(has_resp, first_t, 0.0)

    # Intervals of constant hazard: baseline before the first response, then each response's
    # segment hazard until the next response (or as_of).
    iv_cust = np.concatenate([np.arange(n_cust), r_idx])
    iv_t0 = np.concatenate([signup, r_t])
    iv_t1 = np.concatenate([np.where(observed, pre_end, signup), nxt])
    iv_h = np.concatenate([np.full(n_cust, hazard["baseline"]), r_h])
    iv_seq = np.concatenate([np.full(n_cust, -1), np.arange(n_r)])
    order = np.lexsort((iv_seq, iv_cust))
    iv_cust, iv_t0, iv_t1, iv_h = iv_cust[order], iv_t0[order], iv_t1[order], iv_h[order]
    mass = iv_h * np.maximum(iv_t1 - iv_t0, 0.0)
    csum = np.cumsum(mass)
    start_idx = _group_start(iv_cust)
    cum_after = csum - csum[start_idx] + mass[start_idx]
    cum_before = cum_after - mass
    e = exposure[iv_cust]
    hit = (cum_before < e) & (e <= cum_after) & (mass > 0)
    churned = np.zeros(n_cust, dtype=bool)
    churn_day = np.full(n_cust, np.nan)
    hit_idx = np.nonzero(hit)[0]
    churned[iv_cust[hit_idx]] = True
    churn_day[iv_cust[hit_idx]] = iv_t0[hit_idx] + (e[hit_idx] - cum_before[hit_idx]) / iv_h[hit_idx]
    churned &= observed

    churned_at = _from_days(np.where(churned, np.minimum(churn_day, 0.0), np.nan), as_of_ts)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype=object).astype(str),
            "churned": churned,
            "churned_at": churned_at,
        }
    )
