"""Conversion of user input (lists, numpy arrays, pandas objects) to the
contiguous numpy columns the compiled core reads.

Arrays whose dtype the core reads natively (float32/64, signed and unsigned
8..64-bit integers) and that are contiguous pass through without a copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _npscore

# numpy dtype kinds the core reads without conversion.
_NATIVE_KINDS = {"f": (4, 8), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8)}


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT


def _first_non_numeric(values: Any) -> tuple[int, Any]:
    """Row and value of the first entry that is not a number (a string, even
    "9", is not a score), or (-1, None)."""
    for i, v in enumerate(values):
        if _is_missing(v):
            continue
        if isinstance(v, (str, bytes, bool, np.bool_)):
            return i, v
        try:
            float(v)
        except (TypeError, ValueError):
            return i, v
    return -1, None


def _text_error(values: np.ndarray, name: str) -> TypeError:
    """The error for a text column: names the first entry that does not even
    parse as a number (else the first entry)."""
    row, value = 0, values[0]
    for i, v in enumerate(values):
        try:
            float(v)
        except (TypeError, ValueError):
            row, value = i, v
            break
    return TypeError(f"{name} at row {row} is {value!r}: not a number (the column holds "
                     "text; convert it first, e.g. with pd.to_numeric)")


def _from_objects(values: Any, name: str) -> np.ndarray:
    objects = np.asarray(values, dtype=object)
    if objects.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {objects.shape}")
    row, value = _first_non_numeric(objects)
    if row >= 0:
        raise TypeError(f"{name} at row {row} is {value!r}: not a number")
    return np.array([np.nan if _is_missing(v) else float(v) for v in objects],
                    dtype=np.float64)


def as_scores(scores: Any, name: str = "scores") -> np.ndarray:
    """Returns `scores` as a 1-D contiguous numeric array (NaN = missing)."""
    if isinstance(scores, pd.DataFrame):
        raise TypeError(f"{name} must be one column (a Series or 1-D array), got a DataFrame")
    if isinstance(scores, (pd.Series, pd.Index)):
        dtype = scores.dtype
        if isinstance(dtype, pd.api.extensions.ExtensionDtype) and not isinstance(
            dtype, np.dtype
        ):
            if pd.api.types.is_bool_dtype(dtype):
                raise TypeError(f"{name} must be numeric scores, got booleans")
            if pd.api.types.is_string_dtype(dtype):
                raise _text_error(scores.to_numpy(dtype=object), name)
            if not pd.api.types.is_numeric_dtype(dtype):
                return _from_objects(scores.to_numpy(dtype=object), name)
            # Nullable integers / floats: missing values become NaN.
            return np.ascontiguousarray(scores.to_numpy(dtype=np.float64, na_value=np.nan))
        scores = scores.to_numpy()
    if isinstance(scores, (list, tuple)):
        arr = np.asarray(scores)
        if arr.dtype.kind in "OUS":  # mixed or text entries: find the culprit
            return _from_objects(scores, name)
    else:
        arr = np.asarray(scores)
    if arr.ndim != 1:
        if arr.ndim == 0:
            raise TypeError(f"{name} must be a sequence of scores, got a scalar")
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if kind in _NATIVE_KINDS and size in _NATIVE_KINDS[kind]:
        if not arr.dtype.isnative:  # e.g. big-endian '>f8' from a file
            arr = arr.astype(arr.dtype.newbyteorder("="))
        return np.ascontiguousarray(arr)
    if kind == "b":
        raise TypeError(f"{name} must be numeric scores, got booleans")
    if kind == "f":  # float16, longdouble
        return np.ascontiguousarray(arr, dtype=np.float64)
    if kind in "US" and arr.size:
        raise _text_error(arr, name)
    if kind in "OUS":
        return _from_objects(arr, name)
    raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")


def as_weights(weights: Any, name: str = "weights") -> np.ndarray | None:
    """Returns `weights` as a contiguous float64 array, or None."""
    if weights is None:
        return None
    arr = as_scores(weights, name)
    return np.ascontiguousarray(arr, dtype=np.float64)


def as_cutoffs(cutoffs: Any) -> "_npscore.Cutoffs":
    """Accepts a Cutoffs, or a (detractor_max, passive_max[, scale_max]) tuple."""
    if isinstance(cutoffs, _npscore.Cutoffs):
        return cutoffs
    try:
        values = [float(v) for v in cutoffs]
    except (TypeError, ValueError):
        raise TypeError(
            "cutoffs must be (detractor_max, passive_max[, scale_max]) integers, "
            f"got {cutoffs!r}"
        ) from None
    for v in values:
        if not v.is_integer():
            raise ValueError(f"cutoffs must be whole numbers, got {v!r} in {cutoffs!r}")
    values = [int(v) for v in values]
    if len(values) == 2:
        values.append(10)
    if len(values) != 3:
        raise ValueError(
            f"cutoffs must have 2 or 3 values (detractor_max, passive_max[, scale_max]), got {cutoffs!r}"
        )
    return _npscore.Cutoffs(*values)


def column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    """Returns df[name], or a ValueError naming the missing column."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if name not in df.columns:
        raise ValueError(
            f"{role} column {name!r} not found; columns are {list(map(str, df.columns))}"
        )
    col = df[name]
    if isinstance(col, pd.DataFrame):
        raise ValueError(f"{role} column {name!r} appears {col.shape[1]} times in the DataFrame")
    return col


def utc_index(nanos: np.ndarray) -> pd.DatetimeIndex:
    """UTC nanoseconds as tz-aware UTC timestamps."""
    return pd.DatetimeIndex(np.asarray(nanos, dtype=np.int64).view("datetime64[ns]"), tz="UTC")


def utc_nanos(values: pd.Series, name: str, tz: str) -> np.ndarray:
    """Timestamps as int64 UTC nanoseconds (NaT = int64 min). Naive times are
    read in `tz`. Unparseable values are an error naming the row."""
    arr = values.array
    if isinstance(arr, pd.arrays.DatetimeArray) and (arr.tz is not None or tz == "UTC"):
        # Already instants (or naive UTC): their int64 view, no conversion
        # (as_unit copies even when the unit is already "ns").
        if arr.unit != "ns":
            arr = arr.as_unit("ns")
        return np.ascontiguousarray(arr.asi8)
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        try:
            parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        except ValueError:
            # Offsets differ between rows (e.g. -05:00 and -04:00 across DST):
            # each string is an exact instant; strings without an offset are
            # then read as UTC.
            parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    else:
        parsed = pd.to_datetime(values, errors="coerce")
    bad = parsed.isna().to_numpy() & values.notna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} at row {row} is {values.iloc[row]!r}: not a timestamp")
    if getattr(parsed.dt, "tz", None) is None:
        try:
            parsed = parsed.dt.tz_localize(tz)
        except Exception as e:  # pandas raises several types for bad zones / DST gaps
            raise ValueError(f"cannot read naive {name} in time zone {tz!r}: {e}") from None
    utc = parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    return np.ascontiguousarray(utc.to_numpy().view(np.int64))
