"""Publish the marts that passed the quality gate into the one file Superset reads; roll back.

A release is built in a new DuckDB file beside the live one, kept under releases/<id>/ with a
release.json, and swapped in with os.replace(): readers see either the old or the new file, never a
half-written one. Only the published datasets (one per quality suite) are copied: no raw, staging or
ops data can reach the published file. Beside the data each release keeps its disclosure audit and
the gate's results (zicht.release_audit, which also says what is safe to keep there).

Every change of the live file goes through make_release_live: it checks the release's files against
the sha256 in release.json and the release rule (release_audit.release_refusals), swaps the file in,
writes `live.json` (which release is live) and appends the change to `releases/live_history.jsonl`.
A rollback is the same step with an earlier release.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import shutil
import stat
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from zicht.landing import retrieval_stamp, sha256_file
from zicht.release_audit import ReleaseRefused, release_refusals, write_release_evidence
from zicht.row_scope import SCOPED_DIR
from zicht.scoped_files import SCOPE_FILE, ScopedFileError, scope_names, write_scoped_files
from zicht.settings import Settings, get_settings

MARTS_SCHEMA = "marts"
RELEASE_FILE = "zicht.duckdb"
MANIFEST_FILE = "release.json"
LIVE_POINTER_FILE = "live.json"
LIVE_HISTORY_FILE = "live_history.jsonl"


class UnknownRelease(ReleaseRefused):
    """No release with that id is kept."""


@dataclass(frozen=True)
class Release:
    release_id: str
    created_at: str
    gate_run_id: str
    tables: dict[str, int]
    sha256: str
    path: str
    # Every file of the release directory except release.json, with its sha256: checked before the
    # release is made live again.
    files: dict[str, str] = field(default_factory=dict)
    # Summaries of the evidence kept in the directory (zicht.release_audit); None in releases made
    # before the evidence was kept, which release_refusals then refuses to make live.
    disclosure_audit: dict[str, Any] | None = None
    quality: dict[str, Any] | None = None

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any]) -> Release:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in manifest.items() if key in known})


# The order rows are written in, for the marts the dashboards filter most: DuckDB skips the row
# groups whose minimum and maximum exclude a filter, so a dashboard's query on one level and one
# indicator reads a few row groups instead of the whole table.
PUBLISHED_ORDER = {
    "indicator_values": "region_level, indicator_code, breakdown_code, period_year, region_code",
    "signal_map": "region_level, period_year, theme_code, region_code",
    "indicator_funnel": "region_level, indicator_code, breakdown_code, period_year, series_kind",
}


def _copy_marts(warehouse_path: Path, target: Path, datasets: list[str]) -> dict[str, int]:
    connection = duckdb.connect(str(target))
    try:
        connection.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        row_counts = {}
        for dataset in datasets:
            order = f" ORDER BY {PUBLISHED_ORDER[dataset]}" if dataset in PUBLISHED_ORDER else ""
            connection.execute(
                f"CREATE TABLE main.{dataset} AS SELECT * FROM warehouse.{MARTS_SCHEMA}.{dataset}{order}"
            )
            row_counts[dataset] = connection.execute(f"SELECT count(*) FROM main.{dataset}").fetchone()[0]
        connection.execute("DETACH warehouse")
    finally:
        connection.close()
    return row_counts


def releases_dir(settings: Settings) -> Path:
    return settings.published_dir / "releases"


def live_history_path(settings: Settings) -> Path:
    """Append-only log of every change of the live release (publish and rollback), one JSON a line."""
    return releases_dir(settings) / LIVE_HISTORY_FILE


def live_pointer_path(settings: Settings) -> Path:
    return settings.published_dir / LIVE_POINTER_FILE


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (containers without a passwd entry)
        return f"uid {os.getuid()}"


def publish(
    datasets: list[str], gate_run_id: str, settings: Settings | None = None, by: str | None = None
) -> Release:
    """Copy the given marts, with the disclosure audit and the gate's results, into a new release
    and make it the live published file. Raises ReleaseRefused (publishing nothing, keeping no
    release) when the evidence does not allow it."""
    settings = settings or get_settings()
    created = datetime.now(UTC)
    release_id = retrieval_stamp(created)
    # Built under a hidden name and renamed when complete: a failed build leaves no release behind.
    building_dir = releases_dir(settings) / f".building-{release_id}"
    building_dir.mkdir(parents=True)
    try:
        datasets = sorted(datasets)
        tables = _copy_marts(settings.warehouse_path, building_dir / RELEASE_FILE, datasets)
        evidence = write_release_evidence(settings.warehouse_path, building_dir, gate_run_id, datasets)
        release_dir = releases_dir(settings) / release_id
        release = Release(
            release_id=release_id,
            created_at=created.isoformat(),
            gate_run_id=gate_run_id,
            tables=tables,
            sha256=sha256_file(building_dir / RELEASE_FILE),
            path=str(release_dir / RELEASE_FILE),
            files={path.name: sha256_file(path) for path in sorted(building_dir.iterdir())},
            disclosure_audit=evidence.disclosure_audit,
            quality=evidence.quality,
        )
        # Checked before the release exists: a failed audit may pin a suppressed cell down, and such
        # an audit is not kept beside the publications (zicht.release_audit).
        refusals = release_refusals(asdict(release))
        try:
            scope_names(building_dir / RELEASE_FILE)  # every regional table can be cut per region
        except ScopedFileError as error:
            refusals.append(str(error))
        if refusals:
            raise ReleaseRefused(
                "; ".join(refusals) + f"; nothing published from {settings.warehouse_path}, "
                "the last good publication stays live"
            )
        (building_dir / MANIFEST_FILE).write_text(json.dumps(asdict(release), indent=2))
        # Read-only against accidents; deliberate changes are caught by the sha256 in release.json.
        for path in building_dir.iterdir():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(building_dir, release_dir)
    except BaseException:
        shutil.rmtree(building_dir, ignore_errors=True)
        raise
    make_release_live(release_id, settings, action="publish", by=by)
    return release


def make_live(release_file: Path, live_path: Path) -> None:
    """Put a finished file at `live_path`, read-only, in one rename: readers see the old or the new."""
    incoming = live_path.with_name(f".{live_path.name}.incoming")
    incoming.unlink(missing_ok=True)
    shutil.copyfile(release_file, incoming)
    incoming.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(incoming, live_path)


def scoped_dir(settings: Settings) -> Path:
    """The live file of each region scope: <published>/scoped/<scope>/zicht.duckdb (zicht.scoped_files)."""
    return settings.published_dir / SCOPED_DIR


def make_scoped_files_live(release_file: Path, settings: Settings) -> dict[str, str]:
    """Write the scope files of a (verified) release file and swap each in; returns their sha256 by scope.

    They are derived from the release file, not kept in the release: the same rows, cut per region,
    every time the release is made live. Scopes the release no longer has are removed.
    """
    live_dir = scoped_dir(settings)
    building = settings.published_dir / f".{SCOPED_DIR}-incoming"
    shutil.rmtree(building, ignore_errors=True)
    try:
        written = write_scoped_files(release_file, building)
        digests = {}
        for scope, path in written.items():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            target = live_dir / scope / SCOPE_FILE
            target.parent.mkdir(parents=True, exist_ok=True)
            digests[scope] = sha256_file(path)
            os.replace(path, target)
        for stale in sorted(live_dir.iterdir()):
            if stale.name not in written:
                shutil.rmtree(stale)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return digests


def read_release(release_id: str, settings: Settings | None = None) -> Release:
    """The release.json of one release; ReleaseRefused naming the file when it is absent or unreadable."""
    settings = settings or get_settings()
    manifest_path = releases_dir(settings) / release_id / MANIFEST_FILE
    if release_id.startswith(".") or "/" in release_id or not manifest_path.is_file():
        known = ", ".join(release.release_id for release in list_releases(settings)) or "none"
        raise UnknownRelease(f"no release {release_id!r}: {manifest_path} does not exist (known: {known})")
    try:
        return Release.from_manifest(json.loads(manifest_path.read_text()))
    except (ValueError, TypeError) as error:
        raise ReleaseRefused(f"{manifest_path} cannot be read as a release manifest: {error}") from error


def verify_release(release_id: str, settings: Settings | None = None) -> Release:
    """The release, when its files match their sha256 and release_refusals finds nothing; else raise."""
    settings = settings or get_settings()
    release = read_release(release_id, settings)
    directory = releases_dir(settings) / release_id
    expected = {RELEASE_FILE: release.sha256, **release.files}
    for name, digest in sorted(expected.items()):
        path = directory / name
        if not path.is_file():
            raise ReleaseRefused(f"release {release_id}: {path} is missing (listed in {MANIFEST_FILE})")
        actual = sha256_file(path)
        if actual != digest:
            raise ReleaseRefused(
                f"release {release_id}: {path} has sha256 {actual}, but {MANIFEST_FILE} records {digest} "
                "(rule: a release is made live only unchanged)"
            )
    refusals = release_refusals(asdict(release))
    if refusals:
        raise ReleaseRefused("; ".join(refusals))
    return release


@contextmanager
def _live_lock(settings: Settings):
    """One change of the live release at a time (a publish and a rollback could otherwise interleave)."""
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.published_dir / ".live.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def make_release_live(
    release_id: str, settings: Settings | None = None, action: str = "publish", by: str | None = None
) -> dict[str, Any]:
    """Verify a kept release and swap it in as the live file; record the change. Returns the record.

    Publishing and rolling back both come here, so a release is never made live without passing
    verify_release. On any failure the live file is left as it was.
    """
    settings = settings or get_settings()
    with _live_lock(settings):
        release = verify_release(release_id, settings)
        previous = live_release_id(settings)
        release_file = releases_dir(settings) / release_id / RELEASE_FILE
        scoped = make_scoped_files_live(release_file, settings)
        make_live(release_file, settings.published_path)
        record = {
            "at": datetime.now(UTC).isoformat(),
            "action": action,
            "by": by or current_user(),
            "from_release": previous,
            "to_release": release_id,
            "sha256": release.sha256,
            "scoped_sha256": scoped,
        }
        _write_atomically(live_pointer_path(settings), json.dumps(record, indent=2))
        with open(live_history_path(settings), "a") as history:
            history.write(json.dumps(record) + "\n")
    return record


def _write_atomically(path: Path, text: str) -> None:
    incoming = path.with_name(f".{path.name}.incoming")
    incoming.write_text(text)
    os.replace(incoming, path)


def live_release_id(settings: Settings | None = None) -> str | None:
    """Which kept release the live file is, by its sha256; None when there is no live file or it is
    none of them. live.json names it cheaply; the bytes decide, so a stale pointer (a crash between
    the swap and the pointer) cannot mislead."""
    settings = settings or get_settings()
    if not settings.published_path.is_file():
        return None
    live_digest = sha256_file(settings.published_path)
    pointer = live_pointer_path(settings)
    if pointer.is_file():
        try:
            record = json.loads(pointer.read_text())
        except ValueError:
            record = {}
        if record.get("sha256") == live_digest and record.get("to_release"):
            return record["to_release"]
    matching = [release.release_id for release in list_releases(settings) if release.sha256 == live_digest]
    return matching[-1] if matching else None


def list_releases(settings: Settings | None = None) -> list[Release]:
    """Every kept release, oldest first (release ids are creation times)."""
    settings = settings or get_settings()
    if not releases_dir(settings).exists():
        return []
    found = []
    for manifest in sorted(releases_dir(settings).glob(f"*/{MANIFEST_FILE}")):
        if manifest.parent.name.startswith("."):  # a release still being built
            continue
        found.append(Release.from_manifest(json.loads(manifest.read_text())))
    return found


@dataclass(frozen=True)
class Rollback:
    from_release: str | None
    to_release: str
    changed: bool  # False when the release asked for was live already
    record: dict[str, Any] | None


def previous_release_id(settings: Settings | None = None) -> str:
    """The release created just before the live one."""
    settings = settings or get_settings()
    live = live_release_id(settings)
    if live is None:
        raise ReleaseRefused(
            f"cannot tell which release is live: {settings.published_path} matches no release under "
            f"{releases_dir(settings)}; name the release to roll back to"
        )
    earlier = [release.release_id for release in list_releases(settings) if release.release_id < live]
    if not earlier:
        raise ReleaseRefused(f"release {live} is live and no earlier release is kept")
    return earlier[-1]


def rollback(
    release_id: str | None = None,
    *,
    previous: bool = False,
    settings: Settings | None = None,
    by: str | None = None,
) -> Rollback:
    """Make an earlier release live again (or `previous`: the one before the live release)."""
    settings = settings or get_settings()
    if (release_id is None) == (not previous):
        raise ValueError("name a release or ask for the previous one, not both or neither")
    target = previous_release_id(settings) if previous else release_id
    live = live_release_id(settings)
    if target == live:
        # Still verified: a rollback that says "fine" about a tampered live release would mislead.
        verify_release(target, settings)
        return Rollback(from_release=live, to_release=target, changed=False, record=None)
    record = make_release_live(target, settings, action="rollback", by=by)
    return Rollback(from_release=record["from_release"], to_release=target, changed=True, record=record)
