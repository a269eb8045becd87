"""Distribution health over time: the shape of the distribution, not one
number.

`health` buckets responses into calendar periods in a time zone (per slice,
with relational and transactional surveys kept apart when a survey-kind
column is given) and returns one row per period and slice: n, the 0-10
histogram, the three shares with Wilson intervals, NPS with its interval, the
change against the previous period with its test, multiplicity-adjusted
p-values, trends, and health flags with the numbers that raised them.
`segment_trends` states each share's trend over the last periods. All
statistics are computed by the C++ core.
"""

from __future__ import annotations

import re

from typing import Any, Mapping, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _npscore
from . import _args
from ._convert import as_cutoffs, as_frame, as_scores, as_weights, column, names_rows, rows_of, instant as _instant
from ._convert import utc_index as _utc_index, utc_nanos as _utc_nanos
from ._groups import group_codes, is_int_key, keyed
from .nps import DEFAULT_CONFIDENCE, DEFAULT_CUTOFFS, DEFAULT_METHOD
from .priority import _latest_rows
from ._types import Adjust, ArrayLike, Basis, FloatArray, Freq, Method, Missing, Mode, RollUp

__all__ = ["health", "segment_trends", "migration", "attribute_change", "event_impact",
           "account_nps", "DEFAULT_THRESHOLDS", "FLAGS"]

#: Documented defaults of the health flags (see `health`): significance
#: level, minimum n, passive share that counts as vulnerable (Wilson lower
#: bound), passive growth in points per period with the NPS band that counts
#: as "stable", detractor surge and promoter erosion sizes in points, the
#: trend window; and the alerts against a trailing baseline: its length in
#: months, nps_drop's one-sided level and size in points, the CUSUM's k and h
#: (in standard errors), and the power at which min_detectable_drop is stated.
DEFAULT_THRESHOLDS: dict = _npscore.default_health_thresholds()
DEFAULT_ALPHA: float = DEFAULT_THRESHOLDS["alpha"]

#: Flag names by bit, as the core defines them.
FLAGS = {
    1: "low_n",
    2: "passive_vulnerability",
    4: "detractor_surge",
    8: "promoter_erosion",
    16: "nps_drop",
    32: "level_shift",
}

_SEGMENTS = {-1: "detractors", 0: "passives", 1: "promoters"}

# The ``flags`` text of every combination of flag bits.
_FLAG_TEXT = np.array([",".join(n for b, n in FLAGS.items() if v & b)
                       for v in range(2 * max(FLAGS))], dtype=object)


def _thresholds(thresholds: Any) -> dict:
    """Overrides of DEFAULT_THRESHOLDS: names as strings, values numbers (the
    core checks the names and ranges)."""
    out = _args.mapping(thresholds, "thresholds", "{name: value} (see DEFAULT_THRESHOLDS)")
    for key, value in out.items():
        if not isinstance(key, str):
            raise TypeError(f"thresholds keys must be names such as 'min_n', got {key!r}")
        out[key] = (_args.whole(value, f"thresholds[{key!r}]", minimum=None,
                                maximum=_args.limit("trend_periods"))
                    if key == "trend_periods" else _args.number(value, f"thresholds[{key!r}]"))
    return out


def _latest_only(customers: pd.Series, periods: np.ndarray, slices: np.ndarray,
                 times: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Mask of each customer's latest eligible response per (period, slice),
    by the core's one rule (npscore.priority.latest_responses): of answers
    at the same latest instant, the later row."""
    n_slices = int(slices.max()) + 1 if len(slices) else 1
    groups = np.where(eligible, periods.astype(np.int64) * n_slices + slices, -1)
    keep = np.zeros(len(customers), dtype=bool)
    keep[_latest_rows(customers, times, groups)] = True
    return keep


def _prepare(df: Any, score: str, time: str, freq: str, by: Any, kind: Any,
             basis: str, customer: str, tz: str, missing: str, start: Any, end: Any,
             window: Any = None, bucket: bool = True, by_needed: bool = False,
             scale_max: float = 10):
    """Scores, period codes, slice codes and the keys of both, as the core
    reads them, then the window's whole days (None without) and the time zone.
    With bucket=False (basis "all") the times themselves stand in the place of
    the period codes: the core then buckets them while counting
    (health_over_time, rolling_health_over_time)."""
    _args.option(basis, "basis", ("all", "latest"))
    _args.shared(freq=freq, missing=missing)
    tz = _args.time_zone(tz)
    if basis == "latest" and window is not None:
        raise ValueError("basis=\"latest\" is not available with rolling windows yet; "
                         "use calendar periods (window=None)")
    days = None
    if window is not None:
        span = _args.duration(window, "window") / pd.Timedelta(days=1)
        if not (span >= 1 and float(span).is_integer()):
            raise ValueError(f"window is {window!r}: give a whole number of days, e.g. '90D'")
        days = int(span)
    df, keys = keyed(as_frame(df), by, "by", empty=not by_needed)
    if kind is not None:
        df, kinds = keyed(df, [kind], "kind")
        keys = kinds + [k for k in keys if k != kinds[0]]
    scores = as_scores(column(df, score, "score"), f"column {score!r}")
    times = _utc_nanos(column(df, time, "time"), f"column {time!r}", tz)
    if start is None or end is None:
        t_min, t_max, _ = _npscore.time_range(times)  # one pass, NaT left out
        if t_min > t_max:
            raise ValueError(f"column {time!r} has no timestamps: nothing to bucket")
    lo = _instant(start, "start", tz) if start is not None else t_min
    hi = _instant(end, "end", tz) if end is not None else t_max
    if lo > hi:
        if start is not None and end is not None:
            raise ValueError(f"start ({start!r}) is after end ({end!r})")
        if start is not None:
            raise ValueError(f"start ({start!r}) is after the last time of column {time!r}: "
                             "no period to show")
        raise ValueError(f"end ({end!r}) is before the first time of column {time!r}: "
                         "no period to show")
    starts, labels = _npscore.period_grid(int(lo), int(hi), freq, tz)
    if not bucket and basis == "all":
        periods = times
    else:
        try:
            periods = _npscore.assign_periods(times, starts, labels, missing == "skip")
        except ValueError as e:
            raise ValueError(f"column {time!r}: {e}") from None
    if keys:
        slices, slice_keys = group_codes(df, keys)  # int8..int64: the core reads each
    else:
        slices, slice_keys = None, pd.DataFrame(index=range(1))
    dropped, kept = 0, None
    if basis == "latest":
        cust = column(df, customer, "customer")
        # Only rows that can count compete for "latest": a missing or
        # invalid score or a missing time does not hide an earlier scored
        # response. The others stay, so the core still reports them (an
        # error, or skipped / excluded): a bad score is never dropped unseen.
        x = scores.astype(np.float64, copy=False)
        with np.errstate(invalid="ignore"):
            eligible = (periods >= 0) & (x >= 0) & (x <= scale_max) & (x == np.floor(x))
        keep = _latest_only(cust, periods, slices if slices is not None else np.zeros(len(df), np.int64),
                            times, eligible) | ~eligible
        dropped = int((~keep).sum())
        kept = np.flatnonzero(keep)  # the core numbers these rows: errors name the table's
        scores, periods = np.ascontiguousarray(scores[keep]), np.ascontiguousarray(periods[keep])
        if slices is not None:
            slices = np.ascontiguousarray(slices[keep])
    return scores, periods, starts, labels, slices, slice_keys, dropped, days, tz, kept


@names_rows("df", score="score")
def health(
    df: Any,
    *,
    score: str = "score",
    time: str = "responded_at",
    freq: Freq = "M",
    by: Any = None,
    kind: Any = None,
    basis: Basis = "all",
    customer: str = "customer_id",
    tz: str = "UTC",
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    adjust: Adjust = "holm",
    thresholds: Optional[Mapping[str, float]] = None,
    missing: Missing = "error",
    start: Any = None,
    end: Any = None,
    window: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
    mode: Mode = "alert",
) -> pd.DataFrame:
    """Distribution health per period (and slice): one row per period.

    Parameters
    ----------
    df : table of responses: pandas, polars, pyarrow or any Arrow
        PyCapsule table (docs/python-inputs.md).
    score, time : column names of the score and the response timestamp.
        Times are a datetime column or text; naive ones are read in `tz`.
        Plain numbers are an error (npscore does not guess their unit:
        convert them with ``pd.to_datetime(col, unit="s")``), and so are
        naive and time-zone-aware times mixed in one column.
    freq : "D", "W" (ISO weeks, Monday first), "M" or "Q", in time zone `tz`
        (an IANA name such as "Europe/Berlin").
    by : slice column(s) (region, plan, ...), or key Series (aligned on
        df's index and labelled by their names, as in pandas' groupby).
        Missing keys form their own slice; categorical keys keep their dtype
        and only categories that occur are slices (``observed=True``).
    kind : survey-kind column or key Series (relational / transactional):
        kept apart as the first slice key.
    basis : "all" responses, or each `customer`'s "latest" response in the
        period (the number left out is ``df.attrs["dropped_by_basis"]``; of
        answers at the same instant, the later row: npscore's tie rule).
    method, confidence : the NPS interval (see `npscore.summarize`).
    adjust : "holm" (default), "bh" (Benjamini-Hochberg) or "none": the
        adjustment across all periods and slices of the descriptive
        p-values (``change_p_adjusted``, ``*_change_p_adjusted``,
        ``passive_trend_p_adjusted``). The flags follow `mode`.
    thresholds : overrides of `DEFAULT_THRESHOLDS` for the flags.
    mode : how the p-values behind the flags are adjusted. "alert"
        (default): Holm within each period over its slices x flag tests, so
        each period is judged as it was when it closed and a longer history
        never makes a flag harder to raise. "review": Benjamini-Hochberg over
        every period, slice and flag test (a retrospective look at the whole
        history). ``attrs["flag_mode"]`` and ``attrs["flag_adjustment"]``
        say which was used.
    missing : "skip" leaves out missing scores (counted in ``skipped``) and
        missing timestamps (counted in ``df.attrs["excluded"]``).
    start, end : the range of periods (default: the data's range), so that
        leading or trailing empty periods appear as rows with n = 0.
    window : rolling windows instead of calendar periods, e.g. "90D": each
        row covers the `window` days before the end of its period (the last
        90 days at each month end with freq="M"); ``window_start`` and
        ``window_end`` give the bounds. Overlapping windows share responses,
        so the tests against the previous row, the trends and the flags
        resting on them are NaN / off; shares, NPS, intervals and the
        passive-share and low-n flags are given.

    Returns
    -------
    DataFrame with the slice keys, ``period``, ``period_start`` (UTC),
    ``n``, counts, ``skipped``, ``score_0`` .. ``score_10``, shares with
    ``_low``/``_high`` Wilson bounds, ``nps``, ``se``, ``ci_low``,
    ``ci_high``, ``nps_change`` (against the previous period), ``change_se``,
    ``change_p``, ``change_p_adjusted``, ``detractor_change`` and
    ``promoter_change`` (points) with adjusted p-values, ``passive_trend``
    and ``nps_trend`` (points per period over the trend window),
    ``passive_trend_p_adjusted``; against the trailing baseline:
    ``baseline_from`` / ``baseline_to`` (its first and last period),
    ``baseline_n``, ``baseline_nps``, ``nps_vs_baseline`` with
    ``vs_baseline_se``, ``drop_p``, ``detractor_vs_baseline`` with
    ``surge_p``, ``promoter_vs_baseline`` with ``erosion_p``,
    ``passive_growth_p`` (all one-sided) and their ``*_adjusted`` (by
    `mode`, within a family of ``flag_family`` tests), ``cusum``,
    ``min_detectable_drop``; boolean ``flag_*`` columns, ``flags`` (the
    names, comma-separated) and ``reasons`` (the numbers behind them).

    Flags (thresholds in `DEFAULT_THRESHOLDS`). The *baseline* of a period
    is its slice's responses pooled over the `baseline_months` before it
    (12 months: 12 monthly, 4 quarterly, 52 weekly periods); with fewer than
    min_n responses on either side there is no verdict.

    - ``low_n``: n < min_n, no verdicts.
    - ``nps_drop``: NPS at least drop_points below the baseline, one-sided
      p below drop_alpha after adjustment: half the two-sided p of
      `npscore.compare`'s score test (method "score", test "auto").
    - ``level_shift``: Page's lower CUSUM of z = (NPS - baseline NPS) /
      SE(difference), S = max(0, S - z - cusum_k), reaches cusum_h; the sum
      and the baseline then restart after the period.
    - ``detractor_surge`` / ``promoter_erosion``: the share at least the
      threshold above / below the baseline, one-sided p below alpha after
      adjustment (the pooled two-proportion test; exact mid-p below 10).
    - ``passive_vulnerability``: the Wilson lower bound of the passive share
      >= passive_share_high, or passives growing >= passive_trend_points a
      period (one-sided p below alpha after adjustment) while the NPS moved
      less than stable_nps_points over the trend window.

    ``se`` is the NPS's standard error; ``min_detectable_drop`` is the drop
    that period would reveal with probability `power`:
    (z[1 - drop_alpha/m] + z[power]) * 100 * sqrt(V (1/n + 1/baseline_n)),
    V the baseline's per-respondent variance, m the flag tests of the period
    (never below drop_points). Rolling windows have no baseline tests.
    """
    _args.shared(method=method, adjust=adjust, confidence=confidence)
    _args.option(mode, "mode", ("alert", "review"))
    thresholds = _thresholds(thresholds)
    # Calendar periods over all responses: the core finds each row's period
    # while counting (no period codes written and read back).
    fused = basis == "all"
    prepared = _prepare(df, score, time, freq, by, kind, basis, customer, tz, missing, start,
                        end, window, bucket=not fused, scale_max=as_cutoffs(cutoffs).scale_max)
    scores, periods, starts, labels, slices, slice_keys, dropped, days, zone, kept = prepared
    n_periods, n_slices = len(labels), len(slice_keys)
    args = (as_cutoffs(cutoffs), missing, method, float(confidence), adjust, thresholds,
            mode, freq)
    if fused:
        try:
            if window is None:
                cols = _npscore.health_over_time(scores, periods, starts, labels, slices,
                                                 n_slices, *args)
            else:  # the core finds each window (days ending at the period end)
                cols = _npscore.rolling_health_over_time(scores, periods, starts, labels, zone,
                                                         days, slices, n_slices, *args)
        except ValueError as e:
            if str(e).startswith("time at row"):
                raise ValueError(f"column {time!r}: {e}") from None
            raise
    else:
        try:
            cols = _npscore.health_table(scores, periods, n_periods, slices, n_slices, *args)
        except ValueError as e:
            raise (e if kept is None else rows_of(e, kept)) from None
    out = _table_frame(cols, labels, starts, slice_keys, window)
    # Slices without a single response (unobserved categories) are dropped.
    if slices is not None:
        seen = (cols["n"] + cols["skipped"]).reshape(n_slices, n_periods).sum(axis=1) > 0
        if not seen.all():
            out = out[np.repeat(seen, n_periods)].reset_index(drop=True)
    out.attrs.update(keys=[str(c) for c in slice_keys.columns], method=method,
                     confidence=float(confidence), adjust=adjust, freq=freq, tz=tz, basis=basis, window=None if window is None else str(window),
                     thresholds=cols["thresholds"],
                     excluded=int(cols["excluded"]), dropped_by_basis=dropped,
                     **_flag_attrs(cols, freq, window))
    return out


def _table_frame(cols: dict, labels: Sequence[str], starts: np.ndarray,
                 slice_keys: pd.DataFrame, window: Any = None) -> pd.DataFrame:
    """The rows of a health table (the core's columns `cols`, slice-major)
    as `health` returns them: the slice keys, the period labels and starts
    (len(labels) + 1 bounds), then the statistics, flags and baseline
    columns. Shared with `npscore.monitor` (its closed periods)."""
    n_slices, n_periods = len(slice_keys), len(labels)
    # One frame from a dict of columns (inserting ~50 columns one by one costs
    # more than the compiled table at a million rows).
    data: dict = {}
    data["period"] = np.tile(np.asarray(labels, dtype=object), n_slices)
    data["period_start"] = _utc_index(np.tile(starts[:-1], n_slices))
    if window is not None:
        data["window_start"] = _utc_index(np.tile(cols["window_start"], n_slices))
        data["window_end"] = _utc_index(np.tile(cols["window_end"], n_slices))
    for name in ("n", "detractors", "passives", "promoters", "skipped"):
        data[name] = cols[name]
    hist = cols["histogram"]
    for b in range(hist.shape[1]):
        data[f"score_{b}"] = hist[:, b]
    for name in ("share_detractors", "share_detractors_low", "share_detractors_high",
                 "share_passives", "share_passives_low", "share_passives_high",
                 "share_promoters", "share_promoters_low", "share_promoters_high",
                 "nps", "se", "ci_low", "ci_high", "nps_change", "change_se", "change_p",
                 "change_p_adjusted", "detractor_change", "detractor_change_p_adjusted",
                 "promoter_change", "promoter_change_p_adjusted", "passive_trend",
                 "passive_trend_p_adjusted", "nps_trend"):
        data[name] = cols[name]
    bits = cols["flags"]
    for bit, name in FLAGS.items():
        data[f"flag_{name}"] = (bits & bit) != 0
    data["flags"] = _FLAG_TEXT[bits]
    data["reasons"] = cols["reasons"]
    data.update(_baseline_columns(cols, labels, n_slices))
    keys = slice_keys.loc[slice_keys.index.repeat(n_periods)].reset_index(drop=True)
    out = pd.concat([keys, pd.DataFrame(data)], axis=1)  # the key columns keep their dtypes
    return out


def _baseline_columns(cols: dict, labels: Sequence[str], n_slices: int) -> dict:
    """The alert columns of a health table, with the baseline's first and
    last period as labels (None where a row has no baseline)."""
    first = cols["baseline_first"]
    period = np.tile(np.arange(len(labels)), n_slices)
    has = (first >= 0) & (first < period)
    names = np.asarray(labels, dtype=object)
    out = {
        "baseline_from": np.where(has, names[np.clip(first, 0, None)], None),
        "baseline_to": np.where(has, names[np.clip(period - 1, 0, None)], None),
    }
    for name in ("baseline_n", "baseline_nps", "nps_vs_baseline", "vs_baseline_se", "drop_p",
                 "drop_p_adjusted", "detractor_vs_baseline", "surge_p", "surge_p_adjusted",
                 "promoter_vs_baseline", "erosion_p", "erosion_p_adjusted", "passive_growth_p",
                 "passive_growth_p_adjusted", "flag_family", "cusum", "min_detectable_drop"):
        out[name] = cols[name]
    return out


def _flag_attrs(cols: dict, freq: str, window: Any) -> dict:
    """What the flags compared against and how they were adjusted, in words."""
    mode = cols["flag_mode"]
    th = cols["thresholds"]
    if window is not None:
        baseline = "none (rolling windows overlap: no baseline tests)"
    else:
        baseline = (f"the {th['baseline_months']:g} months before each period "
                    f"({cols['baseline_periods']} periods of {freq!r}), pooled per slice")
    adjustment = ("Holm within each period over its slices x flag tests" if mode == "alert"
                  else "Benjamini-Hochberg over all periods, slices and flag tests")
    return {"flag_mode": mode, "flag_adjustment": adjustment, "baseline": baseline,
            "baseline_periods": int(cols["baseline_periods"])}


@names_rows("df", score="score")
def segment_trends(
    df: Any,
    *,
    periods: int = 6,
    score: str = "score",
    time: str = "responded_at",
    freq: Freq = "M",
    by: Any = None,
    kind: Any = None,
    basis: Basis = "all",
    customer: str = "customer_id",
    tz: str = "UTC",
    adjust: Adjust = "holm",
    alpha: float = DEFAULT_ALPHA,
    missing: Missing = "error",
    start: Any = None,
    end: Any = None,
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """The trend of each segment's share over the last `periods` periods:
    one row per segment (and slice).

    The slope (points per period) is the least-squares line through the
    period shares weighted by their n, tested with the binomial variance
    pooled over the window (Cochran-Armitage); p-values are adjusted across
    all slices and segments. ``direction`` is "rising" or "falling" when the
    adjusted p-value is below `alpha`, else "flat" — so "passives growing 2
    points a month while NPS is flat" is stated, not eyeballed.
    """
    periods = _args.whole(periods, "periods", minimum=None,
                          maximum=_args.limit("trend_periods"))
    alpha = _args.number(alpha, "alpha", lower=0, upper=1, lower_open=True, upper_open=True)
    _args.shared(adjust=adjust)
    prepared = _prepare(df, score, time, freq, by, kind, basis, customer, tz, missing, start, end,
                        scale_max=as_cutoffs(cutoffs).scale_max)
    scores, per, starts, labels, slices, slice_keys = prepared[:6]
    try:
        cols = _npscore.segment_trends(scores, per, len(labels), slices, len(slice_keys),
                                       as_cutoffs(cutoffs), missing, periods, adjust)
    except ValueError as e:
        raise (e if prepared[9] is None else rows_of(e, prepared[9])) from None
    return _trends_frame(cols, slice_keys, labels, periods, alpha, slices is not None)


def _trends_frame(cols: dict, slice_keys: pd.DataFrame, labels: list, periods: int,
                  alpha: float, sliced: bool) -> pd.DataFrame:
    """The segment_trends table from the core's columns (npscore.spark
    lays out the trends of its summed histograms here too)."""
    out = slice_keys.take(cols["slice"]).reset_index(drop=True)
    out["segment"] = [_SEGMENTS[s] for s in cols["segment"]]
    first = max(0, len(labels) - periods)
    out["from_period"] = labels[first]
    out["to_period"] = labels[-1]
    for name in ("periods", "n", "start_share", "end_share", "slope_points", "slope_se", "z",
                 "p_value", "p_adjusted"):
        out[name] = cols[name]
    significant = out["p_adjusted"] < alpha
    out["direction"] = np.where(~significant, "flat",
                                np.where(out["slope_points"] > 0, "rising", "falling"))
    out = out[out["n"] > 0].reset_index(drop=True) if sliced else out
    return out


_SEGMENT_NAMES = ["detractors", "passives", "promoters"]


def _codes_or_error(values: pd.Series, name: str) -> np.ndarray:
    """Codes of an id column (customer, account, contact); a missing id is an
    error naming its row."""
    if values.isna().any():
        row = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ValueError(f"{name} at row {row} is missing")
    codes, _ = pd.factorize(values)
    return np.ascontiguousarray(codes, dtype=np.int64)


@names_rows("df", score="score")
def migration(
    df: Any,
    *,
    customer: str = "customer_id",
    score: str = "score",
    time: str = "responded_at",
    freq: Optional[Freq] = None,
    tz: str = "UTC",
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """Segment moves between consecutive responses of the same customer.

    Returns one row per "from" segment (per period of the later response when
    `freq` is given) with the counts ``to_detractors``, ``to_passives``,
    ``to_promoters``, their ``rate_*`` (shares of the row) and ``pairs``.
    ``attrs`` hold the totals and the promoter-to-passive erosion
    (``promoter_to_passive``, ``promoter_to_passive_rate``), the move behind
    many NPS declines (docs/sources.md section 4). Responses of one customer at
    the same instant follow in row order (npscore's tie rule, see
    `latest_responses`).
    """
    df = as_frame(df)
    tz = _args.time_zone(tz)
    if freq is not None:
        _args.shared(freq=freq)
    _args.shared(missing=missing)
    scores = as_scores(column(df, score, "score"), f"column {score!r}")
    ids = column(df, customer, "customer")
    if is_int_key(ids):  # the core takes any int64 ids (never missing): messages name them
        customers = np.ascontiguousarray(ids.to_numpy(), dtype=np.int64)
    else:
        customers = _codes_or_error(ids, f"column {customer!r}")
    times = _utc_nanos(column(df, time, "time"), f"column {time!r}", tz)
    if freq is None:
        periods, labels = np.zeros(len(df), dtype=np.int32), ["all"]
    else:
        t_min, t_max, _ = _npscore.time_range(times)
        if t_min > t_max:
            raise ValueError(f"column {time!r} has no timestamps")
        starts, labels = _npscore.period_grid(t_min, t_max, freq, tz)
        periods = _npscore.assign_periods(times, starts, labels, missing == "skip")
    try:
        res = _npscore.migration(scores, customers, times, periods, len(labels),
                                 as_cutoffs(cutoffs), missing)
    except ValueError as e:
        if is_int_key(ids):
            raise
        # Name the customer by its id, not by the code it was given here.
        uniques = pd.unique(ids)
        raise ValueError(re.sub(r"customer (\d+)",
                                lambda m: f"customer {uniques[int(m.group(1))]!r}",
                                str(e))) from None
    totals = {t: int(res[t]) for t in ("pairs", "customers", "excluded", "skipped")}
    return _migration_table(res["counts"], totals, labels, freq)


def _migration_table(counts: np.ndarray, totals: dict, labels: list,
                     freq: Any) -> pd.DataFrame:
    """The migration table from the move counts (period, from, to) and the
    totals (pairs, customers, excluded, skipped); npscore.spark adds the
    counts up across partitions and lays them out here too."""
    rows = []
    for p, label in enumerate(labels):
        for f, name in enumerate(_SEGMENT_NAMES):
            c = counts[p, f]
            total = int(c.sum())
            row = {"period": label, "from": name, "pairs": total}
            for t, to in enumerate(_SEGMENT_NAMES):
                row[f"to_{to}"] = int(c[t])
            for t, to in enumerate(_SEGMENT_NAMES):
                row[f"rate_{to}"] = c[t] / total if total else np.nan
            rows.append(row)
    out = pd.DataFrame(rows)
    if freq is None:
        out = out.drop(columns="period")
    overall = counts.sum(axis=0)
    promoters_from = int(overall[2].sum())
    out.attrs.update(
        pairs=totals["pairs"], customers=totals["customers"], excluded=totals["excluded"],
        skipped=totals["skipped"], promoter_to_passive=int(overall[2, 1]),
        promoter_to_passive_rate=overall[2, 1] / promoters_from if promoters_from else np.nan)
    return out


@names_rows("df", score="score")
def attribute_change(
    df: Any,
    *,
    by: Any,
    period_a: Any,
    period_b: Any,
    score: str = "score",
    time: str = "responded_at",
    freq: Freq = "M",
    tz: str = "UTC",
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """The NPS change from period `period_a` to `period_b` decomposed over the
    slices `by` into a mix effect (the slice's share of respondents changed)
    and a rate effect (the slice's NPS changed), symmetrically:
    ``mix = (w_b - w_a)(N_a + N_b)/2``, ``rate = (w_a + w_b)/2 (N_b - N_a)``.
    The ``total`` column sums exactly (up to rounding) to NPS(b) - NPS(a),
    given in ``attrs["change"]``; rows are sorted by |total|, largest first,
    so the first rows are the slices that drove the change. Periods are
    labels of `freq` as `health` prints them ("2025-03", "2025Q1", ...).
    """
    scores, periods, starts, labels, slices, slice_keys = _prepare(
        df, score, time, freq, by, None, "all", "", tz, missing, None, None, by_needed=True)[:6]
    want = []
    for name, label in (("period_a", period_a), ("period_b", period_b)):
        label = str(label)
        if label not in labels:
            raise ValueError(f"{name} {label!r} is not a period of the data; periods run "
                             f"{labels[0]} .. {labels[-1]} at freq {freq!r}")
        want.append(labels.index(label))
    cut = as_cutoffs(cutoffs)
    counts = []
    for p in want:
        mask = periods == p
        try:
            cols = _npscore.by_group(np.ascontiguousarray(scores[mask]),
                                     np.ascontiguousarray(slices[mask]), len(slice_keys), None,
                                     cut, missing, DEFAULT_METHOD, 0.95, 0.0)
        except ValueError as e:  # the core numbers the period's rows: name the table's
            raise rows_of(e, np.flatnonzero(mask)) from None
        counts.append([_npscore.Counts(int(d), int(pa), int(pr))
                       for d, pa, pr in zip(cols["detractors"], cols["passives"],
                                            cols["promoters"])])
    res = _npscore.attribute_change(counts[0], counts[1])
    out = slice_keys.copy()
    out["n_a"] = [c.n for c in counts[0]]
    out["n_b"] = [c.n for c in counts[1]]
    for name in ("weight_a", "weight_b", "nps_a", "nps_b", "mix", "rate", "total"):
        out[name] = res[name]
    out = out[(out["n_a"] > 0) | (out["n_b"] > 0)]
    out = out.iloc[np.argsort(-np.abs(out["total"].to_numpy()), kind="stable")].reset_index(drop=True)
    out.attrs.update(period_a=labels[want[0]], period_b=labels[want[1]],
                     nps_a=res["overall_a"], nps_b=res["overall_b"], change=res["change"])
    return out


@names_rows("df", score="score")
def event_impact(
    df: Any,
    events: Any,
    *,
    window: Any = "30D",
    by: Any = None,
    score: str = "score",
    time: str = "responded_at",
    event_time: str = "time",
    tz: str = "UTC",
    adjust: Adjust = "holm",
    missing: Missing = "error",
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """NPS in a window before and after each event (release, pricing change,
    outage, ...), overall or per slice, and the test of the difference.

    `window` is a pandas Timedelta ("30D") or a (before, after) pair. Each
    row: the event's columns (prefixed ``event_`` where a slice key has the
    same name), the slice keys, ``n_before``, ``nps_before``
    with ``ci_low_before``/``ci_high_before``, the same ``_after``, ``diff``
    (after - before), ``se``, ``z``, ``p_value``, ``p_adjusted`` (across all
    rows, `adjust`), ``ci_low``/``ci_high`` for the difference, and
    ``outside_data`` when neither window holds a response (an event outside
    the data's range is reported, not an error).
    """
    df = as_frame(df)
    if not isinstance(events, pd.DataFrame):
        try:
            events = (as_frame(events, "events") if hasattr(events, "__arrow_c_stream__")
                      else pd.DataFrame(events))
        except (ValueError, TypeError):
            raise TypeError("events must be a DataFrame (or records) with a time column, got "
                            f"{type(events).__name__}") from None
    if isinstance(window, (tuple, list)):
        if len(window) != 2:
            raise ValueError(f"window is {window!r}: give one duration or a (before, after) pair")
        before, after = window
    else:
        before = after = window
    before = _args.duration(before, "window" if before is window else "window[0]")
    after = _args.duration(after, "window" if after is window else "window[1]")
    for w, label in ((before, "before"), (after, "after")):
        if w < pd.Timedelta(0):
            raise ValueError(f"window ({label}) is {w}: it must be >= 0")
    before_ns, after_ns = int(before.value), int(after.value)
    tz = _args.time_zone(tz)
    _args.shared(adjust=adjust, missing=missing, method=method, confidence=confidence)
    scores = as_scores(column(df, score, "score"), f"column {score!r}")
    times = _utc_nanos(column(df, time, "time"), f"column {time!r}", tz)
    event_ns = _utc_nanos(column(events, event_time, "event time"),
                          f"events column {event_time!r}", tz)
    df, keys = keyed(df, by, "by")
    if keys:
        slices, slice_keys = group_codes(df, keys)
        slices = np.ascontiguousarray(slices, dtype=np.int64)
    else:
        slices, slice_keys = None, pd.DataFrame(index=range(1))
    rows = _npscore.event_impact(scores, times, slices, len(slice_keys), event_ns, before_ns,
                                 after_ns, as_cutoffs(cutoffs), missing, method,
                                 float(confidence))
    records = []
    ev_frame = events.rename(columns={c: f"event_{c}" for c in events.columns if c in keys})
    if keys and len(slice_keys) == 0:
        rows = []  # no response, so no slice (the core reads an empty slice column as none)
    for ev, sl, b, a, c, outside in rows:
        rec = ev_frame.iloc[int(ev)].to_dict()
        rec.update(slice_keys.iloc[int(sl)].to_dict() if keys else {})
        rec.update(n_before=b.n, nps_before=b.nps, ci_low_before=b.ci_low,
                   ci_high_before=b.ci_high, n_after=a.n, nps_after=a.nps,
                   ci_low_after=a.ci_low, ci_high_after=a.ci_high, diff=c.diff, se=c.se,
                   z=c.z, p_value=c.p_value, ci_low=c.ci_low, ci_high=c.ci_high,
                   outside_data=bool(outside))
        records.append(rec)
    stats = ["n_before", "nps_before", "ci_low_before", "ci_high_before", "n_after", "nps_after",
             "ci_low_after", "ci_high_after", "diff", "se", "z", "p_value", "ci_low", "ci_high",
             "outside_data"]
    out = pd.DataFrame(records, columns=[*ev_frame.columns, *keys, *stats])
    for k in keys:  # the records hold plain values: the keys get their dtype back
        if isinstance(slice_keys[k].dtype, pd.CategoricalDtype):
            out[k] = pd.Categorical(out[k], dtype=slice_keys[k].dtype)
    if len(out):
        out["p_adjusted"] = _npscore.adjust_p_values(
            np.ascontiguousarray(out["p_value"].to_numpy(dtype=np.float64)), adjust)
    out.attrs.update(window_before=str(pd.Timedelta(before)), window_after=str(pd.Timedelta(after)),
                     adjust=adjust)
    return out


def adjust_p_values(p: ArrayLike, *,
                    adjust: Adjust = "holm") -> Union[FloatArray, "pd.Series[float]"]:
    """P-values adjusted for testing a family of hypotheses at once.

    ``adjust`` (as in `health`, `segment_trends` and `event_impact`):
    "holm" (Holm 1979: controls the family-wise error rate),
    "bh" (Benjamini-Hochberg 1995: controls the false discovery rate) or
    "none". Each p must lie in [0, 1]; NaN means "no test": it is left out
    of the family and stays NaN. Returns a float64 array, or a Series with
    the same index when given a Series (statsmodels' ``multipletests`` gives
    the same values for "holm" and "fdr_bh").
    """
    _args.shared(adjust=adjust)  # the core parses it, ignoring case
    values = as_weights(p, "p")
    out = _npscore.adjust_p_values(values, adjust)
    if isinstance(p, pd.Series):
        return pd.Series(out, index=p.index, name=p.name)
    return out


@names_rows("df", score="score")
def account_nps(
    df: Any,
    *,
    account: str,
    contact: Optional[str] = None,
    how: RollUp = "pooled",
    weight: Optional[str] = None,
    min_n: float = 1,
    score: str = "score",
    time: str = "responded_at",
    tz: str = "UTC",
    missing: Missing = "error",
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """B2B roll-up: one row per account, and the account-level NPS.

    `how`: "pooled" (every response counts once), "average" (the account's
    mean score is segmented: one vote per account) or "latest" (each
    `contact`'s latest response only, pooled; needs `contact` and `time`;
    of answers at the same instant, the later row: npscore's tie rule).
    `weight` names a per-account revenue column (constant within an account):
    the account-level NPS is then revenue-weighted with Kish's effective n.
    Columns: the account, ``responses``, ``contacts``, ``mean_score``, ``nps``
    (within the account), ``segment`` (of the mean score), ``small`` (fewer
    than `min_n` responses: left out of the overall figure) and the weight.
    ``attrs["overall"]`` is the account-level summary (a dict).
    """
    df = as_frame(df)
    _args.shared(how=how, missing=missing, method=method, min_n=min_n, confidence=confidence)
    tz = _args.time_zone(tz)
    scores = as_scores(column(df, score, "score"), f"column {score!r}")
    acc = column(df, account, "account")
    _codes_or_error(acc, f"column {account!r}")  # a missing account id is an error
    acc_codes, acc_keys = pd.factorize(acc, sort=True)
    acc_codes = np.ascontiguousarray(acc_codes, dtype=np.int64)
    contacts = (None if contact is None else
                _codes_or_error(column(df, contact, "contact"), f"column {contact!r}"))
    times = None
    if how == "latest":
        times = _utc_nanos(column(df, time, "time"), f"column {time!r}", tz)
    weights = None
    if weight is not None:
        w = as_scores(column(df, weight, "weight"), f"column {weight!r}").astype(np.float64)
        bad = ~(np.isfinite(w) & (w >= 0))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(f"column {weight!r} at row {row} (account {acc.iloc[row]!r}) is "
                             f"{'NaN' if np.isnan(w[row]) else w[row]}: weights must be finite "
                             "and >= 0")
        lo = np.full(len(acc_keys), np.inf)
        hi = np.full(len(acc_keys), -np.inf)
        np.minimum.at(lo, acc_codes, w)
        np.maximum.at(hi, acc_codes, w)
        differs = ~(lo == hi)
        if differs.any():
            a = int(np.flatnonzero(differs)[0])
            raise ValueError(f"column {weight!r} differs within account {acc_keys[a]!r} "
                             f"({lo[a]} vs {hi[a]}): give one weight per account")
        weights = np.ascontiguousarray(lo)
    # No response: every roll-up is empty (the core reads empty columns as none given).
    core_how = "pooled" if len(scores) == 0 else how
    res = _npscore.account_nps(scores, acc_codes, len(acc_keys), contacts, times, core_how, weights,
                               float(min_n), as_cutoffs(cutoffs), missing, method,
                               float(confidence))
    out = pd.DataFrame({account: acc_keys})
    for name in ("responses", "contacts", "mean_score", "nps"):
        if name == "contacts" and contact is None:
            continue
        out[name] = res[name]
    seg = res["segment"]
    out["segment"] = [_SEGMENTS.get(int(s), None) for s in seg]
    out["small"] = res["small"].astype(bool)
    if weights is not None:
        out[weight] = weights
    out.attrs.update(overall=res["overall"].to_dict(), how=how, min_n=float(min_n))
    return out
