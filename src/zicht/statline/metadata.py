"""A table's DataProperties and dimensions, needed to understand a StatLine download of it.

A download has titles where the API has keys, so reading one needs the table's own metadata:
DataProperties (which column is which) and every dimension (which title is which key). Taken from
the newest API landing of the same table id in the landing zone when there is one (no network, and
the metadata the API route loaded with), else fetched through cbsodata from the configured CBS host
with the ingest's own client (retries, timeouts, a CbsDownloadError naming the URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zicht.cbs import ingest, raw_load
from zicht.cbs.client import ClientOptions, download_table, table_url
from zicht.settings import Settings


@dataclass(frozen=True)
class TableMetadata:
    data_properties: list[dict]
    dimensions: dict[str, list[dict]]  # every dimension's categories, by dimension Key
    source: str  # the landing folder or the URL it came from


def dimension_keys(data_properties: list[dict]) -> list[str]:
    return [entry["Key"] for entry in data_properties if entry.get("Type") in raw_load.DIMENSION_TYPES]


def _complete(batch: Path) -> bool:
    """A batch holds DataProperties and every dimension it names (older landings may lack some)."""
    if batch.name.startswith(".") or not (batch / "DataProperties.json").is_file():
        return False
    properties = raw_load.read_landed(batch, "DataProperties")
    return all((batch / f"{key}.json").is_file() for key in dimension_keys(properties))


def landed_metadata(landing_dir: Path, table_id: str) -> TableMetadata | None:
    """The metadata of the newest complete API landing of `table_id` (any of its periods), or None."""
    folder = Path(landing_dir) / ingest.SOURCE / table_id
    if not folder.is_dir():
        return None
    # Batch folders are named by retrieval time (one level deeper for a period of a multi-period
    # table), so the greatest name is the newest; hidden `.incoming-*` folders are still being written.
    batches = sorted(
        (path.parent for path in folder.glob("**/DataProperties.json") if _complete(path.parent)),
        key=lambda batch: batch.name,
    )
    if not batches:
        return None
    newest = batches[-1]
    properties = raw_load.read_landed(newest, "DataProperties")
    return TableMetadata(
        data_properties=properties,
        dimensions={key: raw_load.read_landed(newest, key) for key in dimension_keys(properties)},
        source=str(newest.relative_to(landing_dir)),
    )


def table_metadata(table_id: str, settings: Settings, options: ClientOptions | None = None) -> TableMetadata:
    landed = landed_metadata(settings.landing_dir, table_id)
    if landed is not None:
        return landed
    data = download_table(table_id, settings.cbs_host, settings.cbs_https, options)
    properties = data["DataProperties"]
    return TableMetadata(
        data_properties=properties,
        dimensions={key: data[key] for key in dimension_keys(properties) if key in data},
        source=table_url(settings.cbs_host, settings.cbs_https, table_id),
    )
