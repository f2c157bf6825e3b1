"""Render docs/extracts.md's schema tables from the declarations, so the doc cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from zicht.extracts.raw_load import LINEAGE_COLUMNS, RAW_SCHEMA
from zicht.extracts.schemas import SCHEMAS, Column, ExtractSchema
from zicht.generated_docs import replace_section
from zicht.settings import PROJECT_ROOT

DOC_PATH = PROJECT_ROOT / "docs" / "extracts.md"


def _checks(column: Column) -> str:
    parts = []
    if column.pattern:
        parts.append(f"matches `{column.pattern}`")
    if column.date_format:
        parts.append(f"date `{column.date_format}`")
    if column.allowed:
        parts.append("one of " + ", ".join(f"`{v}`" for v in column.allowed))
    if column.minimum is not None:
        parts.append(f">= {column.minimum:g}")
    if column.region_level:
        parts.append(f"{column.region_level} code of the region list")
    if column.sbi:
        parts.append("SBI 2008 division known")
    return "; ".join(parts)


def render_schema(schema: ExtractSchema) -> str:
    dialects = "; ".join(
        f"delimiter `{d.delimiter}` with {', '.join(d.encodings)} and decimal mark `{d.decimal}`"
        for d in schema.dialects
    )
    year = (
        f"the year in column `{schema.region_year_column}`"
        if schema.region_year_column
        else "the newest year"
    )
    lines = [
        f"### `{schema.source}` -> `{RAW_SCHEMA}.{schema.raw_table}`",
        "",
        schema.description,
        "",
        f"- files: {', '.join(f'`{t}`' for t in schema.file_types)}; {dialects}",
        f"- key: {', '.join(f'`{k}`' for k in schema.key)} (unique within a file)",
        f"- region codes are checked against {year}",
        f"- row rules: {', '.join(f'`{r}`' for r in schema.row_rules) or 'none'}",
        "",
        "| column | type | required | identifying | checks | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for c in schema.columns:
        lines.append(
            f"| {c.name} | {c.duckdb_type} | {'yes' if c.required else 'no'} | "
            f"{'**yes**' if c.identifying else 'no'} | {_checks(c)} | {c.description} |"
        )
    lineage = ", ".join(f"`{name}` {kind}" for name, kind in LINEAGE_COLUMNS)
    lines += ["", f"Added on load: {lineage}."]
    return "\n".join(lines)


def render_document(current: str) -> str:
    """`current` with its generated section replaced by a fresh rendering."""
    body = "\n\n".join(render_schema(schema) for schema in SCHEMAS.values())
    return replace_section(current, "zicht.extracts.docs", body)


def write_document(path: Path = DOC_PATH) -> None:
    path.write_text(render_document(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    write_document()
