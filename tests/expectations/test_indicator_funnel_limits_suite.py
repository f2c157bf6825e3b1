"""The indicator_funnel_limits suite: registered; each rule passes a funnel and catches a broken one."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.expectations.batch import fill_batch
from zicht.quality.suites import load_expectations_package, suite_builder

expectations_package = load_expectations_package()
suite = expectations_package.indicator_funnel_limits


def funnel_point(grid_point: int, expected: float, half_width: float, **changes) -> dict:
    """A point of a Poisson funnel around 1; the 99.8 % lines 1.5 times as far out as the 95 % lines."""
    return {
        "period_year": 2024,
        "region_level": "gemeente",
        "theme_code": "drugs",
        "indicator_code": "drugs_om_harddrugs",
        "breakdown_code": "totaal",
        "grid_point": grid_point,
        "expected": expected,
        "denominator": expected * 1000,
        "is_overdispersed": False,
        "variance_inflation": 1.0,
        "between_region_variance": 0.0,
        "lower_95": 1 - half_width,
        "upper_95": 1 + half_width,
        "lower_998": max(1 - 1.5 * half_width, 0.0),
        "upper_998": 1 + 1.5 * half_width,
        **changes,
    }


FUNNEL = [funnel_point(0, 4.0, 0.6), funnel_point(1, 40.0, 0.3), funnel_point(2, 400.0, 0.1)]
RULES = {
    "order": suite.funnel_order_query(),
    "narrowing": suite.narrowing_query(),
    "overdispersion": suite.overdispersion_query(),
    "catalog": suite.catalog_rules_query(),
}


def unexpected(rule: str, rows: list[dict]) -> list[tuple]:
    with duckdb.connect() as connection:
        connection.register("incoming", pd.DataFrame(rows))
        connection.execute("CREATE TABLE indicator_funnel_limits AS SELECT * FROM incoming")
        return connection.execute(fill_batch(RULES[rule], "indicator_funnel_limits")).fetchall()


def test_registry_points_to_the_suite_builder():
    assert expectations_package.SUITES["indicator_funnel_limits"] is suite.build
    assert suite_builder("indicator_funnel_limits") is suite.build


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_funnel_passes_every_rule(rule):
    assert unexpected(rule, FUNNEL) == []


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("order", funnel_point(1, 40.0, 0.3, lower_95=1.05)),  # the line above 1
        ("order", funnel_point(1, 40.0, 0.3, upper_998=1.2)),  # 99.8 % inside 95 %
        ("order", funnel_point(1, 40.0, 0.3, upper_95=None)),
        ("narrowing", funnel_point(1, 2.0, 0.3)),  # the grid falls
        ("narrowing", funnel_point(1, 40.0, 0.9)),  # wider further out than at its start
        ("overdispersion", funnel_point(1, 40.0, 0.3, variance_inflation=2.5)),
        ("overdispersion", funnel_point(1, 40.0, 0.3, is_overdispersed=True)),
        ("catalog", funnel_point(1, 40.0, 0.3, region_level="buurt")),  # OM: not per buurt
    ],
)
def test_a_broken_funnel_is_caught(rule, broken):
    rows = [row for row in FUNNEL if row["grid_point"] != broken["grid_point"]]
    assert unexpected(rule, [*rows, broken]) != []
