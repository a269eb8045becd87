"""Survey responses and their comments."""

from __future__ import annotations

import math
from typing import Any, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from ._params import (
    DEFAULT_COMMENT_PARAMS,
    DEFAULT_CONTACTS,
    DEFAULT_END,
    DEFAULT_LATENT,
    DEFAULT_SCORE_PMF,
    DEFAULT_START,
    DEFAULT_SURVEYS_PER_YEAR,
    DEFAULT_SURVEY_PARAMS,
    EVENTS,
    SEGMENTS,
    SURVEY_KINDS,
    THEMES,
    TOUCHPOINTS,
)
from ._util import (
    _GENERIC,
    _JOINERS,
    _SUFFIX,
    _TEMPLATES,
    _TRAIT,
    _base_satisfaction,
    _column,
    _cutpoints,
    _days,
    _from_days,
    _group_start,
    _hash_normal,
    _hash_uniform,
    _id_keys,
    _lookup,
    _merged,
    _require,
    _rng,
    _segment_codes,
    _splitmix64,
    _utc,
    _utc_series,
    _world_key,
)

# --------------------------------------------------------------------------------------------------
# Responses.
# --------------------------------------------------------------------------------------------------


def _contact_counts(
    plan: np.ndarray, keys: np.ndarray, world: np.ndarray, contacts: Mapping[str, Mapping[str, float]]
) -> np.ndarray:
    """Returns the number of contacts of each customer (one for unknown plans), keyed by id and seed."""
    u = _hash_uniform(keys, world, _TRAIT["contacts"])
    counts = np.ones(len(plan), dtype=np.int64)
    for pl, spec in contacts.items():
        mask = plan == pl
        low, high, p = int(spec["low"]), int(spec["high"]), float(spec["p"])
        if not 1 <= low <= high or not 0.0 <= p <= 1.0:
            raise ValueError(f"contacts[{pl!r}]: need 1 <= low <= high and 0 <= p <= 1")
        k = np.arange(high - low + 1)
        pmf = np.array([math.comb(high - low, int(j)) * p**j * (1 - p) ** (high - low - j) for j in k])
        extra = np.searchsorted(np.cumsum(pmf), u[mask] * pmf.sum(), side="right")
        counts[mask] = low + extra.clip(0, high - low)
    return counts


def _case_variants(texts: Sequence[str]) -> np.ndarray:
    """Returns a (3, n) object array of ``texts`` as written, lower-cased and upper-cased."""
    arr = np.asarray(list(texts), dtype=object)
    return np.stack([arr, np.asarray([t.lower() for t in texts], dtype=object),
                     np.asarray([t.upper() for t in texts], dtype=object)])


def _comment_texts(
    rng: np.random.Generator,
    segment: np.ndarray,
    touchpoint: np.ndarray,
    event_themes: np.ndarray,
    params: Mapping[str, Any],
) -> Tuple[np.ndarray, np.ndarray]:
    """Returns (comment, themes) per response: comment text ("" if none) and ";"-joined themes.

    ``segment`` holds codes 0/1/2 of ``SEGMENTS``; ``touchpoint`` touchpoint names (None for
    relational); ``event_themes`` a boolean matrix (responses x THEMES) of themes raised by active
    events. Only rows with a comment are built, with whole-array operations.
    """
    n_all = len(segment)
    comment = np.full(n_all, "", dtype=object)
    themes_out = np.full(n_all, "", dtype=object)
    rate = np.asarray([float(params["comment_rate"][s]) for s in SEGMENTS])
    rows = np.nonzero(rng.random(n_all) < rate[segment])[0]
    n = len(rows)
    if n == 0:
        return comment, themes_out
    seg = segment[rows]
    positive = rng.random(n) < np.asarray([float(params["positive_share"][s]) for s in SEGMENTS])[seg]
    generic = rng.random(n) < float(params["generic_share"])
    second = rng.random(n) < float(params["second_theme_rate"])

    table = np.asarray([[float(params["theme_weights"][s].get(t, 0.0)) for t in THEMES] for s in SEGMENTS])
    weights = table[seg]
    boost = float(params["touchpoint_theme_boost"])
    tp = touchpoint[rows]
    for name, theme in params["touchpoint_theme"].items():
        if theme in THEMES:
            weights[tp == name, THEMES.index(theme)] *= 1.0 + boost
    weights *= np.where(event_themes[rows], 1.0 + float(params["event_theme_boost"]), 1.0)
    weights = np.maximum(weights, 0.0)
    total = weights.sum(axis=1)
    total[total <= 0] = 1.0
    cum = np.cumsum(weights, axis=1) / total[:, None]
    t1 = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(THEMES) - 1)
    t2 = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), len(THEMES) - 1)
    use_second = second & (t2 != t1) & ~generic

    # Flatten the template pools so that one index picks a template for any (theme, polarity); the
    # last two pools are the generic comments.
    pools: List[Tuple[str, ...]] = []
    for theme in THEMES:
        pools.extend([_TEMPLATES[theme]["neg"], _TEMPLATES[theme]["pos"]])
    pools.extend([_GENERIC["neg"], _GENERIC["pos"]])
    flat = [t for pool in pools for t in pool]
    variants = _case_variants(flat)
    tails = _case_variants([t[:1].lower() + t[1:] for t in flat])
    sizes = np.asarray([len(pool) for pool in pools])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def pick(pool: np.ndarray) -> np.ndarray:
        return offsets[pool] + np.floor(rng.random(n) * sizes[pool]).astype(np.int64)

    pol = positive.astype(np.int64)
    first = np.where(generic, pick(2 * len(THEMES) + pol), pick(2 * t1 + pol))
    tail = pick(2 * t2 + pol)
    joiner = rng.integers(0, len(_JOINERS), n)
    suffix_pos = rng.integers(0, len(_SUFFIX["pos"]), n)
    suffix_neg = rng.integers(0, len(_SUFFIX["neg"]), n)
    case_u = rng.random(n)
    case = np.where(case_u < 0.08, 1, np.where(case_u < 0.11, 2, 0))  # 8% lower, 3% upper case
    pad = rng.random(n) < 0.03

    joiners = _case_variants(_JOINERS)
    pos_suffixes, neg_suffixes = _case_variants(_SUFFIX["pos"]), _case_variants(_SUFFIX["neg"])
    text = variants[case, first]
    text = np.where(use_second, text + joiners[case, joiner] + tails[case, tail], text)
    text = text + np.where(positive, pos_suffixes[case, suffix_pos], neg_suffixes[case, suffix_neg])
    text = np.where(pad, "  " + text + " ", text)

    names = np.asarray(THEMES, dtype=object)
    th = np.where(use_second, names[t1] + ";" + names[t2], names[t1])
    th = np.where(generic, "", th)
    comment[rows] = text
    themes_out[rows] = th
    return comment, themes_out


def make_responses(
    customers: pd.DataFrame,
    *,
    seed: Optional[int] = 0,
    start: Any = DEFAULT_START,
    end: Any = DEFAULT_END,
    surveys_per_year: float = DEFAULT_SURVEYS_PER_YEAR,
    survey: Optional[Mapping[str, Any]] = None,
    latent: Optional[Mapping[str, Any]] = None,
    score_pmf: Optional[Sequence[float]] = None,
    comments: Optional[Mapping[str, Any]] = None,
    events: Optional[Sequence[Mapping[str, Any]]] = None,
    contacts: Optional[Mapping[str, Mapping[str, float]]] = None,
    include_truth: bool = False,
) -> pd.DataFrame:
    """Generate NPS survey responses of ``customers``: relational waves and transactional surveys.

    Parameters
    ----------
    customers : pandas.DataFrame
        Needs ``customer_id``, ``signup_at`` and ``plan``; ``region``, ``industry`` and
        ``company_size`` are used when present (as from ``make_customers``).
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``; use the seed of ``make_customers`` for a coherent world.
    start, end : str or Timestamp, default ``DEFAULT_START``, ``DEFAULT_END``
        Responses fall in ``[start, end]`` and never before the customer's sign-up.
    surveys_per_year : float, default ``DEFAULT_SURVEYS_PER_YEAR`` (3)
        Relational survey waves per customer and year (docs/sources.md §7, 002: rotating cohorts of 25%
        of customers a month). The period never drops below ``min_gap_days`` (90, §7): at most one
        relational response per customer per 90 days, whatever this value.
    survey : mapping, optional
        Merged into ``DEFAULT_SURVEY_PARAMS`` (cadence, response rates, touchpoint rates).
    latent : mapping, optional
        Merged into ``DEFAULT_LATENT`` (slice effects, drift, promoter→passive erosion of §4 (001),
        early-life dip of §5 (002), noise).
    score_pmf : sequence of 11 floats, optional
        Score distribution at the intercept; default ``DEFAULT_SCORE_PMF``.
    comments : mapping, optional
        Merged into ``DEFAULT_COMMENT_PARAMS``.
    events : sequence of mappings, optional
        Event log with ``time``, ``kind``, ``label``, ``plan``, ``theme``, ``end`` and ``effect`` as in
        ``EVENTS`` (the default). Pass ``[]`` for a world without events.
    contacts : mapping of mappings, optional
        Merged into ``DEFAULT_CONTACTS`` (contacts per customer by plan).
    include_truth : bool, default False
        Add latent columns ``satisfaction`` (latent satisfaction at the response, logit units) and
        ``comment_themes`` (";"-joined themes the comment was written about, "" if none): ground truth
        for tests, not something a real dataset has.

    Returns
    -------
    pandas.DataFrame
        One row per response, sorted by time: ``response_id`` (str, "R0000001"), ``customer_id``
        (str), ``contact_id`` (str, "C000123-2": the customer's id and the contact's number),
        ``responded_at`` (datetime64[ns, UTC]), ``survey_kind`` (categorical of ``SURVEY_KINDS``),
        ``touchpoint`` (categorical of ``TOUCHPOINTS``, missing for relational surveys), ``score``
        (int64 in 0..10) and ``comment`` (str, "" when the respondent wrote nothing).

    Notes
    -----
    The score is an ordered-logit draw: latent satisfaction plus logistic noise of scale
    ``noise_scale``, cut at the cut-points of ``score_pmf``. Latent satisfaction = slice effects +
    customer effect + contact effect + random-walk drift + erosion + early-life dip + touchpoint
    effect + active event effects. Relational waves ask one contact (chosen at random) each; a
    customer's first wave comes ``first_relational_days`` plus a random cohort phase after sign-up.
    """
    _require(customers, ["customer_id", "signup_at", "plan"], "customers")
    start_ts, end_ts = _utc(start, "start"), _utc(end, "end")
    if end_ts < start_ts:
        raise ValueError("end must not be before start")
    if not np.isfinite(surveys_per_year) or surveys_per_year <= 0:
        raise ValueError("surveys_per_year must be positive")
    survey_p = _merged(DEFAULT_SURVEY_PARAMS, survey, "survey")
    latent_p = _merged(DEFAULT_LATENT, latent, "latent")
    comment_p = _merged(DEFAULT_COMMENT_PARAMS, comments, "comments")
    for key in ("comment_rate", "positive_share", "theme_weights"):
        missing = [s for s in SEGMENTS if s not in comment_p[key]]
        if missing:
            raise ValueError(f"comments[{key!r}] lacks segments {missing}")
    cut = _cutpoints(DEFAULT_SCORE_PMF if score_pmf is None else score_pmf)
    event_list = [dict(e) for e in (EVENTS if events is None else events)]

    rng = _rng(seed, "responses")
    world = _world_key(seed)
    ids = _column(customers, "customer_id")
    if pd.Series(ids).duplicated().any():
        raise ValueError("customers: customer_id must be unique")
    keys = _id_keys(ids)
    plan = _column(customers, "plan")
    signup = _days(_utc_series(customers["signup_at"], "customers.signup_at"), start_ts)
    end_day = (end_ts - start_ts) / pd.Timedelta(days=1)
    n_cust = len(ids)
    base = _base_satisfaction(customers, keys, world, latent_p)
    n_contacts = _contact_counts(plan, keys, world, _merged(DEFAULT_CONTACTS, contacts, "contacts"))
    active = signup <= end_day

    # Relational waves, in integer seconds so that the 90-day rule holds exactly after rounding.
    min_gap = float(survey_p["min_gap_days"])
    period_s = int(math.ceil(max(365.25 / float(surveys_per_year), min_gap) * 86_400))
    jitter_s = max(float(survey_p["cadence_jitter_days"]), 0.0) * 86_400
    signup_s = np.ceil(signup * 86_400)
    first_s = signup_s + float(survey_p["first_relational_days"]) * 86_400 + rng.random(n_cust) * period_s
    behind = np.maximum(np.ceil(-first_s / period_s), 0.0)  # customers who signed up before start
    first_s = np.ceil(first_s + behind * period_s)
    end_s = end_day * 86_400
    span_s = max(end_s - (first_s[active].min() if active.any() else end_s), 0.0)
    n_waves = int(span_s // period_s) + 1 if active.any() else 0
    gaps = period_s + np.ceil(rng.random((n_cust, max(n_waves - 1, 0))) * jitter_s)
    wave_s = first_s[:, None] + np.concatenate([np.zeros((n_cust, 1)), np.cumsum(gaps, axis=1)], axis=1)
    wave_s = wave_s[:, :n_waves]
    answered = (rng.random(wave_s.shape) < float(survey_p["relational_response_rate"])) & (wave_s <= end_s)
    answered &= active[:, None]
    rel_cust, rel_wave = np.nonzero(answered)
    rel_t = wave_s[rel_cust, rel_wave] / 86_400.0

    # Transactional surveys: Poisson touchpoints over each customer's window, plus onboarding.
    tr_cust: List[np.ndarray] = [rel_cust[:0]]
    tr_t: List[np.ndarray] = [rel_t[:0]]
    tr_tp: List[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    window0 = np.maximum(signup, 0.0)
    window = np.where(active, np.maximum(end_day - window0, 0.0), 0.0)
    response_rate = survey_p["touchpoint_response_rate"]
    for tp, rate in survey_p["touchpoint_rate_per_year"].items():
        if tp not in TOUCHPOINTS or tp == "onboarding":
            raise ValueError(f"survey['touchpoint_rate_per_year']: unknown or onboarding touchpoint {tp!r}")
        counts = rng.poisson(float(rate) / 365.25 * window)
        cust = np.repeat(np.arange(n_cust), counts)
        t = window0[cust] + rng.random(len(cust)) * window[cust]
        keep = rng.random(len(cust)) < float(response_rate.get(tp, 0.0))
        tr_cust.append(cust[keep])
        tr_t.append(t[keep])
        tr_tp.append(np.full(int(keep.sum()), TOUCHPOINTS.index(tp)))
    lo, hi = (float(x) for x in survey_p["onboarding_days"])
    onboard_t = signup + lo + rng.random(n_cust) * (hi - lo)
    keep = (onboard_t >= 0) & (onboard_t <= end_day) & (
        rng.random(n_cust) < float(response_rate.get("onboarding", 0.0))
    )
    tr_cust.append(np.nonzero(keep)[0])
    tr_t.append(onboard_t[keep])
    tr_tp.append(np.full(int(keep.sum()), TOUCHPOINTS.index("onboarding")))

    cust = np.concatenate([rel_cust] + tr_cust[1:]).astype(np.int64)
    t = np.concatenate([rel_t] + tr_t[1:])
    tp_code = np.concatenate([np.full(len(rel_cust), -1)] + tr_tp[1:]).astype(np.int64)
    # Transactional responses are rounded to the second like relational ones; keep them in the window.
    t = np.round(t * 86_400.0) / 86_400.0
    inside = (t >= 0) & (t <= end_day) & (t >= signup[cust] - 1e-9)
    cust, t, tp_code = cust[inside], t[inside], tp_code[inside]
    order = np.lexsort((tp_code, t, cust))
    cust, t, tp_code = cust[order], t[order], tp_code[order]
    n = len(cust)

    contact_no = 1 + np.floor(rng.random(n) * n_contacts[cust]).astype(np.int64)

    # Latent satisfaction at each response.
    tenure = np.maximum(t - signup[cust], 0.0)
    start_idx = _group_start(cust)
    prev_t = np.where(start_idx == np.arange(n), signup[cust], np.r_[0.0, t[:-1]])
    dt_years = np.maximum(t - prev_t, 0.0) / 365.25
    inc = float(latent_p["drift_sd_per_year"]) * np.sqrt(dt_years) * rng.standard_normal(n)
    csum = np.cumsum(inc)
    drift = csum - csum[start_idx] + inc[start_idx]
    eroder = _hash_uniform(keys, world, _TRAIT["erosion"]) < float(latent_p["erosion_share"])
    erosion = np.where(
        eroder[cust],
        -np.minimum(float(latent_p["erosion_per_year"]) * tenure / 365.25, float(latent_p["erosion_cap"])),
        0.0,
    )
    tau = float(latent_p["early_life_tau_days"])
    early = -float(latent_p["early_life_dip"]) * np.exp(-tenure / tau) if tau > 0 else np.zeros(n)
    contact_keys = _splitmix64(keys[cust] ^ contact_no.astype(np.uint64))
    contact_eff = float(latent_p["contact_sd"]) * _hash_normal(contact_keys, world, _TRAIT["contact_effect"])
    tp_names = np.asarray(TOUCHPOINTS + (None,), dtype=object)[tp_code]
    tp_eff = _lookup(tp_names, latent_p["touchpoint_effect"])

    event_eff = np.zeros(n)
    event_themes = np.zeros((n, len(THEMES)), dtype=bool)
    cust_plan = plan[cust]
    for ev in event_list:
        for field in ("time", "effect"):
            if field not in ev:
                raise ValueError(f"events: every event needs {field!r}")
        t0 = (_utc(ev["time"], "event time") - start_ts) / pd.Timedelta(days=1)
        on = t >= t0
        if ev.get("end") is not None:
            on &= t < (_utc(ev["end"], "event end") - start_ts) / pd.Timedelta(days=1)
        if ev.get("plan") is not None:
            on &= cust_plan == ev["plan"]
        event_eff += np.where(on, float(ev["effect"]), 0.0)
        if ev.get("theme") in THEMES:
            event_themes[:, THEMES.index(ev["theme"])] |= on

    satisfaction = base[cust] + contact_eff + drift + erosion + early + tp_eff + event_eff
    noisy = satisfaction + float(latent_p["noise_scale"]) * rng.logistic(size=n)
    score = np.searchsorted(cut, noisy).astype(np.int64)

    comment, comment_themes = _comment_texts(
        _rng(seed, "comments"), _segment_codes(score), tp_names, event_themes, comment_p
    )

    # Sort by time (then customer and contact) before building the frame.
    order = np.lexsort((contact_no, cust, t))
    cust, t, tp_code, contact_no, score = (a[order] for a in (cust, t, tp_code, contact_no, score))
    comment, comment_themes, satisfaction = (a[order] for a in (comment, comment_themes, satisfaction))
    contact_id = ids[cust] + "-" + contact_no.astype(str).astype(object)
    width = max(7, len(str(n)))
    frame = pd.DataFrame(
        {
            "response_id": ("R" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)).astype(str),
            "customer_id": pd.Series(ids[cust], dtype=object).astype(str),
            "contact_id": pd.Series(contact_id, dtype=object).astype(str),
            "responded_at": _from_days(t, start_ts),
            "survey_kind": pd.Categorical.from_codes(
                (tp_code >= 0).astype(np.int8), categories=list(SURVEY_KINDS)
            ),
            "touchpoint": pd.Categorical.from_codes(tp_code.astype(np.int8), categories=list(TOUCHPOINTS)),
            "score": score,
            "comment": pd.Series(comment, dtype=object).astype(str),
        }
    )
    if include_truth:
        frame["satisfaction"] = satisfaction
        frame["comment_themes"] = pd.Series(comment_themes, dtype=object).astype(str)
    return frame
