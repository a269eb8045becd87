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
6. ``make_case_log``: one case per detractor answer with its owner, first contact and outcomes drawn
   from a known recovery curve (``TRUE_RECOVERY_CURVE``), for testing the loop's estimators;
   ``load_sample().cases`` is the sample's.

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

from ._params import (
    COMPANY_SIZES,
    DEFAULT_ARR,
    MAX_CUSTOMERS,
    DEFAULT_CHURN_HORIZONS,
    DEFAULT_CHURN_RATES,
    DEFAULT_CLV_PARAMS,
    DEFAULT_COMMENT_PARAMS,
    DEFAULT_CONTACTS,
    DEFAULT_EARLY_LIFE_DAYS,
    DEFAULT_END,
    DEFAULT_INDUSTRY_MIX,
    DEFAULT_LATENT,
    DEFAULT_PLAN_MIX,
    DEFAULT_REGION_MIX,
    DEFAULT_SCORE_PMF,
    DEFAULT_SIZE_MIX,
    DEFAULT_SPEND_SCALE,
    DEFAULT_START,
    DEFAULT_SURVEY_PARAMS,
    DEFAULT_SURVEYS_PER_YEAR,
    DEFAULT_TRANSACTION_PARAMS,
    EVENTS,
    INDUSTRIES,
    PLANS,
    REGIONS,
    SEGMENTS,
    SURVEY_KINDS,
    THEMES,
    TOUCHPOINTS,
)
from .customers import (
    make_customers,
)
from .responses import (
    make_responses,
)
from .transactions import (
    make_transactions,
)
from .churn import (
    make_churn,
)
from .contacts import (
    DEFAULT_FOLLOW_UP,
    make_contacts,
)
from .cases import (
    CASE_COLUMNS,
    CASE_RISK,
    CLOSE_UNCONTACTED_HOURS,
    DEFAULT_CASE_OWNERS,
    NEVER_CONTACTED_RECOVERY,
    NEXT_SCORE_LIFT,
    RECOVERY_CHURN_EFFECT,
    TRUE_RECOVERY_CURVE,
    make_case_log,
)
from .sample import (
    Sample,
    load_sample,
)

__all__ = [
    "CASE_COLUMNS",
    "CASE_RISK",
    "CLOSE_UNCONTACTED_HOURS",
    "COMPANY_SIZES",
    "DEFAULT_CASE_OWNERS",
    "NEVER_CONTACTED_RECOVERY",
    "NEXT_SCORE_LIFT",
    "RECOVERY_CHURN_EFFECT",
    "TRUE_RECOVERY_CURVE",
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
    "make_case_log",
    "make_churn",
    "make_contacts",
    "make_customers",
    "make_responses",
    "make_transactions",
]
