"""Group codes for key columns: the one place where pandas keys become the
integer codes the core groups by. No row is dropped: missing keys form their
own group. Keys are column names or, as in pandas' groupby, Series of their
own (`keyed`); categorical keys keep their dtype in the output. Text keys
are coded in C++: from their Python objects (`_text_codes`) or, when they
live in Arrow buffers (pandas' pyarrow-backed `str`, polars, pyarrow),
from those buffers (`_arrow_codes`; by_group summarizes a lone such key
straight from them, `arrow_chunks`)."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import _args, _npscore
from ._convert import _arrow_of, _memo, column, foreign_column, is_instance


def is_int_key(key: pd.Series) -> bool:
    """True for numpy integer keys that fit int64 exactly."""
    dt = key.dtype
    return isinstance(dt, np.dtype) and (dt.kind == "i" or (dt.kind == "u" and dt.itemsize < 8))


def _text_codes(key: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Codes of a text key held as Python objects (object dtype, or pandas'
    `str` / "string" dtype with Python storage), as pd.factorize(sort=True,
    use_na_sentinel=False) numbers them, coded in C++ (_npscore.
    factorize_strings: equal objects by address, others by text). None when
    an entry is neither a str nor missing: pandas codes those."""
    dt = key.dtype
    if isinstance(dt, pd.StringDtype):
        if dt.storage != "python":
            return None
        na = dt.na_value
    elif dt == object:
        na = np.nan
    else:
        return None
    values = np.asarray(key.array)
    if values.dtype != object or values.ndim != 1:
        return None
    res = _npscore.factorize_strings(np.ascontiguousarray(values), (pd.NA, pd.NaT))
    if res is None:
        return None
    codes, keys, has_missing = res
    if has_missing:
        keys.append(na)
    return codes, pd.Index(keys, dtype=dt)


def arrow_strings(key: pd.Series) -> Any:
    """The pyarrow array behind an Arrow-backed text key (pandas' `str` /
    "string" dtype with pyarrow storage, or pd.ArrowDtype of a string type:
    what polars and pyarrow text columns become), without a copy; None for
    any other key."""
    dt = key.dtype
    if isinstance(dt, pd.StringDtype):
        if dt.storage != "pyarrow":
            return None
    elif not (isinstance(dt, pd.ArrowDtype)
              and str(dt.pyarrow_dtype) in ("string", "large_string")):
        return None
    import pyarrow as pa

    return pa.array(key.array)  # the array's own ChunkedArray (__arrow_array__): no copy


def arrow_chunks(arr: Any) -> tuple[list[tuple], bool]:
    """The chunks of a pyarrow string array (or ChunkedArray) as the core
    reads them, (validity or None, offsets, data, offset, length) buffers
    without a copy, and whether the offsets are int64 (large_string)."""
    import pyarrow as pa

    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    parts = []
    for c in chunks:
        validity, offsets, data = c.buffers()
        parts.append((validity if c.null_count else None, offsets, data, c.offset, len(c)))
    return parts, pa.types.is_large_string(arr.type)


def arrow_keys(key: pd.Series, arr: Any, rows: np.ndarray, has_missing: bool) -> pd.Index:
    """The distinct keys of an Arrow-backed text key, with the key's dtype,
    from each one's first row (`rows`, as the core returns them: the
    missing key last when `has_missing`). Only these k keys become Python
    objects."""
    import pyarrow as pa

    k = len(rows) - int(has_missing)
    keys: list[Any] = arr.take(pa.array(rows[:k])).to_pylist()
    if has_missing:
        keys.append(key.dtype.na_value)
    return pd.Index(keys, dtype=key.dtype)


def _arrow_codes(key: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Codes of an Arrow-backed text key, numbered as pd.factorize(sort=True,
    use_na_sentinel=False) numbers them (byte order of the UTF-8 keys, which
    is Python's str order; missing last), coded in C++ from the Arrow
    buffers (_npscore.factorize_utf8): no Python object per row. None for
    other keys."""
    arr = arrow_strings(key)
    if arr is None:
        return None

    def coded() -> tuple[np.ndarray, pd.Index]:
        codes, rows, has_missing = _npscore.factorize_utf8(*arrow_chunks(arr))
        return codes, arrow_keys(key, arr, rows, has_missing)
    # Shared by every stage keying on the same Arrow array (the slices'
    # columns are grouped by several sections); the keys take the key's dtype.
    codes, keys = _memo(f"arrow_codes {key.dtype}", (_arrow_of(key),), coded)
    return codes.copy(), keys


def _key_codes(key: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0..k-1 of one key column in ascending key order, and the keys.
    Missing keys get their own code (last); unobserved categories may have
    codes but no rows (by_group drops empty groups)."""
    if isinstance(key.dtype, pd.CategoricalDtype):
        codes = key.cat.codes.to_numpy()  # int8/16/32, read as they are; -1 = missing
        keys = pd.Index(key.cat.categories)
        if (codes < 0).any():
            # The missing key's code (len(keys)) fits the codes' own type
            # unless the categories fill it.
            wide = len(keys) > np.iinfo(codes.dtype).max
            codes = np.where(codes < 0, len(keys), codes).astype(
                np.int64 if wide else codes.dtype)
            keys = keys.insert(len(keys), np.nan)
        return np.ascontiguousarray(codes), keys
    if is_int_key(key):
        codes, uniques = _npscore.factorize_keys(
            np.ascontiguousarray(key.to_numpy(), dtype=np.int64))
        return codes, pd.Index(uniques.astype(key.dtype, copy=False))
    coded = _text_codes(key)
    if coded is None:
        coded = _arrow_codes(key)
    if coded is not None:
        return coded
    codes, uniques = pd.factorize(key, sort=True, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def _is_key_series(value: Any) -> bool:
    """A key given as values (a pandas or polars Series, a pyarrow array),
    not as a column name."""
    return (isinstance(value, pd.Series) or is_instance(value, "polars", "Series")
            or is_instance(value, "pyarrow", "Array", "ChunkedArray"))


def _key_values(df: pd.DataFrame, key: Any, name: str) -> tuple[Any, Any]:
    """The label and the values, one per row of df in df's order, of a key
    Series. A pandas Series is aligned on df's index (pandas' groupby
    rule); a row of df the Series has no value for is an error, never a
    missing key. Other columns are read by position."""
    if isinstance(key, pd.Series):
        label = key.name
    else:
        label = getattr(key, "name", None) or None  # polars' default name is ""
    if label is None:
        raise ValueError(f"{name}: a key Series needs a name, which labels its output column; "
                         "give it one, e.g. s.rename(\"tier\") (pandas) or s.alias(\"tier\") "
                         "(polars)")
    if not isinstance(key, pd.Series):
        values = foreign_column(key)
        if len(values) != len(df):
            raise ValueError(f"{name}: the key {label!r} has {len(values)} values but the "
                             f"DataFrame has {len(df)} rows")
        return label, (values.array if isinstance(values, pd.Series) else values)
    if key.index.equals(df.index):
        return label, key.array
    if not key.index.is_unique:
        raise ValueError(f"{name}: the Series {label!r} has another index than the DataFrame, "
                         "with duplicate labels, so it cannot be aligned; align it first "
                         "(s.set_axis(df.index) pairs by position)")
    pos = key.index.get_indexer(df.index)
    if (pos < 0).any():
        row = int(np.flatnonzero(pos < 0)[0])
        raise ValueError(f"{name}: the Series {label!r} is aligned on the DataFrame's index, as "
                         f"in pandas, but has no value for row {row} (index label "
                         f"{df.index[row]!r}); give one value per row (s.set_axis(df.index) "
                         "pairs by position)")
    return label, key.array.take(pos)


def _same(a: Any, b: Any) -> bool:
    """Equal values row by row, missing equal to missing, whatever the dtype
    (a column and its categorical version are the same key)."""
    x = pd.Series(np.asarray(a, dtype=object))
    y = pd.Series(np.asarray(b, dtype=object))
    both = x.isna().to_numpy() & y.isna().to_numpy()
    return bool(((x == y).to_numpy() | both).all())


def keyed(df: pd.DataFrame, by: Any, name: str = "by",
          empty: bool = True) -> tuple[pd.DataFrame, list]:
    """`by` (a column name, a key Series, or a list mixing them) as column
    labels of the returned frame: df itself when `by` only names columns,
    else a shallow copy of df with each key Series added under its name.
    A Series named like a column of df must hold that column's values (it
    may change their dtype, e.g. to categorical): otherwise the column would
    be read in its place."""
    items = [by] if _is_key_series(by) else by
    if not isinstance(items, (list, tuple)) or not any(_is_key_series(v) for v in items):
        return df, _args.labels(by, name, empty=empty)
    out, names = df, []
    for item in items:
        if not _is_key_series(item):
            names.append(item)
            continue
        label, values = _key_values(df, item, name)
        if not _args._hashable(label):
            raise TypeError(f"{name}: a key Series' name must be a column label, got "
                            f"{_args.shown(label)}")
        if label in df.columns and not _same(column(df, label, "group").array, values):
            raise ValueError(f"{name}: the Series {label!r} has the name of a column of the "
                             "DataFrame but other values; rename it, e.g. "
                             f"s.rename(\"{label}_key\")")
        if out is df:
            out = df.copy(deep=False)
        out[label] = values
        names.append(label)
    return out, _args.labels(names, name, empty=empty)


def _category_keys(key: pd.Series, keys: pd.Index) -> pd.Index:
    """The keys of a categorical key column with its dtype (categories and
    their order); the missing key (last, if any) stays missing."""
    cats = len(key.cat.categories)
    codes = np.arange(len(keys), dtype=np.int64)
    codes[cats:] = -1
    return pd.CategoricalIndex(pd.Categorical.from_codes(codes, dtype=key.dtype))


def group_codes(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes 0..k-1 of each row's group over the key columns `by`, sorted by
    key, and a frame of the k keys. Codes of unobserved categories may have
    no rows."""
    parts = [_key_codes(column(df, name, "group")) for name in by]
    if len(parts) == 1:
        codes, keys = parts[0]
        key = column(df, by[0], "group")
        if isinstance(key.dtype, pd.CategoricalDtype):
            keys = _category_keys(key, keys)
        return codes, pd.DataFrame({by[0]: keys})
    # Combine the key columns one at a time, renumbering the observed
    # combinations after each so codes stay below rows x keys (no overflow).
    # Numbering in ascending (previous code, next code) order keeps the
    # groups sorted by the key tuple.
    codes = np.asarray(parts[0][0], dtype=np.int64)
    for part_codes, part_keys in parts[1:]:
        combined = codes * len(part_keys) + np.asarray(part_codes, dtype=np.int64)
        codes, _ = _npscore.factorize_keys(np.ascontiguousarray(combined))
    # Each group's keys, read from its first row.
    k = int(codes.max()) + 1 if len(codes) else 0
    first = np.full(k, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes), dtype=np.int64))
    keys = {name: column(df, name, "group").iloc[first].reset_index(drop=True) for name in by}
    return codes, pd.DataFrame(keys)
