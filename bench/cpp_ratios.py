#!/usr/bin/env python3
"""Ratios of the C++ benchmark cases against their peers in the same run.

Reads the JSON that npscore_benchmark writes with
``--benchmark_out=FILE --benchmark_out_format=json`` and prints, for every
row-processing case, its time, throughput and its time divided by the time
of its peer on the same number of rows:

* the counting kernels (CountSegments*, SegmentInto) against BM_Sum, the
  float64 sum bound by memory bandwidth;
* SummarizeByGroup against BM_GroupHistogram, the bare per-group count;
* the health cases (npscore_health_benchmark) against the peers in PEERS,
  run on the same number of rows.

With ``--benchmark_repetitions`` the medians are used. Throughputs are
computed from the wall time: Google Benchmark's own rates use the main
thread's CPU time, which undercounts the by-group pass (it runs on two
threads) and any case that waited for the CPU on a loaded machine.

    python bench/cpp_ratios.py cpp.json
"""

from __future__ import annotations

import json
import re
import sys


# Peers of the health cases: the case's name prefix -> its peer's, both with
# the row count as their first argument.
PEERS = {
    "BM_Health/": "BM_HealthHistogram/",
    "BM_HealthInt8Slices/": "BM_HealthHistogram/",
    "BM_HealthOverTime/": "BM_HealthHistogram/",
    "BM_AssignPeriods/": "BM_FixedWidthBuckets/",
    "BM_CivilMonthPerRow/": "BM_FixedWidthBuckets/",
    "BM_Migration/": "BM_SortPairs/",
}


def health_peer(name: str, runs: dict[str, dict]) -> str | None:
    """The peer run of a health case: for BM_Migration the sort of the same
    (rows, customers, ids) data, else the first peer run on as many rows."""
    for prefix, peer in PEERS.items():
        if name.startswith(prefix):
            args = name[len(prefix):]
            if peer + args in runs:
                return peer + args
            rows = args.split("/")[0]
            return next((r for r in runs if r.startswith(f"{peer}{rows}/")), None)
    return None


def load_runs(path: str) -> tuple[dict, dict[str, dict]]:
    """The run context and the runs by name (medians when repeated)."""
    with open(path) as f:
        data = json.load(f)
    runs: dict[str, dict] = {}
    has_median = any(b.get("aggregate_name") == "median" for b in data["benchmarks"])
    for b in data["benchmarks"]:
        if has_median:
            if b.get("aggregate_name") != "median":
                continue
            name = b["run_name"]
        else:
            if b.get("run_type") == "aggregate":
                continue
            name = b["name"]
        runs[name] = b
    return data["context"], runs


def to_ms(b: dict) -> float:
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    return b["real_time"] * scale


def rate(b: dict, key: str) -> float:
    """b[key] (a rate over CPU time) as a rate over wall time."""
    return b[key] * b["cpu_time"] / b["real_time"]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ctx, runs = load_runs(argv[1])
    load_avg = " ".join(f"{x:.2f}" for x in ctx.get("load_avg", []))
    print(f"{ctx.get('date', '')}: {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')}"
          f" MHz, load average {load_avg or '?'}; GB = 1e9 bytes")
    print(f"{'case':58s} {'ms':>9s} {'GB/s':>7s} {'Mrows/s':>8s} {'/ peer':>7s}  peer")
    for name, b in runs.items():
        if "items_per_second" not in b or "bytes_per_second" not in b:
            continue
        rows = re.search(r"/(\d+)(?:/\d+)?$", name)
        peer = health_peer(name, runs)
        if peer is not None or name.startswith(tuple(PEERS.values())):
            pass  # a health case, or a health peer (which has none)
        elif name.startswith("BM_SummarizeByGroup"):
            m = re.search(r"/(\d+/\d+)$", name)
            peer = f"BM_GroupHistogram/{m.group(1)}" if m else None
        elif not name.startswith(("BM_Sum/", "BM_GroupHistogram")) and rows:
            peer = f"BM_Sum/{rows.group(1)}"
        ratio = ""
        if peer and peer in runs:
            ratio = f"{to_ms(b) / to_ms(runs[peer]):7.2f}"
        else:
            peer = ""
        print(f"{name:58s} {to_ms(b):9.2f} {rate(b, 'bytes_per_second') / 1e9:7.2f}"
              f" {rate(b, 'items_per_second') / 1e6:8.1f} {ratio:>7s}  {peer}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
