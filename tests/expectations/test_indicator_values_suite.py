"""The indicator_values suite: each SQL rule passes valid rows and catches rows made to break it."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from zicht.quality.suites import load_expectations_package

suite = load_expectations_package().indicator_values

NEDERLAND = {
    "period_year": 2024,
    "region_level": "nederland",
    "region_code": "NL00",
    "theme_code": "drugs",
    "indicator_code": "drugs_om_harddrugs",
    "breakdown_code": "totaal",
    "numerator": 100.0,
    "denominator": 100_000.0,
    "value": 10.0,
    "national_value": 10.0,
    "index_nl": 100.0,
    "ratio": 1.0,
    "ratio_lower": None,
    "ratio_upper": None,
    "significance": None,
    "is_signal": False,
    "percentile_rank": 0.0,
    "is_published": True,
    "suppression_reason": None,
}
GEMEENTE = {
    **NEDERLAND,
    "region_level": "gemeente",
    "region_code": "GM0014",
    "numerator": 30.0,
    "denominator": 10_000.0,
    "value": 30.0,
    "index_nl": 300.0,
    "ratio": 3.0,
    "ratio_lower": 2.02,
    "ratio_upper": 4.28,
    "significance": "hoger",
    "is_signal": True,
    "percentile_rank": 1.0,
}
SMALL = {
    **GEMEENTE,
    "region_code": "GM0034",
    "numerator": 1.0,
    "denominator": 500.0,
    "value": None,
    "index_nl": None,
    "ratio": None,
    "ratio_lower": None,
    "ratio_upper": None,
    "significance": None,
    "is_signal": False,
    "percentile_rank": None,
    "is_published": False,
    "suppression_reason": "small_denominator",
}
SHARE_NL = {
    **NEDERLAND,
    "indicator_code": "drugs_om_jong_aandeel",
    "numerator": 20.0,
    "denominator": 100.0,
    "value": 20.0,
    "national_value": 20.0,
}
VALID = [NEDERLAND, GEMEENTE, SMALL, SHARE_NL]

RULES = {
    "catalog": suite.catalog_rules_query(),
    "minimum": suite.minimum_denominator_query(),
    "frequency": suite.minimum_frequency_query(),
    "range": suite.range_query(),
    "suppression": suite.suppression_query(),
    "index": suite.index_query(),
    "national": suite.national_value_query(),
    "one_nederland": suite.one_nederland_row_query(),
    "significance": suite.significance_query(),
}


def unexpected(rule: str, rows: list[dict]) -> list[tuple]:
    with duckdb.connect() as connection:
        connection.register("incoming", pd.DataFrame(rows))
        connection.execute("CREATE TABLE indicator_values AS SELECT * FROM incoming")
        return connection.execute(RULES[rule].format(batch="indicator_values")).fetchall()


@pytest.mark.parametrize("rule", sorted(RULES))
def test_valid_rows_pass_every_rule(rule):
    assert unexpected(rule, VALID) == []


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("catalog", {**GEMEENTE, "indicator_code": "onbekend"}),
        ("catalog", {**GEMEENTE, "region_level": "buurt", "region_code": "BU00140101"}),  # OM: not per buurt
        ("catalog", {**GEMEENTE, "theme_code": "wonen"}),
        ("minimum", {**SMALL, "value": 20.0, "is_published": True, "suppression_reason": None}),
        ("range", {**SHARE_NL, "region_level": "gemeente", "region_code": "GM0014", "numerator": 120.0}),
        ("range", {**GEMEENTE, "value": -1.0}),
        ("frequency", {**GEMEENTE, "numerator": 4.0, "value": 4.0}),  # 4 OM cases: fewer than 10 persons
        ("suppression", {**SMALL, "suppression_reason": None}),
        ("suppression", {**SMALL, "index_nl": 200.0}),
        ("suppression", {**SMALL, "is_signal": True}),
        ("suppression", {**GEMEENTE, "suppression_reason": "small_denominator"}),
        ("index", {**GEMEENTE, "index_nl": 250.0}),
        ("national", {**GEMEENTE, "national_value": 12.0}),
        ("significance", {**GEMEENTE, "significance": "niet_significant"}),
        ("significance", {**GEMEENTE, "is_signal": False}),
        ("significance", {**GEMEENTE, "ratio": 5.0}),
    ],
)
def test_a_broken_row_is_caught(rule, broken):
    rows = [
        row
        for row in VALID
        if row["region_code"] != broken["region_code"] or row["indicator_code"] != broken["indicator_code"]
    ]
    assert unexpected(rule, [*rows, broken]) != []


def test_two_nederland_rows_are_caught():
    assert unexpected("one_nederland", [*VALID, NEDERLAND]) != []
