"""Patterns planted on purpose, so that analyses downstream have something known to find."""

from __future__ import annotations

import pandas as pd

DENSITY_MULTIPLIER = 1.6
WOZ_MULTIPLIER = 3.0
RATE_MULTIPLIER = 3.0  # crime and suspect patterns: three times the national rate
UNKNOWN_OWNER_MULTIPLIER = 6.0
# Young drug suspects are a part of all drug suspects and CBS rounds both to 10: a stronger excess keeps
# the pattern visible in the total too.
YOUNG_SUSPECTS_MULTIPLIER = 6.0
# A rate pattern goes to the largest free gemeente below the biggest cities (the top tenth by
# inhabitants): large enough for the excess to stand out from Poisson noise and from CBS's rounding
# of suspects to 10, yet not a city whose size alone draws attention.
BIG_CITY_SHARE = 0.10


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
        "table_family": "kerncijfers_wijken_buurten",
        "column": "Bevolkingsdichtheid",
        "multiplier": DENSITY_MULTIPLIER,
        "indicators": ["kern_bevolkingsdichtheid"],
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
        "table_family": "kerncijfers_wijken_buurten",
        "column": "GemiddeldeWOZWaardeVanWoningen",
        "multiplier": WOZ_MULTIPLIER,
        "indicators": ["wonen_woz_gemiddeld"],
    }


def largest_town_below_the_cities(gemeenten: pd.DataFrame, exclude: set[str]) -> pd.Series:
    """The largest free gemeente that is not among the biggest cities (ordered by inhabitants, then code)."""
    ordered = gemeenten.sort_values(["base_population", "gemeente_code"], ascending=[False, True])
    cities = set(ordered["gemeente_code"].iloc[: max(1, int(len(ordered) * BIG_CITY_SHARE))])
    candidates = ordered[~ordered["gemeente_code"].isin(exclude | cities)]
    if candidates.empty:
        raise ValueError("no gemeente left to plant a pattern in")
    return candidates.iloc[0]


def _rate_pattern(target: pd.Series, pattern: str, description: str, multiplier: float, **details) -> dict:
    return {
        "pattern": pattern,
        "gemeente_code": target["gemeente_code"],
        "gemeente_name": target["gemeente_name"],
        "description": description,
        "multiplier": multiplier,
        **details,
    }


def plant_rate_patterns(gemeenten: pd.DataFrame, exclude: set[str]) -> list[dict]:
    """The crime, suspect and ownership patterns, each in its own mid-sized gemeente."""
    taken = set(exclude)
    specs = [
        (
            "drugs_hotspot",
            f"Drugshandel (3.1.1) and drugs-/drankoverlast (2.1.1) registered at {RATE_MULTIPLIER:g}x the "
            "national rate in every buurt, every year.",
            RATE_MULTIPLIER,
            {"table_family": "geregistreerde_misdrijven", "crime_codes": ["3.1.1", "2.1.1"]},
            ["drugs_handel_politie", "drugs_overlast_politie"],
        ),
        (
            "social_unrest",
            f"Bedreiging (1.4.4) and openlijk geweld tegen personen (1.4.3) registered at "
            f"{RATE_MULTIPLIER:g}x the national rate in every buurt, every year.",
            RATE_MULTIPLIER,
            {"table_family": "geregistreerde_misdrijven", "crime_codes": ["1.4.4", "1.4.3"]},
            ["onrust_bedreiging_politie", "onrust_openlijk_geweld_politie"],
        ),
        (
            "young_drug_suspects",
            f"Drugs suspects (D001) aged 12 to 25 (L012) living there at {YOUNG_SUSPECTS_MULTIPLIER:g}x the "
            "national rate, every year.",
            YOUNG_SUSPECTS_MULTIPLIER,
            {"table_family": "verdachten", "offence_code": "D001", "age_code": "L012"},
            ["drugs_verdachten", "drugs_verdachten_jong_aandeel"],
        ),
        (
            "unknown_owners",
            f"The share of dwellings with an unknown owner (EigendomOnbekend) at "
            f"{UNKNOWN_OWNER_MULTIPLIER:g}x the national share in every buurt, every year.",
            UNKNOWN_OWNER_MULTIPLIER,
            {"table_family": "kerncijfers_wijken_buurten", "column": "EigendomOnbekend"},
            ["vastgoed_eigendom_onbekend_aandeel"],
        ),
    ]
    planted = []
    for pattern, description, multiplier, details, indicators in specs:
        target = largest_town_below_the_cities(gemeenten, taken)
        taken.add(target["gemeente_code"])
        planted.append(
            _rate_pattern(target, pattern, description, multiplier, **details, indicators=indicators)
        )
    return planted
