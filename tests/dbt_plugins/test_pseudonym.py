import duckdb
import pytest

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
    many = conn.sql("select i::varchar as v, pseudonym(i::varchar) as p from range(5000) t(i)").fetchall()
    assert all(p == pseudonymise(v, "secret") for v, p in many)


def test_every_cursor_dbt_opens_has_the_function(monkeypatch):
    monkeypatch.setenv("ZICHT_PSEUDONYM_KEY", "secret")
    conn = duckdb.connect()
    plugin = Plugin("pseudonym", {})
    plugin.configure_connection(conn)
    cursor = conn.cursor()
    plugin.configure_cursor(cursor)
    assert cursor.sql("select pseudonym('1')").fetchall() == [(pseudonymise("1", "secret"),)]


def test_the_key_is_not_stored_in_the_warehouse(monkeypatch, tmp_path):
    monkeypatch.setenv("ZICHT_PSEUDONYM_KEY", "secret")
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        Plugin("pseudonym", {}).configure_connection(conn)
        conn.execute("create table keys as select pseudonym('12345678') as key")
    with duckdb.connect(str(warehouse)) as conn:
        assert conn.sql("select key from keys").fetchall() == [(pseudonymise("12345678", "secret"),)]
        assert conn.sql(
            "select count(*) from duckdb_functions() where function_name = 'pseudonym'"
        ).fetchall() == [(0,)]


@pytest.mark.parametrize(
    "key", ["k" * 64, "a key longer than one block of SHA-256, sixty-four bytes, so hashed"]
)
def test_keys_of_a_block_and_longer_give_the_python_pseudonym(monkeypatch, key):
    monkeypatch.setenv("ZICHT_PSEUDONYM_KEY", key)
    conn = duckdb.connect()
    Plugin("pseudonym", {}).configure_connection(conn)
    assert conn.sql("select pseudonym('é12')").fetchall() == [(pseudonymise("é12", key),)]
