#!/usr/bin/env python3
"""npscore against the numpy/pandas code an analyst would otherwise write.

One run measures, on the same data and in the same process:

* ``npscore.summarize`` over N float64 scores (whole numbers 0-10) against
  ``arr.sum()`` (the memory-bandwidth floor; target: npscore within 1.5x of
  it) and against the idiomatic pandas code (``pd.cut`` + ``value_counts``,
  then NPS and a Wald SE; target: npscore >= 20x faster). The numpy
  ``np.select`` idiom is shown too.
* ``npscore.by_group`` over M rows and G groups, with an integer, a string
  (Python objects), an Arrow-backed string (pandas' ``str`` dtype with
  pyarrow storage, when pyarrow is installed) and a categorical key, against
  the idiomatic pandas groupby on the same frame (per-group n, the three
  segment counts, NPS and SE; target: npscore >= 10x faster). For the Arrow
  key (summarized in one pass over its buffers) and, as a reference, the
  int64 key the ratio is also given as the median of 5 interleaved
  (npscore, pandas) rounds, each round's ratio taken in that round.

Each figure is the best of K timed runs after one warm-up run. Results are
checked to agree before any figure is reported, so the comparison is honest.
Absolute times depend on the machine and its load; the ratios are the point.

    python bench/bench_python.py                 # full sizes: N = 100M, M = 10M, G = 10,000
    python bench/bench_python.py --quick         # 10x smaller, a few seconds (CI smoke run)
    python bench/bench_python.py --repeat 5 --json out.json

Run it from outside the repository (or with the package installed) so that
the installed, compiled ``npscore`` is imported.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

import npscore
from npscore import _convert, _groups, _npscore  # private: only to time the parts of a call

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (SCORE_OF_BYTE, best_time, finish, machine, parse_args,  # noqa: E402
                     print_machine, print_table, print_targets)

TARGET_SUM_RATIO = 1.5      # npscore.summarize time / arr.sum() time, at most
TARGET_SUMMARIZE_SPEEDUP = 20.0  # pandas time / npscore.summarize time, at least
TARGET_BY_GROUP_SPEEDUP = 10.0   # pandas time / npscore.by_group time, at least


# --- Data -----------------------------------------------------------------------

def make_scores(n: int, seed: int) -> np.ndarray:
    """n whole-number scores 0..10 as float64, with a typical distribution."""
    rng = np.random.default_rng(seed)
    return SCORE_OF_BYTE[rng.integers(0, 256, size=n, dtype=np.uint8)]


def _have_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def make_group_frames(rows: int, groups: int, seed: int) -> dict[str, pd.DataFrame]:
    """The same (score, group) rows with an int64, a string (Python objects),
    an Arrow-backed string (with pyarrow) and a categorical key."""
    rng = np.random.default_rng(seed)
    scores = make_scores(rows, seed + 1)
    codes = rng.integers(0, groups, size=rows, dtype=np.int64)
    labels = np.array([f"store-{i:05d}" for i in range(groups)], dtype=object)
    as_str = labels[codes]  # object array; each label object shared, as after a read_csv
    frames = {
        "int64 key": pd.DataFrame({"score": scores, "group": codes}),
        "string key": pd.DataFrame({"score": scores,
                                    "group": pd.Series(as_str, dtype=object)}),
    }
    if _have_pyarrow():
        # pandas' default text dtype when pyarrow is installed (and what
        # polars and pyarrow tables become): large_string in Arrow buffers.
        arrow = pd.Series(as_str).astype(pd.StringDtype("pyarrow", na_value=np.nan))
        frames["Arrow string key"] = pd.DataFrame({"score": scores, "group": arrow})
    frames["categorical key"] = pd.DataFrame(
        {"score": scores, "group": pd.Categorical(as_str, categories=labels)})
    return frames


def median_ratio(ours: Any, theirs: Any, rounds: int = 5) -> tuple[float, list[float]]:
    """The median over `rounds` interleaved rounds of (time of theirs) / (time
    of ours), each round timing both back to back, after one warm-up of each;
    and the rounds' ratios."""
    ours()
    theirs()
    ratios = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        ours()
        t1 = time.perf_counter()
        theirs()
        t2 = time.perf_counter()
        ratios.append((t2 - t1) / (t1 - t0))
    return float(np.median(ratios)), ratios


# --- What an analyst writes without npscore --------------------------------------

def pandas_summarize(s: pd.Series) -> dict[str, float]:
    """The pandas idiom: bin with pd.cut, shares with value_counts, then the
    NPS and its Wald standard error."""
    seg = pd.cut(s, bins=[-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
    shares = seg.value_counts(normalize=True)
    n = int(seg.notna().sum())
    p, d = shares["promoter"], shares["detractor"]
    nps = 100 * (p - d)
    se = 100 * math.sqrt(((p + d) - (p - d) ** 2) / n)
    return {"n": n, "nps": nps, "se": se}


def numpy_summarize(arr: np.ndarray) -> dict[str, float]:
    """The numpy idiom: codes -1/0/+1 with np.select; NPS = 100 * mean and
    the SE from their standard deviation."""
    codes = np.select([arr <= 6, arr >= 9], [-1, 1], 0)
    n = codes.size
    return {"n": n, "nps": 100 * codes.mean(), "se": 100 * codes.std() / math.sqrt(n)}


def pandas_by_group(df: pd.DataFrame) -> pd.DataFrame:
    """The pandas idiom: flag the segments, groupby-aggregate the counts, then
    the shares, NPS and Wald SE per group."""
    g = (df.assign(detractor=df["score"] <= 6, promoter=df["score"] >= 9)
           .groupby("group", observed=True)
           .agg(n=("score", "size"), detractors=("detractor", "sum"),
                promoters=("promoter", "sum")))
    g["passives"] = g["n"] - g["detractors"] - g["promoters"]
    p = g["promoters"] / g["n"]
    d = g["detractors"] / g["n"]
    g["nps"] = 100 * (p - d)
    g["se"] = 100 * np.sqrt(((p + d) - (p - d) ** 2) / g["n"])
    return g


# --- Agreement checks ---------------------------------------------------------------

def check_summary(s: Any, ref: dict[str, float], what: str) -> None:
    assert s.n == ref["n"], f"{what}: n {s.n} != {ref['n']}"
    assert abs(s.nps - ref["nps"]) <= 1e-9 * max(1.0, abs(ref["nps"])), \
        f"{what}: NPS {s.nps!r} != {ref['nps']!r}"
    assert math.isclose(s.se, ref["se"], rel_tol=1e-9), f"{what}: SE {s.se!r} != {ref['se']!r}"


def check_groups(ours: pd.DataFrame, ref: pd.DataFrame, what: str) -> None:
    assert len(ours) == len(ref), f"{what}: {len(ours)} groups != {len(ref)}"
    keys = np.asarray(ours["group"], dtype=object)
    assert (keys == np.asarray(ref.index, dtype=object)).all(), f"{what}: group keys differ"
    for col in ("n", "detractors", "passives", "promoters"):
        assert (ours[col].to_numpy() == ref[col].to_numpy()).all(), f"{what}: {col} differs"
    for col in ("nps", "se"):
        np.testing.assert_allclose(ours[col].to_numpy(), ref[col].to_numpy(), rtol=1e-9,
                                   atol=1e-9, err_msg=f"{what}: {col} differs")


# --- Benchmarks -----------------------------------------------------------------------

def bench_summarize(n: int, repeat: int) -> dict[str, Any]:
    arr = make_scores(n, seed=1)
    series = pd.Series(arr)
    t_sum, _ = best_time(arr.sum, repeat)
    t_nps, ours = best_time(lambda: npscore.summarize(arr), repeat)
    t_pd, ref_pd = best_time(lambda: pandas_summarize(series), repeat)
    t_np, ref_np = best_time(lambda: numpy_summarize(arr), repeat)
    check_summary(ours, ref_pd, "summarize vs pandas")
    check_summary(ours, ref_np, "summarize vs numpy")
    # Where npscore's time goes: the input conversion, and the compiled
    # counting pass alone.
    t_convert, _ = best_time(lambda: _convert.as_scores(arr), repeat)
    cut = _convert.as_cutoffs((6, 8, 10))
    t_count, _ = best_time(lambda: _npscore.count(arr, cut, "error"), repeat)
    return {
        "rows": n,
        "nps": ours.nps,
        "seconds": {"numpy arr.sum()": t_sum, "npscore.summarize": t_nps,
                    "pandas pd.cut + value_counts": t_pd, "numpy np.select + mean/std": t_np,
                    "  of which as_scores()": t_convert, "  of which core count()": t_count},
        "npscore_over_sum": t_nps / t_sum,
        "pandas_over_npscore": t_pd / t_nps,
        "numpy_select_over_npscore": t_np / t_nps,
    }


def bench_by_group(rows: int, groups: int, repeat: int) -> dict[str, Any]:
    frames = make_group_frames(rows, groups, seed=2)
    out: dict[str, Any] = {"rows": rows, "groups": groups, "variants": {}}
    cut = _convert.as_cutoffs((6, 8, 10))
    for name, df in frames.items():
        t_nps, ours = best_time(lambda: npscore.by_group(df, score="score", by="group"), repeat)
        t_pd, ref = best_time(lambda: pandas_by_group(df), repeat)
        check_groups(ours, ref, f"by_group ({name})")
        # Where npscore's time goes, by the path npscore.by_group takes for
        # the key: integer keys are grouped by the core directly (by_key: no
        # factorizing pass for dense keys); categorical keys pass their codes
        # as they are; other keys are factorized by pandas first.
        key = df["group"]
        scores = df["score"].to_numpy()
        tail = (cut, "error", "adjusted-wald", 0.95, 30.0)
        parts: dict[str, float] = {}
        if isinstance(key.dtype, pd.CategoricalDtype):
            parts["  of which key.cat.codes"], codes = best_time(
                lambda: key.cat.codes.to_numpy(), repeat)
            n_groups = len(key.cat.categories)
        elif key.dtype.kind in "iu":
            keys = np.ascontiguousarray(key.to_numpy(), dtype=np.int64)
            parts["  of which core by_key()"], _ = best_time(
                lambda: _npscore.by_key(scores, keys, None, *tail), repeat)
            codes = None
        elif _groups.arrow_strings(key) is not None:
            # One pass over the Arrow buffers and the scores: no codes array.
            chunks, large = _groups.arrow_chunks(_groups.arrow_strings(key))
            parts["  of which core by_utf8_key()"], _ = best_time(
                lambda: _npscore.by_utf8_key(scores, chunks, large, None, *tail), repeat)
            codes = None
        else:
            parts["  of which pd.factorize(key)"], (codes, _) = best_time(
                lambda: pd.factorize(key, sort=True, use_na_sentinel=False), repeat)
            codes = np.ascontiguousarray(codes, dtype=np.int64)
            n_groups = int(codes.max()) + 1
        if codes is not None:
            parts["  of which core by_group()"], _ = best_time(
                lambda: _npscore.by_group(scores, codes, n_groups, None, *tail), repeat)
        out["variants"][name] = {
            "seconds": {"npscore.by_group": t_nps, "pandas groupby.agg": t_pd, **parts},
            "pandas_over_npscore": t_pd / t_nps,
        }
        if name in ("Arrow string key", "int64 key"):
            med, ratios = median_ratio(lambda: npscore.by_group(df, score="score", by="group"),
                                       lambda: pandas_by_group(df))
            out["variants"][name]["median_of_5"] = med
            out["variants"][name]["ratios_of_5"] = ratios
    return out


# --- Report -----------------------------------------------------------------------------

def report(results: dict[str, Any]) -> list[dict[str, Any]]:
    print_machine(results["machine"], results["repeat"])
    targets = []

    s = results["summarize"]
    print(f"\nsummarize: {s['rows']:,} float64 scores (NPS {s['nps']:.4f}, agrees with pandas"
          " and numpy)")
    print_table(s["seconds"], "npscore.summarize", width=40)
    ok1 = s["npscore_over_sum"] <= TARGET_SUM_RATIO
    ok2 = s["pandas_over_npscore"] >= TARGET_SUMMARIZE_SPEEDUP
    targets.append({"target": f"summarize within {TARGET_SUM_RATIO}x of arr.sum()",
                    "value": s["npscore_over_sum"], "met": ok1})
    targets.append({"target": f"summarize >= {TARGET_SUMMARIZE_SPEEDUP:g}x faster than pandas",
                    "value": s["pandas_over_npscore"], "met": ok2})

    g = results["by_group"]
    print(f"\nby_group: {g['rows']:,} rows, {g['groups']:,} groups (results agree with pandas)")
    for name, v in g["variants"].items():
        print_table(v["seconds"], "npscore.by_group", title=name + ":", width=40, nest=2)
        if "median_of_5" in v:
            print(f"    pandas / npscore in 5 interleaved rounds: median {v['median_of_5']:.1f}x ("
                  + ", ".join(f"{r:.1f}x" for r in v["ratios_of_5"]) + ")")
        targets.append({"target": f"by_group ({name}) >= {TARGET_BY_GROUP_SPEEDUP:g}x faster"
                                  " than pandas",
                        "value": v["pandas_over_npscore"],
                        "met": v["pandas_over_npscore"] >= TARGET_BY_GROUP_SPEEDUP})

    print_targets(targets, 55)
    return targets


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, "10x smaller sizes, for CI smoke runs", argv)
    scale = 10 if args.quick else 1
    results: dict[str, Any] = {"machine": machine(), "repeat": args.repeat, "quick": args.quick}
    results["summarize"] = bench_summarize(100_000_000 // scale, args.repeat)
    results["by_group"] = bench_by_group(10_000_000 // scale, 10_000 // scale, args.repeat)
    results["targets"] = report(results)
    return finish(results, args)


if __name__ == "__main__":
    sys.exit(main())
