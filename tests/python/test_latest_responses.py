"""npscore.priority.latest_responses and the one "latest response" rule of the
core, against a pandas oracle (stable sort by time, the last row per
customer) on random data with and without ties (the tie rule: responses at
the same instant in row order)."""

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore.priority import _latest_rows, latest_responses

T0 = pd.Timestamp("2025-01-01", tz="UTC")


def _random_responses(rng, n, n_customers, ids):
    # Distinct times overall, so no customer has a tie.
    times = T0 + pd.to_timedelta(rng.permutation(n * 7)[:n], unit="min")
    return pd.DataFrame({
        "customer_id": ids[rng.integers(0, n_customers, n)],
        "responded_at": times,
        "score": rng.integers(0, 11, n),
        "response_id": np.arange(n),
    })


def _oracle_rows(df, keys):
    last = df.sort_values("responded_at", kind="stable").groupby(keys, dropna=False).tail(1)
    return np.sort(last.index.to_numpy())


@pytest.mark.parametrize("kind", ["dense", "sparse", "text", "negative"])
def test_matches_pandas_oracle(kind):
    rng = np.random.default_rng({"dense": 1, "sparse": 2, "text": 3, "negative": 4}[kind])
    for trial in range(20):
        n = int(rng.integers(1, 3000))
        k = int(rng.integers(1, n + 1))
        ids = {"dense": np.arange(k),
               "sparse": np.arange(k, dtype=np.int64) * 10_000_019 + 2**40,
               "text": np.array([f"c{i:05d}" for i in range(k)], dtype=object),
               "negative": -np.arange(k, dtype=np.int64) * 3}[kind]
        df = _random_responses(rng, n, k, ids)
        want = _oracle_rows(df, "customer_id")
        times = df["responded_at"].array.asi8
        np.testing.assert_array_equal(_latest_rows(df["customer_id"], times), want)
        customers = pd.DataFrame({"customer_id": ids, "clv": rng.uniform(0, 100, k)})
        frame = latest_responses(df, customers)
        assert frame["response_id"].tolist() == want.tolist()  # the rows, in row order
        assert frame["customer_id"].is_unique
        expected = df.loc[want].merge(customers, on="customer_id")
        np.testing.assert_array_equal(frame["clv"].to_numpy(), expected["clv"].to_numpy())


def test_groups_match_pandas_oracle():
    rng = np.random.default_rng(5)
    for trial in range(20):
        n = int(rng.integers(1, 2000))
        df = _random_responses(rng, n, int(rng.integers(1, 200)), np.arange(200))
        df["group"] = rng.integers(-1, 4, n)  # -1: left out
        kept = df[df["group"] >= 0]
        want = _oracle_rows(kept, ["customer_id", "group"])
        got = _latest_rows(df["customer_id"], df["responded_at"].array.asi8, df["group"].to_numpy())
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kind", ["dense", "text"])
def test_ties_match_pandas_oracle(kind):
    """Dates only: many answers of one customer share a day; the later row is
    the latest, as after a stable sort by time."""
    rng = np.random.default_rng(11)
    ties = 0
    for trial in range(20):
        n = int(rng.integers(2, 3000))
        k = int(rng.integers(1, n // 2 + 2))
        ids = np.arange(k) if kind == "dense" else np.array([f"c{i}" for i in range(k)], object)
        df = pd.DataFrame({"customer_id": ids[rng.integers(0, k, n)],
                           "responded_at": T0 + pd.to_timedelta(rng.integers(0, 30, n), unit="D"),
                           "score": rng.integers(0, 11, n), "response_id": np.arange(n)})
        ties += int(df.duplicated(["customer_id", "responded_at"]).any())
        want = _oracle_rows(df, "customer_id")
        np.testing.assert_array_equal(_latest_rows(df["customer_id"], df["responded_at"].array.asi8),
                                      want)
        frame = latest_responses(df, pd.DataFrame({"customer_id": ids}))
        assert frame["response_id"].tolist() == want.tolist()
    assert ties >= 15


def test_tie_at_the_latest_instant_goes_to_the_later_row():
    t = [T0 + pd.Timedelta(hours=h) for h in (1, 5, 2, 5, 3)]
    customers = pd.DataFrame({"customer_id": [7, 8]})
    df = pd.DataFrame({"customer_id": [8, 7, 8, 7, 8], "responded_at": t, "score": [1, 2, 3, 4, 5]})
    frame = latest_responses(df, customers)
    assert frame["score"].tolist() == [4, 5]  # rows 3 (customer 7's tie: the later) and 4
    frame = latest_responses(df.assign(customer_id=["y", "x", "y", "x", "y"]),
                             customers.assign(customer_id=["x", "y"]))
    assert frame["customer_id"].tolist() == ["x", "y"] and frame["score"].tolist() == [4, 5]
    # Reordering the tied rows changes which is the latest: the rule is row order.
    swapped = df.iloc[[0, 3, 2, 1, 4]].reset_index(drop=True)
    assert latest_responses(swapped, customers)["score"].tolist() == [2, 5]


def test_missing_times():
    df = pd.DataFrame({"customer_id": [1, 1, 2],
                       "responded_at": [T0, pd.NaT, pd.NaT], "score": [3, 9, 10]})
    customers = pd.DataFrame({"customer_id": [1, 2]})
    with pytest.raises(ValueError, match=r"^response time at row 1 is missing \(NaT\)"):
        latest_responses(df, customers)
    frame = latest_responses(df, customers, missing="skip")
    assert frame["score"].tolist() == [3]  # customer 2 has no time: no latest response
    with pytest.raises(ValueError, match='missing is "drop"'):
        latest_responses(df, customers, missing="drop")


def test_health_latest_basis_uses_the_same_rule():
    df = pd.DataFrame({
        "customer_id": ["a", "a", "b"],
        "responded_at": [T0, T0, T0 + pd.Timedelta(days=1)],
        "score": [9, 3, 7],
    })
    tied = npscore.health(df, basis="latest")  # a's tie: the later row, the 3
    assert tied.attrs["dropped_by_basis"] == 1
    assert tied["n"].sum() == 2 and tied["detractors"].sum() == 1
    h = npscore.health(df.assign(responded_at=[T0, T0 + pd.Timedelta(hours=1), T0]),
                       basis="latest")
    assert h.attrs["dropped_by_basis"] == 1
    assert h["n"].sum() == 2
