"""The whole pipeline through Airflow: synthetic CBS -> landing -> raw -> dbt -> gate -> published file.

Each DAG runs for real with `airflow dags test` (SQLite metadata in a throwaway folder), in the order
the Assets chain them; the published file is then read the way Superset reads it.
"""

import json

import duckdb
import pytest

from zicht.disclosure.published_attack import attack_published
from zicht.extracts.sbi import vulnerable_branches
from zicht.gate import published_datasets
from zicht.indicators import load_catalog
from zicht.ops.disclosure_stats import guarded_indicators

pytestmark = pytest.mark.slow


def test_published_file_holds_only_the_published_marts(pipeline_run):
    data_dir, _ = pipeline_run
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    tables = published.execute(
        "select table_schema, table_name from information_schema.tables order by all"
    ).fetchall()
    assert tables == [("main", name) for name in published_datasets()]


def test_every_published_gemeente_wijk_and_buurt_has_an_outline(pipeline_run):
    data_dir, _ = pipeline_run
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    missing = published.execute(
        """select period_year, region_level, region_code from region_population
           where region_level in ('gemeente', 'wijk', 'buurt')
           except select period_year, region_level, region_code from region_shapes"""
    ).fetchall()
    assert missing == []
    assert published.execute("select count(*) from region_shapes").fetchone()[0] > 0


def test_published_inhabitants_match_the_synthetic_source(pipeline_run):
    data_dir, synthetic_dir = pipeline_run
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    national = dict(
        published.execute(
            "select period_year, inhabitants from region_population where region_level = 'nederland'"
        ).fetchall()
    )
    source = duckdb.connect()
    generated = {
        int(path.stem.rsplit("_", 1)[1]): source.execute(
            f"select AantalInwoners from '{path}' where soort = 'Land'"
        ).fetchone()[0]
        for path in synthetic_dir.glob("kerncijfers_*.parquet")
    }
    assert national == generated
    gemeente_sum = dict(
        published.execute(
            "select period_year, sum(inhabitants) from region_population "
            "where region_level = 'gemeente' group by 1"
        ).fetchall()
    )
    assert gemeente_sum == national
    levels = {
        row[0] for row in published.execute("select distinct region_level from region_population").fetchall()
    }
    assert levels == {"nederland", "provincie", "riec", "gemeente", "wijk", "buurt"}


def test_quality_results_and_release_are_recorded(pipeline_run):
    data_dir, _ = pipeline_run
    warehouse = duckdb.connect(str(data_dir / "warehouse" / "zicht.duckdb"), read_only=True)
    failed, total = warehouse.execute(
        "select count(*) filter (where not success), count(*) from ops.quality_results"
    ).fetchone()
    assert total > 0 and failed == 0
    releases = list((data_dir / "published" / "releases").glob("*/release.json"))
    assert len(releases) == 1
    manifest = json.loads(releases[0].read_text())
    protected_tables = warehouse.execute(
        "select count(distinct (measure, category, period_year)) from intermediate.int_disclosure_cells"
    ).fetchone()[0]
    audit = manifest["disclosure_audit"]
    assert protected_tables > 0, "the OM and KvK extracts were in the inbox: their counts are protected"
    assert (audit["verdict"], audit["tables"]) == ("passed", protected_tables)
    assert manifest["quality"]["verdict"] == "passed"
    assert sorted(manifest["quality"]["datasets"]) == published_datasets()
    for name in manifest["files"]:
        assert (releases[0].parent / name).is_file(), f"{name} listed in release.json but not kept"
    live = json.loads((data_dir / "published" / "live.json").read_text())
    assert live["to_release"] == manifest["release_id"]


def test_ops_file_holds_every_task_of_the_chain_and_the_row_counts(pipeline_run):
    data_dir, _ = pipeline_run
    ops = duckdb.connect(str(data_dir / "published" / "ops.duckdb"), read_only=True)
    tasks = dict(ops.execute("SELECT dag_id || '.' || task_id, state FROM task_runs").fetchall())
    # export_ops records itself after writing the file, so the file holds every task before it.
    for task in (
        "zicht_cbs_ingest.ingest_cbs_tables",
        "zicht_extract_ingest.land_inbox_files",
        "zicht_warehouse_build.dbt_build",
        "zicht_publish.quality_gate",
        "zicht_publish.publish",
    ):
        assert tasks.get(task) == "success", f"{task} not recorded as a success: {tasks}"
    assert ops.execute("SELECT count(*) FROM dag_runs WHERE state <> 'success'").fetchone()[0] == 0
    counted = {row[0] for row in ops.execute("SELECT relation FROM model_row_counts").fetchall()}
    assert "marts.region_population" in counted
    status = ops.execute(
        "SELECT last_gate_passed, publication_blocked, release_id FROM publication_status"
    ).fetchone()
    release = json.loads(next((data_dir / "published" / "releases").glob("*/release.json")).read_text())
    assert status == (True, False, release["release_id"])


def test_ops_file_holds_the_suppressions_of_the_published_indicators(pipeline_run):
    data_dir, _ = pipeline_run
    ops = duckdb.connect(str(data_dir / "published" / "ops.duckdb"), read_only=True)
    recorded = ops.execute(
        """
        SELECT indicator, region_level, period_year, cells_total,
               cells_primary_suppressed, cells_secondary_suppressed
        FROM disclosure_stats
        WHERE run_id = (SELECT arg_max(run_id, recorded_at) FROM disclosure_stats)
        ORDER BY ALL
        """
    ).fetchall()
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    guarded = guarded_indicators()
    expected = published.execute(
        """
        SELECT indicator_code, region_level, period_year, count(*),
               count(*) FILTER (WHERE suppression_reason LIKE 'primary%'),
               count(*) FILTER (WHERE suppression_reason = 'secondary')
        FROM indicator_values WHERE indicator_code IN ? GROUP BY ALL ORDER BY ALL
        """,
        [guarded],
    ).fetchall()
    assert recorded == expected
    # The demo's records are small enough that disclosure control must act somewhere.
    assert sum(row[4] for row in recorded) > 0 and sum(row[5] for row in recorded) > 0


def test_the_published_file_gives_no_withheld_count_away(pipeline_run):
    """The attack of zicht.disclosure.published_attack on what Superset reads: counts withheld in one
    row and published in another, recomputed from their row's rate, or by differencing along the
    region hierarchy and the category sums (branches within kwetsbare branches, hard and soft drugs)."""
    data_dir, _ = pipeline_run
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    withheld = published.execute(
        "SELECT count(*) FROM indicator_values WHERE suppression_reason IN ('primary_frequency', 'secondary')"
    ).fetchone()[0]
    assert withheld > 0  # the attack has something to try
    assert attack_published(published, load_catalog(), list(vulnerable_branches())) == []


def test_the_planted_dominance_and_small_count_cases_are_withheld(pipeline_run):
    """The cases planted in the KvK register (zicht.synth.disclosure_cases): one establishment that is
    most of its branch's working persons in a gemeente, and the only establishment of a branch in
    another. In every year, the published row is withheld for the rule each breaks, shows no value
    and no count; and the branch's row of another gemeente shows that such rows are published."""
    data_dir, synthetic_dir = pipeline_run
    truth = json.loads(
        (synthetic_dir / "extracts" / "extracts_ground_truth.json").read_text(encoding="utf-8")
    )
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    years = [
        year for (year,) in published.execute("SELECT DISTINCT period_year FROM indicator_values").fetchall()
    ]
    for case in truth["disclosure_cases"]:
        rows = published.execute(
            """
            SELECT period_year, is_published, suppression_reason, value, numerator
            FROM indicator_values
            WHERE indicator_code = ? AND breakdown_code = ? AND region_level = 'gemeente' AND region_code = ?
            ORDER BY period_year
            """,
            [case["indicator"], case["breakdown_code"], case["gemeente_code"]],
        ).fetchall()
        assert [row[0] for row in rows] == sorted(years), case["case"]
        assert {row[1:] for row in rows} == {(False, case["expected_reason"], None, None)}, case["case"]
        shown = published.execute(
            """
            SELECT count(*) FROM indicator_values
            WHERE indicator_code = ? AND breakdown_code = ? AND region_level = 'gemeente' AND is_published
            """,
            [case["indicator"], case["breakdown_code"]],
        ).fetchone()[0]
        assert shown > 0, case["case"]
