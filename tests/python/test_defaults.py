"""Python's defaults come from the C++ core (issue 12).

Each default the core holds (its option structs and constants) reaches
Python as ``npscore._npscore.defaults``; every signature default of the
public API whose parameter names such a default, and every module constant
that restates one, must equal the core's value. A literal copied back into
Python, and later left behind when the core changes, fails here.
"""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import npscore
from npscore import _npscore

CORE = _npscore.defaults

# Parameter name -> the core's value it defaults to.
BY_PARAMETER = {
    "confidence": CORE["confidence"],
    "method": CORE["method"],
    "min_n": CORE["min_n"],
    "cutoffs": CORE["cutoffs"],
    "early_life_days": CORE["early_life_days"],
    "C": CORE["C"],
    "tol": CORE["tol"],
    "max_iter": CORE["max_iter"],
    "penalizer": CORE["penalizer"],
    "max_iterations": CORE["max_iterations"],
    "tolerance": CORE["tolerance"],
    "discount_rate": CORE["discount_rate"],
    "urgency_hours": CORE["urgency_hours"],
    "sla_hours": CORE["sla_hours"],
    "alpha": _npscore.default_health_thresholds()["alpha"],
}

# (callable's name, parameter) -> the core's value, where the parameter's name
# differs from the core's.
BY_CALLABLE = {
    ("customer_lifetime_value", "time"): CORE["months"],
    ("compare", "method"): CORE["compare_method"],
}

# (callable's name, parameter) whose default is deliberately not the core's,
# with the reason.
EXCEPTIONS = {
    # Account-level NPS keeps every account (a core argument with no default).
    ("account_nps", "min_n"): "no core default",
    # ReportInputs.sla_hours: the three plays' SLAs (priority.DEFAULT_SLA_HOURS, checked in
    # test_report_sections.py), not the recover play's alone.
    ("__init__", "sla_hours"): "the three plays' core defaults",
}


def _public_callables():
    """Every public function and every public method of a public class."""
    import importlib

    seen = set()
    modules = [npscore] + [importlib.import_module(f"npscore.{m}") for m in
                           ("nps", "health", "churn", "clv", "priority", "themes", "report", "survey")]
    public = [(mod, name) for mod in modules
              for name in getattr(mod, "__all__", [n for n in vars(mod) if not n.startswith("_")])]
    for mod, name in public:
        obj = getattr(mod, name, None)
        if getattr(obj, "__module__", "npscore").split(".")[0] != "npscore":
            continue
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr != "__init__":
                    continue
                fn = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
                if inspect.isfunction(fn) and fn not in seen:
                    seen.add(fn)
                    yield f"{obj.__name__}.{attr}", fn
        elif inspect.isfunction(obj) and obj not in seen:
            seen.add(obj)
            yield name, obj


def _checked():
    out = []
    for qualname, fn in _public_callables():
        short = qualname.split(".")[-1]
        for p in inspect.signature(fn).parameters.values():
            want = BY_CALLABLE.get((short, p.name), BY_PARAMETER.get(p.name, inspect.Parameter.empty))
            if want is inspect.Parameter.empty or p.default is inspect.Parameter.empty:
                continue
            if p.default is None or (short, p.name) in EXCEPTIONS:
                continue
            out.append((qualname, p.name, p.default, want))
    return out


def test_the_core_exposes_its_defaults():
    assert CORE["cutoffs"] == (6, 8, 10)
    assert CORE["no_segment"] == -128
    assert 0 < CORE["confidence"] < 1
    assert CORE["method"] in ("adjusted-wald", "wald", "score")
    # The C++ structs are the source: a default-built object agrees.
    c = _npscore.Cutoffs()
    assert (c.detractor_max, c.passive_max, c.scale_max) == CORE["cutoffs"]


def test_signature_defaults_are_the_cores():
    checked = _checked()
    # The public API has such parameters in many places: the test must see them.
    names = {name for _, name, _, _ in checked}
    assert {"confidence", "min_n", "early_life_days", "max_iterations", "tolerance",
            "C", "discount_rate", "urgency_hours", "sla_hours", "time"} <= names, names
    wrong = [(q, n, d, want) for q, n, d, want in checked
             if (tuple(d) if n == "cutoffs" else d) != want]
    assert not wrong, wrong


@pytest.mark.parametrize("module, constant, key", [
    ("nps", "DEFAULT_CUTOFFS", "cutoffs"),
    ("nps", "DEFAULT_METHOD", "method"),
    ("nps", "COMPARE_METHOD", "compare_method"),
    ("nps", "DEFAULT_CONFIDENCE", "confidence"),
    ("nps", "DEFAULT_MIN_N", "min_n"),
    ("nps", "NO_SEGMENT", "no_segment"),
    ("churn", "DEFAULT_EARLY_LIFE_DAYS", "early_life_days"),
    ("clv", "DEFAULT_MAX_ITERATIONS", "max_iterations"),
    ("clv", "DEFAULT_TOLERANCE", "tolerance"),
    ("clv", "DEFAULT_MONTHS", "months"),
    ("clv", "DEFAULT_DISCOUNT_RATE", "discount_rate"),
    ("priority", "DEFAULT_URGENCY_HOURS", "urgency_hours"),
    ("datasets", "DEFAULT_EARLY_LIFE_DAYS", "early_life_days"),
])
def test_module_constants_are_the_cores(module, constant, key):
    import importlib

    mod = importlib.import_module(f"npscore.{module}")
    assert getattr(mod, constant) == CORE[key]


def test_sla_hours_and_report_options_are_the_cores():
    from npscore import priority

    assert priority.DEFAULT_SLA_HOURS == {"recover": CORE["sla_hours"],
                                          "make_it_a_10": CORE["passive_sla_hours"],
                                          "advocacy": CORE["promoter_sla_hours"]}
    fields = {f.name: f.default for f in dataclasses.fields(npscore.report.ReportOptions)}
    assert fields["confidence"] == CORE["confidence"]
    assert fields["min_n"] == CORE["min_n"]
    assert fields["method"] == CORE["method"]
