"""The region_shapes suite's SQL rules, each run straight in DuckDB against rows made to break it."""

from __future__ import annotations

import duckdb
import pytest

from tests.expectations.batch import fill_batch
from zicht.quality.suites import load_expectations_package

suite = load_expectations_package().region_shapes
region_code_by_level_query = load_expectations_package().regions.region_code_by_level_query

SQUARE = "[[4.0,52.0],[4.1,52.0],[4.1,52.1],[4.0,52.1],[4.0,52.0]]"


def unexpected(query: str, rows: list[tuple], population: list[tuple] = ()) -> list[tuple]:
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts")
        grain = "period_year INTEGER, region_level VARCHAR, region_code VARCHAR"
        con.execute(f"CREATE TABLE marts.region_population ({grain})")
        con.execute(f"CREATE TABLE region_shapes ({grain}, polygon VARCHAR)")
        if population:
            con.executemany("INSERT INTO marts.region_population VALUES (?, ?, ?)", population)
        con.executemany("INSERT INTO region_shapes VALUES (?, ?, ?, ?)", rows)
        return con.execute(fill_batch(query, "region_shapes")).fetchall()


def test_suite_is_registered():
    assert "region_shapes" in load_expectations_package().SUITES


@pytest.mark.parametrize(
    ("polygon", "reported"),
    [
        (SQUARE, False),
        ("[[4.0,52.0],[4.1,52.0],[4.1,52.1],[4.0,52.1]]", True),  # not closed
        ("[[4.0,52.0],[4.1,52.0],[4.0,52.0]]", True),  # too few positions
        ("not json", True),
        ('{"type":"Polygon"}', True),
    ],
)
def test_ring_rule(polygon, reported):
    assert bool(unexpected(suite.ring_query(), [(2025, "buurt", "BU00140101", polygon)])) == reported


@pytest.mark.parametrize(
    ("polygon", "reported"),
    [
        (SQUARE, False),
        ("[[52.0,4.0],[52.1,4.0],[52.1,4.1],[52.0,4.0]]", True),  # lat, lon swapped
        ("[[155000,463000],[155100,463000],[155100,463100],[155000,463000]]", True),  # RD New metres
        ("[[4.0,52.0,1.0],[4.1,52.0,1.0],[4.1,52.1,1.0],[4.0,52.0,1.0]]", True),  # not [lon, lat]
    ],
)
def test_positions_rule(polygon, reported):
    assert bool(unexpected(suite.positions_query(), [(2025, "buurt", "BU00140101", polygon)])) == reported


def test_codes_must_be_published_in_the_same_year_and_level():
    rows = [
        (2025, "buurt", "BU00140101", SQUARE),
        (2025, "wijk", "WK001401", SQUARE),
        (2024, "buurt", "BU00140101", SQUARE),
    ]
    population = [(2025, "buurt", "BU00140101"), (2025, "gemeente", "WK001401")]
    reported = unexpected(suite.codes_known_query(), rows, population)
    assert sorted((year, code) for year, _, code, _ in reported) == [(2024, "BU00140101"), (2025, "WK001401")]


@pytest.mark.parametrize(
    ("level", "code", "reported"),
    [("buurt", "BU00140101", False), ("wijk", "BU00140101", True), ("gemeente", "GM14", True)],
)
def test_code_pattern_per_level(level, code, reported):
    query = region_code_by_level_query(suite.REGION_LEVELS)
    assert bool(unexpected(query, [(2025, level, code, SQUARE)])) == reported
