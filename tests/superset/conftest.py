"""Fixtures shared by the Superset tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from published_contract import published_contract_columns

from zicht.superset.environment import SupersetEnvironment
from zicht.superset.private_instance import private_superset


@pytest.fixture(scope="session")
def contract_columns() -> dict[str, str]:
    return published_contract_columns()


@pytest.fixture(scope="session")
def superset(tmp_path_factory, request) -> Iterator[SupersetEnvironment]:
    """One Superset for the browser tests, on a free port, reading copies of the files the pipeline
    wrote in this session: the published marts and the operations file.

    For quick runs, ZICHT_SUPERSET_TEST_PUBLISHED names a published file (and ZICHT_SUPERSET_TEST_OPS
    an ops file; without one, an export of the empty test data dir stands in).
    """
    published = os.environ.get("ZICHT_SUPERSET_TEST_PUBLISHED")
    ops = os.environ.get("ZICHT_SUPERSET_TEST_OPS")
    if not published:
        pipeline_data_dir, _ = request.getfixturevalue("pipeline_run")
        published = pipeline_data_dir / "published" / "zicht.duckdb"
        ops = pipeline_data_dir / "published" / "ops.duckdb"
    with private_superset(tmp_path_factory.mktemp("zicht_data"), published, ops) as (env, timings):
        print(f"\nSuperset timings (s): {timings}")
        yield env
