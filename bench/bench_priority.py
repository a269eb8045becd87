#!/usr/bin/env python3
"""npscore's contact queue and theme tagger against the pandas / numpy / re
code an analyst would otherwise write.

One run measures, on the same data and in the same process:

* ``npscore.prioritize(df, ..., top=100)`` over N customers (churn risk, CLV,
  a 0-10 score, tz-aware UTC response times within the last 10 days) against
  the same queue built with pandas: hours since the answer, the recovery
  curve with scipy's ``PchipInterpolator`` in log(1 + hours), priority =
  risk x CLV x recoverability, then ``sort_values`` on (priority, revenue at
  risk, deadline) and ``head(100)``; and against numpy's ``argpartition`` on
  the priority (a partial selection, ties not broken). The row ("core only")
  times the compiled call on prepared arrays, without the DataFrame in and
  out. Target (issue 5): well under a second for 10M customers.
* ``ThemeTagger().indicators(comments)`` over M comments drawn from the
  sample's comments against Python's ``re`` (one compiled, case-insensitive
  word-boundary pattern per theme, built from the same keyword lists with the
  same inflection suffixes, ``search`` per comment and theme, after folding
  accents with ``unicodedata``) and against ``Series.str.contains`` with the
  same patterns.

Before any figure is printed the script checks that the sides agree (the top
100 rows; the theme indicators of every comment, up to the re peer's looser
word rules, reported as an agreement share). Each figure is the best of K
timed runs after one warm-up run, the sides alternating within each round.

    python bench/bench_priority.py            # N = 10M customers, M = 1M comments: ~1-2 min
    python bench/bench_priority.py --quick    # N = 1M, M = 100k (CI smoke run)

Run it from outside the repository so that the installed, compiled
``npscore`` is imported.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import scipy
from scipy.interpolate import PchipInterpolator

import npscore
from npscore import _npscore  # private: to time the compiled call alone
from npscore.priority import DEFAULT_RECOVERY
from npscore.themes import DEFAULT_TAXONOMY

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import best_times, finish, machine, parse_args, print_machine, print_table, print_targets  # noqa: E402

TOP = 100
NOW = pd.Timestamp("2026-01-01", tz="UTC")
TARGET_PRIORITIZE_SECONDS = 1.0  # "well under a second" for 10M customers


# --- The queue -----------------------------------------------------------------------

def make_customers(n: int, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ms = rng.integers(0, 10 * 24 * 3600 * 1000, size=n, dtype=np.int64)
    times = (NOW.tz_localize(None).to_datetime64() - ms.astype("timedelta64[ms]")).astype("datetime64[ns]")
    return pd.DataFrame({
        "churn_risk": rng.random(n),
        "clv": np.round(rng.lognormal(8, 1, n), 2),
        "score": rng.integers(0, 11, n).astype(np.int64),
        "responded_at": pd.Series(times).dt.tz_localize("UTC"),
    })


def pandas_queue(df: pd.DataFrame) -> pd.DataFrame:
    hours, prob = map(np.asarray, zip(*DEFAULT_RECOVERY))
    curve = PchipInterpolator(np.log1p(hours), prob, extrapolate=False)
    since = (NOW - df["responded_at"]) / pd.Timedelta(hours=1)
    rec = np.clip(curve(np.log1p(since.to_numpy())), prob[-1], prob[0])
    out = pd.DataFrame({"revenue_at_risk": df["churn_risk"] * df["clv"]})
    out["recoverability"] = rec
    out["priority"] = out["revenue_at_risk"] * rec
    out["deadline"] = df["responded_at"] + pd.Timedelta(hours=24)
    out = out.sort_values(["priority", "revenue_at_risk", "deadline"], ascending=[False, False, True])
    return out.head(TOP)


def numpy_queue(risk: np.ndarray, clv: np.ndarray, since_h: np.ndarray) -> np.ndarray:
    hours, prob = map(np.asarray, zip(*DEFAULT_RECOVERY))
    curve = PchipInterpolator(np.log1p(hours), prob, extrapolate=False)
    pri = risk * clv * np.clip(curve(np.log1p(since_h)), prob[-1], prob[0])
    top = np.argpartition(-pri, TOP)[:TOP]
    return top[np.argsort(-pri[top], kind="stable")]


def bench_prioritize(n: int, repeat: int) -> dict[str, Any]:
    df = make_customers(n)
    risk = df["churn_risk"].to_numpy()
    clv = df["clv"].to_numpy()
    t_ns = df["responded_at"].dt.tz_localize(None).to_numpy().view(np.int64)
    since_h = (NOW.value - t_ns) / 3.6e12
    hours, prob = map(list, zip(*DEFAULT_RECOVERY))
    fns = {
        f"npscore.prioritize(df, top={TOP}) (segment from scores)": lambda: npscore.prioritize(
            df, churn_risk="churn_risk", clv="clv", segment="score", responded_at="responded_at",
            now=NOW, top=TOP),
        "  of which core only (compiled call on arrays)": lambda: _npscore.prioritize(
            risk, clv, None, t_ns, NOW.value, 24.0, hours, prob, TOP, [], 0),
        "  core only, 1 thread": lambda: _npscore.prioritize(
            risk, clv, None, t_ns, NOW.value, 24.0, hours, prob, TOP, [], 1),
        "pandas: PCHIP + sort_values + head": lambda: pandas_queue(df),
        "numpy: PCHIP + argpartition (ties not broken)": lambda: numpy_queue(risk, clv, since_h),
    }
    seconds, res = best_times(fns, repeat)
    ours = list(res[next(iter(fns))].index)
    assert ours == list(res["pandas: PCHIP + sort_values + head"].index), "top rows differ from pandas"
    assert ours == list(res["numpy: PCHIP + argpartition (ties not broken)"]), "top rows differ from numpy"
    return {"rows": n, "seconds": seconds}


# --- Tagging -----------------------------------------------------------------------------

_SUFFIX = "(?:s|es|ed|ing|er|ers|y|ly)?"


def _word_pattern(keyword: str) -> str:
    words = re.findall(r"[a-z0-9]+", keyword.lower())
    return r"[\W_]+".join(re.escape(w) for w in words[:-1]) + (r"[\W_]+" if len(words) > 1 else "") + \
        re.escape(words[-1]) + _SUFFIX


def re_patterns() -> list[tuple[str, re.Pattern]]:
    return [(name, re.compile(r"\b(?:" + "|".join(_word_pattern(k) for k in kws) + r")\b", re.IGNORECASE))
            for name, kws in DEFAULT_TAXONOMY.items()]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def re_tag(comments: list[str], pats: list[tuple[str, re.Pattern]]) -> np.ndarray:
    out = np.zeros((len(comments), len(pats)), dtype=bool)
    for i, c in enumerate(comments):
        if not c:
            continue
        c = _fold(c)
        for j, (_, rx) in enumerate(pats):
            if rx.search(c):
                out[i, j] = True
    return out


def pandas_tag(comments: pd.Series, pats: list[tuple[str, re.Pattern]]) -> pd.DataFrame:
    return pd.DataFrame({name: comments.str.contains(rx, regex=True) for name, rx in pats})


def bench_tagging(m: int, repeat: int) -> dict[str, Any]:
    pool = npscore.datasets.load_sample().responses["comment"].to_numpy(dtype=object)
    rng = np.random.default_rng(9)
    comments = pool[rng.integers(0, len(pool), m)]
    as_list = list(comments)
    series = pd.Series(comments, dtype="str")
    tagger = npscore.ThemeTagger()
    pats = re_patterns()
    fns = {
        "npscore ThemeTagger().indicators(comments)": lambda: tagger.indicators(series),
        "  of which core only (object array in)": lambda: tagger._core.tag(comments, "error", 0),
        "  core only, 1 thread": lambda: tagger._core.tag(comments, "error", 1),
        "npscore ThemeTagger().tag(comments) (lists)": lambda: tagger.tag(as_list),
        "Python re: fold + 9 patterns per comment": lambda: re_tag(as_list, pats),
        "pandas Series.str.contains x 9 (no folding)": lambda: pandas_tag(series, pats),
    }
    seconds, res = best_times(fns, repeat)
    ours = res["npscore ThemeTagger().indicators(comments)"].to_numpy()
    agree = float((ours == res["Python re: fold + 9 patterns per comment"]).all(axis=1).mean())
    return {"comments": m, "seconds": seconds, "agreement_with_re": agree}


def report(results: dict[str, Any]) -> list[dict[str, Any]]:
    print_machine(results["machine"], results["repeat"])
    p = results["prioritize"]
    print(f"\nprioritize: {p['rows']:,} customers, top {TOP}")
    print_table(p["seconds"], next(iter(p["seconds"])))
    t = results["tagging"]
    print(f"\ntagging: {t['comments']:,} comments (default taxonomy, 9 themes); "
          f"rows agreeing with the re peer: {100 * t['agreement_with_re']:.2f}%")
    print_table(t["seconds"], next(iter(t["seconds"])))
    first = next(iter(p["seconds"]))
    targets = [{"target": f"prioritize {p['rows']:,} top-{TOP} seconds < 1",
                "value": p["seconds"][first], "met": p["seconds"][first] < TARGET_PRIORITIZE_SECONDS}]
    print_targets(targets, 44)
    return targets


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, "1M customers and 100k comments instead of 10M / 1M", argv)
    n = 1_000_000 if args.quick else 10_000_000
    m = 100_000 if args.quick else 1_000_000
    results: dict[str, Any] = {"machine": machine(scipy=scipy.__version__), "repeat": args.repeat,
                               "quick": args.quick}
    results["prioritize"] = bench_prioritize(n, args.repeat)
    results["tagging"] = bench_tagging(m, args.repeat)
    results["targets"] = report(results)
    return finish(results, args)


if __name__ == "__main__":
    sys.exit(main())
