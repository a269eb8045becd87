"""Writes examples/data/stream.csv, the input of examples/cpp/monitor_stream.cc.

Run once from the repository root, with the npscore package installed:

    python examples/data/make_stream.py examples/data/stream.csv

Five weeks of responses (2024-10-29 to 2024-12-02) of the sample world with
4,000 customers (``npscore.datasets.load_sample(seed=42, n_customers=4000)``):
the platform outage of 2024-11-12 in its event log drops the rolling NPS and
its end lifts it again, so the monitor raises nps_shift alerts both ways.

Columns: ``customer`` (the integer of the sample's "C001234"), ``score``,
``time`` (ISO-8601 UTC), ``slice`` (the customer's plan), ``clv`` (the
customer's CLV), ``churn_risk`` (P(churn within 90 days) from a ChurnModel
fitted on the NPS history before the stream) and ``contacted`` (when the CX
team first called back, from ``npscore.datasets.make_contacts``: on time,
late or never; empty for never). Rows are in time order but for one
detractor's row, moved after the rows of the 12 hours that follow it (an
upload that came late, within the monitor's default lateness bound of 24 hours).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

import npscore.churn
import npscore.datasets

START, END = "2024-10-29", "2024-12-03"  # the stream: [START, END)
TRAIN_AS_OF = "2024-07-01"               # the churn model's training date
LATE_ROW_DELAY = pd.Timedelta(hours=12)  # how late the late row arrives


def iso(times: pd.Series) -> pd.Series:
    """ISO-8601 UTC text ("2024-11-12T09:30:00Z"); "" for NaT."""
    text = times.dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return text.where(times.notna(), "")


def main(path: str) -> None:
    sample = npscore.datasets.load_sample(seed=42, n_customers=4000)
    customers, responses = sample.customers, sample.responses

    # P(churn within 90 days), as known before the stream starts.
    x_train = npscore.churn.churn_features(responses, customers, as_of=TRAIN_AS_OF,
                                           signup="signup_at")
    y_train = npscore.churn.churn_labels(sample.churn, as_of=TRAIN_AS_OF, horizon_days=90)
    x_train = x_train.loc[x_train.index.intersection(y_train.index)]
    model = npscore.churn.ChurnModel(standardize=True).fit(x_train, y_train.loc[x_train.index])
    x_now = npscore.churn.churn_features(responses, customers, as_of=START, signup="signup_at")
    risk = pd.Series(model.predict_proba(x_now)[:, 1], index=x_now.index)

    contacts = npscore.datasets.make_contacts(responses, seed=42)
    at = responses["responded_at"]
    keep = ((at >= pd.Timestamp(START, tz="UTC")) & (at < pd.Timestamp(END, tz="UTC"))).to_numpy()
    r = responses[keep].reset_index(drop=True)
    contacted = contacts["contacted_at"][keep].reset_index(drop=True)
    info = customers.set_index("customer_id")

    out = pd.DataFrame({
        "customer": r["customer_id"].str[1:].astype(np.int64),
        "score": r["score"].astype(np.int64),
        "time": iso(r["responded_at"]),
        "slice": info.loc[r["customer_id"], "plan"].astype(str).to_numpy(),
        "clv": info.loc[r["customer_id"], "clv"].round(2).to_numpy(),
        "churn_risk": risk.reindex(r["customer_id"]).round(4).to_numpy(),
        "contacted": iso(contacted.dt.floor("s")),
    })

    # One detractor's row arrives late: the first detractor of the stream's
    # second day moves to just after the rows of the 12 hours that follow it.
    second_day = r["responded_at"] >= r["responded_at"].iloc[0].normalize() + pd.Timedelta(days=1)
    late = int(np.flatnonzero(second_day.to_numpy() & (r["score"] <= 6).to_numpy())[0])
    arrives = r["responded_at"].iloc[late] + LATE_ROW_DELAY
    after = int((r["responded_at"] <= arrives).sum())  # the times are sorted
    order = [i for i in range(after) if i != late] + [late] + list(range(after, len(r)))
    out.iloc[order].to_csv(path, index=False, lineterminator="\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python examples/data/make_stream.py OUTPUT.csv")
    main(sys.argv[1])
