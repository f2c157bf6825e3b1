"""Which tables disclosure control protects: one per published count (measure, category) and year.

The one source of truth for the job list: the dbt model `int_disclosure_cells` and the national
benchmark (`zicht.disclosure.bench`) both build it here, from the catalog, the reference regions
and the harmonised measures. Only counts from Zicht's own records (`from_records` measures) are
protected; CBS figures are published and protected by CBS.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.disclosure.batch import protect_tables
from zicht.disclosure.category_links import CategorySums, close_category_leaks
from zicht.disclosure.protect import DisclosureError, ProtectedTable
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


def protected_counts_sql(catalog: Catalog, branch_codes: Sequence[str]) -> str:
    """A SQL condition on `measure`, `category` and `region_level` that holds for the cells of the
    protected counts only: the amounts table holds every category of every measure at every level,
    most of which no indicator shows (and reading them costs the model seconds)."""
    categories: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for (measure, category), spec in count_tables(catalog, branch_codes).items():
        categories.setdefault((measure, tuple(sorted(spec["levels"]))), set()).add(category)
    if not categories:
        return "false"

    def listed(texts: Iterable[str]) -> str:
        return ", ".join("'" + text.replace("'", "''") + "'" for text in sorted(texts))

    return " or ".join(
        f"(measure = {listed([measure])} and region_level in ({listed(levels)})"
        f" and category in ({listed(cats)}))"
        for (measure, levels), cats in sorted(categories.items())
    )


def _region_keys(frame: pd.DataFrame) -> pd.Index:
    return pd.Index(frame["region_level"].astype(str) + "|" + frame["region_code"].astype(str))


def region_frame(regions: pd.DataFrame, levels: Iterable[str]) -> pd.DataFrame:
    """The regions of the levels with their parent and RIEC region: the rows of every cell table at
    those levels (plain Python strings: the checks walk them row by row). `region_row` is the row's
    position in `regions`."""
    cells = regions.reset_index(drop=True)
    cells = cells.assign(region_row=np.arange(len(cells)))[cells["region_level"].isin(list(levels))]
    cells = cells.astype({column: object for column in cells.columns if column != "region_row"})
    cells = cells.where(cells.notna(), None).reset_index(drop=True)
    cells["parent_code"] = None
    for level, column in PARENT_COLUMN.items():
        rows = cells["region_level"] == level
        cells.loc[rows, "parent_code"] = cells.loc[rows, column]
    cells.loc[cells["region_level"].isin(["provincie", "riec"]), "parent_code"] = "NL00"
    cells.loc[cells["region_level"] != "gemeente", "riec_code"] = None
    return cells[["region_code", "region_level", "parent_code", "riec_code", "region_row"]]


def cell_table(
    frame: pd.DataFrame,
    amounts: pd.DataFrame,
    contributors: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every region of the `region_frame` (absent from the counts: zero), with its parent and RIEC region.

    `amounts` and `contributors` carry `region_row` (the region's position in the regions table).
    A count's contributors are the persons or companies counted. A magnitude's come in `contributors`
    (contributors, top1, top2): how many establishments add to it and the two largest contributions,
    for the dominance rule.
    """
    cells = frame.drop(columns="region_row")
    row_of = np.full(int(frame["region_row"].max()) + 1 if len(frame) else 0, -1)
    row_of[frame["region_row"].to_numpy()] = np.arange(len(frame))

    def aligned(table: pd.DataFrame, column: str) -> np.ndarray:
        """The column of `table` on the rows of `cells` (NaN where a region has no row)."""
        source = table["region_row"].to_numpy()
        inside = (source >= 0) & (source < len(row_of))
        rows = np.full(len(source), -1)
        rows[inside] = row_of[source[inside]]
        out = np.full(len(cells), np.nan)
        known = rows >= 0
        out[rows[known]] = table[column].to_numpy(dtype=float)[known]
        return out

    cells["value"] = np.nan_to_num(aligned(amounts, "amount"), nan=0.0)
    columns = ["region_code", "region_level", "parent_code", "value", "contributors", "riec_code"]
    if contributors is None:
        # Persons and companies are counted one by one: the count is its own number of contributors.
        cells["contributors"] = cells["value"].round().astype(int)
        return cells[columns]
    for column in ("contributors", "top1", "top2"):
        cells[column] = aligned(contributors, column)
    unexplained = (cells["value"] > 0) & cells["contributors"].isna()
    if unexplained.any():
        row = cells[unexplained].iloc[0]
        where = f"{row['region_level']} {row['region_code']}"
        raise DisclosureError(f"{where}: a magnitude of {row['value']:g} without contributors")
    cells[["contributors", "top1", "top2"]] = cells[["contributors", "top1", "top2"]].fillna(0)
    cells["contributors"] = cells["contributors"].astype(int)
    return cells[[*columns, "top1", "top2"]]


def table_jobs(
    catalog: Catalog,
    branch_codes: Sequence[str],
    regions: pd.DataFrame,
    amounts: pd.DataFrame,
    contributors: pd.DataFrame | None = None,
) -> list[TableJob]:
    """Every table to protect, in a stable order (measure, category, year).

    `regions` is int_reference_regions, `amounts` int_measures_harmonised (measure, category,
    period_year, region_level, region_code, amount), `contributors` int_magnitude_contributors (the
    same keys, contributors, top1, top2), needed for magnitudes; a count is protected in every year
    it has counts.
    """
    region_keys = _region_keys(regions.reset_index(drop=True))
    # Only the region's row travels on: splitting the string columns per table costs more than the rest.
    amounts = amounts.assign(region_row=region_keys.get_indexer(_region_keys(amounts)))[
        ["measure", "category", "period_year", "region_row", "amount"]
    ]
    if contributors is not None:
        contributors = contributors.assign(region_row=region_keys.get_indexer(_region_keys(contributors)))[
            ["measure", "category", "period_year", "region_row", "contributors", "top1", "top2"]
        ]
        contributing_of = dict(list(contributors.groupby(["measure", "category", "period_year"], sort=False)))
    tables = dict(list(amounts.groupby(["measure", "category"], observed=True, sort=False)))
    frames: dict[frozenset, pd.DataFrame] = {}
    jobs = []
    for (measure, category), spec in sorted(count_tables(catalog, branch_codes).items()):
        levels = frozenset(spec["levels"])
        if levels not in frames:
            frames[levels] = region_frame(regions, levels)
        of_table = tables.get((measure, category), amounts.iloc[:0])
        for year, counts in of_table.groupby("period_year"):
            name = f"{measure}/{category}/{int(year)}"
            contributing = None
            if spec["class"] == "magnitude":
                if contributors is None:
                    raise DisclosureError(f"{name}: a magnitude needs its contributors (top1, top2)")
                contributing = contributing_of.get((measure, category, year), contributors.iloc[:0])
            try:
                cells = cell_table(frames[levels], counts, contributing)
            except DisclosureError as error:
                raise DisclosureError(f"{name}: {error}") from error
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
