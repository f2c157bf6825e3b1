"""CBS ingest: download (cbsodata) -> immutable landing zone + manifest -> raw schema of the warehouse."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zicht import landing
from zicht.cbs import raw_load
from zicht.cbs.catalog import CatalogTable, list_catalog_tables, select_tables
from zicht.cbs.client import ClientOptions, download_table
from zicht.errors import ZichtError
from zicht.settings import Settings, get_settings

SOURCE = "cbs"


class CbsPeriodEmpty(ZichtError, ValueError):
    """CBS answered, but the table holds no rows for the catalog's period (a wrong id or period)."""


@dataclass(frozen=True)
class IngestResult:
    table_id: str
    family: str
    period: str
    ingest_id: str
    landing_path: Path
    row_count: int
    raw_table: str

    def summary(self) -> dict:
        """A JSON-friendly line for logs, the CLI and Airflow's XCom."""
        return {
            "table_id": self.table_id,
            "period": self.period,
            "ingest_id": self.ingest_id,
            "rows": self.row_count,
            "raw_table": self.raw_table,
            "landing_path": str(self.landing_path),
        }


def _write_entity_sets(data: dict[str, list]):
    def write(folder: Path) -> None:
        # One JSON file per entity set, as cbsodata's own `dir=` option writes them.
        for name, rows in data.items():
            (folder / f"{name}.json").write_text(
                json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8"
            )

    return write


def _record(table: CatalogTable, ingest_id: str, moment: datetime, **fields) -> dict:
    return {
        "ingest_id": ingest_id,
        "source": SOURCE,
        "table_id": table.table_id,
        "family": table.family,
        "period": str(table.year),
        "cbs_period": table.period,
        "retrieved_at": moment.isoformat(),
        "landing_path": None,
        "files": [],
        "row_count": None,
        "outcome": "success",
        "error": None,
        **fields,
    }


def ingest_table(table: CatalogTable, settings: Settings, options: ClientOptions) -> IngestResult:
    """Download, land and load one table; on failure the manifest says so and the warehouse is untouched."""
    moment = datetime.now(UTC)
    stem = f"{table.table_id}-{table.period}" if table.period else table.table_id
    ingest_id = f"{SOURCE}-{stem}-{landing.retrieval_stamp(moment)}-{uuid.uuid4().hex[:8]}"
    try:
        data = download_table(
            table.table_id, settings.cbs_host, settings.cbs_https, options, filters=table.period_filter
        )
        if table.period and not data["TypedDataSet"]:
            raise CbsPeriodEmpty(f"CBS table {table.table_id} has no rows for period {table.period}")
    except Exception as error:
        landing.append_manifest(
            settings.landing_dir, _record(table, ingest_id, moment, outcome="failed", error=str(error))
        )
        raise
    batch = landing.land_batch(
        settings.landing_dir, SOURCE, table.landing_dataset, moment, _write_entity_sets(data)
    )
    # Load from the landed files, not from memory: the landing zone is what a re-load would read.
    rows = raw_load.read_landed(batch.path, "TypedDataSet")
    properties = raw_load.read_landed(batch.path, "DataProperties")
    record = _record(
        table,
        ingest_id,
        moment,
        landing_path=str(batch.path.relative_to(settings.landing_dir)),
        files=[f.as_dict() for f in batch.files],
        row_count=len(rows),
    )
    landing.append_manifest(settings.landing_dir, record)
    arrow = raw_load.raw_arrow_table(rows, properties, table, ingest_id)
    region_names = raw_load.region_names_arrow_table(
        raw_load.read_landed(batch.path, table.region_dimension), table, ingest_id
    )
    categories = raw_load.categories_arrow_table(
        {
            name: raw_load.read_landed(batch.path, name)
            for name in raw_load.category_dimensions(properties, table.region_dimension)
        },
        table,
        ingest_id,
    )
    raw_load.load_table(
        settings.warehouse_path,
        table,
        arrow,
        landing.read_manifest(settings.landing_dir),
        region_names,
        categories,
    )
    return IngestResult(
        table_id=table.table_id,
        family=table.family,
        period=str(table.year),
        ingest_id=ingest_id,
        landing_path=batch.path,
        row_count=len(rows),
        raw_table=f"{raw_load.RAW_SCHEMA}.{table.raw_table}",
    )


def ingest_cbs_tables(
    table_ids: list[str] | None = None,
    settings: Settings | None = None,
    options: ClientOptions | None = None,
) -> list[IngestResult]:
    """Ingest the given tables (default: every catalog table of the configured years), one by one.

    `table_ids` take every catalog period of an id (`47022NED`) or one period (`47022NED:2023JJ00`).

    Each table is loaded in its own transaction; the first failure stops the run with a
    `CbsDownloadError` naming the table and URL (a ValueError for a period the table does not hold),
    and earlier tables stay loaded.
    """
    settings = settings or get_settings()
    options = options or ClientOptions.from_env()
    tables = list_catalog_tables() if table_ids is None else select_tables(table_ids)
    return [ingest_table(table, settings, options) for table in tables]
