"""Patterns planted on purpose, so that analyses downstream have something known to find."""

from __future__ import annotations

import pandas as pd

DENSITY_MULTIPLIER = 1.6
WOZ_MULTIPLIER = 3.0


def plant_high_density(gemeenten: pd.DataFrame, buurten: pd.DataFrame, exclude: set[str]) -> dict:
    """Give a mid-sized gemeente a density well above the densest other gemeente (by shrinking its land)."""
    candidates = gemeenten[~gemeenten["gemeente_code"].isin(exclude)].sort_values("base_population")
    target = candidates.iloc[len(candidates) // 2]
    code = target["gemeente_code"]
    land = buurten.groupby("gemeente_code")["land_ha"].sum()
    pop = buurten.groupby("gemeente_code")["base_population"].sum()
    density = pop / (land / 100)
    wanted = density.drop(code).max() * DENSITY_MULTIPLIER
    shrink = density[code] / wanted
    rows = buurten["gemeente_code"] == code
    buurten.loc[rows, "land_ha"] = (buurten.loc[rows, "land_ha"] * shrink).round().clip(lower=1).astype(int)
    return {
        "pattern": "high_population_density",
        "gemeente_code": code,
        "gemeente_name": target["gemeente_name"],
        "description": (
            f"A mid-sized gemeente whose land area was shrunk so that its Bevolkingsdichtheid is about "
            f"{DENSITY_MULTIPLIER}x that of the densest other gemeente, in every year."
        ),
        "column": "Bevolkingsdichtheid",
    }


def plant_woz_outlier(gemeenten: pd.DataFrame, exclude: set[str]) -> dict:
    """Give the smallest gemeente a price level far above all others."""
    candidates = gemeenten[~gemeenten["gemeente_code"].isin(exclude)].sort_values("base_population")
    target = candidates.iloc[0]
    rows = gemeenten["gemeente_code"] == target["gemeente_code"]
    gemeenten.loc[rows, "woz_level"] = gemeenten["woz_level"].max() * WOZ_MULTIPLIER
    return {
        "pattern": "small_gemeente_high_woz",
        "gemeente_code": target["gemeente_code"],
        "gemeente_name": target["gemeente_name"],
        "description": (
            f"The smallest gemeente has an average WOZ value about {WOZ_MULTIPLIER}x the highest price "
            f"level of any other gemeente, in every year: the highest GemiddeldeWOZWaardeVanWoningen."
        ),
        "column": "GemiddeldeWOZWaardeVanWoningen",
    }
