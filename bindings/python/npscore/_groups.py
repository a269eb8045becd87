"""Group codes for key columns: the one place where pandas keys become the
integer codes the core groups by. No row is dropped: missing keys form their
own group."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from . import _npscore
from ._convert import column


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
    if coded is not None:
        return coded
    codes, uniques = pd.factorize(key, sort=True, use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def group_codes(df: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Codes 0..k-1 of each row's group over the key columns `by`, sorted by
    key, and a frame of the k keys. Codes of unobserved categories may have
    no rows."""
    parts = [_key_codes(column(df, name, "group")) for name in by]
    if len(parts) == 1:
        codes, keys = parts[0]
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
