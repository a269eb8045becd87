"""Comment templates, random streams and small helpers shared by the generators."""

from __future__ import annotations

import copy
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import _args

# --------------------------------------------------------------------------------------------------
# Comment templates (written for this module). Accents, mixed case and punctuation are deliberate so
# that theme tagging is exercised on real-looking text.
# --------------------------------------------------------------------------------------------------

_TEMPLATES: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "bug": {
        "neg": (
            "The export keeps crashing",
            "Found a bug in the dashboard filters, again",
            "Too many bugs since the last release",
            "App throws an error every time I save",
            "Sync is broken half the time",
            "BUGS everywhere in the mobile app",
            "Data import fails with a cryptic error",
        ),
        "pos": (
            "Bugs get fixed quickly",
            "Very stable, hardly any bugs",
            "Rock solid - no crashes in months",
            "Bug reports are handled fast",
        ),
    },
    "pricing": {
        "neg": (
            "Too expensive for what we get",
            "The price increase is hard to justify",
            "Pricing went up again, seriously?",
            "Not worth the money anymore",
            "The price hike hurt our small team",
            "Way too pricey compared to alternatives",
            "Expensive for a starter plan",
        ),
        "pos": (
            "Good value for money",
            "Fair pricing",
            "Worth every cent",
            "Pricing is transparent and fair",
        ),
    },
    "billing": {
        "neg": (
            "Billing is a mess",
            "We were charged twice this month",
            "Invoices are confusing",
            "Wrong amount on our invoice",
            "Can't update the credit card in billing",
            "The refund took weeks",
        ),
        "pos": (
            "Invoicing is simple",
            "Billing just works",
            "Easy to manage invoices and payments",
        ),
    },
    "usability": {
        "neg": (
            "The UI is confusing",
            "Hard to find anything in the menus",
            "Too many clicks for simple tasks",
            "The new interface is cluttered",
            "Navigation is not intuitive",
            "UX feels dated",
        ),
        "pos": (
            "Super easy to use",
            "Clean and intuitive interface",
            "Löve the new UI",
            "Very user-friendly",
            "The design is beautiful and simple",
            "Intuitive UX, our team got it right away",
        ),
    },
    "support": {
        "neg": (
            "Support never answers",
            "Waited 5 days for a reply from support",
            "Support tickets go nowhere",
            "Customer service was unhelpful",
            "Nobody from support followed up",
        ),
        "pos": (
            "Support team is amazing",
            "Great customer service",
            "Support was très helpful",
            "Fast and friendly support",
            "Our account manager and the support desk are fantastic",
        ),
    },
    "onboarding": {
        "neg": (
            "Onboarding was confusing",
            "Setup took far too long",
            "Getting started was painful",
            "No guidance during onboarding",
            "The onboarding emails were useless",
        ),
        "pos": (
            "Smooth onboarding",
            "Setup was quick and easy",
            "Great onboarding experience",
            "The onboarding call was very helpful",
        ),
    },
    "performance": {
        "neg": (
            "The app is slow",
            "Pages take forever to load",
            "Performance is terrible during peak hours",
            "The outage cost us a full day",
            "Dashboards time out",
            "So sloooow",
        ),
        "pos": (
            "Fast and reliable",
            "Blazing fast",
            "Great uptime and speed",
            "Performance is excellent",
        ),
    },
    "reporting": {
        "neg": (
            "Reporting is too limited",
            "Reports are hard to customize",
            "Can't export reports to Excel",
            "The analytics dashboard is useless",
            "Report numbers don't match our data",
        ),
        "pos": (
            "Löve the reporting",
            "Reports are great",
            "The new dashboards are brilliant",
            "Reporting saves us hours every week",
            "Great analytics and reports",
        ),
    },
    "feature_request": {
        "neg": (
            "Missing basic features like SSO",
            "Still no API for exports",
            "Please add a dark mode",
            "Lacks an integration with our CRM",
            "We need custom fields",
            "Our feature requests are ignored",
        ),
        "pos": (
            "Would love an API for exports",
            "It would be perfect with SSO",
            "Please add more integrations",
            "Great product - just add dark mode",
            "Roadmap looks promising, waiting for custom fields",
        ),
    },
}
_GENERIC: Dict[str, Tuple[str, ...]] = {
    "neg": ("Meh", "Not happy", "Disappointed", "Could be better", "n/a", "No comment"),
    "pos": ("Great product", "Keep it up", "Very happy", "ok", "👍", "Excellent, merci"),
}
_SUFFIX: Dict[str, Tuple[str, ...]] = {
    "neg": ("", "", ".", "!", "...", " :(", "!!"),
    "pos": ("", "", ".", "!", "!!", " :)"),
}
_JOINERS: Tuple[str, ...] = (". Also ", " and ", "; ", " - ", ", also ")

# Streams of the rng (one per generator, so that equal seeds do not give correlated draws) and
# traits of the keyed hash.
_STREAM = {"customers": 11, "responses": 12, "comments": 13, "transactions": 14, "churn": 15}
_TRAIT = {"base": 101, "erosion": 102, "contacts": 103, "contact_effect": 104}

_DAY_NS = 86_400 * 10**9


# --------------------------------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------------------------------


def _merged(default: Mapping[str, Any], override: Optional[Mapping[str, Any]], name: str) -> Dict[str, Any]:
    """Returns a deep copy of ``default`` updated by ``override``; nested dictionaries are merged."""
    out = copy.deepcopy(dict(default))
    if override is None:
        return out
    for key, value in override.items():
        if key not in out:
            raise ValueError(f"{name}: unknown key {key!r}; expected one of {sorted(out)}")
        if isinstance(out[key], dict) and isinstance(value, Mapping):
            out[key] = _merged(out[key], value, f"{name}[{key!r}]")
        else:
            out[key] = copy.deepcopy(value)
    return out


def _seed(seed: Any) -> Optional[int]:
    """A seed: a whole number >= 0, or None for fresh entropy."""
    return _args.whole(seed, "seed", minimum=0, maximum=None, none=True,
                       hint=" (or None for fresh entropy)")


def _rng(seed: Optional[int], stream: str) -> np.random.Generator:
    """Returns the generator of one stream; ``seed=None`` gives fresh entropy."""
    seed = _seed(seed)
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng([_STREAM[stream], seed])


def _world_key(seed: Optional[int]) -> np.ndarray:
    """Returns the 64-bit key (a length-1 uint64 array) of the keyed customer traits of ``seed``."""
    seed = _seed(seed)
    entropy = None if seed is None else [0x5EED, seed]
    return np.random.SeedSequence(entropy).generate_state(1, np.uint64)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """Returns the SplitMix64 finaliser of a uint64 array (wrapping arithmetic, no warnings)."""
    x = np.asarray(x, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _hash_uniform(keys: np.ndarray, world: np.ndarray, trait: int) -> np.ndarray:
    """Returns uniforms in (0, 1), one per key, fixed by (key, world, trait)."""
    salt = _splitmix64(world ^ np.array([trait], dtype=np.uint64))
    h = _splitmix64(_splitmix64(keys ^ salt))
    return ((h >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


def _hash_normal(keys: np.ndarray, world: np.ndarray, trait: int) -> np.ndarray:
    """Returns standard normals, one per key, fixed by (key, world, trait) (Box-Muller)."""
    u1 = _hash_uniform(keys, world, trait)
    u2 = _hash_uniform(keys, world, trait + 7919)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def _id_keys(ids: Any) -> np.ndarray:
    """Returns a stable uint64 key for each id string."""
    values = np.asarray(pd.Series(ids).astype(object).to_numpy(), dtype=object)
    return pd.util.hash_array(values).astype(np.uint64)


def _utc(value: Any, name: str) -> pd.Timestamp:
    """Returns ``value`` as a UTC timestamp; naive values are taken as UTC."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: not a timestamp: {value!r}") from exc
    if ts is pd.NaT:
        raise ValueError(f"{name}: must not be NaT")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _utc_series(values: Any, name: str, *, allow_nat: bool = False) -> pd.Series:
    """Returns a column of timestamps as a UTC Series with a fresh index; naive values are taken as UTC."""
    s = pd.to_datetime(pd.Series(values).reset_index(drop=True))
    s = s.dt.tz_convert("UTC") if isinstance(s.dtype, pd.DatetimeTZDtype) else s.dt.tz_localize("UTC")
    if not allow_nat and s.isna().any():
        raise ValueError(f"{name}: missing timestamps")
    return s


def _days(times: pd.Series, anchor: pd.Timestamp) -> np.ndarray:
    """Returns days since ``anchor`` as floats, whatever the resolution of ``times``."""
    return ((times - anchor) / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)


def _from_days(
    days: np.ndarray, anchor: pd.Timestamp, *, floor_to_day: bool = False
) -> pd.DatetimeIndex:
    """Returns UTC timestamps (ns) ``days`` after ``anchor`` rounded to the second; NaN gives NaT.

    With ``floor_to_day`` the timestamps are floored to midnight UTC.
    """
    days = np.asarray(days, dtype=np.float64)
    missing = np.isnan(days)
    seconds = np.round(np.where(missing, 0.0, days) * 86_400.0).astype(np.int64)
    ns = anchor.value + seconds * 10**9  # Timestamp.value is in ns whatever the Timestamp's unit
    if floor_to_day:
        ns = ns - (ns % _DAY_NS)
    ns = np.where(missing, np.iinfo(np.int64).min, ns)  # the int64 pattern of NaT
    return pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")


def _lookup(values: np.ndarray, table: Mapping[str, float], default: float = 0.0) -> np.ndarray:
    """Returns ``table[v]`` for each value (``default`` where the value is missing from the table)."""
    labels = pd.Index(list(table.keys()), dtype=object)
    numbers = np.append(np.asarray([float(table[k]) for k in labels], dtype=np.float64), default)
    codes = labels.get_indexer(pd.Index(np.asarray(values, dtype=object), dtype=object))
    return numbers[np.where(codes < 0, len(labels), codes)]


def _column(frame: pd.DataFrame, name: str) -> Optional[np.ndarray]:
    """Returns a column as an object array of strings, or None if the frame lacks it."""
    if name not in frame.columns:
        return None
    return np.asarray(frame[name].astype(object).to_numpy(), dtype=object)


def _require(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    """Raises ValueError unless ``frame`` is a DataFrame with ``columns``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def _check_mix(mix: Mapping[str, float], name: str) -> Tuple[List[str], np.ndarray]:
    """Returns the labels and normalised probabilities of a mix."""
    labels = list(mix)
    p = np.asarray([float(mix[k]) for k in labels], dtype=np.float64)
    if len(labels) == 0 or np.any(p < 0) or not np.isfinite(p).all() or p.sum() <= 0:
        raise ValueError(f"{name}: probabilities must be non-negative with a positive sum")
    return labels, p / p.sum()


def _cutpoints(pmf: Sequence[float]) -> np.ndarray:
    """Returns the ten ordered-logit cut-points of a score pmf over 0..10."""
    p = np.asarray(pmf, dtype=np.float64)
    if p.shape != (11,) or np.any(p <= 0) or not np.isfinite(p).all():
        raise ValueError("score_pmf: need 11 positive probabilities for scores 0..10")
    cum = np.cumsum(p / p.sum())[:-1]
    return np.log(cum / (1.0 - cum))


def _group_start(sorted_groups: np.ndarray) -> np.ndarray:
    """Returns, for each row of a grouped-and-sorted array, the row index where its group starts."""
    n = len(sorted_groups)
    first = np.ones(n, dtype=bool)
    if n > 1:
        first[1:] = sorted_groups[1:] != sorted_groups[:-1]
    return np.maximum.accumulate(np.where(first, np.arange(n), 0))


def _segment_codes(scores: np.ndarray) -> np.ndarray:
    """Returns 0 for detractors (0–6), 1 for passives (7–8), 2 for promoters (9–10),
    from the core's segmentation (codes -1/0/+1 shifted to index tables)."""
    from ..nps import segment

    return segment(np.asarray(scores)).astype(np.int64) + 1


def _base_satisfaction(
    customers: pd.DataFrame, keys: np.ndarray, world: np.ndarray, latent: Mapping[str, Any]
) -> np.ndarray:
    """Returns each customer's persistent latent satisfaction: slice effects plus a keyed customer effect."""
    base = np.full(len(customers), float(latent["intercept"]))
    for column, effect in (
        ("plan", "plan_effect"),
        ("region", "region_effect"),
        ("industry", "industry_effect"),
        ("company_size", "size_effect"),
    ):
        values = _column(customers, column)
        if values is not None:
            base += _lookup(values, latent[effect])
    return base + float(latent["customer_sd"]) * _hash_normal(keys, world, _TRAIT["base"])


def _clv(arr: np.ndarray, base: np.ndarray, intercept: float, params: Mapping[str, float]) -> np.ndarray:
    """Returns the CLV of ``DEFAULT_CLV_PARAMS``' formula."""
    c0 = float(params["base_annual_churn"])
    if not 0.0 < c0 < 1.0:
        raise ValueError("clv_params['base_annual_churn'] must be in (0, 1)")
    logit = math.log(c0 / (1.0 - c0)) - float(params["satisfaction_slope"]) * (base - intercept)
    retention = 1.0 - 1.0 / (1.0 + np.exp(-logit))
    d = float(params["discount_rate"])
    return float(params["gross_margin"]) * arr * (1.0 + d) / (1.0 + d - retention)
