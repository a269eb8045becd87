"""npscore.spark against the single-machine function and the idiomatic PySpark
code a user would otherwise write, on a local Spark session (local[2]).

Data: N responses (default 10^7) with a score 0..10, a text touchpoint key
of 20 values and a response time over three years, written once as Parquet
(the form Spark reads at scale) and read back by Spark in >= 16 partitions.
Timed, best of --repeat rounds after a warm-up, the three contenders of a
row run in turn in each round:
  - by_group: npscore.spark.by_group (Spark counts rows per touchpoint and
    score; the core checks the scores and derives the statistics) /
    npscore.by_group on the pandas frame /
    PySpark groupBy(key).agg(count, three conditional sums) with NPS, its SE
    and a Wald interval as Spark SQL expressions (a user's version; it has
    no adjusted-Wald interval, no small-group flag, no missing-score rule);
  - health (monthly, per touchpoint): npscore.spark.health / npscore.health /
    PySpark groupBy(key, month).agg(the 11 score counts) (a user's version
    stops at counts: no intervals, tests, trends or flags).
Every ratio is against a peer of the same run; the counts of all three are
checked equal. The Arrow transfer alone (a mapInArrow stage that only counts
its rows) is timed too: it is the floor of any Python stage in Spark. Usage:
  nice -n 10 python bench/bench_spark.py [--rows 10000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import npscore
from npscore import spark as nspark


def _data(rows: int, seed: int = 15) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # A plausible score distribution (more 8-10s than 0-6s).
    p = np.array([2, 1, 1, 2, 2, 4, 6, 10, 20, 25, 27], dtype=float)
    scores = rng.choice(11, size=rows, p=p / p.sum()).astype(np.int64)
    points = np.array([f"touchpoint_{i:02d}" for i in range(20)], dtype=object)
    start = np.datetime64("2023-01-01T00:00:00", "us")
    span = 3 * 365 * 24 * 3600 * 10**6
    times = start + rng.integers(0, span, rows).astype("timedelta64[us]")
    return pd.DataFrame({
        "score": scores,
        "touchpoint": pd.array(points[rng.integers(0, 20, rows)], dtype="str"),
        "responded_at": pd.DatetimeIndex(times).tz_localize("UTC"),
    })


def _best(f, repeat: int) -> tuple[float, object]:
    out = f()  # warm-up (JIT, caches, Python workers)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _interleaved(fs: list, repeat: int) -> list:
    """Best time and last result of each function, run in turn (a, b, c, a,
    b, c, ...) after a warm-up, so that a change of load on a shared machine
    falls on all of them alike."""
    outs = [f() for f in fs]
    best = [float("inf")] * len(fs)
    for _ in range(repeat):
        for i, f in enumerate(fs):
            t0 = time.perf_counter()
            outs[i] = f()
            best[i] = min(best[i], time.perf_counter() - t0)
    return list(zip(best, outs))


def _idiomatic_by_group(sdf, F):
    d = F.sum(F.when(F.col("score") <= 6, 1).otherwise(0))
    pa_ = F.sum(F.when((F.col("score") >= 7) & (F.col("score") <= 8), 1).otherwise(0))
    pr = F.sum(F.when(F.col("score") >= 9, 1).otherwise(0))
    g = sdf.groupBy("touchpoint").agg(F.count("*").alias("n"), d.alias("detractors"),
                                      pa_.alias("passives"), pr.alias("promoters"))
    pd_, pp = F.col("detractors") / F.col("n"), F.col("promoters") / F.col("n")
    g = g.withColumn("nps", 100 * (pp - pd_))
    g = g.withColumn("se", 100 * F.sqrt((pp + pd_ - (pp - pd_) ** 2) / F.col("n")))
    g = g.withColumn("ci_low", F.col("nps") - 1.959964 * F.col("se"))
    g = g.withColumn("ci_high", F.col("nps") + 1.959964 * F.col("se"))
    return g.orderBy("touchpoint").toArrow().to_pandas()


def _idiomatic_health(sdf, F):
    month = F.date_trunc("month", F.col("responded_at")).alias("month")
    counts = [F.sum(F.when(F.col("score") == b, 1).otherwise(0)).alias(f"score_{b}")
              for b in range(11)]
    return (sdf.groupBy("touchpoint", month).agg(*counts).orderBy("touchpoint", "month")
            .toArrow().to_pandas())


def _transfer_only(sdf, F, columns: list) -> int:
    """The Arrow transfer to Python that any mapInArrow stage pays: the
    columns sent, nothing done with them."""
    import pyarrow as pa

    def rows(batches):
        n = 0
        for b in batches:
            n += b.num_rows
        yield pa.RecordBatch.from_arrays([pa.array([n])], names=["n"])

    return sdf.select(*columns).mapInArrow(rows, "n long").agg(F.sum("n")).collect()[0][0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10**7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--partitions", type=int, default=16)
    ap.add_argument("--batch", type=int, default=10000,
                    help="spark.sql.execution.arrow.maxRecordsPerBatch (Spark's default 10000)")
    ap.add_argument("--no-transfer", action="store_true",
                    help="skip the Arrow-transfer-only rows (minutes at 10^8)")
    args = ap.parse_args()

    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession, functions as F

    spark = (SparkSession.builder.master("local[2]").appName("npscore-bench")
             .config("spark.driver.memory", "4g")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch))
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    df = _data(args.rows)
    with tempfile.TemporaryDirectory(prefix="npscore-bench-spark-") as tmp:
        path = os.path.join(tmp, "responses.parquet")
        pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path,
                       row_group_size=max(args.rows // args.partitions, 1))
        size = os.path.getsize(path)
        spark.conf.set("spark.sql.files.maxPartitionBytes", str(max(size // args.partitions, 1)))
        sdf = spark.read.parquet(path)
        parts = sdf.rdd.getNumPartitions()
        print(f"{args.rows:,} rows, {parts} partitions, local[2], best of {args.repeat}, "
              f"Arrow batches of {args.batch:,} rows")
        print(f"{'':28}{'npscore.spark':>15}{'one machine':>13}{'PySpark agg':>13}"
              f"{'vs one machine':>16}{'vs PySpark':>12}")

        for cols in (() if args.no_transfer else
                     (["touchpoint", "score"], ["touchpoint", "score", "responded_at"])):
            tt, n = _best(lambda: _transfer_only(sdf, F, cols), args.repeat)
            assert n == args.rows
            print(f"{'Arrow transfer of ' + str(len(cols)) + ' columns':28}{tt:>14.2f}s"
                  "   (mapInArrow doing nothing: the floor of any Python stage)")

        (ts, a), (tl, b), (ti, c) = _interleaved([
            lambda: nspark.by_group(sdf, by="touchpoint"),
            lambda: npscore.by_group(df, by="touchpoint"),
            lambda: _idiomatic_by_group(sdf, F)], args.repeat)
        assert (a["n"].to_numpy() == b["n"].to_numpy()).all()
        assert (a["promoters"].to_numpy() == c["promoters"].to_numpy()).all()
        print(f"{'by_group (20 groups)':28}{ts:>14.2f}s{tl:>12.2f}s{ti:>12.2f}s"
              f"{tl / ts:>15.2f}x{ti / ts:>11.2f}x")

        (ts, a), (tl, b), (ti, c) = _interleaved([
            lambda: nspark.health(sdf, by="touchpoint"),
            lambda: npscore.health(df, by="touchpoint"),
            lambda: _idiomatic_health(sdf, F)], args.repeat)
        assert (a["score_10"].to_numpy() == b["score_10"].to_numpy()).all()
        assert (a["score_10"].to_numpy() == c["score_10"].to_numpy()).all()
        print(f"{'health (20 x 36 months)':28}{ts:>14.2f}s{tl:>12.2f}s{ti:>12.2f}s"
              f"{tl / ts:>15.2f}x{ti / ts:>11.2f}x")
    spark.stop()


if __name__ == "__main__":
    main()
