"""Keep each read-only DuckDB file open in the Superset process, and reopen it once it is swapped.

Superset makes a new engine with a NullPool for every query, so each chart query opened the
published file anew: DuckDB read the file's header and catalog, answered from a cold block cache,
and dropped it all again. On the national file that was about 25 ms per connection and 50 ms per
typical query, several connections per chart request; a query on a file kept open takes 5 ms.

DB_CONNECTION_MUTATOR (superset_config.py, row_scope.py) gives every engine on a read-only DuckDB
file a `creator` that hands out a new connection (a cursor) of one database kept open per file and
process. The publisher and the operations export swap a new file in with os.replace(); each
connection checks the file's identity first and opens the new file when it changed.

DuckDB keeps one database per path while any connection to it is open, so the new file can only be
opened when no query still reads the old one. Until then, for the fraction of a second those
queries take, new connections share the old file, as overlapping queries did before.

Each file is opened so that a query can read its tables and nothing else (LOCKED_CONFIG): no other
file, no ATTACH, no extension, and no SET that could undo it. Each connection handed out checks
every statement against its user's policy (query_guard.py) before DuckDB runs it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import duckdb
import query_guard
from duckdb_engine import ConnectionWrapper, CursorWrapper
from sqlalchemy.engine.url import URL

# How Superset's DuckDB files are opened: the engine reaches the opened file and nothing else.
LOCKED_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}


@dataclass(eq=False)
class _OpenFile:
    identity: tuple[int, int, int, int]
    database: duckdb.DuckDBPyConnection
    tables: frozenset[str]
    detail_tables: frozenset[str]  # tables with rows of wijken and buurten
    connections: int = 0  # handed out and not yet closed


def _open(path: str, identity: tuple[int, int, int, int]) -> _OpenFile:
    database = duckdb.connect(path, read_only=True, config=LOCKED_CONFIG)
    rows = database.execute(
        "SELECT table_name, list(column_name) FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND NOT internal GROUP BY table_name"
    ).fetchall()
    tables = frozenset(name.lower() for name, _ in rows)
    detail = frozenset(
        name.lower() for name, columns in rows if {"region_level", "region_code"} <= set(columns)
    )
    return _OpenFile(identity, database, tables, detail)


class _GuardedCursor(CursorWrapper):
    """duckdb_engine's cursor, checking each statement against the connection's policy first."""

    def __init__(self, connection: _Connection) -> None:
        super().__init__(connection.duckdb_connection, connection)
        self._policy = connection.policy

    def execute(self, statement: str, parameters=None, context=None) -> None:
        if self._policy is not None:
            query_guard.check(statement, self._policy)
        super().execute(statement, parameters, context)

    def executemany(self, statement: str, parameters=None, context=None) -> None:
        if self._policy is not None:
            raise query_guard.QueryRefused("meerdere statements tegelijk zijn niet toegestaan")
        super().executemany(statement, parameters, context)


_OPEN: dict[str, _OpenFile] = {}
_LOCK = threading.Lock()


class _Connection(ConnectionWrapper):
    """duckdb_engine's connection, counted on its open file until it is closed; its cursors check
    every statement against `policy` (None: the user is trusted with any statement)."""

    def __init__(self, open_file: _OpenFile, policy: query_guard.Policy | None) -> None:
        self.duckdb_connection = open_file.database.cursor()
        super().__init__(self.duckdb_connection)
        self._open_file: _OpenFile | None = open_file
        self.policy = policy
        open_file.connections += 1

    def cursor(self) -> _GuardedCursor:
        return _GuardedCursor(self)

    def execute(self, *_: object, **__: object) -> None:
        # ConnectionWrapper passes unknown attributes to DuckDB; statements go through a cursor.
        raise query_guard.QueryRefused("statements gaan via een cursor")

    def sql(self, *_: object, **__: object) -> None:
        raise query_guard.QueryRefused("statements gaan via een cursor")

    def close(self) -> None:
        with _LOCK:
            if self._open_file is not None:
                self._open_file.connections -= 1
                self._open_file = None
            super().close()


def _identity(path: str) -> tuple[int, int, int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def connect(path: str, policy_of=None) -> _Connection:
    """A connection to the read-only file `path`. `policy_of(tables, detail_tables)` gives the
    policy its statements are checked against (None: no check); without it, no check."""
    # The identity is taken before opening: a swap in between makes the next connection reopen the
    # file once more, never keeps an old file under a new identity.
    identity = _identity(path)
    with _LOCK:
        current = _OPEN.get(path)
        if current is not None and current.identity != identity and current.connections == 0:
            current.database.close()
            current = None
        if current is None:
            current = _OPEN[path] = _open(path, identity)
        policy = policy_of(current.tables, current.detail_tables) if policy_of else None
        return _Connection(current, policy)


def read_only_path(url: URL) -> str | None:
    """The file of a read-only DuckDB URL (`duckdb:///path?access_mode=read_only`), else None."""
    if url.get_backend_name() != "duckdb" or url.query.get("access_mode") != "read_only":
        return None
    if not url.database or url.database == ":memory:" or set(url.query) != {"access_mode"}:
        return None
    return url.database
