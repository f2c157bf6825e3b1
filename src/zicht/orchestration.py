"""What the Airflow DAGs share: the Assets that link them and their default task arguments."""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Asset
from airflow.sdk.definitions.callback import AsyncCallback
from airflow.sdk.definitions.deadline import DeadlineAlert, DeadlineReference

from zicht.ops.alerts import on_failure_callback
from zicht.ops.config import get_ops_settings
from zicht.ops.task_log import on_task_failure, on_task_retry, on_task_skipped, on_task_success

# Each Asset is a dataset a DAG produces; the next DAG is scheduled on it.
RAW_CBS = Asset(name="zicht_raw_cbs", uri="file:///zicht/warehouse/raw/cbs")
RAW_EXTRACTS = Asset(name="zicht_raw_extracts", uri="file:///zicht/warehouse/raw/extracts")
MARTS = Asset(name="zicht_marts", uri="file:///zicht/warehouse/marts")
PUBLISHED = Asset(name="zicht_published", uri="file:///zicht/published")

# DuckDB allows one writing process per file: every task that touches the warehouse takes this
# one-slot pool, so DAGs started by different Assets never collide on the lock.
WAREHOUSE_POOL = "zicht_warehouse"

DEFAULT_ARGS = {
    "owner": "zicht",
    "pool": WAREHOUSE_POOL,
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    # A failed task is recorded in data/ops/alerts.jsonl and sent when ZICHT_ALERT_WEBHOOK_URL is set.
    # Every outcome and its duration goes to data/ops/task_runs.jsonl for the operations dashboard.
    "on_failure_callback": [on_failure_callback, on_task_failure],
    "on_success_callback": on_task_success,
    "on_retry_callback": on_task_retry,
    "on_skipped_callback": on_task_skipped,
}


def run_deadline(dag_id: str) -> DeadlineAlert | None:
    """Alert when a run of this DAG has not finished its deadline after it was queued.

    The scheduler watches the deadline; the callback runs in the triggerer (zicht.ops.deadlines).
    None when `ZICHT_RUN_DEADLINES=off`.
    """
    ops = get_ops_settings()
    if not ops.run_deadlines:
        return None
    minutes = ops.run_deadline_minutes[dag_id]
    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(minutes=minutes),
        callback=AsyncCallback(
            "zicht.ops.deadlines.on_run_deadline_missed",
            kwargs={"dag_id": dag_id, "deadline_minutes": minutes},
        ),
        name=f"{dag_id} finished within {minutes:g} min",
    )
