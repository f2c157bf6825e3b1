"""Alerts: a failed task, a blocked publication, a stale source — recorded, and sent when configured.

Every alert is one JSON line in `data/ops/alerts.jsonl`, with the outcome of its delivery to the
webhook (`ZICHT_ALERT_WEBHOOK_URL`, POSTed as JSON). Nothing here raises: an alert that cannot be
sent or written is logged, and must never fail the pipeline it reports on.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests

from zicht.ops.config import OpsSettings, alerts_path, get_ops_settings
from zicht.ops.report import HealthReport
from zicht.settings import Settings, get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Alert:
    kind: str  # e.g. task_failed, publication_blocked, source_stale
    subject: str  # what it is about: a task, a source, the publication
    message: str
    dedupe_key: str  # one alert per key: finding + day for health alerts, the task try for failures
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    alert_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    details: dict[str, Any] = field(default_factory=dict)


def deliver(payload: dict[str, Any], url: str | None, timeout_seconds: float) -> dict[str, Any]:
    """POST the alert; the outcome, never an exception."""
    if not url:
        return {"status": "not_configured"}
    try:
        response = requests.post(url, json=payload, timeout=timeout_seconds)
    except requests.RequestException as error:
        log.warning("alert %s could not be sent to %s: %s", payload.get("alert_id"), url, error)
        return {"status": "failed", "error": str(error)}
    if not response.ok:
        log.warning("alert %s refused by %s: HTTP %s", payload.get("alert_id"), url, response.status_code)
        return {"status": "failed", "http_status": response.status_code, "error": response.text[:200]}
    return {"status": "sent", "http_status": response.status_code}


def record_alert(
    alert: Alert, settings: Settings | None = None, ops: OpsSettings | None = None
) -> dict[str, Any]:
    """Send (when configured) and append the alert with its delivery outcome; return that line."""
    try:
        settings = settings or get_settings()
        ops = ops or get_ops_settings()
        payload = asdict(alert)
        line = {
            **payload,
            "delivery": deliver(payload, ops.alert_webhook_url, ops.alert_timeout_seconds),
        }
        path = alerts_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        # One small append per alert, so concurrent tasks do not interleave lines.
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True, default=str) + "\n")
        return line
    except Exception:  # an alert must never fail the pipeline it reports on
        log.exception("alert %s could not be recorded", alert.alert_id)
        return {**asdict(alert), "delivery": {"status": "not_recorded"}}


def read_alerts(settings: Settings | None = None) -> list[dict[str, Any]]:
    path = alerts_path(settings or get_settings())
    if not path.exists():
        return []
    alerts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            alerts.append(json.loads(line))
        except ValueError:
            log.warning("skipping an unreadable line in %s", path)
    return alerts


def alert_from_health(
    report: HealthReport, settings: Settings | None = None, ops: OpsSettings | None = None
) -> list[dict[str, Any]]:
    """One alert per attention finding, at most once per finding per day; return the recorded lines."""
    settings = settings or get_settings()
    day = report.checked_at.astimezone(UTC).date().isoformat()
    already = {line.get("dedupe_key") for line in read_alerts(settings)}
    recorded = []
    if report.unreadable:
        candidates = [("state_unreadable", "state", report.unreadable, "state_unreadable", {})]
    else:
        candidates = [(f.check, f.subject, f.message, f.key, f.details) for f in report.attention]
    for kind, subject, message, key, details in candidates:
        dedupe_key = f"{key}@{day}"
        if dedupe_key in already:
            continue
        already.add(dedupe_key)
        alert = Alert(kind=kind, subject=subject, message=message, dedupe_key=dedupe_key, details=details)
        recorded.append(record_alert(alert, settings, ops))
    return recorded


def value_of(source: Any, name: str) -> Any:
    """An attribute or key of an Airflow context object, None when absent."""
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def on_failure_callback(context: Mapping[str, Any]) -> dict[str, Any] | None:
    """Airflow `on_failure_callback`: record a task_failed alert from the task's context.

    Works with any mapping shaped like Airflow's context, so it needs no Airflow import.
    """
    try:
        task_instance = context.get("task_instance") or context.get("ti")
        dag_id = (
            value_of(task_instance, "dag_id")
            or value_of(context.get("dag"), "dag_id")
            or context.get("dag_id")
        )
        task_id = value_of(task_instance, "task_id") or value_of(context.get("task"), "task_id")
        run_id = context.get("run_id") or value_of(task_instance, "run_id")
        try_number = value_of(task_instance, "try_number")
        exception = context.get("exception")
        error = f"{type(exception).__name__}: {exception}" if exception is not None else None
        alert = Alert(
            kind="task_failed",
            subject=f"{dag_id}.{task_id}",
            message=f"task {task_id} of {dag_id} failed in run {run_id}: {error or 'no exception given'}",
            dedupe_key=f"task_failed:{dag_id}.{task_id}:{run_id}:{try_number}",
            details={
                "dag_id": dag_id,
                "task_id": task_id,
                "run_id": run_id,
                "try_number": try_number,
                "exception": error,
            },
        )
        return record_alert(alert)
    except Exception:  # a broken callback must not mask the task's own failure
        log.exception("on_failure_callback could not record an alert")
        return None
