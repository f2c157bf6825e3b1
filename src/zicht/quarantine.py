"""Quarantine: a refused file beside the reason it was refused, until a person decides.

`quarantine/<source>/<stamp>_<file>` next to `<...>.reason.json` (for tools: file, rule, where) and
`<...>.reason.txt` (for people). The reasons are written first, so a quarantined file is never
without its explanation; `zicht status` reports every file found there (zicht.ops.quarantine_check).
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from zicht.landing import retrieval_stamp


def quarantine_file(folder: Path, file: Path, moment: datetime, reason: dict, *, move: bool) -> Path:
    """Put `file` (moved, or copied when the original stays where it is) into `folder` beside its
    reason; `reason["reason"]` is the sentence a person reads. Returns the quarantined file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{retrieval_stamp(moment)}_{file.name}"
    Path(f"{target}.reason.json").write_text(json.dumps(reason, indent=2, ensure_ascii=False) + "\n")
    Path(f"{target}.reason.txt").write_text(
        f"{file.name} was rejected: {reason['reason']}\n", encoding="utf-8"
    )
    if move:
        shutil.move(file, target)
    else:
        shutil.copyfile(file, target)
    return target
