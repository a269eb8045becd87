"""Slice keys as the core reads them: text keys coded in C++ exactly as
pd.factorize(sort=True, use_na_sentinel=False) codes them, categorical codes
passed at their own width, and the same health table whichever path a key
takes. Also the one-pass time range."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import _groups, _npscore
from npscore._convert import as_cutoffs

TEXT = ["b", "a", "", "Zürich", "ärger", "Zebra", "é", "e\u0301", "日本", "\U0001F600", "a "]
MISSING = {"none": None, "nan": np.nan, "pd.NA": pd.NA, "NaT": pd.NaT, "np.float64 nan": np.float64("nan")}


def _keys(n: int, seed: int, missing: list) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = np.array(TEXT, dtype=object)[rng.integers(0, len(TEXT), n)]
    # Equal strings in distinct objects (rebuilt from their parts) must get
    # the code of the shared object.
    for i in range(0, n, 7):
        values[i] = "".join([values[i][:1], "", values[i][1:]])
    for m in missing:
        values[rng.random(n) < 0.03] = m
    return values


def _expected(key: pd.Series) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(key, sort=True, use_na_sentinel=False)
    return codes.astype(np.int64), pd.Index(uniques)


@pytest.mark.parametrize("dtype", [object, "str", "string"])
@pytest.mark.parametrize("missing", [[], ["none"], ["nan"], ["none", "nan", "pd.NA"],
                                     ["NaT", "np.float64 nan"]])
def test_text_keys_coded_like_pd_factorize(dtype, missing):
    values = _keys(5000, seed=len(missing), missing=[MISSING[m] for m in missing])
    key = pd.Series(values, dtype=dtype)
    # With pyarrow installed, pandas stores "str"/"string" in Arrow: those
    # keys are coded from the Arrow buffers (_groups._key_codes, not the
    # Python-object path _text_codes) and must come out as pandas codes them;
    # the same keys in Python storage take the Python-object C++ path.
    if isinstance(key.dtype, pd.StringDtype) and key.dtype.storage != "python":
        assert _groups._text_codes(key) is None
        codes, keys = _groups._key_codes(key)
        want_codes, want_keys = _expected(key)
        np.testing.assert_array_equal(np.asarray(codes).astype(np.int64), want_codes)
        pd.testing.assert_index_equal(keys, want_keys, exact=True)
        key = key.astype(pd.StringDtype("python", na_value=key.dtype.na_value))
    coded = _groups._text_codes(key)
    assert coded is not None, "the C++ path must take str keys with missing values"
    codes, keys = coded
    want_codes, want_keys = _expected(key)
    np.testing.assert_array_equal(codes.astype(np.int64), want_codes)
    pd.testing.assert_index_equal(keys, want_keys, exact=True)
    assert codes.dtype == np.int8  # 12 groups at most


def test_equal_strings_in_distinct_objects_share_a_code():
    a = "".join(["re", "gion"])
    b = "".join(["reg", "ion"])
    assert a == b and a is not b
    codes, keys, missing = _npscore.factorize_strings(np.array([a, "x", b, a], dtype=object), ())
    assert list(codes) == [0, 1, 0, 0]
    assert keys == ["region", "x"] and not missing


def test_many_objects_past_the_cache():
    # 5,000 distinct strings, each in two distinct objects, in random order:
    # more objects than the identity cache holds.
    rng = np.random.default_rng(1)
    words = [f"w{i:05d}" for i in range(5000)]
    values = np.array(words + ["".join([w[:2], w[2:]]) for w in words], dtype=object)
    values = values[rng.permutation(len(values))]
    key = pd.Series(values, dtype=object)
    codes, keys = _groups._text_codes(key)
    want_codes, want_keys = _expected(key)
    assert codes.dtype == np.int16
    np.testing.assert_array_equal(codes.astype(np.int64), want_codes)
    pd.testing.assert_index_equal(keys, want_keys, exact=True)


@pytest.mark.parametrize("groups,dtype", [(1, np.int8), (128, np.int8), (129, np.int16),
                                          (32768, np.int16), (32769, np.int32)])
def test_codes_take_the_narrowest_type(groups, dtype):
    values = np.array([f"k{i:06d}" for i in range(groups)], dtype=object)[::-1].copy()
    codes, keys, missing = _npscore.factorize_strings(values, ())
    assert codes.dtype == dtype
    assert list(codes[:3]) == [groups - 1, groups - 2, groups - 3][:min(3, groups)]
    assert keys == sorted(values.tolist())


def test_missing_last_and_in_narrowest_type():
    values = np.array([f"k{i:03d}" for i in range(127)] + [None], dtype=object)
    codes, keys, missing = _npscore.factorize_strings(values, ())
    assert missing and codes.dtype == np.int8 and codes[-1] == 127
    values = np.array([f"k{i:03d}" for i in range(128)] + [None], dtype=object)
    codes, _, _ = _npscore.factorize_strings(values, ())
    assert codes.dtype == np.int16 and codes[-1] == 128


@pytest.mark.parametrize("odd", [3, 2.5, b"bytes", "\ud800", ("a",)])
def test_other_entries_fall_back_to_pandas(odd):
    # Numbers, bytes, lone surrogates (not UTF-8) and other objects: the
    # C++ path declines and pandas codes the key, as before.
    values = np.array(["b", "a", odd, "a", None], dtype=object)
    values[2] = odd
    assert _npscore.factorize_strings(values, (pd.NA, pd.NaT)) is None
    key = pd.Series(values, dtype=object)
    assert _groups._text_codes(key) is None
    try:
        want_codes, want_keys = _expected(key)
    except TypeError:  # pandas cannot sort the mixed keys either
        return
    codes, keys = _groups._key_codes(key)
    np.testing.assert_array_equal(codes, want_codes)
    pd.testing.assert_index_equal(keys, want_keys, exact=True)


def test_factorize_strings_argument_errors():
    with pytest.raises(TypeError, match="object array"):
        _npscore.factorize_strings(np.array([1, 2]), ())
    codes, keys, missing = _npscore.factorize_strings(np.array([], dtype=object), ())
    assert len(codes) == 0 and keys == [] and not missing
    codes, keys, missing = _npscore.factorize_strings(np.array([None, np.nan], dtype=object), ())
    assert list(codes) == [0, 0] and keys == [] and missing


# --- The health table, whichever path the key takes -----------------------------------

@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 20000
    first = pd.Timestamp("2024-01-01", tz="UTC").value
    times = first + rng.integers(0, 365 * 86400 * 10**9, n)
    labels = np.array(["north", "south", "Zürich", "ärger", "east"], dtype=object)
    key = labels[rng.integers(0, len(labels), n)]
    key[rng.random(n) < 0.02] = None
    key[rng.random(n) < 0.02] = np.nan
    return pd.DataFrame({
        "score": rng.integers(0, 11, n).astype(float),
        "responded_at": pd.to_datetime(times, utc=True),
        "slice": pd.Series(key, dtype=object),
        "customer_id": rng.integers(0, 3000, n),
    })


@pytest.mark.parametrize("dtype", [object, "str", "string"])
@pytest.mark.parametrize("kwargs", [{}, {"basis": "latest"}, {"window": "60D"},
                                    {"freq": "W", "tz": "Europe/Berlin"}])
def test_health_same_with_the_cpp_and_pandas_coding(responses, monkeypatch, dtype, kwargs):
    df = responses.assign(slice=responses["slice"].astype(dtype))
    fast = npscore.health(df, by="slice", **kwargs)
    monkeypatch.setattr(_groups, "_text_codes", lambda key: None)  # pd.factorize, as before
    slow = npscore.health(df, by="slice", **kwargs)
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    assert fast["slice"].isna().sum() == len(fast) // 6  # 5 labels and the missing key


@pytest.mark.parametrize("n_categories", [3, 126, 127, 300])
def test_categorical_codes_at_their_own_width(responses, n_categories):
    # Categorical codes are int8 up to 126 categories, int16 beyond; the
    # missing key takes the next code in the same type. The table equals
    # the one from the same key as text.
    rng = np.random.default_rng(n_categories)
    cats = [f"c{i:03d}" for i in range(n_categories)]
    values = np.array(cats, dtype=object)[rng.integers(0, min(5, n_categories), len(responses))]
    values[::50] = None
    cat = pd.Series(pd.Categorical(values, categories=cats))
    codes, keys = _groups._key_codes(cat)
    assert codes.dtype == cat.cat.codes.dtype
    np.testing.assert_array_equal(codes, np.where(values == None, n_categories,  # noqa: E711
                                                  cat.cat.codes))
    assert len(keys) == n_categories + 1 and pd.isna(keys[-1])
    got = npscore.health(responses.assign(slice=cat), by="slice")
    want = npscore.health(responses.assign(slice=pd.Series(values, dtype=object)), by="slice")
    assert got["slice"].astype(object).where(got["slice"].notna(), None).tolist() == \
        want["slice"].astype(object).where(want["slice"].notna(), None).tolist()
    pd.testing.assert_frame_equal(got.drop(columns="slice"), want.drop(columns="slice"),
                                  check_exact=True)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_core_reads_every_code_width(dtype):
    rng = np.random.default_rng(3)
    n = 5000
    scores = rng.integers(0, 11, n).astype(np.float64)
    periods = rng.integers(0, 6, n).astype(np.int32)
    slices = rng.integers(-1, 4, n)
    args = (as_cutoffs((6, 8, 10)), "error", "adjusted-wald", 0.95, "holm", {})
    want = _npscore.health_table(scores, periods, 6, slices.astype(np.int64), 4, *args)
    got = _npscore.health_table(scores, periods, 6, slices.astype(dtype), 4, *args)
    np.testing.assert_array_equal(got["histogram"], want["histogram"])
    assert got["excluded"] == want["excluded"] == int((slices < 0).sum())
    np.testing.assert_array_equal(got["nps"], want["nps"])
    trends = _npscore.segment_trends(scores, periods, 6, slices.astype(dtype), 4,
                                     as_cutoffs((6, 8, 10)), "error", 6, "holm")
    np.testing.assert_array_equal(trends["n"], _npscore.segment_trends(
        scores, periods, 6, slices, 4, as_cutoffs((6, 8, 10)), "error", 6, "holm")["n"])


@pytest.mark.parametrize("bad", [np.zeros(3, dtype=np.float64), np.zeros(3, dtype=np.uint8),
                                 [0, 1, 2]])
def test_core_rejects_other_slice_types(bad):
    args = (as_cutoffs((6, 8, 10)), "error", "adjusted-wald", 0.95, "holm", {})
    with pytest.raises(TypeError, match="slices"):
        _npscore.health_table(np.full(3, 9.0), np.zeros(3, np.int32), 1, bad, 3, *args)


# --- Times ------------------------------------------------------------------------------

def test_time_range_skips_nat():
    nat = np.iinfo(np.int64).min
    t = np.array([5, nat, -7, 12, nat, 3], dtype=np.int64)
    assert _npscore.time_range(t) == (-7, 12, 2)
    lo, hi, missing = _npscore.time_range(np.array([nat, nat], dtype=np.int64))
    assert lo > hi and missing == 2
    lo, hi, missing = _npscore.time_range(np.array([], dtype=np.int64))
    assert lo > hi and missing == 0


def test_microsecond_timestamps_read_like_nanoseconds(responses):
    us = responses.assign(responded_at=responses["responded_at"].astype("datetime64[us, UTC]"))
    assert us["responded_at"].dt.unit == "us"
    pd.testing.assert_frame_equal(npscore.health(us, by="slice"),
                                  npscore.health(responses, by="slice"), check_exact=True)


# --- Periods found while counting (health_over_time) ------------------------------------

@pytest.mark.parametrize("dtype", [np.int8, np.int64])
def test_periods_found_while_counting_equal_assigned_periods(responses, dtype):
    rng = np.random.default_rng(4)
    times = responses["responded_at"].array.asi8.copy()
    times[rng.random(len(times)) < 0.01] = np.iinfo(np.int64).min  # NaT
    scores = responses["score"].to_numpy().copy()
    scores[::101] = np.nan
    slices = rng.integers(-1, 3, len(times)).astype(dtype)
    # A grid narrower than the data: times on both sides fall outside.
    starts, labels = _npscore.period_grid(int(np.median(times[times > 0])) - 90 * 86400 * 10**9,
                                          int(np.median(times[times > 0])), "W", "Asia/Kolkata")
    args = (as_cutoffs((6, 8, 10)), "skip", "adjusted-wald", 0.95, "bh", {})
    periods = _npscore.assign_periods(times, starts, labels, True)
    want = _npscore.health_table(scores, periods, len(labels), slices, 3, *args)
    got = _npscore.health_over_time(scores, times, starts, labels, slices, 3, *args)
    assert got["excluded"] == want["excluded"] > 0
    for name in ("histogram", "skipped", "n", "nps", "change_p_adjusted", "flags"):
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    assert got["reasons"] == want["reasons"]
    first_nat = int(np.flatnonzero(times == np.iinfo(np.int64).min)[0])
    with pytest.raises(ValueError, match=f"time at row {first_nat} is missing"):
        _npscore.health_over_time(np.nan_to_num(scores, nan=5.0), times, starts, labels,
                                  slices, 3,
                                  as_cutoffs((6, 8, 10)), "error", "adjusted-wald", 0.95,
                                  "bh", {})


def test_missing_time_error_names_the_column_and_row(responses):
    df = responses.assign(slice=responses["slice"].astype(object))
    df.loc[17, "responded_at"] = pd.NaT
    with pytest.raises(ValueError, match=r"column 'responded_at': time at row 17 is missing"):
        npscore.health(df, by="slice")
    df.loc[3, "score"] = 12.0  # an earlier bad score is named first
    with pytest.raises(ValueError, match=r"score at row 3 is 12"):
        npscore.health(df, by="slice")
