"""Suite for the published mart ``indicator_funnel_limits``: the lines of the funnel plots.

One row per grid point of each indicator, level, breakdown and year that has assessed regions, at a
level the catalog allows, the lines ordered as a funnel around 1 (99.8 % outside 95 %), narrowing as the
expected count grows, and widened only where the regions are overdispersed.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from zicht.indicators import load_catalog

from .indicator_values import catalog_rules_query
from .regions import REGION_LEVELS

DATASET = "indicator_funnel_limits"
GRAIN = ["period_year", "region_level", "indicator_code", "breakdown_code", "grid_point"]


def funnel_order_query() -> str:
    """Lines out of order: all defined, 0 <= lower 99.8 % <= lower 95 % < 1 < upper 95 % <= upper 99.8 %."""
    return """
        SELECT *
        FROM {batch}
        WHERE lower_95 IS NULL OR upper_95 IS NULL OR lower_998 IS NULL OR upper_998 IS NULL
           OR NOT (0 <= lower_998 AND lower_998 <= lower_95 + 1e-12 AND lower_95 < 1
                   AND 1 < upper_95 AND upper_95 <= upper_998 + 1e-12)
    """


def narrowing_query() -> str:
    """A funnel that widens with the expected count (beyond the step of a discrete limit) or whose
    grid does not rise with the grid point."""
    return """
        SELECT *
        FROM (
            SELECT
                *,
                lag(expected) OVER line AS previous_expected,
                lag(upper_998) OVER line AS previous_upper_998,
                max(upper_998) OVER (PARTITION BY period_year, region_level, indicator_code, breakdown_code)
                    AS widest_upper_998
            FROM {batch}
            WINDOW line AS (
                PARTITION BY period_year, region_level, indicator_code, breakdown_code ORDER BY grid_point
            )
        )
        WHERE expected < previous_expected
           OR (grid_point = 0 AND upper_998 < widest_upper_998 - 1e-9)
    """


def overdispersion_query() -> str:
    """One overdispersion state per funnel; no widening where the regions are not overdispersed."""
    return """
        SELECT period_year, region_level, indicator_code, breakdown_code
        FROM {batch}
        GROUP BY period_year, region_level, indicator_code, breakdown_code
        HAVING count(DISTINCT is_overdispersed) > 1
            OR count(DISTINCT variance_inflation) > 1
            OR count(DISTINCT between_region_variance) > 1
            OR bool_or(NOT is_overdispersed AND (variance_inflation <> 1 OR between_region_variance <> 0))
    """


def build() -> list[Expectation]:
    ge = gx.expectations
    statistics = sorted({i.code for i in load_catalog().indicators if i.statistic != "mean"})
    return [
        ge.ExpectTableRowCountToBeBetween(min_value=1, description="The mart is not empty."),
        ge.ExpectCompoundColumnsToBeUnique(
            column_list=GRAIN, description="One row per grid point of a funnel."
        ),
        *(ge.ExpectColumnValuesToNotBeNull(column=column) for column in [*GRAIN, "expected"]),
        ge.ExpectColumnValuesToBeInSet(
            column="region_level", value_set=[level for level in REGION_LEVELS if level != "nederland"]
        ),
        ge.ExpectColumnValuesToBeInSet(
            column="indicator_code",
            value_set=statistics,
            description="Only indicators with a test (poisson or binomial) have a funnel.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=catalog_rules_query(),
            description="Every indicator is in the catalog, with its theme, at a level the catalog allows.",
        ),
        ge.ExpectColumnValuesToBeBetween(column="expected", min_value=0, strict_min=True),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=funnel_order_query(),
            description="The lines lie around 1, 99.8 % outside 95 %.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=narrowing_query(),
            description="The grid rises and the funnel is widest at its smallest expected count.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=overdispersion_query(),
            description="One overdispersion state per funnel; widened only where overdispersed.",
        ),
    ]
