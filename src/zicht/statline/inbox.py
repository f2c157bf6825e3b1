"""StatLine downloads dropped into data/inbox/statline/: landed, or quarantined with their reason.

The landing zone keeps each file's original bytes (zicht.statline.land), and a rejected file's copy
goes to data/quarantine/statline/ beside a reason naming file, line and rule; either way the file
leaves the inbox. A file whose load failed for another reason (metadata or warehouse unavailable)
stays for the next run.
"""

from __future__ import annotations

from pathlib import Path

from zicht.settings import Settings, get_settings
from zicht.statline.land import SOURCE, land_statline_file
from zicht.statline.read import StatlineFileError


def statline_inbox(settings: Settings) -> Path:
    return settings.data_dir / "inbox" / SOURCE


def pending_statline_files(settings: Settings | None = None) -> list[Path]:
    folder = statline_inbox(settings or get_settings())
    return sorted(path for path in folder.glob("*.csv") if path.is_file()) if folder.exists() else []


def land_statline_inbox(settings: Settings | None = None) -> list[dict]:
    """Land every waiting download; one summary per table loaded, or one per rejected file."""
    settings = settings or get_settings()
    outcomes = []
    for path in pending_statline_files(settings):
        try:
            results = land_statline_file(path, settings=settings)
        except StatlineFileError as error:
            path.unlink()
            outcomes.append(
                {
                    "source": SOURCE,
                    "file": path.name,
                    "outcome": "rejected",
                    "reason": str(error),
                    "quarantine_path": str(error.quarantined),
                }
            )
            continue
        path.unlink()
        outcomes.extend(
            {"source": SOURCE, "file": path.name, "outcome": "loaded", "reason": None, **result.summary()}
            for result in results
        )
    return outcomes
