"""Superset configuration for Zicht, loaded through SUPERSET_CONFIG_PATH.

Everything that differs between machines comes from the environment:
- ZICHT_ENV             `embedded` (default, one machine, demo values allowed) or `production`
- ZICHT_DATA_DIR        data root; Superset keeps its SQLite metadata in <data>/superset/
- SUPERSET_SECRET_KEY   signs sessions and encrypts stored connection secrets
- SUPERSET_ADMIN_PASSWORD  checked here so production can never run with the demo password
- SUPERSET_DATABASE_URI optional metadata database (e.g. PostgreSQL) instead of SQLite
"""

from __future__ import annotations

import copy
import os
import sqlite3
import sys
import tomllib
from datetime import timedelta
from pathlib import Path

# superset.config is still executing when it imports this file, but everything defined above its
# `import superset_config` line is available; reuse its CSP instead of retyping it.
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from superset.config import TALISMAN_CONFIG as _UPSTREAM_TALISMAN_CONFIG

_ASSETS_DIR = Path(__file__).resolve().parent
_PROJECT_ROOT = _ASSETS_DIR.parent
sys.path.insert(0, str(_ASSETS_DIR))
import duckdb_files  # noqa: E402  (beside this file, found through the line above)

_DEMO = tomllib.loads((_ASSETS_DIR / "demo_credentials.toml").read_text(encoding="utf-8"))

ZICHT_ENV = os.environ.get("ZICHT_ENV", "embedded").strip().lower() or "embedded"
if ZICHT_ENV not in {"embedded", "production"}:
    raise RuntimeError(f"ZICHT_ENV must be 'embedded' or 'production', not {ZICHT_ENV!r}")


def _secret_key() -> str:
    key = os.environ.get("SUPERSET_SECRET_KEY", "")
    if ZICHT_ENV == "production":
        if not key or key == _DEMO["secret_key"]:
            raise RuntimeError(
                "ZICHT_ENV=production: set SUPERSET_SECRET_KEY to a private random value "
                "(e.g. `openssl rand -base64 42`); the demo key is refused."
            )
        if os.environ.get("SUPERSET_ADMIN_PASSWORD") == _DEMO["admin_password"]:
            raise RuntimeError("ZICHT_ENV=production: the demo admin password is refused.")
        return key
    return key or _DEMO["secret_key"]


SECRET_KEY = _secret_key()

_DATA_DIR = Path(os.environ.get("ZICHT_DATA_DIR") or _PROJECT_ROOT / "data").resolve()
_METADATA_DIR = _DATA_DIR / "superset"
_METADATA_DIR.mkdir(parents=True, exist_ok=True)
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_DATABASE_URI") or (
    f"sqlite:///{_METADATA_DIR / 'superset.db'}"
)
if SQLALCHEMY_DATABASE_URI.startswith("sqlite:"):
    # SQLAlchemy 1.4 opens and closes a SQLite file for every session (NullPool); Superset's
    # metadata keeps its connections instead, as SQLAlchemy 2 does for SQLite files.
    SQLALCHEMY_ENGINE_OPTIONS = {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}


@event.listens_for(Engine, "connect")
def _sqlite_write_ahead_log(dbapi_connection, _record) -> None:
    """SQLite metadata in write-ahead-log mode, synced at checkpoints rather than at every commit.

    Superset commits to its metadata for every chart query (the action log), and with SQLite's
    rollback journal each commit waited for the disk. A crash still leaves the database consistent.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")


# Uploads, thumbnails and other files Superset writes live beside the metadata, not in the venv.
DATA_DIR = str(_METADATA_DIR)
UPLOAD_FOLDER = str(_METADATA_DIR / "uploads")

# The published file changes after every publish: cache chart data only briefly.
_CHART_DATA_TTL = int(os.environ.get("ZICHT_SUPERSET_CACHE_SECONDS", "60"))
DATA_CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": _CHART_DATA_TTL,
    "CACHE_KEY_PREFIX": "zicht_data_",
}
CACHE_CONFIG = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": int(timedelta(minutes=5).total_seconds()),
    "CACHE_KEY_PREFIX": "zicht_meta_",
}

# The published and operations files stay open between queries, and are reopened once swapped
# (duckdb_files.py: opening them per query was most of a chart query's time).
DB_CONNECTION_MUTATOR = duckdb_files.keep_files_open

# CSRF protection stays as Superset ships it (enabled); named here so nobody switches it off silently.
WTF_CSRF_ENABLED = True

# No telemetry: drop the Scarf pixel (and other third-party hosts, unreachable offline anyway)
# from the content security policy so the browser never requests them.
TALISMAN_ENABLED = True
TALISMAN_CONFIG = copy.deepcopy(_UPSTREAM_TALISMAN_CONFIG)
_csp = TALISMAN_CONFIG["content_security_policy"]
_csp["img-src"] = [src for src in _csp["img-src"] if "scarf.sh" not in src]
_csp["connect-src"] = ["'self'"]

# Where the web server listens; the launcher (zicht.superset.server) binds to the same values.
SUPERSET_WEBSERVER_ADDRESS = os.environ.get("SUPERSET_HOST", "127.0.0.1")
SUPERSET_WEBSERVER_PORT = int(os.environ.get("SUPERSET_PORT", "8088"))
WEBDRIVER_BASEURL = f"http://{SUPERSET_WEBSERVER_ADDRESS}:{SUPERSET_WEBSERVER_PORT}/"
