"""How many cells disclosure control suppressed, per indicator, region level and year, per run.

The table `ops.disclosure_stats` is the contract between disclosure control (which fills it through
`record_disclosure_stats`) and the operations dashboard (which charts suppression over time). Until
disclosure control runs it stays empty, and the export still carries it, so the chart renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any

from zicht.settings import Settings, get_settings
from zicht.warehouse import write_transaction

DISCLOSURE_STATS_TABLE = "ops.disclosure_stats"

DISCLOSURE_STATS_COLUMNS_SQL = """
    run_id VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    indicator VARCHAR NOT NULL,
    region_level VARCHAR NOT NULL,
    period_year INTEGER,
    cells_total BIGINT NOT NULL,
    cells_primary_suppressed BIGINT NOT NULL,
    cells_secondary_suppressed BIGINT NOT NULL
"""


@dataclass(frozen=True)
class DisclosureStat:
    """One indicator at one region level (and year) in one disclosure-control run."""

    run_id: str
    recorded_at: datetime
    indicator: str
    region_level: str
    period_year: int | None
    cells_total: int
    cells_primary_suppressed: int  # unsafe by a safety rule (minimum frequency, dominance)
    cells_secondary_suppressed: int  # suppressed so that the primary ones cannot be recomputed

    def __post_init__(self) -> None:
        suppressed = self.cells_primary_suppressed + self.cells_secondary_suppressed
        if min(self.cells_total, self.cells_primary_suppressed, self.cells_secondary_suppressed) < 0:
            raise ValueError(f"{self.indicator}/{self.region_level}: cell counts cannot be negative")
        if suppressed > self.cells_total:
            raise ValueError(
                f"{self.indicator}/{self.region_level}: {suppressed} suppressed cells "
                f"exceed the {self.cells_total} cells of the table"
            )


def create_disclosure_stats_table(connection: Any) -> None:
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {DISCLOSURE_STATS_TABLE} ({DISCLOSURE_STATS_COLUMNS_SQL})"
    )


def record_disclosure_stats(
    rows: Iterable[DisclosureStat | Mapping[str, Any]], settings: Settings | None = None
) -> int:
    """Append the statistics of one disclosure-control run to the warehouse in one transaction.

    Rows are DisclosureStat or mappings with its field names; a bad row names itself and its rule.
    Runs in a task that holds the warehouse pool, never in a callback.
    """
    stats = []
    for number, row in enumerate(rows, start=1):
        try:
            stats.append(row if isinstance(row, DisclosureStat) else DisclosureStat(**row))
        except (TypeError, ValueError) as error:
            raise ValueError(f"disclosure statistics row {number}: {error}") from error
    settings = settings or get_settings()
    with write_transaction(settings.warehouse_path, "ops") as connection:
        create_disclosure_stats_table(connection)
        if stats:
            placeholders = ", ".join("?" for _ in fields(DisclosureStat))
            connection.executemany(
                f"INSERT INTO {DISCLOSURE_STATS_TABLE} VALUES ({placeholders})", [astuple(s) for s in stats]
            )
    return len(stats)
