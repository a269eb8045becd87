"""The report's lean path on integer customer codes (issue 13, time at scale):
`_integer_ids` ranks the ids as they sort and gives every frame the same
code for the same id; `_id_text` gives the text back; the dense lookups on
close integer ids agree with pandas'; and the outputs are the same as on
the text ids."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import _convert
from npscore import report as rep
from npscore._report_io import _churn_table, load_config, read_inputs
from npscore.report import ReportInputs, build_report
from test_report_inputs import World, _ids


# --- Dense lookups --------------------------------------------------------------------

def test_dense_lookups_agree_with_pandas():
    rng = np.random.default_rng(7)
    dense = 0
    for trial in range(1500):
        n = int(rng.integers(0, 40))
        span = int(rng.choice([3, 40, 400, 10**7]))  # the last: too sparse for a table
        lo = int(rng.choice([0, 5, int(rng.integers(-10**9, 10**9))]))
        ids = lo + rng.choice(max(span, n), size=n, replace=False)
        values = rng.integers(lo - 30, lo + max(span, n) + 30, size=int(rng.integers(0, 60)))
        values = values.astype(rng.choice([np.int64, np.int32])) if abs(lo) < 10**8 else values
        want = pd.Index(ids).get_indexer(values)
        got = _convert.positions(pd.Series(values), pd.Series(ids))
        np.testing.assert_array_equal(got, want, err_msg=f"trial {trial}")
        dense += _convert._dense_positions(pd.Series(values), pd.Series(ids)) is not None
        repeated = np.concatenate([ids, ids[: n // 2]])  # isin allows repeated ids
        np.testing.assert_array_equal(_convert.isin(pd.Series(values), pd.Series(repeated)),
                                      pd.Series(values).isin(repeated).to_numpy())
    assert dense > 1000  # most trials took the table


def test_dense_lookup_leaves_repeated_ids_to_pandas():
    ids = pd.Series([4, 5, 4])
    assert _convert._dense_positions(pd.Series([4, 5]), ids) is None
    with pytest.raises(pd.errors.InvalidIndexError):
        _convert.positions(pd.Series([4, 5]), ids)


def test_dense_lookup_needs_signed_integers():
    assert _convert._dense_positions(pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0])) is None
    assert _convert._dense_positions(pd.Series([1, 2], dtype="Int64"),
                                     pd.Series([1, 2], dtype="Int64")) is None
    np.testing.assert_array_equal(
        _convert.positions(pd.Series([2, 7, 1]), pd.Series([1, 2])), [1, -1, 0])


# --- Codes -----------------------------------------------------------------------------

def _text(values) -> pd.Series:
    return pd.Series(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def _inputs(**frames) -> ReportInputs:
    ids = ["b", "NA", "007", "10", "9", "é", "Z", "a"]
    customers = pd.DataFrame({"customer_id": _text(ids), "arr": np.arange(len(ids), dtype=float)})
    responses = pd.DataFrame({
        "customer_id": _text(["9", "zz", "é", "b", "zz", "007", "a"]),  # "zz": no customer
        "score": [1, 9, 10, 7, 3, 0, 8],
        "responded_at": pd.date_range("2026-01-01", periods=7, freq="D", tz="UTC")})
    transactions = pd.DataFrame({"customer_id": _text(["10", "0", "b"]),  # "0": no customer
                                 "date": pd.date_range("2025-06-01", periods=3, tz="UTC"),
                                 "amount": [1.0, 2.0, 3.0]})
    churn = pd.DataFrame({"customer_id": _text(ids), "churned": [False] * 7 + [True],
                          "churned_at": pd.to_datetime([None] * 7 + ["2026-01-03"], utc=True)})
    parts = dict(responses=responses, customers=customers, transactions=transactions,
                 churn=churn)
    parts.update(frames)
    return ReportInputs(**parts)


def test_codes_sort_as_the_ids_and_read_back():
    inputs = _inputs()
    coded = rep._integer_ids(inputs)
    assert coded is not inputs
    for name in ("customers", "responses", "transactions", "churn"):
        text = getattr(inputs, name)["customer_id"]
        codes = getattr(coded, name)["customer_id"].to_numpy()
        assert codes.dtype == np.int64
        # The text back, row by row; the codes in the order of the text.
        assert list(rep._id_text(coded, codes)) == list(text)
        order = np.argsort(codes, kind="stable")
        assert list(text.iloc[order]) == sorted(text)
    every = pd.concat([getattr(inputs, n)["customer_id"].astype(object)
                       for n in ("customers", "responses", "transactions", "churn")])
    codes = np.concatenate([getattr(coded, n)["customer_id"].to_numpy()
                            for n in ("customers", "responses", "transactions", "churn")])
    # One code per id, one id per code: unknown ids ("zz", "0") have theirs.
    assert pd.Series(codes).groupby(every.to_numpy()).nunique().eq(1).all()
    assert pd.Series(every.to_numpy()).groupby(codes).nunique().eq(1).all()
    assert sorted(set(codes)) == list(range(len(set(every))))
    # The other columns and the caller's frames are untouched.
    pd.testing.assert_series_equal(coded.responses["score"], inputs.responses["score"])
    assert _convert.arrow_text(inputs.responses["customer_id"])


def test_ids_shown_as_they_are_without_codes():
    inputs = _inputs()
    ids = inputs.customers["customer_id"]
    assert rep._id_text(inputs, ids) is ids


@pytest.mark.parametrize("case", ["objects", "missing", "repeated", "no customers"])
def test_codes_only_where_they_apply(case):
    base = _inputs()
    if case == "objects":  # Python strings (a notebook's frames): left as they are
        r = base.responses.assign(customer_id=base.responses["customer_id"].astype(object))
        inputs = _inputs(responses=r)
    elif case == "missing":
        r = base.responses.assign(customer_id=_text(["9", None, "é", "b", "zz", "007", "a"]))
        inputs = _inputs(responses=r)
    elif case == "repeated":  # refused before coding: build_report checks the customers first
        c = base.customers.assign(customer_id=_text(["b", "b", "007", "10", "9", "é", "Z", "a"]))
        with pytest.raises(ValueError, match="customer id 'b' appears more than once, at rows 0 and 1"):
            rep._pandas_inputs(_inputs(customers=c))
        return
    else:
        inputs = _inputs(customers=None)
    assert rep._integer_ids(inputs) is inputs


# --- The outputs ----------------------------------------------------------------------

def _outputs(r: rep.Report) -> dict[str, str]:
    return {"html": r.to_html(), "md": r.to_markdown(figure_dir="figures"),
            "queue": r.queue.to_csv(index=False),
            "summary": json.dumps(r.summary(), sort_keys=True, allow_nan=False)}


def test_lean_report_with_unknown_customers_is_the_full_one(tmp_path):
    """Responses of a customer missing from the customers file (kept) and ids
    whose text order is not their number's ("10" < "9"): the coded path
    gives the outputs of the text path, ids and survey cohorts included."""
    world = World(tmp_path, seed=11, n=240)
    kunden = pd.read_csv(world.customers_csv, sep=";", dtype=str, encoding="latin-1",
                         keep_default_na=False)
    first = _ids(world.responses["customer_id"]).iloc[0]
    kunden[kunden["Kunden-ID"] != first].to_csv(world.customers_csv, sep=";", index=False,
                                                encoding="latin-1")
    inputs = read_inputs(load_config(world.config))
    assert "kept" in inputs.data_note
    coded = rep._integer_ids(inputs)
    assert coded is not inputs
    full, lean = build_report(inputs), build_report(inputs, keep_data=False)
    assert _outputs(lean) == _outputs(full)
    assert set(lean.queue["customer_id"]) <= set(inputs.responses["customer_id"])
    full.close()
    lean.close()


def test_lean_sample_with_a_case_log_is_the_full_one():
    """The shipped sample with its ids as Arrow text: the case log's customers
    are coded too (the loop sections match cases to answers by customer)."""
    sample = npscore.datasets.load_sample(seed=4, n_customers=400)
    inputs = ReportInputs.from_sample(sample, data_note="seed 4")
    text = {n: getattr(inputs, n).assign(customer_id=_text(getattr(inputs, n)["customer_id"]
                                                          .astype(str)))
            for n in rep._ID_FRAMES if getattr(inputs, n) is not None}
    inputs = dataclasses.replace(inputs, **text)
    coded = rep._integer_ids(inputs)
    assert coded.cases["customer_id"].dtype == np.int64
    full, lean = build_report(inputs), build_report(inputs, keep_data=False)
    assert _outputs(lean) == _outputs(full)
    assert full.section("loop").needs is None
    full.close()
    lean.close()


def test_churn_table_in_the_customers_order():
    """read_inputs' churn table: every customer once, in the customers' order
    (their churn file's values, else not churned), then the churn file's
    customers missing from the customers file; the same rows as the file's
    plus the absent customers."""
    customers = pd.DataFrame({"customer_id": _text(["c", "a", "d", "b"])})
    churn = pd.DataFrame({"customer_id": _text(["b", "x", "a"]),
                          "churned_at": pd.to_datetime(["2026-02-01", None, "2026-01-05"],
                                                       utc=True).astype("datetime64[ns, UTC]")})
    got = _churn_table(churn.copy(), customers)
    assert list(got["customer_id"]) == ["c", "a", "d", "b", "x"]
    assert list(got["churned"]) == [False, True, False, True, False]
    by_id = got.set_index("customer_id")["churned_at"]
    assert by_id["a"] == pd.Timestamp("2026-01-05", tz="UTC") and pd.isna(by_id["c"])
    assert by_id["b"] == pd.Timestamp("2026-02-01", tz="UTC") and pd.isna(by_id["x"])
    assert str(got["churned_at"].dtype) == "datetime64[ns, UTC]"
    assert _convert.arrow_text(got["customer_id"])
    # Its leading ids are the customers' own: their lookup is the identity.
    np.testing.assert_array_equal(rep._positions_among(got["customer_id"],
                                                       customers["customer_id"]),
                                  [0, 1, 2, 3, -1])
    # Without a customers file: the file's rows as they are.
    alone = _churn_table(churn.copy(), None)
    assert list(alone["customer_id"]) == ["b", "x", "a"]
    assert list(alone["churned"]) == [True, False, True]


def test_positions_among_agrees_with_the_lookup():
    known = _text(["k", "e", "y", "s"])
    for ids in (["k", "e", "y", "s", "y", "q"], ["e", "k", "y", "s"], ["k", "e"], []):
        values = _text(ids)
        np.testing.assert_array_equal(rep._positions_among(values, known),
                                      pd.Index(list(known)).get_indexer(ids))


def test_report_without_pyarrow(tmp_path):
    """pyarrow is optional (the wheel alone has none): without it the ids
    are never Arrow text, nothing is coded and nothing imports it. A fresh
    process whose path holds every installed package but pyarrow."""
    import os
    import subprocess
    import sys

    site = Path(pd.__file__).resolve().parent.parent
    shadow = tmp_path / "site-packages"
    shadow.mkdir()
    for entry in site.iterdir():
        if not entry.name.lower().startswith("pyarrow"):
            (shadow / entry.name).symlink_to(entry)
    out = tmp_path / "out"
    code = ("import sys, importlib.util\n"
            "assert importlib.util.find_spec('pyarrow') is None\n"
            "from npscore.__main__ import main\n"
            f"sys.exit(main(['report', '--out-dir', {str(out)!r}, '--quiet', "
            "'--sample-customers', '300']))\n")
    env = {**os.environ, "PYTHONPATH": str(shadow)}
    run = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                         timeout=300, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert (out / "queue.csv").read_text(encoding="utf-8").count("\n") > 1
