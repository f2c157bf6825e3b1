"""Row counts of every dbt model after each build, against the previous build: a sudden jump is flagged.

Written by the build task itself (it holds the warehouse pool), into `ops.model_row_counts`. Which
relations are dbt's comes from dbt's own manifest, so a new model is counted without a change here.
The threshold is `ZICHT_ROW_COUNT_JUMP` (zicht.ops.config): a model whose row count changes by more
than that share of its previous count is flagged; a model that had rows and now has none always is.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from zicht.landing import retrieval_stamp
from zicht.ops.config import OpsSettings, get_ops_settings
from zicht.settings import Settings, get_settings
from zicht.transform import dbt_manifest_path
from zicht.warehouse import write_transaction

ROW_COUNTS_TABLE = "ops.model_row_counts"
COUNTED_RESOURCES = {"model", "seed", "snapshot"}

ROW_COUNTS_COLUMNS_SQL = """
    build_id VARCHAR NOT NULL,
    built_at TIMESTAMPTZ NOT NULL,
    model VARCHAR NOT NULL,
    resource_type VARCHAR NOT NULL,
    relation VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    previous_row_count BIGINT,
    change_ratio DOUBLE,
    jump BOOLEAN NOT NULL
"""


@dataclass(frozen=True)
class ModelRowCount:
    """One model's rows in one build; field order = column order of the table."""

    build_id: str
    built_at: datetime
    model: str
    resource_type: str
    relation: str
    row_count: int
    previous_row_count: int | None
    change_ratio: float | None  # (rows - previous) / previous; None without a previous count
    jump: bool


@dataclass(frozen=True)
class DbtRelation:
    model: str
    resource_type: str
    schema: str
    name: str

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.name}"


def dbt_relations(manifest_path: Path) -> list[DbtRelation]:
    """The relations dbt builds (models, seeds, snapshots that are not ephemeral), by its manifest."""
    try:
        manifest = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuntimeError(f"dbt manifest {manifest_path} unreadable; run dbt first: {error}") from error
    relations = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") not in COUNTED_RESOURCES:
            continue
        if node.get("config", {}).get("materialized") == "ephemeral":
            continue
        relations.append(
            DbtRelation(
                node["name"], node["resource_type"], node["schema"], node.get("alias") or node["name"]
            )
        )
    return sorted(relations, key=lambda r: r.relation)


def judge_change(row_count: int, previous: int | None, threshold: float) -> tuple[float | None, bool]:
    """The relative change and whether it is an unusual jump."""
    if previous is None:
        return None, False
    if previous == 0:
        return (None, False) if row_count == 0 else (None, True)
    ratio = (row_count - previous) / previous
    return ratio, abs(ratio) > threshold or row_count == 0


def _previous_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    exists = connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'ops' "
        "AND table_name = 'model_row_counts'"
    ).fetchone()[0]
    if not exists:
        return {}
    rows = connection.execute(
        f"SELECT model, arg_max(row_count, built_at) FROM {ROW_COUNTS_TABLE} GROUP BY model"
    ).fetchall()
    return dict(rows)


def record_model_row_counts(
    settings: Settings | None = None,
    ops: OpsSettings | None = None,
    manifest_path: Path | None = None,
    now: datetime | None = None,
) -> list[ModelRowCount]:
    """Count every dbt relation in the warehouse and append the counts in one transaction."""
    settings = settings or get_settings()
    ops = ops or get_ops_settings()
    relations = dbt_relations(manifest_path or dbt_manifest_path())
    built_at = now or datetime.now(UTC)
    build_id = f"build-{retrieval_stamp(built_at)}"
    with write_transaction(settings.warehouse_path, "ops") as connection:
        previous = _previous_counts(connection)
        counts = []
        for relation in relations:
            rows = connection.execute(
                f'SELECT count(*) FROM "{relation.schema}"."{relation.name}"'
            ).fetchone()[0]
            change, jump = judge_change(rows, previous.get(relation.model), ops.row_count_jump)
            counts.append(
                ModelRowCount(
                    build_id,
                    built_at,
                    relation.model,
                    relation.resource_type,
                    relation.relation,
                    rows,
                    previous.get(relation.model),
                    change,
                    jump,
                )
            )
        connection.execute(f"CREATE TABLE IF NOT EXISTS {ROW_COUNTS_TABLE} ({ROW_COUNTS_COLUMNS_SQL})")
        if counts:
            placeholders = ", ".join("?" for _ in fields(ModelRowCount))
            connection.executemany(
                f"INSERT INTO {ROW_COUNTS_TABLE} VALUES ({placeholders})", [astuple(c) for c in counts]
            )
    return counts
