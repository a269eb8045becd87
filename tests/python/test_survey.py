"""npscore.survey: cohort hashes pinned to values computed by hand once (the
same as tests/cpp/survey_test.cc and tests/capi/survey_capi_test.c), each
invitation rule, hand-derived Wald sample sizes, the invitation count against
scipy.stats.binom, and the plans checked against simulation (fixed seeds;
tolerances of 4 Monte Carlo standard errors)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import npscore
from npscore import _npscore, survey

M64 = (1 << 64) - 1


def _hash_by_hand(text: str) -> int:
    """FNV-1a 64 over the UTF-8 bytes, then the SplitMix64 finaliser."""
    h = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & M64
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & M64
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & M64
    return h ^ (h >> 31)


PINNED = {"42": 0xA428CE5471163B02, "-7": 0x4BEB90B267C136E1, "customer-1": 0x2CB00644B7AE349B,
          "Zoë": 0xFB901A3B67663E5E, "a": 0x02C0BDBF481420F8,
          "9223372036854775807": 0x6300418661F0632C,
          "-9223372036854775808": 0x475032746EA8423B}


def test_hashes_are_the_pinned_values():
    ids = list(PINNED)
    _, hashes = _npscore.survey_cohorts(ids, 4)
    assert [int(h) for h in hashes] == list(PINNED.values())
    assert [_hash_by_hand(i) for i in ids] == list(PINNED.values())
    ints = np.array([42, -7, 2**63 - 1, -2**63], dtype=np.int64)
    _, int_hashes = _npscore.survey_cohorts(ints, 4)
    assert [int(h) for h in int_hashes] == [PINNED[str(i)] for i in ints.tolist()]


def test_cohort_is_the_hash_mod_cohorts():
    ids = ["42", "-7", "customer-1", "Zoë", "a"]
    assert survey.cohort(ids).tolist() == [2, 1, 3, 2, 0]
    assert survey.cohort(ids, cohorts=12).tolist() == [PINNED[i] % 12 for i in ids]
    # An integer id hashes as its decimal text.
    assert survey.cohort([42, -7]).tolist() == survey.cohort(["42", "-7"]).tolist()
    s = survey.cohort(pd.Series(["a", "42"], index=["x", "y"]))
    assert list(s.index) == ["x", "y"] and s.tolist() == [0, 2]


def test_arrow_text_ids_read_as_python_strings():
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    ids = list(PINNED)
    assert survey.cohort(pd.Series(ids, dtype=text)).tolist() == survey.cohort(ids).tolist()
    # An empty id is named by row either way; a missing one too.
    for dtype in (text, object):
        with pytest.raises(ValueError, match=r"ids at row 2 is missing \(empty\)"):
            survey.cohort(pd.Series(["a", "b", "", "c"], dtype=dtype))
    with pytest.raises(ValueError, match=r"ids at row 1 is missing"):
        survey.cohort(pd.Series(["a", None], dtype=text))


def test_cohorts_are_balanced():
    counts = np.bincount(survey.cohort(np.arange(40000) + 1000), minlength=4)
    assert np.all(np.abs(counts - 10000) <= 4 * math.sqrt(40000 * 0.25 * 0.75))


AS_OF = pd.Timestamp("2025-03-15 12:00", tz="UTC")


def _customers() -> pd.DataFrame:
    # Cohorts mod 4: 42 -> 2, Zoë -> 2, customer-1 -> 3, a -> 0, -7 -> 1; March 2025 -> 2.
    return pd.DataFrame({
        "customer_id": ["42", "Zoë", "customer-1", "a", "-7"],
        "last_surveyed_at": [pd.NaT, AS_OF - pd.Timedelta(days=89), pd.NaT,
                             AS_OF - pd.Timedelta(days=90), pd.NaT],
        "churned": [False, False, False, False, True],
        "open_case": [False, False, True, False, False],
    }, index=["v", "w", "x", "y", "z"])


def test_each_rule_decides():
    r = survey.invitations(_customers(), as_of=AS_OF)
    assert list(r.index) == ["v", "w", "x", "y", "z"]
    assert r.reason.tolist() == ["invited", "too_recent", "open_case", "not_this_cohort",
                                 "churned"]
    assert r.invite.tolist() == [True, False, False, False, False]
    assert list(r.reason.cat.categories) == list(survey.REASONS)
    assert r.cohort.tolist() == [2, 2, 3, 0, 1]
    assert r.attrs["month"] == "2025-03" and r.attrs["period_cohort"] == 2
    assert r.attrs["counts"] == dict.fromkeys(survey.REASONS, 1)


def test_each_rule_can_fail():
    df = _customers()
    # 89 days ago is enough at 89; 90 days ago too recent at 90.5.
    assert survey.invitations(df, as_of=AS_OF, min_days_between=89).reason["w"] == "invited"
    assert survey.invitations(df, as_of=AS_OF, min_days_between=90.5).reason["y"] == "too_recent"
    # Without the churned / open_case columns, those customers fall to their cohort.
    r = survey.invitations(df, as_of=AS_OF, churned=None, open_case=None)
    assert r.reason["z"] == "not_this_cohort" and r.reason["x"] == "not_this_cohort"
    # A month later cohort 3 (customer-1) is invited and cohort 2 waits.
    r = survey.invitations(df, as_of="2025-04-02", open_case=None)
    assert r.attrs["period_cohort"] == 3
    assert r.reason["x"] == "invited" and r.reason["v"] == "not_this_cohort"


def test_month_in_the_time_zone():
    df = pd.DataFrame({"customer_id": [42]})
    kw = dict(last_surveyed=None, churned=None, open_case=None)
    at = pd.Timestamp("2025-03-31 23:30", tz="UTC")
    assert survey.invitations(df, as_of=at, **kw).attrs["period_cohort"] == 2
    berlin = survey.invitations(df, as_of=at, tz="Europe/Berlin", **kw)
    assert berlin.attrs["month"] == "2025-04" and berlin.attrs["period_cohort"] == 3


def test_values_pair_by_index():
    df = _customers()
    churned = pd.Series([True, False, False, False, False], index=["v", "w", "x", "y", "z"])
    r = survey.invitations(df, as_of=AS_OF, churned=churned.iloc[::-1])
    assert r.reason["v"] == "churned" and r.reason["z"] == "not_this_cohort"


# --- How many answers are enough ------------------------------------------------------

# n = ceil(z^2 V 10^4 / m^2), V = p + d - (p - d)^2, by hand (tests/cpp/survey_test.cc).
@pytest.mark.parametrize("shares,margin,n", [((0.2, 0.3, 0.5), 5, 938),
                                             ((0.1, 0.2, 0.7), 3, 1879),
                                             ((0.3, 0.4, 0.3), 10, 231)])
def test_wald_by_hand(shares, margin, n):
    assert survey.responses_needed(margin, shares, method="wald") == n
    d, _, p = shares
    v = p + d - (p - d) ** 2
    assert n == math.ceil(stats.norm.ppf(0.975) ** 2 * v * 1e4 / margin ** 2)


def test_detectable_change_formula():
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    want = z * 100 * math.sqrt(0.61 / 400 + 0.61 / 900)
    shares = {"detractors": 0.2, "passives": 0.3, "promoters": 0.5}
    assert survey.detectable_change(400, 900, shares) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("responses", [1, 7, 100, 400, 25000])
@pytest.mark.parametrize("rate", [0.05, 0.2, 0.6])
@pytest.mark.parametrize("assurance", [0.5, 0.8, 0.95])
def test_invitations_needed_against_scipy(responses, rate, assurance):
    n = survey.invitations_needed(responses, rate, assurance)
    assert stats.binom.sf(responses - 1, n, rate) >= assurance
    assert stats.binom.sf(responses - 1, n - 1, rate) < assurance


# --- Checked against simulation ---------------------------------------------------------

SIMS = 2000


@pytest.mark.parametrize("method", ["wald", "adjusted-wald", "score"])
def test_coverage_at_the_planned_n(method):
    shares, margin = (0.2, 0.3, 0.5), 5
    n = survey.responses_needed(margin, shares, method=method)
    rng = np.random.default_rng(20251205)
    covered = 0
    widths = []
    for d, pa, p in rng.multinomial(n, shares, size=SIMS):
        s = npscore.summarize_counts(int(d), int(pa), int(p), method=method)
        covered += s.ci_low <= 30 <= s.ci_high
        widths.append(max(s.nps - s.ci_low, s.ci_high - s.nps))
    assert abs(covered / SIMS - 0.95) <= 4 * math.sqrt(0.95 * 0.05 / SIMS)
    # The mean achieved half-width is the margin, within 4 SE plus 1% of it.
    w = np.asarray(widths)
    assert abs(w.mean() - margin) <= 4 * w.std() / math.sqrt(SIMS) + 0.01 * margin


def test_power_at_the_detectable_change():
    shares, n1, n2 = (0.2, 0.3, 0.5), 400, 900
    delta = survey.detectable_change(n1, n2, shares)
    shift = delta / 400  # each period's shares move by half of the change
    rng = np.random.default_rng(677)
    a = rng.multinomial(n1, (0.2 + shift, 0.3, 0.5 - shift), size=SIMS)
    b = rng.multinomial(n2, (0.2 - shift, 0.3, 0.5 + shift), size=SIMS)
    rejected = 0
    for x, y in zip(a, b):
        sa = npscore.summarize_counts(*map(int, x), method="wald")
        sb = npscore.summarize_counts(*map(int, y), method="wald")
        rejected += npscore.compare(sb, sa, method="wald").p_value < 0.05
    assert abs(rejected / SIMS - 0.8) <= 4 * math.sqrt(0.8 * 0.2 / SIMS)


def test_invitations_reach_the_target():
    n = survey.invitations_needed(100, 0.25, 0.9)
    got = np.random.default_rng(5).binomial(n, 0.25, size=4000)
    exact = stats.binom.sf(99, n, 0.25)
    assert abs(np.mean(got >= 100) - exact) <= 4 * math.sqrt(exact * (1 - exact) / 4000)
