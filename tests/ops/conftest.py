"""A pipeline state built by hand in a temporary data dir: manifest lines, release folders and a small
warehouse with ops.quality_results, written the way the pipeline writes them."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from zicht.cbs.catalog import list_catalog_tables
from zicht.landing import append_manifest
from zicht.quality.results import QualityResultRow, append_results
from zicht.settings import get_settings

# ZICHT_CBS_YEARS=2024 keeps the catalog to the tables of 2024 (one period of each multi-period id),
# named as the health report names them: 85984NED, 47022NED:2024JJ00.
CBS_TABLES = tuple(table.label for table in list_catalog_tables((2024,)))
DATASET = "region_population"


@pytest.fixture
def now() -> datetime:
    # Real time, because the CLI reads the clock itself.
    return datetime.now(UTC)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setenv("ZICHT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ZICHT_CBS_YEARS", "2024")
    for name in ("ZICHT_ALERT_WEBHOOK_URL", "ZICHT_EXPECTED_SOURCES", "ZICHT_MAX_PUBLICATION_AGE_HOURS"):
        monkeypatch.delenv(name, raising=False)
    for name in [n for n in os.environ if n.startswith("ZICHT_CADENCE_DAYS_")]:
        monkeypatch.delenv(name)
    return get_settings()


def land(settings, source: str, retrieved_at: datetime, outcome: str = "success", **fields) -> None:
    append_manifest(
        settings.landing_dir,
        {
            "source": source,
            "retrieved_at": retrieved_at.isoformat(),
            "outcome": outcome,
            "error": None if outcome in {"success", "duplicate"} else f"{source} {outcome} on purpose",
            **fields,
        },
    )


def land_cbs(settings, label: str, retrieved_at: datetime, outcome: str = "success") -> None:
    land(settings, "cbs", retrieved_at, outcome, table_id=label.partition(":")[0], period="2024")


def land_other_cbs(settings, retrieved_at: datetime, *skip: str) -> None:
    """Land every 2024 CBS table except `skip`, so that only the skipped ones can need attention."""
    for label in CBS_TABLES:
        if label not in skip:
            land_cbs(settings, label, retrieved_at)


def write_release(settings, created_at: datetime, gate_run_id: str, rows: int = 120) -> str:
    release_id = created_at.strftime("%Y%m%dT%H%M%S%fZ")
    release_dir = settings.published_dir / "releases" / release_id
    release_dir.mkdir(parents=True)
    release = {
        "release_id": release_id,
        "created_at": created_at.isoformat(),
        "gate_run_id": gate_run_id,
        "tables": {DATASET: rows},
        "sha256": "0" * 64,
        "path": str(release_dir / "zicht.duckdb"),
    }
    (release_dir / "release.json").write_text(json.dumps(release))
    return release_id


def write_gate_run(settings, run_id: str, run_time: datetime, failing: tuple[str, ...] = ()) -> None:
    """Three expectations; those whose description is in `failing` fail."""
    descriptions = ("inhabitants are never negative", "region codes are unique", "every buurt has a gemeente")
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    append_results(
        settings.warehouse_path,
        [
            QualityResultRow(
                run_id=run_id,
                dataset=DATASET,
                expectation_type="expect_column_values_to_be_between",
                description=description,
                column_name="inhabitants",
                kwargs="{}",
                success=description not in failing,
                observed_value=None,
                unexpected_count=3 if description in failing else 0,
                exception_message=None,
                run_time=run_time,
            )
            for description in descriptions
        ],
    )


@pytest.fixture
def healthy(settings, now):
    """Every CBS table landed yesterday, a passing gate and a publication an hour ago."""
    for table_id in CBS_TABLES:
        land_cbs(settings, table_id, now - timedelta(days=1))
    write_gate_run(settings, "gate-ok", now - timedelta(hours=2))
    write_release(settings, now - timedelta(hours=1), "gate-ok")
    return settings


def finding(report, check: str, subject: str | None = None):
    """The one finding of a check (and subject), failing the test when there is not exactly one."""
    found = [f for f in report.findings if f.check == check and (subject is None or f.subject == subject)]
    assert len(found) == 1, f"expected one {check} {subject or ''}, got {[f.key for f in report.findings]}"
    return found[0]


def quarantine(settings, source: str, name: str, reason: dict | None) -> Path:
    folder = settings.data_dir / "quarantine" / source
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("kvk_nummer;naam\n123;x\n")
    if reason is not None:
        (folder / f"{name}.reason.json").write_text(json.dumps(reason))
    return path
