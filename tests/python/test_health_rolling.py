"""Rolling windows: each row's counts equal a direct pandas count of the
responses inside [window_start, window_end)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import npscore


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 6000
    t = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 365 * 24, n), unit="h")
    return pd.DataFrame({"score": rng.integers(0, 11, n), "responded_at": t,
                         "region": rng.choice(["north", "south"], n)})


@pytest.mark.parametrize("tz", ["UTC", "America/New_York"])
def test_windows_match_direct_counts(responses, tz):
    h = npscore.health(responses, freq="M", window="90D", by="region", tz=tz, method="wald")
    t = responses["responded_at"]
    for _, row in h.iterrows():
        inside = (t >= row.window_start) & (t < row.window_end) & (responses.region == row.region)
        s = responses.score[inside]
        assert row.n == len(s)
        if len(s):
            want = 100 * ((s >= 9).mean() - (s <= 6).mean())
            assert row.nps == pytest.approx(want, abs=1e-9)
            p, d = (s >= 9).mean(), (s <= 6).mean()
            se = 100 * np.sqrt((p + d - (p - d) ** 2) / len(s))
            assert row.se == pytest.approx(se, rel=1e-9)
        # each window ends where its month ends, 90 days long
        assert row.window_end - row.window_start <= pd.Timedelta(days=91)
    assert h["nps_change"].isna().all()  # overlapping windows carry no tests
    assert h.attrs["window"] == "90D"


def test_window_must_be_whole_days(responses):
    with pytest.raises(ValueError, match="whole number of days"):
        npscore.health(responses, window="36h")
    with pytest.raises(ValueError, match="latest"):
        npscore.health(responses.assign(customer_id=1), window="30D", basis="latest")


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin"])
def test_each_window_is_the_calendar_days_before_its_period_end(responses, tz):
    # Data end mid-month (2024-12-15): December's window still ends on
    # 2025-01-01 local midnight and starts 90 local days before it.
    cut = responses[responses.responded_at < pd.Timestamp("2024-12-15", tz="UTC")]
    h = npscore.health(cut, freq="M", window="90D", tz=tz)
    for _, row in h.iterrows():
        end = pd.Period(row.period, "M").end_time.ceil("D").tz_localize(tz)
        assert row.window_end == end.tz_convert("UTC")
        start = (end.tz_localize(None) - pd.Timedelta(days=90)).tz_localize(tz)
        assert row.window_start == start.tz_convert("UTC")
    assert h.period.iloc[-1] == "2024-12"
