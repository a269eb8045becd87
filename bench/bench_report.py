#!/usr/bin/env python3
"""`npscore report` on the user's files at scale, against pandas reading the
same files (issue 13: the whole report within 2x the time of
`pandas.read_csv` of the files, peak memory within 2x the loaded columns).

One run, on the files of bench/make_report_data.py (N responses x M
customers, five files), measures, each in a fresh Python process so that
neither side inherits the other's memory:

* pandas: `pd.read_csv(path)` of every file with the default engine and no
  options, as a user would write it (for --format parquet:
  `pd.read_parquet(path)`), best of --repeat runs;
* the report: `npscore report --config <dir>/npscore.toml --out-dir <tmp>`
  end to end (the CLI's `main`, in a process that does nothing else), with
  the time of every stage from the CLI's progress callback (every stage, not
  only those over a second), the process's wall time including Python's
  start and imports, and its peak RSS (`getrusage` ru_maxrss);
* the loaded columns: the sum of `memory_usage(deep=True)` over pandas'
  frames of the files (`pd.read_csv(path)`, as above): the data as a user
  loads it, the same whatever encoding npscore chooses; and, for
  comparison, over the frames `read_inputs` returns (more compact: slices
  and the survey kind as categories, so a ratio against them would grow
  when npscore stores the data in less memory).

Ratios: report time / pandas time; peak RSS / loaded columns. --profile
writes a cProfile of the report process and prints its top functions.

    python bench/make_report_data.py --responses 1000000 --customers 200000
    python bench/bench_report.py --size 1000000x200000
    python bench/bench_report.py --size 10000000x2000000 --repeat 1 --profile /tmp/report.prof

Run it from outside the repository so that the installed `npscore` is used.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CACHE = Path("/work/cache/report-scale")
FILES = ("responses", "customers", "transactions", "churn", "events")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _frames_mb(frames: Any) -> float:
    return sum(float(f.memory_usage(deep=True).sum()) for f in frames if f is not None) / 2**20


# --- The child processes ---------------------------------------------------------

def child_pandas(data: Path, fmt: str) -> dict[str, Any]:
    import pandas as pd

    t0 = time.perf_counter()
    frames = {}
    times = {}
    for name in FILES:
        t = time.perf_counter()
        path = data / f"{name}.{fmt}"
        frames[name] = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
        times[name] = time.perf_counter() - t
    total = time.perf_counter() - t0
    return {"seconds": total, "by_file": times, "rows": {k: len(v) for k, v in frames.items()},
            "loaded_mb": _frames_mb(frames.values()), "peak_rss_mb": _rss_mb()}


def child_report(data: Path, fmt: str, out: Path, profile: str) -> dict[str, Any]:
    start = time.perf_counter()
    import npscore.__main__ as cli
    from npscore import _report_io

    imported = time.perf_counter()
    rss_start = _rss_mb()
    stages: list[list[Any]] = []
    loaded: dict[str, float] = {}

    class Recorder(cli.Progress):  # every stage: rows, start time, CPU time, peak RSS so far
        def __call__(self, stage: str, rows: Any = None) -> None:
            stages.append([stage, rows, time.perf_counter(), _rss_mb(), time.process_time()])
            super().__call__(stage, rows)

    real_read = _report_io.read_inputs

    def read_inputs(config: Any, progress: Any = None) -> Any:
        inputs = real_read(config, progress)
        t, c = time.perf_counter(), time.process_time()  # not a stage: the benchmark's own look
        loaded["mb"] = _frames_mb([inputs.responses, inputs.customers, inputs.transactions,
                                   inputs.churn, inputs.events, inputs.owners, inputs.contacts])
        loaded["rss_after_read_mb"] = _rss_mb()
        loaded["measure_s"] = time.perf_counter() - t
        loaded["measure_cpu_s"] = time.process_time() - c
        return inputs

    cli.Progress = Recorder  # type: ignore[misc]
    cli.read_inputs = read_inputs  # type: ignore[assignment]
    config = data / ("npscore.toml" if fmt == "csv" else "npscore-parquet.toml")
    argv = ["report", "--config", str(config), "--out-dir", str(out)]
    t0 = time.perf_counter()
    if profile:
        import cProfile

        prof = cProfile.Profile()
        rc = prof.runcall(cli.main, argv)
        prof.dump_stats(profile)
    else:
        rc = cli.main(argv)
    end = time.perf_counter()
    if rc != 0:
        raise SystemExit(f"npscore report exited with {rc}")
    durations: dict[str, float] = {}
    cpu: dict[str, float] = {}  # CPU seconds of all threads: steadier than wall time under load
    peak_growth: dict[str, float] = {}  # how much each stage raised the peak RSS
    marks = stages + [["end", None, end, _rss_mb(), time.process_time()]]
    for (stage, _, t, m, c), (_, _, t_next, m_next, c_next) in zip(marks, marks[1:]):
        durations[stage] = durations.get(stage, 0.0) + (t_next - t)
        cpu[stage] = cpu.get(stage, 0.0) + (c_next - c)
        peak_growth[stage] = peak_growth.get(stage, 0.0) + (m_next - m)
    # The benchmark's memory_usage pass ran inside the last "checking"/"joining"
    # stage before build_report's first: take it out of that stage.
    first_build = next((i for i, s in enumerate(stages)
                        if s[0] in ("customer codes", "overall")), None)
    if first_build:
        durations[stages[first_build - 1][0]] -= loaded.get("measure_s", 0.0)
        cpu[stages[first_build - 1][0]] -= loaded.get("measure_cpu_s", 0.0)
    return {"seconds": end - t0 - loaded.get("measure_s", 0.0),
            "imports_s": imported - start, "stages": durations, "stages_cpu": cpu,
            "peak_growth_mb": peak_growth,
            "rows": {s: r for s, r, _, _, _ in stages if r is not None},
            "loaded_mb": loaded.get("mb"), "rss_after_read_mb": loaded.get("rss_after_read_mb"),
            "rss_at_start_mb": rss_start, "peak_rss_mb": _rss_mb()}


# --- The parent --------------------------------------------------------------------

def _run_child(args: list[str]) -> tuple[dict[str, Any], float]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"child {' '.join(args)} failed with {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def _top(profile: str, n: int = 25) -> None:
    import pstats

    for key in ("cumulative", "tottime"):
        print(f"\n--- cProfile, top {n} by {key} ---")
        pstats.Stats(profile).sort_stats(key).print_stats(n)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1000000x200000", help="NxM, a directory under " + str(CACHE))
    ap.add_argument("--data", type=Path, default=None, help="the files' directory (overrides --size)")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side; the best counts")
    ap.add_argument("--profile", default="", help="write a cProfile of one report run here")
    ap.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
    ap.add_argument("--child", choices=("pandas", "report"), help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    data = a.data or CACHE / a.size
    if a.child == "pandas":
        print(json.dumps(child_pandas(data, a.format)))
        return 0
    if a.child == "report":
        print(json.dumps(child_report(data, a.format, a.out, a.profile)))
        return 0
    if not (data / "npscore.toml").exists():
        raise SystemExit(f"no data in {data}: run bench/make_report_data.py first")
    pandas_runs, report_runs = [], []
    with tempfile.TemporaryDirectory(prefix="npscore-bench-report-") as tmp:
        for i in range(a.repeat):  # alternate, so a change in the machine's load hits both
            p, _ = _run_child(["--child", "pandas", "--data", str(data), "--format", a.format])
            pandas_runs.append(p)
            prof = a.profile if (a.profile and i == 0) else ""
            args = ["--child", "report", "--data", str(data), "--format", a.format,
                    "--out", str(Path(tmp) / f"out{i}")] + (["--profile", prof] if prof else [])
            r, wall = _run_child(args)
            r["process_wall_s"] = wall
            r["profiled"] = bool(prof)
            report_runs.append(r)
            print(f"run {i + 1}: pandas {p['seconds']:.1f} s, report {r['seconds']:.1f} s"
                  + (" (profiled)" if prof else "") + f", process {wall:.1f} s", file=sys.stderr)
    p = min(pandas_runs, key=lambda x: x["seconds"])
    timed = [r for r in report_runs if not r["profiled"]] or report_runs
    r = min(timed, key=lambda x: x["seconds"])
    rows = p["rows"]
    print(f"npscore report at scale: {rows['responses']:,} responses, {rows['customers']:,} "
          f"customers, {rows['transactions']:,} transactions, {rows['churn']:,} churn rows "
          f"({a.format}; {data})")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}; best of {len(timed)} report "
          f"runs and {len(pandas_runs)} pandas runs")
    reader = "pd.read_csv(path), default engine" if a.format == "csv" else "pd.read_parquet(path)"
    print(f"\n{'':34s}{'seconds':>10s}")
    print(f"{'pandas: ' + reader:34s}{p['seconds']:10.2f}")
    for k, v in p["by_file"].items():
        print(f"{'  ' + k:34s}{v:10.2f}")
    print(f"{'npscore report (end to end)':34s}{r['seconds']:10.2f}   "
          f"ratio {r['seconds'] / p['seconds']:.2f}x (target <= 2x)")
    print(f"{'  + Python start and imports':34s}{r['process_wall_s'] - r['seconds']:10.2f}   "
          f"(process {r['process_wall_s']:.2f} s: {r['process_wall_s'] / p['seconds']:.2f}x)")
    print("\nstages (the CLI's progress callback; seconds, share, CPU seconds of all threads, "
          "MiB the stage added to the peak RSS):")
    for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1]):
        rows_k = r["rows"].get(k)
        print(f"  {k:32s}{v:10.2f}  {100 * v / r['seconds']:5.1f}%  {r['stages_cpu'][k]:7.2f} cpu"
              f"  {r['peak_growth_mb'].get(k, 0.0):+8.0f} MiB"
              + (f"  ({rows_k:,} rows)" if rows_k is not None else ""))
    print("\nmemory (MiB):")
    print(f"  loaded columns (pandas' frames, memory_usage(deep=True))      {p['loaded_mb']:10.0f}")
    print(f"  read_inputs' frames of the same files (memory_usage(deep=True)) "
          f"{r['loaded_mb']:8.0f}")
    print(f"  report peak RSS                                               {r['peak_rss_mb']:10.0f}"
          f"   ratio {r['peak_rss_mb'] / p['loaded_mb']:.2f}x (target <= 2x); "
          f"{r['peak_rss_mb'] / r['loaded_mb']:.2f}x read_inputs' frames")
    print(f"    RSS after imports {r['rss_at_start_mb']:.0f}, after read_inputs "
          f"{r['rss_after_read_mb']:.0f}")
    print(f"  pandas peak RSS                                               {p['peak_rss_mb']:10.0f}")
    if a.json:
        a.json.write_text(json.dumps({"pandas": pandas_runs, "report": report_runs}, indent=1))
    if a.profile:
        _top(a.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
