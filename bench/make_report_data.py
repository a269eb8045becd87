#!/usr/bin/env python3
"""Input files for `npscore report` at scale: N responses x M customers
simulated by `npscore.datasets`, written as CSV and Parquet with the columns
the report maps (and no others, so that reading the files with pandas costs
what the report's inputs cost).

    python bench/make_report_data.py --responses 1000000 --customers 200000
    python bench/make_report_data.py --responses 10000000 --customers 2000000

Files go to /work/cache/report-scale/<N>x<M>/ (or --out DIR), with the
project file npscore.toml that maps them:

  responses.csv     response_id, customer_id, responded_at (ISO 8601, UTC),
                    survey_kind, score, comment
  customers.csv     customer_id, signup_at, plan, region, company_size,
                    industry, arr
  transactions.csv  customer_id, date, amount (CLV by BG/NBD + Gamma-Gamma)
  churn.csv         customer_id, churned_at: one row per churned customer
  events.csv        the event log of npscore.datasets.EVENTS
  *.parquet         the same tables

How: `npscore.datasets.make_customers` caps one call at MAX_CUSTOMERS
(1,000,000), so customers are generated in chunks of at most --chunk, each
with its own seed, its ids renumbered into a distinct range ("C0000000"..,
7 digits from 1M customers). Each chunk is simulated as `load_sample` does
(responses, churn as of the end, responses after churn dropped, transactions
until churn), with survey rates raised (relational answer rate 0.9, more
touchpoints) so that a customer answers about 6.5 times in the three years;
then exactly N * (chunk / M) responses are drawn without replacement. The
response ids are renumbered in time order at the end. Generating 10M x 2M
takes about 5 minutes and 6-8 GB.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

import npscore.datasets as ds

CACHE = Path("/work/cache/report-scale")

# Survey rates raised above the datasets' defaults so that a customer answers
# about 6.5 times over 2023..2025 (the defaults give about 2.3).
SURVEY = {"relational_response_rate": 0.9,
          "touchpoint_rate_per_year": {"support_ticket": 4.0, "purchase": 1.5, "training": 1.0},
          "touchpoint_response_rate": {"support_ticket": 0.5, "onboarding": 0.8, "purchase": 0.4,
                                       "training": 0.5}}
SURVEYS_PER_YEAR = 4.0

CONFIG = """\
# npscore report at scale: {n:,} responses x {m:,} customers (bench/make_report_data.py)
[report]
title = "NPS report at scale"
period = "Q"
slices = ["plan", "region", "company_size"]

[responses]
path = "responses.{ext}"
customer_id = "customer_id"
response_id = "response_id"
score = "score"
responded_at = "responded_at"
comment = "comment"
survey_kind = "survey_kind"

[customers]
path = "customers.{ext}"
signup_at = "signup_at"
arr = "arr"
attributes = ["industry"]

[transactions]
path = "transactions.{ext}"

[churn]
path = "churn.{ext}"
churned_at = "churned_at"

[events]
path = "events.{ext}"
"""


def _renumber(ids: pd.Series, offset: int, width: int) -> np.ndarray:
    """"C000123" of a chunk -> "C" + (123 + offset) zero-padded to `width`."""
    n = ids.str.slice(1).astype("int64").to_numpy() + offset
    return ("C" + pd.Series(n).astype(str).str.zfill(width)).to_numpy(dtype=object)


def _chunk(n_customers: int, n_responses: int, offset: int, width: int, seed: int
           ) -> dict[str, pd.DataFrame]:
    customers = ds.make_customers(n_customers, seed=seed)
    responses = ds.make_responses(customers, seed=seed, surveys_per_year=SURVEYS_PER_YEAR,
                                  survey=SURVEY)
    churn = ds.make_churn(customers, responses, seed=seed)
    churned_at = responses["customer_id"].map(churn.set_index("customer_id")["churned_at"])
    responses = responses[~(responses["responded_at"] > churned_at)].reset_index(drop=True)
    transactions = ds.make_transactions(customers, seed=seed, churn=churn)
    if len(responses) < n_responses:
        raise SystemExit(f"chunk of {n_customers:,} customers gave {len(responses):,} responses, "
                         f"fewer than the {n_responses:,} wanted: ask fewer per customer")
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(responses), size=n_responses, replace=False))
    responses = responses.iloc[keep].reset_index(drop=True)
    for f in (customers, responses, churn, transactions):
        f["customer_id"] = _renumber(f["customer_id"], offset, width)
    churn = churn[churn["churned"].to_numpy()]
    return {
        "customers": customers[["customer_id", "signup_at", "plan", "region", "company_size",
                                "industry", "arr"]],
        "responses": responses[["customer_id", "responded_at", "survey_kind", "score",
                                "comment"]],
        "transactions": transactions[["customer_id", "date", "amount"]],
        "churn": churn[["customer_id", "churned_at"]],
    }


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """Categoricals as plain strings, times as UTC instants."""
    cols = {}
    for c in frame.columns:
        s = frame[c]
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(str)
        cols[c] = pa.array(s, from_pandas=True)
    return pa.table(cols)


def _iso(table: pa.Table) -> pa.Table:
    """Times as ISO 8601 text with a Z ("2025-01-31T09:30:00Z"), as a CSV
    export from a database or spreadsheet writes them."""
    for i, f in enumerate(table.schema):
        if pa.types.is_timestamp(f.type):
            seconds = pc.cast(table.column(i), pa.timestamp("s", tz="UTC"), safe=False)
            text = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ")
            table = table.set_column(i, f.name, text)
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--responses", type=int, default=1_000_000, help="N responses")
    ap.add_argument("--customers", type=int, default=200_000, help="M customers")
    ap.add_argument("--chunk", type=int, default=500_000, help="customers per datasets call")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None, help=f"default {CACHE}/<N>x<M>")
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    a = ap.parse_args()
    n, m = a.responses, a.customers
    if not (0 < a.chunk <= ds.MAX_CUSTOMERS) or m < 1 or n < 1:
        ap.error(f"need N, M >= 1 and 1 <= --chunk <= {ds.MAX_CUSTOMERS:,}")
    out = a.out or CACHE / f"{n}x{m}"
    if (out / "npscore.toml").exists() and not a.force:
        print(f"cached: {out}")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    width = max(6, len(str(m - 1)))
    t0 = time.perf_counter()
    parts: dict[str, list[pa.Table]] = {}
    starts = list(range(0, m, a.chunk))
    given = 0
    for k, lo in enumerate(starts):
        size = min(a.chunk, m - lo)
        want = n - given if k == len(starts) - 1 else round(n * size / m)
        given += want
        for name, frame in _chunk(size, want, lo, width, a.seed + k).items():
            parts.setdefault(name, []).append(_arrow(frame))
        print(f"chunk {k + 1}/{len(starts)}: {size:,} customers, {want:,} responses "
              f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    tables = {name: pa.concat_tables(ts) for name, ts in parts.items()}
    del parts
    r = tables["responses"].sort_by("responded_at")
    rid = pd.Series(np.arange(1, len(r) + 1)).astype(str).str.zfill(max(7, len(str(len(r)))))
    tables["responses"] = r.add_column(0, "response_id",
                                       pa.array(("R" + rid).to_numpy(dtype=object)))
    ev = ds.load_sample(seed=a.seed, n_customers=1).events
    tables["events"] = _arrow(ev[["time", "kind", "label", "plan", "theme", "end"]])
    for name, t in tables.items():
        pq.write_table(t, out / f"{name}.parquet")
        pacsv.write_csv(_iso(t), out / f"{name}.csv",
                        pacsv.WriteOptions(quoting_style="needed"))
        print(f"{name}: {t.num_rows:,} rows ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    for ext in ("csv", "parquet"):
        (out / ("npscore.toml" if ext == "csv" else "npscore-parquet.toml")).write_text(
            CONFIG.format(n=n, m=m, ext=ext))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
