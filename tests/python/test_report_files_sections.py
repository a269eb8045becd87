"""Every section of the report on the user's own files (issue 13): the sample
written as a German export would write it (semicolons, decimal commas,
dd.mm.yyyy dates, naive Europe/Berlin times, Latin-1, the region "NA" kept as
a value, Parquet for transactions), read back by `read_inputs`, and the
section checks of test_report_sections run on what was read: each number of
the report equals the library function called directly on the same data."""

from __future__ import annotations

import dataclasses
import types

import numpy as np
import pandas as pd
import pytest

import npscore
from npscore._report_io import load_config, read_inputs

# The checks themselves; collected here, they take this module's fixtures.
from test_report_sections import (  # noqa: F401
    full,  # the report on this module's `inputs`
    test_churn_backtest_equals_a_direct_backtest,
    test_health_flags_trends_drivers_events_equal_the_library,
    test_overall_equals_summarize,
    test_period_over_period_equals_compare,
    test_progress_names_each_stage_with_rows,
    test_queue_and_revenue_equal_priority,
    test_slices_equal_by_group,
    test_themes_equal_top_themes,
)

BERLIN = "Europe/Berlin"
SLICES = ["plan", "region", "company_size", "industry"]


def _german(x: pd.Series) -> pd.Series:
    return x.map(lambda v: f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."))


def _write_world(root, dates_only=False):
    """The export; `dates_only`: the answers' times as dd.mm.yyyy dates (many
    customers then answer twice on one day: the tie rule decides)."""
    s = npscore.datasets.load_sample(seed=5, n_customers=300)
    r = s.responses.copy()
    # The export's precision is the minute, in local time: keep the answers
    # whose local time names one instant (not in the hour that repeats).
    t = r["responded_at"].dt.floor("min")
    local = t.dt.tz_convert(BERLIN).dt.tz_localize(None)
    ok = local.dt.tz_localize(BERLIN, ambiguous="NaT", nonexistent="NaT").notna().to_numpy()
    r = r[ok].reset_index(drop=True)
    r["responded_at"] = t[ok].to_numpy()
    r["comment"] = r["comment"].map(
        lambda v: v if pd.isna(v) else v.encode("latin-1", "replace").decode("latin-1"))
    if dates_only:
        day = r["responded_at"].dt.tz_convert(BERLIN).dt.normalize()
        # Every third customer who answered more than once answers last on
        # the day of the answer before: a tie at the latest instant.
        order = day.sort_values(kind="stable").index
        last = r.loc[order].groupby("customer_id").tail(2).groupby(r["customer_id"])
        pairs = [g.index for _, g in last if len(g) == 2][::3]
        for before, latest in pairs:
            day[latest] = day[before]
        r["responded_at"] = day.dt.tz_convert("UTC")
    contacts = npscore.datasets.make_contacts(r)  # from the responses as exported
    c = s.customers
    data = root / "data"
    data.mkdir()
    latin = dict(sep=";", index=False, encoding="latin-1")
    answer_format = "%d.%m.%Y" if dates_only else "%d.%m.%Y %H:%M"
    pd.DataFrame({
        "Antwort-Nr": r["response_id"], "Kundennr": r["customer_id"],
        "Antwort am": r["responded_at"].dt.tz_convert(BERLIN).dt.strftime(answer_format),
        "Art": r["survey_kind"].astype(str), "Bewertung": r["score"], "Kommentar": r["comment"],
    }).to_csv(data / "antworten.csv", **latin)
    pd.DataFrame({
        "Kunden-ID": c["customer_id"], **{k: c[k].astype(str) for k in SLICES},
        "Kunde seit": c["signup_at"].dt.tz_convert(BERLIN).dt.strftime("%d.%m.%Y %H:%M:%S"),
        "ARR": _german(c["arr"]), "CLV": _german(c["clv"]),
    }).to_csv(data / "kunden.csv", **latin)
    ch = s.churn[s.churn["churned"]]
    pd.DataFrame({"Kunden-ID": ch["customer_id"],
                  "Gekuendigt am": ch["churned_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
                 ).to_csv(data / "kuendigungen.csv", **latin)
    pd.DataFrame({"customer": s.transactions["customer_id"], "date": s.transactions["date"],
                  "amount": s.transactions["amount"]}).to_parquet(data / "umsaetze.parquet")
    pd.DataFrame({"Datum": s.events["time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "Ereignis": s.events["label"], "Typ": s.events["kind"],
                  "plan": s.events["plan"], "theme": s.events["theme"],
                  "Ende": s.events["end"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")}
                 ).to_csv(data / "ereignisse.csv", **latin)
    done = contacts[contacts["contacted_at"].notna()]
    pd.DataFrame({"Antwort-Nr": done["response_id"],
                  "Kontakt am": done["contacted_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
                 ).to_csv(data / "kontakte.csv", **latin)
    slices = ", ".join(f'"{k}"' for k in SLICES)
    (root / "npscore.toml").write_text(f"""\
[report]
timezone = "UTC"
period = "Q"
slices = [{slices}]
weight = "arr"

[csv]
separator = ";"
decimal = ","
thousands = "."
encoding = "latin-1"

[responses]
path = "data/antworten.csv"
date_format = "{answer_format}"
timezone = "{BERLIN}"
response_id = "Antwort-Nr"
customer_id = "Kundennr"
score = "Bewertung"
responded_at = "Antwort am"
comment = "Kommentar"
survey_kind = "Art"

[customers]
path = "data/kunden.csv"
date_format = "%d.%m.%Y %H:%M:%S"
timezone = "{BERLIN}"
customer_id = "Kunden-ID"
signup_at = "Kunde seit"
arr = "ARR"
clv = "CLV"

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
end = "Ende"

[contacts]
path = "data/kontakte.csv"
response_id = "Antwort-Nr"
contacted_at = "Kontakt am"
""", encoding="utf-8")
    return root / "npscore.toml"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    read = read_inputs(load_config(_write_world(tmp_path_factory.mktemp("files"))))
    # The sample report's churn model columns (ReportInputs.from_sample).
    return dataclasses.replace(read, churn_columns=["plan", "company_size"])


@pytest.fixture(scope="module")
def sample(inputs):
    """What was read, shaped as a Sample (responses without the joined slices)."""
    return types.SimpleNamespace(
        responses=inputs.responses.drop(columns=SLICES), customers=inputs.customers,
        churn=inputs.churn, events=inputs.events, transactions=inputs.transactions)


@pytest.fixture(scope="module")
def joined(sample):
    return sample.responses.merge(sample.customers[["customer_id", *SLICES, "arr"]],
                                  on="customer_id", how="left", validate="many_to_one")


def test_what_was_read_is_the_export(inputs):
    r = inputs.responses
    assert (r["region"] == "NA").sum() > 0            # North America, not missing
    assert r["responded_at"].dt.tz is not None
    assert "dates only" not in inputs.data_note  # times of day: no note on ties
    assert inputs.contacts is not None and inputs.contacts["contacted_at"].notna().any()
    assert np.all(np.isfinite(inputs.customers["arr"].to_numpy(float)))
