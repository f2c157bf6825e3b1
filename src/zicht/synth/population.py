"""Yearly figures per buurt: population drifts slowly, the breakdowns are drawn from it each year."""

from __future__ import annotations

import numpy as np
import pandas as pd

GROWTH_MEAN = 0.005
GROWTH_SD = 0.01
WOZ_GROWTH = 0.07
WOZ_MIN_INHABITANTS = 50  # below this a buurt average is not shown (CBS leaves such cells empty)
AGE_GROUPS = ("k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder")
_AGE_RURAL = np.array([0.16, 0.11, 0.21, 0.29, 0.23])
_AGE_URBAN = np.array([0.14, 0.15, 0.34, 0.23, 0.14])


def yearly_buurt_figures(
    rng: np.random.Generator, gemeenten: pd.DataFrame, buurten: pd.DataFrame, years: list[int]
) -> dict[int, pd.DataFrame]:
    """Counts per buurt and year (region codes excluded; they depend on the year's indeling)."""
    traits = buurten.merge(
        gemeenten[["gemeente_code", "urbanity", "woz_level", "household_size"]], on="gemeente_code"
    )
    urbanity = traits["urbanity"].to_numpy()[:, None]
    age_probs = _AGE_RURAL * (1 - urbanity) + _AGE_URBAN * urbanity
    age_probs = age_probs / age_probs.sum(axis=1, keepdims=True)
    population = traits["base_population"].to_numpy().astype(np.int64)
    figures = {}
    for index, year in enumerate(years):
        if index > 0:
            growth = rng.normal(GROWTH_MEAN, GROWTH_SD, len(population))
            population = np.round(population * np.exp(growth)).astype(np.int64)
        men = rng.binomial(population, 0.497)
        ages = rng.multinomial(population, age_probs)
        household_size = traits["household_size"].to_numpy() * rng.lognormal(0, 0.05, len(population))
        households = np.round(population / household_size).astype(np.int64)
        single = rng.binomial(households, np.clip(0.22 + 0.35 * traits["urbanity"].to_numpy(), 0, 0.9))
        dwellings = np.round(households * rng.uniform(1.0, 1.06, len(population))).astype(np.int64)
        woz = traits["woz_level"].to_numpy() * traits["woz_factor"].to_numpy() * (1 + WOZ_GROWTH) ** index
        shown = population >= WOZ_MIN_INHABITANTS
        frame = pd.DataFrame(
            {
                "buurt_index": np.arange(len(population)),
                "AantalInwoners": population,
                "Mannen": men,
                "Vrouwen": population - men,
                "HuishoudensTotaal": households,
                "Eenpersoonshuishoudens": single,
                "Woningvoorraad": dwellings,
                # Sums, not averages, so that every level's average is a dwelling-weighted mean.
                "woz_total": np.where(shown, np.round(woz) * dwellings, 0).astype(np.int64),
                "woz_dwellings": np.where(shown, dwellings, 0).astype(np.int64),
                "OppervlakteLand": traits["land_ha"].to_numpy().astype(np.int64),
                "OppervlakteWater": traits["water_ha"].to_numpy().astype(np.int64),
            }
        )
        for position, group in enumerate(AGE_GROUPS):
            frame[group] = ages[:, position]
        figures[year] = frame
    return figures
