"""Run dbt on the warehouse, in a subprocess so that the DuckDB file is closed when it returns."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from zicht.errors import ZichtError
from zicht.settings import PROJECT_ROOT, Settings, get_settings

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_manifest_path() -> Path:
    """The manifest of the last dbt invocation (`target-path` of dbt_project.yml, or DBT_TARGET_PATH)."""
    target = os.environ.get("DBT_TARGET_PATH")
    return (Path(target) if target else DBT_PROJECT_DIR / "target") / "manifest.json"


class DbtFailed(ZichtError, RuntimeError):
    """dbt exited non-zero; the message holds the end of its output (for logs and Airflow)."""

    def one_line(self) -> str:
        """The first line (which command, which exit code) and dbt's last line of output."""
        lines = [line.strip() for line in str(self).splitlines() if line.strip()]
        return lines[0] if len(lines) < 2 else f"{lines[0]} ... {lines[-1]}"


def dbt_executable() -> Path:
    return Path(sys.executable).parent / "dbt"


def dbt_environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "ZICHT_WAREHOUSE_PATH": str(settings.warehouse_path),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DO_NOT_TRACK": "1",
    }


def run_dbt(*args: str, settings: Settings | None = None) -> str:
    """Run `dbt <args>` in the project folder; returns its output, raises DbtFailed with it."""
    settings = settings or get_settings()
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [str(dbt_executable()), *args],
        cwd=DBT_PROJECT_DIR,
        env=dbt_environment(settings),
        capture_output=True,
        text=True,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit {completed.returncode}):\n{output[-6000:]}")
    return output


def missing_build_inputs(settings: Settings | None = None) -> list[str]:
    """What a scheduled build waits for, where it has not landed yet: the raw view of every CBS family
    (the dbt sources read them) and the herindeling table. Without the conversion, the years before a
    municipal merger would keep codes that no longer exist, which the gate refuses to publish."""
    import duckdb

    from zicht.cbs.catalog import load_catalog
    from zicht.extracts.schemas import HERINDELING

    settings = settings or get_settings()
    views = sorted({table.view for table in load_catalog()})
    present: set[str] = set()
    conversions = 0
    if settings.warehouse_path.exists():
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'")
            present = {name for (name,) in rows.fetchall()}
            if HERINDELING.raw_table in present:
                conversions = con.execute(f"SELECT count(*) FROM raw.{HERINDELING.raw_table}").fetchone()[0]
    missing = [f"CBS raw.{view} (the CBS ingest)" for view in views if view not in present]
    if not conversions:
        missing.append(f"the herindeling table (data/inbox/{HERINDELING.source}/)")
    return missing


# Beside the warehouse: which landings the last successful build was built from.
LAST_BUILD_NAME = "last_build.json"
_LOADED_OUTCOMES = {"success", "loaded"}  # a CBS table retrieved, a file loaded (not a duplicate)


def landed_fingerprint(settings: Settings) -> str:
    """A fingerprint of every landing that reached the raw schema, from the landing zone's manifest."""
    import hashlib

    from zicht.landing import read_manifest

    loaded = [
        record for record in read_manifest(settings.landing_dir) if record.get("outcome") in _LOADED_OUTCOMES
    ]
    return hashlib.sha256(json.dumps(loaded, sort_keys=True).encode()).hexdigest()


def build_still_current(settings: Settings | None = None) -> dict | None:
    """The record of the last successful build (when it finished, what it was built from) when every
    landing had reached the raw schema before it began; None when something landed since, or never built."""
    settings = settings or get_settings()
    path = settings.warehouse_path.with_name(LAST_BUILD_NAME)
    if not path.exists():
        return None
    previous = json.loads(path.read_text(encoding="utf-8"))
    return previous if previous["landed_fingerprint"] == landed_fingerprint(settings) else None


def build_skip_reason(scheduled_by_asset: bool, settings: Settings | None = None) -> str | None:
    """Why a scheduled build has nothing to do, or None: an input it needs has not landed yet, or
    (for a run an Asset scheduled) nothing has landed since the last successful build began."""
    settings = settings or get_settings()
    missing = missing_build_inputs(settings)
    if missing:
        return f"nothing to build until these have landed: {'; '.join(missing)}"
    current = build_still_current(settings) if scheduled_by_asset else None
    if current is not None:
        return f"nothing has landed since the build that finished at {current['finished_at']}"
    return None


def build_warehouse(settings: Settings | None = None) -> str:
    """Seed, run and test every model (dbt build), stopping at the first failure; a success is recorded
    with the landings it was built from."""
    from zicht.extracts.raw_load import ensure_raw_tables
    from zicht.shapes import ensure_raw_table as ensure_shapes_table

    settings = settings or get_settings()
    fingerprint = landed_fingerprint(settings)
    ensure_raw_tables(settings.warehouse_path)
    ensure_shapes_table(settings.warehouse_path)
    output = run_dbt("build", "--fail-fast", settings=settings)
    record = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "landed_fingerprint": fingerprint,
    }
    settings.warehouse_path.with_name(LAST_BUILD_NAME).write_text(json.dumps(record), encoding="utf-8")
    return output
