"""Did the scheduled DAGs run, and did every run finish before its deadline?

Both from what Airflow's callbacks leave behind, so no access to Airflow's database is needed:
- `run_overdue`: a DAG on a clock (`ZICHT_EXPECTED_RUN_HOURS_<DAG_ID>`) whose last finished task
  (success or skipped) is older than that: the scheduler or the DAG has stopped;
- `run_deadline_missed`: a run alerted by its deadline (zicht.ops.deadlines) with no task of that
  DAG finished since: it is stuck or was never picked up.
A DAG with no recorded run at all is reported but needs no attention by itself: a fresh
installation has none, and a missing publication is the publication check's finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from zicht.ops.config import OpsSettings
from zicht.ops.deadlines import RUN_DEADLINE_MISSED
from zicht.ops.report import Area, Finding, age_text, attention, ok, parse_moment

AREA = Area.RUNS
FINISHED_STATES = ("success", "skipped")


def _latest(moments: Iterable[tuple[str, datetime]]) -> dict[str, datetime]:
    latest: dict[str, datetime] = {}
    for key, moment in moments:
        if key not in latest or moment > latest[key]:
            latest[key] = moment
    return latest


def last_finished(task_runs: Iterable[Mapping[str, Any]]) -> dict[str, datetime]:
    """Per DAG, when a task of it last finished."""
    return _latest(
        (record["dag_id"], parse_moment(record["ended_at"]))
        for record in task_runs
        if record.get("state") in FINISHED_STATES and record.get("ended_at")
    )


def _missed_deadlines(alerts: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    latest: dict[str, Mapping[str, Any]] = {}
    for alert in alerts:
        if alert.get("kind") != RUN_DEADLINE_MISSED or not alert.get("created_at"):
            continue
        dag_id = alert.get("subject")
        if dag_id not in latest or alert["created_at"] > latest[dag_id]["created_at"]:
            latest[dag_id] = alert
    return latest


def check_runs(
    task_runs: Iterable[Mapping[str, Any]],
    alerts: Iterable[Mapping[str, Any]],
    ops: OpsSettings,
    now: datetime,
) -> list[Finding]:
    finished = last_finished(task_runs)
    findings = []
    for dag_id, hours in sorted(ops.expected_run_hours.items()):
        expected = timedelta(hours=hours)
        last = finished.get(dag_id)
        if last is None:
            findings.append(
                ok(AREA, "run_expected", dag_id, f"{dag_id}: no finished run recorded yet", every_hours=hours)
            )
        elif now - last > expected:
            findings.append(
                attention(
                    AREA,
                    "run_overdue",
                    dag_id,
                    f"{dag_id}: last run finished {age_text(now - last)} ago; expected every "
                    f"{age_text(expected)}",
                    last_finished=last.isoformat(),
                    every_hours=hours,
                )
            )
        else:
            findings.append(
                ok(
                    AREA,
                    "run_on_time",
                    dag_id,
                    f"{dag_id}: last run finished {age_text(now - last)} ago",
                    last_finished=last.isoformat(),
                )
            )
    for dag_id, alert in sorted(_missed_deadlines(alerts).items()):
        missed_at = parse_moment(alert["created_at"])
        last = finished.get(dag_id)
        if last is None or last < missed_at:
            findings.append(
                attention(
                    AREA,
                    RUN_DEADLINE_MISSED,
                    dag_id,
                    f"{alert.get('message')}; no run of {dag_id} has finished since",
                    missed_at=missed_at.isoformat(),
                    run_id=(alert.get("details") or {}).get("run_id"),
                )
            )
    return findings
