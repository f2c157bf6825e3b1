"""Superset configuration for Zicht, loaded through SUPERSET_CONFIG_PATH.

Everything that differs between machines comes from the environment:
- ZICHT_ENV             `embedded` (default, one machine) or `production`
- ZICHT_DATA_DIR        data root; Superset keeps its SQLite metadata in <data>/superset/
- SUPERSET_SECRET_KEY   signs sessions and encrypts stored connection secrets; embedded: generated
                        on first start into <data>/superset/secret_key; production: required, at
                        least 32 bytes, never the key of an embedded install
- SUPERSET_DATABASE_URI optional metadata database (e.g. PostgreSQL) instead of SQLite
- ZICHT_SUPERSET_LOGIN_RATE_LIMIT  login attempts per client address (default "10 per minute")
- ZICHT_SUPERSET_RATELIMIT_STORAGE where the rate limits count (default memory://, per process;
                        production: a shared store such as redis://host:6379/1)
- ZICHT_SUPERSET_LOGIN_FAILURES / ZICHT_SUPERSET_LOCKOUT_SECONDS  account lockout (zicht_security.py)

Who reads which rows is decided in row_scope.py, query_guard.py and duckdb_files.py.
"""

from __future__ import annotations

import copy
import os
import secrets
import sqlite3
import sys
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
import row_scope  # noqa: E402
from zicht_security import ZichtSecurityManager  # noqa: E402

ZICHT_ENV = os.environ.get("ZICHT_ENV", "embedded").strip().lower() or "embedded"
if ZICHT_ENV not in {"embedded", "production"}:
    raise RuntimeError(f"ZICHT_ENV must be 'embedded' or 'production', not {ZICHT_ENV!r}")
_PRODUCTION = ZICHT_ENV == "production"

_DATA_DIR = Path(os.environ.get("ZICHT_DATA_DIR") or _PROJECT_ROOT / "data").resolve()
_METADATA_DIR = _DATA_DIR / "superset"
_METADATA_DIR.mkdir(parents=True, exist_ok=True)
_EMBEDDED_KEY_FILE = _METADATA_DIR / "secret_key"
MIN_SECRET_KEY_BYTES = 32


def _embedded_key() -> str:
    """The key of this embedded install: made once, kept readable by its owner only."""
    try:
        descriptor = os.open(_EMBEDDED_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _EMBEDDED_KEY_FILE.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
    return _EMBEDDED_KEY_FILE.read_text(encoding="utf-8").strip()


def _secret_key() -> str:
    key = os.environ.get("SUPERSET_SECRET_KEY", "")
    if not _PRODUCTION:
        return key or _embedded_key()
    if len(key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"ZICHT_ENV=production: SUPERSET_SECRET_KEY must be a private random value of at least "
            f"{MIN_SECRET_KEY_BYTES} bytes (e.g. `openssl rand -base64 42`); "
            f"it is {'missing' if not key else f'{len(key.encode())} bytes'}"
        )
    if _EMBEDDED_KEY_FILE.is_file() and _EMBEDDED_KEY_FILE.read_text(encoding="utf-8").strip() == key:
        raise RuntimeError(
            f"ZICHT_ENV=production: SUPERSET_SECRET_KEY is the key of the embedded install "
            f"({_EMBEDDED_KEY_FILE}); set a new one"
        )
    return key


SECRET_KEY = _secret_key()

# Sessions: not readable by scripts, not sent cross-site, and in production only over HTTPS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _PRODUCTION
REMEMBER_COOKIE_SECURE = _PRODUCTION

# Logins: attempts per client address are limited (the form by Flask-AppBuilder, the REST login in
# _limit_api_login), and an account that keeps failing is locked (zicht_security.py).
CUSTOM_SECURITY_MANAGER = ZichtSecurityManager
RATELIMIT_ENABLED = True
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = os.environ.get("ZICHT_SUPERSET_LOGIN_RATE_LIMIT", "").strip() or "10 per minute"
RATELIMIT_STORAGE_URI = os.environ.get("ZICHT_SUPERSET_RATELIMIT_STORAGE", "").strip() or "memory://"
# No limit on every request (Superset's default is 50 a second per address, which a dashboard of
# many charts, or many analysts behind one proxy, would hit).
RATELIMIT_APPLICATION = None


def _limit_api_login(app) -> None:
    """Flask-AppBuilder limits the login form only; give the REST login the same limit."""
    from superset.extensions import appbuilder

    limiter = appbuilder.sm.limiter
    for endpoint in ("SecurityApi.login", "SecurityApi.refresh"):
        view = app.view_functions.get(endpoint)
        if view is None:
            raise RuntimeError(f"Superset has no endpoint {endpoint}: the login rate limit cannot be applied")
        app.view_functions[endpoint] = limiter.limit(AUTH_RATE_LIMIT, methods=["POST"])(view)


FLASK_APP_MUTATOR = _limit_api_login
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

# Every query on a DuckDB file goes to the file of its user's scope, opened with the engine locked,
# and is checked before it runs (row_scope.py). The files stay open between queries and are
# reopened once swapped (duckdb_files.py: opening them per query was most of a query's time).
DB_CONNECTION_MUTATOR = row_scope.route_connection

# CSRF protection stays as Superset ships it (enabled); named here so nobody switches it off silently.
WTF_CSRF_ENABLED = True
# Also as shipped, named for the same reason: no subqueries in adhoc SQL, no Jinja in SQL, no
# connections to SQLite files (Superset's own metadata among them).
ALLOW_ADHOC_SUBQUERY = False
FEATURE_FLAGS = {"ENABLE_TEMPLATE_PROCESSING": False}
PREVENT_UNSAFE_DB_CONNECTIONS = True

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
