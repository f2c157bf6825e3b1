"""A Superset of its own for tests and benchmarks: a fresh data directory, copies of the files it
reads (and the files of each region scope cut from them, as a publication writes them), a free
port. It never touches the demo's Superset (8088) or its metadata, and stops with
everything it started.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from zicht import services
from zicht.publish import make_scoped_files_live
from zicht.superset.browser import free_port
from zicht.superset.environment import SupersetEnvironment, superset_environment
from zicht.superset.server import SERVICE, start_superset, stop_superset
from zicht.superset.setup import setup_superset

PRIVATE_LOGIN_RATE_LIMIT = "60 per minute"


class SupersetSurvived(RuntimeError):
    """A process of the private Superset outlived stop_superset()."""


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def private_superset(
    data_dir: Path, published: Path, ops: Path | None = None, start_timeout: float = 300
) -> Iterator[tuple[SupersetEnvironment, dict[str, float]]]:
    """Set up and start Superset in `data_dir` on a free port, reading a copy of `published` (and of
    `ops`; without one, an export of the empty data directory stands in).

    Yields the environment and the wall time of each set-up step. ZICHT_DATA_DIR, SUPERSET_HOST and
    SUPERSET_PORT point at this instance while it runs (the server helpers read them) and are
    restored afterwards.
    """
    published_dir = data_dir / "published"
    published_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(published, published_dir / "zicht.duckdb")
    overrides = {
        "ZICHT_DATA_DIR": str(data_dir),
        "SUPERSET_PORT": str(free_port()),
        "SUPERSET_HOST": "127.0.0.1",
        # Tests and benchmarks log many users in from one address (the benchmark one per region at
        # once); the login limit still holds, higher than an installation's default.
        "ZICHT_SUPERSET_LOGIN_RATE_LIMIT": PRIVATE_LOGIN_RATE_LIMIT,
    }
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    env = superset_environment()
    group = None
    try:
        make_scoped_files_live(env.settings.published_path, env.settings)
        if ops:
            shutil.copyfile(ops, env.settings.ops_path)
        else:
            from zicht.ops.export import export_ops

            export_ops(env.settings)
        timings = setup_superset(env)
        timings["start"] = start_superset(env, timeout=start_timeout)
        group = services.running_pid(SERVICE)
        yield env, timings
    finally:
        group = group or services.running_pid(SERVICE)
        stop_superset(env)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if group is not None and _group_alive(group):
            raise SupersetSurvived(f"Superset processes of group {group} survived stop_superset()")
