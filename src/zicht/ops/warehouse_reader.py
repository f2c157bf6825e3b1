"""Read the latest quality results from the warehouse without ever blocking or disturbing a writer.

DuckDB lets one process write a file; a reader in another process then gets a lock error. The
health check must not wait for the pipeline, nor fail because of it, so every error becomes a
`WarehouseReadout.error` that the report states plainly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from zicht.quality.results import RESULTS_TABLE


@dataclass(frozen=True)
class ExpectationOutcome:
    run_id: str
    dataset: str
    expectation_type: str
    description: str | None
    column_name: str | None
    success: bool
    observed_value: str | None
    unexpected_count: int | None
    exception_message: str | None
    run_time: datetime

    @property
    def label(self) -> str:
        """How people name the rule: its description, else its type and column."""
        if self.description:
            return self.description
        return f"{self.expectation_type}({self.column_name})" if self.column_name else self.expectation_type


@dataclass(frozen=True)
class WarehouseReadout:
    missing: bool = False  # no warehouse file yet: nothing was ever built
    error: str | None = None  # the warehouse exists but could not be read (locked, corrupt)
    has_results_table: bool = False
    latest: tuple[ExpectationOutcome, ...] = field(default_factory=tuple)  # last run of each dataset


# The last run of each dataset: a gate run passes one run_id to every dataset's checkpoint.
LATEST_RUNS_SQL = f"""
WITH latest AS (
    SELECT dataset, arg_max(run_id, run_time) AS run_id FROM {RESULTS_TABLE} GROUP BY dataset
)
SELECT r.run_id, r.dataset, r.expectation_type, r.description, r.column_name, r.success,
       CAST(r.observed_value AS VARCHAR), r.unexpected_count, r.exception_message, epoch_us(r.run_time)
FROM {RESULTS_TABLE} AS r JOIN latest USING (dataset, run_id)
ORDER BY r.dataset, r.success, r.expectation_type
"""


def _results_table_exists(connection: duckdb.DuckDBPyConnection) -> bool:
    schema, table = RESULTS_TABLE.split(".")
    found = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def read_latest_quality_results(warehouse_path: Path) -> WarehouseReadout:
    if not Path(warehouse_path).exists():
        return WarehouseReadout(missing=True)
    try:
        with duckdb.connect(str(warehouse_path), read_only=True) as connection:
            if not _results_table_exists(connection):
                return WarehouseReadout(has_results_table=False)
            rows = connection.execute(LATEST_RUNS_SQL).fetchall()
    except duckdb.Error as error:
        return WarehouseReadout(error=str(error))
    outcomes = tuple(
        ExpectationOutcome(*row[:9], run_time=datetime.fromtimestamp(row[9] / 1_000_000, tz=UTC))
        for row in rows
    )
    return WarehouseReadout(has_results_table=True, latest=outcomes)
