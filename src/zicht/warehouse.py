"""Writing to the warehouse: one DuckDB transaction per load, so a load lands whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


@contextmanager
def write_transaction(warehouse_path: Path, schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction, with `schema` present; commit on success,
    roll back on any error (a killed process leaves nothing either: DuckDB never commits it)."""
    warehouse_path = Path(warehouse_path)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(warehouse_path))
    try:
        connection.execute("BEGIN TRANSACTION")
        try:
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
