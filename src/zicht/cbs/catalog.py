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

    @property
    def raw_table(self) -> str:
        """Name of the table in the warehouse's raw schema, e.g. cbs__85984ned."""
        return f"cbs__{self.table_id.lower()}"


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
                )
            )
    return tuple(tables)


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


def table_by_id(table_id: str) -> CatalogTable:
    for table in load_catalog():
        if table.table_id.upper() == table_id.upper():
            return table
    raise KeyError(f"CBS table {table_id!r} is not in the catalog {CATALOG_PATH}")


def family_tables(family: str) -> list[CatalogTable]:
    return [table for table in load_catalog() if table.family == family]
