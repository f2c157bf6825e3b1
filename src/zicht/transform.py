"""Run dbt on the warehouse, in a subprocess so that the DuckDB file is closed when it returns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zicht.settings import PROJECT_ROOT, Settings, get_settings

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"


def dbt_manifest_path() -> Path:
    """The manifest of the last dbt invocation (`target-path` of dbt_project.yml, or DBT_TARGET_PATH)."""
    target = os.environ.get("DBT_TARGET_PATH")
    return (Path(target) if target else DBT_PROJECT_DIR / "target") / "manifest.json"


class DbtFailed(RuntimeError):
    pass


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


def build_warehouse(settings: Settings | None = None) -> str:
    """Seed, run and test every model (dbt build), stopping at the first failure."""
    from zicht.extracts.raw_load import ensure_raw_tables
    from zicht.shapes import ensure_raw_table as ensure_shapes_table

    settings = settings or get_settings()
    ensure_raw_tables(settings.warehouse_path)
    ensure_shapes_table(settings.warehouse_path)
    return run_dbt("build", "--fail-fast", settings=settings)
