"""Collect the pipeline's health from what it leaves behind: releases, the landing manifest,
quarantine, the warehouse's quality results, and the task outcomes and alerts Airflow recorded.

Only reads, and the warehouse only read-only: safe to run at any time, also while a pipeline step
holds the warehouse. Whatever cannot be read becomes a finding instead of an exception.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from zicht.ops.alerts import read_alerts
from zicht.ops.config import OpsSettings, get_ops_settings, quarantine_dir
from zicht.ops.gate_check import check_gate
from zicht.ops.publication_check import collect_publication
from zicht.ops.quarantine_check import check_quarantine
from zicht.ops.report import Area, Finding, HealthReport, attention
from zicht.ops.run_check import check_runs
from zicht.ops.source_check import check_sources, read_attempts
from zicht.ops.task_log import read_task_runs
from zicht.ops.warehouse_reader import read_latest_quality_results
from zicht.settings import Settings, get_settings


def _unreadable_reason(settings: Settings) -> str | None:
    """Why the state cannot be read at all (then no finding would mean anything), or None."""
    data_dir = settings.data_dir
    if not data_dir.exists():
        return f"data directory {data_dir} does not exist (check ZICHT_DATA_DIR)"
    if not data_dir.is_dir():
        return f"data directory {data_dir} is not a directory"
    if not os.access(data_dir, os.R_OK | os.X_OK):
        return f"data directory {data_dir} is not readable"
    return None


def _source_findings(settings: Settings, ops: OpsSettings, now: datetime) -> list[Finding]:
    try:
        attempts, bad_lines = read_attempts(settings.landing_dir)
    except OSError as error:
        return [
            attention(
                Area.SOURCES, "manifest_unreadable", "manifest", f"landing manifest unreadable: {error}"
            )
        ]
    return check_sources(attempts, ops, now, bad_lines)


def _quarantine_findings(settings: Settings) -> list[Finding]:
    try:
        return check_quarantine(quarantine_dir(settings))
    except OSError as error:
        return [
            attention(
                Area.QUARANTINE, "quarantine_unreadable", "quarantine", f"quarantine unreadable: {error}"
            )
        ]


def _run_findings(settings: Settings, ops: OpsSettings, now: datetime) -> list[Finding]:
    try:
        task_runs, _ = read_task_runs(settings)
        alerts = read_alerts(settings)
    except OSError as error:
        return [attention(Area.RUNS, "runs_unreadable", "task log", f"task outcomes unreadable: {error}")]
    return check_runs(task_runs, alerts, ops, now)


def collect_health(
    settings: Settings | None = None, now: datetime | None = None, ops: OpsSettings | None = None
) -> HealthReport:
    settings = settings or get_settings()
    ops = ops or get_ops_settings()
    now = now or datetime.now(UTC)
    unreadable = _unreadable_reason(settings)
    if unreadable:
        return HealthReport(
            checked_at=now, data_dir=str(settings.data_dir), findings=(), unreadable=unreadable
        )
    release, publication = collect_publication(settings, ops, now)
    gate = check_gate(read_latest_quality_results(settings.warehouse_path), release)
    findings = (
        publication
        + gate
        + _source_findings(settings, ops, now)
        + _quarantine_findings(settings)
        + _run_findings(settings, ops, now)
    )
    return HealthReport(checked_at=now, data_dir=str(settings.data_dir), findings=tuple(findings))
