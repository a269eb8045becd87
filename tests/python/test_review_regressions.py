"""Regressions found in review: inputs that once gave silently wrong answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import npscore


def test_big_endian_columns_are_read_by_value():
    """'>u2' 3 is a detractor on a 0-1000 scale with cut-offs (600, 800)."""
    s = npscore.summarize(np.array([3, 700, 900], dtype=">u2"), cutoffs=(600, 800, 1000))
    assert (s.detractors, s.passives, s.promoters) == (1, 1, 1)
    assert list(npscore.segment(np.array([3.0, 9.0], dtype=">f8"))) == [-1, 1]


def test_many_key_columns_do_not_overflow_the_combined_code():
    """Five keys with 2,000 distinct values each: 2000**5 > 2**63. Groups must
    match pandas' groupby exactly (pandas as the oracle)."""
    rng = np.random.default_rng(0)
    n = 2000
    df = pd.DataFrame({f"k{i}": rng.permutation(n).astype(str) for i in range(5)})
    df["score"] = rng.integers(0, 11, n)
    got = npscore.by_group(df, by=[f"k{i}" for i in range(5)], min_n=1)
    want = df.groupby([f"k{i}" for i in range(5)])["score"].agg(
        n="size", promoters=lambda s: int((s >= 9).sum())).reset_index()
    assert len(got) == n
    pd.testing.assert_frame_equal(
        got[[f"k{i}" for i in range(5)] + ["n", "promoters"]].reset_index(drop=True),
        want.astype({"n": "int64", "promoters": "int64"}), check_dtype=False)


def test_duplicate_column_names_are_a_clear_error():
    df = pd.DataFrame([[9, "a", "b"]], columns=["score", "g", "g"])
    with pytest.raises(ValueError, match="'g' appears 2 times"):
        npscore.by_group(df, by="g")


def test_huge_counts_are_exact_or_rejected():
    # Counts reach the core as exact integers (Summary holds them as doubles).
    assert npscore.Counts(2**53 + 1, 0, 0).n == 2**53 + 1
    assert npscore.summarize_counts(2**53 + 1, 0, 0).nps == -100
    with pytest.raises(ValueError, match="overflow"):
        npscore.summarize_counts(2**62, 2**62, 2**62)
    with pytest.raises(ValueError, match="below 2\\*\\*63"):
        npscore.summarize_counts(2**63, 0, 0)
