"""Seeded synthetic B2B SaaS data for npscore: customers, NPS responses, purchases and churn.

The generators in this module build a small, self-consistent world in which the questions npscore
answers (the project's domain notes, docs/sources.md §1) have known answers: who is a promoter, passive or
detractor, how the score distribution changes over time and after events, who churns and why, and what
each customer is worth. ``load_sample()`` is the fixed-seed sample data that ships with the project.

Every generator is deterministic for a given ``seed`` (``numpy.random.default_rng``) and vectorised: no
Python loop runs over customers, responses or transactions, so 100,000 customers take a few seconds.

How the world is built
----------------------
1. ``make_customers``: accounts with a plan, region, industry, size, sign-up time, ARR and CLV.
2. ``make_responses``: survey responses whose 0–10 score comes from a per-customer latent satisfaction
   (an ordered-logit model: ``score = k`` when the latent value falls between cut-points ``k-1`` and
   ``k``). The latent value is the sum of slice effects (plan, region, industry, size), a persistent
   customer effect, a per-contact effect, a random-walk drift, a promoter→passive erosion for some
   customers, an early-life (onboarding) dip, a touchpoint effect, and the effects of the events in
   ``EVENTS``. Comments are short English texts whose themes depend on the segment and on events.
3. ``make_transactions``: repeat purchases from a BG/NBD process with Gamma-Gamma spend.
4. ``make_churn``: churn times from a hazard set by each customer's latest response segment.
5. ``load_sample``: all of the above with one seed; responses and purchases after churn are dropped.

Customer and contact traits (the persistent customer effect, erosion, number of contacts, contact
effects) are keyed by the customer id and the seed through a counter-based hash, so every generator
called with the same seed sees the same latent customer, whatever the order or subset of the customers
frame. Calling the generators with different seeds redraws those traits.

Assumptions and their sources
-----------------------------
Section numbers refer to docs/sources.md; article numbers (000–004) to its §8. Figures
marked *illustrative* are not in docs/sources.md: they are chosen only so that the slices differ and the
output looks plausible. Each one is a module-level default that a keyword argument overrides.

==============================================  ===========================================================
Assumption (module default)                     Source
==============================================  ===========================================================
Segments: detractor 0–6, passive 7–8,           §2 (004).
promoter 9–10; NPS = %promoters − %detractors
Overall NPS about +20..+40 with roughly         Illustrative target for a healthy B2B SaaS base; §2 (004)
50–60% promoters, 20–30% passives, 15–25%       reads > 0 as good; §5 (001) says 15–20% of customers are
detractors (``DEFAULT_SCORE_PMF``,              the detractors.
``DEFAULT_LATENT``)
Relational surveys at most once per 90 days     §7 (002): "at most one survey per customer per 90 days".
per customer (``DEFAULT_SURVEY_PARAMS``
``min_gap_days``)
``surveys_per_year=3``: each customer in a      §7 (002): rotating cohorts, "a different 25% of customers
rotating cohort surveyed every 4 months         each month", i.e. each customer every fourth month.
Transactional surveys after support tickets,    §4 (002): relational vs transactional surveys; the
onboarding, purchases and training              touchpoints are those §4 names. Rates are illustrative.
Promoter→passive erosion for a share of         §4 (001): "many NPS declines happen when promoters become
customers (``erosion_*`` in ``DEFAULT_LATENT``) passives".
Early-life (onboarding) dip in satisfaction     §5 (002): detractors "in their first 7–10 days"; 002 on
(``early_life_*``)                              onboarding churn.
Slice effects by plan/region/industry/size      §4 (004): slice by customer attributes; sizes illustrative.
Event log with a pricing change, an outage      §4 (004): "keep an event log (releases, pricing changes,
and a release (``EVENTS``)                      outages) and test NPS before and after each event".
Comment themes: bug, pricing, billing,          §7 (002, 004): the theme list.
usability (UI), support, onboarding,
performance, reporting, feature request
Detractors: 45% churn within 90 days            §5 (002): 40–50% within 90 days.
Early-life detractors: 50% within 90 days       §5 (002): 40–50% within 90 days for detractors in their
(``DEFAULT_EARLY_LIFE_DAYS = 10``)              first 7–10 days; the top of the range so that they rank
                                                above other detractors.
Passives: 25% churn within 180 days             §5 (002, citing ChurnZero): 20–30% within 180 days.
Promoters: 5% churn within 180 days             Derived from §5 (001): detractors (15–20% of customers)
                                                drive "nearly half of churn"; with the shares above this
                                                leaves about 5% per 180 days for promoters.
Baseline: 10% churn per 365 days before a       Illustrative.
customer's first response
CLV = margin × ARR × (1 + d) / (1 + d − r)      §6 (002): CLV ranks promoters > passives > detractors;
with retention r falling with satisfaction      §5 (001): +5% retention ≈ 25–95% more profit; with the
(``DEFAULT_CLV_PARAMS``)                        defaults r 0.85→0.90 raises CLV by about 38%.
BG/NBD purchases with Gamma-Gamma spend         Illustrative parameters, chosen so that a BG/NBD +
(``DEFAULT_TRANSACTION_PARAMS``)                Gamma-Gamma fit (§1 question 4) is well posed.
==============================================  ===========================================================

The churn hazard of a segment holds from a response until the customer's next response, so a rate is
the chance of churning within its horizon when no other response intervenes. Measured on
``load_sample()``, about 40–45% of detractor answers are followed by churn within 90 days, 23–27% of
passive answers within 180 days and 8–10% of promoter answers within 180 days (promoters sometimes
answer again as detractors), and detractors' answers are the latest answer before about 60% of churns.

The module-level ``DEFAULT_*`` dictionaries are the documented defaults; do not mutate them, pass
overrides instead (a partial dictionary is merged into the default).
"""

from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from . import _args

__all__ = [
    "COMPANY_SIZES",
    "DEFAULT_ARR",
    "MAX_CUSTOMERS",
    "DEFAULT_CHURN_HORIZONS",
    "DEFAULT_CHURN_RATES",
    "DEFAULT_CLV_PARAMS",
    "DEFAULT_COMMENT_PARAMS",
    "DEFAULT_CONTACTS",
    "DEFAULT_EARLY_LIFE_DAYS",
    "DEFAULT_FOLLOW_UP",
    "DEFAULT_END",
    "DEFAULT_INDUSTRY_MIX",
    "DEFAULT_LATENT",
    "DEFAULT_PLAN_MIX",
    "DEFAULT_REGION_MIX",
    "DEFAULT_SCORE_PMF",
    "DEFAULT_SIZE_MIX",
    "DEFAULT_SPEND_SCALE",
    "DEFAULT_START",
    "DEFAULT_SURVEY_PARAMS",
    "DEFAULT_SURVEYS_PER_YEAR",
    "DEFAULT_TRANSACTION_PARAMS",
    "EVENTS",
    "INDUSTRIES",
    "PLANS",
    "REGIONS",
    "SEGMENTS",
    "SURVEY_KINDS",
    "THEMES",
    "TOUCHPOINTS",
    "Sample",
    "load_sample",
    "make_churn",
    "make_contacts",
    "make_customers",
    "make_responses",
    "make_transactions",
]

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
DEFAULT_EARLY_LIFE_DAYS = 10.0

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
    from .nps import segment

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


# --------------------------------------------------------------------------------------------------
# Customers.
# --------------------------------------------------------------------------------------------------


def make_customers(
    n_customers: int = 2000,
    *,
    seed: Optional[int] = 0,
    start: Any = DEFAULT_START,
    end: Any = DEFAULT_END,
    plan_mix: Optional[Mapping[str, float]] = None,
    region_mix: Optional[Mapping[str, float]] = None,
    industry_mix: Optional[Mapping[str, float]] = None,
    size_mix: Optional[Mapping[str, Mapping[str, float]]] = None,
    arr: Optional[Mapping[str, Mapping[str, float]]] = None,
    clv_params: Optional[Mapping[str, float]] = None,
    latent: Optional[Mapping[str, Any]] = None,
    include_truth: bool = False,
) -> pd.DataFrame:
    """Generate B2B SaaS customers (one customer = one account).

    Parameters
    ----------
    n_customers : int, default 2000
        Number of customers, 0..``MAX_CUSTOMERS``.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``; None draws fresh entropy.
    start, end : str or Timestamp, default ``DEFAULT_START``, ``DEFAULT_END``
        Sign-ups are uniform over ``[start, end)``; naive values are taken as UTC.
    plan_mix, region_mix, industry_mix : mapping, optional
        Category probabilities; default ``DEFAULT_PLAN_MIX``, ``DEFAULT_REGION_MIX``,
        ``DEFAULT_INDUSTRY_MIX`` (illustrative).
    size_mix : mapping of mappings, optional
        Company-size probabilities given the plan; merged into ``DEFAULT_SIZE_MIX``.
    arr : mapping of mappings, optional
        Lognormal ``median`` and ``sigma`` of ARR by plan; merged into ``DEFAULT_ARR``.
    clv_params : mapping, optional
        Merged into ``DEFAULT_CLV_PARAMS`` (CLV ordering of docs/sources.md §6, 002; retention economics of
        §5, 001).
    latent : mapping, optional
        Merged into ``DEFAULT_LATENT``; pass the same value to ``make_responses``.
    include_truth : bool, default False
        Add the latent column ``satisfaction`` (the persistent part of each customer's latent
        satisfaction, logit units). It is ground truth for tests, not something a real dataset has.

    Returns
    -------
    pandas.DataFrame
        One row per customer, in sign-up order: ``customer_id`` (str, "C000123"), ``account_id`` (str,
        "A000123"), ``plan`` (ordered categorical of ``PLANS``), ``region`` (categorical of
        ``REGIONS``), ``industry`` (categorical of ``INDUSTRIES``), ``company_size`` (ordered
        categorical of ``COMPANY_SIZES``), ``signup_at`` (datetime64[ns, UTC]), ``arr`` (float, USD per
        year, lognormal by plan), ``clv`` (float >= 0, USD) and, with ``include_truth``,
        ``satisfaction`` (float).

    Notes
    -----
    CLV is ``gross_margin * arr * (1 + d) / (1 + d - r)``: the discounted value of the ARR margin
    over a geometric lifetime with annual retention ``r``, where ``r`` rises with the customer's
    latent satisfaction. So CLV ranks promoters above passives above detractors on average (docs/sources.md
    §6, 002) and a retention gain of 5 points raises CLV by tens of percent (§5, 001).
    """
    n = _args.whole(n_customers, "n_customers", minimum=0, maximum=MAX_CUSTOMERS)
    start_ts, end_ts = _utc(start, "start"), _utc(end, "end")
    if end_ts <= start_ts:
        raise ValueError("end must be after start")
    latent_p = _merged(DEFAULT_LATENT, latent, "latent")
    clv_p = _merged(DEFAULT_CLV_PARAMS, clv_params, "clv_params")
    arr_p = _merged(DEFAULT_ARR, arr, "arr")
    size_p = _merged(DEFAULT_SIZE_MIX, size_mix, "size_mix")
    plans, plan_prob = _check_mix(plan_mix if plan_mix is not None else DEFAULT_PLAN_MIX, "plan_mix")
    regions, region_prob = _check_mix(
        region_mix if region_mix is not None else DEFAULT_REGION_MIX, "region_mix"
    )
    industries, industry_prob = _check_mix(
        industry_mix if industry_mix is not None else DEFAULT_INDUSTRY_MIX, "industry_mix"
    )
    for name, labels, known in (
        ("plan_mix", plans, PLANS),
        ("region_mix", regions, REGIONS),
        ("industry_mix", industries, INDUSTRIES),
    ):
        unknown = sorted(set(labels) - set(known))
        if unknown:
            raise ValueError(f"{name}: unknown categories {unknown}; expected a subset of {list(known)}")

    rng = _rng(seed, "customers")
    span_days = (end_ts - start_ts) / pd.Timedelta(days=1)
    signup_days = np.sort(rng.random(n)) * span_days
    plan = np.asarray(plans, dtype=object)[rng.choice(len(plans), size=n, p=plan_prob)]
    region = np.asarray(regions, dtype=object)[rng.choice(len(regions), size=n, p=region_prob)]
    industry = np.asarray(industries, dtype=object)[rng.choice(len(industries), size=n, p=industry_prob)]

    # Company size given the plan, by inverse CDF on one uniform per customer.
    size_cdf = np.empty((len(PLANS), len(COMPANY_SIZES)))
    for i, pl in enumerate(PLANS):
        _, probs = _check_mix({s: size_p[pl].get(s, 0.0) for s in COMPANY_SIZES}, f"size_mix[{pl!r}]")
        size_cdf[i] = np.cumsum(probs)
    plan_idx = pd.Index(PLANS).get_indexer(plan)
    size_idx = (rng.random(n)[:, None] > size_cdf[plan_idx]).sum(axis=1)
    size_idx = np.minimum(size_idx, len(COMPANY_SIZES) - 1)
    company_size = np.asarray(COMPANY_SIZES, dtype=object)[size_idx]

    median = _lookup(plan, {k: v["median"] for k, v in arr_p.items()}, np.nan)
    sigma = _lookup(plan, {k: v["sigma"] for k, v in arr_p.items()}, np.nan)
    arr_value = np.round(median * np.exp(sigma * rng.standard_normal(n)), 2)

    width = max(6, len(str(max(n - 1, 0))))
    numbers = pd.Series(np.arange(n)).astype(str).str.zfill(width)
    customer_id = ("C" + numbers).astype(str)
    frame = pd.DataFrame(
        {
            "customer_id": customer_id,
            "account_id": ("A" + numbers).astype(str),
            "plan": pd.Categorical(plan, categories=list(PLANS), ordered=True),
            "region": pd.Categorical(region, categories=list(REGIONS)),
            "industry": pd.Categorical(industry, categories=list(INDUSTRIES)),
            "company_size": pd.Categorical(company_size, categories=list(COMPANY_SIZES), ordered=True),
            "signup_at": _from_days(signup_days, start_ts),
            "arr": arr_value,
        }
    )
    base = _base_satisfaction(frame, _id_keys(customer_id), _world_key(seed), latent_p)
    frame["clv"] = np.round(np.maximum(_clv(arr_value, base, float(latent_p["intercept"]), clv_p), 0.0), 2)
    if include_truth:
        frame["satisfaction"] = base
    return frame


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


# --------------------------------------------------------------------------------------------------
# Transactions.
# --------------------------------------------------------------------------------------------------


def make_transactions(
    customers: pd.DataFrame,
    *,
    seed: Optional[int] = 0,
    end: Any = DEFAULT_END,
    params: Optional[Mapping[str, float]] = None,
    spend_scale: Optional[Mapping[str, float]] = None,
    latent: Optional[Mapping[str, Any]] = None,
    churn: Optional[pd.DataFrame] = None,
) -> pd.DataFrame:
    """Generate purchases of ``customers`` from a BG/NBD process with Gamma-Gamma spend.

    Each customer buys once at sign-up, then makes repeat purchases as a Poisson process of rate
    ``lambda`` while alive and becomes inactive after each repeat purchase with probability ``p``
    (BG/NBD). Each purchase's amount is ``Gamma(p_gg, rate=nu)`` with a per-customer ``nu``
    (Gamma-Gamma), times the plan's spend scale.

    Parameters
    ----------
    customers : pandas.DataFrame
        Needs ``customer_id``, ``signup_at`` and ``plan``.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``; the satisfaction link uses the customer traits of this
        seed, so use the seed of ``make_customers``.
    end : str or Timestamp, default ``DEFAULT_END``
        No purchase after ``end``.
    params : mapping, optional
        Merged into ``DEFAULT_TRANSACTION_PARAMS`` (``r``, ``alpha``, ``a``, ``b``, ``p``, ``q``,
        ``gamma``, ``satisfaction_link``); ``satisfaction_link=0`` gives an exact BG/NBD.
    spend_scale : mapping, optional
        Merged into ``DEFAULT_SPEND_SCALE`` (by plan).
    latent : mapping, optional
        Merged into ``DEFAULT_LATENT`` (for the customers' latent satisfaction).
    churn : pandas.DataFrame, optional
        Output of ``make_churn``: purchases after a customer's ``churned_at`` are dropped.

    Returns
    -------
    pandas.DataFrame
        One row per purchase, sorted by customer and date: ``customer_id`` (str), ``date``
        (datetime64[ns, UTC], midnight of the purchase day) and ``amount`` (float > 0, USD, cents).
    """
    _require(customers, ["customer_id", "signup_at", "plan"], "customers")
    end_ts = _utc(end, "end")
    tp = _merged(DEFAULT_TRANSACTION_PARAMS, params, "params")
    scale_p = _merged(DEFAULT_SPEND_SCALE, spend_scale, "spend_scale")
    latent_p = _merged(DEFAULT_LATENT, latent, "latent")
    for name in ("r", "alpha", "a", "b", "p", "q", "gamma"):
        if not float(tp[name]) > 0:
            raise ValueError(f"params[{name!r}] must be positive")

    rng = _rng(seed, "transactions")
    ids = _column(customers, "customer_id")
    keys = _id_keys(ids)
    plan = _column(customers, "plan")
    signup = _days(_utc_series(customers["signup_at"], "customers.signup_at"), end_ts)  # <= 0 if before end
    n_cust = len(ids)
    horizon = np.maximum(-signup, 0.0)  # days observable after sign-up
    alive = signup <= 0

    base = _base_satisfaction(customers, keys, _world_key(seed), latent_p)
    lam = rng.gamma(float(tp["r"]), 1.0 / float(tp["alpha"]), n_cust)
    b_i = float(tp["b"]) * np.exp(float(tp["satisfaction_link"]) * (base - float(latent_p["intercept"])))
    drop = rng.beta(float(tp["a"]), b_i)
    drop = np.clip(drop, 1e-12, 1.0)
    k_max = rng.geometric(drop)  # repeat purchases up to and including the one after which they leave
    n_poisson = rng.poisson(lam * horizon)
    n_repeat = np.where(alive, np.minimum(k_max, n_poisson), 0)

    # Poisson event times are uniform order statistics; keep the first n_repeat of each customer.
    cust_all = np.repeat(np.arange(n_cust), np.where(alive, n_poisson, 0))
    u = rng.random(len(cust_all))
    order = np.lexsort((u, cust_all))
    cust_sorted, u_sorted = cust_all[order], u[order]
    rank = np.arange(len(cust_sorted)) - _group_start(cust_sorted)
    keep = rank < n_repeat[cust_sorted]
    rep_cust = cust_sorted[keep]
    rep_t = signup[rep_cust] + u_sorted[keep] * horizon[rep_cust]

    first_cust = np.nonzero(alive)[0]
    cust = np.concatenate([first_cust, rep_cust])
    t = np.concatenate([signup[first_cust], rep_t])

    nu = rng.gamma(float(tp["q"]), 1.0 / float(tp["gamma"]), n_cust)
    scale = _lookup(plan, scale_p, np.nan)
    if np.isnan(scale).any():
        raise ValueError("spend_scale: missing a scale for some plan of customers")
    amount = rng.gamma(float(tp["p"]), 1.0, len(cust)) / nu[cust] * scale[cust]
    amount = np.maximum(np.round(amount, 2), 0.01)

    keep = t <= 0.0
    if churn is not None:
        _require(churn, ["customer_id", "churned_at"], "churn")
        at = np.full(n_cust, np.inf)
        c_idx = pd.Index(ids).get_indexer(_column(churn, "customer_id"))
        c_day = _days(_utc_series(churn["churned_at"], "churn.churned_at", allow_nat=True), end_ts)
        known = (c_idx >= 0) & ~np.isnan(c_day)
        at[c_idx[known]] = c_day[known]
        keep &= t <= at[cust]
    cust, t, amount = cust[keep], t[keep], amount[keep]
    order = np.lexsort((t, cust))
    cust, t, amount = cust[order], t[order], amount[order]
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids[cust], dtype=object).astype(str),
            "date": _from_days(t, end_ts, floor_to_day=True),
            "amount": amount,
        }
    )


# --------------------------------------------------------------------------------------------------
# Churn.
# --------------------------------------------------------------------------------------------------


def make_churn(
    customers: pd.DataFrame,
    responses: pd.DataFrame,
    *,
    seed: Optional[int] = 0,
    as_of: Any = DEFAULT_END,
    rates: Optional[Mapping[str, float]] = None,
    horizons: Optional[Mapping[str, float]] = None,
    early_life_days: float = DEFAULT_EARLY_LIFE_DAYS,
) -> pd.DataFrame:
    """Generate churn of ``customers`` from a hazard set by each customer's latest response segment.

    From sign-up until the first response the ``baseline`` hazard applies. A response of segment ``s``
    sets the constant hazard ``-log(1 - rates[s]) / horizons[s]`` per day until the customer's next
    response (of any contact, relational or transactional). So ``rates[s]`` is the chance of churning within
    ``horizons[s]`` days of a response when no other response intervenes: detractors 45% in 90 days,
    passives 25% in 180 days (docs/sources.md §5, 002), promoters 5% in 180 days (derived from §5, 001), and
    detractors answering within ``early_life_days`` of sign-up 50% in 90 days (§5, 002).

    Parameters
    ----------
    customers : pandas.DataFrame
        Needs ``customer_id`` and ``signup_at``.
    responses : pandas.DataFrame
        Needs ``customer_id``, ``responded_at`` and ``score``; every customer must be in ``customers``.
        Responses after ``as_of`` are ignored.
    seed : int or None, default 0
        Seed of ``numpy.random.default_rng``.
    as_of : str or Timestamp, default ``DEFAULT_END``
        End of observation: churn after ``as_of`` is censored (``churned`` False).
    rates, horizons : mapping, optional
        Merged into ``DEFAULT_CHURN_RATES`` and ``DEFAULT_CHURN_HORIZONS`` (keys ``detractor``,
        ``early_life_detractor``, ``passive``, ``promoter``, ``baseline``).
    early_life_days : float, default ``DEFAULT_EARLY_LIFE_DAYS`` (10)
        A detractor answer at most this many days after sign-up is early-life.

    Returns
    -------
    pandas.DataFrame
        One row per customer, in the order of ``customers``: ``customer_id`` (str), ``churned`` (bool)
        and ``churned_at`` (datetime64[ns, UTC], NaT when not churned by ``as_of``).

    Notes
    -----
    Responses a real customer could not give after churning may remain in ``responses``; drop those
    with ``responded_at > churned_at`` for a coherent dataset (``load_sample`` does).
    """
    _require(customers, ["customer_id", "signup_at"], "customers")
    _require(responses, ["customer_id", "responded_at", "score"], "responses")
    as_of_ts = _utc(as_of, "as_of")
    rate_p = _merged(DEFAULT_CHURN_RATES, rates, "rates")
    horizon_p = _merged(DEFAULT_CHURN_HORIZONS, horizons, "horizons")
    hazard: Dict[str, float] = {}
    for key in DEFAULT_CHURN_RATES:
        r, h = float(rate_p[key]), float(horizon_p[key])
        if not 0.0 <= r < 1.0 or not h > 0:
            raise ValueError(f"rates[{key!r}] must be in [0, 1) and horizons[{key!r}] positive")
        hazard[key] = -math.log1p(-r) / h

    rng = _rng(seed, "churn")
    ids = _column(customers, "customer_id")
    if pd.Series(ids).duplicated().any():
        raise ValueError("customers: customer_id must be unique")
    n_cust = len(ids)
    # Days relative to as_of: <= 0 before it.
    signup = _days(_utc_series(customers["signup_at"], "customers.signup_at"), as_of_ts)
    exposure = rng.exponential(1.0, n_cust)

    r_idx = pd.Index(ids).get_indexer(_column(responses, "customer_id"))
    if np.any(r_idx < 0):
        raise ValueError("responses reference customers that are not in customers")
    r_t = _days(_utc_series(responses["responded_at"], "responses.responded_at"), as_of_ts)
    scores = pd.to_numeric(responses["score"]).to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(scores).any() or np.any((scores < 0) | (scores > 10)):
        raise ValueError("responses.score must be in 0..10 without missing values")
    use = r_t <= 0
    r_idx, r_t, scores = r_idx[use], np.maximum(r_t[use], signup[r_idx[use]]), scores[use]
    order = np.lexsort((r_t, r_idx))
    r_idx, r_t, scores = r_idx[order], r_t[order], scores[order]
    seg = _segment_codes(scores)
    early = (seg == 0) & (r_t - signup[r_idx] <= float(early_life_days))
    kinds = np.where(early, "early_life_detractor", np.asarray(SEGMENTS, dtype=object)[seg])
    r_h = _lookup(kinds, hazard)

    # Next response time of the same customer (as_of, i.e. 0, after the last one).
    n_r = len(r_idx)
    nxt = np.zeros(n_r)
    if n_r > 1:
        same = r_idx[1:] == r_idx[:-1]
        nxt[:-1] = np.where(same, r_t[1:], 0.0)
    first_t = np.zeros(n_cust)
    has_resp = np.zeros(n_cust, dtype=bool)
    if n_r:
        firsts = _group_start(r_idx) == np.arange(n_r)
        first_t[r_idx[firsts]] = r_t[firsts]
        has_resp[r_idx[firsts]] = True
    observed = signup <= 0
    pre_end = np.where(has_resp, first_t, 0.0)

    # Intervals of constant hazard: baseline before the first response, then each response's
    # segment hazard until the next response (or as_of).
    iv_cust = np.concatenate([np.arange(n_cust), r_idx])
    iv_t0 = np.concatenate([signup, r_t])
    iv_t1 = np.concatenate([np.where(observed, pre_end, signup), nxt])
    iv_h = np.concatenate([np.full(n_cust, hazard["baseline"]), r_h])
    iv_seq = np.concatenate([np.full(n_cust, -1), np.arange(n_r)])
    order = np.lexsort((iv_seq, iv_cust))
    iv_cust, iv_t0, iv_t1, iv_h = iv_cust[order], iv_t0[order], iv_t1[order], iv_h[order]
    mass = iv_h * np.maximum(iv_t1 - iv_t0, 0.0)
    csum = np.cumsum(mass)
    start_idx = _group_start(iv_cust)
    cum_after = csum - csum[start_idx] + mass[start_idx]
    cum_before = cum_after - mass
    e = exposure[iv_cust]
    hit = (cum_before < e) & (e <= cum_after) & (mass > 0)
    churned = np.zeros(n_cust, dtype=bool)
    churn_day = np.full(n_cust, np.nan)
    hit_idx = np.nonzero(hit)[0]
    churned[iv_cust[hit_idx]] = True
    churn_day[iv_cust[hit_idx]] = iv_t0[hit_idx] + (e[hit_idx] - cum_before[hit_idx]) / iv_h[hit_idx]
    churned &= observed

    churned_at = _from_days(np.where(churned, np.minimum(churn_day, 0.0), np.nan), as_of_ts)
    return pd.DataFrame(
        {
            "customer_id": pd.Series(ids, dtype=object).astype(str),
            "churned": churned,
            "churned_at": churned_at,
        }
    )


# --------------------------------------------------------------------------------------------------
# The contact log: who was called back, and when.
# --------------------------------------------------------------------------------------------------

#: Follow-up behaviour of the simulated CX team, per segment of the answer (illustrative): the
#: share contacted on time and its delay range in hours after the answer, the share contacted late
#: and its range; the rest are never contacted. On time is within the play's default SLA (24 h,
#: 72 h, 7 days); late is after it.
DEFAULT_FOLLOW_UP: Dict[str, Dict[str, Any]] = {
    "detractor": {"on_time": 0.5, "on_time_hours": (0.5, 20.0), "late": 0.2, "late_hours": (30.0, 150.0)},
    "passive": {"on_time": 0.35, "on_time_hours": (4.0, 70.0), "late": 0.15, "late_hours": (80.0, 300.0)},
    "promoter": {"on_time": 0.25, "on_time_hours": (12.0, 160.0), "late": 0.0, "late_hours": (170.0, 400.0)},
}


def make_contacts(
    responses: pd.DataFrame,
    seed: Optional[int] = 42,
    follow_up: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> pd.DataFrame:
    """Return a simulated contact log: when each response was followed up, if ever.

    A separate table (``load_sample`` is unchanged): pass ``load_sample().responses``. Each response
    is contacted on time, late or never with the shares of ``follow_up`` for its segment (from its
    score: 0-6 detractor, 7-8 passive, 9-10 promoter), after a delay drawn uniformly from the
    segment's hour range; a response without a score is never contacted.

    Returns
    -------
    pandas.DataFrame
        One row per response, in its order: ``response_id``, ``customer_id``, ``responded_at``,
        ``contacted_at`` (UTC; NaT if never contacted).
    """
    _require(responses, ["response_id", "customer_id", "responded_at", "score"], "responses")
    spec = _merged(DEFAULT_FOLLOW_UP, follow_up, "follow_up")
    rng = np.random.default_rng(None if _seed(seed) is None else [0xC0417AC7, _seed(seed)])
    n = len(responses)
    at = _utc_series(responses["responded_at"], "responses.responded_at")
    score = pd.to_numeric(responses["score"], errors="coerce").to_numpy(dtype=np.float64)
    codes = np.full(n, -128, dtype=np.int16)
    known = ~np.isnan(score)
    codes[known] = _segment_codes(score[known]) - 1  # -1/0/+1
    u, v = rng.random(n), rng.random(n)
    delay = np.full(n, np.nan)
    for label, code in (("detractor", -1), ("passive", 0), ("promoter", 1)):
        sp = spec[label]
        on_time, late = float(sp["on_time"]), float(sp["late"])
        if not (0 <= on_time and 0 <= late and on_time + late <= 1):
            raise ValueError(f"follow_up[{label!r}]: need on_time, late >= 0 with on_time + late <= 1")
        sel = codes == code
        lo, hi = sp["on_time_hours"]
        fast = sel & (u < on_time)
        delay[fast] = lo + (hi - lo) * v[fast]
        lo, hi = sp["late_hours"]
        slow = sel & (u >= on_time) & (u < on_time + late)
        delay[slow] = lo + (hi - lo) * v[slow]
    contacted = at + pd.to_timedelta(delay, unit="h")
    return pd.DataFrame({
        "response_id": responses["response_id"].to_numpy(),
        "customer_id": responses["customer_id"].to_numpy(),
        "responded_at": at.to_numpy(),
        "contacted_at": contacted.to_numpy(),
    }).astype({"responded_at": "datetime64[ns, UTC]", "contacted_at": "datetime64[ns, UTC]"})


# --------------------------------------------------------------------------------------------------
# The sample.
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sample:
    """The sample data set: five frames of one simulated world.

    Attributes
    ----------
    customers : pandas.DataFrame
        From ``make_customers``.
    responses : pandas.DataFrame
        From ``make_responses``, without responses given after the customer churned.
    transactions : pandas.DataFrame
        From ``make_transactions``, without purchases after the customer churned.
    churn : pandas.DataFrame
        From ``make_churn``.
    events : pandas.DataFrame
        The event log ``EVENTS`` without its latent ``effect`` column: ``time``, ``kind``, ``label``,
        ``plan``, ``theme``, ``end``.
    """

    customers: pd.DataFrame
    responses: pd.DataFrame
    transactions: pd.DataFrame
    churn: pd.DataFrame
    events: pd.DataFrame

    def to_dict(self) -> Dict[str, pd.DataFrame]:
        """Returns the frames by name."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _events_frame(events: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Returns the public event log: time, kind, label, plan, theme, end (times in UTC)."""
    columns = ["time", "kind", "label", "plan", "theme", "end"]
    frame = pd.DataFrame([{k: e.get(k) for k in columns} for e in events], columns=columns)
    for col in ("time", "end"):
        frame[col] = _utc_series(frame[col], f"events.{col}", allow_nat=True).astype("datetime64[ns, UTC]")
    return frame


def load_sample(seed: int = 42, n_customers: int = 2000) -> Sample:
    """Return the sample data that ships with npscore: one seeded world of ``n_customers`` customers.

    The frames are built with the defaults of this module and one seed: ``make_customers``,
    ``make_responses``, ``make_churn`` (as of ``DEFAULT_END``), then responses after each churn are
    dropped, then ``make_transactions`` with the churn. With the defaults the responses land at NPS
    +32..+35 with about 54% promoters, 26% passives and 20% detractors; starter-plan NPS falls by
    about 20 points after the pricing change of ``EVENTS``.

    Parameters
    ----------
    seed : int, default 42
        Seed of every generator.
    n_customers : int, default 2000
        Number of customers, 1..``MAX_CUSTOMERS``.

    Returns
    -------
    Sample
        Frozen dataclass of ``customers``, ``responses``, ``transactions``, ``churn`` and ``events``.
    """
    n_customers = _args.whole(n_customers, "n_customers", minimum=1, maximum=MAX_CUSTOMERS)
    customers = make_customers(n_customers, seed=seed)
    responses = make_responses(customers, seed=seed)
    churn = make_churn(customers, responses, seed=seed)
    churned_at = responses["customer_id"].map(churn.set_index("customer_id")["churned_at"])
    responses = responses[~(responses["responded_at"] > churned_at)].reset_index(drop=True)
    transactions = make_transactions(customers, seed=seed, churn=churn)
    return Sample(
        customers=customers,
        responses=responses,
        transactions=transactions,
        churn=churn,
        events=_events_frame(EVENTS),
    )
