"""The region_population suite: its shape, and each SQL rule against rows made to break it.

The SQL rules are run straight in DuckDB with ``{batch}`` filled in the way GX does
(``str.format``), so every rule is shown to catch its fault without paying for a GX run; the
checkpoint tests in tests/quality run the whole suite through GX.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.expectations.batch import fill_batch
from zicht.quality.suites import load_expectations_package, suite_builder

expectations_package = load_expectations_package()
suite = expectations_package.region_population

COLUMNS = (
    "period_year INTEGER, region_level VARCHAR, region_code VARCHAR, inhabitants BIGINT, "
    "population_density DOUBLE, national_population_density DOUBLE, population_density_index DOUBLE"
)
NEDERLAND_2024 = (2024, "nederland", "NL00", 1000, 10.0, 10.0, 100.0)
GEMEENTE_2024 = (2024, "gemeente", "GM0014", 600, 15.0, 10.0, 150.0)


def unexpected_rows(query: str, rows: list[tuple]) -> list[tuple]:
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE region_population ({COLUMNS})")
        if rows:
            connection.executemany("INSERT INTO region_population VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return connection.execute(fill_batch(query, "region_population")).fetchall()


def with_code(level: str, code: str | None) -> tuple:
    return (2024, level, code, 600, 15.0, 10.0, 150.0)


def test_registry_points_to_the_suite_builder():
    assert expectations_package.SUITES["region_population"] is suite.build
    assert suite_builder("region_population") is suite.build


def test_suite_covers_the_contract():
    import great_expectations as gx

    built = suite.build()
    kinds = [type(expectation).__name__ for expectation in built]
    assert kinds.count("UnexpectedRowsExpectation") == 5
    compound = next(e for e in built if isinstance(e, gx.expectations.ExpectCompoundColumnsToBeUnique))
    assert compound.column_list == ["period_year", "region_level", "region_code"]
    not_null = {e.column for e in built if isinstance(e, gx.expectations.ExpectColumnValuesToNotBeNull)}
    assert not_null == {"period_year", "region_level", "region_code"}
    level_set = next(e for e in built if isinstance(e, gx.expectations.ExpectColumnValuesToBeInSet))
    assert set(level_set.value_set) == {"nederland", "provincie", "riec", "gemeente", "wijk", "buurt"}
    non_negative = {
        e.column: e.min_value for e in built if isinstance(e, gx.expectations.ExpectColumnValuesToBeBetween)
    }
    assert non_negative == {"inhabitants": 0, "population_density": 0}
    sql_rules = [e for e in built if isinstance(e, gx.expectations.UnexpectedRowsExpectation)]
    assert all("{batch}" in rule.unexpected_rows_query for rule in sql_rules)
    assert all(expectation.description for expectation in sql_rules)


def test_suite_is_a_fresh_list_each_time():
    assert suite.build() is not suite.build()
    assert suite.build() == suite.build()


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("nederland", "NL00"),
        ("provincie", "PV20"),
        ("riec", "RIEC01"),
        ("gemeente", "GM0014"),
        ("wijk", "WK001401"),
        ("buurt", "BU00140101"),
    ],
)
def test_codes_of_the_right_shape_pass(level, code):
    assert unexpected_rows(suite.region_code_by_level_query(), [with_code(level, code)]) == []


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("wijk", "WK0014"),  # too short
        ("gemeente", "GM00141"),  # too long: the pattern must match the whole code
        ("buurt", "WK001401"),  # a wijk code on a buurt
        ("gemeente", "xGM0014"),
        ("gemeente", None),
        ("stadsdeel", "SD01"),  # no such level
    ],
)
def test_codes_of_the_wrong_shape_are_reported(level, code):
    assert len(unexpected_rows(suite.region_code_by_level_query(), [with_code(level, code)])) == 1


def test_index_rule_reports_a_wrong_index_only():
    wrong = (2024, "gemeente", "GM0034", 300, 5.0, 10.0, 55.0)
    missing = (2024, "gemeente", "GM0035", 300, 5.0, 10.0, None)
    no_density = (2024, "buurt", "BU00140102", 0, None, 10.0, None)
    rows = [NEDERLAND_2024, GEMEENTE_2024, wrong, missing, no_density]
    reported = {row[2] for row in unexpected_rows(suite.density_index_query(), rows)}
    assert reported == {"GM0034", "GM0035"}


def test_national_density_must_be_that_years_nederland_density():
    wrong_national = (2024, "gemeente", "GM0034", 300, 5.0, 12.0, 5.0 / 12.0 * 100)
    reported = unexpected_rows(
        suite.national_density_query(), [NEDERLAND_2024, GEMEENTE_2024, wrong_national]
    )
    assert [row[2] for row in reported] == ["GM0034"]


@pytest.mark.parametrize(
    ("rows", "reported_years"),
    [
        ([NEDERLAND_2024, GEMEENTE_2024], []),
        ([NEDERLAND_2024, NEDERLAND_2024, GEMEENTE_2024], [2024]),  # two Nederland rows
        ([GEMEENTE_2024], [2024]),  # none
        ([(2024, "nederland", "NL00", 1000, 10.0, 10.0, 99.0), GEMEENTE_2024], [2024]),  # index not 100
        ([(2024, "nederland", "NL00", 1000, None, None, None)], [2024]),  # no index at all
        ([NEDERLAND_2024, (2025, "gemeente", "GM0014", 1, 1.0, 1.0, 100.0)], [2025]),
    ],
)
def test_exactly_one_nederland_row_with_index_100_per_year(rows, reported_years):
    reported = unexpected_rows(suite.one_nederland_row_per_year_query(), rows)
    assert sorted(row[0] for row in reported) == reported_years
