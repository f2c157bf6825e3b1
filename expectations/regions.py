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

# The private warehouse tables that say which regions exist: the reference indeling (the newest year's,
# to which every year is converted) and the division of each year as CBS delivered it.
REFERENCE_REGIONS = "intermediate.int_reference_regions"
REGIONS_PER_YEAR = "intermediate.int_regions_per_year"

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


def reference_indeling_query(reference_regions: str = REFERENCE_REGIONS) -> str:
    """Rows of a dataset converted to the reference indeling whose region is not in it: a merged
    gemeente's old code (no conversion table delivered), or a code never known."""
    # GX fills {batch} in as an aliased subquery: it is named through a CTE, not aliased again.
    return f"""
        WITH published AS (SELECT * FROM {{batch}})
        SELECT *
        FROM published
        WHERE region_level <> 'nederland'
          AND NOT EXISTS (
              SELECT 1 FROM {reference_regions} AS reference
              WHERE reference.region_level = published.region_level
                AND reference.region_code = published.region_code
          )
    """


def year_division_query(regions_per_year: str = REGIONS_PER_YEAR) -> str:
    """Rows of a per-year dataset whose region is not in that year's division: Nederland, the gemeenten,
    wijken and buurten CBS lists for the year, and the provinces and RIEC regions its gemeenten lie in."""
    return f"""
        WITH published AS (SELECT * FROM {{batch}}),
        division AS (
            SELECT period_year, region_level, region_code FROM {regions_per_year}
            UNION SELECT period_year, 'provincie', province_code FROM {regions_per_year}
                  WHERE region_level = 'gemeente'
            UNION SELECT period_year, 'riec', riec_code FROM {regions_per_year}
                  WHERE region_level = 'gemeente'
        )
        SELECT *
        FROM published
        WHERE NOT EXISTS (
            SELECT 1 FROM division
            WHERE division.period_year = published.period_year
              AND division.region_level = published.region_level
              AND division.region_code = published.region_code
        )
    """


def wijk_query() -> str:
    """Rows whose wijk is not the one their code lies in (a wijk's is itself, a buurt's the WK code of its
    first six digits), a wijk on another level, a wijk without its name, or a wijk label that is not
    'gemeente: wijk (wijkcode)' (the wijk filter's list, unique where names repeat)."""
    return """
        SELECT *
        FROM {batch}
        WHERE wijk_code IS DISTINCT FROM CASE region_level
                WHEN 'wijk' THEN region_code
                WHEN 'buurt' THEN 'WK' || substr(region_code, 3, 6)
              END
           OR (wijk_code IS NOT NULL AND wijk_name IS NULL)
           OR wijk_label IS DISTINCT FROM gemeente_name || ': ' || wijk_name || ' (' || wijk_code || ')'
    """
