"""The vocabulary and the documented defaults of the simulated world."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pandas as pd

from .. import _npscore

# --------------------------------------------------------------------------------------------------
# Vocabularies.
# --------------------------------------------------------------------------------------------------

#: Plans, cheapest first (an ordered categorical in the customers frame).
PLANS: Tuple[str, ...] = ("starter", "pro", "enterprise")
#: Sales regions.
REGIONS: Tuple[str, ...] = ("NA", "EMEA", "APAC", "LATAM")
#: Industries of the customers.
INDUSTRIES: Tuple[str, ...] = (
    "software",
    "financial_services",
    "healthcare",
    "retail",
    "manufacturing",
    "education",
)
#: Company-size bands by employees, smallest first (an ordered categorical).
COMPANY_SIZES: Tuple[str, ...] = ("1-50", "51-500", "501+")
#: Segments by score: detractor 0–6, passive 7–8, promoter 9–10 (docs/sources.md §2, 004).
SEGMENTS: Tuple[str, ...] = ("detractor", "passive", "promoter")
#: Survey kinds (docs/sources.md §4, 002): relational (periodic) and transactional (after a touchpoint).
SURVEY_KINDS: Tuple[str, ...] = ("relational", "transactional")
#: Touchpoints that trigger a transactional survey (docs/sources.md §4, 002).
TOUCHPOINTS: Tuple[str, ...] = ("support_ticket", "onboarding", "purchase", "training")
#: Comment themes (docs/sources.md §7): "usability" stands for usability/UI, "feature_request" for feature
#: requests.
THEMES: Tuple[str, ...] = (
    "bug",
    "pricing",
    "billing",
    "usability",
    "support",
    "onboarding",
    "performance",
    "reporting",
    "feature_request",
)

# --------------------------------------------------------------------------------------------------
# Documented defaults.
# --------------------------------------------------------------------------------------------------

#: Largest number of customers a generator makes: the frames are held in memory, about 1 kB
#: per customer with responses and transactions (1 GB at the bound).
MAX_CUSTOMERS = 1_000_000

#: First day of the simulated window (inclusive, UTC).
DEFAULT_START = "2023-01-01"
#: Last day of the simulated window (inclusive upper bound on timestamps, UTC midnight).
DEFAULT_END = "2025-12-31"

#: Share of customers on each plan (illustrative).
DEFAULT_PLAN_MIX: Dict[str, float] = {"starter": 0.55, "pro": 0.33, "enterprise": 0.12}
#: Share of customers in each region (illustrative).
DEFAULT_REGION_MIX: Dict[str, float] = {"NA": 0.40, "EMEA": 0.35, "APAC": 0.15, "LATAM": 0.10}
#: Share of customers in each industry (illustrative).
DEFAULT_INDUSTRY_MIX: Dict[str, float] = {
    "software": 0.30,
    "financial_services": 0.15,
    "healthcare": 0.12,
    "retail": 0.15,
    "manufacturing": 0.13,
    "education": 0.15,
}
#: Company-size mix given the plan (illustrative): small firms buy starter, large ones enterprise.
DEFAULT_SIZE_MIX: Dict[str, Dict[str, float]] = {
    "starter": {"1-50": 0.75, "51-500": 0.23, "501+": 0.02},
    "pro": {"1-50": 0.30, "51-500": 0.55, "501+": 0.15},
    "enterprise": {"1-50": 0.02, "51-500": 0.28, "501+": 0.70},
}
#: Annual recurring revenue by plan: lognormal with this median (USD) and log-scale sigma
#: (illustrative).
DEFAULT_ARR: Dict[str, Dict[str, float]] = {
    "starter": {"median": 2_400.0, "sigma": 0.5},
    "pro": {"median": 14_000.0, "sigma": 0.5},
    "enterprise": {"median": 90_000.0, "sigma": 0.6},
}
#: Customer lifetime value: ``gross_margin * arr * (1 + d) / (1 + d - r)`` where ``d`` is
#: ``discount_rate`` and the annual retention ``r = 1 - churn`` with
#: ``logit(churn) = logit(base_annual_churn) - satisfaction_slope * (satisfaction - intercept)``.
#: docs/sources.md §6 (002) ranks CLV promoters > passives > detractors; §5 (001) says +5% retention gives
#: 25–95% more profit, and these defaults give about +38% for retention 0.85 → 0.90.
DEFAULT_CLV_PARAMS: Dict[str, float] = {
    "gross_margin": 0.75,
    "discount_rate": 0.10,
    "base_annual_churn": 0.15,
    "satisfaction_slope": 0.8,
}
#: Contacts (people who may answer surveys) per customer: ``low + Binomial(high - low, p)``.
#: One to five contacts for starter and pro, three to ten for enterprise (illustrative).
DEFAULT_CONTACTS: Dict[str, Dict[str, float]] = {
    "starter": {"low": 1, "high": 5, "p": 0.2},
    "pro": {"low": 1, "high": 5, "p": 0.5},
    "enterprise": {"low": 3, "high": 10, "p": 0.5},
}

#: Latent-satisfaction model, in logit units of the ordered-logit score model.
#:
#: ``intercept``, ``customer_sd``, ``contact_sd``: population mean and the spread of persistent
#: customer and contact effects (illustrative). ``*_effect``: slice effects so NPS differs by slice
#: (docs/sources.md §4, 004; sizes illustrative). ``touchpoint_effect``: shift of transactional responses
#: by touchpoint (illustrative; §4, 002 says to report them apart). ``drift_sd_per_year``: random-walk
#: drift of each customer, so segments migrate (§4, 001). ``erosion_share``, ``erosion_per_year``,
#: ``erosion_cap``: a share of customers whose satisfaction erodes with tenure, moving promoters to
#: passives (§4, 001). ``early_life_dip``, ``early_life_tau_days``: lower satisfaction right after
#: sign-up, decaying exponentially (§5, 002 on onboarding churn). ``noise_scale``: scale of the
#: logistic noise of a single answer.
DEFAULT_LATENT: Dict[str, Any] = {
    "intercept": 0.0,
    "customer_sd": 1.0,
    "contact_sd": 0.4,
    "plan_effect": {"starter": -0.25, "pro": 0.1, "enterprise": 0.4},
    "region_effect": {"NA": 0.15, "EMEA": 0.0, "APAC": -0.35, "LATAM": 0.25},
    "industry_effect": {
        "software": 0.1,
        "financial_services": -0.15,
        "healthcare": -0.1,
        "retail": 0.0,
        "manufacturing": 0.05,
        "education": 0.15,
    },
    "size_effect": {"1-50": -0.1, "51-500": 0.0, "501+": 0.1},
    "touchpoint_effect": {"support_ticket": -0.4, "onboarding": 0.0, "purchase": 0.2, "training": 0.3},
    "drift_sd_per_year": 0.5,
    "erosion_share": 0.3,
    "erosion_per_year": 0.6,
    "erosion_cap": 1.2,
    "early_life_dip": 0.8,
    "early_life_tau_days": 30.0,
    "noise_scale": 0.8,
}

#: Score distribution (scores 0..10) of one answer whose latent satisfaction is exactly the
#: intercept; it fixes the cut-points of the ordered-logit model. Calibrated so that the responses
#: of ``load_sample()`` land at about 54% promoters / 26% passives / 20% detractors (NPS +32..+35
#: across seeds).
DEFAULT_SCORE_PMF: Tuple[float, ...] = (
    0.012, 0.006, 0.009, 0.014, 0.018, 0.035, 0.056, 0.095, 0.165, 0.250, 0.340,
)

#: Relational surveys per customer and year: a rotating cohort of 25% of customers each month means
#: every customer is asked every fourth month (docs/sources.md §7, 002).
DEFAULT_SURVEYS_PER_YEAR = 3.0

#: Survey process. ``min_gap_days``: at most one relational survey per customer per 90 days
#: (docs/sources.md §7, 002); the cadence period is ``max(365.25 / surveys_per_year, min_gap_days)`` plus a
#: uniform delay of up to ``cadence_jitter_days``. ``first_relational_days``: no relational survey
#: before this tenure. ``relational_response_rate``: chance that the asked contact answers.
#: ``touchpoint_rate_per_year``: Poisson rate of support tickets, purchases and trainings;
#: ``onboarding_days``: the onboarding survey is sent this many days after sign-up (uniform), within
#: the "first 7–10 days" of §5 (002). ``touchpoint_response_rate``: answer rate per touchpoint. Rates
#: are illustrative.
DEFAULT_SURVEY_PARAMS: Dict[str, Any] = {
    "min_gap_days": 90.0,
    "first_relational_days": 30.0,
    "cadence_jitter_days": 14.0,
    "relational_response_rate": 0.45,
    "touchpoint_rate_per_year": {"support_ticket": 1.5, "purchase": 0.5, "training": 0.3},
    "touchpoint_response_rate": {
        "support_ticket": 0.25,
        "onboarding": 0.5,
        "purchase": 0.2,
        "training": 0.3,
    },
    "onboarding_days": (2.0, 10.0),
}

#: Comment model (illustrative). ``comment_rate``: chance that a respondent writes a comment, by
#: segment (the rest are empty strings). ``generic_share``: share of comments without a theme ("ok").
#: ``second_theme_rate``: share of themed comments that mention a second theme. ``positive_share``:
#: chance that a comment is praise rather than complaint, by segment. ``theme_weights``: relative
#: theme frequencies by segment (docs/sources.md §7 themes). ``touchpoint_theme``: the theme a touchpoint
#: makes likelier, multiplied by ``touchpoint_theme_boost``. ``event_theme_boost``: while an event of
#: ``EVENTS`` is active for a customer, its theme weight is multiplied by ``1 + event_theme_boost``.
DEFAULT_COMMENT_PARAMS: Dict[str, Any] = {
    "comment_rate": {"detractor": 0.65, "passive": 0.45, "promoter": 0.35},
    "generic_share": 0.12,
    "second_theme_rate": 0.2,
    "positive_share": {"detractor": 0.05, "passive": 0.35, "promoter": 0.95},
    "theme_weights": {
        "detractor": {
            "bug": 3.0, "pricing": 2.0, "billing": 1.5, "usability": 1.5, "support": 2.0,
            "onboarding": 1.0, "performance": 2.0, "reporting": 1.0, "feature_request": 1.0,
        },
        "passive": {
            "bug": 1.0, "pricing": 1.5, "billing": 0.5, "usability": 2.0, "support": 1.0,
            "onboarding": 0.7, "performance": 1.0, "reporting": 1.5, "feature_request": 3.0,
        },
        "promoter": {
            "bug": 0.2, "pricing": 0.5, "billing": 0.2, "usability": 3.0, "support": 3.0,
            "onboarding": 1.5, "performance": 1.0, "reporting": 2.5, "feature_request": 1.5,
        },
    },
    "touchpoint_theme": {
        "support_ticket": "support",
        "onboarding": "onboarding",
        "purchase": "billing",
        "training": "usability",
    },
    "touchpoint_theme_boost": 2.0,
    "event_theme_boost": 6.0,
}

#: Event log built into the sample (docs/sources.md §4, 004: "keep an event log (releases, pricing changes,
#: outages) and test NPS before and after each event"). Each entry has ``time`` (UTC), ``kind``,
#: ``label``, the ``plan`` it affects (``None``: all plans), the comment ``theme`` it raises, its
#: ``end`` (``None``: permanent) and its ``effect`` on latent satisfaction (logit units; the latent
#: truth, left out of ``Sample.events``). The pricing change of 2025-04-01 lowers starter-plan scores
#: by a clear margin and raises pricing comments.
EVENTS: List[Dict[str, Any]] = [
    {
        "time": pd.Timestamp("2024-06-03", tz="UTC"),
        "kind": "release",
        "label": "New reporting dashboards released to all plans",
        "plan": None,
        "theme": "reporting",
        "end": None,
        "effect": 0.3,
    },
    {
        "time": pd.Timestamp("2024-11-12", tz="UTC"),
        "kind": "outage",
        "label": "Platform outage and two weeks of slow dashboards",
        "plan": None,
        "theme": "performance",
        "end": pd.Timestamp("2024-11-26", tz="UTC"),
        "effect": -1.0,
    },
    {
        "time": pd.Timestamp("2025-04-01", tz="UTC"),
        "kind": "pricing_change",
        "label": "Starter plan price increase of 30%",
        "plan": "starter",
        "theme": "pricing",
        "end": None,
        "effect": -0.7,
    },
]

#: Churn probability within the horizon of ``DEFAULT_CHURN_HORIZONS``, set by the segment of the
#: customer's latest response. Detractors 45% within 90 days (docs/sources.md §5, 002: 40–50%); early-life
#: detractors (a detractor answer within ``DEFAULT_EARLY_LIFE_DAYS`` of sign-up) 50% within 90 days
#: (§5, 002: 40–50% for detractors in their first 7–10 days, the top of the range); passives 25% within
#: 180 days (§5, 002 citing ChurnZero: 20–30%); promoters 5% within 180 days (derived from §5, 001:
#: detractors drive nearly half of churn); ``baseline`` applies before a customer's first response
#: (illustrative).
DEFAULT_CHURN_RATES: Dict[str, float] = {
    "detractor": 0.45,
    "early_life_detractor": 0.50,
    "passive": 0.25,
    "promoter": 0.05,
    "baseline": 0.10,
}
#: Horizon in days of each rate in ``DEFAULT_CHURN_RATES``: a response sets the constant hazard
#: ``-log(1 - rate) / horizon`` per day until the customer's next response; ``baseline`` applies from
#: sign-up to the first response.
DEFAULT_CHURN_HORIZONS: Dict[str, float] = {
    "detractor": 90.0,
    "early_life_detractor": 90.0,
    "passive": 180.0,
    "promoter": 180.0,
    "baseline": 365.0,
}
#: A detractor answer at most this many days after sign-up counts as early-life (docs/sources.md §5, 002:
#: "first 7–10 days").
DEFAULT_EARLY_LIFE_DAYS: float = _npscore.defaults["early_life_days"]

#: BG/NBD + Gamma-Gamma purchase process (illustrative), time in days. Purchase rate
#: ``lambda ~ Gamma(r, rate=alpha)`` (mean r/alpha = 0.01 per day, 3.7 per year); dropout after each
#: repeat purchase with ``p ~ Beta(a, b * exp(satisfaction_link * (satisfaction - intercept)))``
#: (``satisfaction_link = 0`` gives an exact BG/NBD); spend per purchase ``Gamma(p, rate=nu)`` with
#: ``nu ~ Gamma(q, rate=gamma)``, times the plan's ``DEFAULT_SPEND_SCALE``.
DEFAULT_TRANSACTION_PARAMS: Dict[str, float] = {
    "r": 0.75,
    "alpha": 75.0,
    "a": 0.8,
    "b": 4.0,
    "p": 4.0,
    "q": 4.0,
    "gamma": 3.0,
    "satisfaction_link": 0.5,
}
#: Multiplier of the Gamma-Gamma spend by plan (USD; illustrative). Within one plan the spend is an
#: exact Gamma-Gamma process; the mean purchase is ``scale * p * gamma / (q - 1)``.
DEFAULT_SPEND_SCALE: Dict[str, float] = {"starter": 150.0, "pro": 600.0, "enterprise": 3000.0}
