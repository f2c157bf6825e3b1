"""Synthetic OM case extract: one row per case decided in a year, per gemeente of that year's indeling.

Cases follow inhabitants (about 200,000 a year nationally); one gemeente gets several times the
drugs cases its size explains (ground truth).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CASES_PER_INHABITANT = 200_000 / 17_560_000
DELICT_MIX = {
    "opiumwet_harddrugs": 0.06,
    "opiumwet_softdrugs": 0.05,
    "witwassen": 0.02,
    "vastgoedfraude": 0.005,
    "bedreiging": 0.07,
    "openlijke_geweldpleging": 0.03,
    "mishandeling": 0.12,
    "diefstal_inbraak": 0.20,
    "vernieling": 0.10,
    "wapenbezit": 0.035,
    "verkeer": 0.26,
    "fraude_overig": 0.05,
}
PLANTED_DELICTS = ("opiumwet_harddrugs", "opiumwet_softdrugs")
PLANTED_MULTIPLIER = 4.0
AGE_GROUPS = ("12-17", "18-24", "25-44", "45-64", "65+", "onbekend")
AGE_MIX = (0.09, 0.24, 0.40, 0.21, 0.04, 0.02)
DECISIONS = ("dagvaarding", "strafbeschikking", "transactie", "sepot")
DECISION_MIX = (0.40, 0.35, 0.10, 0.15)


def _case_counts(rng, gebieden: pd.DataFrame, planted_gemeente: str, delicts: list[str]) -> np.ndarray:
    """gemeente x delict matrix of case counts for one year."""
    base = gebieden["inhabitants"].to_numpy(float)[:, None] * CASES_PER_INHABITANT
    shares = np.array([DELICT_MIX[d] for d in delicts])
    rates = base * shares[None, :] / shares.sum()
    boosted = (gebieden["gemeente_code"] == planted_gemeente).to_numpy()[:, None] & np.isin(
        delicts, PLANTED_DELICTS
    )[None, :]
    return rng.poisson(np.where(boosted, rates * PLANTED_MULTIPLIER, rates))


def cases_for_year(rng, year: int, gebieden: pd.DataFrame, planted_gemeente: str) -> pd.DataFrame:
    delicts = list(DELICT_MIX)
    counts = _case_counts(rng, gebieden, planted_gemeente, delicts)
    gm_index, delict_index = np.nonzero(counts)
    repeats = counts[gm_index, delict_index]
    gm = np.repeat(gm_index, repeats)
    delict = np.array(delicts, dtype=object)[np.repeat(delict_index, repeats)]
    n = len(gm)
    codes = gebieden["gemeente_code"].to_numpy(dtype=object)
    population = gebieden["inhabitants"].to_numpy(float)
    # Most suspects live where they offend; some elsewhere (bigger places draw more), a few unknown.
    elsewhere = rng.choice(len(codes), size=n, p=population / population.sum())
    draw = rng.random(n)
    home = np.where(draw < 0.74, codes[gm], np.where(draw < 0.95, codes[elsewhere], None))
    decision = np.array(DECISIONS, dtype=object)[rng.choice(len(DECISIONS), size=n, p=DECISION_MIX)]
    fined = np.isin(decision, ("strafbeschikking", "transactie"))
    amount = np.round(rng.lognormal(np.log(320), 0.8, n), 2)
    amount = np.where(rng.random(n) < 0.5, np.round(amount, -1), amount)  # many round amounts
    day = rng.integers(0, 365 + (year % 4 == 0), n)
    dates = np.datetime64(f"{year}-01-01") + day.astype("timedelta64[D]")
    riec = gebieden["police_unit_code"].str[2:].astype(int).to_numpy()
    arrondissement = riec[gm] + 2 * (rng.random(n) < 0.5) * 10  # two parket numbers per region
    serial = 100_000 + rng.permutation(n)
    zaak_id = (
        pd.Series(arrondissement).astype(str).str.zfill(2)
        + "/"
        + pd.Series(serial).astype(str)
        + f"-{year % 100:02d}"
    )
    order = np.argsort(dates, kind="stable")
    frame = pd.DataFrame(
        {
            "zaak_id": zaak_id,
            "jaar": year,
            "datum": dates,
            "delictgroep": delict,
            "pleeggemeente": codes[gm],
            "woongemeente": home,
            "leeftijdsgroep": np.array(AGE_GROUPS, dtype=object)[
                rng.choice(len(AGE_GROUPS), size=n, p=AGE_MIX)
            ],
            "afdoening": decision,
            "bedrag_eur": np.where(fined, amount, np.nan),
        }
    )
    return frame.iloc[order].reset_index(drop=True)
