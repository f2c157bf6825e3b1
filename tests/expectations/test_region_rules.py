"""The shared region rules: a published region must exist, in the reference indeling for the datasets
converted to it, and in its year's division for the datasets per year."""

from __future__ import annotations

import duckdb
import pytest

from tests.expectations.batch import fill_batch
from zicht.quality.suites import load_expectations_package

regions = load_expectations_package().regions

# The reference indeling of 2025: GM0014 absorbed GM0015 (merged), so GM0015 and its wijk are gone.
REFERENCE = [
    ("provincie", "PV20"),
    ("riec", "RIEC01"),
    ("gemeente", "GM0014"),
    ("wijk", "WK001401"),
    ("buurt", "BU00140101"),
]
# Each year's division as CBS listed it: (year, level, code, province, riec); GM0015 existed in 2021.
DIVISION = [
    (2021, "nederland", "NL00", None, None),
    (2021, "gemeente", "GM0014", "PV20", "RIEC01"),
    (2021, "gemeente", "GM0015", "PV20", "RIEC01"),
    (2021, "wijk", "WK001501", None, None),
    (2025, "nederland", "NL00", None, None),
    (2025, "gemeente", "GM0014", "PV20", "RIEC01"),
    (2025, "wijk", "WK001401", None, None),
]


def unexpected(query: str, published: list[tuple]) -> list[tuple]:
    with duckdb.connect() as connection:
        connection.execute("CREATE SCHEMA intermediate")
        connection.execute(
            "CREATE TABLE intermediate.int_reference_regions (region_level VARCHAR, region_code VARCHAR)"
        )
        connection.executemany("INSERT INTO intermediate.int_reference_regions VALUES (?, ?)", REFERENCE)
        connection.execute(
            "CREATE TABLE intermediate.int_regions_per_year (period_year INTEGER, region_level VARCHAR, "
            "region_code VARCHAR, province_code VARCHAR, riec_code VARCHAR)"
        )
        connection.executemany(
            "INSERT INTO intermediate.int_regions_per_year VALUES (?, ?, ?, ?, ?)", DIVISION
        )
        connection.execute(
            "CREATE TABLE published (period_year INTEGER, region_level VARCHAR, region_code VARCHAR)"
        )
        connection.executemany("INSERT INTO published VALUES (?, ?, ?)", published)
        # as Great Expectations fills it in: an aliased subquery
        return connection.execute(fill_batch(query, "published")).fetchall()


def test_the_reference_indeling_holds_every_converted_region_of_every_year():
    converted = [(year, level, code) for year in (2021, 2025) for level, code in REFERENCE]
    assert unexpected(regions.reference_indeling_query(), [(2021, "nederland", "NL00"), *converted]) == []


@pytest.mark.parametrize(
    "row",
    [
        (2021, "gemeente", "GM0015"),  # a merged gemeente's old code: the year was not converted
        (2021, "wijk", "WK001501"),
        (2025, "gemeente", "GM9999"),  # never known
        (2025, "provincie", "RIEC01"),  # a known code at another level
    ],
)
def test_a_region_outside_the_reference_indeling_is_reported(row):
    assert unexpected(regions.reference_indeling_query(), [(2025, "gemeente", "GM0014"), row]) == [row]


def test_every_region_of_its_years_division_passes():
    per_year = [
        (2021, "nederland", "NL00"),
        (2021, "provincie", "PV20"),
        (2021, "riec", "RIEC01"),
        (2021, "gemeente", "GM0015"),
        (2021, "wijk", "WK001501"),
        (2025, "gemeente", "GM0014"),
    ]
    assert unexpected(regions.year_division_query(), per_year) == []


@pytest.mark.parametrize(
    "row",
    [
        (2025, "gemeente", "GM0015"),  # merged away by 2025
        (2025, "wijk", "WK001501"),
        (2023, "gemeente", "GM0014"),  # a year CBS delivered no division for
        (2025, "provincie", "PV21"),  # no gemeente of 2025 lies in it
        (2025, "riec", "RIEC02"),
    ],
)
def test_a_region_outside_its_years_division_is_reported(row):
    assert unexpected(regions.year_division_query(), [(2025, "gemeente", "GM0014"), row]) == [row]
