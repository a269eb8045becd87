"""The report's faster lookups give what the plain pandas calls give: Arrow
text lookups (shared between stages), factorized group counts, segment
labels read once per distinct label, and score-history phrases worded once
per distinct combination."""

import gc

import numpy as np
import pandas as pd
import pytest

from npscore import _convert, churn, nps, priority


def _text(values):
    s = pd.Series(values, dtype="str")
    assert _convert.arrow_text(s)
    return s


def test_positions_and_isin_match_pandas_with_missing_and_absent_ids():
    rng = np.random.default_rng(3)
    ids = _text([f"c{i}" for i in range(50)])
    values = _text([None if i % 17 == 0 else f"c{i}" for i in rng.integers(0, 80, 1000)])
    want = pd.Index(ids.to_numpy(dtype=object)).get_indexer(values.to_numpy(dtype=object))
    got = _convert.positions(values, ids)
    assert np.array_equal(got, want)
    with_none = _text(["c1", None])
    got_in = _convert.isin(values, with_none)
    assert np.array_equal(got_in, values.isin(with_none).to_numpy())
    assert got_in[values.isna().to_numpy()].all()  # missing is in ids holding a missing value
    assert np.array_equal(_convert.isin(values, ids), values.isin(ids).to_numpy())


def test_shared_lookups_hand_out_copies_and_forget_dead_arrays():
    ids = _text(["a", "b", "c"])
    values = _text(["c", "a", "z", "c"])
    first = _convert.positions(values, ids)
    first[:] = 99  # a caller's change must not reach the next caller
    assert list(_convert.positions(values, ids)) == [2, 0, -1, 2]
    # A shallow copy shares the Arrow array: the same answer.
    frame = pd.DataFrame({"k": values}).copy(deep=False).reset_index(drop=True)
    assert list(_convert.positions(frame["k"], ids)) == [2, 0, -1, 2]
    codes = _convert.factorized(values)
    codes[:] = -5
    assert list(_convert.factorized(values)) == [0, 1, 2, 0]
    before = len(_convert._MEMO)
    del values, frame
    gc.collect()
    assert len(_convert._MEMO) < before  # the entries of a dead array go with it
    assert len(_convert._MEMO) <= _convert._MEMO_SIZE


@pytest.mark.parametrize("make", [_text, lambda v: pd.Series(v, dtype=object)])
def test_factorized_numbers_like_pandas_with_missing_as_a_code(make):
    values = make(["b", None, "a", "b", None, "c"])
    want = pd.factorize(values, use_na_sentinel=False)[0]
    assert list(_convert.factorized(values)) == list(want)


def test_factorized_from_a_shared_lookup_numbers_like_pandas():
    """Codes derived from a shared lookup among unique ids (every value
    found) are pandas' codes of the text; with a value not found, or a
    missing one, the text itself is factorized."""
    rng = np.random.default_rng(8)
    ids = _text([f"k{i}" for i in rng.permutation(300)])
    for values in (_text([f"k{i}" for i in rng.integers(0, 300, 5000)]),
                   _text([f"k{i}" for i in rng.integers(0, 400, 5000)]),
                   _text([None] + [f"k{i}" for i in rng.integers(0, 300, 50)])):
        _convert.positions(values, ids, read_only=True)
        want = pd.factorize(values, use_na_sentinel=False)[0]
        np.testing.assert_array_equal(_convert.factorized(values), want)


def test_spread_over_accounts_counts_scored_responses_per_account_and_key():
    rng = np.random.default_rng(5)
    n = 2000
    acc = _text([f"a{i}" for i in rng.integers(0, 150, n)])
    key = pd.Series(rng.choice(["x", "y", None], n), dtype=object)
    scores = rng.integers(0, 11, n).astype(float)
    scores[rng.random(n) < 0.1] = np.nan
    w = rng.random(n) * 100
    got = nps._spread_over_accounts(scores, w, acc, within=[key])
    frame = pd.DataFrame({"k": key.to_numpy(), "a": acc.to_numpy(dtype=object),
                          "c": (~np.isnan(scores)).astype(int)})
    count = frame.groupby(["k", "a"], dropna=False)["c"].transform("sum").to_numpy()
    want = np.where(count > 0, w / np.where(count > 0, count, 1), w)
    assert np.array_equal(got, want)


def test_segment_labels_read_once_per_label_keep_the_rules():
    s = pd.Series([" Promoter", "detractors", None, "PASSIVE", "promoter"], dtype=object)
    assert list(priority.segment_codes(s)) == [1, -1, -128, 0, 1]
    assert list(priority.segment_codes(_text(["passive", None, "detractor"]))) == [0, -128, -1]
    with pytest.raises(ValueError, match=r"segment at row 3 is 'fan'"):
        priority.segment_codes(pd.Series(["promoter", "passive", None, "fan", 7], dtype=object))
    with pytest.raises(ValueError, match=r"segment at row 1 is 7"):
        priority.segment_codes(pd.Series(["promoter", 7, "fan"], dtype=object))


def test_history_phrases_equal_the_phrase_of_each_row():
    rng = np.random.default_rng(7)
    n = 5000
    frame = pd.DataFrame({
        "score": rng.choice([np.nan, *range(11)], n),
        "n_responses": rng.integers(0, 4, n).astype(float),
        "mean_score": np.round(rng.random(n) * 10, 2),
        "min_score": rng.integers(0, 11, n).astype(float),
        "score_change": rng.choice([np.nan, -2.0, 0.0, -0.0, 1.0], n),
        "segment=detractor": rng.integers(0, 2, n).astype(float),
    })
    rows = np.sort(rng.choice(n, 3000, replace=False))
    got = churn._history_phrases(frame, rows, {})
    want = [churn._history_phrase(churn._row_getter(frame, i, {})) for i in rows]
    assert list(got) == want
