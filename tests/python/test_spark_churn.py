"""npscore.spark.churn on a local Spark session: a fitted ChurnModel (and the
prior) scores and explains the sample's churn features split into 17
partitions exactly as the single-machine model does on the same rows
(probabilities to 1e-12, reasons exactly); bad input fails on the driver."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")

from spark_support import _local, _spark_frame  # noqa: E402

import npscore  # noqa: E402
from npscore import ChurnModel  # noqa: E402
from npscore import spark as nspark  # noqa: E402
from npscore.churn import churn_features, churn_labels  # noqa: E402
from npscore.spark import churn as spark_churn  # noqa: E402

PARTITIONS = 17

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning",
                                        "ignore::ResourceWarning")


@pytest.fixture(scope="module")
def fitted():
    """The churn tests' frame and model: features as of 90 days before the
    data ends, a standardized model fitted on them."""
    sample = npscore.datasets.load_sample()
    end = max(pd.to_datetime(sample.responses["responded_at"]).max(),
              pd.to_datetime(sample.churn["churned_at"]).max())
    as_of = (end - pd.Timedelta(days=90)).floor("D")
    X = churn_features(sample.responses, sample.customers, as_of=as_of, signup="signup_at",
                       columns=["plan", "company_size"], static_columns=True)
    y = churn_labels(sample.churn, as_of=as_of, horizon_days=90)
    known = X.index.intersection(y.index)
    model = ChurnModel(standardize=True).fit(X.loc[known], y[known].to_numpy())
    return X, model


@pytest.fixture(scope="module")
def frames(spark_session, fitted):
    X, _ = fitted
    pdf = X.reset_index()
    pdf["customer_id"] = pdf["customer_id"].astype(object)
    sdf = _spark_frame(spark_session, pdf, PARTITIONS).cache()
    assert sdf.rdd.getNumPartitions() >= 16
    return sdf, _local(sdf)


def _explained_same(spark_out: pd.DataFrame, local: pd.DataFrame, top: int) -> None:
    assert list(spark_out.columns) == ["customer_id"] + list(local.columns)
    assert (spark_out["customer_id"].to_numpy() == local.index.to_numpy()).all()
    np.testing.assert_allclose(spark_out["churn_probability"], local["churn_probability"],
                               rtol=1e-12, atol=0)
    for k in range(1, top + 1):
        for part in ("reason", "feature"):
            a = spark_out[f"{part}_{k}"].astype(object).where(spark_out[f"{part}_{k}"].notna())
            b = local[f"{part}_{k}"]
            assert (a.isna().to_numpy() == b.isna().to_numpy()).all(), (part, k)
            assert (a[a.notna()].to_numpy() == b[b.notna()].to_numpy()).all(), (part, k)
        np.testing.assert_allclose(spark_out[f"contribution_{k}"], local[f"contribution_{k}"],
                                   rtol=1e-12, atol=0)


def test_predict_proba(frames, fitted):
    sdf, pdf = frames
    _, model = fitted
    out = _local(nspark.predict_proba(model, sdf))
    local = model.predict_proba(pdf.set_index("customer_id"))[:, 1]
    assert list(out.columns) == ["customer_id", "churn_risk"]
    assert (out["customer_id"].to_numpy() == pdf["customer_id"].to_numpy()).all()
    np.testing.assert_allclose(out["churn_risk"].to_numpy(), local, rtol=1e-12, atol=0)
    assert 0.01 < local.mean() < 0.5  # a real model, not constant output


def test_predict_proba_reorders_columns_by_name(frames, fitted):
    """The Spark frame's feature columns in another order are matched by
    name, as on one machine."""
    sdf, pdf = frames
    _, model = fitted
    shuffled = sdf.select("customer_id", *reversed(sdf.columns[1:]))
    out = _local(nspark.predict_proba(model, shuffled))
    local = model.predict_proba(pdf.set_index("customer_id"))[:, 1]
    np.testing.assert_allclose(out["churn_risk"].to_numpy(), local, rtol=1e-12, atol=0)


@pytest.mark.parametrize("top", [1, 3])
def test_explain(frames, fitted, top):
    sdf, pdf = frames
    _, model = fitted
    out = _local(nspark.explain(model, sdf, top=top))
    local = model.explain(pdf.set_index("customer_id"), top=top)
    _explained_same(out, local, top)
    assert local["reason_1"].notna().sum() > 100
    if top == 3:
        assert local["reason_3"].isna().any()  # rows with fewer reasons are compared too


def test_explain_prior_with_describe(frames):
    """The prior ignores extra columns; `describe` travels to the executors."""
    sdf, pdf = frames
    prior = ChurnModel.prior(90)
    describe = {"early_life_detractor": "new and unhappy",
                "has_response": lambda v: f"answered ({v:g})"}
    out = _local(nspark.explain(prior, sdf, top=2, describe=describe))
    local = prior.explain(pdf.set_index("customer_id"), top=2, describe=describe)
    _explained_same(out, local, 2)
    assert (local["reason_2"] == "new and unhappy").any()
    risk = _local(nspark.predict_proba(prior, sdf))["churn_risk"].to_numpy()
    np.testing.assert_allclose(risk, prior.predict_proba(pdf.set_index("customer_id"))[:, 1],
                               rtol=1e-12, atol=0)


def test_several_id_columns(frames, fitted):
    from pyspark.sql import functions as F

    sdf, pdf = frames
    _, model = fitted
    keyed = sdf.withColumn("region", F.lit("north"))
    out = _local(nspark.predict_proba(model, keyed, id_cols=["customer_id", "region"]))
    assert list(out.columns) == ["customer_id", "region", "churn_risk"]
    np.testing.assert_allclose(out["churn_risk"].to_numpy(),
                               model.predict_proba(pdf.set_index("customer_id"))[:, 1],
                               rtol=1e-12, atol=0)


def test_model_read_once_per_worker(fitted):
    """The worker-side cache: the same bytes give the same model object."""
    _, model = fitted
    blob, digest = spark_churn._shipped(model)
    spark_churn._MODELS.clear()
    first = spark_churn._model(blob, digest)
    assert spark_churn._model(blob, digest) is first
    np.testing.assert_array_equal(first.coef_, model.coef_)


# --- Bad input: refused on the driver, before any Spark job -------------------------------------


def test_bad_input(frames, fitted):
    sdf, pdf = frames
    _, model = fitted
    with pytest.raises(TypeError, match="must be a Spark DataFrame"):
        nspark.predict_proba(model, pdf)
    with pytest.raises(TypeError, match="ChurnModel"):
        nspark.predict_proba("model", sdf)
    with pytest.raises(ValueError, match="not fitted"):
        nspark.explain(ChurnModel(), sdf)
    with pytest.raises(ValueError, match="'account' is not a column"):
        nspark.predict_proba(model, sdf, id_cols="account")
    with pytest.raises(ValueError, match="lacks the feature column"):
        nspark.predict_proba(model, sdf.drop("score"))
    with pytest.raises(ValueError, match="was not fitted on"):
        nspark.explain(model, sdf.withColumn("extra", sdf["score"]))
    with pytest.raises(ValueError, match="top"):
        nspark.explain(model, sdf, top=0)
    with pytest.raises(TypeError, match="describe"):
        nspark.explain(model, sdf, describe=["score"])
    with pytest.raises(ValueError, match="no feature columns"):
        nspark.predict_proba(model, sdf.select("customer_id"))
