#!/usr/bin/env python3
"""npscore's distribution health against the pandas code an analyst would
otherwise write.

One run measures, on the same data and in the same process:

* ``npscore.health(df, freq="M", by="slice")`` over N responses (36 months, 20
  slices, timestamps tz-aware UTC ``datetime64[ns]``) against the idiomatic
  pandas code for the same core columns: month buckets with
  ``dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")``, a groupby
  on [slice, month] counting the three segments, the shares, NPS, its Wald SE
  and interval, and the change against the previous month with its p-value
  per slice (pandas does not compute the histogram, the Wilson intervals, the
  adjusted p-values, the trends or the flags that npscore adds). Target
  (issue 3): npscore >= 10x faster. The slice column is timed both as pandas'
  default ``str`` dtype (what ``read_csv`` gives) and as a ``category``.
* ``npscore.migration`` over the same N responses (about N/5 customers, times
  in random order) against the pandas way: ``sort_values([customer, time])``,
  ``groupby(customer).shift()`` to pair consecutive responses, and
  ``pd.crosstab`` of the pairs' segments; and against one sort of the
  (customer, time) pairs (``np.lexsort``). Target (issue 3): migration sorts
  at most once, so it costs no more than that one sort.

Each figure is the best of K timed runs after one warm-up run; npscore and
pandas run alternately within each round, so a change in the load of a
shared machine hits both alike. Before any figure is printed, the script
asserts that both sides agree (n, segment counts, shares, NPS and the NPS
change per (slice, month) row; the 3x3 migration counts), so the comparison
is honest. "of which" rows time the parts of the npscore call on their own,
to show where the time goes. Absolute times depend on the machine and its
load; the ratios are the point.

    python bench/bench_health.py                 # N = 10M: 2.5-4.5 min, 1.6 GB peak RSS
    python bench/bench_health.py --quick         # N = 1M: about 10 s (CI smoke run)
    python bench/bench_health.py --repeat 5 --json out.json

Run it from outside the repository so that the installed, compiled
``npscore`` is imported.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import numpy as np
import pandas as pd
import scipy
from scipy import stats

import npscore
from npscore import _npscore  # private: only to time the parts of a call
from npscore._convert import as_cutoffs, as_scores
from npscore._groups import group_codes, is_int_key

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (SCORE_OF_BYTE, best_time, best_times, finish, machine, parse_args,  # noqa: E402
                     print_machine, print_table, print_targets)

# The module npscore/health.py (the package re-exports its function `health`
# under the same name), for its private helpers.
_health = importlib.import_module("npscore.health")

MONTHS = 36
SLICES = 20
RESPONSES_PER_CUSTOMER = 5
FIRST = np.datetime64("2023-01-01T00:00:00", "ns")
END = np.datetime64("2026-01-01T00:00:00", "ns")  # 36 months later
TARGET_HEALTH_SPEEDUP = 10.0  # pandas time / npscore.health time, at least
Z95 = float(stats.norm.ppf(0.975))


# --- Timing ---------------------------------------------------------------------

# --- Data -----------------------------------------------------------------------

def make_responses(n: int, seed: int = 3) -> pd.DataFrame:
    """n responses: a float64 score 0..10, a tz-aware UTC timestamp (to the
    millisecond, uniform over 36 months, in random order), one of 20 slices
    (pandas' default ``str`` dtype) and a customer id (int64, about n / 5
    customers drawn uniformly, so each has a handful of responses)."""
    rng = np.random.default_rng(seed)
    span_ms = int((END - FIRST) // np.timedelta64(1, "ms"))
    ms = rng.integers(0, span_ms, size=n, dtype=np.int64)
    times = FIRST + ms.astype("timedelta64[ms]").astype("timedelta64[ns]")
    labels = np.array([f"region-{i:02d}" for i in range(SLICES)], dtype=object)
    customers = n // RESPONSES_PER_CUSTOMER
    return pd.DataFrame({
        "score": SCORE_OF_BYTE[rng.integers(0, 256, size=n, dtype=np.uint8)],
        "responded_at": pd.Series(times).dt.tz_localize("UTC"),
        "slice": pd.Series(labels[rng.integers(0, SLICES, size=n)], dtype="str"),
        "customer_id": 1_000_000 + rng.integers(0, customers, size=n, dtype=np.int64),
    })


# --- What an analyst writes without npscore --------------------------------------

def pandas_health(df: pd.DataFrame) -> pd.DataFrame:
    """Per (slice, month): n, the segment counts and shares, NPS with its Wald
    SE and 95% interval, and the NPS change against the previous month of the
    same slice with its two-sided z-test p-value."""
    month = df["responded_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    g = (df.assign(month=month, detractor=df["score"] <= 6, promoter=df["score"] >= 9)
           .groupby(["slice", "month"], observed=True)
           .agg(n=("score", "size"), detractors=("detractor", "sum"),
                promoters=("promoter", "sum")))
    g["passives"] = g["n"] - g["detractors"] - g["promoters"]
    for seg in ("detractors", "passives", "promoters"):
        g[f"share_{seg}"] = g[seg] / g["n"]
    d, p = g["share_detractors"], g["share_promoters"]
    g["nps"] = 100 * (p - d)
    g["se"] = 100 * np.sqrt(((p + d) - (p - d) ** 2) / g["n"])
    g["ci_low"] = g["nps"] - Z95 * g["se"]
    g["ci_high"] = g["nps"] + Z95 * g["se"]
    previous = g.groupby(level="slice", observed=True)[["nps", "se"]].shift()
    g["nps_change"] = g["nps"] - previous["nps"]
    g["change_se"] = np.sqrt(g["se"] ** 2 + previous["se"] ** 2)
    g["change_p"] = 2 * stats.norm.sf(np.abs(g["nps_change"] / g["change_se"]))
    return g.reset_index()


_SEGMENTS = ["detractors", "passives", "promoters"]


def pandas_migration(df: pd.DataFrame) -> pd.DataFrame:
    """The 3x3 counts of segment moves between consecutive responses of each
    customer, and their rates per "from" segment."""
    d = df[["customer_id", "responded_at", "score"]].sort_values(["customer_id", "responded_at"])
    seg = pd.cut(d["score"], bins=[-1, 6, 8, 10], labels=_SEGMENTS)
    before = seg.groupby(d["customer_id"], observed=True).shift()
    paired = before.notna()
    counts = pd.crosstab(before[paired], seg[paired]).reindex(
        index=_SEGMENTS, columns=_SEGMENTS, fill_value=0)
    rates = counts.div(counts.sum(axis=1), axis=0)
    return pd.concat({"count": counts, "rate": rates}, axis=1)


# --- Agreement checks ---------------------------------------------------------------

def check_health(ours: pd.DataFrame, ref: pd.DataFrame, what: str) -> None:
    assert len(ours) == len(ref), f"{what}: {len(ours)} rows != {len(ref)}"
    for name, theirs in (("slice", ref["slice"].astype(str)),
                         ("period", ref["month"].astype(str))):
        assert (ours[name].astype(str).to_numpy() == theirs.to_numpy()).all(), \
            f"{what}: {name} keys differ"
    for col in ("n", "detractors", "passives", "promoters"):
        assert (ours[col].to_numpy() == ref[col].to_numpy()).all(), f"{what}: {col} differs"
    for col in ("share_detractors", "share_passives", "share_promoters", "nps", "nps_change"):
        np.testing.assert_allclose(ours[col].to_numpy(), ref[col].to_numpy(dtype=float),
                                   rtol=1e-9, atol=1e-9, err_msg=f"{what}: {col} differs")


def check_migration(ours: pd.DataFrame, ref: pd.DataFrame) -> None:
    mine = ours.set_index("from")[[f"to_{s}" for s in _SEGMENTS]].to_numpy()
    theirs = ref["count"].to_numpy()
    assert (mine == theirs).all(), f"migration counts differ:\n{mine}\n!=\n{theirs}"


# --- Benchmarks -----------------------------------------------------------------------

def health_parts(df: pd.DataFrame, repeat: int) -> dict[str, float]:
    """The steps of npscore.health(df, freq="M", by="slice"), each timed on its
    own with the same private calls the function makes (health.py, _prepare)."""
    parts: dict[str, float] = {}
    parts["  of which timestamps -> UTC ns (_utc_nanos)"], times = best_time(
        lambda: _health._utc_nanos(df["responded_at"], "time", "UTC"), repeat)

    def grid():
        lo, hi, _ = _npscore.time_range(times)
        return _npscore.period_grid(lo, hi, "M", "UTC")

    parts["  of which time_range + period_grid"], (starts, labels) = best_time(grid, repeat)
    parts["  of which slice codes (group_codes)"], (slices, keys) = best_time(
        lambda: group_codes(df, ["slice"]), repeat)
    scores = as_scores(df["score"])
    cut = as_cutoffs((6, 8, 10))
    parts["  of which core health_over_time()"], _ = best_time(
        lambda: _npscore.health_over_time(scores, times, starts, labels, slices, len(keys), cut,
                                          "error", "adjusted-wald", 0.95, "holm", {}), repeat)
    return parts


def bench_health(df: pd.DataFrame, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": len(df), "months": MONTHS, "slices": SLICES, "variants": {}}
    frames = {"str slice": df,
              "category slice": df.assign(slice=df["slice"].astype("category"))}
    for name, frame in frames.items():
        seconds, res = best_times({
            "npscore.health": lambda: npscore.health(frame, freq="M", by="slice"),
            "pandas to_period + groupby": lambda: pandas_health(frame)}, repeat)
        check_health(res["npscore.health"], res["pandas to_period + groupby"], f"health ({name})")
        assert len(res["npscore.health"]) == MONTHS * SLICES, "health: not one row per cell"
        parts = health_parts(frame, repeat)
        parts["  of which the rest (difference: checks, output frame)"] = (
            seconds["npscore.health"] - sum(parts.values()))
        seconds.update(parts)
        out["variants"][name] = {
            "seconds": seconds,
            "pandas_over_npscore": seconds["pandas to_period + groupby"] / seconds["npscore.health"]}
    return out


def bench_migration(df: pd.DataFrame, repeat: int) -> dict[str, Any]:
    seconds, res = best_times({
        "npscore.migration": lambda: npscore.migration(df),
        "pandas sort + groupby.shift + crosstab": lambda: pandas_migration(df)}, repeat)
    ours = res["npscore.migration"]
    check_migration(ours, res["pandas sort + groupby.shift + crosstab"])
    # Where npscore's time goes, on the path npscore.migration takes: integer
    # ids are passed to the core as they are (never missing); other ids are
    # checked and factorized (pd.factorize) first.
    ids = df["customer_id"]
    parts: dict[str, float] = {}
    if is_int_key(ids):
        parts["  of which customer ids as int64 (no factorizing)"], customers = best_time(
            lambda: np.ascontiguousarray(ids.to_numpy(), dtype=np.int64), repeat)
    else:
        parts["  of which customer ids check + pd.factorize"], customers = best_time(
            lambda: _health._codes_or_error(ids, "customer"), repeat)
    parts["  of which timestamps -> UTC ns (_utc_nanos)"], times = best_time(
        lambda: _health._utc_nanos(df["responded_at"], "time", "UTC"), repeat)
    scores = as_scores(df["score"])
    periods = np.zeros(len(df), dtype=np.int32)
    parts["  of which core migration()"], _ = best_time(
        lambda: _npscore.migration(scores, customers, times, periods, 1, as_cutoffs((6, 8, 10)),
                                   "error"), repeat)
    # The one sort the issue allows: numpy's sort of the (customer, time) pairs.
    parts["peer: one sort, np.lexsort((time, customer))"], _ = best_time(
        lambda: np.lexsort((times, customers)), repeat)
    seconds.update(parts)
    sort = seconds["peer: one sort, np.lexsort((time, customer))"]
    return {
        "rows": len(df),
        "customers": int(df["customer_id"].nunique()),
        "pairs": int(ours.attrs["pairs"]),
        "seconds": seconds,
        "pandas_over_npscore": seconds["pandas sort + groupby.shift + crosstab"]
                               / seconds["npscore.migration"],
        "npscore_over_sort": seconds["npscore.migration"] / sort,
        "core_over_sort": seconds["  of which core migration()"] / sort,
    }


# --- Report -----------------------------------------------------------------------------

def report(results: dict[str, Any]) -> list[dict[str, Any]]:
    print_machine(results["machine"], results["repeat"])
    targets = []
    h = results["health"]
    print(f"\nhealth: {h['rows']:,} responses, {h['months']} months x {h['slices']} slices "
          "(n, counts, shares, NPS and NPS change agree with pandas on every row)")
    for name, v in h["variants"].items():
        print(f" {name}:")
        print_table(v["seconds"], "npscore.health")
        targets.append({"target": f"health ({name}) >= {TARGET_HEALTH_SPEEDUP:g}x faster"
                                  " than pandas",
                        "value": v["pandas_over_npscore"],
                        "met": v["pandas_over_npscore"] >= TARGET_HEALTH_SPEEDUP})
    g = results["migration"]
    print(f"\nmigration: {g['rows']:,} responses, {g['customers']:,} customers, {g['pairs']:,}"
          " consecutive pairs (3x3 counts agree with pandas)")
    print_table(g["seconds"], "npscore.migration")
    print(f"  pandas / npscore: {g['pandas_over_npscore']:.2f}x; npscore.migration / one sort:"
          f" {g['npscore_over_sort']:.2f}x (the compiled part: {g['core_over_sort']:.2f}x)")
    targets.append({"target": "migration costs at most one sort (npscore.migration / lexsort)",
                    "value": g["npscore_over_sort"], "met": g["npscore_over_sort"] <= 1.0,
                    "lower_is_better": True})
    print_targets(targets, 62)
    return targets


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, "1M responses instead of 10M, for CI smoke runs", argv)
    rows = 1_000_000 if args.quick else 10_000_000
    results: dict[str, Any] = {"machine": machine(scipy=scipy.__version__), "repeat": args.repeat, "quick": args.quick}
    df = make_responses(rows)
    results["health"] = bench_health(df, args.repeat)
    results["migration"] = bench_migration(df, args.repeat)
    results["targets"] = report(results)
    return finish(results, args)


if __name__ == "__main__":
    sys.exit(main())
