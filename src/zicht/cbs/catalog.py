"""The catalog of CBS tables (catalog.yml): which table id holds which family and year."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("catalog.yml")
DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)


@dataclass(frozen=True)
class CatalogTable:
    family: str
    year: int
    table_id: str
    title: str
    assumed: bool
    view: str
    region_dimension: str
    period: str | None = None  # CBS Perioden key when the table holds many periods, e.g. 2023JJ00

    @property
    def raw_table(self) -> str:
        """Name of the table in the warehouse's raw schema: cbs__85984ned, or cbs__47022ned__2023jj00."""
        name = f"cbs__{self.table_id.lower()}"
        return f"{name}__{self.period.lower()}" if self.period else name

    @property
    def landing_dataset(self) -> str:
        """Folder of its batches under the landing zone's source folder: 85984NED, or 47022NED/2023JJ00."""
        return f"{self.table_id}/{self.period}" if self.period else self.table_id

    @property
    def label(self) -> str:
        """How logs and errors name it: 85984NED, or 47022NED:2023JJ00."""
        return f"{self.table_id}:{self.period}" if self.period else self.table_id

    @property
    def period_filter(self) -> str | None:
        """The OData $filter that selects its period from a multi-period table."""
        return f"Perioden eq '{self.period}'" if self.period else None


@cache
def load_catalog(path: Path = CATALOG_PATH) -> tuple[CatalogTable, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = []
    for family, spec in data["families"].items():
        for entry in spec["tables"]:
            tables.append(
                CatalogTable(
                    family=family,
                    year=int(entry["year"]),
                    table_id=str(entry["table_id"]),
                    title=str(entry["title"]),
                    assumed=bool(entry.get("assumed", False)),
                    view=spec["view"],
                    region_dimension=spec["region_dimension"],
                    period=str(entry["period"]) if entry.get("period") else None,
                )
            )
    _check_unique(tables, path)
    return tuple(tables)


def _check_unique(tables: list[CatalogTable], path: Path) -> None:
    """One entry per family and year; an id used for several entries must name a period in each."""
    seen_years: set[tuple[str, int]] = set()
    by_id: dict[str, list[CatalogTable]] = {}
    for table in tables:
        if (table.family, table.year) in seen_years:
            raise ValueError(f"{path}: family {table.family} lists year {table.year} twice")
        seen_years.add((table.family, table.year))
        by_id.setdefault(table.table_id.upper(), []).append(table)
    for table_id, entries in by_id.items():
        periods = [t.period for t in entries]
        if len(entries) > 1 and (None in periods or len(set(periods)) != len(periods)):
            raise ValueError(
                f"{path}: table {table_id} is listed {len(entries)} times; each needs its own period"
            )


def configured_years() -> tuple[int, ...]:
    """Years to ingest: ZICHT_CBS_YEARS (comma separated), default 2021-2025."""
    value = os.environ.get("ZICHT_CBS_YEARS")
    if not value:
        return DEFAULT_YEARS
    return tuple(int(part) for part in value.split(",") if part.strip())


def list_catalog_tables(years: tuple[int, ...] | list[int] | None = None) -> list[CatalogTable]:
    """Catalog tables for the given years (default: the configured years), ordered by family and year."""
    wanted = set(configured_years() if years is None else years)
    return [table for table in load_catalog() if table.year in wanted]


def tables_by_id(table_id: str) -> list[CatalogTable]:
    """Every catalog entry of a table id: one, or one per period of a multi-period table."""
    found = [table for table in load_catalog() if table.table_id.upper() == table_id.upper()]
    if not found:
        raise KeyError(f"CBS table {table_id!r} is not in the catalog {CATALOG_PATH}")
    return found


def table_by_id(table_id: str) -> CatalogTable:
    """The catalog entry of a single-period table id; a multi-period id needs `select_tables`."""
    found = tables_by_id(table_id)
    if len(found) > 1:
        periods = ", ".join(t.label for t in found)
        raise KeyError(f"CBS table {table_id!r} holds several periods in the catalog ({periods}); name one")
    return found[0]


def select_tables(selectors: list[str]) -> list[CatalogTable]:
    """Catalog entries for `85984NED` (every period of that id) or `47022NED:2023JJ00` (one period)."""
    selected = []
    for selector in selectors:
        table_id, _, period = selector.partition(":")
        found = tables_by_id(table_id)
        if period:
            found = [t for t in found if (t.period or "").upper() == period.upper()]
            if not found:
                raise KeyError(
                    f"CBS table {table_id!r} has no period {period!r} in the catalog {CATALOG_PATH}"
                )
        selected.extend(found)
    return selected


def family_tables(family: str) -> list[CatalogTable]:
    return [table for table in load_catalog() if table.family == family]
