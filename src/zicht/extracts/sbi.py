"""SBI 2008 reference kept as data: division -> section, and the branches named as vulnerable.

A code is valid when it has 4 or 5 digits and its first two digits are a division of SBI 2008
(KvK registers an activity at the deepest level that exists, so both lengths occur).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HERE = Path(__file__).parent
DIVISIONS_FILE = HERE / "reference" / "sbi_divisions.csv"
VULNERABLE_FILE = HERE / "reference" / "kwetsbare_branches.csv"


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def divisions() -> dict[str, str]:
    """SBI 2008 division (2 digits) -> section letter."""
    return {row["division"]: row["section"] for row in _read(DIVISIONS_FILE)}


@cache
def vulnerable_branches() -> dict[str, str]:
    """SBI code -> description, for the branches named as vulnerable to subversion."""
    return {row["sbi_code"]: row["omschrijving"] for row in _read(VULNERABLE_FILE)}


def section_of(code: str) -> str | None:
    if not (code.isdigit() and len(code) in (4, 5)):
        return None
    return divisions().get(code[:2])


def invalid_sbi_mask(values: pa.Array) -> np.ndarray:
    """True where a non-empty value is not a valid SBI 2008 code (vectorised for millions of rows)."""
    shaped = pc.fill_null(pc.match_substring_regex(values, r"^\d{4,5}$"), False)
    known = pc.fill_null(pc.is_in(pc.utf8_slice_codeunits(values, 0, 2), pa.array(list(divisions()))), False)
    present = pc.invert(pc.is_null(values))
    return np.asarray(pc.and_(present, pc.invert(pc.and_(shaped, known))))
