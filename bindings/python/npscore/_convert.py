"""Conversion of user input (lists, numpy arrays, pandas objects, and polars
or Arrow tables and columns) to the pandas tables and contiguous numpy
columns the compiled core reads.

Arrays whose dtype the core reads natively (float32/64, signed and unsigned
8..64-bit integers) and that are contiguous pass through without a copy; so
do the buffers of numeric polars and Arrow columns without nulls.
docs/python-inputs.md states the rules.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import re
import sys
import weakref
from typing import Any, Callable, Optional, TypeVar

import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime

from . import _npscore
from ._args import is_number, materialize, shown

# numpy dtype kinds the core reads without conversion.
_NATIVE_KINDS = {"f": (4, 8), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8)}


# The types of bools in a list: no score (`_first_non_numeric` names the first).
_BOOL_TYPES = frozenset({bool, np.bool_})


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
    scores = materialize(scores, name)
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
        # Mixed or text entries, or a bool among numbers (numpy reads True as
        # 1): find the culprit. Only bools: "got booleans" below.
        if arr.dtype.kind in "OUS" or (arr.dtype.kind in "iuf" and
                                       not _BOOL_TYPES.isdisjoint(map(type, scores))):
            return _from_objects(scores, name)
    else:
        arr = np.asarray(scores)
    if arr.ndim != 1:
        if arr.ndim == 0:
            raise TypeError(f"{name} must be a sequence of numbers (a list, array or Series), "
                            f"got {type(scores).__name__} {shown(scores)}")
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


# --- Tables and columns from polars and Arrow -----------------------------------------

TABLE_TYPES = ("a DataFrame (pandas or polars), a pyarrow Table or RecordBatch, or an object "
               "with the Arrow PyCapsule interface (__arrow_c_stream__)")


def _loaded(module: str, cls: str) -> Any:
    """Class `cls` of `module` if the module is already imported (an object
    of that class exists only then), else None: nothing is imported here."""
    mod = sys.modules.get(module)
    return getattr(mod, cls, None) if mod is not None else None


def is_instance(obj: Any, module: str, *classes: str) -> bool:
    """isinstance(obj, module.cls) for any of `classes`, without importing
    `module` (polars and pyarrow are optional)."""
    return any(c is not None and isinstance(obj, c)
               for c in (_loaded(module, cls) for cls in classes))


def _pyarrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError:
        raise TypeError(f"reading {what} through the Arrow PyCapsule interface needs pyarrow "
                        "(pip install pyarrow)") from None
    return pyarrow


def _numeric_view(arr: Any) -> np.ndarray | None:
    """The values of a pyarrow Array / ChunkedArray of integers or floats
    without nulls as numpy: a view of the Arrow buffer (one chunk), or one
    concatenating copy (several chunks). None for other columns."""
    import pyarrow as pa

    t = arr.type
    if not (pa.types.is_integer(t) or pa.types.is_floating(t)) or arr.null_count:
        return None
    if isinstance(arr, pa.ChunkedArray):
        if arr.num_chunks != 1:
            return arr.to_numpy()
        arr = arr.chunk(0)
    return arr.to_numpy(zero_copy_only=True)


def _from_arrow(arr: Any) -> np.ndarray | pd.Series:
    """One Arrow column as numpy (numeric, no nulls: zero-copy) or as the
    pandas Series pyarrow's to_pandas makes of it (text as pandas' string
    dtype, dictionaries as categoricals, integers with nulls as floats with
    NaN, timestamps with their zone)."""
    view = _numeric_view(arr)
    return view if view is not None else arr.to_pandas()


def _from_polars(s: Any) -> np.ndarray | pd.Series:
    """One polars Series as numpy (numeric, no nulls: polars' to_numpy, a
    view of its buffer when it has one chunk) or as pandas (through Arrow)."""
    if s.dtype.is_numeric() and not s.has_nulls():
        return s.to_numpy()
    if _pyarrow_available():
        return _from_arrow(s.to_arrow())
    return pd.Series(s.to_list(), dtype=object)  # pyarrow missing: plain Python objects


def _pyarrow_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def foreign_column(values: Any) -> Any:
    """A polars Series, a pyarrow Array / ChunkedArray or an object with
    __arrow_c_array__ / __arrow_c_stream__ (one column) as numpy or pandas
    (see `_from_arrow`); anything else is returned as it is."""
    if isinstance(values, (pd.Series, pd.Index, pd.DataFrame, np.ndarray)):
        return values
    if is_instance(values, "polars", "Series"):
        return _from_polars(values)
    if is_instance(values, "pyarrow", "Array", "ChunkedArray"):
        return _from_arrow(values)
    if hasattr(values, "__arrow_c_array__") or hasattr(values, "__arrow_c_stream__"):
        if is_table(values):
            return values  # a table where a column is wanted: the caller says so
        pa = _pyarrow("a column")
        return _from_arrow(pa.array(values) if hasattr(values, "__arrow_c_array__")
                           else pa.chunked_array(values))
    return values


def is_table(obj: Any) -> bool:
    """A pandas, polars (eager or lazy) or pyarrow table."""
    return (isinstance(obj, pd.DataFrame)
            or is_instance(obj, "polars", "DataFrame", "LazyFrame")
            or is_instance(obj, "pyarrow", "Table", "RecordBatch"))


def _pandas_index(table: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """Restores the index a pandas DataFrame had before it became `table`
    (pyarrow's pandas metadata), so labels survive the round trip."""
    meta = table.schema.pandas_metadata if table.schema.metadata else None
    if not meta or not meta.get("index_columns"):
        return frame
    index = meta["index_columns"]
    if len(index) == 1 and isinstance(index[0], dict) and index[0].get("kind") == "range":
        r = index[0]
        if (r["stop"] - r["start"]) // (r["step"] or 1) == len(frame):
            frame.index = pd.RangeIndex(r["start"], r["stop"], r["step"], name=r.get("name"))
        return frame
    if all(isinstance(c, str) and c in frame.columns for c in index):
        names = {c["field_name"]: c["name"] for c in meta.get("columns", [])
                 if isinstance(c, dict) and "field_name" in c}
        frame = frame.set_index(index)
        frame.index.names = [names.get(c, c) for c in index]
    return frame


def as_frame(df: Any, name: str = "df") -> pd.DataFrame:
    """The table `df` as a pandas DataFrame: pandas as it is; a polars
    DataFrame, a pyarrow Table / RecordBatch or any object with
    __arrow_c_stream__ column by column, numeric columns without nulls as
    views of their Arrow buffers (no copy, no pandas round trip), the others
    as pyarrow's to_pandas makes them. Anything else is a TypeError naming
    `name` and the accepted types."""
    return read_table(df, name)[0]


def read_table(df: Any, name: str = "df") -> tuple[pd.DataFrame, bool]:
    """`as_frame(df, name)`, and whether its rows carry index labels: a
    pandas DataFrame, or an Arrow table that kept a pandas index in pyarrow's
    metadata. Other tables (polars, plain Arrow) have no labels: values
    beside them pair by position, as with numpy (`aligned_with`)."""
    if isinstance(df, pd.DataFrame):
        return df, True
    if is_instance(df, "polars", "LazyFrame"):
        raise TypeError(f"{name} is a polars LazyFrame: collect it first ({name}.collect())")
    if is_instance(df, "polars", "DataFrame"):
        if not _pyarrow_available():
            cols = [_from_polars(s) for s in df.get_columns()]
            return _assemble(cols, list(df.columns)), False
        table = df.to_arrow()
    elif is_instance(df, "pyarrow", "Table", "RecordBatch"):
        table = df
    elif hasattr(df, "__arrow_c_stream__") and not hasattr(df, "__arrow_c_array__"):
        table = _pyarrow("a table").table(df)
    else:
        raise TypeError(f"{name} must be {TABLE_TYPES}, got {type(df).__name__}")
    cols = [_from_arrow(table.column(i)) for i in range(table.num_columns)]
    meta = table.schema.pandas_metadata if table.schema.metadata else None
    labelled = bool(meta and meta.get("index_columns"))
    return _pandas_index(table, _assemble(cols, list(table.schema.names))), labelled


def is_foreign_table(obj: Any) -> bool:
    """A table `read_table` converts: polars (eager or lazy), pyarrow Table /
    RecordBatch, or another object with __arrow_c_stream__ that is no column
    (a polars Series or pyarrow ChunkedArray also has one)."""
    if isinstance(obj, (pd.DataFrame, pd.Series, pd.Index, np.ndarray)):
        return False
    if is_table(obj):
        return True
    if is_instance(obj, "polars", "Series") or is_instance(obj, "pyarrow", "Array",
                                                          "ChunkedArray"):
        return False
    return hasattr(obj, "__arrow_c_stream__") and not hasattr(obj, "__arrow_c_array__")


def _assemble(cols: list, names: list) -> pd.DataFrame:
    """A DataFrame of `cols` (numpy arrays and Series) named `names`
    (duplicates kept, for `column` to name), without copying the arrays."""
    n = len(cols[0]) if cols else 0
    data = {i: (c.reset_index(drop=True) if isinstance(c, pd.Series) else c)
            for i, c in enumerate(cols)}
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
    frame.columns = pd.Index(names)
    return frame


def column(df: pd.DataFrame, name: str, role: str) -> pd.Series:
    """Returns df[name], or a ValueError naming the missing column."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected {TABLE_TYPES}, got {type(df).__name__}")
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


# How to turn numbers into times: npscore never guesses the unit of a number
# (0..59 read as nanoseconds since 1970 would all land in one period).
_UNIT_HINT = ('convert the column first with pd.to_datetime(values, unit="s") (seconds '
              'since 1970-01-01 UTC; or unit="ms", "us", "ns", "D")')
_RANGE = "outside the times npscore reads (1677-09-21 .. 2262-04-11 UTC)"
# A UTC offset or zone after a clock time: "10:00+02:00", "10:00Z", "10:00 UTC".
_OFFSET = (r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d\d(?::?\d\d)?|(?:UTC|GMT)"
           r"(?:[+-]\d{1,2}(?::?\d\d)?)?)\s*$")


def _is_number(v: Any) -> bool:
    """A number that is not missing (NaN is a missing time)."""
    return is_number(v) and not (isinstance(v, (float, np.floating)) and np.isnan(v))


def _check_time_dtype(values: pd.Series, name: str) -> None:
    """Refuses columns that hold numbers, booleans or durations: they are not
    timestamps, and numbers have no unit npscore could trust."""
    dt = values.dtype
    if isinstance(dt, pd.CategoricalDtype):
        dt = dt.categories.dtype
    if pd.api.types.is_bool_dtype(dt):
        raise TypeError(f"{name} holds booleans ({values.dtype}), not timestamps")
    if pd.api.types.is_numeric_dtype(dt):
        raise TypeError(f"{name} holds numbers ({values.dtype}), not timestamps: npscore does "
                        f"not guess their unit; {_UNIT_HINT}")
    if pd.api.types.is_timedelta64_dtype(dt):
        raise TypeError(f"{name} holds durations ({values.dtype}), not timestamps")
    if dt == object and pd.api.types.infer_dtype(values, skipna=True) not in (
            "string", "datetime", "datetime64", "date", "empty"):
        for row, v in enumerate(values.to_numpy(dtype=object)):
            if _is_number(v):
                raise TypeError(f"{name} at row {row} is {v!r}: a number, not a timestamp "
                                f"(npscore does not guess its unit); {_UNIT_HINT}")
            if isinstance(v, (pd.Timedelta, np.timedelta64, datetime.timedelta)):
                raise TypeError(f"{name} at row {row} is {v!r}: a duration, not a timestamp")


def _naive_and_aware(values: pd.Series) -> tuple[int, int]:
    """Rows of the first naive and the first time-zone-aware entry (-1: none)."""
    arr = values.to_numpy(dtype=object)
    naive = aware = -1
    text = np.fromiter((isinstance(v, str) for v in arr), dtype=bool, count=len(arr))
    for i in np.flatnonzero(~text):
        v = arr[i]
        if isinstance(v, datetime.datetime):
            if v.tzinfo is None:
                naive = i if naive < 0 else naive
            else:
                aware = i if aware < 0 else aware
        elif isinstance(v, (np.datetime64, datetime.date)):
            naive = i if naive < 0 else naive
        if naive >= 0 and aware >= 0:
            break
    rows = np.flatnonzero(text)
    if len(rows):
        # Strings: an offset after the clock time makes them aware; the
        # others are parsed one by one until a naive one is confirmed.
        has_offset = pd.Series(arr[rows], dtype=object).str.contains(_OFFSET, regex=True,
                                                                      na=False).to_numpy()
        if has_offset.any():
            first = int(rows[np.flatnonzero(has_offset)[0]])
            aware = first if aware < 0 else min(aware, first)
        for i in rows[~has_offset]:
            try:
                ts = pd.Timestamp(arr[i])
            except (TypeError, ValueError):
                continue
            if ts is not pd.NaT and ts.tzinfo is None:
                naive = int(i) if naive < 0 else min(naive, int(i))
                break
            if ts is not pd.NaT:
                aware = int(i) if aware < 0 else min(aware, int(i))
    return int(naive), int(aware)


def _mixed_error(values: pd.Series, name: str, naive: int, aware: int) -> ValueError:
    first, second = sorted((naive, aware))
    kind = {naive: "naive", aware: "time-zone aware"}
    return ValueError(
        f"{name} mixes naive and time-zone-aware times: row {first} is "
        f"{values.iloc[first]!r} ({kind[first]}) but row {second} is {values.iloc[second]!r} "
        f"({kind[second]}); give every time a zone or offset, or none (naive times are read "
        "in tz)")


def _range_error(values: pd.Series, parsed: pd.Series, name: str) -> ValueError:
    p = parsed.dt.tz_localize(None) if getattr(parsed.dt, "tz", None) is not None else parsed
    out = ((p < pd.Timestamp.min) | (p > pd.Timestamp.max)).to_numpy()
    row = int(np.flatnonzero(out)[0]) if out.any() else 0
    return ValueError(f"{name} at row {row} is {values.iloc[row]!r}: {_RANGE}")


def parse_times(values: pd.Series, name: str) -> pd.Series:
    """A column of times (datetime dtype, or text / datetime objects) as a
    datetime Series, naive or aware, NaT where missing. Numbers, booleans,
    durations, unparseable entries and a mix of naive and aware times are
    errors naming the row and value."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    _check_time_dtype(values, name)
    try:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    except ValueError:
        # Offsets differ between rows (e.g. -05:00 and -04:00 across DST):
        # each string is an exact instant. Naive entries among them would be
        # read in another zone than the others: that is an error.
        naive, aware = _naive_and_aware(values)
        if naive >= 0 and aware >= 0:
            raise _mixed_error(values, name, naive, aware) from None
        parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    bad = parsed.isna().to_numpy() & values.notna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = values.iloc[row]
        try:
            alone = pd.Timestamp(value)  # fine on its own: it clashes with the others
        except (TypeError, ValueError):
            alone = pd.NaT
        if alone is not pd.NaT:
            naive, aware = _naive_and_aware(values)
            if naive >= 0 and aware >= 0:
                raise _mixed_error(values, name, naive, aware)
        raise ValueError(f"{name} at row {row} is {value!r}: not a timestamp")
    return parsed


def _dst_problem(parsed: pd.Series, tz: str) -> tuple[int, str]:
    """The first naive time that cannot be read in `tz` and why."""
    was = parsed.isna().to_numpy()
    gap = parsed.dt.tz_localize(tz, nonexistent="NaT", ambiguous=np.zeros(len(parsed), dtype=bool))
    rows = np.flatnonzero(gap.isna().to_numpy() & ~was)
    if len(rows):
        return int(rows[0]), (f"this local time does not exist in {tz} (clocks jump forward); "
                              "give times with a UTC offset")
    twice = parsed.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous="NaT")
    rows = np.flatnonzero(twice.isna().to_numpy() & ~was)
    return (int(rows[0]) if len(rows) else 0), (f"this local time occurs twice in {tz} (clocks "
                                                 "go back); give times with a UTC offset")


def _localize(parsed: pd.Series, values: pd.Series, name: str, tz: str) -> pd.Series:
    """Naive times read in `tz`; a local time that does not exist (a DST
    gap) or exists twice (clocks going back) is an error naming the row."""
    try:
        return parsed.dt.tz_localize(tz)
    except (ValueError, TypeError):  # pandas' NonExistentTimeError / AmbiguousTimeError
        pass
    row, why = _dst_problem(parsed, tz)
    raise ValueError(f"{name} at row {row} is {values.iloc[row]!r}: {why}")


def utc_nanos(values: pd.Series, name: str, tz: str) -> np.ndarray:
    """Timestamps as int64 UTC nanoseconds (NaT = int64 min). Naive times are
    read in `tz`. Numbers (no unit), unparseable values and mixed naive and
    aware times are errors naming the row."""
    arr = values.array
    if isinstance(arr, pd.arrays.DatetimeArray) and (arr.tz is not None or tz == "UTC"):
        # Already instants (or naive UTC): their int64 view, no conversion
        # (as_unit copies even when the unit is already "ns").
        if arr.unit != "ns":
            try:
                arr = arr.as_unit("ns")
            except (OutOfBoundsDatetime, OverflowError):
                raise _range_error(values, values, name) from None
        return np.ascontiguousarray(arr.asi8)
    parsed = parse_times(values, name)
    if getattr(parsed.dt, "tz", None) is None:
        parsed = _localize(parsed, values, name, tz)
    try:
        utc = parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    except (OutOfBoundsDatetime, OverflowError):
        raise _range_error(values, parsed, name) from None
    return np.ascontiguousarray(utc.to_numpy().view(np.int64))


def timestamp(value: Any, name: str) -> pd.Timestamp:
    """One timestamp argument (a string, datetime, np.datetime64 or
    pd.Timestamp) as a pd.Timestamp, naive or aware. None, NaT, numbers
    (no unit) and text that is no time are errors naming `name`."""
    if value is None:
        raise ValueError(f"{name} must be given (a timestamp)")
    if _is_number(value):
        raise TypeError(f"{name} is {value!r}: a number, not a timestamp (npscore does not guess "
                        f"its unit); give a date such as \"2025-01-31\", or "
                        f"pd.Timestamp({value!r}, unit=\"s\") for seconds since 1970-01-01 UTC")
    if isinstance(value, (bool, np.bool_, pd.Timedelta, np.timedelta64, datetime.timedelta)):
        raise TypeError(f"{name} is {value!r}: not a timestamp")
    try:
        ts = pd.Timestamp(value)
    except (OutOfBoundsDatetime, OverflowError):
        raise ValueError(f"{name} is {value!r}: {_RANGE}") from None
    except (TypeError, ValueError):
        raise ValueError(f"{name} is {value!r}: not a timestamp") from None
    if ts is pd.NaT:
        raise ValueError(f"{name} is {value!r}: not a timestamp")
    return ts


def instant(value: Any, name: str, tz: str) -> int:
    """One timestamp argument as int64 UTC nanoseconds; a naive one is read
    in `tz`."""
    ts = timestamp(value, name)
    series = pd.Series([ts])
    if ts.tzinfo is None:
        try:
            series = series.dt.tz_localize(tz)
        except (ValueError, TypeError):
            raise ValueError(f"{name} is {value!r}: {_dst_problem(series, tz)[1]}") from None
    try:
        return int(series.dt.tz_convert("UTC").dt.tz_localize(None)
                   .astype("datetime64[ns]").to_numpy().view(np.int64)[0])
    except (OutOfBoundsDatetime, OverflowError):
        raise ValueError(f"{name} is {value!r}: {_RANGE}") from None


def label(label: Any) -> str:
    """An index label as an error message shows it (numpy scalars as Python values)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


# The core's error about one row of a score or weight column ("score at row 3
# is 11: outside the scale 0..10"): its role and position.
_CORE_ROW = re.compile(r"(score|weight) at row (\d+) ")


def _default_index(index: pd.Index) -> bool:
    """True when the labels are the positions 0..n-1 (a label would repeat the row)."""
    return isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 or \
        index.equals(pd.RangeIndex(len(index)))


def _row_named(error: ValueError, signature: inspect.Signature, args: tuple, kwargs: dict,
               table: Optional[str], roles: dict) -> Optional[ValueError]:
    """`error` with the column and index label of the row it names appended,
    or None to keep it as it is (not a core row error, or nothing to add)."""
    found = _CORE_ROW.match(str(error))
    if found is None or found.group(1) not in roles:
        return None
    row = int(found.group(2))
    try:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments.get(roles[found.group(1)])
        if table is None:
            # Values paired by label (`aligned`) reach the core in the order of
            # the first pandas argument: its labels name the row.
            first = next((v for v in (bound.arguments.get(p) for p in roles.values())
                          if isinstance(v, pd.Series)), given)
            name, values = None, first
        else:
            name, values = given, as_frame(bound.arguments[table])[given]
    except (TypeError, KeyError, ValueError):
        # The call's arguments could not be read back (the function raised
        # before checking them): the caller re-raises the core's error as it is.
        return None
    parts = [] if name is None else [f"column {name!r}"]
    if isinstance(values, pd.Series) and row < len(values) and not _default_index(values.index):
        parts.append(f"index label {label(values.index[row])}")
    return ValueError(f"{error} ({', '.join(parts)})") if parts else None


_F = TypeVar("_F", bound=Callable[..., Any])


def names_rows(table: Optional[str] = None, **roles: str) -> Callable[[_F], _F]:
    """Decorator of a public function: the core's error about a row of the
    score (or weight) values, "score at row 3 is 11: outside the scale
    0..10", gains the column the user named and the row's index label when
    the rows carry labels other than 0..n-1: "... (column 'rating', index
    label 104)". `roles` maps the core's role ("score", "weight") to the
    parameter that names the column of the table parameter `table`, or,
    without `table`, to the parameter holding the values (a Series gives its
    labels). The wrapped function must hand the core the rows in the table's
    order (a function that filters rows first maps positions itself). Only
    the error path does any work: valid data costs one call frame."""
    def wrap(func: _F) -> _F:
        signature = inspect.signature(func)

        @functools.wraps(func)
        def entry(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except ValueError as e:
                if type(e) is not ValueError:
                    raise
                better = _row_named(e, signature, args, kwargs, table, roles)
                if better is None:
                    raise
                raise better from None
        return entry  # type: ignore[return-value]  # the same signature (functools.wraps)
    return wrap


def rows_of(error: ValueError, rows: np.ndarray) -> ValueError:
    """`error` about "score at row i" of a subset of the rows, renumbered to
    `rows[i]`, the row of the whole column (or `error` as it is)."""
    found = _CORE_ROW.match(str(error))
    if found is None or int(found.group(2)) >= len(rows):
        return error
    text = str(error)
    return ValueError(f"{found.group(1)} at row {int(rows[int(found.group(2))])} "
                      f"{text[found.end():]}")


def aligned(**named: Any) -> list:
    """The rule for inputs that pair rows (X and y, y_true and p, weights):
    when two or more of them are pandas objects (Series, DataFrame), their
    rows are paired by index label, never by position. Equal indexes are
    used as they are; the same labels in another order are reordered to the
    first pandas argument's order; different labels (or a reordered index
    with repeated labels) are a ValueError naming the first label missing
    on each side. numpy arrays, lists and a single pandas object pair rows
    by position. Returns the values in the order given."""
    names = list(named)
    values = list(named.values())
    framed = [k for k, v in enumerate(values) if isinstance(v, (pd.Series, pd.DataFrame))]
    if len(framed) < 2:
        return values
    first = framed[0]
    ref = values[first].index
    for k in framed[1:]:
        idx = values[k].index
        if idx.equals(ref):
            continue
        a, b = names[first], names[k]
        if ref.is_unique and idx.is_unique and len(idx) == len(ref):
            pos = idx.get_indexer(ref)
            if (pos >= 0).all():
                values[k] = values[k].iloc[pos]
                continue
        only_ref = ref.difference(idx, sort=False) if ref.is_unique else ref[~ref.isin(idx)]
        only_idx = idx.difference(ref, sort=False) if idx.is_unique else idx[~idx.isin(ref)]
        if len(only_ref) == 0 and len(only_idx) == 0:
            raise ValueError(f"{a} and {b} have the same index labels in another order, with "
                             "repeated labels, so their rows cannot be paired: give a unique "
                             "index, or numpy arrays to pair rows by position")
        parts = []
        if len(only_ref):
            parts.append(f"label {label(only_ref[0])} of {a} is not in {b}")
        if len(only_idx):
            parts.append(f"label {label(only_idx[0])} of {b} is not in {a}")
        raise ValueError(f"the indexes of {a} and {b} differ ({'; '.join(parts)}): pandas "
                         f"inputs are paired by index label; align them first (e.g. "
                         f"{b}.reindex({a}.index) or {a}.loc[common]), or give numpy arrays "
                         "to pair rows by position")
    return values


def aligned_with(table: Any, labelled: bool, table_name: str = "df", **named: Any) -> list:
    """`aligned` for values given beside a table (a column as a Series, an
    indicator frame): pandas values are paired with the table's rows by
    index label (reordered to its order, or an error naming the mismatch)
    when the table carries labels (`read_table`); beside a table without
    labels (polars, plain Arrow) or without a table, only among themselves.
    numpy arrays and lists pair by position. Returns the values of `named`
    in the order given."""
    if labelled and isinstance(table, pd.DataFrame):
        return aligned(**{table_name: table}, **named)[1:]
    return aligned(**named)


def arrow_text(x: Any) -> bool:
    """True for pandas text held in Arrow (the `str` dtype with pyarrow storage)."""
    return isinstance(x.dtype, pd.StringDtype) and x.dtype.storage == "pyarrow"


# Results of the lookups below on Arrow text, by the identity of the Arrow
# arrays they read: those arrays are immutable, and pandas columns and
# indexes share them through shallow copies, column selections and
# reset_index, so the report's stages look the same 10M customer ids up once
# instead of once per stage. An entry goes when one of its arrays does (weak
# references); at most _MEMO_SIZE are kept, the least recently used going
# first (the full columns' lookups are used again by the last stages).
# Callers get copies.
_MEMO: dict = {}
_MEMO_SIZE = 8


def _arrow_of(x: Any) -> Any:
    """The pyarrow ChunkedArray behind pandas Arrow text (a Series or Index)."""
    return x.array._pa_array


def _memo(kind: str, arrays: tuple, compute: Any) -> Any:
    key = (kind, *(id(a) for a in arrays))
    hit = _MEMO.get(key)
    if hit is not None and all(r() is a for r, a in zip(hit[0], arrays)):
        _MEMO[key] = _MEMO.pop(key)  # the most recently used is the last to go
        return hit[1]
    out = compute()
    drop = lambda _, key=key: _MEMO.pop(key, None)  # noqa: E731
    _MEMO[key] = ([weakref.ref(a, drop) for a in arrays], out)
    while len(_MEMO) > _MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    return out


def forget(kind: str) -> None:
    """Drops the shared results of one kind ("positions", "factorized"):
    for a caller that knows they are not read before a memory peak."""
    for key in [k for k in _MEMO if k[0] == kind]:
        _MEMO.pop(key, None)


def _value_set(ids: Any, kind: Any) -> Any:
    """The ids as one Arrow array of type `kind` (pyarrow's lookups want one)."""
    v = _arrow_of(ids)
    v = v.combine_chunks() if v.num_chunks != 1 else v.chunk(0)
    return v if v.type == kind else v.cast(kind)


def _hashed() -> None:
    """Hands pyarrow's freed memory back to the system after a hash of Arrow
    text: its pool (mimalloc or jemalloc) otherwise keeps the hash table's
    pages (~100 bytes per distinct value) for reuse, which count in the
    process's memory until the next hash (a few milliseconds)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


# is_unique's answers on Arrow text, by the identity of the (immutable) array,
# each going with its array.
_UNIQUE: dict = {}


def is_unique(x: Any) -> bool:
    """`x.is_unique` (a Series or Index); for pyarrow-backed text by
    pyarrow's count of distinct values (a missing value counts once), once
    per array: an Index's `is_unique` builds, and keeps with the Index, a
    hash table of a Python object per value (~140 MB for 2M ids)."""
    if not arrow_text(x):
        return bool(x.is_unique)
    import pyarrow.compute as pc

    a = _arrow_of(x)
    hit = _UNIQUE.get(id(a))
    if hit is not None and hit[0]() is a:
        return hit[1]
    out = pc.count_distinct(a, mode="all").as_py() == len(a)
    _hashed()
    _UNIQUE[id(a)] = (weakref.ref(a, lambda _, key=id(a): _UNIQUE.pop(key, None)), out)
    return out


def _signed_ints(x: Any) -> Optional[np.ndarray]:
    """`x` (a Series, Index or array) as its numpy signed integers, or None."""
    dt = getattr(x, "dtype", None)
    if not isinstance(dt, np.dtype) or dt.kind != "i":
        return None
    return np.asarray(x)


#: A table indexed by value serves integer lookups whose ids span at most
#: this many times their number (plus _DENSE_SLACK): a gather instead of a
#: hash of every value (~10x faster), at most a few bytes per id more.
_DENSE_SPAN = 4
_DENSE_SLACK = 1024


def _dense_range(ids: np.ndarray) -> Optional[tuple[int, int]]:
    """(lowest id, span) when `ids` are close enough for a table, else None."""
    if not len(ids):
        return None
    lo, hi = int(ids.min()), int(ids.max())
    limit = _DENSE_SPAN * len(ids) + _DENSE_SLACK
    if 0 <= lo and hi < limit:
        return 0, hi + 1  # from 0: values index the table as they are
    return (lo, hi - lo + 1) if hi - lo < limit else None


def _dense_gather(values: np.ndarray, table: np.ndarray, lo: int, missing: Any) -> np.ndarray:
    """table[value - lo] for each value, `missing` for values outside it."""
    if not len(values):
        return np.empty(0, dtype=table.dtype)
    if values.min() >= lo and values.max() < lo + len(table):
        return table[values - lo] if lo else table[values]
    inside = (values >= lo) & (values < lo + len(table))
    out = np.full(len(values), missing, dtype=table.dtype)
    out[inside] = table[values[inside] - lo]
    return out


def _dense_positions(values: Any, ids: Any) -> Optional[np.ndarray]:
    """`positions` of integer values among close, unique integer ids by a
    table indexed by id; None where that does not apply (duplicate ids
    included: the hash lookup names them)."""
    v, i = _signed_ints(values), _signed_ints(ids)
    if v is None or i is None or (r := _dense_range(i)) is None:
        return None
    lo, span = r
    table = np.full(span, -1, dtype=np.intp)
    table[i - lo] = np.arange(len(i), dtype=np.intp)
    if np.count_nonzero(table >= 0) != len(i):
        return None
    return _dense_gather(v, table, lo, -1)


def positions(values: Any, ids: Any, *, read_only: bool = False) -> np.ndarray:
    """For each of `values` (a Series or Index), its position in the unique
    `ids` (-1 if absent), as `pd.Index(ids).get_indexer(values)`; with
    pyarrow-backed text on both sides, by pyarrow's hash lookup (pandas
    converts every value to a Python object first), shared by every caller
    on the same arrays: a copy, or with `read_only` the shared array itself
    (no copy of 10M positions for a caller that only reads them)."""
    if arrow_text(values) and arrow_text(ids):
        import pyarrow.compute as pc

        a, v = _arrow_of(values), _arrow_of(ids)

        def lookup() -> np.ndarray:
            found = pc.index_in(a, value_set=_value_set(ids, a.type))
            pos = np.asarray(found.fill_null(-1).to_numpy(), dtype=np.intp)
            pos.flags.writeable = False
            _hashed()
            return pos
        pos = _memo("positions", (a, v), lookup)
        return pos if read_only else pos.copy()
    dense = _dense_positions(values, ids)
    return dense if dense is not None else pd.Index(ids).get_indexer(values)


def _found_positions(a: Any) -> Optional[np.ndarray]:
    """A shared `positions` result of Arrow array `a` among unique ids in
    which every value was found (distinct values at distinct positions), or
    None."""
    for key, (refs, pos) in list(_MEMO.items()):
        if key[0] == "positions" and refs[0]() is a and len(pos) and pos.min() >= 0:
            return pos
    return None


def factorized(values: pd.Series, *, read_only: bool = False) -> np.ndarray:
    """`pd.factorize(values, use_na_sentinel=False)[0]` (a missing value is a
    code of its own), as int64, shared by every caller on the same Arrow
    text: a copy, or with `read_only` the shared array itself (no copy of
    10M codes for a caller that only reads them)."""
    if not arrow_text(values):
        return pd.factorize(values, use_na_sentinel=False)[0].astype(np.int64)

    def compute() -> np.ndarray:
        # Looked up already among unique ids, every value found: the same
        # codes from those positions (integers hash ~10x faster than text).
        pos = _found_positions(_arrow_of(values))
        codes = pd.factorize(values if pos is None else pos,
                             use_na_sentinel=False)[0].astype(np.int64)
        codes.flags.writeable = False
        return codes
    codes = _memo("factorized", (_arrow_of(values),), compute)
    return codes if read_only else codes.copy()


def isin(values: Any, ids: Any) -> np.ndarray:
    """`values.isin(ids)` as a numpy bool array (a missing value is in `ids`
    when `ids` has one); with pyarrow-backed text on both sides, by
    pyarrow's hash lookup (pandas converts every id to a Python object
    first)."""
    if arrow_text(values) and arrow_text(ids):
        import pyarrow.compute as pc

        a = _arrow_of(values)
        found = pc.is_in(a, value_set=_value_set(ids, a.type), skip_nulls=False)
        out = np.asarray(found.fill_null(False).to_numpy(), dtype=bool)
        del found
        _hashed()
        return out
    v, i = _signed_ints(values), _signed_ints(ids)
    if v is not None and i is not None and (r := _dense_range(i)) is not None:
        mark = np.zeros(r[1], dtype=bool)
        mark[i - r[0]] = True
        return _dense_gather(v, mark, r[0], False)
    return np.asarray(pd.Series(values).isin(ids), dtype=bool)
