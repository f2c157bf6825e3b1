"""Flattening GX results into ops.quality_results rows, and appending them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb
import pytest

from zicht.quality.results import QualityResultRow, append_results, flatten_validation_result

RUN_TIME = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

VALIDATION_RESULT = {
    "results": [
        {
            "success": False,
            "expectation_config": {
                "type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": ["period_year", "region_code"], "batch_id": "b"},
                "description": "grain",
            },
            "result": {"unexpected_count": 2, "partial_unexpected_list": []},
            "exception_info": {"raised_exception": False, "exception_message": None},
        },
        {
            "success": True,
            "expectation_config": {
                "type": "unexpected_rows_expectation",
                "kwargs": {"unexpected_rows_query": "q"},
            },
            "result": {"observed_value": 0},
            "exception_info": {"raised_exception": False},
        },
        {
            "success": False,
            "expectation_config": {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "c"}},
            "result": {},
            "exception_info": {"raised_exception": True, "exception_message": "boom"},
        },
    ]
}


def _rows():
    return flatten_validation_result(VALIDATION_RESULT, run_id="r", dataset="d", run_time=RUN_TIME)


def test_flatten_keeps_what_identifies_and_measures_each_expectation():
    compound, custom_sql, raised = _rows()
    assert compound.column_name == "period_year,region_code"
    assert json.loads(compound.kwargs) == {"column_list": ["period_year", "region_code"]}  # no batch id
    assert (compound.success, compound.unexpected_count, compound.description) == (False, 2, "grain")
    assert (custom_sql.column_name, custom_sql.observed_value, custom_sql.unexpected_count) == (None, "0", 0)
    assert (raised.success, raised.exception_message, raised.unexpected_count) == (False, "boom", None)


def test_append_creates_the_table_once_and_appends(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    assert append_results(warehouse, _rows()) == 3
    assert append_results(warehouse, _rows()[:1]) == 1
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        stored = connection.execute(
            "SELECT expectation_type, success, kwargs->>'$.column', run_time "
            "FROM ops.quality_results ORDER BY ALL"
        ).fetchall()
        column_names = [row[0] for row in connection.execute("DESCRIBE ops.quality_results").fetchall()]
    assert column_names == list(QualityResultRow.__dataclass_fields__)
    assert len(stored) == 4
    assert stored[0][:3] == ("expect_column_values_to_match_regex", False, "c")
    assert {row[3] for row in stored} == {RUN_TIME}


def test_results_table_must_be_schema_qualified(tmp_path):
    with pytest.raises(ValueError, match="schema-qualified"):
        append_results(tmp_path / "w.duckdb", _rows(), "quality_results")
