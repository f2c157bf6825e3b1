"""superset_assets/duckdb_files.py: read-only DuckDB files stay open between queries, and a swapped-in
file is read once no query still reads the replaced one. Runs in the Superset environment (duckdb_engine,
SQLAlchemy 1.4), through engines made as Superset makes them (NullPool, DB_CONNECTION_MUTATOR).
"""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from zicht.superset.environment import ASSETS_DIR, superset_environment

SCRIPT = textwrap.dedent(
    """
    import os, sys
    import duckdb
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine.url import make_url
    from sqlalchemy.pool import NullPool

    sys.path.insert(0, sys.argv[1])
    import duckdb_files

    path = os.path.join(sys.argv[2], "zicht.duckdb")

    def write(value, target):
        with duckdb.connect(target) as con:
            con.execute(f"CREATE TABLE answer AS SELECT {value} AS value")

    def swap_in(value):
        write(value, path + ".incoming")
        os.replace(path + ".incoming", path)

    def query():
        url = make_url(f"duckdb:///{path}?access_mode=read_only")
        params = {"poolclass": NullPool, "creator": lambda: duckdb_files.connect(path)}
        with create_engine(url, **params).connect() as connection:
            return connection.execute(text("SELECT value FROM main.answer")).scalar()

    write(1, path)
    assert [query(), query()] == [1, 1]
    opened = duckdb_files._OPEN[path]
    assert opened.connections == 0, "every connection is closed after its query"

    running = duckdb_files.connect(path)  # a query still reading the file when the next one is swapped in
    swap_in(2)
    assert query() == 1, "while the old file is read, DuckDB gives the same path the old database"
    running.close()
    assert query() == 2, "the swapped-in file is read once the old one is no longer read"
    assert duckdb_files._OPEN[path] is not opened
    swap_in(3)
    assert query() == 3

    for other in ("duckdb:///x.duckdb", "duckdb:///:memory:?access_mode=read_only", "sqlite:///x.db"):
        assert duckdb_files.read_only_path(make_url(other)) is None, other
    assert duckdb_files.read_only_path(make_url(f"duckdb:///{path}?access_mode=read_only")) == path
    print("ok")
    """
)


def test_read_only_files_stay_open_and_follow_swaps(tmp_path):
    env = superset_environment()
    if not env.python_bin.exists():
        pytest.fail(f"Superset environment missing at {env.venv_dir}; install it first (see superset_env/)")
    result = subprocess.run(
        [str(env.python_bin), "-c", SCRIPT, str(ASSETS_DIR), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
