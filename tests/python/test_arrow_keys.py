"""Arrow-backed text keys (pandas' `str` / "string" dtype with pyarrow
storage, pd.ArrowDtype strings, polars and pyarrow columns) are coded in C++
from the Arrow buffers, and give exactly what the same keys as Python
objects give: the same codes as pd.factorize(sort=True,
use_na_sentinel=False), and the same by_group and health tables (non-ASCII
keys, the empty string, missing keys, several chunks, sliced chunks)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import _groups, _npscore

pa = pytest.importorskip("pyarrow")

# Non-ASCII keys of 2, 3 and 4 UTF-8 bytes per code point, a combining accent,
# the empty string, keys across the 8- and 16-byte boundaries of the kernel's
# short-key path.
TEXT = ["b", "a", "", "Zürich", "ärger", "Zebra", "é", "e\u0301", "日本", "\U0001F600", "a ",
        "store-00017", "a longer key of more than sixteen bytes", "A"]


def _values(n: int, seed: int, missing: float = 0.03) -> list:
    rng = np.random.default_rng(seed)
    values = [TEXT[i] for i in rng.integers(0, len(TEXT), n)]
    for i in np.flatnonzero(rng.random(n) < missing):
        values[i] = None
    return values


def _chunked(values: list, sizes: list[int], large: bool = False) -> "pa.ChunkedArray":
    """The values in chunks of the given sizes, each a slice (non-zero offset)
    of a longer array, so the coding must honour Arrow's offsets."""
    t = pa.large_string() if large else pa.string()
    chunks, at = [], 0
    for size in sizes:
        part = ["pad"] * 3 + values[at:at + size] + ["tail"]
        chunks.append(pa.array(part, type=t).slice(3, size))
        at += size
    assert at == len(values)
    return pa.chunked_array(chunks, type=t)


def _arrow_keys(values: list) -> dict[str, pd.Series]:
    """The same keys in every Arrow-backed form a pandas column takes."""
    n = len(values)
    cut = [n // 3, n // 2 - n // 3, n - n // 2]
    return {
        "str": pd.Series(values, dtype="str"),
        "string[pyarrow]": pd.Series(values, dtype=pd.StringDtype("pyarrow")),
        "arrow string, chunks": pd.Series(pd.arrays.ArrowExtensionArray(_chunked(values, cut))),
        "arrow large_string, chunks": pd.Series(
            pd.arrays.ArrowExtensionArray(_chunked(values, cut, large=True))),
    }


def _object(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)


def _plain(s: pd.Series) -> list:
    """Values as Python objects, missing as None, to compare across dtypes."""
    return [None if pd.isna(v) else v for v in s.astype(object)]


def test_text_sorts_as_utf8_bytes():
    # The kernel sorts by UTF-8 bytes; pandas sorts str by code points: the
    # same order for every valid string.
    assert sorted(TEXT) == sorted(TEXT, key=lambda s: s.encode("utf-8"))


@pytest.mark.parametrize("form", list(_arrow_keys(["x"])))
@pytest.mark.parametrize("missing", [0.0, 0.05])
def test_codes_equal_pd_factorize(form, missing):
    values = _values(3000, seed=int(missing * 100), missing=missing)
    key = _arrow_keys(values)[form]
    coded = _groups._arrow_codes(key)
    assert coded is not None, "an Arrow-backed key takes the C++ Arrow path"
    assert _groups._text_codes(key) is None  # never the Python-object path
    codes, keys = coded
    want_codes, want_keys = pd.factorize(_object(values), sort=True, use_na_sentinel=False)
    np.testing.assert_array_equal(codes.astype(np.int64), want_codes)
    assert _plain(pd.Series(keys)) == _plain(pd.Series(want_keys))
    assert keys.dtype == key.dtype
    # The codes _key_codes hands to the core are these.
    got, _ = _groups._key_codes(key)
    np.testing.assert_array_equal(got, codes)


def test_chunks_are_slices_with_offsets():
    arr = _chunked(["a", "b", None, "c"], [1, 3])
    assert [c.offset for c in arr.chunks] == [3, 3]
    codes, keys = _groups._arrow_codes(pd.Series(pd.arrays.ArrowExtensionArray(arr)))
    assert codes.tolist() == [0, 1, 3, 2]
    assert _plain(pd.Series(keys)) == ["a", "b", "c", None]


def test_empty_and_all_missing_keys():
    codes, keys = _groups._arrow_codes(pd.Series([], dtype="str"))
    assert len(codes) == 0 and len(keys) == 0
    codes, keys = _groups._arrow_codes(pd.Series([None, None], dtype="str"))
    assert codes.tolist() == [0, 0] and len(keys) == 1 and pd.isna(keys[0])
    codes, keys = _groups._arrow_codes(pd.Series(["", None, ""], dtype="str"))
    assert codes.tolist() == [0, 1, 0] and _plain(pd.Series(keys)) == ["", None]


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 6000
    first = pd.Timestamp("2024-01-01", tz="UTC").value
    return pd.DataFrame({
        "score": rng.integers(0, 11, n).astype(float),
        "responded_at": pd.to_datetime(first + rng.integers(0, 365 * 86400 * 10**9, n), utc=True),
        "plan": rng.choice(["pro", "basic"], n),
        "arr": rng.uniform(1, 100, n),
    })


def _same_tables(got: pd.DataFrame, want: pd.DataFrame, key: str) -> None:
    assert _plain(got[key]) == _plain(want[key])
    pd.testing.assert_frame_equal(got.drop(columns=key), want.drop(columns=key),
                                  check_exact=True)


@pytest.mark.parametrize("form", list(_arrow_keys(["x"])))
def test_by_group_equals_the_object_key(responses, form):
    values = _values(len(responses), seed=1)
    want = npscore.by_group(responses.assign(k=_object(values)), by="k", weight="arr")
    got = npscore.by_group(responses.assign(k=_arrow_keys(values)[form]), by="k", weight="arr")
    _same_tables(got, want, "k")
    assert got["k"].isna().sum() == 1  # the missing key: its own group, last
    assert got["rows"].sum() == len(responses)  # no row dropped
    # Two keys, one of them Arrow-backed.
    want2 = npscore.by_group(responses.assign(k=_object(values)), by=["k", "plan"])
    got2 = npscore.by_group(responses.assign(k=_arrow_keys(values)[form]), by=["k", "plan"])
    _same_tables(got2, want2, "k")


@pytest.mark.parametrize("form", ["str", "arrow string, chunks"])
@pytest.mark.parametrize("kwargs", [{}, {"freq": "W", "tz": "Europe/Berlin"}, {"window": "60D"}])
def test_health_equals_the_object_key(responses, form, kwargs):
    values = _values(len(responses), seed=2)
    want = npscore.health(responses.assign(k=_object(values)), by="k", **kwargs)
    got = npscore.health(responses.assign(k=_arrow_keys(values)[form]), by="k", **kwargs)
    _same_tables(got, want, "k")


def test_polars_and_pyarrow_tables(responses):
    pl = pytest.importorskip("polars")
    values = _values(len(responses), seed=3)
    want = npscore.by_group(responses.assign(k=_object(values)), by="k")
    frame = pl.from_pandas(responses.drop(columns="responded_at")).with_columns(
        pl.Series("k", values, dtype=pl.String))
    _same_tables(npscore.by_group(frame, by="k"), want, "k")
    # A polars Series as the key, and a pyarrow table with a chunked column.
    _same_tables(npscore.by_group(responses, by=pl.Series("k", values)), want, "k")
    table = pa.Table.from_pandas(responses.drop(columns="responded_at"), preserve_index=False)
    table = table.append_column("k", _chunked(values, [1000, 2000, 3000]))
    _same_tables(npscore.by_group(table, by="k"), want, "k")
    want_h = npscore.health(responses.assign(k=_object(values)), by="k")
    frame_h = pl.from_pandas(responses).with_columns(pl.Series("k", values))
    _same_tables(npscore.health(frame_h, by="k"), want_h, "k")


def _buffers(offsets: list[int], data: bytes, large: bool = False) -> tuple:
    o = np.asarray(offsets, dtype=np.int64 if large else np.int32)
    return (None, pa.py_buffer(o.tobytes()), pa.py_buffer(data), 0, len(offsets) - 1)


def test_bad_buffers_are_errors_naming_the_row():
    with pytest.raises(ValueError, match=r"row 1: the offsets decrease, from 2 to 1"):
        _npscore.factorize_utf8([_buffers([0, 2, 1, 3], b"abc")], False)
    with pytest.raises(ValueError, match=r"row 1: its bytes \[2, 9\) run past the data"):
        _npscore.factorize_utf8([_buffers([0, 2, 9], b"abc", large=True)], True)
    with pytest.raises(ValueError, match=r"row 3 \(chunk 1, row 1\): the offsets decrease"):
        _npscore.factorize_utf8([_buffers([0, 1, 2], b"ab"), _buffers([0, 1, 0], b"ab")], False)
    with pytest.raises(ValueError, match=r"chunk 0 has 2 offsets"):
        _npscore.factorize_utf8([(None, pa.py_buffer(np.int32([0, 1]).tobytes()), None, 0, 2),
                                 _buffers([0], b"")], False)
    codes, rows, missing = _npscore.factorize_utf8([_buffers([0, 1, 1, 2], b"ba")], False)
    assert codes.tolist() == [2, 0, 1] and rows.tolist() == [1, 2, 0] and not missing


@pytest.mark.parametrize("form", list(_arrow_keys(["x"])))
@pytest.mark.parametrize("weighted", [False, True])
def test_one_pass_by_group_equals_the_object_key(responses, form, weighted):
    # A lone Arrow key goes to the core's one-pass by-group kernel
    # (_npscore.by_utf8_key): unweighted it counts straight from the buffers,
    # with missing scores skipped, missing keys, several sliced chunks.
    values = _values(len(responses), seed=4)
    scores = responses["score"].mask(np.random.default_rng(6).random(len(responses)) < 0.04)
    frame = responses.assign(score=scores)
    kwargs = {"missing": "skip", "min_n": 40}
    if weighted:
        kwargs["weight"] = "arr"
    want = npscore.by_group(frame.assign(k=_object(values)), by="k", **kwargs)
    got = npscore.by_group(frame.assign(k=_arrow_keys(values)[form]), by="k", **kwargs)
    _same_tables(got, want, "k")
    assert got["k"].dtype == _arrow_keys(values)[form].dtype
    assert got["skipped"].sum() == scores.isna().sum()


def test_one_pass_by_group_errors_name_the_row(responses):
    key = pd.Series(_values(len(responses), seed=7), dtype="str")
    bad = responses.assign(k=key, score=responses["score"].where(responses.index != 17, 11.0))
    with pytest.raises(ValueError, match=r"score at row 17 is 11: outside the scale 0..10"):
        npscore.by_group(bad, by="k")
    gap = responses.assign(k=key, score=responses["score"].where(responses.index != 5))
    with pytest.raises(ValueError, match=r"score at row 5 is missing"):
        npscore.by_group(gap, by="k")
    empty = npscore.by_group(responses.iloc[:0].assign(k=pd.Series([], dtype="str")), by="k")
    assert len(empty) == 0
