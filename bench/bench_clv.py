#!/usr/bin/env python3
"""npscore's CLV models and RFM summary against what a data scientist would
otherwise use.

One run measures, on the same data and in the same process:

* BG/NBD + Gamma-Gamma fits (``npscore.BetaGeo().fit`` then
  ``npscore.GammaGamma().fit`` on the repeat customers) over N customers
  simulated from the BG/NBD model with the CDNOW estimates (continuous
  recency and T over 27-39 weeks, so no two histories coincide), against
  lifetimes 0.11.3's ``BetaGeoFitter().fit`` + ``GammaGammaFitter().fit``.
  Target (issue 5): npscore < 0.1x lifetimes' time. lifetimes is slow at
  N = 1M, so it is timed once (``--lifetimes-repeat``).
* ``npscore.rfm_summary(freq="W")`` over 10 N transactions (N customers,
  two years, datetime64[ns] dates, int64 ids, float amounts) against the
  idiomatic pandas code: weekly period ordinals with ``dt.to_period("W")``,
  a groupby on [customer, week] summing amounts, then per customer the
  first/last week, the count and the mean of the repeat weeks. Target:
  npscore >= 10x faster.

Before any figure is printed, the script asserts that both sides agree
(fitted parameters within lifetimes' optimizer tolerance; identical RFM
columns). Each figure is the best of K timed runs after one warm-up run
(lifetimes: see above). Absolute times depend on the machine and its load;
the ratios are the point.

    python bench/bench_clv.py             # N = 1M customers, 10M transactions
    python bench/bench_clv.py --quick     # N = 100k (a smoke run)

Run it from outside the repository so that the installed, compiled
``npscore`` is imported.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

import npscore  # noqa: E402

CDNOW = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)


def simulate_customers(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """(frequency, recency, T, monetary_value) of n customers drawn from the
    BG/NBD process (weeks) and a Gamma-Gamma spend."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(27, 39, n)
    lam = rng.gamma(CDNOW["r"], 1 / CDNOW["alpha"], n)
    p = rng.beta(CDNOW["a"], CDNOW["b"], n)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = np.zeros(n)
    active = np.arange(n)
    while active.size:
        t[active] += rng.exponential(1 / np.maximum(lam[active], 1e-300))
        active = active[t[active] <= T[active]]
        x[active] += 1
        tx[active] = t[active]
        active = active[rng.random(active.size) >= p[active]]
    # Mean of x spends ~ Gamma(p, rate nu): Gamma(p x, rate x nu).
    nu = rng.gamma(3.74, 1 / 15.44, n)
    xx = np.maximum(x, 1)
    spend = np.where(x > 0, rng.gamma(6.25 * xx, 1 / (xx * nu)), 0.0)
    return {"frequency": x, "recency": tx, "T": T, "monetary_value": spend}


def transactions(n_rows: int, n_customers: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2023-01-01").value
    span = 730 * 86_400 * 10**9
    return pd.DataFrame({
        "customer": rng.integers(0, n_customers, n_rows),
        "date": pd.to_datetime(start + rng.integers(0, span, n_rows)),
        "amount": rng.gamma(2.0, 25.0, n_rows).round(2),
    })


def pandas_rfm(df: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The idiomatic pandas RFM summary (weekly periods, as lifetimes)."""
    week = df["date"].dt.to_period("W").array.asi8  # period ordinals
    per = (df.assign(week=week).groupby(["customer", "week"], sort=True)["amount"].sum()
           .reset_index())
    g = per.groupby("customer", sort=True)["week"]
    first = g.transform("min")
    out = pd.DataFrame({"frequency": g.size() - 1, "first": g.min(), "last": g.max()})
    out["recency"] = out["last"] - out["first"]
    out["T"] = end.to_period("W").ordinal - out["first"]
    repeat = per[per["week"] != first].groupby("customer")["amount"].mean()
    out["monetary_value"] = repeat.reindex(out.index, fill_value=0.0)
    return out[["frequency", "recency", "T", "monetary_value"]].astype(float)


def fit_npscore(d: dict[str, np.ndarray]) -> tuple[Any, Any]:
    bg = npscore.BetaGeo().fit(d["frequency"], d["recency"], d["T"])
    gg = npscore.GammaGamma().fit(d["frequency"], d["monetary_value"])
    return bg, gg


def fit_lifetimes(d: dict[str, np.ndarray]) -> tuple[Any, Any]:
    import lifetimes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bg = lifetimes.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
        rep = d["frequency"] > 0
        gg = lifetimes.GammaGammaFitter().fit(d["frequency"][rep], d["monetary_value"][rep])
    return bg, gg


def main(argv: list[str] | None = None) -> int:
    args = _common.parse_args(__doc__, "N = 100k customers (a smoke run)", argv)
    n = 100_000 if args.quick else 1_000_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import lifetimes
    m = _common.machine(lifetimes=lifetimes.__version__)
    _common.print_machine(m, args.repeat)
    results: dict[str, Any] = {"machine": m, "n_customers": n, "targets": []}

    # --- Fits --------------------------------------------------------------------
    d = simulate_customers(n)
    t_np, (bg, gg) = _common.best_time(lambda: fit_npscore(d), args.repeat)
    t0 = time.perf_counter()
    lbg, lgg = fit_lifetimes(d)
    t_lt = time.perf_counter() - t0
    for k in ("r", "alpha", "a", "b"):
        assert abs(bg.params_[k] / lbg.params_[k] - 1) < 1e-2, (k, bg.params_, lbg.params_)
    for k in ("p", "q", "v"):
        assert abs(gg.params_[k] / lgg.params_[k] - 1) < 1e-2, (k, gg.params_, lgg.params_)
    print(f"\nBG/NBD + Gamma-Gamma fit, {n:,} customers "
          f"({int((d['frequency'] > 0).sum()):,} repeat); lifetimes timed once")
    fits = {"npscore BetaGeo + GammaGamma": t_np,
            "lifetimes BetaGeoFitter + GammaGammaFitter": t_lt}
    _common.print_table(fits, "npscore BetaGeo + GammaGamma")
    print("  npscore estimates: " + ", ".join(f"{k}={v:.4f}" for k, v in
                                             {**bg.params_, **gg.params_}.items()))
    results["fit_seconds"] = fits
    results["targets"].append({"target": "fit: npscore < 0.1x lifetimes",
                               "value": t_lt / t_np, "met": t_np < 0.1 * t_lt})

    # --- RFM ------------------------------------------------------------------------
    rows = 10 * n
    df = transactions(rows, n)
    end = pd.Timestamp("2025-01-01")
    t_rfm, ours = _common.best_time(
        lambda: npscore.rfm_summary(df, customer="customer", date="date", amount="amount",
                                    observation_end=end, freq="W"), args.repeat)
    t_pd, ref = _common.best_time(lambda: pandas_rfm(df, end), args.repeat)
    assert ours.index.equals(ref.index)
    for c in ("frequency", "recency", "T"):
        assert np.array_equal(ours[c].to_numpy(), ref[c].to_numpy()), c
    assert np.allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-12)
    print(f"\nrfm_summary, {rows:,} transactions, {ours.shape[0]:,} customers, weekly")
    rfm = {"npscore.rfm_summary": t_rfm, "pandas (to_period + groupby)": t_pd}
    _common.print_table(rfm, "npscore.rfm_summary")
    results["rfm_seconds"] = rfm
    results["targets"].append({"target": "rfm_summary: npscore >= 10x pandas",
                               "value": t_pd / t_rfm, "met": t_pd >= 10 * t_rfm})
    _common.print_targets(results["targets"], 40)
    return _common.finish(results, args)


if __name__ == "__main__":
    sys.exit(main())
