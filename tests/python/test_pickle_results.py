"""The core's result objects pickle (every protocol), copy and deep-copy, and
compare by value: Summary, Comparison, Counts, Cutoffs, ThemeTagger and the
churn design; the core objects without a pickle state raise TypeError."""

from __future__ import annotations

import copy
import copyreg
import math
import pickle

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore import _npscore as core

PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)
SCORES = [9, 10, 7, 3, 10, 6, 8, 9, 0, 10]


def _same(a: object, b: object) -> bool:
    """Equal values, NaN equal to NaN, and of the same type (an unweighted
    count stays an int)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)  # type: ignore[arg-type]
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)  # type: ignore[attr-defined]
    return a == b


def _attributes(obj: object) -> dict:
    """Every public data attribute of a core object (its properties)."""
    names = [n for n in dir(type(obj)) if not n.startswith("_")
             and isinstance(getattr(type(obj), n), property)]
    return {n: getattr(obj, n) for n in names}


def _assert_same_fields(a: object, b: object) -> None:
    """Field by field, not through ==: every attribute and to_dict()."""
    assert type(a) is type(b)
    ta, tb = _attributes(a), _attributes(b)
    assert ta.keys() == tb.keys() and ta
    for name in ta:
        assert _same(ta[name], tb[name]), (name, ta[name], tb[name])
    if hasattr(a, "to_dict"):
        assert _same(a.to_dict(), b.to_dict())


def _restored(cls: type, state: tuple) -> object:
    """An object of a core class made from a pickle state, as pickle does."""
    obj = copyreg.__newobj__(cls)  # type: ignore[attr-defined]
    obj.__setstate__(state)
    return obj


def _empty_summary() -> npscore.Summary:
    """A Summary of an empty group: n = 0 and NaN statistics (as a by-group
    table has them), made from a real summary's state."""
    state = list(npscore.summarize(SCORES).__getstate__())
    # (version, n, detractors, passives, promoters, nps, se, ci_low, ci_high,
    #  method, confidence, n_effective, skipped, weighted, rows)
    for i in (1, 2, 3, 4, 11, 14):
        state[i] = 0 if i == 14 else 0.0
    for i in (5, 6, 7, 8):
        state[i] = float("nan")
    return _restored(npscore.Summary, tuple(state))  # type: ignore[return-value]


def _values() -> dict:
    a = npscore.summarize(SCORES)
    b = npscore.summarize([10, 10, 9, 6, 9, 8])
    return {
        "summary": a,
        "weighted summary": npscore.summarize(SCORES, weights=np.linspace(0.5, 5, len(SCORES))),
        "score summary": npscore.summarize(SCORES, method="score", confidence=0.9),
        "empty summary": _empty_summary(),
        "comparison": npscore.compare(a, b),
        "exact comparison": npscore.compare(SCORES, [10, 10, 9, 6, 9, 8], test="exact"),
        "counts": npscore.count([9, 10, 7, 3, float("nan")], missing="skip"),
        "cutoffs": npscore.Cutoffs(4, 7, 9),
    }


VALUES = _values()


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("name", list(VALUES))
def test_round_trip_every_protocol(name: str, protocol: int) -> None:
    obj = VALUES[name]
    back = pickle.loads(pickle.dumps(obj, protocol=protocol))
    _assert_same_fields(obj, back)
    assert back == obj and hash(back) == hash(obj)


@pytest.mark.parametrize("name", list(VALUES))
def test_copy_and_deepcopy(name: str) -> None:
    obj = VALUES[name]
    for dup in (copy.copy(obj), copy.deepcopy(obj)):
        assert dup is not obj
        _assert_same_fields(obj, dup)
        assert dup == obj
    # A dict of results, the notebook case.
    results = {"all": VALUES["summary"], "diff": VALUES["comparison"], "n": VALUES["counts"]}
    assert copy.deepcopy(results) == results


def test_weighted_counts_stay_floats_unweighted_ints() -> None:
    w = pickle.loads(pickle.dumps(VALUES["weighted summary"]))
    u = pickle.loads(pickle.dumps(VALUES["summary"]))
    assert w.weighted and isinstance(w.n, float)
    assert not u.weighted and isinstance(u.n, int) and u.n == len(SCORES)
    assert u.rows == len(SCORES) and w.rows == len(SCORES)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_theme_tagger_round_trip(protocol: int) -> None:
    taxonomy = {"billing": ["invoice", "charged twice"], "speed": ["slow", "lag"]}
    comments = ["I was charged twice", "so slow", None, "invoice lag"]
    for tagger in (npscore.ThemeTagger(taxonomy), npscore.ThemeTagger()):
        back = pickle.loads(pickle.dumps(tagger, protocol=protocol))
        assert back.themes == tagger.themes
        assert back._core.taxonomy == tagger._core.taxonomy
        pd.testing.assert_frame_equal(back.tag(comments, as_matrix=True),
                                      tagger.tag(comments, as_matrix=True))
    deep = copy.deepcopy(npscore.ThemeTagger(taxonomy))
    assert deep.tag(comments) == [["billing"], ["speed"], [], ["billing", "speed"]]


def test_theme_tagger_state_is_its_taxonomy() -> None:
    tagger = core.ThemeTagger([("a", ["x y"])])
    assert tagger.__getstate__() == (1, [("a", ["x y"])])
    with pytest.raises(ValueError, match="ThemeTagger state is version 7"):
        _restored(core.ThemeTagger, (7, [("a", ["x"])]))
    with pytest.raises(ValueError, match="keyword"):  # Create's own check of the taxonomy
        _restored(core.ThemeTagger, (1, [("a", [])]))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_churn_design_and_model_round_trip(protocol: int) -> None:
    design = core.churn_design(True, False, ["billing"], [], True, npscore.Cutoffs())
    back = pickle.loads(pickle.dumps(design, protocol=protocol))
    assert back.names == design.names and back.serialize() == design.serialize()
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    model = npscore.churn.ChurnModel().fit(X, y)
    again = pickle.loads(pickle.dumps(model, protocol=protocol))  # 0 and 1 used to abort
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_objects_without_state_raise_type_error(protocol: int) -> None:
    monitor = npscore.Monitor()._m
    with pytest.raises(TypeError, match="cannot pickle or copy a Monitor: npscore.Monitor pickles"):
        pickle.dumps(monitor, protocol=protocol)
    with pytest.raises(TypeError, match="cannot pickle or copy a Monitor"):
        copy.deepcopy(monitor)
    # The public monitor pickles through its own state, at every protocol.
    public = npscore.Monitor()
    assert pickle.loads(pickle.dumps(public, protocol=protocol)).to_bytes() == public.to_bytes()


def test_joblib_parallel_matches_serial() -> None:
    joblib = pytest.importorskip("joblib")
    sample = npscore.datasets.load_sample()
    df = sample.responses.merge(sample.customers, on="customer_id")
    groups = [g.score.to_numpy() for _, g in df.groupby("plan", observed=True)]
    assert len(groups) >= 2
    serial = [npscore.summarize(g) for g in groups]
    parallel = joblib.Parallel(n_jobs=2)(joblib.delayed(npscore.summarize)(g) for g in groups)
    assert len(parallel) == len(serial)
    for p, s in zip(parallel, serial):
        _assert_same_fields(p, s)
        assert p == s
    # Comparisons made in the workers from pickled summaries.
    pairs = joblib.Parallel(n_jobs=2)(joblib.delayed(npscore.compare)(serial[0], s)
                                      for s in serial[1:])
    assert pairs == [npscore.compare(serial[0], s) for s in serial[1:]]


def test_report_round_trips() -> None:
    from npscore.report import ReportInputs, build_report

    report = build_report(ReportInputs.from_sample(npscore.datasets.load_sample()))
    back = pickle.loads(pickle.dumps(report))
    assert back.summary() == report.summary()
    assert [s.key for s in back.sections] == [s.key for s in report.sections]
    pd.testing.assert_frame_equal(back.queue, report.queue)


# --- the state's checks -------------------------------------------------------------


def test_state_is_a_version_then_the_fields() -> None:
    s = VALUES["summary"]
    d = s.to_dict()
    state = s.__getstate__()
    assert state[0] == 1 and len(state) == 1 + len(d)
    assert list(state[1:]) == list(d.values())  # to_dict's order (counts as floats)
    assert npscore.Counts(1, 2, 3, 4).__getstate__() == (1, 1, 2, 3, 4)
    assert npscore.Cutoffs(4, 7, 9).__getstate__() == (1, 4, 7, 9)
    c = VALUES["comparison"]
    assert c.__getstate__() == (1, *c.to_dict().values())


@pytest.mark.parametrize("cls,obj", [(type(v), v) for v in
                                     (VALUES["summary"], VALUES["comparison"],
                                      VALUES["counts"], VALUES["cutoffs"])])
def test_setstate_refuses_other_versions_and_lengths(cls: type, obj: object) -> None:
    state = obj.__getstate__()  # type: ignore[attr-defined]
    name = cls.__name__
    assert _restored(cls, state) == obj
    with pytest.raises(ValueError, match=rf"{name} state is version 2: this npscore reads "
                                         r"version 1 only"):
        _restored(cls, (2, *state[1:]))
    with pytest.raises(ValueError, match=rf"{name} state is version 0"):
        _restored(cls, (0,))
    with pytest.raises(ValueError, match=rf"{name} state version 1 has {len(state)} items "
                                         rf"\(the version, then .*\), got {len(state) - 1}"):
        _restored(cls, state[:-1])
    with pytest.raises(ValueError, match=rf"got {len(state) + 1}"):
        _restored(cls, (*state, 0))
    for bad in [(), ("1", *state[1:]), (True, *state[1:]), (1.0, *state[1:])]:
        with pytest.raises(ValueError, match=rf"{name} state must begin with its version"):
            _restored(cls, bad)
    with pytest.raises(TypeError, match=rf"{name} state must be a tuple .*got a list"):
        _restored(cls, list(state))
    with pytest.raises(TypeError, match=rf"{name} state field \w+ is a str: it must be"):
        _restored(cls, (1, "x", *state[2:]))
    with pytest.raises(ValueError, match=rf"{name} state is version {10**30}"):
        _restored(cls, (10**30, *state[1:]))
    with pytest.raises(TypeError, match=rf"{name} state field \w+ is a bool: it must be"):
        _restored(cls, (1, True, *state[2:]))  # True is no number here


def test_setstate_refuses_ints_out_of_range() -> None:
    with pytest.raises(ValueError, match=rf"Cutoffs state field \w+ is {10**20}: out of range"):
        _restored(npscore.Cutoffs, (1, 10**20, 8, 10))


def test_setstate_checks_the_values() -> None:
    with pytest.raises(ValueError, match="detractors"):
        _restored(npscore.Counts, (1, -1, 0, 0, 0))
    with pytest.raises(ValueError, match="bad cutoffs"):
        _restored(npscore.Cutoffs, (1, 8, 6, 10))
    state = list(VALUES["summary"].__getstate__())
    state[9] = "wilson"
    with pytest.raises(ValueError, match="wilson"):
        _restored(npscore.Summary, tuple(state))
    state = list(VALUES["summary"].__getstate__())
    state[10] = 1.5
    with pytest.raises(ValueError, match="confidence"):
        _restored(npscore.Summary, tuple(state))
    state = list(VALUES["comparison"].__getstate__())
    state[9] = "t-test"
    with pytest.raises(ValueError, match='test is "t-test"'):
        _restored(npscore.Comparison, tuple(state))


# --- equality by value ----------------------------------------------------------------


def test_equal_for_the_same_data() -> None:
    assert npscore.summarize(SCORES) == npscore.summarize(list(SCORES))
    # The same counts by another path: the same summary.
    c = npscore.count(SCORES)
    assert npscore.summarize(SCORES) == npscore.summarize_counts(c.detractors, c.passives,
                                                                   c.promoters)
    assert npscore.compare(SCORES, [1, 9, 10]) == npscore.compare(SCORES, [1, 9, 10])
    assert npscore.count(SCORES) == npscore.Counts(c.detractors, c.passives, c.promoters)
    assert npscore.Cutoffs() == npscore.Cutoffs(6, 8, 10)
    assert len({npscore.Cutoffs(), npscore.Cutoffs(6, 8, 10), npscore.Cutoffs(5, 8, 10)}) == 2
    assert {npscore.summarize(SCORES): "a"}[npscore.summarize(SCORES)] == "a"


def test_unequal_when_one_field_differs() -> None:
    base = npscore.Counts(3, 4, 5)
    for other in (npscore.Counts(4, 4, 5), npscore.Counts(3, 5, 5), npscore.Counts(3, 4, 6),
                  npscore.Counts(3, 4, 5, skipped=1)):
        assert base != other and not base == other
    s = npscore.summarize(SCORES)
    assert s != npscore.summarize([*SCORES, 10])  # one more promoter
    assert s != npscore.summarize(SCORES, confidence=0.9)  # same counts, other interval
    assert s != npscore.summarize(SCORES, method="wald")
    assert s != npscore.summarize(SCORES, weights=np.ones(len(SCORES)))  # weighted flag
    assert npscore.compare(SCORES, [1, 9, 10]) != npscore.compare(SCORES, [1, 8, 10])
    assert npscore.compare(SCORES, [1, 9, 10]) != npscore.compare(SCORES, [1, 9, 10],
                                                                  test="exact")
    assert npscore.Cutoffs() != npscore.Cutoffs(6, 8, 11)


def test_nan_fields_equal_when_both_nan() -> None:
    a, b = _empty_summary(), _empty_summary()
    assert math.isnan(a.nps) and math.isnan(a.ci_low) and a.n == 0
    assert a == b and not a != b and hash(a) == hash(b)
    assert a == pickle.loads(pickle.dumps(a)) == copy.deepcopy(a)
    # NaN against a number: unequal.
    state = list(a.__getstate__())
    state[5] = 0.0
    assert _restored(npscore.Summary, tuple(state)) != a


def test_other_types_are_not_equal() -> None:
    s, c = npscore.summarize(SCORES), npscore.Counts(1, 2, 3)
    assert s != c and c != s and s != s.to_dict() and c != (1, 2, 3) and s is not None
    assert s.__eq__(c) is NotImplemented


def test_setstate_takes_numpy_scalars_as_python_ones() -> None:
    state = list(VALUES["summary"].__getstate__())
    state[0] = np.int64(1)  # the version
    state[13] = np.bool_(state[13])  # weighted
    assert _restored(npscore.Summary, tuple(state)) == VALUES["summary"]
    state[13] = 1
    with pytest.raises(TypeError, match="Summary state field weighted is an int: it must be a bool"):
        _restored(npscore.Summary, tuple(state))
    state = list(VALUES["summary"].__getstate__())
    state[1] = 10**400
    with pytest.raises(ValueError, match=r"Summary state field n is 1000+: out of range"):
        _restored(npscore.Summary, tuple(state))
