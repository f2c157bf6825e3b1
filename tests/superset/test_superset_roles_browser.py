"""End to end: every dashboard opened in headless Chromium as each analyst role.

A role opens each dashboard built only on published datasets, and every chart settles without an
error state (a chart may find no rows: a RIEC analyst's buurt map of another region's gemeente is
empty by row-level security). A dashboard on anything else (the Pipelinekwaliteit dashboard reads
the operations file) is refused to the role, in the API and in the browser.
"""

from __future__ import annotations

import pytest
from superset_helpers import fail_with_log

from zicht.settings import PROJECT_ROOT
from zicht.superset.access import DEMO_USERS, published_datasets
from zicht.superset.bench import bundle_dashboards
from zicht.superset.browser import (
    CHART_HOLDER,
    chart_errors,
    launch_chromium,
    log_in,
    wait_until_charts_settled,
)
from zicht.superset.bundle import read_bundle
from zicht.superset.credentials import analyst_password

pytestmark = pytest.mark.slow

SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"


def _dashboards_by_audience() -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(for analysts, not for analysts): a dashboard is theirs when all its charts read published data."""
    bundle = read_bundle()
    chart_datasets = {c["uuid"]: c["dataset_uuid"] for p, c in bundle.items() if p.startswith("charts/")}
    published = set(published_datasets())
    reads_published = {}
    for path, config in bundle.items():
        if path.startswith("dashboards/"):
            placed = [
                n["meta"]["uuid"]
                for n in config["position"].values()
                if isinstance(n, dict) and n.get("type") == "CHART"
            ]
            reads_published[config["slug"]] = all(chart_datasets[uuid] in published for uuid in placed)
    everything = bundle_dashboards()
    return (
        [d for d in everything if reads_published[d[0]]],
        [d for d in everything if not reads_published[d[0]]],
    )


def test_the_bundle_has_dashboards_for_analysts_and_others():
    mine, others = _dashboards_by_audience()
    assert len(mine) > 1 and others, (mine, others)


@pytest.mark.parametrize("username", [user[0] for user in DEMO_USERS])
def test_each_role_opens_its_dashboards_without_an_error_and_no_other(superset, username):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    mine, others = _dashboards_by_audience()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2800})
            page.set_default_timeout(120_000)
            log_in(page, superset, username, analyst_password(superset.settings))
            for slug, title, charts in mine:
                page.goto(f"{superset.base_url}/superset/dashboard/{slug}/", wait_until="domcontentloaded")
                try:
                    wait_until_charts_settled(page, charts, 240_000, allow_empty=True)
                except PlaywrightError as error:
                    page.screenshot(
                        path=f"{SCREENSHOTS}/superset_{username}_{slug}_failed.png", full_page=True
                    )
                    fail_with_log(superset, f"{username}: {title}: charts did not settle: {error}")
                errors = chart_errors(page)
                assert errors == [], f"{username}: {title}: chart errors {errors}"
                assert title in page.inner_text("body"), f"{username}: {title} not shown"

            for slug, title, _ in others:
                api = page.request.get(f"{superset.base_url}/api/v1/dashboard/{slug}")
                assert api.status in (403, 404), f"{username} may read {title}: {api.status}"
                page.goto(f"{superset.base_url}/superset/dashboard/{slug}/", wait_until="domcontentloaded")
                page.wait_for_load_state("networkidle")
                assert page.locator(CHART_HOLDER).count() == 0, f"{username} sees charts of {title}"
        finally:
            browser.close()
