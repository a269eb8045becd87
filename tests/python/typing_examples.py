"""Calls every public function of npscore once, with the types its
signature declares, for test_typing.py: `mypy --strict` must accept this
file, and running it must succeed. The annotated targets check the declared
return types (mypy rejects an assignment the return type does not fit).
It imports neither pandas nor matplotlib, so it needs no stubs for them."""

from __future__ import annotations

from typing import Union

import numpy as np
import numpy.typing as npt

import npscore
from npscore import plot, report
from npscore.datasets import load_sample

FloatArray = npt.NDArray[np.float64]


def main() -> None:
    sample = load_sample(seed=3, n_customers=400)
    r = sample.responses.merge(sample.customers, on="customer_id")
    scores = r["score"].to_numpy()
    now = r["responded_at"].max()

    # Segments, NPS and its interval.
    codes: npt.NDArray[np.int8] = npscore.segment(scores)
    counts: npscore.Counts = npscore.count([0, 7, 10, None], missing="skip")
    s: npscore.Summary = npscore.summarize(scores, method="wald", confidence=0.9)
    n: float = s.n
    w = npscore.summarize(r["score"], weights=r["arr"], account=r["account_id"],
                          weight_by="response")
    sc = npscore.summarize_counts(10, 20, 30, method="score")
    c: npscore.Comparison = npscore.compare(s, sc, test="mid-p")
    groups = npscore.by_group(r, by="plan", method="adjusted-wald", missing="error")

    # Distribution health.
    h = npscore.health(r, by="plan", freq="Q", basis="latest", adjust="bh", mode="review")
    npscore.segment_trends(r, freq="month", adjust="none")
    npscore.migration(r, freq="W")
    npscore.attribute_change(r, by="plan", period_a="2025-01", period_b="2025-02", freq="M")
    npscore.event_impact(r, sample.events, adjust="holm")
    npscore.account_nps(r, account="account_id", how="average")
    p: Union[FloatArray, object] = npscore.adjust_p_values(np.array([0.01, 0.04, 0.2]),
                                                           adjust="fdr_bh")

    # Prioritisation.
    curve = npscore.recovery_curve()
    chance: Union[float, FloatArray] = npscore.recoverability(np.array([0.5, 30.0]))
    queue = npscore.prioritize(r, churn_risk=np.full(len(r), 0.3), clv=r["clv"],
                               segment=r["score"], responded_at=r["responded_at"], now=now)
    npscore.revenue_at_risk(sample.customers.assign(risk=0.2), churn_risk="risk", clv="clv",
                            by="plan")

    # Themes.
    tagger = npscore.ThemeTagger({"billing": ["invoice", "charged twice"]})
    lists = tagger.tag(["wrong invoice", "great"], invalid="replace")
    matrix = tagger.tag(["wrong invoice", "great"], as_matrix=True)
    tagger.indicators(["charged twice"])
    commented = r.dropna(subset=["comment"])
    impact = npscore.top_themes(commented, comment="comment", segment=commented["score"],
                                clv=commented["clv"], clv_basis="mentioners")
    npscore.theme_impact(commented, theme=npscore.ThemeTagger().tag(commented["comment"]),
                         segment=commented["score"], clv=commented["clv"])

    # Churn.
    as_of = r["responded_at"].quantile(0.7)
    X = npscore.churn_features(sample.responses, sample.customers, as_of=as_of,
                               signup="signup_at", missing="error", unknown="skip")
    labels = npscore.churn_labels(sample.churn, as_of=as_of, horizon_days=90)
    X = X[X.index.isin(labels.index)]
    y = labels.reindex(X.index)
    model = npscore.ChurnModel(C=1.0, standardize=True).fit(X, y)
    proba: FloatArray = model.predict_proba(X)
    coef: FloatArray = model.coef_
    intercept: float = model.intercept_
    converged: bool = model.converged_
    n_features: int = model.n_features_in_
    reasons = model.explain(X, top=2)
    ev: npscore.churn.Evaluation = npscore.evaluate(y, proba[:, 1])
    prior = npscore.ChurnModel.prior(90)

    # Customer lifetime value.
    end = sample.transactions["date"].max()
    rfm = npscore.rfm_summary(sample.transactions, customer="customer_id", date="date",
                              amount="amount", observation_end=end, freq="D")
    npscore.calibration_and_holdout_data(sample.transactions, customer="customer_id",
                                         date="date", calibration_period_end="2025-06-30",
                                         observation_period_end=end, freq="W")
    bg = npscore.BetaGeo().fit(rfm["frequency"], rfm["recency"], rfm["T"])
    alive: float | FloatArray | object = bg.probability_alive(0, 1.0, 1.0)
    repeat = rfm[rfm["frequency"] > 0]
    gg = npscore.GammaGamma().fit(repeat["frequency"], repeat["monetary_value"],
                                  nonpositive_spend="exclude")
    clv = npscore.customer_lifetime_value(bg, gg, repeat["frequency"], repeat["recency"],
                                          repeat["T"], repeat["monetary_value"], freq="D")

    # Plots (rendered off-screen, never touching the global backend).
    figures = [
        plot.health(h, where={"plan": "starter"}),
        plot.calibration(y, proba[:, 1]),
        plot.roc(y, proba[:, 1]),
        plot.lift(y, proba[:, 1]),
        plot.forest(groups),
        plot.frequency_recency_matrix(bg, rfm),
        plot.probability_alive_matrix(bg, rfm),
        plot.theme_impact(impact),
    ]
    opts = report.ReportOptions(method="score", missing="skip", weight_by="account",
                                health_freq="Q")
    text: str = report.nps_report(r, opts)

    print(codes.shape, counts.n, n, w.nps, c.p_value, p, curve.shape, chance, len(queue),
          lists, matrix.shape, coef.shape, intercept, converged, n_features, len(reasons),
          ev.auc, prior.is_prior, alive, clv, len(figures), len(text))


if __name__ == "__main__":
    main()
