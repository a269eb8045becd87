"""Command line: `python -m npscore report` (or `npscore report`).

Without --input it analyses the shipped sample data (a fixed seed of
npscore.datasets); with --input it reads a CSV of responses.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from . import __version__
from .report import ReportOptions, nps_report, sample_report


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="npscore", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"npscore {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="print the NPS report")
    r.add_argument("--input", type=Path, help="CSV of responses (default: the shipped sample)")
    r.add_argument("--score", default="score", help="score column (default: score)")
    r.add_argument("--time", default=None,
                   help="timestamp column, '' for none (default: responded_at when present)")
    r.add_argument("--by", default="", help="comma-separated slice columns")
    r.add_argument("--weight", default=None, help="weight column, e.g. arr")
    r.add_argument("--method", default=ReportOptions.method,
                   choices=["adjusted-wald", "wald", "score"])
    r.add_argument("--confidence", type=float, default=ReportOptions.confidence)
    r.add_argument("--min-n", type=float, default=ReportOptions.min_n)
    r.add_argument("--skip-missing", action="store_true",
                   help="leave out missing scores (and report how many)")
    r.add_argument("--seed", type=int, default=42, help="sample data seed (default: 42)")
    r.add_argument("--customers", type=int, default=2000, help="sample data size")
    r.add_argument("--out", type=Path, help="also write the report to this file")
    return p


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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if args.input is None:
            figure = args.out.with_name(args.out.stem + "_health.png") if args.out else None
            text = sample_report(seed=args.seed, n_customers=args.customers, figure=figure)
        else:
            df = _read_responses(args.input)
            time = args.time
            if time is None:
                time = "responded_at" if "responded_at" in df.columns else ""
            opt = ReportOptions(
                score=args.score,
                time=time or None,
                by=[c for c in args.by.split(",") if c],
                weight=args.weight,
                method=args.method,
                confidence=args.confidence,
                min_n=args.min_n,
                missing="skip" if args.skip_missing else "error",
                data_note=f"Data: {args.input} ({len(df):,} rows).",
                health_by=args.by.split(",")[0] if args.by else None,
                figure=args.out.with_name(args.out.stem + "_health.png") if args.out else None,
            )
            text = nps_report(df, opt)
    except (ValueError, TypeError, OSError) as e:
        hint = ""
        if "not timestamps" in str(e) and args.input is not None:
            hint = " (in the CSV, write times as text such as 2025-01-31T09:30:00Z)"
        print(f"npscore: error: {e}{hint}", file=sys.stderr)
        return 2
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"(written to {args.out})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
