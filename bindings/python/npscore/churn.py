"""npscore.churn: see npscore/churn.h for the C++ core."""

# --- Features ---
#
# Signals from NPS history as of a date, churn labels over a horizon after it,
# and the train-on-earlier / test-on-later protocol (`time_split`, `backtest`).
# The per-customer computation is the core's (ComputeChurnFeatures in
# npscore/churn.h); this layer converts columns, names and fills the result.

import base64 as _base64
import dataclasses as _dataclasses
from typing import Any as _Any, Callable as _Callable, Optional as _Optional, \
    Sequence as _Sequence

import numpy as _np
import pandas as _pd

from . import _npscore
from . import _args
from . import _convert
from ._convert import as_cutoffs as _as_cutoffs, as_scores as _as_scores, column as _column
from ._convert import as_weights as _as_weights, instant as _convert_instant
from ._groups import is_int_key as _is_int_key
from ._convert import is_unique as _is_unique, positions as _positions, utc_nanos as _utc_nanos
from .nps import DEFAULT_CUTOFFS as _DEFAULT_CUTOFFS
from ._types import Missing as _Missing, UnknownCustomer as _UnknownCustomer

#: Days after sign-up within which a detractor answer is "early-life"
#: (docs/sources.md section 5, 002: detractors in their first 7-10 days churn 40-50%
#: within 90 days).
DEFAULT_EARLY_LIFE_DAYS: float = _npscore.defaults["early_life_days"]

_NS_PER_DAY = 86_400 * 10**9
_NAT = _np.iinfo(_np.int64).min

#: What each column of `churn_features` means (values as of `as_of`). The
#: names are the core's (npscore/churn.h kChurnFeatureColumnNames), in order.
FEATURES = dict(zip(_npscore.churn_feature_columns(), (
    "1 if the customer answered at or before as_of",
    "responses at or before as_of",
    "the latest score",
    "1 if the latest score is a detractor's",
    "1 if the latest score is a passive's (promoter is the reference level)",
    "latest score minus the one before (0 with fewer than two responses)",
    "latest segment minus the one before, -2..2 (-1: e.g. promoter to passive)",
    "mean of the scores",
    "lowest score",
    "share of the responses that were detractor answers",
    "days from the latest response to as_of",
    "days from sign-up to the latest response",
    "days from sign-up to as_of",
    "1 if the latest response is a detractor answer given within early_life_days of sign-up",
    "days the latest response, a detractor answer, has waited without a follow-up (0 if "
    "followed up or not a detractor)",
    "1 if the latest response is a detractor answer followed up by as_of",
    "days its follow-up took (0 when there is none)",
)), **{"theme=<name>": "1 if the latest response mentions the theme (with `themes`)"})

#: The key of ``churn_features(...).attrs`` holding the frame's design (the
#: core's ChurnDesign, serialised and base64-encoded so that the attrs stay
#: JSON- and Arrow-safe); ``ChurnModel.fit`` reads it, so the fitted model
#: carries its design into the model file.
DESIGN_ATTR = "churn_design"


def _instant(value: _Any, name: str, tz: str) -> int:
    """One timestamp as int64 UTC ns (naive values read in `tz`)."""
    return _convert_instant(value, name, _args.time_zone(tz))


def _horizon_ns(horizon_days: _Any) -> int:
    """A horizon in days (finite, > 0) as nanoseconds; one that no time can
    hold is an error naming it."""
    most = float(_args.LIMITS.get("horizon_days", _args.INT64_MAX // _NS_PER_DAY))
    days = _args.number(horizon_days, "horizon_days", finite=True, lower=0, lower_open=True,
                        upper=most)
    return int(round(days * _NS_PER_DAY))


def _as_frame(df: _Any, name: str) -> _pd.DataFrame:
    """A table of any accepted kind (pandas, polars, pyarrow, Arrow PyCapsule) as
    pandas (docs/python-inputs.md)."""
    return _convert.as_frame(df, name)


def _customer_codes(resp_ids: _pd.Series, table_ids: _pd.Series, customer: str,
                    unknown: str) -> tuple:
    """(response customer ids, table ids) as int64 for the core: positions
    in the table (-1: unknown, reported here by row and id unless skipped),
    or the ids themselves for integer keys too far apart for a table of
    them (_convert's dense lookup)."""
    if table_ids.isna().any():
        row = int(_np.flatnonzero(table_ids.isna().to_numpy())[0])
        raise ValueError(f"customers column {customer!r} at row {row} is missing")
    dense = _convert._dense_positions(resp_ids, table_ids)  # close unique integer ids
    if dense is not None and unknown == "error" and dense.min(initial=0) < 0:
        dense = None  # the core names the first bad row, whatever is wrong with it
    if dense is None and _is_int_key(resp_ids) and _is_int_key(table_ids):
        return (_np.ascontiguousarray(resp_ids.to_numpy(), dtype=_np.int64),
                _np.ascontiguousarray(table_ids.to_numpy(), dtype=_np.int64))
    if dense is None and not _is_unique(table_ids):  # by pyarrow for Arrow text
        index = _pd.Index(table_ids)
        dup = index.duplicated(keep=False)
        rows = _np.flatnonzero(dup)
        first = index[rows[0]]
        second = rows[1:][index[rows[1:]] == first][0]
        raise ValueError(f"customer id {first!r} appears twice in the customer table "
                         f"(rows {rows[0]} and {second})")
    codes = dense if dense is not None else \
        _positions(resp_ids, table_ids, read_only=True)  # the shared lookup: no copy
    if unknown == "error" and (codes < 0).any():
        row = int(_np.flatnonzero(codes < 0)[0])
        raise ValueError(f"customer {resp_ids.iloc[row]!r} at row {row} is not in the customer "
                         "table; ask to skip such rows with unknown=\"skip\"")
    return (_np.ascontiguousarray(codes, dtype=_np.int64),
            _np.arange(len(table_ids), dtype=_np.int64))


def _user_columns(customers: _pd.DataFrame, columns: _Sequence[str], keep: _np.ndarray,
                  customer: str) -> tuple:
    """The user's columns for the core's design: (spec, numeric, codes), one
    entry each per column. Numbers are copied (finite for the kept
    customers); categories are one-hot encoded by the core ("plan=enterprise")
    with the first level (the categorical's first category, else the smallest
    value) as reference, from level codes per customer (-1: missing), and a
    "<name>=<missing>" column when a kept customer's value is missing."""
    spec: list = []
    numeric: list = []
    codes: list = []
    for name in columns:
        col = _column(customers, name, "feature")
        dt = col.dtype
        if (_pd.api.types.is_numeric_dtype(dt) and not _pd.api.types.is_bool_dtype(dt)
                and not isinstance(dt, _pd.CategoricalDtype)):
            everyone = _np.ascontiguousarray(col.to_numpy(dtype=_np.float64, na_value=_np.nan))
            values = everyone[keep]
            bad = ~_np.isfinite(values)
            if bad.any():
                row = int(_np.flatnonzero(keep)[_np.flatnonzero(bad)[0]])
                raise ValueError(f"customers column {name!r} at row {row} (customer "
                                 f"{customers[customer].iloc[row]!r}) is {values[bad][0]}: "
                                 "numeric columns must be finite; fill them first")
            spec.append((f"{name}", False, [], False))
            numeric.append(everyone)
            codes.append(None)
            continue
        if isinstance(dt, _pd.CategoricalDtype):
            levels = list(dt.categories)
            code = col.cat.codes.to_numpy()
        else:
            # Codes of the distinct values (missing: -1), renumbered in the
            # levels' sorted order: no per-row Python objects.
            first, distinct = _pd.factorize(col)
            distinct = list(_np.asarray(distinct, dtype=object))
            order = sorted(range(len(distinct)), key=lambda i: (str(type(distinct[i])), distinct[i]))
            levels = [distinct[i] for i in order]
            rank = _np.empty(len(order), dtype=_np.int64)
            rank[order] = _np.arange(len(order))
            code = _np.where(first >= 0, rank[_np.maximum(first, 0)] if len(order) else -1, -1)
        missing = bool(col[keep].isna().any())
        if not levels and not missing:
            continue  # no value at all: no column
        spec.append((f"{name}", True, [f"{level}" for level in levels], missing))
        numeric.append(None)
        codes.append(_np.ascontiguousarray(code, dtype=_np.int32))
    return spec, numeric, codes


def _snapshot(customers: _pd.DataFrame, customer: str, valid_from: str,
              columns: _Sequence[str], t_as_of: int, tz: str) -> _pd.DataFrame:
    """The customer table as of t_as_of: one row per customer (its first
    row, for the id and sign-up), each user column from the customer's latest
    row valid by then (NaT: always valid; none: missing)."""
    vf = _utc_nanos(_column(customers, valid_from, "valid-from"),
                    f"customers column {valid_from!r}", tz)
    ids = _column(customers, customer, "customer")
    table = customers.loc[~ids.duplicated(keep="first").to_numpy()].reset_index(drop=True)
    ok = vf <= t_as_of
    valid = customers.loc[ok]
    latest = valid.iloc[_np.argsort(vf[ok], kind="stable")]
    latest = latest.drop_duplicates(customer, keep="last").set_index(customer)
    for name in columns:
        _column(customers, name, "feature")
        table[name] = latest[name].reindex(table[customer].to_numpy()).set_axis(table.index)
    return table


def _theme_flags(values: _pd.Series, name: str) -> _np.ndarray:
    """A theme indicator column as 0.0 / 1.0 (missing = 0); other values are
    an error naming the row."""
    flags = values.astype("Float64").fillna(0).to_numpy(dtype=_np.float64) \
        if not _pd.api.types.is_bool_dtype(values.dtype) else \
        values.fillna(False).to_numpy(dtype=_np.float64)
    bad = (flags != 0) & (flags != 1)
    if bad.any():
        row = int(_np.flatnonzero(bad)[0])
        raise ValueError(f"theme column {name!r} at row {row} is {values.iloc[row]}: "
                         "theme indicators must be 0/1 or booleans")
    return flags


@_convert.names_rows("responses", score="score")
def churn_features(
    responses: _pd.DataFrame,
    customers: _Optional[_pd.DataFrame] = None,
    *,
    as_of: _Any,
    customer: str = "customer_id",
    score: str = "score",
    time: str = "responded_at",
    followed_up: _Optional[str] = None,
    signup: _Optional[str] = None,
    columns: _Optional[_Sequence[str]] = None,
    static_columns: bool = False,
    valid_from: _Optional[str] = None,
    themes: _Any = None,
    early_life_days: float = DEFAULT_EARLY_LIFE_DAYS,
    tz: str = "UTC",
    missing: _Missing = "error",
    unknown: _UnknownCustomer = "error",
    fill: bool = True,
    cutoffs: _Any = _DEFAULT_CUTOFFS,
) -> _pd.DataFrame:
    """Churn signals from NPS history as of `as_of`: one row per customer.

    Only responses with ``time <= as_of`` count, and a follow-up counts only
    if it happened by `as_of`: the features are what was known then, so a
    model trained on them does not see the future.

    Parameters
    ----------
    responses : one row per response, with the `customer`, `score` and
        `time` columns (and the `followed_up` time column when given: when
        the customer was contacted about the response; NaT = not yet). Of a
        customer's answers at the same instant the later row is the later
        (npscore's tie rule, as in `npscore.priority.latest_responses`).
    customers : one row per customer with the `customer` column, and the
        `signup` time and `columns` when given. Every customer of the table
        that had signed up by `as_of` gets a row, answered or not. Without it,
        the customers are those of `responses`.
    as_of : the instant of the features (naive times are read in `tz`, as
        are naive columns). Times are timestamps or text, never plain
        numbers (no unit).
    columns : the user's own columns of `customers`: numeric columns are
        copied (they must be finite), others one-hot encoded with the first
        level (a categorical's first category, else the smallest value) as
        the dropped reference, named "plan=enterprise"; a missing value gets
        its own "plan=<missing>" column. Give categoricals a categorical dtype
        to keep the same columns across calls. They are taken as of `as_of`
        like every other signal, so one of the next two is required:
    valid_from : a time column of `customers` for point-in-time snapshots:
        the table may hold several rows per customer (one per change), and
        each of the `columns` takes the value of the customer's latest row
        with ``valid_from <= as_of`` (NaT: valid since always; none valid
        yet: missing). The customer's first row gives the `signup` time.
    static_columns : True states that the `columns` never change, so their
        current values are their values at `as_of`. Without it (and without
        `valid_from`), `columns` is an error: a plan or seat count read today
        leaks the future into a model trained on an earlier date (a customer
        who downgraded before churning looks like a churner of the lower plan).
    themes : theme indicators of the responses (bool or 0/1; missing = not
        mentioned): names of columns of `responses`, or a DataFrame with one
        row per response such as ``ThemeTagger().indicators(comments)``,
        paired with the responses by index label (reordered if needed;
        different labels are an error) unless `responses` has no index
        (polars, Arrow).
        "theme=<name>" is 1 if the customer's latest response mentions it.
    early_life_days : a detractor answer within this many days of sign-up is
        early-life (docs/sources.md section 5).
    missing : "skip" leaves out responses with a missing score or time
        (counted in ``attrs``) instead of raising.
    unknown : "skip" leaves out responses of customers absent from
        `customers` (counted) instead of raising.
    fill : replace the values that do not exist (no response by `as_of`,
        fewer than two responses, no follow-up) by neutral ones, so that the
        table is ready for a model: scores by the middle of the passive band
        (7.5 on 0-10: no evidence either way), changes, shares and
        follow-up delays by 0, ``days_since_response`` and ``tenure_days``
        of a customer without response by its age (days since sign-up), and an
        unknown age (no sign-up time) by 0. ``has_response`` tells the filled
        rows apart. With ``fill=False`` they stay NaN.

    Returns
    -------
    DataFrame indexed by customer, columns as in `FEATURES` (``tenure_days``,
    ``customer_age_days`` and ``early_life_detractor`` only with `signup`,
    the follow-up columns only with `followed_up`), then the user's columns.
    ``attrs`` hold ``as_of`` (ISO 8601 text, so that the frame converts to
    Arrow with its attributes), the row accounting (``used``, ``after_as_of``,
    ``skipped_missing_scores``, ``skipped_missing_times``,
    ``skipped_unknown_customers``) and ``not_yet_signed_up`` (customers of the
    table left out because they signed up after `as_of`).
    """
    responses, labelled = _convert.read_table(responses, "responses")
    cut = _as_cutoffs(cutoffs)
    tz = _args.time_zone(tz)
    _args.option(missing, "missing")
    _args.option(unknown, "unknown")
    early_life_days = _args.number(early_life_days, "early_life_days")
    fill = _args.flag(fill, "fill")
    columns = _args.labels(columns, "columns")
    static_columns = _args.flag(static_columns, "static_columns")
    if valid_from is not None and static_columns:
        raise ValueError("give valid_from (point-in-time snapshots) or static_columns=True "
                         "(the columns never change), not both")
    if columns and valid_from is None and not static_columns:
        raise ValueError(
            f"columns {list(columns)} are read from the customer table as it is now, but "
            "features are taken as of as_of: give valid_from=<time column> for a table of "
            "point-in-time snapshots, or static_columns=True to state that these columns "
            "never change")
    if not isinstance(themes, _pd.DataFrame):
        themes = _args.labels(themes, "themes")
    t_as_of = _instant(as_of, "as_of", tz)
    resp_ids = _column(responses, customer, "customer")
    if customers is None:
        if signup is not None or columns:
            raise ValueError("signup and columns are columns of `customers`: give the customer "
                             "table")
        table_ids = _pd.Series(_pd.unique(resp_ids.dropna()), name=customer)
        try:
            table_ids = table_ids.sort_values(ignore_index=True)
        except TypeError:  # mixed id types: first-seen order
            pass
        if resp_ids.isna().any():
            row = int(_np.flatnonzero(resp_ids.isna().to_numpy())[0])
            if unknown == "error":
                raise ValueError(f"customer at row {row} is missing")
        customers_frame = _pd.DataFrame({customer: table_ids})
    else:
        customers_frame = _as_frame(customers, "customers")
        if valid_from is not None:
            customers_frame = _snapshot(customers_frame, customer, valid_from, columns or [],
                                        t_as_of, tz)
        table_ids = _column(customers_frame, customer, "customer")
    cust_codes, table_codes = _customer_codes(resp_ids, table_ids, customer, unknown)
    scores = _as_scores(_column(responses, score, "score"), f"column {score!r}")
    times = _utc_nanos(_column(responses, time, "time"), f"column {time!r}", tz)
    fol = None
    if followed_up is not None:
        fol = _utc_nanos(_column(responses, followed_up, "follow-up"),
                         f"column {followed_up!r}", tz)
    sig = None
    if signup is not None:
        sig = _utc_nanos(_column(customers_frame, signup, "sign-up"),
                         f"customers column {signup!r}", tz)
    res = _npscore.churn_features(cust_codes, times, scores, fol, table_codes, sig, t_as_of,
                                  cut, missing, early_life_days, unknown)
    del cust_codes, times, scores  # a value per response: gone before the matrix is made
    table = res.pop("table")
    keep = res["signed_up"].astype(bool)
    # The counts only: the dict's per-customer arrays are copies of the table's
    # (~0.3 GB at 2M customers), not read here, so they go before the matrix.
    res = {k: v for k, v in res.items() if _np.ndim(v) == 0}
    # Themes of each response row, for the core to read at each customer's
    # latest response.
    if isinstance(themes, _pd.DataFrame):
        if len(themes) != len(responses):
            raise ValueError(f"themes has {len(themes)} rows but responses has "
                             f"{len(responses)}: give one indicator row per response")
        # An indicator frame pairs with the responses by index label.
        themes = _convert.aligned_with(responses, labelled, "responses", themes=themes)[0]
        theme_frame, theme_names = themes, list(themes.columns)
    else:
        theme_frame, theme_names = responses, list(themes or ())
    flags = [_theme_flags(_column(theme_frame, name, "theme"), name) for name in theme_names]
    n_rows = len(responses) if flags else 0
    flags = _np.ascontiguousarray(_np.concatenate(flags) if flags and n_rows else
                                  _np.zeros(0), dtype=_np.float64)
    user, numeric, codes = _user_columns(customers_frame, list(columns), keep, customer) \
        if columns else ([], [], [])
    design = _npscore.churn_design(sig is not None, fol is not None,
                                   [f"{name}" for name in theme_names], user, fill, cut)
    values = _npscore.churn_design_matrix(design, table, flags, n_rows, numeric, codes)
    # Arrow text ids stay Arrow text (no round trip through Python objects).
    index = _pd.Index(table_ids.array[keep] if _convert.arrow_text(table_ids)
                      else table_ids.to_numpy()[keep], name=customer)
    frame = _pd.DataFrame(values, index=index, columns=design.names, copy=False)
    frame.attrs.update(
        as_of=_pd.Timestamp(t_as_of, unit="ns", tz="UTC").isoformat(), early_life_days=early_life_days,
        used=int(res["used"]), after_as_of=int(res["after_as_of"]),
        skipped_missing_scores=int(res["skipped_missing_scores"]),
        skipped_missing_times=int(res["skipped_missing_times"]),
        skipped_unknown_customers=int(res["skipped_unknown_customers"]),
        not_yet_signed_up=int((~keep).sum()), fill=bool(fill))
    frame.attrs[DESIGN_ATTR] = _base64.b64encode(design.serialize()).decode("ascii")
    return frame


def churn_labels(
    churn: _pd.DataFrame,
    *,
    as_of: _Any,
    horizon_days: float,
    customer: str = "customer_id",
    churned_at: str = "churned_at",
    signup: _Optional[str] = None,
    observed_until: _Any = None,
    tz: str = "UTC",
) -> _pd.Series:
    """Churn labels over the `horizon_days` after `as_of`, per customer.

    1 if the customer churned in ``(as_of, as_of + horizon]``, 0 if not
    (churned later, or ``churned_at`` is NaT). Customers who had churned by
    `as_of` are no longer customers, and those who signed up after it (with
    `signup`, a column of `churn`) not yet: both are left out and counted in
    ``attrs`` (``churned_before``, ``not_yet_customers``). With
    `observed_until` (the end of the churn records), a horizon reaching
    beyond it is an error: non-churners there would be censored, not
    negatives. Returns an int8 Series indexed by customer.
    """
    churn = _as_frame(churn, "churn")
    t_as_of = _instant(as_of, "as_of", tz)
    horizon_ns = _horizon_ns(horizon_days)
    if observed_until is not None:
        end = _instant(observed_until, "observed_until", tz)
        if t_as_of + horizon_ns > end:
            raise ValueError(
                f"as_of + horizon is {(t_as_of + horizon_ns - end) / _NS_PER_DAY:g} days after "
                "observed_until: customers not seen to churn there are censored, not negatives; "
                "move as_of back or shorten the horizon")
    ids = _column(churn, customer, "customer")
    dup = _np.zeros(len(ids), bool) if _is_unique(ids) else ids.duplicated(keep=False).to_numpy()
    if dup.any():
        rows = _np.flatnonzero(dup)
        second = rows[1:][(ids.iloc[rows[1:]] == ids.iloc[rows[0]]).to_numpy()][0]
        raise ValueError(f"customer {ids.iloc[rows[0]]!r} appears twice in the churn table "
                         f"(rows {rows[0]} and {second}): give one row per customer")
    times = _utc_nanos(_column(churn, churned_at, "churn time"), f"column {churned_at!r}", tz)
    sig = None
    if signup is not None:
        sig = _utc_nanos(_column(churn, signup, "sign-up"), f"column {signup!r}", tz)
    res = _npscore.churn_labels(times, sig, t_as_of, horizon_ns)
    label = res["label"]
    kept = label >= 0
    # The ids keep their type (Arrow text stays Arrow: no Python object per id).
    index = _pd.Index(ids[kept], name=customer)
    out = _pd.Series(label[kept], index=index, name="churned")
    out.attrs.update(as_of=_pd.Timestamp(t_as_of, unit="ns", tz="UTC").isoformat(),
                     horizon_days=horizon_ns / _NS_PER_DAY, positives=int(res["positives"]),
                     negatives=int(res["negatives"]), churned_before=int(res["churned_before"]),
                     not_yet_customers=int(res["not_yet_customers"]))
    return out


@_dataclasses.dataclass(frozen=True)
class TimeSplit:
    """Features and labels of a train-on-earlier / test-on-later split:
    ``X_train``/``y_train`` as of ``train_as_of``, ``X_test``/``y_test`` as
    of ``test_as_of``, labels over ``horizon_days`` after each."""

    X_train: _pd.DataFrame
    y_train: _pd.Series
    X_test: _pd.DataFrame
    y_test: _pd.Series
    train_as_of: _pd.Timestamp
    test_as_of: _pd.Timestamp
    horizon_days: float

    def __repr__(self) -> str:
        # Concise: the frames are attributes to look at.
        return (f"TimeSplit(train_as_of='{self.train_as_of:%Y-%m-%d}', n_train={len(self.y_train)}, "
                f"test_as_of='{self.test_as_of:%Y-%m-%d}', n_test={len(self.y_test)}, "
                f"features={self.X_train.shape[1]}, horizon_days={self.horizon_days:g})")

    def _repr_html_(self) -> str:
        from . import _display as d
        rows = [(side, f"{when:%Y-%m-%d}", d.number(len(y)), d.number(float(y.mean()), 3))
                for side, when, y in (("train", self.train_as_of, self.y_train),
                                      ("test", self.test_as_of, self.y_test))]
        return d.table(f"TimeSplit: {self.X_train.shape[1]} features, labels over "
                       f"{self.horizon_days:g} days", ("side", "as of", "customers", "churn rate"),
                       rows)


def _frames(data: _Any) -> tuple:
    """(responses, customers, churn) from a Sample, a dict or a tuple."""
    if isinstance(data, dict):
        lacking = [k for k in ("responses", "churn") if k not in data]
        if lacking:
            raise ValueError(f"data lacks {', '.join(map(repr, lacking))}: give a dict with "
                             "'responses', 'churn' (and 'customers')")
        return data["responses"], data.get("customers"), data["churn"]
    if isinstance(data, (tuple, list)):
        if len(data) != 3:
            raise ValueError(f"data has {len(data)} items: give (responses, customers, churn)")
        return tuple(data)
    if not (hasattr(data, "responses") and hasattr(data, "churn")):
        raise TypeError("data must be a npscore.datasets.Sample, a dict or a (responses, "
                        f"customers, churn) tuple, got {type(data).__name__}")
    return data.responses, getattr(data, "customers", None), data.churn


def _observed_until(value: _Any, responses: _pd.DataFrame, churn: _pd.DataFrame, time: str,
                    churned_at: str, tz: str) -> int:
    if value is None:
        return _NAT
    if isinstance(value, str) and value == "auto":
        latest = [_utc_nanos(_column(responses, time, "time"), f"column {time!r}", tz).max(),
                  _utc_nanos(_column(churn, churned_at, "churn time"), f"column {churned_at!r}",
                             tz).max()]
        return int(max(latest))
    return _instant(value, "observed_until", tz)


def _split_sides(data: _Any, train_as_of: _Any, test_as_of: _Any, horizon_days: float,
                 observed_until: _Any, churned_at: str, feature_args: dict) -> tuple:
    """time_split's checks, then (t_train, t_test, side): side(t) computes
    the features and labels as of t, so that a caller can hold one side at
    a time."""
    responses, customers, churn = _frames(data)
    tz = feature_args.get("tz", "UTC")
    customer = feature_args.get("customer", "customer_id")
    time = feature_args.get("time", "responded_at")
    t_train = _instant(train_as_of, "train_as_of", tz)
    t_test = _instant(test_as_of, "test_as_of", tz)
    horizon_ns = _horizon_ns(horizon_days)
    end = _observed_until(observed_until, responses, churn, time, churned_at, tz)
    _npscore.check_time_split(t_train, t_test, horizon_ns, end)

    def side(t: int) -> tuple:
        X = churn_features(responses, customers, as_of=_pd.Timestamp(t, unit="ns", tz="UTC"),
                           **feature_args)
        y = churn_labels(churn, as_of=_pd.Timestamp(t, unit="ns", tz="UTC"),
                         horizon_days=horizon_days, customer=customer, churned_at=churned_at)
        # Customers absent from `churn` have not churned; those it leaves out
        # (churned by as_of) leave X too.
        ids = _column(churn, customer, "customer")
        gone = ids[_positions(ids, y.index) < 0]
        X = X[_positions(X.index, gone) < 0]
        labels = y.reindex(X.index).fillna(0).astype(_np.int8)
        labels.attrs.update(y.attrs)
        return X, labels

    return t_train, t_test, side


def time_split(
    data: _Any,
    *,
    train_as_of: _Any,
    test_as_of: _Any,
    horizon_days: float,
    observed_until: _Any = "auto",
    churned_at: str = "churned_at",
    **feature_args: _Any,
) -> TimeSplit:
    """Features and churn labels for an honest time-based evaluation.

    Train on features as of `train_as_of` with churn in the `horizon_days`
    after it; test on features as of the later `test_as_of` with churn in the
    horizon after that. The split must not leak: the training labels must
    be known by `test_as_of` (``train_as_of + horizon <= test_as_of``), and
    the test horizon must end by `observed_until` ("auto": the latest
    response or churn time in the data; None: not checked), else a
    ValueError says by how many days it fails.

    `data` holds the frames: a `npscore.datasets.Sample`, a dict with
    "responses", "customers" and "churn", or a (responses, customers, churn)
    tuple. `churn` has one row per customer with `churned_at` (NaT: not
    churned); a customer absent from it has not churned. Customers who had
    churned by an as_of are left out of that side. `feature_args` go to
    `churn_features` (customer, score, time, signup, columns, ...).
    """
    t_train, t_test, side = _split_sides(data, train_as_of, test_as_of, horizon_days,
                                         observed_until, churned_at, feature_args)
    X_train, y_train = side(t_train)
    X_test, y_test = side(t_test)
    return TimeSplit(X_train, y_train, X_test, y_test,
                     _pd.Timestamp(t_train, unit="ns", tz="UTC"),
                     _pd.Timestamp(t_test, unit="ns", tz="UTC"),
                     _horizon_ns(horizon_days) / _NS_PER_DAY)


@_dataclasses.dataclass(frozen=True)
class Backtest:
    """The result of `backtest`: the fitted model, the test predictions and
    their ROC AUC and Brier score, the sizes and churn rates of both sides,
    and the baseline every model must beat: the prior
    (``ChurnModel.prior(horizon_days)``, segment base rates, no training) on
    the same test rows (``prior_auc``, ``prior_brier``, ``p_prior``; without
    sign-up times no answer counts as early-life; NaN when the features lack
    the prior's other columns). ``beats_prior`` is True when the
    model has both the higher AUC and the lower Brier score. ``str()`` prints
    both side by side."""

    auc: float
    model: _Any
    split: TimeSplit
    p_test: _pd.Series
    n_train: int
    n_test: int
    train_churn_rate: float
    test_churn_rate: float
    brier: float = float("nan")
    prior_auc: float = float("nan")
    prior_brier: float = float("nan")
    p_prior: _Optional[_pd.Series] = None

    @property
    def beats_prior(self) -> bool:
        return bool(self.auc > self.prior_auc and self.brier < self.prior_brier)

    def to_dict(self) -> dict:
        """The figures as plain values for JSON: the as-of times as ISO 8601
        strings (UTC offset included). ``prior_auc``/``prior_brier`` are NaN
        when the prior cannot score the features (``json.dumps`` writes NaN;
        with ``allow_nan=False`` such a dict is refused)."""
        return {"auc": self.auc, "brier": self.brier, "prior_auc": self.prior_auc,
                "prior_brier": self.prior_brier, "beats_prior": self.beats_prior,
                "n_train": self.n_train, "n_test": self.n_test,
                "train_churn_rate": self.train_churn_rate,
                "test_churn_rate": self.test_churn_rate,
                "train_as_of": self.split.train_as_of.isoformat(),
                "test_as_of": self.split.test_as_of.isoformat(),
                "horizon_days": self.split.horizon_days}

    def __repr__(self) -> str:
        # Concise: the split's frames and the predictions are attributes to look at.
        return (f"Backtest(auc={self.auc:.4f}, brier={self.brier:.4f}, "
                f"prior_auc={self.prior_auc:.4f}, prior_brier={self.prior_brier:.4f}, "
                f"beats_prior={self.beats_prior}, n_train={self.n_train}, n_test={self.n_test}, "
                f"train_as_of='{self.split.train_as_of:%Y-%m-%d}', "
                f"test_as_of='{self.split.test_as_of:%Y-%m-%d}', "
                f"horizon_days={self.split.horizon_days:g})")

    def _repr_html_(self) -> str:
        from . import _display as d
        rows = [("model", d.number(self.auc, 3), d.number(self.brier, 4)),
                ("prior (segment base rates)", d.number(self.prior_auc, 3),
                 d.number(self.prior_brier, 4))]
        verdict = ("the model beats the prior" if self.beats_prior else
                   "the model does not beat the prior: score with ChurnModel.prior")
        return d.table(f"Backtest: trained as of {self.split.train_as_of:%Y-%m-%d} "
                       f"(n = {self.n_train:,}), tested on the {self.split.horizon_days:g} days "
                       f"after {self.split.test_as_of:%Y-%m-%d} (n = {self.n_test:,})",
                       ("", "AUC", "Brier"), rows, note=verdict)

    def __str__(self) -> str:
        verdict = ("the model beats the prior" if self.beats_prior else
                   "the model does not beat the prior: score with ChurnModel.prior")
        return (f"backtest: trained as of {self.split.train_as_of:%Y-%m-%d} (n = {self.n_train:,}), "
                f"tested on the {self.split.horizon_days:g} days after "
                f"{self.split.test_as_of:%Y-%m-%d} (n = {self.n_test:,}, churn rate "
                f"{self.test_churn_rate:.1%})\n"
                f"            AUC     Brier\n"
                f"  model   {self.auc:.3f}   {self.brier:.4f}\n"
                f"  prior   {self.prior_auc:.3f}   {self.prior_brier:.4f}   "
                f"(segment base rates, no training)\n"
                f"  {verdict}")


def _default_model() -> _Any:
    churn_model = globals().get("ChurnModel")
    if churn_model is not None:
        return churn_model(standardize=True)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def backtest(
    data: _Any,
    *,
    train_as_of: _Any,
    test_as_of: _Any,
    horizon_days: float,
    model_factory: _Optional[_Callable[[], _Any]] = None,
    observed_until: _Any = "auto",
    **feature_args: _Any,
) -> Backtest:
    """Trains a model on an earlier period and measures how well it ranks
    later churners: the protocol of `time_split`, then
    ``model_factory().fit(X_train, y_train)`` and ``predict_proba(X_test)``.

    `model_factory` returns any object with scikit-learn's ``fit`` /
    ``predict_proba`` (default: `npscore.ChurnModel` with standardisation
    when available, else scikit-learn's standardised LogisticRegression).
    Returns a `Backtest` with the test ROC AUC and Brier score of the model
    and, side by side, of the prior (``ChurnModel.prior(horizon_days)``) on
    the same rows: ``print(backtest(...))`` shows both, ``beats_prior`` says
    whether the model is worth using.
    """
    return _backtest(data, train_as_of, test_as_of, horizon_days, model_factory,
                     observed_until, feature_args, keep_train=True)


def _backtest(data: _Any, train_as_of: _Any, test_as_of: _Any, horizon_days: float,
              model_factory: _Any, observed_until: _Any, feature_args: dict,
              keep_train: bool) -> Backtest:
    """backtest; without `keep_train` the training features go once the
    model is fitted, before the test side is computed (the split's X_train
    is then None): one side's features in memory at a time."""
    if model_factory is not None and not callable(model_factory):
        raise TypeError("model_factory must be a callable returning a model with fit and "
                        f"predict_proba, got {type(model_factory).__name__}")
    churned_at = feature_args.pop("churned_at", "churned_at")
    t_train, t_test, side = _split_sides(data, train_as_of, test_as_of, horizon_days,
                                         observed_until, churned_at, feature_args)

    def two_classes(name: str, y: _pd.Series) -> None:
        if y.nunique() < 2:
            raise ValueError(f"the {name} labels have a single class (counts "
                             f"{y.value_counts().to_dict()}): choose other dates or a longer "
                             "horizon")

    X_train, y_train = side(t_train)
    two_classes("training", y_train)
    model = (model_factory or _default_model)()
    model.fit(X_train, y_train.to_numpy())
    if not keep_train:
        X_train = None
    X_test, y_test_s = side(t_test)
    two_classes("test", y_test_s)
    split = TimeSplit(X_train, y_train, X_test, y_test_s,
                      _pd.Timestamp(t_train, unit="ns", tz="UTC"),
                      _pd.Timestamp(t_test, unit="ns", tz="UTC"),
                      _horizon_ns(horizon_days) / _NS_PER_DAY)
    p = _np.asarray(model.predict_proba(split.X_test))[:, 1]
    y_test = split.y_test.to_numpy()
    ev = evaluate(y_test, p)
    # The baseline: the prior's segment rates over the same horizon (the core
    # finds its columns by name; without sign-up times no answer is early-life).
    p_prior, prior_ev = None, None
    arr, names = _as_matrix(split.X_test)
    pp = _npscore.churn_prior_proba(arr, list(names or []), float(split.horizon_days))
    if pp is not None:
        p_prior = _pd.Series(pp, index=split.X_test.index, name="p_prior")
        prior_ev = evaluate(y_test, pp)
    nan = float("nan")
    return Backtest(auc=ev.auc, model=model, split=split,
                    p_test=_pd.Series(p, index=split.X_test.index, name="p_churn"),
                    n_train=len(split.y_train), n_test=len(y_test),
                    train_churn_rate=float(split.y_train.mean()),
                    test_churn_rate=float(y_test.mean()), brier=ev.brier,
                    prior_auc=prior_ev.auc if prior_ev else nan,
                    prior_brier=prior_ev.brier if prior_ev else nan, p_prior=p_prior)

# (end of features)

# --- Model ---
#
# ChurnModel: L2-regularised logistic regression with scikit-learn's objective
# (fitted by Newton's method in the C++ core), a prior model from segment base
# rates, reasons per customer, evaluation, cross-validation and persistence.

import dataclasses as _dataclasses
import os as _os
import sys as _sys
import warnings as _warnings
from typing import TYPE_CHECKING as _TYPE_CHECKING, Any as _Any, Mapping as _Mapping

import numpy as _np
import numpy.typing as _npt
import pandas as _pd

from . import _npscore as _core

if _TYPE_CHECKING:  # scikit-learn is optional: only the type checker reads it
    from sklearn.utils.metadata_routing import MetadataRequest as _MetadataRequest


class ConvergenceWarning(UserWarning):
    """A fit (churn model, BG/NBD, Gamma-Gamma) stopped at its iteration limit
    (``max_iter``, ``max_iterations``) before its gradient reached the tolerance.
    The message gives the iterations and the final gradient norm; the estimate is
    usable but not at the optimum (raise the limit or the tolerance)."""


def _convergence_warning() -> type:
    """The category to warn with: ConvergenceWarning, and also scikit-learn's
    when scikit-learn is loaded (a subclass of both, made once), so that
    either filter silences it; scikit-learn is never imported for this."""
    global _BOTH
    sk = _sys.modules.get("sklearn.exceptions")
    if sk is None:
        return ConvergenceWarning
    if _BOTH is None:
        _BOTH = type("ConvergenceWarning", (ConvergenceWarning, sk.ConvergenceWarning),
                     {"__module__": __name__, "__doc__": ConvergenceWarning.__doc__})
    return _BOTH


_BOTH: _Optional[type] = None


class ChurnDataWarning(UserWarning):
    """A finding in the training data that does not stop a fit: a constant column.
    With an intercept a constant column is collinear with it; the L2 penalty keeps
    the solution unique (an all-zero column gets coefficient 0), but its
    coefficient is not interpretable. Identical or collinear columns are fitted
    with a finite C (the penalty splits their coefficient evenly, as scikit-learn's
    fit does); only without a penalty (``C=inf``) are identical columns an error."""


#: churn_features' columns that explain words as counts or scores, with the
#: values they can take: a value outside says the columns were transformed
#: (e.g. scaled in a Pipeline), and their words would be wrong.
_WORDED_DOMAINS = {
    "n_responses": (0, _np.inf), "n_detractor_responses": (0, _np.inf),
    # scores: >= 0 (a scale's top may be above 10)
    "score": (0, _np.inf), "mean_score": (0, _np.inf), "min_score": (0, _np.inf),
    "max_score": (0, _np.inf), "previous_score": (0, _np.inf), "detractor_share": (0, 1),
    "days_detractor_waiting": (0, _np.inf), "days_to_follow_up": (0, _np.inf),
    "days_since_response": (0, _np.inf), "days_since_first_response": (0, _np.inf),
}


def _check_worded_values(arr: _np.ndarray, names: list) -> None:
    """A ValueError naming the first value of a worded column outside what
    churn_features gives (NaN passes: an absent value is not worded)."""
    for j, name in enumerate(names):
        bounds = _WORDED_DOMAINS.get(name)
        if bounds is None:
            continue
        col = arr[:, j]
        with _np.errstate(invalid="ignore"):
            bad = _np.flatnonzero((col < bounds[0]) | (col > bounds[1]))
        if len(bad):
            i = int(bad[0])
            raise ValueError(
                f"X column {name!r} is {col[i]:g} at row {i}, outside {bounds[0]:g}.."
                f"{bounds[1]:g}: explain words churn_features' columns as they are, so "
                "transformed (e.g. scaled) features would read as the customer's values; use "
                "ChurnModel(standardize=True) instead of a scaler in front of it")


def _counting(before: str, noun: str, after: str = "") -> _Any:
    """A reason phrase of a count: "1 day", "3 days" (the value rounded)."""
    def phrase(value: float) -> str:
        return f"{before}{_args.counted(round(value), noun)}{after}"
    return phrase


#: Default phrasing of reasons, keyed by feature column name (the names of
#: ``churn_features``). A value is a format string with the fields ``{value}``
#: (the row's value) and ``{name}`` (the column), or a
#: callable ``f(value) -> str``. Columns not listed read "name = value"; a 0/1
#: indicator set to 1 reads as its name, and a one-hot column "column=level"
#: (churn_features' naming) as "column is level". Pass ``describe=`` to
#: ``ChurnModel.explain`` to add or override entries.
REASON_PHRASES: dict = {
    "segment=detractor": "detractor at the latest answer",
    "segment=passive": "passive at the latest answer",
    "has_response": "has answered the survey",
    "early_life_detractor": "detractor in the first days after sign-up",
    "days_detractor_waiting": _counting("detractor for ", "day", " without follow-up"),
    "detractor_followed_up": "detractor answer followed up",
    "days_to_follow_up": _counting("follow-up took ", "day"),
    "days_since_response": _counting("", "day", " since the last answer"),
    "score": "latest score {value:.0f}",
    "mean_score": "mean score {value:.1f}",
    "min_score": "lowest score {value:.0f}",
    "score_change": "score changed by {value:+.0f} since the previous answer",
    "segment_change": "segment changed by {value:+.0f} since the previous answer",
    "detractor_share": "{value:.0%} of answers were detractor answers",
    "n_responses": _counting("", "answer", " so far"),
    "tenure_days": _counting("customer for ", "day", " at the latest answer"),
    "customer_age_days": _counting("customer for ", "day"),
}


#: ChurnModel.explain scores and words this many rows at a time.
EXPLAIN_CHUNK = 262_144

#: The reason group of churn_features' score-history columns (the core's
#: kScoreHistoryGroup): latest, mean and lowest score, the segment columns,
#: the detractor share and the change since the previous answer are one
#: reason, worded by :func:`_history_phrase`.
SCORE_HISTORY = "score history"


# The columns `_history_phrase` reads.
_HISTORY_COLUMNS = ("score", "n_responses", "segment=detractor", "segment=passive", "mean_score",
                    "min_score", "score_change")


def _both_classes(rng: _Any, labels: _np.ndarray, tries: int = 1000) -> _np.ndarray:
    """A bootstrap sample of rows (with replacement) holding a row of each
    class 0 and 1 (labels -1: rows that count for neither, zero weight),
    drawn again until it does; a ValueError if `tries` draws never do."""
    n = len(labels)
    for _ in range(tries):
        idx = rng.integers(0, n, n)
        drawn = labels[idx]
        if (drawn == 1).any() and (drawn == 0).any():
            return idx
    raise ValueError(f"{tries} bootstrap samples of the {n} rows all missed a class: too few "
                     "churners or non-churners to resample")


def _history_phrase(get: _Callable[[str], _Optional[float]]) -> str:
    """One phrase for a row's score history from the columns it has (`get`
    returns a column's value, None when absent): the latest score (or
    segment), and, for customers with more than one answer, the mean and
    lowest score where they differ from it and a fall since the previous one."""
    score, n = get("score"), get("n_responses")
    if score is not None:
        parts = [f"latest score {score:g}"]
    elif get("segment=detractor") == 1:
        parts = ["detractor at the latest answer"]
    elif get("segment=passive") == 1:
        parts = ["passive at the latest answer"]
    else:
        parts = []
    if n is None or n > 1:
        mean, low, change = get("mean_score"), get("min_score"), get("score_change")
        if mean is not None and score is not None and abs(mean - score) >= 0.05:
            parts.append(f"mean {mean:.1f}")
        if low is not None and score is not None and low < score:
            parts.append(f"lowest {low:g}")
        if change is not None and change < 0:
            parts.append(f"down {-change:g} since the previous answer")
        if n is not None and n > 1:
            parts.append(f"{n:.0f} answers")
    return f"{SCORE_HISTORY}: " + ", ".join(parts) if parts else SCORE_HISTORY


def _phrase(name: str, value: float, _unused: float, describe: _Mapping) -> str:
    fmt = describe.get(name)
    if fmt is None:
        fmt = REASON_PHRASES.get(name)
    if fmt is None:
        if value == 1.0:
            column, eq, level = str(name).partition("=")
            return f"{column} is {level}" if eq else str(name)
        return f"{name} = {value:g}"
    if callable(fmt):
        return str(fmt(value))
    try:
        return str(fmt).format(value=value, name=name)
    except (KeyError, IndexError, ValueError) as e:
        raise ValueError(f"the reason text of {name!r} is {fmt!r}: a format string may use only "
                         f"{{value}} and {{name}} ({type(e).__name__}: {e})") from None


def _history_phrases(frame: _pd.DataFrame, rows: _np.ndarray, columns: dict,
                     worded: _Optional[dict] = None) -> _np.ndarray:
    """`_history_phrase` of each of `rows` of frame, worded once per distinct
    combination of the columns it reads (rows by the bits of their values,
    so that missing values group too); `worded` keeps the phrases by those
    bits across calls (explain's chunks and reason ranks meet the same
    combinations again)."""
    read = [name for name in _HISTORY_COLUMNS if name in frame.columns]
    get = _row_getter(frame, 0, columns)
    for name in read:
        get(name)  # fills `columns`
    if not read:
        return _np.full(len(rows), _history_phrase(lambda name: None), dtype=object)
    combo = _np.zeros(len(rows), dtype=_np.int64)  # one code per distinct combination
    for name in read:
        code = _pd.factorize(columns[name][rows].view(_np.int64))[0]
        combo = _pd.factorize(combo * (int(code.max()) + 1) + code)[0]
    first = _np.unique(combo, return_index=True)[1]  # codes number first appearances
    if worded is None:
        worded = {}
    at = rows[first]
    bits = _np.column_stack([columns[name][at].view(_np.int64) for name in read]).tolist()
    phrases = _np.empty(len(first), dtype=object)
    for k, (key, i) in enumerate(zip(map(tuple, bits), at.tolist())):
        text = worded.get(key)
        if text is None:
            text = worded[key] = _history_phrase(_row_getter(frame, i, columns))
        phrases[k] = text
    return phrases[combo]


def _row_getter(frame: _pd.DataFrame, i: int,
                columns: dict) -> _Callable[[str], _Optional[float]]:
    """A column's value in row i of frame as a float, None when absent.
    `columns` caches each column as a float array, taken from the frame once
    (indexing a DataFrame per row costs milliseconds)."""
    def get(name: str) -> _Optional[float]:
        if name not in frame.columns:
            return None
        if name not in columns:
            col = frame[name]  # float64 columns as they are (a view), others converted
            columns[name] = col.to_numpy() if col.dtype == _np.float64 else \
                col.to_numpy(dtype=_np.float64, na_value=_np.nan)
        value = columns[name][i]
        return None if _np.isnan(value) else float(value)
    return get


def _as_matrix(X: _Any, what: str = "X") -> tuple:
    """X as a contiguous float64 2-D array (C or Fortran order, no copy where
    possible) and its column names (None for an array)."""
    names = None
    X = _read_X(X, what)[0]
    if type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(f"{what} is a scipy sparse {type(X).__name__}: sparse input is not "
                        f"supported; give a dense array ({what}.toarray())")
    if isinstance(X, _pd.DataFrame):
        names = [str(c) for c in X.columns]
        for c in X.columns:
            dt = X[c].dtype if not isinstance(X[c], _pd.DataFrame) else None
            if dt is None:
                raise ValueError(f"{what} column {c!r} appears more than once")
            if not (_pd.api.types.is_numeric_dtype(dt) or _pd.api.types.is_bool_dtype(dt)):
                raise TypeError(f"{what} column {c!r} has dtype {dt}: columns must be numeric "
                                "(one-hot encode categoricals, e.g. with churn_features)")
        arr = X.to_numpy(dtype=_np.float64, na_value=_np.nan)
    else:
        arr = _np.asarray(X)
        if arr.dtype.kind == "c":
            raise ValueError(f"{what} has dtype {arr.dtype}: Complex data not supported (give "
                             "real numbers)")
        if arr.dtype.kind == "O" and arr.ndim == 2:
            arr = _object_matrix(arr, what)
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"{what} must be numeric, got dtype {arr.dtype}")
        arr = arr.astype(_np.float64, copy=False)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be two-dimensional (rows x features), got shape "
                         f"{arr.shape}: Reshape your data ({what}.reshape(-1, 1) for a single "
                         f"feature, {what}.reshape(1, -1) for a single row)")
    if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = _np.ascontiguousarray(arr)
    return arr, names


def _object_matrix(arr: _np.ndarray, what: str) -> _np.ndarray:
    """A 2-D object array of numbers as float64; the first cell that is no
    number is named with its row and column."""
    try:
        return arr.astype(_np.float64)
    except (TypeError, ValueError):
        pass
    for (i, j), v in _np.ndenumerate(arr):
        try:
            float(v)
        except (TypeError, ValueError) as e:
            raise TypeError(f"{what} at row {i}, column {j} is {v!r}: not a number ({e})") from None
    return arr.astype(_np.float64)


def _label_values(values: _np.ndarray, name: str) -> _np.ndarray:
    """Labels held as objects (a list with None, text, ...) as float64; the
    first entry that is no number is named."""
    try:
        return _as_scores(values, name)
    except TypeError as e:
        raise TypeError(f"{e} (give 0/1 labels)") from None


def _as_labels(y: _Any, n: int, name: str = "y", other: str = "X has {n} rows") -> _np.ndarray:
    """0/1 labels as float64 (NaN = missing, for the core to name); text or
    other objects are an error naming the row. `other` words the length
    they must match."""
    if isinstance(y, _pd.DataFrame):
        raise TypeError(f"{name} must be one column of 0/1 labels, got a DataFrame")
    y = _args.materialize(y, name)
    if isinstance(y, (_pd.Series, _pd.Index)):
        if _pd.api.types.is_bool_dtype(y.dtype):
            y = y.astype("float64") if not y.hasnans else y.astype("Float64")
        if not _pd.api.types.is_numeric_dtype(y.dtype):
            arr = _label_values(y.to_numpy(dtype=object), name)
        else:
            arr = y.to_numpy(dtype=_np.float64, na_value=_np.nan)
    else:
        arr = _np.asarray(y)
        if arr.ndim == 1 and arr.dtype.kind not in "fiub":
            arr = _label_values(arr.astype(object), name)
        elif arr.dtype.kind not in "fiub":
            raise TypeError(f"{name} must hold 0/1 labels, got dtype {arr.dtype}")
        arr = arr.astype(_np.float64)
    arr = _np.ascontiguousarray(arr.reshape(-1) if arr.ndim == 2 and 1 in arr.shape else arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.shape[0] != n:
        raise ValueError(f"{name} has {arr.shape[0]} labels but {other.format(n=n)}")
    return arr


# The one rule for inputs that pair rows: docs/python-interop.md.
_aligned = _convert.aligned


def _read_X(X: _Any, what: str = "X") -> tuple:
    """(X, labelled): a polars DataFrame, pyarrow Table / RecordBatch or
    Arrow PyCapsule table as pandas (`_convert.read_table`: numeric columns
    as views of their buffers, named by the table's columns), other X as it
    is; labelled when its rows carry index labels (pandas, or Arrow with a
    pandas index)."""
    if _convert.is_foreign_table(X):
        return _convert.read_table(X, what)
    return X, isinstance(X, _pd.DataFrame)


def _paired(X: _Any, y: _Any, sample_weight: _Any) -> tuple:
    """X (a foreign table read as pandas), y and sample_weight paired by the
    one rule: by index label among pandas objects, X included when its rows
    carry labels; by position otherwise."""
    X, labelled = _read_X(X)
    y, sample_weight = _convert.aligned_with(X, labelled, "X", y=y, sample_weight=sample_weight)
    return X, y, sample_weight
_index_label = _convert.label


class _LocalNotFittedError(ValueError, AttributeError):
    """Raised by a ChurnModel used before fit when scikit-learn is not installed
    (with it installed, sklearn.exceptions.NotFittedError is raised)."""


def _not_fitted(text: str) -> Exception:
    """scikit-learn's NotFittedError (a ValueError and AttributeError) when it
    is installed, so that sklearn's check_is_fitted and callers catching it
    work; imported only here, as importing scikit-learn takes about a second."""
    try:
        from sklearn.exceptions import NotFittedError
    except ImportError:
        NotFittedError = _LocalNotFittedError
    return NotFittedError(text)


def _column_vector_warning(name: str) -> None:
    """Labels given as an (n, 1) column are read as a vector, with scikit-learn's
    DataConversionWarning (a UserWarning without scikit-learn)."""
    try:
        from sklearn.exceptions import DataConversionWarning as category
    except ImportError:
        category = UserWarning
    _warnings.warn(f"A column-vector {name} was passed when a 1d array was expected: its single "
                   f"column is read as the labels (pass {name}.ravel() to avoid this warning)",
                   category, stacklevel=4)


def _encode_labels(y: _Any, n: int, name: str = "y") -> tuple:
    """(classes, labels): the two class labels, sorted as numpy sorts them
    (scikit-learn's ``classes_``), and y as float64 1.0 for ``classes[1]``,
    0.0 for ``classes[0]``. Numbers and booleans that are all 0/1 keep the core's
    checks and messages (a NaN label, a single class); other labels (text,
    other numbers) must be exactly two distinct values, none missing."""
    if isinstance(y, _pd.DataFrame):
        raise TypeError(f"{name} must be one column of class labels, got a DataFrame")
    y = _args.materialize(y, name)
    if isinstance(y, (_pd.Series, _pd.Index)):
        raw = y.to_numpy()
        if not (raw.dtype.kind in "fiub"):
            raw = y.to_numpy(dtype=object, na_value=None) if y.hasnans else raw.astype(object)
    else:
        raw = _np.asarray(y)
        if raw.dtype.kind == "c":
            raise TypeError(f"{name} must hold class labels, got complex dtype {raw.dtype}")
        if raw.dtype.kind not in "fiubUSO":
            raise TypeError(f"{name} must hold class labels, got dtype {raw.dtype}")
    if raw.ndim == 2 and raw.shape[1] == 1 and n != 1:
        _column_vector_warning(name)
    raw = raw.reshape(-1) if raw.ndim == 2 and 1 in raw.shape else raw
    if raw.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {raw.shape}")
    if raw.shape[0] != n:
        raise ValueError(f"{name} has {raw.shape[0]} labels but X has {n} rows")
    if raw.dtype.kind in "fiub":
        arr = raw.astype(_np.float64)
        if _np.all((arr == 0) | (arr == 1) | (arr != arr)):  # NaN: the core names the row
            dtype = bool if raw.dtype.kind == "b" else (raw.dtype if raw.dtype.kind in "iu"
                                                        else _np.float64)
            return _np.array([0, 1]).astype(dtype), _np.ascontiguousarray(arr)
        fraction = (arr == arr) & (arr != _np.round(arr))
        if fraction.any():
            i = int(_np.argmax(fraction))
            raise ValueError(f"label at row {i} is {arr[i]:g}: labels are classes (two "
                             "distinct values such as 0/1 or 'churned'/'stayed'), not "
                             "continuous values (unknown label type: continuous)")
        if (arr != arr).any():
            i = int(_np.argmax(arr != arr))
            raise ValueError(f"{name} at row {i} is missing (NaN): every row needs a class label")
        values = raw
    else:
        values = raw.astype(object)
        missing = _pd.isna(values)
        if missing.any():
            i = int(_np.nonzero(missing)[0][0])
            raise ValueError(f"{name} at row {i} is missing ({values[i]!r}): every row needs "
                             "a class label")
    try:
        classes = _np.unique(values)
    except TypeError:
        raise TypeError(f"{name} mixes label types ({sorted({type(v).__name__ for v in values})}):"
                        " give labels of one type") from None
    if classes.size != 2:
        shown = ", ".join(map(_index_label, classes[:5])) + (", ..." if classes.size > 5 else "")
        what = "a single class" if classes.size == 1 else f"{classes.size} classes"
        third = ""
        if classes.size > 2:  # name the first row whose label is neither of the first two
            _, first_rows = _np.unique(values, return_index=True)
            i = int(_np.sort(first_rows)[2])
            third = f"; label at row {i} is {_index_label(values[i])}, a third class"
        raise ValueError(f"{name} has {what} ({shown}){third}. Only binary classification is "
                         "supported: a ChurnModel needs exactly two labels (e.g. 0/1 or "
                         "'churned'/'stayed')")
    return classes, _np.ascontiguousarray((values == classes[1]).astype(_np.float64))


#: The scikit-learn ``check_estimator`` checks that cannot apply to a
#: ChurnModel, each with its reason, to pass as
#: ``check_estimator(ChurnModel(), expected_failed_checks=...)``. Empty: every
#: check passes with scikit-learn 1.9.1 (docs/python-interop.md).
SKLEARN_EXPECTED_FAILED_CHECKS: dict = {}


@_dataclasses.dataclass(frozen=True)
class ReasonStability:
    """The result of :meth:`ChurnModel.reason_stability`: ``top_reason_agreement``
    per row of X (share of bootstrap refits naming the same top reason),
    its mean, ``sign_stability`` per coefficient (share of refits with the
    same sign) and ``unstable_signs``, the features whose sign holds in fewer
    than 90% of refits."""

    n_boot: int
    top_reason_agreement: _pd.Series
    mean_top_reason_agreement: float
    sign_stability: _pd.Series
    unstable_signs: list

    def to_dict(self) -> dict:
        return {"n_boot": self.n_boot,
                "mean_top_reason_agreement": self.mean_top_reason_agreement,
                "sign_stability": self.sign_stability.to_dict(),
                "unstable_signs": list(self.unstable_signs)}

    #: Rows whose top reason agrees in fewer refits than this are counted as
    #: unsteady in the displays (the 80% the method's docstring suggests).
    _STEADY = 0.8

    def __repr__(self) -> str:
        # Concise: the per-row and per-coefficient Series are attributes.
        from . import _display as d
        shown = d.listing(list(map(repr, self.unstable_signs)), 3) if self.unstable_signs else ""
        return (f"ReasonStability(n_boot={self.n_boot}, rows={len(self.top_reason_agreement)}, "
                f"mean_top_reason_agreement={self.mean_top_reason_agreement:.3f}, "
                f"unstable_signs=[{shown}])")

    def _repr_html_(self) -> str:
        from . import _display as d
        shown = 10  # least stable coefficients listed; the rest are counted
        signs = self.sign_stability.sort_values(kind="stable")
        rows = [(name, d.number(v, 2)) for name, v in signs.head(shown).items()]
        agree = self.top_reason_agreement.to_numpy(dtype=_np.float64)
        unsteady = int((agree < self._STEADY).sum())
        more = f"; {len(signs) - shown} more coefficients" if len(signs) > shown else ""
        return d.table(
            f"ReasonStability: {self.n_boot} bootstrap refits, {len(agree):,} rows, mean "
            f"top-reason agreement {d.number(self.mean_top_reason_agreement, 3)}",
            ("feature (least stable first)", "sign stability"), rows,
            note=f"{unsteady:,} rows agree in fewer than {self._STEADY:.0%} of refits; "
                 f"unstable signs (< 90%): {d.listing(self.unstable_signs)}{more}")


class ChurnModel:
    """Churn risk as calibrated probabilities with reasons.

    L2-regularised logistic regression with the objective of scikit-learn's
    ``LogisticRegression(C=C)`` (lbfgs, ``l1_ratio=0``)::

        sum_i s_i * [log(1 + exp(z_i)) - y_i * z_i] + ||coef||^2 / (2 C),
        z_i = intercept + x_i . coef,   s_i = sample_weight_i * class_weight[y_i]

    with an unpenalised intercept. ``class_weight`` is None, ``"balanced"``
    (``sum(w) / (2 * sum(w of the class))``, with sample weights, as scikit-learn)
    or ``{0: w0, 1: w1}``. The core solves it by Newton's method with a line
    search until the largest gradient component of the objective divided by
    ``sum(s)`` is at most ``tol``; a fit that reaches ``max_iter`` first warns with
    :class:`ConvergenceWarning`. ``standardize=True`` fits on columns centred and
    scaled by their training mean and standard deviation (ddof 0, unweighted; a
    constant column keeps scale 1), so the penalty treats columns alike;
    ``coef_`` and ``intercept_`` are always on the original scale of X.

    X is a numpy array or a table of numeric columns (no NaN/inf: an error
    names the row and column): a pandas or polars DataFrame, a pyarrow Table /
    RecordBatch or any object with ``__arrow_c_stream__``, whose numeric
    columns are read from their Arrow buffers without a pandas round trip
    (docs/python-inputs.md); y and ``sample_weight`` may also be polars Series
    or pyarrow arrays. With a table, ``feature_names_in_`` holds its columns
    and later tables are matched by name (reordered if needed; a missing or
    extra column is an error). Duplicated and collinear columns (one-hot
    dummies that repeat) are fitted as scikit-learn fits them: the penalty
    splits their coefficient evenly; only with ``C=inf`` are identical columns
    an error. The GIL is released while fitting and scoring; ``threads=0``
    uses every core for large inputs.

    Labels are any two values (0/1, booleans, numbers, text such as
    "churned"/"stayed"): ``classes_`` holds them sorted, and as in scikit-learn
    the model gives the probability of ``classes_[1]`` (for 0/1 and booleans,
    of 1 / True: churn). More than two labels is an error.

    Rows are paired by index, never silently by position: when X, y (and
    ``sample_weight``) are two or more pandas objects, they are aligned on their
    index labels (the same labels in another order are reordered to X's) and
    labels present on one side only are an error naming the first of each;
    numpy arrays, lists and tables without an index (polars, Arrow tables not
    made from pandas) pair rows by position.

    A scikit-learn classifier: ``get_params``/``set_params``, ``__sklearn_tags__``
    (binary only, no NaN, no sparse input), ``decision_function``, ``score``
    (accuracy), ``clone``, Pipeline, GridSearchCV, cross_val_score,
    CalibratedClassifierCV, permutation_importance and RocCurveDisplay work, and
    ``check_estimator`` passes (checks that cannot apply would be listed in
    :data:`SKLEARN_EXPECTED_FAILED_CHECKS`). scikit-learn itself is optional.
    Used before fit, a model raises ``sklearn.exceptions.NotFittedError`` (a
    ValueError and AttributeError; without scikit-learn a local class with the
    same bases). A model, fitted or a prior, pickles, deep-copies and
    joblib-dumps through the core's versioned model format; a round trip
    predicts bit for bit the same.

    Fitted attributes: ``coef_`` (p,), ``intercept_`` (float), ``classes_``,
    ``feature_names_in_``, ``n_features_in_``, ``n_iter_``, ``converged_``,
    ``grad_norm_``, ``objective_`` (objective / sum(s)), ``reference_`` (see
    :meth:`explain`).
    """

    _estimator_type = "classifier"  # scikit-learn < 1.6 reads this

    def __init__(self, C: float = _core.defaults["C"], *, fit_intercept: bool = True,
                 standardize: bool = False, class_weight: _Any = None,
                 tol: float = _core.defaults["tol"], max_iter: int = _core.defaults["max_iter"],
                 threads: int = 0) -> None:
        self.C = C
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.threads = threads
        self._model = None
        self._names_given = False
        self._classes = None

    # -- construction ----------------------------------------------------------
    _PARAMS = ("C", "fit_intercept", "standardize", "class_weight", "tol", "max_iter", "threads")

    def get_params(self, deep: bool = True) -> dict:
        """The hyper-parameters as given to the constructor (scikit-learn's
        contract; ``deep`` has no effect: a ChurnModel holds no estimators)."""
        _args.flag(deep, "deep")
        return {k: getattr(self, k) for k in self._PARAMS}

    def set_params(self, **params: _Any) -> "ChurnModel":
        """Sets hyper-parameters by name and returns self; an unknown name is a
        ValueError listing the valid ones, as in scikit-learn. Like there, the
        values are checked by the next fit."""
        for key in params:
            if key not in self._PARAMS:
                raise ValueError(f"Invalid parameter {key!r} for estimator {self!r}. Valid "
                                 f"parameters are: {sorted(self._PARAMS)!r}.")
        for key, value in params.items():
            setattr(self, key, value)
        return self

    # -- scikit-learn metadata routing ---------------------------------------------
    # fit and score take sample_weight. Requests live in `_metadata_request`, a
    # scikit-learn MetadataRequest, where BaseEstimator keeps them: clone copies
    # it, set_params leaves it alone, and pickle and deepcopy carry it with the
    # instance's other attributes (so unpickling a model with requests needs
    # scikit-learn). A model without requests has no such attribute.
    _ROUTED = {"fit": ("sample_weight",), "score": ("sample_weight",)}

    def _requests(self) -> _Any:
        """A new MetadataRequest holding this model's requests: the stored ones,
        else None (passing the metadata is then an error while routing is on)."""
        from sklearn.utils.metadata_routing import MetadataRequest
        stored = getattr(self, "_metadata_request", None)
        out = MetadataRequest(owner=self)
        for method, params in self._ROUTED.items():
            given = {} if stored is None else getattr(stored, method).requests
            for param in params:
                getattr(out, method).add_request(param=param, alias=given.get(param))
        return out

    def _set_request(self, method: str, sample_weight: _Any) -> "ChurnModel":
        import sklearn
        from sklearn.utils.metadata_routing import UNCHANGED
        if not sklearn.get_config().get("enable_metadata_routing", False):
            raise RuntimeError("This method is only available when metadata routing is enabled."
                               " You can enable it using"
                               " sklearn.set_config(enable_metadata_routing=True).")
        requests = self._requests()
        if not (isinstance(sample_weight, str) and sample_weight == UNCHANGED):
            getattr(requests, method).add_request(param="sample_weight", alias=sample_weight)
        self._metadata_request = requests
        return self

    def set_fit_request(self, *, sample_weight: _Any = "$UNCHANGED$") -> "ChurnModel":
        """Whether :meth:`fit` receives ``sample_weight`` from a scikit-learn
        meta-estimator (GridSearchCV, cross_val_score, Pipeline, ...) when
        metadata routing is on (``sklearn.set_config(enable_metadata_routing=True)``;
        otherwise this raises RuntimeError, as scikit-learn's own). True: passed
        on; False: not passed; None (the default): passing it is an error; a
        string: passed when the caller names it so (an alias). Left out, the
        request is unchanged. Returns self."""
        return self._set_request("fit", sample_weight)

    def set_score_request(self, *, sample_weight: _Any = "$UNCHANGED$") -> "ChurnModel":
        """Whether :meth:`score` receives ``sample_weight`` under metadata
        routing: True, False, None (default: an error if given) or an alias,
        as :meth:`set_fit_request`. Returns self."""
        return self._set_request("score", sample_weight)

    def get_metadata_routing(self) -> "_MetadataRequest":
        """The model's metadata requests (a scikit-learn ``MetadataRequest``):
        ``sample_weight`` for fit and score, as set by :meth:`set_fit_request`
        and :meth:`set_score_request` (None until set). Needs scikit-learn."""
        return self._requests()

    def __sklearn_tags__(self) -> _Any:
        """scikit-learn (>= 1.6) tags: a binary classifier of dense, finite,
        two-dimensional numeric input that needs y."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags
        return Tags(estimator_type="classifier",
                    target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(multi_class=False),
                    input_tags=InputTags(two_d_array=True, allow_nan=False, sparse=False))

    def __sklearn_is_fitted__(self) -> bool:
        return self._model is not None

    def _checked_params(self) -> dict:
        """The hyper-parameters, type- and range-checked here (fit, not
        __init__, validates them, as scikit-learn's contract asks); the core
        checks the ranges it documents."""
        return dict(
            C=_args.number(self.C, "C"),
            fit_intercept=_args.flag(self.fit_intercept, "fit_intercept"),
            standardize=_args.flag(self.standardize, "standardize"),
            tol=_args.number(self.tol, "tol"),
            max_iter=_args.whole(self.max_iter, "max_iter", minimum=None,
                                 maximum=_args.limit("iterations")),
            threads=self._threads())

    def _threads(self) -> int:
        return _args.whole(self.threads, "threads", minimum=0, maximum=_args.limit("threads"),
                           hint=" (0: one per core)")

    def _class_weight_args(self) -> tuple:
        cw = self.class_weight
        if cw is None:
            return [], False
        if isinstance(cw, str):
            if cw != "balanced":
                raise ValueError(f"class_weight is {cw!r}: use None, 'balanced' or {{0: w0, 1: w1}}")
            return [], True
        if isinstance(cw, _Mapping):
            extra = set(cw) - {0, 1}
            if extra:
                raise ValueError(f"class_weight has keys {sorted(map(repr, extra))}: use 0 and 1")
            return [_args.number(cw.get(c, 1.0), f"class_weight[{c}]") for c in (0, 1)], False
        raise TypeError(f"class_weight must be None, 'balanced' or a dict, got {type(cw).__name__}")

    def fit(self, X: _Any, y: _Any, sample_weight: _Any = None) -> "ChurnModel":
        """Fits the model to X and the class labels y (two values; see the
        class); returns self. pandas X, y and ``sample_weight`` are paired by
        index label (the class docstring gives the rule)."""
        params = self._checked_params()
        if y is None:
            raise ValueError("ChurnModel requires y to be passed, but the target y is None")
        X, y, sample_weight = _paired(X, y, sample_weight)
        arr, names = _as_matrix(X)
        if arr.shape[1] == 0:
            raise ValueError(f"X has 0 feature(s) (shape=({arr.shape[0]}, 0)) while a minimum "
                             "of 1 is required.")
        if arr.shape[0] == 1:
            raise ValueError("X has 1 sample (n_samples = 1): a churn model needs rows of both "
                             "classes")
        classes, labels = _encode_labels(y, arr.shape[0])
        w = None
        if sample_weight is not None:
            w = _as_weights(sample_weight, "sample_weight")
            if w.shape[0] != arr.shape[0]:
                raise ValueError(f"sample_weight has {w.shape[0]} values but X has {arr.shape[0]} rows")
        cw, balanced = self._class_weight_args()
        model = _core.churn_fit(arr, labels, w, names or [], params["C"],
                                params["fit_intercept"], params["standardize"], cw, balanced,
                                params["tol"], params["max_iter"], params["threads"],
                                _frame_design(X, names))
        self._set_model(model, names is not None)
        self._classes = classes
        for text in model.warnings:
            _warnings.warn(text, ChurnDataWarning, stacklevel=2)
        if not model.converged:
            _warnings.warn(
                f"the churn model did not converge in {_args.counted(model.n_iter, 'iteration')}: "
                f"the gradient norm is {model.grad_norm:.3g} > tol = {self.tol:g} (raise max_iter "
                "or tol)", _convergence_warning(), stacklevel=2)
        return self

    @property
    def design_columns_(self) -> _Optional[list]:
        """The columns of the design the model reads (None without one): a model
        fitted on a ``churn_features`` frame (or a subset of its columns) and
        the default prior carry their design, saved in the model file, so C,
        C++ and other languages rebuild the same matrix from the features."""
        design = self._fitted().design
        return None if design is None else list(design.names)

    def _set_model(self, model: _Any, names_given: bool) -> None:
        self._model = model
        self._names_given = names_given

    @classmethod
    def _from_core(cls, model: _Any, names_given: bool = True) -> "ChurnModel":
        cw = model.class_weight
        obj = cls(model.C, fit_intercept=model.fit_intercept, standardize=model.standardize,
                  class_weight=cw, tol=model.tol, max_iter=model.max_iter)
        obj._set_model(model, names_given)
        return obj

    @classmethod
    def prior(cls, horizon_days: float = 90, *, rates: _Mapping | None = None,
              columns: _Mapping | None = None) -> "ChurnModel":
        """A model usable without training data, from segment base rates.

        ``rates`` overrides entries of the defaults: ``detractor`` 40% within 90
        days, ``early_life_detractor`` 50% / 90 days, ``passive`` 25% / 180 days,
        ``promoter`` 9% / 180 days and ``baseline`` (no answer yet) 5% / 90 days.
        Sources (npscore/churn.h ChurnPriorRates): the published ranges (40-50%
        for detractors, 20-30% for passives) where they exist, set to what the
        shipped sample (``npscore.datasets.load_sample()``) realises, pooled over
        monthly dates 2023-07 to 2025-09: detractors 40.3%, early-life 50.1%,
        passives 24.5%, promoters 8.8%, no answer 4.9%.
        Give a rate (keeping the default horizon) or a ``(rate, horizon_days)`` pair.
        Each rate is converted to ``horizon_days`` under a constant hazard:
        ``p_h = 1 - (1 - p_h0) ** (h / h0)``.

        The model reads four 0/1 columns of the ``churn_features`` frame:
        ``segment=detractor``, ``segment=passive`` (promoter is the reference
        level), ``has_response`` and ``early_life_detractor`` (rename them with
        ``columns={"detractor": ..., "passive": ..., "answered": ...,
        "early_life_detractor": ...}``). A customer without an answer gets the
        baseline rate; an answer with neither segment set is a promoter's. It is a
        logistic model (intercept logit(baseline); ``has_response`` adds
        logit(promoter) - logit(baseline); each segment column adds its log-odds
        over the promoter's; the early-life flag adds logit(early-life) -
        logit(detractor)), so :meth:`predict_proba` and :meth:`explain` work as for
        a fitted one. Extra columns of a DataFrame are ignored.
        """
        horizon_days = _args.number(horizon_days, "horizon_days")
        rates = _args.mapping(rates, "rates", "{segment: rate or (rate, horizon_days)}")
        for key, value in rates.items():
            if not isinstance(key, str):
                raise TypeError("rates keys must be segment names such as 'detractor', got "
                                f"{key!r}")
            if isinstance(value, (tuple, list)):
                if len(value) != 2:
                    raise ValueError(f"rates[{key!r}] is {value!r}: give a rate or a (rate, "
                                     "horizon_days) pair")
                rates[key] = (_args.number(value[0], f"rates[{key!r}] rate"),
                              _args.number(value[1], f"rates[{key!r}] horizon_days"))
            else:
                rates[key] = _args.number(value, f"rates[{key!r}]")
        columns = _args.mapping(columns, "columns", "{role: column name}")
        for key, value in columns.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"columns must map role names to column names (strings), got "
                                f"{key!r}: {value!r}")
        model = _core.churn_prior(horizon_days, rates, columns)
        return cls._from_core(model)

    @staticmethod
    def default_prior_rates() -> dict:
        """The prior's default ``{segment: (rate, horizon_days)}``."""
        return _core.churn_prior_rates()

    # -- fitted attributes -------------------------------------------------------
    def _fitted(self) -> _core._ChurnModel:
        if self._model is None:
            raise _not_fitted("this ChurnModel is not fitted yet: call fit(X, y) or use "
                              "ChurnModel.prior()")
        return self._model

    @property
    def classes_(self) -> _np.ndarray:
        """The two class labels, sorted; probabilities are of ``classes_[1]``.
        A prior model, or one read by :meth:`load`, has [0, 1]."""
        self._fitted()
        classes = getattr(self, "_classes", None)
        return (_np.array([0, 1]) if classes is None else classes).copy()

    # Typed properties (a lambda property reads as Any to a type checker).
    @property
    def coef_(self) -> _npt.NDArray[_np.float64]:
        return self._fitted().coef.copy()

    @property
    def intercept_(self) -> float:
        return float(self._fitted().intercept)

    @property
    def n_iter_(self) -> int:
        return int(self._fitted().n_iter)

    @property
    def converged_(self) -> bool:
        return bool(self._fitted().converged)

    @property
    def grad_norm_(self) -> float:
        return float(self._fitted().grad_norm)

    @property
    def objective_(self) -> float:
        return float(self._fitted().objective)

    @property
    def reference_(self) -> _npt.NDArray[_np.float64]:
        return self._fitted().reference.copy()

    @property
    def n_features_in_(self) -> int:
        return len(self._fitted().feature_names)

    @property
    def is_prior(self) -> bool:
        return bool(self._fitted().is_prior)

    @property
    def horizon_days(self) -> float:
        return float(self._fitted().horizon_days)

    @property
    def feature_names_in_(self) -> _np.ndarray:
        m = self._fitted()
        if not self._names_given:
            raise AttributeError("feature_names_in_ is set only when fit was given a DataFrame")
        return _np.array(m.feature_names, dtype=object)

    # -- scoring -------------------------------------------------------------------
    def _matrix(self, X: _Any) -> _np.ndarray:
        m = self._fitted()
        names = list(m.feature_names)
        X = _read_X(X)[0]
        if isinstance(X, _pd.DataFrame) and self._names_given:
            cols = [str(c) for c in X.columns]
            missing = [c for c in names if c not in cols]
            if missing:
                raise ValueError(f"X lacks the feature column(s) {missing} the model was fitted on")
            if not m.is_prior:
                extra = [c for c in cols if c not in names]
                if extra:
                    raise ValueError(f"X has column(s) {extra} the model was not fitted on")
            if cols != names:
                X = X.loc[:, [X.columns[cols.index(c)] for c in names]]
            if m.design is not None:
                _core.churn_check_columns(m, [str(c) for c in X.columns])
        arr, _ = _as_matrix(X)
        if arr.shape[1] != len(names):
            raise ValueError(f"X has {arr.shape[1]} features, but ChurnModel is expecting "
                             f"{len(names)} features as input ({', '.join(names[:20])})")
        return arr

    def predict_proba(self, X: _Any) -> _npt.NDArray[_np.float64]:
        """(n, 2) array: P(stay), P(churn) per row, like scikit-learn."""
        p = _core.churn_predict(self._fitted(), self._matrix(X))
        return _np.column_stack([1.0 - p, p])

    def predict(self, X: _Any, threshold: float = 0.5) -> _np.ndarray:
        """The label of each row: ``classes_[1]`` where its probability (of
        churn, for 0/1 labels) is above ``threshold``, else ``classes_[0]``."""
        threshold = _args.number(threshold, "threshold", lower=0, upper=1)
        positive = (self.predict_proba(X)[:, 1] > threshold).astype(_np.int64)
        return self.classes_[positive]

    def decision_function(self, X: _Any) -> _npt.NDArray[_np.float64]:
        """The log-odds of ``classes_[1]`` per row, ``intercept_ + X . coef_``
        (positive where :meth:`predict` gives ``classes_[1]`` at threshold 0.5)."""
        m = self._fitted()
        return self._matrix(X) @ _np.asarray(m.coef) + float(m.intercept)

    def score(self, X: _Any, y: _Any, sample_weight: _Any = None) -> float:
        """Accuracy of :meth:`predict` (threshold 0.5) against the labels y,
        weighted by ``sample_weight`` when given (scikit-learn's
        ``ClassifierMixin.score``). pandas inputs are paired by index label."""
        X, y, sample_weight = _paired(X, y, sample_weight)
        pred = self.predict(X)
        truth = _args.materialize(y, "y")
        truth = truth.to_numpy() if isinstance(truth, (_pd.Series, _pd.Index)) else \
            _np.asarray(truth)
        truth = truth.reshape(-1) if truth.ndim == 2 and 1 in truth.shape else truth
        if truth.shape != pred.shape:
            raise ValueError(f"y has {truth.size} labels but X has {pred.shape[0]} rows")
        hit = (pred == truth).astype(_np.float64)
        if sample_weight is None:
            return float(hit.mean())
        w = _as_weights(sample_weight, "sample_weight")
        if w.shape[0] != hit.shape[0]:
            raise ValueError(f"sample_weight has {w.shape[0]} values but X has {hit.shape[0]} rows")
        if not w.sum() > 0:
            raise ValueError("sample_weight sums to 0: the accuracy is undefined")
        return float(_np.average(hit, weights=w))

    def explain(self, X: _Any, top: int = 3, *, describe: _Mapping | None = None) -> _pd.DataFrame:
        """Reasons per row: the ``top`` features that raise the risk most.

        A feature's contribution is ``coef_j * (x_j - reference_j)`` on the log-odds
        scale, where ``reference_`` is 0 for a 0/1 indicator column (the one-hot
        reference level: "being a detractor" is the reason) and the training mean
        for other columns (prior models: 0). Only positive contributions are
        reasons; a row with fewer has missing slots (NaN contribution, missing text).

        Returns one row per row of X (its index kept) with ``churn_probability``
        and, for k = 1..top, ``reason_k`` (readable text), ``feature_k`` (column
        name) and ``contribution_k``; the text columns have pandas' ``str`` dtype
        (a missing slot is NaN), even when no row has a k-th reason. Text comes from ``describe`` (a mapping from
        column name to a format string with ``{value}`` and ``{name}``, or a
        callable of the value), then :data:`REASON_PHRASES`,
        then "name = value" (an indicator at 1 reads as its name). The scoring
        kernel runs in the core (one pass, no allocation per row); only the text is
        assembled here, once per distinct (feature, value).

        The core's reason rules apply to churn_features' columns (see
        ``npscore/churn.h``, DefaultChurnReasonRules): the score-history columns
        (score, mean_score, min_score, the segment columns, detractor_share,
        score_change, segment_change) are ONE reason, ``feature_k`` naming the
        first of them and ``contribution_k`` their net contribution, worded
        "score history: latest score 3, mean 4.5, lowest 2, 3 answers"; a column
        is no reason where it does not apply (the score columns of a customer who
        never answered, filled in by churn_features; days waiting without
        follow-up unless the customer is a detractor still waiting; changes
        below two answers), nor when its coefficient contradicts its documented
        direction (a higher score never raises the risk). Probabilities are
        unaffected.
        """
        top = _args.whole(top, "top", minimum=1, maximum=_args.limit("reasons"))
        describe = _args.mapping(describe, "describe",
                                 "{column: format string or callable}")
        X = _read_X(X)[0]
        arr = self._matrix(X)
        names = list(self._fitted().feature_names)
        _check_worded_values(arr, names)
        groups = [rule[0] for rule in _core.churn_reason_rules(names)]
        frame = X if isinstance(X, _pd.DataFrame) else _pd.DataFrame(arr, columns=names)
        n = arr.shape[0]
        out = {"churn_probability": _np.empty(n)}
        for k in range(1, top + 1):
            out[f"reason_{k}"] = _np.full(n, None, dtype=object)
            out[f"feature_{k}"] = _np.full(n, None, dtype=object)
            out[f"contribution_{k}"] = _np.empty(n)
        name_arr = _np.array(names + [None], dtype=object)  # index -1: no reason
        cached: dict = {}  # frame's columns as float arrays, for _row_getter
        worded: dict = {}  # (feature, value) -> its phrase, across chunks and ranks
        histories: dict = {}  # score-history phrases, by the bits of what they read
        # EXPLAIN_CHUNK rows at a time: the kernel's and the text's working
        # arrays are those of a part, not of every row (rows are independent).
        for start in range(0, n, EXPLAIN_CHUNK):
            block = arr[start:start + EXPLAIN_CHUNK]
            if not (block.flags.c_contiguous or block.flags.f_contiguous):
                block = _np.asfortranarray(block)  # the layout of arr, which is contiguous
            proba, feats, contrib = _core.churn_explain(self._fitted(), block, top,
                                                        self._threads())
            part = slice(start, start + len(block))
            out["churn_probability"][part] = proba
            rows_all = _np.arange(len(block))
            for k in range(top):
                f = feats[:, k].astype(_np.int64)
                has = f >= 0
                values = _np.where(has, block[rows_all, _np.where(has, f, 0)], _np.nan)
                # Text once per distinct (feature, value), then spread to the rows.
                text = out[f"reason_{k + 1}"][part]
                for j in _np.unique(f[has]):
                    rows = _np.nonzero(f == j)[0]
                    if groups[j] == SCORE_HISTORY and names[j] not in describe:
                        text[rows] = _history_phrases(frame, rows + start, cached, histories)
                        continue
                    uniq, inverse = _np.unique(values[rows], return_inverse=True)
                    phrases = _np.empty(len(uniq), dtype=object)
                    for u, v in enumerate(uniq.tolist()):
                        said = worded.get((j, v))
                        if said is None:
                            said = worded[(j, v)] = _phrase(names[j], v, 0.0, describe)
                        phrases[u] = said
                    text[rows] = phrases[inverse]
                out[f"feature_{k + 1}"][part] = name_arr[f]
                out[f"contribution_{k + 1}"][part] = _np.where(has, contrib[:, k], _np.nan)
        index = X.index if isinstance(X, _pd.DataFrame) else None
        frame = _pd.DataFrame(out, index=index, copy=False)  # the arrays above, not copies
        # pandas reads text columns as str (missing: NaN) but a column without a
        # single reason as object (None): every text column gets the same dtype.
        for k in range(1, top + 1):
            for name in (f"reason_{k}", f"feature_{k}"):
                if frame[name].dtype == object:
                    frame[name] = frame[name].astype("str")
        return frame

    def reason_stability(self, X: _Any, y: _Any, *, n_boot: int = 30, seed: int = 0,
                         sample_weight: _Any = None) -> "ReasonStability":
        """How much the reasons depend on the training sample.

        Refits this model's hyper-parameters on ``n_boot`` bootstrap samples of
        the rows of (X, y) (drawn with replacement, seeded by ``seed``) and
        explains X with each refit. Returns a :class:`ReasonStability`: per row
        of X, the share of refits whose top reason names the same feature or
        group as this model's (a row without a reason agrees with a refit
        without one); per coefficient, the share of refits with the same sign
        as this model's (0 counts as its own sign). Reasons whose row agrees
        in fewer than, say, 80% of refits, and coefficients whose sign flips
        in more than 10%, say more about the sample than about the customer.
        A sample without both classes (likely when churners are few: with one
        churner in n rows, about 37% of samples miss it) cannot be refit and
        is drawn again, so each refit sees both classes.
        """
        m = self._fitted()
        if m.is_prior:
            raise ValueError("a prior model has no training sample to resample: reason stability "
                             "is for fitted models")
        n_boot = _args.whole(n_boot, "n_boot", minimum=2, maximum=10000)
        seed = _args.whole(seed, "seed", minimum=0, maximum=2**32 - 1)
        X, y, sample_weight = _paired(X, y, sample_weight)
        arr = self._matrix(X)
        labels = _encode_labels(y, arr.shape[0])[1]
        w = None if sample_weight is None else _as_weights(sample_weight, "sample_weight")
        data = _pd.DataFrame(arr, columns=list(m.feature_names)) if self._names_given else arr
        threads = self._threads()
        base = _core.churn_explain(m, arr, 1, threads)[1][:, 0]
        coef = _np.sign(m.coef)
        rng = _np.random.default_rng(seed)
        agree = _np.zeros(arr.shape[0])
        same_sign = _np.zeros(len(coef))
        counted = labels if w is None else _np.where(w > 0, labels, -1)
        for _ in range(n_boot):
            idx = _both_classes(rng, counted)
            refit = type(self)(**self.get_params())
            with _warnings.catch_warnings():
                _warnings.simplefilter("ignore", ChurnDataWarning)
                _warnings.simplefilter("ignore", ConvergenceWarning)
                sub = data.iloc[idx] if isinstance(data, _pd.DataFrame) else arr[idx]
                refit.fit(sub, labels[idx], None if w is None else w[idx])
            agree += _core.churn_explain(refit._fitted(), arr, 1, threads)[1][:, 0] == base
            same_sign += _np.sign(refit._fitted().coef) == coef
        index = X.index if isinstance(X, _pd.DataFrame) else None
        per_row = _pd.Series(agree / n_boot, index=index, name="top_reason_agreement")
        signs = _pd.Series(same_sign / n_boot, index=list(m.feature_names), name="sign_stability")
        return ReasonStability(n_boot=n_boot, top_reason_agreement=per_row,
                               mean_top_reason_agreement=float(per_row.mean()),
                               sign_stability=signs,
                               unstable_signs=[k for k, v in signs.items() if v < 0.9])

    # -- persistence -----------------------------------------------------------------
    def save(self, path: _Any) -> None:
        """Writes the model to ``path`` (versioned binary format with a checksum,
        see npscore/churn.h); :meth:`load` reads it back bit for bit."""
        _core.churn_save(self._fitted(), _model_path(path, "write"))

    @classmethod
    def load(cls, path: _Any) -> "ChurnModel":
        """Reads a model written by :meth:`save`; a truncated, corrupted, foreign or
        newer-version file raises ValueError naming the cause."""
        file = _model_path(path, "read")
        try:
            model = _core.churn_load(file)
        except RuntimeError as e:  # an I/O failure the core did not word: name the file
            raise OSError(f"cannot read a churn model from {file!r}: {e}") from None
        names_given = not all(n == f"x{j}" for j, n in enumerate(model.feature_names))
        return cls._from_core(model, names_given)

    def _repr_html_(self) -> str:
        from . import _display as d
        if self._model is None:
            return d.table(repr(self), (), [], note="not fitted")
        m = self._model
        rows = [(name, d.number(c, 4)) for name, c in zip(m.feature_names, m.coef)]
        rows.append(("(intercept)", d.number(m.intercept, 4)))
        caption = (f"ChurnModel.prior over {m.horizon_days:g} days (segment base rates)"
                   if m.is_prior else
                   f"ChurnModel: {len(m.coef)} features, C={self.C!r}, "
                   f"{'converged' if m.converged else 'NOT converged'} in {m.n_iter} iterations")
        return d.table(caption, ("feature", "coefficient (log-odds)"), rows)

    def __repr__(self) -> str:
        if self._model is not None and self._model.is_prior:
            return f"ChurnModel.prior(horizon_days={self._model.horizon_days:g})"
        return (f"ChurnModel(C={self.C!r}, fit_intercept={self.fit_intercept!r}, "
                f"standardize={self.standardize!r}, class_weight={self.class_weight!r}, "
                f"tol={self.tol!r}, max_iter={self.max_iter!r})")


def _frame_design(X: _Any, names: _Optional[list]) -> _Any:
    """The core design of the columns `names` of a churn_features frame (its
    attrs), or None when X is no such frame or has columns the design lacks."""
    if not isinstance(X, _pd.DataFrame) or not names:
        return None
    text = X.attrs.get(DESIGN_ATTR)
    if not isinstance(text, str):
        return None
    try:
        design = _core.churn_design_parse(_base64.b64decode(text.encode("ascii"),
                                                            validate=True))
    except (ValueError, TypeError, UnicodeError):  # not a design: the frame was changed
        return None
    if not set(names) <= set(design.names):
        return None
    return design.select(names)


def _model_path(path: _Any, verb: str) -> str:
    """A model file path as a str; a directory or a NUL in the name is an
    error naming the path."""
    try:
        file = _os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a file path (str or os.PathLike), got "
                        f"{type(path).__name__}") from None
    if isinstance(file, bytes):
        file = _os.fsdecode(file)
    if "\x00" in file:
        raise ValueError(f"path {file!r} contains a NUL character")
    if _os.path.isdir(file):
        where = "from" if verb == "read" else "to"
        raise IsADirectoryError(f"cannot {verb} a churn model {where} {file!r}: it is a directory")
    return file


@_dataclasses.dataclass
class Evaluation:
    """Metrics of churn probabilities against outcomes (see :func:`evaluate`)."""
    n: int
    positives: int
    auc: float
    brier: float
    log_loss: float
    base_rate: float
    top_decile_rate: float
    lift: float
    reliability: _pd.DataFrame

    def to_dict(self) -> dict:
        d = _dataclasses.asdict(self)
        d["reliability"] = self.reliability.to_dict(orient="list")
        return d

    def __repr__(self) -> str:
        # Concise: the reliability table is an attribute to look at.
        return (f"Evaluation(n={self.n}, positives={self.positives}, auc={self.auc:.4f}, "
                f"brier={self.brier:.4f}, log_loss={self.log_loss:.4f}, "
                f"base_rate={self.base_rate:.4f}, lift={self.lift:.3f})")

    def _repr_html_(self) -> str:
        from . import _display as d
        rows = [(name, d.number(getattr(self, name), 4)) for name in
                ("auc", "brier", "log_loss", "base_rate", "top_decile_rate", "lift")]
        return d.table(f"Evaluation: {self.n:,} rows, {self.positives:,} positives",
                       ("metric", "value"), rows,
                       note=f"reliability: {len(self.reliability)} bins (.reliability)")


def evaluate(y_true: _Any, p: _Any, *, bins: int = 10) -> Evaluation:
    """Scores churn probabilities ``p`` (a vector, or the (n, 2) output of
    ``predict_proba``) against 0/1 outcomes.

    ``auc``: ROC AUC (Mann-Whitney; tied probabilities count 1/2, as
    scikit-learn's roc_auc_score). ``brier``: mean squared error. ``log_loss``:
    mean negative log-likelihood with p clipped to [eps, 1 - eps] (float64 eps, as
    scikit-learn). ``reliability``: rows sorted by p and cut into ``bins``
    equal-count bins (ties in row order), each with ``count``,
    ``mean_predicted`` and ``observed_rate``. ``lift``: the churn rate among the
    ceil(n / 10) rows with the highest p over the overall rate.

    When ``y_true`` and ``p`` are both pandas objects their rows are paired by
    index label (reordered if needed; different labels are an error naming
    the first missing on each side); arrays and lists pair by position.
    """
    bins = _args.whole(bins, "bins", minimum=None, maximum=_args.limit("bins"))
    y_true, p = _aligned(y_true=y_true, p=p)
    p = _args.materialize(p, "p")
    if isinstance(p, _pd.DataFrame):
        p = p.to_numpy()
    if _np.ndim(p) == 2:
        p_arr = _np.asarray(p)
        if p_arr.dtype.kind not in "fiub":
            raise TypeError(f"p must hold probabilities (numbers), got dtype {p_arr.dtype}")
        p_arr = p_arr.astype(_np.float64, copy=False)
    else:
        p_arr = _as_scores(p, "p").astype(_np.float64, copy=False)
    if p_arr.ndim == 2 and p_arr.shape[1] == 2:
        p_arr = p_arr[:, 1]
    p_arr = _np.ascontiguousarray(p_arr.reshape(-1) if p_arr.ndim == 2 and 1 in p_arr.shape else p_arr)
    if p_arr.ndim != 1:
        raise ValueError(f"p must be a vector or an (n, 2) array, got shape {p_arr.shape}")
    y = _as_labels(y_true, p_arr.shape[0], "y_true", "p has {n} values")
    d = _core.churn_evaluate(y, p_arr, bins)
    table = _pd.DataFrame({"bin": _np.arange(1, len(d["count"]) + 1), "count": d["count"],
                           "mean_predicted": d["mean_predicted"],
                           "observed_rate": d["observed_rate"]})
    return Evaluation(n=int(d["n"]), positives=int(d["positives"]), auc=d["auc"], brier=d["brier"],
                      log_loss=d["log_loss"], base_rate=d["base_rate"],
                      top_decile_rate=d["top_decile_rate"], lift=d["lift"], reliability=table)


def cross_validate(model: ChurnModel, X: _Any, y: _Any, *, k: int = 5, seed: int = 0,
                   sample_weight: _Any = None, bins: int = 10) -> _pd.DataFrame:
    """k-fold cross-validation: rows are shuffled with ``seed`` and cut into ``k``
    folds; each fold is scored by a model with ``model``'s parameters fitted on the
    other folds. Returns one row per fold (``fold``, ``n_train``, ``n_test``,
    ``auc``, ``brier``, ``log_loss``, ``lift``, ``n_iter``). For honest estimates
    on churn data prefer a split by time (train on an earlier period).

    The folds are the core's (``CrossValidateChurn``; C
    ``npscore_churn_cross_validate``): a SplitMix64-driven shuffle of the rows,
    so the same ``seed`` gives the same folds in every language; the first
    ``n % k`` folds hold one row more. Labels are any two values, as for
    :meth:`ChurnModel.fit`; pandas X, y and ``sample_weight`` are paired by
    index label, arrays by position."""
    if not isinstance(model, ChurnModel):
        raise TypeError(f"model must be a ChurnModel, got {type(model).__name__}")
    k = _args.whole(k, "k", minimum=2, maximum=None)
    seed = _args.whole(seed, "seed", minimum=0, maximum=2**64 - 1, none=True)
    if seed is None:  # fresh folds, as numpy's default_rng(None)
        seed = int(_np.random.default_rng().integers(2**63))
    bins = _args.whole(bins, "bins", minimum=None, maximum=_args.limit("bins"))
    X, y, sample_weight = _paired(X, y, sample_weight)
    arr, names = _as_matrix(X)
    labels = _encode_labels(y, arr.shape[0])[1]
    n = arr.shape[0]
    w = None if sample_weight is None else _as_weights(sample_weight, "sample_weight")
    if w is not None and len(w) != n:
        raise ValueError(f"sample_weight has {len(w)} values but X has {n} rows")
    params = model._checked_params()
    cw, balanced = model._class_weight_args()
    folds = _core.churn_cross_validate(
        arr, labels, w, params["C"], params["fit_intercept"], params["standardize"], cw,
        balanced, params["tol"], params["max_iter"], params["threads"], k, seed, bins)
    return _pd.DataFrame(folds)

# (end of model)
