"""StatLine downloads dropped into data/inbox/statline/: landed, or quarantined with their reason.

The landing zone keeps each file's original bytes (zicht.statline.land), so a landed file leaves the
inbox; a rejected one moves to data/quarantine/statline/ beside a reason naming file, line and rule.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

from zicht.landing import retrieval_stamp
from zicht.settings import Settings, get_settings
from zicht.statline.land import SOURCE, land_statline_file
from zicht.statline.read import StatlineFileError


def statline_inbox(settings: Settings) -> Path:
    return settings.data_dir / "inbox" / SOURCE


def pending_statline_files(settings: Settings | None = None) -> list[Path]:
    folder = statline_inbox(settings or get_settings())
    return sorted(path for path in folder.glob("*.csv") if path.is_file()) if folder.exists() else []


def _quarantine(settings: Settings, path: Path, error: StatlineFileError) -> Path:
    folder = settings.data_dir / "quarantine" / SOURCE
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{retrieval_stamp(datetime.now(UTC))}_{path.name}"
    reason = {
        "file": path.name,
        "source": SOURCE,
        "rule": error.rule,
        "line": error.line,
        "column": error.column,
        "reason": str(error),
    }
    # Reasons first: a quarantined file is never without its explanation.
    Path(f"{target}.reason.json").write_text(json.dumps(reason, indent=2, ensure_ascii=False) + "\n")
    Path(f"{target}.reason.txt").write_text(f"{path.name} was rejected: {error}\n", encoding="utf-8")
    shutil.move(path, target)
    return target


def land_statline_inbox(settings: Settings | None = None) -> list[dict]:
    """Land every waiting download; one summary per file with outcome loaded or rejected."""
    settings = settings or get_settings()
    outcomes = []
    for path in pending_statline_files(settings):
        try:
            result = land_statline_file(path, settings=settings)
        except StatlineFileError as error:
            target = _quarantine(settings, path, error)
            outcomes.append(
                {
                    "source": SOURCE,
                    "file": path.name,
                    "outcome": "rejected",
                    "reason": str(error),
                    "quarantine_path": str(target),
                }
            )
            continue
        path.unlink()
        outcomes.append(
            {"source": SOURCE, "file": path.name, "outcome": "loaded", "reason": None, **result.summary()}
        )
    return outcomes
