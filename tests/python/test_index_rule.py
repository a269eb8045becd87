"""The index rule beside a table (issue 11, docs/python-interop.md): a value
argument given as a pandas Series (or an indicator frame) next to a pandas
DataFrame is paired with the frame's rows by index label, reordered when the
labels come in another order and an error naming the first label missing
on each side when they differ; numpy arrays and lists keep positional
semantics, as do Series beside a table without an index (polars).

Covered: prioritize, missed_cases, theme_impact, top_themes and
churn_features(themes=<indicator frame>). ChurnModel, evaluate, summarize
and the CLV functions have their own tests (test_churn_sklearn.py,
test_nps.py, test_clv*.py); ChurnModel with Arrow tables:
test_churn_inputs_foreign.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl  # in the test extra: never skipped
import pytest

import npscore
from npscore import priority

RNG = np.random.default_rng(15)
N = 40
NOW = pd.Timestamp("2026-01-10", tz="UTC")
IDS = pd.Index([f"c{i}" for i in range(N)], name="customer_id")

CASES = pd.DataFrame({
    "risk": RNG.uniform(0.05, 0.95, N),          # continuous: no ties in the queue
    "clv": RNG.uniform(100, 5000, N),
    "score": RNG.integers(0, 11, N),
    "responded_at": NOW - pd.to_timedelta(RNG.uniform(1, 300, N), unit="h"),
    "contacted_at": pd.Series(NOW - pd.Timedelta(minutes=30), index=IDS).where(
        np.arange(N) % 7 == 0),                  # every 7th case contacted, the rest NaT
    "closed": RNG.random(N) < 0.1,
}, index=IDS)
COLUMNS = ("risk", "clv", "score", "responded_at", "contacted_at", "closed")
ARGS = dict(zip(("churn_risk", "clv", "segment", "responded_at", "contacted_at", "closed"),
                COLUMNS))


def shuffled(s: pd.Series, seed: int) -> pd.Series:
    return s.sample(frac=1, random_state=seed)


# --- prioritize / missed_cases ----------------------------------------------------------

@pytest.mark.parametrize("fn", [npscore.prioritize, priority.missed_cases])
def test_queue_series_beside_the_frame_align(fn):
    want = fn(CASES, now=NOW, **ARGS)
    assert len(want) > 0
    series = {arg: shuffled(CASES[col], seed) for seed, (arg, col) in enumerate(ARGS.items())}
    pd.testing.assert_frame_equal(fn(CASES, now=NOW, **series), want)
    # one Series among column names
    pd.testing.assert_frame_equal(
        fn(CASES, now=NOW, **{**ARGS, "clv": shuffled(CASES.clv, 9)}), want)


@pytest.mark.parametrize("fn", [npscore.prioritize, priority.missed_cases])
def test_queue_series_without_a_frame_align_with_each_other(fn):
    want = fn(CASES, now=NOW, **ARGS)
    series = {arg: shuffled(CASES[col], seed) for seed, (arg, col) in enumerate(ARGS.items())}
    got = fn(None, now=NOW, **series)
    # indexed by the Series' labels, rows as with the frame
    pd.testing.assert_frame_equal(got, want)


def test_queue_numpy_values_pair_by_position():
    values = shuffled(CASES.clv, 4).to_numpy()
    got = npscore.prioritize(CASES, now=NOW, **{**ARGS, "clv": values})
    want = npscore.prioritize(CASES.assign(clv=values), now=NOW, **ARGS)
    pd.testing.assert_frame_equal(got, want)
    assert not got.clv.equals(npscore.prioritize(CASES, now=NOW, **ARGS).clv)


def test_queue_labels_that_differ_are_an_error():
    with pytest.raises(ValueError, match=r"the indexes of df and clv differ \(label 'c0' of df "
                                         r"is not in clv; label 0 of clv is not in df\)"):
        npscore.prioritize(CASES, now=NOW, **{**ARGS, "clv": CASES.clv.reset_index(drop=True)})
    with pytest.raises(ValueError, match=r"the indexes of churn_risk and clv differ \(label "
                                         r"'c1' of churn_risk is not in clv"):
        npscore.prioritize(None, churn_risk=CASES.risk, clv=CASES.clv.drop("c1"), now=NOW)
    with pytest.raises(ValueError, match=r"the indexes of df and segment differ"):
        priority.missed_cases(CASES, now=NOW, **{**ARGS, "segment": CASES.score.iloc[1:]})


def test_queue_series_beside_polars_pair_by_position():
    """polars has no index: a Series beside it pairs by position, like numpy."""
    frame = pl.from_pandas(CASES.reset_index(drop=True))
    clv = shuffled(CASES.clv, 6)
    got = npscore.prioritize(frame, now=NOW, **{**ARGS, "clv": clv})
    want = npscore.prioritize(frame, now=NOW, **{**ARGS, "clv": clv.to_numpy()})
    pd.testing.assert_frame_equal(got, want)


# --- theme_impact / top_themes -----------------------------------------------------------

COMMENTS = pd.DataFrame({
    "comment": RNG.choice(["the app has a bug", "too expensive for us", "support was slow",
                           "great product", "billing error and a bug", None], N),
    "score": RNG.integers(0, 11, N),
    "clv": RNG.uniform(100, 5000, N),
}, index=IDS)
TAGGER = npscore.ThemeTagger()
COMMENTS["themes"] = TAGGER.tag(COMMENTS.comment)


def test_theme_impact_series_and_indicator_frame_align():
    want = npscore.theme_impact(COMMENTS, theme="themes", segment="score", clv="clv")
    got = npscore.theme_impact(COMMENTS, theme=shuffled(COMMENTS.themes, 1),
                               segment=shuffled(COMMENTS.score, 2), clv=shuffled(COMMENTS.clv, 3))
    pd.testing.assert_frame_equal(got, want)
    indicators = TAGGER.indicators(COMMENTS.comment).sample(frac=1, random_state=4)
    got = npscore.theme_impact(COMMENTS, theme=indicators, segment="score", clv="clv")
    want_ind = npscore.theme_impact(COMMENTS, theme=TAGGER.indicators(COMMENTS.comment),
                                    segment="score", clv="clv")
    pd.testing.assert_frame_equal(got, want_ind)


def test_theme_impact_numpy_pairs_by_position_and_labels_must_match():
    clv = shuffled(COMMENTS.clv, 5).to_numpy()
    pd.testing.assert_frame_equal(
        npscore.theme_impact(COMMENTS, theme="themes", segment="score", clv=clv),
        npscore.theme_impact(COMMENTS.assign(clv=clv), theme="themes", segment="score",
                             clv="clv"))
    with pytest.raises(ValueError, match=r"the indexes of df and clv differ \(label 'c0' of df "
                                         r"is not in clv; label 0 of clv is not in df\)"):
        npscore.theme_impact(COMMENTS, theme="themes", segment="score",
                             clv=COMMENTS.clv.reset_index(drop=True))
    with pytest.raises(ValueError, match=r"the indexes of df and theme differ"):
        npscore.theme_impact(COMMENTS, theme=TAGGER.indicators(COMMENTS.comment.to_list()),
                             segment="score", clv="clv")


def test_top_themes_series_align_and_polars_pairs_by_position():
    want = npscore.top_themes(COMMENTS, comment="comment", segment="score", clv="clv")
    got = npscore.top_themes(COMMENTS, comment="comment", segment=shuffled(COMMENTS.score, 7),
                             clv=shuffled(COMMENTS.clv, 8))
    pd.testing.assert_frame_equal(got, want)
    with pytest.raises(ValueError, match=r"the indexes of df and segment differ"):
        npscore.top_themes(COMMENTS, comment="comment", clv="clv",
                           segment=COMMENTS.score.reset_index(drop=True))
    frame = pl.from_pandas(COMMENTS.drop(columns="themes").reset_index(drop=True))
    clv = shuffled(COMMENTS.clv, 9)
    pd.testing.assert_frame_equal(
        npscore.top_themes(frame, comment="comment", segment="score", clv=clv),
        npscore.top_themes(frame, comment="comment", segment="score", clv=clv.to_numpy()))


# --- churn_features(themes=<indicator frame>) ------------------------------------------------

RESPONSES = pd.DataFrame({
    "customer_id": RNG.integers(0, 12, N),
    "score": RNG.integers(0, 11, N),
    "responded_at": pd.Timestamp("2025-01-01", tz="UTC")
    + pd.to_timedelta(RNG.uniform(0, 300, N), unit="D"),
    "comment": COMMENTS.comment.to_numpy(),
}, index=pd.Index(np.arange(1000, 1000 + N), name="response_id"))


def test_churn_features_theme_frame_aligns_with_responses():
    indicators = TAGGER.indicators(RESPONSES.comment)
    want = npscore.churn_features(RESPONSES, as_of="2025-12-31", themes=indicators)
    assert want.filter(like="theme=").to_numpy().any()
    got = npscore.churn_features(RESPONSES, as_of="2025-12-31",
                                 themes=indicators.sample(frac=1, random_state=2))
    pd.testing.assert_frame_equal(got, want)
    with pytest.raises(ValueError, match=r"the indexes of responses and themes differ \(label "
                                         r"1000 of responses is not in themes; label 0 of "
                                         r"themes is not in responses\)"):
        npscore.churn_features(RESPONSES, as_of="2025-12-31",
                               themes=indicators.reset_index(drop=True))
    # numpy-like positions: an indicator frame beside a polars table pairs by row
    frame = pl.from_pandas(RESPONSES.reset_index(drop=True))
    pd.testing.assert_frame_equal(
        npscore.churn_features(frame, as_of="2025-12-31", themes=indicators),
        npscore.churn_features(RESPONSES.reset_index(drop=True), as_of="2025-12-31",
                               themes=indicators.reset_index(drop=True)))
