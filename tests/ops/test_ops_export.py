"""The operations file: what went wrong in the pipeline is in it, also when nothing was published."""

import stat
from datetime import timedelta

import duckdb
import pytest

from tests.ops.conftest import land_cbs, quarantine, write_gate_run, write_release
from tests.ops.test_task_log import task_context
from zicht.ops.disclosure_stats import DisclosureStat, record_disclosure_stats
from zicht.ops.export import export_ops
from zicht.ops.task_log import on_task_failure, on_task_success


def rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture
def blocked(settings, now):
    """A release from yesterday's passing gate, then today's gate run failing one expectation."""
    for table_id in ("85984NED", "85755NED"):
        land_cbs(settings, table_id, now - timedelta(days=1))
    write_gate_run(settings, "gate-ok", now - timedelta(days=1, hours=1))
    release_id = write_release(settings, now - timedelta(days=1), "gate-ok")
    write_gate_run(settings, "gate-bad", now - timedelta(minutes=5), failing=("region codes are unique",))
    return release_id


def test_a_blocked_publication_and_its_failing_expectation_are_exported(settings, now, blocked):
    exported = export_ops(settings, now=now)

    assert exported.path == settings.ops_path
    status = rows(
        exported.path,
        "SELECT release_id, publication_age_hours, last_gate_run_id, last_gate_passed, failing_expectations,"
        " publication_blocked, status FROM publication_status",
    )
    assert status == [(blocked, 24.0, "gate-bad", False, 1, True, "aandacht nodig")]
    failing = rows(
        exported.path,
        "SELECT run_id, description FROM quality_results WHERE NOT success",
    )
    assert failing == [("gate-bad", "region codes are unique")]
    assert rows(exported.path, "SELECT run_id, passed FROM gate_runs ORDER BY run_time") == [
        ("gate-ok", True),
        ("gate-bad", False),
    ]
    assert ("publication_blocked",) in rows(
        exported.path, "SELECT check_name FROM findings WHERE severity = 'attention'"
    )


def test_a_failed_task_shows_up_in_task_and_dag_runs(settings, now):
    started = now - timedelta(minutes=10)
    on_task_failure(task_context("quality_gate", started, 20.0, exception=RuntimeError("suite failed")))
    on_task_success(task_context("export_ops", started + timedelta(seconds=25), 2.0))

    exported = export_ops(settings, now=now)

    assert rows(
        exported.path, "SELECT task_id, state, duration_seconds, error FROM task_runs ORDER BY 1"
    ) == [
        ("export_ops", "success", 2.0, None),
        ("quality_gate", "failed", 20.0, "RuntimeError: suite failed"),
    ]
    assert rows(
        exported.path,
        "SELECT dag_id, state, tasks, failed_tasks, failed_task_ids, duration_seconds FROM dag_runs",
    ) == [("zicht_publish", "failed", 2, 1, "quality_gate", 27.0)]


def test_a_retried_task_that_then_succeeds_leaves_a_successful_run(settings, now):
    started = now - timedelta(minutes=10)
    on_task_failure(task_context("dbt_build", started, 5.0, try_number=1))
    on_task_success(task_context("dbt_build", started + timedelta(seconds=40), 5.0, try_number=2))

    exported = export_ops(settings, now=now)

    assert rows(exported.path, "SELECT state, tasks, task_tries FROM dag_runs") == [("success", 1, 2)]


def test_a_stale_source_and_a_quarantined_file_are_exported(settings, now):
    land_cbs(settings, "85984NED", now - timedelta(days=1))
    land_cbs(settings, "85755NED", now - timedelta(days=60))
    quarantine(settings, "kvk", "kvk_2026.csv", {"reason": "row 2: kvk_nummer must have 8 digits"})

    exported = export_ops(settings, now=now)

    freshness = dict(rows(exported.path, "SELECT source, check_name FROM source_freshness"))
    assert freshness["cbs/85984NED"] == "source_fresh"
    assert freshness["cbs/85755NED"] == "source_stale"
    # every other catalog table has not landed in this data folder
    assert {
        check for source, check in freshness.items() if source not in {"cbs/85984NED", "cbs/85755NED"}
    } == {"source_never_landed"}
    (age,) = rows(exported.path, "SELECT age_days FROM source_freshness WHERE source = 'cbs/85755NED'")[0]
    assert age == pytest.approx(60.0)
    assert rows(exported.path, "SELECT source, file, reason FROM quarantined_files") == [
        ("kvk", "kvk/kvk_2026.csv", "kvk/kvk_2026.csv: row 2: kvk_nummer must have 8 digits")
    ]


def test_disclosure_statistics_table_exists_empty_and_carries_rows_once_recorded(settings, now):
    exported = export_ops(settings, now=now)
    assert rows(exported.path, "SELECT count(*) FROM disclosure_stats") == [(0,)]

    record_disclosure_stats(
        [
            {
                "run_id": "sdc-1",
                "recorded_at": now,
                "indicator": "drugs_misdrijven",
                "region_level": "buurt",
                "period_year": 2024,
                "cells_total": 400,
                "cells_primary_suppressed": 30,
                "cells_secondary_suppressed": 12,
            }
        ],
        settings,
    )
    exported = export_ops(settings, now=now)

    assert rows(
        exported.path, "SELECT indicator, region_level, cells_primary_suppressed FROM disclosure_stats"
    ) == [("drugs_misdrijven", "buurt", 30)]


def test_a_bad_disclosure_row_names_its_row_and_rule(settings, now):
    good = DisclosureStat("sdc-1", now, "drugs", "wijk", 2024, 10, 1, 0)
    with pytest.raises(ValueError, match=r"row 2: .*12 suppressed cells exceed the 10 cells"):
        record_disclosure_stats(
            [good, {**good.__dict__, "cells_primary_suppressed": 8, "cells_secondary_suppressed": 4}],
            settings,
        )
    assert not settings.warehouse_path.exists() or rows(
        settings.warehouse_path, "SELECT count(*) FROM ops.disclosure_stats"
    ) == [(0,)]


def test_the_export_replaces_the_live_file_read_only_and_leaves_nothing_aside(settings, now):
    export_ops(settings, now=now)
    on_task_success(task_context("publish"))

    exported = export_ops(settings, now=now)

    assert rows(exported.path, "SELECT count(*) FROM task_runs") == [(1,)]
    assert not exported.path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert sorted(p.name for p in settings.published_dir.iterdir()) == ["ops.duckdb"]


def test_cli_ops_export(settings, capsys):
    from zicht.cli import main

    assert main(["ops-export"]) == 0
    assert str(settings.ops_path) in capsys.readouterr().out
    assert settings.ops_path.exists()
