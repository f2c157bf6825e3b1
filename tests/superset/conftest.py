"""Fixtures shared by the Superset tests."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator

import pytest
from published_contract import published_contract_columns

from zicht import services
from zicht.superset import setup_superset, start_superset, stop_superset, superset_environment
from zicht.superset.environment import SupersetEnvironment
from zicht.superset.server import SERVICE


@pytest.fixture(scope="session")
def contract_columns() -> dict[str, str]:
    return published_contract_columns()


def _free_port() -> int:
    # A free port, so the test never meets a Superset someone runs on 8088.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# One Superset per test session, shared by every module that tests against it.
@pytest.fixture(scope="session")
def superset(tmp_path_factory, request) -> Iterator[SupersetEnvironment]:
    data_dir = tmp_path_factory.mktemp("zicht_data")
    published = data_dir / "published" / "zicht.duckdb"
    published.parent.mkdir(parents=True)
    # The file the pipeline published (or one named by ZICHT_SUPERSET_TEST_PUBLISHED, for quick runs).
    source = os.environ.get("ZICHT_SUPERSET_TEST_PUBLISHED")
    if not source:
        pipeline_data_dir, _ = request.getfixturevalue("pipeline_run")
        source = pipeline_data_dir / "published" / "zicht.duckdb"
    shutil.copyfile(source, published)

    overrides = {
        "ZICHT_DATA_DIR": str(data_dir),
        "SUPERSET_PORT": str(_free_port()),
        "SUPERSET_HOST": "127.0.0.1",
    }
    saved = {name: os.environ.get(name) for name in overrides}
    os.environ.update(overrides)
    env = superset_environment()
    try:
        timings = setup_superset(env)
        timings["start"] = start_superset(env, timeout=300)
        print(f"\nSuperset timings (s): {timings}")
        yield env
    finally:
        group = _read_group(env)
        stop_superset(env)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if group is not None:
            assert not _group_alive(group), f"Superset processes of group {group} survived stop_superset()"


def _read_group(env: SupersetEnvironment) -> int | None:
    return services.running_pid(SERVICE)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
