"""Plots (matplotlib, imported lazily so that npscore works without it)."""

from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np
import pandas as pd

from ._convert import utc_nanos

__all__ = ["health"]

_COLORS = {"detractors": "#d62728", "passives": "#bdbdbd", "promoters": "#2ca02c"}


def health(
    table: pd.DataFrame,
    *,
    where: Optional[Mapping[str, Any]] = None,
    events: Optional[pd.DataFrame] = None,
    title: Optional[str] = None,
    ax: Any = None,
):
    """Stacked segment shares per period with the NPS line and its interval
    band on a second axis, flagged periods marked and events drawn as
    vertical lines.

    Parameters
    ----------
    table : the DataFrame returned by `npscore.health`.
    where : slice to draw, e.g. ``{"plan": "starter"}`` (required when the
        table has several slices).
    events : optional DataFrame with ``time`` and ``label`` columns.
    ax : a matplotlib Axes to draw on; a new figure otherwise.

    Returns the matplotlib Figure.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be the DataFrame npscore.health returns, got "
                        f"{type(table).__name__}")
    lacking = [c for c in ("period", "period_start", "nps", "ci_low", "ci_high", "flags",
                           "flag_low_n") if c not in table.columns]
    if lacking:
        raise ValueError(f"table lacks the column(s) {lacking}: give the DataFrame "
                         "npscore.health returns")
    if where is not None and not isinstance(where, Mapping):
        raise TypeError(f"where must be a mapping {{column: value}}, got {type(where).__name__}")
    event_ns = None
    if events is not None and len(events):
        if not isinstance(events, pd.DataFrame) or "time" not in events.columns:
            raise ValueError("events must be a DataFrame with a 'time' column (and 'label')")
        event_ns = utc_nanos(events["time"], "events column 'time'", "UTC")
    import matplotlib

    if ax is None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    t = table
    for key, value in (where or {}).items():
        if key not in t.columns:
            raise ValueError(f"where: column {key!r} not in the health table")
        t = t[t[key] == value]
    if t["period"].duplicated().any():
        slice_cols = [c for c in table.columns if c not in _HEALTH_COLUMNS]
        raise ValueError(f"the table has several slices ({slice_cols}): choose one with where=")
    if t.empty:
        raise ValueError(f"no rows match where={dict(where or {})}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 4.8))
    else:
        fig = ax.figure
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
    nps_ax.fill_between(x, t["ci_low"], t["ci_high"], color="#1f77b4", alpha=0.2,
                        label="NPS interval")
    nps_ax.plot(x, t["nps"], color="#1f77b4", marker="o", lw=2, label="NPS")
    nps_ax.set_ylabel("NPS")
    nps_ax.set_ylim(-100, 100)
    nps_ax.axhline(0, color="black", lw=0.5)
    flagged = t["flags"].str.len().to_numpy() > 0
    low_n = t["flag_low_n"].to_numpy()
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
                        va="top", ha="right",
                        fontsize=7)
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = nps_ax.get_legend_handles_labels()
    ax.legend(handles + h2, labels + l2, loc="lower left", fontsize=7, ncol=3)
    ax.set_title(title or "Distribution health")
    fig.tight_layout()
    return fig


# Columns of npscore.health's table that are not slice keys.
_HEALTH_COLUMNS = {
    "period", "period_start", "n", "detractors", "passives", "promoters", "skipped",
    *[f"score_{b}" for b in range(0, 1001)],
    "share_detractors", "share_detractors_low", "share_detractors_high",
    "share_passives", "share_passives_low", "share_passives_high",
    "share_promoters", "share_promoters_low", "share_promoters_high",
    "nps", "se", "ci_low", "ci_high", "nps_change", "change_se", "change_p",
    "change_p_adjusted", "detractor_change", "detractor_change_p_adjusted",
    "promoter_change", "promoter_change_p_adjusted", "passive_trend",
    "passive_trend_p_adjusted", "nps_trend", "flags", "reasons",
    "flag_low_n", "flag_passive_vulnerability", "flag_detractor_surge", "flag_promoter_erosion",
    "flag_nps_drop", "flag_level_shift",
}
