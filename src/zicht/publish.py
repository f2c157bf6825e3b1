"""Publish the marts that passed the quality gate into the one file Superset reads.

A release is built in a new DuckDB file beside the live one, kept under releases/<id>/ with a
release.json, and swapped in with os.replace(): readers see either the old or the new file, never a
half-written one. Only the published datasets (one per quality suite) are copied: no raw, staging or
ops data can reach the published file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from zicht.settings import Settings, get_settings

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class Release:
    release_id: str
    created_at: str
    gate_run_id: str
    tables: dict[str, int]
    sha256: str
    path: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_marts(warehouse_path: Path, target: Path, datasets: list[str]) -> dict[str, int]:
    connection = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        connection.execute(f"ATTACH '{target}' AS release")
        row_counts = {}
        for dataset in datasets:
            connection.execute(
                f"CREATE TABLE release.main.{dataset} AS SELECT * FROM {MARTS_SCHEMA}.{dataset}"
            )
            row_counts[dataset] = connection.execute(
                f"SELECT count(*) FROM release.main.{dataset}"
            ).fetchone()[0]
        connection.execute("DETACH release")
    finally:
        connection.close()
    return row_counts


def publish(datasets: list[str], gate_run_id: str, settings: Settings | None = None) -> Release:
    """Copy the given marts into a new release and make it the live published file."""
    settings = settings or get_settings()
    created = datetime.now(UTC)
    release_id = created.strftime("%Y%m%dT%H%M%S%fZ")
    release_dir = settings.published_dir / "releases" / release_id
    release_dir.mkdir(parents=True)
    release_file = release_dir / "zicht.duckdb"
    tables = _copy_marts(settings.warehouse_path, release_file, sorted(datasets))
    release = Release(
        release_id=release_id,
        created_at=created.isoformat(),
        gate_run_id=gate_run_id,
        tables=tables,
        sha256=_sha256(release_file),
        path=str(release_file),
    )
    (release_dir / "release.json").write_text(json.dumps(asdict(release), indent=2))
    release_file.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    _make_live(release_file, settings.published_path)
    return release


def _make_live(release_file: Path, live_path: Path) -> None:
    incoming = live_path.with_name(f".{live_path.name}.incoming")
    shutil.copyfile(release_file, incoming)
    incoming.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    os.replace(incoming, live_path)


def list_releases(settings: Settings | None = None) -> list[Release]:
    settings = settings or get_settings()
    releases_dir = settings.published_dir / "releases"
    if not releases_dir.exists():
        return []
    found = []
    for manifest in sorted(releases_dir.glob("*/release.json")):
        found.append(Release(**json.loads(manifest.read_text())))
    return found
