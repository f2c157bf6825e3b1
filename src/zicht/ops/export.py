"""The operations file for Superset: pipeline runs, quality, freshness and quarantine, after every run.

Ministry staff must see a failure also when the gate blocked the publication, so these data cannot
live in the analysts' published file. After every publish attempt (passed or blocked) the export
builds `data/published/ops.duckdb` aside and swaps it in like a publication (`zicht.publish.make_live`).

What goes in, and from where (one source each):
- today's state (`findings`, `publication_status`): the same health checks as `zicht status`;
- `task_runs`, `dag_runs`: the task callbacks' lines (`zicht.ops.task_log`);
- `quality_results`, `gate_runs`: the gate's results in the warehouse;
- `model_row_counts`: per dbt build (`zicht.ops.row_counts`), jumps flagged;
- `source_freshness`, `quarantined_files`: the health findings about sources and quarantine;
- `disclosure_stats`: filled by disclosure control (`zicht.ops.disclosure_stats`), else empty.
The warehouse is opened read-only; when it cannot be read, its tables are exported empty and the
reason is in `export_info` and in `findings`, so the dashboard still shows what is known.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from zicht.landing import retrieval_stamp
from zicht.ops.config import OpsSettings, get_ops_settings
from zicht.ops.disclosure_stats import DISCLOSURE_STATS_COLUMNS_SQL, DISCLOSURE_STATS_TABLE
from zicht.ops.health import collect_health
from zicht.ops.publication_check import live_or_latest_release
from zicht.ops.report import Finding, HealthReport, parse_moment
from zicht.ops.row_counts import ROW_COUNTS_COLUMNS_SQL, ROW_COUNTS_TABLE
from zicht.ops.task_log import read_task_runs
from zicht.publish import make_live
from zicht.quality.results import RESULTS_COLUMNS_SQL, RESULTS_TABLE
from zicht.settings import Settings, get_settings

# Tables copied from the warehouse: name in the ops file -> (warehouse table, its columns).
WAREHOUSE_TABLES = {
    "quality_results": (RESULTS_TABLE, RESULTS_COLUMNS_SQL),
    "model_row_counts": (ROW_COUNTS_TABLE, ROW_COUNTS_COLUMNS_SQL),
    "disclosure_stats": (DISCLOSURE_STATS_TABLE, DISCLOSURE_STATS_COLUMNS_SQL),
}

TASK_RUN_COLUMNS = (
    "dag_id",
    "task_id",
    "run_id",
    "try_number",
    "state",
    "started_at",
    "ended_at",
    "duration_seconds",
    "error",
    "recorded_at",
)
TASK_RUNS_SQL = """
CREATE TABLE task_runs (
    dag_id VARCHAR NOT NULL, task_id VARCHAR NOT NULL, run_id VARCHAR, try_number INTEGER,
    state VARCHAR NOT NULL, started_at TIMESTAMP, ended_at TIMESTAMP, duration_seconds DOUBLE,
    error VARCHAR, recorded_at TIMESTAMP
)"""

# A DAG run as its tasks reported it: failed when the last try of any task failed.
DAG_RUNS_SQL = """
CREATE TABLE dag_runs AS
WITH last_try AS (
    SELECT * FROM task_runs
    QUALIFY row_number() OVER (PARTITION BY dag_id, run_id, task_id ORDER BY recorded_at DESC) = 1
), tries AS (
    SELECT dag_id, run_id, min(started_at) AS started_at, max(ended_at) AS ended_at, count(*) AS task_tries
    FROM task_runs GROUP BY dag_id, run_id
)
SELECT dag_id, run_id, tries.started_at, tries.ended_at,
       date_diff('millisecond', tries.started_at, tries.ended_at) / 1000.0 AS duration_seconds,
       count(*) AS tasks, tries.task_tries,
       count(*) FILTER (WHERE state = 'failed') AS failed_tasks,
       string_agg(task_id, ', ' ORDER BY task_id) FILTER (WHERE state = 'failed') AS failed_task_ids,
       CASE WHEN count(*) FILTER (WHERE state = 'failed') > 0 THEN 'failed' ELSE 'success' END AS state
FROM last_try JOIN tries USING (dag_id, run_id)
GROUP BY dag_id, run_id, tries.started_at, tries.ended_at, tries.task_tries
"""

GATE_RUNS_SQL = """
CREATE TABLE gate_runs AS
SELECT run_id, min(run_time) AS run_time, count(*) AS expectations,
       count(*) FILTER (WHERE NOT success) AS failed_expectations, bool_and(success) AS passed,
       string_agg(DISTINCT dataset, ', ') AS datasets
FROM quality_results GROUP BY run_id
"""

FINDINGS_SQL = """
CREATE TABLE findings (
    area VARCHAR NOT NULL, check_name VARCHAR NOT NULL, subject VARCHAR NOT NULL,
    severity VARCHAR NOT NULL, message VARCHAR NOT NULL, details VARCHAR, checked_at TIMESTAMP NOT NULL
)"""

SOURCE_FRESHNESS_SQL = """
CREATE TABLE source_freshness AS
WITH source_findings AS (
    SELECT *, timezone('UTC', CAST(json_extract_string(details, '$.retrieved_at') AS TIMESTAMPTZ)) AS landed
    FROM findings WHERE area = 'sources'
)
SELECT subject AS source, check_name, severity, message, landed AS last_landed_at,
       CAST(json_extract(details, '$.cadence_days') AS DOUBLE) AS cadence_days,
       date_diff('second', landed, checked_at) / 86400.0 AS age_days, checked_at
FROM source_findings
"""

QUARANTINED_FILES_SQL = """
CREATE TABLE quarantined_files AS
SELECT split_part(subject, '/', 1) AS source, subject AS file, message AS reason,
       json_extract_string(details, '$.reason_file') AS reason_file, checked_at
FROM findings WHERE area = 'quarantine' AND check_name = 'quarantined_file'
"""

PUBLICATION_STATUS_SQL = """
CREATE TABLE publication_status (
    checked_at TIMESTAMP NOT NULL, release_id VARCHAR, published_at TIMESTAMP,
    publication_age_hours DOUBLE, published_gate_run_id VARCHAR, last_gate_run_id VARCHAR,
    last_gate_run_time TIMESTAMP, last_gate_passed BOOLEAN, failing_expectations BIGINT,
    publication_blocked BOOLEAN NOT NULL, findings_needing_attention BIGINT NOT NULL, status VARCHAR NOT NULL
)"""


@dataclass(frozen=True)
class OpsExport:
    path: Path
    exported_at: datetime
    tables: dict[str, int]
    needs_attention: bool
    warehouse_error: str | None


def _utc(moment: datetime | str | None) -> datetime | None:
    """Naive UTC for the ops file: Superset shows TIMESTAMP columns as they are."""
    if moment is None:
        return None
    aware = parse_moment(moment) if isinstance(moment, str) else moment.astimezone(UTC)
    return aware.replace(tzinfo=None)


def _finding_row(finding: Finding, checked_at: datetime) -> tuple:
    details = json.dumps(finding.details, ensure_ascii=False, sort_keys=True, default=str)
    return (
        finding.area.value,
        finding.check,
        finding.subject,
        finding.severity.value,
        finding.message,
        details,
        checked_at,
    )


def _write_findings(connection: duckdb.DuckDBPyConnection, report: HealthReport) -> None:
    checked_at = _utc(report.checked_at)
    connection.execute(FINDINGS_SQL)
    rows = [_finding_row(f, checked_at) for f in report.findings]
    if report.unreadable:
        rows.append(("state", "state_unreadable", "state", "attention", report.unreadable, "{}", checked_at))
    if rows:
        connection.executemany("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def _write_task_runs(connection: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    records, bad_lines = read_task_runs(settings)
    connection.execute(TASK_RUNS_SQL)
    rows = [
        tuple(
            _utc(record.get(name)) if name.endswith("_at") else record.get(name) for name in TASK_RUN_COLUMNS
        )
        for record in records
    ]
    if rows:
        connection.executemany(
            f"INSERT INTO task_runs VALUES ({', '.join('?' * len(TASK_RUN_COLUMNS))})", rows
        )
    connection.execute(DAG_RUNS_SQL)
    return bad_lines


def _copy_warehouse_tables(connection: duckdb.DuckDBPyConnection, warehouse_path: Path) -> str | None:
    """Copy the warehouse's ops tables (empty when absent or unreadable); the reason when unreadable."""
    error = None
    present: set[str] = set()
    if warehouse_path.exists():
        try:
            connection.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
            present = {
                f"{schema}.{table}"
                for schema, table in connection.execute(
                    "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'warehouse'"
                ).fetchall()
            }
        except duckdb.Error as failure:
            error = f"warehouse {warehouse_path} could not be read: {failure}"
    for name, (source, columns_sql) in WAREHOUSE_TABLES.items():
        connection.execute(f"CREATE TABLE {name} ({columns_sql})")
        if source in present:
            connection.execute(f"INSERT INTO {name} SELECT * FROM warehouse.{source}")
    if present:
        connection.execute("DETACH warehouse")
    # Superset shows TIMESTAMP as it is and cannot read JSON columns: plain UTC times and text.
    for name, (_, columns_sql) in WAREHOUSE_TABLES.items():
        for line in columns_sql.strip().splitlines():
            column, kind = line.split()[:2]
            if kind.startswith("TIMESTAMPTZ"):
                connection.execute(
                    f"ALTER TABLE {name} ALTER {column} TYPE TIMESTAMP USING timezone('UTC', {column})"
                )
            elif kind.startswith("JSON"):
                connection.execute(f"ALTER TABLE {name} ALTER {column} TYPE VARCHAR")
    return error


def _write_publication_status(
    connection: duckdb.DuckDBPyConnection, report: HealthReport, settings: Settings
) -> None:
    try:
        release = live_or_latest_release(settings)
    except (OSError, ValueError, TypeError):  # already a finding of the health report
        release = None
    checked_at = _utc(report.checked_at)
    published_at = _utc(release.created_at) if release else None
    connection.execute(PUBLICATION_STATUS_SQL)
    blocked = any(f.check == "publication_blocked" for f in report.findings)
    attention = len(report.attention) + (1 if report.unreadable else 0)
    connection.execute(
        """
        INSERT INTO publication_status
        SELECT ?, ?, ?, ?, ?, g.run_id, g.run_time, g.passed, g.failed_expectations, ?, ?, ?
        FROM (SELECT 1) LEFT JOIN (SELECT * FROM gate_runs ORDER BY run_time DESC LIMIT 1) AS g ON true
        """,
        [
            checked_at,
            release.release_id if release else None,
            published_at,
            round((checked_at - published_at).total_seconds() / 3600, 1) if published_at else None,
            release.gate_run_id if release else None,
            blocked,
            attention,
            "aandacht nodig" if attention else "in orde",
        ],
    )


def export_ops(
    settings: Settings | None = None, ops: OpsSettings | None = None, now: datetime | None = None
) -> OpsExport:
    """Build the operations file aside and make it the live `settings.ops_path`."""
    settings = settings or get_settings()
    ops = ops or get_ops_settings()
    report = collect_health(settings, now=now, ops=ops)
    exported_at = report.checked_at
    building_dir = settings.published_dir / f".ops-building-{retrieval_stamp(exported_at)}"
    building_dir.mkdir(parents=True)
    try:
        built = building_dir / settings.ops_path.name
        with duckdb.connect(str(built)) as connection:
            warehouse_error = _copy_warehouse_tables(connection, settings.warehouse_path)
            connection.execute(GATE_RUNS_SQL)
            _write_findings(connection, report)
            bad_task_lines = _write_task_runs(connection, settings)
            connection.execute(SOURCE_FRESHNESS_SQL)
            connection.execute(QUARANTINED_FILES_SQL)
            _write_publication_status(connection, report, settings)
            connection.execute(
                "CREATE TABLE export_info AS SELECT ?::TIMESTAMP AS exported_at, ? AS data_dir, "
                "?::VARCHAR AS warehouse_error, ?::INTEGER AS unreadable_task_run_lines",
                [_utc(exported_at), str(settings.data_dir), warehouse_error, bad_task_lines],
            )
            names = connection.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
            tables = {
                name: connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for (name,) in names
            }
        make_live(built, settings.ops_path)
    finally:
        shutil.rmtree(building_dir, ignore_errors=True)
    return OpsExport(settings.ops_path, exported_at, tables, report.needs_attention, warehouse_error)
