import duckdb

from zicht.dbt_plugins.pseudonym import Plugin
from zicht.extracts.privacy import pseudonymise


def test_the_sql_function_gives_the_keyed_pseudonym_of_every_row(monkeypatch):
    monkeypatch.setenv("ZICHT_PSEUDONYM_KEY", "secret")
    conn = duckdb.connect()
    Plugin("pseudonym", {}).configure_connection(conn)
    rows = conn.sql(
        "select value, pseudonym(value) from (values ('000015119493'), (NULL), ('12345678')) as t(value)"
    ).fetchall()
    assert rows == [(value, pseudonymise(value, "secret")) for value, _ in rows]
    assert rows[1] == (None, None)
    # more rows than one DuckDB vector, so the function is called per vector and must keep the order
    many = conn.sql("select i::varchar as v, pseudonym(i::varchar) as p from range(5000) t(i)").fetchall()
    assert all(p == pseudonymise(v, "secret") for v, p in many)
