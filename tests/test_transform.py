"""When a scheduled build has something to build: the CBS tables and the herindeling table landed,
and something landed since the last successful build."""

from __future__ import annotations

import json

import duckdb

from zicht.cbs.catalog import load_catalog
from zicht.extracts.schemas import HERINDELING
from zicht.landing import append_manifest
from zicht.settings import Settings
from zicht.transform import (
    LAST_BUILD_NAME,
    build_skip_reason,
    build_still_current,
    landed_fingerprint,
    missing_build_inputs,
)


def make_settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", scale="demo", seed=1, cbs_host="unused", cbs_https=False)


def land_raw(settings: Settings, views: list[str], conversions: int) -> None:
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        for view in views:
            con.execute(f"CREATE OR REPLACE VIEW raw.{view} AS SELECT 1 AS x")
        con.execute(f"CREATE OR REPLACE TABLE raw.{HERINDELING.raw_table} (code VARCHAR)")
        con.execute(f"INSERT INTO raw.{HERINDELING.raw_table} SELECT 'GM0001' FROM range({conversions})")


def test_a_fresh_installation_waits_for_every_cbs_family_and_the_herindeling_table(tmp_path):
    settings = make_settings(tmp_path)
    views = sorted({table.view for table in load_catalog()})
    missing = missing_build_inputs(settings)
    assert len(missing) == len(views) + 1
    assert missing[-1].startswith("the herindeling table")


def test_the_build_waits_for_a_cbs_family_not_landed(tmp_path):
    settings = make_settings(tmp_path)
    views = sorted({table.view for table in load_catalog()})
    land_raw(settings, views[1:], conversions=3)
    assert missing_build_inputs(settings) == [f"CBS raw.{views[0]} (the CBS ingest)"]


def test_an_empty_herindeling_table_is_not_a_conversion(tmp_path):
    settings = make_settings(tmp_path)
    land_raw(settings, sorted({table.view for table in load_catalog()}), conversions=0)
    assert missing_build_inputs(settings) == ["the herindeling table (data/inbox/herindeling/)"]
    land_raw(settings, sorted({table.view for table in load_catalog()}), conversions=2)
    assert missing_build_inputs(settings) == []


def test_only_a_loaded_landing_after_the_last_build_asks_for_a_new_build(tmp_path):
    settings = make_settings(tmp_path)
    settings.landing_dir.mkdir(parents=True)
    append_manifest(settings.landing_dir, {"source": "cbs", "table_id": "85984NED", "outcome": "success"})
    assert build_still_current(settings) is None, "never built"
    record = {"finished_at": "2026-11-29T10:00:00+00:00", "landed_fingerprint": landed_fingerprint(settings)}
    settings.warehouse_path.parent.mkdir(parents=True)
    settings.warehouse_path.with_name(LAST_BUILD_NAME).write_text(json.dumps(record))
    assert build_still_current(settings) == record
    # a file seen before, or one rejected, changes nothing in the raw schema
    append_manifest(settings.landing_dir, {"source": "kvk", "file": "a.csv", "outcome": "duplicate"})
    append_manifest(settings.landing_dir, {"source": "om", "file": "b.csv", "outcome": "rejected"})
    assert build_still_current(settings) == record
    append_manifest(settings.landing_dir, {"source": "kvk", "file": "c.csv", "outcome": "loaded"})
    assert build_still_current(settings) is None


def test_a_build_an_asset_scheduled_skips_when_nothing_landed_and_a_manual_one_builds(tmp_path):
    settings = make_settings(tmp_path)
    assert build_skip_reason(True, settings).startswith("nothing to build until these have landed: CBS raw.")
    land_raw(settings, sorted({table.view for table in load_catalog()}), conversions=1)
    assert build_skip_reason(True, settings) is None, "never built"
    record = {"finished_at": "2026-11-29T10:00:00+00:00", "landed_fingerprint": landed_fingerprint(settings)}
    settings.warehouse_path.with_name(LAST_BUILD_NAME).write_text(json.dumps(record))
    assert build_skip_reason(True, settings) == (
        "nothing has landed since the build that finished at 2026-11-29T10:00:00+00:00"
    )
    assert build_skip_reason(False, settings) is None
