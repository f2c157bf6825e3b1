"""A `pseudonym(value)` SQL function for dbt models: keyed HMAC-SHA256 (zicht.extracts.privacy).

Registered on dbt's DuckDB connection so that the key, read from ZICHT_PSEUDONYM_KEY, never appears
in compiled SQL, logs or the dbt target folder.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import VARCHAR

from zicht.extracts.privacy import pseudonym_key, pseudonymise


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        key = pseudonym_key()
        conn.create_function(
            "pseudonym",
            lambda value: pseudonymise(value, key),
            [VARCHAR],
            VARCHAR,
            null_handling="special",
            side_effects=False,
        )
