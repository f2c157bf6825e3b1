"""End to end: the generated indicator dashboards in Superset and headless Chromium.

Against the file the pipeline published in this test session (or ZICHT_SUPERSET_TEST_PUBLISHED): every
chart renders without an error state, and the numbers shown are those of the published marts.
"""

from __future__ import annotations

import re

import duckdb
import pytest
from superset_helpers import CHROMIUM, CHROMIUM_FLAGS, fail_with_log, log_in
from superset_helpers import api_session as _api_session
from test_superset_dashboard import _chart_ids_by_uuid

from zicht.indicators.catalog import load_catalog
from zicht.settings import PROJECT_ROOT
from zicht.superset.browser import CHART_HOLDER, ERROR_STATE, wait_until_charts_settled
from zicht.superset.bundle import read_bundle
from zicht.superset.indicator_datasets import SUPPRESSION_REASONS_NL
from zicht.superset.themes import dashboards

pytestmark = pytest.mark.slow

SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
BROWSER_DASHBOARDS = ["overzicht_ondermijning", "thema_drugs", "thema_kwetsbare_branches", "gemeenteprofiel"]


def _dashboard(name: str):
    return next(d for d in dashboards() if d.name == name)


def _published(site) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(site.settings.published_path), read_only=True)


@pytest.fixture(scope="module")
def site(request):
    """Superset serving the published file (the fixture of test_superset_dashboard)."""
    return request.getfixturevalue("superset")


@pytest.fixture(scope="module")
def opened(site):
    """Each dashboard opened once in Chromium: name -> (page text, per chart title its text cells)."""
    seen: dict[str, tuple[str, dict[str, set[str]]]] = {}

    def open_once(name: str) -> tuple[str, dict[str, set[str]]]:
        if name not in seen:
            seen[name] = _open_dashboard(site, name)
        return seen[name]

    return open_once


def _open_dashboard(site, name: str) -> tuple[str, dict[str, set[str]]]:
    """Open a dashboard, wait until every chart settled, fail on an error state.

    Returns the page text and, per chart title, the set of its text cells.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    dashboard = _dashboard(name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screenshot = SCREENSHOTS / f"superset_{name}.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2800})
            page.set_default_timeout(120_000)
            log_in(page, site)
            page.goto(f"{site.base_url}/superset/dashboard/{dashboard.slug}/", wait_until="domcontentloaded")
            try:
                wait_until_charts_settled(page, len(dashboard.charts), timeout_ms=240_000)
            except PlaywrightError as exc:
                page.screenshot(path=str(screenshot.with_name(f"superset_{name}_failed.png")), full_page=True)
                fail_with_log(site, f"{name}: charts did not finish rendering: {exc}")
            page.screenshot(path=str(screenshot), full_page=True)
            holders = page.locator(CHART_HOLDER)
            errors = holders.locator(ERROR_STATE)
            if errors.count():
                fail_with_log(site, f"{name}: chart error: {errors.all_inner_texts()}")
            cells = {}
            for chart in dashboard.charts:
                text = holders.filter(has_text=chart.title).first.inner_text()
                cells[chart.title] = {cell.strip() for cell in re.split(r"[\t\n]+", text)}
            body = page.inner_text("body")
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
    return body, cells


@pytest.mark.parametrize("name", BROWSER_DASHBOARDS)
def test_dashboard_renders_every_chart(opened, name):
    body, cells = opened(name)
    assert _dashboard(name).title in body
    assert len(cells) == len(_dashboard(name).charts)


def test_overview_shows_the_published_number_of_signals(site, opened):
    with _published(site) as con:
        latest, signals = con.execute(
            """SELECT period_year, sum(signals) FROM main.signal_map WHERE region_level = 'gemeente'
               GROUP BY period_year ORDER BY period_year DESC LIMIT 1"""
        ).fetchone()
    assert signals > 0, f"no signals among the gemeenten in {latest}: the overview would show nothing"
    _, cells = opened("overzicht_ondermijning")
    assert f"{signals:,}" in cells["Signalen in de selectie"], f"{signals:,} signals in {latest} not shown"


def test_theme_ranking_shows_the_published_top_region(site, opened):
    _, cells = opened("thema_drugs")
    ranking = cells["Drugs — regio's gerangschikt"]
    # The dashboard opens on one indicator of the theme (the first option) and the newest year.
    shown = [i for i in load_catalog().of_theme("drugs") if i.name_nl in ranking]
    assert len(shown) == 1, f"the ranking should show one indicator, shows {[i.code for i in shown]}"
    with _published(site) as con:
        region, index = con.execute(
            """SELECT region_name, index_nl FROM main.indicator_values
               WHERE indicator_code = ? AND region_level = 'gemeente' AND breakdown_code = 'totaal'
                 AND period_year = (SELECT max(period_year) FROM main.indicator_values)
               ORDER BY index_nl DESC NULLS LAST, region_name LIMIT 1""",
            [shown[0].code],
        ).fetchone()
    assert region in ranking and f"{index:,.1f}" in ranking, f"top region {region} ({index:,.1f}) not shown"


def test_suppressed_values_come_back_as_suppressed_with_their_reason(site):
    """The ranking chart's query returns unpublished values as empty with the reason, never as 0."""
    with _published(site) as con:
        suppressed = con.execute(
            """SELECT period_year, indicator_code, region_name FROM main.indicator_values
               WHERE NOT is_published AND suppression_reason = 'small_denominator'
                 AND region_level = 'gemeente' AND theme_code = 'drugs' AND breakdown_code = 'totaal'
               ORDER BY period_year DESC, indicator_code, region_name LIMIT 1"""
        ).fetchone()
    assert suppressed, "the published file has no suppressed drugs value at gemeente level"
    year, indicator, region = suppressed
    chart = read_bundle()["charts/thema_drugs_ranglijst.yaml"]
    session = _api_session(site)
    ids = _chart_ids_by_uuid(site, session)[chart["uuid"]]
    columns = chart["params"]["all_columns"]
    payload = {
        "datasource": {"id": ids["datasource_id"], "type": "table"},
        "queries": [
            {
                "columns": columns,
                "filters": [
                    {"col": "period_year", "op": "==", "val": year},
                    {"col": "indicator_code", "op": "==", "val": indicator},
                    {"col": "region_name", "op": "==", "val": region},
                    {"col": "region_level", "op": "==", "val": "gemeente"},
                    {"col": "breakdown_code", "op": "==", "val": "totaal"},
                ],
                "row_limit": 10,
            }
        ],
        "form_data": {**chart["params"], "slice_id": ids["id"]},
        "result_format": "json",
        "result_type": "full",
    }
    response = session.post(f"{site.base_url}/api/v1/chart/data", json=payload, timeout=120)
    if response.status_code != 200:
        fail_with_log(site, f"chart data failed: {response.status_code} {response.text[:1000]}")
    rows = response.json()["result"][0]["data"]
    assert len(rows) == 1, rows
    assert rows[0]["value"] is None and rows[0]["index_nl"] is None
    assert rows[0]["publication_status"] == SUPPRESSION_REASONS_NL["small_denominator"]
