"""Customers: plans, regions, industries, sizes, ARR and CLV."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from .. import _args
from ._params import (
    COMPANY_SIZES,
    DEFAULT_ARR,
    DEFAULT_CLV_PARAMS,
    DEFAULT_END,
    DEFAULT_INDUSTRY_MIX,
    DEFAULT_LATENT,
    DEFAULT_PLAN_MIX,
    DEFAULT_REGION_MIX,
    DEFAULT_SIZE_MIX,
    DEFAULT_START,
    INDUSTRIES,
    MAX_CUSTOMERS,
    PLANS,
    REGIONS,
)
from ._util import (
    _base_satisfaction,
    _check_mix,
    _clv,
    _from_days,
    _id_keys,
    _lookup,
    _merged,
    _rng,
    _utc,
    _world_key,
)

# --------------------------------------------------------------------------------------------------
# Customers.
# --------------------------------------------------------------------------------------------------


def make_customers(
    n_customers: int = 2000,
    *,
    seed: Optional[int] = 0,
    start: Any = DEFAULT_START,
    end: Any = DEFAULT_END,
    plan_mix: Optional[Mapping[str, float]] = None,
    region_mix: Optional[Mapping[str, float]] = None,
    industry_mix: Optional[Mapping[str, float]] = None,
    size_mix: Optional[Mapping[str, Mapping[str, float]]] = None,
    arr: Optional[Mapping[str, Mapping[str, float]]] = None,
    clv_params: Optional[Mapping[str, float]] = None,
    latent: Optional[Mapping[str, Any]] = None,
    include_truth: bool = False,
) -> pd.DataFrame:
    """Generate B2B SaaS customers (one customer = one account).

    Parameters
    ----------
    n_customers : int, default 2000
        Number of customers, 0..``MAX_CUSTOMERS``.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``; None draws fresh entropy.
    start, end : str or Timestamp, default ``DEFAULT_START``, ``DEFAULT_END``
        Sign-ups are uniform over ``[start, end)``; naive values are taken as UTC.
    plan_mix, region_mix, industry_mix : mapping, optional
        Category probabilities; default ``DEFAULT_PLAN_MIX``, ``DEFAULT_REGION_MIX``,
        ``DEFAULT_INDUSTRY_MIX`` (illustrative).
    size_mix : mapping of mappings, optional
        Company-size probabilities given the plan; merged into ``DEFAULT_SIZE_MIX``.
    arr : mapping of mappings, optional
        Lognormal ``median`` and ``sigma`` of ARR by plan; merged into ``DEFAULT_ARR``.
    clv_params : mapping, optional
        Merged into ``DEFAULT_CLV_PARAMS`` (CLV ordering of docs/sources.md §6, 002; retention economics of
        §5, 001).
    latent : mapping, optional
        Merged into ``DEFAULT_LATENT``; pass the same value to ``make_responses``.
    include_truth : bool, default False
        Add the latent column ``satisfaction`` (the persistent part of each customer's latent
        satisfaction, logit units). It is ground truth for tests, not something a real dataset has.

    Returns
    -------
    pandas.DataFrame
        One row per customer, in sign-up order: ``customer_id`` (str, "C000123"), ``account_id`` (str,
        "A000123"), ``plan`` (ordered categorical of ``PLANS``), ``region`` (categorical of
        ``REGIONS``), ``industry`` (categorical of ``INDUSTRIES``), ``company_size`` (ordered
        categorical of ``COMPANY_SIZES``), ``signup_at`` (datetime64[ns, UTC]), ``arr`` (float, USD per
        year, lognormal by plan), ``clv`` (float >= 0, USD) and, with ``include_truth``,
        ``satisfaction`` (float).

    Notes
    -----
    CLV is ``gross_margin * arr * (1 + d) / (1 + d - r)``: the discounted value of the ARR margin
    over a geometric lifetime with annual retention ``r``, where ``r`` rises with the customer's
    latent satisfaction. So CLV ranks promoters above passives above detractors on average (docs/sources.md
    §6, 002) and a retention gain of 5 points raises CLV by tens of percent (§5, 001).
    """
    n = _args.whole(n_customers, "n_customers", minimum=0, maximum=MAX_CUSTOMERS)
    start_ts, end_ts = _utc(start, "start"), _utc(end, "end")
    if end_ts <= start_ts:
        raise ValueError("end must be after start")
    latent_p = _merged(DEFAULT_LATENT, latent, "latent")
    clv_p = _merged(DEFAULT_CLV_PARAMS, clv_params, "clv_params")
    arr_p = _merged(DEFAULT_ARR, arr, "arr")
    size_p = _merged(DEFAULT_SIZE_MIX, size_mix, "size_mix")
    plans, plan_prob = _check_mix(plan_mix if plan_mix is not None else DEFAULT_PLAN_MIX, "plan_mix")
    regions, region_prob = _check_mix(
        region_mix if region_mix is not None else DEFAULT_REGION_MIX, "region_mix"
    )
    industries, industry_prob = _check_mix(
        industry_mix if industry_mix is not None else DEFAULT_INDUSTRY_MIX, "industry_mix"
    )
    for name, labels, known in (
        ("plan_mix", plans, PLANS),
        ("region_mix", regions, REGIONS),
        ("industry_mix", industries, INDUSTRIES),
    ):
        unknown = sorted(set(labels) - set(known))
        if unknown:
            raise ValueError(f"{name}: unknown categories {unknown}; expected a subset of {list(known)}")

    rng = _rng(seed, "customers")
    span_days = (end_ts - start_ts) / pd.Timedelta(days=1)
    signup_days = np.sort(rng.random(n)) * span_days
    plan = np.asarray(plans, dtype=object)[rng.choice(len(plans), size=n, p=plan_prob)]
    region = np.asarray(regions, dtype=object)[rng.choice(len(regions), size=n, p=region_prob)]
    industry = np.asarray(industries, dtype=object)[rng.choice(len(industries), size=n, p=industry_prob)]

    # Company size given the plan, by inverse CDF on one uniform per customer.
    size_cdf = np.empty((len(PLANS), len(COMPANY_SIZES)))
    for i, pl in enumerate(PLANS):
        _, probs = _check_mix({s: size_p[pl].get(s, 0.0) for s in COMPANY_SIZES}, f"size_mix[{pl!r}]")
        size_cdf[i] = np.cumsum(probs)
    plan_idx = pd.Index(PLANS).get_indexer(plan)
    size_idx = (rng.random(n)[:, None] > size_cdf[plan_idx]).sum(axis=1)
    size_idx = np.minimum(size_idx, len(COMPANY_SIZES) - 1)
    company_size = np.asarray(COMPANY_SIZES, dtype=object)[size_idx]

    median = _lookup(plan, {k: v["median"] for k, v in arr_p.items()}, np.nan)
    sigma = _lookup(plan, {k: v["sigma"] for k, v in arr_p.items()}, np.nan)
    arr_value = np.round(median * np.exp(sigma * rng.standard_normal(n)), 2)

    width = max(6, len(str(max(n - 1, 0))))
    numbers = pd.Series(np.arange(n)).astype(str).str.zfill(width)
    customer_id = ("C" + numbers).astype(str)
    frame = pd.DataFrame(
        {
            "customer_id": customer_id,
            "account_id": ("A" + numbers).astype(str),
            "plan": pd.Categorical(plan, categories=list(PLANS), ordered=True),
            "region": pd.Categorical(region, categories=list(REGIONS)),
            "industry": pd.Categorical(industry, categories=list(INDUSTRIES)),
            "company_size": pd.Categorical(company_size, categories=list(COMPANY_SIZES), ordered=True),
            "signup_at": _from_days(signup_days, start_ts),
            "arr": arr_value,
        }
    )
    base = _base_satisfaction(frame, _id_keys(customer_id), _world_key(seed), latent_p)
    frame["clv"] = np.round(np.maximum(_clv(arr_value, base, float(latent_p["intercept"]), clv_p), 0.0), 2)
    if include_truth:
        frame["satisfaction"] = base
    return frame
