"""Fixtures shared by the Superset tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from published_contract import published_contract_columns
from superset_helpers import free_port

from zicht import services
from zicht.superset import setup_superset, start_superset, stop_superset, superset_environment
from zicht.superset.environment import SupersetEnvironment
from zicht.superset.server import SERVICE


@pytest.fixture(scope="session")
def contract_columns() -> dict[str, str]:
    return published_contract_columns()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def superset(tmp_path_factory, request) -> Iterator[SupersetEnvironment]:
    """One Superset for the browser tests, on a free port, reading copies of the files the pipeline
    wrote in this session: the published marts and the operations file.

    For quick runs, ZICHT_SUPERSET_TEST_PUBLISHED names a published file (and ZICHT_SUPERSET_TEST_OPS
    an ops file; without one, an export of the empty test data dir stands in).
    """
    data_dir = tmp_path_factory.mktemp("zicht_data")
    published_dir = data_dir / "published"
    published_dir.mkdir(parents=True)
    published = os.environ.get("ZICHT_SUPERSET_TEST_PUBLISHED")
    ops = os.environ.get("ZICHT_SUPERSET_TEST_OPS")
    if not published:
        pipeline_data_dir, _ = request.getfixturevalue("pipeline_run")
        published = pipeline_data_dir / "published" / "zicht.duckdb"
        ops = pipeline_data_dir / "published" / "ops.duckdb"
    shutil.copyfile(published, published_dir / "zicht.duckdb")

    overrides = {
        "ZICHT_DATA_DIR": str(data_dir),
        "SUPERSET_PORT": str(free_port()),
        "SUPERSET_HOST": "127.0.0.1",
    }
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    env = superset_environment()
    if ops:
        shutil.copyfile(ops, env.settings.ops_path)
    else:
        from zicht.ops.export import export_ops

        export_ops(env.settings)
    try:
        timings = setup_superset(env)
        timings["start"] = start_superset(env, timeout=300)
        print(f"\nSuperset timings (s): {timings}")
        yield env
    finally:
        group = services.running_pid(SERVICE)
        stop_superset(env)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if group is not None:
            assert not _group_alive(group), f"Superset processes of group {group} survived stop_superset()"
