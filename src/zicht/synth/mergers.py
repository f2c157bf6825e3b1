"""Municipal mergers (herindeling): two small gemeenten become one new gemeente from a given year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.synth import names
from zicht.synth.geography import MERGER_CODE_BASE

PREFERRED_MERGER_YEAR = 2023


@dataclass(frozen=True)
class Merger:
    year: int
    old_codes: tuple[str, ...]
    old_names: tuple[str, ...]
    new_code: str
    new_name: str

    def as_dict(self) -> dict:
        return {
            "year": self.year,
            "old_codes": list(self.old_codes),
            "old_names": list(self.old_names),
            "new_code": self.new_code,
            "new_name": self.new_name,
        }


def merger_year(years: list[int]) -> int | None:
    """2023 when possible, else a year in the middle; no merger without a year before it."""
    if len(years) < 2:
        return None
    if PREFERRED_MERGER_YEAR in years[1:]:
        return PREFERRED_MERGER_YEAR
    return years[len(years) // 2]


def plan_merger(
    rng: np.random.Generator, year: int, gemeenten: pd.DataFrame, buurten: pd.DataFrame, exclude: set[str]
) -> Merger:
    """Pick two small gemeenten of one province and RIEC region whose wijken fit in one new gemeente."""
    wijken_per_gemeente = buurten.groupby("gemeente_code")["wijk_code"].nunique()
    small = gemeenten[gemeenten["base_population"] <= gemeenten["base_population"].quantile(0.6)]
    small = small[~small["gemeente_code"].isin(exclude)]
    for _, group in small.groupby(["province_code", "riec_code"], sort=True):
        if len(group) < 2:
            continue
        pair = group.sort_values("base_population").head(2)
        codes = tuple(pair["gemeente_code"])
        if wijken_per_gemeente[list(codes)].sum() <= 99:
            new_name = names.gemeente_name(rng, set(gemeenten["gemeente_name"]))
            return Merger(
                year, codes, tuple(pair["gemeente_name"]), f"GM{MERGER_CODE_BASE + 1:04d}", new_name
            )
    raise ValueError("no pair of small gemeenten in one district can be merged")


def apply_merger(merger: Merger, buurten: pd.DataFrame) -> pd.DataFrame:
    """Add the codes every buurt and wijk carries after the merger (unchanged outside the merger)."""
    result = buurten.copy()
    result["gemeente_code_new"] = result["gemeente_code"]
    result["wijk_code_new"] = result["wijk_code"]
    result["buurt_code_new"] = result["buurt_code"]
    merged = result["gemeente_code"].isin(merger.old_codes)
    new_digits = merger.new_code[2:]
    old_wijken = sorted(result.loc[merged, "wijk_code"].unique())
    wijk_map = {old: f"WK{new_digits}{i:02d}" for i, old in enumerate(old_wijken)}
    result.loc[merged, "gemeente_code_new"] = merger.new_code
    result.loc[merged, "wijk_code_new"] = result.loc[merged, "wijk_code"].map(wijk_map)
    # A buurt keeps its own two digits under the renumbered wijk.
    result.loc[merged, "buurt_code_new"] = (
        "BU" + result.loc[merged, "wijk_code_new"].str[2:] + result.loc[merged, "buurt_code"].str[-2:]
    )
    return result
