"""The public API's types, as a user's type checker sees them.

`mypy --strict` (a test dependency: the `test` extra) runs in a subprocess
over the installed package, from a directory outside the source tree:
- the README's quick start (examples/python/quickstart.py) and a typed
  snippet calling every public function (typing_examples.py) pass;
- a snippet with misspelled options fails on each of them, since the
  options are `Literal` types;
- no public function or method of the package returns `Any`, explicitly
  or through a missing return annotation.
"""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import textwrap
import types
import typing
from pathlib import Path

import pytest

import npscore
from npscore import plot, report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@pytest.fixture(scope="module")
def mypy(tmp_path_factory: pytest.TempPathFactory):
    """Runs `mypy --strict` on the given files with a cache shared by this
    module's tests; returns (exit status, output)."""
    work = tmp_path_factory.mktemp("mypy")

    def run(*files: Path) -> tuple[int, str]:
        proc = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-color-output",
             "--cache-dir", str(work / "cache"), *map(str, files)],
            cwd=work, capture_output=True, text=True, timeout=300)
        assert "No module named mypy" not in proc.stderr, \
            "mypy is a test dependency (pip install mypy, or the `test` extra)"
        return proc.returncode, proc.stdout + proc.stderr

    return run


def test_quickstart_passes_mypy_strict(mypy):
    status, out = mypy(ROOT / "examples" / "python" / "quickstart.py")
    assert status == 0, out


def test_typed_examples_pass_mypy_strict(mypy):
    status, out = mypy(HERE / "typing_examples.py")
    assert status == 0, out


def test_typed_examples_run(tmp_path):
    # The snippet is typed *and* correct: it runs (plots off-screen).
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(HERE / "typing_examples.py")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


# Each line misspells one option; mypy must name each line's argument.
_TYPOS = {
    'npscore.summarize([9, 10], method="wlad")': "method",
    'npscore.compare([9], [1], test="midp")': "test",
    'npscore.count([9], missing="drop")': "missing",
    'npscore.health(df, freq="Y")': "freq",
    'npscore.health(df, adjust="holmes")': "adjust",
    'npscore.health(df, mode="alerts")': "mode",
    'npscore.health(df, basis="last")': "basis",
    'npscore.by_group(df, weight_by="customer")': "weight_by",
    'npscore.account_nps(df, account="a", how="mean")': "how",
    'npscore.rfm_summary(df, customer="c", date="d", observation_end=1, freq="Y")': "freq",
    'npscore.GammaGamma().fit([1], [2.0], nonpositive_spend="drop")': "nonpositive_spend",
    'npscore.ThemeTagger().tag(["x"], invalid="ignore")': "invalid",
    'npscore.top_themes(df, comment="c", segment="s", clv="v", clv_basis="all")': "clv_basis",
    'npscore.churn_features(df, as_of=1, unknown="drop")': "unknown",
    'npscore.report.ReportOptions(method="wilson")': "method",
}


def test_literal_options_catch_typos(mypy, tmp_path):
    lines = ["import npscore", "import npscore.report", "from typing import Any", "",
             "df: Any = None"]
    first = len(lines) + 1
    lines += list(_TYPOS)
    path = tmp_path / "typos.py"
    path.write_text("\n".join(lines) + "\n")
    status, out = mypy(path)
    assert status == 1, out
    for i, (line, arg) in enumerate(_TYPOS.items(), start=first):
        # A plain signature names the argument; an overloaded one (ThemeTagger.tag)
        # reports that no variant takes the call.
        hit = re.search(rf'typos\.py:{i}: error: (Argument "{arg}" .* has incompatible type '
                        rf'"Literal\[.*expected .*Literal\[|No overload variant)', out)
        assert hit, f"mypy did not reject line {i}: {line}\n{out}"
    assert out.count("error:") == len(_TYPOS), out


def _public_callables():
    """(qualified name, function) of every public function and method."""
    modules = {"npscore": npscore, "npscore.plot": plot, "npscore.report": report}
    for mod_name, mod in modules.items():
        names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name)
            if inspect.isfunction(obj) and obj.__module__.startswith("npscore"):
                yield f"{mod_name}.{name}", obj
            elif (inspect.isclass(obj) and obj.__module__.startswith("npscore")
                  and not issubclass(obj, Warning)):
                for attr, value in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    if isinstance(value, (classmethod, staticmethod)):
                        value = value.__func__
                    elif isinstance(value, property):
                        value = value.fget
                    if inspect.isfunction(value):
                        yield f"{mod_name}.{name}.{attr}", value


def _split_top(text: str, sep: str) -> list[str]:
    """`text` split on `sep` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _is_any(annotation: object) -> bool:
    """Whether a return annotation is Any or a union with an Any member
    (type arguments such as ``Series[Any]`` or an array's shape do not count)."""
    if not isinstance(annotation, str):
        if annotation is typing.Any:
            return True
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            return any(_is_any(a) for a in typing.get_args(annotation))
        return False
    text = annotation.strip().strip("'\"").strip()
    for prefix in ("Union[", "Optional[", "typing.Union[", "typing.Optional["):
        if text.startswith(prefix) and text.endswith("]"):
            return any(_is_any(m) for m in _split_top(text[len(prefix):-1], ","))
    members = _split_top(text, "|")
    if len(members) > 1:
        return any(_is_any(m) for m in members)
    return text in ("Any", "_Any", "typing.Any")


def test_any_detection():
    # The check below relies on these.
    assert _is_any("Any") and _is_any("_Any") and _is_any("Optional[Any]")
    assert _is_any("int | Any") and _is_any(typing.Union[int, typing.Any])
    assert not _is_any("pd.Series[Any]") and not _is_any("Union[float, 'pd.Series[Any]']")
    assert not _is_any(typing.List[typing.Any])


def test_no_any_in_public_return_types():
    offenders = []
    checked = 0
    for name, func in _public_callables():
        checked += 1
        ret = inspect.signature(func).return_annotation
        text = ret if isinstance(ret, str) else repr(ret)
        if ret is inspect.Signature.empty or _is_any(ret):
            offenders.append(f"{name} -> {'(none)' if ret is inspect.Signature.empty else text}")
    assert checked > 60  # the walk found the API
    assert not offenders, "public return types that are Any:\n" + "\n".join(offenders)


def test_typos_snippet_lines_are_real_calls():
    # Every typo line is valid Python calling a public name (guards the table).
    for line in _TYPOS:
        compile(textwrap.dedent(line), "<typo>", "eval")
        assert line.startswith("npscore.")
