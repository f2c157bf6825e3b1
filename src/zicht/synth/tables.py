"""Per-year tables of the synthetic Netherlands: Kerncijfers per region, gemeente hierarchy, conversions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth.housing import OWNERSHIP_SHARES
from zicht.synth.mergers import Merger
from zicht.synth.population import AGE_GROUPS
from zicht.synth.regions import PROVINCES, RIEC_REGIONS

COUNT_COLUMNS = (
    "AantalInwoners",
    "Mannen",
    "Vrouwen",
    *AGE_GROUPS,
    "HuishoudensTotaal",
    "Eenpersoonshuishoudens",
    "Woningvoorraad",
    "OppervlakteLand",
    "OppervlakteWater",
)
_SUM_COLUMNS = (*COUNT_COLUMNS, "woz_total", "woz_dwellings", *OWNERSHIP_SHARES)
# Ownership as CBS publishes it: percentages of the dwelling stock, rounded, from the summed counts.
OWNERSHIP_PERCENTAGES = {
    "Koopwoningen": ("owner_occupied",),
    "HuurwoningenTotaal": ("corporation", "other_landlord"),
    "InBezitWoningcorporatie": ("corporation",),
    "InBezitOverigeVerhuurders": ("other_landlord",),
    "EigendomOnbekend": ("unknown_owner",),
}
_LEVEL_ORDER = {"Land": 0, "Gemeente": 1, "Wijk": 2, "Buurt": 3}
INDELING_UNCHANGED = "1"
INDELING_CODE_CHANGED = "2"


def _is_after(merger: Merger | None, year: int) -> bool:
    return merger is not None and year >= merger.year


def gemeente_register(gemeenten: pd.DataFrame, merger: Merger | None, year: int) -> pd.DataFrame:
    """The gemeenten that exist in `year`, with name, province and RIEC region."""
    register = gemeenten[["gemeente_code", "gemeente_name", "province_code", "riec_code"]]
    if not _is_after(merger, year):
        return register.reset_index(drop=True)
    first_old = register[register["gemeente_code"] == merger.old_codes[0]].iloc[0]
    new_row = pd.DataFrame(
        [{**first_old.to_dict(), "gemeente_code": merger.new_code, "gemeente_name": merger.new_name}]
    )
    kept = register[~register["gemeente_code"].isin(merger.old_codes)]
    return pd.concat([kept, new_row]).sort_values("gemeente_code").reset_index(drop=True)


def _buurt_rows(
    buurten: pd.DataFrame, figures: pd.DataFrame, merger: Merger | None, year: int
) -> pd.DataFrame:
    suffix = "_new" if _is_after(merger, year) else ""
    rows = pd.DataFrame(
        {
            "code": buurten["buurt_code" + suffix].to_numpy(),
            "name": buurten["buurt_name"].to_numpy(),
            "wijk_code": buurten["wijk_code" + suffix].to_numpy(),
            "wijk_name": buurten["wijk_name"].to_numpy(),
            "gemeente_code": buurten["gemeente_code" + suffix].to_numpy(),
        }
    )
    for column in _SUM_COLUMNS:
        rows[column] = figures[column].to_numpy()
    changed = merger is not None and year == merger.year
    merged = (
        buurten["gemeente_code"].isin(merger.old_codes).to_numpy() if merger else np.zeros(len(rows), bool)
    )
    rows["indeling"] = np.where(changed & merged, INDELING_CODE_CHANGED, INDELING_UNCHANGED)
    return rows


def _derive(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures CBS derives from counts: totals, density and averages (empty when undefined)."""
    land_km2 = frame["OppervlakteLand"] / 100
    frame["OppervlakteTotaal"] = frame["OppervlakteLand"] + frame["OppervlakteWater"]
    frame["Bevolkingsdichtheid"] = (frame["AantalInwoners"] / land_km2).round().astype("Int64")
    households = frame["HuishoudensTotaal"].where(frame["HuishoudensTotaal"] > 0)
    frame["GemiddeldeHuishoudensgrootte"] = (frame["AantalInwoners"] / households).round(1).astype("Float64")
    dwellings = frame["woz_dwellings"].where(frame["woz_dwellings"] > 0)
    frame["GemiddeldeWOZWaardeVanWoningen"] = (frame["woz_total"] / dwellings).round().astype("Int64")
    stock = frame["Woningvoorraad"].where(frame["Woningvoorraad"] > 0)
    for column, parts in OWNERSHIP_PERCENTAGES.items():
        frame[column] = (frame[list(parts)].sum(axis=1) / stock * 100).round().astype("Float64")
    return frame.drop(columns=["woz_total", "woz_dwellings", *OWNERSHIP_SHARES])


def kerncijfers(
    year: int, buurten: pd.DataFrame, figures: pd.DataFrame, gemeenten: pd.DataFrame, merger: Merger | None
) -> pd.DataFrame:
    """One row per region (Nederland, gemeente, wijk, buurt) in CBS order; counts add up upwards."""
    register = gemeente_register(gemeenten, merger, year).set_index("gemeente_code")
    buurt = _buurt_rows(buurten, figures, merger, year)
    buurt["soort"] = "Buurt"
    wijk = buurt.groupby(["wijk_code", "wijk_name", "gemeente_code"], as_index=False)[
        list(_SUM_COLUMNS)
    ].sum()
    wijk_indeling = buurt.groupby("wijk_code")["indeling"].max()
    wijk = wijk.rename(columns={"wijk_name": "name"}).assign(
        code=wijk["wijk_code"], soort="Wijk", indeling=wijk["wijk_code"].map(wijk_indeling)
    )
    gemeente = buurt.groupby("gemeente_code", as_index=False)[list(_SUM_COLUMNS)].sum()
    gemeente = gemeente.assign(
        code=gemeente["gemeente_code"], soort="Gemeente", wijk_code=None, indeling=None
    )
    gemeente["name"] = gemeente["gemeente_code"].map(register["gemeente_name"])
    land = pd.DataFrame([buurt[list(_SUM_COLUMNS)].sum()]).assign(
        code="NL00", name="Nederland", soort="Land", gemeente_code=None, wijk_code=None, indeling=None
    )
    table = pd.concat([land, gemeente, wijk, buurt.drop(columns="wijk_name")], ignore_index=True)
    table["gemeente_name"] = table["gemeente_code"].map(register["gemeente_name"]).fillna("Nederland")
    table["province_code"] = table["gemeente_code"].map(register["province_code"])
    table["riec_code"] = table["gemeente_code"].map(register["riec_code"])
    table["_order"] = table["soort"].map(_LEVEL_ORDER)
    sort_keys = [
        table["gemeente_code"].fillna(""),
        table["wijk_code"].fillna(""),
        table["_order"],
        table["code"],
    ]
    table = table.assign(_gm=sort_keys[0], _wk=sort_keys[1]).sort_values(["_gm", "_wk", "_order", "code"])
    table = _derive(table.drop(columns=["_gm", "_wk", "_order"]).reset_index(drop=True))
    leading = [
        "code",
        "name",
        "soort",
        "gemeente_code",
        "gemeente_name",
        "wijk_code",
        "province_code",
        "riec_code",
        "indeling",
    ]
    numeric = [
        *COUNT_COLUMNS,
        "OppervlakteTotaal",
        "Bevolkingsdichtheid",
        "GemiddeldeHuishoudensgrootte",
        "GemiddeldeWOZWaardeVanWoningen",
        *OWNERSHIP_PERCENTAGES,
    ]
    table[list(COUNT_COLUMNS)] = table[list(COUNT_COLUMNS)].astype("int64")
    return table[leading + numeric]


def gebieden(
    year: int, gemeenten: pd.DataFrame, merger: Merger | None, inhabitants: pd.Series
) -> pd.DataFrame:
    """Gemeente -> provincie and politie regionale eenheid (which the RIEC regions follow)."""
    register = gemeente_register(gemeenten, merger, year)
    return pd.DataFrame(
        {
            "gemeente_code": register["gemeente_code"],
            "gemeente_name": register["gemeente_name"],
            "sort_name": register["gemeente_name"].str.replace(r"^'s-", "", regex=True),
            "province_code": register["province_code"],
            "province_name": register["province_code"].map(PROVINCES),
            "police_unit_code": register["riec_code"],
            "police_unit_name": register["riec_code"].map(RIEC_REGIONS),
            "inhabitants": register["gemeente_code"].map(inhabitants).astype("int64"),
        }
    )


def conversion(year: int, buurten: pd.DataFrame, merger: Merger | None, reference_year: int) -> pd.DataFrame:
    """Codes of `year` -> codes of the reference indeling, per level, with weight 1 (no splits)."""
    source = "_new" if _is_after(merger, year) else ""
    target = "_new" if _is_after(merger, reference_year) else ""
    frames = []
    for level in ("gemeente", "wijk", "buurt"):
        pairs = buurten[[f"{level}_code{source}", f"{level}_code{target}"]].drop_duplicates()
        pairs.columns = ["old_code", "new_code"]
        frames.append(pairs.assign(level=level))
    table = pd.concat(frames, ignore_index=True).sort_values(["level", "old_code"]).reset_index(drop=True)
    return table.assign(year=year, weight=1.0)[["year", "level", "old_code", "new_code", "weight"]]
