"""The DuckDB patches for GX 1.24.1, and the upstream faults they work around.

The tests named ``test_upstream_*`` assert that GX *without* the patches still fails on DuckDB.
When an upgrade makes one of them fail, upstream fixed that fault: drop the matching patch from
``zicht.quality.gx_duckdb`` together with the test.
"""

from __future__ import annotations

import sys

import duckdb
import pytest

from zicht.quality import gx_duckdb

pytestmark = pytest.mark.slow

REGEX_METRIC_MODULES = {
    "great_expectations.expectations.metrics.util",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_match_regex",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_not_match_regex",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_match_regex_list",
    "great_expectations.expectations.metrics.column_map_metrics.column_values_not_match_regex_list",
    "great_expectations.expectations.metrics.column_aggregate_metrics.column_values_match_regex_values",
    "great_expectations.expectations.metrics.column_aggregate_metrics.column_values_not_match_regex_values",
}


@pytest.fixture(scope="module")
def gx():
    import great_expectations

    gx_duckdb.apply()
    return great_expectations


@pytest.fixture
def validate(gx, valid_warehouse):
    """Validate one expectation against marts.region_population; release the file afterwards."""
    datasources = []

    def run(expectation, *, as_table_asset=False):
        context = gx.get_context(mode="ephemeral")
        datasource = context.data_sources.add_sql(
            name="warehouse", connection_string=gx_duckdb.read_only_url(valid_warehouse)
        )
        datasources.append(datasource)
        if as_table_asset:
            asset = datasource.add_table_asset(
                "region_population", table_name="region_population", schema_name="marts"
            )
        else:
            asset = gx_duckdb.add_table_asset(datasource, "marts", "region_population")
        return asset.add_batch_definition_whole_table("all").get_batch().validate(expectation)

    yield run
    for datasource in datasources:
        gx_duckdb.release(datasource)


def _exception_messages(result) -> str:
    info = result.exception_info
    if "exception_message" in info:
        return str(info["exception_message"])
    return " | ".join(str(detail.get("exception_message")) for detail in info.values())


def test_installed_gx_is_the_pinned_version(gx):
    assert gx.__version__ == gx_duckdb.SUPPORTED_GX_VERSION == "1.24.1"


def test_another_gx_version_is_refused(gx, monkeypatch):
    monkeypatch.setattr(gx, "__version__", "1.25.0")
    with pytest.raises(gx_duckdb.UnsupportedGXVersionError, match="1.25.0"):
        gx_duckdb.check_gx_version()


def test_patches_are_in_place(gx):
    engine_module = sys.modules[gx_duckdb._ENGINE_MODULE]
    assert gx_duckdb.is_applied()
    assert "duckdb" in engine_module._PERSISTED_CONNECTION_DIALECTS
    assert set(gx_duckdb.regex_patched_modules()) == REGEX_METRIC_MODULES


def test_apply_is_idempotent(gx):
    engine_module = sys.modules[gx_duckdb._ENGINE_MODULE]
    before = engine_module._PERSISTED_CONNECTION_DIALECTS
    gx_duckdb.apply()
    gx_duckdb._persist_duckdb_connections()
    assert gx_duckdb._add_duckdb_regex() == 0
    assert engine_module._PERSISTED_CONNECTION_DIALECTS == before


def test_metrics_and_regex_work_on_duckdb(gx, validate):
    not_null = validate(gx.expectations.ExpectColumnValuesToNotBeNull(column="region_code"))
    assert not_null.success, _exception_messages(not_null)
    assert not_null.result["element_count"] == 16

    anchored = validate(
        gx.expectations.ExpectColumnValuesToMatchRegex(column="region_code", regex=r"^GM[0-9]{4}$")
    )
    assert not anchored.success
    assert anchored.result["unexpected_count"] == 12  # every non-gemeente row, two years


def test_duckdb_regexp_matches_searches_and_full_match_does_not():
    # The patch relies on regexp_matches being a search, like GX's regex on other backends.
    with duckdb.connect() as connection:
        searched, full = connection.execute(
            "SELECT regexp_matches('xGM0014', 'GM'), regexp_full_match('xGM0014', 'GM')"
        ).fetchone()
    assert (searched, full) == (True, False)


def test_regex_keeps_gx_search_semantics(gx, validate):
    # GX (pandas, Postgres) treats the regex as a search; DuckDB's `~` would demand a full match.
    unanchored = validate(
        gx.expectations.ExpectColumnValuesToMatchRegex(column="region_code", regex="[0-9]{2}")
    )
    assert unanchored.success, _exception_messages(unanchored)
    not_matching = validate(
        gx.expectations.ExpectColumnValuesToNotMatchRegex(column="region_code", regex="^BU")
    )
    assert not not_matching.success
    assert not_matching.result["unexpected_count"] == 4


def test_release_lets_this_process_write_the_file(gx, valid_warehouse):
    context = gx.get_context(mode="ephemeral")
    datasource = context.data_sources.add_sql(
        name="w", connection_string=gx_duckdb.read_only_url(valid_warehouse)
    )
    batch = (
        gx_duckdb.add_table_asset(datasource, "marts", "region_population")
        .add_batch_definition_whole_table("all")
        .get_batch()
    )
    assert batch.validate(gx.expectations.ExpectColumnValuesToNotBeNull(column="region_code")).success
    # While GX holds the file read-only, DuckDB refuses a read-write open in the same process.
    with pytest.raises(duckdb.ConnectionException, match="different configuration"):
        duckdb.connect(str(valid_warehouse)).close()
    gx_duckdb.release(datasource)
    with duckdb.connect(str(valid_warehouse)) as connection:
        assert connection.execute("SELECT count(*) FROM marts.region_population").fetchone() == (16,)


def test_upstream_metrics_fail_without_a_persisted_connection(gx, validate, monkeypatch):
    engine_module = sys.modules[gx_duckdb._ENGINE_MODULE]
    upstream = tuple(d for d in engine_module._PERSISTED_CONNECTION_DIALECTS if d != "duckdb")
    monkeypatch.setattr(engine_module, "_PERSISTED_CONNECTION_DIALECTS", upstream)
    result = validate(gx.expectations.ExpectColumnValuesToNotBeNull(column="region_code"))
    assert not result.success
    assert "list index out of range" in _exception_messages(result)


def test_upstream_regex_is_unsupported_for_duckdb(gx, validate, monkeypatch):
    for name in gx_duckdb.regex_patched_modules():
        module = sys.modules[name]
        monkeypatch.setattr(
            module, "get_dialect_regex_expression", module.get_dialect_regex_expression.__wrapped__
        )
    result = validate(gx.expectations.ExpectColumnValuesToMatchRegex(column="region_code", regex="^GM"))
    assert not result.success
    assert "Regex is not supported for dialect duckdb" in _exception_messages(result)


@pytest.mark.filterwarnings("ignore:`schema_name` is deprecated:DeprecationWarning")
def test_upstream_table_asset_outside_main_still_fails(gx, validate):
    # duckdb-engine 0.17 cannot reflect columns under SQLAlchemy 2.1, and GX's fallback drops the
    # schema. If this starts passing, table assets work and add_table_asset can use them.
    result = validate(
        gx.expectations.ExpectColumnValuesToNotBeNull(column="region_code"), as_table_asset=True
    )
    assert not result.success
    assert "Table with name region_population does not exist" in _exception_messages(result)
