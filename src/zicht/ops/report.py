"""What a health check finds: findings with a severity and one line each, grouped by area."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    OK = "ok"
    ATTENTION = "attention"


class Area(StrEnum):
    """The groups `zicht status` prints, in this order."""

    PUBLICATION = "publication"
    QUALITY_GATE = "quality_gate"
    SOURCES = "sources"
    QUARANTINE = "quarantine"
    RUNS = "runs"


AREA_TITLES = {
    Area.PUBLICATION: "Publication",
    Area.QUALITY_GATE: "Quality gate",
    Area.SOURCES: "Sources",
    Area.QUARANTINE: "Quarantine",
    Area.RUNS: "Runs",
}


@dataclass(frozen=True)
class Finding:
    area: Area
    check: str  # what was checked, e.g. "source_stale"; alerts use it as their kind
    subject: str  # what it is about, e.g. "cbs/85984NED"; with check it identifies the finding
    severity: Severity
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Stable over runs, so the same problem found twice is recognised as the same."""
        return f"{self.area.value}:{self.check}:{self.subject}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "area": self.area.value, "severity": self.severity.value, "key": self.key}


@dataclass(frozen=True)
class HealthReport:
    checked_at: datetime
    data_dir: str
    findings: tuple[Finding, ...]
    unreadable: str | None = None  # set when the state could not be read at all

    @property
    def needs_attention(self) -> bool:
        return self.unreadable is not None or any(f.severity is Severity.ATTENTION for f in self.findings)

    @property
    def attention(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ATTENTION]

    def in_area(self, area: Area) -> list[Finding]:
        return [f for f in self.findings if f.area is area]

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked_at": self.checked_at.isoformat(),
            "data_dir": self.data_dir,
            "needs_attention": self.needs_attention,
            "unreadable": self.unreadable,
            "findings": [f.as_dict() for f in self.findings],
        }


def ok(area: Area, check: str, subject: str, message: str, **details: Any) -> Finding:
    return Finding(area, check, subject, Severity.OK, message, details)


def attention(area: Area, check: str, subject: str, message: str, **details: Any) -> Finding:
    return Finding(area, check, subject, Severity.ATTENTION, message, details)


def parse_moment(value: str) -> datetime:
    """An ISO timestamp as an aware UTC datetime; a naive one is taken to be UTC already."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def age_text(age: timedelta) -> str:
    """A short age for one-line messages: '45 min', '5 h', '60 d'."""
    seconds = age.total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 48 * 3600:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"
