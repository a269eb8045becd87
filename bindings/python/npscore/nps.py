"""Segmentation and NPS with honest uncertainty.

Scores are segmented into detractors (0-6), passives (7-8) and promoters
(9-10) by default; NPS, its standard error and interval bounds are on the
-100..100 scale. Every statistic is computed by the C++ core; this module
only converts inputs and shapes outputs.
"""

from __future__ import annotations

import operator

from typing import Any, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _npscore
from ._args import option as _option, shared as _shared
from ._convert import aligned, as_cutoffs, as_frame, as_scores, as_weights, column, factorized, \
    foreign_column, names_rows
from ._groups import arrow_chunks, arrow_keys, arrow_strings, group_codes, is_int_key, keyed
from ._types import ArrayLike, CompareTest, Method, Missing, WeightBy

Summary = _npscore.Summary
Comparison = _npscore.Comparison
Counts = _npscore.Counts
Cutoffs = _npscore.Cutoffs

# The core's defaults (written once, in the C++ option structs).
DEFAULT_METHOD: Method = _npscore.defaults["method"]
DEFAULT_CUTOFFS: tuple = tuple(_npscore.defaults["cutoffs"])
DEFAULT_CONFIDENCE: float = _npscore.defaults["confidence"]
DEFAULT_MIN_N: float = _npscore.defaults["min_n"]
#: The segment code of a row without a valid score (int8 -128).
NO_SEGMENT: int = _npscore.defaults["no_segment"]

#: How revenue weights count: "account" (default) counts each account's
#: weight once, spread evenly over its responses; "response" gives every
#: response its account's full weight.
WEIGHT_BY = ("account", "response")

__all__ = [
    "Comparison", "Counts", "Cutoffs", "Summary",
    "segment", "count", "summarize", "summarize_counts", "compare", "by_group",
]


@names_rows(score="scores")
def segment(scores: ArrayLike, *, cutoffs: Any = DEFAULT_CUTOFFS) -> npt.NDArray[np.int8]:
    """Segment codes of scores: -1 detractor, 0 passive, +1 promoter (int8).

    NPS = 100 * mean(codes). Missing, non-integer or out-of-scale scores raise
    ValueError naming the first offending row and its value.
    """
    return _npscore.segment(as_scores(scores), as_cutoffs(cutoffs))


@names_rows(score="scores")
def count(scores: ArrayLike, *, cutoffs: Any = DEFAULT_CUTOFFS,
          missing: Missing = "error") -> Counts:
    """Respondents per segment: the mergeable aggregate (`Counts.merge`)."""
    _shared(missing=missing)
    return _npscore.count(as_scores(scores), as_cutoffs(cutoffs), missing)


def _spread_over_accounts(scores: np.ndarray, weights: np.ndarray, accounts: Any,
                          within: Sequence[Any] = (), role: str = "account") -> np.ndarray:
    """Per-response weights that count each account's weight once: every
    response of an account (within the same `within` keys) gets the
    account's weight divided by the number of its responses with a score.
    Rows without a score keep their weight (they are skipped or rejected
    by the core)."""
    accounts = foreign_column(accounts)
    # A Series keeps its own dtype (Arrow text is factorized by Arrow, not
    # converted to Python objects first).
    acc = accounts if isinstance(accounts, pd.Series) else \
        pd.Series(np.asarray(accounts, dtype=object), copy=False)
    if len(acc) != len(weights):
        raise ValueError(f"{role} has {len(acc)} rows but there are {len(weights)} scores")
    lost = acc.isna().to_numpy()
    if lost.any():
        row = int(np.flatnonzero(lost)[0])
        raise ValueError(f"{role} at row {row} is missing: weighting by account needs every "
                         "weighted response's account (or weight_by=\"response\")")
    counted = np.isnan(scores) if scores.dtype.kind == "f" else None  # not counted, for now
    if counted is not None:
        counted = None if not counted.any() else np.logical_not(counted, out=counted)
    # One code per (within keys..., account) group (missing keys form their
    # own group), then each row's count of scored responses in its group.
    group = factorized(acc, read_only=True)
    for k in within:
        key = pd.factorize(k if isinstance(k, pd.Series) else pd.Series(np.asarray(k), copy=False),
                           use_na_sentinel=False)[0]
        group = key.astype(np.int64) * (int(group.max(initial=-1)) + 1) + group
        # Counted as they are while a count per possible code takes no more
        # than the codes themselves; else renumbered first.
        if int(group.max(initial=-1)) >= max(len(group), 1 << 16):
            group = pd.factorize(group)[0]
    groups = int(group.max(initial=-1)) + 1
    n = np.bincount(group if counted is None else group[counted], minlength=groups)[group]
    # A row of no scored response (n = 0) keeps its weight: w / 1 is w.
    return np.ascontiguousarray(weights / np.maximum(n, 1, out=n), dtype=np.float64)


def _revenue_weights(scores: np.ndarray, weights: np.ndarray | None, account: Any,
                     weight_by: str, within: Sequence[Any] = (),
                     role: str = "account") -> np.ndarray | None:
    """The weights the core gets under the `weight_by` rule."""
    _option(weight_by, "weight_by", WEIGHT_BY)
    if weights is None or account is None or weight_by == "response":
        return weights
    return _spread_over_accounts(scores, weights, account, within, role)


@names_rows(score="scores", weight="weights")
def summarize(
    scores: ArrayLike,
    weights: ArrayLike | None = None,
    *,
    account: Any = None,
    weight_by: WeightBy = "account",
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> Summary:
    """NPS of a score column with its standard error and confidence interval.

    Parameters
    ----------
    scores : array-like of numbers
        Answers on 0..scale_max (default 0-10). NaN/None are missing.
    weights : array-like of float, optional
        Per-response weights (e.g. account ARR or CLV). Counts then become
        weighted sums and the SE uses Kish's effective sample size
        ``n_effective = (sum w)^2 / sum w^2``.
    account : array-like, optional
        The account (customer) of each response, for revenue weights. With
        `weights` and the default ``weight_by="account"``, each account's
        weight is counted once: each of its responses weighs
        ``weight / (its responses with a score)``, so the weighted NPS is the
        revenue-weighted mean of the accounts' own NPS and accounts that
        answer more often weigh no more. Without `account`, each response is
        its own account. A missing account id is an error.
    weight_by : {"account", "response"}
        "response": every response carries its full weight (the account's
        revenue counted once per answer; inflated when frequent answerers
        are happier). Ignored without `weights`.
    method : {"adjusted-wald", "wald", "score"}
        Interval method: "adjusted-wald" (Rocks 2016: adds 0.75 detractors,
        1.5 passives and 0.75 promoters), "wald", or "score" (Tango's 1998
        score interval, never outside [-100, 100]).
    confidence : float
        Two-sided confidence level in (0, 1).
    missing : {"error", "skip"}
        "skip" leaves missing scores out and reports their number in
        ``skipped``.
    cutoffs : (detractor_max, passive_max[, scale_max])
        Segment cut-offs; default (6, 8, 10).
    """
    _shared(method=method, confidence=confidence, missing=missing)
    # pandas scores, weights and accounts pair by index label (docs/python-inputs.md).
    scores, weights, account = aligned(scores=scores, weights=weights, account=account)
    values = as_scores(scores)
    w = _revenue_weights(values, as_weights(weights), account, weight_by)
    return _npscore.summarize(values, w, as_cutoffs(cutoffs), missing, method,
                              float(confidence))


def _whole_count(value: Any, name: str) -> int:
    """A count as an exact int (floats only when whole)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    try:
        count = operator.index(value)  # ints of any size, exactly
    except TypeError:
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a whole number, got {value!r}") from None
        if not np.isfinite(f) or f != int(f):
            raise ValueError(f"{name} is {value!r}: counts must be whole numbers >= 0") from None
        count = int(f)
    if count < 0:
        raise ValueError(f"{name} is {value!r}: counts must be whole numbers >= 0")
    if count >= 2**63:
        raise ValueError(f"{name} is {value!r}: counts must be below 2**63")
    return count


def summarize_counts(
    detractors: Any,
    passives: Any,
    promoters: Any,
    *,
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Summary:
    """NPS with SE and interval from segment counts (see `summarize`)."""
    _shared(method=method, confidence=confidence)
    counts = Counts(
        _whole_count(detractors, "detractors"),
        _whole_count(passives, "passives"),
        _whole_count(promoters, "promoters"),
    )
    return _npscore.summarize_counts(counts, method, float(confidence))


COMPARE_METHOD: Method = _npscore.defaults["compare_method"]
COMPARE_TEST: CompareTest = "auto"


def compare(
    a: Any,
    b: Any,
    *,
    method: Method = COMPARE_METHOD,
    test: CompareTest = COMPARE_TEST,
    confidence: float = DEFAULT_CONFIDENCE,
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> Comparison:
    """Compares two independent samples: ``diff = nps(a) - nps(b)``.

    `a` and `b` are score arrays or `Summary` objects. The two-sided
    ``p_value`` and the interval ``[ci_low, ci_high]`` come from one test, so
    they always agree: ``p_value < 1 - confidence`` exactly when 0 lies
    outside the interval. ``test`` names the test used.

    method : {"score", "wald", "adjusted-wald"}
        "score" (default): the score test of equal NPS, its variance taken at
        the maximum-likelihood segment shares restricted to the null, and the
        interval of the differences it does not reject. "wald": ``z = diff /
        se`` and ``diff +- z se`` (large samples only). "adjusted-wald": the
        same after adding 0.375 detractors, 0.75 passives and 0.375 promoters
        to each sample.
    test : {"auto", "asymptotic", "exact", "mid-p"}
        "auto" (default): with the score method and unweighted samples, the
        exact mid-p permutation test when the smaller sample has fewer than 10
        respondents, else the method's asymptotic test. "exact" / "mid-p"
        (score method, unweighted, smaller sample of at most 1000): the
        permutation test of ``|diff|`` given the pooled segment counts,
        conventional or mid-p; the interval is then the score interval at the
        exact critical value. Weighted samples use their effective counts and
        the asymptotic test.
    confidence : float
        Two-sided level in (0, 1) of the interval (and of the agreement rule).
    missing, cutoffs
        As for `summarize`, when `a` or `b` are scores.
    """
    def as_summary(x: Any, label: str) -> Summary:
        if isinstance(x, Summary):
            return x
        try:
            return summarize(x, method=method, confidence=confidence, missing=missing,
                             cutoffs=cutoffs)
        except (ValueError, TypeError) as e:
            raise type(e)(f"sample {label}: {e}") from None

    if not isinstance(test, str):
        raise TypeError(f"test must be a string (\"auto\", \"asymptotic\", \"exact\" or "
                        f"\"mid-p\"), got {test!r}")
    return _npscore.compare(as_summary(a, "a"), as_summary(b, "b"), method,
                            float(confidence), test)


def _grouped(df: pd.DataFrame, by: Sequence[str], scores: np.ndarray,
             weights: np.ndarray | None, args: tuple) -> tuple[pd.DataFrame, dict]:
    """The key columns and the core's per-group columns, one row per group
    that has rows, sorted by key. Missing keys form their own group: no row
    is dropped."""
    if len(by) == 1 and is_int_key(column(df, by[0], "group")):
        # Integer keys: the core groups them directly (no factorizing pass
        # when they are dense).
        key = df[by[0]]
        keys, cols = _npscore.by_key(
            scores, np.ascontiguousarray(key.to_numpy(), dtype=np.int64), weights, *args)
        return pd.DataFrame({by[0]: keys.astype(key.dtype, copy=False)}), cols
    arrow = arrow_strings(column(df, by[0], "group")) if len(by) == 1 else None
    if arrow is not None:
        # An Arrow-backed text key: the core counts each key's rows straight
        # from the Arrow buffers in one pass, with no codes array.
        rows, has_missing, cols = _npscore.by_utf8_key(scores, *arrow_chunks(arrow), weights,
                                                       *args)
        keys = arrow_keys(df[by[0]], arrow, rows, has_missing)
        return pd.DataFrame({by[0]: keys}), cols
    codes, out = group_codes(df, by)
    cols = _npscore.by_group(scores, codes, len(out), weights, *args)
    # Groups without a single row (unobserved categories) are not reported.
    present = (cols["rows"] > 0) | (cols["skipped"] > 0)
    if not present.all():
        cols = {k: v[present] for k, v in cols.items()}
        out = out[present].reset_index(drop=True)
    return out, cols


@names_rows("df", score="score", weight="weight")
def by_group(
    df: Any,
    score: str = "score",
    by: Any = None,
    weight: str | None = None,
    *,
    account: str | None = None,
    weight_by: WeightBy = "account",
    min_n: float = DEFAULT_MIN_N,
    method: Method = DEFAULT_METHOD,
    confidence: float = DEFAULT_CONFIDENCE,
    missing: Missing = "error",
    cutoffs: Any = DEFAULT_CUTOFFS,
) -> pd.DataFrame:
    """NPS by group over one or more key columns: one row per group.

    `df` is any table docs/python-inputs.md lists (pandas, polars, pyarrow,
    Arrow PyCapsule). `by` names the key column(s); a key may also be a
    Series, aligned on df's index and labelled by its name, as in pandas'
    groupby. Categorical keys keep their dtype; only categories that occur
    are rows (pandas' ``observed=True``).

    Columns: the keys, ``n``, ``detractors``, ``passives``, ``promoters``,
    the three shares, ``nps``, ``se``, ``ci_low``, ``ci_high``, ``small``
    (n, or n_effective when weighted, below `min_n`), ``skipped``, and
    ``n_effective`` and ``rows`` (responses counted) when weighted. Groups
    are sorted by key; rows with a missing key form their own group rather
    than being dropped.

    Revenue weights (`weight`, e.g. ``"arr"``) with `account` (the column of
    account or customer ids) and the default ``weight_by="account"`` count
    each account's weight once within each group: each of its responses in
    the group weighs ``weight / (its responses in the group)``.
    ``weight_by="response"`` (or no `account`) gives every response the full
    weight. See `summarize`.

    Speed: integer keys are grouped directly by the core and categorical
    keys by their codes; a text key (Python strings) must first be coded,
    in C++ (fast when equal values share one object, as after ``read_csv``;
    other keys are factorized by pandas), which still dominates the time,
    so for repeated grouping convert it once with ``df[key].astype("category")``.
    """
    if by is None:
        raise TypeError("by_group() needs `by`: one key column name or a list of them")
    _shared(method=method, confidence=confidence, missing=missing, min_n=min_n)
    df, keys = keyed(as_frame(df), by, "by", empty=False)
    scores = as_scores(column(df, score, "score"), f"column {score!r}")
    weights = None if weight is None else as_weights(column(df, weight, "weight"),
                                                     f"column {weight!r}")
    if weights is not None and account is not None and weight_by == "account":
        weights = _revenue_weights(
            scores, weights, column(df, account, "account"), weight_by,
            within=[column(df, k, "group") for k in keys], role=f"column {account!r}")
    else:
        _option(weight_by, "weight_by", WEIGHT_BY)
    out, cols = _grouped(df, keys, scores, weights,
                         (as_cutoffs(cutoffs), missing, method, float(confidence), float(min_n)))
    n = cols["n"]
    for name in ("n", "detractors", "passives", "promoters"):
        out[name] = cols[name] if weights is not None else cols[name].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        for seg in ("detractors", "passives", "promoters"):
            out[f"share_{seg}"] = np.where(n > 0, cols[seg] / np.where(n > 0, n, 1), np.nan)
    for name in ("nps", "se", "ci_low", "ci_high"):
        out[name] = cols[name]
    out["small"] = cols["small"]
    out["skipped"] = cols["skipped"]
    if weights is not None:
        out["n_effective"] = cols["n_effective"]
        out["rows"] = cols["rows"]
    out.attrs["method"] = method
    out.attrs["confidence"] = float(confidence)
    out.attrs["min_n"] = float(min_n)
    if weights is not None:
        out.attrs["weight_by"] = weight_by if account is not None else "response"
    return out


# --- Display (repr and Jupyter) -----------------------------------------------------------------
# Set on the core's result classes here, so that one definition serves the
# console and the notebook. A weighted Summary's `n` is the weight sum: it is
# shown as `weight_sum`, never as `n`, beside the responses counted (`rows`)
# and Kish's effective sample size.


def _interval_text(low: float, high: float, confidence: float, method: str) -> str:
    return f"[{low:.1f}, {high:.1f}] ({100 * confidence:g}% {method})"


def _summary_repr(s: Summary) -> str:
    head = f"Summary(nps={s.nps:.2f}, ci=[{s.ci_low:.2f}, {s.ci_high:.2f}], "
    if s.weighted:
        size = f"rows={s.rows}, weight_sum={s.n:.10g}, n_effective={s.n_effective:.1f}, "
    else:
        size = f"n={s.n}, "
    skipped = f"skipped={s.skipped}, " if s.skipped else ""
    return f"{head}{size}{skipped}method='{s.method}')"


def _summary_html(s: Summary) -> str:
    from . import _display as d

    shares = (s.share_detractors, s.share_passives, s.share_promoters)
    counts = (s.detractors, s.passives, s.promoters)
    label = "weight" if s.weighted else "respondents"
    rows = [(seg, d.number(c), f"{100 * sh:.1f}%")
            for seg, c, sh in zip(("detractors", "passives", "promoters"), counts, shares)]
    if s.weighted:
        rows.append(("total (weight_sum)", d.number(s.n), "100.0%"))
        note = (f"{s.rows:,} responses counted; weighted: effective n "
                f"{s.n_effective:,.1f} (Kish); SE {s.se:.2f}")
    else:
        rows.append(("total (n)", d.number(s.n), "100.0%"))
        note = f"SE {s.se:.2f}"
    if s.skipped:
        note += f"; {s.skipped:,} missing scores skipped"
    caption = f"NPS {s.nps:.1f} {_interval_text(s.ci_low, s.ci_high, s.confidence, s.method)}"
    return d.table(caption, ("segment", label, "share"), rows, note)


def _comparison_repr(c: Comparison) -> str:
    return (f"Comparison(diff={c.diff:.2f}, ci=[{c.ci_low:.2f}, {c.ci_high:.2f}], "
            f"p_value={c.p_value:.4g}, test='{c.test}')")


def _comparison_html(c: Comparison) -> str:
    from . import _display as d

    rows = [("diff (a − b)", d.number(c.diff)), ("SE", d.number(c.se)), ("z", d.number(c.z)),
            ("p-value", f"{c.p_value:.4g}"), ("test", c.test)]
    caption = (f"NPS difference {c.diff:+.1f} "
               f"{_interval_text(c.ci_low, c.ci_high, c.confidence, c.method)}")
    return d.table(caption, (), rows)


def _counts_repr(c: Counts) -> str:
    return (f"Counts(detractors={c.detractors}, passives={c.passives}, "
            f"promoters={c.promoters}, skipped={c.skipped})")


def _counts_html(c: Counts) -> str:
    from . import _display as d

    n = c.n
    rows = [(seg, d.number(v), f"{100 * v / n:.1f}%" if n else "–")
            for seg, v in (("detractors", c.detractors), ("passives", c.passives),
                           ("promoters", c.promoters))]
    rows.append(("total (n)", d.number(n), "100.0%" if n else "–"))
    note = f"{c.skipped:,} missing scores skipped" if c.skipped else ""
    return d.table("Counts per segment", ("segment", "respondents", "share"), rows, note)


Summary.__repr__ = _summary_repr
Summary._repr_html_ = _summary_html
Comparison.__repr__ = _comparison_repr
Comparison._repr_html_ = _comparison_html
Counts.__repr__ = _counts_repr
Counts._repr_html_ = _counts_html


def _counts_dict(c: Counts) -> dict:
    """The fields as a plain dict (JSON-ready ints), as Summary.to_dict."""
    return {"n": c.n, "detractors": c.detractors, "passives": c.passives,
            "promoters": c.promoters, "skipped": c.skipped}


Counts.to_dict = _counts_dict
