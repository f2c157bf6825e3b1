"""A `pseudonym(value)` SQL function for dbt models: keyed HMAC-SHA256 (zicht.extracts.privacy).

Registered on dbt's DuckDB connection so that the key, read from ZICHT_PSEUDONYM_KEY, never appears
in compiled SQL, logs or the dbt target folder. It is a temporary macro over DuckDB's own SHA-256
with the key's HMAC pads: native and parallel (a Python function spent half a minute on a national
register), gone with the connection, never stored in the warehouse.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from zicht.extracts.privacy import hmac_pads, pseudonym_key


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        inner, outer = hmac_pads(pseudonym_key())
        message = "encode(CAST(value AS VARCHAR))"
        self._macro = (
            "CREATE OR REPLACE TEMP MACRO pseudonym(value) AS "
            f"sha256(unhex('{outer.hex()}') || unhex(sha256(unhex('{inner.hex()}') || {message})))"
        )
        conn.execute(self._macro)

    def configure_cursor(self, cursor: DuckDBPyConnection) -> None:
        # A cursor is a connection of its own: temporary macros are not shared with it.
        cursor.execute(self._macro)
