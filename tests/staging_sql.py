"""Run a dbt staging model's SQL straight against a warehouse, without dbt: its `source()` calls point
at the raw schema and the project's macros are in scope. For tests that compare what staging makes of
two raw loads (the API route and a StatLine download) without a dbt build in between."""

from __future__ import annotations

import duckdb
import jinja2
import pandas as pd

from zicht.settings import PROJECT_ROOT

DBT_PROJECT = PROJECT_ROOT / "dbt_project"
CBS_STAGING = DBT_PROJECT / "models" / "staging" / "cbs"


def staging_sql(model: str) -> str:
    macros = "\n".join(path.read_text() for path in sorted((DBT_PROJECT / "macros").glob("*.sql")))
    template = jinja2.Environment().from_string(macros + "\n" + (CBS_STAGING / f"{model}.sql").read_text())
    return template.render(source=lambda _source, table: f"raw.{table}")


def staging_rows(warehouse_path, model: str) -> pd.DataFrame:
    """The model's rows, sorted on every column, so that two loads compare row for row."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        frame = con.sql(staging_sql(model)).df()
    finally:
        con.close()
    return frame.sort_values(list(frame.columns), ignore_index=True)
