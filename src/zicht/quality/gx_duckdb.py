"""Make Great Expectations 1.24.1 validate DuckDB files through its generic SQL datasource.

GX has no DuckDB datasource; ``context.data_sources.add_sql(connection_string="duckdb:///...")``
is the route, and upstream does not support it (GX issues 10738 and 11579). Two faults follow,
and this module patches exactly those two:

1. Every metric fails with ``list index out of range``. For most dialects GX opens a pooled
   connection per query and closes it before reading the rows; DuckDB discards a result when its
   connection closes. GX already keeps one persistent connection (and a ``StaticPool``) for the
   dialects named in ``_PERSISTED_CONNECTION_DIALECTS`` (SQLite, SQL Server, ...). We add DuckDB.
2. Regex expectations fail with "Regex is not supported for dialect duckdb": GX's
   ``get_dialect_regex_expression`` knows no DuckDB. GX's regex semantics are a *search*
   (pandas ``str.contains``, Postgres ``~``), so a whole-value match needs an anchored pattern
   such as ``^GM[0-9]{4}$``. We emit ``regexp_matches`` (documented as a search) rather than
   DuckDB's ``~``, whose meaning is not stable: documented as ``regexp_full_match`` (whole value),
   it searches in duckdb 2.0.1 (``'abc' ~ 'b'`` is true). ``regexp_matches`` keeps GX's meaning.

A third problem is not GX's: duckdb-engine 0.17 reflects columns with SQLAlchemy 2.1's PostgreSQL
query, which reads ``pg_catalog.pg_collation`` (DuckDB has none); GX then falls back to
``SELECT * FROM <table>`` without the schema, so a *table* asset outside ``main`` fails. We do not
patch that: ``add_table_asset`` below registers ``SELECT * FROM schema.table`` as a *query* asset,
whose column names GX reads from the query itself.

DuckDB lets one process open a file in one mode only, and a read-write holder blocks every other
process; so GX reads the warehouse read-only (``read_only_url``) and ``release`` closes GX's
connections before the same process writes to the file.

Both patches are monkeypatches of private GX internals, so they are pinned to one GX version:
``apply()`` refuses any other version. ``tests/quality/test_gx_duckdb.py`` checks that each fault
(the reflection one included) still occurs without its workaround; when an upgrade fixes one
upstream, its ``test_upstream_*`` test fails and that workaround can be removed.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

SUPPORTED_GX_VERSION = "1.24.1"
DUCKDB_DIALECT_NAME = "duckdb"

_ENGINE_MODULE = "great_expectations.execution_engine.sqlalchemy_execution_engine"
_REGEX_UTIL_MODULE = "great_expectations.expectations.metrics.util"
_REGEX_FUNCTION = "get_dialect_regex_expression"

_applied = False
_regex_patched_modules: list[str] = []


class UnsupportedGXVersionError(RuntimeError):
    """The installed GX is not the version these patches were written and tested against."""


class _PersistedDialectName(str):
    """A dialect name shaped like GX's ``GXSqlDialect`` members.

    GX compares ``engine.dialect.name in _PERSISTED_CONNECTION_DIALECTS`` (needs equality with a
    plain string) and ``drivername.startswith(dialect.value)`` (needs ``.value``); ``GXSqlDialect``
    is an Enum and cannot be extended, so a ``str`` with a ``value`` property fits both.
    """

    @property
    def value(self) -> str:
        return str(self)


def check_gx_version() -> str:
    """Return the installed GX version, or raise if the patches were not made for it."""
    import great_expectations

    installed = great_expectations.__version__
    if installed != SUPPORTED_GX_VERSION:
        raise UnsupportedGXVersionError(
            f"zicht.quality.gx_duckdb patches private internals of great-expectations "
            f"{SUPPORTED_GX_VERSION}, but {installed} is installed. Re-check GX issues 10738/11579 "
            f"and tests/quality/test_gx_duckdb.py before changing SUPPORTED_GX_VERSION."
        )
    return installed


def _is_duckdb(dialect: Any) -> bool:
    # GX passes the dialect module for dialects it knows and the engine's dialect instance for
    # the rest; the same lookup GX uses for its own error message finds the name in both cases.
    return getattr(getattr(dialect, "dialect", dialect), "name", None) == DUCKDB_DIALECT_NAME


def _with_duckdb_regex(original: Callable[..., Any]) -> Callable[..., Any]:
    import sqlalchemy as sa

    def get_dialect_regex_expression(column, regex, dialect, positive=True):
        if _is_duckdb(dialect):
            matches = sa.func.regexp_matches(column, sa.literal(regex))
            return matches if positive else sa.not_(matches)
        return original(column, regex, dialect, positive=positive)

    get_dialect_regex_expression.__wrapped__ = original  # type: ignore[attr-defined]
    get_dialect_regex_expression.__doc__ = "GX's regex expression builder, plus DuckDB."
    return get_dialect_regex_expression


def _persist_duckdb_connections() -> None:
    engine_module = sys.modules[_ENGINE_MODULE]
    dialects = engine_module._PERSISTED_CONNECTION_DIALECTS
    if DUCKDB_DIALECT_NAME not in dialects:
        engine_module._PERSISTED_CONNECTION_DIALECTS = (
            *dialects,
            _PersistedDialectName(DUCKDB_DIALECT_NAME),
        )


def _add_duckdb_regex() -> int:
    """Replace GX's regex builder everywhere it was imported by name; return how many places."""
    util_module = sys.modules[_REGEX_UTIL_MODULE]
    original = getattr(util_module, _REGEX_FUNCTION)
    if hasattr(original, "__wrapped__"):
        return 0
    patched = _with_duckdb_regex(original)
    # Each regex metric module did `from ...util import get_dialect_regex_expression`, so the
    # name has to be rebound in every module holding the original, not only in util.
    replaced = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("great_expectations.") and getattr(module, _REGEX_FUNCTION, None) is original:
            setattr(module, _REGEX_FUNCTION, patched)
            _regex_patched_modules.append(name)
            replaced += 1
    return replaced


def apply() -> None:
    """Enable DuckDB in GX (idempotent). Call before creating a context or datasource."""
    global _applied
    if _applied:
        return
    check_gx_version()
    import great_expectations  # noqa: F401  (registers every metric module, so all get patched)

    _persist_duckdb_connections()
    _add_duckdb_regex()
    _applied = True


def is_applied() -> bool:
    return _applied


def regex_patched_modules() -> list[str]:
    """The GX modules whose regex builder ``apply()`` replaced."""
    return list(_regex_patched_modules)


def read_only_url(path: Path) -> str:
    """SQLAlchemy URL opening a DuckDB file read-only, so other processes may read it meanwhile."""
    return f"duckdb:///{Path(path).resolve()}?access_mode=read_only"


def add_table_asset(datasource: Any, schema: str, table: str) -> Any:
    """Register ``schema.table`` of a DuckDB datasource as a query asset named after the table."""
    return datasource.add_query_asset(name=table, query=f'SELECT * FROM "{schema}"."{table}"')


def release(datasource: Any) -> None:
    """Close every connection GX holds for ``datasource`` (its execution engine and test engine)."""
    execution_engine = getattr(datasource, "_execution_engine", None)
    if execution_engine is not None:
        if execution_engine._connection is not None:
            execution_engine._connection.close()
            execution_engine._connection = None
        execution_engine.engine.dispose()
    engine = getattr(datasource, "_engine", None)
    if engine is not None:
        engine.dispose()
    # duckdb keeps the database instance alive until the last Python handle on it is collected.
    gc.collect()
