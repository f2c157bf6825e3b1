"""Row counts per dbt model after each build, with an unusual jump against the previous build flagged."""

import json
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from zicht.ops.config import OpsSettings
from zicht.ops.row_counts import judge_change, record_model_row_counts


@pytest.fixture
def manifest(tmp_path):
    """A dbt manifest naming two models, a seed and an ephemeral model (not a relation: not counted)."""
    nodes = {
        "model.zicht.region_population": ("model", "marts", "table"),
        "model.zicht.stg_cbs__regions": ("model", "staging", "view"),
        "seed.zicht.riec_regions": ("seed", "reference", "seed"),
        "model.zicht.int_ephemeral": ("model", "intermediate", "ephemeral"),
        "test.zicht.not_null_x": ("test", "dbt_test__audit", "test"),
    }
    path = tmp_path / "manifest.json"
    path.write_text(
        json.dumps(
            {
                "nodes": {
                    key: {
                        "resource_type": kind,
                        "name": key.split(".")[-1],
                        "alias": key.split(".")[-1],
                        "schema": schema,
                        "config": {"materialized": materialized},
                    }
                    for key, (kind, schema, materialized) in nodes.items()
                }
            }
        )
    )
    return path


def build(settings, region_rows: int, staging_rows: int = 10) -> None:
    """What a dbt build leaves: the relations, recreated with the given row counts."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        for schema in ("marts", "staging", "reference"):
            connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        connection.execute(
            f"CREATE OR REPLACE TABLE marts.region_population AS SELECT * FROM range({region_rows})"
        )
        connection.execute(f"CREATE OR REPLACE TABLE staging.base AS SELECT * FROM range({staging_rows})")
        connection.execute("CREATE OR REPLACE VIEW staging.stg_cbs__regions AS SELECT * FROM staging.base")
        connection.execute("CREATE OR REPLACE TABLE reference.riec_regions AS SELECT * FROM range(10)")


def test_first_build_counts_every_relation_without_judging(settings, manifest):
    build(settings, 100)

    counts = record_model_row_counts(settings, OpsSettings(), manifest)

    assert {(c.relation, c.row_count) for c in counts} == {
        ("marts.region_population", 100),
        ("staging.stg_cbs__regions", 10),
        ("reference.riec_regions", 10),
    }
    assert not any(c.jump for c in counts)
    assert all(c.previous_row_count is None for c in counts)


def test_a_jump_beyond_the_threshold_is_flagged_against_the_previous_build(settings, manifest):
    now = datetime.now(UTC)
    build(settings, 100)
    record_model_row_counts(settings, OpsSettings(), manifest, now=now - timedelta(days=30))
    build(settings, 40, staging_rows=11)

    counts = {c.model: c for c in record_model_row_counts(settings, OpsSettings(), manifest, now=now)}

    assert counts["region_population"].previous_row_count == 100
    assert counts["region_population"].change_ratio == pytest.approx(-0.6)
    assert counts["region_population"].jump
    assert counts["stg_cbs__regions"].change_ratio == pytest.approx(0.1)
    assert not counts["stg_cbs__regions"].jump
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        flagged = connection.execute("SELECT model FROM ops.model_row_counts WHERE jump").fetchall()
    assert flagged == [("region_population",)]


def test_the_threshold_is_a_setting(settings, manifest, monkeypatch):
    monkeypatch.setenv("ZICHT_ROW_COUNT_JUMP", "0.05")
    from zicht.ops.config import get_ops_settings

    build(settings, 100)
    record_model_row_counts(settings, get_ops_settings(), manifest)
    build(settings, 100, staging_rows=11)

    counts = {c.model: c for c in record_model_row_counts(settings, get_ops_settings(), manifest)}

    assert counts["stg_cbs__regions"].jump and not counts["region_population"].jump


@pytest.mark.parametrize(
    ("rows", "previous", "expected"),
    [(0, 100, (-1.0, True)), (5, 0, (None, True)), (0, 0, (None, False)), (149, 100, (0.49, False))],
)
def test_judge_change_edges(rows, previous, expected):
    ratio, jump = judge_change(rows, previous, 0.5)
    assert (ratio if ratio is None else round(ratio, 2), jump) == expected


def test_a_missing_manifest_is_a_clear_error(settings, tmp_path):
    with pytest.raises(RuntimeError, match="manifest .*missing.json unreadable"):
        record_model_row_counts(settings, OpsSettings(), tmp_path / "missing.json")
