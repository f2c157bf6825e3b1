"""Suite for the published mart ``indicator_funnel``: the funnel plots as the dashboards draw them.

The table shows nothing of its own: its points are the assessed rows of indicator_values and its lines
the rows of indicator_funnel_limits, each wijk and buurt line once for every (province, RIEC region)
pair of the gemeenten, each line above once. The rules check exactly that, against the marts
published beside it.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from zicht import row_scope

DATASET = "indicator_funnel"
SERIES_KINDS = ["regio", "grens"]
POINT_KEY = ("period_year", "region_level", "region_code", "indicator_code", "breakdown_code")
POINT_VALUES = (
    "region_name", "province_code", "riec_code", "theme_code", "indicator_name", "breakdown_name",
    "expected", "ratio", "significance_adjusted",
)  # fmt: skip
LINE_KEY = ("period_year", "region_level", "indicator_code", "breakdown_code", "grid_point")
LINE_VALUES = ("theme_code", "expected", "lower_95", "upper_95", "lower_998", "upper_998")
INDICATOR_VALUES = "marts.indicator_values"
# The levels whose lines are repeated per (province, RIEC region) pair, as row-level security needs.
DETAIL_LEVELS = ", ".join(f"'{level}'" for level in row_scope.DETAIL_LEVELS)
FUNNEL_LIMITS = "marts.indicator_funnel_limits"


def _unmatched(drawn: str, source: str, key: tuple[str, ...], values: tuple[str, ...]) -> str:
    """Rows of `drawn` and `source` (subqueries aliased d and s) that find no equal row in the other:
    a full join on the key, then every value compared (a hash join, not a sort of every column)."""
    # NULL matches NULL: the lines above wijk level carry no province or RIEC region.
    on = " AND ".join(f"d.{column} IS NOT DISTINCT FROM s.{column}" for column in key)
    differs = " OR ".join(f"d.{column} IS DISTINCT FROM s.{column}" for column in values)
    return f"""
        SELECT {", ".join(f"coalesce(d.{c}, s.{c}) AS {c}" for c in key)},
            CASE WHEN s.{key[0]} IS NULL THEN 'drawn, not in the source'
                 WHEN d.{key[0]} IS NULL THEN 'in the source, not drawn'
                 ELSE 'drawn otherwise than the source' END AS problem
        FROM ({drawn}) AS d
        FULL JOIN ({source}) AS s ON {on}
        WHERE d.{key[0]} IS NULL OR s.{key[0]} IS NULL OR {differs}
    """


def points_query() -> str:
    """Points that are not an assessed row of indicator_values, assessed rows without their point, and
    points whose figures or names differ from the row's. The key is unique in indicator_values."""
    columns = ", ".join((*POINT_KEY, *POINT_VALUES))
    return _unmatched(
        f"SELECT {columns} FROM {{batch}} WHERE series_kind = 'regio'",
        f"SELECT {columns} FROM {INDICATOR_VALUES} WHERE significance IS NOT NULL",
        POINT_KEY,
        POINT_VALUES,
    )


def lines_query() -> str:
    """Lines that are not a row of indicator_funnel_limits with its names, wijk and buurt limits that
    lack their line for some (province, RIEC region) pair of the gemeenten, limits above that are not
    drawn exactly once without a pair, and lines whose limits differ."""
    names = (
        f"SELECT DISTINCT indicator_code, indicator_name, breakdown_code, breakdown_name "
        f"FROM {INDICATOR_VALUES} WHERE region_level = 'nederland'"
    )
    areas = (
        f"SELECT DISTINCT province_code, riec_code FROM {INDICATOR_VALUES} WHERE region_level = 'gemeente'"
    )
    key = (*LINE_KEY, "province_code", "riec_code")
    values = (*LINE_VALUES, "indicator_name", "breakdown_name")
    source = f"""
        SELECT {", ".join(f"limits.{c}" for c in (*LINE_KEY, *LINE_VALUES))},
            names.indicator_name, names.breakdown_name, areas.province_code, areas.riec_code
        FROM {FUNNEL_LIMITS} AS limits
        JOIN ({names}) AS names USING (indicator_code, breakdown_code)
        LEFT JOIN ({areas}) AS areas ON limits.region_level IN ({DETAIL_LEVELS})
    """
    drawn = f"SELECT {', '.join((*key, *values))} FROM {{batch}} WHERE series_kind = 'grens'"
    return _unmatched(drawn, source, key, values)


def duplicates_query() -> str:
    """A point or line drawn twice: the joins above compare one row per key."""
    return """
        SELECT series_kind, period_year, region_level, region_code, indicator_code, breakdown_code,
            grid_point, province_code, riec_code, count(*) AS times
        FROM {batch}
        GROUP BY ALL
        HAVING count(*) > 1
    """


def series_columns_query() -> str:
    """A point with a line's columns or a line with a point's: each series fills only its own."""
    return """
        SELECT *
        FROM {batch}
        WHERE (series_kind = 'regio' AND (region_code IS NULL OR grid_point IS NOT NULL
                                          OR lower_95 IS NOT NULL OR upper_998 IS NOT NULL))
           OR (series_kind = 'grens' AND (region_code IS NOT NULL OR region_name IS NOT NULL
                                          OR ratio IS NOT NULL OR significance_adjusted IS NOT NULL))
    """


def build() -> list[Expectation]:
    ge = gx.expectations
    return [
        ge.ExpectTableRowCountToBeBetween(min_value=1, description="The mart is not empty."),
        ge.ExpectColumnValuesToBeInSet(column="series_kind", value_set=SERIES_KINDS),
        *(
            ge.ExpectColumnValuesToNotBeNull(column=c)
            for c in ("series_kind", "period_year", "indicator_code")
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=series_columns_query(),
            description="A point carries a region and its ratio; a line its grid point and limits.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=duplicates_query(),
            description="Every point and every line is drawn once.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=points_query(),
            description="The points are the assessed rows of indicator_values, exactly: nothing else shows.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=lines_query(),
            description=(
                "The lines are exactly indicator_funnel_limits: of wijken and buurten once for every "
                "province and RIEC region pair of the gemeenten, above that once."
            ),
        ),
    ]
