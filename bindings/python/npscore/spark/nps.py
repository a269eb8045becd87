"""`by_group` over a Spark DataFrame (npscore.nps)."""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np
import pandas as pd

from .. import _args, _npscore
from .._groups import group_codes
from ..nps import DEFAULT_CONFIDENCE, DEFAULT_CUTOFFS, DEFAULT_METHOD, DEFAULT_MIN_N
from ..nps import by_group as _by_group
from .._types import Method, Missing
from ._common import _chunks, _collect, _cutoff_values, _frame, _key_arrays, _map_in_arrow
from ._common import _names, _no_clash, _native_scores, _schema, _score_counts, _segment_ranges
from ._common import _empty_local, _COUNTS


def by_group(
    df: Any,
    score: str = "score",
    by: Any = None,
    *,
    min_n: float = DEFAULT_MIN_N,
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """`npscore.by_group` over a Spark DataFrame (unweighted): one row per
    group, sorted by key, with the single-machine function's columns and
    values for ``df.toPandas()``. `by` names key columns of df.

    A numeric score column is counted by Spark itself: rows per key whose
    score lies in each segment's scores (as the core segments 0..scale),
    rows without a score, all rows: a shuffle of 5 counts per group, never
    rows (a value that is not a score is found by a second job over the
    distinct values and reported by the core's check, naming the value and
    its number of rows). The core summarizes each group's counts
    (`summarize_counts`: the statistics `by_group` gives). Other
    score types are counted per partition by the core, through Arrow.
    """
    if by is None:
        raise TypeError("by_group() needs `by`: one key column name or a list of them")
    _args.shared(method=method, confidence=confidence, missing=missing, min_n=min_n)
    cut = _cutoff_values(cutoffs)
    df = _frame(df)
    keys = _args.labels(by, "by", empty=False)
    _names(df, [score] + keys, "by_group")
    _no_clash(keys, _COUNTS, "by_group")
    if _native_scores(df, score):
        merged = _counted_by_spark(df, keys, score, cut, missing)
    else:
        merged = _counted_by_partitions(df, keys, score, cut, missing)
    if len(merged) == 0:  # as one machine gives it for no rows
        return _by_group(_empty_local(df, keys + [score]), score=score, by=keys, min_n=min_n,
                         method=method, confidence=confidence, missing=missing, cutoffs=cut)
    codes, out = group_codes(merged, keys)  # sorted as the single-machine function sorts
    counts = {c: np.zeros(len(out), np.int64) for c in _COUNTS}
    for c in _COUNTS:
        np.add.at(counts[c], codes, merged[c].to_numpy(np.int64))
    # A group whose every score is missing (and skipped) has no statistics.
    summaries = [_npscore.summarize_counts(_npscore.Counts(int(d), int(p), int(r)), method,
                                           float(confidence)) if d + p + r else None
                 for d, p, r in zip(counts["detractors"], counts["passives"],
                                    counts["promoters"])]
    n = counts["detractors"] + counts["passives"] + counts["promoters"]
    out["n"] = n
    for c in ("detractors", "passives", "promoters"):
        out[c] = counts[c]
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in ("detractors", "passives", "promoters"):
            out[f"share_{c}"] = np.where(n > 0, counts[c] / np.where(n > 0, n, 1), np.nan)
    for c in ("nps", "se", "ci_low", "ci_high"):
        out[c] = np.array([np.nan if s is None else getattr(s, c) for s in summaries],
                          dtype=np.float64)
    out["small"] = n < float(min_n)
    out["skipped"] = counts["skipped"]
    out.attrs.update(method=method, confidence=float(confidence), min_n=float(min_n))
    return out


def _counted_by_spark(df: Any, keys: list, score: str, cut: tuple, missing: str) -> pd.DataFrame:
    """Segment counts per key (the key columns and _COUNTS) counted by Spark
    (`_score_counts`), the segments' scores as the core assigns them."""
    return _score_counts(df, keys, score, cut, missing, _segment_ranges(cut))


def _counted_by_partitions(df: Any, keys: list, score: str, cut: tuple,
                           missing: str) -> pd.DataFrame:
    """Segment counts per key counted by the core in each partition (any
    score type `npscore.by_group` reads), added up per key by Spark."""
    def count(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        for table in _chunks(batches):
            types = {k: table.schema.field(k).type for k in keys}
            g = _by_group(table.to_pandas(), score=score, by=keys, missing=missing, cutoffs=cut)
            arrays = _key_arrays(g, keys, types) + [
                pa.array(g[c].to_numpy(np.int64)) for c in _COUNTS]
            yield pa.RecordBatch.from_arrays(arrays, names=keys + list(_COUNTS))

    from pyspark.sql import functions as F

    partial = _map_in_arrow(df.select(*keys, score), count, _schema(df, keys, _COUNTS))
    return _collect(partial.groupBy(*keys).agg(*(F.sum(c).alias(c) for c in _COUNTS)))
