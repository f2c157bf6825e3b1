"""Suite for the published catalog ``indicators``: exactly the indicators of the catalog, once each."""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from zicht.indicators import load_catalog

DATASET = "indicators"


def build() -> list[Expectation]:
    ge = gx.expectations
    codes = sorted(i.code for i in load_catalog().indicators)
    return [
        ge.ExpectColumnValuesToBeUnique(column="indicator_code"),
        ge.ExpectColumnDistinctValuesToEqualSet(column="indicator_code", value_set=codes),
        ge.ExpectTableRowCountToEqual(value=len(codes)),
        *(
            ge.ExpectColumnValuesToNotBeNull(column=column)
            for column in ("theme_code", "name_nl", "definition", "unit", "statistic", "disclosure_class")
        ),
    ]
