"""Land a StatLine download of a CBS table and load it in place of the API-loaded raw table(s).

In this order, so that nothing is lost and every attempt is on record:
1. checksum, and copy the ORIGINAL bytes unchanged into the immutable landing zone
   (`statline/<table id>/<time>/`); the analyst's file itself is never moved or changed;
2. tell the table from `--table-id` or the file name (zicht.statline.identify), and get its
   DataProperties and dimensions (zicht.statline.metadata);
3. read the landed copy (zicht.statline.read): titles back to keys, symbols and period marks kept;
4. build each catalog table's raw table as the API route does, plus the download's own columns
   (zicht.statline.raw), and load them in one transaction: the same `raw.cbs__<id>` table (one per
   period for a table that holds many years), region names, dimensions and family views;
5. one manifest record per table loaded (`loaded`), or one for the file: `rejected` (the file broke a
   rule; the error names file, line, column and rule, and a copy of the original goes to
   `quarantine/statline/` beside its reason) or `failed` (metadata or warehouse unavailable).
A rejected or failed file changes nothing in the warehouse: the last good load stays.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zicht import landing
from zicht.cbs import raw_load
from zicht.cbs.catalog import RECIPE, CatalogTable
from zicht.cbs.client import ClientOptions
from zicht.errors import existing_file
from zicht.quarantine import quarantine_file
from zicht.settings import Settings, get_settings
from zicht.statline.dimensions import listed
from zicht.statline.identify import catalog_tables
from zicht.statline.metadata import TableMetadata, table_metadata
from zicht.statline.raw import download_arrow_table
from zicht.statline.read import StatlineFileError, StatlineRows, TableShape, read_statline_file

SOURCE = "statline"
UNIDENTIFIED = "unidentified"  # landing folder for a file whose table could not be told


@dataclass(frozen=True)
class StatlineLandingResult:
    table_id: str
    family: str
    period: str
    ingest_id: str
    landing_path: Path  # the landed copy of the file
    row_count: int
    raw_table: str
    checksum: str
    size: int
    metadata_source: str
    absent_topics: tuple[str, ...] = ()  # raw names of the topics the download did not select

    def summary(self) -> dict:
        """A JSON-friendly line for logs, the CLI and Airflow's XCom (as zicht.cbs.IngestResult)."""
        return {
            "table_id": self.table_id,
            "period": self.period,
            "ingest_id": self.ingest_id,
            "rows": self.row_count,
            "raw_table": self.raw_table,
            "landing_path": str(self.landing_path),
            "checksum": self.checksum,
            "absent_topics": list(self.absent_topics),
        }


def quarantine_dir(settings: Settings) -> Path:
    return settings.data_dir / "quarantine" / SOURCE


def _land_original(settings: Settings, dataset: str, path: Path) -> tuple[Path, datetime]:
    """Copy the file byte for byte into a fresh landing folder; the next microsecond if one is taken."""
    moment = datetime.now(UTC)
    while True:
        try:
            batch = landing.land_batch(
                settings.landing_dir,
                SOURCE,
                dataset,
                moment,
                lambda folder: shutil.copyfile(path, folder / path.name),
            )
            return batch.path / path.name, moment
        except FileExistsError:
            moment += timedelta(microseconds=1)


def _quarantine(settings: Settings, landed: Path, moment: datetime, error: StatlineFileError) -> Path:
    """A copy of the original (it stays in the landing zone, and the analyst's file where it was)."""
    reason = {
        "file": landed.name,
        "source": SOURCE,
        "rule": error.rule,
        "line": error.line,
        "column": error.column,
        "reason": str(error),
        "landing_path": str(landed.relative_to(settings.landing_dir)),
    }
    return quarantine_file(quarantine_dir(settings), landed, moment, reason, move=False)


def _shape(tables: list[CatalogTable], metadata: TableMetadata) -> TableShape:
    first = tables[0]
    return TableShape(
        label=f"{first.table_id} ({first.title})",
        data_properties=metadata.data_properties,
        dimensions=metadata.dimensions,
        region_dimension=first.region_dimension,
        region_code_topic=first.region_code_topic,
        api_route=f"zicht ingest-cbs {first.table_id}",
    )


def _rows_per_table(
    file_name: str, tables: list[CatalogTable], read: StatlineRows, period_key: str | None
) -> list[tuple[CatalogTable, list[int]]]:
    """Which rows go to which catalog table: all to a single-period table, else by the period key."""
    if len(tables) == 1 and tables[0].period is None:
        return [(tables[0], list(range(len(read.rows))))]
    if period_key is None:
        raise StatlineFileError(
            file_name,
            "period_present",
            f"the catalog lists {tables[0].table_id} per period, the table has none",
        )
    by_period = {table.period.upper(): table for table in tables if table.period}
    chosen: dict[str, list[int]] = {}
    outside: list[int] = []
    for index, row in enumerate(read.rows):
        period = str(row[period_key]).strip().upper()
        if period in by_period:
            chosen.setdefault(period, []).append(index)
        else:
            outside.append(index)
    if outside:
        named = [f"line {read.lines[i]} {str(read.rows[i][period_key]).strip()}" for i in outside]
        raise StatlineFileError(
            file_name,
            "period_in_catalog",
            f"{len(outside)} row(s) hold a period the catalog does not list for {tables[0].table_id} "
            f"(it lists {', '.join(sorted(by_period))}): {listed(named)}; select only those periods,"
            f" or add the year to the catalog as {RECIPE} describes",
            line=read.lines[outside[0]],
        )
    return [(by_period[period], indexes) for period, indexes in sorted(chosen.items())]


def _raw_load(table: CatalogTable, metadata: TableMetadata, read: StatlineRows, indexes, ingest_id):
    properties = metadata.data_properties
    data = download_arrow_table(
        [read.rows[i] for i in indexes],
        properties,
        table,
        ingest_id,
        [read.symbols[i] for i in indexes],
        read.period_column,
        [read.period_statuses[i] for i in indexes] if read.period_statuses is not None else None,
    )
    regions = metadata.dimensions.get(table.region_dimension)
    region_names = raw_load.region_names_arrow_table(regions, table, ingest_id) if regions else None
    categories = raw_load.categories_arrow_table(
        {
            name: metadata.dimensions[name]
            for name in raw_load.category_dimensions(properties, table.region_dimension)
            if name in metadata.dimensions
        },
        table,
        ingest_id,
    )
    return raw_load.RawLoad(table, data, region_names, categories)


def _period_key(properties: list[dict]) -> str | None:
    return next((e["Key"] for e in properties if e.get("Type") == "TimeDimension"), None)


def land_statline_file(
    path: Path | str,
    table_id: str | None = None,
    settings: Settings | None = None,
    options: ClientOptions | None = None,
) -> list[StatlineLandingResult]:
    """Land and load one StatLine download: one result per catalog table (per period) it loaded.

    Raises StatlineFileError for a broken rule (after recording it and quarantining a copy).
    """
    settings = settings or get_settings()
    path = existing_file(path, "StatLine download")
    checksum, size = landing.sha256_file(path), path.stat().st_size
    tables: list[CatalogTable] = []
    problem: StatlineFileError | None = None
    try:
        tables = catalog_tables(path.name, table_id)
    except StatlineFileError as error:
        problem = error  # the file is landed all the same, so the manifest can point at it
    dataset = tables[0].table_id if tables else UNIDENTIFIED
    landed, moment = _land_original(settings, dataset, path)
    stamp, token = landing.retrieval_stamp(moment), uuid.uuid4().hex[:8]
    record = {
        "ingest_id": f"{SOURCE}-{dataset}-{stamp}-{token}",
        "source": SOURCE,
        "file": path.name,
        "checksum": checksum,
        "size": size,
        "table_id": tables[0].table_id if tables else table_id,
        "family": tables[0].family if tables else None,
        "period": str(tables[0].year) if len(tables) == 1 else None,
        "cbs_period": tables[0].period if len(tables) == 1 else None,
        "retrieved_at": moment.isoformat(),
        "landing_path": str(landed.relative_to(settings.landing_dir)),
        "files": [{"name": path.name, "sha256": checksum, "bytes": size}],
        "rows": None,
        "row_count": None,
        "metadata_source": None,
        "outcome": "loaded",
        "error": None,
    }
    try:
        if problem is not None:
            raise problem
        metadata = table_metadata(tables[0].table_id, settings, options)
        record["metadata_source"] = metadata.source
        read = read_statline_file(landed, _shape(tables, metadata))
        record["rows"] = record["row_count"] = len(read.rows)
        loads, records = [], []
        for table, indexes in _rows_per_table(path.name, tables, read, _period_key(metadata.data_properties)):
            stem = f"{table.table_id}-{table.period}" if table.period else table.table_id
            ingest_id = f"{SOURCE}-{stem}-{stamp}-{token}"
            loads.append(_raw_load(table, metadata, read, indexes, ingest_id))
            records.append(
                {
                    **record,
                    "ingest_id": ingest_id,
                    "table_id": table.table_id,
                    "family": table.family,
                    "period": str(table.year),
                    "cbs_period": table.period,
                    "rows": len(indexes),
                    "row_count": len(indexes),
                    "absent_topics": read.absent_topics,
                }
            )
        raw_load.load_tables(
            settings.warehouse_path, loads, [*landing.read_manifest(settings.landing_dir), *records]
        )
    except StatlineFileError as error:
        error.quarantined = _quarantine(settings, landed, moment, error)
        landing.append_manifest(
            settings.landing_dir,
            {
                **record,
                "outcome": "rejected",
                "error": str(error),
                "rule": error.rule,
                "line": error.line,
                "column": error.column,
                "quarantine_path": str(error.quarantined.relative_to(settings.data_dir)),
            },
        )
        raise
    except Exception as error:
        landing.append_manifest(
            settings.landing_dir, {**record, "outcome": "failed", "error": f"{type(error).__name__}: {error}"}
        )
        raise
    for loaded in records:
        landing.append_manifest(settings.landing_dir, loaded)
    return [
        StatlineLandingResult(
            table_id=loaded["table_id"],
            family=loaded["family"],
            period=loaded["period"],
            ingest_id=loaded["ingest_id"],
            landing_path=landed,
            row_count=loaded["rows"],
            raw_table=f"{raw_load.RAW_SCHEMA}.{load.table.raw_table}",
            checksum=checksum,
            size=size,
            metadata_source=metadata.source,
            absent_topics=tuple(read.absent_topics),
        )
        for loaded, load in zip(records, loads, strict=True)
    ]
