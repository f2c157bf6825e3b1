"""Land a wijk- en buurtkaart file and load it into `raw.cbs__wijk_en_buurtkaart` in one transaction.

As every source: the original bytes go unchanged into the immutable landing zone
(`cbs/wijkenbuurtkaart/<time>/`), one manifest record says what happened (`loaded` or `rejected` with
the rule), and the load replaces the rows of each (year, level) the file holds, or changes nothing.
Files dropped into `data/inbox/wijkenbuurtkaart/` are landed by the CBS ingest DAG; a rejected one
moves to `data/quarantine/wijkenbuurtkaart/` beside its reason.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from zicht import landing
from zicht.quarantine import quarantine_file
from zicht.settings import Settings, get_settings
from zicht.shapes.kaart import RAW_COLUMNS, Kaart, KaartFileError, read_kaart
from zicht.warehouse import write_transaction

# The kaart is a CBS product: its records count under the CBS source, with a dataset name of their own.
SOURCE = "cbs"
DATASET = "wijkenbuurtkaart"
RAW_SCHEMA = "raw"
RAW_TABLE = "cbs__wijk_en_buurtkaart"
INBOX_NAME = DATASET
_DUCKDB_TYPES = {"int32": "INTEGER", "int64": "BIGINT", "string": "VARCHAR"}


@dataclass(frozen=True)
class ShapesLandingResult:
    file: str
    year: int
    levels: list[str]
    rows: int
    ingest_id: str
    landing_path: Path
    checksum: str

    def summary(self) -> dict:
        return {
            "file": self.file,
            "period": str(self.year),
            "levels": self.levels,
            "rows": self.rows,
            "ingest_id": self.ingest_id,
            "raw_table": f"{RAW_SCHEMA}.{RAW_TABLE}",
            "landing_path": str(self.landing_path),
            "checksum": self.checksum,
        }


def create_table_sql() -> str:
    columns = [f"{name} {_DUCKDB_TYPES[str(kind)]}" for name, kind in RAW_COLUMNS]
    columns += ["ingest_id VARCHAR", "source_file VARCHAR"]
    return f"CREATE TABLE IF NOT EXISTS {RAW_SCHEMA}.{RAW_TABLE} ({', '.join(columns)})"


def ensure_raw_table(warehouse_path: Path) -> None:
    """An empty raw table before any kaart has landed, so dbt builds (to empty shapes) all the same."""
    with write_transaction(warehouse_path, RAW_SCHEMA) as con:
        con.execute(create_table_sql())


def _load(warehouse_path: Path, kaart: Kaart, ingest_id: str, file_name: str) -> None:
    """Replace the rows of every (year, level) in the file, in one transaction."""
    with write_transaction(warehouse_path, RAW_SCHEMA) as con:
        con.execute(create_table_sql())
        con.register("incoming_kaart", kaart.rows)
        con.execute(
            f"DELETE FROM {RAW_SCHEMA}.{RAW_TABLE} WHERE (period_year, region_level) IN "
            "(SELECT DISTINCT period_year, region_level FROM incoming_kaart)"
        )
        con.execute(
            f"INSERT INTO {RAW_SCHEMA}.{RAW_TABLE} BY NAME "
            "SELECT *, ? AS ingest_id, ? AS source_file FROM incoming_kaart",
            [ingest_id, file_name],
        )
        con.unregister("incoming_kaart")


def _land_original(settings: Settings, path: Path) -> tuple[Path, datetime]:
    moment = datetime.now(UTC)
    while True:
        try:
            batch = landing.land_batch(
                settings.landing_dir,
                SOURCE,
                DATASET,
                moment,
                lambda folder: shutil.copyfile(path, folder / path.name),
            )
            return batch.path / path.name, moment
        except FileExistsError:
            moment += timedelta(microseconds=1)


def land_shapes_file(
    path: Path | str, year: int | None = None, settings: Settings | None = None
) -> ShapesLandingResult:
    """Land and load one kaart file; raises KaartFileError for a broken rule (after recording it)."""
    settings = settings or get_settings()
    path = Path(path)
    checksum, size = landing.sha256_file(path), path.stat().st_size
    landed, moment = _land_original(settings, path)
    ingest_id = f"{SOURCE}-{DATASET}-{landing.retrieval_stamp(moment)}-{uuid.uuid4().hex[:8]}"
    record = {
        "ingest_id": ingest_id,
        "source": SOURCE,
        "table_id": DATASET,
        "family": DATASET,
        "file": path.name,
        "checksum": checksum,
        "size": size,
        "period": None,
        "retrieved_at": moment.isoformat(),
        "landing_path": str(landed.relative_to(settings.landing_dir)),
        "files": [{"name": path.name, "sha256": checksum, "bytes": size}],
        "row_count": None,
        "outcome": "loaded",
        "error": None,
    }
    try:
        kaart = read_kaart(landed, year)
        record |= {"period": str(kaart.year), "row_count": kaart.rows.num_rows}
        _load(settings.warehouse_path, kaart, ingest_id, path.name)
    except KaartFileError as error:
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
    return ShapesLandingResult(
        path.name, kaart.year, kaart.levels, kaart.rows.num_rows, ingest_id, landed, checksum
    )


def shapes_inbox(settings: Settings) -> Path:
    return settings.data_dir / "inbox" / INBOX_NAME


def _quarantine(settings: Settings, path: Path, error: KaartFileError) -> Path:
    reason = {
        "file": path.name,
        "source": INBOX_NAME,
        "rule": error.rule,
        "feature": error.feature,
        "reason": str(error),
    }
    folder = settings.data_dir / "quarantine" / INBOX_NAME
    return quarantine_file(folder, path, datetime.now(UTC), reason, move=True)


def land_shapes_inbox(settings: Settings | None = None) -> list[dict]:
    """Land every waiting kaart file (oldest year first); one summary per file, loaded or rejected."""
    settings = settings or get_settings()
    folder = shapes_inbox(settings)
    outcomes = []
    for path in sorted(folder.glob("*.geojson")) if folder.exists() else []:
        try:
            result = land_shapes_file(path, settings=settings)
        except KaartFileError as error:
            target = _quarantine(settings, path, error)
            outcomes.append(
                {
                    "file": path.name,
                    "outcome": "rejected",
                    "reason": str(error),
                    "quarantine_path": str(target),
                }
            )
            continue
        path.unlink()
        outcomes.append({"outcome": "loaded", **result.summary()})
    return outcomes


def drop_synthetic_kaart(settings: Settings | None = None) -> Path:
    """Copy the generated kaart files into the inbox, where the CBS ingest DAG lands them."""
    from zicht.synth.generate import SHAPES_FOLDER

    settings = settings or get_settings()
    folder = shapes_inbox(settings)
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((settings.synthetic_dir / SHAPES_FOLDER).glob("*.geojson")):
        shutil.copyfile(path, folder / path.name)
    return folder
