"""Writes npscore_tour.ipynb (no outputs) from the cells below.

Run `python3 examples/notebooks/build_tour.py` after editing a cell; the test
tests/python/test_example_notebook.py checks that the committed notebook is what
this script writes, then executes it headless. Cells tagged "plot" must display
a PNG image.
"""

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "npscore_tour.ipynb"

# (kind, source): kind is "md", "code" or "plot" (code that displays a figure).
CELLS = [
    ("md", """\
# A tour of npscore

From survey scores to actions, on the sample data that ships with npscore
(`npscore.datasets.load_sample()`: customers, NPS responses with comments,
transactions, churn dates and events, simulated at a fixed seed). Every step
works the same on your own pandas, polars or pyarrow tables."""),
    ("code", """\
%matplotlib inline
import pickle
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import npscore
from npscore import churn, plot, priority, themes

s = npscore.datasets.load_sample()
workdir = Path(tempfile.mkdtemp(prefix="npscore-tour-"))   # model files go here
s"""),
    ("md", """\
## Scores, segments and NPS with its interval

`segment` codes each score as detractor (-1), passive (0) or promoter (+1);
`count` tallies them; `summarize` gives the NPS with a confidence interval."""),
    ("code", """\
df = s.responses.merge(s.customers, on="customer_id")   # + plan, region, arr, clv
npscore.segment(df.score[:8]), npscore.count(df.score)"""),
    ("code", """\
npscore.summarize(df.score)"""),
    ("md", """\
Revenue-weighted NPS counts each response with its customer's ARR; the
summary reports respondents and the weight sum under distinct names."""),
    ("code", """\
npscore.summarize(df.score, weights=df.arr)"""),
    ("md", """\
`compare` tests whether two NPS differ (here: this quarter against the last)."""),
    ("code", """\
this_quarter = df.score[df.responded_at >= "2025-10-01"]
last_quarter = df.score[df.responded_at.between("2025-07-01", "2025-10-01", inclusive="left")]
npscore.compare(this_quarter, last_quarter)"""),
    ("md", """\
## NPS by group, from a polars DataFrame

Any table goes in (polars, pyarrow or pandas); a pandas table comes out. The
forest plot shows each group's NPS and interval."""),
    ("code", """\
pl_df = pl.from_pandas(df[["score", "plan", "region", "arr"]])
groups = npscore.by_group(pl_df, score="score", by=["plan", "region"], min_n=30)
groups.head()"""),
    ("plot", """\
plot.forest(npscore.by_group(pl_df, by="plan"))"""),
    ("md", """\
## Distribution health over time

`health` gives one row per period (and plan) with flags and their reasons;
with `window=` each row covers the trailing days (a rolling window)."""),
    ("code", """\
h = npscore.health(df, freq="M", by="plan")
h[h["flags"] != ""][["plan", "period", "nps", "flags", "reasons"]].head()"""),
    ("code", """\
rolling = npscore.health(df, freq="M", window="90D")
rolling[["period", "window_start", "window_end", "n", "nps"]].tail(3)"""),
    ("plot", """\
plot.health(h, where={"plan": "starter"}, events=s.events)"""),
    ("md", """\
Which plans' segments are rising or falling, how customers moved between
segments, what explains a change between two months (mix or rate), and
whether the NPS moved after each event."""),
    ("code", """\
npscore.segment_trends(df, periods=6, by="plan")"""),
    ("code", """\
npscore.migration(df, customer="customer_id")"""),
    ("code", """\
npscore.attribute_change(df, by="region", period_a="2025-03", period_b="2025-04")"""),
    ("code", """\
impact = npscore.event_impact(df, s.events, window="30D")
impact"""),
    ("md", """\
`adjust_p_values` applies a multiple-testing correction (Holm by default) to
any p-values; `account_nps` gives one NPS per account, from its latest
answer per contact."""),
    ("code", """\
npscore.adjust_p_values([0.01, 0.02, 0.04, 0.30])"""),
    ("code", """\
npscore.account_nps(df, account="account_id", contact="contact_id", how="latest").head()"""),
    ("md", """\
## Churn: features, labels and an honest split

`churn_features` builds one row per customer as of a date; `churn_labels`
says who churned in the following 90 days. Both are indexed by customer and
the model pairs them by index."""),
    ("code", """\
X = npscore.churn_features(s.responses, s.customers, as_of="2025-10-01",
                           signup="signup_at", columns=["plan"], static_columns=True)
y = npscore.churn_labels(s.churn, as_of="2025-10-01", horizon_days=90)
known = X.index.intersection(y.index)            # signed up by as_of, not yet churned
X, y = X.loc[known], y[known]
X.shape, float(y.mean())"""),
    ("md", """\
`time_split` trains on an earlier date and tests on a later one, without
leaks; `backtest` fits a model on it and compares it with the prior (segment
base rates, no training)."""),
    ("code", """\
split = churn.time_split(s, train_as_of="2024-03-31", test_as_of="2024-12-31", horizon_days=90)
split"""),
    ("code", """\
bt = churn.backtest(s, train_as_of="2024-03-31", test_as_of="2024-12-31", horizon_days=90)
bt"""),
    ("md", """\
## ChurnModel is a scikit-learn classifier

It fits in a Pipeline and is tuned by GridSearchCV like any other estimator."""),
    ("code", """\
# early_life_detractor is rare: some folds would hold none (a constant column)
X_grid = X.drop(columns="early_life_detractor")
pipe = make_pipeline(StandardScaler(), npscore.ChurnModel())
search = GridSearchCV(pipe, {"churnmodel__C": [0.1, 1.0]}, cv=3, scoring="roc_auc")
search.fit(X_grid, y)
search.best_params_, round(search.best_score_, 3)"""),
    ("md", """\
The reasons behind each customer's risk, the model's quality on the later
test period, and k-fold cross-validation with the core's folds."""),
    ("code", """\
model = npscore.ChurnModel(C=1.0, standardize=True).fit(X, y)
model.explain(X, top=3).head()"""),
    ("code", """\
npscore.evaluate(bt.split.y_test, bt.p_test)"""),
    ("code", """\
churn.cross_validate(npscore.ChurnModel(standardize=True), X, y, k=3)"""),
    ("plot", """\
plot.roc(bt.split.y_test, bt.p_test)"""),
    ("plot", """\
plot.calibration(bt.split.y_test, bt.p_test)"""),
    ("plot", """\
plot.lift(bt.split.y_test, bt.p_test)"""),
    ("md", """\
Models pickle (for joblib, multiprocessing, MLflow) and save to a file; a
round trip predicts exactly the same. Without churn history, `prior` gives a
model from segment base rates."""),
    ("code", """\
again = pickle.loads(pickle.dumps(model))
assert np.array_equal(again.predict_proba(X), model.predict_proba(X))
model.save(workdir / "churn.model")
loaded = npscore.ChurnModel.load(workdir / "churn.model")
assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
prior = npscore.ChurnModel.prior(horizon_days=90)
prior"""),
    ("md", """\
## Customer lifetime value

`rfm_summary` turns transactions into frequency, recency and age (it records
its unit); BG/NBD models purchases, Gamma-Gamma spend, and
`customer_lifetime_value` combines them. `summary` shows the parameters with
standard errors and intervals."""),
    ("code", """\
rfm = npscore.rfm_summary(s.transactions, customer="customer_id", date="date",
                          amount="amount", observation_end="2025-12-31", freq="W")
bg = npscore.BetaGeo().fit(rfm.frequency, rfm.recency, rfm["T"])
bg.summary"""),
    ("code", """\
gg = npscore.GammaGamma().fit(rfm.frequency, rfm.monetary_value)
gg.summary"""),
    ("code", """\
clv = npscore.customer_lifetime_value(bg, gg, rfm.frequency, rfm.recency, rfm["T"],
                                      rfm.monetary_value, time=12, discount_rate=0.01)
bg.save(workdir / "bg.json")
assert npscore.BetaGeo.load(workdir / "bg.json").params_ == bg.params_
pd.Series(np.asarray(clv)).describe()"""),
    ("plot", """\
plot.probability_alive_matrix(bg, rfm)"""),
    ("md", """\
## Who to call first

`recovery_curve`/`recoverability` say how the chance of saving a detractor
fades with the hours before the call; `latest_responses` keeps each
customer's latest answer; `prioritize` ranks the contact queue by churn risk
and value (and splits it among owners); `missed_cases` lists who was not
reached in time; `revenue_at_risk` sums the value at stake."""),
    ("code", """\
npscore.recovery_curve()"""),
    ("code", """\
npscore.recoverability([0, 24, 72])"""),
    ("code", """\
now = pd.Timestamp("2025-10-01", tz="UTC")
answered = s.responses[s.responses.responded_at < now]
latest = priority.latest_responses(answered, s.customers)
latest = latest[latest.customer_id.isin(X.index)]    # customers still active at `now`
latest["p_churn"] = model.predict_proba(X.loc[latest.customer_id])[:, 1]
latest[["customer_id", "responded_at", "score", "plan", "p_churn"]].head()"""),
    ("code", """\
queue = npscore.prioritize(latest, churn_risk="p_churn", clv="clv", segment="score",
                           responded_at="responded_at", now=now, top=20,
                           owners={"alice": 10, "bob": 10})
queue.head()"""),
    ("code", """\
priority.missed_cases(latest, churn_risk="p_churn", clv="clv", segment="score",
                      responded_at="responded_at", now=now).head()"""),
    ("code", """\
npscore.revenue_at_risk(latest, churn_risk="p_churn", clv="clv", by="plan", score="score")"""),
    ("md", """\
## What customers talk about

`ThemeTagger` tags each comment with themes (after `normalize_text`);
`theme_impact` and `top_themes` rank themes by their effect on NPS and value."""),
    ("code", """\
themes.normalize_text("  Support was GREAT,   but slow ")"""),
    ("code", """\
tagger = npscore.ThemeTagger()
df["themes"] = tagger.tag(df.comment)
df[["comment", "themes"]].head()"""),
    ("code", """\
npscore.theme_impact(df, theme="themes", segment="score", clv="clv").head()"""),
    ("code", """\
top = npscore.top_themes(df, comment="comment", segment="score", clv="clv", n=5)
top"""),
    ("plot", """\
plot.theme_impact(top)"""),
    ("code", """\
shutil.rmtree(workdir)   # the model files of this tour"""),
]


def build() -> dict[str, Any]:
    """The notebook (nbformat 4.5 JSON) without outputs; plot cells carry the
    tag "plot"; cell ids are stable, so a rebuild changes nothing."""
    cells: list[dict[str, Any]] = []
    for i, (kind, source) in enumerate(CELLS):
        cell: dict[str, Any] = {"cell_type": "markdown" if kind == "md" else "code",
                                "id": f"cell-{i:02d}", "metadata": {},
                                "source": source.splitlines(keepends=True)}
        if kind != "md":
            cell.update(execution_count=None, outputs=[])
        if kind == "plot":
            cell["metadata"]["tags"] = ["plot"]
        cells.append(cell)
    return {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"},
                         "language_info": {"name": "python"}}}


def text() -> str:
    """The notebook file's text, laid out as nbformat writes it."""
    return json.dumps(build(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    NOTEBOOK.write_text(text(), encoding="utf-8")
    print(f"wrote {NOTEBOOK}")
