"""superset_assets/query_guard.py: the statements an analyst's connection admits, and every trick it refuses.

Each case runs the guard in Superset's environment, with the policy of an analyst of RIEC07 (or of the
ministry: no row clause) on a file with a regional table (`indicator_values`, `region_shapes`) and
a table without regions (`indicators`). The admitted queries are the shapes Superset 6.1 itself sends
(copied from its chart-data responses); the refused ones are what an attacker sends through adhoc
columns, metrics, filters and `extras`, or through any other door, in the many spellings DuckDB reads.
"""

from __future__ import annotations

import pytest
from superset_python import run_in_superset

CLAUSE = "(region_level NOT IN ('wijk', 'buurt') OR riec_code = 'RIEC07')"
RLS = f"WHERE ({CLAUSE})"

# What Superset 6.1 sends for honest charts.
ADMITTED = {
    "physical dataset": (
        "SELECT region_level AS region_level, riec_code AS riec_code, COUNT(*) AS n \nFROM main.indicator_values "
        f"\n{RLS} GROUP BY region_level, riec_code \n LIMIT 100000;\n\n"
    ),
    "filters before the rule": (
        "SELECT region_code FROM main.indicator_values WHERE period_year = 2024 AND region_level IN ('wijk') "
        f"AND ({CLAUSE}) LIMIT 10"
    ),
    "the rule as sqlglot writes it": (
        "SELECT * FROM main.indicator_values WHERE ((NOT region_level IN ('wijk', 'buurt') OR riec_code = 'RIEC07'))"
    ),
    "virtual dataset: the rule inside, around every table": (
        "SELECT region_code AS region_code, COUNT(*) AS n \nFROM (SELECT v.region_code, v.region_level, "
        "v.riec_code, shape.polygon FROM (SELECT * FROM main.indicator_values WHERE ((NOT region_level IN "
        "('wijk', 'buurt') OR riec_code = 'RIEC07'))) AS v INNER JOIN (SELECT * FROM main.region_shapes WHERE "
        "((NOT region_level IN ('wijk', 'buurt') OR riec_code = 'RIEC07'))) AS shape ON shape.region_code = "
        "v.region_code AND shape.period_year = (SELECT MAX(period_year) FROM (SELECT * FROM main.region_shapes "
        "WHERE ((NOT region_level IN ('wijk', 'buurt') OR riec_code = 'RIEC07'))) AS \"region_shapes\") "
        f"WHERE v.breakdown_code = 'totaal') AS virtual_table \n{RLS} GROUP BY region_code \n LIMIT 100000;"
    ),
    "series limit: the rule in both": (
        "SELECT region_code, COUNT(*) FROM main.indicator_values JOIN (SELECT theme_code AS theme_code__ FROM "
        f"main.indicator_values {RLS} GROUP BY theme_code LIMIT 5) AS series_limit ON theme_code = theme_code__ "
        f"{RLS} GROUP BY region_code"
    ),
    "a table without regions": "SELECT indicator_code, name_nl FROM main.indicators LIMIT 100",
    "no table": "SELECT 1",
    "lower and upper case": f"sElEcT region_code FrOm MAIN.Indicator_Values {RLS}",
    "catalog of the file": f"SELECT region_code FROM zicht.main.indicator_values {RLS}",
}

# What an attacker sends. Each must be refused for the RIEC07 analyst.
REFUSED = {
    "union appended to a metric": (
        "SELECT count(*) FROM main.indicator_values WHERE region_level = 'buurt' UNION ALL SELECT count(*) AS m "
        f"FROM main.indicator_values {RLS} LIMIT 100"
    ),
    "union distinct": f"SELECT region_code FROM main.indicators UNION SELECT region_code FROM main.indicator_values {RLS}",
    "except": f"SELECT 1 FROM main.indicator_values {RLS} EXCEPT SELECT 2",
    "intersect all": f"SELECT 1 FROM main.indicator_values {RLS} INTERSECT ALL SELECT 1",
    "or outlives the rule (issue 39733)": (
        f"SELECT region_code FROM main.indicator_values WHERE region_level = 'buurt' OR 1 = 1 AND ({CLAUSE})"
    ),
    "rule inside an or": f"SELECT region_code FROM main.indicator_values WHERE ({CLAUSE}) OR TRUE",
    "rule negated": f"SELECT region_code FROM main.indicator_values WHERE NOT ({CLAUSE})",
    "rule of another region": (
        "SELECT region_code FROM main.indicator_values "
        "WHERE (region_level NOT IN ('wijk', 'buurt') OR riec_code = 'RIEC01')"
    ),
    "rule missing": "SELECT region_code FROM main.indicator_values",
    "rule only around the outside": (
        f"SELECT * FROM (SELECT 'gemeente' AS region_level, region_code, riec_code FROM main.indicator_values) AS v {RLS}"
    ),
    "subquery in the select list without the rule": (
        f"SELECT (SELECT max(region_code) FROM main.indicator_values) FROM main.indicator_values {RLS}"
    ),
    "subquery in the where without the rule": (
        "SELECT 1 FROM main.indicators WHERE EXISTS (SELECT 1 FROM main.indicator_values WHERE region_level = 'buurt')"
    ),
    "lateral join without the rule": (
        "SELECT x.region_code FROM main.indicators, LATERAL (SELECT region_code FROM main.indicator_values) AS x"
    ),
    "join with a second table that is not scoped": (
        f"SELECT b.region_code FROM main.indicators JOIN main.region_shapes AS b ON TRUE {RLS.replace('region_level', 'indicators.name_nl')}"
    ),
    "columns renamed under the rule": (
        "SELECT region_code FROM main.indicator_values AS t(period_year, region_code, region_level, riec_code) "
        f"{RLS}"
    ),
    "two tables of regions under one rule": (
        f"SELECT a.region_code FROM main.indicator_values AS a, main.region_shapes AS b {RLS}"
    ),
    "cte": f"WITH x AS (SELECT * FROM main.indicator_values) SELECT * FROM x {RLS}",
    "recursive cte": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r",
    "second statement": f"SELECT 1 FROM main.indicator_values {RLS}; SELECT * FROM main.indicator_values",
    "second statement after a comment": f"SELECT 1 /* ; */ FROM main.indicator_values {RLS} -- x\n; SELECT 2",
    "second statement in a dollar string trick": f"SELECT $$;$$ FROM main.indicator_values {RLS}; SELECT 2",
    "read_text": "SELECT * FROM read_text('/etc/passwd')",
    "read_csv": "SELECT * FROM read_csv('/etc/passwd', sep=':')",
    "read_csv_auto in a subquery": "SELECT (SELECT count(*) FROM read_csv_auto('/etc/passwd')) FROM main.indicators",
    "glob": "SELECT * FROM glob('/work/*')",
    "a file name as a table": "SELECT * FROM '/etc/passwd'",
    "parquet file": "SELECT * FROM 'data/warehouse/zicht.duckdb'",
    "query_table": "SELECT * FROM query_table('indicator_values')",
    "query": "SELECT * FROM query('SELECT * FROM indicator_values')",
    "duckdb catalog function": "SELECT * FROM duckdb_databases()",
    "duckdb settings": "SELECT * FROM duckdb_settings()",
    "information schema": "SELECT * FROM information_schema.tables",
    "system catalog": "SELECT * FROM system.main.duckdb_tables",
    "temp catalog": "SELECT * FROM temp.main.anything",
    "another catalog": f"SELECT * FROM warehouse.main.indicator_values {RLS}",
    "another schema": f"SELECT * FROM raw.indicator_values {RLS}",
    "sqlite_master": "SELECT * FROM sqlite_master",
    "unknown table": "SELECT * FROM stg_kvk__vestigingen",
    "values list": "SELECT * FROM (VALUES (1), (2)) AS t(x)",
    "pivot": "SELECT * FROM (PIVOT main.indicators ON theme_code USING count(*))",
    "current_setting": "SELECT current_setting('temp_directory')",
    "getvariable": "SELECT getvariable('x')",
    "time travel": f"SELECT * FROM main.indicator_values AT (VERSION => 1) {RLS}",
    "attach": "ATTACH '/work/data/warehouse/zicht.duckdb' AS w",
    "install": "INSTALL httpfs",
    "load": "LOAD sqlite_scanner",
    "set": "SET enable_external_access = true",
    "reset": "RESET lock_configuration",
    "pragma": "PRAGMA database_list",
    "copy": "COPY main.indicator_values TO '/tmp/x.csv'",
    "export": "EXPORT DATABASE '/tmp/x'",
    "create": "CREATE TEMP TABLE t AS SELECT * FROM main.indicator_values",
    "create macro": "CREATE MACRO m() AS TABLE SELECT * FROM main.indicator_values",
    "describe": "DESCRIBE main.indicator_values",
    "show": "SHOW TABLES",
    "call": "CALL duckdb_settings()",
    "set variable": "SET VARIABLE x = 1",
    "checkpoint": "CHECKPOINT",
    "detach": "DETACH zicht",
    "use": "USE temp",
    "not sql": "this is not sql",
    "empty": "",
}

SCRIPT = """
import json, sys
import query_guard
cases = json.load(sys.stdin)
out = {}
for name, (sql, clause) in cases.items():
    policy = query_guard.Policy(
        tables=frozenset({"indicator_values", "region_shapes", "indicators"}),
        detail_tables=frozenset({"indicator_values", "region_shapes"}),
        clause=clause,
        catalogs=frozenset({"", "zicht"}),
    )
    try:
        query_guard.check(sql, policy)
        out[name] = "admitted"
    except query_guard.QueryRefused as refusal:
        out[name] = "refused: " + str(refusal)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def verdicts() -> dict[str, str]:
    cases = {f"analyst: {name}": (sql, CLAUSE) for name, sql in {**ADMITTED, **REFUSED}.items()}
    cases |= {f"ministry: {name}": (sql, None) for name, sql in {**ADMITTED, **REFUSED}.items()}
    return run_in_superset(SCRIPT, cases)


@pytest.mark.parametrize("name", sorted(ADMITTED))
def test_superset_shapes_are_admitted(verdicts, name):
    assert verdicts[f"analyst: {name}"] == "admitted"
    assert verdicts[f"ministry: {name}"] == "admitted"


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_escapes_are_refused_for_the_analyst(verdicts, name):
    assert verdicts[f"analyst: {name}"].startswith("refused: "), REFUSED[name]


# Without a row rule (the ministry), a query that reads only published tables in one SELECT is admitted
# whatever its WHERE; everything that reaches past the published tables stays refused.
ROW_RULE_ONLY = {
    "or outlives the rule (issue 39733)",
    "rule inside an or",
    "rule negated",
    "rule of another region",
    "rule missing",
    "rule only around the outside",
    "subquery in the select list without the rule",
    "subquery in the where without the rule",
    "lateral join without the rule",
    "join with a second table that is not scoped",
    "two tables of regions under one rule",
}


@pytest.mark.parametrize("name", sorted(set(REFUSED) - ROW_RULE_ONLY))
def test_escapes_past_the_published_tables_are_refused_for_the_ministry(verdicts, name):
    assert verdicts[f"ministry: {name}"].startswith("refused: "), REFUSED[name]


@pytest.mark.parametrize("name", sorted(ROW_RULE_ONLY))
def test_the_ministry_has_no_row_rule(verdicts, name):
    assert verdicts[f"ministry: {name}"] == "admitted"


def test_a_refusal_says_which_rule(verdicts):
    assert "regioregel" in verdicts["analyst: or outlives the rule (issue 39733)"]
    assert "SET_OPERATION_NODE" in verdicts["analyst: union appended to a metric"]
    assert "geen gepubliceerde tabel" in verdicts["analyst: unknown table"]
    assert "alleen SELECT" in verdicts["analyst: attach"]
