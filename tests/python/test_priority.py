"""Tests of npscore.prioritize, missed_cases, recoverability and revenue_at_risk:
values worked out by hand, scipy's PCHIP and numpy/pandas oracles."""

import numpy as np
import pandas as pd
import pytest
from scipy.interpolate import PchipInterpolator

import npscore
from npscore.priority import DEFAULT_RECOVERY, PLAYS, segment_codes

NOW = pd.Timestamp("2025-06-01 12:00", tz="UTC")
H = pd.Timedelta(hours=1)
EXACT = [(0, 1.0), (1, 1.0), (24, 0.5), (72, 0.25)]  # exact values at its anchors


# --- recoverability -------------------------------------------------------------------

def test_default_curve_at_domain_anchors():
    # docs/sources.md §5: ~65% within 1 hour, ~40% at 24 hours, < 10% after 72 hours.
    r = npscore.recoverability([0, 0.5, 1, 24, 72, 168, 5000])
    np.testing.assert_array_equal(r, [0.65, 0.65, 0.65, 0.40, 0.10, 0.05, 0.05])
    assert (npscore.recoverability(np.linspace(72.001, 1000, 500)) < 0.10).all()
    assert dict(DEFAULT_RECOVERY) == {0.0: 0.65, 1.0: 0.65, 24.0: 0.4, 72.0: 0.1, 168.0: 0.05}


def test_curve_is_scipy_pchip_in_log_hours_and_monotone():
    h, p = map(np.array, zip(*DEFAULT_RECOVERY))
    oracle = PchipInterpolator(np.log1p(h), p)
    grid = np.linspace(0, 168, 2001)
    r = npscore.recoverability(grid)
    np.testing.assert_allclose(r, oracle(np.log1p(grid)), rtol=0, atol=1e-12)
    assert (np.diff(r) <= 1e-15).all()
    custom = [(0, 0.9), (2, 0.7), (10, 0.3), (50, 0.0)]
    h2, p2 = map(np.array, zip(*custom))
    g2 = np.linspace(0, 50, 101)
    np.testing.assert_allclose(npscore.recoverability(g2, recovery=custom),
                               PchipInterpolator(np.log1p(h2), p2)(np.log1p(g2)), atol=1e-12)


def test_recovery_forms_and_timedeltas():
    as_dict = npscore.recoverability(24, recovery={0: 0.8, 24: 0.5})
    as_frame = npscore.recoverability(24, recovery=pd.DataFrame({"hours": [0, 24], "probability": [0.8, 0.5]}))
    as_td = npscore.recoverability([pd.Timedelta(days=1)], recovery=[(pd.Timedelta(0), 0.8), (24 * H, 0.5)])
    assert as_dict == as_frame == as_td[0] == 0.5
    assert npscore.recovery_curve().shape == (5, 2)


@pytest.mark.parametrize("recovery, message", [
    ([], "at least one anchor"),
    ([(0, 0.4), (1, 0.5)], "must not rise"),
    ([(1, 0.5), (1, 0.4)], "strictly increasing"),
    ([(0, 1.2)], "probability 1.2"),
    ([(-1, 0.5)], "hours -1"),
    ([(0, 0.5, 1)], "give \\(hours, probability\\)"),
    (pd.DataFrame({"h": [0]}), "needs columns"),
])
def test_bad_curves(recovery, message):
    with pytest.raises(ValueError, match=message):
        npscore.recovery_curve(recovery)


def test_recovery_callable_and_bad_hours():
    with pytest.raises(TypeError, match="not a function"):
        npscore.recovery_curve(lambda h: 0.5)
    with pytest.raises(ValueError, match="row 1 is -3"):
        npscore.recoverability([1, -3])


# --- prioritize ----------------------------------------------------------------------------

# A curve with anchors every 24 h: every hours-since-answer h below and h + 24
# fall on an anchor, so recoverability and urgency r(h) - r(h + 24) are exact
# (0.5 at 0 h, 0.2 at 24 h, 0.05 at 48 h); window 72 h, the last anchor.
DAILY = [(0, 1.0), (24, 0.5), (48, 0.3), (72, 0.25)]


def hand_frame():
    hours = [48, 0, 24, 0, 24, 24, 200, 30, 100, 80]
    contacted = [pd.NaT] * 10
    contacted[3] = NOW + H          # after now: not yet made (a replay)
    contacted[7] = NOW - 28 * H     # 2 h after the answer: within the 24 h SLA
    return pd.DataFrame({
        "customer_id": list("abcdefghij"),
        "risk": [0.5, 0.25, 1.0, 0.9, 0.5, 0.5, 0.1, 0.2, 1.0, 0.4],
        "clv": [1300.0, 1000.0, 650.0, 200.0, 650.0, 650.0, 100.0, 1000.0, 5000.0, 1000.0],
        "segment": ["detractor", "Passive", "promoters", "detractor", None, "passive", "promoter",
                    "detractor", "detractor", "detractor"],
        "responded_at": [NOW - h * H for h in hours],
        "contacted_at": pd.to_datetime(contacted, utc=True),
        "closed": [False] * 8 + [True, False],
    }, index=range(10, 20))


def hand_queue(**kw):
    args = dict(churn_risk="risk", clv="clv", segment="segment", responded_at="responded_at",
                contacted_at="contacted_at", closed="closed", now=NOW, recovery=DAILY,
                keep=["customer_id"])
    args.update(kw)
    return npscore.prioritize(hand_frame(), **args)


def test_hand_checked_queues_per_play():
    q = hand_queue()
    # recover: d 180 x 0.5 = 90, a 650 x 0.05 = 32.5 (h contacted, i closed,
    # j 80 h old: missed); make it a 10: b 250 x 0.5, f 325 x 0.2; advocacy:
    # c by CLV (g 200 h old: missed); no segment: e 325 x 0.2.
    assert q["customer_id"].tolist() == list("dabfce")
    assert q.index.tolist() == [13, 10, 11, 15, 12, 14]
    assert q["rank"].tolist() == [1, 2, 1, 2, 1, 1]
    assert q["play"].tolist() == ["recover", "recover", "make_it_a_10", "make_it_a_10", "advocacy", None]
    # (0.5 - 0.3 and 0.3 - 0.25 are exact to a few ulps only)
    np.testing.assert_allclose(q["priority"], [90, 32.5, 125, 65, 650, 65], rtol=1e-14)
    np.testing.assert_allclose(q["urgency"], [0.5, 0.05, 0.5, 0.2, np.nan, 0.2], rtol=1e-14)
    np.testing.assert_array_equal(q["recoverability"], [1, 0.3, 1, 0.5, np.nan, 0.5])
    np.testing.assert_array_equal(q["expected_recoverable"], [180, 195, 250, 162.5, np.nan, 162.5])
    np.testing.assert_array_equal(q["revenue_at_risk"], [180, 650, 250, 325, 650, 325])
    # Deadlines by play: 24 h, 72 h, 7 days; e (no segment) has the recover
    # SLA and is due exactly now: not overdue. Only a is overdue.
    assert q["deadline"].tolist() == [NOW + 24 * H, NOW - 24 * H, NOW + 72 * H, NOW + 48 * H,
                                      NOW + 144 * H, NOW]
    assert q["overdue"].tolist() == [False, True, False, False, False, False]
    assert "close the loop" in q["play_script"].iloc[0]
    assert "What would make it a 10?" in q["play_script"].iloc[2]
    assert q.attrs["queued"] == {"recover": 2, "make_it_a_10": 2, "advocacy": 1, "none": 1}
    assert q.attrs["contacted"]["recover"] == 1 and q.attrs["closed"]["recover"] == 1
    assert q.attrs["missed"] == {"recover": 1, "make_it_a_10": 0, "advocacy": 1, "none": 0}
    # Due: a and j (past the deadline), h (contacted); d's deadline is ahead.
    assert (q.attrs["detractors_due"], q.attrs["detractors_within_sla"]) == (3, 1)
    assert q.attrs["share_within_sla"] == pytest.approx(1 / 3)
    assert q.attrs["window_hours"] == 72
    assert q.attrs["sla_hours"] == {"recover": 24, "make_it_a_10": 72, "advocacy": 168}
    assert q.attrs["total_revenue_at_risk"] == 650 + 250 + 650 + 180 + 325 + 325 + 10 + 200 + 5000 + 400
    assert q.attrs["n_rows"] == 10
    m = npscore.priority.missed_cases(hand_frame(), churn_risk="risk", clv="clv", segment="segment",
                                      responded_at="responded_at", contacted_at="contacted_at",
                                      closed="closed", now=NOW, recovery=DAILY, keep=["customer_id"])
    assert m["customer_id"].tolist() == ["j", "g"]
    assert m["play"].tolist() == ["recover", "advocacy"]
    assert m["hours_since_response"].tolist() == [80, 200]
    np.testing.assert_array_equal(m["revenue_at_risk"], [400, 10])


def test_top_slas_and_window_are_per_play():
    assert hand_queue(top=1)["customer_id"].tolist() == list("dbce")
    q = hand_queue(sla_hours={"recover": 72, "passive": 12}, window_hours=float("inf"))
    # j (80 h, urgency 0) and g are live again; j, f (24 h > 12 h) and g
    # (200 h > 7 days) are overdue, a (48 h < 72 h) is not.
    assert q["customer_id"].tolist() == list("dajbfcge")
    assert q["overdue"].tolist() == [False, False, True, False, True, False, True, False]
    assert q.attrs["window_hours"] == float("inf")
    assert hand_queue(sla_hours=1)["deadline"].iloc[0] == NOW + H
    with pytest.raises(ValueError, match="sla_hours has key 'vip'"):
        hand_queue(sla_hours={"vip": 3})
    with pytest.raises(ValueError, match="window_hours is 0"):
        hand_queue(window_hours=0)
    with pytest.raises(ValueError, match="contacted_at at row 1 is .* before responded_at"):
        df = hand_frame()
        df.loc[11, "contacted_at"] = NOW - H
        npscore.prioritize(df, churn_risk="risk", clv="clv", responded_at="responded_at",
                           contacted_at="contacted_at", now=NOW)
    with pytest.raises(ValueError, match="contacted_at needs responded_at"):
        npscore.prioritize(hand_frame(), churn_risk="risk", clv="clv", contacted_at="contacted_at")


def test_deadline_breaks_ties_and_sla():
    df = pd.DataFrame({"r": [0.5, 0.5], "v": [100.0, 100.0],
                       "t": [NOW - 0.25 * H, NOW - 0.5 * H]})
    # A flat curve: equal urgency (0) and risk: the earlier deadline first.
    q = npscore.prioritize(df, churn_risk="r", clv="v", responded_at="t", now=NOW, sla_hours=0.4,
                           recovery=[(0, 0.5)])
    assert q.index.tolist() == [1, 0]
    assert q["overdue"].tolist() == [True, False]
    assert q["deadline"].iloc[0] == NOW - 0.5 * H + 0.4 * H


def test_owners_and_capacity():
    df = hand_frame()
    for owners in ({"alice": 2, "bob": 3, "carol": 0},
                   pd.Series({"alice": 2, "bob": 3, "carol": 0}),
                   pd.DataFrame({"owner": ["alice", "bob", "carol"], "capacity": [2, 3, 0]})):
        q = hand_queue(owners=owners)
        # Most capacity left first (first listed on ties), in queue order.
        assert q["owner"].tolist() == ["bob", "alice", "bob", "alice", "bob", None]
    q = npscore.prioritize(df, churn_risk="risk", clv="clv", owners={"a": 1}, top=3)
    assert q["owner"].tolist() == ["a", None, None]
    with pytest.raises(ValueError, match="capacity of owner 'a' is -1"):
        npscore.prioritize(df, churn_risk="risk", clv="clv", owners={"a": -1})
    with pytest.raises(ValueError, match="whole number"):
        npscore.prioritize(df, churn_risk="risk", clv="clv", owners={"a": 1.5})
    with pytest.raises(TypeError, match="owners must be"):
        npscore.prioritize(df, churn_risk="risk", clv="clv", owners=[("a", 1)])


def test_top_k_matches_a_numpy_sort():
    rng = np.random.default_rng(3)
    n = 20000
    risk = np.round(rng.random(n), 1)
    clv = np.round(rng.random(n) * 10) * 100
    hours = np.round(rng.random(n) * 100)
    at = NOW - pd.to_timedelta(hours, unit="h")
    q_all = npscore.prioritize(None, churn_risk=risk, clv=clv, responded_at=at, now=NOW)
    # The value of acting now rather than 24 h later (all inside the window).
    pri = (risk * clv) * (npscore.recoverability(hours) - npscore.recoverability(hours + 24))
    deadline = hours * -1  # earlier answer = earlier deadline
    order = np.lexsort((np.arange(n), deadline, -(risk * clv), -pri))
    np.testing.assert_array_equal(q_all.index.to_numpy(), order)
    for top in (1, 50, n + 5):
        q = npscore.prioritize(None, churn_risk=risk, clv=clv, responded_at=at, now=NOW, top=top)
        np.testing.assert_array_equal(q.index.to_numpy(), order[:top])
    q1 = npscore.prioritize(None, churn_risk=risk, clv=clv, top=100, threads=1)
    q3 = npscore.prioritize(None, churn_risk=risk, clv=clv, top=100, threads=3)
    assert q1.index.tolist() == q3.index.tolist()


def test_without_times_and_with_scores():
    df = pd.DataFrame({"risk": [0.1, 0.2, 0.3], "clv": [10.0, 10.0, 10.0], "score": [9, np.nan, 3]})
    q = npscore.prioritize(df, churn_risk="risk", clv="clv", segment="score")
    # One queue per play: recover, advocacy (by CLV, no recoverability), none.
    assert q.index.tolist() == [2, 0, 1]
    np.testing.assert_array_equal(q["recoverability"], [1.0, np.nan, 1.0])
    np.testing.assert_array_equal(q["priority"], [3.0, 10.0, 2.0])
    assert q["deadline"].isna().all() and not q["overdue"].any()
    assert q["segment"].tolist() == ["detractor", "promoter", None]
    np.testing.assert_array_equal(segment_codes(pd.Series([0, 7, 10])), [-1, 0, 1])
    assert PLAYS["passive"][0] == "make_it_a_10"


def test_now_defaults_to_the_current_time_and_naive_times_are_utc():
    df = pd.DataFrame({"r": [0.5], "v": [10.0], "t": [pd.Timestamp.now(tz="UTC").tz_localize(None)
                                                      - pd.Timedelta(hours=30)]})
    q = npscore.prioritize(df, churn_risk="r", clv="v", responded_at="t")
    assert 29.9 < q["hours_since_response"].iloc[0] < 30.5
    assert q["overdue"].iloc[0]


@pytest.mark.parametrize("column, value, message", [
    ("risk", np.nan, "churn_risk at row 2 is NaN"),
    ("risk", 1.5, "churn_risk at row 2 is 1.5"),
    ("risk", -0.1, "churn_risk at row 2 is -0.1"),
    ("clv", np.nan, "clv at row 2 is NaN"),
    ("clv", -5.0, "clv at row 2 is -5"),
    ("clv", np.inf, "clv at row 2 is inf"),
    ("responded_at", pd.NaT, "responded_at at row 2 is missing \\(NaT\\)"),
    ("responded_at", NOW + H, "responded_at at row 2 is .* after now"),
    ("segment", "fan", "segment at row 2 is 'fan'"),
])
def test_bad_input_names_row_and_value(column, value, message):
    df = hand_frame().reset_index(drop=True)
    df[column] = df[column].astype(object) if column == "segment" else df[column]
    df.loc[2, column] = value
    with pytest.raises(ValueError, match=message):
        npscore.prioritize(df, churn_risk="risk", clv="clv", segment="segment",
                           responded_at="responded_at", now=NOW)


def test_unparseable_response_time_names_row_and_value():
    df = hand_frame().reset_index(drop=True)
    df["responded_at"] = df["responded_at"].astype(str).astype(object)
    df.loc[2, "responded_at"] = "soon"
    with pytest.raises(ValueError, match="responded_at at row 2 is 'soon': not a timestamp"):
        npscore.prioritize(df, churn_risk="risk", clv="clv", responded_at="responded_at", now=NOW)
    # Strings with an offset are instants; strings without one are read as UTC.
    df.loc[2, "responded_at"] = (NOW - 5 * H).tz_convert("America/New_York").isoformat()
    q = npscore.prioritize(df, churn_risk="risk", clv="clv", responded_at="responded_at", now=NOW)
    assert q.loc[2, "hours_since_response"] == pytest.approx(5.0)


def test_bad_arguments():
    df = hand_frame()
    with pytest.raises(ValueError, match="column 'nope' not found"):
        npscore.prioritize(df, churn_risk="nope", clv="clv")
    with pytest.raises(ValueError, match="clv has 2 rows"):
        npscore.prioritize(df, churn_risk="risk", clv=[1.0, 2.0])
    with pytest.raises(ValueError, match="top is -1"):
        npscore.prioritize(df, churn_risk="risk", clv="clv", top=-1)
    with pytest.raises(ValueError, match="sla_hours is 0"):
        npscore.prioritize(df, churn_risk="risk", clv="clv", sla_hours=0)
    with pytest.raises(TypeError, match="no DataFrame"):
        npscore.prioritize(None, churn_risk="risk", clv="clv")
    with pytest.raises(TypeError, match="not a number"):
        npscore.prioritize(df, churn_risk="customer_id", clv="clv")
    with pytest.raises(ValueError, match="segment at row 2 is 11"):
        npscore.prioritize(df.assign(s=[1, 2, 11, 3, 4, 5, 6, 7, 8, 9]), churn_risk="risk", clv="clv", segment="s")


# --- revenue at risk -----------------------------------------------------------------------

def test_revenue_at_risk_by_segment_and_slice():
    rng = np.random.default_rng(5)
    n = 500
    df = pd.DataFrame({"risk": rng.random(n), "clv": rng.random(n) * 1000,
                       "plan": rng.choice(["starter", "pro"], n),
                       "region": rng.choice(["eu", "us", "apac"], n),
                       "score": rng.integers(0, 11, n)})
    df["segment"] = np.select([df.score <= 6, df.score <= 8], ["detractor", "passive"], "promoter")
    out = npscore.revenue_at_risk(df, churn_risk="risk", clv="clv", by=["plan", "region"], score="score")
    df["rar"] = df.risk * df.clv
    g = df.groupby(["plan", "region"]).agg(rar=("rar", "sum"), clv=("clv", "sum"), n=("rar", "size"))
    g = g.sort_values("rar", ascending=False).reset_index()
    assert out[["plan", "region"]].values.tolist() == g[["plan", "region"]].values.tolist()
    np.testing.assert_allclose(out["revenue_at_risk"], g["rar"], rtol=1e-12)
    np.testing.assert_allclose(out["clv"], g["clv"], rtol=1e-12)
    assert out["customers"].tolist() == g["n"].tolist()
    np.testing.assert_allclose(out["share_of_risk"].sum(), 1.0)
    # Revenue-weighted NPS: 100 * (sum of promoter CLV - sum of detractor CLV) / sum of CLV.
    for _, row in out.iterrows():
        sub = df[(df.plan == row.plan) & (df.region == row.region)]
        code = np.where(sub.score <= 6, -1, np.where(sub.score <= 8, 0, 1))
        assert row.revenue_weighted_nps == pytest.approx(100 * (code * sub.clv).sum() / sub.clv.sum())
        assert row.nps == pytest.approx(100 * code.mean())
    seg = npscore.revenue_at_risk(df, churn_risk="risk", clv="clv", by="segment")
    assert set(seg["segment"]) == {"detractor", "passive", "promoter"}
    total = npscore.revenue_at_risk(df, churn_risk="risk", clv="clv", score="score")
    assert total["revenue_at_risk"].iloc[0] == pytest.approx(df.rar.sum())
    code = np.where(df.score <= 6, -1, np.where(df.score <= 8, 0, 1))
    assert total["revenue_weighted_nps"].iloc[0] == pytest.approx(100 * (code * df.clv).sum() / df.clv.sum())


def test_revenue_at_risk_errors():
    df = pd.DataFrame({"risk": [0.1, 2.0], "clv": [1.0, 1.0], "g": ["a", "b"]})
    with pytest.raises(ValueError, match="churn_risk at row 1 is 2"):
        npscore.revenue_at_risk(df, churn_risk="risk", clv="clv", by="g")
    with pytest.raises(ValueError, match="clv at row 0 is -1"):
        npscore.revenue_at_risk(df.assign(risk=0.1, clv=[-1.0, 1.0]), churn_risk="risk", clv="clv")


def test_latest_responses_feed_the_queue():
    responses = pd.DataFrame({
        "customer_id": ["a", "b", "a", "c", "b"],
        "responded_at": [NOW - 50 * H, NOW - 30 * H, NOW - 2 * H, NOW - 1 * H, NOW - 29 * H],
        "score": [9, 3, 2, 10, 8],
    })
    customers = pd.DataFrame({"customer_id": ["a", "b", "c", "d"], "clv": [1000.0, 500.0, 200.0, 9.0],
                              "plan": ["pro", "starter", "pro", "pro"]})
    frame = npscore.priority.latest_responses(responses, customers,
                                              churn_risk={"a": 0.5, "b": 0.2, "c": 0.1, "d": 1.0})
    # a: the 2 h-old 2 (detractor); b: the 29 h-old 8 (passive); c: 10; d never answered.
    # In the order of the latest responses' rows (2, 3, 4).
    assert frame["customer_id"].tolist() == ["a", "c", "b"]
    assert frame["score"].tolist() == [2, 10, 8]
    assert frame["segment"].tolist() == ["detractor", "promoter", "passive"]
    assert frame["churn_risk"].tolist() == [0.5, 0.1, 0.2]
    # Two answers of b at the same instant: the later row (4, the 8) is the latest.
    tied = responses.assign(responded_at=responses["responded_at"].where(responses.index != 4,
                                                                        NOW - 30 * H))
    assert npscore.priority.latest_responses(tied, customers)["score"].tolist() == [2, 10, 8]
    q = npscore.prioritize(frame, churn_risk="churn_risk", clv="clv", segment="segment",
                           responded_at="responded_at", now=NOW, top=1, keep=["customer_id", "plan"])
    assert q["customer_id"].tolist() == ["a", "b", "c"]  # one queue per play
    assert q["plan"].tolist() == ["pro", "starter", "pro"]
    rar = npscore.revenue_at_risk(frame, churn_risk="churn_risk", clv="clv", by="segment", score="score")
    assert rar["segment"].tolist() == ["detractor", "passive", "promoter"]
    np.testing.assert_allclose(rar["revenue_at_risk"], [500.0, 100.0, 20.0])
