"""superset_assets/row_scope.py and duckdb_files.py: each user's queries go to the file of their scope, on a
DuckDB that can open nothing else, through engines made as Superset makes them (DB_CONNECTION_MUTATOR
with the user's name, NullPool).

A small published file with wijken and buurten of two RIEC regions (and the scope files the
publication cuts from it) stands in for the real one; users are the roles Zicht declares.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from superset_python import run_in_superset

from zicht.publish import make_scoped_files_live
from zicht.settings import get_settings
from zicht.superset.access import row_scope_spec

ROWS = [
    # level, code, riec, province
    ("nederland", "NL00", None, None),
    ("gemeente", "GM0001", "RIEC01", "PV20"),
    ("gemeente", "GM0002", "RIEC07", "PV28"),
    ("wijk", "WK000101", "RIEC01", "PV20"),
    ("buurt", "BU00010101", "RIEC01", "PV20"),
    ("wijk", "WK000201", "RIEC07", "PV28"),
    ("buurt", "BU00020101", "RIEC07", "PV28"),
]

USERS = {
    "beheer": ["Admin"],
    "ministerie": ["Zicht ministerie"],
    "riec-rotterdam": ["Zicht RIEC-analist", "Zicht RIEC Rotterdam"],
    "provincie-zuid-holland": ["Zicht provincie-analist", "Zicht provincie Zuid-Holland"],
    "analist-zonder-regio": ["Zicht RIEC-analist"],
    "twee-regios": ["Zicht RIEC-analist", "Zicht RIEC Rotterdam", "Zicht RIEC Noord-Nederland"],
    "onbekende-rol": ["Gamma"],
}

SCRIPT = """
import json, sys
from types import SimpleNamespace
from sqlalchemy import create_engine, text
from sqlalchemy.engine.url import make_url
from sqlalchemy.pool import NullPool
import row_scope, query_guard

case = json.load(sys.stdin)
users = {name: SimpleNamespace(username=name, is_active=name != "inactief",
                               roles=[SimpleNamespace(name=r) for r in roles])
         for name, roles in case["users"].items()}
manager = SimpleNamespace(find_user=lambda username: users.get(username))

def run(uri, username, sql, raw=False):
    url, params = row_scope.route_connection(make_url(uri), {"poolclass": NullPool}, username, manager, None)
    try:
        if raw:  # straight to DuckDB, past the guard: only the engine's configuration stands
            connection = params["creator"]()
            try:
                return ["rows", connection.duckdb_connection.execute(sql).fetchall()]
            finally:
                connection.close()
        with create_engine(url, **params).connect() as connection:
            return ["rows", [list(row) for row in connection.execute(text(sql)).fetchall()]]
    except Exception as error:  # the refusal or DuckDB's error, as the user would get it
        return ["refused", f"{type(error).__name__}: {error}"]

out = {}
for key, (uri, username, sql, raw) in case["runs"].items():
    out[key] = run(uri, username, sql, raw)
print(json.dumps(out, default=str))
"""

DETAIL_QUERY = (
    "SELECT region_code FROM main.indicator_values WHERE region_level IN ('wijk', 'buurt') {rule} ORDER BY 1"
)
NO_REGION_RULE = "region_level NOT IN ('wijk', 'buurt')"
# The rule Superset's row-level security adds to each user's queries (zicht.superset.access).
RULES = {
    "riec-rotterdam": "(region_level NOT IN ('wijk', 'buurt') OR riec_code = 'RIEC07')",
    "provincie-zuid-holland": "(region_level NOT IN ('wijk', 'buurt') OR province_code = 'PV28')",
    "analist-zonder-regio": NO_REGION_RULE,
    "onbekende-rol": NO_REGION_RULE,
    None: NO_REGION_RULE,
}


def _detail_query(user: str | None) -> str:
    rule = RULES.get(user)
    return DETAIL_QUERY.format(rule=f"AND ({rule})" if rule else "")


REACH_OUT = {
    "read_text": "SELECT * FROM read_text('/etc/passwd')",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd')",
    "glob": "SELECT * FROM glob('/*')",
    "file as table": "SELECT * FROM '/etc/passwd'",
    "attach": "ATTACH '{warehouse}' AS w (READ_ONLY)",
    "install": "INSTALL sqlite",
    "load": "LOAD sqlite",
    "set external access": "SET enable_external_access = true",
    "unlock": "SET lock_configuration = false",
    "reset": "RESET enable_external_access",
    "copy out": "COPY (SELECT 1) TO '{tmp}/out.csv'",
}


@pytest.fixture(scope="module")
def published(tmp_path_factory, monkeypatch_module):
    data_dir = tmp_path_factory.mktemp("row_scope_data")
    monkeypatch_module.setenv("ZICHT_DATA_DIR", str(data_dir))
    settings = get_settings()
    settings.published_dir.mkdir(parents=True)
    with duckdb.connect(str(settings.published_path)) as connection:
        connection.execute(
            "CREATE TABLE indicator_values (region_level VARCHAR, region_code VARCHAR, "
            "riec_code VARCHAR, province_code VARCHAR)"
        )
        connection.executemany("INSERT INTO indicator_values VALUES (?, ?, ?, ?)", ROWS)
        connection.execute("CREATE TABLE indicators AS SELECT 'x' AS indicator_code")
    with duckdb.connect(str(settings.ops_path)) as connection:
        connection.execute("CREATE TABLE findings AS SELECT 'ok' AS message")
    warehouse = data_dir / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("CREATE TABLE kvk AS SELECT 'Geheim BV' AS name")
    make_scoped_files_live(settings.published_path, settings)
    (data_dir / "superset").mkdir()
    (data_dir / "superset" / "row_scopes.json").write_text(json.dumps(row_scope_spec(settings)))
    return settings, warehouse


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _uri(path) -> str:
    return f"duckdb:///{path.resolve()}?access_mode=read_only"


@pytest.fixture(scope="module")
def results(published, tmp_path_factory):
    settings, warehouse = published
    tmp = tmp_path_factory.mktemp("reach_out")
    published_uri, ops_uri = _uri(settings.published_path), _uri(settings.ops_path)
    runs = {f"detail {user}": (published_uri, user, _detail_query(user), False) for user in USERS}
    runs["detail nobody"] = (published_uri, None, _detail_query(None), False)
    runs["detail other rule"] = (
        published_uri,
        "riec-rotterdam",
        _detail_query("provincie-zuid-holland"),
        False,
    )
    runs["detail inactive"] = (published_uri, "inactief", _detail_query(None), False)
    # Without the rule, past the guard: what the file of each scope holds.
    runs |= {f"unruled {user}": (published_uri, user, _detail_query("beheer"), True) for user in USERS}
    runs["unruled nobody"] = (published_uri, None, _detail_query("beheer"), True)
    runs |= {f"ops {user}": (ops_uri, user, "SELECT message FROM main.findings", False) for user in USERS}
    runs["warehouse beheer"] = (_uri(warehouse), "beheer", "SELECT name FROM main.kvk", False)
    runs["read-write published beheer"] = (
        f"duckdb:///{settings.published_path.resolve()}",
        "beheer",
        "SELECT 1",
        False,
    )
    for user in ("beheer", "ministerie", "riec-rotterdam", "analist-zonder-regio"):
        for name, sql in REACH_OUT.items():
            sql = sql.format(warehouse=warehouse, tmp=tmp)
            runs[f"raw {name} {user}"] = (published_uri, user, sql, True)
            runs[f"guarded {name} {user}"] = (published_uri, user, sql, False)
        runs[f"raw tables answer {user}"] = (
            published_uri,
            user,
            "SELECT count(*) FROM main.indicators",
            True,
        )
    env = {"ZICHT_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    return run_in_superset(
        SCRIPT, {"users": {**USERS, "inactief": ["Zicht ministerie"]}, "runs": runs}, env=env
    )


def _codes(result) -> list[str]:
    status, rows = result
    assert status == "rows", rows
    return [row[0] for row in rows]


def test_each_user_reads_the_file_of_their_scope(results):
    everything = ["BU00010101", "BU00020101", "WK000101", "WK000201"]
    rotterdam = ["BU00020101", "WK000201"]
    assert _codes(results["detail beheer"]) == everything
    assert _codes(results["detail ministerie"]) == everything
    assert _codes(results["detail riec-rotterdam"]) == rotterdam
    assert _codes(results["detail provincie-zuid-holland"]) == rotterdam


def test_the_rows_are_cut_in_the_file_not_only_by_the_rule(results):
    """Past the guard and without the rule, a query of an analyst still reads only their region's
    wijken and buurten: the file handed to their connection holds no others."""
    rotterdam = ["BU00020101", "WK000201"]
    assert _codes(results["unruled riec-rotterdam"]) == rotterdam
    assert _codes(results["unruled provincie-zuid-holland"]) == rotterdam
    for user in ("analist-zonder-regio", "onbekende-rol", "nobody"):
        assert _codes(results[f"unruled {user}"]) == [], user
    assert len(_codes(results["unruled ministerie"])) == 4


def test_the_scope_files_hold_every_row_of_gemeenten_and_up():
    settings = get_settings()
    scoped = settings.published_dir / "scoped"
    with duckdb.connect(str(scoped / "RIEC07" / "zicht.duckdb"), read_only=True) as connection:
        codes = sorted(
            code for (code,) in connection.execute("SELECT region_code FROM indicator_values").fetchall()
        )
    assert codes == ["BU00020101", "GM0001", "GM0002", "NL00", "WK000201"]
    with duckdb.connect(str(scoped / "geen-regio" / "zicht.duckdb"), read_only=True) as connection:
        levels = {
            level for (level,) in connection.execute("SELECT region_level FROM indicator_values").fetchall()
        }
        assert connection.execute("SELECT count(*) FROM indicators").fetchone() == (1,)
    assert levels == {"nederland", "gemeente"}


@pytest.mark.parametrize("user", ["analist-zonder-regio", "onbekende-rol", "nobody"])
def test_deny_by_default_without_a_region(results, user):
    assert _codes(results[f"detail {user}"]) == []


def test_the_rule_of_another_scope_is_refused(results):
    status, message = results["detail other rule"]
    assert status == "refused" and "regioregel" in message, message


@pytest.mark.parametrize(
    ("user", "reason"),
    [("twee-regios", "meer dan één regio"), ("inactive", "onbekend of niet actief")],
)
def test_users_without_a_single_scope_are_refused(results, user, reason):
    status, message = results[f"detail {user}"]
    assert status == "refused" and reason in message, message


def test_the_operations_file_is_for_the_admin_and_the_ministry(results):
    assert results["ops beheer"] == ["rows", [["ok"]]]
    assert results["ops ministerie"] == ["rows", [["ok"]]]
    for user in ("riec-rotterdam", "provincie-zuid-holland", "analist-zonder-regio", "onbekende-rol"):
        status, message = results[f"ops {user}"]
        assert status == "refused" and "niet voor uw rol" in message, (user, message)


def test_no_other_duckdb_file_is_reached_not_even_by_the_admin(results):
    for key in ("warehouse beheer", "read-write published beheer"):
        status, message = results[key]
        assert status == "refused", (key, message)
        assert "Geheim" not in message


@pytest.mark.parametrize("name", sorted(REACH_OUT))
@pytest.mark.parametrize("user", ["beheer", "ministerie", "riec-rotterdam", "analist-zonder-regio"])
def test_the_engine_itself_refuses_to_reach_out(results, name, user):
    """Past the guard, straight on the DuckDB connection: the configuration is the wall."""
    status, message = results[f"raw {name} {user}"]
    assert status == "refused", message
    assert "root:" not in message
    assert any(
        word in message
        for word in ("disabled", "locked", "Permission", "not in the catalog", "does not exist")
    ), message


@pytest.mark.parametrize("name", sorted(REACH_OUT))
@pytest.mark.parametrize("user", ["ministerie", "riec-rotterdam", "analist-zonder-regio"])
def test_the_guard_refuses_to_reach_out(results, name, user):
    status, message = results[f"guarded {name} {user}"]
    assert status == "refused" and "QueryRefused" in message, message


@pytest.mark.parametrize("user", ["beheer", "ministerie", "riec-rotterdam", "analist-zonder-regio"])
def test_the_published_tables_still_answer_on_a_locked_engine(results, user):
    assert results[f"raw tables answer {user}"] == ["rows", [[1]]]
