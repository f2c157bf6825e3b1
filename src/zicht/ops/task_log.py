"""Task outcomes and durations, recorded by the task itself through Airflow's task callbacks.

Airflow 3 tasks may not read Airflow's metadata database, and a callback must not take the
warehouse (one writer at a time): each outcome is one JSON line appended to
`data/ops/task_runs.jsonl`, a single small write that concurrent task processes cannot interleave.
The operations export (`zicht.ops.export`) turns the lines into DAG-run and task history.
Nothing here raises: a broken record must never change the outcome of the task it reports on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from zicht.ops.alerts import value_of
from zicht.ops.config import task_runs_path
from zicht.settings import Settings, get_settings

log = logging.getLogger(__name__)
# Keeps a line well under the 8 KiB buffer, so it reaches the file in one append.
MAX_ERROR_CHARS = 2000


def _moment(value: Any) -> str | None:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else None


def task_run_record(context: Mapping[str, Any], state: str) -> dict[str, Any]:
    """The line for one task try, from any mapping shaped like Airflow's callback context."""
    task_instance = context.get("task_instance") or context.get("ti")
    started = value_of(task_instance, "start_date")
    ended = value_of(task_instance, "end_date") or datetime.now(UTC)
    exception = context.get("exception")
    return {
        "dag_id": value_of(task_instance, "dag_id") or value_of(context.get("dag"), "dag_id"),
        "task_id": value_of(task_instance, "task_id") or value_of(context.get("task"), "task_id"),
        "run_id": context.get("run_id") or value_of(task_instance, "run_id"),
        "try_number": value_of(task_instance, "try_number"),
        "state": state,
        "started_at": _moment(started),
        "ended_at": _moment(ended),
        "duration_seconds": (ended - started).total_seconds() if isinstance(started, datetime) else None,
        "error": None if exception is None else f"{type(exception).__name__}: {exception}"[:MAX_ERROR_CHARS],
        "recorded_at": datetime.now(UTC).isoformat(),
    }


def record_task_run(
    context: Mapping[str, Any], state: str, settings: Settings | None = None
) -> dict[str, Any] | None:
    try:
        record = task_run_record(context, state)
        path = task_runs_path(settings or get_settings())
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        return record
    except Exception:  # the task's own outcome matters more than its record
        log.exception("task outcome (%s) could not be recorded", state)
        return None


def on_task_success(context: Mapping[str, Any]) -> None:
    record_task_run(context, "success")


def on_task_failure(context: Mapping[str, Any]) -> None:
    record_task_run(context, "failed")


def on_task_retry(context: Mapping[str, Any]) -> None:
    record_task_run(context, "up_for_retry")


def on_task_skipped(context: Mapping[str, Any]) -> None:
    record_task_run(context, "skipped")


def read_task_runs(settings: Settings | None = None) -> tuple[list[dict[str, Any]], int]:
    """Every recorded task try, and how many lines could not be read (reported, not fatal)."""
    path = task_runs_path(settings or get_settings())
    if not path.exists():
        return [], 0
    records, bad_lines = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not record.get("dag_id") or not record.get("task_id"):
                raise ValueError("not a task run")
            records.append(record)
        except ValueError:
            bad_lines += 1
    return records, bad_lines
