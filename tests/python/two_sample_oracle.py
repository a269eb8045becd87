"""Independent computations of the two-sample tests of ``npscore.compare``
(and of health's period-change tests), for the tests: the score statistic
from the multinomial likelihood maximised by scipy under the null, and the
exact permutation p-values from scipy's hypergeometric distributions.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

EXACT_BELOW = 10  # nps.h kExactBelow: the default test is exact mid-p below it


def _restricted_shares_interior(a, b, delta):
    """The restricted MLE when every cell holds answers, to full precision:
    the Lagrange conditions give pi_ak = x_ak / (mu_a + lam c_k) and
    pi_bk = x_bk / (mu_b - lam c_k), c = (-1, 0, 1); mu solves sum pi = 1 for
    each lam, and lam solves NPS_a - NPS_b = delta (both by brentq)."""
    c = np.array([-1.0, 0.0, 1.0])

    def shares(x, lam):
        lo = abs(lam) * (1 + 1e-15) + 1e-300
        f = lambda mu: float(np.sum(x / (mu + lam * c))) - 1.0
        hi = max(2 * lo, 1.0)
        while f(hi) > 0:
            hi *= 2
        mu = optimize.brentq(f, lo if f(lo) > 0 else lo * (1 + 1e-12), hi, xtol=1e-300,
                             rtol=1e-15, maxiter=500)
        return x / (mu + lam * c)

    def gap(lam):
        pa, pb = shares(a, lam), shares(b, -lam)
        return (pa[2] - pa[0]) - (pb[2] - pb[0]) - delta

    lo, hi = -1.0, 1.0
    while gap(lo) < 0:
        lo *= 2
    while gap(hi) > 0:
        hi *= 2
    lam = optimize.brentq(gap, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=500)
    return shares(a, lam), shares(b, -lam)


def _restricted_shares_slsqp(a, b, delta):
    """The restricted MLE by SLSQP from several starts (about 1e-8 precise;
    for samples with empty cells)."""

    def shares(x):
        return np.array([x[0], 1 - x[0] - x[1], x[1]]), np.array([x[2], 1 - x[2] - x[3], x[3]])

    def nll(x):
        pa, pb = shares(x)
        return -sum(float(np.sum(np.where(k > 0, k * np.log(np.maximum(q, 1e-300)), 0.0)))
                    for k, q in ((a, pa), (b, pb)))

    cons = [{"type": "eq", "fun": lambda x: (x[1] - x[0]) - (x[3] - x[2]) - delta},
            {"type": "ineq", "fun": lambda x: 1 - x[0] - x[1]},
            {"type": "ineq", "fun": lambda x: 1 - x[2] - x[3]}]
    best = None
    for x0 in ([0.3, 0.3, 0.3, 0.3], [0.2, 0.5, 0.4, 0.2], [0.45, 0.45, 0.1, 0.1]):
        r = optimize.minimize(nll, x0, method="SLSQP", bounds=[(0, 1)] * 4, constraints=cons,
                              options={"ftol": 1e-15, "maxiter": 2000})
        if best is None or r.fun < best.fun:
            best = r
    return shares(best.x)


def score_z_by_mle(a, b, delta=0.0):
    """The score statistic of NPS_a - NPS_b = delta (-1..1 scale) for counts
    (detractors, passives, promoters): the four segment shares maximising the
    likelihood under the constraint, then z = (est - delta) /
    sqrt(Va / na + Vb / nb) at those shares."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    na, nb = a.sum(), b.sum()
    if (a > 0).all() and (b > 0).all() and abs(delta) < 2:
        (da, _, pa), (db, _, pb) = _restricted_shares_interior(a, b, delta)
    else:
        (da, _, pa), (db, _, pb) = _restricted_shares_slsqp(a, b, delta)
    va, vb = (pa + da) - (pa - da) ** 2, (pb + db) - (pb - db) ** 2
    est = (a[2] - a[0]) / na - (b[2] - b[0]) / nb
    return (est - delta) / np.sqrt(va / na + vb / nb)


def permutation_p(a, b, mid=False):
    """The permutation p-value of |diff| given the pooled segment counts:
    scipy's multivariate hypergeometric probability of every split of the
    pooled answers, |diff| compared as the exact integer n_a n_b |diff|.
    A difference of 0 has p = 1."""
    a, b = [int(v) for v in a], [int(v) for v in b]
    pooled = [x + y for x, y in zip(a, b)]
    na, nb = sum(a), sum(b)

    def stat(x):
        return abs(nb * (x[2] - x[0]) - na * ((pooled[2] - x[2]) - (pooled[0] - x[0])))

    observed = stat(a)
    if observed == 0:
        return 1.0
    above = ties = 0.0
    for d in range(min(pooled[0], na) + 1):
        for p in range(min(pooled[2], na - d) + 1):
            m = na - d - p
            if m > pooled[1]:
                continue
            pr = stats.multivariate_hypergeom.pmf([d, m, p], pooled, na)
            s = stat([d, m, p])
            above += pr * (s > observed)
            ties += pr * (s == observed)
    return above + (ties / 2 if mid else ties)


def nps_change_p(a, b):
    """The p-value of the default compare(a, b): exact mid-p below
    EXACT_BELOW respondents in the smaller sample, else the score test."""
    if min(sum(a), sum(b)) < EXACT_BELOW:
        return permutation_p(a, b, mid=True)
    return 2 * stats.norm.sf(abs(score_z_by_mle(a, b)))


def share_change_p(k1, n1, k2, n2):
    """The p-value of a segment share's change k1/n1 -> k2/n2: the mid-p
    permutation test of |k1/n1 - k2/n2| (scipy's hypergeometric) below
    EXACT_BELOW respondents in the smaller sample, else the pooled z-test."""
    k1, n1, k2, n2 = int(k1), int(n1), int(k2), int(n2)
    if min(n1, n2) < EXACT_BELOW:
        k = k1 + k2
        observed = abs(k1 * n2 - k2 * n1)
        if observed == 0:
            return 1.0
        x = np.arange(max(0, n1 - (n1 + n2 - k)), min(k, n1) + 1)
        pr = stats.hypergeom.pmf(x, n1 + n2, k, n1)
        s = np.abs(x * n2 - (k - x) * n1)
        return float(pr[s > observed].sum() + pr[s == observed].sum() / 2)
    pool = (k1 + k2) / (n1 + n2)
    var = pool * (1 - pool) * (1 / n1 + 1 / n2)
    if var == 0:
        return 1.0
    return float(2 * stats.norm.sf(abs(k2 / n2 - k1 / n1) / np.sqrt(var)))
