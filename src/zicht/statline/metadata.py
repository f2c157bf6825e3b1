"""A table's DataProperties and region dimension, needed to understand a StatLine CSV of it.

Taken from the newest API landing of the same table in the landing zone when there is one (no
network, and the same metadata the API route loaded with), else fetched through cbsodata from the
configured CBS host with the ingest's own client (retries, timeouts, clear errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zicht.cbs import ingest, raw_load
from zicht.cbs.catalog import CatalogTable
from zicht.cbs.client import ClientOptions, download_table, table_url
from zicht.settings import Settings


@dataclass(frozen=True)
class TableMetadata:
    data_properties: list[dict]
    region_dimension: list[dict] | None  # None: the source had no region dimension to offer
    source: str  # the landing folder or the URL it came from


def landed_metadata(landing_dir: Path, table: CatalogTable) -> TableMetadata | None:
    """The metadata of the newest complete API landing of `table`, or None."""
    folder = Path(landing_dir) / ingest.SOURCE / table.landing_dataset
    if not folder.is_dir():
        return None
    # Batch folders are named by retrieval time, so the last in name order is the newest; hidden
    # `.incoming-*` folders are batches still being written.
    batches = sorted(
        p
        for p in folder.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "DataProperties.json").is_file()
    )
    if not batches:
        return None
    newest = batches[-1]
    regions_file = newest / f"{table.region_dimension}.json"
    return TableMetadata(
        data_properties=raw_load.read_landed(newest, "DataProperties"),
        region_dimension=raw_load.read_landed(newest, table.region_dimension)
        if regions_file.is_file()
        else None,
        source=str(newest.relative_to(landing_dir)),
    )


def table_metadata(
    table: CatalogTable, settings: Settings, options: ClientOptions | None = None
) -> TableMetadata:
    landed = landed_metadata(settings.landing_dir, table)
    if landed is not None:
        return landed
    data = download_table(table.table_id, settings.cbs_host, settings.cbs_https, options)
    return TableMetadata(
        data_properties=data["DataProperties"],
        region_dimension=data.get(table.region_dimension),
        source=table_url(settings.cbs_host, settings.cbs_https, table.table_id),
    )
