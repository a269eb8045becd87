"""Tests of npscore.plot (issue 11): every plot renders to a PNG of the
figure's size, leaves matplotlib's global state alone (backend, pyplot's
open figures), draws on a given Axes without creating a figure, and draws
the numbers it is given.

Expected values are computed independently of the plotting code: the ROC
curve against scikit-learn's roc_curve, the lift curve by a numpy sort by
hand, the reliability points, intervals and theme impacts from the tables
the plots are given, and the CLV matrices against invariants of the BG/NBD
model (P(alive) = 1 without repeat purchases, more recent purchases mean a
more likely active customer).
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

import npscore  # noqa: E402
from npscore import plot  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DPI = 40


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample(seed=7, n_customers=400)


@pytest.fixture(scope="module")
def scored():
    """0/1 outcomes and probabilities with a signal, no tied probabilities."""
    rng = np.random.default_rng(11)
    n = 500
    x = rng.normal(size=n)
    y = (x + rng.normal(size=n) > 0.8).astype(int)
    p = 1 / (1 + np.exp(-(x - 1)))
    return y, p


@pytest.fixture(scope="module")
def rfm(sample):
    return npscore.rfm_summary(sample.transactions, customer="customer_id", date="date",
                               amount="amount", observation_end="2025-12-31")


@pytest.fixture(scope="module")
def bg(rfm):
    return npscore.BetaGeo().fit(rfm.frequency, rfm.recency, rfm["T"])


@pytest.fixture(scope="module")
def groups(sample):
    df = sample.responses.merge(sample.customers[["customer_id", "plan", "region"]])
    return npscore.by_group(df, score="score", by=["plan", "region"], min_n=30)


@pytest.fixture(scope="module")
def impact(sample):
    df = sample.responses.merge(sample.customers[["customer_id", "clv"]])
    df["themes"] = npscore.ThemeTagger().tag(df["comment"])
    return npscore.theme_impact(df, theme="themes", segment="score", clv="clv")


@pytest.fixture(scope="module")
def health_table(sample):
    df = sample.responses.merge(sample.customers[["customer_id", "plan"]])
    return npscore.health(df, freq="Q", by="plan")


def calls(sample, scored, rfm, bg, groups, impact, health_table):
    """One call of every plot, by name."""
    y, p = scored
    return {
        "health": lambda **kw: plot.health(health_table, where={"plan": "starter"},
                                           events=sample.events, **kw),
        "calibration": lambda **kw: plot.calibration(y, p, **kw),
        "roc": lambda **kw: plot.roc(y, p, **kw),
        "lift": lambda **kw: plot.lift(y, p, **kw),
        "forest": lambda **kw: plot.forest(groups, **kw),
        "frequency_recency_matrix": lambda **kw: plot.frequency_recency_matrix(bg, rfm, **kw),
        "probability_alive_matrix": lambda **kw: plot.probability_alive_matrix(bg, rfm, **kw),
        "theme_impact": lambda **kw: plot.theme_impact(impact, **kw),
    }


@pytest.fixture(scope="module")
def every_plot(sample, scored, rfm, bg, groups, impact, health_table):
    return calls(sample, scored, rfm, bg, groups, impact, health_table)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    assert data[:8] == PNG_MAGIC
    return struct.unpack(">II", data[16:24])


def area(x: np.ndarray, y: np.ndarray) -> float:
    """The area under a polyline (trapezoids)."""
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def test_every_public_plot_is_tested(every_plot):
    assert set(every_plot) == set(plot.__all__)


def test_plots_leave_backend_and_pyplot_alone(every_plot):
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    before = plt.get_fignums()
    for name, make in every_plot.items():
        fig = make()
        assert isinstance(fig, Figure), name
        assert matplotlib.get_backend() == backend, name
        assert plt.get_fignums() == before, f"{name} left a figure open in pyplot"
    assert matplotlib.get_backend() == backend


def test_plot_module_never_selects_a_backend():
    import inspect

    source = inspect.getsource(plot)
    assert "matplotlib.use(" not in source and "import matplotlib.pyplot" not in source


@pytest.mark.parametrize("name", plot.__all__)
def test_renders_to_png_of_the_figure_size(every_plot, name):
    fig = every_plot[name]()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    data = buf.getvalue()
    width, height = fig.get_size_inches() * DPI
    assert len(data) > 1000
    got = png_size(data)
    assert abs(got[0] - width) < 1 and abs(got[1] - height) < 1, (got, width, height)


@pytest.mark.parametrize("name", plot.__all__)
def test_ax_draws_there_and_returns_that_axes(every_plot, name):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    assert every_plot[name](ax=ax) is ax
    assert ax.has_data() or ax.images, name
    assert plt.get_fignums() == before
    # A pyplot figure of the caller's: its Axes comes back, no second figure.
    pfig, pax = plt.subplots()
    try:
        assert every_plot[name](ax=pax) is pax
        assert plt.get_fignums() == before + [pfig.number]
    finally:
        plt.close(pfig)


def test_ax_of_a_subfigure_draws_there(every_plot):
    fig = Figure()
    ax = fig.subfigures(1, 2)[1].subplots()
    assert every_plot["roc"](ax=ax) is ax
    assert ax.lines and fig.axes == [ax]


def test_roc_is_scikit_learns_curve_with_evaluates_auc(scored):
    metrics = pytest.importorskip("sklearn.metrics")
    y, p = scored
    fpr, tpr = plot.roc(y, p).axes[0].lines[0].get_data()
    ref_fpr, ref_tpr, _ = metrics.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr, atol=1e-15)
    np.testing.assert_allclose(tpr, ref_tpr, atol=1e-15)
    assert area(fpr, tpr) == pytest.approx(npscore.evaluate(y, p).auc, abs=1e-12)


def test_roc_ties_form_one_step():
    metrics = pytest.importorskip("sklearn.metrics")
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    p = np.array([0.2, 0.8, 0.5, 0.5, 0.5, 0.1, 0.8, 0.9])
    fpr, tpr = plot.roc(y, p).axes[0].lines[0].get_data()
    ref_fpr, ref_tpr, _ = metrics.roc_curve(y, p, drop_intermediate=False)
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)
    assert area(fpr, tpr) == pytest.approx(metrics.roc_auc_score(y, p))


def test_roc_pairs_pandas_rows_by_index(scored):
    y, p = scored
    ys = pd.Series(y, index=np.arange(len(y)) * 3)
    ps = pd.Series(p, index=ys.index).sample(frac=1, random_state=1)
    shuffled = plot.roc(ys, ps).axes[0].lines[0].get_data()
    plain = plot.roc(y, p).axes[0].lines[0].get_data()
    np.testing.assert_array_equal(shuffled[0], plain[0])
    np.testing.assert_array_equal(shuffled[1], plain[1])


def test_roc_takes_predict_proba_output(scored):
    y, p = scored
    two = np.column_stack([1 - p, p])
    a = plot.roc(y, two).axes[0].lines[0].get_data()
    b = plot.roc(y, p).axes[0].lines[0].get_data()
    np.testing.assert_array_equal(a[1], b[1])


def test_lift_curve_by_hand_and_evaluates_top_decile(scored):
    y, p = scored
    fig = plot.lift(y, p)
    x, curve = fig.axes[0].lines[0].get_data()
    order = np.argsort(-p)
    k = np.arange(1, len(y) + 1)
    by_hand = np.cumsum(y[order]) / k / y.mean()
    np.testing.assert_allclose(x, 100 * k / len(y))
    np.testing.assert_allclose(curve, by_hand, rtol=1e-12)
    ev = npscore.evaluate(y, p)
    top = int(np.ceil(len(y) / 10))
    assert curve[top - 1] == pytest.approx(ev.lift, rel=1e-12)
    assert curve[-1] == pytest.approx(1.0)
    marked = fig.axes[0].collections[0].get_offsets()
    np.testing.assert_allclose(marked, [[100 * top / len(y), ev.lift]])


def test_calibration_draws_the_reliability_table(scored):
    y, p = scored
    ev = npscore.evaluate(y, p, bins=8)
    for fig in (plot.calibration(y, p, bins=8), plot.calibration(ev)):
        points = fig.axes[0].collections[0].get_offsets()
        np.testing.assert_allclose(points[:, 0], ev.reliability["mean_predicted"])
        np.testing.assert_allclose(points[:, 1], ev.reliability["observed_rate"])
        assert len(points) == 8


def test_forest_draws_each_groups_interval(groups):
    fig = plot.forest(groups, reference=20)
    ax = fig.axes[0]
    segments = ax.collections[0].get_segments()
    assert len(segments) == len(groups)
    for seg, (_, row) in zip(segments, groups.iterrows()):
        assert seg[0][0] == pytest.approx(row["ci_low"]) and seg[1][0] == pytest.approx(
            row["ci_high"])
    # The table's first group is on top, labelled with its keys and n.
    labels = [t.get_text() for t in ax.get_yticklabels()]
    top = groups.iloc[0]
    assert labels[0] == f"{top['plan']} · {top['region']}  (n={int(top['n'])})"
    shown = np.concatenate([c.get_offsets()[:, 0] for c in ax.collections[1:]])
    np.testing.assert_allclose(np.sort(shown), np.sort(groups["nps"]))
    hollow = ax.collections[2].get_offsets() if groups["small"].any() else np.empty((0, 2))
    assert len(hollow) == int(groups["small"].sum())


def test_forest_weighted_labels_count_responses(sample):
    df = sample.responses.merge(sample.customers[["customer_id", "plan", "arr"]])
    t = npscore.by_group(df, by="plan", weight="arr")
    labels = [x.get_text() for x in plot.forest(t).axes[0].get_yticklabels()]
    assert labels[0].endswith(f"(n={int(t['rows'].iloc[0])})")


def test_probability_alive_matrix_invariants(bg, rfm):
    fig = plot.probability_alive_matrix(bg, rfm)
    z = fig.axes[0].images[0].get_array().filled(np.nan)
    f_max, r_max = int(np.ceil(rfm.frequency.max())), int(np.ceil(rfm.recency.max()))
    assert z.shape == (f_max + 1, r_max + 1)
    assert z[0, 0] == 1.0                          # no repeat purchase: alive
    assert np.isnan(z[0, 1:]).all()                # no history has f = 0 and r > 0
    assert np.isnan(z[1:, 0]).all()                # nor f > 0 and r = 0
    inner = z[1:, 1:]
    assert np.nanmin(inner) >= 0 and np.nanmax(inner) <= 1
    assert (np.diff(inner, axis=1) >= -1e-12).all()  # a later last purchase: more alive
    T = float(rfm["T"].max())
    assert z[3, 5] == pytest.approx(bg.probability_alive(np.array([3.0]), np.array([5.0]),
                                                         np.array([T]))[0])


def test_frequency_recency_matrix_values_and_grid(bg):
    fig = plot.frequency_recency_matrix(bg, t=4, max_frequency=6, max_recency=20, T=30)
    z = fig.axes[0].images[0].get_array().filled(np.nan)
    assert z.shape == (7, 21)
    f, r = np.meshgrid(np.arange(7.0), np.arange(21.0), indexing="ij")
    valid = (f > 0) == (r > 0)
    ref = bg.conditional_expected_purchases(4, f[valid], r[valid], np.full(valid.sum(), 30.0))
    np.testing.assert_allclose(z[valid], ref, rtol=1e-12)
    assert np.isnan(z[~valid]).all()
    assert (np.diff(z[1:, 1:], axis=1) >= -1e-12).all()  # more recent: more purchases expected


def test_theme_impact_bars_are_the_impacts(impact):
    fig = plot.theme_impact(impact, top=5)
    ax = fig.axes[0]
    t = impact.head(5)
    bars = ax.patches
    assert len(bars) == 3 * len(t)
    for k, seg in enumerate(("detractors", "passives", "promoters")):
        widths = [b.get_width() for b in bars[k * len(t):(k + 1) * len(t)]]
        np.testing.assert_allclose(widths, t[f"impact_{seg}"])
    ends = [b.get_x() + b.get_width() for b in bars[2 * len(t):]]
    np.testing.assert_allclose(ends, t["impact"], rtol=1e-12)
    assert [x.get_text() for x in ax.get_yticklabels()] == list(t["theme"])


def test_health_asks_for_every_slice_key(sample):
    df = sample.responses.merge(sample.customers[["customer_id", "plan"]])
    h = npscore.health(df, freq="Q", by="plan", kind="survey_kind")
    with pytest.raises(ValueError, match=r"several slices.*survey_kind"):
        plot.health(h, where={"plan": "starter"})
    # Only the slice keys are named, never the table's statistics.
    with pytest.raises(ValueError, match=r"several slices \(\['survey_kind', 'plan'\]\): choose "
                                         r"one with where= naming \['survey_kind', 'plan'\]$"):
        plot.health(h)
    fig = plot.health(h, where={"plan": "starter", "survey_kind": "relational"})
    assert isinstance(fig, Figure)


def test_plots_accept_polars_tables(groups, impact):
    pl = pytest.importorskip("polars")
    a = plot.forest(pl.from_pandas(groups)).axes[0].collections[0].get_segments()
    b = plot.forest(groups).axes[0].collections[0].get_segments()
    np.testing.assert_allclose(np.asarray(a), np.asarray(b))
    bars = plot.theme_impact(pl.from_pandas(impact.drop(columns=["driver"]))).axes[0].patches
    assert len(bars) == 3 * len(impact)


def _health_drawing(fig: Figure) -> tuple:
    """What plot.health draws: the bar heights, the NPS line, the flagged
    points and the event lines' positions."""
    ax, nps_ax = fig.axes
    return ([b.get_height() for b in ax.patches], nps_ax.lines[-1].get_ydata(),
            [c.get_offsets().tolist() for c in nps_ax.collections[1:]],
            [line.get_xdata()[0] for line in ax.lines])


def test_health_takes_polars_and_arrow_tables(sample, health_table):
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    events = sample.events[["time", "label"]]
    want = _health_drawing(plot.health(health_table, where={"plan": "starter"}, events=events))
    assert want[3], "some event falls in the periods drawn"
    for table, ev in ((pl.from_pandas(health_table), pl.from_pandas(events)),
                      (pa.Table.from_pandas(health_table), pa.Table.from_pandas(events))):
        got = _health_drawing(plot.health(table, where={"plan": "starter"}, events=ev))
        np.testing.assert_allclose(got[0], want[0])
        np.testing.assert_allclose(got[1], want[1])
        assert got[2:] == want[2:]
    # Several slices without where=: the keys are named without the table's attrs.
    with pytest.raises(ValueError, match=r"several slices \(\['plan'\]\)"):
        plot.health(pl.from_pandas(health_table))


def test_wrong_tables_are_named_with_their_package(health_table, groups):
    pl = pytest.importorskip("polars")
    with pytest.raises(TypeError, match=r"table must be the DataFrame npscore.health returns, "
                                        r"got polars.Series$"):
        plot.health(pl.Series([1, 2]))
    with pytest.raises(TypeError, match=r"table must be the DataFrame npscore.by_group returns, "
                                        r"got pandas.Series$"):
        plot.forest(groups["nps"])
    with pytest.raises(TypeError, match=r"got dict$"):
        plot.forest(groups.to_dict())
    with pytest.raises(TypeError, match=r"table is a polars LazyFrame: collect it first"):
        plot.health(pl.from_pandas(health_table).lazy())


def test_return_types_for_a_type_checker(tmp_path):
    # Overloads: a Figure without ax=, the Axes with it (mypy --strict, the
    # `test` extra). Line 8 assigns an Axes to a Figure: the only error.
    snippet = tmp_path / "plots.py"
    snippet.write_text(
        "import numpy as np\n"
        "from matplotlib.axes import Axes\n"
        "from matplotlib.figure import Figure\n"
        "from npscore import plot\n"
        "y, p = np.array([0, 1]), np.array([0.2, 0.8])\n"
        "fig: Figure = plot.roc(y, p)\n"
        "ax: Axes = plot.lift(y, p, ax=fig.subplots())\n"
        "wrong: Figure = plot.forest(None, ax=ax)\n")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-color-output",
                           "--cache-dir", str(tmp_path / "cache"), str(snippet)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert "No module named mypy" not in out
    assert out.count("error:") == 1 and re.search(
        r'plots\.py:8: error: Incompatible types in assignment \(expression has type "Axes", '
        r'variable has type "Figure"\)', out), out
