"""Writing to the warehouse: one DuckDB transaction per load, so a load lands whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from zicht.errors import ZichtError


class WarehouseBusy(ZichtError):
    """Another process holds the warehouse file (DuckDB allows one writer, and no reader beside it)."""


@contextmanager
def write_transaction(warehouse_path: Path, schema: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection inside one transaction, with `schema` present; commit on success,
    roll back on any error (a killed process leaves nothing either: DuckDB never commits it)."""
    warehouse_path = Path(warehouse_path)
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(warehouse_path))
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise WarehouseBusy(
            f"the warehouse {warehouse_path} is in use by another process; try again when it is done"
            f" ({' '.join(str(error).split())})"
        ) from error
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
