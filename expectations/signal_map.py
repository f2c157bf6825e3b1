"""Suite for the published mart ``signal_map``: per region, year and theme, the count of signals."""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from zicht.indicators import load_catalog

from .regions import REGION_LEVELS, reference_indeling_query, region_code_by_level_query, wijk_query

DATASET = "signal_map"
GRAIN = ["period_year", "region_level", "region_code", "theme_code"]


def build() -> list[Expectation]:
    ge = gx.expectations
    return [
        ge.ExpectCompoundColumnsToBeUnique(
            column_list=GRAIN, description="One row per year, region and theme."
        ),
        *(ge.ExpectColumnValuesToNotBeNull(column=column) for column in GRAIN),
        ge.ExpectColumnValuesToBeInSet(
            column="region_level", value_set=[level for level in REGION_LEVELS if level != "nederland"]
        ),
        ge.ExpectColumnValuesToBeInSet(column="theme_code", value_set=sorted(load_catalog().themes)),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=region_code_by_level_query(),
            description="The region code has the pattern of its level.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=reference_indeling_query(),
            description="Every region is one of the reference indeling, to which every year is converted.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=wijk_query(),
            description="A wijk's and a buurt's wijk is the one its code lies in, with its name.",
        ),
        ge.ExpectColumnValuesToBeBetween(column="signals", min_value=0),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query="SELECT * FROM {batch} WHERE signals > indicators_assessed",
            description="A theme cannot have more signals than indicators assessed.",
        ),
    ]
