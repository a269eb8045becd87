"""The churn design matrix is the core's, and travels in the model file.

A model fitted and saved from Python on a churn_features frame (themes,
segments, the fill rule, user columns) carries its design; the C test
(tests/capi/churn_design_capi_test.c) loads the committed model file that
this module writes (tests/data/churn_design_python.model), rebuilds the
matrix from the same data with the C ABI and must get Python's matrix bit for
bit and Python's probabilities. This module checks that the committed
fixtures are what Python produces today; ``NPSCORE_UPDATE_FIXTURES=1``
rewrites them.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import _npscore

ROOT = Path(__file__).resolve().parents[2]
MODEL_FILE = ROOT / "tests" / "data" / "churn_design_python.model"
HEADER = ROOT / "tests" / "capi" / "churn_design_fixture.h"
UPDATE = os.environ.get("NPSCORE_UPDATE_FIXTURES") == "1"

DAY = 86_400 * 10**9
AS_OF_DAY = 200
N_CUSTOMERS = 30
THEMES = ["pricing", "bug"]
PLANS = ["basic", "pro", "team"]


def _data() -> tuple:
    """Responses and customers by plain arithmetic (no random stream): 30
    customers, 0-3 answers each, two themes, a plan with missing values, a
    seat count; customer 105's sign-up is unknown, customer 129 signs up
    after as_of."""
    rows = []
    for i in range(N_CUSTOMERS):
        for j in range(i % 4):
            day = 40 + 37 * j + (i * 11) % 29
            if i % 6 == 1 and j == 0:  # soon after sign-up: early-life when a detractor
                day = (i * 7) % 60 + 3
            score = (i * 5 + j * 3) % 11
            followed = day + 2 + i % 3 if score <= 6 and i % 2 == 0 else None
            rows.append((100 + i, day, score, followed))
    responses = pd.DataFrame({
        "customer_id": [r[0] for r in rows],
        "responded_at": pd.to_datetime([r[1] * DAY for r in rows], utc=True),
        "score": np.array([r[2] for r in rows], dtype=np.int32),
        "followed_up_at": pd.to_datetime([np.nan if r[3] is None else r[3] * DAY for r in rows],
                                         utc=True),
    })
    responses["pricing"] = [k % 3 == 0 for k in range(len(rows))]
    responses["bug"] = [k % 5 == 1 for k in range(len(rows))]
    signup = [(i * 7) % 60 for i in range(N_CUSTOMERS)]
    customers = pd.DataFrame({
        "customer_id": 100 + np.arange(N_CUSTOMERS),
        "signup_at": pd.to_datetime([np.nan if i == 5 else (400 if i == 29 else s) * DAY
                                     for i, s in enumerate(signup)], utc=True),
        "plan": [None if i % 7 == 3 else PLANS[i % 3] for i in range(N_CUSTOMERS)],
        "seats": [float(1 + i % 9) for i in range(N_CUSTOMERS)],
    })
    return responses, customers


def _features(responses: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    return npscore.churn_features(
        responses, customers, as_of=pd.Timestamp(AS_OF_DAY * DAY, tz="UTC"), signup="signup_at",
        followed_up="followed_up_at", columns=["plan", "seats"], static_columns=True,
        themes=THEMES)


def _labels(X: pd.DataFrame) -> np.ndarray:
    """Churn where the latest answer is low or absent, with exceptions so the
    fit is not separable."""
    ids = X.index.to_numpy()
    low = (X["score"].to_numpy() < 7) | (X["has_response"].to_numpy() == 0)
    return np.where(ids % 5 == 0, ~low, low).astype(np.float64)


def _fit() -> tuple:
    responses, customers = _data()
    X = _features(responses, customers)
    model = npscore.ChurnModel(C=1.0, standardize=True, threads=1).fit(X, _labels(X))
    return responses, customers, X, model


def test_the_frame_is_the_cores_design_matrix():
    responses, customers, X, model = _fit()
    design = _npscore.churn_design_parse(base64.b64decode(X.attrs["churn_design"]))
    assert list(X.columns) == design.names
    assert model.design_columns_ == list(X.columns)
    assert list(X.columns)[:17] == _npscore.churn_feature_columns()
    assert list(X.columns)[17:] == ["theme=pricing", "theme=bug", "plan=pro", "plan=team",
                                    "plan=<missing>", "seats"]
    # The values, independently: themes of the latest response, plan one-hot.
    kept = customers[customers["signup_at"].isna() |
                     (customers["signup_at"] <= pd.Timestamp(AS_OF_DAY * DAY, tz="UTC"))]
    assert list(X.index) == list(kept["customer_id"])
    latest = responses.sort_values("responded_at").groupby("customer_id").tail(1)
    latest = latest.set_index("customer_id")
    for theme in THEMES:
        want = latest[theme].astype(float).reindex(X.index, fill_value=0.0)
        np.testing.assert_array_equal(X[f"theme={theme}"], want)
    plan = kept.set_index("customer_id")["plan"]
    np.testing.assert_array_equal(X["plan=pro"], (plan == "pro").astype(float))
    np.testing.assert_array_equal(X["plan=<missing>"], plan.isna().astype(float))
    np.testing.assert_array_equal(X["seats"], kept["seats"])
    # Never answered: the neutral score and the customer's age.
    none = X["has_response"] == 0
    assert none.any() and (X.loc[none, "score"] == 7.5).all()
    np.testing.assert_array_equal(X.loc[none, "days_since_response"],
                                  X.loc[none, "customer_age_days"])


def test_the_saved_model_carries_its_design(tmp_path):
    _, _, X, model = _fit()
    path = tmp_path / "m.model"
    model.save(path)
    back = npscore.ChurnModel.load(path)
    assert back.design_columns_ == list(X.columns)
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))
    # A subset of the frame's columns: the design of those columns.
    sub = npscore.ChurnModel(threads=1).fit(X[["score", "theme=bug", "plan=team"]], _labels(X))
    assert sub.design_columns_ == ["score", "theme=bug", "plan=team"]
    # A frame made elsewhere: no design.
    plain = pd.DataFrame(X.to_numpy(), columns=X.columns, index=X.index)
    assert npscore.ChurnModel(threads=1).fit(plain, _labels(X)).design_columns_ is None
    assert npscore.ChurnModel.prior(90).design_columns_ == [
        "segment=detractor", "segment=passive", "has_response", "early_life_detractor"]


def _c_array(ctype: str, name: str, values: list, per_line: int = 6) -> str:
    lines = []
    for k in range(0, len(values), per_line):
        lines.append("  " + ", ".join(values[k:k + per_line]) + ",")
    return f"static const {ctype} {name}[{len(values)}] = {{\n" + "\n".join(lines) + "\n};\n"


def _time(v) -> str:
    return "NPSCORE_MISSING_TIME" if pd.isna(v) else f"INT64_C({int(v.value)})"


def _render(responses: pd.DataFrame, customers: pd.DataFrame, X: pd.DataFrame,
            proba: np.ndarray) -> str:
    design = _npscore.churn_design_parse(base64.b64decode(X.attrs["churn_design"]))
    flags = np.concatenate([responses[t].to_numpy(dtype=np.float64) for t in THEMES])
    codes = pd.Index(PLANS, dtype=object).get_indexer(customers["plan"].astype(object))
    matrix = X.to_numpy().reshape(-1, order="F")
    parts = [
        "/* Generated by tests/python/test_churn_design.py (NPSCORE_UPDATE_FIXTURES=1 rewrites\n"
        " * it): the data of a churn model fitted and saved from Python\n"
        " * (tests/data/churn_design_python.model), the design matrix Python built from\n"
        " * it (column-major) and the probabilities Python predicts. Do not edit. */\n",
        f"#define FIX_N_RESPONSES {len(responses)}\n",
        f"#define FIX_N_CUSTOMERS {len(customers)}\n",
        f"#define FIX_ROWS {X.shape[0]}\n",
        f"#define FIX_COLS {X.shape[1]}\n",
        f"#define FIX_AS_OF INT64_C({AS_OF_DAY * DAY})\n",
        _c_array("int64_t", "fix_customers", [str(v) for v in responses["customer_id"]]),
        _c_array("int64_t", "fix_times", [_time(v) for v in responses["responded_at"]], 3),
        _c_array("int32_t", "fix_scores", [str(v) for v in responses["score"]], 12),
        _c_array("int64_t", "fix_followed", [_time(v) for v in responses["followed_up_at"]], 3),
        _c_array("double", "fix_theme_flags", [f"{v:.0f}" for v in flags], 12),
        _c_array("int64_t", "fix_ids", [str(v) for v in customers["customer_id"]], 12),
        _c_array("int64_t", "fix_signup", [_time(v) for v in customers["signup_at"]], 3),
        _c_array("int32_t", "fix_plan_codes", [str(v) for v in codes], 12),
        _c_array("double", "fix_seats", [repr(v) for v in customers["seats"]], 12),
        _c_array("char *const", "fix_names", [f'"{n}"' for n in design.names], 3),
        _c_array("double", "fix_matrix", [float(v).hex() for v in matrix], 3),
        _c_array("double", "fix_proba", [float(v).hex() for v in proba], 3),
    ]
    return "".join(parts)


def _proba_block(text: str) -> tuple:
    """(the text without the probabilities' values, the probabilities)."""
    m = re.search(r"fix_proba\[\d+\] = \{(.*?)\};", text, re.S)
    assert m, "no fix_proba in the fixture header"
    values = [float.fromhex(v) for v in re.findall(r"[-0-9a-fx.p+]+", m.group(1))]
    return text[:m.start(1)] + text[m.end(1):], np.array(values)


def test_the_c_fixture_is_what_python_saves_today(tmp_path):
    responses, customers, X, model = _fit()
    if UPDATE:
        model.save(MODEL_FILE)
    committed = npscore.ChurnModel.load(MODEL_FILE)
    assert committed.design_columns_ == list(X.columns)
    # The committed file is this fit (up to the last bits of the solver).
    np.testing.assert_allclose(committed.coef_, model.coef_, rtol=1e-7, atol=1e-9)
    proba = committed.predict_proba(X)[:, 1]
    text = _render(responses, customers, X, proba)
    if UPDATE:
        HEADER.write_text(text, encoding="utf-8")
    want_text, want_proba = _proba_block(HEADER.read_text(encoding="utf-8"))
    got_text, got_proba = _proba_block(text)
    assert got_text == want_text, ("tests/capi/churn_design_fixture.h is stale: rerun with "
                                   "NPSCORE_UPDATE_FIXTURES=1")
    np.testing.assert_allclose(got_proba, want_proba, rtol=0, atol=1e-13)
    assert 0 < proba.min() < proba.max() < 1


@pytest.mark.parametrize("change", ["cutoffs", "fill"])
def test_the_design_follows_the_options(change):
    responses, customers = _data()
    as_of = pd.Timestamp(AS_OF_DAY * DAY, tz="UTC")
    kwargs = {"cutoffs": (5, 7)} if change == "cutoffs" else {"fill": False}
    X = npscore.churn_features(responses, customers, as_of=as_of, **kwargs)
    design = _npscore.churn_design_parse(base64.b64decode(X.attrs["churn_design"]))
    assert design.names == list(X.columns)
    assert design.fill == (change != "fill")
    none = X["has_response"] == 0
    if change == "cutoffs":
        assert (X.loc[none, "score"] == 6.5).all()  # (5 + 1 + 7) / 2
    else:
        assert X.loc[none, "score"].isna().all()
