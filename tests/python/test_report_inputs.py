"""`npscore report` on a user's own files (issue 13): the project file and
`read_inputs`.

The files are written the way real exports are: semicolon separators, a
decimal comma with a thousands dot, dd.mm.yyyy dates, naive local times in
Europe/Berlin across both DST changes, Latin-1 text, ids such as "007", a
region coded "NA" (North America), and a Parquet copy. The frames
`read_inputs` returns are compared with the values computed directly from
the data the files were written from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore._report_io import (ReportConfig, ReportInputError, init_template, load_config,
                                read_inputs)
from npscore.report import ReportInputs

BERLIN = "Europe/Berlin"
# Local times around the DST changes of 2025 (30 March: 02:00 -> 03:00;
# 26 October: 03:00 -> 02:00): (local text, UTC instant).
DST_ROWS = [("30.03.2025 01:30", "2025-03-30 00:30"), ("30.03.2025 03:30", "2025-03-30 01:30"),
            ("26.10.2025 01:30", "2025-10-25 23:30"), ("26.10.2025 03:30", "2025-10-26 02:30")]


def _ids(customer_ids: pd.Series) -> pd.Series:
    """The sample's ids as a user's: zero-padded numbers ("007")."""
    return customer_ids.str.slice(1).astype(int).map("{:03d}".format)


def _local(times: pd.Series) -> pd.Series:
    """UTC instants as naive Berlin wall-clock text, to the minute."""
    return times.dt.tz_convert(BERLIN).dt.strftime("%d.%m.%Y %H:%M")


def _german(x: float) -> str:
    """1234.5 -> "1.234,50"."""
    return f"{x:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


class World:
    """A user-like export of npscore.datasets, and what it must read back as."""

    def __init__(self, root: Path, seed: int = 5, n: int = 300) -> None:
        self.root = root
        s = npscore.datasets.load_sample(seed=seed, n_customers=n)
        r = s.responses.copy()
        # Times to the minute (the export's precision), none in the hour that
        # happens twice in Berlin (such local times are an error, tested apart).
        t = r["responded_at"].dt.floor("min")
        local = t.dt.tz_convert(BERLIN).dt.tz_localize(None)
        ok = local.dt.tz_localize(BERLIN, ambiguous="NaT", nonexistent="NaT").notna()
        r, t = r[ok.to_numpy()].reset_index(drop=True), t[ok.to_numpy()].reset_index(drop=True)
        r["responded_at"] = t
        for i, (_, utc) in enumerate(DST_ROWS):  # the DST rows replace the first four
            r.loc[i, "responded_at"] = pd.Timestamp(utc, tz="UTC")
        r["comment"] = r["comment"].where(r.index % 7 != 3, "Schöne Grüße, zu teuer")
        r["comment"] = r["comment"].replace("", np.nan).map(  # Latin-1 has no emoji
            lambda v: v if pd.isna(v) else v.encode("latin-1", "replace").decode("latin-1"))
        c = s.customers.copy()
        c["signup_at"] = c["signup_at"].dt.tz_convert(BERLIN).dt.normalize()
        self.sample = s
        self.responses = r
        self.customers = c
        files = root / "data"
        files.mkdir(exist_ok=True)
        self.responses_csv = files / "antworten.csv"
        out = pd.DataFrame({
            "Kundennr": _ids(r["customer_id"]),
            "Bewertung": r["score"],
            "Antwort am": _local(r["responded_at"]),
            "Kommentar": r["comment"],
            "Art": r["survey_kind"].astype(str),
        })
        for i, (text, _) in enumerate(DST_ROWS):
            out.loc[i, "Antwort am"] = text
        out.to_csv(self.responses_csv, sep=";", index=False, encoding="latin-1")
        self.responses_parquet = files / "antworten.parquet"
        out.to_parquet(self.responses_parquet, index=False)
        self.customers_csv = files / "kunden.csv"
        pd.DataFrame({
            "Kunden-ID": _ids(c["customer_id"]),
            "Tarif": c["plan"].astype(str),
            "Region": c["region"].astype(str),
            "ARR": c["arr"].map(_german),
            "Kunde seit": c["signup_at"].dt.strftime("%d.%m.%Y"),
            "Betreuer": np.where(c.index % 2, "alice", "bob"),
        }).to_csv(self.customers_csv, sep=";", index=False, encoding="latin-1")
        churned = s.churn[s.churn["churned"]]
        self.churn_csv = files / "kuendigungen.csv"
        pd.DataFrame({"Kunden-ID": _ids(churned["customer_id"]),
                      "Gekuendigt am": churned["churned_at"].dt.tz_convert(BERLIN)
                      .dt.strftime("%d.%m.%Y")}).to_csv(self.churn_csv, sep=";", index=False)
        self.transactions_parquet = files / "umsaetze.parquet"
        # Purchases up to the last response (the report's CLV is as of then).
        tx = s.transactions[s.transactions["date"] <= r["responded_at"].max()]
        self.transactions = tx.reset_index(drop=True)
        pd.DataFrame({"customer": _ids(tx["customer_id"]), "date": tx["date"],
                      "amount": tx["amount"]}).to_parquet(self.transactions_parquet, index=False)
        self.events_csv = files / "ereignisse.csv"
        pd.DataFrame({"Datum": s.events["time"].dt.strftime("%d.%m.%Y"),
                      "Ereignis": s.events["label"], "Typ": s.events["kind"]}) \
            .to_csv(self.events_csv, sep=";", index=False)
        self.owners_csv = files / "betreuer.csv"
        self.owners_csv.write_text("Name;Kontakte pro Tag\nalice;12\nbob;8\n")
        self.config = root / "npscore.toml"
        self.config.write_text(self.toml())

    def toml(self, **report: str) -> str:
        extra = "".join(f"{k} = {v}\n" for k, v in report.items())
        return f"""\
[report]
timezone = "Europe/Berlin"
period = "M"
slices = ["Region", "Tarif"]
sla_hours = [12, 48, 120]
{extra}
[csv]
separator = ";"
decimal = ","
thousands = "."
date_format = "%d.%m.%Y"

[responses]
path = "data/antworten.csv"
encoding = "latin-1"
date_format = "%d.%m.%Y %H:%M"
customer_id = "Kundennr"
score = "Bewertung"
responded_at = "Antwort am"
comment = "Kommentar"
survey_kind = "Art"

[customers]
path = "data/kunden.csv"
encoding = "latin-1"
customer_id = "Kunden-ID"
signup_at = "Kunde seit"
arr = "ARR"
owner = "Betreuer"

[churn]
path = "data/kuendigungen.csv"
customer_id = "Kunden-ID"
churned_at = "Gekuendigt am"

[transactions]
path = "data/umsaetze.parquet"
customer_id = "customer"

[events]
path = "data/ereignisse.csv"
time = "Datum"
label = "Ereignis"
kind = "Typ"

[owners]
path = "data/betreuer.csv"
owner = "Name"
capacity = "Kontakte pro Tag"
"""

    # What read_inputs must return, computed from the sample directly.
    def expected_responses(self) -> pd.DataFrame:
        r = self.responses
        region = self.customers.set_index("customer_id")["region"].astype(str)
        plan = self.customers.set_index("customer_id")["plan"].astype(str)
        return pd.DataFrame({
            "customer_id": _ids(r["customer_id"]).astype("str"),
            "score": r["score"].astype("int64"),
            "responded_at": r["responded_at"].astype("datetime64[ns, UTC]"),
            "comment": r["comment"].astype("str"),
            "survey_kind": r["survey_kind"].astype(str).astype("str"),
            "Region": r["customer_id"].map(region).astype("str").to_numpy(),
            "Tarif": r["customer_id"].map(plan).astype("str").to_numpy(),
        })


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    return World(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def inputs(world) -> ReportInputs:
    return read_inputs(load_config(world.config))


def test_responses_read_back_exactly(world, inputs):
    got = inputs.responses
    want = world.expected_responses()
    # Slices joined from the customers file are categories: the same values.
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_dtype=False,
                                  check_categorical=False)
    assert got["customer_id"].iloc[0] == want["customer_id"].iloc[0]
    assert str(got["responded_at"].dtype) == "datetime64[ns, UTC]"
    assert got["score"].dtype == np.int64


def test_ids_and_na_stay_values(inputs):
    r = inputs.responses
    assert (r["customer_id"].str.len() == 3).all() and "007" in set(r["customer_id"])
    assert "NA" in set(r["Region"]) and r["Region"].notna().all()
    assert "NA" in set(inputs.customers["Region"])


def test_naive_berlin_times_across_dst(inputs):
    got = inputs.responses["responded_at"].iloc[:4].tolist()
    assert got == [pd.Timestamp(u, tz="UTC") for _, u in DST_ROWS]
    # The local hour 02:00-03:00 of 30 March is skipped: 01:30 and 03:30 are one hour apart.
    assert got[1] - got[0] == pd.Timedelta(hours=1)
    # 26 October has 25 hours: 01:30 and 03:30 are three hours apart.
    assert got[3] - got[2] == pd.Timedelta(hours=3)


def test_latin1_comments(inputs):
    assert "Schöne Grüße, zu teuer" in set(inputs.responses["comment"].dropna())


def test_customers_decimal_comma_and_dates(world, inputs):
    c = inputs.customers
    want_arr = world.customers["arr"].round(2).to_numpy()
    np.testing.assert_allclose(c["arr"].to_numpy(), want_arr, rtol=0, atol=1e-9)
    want_signup = world.customers["signup_at"].dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    assert (c["signup_at"].to_numpy() == want_signup.to_numpy()).all()
    assert list(c["customer_id"]) == list(_ids(world.customers["customer_id"]))
    assert set(c.columns) >= {"customer_id", "signup_at", "arr", "owner", "Tarif", "Region"}
    assert inputs.weight == "arr"


def test_churn_is_one_row_per_customer(world, inputs):
    ch = inputs.churn.set_index("customer_id")
    assert len(ch) == len(world.customers)
    s = world.sample.churn.assign(customer_id=_ids(world.sample.churn["customer_id"]))
    s = s.set_index("customer_id")
    assert (ch["churned"] == s["churned"].reindex(ch.index)).all()
    # Dates in the file are Berlin calendar days: midnight there.
    want = s["churned_at"].dt.tz_convert(BERLIN).dt.normalize().dt.tz_convert("UTC")
    got = ch["churned_at"]
    both = got.notna()
    assert (both == want.reindex(ch.index).notna()).all()
    assert (got[both] == want.reindex(ch.index)[both]).all()


def test_parquet_transactions_events_owners(world, inputs):
    t = inputs.transactions
    assert list(t.columns) == ["customer_id", "date", "amount"]
    np.testing.assert_array_equal(t["amount"].to_numpy(), world.transactions["amount"])
    assert (t["date"] == world.transactions["date"]).all()
    e = inputs.events
    assert list(e["label"]) == list(world.sample.events["label"])
    assert list(e["kind"]) == list(world.sample.events["kind"])
    assert inputs.owners.to_dict("list") == {"owner": ["alice", "bob"], "capacity": [12, 8]}


def test_report_settings(inputs):
    assert inputs.timezone == BERLIN and inputs.period == "M"
    assert tuple(inputs.sla_hours) == (12.0, 48.0, 120.0)
    assert list(inputs.slices) == ["Region", "Tarif"]
    assert "antworten.csv" in inputs.data_note


def test_parquet_copy_reads_the_same(world, inputs, tmp_path):
    cfg = load_config(world.config)
    cfg.responses.path = world.responses_parquet
    other = read_inputs(cfg)
    pd.testing.assert_frame_equal(other.responses, inputs.responses)


def test_only_the_mapped_columns_are_read(world):
    cfg = load_config(world.config)
    cfg.responses.columns["comment"] = ""
    cfg.responses.columns["survey_kind"] = ""
    got = read_inputs(cfg).responses
    assert "comment" not in got and "survey_kind" not in got


def test_missing_strings_are_configurable(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("customer_id,score,region\n1,9,NA\n2,n/a,EU\n3,7,\n")
    cfg = ReportConfig()
    cfg.responses.path = p
    cfg.slices = ["region"]
    with pytest.raises(ReportInputError, match=r"line 3, column \"score\": 'n/a' is not a number"):
        read_inputs(cfg)
    cfg.csv.missing = ("", "n/a")
    cfg.missing_scores = "skip"
    got = read_inputs(cfg)
    assert list(got.responses["customer_id"]) == ["1", "3"]
    assert got.responses["region"].iloc[0] == "NA" and pd.isna(got.responses["region"].iloc[1])
    assert "1 responses without a score left out" in got.data_note


def test_unknown_customers_are_counted(world, tmp_path):
    p = tmp_path / "c.csv"
    full = pd.read_csv(world.customers_csv, sep=";", dtype=str, encoding="latin-1",
                       keep_default_na=False)
    first = _ids(world.responses["customer_id"]).iloc[0]
    full[full["Kunden-ID"] != first].to_csv(p, sep=";", index=False, encoding="latin-1")
    cfg = load_config(world.config)
    cfg.customers.path = p
    cfg.churn.path = None
    n = int((_ids(world.responses["customer_id"]) == first).sum())
    kept = read_inputs(cfg)
    assert len(kept.responses) == len(world.responses)
    assert kept.responses.loc[kept.responses["customer_id"] == first, "Tarif"].isna().all()
    # The others carry their customer's value; the categories are the values used, sorted.
    tarif, known = kept.responses["Tarif"], kept.responses["customer_id"] != first
    by_id = kept.customers.set_index("customer_id")["Tarif"]
    np.testing.assert_array_equal(
        tarif[known].astype(str).to_numpy(),
        by_id.reindex(kept.responses.loc[known, "customer_id"]).astype(str).to_numpy())
    assert list(tarif.cat.categories) == sorted(tarif.dropna().unique())
    assert f"{n:,} responses" in kept.data_note and "kept" in kept.data_note
    cfg.unknown_customers = "drop"
    dropped = read_inputs(cfg)
    assert len(dropped.responses) == len(world.responses) - n
    cfg.unknown_customers = "error"
    with pytest.raises(ReportInputError, match=rf"{n:,} responses .* not in c.csv"):
        read_inputs(cfg)


# --- Bad input: file, place and value named -------------------------------------------

def _cfg(tmp_path: Path, responses: str, **kw) -> ReportConfig:
    p = tmp_path / "r.csv"
    p.write_text(responses)
    cfg = ReportConfig()
    cfg.responses.path = p
    for k, v in kw.items():
        setattr(cfg, k, v)
    return cfg


@pytest.mark.parametrize("text, pattern", [
    ("customer_id,score\n1,9\n2,11\n", r"r.csv, line 3, column \"score\": score 11 is outside"),
    ("customer_id,score\n1,9\n2,-1\n", r"line 3, .* score -1 is outside"),
    ("customer_id,score\n1,9\n2,7.5\n", r"line 3, .* score 7.5 is outside the scale 0..10"),
    ("customer_id,score\n1,9\n2,\n", r"line 3, column \"score\": no score"),
    ("customer_id,score,responded_at\n1,9,2025-01-01\n2,8,31.01.2025\n",
     r"line 3, column \"responded_at\": '31.01.2025' is not an ISO 8601 date"),
    ("customer_id,score,responded_at\n1,9,2025-01-01T10:00+01:00\n2,8,2025-01-02T10:00\n",
     r"line 2 is .* \(with a UTC offset\) but line 3 is '2025-01-02T10:00' \(without\)"),
    ("customer_id,score,responded_at\n1,9,\n", None),  # a missing time is allowed
])
def test_bad_values_name_line_and_value(tmp_path, text, pattern):
    cfg = _cfg(tmp_path, text)
    if pattern is None:
        assert pd.isna(read_inputs(cfg).responses["responded_at"].iloc[0])
        return
    with pytest.raises(ReportInputError, match=pattern):
        read_inputs(cfg)


def test_date_format_errors_name_the_format(tmp_path):
    cfg = _cfg(tmp_path, "score,responded_at\n9,31.01.2025\n8,31.02.2025\n")
    cfg.csv.date_format = "%d.%m.%Y"
    with pytest.raises(ReportInputError,
                       match=r"line 3, column \"responded_at\": '31.02.2025' is not a date in "
                             r"the format \"%d.%m.%Y\""):
        read_inputs(cfg)


@pytest.mark.parametrize("local, why", [("2025-03-30 02:30", "does not exist"),
                                        ("2025-10-26 02:30", "occurs twice")])
def test_dst_gap_and_overlap_are_errors(tmp_path, local, why):
    cfg = _cfg(tmp_path, f"score,responded_at\n9,2025-03-01 10:00\n8,{local}\n",
               timezone=BERLIN)
    with pytest.raises(ReportInputError, match=rf"line 3, .*'{local}' {why} .* Europe/Berlin"):
        read_inputs(cfg)


def test_duplicate_customer_ids_name_both_lines(tmp_path):
    cfg = _cfg(tmp_path, "customer_id,score\n007,9\n")
    c = tmp_path / "c.csv"
    c.write_text("customer_id,plan\n001,a\n007,b\n002,c\n007,d\n")
    cfg.customers.path = c
    with pytest.raises(ReportInputError,
                       match=r"c.csv: customer id '007' .* appears twice, line 3 and line 5"):
        read_inputs(cfg)


def test_missing_column_names_the_nearest(tmp_path):
    cfg = _cfg(tmp_path, "customer_id,Score,when\n1,9,2025-01-01\n")
    with pytest.raises(ReportInputError, match=r'no column "score" .*nearest column is "Score"'):
        read_inputs(cfg)
    cfg.responses.columns["score"] = "Score"
    cfg.responses.columns["responded_at"] = "wehn"
    with pytest.raises(ReportInputError,
                       match=r'no column "wehn" \(responses.responded_at\); the nearest column '
                             r'is "when"'):
        read_inputs(cfg)


def test_wrong_separator_is_pointed_out(tmp_path):
    cfg = _cfg(tmp_path, "customer_id;score\n1;9\n")
    with pytest.raises(ReportInputError, match=r"set separator = ';'"):
        read_inputs(cfg)


def test_missing_file_and_wrong_encoding(tmp_path, world):
    cfg = ReportConfig()
    cfg.responses.path = tmp_path / "nope.csv"
    with pytest.raises(ReportInputError, match=r"responses file not found: .*nope.csv"):
        read_inputs(cfg)
    cfg.responses.path = world.responses_csv
    cfg.csv.separator = ";"
    cfg.responses.columns.update(customer_id="Kundennr", score="Bewertung", comment="Kommentar")
    with pytest.raises(ReportInputError, match=r"is not utf-8 text .* set encoding"):
        read_inputs(cfg)


def test_missing_pyarrow_is_a_clear_error(world, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    cfg = ReportConfig()
    cfg.responses.path = world.responses_parquet
    with pytest.raises(ReportInputError, match=r"needs pyarrow: pip install pyarrow"):
        read_inputs(cfg)


def test_slice_not_found(tmp_path):
    cfg = _cfg(tmp_path, "customer_id,score,region\n1,9,EU\n", slices=["regoin"])
    with pytest.raises(ReportInputError, match=r'slice "regoin" .*nearest is "region"'):
        read_inputs(cfg)


# --- The project file ------------------------------------------------------------------

@pytest.mark.parametrize("text, pattern", [
    ('[responses]\npath = "r.csv"\nscroe = "x"\n',
     r'npscore.toml line 3: unknown key "scroe" in \[responses\]; did you mean "score"\?'),
    ('[report]\ntimezone = "UTC"\nslice = ["a"]\n', r'line 3: unknown key "slice" .*"slices"'),
    ('[responsess]\npath = "r.csv"\n', r'unknown table "responsess" .*"\[responses\]"'),
    ('[responses]\nslices = ["a"]\n', r'"slices" belongs in \[report\]'),
    ('[csv]\nseperator = ";"\n', r'did you mean "separator"'),
    ('[csv]\nseparator = ";;"\n', r"line 2: csv.separator must be one character"),
    ('[report]\nperiod = "Y"\n', r'line 2: report.period is "Y": use "D"'),
    ('[report]\ntimezone = "Mars/Base"\n', r"report.timezone is not a time zone"),
    ('[report]\nsla_hours = [24, 72]\n', r"report.sla_hours must be three positive hours"),
    ('[csv]\nencoding = "klingon"\n', r'"klingon" is not an encoding'),
    ('[csv]\ndate_format = "dd.mm.yyyy"\n', r'not a strftime format \(write e.g. "%d.%m.%Y"\)'),
    ('[report\n', r"not valid TOML"),
])
def test_config_errors(tmp_path, text, pattern):
    p = tmp_path / "npscore.toml"
    p.write_text(text)
    with pytest.raises(ReportInputError, match=pattern):
        load_config(p)


def test_config_paths_are_relative_to_the_file(world):
    cfg = load_config(world.config)
    assert cfg.responses.path == world.root / "data" / "antworten.csv"
    assert cfg.responses.csv == {"encoding": "latin-1", "date_format": "%d.%m.%Y %H:%M"}
    assert cfg.csv.separator == ";" and cfg.csv.decimal == ","


# --- The template --------------------------------------------------------------------

def test_init_guesses_an_owner_by_name_only(world, tmp_path):
    # "Betreuer" is an owner by its name; a customers file without such a
    # column gets no owner (a region is a slice, not an owner).
    assert 'owner = "Betreuer"' in init_template(customers=world.customers_csv, base=world.root)
    path = tmp_path / "kunden.csv"
    path.write_text("Kunden-ID;Region;Tarif\nC1;NA;pro\nC2;EMEA;starter\nC3;NA;pro\n",
                    encoding="utf-8")
    text = init_template(customers=path, base=tmp_path)
    assert not [line for line in text.splitlines() if line.startswith("owner =")], text


def test_init_template_guesses(world):
    text = init_template(responses=world.responses_csv, customers=world.customers_csv,
                         churn=world.churn_csv, transactions=world.transactions_parquet,
                         base=world.root)
    cfg_path = world.root / "guessed.toml"
    cfg_path.write_text(text)
    cfg = load_config(cfg_path)
    r = cfg.responses
    assert r.csv["separator"] == ";" and r.csv["encoding"] == "latin-1"
    assert r.csv["date_format"] == "%d.%m.%Y %H:%M"
    assert r.columns["score"] == "Bewertung" and r.columns["responded_at"] == "Antwort am"
    assert r.columns["customer_id"] == "Kundennr" and r.columns["comment"] == "Kommentar"
    c = cfg.customers
    assert c.csv["decimal"] == "," and c.csv["date_format"] == "%d.%m.%Y"
    assert c.columns["customer_id"] == "Kunden-ID" and c.columns["arr"] == "ARR"
    assert "Tarif" in cfg.slices and "Region" in cfg.slices
    assert cfg.churn.columns["churned_at"] == "Gekuendigt am"
    assert cfg.transactions.path == world.transactions_parquet
    assert c.csv["thousands"] == "." and c.columns["signup_at"] == "Kunde seit"
    assert r.columns["survey_kind"] == "Art" and "Art" not in cfg.slices
    got = read_inputs(cfg)
    assert len(got.responses) == len(world.responses)


@pytest.mark.parametrize("stamp, fmt", [
    ("01/11/2023 03:48 PM", "%m/%d/%Y %I:%M %p"),        # a US survey tool's export
    ("12/30/2023 11:02:59 AM", "%m/%d/%Y %I:%M:%S %p"),
    ("30/12/2023 23:02:59", "%d/%m/%Y %H:%M:%S"),
    ("30.12.23", "%d.%m.%y"),
])
def test_init_reads_common_export_date_formats(tmp_path, stamp, fmt):
    path = tmp_path / "export.csv"
    path.write_text("Customer ID,Date,How likely?\n7," + stamp + ",9\n8," + stamp + ",3\n",
                    encoding="utf-8-sig")
    text = init_template(responses=path, base=tmp_path)
    assert f"date_format = {fmt!r}".replace("'", '"') in text, text
    assert 'responded_at = "Date"' in text
    cfg_path = tmp_path / "npscore.toml"
    cfg_path.write_text(text)
    got = read_inputs(load_config(cfg_path)).responses["responded_at"]
    assert got.iloc[0] == pd.Timestamp(pd.to_datetime(stamp, format=fmt), tz="UTC")


def test_init_says_when_a_date_column_has_no_known_format(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("customer,date,score\nc1,Jan 5th 2024,9\nc2,Feb 2nd 2024,3\n")
    text = init_template(responses=path, base=tmp_path)
    assert 'column "date" looks like responses.responded_at by its name, but no known date ' \
        "format reads its values (e.g. 'Jan 5th 2024')" in text, text


def test_iso_times_read_by_arrow_are_pandas_instants():
    """The fast path of ISO 8601 times (Arrow's cast) gives the instants
    pandas' ISO 8601 parser gives, and raises Arrow's error for what it does
    not read, on which `_times` has pandas parse and word the errors."""
    import pyarrow as pa

    from npscore._report_io import _iso_by_arrow

    aware = ["2023-01-01T08:14:09Z", "2023-01-01 08:14:09+01:00",
             "2023-06-01T08:14:09.123456789-05:30", "2023-01-01T08:14Z", None]
    naive = ["2023-01-01", "2023-01-01T08", "2023-03-26T02:30:00", "2024-02-29 23:59:59.5", None]
    for values, utc in ((aware, True), (naive, False)):
        s = pd.Series(values, dtype="str")
        got = _iso_by_arrow(s)
        want = pd.to_datetime(s, format="ISO8601", utc=utc)
        np.testing.assert_array_equal(got.to_numpy(dtype="datetime64[ns]"),
                                      want.to_numpy(dtype="datetime64[ns]"))
        assert (got.dt.tz is not None) == utc
    for odd in (aware[:1] + naive[:1], [" 2023-01-01"], ["20230101T081409Z"],
                ["2023-01-01T08:14:09z"], ["2016-12-31T23:59:60Z"], ["31.12.2023"]):
        with pytest.raises((pa.ArrowInvalid, pa.ArrowNotImplementedError)):
            _iso_by_arrow(pd.Series(odd, dtype="str"))
