"""npscore.adjust_p_values against plain numpy implementations of Holm (1979)
and Benjamini-Hochberg (1995), written here from their definitions."""

import numpy as np
import pandas as pd
import pytest

import npscore


def holm(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def bh(p):
    p = np.asarray(p, float)
    m = len(p)
    order = np.argsort(p, kind="stable")[::-1]
    adj = np.empty(m)
    running = 1.0
    for k, i in enumerate(order):
        rank = m - k  # 1-based rank in ascending order
        running = min(running, p[i] * m / rank)
        adj[i] = running
    return adj


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_definitions(seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.05, 5), rng.uniform(0, 1, 20)])
    rng.shuffle(p)
    np.testing.assert_allclose(npscore.adjust_p_values(p), holm(p), rtol=0, atol=1e-15)
    np.testing.assert_allclose(npscore.adjust_p_values(p, adjust="bh"), bh(p), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(npscore.adjust_p_values(p, adjust="none"), p)


def test_by_hand_and_nan_left_out():
    # Holm on (0.01, 0.04, 0.03): sorted 0.01*3, 0.03*2, 0.04*1 -> 0.03, 0.06, 0.06.
    np.testing.assert_allclose(npscore.adjust_p_values([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06])
    # NaN is "no test": not in the family (m = 2), and stays NaN.
    got = npscore.adjust_p_values([0.01, np.nan, 0.04])
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], [0.02, 0.04])


def test_series_keep_their_index():
    s = pd.Series([0.2, 0.01], index=["north", "south"], name="p")
    got = npscore.adjust_p_values(s, adjust="BH")  # case is ignored
    assert isinstance(got, pd.Series) and list(got.index) == ["north", "south"] and got.name == "p"
    np.testing.assert_allclose(got.to_numpy(), bh([0.2, 0.01]))
