"""Cases planted in the KvK register that disclosure control must protect, named so tests can find them.

- A dominant establishment: one large road haulier (SBI 4941) among a few small ones in a gemeente,
  large enough that it alone is more than three quarters of the branch's working persons there. Its
  working persons are a magnitude that one company determines: the dominance rule must withhold it.
- A single establishment: the only one of a rare kwetsbare branch in a gemeente, so the count of
  establishments there is 1 every year: the minimum frequency rule must withhold it.

All planted establishments are open since before the first year, so each case holds in every year.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DOMINANT_BRANCH = "4941"  # goederenvervoer over de weg
DOMINANT_MIN_WORKERS = 250
COMPANIONS = 3  # small establishments beside it, so that the rule it breaks is dominance, not frequency
COMPANION_WORKERS = 2
SINGLE_BRANCHES = ("6619", "9604", "5530", "45205")  # rare kwetsbare branches, tried in this order
OPEN_SINCE = date(2000, 1, 1)
PLANTED_KVK_FROM = 99_000_000  # kvk numbers above those the generator gives
PLANTED_VESTIGING_FROM = 999_900_000_000


def _gemeente_of(register: pa.Table) -> pd.Series:
    return pd.Series(pc.utf8_slice_codeunits(register["buurt_code"], 2, 6).to_numpy(zero_copy_only=False))


def _rows(
    register: pa.Table, buurt_code: str, sbi_code: str, workers: list[int], names: list[str], first: int
):
    """New register rows in `buurt_code`, at a postcode of that buurt, open since OPEN_SINCE."""
    in_buurt = pc.equal(register["buurt_code"], buurt_code)
    postcode = register.filter(in_buurt)["postcode"][0].as_py()
    n = len(workers)
    numbers = range(first, first + n)
    columns = {
        "kvk_nummer": [f"{PLANTED_KVK_FROM + i:08d}" for i in numbers],
        "vestigingsnummer": [f"{PLANTED_VESTIGING_FROM + i:012d}" for i in numbers],
        "statutaire_naam": names,
        "rechtsvorm": ["Besloten vennootschap"] * n,
        "sbi_code": [sbi_code] * n,
        "postcode": [postcode] * n,
        "huisnummer": [1 + 2 * i for i in range(n)],
        "buurt_code": [buurt_code] * n,
        "registratiedatum": [OPEN_SINCE] * n,
        "startdatum": [OPEN_SINCE] * n,
        "einddatum": [None] * n,
        "werkzame_personen": workers,
    }
    return pa.table(
        {name: pa.array(values, register.schema.field(name).type) for name, values in columns.items()}
    )


def _largest_buurt(buurten: pd.DataFrame, gemeente_code: str) -> str:
    own = buurten[buurten["gemeente_code"] == gemeente_code].sort_values(["AantalInwoners", "code"])
    return str(own.iloc[-1]["code"])


def plant_disclosure_cases(
    register: pa.Table, buurten: pd.DataFrame, gemeenten: pd.DataFrame, exclude: set[str]
) -> tuple[pa.Table, list[dict]]:
    """The register with both cases added, and their descriptions for the ground truth."""
    gemeente = _gemeente_of(register)
    sbi = pd.Series(register["sbi_code"].to_numpy(zero_copy_only=False))
    workers = pd.Series(register["werkzame_personen"].to_numpy(zero_copy_only=False))
    by_size = gemeenten[~gemeenten["gemeente_code"].isin(exclude)].sort_values(
        ["inhabitants", "gemeente_code"]
    )

    # Dominance: a gemeente of middling size with hauliers already there.
    hauliers = sbi.str.startswith(DOMINANT_BRANCH)
    candidates = [
        code for code in by_size["gemeente_code"] if (hauliers & (gemeente == code[2:])).sum() >= COMPANIONS
    ]
    if not candidates:
        raise ValueError(
            f"no gemeente has {COMPANIONS} establishments of SBI {DOMINANT_BRANCH} to plant beside"
        )
    dominant_gemeente = candidates[len(candidates) // 2]
    others = (
        int(workers[hauliers & (gemeente == dominant_gemeente[2:])].sum()) + COMPANIONS * COMPANION_WORKERS
    )
    # At least three times everyone else together, in every year: the largest is then > 75 % of the total.
    dominant_workers = max(DOMINANT_MIN_WORKERS, 10 * others)
    dominant_rows = _rows(
        register,
        _largest_buurt(buurten, dominant_gemeente),
        DOMINANT_BRANCH,
        [dominant_workers] + [COMPANION_WORKERS] * COMPANIONS,
        ["Transportgroep Zwaar B.V."] + [f"Koeriersdienst Licht {i + 1} B.V." for i in range(COMPANIONS)],
        first=0,
    )

    # Small count: the largest gemeente without any establishment of a rare branch gets exactly one.
    single_branch = single_gemeente = None
    for branch in SINGLE_BRANCHES:
        present = set(gemeente[sbi.str.startswith(branch)])
        without = [
            code for code in by_size["gemeente_code"] if code[2:] not in present and code != dominant_gemeente
        ]
        if without:
            single_branch, single_gemeente = branch, without[-1]
            break
    if single_branch is None:
        raise ValueError(f"every gemeente has establishments of each of {', '.join(SINGLE_BRANCHES)}")
    single_rows = _rows(
        register,
        _largest_buurt(buurten, single_gemeente),
        single_branch,
        [3],
        ["Enige Vestiging B.V."],
        first=COMPANIONS + 1,
    )

    cases = [
        {
            "case": "dominant_establishment",
            "description": (
                f"One establishment of SBI {DOMINANT_BRANCH} with {dominant_workers} working persons beside "
                f"{COMPANIONS} of {COMPANION_WORKERS} and the gemeente's other hauliers ({others} together)."
            ),
            "gemeente_code": dominant_gemeente,
            "sbi_code": DOMINANT_BRANCH,
            "working_persons": dominant_workers,
            "indicator": "kb_werkzame_personen",
            "breakdown_code": DOMINANT_BRANCH,
            "expected_reason": "primary_dominance",
        },
        {
            "case": "single_establishment",
            "description": f"The only establishment of SBI {single_branch} in the gemeente, in every year.",
            "gemeente_code": single_gemeente,
            "sbi_code": single_branch,
            "indicator": "kb_vestigingen",
            "breakdown_code": single_branch,
            "expected_reason": "primary_frequency",
        },
    ]
    return pa.concat_tables([register, dominant_rows, single_rows]), cases
