"""Every table npscore returns crosses into Arrow (pyarrow, polars) intact.

Python results are pandas DataFrames, which expose the Arrow PyCapsule
protocol (``__arrow_c_stream__``). These tests check that each public
table-returning function gives columns Arrow can carry without loss: no
object column of mixed types, the same values after the round trip, and the
same rows in polars.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import polars as pl
import pytest

import npscore


@pytest.fixture(scope="module")
def sample():
    return npscore.datasets.load_sample(seed=7)


def _tables(sample):
    r = sample.responses.merge(sample.customers, on="customer_id")
    cust = sample.customers
    tagger = npscore.ThemeTagger()
    feats = npscore.churn_features(sample.responses, as_of=r["responded_at"].max())
    rfm = npscore.rfm_summary(sample.transactions, customer="customer_id", date="date",
                              amount="amount",
                              observation_end=sample.transactions["date"].max())
    queue = npscore.prioritize(r, churn_risk=np.full(len(r), 0.3), clv=r["clv"],
                               segment=r["score"], responded_at=r["responded_at"],
                               now=r["responded_at"].max())
    commented = r.dropna(subset=["comment"])
    return {
        "by_group": npscore.by_group(r, by="plan"),
        "health": npscore.health(r, by="plan"),
        "segment_trends": npscore.segment_trends(r),
        "migration": npscore.migration(r),
        "account_nps": npscore.account_nps(r, account="account_id"),
        "event_impact": npscore.event_impact(r, sample.events),
        "churn_features": feats,
        "rfm_summary": rfm,
        "prioritize": queue,
        "revenue_at_risk": npscore.revenue_at_risk(
            cust.assign(risk=0.2), churn_risk="risk", clv="clv", by="plan"),
        "top_themes": npscore.top_themes(commented, comment="comment",
                                         segment=commented["score"], clv=commented["clv"],
                                         tagger=tagger),
    }


def test_every_table_round_trips_through_arrow(sample):
    for name, df in _tables(sample).items():
        assert hasattr(df, "__arrow_c_stream__"), name
        table = pa.table(df)  # through the PyCapsule protocol
        assert table.num_rows == len(df), name
        back = table.to_pandas()
        assert list(back.columns) == list(df.columns), name
        for col in df.columns:
            pd.testing.assert_series_equal(back[col], df[col], check_dtype=False,
                                           check_categorical=False, obj=f"{name}.{col}")


def test_polars_reads_every_table(sample):
    for name, df in _tables(sample).items():
        frame = pl.DataFrame(pa.table(df))
        assert frame.height == len(df), name
        # A non-default index (e.g. customer_id) travels as columns after the others.
        assert frame.columns[:len(df.columns)] == [str(c) for c in df.columns], name
        for col in df.columns:
            if pd.api.types.is_float_dtype(df[col].dtype):
                assert np.allclose(frame[str(col)].to_numpy(), df[col].to_numpy(float),
                                   equal_nan=True, rtol=0, atol=0), (name, col)
