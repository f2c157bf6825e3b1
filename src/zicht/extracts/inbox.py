"""Land every file dropped in `data/inbox/<source>/`: checksum, land, validate, load or quarantine.

Per file, in this order, so that nothing is ever lost:
1. checksum; a file whose content was loaded before is recorded as `duplicate` and not loaded again;
2. copied unchanged into the immutable landing zone (`zicht.landing`);
3. the landed copy is read and validated against the declared schema;
4. valid: appended to the raw table in one transaction (with the raw.extract_manifest mirror) ->
   `loaded`; invalid: the inbox file moves to `data/quarantine/<source>/` with a reason -> `rejected`;
5. only then is the file removed from the inbox (a `failed` load leaves it there for the next run).
One bad file never stops the others: the outcomes are returned and the caller decides.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from zicht.errors import MissingPrerequisite, ZichtError
from zicht.extracts import raw_load
from zicht.extracts.problems import ExtractRejected, Violation
from zicht.extracts.reading import read_extract
from zicht.extracts.regions import RegionList
from zicht.extracts.schemas import ExtractSchema, schema_for
from zicht.extracts.validation import validate
from zicht.landing import append_manifest, land_batch, read_manifest, retrieval_stamp, sha256_file
from zicht.settings import Settings, get_settings

log = logging.getLogger(__name__)

# Files still being written by whoever drops them are skipped until renamed to their final name.
_IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".partial")


def inbox_dir(settings: Settings, source: str) -> Path:
    return settings.data_dir / "inbox" / source


def drop_into_inboxes(files: list[Path], settings: Settings | None = None) -> list[Path]:
    """Copy delivered files into the inbox of their source (by name: kvk_..., om_..., herindeling_...),
    as a supplier would; returns the inbox copies."""
    from zicht.extracts.schemas import source_for_file

    settings = settings or get_settings()
    dropped = []
    for path in files:
        target = inbox_dir(settings, source_for_file(path.name))
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
        dropped.append(target / path.name)
    return dropped


def quarantine_dir(settings: Settings, source: str) -> Path:
    return settings.data_dir / "quarantine" / source


@dataclass(frozen=True)
class LandingOutcome:
    source: str
    file: str
    checksum: str
    size: int
    outcome: str  # loaded, duplicate, rejected or failed
    rows: int | None = None
    ingest_id: str | None = None
    landing_path: Path | None = None
    quarantine_path: Path | None = None
    reason: str | None = None
    violations: tuple[Violation, ...] = field(default_factory=tuple)

    def summary(self) -> dict:
        """JSON-ready record of the outcome (for task results and logs)."""
        return {
            "source": self.source,
            "file": self.file,
            "checksum": self.checksum,
            "size": self.size,
            "outcome": self.outcome,
            "rows": self.rows,
            "ingest_id": self.ingest_id,
            "rule": self.rule,
            "reason": self.reason,
            "quarantine_path": str(self.quarantine_path) if self.quarantine_path else None,
        }

    @property
    def rule(self) -> str | None:
        """The rule of the first violation, for a rejected file."""
        return self.violations[0].rule if self.violations else None


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _inbox_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(_IN_PROGRESS_SUFFIXES)
    )


def _land_copy(settings: Settings, schema: ExtractSchema, path: Path) -> tuple[Path, str, datetime]:
    """Copy the file unchanged into a fresh landing folder; retry with the next microsecond if taken."""
    moment = _now()
    while True:
        try:
            batch = land_batch(
                settings.landing_dir,
                schema.source,
                schema.dataset,
                moment,
                lambda folder: shutil.copy2(path, folder / path.name),
            )
            return (
                batch.path / path.name,
                f"{schema.source}/{schema.dataset}/{retrieval_stamp(moment)}",
                moment,
            )
        except FileExistsError:
            moment += timedelta(microseconds=1)


def _quarantine(
    settings: Settings, source: str, path: Path, stamp: str, record: dict, rejection: ExtractRejected
) -> Path:
    """Move the inbox file aside with a machine-readable and a human reason next to it."""
    folder = quarantine_dir(settings, source)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stamp}_{path.name}"
    reason = {
        "file": path.name,
        "source": source,
        "checksum": record["checksum"],
        "rejected_at": record["landed_at"],
        "landing_path": record["landing_path"],
        "counts_per_rule": rejection.counts,
        "violations": [v.as_dict() for v in rejection.violations],
    }
    lines = [f"{path.name} was rejected: {sum(rejection.counts.values())} problem(s)."]
    lines += [
        f"- {v.describe(path.name)}" + (f" (value: {v.value!r})" if v.value else "")
        for v in rejection.violations
    ]
    lines += ["", "Problems per rule: " + ", ".join(f"{k} {n}" for k, n in sorted(rejection.counts.items()))]
    # Reasons first: a quarantined file is never without its explanation.
    Path(f"{target}.reason.json").write_text(
        json.dumps(reason, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    Path(f"{target}.reason.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.move(path, target)
    return target


def _resolve_regions(settings: Settings, regions: RegionList | None) -> RegionList:
    if regions is not None:
        return regions
    found = RegionList.from_warehouse(settings.warehouse_path)
    if found is not None:
        return found
    if settings.synthetic_dir.is_dir():
        return RegionList.from_synthetic(settings.synthetic_dir)
    raise MissingPrerequisite(
        f"no region list: neither raw.cbs_kerncijfers_wijken_buurten in {settings.warehouse_path}"
        f" nor a synthetic Netherlands in {settings.synthetic_dir}; ingest CBS first or pass regions"
    )


def _already_loaded(settings: Settings, source: str) -> dict[str, str]:
    loaded = {
        r["checksum"]: r.get("ingest_id")
        for r in read_manifest(settings.landing_dir)
        if r.get("source") == source and r.get("outcome") == "loaded" and r.get("checksum")
    }
    # The warehouse counts too: a load that committed just before a crash is not loaded twice.
    loaded.update(raw_load.loaded_checksums(settings.warehouse_path, source))
    return loaded


def land_file(
    path: Path,
    schema: ExtractSchema,
    settings: Settings,
    regions: Callable[[], RegionList],
    loaded: dict[str, str],
) -> LandingOutcome:
    """Land one inbox file; `regions` is asked for the region list only when a file needs validating."""
    checksum = sha256_file(path)
    size = path.stat().st_size
    arrival = _iso(datetime.fromtimestamp(path.stat().st_mtime, UTC))
    base = {
        "source": schema.source,
        "file": path.name,
        "checksum": checksum,
        "size": size,
        "arrival": arrival,
    }
    if checksum in loaded:
        reason = f"same content already loaded as {loaded[checksum]}"
        append_manifest(
            settings.landing_dir,
            {
                **base,
                "landed_at": _iso(_now()),
                "outcome": "duplicate",
                "rows": None,
                "reason": reason,
                "ingest_id": loaded[checksum],
            },
        )
        path.unlink()
        return LandingOutcome(
            schema.source, path.name, checksum, size, "duplicate", ingest_id=loaded[checksum], reason=reason
        )

    landed, ingest_id, moment = _land_copy(settings, schema, path)
    record = {**base, "ingest_id": ingest_id, "landed_at": _iso(moment), "landing_path": str(landed)}
    try:
        parsed = read_extract(landed, schema)
        rows = validate(parsed, schema, regions(), path.name)
    except ExtractRejected as rejection:
        target = _quarantine(settings, schema.source, path, retrieval_stamp(moment), record, rejection)
        reason = rejection.first.describe(path.name)
        append_manifest(
            settings.landing_dir,
            {**record, "outcome": "rejected", "rows": None, "reason": reason, "quarantine_path": str(target)},
        )
        return LandingOutcome(
            schema.source,
            path.name,
            checksum,
            size,
            "rejected",
            ingest_id=ingest_id,
            landing_path=landed,
            quarantine_path=target,
            reason=reason,
            violations=tuple(rejection.violations),
        )

    loaded_record = {
        **record,
        "outcome": "loaded",
        "rows": rows.num_rows,
        "reason": None,
        "encoding": parsed.encoding,
        "delimiter": parsed.delimiter,
    }
    try:
        raw_load.load_extract(
            settings.warehouse_path,
            schema,
            rows,
            ingest_id,
            path.name,
            parsed.first_data_row,
            [*read_manifest(settings.landing_dir), loaded_record],
        )
    except Exception as error:  # the warehouse rolled back; keep the inbox file for the next run
        reason = f"load failed and was rolled back: {type(error).__name__}: {error}"
        append_manifest(settings.landing_dir, {**record, "outcome": "failed", "rows": None, "reason": reason})
        return LandingOutcome(
            schema.source,
            path.name,
            checksum,
            size,
            "failed",
            ingest_id=ingest_id,
            landing_path=landed,
            reason=reason,
        )
    append_manifest(settings.landing_dir, loaded_record)
    loaded[checksum] = ingest_id
    path.unlink()
    return LandingOutcome(
        schema.source,
        path.name,
        checksum,
        size,
        "loaded",
        rows=rows.num_rows,
        ingest_id=ingest_id,
        landing_path=landed,
    )


def pending_files(source: str, settings: Settings | None = None) -> list[Path]:
    """The files waiting in data/inbox/<source>/ (files still being written are not counted)."""
    schema = schema_for(source)
    return _inbox_files(inbox_dir(settings or get_settings(), schema.source))


class FilesNotLoaded(ZichtError, RuntimeError):
    """Raised by the caller's choice (raise_for_rejections), never by land_inbox itself."""


def raise_for_rejections(outcomes: list[LandingOutcome | dict]) -> None:
    """Fail when any file was rejected or failed to load, naming each file and its reason."""
    records = [o.summary() if isinstance(o, LandingOutcome) else o for o in outcomes]
    bad = [r for r in records if r["outcome"] in ("rejected", "failed")]
    if bad:
        lines = [f"{r['source']}/{r['file']}: {r['outcome']}: {r['reason']}" for r in bad]
        raise FilesNotLoaded(f"{len(bad)} extract file(s) not loaded:\n" + "\n".join(lines))


def land_inbox(
    source: str, settings: Settings | None = None, regions: RegionList | None = None
) -> list[LandingOutcome]:
    """Process every file in data/inbox/<source>/ and return one outcome per file; raises for none."""
    schema = schema_for(source)
    settings = settings or get_settings()
    files = _inbox_files(inbox_dir(settings, source))
    if not files:
        return []
    region_list = cache(lambda: _resolve_regions(settings, regions))
    loaded = _already_loaded(settings, source)
    outcomes = [land_file(path, schema, settings, region_list, loaded) for path in files]
    if any(o.outcome != "loaded" for o in outcomes):
        # Loads mirror the manifest in their own transaction; rejections and duplicates are mirrored here.
        try:
            raw_load.sync_manifest_mirror(settings.warehouse_path, read_manifest(settings.landing_dir))
        except Exception as error:  # the jsonl stays the record; the next load refreshes the mirror
            log.warning("raw.%s not refreshed: %s", raw_load.MANIFEST_TABLE, error)
    return outcomes


__all__ = ["LandingOutcome", "inbox_dir", "land_file", "land_inbox", "quarantine_dir"]
