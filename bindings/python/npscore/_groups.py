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


def _key_codes(key: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes 0..k-1 of one key column in ascending key order, and the keys.
    Missing keys get their own code (last); unobserved categories may have
    codes but no rows (by_group drops empty groups)."""
    if isinstance(key.dtype, pd.CategoricalDtype):
        codes = key.cat.codes.to_numpy()  # int8/16/32, read as they are; -1 = missing
        keys = pd.Index(key.cat.categories)
        if (codes < 0).any():
            codes = np.where(codes < 0, len(keys), codes).astype(np.int64)
            keys = keys.insert(len(keys), np.nan)
        return np.ascontiguousarray(codes), keys
    if is_int_key(key):
        codes, uniques = _npscore.factorize_keys(
            np.ascontiguousarray(key.to_numpy(), dtype=np.int64))
        return codes, pd.Index(uniques.astype(key.dtype, copy=False))
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
    # Mixed-radix code of the key tuple, then only the combinations observed.
    combined = np.zeros(len(df), dtype=np.int64)
    for part_codes, part_keys in parts:
        combined = combined * len(part_keys) + part_codes
    codes, observed = _npscore.factorize_keys(combined)
    columns = {}
    rest = observed
    for name, (_, part_keys) in reversed(list(zip(by, parts))):
        columns[name] = part_keys.take(rest % len(part_keys))
        rest = rest // len(part_keys)
    return codes, pd.DataFrame({name: columns[name] for name in by})
