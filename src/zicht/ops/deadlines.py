"""A run that has not finished by its deadline is an alert, raised by Airflow's own deadline alerts.

Every DAG carries a `DeadlineAlert` (zicht.orchestration.run_deadline): counted from the moment the
run was queued, after `ZICHT_RUN_DEADLINE_MINUTES_<DAG_ID>` the scheduler hands this callback to the
triggerer, which records the alert (and sends it when a webhook is set) like every other alert.
`zicht status` keeps showing it until a run of that DAG finishes (zicht.ops.run_check).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from zicht.ops.alerts import Alert, record_alert

RUN_DEADLINE_MISSED = "run_deadline_missed"


def deadline_alert(context: Mapping[str, Any] | None, dag_id: str, deadline_minutes: float) -> Alert:
    """The alert for a missed run deadline, from the context the scheduler passes on."""
    context = context or {}
    dag_run = context.get("dag_run") or {}
    deadline = context.get("deadline") or {}
    run_id = dag_run.get("dag_run_id") or dag_run.get("run_id")
    return Alert(
        kind=RUN_DEADLINE_MISSED,
        subject=dag_id,
        message=(
            f"run {run_id} of {dag_id} had not finished {deadline_minutes:g} min after it was queued "
            f"(queued {dag_run.get('queued_at')}, state {dag_run.get('state')})"
        ),
        dedupe_key=f"{RUN_DEADLINE_MISSED}:{dag_id}:{run_id}",
        details={
            "dag_id": dag_id,
            "run_id": run_id,
            "queued_at": dag_run.get("queued_at"),
            "deadline_time": str(deadline.get("deadline_time")),
            "deadline_minutes": deadline_minutes,
        },
    )


async def on_run_deadline_missed(
    dag_id: str, deadline_minutes: float, context: Mapping[str, Any] | None = None, **_: Any
) -> dict[str, Any]:
    """Airflow deadline callback (runs in the triggerer): record and send the alert."""
    # record_alert writes a file and may POST a webhook: off the triggerer's event loop.
    return await asyncio.to_thread(record_alert, deadline_alert(context, dag_id, deadline_minutes))
