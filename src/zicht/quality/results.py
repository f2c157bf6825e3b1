"""Flatten GX validation results into rows of ``ops.quality_results`` and append them.

One row per expectation per run, so the history of every rule can be queried (and charted) in the
warehouse without GX: which rule failed, on which column, with what observed value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

RESULTS_TABLE = "ops.quality_results"

RESULTS_COLUMNS_SQL = """
    run_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    expectation_type VARCHAR NOT NULL,
    description VARCHAR,
    column_name VARCHAR,
    kwargs JSON,
    success BOOLEAN NOT NULL,
    observed_value JSON,
    unexpected_count BIGINT,
    exception_message VARCHAR,
    run_time TIMESTAMPTZ NOT NULL
"""


@dataclass(frozen=True)
class QualityResultRow:
    """One expectation's outcome in one run; field order = column order of the results table."""

    run_id: str
    dataset: str
    expectation_type: str
    description: str | None  # the expectation's own description; names SQL rules apart
    column_name: str | None
    kwargs: str  # JSON
    success: bool
    observed_value: str | None  # JSON
    unexpected_count: int | None
    exception_message: str | None
    run_time: datetime


def _column_of(kwargs: Mapping[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    for key in ("column_list", "column_set"):
        if key in kwargs:
            return ",".join(kwargs[key])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return None


def _json_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def flatten_validation_result(
    validation_result: Mapping[str, Any], *, run_id: str, dataset: str, run_time: datetime
) -> list[QualityResultRow]:
    """Rows from one ``ExpectationSuiteValidationResult.to_json_dict()``."""
    rows = []
    for result in validation_result["results"]:
        config = result["expectation_config"]
        kwargs = {key: value for key, value in config["kwargs"].items() if key != "batch_id"}
        outcome = result.get("result") or {}
        exception = result.get("exception_info") or {}
        observed = outcome.get("observed_value")
        unexpected_count = outcome.get("unexpected_count")
        if config["type"] == "unexpected_rows_expectation":
            # GX reports the number of unexpected rows as the observed value of this expectation.
            unexpected_count = observed
        rows.append(
            QualityResultRow(
                run_id=run_id,
                dataset=dataset,
                expectation_type=config["type"],
                description=config.get("description"),
                column_name=_column_of(kwargs),
                kwargs=json.dumps(kwargs, sort_keys=True, default=str),
                success=bool(result["success"]),
                observed_value=_json_or_none(observed),
                unexpected_count=unexpected_count,
                exception_message=exception.get("exception_message")
                if exception.get("raised_exception")
                else None,
                run_time=run_time,
            )
        )
    return rows


def _quoted_table(results_table: str) -> str:
    schema, _, table = results_table.rpartition(".")
    if not schema:
        raise ValueError(f"results_table must be schema-qualified, got {results_table!r}")
    return f'"{schema}"."{table}"'


def append_results(
    warehouse_path: Path, rows: Iterable[QualityResultRow], results_table: str = RESULTS_TABLE
) -> int:
    """Append rows in one transaction (creating the table on first use); return how many."""
    rows = list(rows)
    table = _quoted_table(results_table)
    schema = table.split(".")[0]
    placeholders = ", ".join("?" for _ in fields(QualityResultRow))
    with duckdb.connect(str(warehouse_path)) as connection:
        connection.execute("BEGIN TRANSACTION")
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({RESULTS_COLUMNS_SQL})")
        if rows:
            connection.executemany(
                f"INSERT INTO {table} VALUES ({placeholders})", [astuple(row) for row in rows]
            )
        connection.execute("COMMIT")
    return len(rows)
