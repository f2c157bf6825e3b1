"""Which tables disclosure control protects: one per published count (measure, category) and year.

The one source of truth for the job list: the dbt model `int_disclosure_cells` and the national
benchmark (`zicht.disclosure.bench`) both build it here, from the catalog, the reference regions
and the harmonised measures. Only counts from Zicht's own records (`from_records` measures) are
protected; CBS figures are published and protected by CBS.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from zicht.disclosure.batch import protect_tables
from zicht.disclosure.category_links import CategorySums, close_category_leaks
from zicht.disclosure.protect import ProtectedTable
from zicht.disclosure.rules import DisclosureRules, load_rules
from zicht.indicators import Catalog

# The column of int_reference_regions that names each level's parent in the region hierarchy.
PARENT_COLUMN = {"buurt": "wijk_code", "wijk": "gemeente_code", "gemeente": "province_code"}

# int_disclosure_cells: one row per count (measure, category), year and region. `value` stays in the private
# intermediate layer (it is the unprotected count) so that information loss can be measured.
OUTPUT_DTYPES = {
    "measure": "string",
    "category": "string",
    "period_year": "int64",
    "region_level": "string",
    "region_code": "string",
    "value": "float64",
    "status": "string",
    "reason": "string",
    "required_width": "float64",
    "audit_lower": "float64",
    "audit_upper": "float64",
    "disclosure_class": "string",
    "table_passed": "bool",
}


@dataclass(frozen=True)
class TableJob:
    """One table to protect: a count's cells in one year over the levels it is published at."""

    measure: str
    category: str
    year: int
    disclosure_class: str
    cells: pd.DataFrame

    @property
    def name(self) -> str:
        return f"{self.measure}/{self.category}/{self.year}"


def count_tables(catalog: Catalog, branch_codes: Sequence[str]) -> dict[tuple[str, str], dict]:
    """(measure, category) -> disclosure class, the levels it is published at, and its themes.

    Every count from Zicht's own records that an indicator publishes, as numerator or as denominator:
    a count suppressed as one indicator's numerator would otherwise be published as another's
    denominator. An indicator with a breakdown by branch also publishes one numerator per branch
    code (at its breakdown levels), and a denominator of the numerator's category follows the
    branch (`Catalog.record_counts`); a count shared by several indicators is protected once, at
    the union of their levels.
    """
    tables: dict[tuple[str, str], dict] = {}
    for indicator in catalog.indicators:
        for _, ref, follows in catalog.record_counts(indicator):
            keys = [(ref.category, indicator.levels)]
            if indicator.breakdown:
                keys += [
                    (code if follows else ref.category, indicator.breakdown_levels) for code in branch_codes
                ]
            for key, levels in keys:
                entry = tables.setdefault(
                    (ref.measure, key),
                    {"class": indicator.disclosure_class, "levels": set(), "themes": set()},
                )
                entry["levels"] |= set(levels)
                entry["themes"].add(indicator.theme)
    return tables


def protected_measures(catalog: Catalog) -> list[str]:
    """The measures of the protected counts: the only amounts disclosure control reads."""
    return sorted({measure for measure, _ in count_tables(catalog, branch_codes=())})


def cell_table(regions: pd.DataFrame, amounts: pd.DataFrame, levels: Iterable[str]) -> pd.DataFrame:
    """Every region of the levels (absent from the counts: zero), with its parent and RIEC region."""
    cells = regions[regions["region_level"].isin(list(levels))].merge(
        amounts, how="left", on=["region_level", "region_code"]
    )
    cells["value"] = cells["amount"].fillna(0.0)
    cells["parent_code"] = None
    for level, column in PARENT_COLUMN.items():
        rows = cells["region_level"] == level
        cells.loc[rows, "parent_code"] = cells.loc[rows, column]
    cells.loc[cells["region_level"].isin(["provincie", "riec"]), "parent_code"] = "NL00"
    cells.loc[cells["region_level"] != "gemeente", "riec_code"] = None
    # Persons and companies are counted one by one: the count is its own number of contributors.
    cells["contributors"] = cells["value"].round().astype(int)
    return cells[["region_code", "region_level", "parent_code", "value", "contributors", "riec_code"]]


def table_jobs(
    catalog: Catalog, branch_codes: Sequence[str], regions: pd.DataFrame, amounts: pd.DataFrame
) -> list[TableJob]:
    """Every table to protect, in a stable order (measure, category, year).

    `regions` is int_reference_regions, `amounts` int_measures_harmonised (measure, category,
    period_year, region_level, region_code, amount); a numerator is protected in every year it has counts.
    """
    jobs = []
    for (measure, category), spec in sorted(count_tables(catalog, branch_codes).items()):
        of_table = amounts[(amounts["measure"] == measure) & (amounts["category"] == category)]
        for year, counts in of_table.groupby("period_year"):
            cells = cell_table(regions, counts[["region_level", "region_code", "amount"]], spec["levels"])
            jobs.append(TableJob(measure, category, int(year), spec["class"], cells))
    return jobs


def protected_frame(jobs: Sequence[TableJob], protected: Sequence[ProtectedTable]) -> pd.DataFrame:
    """The rows of int_disclosure_cells for protected jobs (typed and empty when there are none)."""
    results = []
    for job, table in zip(jobs, protected, strict=True):
        columns = ["region_level", "region_code", "value", "status", "reason", "required_width"]
        out = table.cells[[*columns, "audit_lower", "audit_upper"]].copy()
        out.insert(0, "period_year", job.year)
        out.insert(0, "category", job.category)
        out.insert(0, "measure", job.measure)
        out["disclosure_class"] = job.disclosure_class
        out["table_passed"] = bool(table.passed)
        results.append(out)
    if not results:  # no record source delivered yet (the CBS ingest may build before the extracts land)
        return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in OUTPUT_DTYPES.items()})
    frame = pd.concat(results, ignore_index=True)
    frame["reason"] = frame["reason"].astype("string")
    return frame


def category_sums(catalog: Catalog, branch_codes: Sequence[str]) -> CategorySums:
    """measure -> its category sums (total -> parts), for every protected measure."""
    return {measure: catalog.category_sums(measure, branch_codes) for measure in protected_measures(catalog)}


def protect_jobs(
    jobs: Sequence[TableJob], rules: DisclosureRules | None = None, sums: CategorySums | None = None
) -> pd.DataFrame:
    """Protects and audits every job, each table on its own; then closes the tables that category
    sums link against differencing across them (`category_links.py`). The rows of int_disclosure_cells."""
    rules = rules or load_rules()
    protected = protect_tables([(job.name, job.cells, job.disclosure_class) for job in jobs], rules)
    protected = close_category_leaks(jobs, protected, sums or {}, rules)
    return protected_frame(jobs, protected)
