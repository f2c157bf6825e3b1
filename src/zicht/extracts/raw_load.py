"""Append a validated extract to its raw table and mirror the manifest, in one DuckDB transaction.

Raw extract tables are append-only: every delivery keeps its rows, marked with its `ingest_id`,
the file it came from and the row there (`source_row`), so any value can be traced to its file line.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa

from zicht.extracts.schemas import ExtractSchema
from zicht.warehouse import write_transaction

RAW_SCHEMA = "raw"
MANIFEST_TABLE = "extract_manifest"
EXTRACT_SOURCES = ("kvk", "om", "herindeling")
LINEAGE_COLUMNS = (("ingest_id", "VARCHAR"), ("source_file", "VARCHAR"), ("source_row", "BIGINT"))
MANIFEST_COLUMNS = (
    ("ingest_id", pa.string()),
    ("source", pa.string()),
    ("file", pa.string()),
    ("checksum", pa.string()),
    ("size", pa.int64()),
    ("rows", pa.int64()),
    ("arrival", pa.string()),
    ("landed_at", pa.string()),
    ("outcome", pa.string()),
    ("reason", pa.string()),
    ("landing_path", pa.string()),
    ("quarantine_path", pa.string()),
    ("encoding", pa.string()),
    ("delimiter", pa.string()),
)


def create_table_sql(schema: ExtractSchema) -> str:
    columns = [f"{c.name} {c.duckdb_type}" for c in schema.columns]
    columns += [f"{name} {kind}" for name, kind in LINEAGE_COLUMNS]
    return f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{schema.raw_table} ({', '.join(columns)})"


def manifest_arrow(records: list[dict]) -> pa.Table:
    """The extract records of manifest.jsonl as the raw.extract_manifest table."""
    records = [r for r in records if r.get("source") in EXTRACT_SOURCES]

    def cell(record: dict, name: str):
        value = record.get(name)
        return json.dumps(value) if isinstance(value, dict | list) else value

    return pa.table(
        {name: pa.array([cell(r, name) for r in records], kind) for name, kind in MANIFEST_COLUMNS}
    )


def _replace_manifest_mirror(con: duckdb.DuckDBPyConnection, records: list[dict]) -> None:
    con.register("incoming_extract_manifest", manifest_arrow(records))
    con.execute(
        f"CREATE OR REPLACE TABLE {RAW_SCHEMA}.{MANIFEST_TABLE} AS SELECT * FROM incoming_extract_manifest"
    )
    con.unregister("incoming_extract_manifest")


def _in_transaction(warehouse_path: Path, work) -> None:
    with write_transaction(warehouse_path, RAW_SCHEMA) as con:
        work(con)


def load_extract(
    warehouse_path: Path,
    schema: ExtractSchema,
    rows: pa.Table,
    ingest_id: str,
    source_file: str,
    first_data_row: int,
    manifest_records: list[dict],
) -> None:
    """Append `rows` to raw.<table> and replace raw.extract_manifest: both, or neither."""
    count = rows.num_rows
    lineage = rows.append_column("ingest_id", pa.array([ingest_id] * count, pa.string()))
    lineage = lineage.append_column("source_file", pa.array([source_file] * count, pa.string()))
    lineage = lineage.append_column(
        "source_row", pa.array(range(first_data_row, first_data_row + count), pa.int64())
    )

    def work(con: duckdb.DuckDBPyConnection) -> None:
        con.execute(create_table_sql(schema))
        con.register("incoming_extract_rows", lineage)
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{schema.raw_table} BY NAME SELECT * FROM incoming_extract_rows"
        )
        con.unregister("incoming_extract_rows")
        _replace_manifest_mirror(con, manifest_records)

    _in_transaction(warehouse_path, work)


def ensure_raw_tables(warehouse_path: Path) -> None:
    """Create the (empty) raw extract tables and manifest mirror where no extract has landed yet,
    so the warehouse builds from CBS data alone before the first KvK or OM file arrives."""
    from zicht.extracts.schemas import SCHEMAS

    def work(con: duckdb.DuckDBPyConnection) -> None:
        for schema in SCHEMAS.values():
            con.execute(create_table_sql(schema))
        columns = ", ".join(
            f"{name} {'BIGINT' if kind == pa.int64() else 'VARCHAR'}" for name, kind in MANIFEST_COLUMNS
        )
        con.execute(f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{MANIFEST_TABLE} ({columns})")

    _in_transaction(warehouse_path, work)


def sync_manifest_mirror(warehouse_path: Path, manifest_records: list[dict]) -> None:
    """Bring raw.extract_manifest in line with manifest.jsonl (after rejections and duplicates)."""
    _in_transaction(warehouse_path, lambda con: _replace_manifest_mirror(con, manifest_records))


def loaded_checksums(warehouse_path: Path, source: str) -> dict[str, str]:
    """checksum -> ingest_id of every file of `source` the warehouse holds as loaded."""
    if not Path(warehouse_path).exists():
        return {}
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        present = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
            [RAW_SCHEMA, MANIFEST_TABLE],
        ).fetchone()[0]
        if not present:
            return {}
        rows = con.execute(
            f"SELECT checksum, ingest_id FROM {RAW_SCHEMA}.{MANIFEST_TABLE}"
            " WHERE source = ? AND outcome = 'loaded'",
            [source],
        ).fetchall()
    finally:
        con.close()
    return dict(rows)
