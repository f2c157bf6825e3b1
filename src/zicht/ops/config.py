"""Operational settings: how old a publication or a source may become before someone should look.

All from the environment, with defaults that fit the sources' publication rhythm:

| variable | default | meaning |
|---|---|---|
| `ZICHT_MAX_PUBLICATION_AGE_HOURS` | `840` (35 d) | older publications need attention (CBS is monthly) |
| `ZICHT_CADENCE_DAYS_CBS` | `35` | CBS tables are checked monthly |
| `ZICHT_CADENCE_DAYS_KVK` | `8` | a KvK extract arrives weekly |
| `ZICHT_CADENCE_DAYS_OM` | `35` | an OM extract arrives monthly |
| `ZICHT_CADENCE_DAYS_HERINDELING` | `400` | the herindeling table follows each year's division |
| `ZICHT_CADENCE_DAYS_<SOURCE>` | none | cadence of any other source |
| `ZICHT_EXPECTED_SOURCES` | `cbs` | sources that must have landed (others count once they land) |
| `ZICHT_ALERT_WEBHOOK_URL` | none | POST every alert as JSON to this URL |
| `ZICHT_ALERT_TIMEOUT_SECONDS` | `5` | webhook timeout |
| `ZICHT_ROW_COUNT_JUMP` | `0.5` | flag a dbt model whose rows change by more than this share per build |
| `ZICHT_RUN_DEADLINES` | `on` | `off`: DAGs without deadline alerts (`zicht airflow dags test`) |
| `ZICHT_RUN_DEADLINE_MINUTES_<DAG_ID>` | 15 or 30 | alert a run unfinished this long after queued |
| `ZICHT_EXPECTED_RUN_HOURS_<DAG_ID>` | 768 (CBS), 1 (inbox) | a DAG on a clock this long without a run |

Run deadlines default to 30 min for the CBS ingest and the build and to 15 min for the extract inbox
and publication; only the CBS ingest (@monthly) and the extract inbox (every 10 min) run on a clock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from zicht.settings import Settings

DEFAULT_MAX_PUBLICATION_AGE_HOURS = 24 * 35
DEFAULT_CADENCE_DAYS = {"cbs": 35.0, "kvk": 8.0, "om": 35.0, "herindeling": 400.0}
DEFAULT_EXPECTED_SOURCES = ("cbs",)
DEFAULT_ALERT_TIMEOUT_SECONDS = 5.0
# Monthly CBS data changes a model by a few percent; half the rows gained or lost is a broken load.
DEFAULT_ROW_COUNT_JUMP = 0.5
# A run takes minutes at national scale (docs/benchmarks.md); these leave room for a busy machine.
DEFAULT_RUN_DEADLINE_MINUTES = {
    "zicht_cbs_ingest": 30.0,
    "zicht_extract_ingest": 15.0,
    "zicht_warehouse_build": 30.0,
    "zicht_publish": 15.0,
}
RUN_DEADLINES_SETTING = "ZICHT_RUN_DEADLINES"
# Only DAGs on a clock are expected to run; the build and publish DAGs follow their Assets.
# @monthly: at most 31 days between runs, plus a day's grace. The inbox is watched every 10 minutes.
DEFAULT_EXPECTED_RUN_HOURS = {"zicht_cbs_ingest": 32 * 24.0, "zicht_extract_ingest": 1.0}


@dataclass(frozen=True)
class OpsSettings:
    max_publication_age: timedelta = timedelta(hours=DEFAULT_MAX_PUBLICATION_AGE_HOURS)
    cadence_days: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CADENCE_DAYS))
    expected_sources: tuple[str, ...] = DEFAULT_EXPECTED_SOURCES
    alert_webhook_url: str | None = None
    alert_timeout_seconds: float = DEFAULT_ALERT_TIMEOUT_SECONDS
    row_count_jump: float = DEFAULT_ROW_COUNT_JUMP
    run_deadlines: bool = True
    run_deadline_minutes: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RUN_DEADLINE_MINUTES))
    expected_run_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_EXPECTED_RUN_HOURS))

    def cadence(self, source: str) -> timedelta | None:
        """How often a source should land; None when nobody said (then that itself needs attention)."""
        days = self.cadence_days.get(source.lower())
        return None if days is None else timedelta(days=days)


def _per_name_from_env(prefix: str, defaults: dict[str, float]) -> dict[str, float]:
    """Defaults per name, overridden or extended by `<prefix><NAME>` variables (name lower-cased)."""
    values = dict(defaults)
    for name, value in os.environ.items():
        if name.startswith(prefix) and value.strip():
            values[name[len(prefix) :].lower()] = float(value)
    return values


def get_ops_settings() -> OpsSettings:
    expected = os.environ.get("ZICHT_EXPECTED_SOURCES")
    return OpsSettings(
        max_publication_age=timedelta(
            hours=float(os.environ.get("ZICHT_MAX_PUBLICATION_AGE_HOURS", DEFAULT_MAX_PUBLICATION_AGE_HOURS))
        ),
        cadence_days=_per_name_from_env("ZICHT_CADENCE_DAYS_", DEFAULT_CADENCE_DAYS),
        expected_sources=DEFAULT_EXPECTED_SOURCES
        if expected is None
        else tuple(part.strip().lower() for part in expected.split(",") if part.strip()),
        alert_webhook_url=os.environ.get("ZICHT_ALERT_WEBHOOK_URL") or None,
        alert_timeout_seconds=float(
            os.environ.get("ZICHT_ALERT_TIMEOUT_SECONDS", DEFAULT_ALERT_TIMEOUT_SECONDS)
        ),
        row_count_jump=float(os.environ.get("ZICHT_ROW_COUNT_JUMP", DEFAULT_ROW_COUNT_JUMP)),
        run_deadlines=os.environ.get(RUN_DEADLINES_SETTING, "on").strip().lower() != "off",
        run_deadline_minutes=_per_name_from_env("ZICHT_RUN_DEADLINE_MINUTES_", DEFAULT_RUN_DEADLINE_MINUTES),
        expected_run_hours=_per_name_from_env("ZICHT_EXPECTED_RUN_HOURS_", DEFAULT_EXPECTED_RUN_HOURS),
    )


def quarantine_dir(settings: Settings) -> Path:
    """Where landing puts files it refused, one folder per source, each with a `*.reason.json`."""
    return settings.data_dir / "quarantine"


def alerts_path(settings: Settings) -> Path:
    return settings.data_dir / "ops" / "alerts.jsonl"


def task_runs_path(settings: Settings) -> Path:
    """Every task outcome Airflow reported through the task callbacks, one JSON line each."""
    return settings.data_dir / "ops" / "task_runs.jsonl"
