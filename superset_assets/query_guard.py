"""Admit only the SQL a dashboard can send: one SELECT on the published tables, kept to the user's rows.

The second wall behind the per-region files (row_scope.py). Superset composes chart SQL from parts a
user controls (adhoc columns, metrics, filters, `extras.where`), and an expression that ends early
and appends `UNION ALL SELECT ...`, or an `OR` that outlives the row-level-security clause ANDed
after it, changes which rows a query reads. Whatever Superset composed, this guard sees every
statement just before DuckDB runs it (the cursor of duckdb_files.py calls `check`) and refuses it
unless:

- it is exactly one statement, a SELECT, without set operations (UNION, EXCEPT, INTERSECT) or CTEs;
- every relation it reads is a table of the published file (schema `main`, no other catalog) or a
  subquery that keeps these rules itself: no table functions (`read_csv`, `glob`, `query_table`,
  ...), no system catalogs, no VALUES lists, no PIVOT;
- no function in it reads the engine's state (`current_setting`, `getvariable`, ...);
- for a user whose rows are limited, every SELECT that reads a table holding wijk or buurt rows has
  the user's region clause as a top-level conjunct of its WHERE: `... AND (clause)`, never inside an
  OR. That is the clause Superset's row-level security adds, so an honest query always has it:
  Superset puts it in the WHERE of a physical dataset's query, and inside a virtual dataset's SQL it
  replaces every table that has a dataset by `(SELECT * FROM table WHERE clause)` (which is why the
  bundle has a dataset for every published table with wijk and buurt rows, region_shapes too).

DuckDB parses the statement (`extract_statements`, `json_serialize_sql`): the guard reads the tree
the engine will execute, so no difference between two parsers (comments, quoting, dollar strings)
can hide a second statement or a table from it. Anything it cannot read is refused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb

# Query-node types other than a plain SELECT: set operations and recursive CTEs.
_REFUSED_NODES = {"SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"}
# Scalar functions that read the engine's or the session's state instead of the data.
_REFUSED_FUNCTIONS = {
    "current_setting",
    "getvariable",
    "current_database",
    "current_catalog",
    "current_schemas",
    "current_query",
    "version",
    "query",
    "query_table",
}
_MAIN_SCHEMAS = {"", "main"}
_LOCATION_KEYS = {"query_location", "query_location_length"}


class QueryRefused(Exception):
    """A statement the guard does not admit; the message says which rule and is shown to the user."""


@dataclass(frozen=True)
class Policy:
    """What one user's queries on one published file may do."""

    tables: frozenset[str]  # tables of the file that may be read
    detail_tables: frozenset[str]  # tables holding wijk and buurt rows (lower case)
    clause: str | None  # the user's row clause; None when the user's rows are not limited
    catalogs: frozenset[str] = frozenset({""})  # catalog names that mean this file


class _Parser:
    """DuckDB's parser in an in-memory database that can reach nothing, one cursor per thread."""

    def __init__(self) -> None:
        self._database = duckdb.connect(
            ":memory:",
            config={
                "enable_external_access": False,
                "autoload_known_extensions": False,
                "autoinstall_known_extensions": False,
                "lock_configuration": True,
            },
        )
        self._local = threading.local()
        self._lock = threading.Lock()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self._local.cursor = self._database.cursor()
        return cursor

    def statement_count_and_type(self, sql: str) -> tuple[int, str]:
        statements = duckdb.extract_statements(sql)
        kind = statements[0].type.name if statements else ""
        return len(statements), kind

    def tree(self, sql: str) -> dict[str, Any]:
        serialized = json.loads(self._cursor().execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
        if serialized.get("error"):
            raise QueryRefused(f"de query is niet te lezen: {serialized.get('error_message', 'onbekend')}")
        return serialized


_PARSER: _Parser | None = None
_PARSER_LOCK = threading.Lock()


def _parser() -> _Parser:
    global _PARSER
    with _PARSER_LOCK:
        if _PARSER is None:
            _PARSER = _Parser()
        return _PARSER


def _without_locations(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _without_locations(value) for key, value in node.items() if key not in _LOCATION_KEYS}
    if isinstance(node, list):
        return [_without_locations(value) for value in node]
    return node


def parse_select(sql: str) -> dict[str, Any]:
    """The query node of one SELECT statement, as DuckDB parses it; QueryRefused otherwise."""
    try:
        count, kind = _parser().statement_count_and_type(sql)
    except duckdb.Error as error:
        raise QueryRefused(f"de query is niet te lezen: {error}") from None
    if count != 1:
        raise QueryRefused(f"precies één statement toegestaan, dit zijn er {count}")
    if kind != "SELECT":
        raise QueryRefused(f"alleen SELECT is toegestaan, niet {kind}")
    try:
        statements = _parser().tree(sql)["statements"]
    except duckdb.Error as error:
        raise QueryRefused(f"de query is niet te lezen: {error}") from None
    if len(statements) != 1:
        raise QueryRefused(f"precies één statement toegestaan, dit zijn er {len(statements)}")
    return statements[0]["node"]


def _conjuncts(expression: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    """The top-level AND terms of a WHERE (nested ANDs flattened); an OR is one term."""
    if expression is None:
        return
    if expression.get("class") == "CONJUNCTION" and expression.get("type") == "CONJUNCTION_AND":
        for child in expression["children"]:
            yield from _conjuncts(child)
    else:
        yield expression


def _expression_of(clause: str) -> dict[str, Any]:
    node = parse_select(f"SELECT 1 WHERE {clause}")
    return _without_locations(node["where_clause"])


class _Check:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.clause = _expression_of(policy.clause) if policy.clause is not None else None

    def query_node(self, node: dict[str, Any]) -> None:
        kind = node.get("type")
        if kind in _REFUSED_NODES:
            raise QueryRefused(f"alleen een enkele SELECT is toegestaan, geen {kind}")
        if kind != "SELECT_NODE":
            raise QueryRefused(f"onbekend deel van de query: {kind}")
        if node.get("cte_map", {}).get("map"):
            raise QueryRefused("WITH (CTE) is niet toegestaan")
        detail_tables = self.relation(node.get("from_table"))
        if detail_tables > 1 and self.clause is not None:
            # The rule names its columns without a table: with two tables of regions it binds to neither.
            raise QueryRefused("één tabel met wijken en buurten per SELECT")
        if detail_tables and self.clause is not None:
            terms = [_without_locations(term) for term in _conjuncts(node.get("where_clause"))]
            if self.clause not in terms:
                raise QueryRefused(
                    "een query op wijken en buurten moet de regioregel als voorwaarde houden "
                    f"(WHERE ... AND ({self.policy.clause}))"
                )
        for key, value in node.items():
            if key != "from_table":
                self.expressions(value)

    def relation(self, relation: dict[str, Any] | None) -> int:
        """Check a FROM item; the number of tables with wijken and buurten it reads directly."""
        if relation is None:
            return 0
        kind = relation.get("type")
        if kind == "EMPTY":
            return 0
        if kind == "BASE_TABLE":
            return self.base_table(relation)
        if kind == "JOIN":
            self.expressions(relation.get("condition"))
            return self.relation(relation.get("left")) + self.relation(relation.get("right"))
        if kind == "SUBQUERY":
            # Its own rows are checked inside it: a subquery that reads wijken and buurten has the
            # clause in its own WHERE, or is refused.
            self.query_node(relation["subquery"]["node"])
            return 0
        raise QueryRefused(f"alleen de gepubliceerde tabellen zijn te lezen, geen {kind}")

    def base_table(self, relation: dict[str, Any]) -> int:
        catalog = relation.get("catalog_name", "")
        schema = relation.get("schema_name", "")
        table = relation.get("table_name", "")
        name = ".".join(part for part in (catalog, schema, table) if part)
        if catalog.lower() not in self.policy.catalogs or schema.lower() not in _MAIN_SCHEMAS:
            raise QueryRefused(f"tabel {name} ligt buiten het gepubliceerde bestand")
        if table.lower() not in self.policy.tables:
            raise QueryRefused(f"tabel {name} is geen gepubliceerde tabel")
        if relation.get("at_clause") is not None or relation.get("sample") is not None:
            raise QueryRefused(f"tabel {name}: AT en TABLESAMPLE zijn niet toegestaan")
        is_detail = table.lower() in self.policy.detail_tables
        if is_detail and relation.get("column_name_alias"):
            # `indicator_values AS t(a, region_level, ...)` would give the rule's names to other columns.
            raise QueryRefused(f"tabel {name}: kolommen hernoemen is niet toegestaan")
        return int(is_detail)

    def expressions(self, value: Any) -> None:
        """Walk expressions: refuse state-reading functions, check every subquery as a query."""
        if isinstance(value, list):
            for item in value:
                self.expressions(item)
            return
        if not isinstance(value, dict):
            return
        if value.get("class") == "FUNCTION" and value.get("function_name", "").lower() in _REFUSED_FUNCTIONS:
            raise QueryRefused(f"functie {value['function_name']} is niet toegestaan")
        if value.get("class") == "SUBQUERY":
            self.query_node(value["subquery"]["node"])
            for key, item in value.items():
                if key != "subquery":
                    self.expressions(item)
            return
        if "from_table" in value and value.get("type") in (_REFUSED_NODES | {"SELECT_NODE"}):
            self.query_node(value)
            return
        for item in value.values():
            self.expressions(item)


_CHECKS: dict[Policy, _Check] = {}
_CHECKS_LOCK = threading.Lock()


def check(sql: str, policy: Policy) -> None:
    """Raise QueryRefused unless `sql` is one SELECT that `policy` admits."""
    with _CHECKS_LOCK:
        checker = _CHECKS.get(policy)
        if checker is None:
            checker = _CHECKS[policy] = _Check(policy)
    checker.query_node(parse_select(sql))
