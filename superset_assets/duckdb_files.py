"""Keep each read-only DuckDB file open in the Superset process, and reopen it once it is swapped.

Superset makes a new engine with a NullPool for every query, so each chart query opened the
published file anew: DuckDB read the file's header and catalog, answered from a cold block cache,
and dropped it all again. On the national file that was about 25 ms per connection and 50 ms per
typical query, several connections per chart request; a query on a file kept open takes 5 ms.

DB_CONNECTION_MUTATOR (superset_config.py) gives every engine on a read-only DuckDB file a
`creator` that hands out a new connection (a cursor) of one database kept open per file and
process. The publisher and the operations export swap a new file in with os.replace(); each
connection checks the file's identity first and opens the new file when it changed.

DuckDB keeps one database per path while any connection to it is open, so the new file can only be
opened when no query still reads the old one. Until then, for the fraction of a second those
queries take, new connections share the old file, as overlapping queries did before.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import duckdb
from duckdb_engine import ConnectionWrapper
from sqlalchemy.engine.url import URL


@dataclass(eq=False)
class _OpenFile:
    identity: tuple[int, int, int, int]
    database: duckdb.DuckDBPyConnection
    connections: int = 0  # handed out and not yet closed


_OPEN: dict[str, _OpenFile] = {}
_LOCK = threading.Lock()


class _Connection(ConnectionWrapper):
    """duckdb_engine's connection, counted on its open file until it is closed."""

    def __init__(self, open_file: _OpenFile) -> None:
        super().__init__(open_file.database.cursor())
        self._open_file: _OpenFile | None = open_file
        open_file.connections += 1

    def close(self) -> None:
        with _LOCK:
            if self._open_file is not None:
                self._open_file.connections -= 1
                self._open_file = None
            super().close()


def _identity(path: str) -> tuple[int, int, int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def connect(path: str) -> _Connection:
    # The identity is taken before opening: a swap in between makes the next connection reopen the
    # file once more, never keeps an old file under a new identity.
    identity = _identity(path)
    with _LOCK:
        current = _OPEN.get(path)
        if current is not None and current.identity != identity and current.connections == 0:
            current.database.close()
            current = None
        if current is None:
            current = _OPEN[path] = _OpenFile(identity, duckdb.connect(path, read_only=True))
        return _Connection(current)


def read_only_path(url: URL) -> str | None:
    """The file of a read-only DuckDB URL (`duckdb:///path?access_mode=read_only`), else None."""
    if url.get_backend_name() != "duckdb" or url.query.get("access_mode") != "read_only":
        return None
    if not url.database or url.database == ":memory:" or set(url.query) != {"access_mode"}:
        return None
    return url.database


def keep_files_open(url: URL, params: dict, *_: object) -> tuple[URL, dict]:
    """Superset's DB_CONNECTION_MUTATOR: read-only DuckDB files through `connect`, others unchanged."""
    path = read_only_path(url)
    if path is not None and os.path.exists(path):
        params = {**params, "creator": lambda: connect(path)}
    return url, params
