"""Plots (matplotlib, imported lazily so that npscore works without it).

Every plot follows matplotlib's and pandas' habit and leaves matplotlib's
global state alone (it never selects a backend):

- without ``ax=`` it draws on a new ``matplotlib.figure.Figure`` that pyplot
  does not track and returns that Figure. So it renders exactly once in
  Jupyter (as the cell's value), ``savefig`` works under any backend, and a
  script or a long-running service accumulates no open figures;
- with ``ax=`` (an Axes of your own figure, e.g. from ``plt.subplots()``) it
  draws there and returns that Axes, as ``DataFrame.plot`` and seaborn do;
  nothing else is created, and your figure shows as pyplot shows it (once).

To show a figure in a window from a script, draw on your own Axes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, overload

import numpy as np
import pandas as pd

from . import _args
from ._convert import is_foreign_table, utc_nanos

if TYPE_CHECKING:  # matplotlib is optional at run time
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["health", "calibration", "roc", "lift", "forest", "frequency_recency_matrix",
           "probability_alive_matrix", "theme_impact"]

_COLORS = {"detractors": "#d62728", "passives": "#bdbdbd", "promoters": "#2ca02c"}
_NPS_COLOR = "#1f77b4"

#: At most this many groups in a forest plot (one row each), and this many
#: frequencies / recencies on a CLV matrix axis.
MAX_FOREST_ROWS = 100
MAX_MATRIX_SIDE = 2000


def _canvas(ax: Any, figsize: tuple[float, float]) -> tuple["Figure", "Axes", bool]:
    """(figure, axes, created): `ax` and its figure, or a new untracked Figure."""
    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize)
        return fig, fig.subplots(), True
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    # An Axes of a SubFigure: return the figure that saves and displays.
    return ax.figure.figure, ax, False


def _finish(fig: "Figure", ax: "Axes", created: bool) -> "Figure | Axes":
    """A plot's value: the Figure made here (laid out), or the caller's Axes
    (its figure keeps its own layout)."""
    if created:
        fig.tight_layout()
        return fig
    return ax


def _type_name(obj: Any) -> str:
    """The type of `obj` as a user writes it: ``list``, ``pandas.Series``,
    ``polars.DataFrame`` (its top-level package, not the defining module)."""
    cls = type(obj)
    package = cls.__module__.split(".")[0]
    return cls.__qualname__ if package == "builtins" else f"{package}.{cls.__qualname__}"


def _table(table: Any, name: str, needs: Sequence[str], source: str) -> pd.DataFrame:
    """`table` as a DataFrame holding the columns `needs`, else an error
    naming `source` (the function whose output is expected)."""
    # pandas, polars and Arrow tables (as_frame names a LazyFrame's fix).
    if not (isinstance(table, pd.DataFrame) or is_foreign_table(table)):
        raise TypeError(f"{name} must be the DataFrame {source} returns, got "
                        f"{_type_name(table)}")
    frame = _args.frame(table, name)
    lacking = [c for c in needs if c not in frame.columns]
    if lacking:
        raise ValueError(f"{name} lacks the column(s) {lacking}: give the DataFrame {source} "
                         "returns")
    if frame.empty:
        raise ValueError(f"{name} has no rows: nothing to plot")
    return frame


# --- Distribution health ------------------------------------------------------------------------


@overload
def health(table: Any, *, where: Optional[Mapping[str, Any]] = None, events: Any = None,
           title: Optional[str] = None, ax: None = None) -> "Figure": ...


@overload
def health(table: Any, *, where: Optional[Mapping[str, Any]] = None, events: Any = None,
           title: Optional[str] = None, ax: "Axes") -> "Axes": ...


def health(table: Any, *, where: Optional[Mapping[str, Any]] = None, events: Any = None,
           title: Optional[str] = None, ax: Optional["Axes"] = None) -> "Figure | Axes":
    """Stacked segment shares per period with the NPS line and its interval
    band on a second axis, flagged periods marked and events drawn as
    vertical lines.

    Parameters
    ----------
    table : the DataFrame returned by `npscore.health` (or it as a polars
        or Arrow table).
    where : slice to draw, e.g. ``{"plan": "starter"}``; required when the
        table has several slices (with ``by=`` and ``kind=``, name both).
    events : optional table (pandas, polars or Arrow) with ``time`` and
        ``label`` columns.
    ax : a matplotlib Axes to draw on; a new Figure otherwise.

    Returns a new Figure, or `ax` when given.
    """
    table = _table(table, "table", ("period", "period_start", "nps", "ci_low", "ci_high",
                                    "flags", "flag_low_n"), "npscore.health")
    if where is not None and not isinstance(where, Mapping):
        raise TypeError(f"where must be a mapping {{column: value}}, got {type(where).__name__}")
    event_ns = None
    if is_foreign_table(events):
        events = _args.frame(events, "events")
    if events is not None and len(events):
        if not isinstance(events, pd.DataFrame) or "time" not in events.columns:
            raise ValueError("events must be a DataFrame with a 'time' column (and 'label')")
        event_ns = utc_nanos(events["time"], "events column 'time'", "UTC")
    t = table
    for key, value in (where or {}).items():
        if key not in t.columns:
            raise ValueError(f"where: column {key!r} not in the health table")
        t = t[t[key] == value]
    if t["period"].duplicated().any():
        # npscore.health puts the slice keys first (a polars or Arrow copy
        # has no attrs).
        slice_cols = list(table.attrs.get("keys") or
                          table.columns[:list(table.columns).index("period")])
        chosen = set(where or {})
        raise ValueError(f"the table has several slices ({slice_cols}): choose one with where= "
                         f"naming {[c for c in slice_cols if c not in chosen] or slice_cols}")
    if t.empty:
        raise ValueError(f"no rows match where={dict(where or {})}")
    fig, ax, created = _canvas(ax, (10, 4.8))
    x = np.arange(len(t))
    bottom = np.zeros(len(t))
    for seg in ("detractors", "passives", "promoters"):
        share = 100 * t[f"share_{seg}"].fillna(0).to_numpy()
        ax.bar(x, share, bottom=bottom, color=_COLORS[seg], width=0.8, label=seg)
        bottom += share
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of responses (%)")
    ax.set_xticks(x)
    ax.set_xticklabels(t["period"], rotation=45, ha="right", fontsize=8)
    nps_ax = ax.twinx()
    nps_ax.fill_between(x, t["ci_low"], t["ci_high"], color=_NPS_COLOR, alpha=0.2,
                        label="NPS interval")
    nps_ax.plot(x, t["nps"], color=_NPS_COLOR, marker="o", lw=2, label="NPS")
    nps_ax.set_ylabel("NPS")
    nps_ax.set_ylim(-100, 100)
    nps_ax.axhline(0, color="black", lw=0.5)
    flagged = t["flags"].str.len().to_numpy() > 0
    low_n = t["flag_low_n"].to_numpy(dtype=bool)
    marks = flagged & ~low_n
    if marks.any():
        nps_ax.scatter(x[marks], t["nps"].to_numpy()[marks], s=120, facecolors="none",
                       edgecolors="black", linewidths=1.5, zorder=5, label="flagged")
    if event_ns is not None:
        starts = utc_nanos(t["period_start"], "period_start", "UTC")
        for (_, ev), when in zip(events.iterrows(), event_ns):
            pos = np.searchsorted(starts, when, side="right") - 1
            if 0 <= pos < len(t):
                ax.axvline(pos, color="black", ls="--", lw=1)
                label = str(ev.get("label", ""))
                ax.text(pos, 98, label if len(label) <= 32 else label[:31] + "…", rotation=90,
                        va="top", ha="right", fontsize=7)
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = nps_ax.get_legend_handles_labels()
    ax.legend(handles + h2, labels + l2, loc="lower left", fontsize=7, ncol=3)
    ax.set_title(title or "Distribution health")
    return _finish(fig, ax, created)


# --- Churn model evaluation ---------------------------------------------------------------------


def _scored(y_true: Any, p: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    """(Evaluation, y, p) for `y_true` and `p` as `npscore.evaluate` reads and
    pairs them (it checks both, and pairs pandas inputs by index); y and p
    as float arrays in y_true's row order."""
    from .churn import evaluate

    y_true = _args.materialize(y_true, "y_true")
    p = _args.materialize(p, "p")
    ev = evaluate(y_true, p)
    if isinstance(p, pd.DataFrame):
        p = p.iloc[:, -1] if p.shape[1] == 2 else p.iloc[:, 0]
    if isinstance(p, pd.Series) and isinstance(y_true, pd.Series) and not p.index.equals(
            y_true.index):
        p = p.reindex(y_true.index)  # evaluate's rule: rows paired by label
    p_arr = np.asarray(p, dtype=np.float64)
    if p_arr.ndim == 2:
        p_arr = p_arr[:, -1] if p_arr.shape[1] == 2 else p_arr.reshape(-1)
    y_arr = np.asarray(y_true, dtype=np.float64).reshape(-1)
    if np.isnan(p_arr).any():  # labels that do not pair
        raise ValueError("y_true and p have different index labels: give them the same rows")
    return ev, y_arr, p_arr


def _descending(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative positives and rows at each distinct threshold, from the
    highest p down (ties form one step, as ROC curves do)."""
    order = np.argsort(-p, kind="mergesort")
    ps, ys = p[order], y[order]
    last = np.r_[np.flatnonzero(np.diff(ps) != 0), len(ps) - 1]
    return np.cumsum(ys)[last], last + 1.0


def _unit_square(ax: "Axes", diagonal: str, xlabel: str, ylabel: str, legend: str,
                 title: str) -> None:
    """The frame of calibration and ROC plots: [0, 1]², the diagonal drawn
    and labelled `diagonal`, axis labels, legend and title."""
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label=diagonal)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(loc=legend, fontsize=8)
    ax.set_title(title)


@overload
def calibration(y_true: Any, p: Any = None, *, bins: int = 10, title: Optional[str] = None,
                ax: None = None) -> "Figure": ...


@overload
def calibration(y_true: Any, p: Any = None, *, bins: int = 10, title: Optional[str] = None,
                ax: "Axes") -> "Axes": ...


def calibration(y_true: Any, p: Any = None, *, bins: int = 10, title: Optional[str] = None,
                ax: Optional["Axes"] = None) -> "Figure | Axes":
    """Reliability diagram of churn probabilities: the observed churn rate
    against the mean predicted probability in each of ``bins`` equal-count
    bins (the ``reliability`` table of `npscore.evaluate`), with the diagonal
    of perfect calibration; the Brier score in the legend.

    `y_true` is the 0/1 outcomes with `p` the probabilities (a vector or
    ``predict_proba``'s (n, 2) output), or an `Evaluation` from
    `npscore.evaluate` with `p` left out. Returns a new Figure, or `ax`
    when given.
    """
    from .churn import Evaluation, evaluate

    if isinstance(y_true, Evaluation):
        if p is not None:
            raise TypeError("calibration: give an Evaluation alone, or y_true and p")
        ev = y_true
    else:
        if p is None:
            raise TypeError("calibration needs p (the probabilities) with y_true, or an "
                            "Evaluation from npscore.evaluate")
        ev = evaluate(y_true, p, bins=bins)
    rel = ev.reliability
    fig, ax, created = _canvas(ax, (5.6, 5.2))
    size = 20 + 180 * rel["count"].to_numpy() / max(1, int(rel["count"].max()))
    ax.plot(rel["mean_predicted"], rel["observed_rate"], color=_NPS_COLOR, lw=1.5,
            label=f"model (Brier {ev.brier:.3f})")
    ax.scatter(rel["mean_predicted"], rel["observed_rate"], s=size, color=_NPS_COLOR, zorder=3)
    _unit_square(ax, "perfectly calibrated", "mean predicted churn probability",
                 "observed churn rate", "upper left",
                 title or f"Calibration ({len(rel)} bins, n = {ev.n})")
    return _finish(fig, ax, created)


@overload
def roc(y_true: Any, p: Any, *, title: Optional[str] = None,
        ax: None = None) -> "Figure": ...


@overload
def roc(y_true: Any, p: Any, *, title: Optional[str] = None,
        ax: "Axes") -> "Axes": ...


def roc(y_true: Any, p: Any, *, title: Optional[str] = None,
        ax: Optional["Axes"] = None) -> "Figure | Axes":
    """ROC curve of churn probabilities: true against false positive rate at
    every threshold (tied probabilities form one step), with the chance
    diagonal; the area under it is the ``auc`` of `npscore.evaluate`, shown
    in the legend. The curve is the Axes' first line. Returns a new Figure,
    or `ax` when given."""
    ev, y, prob = _scored(y_true, p)
    pos, rows = _descending(y, prob)  # evaluate saw both outcomes
    tpr = np.r_[0.0, pos / ev.positives]
    fpr = np.r_[0.0, (rows - pos) / (ev.n - ev.positives)]
    fig, ax, created = _canvas(ax, (5.6, 5.2))
    ax.plot(fpr, tpr, color=_NPS_COLOR, lw=2, label=f"model (AUC {ev.auc:.3f})")
    _unit_square(ax, "chance", "false positive rate", "true positive rate (churners caught)",
                 "lower right", title or f"ROC (n = {ev.n}, {ev.positives} churned)")
    return _finish(fig, ax, created)


@overload
def lift(y_true: Any, p: Any, *, title: Optional[str] = None,
         ax: None = None) -> "Figure": ...


@overload
def lift(y_true: Any, p: Any, *, title: Optional[str] = None,
         ax: "Axes") -> "Axes": ...


def lift(y_true: Any, p: Any, *, title: Optional[str] = None,
         ax: Optional["Axes"] = None) -> "Figure | Axes":
    """Cumulative lift of churn probabilities: the churn rate among the
    customers ranked highest by `p`, over the overall rate, as a function of
    the share of customers contacted (tied probabilities form one step);
    1 is a random ranking. The top-decile ``lift`` of `npscore.evaluate` is
    marked. The curve is the Axes' first line. Returns a new Figure, or
    `ax` when given."""
    ev, y, prob = _scored(y_true, p)
    pos, rows = _descending(y, prob)
    share = rows / ev.n
    curve = (pos / rows) / ev.base_rate
    fig, ax, created = _canvas(ax, (6.4, 4.8))
    ax.step(100 * share, curve, where="post", color=_NPS_COLOR, lw=2, label="model")
    ax.axhline(1, color="grey", ls="--", lw=1, label="random")
    top = np.ceil(ev.n / 10) / ev.n
    ax.scatter([100 * top], [ev.lift], color="black", zorder=3,
               label=f"top decile: lift {ev.lift:.2f}")
    ax.set_xlim(0, 100)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("customers contacted, highest risk first (%)")
    ax.set_ylabel("lift (churn rate / overall rate)")
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title or f"Lift (base rate {100 * ev.base_rate:.1f}%)")
    return _finish(fig, ax, created)


# --- NPS by group -------------------------------------------------------------------------------

# Columns of npscore.by_group's table that are not keys.
_GROUP_COLUMNS = {"n", "detractors", "passives", "promoters", "share_detractors",
                  "share_passives", "share_promoters", "nps", "se", "ci_low", "ci_high", "small",
                  "skipped", "n_effective", "rows"}


@overload
def forest(table: Any, *, reference: Optional[float] = None, title: Optional[str] = None,
           ax: None = None) -> "Figure": ...


@overload
def forest(table: Any, *, reference: Optional[float] = None, title: Optional[str] = None,
           ax: "Axes") -> "Axes": ...


def forest(table: Any, *, reference: Optional[float] = None, title: Optional[str] = None,
           ax: Optional["Axes"] = None) -> "Figure | Axes":
    """Forest plot of `npscore.by_group`'s table: one row per group (its
    keys and n), the NPS as a point and its confidence interval as a line;
    groups flagged ``small`` drawn hollow. `reference` (e.g. the overall NPS
    from `npscore.summarize`) is drawn as a vertical line; 0 always is.
    At most `MAX_FOREST_ROWS` groups: select rows (e.g. ``table.nlargest``)
    before plotting more. Returns a new Figure, or `ax` when given."""
    t = _table(table, "table", ("nps", "ci_low", "ci_high", "n", "small"), "npscore.by_group")
    if len(t) > MAX_FOREST_ROWS:
        raise ValueError(f"table has {len(t)} groups: a forest plot shows at most "
                         f"{MAX_FOREST_ROWS} (select rows first)")
    if reference is not None:
        reference = _args.number(reference, "reference", finite=True)
    keys = [c for c in t.columns if c not in _GROUP_COLUMNS]
    if not keys:
        raise ValueError("table has no key column: give the DataFrame npscore.by_group returns")
    count = "rows" if "rows" in t.columns else "n"
    labels = [" · ".join(str(v) for v in row) + f"  (n={int(n)})"
              for row, n in zip(t[keys].itertuples(index=False), t[count])]
    y = np.arange(len(t))[::-1]  # the table's first row on top
    fig, ax, created = _canvas(ax, (6.4, max(2.5, 1.2 + 0.32 * len(t))))
    small = t["small"].to_numpy(dtype=bool)
    ax.hlines(y, t["ci_low"], t["ci_high"], color=_NPS_COLOR, lw=2)
    ax.scatter(t["nps"].to_numpy()[~small], y[~small], color=_NPS_COLOR, zorder=3, s=40,
               label="NPS")
    if small.any():
        ax.scatter(t["nps"].to_numpy()[small], y[small], facecolors="white",
                   edgecolors=_NPS_COLOR, zorder=3, s=40, label="small group")
    ax.axvline(0, color="black", lw=0.5)
    if reference is not None:
        ax.axvline(reference, color="grey", ls="--", lw=1, label=f"reference {reference:.1f}")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(-100, 100)
    ax.set_xlabel(f"NPS with its {100 * t.attrs.get('confidence', 0.95):g}% interval")
    # Below the axes: inside, it would hide the last groups.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=7,
              frameon=False)
    ax.set_title(title or f"NPS by {', '.join(map(str, keys))}")
    return _finish(fig, ax, created)


# --- Customer lifetime value --------------------------------------------------------------------


def _rfm_grid(model: Any, rfm: Any, max_frequency: Any, max_recency: Any, T: Any,
              what: str) -> tuple[np.ndarray, np.ndarray, float]:
    """The frequencies 0..max_frequency and recencies 0..max_recency of a
    matrix plot, and the customer age T, from `rfm` (maxima) or the
    explicit values."""
    from .clv import BetaGeo

    if not isinstance(model, BetaGeo):
        raise TypeError(f"{what}: model must be a fitted npscore.BetaGeo, got "
                        f"{type(model).__name__}")
    if not hasattr(model, "params_"):
        raise ValueError(f"{what}: this BetaGeo is not fitted: call fit() first")
    if rfm is not None:
        r = _table(rfm, "rfm", ("frequency", "recency", "T"), "npscore.rfm_summary")
        for col in ("frequency", "recency", "T"):
            if not pd.api.types.is_numeric_dtype(r[col].dtype):
                raise TypeError(f"rfm column {col!r} must be numeric, got dtype {r[col].dtype}")
        max_frequency = r["frequency"].max() if max_frequency is None else max_frequency
        max_recency = r["recency"].max() if max_recency is None else max_recency
        T = r["T"].max() if T is None else T
    elif max_frequency is None or max_recency is None or T is None:
        raise TypeError(f"{what} needs rfm (the table of npscore.rfm_summary) or all of "
                        "max_frequency, max_recency and T")
    f_max = _args.whole(np.ceil(_args.number(max_frequency, "max_frequency", finite=True)),
                        "max_frequency", minimum=0, maximum=MAX_MATRIX_SIDE)
    r_max = _args.whole(np.ceil(_args.number(max_recency, "max_recency", finite=True)),
                        "max_recency", minimum=0, maximum=MAX_MATRIX_SIDE)
    T = _args.number(T, "T", finite=True, lower=0, lower_open=True)
    if r_max > T:
        raise ValueError(f"max_recency is {r_max} but T is {T:g}: recency cannot exceed the "
                         "customer's age T")
    return np.arange(f_max + 1, dtype=np.float64), np.arange(r_max + 1, dtype=np.float64), T


def _matrix(f: np.ndarray, r: np.ndarray, T: float, value: Any) -> np.ndarray:
    """value(frequency, recency, T) on the grid; NaN where no history
    exists: recency > 0 without a repeat purchase, or repeat purchases
    with recency 0 (they come after the first)."""
    ff, rr = np.meshgrid(f, r, indexing="ij")
    valid = (ff > 0) == (rr > 0)
    out = np.full(ff.shape, np.nan)
    out[valid] = value(ff[valid], rr[valid], np.full(int(valid.sum()), T))
    return out


def _draw_matrix(fig: "Figure", ax: "Axes", z: np.ndarray, label: str, title: str,
                 vmin: Optional[float], vmax: Optional[float]) -> None:
    image = ax.imshow(z, aspect="auto", cmap="viridis", vmin=vmin, vmax=vmax,
                      interpolation="nearest")
    fig.colorbar(image, ax=ax, label=label)
    ax.set_xlabel("recency (time of the last purchase)")
    ax.set_ylabel("frequency (repeat purchases)")
    ax.set_title(title)


@overload
def frequency_recency_matrix(model: Any, rfm: Any = None, *, t: float = 1,
                             max_frequency: Any = None, max_recency: Any = None, T: Any = None,
                             title: Optional[str] = None,
                             ax: None = None) -> "Figure": ...


@overload
def frequency_recency_matrix(model: Any, rfm: Any = None, *, t: float = 1,
                             max_frequency: Any = None, max_recency: Any = None, T: Any = None,
                             title: Optional[str] = None, ax: "Axes") -> "Axes": ...


def frequency_recency_matrix(model: Any, rfm: Any = None, *, t: float = 1,
                             max_frequency: Any = None, max_recency: Any = None, T: Any = None,
                             title: Optional[str] = None,
                             ax: Optional["Axes"] = None) -> "Figure | Axes":
    """Expected purchases in the next `t` periods by frequency (rows, 0 at
    the top) and recency (columns) for a customer of age `T`, from a fitted
    `BetaGeo` (``conditional_expected_purchases``), as lifetimes'
    ``plot_frequency_recency_matrix``. The grid runs over 0..max frequency
    and 0..max recency of `rfm` (the table of `npscore.rfm_summary`), at
    the largest T, unless given; each side at most `MAX_MATRIX_SIDE`.
    Cells without a possible history (recency > 0 without a repeat
    purchase, or repeat purchases at recency 0) are left blank. The matrix
    is the Axes' image. Returns a new Figure, or `ax` when given."""
    what = "frequency_recency_matrix"
    f, r, age = _rfm_grid(model, rfm, max_frequency, max_recency, T, what)
    horizon = _args.number(t, "t", finite=True, lower=0, lower_open=True)
    z = _matrix(f, r, age, lambda ff, rr, tt: model.conditional_expected_purchases(
        horizon, ff, rr, tt))
    fig, ax, created = _canvas(ax, (7.2, 5.6))
    _draw_matrix(fig, ax, z, f"expected purchases in the next {horizon:g} periods",
                 title or f"Expected purchases in the next {horizon:g} periods (T = {age:g})",
                 None, None)
    return _finish(fig, ax, created)


@overload
def probability_alive_matrix(model: Any, rfm: Any = None, *, max_frequency: Any = None,
                             max_recency: Any = None, T: Any = None,
                             title: Optional[str] = None,
                             ax: None = None) -> "Figure": ...


@overload
def probability_alive_matrix(model: Any, rfm: Any = None, *, max_frequency: Any = None,
                             max_recency: Any = None, T: Any = None,
                             title: Optional[str] = None, ax: "Axes") -> "Axes": ...


def probability_alive_matrix(model: Any, rfm: Any = None, *, max_frequency: Any = None,
                             max_recency: Any = None, T: Any = None,
                             title: Optional[str] = None,
                             ax: Optional["Axes"] = None) -> "Figure | Axes":
    """P(the customer is still active) by frequency (rows, 0 at the top) and
    recency (columns) for a customer of age `T`, from a fitted `BetaGeo`
    (``probability_alive``), as lifetimes' ``plot_probability_alive_matrix``.
    Grid and blank cells as in `frequency_recency_matrix`. Returns a new
    Figure, or `ax` when given."""
    what = "probability_alive_matrix"
    f, r, age = _rfm_grid(model, rfm, max_frequency, max_recency, T, what)
    z = _matrix(f, r, age, model.probability_alive)
    fig, ax, created = _canvas(ax, (7.2, 5.6))
    _draw_matrix(fig, ax, z, "P(alive)", title or f"Probability a customer is alive (T = {age:g})",
                 0.0, 1.0)
    return _finish(fig, ax, created)


# --- Themes -------------------------------------------------------------------------------------


@overload
def theme_impact(table: Any, *, top: Optional[int] = None, title: Optional[str] = None,
                 ax: None = None) -> "Figure": ...


@overload
def theme_impact(table: Any, *, top: Optional[int] = None, title: Optional[str] = None,
                 ax: "Axes") -> "Axes": ...


def theme_impact(table: Any, *, top: Optional[int] = None, title: Optional[str] = None,
                 ax: Optional["Axes"] = None) -> "Figure | Axes":
    """The Feature Impact Score of each theme (the table of
    `npscore.theme_impact` or `npscore.top_themes`) as horizontal bars
    stacked by segment (mentions × the segment's average CLV), the highest
    impact on top; each bar labelled with its mentions. `top`: only the
    first `top` rows of the table (it is ranked by impact). Returns a new
    Figure, or `ax` when given."""
    segs = ("detractors", "passives", "promoters")
    t = _table(table, "table", ("theme", "mentions", "impact", *[f"impact_{s}" for s in segs]),
               "npscore.theme_impact")
    top = _args.whole(top, "top", minimum=1, maximum=None, none=True,
                      hint=" (or None for every theme)")
    if top is not None:
        t = t.head(top)
    y = np.arange(len(t))[::-1]
    fig, ax, created = _canvas(ax, (7.2, max(2.5, 1.2 + 0.4 * len(t))))
    left = np.zeros(len(t))
    for seg in segs:
        width = t[f"impact_{seg}"].to_numpy(dtype=np.float64)
        ax.barh(y, width, left=left, color=_COLORS[seg], label=seg, height=0.7)
        left += width
    for yi, total, mentions in zip(y, left, t["mentions"]):
        ax.text(total, yi, f" {int(mentions)} mentions", va="center", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels([str(v) for v in t["theme"]], fontsize=8)
    ax.set_xlim(0, max(1.0, float(left.max())) * 1.2)
    ax.set_xlabel("impact: mentions × the segment's average CLV")
    ax.legend(loc="lower right", fontsize=7)
    ax.set_title(title or "Themes by revenue impact")
    return _finish(fig, ax, created)

