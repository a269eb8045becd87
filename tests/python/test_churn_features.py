"""Tests of npscore.churn_features, churn_labels, time_split and backtest:
against a slow, obviously correct pandas loop per customer, the as_of cut,
customers without responses, time zones, every error, and the backtest on
the sample data."""

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import datasets
from npscore.churn import TimeSplit, backtest, time_split

DAY = pd.Timedelta(days=1)


def make_data(seed=0, n=600, m=80, str_ids=False, tz="UTC"):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    ids = np.arange(m) * 7 + 100
    signup = start + pd.to_timedelta(rng.integers(0, 200 * 86400, m), unit="s")
    cust = rng.choice(ids[: m - 10], n)  # the last 10 customers never answer
    times = start + pd.to_timedelta(rng.integers(0, 500 * 86400, n), unit="s")
    scores = rng.integers(0, 11, n)
    fu = times + pd.to_timedelta(rng.integers(0, 30 * 86400, n), unit="s")
    fu = pd.Series(fu).where(rng.random(n) < 0.5)
    customers = pd.DataFrame({
        "customer_id": ids, "signup_at": signup,
        "plan": pd.Categorical(rng.choice(["starter", "pro", "enterprise"], m),
                               categories=["starter", "pro", "enterprise"]),
        "region": rng.choice(["EMEA", "AMER"], m),
        "arr": rng.uniform(100, 1000, m)})
    responses = pd.DataFrame({"customer_id": cust, "responded_at": times, "score": scores,
                              "followed_up_at": fu.array})
    if str_ids:
        customers["customer_id"] = [f"C{i:05d}" for i in customers["customer_id"]]
        responses["customer_id"] = [f"C{i:05d}" for i in responses["customer_id"]]
    if tz != "UTC":
        responses["responded_at"] = responses["responded_at"].dt.tz_convert(tz)
    return responses, customers


def oracle(responses, customers, as_of, early=10.0):
    """The features by a plain loop over customers, each customer's responses
    sorted by time with pandas (fill=False semantics)."""
    as_of = pd.Timestamp(as_of)
    r = responses[responses["responded_at"] <= as_of]
    rows = {}
    for _, c in customers.iterrows():
        signup = c["signup_at"]
        if signup > as_of:
            continue
        mine = r[r["customer_id"] == c["customer_id"]].sort_values("responded_at")
        s = mine["score"].to_numpy(dtype=float)
        age = (as_of - signup) / DAY
        row = {"has_response": float(len(s) > 0), "n_responses": float(len(s)),
               "customer_age_days": age}
        seg = lambda v: -1 if v <= 6 else (0 if v <= 8 else 1)  # noqa: E731
        if len(s):
            last = mine.iloc[-1]
            t = last["responded_at"]
            sg = seg(s[-1])
            tenure = (t - signup) / DAY
            f = last["followed_up_at"]
            followed = sg == -1 and pd.notna(f) and f <= as_of
            row.update({
                "score": s[-1], "segment=detractor": float(sg == -1),
                "segment=passive": float(sg == 0),
                "score_change": s[-1] - s[-2] if len(s) > 1 else np.nan,
                "segment_change": float(sg - seg(s[-2])) if len(s) > 1 else 0.0,
                "mean_score": s.mean(), "min_score": s.min(),
                "detractor_share": float(np.mean(s <= 6)),
                "days_since_response": (as_of - t) / DAY,
                "tenure_days": tenure,
                "early_life_detractor": float(sg == -1 and 0 <= tenure <= early),
                "days_detractor_waiting": (as_of - t) / DAY if sg == -1 and not followed else 0.0,
                "detractor_followed_up": float(followed),
                "days_to_follow_up": (f - t) / DAY if followed else np.nan})
        else:
            row.update({"score": np.nan, "segment=detractor": 0.0, "segment=passive": 0.0,
                        "score_change": np.nan, "segment_change": 0.0, "mean_score": np.nan,
                        "min_score": np.nan, "detractor_share": np.nan,
                        "days_since_response": np.nan, "tenure_days": np.nan,
                        "early_life_detractor": 0.0, "days_detractor_waiting": 0.0,
                        "detractor_followed_up": 0.0, "days_to_follow_up": np.nan})
        rows[c["customer_id"]] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "customer_id"
    return out


def features(responses, customers, as_of, **kw):
    kw.setdefault("signup", "signup_at")
    kw.setdefault("followed_up", "followed_up_at")
    return npscore.churn_features(responses, customers, as_of=as_of, **kw)


@pytest.mark.parametrize("str_ids", [False, True])
@pytest.mark.parametrize("as_of", ["2024-06-15", "2024-12-31 12:00"])
def test_matches_pandas_loop(str_ids, as_of):
    responses, customers = make_data(1, str_ids=str_ids)
    got = features(responses, customers, pd.Timestamp(as_of, tz="UTC"), fill=False)
    want = oracle(responses, customers, pd.Timestamp(as_of, tz="UTC"))
    assert list(got.index) == list(want.index)
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False, rtol=1e-12)
    assert got.attrs["used"] == int((responses["responded_at"] <= pd.Timestamp(as_of, tz="UTC")).sum())
    assert got.attrs["used"] + got.attrs["after_as_of"] == len(responses)
    assert got.attrs["not_yet_signed_up"] == int((customers["signup_at"] > pd.Timestamp(as_of, tz="UTC")).sum())


def test_fill_rules():
    responses, customers = make_data(2)
    as_of = pd.Timestamp("2024-05-01", tz="UTC")
    raw = features(responses, customers, as_of, fill=False)
    filled = features(responses, customers, as_of)
    assert not filled.isna().any().any()
    none = raw["has_response"] == 0
    assert none.any() and (~none).any()
    assert (filled.loc[none, ["score", "mean_score", "min_score"]] == 7.5).all().all()
    np.testing.assert_array_equal(filled.loc[none, "days_since_response"],
                                  raw.loc[none, "customer_age_days"])
    np.testing.assert_array_equal(filled.loc[none, "tenure_days"],
                                  raw.loc[none, "customer_age_days"])
    one = raw["n_responses"] == 1
    assert (filled.loc[one, "score_change"] == 0).all()
    assert (filled["days_to_follow_up"][raw["days_to_follow_up"].isna()] == 0).all()
    observed = raw.notna()
    pd.testing.assert_frame_equal(filled[observed], raw[observed])


def test_responses_after_as_of_change_nothing():
    responses, customers = make_data(3)
    as_of = pd.Timestamp("2024-08-01", tz="UTC")
    base = features(responses, customers, as_of)
    later = responses["responded_at"] > as_of
    changed = responses.copy()
    changed.loc[later, "score"] = 10 - changed.loc[later, "score"]
    changed.loc[later, "responded_at"] += pd.Timedelta(days=3)
    changed.loc[later, "followed_up_at"] += pd.Timedelta(days=3)
    extra = changed[later].head(50).copy()
    extra["customer_id"] = customers["customer_id"].iloc[-1]  # a customer without responses
    changed = pd.concat([changed, extra], ignore_index=True)
    again = features(changed, customers, as_of)
    pd.testing.assert_frame_equal(base, again)
    # A follow-up after as_of has not happened yet.
    moved = responses.copy()
    moved["followed_up_at"] = moved["followed_up_at"].where(
        moved["followed_up_at"] <= as_of, moved["followed_up_at"] + pd.Timedelta(days=99))
    pd.testing.assert_frame_equal(base, features(moved, customers, as_of))


def test_customers_without_responses_and_not_yet_signed_up():
    responses = pd.DataFrame({"customer_id": [1, 1], "score": [3, 9],
                              "responded_at": pd.to_datetime(["2024-01-10", "2024-02-01"], utc=True)})
    customers = pd.DataFrame({"customer_id": [1, 2, 3],
                              "signup_at": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-03-01"],
                                                          utc=True)})
    f = npscore.churn_features(responses, customers, as_of="2024-02-15", signup="signup_at")
    assert list(f.index) == [1, 2]
    assert f.attrs["not_yet_signed_up"] == 1
    assert f.loc[2, "has_response"] == 0 and f.loc[2, "n_responses"] == 0
    assert f.loc[2, "days_since_response"] == 41  # its age, as filled
    assert f.loc[1, "score_change"] == 6 and f.loc[1, "segment_change"] == 2
    assert f.loc[1, "days_since_response"] == 14
    assert f.loc[1, "tenure_days"] == 31
    # As of Jan 12 customer 1 is an early-life detractor (9 days after sign-up).
    g = npscore.churn_features(responses, customers, as_of="2024-01-12", signup="signup_at")
    assert g.loc[1, "early_life_detractor"] == 1 and g.loc[1, "days_detractor_waiting"] == 2
    assert npscore.churn_features(responses, customers, as_of="2024-01-12", signup="signup_at",
                                  early_life_days=8).loc[1, "early_life_detractor"] == 0
    # Without a customer table: the customers of the responses; no sign-up columns.
    h = npscore.churn_features(responses, as_of="2024-01-12")
    assert list(h.index) == [1] and "tenure_days" not in h.columns
    assert "detractor_followed_up" not in h.columns


def test_time_zones():
    responses, customers = make_data(4)
    as_of = pd.Timestamp("2024-07-01", tz="UTC")
    base = features(responses, customers, as_of)
    # The same instants in another zone.
    berlin = responses.copy()
    berlin["responded_at"] = berlin["responded_at"].dt.tz_convert("Europe/Berlin")
    pd.testing.assert_frame_equal(base, features(berlin, customers, as_of.tz_convert("Asia/Tokyo")))
    # Naive times read in tz (as_of too).
    ny = responses.copy()
    ny["responded_at"] = ny["responded_at"].dt.tz_convert("America/New_York").dt.tz_localize(None)
    cust = customers.copy()
    cust["signup_at"] = cust["signup_at"].dt.tz_convert("America/New_York").dt.tz_localize(None)
    ny["followed_up_at"] = ny["followed_up_at"].dt.tz_convert("America/New_York").dt.tz_localize(None)
    got = features(ny, cust, as_of.tz_convert("America/New_York").tz_localize(None),
                   tz="America/New_York")
    pd.testing.assert_frame_equal(base, got)
    assert pd.Timestamp(got.attrs["as_of"]) == as_of  # ISO 8601, JSON- and Arrow-safe
    # Naive in UTC by default, and microsecond resolution.
    naive = responses.copy()
    naive["responded_at"] = naive["responded_at"].dt.tz_localize(None).astype("datetime64[us]")
    pd.testing.assert_frame_equal(base, features(naive, customers, "2024-07-01"))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "float32", "float64", "Int64"])
def test_score_dtypes(dtype):
    responses, customers = make_data(5)
    base = features(responses, customers, "2024-09-01")
    r = responses.copy()
    r["score"] = r["score"].astype(dtype)
    pd.testing.assert_frame_equal(base, features(r, customers, "2024-09-01"))


def test_missing_and_unknown_skip():
    responses, customers = make_data(6)
    r = responses.copy()
    r["score"] = r["score"].astype("float64")
    r.loc[3, "score"] = np.nan
    r.loc[5, "responded_at"] = pd.NaT
    r.loc[7, "customer_id"] = 99999
    with pytest.raises(ValueError, match="score at row 3 is missing"):
        features(r, customers, "2024-09-01")
    f = features(r, customers, "2024-09-01", missing="skip", unknown="skip")
    assert f.attrs["skipped_missing_scores"] == 1
    assert f.attrs["skipped_missing_times"] == 1
    assert f.attrs["skipped_unknown_customers"] == 1
    want = features(r.drop(index=[3, 5, 7]).reset_index(drop=True), customers, "2024-09-01")
    pd.testing.assert_frame_equal(f, want, check_like=False, check_exact=True,
                                  obj="skipped rows")
    # Nullable scores with NA.
    r2 = responses.copy()
    r2["score"] = r2["score"].astype("Int64")
    r2.loc[4, "score"] = pd.NA
    assert features(r2, customers, "2024-09-01", missing="skip").attrs["skipped_missing_scores"] == 1


def test_user_columns():
    responses, customers = make_data(7, str_ids=True)
    customers.loc[3, "region"] = None
    f = features(responses, customers, "2025-06-01", columns=["plan", "region", "arr"],
                 static_columns=True)
    # Reference levels dropped: the categorical's first category, the smallest string.
    assert [c for c in f.columns if "=" in c and not c.startswith("segment")] == [
        "plan=pro", "plan=enterprise", "region=EMEA", "region=<missing>"]
    c = customers.set_index("customer_id").loc[f.index]
    np.testing.assert_array_equal(f["plan=enterprise"], (c["plan"] == "enterprise").astype(float))
    np.testing.assert_array_equal(f["region=EMEA"], (c["region"] == "EMEA").astype(float))
    np.testing.assert_array_equal(f["region=<missing>"], c["region"].isna().astype(float))
    np.testing.assert_array_equal(f["arr"], c["arr"])
    bad = customers.copy()
    bad.loc[5, "arr"] = np.nan
    with pytest.raises(ValueError, match="column 'arr' at row 5 .*C00135.* is nan"):
        features(responses, bad, "2025-06-01", columns=["arr"], static_columns=True)
    with pytest.raises(ValueError, match="feature column 'nope' not found"):
        features(responses, customers, "2025-06-01", columns=["nope"], static_columns=True)


def test_themes_of_the_latest_response():
    responses, customers = make_data(9)
    rng = np.random.default_rng(9)
    responses["pricing"] = rng.random(len(responses)) < 0.3
    responses["bug"] = pd.array(rng.integers(0, 2, len(responses)), dtype="Int64")
    responses.loc[5, "bug"] = pd.NA
    as_of = pd.Timestamp("2024-10-01", tz="UTC")
    f = features(responses, customers, as_of, themes=["pricing", "bug"])
    r = responses[responses["responded_at"] <= as_of].sort_values("responded_at")
    last = r.groupby("customer_id").tail(1).set_index("customer_id")
    want_p = last["pricing"].astype(float).reindex(f.index, fill_value=0.0)
    want_b = last["bug"].fillna(0).astype(float).reindex(f.index, fill_value=0.0)
    np.testing.assert_array_equal(f["theme=pricing"], want_p)
    np.testing.assert_array_equal(f["theme=bug"], want_b)
    assert f["theme=pricing"].sum() > 0
    # The same from an indicator frame, e.g. ThemeTagger().indicators(comments).
    g = features(responses, customers, as_of, themes=responses[["pricing", "bug"]].reset_index(drop=True))
    pd.testing.assert_frame_equal(f, g)
    with pytest.raises(ValueError, match="themes has 3 rows but responses has"):
        features(responses, customers, as_of, themes=responses[["bug"]].head(3))
    responses.loc[7, "bug"] = 2
    with pytest.raises(ValueError, match="theme column 'bug' at row 7 is 2"):
        features(responses, customers, as_of, themes=["bug"])


def test_themes_from_the_tagger_on_the_sample():
    s = datasets.load_sample()
    tags = npscore.ThemeTagger().indicators(s.responses["comment"])
    f = npscore.churn_features(s.responses, s.customers, as_of="2025-06-30", themes=tags)
    names = [c for c in f.columns if c.startswith("theme=")]
    assert names == [f"theme={t}" for t in tags.columns]
    latest = (s.responses[s.responses["responded_at"] <= pd.Timestamp("2025-06-30", tz="UTC")]
              .sort_values("responded_at").groupby("customer_id").tail(1))
    want = tags.loc[latest.index].set_axis(latest["customer_id"]).reindex(f.index, fill_value=False)
    np.testing.assert_array_equal(f[names].to_numpy(), want.to_numpy(dtype=float))
    assert f[names].to_numpy().sum() > 0


def test_errors():
    responses, customers = make_data(8)
    r = responses.copy()
    r.loc[2, "score"] = 12
    with pytest.raises(ValueError, match="score at row 2 is 12: outside the scale 0..10"):
        features(r, customers, "2024-09-01")
    r = responses.copy()
    r.loc[4, "responded_at"] = pd.NaT
    with pytest.raises(ValueError, match="response time at row 4 is missing"):
        features(r, customers, "2024-09-01")
    r = responses.copy()
    r.loc[6, "customer_id"] = 5
    with pytest.raises(ValueError, match="customer 5 at row 6 is not in the customer table"):
        features(r, customers, "2024-09-01")
    rs, cs = make_data(8, str_ids=True)
    rs.loc[6, "customer_id"] = "X1"
    with pytest.raises(ValueError, match="customer 'X1' at row 6 is not in the customer table"):
        features(rs, cs, "2024-09-01")
    cs2 = pd.concat([cs, cs.iloc[[2]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"customer id 'C00114' appears twice .*rows 2 and 80"):
        features(make_data(8, str_ids=True)[0], cs2, "2024-09-01")
    c2 = pd.concat([customers, customers.iloc[[2]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"customer id 114 appears twice .*rows 2 and 80"):
        features(responses, c2, "2024-09-01")
    r = responses.copy()
    r.loc[0, "followed_up_at"] = r.loc[0, "responded_at"] - pd.Timedelta(hours=1)
    with pytest.raises(ValueError, match=r"follow-up time at row 0 \(20..-..-.. ..:..:..* UTC\) is before"):
        features(r, customers, "2025-09-01")
    with pytest.raises(ValueError, match="as_of must be given"):
        npscore.churn_features(responses, customers, as_of=None)
    with pytest.raises(ValueError, match="as_of is NaT: not a timestamp"):
        npscore.churn_features(responses, customers, as_of=pd.NaT)
    with pytest.raises(ValueError, match="as_of is 'soon': not a timestamp"):
        npscore.churn_features(responses, customers, as_of="soon")
    with pytest.raises(ValueError, match="score column 'nps' not found"):
        npscore.churn_features(responses, customers, as_of="2024-09-01", score="nps")
    with pytest.raises(ValueError, match="give the customer table"):
        npscore.churn_features(responses, as_of="2024-09-01", signup="signup_at")
    with pytest.raises(ValueError, match='unknown is "maybe"'):
        features(responses, customers, "2024-09-01", unknown="maybe")
    with pytest.raises(ValueError, match="early_life_days is -1"):
        features(responses, customers, "2024-09-01", early_life_days=-1)
    with pytest.raises(TypeError, match=r"responses must be a DataFrame \(pandas or polars\)"):
        npscore.churn_features([1, 2], as_of="2024-09-01")


def test_churn_labels():
    churn = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                          "churned_at": pd.to_datetime(["2024-01-10", "2024-02-15", "2024-04-30",
                                                        "2024-05-02", None], utc=True)})
    y = npscore.churn_labels(churn, as_of="2024-01-31", horizon_days=90)
    # (Jan 31, Apr 30]: b and c churn, d later, e never, a before as_of.
    assert y.to_dict() == {"b": 1, "c": 1, "d": 0, "e": 0}
    assert y.dtype == np.int8
    assert y.attrs["churned_before"] == 1 and y.attrs["positives"] == 2
    with pytest.raises(ValueError, match="censored"):
        npscore.churn_labels(churn, as_of="2024-01-31", horizon_days=90,
                             observed_until="2024-03-01")
    with pytest.raises(ValueError, match="horizon_days is 0: it must be finite and > 0"):
        npscore.churn_labels(churn, as_of="2024-01-31", horizon_days=0)
    churn["signup_at"] = pd.to_datetime(["2023-01-01"] * 4 + ["2024-03-01"], utc=True)
    y = npscore.churn_labels(churn, as_of="2024-01-31", horizon_days=90, signup="signup_at")
    assert "e" not in y.index and y.attrs["not_yet_customers"] == 1


def test_time_split_is_honest():
    s = datasets.load_sample()
    with pytest.raises(ValueError, match="leakage"):
        time_split(s, train_as_of="2024-06-30", test_as_of="2024-08-31", horizon_days=90)
    with pytest.raises(ValueError, match="censored"):
        time_split(s, train_as_of="2025-01-31", test_as_of="2025-11-30", horizon_days=90)
    sp = time_split(s, train_as_of="2024-03-31", test_as_of="2024-12-31", horizon_days=90,
                    signup="signup_at")
    assert isinstance(sp, TimeSplit)
    assert list(sp.X_train.index) == list(sp.y_train.index)
    churn = s.churn.set_index("customer_id")["churned_at"]
    for X, y, t in ((sp.X_train, sp.y_train, sp.train_as_of), (sp.X_test, sp.y_test, sp.test_as_of)):
        c = churn.loc[X.index]
        assert not (c <= t).any()  # no one already gone
        want = ((c > t) & (c <= t + pd.Timedelta(days=90))).astype(np.int8)
        np.testing.assert_array_equal(y.to_numpy(), want.to_numpy())
        signed = s.customers.set_index("customer_id")["signup_at"]
        assert (signed.loc[X.index] <= t).all()


@pytest.mark.parametrize("horizon, train, test", [
    (90, "2024-03-31", "2024-12-31"),
    (180, "2024-06-30", "2025-06-30"),
])
def test_backtest_on_sample_predicts_later_churn(horizon, train, test):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    s = datasets.load_sample()
    b = backtest(s, train_as_of=train, test_as_of=test, horizon_days=horizon,
                 model_factory=lambda: make_pipeline(StandardScaler(),
                                                     LogisticRegression(max_iter=1000)),
                 signup="signup_at", columns=["plan"], static_columns=True)
    # The features carry the sample's signal: the AUC of the true hazard by
    # latest segment is about 0.77 (90 days) and 0.70 (180 days) here.
    assert b.auc > 0.65, b.to_dict()
    assert b.n_test > 800 and 0.05 < b.test_churn_rate < 0.25
    # The AUC is scikit-learn's.
    from sklearn.metrics import roc_auc_score
    assert b.auc == pytest.approx(roc_auc_score(b.split.y_test, b.p_test), abs=1e-12)


class _DetractorRule:
    """A model with only fit / predict_proba: churn risk = latest segment."""

    def fit(self, X, y):
        self.fitted_ = True
        return self

    def predict_proba(self, X):
        p = 0.05 + 0.4 * X["segment=detractor"].to_numpy() + 0.2 * X["segment=passive"].to_numpy()
        return np.column_stack([1 - p, p])


def test_backtest_takes_any_model_and_checks_classes():
    s = datasets.load_sample()
    b = backtest(s, train_as_of="2024-03-31", test_as_of="2024-12-31", horizon_days=90,
                 model_factory=_DetractorRule)
    assert b.model.fitted_ and b.auc > 0.6
    frames = {"responses": s.responses, "customers": s.customers, "churn": s.churn}
    b2 = backtest(frames, train_as_of="2024-03-31", test_as_of="2024-12-31", horizon_days=90,
                  model_factory=_DetractorRule)
    assert b2.auc == b.auc
    no_churn = s.churn.assign(churned_at=pd.NaT)
    with pytest.raises(ValueError, match="single class"):
        backtest((s.responses, s.customers, no_churn), train_as_of="2024-03-31",
                 test_as_of="2024-12-31", horizon_days=90, observed_until=None,
                 model_factory=_DetractorRule)


def test_backtest_holding_one_side_at_a_time_gives_the_same_numbers():
    """The report's backtest (training features dropped once the model is
    fitted) equals the public one, number for number."""
    from npscore.churn import _backtest

    s = datasets.load_sample()
    kw = dict(signup="signup_at", columns=["plan"], static_columns=True)
    full = backtest(s, train_as_of="2024-03-31", test_as_of="2024-12-31", horizon_days=90, **kw)
    lean = _backtest(s, "2024-03-31", "2024-12-31", 90, None, "auto", dict(kw),
                     keep_train=False)
    assert lean.split.X_train is None and full.split.X_train is not None
    assert lean.to_dict() == full.to_dict()
    pd.testing.assert_series_equal(lean.p_test, full.p_test)
    pd.testing.assert_frame_equal(lean.split.X_test, full.split.X_test)
    pd.testing.assert_series_equal(lean.split.y_train, full.split.y_train)


def test_customer_table_from_responses():
    r = pd.DataFrame({"customer_id": ["b", "a", "b", None], "score": [9, 3, 5, 7],
                      "responded_at": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
                                                      "2024-01-04"], utc=True)})
    with pytest.raises(ValueError, match="customer at row 3 is missing"):
        npscore.churn_features(r, as_of="2024-02-01")
    f = npscore.churn_features(r, as_of="2024-01-02 12:00", unknown="skip")
    assert list(f.index) == ["a", "b"] and f.attrs["skipped_unknown_customers"] == 1
    assert f.loc["b", "score"] == 9 and f.loc["a", "segment=detractor"] == 1
    assert f.attrs["after_as_of"] == 1


@pytest.mark.parametrize("str_ids", [False, True])
def test_same_instant_goes_to_the_later_row(str_ids):
    """Dates only: a customer's answers on one day are in row order. The
    features equal those with each tied answer a second after the row before
    it (ties made distinct in row order), and the latest row is the later one."""
    responses, customers = make_data(21, str_ids=str_ids)
    day = responses.assign(responded_at=responses["responded_at"].dt.floor("30D"),
                           followed_up_at=pd.NaT)
    assert day.duplicated(["customer_id", "responded_at"]).sum() > 50
    apart = day.copy()
    rank = apart.groupby(["customer_id", "responded_at"]).cumcount()
    apart["responded_at"] += pd.to_timedelta(rank, unit="s")
    as_of = "2025-09-01"
    got = features(day, customers, as_of, followed_up=None)
    want = features(apart, customers, as_of, followed_up=None)
    # Equal but for the seconds added (times in days: within 1e-4).
    pd.testing.assert_frame_equal(got, want, check_exact=False, atol=1e-4, rtol=0)
