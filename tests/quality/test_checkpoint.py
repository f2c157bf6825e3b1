"""The quality gate end to end: a real GX Checkpoint over a DuckDB warehouse file."""

from __future__ import annotations

import duckdb
import pytest

from zicht.quality.checkpoint import run_checkpoint

pytestmark = pytest.mark.slow


def _stored_results(warehouse, run_id):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(
            """
            SELECT expectation_type, description, column_name, success, unexpected_count, kwargs,
                   observed_value, exception_message
            FROM ops.quality_results WHERE run_id = ? ORDER BY expectation_type, column_name
            """,
            [run_id],
        ).fetchall()


def test_valid_mart_passes_every_expectation(valid_outcome):
    assert valid_outcome.success is True
    assert valid_outcome.statistics["evaluated_expectations"] == 13
    assert valid_outcome.statistics["unsuccessful_expectations"] == 0
    assert valid_outcome.failed_expectations == []
    assert all(row.exception_message is None for row in valid_outcome.results)


def test_valid_run_writes_one_result_row_per_expectation(valid_outcome, valid_warehouse):
    stored = _stored_results(valid_warehouse, "test-valid")
    assert len(stored) == 13
    assert all(success for _, _, _, success, *_ in stored)
    columns = {column for _, _, column, *_ in stored}
    assert {"period_year,region_level,region_code", "region_code", "inhabitants"} <= columns


def test_data_docs_index_is_built(valid_outcome, valid_warehouse):
    index = valid_outcome.data_docs_index
    assert index == valid_warehouse.parent / "data_docs" / "index.html"
    assert index.is_file()
    assert "region_population" in index.read_text()
    assert list((index.parent / "validations").rglob("*.html")), "no validation page in Data Docs"


def test_broken_mart_fails_and_names_the_failing_rules(broken_outcome):
    assert broken_outcome.success is False
    failed = {(row.expectation_type, row.description) for row in broken_outcome.failed_expectations}
    assert failed == {
        ("expect_compound_columns_to_be_unique", "One row per year, region level and region code."),
        (
            "unexpected_rows_expectation",
            "The region code has the pattern of its level (GM0000, WK000000, BU00000000, ...).",
        ),
        (
            "unexpected_rows_expectation",
            "population_density_index = population_density / national_population_density x 100.",
        ),
        # the malformed wijk code is no region of that year's division either
        (
            "unexpected_rows_expectation",
            "Every region is one of that year's division (the gemeenten CBS lists for it).",
        ),
    }
    assert broken_outcome.statistics["unsuccessful_expectations"] == 4


def test_broken_run_stores_the_failures_with_their_counts(broken_outcome, broken_warehouse):
    failing = {
        (expectation_type, description): unexpected_count
        for expectation_type, description, _, success, unexpected_count, *_ in _stored_results(
            broken_warehouse, "test-broken"
        )
        if not success
    }
    assert (
        failing[("expect_compound_columns_to_be_unique", "One row per year, region level and region code.")]
        == 2
    )
    assert sum(failing.values()) == 2 + 1 + 1 + 1


def test_each_run_appends_its_own_rows(valid_outcome, valid_warehouse, tmp_path):
    again = run_checkpoint(
        "region_population",
        valid_warehouse,
        "marts.region_population",
        docs_dir=tmp_path / "docs",
        run_id="test-valid-again",
    )
    assert again.success is True
    with duckdb.connect(str(valid_warehouse), read_only=True) as connection:
        runs = connection.execute(
            "SELECT run_id, count(*) FROM ops.quality_results GROUP BY run_id ORDER BY run_id"
        ).fetchall()
    assert runs == [("test-valid", 13), ("test-valid-again", 13)]


def test_timings_are_measured(valid_outcome):
    timings = valid_outcome.timings_seconds
    assert set(timings) == {"gx_import", "validate_and_docs", "write_results", "total"}
    assert timings["total"] >= timings["validate_and_docs"] > 0


def test_unknown_dataset_is_refused(valid_warehouse):
    with pytest.raises(KeyError, match="no data-quality suite for 'nope'"):
        run_checkpoint(
            "nope", valid_warehouse, "marts.region_population", docs_dir=valid_warehouse.parent / "x"
        )


def test_table_must_be_schema_qualified(valid_warehouse):
    with pytest.raises(ValueError, match="schema-qualified"):
        run_checkpoint(
            "region_population", valid_warehouse, "region_population", docs_dir=valid_warehouse.parent
        )
