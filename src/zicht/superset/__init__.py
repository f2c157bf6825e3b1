"""Superset for Zicht: its own environment, assets as code, and a background server.

Entry points (run from the pipeline environment; Superset runs in .venvs/superset):
    setup_superset()  migrate metadata, ensure the admin, sync roles, import the bundle (idempotent)
    start_superset()  start the web server on SUPERSET_HOST:SUPERSET_PORT and wait for /health
    stop_superset()   stop it and its workers
    print_credentials()
"""

from zicht.superset.credentials import admin_login
from zicht.superset.environment import print_credentials, superset_environment
from zicht.superset.server import start_superset, stop_superset
from zicht.superset.setup import setup_superset

__all__ = [
    "admin_login",
    "print_credentials",
    "setup_superset",
    "start_superset",
    "stop_superset",
    "superset_environment",
]
