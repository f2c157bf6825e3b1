"""Privacy by construction: no identifying column or value of the KvK and OM extracts reaches any
layer after raw, nor the published file."""

import duckdb
import pytest

from zicht.extracts import identifying_columns

pytestmark = pytest.mark.slow

IDENTIFYING = identifying_columns("kvk") | identifying_columns("om")
PRIVATE_SCHEMAS = {"raw", "information_schema", "pg_catalog"}


def _text_columns(connection, exclude_schemas):
    return connection.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        f"where table_schema not in ({', '.join(repr(s) for s in exclude_schemas)})"
    ).fetchall()


def test_the_extracts_were_loaded_and_pseudonymised(pipeline_run):
    data_dir, _ = pipeline_run
    warehouse = duckdb.connect(str(data_dir / "warehouse" / "zicht.duckdb"), read_only=True)
    raw_rows = warehouse.execute(
        "select count(distinct vestigingsnummer) from raw.kvk_vestigingen"
    ).fetchone()[0]
    staged = warehouse.execute("select count(*) from staging.stg_kvk__vestigingen").fetchone()[0]
    assert raw_rows > 0 and staged == raw_rows
    assert warehouse.execute("select count(*) from staging.stg_om__zaken").fetchone()[0] > 0


def test_no_identifying_column_exists_after_the_raw_layer(pipeline_run):
    data_dir, _ = pipeline_run
    warehouse = duckdb.connect(str(data_dir / "warehouse" / "zicht.duckdb"), read_only=True)
    columns = _text_columns(warehouse, PRIVATE_SCHEMAS)
    assert columns, "the warehouse has layers after raw"
    leaking = [(schema, table, column) for schema, table, column, _ in columns if column in IDENTIFYING]
    assert leaking == []
    published = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    published_columns = _text_columns(published, {"information_schema", "pg_catalog"})
    assert [c for c in published_columns if c[2] in IDENTIFYING] == []


def test_no_identifying_value_appears_after_the_raw_layer(pipeline_run):
    data_dir, _ = pipeline_run
    warehouse = duckdb.connect(str(data_dir / "warehouse" / "zicht.duckdb"), read_only=True)
    warehouse.execute(
        "create temp table identifiers as "
        "select kvk_nummer as value from raw.kvk_vestigingen union "
        "select vestigingsnummer from raw.kvk_vestigingen union "
        "select statutaire_naam from raw.kvk_vestigingen union "
        "select postcode from raw.kvk_vestigingen union "
        "select zaak_id from raw.om_zaken"
    )
    warehouse.execute(f"attach '{data_dir / 'published' / 'zicht.duckdb'}' as published (read_only)")
    text_columns = [
        (schema, table, column)
        for schema, table, column, data_type in warehouse.execute(
            "select table_catalog || '.' || table_schema, table_name, column_name, data_type "
            "from information_schema.columns "
            "where table_schema not in ('raw', 'information_schema', 'pg_catalog') "
            "and table_catalog in ('zicht', 'published')"
        ).fetchall()
        if data_type == "VARCHAR"
    ]
    assert text_columns
    found = {
        (schema, table, column): warehouse.execute(
            f'select count(*) from {schema}."{table}" where "{column}" in (select value from identifiers)'
        ).fetchone()[0]
        for schema, table, column in text_columns
    }
    assert {place: count for place, count in found.items() if count} == {}
