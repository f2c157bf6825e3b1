"""CBS open data (StatLine OData v3) ingest through the cbsodata client into landing zone and raw schema."""

from zicht.cbs.catalog import CatalogTable, list_catalog_tables, load_catalog, table_by_id
from zicht.cbs.client import CbsDownloadError, ClientOptions
from zicht.cbs.ingest import IngestResult, ingest_cbs_tables

__all__ = [
    "CatalogTable",
    "CbsDownloadError",
    "ClientOptions",
    "IngestResult",
    "ingest_cbs_tables",
    "list_catalog_tables",
    "load_catalog",
    "table_by_id",
]
