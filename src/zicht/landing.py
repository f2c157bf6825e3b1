"""The immutable landing zone: every retrieval lands once, in its own folder, and is never changed.

A batch is written to a hidden temporary folder and renamed into place only when complete, so a
folder under `<source>/<table>/<timestamp>/` is always whole. `manifest.jsonl` records every attempt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

MANIFEST_NAME = "manifest.jsonl"


@dataclass(frozen=True)
class LandedFile:
    name: str
    sha256: str
    bytes: int

    def as_dict(self) -> dict:
        return {"name": self.name, "sha256": self.sha256, "bytes": self.bytes}


@dataclass(frozen=True)
class LandedBatch:
    path: Path
    files: tuple[LandedFile, ...]


def retrieval_stamp(moment: datetime) -> str:
    """Folder name for a retrieval time: sortable, no characters awkward in paths."""
    return moment.strftime("%Y%m%dT%H%M%S%fZ")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def land_batch(
    landing_dir: Path, source: str, dataset: str, moment: datetime, write: Callable[[Path], None]
) -> LandedBatch:
    """Let `write` fill a fresh folder, then move it into place read-only; on any error leave nothing."""
    parent = Path(landing_dir) / source / dataset
    target = parent / retrieval_stamp(moment)
    if target.exists():
        raise FileExistsError(f"landing folder {target} already exists; landed data is never overwritten")
    parent.mkdir(parents=True, exist_ok=True)
    incoming = parent / f".incoming-{retrieval_stamp(moment)}-{os.getpid()}"
    incoming.mkdir()
    try:
        write(incoming)
        files = tuple(
            LandedFile(p.name, sha256_file(p), p.stat().st_size)
            for p in sorted(incoming.iterdir())
            if p.is_file()
        )
        for path in incoming.iterdir():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.rename(incoming, target)
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    return LandedBatch(target, files)


def append_manifest(landing_dir: Path, record: dict) -> None:
    """Append one JSON line; a single small write, so concurrent writers do not interleave lines."""
    path = Path(landing_dir) / MANIFEST_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)


def read_manifest(landing_dir: Path) -> list[dict]:
    path = Path(landing_dir) / MANIFEST_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
