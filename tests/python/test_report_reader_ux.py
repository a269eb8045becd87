"""`npscore report`'s reader and `--init` on files as users write them
(issue 13): blank lines, quoted fields over several lines, empty files,
UTF-16 exports, ids that repeat, thousands separators, and the file, line
and column named in every message."""

from __future__ import annotations

import codecs
import csv
import re
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from npscore._report_io import ReportConfig, ReportInputError, init_template, read_inputs


def _cfg(path: Path, **csv_keys) -> ReportConfig:
    cfg = ReportConfig()
    cfg.responses.path = path
    for k, v in csv_keys.items():
        setattr(cfg.csv, k, v)
    return cfg


def _write(path: Path, text: str, newline: str = "\n", encoding: str = "utf-8") -> Path:
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _line_of(path: Path, needle: str, encoding: str = "utf-8") -> int:
    """The 1-based line of the file where `needle` occurs (independent of
    the reader: a plain search in the text)."""
    text = path.read_bytes().decode(encoding)
    return text[:text.index(needle)].count("\n") + 1


# --- D2: blank lines are not rows -------------------------------------------------------

@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("text", [
    "customer_id,score\n1,9\n2,3\n3,10\n\n",                 # a blank line at the end
    "customer_id,score\n1,9\n\n2,3\n\n\n3,10\n",             # blank lines in the middle
    "\ncustomer_id,score\n1,9\n2,3\n3,10\n\n\n",             # before the header, after the rows
    "customer_id,score\n1,9\n   \n2,3\n3,10\n",              # white space only (pandas' path)
])
def test_blank_lines_are_not_rows(tmp_path, text, bom, newline):
    p = _write(tmp_path / "r.csv", bom + text, newline)
    got = read_inputs(_cfg(p))
    expected = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""])
    assert len(got.responses) == len(expected) == 3
    assert got.responses["score"].tolist() == [9, 3, 10]
    assert "without a score" not in got.data_note
    assert "r.csv (3 rows)" in got.data_note


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_blank_lines_in_other_encodings(tmp_path, encoding):
    p = _write(tmp_path / "r.csv", "customer_id;score;note\n1;9;é\n\n2;3;ü\n\n", "\r\n", encoding)
    got = read_inputs(_cfg(p, separator=";", encoding=encoding))
    assert got.responses["score"].tolist() == [9, 3]


def test_a_line_of_separators_is_a_row_as_in_pandas(tmp_path):
    # pandas keeps ",," as a row of missing values: so does the reader (and
    # the missing score is named by its line).
    p = _write(tmp_path / "r.csv", "customer_id,score\n1,9\n,\n2,3\n")
    assert len(pd.read_csv(p)) == 3
    with pytest.raises(ReportInputError, match=r'r.csv, line 3, column "score": no score'):
        read_inputs(_cfg(p))


# --- D3: file lines in messages -----------------------------------------------------------

def _multiline_file(tmp_path: Path, bad_score: str, newline: str = "\n") -> Path:
    rows = ["\n", 'customer_id,"the\nscore",comment\n']  # a blank line, a header over two lines
    for i in range(40):
        comment = '"one\ntwo\n\nthree"' if i % 3 == 0 else "plain"
        rows.append(f"C{i},{9 if i != 30 else bad_score},{comment}\n")
        if i % 7 == 0:
            rows.append("\n")
    return _write(tmp_path / "r.csv", "".join(rows), newline)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bad, why", [("11", "score 11 is outside the scale"),
                                      ("ten", "'ten' is not a number")])
def test_lines_count_quoted_newlines_blank_lines_and_the_header(tmp_path, bad, why, newline):
    p = _multiline_file(tmp_path, bad, newline)
    cfg = _cfg(p)
    cfg.responses.columns["score"] = f"the{newline}score"  # a quoted field keeps its newline
    line = _line_of(p, f"C30,{bad}")
    assert line > 32  # far from the data row's index + 2
    with pytest.raises(ReportInputError) as e:
        read_inputs(cfg)
    assert f'r.csv, line {line}, column "the{newline}score": ' in str(e.value)
    assert re.search(why, str(e.value))


def test_duplicate_ids_name_both_file_lines(tmp_path):
    r = _write(tmp_path / "r.csv", "customer_id,score\nA,9\n")
    c = _write(tmp_path / "c.csv", 'customer_id,note\nA,"x\ny"\n\nB,z\nA,w\n')
    cfg = _cfg(r)
    cfg.customers.path = c
    with pytest.raises(ReportInputError, match=r"'A' .* appears twice, line 2 and line 6"):
        read_inputs(cfg)


def test_lines_after_skipped_scores(tmp_path):
    # Rows without a score left out: a later message still names the file's line.
    r = _write(tmp_path / "r.csv", "customer_id,score\nA,9\nB,\n\nC,\nZZ,7\n")
    c = _write(tmp_path / "c.csv", "customer_id\nA\nB\nC\n")
    cfg = _cfg(r)
    cfg.customers.path = c
    cfg.missing_scores = "skip"
    cfg.unknown_customers = "error"
    with pytest.raises(ReportInputError, match=r"first: 'ZZ', line 6\)"):
        read_inputs(cfg)


# --- D4: empty files ------------------------------------------------------------------------

def test_empty_files_are_clear_errors(tmp_path):
    empty = _write(tmp_path / "r.csv", "")
    with pytest.raises(ReportInputError, match=r"r.csv: empty file: no header"):
        read_inputs(_cfg(empty))
    _write(empty, "\n\n")
    with pytest.raises(ReportInputError, match=r"r.csv: empty file: no header"):
        read_inputs(_cfg(empty))
    header = _write(tmp_path / "h.csv", "customer_id,score\n\n")
    with pytest.raises(ReportInputError, match=r"h.csv: no rows \(only a header\)"):
        read_inputs(_cfg(header))
    r = _write(tmp_path / "r2.csv", "customer_id,score\nA,9\n")
    cfg = _cfg(r)
    cfg.customers.path = _write(tmp_path / "c.csv", "customer_id,plan\n")
    with pytest.raises(ReportInputError, match=r"c.csv: no rows \(only a header\)"):
        read_inputs(cfg)


# --- D5: UTF-16 -----------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_files_are_read_and_guessed(tmp_path, encoding):
    text = "Customer ID\tScore\tComment\nC1\t9\tcafé\nC1\t3\tüber\nC2\t10\t\n"
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    p = tmp_path / "r.txt"
    p.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    # Read with the default encoding: the byte-order mark says UTF-16.
    cfg = _cfg(p, separator="\t")
    cfg.responses.columns.update(customer_id="Customer ID", score="Score", comment="Comment")
    got = read_inputs(cfg)
    assert got.responses["score"].tolist() == [9, 3, 10]
    assert got.responses["comment"].iloc[0] == "café"
    toml = init_template(responses=p, base=tmp_path)
    assert "\x00" not in toml and toml.endswith("\n")
    parsed = tomllib.loads(toml)
    assert parsed["responses"]["encoding"] == "utf-16"
    assert parsed["responses"]["separator"] == "\t"
    assert parsed["responses"]["score"] == "Score"


def test_init_writes_no_control_characters(tmp_path):
    p = _write(tmp_path / "r.csv", "customer_id,score,\x01odd\nA,9,x\nA,3,y\nB,7,x\nC,8,y\nD,1,x\n")
    toml = init_template(responses=p, base=tmp_path)
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", toml)
    tomllib.loads(toml)
    assert toml.endswith("\n") and not toml.endswith("\n\n")


def test_init_utf8_bom(tmp_path):
    p = _write(tmp_path / "r.csv", "\ufeffcustomer_id;score\nA;9\nA;3\n")
    parsed = tomllib.loads(init_template(responses=p, base=tmp_path))
    assert parsed["responses"]["encoding"] == "utf-8-sig"
    assert parsed["responses"]["customer_id"] == "customer_id"


# --- D6: the customer id repeats ------------------------------------------------------------

@pytest.mark.parametrize("response_col, customer_col", [
    ("ID Réponse", "N° client"), ("Response ID", "Account"), ("Id", "Cliente"),
    ("Nr", "Kunde")])
def test_init_picks_the_repeating_id_as_customer(tmp_path, response_col, customer_col):
    rng = np.random.default_rng(3)
    n = 60
    df = pd.DataFrame({response_col: [f"R{i:04d}" for i in range(n)],
                       customer_col: [f"C{int(i):03d}" for i in rng.integers(0, 15, n)],
                       "Note": rng.integers(0, 11, n)})
    p = tmp_path / "r.csv"
    df.to_csv(p, sep=";", index=False)
    parsed = tomllib.loads(init_template(responses=p, base=tmp_path))
    assert parsed["responses"]["customer_id"] == customer_col
    assert parsed["responses"]["response_id"] == response_col


# --- D12: value checks name file, column and line ----------------------------------------

def _transactions(tmp_path: Path, amounts: list[str], parquet: bool) -> ReportConfig:
    cfg = _cfg(_write(tmp_path / "r.csv", "customer_id,score\nA,9\n"))
    t = pd.DataFrame({"customer_id": ["A"] * len(amounts), "date": ["2025-01-01"] * len(amounts),
                      "amount": amounts})
    if parquet:
        path = tmp_path / "t.parquet"
        t.assign(amount=t["amount"].astype(float)).to_parquet(path)
    else:
        path = tmp_path / "t.csv"
        path.write_text(t.to_csv(index=False).replace("\n", "\n\n", 2))  # blank lines too
    cfg.transactions.path = path
    return cfg


@pytest.mark.parametrize("parquet, place", [(False, "line 6"), (True, "row 3")])
def test_negative_amount_names_file_column_and_place(tmp_path, parquet, place):
    cfg = _transactions(tmp_path, ["10", "20.5", "-3.25", "4"], parquet)
    name = "t.parquet" if parquet else "t.csv"
    with pytest.raises(ReportInputError,
                       match=rf'{name}, {place}, column "amount": transactions.amount is -3.25: '
                             r"an amount is finite and >= 0"):
        read_inputs(cfg)


@pytest.mark.parametrize("column, value, why", [
    ("arr", "-5", "a value is finite and >= 0"), ("clv", "inf", "a value is finite and >= 0")])
def test_customer_values_are_checked(tmp_path, column, value, why):
    cfg = _cfg(_write(tmp_path / "r.csv", "customer_id,score\nA,9\n"))
    cfg.customers.path = _write(tmp_path / "c.csv", f"customer_id,{column}\nA,1\nB,\nC,{value}\n")
    with pytest.raises(ReportInputError,
                       match=rf'c.csv, line 4, column "{column}": customers.{column} is '
                             rf"{value}: {why}"):
        read_inputs(cfg)


@pytest.mark.parametrize("column, value, why", [
    ("churn_risk", "1.5", r"a probability is in \[0, 1\]"),
    ("sla_hours", "0", r"an SLA is in \(0, 1000000\] hours"),
    ("score", "12", "a score is a whole number 0..10"),
    ("clv", "-1", "a value is finite and >= 0")])
def test_case_values_are_checked(tmp_path, column, value, why):
    cfg = _cfg(_write(tmp_path / "r.csv", "customer_id,score\nA,9\n"))
    cfg.cases.path = _write(tmp_path / "k.csv",
                            f"opened_at,{column}\n2025-01-01,1\n2025-01-02,{value}\n")
    with pytest.raises(ReportInputError,
                       match=rf'k.csv, line 3, column "{column}": cases.{column} is {value}: '
                             rf"{why}"):
        read_inputs(cfg)


def test_case_contact_before_opening(tmp_path):
    cfg = _cfg(_write(tmp_path / "r.csv", "customer_id,score\nA,9\n"))
    cfg.cases.path = _write(tmp_path / "k.csv", "opened_at,first_contact_at\n"
                                                 "2025-01-01,2025-01-02\n2025-01-05,2025-01-04\n")
    with pytest.raises(ReportInputError,
                       match=r'k.csv, line 3, column "first_contact_at": .* before the opening'):
        read_inputs(cfg)


# --- D13: thousands separators ----------------------------------------------------------

def test_init_detects_a_thousands_comma(tmp_path):
    p = tmp_path / "c.csv"
    with open(p, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Customer Number", "ARR", "Signup Date"])
        w.writerows([[1, "1,822.99", "01/02/2023"], [2, "985.10", "03/04/2023"],
                     [3, "14,335.69", "05/06/2023"]])
    r = _write(tmp_path / "r.csv", "Customer Number,Score\n1,9\n1,3\n")
    toml = init_template(responses=r, customers=p, base=tmp_path)
    parsed = tomllib.loads(toml)
    assert parsed["customers"]["thousands"] == ","
    assert "decimal" not in parsed["customers"]
    assert "day/month order is a guess" in toml  # no day above 12
    cfg = _cfg(r)
    cfg.customers.path = p
    cfg.customers.columns.update(customer_id="Customer Number", arr="ARR")
    cfg.responses.columns.update(customer_id="Customer Number", score="Score")
    with pytest.raises(ReportInputError,
                       match=r'c.csv, line 2, column "ARR": \'1,822.99\' is not a number .*'
                             r'set thousands = ","'):
        read_inputs(cfg)
    cfg.customers.csv["thousands"] = ","
    assert read_inputs(cfg).customers["arr"].tolist() == [1822.99, 985.10, 14335.69]


def test_init_decimal_comma_and_decided_day_month(tmp_path):
    p = _write(tmp_path / "c.csv", "id;CA;depuis\n1;1.234,56;25/01/2023\n2;12,50;03/02/2023\n")
    toml = init_template(responses=_write(tmp_path / "r.csv", "id;score\n1;9\n1;3\n"),
                         customers=p, base=tmp_path)
    parsed = tomllib.loads(toml)
    assert (parsed["customers"]["decimal"], parsed["customers"]["thousands"]) == (",", ".")
    assert parsed["customers"]["date_format"] == "%d/%m/%Y"
    assert "day/month order is a guess" not in toml  # 25/01 decides it


def test_grouped_number_hint_with_decimal_comma(tmp_path):
    p = _write(tmp_path / "r.csv", "customer_id;score\nA;9\n")
    cfg = _cfg(p, separator=";")
    cfg.customers.path = _write(tmp_path / "c.csv", "customer_id;arr\nA;1.234,56\n")
    with pytest.raises(ReportInputError,
                       match=r'set thousands = "\." and decimal = ","'):
        read_inputs(cfg)


# --- Review findings: by-name ids first, long fields, what a blank line is, TOML escapes ---

def test_init_keeps_a_column_named_customer_id(tmp_path):
    # Each customer once in the first rows, another id-like column repeating:
    # the column named customer_id is still the customer's.
    files = {
        "responses": "customer_id,survey_id,score,date\nc1,s1,9,2025-01-01\nc2,s2,7,2025-01-02\n"
                     "c3,s1,3,2025-01-03\n",
        "cases": "case_id,customer_id,owner_id,opened_at\nk1,c1,o1,2025-01-01\n"
                 "k2,c2,o1,2025-01-02\n",
    }
    paths = {k: _write(tmp_path / f"{k}.csv", v) for k, v in files.items()}
    cfg = tomllib.loads(init_template(responses=paths["responses"], cases=paths["cases"]))
    assert cfg["responses"]["customer_id"] == "customer_id"
    assert cfg["cases"]["customer_id"] == "customer_id"


def test_a_field_longer_than_the_csv_module_limit(tmp_path):
    r = _write(tmp_path / "r.csv", 'customer_id,score,comment\nA,9,"' + "x" * 200_000
               + '"\nB,3,\nD,11,\n')
    with pytest.raises(ReportInputError, match=r"r.csv, line 4, column \"score\""):
        read_inputs(_cfg(r))


@pytest.mark.parametrize("line", ['""', "\u00a0", "\x0c"])
def test_lines_the_readers_keep_are_counted(tmp_path, line):
    # A quoted empty field, a no-break space or a form feed is no blank line
    # for pandas or Arrow: the line numbers count it.
    r = _write(tmp_path / "r.csv", f"customer_id,score\nA,9\n{line}\nB,3\nD,11\n")
    with pytest.raises(ReportInputError, match=r"r.csv, line 5, column \"score\": score 11"):
        read_inputs(_cfg(r))


def test_init_escapes_line_breaks_in_names(tmp_path):
    r = _write(tmp_path / "r.csv", 'customer_id,"the\nscore",date,"pl\nan",a,b,c,d\n'
               "c1,9,2025-01-01,x,1,1,1,1\nc1,7,2025-01-02,y,2,2,2,2\n")
    text = init_template(responses=r)
    cfg = tomllib.loads(text)  # valid TOML
    assert cfg["responses"]["score"] == "the\nscore"
    assert all(ord(ch) >= 32 for line in text.splitlines() for ch in line)


# --- A naive local time at a clock change ---------------------------------------------------

def test_clock_change_rule(tmp_path):
    r = _write(tmp_path / "r.csv", "customer_id;score;when\nA;9;27.10.2024 02:11\n"
               "B;3;31.03.2024 02:30\nD;10;28.10.2024 09:00\n")
    cfg = _cfg(r)
    cfg.csv.separator = ";"
    cfg.csv.date_format = "%d.%m.%Y %H:%M"
    cfg.responses.columns["responded_at"] = "when"
    cfg.timezone = "Europe/Berlin"
    with pytest.raises(ReportInputError, match=r"line 2, column \"when\": '27.10.2024 02:11' "
                                               r"occurs twice .* clock_change = \"earlier\""):
        read_inputs(cfg)
    # The gap's start is the last instant before it (to the times' unit).
    want = {"earlier": ["2024-10-27 00:11", "2024-03-31 01:00", "2024-10-28 08:00"],
            "later": ["2024-10-27 01:11", "2024-03-31 01:00", "2024-10-28 08:00"]}
    for rule, times in want.items():
        cfg.csv.clock_change = rule
        got = read_inputs(cfg)
        diff = got.responses["responded_at"] - pd.DatetimeIndex(times, tz="UTC")
        gaps = ({pd.Timedelta(microseconds=-1), pd.Timedelta(nanoseconds=-1)}
                if rule == "earlier" else {pd.Timedelta(0)})
        assert diff[0] == diff[2] == pd.Timedelta(0) and diff[1] in gaps
        assert f"2 local times at a clock change in Europe/Berlin read as the {rule} instant" \
            in got.data_note
    bad = _write(tmp_path / "c.toml", '[csv]\nclock_change = "first"\n')
    from npscore._report_io import load_config
    with pytest.raises(ReportInputError, match=r'clock_change is "first": use "error" or '
                                               r'"earlier" or "later"'):
        load_config(bad)


def test_init_takes_a_repeating_id_over_a_bare_id(tmp_path):
    # "id" is the response's here; the customer's repeats.
    r = _write(tmp_path / "r.csv", "id,client_number,score,date\nr1,c1,9,2025-01-01\n"
               "r2,c1,7,2025-01-02\nr3,c2,3,2025-01-03\nr4,c3,10,2025-01-04\n")
    cfg = tomllib.loads(init_template(responses=r))["responses"]
    assert cfg["customer_id"] == "client_number" and cfg["response_id"] == "id"


def test_a_line_of_separators_in_a_tab_separated_file_is_a_row(tmp_path):
    r = _write(tmp_path / "r.tsv", "customer_id\tscore\tdate\nA\t9\t2025-01-01\n\t\t\n"
               "B\t3\t2025-01-02\n")
    with pytest.raises(ReportInputError, match=r"r.tsv, line 3, column \"score\": no score "
                                               r"\(1 row without one\)"):
        read_inputs(_cfg(r, separator="\t"))
