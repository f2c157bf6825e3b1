"""Is every source landing as often as it should, and have recent attempts failed?

Read from the landing manifest (one record per attempt). CBS is judged per catalog table of the
configured years, since each table is retrieved on its own; an extract source (KvK, OM) as a whole.
An outcome of `success` (CBS) or `loaded` (extracts) is fresh data; `duplicate` (the same file again)
is neither fresh nor failed; any other outcome (`failed`, `rejected`) is a failed attempt. CBS records
say `retrieved_at` and `error`, extract records `landed_at` and `reason`: both are read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from zicht.cbs.catalog import list_catalog_tables
from zicht.landing import MANIFEST_NAME
from zicht.ops.config import OpsSettings
from zicht.ops.report import Area, Finding, age_text, attention, ok, parse_moment

AREA = Area.SOURCES
SUCCESS_OUTCOMES = {"success", "loaded"}
NEUTRAL_OUTCOMES = {*SUCCESS_OUTCOMES, "duplicate"}
CBS = "cbs"


@dataclass(frozen=True)
class Attempt:
    source: str
    table_id: str | None
    period: str | None
    outcome: str
    retrieved_at: datetime
    error: str | None


def read_attempts(landing_dir: Path) -> tuple[list[Attempt], int]:
    """Every manifest record as an Attempt, and how many lines could not be understood.

    Tolerant on purpose: one damaged line must not hide the state of every source.
    """
    path = Path(landing_dir) / MANIFEST_NAME
    if not path.exists():
        return [], 0
    attempts, bad_lines = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            attempts.append(
                Attempt(
                    source=_as_source(str(record["source"]).lower()),
                    table_id=record.get("table_id"),
                    period=None if record.get("period") is None else str(record["period"]),
                    outcome=str(record.get("outcome", "")).lower(),
                    retrieved_at=parse_moment(record.get("retrieved_at") or record["landed_at"]),
                    error=record.get("error") or record.get("reason"),
                )
            )
        except (ValueError, KeyError, TypeError):
            bad_lines += 1
    return attempts, bad_lines


# A StatLine download an analyst dropped is a CBS table by another route: it counts for that table.
SOURCE_ALIASES = {"statline": "cbs"}


def _as_source(name: str) -> str:
    return SOURCE_ALIASES.get(name, name)


def _unit_findings(
    subject: str, label: str, attempts: list[Attempt], cadence: timedelta | None, now: datetime
) -> list[Finding]:
    """Freshness and failures of one unit (a CBS table, or a whole extract source)."""
    successes = [a for a in attempts if a.outcome in SUCCESS_OUTCOMES]
    last = max(successes, key=lambda a: a.retrieved_at) if successes else None
    failures = [
        a
        for a in attempts
        if a.outcome not in NEUTRAL_OUTCOMES and (last is None or a.retrieved_at > last.retrieved_at)
    ]
    findings = []
    if last is None:
        findings.append(
            attention(AREA, "source_never_landed", subject, f"{label}: never landed successfully")
        )
    else:
        age = now - last.retrieved_at
        period = f", period {last.period}" if last.period else ""
        details = {"retrieved_at": last.retrieved_at.isoformat(), "period": last.period}
        if cadence is None:
            findings.append(
                attention(
                    AREA,
                    "source_cadence_unknown",
                    subject,
                    f"{label}: landed {age_text(age)} ago{period}; no expected cadence "
                    f"(set ZICHT_CADENCE_DAYS_{subject.split('/')[0].upper()})",
                    **details,
                )
            )
        elif age > cadence:
            findings.append(
                attention(
                    AREA,
                    "source_stale",
                    subject,
                    f"{label}: stale, last landed {age_text(age)} ago{period} (cadence {age_text(cadence)})",
                    cadence_days=cadence.total_seconds() / 86400,
                    **details,
                )
            )
        else:
            findings.append(
                ok(
                    AREA,
                    "source_fresh",
                    subject,
                    f"{label}: landed {age_text(age)} ago{period} (cadence {age_text(cadence)})",
                    cadence_days=cadence.total_seconds() / 86400,
                    **details,
                )
            )
    if failures:
        latest = max(failures, key=lambda a: a.retrieved_at)
        since = "since the last success" if last else "and no success yet"
        findings.append(
            attention(
                AREA,
                "source_failures",
                subject,
                f"{label}: {len(failures)} failed attempt(s) {since}; last {latest.outcome} "
                f"{age_text(now - latest.retrieved_at)} ago: {latest.error or 'no error recorded'}",
                failed_attempts=len(failures),
                last_error=latest.error,
            )
        )
    return findings


def check_sources(
    attempts: list[Attempt], ops: OpsSettings, now: datetime, bad_lines: int = 0
) -> list[Finding]:
    by_source: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_source[attempt.source].append(attempt)
    # A source counts once it has landed anything, or when it is configured as expected.
    sources = sorted(set(by_source) | set(ops.expected_sources))
    findings = []
    if bad_lines:
        findings.append(
            attention(
                AREA, "manifest_unreadable", "manifest", f"{bad_lines} landing manifest line(s) unreadable"
            )
        )
    if not sources:
        findings.append(attention(AREA, "no_sources", "sources", "no source expected and none has landed"))
    for source in sources:
        cadence = ops.cadence(source)
        if source == CBS:
            for table in list_catalog_tables():
                # A multi-period table id has one catalog entry (and landing) per period.
                table_attempts = [
                    a
                    for a in by_source[source]
                    if a.table_id == table.table_id and (not table.period or a.period == str(table.year))
                ]
                findings += _unit_findings(
                    f"{CBS}/{table.label}",
                    f"cbs {table.label}",
                    table_attempts,
                    cadence,
                    now,
                )
        else:
            findings += _unit_findings(source, source, by_source[source], cadence, now)
    return findings
