"""What is wrong with a file: a rule broken, where (row as a person sees it in the file), and the value."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# How many violations a rejection lists; the count per rule is always complete.
MAX_LISTED = 20


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str
    row: int | None = None  # 1-based line in the CSV (header = 1) or row in the sheet
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def describe(self, file_name: str) -> str:
        where = f"{file_name}, row {self.row}" if self.row is not None else file_name
        column = f", column {self.column}" if self.column else ""
        return f"{where}{column}: rule {self.rule}: {self.message}"


class ExtractRejected(Exception):
    """The file breaks at least one rule of its declared schema; `violations` says which and where."""

    def __init__(self, file_name: str, violations: list[Violation], counts: dict[str, int] | None = None):
        self.file_name = file_name
        self.violations = sorted(violations, key=lambda v: (v.row or 0, v.rule))[:MAX_LISTED]
        self.counts = counts or _count(violations)
        super().__init__(self.violations[0].describe(file_name) if self.violations else file_name)

    @property
    def first(self) -> Violation:
        return self.violations[0]


def _count(violations: list[Violation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for violation in violations:
        counts[violation.rule] = counts.get(violation.rule, 0) + 1
    return counts
