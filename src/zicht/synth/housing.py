"""Who owns the dwellings (per buurt) and how many existing homes sell at what price (per gemeente).

Ownership counts are drawn multinomially from national shares with no extra heterogeneity; CBS
publishes them as rounded percentages of the dwelling stock (see `zicht.synth.tables`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.synth.regions import PROVINCES

# Internal count columns per buurt and their national share of the dwelling stock.
OWNERSHIP_SHARES = {
    "owner_occupied": 0.57,
    "corporation": 0.28,
    "other_landlord": 0.14,
    "unknown_owner": 0.01,
}
SALES_TURNOVER_RATE = 0.04  # existing homes sold per dwelling and year
SALE_PRICE_OVER_WOZ = 1.15
SALE_PRICE_NOISE_SD = 0.05


def add_ownership(
    rng: np.random.Generator,
    figures: pd.DataFrame,
    gemeente_codes: np.ndarray,
    unknown_multipliers: dict[str, float],
) -> pd.DataFrame:
    """Add the ownership counts to one year's buurt figures; `unknown_multipliers` per gemeente code."""
    shares = np.tile(np.array(list(OWNERSHIP_SHARES.values())), (len(figures), 1))
    unknown = list(OWNERSHIP_SHARES).index("unknown_owner")
    for code, multiplier in unknown_multipliers.items():
        rows = gemeente_codes == code
        planted_share = OWNERSHIP_SHARES["unknown_owner"] * multiplier
        # The other owners keep their proportions within what the unknown owners leave.
        shares[rows] *= (1 - planted_share) / (1 - OWNERSHIP_SHARES["unknown_owner"])
        shares[rows, unknown] = planted_share
    counts = rng.multinomial(figures["Woningvoorraad"].to_numpy(dtype=np.int64), shares)
    result = figures.copy()
    for position, column in enumerate(OWNERSHIP_SHARES):
        result[column] = counts[:, position]
    return result


def home_sales(rng: np.random.Generator, kern: pd.DataFrame) -> pd.DataFrame:
    """One row per region (Nederland, provinces, gemeenten) of one year: homes sold and average price."""
    gemeenten = kern[kern["soort"] == "Gemeente"]
    sold = rng.poisson(gemeenten["Woningvoorraad"].to_numpy(dtype=float) * SALES_TURNOVER_RATE)
    woz_euro = gemeenten["GemiddeldeWOZWaardeVanWoningen"].to_numpy(dtype=float) * 1000
    price = woz_euro * SALE_PRICE_OVER_WOZ * rng.lognormal(0.0, SALE_PRICE_NOISE_SD, len(gemeenten))
    per_gemeente = pd.DataFrame(
        {
            "code": gemeenten["code"].to_numpy(),
            "name": gemeenten["name"].to_numpy(),
            "soort": "Gemeente",
            "province_code": gemeenten["province_code"].to_numpy(),
            "sold": sold,
            "revenue": np.where(sold > 0, price * sold, 0.0),
        }
    )
    per_province = per_gemeente.groupby("province_code", as_index=False)[["sold", "revenue"]].sum()
    per_province = per_province.assign(
        code=per_province["province_code"],
        name=per_province["province_code"].map(PROVINCES),
        soort="Provincie",
    )
    national = pd.DataFrame(
        [{"code": "NL00", "name": "Nederland", "soort": "Land", **per_gemeente[["sold", "revenue"]].sum()}]
    )
    table = pd.concat([national, per_province, per_gemeente], ignore_index=True)
    sold_total = table["sold"].astype(np.int64)
    average = (table["revenue"] / sold_total.where(sold_total > 0)).round()
    return pd.DataFrame(
        {
            "code": table["code"],
            "name": table["name"],
            "soort": table["soort"],
            "VerkochteWoningen": sold_total.astype("Int64"),
            "GemiddeldeVerkoopprijs": average.astype("Int64"),  # empty where nothing was sold
        }
    )
