#!/usr/bin/env python3
"""npscore.churn_features against the pandas code an analyst would otherwise
write.

One run measures, on the same data and in the same process,
``npscore.churn_features(responses, customers, as_of=..., signup=...,
followed_up=...)`` over N responses of N/10 customers (int64 ids drawn
uniformly, tz-aware UTC ``datetime64[ns]`` times over three years in random
order, float64 scores, half of the responses followed up a few days later;
as_of two thirds of the way through, so a third of the responses are in its
future) against the idiomatic pandas code for the same columns: filter
``responded_at <= as_of``, ``sort_values([customer, time])``, a
``groupby(customer)`` for the count, mean, minimum and detractor share, the
last row and ``nth(-2)`` for the latest and previous responses, then the
segment indicators, score change, days since the response, tenure, age,
early-life flag and follow-up columns, reindexed to the customer table and
filled the same way. Before any figure is printed the script asserts that
both sides agree on every column.

Each figure is the best of K timed runs after one warm-up run; npscore and
pandas alternate within each round. Absolute times depend on the machine and
its load; the ratio is the point.

    python bench/bench_churn_features.py            # N = 10M, 1M customers: about 2 min
    python bench/bench_churn_features.py --quick    # N = 1M: about 10 s
    python bench/bench_churn_features.py --repeat 5 --json out.json

Run it from outside the repository so that the installed, compiled
``npscore`` is imported.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np
import pandas as pd

import npscore

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (SCORE_OF_BYTE, best_time, finish, machine, parse_args,  # noqa: E402
                     print_machine, print_table)

FIRST = pd.Timestamp("2023-01-01", tz="UTC")
SPAN_DAYS = 3 * 365
AS_OF = FIRST + pd.Timedelta(days=2 * 365)
RESPONSES_PER_CUSTOMER = 10
DAY = pd.Timedelta(days=1)


def make_data(n: int, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    m = n // RESPONSES_PER_CUSTOMER
    ids = 5_000_000 + np.arange(m, dtype=np.int64)
    signup = FIRST - pd.to_timedelta(rng.integers(0, 400 * 86400, m), unit="s")
    customers = pd.DataFrame({"customer_id": ids, "signup_at": signup})
    ms = rng.integers(0, SPAN_DAYS * 86_400_000, n, dtype=np.int64)
    times = FIRST + pd.to_timedelta(ms, unit="ms")
    delay = pd.to_timedelta(rng.integers(0, 5 * 86_400_000, n, dtype=np.int64), unit="ms")
    followed = pd.Series(times + delay).where(rng.random(n) < 0.5)
    responses = pd.DataFrame({
        "customer_id": ids[rng.integers(0, m, n)],
        "responded_at": times,
        "score": SCORE_OF_BYTE[rng.integers(0, 256, n, dtype=np.uint8)],
        "followed_up_at": followed.array,
    })
    return responses, customers


def npscore_features(responses: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    return npscore.churn_features(responses, customers, as_of=AS_OF, signup="signup_at",
                                  followed_up="followed_up_at")


def pandas_features(responses: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The same columns, the pandas way (filled as npscore fills them)."""
    cust = customers.set_index("customer_id")
    cust = cust[cust["signup_at"] <= AS_OF]
    r = responses[responses["responded_at"] <= AS_OF]
    r = r.assign(detractor=r["score"] <= 6).sort_values(["customer_id", "responded_at"])
    g = r.groupby("customer_id", sort=False)
    agg = g.agg(n_responses=("score", "size"), mean_score=("score", "mean"),
                min_score=("score", "min"), detractor_share=("detractor", "mean"))
    last = g.tail(1).set_index("customer_id")
    prev = g.nth(-2).set_index("customer_id")["score"]
    seg = np.where(last["score"] <= 6, -1, np.where(last["score"] <= 8, 0, 1))
    prev_seg = np.where(prev <= 6, -1, np.where(prev <= 8, 0, 1))
    f = pd.DataFrame(index=cust.index)
    f["has_response"] = f.index.isin(last.index).astype(float)
    f["n_responses"] = agg["n_responses"].reindex(f.index, fill_value=0).astype(float)
    f["score"] = last["score"].reindex(f.index)
    f["segment=detractor"] = pd.Series(seg == -1, last.index, dtype=float).reindex(f.index, fill_value=0)
    f["segment=passive"] = pd.Series(seg == 0, last.index, dtype=float).reindex(f.index, fill_value=0)
    f["score_change"] = (last["score"] - prev.reindex(last.index)).reindex(f.index)
    f["segment_change"] = (pd.Series(seg, last.index) - pd.Series(prev_seg, prev.index)
                           .reindex(last.index)).reindex(f.index).fillna(0).astype(float)
    f["mean_score"] = agg["mean_score"].reindex(f.index)
    f["min_score"] = agg["min_score"].reindex(f.index)
    f["detractor_share"] = agg["detractor_share"].reindex(f.index)
    f["days_since_response"] = ((AS_OF - last["responded_at"]) / DAY).reindex(f.index)
    f["tenure_days"] = ((last["responded_at"] - cust["signup_at"].reindex(last.index)) / DAY
                        ).reindex(f.index)
    f["customer_age_days"] = (AS_OF - cust["signup_at"]) / DAY
    f["early_life_detractor"] = ((f["segment=detractor"] == 1) & (f["tenure_days"] >= 0)
                                 & (f["tenure_days"] <= 10)).astype(float)
    fu = last["followed_up_at"]
    followed = (pd.Series(seg == -1, last.index) & fu.notna() & (fu <= AS_OF))
    waiting = pd.Series(seg == -1, last.index) & ~followed
    f["days_detractor_waiting"] = ((AS_OF - last["responded_at"]) / DAY).where(waiting, 0.0
                                                                               ).reindex(f.index, fill_value=0.0)
    f["detractor_followed_up"] = followed.astype(float).reindex(f.index, fill_value=0.0)
    f["days_to_follow_up"] = ((fu - last["responded_at"]) / DAY).where(followed, 0.0
                                                                        ).reindex(f.index, fill_value=0.0)
    # npscore's fills for customers without a response / a previous one.
    for name in ("score", "mean_score", "min_score"):
        f[name] = f[name].fillna(7.5)
    f["score_change"] = f["score_change"].fillna(0.0)
    f["detractor_share"] = f["detractor_share"].fillna(0.0)
    f["days_since_response"] = f["days_since_response"].fillna(f["customer_age_days"])
    f["tenure_days"] = f["tenure_days"].fillna(f["customer_age_days"])
    return f


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, "1M responses instead of 10M, for CI smoke runs", argv)
    n = 1_000_000 if args.quick else 10_000_000
    results: dict[str, Any] = {"machine": machine(), "repeat": args.repeat, "quick": args.quick,
                               "responses": n, "customers": n // RESPONSES_PER_CUSTOMER}
    responses, customers = make_data(n)
    t_np, ours = best_time(lambda: npscore_features(responses, customers), args.repeat)
    t_pd, theirs = best_time(lambda: pandas_features(responses, customers), args.repeat)
    # Both sides agree on every column before any figure is shown.
    theirs = theirs.loc[ours.index, ours.columns]
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, check_names=False,
                                  rtol=1e-9)
    print_machine(results["machine"], args.repeat)
    print(f"\n{n:,} responses, {n // RESPONSES_PER_CUSTOMER:,} customers, as_of {AS_OF.date()}:"
          f" {ours.attrs['used']:,} responses used, {ours.shape[1]} columns")
    seconds = {"npscore.churn_features": t_np, "pandas (filter, sort, groupby, join)": t_pd}
    print_table(seconds, "npscore.churn_features")
    results["seconds"] = seconds
    results["ratio"] = t_pd / t_np
    print(f"\npandas / npscore: {t_pd / t_np:.1f}x")
    results["targets"] = []
    return finish(results, args)


if __name__ == "__main__":
    sys.exit(main())
