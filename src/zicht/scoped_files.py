"""One published file per region scope: every row of gemeenten and up, wijken and buurten of one region.

Superset hands each analyst's queries the file of their scope (superset_assets/row_scope.py), so the
rows of another region's wijken and buurten are not in the file an analyst's query runs on, whatever
SQL reaches the engine. Row-level security stays on top of it, for the cache keys and the filter lists.

A scope's file has the same tables, columns and row order as the full file; a regional table (one
with `region_level` and `region_code`) keeps the rows of zicht.row_scope's clause, any other table
is copied whole. Each file is called zicht.duckdb in a folder named after its scope, so its catalog
name is the full file's and the same SQL runs on both.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from zicht.row_scope import NO_REGION, SCOPE_COLUMNS, no_region_clause, scope_of_code

SCOPE_FILE = "zicht.duckdb"


class ScopedFileError(RuntimeError):
    """A published table holds wijk or buurt rows but cannot say which region they belong to."""


def _columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = connection.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'published' AND table_name = ?",
        [table],
    ).fetchall()
    return {name for (name,) in rows}


def _tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published' ORDER BY table_name"
    ).fetchall()
    return [name for (name,) in rows]


def _regional_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables with rows of regions; each must carry the scope columns."""
    regional = []
    for table in _tables(connection):
        columns = _columns(connection, table)
        if not {"region_level", "region_code"} <= columns:
            continue
        missing = sorted(set(SCOPE_COLUMNS) - columns)
        if missing:
            raise ScopedFileError(
                f"published table {table} has regions but no {', '.join(missing)}: "
                "its wijk and buurt rows cannot be kept to their region (rule: every regional "
                f"table carries {', '.join(SCOPE_COLUMNS)})"
            )
        regional.append(table)
    return regional


def scope_names(full_file: Path) -> list[str]:
    """Every scope the file needs: each RIEC region and province its rows name, and no region."""
    with duckdb.connect(":memory:") as connection:
        connection.execute(f"ATTACH '{full_file}' AS published (READ_ONLY)")
        codes: set[str] = set()
        for table in _regional_tables(connection):
            for column in ("riec_code", "province_code"):
                rows = connection.execute(
                    f"SELECT DISTINCT {column} FROM published.main.{table} WHERE {column} IS NOT NULL"
                ).fetchall()
                codes.update(code for (code,) in rows)
    return sorted(codes) + [NO_REGION]


def clause_of_scope(scope: str) -> str:
    return no_region_clause() if scope == NO_REGION else scope_of_code(scope).clause()


def write_scoped_files(full_file: Path, target_dir: Path) -> dict[str, Path]:
    """Write <target_dir>/<scope>/zicht.duckdb for every scope of `full_file`; returns them by scope."""
    written = {}
    for scope in scope_names(full_file):
        target = target_dir / scope / SCOPE_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        with duckdb.connect(str(target)) as connection:
            connection.execute(f"ATTACH '{full_file}' AS published (READ_ONLY)")
            regional = set(_regional_tables(connection))
            for table in _tables(connection):
                where = f" WHERE {clause_of_scope(scope)}" if table in regional else ""
                # Insertion order is kept (DuckDB's default), so the row groups stay sorted as published.
                connection.execute(
                    f"CREATE TABLE main.{table} AS SELECT * FROM published.main.{table}{where}"
                )
            connection.execute("DETACH published")
        written[scope] = target
    return written
