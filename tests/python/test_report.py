"""The main job: `npscore report` on the shipped sample and on a user's CSV.
Figures in the report are checked against pandas/numpy computations."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore.__main__ import main
from npscore.report import ReportOptions, nps_report
from report_text import pipe_tables, plain


@pytest.fixture(scope="module")
def sample_text() -> str:
    return npscore.report.sample_report(seed=42, n_customers=600)


def _nps_by_hand(scores: pd.Series) -> float:
    s = scores.to_numpy()
    return 100 * (np.mean(s >= 9) - np.mean(s <= 6))


def test_sample_report_has_every_section(sample_text):
    for heading in ("## Overall", "## NPS by slice", "## This quarter against the last"):
        assert heading in sample_text
    assert "arr-weighted NPS" in sample_text
    assert re.search(r"Change [+-]\d+\.\d points, 95% CI", sample_text)


def test_sample_report_overall_nps_matches_pandas(sample_text):
    sample = npscore.datasets.load_sample(seed=42, n_customers=600)
    want = _nps_by_hand(sample.responses["score"])
    got = float(re.search(r"^NPS ([+-]\d+\.\d)", sample_text, re.M).group(1))
    assert got == pytest.approx(want, abs=0.051)
    n = int(re.search(r"^NPS [+-]\d+\.\d \(([\d,]+) responses", sample_text, re.M).group(1)
            .replace(",", ""))
    assert n == len(sample.responses)


def test_quarter_comparison_matches_hand_computation():
    rng = np.random.default_rng(3)
    t = pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, 4000), unit="D")
    scores = np.where(t >= pd.Timestamp("2024-10-01"), rng.integers(3, 11, 4000),
                      rng.integers(0, 11, 4000))
    df = pd.DataFrame({"score": scores, "responded_at": t})
    text = nps_report(df, ReportOptions(method="wald"))
    q4 = df[df.responded_at >= "2024-10-01"].score
    q3 = df[(df.responded_at >= "2024-07-01") & (df.responded_at < "2024-10-01")].score
    want = _nps_by_hand(q4) - _nps_by_hand(q3)
    got = float(re.search(r"Change ([+-]\d+\.\d) points", text).group(1))
    assert got == pytest.approx(want, abs=0.051)
    assert "2024Q4" in text and "2024Q3" in text


def test_small_groups_are_flagged():
    df = pd.DataFrame({"score": [9] * 40 + [3] * 5, "plan": ["big"] * 40 + ["tiny"] * 5})
    text = nps_report(df, ReportOptions(time=None, by=["plan"], min_n=30))
    assert re.search(r"tiny \*", text)
    assert not re.search(r"big \*", text)


def test_cli_on_csv(tmp_path, capsys):
    csv = tmp_path / "r.csv"
    pd.DataFrame({"score": [10, 9, 7, 2, None], "region": list("aabbb")}).to_csv(csv, index=False)
    out = tmp_path / "report.md"
    assert main(["report", "--input", str(csv), "--time", "", "--by", "region",
                 "--skip-missing", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "1 missing skipped" in text
    assert out.read_text() == text


def test_cli_keeps_na_as_a_value(tmp_path, capsys):
    """A region coded "NA" (North America) is a value, not a missing key; only
    an empty field is missing."""
    csv = tmp_path / "r.csv"
    csv.write_text("score,region\n10,NA\n9,NA\n3,EMEA\n,EMEA\n")
    assert main(["report", "--input", str(csv), "--time", "", "--by", "region",
                 "--skip-missing"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^\s*NA( \*)?\s+2\s", plain(text), re.M)
    assert ["NA *", "2"] in [row[:2] for row in pipe_tables(text)[0]]  # a pipe table row
    assert "NaN" not in text and "1 missing skipped" in text


def test_cli_bad_input_is_a_clear_error(tmp_path, capsys):
    csv = tmp_path / "r.csv"
    pd.DataFrame({"score": [10, 11]}).to_csv(csv, index=False)
    assert main(["report", "--input", str(csv), "--time", ""]) == 2
    assert "score at row 1 is 11" in capsys.readouterr().err
    assert main(["report", "--input", str(csv), "--score", "nps_answer", "--time", ""]) == 2
    assert "'nps_answer' not found" in capsys.readouterr().err


def test_module_entry_point_runs():
    r = subprocess.run([sys.executable, "-m", "npscore", "--version"], capture_output=True,
                       text=True, check=True)
    assert r.stdout.strip() == f"npscore {npscore.__version__}"


def test_cli_csv_without_time_column_skips_the_quarter_section(tmp_path, capsys):
    csv = tmp_path / "r.csv"
    pd.DataFrame({"score": [10, 9, 7, 2]}).to_csv(csv, index=False)
    assert main(["report", "--input", str(csv)]) == 0
    text = capsys.readouterr().out
    assert "## Overall" in text and "quarter" not in text


def test_report_levels_are_not_rounded_away():
    df = pd.DataFrame({"score": [10, 9, 7, 2] * 20,
                       "responded_at": pd.date_range("2024-06-01", periods=80, freq="3D")})
    text = nps_report(df, ReportOptions(confidence=0.999))
    assert "99.9% CI" in text and "0.1% level" in text


def _money(s: str) -> float:
    return float(s.replace("$", "").replace(",", ""))


def test_sample_report_action_sections(sample_text):
    sample_text = plain(sample_text)
    for heading in ("## Churn risk", "## Whom to contact today", "## Revenue at risk",
                    "## Themes to fix first"):
        assert heading in sample_text
    auc = float(re.search(r"ROC AUC (\d\.\d+)", sample_text).group(1))
    assert 0.6 < auc <= 1.0
    # One queue per play, live cases only (answered < 168 h ago), each ranked by
    # the value of acting today ("lost by tomorrow"); expected = at risk x recoverable.
    block = sample_text.split("## Whom to contact today", 1)[1].split("\n## ", 1)[0]
    queues = {part.split(":", 1)[0]: part for part in block.split("### ")[1:]}
    assert {"Recover (detractors)", "Make it a 10 (passives)", "Advocacy (promoters)"} <= set(queues)
    for name in ("Recover (detractors)", "Make it a 10 (passives)"):
        rows = re.findall(r"^\s*(\d+)\s+\S+\s+(\d+) h ago\s+(\$[\d,]+)\s+(\d+)%\s+(\$[\d,]+)\s+"
                          r"(\$[\d,]+)", queues[name], re.M)
        assert rows and [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
        assert all(int(r[1]) < 168 for r in rows)
        lost = [_money(r[5]) for r in rows]
        assert lost == sorted(lost, reverse=True)
        for r in rows:
            # the recoverability is shown in whole percent: +-0.5% of the money at risk
            assert _money(r[4]) == pytest.approx(_money(r[2]) * int(r[3]) / 100,
                                                 abs=_money(r[2]) * 0.005 + 1)
    assert "%" not in queues["Advocacy (promoters)"].split("\n", 2)[2]  # no recovery on promoters
    assert re.search(r"Detractor SLA: .* contacted within 24 h \(\d+%\)", block)
    # Revenue at risk: the segment and plan tables count the same customers and money.
    block = sample_text.split("## Revenue at risk", 1)[1].split("\n## ", 1)[0]
    tables = [re.findall(r"^\s*\S+\s+(\d+)\s+\$[\d,]+\s+(\$[\d,]+)", b, re.M)
              for b in block.split("\n\n")[1:]]
    tables = [t for t in tables if t]  # the tables, not the paragraphs above them
    assert len(tables) == 2
    customers = [sum(int(c) for c, _ in tb) for tb in tables]
    at_risk = [sum(_money(m) for _, m in tb) for tb in tables]
    assert customers[0] == customers[1]
    assert at_risk[0] == pytest.approx(at_risk[1], abs=3)
    block = sample_text.split("## Themes to fix first", 1)[1]
    impact = [_money(m) for m in re.findall(r"^\s*\w+\s+\d+\s+\d+\s+\d+\s+(\$[\d,]+)",
                                             block, re.M)]
    assert len(impact) == 5 and impact == sorted(impact, reverse=True)
