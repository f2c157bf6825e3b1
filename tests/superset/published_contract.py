"""The published mart contract as documented in docs/architecture.md."""

from __future__ import annotations

import re

from zicht.settings import PROJECT_ROOT

ARCHITECTURE_DOC = PROJECT_ROOT / "docs" / "architecture.md"


def published_contract_columns(table: str = "region_population") -> dict[str, str]:
    """Column name -> type of a published table, read from its table in docs/architecture.md."""
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    section = text.split("## Published mart contract", 1)[1].split("\n## ", 1)[0]
    # Each table's column list follows the first line that names the table in backticks.
    after = section.split(f"`{table}`", 1)[1]
    block = re.search(r"((?:^\|.*\n?)+)", after, flags=re.MULTILINE).group(1)
    rows = re.findall(r"^\|\s*([a-z_0-9]+)\s*\|\s*([A-Z]+)\s*\|", block, flags=re.MULTILINE)
    assert rows, f"no column table for {table} under 'Published mart contract' in {ARCHITECTURE_DOC}"
    return dict(rows)
