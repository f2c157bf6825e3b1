"""SQL functions for region outlines (zicht.shapes.outline), registered on dbt's DuckDB connection.

`region_outline(geometry, tolerance)` -> VARCHAR JSON ring; `ring_centroid(ring)` -> DOUBLE[2] (lon, lat).
DuckDB's spatial extension is not available offline; the few operations the maps need are here.
"""

from __future__ import annotations

from functools import lru_cache

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection, list_type
from duckdb.sqltypes import DOUBLE, VARCHAR

from zicht.shapes.outline import centroid, outline

# A region's boundary is mostly the same every year: each distinct one is outlined once.
_DISTINCT_SHAPES = 1 << 16


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        conn.create_function(
            "region_outline",
            lru_cache(maxsize=_DISTINCT_SHAPES)(outline),
            [VARCHAR, DOUBLE],
            VARCHAR,
            null_handling="special",
        )
        conn.create_function(
            "ring_centroid",
            lru_cache(maxsize=_DISTINCT_SHAPES)(centroid),
            [VARCHAR],
            list_type(DOUBLE),
            null_handling="special",
        )
