"""The published mart contract as documented in docs/architecture.md."""

from __future__ import annotations

import re

from zicht.settings import PROJECT_ROOT

ARCHITECTURE_DOC = PROJECT_ROOT / "docs" / "architecture.md"


def published_contract_columns() -> dict[str, str]:
    """Column name -> type of region_population, read from the table in docs/architecture.md."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    section = text.split("## Published mart contract", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\|\s*([a-z_0-9]+)\s*\|\s*([A-Z]+)\s*\|", section, flags=re.MULTILINE)
    assert rows, f"no column table found under 'Published mart contract' in {ARCHITECTURE_DOC}"
    return dict(rows)
