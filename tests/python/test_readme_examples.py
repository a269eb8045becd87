"""README.md's Python examples, executed (issue 11), so they cannot rot.

The rule: every fenced ```python block of README.md runs, in the order
written and sharing one namespace, as the cells of a notebook do (a later
block may use the names an earlier one made). A block that is not meant to
run is preceded by the line

    <!-- readme-test: skip (the reason) -->

(an HTML comment: invisible on GitHub). The blocks run in a temporary
working directory (files they save land there) with matplotlib's
non-interactive Agg backend; warnings are errors, as in every test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SKIP = re.compile(r"<!--\s*readme-test:\s*skip\b.*?-->")
FENCE = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(text: str) -> list[tuple[int, str, bool]]:
    """(line number, code, skipped) of each ```python block, in order."""
    out = []
    for m in FENCE.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        line = text.count("\n", 0, m.start()) + 2  # the block's first code line
        out.append((line, m.group(1), bool(SKIP.search(before))))
    return out


def test_readme_has_python_examples():
    found = blocks(README.read_text(encoding="utf-8"))
    assert len(found) >= 3 and all(not skipped for _, _, skipped in found), \
        "every Python example runs (or says why not)"


def test_block_finder_and_skip_marker():
    text = ("x\n```python\na = 1\n```\n<!-- readme-test: skip (needs a server) -->\n"
            "```python\nb = 2\n```\n```sh\nls\n```\n")
    assert blocks(text) == [(3, "a = 1\n", False), (7, "b = 2\n", True)]


def test_readme_python_examples_run(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__readme__"}
    for line, code, skipped in blocks(README.read_text(encoding="utf-8")):
        if skipped:
            continue
        try:
            exec(compile(code, f"README.md:{line}", "exec"), namespace)
        except Exception as e:  # name the block that failed
            raise AssertionError(f"README.md python block at line {line} failed: "
                                 f"{type(e).__name__}: {e}") from e
