"""In Airflow for real: a gate that blocks publication fails its task, and the operations file that
`export_ops` writes afterwards (trigger rule all_done) shows the failed task and the blocked publication."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.quality.conftest import broken_rows, valid_rows, write_warehouse

pytestmark = pytest.mark.slow


def dags_test(dag_id: str) -> subprocess.CompletedProcess:
    zicht = Path(sys.executable).parent / "zicht"
    return subprocess.run([str(zicht), "airflow", "dags", "test", dag_id], capture_output=True, text=True)


def test_blocked_publication_and_failed_gate_reach_the_ops_file(settings):
    from zicht.airflow_runtime import migrate
    from zicht.publish import list_releases

    migrate(settings)
    settings.warehouse_path.parent.mkdir(parents=True)
    write_warehouse(settings.warehouse_path, valid_rows())
    passed = dags_test("zicht_publish")
    assert passed.returncode == 0, passed.stdout[-4000:] + passed.stderr[-4000:]
    (release,) = list_releases(settings)

    settings.warehouse_path.unlink()
    write_warehouse(settings.warehouse_path, broken_rows())
    blocked = dags_test("zicht_publish")

    assert blocked.returncode != 0, "a failing suite must fail the run"
    with duckdb.connect(str(settings.ops_path), read_only=True) as ops:
        status = ops.execute(
            "SELECT release_id, last_gate_passed, failing_expectations > 0, publication_blocked "
            "FROM publication_status"
        ).fetchall()
        assert status == [(release.release_id, False, True, True)]
        runs = ops.execute("SELECT state, failed_task_ids FROM dag_runs ORDER BY started_at").fetchall()
        assert runs == [("success", None), ("failed", "quality_gate")]
        gate_error = ops.execute(
            "SELECT error FROM task_runs WHERE task_id = 'quality_gate' AND state = 'failed'"
        ).fetchone()[0]
        assert "GateFailed" in gate_error and "publication blocked" in gate_error
        tasks = ops.execute(
            "SELECT task_id, state FROM task_runs "
            "WHERE run_id = (SELECT run_id FROM dag_runs WHERE state = 'success') ORDER BY task_id"
        ).fetchall()
        # The first run's export recorded itself after it wrote its own file: the second export has it.
        assert tasks == [("export_ops", "success"), ("publish", "success"), ("quality_gate", "success")]
        assert ops.execute("SELECT min(duration_seconds) > 0 FROM task_runs").fetchone()[0]
