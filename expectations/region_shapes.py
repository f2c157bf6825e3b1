"""Suite for the published mart ``region_shapes`` (docs/architecture.md, "Published mart contract").

What the maps draw must be one outline per (year, level, code), each a valid closed JSON ring of
[lon, lat] positions inside the Netherlands, for a region the published ``region_population``
knows in that year, with the province and RIEC region that row-level security filters on.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from .regions import region_code_by_level_query, year_division_query

DATASET = "region_shapes"
GRAIN = ["period_year", "region_level", "region_code"]
REGION_LEVELS = ["gemeente", "wijk", "buurt"]
# Around the Netherlands with its waters; a swapped or projected coordinate falls far outside.
LON_RANGE = (3.0, 7.5)
LAT_RANGE = (50.5, 54.0)
POPULATION_TABLE = "marts.region_population"


def ring_query() -> str:
    # A ring: a JSON array of at least 4 positions, the last equal to the first.
    return """
        SELECT *
        FROM {batch}
        WHERE NOT CASE WHEN coalesce(json_valid(polygon), false) THEN
            json_type(polygon) = 'ARRAY'
            AND json_array_length(polygon) >= 4
            AND json_extract(polygon, '$[0]') = json_extract(polygon, '$[#-1]')
        ELSE false END
    """


def positions_query() -> str:
    # Each position is [lon, lat] in the box; TRY_CAST keeps a malformed ring from aborting the query.
    return f"""
        SELECT DISTINCT period_year, region_level, region_code
        FROM (
            SELECT period_year, region_level, region_code,
                   unnest(coalesce(try_cast(try_cast(polygon AS JSON) AS DOUBLE[][]), [[NULL]])) AS position
            FROM {{batch}}
        )
        WHERE len(position) <> 2
           OR NOT coalesce(position[1] BETWEEN {LON_RANGE[0]} AND {LON_RANGE[1]}
                           AND position[2] BETWEEN {LAT_RANGE[0]} AND {LAT_RANGE[1]}, false)
    """


def codes_known_query(population_table: str = POPULATION_TABLE) -> str:
    return f"""
        SELECT shape.*
        FROM {{batch}} AS shape
        ANTI JOIN {population_table} AS population
            ON population.period_year = shape.period_year
            AND population.region_level = shape.region_level
            AND population.region_code = shape.region_code
    """


def build() -> list[Expectation]:
    """The expectations of the ``region_shapes`` suite, in the order Data Docs shows them."""
    ge = gx.expectations
    return [
        ge.ExpectCompoundColumnsToBeUnique(
            column_list=GRAIN, description="One outline per year, region level and region code."
        ),
        *(ge.ExpectColumnValuesToNotBeNull(column=column) for column in [*GRAIN, "polygon"]),
        ge.ExpectColumnValuesToBeInSet(column="region_level", value_set=REGION_LEVELS),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=region_code_by_level_query(REGION_LEVELS),
            description="The region code has the pattern of its level (GM0000, WK000000, BU00000000).",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=year_division_query(),
            description="Every region is one of that year's division (the gemeenten CBS lists for it).",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=ring_query(),
            description="polygon is a JSON ring: 4 or more positions, the last equal to the first.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=positions_query(),
            description="Every position is [lon, lat] (WGS84) inside the Netherlands.",
        ),
        ge.ExpectColumnValuesToBeBetween(
            column="centroid_lon", min_value=LON_RANGE[0], max_value=LON_RANGE[1]
        ),
        ge.ExpectColumnValuesToBeBetween(
            column="centroid_lat", min_value=LAT_RANGE[0], max_value=LAT_RANGE[1]
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=codes_known_query(),
            description="Every outline is of a region that region_population publishes in that year.",
        ),
        ge.ExpectColumnValuesToMatchRegex(
            column="province_code", regex=r"^PV[0-9]{2}$", description="The province is known (PV20..PV31)."
        ),
        ge.ExpectColumnValuesToMatchRegex(
            column="riec_code",
            regex=r"^RIEC[0-9]{2}$",
            description="The RIEC region is known (RIEC01..RIEC10).",
        ),
        # Row-level security filters on these: a shape without them would be hidden from every analyst.
        ge.ExpectColumnValuesToNotBeNull(column="province_code"),
        ge.ExpectColumnValuesToNotBeNull(column="riec_code"),
    ]
