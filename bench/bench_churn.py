"""Churn model benchmark: npscore.ChurnModel against scikit-learn in one run.

1. Fit on 1,000,000 rows x 30 features: npscore (Newton) against
   LogisticRegression(lbfgs), both to tol=1e-10, C=1. Both must reach the same
   optimum: the final objective values are printed and compared.
2. Scoring with reasons (top 3) on a single thread: rows per second, against
   sklearn's predict_proba (which gives no reasons).

Run: PYTHONPATH=<npscore install> python3 bench/bench_churn.py [--rows N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import _common  # noqa: E402

import npscore  # noqa: E402
from npscore.churn import _core  # noqa: E402


def make(n: int, p: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    X[:, ::3] = rng.random((n, len(range(0, p, 3)))) < 0.2  # indicator columns
    beta = rng.normal(scale=0.3, size=p)
    z = -1.0 + X @ beta
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    return np.ascontiguousarray(X), y


def objective(X, y, coef, b, C):
    z = b + X @ coef
    return (np.sum(np.logaddexp(0, z) - y * z) + coef @ coef / (2 * C)) / len(y)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--tol", type=float, default=1e-10)
    args = ap.parse_args(argv)
    from sklearn import __version__ as skv
    from sklearn.linear_model import LogisticRegression

    _common.print_machine(_common.machine(sklearn=skv), args.repeat)
    X, y = make(args.rows, args.features)
    C = 1.0
    print(f"\n## fit: {args.rows:,} rows x {args.features} features, C={C}, tol={args.tol:g}")
    fits = {}
    for threads in (1, 0):
        label = f"npscore Newton, threads={'auto' if threads == 0 else threads}"
        t, m = _common.best_time(
            lambda: npscore.ChurnModel(C=C, tol=args.tol, threads=threads).fit(X, y), args.repeat)
        fits[label] = (t, objective(X, y, m.coef_, m.intercept_, C), m.n_iter_)
    t, sk = _common.best_time(
        lambda: LogisticRegression(C=C, tol=args.tol, max_iter=100_000).fit(X, y), args.repeat)
    fits["sklearn lbfgs"] = (t, objective(X, y, sk.coef_[0], sk.intercept_[0], C), int(sk.n_iter_[0]))
    base = fits["sklearn lbfgs"][0]
    print("| solver | time (s) | iterations | objective | sklearn / this |")
    print("|---|---:|---:|---:|---:|")
    for k, (t, f, it) in fits.items():
        print(f"| {k} | {t:.3f} | {it} | {f:.12f} | **{base / t:.1f}x** |")
    f_np = fits["npscore Newton, threads=1"][1]
    print(f"objective difference npscore - sklearn: {f_np - fits['sklearn lbfgs'][1]:.3e}")

    print(f"\n## scoring with reasons (top 3), one thread, {args.rows:,} x {args.features}")
    model = npscore.ChurnModel(C=C).fit(X, y)
    core = model._model
    t_reasons, _ = _common.best_time(lambda: _core.churn_explain(core, X, 3, 1), args.repeat)
    t_proba, _ = _common.best_time(lambda: _core.churn_explain(core, X, 0, 1), args.repeat)
    t_sk, _ = _common.best_time(lambda: sk.predict_proba(X), args.repeat)
    print("| call | time (ms) | rows/s |")
    print("|---|---:|---:|")
    for k, t in [("npscore core explain top=3 (1 thread)", t_reasons),
                 ("npscore core probabilities only (1 thread)", t_proba),
                 ("sklearn predict_proba (no reasons)", t_sk)]:
        print(f"| {k} | {t * 1e3:.1f} | {args.rows / t / 1e6:.1f}M |")
    t_df, _ = _common.best_time(lambda: model.explain(X[:100_000], top=3), 1)
    print(f"explain() as a DataFrame with text, 100,000 rows: {t_df * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
