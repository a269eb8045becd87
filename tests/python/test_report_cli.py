"""`npscore report` on a user's files from the command line (issue 13): the
project file and the flags, the outputs, --init, progress lines, and bad
input (exit code 2, one clear line, nothing written)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import npscore
from npscore.__main__ import Progress, main, write_atomically
from test_report_inputs import World

OUTPUTS = {"report.html", "report.md", "queue.csv", "summary.json"}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return World(tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="module")
def config_run(world) -> tuple[subprocess.CompletedProcess, Path]:
    out = world.root / "out"
    r = subprocess.run([sys.executable, "-m", "npscore", "report", "--config", str(world.config),
                        "--out-dir", str(out)], capture_output=True, text=True, cwd="/")
    return r, out


def _files(d: Path) -> set[str]:
    return {str(p.relative_to(d)) for p in d.rglob("*") if p.is_file()} if d.exists() else set()


def test_subprocess_run_writes_every_output(config_run):
    r, out = config_run
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""  # with --out-dir stdout shows nothing unless --format asks
    files = _files(out)
    assert OUTPUTS <= files
    figures = {f for f in files if f.startswith("figures/")}
    assert figures and {Path(f).suffix for f in figures} == {".png", ".svg"}
    assert {Path(f).stem for f in figures if f.endswith(".png")} == \
        {Path(f).stem for f in figures if f.endswith(".svg")}
    assert not [f for f in files if Path(f).name.startswith(".")]  # no temp file left
    assert (out / sorted(figures)[0]).stat().st_size > 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["schema"] == "npscore.report.summary/1"
    assert "antworten.csv" in summary["data_note"]
    html = (out / "report.html").read_text()
    assert "<table" in html and "<html" in html.lower()
    queue = pd.read_csv(out / "queue.csv", dtype=str, keep_default_na=False)
    assert {"customer_id", "play"} <= set(queue.columns)
    assert f"wrote {len(files)} files" in r.stderr


def test_outputs_reflect_the_files(world, config_run):
    """The report's overall NPS is the NPS of the scores written to the file."""
    _, out = config_run
    md = (out / "report.md").read_text()
    s = npscore.summarize(world.responses["score"])
    assert f"NPS {s.nps:+.1f} ({len(world.responses):,} responses" in md
    assert "| NA " in md  # the region "NA" is a slice value, not a missing one


def test_flags_equal_the_project_file(world, config_run, tmp_path, capsys):
    _, out = config_run
    d = world.root / "data"
    flags = ["report", "--responses", str(d / "antworten.csv"),
             "--customers", str(d / "kunden.csv"),
             "--churn", str(d / "kuendigungen.csv"), "--transactions", str(d / "umsaetze.parquet"),
             "--events", str(d / "ereignisse.csv"), "--owners", str(d / "betreuer.csv"),
             "--customer-column", "Kundennr", "--score-column", "Bewertung",
             "--time-column", "Antwort am", "--comment-column", "Kommentar", "--kind-column", "Art",
             "--signup-column", "Kunde seit", "--value-column", "ARR", "--owner-column", "Betreuer",
             "--slices", "Region,Tarif", "--separator", ";", "--decimal", ",", "--thousands", ".",
             "--encoding", "latin-1", "--timezone", "Europe/Berlin", "--period", "M",
             "--sla-hours", "12,48,120", "--out-dir", str(tmp_path / "o"), "--quiet"]
    # Column names differ between files: a flag maps the same canonical name in
    # every file only where it is that file's flag, so the rest come from a
    # small project file.
    cfg = tmp_path / "rest.toml"
    cfg.write_text(f"""
[responses]
date_format = "%d.%m.%Y %H:%M"
[customers]
customer_id = "Kunden-ID"
date_format = "%d.%m.%Y"
[churn]
customer_id = "Kunden-ID"
churned_at = "Gekuendigt am"
date_format = "%d.%m.%Y"
[transactions]
customer_id = "customer"
[events]
time = "Datum"
label = "Ereignis"
kind = "Typ"
date_format = "%d.%m.%Y"
[owners]
owner = "Name"
capacity = "Kontakte pro Tag"
""")
    assert main(flags + ["--config", str(cfg)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().err == ""  # --quiet
    got = json.loads((tmp_path / "o" / "summary.json").read_text())
    want = json.loads((out / "summary.json").read_text())
    got.pop("data_note"), want.pop("data_note")
    assert got == want


def test_stdout_formats(world, capsys):
    assert main(["report", "--config", str(world.config), "--format", "json", "--quiet"]) == 0
    assert json.loads(capsys.readouterr().out)["schema"] == "npscore.report.summary/1"
    assert main(["report", "--config", str(world.config), "--format", "queue", "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("play,")


def test_out_file_by_suffix(world, tmp_path, capsys):
    html = tmp_path / "r.html"
    assert main(["report", "--config", str(world.config), "--out", str(html), "--quiet"]) == 0
    assert html.read_text().lstrip().lower().startswith("<!doctype html")
    assert capsys.readouterr().out == ""


def test_sample_runs_keep_working(tmp_path, capsys):
    # --customers with a bare number is the 0.2 sample size.
    assert main(["report", "--customers", "300", "--out", str(tmp_path / "r.md")]) == 0
    text = capsys.readouterr().out
    assert "n_customers=300" in text or "300 customers" in text
    assert (tmp_path / "r.md").read_text() == text
    assert main(["report", "--sample-customers", "300", "--out-dir", str(tmp_path / "s"),
                 "--quiet"]) == 0
    assert OUTPUTS <= _files(tmp_path / "s")


# --- Bad input: exit 2, one line, nothing written -------------------------------------

def _copy(world: World, tmp_path: Path) -> Path:
    root = tmp_path / "w"
    shutil.copytree(world.root / "data", root / "data")
    shutil.copy(world.config, root / "npscore.toml")
    return root


def _edit(path: Path, old: str, new: str, encoding: str = "utf-8") -> None:
    text = path.read_text(encoding=encoding)
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding=encoding)


def _lines(path: Path, encoding: str = "latin-1") -> list[str]:
    return path.read_text(encoding=encoding).splitlines()


def _set_cell(root: Path, index: int, column: int, value: str) -> None:
    """Sets one cell of the responses file (`index`: 0 = the header line)."""
    p = root / "data" / "antworten.csv"
    lines = _lines(p)
    cells = lines[index].split(";")
    cells[column] = value
    lines[index] = ";".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="latin-1")


def _duplicate_customer(root: Path) -> None:
    p = root / "data" / "kunden.csv"
    lines = _lines(p)
    lines.append(lines[3])
    p.write_text("\n".join(lines) + "\n", encoding="latin-1")


CASES = {
    "missing file": (lambda root: (root / "data" / "kunden.csv").unlink(),
                     r"customers file not found: .*kunden.csv"),
    "missing column": (lambda root: _edit(root / "npscore.toml", '"Bewertung"', '"Bewertnug"'),
                       r'no column "Bewertnug" \(responses.score\); the nearest column is '
                       r'"Bewertung"'),
    "unparseable date": (lambda root: _set_cell(root, 7, 2, "31.02.2025 10:00"),
                         r'antworten.csv, line 8, column "Antwort am": '
                         r"'31.02.2025 10:00' is not a date in the format"),
    "score out of range": (lambda root: _set_cell(root, 5, 1, "11"),
                           r'antworten.csv, line 6, column "Bewertung": score 11 '
                           r"is outside the scale 0..10"),
    "duplicate customer": (_duplicate_customer, r"kunden.csv: customer id '\d+' .* appears twice, "
                                                r"line 4 and line \d+"),
    "config typo": (lambda root: _edit(root / "npscore.toml", "sla_hours", "sla_hour"),
                    r'npscore.toml line \d+: unknown key "sla_hour" in \[report\]; did you mean '
                    r'"sla_hours"\?'),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_exits_2_and_writes_nothing(world, tmp_path, capsys, case):
    root = _copy(world, tmp_path)
    spoil, pattern = CASES[case]
    spoil(root)
    out = tmp_path / "out"
    code = main(["report", "--config", str(root / "npscore.toml"), "--out-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("npscore: error:")]
    assert len(lines) == 1, err
    import re
    assert re.search(pattern, lines[0]), lines[0]
    assert not out.exists()


def test_a_failure_while_rendering_writes_nothing(world, tmp_path, capsys, monkeypatch):
    from npscore import report

    def broken(self):
        raise ValueError("cannot render")

    monkeypatch.setattr(report.Report, "to_html", broken)
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text("last week's")
    assert main(["report", "--config", str(world.config), "--out-dir", str(out)]) == 2
    assert "npscore: error: cannot render" in capsys.readouterr().err
    assert _files(out) == {"report.md"} and (out / "report.md").read_text() == "last week's"


def test_write_atomically_cleans_up(tmp_path, monkeypatch):
    import os

    calls = []
    real = os.fdopen

    def failing(fd, *a, **kw):
        calls.append(fd)
        if len(calls) == 3:
            os.close(fd)
            raise OSError("disk full")
        return real(fd, *a, **kw)

    monkeypatch.setattr(os, "fdopen", failing)
    dest = tmp_path / "new" / "dir"
    files = {dest / "a.txt": b"a", dest / "figures" / "b.png": b"b", dest / "c.txt": b"c"}
    with pytest.raises(OSError, match="disk full"):
        write_atomically(files)
    assert not (tmp_path / "new").exists()
    monkeypatch.setattr(os, "fdopen", real)
    write_atomically(files)
    assert _files(dest) == {"a.txt", "figures/b.png", "c.txt"}


# --- --init ----------------------------------------------------------------------------

def test_init_writes_a_config_that_runs(world, tmp_path, capsys):
    d = world.root / "data"
    cfg = tmp_path / "npscore.toml"
    args = ["report", "--init", "--config", str(cfg), "--responses", str(d / "antworten.csv"),
            "--customers", str(d / "kunden.csv"), "--churn", str(d / "kuendigungen.csv"),
            "--transactions", str(d / "umsaetze.parquet"), "--events", str(d / "ereignisse.csv"),
            "--owners", str(d / "betreuer.csv")]
    assert main(args) == 0
    text = cfg.read_text()
    assert 'separator = ";"' in text and 'date_format = "%d.%m.%Y %H:%M"' in text
    # The user adds what cannot be guessed (the zone of naive times), and runs it.
    cfg.write_text(text.replace('# timezone = "UTC"', 'timezone = "Europe/Berlin"'))
    assert main(["report", "--config", str(cfg), "--out-dir", str(tmp_path / "out"),
                 "--quiet"]) == 0, capsys.readouterr().err
    assert OUTPUTS <= _files(tmp_path / "out")
    # Never overwritten without --force.
    before = cfg.read_text()
    assert main(args) == 2
    assert "exists: pass --force" in capsys.readouterr().err
    assert cfg.read_text() == before
    assert main(args + ["--force"]) == 0
    assert cfg.read_text() == text


# --- Progress lines --------------------------------------------------------------------

def test_progress_prints_only_slow_stages():
    now = [0.0]
    out = io.StringIO()
    p = Progress(out, clock=lambda: now[0])
    p("reading antworten.csv", None)
    now[0] = 0.4
    p("checking antworten.csv", 5_000_000)
    now[0] = 2.9
    p("overall", 5_000_000)
    now[0] = 3.0
    p.done()
    assert out.getvalue() == ("npscore: checking antworten.csv (5,000,000 rows): 2.5 s "
                              "(total 2.9 s)\n")


@pytest.mark.parametrize("chosen", [False, True])
def test_report_process_uses_the_system_allocator_for_arrow(chosen):
    """The CLI's report hands freed Arrow memory back (the C library's
    allocator), unless ARROW_DEFAULT_MEMORY_POOL says otherwise."""
    import os

    import pyarrow as pa

    other = [b for b in pa.supported_memory_backends() if b != "system"]
    env = other[0] if chosen and other else None
    want = env or "system"
    environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if env:
        environ["ARROW_DEFAULT_MEMORY_POOL"] = env
    code = ("from npscore.__main__ import _system_arrow_pool; _system_arrow_pool(); "
            "import pyarrow as pa; print(pa.default_memory_pool().backend_name)")
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                         text=True, check=True, cwd="/")
    assert out.stdout.strip() == want
