"""Writes the example "user files" in data/: one simulated world of
npscore.datasets (seed 11, 500 customers) exported the way a German CRM and
survey tool might: semicolons, decimal commas, dd.mm.yyyy dates, local
Europe/Berlin times without offsets, UTF-8 with a BOM (Excel) and Latin-1, German column names, a region
coded "NA" (North America), and the case log of the detractors' follow-ups
(faelle.csv). `npscore report --config npscore.toml` reads
them back (README: the report on your own files).

    python examples/report/make_data.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import npscore.datasets as ds

HERE = Path(__file__).resolve().parent


def _local(t: pd.Series, fmt: str) -> pd.Series:
    return t.dt.tz_convert("Europe/Berlin").dt.strftime(fmt)


def _money(x: pd.Series) -> pd.Series:
    # 1234.5 -> "1.234,50"
    return x.map(lambda v: f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."))


def main() -> None:
    s = ds.load_sample(seed=11, n_customers=500)
    out = HERE / "data"
    out.mkdir(exist_ok=True)
    csv = dict(sep=";", index=False, encoding="latin-1")
    r = s.responses
    pd.DataFrame({
        "Antwort-Nr": r["response_id"], "Kundennr": r["customer_id"],
        "Antwort am": _local(r["responded_at"], "%d.%m.%Y %H:%M"),
        "Art": r["survey_kind"].astype(str), "Bewertung": r["score"],
        "Kommentar": r["comment"].fillna(""),
    }).to_csv(out / "antworten.csv", **{**csv, "encoding": "utf-8-sig"})  # comments hold emoji
    c = s.customers
    pd.DataFrame({
        "Kunden-ID": c["customer_id"], "Region": c["region"].astype(str),
        "Tarif": c["plan"].astype(str), "Branche": c["industry"].astype(str),
        "Kunde seit": _local(c["signup_at"], "%d.%m.%Y"), "ARR": _money(c["arr"]),
        "Betreuer": ["Team " + "ABC"[i % 3] for i in range(len(c))],
    }).to_csv(out / "kunden.csv", **csv)
    ch = s.churn[s.churn["churned"]]
    pd.DataFrame({"Kunden-ID": ch["customer_id"],
                  "Gekuendigt am": _local(ch["churned_at"], "%d.%m.%Y")}
                 ).to_csv(out / "kuendigungen.csv", **csv)
    t = s.transactions
    pd.DataFrame({"Kunden-ID": t["customer_id"], "Datum": _local(t["date"], "%d.%m.%Y"),
                  "Betrag": _money(t["amount"])}).to_csv(out / "umsaetze.csv", **csv)
    e = s.events
    pd.DataFrame({"Datum": _local(e["time"], "%d.%m.%Y"), "Ereignis": e["label"],
                  "Typ": e["kind"]}).to_csv(out / "ereignisse.csv", **csv)
    pd.DataFrame({"Name": ["Team A", "Team B", "Team C"], "Kontakte pro Tag": [4, 3, 2]}
                 ).to_csv(out / "betreuer.csv", **csv)
    k = s.cases  # the case log: what the teams did about each detractor, and what came of it
    pd.DataFrame({
        "Fall": k["case_id"], "Kunden-ID": k["customer_id"],
        "Eroeffnet": _local(k["opened_at"], "%d.%m.%Y %H:%M"), "Segment": k["segment"],
        "Punkte": k["score"], "Betreuer": k["owner"],
        "Erstkontakt": _local(k["first_contact_at"], "%d.%m.%Y %H:%M").fillna(""),
        "Geschlossen": _local(k["closed_at"], "%d.%m.%Y %H:%M"),
        "Gerettet": k["recovered"].map({1: "yes", 0: "no"}),
        "Naechste Bewertung": k["next_score"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}"),
        "Gekuendigt": k["churned"].map({1: "yes", 0: "no"}),
        "Risiko": k["churn_risk"].map(lambda v: f"{v:.4f}".replace(".", ",")),
        "CLV": _money(k["clv"]),
    }).to_csv(out / "faelle.csv", **csv)


if __name__ == "__main__":
    main()
