"""The region hierarchy of the synthetic Netherlands: gemeenten, wijken and buurten with fixed traits.

Everything that does not change from year to year is drawn here once (codes, names, land area,
urbanity, price level); yearly figures are drawn in `zicht.synth.population`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.synth import names
from zicht.synth.regions import DISTRICTS


@dataclass(frozen=True)
class ScaleSpec:
    name: str
    gemeenten: int
    wijken_target: int
    buurten_per_wijk: float
    inhabitants: int  # in the first year


SCALES: dict[str, ScaleSpec] = {
    "demo": ScaleSpec("demo", gemeenten=32, wijken_target=130, buurten_per_wijk=3.0, inhabitants=2_000_000),
    "national": ScaleSpec(
        "national", gemeenten=343, wijken_target=3_300, buurten_per_wijk=4.2, inhabitants=17_560_000
    ),
}

# Gemeente numbers above this are kept free for gemeenten created by a merger.
MERGER_CODE_BASE = 1990
BIG_CITY_FACTOR = 4.0
INDUSTRIAL_SHARE = 0.03


def _gemeenten_per_district(total: int) -> list[int]:
    """One gemeente per district at least, the rest by population share (largest remainder)."""
    extra = total - len(DISTRICTS)
    quotas = [d.population_share * extra for d in DISTRICTS]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: quotas[i] - counts[i], reverse=True)
    for i in by_remainder[: extra - sum(counts)]:
        counts[i] += 1
    return [c + 1 for c in counts]


def _scale_to_target(sizes: np.ndarray, target: int) -> float:
    """The k for which sum(clip(round(k * sizes**0.55), 1, 99)) comes closest to target."""
    low, high = 1e-6, 10.0
    for _ in range(60):
        k = (low + high) / 2
        total = np.clip(np.round(k * sizes**0.55), 1, 99).sum()
        low, high = (k, high) if total < target else (low, k)
    return (low + high) / 2


def build_gemeenten(rng: np.random.Generator, spec: ScaleSpec) -> pd.DataFrame:
    """Gemeenten of the first year with code, name, province, RIEC region and population."""
    counts = _gemeenten_per_district(spec.gemeenten)
    codes = np.sort(rng.choice(np.arange(1, MERGER_CODE_BASE), size=spec.gemeenten, replace=False))
    # Lognormal sizes give the heavy tail: many small gemeenten, a few large ones. Each district's
    # weights are scaled by its share, so the districts hold roughly their share of the inhabitants.
    weights = []
    for district, count in zip(DISTRICTS, counts, strict=True):
        drawn = rng.lognormal(mean=0.0, sigma=1.0, size=count) * district.population_share / count
        if district.has_big_city:
            drawn[0] = drawn.max() * BIG_CITY_FACTOR * max(1.0, 8.0 / count)
        weights.append(drawn)
    all_weights = np.concatenate(weights)
    population = all_weights / all_weights.sum() * spec.inhabitants
    taken: set[str] = set()
    rows = []
    position = 0
    for district, count in zip(DISTRICTS, counts, strict=True):
        for _ in range(count):
            rows.append(
                {
                    "gemeente_code": f"GM{codes[position]:04d}",
                    "gemeente_name": names.gemeente_name(rng, taken),
                    "province_code": district.province_code,
                    "riec_code": district.riec_code,
                    "base_population": max(int(round(population[position])), 900),
                }
            )
            position += 1
    gemeenten = pd.DataFrame(rows)
    log_pop = np.log(gemeenten["base_population"].to_numpy(dtype=float))
    urbanity = np.clip((log_pop - np.log(5_000)) / (np.log(800_000) - np.log(5_000)), 0.0, 1.0)
    gemeenten["urbanity"] = urbanity
    # Inhabitants per km2 land rises steeply with urbanity (80 in the countryside, thousands in cities).
    gemeenten["density_km2"] = 10 ** (1.9 + 1.9 * urbanity + rng.normal(0, 0.12, len(gemeenten)))
    gemeenten["water_share"] = rng.beta(1.2, 8.0, len(gemeenten))
    gemeenten["woz_level"] = 330.0 * rng.lognormal(0.0, 0.18, len(gemeenten)) * (1 + 0.3 * urbanity)
    gemeenten["household_size"] = np.clip(
        2.55 - 0.6 * urbanity + rng.normal(0, 0.08, len(gemeenten)), 1.5, 3.1
    )
    return gemeenten


def build_buurten(rng: np.random.Generator, spec: ScaleSpec, gemeenten: pd.DataFrame) -> pd.DataFrame:
    """Wijken and buurten of every gemeente, one row per buurt, with fixed traits per buurt."""
    sizes = gemeenten["base_population"].to_numpy(dtype=float)
    k = _scale_to_target(sizes, spec.wijken_target)
    wijken_per_gemeente = np.clip(np.round(k * sizes**0.55), 1, 99).astype(int)
    rows = []
    for g, gemeente in enumerate(gemeenten.itertuples(index=False)):
        gm_digits = gemeente.gemeente_code[2:]
        n_wijken = int(wijken_per_gemeente[g])
        wijk_shares = rng.dirichlet(np.full(n_wijken, 2.0))
        wijk_pop = rng.multinomial(gemeente.base_population, wijk_shares)
        land_km2 = gemeente.base_population / gemeente.density_km2
        land_shares = rng.dirichlet(np.full(n_wijken, 2.0))
        for w in range(n_wijken):
            wijk_code = f"WK{gm_digits}{w:02d}"
            wname = names.wijk_name(rng, gemeente.gemeente_name)
            n_buurten = int(min(99, 1 + rng.poisson(spec.buurten_per_wijk - 1)))
            weights = rng.dirichlet(np.full(n_buurten, 1.5))
            industrial = (rng.random(n_buurten) < INDUSTRIAL_SHARE) & (n_buurten > 1)
            weights = np.where(industrial, weights * 0.001, weights)
            buurt_pop = rng.multinomial(wijk_pop[w], weights / weights.sum())
            area_weights = rng.dirichlet(np.full(n_buurten, 2.0)) * np.where(industrial, 3.0, 1.0)
            land_ha = land_km2 * 100 * land_shares[w] * area_weights / area_weights.sum()
            for b in range(n_buurten):
                bname = (
                    "Bedrijventerrein " + names.buurt_name(rng) if industrial[b] else names.buurt_name(rng)
                )
                rows.append(
                    {
                        "buurt_code": f"BU{gm_digits}{w:02d}{b:02d}",
                        "buurt_name": bname,
                        "wijk_code": wijk_code,
                        "wijk_name": wname,
                        "gemeente_code": gemeente.gemeente_code,
                        "base_population": int(buurt_pop[b]),
                        "land_ha": max(1, int(round(land_ha[b]))),
                        "water_ha": int(round(land_ha[b] * gemeente.water_share * rng.lognormal(0, 0.5))),
                        "woz_factor": float(rng.lognormal(0.0, 0.2)),
                    }
                )
    return pd.DataFrame(rows)
