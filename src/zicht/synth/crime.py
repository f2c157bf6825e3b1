"""Registered crime per buurt and suspects per gemeente, drawn from national rates.

Counts are Poisson(national rate x inhabitants) with no extra heterogeneity, so that a region
without a planted pattern deviates from the national rate no more often than chance allows.
Higher levels are exact sums of the buurten (crime) or the rounded sum of the gemeenten (suspects).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

CRIME_CATEGORIES_PATH = Path(__file__).with_name("crime_categories.csv")
CRIME_TOTAL_CODE = "0.0.0"
# Crime outside the listed categories, per 1,000 inhabitants: it makes the total larger than their sum.
OTHER_CRIME_RATE_PER_1000 = 33.0

# Suspects (85655NED): Delict and Leeftijd categories; rates per 1,000 inhabitants of the age group.
OFFENCE_TOTAL = ("T001", "Totaal")
OFFENCES = (
    ("D001", "Drugsmisdrijven", {"L012": 3.0, "L025": 0.8}),
    ("D002", "Geweldsmisdrijven", {"L012": 6.0, "L025": 2.0}),
    ("D003", "Vermogensmisdrijven", {"L012": 6.5, "L025": 1.5}),
)
OTHER_OFFENCE_RATES = {"L012": 4.0, "L025": 1.2}
AGE_TOTAL = ("T009", "Totaal")
AGE_GROUPS = (("L012", "12 tot 25 jaar"), ("L025", "25 jaar of ouder"))
# Inhabitants per age group, from the Kerncijfers age columns (15-25 stands in for 12-25).
AGE_POPULATION = {
    "L012": ("k_15Tot25Jaar",),
    "L025": ("k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"),
}
SUSPECTS_ROUNDING = 10


@cache
def crime_categories() -> tuple[tuple[str, str, float | None], ...]:
    """(code, title, rate per 1,000 inhabitants) in CBS order; the total first, without a rate."""
    with open(CRIME_CATEGORIES_PATH, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    categories = []
    for line, row in enumerate(rows, start=2):
        rate = row["rate_per_1000"].strip()
        if (row["code"] == CRIME_TOTAL_CODE) != (rate == ""):
            raise ValueError(
                f"{CRIME_CATEGORIES_PATH.name} row {line}: only the total ({CRIME_TOTAL_CODE}) has no rate"
            )
        categories.append((row["code"], row["title"], float(rate) if rate else None))
    return tuple(categories)


def _regions(kern: pd.DataFrame, levels: tuple[str, ...]) -> pd.DataFrame:
    return kern.loc[kern["soort"].isin(levels), ["code", "name", "soort"]].reset_index(drop=True)


def registered_crimes(
    rng: np.random.Generator, kern: pd.DataFrame, multipliers: dict[tuple[str, str], float]
) -> pd.DataFrame:
    """One row per region (Nederland, gemeente, wijk, buurt) and crime category of one year.

    `multipliers` maps (gemeente code, crime code) to a factor on the rate in every buurt of it.
    """
    buurten = kern[kern["soort"] == "Buurt"]
    inhabitants = buurten["AantalInwoners"].to_numpy(dtype=float)
    gemeente = buurten["gemeente_code"].to_numpy()
    categories = [c for c in crime_categories() if c[0] != CRIME_TOTAL_CODE]
    counts = {}
    for code, _, rate in categories:
        factor = np.ones(len(buurten))
        for (planted_gemeente, planted_code), multiplier in multipliers.items():
            if planted_code == code:
                factor[gemeente == planted_gemeente] = multiplier
        counts[code] = rng.poisson(rate / 1000 * inhabitants * factor)
    other = rng.poisson(OTHER_CRIME_RATE_PER_1000 / 1000 * inhabitants)
    counts[CRIME_TOTAL_CODE] = other + sum(counts[code] for code, _, _ in categories)
    per_buurt = pd.DataFrame(counts, index=buurten["code"].to_numpy())
    per_wijk = per_buurt.groupby(buurten["wijk_code"].to_numpy()).sum()
    per_gemeente = per_buurt.groupby(gemeente).sum()
    national = pd.DataFrame([per_buurt.sum()], index=["NL00"])
    by_region = pd.concat([national, per_gemeente, per_wijk, per_buurt])
    regions = _regions(kern, ("Land", "Gemeente", "Wijk", "Buurt"))
    codes = [code for code, _, _ in crime_categories()]
    titles = [title for _, title, _ in crime_categories()]
    figures = by_region.loc[regions["code"].to_numpy(), codes].to_numpy()  # region x category
    table = pd.DataFrame(
        {
            "code": np.repeat(regions["code"].to_numpy(), len(codes)),
            "name": np.repeat(regions["name"].to_numpy(), len(codes)),
            "soort": np.repeat(regions["soort"].to_numpy(), len(codes)),
            "crime_code": np.tile(codes, len(regions)),
            "crime_title": np.tile(titles, len(regions)),
            "registered_crimes": figures.ravel(),
        }
    )
    table["registered_crimes"] = table["registered_crimes"].astype("Int64")  # CBS may leave a cell empty
    return table


def round_to(values: np.ndarray, step: int) -> np.ndarray:
    """Round half up to a multiple of `step`, as CBS rounds published counts."""
    return (np.floor(np.asarray(values, dtype=float) / step + 0.5) * step).astype(np.int64)


def suspects(
    rng: np.random.Generator, kern: pd.DataFrame, multipliers: dict[tuple[str, str, str], float]
) -> pd.DataFrame:
    """One row per region (Nederland, gemeente) x Delict x Leeftijd of one year, rounded to 10.

    `multipliers` maps (gemeente code, offence code, age code) to a factor on that rate.
    """
    gemeenten = kern[kern["soort"] == "Gemeente"]
    codes = gemeenten["code"].to_numpy()
    exact: dict[tuple[str, str], np.ndarray] = {}
    for age, _ in AGE_GROUPS:
        population = gemeenten[list(AGE_POPULATION[age])].sum(axis=1).to_numpy(dtype=float)
        offences = []
        for offence, _, rates in OFFENCES:
            factor = np.ones(len(codes))
            for (planted, planted_offence, planted_age), multiplier in multipliers.items():
                if (planted_offence, planted_age) == (offence, age):
                    factor[codes == planted] = multiplier
            exact[(offence, age)] = rng.poisson(rates[age] / 1000 * population * factor)
            offences.append(exact[(offence, age)])
        other = rng.poisson(OTHER_OFFENCE_RATES[age] / 1000 * population)
        exact[(OFFENCE_TOTAL[0], age)] = other + sum(offences)
    for offence in (OFFENCE_TOTAL[0], *(o[0] for o in OFFENCES)):
        exact[(offence, AGE_TOTAL[0])] = sum(exact[(offence, age)] for age, _ in AGE_GROUPS)
    regions = _regions(kern, ("Land", "Gemeente"))
    rows = []
    for offence, offence_title in (OFFENCE_TOTAL, *((o[0], o[1]) for o in OFFENCES)):
        for age, age_title in (AGE_TOTAL, *AGE_GROUPS):
            values = exact[(offence, age)]
            figures = np.concatenate([[values.sum()], values])  # Nederland first, then the gemeenten
            rows.append(
                regions.assign(
                    offence_code=offence,
                    offence_title=offence_title,
                    age_code=age,
                    age_title=age_title,
                    suspects=round_to(figures, SUSPECTS_ROUNDING),
                    _region=np.arange(len(regions)),
                )
            )
    table = pd.concat(rows, ignore_index=True).sort_values("_region", kind="stable")
    table["suspects"] = table["suspects"].astype("Int64")
    return table.drop(columns="_region").reset_index(drop=True)
