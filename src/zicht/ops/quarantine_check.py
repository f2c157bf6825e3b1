"""Which files did landing refuse, and why?

Landing moves a refused file to `quarantine/<source>/` and writes beside it a `*.reason.json`
(`<file>.reason.json` or `<stem>.reason.json`; the extract landing adds a `.reason.txt` for people).
Every quarantined file needs a person's decision, so each one is a finding; a file without a reason
is reported too, since that is worse.
"""

from __future__ import annotations

import json
from pathlib import Path

from zicht.ops.report import Area, Finding, attention, ok

AREA = Area.QUARANTINE
REASON_SUFFIX = ".reason.json"
COMPANION_SUFFIXES = (REASON_SUFFIX, ".reason.txt")  # explanations, not quarantined files
REASON_KEYS = ("reason", "reasons", "error", "message", "detail")


def _violations_text(content: dict) -> str:
    """The extract landing's shape: all counts per rule, and the violations themselves."""
    violations = content["violations"]
    counts = content.get("counts_per_rule") or {}
    total = sum(counts.values()) if counts else len(violations)
    first = violations[0] if isinstance(violations[0], dict) else {"message": str(violations[0])}
    where = ", ".join(f"{key} {first[key]}" for key in ("row", "column") if first.get(key) is not None)
    rule = f"rule {first['rule']}: " if first.get("rule") else ""
    return f"{total} problem(s); first: {where + ': ' if where else ''}{rule}{first.get('message', '')}"


def _reason_text(reason_file: Path) -> str:
    try:
        content = json.loads(reason_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return f"reason file unreadable: {error}"
    if isinstance(content, dict):
        for key in REASON_KEYS:
            if content.get(key):
                value = content[key]
                return "; ".join(map(str, value)) if isinstance(value, list) else str(value)
        if content.get("violations"):
            return _violations_text(content)
    return json.dumps(content, ensure_ascii=False, sort_keys=True)[:200]


def _reason_file_for(path: Path) -> Path | None:
    for candidate in (path.with_name(path.name + REASON_SUFFIX), path.with_name(path.stem + REASON_SUFFIX)):
        if candidate.exists():
            return candidate
    return None


def _visible_files(root: Path) -> list[Path]:
    """Files under root, skipping hidden ones (a move still in progress)."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def check_quarantine(quarantine_dir: Path) -> list[Finding]:
    root = Path(quarantine_dir)
    if not root.exists():
        return [ok(AREA, "quarantine_empty", "quarantine", "no quarantined files")]
    files = _visible_files(root)
    reason_files = {p for p in files if p.name.endswith(REASON_SUFFIX)}
    data_files = [p for p in files if not p.name.endswith(COMPANION_SUFFIXES)]
    findings = []
    explained = set()
    for path in data_files:
        relative = path.relative_to(root).as_posix()
        reason_file = _reason_file_for(path)
        if reason_file is not None:
            explained.add(reason_file)
        reason = _reason_text(reason_file) if reason_file else "no reason file"
        findings.append(
            attention(
                AREA,
                "quarantined_file",
                relative,
                f"{relative}: {reason}",
                path=str(path),
                reason_file=str(reason_file) if reason_file else None,
            )
        )
    # A reason whose file is gone still records that something was refused.
    for reason_file in sorted(reason_files - explained):
        relative = reason_file.relative_to(root).as_posix()[: -len(REASON_SUFFIX)]
        findings.append(
            attention(
                AREA,
                "quarantined_file",
                relative,
                f"{relative}: {_reason_text(reason_file)} (file itself not present)",
                reason_file=str(reason_file),
            )
        )
    return findings or [ok(AREA, "quarantine_empty", "quarantine", "no quarantined files")]
