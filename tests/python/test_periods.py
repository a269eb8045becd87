"""Periods across 1970-01-01, on a calendar day a zone skipped, and time-zone
names that are not IANA names (issue 9), through `health`, `segment_trends`
and `migration`.

Expected counts come from pandas alone: `tz_convert` to the zone, then
`dt.to_period` / `dt.strftime`, then a groupby; migration pairs are worked out
by hand beside each case.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import npscore


def placeholder_frame() -> pd.DataFrame:
    """1,200 responses in 2024 and one CRM placeholder dated 1900-01-01."""
    rng = np.random.default_rng(1900)
    start = pd.Timestamp("2024-01-01", tz="UTC").value
    end = pd.Timestamp("2025-01-01", tz="UTC").value
    times = rng.integers(start, end, size=1200)
    times = np.append(times, pd.Timestamp("1900-01-01", tz="UTC").value)
    return pd.DataFrame({
        "score": rng.integers(0, 11, size=1201),
        "responded_at": pd.to_datetime(times, utc=True),
    })


def test_monthly_health_with_a_1900_placeholder_counts_every_month():
    df = placeholder_frame()
    h = npscore.health(df, freq="M")
    got = h.set_index("period")["n"]
    naive = df["responded_at"].dt.tz_localize(None)
    want = df.groupby(naive.dt.to_period("M").astype(str)).size()
    assert len(h) == 125 * 12  # 1900-01 .. 2024-12, empty months as n = 0
    assert got.sum() == 1201
    assert got[got > 0].to_dict() == want.to_dict()
    months_2024 = [f"2024-{m:02d}" for m in range(1, 13)]
    assert got[months_2024].min() > 60  # not [0, ..., 0, 1200]
    assert got["1900-01"] == 1


def test_segment_trends_with_a_1900_placeholder():
    df = placeholder_frame()
    df = df[df["responded_at"] >= pd.Timestamp("2024-01-01", tz="UTC")]
    st = npscore.segment_trends(df, periods=6, freq="M")
    recent = df[df["responded_at"] >= pd.Timestamp("2024-07-01", tz="UTC")]
    assert int(st["n"].iloc[0]) == len(recent)
    placeholder = pd.concat([df, placeholder_frame().tail(1)], ignore_index=True)
    st2 = npscore.segment_trends(placeholder, periods=6, freq="M")
    assert int(st2["n"].iloc[0]) == len(recent)


def test_migration_across_1969_12_31_lands_in_the_right_month():
    # a: promoter on 1969-12-31, passive on 2024-03-10  -> promoter -> passive, 2024-03
    # b: detractor 2024-01-05, promoter 2024-02-20      -> detractor -> promoter, 2024-02
    # c: detractor 1969-12-31 23:00, promoter 1970-01-01 01:00 (UTC)
    #                                                   -> detractor -> promoter, 1970-01
    df = pd.DataFrame({
        "customer_id": ["a", "a", "b", "b", "c", "c"],
        "score": [9, 7, 3, 10, 5, 9],
        "responded_at": pd.to_datetime([
            "1969-12-31 12:00", "2024-03-10 08:00", "2024-01-05 00:00", "2024-02-20 00:00",
            "1969-12-31 23:00", "1970-01-01 01:00"], utc=True),
    })
    m = npscore.migration(df, customer="customer_id", freq="M")
    moves = m[m["pairs"] > 0].set_index(["period", "from"])
    assert moves["pairs"].sum() == 3
    assert moves.loc[("2024-03", "promoters"), "to_passives"] == 1
    assert moves.loc[("2024-02", "detractors"), "to_promoters"] == 1
    assert moves.loc[("1970-01", "detractors"), "to_promoters"] == 1
    assert m.attrs["promoter_to_passive"] == 1
    # Without periods, the same three moves.
    overall = npscore.migration(df, customer="customer_id")
    assert overall["pairs"].sum() == 3


def test_daily_health_in_apia_has_no_row_for_the_skipped_day():
    """Samoa skipped 2011-12-30: 2011-12-29 24:00 (UTC-10) was followed by
    2011-12-31 00:00 (UTC+14). That day has no responses and no row."""
    times = pd.date_range("2011-12-27 10:00", "2012-01-02 09:00", freq="37min", tz="UTC")
    rng = np.random.default_rng(30)
    df = pd.DataFrame({"score": rng.integers(0, 11, size=len(times)), "responded_at": times})
    h = npscore.health(df, freq="D", tz="Pacific/Apia", thresholds={"min_n": 0})
    local = df["responded_at"].dt.tz_convert("Pacific/Apia").dt.strftime("%Y-%m-%d")
    want = df.groupby(local).size()
    assert "2011-12-30" not in set(h["period"])
    assert "2011-12-30" not in set(want.index)
    assert h.set_index("period")["n"].to_dict() == want.to_dict()
    assert list(h["period"]) == ["2011-12-27", "2011-12-28", "2011-12-29", "2011-12-31",
                                 "2012-01-01", "2012-01-02"]
    st = npscore.segment_trends(df, periods=3, freq="D", tz="Pacific/Apia")
    assert int(st["n"].iloc[0]) == int(want.tail(3).sum())


BAD_ZONES = [
    ("Europe/Berlin\x00junk", r"Europe/Berlin\x00junk"),
    ("/usr/share/zoneinfo/Asia/Tokyo", "/usr/share/zoneinfo/Asia/Tokyo"),
    ("file:/etc/localtime", "file:/etc/localtime"),
    ("../zoneinfo/Asia/Tokyo", "../zoneinfo/Asia/Tokyo"),
    ("/dev/stdin", "/dev/stdin"),
    ("dateutil//usr/share/zoneinfo/Asia/Tokyo", "dateutil//usr/share/zoneinfo/Asia/Tokyo"),
    ("right/Europe/Berlin", "right/Europe/Berlin"),
    ("x" * 5000, "x" * 64),
]


@pytest.mark.parametrize("aware", [True, False], ids=["aware", "naive"])
@pytest.mark.parametrize("tz,shown", BAD_ZONES, ids=[s[:20] for s, _ in BAD_ZONES])
def test_zone_names_with_nul_or_paths_raise_value_error_naming_the_value(tz, shown, aware):
    df = placeholder_frame().head(20)
    df["customer_id"] = np.arange(20) % 5
    if not aware:
        df["responded_at"] = df["responded_at"].dt.tz_localize(None)
    pattern = re.escape(f'tz "{shown}')
    calls = [
        lambda: npscore.health(df, tz=tz),
        lambda: npscore.health(df, freq="D", tz=tz, window="30D"),
        lambda: npscore.segment_trends(df, tz=tz),
        lambda: npscore.migration(df, customer="customer_id", freq="M", tz=tz),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=pattern):
            call()


def test_an_iana_zone_still_works_after_many_bad_names():
    df = placeholder_frame().tail(50)
    for i in range(2000):
        with pytest.raises(ValueError):
            npscore.health(df, tz=f"Nowhere/City_{i}")
    h = npscore.health(df, tz="Asia/Tokyo")
    assert h["n"].sum() == 50
