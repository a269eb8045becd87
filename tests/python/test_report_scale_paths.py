"""The report's memory-saving paths (issue 13, report at scale) give what the
plain pandas code gives: times parsed in parts, text stripped only when it
needs it, period labels as a categorical, the date span without a Series,
the latest responses' columns taken by row after the churn stage."""

import numpy as np
import pandas as pd
import pytest
from npscore import _report_io, report
from npscore.priority import latest_responses


def test_times_in_parts_are_the_times_parsed_whole(monkeypatch):
    monkeypatch.setattr(_report_io, "_PARSE_ROWS", 3)
    text = pd.Series(["2025-01-31T09:30:00Z", "2025-02-01", None, "2025-03-01T00:00:00.5Z",
                      "2025-03-02T10:00:00+01:00", "bad", "2025-12-31"], dtype="str")
    kw = {"format": "ISO8601", "errors": "coerce", "utc": True}
    got = _report_io._to_datetime(text, **kw)
    want = pd.to_datetime(text, **kw)
    assert got.index.equals(want.index)
    np.testing.assert_array_equal(got.to_numpy("datetime64[ns]"), want.to_numpy("datetime64[ns]"))
    assert got.isna().tolist() == [False, False, True, False, False, True, False]


def test_times_in_parts_naive_with_a_format(monkeypatch):
    monkeypatch.setattr(_report_io, "_PARSE_ROWS", 2)
    text = pd.Series(["31.01.2025", "01.02.2025", "29.02.2025", "15.06.2024", "01.01.2026"],
                     dtype="str")
    got = _report_io._to_datetime(text, format="%d.%m.%Y", errors="coerce", utc=False)
    want = pd.to_datetime(text, format="%d.%m.%Y", errors="coerce", utc=False)
    assert got.dt.tz is None
    np.testing.assert_array_equal(got.to_numpy("datetime64[ns]"), want.to_numpy("datetime64[ns]"))


def test_stripped_returns_unpadded_text_itself_and_strips_padded_text():
    clean = pd.Series(["2025-01-31", None, "2025-02-01"], dtype="str")
    assert _report_io._stripped(clean) is clean
    padded = pd.Series([" 2025-01-31", None, "2025-02-01\t"], dtype="str")
    got = _report_io._stripped(padded)
    assert got.tolist()[0] == "2025-01-31" and got.tolist()[2] == "2025-02-01"
    assert pd.isna(got.iloc[1])


def _opt(**kw):
    return report.ReportOptions(score="score", time="t", **kw)


def test_period_labels_categorical_selects_as_the_labels_do():
    t = pd.to_datetime(["2025-01-05", "2025-02-10", "2025-04-01", "2025-05-01", "2025-01-01"],
                       utc=True)
    df = pd.DataFrame({"score": [1, 9, 10, 7, 3], "t": t})
    h = pd.DataFrame({"period": ["2025Q1", "2025Q2"],
                      "period_start": pd.to_datetime(["2025-01-01", "2025-04-01"], utc=True)})
    q = report._period_labels(df, _opt(), h)
    assert isinstance(q, pd.Categorical)
    assert list(np.asarray(q, dtype=object)) == ["2025Q1", "2025Q1", "2025Q2", "2025Q2", "2025Q1"]
    assert (q == "2025Q2").tolist() == [False, False, True, True, False]
    assert not (q == "2024Q4").any()


def test_days_skips_missing_times():
    t = pd.Series(pd.to_datetime(["2025-03-02 00:00", None, "2025-01-31 23:00"], utc=True))
    df = pd.DataFrame({"score": [1, 2, 3], "t": t})
    assert report._days(df, _opt()) == "2025-01-31..2025-03-02"
    none = pd.DataFrame({"score": [1], "t": pd.Series(pd.to_datetime([None], utc=True))})
    assert report._days(none, _opt()) == "all dates"


@pytest.mark.parametrize("native_plan", [False, True])
def test_latest_responses_by_row_equal_the_full_frames(native_plan):
    rng = np.random.default_rng(3)
    n = 400
    ids = pd.Series([f"C{i:03d}" for i in rng.integers(0, 60, n)], dtype="str")
    responses = pd.DataFrame({
        "response_id": pd.Series([f"R{i}" for i in range(n)], dtype="str"),
        "customer_id": ids,
        "responded_at": pd.Timestamp("2025-01-01", tz="UTC")
        + pd.to_timedelta(rng.permutation(n), unit="h"),
        "score": rng.integers(0, 11, n),
        "comment": pd.Series(["text"] * n, dtype="str"),
    })
    customers = pd.DataFrame({"customer_id": pd.Series([f"C{i:03d}" for i in range(60)],
                                                       dtype="str"),
                              "plan": pd.Series(["a", "b", "c"] * 20, dtype="str"),
                              "clv": np.arange(60.0)})
    if native_plan:  # a response column that the customers file also has
        responses["plan"] = pd.Series(rng.choice(["x", "y"], n), dtype="str")
    keep = (rng.random(n) < 0.8)
    want = latest_responses(responses[keep].drop(columns="comment"), customers)
    core = responses[list(report._CORE)][keep].assign(**{report._ROW: np.flatnonzero(keep)})
    got = report._response_columns(latest_responses(core, customers), responses, customers,
                                   ("comment",))
    pd.testing.assert_frame_equal(got, want)
