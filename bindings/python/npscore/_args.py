"""Checks of scalar arguments: sizes, numbers, flags, option strings, time
zones, mappings and column lists.

Each check raises before pybind11 or pandas see the value, with a message
that names the argument (``threads is 1099511627776: it must be at most
...``) instead of theirs ("incompatible function arguments", "cannot convert
float NaN to integer"). Upper bounds are the core's own (the compiled
module's ``limits``, read from the C++ headers) or, where the core has none,
the range of the C type the value is passed as; the core then checks
in-range values itself.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator
import re
from typing import Any, Iterable, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from . import _npscore

# A string that is only a number: pandas would read "3" as 3 nanoseconds.
_BARE_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

#: The core's documented bounds (npscore/*.h) that the Python layer checks
#: before converting: name -> largest allowed value.
LIMITS: dict = dict(getattr(_npscore, "limits", {}))


def limit(name: str, default: int = INT32_MAX) -> int:
    """The core's bound `name`, or `default` (the C type's range) when the
    core declares none."""
    return int(LIMITS.get(name, default))


def counted(n: float, noun: str) -> str:
    """ "1 row", "2 rows", "1,234 rows": a count with its noun (plural with s)."""
    return f"{n:,.0f} {noun}" + ("" if n == 1 else "s")


def shown(value: Any) -> str:
    """repr(value), cut to 60 characters (a message names a value, it does
    not print a column)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_bool(value: Any) -> bool:
    return isinstance(value, (bool, np.bool_))


def is_number(value: Any) -> bool:
    """A real number, not a bool and not a numpy duration (np.timedelta64
    subclasses numpy's integers)."""
    return (isinstance(value, numbers.Real) and not _is_bool(value)
            and not isinstance(value, np.timedelta64))


def whole(value: Any, name: str, *, minimum: Optional[int] = 1,
          maximum: Optional[int] = INT32_MAX, none: bool = False,
          hint: str = "") -> Optional[int]:
    """`value` as an int: ints of any type, or floats that are whole. Bools,
    text, NaN and fractions are errors naming `name`; so are values below
    `minimum` or above `maximum` (None: not checked here, the core checks
    and words it). `hint` follows the rule in the message, e.g.
    " (0: one per core)"."""
    if value is None and none:
        return None
    rule = "a whole number" + ("" if minimum is None else f" >= {minimum}") + hint
    if not is_number(value):
        raise TypeError(f"{name} must be {rule}, got {shown(value)}")
    try:
        v = operator.index(value)
    except TypeError:
        f = float(value)
        if not math.isfinite(f) or not f.is_integer():
            text = "NaN" if math.isnan(f) else shown(value)
            raise ValueError(f"{name} is {text}: it must be {rule}") from None
        v = int(f)
    if minimum is not None and v < minimum:
        raise ValueError(f"{name} is {v}: it must be {rule}")
    if minimum is None and maximum is not None and v < -maximum - 1:
        raise ValueError(f"{name} is {v}: it must be at least {-maximum - 1}")
    if maximum is not None and v > maximum:
        raise ValueError(f"{name} is {v}: it must be at most {maximum}")
    return v


def number(value: Any, name: str, *, none: bool = False, finite: bool = False,
           lower: Optional[float] = None, upper: Optional[float] = None,
           lower_open: bool = False, upper_open: bool = False) -> Optional[float]:
    """`value` as a float (any real number but a bool). With `finite`,
    `lower` or `upper` the range is checked here (NaN fails it); otherwise
    the core checks the range and names the value itself."""
    if value is None and none:
        return None
    if not is_number(value):
        raise TypeError(f"{name} must be a number, got {shown(value)}")
    try:
        f = float(value)
    except OverflowError:
        raise ValueError(f"{name} is {shown(value)}: too large to be a number") from None
    rule = []
    if finite:
        rule.append("finite")
    if lower is not None:
        rule.append(f"{'>' if lower_open else '>='} {lower:g}")
    if upper is not None:
        rule.append(f"{'<' if upper_open else '<='} {upper:g}")
    ok = (not rule or not math.isnan(f)) and (not finite or math.isfinite(f))
    ok = ok and (lower is None or f > lower or (f == lower and not lower_open))
    ok = ok and (upper is None or f < upper or (f == upper and not upper_open))
    if not ok:
        text = "NaN" if math.isnan(f) else shown(value)
        raise ValueError(f"{name} is {text}: it must be {' and '.join(rule)}")
    return f


def flag(value: Any, name: str) -> bool:
    """A yes/no argument: True/False (numpy's too) or 0/1."""
    if _is_bool(value):
        return bool(value)
    if isinstance(value, numbers.Integral) and int(value) in (0, 1):
        return bool(value)
    raise TypeError(f"{name} must be True or False, got {shown(value)}")


def duration(value: Any, name: str) -> pd.Timedelta:
    """A duration argument: a pandas Timedelta, a timedelta or a string such
    as "30D" / "12h". Bare numbers have no unit and are errors."""
    example = 'give a duration such as "30D" or pd.Timedelta(days=30)'
    if value is None or _is_bool(value):
        raise TypeError(f"{name} is {shown(value)}: {example}")
    if is_number(value) or (isinstance(value, str) and _BARE_NUMBER.fullmatch(value)):
        raise TypeError(f"{name} is {shown(value)}: {example} (a number has no unit)")
    try:
        t = pd.Timedelta(value)
    except (ValueError, TypeError, OverflowError):  # pandas' OutOfBoundsTimedelta too
        raise ValueError(f"{name} is {shown(value)}: {example} (within about 292 years)") from None
    if t is pd.NaT:
        raise ValueError(f"{name} is {shown(value)}: {example}")
    return t


def option(value: Any, name: str, choices: Optional[Sequence[str]] = None) -> str:
    """An option given as a string. With `choices` the value is checked
    here; otherwise the core parses it and lists the choices itself."""
    quoted = [f'"{c}"' for c in choices or ()]
    listed = (", ".join(quoted[:-1]) + " or " + quoted[-1]) if len(quoted) > 1 else "".join(quoted)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string{' (' + listed + ')' if listed else ''}, "
                        f"got {shown(value)}")
    if choices is not None and value not in choices:
        raise ValueError(f'{name} is "{value}": use {listed}')
    return value


@functools.lru_cache(maxsize=64)
def _known_zone(tz: str) -> str:
    # The core decides what a zone name is (an IANA name, no paths); only
    # names it accepted are cached, so the cache stays small and bounded.
    _npscore.period_grid(0, 0, "D", tz)
    return tz


def time_zone(tz: Any, name: str = "tz") -> str:
    """A time-zone name, checked by the core before pandas reads naive
    times in it."""
    if not isinstance(tz, str):
        raise TypeError(f"{name} must be an IANA time-zone name such as \"Europe/Berlin\" or "
                        f"\"UTC\", got {shown(tz)}")
    try:
        return _known_zone(tz)
    except ValueError as e:
        # The core names its own argument ("time_zone ..."): name the caller's.
        text = str(e)
        core = "time_zone "
        raise ValueError(f"{name} {text[len(core):]}" if text.startswith(core)
                         else f"{name}: {text}") from None


def mapping(value: Any, name: str, what: str) -> dict:
    """A mapping argument (None: empty) as a dict; `what` describes it, e.g.
    "{threshold: value}"."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping {what}, got {type(value).__name__} "
                        f"{shown(value)}")
    return dict(value)


def frame(df: Any, name: str) -> pd.DataFrame:
    """`df` as a pandas DataFrame (polars, pyarrow and Arrow PyCapsule tables
    are converted: `_convert.as_frame`), else a TypeError naming `name`."""
    from ._convert import as_frame  # _convert imports this module

    return as_frame(df, name)


def labels(value: Any, name: str, *, empty: bool = True) -> list:
    """Column labels: one label (a string, or any hashable scalar such as an
    int column name) or a list / tuple of them; None is no column. A label
    given twice is an error."""
    if value is None:
        out: list = []
    elif isinstance(value, (list, tuple, pd.Index, np.ndarray, pd.Series)):
        out = list(value)
    elif isinstance(value, (Mapping, set, frozenset)) or not _hashable(value):
        raise TypeError(f"{name} must be a column name or a list of column names, "
                        f"got {type(value).__name__}")
    else:
        out = [value]
    for v in out:
        if not _hashable(v):
            raise TypeError(f"{name} must list column names, got {shown(v)}")
    if not empty and not out:
        raise ValueError(f"{name} must name at least one column")
    seen = set()
    for v in out:
        if v in seen:
            raise ValueError(f"{name} names column {shown(v)} twice")
        seen.add(v)
    return out


def _hashable(v: Any) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def materialize(values: Any, name: str) -> Any:
    """Iterators and generators (one pass only) as a list, so that rows can
    be counted and named; sets and mappings (no row order) are errors;
    polars and Arrow columns as numpy or pandas (`_convert.foreign_column`).
    Anything else is returned as it is."""
    from ._convert import foreign_column  # _convert imports this module

    values = foreign_column(values)
    if isinstance(values, (set, frozenset, Mapping)):
        raise TypeError(f"{name} must be an ordered sequence (a list, array or Series), "
                        f"got a {type(values).__name__}")
    if isinstance(values, (str, bytes, np.ndarray, pd.Series, pd.Index, pd.DataFrame,
                           list, tuple)):
        return values
    if isinstance(values, Iterable) and not hasattr(values, "__len__"):
        return list(values)
    return values


# The arguments many functions share, by name: how each is checked.
_SHARED = {"method": option, "missing": option, "adjust": option, "freq": option,
           "how": option, "confidence": number, "min_n": number}


def shared(**kwargs: Any) -> None:
    """Type-checks arguments shared across the API (method, missing, adjust,
    freq, how, confidence, min_n) by their names; the core parses and
    range-checks them."""
    for name, value in kwargs.items():
        _SHARED[name](value, name)
