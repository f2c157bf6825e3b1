"""Synthetic KvK establishment register (one row per vestiging), vectorised for millions of rows.

Establishments sit in buurten in proportion to inhabitants (business parks get extra), branches
follow `kvk_branch_mix.csv`, start dates spread over decades, about a third close again. One
gemeente is given far more barbershops and car washes than its size explains (ground truth).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

BRANCH_MIX_FILE = Path(__file__).parent / "kvk_branch_mix.csv"
# About 2.5 million rows for the 17.5 million inhabitants of the national scale.
ESTABLISHMENTS_PER_INHABITANT = 0.155
BUSINESS_PARK_EXTRA_INHABITANTS = 2_500  # a business park hosts as many as a buurt of this size
EXTRACT_HISTORY_FROM = np.datetime64("2015-01-01")  # closures before this are no longer in the extract
PLANTED_BRANCHES = ("96021", "45205")  # kappers, autowasstraten
PLANTED_MULTIPLIER = 5.0
LEGAL_FORMS = (
    ("Eenmanszaak", 0.58, ""),
    ("Besloten vennootschap", 0.24, "B.V."),
    ("Vennootschap onder firma", 0.07, "V.O.F."),
    ("Stichting", 0.06, ""),
    ("Vereniging", 0.025, ""),
    ("Commanditaire vennootschap", 0.01, "C.V."),
    ("Coöperatie", 0.01, "U.A."),
    ("Naamloze vennootschap", 0.005, "N.V."),
)
SURNAMES = np.array(
    [
        "Jansen",
        "de Vries",
        "van den Berg",
        "Bakker",
        "Visser",
        "Smit",
        "Meijer",
        "de Boer",
        "Mulder",
        "de Groot",
        "Bos",
        "Vos",
        "Peters",
        "Hendriks",
        "van Leeuwen",
        "Dekker",
        "Brouwer",
        "de Wit",
        "Dijkstra",
        "Smits",
        "de Graaf",
        "van der Meer",
        "Kok",
        "Jacobs",
        "Haan",
        "Vermeulen",
        "van Dijk",
        "Schouten",
        "Willems",
        "Hoekstra",
        "Koç",
        "Yılmaz",
        "El Amrani",
        "Şahin",
        "Nguyễn",
        "Müller",
        "Çelik",
        "Hélène",
        "Zoë",
        "Anaïs",
        "Björk",
        "Noël",
        "Reneé",
    ],
    dtype=object,
)
PLACES = np.array(
    ["Centrum", "Noord", "Zuid", "Oost", "West", "Stad", "Dorp", "Haven", "Markt", "Brug"], dtype=object
)
POSTCODE_LETTERS = np.array(list("ABCDEGHJKLMNPRSTVWXZ"))


def branch_mix() -> pd.DataFrame:
    mix = pd.read_csv(BRANCH_MIX_FILE, dtype={"sbi_code": str})
    mix = mix[mix["share"] > 0].reset_index(drop=True)
    mix["share"] = mix["share"] / mix["share"].sum()
    return mix


def _buurt_weights(buurten: pd.DataFrame) -> np.ndarray:
    industrial = buurten["name"].str.startswith("Bedrijventerrein").to_numpy()
    return buurten["AantalInwoners"].to_numpy(float) + industrial * BUSINESS_PARK_EXTRA_INHABITANTS


def pick_planted_gemeente(gemeenten: pd.DataFrame, exclude: set[str]) -> str:
    """A gemeente of middling size (upper half), so the excess cannot be explained by size."""
    candidates = gemeenten[~gemeenten["gemeente_code"].isin(exclude)].sort_values("inhabitants")
    return str(candidates.iloc[int(len(candidates) * 0.6)]["gemeente_code"])


def _dates(rng: np.random.Generator, n: int, reference_end: np.datetime64):
    """Start, registration and end dates as datetime64[D]; end NaT while open."""
    age_days = np.minimum(rng.exponential(11 * 365.25, n), 75 * 365.25).astype(np.int64)
    start = reference_end - age_days.astype("timedelta64[D]")
    registered = start + rng.integers(-30, 60, n).astype("timedelta64[D]")
    registered = np.minimum(registered, reference_end)
    lifetime = rng.exponential(16 * 365.25, n).astype(np.int64).astype("timedelta64[D]")
    end = start + lifetime
    closed = end <= reference_end
    end = np.where(closed, end, np.datetime64("NaT"))
    return start, registered, end


def _join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _names(rng: np.random.Generator, words: np.ndarray, suffixes: np.ndarray) -> pa.Array:
    """Company names from branch word, surname and place (Arrow string kernels: millions per second)."""
    n = len(words)
    word = pa.array(words, pa.string())
    surname = pa.array(SURNAMES[rng.integers(0, len(SURNAMES), n)], pa.string())
    place = pa.array(PLACES[rng.integers(0, len(PLACES), n)], pa.string())
    style = rng.integers(0, 5, n)
    style[rng.random(n) < 0.01] = 5  # a few names with quotes, to exercise CSV quoting
    variants = [
        _join(word, " ", surname),
        _join(surname, " ", word),
        _join(word, " ", place),
        _join(surname, " & Zn. ", word),
        _join(surname, " ", place),
        _join(word, ' "', place, '"'),
    ]
    names = variants[0]
    for number, variant in enumerate(variants[1:], start=1):
        names = pc.if_else(pa.array(style == number), variant, names)
    suffix = pa.array(suffixes, pa.string())
    return pc.if_else(pc.equal(suffix, ""), names, _join(names, " ", suffix))


def _postcodes(rng: np.random.Generator, gemeente_rank: np.ndarray, n_gemeenten: int, buurt_in_gemeente):
    span = 8999 / n_gemeenten
    pc4 = (1000 + np.floor(gemeente_rank * span) + np.minimum(buurt_in_gemeente // 2, span - 1)).astype(int)
    letters = POSTCODE_LETTERS[rng.integers(0, len(POSTCODE_LETTERS), (len(pc4), 2))]
    return _join(pc.cast(pa.array(pc4), pa.string()), pa.array(letters[:, 0]), pa.array(letters[:, 1]))


def establishments(
    rng: np.random.Generator,
    buurten: pd.DataFrame,
    gemeenten: pd.DataFrame,
    reference_year: int,
    planted_gemeente: str,
) -> tuple[pa.Table, dict]:
    """The register at the end of `reference_year`, and the planted pattern's facts."""
    mix = branch_mix()
    weights = _buurt_weights(buurten)
    counts = rng.poisson(weights * ESTABLISHMENTS_PER_INHABITANT)
    buurt_index = np.repeat(np.arange(len(buurten)), counts)
    sbi = mix["sbi_code"].to_numpy()[rng.choice(len(mix), size=len(buurt_index), p=mix["share"].to_numpy())]

    # The planted excess: extra kappers and car washes in the buurten of one gemeente.
    in_planted = (buurten["gemeente_code"] == planted_gemeente).to_numpy()
    planted_weights = np.where(in_planted, weights, 0.0)
    expected = {}
    extra_index, extra_sbi = [], []
    for code in PLANTED_BRANCHES:
        share = float(mix.loc[mix["sbi_code"] == code, "share"].iloc[0])
        expected[code] = planted_weights.sum() * ESTABLISHMENTS_PER_INHABITANT * share
        n_extra = int(round(expected[code] * (PLANTED_MULTIPLIER - 1)))
        extra_index.append(rng.choice(len(buurten), size=n_extra, p=planted_weights / planted_weights.sum()))
        extra_sbi.append(np.full(n_extra, code, dtype=object))
    buurt_index = np.concatenate([buurt_index, *extra_index])
    sbi = np.concatenate([sbi, *extra_sbi])
    n = len(buurt_index)

    reference_end = np.datetime64(f"{reference_year}-12-31")
    start, registered, end = _dates(rng, n, reference_end)
    # Establishments closed before the extract's history window are no longer delivered.
    keep = np.isnat(end) | (end >= EXTRACT_HISTORY_FROM)
    buurt_index, sbi, start, registered, end = (a[keep] for a in (buurt_index, sbi, start, registered, end))
    n = len(buurt_index)
    order = np.argsort(rng.random(n), kind="stable")  # a register is not sorted by region
    buurt_index, sbi, start, registered, end = (a[order] for a in (buurt_index, sbi, start, registered, end))

    form_names = np.array([f[0] for f in LEGAL_FORMS], dtype=object)
    form_suffix = np.array([f[2] for f in LEGAL_FORMS], dtype=object)
    form_p = np.array([f[1] for f in LEGAL_FORMS])
    form = rng.choice(len(LEGAL_FORMS), size=n, p=form_p / form_p.sum())
    # Most companies have one establishment; some have a second or third one (same kvk_nummer).
    new_company = rng.random(n) >= 0.08
    new_company[0] = True
    company = np.cumsum(new_company) - 1
    form = form[np.flatnonzero(new_company)][company]
    kvk = 10_000_000 + np.cumsum(rng.integers(1, 30, int(company[-1]) + 1))
    kvk = kvk[rng.permutation(len(kvk))][company]
    vestiging = np.cumsum(rng.integers(1, 200, n)) + 10_000_000
    vestiging = vestiging[rng.permutation(n)]

    words = mix.set_index("sbi_code")["naamwoord"].reindex(sbi).to_numpy(dtype=object)
    names = _names(rng, words[np.flatnonzero(new_company)], form_suffix[form[np.flatnonzero(new_company)]])
    workers = np.maximum(0, np.round(rng.lognormal(0.4, 1.2, n))).astype(np.int64)
    workers = np.where(form == 0, np.minimum(workers, 3), workers)
    workers = np.where(form == 0, np.maximum(workers, 1), workers)

    rank = gemeenten.reset_index(drop=True).reset_index().set_index("gemeente_code")["index"]
    buurt_gemeente = buurten["gemeente_code"].to_numpy()
    buurt_rank = rank.reindex(buurt_gemeente).to_numpy()
    buurt_in_gemeente = buurten.groupby("gemeente_code").cumcount().to_numpy()
    postcodes = _postcodes(rng, buurt_rank[buurt_index], len(gemeenten), buurt_in_gemeente[buurt_index])

    frame = pa.table(
        {
            "kvk_nummer": pc.utf8_lpad(pc.cast(pa.array(kvk), pa.string()), 8, "0"),
            "vestigingsnummer": pc.utf8_lpad(pc.cast(pa.array(vestiging), pa.string()), 12, "0"),
            "statutaire_naam": pc.take(names, pa.array(company)),
            "rechtsvorm": pa.array(form_names[form], pa.string()),
            "sbi_code": pa.array(sbi, pa.string()),
            "postcode": postcodes,
            "huisnummer": pa.array(np.minimum(1 + rng.geometric(0.03, n), 999)),
            "buurt_code": pa.array(buurten["code"].to_numpy(dtype=object)[buurt_index], pa.string()),
            "registratiedatum": pa.array(registered, pa.date32()),
            "startdatum": pa.array(start, pa.date32()),
            "einddatum": pa.array(end, pa.date32()),
            "werkzame_personen": pa.array(workers),
        }
    )
    is_open = np.isnat(end)
    in_gemeente = buurt_gemeente[buurt_index] == planted_gemeente
    pattern = {
        "pattern": "kvk_branch_excess",
        "gemeente_code": planted_gemeente,
        "sbi_codes": list(PLANTED_BRANCHES),
        "multiplier": PLANTED_MULTIPLIER,
        # indicator:breakdown, found in the reference year (the extract is that year's register)
        "indicators": [f"kb_vestigingen:{code}" for code in PLANTED_BRANCHES],
        "years": [int(reference_year)],
        "description": (
            f"Kappers (96021) and autowasstraten (45205) planted at about {PLANTED_MULTIPLIER:g}x the number "
            "the gemeente's inhabitants explain; open establishments at the end of the reference year."
        ),
        "open_establishments": {c: int((is_open & in_gemeente & (sbi == c)).sum()) for c in PLANTED_BRANCHES},
        "expected_without_pattern": {c: round(v * float(is_open.mean()), 1) for c, v in expected.items()},
    }
    return frame, pattern
