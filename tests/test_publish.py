"""Publication: only the named marts reach the published file, swapped in whole, kept as releases."""

import json

import duckdb
import pytest

from zicht.publish import list_releases, publish
from zicht.settings import get_settings


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path))
    settings = get_settings()
    settings.warehouse_path.parent.mkdir(parents=True)
    warehouse = duckdb.connect(str(settings.warehouse_path))
    warehouse.execute("create schema raw; create schema marts; create schema staging")
    warehouse.execute("create table raw.cbs__secret as select 'GM0001' as code, 'private' as note")
    warehouse.execute("create table staging.stg_secret as select 1 as x")
    warehouse.execute(
        "create table marts.region_population as select 2025 as period_year, 100 as inhabitants"
    )
    warehouse.execute("create table marts.unpublished as select 1 as x")
    warehouse.close()
    return settings


def _tables(path):
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
    finally:
        connection.close()


def test_only_the_named_marts_are_published(settings):
    release = publish(["region_population"], gate_run_id="gate-1", settings=settings)
    assert _tables(settings.published_path) == [("main", "region_population")]
    assert release.tables == {"region_population": 1}
    assert not settings.published_path.stat().st_mode & 0o222, "the published file is read-only"


def test_each_publication_is_kept_and_listed(settings):
    first = publish(["region_population"], gate_run_id="gate-1", settings=settings)
    warehouse = duckdb.connect(str(settings.warehouse_path))
    warehouse.execute("insert into marts.region_population values (2026, 200)")
    warehouse.close()
    second = publish(["region_population"], gate_run_id="gate-2", settings=settings)

    assert [r.release_id for r in list_releases(settings)] == [first.release_id, second.release_id]
    live = duckdb.connect(str(settings.published_path), read_only=True)
    assert live.execute("select count(*) from region_population").fetchone()[0] == 2
    manifest = json.loads(
        (settings.published_dir / "releases" / second.release_id / "release.json").read_text()
    )
    assert manifest["gate_run_id"] == "gate-2"


def test_a_failed_publication_leaves_the_live_file_and_no_release(settings):
    first = publish(["region_population"], gate_run_id="gate-1", settings=settings)
    before = settings.published_path.read_bytes()
    with pytest.raises(duckdb.CatalogException):
        publish(["region_population", "missing_mart"], gate_run_id="gate-2", settings=settings)
    assert settings.published_path.read_bytes() == before
    assert [r.release_id for r in list_releases(settings)] == [first.release_id]
    assert [p.name for p in (settings.published_dir / "releases").iterdir()] == [first.release_id]
