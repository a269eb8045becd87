"""Honest packaging (issue 11): the `test` extra names every package the tests
import, the floors of pyproject.toml, scripts/setup.sh and the pins of
scripts/min-versions.txt (what scripts/test-min-versions.sh tests) agree, and
a skip for a missing package fails when NPSCORE_REQUIRE_ALL_TESTS=1."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Import names that differ from the distribution's name.
DISTRIBUTION = {"sklearn": "scikit-learn"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonical(NAME.match(r).group(0)) for r in requirements}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party(names: set[str]) -> set[str]:
    local = {p.stem for p in HERE.glob("*.py")} | {"npscore"}
    return {canonical(DISTRIBUTION.get(n, n)) for n in names
            if n not in sys.stdlib_module_names and n not in local}


def test_the_test_extra_names_every_package_the_tests_import():
    used = set()
    for path in sorted(HERE.glob("*.py")):
        used |= imported_top_level(path.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "examples").rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                # IPython's magics (%matplotlib) and shell lines (!) are not Python.
                lines = "".join(cell["source"]).splitlines()
                used |= imported_top_level("\n".join(l for l in lines if l[:1] not in ("%", "!")))
    used |= imported_top_level((ROOT / "examples" / "python" / "quickstart.py").read_text("utf-8"))
    used = third_party(used)
    extras = PYPROJECT["project"]["optional-dependencies"]
    declared = requirement_names(extras["test"] + PYPROJECT["project"]["dependencies"])
    assert used - declared == set(), "imported by the tests but not in the `test` extra"
    # Run by the tests other than through an import.
    assert {"mypy", "ipykernel", "selenium", "pytest"} <= declared
    assert requirement_names(extras["plot"]) <= declared


def test_import_scan_sees_through_aliases_and_stdlib():
    names = third_party(imported_top_level(
        "import os, numpy as np\nfrom sklearn.base import clone\nfrom . import x\nimport browser\n"))
    assert names == {"numpy", "scikit-learn"}


def floors(requirements: list[str]) -> dict[str, str]:
    out = {}
    for r in requirements:
        m = re.fullmatch(r"([A-Za-z0-9._-]+)\s*(>=|==)\s*([0-9][0-9A-Za-z.]*)", r)
        assert m, f"{r!r}: every requirement has one bound, >= (a floor) or == (a pin)"
        out[canonical(m.group(1))] = m.group(3)
    return out


def same_version(a: str, b: str) -> bool:
    """0.10 and 0.10.0 are the same release."""
    return re.sub(r"(\.0)+$", "", a) == re.sub(r"(\.0)+$", "", b)


def setup_sh_floors() -> dict[str, str]:
    text = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    specs = re.findall(r'"([A-Za-z0-9._-]+(?:>=|==)[0-9][0-9A-Za-z.]*)"', text)
    assert len(specs) > 10
    return floors(specs)


def min_versions() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "scripts" / "min-versions.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{line!r} in min-versions.txt is not pkg==version"
            pins[canonical(name)] = version
    return pins


def test_floors_agree_everywhere_and_are_the_tested_versions():
    project = PYPROJECT["project"]
    declared = floors(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        for name, version in floors(extra).items():
            assert declared.setdefault(name, version) == version, f"{name}: two floors in pyproject"
    declared |= floors(PYPROJECT["build-system"]["requires"])
    assert setup_sh_floors() == declared, "scripts/setup.sh and pyproject.toml differ"
    pins = min_versions()
    for name in ("numpy", "pandas", "matplotlib", "pyarrow", "polars", "scikit-learn", "scipy",
                 "pybind11", "scikit-build-core"):
        assert same_version(pins.get(name, ""), declared[name]), \
            f"{name}: floor {declared[name]} in pyproject.toml, {pins.get(name)} tested"
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"


def run_pytest(tmp_path: Path, require: bool, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text((HERE / "conftest.py").read_text("utf-8"), "utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", "utf-8")
    (tmp_path / "test_module_skip.py").write_text(
        "import pytest\nnope = pytest.importorskip('npscore_no_such_module')\n"
        "def test_never():\n    pass\n", "utf-8")
    (tmp_path / "test_item_skips.py").write_text(
        "import pytest\n"
        "def test_missing():\n    pytest.importorskip('npscore_no_such_module_either')\n"
        "def test_other_reason():\n    pytest.skip('needs a GPU')\n"
        "@pytest.mark.xfail(reason='no module named x: expected')\n"
        "def test_xfail():\n    raise ImportError\n", "utf-8")
    env = dict(os.environ, NPSCORE_REQUIRE_ALL_TESTS="1" if require else "0")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider",
                           "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path), *args, str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_skips_for_missing_packages_fail_only_when_all_tests_are_required(tmp_path):
    relaxed = run_pytest(tmp_path, require=False)
    assert relaxed.returncode == 0, relaxed.stdout
    assert re.search(r"\b3 skipped, 1 xfailed\b", relaxed.stdout), relaxed.stdout
    # A module skipped for a missing package is a collection error, which stops the run.
    stopped = run_pytest(tmp_path, require=True)
    assert stopped.returncode == 2 and "1 error" in stopped.stdout, stopped.stdout
    assert "could not import 'npscore_no_such_module'" in stopped.stdout
    required = run_pytest(tmp_path, True, "--continue-on-collection-errors")
    assert required.returncode == 1, required.stdout
    # The module-level and the in-test skip fail; the other skip and the xfail stay.
    assert re.search(r"\b1 failed, 1 skipped, 1 xfailed, 1 error\b", required.stdout), required.stdout
    assert "npscore_no_such_module_either" in required.stdout
    assert "needs a GPU" in required.stdout
