"""The capability table (docs/capabilities.md) is true and complete.

Every entry it names exists in its layer (C++ headers, the C header, the
Python package); every C function and every public Python function appears
in it; and its gaps are exactly the known ones, so closing or opening a gap
is a deliberate change of the table and of KNOWN_GAPS together.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import npscore

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "docs" / "capabilities.md"
CPP_HEADERS = sorted((ROOT / "include" / "npscore").glob("*.h"))
C_HEADER = ROOT / "capi" / "include" / "npscore" / "c_api.h"

# (capability, layer) pairs the table marks *gap*: none since 0.4.0 (issue 12
# closed the last); a new one needs this set and the table changed together.
KNOWN_GAPS: set[tuple[str, str]] = set()

# Entries a layer does not need (*n/a*): C++ takes spans over any memory,
# Python takes pandas and numpy.
KNOWN_NOT_APPLICABLE = {
    ("Arrow columns in, zero-copy", "C++"),
    ("Arrow columns in, zero-copy", "Python"),
}

# Public Python names that are not capabilities: result and option types,
# warnings, and the presentation and data-generation modules.
NOT_CAPABILITIES = {"Comparison", "Counts", "Cutoffs", "Summary", "ChurnDataWarning",
                    "ConvergenceWarning", "datasets", "plot", "report"}

LAYERS = ("C++", "C", "Python")


def _rows() -> list[tuple[str, dict[str, list[str] | None]]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("Capability", "") or set(cells[0]) <= {"-"}:
            continue
        entry: dict[str, list[str] | None] = {}
        for layer, cell in zip(LAYERS, cells[1:]):
            if cell == "*gap*":
                entry[layer] = None
            elif cell == "*n/a*":
                entry[layer] = []
            else:
                names = re.findall(r"`([^`]+)`", cell)
                assert names and ", ".join(f"`{n}`" for n in names) == cell, \
                    f"{cells[0]} / {layer}: cell is not a list of `names`: {cell!r}"
                entry[layer] = names
        rows.append((cells[0], entry))
    return rows


ROWS = _rows()
CPP_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in CPP_HEADERS)
C_TEXT = C_HEADER.read_text(encoding="utf-8")
C_FUNCTIONS = set(re.findall(r"^NPSCORE_API[^;{]*?\b(npscore_\w+)\s*\(", C_TEXT, re.M | re.S))


def _python(dotted: str):
    obj = npscore
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def test_table_parses():
    assert len(ROWS) >= 35
    assert len({name for name, _ in ROWS}) == len(ROWS), "capabilities are unique"
    assert len(C_FUNCTIONS) >= 90


@pytest.mark.parametrize("name,entry", ROWS, ids=[r[0] for r in ROWS])
def test_every_listed_entry_exists(name, entry):
    for n in entry["C++"] or []:
        decl = rf"(\b(class|struct)\s+{n}\b|\b{n}\s*\(|#define\s+{n}\b)"
        assert re.search(decl, CPP_TEXT), f"{name}: no C++ declaration of {n}"
    for n in entry["C"] or []:
        assert n in C_FUNCTIONS, f"{name}: {n} is not an NPSCORE_API function of c_api.h"
    for n in entry["Python"] or []:
        assert callable(_python(n)) or n == "__version__", f"{name}: npscore.{n} is not callable"


def test_gaps_are_the_known_ones():
    gaps = {(name, layer) for name, entry in ROWS for layer in LAYERS if entry[layer] is None}
    assert gaps == KNOWN_GAPS, (
        f"closed: {sorted(KNOWN_GAPS - gaps)}; opened: {sorted(gaps - KNOWN_GAPS)}")


def test_not_applicable_entries_are_the_known_ones():
    na = {(name, layer) for name, entry in ROWS for layer in LAYERS if entry[layer] == []}
    assert na == KNOWN_NOT_APPLICABLE


def test_every_c_function_is_listed():
    listed = {n for _, entry in ROWS for n in entry["C"] or []}
    assert C_FUNCTIONS - listed == set(), "C functions missing from docs/capabilities.md"
    assert listed - C_FUNCTIONS == set()


def test_every_public_python_function_is_listed():
    listed = {n.split(".")[0] for _, entry in ROWS for n in entry["Python"] or []}
    public = set(npscore.__all__) - NOT_CAPABILITIES
    assert public - listed == set(), "public Python names missing from docs/capabilities.md"
