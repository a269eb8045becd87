"""Survey planning: whom to invite this period, and how many answers are enough.

`invitations` applies the invitation rules to a customer table: a customer is
invited iff not churned, without an open case, not surveyed within
`min_days_between` days (default 90, to limit survey fatigue), and in this
month's cohort. Customers fall into `cohorts` rotating cohorts (default 4: a
different 25% each month) by a stable hash of the customer id, the same in
C++, C, Go, Rust and Python (docs/survey.md). `responses_needed`,
`detectable_change` and `invitations_needed` size a survey. Everything is
computed by the C++ core (npscore/survey.h).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import aligned_with, arrow_text, column, instant, read_table, utc_nanos
from ._types import Method

__all__ = [
    "DEFAULT_MIN_DAYS_BETWEEN", "DEFAULT_COHORTS", "REASONS", "invitations", "cohort",
    "responses_needed", "detectable_change", "invitations_needed",
]

_DEFAULTS = _npscore.defaults

#: Days between two surveys of a customer (the core's default, 90).
DEFAULT_MIN_DAYS_BETWEEN: float = _DEFAULTS["min_days_between"]
#: Rotating cohorts (the core's default, 4: a different 25% each month).
DEFAULT_COHORTS: int = _DEFAULTS["cohorts"]
#: The reasons of `invitations`, in the order the rules apply.
REASONS: tuple[str, ...] = tuple(_npscore.survey_reason_names())

_SHARE_NAMES = ("detractors", "passives", "promoters")


# --- Inputs ----------------------------------------------------------------------


def _ids(values: pd.Series, name: str) -> Union[np.ndarray, list]:
    """Customer ids as an int64 array (integer columns, whole floats) or a
    list of str (text; integers among text become their decimal text, which
    is how the core hashes an integer id). Missing ids are errors naming the
    row."""
    dt = values.dtype
    if pd.api.types.is_bool_dtype(dt):
        raise TypeError(f"{name} holds booleans ({dt}): customer ids must be integers or strings")
    if pd.api.types.is_integer_dtype(dt) and not isinstance(dt, pd.CategoricalDtype):
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise ValueError(f"{name} at row {row} is missing: every customer needs an id")
        if pd.api.types.is_unsigned_integer_dtype(dt) and len(values) and \
                int(values.max()) > _args.INT64_MAX:
            row = int(np.argmax(values.to_numpy() > _args.INT64_MAX))
            raise ValueError(f"{name} at row {row} is {values.iloc[row]}: beyond int64")
        return np.ascontiguousarray(values.to_numpy(dtype=np.int64))
    if pd.api.types.is_float_dtype(dt):
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = ~np.isfinite(arr) | (arr != np.floor(arr)) | (np.abs(arr) >= 2.0**63)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            what = "missing" if np.isnan(arr[row]) else f"{float(arr[row])!r}, not a whole number"
            raise ValueError(f"{name} at row {row} is {what}: every customer needs an id "
                             "(an integer or a string)")
        return np.ascontiguousarray(arr.astype(np.int64))
    if arrow_text(values) and not values.hasnans:
        import pyarrow.compute as pc

        a = values.array._pa_array  # every value a str: only empty ones to look for
        empty = np.flatnonzero(pc.equal(pc.utf8_length(a), 0).to_numpy(zero_copy_only=False))
        if len(empty):
            raise ValueError(f"{name} at row {int(empty[0])} is missing (empty): every customer "
                             "needs an id")
        return a.to_pylist()
    out = []
    for row, v in enumerate(values.to_numpy(dtype=object)):
        if isinstance(v, str):
            if not v:
                raise ValueError(f"{name} at row {row} is missing (empty): every customer "
                                 "needs an id")
            out.append(v)
        elif isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)):
            out.append(str(int(v)))
        elif v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            raise ValueError(f"{name} at row {row} is missing: every customer needs an id")
        else:
            raise TypeError(f"{name} at row {row} is {_args.shown(v)} "
                            f"({type(v).__name__}): customer ids must be integers or strings")
    return out


def _flags(values: Any, name: str) -> np.ndarray:
    """A yes/no column (bool, or 0/1) as uint8; missing or other values are
    errors naming the row."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    missing = s.isna().to_numpy()
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        raise ValueError(f"{name} at row {row} is missing: give True or False for every customer")
    if pd.api.types.is_bool_dtype(s.dtype):
        return np.ascontiguousarray(s.to_numpy(dtype=bool).astype(np.uint8))
    arr = s.to_numpy(dtype=object)
    for row, v in enumerate(arr):
        if isinstance(v, (bool, np.bool_)):
            continue
        if _args.is_number(v) and v in (0, 1):
            continue
        raise ValueError(f"{name} at row {row} is {_args.shown(v)}: it must be True or False "
                         "(or 1 / 0)")
    return np.fromiter((bool(v) for v in arr), dtype=np.uint8, count=len(arr))


def _column_or_values(df: pd.DataFrame, arg: Any, name: str, hint: str) -> Any:
    """df[arg] for a column name (a missing column is an error with `hint`),
    else `arg` itself (values, one per customer)."""
    if isinstance(arg, str):
        if arg not in df.columns:
            raise ValueError(f"{name} column {arg!r} not found; columns are "
                             f"{list(map(str, df.columns))}: {hint}")
        return column(df, arg, name)
    return _args.materialize(arg, name)


def _shares(shares: Any) -> tuple[float, float, float]:
    """Expected shares: a mapping with keys detractors, passives, promoters,
    or a sequence of the three in that order. The core checks the ranges."""
    if isinstance(shares, Mapping):
        unknown = [k for k in shares if k not in _SHARE_NAMES]
        lacking = [k for k in _SHARE_NAMES if k not in shares]
        if unknown or lacking:
            raise ValueError(f"shares must have the keys {list(_SHARE_NAMES)}"
                             + (f"; unknown {unknown}" if unknown else "")
                             + (f"; lacking {lacking}" if lacking else ""))
        values = [shares[k] for k in _SHARE_NAMES]
    elif isinstance(shares, (list, tuple, np.ndarray, pd.Series)) and len(shares) == 3:
        values = list(shares)
    else:
        raise TypeError("shares must be (detractors, passives, promoters) or a mapping with "
                        f"those keys, got {_args.shown(shares)}")
    return tuple(_args.number(v, f"shares[{k!r}]") for k, v in zip(_SHARE_NAMES, values))


# --- Whom to invite ------------------------------------------------------------------


def invitations(
    customers: Any,
    *,
    customer: Any = "customer_id",
    last_surveyed: Any = "last_surveyed_at",
    churned: Any = "churned",
    open_case: Any = "open_case",
    as_of: Any,
    min_days_between: float = DEFAULT_MIN_DAYS_BETWEEN,
    cohorts: int = DEFAULT_COHORTS,
    tz: str = "UTC",
) -> pd.DataFrame:
    """Whom to invite to a survey as of `as_of`, one row per customer.

    A customer is invited iff all of these hold, checked in this order (the
    first that fails is the `reason`): not churned ("churned"), no open case
    ("open_case"), not surveyed within `min_days_between` days of 24 hours
    ("too_recent": as_of - last_surveyed < min_days_between days), and in
    this month's cohort ("not_this_cohort"); otherwise the reason is
    "invited". The cohort is a stable hash of the customer id mod `cohorts`
    (docs/survey.md gives the hash, so other languages agree); the cohort of
    a month is its index since 1970-01 (the month of `as_of` in `tz`) mod
    `cohorts`.

    `customers` is a table (pandas, polars, pyarrow) with one row per
    customer; `customer` names its id column (integers or strings; an
    integer id hashes as its decimal text, so 42 and "42" agree; a repeated
    id is an error naming both rows). `last_surveyed`, `churned` and
    `open_case` name columns (last_surveyed: times, NaT for never, naive
    times read in `tz`, none after as_of; churned, open_case: True/False),
    or give the values (pandas values pair with the table by index), or are
    None (never surveyed; nobody churned; no case open).

    Returns a DataFrame with the table's index and the columns `customer`
    (the id), `cohort`, `invite` (bool) and `reason` (categorical, categories
    `REASONS`); attrs holds `counts` (customers by reason), `month`
    ("YYYY-MM"), `period_cohort`, `cohorts` and `min_days_between`.
    """
    tz = _args.time_zone(tz)
    df, labelled = read_table(customers, "customers")
    ids = _ids(column(df, customer, "customer"), "customer")
    hints = {
        "last_surveyed": "pass last_surveyed=None if no customer was surveyed",
        "churned": "pass churned=None if no customer has churned",
        "open_case": "pass open_case=None if no case is open",
    }
    given = {}
    for name, arg in (("last_surveyed", last_surveyed), ("churned", churned),
                      ("open_case", open_case)):
        if arg is not None:
            given[name] = _column_or_values(df, arg, name, hints[name])
    aligned = aligned_with(df, labelled, "customers", **given)
    given = dict(zip(given, aligned))
    n = len(df)
    for name, values in given.items():
        if len(values) != n:
            raise ValueError(f"{name} has {len(values)} values but customers has {n} rows")
    last = None
    if "last_surveyed" in given:
        v = given["last_surveyed"]
        v = v.reset_index(drop=True) if isinstance(v, pd.Series) else pd.Series(v)
        last = utc_nanos(v, "last_surveyed", tz)
    flags = {name: _flags(given[name], name) for name in ("churned", "open_case") if name in given}
    at = instant(as_of, "as_of", tz)
    days = _args.number(min_days_between, "min_days_between")
    k = _args.whole(cohorts, "cohorts", minimum=1, maximum=_args.limit("cohorts"))
    r = _npscore.survey_invitations(ids, last, flags.get("churned"), flags.get("open_case"), at,
                                    days, k, tz)
    reason = pd.Categorical.from_codes(r["reason"].astype(np.int64), categories=list(REASONS))
    out = pd.DataFrame({
        "customer": column(df, customer, "customer").to_numpy(),
        "cohort": r["cohort"],
        "invite": r["reason"] == 0,
        "reason": reason,
    }, index=df.index)
    month = r["month"]
    out.attrs.update({
        "counts": dict(zip(REASONS, (int(c) for c in r["counts"]))),
        "month": f"{1970 + month // 12:04d}-{month % 12 + 1:02d}",
        "period_cohort": int(r["period_cohort"]),
        "cohorts": k,
        "min_days_between": days,
    })
    return out


def cohort(ids: Any, *, cohorts: int = DEFAULT_COHORTS) -> Union[np.ndarray, pd.Series]:
    """The cohort (0..cohorts-1) of each customer id: the id's stable hash
    mod `cohorts` (docs/survey.md). `ids` is a column of integers or strings
    (a Series gives a Series with its index)."""
    k = _args.whole(cohorts, "cohorts", minimum=1, maximum=_args.limit("cohorts"))
    values = _args.materialize(ids, "ids")
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise TypeError(f"ids must be a column of customer ids, got {_args.shown(values)}")
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    codes, _ = _npscore.survey_cohorts(_ids(s, "ids"), k)
    return pd.Series(codes, index=s.index, name="cohort") if isinstance(values, pd.Series) \
        else codes


# --- How many answers are enough ----------------------------------------------------------


def responses_needed(
    margin: float,
    shares: Any,
    *,
    method: Method = _DEFAULTS["method"],
    confidence: float = _DEFAULTS["confidence"],
) -> int:
    """The smallest number of responses whose NPS interval (`method`, at
    `confidence`) computed from the expected counts n x shares lies within
    +-`margin` NPS points of the expected NPS. `shares` are the expected
    (detractors, passives, promoters) shares, adding up to 1 (or a mapping
    with those keys). Wald: n = ceil(z^2 V 10^4 / margin^2), V = p + d -
    (p - d)^2."""
    d, pa, p = _shares(shares)
    _args.shared(method=method, confidence=confidence)
    n, _ = _npscore.survey_responses_needed(d, pa, p, _args.number(margin, "margin"), method,
                                            confidence)
    return int(n)


def detectable_change(
    n1: int,
    n2: int,
    shares: Any,
    *,
    alpha: float = _DEFAULTS["survey_alpha"],
    power: float = _DEFAULTS["survey_power"],
) -> float:
    """The smallest NPS change (points) between two periods of `n1` and `n2`
    responses that a two-sided test at level `alpha` detects with
    probability `power`, by the normal approximation (z_{1-alpha/2} +
    z_power) x 100 x sqrt(V/n1 + V/n2), V = p + d - (p - d)^2 from the
    expected shares (detractors, passives, promoters)."""
    d, pa, p = _shares(shares)
    big = _args.limit("planned_count", _args.INT64_MAX)
    a = _args.whole(n1, "n1", minimum=1, maximum=big)
    b = _args.whole(n2, "n2", minimum=1, maximum=big)
    return float(_npscore.survey_detectable_change(d, pa, p, a, b, _args.number(alpha, "alpha"),
                                                   _args.number(power, "power")))


def invitations_needed(
    responses: int,
    response_rate: float,
    assurance: float = _DEFAULTS["survey_assurance"],
) -> int:
    """The smallest number of invitations N such that P(Binomial(N,
    response_rate) >= responses) >= assurance (exact binomial; assurance 0.5:
    the median response count reaches the target)."""
    r = _args.whole(responses, "responses", minimum=0,
                    maximum=_args.limit("planned_count", _args.INT64_MAX))
    return int(_npscore.survey_invitations_needed(r, _args.number(response_rate, "response_rate"),
                                                  _args.number(assurance, "assurance")))
