"""Land a StatLine CSV download of a CBS table and load it in place of the API-loaded raw table.

In this order, so that nothing is lost and every attempt is on record:
1. checksum, and copy the ORIGINAL bytes unchanged into the immutable landing zone
   (`statline/<table id>/<time>/`); the analyst's file itself is never moved or changed;
2. read the landed copy with the table's DataProperties (see `metadata`) into TypedDataSet-like rows;
3. build the raw table exactly as the API route does and load it with `zicht.cbs.raw_load.load_table`:
   the same `raw.cbs__<id>` table, region names and family view, in one transaction;
4. one manifest record with the outcome: `loaded`, `rejected` (the file broke a rule; the error says
   which file, line, column and rule) or `failed` (metadata or warehouse unavailable).
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zicht import landing
from zicht.cbs import raw_load
from zicht.cbs.catalog import CatalogTable, table_by_id
from zicht.cbs.client import ClientOptions
from zicht.settings import Settings, get_settings
from zicht.statline.metadata import table_metadata
from zicht.statline.read import StatlineFileError, read_statline_rows

SOURCE = "statline"
UNIDENTIFIED = "unidentified"  # landing folder for a file whose table could not be told
# StatLine names downloads `85984NED_TypedDataSet_22072025_143012.csv`; `85984NED.csv` is accepted too.
_FILE_NAME = re.compile(r"(?P<table_id>\d{5}[A-Za-z]{3})(_[^/\\]*)?\.csv", re.IGNORECASE)


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
        }


def table_id_from_file_name(file_name: str) -> str | None:
    match = _FILE_NAME.fullmatch(file_name)
    return match.group("table_id").upper() if match else None


def _catalog_table(file_name: str, table_id: str | None) -> CatalogTable:
    wanted = table_id or table_id_from_file_name(file_name)
    if wanted is None:
        raise StatlineFileError(
            file_name,
            "table_id_known",
            "no table id given and none in the file name"
            " (expected `<id>_TypedDataSet_....csv` or `<id>.csv`)",
        )
    try:
        return table_by_id(wanted)
    except KeyError as error:
        raise StatlineFileError(file_name, "table_id_known", str(error.args[0])) from None


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


def land_statline_file(
    path: Path | str,
    table_id: str | None = None,
    settings: Settings | None = None,
    options: ClientOptions | None = None,
) -> StatlineLandingResult:
    """Land and load one StatLine CSV; raises StatlineFileError for a broken rule (after recording it)."""
    settings = settings or get_settings()
    path = Path(path)
    checksum, size = landing.sha256_file(path), path.stat().st_size
    table: CatalogTable | None = None
    problem: StatlineFileError | None = None
    try:
        table = _catalog_table(path.name, table_id)
    except StatlineFileError as error:
        problem = error  # the file is landed all the same, so the manifest can point at it
    dataset = table.table_id if table else UNIDENTIFIED
    landed, moment = _land_original(settings, dataset, path)
    ingest_id = f"{SOURCE}-{dataset}-{landing.retrieval_stamp(moment)}-{uuid.uuid4().hex[:8]}"
    record = {
        "ingest_id": ingest_id,
        "source": SOURCE,
        "file": path.name,
        "checksum": checksum,
        "size": size,
        "table_id": table.table_id if table else table_id,
        "family": table.family if table else None,
        "period": str(table.year) if table else None,
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
        metadata = table_metadata(table, settings, options)
        record["metadata_source"] = metadata.source
        rows = read_statline_rows(landed, metadata.data_properties)
        record["rows"] = record["row_count"] = len(rows)
        arrow = raw_load.raw_arrow_table(rows, metadata.data_properties, table, ingest_id)
        region_names = (
            raw_load.region_names_arrow_table(metadata.region_dimension, table, ingest_id)
            if metadata.region_dimension is not None
            else None  # keep whatever region names the warehouse already has
        )
        raw_load.load_table(
            settings.warehouse_path,
            table,
            arrow,
            [*landing.read_manifest(settings.landing_dir), record],
            region_names,
        )
    except StatlineFileError as error:
        landing.append_manifest(
            settings.landing_dir, {**record, "outcome": "rejected", "error": str(error), "rule": error.rule}
        )
        raise
    except Exception as error:
        landing.append_manifest(
            settings.landing_dir, {**record, "outcome": "failed", "error": f"{type(error).__name__}: {error}"}
        )
        raise
    landing.append_manifest(settings.landing_dir, record)
    return StatlineLandingResult(
        table_id=table.table_id,
        family=table.family,
        period=str(table.year),
        ingest_id=ingest_id,
        landing_path=landed,
        row_count=len(rows),
        raw_table=f"{raw_load.RAW_SCHEMA}.{table.raw_table}",
        checksum=checksum,
        size=size,
        metadata_source=metadata.source,
    )
