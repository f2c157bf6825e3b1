"""Late and missing runs: a DAG on a clock that stopped running, and a run that missed its deadline."""

import asyncio
import json
from datetime import timedelta

from tests.ops.conftest import finding
from zicht.cli import main
from zicht.ops.alerts import read_alerts
from zicht.ops.config import OpsSettings, task_runs_path
from zicht.ops.deadlines import on_run_deadline_missed
from zicht.ops.health import collect_health
from zicht.ops.report import Severity


def record_task(settings, dag_id: str, state: str, ended_at) -> None:
    path = task_runs_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"dag_id": dag_id, "task_id": "t", "run_id": "r", "state": state, "ended_at": ended_at.isoformat()}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def test_a_dag_on_a_clock_without_a_recent_run_needs_attention(healthy, now, capsys):
    ops = OpsSettings(expected_run_hours={"zicht_cbs_ingest": 32 * 24.0, "zicht_extract_ingest": 1.0})
    report = collect_health(healthy, now=now, ops=ops)
    # Nothing recorded yet: reported, not alarming (a fresh installation).
    assert finding(report, "run_expected", "zicht_cbs_ingest").severity is Severity.OK

    record_task(healthy, "zicht_cbs_ingest", "success", now - timedelta(days=40))
    record_task(healthy, "zicht_cbs_ingest", "failed", now - timedelta(days=1))  # a failure is no run
    record_task(healthy, "zicht_extract_ingest", "skipped", now - timedelta(minutes=20))
    report = collect_health(healthy, now=now, ops=ops)

    overdue = finding(report, "run_overdue", "zicht_cbs_ingest")
    assert overdue.severity is Severity.ATTENTION
    assert "40 d ago" in overdue.message and "expected every 32 d" in overdue.message
    assert finding(report, "run_on_time", "zicht_extract_ingest").severity is Severity.OK

    assert main(["status"]) == 1
    assert "ATTN  zicht_cbs_ingest: last run finished 40 d ago" in capsys.readouterr().out


def test_a_missed_deadline_is_alerted_and_stays_in_view_until_a_run_finishes(healthy, now):
    context = {
        "dag_run": {
            "dag_run_id": "scheduled__2026-11-01",
            "queued_at": "2026-11-01T00:00:00Z",
            "state": "running",
        },
        "deadline": {"id": "d-1", "deadline_time": "2026-11-01T00:30:00Z"},
    }
    line = asyncio.run(on_run_deadline_missed("zicht_warehouse_build", 30.0, context=context))

    (alert,) = read_alerts(healthy)
    assert alert == line
    assert alert["kind"] == "run_deadline_missed" and alert["subject"] == "zicht_warehouse_build"
    assert "run scheduled__2026-11-01 of zicht_warehouse_build had not finished 30 min" in alert["message"]
    assert alert["delivery"] == {"status": "not_configured"}

    missed = finding(collect_health(healthy, now=now), "run_deadline_missed", "zicht_warehouse_build")
    assert missed.severity is Severity.ATTENTION and missed.details["run_id"] == "scheduled__2026-11-01"

    record_task(healthy, "zicht_warehouse_build", "success", now + timedelta(minutes=1))
    later = collect_health(healthy, now=now + timedelta(minutes=2))
    assert not [f for f in later.findings if f.check == "run_deadline_missed"]
