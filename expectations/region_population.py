"""Suite for the published mart ``region_population`` (docs/architecture.md, "Published mart contract").

The gate before publishing: what Superset shows must have one row per (year, level, code), valid
codes per level, non-negative counts, and an index that really is density / national density x 100
with exactly one Nederland row (index 100) per year. Level-specific rules need more than one
column, so they are SQL over ``{batch}`` (``UnexpectedRowsExpectation``); column rules use GX's own
expectations so Data Docs show them in GX's words.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from .regions import INDEX_TOLERANCE, REGION_LEVELS, region_code_by_level_query, year_division_query

DATASET = "region_population"
GRAIN = ["period_year", "region_level", "region_code"]


def density_index_query(tolerance: float = INDEX_TOLERANCE) -> str:
    return f"""
        SELECT *
        FROM {{batch}}
        WHERE population_density IS NOT NULL
          AND national_population_density > 0
          AND (population_density_index IS NULL
               OR abs(population_density_index - 100.0 * population_density / national_population_density)
                  > {tolerance!r})
    """


def national_density_query() -> str:
    # national_population_density must be the density of that year's Nederland row.
    return """
        SELECT region.*
        FROM {batch} AS region
        JOIN {batch} AS nederland
            ON nederland.period_year = region.period_year AND nederland.region_level = 'nederland'
        WHERE region.national_population_density IS DISTINCT FROM nederland.population_density
    """


def one_nederland_row_per_year_query(tolerance: float = INDEX_TOLERANCE) -> str:
    return f"""
        SELECT
            period_year,
            count(*) FILTER (WHERE region_level = 'nederland') AS nederland_rows,
            min(population_density_index) FILTER (WHERE region_level = 'nederland') AS nederland_index
        FROM {{batch}}
        GROUP BY period_year
        HAVING count(*) FILTER (WHERE region_level = 'nederland') <> 1
            OR bool_or(region_level = 'nederland'
                       AND (population_density_index IS NULL
                            OR abs(population_density_index - 100) > {tolerance!r}))
    """


def build() -> list[Expectation]:
    """The expectations of the ``region_population`` suite, in the order Data Docs shows them."""
    ge = gx.expectations
    return [
        ge.ExpectCompoundColumnsToBeUnique(
            column_list=GRAIN, description="One row per year, region level and region code."
        ),
        *(ge.ExpectColumnValuesToNotBeNull(column=column) for column in GRAIN),
        ge.ExpectColumnValuesToBeInSet(column="region_level", value_set=REGION_LEVELS),
        ge.ExpectColumnValuesToMatchRegex(
            column="region_code",
            regex=r"^(NL|PV|RIEC|GM|WK|BU)[0-9]+$",
            description="Every code is a CBS prefix followed by digits.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=region_code_by_level_query(),
            description="The region code has the pattern of its level (GM0000, WK000000, BU00000000, ...).",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=year_division_query(),
            description="Every region is one of that year's division (the gemeenten CBS lists for it).",
        ),
        ge.ExpectColumnValuesToBeBetween(column="inhabitants", min_value=0),
        ge.ExpectColumnValuesToBeBetween(column="population_density", min_value=0),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=density_index_query(),
            description="population_density_index = population_density / national_population_density x 100.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=national_density_query(),
            description="national_population_density is the density of that year's Nederland row.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=one_nederland_row_per_year_query(),
            description="Exactly one Nederland row per year, with index 100.",
        ),
    ]
