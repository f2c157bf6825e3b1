"""Synthetic KvK and OM extracts for a generated synthetic Netherlands, in the formats they arrive in.

- `kvk_vestigingen_<year>.csv`: UTF-8, `;`, ISO dates (the register at the end of the newest year);
  demo scale also `kvk_vestigingen_<GMxxxx>_<year>.xlsx`, one gemeente's excerpt as a spreadsheet.
- `om_zaken_<year>.csv`: older years from the legacy export (Windows-1252, `;`, decimal comma),
  the newest year from the new system (UTF-8, `,`, decimal point); dates dd-mm-yyyy.
- `herindeling_<year>.csv`: every year's region codes -> codes of the newest year (UTF-8, `;`,
  decimal comma), the conversion table CBS publishes with each herindeling.
- `extracts_ground_truth.json`: seed, scale, row counts and the planted patterns.
The same scale and seed give byte-identical CSV files (an .xlsx embeds its creation time); the
synthetic Netherlands itself is not changed.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from zicht.errors import MissingPrerequisite
from zicht.synth import kvk_extract, om_extract
from zicht.synth.disclosure_cases import plant_disclosure_cases

KVK_STREAM, OM_STREAM = 101, 202  # separate random streams from the same seed


def _replace_into(path: Path, write) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    write(tmp)
    os.replace(tmp, path)
    return path


def write_kvk_csv(register: pa.Table, path: Path) -> Path:
    """UTF-8, `;`, strings quoted, dates ISO (Arrow casts date32 to yyyy-mm-dd), empty when missing."""
    as_text = pa.table({name: pc.cast(register[name], pa.string()) for name in register.column_names})
    options = pacsv.WriteOptions(delimiter=";", quoting_style="needed")
    return _replace_into(path, lambda tmp: pacsv.write_csv(as_text, tmp, write_options=options))


def write_kvk_xlsx(register: pa.Table, path: Path) -> Path:
    """A spreadsheet as people save it: one header row, dates as date cells, empty cells when missing."""
    from openpyxl import Workbook

    def write(tmp: Path) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Vestigingen")
        sheet.append(register.column_names)
        for row in register.to_pylist():
            sheet.append(list(row.values()))
        book.save(tmp)

    return _replace_into(path, write)


def write_herindeling_csv(synthetic_dir: Path, years: list[int], path: Path) -> Path:
    """The conversion of each year's codes (gemeente, wijk, buurt) to the newest indeling."""
    frames = [pd.read_parquet(synthetic_dir / f"conversion_{year}.parquet") for year in years]
    table = pd.concat(frames, ignore_index=True)
    rows = pd.DataFrame(
        {
            "jaar": table["year"].astype(int),
            "niveau": table["level"],
            "oude_code": table["old_code"],
            "nieuwe_code": table["new_code"],
            "aandeel": table["weight"].map(lambda w: f"{w:g}".replace(".", ",")),
        }
    )
    return _replace_into(path, lambda tmp: rows.to_csv(tmp, sep=";", index=False, encoding="utf-8"))


def write_om_csv(cases: pd.DataFrame, path: Path, legacy: bool) -> Path:
    """Legacy export: Windows-1252, `;`, decimal comma, CRLF; new system: UTF-8, `,`, decimal point."""
    amount = pc.cast(pa.array(cases["bedrag_eur"].to_numpy(), from_pandas=True), pa.string())
    columns = {
        name: pa.array(cases[name].to_numpy(dtype=object), pa.string(), from_pandas=True)
        for name in cases.columns
        if name not in ("jaar", "datum", "bedrag_eur")
    }
    columns["jaar"] = pc.cast(pa.array(cases["jaar"].to_numpy()), pa.string())
    columns["datum"] = pc.strftime(pa.array(cases["datum"].to_numpy(), pa.date32()), format="%d-%m-%Y")
    columns["bedrag_eur"] = pc.replace_substring(amount, ".", ",") if legacy else amount
    table = pa.table(columns).select(list(cases.columns))
    options = pacsv.WriteOptions(delimiter=";" if legacy else ",", quoting_style="none")
    buffer = pa.BufferOutputStream()
    pacsv.write_csv(table, buffer, write_options=options)
    data = buffer.getvalue().to_pybytes()
    if legacy:
        data = data.replace(b"\n", b"\r\n").decode("utf-8").encode("cp1252")
    return _replace_into(path, lambda tmp: tmp.write_bytes(data))


def _regions(synthetic_dir: Path, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    kern = pd.read_parquet(
        synthetic_dir / f"kerncijfers_{year}.parquet",
        columns=["code", "name", "soort", "gemeente_code", "AantalInwoners"],
    )
    buurten = kern[kern["soort"] == "Buurt"].reset_index(drop=True)
    gemeenten = kern[kern["soort"] == "Gemeente"].rename(columns={"AantalInwoners": "inhabitants"})
    return buurten, gemeenten[["gemeente_code", "inhabitants"]].reset_index(drop=True)


def generate_extracts(scale: str, seed: int, synthetic_dir: Path, out_dir: Path) -> list[Path]:
    """Write the KvK and OM extracts for the synthetic Netherlands in `synthetic_dir`; returns the files."""
    synthetic_dir, out_dir = Path(synthetic_dir), Path(out_dir)
    truth_file = synthetic_dir / "ground_truth.json"
    if not truth_file.is_file():
        raise MissingPrerequisite(
            f"no synthetic Netherlands in {synthetic_dir}; generate it first (zicht generate)"
        )
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    if truth["scale"] != scale or truth["seed"] != seed:
        raise ValueError(
            f"{synthetic_dir} holds scale {truth['scale']!r} seed {truth['seed']}, not {scale!r} seed {seed}"
        )
    years = [int(y) for y in truth["years"]]
    reference_year = years[-1]
    taken = {p["gemeente_code"] for p in truth["planted_patterns"]}
    for merger in truth["mergers"]:
        taken |= {merger["new_code"], *merger["old_codes"]}  # keep patterns stable across the merger
    out_dir.mkdir(parents=True, exist_ok=True)

    buurten, gemeenten = _regions(synthetic_dir, reference_year)
    kvk_gemeente = kvk_extract.pick_planted_gemeente(gemeenten, taken)
    register, kvk_pattern = kvk_extract.establishments(
        np.random.default_rng([seed, KVK_STREAM]), buurten, gemeenten, reference_year, kvk_gemeente
    )
    register, disclosure_cases = plant_disclosure_cases(register, buurten, gemeenten, taken | {kvk_gemeente})
    files = [write_kvk_csv(register, out_dir / f"kvk_vestigingen_{reference_year}.csv")]
    if scale == "demo":
        smallest = gemeenten.sort_values("inhabitants").iloc[0]["gemeente_code"]
        in_smallest = pc.equal(pc.utf8_slice_codeunits(register["buurt_code"], 2, 6), smallest[2:])
        excerpt = register.filter(in_smallest)
        files.append(write_kvk_xlsx(excerpt, out_dir / f"kvk_vestigingen_{smallest}_{reference_year}.xlsx"))

    case_gemeenten = {case["gemeente_code"] for case in disclosure_cases}
    om_gemeente = kvk_extract.pick_planted_gemeente(gemeenten, taken | {kvk_gemeente} | case_gemeenten)
    rng = np.random.default_rng([seed, OM_STREAM])
    om_counts, planted_cases = {}, {}
    for year in years:
        gebieden = pd.read_parquet(synthetic_dir / f"gebieden_{year}.parquet")
        cases = om_extract.cases_for_year(rng, year, gebieden, om_gemeente)
        files.append(write_om_csv(cases, out_dir / f"om_zaken_{year}.csv", legacy=year < reference_year))
        om_counts[str(year)] = len(cases)
        in_gemeente = cases["pleeggemeente"] == om_gemeente
        planted_cases[str(year)] = int(
            (in_gemeente & cases["delictgroep"].isin(om_extract.PLANTED_DELICTS)).sum()
        )

    files.append(write_herindeling_csv(synthetic_dir, years, out_dir / f"herindeling_{reference_year}.csv"))

    inhabitants = gemeenten.set_index("gemeente_code")["inhabitants"]
    om_pattern = {
        "pattern": "om_drugs_excess",
        "gemeente_code": om_gemeente,
        "delictgroepen": list(om_extract.PLANTED_DELICTS),
        "multiplier": om_extract.PLANTED_MULTIPLIER,
        "description": (
            f"Opiumwet cases (hard and soft drugs) with pleeggemeente {om_gemeente} planted at about "
            f"{om_extract.PLANTED_MULTIPLIER:g}x the number its inhabitants explain, in every year."
        ),
        "cases_per_year": planted_cases,
        "indicators": ["drugs_om_harddrugs", "drugs_om_softdrugs"],
        "inhabitants": int(inhabitants[om_gemeente]),
    }
    kvk_pattern["inhabitants"] = int(inhabitants[kvk_gemeente])
    ground_truth = {
        "seed": seed,
        "scale": scale,
        "reference_year": reference_year,
        "generated_on_calendar": date(reference_year, 12, 31).isoformat(),
        "files": {p.name: {"bytes": p.stat().st_size} for p in files},
        "rows": {"kvk_vestigingen": register.num_rows, "om_zaken": om_counts},
        "planted_patterns": [kvk_pattern, om_pattern],
        "disclosure_cases": disclosure_cases,
    }
    truth_path = out_dir / "extracts_ground_truth.json"
    _replace_into(
        truth_path,
        lambda tmp: tmp.write_text(
            json.dumps(ground_truth, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        ),
    )
    return files
