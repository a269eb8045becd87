"""Tests of how results print (issue 11): a concise one-line ``repr`` and an
HTML table for Jupyter (``_repr_html_``) for Summary, Comparison, Counts,
ThemeTagger and the sample bundle. A weighted Summary names the responses
counted (``rows``), the weight sum and the effective n apart, and never
calls the weight sum ``n``. Expected numbers are computed by hand (sums of
the inputs) or read from the objects' own fields.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import numpy as np
import pytest

import npscore

SCORES = [9, 10, 7, 3, 9, 6, 10, 8]


class _Cells(HTMLParser):
    """The text of every <td>/<th> cell and the tags seen, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.tags: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in = tag in ("td", "th")
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


def cells(markup: str) -> list[str]:
    p = _Cells()
    p.feed(markup)
    p.close()
    assert "table" in p.tags and "script" not in p.tags and "style" not in p.tags
    return p.cells


def one_line(text: str, limit: int = 200) -> None:
    assert "\n" not in text and len(text) <= limit, text


def test_summary_unweighted():
    s = npscore.summarize(SCORES)
    r = repr(s)
    one_line(r)
    assert r == (f"Summary(nps={s.nps:.2f}, ci=[{s.ci_low:.2f}, {s.ci_high:.2f}], n=8, "
                 "method='adjusted-wald')")
    assert s.rows == 8 == s.to_dict()["rows"]
    c = cells(s._repr_html_())
    # segment, respondents, share for each segment and the total
    assert c[:3] == ["segment", "respondents", "share"]
    assert c[3:6] == ["detractors", "2", "25.0%"]
    assert c[6:9] == ["passives", "2", "25.0%"]
    assert c[9:12] == ["promoters", "4", "50.0%"]
    assert c[12:15] == ["total (n)", "8", "100.0%"]
    assert f"NPS {s.nps:.1f} [{s.ci_low:.1f}, {s.ci_high:.1f}] (95% adjusted-wald)" in \
        html.unescape(s._repr_html_())


def test_weighted_summary_names_responses_weight_sum_and_effective_n_apart():
    w = np.array([120_000.5, 3_000, 45_000, 800, 15_000, 2_500, 60_000, 9_000])
    s = npscore.summarize(SCORES, weights=w)
    r = repr(s)
    one_line(r)
    assert not re.search(r"\bn=", r), "the weight sum is not n"
    assert f"rows={len(SCORES)}" in r
    assert f"weight_sum={w.sum():.10g}" in r
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    assert f"n_effective={n_eff:.1f}" in r
    assert s.rows == len(SCORES) and s.n == pytest.approx(w.sum())
    text = html.unescape(s._repr_html_())
    c = cells(s._repr_html_())
    assert c[:3] == ["segment", "weight", "share"]
    assert "total (weight_sum)" in c
    assert f"{len(SCORES):,} responses counted" in text
    assert f"effective n {n_eff:,.1f}" in text


def test_weighted_summary_rows_leave_out_missing_scores_and_count_accounts_responses():
    scores = [9, None, 3, 10, 7, np.nan]
    w = [10.0, 5.0, 2.0, 2.0, 4.0, 1.0]
    s = npscore.summarize(scores, weights=w, missing="skip")
    assert s.rows == 4 and s.skipped == 2
    assert "skipped=2" in repr(s) and "2 missing scores skipped" in s._repr_html_()
    # Account weighting spreads weight over responses; rows still counts responses.
    a = npscore.summarize([9, 10, 3, 7], weights=[100.0, 100.0, 50.0, 10.0],
                          account=["x", "x", "y", "z"])
    assert a.rows == 4 and a.n == pytest.approx(160.0)
    assert "rows=4" in repr(a) and "weight_sum=160" in repr(a)


def test_summary_from_counts_has_rows():
    s = npscore.summarize_counts(120, 200, 480)
    assert s.rows == 800 and "n=800" in repr(s)


def test_comparison():
    c = npscore.compare(SCORES, [3, 4, 9, 7, 6, 2, 10, 8, 5, 1, 9, 0])
    r = repr(c)
    one_line(r)
    assert r == (f"Comparison(diff={c.diff:.2f}, ci=[{c.ci_low:.2f}, {c.ci_high:.2f}], "
                 f"p_value={c.p_value:.4g}, test='{c.test}')")
    cs = cells(c._repr_html_())
    assert cs[cs.index("test") + 1] == c.test
    assert cs[cs.index("p-value") + 1] == f"{c.p_value:.4g}"
    assert f"NPS difference {c.diff:+.1f}" in html.unescape(c._repr_html_())


def test_counts():
    k = npscore.count(SCORES + [None], missing="skip")
    assert repr(k) == "Counts(detractors=2, passives=2, promoters=4, skipped=1)"
    c = cells(k._repr_html_())
    assert c[c.index("promoters") + 1:c.index("promoters") + 3] == ["4", "50.0%"]
    assert c[c.index("total (n)") + 1] == "8"
    assert "1 missing scores skipped" in k._repr_html_()
    empty = npscore.Counts(0, 0, 0)
    assert "–" in cells(empty._repr_html_())


def test_theme_tagger():
    t = npscore.ThemeTagger()
    r = repr(t)
    one_line(r, 300)
    words = sum(len(v) for v in t.taxonomy.values())
    assert r == f"ThemeTagger(themes={t.themes!r}, keywords={words})"
    c = cells(t._repr_html_())
    for name, kw in t.taxonomy.items():
        i = c.index(name)
        assert c[i + 1] == str(len(kw))
        assert c[i + 2].startswith(", ".join(kw[:3]))


def test_html_escapes_text():
    t = npscore.ThemeTagger({"<b>bold</b>": ["x & y", "<script>"]})
    markup = t._repr_html_()
    assert "<b>" not in markup and "<script>" not in markup
    assert "&lt;b&gt;bold&lt;/b&gt;" in markup
    assert cells(markup)[3:] == ["<b>bold</b>", "2", "x & y, <script>"]


def test_sample_bundle():
    s = npscore.datasets.load_sample(seed=3, n_customers=150)
    r = repr(s)
    one_line(r)
    expected = ", ".join(f"{name}={len(f)}x{f.shape[1]}" for name, f in s.to_dict().items())
    assert r == f"Sample({expected})"
    c = cells(s._repr_html_())
    for name, frame in s.to_dict().items():
        i = c.index(name)
        assert c[i + 1] == f"{len(frame):,}"
        assert c[i + 2] == ", ".join(frame.columns)
    first = s.responses["responded_at"].min()
    assert f"responses from {first:%Y-%m-%d}" in s._repr_html_()


def test_churn_results_print_in_one_line_and_as_a_table():
    s = npscore.datasets.load_sample()
    split = npscore.churn.time_split(s, train_as_of="2024-06-30", test_as_of="2025-03-31",
                                     horizon_days=90)
    r = repr(split)
    assert "\n" not in r and r.startswith("TimeSplit(train_as_of='2024-06-30', n_train=")
    assert f"n_test={len(split.y_test)}" in r and "<table>" in split._repr_html_()
    e = npscore.evaluate([0, 1, 0, 1, 1], [0.1, 0.8, 0.3, 0.6, 0.9])
    assert "\n" not in repr(e) and "auc=1.0000" in repr(e)
    assert "<td>auc</td><td>1.0000</td>" in e._repr_html_()
    bt = npscore.churn.backtest(s, train_as_of="2024-06-30", test_as_of="2025-03-31",
                                horizon_days=90)
    html = bt._repr_html_()
    assert "<th>AUC</th>" in html and f"{bt.auc:.3f}" in html and "prior" in html


def test_models_show_their_parameters_as_html():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.5], [0.2, 0.1]])
    y = np.array([0, 1, 1, 0, 1, 0])
    m = npscore.ChurnModel(C=1.0).fit(X, y)
    html = m._repr_html_()
    assert "<td>x0</td>" in html and "(intercept)" in html and "converged" in html
    assert "not fitted" in npscore.ChurnModel()._repr_html_()
    assert "segment base rates" in npscore.ChurnModel.prior(90)._repr_html_()
    s = npscore.datasets.load_sample()
    rfm = npscore.rfm_summary(s.transactions, customer="customer_id", date="date",
                              amount="amount", observation_end="2025-12-31", freq="W")
    bg = npscore.BetaGeo().fit(rfm.frequency, rfm.recency, rfm["T"])
    html = bg._repr_html_()
    assert all(f"<td>{k}</td>" in html for k in ("r", "alpha", "a", "b")) and "<th>se</th>" in html


def test_reason_stability_prints_in_one_line_and_as_a_table():
    """The counts in the display are recomputed here from the result's own
    Series; the coefficients are listed least stable first."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(150, 4))
    y = (X[:, 0] + 0.1 * X[:, 3] + rng.normal(size=150) > 0).astype(int)
    m = npscore.ChurnModel().fit(X, y)
    rs = m.reason_stability(X, y, n_boot=12, seed=1)
    r = repr(rs)
    one_line(r)
    assert r.startswith(f"ReasonStability(n_boot=12, rows=150, mean_top_reason_agreement="
                        f"{rs.mean_top_reason_agreement:.3f}, unstable_signs=[")
    for name in rs.unstable_signs[:3]:
        assert repr(name) in r
    got = cells(rs._repr_html_())
    assert got[:2] == ["feature (least stable first)", "sign stability"]
    features, values = got[2::2], [float(v) for v in got[3::2]]
    assert sorted(features) == sorted(rs.sign_stability.index)
    assert values == sorted(values)
    assert values == [round(rs.sign_stability[f], 2) for f in features]
    unsteady = int((rs.top_reason_agreement < 0.8).sum())
    assert f"{unsteady:,} rows agree in fewer than 80% of refits" in rs._repr_html_()
    assert rs.unstable_signs, "x1, x2 have no effect: some sign must flip"
