"""Attack the real Superset as each analyst would: every data door of its API, every escape we know of.

Holding nothing but an analyst's login (a JWT from the REST login, or a browser session with its CSRF
token), the suite sends what an attacker sends: adhoc columns, metrics and filters whose SQL ends
early and appends a set operation (apache/superset PR 38452), an adhoc filter column whose `OR`
outlives the row-level-security clause (issue 39733), `extras.where` and `extras.having`, orderby,
DuckDB table functions (`read_text`, `read_csv`, `glob`, `query_table`), `ATTACH`, comments,
quoting, casing and nested expressions; through chart data in every result type and format,
samples, column values, explore, explore_json, saved charts, cached results, SQL Lab, the database
and the dataset endpoints. Every answer is searched for:

- a wijk or buurt code of another region than the user's (from the published file);
- the content of a file on the server (/etc/passwd, a canary file in the data folder);
- a record of the warehouse (a canary warehouse with KvK and OM records in the data folder);
- anything of Superset's own metadata (password hashes).

The detector is shown to work: the same attacks as the Admin, who may see every row, find other
regions' codes. The honest queries still answer, with the same numbers for every role.
docs/security.md lists what is tried and what comes back.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

import duckdb
import pytest
import requests
from requests.adapters import HTTPAdapter

from zicht.superset.browser import cookie_session
from zicht.superset.credentials import admin_login, analyst_password
from zicht.superset.private_instance import PRIVATE_LOGIN_RATE_LIMIT

pytestmark = pytest.mark.slow

ANALYSTS = {  # username: (scope column, code) of the wijken and buurten the user may see
    "riec-rotterdam": ("riec_code", "RIEC07"),
    "provincie-utrecht": ("province_code", "PV26"),
    "analist-zonder-regio": (None, None),
}
DETAIL_CODE = re.compile(r"\b(?:WK\d{6}|BU\d{4}[0-9A-Z]{4})\b")
PASSWD_MARK = "root:x:0:0"
HASH_MARKS = ("pbkdf2:sha256", "scrypt:")
DATASETS = (
    "indicator_values",
    "signal_map",
    "indicator_funnel",
    "region_population",
    "region_shapes",
    "indicator_values_on_the_map",
    "region_map_latest",
    "region_population_latest",
)


@dataclass(frozen=True)
class Target:
    base_url: str
    published: str
    warehouse: str
    canary_file: str
    canary: str
    forbidden: dict[str, set[str]]  # user -> detail codes the user may not see
    warehouse_marks: tuple[str, ...]
    datasets: dict[str, int]
    database_id: int


class Leak(AssertionError):
    pass


# Every answer the suite got, for the report (ZICHT_ATTACK_REPORT names a JSON file to write it to).
OUTCOMES: list[dict[str, str]] = []
GUARD_WORDS = ("toegestaan", "regioregel", "gepubliceerde", "niet te lezen", "niet voor uw rol", "één tabel")
ENGINE_WORDS = ("Permission Error", "disabled by configuration", "configuration has been locked")


def outcome_of(status: int, body: str) -> str:
    if any(word in body for word in GUARD_WORDS):
        return "refused by the query guard"
    if any(word in body for word in ENGINE_WORDS):
        return "refused by DuckDB's locked configuration"
    if status >= 400:
        return f"refused by Superset (HTTP {status})"
    return "answered, within the user's scope"


def _check(target: Target, user: str, response: requests.Response, door: str, attack: str) -> None:
    body = response.content.decode("utf-8", errors="replace")
    _scan(target, user, body, f"{door}: {attack} ({response.status_code})")
    OUTCOMES.append(
        {"user": user, "door": door, "attack": attack, "outcome": outcome_of(response.status_code, body),
         "message": _message(body)}
    )  # fmt: skip


def _message(body: str) -> str:
    """What an error answer says (Superset's `message` or first error), cut short; '' for data."""
    try:
        answer = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(answer, dict):
        return ""
    message = answer.get("message") or (answer.get("errors") or [{}])[0].get("message", "")
    return str(message)[:200]


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    path = os.environ.get("ZICHT_ATTACK_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(OUTCOMES, handle, indent=1)
        with open(f"{path}.md", "w", encoding="utf-8") as handle:
            handle.write("\n".join(report_markdown(OUTCOMES)) + "\n")


def _door_group(door: str) -> str:
    if door.startswith("chart data on "):
        dataset, kind = door.removeprefix("chart data on ").split(", ")
        return f"chart data, {'indicator_values' if dataset == 'indicator_values' else 'the other datasets'}, {kind}"
    return door


def report_markdown(outcomes: list[dict[str, str]]) -> list[str]:
    """One row per door: requests sent, how they were answered, and what a refusal said."""
    from collections import Counter, defaultdict

    by_door: dict[str, Counter] = defaultdict(Counter)
    said: dict[str, str] = {}
    attacks: dict[str, set] = defaultdict(set)
    for row in outcomes:
        group = _door_group(row["door"])
        by_door[group][row["outcome"]] += 1
        attacks[group].add(row["attack"])
        if row["message"] and row["outcome"] != "answered, within the user's scope":
            said.setdefault(group, row["message"].replace("|", "/").replace("\n", " ")[:120])
    lines = [
        f"{len(outcomes)} requests as {len({row['user'] for row in outcomes})} analysts; no answer showed a "
        "wijk or buurt of another region, a file's content, a warehouse record or a password hash.",
        "",
        "| door | attacks | requests | answers | a refusal said |",
        "|---|---|---|---|---|",
    ]
    for group in sorted(by_door):
        answers = "; ".join(f"{outcome}: {count}" for outcome, count in by_door[group].most_common())
        lines.append(
            f"| {group} | {len(attacks[group])} | {sum(by_door[group].values())} | {answers} | {said.get(group, '')} |"
        )
    return lines


def _scan(target: Target, user: str, body: str, where: str) -> None:
    """Fail when a response shows what the user may not see."""
    forbidden = target.forbidden.get(user, set())
    leaked = sorted(set(DETAIL_CODE.findall(body)) & forbidden)
    if leaked:
        raise Leak(f"{user}: {where}: {len(leaked)} wijken/buurten of another region, e.g. {leaked[:5]}")
    for mark in (PASSWD_MARK, target.canary, *target.warehouse_marks, *HASH_MARKS):
        if mark in body:
            raise Leak(f"{user}: {where}: shows {mark!r}")


def _detail_codes(con, condition: str) -> set[str]:
    """The wijk and buurt codes of the published tables that meet `condition`."""
    detail = "region_level IN ('wijk', 'buurt')"
    rows = con.execute(
        f"SELECT region_code FROM main.region_shapes WHERE {detail} AND {condition} "
        f"UNION SELECT region_code FROM main.indicator_values WHERE {detail} AND {condition}"
    ).fetchall()
    return {value for (value,) in rows}


@pytest.fixture(scope="module")
def target(superset) -> Target:
    settings = superset.settings
    data_dir = settings.data_dir
    canary = f"zicht-canary-{secrets.token_hex(8)}"
    canary_file = data_dir / "canary.txt"
    canary_file.write_text(f"{canary}\n")
    # A warehouse where the real one lies, with records of the kind it holds (KvK and OM).
    warehouse = data_dir / "warehouse" / "zicht.duckdb"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    marks = (f"Canary Holding {canary}", f"99/{canary[-6:]}-25")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(f"CREATE TABLE raw.kvk_vestigingen AS SELECT '{marks[0]}' AS statutaire_naam")
        con.execute(f"CREATE TABLE raw.om_zaken AS SELECT '{marks[1]}' AS zaak_id")
    with duckdb.connect(str(settings.published_path), read_only=True) as con:
        every = _detail_codes(con, "true")
        allowed = {
            user: _detail_codes(con, f"{column} = '{code}'" if column else "false")
            for user, (column, code) in ANALYSTS.items()
        }
    forbidden = {user: every - codes for user, codes in allowed.items()}
    # The search is only as good as these sets: each regional analyst has rows of their own and
    # every analyst has rows of others to not see.
    assert all(forbidden.values()) and allowed["riec-rotterdam"] and allowed["provincie-utrecht"]
    admin = _api(superset.base_url, "admin")
    datasets = {
        row["table_name"]: row["id"]
        for row in admin.get(f"{superset.base_url}/api/v1/dataset/?q=(page_size:100)").json()["result"]
    }
    database = admin.get(f"{superset.base_url}/api/v1/dataset/{datasets['indicator_values']}").json()
    return Target(
        base_url=superset.base_url,
        published=str(settings.published_path),
        warehouse=str(warehouse),
        canary_file=str(canary_file),
        canary=canary,
        forbidden=forbidden,
        warehouse_marks=marks,
        datasets=datasets,
        database_id=database["result"]["database"]["id"],
    )


def _password(username: str) -> str:
    # The private Superset's data folder is ZICHT_DATA_DIR while it runs (zicht.superset.private_instance).
    from zicht.settings import get_settings

    settings = get_settings()
    return admin_login(settings).password if username == "admin" else analyst_password(settings)


def _api(base_url: str, username: str) -> requests.Session:
    """A JWT session, as a script would use the REST API."""
    session = requests.Session()
    response = session.post(
        f"{base_url}/api/v1/security/login",
        json={"username": username, "password": _password(username), "provider": "db", "refresh": False},
        timeout=60,
    )
    assert response.status_code == 200, f"login {username}: {response.status_code} {response.text[:300]}"
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return session


def _browser_session(base_url: str, username: str) -> requests.Session:
    """A cookie session as the browser has it: the login form with its CSRF token, then the API's token."""
    return cookie_session(base_url, username, _password(username))


@pytest.fixture(scope="module")
def sessions(target) -> dict[tuple[str, str], requests.Session]:
    found = {}
    for user in (*ANALYSTS, "ministerie", "admin"):
        found[(user, "jwt")] = _api(target.base_url, user)
    for user in ANALYSTS:
        found[(user, "browser")] = _browser_session(target.base_url, user)
    return found


# --- what the attacker writes into the parts of a chart-data request -------------------------------


def injections(target: Target) -> dict[str, str]:
    """SQL fragments an attacker puts where Superset expects an expression."""
    files = {
        "read_text passwd": "read_text('/etc/passwd')",
        "read_text canary": f"read_text('{target.canary_file}')",
        "read_csv passwd": "read_csv('/etc/passwd', sep=':', header=false)",
        "glob data": f"glob('{target.canary_file.rsplit('/', 1)[0]}/*')",
        "query_table": "query_table('indicator_values')",
    }
    found = {
        "union all, commented tail": (
            "region_code FROM main.indicator_values WHERE region_level IN ('wijk','buurt') "
            "UNION ALL SELECT region_code FROM main.indicator_values --"
        ),
        "union, casing": "region_code fRoM main.indicator_values uNiOn SeLeCt region_code",
        "union, block comment": "region_code /**/FROM/**/main.region_shapes/**/UNION/**/ALL/**/SELECT/**/region_code",
        "or outlives the rule": "region_level = 'buurt' OR 1",
        "or in parentheses": "(1 = 1) OR region_level IN ('wijk', 'buurt')",
        "second statement": "1; SELECT region_code FROM main.indicator_values",
        "attach warehouse": f"1; ATTACH '{target.warehouse}' AS w (READ_ONLY); SELECT * FROM w.raw.kvk_vestigingen",
        "attach superset metadata": "1; ATTACH 'superset.db' AS s (TYPE sqlite); SELECT * FROM s.ab_user",
        "set external access": "1; SET enable_external_access = true",
        "quoted identifiers": '"region_code" FROM "main"."indicator_values" UNION ALL SELECT "region_code"',
        "nested subquery": "(SELECT string_agg(region_code, ',') FROM main.indicator_values)",
        "renamed columns": (
            "region_code FROM main.indicator_values AS t(period_year, region_code, region_level) UNION ALL "
            "SELECT region_code"
        ),
        "current_setting": "current_setting('temp_directory')",
    }
    for name, function in files.items():
        found[f"{name} as a relation"] = f"1 FROM {function} UNION ALL SELECT 1"
        found[f"{name} in a subquery"] = f"(SELECT string_agg(CAST(t AS VARCHAR), ',') FROM {function} AS t)"
    return found


# Where the API takes SQL: every injection goes into the first four, the key ones into all.
PLACES = ("adhoc column", "raw metric", "filter column", "extras.where")
KEY_PLACES = ("adhoc metric", "filter value", "extras.having", "orderby")
# The injections tried on every dataset, in every place and in every result type.
KEY_INJECTIONS = (
    "union all, commented tail",
    "or outlives the rule",
    "read_text canary as a relation",
    "attach warehouse",
)


def _placed(place: str, sql: str) -> dict:
    expression = {"sqlExpression": sql, "expressionType": "SQL"}
    return {
        "adhoc column": {"columns": [{"label": "x", **expression}]},
        "adhoc metric": {"metrics": [{"label": "m", "sqlExpression": f"count({sql})", "expressionType": "SQL"}]},
        "raw metric": {"metrics": [{"label": "m", "expressionType": "SQL",
                                    "sqlExpression": f"count(*) FROM main.indicator_values WHERE {sql}"}]},
        "filter column": {"columns": ["region_code"], "filters": [{"col": {"label": "f", **expression}, "op": "IS NOT NULL"}]},
        "filter value": {"columns": ["region_code"],
                         "filters": [{"col": "region_code", "op": "IN", "val": [f"x') OR ({sql}) OR ('x"]}]},
        "extras.where": {"columns": ["region_code"], "extras": {"where": sql}},
        "extras.having": {"columns": ["region_code"], "metrics": ["count"], "extras": {"having": f"count(*) > 0 OR {sql}"}},
        "orderby": {"columns": ["region_code"], "orderby": [[{"label": "o", **expression}, True]]},
    }[place]  # fmt: skip


HONEST = {
    "honest: detail rows": {"columns": ["region_code", "region_level"],
                            "filters": [{"col": "region_level", "op": "IN", "val": ["wijk", "buurt"]}]},
    "honest: asks for another region by name": {"columns": ["region_code"],
                                                "filters": [{"col": "riec_code", "op": "==", "val": "RIEC05"}]},
}  # fmt: skip


def chart_payloads(target: Target, key_only: bool = False) -> dict[str, dict]:
    """Chart-data query objects with the injections in the places the API takes SQL."""
    out = {}
    for name, sql in injections(target).items():
        is_key = name in KEY_INJECTIONS
        if key_only and not is_key:
            continue
        for place in PLACES + (KEY_PLACES if is_key else ()):
            out[f"{place}: {name}"] = _placed(place, sql)
    return {**out, **HONEST}


def _query(dataset: int, spec: dict, result_type: str, result_format: str) -> dict:
    query = {"columns": [], "metrics": [], "filters": [], "extras": {}, "row_limit": 50000, **spec}
    if query["metrics"] == ["count"]:
        query["metrics"] = [{"label": "count", "sqlExpression": "COUNT(*)", "expressionType": "SQL"}]
    return {
        "datasource": {"id": dataset, "type": "table"},
        "queries": [query],
        "result_type": result_type,
        "result_format": result_format,
        "force": True,
    }


def _post(session, url, **kwargs):
    return session.post(url, timeout=120, **kwargs)


# --- the tests ------------------------------------------------------------------------------------

RESULT_TYPES = [("samples", "json"), ("results", "json"), ("full", "csv"), ("full", "xlsx"),
                ("drill_detail", "json"), ("post_processed", "json")]  # fmt: skip


def _attack_chart_data(
    target, session, user, dataset, payloads, result_type="full", result_format="json"
) -> int:
    answered = 0
    for name, spec in payloads.items():
        body = _query(target.datasets[dataset], spec, result_type, result_format)
        response = _post(session, f"{target.base_url}/api/v1/chart/data", json=body)
        _check(target, user, response, f"chart data on {dataset}, {result_type}/{result_format}", name)
        answered += response.status_code == 200
    return answered


# The analyst every attack is tried as; the others get the key attacks (their walls are the same code
# with another scope).
FIRST = "riec-rotterdam"


def _in_places(payloads: dict[str, dict], places: tuple[str, ...]) -> dict[str, dict]:
    return {name: spec for name, spec in payloads.items() if name.split(": ")[0] in places or name in HONEST}


@pytest.mark.parametrize("user", list(ANALYSTS))
def test_chart_data_escapes_reach_no_other_region_no_file_no_warehouse(target, sessions, user):
    """Every injection in the parts of a chart-data request on indicator_values, the key ones on every
    other published dataset: nothing leaks."""
    session = sessions[(user, "jwt")]
    if user != FIRST:
        answered = _attack_chart_data(target, session, user, "indicator_values", chart_payloads(target, True))
        assert answered, "no request answered at all: the suite attacked nothing"
        return
    answered = _attack_chart_data(target, session, user, "indicator_values", chart_payloads(target))
    for dataset in DATASETS[1:]:
        payloads = _in_places(chart_payloads(target, key_only=True), PLACES)
        answered += _attack_chart_data(target, session, user, dataset, payloads)
    assert answered, "no request answered at all: the suite attacked nothing"


@pytest.mark.parametrize(("result_type", "result_format"), RESULT_TYPES)
def test_every_result_type_and_format_is_held_to_the_rules(target, sessions, result_type, result_format):
    payloads = _in_places(chart_payloads(target, key_only=True), PLACES)
    _attack_chart_data(
        target, sessions[(FIRST, "jwt")], FIRST, "indicator_values", payloads, result_type, result_format
    )


@pytest.mark.parametrize("user", list(ANALYSTS))
def test_the_browser_session_is_held_to_the_same_rules(target, sessions, user):
    session = sessions[(user, "browser")]
    for name, spec in chart_payloads(target, key_only=True).items():
        body = _query(target.datasets["indicator_values"], spec, "full", "json")
        response = _post(session, f"{target.base_url}/api/v1/chart/data", json=body)
        _check(target, user, response, "chart data, browser session with CSRF", name)


def test_the_detector_finds_other_regions_when_they_are_shown(target, sessions):
    """The Admin may see every row: the scan flags what it gets as a leak for an analyst, so a
    leak would not go unnoticed."""
    body = _query(target.datasets["indicator_values"], HONEST["honest: detail rows"], "full", "json")
    response = _post(sessions[("admin", "jwt")], f"{target.base_url}/api/v1/chart/data", json=body)
    assert response.status_code == 200
    with pytest.raises(Leak, match="of another region"):
        _scan(target, "riec-rotterdam", response.text, "admin's rows")
    response = _post(sessions[("riec-rotterdam", "jwt")], f"{target.base_url}/api/v1/chart/data", json=body)
    rows = response.json()["result"][0]["data"]
    assert rows and not set(DETAIL_CODE.findall(response.text)) & target.forbidden["riec-rotterdam"]


@pytest.mark.parametrize("user", list(ANALYSTS))
def test_other_data_doors_reach_nothing_of_another_region(target, sessions, user):
    session = sessions[(user, "jwt")]
    base, values = target.base_url, target.datasets["indicator_values"]
    quoted = quote(json.dumps({"datasource": f"{values}__table", "viz_type": "table", "all_columns": ["region_code"],
                               "adhoc_filters": [{"expressionType": "SQL", "clause": "WHERE",
                                                  "sqlExpression": "1=1 OR region_level = 'buurt'"}]}))  # fmt: skip
    gets = {
        "column values": f"{base}/api/v1/datasource/table/{values}/column/region_code/values/",
        "explore": f"{base}/api/v1/explore/?datasource_id={values}&datasource_type=table",
        "dataset": f"{base}/api/v1/dataset/{values}",
        "dataset drill info": f"{base}/api/v1/dataset/{values}/drill_info/",
        "external metadata": f"{base}/datasource/external_metadata/table/{values}/",
        "datasource get": f"{base}/datasource/get/table/{values}/",
        "explore_json get": f"{base}/superset/explore_json/?form_data={quoted}",
        "databases": f"{base}/api/v1/database/",
        "database": f"{base}/api/v1/database/{target.database_id}",
        "database connection": f"{base}/api/v1/database/{target.database_id}/connection",
        "tables": f"{base}/api/v1/database/{target.database_id}/tables/?q=(schema_name:main)",
        "table metadata": f"{base}/api/v1/database/{target.database_id}/table_metadata/?name=indicator_values&schema=main",
        "select star": f"{base}/api/v1/database/{target.database_id}/select_star/indicator_values/main/",
        "function names": f"{base}/api/v1/database/{target.database_id}/function_names/",
        "sql lab state": f"{base}/api/v1/sqllab/",
        "queries": f"{base}/api/v1/query/",
        "assets export": f"{base}/api/v1/assets/export/",
        "dataset export": f"{base}/api/v1/dataset/export/?q=!({values})",
        "database export": f"{base}/api/v1/database/export/?q=!({target.database_id})",
    }
    for name, url in gets.items():
        response = session.get(url, timeout=120)
        _check(target, user, response, f"GET {name}", "(no injection)")
    for name, sql in injections(target).items():
        if name not in KEY_INJECTIONS:
            continue
        posts = {
            "samples": (f"{base}/datasource/samples?datasource_id={values}&datasource_type=table&force=true",
                        {"filters": [{"col": {"label": "f", "sqlExpression": sql, "expressionType": "SQL"},
                                      "op": "IS NOT NULL"}], "extras": {"where": sql}}),
            "explore_json": (f"{base}/superset/explore_json/?form_data={quoted}", None),
            "validate expression": (f"{base}/api/v1/datasource/table/{values}/validate_expression/",
                                    {"expression": sql, "clause": "WHERE"}),
            "sql lab": (f"{base}/api/v1/sqllab/execute/",
                        {"database_id": target.database_id, "sql": f"SELECT {sql}", "runAsync": False}),
            "sql lab estimate": (f"{base}/api/v1/sqllab/estimate/", {"database_id": target.database_id, "sql": sql}),
            "validate sql": (f"{base}/api/v1/database/{target.database_id}/validate_sql/", {"sql": f"SELECT {sql}"}),
            "test connection": (f"{base}/api/v1/database/test_connection/",
                                {"database_name": "x", "sqlalchemy_uri": f"duckdb:///{target.warehouse}"}),
            "new database": (f"{base}/api/v1/database/",
                             {"database_name": "w", "sqlalchemy_uri": f"duckdb:///{target.warehouse}?access_mode=read_only"}),
            "new virtual dataset": (f"{base}/api/v1/dataset/",
                                    {"database": target.database_id, "schema": "main", "table_name": f"x{secrets.token_hex(3)}",
                                     "sql": f"SELECT {sql} AS x FROM main.indicator_values"}),
            "get or create": (f"{base}/api/v1/dataset/get_or_create/",
                              {"database_id": target.database_id, "table_name": "indicator_values", "schema": "main"}),
        }  # fmt: skip
        for door, (url, payload) in posts.items():
            response = _post(session, url, json=payload)
            _check(target, user, response, f"POST {door}", name)


@pytest.mark.parametrize("user", list(ANALYSTS))
def test_a_virtual_dataset_of_the_analysts_own_cannot_widen_their_rows(target, sessions, user):
    """Where an analyst may make a dataset (Gamma may), its SQL runs on their scope's file and its
    rows are held to their rule: a new dataset has no row-level security, so the guard refuses it."""
    session = sessions[(user, "jwt")]
    created = _post(session, f"{target.base_url}/api/v1/dataset/", json={
        "database": target.database_id, "schema": "main", "table_name": f"mijn_{user.replace('-', '_')}",
        "sql": "SELECT region_code, region_level FROM main.indicator_values"})  # fmt: skip
    _check(target, user, created, "POST dataset (own virtual dataset)", "SELECT * of indicator_values")
    if created.status_code not in (200, 201):
        return  # not allowed at all: the strongest answer
    dataset = created.json()["id"]
    body = _query(dataset, HONEST["honest: detail rows"], "full", "json")
    response = _post(session, f"{target.base_url}/api/v1/chart/data", json=body)
    _check(target, user, response, "chart data on the own virtual dataset", "honest: detail rows")


def test_saved_charts_and_cached_results_follow_the_asker(target, sessions):
    """Every imported chart's data, and a result the ministry cached, fetched by an analyst by its key."""
    admin, ministry = sessions[("admin", "jwt")], sessions[("ministerie", "jwt")]
    charts = admin.get(f"{target.base_url}/api/v1/chart/?q=(page_size:500)", timeout=120).json()["result"]
    body = _query(target.datasets["indicator_values"], HONEST["honest: detail rows"], "full", "json")
    body["force"] = False
    cached = _post(ministry, f"{target.base_url}/api/v1/chart/data", json=body).json()["result"][0][
        "cache_key"
    ]
    for user in ANALYSTS:
        session = sessions[(user, "jwt")]
        for chart in charts:
            response = session.get(f"{target.base_url}/api/v1/chart/{chart['id']}/data/", timeout=120)
            _check(target, user, response, "GET saved chart data", chart["slice_name"])
        for url in (f"{target.base_url}/api/v1/chart/data/{cached}",
                    f"{target.base_url}/superset/explore_json/data/{cached}"):  # fmt: skip
            response = session.get(url, timeout=120)
            _check(
                target,
                user,
                response,
                f"GET {url.split('/data')[0].rsplit('/', 1)[-1]} cached result",
                "the ministry's cache key",
            )


def test_the_data_cache_never_serves_one_scope_to_another(target, sessions):
    """The same request, cache allowed, by users of four scopes in turn: each gets the rows of their
    own scope, and each scope has a cache key of its own."""
    body = _query(target.datasets["indicator_values"], HONEST["honest: detail rows"], "full", "json")
    body["force"] = False
    keys = {}
    for user in (
        "ministerie",
        "riec-rotterdam",
        "provincie-utrecht",
        "analist-zonder-regio",
        "riec-rotterdam",
    ):
        result = _post(sessions[(user, "jwt")], f"{target.base_url}/api/v1/chart/data", json=body).json()[
            "result"
        ][0]
        _scan(target, user, json.dumps(result), "cached chart data")
        codes = {row["region_code"] for row in result["data"]}
        if user == "analist-zonder-regio":
            assert codes == set(), codes
        elif user != "ministerie":
            assert codes and not codes & target.forbidden[user]
        keys.setdefault(user, set()).add(result["cache_key"])
    assert len(set().union(*keys.values())) == 4, keys
    assert len(keys["riec-rotterdam"]) == 1, "the same user and request meet their own cached result"


def test_honest_numbers_are_the_same_for_every_role(target, sessions):
    """What every analyst may see (gemeenten and up) is the same for all; a region's own wijken and
    buurten are the ministry's rows of that region, value for value."""
    values = target.datasets["indicator_values"]

    def rows(user, levels):
        spec = {"columns": ["region_code", "indicator_code", "breakdown_code", "period_year", "value"],
                "filters": [{"col": "region_level", "op": "IN", "val": levels}], "row_limit": 1_000_000}  # fmt: skip
        response = _post(sessions[(user, "jwt")], f"{target.base_url}/api/v1/chart/data",
                         json=_query(values, spec, "full", "json"))  # fmt: skip
        assert response.status_code == 200, response.text[:500]
        return sorted(json.dumps(row, sort_keys=True) for row in response.json()["result"][0]["data"])

    upper = rows("ministerie", ["nederland", "provincie", "riec", "gemeente"])
    assert upper
    with duckdb.connect(target.published, read_only=True) as con:
        rotterdam = {code for (code,) in con.execute(
            "SELECT region_code FROM main.indicator_values WHERE riec_code = 'RIEC07'").fetchall()}  # fmt: skip
    ministry_detail = rows("ministerie", ["wijk", "buurt"])
    for user in ANALYSTS:
        assert rows(user, ["nederland", "provincie", "riec", "gemeente"]) == upper, user
    own = rows("riec-rotterdam", ["wijk", "buurt"])
    assert own and own == [row for row in ministry_detail if json.loads(row)["region_code"] in rotterdam]


# --- accounts --------------------------------------------------------------------------------------

FORGE = """
import json, sys
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
case = json.load(sys.stdin)
app = Flask("forge")
app.secret_key = case["key"]
serializer = SecureCookieSessionInterface().get_signing_serializer(app)
import jwt
print(json.dumps({
    "cookie": serializer.dumps({"_user_id": "1", "_fresh": True, "_id": "x"}),
    "jwt": jwt.encode({"sub": "1", "fresh": True, "type": "access"}, case["key"], algorithm="HS256"),
}))
"""
# The secret key the repository carried before it was made per install.
FORMER_REPOSITORY_KEY = "zicht-embedded-demo-secret-key-not-for-production"


@pytest.mark.parametrize("key", [FORMER_REPOSITORY_KEY, "any-key-an-attacker-picks"])
def test_a_forged_session_or_token_is_not_the_admin(target, key):
    from superset_python import run_in_superset

    forged = run_in_superset(FORGE, {"key": key})
    with_cookie = requests.get(
        f"{target.base_url}/api/v1/me/", cookies={"session": forged["cookie"]}, timeout=60
    )
    with_token = requests.get(f"{target.base_url}/api/v1/me/",
                              headers={"Authorization": f"Bearer {forged['jwt']}"}, timeout=60)  # fmt: skip
    assert with_cookie.status_code == 401, with_cookie.text[:300]
    assert with_token.status_code in (401, 422), with_token.text[:300]


def _from_address(address: str) -> requests.Session:
    """A client on another loopback address: the login limits count per client address."""

    class Bound(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (address, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.mount("http://", Bound())
    return session


def _login(session: requests.Session, base_url: str, username: str, password: str) -> int:
    return session.post(
        f"{base_url}/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": False},
        timeout=60,
    ).status_code


CREATE_USERS = """
import json, sys
from superset.app import create_app
users = json.load(sys.stdin)
app = create_app()
with app.app_context():
    from superset import security_manager
    gamma = security_manager.find_role("Gamma")
    for username, password in users.items():
        if security_manager.find_user(username=username) is None:
            assert security_manager.add_user(username, "Proef", "Account", f"{username}@zicht.invalid", gamma, password)
print(json.dumps(sorted(users)))
"""


@pytest.fixture(scope="module")
def trial_accounts(superset) -> dict[str, str]:
    """Accounts of their own for the login tests: guessing locks an account, and the demo analysts'
    accounts are needed by the other tests."""
    from superset_python import run_in_superset

    accounts = {name: "proef-" + secrets.token_hex(8) for name in ("proef-raden", "proef-slot")}
    run_in_superset(CREATE_USERS, accounts, env=superset.process_env())
    return accounts


def test_password_guessing_is_refused(target, trial_accounts):
    """Wrong passwords as fast as the client can send them: past the login rate limit every attempt
    is refused (each gunicorn worker counts its own in the embedded default), the right one too."""
    per_worker = int(PRIVATE_LOGIN_RATE_LIMIT.split()[0])
    workers = int(os.environ.get("SUPERSET_WORKERS", "2"))
    attempts = workers * per_worker + 20
    client = _from_address("127.0.0.2")
    codes = [_login(client, target.base_url, "proef-raden", f"guess-{n}") for n in range(attempts)]
    assert set(codes) <= {401, 429}, codes
    assert codes.count(429) >= attempts - workers * per_worker, codes
    assert _login(client, target.base_url, "proef-raden", trial_accounts["proef-raden"]) == 429


def test_an_account_that_keeps_failing_is_locked(target, trial_accounts):
    """Five wrong passwords (from five addresses, so that no rate limit stands in) lock the account:
    the right password is refused too, until the lockout ends or setup resets it."""
    username, password = "proef-slot", trial_accounts["proef-slot"]
    assert _login(_from_address("127.0.0.3"), target.base_url, username, password) == 200
    for n in range(5):
        assert _login(_from_address(f"127.0.1.{n + 1}"), target.base_url, username, f"wrong-{n}") == 401
    assert _login(_from_address("127.0.2.1"), target.base_url, username, password) == 401
