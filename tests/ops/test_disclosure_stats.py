"""After a build, the suppressions of every guarded indicator are counted per level and year in ops."""

from datetime import UTC, datetime, timedelta

import duckdb

from zicht.indicators import load_catalog
from zicht.ops.disclosure_stats import guarded_indicators, record_build_disclosure_stats

# (indicator, level, year, suppression_reason): one guarded (OM records), one from CBS figures.
GUARDED, CBS_ONLY = "drugs_om_harddrugs", "leef_misdrijven_totaal"
CELLS = [
    (GUARDED, "gemeente", 2024, None),
    (GUARDED, "gemeente", 2024, "primary_frequency"),
    (GUARDED, "gemeente", 2024, "primary_dominance"),
    (GUARDED, "gemeente", 2024, "secondary"),
    (GUARDED, "gemeente", 2024, "small_denominator"),
    (GUARDED, "buurt", 2024, "secondary"),
    (GUARDED, "buurt", 2023, None),
    (CBS_ONLY, "gemeente", 2024, "small_denominator"),
]


def build_marts(settings, cells) -> None:
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("CREATE SCHEMA IF NOT EXISTS marts")
        connection.execute(
            "CREATE OR REPLACE TABLE marts.indicator_values (indicator_code VARCHAR, region_level VARCHAR, "
            "period_year INTEGER, suppression_reason VARCHAR)"
        )
        connection.executemany("INSERT INTO marts.indicator_values VALUES (?, ?, ?, ?)", cells)


def recorded(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        return connection.execute(
            "SELECT run_id, indicator, region_level, period_year, cells_total, cells_primary_suppressed, "
            "cells_secondary_suppressed FROM ops.disclosure_stats ORDER BY ALL"
        ).fetchall()


def test_guarded_indicators_are_those_counting_zichts_own_records():
    catalog = load_catalog()
    guarded = guarded_indicators()
    assert GUARDED in guarded and CBS_ONLY not in guarded
    for code in guarded:
        indicator = next(i for i in catalog.indicators if i.code == code)
        assert catalog.measures[indicator.numerator.measure].get("from_records")


def test_each_build_appends_its_suppressions_per_indicator_level_and_year(settings):
    first = datetime(2026, 11, 1, tzinfo=UTC)
    build_marts(settings, CELLS)
    stats = record_build_disclosure_stats(settings, now=first)

    by_cell = {(s.indicator, s.region_level, s.period_year): s for s in stats}
    assert set(by_cell) == {(GUARDED, "gemeente", 2024), (GUARDED, "buurt", 2024), (GUARDED, "buurt", 2023)}
    gemeente = by_cell[(GUARDED, "gemeente", 2024)]
    # A small denominator is not disclosure control's doing: counted as a cell, not as a suppression.
    assert gemeente.cells_total == 5
    assert (gemeente.cells_primary_suppressed, gemeente.cells_secondary_suppressed) == (2, 1)
    assert by_cell[(GUARDED, "buurt", 2024)].cells_secondary_suppressed == 1
    assert by_cell[(GUARDED, "buurt", 2023)].cells_primary_suppressed == 0

    build_marts(settings, CELLS[:1])
    record_build_disclosure_stats(settings, now=first + timedelta(days=1))
    runs = {}
    for run_id, *_ in recorded(settings):
        runs[run_id] = runs.get(run_id, 0) + 1
    assert sorted(runs.values()) == [1, 3], "the second build appends its own rows, the first stays"


def test_no_build_yet_records_nothing_and_still_creates_the_table(settings):
    assert record_build_disclosure_stats(settings) == []
    assert recorded(settings) == []
