"""Is there a live publication, and is it recent enough?"""

from __future__ import annotations

from datetime import datetime

from zicht.ops.config import OpsSettings
from zicht.ops.report import Area, Finding, age_text, attention, ok, parse_moment
from zicht.publish import Release, list_releases, live_release_id
from zicht.settings import Settings

AREA = Area.PUBLICATION


def latest_release(settings: Settings) -> Release | None:
    """The newest release by creation time (release ids sort the same way, but the time is the fact)."""
    releases = list_releases(settings)
    return max(releases, key=lambda release: parse_moment(release.created_at)) if releases else None


def live_or_latest_release(settings: Settings) -> Release | None:
    """The release readers see (after a rollback not the newest); the newest when the live file
    matches no kept release, e.g. releases written by hand or the live file removed."""
    live = live_release_id(settings)
    if live is not None:
        return next(release for release in list_releases(settings) if release.release_id == live)
    return latest_release(settings)


def check_publication(
    release: Release | None, settings: Settings, ops: OpsSettings, now: datetime
) -> list[Finding]:
    if release is None:
        return [
            attention(
                AREA,
                "publication_missing",
                "release",
                f"no publication yet under {settings.published_dir / 'releases'}",
            )
        ]
    age = now - parse_moment(release.created_at)
    tables = ", ".join(f"{name} {rows:,} rows" for name, rows in sorted(release.tables.items()))
    details = {
        "release_id": release.release_id,
        "created_at": release.created_at,
        "age_hours": round(age.total_seconds() / 3600, 1),
        "gate_run_id": release.gate_run_id,
        "tables": release.tables,
    }
    summary = f"release {release.release_id} ({age_text(age)} ago, gate {release.gate_run_id}): {tables}"
    findings = []
    if age > ops.max_publication_age:
        findings.append(
            attention(
                AREA,
                "publication_old",
                "release",
                f"{summary}; older than {age_text(ops.max_publication_age)}",
                **details,
            )
        )
    else:
        findings.append(ok(AREA, "publication_age", "release", summary, **details))
    # An empty published table passed its suite only if the suite allows it; a reader sees nothing.
    for name, rows in sorted(release.tables.items()):
        if rows == 0:
            findings.append(
                attention(
                    AREA, "published_table_empty", name, f"published table {name} has no rows", **details
                )
            )
    return findings


def collect_publication(
    settings: Settings, ops: OpsSettings, now: datetime
) -> tuple[Release | None, list[Finding]]:
    """The live release and the findings about it; an unreadable release.json is itself a finding."""
    try:
        release = live_or_latest_release(settings)
    except (OSError, ValueError, TypeError) as error:  # ValueError covers bad JSON
        return None, [
            attention(AREA, "releases_unreadable", "release", f"releases could not be read: {error}")
        ]
    return release, check_publication(release, settings, ops, now)
