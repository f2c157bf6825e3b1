"""Run a snippet in Superset's own environment (duckdb_engine, SQLAlchemy 1.4, Flask) with the modules of
superset_assets/ importable, and read back the JSON it prints last."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from zicht.superset.environment import ASSETS_DIR, CONFIG_PATH, superset_environment


def run_in_superset(
    script: str, payload: Any, env: dict[str, str] | None = None, timeout: float = 300
) -> Any:
    """Run `script` (which reads json from stdin and prints json as its last line) in Superset's Python."""
    superset = superset_environment()
    if not superset.python_bin.exists():
        pytest.fail(
            f"Superset environment missing at {superset.venv_dir}; install it first (see superset_env/)"
        )
    prelude = f"import sys; sys.path.insert(0, {str(ASSETS_DIR)!r})\n"
    result = subprocess.run(
        [str(superset.python_bin), "-c", prelude + script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**(env or {}), "SUPERSET_CONFIG_PATH": str(CONFIG_PATH)} if env is not None else None,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
