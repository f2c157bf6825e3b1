"""The indicator_funnel suite: the funnel shows exactly the assessed values and the limits, nothing else."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.expectations.batch import fill_batch
from zicht.quality.suites import load_expectations_package

suite = load_expectations_package().indicator_funnel

NAMES = {
    "theme_code": "drugs",
    "indicator_name": "Harddrugs",
    "breakdown_code": "totaal",
    "breakdown_name": "Totaal",
}
KEY = {"period_year": 2024, "indicator_code": "drugs_om_harddrugs", **NAMES}


def value(level: str, code: str, province: str | None, riec: str | None, **fields) -> dict:
    """A row of indicator_values with the columns the funnel reads."""
    return {
        **KEY,
        "region_level": level,
        "region_code": code,
        "region_name": f"Regio {code}",
        "province_code": province,
        "riec_code": riec,
        "expected": None,
        "ratio": None,
        "significance": None,
        "significance_adjusted": None,
        **fields,
    }


VALUES = [
    value("nederland", "NL00", None, None, expected=100.0, ratio=1.0),
    value("gemeente", "GM0014", "PV20", "RIEC01", expected=10.0, ratio=3.0, significance="hoger",
          significance_adjusted="hoger"),
    value("gemeente", "GM0016", "PV21", "RIEC01", expected=40.0, ratio=0.9, significance="niet_significant",
          significance_adjusted="niet_significant"),
    value("gemeente", "GM0034", "PV21", "RIEC02", expected=1.0),  # not assessed: no point
]  # fmt: skip
LIMITS = [
    {"period_year": 2024, "region_level": level, "theme_code": "drugs",
     "indicator_code": "drugs_om_harddrugs", "breakdown_code": "totaal", "grid_point": point,
     "expected": expected, "lower_95": 1 - width, "upper_95": 1 + width, "lower_998": 1 - 1.5 * width,
     "upper_998": 1 + 1.5 * width}
    for level in ("gemeente", "wijk")
    for point, expected, width in [(0, 10.0, 0.6), (1, 40.0, 0.3)]
]  # fmt: skip
AREAS = [("PV20", "RIEC01"), ("PV21", "RIEC01"), ("PV21", "RIEC02")]
LINE_FIELDS = ("grid_point", "lower_95", "upper_95", "lower_998", "upper_998")


def valid_funnel() -> list[dict]:
    points = [
        {"series_kind": "regio", **{k: v for k, v in row.items() if k != "significance"}}
        | dict.fromkeys(LINE_FIELDS)
        for row in VALUES
        if row["significance"] is not None
    ]
    # Wijk lines once per (province, RIEC region) pair, so that row-level security keeps them for
    # every analyst; gemeente lines once, without a pair.
    lines = [
        {"series_kind": "grens", **limit, **NAMES, "region_code": None, "region_name": None,
         "province_code": province, "riec_code": riec, "ratio": None, "significance_adjusted": None}
        for limit in LIMITS
        for province, riec in (AREAS if limit["region_level"] == "wijk" else [(None, None)])
    ]  # fmt: skip
    return points + lines


RULES = {
    "series_columns": suite.series_columns_query(),
    "points": suite.points_query(),
    "lines": suite.lines_query(),
    "duplicates": suite.duplicates_query(),
}


def unexpected(rule: str, funnel: list[dict]) -> list[tuple]:
    with duckdb.connect() as connection:
        connection.execute("CREATE SCHEMA marts")
        for table, rows in (
            ("indicator_funnel", funnel),
            ("indicator_values", VALUES),
            ("indicator_funnel_limits", LIMITS),
        ):
            connection.register("incoming", pd.DataFrame(rows))
            connection.execute(f"CREATE TABLE marts.{table} AS SELECT * FROM incoming")
            connection.unregister("incoming")
        return connection.execute(fill_batch(RULES[rule], "marts.indicator_funnel")).fetchall()


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_funnel_as_built_passes_every_rule(rule):
    assert unexpected(rule, valid_funnel()) == []


def _changed(index: int, **changes) -> list[dict]:
    rows = valid_funnel()
    rows[index] = rows[index] | changes
    return rows


@pytest.mark.parametrize(
    ("rule", "funnel"),
    [
        ("points", _changed(0, ratio=2.5)),  # a ratio indicator_values does not show
        ("points", valid_funnel()[1:]),  # an assessed region without its point
        ("points", [*valid_funnel(), valid_funnel()[0] | {"region_code": "GM0034", "ratio": 0.5}]),
        ("lines", _changed(2, upper_998=9.0)),
        ("lines", [r for r in valid_funnel() if r.get("riec_code") != "RIEC02"]),  # an analyst would lose it
        ("lines", _changed(2, province_code="PV20", riec_code="RIEC01")),  # a gemeente line with a pair
        ("lines", [*valid_funnel(), valid_funnel()[2] | {"province_code": "PV21", "riec_code": "RIEC02"}]),
        ("lines", _changed(3, indicator_name="Iets anders")),
        ("duplicates", [*valid_funnel(), valid_funnel()[0]]),
        ("duplicates", [*valid_funnel(), valid_funnel()[2]]),
        ("series_columns", _changed(0, grid_point=0)),
        ("series_columns", _changed(2, ratio=1.0)),
    ],
)
def test_a_funnel_showing_more_or_less_is_caught(rule, funnel):
    assert unexpected(rule, funnel)


def test_the_suite_is_the_gate_of_the_published_funnel():
    from expectations import SUITES

    assert "indicator_funnel" in SUITES
    assert suite.DATASET == "indicator_funnel"
