"""The user's files for `npscore report`: the project file (TOML), reading
CSV and Parquet files onto the canonical columns of `report.ReportInputs`,
and the commented template of `npscore report --init`.

Every key is documented in docs/report-config.md. Every bad input raises
`ReportInputError` naming the file, the place and the value. Places in a
CSV file are *lines* as a spreadsheet or an editor numbers them (the header
is line 1, the first data row line 2); in a Parquet file they are *rows*
counted from 1.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import difflib
import io
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

import numpy as np
import pandas as pd

from . import _args

if TYPE_CHECKING:  # report imports this module
    from .report import ReportInputs
from ._convert import arrow_text as _arrow_text, is_unique, positions

__all__ = ["ReportInputError", "ReportConfig", "InputFile", "CsvOptions", "load_config",
           "read_inputs", "init_template", "FILES", "COLUMNS"]

Progress = Optional[Callable[[str, Optional[int]], None]]


class ReportInputError(ValueError):
    """A bad input file, column, value or configuration key: the message
    names what, where (file and line or row) and which value."""


# --- The schema ------------------------------------------------------------------

#: The input files, in the order they are read.
FILES = ("responses", "customers", "transactions", "churn", "events", "owners", "contacts",
         "cases")

#: Canonical columns of each file: name -> (kind, required). Kinds: "key" (text
#: kept exactly, "007" stays "007"), "text", "time", "number", "score", "bool",
#: "flag" (a bool that may be missing: 1.0 / 0.0 / NaN).
COLUMNS: dict[str, dict[str, tuple[str, bool]]] = {
    "responses": {"customer_id": ("key", False), "score": ("score", True),
                  "response_id": ("key", False),
                  "responded_at": ("time", False), "comment": ("text", False),
                  "survey_kind": ("key", False)},
    "customers": {"customer_id": ("key", True), "signup_at": ("time", False),
                  "arr": ("number", False), "clv": ("number", False),
                  "owner": ("key", False)},
    "transactions": {"customer_id": ("key", True), "date": ("time", True),
                     "amount": ("number", True)},
    "churn": {"customer_id": ("key", True), "churned_at": ("time", False),
              "churned": ("bool", False)},
    "events": {"time": ("time", True), "label": ("text", True), "kind": ("key", False),
               "end": ("time", False), "plan": ("key", False), "theme": ("key", False)},
    "owners": {"owner": ("key", True), "capacity": ("number", True)},
    "contacts": {"response_id": ("key", True), "contacted_at": ("time", False)},
    "cases": {"case_id": ("key", False), "customer_id": ("key", False),
              "opened_at": ("time", True), "segment": ("key", False), "score": ("number", False),
              "owner": ("key", False), "sla_hours": ("number", False),
              "first_contact_at": ("time", False), "closed_at": ("time", False),
              "recovered": ("flag", False), "next_score": ("number", False),
              "churned": ("flag", False), "churn_risk": ("number", False),
              "clv": ("number", False)},
}

CSV_KEYS = ("separator", "encoding", "decimal", "thousands", "date_format", "timezone", "missing",
            "clock_change")
#: How a naive local time at a clock change is read: an error, or the
#: earlier / later instant (the hour that occurs twice; a time the clocks
#: skip moves to the gap's start / end).
CLOCK_CHANGE = ("error", "earlier", "later")
_FILE_KEYS = ("path", "format", *CSV_KEYS)
_REPORT_KEYS = ("title", "timezone", "period", "sla_hours", "slices", "weight",
                "unknown_customers", "missing_scores", "out_dir", "response_rate", "currency")
PERIODS = ("D", "W", "M", "Q")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass
class CsvOptions:
    """How CSV files are written. `timezone` reads naive times ("" = the
    report's time zone); `missing` lists the strings that mean missing in
    every column (default: only the empty field)."""

    separator: str = ","
    encoding: str = "utf-8"
    decimal: str = "."
    thousands: str = ""
    date_format: str = ""  # strftime, e.g. "%d.%m.%Y"; "" = ISO 8601
    timezone: str = ""
    missing: tuple[str, ...] = ("",)
    clock_change: str = "error"  # CLOCK_CHANGE


@dataclass
class InputFile:
    """One input file: its path, format ("" = from the suffix), the user's
    column for each canonical name ("" = none), the CSV options it sets
    itself (the rest come from `ReportConfig.csv`) and, for customers, the
    extra attribute columns to keep."""

    path: Optional[Path] = None
    format: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    csv: dict[str, Any] = field(default_factory=dict)
    attributes: list[str] = field(default_factory=list)


@dataclass
class ReportConfig:
    """Everything the project file and the command line can say."""

    responses: InputFile = field(default_factory=InputFile)
    customers: InputFile = field(default_factory=InputFile)
    transactions: InputFile = field(default_factory=InputFile)
    churn: InputFile = field(default_factory=InputFile)
    events: InputFile = field(default_factory=InputFile)
    owners: InputFile = field(default_factory=InputFile)
    contacts: InputFile = field(default_factory=InputFile)
    cases: InputFile = field(default_factory=InputFile)
    csv: CsvOptions = field(default_factory=CsvOptions)
    title: str = ""
    currency: str = "$"  # printed before amounts: "$", "€", "EUR "
    timezone: str = "UTC"
    period: str = "Q"
    sla_hours: tuple[float, ...] = (24.0, 72.0, 168.0)
    slices: list[str] = field(default_factory=list)
    weight: Optional[str] = None  # None: "arr" when mapped, else "clv", else none; "" none
    unknown_customers: str = "keep"  # keep | drop | error
    missing_scores: str = "error"  # error | skip
    out_dir: Optional[Path] = None
    response_rate: Optional[float] = None  # None: the survey plan estimates it
    source: Optional[Path] = None  # the project file, when there is one

    def file(self, name: str) -> InputFile:
        return getattr(self, name)


# --- The project file --------------------------------------------------------------

def _valid_keys() -> dict[str, tuple[str, ...]]:
    keys = {"report": _REPORT_KEYS, "csv": CSV_KEYS}
    for name in FILES:
        extra = ("attributes",) if name == "customers" else ()
        keys[name] = (*_FILE_KEYS, *COLUMNS[name], *extra)
    return keys


def _line_of(text: str, table: str, key: str) -> Optional[int]:
    """The line of `key` in `[table]` of a TOML text (None if not found)."""
    current = ""
    for i, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        m = re.match(r"\[\s*([^\]]+?)\s*\]", s)
        if m and not s.startswith("[["):
            current = m.group(1).strip().strip('"')
            continue
        m = re.match(r'(["\']?)([^"\'=\s]+)\1\s*=', s)
        if m and m.group(2) == key and current == table:
            return i
        if m and current == "" and m.group(2) in (f"{table}.{key}",) and table:
            return i
    return None


def _unknown_key(path: Path, text: str, table: str, key: str) -> ReportInputError:
    valid = _valid_keys()
    place = f"{path}" + (f" line {n}" if (n := _line_of(text, table, key)) else "")
    where = f"[{table}]" if table else "the top level"
    if not table:
        near = difflib.get_close_matches(key, list(valid), n=1)
        hint = f'; did you mean "[{near[0]}]"?' if near else f"; the tables are {', '.join(valid)}"
        return ReportInputError(f'{place}: unknown table "{key}" at {where}{hint}')
    near = difflib.get_close_matches(key, valid[table], n=1, cutoff=0.6)
    if near:
        hint = f'; did you mean "{near[0]}"?'
    else:
        elsewhere = [f"{t}.{key}" for t, keys in valid.items() if key in keys and t != table]
        hint = (f'; "{key}" belongs in [{elsewhere[0].split(".")[0]}]' if elsewhere
                else f"; valid keys: {', '.join(valid[table])}")
    return ReportInputError(f'{place}: unknown key "{key}" in {where}{hint}')


def _bad(path: Any, text: str, table: str, key: str, why: str) -> ReportInputError:
    n = _line_of(text, table, key) if text else None
    place = f"{path}" + (f" line {n}" if n else "")
    return ReportInputError(f"{place}: {table}.{key} {why}")


def _string(v: Any, ctx: tuple) -> str:
    if not isinstance(v, str):
        raise _bad(*ctx, f"must be a string, got {_args.shown(v)}")
    return v


def _strings(v: Any, ctx: tuple) -> list[str]:
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise _bad(*ctx, f"must be a list of strings, got {_args.shown(v)}")
    return list(v)


def _csv_option(key: str, v: Any, ctx: tuple) -> Any:
    if key == "missing":
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise _bad(*ctx, f'must be a list of strings such as ["", "n/a"], got {_args.shown(v)}')
        return tuple(v)
    v = _string(v, ctx)
    if key == "clock_change":
        return _choice(v, ctx, CLOCK_CHANGE)
    if key in ("separator", "decimal") and len(v) != 1:
        raise _bad(*ctx, f'must be one character, got "{v}"')
    if key == "thousands" and len(v) > 1:
        raise _bad(*ctx, f'must be one character or "", got "{v}"')
    if key == "encoding":
        import codecs
        try:
            codecs.lookup(v)
        except LookupError:
            raise _bad(*ctx, f'"{v}" is not an encoding Python knows (e.g. "utf-8", '
                             '"latin-1", "cp1252")') from None
    if key == "timezone" and v:
        _zone(v, ctx)
    if key == "date_format" and v and "%" not in v:
        raise _bad(*ctx, f'"{v}" is not a strftime format (write e.g. "%d.%m.%Y")')
    return v


def _zone(v: str, ctx: tuple) -> str:
    try:
        return _args.time_zone(v, "timezone")
    except (ValueError, TypeError) as e:
        raise _bad(*ctx, f"is not a time zone: {e}") from None


def _period(v: Any, ctx: tuple) -> str:
    v = _string(v, ctx)
    if v not in PERIODS:
        raise _bad(*ctx, f'is "{v}": use "D" (days), "W" (ISO weeks), "M" (months) or '
                         '"Q" (quarters)')
    return v


def _hours(v: Any, ctx: tuple) -> tuple[float, ...]:
    if isinstance(v, str):
        try:
            v = [float(x) for x in v.split(",") if x.strip()]
        except ValueError:
            raise _bad(*ctx, f'must be hours such as "24,72,168", got "{v}"') from None
    if (not isinstance(v, list) or len(v) != 3 or not all(_args.is_number(x) for x in v)
            or not all(0 < x < float("inf") for x in v)):
        raise _bad(*ctx, "must be three positive hours (recover, make it a 10, advocacy), "
                         f"e.g. [24, 72, 168], got {_args.shown(v)}")
    return tuple(float(x) for x in v)


def _choice(v: Any, ctx: tuple, choices: Sequence[str]) -> str:
    v = _string(v, ctx)
    if v not in choices:
        raise _bad(*ctx, f'is "{v}": use ' + " or ".join(f'"{c}"' for c in choices))
    return v


def _set_report_key(cfg: ReportConfig, key: str, v: Any, ctx: tuple, base: Path) -> None:
    if key == "title":
        cfg.title = _string(v, ctx)
    elif key == "currency":
        cfg.currency = currency(_string(v, ctx), lambda why: _bad(*ctx, why))
    elif key == "timezone":
        cfg.timezone = _zone(_string(v, ctx), ctx)
    elif key == "period":
        cfg.period = _period(v, ctx)
    elif key == "sla_hours":
        cfg.sla_hours = _hours(v, ctx)
    elif key == "slices":
        cfg.slices = _strings(v, ctx)
    elif key == "weight":
        cfg.weight = _choice(v, ctx, ("arr", "clv", ""))
    elif key == "unknown_customers":
        cfg.unknown_customers = _choice(v, ctx, ("keep", "drop", "error"))
    elif key == "missing_scores":
        cfg.missing_scores = _choice(v, ctx, ("error", "skip"))
    elif key == "out_dir":
        cfg.out_dir = base / _string(v, ctx)
    elif key == "response_rate":
        cfg.response_rate = response_rate(v, lambda why: _bad(*ctx, why))


def currency(v: str, error: Callable[[str], Exception]) -> str:
    """A currency symbol or code to print before amounts: at most 8
    characters on one line; `error(why)` builds the exception."""
    if not v.strip() or len(v) > 8 or any(not c.isprintable() for c in v):
        raise error(f"is {v!r}: give a symbol or code of 1 to 8 printable characters, "
                    'e.g. "€" or "EUR "')
    return v


def response_rate(v: Any, error: Callable[[str], Exception]) -> float:
    """A survey response rate in (0, 1]; `error(why)` builds the exception."""
    if not _args.is_number(v) or not 0 < float(v) <= 1:
        raise error(f"must be a response rate in (0, 1] such as 0.3, got {_args.shown(v)}")
    return float(v)


def _set_file_key(spec: InputFile, name: str, key: str, v: Any, ctx: tuple, base: Path) -> None:
    if key == "path":
        spec.path = base / _string(v, ctx)
    elif key == "format":
        spec.format = _choice(v, ctx, ("csv", "parquet", ""))
    elif key in CSV_KEYS:
        spec.csv[key] = _csv_option(key, v, ctx)
    elif key == "attributes":
        spec.attributes = _strings(v, ctx)
    else:
        spec.columns[key] = _string(v, ctx)


def load_config(path: Any) -> ReportConfig:
    """The project file at `path` as a ReportConfig. Relative paths in it are
    relative to its directory. An unknown key is an error naming the key,
    its line and the nearest valid key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportInputError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ReportInputError(f"config file {path} cannot be read: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ReportInputError(f"{path}: not valid TOML: {e}") from None
    cfg = ReportConfig(source=path)
    base = path.parent
    valid = _valid_keys()
    for table, body in data.items():
        if table not in valid:
            raise _unknown_key(path, text, "", table)
        if not isinstance(body, dict):
            raise ReportInputError(f"{path} line {_line_of(text, '', table) or '?'}: "
                                   f"{table} must be a table ([{table}])")
        for key, v in body.items():
            if key not in valid[table]:
                raise _unknown_key(path, text, table, key)
            ctx = (path, text, table, key)
            if table == "report":
                _set_report_key(cfg, key, v, ctx, base)
            elif table == "csv":
                setattr(cfg.csv, key, _csv_option(key, v, ctx))
            else:
                _set_file_key(cfg.file(table), table, key, v, ctx, base)
    return cfg


# --- Reading one file ----------------------------------------------------------------

@dataclass
class _Source:
    """One file being read: its name in messages and how places are counted.
    `kept` maps the rows of a filtered frame (responses without a score
    left out) back to the file's data rows."""

    name: str
    path: Path
    format: str
    opts: CsvOptions
    tz: str
    kept: Optional[np.ndarray] = None
    clock_changed: int = 0  # naive times at a clock change read by opts.clock_change

    def where(self, i: int) -> str:
        row = int(self.kept[i]) if self.kept is not None else i
        return f"line {_file_line(self, row)}" if self.format == "csv" else f"row {row + 1}"

    def at(self, i: int, col: str) -> str:
        return f'{self.path}, {self.where(i)}, column "{col}"'


def _blank(raw: str, separator: str = ",", first: bool = False) -> bool:
    """A line the CSV readers skip (pandas' skip_blank_lines, Arrow's
    ignore_empty_lines): empty, or spaces and tabs only, but for the
    separator (a line of tabs in a tab-separated file is a row of empty
    fields); a byte-order mark only at the start of the file. A quoted empty
    field ("") or other white space is a row."""
    white = "".join(c for c in " \t" if c != separator) + "\r\n"
    return not raw.lstrip("\ufeff" if first else "").strip(white)


def _file_line(src: _Source, row: int) -> int:
    """The line of the file (from 1, as an editor counts) on which data row
    `row` (from 0, blank lines not counted, as the readers give rows)
    starts: quoted fields spanning lines, blank lines and a header over
    several lines all counted. Only on the way to an error: a pass over the
    file up to the row, by the csv module."""
    o = src.opts
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # pandas reads fields of any length
    try:
        with open(src.path, encoding=o.encoding, errors="replace", newline="") as f:
            return _line_of_row(f, o.separator, row)
    finally:
        csv.field_size_limit(limit)


def _line_of_row(f: Any, separator: str, row: int) -> int:
    """`_file_line`'s pass over the open file `f`."""
    raw: list[str] = []  # the text of the record being read

    def lines() -> Any:
        for line in f:
            raw.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=separator)
    header = False
    n = -1
    while True:
        start = reader.line_num + 1
        raw.clear()
        try:
            next(reader)
        except StopIteration:
            return start
        if _blank("".join(raw), separator, start == 1):
            continue
        if not header:
            header = True
            continue
        n += 1
        if n == row:
            return start


def _format_of(spec: InputFile, name: str) -> str:
    if spec.format:
        return spec.format
    suffixes = [s.lower() for s in spec.path.suffixes] if spec.path else []
    if ".parquet" in suffixes or ".pq" in suffixes:
        return "parquet"
    if suffixes and suffixes[-1] in (".csv", ".txt", ".tsv") or ".csv" in suffixes:
        return "csv"
    raise ReportInputError(f'{name} file {spec.path}: cannot tell its format from the suffix; '
                           f'set {name}.format = "csv" or "parquet"')


def _source(cfg: ReportConfig, name: str) -> _Source:
    spec = cfg.file(name)
    assert spec.path is not None
    if not spec.path.exists():
        siblings = ([p.name for p in spec.path.parent.glob("*")]
                    if spec.path.parent.is_dir() else [])
        near = difflib.get_close_matches(spec.path.name, siblings, n=1)
        hint = f' (did you mean "{spec.path.parent / near[0]}"?)' if near else ""
        raise ReportInputError(f"{name} file not found: {spec.path}{hint}")
    if spec.path.is_dir():
        raise ReportInputError(f"{name} file {spec.path} is a directory, not a file")
    opts = dataclasses.replace(cfg.csv, **spec.csv)
    fmt = _format_of(spec, name)
    if fmt == "csv" and codecs.lookup(opts.encoding).name in ("utf-8", "utf-8-sig"):
        # A UTF-16 byte-order mark (Excel's "Unicode text") is no UTF-8: the
        # file says its encoding, and UTF-8 could not read a byte of it.
        with open(spec.path, "rb") as f:
            if f.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                opts = dataclasses.replace(opts, encoding="utf-16")
    return _Source(name=name, path=spec.path, format=fmt, opts=opts,
                   tz=opts.timezone or cfg.timezone)


def _pyarrow_parquet(src: _Source) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ReportInputError(f"reading {src.path} (Parquet) needs pyarrow: "
                               "pip install pyarrow") from None
    return pq


def _header(src: _Source) -> list[str]:
    """The column names of the file, as written (duplicates kept)."""
    if src.format == "parquet":
        pq = _pyarrow_parquet(src)
        try:
            return list(pq.read_schema(src.path).names)
        except Exception as e:  # pyarrow's ArrowInvalid and friends
            raise ReportInputError(f"{src.path} is not a readable Parquet file: {e}") from None
    o = src.opts
    try:
        with open(src.path, encoding=o.encoding, newline="") as f:
            first = next((r for r in csv.reader(f, delimiter=o.separator)
                          if not _blank(o.separator.join(r), o.separator, True)), [])
    except UnicodeDecodeError as e:
        raise _encoding_error(src, e) from None
    if first and first[0].startswith("\ufeff"):
        first[0] = first[0][1:]
    if not first:
        raise ReportInputError(f"{src.path}: empty file: no header (the first line names the "
                               f"columns; {src.name} needs " + ", ".join(
                                   c for c, (_, req) in COLUMNS[src.name].items() if req) + ")")
    return first


def _encoding_error(src: _Source, e: UnicodeDecodeError) -> ReportInputError:
    return ReportInputError(
        f"{src.path} is not {src.opts.encoding} text (byte {e.object[e.start:e.start + 1]!r} at "
        f"offset {e.start}); set encoding, e.g. \"latin-1\" or \"cp1252\"")


def _resolve(cfg: ReportConfig, src: _Source, header: list[str],
             extra: Sequence[str] = ()) -> dict[str, str]:
    """Canonical name -> the file's column, for the mapped and the default
    columns present; a mapped column that is not in the file, or a required
    one that is missing, is an error naming the nearest column."""
    spec = cfg.file(src.name)
    out: dict[str, str] = {}
    wanted = [(c, spec.columns.get(c, c), req, c in spec.columns)
              for c, (_, req) in COLUMNS[src.name].items()]
    wanted += [(c, c, True, True) for c in extra]
    for canon, col, required, explicit in wanted:
        if col == "":
            if required:
                raise ReportInputError(f"{src.name}.{canon} is required: name its column "
                                       f"in {src.path}")
            continue
        if col not in header:
            if not (explicit or required):
                continue
            raise _missing_column(src, canon, col, header, explicit)
        if header.count(col) > 1:
            raise ReportInputError(f'{src.path}: column "{col}" appears {header.count(col)} '
                                   "times in the header; rename one of them")
        out[canon] = col
    return out


def _missing_column(src: _Source, canon: str, col: str, header: list[str],
                    explicit: bool) -> ReportInputError:
    near = difflib.get_close_matches(col, header, n=1, cutoff=0.5)
    if not near:
        near = difflib.get_close_matches(col.lower(), [h.lower() for h in header], n=1, cutoff=0.5)
        near = [h for h in header if h.lower() in near][:1]
    how = f"{src.name}.{canon}" if explicit else f"the default for {src.name}.{canon}"
    hint = f'; the nearest column is "{near[0]}"' if near else ""
    if len(header) == 1 and src.format == "csv":
        for sep in (";", "\t", ",", "|"):
            if sep in header[0] and sep != src.opts.separator:
                hint += f"; the header holds {sep!r}: set separator = {sep!r}"
                break
    return ReportInputError(f'{src.path}: no column "{col}" ({how}){hint}; the columns are '
                            + ", ".join(f'"{h}"' for h in header[:20])
                            + (" ..." if len(header) > 20 else ""))


def _read_csv_arrow(src: _Source, usecols: list[str], numeric: set[str]
                    ) -> Optional[pd.DataFrame]:
    """The CSV file's columns by pyarrow's reader (multi-threaded, no Python
    object per value), the same frame pandas' reader gives: text columns as
    `str`, numbers as float64, the `missing` strings (quoted or not) as
    missing. None, and pandas reads the file (and words any error), when
    pyarrow is not installed, the options need pandas (encodings other than
    UTF-8, a thousands separator, `missing` without the empty field) or
    pyarrow cannot read it as pandas would (a malformed row, a number with
    spaces, a line of white space, invalid UTF-8). Both skip blank lines
    (pandas' skip_blank_lines): they are no rows."""
    o = src.opts
    if (o.thousands or "" not in o.missing
            or codecs.lookup(o.encoding).name not in ("utf-8", "utf-8-sig")):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    # Text as large_string, the type pandas' `str` columns hold: to_pandas then
    # wraps each column instead of copying it into that type.
    types = {c: pa.float64() if c in numeric else pa.large_string() for c in usecols}
    try:
        table = pacsv.read_csv(
            src.path,
            parse_options=pacsv.ParseOptions(delimiter=o.separator, newlines_in_values=True,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types, include_columns=usecols, null_values=list(o.missing),
                strings_can_be_null=True, quoted_strings_can_be_null=True,
                decimal_point=o.decimal, check_utf8=True))
    except (pa.ArrowException, OSError, ValueError):
        return None
    # Each column's Arrow memory goes as soon as it is converted (the table is
    # not used again): the peak is not the table and the frame together.
    frame = table.to_pandas(self_destruct=True, split_blocks=True)
    del table
    if list(frame.columns) != usecols or any(
            frame[c].dtype != ("float64" if c in numeric else "str") for c in usecols):
        return None
    return frame


def _read(src: _Source, columns: dict[str, str], kinds: dict[str, str]) -> pd.DataFrame:
    """The file's mapped columns, renamed to canonical names; numbers parsed
    by the CSV reader where they parse, everything else kept as text."""
    usecols = list(dict.fromkeys(columns.values()))
    if src.format == "parquet":
        pq = _pyarrow_parquet(src)
        try:
            raw = pq.read_table(src.path, columns=usecols).to_pandas()
        except Exception as e:
            raise ReportInputError(f"{src.path} is not a readable Parquet file: {e}") from None
    else:
        o = src.opts
        numeric = {col for canon, col in columns.items() if kinds[canon] in ("number", "score")}
        text = {col: str for col in usecols if col not in numeric}
        kw = dict(sep=o.separator, encoding=o.encoding, decimal=o.decimal,
                  thousands=o.thousands or None, usecols=usecols, keep_default_na=False,
                  na_values=list(o.missing), skip_blank_lines=True, encoding_errors="strict")
        fast = _read_csv_arrow(src, usecols, numeric)
        try:
            try:
                raw = fast if fast is not None else pd.read_csv(
                    src.path, dtype={**text, **{c: "float64" for c in numeric}}, **kw)
            except ValueError as e:
                if isinstance(e, UnicodeDecodeError):
                    raise
                # A number that does not parse: read as text, and the check
                # below names its line.
                raw = pd.read_csv(src.path, dtype=str, **kw)
        except UnicodeDecodeError as e:
            raise _encoding_error(src, e) from None
        except pd.errors.ParserError as e:
            raise ReportInputError(f"{src.path}: {e}") from None
    return pd.DataFrame({canon: raw[col] for canon, col in columns.items()})


def _numbers(s: pd.Series, src: _Source, canon: str, col: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype) or not (
            pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)
            or s.dtype == object):
        raise ReportInputError(f'{src.path}: column "{col}" ({src.name}.{canon}) holds '
                               f"{s.dtype}, not numbers")
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    text = s.astype(object)
    cleaned = s.astype(str).str.strip()
    if src.opts.thousands:
        cleaned = cleaned.str.replace(src.opts.thousands, "", regex=False)
    if src.opts.decimal != ".":
        cleaned = cleaned.str.replace(src.opts.decimal, ".", regex=False)
    out = pd.to_numeric(cleaned.where(s.notna()), errors="coerce")
    bad = np.flatnonzero(out.isna().to_numpy() & s.notna().to_numpy())
    if len(bad):
        i = int(bad[0])
        raise ReportInputError(f"{src.at(i, col)}: {text.iloc[i]!r} is not a number"
                               + (f' (decimal separator "{src.opts.decimal}")'
                                  if src.format == "csv" else "")
                               + _grouping_hint(str(text.iloc[i]), src.opts))
    return out.astype("float64")


# A number whose digits are grouped by thousands: "1,822.99", "1.234,56", "12 500".
_GROUPED = re.compile(r"^\s*[-+]?\d{1,3}([,.' \u00a0\u202f])\d{3}(?:\1\d{3})*(?:([.,])\d+)?\s*$")


def _grouping_hint(value: str, o: CsvOptions) -> str:
    """How to read `value` when it groups thousands and the options do not
    say so ("" otherwise): the CSV keys to set."""
    m = _GROUPED.match(value)
    if not m or (m.group(2) and m.group(2) == m.group(1)) or o.thousands == m.group(1):
        return ""
    keys = [f'thousands = "{m.group(1)}"']
    if m.group(2) and m.group(2) != o.decimal:
        keys.append(f'decimal = "{m.group(2)}"')
    elif not m.group(2) and m.group(1) == o.decimal:
        return ""  # "1.234" with decimal ".": a number; cannot be here
    return "; it looks grouped by thousands: set " + " and ".join(keys) + " (--thousands)"


def _keys(s: pd.Series) -> pd.Series:
    """Ids and labels as text, exactly as written; missing stays missing."""
    if pd.api.types.is_string_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype):
        return s.astype(str).where(s.notna(), np.nan) if s.dtype == object else s
    if pd.api.types.is_float_dtype(s.dtype):  # Parquet ids stored as floats with gaps
        as_int = s.dropna()
        if (as_int == np.floor(as_int)).all():
            return s.map(lambda v: v if pd.isna(v) else str(int(v))).astype("str")
    return s.astype(object).map(lambda v: v if pd.isna(v) else str(v)).astype("str")


# An offset after a clock time: the time is aware ("2025-01-31" is not).
_AWARE = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:[zZ]|[+-]\d\d(?::?\d\d)?|UTC|GMT)\s*$"


def _aware(text: pd.Series) -> np.ndarray:
    """Which values match _AWARE: by pyarrow's RE2 for ASCII values (where
    its classes and Python's agree), by Python's re for the others."""
    if not _arrow_text(text):
        return text.str.contains(_AWARE, regex=True, na=False).to_numpy()
    import pyarrow as pa
    import pyarrow.compute as pc

    a = pa.array(text)
    out = np.array(pc.match_substring_regex(a, _AWARE).fill_null(False), dtype=bool)
    other = ~np.array(pc.string_is_ascii(a).fill_null(True), dtype=bool)
    if other.any():
        out[other] = text[other].str.contains(_AWARE, regex=True, na=False).to_numpy()
    return out


# Text parsed into times at a time: pandas makes a Python object of every
# value it parses (about 90 bytes a value), so at most this many are alive.
_PARSE_ROWS = 1 << 20
_NS_PER_DAY = 86_400 * 10**9


def _dates_only(times: pd.Series, tz: str) -> bool:
    """Whether every time is a midnight in `tz`, the file's zone (a file of
    dates): then many answers of one customer share an instant. The first
    thousand decide most files without a pass over all."""
    if not isinstance(times.dtype, pd.DatetimeTZDtype) or times.isna().all():
        return False
    for part in (times.iloc[:1000], times):
        wall = part.dt.tz_convert(tz).dt.tz_localize(None).array.asi8
        wall = wall[wall != np.iinfo(np.int64).min]
        if (wall % _NS_PER_DAY).any():
            return False
    return True


def _to_datetime(text: pd.Series, **kw: Any) -> pd.Series:
    """`pd.to_datetime(text, **kw)`, _PARSE_ROWS values at a time (each
    value is parsed on its own: the same instants)."""
    if len(text) <= _PARSE_ROWS:
        return pd.to_datetime(text, **kw)
    out = pd.concat([pd.to_datetime(text.iloc[i:i + _PARSE_ROWS], **kw)
                     for i in range(0, len(text), _PARSE_ROWS)])
    # Parts of different kinds (one time zone per part) are read whole, so
    # that pandas decides as it would without parts.
    return out if pd.api.types.is_datetime64_any_dtype(out.dtype) else pd.to_datetime(text, **kw)


def _stripped(s: pd.Series) -> pd.Series:
    """The text without leading and trailing white space, missing kept
    missing; Arrow text with none to strip is returned as it is (no copy
    kept alive while it is parsed)."""
    text = s.astype(str).str.strip().where(s.notna())
    if _arrow_text(s) and _arrow_text(text):
        import pyarrow.compute as pc

        same = pc.equal(text.array._pa_array, s.array._pa_array)
        if pc.all(same.fill_null(True)).as_py():
            return s
    return text


def _iso_by_arrow(s: pd.Series) -> pd.Series:
    """ISO 8601 text parsed by Arrow's cast (C++, no Python object per
    value): all with a UTC offset, or all without. Arrow reads a subset of
    what pandas' ISO 8601 parser reads, and the same instants; for anything
    else (surrounding white space, compact forms, a mix, an unparseable
    value) it raises ArrowInvalid or ArrowNotImplementedError, and the caller
    parses the text with pandas, which words any error."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = s.array._pa_array
    try:
        out = pc.cast(arr, pa.timestamp("ns", "UTC"))  # all with an offset
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        out = pc.cast(arr, pa.timestamp("ns"))  # all without, else the caller's fallback
    return pd.Series(out.to_pandas().array, index=s.index, name=s.name)


def _times(s: pd.Series, src: _Source, canon: str, col: str) -> pd.Series:
    """Dates and times as UTC instants: aware times keep their offset, naive
    ones are read in the file's time zone; an unparseable value, or a local
    time that does not exist or exists twice there, is an error."""
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        parsed = s
    elif not src.opts.date_format and _arrow_text(s):
        import pyarrow as pa

        try:
            parsed = _iso_by_arrow(s)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            parsed = _parsed_text(s, src, canon, col)
    else:
        parsed = _parsed_text(s, src, canon, col)
    if getattr(parsed.dt, "tz", None) is None:
        was = parsed.isna().to_numpy()
        local = parsed.dt.tz_localize(src.tz, nonexistent="NaT", ambiguous="NaT")
        bad = np.flatnonzero(local.isna().to_numpy() & ~was)
        rule = src.opts.clock_change
        if len(bad) and rule == "error":
            i = int(bad[0])
            gap = parsed.iloc[[i]].dt.tz_localize(src.tz, nonexistent="NaT",
                                                  ambiguous=np.array([True])).isna().iloc[0]
            why = ("does not exist (clocks jump forward)" if gap else
                   "occurs twice (clocks go back)")
            raise ReportInputError(f"{src.at(i, col)}: {str(s.iloc[i])!r} {why} in {src.tz}; "
                                   "give such times with a UTC offset, or read them as the "
                                   'earlier or later instant: clock_change = "earlier" or '
                                   '"later" ([csv] or the file\'s table; --clock-change)')
        if len(bad):  # by the rule asked for, and counted in the data note
            earlier = rule == "earlier"
            local = parsed.dt.tz_localize(
                src.tz, ambiguous=np.full(len(parsed), earlier),  # True: the summer-time instant
                nonexistent="shift_backward" if earlier else "shift_forward")
            src.clock_changed += len(bad)
        parsed = local
    return parsed.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def _parsed_text(s: pd.Series, src: _Source, canon: str, col: str) -> pd.Series:
    """Text parsed by pandas: the configured date format, else ISO 8601; the
    first value that does not parse is an error naming its row."""
    fmt = src.opts.date_format
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        raise ReportInputError(f'{src.path}: column "{col}" ({src.name}.{canon}) holds '
                               f"{s.dtype}, not dates (npscore does not guess a unit)")
    text = _stripped(s)
    present = s.notna().to_numpy()
    if fmt:
        aware_all = "%z" in fmt
        parsed = _to_datetime(text, format=fmt, errors="coerce", utc=aware_all)
        want = f'a date in the format "{fmt}"'
    else:
        aware = _aware(text)
        if aware[present].any() and not aware[present].all():
            a = int(np.flatnonzero(aware & present)[0])
            n = int(np.flatnonzero(~aware & present)[0])
            raise ReportInputError(
                f'{src.path}, column "{col}": {src.where(a)} is {text.iloc[a]!r} (with a UTC '
                f"offset) but {src.where(n)} is {text.iloc[n]!r} (without): give every time "
                f"an offset, or none (naive times are read in {src.tz})")
        parsed = _to_datetime(text, format="ISO8601", errors="coerce",
                              utc=bool(aware[present].any()))
        want = ("an ISO 8601 date such as 2025-01-31 or 2025-01-31T09:30:00+01:00 (for "
                'another format set date_format, e.g. "%d.%m.%Y")')
    bad = np.flatnonzero(parsed.isna().to_numpy() & present)
    if len(bad):
        i = int(bad[0])
        raise ReportInputError(f"{src.at(i, col)}: {text.iloc[i]!r} is not {want}")
    return parsed


def _bools(s: pd.Series, src: _Source, canon: str, col: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype(bool)
    text = s.astype(str).str.strip().str.lower().where(s.notna())
    out = text.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
    bad = np.flatnonzero(out.isna().to_numpy() & s.notna().to_numpy())
    if len(bad) or s.isna().any():
        i = int(bad[0]) if len(bad) else int(np.flatnonzero(s.isna().to_numpy())[0])
        raise ReportInputError(f"{src.at(i, col)}: {s.iloc[i]!r} is not true/false "
                               "(write true, false, yes, no, 1 or 0)")
    return out.astype(bool)


def _flags(s: pd.Series, src: _Source, canon: str, col: str) -> pd.Series:
    """A yes/no column that may be missing (an open case has no outcome yet):
    1.0, 0.0 or NaN; anything else is an error naming the line."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64")
    text = s.astype(str).str.strip().str.lower().where(s.notna())
    out = text.map(lambda v: 1.0 if v in _TRUE else 0.0 if v in _FALSE else np.nan)
    bad = np.flatnonzero(out.isna().to_numpy() & s.notna().to_numpy())
    if len(bad):
        i = int(bad[0])
        raise ReportInputError(f"{src.at(i, col)}: {s.iloc[i]!r} is not true/false "
                               "(write true, false, yes, no, 1 or 0; empty: not known yet)")
    return out.astype("float64")


def _typed(df: pd.DataFrame, src: _Source, columns: dict[str, str],
           kinds: dict[str, str]) -> pd.DataFrame:
    out = {}
    for canon in df.columns:
        kind, col = kinds[canon], columns[canon]
        s = df[canon]
        if kind in ("number", "score"):
            out[canon] = _numbers(s, src, canon, col)
        elif kind == "time":
            out[canon] = _times(s, src, canon, col)
        elif kind == "bool":
            out[canon] = _bools(s, src, canon, col)
        elif kind == "flag":
            out[canon] = _flags(s, src, canon, col)
        else:
            out[canon] = _keys(s)
    return pd.DataFrame(out)


def _duplicates(df: pd.DataFrame, src: _Source, key: str, col: str, what: str) -> None:
    if is_unique(df[key]):  # by pyarrow for text (pandas makes a Python object per id)
        return
    dup = df[key].duplicated(keep=False).to_numpy() & df[key].notna().to_numpy()
    if dup.any():
        first = int(np.flatnonzero(dup)[0])
        value = df[key].iloc[first]
        second = int(np.flatnonzero(dup & (df[key] == value).to_numpy())[1])
        raise ReportInputError(f'{src.path}: {what} {value!r} (column "{col}") appears twice, '
                               f"{src.where(first)} and {src.where(second)}; {src.name} needs "
                               f"one row per {what}")


# Values the library refuses, checked here so that the message names the
# file, the column and the line: canonical column -> (valid?, what a value is).
_VALID: dict[str, dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]]] = {
    "transactions": {"amount": (lambda v: np.isfinite(v) & (v >= 0),
                                "an amount is finite and >= 0 (leave refunds out)")},
    "customers": {"arr": (lambda v: np.isfinite(v) & (v >= 0), "a value is finite and >= 0"),
                  "clv": (lambda v: np.isfinite(v) & (v >= 0), "a value is finite and >= 0")},
    "cases": {"clv": (lambda v: np.isfinite(v) & (v >= 0), "a value is finite and >= 0"),
              "churn_risk": (lambda v: (v >= 0) & (v <= 1), "a probability is in [0, 1]"),
              "sla_hours": (lambda v: (v > 0) & (v <= 1e6), "an SLA is in (0, 1000000] hours"),
              "score": (lambda v: (v >= 0) & (v <= 10) & (v == np.floor(v)),
                        "a score is a whole number 0..10"),
              "next_score": (lambda v: (v >= 0) & (v <= 10) & (v == np.floor(v)),
                             "a score is a whole number 0..10")},
}


def _check_values(df: pd.DataFrame, src: _Source, columns: dict[str, str]) -> None:
    """The first value of a checked column that the library would refuse,
    named with its file, line and column (a missing value passes: the
    caller's rules say whether it may be missing)."""
    for canon, (valid, what) in _VALID.get(src.name, {}).items():
        if canon not in df:
            continue
        v = df[canon].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~np.isnan(v) & ~valid(v))
        if len(bad):
            i = int(bad[0])
            raise ReportInputError(f"{src.at(i, columns[canon])}: {src.name}.{canon} is "
                                   f"{v[i]:g}: {what}")
    if src.name == "cases" and "opened_at" in df:
        opened = df["opened_at"]
        for canon in ("first_contact_at", "closed_at"):
            if canon in df:
                bad = np.flatnonzero((df[canon] < opened).to_numpy())
                if len(bad):
                    i = int(bad[0])
                    raise ReportInputError(
                        f"{src.at(i, columns[canon])}: {df[canon].iloc[i]} is before the "
                        f'opening ({df["opened_at"].iloc[i]}, column "{columns["opened_at"]}"): '
                        "a case is contacted and closed after it opens")


def _required_values(df: pd.DataFrame, src: _Source, canon: str, col: str) -> None:
    miss = np.flatnonzero(df[canon].isna().to_numpy())
    if len(miss):
        raise ReportInputError(f"{src.at(int(miss[0]), col)}: empty ({src.name}.{canon} needs a "
                               "value in every row)")


# --- All the inputs ------------------------------------------------------------------

def _check_scores(df: pd.DataFrame, src: _Source, col: str, skip: bool) -> tuple[pd.DataFrame, int]:
    s = df["score"].to_numpy()
    present = ~np.isnan(s)
    bad = np.flatnonzero(present & ((s < 0) | (s > 10) | (s != np.floor(s))))
    if len(bad):
        i = int(bad[0])
        raise ReportInputError(f"{src.at(i, col)}: score {s[i]:g} is outside the scale 0..10 "
                               "(whole numbers)")
    missing = int((~present).sum())
    if missing and not skip:
        i = int(np.flatnonzero(~present)[0])
        raise ReportInputError(f"{src.at(i, col)}: no score ({_args.counted(missing, 'row')} without one); set "
                               'report.missing_scores = "skip" to leave them out and count them')
    if missing:
        df = df[present].reset_index(drop=True)
        src.kept = np.flatnonzero(present)  # places in later messages: the file's rows
    df["score"] = df["score"].astype("int64")
    return df, missing


def read_inputs(config: Any, progress: Progress = None) -> "ReportInputs":
    """Reads the configured files into a `report.ReportInputs`: `config` is
    a ReportConfig or the path of a project file (`load_config`).

    Only the mapped columns are read. Keys stay text as written ("007",
    "NA"); times become UTC instants; scores must be whole numbers 0..10;
    customer ids must be unique in the customers file. Slices that are
    customer attributes are joined onto the responses. A response whose
    customer is not in the customers file is kept (empty attributes), dropped
    or an error, as `unknown_customers` says; the count is in `data_note`.
    """
    from .report import ReportInputs

    if isinstance(config, (str, os.PathLike)):
        config = load_config(config)
    if not isinstance(config, ReportConfig):
        raise TypeError(f"config must be a ReportConfig or the path of a project file, got "
                        f"{type(config).__name__}")
    if config.responses.path is None:
        raise ReportInputError("no responses file: set responses.path in the config or pass "
                               "--responses FILE")
    tell = progress or (lambda stage, rows: None)
    frames: dict[str, Optional[pd.DataFrame]] = {}
    sources: dict[str, _Source] = {}
    notes: list[str] = []
    resp_header: list[str] = []
    slices_from_customers: list[str] = []
    for name in FILES:
        spec = config.file(name)
        if spec.path is None:
            if name == "customers" and spec.attributes:
                raise ReportInputError("customers.attributes is set but there is no customers "
                                       "file (customers.path)")
            frames[name] = None
            continue
        src = sources[name] = _source(config, name)
        tell(f"reading {src.path.name}", None)
        header = _header(src)
        extra: list[str] = []
        if name == "responses":
            resp_header = header
            extra = [c for c in config.slices if c in header and c not in COLUMNS[name]]
        elif name == "customers":
            slices_from_customers = [c for c in config.slices
                                     if c not in resp_header and c not in ("customer_id",)]
            extra = [c for c in dict.fromkeys([*spec.attributes, *slices_from_customers])
                     if c not in COLUMNS[name] or c not in spec.columns]
            extra = [c for c in extra if c not in COLUMNS[name]]
        columns = _resolve(config, src, header, extra)
        kinds = {c: COLUMNS[name].get(c, ("key", False))[0] for c in columns}
        raw = _read(src, columns, kinds)
        if not len(raw) and name in ("responses", "customers"):
            one = "response" if name == "responses" else "customer"
            raise ReportInputError(f"{src.path}: no rows (only a header): the {name} file needs "
                                   f"at least one {one}")
        tell(f"checking {src.path.name}", len(raw))
        df = _typed(raw, src, columns, kinds)
        del raw  # the text of the parsed columns (times) goes now, not with the next file
        if src.clock_changed:
            notes.append(f"{src.path.name}: {_args.counted(src.clock_changed, 'local time')} "
                         f"at a clock change in {src.tz} read as the {src.opts.clock_change} "
                         "instant (clock_change)")
        for canon, (_, req) in COLUMNS[name].items():
            if req and canon in df and canon != "score":
                _required_values(df, src, canon, columns[canon])
        _check_values(df, src, columns)
        if name == "responses":
            df, skipped = _check_scores(df, src, columns["score"], config.missing_scores == "skip")
            if skipped:
                notes.append(f"{skipped:,} responses without a score left out")
            if "survey_kind" in df and _arrow_text(df["survey_kind"]):
                # A few kinds: a code per response, not 10M copies of the text.
                df["survey_kind"] = df["survey_kind"].astype("category")
        elif name == "customers":
            _duplicates(df, src, "customer_id", columns["customer_id"], "customer id")
        elif name == "owners":
            _duplicates(df, src, "owner", columns["owner"], "owner")
            cap = df["capacity"].to_numpy()
            bad = np.flatnonzero((cap < 0) | (cap != np.floor(cap)))
            if len(bad):
                raise ReportInputError(f"{src.at(int(bad[0]), columns['capacity'])}: capacity "
                                       f"{cap[bad[0]]:g} is not a whole number of contacts >= 0")
            df["capacity"] = df["capacity"].astype("int64")
        elif name == "cases" and "case_id" in df:
            _duplicates(df, src, "case_id", columns["case_id"], "case id")
        elif name == "churn":
            if "churned_at" not in df and "churned" not in df:
                raise ReportInputError(f"{src.path}: churn needs churned_at (the churn date) or "
                                       "churned (true/false): map one of them")
            _duplicates(df, src, "customer_id", columns["customer_id"], "customer id")
        frames[name] = df
    missing_slices = [c for c in config.slices if c not in resp_header
                      and (frames["customers"] is None or c not in frames["customers"])]
    if missing_slices:
        c = missing_slices[0]
        where = f"{sources['responses'].path}" + (
            f" or {sources['customers'].path}" if "customers" in sources else "")
        pool = resp_header + (list(frames["customers"].columns) if frames["customers"] is not None
                              else [])
        near = difflib.get_close_matches(c, pool, n=1)
        raise ReportInputError(f'slice "{c}" (report.slices) is not a column of {where}'
                               + (f'; the nearest is "{near[0]}"' if near else ""))
    responses = frames["responses"]
    assert responses is not None
    customers = frames["customers"]
    if customers is not None and "customer_id" in responses:
        tell("joining customers", len(responses))
        responses, note = _join(responses, customers, slices_from_customers, sources, config)
        if note:
            notes.append(note)
    elif customers is not None:
        notes.append("responses have no customer_id column: customer attributes not joined")
    churn = frames["churn"]
    if churn is not None:
        churn = _churn_table(churn, customers)
    weight = config.weight
    if weight is None:
        weight = next((c for c in ("arr", "clv") if customers is not None and c in customers), "")
    elif weight and (customers is None or weight not in customers):
        raise ReportInputError(f'report.weight is "{weight}" but the customers file has no '
                               f'{weight} column (map customers.{weight})')
    if "responded_at" in responses and _dates_only(responses["responded_at"],
                                                   sources["responses"].tz):
        notes.append("responded_at holds dates only: a customer's answers on one day are taken "
                     "in file order (the later row as the later answer: npscore's tie rule)")
    read = ", ".join(f"{s.path.name} ({_args.counted(len(frames[n]), 'row')})"  # type: ignore[arg-type]
                     for n, s in sources.items())
    note = f"Data: {read}." + (" " + "; ".join(notes) + "." if notes else "")
    return ReportInputs(
        responses=responses, customers=customers, transactions=frames["transactions"],
        churn=churn, events=frames["events"], owners=frames["owners"],
        slices=list(config.slices), weight=weight or None, sla_hours=tuple(config.sla_hours),
        timezone=config.timezone, period=config.period,  # type: ignore[arg-type]
        data_note=note, contacts=frames["contacts"], cases=frames["cases"],
        response_rate=config.response_rate,
        churn_columns=(list(dict.fromkeys([*slices_from_customers, *config.customers.attributes]))
                       if config.customers.attributes else None))


def _join(responses: pd.DataFrame, customers: pd.DataFrame, cols: list[str],
          sources: dict[str, _Source], config: ReportConfig) -> tuple[pd.DataFrame, str]:
    """The customer attributes used as slices, joined onto the responses by
    customer id (a lookup: never adds or loses a row), and a note counting
    the responses whose customer is unknown."""
    pos = positions(responses["customer_id"], customers["customer_id"], read_only=True)
    unknown = pos < 0
    note = ""
    if unknown.any():
        n = int(unknown.sum())
        first = int(np.flatnonzero(unknown)[0])
        value = responses["customer_id"].iloc[first]
        src = sources["responses"]
        what = (f"{n:,} responses ({n / len(responses):.1%}) have a customer id that is not in "
                f"{sources['customers'].path.name} (first: {value!r})")
        if config.unknown_customers == "error":  # the file's line: a pass over the file
            raise ReportInputError(f"{src.path}: {what[:-1]}, {src.where(first)}); set "
                                   "report.unknown_customers = \"keep\" or \"drop\"")
        if config.unknown_customers == "drop":
            keep = ~unknown
            responses, pos = responses[keep].reset_index(drop=True), pos[keep]
            note = what + ": left out"
        else:
            note = what + ": kept, with empty customer attributes"
    at = np.where(pos >= 0, pos, 0) if unknown.any() else pos  # where to take from, once
    known = pos >= 0
    answered = None  # the customers some kept response takes from
    for c in cols:
        if len(customers):  # a take keeps the column's type (no Python objects)
            col = customers[c]
            if _arrow_text(col):
                if answered is None:
                    answered = np.zeros(len(customers), dtype=bool)
                    answered[at[known] if unknown.any() else at] = True
                responses[c] = _taken_categories(col, at, known, answered)
                continue
            s = col.iloc[at].reset_index(drop=True)
        else:
            s = pd.Series(np.full(len(pos), np.nan), dtype=customers[c].dtype)
        responses[c] = s.where(pos >= 0) if (pos < 0).any() else s
    return responses, note


def _taken_categories(col: pd.Series, at: np.ndarray, known: np.ndarray,
                      answered: np.ndarray) -> pd.Series:
    """Text of the customers taken at `at` as categories (missing where not
    `known`): a small code per response instead of a copy of the text (10M x
    15 bytes for "enterprise"); the categories those the responses use (of
    the `answered` customers), in sorted order as text groups are. The codes
    are renumbered per customer, then taken once per response."""
    cat = col.astype("category")
    codes = cat.cat.codes.to_numpy()  # per customer; -1: missing
    used = np.zeros(len(cat.cat.categories) + 1, dtype=bool)
    used[codes[answered]] = True  # a missing value marks the last slot
    used = used[:-1]
    renumber = np.full(len(used) + 1, -1, dtype=codes.dtype)  # its last slot: -1 stays -1
    renumber[:-1][used] = np.arange(int(used.sum()), dtype=codes.dtype)
    taken = renumber[codes][at]
    if not known.all():
        taken[~known] = -1
    return pd.Series(pd.Categorical.from_codes(taken, cat.cat.categories[used]), name=col.name)


def _churn_table(churn: pd.DataFrame, customers: Optional[pd.DataFrame]) -> pd.DataFrame:
    """One row per customer: churned (bool) and churned_at (NaT if not
    churned). With a customers file, its customers missing from the churn
    file have not churned."""
    if "churned" not in churn:
        churn["churned"] = churn["churned_at"].notna()
    if "churned_at" not in churn:
        churn["churned_at"] = pd.Series(pd.NaT, index=churn.index, dtype="datetime64[ns, UTC]")
    churn = churn[["customer_id", "churned", "churned_at"]]
    if customers is not None:
        # In the customers' order, their own id column first (so that a lookup
        # of these ids among the customers' is an identity: report._integer_ids
        # checks), then the churn file's customers not in the customers file.
        pos = positions(customers["customer_id"], churn["customer_id"])
        found = pos >= 0
        at = np.where(found, pos, 0)
        churned = churn["churned"].to_numpy(dtype=bool)[at] & found if len(churn) else found
        when = churn["churned_at"].iloc[at].reset_index(drop=True) if len(churn) else \
            pd.Series(pd.NaT, index=range(len(pos)), dtype="datetime64[ns, UTC]")
        when = when.where(found)
        table = pd.DataFrame({"customer_id": customers["customer_id"].reset_index(drop=True),
                              "churned": churned, "churned_at": when})
        hit = np.zeros(len(churn), dtype=bool)
        hit[pos[found]] = True
        churn = pd.concat([table, churn[~hit]], ignore_index=True) if not hit.all() else table
    return churn.reset_index(drop=True)


# --- The template of `npscore report --init` ------------------------------------------

_NAMES = {
    "customer_id": ("customer_id", "customer", "customerid", "customer_no", "customer_number",
                    "client_id", "client", "account_id", "account", "kunde", "kundennummer",
                    "kundennr", "kunden_id", "kunden_nr", "user_id", "n_client", "no_client",
                    "num_client", "numero_client", "code_client", "id_client", "client_no",
                    "cliente", "id_cliente", "codigo_cliente", "numero_cliente", "klant",
                    "klantnummer", "cliente_id", "id"),
    "score": ("score", "nps", "nps_score", "rating", "likelihood", "recommend", "bewertung",
              "note", "punkte"),
    "responded_at": ("responded_at", "response_date", "date", "time", "timestamp", "created_at",
                     "submitted_at", "datum", "zeit"),
    "comment": ("comment", "comments", "feedback", "text", "verbatim", "kommentar", "why",
                "commentaire", "commentaires", "comentario", "comentarios"),
    "survey_kind": ("survey_kind", "survey_type", "kind", "type", "survey", "umfrage", "art",
                    "umfrageart", "type_d_enquete", "type_enquete", "tipo_de_encuesta",
                    "tipo_encuesta"),
    "signup_at": ("signup_at", "signup", "signup_date", "created_at", "start_date", "since",
                  "customer_since", "registriert", "kunde_seit", "seit", "vertragsbeginn"),
    "arr": ("arr", "revenue", "annual_revenue", "mrr", "umsatz", "value"),
    "clv": ("clv", "ltv", "lifetime_value", "customer_lifetime_value"),
    "owner": ("owner", "csm", "account_manager", "manager", "betreuer", "name"),
    "date": ("date", "order_date", "purchased_at", "time", "datum"),
    "amount": ("amount", "value", "revenue", "total", "price", "betrag"),
    "churned_at": ("churned_at", "churn_date", "cancelled_at", "canceled_at", "ended_at", "date"),
    "churned": ("churned", "is_churned", "churn", "cancelled"),
    "time": ("time", "date", "start", "started_at", "timestamp"),
    "label": ("label", "title", "event", "description", "name", "ereignis", "beschreibung"),
    "kind": ("kind", "type", "category", "typ", "art"),
    "end": ("end", "end_time", "ended_at", "until"),
    "plan": ("plan",),
    "theme": ("theme",),
    "capacity": ("capacity", "per_day", "contacts_per_day", "max", "kapazitaet",
                 "kontakte_pro_tag"),
    "response_id": ("response_id", "response", "responseid", "answer_id", "survey_response_id",
                    "id_response", "id_reponse", "reponse_id", "id_respuesta", "respuesta_id",
                    "antwort_id", "antwortnummer"),
    "contacted_at": ("contacted_at", "contact_date", "followed_up_at", "called_at", "date"),
    "case_id": ("case_id", "case", "case_no", "ticket_id", "ticket", "fall", "fallnummer"),
    "opened_at": ("opened_at", "opened", "created_at", "created", "case_opened", "eroeffnet"),
    "segment": ("segment",),
    "sla_hours": ("sla_hours", "sla", "sla_h"),
    "first_contact_at": ("first_contact_at", "first_contact", "contacted_at", "first_response_at",
                         "erstkontakt"),
    "closed_at": ("closed_at", "closed", "resolved_at", "geschlossen"),
    "recovered": ("recovered", "saved", "won_back", "outcome"),
    "next_score": ("next_score", "next_nps", "score_next"),
    "churn_risk": ("churn_risk", "risk", "p_churn", "churn_probability"),
}
# Tried in order; the first that reads every sampled value wins (so the data,
# not the order, decides day/month where a day above 12 shows it).
_DATE_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y",
                 "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
                 "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
                 "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %I:%M:%S %p",
                 "%d/%m/%Y %I:%M %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d-%m-%Y", "%Y%m%d")


@dataclass
class _Look:
    """What a first look at a file found."""

    path: Path
    format: str
    separator: str = ","
    encoding: str = "utf-8"
    decimal: str = "."
    thousands: str = ""
    date_format: str = ""
    sample: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)


def _look(path: Path, name: str, rows: int = 2000) -> _Look:
    path = Path(path)
    if not path.exists():
        raise ReportInputError(f"{name} file not found: {path}")
    fmt = _format_of(InputFile(path=path), name)
    if fmt == "parquet":
        pq = _pyarrow_parquet(_Source(name, path, fmt, CsvOptions(), "UTC"))
        pf = pq.ParquetFile(path)
        table = next(pf.iter_batches(batch_size=rows), None)
        sample = (table if table is not None else pf.schema_arrow.empty_table()).to_pandas()
        return _Look(path, fmt, sample=sample)
    with open(path, "rb") as f:
        head = f.read(65536)
    # A byte-order mark says the encoding; else UTF-8 if it reads, else Latin-1.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        # Incremental: a character cut at the end of the sample is no error.
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        encoding, text = "latin-1", head.decode("latin-1")
    lines = text.splitlines()[:50]
    try:
        sep = csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        sep = ","
    look = _Look(path, "csv", separator=sep, encoding=encoding)
    sample = pd.read_csv(io.StringIO("\n".join(text.splitlines()[:rows + 1])), sep=sep, dtype=str,
                         keep_default_na=False, na_values=[""])
    numbers = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$|^-?\d+,\d+$")
    if sep != "," and any(sample[c].dropna().astype(str).str.match(numbers).mean() > 0.8
                          for c in sample.columns if sample[c].notna().any()):
        look.decimal = ","
        grouped = re.compile(r"^-?\d{1,3}(\.\d{3})+,\d+$")
        if any(sample[c].dropna().astype(str).str.match(grouped).any() for c in sample.columns):
            look.thousands = "."
    else:
        # "1,822.99": a column of numbers some of which group thousands by commas.
        plain = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
        for c in sample.columns:
            v = sample[c].dropna().astype(str).str.strip()
            if len(v) and v.str.match(plain).all() and v.str.contains(",", regex=False).any():
                look.thousands = ","
                break
    look.sample = sample
    return look


def _is_scores(s: pd.Series) -> bool:
    v = pd.to_numeric(s.dropna(), errors="coerce")
    return (len(v) > 0 and bool(v.notna().all()) and bool((v == np.floor(v)).all())
            and bool(v.between(0, 10).all()) and v.nunique() >= 2)


def _date_format(s: pd.Series) -> Optional[str]:
    """"" for ISO 8601, a strftime format that reads every value, or None."""
    v = s.dropna().astype(str).str.strip()
    v = v[v != ""]
    if not len(v) or pd.to_numeric(v, errors="coerce").notna().all():
        return None  # numbers are no dates: npscore does not guess a unit
    if pd.to_datetime(v, format="ISO8601", errors="coerce", utc=True).notna().all():
        return ""
    for fmt in _DATE_FORMATS:
        if pd.to_datetime(v, format=fmt, errors="coerce").notna().all():
            return fmt
    return None


def _order_undecided(fmt: str, columns: list[pd.Series]) -> bool:
    """Whether the format with day and month swapped reads every value too
    (no day above 12 decides it); dotted dates are day first by convention."""
    if "%d" not in fmt or "%m" not in fmt or "." in fmt:
        return False
    swapped = fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    for s in columns:
        v = s.dropna().astype(str).str.strip()
        v = v[v != ""]
        if pd.to_datetime(v, format=swapped, errors="coerce").isna().any():
            return False
    return True


def _norm(name: Any) -> str:
    """A column name for matching: lower case, accents dropped ("Réponse"
    -> "reponse"), runs of other characters as "_"."""
    text = unicodedata.normalize("NFKD", str(name).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _repeats(s: pd.Series) -> bool:
    """Whether some value appears in several rows (a customer with several
    responses), unlike a response id, unique per row."""
    v = s.dropna()
    return len(v) > 0 and v.nunique() < len(v)


_ID = (r"(^|_)(id|nr|no|n|num|number|numero|code|codigo|customer|client|cliente|kunde\w*|klant|"
       r"acct)($|_)")


def _guess(look: _Look, name: str, id_column: str = "") -> tuple[dict[str, str], list[str],
                                                                 list[str]]:
    """Canonical name -> column for the file, its likely slice columns, and
    notes for the reader of the template."""
    df = look.sample
    cols = list(df.columns)
    norm = {c: _norm(c) for c in cols}
    taken: set[str] = set()
    found: dict[str, str] = {}
    dates = {c: _date_format(df[c]) for c in cols
             if not pd.api.types.is_numeric_dtype(df[c].dtype)}
    if any(pd.api.types.is_datetime64_any_dtype(df[c].dtype) for c in cols):
        dates.update({c: "" for c in cols if pd.api.types.is_datetime64_any_dtype(df[c].dtype)})
    formats = {f for f in dates.values() if f}
    if formats:
        look.date_format = sorted(formats)[0]
        if len(formats) > 1:
            look.notes.append(f"date columns use several formats ({', '.join(sorted(formats))}); "
                              "one date_format applies to the whole file")
        if _order_undecided(look.date_format, [df[c] for c, f in dates.items()
                                               if f == look.date_format]):
            look.notes.append("day/month order is a guess (no day above 12 in the first rows): "
                              "check date_format")
    for canon, (kind, _) in COLUMNS[name].items():
        by_name = [c for alias in _NAMES.get(canon, (canon,)) for c in cols
                   if norm[c] == alias and c not in taken]
        fits = [c for c in by_name
                if (kind != "score" or _is_scores(df[c]))
                and (kind != "time" or dates.get(c) is not None)]
        if not fits and kind == "score":
            fits = [c for c in cols if c not in taken and _is_scores(df[c])]
        if canon == "customer_id":
            # A column named as a customer's id comes first, whatever its
            # values; a bare "id" (often the response's) and columns that look
            # like ids follow, by the rule below.
            fits, weak = [c for c in fits if norm[c] != "id"], [c for c in fits if norm[c] == "id"]
            # A date ("Customer since") or a score is no id, whatever its name.
            like = weak + [c for c in cols if c not in taken and c not in fits and c not in weak
                           and (c == id_column or re.search(_ID, norm[c]))
                           and dates.get(c) is None and not _is_scores(df[c])]
            if name in ("responses", "transactions", "cases"):
                # Several rows per customer: an id that repeats is the
                # customer's; one unique per row is rather a response id.
                like = ([c for c in like if _repeats(df[c])]
                        + [c for c in like if not _repeats(df[c])
                           and not re.search(r"respon|repon|respuesta|antwort|answer", norm[c])])
            fits += like
        if not fits and canon == "response_id":
            fits = [c for c in cols if c not in taken and re.search(_ID, norm[c])
                    and df[c].notna().all() and not _repeats(df[c])
                    and not _is_scores(df[c]) and dates.get(c) is None]
        if not fits and kind == "time" and name in ("customers", "contacts"):
            fits = [c for c in cols if c not in taken and dates.get(c) is not None]
        if not fits and canon == "capacity":
            fits = [c for c in cols if c not in taken and pd.to_numeric(
                df[c], errors="coerce").notna().all() and df[c].notna().any()]
        # Any text column may be an event's label or the owners file's owner; a
        # customers file's owner (optional) is guessed by its name only.
        if not fits and (canon == "label" or (canon == "owner" and name == "owners")):
            fits = [c for c in cols if c not in taken and dates.get(c) is None
                    and pd.to_numeric(df[c], errors="coerce").isna().all()]
        if not fits and kind == "time" and canon in ("responded_at", "date", "time", "churned_at",
                                                     "opened_at"):
            fits = [c for c in cols if c not in taken and dates.get(c) is not None]
        if fits:
            found[canon] = fits[0]
            taken.add(fits[0])
        elif kind == "time" and by_name:
            first = df[by_name[0]].dropna()
            look.notes.append(
                f'column "{by_name[0]}" looks like {name}.{canon} by its name, but no known date '
                f"format reads its values (e.g. {str(first.iloc[0]) if len(first) else ''!r}): "
                f'map it and set date_format (strftime, e.g. "%m/%d/%Y %I:%M %p")')
    slices = [c for c in cols if c not in taken and dates.get(c) is None
              and not pd.api.types.is_float_dtype(df[c].dtype)
              and 1 < df[c].nunique() <= min(20, max(2, len(df) // 5))
              and not _is_scores(df[c])]
    return found, slices, look.notes


def _toml(v: Any) -> str:
    if isinstance(v, str):  # a basic string: every control character escaped
        text = v.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", text) + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return repr(v)


def init_template(responses: Any = None, customers: Any = None, transactions: Any = None,
                  churn: Any = None, events: Any = None, owners: Any = None,
                  contacts: Any = None, cases: Any = None, *, base: Any = None) -> str:
    """A commented npscore.toml for the given files, from a look at their
    first rows: the separator (csv.Sniffer), encoding, decimal comma, date
    format, and the columns guessed by name and content (a 0..10 whole-number
    column for the score, a date column, an id column). Paths are written
    relative to `base` (the directory of the file to be written)."""
    paths = dict(responses=responses, customers=customers, transactions=transactions,
                 churn=churn, events=events, owners=owners, contacts=contacts, cases=cases)
    base_dir = Path(base).resolve() if base is not None else Path.cwd().resolve()
    out = ["# npscore report configuration (docs/report-config.md describes every key).",
           "# Written by `npscore report --init` from a look at the files' first rows:",
           "# check the guesses, then run `npscore report --config <this file> --out-dir report`.",
           "", "[report]", '# title = "NPS report"',
           '# timezone = "UTC"          # calendar periods (and naive times) in this IANA zone',
           '# period = "Q"              # "D", "W", "M" or "Q": period over period',
           "# sla_hours = [24, 72, 168] # recover, make it a 10, advocacy",
           '# unknown_customers = "keep"  # customers not in customers: keep, drop, error',
           '# missing_scores = "error"    # or "skip" (left out and counted)',
           "# response_rate = 0.3       # survey plan; default: estimated from the answers",
           '# currency = "$"            # printed before amounts, e.g. "€" or "EUR "']
    all_slices: list[str] = []
    blocks: list[list[str]] = []
    id_column = ""
    for name in FILES:
        p = paths[name]
        if p is None:
            blocks.append(["", f"# [{name}]", '# path = "..."'])
            continue
        look = _look(Path(p), name)
        found, slices, notes = _guess(look, name, id_column)
        if name == "responses":
            id_column = found.get("customer_id", "")
        try:
            shown_path = str(Path(p).resolve().relative_to(base_dir))
        except ValueError:
            shown_path = str(Path(p).resolve())
        lines = ["", f"[{name}]", f"path = {_toml(shown_path)}"]
        if look.format == "csv":
            lines.append(f"separator = {_toml(look.separator)}")
            if look.encoding != "utf-8":
                lines.append(f"encoding = {_toml(look.encoding)}")
            if look.decimal != ".":
                lines.append(f"decimal = {_toml(look.decimal)}")
            if look.thousands:
                lines.append(f"thousands = {_toml(look.thousands)}")
            if look.date_format:
                lines.append(f"date_format = {_toml(look.date_format)}")
            lines.append('# missing = [""]   # strings that mean missing ("NA" stays a value)')
        lines += [f"# {n}" for n in notes]
        for canon, (kind, required) in COLUMNS[name].items():
            if canon in found:
                lines.append(f"{canon} = {_toml(found[canon])}")
            else:
                lines.append(f"# {canon} = \"\"" + ("   # REQUIRED: not found" if required else ""))
        if name == "responses":
            all_slices += slices
        elif name == "customers":
            value = [c for c in ("arr", "clv") if c in found]
            if value:
                lines.append(f"# {value[0]}: check that this column is "
                             + ("annual recurring revenue" if value[0] == "arr"
                                else "customer lifetime value"))
            attrs = [c for c in slices if c not in all_slices]
            all_slices += attrs
            lines.append(f"attributes = {_toml(attrs)}")
        blocks.append(lines)
    out.append(f"slices = {_toml(all_slices[:4])}" + ("   # also seen: "
                                                      + ", ".join(map(_toml, all_slices[4:]))
                                                      if len(all_slices) > 4 else ""))
    for b in blocks:
        out += b
    # No control character in the file (TOML refuses them): escaped, in
    # strings and in comments alike, line breaks within a line's names too.
    return "\n".join(re.sub(r"[\x00-\x08\x0a-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}",
                            line) for line in out) + "\n"
