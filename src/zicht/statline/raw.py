"""The raw table of a StatLine download: the API route's table plus what only a download says.

`zicht.cbs.raw_load.raw_arrow_table` builds the same columns, types and values as the API route
(a topic the user did not select is NULL, as a missing figure is). Two columns are added, both
documented in the raw schema contract (docs/architecture.md):

- `<period>_status` (e.g. `Perioden_status`), for a table with a period dimension: `Definitief`,
  `Voorlopig` (`2023*`) or `Nader voorlopig` (`2023**`), the names of the OData Perioden Status;
- `cell_symbols`, MAP(VARCHAR, VARCHAR): per row, for each topic whose figure is missing, the symbol
  the file wrote: `.` (unknown, unreliable or secret) or `` (blank: cannot occur). Empty when none.
"""

from __future__ import annotations

import pyarrow as pa

from zicht.cbs import raw_load
from zicht.cbs.catalog import CatalogTable

CELL_SYMBOLS = "cell_symbols"
STATUS_SUFFIX = "_status"
_SYMBOLS_TYPE = pa.map_(pa.string(), pa.string())


def download_arrow_table(
    rows: list[dict],
    data_properties: list[dict],
    table: CatalogTable,
    ingest_id: str,
    symbols: list[dict[str, str]],
    period_column: str | None = None,
    period_statuses: list[str] | None = None,
) -> pa.Table:
    """The raw table of these rows: the API route's columns, then the period status and the symbols."""
    data = raw_load.raw_arrow_table(rows, data_properties, table, ingest_id)
    if period_column is not None and period_statuses is not None:
        data = data.append_column(f"{period_column}{STATUS_SUFFIX}", pa.array(period_statuses, pa.string()))
    cells = pa.array([list(row.items()) for row in symbols], _SYMBOLS_TYPE)
    return data.append_column(CELL_SYMBOLS, cells)
