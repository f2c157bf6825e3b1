"""The catalog of CBS tables (catalog.yml): which table id holds which family and year.

`ZICHT_CBS_CATALOG` names another catalog file (default: the catalog.yml beside this module); how a
data steward adds a table or a year is in docs/cbs_tables.md.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from zicht.errors import ZichtError

CATALOG_PATH = Path(__file__).with_name("catalog.yml")
CATALOG_SETTING = "ZICHT_CBS_CATALOG"
DEFAULT_YEARS = (2021, 2022, 2023, 2024, 2025)
RECIPE = "docs/cbs_tables.md"
_REQUIRED_FAMILY_KEYS = ("view", "region_dimension", "tables")
_REQUIRED_TABLE_KEYS = ("year", "table_id", "title")


class CatalogError(ZichtError, ValueError):
    """The catalog file itself is wrong: which file, which entry, what is wrong with it."""


class UnknownCatalogTable(ZichtError, KeyError):
    """A table id (or a period of it) that the catalog does not list."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def catalog_path() -> Path:
    """The catalog in use: ZICHT_CBS_CATALOG, or the catalog.yml shipped with Zicht."""
    value = os.environ.get(CATALOG_SETTING)
    return Path(value).resolve() if value else CATALOG_PATH


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
    # Raw name of the topic that holds each region's code (Kerncijfers: Codering), when the table has one:
    # a StatLine download that includes it maps regions by code instead of by (repeatable) name.
    region_code_topic: str | None = None

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


def load_catalog(path: Path | None = None) -> tuple[CatalogTable, ...]:
    """Every catalog entry, in file order; the catalog in use unless `path` names another."""
    return _load_catalog(Path(path) if path is not None else catalog_path())


@cache
def _load_catalog(path: Path) -> tuple[CatalogTable, ...]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CatalogError(f"cannot read the CBS catalog {path}: {error.strerror or error}") from error
    except yaml.YAMLError as error:
        raise CatalogError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from error
    families = data.get("families") if isinstance(data, dict) else None
    if not isinstance(families, dict) or not families:
        raise CatalogError(f"{path}: expected a mapping `families:` of family name -> spec")
    tables = [table for family, spec in families.items() for table in _family_tables(path, family, spec)]
    _check_unique(tables, path)
    return tuple(tables)


def _lacking(entry, keys: tuple[str, ...]) -> list[str]:
    return [key for key in keys if not (isinstance(entry, dict) and entry.get(key))]


def _family_tables(path: Path, family: str, spec) -> list[CatalogTable]:
    missing = _lacking(spec, _REQUIRED_FAMILY_KEYS)
    if missing:
        raise CatalogError(f"{path}: family {family} lacks {', '.join(missing)}")
    tables = []
    for position, entry in enumerate(spec["tables"], start=1):
        where = f"{path}: family {family}, table entry {position}"
        missing = _lacking(entry, _REQUIRED_TABLE_KEYS)
        if missing:
            raise CatalogError(f"{where} lacks {', '.join(missing)}")
        try:
            year = int(entry["year"])
        except (TypeError, ValueError):
            raise CatalogError(f"{where}: year {entry['year']!r} is not a year") from None
        tables.append(
            CatalogTable(
                family=family,
                year=year,
                table_id=str(entry["table_id"]),
                title=str(entry["title"]),
                assumed=bool(entry.get("assumed", False)),
                view=spec["view"],
                region_dimension=spec["region_dimension"],
                period=str(entry["period"]) if entry.get("period") else None,
                region_code_topic=spec.get("region_code_topic"),
            )
        )
    return tables


def _check_unique(tables: list[CatalogTable], path: Path) -> None:
    """One entry per family and year; an id used for several entries must name a period in each."""
    seen_years: set[tuple[str, int]] = set()
    by_id: dict[str, list[CatalogTable]] = {}
    for table in tables:
        if (table.family, table.year) in seen_years:
            raise CatalogError(f"{path}: family {table.family} lists year {table.year} twice")
        seen_years.add((table.family, table.year))
        by_id.setdefault(table.table_id.upper(), []).append(table)
    for table_id, entries in by_id.items():
        periods = [t.period for t in entries]
        if len(entries) > 1 and (None in periods or len(set(periods)) != len(periods)):
            raise CatalogError(
                f"{path}: table {table_id} is listed {len(entries)} times; each needs its own period"
            )
        if len({t.family for t in entries}) > 1:
            raise CatalogError(f"{path}: table {table_id} is listed under more than one family")


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
        raise UnknownCatalogTable(
            f"CBS table {table_id!r} is not in the catalog {catalog_path()}; add it as {RECIPE} describes"
        )
    return found


def table_by_id(table_id: str) -> CatalogTable:
    """The catalog entry of a single-period table id; a multi-period id needs `select_tables`."""
    found = tables_by_id(table_id)
    if len(found) > 1:
        periods = ", ".join(t.label for t in found)
        raise UnknownCatalogTable(
            f"CBS table {table_id!r} holds several periods in the catalog ({periods}); name one"
        )
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
                raise UnknownCatalogTable(
                    f"CBS table {table_id!r} has no period {period!r} in the catalog {catalog_path()};"
                    f" add it as {RECIPE} describes"
                )
        selected.extend(found)
    return selected


def family_tables(family: str) -> list[CatalogTable]:
    return [table for table in load_catalog() if table.family == family]
