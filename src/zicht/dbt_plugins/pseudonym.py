"""A `pseudonym(value)` SQL function for dbt models: keyed HMAC-SHA256 (zicht.extracts.privacy).

Registered on dbt's DuckDB connection so that the key, read from ZICHT_PSEUDONYM_KEY, never appears
in compiled SQL, logs or the dbt target folder. It is an Arrow function: DuckDB hands it whole
vectors, not one row per Python call.
"""

from __future__ import annotations

import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import VARCHAR

from zicht.extracts.privacy import pseudonym_key, pseudonymise_all


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        key = pseudonym_key()
        conn.create_function(
            "pseudonym",
            lambda values: pa.array(pseudonymise_all(values.to_pylist(), key), pa.string()),
            [VARCHAR],
            VARCHAR,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
