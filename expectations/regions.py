"""Region rules shared by the suites: the levels and the code pattern of each level."""

from __future__ import annotations

# The code pattern of every region level; anchored because DuckDB's regexp_matches searches.
CODE_PATTERN_BY_LEVEL = {
    "nederland": r"^NL00$",
    "provincie": r"^PV[0-9]{2}$",
    "riec": r"^RIEC[0-9]{2}$",
    "gemeente": r"^GM[0-9]{4}$",
    "wijk": r"^WK[0-9]{6}$",
    "buurt": r"^BU[0-9]{8}$",
}
REGION_LEVELS = list(CODE_PATTERN_BY_LEVEL)

# Absolute slack on an index (a percentage): marts store doubles computed in one query, so only
# floating-point noise is expected; a wrong national figure moves the index by far more.
INDEX_TOLERANCE = 1e-6


def sql_literal(text: str) -> str:
    """A SQL string literal, with braces doubled so GX's ``str.format`` of ``{batch}`` keeps them."""
    quoted = "'" + text.replace("'", "''") + "'"
    return quoted.replace("{", "{{").replace("}", "}}")


def region_code_by_level_query(levels: list[str] | None = None) -> str:
    """Rows whose code lacks the pattern of their level; a level outside `levels` (default all) too."""
    # One CASE branch per level keeps every pattern a constant, so DuckDB compiles each regex once;
    # a pattern taken from a joined column is recompiled per row (seconds on a million rows).
    branches = "\n".join(
        f"WHEN {sql_literal(level)} THEN regexp_matches(region_code, {sql_literal(pattern)})"
        for level, pattern in CODE_PATTERN_BY_LEVEL.items()
        if level in (levels or REGION_LEVELS)
    )
    # An unknown level or a NULL code yields NULL, so the row is reported too.
    return f"""
        SELECT *
        FROM {{batch}}
        WHERE NOT coalesce(CASE region_level {branches} END, false)
    """
