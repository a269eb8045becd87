"""Helpers shared by bench_python.py and bench_health.py: the score
distribution, timing, the machine description, the report tables and the
command line (arguments, JSON output, exit status).

Not a script: the two benchmark scripts import it from their own directory.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import os
import platform
import time
from typing import Any, Callable

import numpy as np
import pandas as pd

import npscore

# Answer distribution over 0..10 in 256ths: about 19% detractors, 32% passives
# and 49% promoters, so a random byte maps to a score by table lookup.
PER_256 = [5, 3, 4, 5, 6, 10, 16, 36, 46, 55, 70]
SCORE_OF_BYTE = np.repeat(np.arange(11, dtype=np.float64), PER_256)
assert SCORE_OF_BYTE.size == 256


# --- Timing ---------------------------------------------------------------------

def best_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of `repeat` runs of fn() after one warm-up run, with the
    garbage collector off while timing (as timeit does). Returns (seconds,
    result of the warm-up run)."""
    result = fn()
    best = math.inf
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    finally:
        gc.enable()
    return best, result


def best_times(fns: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict[str, float],
                                                                      dict[str, Any]]:
    """Best wall time of each function over `repeat` rounds, after one warm-up
    run of each. Within a round the functions run one after the other, so a
    change in the load of a shared machine hits all of them alike. Returns
    (seconds by name, result of each warm-up run by name)."""
    results = {name: fn() for name, fn in fns.items()}
    best = {name: math.inf for name in fns}
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, fn in fns.items():
                t0 = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - t0)
    finally:
        gc.enable()
    return best, results


# --- Machine --------------------------------------------------------------------------

def machine(**versions: str) -> dict[str, Any]:
    """The date, CPU, load and library versions; `versions` (e.g. scipy=...)
    are listed after pandas and before npscore."""
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": datetime.date.today().isoformat(),
        "nproc": usable,
        "cpu": model,
        "load_average": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        **versions,
        "npscore": npscore.__version__,
    }


# --- Report -----------------------------------------------------------------------------

_NOT_VERSIONS = ("date", "nproc", "cpu", "load_average")


def print_machine(m: dict[str, Any], repeat: int) -> None:
    """The two header lines: the machine, then the versions (all of machine()'s
    entries from "python" on, in order), the repeat count and the date."""
    versions = ", ".join(f"{k} {v}" for k, v in m.items() if k not in _NOT_VERSIONS)
    print(f"machine: {m['cpu']}, nproc={m['nproc']}, load average {m['load_average']}")
    print(f"{versions}; best of {repeat} after a warm-up; {m['date']}")


def print_table(seconds: dict[str, float], base_label: str, title: str = "code",
                width: int = 56, nest: int = 0) -> None:
    """Each timing in ms and as a multiple of seconds[base_label]; the rows are
    indented `nest` more spaces than the header (the columns stay aligned)."""
    base = seconds[base_label]
    print(f"  {title:{width}s} {'best (ms)':>10s} {'time / npscore':>15s}")
    pad = " " * (2 + nest)
    for label, t in seconds.items():
        print(f"{pad}{label:{width - nest}s} {1e3 * t:10.1f} {t / base:15.2f}")


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def print_targets(targets: list[dict[str, Any]], width: int) -> None:
    print("\ntargets:")
    for t in targets:
        print(f"  {t['target']:{width}s} {t['value']:7.2f}x  {verdict(t['met'])}")


# --- Command line -----------------------------------------------------------------------

def parse_args(doc: str, quick_help: str, argv: list[str] | None) -> argparse.Namespace:
    """--quick, --repeat K, --json PATH and --fail-on-miss."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--repeat", type=int, default=3, metavar="K",
                        help="timed runs per case after the warm-up (default 3)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH")
    parser.add_argument("--fail-on-miss", action="store_true",
                        help="exit with status 1 if a target is not met")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    return args


def finish(results: dict[str, Any], args: argparse.Namespace) -> int:
    """Writes the results to --json if given; the exit status (1 if a target
    is missed and --fail-on-miss is set)."""
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"\nwrote {args.json}")
    missed = [t for t in results["targets"] if not t["met"]]
    return 1 if (missed and args.fail_on_miss) else 0
