"""Load a landed CBS table into the warehouse's raw schema (see docs/architecture.md, raw contract).

- column names: the DataProperties Key without its `_N` suffix. When two topics would get the same
  name (Gebieden in Nederland has a `Code`/`Naam` pair per indeling), both are prefixed with the Key
  of their topic group: `Provincies_Code`, `PolitieRegionaleEenheden_Naam`.
- dimension columns and `Codering` are trimmed and their untrimmed value kept in `<Name>_raw`;
  other strings are trimmed; numbers typed by the DataProperties Datatype; nulls stay NULL.
- `table_id`, `period` and `ingest_id` are added.

Beside it: the region dimension as `<table>__regions`, and the other dimensions (categories such as
SoortMisdrijf, and Perioden) as `<table>__categories`, one row per dimension and key.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from zicht.cbs.catalog import CatalogTable, family_tables
from zicht.warehouse import write_transaction

RAW_SCHEMA = "raw"
MANIFEST_TABLE = "landing_manifest"
_SUFFIX = re.compile(r"_\d+$")
DIMENSION_TYPES = {"Dimension", "GeoDimension", "TimeDimension", "GeoDetail"}
_ARROW_TYPES = {
    "Long": pa.int64(),
    "Integer": pa.int64(),
    "Short": pa.int64(),
    "Double": pa.float64(),
    "Float": pa.float64(),
    "Decimal": pa.float64(),
}


@dataclass(frozen=True)
class RawColumn:
    key: str  # as CBS delivers it, e.g. AantalInwoners_5
    name: str  # in the warehouse, e.g. AantalInwoners
    kind: str  # dimension, string or number
    arrow_type: pa.DataType
    keep_raw: bool


def raw_columns(data_properties: list[dict]) -> list[RawColumn]:
    """The raw table's columns, in CBS order, from a table's DataProperties."""
    by_id = {entry.get("ID"): entry for entry in data_properties}
    fields = [e for e in data_properties if e.get("Type") in DIMENSION_TYPES or e.get("Type") == "Topic"]
    stripped = [_SUFFIX.sub("", entry["Key"]) for entry in fields]
    counts = Counter(stripped)
    columns = []
    for entry, name in zip(fields, stripped, strict=True):
        if counts[name] > 1:
            parent = by_id.get(entry.get("ParentID"))
            if parent is None:
                raise ValueError(f"two CBS columns are both called {name!r} and {entry['Key']} has no group")
            name = f"{parent['Key']}_{name}"
        is_dimension = entry["Type"] in DIMENSION_TYPES
        datatype = entry.get("Datatype", "String")
        kind = "dimension" if is_dimension else ("number" if datatype in _ARROW_TYPES else "string")
        columns.append(
            RawColumn(
                key=entry["Key"],
                name=name,
                kind=kind,
                arrow_type=_ARROW_TYPES.get(datatype, pa.string()) if kind == "number" else pa.string(),
                keep_raw=is_dimension or name == "Codering",
            )
        )
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ValueError(f"CBS column names are not unique after removing suffixes: {names}")
    return columns


def _trim(value):
    return value.strip() if isinstance(value, str) else value


def raw_arrow_table(
    rows: list[dict], data_properties: list[dict], table: CatalogTable, ingest_id: str
) -> pa.Table:
    """The TypedDataSet rows as an Arrow table that follows the raw contract."""
    arrays: dict[str, pa.Array] = {}
    if rows and "ID" in rows[0]:
        arrays["ID"] = pa.array([row.get("ID") for row in rows], pa.int64())
    for column in raw_columns(data_properties):
        values = [row.get(column.key) for row in rows]
        if column.kind == "number":
            arrays[column.name] = pa.array(values, column.arrow_type)
            continue
        arrays[column.name] = pa.array([_trim(v) for v in values], pa.string())
        if column.keep_raw:
            arrays[f"{column.name}_raw"] = pa.array(values, pa.string())
    count = len(rows)
    arrays["table_id"] = pa.array([table.table_id] * count, pa.string())
    arrays["period"] = pa.array([str(table.year)] * count, pa.string())
    arrays["ingest_id"] = pa.array([ingest_id] * count, pa.string())
    return pa.table(arrays)


def region_names_arrow_table(dimension_rows: list[dict], table: CatalogTable, ingest_id: str) -> pa.Table:
    """The region dimension (Key, Title): the TypedDataSet carries codes only, names live here."""
    keys = [row.get("Key") for row in dimension_rows]
    count = len(dimension_rows)
    return pa.table(
        {
            "Key": pa.array([_trim(k) for k in keys], pa.string()),
            "Key_raw": pa.array(keys, pa.string()),
            "Title": pa.array([_trim(row.get("Title")) for row in dimension_rows], pa.string()),
            "Description": pa.array([_trim(row.get("Description")) for row in dimension_rows], pa.string()),
            "table_id": pa.array([table.table_id] * count, pa.string()),
            "period": pa.array([str(table.year)] * count, pa.string()),
            "ingest_id": pa.array([ingest_id] * count, pa.string()),
        }
    )


def category_dimensions(data_properties: list[dict], region_dimension: str) -> list[str]:
    """Keys of the table's dimensions other than its region dimension, in CBS order."""
    return [
        entry["Key"]
        for entry in data_properties
        if entry.get("Type") in DIMENSION_TYPES and entry["Key"] != region_dimension
    ]


def categories_arrow_table(
    dimensions: dict[str, list[dict]], table: CatalogTable, ingest_id: str
) -> pa.Table | None:
    """Key and Title of every non-region dimension (None when the table has none)."""
    if not dimensions:
        return None
    rows = [(name, row) for name, entries in dimensions.items() for row in entries]
    keys = [row.get("Key") for _, row in rows]
    count = len(rows)
    return pa.table(
        {
            "dimension": pa.array([name for name, _ in rows], pa.string()),
            "Key": pa.array([_trim(k) for k in keys], pa.string()),
            "Key_raw": pa.array(keys, pa.string()),
            "Title": pa.array([_trim(row.get("Title")) for _, row in rows], pa.string()),
            "Description": pa.array([_trim(row.get("Description")) for _, row in rows], pa.string()),
            "table_id": pa.array([table.table_id] * count, pa.string()),
            "period": pa.array([str(table.year)] * count, pa.string()),
            "ingest_id": pa.array([ingest_id] * count, pa.string()),
        }
    )


def read_landed(landing_path: Path, name: str) -> list[dict]:
    return json.loads((Path(landing_path) / f"{name}.json").read_text(encoding="utf-8"))


def _manifest_arrow(records: list[dict]) -> pa.Table:
    def column(key: str) -> list:
        return [record.get(key) for record in records]

    return pa.table(
        {
            "ingest_id": pa.array(column("ingest_id"), pa.string()),
            "source": pa.array(column("source"), pa.string()),
            "table_id": pa.array(column("table_id"), pa.string()),
            "family": pa.array(column("family"), pa.string()),
            "period": pa.array(column("period"), pa.string()),
            "retrieved_at": pa.array(column("retrieved_at"), pa.string()),
            "landing_path": pa.array(column("landing_path"), pa.string()),
            "files": pa.array([json.dumps(r.get("files", []), sort_keys=True) for r in records], pa.string()),
            "row_count": pa.array(column("row_count"), pa.int64()),
            "outcome": pa.array(column("outcome"), pa.string()),
            "error": pa.array(column("error"), pa.string()),
        }
    )


def _existing_raw_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = ? AND table_type = 'BASE TABLE'",
        [RAW_SCHEMA],
    ).fetchall()
    return {name for (name,) in rows}


REGIONS_SUFFIX = "__regions"
CATEGORIES_SUFFIX = "__categories"


def refresh_family_view(con: duckdb.DuckDBPyConnection, family: str) -> None:
    """(Re)create the family views (data, region names, categories) as unions by name of the loaded tables."""
    present = _existing_raw_tables(con)
    for suffix in ("", REGIONS_SUFFIX, CATEGORIES_SUFFIX):
        tables = [t for t in family_tables(family) if f"{t.raw_table}{suffix}" in present]
        if not tables:
            continue
        union = "\nUNION ALL BY NAME\n".join(
            f"SELECT * FROM {RAW_SCHEMA}.{t.raw_table}{suffix}" for t in tables
        )
        con.execute(f"CREATE OR REPLACE VIEW {RAW_SCHEMA}.{tables[0].view}{suffix} AS\n{union}")


@dataclass(frozen=True)
class RawLoad:
    """One catalog table's load: its data and, when known, its region names and other dimensions."""

    table: CatalogTable
    data: pa.Table
    region_names: pa.Table | None = None  # None keeps whatever region names the warehouse has
    categories: pa.Table | None = None


def load_tables(warehouse_path: Path, loads: list[RawLoad], manifest_records: list[dict]) -> None:
    """Replace each table, its dimensions, the family views and the manifest mirror in one transaction:
    all of `loads` or nothing (a StatLine download of several periods loads one table per period)."""
    with write_transaction(warehouse_path, RAW_SCHEMA) as con:
        for load in loads:
            _replace(con, load)
        for family in dict.fromkeys(load.table.family for load in loads):
            refresh_family_view(con, family)
        con.register("incoming_manifest", _manifest_arrow(manifest_records))
        con.execute(
            f"CREATE OR REPLACE TABLE {RAW_SCHEMA}.{MANIFEST_TABLE} AS SELECT * FROM incoming_manifest"
        )


def _replace(con: duckdb.DuckDBPyConnection, load: RawLoad) -> None:
    name = f"{RAW_SCHEMA}.{load.table.raw_table}"
    for suffix, data in (
        ("", load.data),
        (REGIONS_SUFFIX, load.region_names),
        (CATEGORIES_SUFFIX, load.categories),
    ):
        if data is None:
            continue
        con.register("incoming_cbs_table", data)
        con.execute(f"CREATE OR REPLACE TABLE {name}{suffix} AS SELECT * FROM incoming_cbs_table")
        con.unregister("incoming_cbs_table")


def load_table(
    warehouse_path: Path,
    table: CatalogTable,
    data: pa.Table,
    manifest_records: list[dict],
    region_names: pa.Table | None = None,
    categories: pa.Table | None = None,
) -> None:
    """Replace one table, its dimensions, its family views and the manifest mirror in one transaction."""
    load_tables(warehouse_path, [RawLoad(table, data, region_names, categories)], manifest_records)
