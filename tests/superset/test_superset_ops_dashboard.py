"""End to end: the operations file the pipeline exported -> the "Pipelinekwaliteit" dashboard in Chromium.

Every chart must finish rendering (data, or Superset's empty state for a table with no rows, such as
the failures chart of a run without failures) and none may show an error.
What the page shows is checked against the ops file itself.
"""

from __future__ import annotations

import duckdb
import pytest
from superset_helpers import CHROMIUM, CHROMIUM_FLAGS, fail_with_log, log_in

from zicht.settings import PROJECT_ROOT
from zicht.superset.bundle import bundle_targets, read_bundle

pytestmark = pytest.mark.slow

DASHBOARD = "dashboards/pipelinekwaliteit.yaml"
SCREENSHOT = PROJECT_ROOT / "artifacts" / "screenshots" / "superset_pipelinekwaliteit.png"
HOLDER = '[data-test="dashboard-component-chart-holder"]'
ERROR_STATE = '.ant-alert, [role="alert"]'


def _ops_figures(ops_path) -> dict:
    with duckdb.connect(str(ops_path), read_only=True) as ops:
        status, release_id = ops.execute("SELECT status, release_id FROM publication_status").fetchone()
        dag_ids = [
            row[0] for row in ops.execute("SELECT DISTINCT dag_id FROM dag_runs ORDER BY 1").fetchall()
        ]
        models = [row[0] for row in ops.execute("SELECT DISTINCT model FROM model_row_counts").fetchall()]
    return {"status": status, "release_id": release_id, "dag_ids": dag_ids, "models": models}


def test_pipelinekwaliteit_renders_every_chart_without_error(superset):
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    dashboard = read_bundle()[DASHBOARD]
    nodes = [node for node in dashboard["position"].values() if isinstance(node, dict)]
    n_holders = sum(1 for node in nodes if node.get("type") in {"CHART", "MARKDOWN"})
    figures = _ops_figures(superset.settings.ops_path)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            # Tall enough for the whole dashboard: Superset renders only charts in view.
            page = browser.new_page(viewport={"width": 1400, "height": 3600})
            page.set_default_timeout(120_000)
            log_in(page, superset)
            page.goto(
                f"{superset.base_url}/superset/dashboard/{dashboard['slug']}/", wait_until="domcontentloaded"
            )
            try:
                page.wait_for_function(
                    "([n, sel]) => document.querySelectorAll(sel).length === n",
                    arg=[n_holders, HOLDER],
                    timeout=300_000,
                )
                # Settled when the figures of the ops file are on the page: what the checks below read.
                expected = [figures["status"], *figures["dag_ids"], *figures["models"][:3]]
                page.wait_for_function(
                    "(texts) => texts.every(t => document.body.innerText.includes(t))",
                    arg=expected,
                    timeout=300_000,
                )
                page.wait_for_timeout(3_000)  # the last charts paint after their data arrives
            except PlaywrightError as exc:
                failed = SCREENSHOT.with_name("superset_pipelinekwaliteit_failed.png")
                page.screenshot(path=str(failed), full_page=True)
                fail_with_log(superset, f"charts did not finish rendering: {exc}")
            page.screenshot(path=str(SCREENSHOT), full_page=True)

            holders = page.locator(HOLDER)
            errors = holders.locator(ERROR_STATE)
            if errors.count():
                fail_with_log(superset, f"chart error on the dashboard: {errors.all_inner_texts()}")
            assert holders.count() == n_holders

            body = page.inner_text("body")
            for title in (
                "Zicht — Pipelinekwaliteit",
                "Status vandaag",
                "DAG-runs",
                "Versheid van de bronnen",
            ):
                assert title in body, f"{title!r} missing"
            assert figures["status"] in body
            if figures["release_id"]:
                assert figures["release_id"] in body, "the live release is not shown"
            for dag_id in figures["dag_ids"]:
                assert dag_id in body, f"DAG {dag_id} missing from the run history"
            for model in figures["models"][:3]:
                assert model in body, f"model {model} missing from the row counts"
            docs_url = bundle_targets().docs_url
            links = page.locator(".dashboard-markdown a").evaluate_all("links => links.map(a => a.href)")
            assert f"{docs_url}/dbt/index.html" in links and f"{docs_url}/quality/index.html" in links
        finally:
            browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
