"""How many cells disclosure control suppressed, per indicator, region level and year, per run.

The table `ops.disclosure_stats` is the contract between disclosure control and the operations
dashboard (which charts suppression over time). After every build the build task counts, in the
published mart `indicator_values`, the cells of each indicator that disclosure control guards (its
numerator comes from Zicht's own records) and how many of them it suppressed, per region level and
year (`record_build_disclosure_stats`). Before the first build the table stays empty, and the export
still carries it, so the chart renders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from typing import Any

import duckdb

from zicht.indicators import load_catalog
from zicht.landing import retrieval_stamp
from zicht.settings import Settings, get_settings
from zicht.warehouse import write_transaction

DISCLOSURE_STATS_TABLE = "ops.disclosure_stats"
INDICATOR_VALUES = "marts.indicator_values"
PRIMARY_REASONS = ("primary_frequency", "primary_dominance")
SECONDARY_REASONS = ("secondary",)

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


def _append(connection: Any, stats: list[DisclosureStat]) -> None:
    create_disclosure_stats_table(connection)
    if stats:
        placeholders = ", ".join("?" for _ in fields(DisclosureStat))
        connection.executemany(
            f"INSERT INTO {DISCLOSURE_STATS_TABLE} VALUES ({placeholders})", [astuple(s) for s in stats]
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
        _append(connection, stats)
    return len(stats)


def guarded_indicators() -> list[str]:
    """The indicators with a count disclosure control protects (numerator or denominator from
    Zicht's own records)."""
    catalog = load_catalog()
    return sorted(
        indicator.code
        for indicator in catalog.indicators
        if any(
            catalog.measures[ref.measure].get("from_records")
            for ref in (indicator.numerator, indicator.denominator)
        )
    )


def build_disclosure_stats(
    connection: duckdb.DuckDBPyConnection, run_id: str, recorded_at: datetime, indicators: list[str]
) -> list[DisclosureStat]:
    """Cells and suppressions per indicator, level and year in the built `indicator_values`.

    Every breakdown (branch) of an indicator counts as cells of that indicator.
    """
    exists = connection.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'indicator_values'"
    ).fetchone()[0]
    if not exists or not indicators:
        return []
    rows = connection.execute(
        f"""
        SELECT indicator_code, region_level, period_year, count(*),
               count(*) FILTER (WHERE suppression_reason IN ?),
               count(*) FILTER (WHERE suppression_reason IN ?)
        FROM {INDICATOR_VALUES}
        WHERE indicator_code IN ?
        GROUP BY ALL
        ORDER BY ALL
        """,
        [list(PRIMARY_REASONS), list(SECONDARY_REASONS), indicators],
    ).fetchall()
    return [DisclosureStat(run_id, recorded_at, *row) for row in rows]


def record_build_disclosure_stats(
    settings: Settings | None = None, now: datetime | None = None
) -> list[DisclosureStat]:
    """Count the suppressions of the build just finished and append them to `ops.disclosure_stats`."""
    settings = settings or get_settings()
    recorded_at = now or datetime.now(UTC)
    run_id = f"build-{retrieval_stamp(recorded_at)}"
    with write_transaction(settings.warehouse_path, "ops") as connection:
        stats = build_disclosure_stats(connection, run_id, recorded_at, guarded_indicators())
        _append(connection, stats)
    return stats
