"""Command line: `python -m npscore report` (or `npscore report`).

  npscore report                          the report on the shipped sample (text)
  npscore report --config npscore.toml --out-dir report
                                          the report on your files: report.html,
                                          report.md, queue.csv, summary.json, figures/
  npscore report --init --responses r.csv --customers c.csv
                                          write a commented npscore.toml to start from
  npscore report --input r.csv --by plan  the quick look at one CSV of responses (text)

Flags override the project file; docs/report-config.md lists every key.
Exit code 0 on success, 2 on bad input (one line "npscore: error: ..."),
and nothing is written half-way.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional, TextIO

import pandas as pd

from . import __version__
from ._args import counted
from ._report_io import (CLOCK_CHANGE, CSV_KEYS, PERIODS, ReportConfig, ReportInputError,
                         currency, init_template, load_config, read_inputs, response_rate)
from .report import ReportOptions, nps_report, sample_report

#: What `--format` prints on stdout.
FORMATS = ("text", "markdown", "html", "json", "queue", "none")
#: Flags that map a column of one file: flag dest -> (file, canonical name).
_COLUMN_FLAGS = {
    "customer_column": ("responses", "customer_id"), "score_column": ("responses", "score"),
    "time_column": ("responses", "responded_at"), "comment_column": ("responses", "comment"),
    "kind_column": ("responses", "survey_kind"), "signup_column": ("customers", "signup_at"),
    "owner_column": ("customers", "owner"),
}
_FILE_FLAGS = ("responses", "customers", "transactions", "churn", "events", "owners",
               "contacts", "cases")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="npscore", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"npscore {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="the NPS report", description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    g = r.add_argument_group("project file")
    g.add_argument("--config", type=Path, help="the project file (TOML; docs/report-config.md)")
    g.add_argument("--init", action="store_true",
                   help="write a commented project file (--config, default npscore.toml) from a "
                        "look at the files given, and stop")
    g.add_argument("--force", action="store_true", help="let --init overwrite an existing file")
    g = r.add_argument_group("input files (CSV or Parquet, by suffix)")
    for name in _FILE_FLAGS:
        g.add_argument(f"--{name}", metavar="FILE", default=None,
                       help=f"the {name} file" + (" (a bare number: the old --sample-customers)"
                                                   if name == "customers" else ""))
    g = r.add_argument_group("columns (the user's column for each canonical name)")
    for dest in _COLUMN_FLAGS:
        g.add_argument("--" + dest.replace("_", "-"), dest=dest, metavar="COLUMN")
    g.add_argument("--value-column", metavar="COLUMN", help="customers' value column")
    g.add_argument("--value-kind", choices=["arr", "clv"], default=None,
                   help="what --value-column holds: annual recurring revenue (arr, the default) "
                        "or customer lifetime value (clv)")
    g.add_argument("--slices", metavar="A,B", help="slice columns (responses or customers)")
    g = r.add_argument_group("CSV options (for every file; override the project file)")
    g.add_argument("--separator", metavar="CHAR")
    g.add_argument("--encoding")
    g.add_argument("--decimal", metavar="CHAR")
    g.add_argument("--thousands", metavar="CHAR")
    g.add_argument("--date-format", metavar="FMT", help='strftime, e.g. "%%d.%%m.%%Y"')
    g.add_argument("--missing", metavar="A,B", help='strings that mean missing (default: "")')
    g.add_argument("--csv-timezone", metavar="ZONE",
                   help="zone of naive times in the files (default: --timezone)")
    g.add_argument("--clock-change", choices=CLOCK_CHANGE,
                   help="a naive time at a clock change (the hour that occurs twice, or that "
                        "is skipped): an error (default), or the earlier or later instant")
    g = r.add_argument_group("report")
    g.add_argument("--title")
    g.add_argument("--currency", metavar="SYMBOL",
                   help='printed before amounts, e.g. "€" or "EUR " (default: $)')
    g.add_argument("--timezone", metavar="ZONE", help="IANA zone of calendar periods (UTC)")
    g.add_argument("--period", choices=PERIODS, help="period over period (default: Q)")
    g.add_argument("--sla-hours", metavar="H,H,H", help="recover, make it a 10, advocacy "
                                                        "(default: 24,72,168)")
    g.add_argument("--unknown-customers", choices=["keep", "drop", "error"])
    g.add_argument("--response-rate", type=float, default=None, metavar="RATE",
                   help="survey response rate of the survey plan, in (0, 1] (default: estimated "
                        "from the answers)")
    g.add_argument("--method", default=None, choices=["adjusted-wald", "wald", "score"])
    g.add_argument("--confidence", type=float, default=None)
    g.add_argument("--min-n", type=float, default=None)
    g.add_argument("--skip-missing", action="store_true",
                   help="leave out missing scores (and report how many)")
    g = r.add_argument_group("outputs")
    g.add_argument("--out-dir", type=Path, metavar="DIR",
                   help="write report.html, report.md, queue.csv, summary.json, figures/")
    g.add_argument("--out", type=Path, help="also write one output; its suffix picks it: .html, "
                                            ".md, .txt (text), .json (summary), .csv (queue)")
    g.add_argument("--format", choices=FORMATS, default=None,
                   help="what stdout shows (default: text, or none with --out-dir)")
    g.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    g = r.add_argument_group("the sample and the quick look (earlier flags, still working)")
    g.add_argument("--input", metavar="FILE", help="CSV of responses (same as --responses)")
    g.add_argument("--score", help="= --score-column")
    g.add_argument("--time", help="= --time-column ('' for none)")
    g.add_argument("--by", help="= --slices")
    g.add_argument("--weight", help='value column weighting NPS ("arr", "clv"; "" for none)')
    g.add_argument("--seed", type=int, default=42, help="sample data seed (default: 42)")
    g.add_argument("--sample-customers", type=int, default=None,
                   help="sample data size (default: 2000)")
    return p


# --- Progress --------------------------------------------------------------------------

class Progress:
    """The `progress(stage, rows)` callback of the CLI: one line on stderr per
    stage that took more than `threshold` seconds, with its rows and time."""

    def __init__(self, stream: TextIO, threshold: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.threshold, self.clock = stream, threshold, clock
        self.start = clock()
        self.stage: Optional[str] = None
        self.rows: Optional[int] = None
        self.t0 = self.start

    def __call__(self, stage: str, rows: Optional[int] = None) -> None:
        self.done()
        self.stage, self.rows, self.t0 = stage, rows, self.clock()

    def done(self) -> None:
        if self.stage is None:
            return
        now = self.clock()
        if now - self.t0 > self.threshold:
            rows = f" ({counted(self.rows, 'row')})" if self.rows is not None else ""
            self.stream.write(f"npscore: {self.stage}{rows}: {now - self.t0:.1f} s "
                              f"(total {now - self.start:.1f} s)\n")
            self.stream.flush()
        self.stage = None


# --- Outputs ---------------------------------------------------------------------------

def _json(summary: Any) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _one(report: Any, kind: str) -> str:
    if kind == "html":
        return report.to_html()
    if kind == "markdown":
        return report.to_markdown()
    if kind == "json":
        return _json(report.summary())
    if kind == "queue":
        return report.queue.to_csv(index=False)
    return report.to_text()


def _kind_of(path: Path) -> str:
    kinds = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
             ".txt": "text", ".json": "json", ".csv": "queue"}
    if path.suffix.lower() not in kinds:
        raise ReportInputError(f"--out {path}: the suffix says what to write: .html, .md, .txt, "
                               ".json (the summary) or .csv (the queue)")
    return kinds[path.suffix.lower()]


def _figure_bytes(fig: Any, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight")
    return buf.getvalue()


def _outputs(report: Any, out_dir: Optional[Path], out: Optional[Path]) -> dict[Path, bytes]:
    """Every file to write, rendered in memory first: a failure while
    rendering writes nothing."""
    files: dict[Path, bytes] = {}
    if out_dir is not None:
        files[out_dir / "report.html"] = report.to_html().encode("utf-8")
        files[out_dir / "report.md"] = report.to_markdown(figure_dir="figures").encode("utf-8")
        files[out_dir / "queue.csv"] = report.queue.to_csv(index=False).encode("utf-8")
        files[out_dir / "summary.json"] = _json(report.summary()).encode("utf-8")
        for name, fig in report.figures.items():
            stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._") or "figure"
            for fmt in ("png", "svg"):
                files[out_dir / "figures" / f"{stem}.{fmt}"] = _figure_bytes(fig, fmt)
    if out is not None:
        files[out] = _one(report, _kind_of(out)).encode("utf-8")
    return files


def write_atomically(files: dict[Path, bytes]) -> None:
    """Writes every file to a temporary file in its destination directory,
    then renames them all into place; on a failure nothing new is left
    (directories this call created are removed again)."""
    created: list[Path] = []
    temps: dict[Path, Path] = {}
    umask = os.umask(0)
    os.umask(umask)
    try:
        for dest, data in files.items():
            missing = [p for p in [dest.parent, *dest.parent.parents] if not p.exists()]
            for d in reversed(missing):
                d.mkdir()
                created.append(d)
            fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
            temps[dest] = Path(tmp)
            # mkstemp's files are private (0600): give the mode open() would,
            # an existing file's own, else 0666 less the umask.
            os.fchmod(fd, dest.stat().st_mode & 0o7777 if dest.exists() else 0o666 & ~umask)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        for dest, tmp in temps.items():
            os.replace(tmp, dest)
        temps.clear()
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        if temps:
            for d in reversed(created):
                shutil.rmtree(d, ignore_errors=True)


# --- The modes -------------------------------------------------------------------------

def _legacy(args: argparse.Namespace) -> bool:
    """True for today's quick look: the sample or `--input`, text out."""
    new = [args.config, args.transactions, args.churn, args.events, args.owners, args.contacts,
           args.cases, args.response_rate,
           args.responses, args.out_dir, args.format, args.timezone, args.period, args.sla_hours,
           args.slices, args.value_column, args.value_kind, args.unknown_customers, args.title,
           args.currency,
           args.csv_timezone, *(getattr(args, k) for k in CSV_KEYS if hasattr(args, k)),
           args.date_format, *(getattr(args, d) for d in _COLUMN_FLAGS)]
    return (not args.init and args.customers is None and all(v is None for v in new)
            and (args.out is None or args.out.suffix.lower() in (".md", ".txt", "")))


def _read_responses(path: Path) -> pd.DataFrame:
    """The CSV as a DataFrame, with duplicated header names kept as they are
    (pandas renames the second "score" to "score.1"), so that a duplicated
    column the report reads is refused as it is for a DataFrame. Only an
    empty field is missing: "NA" (North America), "None" or "null" stay values,
    so no key is turned into a missing one silently (a score written "NA" is
    then an error naming its row)."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
    names = header.iloc[0].tolist() if len(header) else []
    if len(names) == df.shape[1] and len(set(names)) < len(names):
        df.columns = [n if n != "" and names.count(n) > 1 else c
                      for n, c in zip(names, df.columns)]
    return df


def _quick_look(args: argparse.Namespace) -> int:
    """`npscore report [--input r.csv ...] [--out r.md]`: as in 0.2."""
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
    figure = args.out.with_name(args.out.stem + "_health.png") if args.out else None
    if args.input is None:
        text = sample_report(seed=args.seed, n_customers=args.sample_customers or 2000,
                             figure=figure)
    else:
        path = Path(args.input)
        df = _read_responses(path)
        t = args.time
        if t is None:
            t = "responded_at" if "responded_at" in df.columns else ""
        by = args.by or ""
        defaults = ReportOptions()
        opt = ReportOptions(
            score=args.score or "score", time=t or None, by=[c for c in by.split(",") if c],
            weight=args.weight or None,
            method=args.method or defaults.method,
            confidence=defaults.confidence if args.confidence is None else args.confidence,
            min_n=defaults.min_n if args.min_n is None else args.min_n,
            missing="skip" if args.skip_missing else "error",
            data_note=f"Data: {path} ({len(df):,} rows).",
            health_by=by.split(",")[0] if by else None, figure=figure)
        text = nps_report(df, opt)
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        if not args.quiet:
            print(f"(written to {args.out})", file=sys.stderr)
    return 0


def config_from_args(args: argparse.Namespace) -> ReportConfig:
    """The project file (if any) with the flags applied over it."""
    cfg = load_config(args.config) if args.config is not None and not args.init else ReportConfig()
    responses = args.responses or args.input
    for name in _FILE_FLAGS:
        value = responses if name == "responses" else getattr(args, name)
        if value is not None:
            cfg.file(name).path = Path(value)
    for dest, (name, canon) in _COLUMN_FLAGS.items():
        if getattr(args, dest) is not None:
            cfg.file(name).columns[canon] = getattr(args, dest)
    if args.score is not None and args.score_column is None:
        cfg.responses.columns["score"] = args.score
    if args.time is not None and args.time_column is None:
        cfg.responses.columns["responded_at"] = args.time
    if args.value_column is not None:
        cfg.customers.columns[args.value_kind or "arr"] = args.value_column
    slices = args.slices if args.slices is not None else args.by
    if slices is not None:
        cfg.slices = [c.strip() for c in slices.split(",") if c.strip()]
    csv_flags = {"separator": args.separator, "encoding": args.encoding, "decimal": args.decimal,
                 "thousands": args.thousands, "date_format": args.date_format,
                 "timezone": args.csv_timezone, "clock_change": args.clock_change,
                 "missing": None if args.missing is None else tuple(args.missing.split(","))}
    for key, value in csv_flags.items():
        if value is None:
            continue
        if key in ("separator", "decimal") and len(value) != 1:
            flag = "--" + key.replace("_", "-")
            raise ReportInputError(f'{flag} must be one character, got "{value}"')
        setattr(cfg.csv, key, value)
        for name in _FILE_FLAGS:  # a flag applies to every file
            cfg.file(name).csv.pop(key, None)
    if args.timezone is not None:
        from . import _args
        try:
            cfg.timezone = _args.time_zone(args.timezone, "--timezone")
        except (TypeError, ValueError) as e:
            raise ReportInputError(str(e)) from None
    if args.period is not None:
        cfg.period = args.period
    if args.sla_hours is not None:
        try:
            hours = tuple(float(h) for h in args.sla_hours.split(","))
        except ValueError:
            hours = ()
        if len(hours) != 3 or not all(0 < h < float("inf") for h in hours):
            raise ReportInputError(f'--sla-hours must be three positive hours such as '
                                   f'"24,72,168", got "{args.sla_hours}"')
        cfg.sla_hours = hours
    if args.weight is not None:
        if args.weight not in ("arr", "clv", ""):
            raise ReportInputError(f'--weight is "{args.weight}": use "arr", "clv" or "" '
                                   "(map the customers' value column with --value-column)")
        cfg.weight = args.weight
    if args.unknown_customers is not None:
        cfg.unknown_customers = args.unknown_customers
    if args.response_rate is not None:
        cfg.response_rate = response_rate(
            args.response_rate, lambda why: ReportInputError(f"--response-rate {why}"))
    if args.skip_missing:
        cfg.missing_scores = "skip"
    if args.title is not None:
        cfg.title = args.title
    if args.currency is not None:
        cfg.currency = currency(args.currency, lambda why: ReportInputError(f"--currency {why}"))
    if args.out_dir is not None:
        cfg.out_dir = args.out_dir
    return cfg


def _init(args: argparse.Namespace) -> int:
    target = args.config or Path("npscore.toml")
    if target.exists() and not args.force:
        raise ReportInputError(f"{target} exists: pass --force to overwrite it")
    paths = {name: (args.responses or args.input) if name == "responses" else getattr(args, name)
             for name in _FILE_FLAGS}
    text = init_template(**paths, base=target.parent)
    write_atomically({target: text.encode("utf-8")})
    if not args.quiet:
        print(f"npscore: wrote {target}: check it, then run "
              f"npscore report --config {target} --out-dir report", file=sys.stderr)
    return 0


def _system_arrow_pool() -> None:
    """Arrow's memory from the C library's allocator in the report process,
    unless ARROW_DEFAULT_MEMORY_POOL chooses: pyarrow's default pool (mimalloc
    or jemalloc) keeps freed pages, which count in the process's memory long
    after each stage is done (at 10M responses the peak is ~400 MiB lower,
    bench/README.md "report at scale")."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        import pyarrow as pa
    except ImportError:
        return
    pa.set_memory_pool(pa.system_memory_pool())


def _inputs(args: argparse.Namespace, cfg: ReportConfig, progress: Progress) -> Any:
    """The report's inputs: the configured files, else the generated sample."""
    from .report import ReportInputs

    if cfg.responses.path is not None:
        return read_inputs(cfg, progress=progress)
    given = [n for n in _FILE_FLAGS if cfg.file(n).path is not None]
    if given:
        raise ReportInputError(f"a {given[0]} file but no responses file: set responses.path "
                               "or pass --responses FILE")
    from . import datasets

    n = args.sample_customers or 2000
    progress("generating the sample", None)
    sample = datasets.load_sample(seed=args.seed, n_customers=n)
    return ReportInputs.from_sample(
        sample, data_note=f"Data: npscore.datasets.load_sample(seed={args.seed}, "
                          f"n_customers={n}).")


def _check_destination(out_dir: Optional[Path], out: Optional[Path]) -> None:
    """An output directory (or a file's directory) that is a file fails the
    write: say so before the report is computed."""
    for d, what in ((out_dir, "--out-dir"), (out.parent if out is not None else None, "--out")):
        if d is None:
            continue
        for p in [d, *d.parents]:
            if p.exists():
                if not p.is_dir():
                    raise ReportInputError(f"{what}: {p} is a file, not a directory")
                break


def _report(args: argparse.Namespace) -> int:
    from .report import build_report

    _system_arrow_pool()
    progress = Progress(io.StringIO() if args.quiet else sys.stderr)
    cfg = config_from_args(args)
    given = {k: getattr(args, k) for k in ("method", "confidence", "min_n")
             if getattr(args, k) is not None}
    if cfg.title:
        given["title"] = cfg.title
    if cfg.currency != "$":
        given["currency"] = cfg.currency
    options = dataclasses.replace(ReportOptions(), **given) if given else None
    _check_destination(cfg.out_dir, args.out)  # before the work, not after it
    # Only the outputs are written: each stage's frames go as soon as it is
    # done. The inputs are build_report's alone (no name here holds them), so
    # the text ids it replaces by codes go too.
    report = build_report(_inputs(args, cfg, progress), options, progress=progress,
                          keep_data=False)
    progress("writing the outputs", None)
    files = _outputs(report, cfg.out_dir, args.out)
    fmt = args.format or ("none" if files else "text")
    text = "" if fmt == "none" else _one(report, fmt)
    write_atomically(files)
    progress.done()
    if text:
        sys.stdout.write(text)
    if files and not args.quiet:
        where = cfg.out_dir if cfg.out_dir is not None else args.out
        print(f"npscore: wrote {len(files)} file{'' if len(files) == 1 else 's'} to {where}",
              file=sys.stderr)
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.customers is not None and re.fullmatch(r"\d+", args.customers) \
            and not Path(args.customers).exists():
        # The 0.2 spelling of --sample-customers: a number, not a file.
        args.sample_customers, args.customers = int(args.customers), None
    try:
        if args.init:
            return _init(args)
        if _legacy(args):
            return _quick_look(args)
        return _report(args)
    except (ValueError, TypeError, OSError) as e:  # ReportInputError is a ValueError
        hint = ""
        if "not timestamps" in str(e) and args.input is not None:
            hint = " (in the CSV, write times as text such as 2025-01-31T09:30:00Z)"
        message = " ".join(str(e).split()) if isinstance(e, ReportInputError) else str(e)
        print(f"npscore: error: {message}{hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
