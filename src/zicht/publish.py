"""Publish the marts that passed the quality gate into the one file Superset reads.

A release is built in a new DuckDB file beside the live one, kept under releases/<id>/ with a
release.json, and swapped in with os.replace(): readers see either the old or the new file, never a
half-written one. Only the published datasets (one per quality suite) are copied: no raw, staging or
ops data can reach the published file.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from zicht.landing import retrieval_stamp, sha256_file
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


def _copy_marts(warehouse_path: Path, target: Path, datasets: list[str]) -> dict[str, int]:
    connection = duckdb.connect(str(target))
    try:
        connection.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        row_counts = {}
        for dataset in datasets:
            connection.execute(
                f"CREATE TABLE main.{dataset} AS SELECT * FROM warehouse.{MARTS_SCHEMA}.{dataset}"
            )
            row_counts[dataset] = connection.execute(f"SELECT count(*) FROM main.{dataset}").fetchone()[0]
        connection.execute("DETACH warehouse")
    finally:
        connection.close()
    return row_counts


def publish(datasets: list[str], gate_run_id: str, settings: Settings | None = None) -> Release:
    """Copy the given marts into a new release and make it the live published file."""
    settings = settings or get_settings()
    created = datetime.now(UTC)
    release_id = retrieval_stamp(created)
    releases_dir = settings.published_dir / "releases"
    # Built under a hidden name and renamed when complete: a failed build leaves no release behind.
    building_dir = releases_dir / f".building-{release_id}"
    building_dir.mkdir(parents=True)
    try:
        tables = _copy_marts(settings.warehouse_path, building_dir / "zicht.duckdb", sorted(datasets))
        release_dir = releases_dir / release_id
        release_file = release_dir / "zicht.duckdb"
        release = Release(
            release_id=release_id,
            created_at=created.isoformat(),
            gate_run_id=gate_run_id,
            tables=tables,
            sha256=sha256_file(building_dir / "zicht.duckdb"),
            path=str(release_file),
        )
        (building_dir / "release.json").write_text(json.dumps(asdict(release), indent=2))
        (building_dir / "zicht.duckdb").chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(building_dir, release_dir)
    except BaseException:
        shutil.rmtree(building_dir, ignore_errors=True)
        raise
    make_live(release_file, settings.published_path)
    return release


def make_live(release_file: Path, live_path: Path) -> None:
    """Put a finished file at `live_path`, read-only, in one rename: readers see the old or the new."""
    incoming = live_path.with_name(f".{live_path.name}.incoming")
    incoming.unlink(missing_ok=True)
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
