"""End to end: a published DuckDB file -> Superset setup and server -> the dashboard in Chromium.

Renders the file the pipeline published in this test session (the `pipeline_run` fixture), or a copy
of the file ZICHT_SUPERSET_TEST_PUBLISHED names (the `superset` fixture in conftest.py). Expected values
are always read from that file with DuckDB, so what the page shows is checked against what was published.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

import duckdb
import pytest
import requests
import yaml
from superset_helpers import CHROMIUM, CHROMIUM_FLAGS, api_session, fail_with_log, log_in

from zicht.settings import PROJECT_ROOT
from zicht.superset import setup_superset
from zicht.superset.browser import CHART_HOLDER, ERROR_STATE, wait_until_charts_settled
from zicht.superset.bundle import BUNDLE_ROOT_FOLDER, bundle_targets, read_bundle, render_bundle
from zicht.superset.environment import IMPORT_SCRIPT, SupersetEnvironment
from zicht.superset.indicator_datasets import RETIRED_DATASETS, asset_uuid

pytestmark = pytest.mark.slow

DASHBOARD_SLUG = "zicht-bevolking-en-dichtheid"
GEMEENTEN_CHART = "charts/gemeenten_inwoners_en_dichtheid.yaml"
SCREENSHOT = PROJECT_ROOT / "artifacts" / "screenshots" / "superset_dashboard.png"
TOP_GEMEENTEN = 5


def _expected(env: SupersetEnvironment) -> dict:
    """What the dashboard must show, read from the published file itself."""
    with duckdb.connect(str(env.settings.published_path), read_only=True) as con:
        latest = con.execute("SELECT max(period_year) FROM main.region_population").fetchone()[0]
        national = con.execute(
            """SELECT inhabitants FROM main.region_population
               WHERE region_level = 'nederland' AND period_year = ?""",
            [latest],
        ).fetchone()[0]
        gemeenten = con.execute(
            """SELECT region_name, inhabitants, population_density, population_density_index
               FROM main.region_population WHERE region_level = 'gemeente' AND period_year = ?
               ORDER BY inhabitants DESC""",
            [latest],
        ).fetchall()
        # A figure from an older year that the latest year does not contain: it must not be shown.
        stale = con.execute(
            """SELECT inhabitants FROM main.region_population
               WHERE region_level = 'gemeente' AND period_year < ?
                 AND inhabitants NOT IN (SELECT inhabitants FROM main.region_population WHERE period_year = ?)
               LIMIT 1""",
            [latest, latest],
        ).fetchone()
    assert gemeenten, "the published file has no gemeenten for its latest year"
    return {"latest": latest, "national": national, "gemeenten": gemeenten, "stale": stale and stale[0]}


def _chart_ids_by_uuid(env: SupersetEnvironment, session: requests.Session) -> dict[str, dict]:
    query = json.dumps({"columns": ["id", "uuid", "datasource_id", "slice_name"], "page_size": 100})
    response = session.get(f"{env.base_url}/api/v1/chart/", params={"q": query}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    return {chart["uuid"]: chart for chart in response.json()["result"]}


def test_chart_data_api_matches_duckdb(superset):
    """The gemeenten chart's query, sent to POST /api/v1/chart/data, returns the published rows."""
    chart_config = read_bundle()[GEMEENTEN_CHART]
    params = chart_config["params"]
    session = api_session(superset)
    chart = _chart_ids_by_uuid(superset, session).get(chart_config["uuid"])
    assert chart is not None, "the gemeenten chart was not imported"

    filters = [
        {"col": f["subject"], "op": f["operator"], "val": f["comparator"]}
        for f in params["adhoc_filters"]
        if f["expressionType"] == "SIMPLE"
    ]
    orderby = [json.loads(item) for item in params["order_by_cols"]]
    payload = {
        "datasource": {"id": chart["datasource_id"], "type": "table"},
        "queries": [
            {
                "columns": params["all_columns"],
                "filters": filters,
                "orderby": orderby,
                "row_limit": params["row_limit"],
            }
        ],
        "form_data": {**params, "slice_id": chart["id"]},
        "result_format": "json",
        "result_type": "full",
    }
    response = session.post(f"{superset.base_url}/api/v1/chart/data", json=payload, timeout=120)
    if response.status_code != 200:
        fail_with_log(superset, f"chart data failed: {response.status_code} {response.text[:1000]}")
    result = response.json()["result"][0]
    assert result["status"] == "success", result.get("error")
    got = [tuple(row[c] for c in params["all_columns"]) for row in result["data"]]
    expected = _expected(superset)["gemeenten"]
    assert len(got) == len(expected), f"Superset returned {len(got)} gemeenten, DuckDB has {len(expected)}"
    for got_row, expected_row in zip(got, expected, strict=True):
        assert got_row[:2] == expected_row[:2]
        assert got_row[2:] == pytest.approx(expected_row[2:], rel=1e-9)


def test_dashboard_renders_published_numbers(superset):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    expected = _expected(superset)
    dashboard = read_bundle()["dashboards/bevolking_en_dichtheid.yaml"]
    n_charts = sum(
        1 for node in dashboard["position"].values() if isinstance(node, dict) and node.get("type") == "CHART"
    )
    console_errors: list[str] = []
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(120_000)
            # The telemetry pixel cannot load offline; never let the browser try.
            page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
            log_in(page, superset)

            page.goto(
                f"{superset.base_url}/superset/dashboard/{DASHBOARD_SLUG}/", wait_until="domcontentloaded"
            )
            holders = page.locator(CHART_HOLDER)
            try:
                wait_until_charts_settled(page, n_charts, timeout_ms=180_000)
            except PlaywrightError as exc:
                page.screenshot(
                    path=str(SCREENSHOT.with_name("superset_dashboard_failed.png")), full_page=True
                )
                fail_with_log(
                    superset, f"charts did not finish rendering: {exc}\nconsole errors: {console_errors}"
                )

            page.screenshot(path=str(SCREENSHOT), full_page=True)

            errors = holders.locator(ERROR_STATE)
            if errors.count():
                fail_with_log(superset, f"chart error on the dashboard: {errors.all_inner_texts()}")
            assert holders.count() == n_charts

            body = page.inner_text("body")
            assert "Zicht — Bevolking en dichtheid" in body
            assert f"{expected['national']:,}" in body, f"Nederland total {expected['national']:,} not shown"
            # Whole table cells, so 12,345 is never "found" inside 112,345.
            cells = {
                cell.strip()
                for cell in re.split(r"[\t\n]+", holders.filter(has_text="Gemeenten").inner_text())
            }
            for name, inhabitants, density, index in expected["gemeenten"][:TOP_GEMEENTEN]:
                for shown in (name, f"{inhabitants:,}", f"{density:,.1f}", f"{index:,.1f}"):
                    assert shown in cells, f"{shown!r} ({name}) missing from the gemeenten chart"
            if expected["stale"] is not None:
                assert f"{expected['stale']:,}" not in cells, "older-year figure shown"
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000


def _import_a_retired_dataset(env: SupersetEnvironment, tmp_path) -> None:
    """What an installation set up with an earlier bundle still has: a dataset the bundle dropped."""
    rendered = render_bundle(bundle_targets(env.settings))
    dataset = yaml.safe_load(rendered["datasets/zicht_published/indicator_values.yaml"])
    retired = {
        **dataset,
        "table_name": RETIRED_DATASETS[0],
        "uuid": asset_uuid("dataset", RETIRED_DATASETS[0]),
        "sql": "SELECT * FROM main.indicator_values",
    }
    files = {
        "metadata.yaml": rendered["metadata.yaml"],
        "databases/zicht_published.yaml": rendered["databases/zicht_published.yaml"],
        f"datasets/zicht_published/{RETIRED_DATASETS[0]}.yaml": yaml.safe_dump(retired),
    }
    archive = tmp_path / "earlier_bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for relative, text in files.items():
            bundle.writestr(f"{BUNDLE_ROOT_FOLDER}/{relative}", text)
    subprocess.run([str(env.python_bin), str(IMPORT_SCRIPT), str(archive)], env=env.process_env(), check=True)


def _dataset_names(env: SupersetEnvironment, session: requests.Session) -> set[str]:
    query = json.dumps({"columns": ["table_name"], "page_size": 100})
    response = session.get(f"{env.base_url}/api/v1/dataset/", params={"q": query}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    return {dataset["table_name"] for dataset in response.json()["result"]}


def test_setup_is_repeatable(superset, tmp_path):
    """A second setup (server still running) overwrites in place: no 'already exists', no duplicates,
    and a dataset an earlier bundle imported and this one dropped is gone."""
    _import_a_retired_dataset(superset, tmp_path)
    session = api_session(superset)
    assert RETIRED_DATASETS[0] in _dataset_names(superset, session)
    setup_superset(superset)
    session = api_session(superset)
    bundle_datasets = {c["table_name"] for path, c in read_bundle().items() if path.startswith("datasets/")}
    assert _dataset_names(superset, session) == bundle_datasets
    charts = _chart_ids_by_uuid(superset, session)
    bundle_charts = {c["uuid"] for path, c in read_bundle().items() if path.startswith("charts/")}
    assert set(charts) == bundle_charts
    query = json.dumps(
        {"filters": [{"col": "dashboard_title", "opr": "eq", "value": "Zicht — Bevolking en dichtheid"}]}
    )
    response = session.get(f"{superset.base_url}/api/v1/dashboard/", params={"q": query}, timeout=60)
    assert response.status_code == 200, response.text[:500]
    assert response.json()["count"] == 1
    dashboard_charts = session.get(
        f"{superset.base_url}/api/v1/dashboard/{DASHBOARD_SLUG}/charts", timeout=60
    )
    assert dashboard_charts.status_code == 200
    placed = {
        node["meta"]["uuid"]
        for node in read_bundle()["dashboards/bevolking_en_dichtheid.yaml"]["position"].values()
        if isinstance(node, dict) and node.get("type") == "CHART"
    }
    assert {c["form_data"]["slice_id"] for c in dashboard_charts.json()["result"]} == {
        charts[uuid]["id"] for uuid in placed
    }
    database = session.get(f"{superset.base_url}/api/v1/database/", timeout=60).json()["result"]
    assert sorted(d["database_name"] for d in database) == ["zicht_ops", "zicht_published"]
