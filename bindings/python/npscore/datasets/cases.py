"""The case log: what the CX team did about each detractor, and what came of it.

``make_case_log`` opens one case per detractor answer (and, by option, per passive answer), gives it an
owner, a first contact some hours later (or none), and draws its outcomes from a *known* model, so that the
estimators of ``npscore.loop`` can be checked against the truth:

1. **Churn risk at opening** (``churn_risk``, the predicted P(churn) a model would give):
   ``logit(risk) = logit(DEFAULT_CHURN_RATES[segment]) + CASE_RISK["score_slope"] * (6 - score)
   + CASE_RISK["sd"] * N(0, 1)`` (for a passive ``6 - score`` is negative: a 8 is safer than a 7).
2. **Hours to first contact**: never with probability ``never + never_risk * q`` (``q``: the case's rank
   of churn risk among the cases, 0..1); otherwise ``log1p(hours) = log1p(max_hours) * v`` with
   ``v = (1 - risk_weight) * U(0, 1) + risk_weight * q``, times the owner's speed factor
   (``DEFAULT_CASE_OWNERS``). Riskier customers are contacted later (the hard cases wait), so a naive
   comparison of churn between on-time and late cases mixes the effect of speed with the risk.
3. **Recovered** (0/1): Bernoulli of ``TRUE_RECOVERY_CURVE`` at the hours to first contact
   (``npscore.priority.recoverability``: monotone cubic in log(1 + hours)); never contacted:
   Bernoulli(``NEVER_CONTACTED_RECOVERY``), the floor.
4. **Churned** (0/1): Bernoulli(``churn_risk * (1 - RECOVERY_CHURN_EFFECT * recovered)``): a recovered
   customer churns half as often (the true effect of recovery); the risk is calibrated by construction.
5. **Next score**: the score of the customer's next answer in ``responses`` (NaN when there is none); a
   recovered case's next answer is lifted with probability ``NEXT_SCORE_LIFT``: a detractor's next score,
   if still 0-6, is redrawn uniformly from 7..10, a passive's, if still 7-8, from 9..10.

The log is complete, as exported once every case was closed: a contacted case closes 1..72 hours
(uniform) after its first contact, a case never contacted ``CLOSE_UNCONTACTED_HOURS`` after opening.
Its outcomes come from this model, not from ``make_churn``: they are the truth the loop's estimators
are tested against.
"""

from __future__ import annotations

import math
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .. import _args
from ._params import DEFAULT_CHURN_RATES
from ._util import _require, _seed, _segment_codes, _utc_series

#: The true recovery curve of the case log: (hours to first contact, P(recovered)) anchors,
#: interpolated as ``prioritize`` interpolates its curve. Deliberately not the default curve
#: (``npscore.priority.DEFAULT_RECOVERY``: 65% at 0-1 h, 40% at 24 h, 10% at 72 h, 5% from a week),
#: so that the learned curve visibly differs from it: slower decay in the first day, a higher tail.
TRUE_RECOVERY_CURVE: Tuple[Tuple[float, float], ...] = (
    (0.0, 0.70), (1.0, 0.62), (8.0, 0.45), (24.0, 0.30), (72.0, 0.15), (168.0, 0.08),
)
#: P(recovered) of a case never contacted: the floor (below the curve's last anchor).
NEVER_CONTACTED_RECOVERY: float = 0.04
#: The true effect of recovery on churn: a recovered customer churns with probability
#: ``churn_risk * (1 - RECOVERY_CHURN_EFFECT)``, one not recovered with ``churn_risk``.
RECOVERY_CHURN_EFFECT: float = 0.5
#: Chance that a recovered case's next answer moves up a segment when it would not have.
NEXT_SCORE_LIFT: float = 0.6
#: Hours after opening at which a case never contacted is closed (without a contact).
CLOSE_UNCONTACTED_HOURS: float = 336.0
#: Owners of the cases and their speed: hours to first contact are multiplied by the factor
#: (illustrative: one fast team, one average, one slow). Cases are assigned uniformly at random.
DEFAULT_CASE_OWNERS: Dict[str, float] = {"Team A": 0.7, "Team B": 1.0, "Team C": 1.5}
#: The model of churn risk and contact times (see the module docstring): ``sd`` and ``score_slope``
#: of the logit of the risk; ``never`` and ``never_risk``, the chance of no contact at the lowest and
#: its increase up to the highest risk; ``max_hours`` of a contact (before the owner's factor) and
#: ``risk_weight``, how strongly risk delays the contact.
CASE_RISK: Dict[str, float] = {
    "sd": 0.8, "score_slope": 0.15, "never": 0.06, "never_risk": 0.12, "max_hours": 240.0,
    "risk_weight": 0.4,
}
#: The columns of the case log, in order.
CASE_COLUMNS: Tuple[str, ...] = (
    "case_id", "customer_id", "opened_at", "segment", "score", "owner", "sla_hours",
    "first_contact_at", "closed_at", "recovered", "next_score", "churned", "churn_risk", "clv",
)


def _probability(value: Any, name: str) -> float:
    x = _args.number(value, name)
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name} is {x:g}: a probability must be in [0, 1]")
    return x


def _owners(owners: Optional[Mapping[str, float]]) -> Tuple[list, np.ndarray]:
    spec = DEFAULT_CASE_OWNERS if owners is None else owners
    if not isinstance(spec, Mapping) or not spec:
        raise TypeError(f"owners must be a non-empty mapping {{owner: speed factor}}, got "
                        f"{_args.shown(spec)}")
    names = [str(k) for k in spec]
    speed = np.array([_args.number(v, f"owners[{k!r}]") for k, v in spec.items()], dtype=np.float64)
    bad = np.flatnonzero(~(speed > 0) | ~np.isfinite(speed))
    if len(bad):
        raise ValueError(f"owners[{names[bad[0]]!r}] is {speed[bad[0]]:g}: a speed factor must be "
                         "a finite number > 0")
    return names, speed


def _next_scores(responses: pd.DataFrame, at: pd.Series) -> np.ndarray:
    """Each response's customer's next score (the next answer by time, ties by row; NaN: none)."""
    order = np.lexsort((np.arange(len(responses)), at.to_numpy(dtype="datetime64[ns]"),
                        pd.factorize(responses["customer_id"])[0]))
    ids = responses["customer_id"].to_numpy()[order]
    score = pd.to_numeric(responses["score"]).to_numpy(dtype=np.float64)[order]
    nxt = np.full(len(order), np.nan)
    if len(order) > 1:
        same = ids[1:] == ids[:-1]
        nxt[:-1] = np.where(same, score[1:], np.nan)
    out = np.empty(len(order))
    out[order] = nxt
    return out


def make_case_log(
    responses: pd.DataFrame,
    customers: Optional[pd.DataFrame] = None,
    seed: Optional[int] = 42,
    *,
    recovery_curve: Any = TRUE_RECOVERY_CURVE,
    never_recovery: float = NEVER_CONTACTED_RECOVERY,
    churn_effect: float = RECOVERY_CHURN_EFFECT,
    passives: bool = False,
    owners: Optional[Mapping[str, float]] = None,
) -> pd.DataFrame:
    """Return a simulated case log with outcomes drawn from a known recovery curve.

    One case per detractor answer (score 0-6) of ``responses`` (with ``passives=True`` also per passive
    answer, 7-8), in the responses' order; the model is in this module's docstring.

    Parameters
    ----------
    responses : pandas.DataFrame
        With ``customer_id``, ``responded_at`` and ``score`` (e.g. ``load_sample().responses``);
        ``response_id`` names the cases when present. Answers without a score open no case.
    customers : pandas.DataFrame, optional
        With ``customer_id`` and ``clv``: each case's ``clv`` (NaN for a customer not in it, and
        without ``customers``).
    seed : int or None
        Seed of the draws (None: fresh entropy).
    recovery_curve : anchors
        The true curve, in any form ``npscore.priority.recovery_curve`` takes.
    never_recovery : float
        P(recovered) without a contact.
    churn_effect : float
        Recovery multiplies the churn probability by ``1 - churn_effect``.
    passives : bool
        Also open a case for each passive answer (SLA 72 h).
    owners : mapping, optional
        {owner: speed factor}; default ``DEFAULT_CASE_OWNERS``.

    Returns
    -------
    pandas.DataFrame
        The columns ``CASE_COLUMNS``: ``case_id`` (str: "C" + the response id's digits, else a
        running number), ``customer_id``, ``opened_at`` (UTC, the answer's time), ``segment``
        ("detractor"/"passive"), ``score``, ``owner``, ``sla_hours`` (the play's default SLA: 24 for
        a detractor, 72 for a passive), ``first_contact_at`` (UTC; NaT: never), ``closed_at`` (UTC),
        ``recovered`` (0/1), ``next_score`` (float; NaN: no later answer), ``churned`` (0/1),
        ``churn_risk`` (float in (0, 1)), ``clv`` (float).
    """
    from ..priority import DEFAULT_SLA_HOURS, recoverability, recovery_curve as _curve

    _require(responses, ["customer_id", "responded_at", "score"], "responses")
    if customers is not None:
        _require(customers, ["customer_id", "clv"], "customers")
    curve = _curve(recovery_curve)
    never_recovery = _probability(never_recovery, "never_recovery")
    churn_effect = _probability(churn_effect, "churn_effect")
    if not isinstance(passives, (bool, np.bool_)):
        raise TypeError(f"passives must be True or False, got {_args.shown(passives)}")
    names, speed = _owners(owners)
    s = _seed(seed)
    rng = np.random.default_rng(None if s is None else [0xCA5E, s])

    at_all = _utc_series(responses["responded_at"], "responses.responded_at")
    score_all = pd.to_numeric(responses["score"], errors="coerce").to_numpy(dtype=np.float64)
    codes = np.full(len(responses), -1, dtype=np.int64)
    known = ~np.isnan(score_all)
    codes[known] = _segment_codes(score_all[known])  # 0 detractor, 1 passive, 2 promoter
    take = (codes == 0) | ((codes == 1) if passives else False)
    rows = np.flatnonzero(take)
    n = len(rows)
    seg = np.where(codes[rows] == 0, "detractor", "passive").astype(object)
    score = score_all[rows]
    at = at_all.iloc[rows].reset_index(drop=True)
    ids = responses["customer_id"].iloc[rows].reset_index(drop=True)

    # 1. Churn risk at opening.
    base = np.where(seg == "detractor", DEFAULT_CHURN_RATES["detractor"],
                    DEFAULT_CHURN_RATES["passive"])
    logit = (np.log(base / (1 - base)) + CASE_RISK["score_slope"] * (6 - score)
             + CASE_RISK["sd"] * rng.standard_normal(n))
    risk = 1.0 / (1.0 + np.exp(-logit))
    q = (pd.Series(risk).rank(method="average").to_numpy() - 0.5) / n if n else risk

    # 2. Owner and hours to first contact (riskier cases wait longer).
    owner = rng.integers(0, len(names), n)
    never = rng.random(n) < CASE_RISK["never"] + CASE_RISK["never_risk"] * q
    w = CASE_RISK["risk_weight"]
    v = (1 - w) * rng.random(n) + w * q
    hours = np.expm1(math.log1p(CASE_RISK["max_hours"]) * v) * speed[owner]
    hours[never] = np.nan

    # 3. Recovered, 4. churned.
    p_rec = np.full(n, never_recovery)
    if (~never).any():
        p_rec[~never] = recoverability(hours[~never], recovery=curve)
    recovered = (rng.random(n) < p_rec).astype(np.int64)
    churned = (rng.random(n) < risk * (1 - churn_effect * recovered)).astype(np.int64)

    # 5. The next answer, lifted for some recovered cases.
    nxt = _next_scores(responses, at_all)[rows]
    top = np.where(seg == "detractor", 6, 8)
    lift = (recovered == 1) & ~np.isnan(nxt) & (nxt <= top) & (rng.random(n) < NEXT_SCORE_LIFT)
    low = top + 1
    drawn = low + np.floor(rng.random(n) * (11 - low))
    nxt = np.where(lift, drawn, nxt)

    handling = 1.0 + 71.0 * rng.random(n)
    opened = at.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    contact = opened + pd.to_timedelta(hours, unit="h")
    closed = opened + pd.to_timedelta(np.where(never, CLOSE_UNCONTACTED_HOURS, hours + handling),
                                      unit="h")
    if "response_id" in responses.columns:
        rid = responses["response_id"].iloc[rows].astype(str).str.replace(r"^\D+", "", regex=True)
        case_id = ("C" + rid).to_numpy(dtype=object)
    else:
        case_id = np.array([f"C{i + 1:07d}" for i in range(n)], dtype=object)
    if customers is not None:
        clv = ids.map(pd.Series(customers["clv"].to_numpy(np.float64),
                                index=customers["customer_id"].to_numpy())
                      .groupby(level=0).first()).to_numpy(np.float64)
    else:
        clv = np.full(n, np.nan)
    sla = np.where(seg == "detractor", DEFAULT_SLA_HOURS["recover"],
                   DEFAULT_SLA_HOURS["make_it_a_10"])
    out = pd.DataFrame({
        "case_id": pd.Series(case_id, dtype=object).astype(str),
        "customer_id": ids.to_numpy(),
        "opened_at": opened.to_numpy(),
        "segment": pd.Series(seg, dtype=object).astype(str),
        "score": score.astype(np.int64) if n else np.zeros(0, np.int64),
        "owner": pd.Series(np.asarray(names, dtype=object)[owner], dtype=object).astype(str),
        "sla_hours": sla.astype(np.float64),
        "first_contact_at": contact.to_numpy(),
        "closed_at": closed.to_numpy(),
        "recovered": recovered,
        "next_score": nxt.astype(np.float64),
        "churned": churned,
        "churn_risk": risk,
        "clv": clv,
    })
    return out.astype({"opened_at": "datetime64[ns, UTC]", "first_contact_at": "datetime64[ns, UTC]",
                       "closed_at": "datetime64[ns, UTC]"})
