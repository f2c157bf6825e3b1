"""End to end: the Kaarten dashboard draws its maps, and an analyst sees only their own region's detail.

Runs against the same Superset set-up as test_superset_dashboard (the file the pipeline published).
Expected rows are read from that file with DuckDB.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from png_pixels import coloured_fraction, grey_fraction
from superset_helpers import CHROMIUM, CHROMIUM_FLAGS, fail_with_log, log_in
from superset_helpers import api_session as _api_session
from test_superset_dashboard import _chart_ids_by_uuid

from zicht.indicators.catalog import load_catalog
from zicht.settings import PROJECT_ROOT
from zicht.superset.bundle import read_bundle
from zicht.superset.credentials import analyst_password
from zicht.superset.indicator_datasets import UNPUBLISHED_INDEX, indicator_map_dataset
from zicht.superset.themes import dashboards, default_map_indicator

pytestmark = pytest.mark.slow

KAARTEN_SLUG = "zicht-kaarten"
SCREENSHOT = PROJECT_ROOT / "artifacts" / "screenshots" / "superset_kaarten.png"
BUURT_MAP = "charts/kaart_bevolkingsdichtheid_buurten.yaml"
REGION_POPULATION = "datasets/zicht_published/region_population.yaml"
ANALYST, OWN_RIEC, OTHER_RIEC = "riec-rotterdam", "RIEC07", "RIEC05"
MINIMUM_COLOURED = 0.02  # a drawn map colours far more of its chart than this; a blank canvas none
# Unpublished regions are filled grey; a few grey pixels of anti-aliased text aside, a map with any
# unpublished region shows more grey than this.
MINIMUM_GREY = 0.001
MAP_HOLDERS_DRAWN_JS = """(n) => {
    const holders = [...document.querySelectorAll('[data-test="dashboard-component-chart-holder"]')]
        .filter(h => !h.querySelector(':scope > h2'));
    return holders.length === n && holders.every(h => h.querySelector('canvas'));
}"""


def _browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def _published(env, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(env.settings.published_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_kaarten_dashboard_draws_both_maps(superset):

    from playwright.sync_api import sync_playwright

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    # The Gemeente filter starts on the first gemeente by name (the buurt map's default).
    first_gemeente = _published(
        superset,
        "SELECT min(region_name) FROM main.region_population WHERE region_level = 'gemeente' "
        "AND period_year = (SELECT max(period_year) FROM main.region_shapes)",
    )[0][0]
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            log_in(page, superset)
            page.goto(
                f"{superset.base_url}/superset/dashboard/{KAARTEN_SLUG}/", wait_until="domcontentloaded"
            )
            holders = page.locator('[data-test="dashboard-component-chart-holder"]')
            try:
                page.wait_for_function(
                    """() => {
                        const holders = [...document.querySelectorAll(
                            '[data-test="dashboard-component-chart-holder"]')];
                        return holders.length === 2 && holders.every(h => h.querySelector('canvas'));
                    }""",
                    timeout=180_000,
                )
            except Exception as error:  # noqa: BLE001  (any wait failure: show the page and the log)
                page.screenshot(path=str(SCREENSHOT.with_name("superset_kaarten_failed.png")), full_page=True)
                fail_with_log(superset, f"the maps did not render: {error}")
            page.wait_for_timeout(5_000)  # deck.gl draws in animation frames after the canvas appears
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            assert holders.locator('.ant-alert, [role="alert"]').count() == 0, holders.all_inner_texts()
            for index in range(2):
                canvas = holders.nth(index).locator("canvas").first
                fraction = coloured_fraction(canvas.screenshot())
                assert fraction > MINIMUM_COLOURED, f"map {index + 1} is blank ({fraction:.1%} coloured)"
            assert first_gemeente in page.inner_text("body"), "the Gemeente filter shows no first gemeente"
        finally:
            browser.close()


def _chart_data(request, base_url: str, csrf: str, dataset_id: int, level_filter: list, extra: list) -> list:
    payload = {
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [
            {
                "columns": ["region_level", "region_code", "riec_code"],
                "filters": [{"col": "region_level", "op": "IN", "val": level_filter}, *extra],
                "row_limit": 100_000,
            }
        ],
        "result_format": "json",
        "result_type": "full",
    }
    response = request.post(
        f"{base_url}/api/v1/chart/data",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json", "X-CSRFToken": csrf, "Referer": base_url},
    )
    assert response.status == 200, response.text()[:1000]
    return response.json()["result"][0]["data"]


def _dataset_ids(env) -> dict[str, int]:
    """Dataset id per bundle path, from the charts that use them (admin API)."""
    session = _api_session(env)
    charts = _chart_ids_by_uuid(env, session)
    bundle = read_bundle()
    ids = {"map": charts[bundle[BUURT_MAP]["uuid"]]["datasource_id"]}
    query = json.dumps({"filters": [{"col": "table_name", "opr": "eq", "value": "region_population"}]})
    found = session.get(f"{env.base_url}/api/v1/dataset/", params={"q": query}, timeout=60).json()["result"]
    ids["population"] = found[0]["id"]
    query = json.dumps({"filters": [{"col": "table_name", "opr": "eq", "value": "indicator_values"}]})
    found = session.get(f"{env.base_url}/api/v1/dataset/", params={"q": query}, timeout=60).json()["result"]
    ids["values"] = found[0]["id"]
    return ids


def test_riec_analyst_sees_wijken_and_buurten_of_own_region_only(superset):

    from playwright.sync_api import sync_playwright

    latest = _published(superset, "SELECT max(period_year) FROM main.region_shapes")[0][0]
    detail_by_riec = dict(
        _published(
            superset,
            "SELECT riec_code, count(*) FROM main.region_shapes WHERE period_year = ? "
            "AND region_level IN ('wijk', 'buurt') GROUP BY riec_code",
            [latest],
        )
    )
    assert detail_by_riec.get(OWN_RIEC) and detail_by_riec.get(OTHER_RIEC), detail_by_riec
    gemeenten = _published(
        superset,
        "SELECT count(*) FROM main.region_shapes WHERE period_year = ? AND region_level = 'gemeente'",
        [latest],
    )[0][0]
    population_detail = _published(
        superset,
        "SELECT count(*) FROM main.region_population"
        " WHERE region_level IN ('wijk', 'buurt') AND riec_code = ?",
        [OWN_RIEC],
    )[0][0]
    values_year = _published(superset, "SELECT max(period_year) FROM main.indicator_values")[0][0]
    ids = _dataset_ids(superset)

    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page()
            page.set_default_timeout(120_000)
            log_in(page, superset, ANALYST, analyst_password(superset.settings))
            csrf = page.request.get(f"{superset.base_url}/api/v1/security/csrf_token/").json()["result"]

            detail = _chart_data(page.request, superset.base_url, csrf, ids["map"], ["wijk", "buurt"], [])
            assert {row["riec_code"] for row in detail} == {OWN_RIEC}
            assert len(detail) == detail_by_riec[OWN_RIEC]
            everywhere = _chart_data(page.request, superset.base_url, csrf, ids["map"], ["gemeente"], [])
            assert len(everywhere) == gemeenten and len({row["riec_code"] for row in everywhere}) > 1
            # Asking for another region's buurten by name gives nothing.
            other = [{"col": "riec_code", "op": "==", "val": OTHER_RIEC}]
            assert _chart_data(page.request, superset.base_url, csrf, ids["map"], ["buurt"], other) == []
            # The same rule holds on the population table.
            rows = _chart_data(
                page.request, superset.base_url, csrf, ids["population"], ["wijk", "buurt"], []
            )
            assert {row["riec_code"] for row in rows} == {OWN_RIEC} and len(rows) == population_detail
            # And on the indicator values, whose wijk rows the dashboards' Wijk filter lists.
            newest = [{"col": "period_year", "op": "==", "val": values_year}]
            wijken = _chart_data(page.request, superset.base_url, csrf, ids["values"], ["wijk"], newest)
            assert wijken and {row["riec_code"] for row in wijken} == {OWN_RIEC}

            # SQL Lab is not for analysts: neither its page nor its API.
            database_id = page.request.get(f"{superset.base_url}/api/v1/dataset/{ids['map']}").json()
            executed = page.request.post(
                f"{superset.base_url}/api/v1/sqllab/execute/",
                data=json.dumps({"database_id": database_id["result"]["database"]["id"], "sql": "SELECT 1"}),
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": csrf,
                    "Referer": superset.base_url,
                },
            )
            assert executed.status in (401, 403), executed.text()[:500]
            sqllab = page.goto(f"{superset.base_url}/sqllab/", wait_until="domcontentloaded")
            assert sqllab.status != 200 or "/sqllab" not in page.url, "SQL Lab opened for an analyst"
        finally:
            browser.close()


def test_the_ministry_sees_every_buurt(superset):

    import requests

    latest = _published(superset, "SELECT max(period_year) FROM main.region_shapes")[0][0]
    buurten = _published(
        superset,
        "SELECT count(*) FROM main.region_shapes WHERE period_year = ? AND region_level = 'buurt'",
        [latest],
    )[0][0]
    session = requests.Session()
    login = session.post(
        f"{superset.base_url}/api/v1/security/login",
        json={
            "username": "ministerie",
            "password": analyst_password(superset.settings),
            "provider": "db",
            "refresh": False,
        },
        timeout=60,
    )
    assert login.status_code == 200, login.text[:300]
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    dataset_id = _dataset_ids(superset)["map"]
    payload = {
        "datasource": {"id": dataset_id, "type": "table"},
        "queries": [
            {
                "columns": ["region_code"],
                "filters": [{"col": "region_level", "op": "==", "val": "buurt"}],
                "row_limit": 100_000,
            }
        ],
        "result_format": "json",
        "result_type": "full",
    }
    response = session.post(f"{superset.base_url}/api/v1/chart/data", json=payload, timeout=120)
    assert response.status_code == 200, response.text[:500]
    assert len(response.json()["result"][0]["data"]) == buurten


def _expected_index_maps(env, indicator: str) -> tuple[int, str, dict[str, dict[str, float]]]:
    """What the Indicatorkaart should draw when it opens: its year (the newest), its gemeente (the
    first by name) and per level each region's outline -> map value, from the published file through
    the dataset's own SQL."""
    sql = read_bundle()[indicator_map_dataset().path]["sql"]
    newest = f"SELECT max(period_year) FROM ({sql}) WHERE indicator_name = ?"
    year = _published(env, newest, [indicator])[0][0]
    gemeente = _published(env, f"SELECT min(gemeente_name) FROM ({sql}) WHERE region_level = 'gemeente'")[0][
        0
    ]
    expected = {}
    for level in ("gemeente", "wijk", "buurt"):
        in_gemeente = "" if level == "gemeente" else "AND gemeente_name = ?"
        rows = _published(
            env,
            f"SELECT polygon, coalesce(index_nl, {UNPUBLISHED_INDEX}) FROM ({sql}) "
            f"WHERE indicator_name = ? AND period_year = ? AND region_level = ? {in_gemeente}",
            [indicator, year, level] + ([gemeente] if in_gemeente else []),
        )
        expected[level] = dict(rows)
    return year, gemeente, expected


def test_indicator_map_colours_regions_by_the_published_index(superset):
    """The Indicatorkaart opens on an indicator published down to buurten: each of its three maps is
    drawn, the values behind each are the published indexes (unpublished ones apart), and a map with
    unpublished regions shows them grey."""
    from playwright.sync_api import sync_playwright

    dashboard = next(d for d in dashboards() if d.name == "indicatorkaart")
    indicator = default_map_indicator(load_catalog())
    year, gemeente, expected = _expected_index_maps(superset, indicator)
    assert expected["gemeente"] and expected["buurt"], f"nothing to draw for {indicator} in {year}"
    chart_ids = _chart_ids_by_uuid(superset, _api_session(superset))
    level_by_slice = {
        chart_ids[chart.uuid]["id"]: chart.params["adhoc_filters"][0]["comparator"]
        for chart in dashboard.charts
    }
    screenshot = SCREENSHOT.with_name("superset_indicatorkaart.png")
    with sync_playwright() as playwright:
        browser = _browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.set_default_timeout(120_000)
            log_in(page, superset)
            responses = []
            page.on("response", lambda r: "/api/v1/chart/data" in r.url and responses.append(r))
            page.goto(
                f"{superset.base_url}/superset/dashboard/{dashboard.slug}/", wait_until="domcontentloaded"
            )
            try:
                page.wait_for_function(MAP_HOLDERS_DRAWN_JS, arg=len(dashboard.charts), timeout=180_000)
            except Exception as error:  # noqa: BLE001  (any wait failure: show the page and the log)
                page.screenshot(
                    path=str(screenshot.with_name("superset_indicatorkaart_failed.png")), full_page=True
                )
                fail_with_log(superset, f"the indicator maps did not render: {error}")
            page.wait_for_timeout(5_000)  # deck.gl draws in animation frames after the canvas appears
            page.screenshot(path=str(screenshot), full_page=True)
            holders = page.locator('[data-test="dashboard-component-chart-holder"]')
            assert holders.locator('.ant-alert, [role="alert"]').count() == 0, holders.all_inner_texts()

            drawn = {}
            for response in responses:
                # The native filters fetch their options through the same endpoint, without a slice.
                slice_id = json.loads(response.request.post_data).get("form_data", {}).get("slice_id")
                if slice_id not in level_by_slice:
                    continue
                rows = response.json()["result"][0]["data"]
                drawn[level_by_slice[slice_id]] = {row["polygon"]: row["index_op_kaart"] for row in rows}
            for level, values in expected.items():
                assert drawn[level].keys() == values.keys(), f"{level}: other regions than published"
                for polygon, index in values.items():
                    assert drawn[level][polygon] == pytest.approx(index), f"{level}: index differs"

            for chart in dashboard.charts:
                level = chart.params["adhoc_filters"][0]["comparator"]
                canvas = holders.filter(has_text=chart.title).locator("canvas").first
                png = canvas.screenshot()
                fraction = coloured_fraction(png)
                assert fraction > MINIMUM_COLOURED, f"{chart.title} is blank ({fraction:.1%} coloured)"
                if UNPUBLISHED_INDEX in expected[level].values():
                    grey = grey_fraction(png)
                    assert grey > MINIMUM_GREY, f"{chart.title}: unpublished regions not grey ({grey:.2%})"
            assert gemeente in page.inner_text("body"), "the Gemeente filter shows no first gemeente"
        finally:
            browser.close()
