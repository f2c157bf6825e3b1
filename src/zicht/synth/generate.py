"""Build the synthetic Netherlands for a scale and seed and write it where the OData server reads it.

Files in the output folder (all parquet, codes unpadded; the server dresses them up as CBS does):
- `kerncijfers_<year>.parquet`  one row per region (Nederland, gemeenten, wijken, buurten)
- `misdrijven_<year>.parquet`   one row per region (as Kerncijfers) and crime category
- `verdachten_<year>.parquet`   one row per region (Nederland, gemeenten), offence and age group
- `verkochte_woningen_<year>.parquet`  one row per region (Nederland, provinces, gemeenten)
- `gebieden_<year>.parquet`     one row per gemeente: provincie and politie regionale eenheid
- `conversion_<year>.parquet`   codes of that year -> codes of the newest year (merger)
- `wijkenbuurtkaart/wijkenbuurten_<year>_<layer>.geojson`  boundaries per year and layer (gemeenten,
  wijken, buurten), WGS84, in the shape of the CBS/PDOK wijk- en buurtkaart (zicht.synth.shapes)
- `ground_truth.json`           seed, scale, years, mergers and planted patterns
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from zicht.synth import crime, geography, housing, mergers, patterns, population, shapes, tables

DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)
# Each later family draws from its own stream, so adding one leaves the others' figures unchanged.
STREAMS = {"ownership": 1, "crime": 2, "suspects": 3, "sales": 4}
SHAPES_FOLDER = "wijkenbuurtkaart"


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    # Written next to the target and renamed, so a reader never sees half a file.
    table = pa.Table.from_pandas(frame, preserve_index=False)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


def _write_json(data: dict, path: Path) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _write_geojson(collection: dict, path: Path) -> None:
    tmp = path.with_suffix(".geojson.tmp")
    tmp.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def generate(
    scale: str, seed: int, out_dir: Path, years: list[int] | tuple[int, ...] = DEFAULT_YEARS
) -> Path:
    """Generate the synthetic Netherlands into `out_dir`; the same arguments give byte-identical files."""
    if scale not in geography.SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {sorted(geography.SCALES)}")
    years = sorted(int(y) for y in years)
    if not years:
        raise ValueError("at least one year is needed")
    spec = geography.SCALES[scale]
    rng = np.random.default_rng(seed)

    gemeenten = geography.build_gemeenten(rng, spec)
    buurten = geography.build_buurten(rng, spec, gemeenten)

    year_of_merger = mergers.merger_year(years)
    merger = None
    if year_of_merger is not None:
        merger = mergers.plan_merger(rng, year_of_merger, gemeenten, buurten, exclude=set())
    buurten = (
        mergers.apply_merger(merger, buurten)
        if merger
        else buurten.assign(
            gemeente_code_new=buurten["gemeente_code"],
            wijk_code_new=buurten["wijk_code"],
            buurt_code_new=buurten["buurt_code"],
        )
    )
    in_merger = set(merger.old_codes) if merger else set()
    planted = [patterns.plant_high_density(gemeenten, buurten, exclude=in_merger)]
    planted.append(patterns.plant_woz_outlier(gemeenten, exclude=in_merger | {planted[0]["gemeente_code"]}))
    planted += patterns.plant_rate_patterns(
        gemeenten, exclude=in_merger | {p["gemeente_code"] for p in planted}
    )
    crime_multipliers, suspect_multipliers, unknown_owner_multipliers = _multipliers(planted)

    figures = population.yearly_buurt_figures(rng, gemeenten, buurten, years)
    streams = {name: np.random.default_rng([seed, stream]) for name, stream in STREAMS.items()}
    buurt_gemeenten = buurten["gemeente_code"].to_numpy()

    polygons = shapes.region_polygons(seed, gemeenten, buurten, merger)

    out_dir = Path(out_dir)
    (out_dir / SHAPES_FOLDER).mkdir(parents=True, exist_ok=True)
    totals = {}
    for year in years:
        year_figures = housing.add_ownership(
            streams["ownership"], figures[year], buurt_gemeenten, unknown_owner_multipliers
        )
        kern = tables.kerncijfers(year, buurten, year_figures, gemeenten, merger)
        gemeente_rows = kern[kern["soort"] == "Gemeente"].set_index("code")
        _write_parquet(kern, out_dir / f"kerncijfers_{year}.parquet")
        _write_parquet(
            crime.registered_crimes(streams["crime"], kern, crime_multipliers),
            out_dir / f"misdrijven_{year}.parquet",
        )
        _write_parquet(
            crime.suspects(streams["suspects"], kern, suspect_multipliers),
            out_dir / f"verdachten_{year}.parquet",
        )
        _write_parquet(
            housing.home_sales(streams["sales"], kern), out_dir / f"verkochte_woningen_{year}.parquet"
        )
        _write_parquet(
            tables.gebieden(year, gemeenten, merger, gemeente_rows["AantalInwoners"]),
            out_dir / f"gebieden_{year}.parquet",
        )
        _write_parquet(
            tables.conversion(year, buurten, merger, years[-1]), out_dir / f"conversion_{year}.parquet"
        )
        register = tables.gemeente_register(gemeenten, merger, year)
        for layer, collection in shapes.wijk_en_buurtkaart(year, polygons, buurten, register, merger).items():
            _write_geojson(collection, out_dir / SHAPES_FOLDER / f"wijkenbuurten_{year}_{layer}.geojson")
        totals[str(year)] = {
            "inhabitants": int(kern.loc[kern["soort"] == "Land", "AantalInwoners"].iloc[0]),
            "gemeenten": int((kern["soort"] == "Gemeente").sum()),
            "wijken": int((kern["soort"] == "Wijk").sum()),
            "buurten": int((kern["soort"] == "Buurt").sum()),
        }
    for pattern in planted:
        if pattern["table_family"] != "kerncijfers_wijken_buurten":
            continue
        code = pattern["gemeente_code"]
        pattern["values"] = {
            str(year): _value_of(out_dir / f"kerncijfers_{year}.parquet", code, pattern["column"])
            for year in years
        }
    _write_json(
        {
            "seed": seed,
            "scale": scale,
            "years": years,
            "reference_year": years[-1],
            "mergers": [merger.as_dict()] if merger else [],
            "planted_patterns": planted,
            "totals": totals,
        },
        out_dir / "ground_truth.json",
    )
    return out_dir


def _multipliers(planted: list[dict]) -> tuple[dict, dict, dict]:
    """Rate multipliers of the planted patterns: per (gemeente, crime), (gemeente, offence, age), gemeente."""
    crimes, suspects, unknown_owners = {}, {}, {}
    for pattern in planted:
        code, multiplier = pattern["gemeente_code"], pattern["multiplier"]
        if pattern["table_family"] == "geregistreerde_misdrijven":
            crimes.update({(code, crime_code): multiplier for crime_code in pattern["crime_codes"]})
        elif pattern["table_family"] == "verdachten":
            suspects[(code, pattern["offence_code"], pattern["age_code"])] = multiplier
        elif pattern.get("column") == "EigendomOnbekend":
            unknown_owners[code] = multiplier
    return crimes, suspects, unknown_owners


def _value_of(path: Path, code: str, column: str) -> float | None:
    frame = pd.read_parquet(path, columns=["code", column])
    value = frame.loc[frame["code"] == code, column].iloc[0]
    return None if pd.isna(value) else float(value)
