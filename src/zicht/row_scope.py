"""Who may see which published rows: the one definition of a region's scope.

Every published row of gemeente level and up is for every analyst; a wijk or buurt row only for the
analysts of its RIEC region or province (and the ministry). The publication writes one file per
scope with exactly those rows (zicht.scoped_files), and Superset's row-level security adds the same
rule to every query (zicht.superset.access); both are built from the definitions here, so the file
an analyst reads and the clause their queries carry cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

DETAIL_LEVELS = ("wijk", "buurt")
# A published table holds rows of wijken and buurten when it has these columns: each row says its
# level and the RIEC region and province it lies in.
SCOPE_COLUMNS = ("region_level", "riec_code", "province_code")
# The scope of an analyst without a region: no wijk or buurt row at all (deny by default).
NO_REGION = "geen-regio"
SCOPED_DIR = "scoped"


def _levels() -> str:
    return ", ".join(f"'{level}'" for level in DETAIL_LEVELS)


def no_region_clause() -> str:
    """The rows of gemeenten and up: what an analyst without a region may see."""
    return f"region_level NOT IN ({_levels()})"


@dataclass(frozen=True)
class RegionScope:
    kind: str  # "riec" or "provincie"
    code: str  # RIEC01.., PV20..

    def __post_init__(self) -> None:
        if self.kind not in {"riec", "provincie"}:
            raise ValueError(f"a region scope is a riec or provincie, not {self.kind!r}")
        expected = "RIEC" if self.kind == "riec" else "PV"
        if not self.code.startswith(expected) or not self.code[len(expected) :].isdigit():
            raise ValueError(f"{self.code!r} is no {self.kind} code")

    @property
    def column(self) -> str:
        return "riec_code" if self.kind == "riec" else "province_code"

    def clause(self) -> str:
        """Rows of gemeenten and up everywhere, wijken and buurten of this region only."""
        return f"({no_region_clause()} OR {self.column} = '{self.code}')"


def scope_of_code(code: str) -> RegionScope:
    return RegionScope("riec" if code.startswith("RIEC") else "provincie", code)
