"""Superset in headless Chromium: the launch flags that work offline here, the login, and when a
dashboard counts as rendered. Shared by the browser tests and the benchmark (zicht.superset.bench).

Playwright drives Debian's /usr/bin/chromium; `playwright install` is never needed (it would
download a browser, which fails offline).
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

from zicht.superset.credentials import admin_login
from zicht.superset.environment import SupersetEnvironment

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
# --disable-gpu leaves WebGL to SwiftShader, which the deck.gl maps need; never add
# --disable-software-rasterizer, it leaves the maps blank without an error.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Offline: every host but this machine's fails to resolve at once (telemetry pixel, map tiles),
    # so nothing is left pending. Done here rather than with page.route(): Playwright turns the
    # browser's HTTP cache off for a page with routes, and every opening then fetched Superset's
    # JavaScript (cached a year by its headers) again, which no user's browser does.
    "--host-resolver-rules=MAP * ~NOTFOUND, " + ", ".join(f"EXCLUDE {host}" for host in LOCAL_HOSTS),
]

LOGIN_TIMEOUT_SECONDS = 300
# One login attempt: the form submitted and the session awaited, before the form is tried again.
LOGIN_ATTEMPT_SECONDS = 45
CHART_HOLDER = '[data-test="dashboard-component-chart-holder"]'
# A markdown block sits in a holder of its own inside Superset's .dashboard-markdown, whatever its first
# heading (Pipelinekwaliteit's is an h3: a check for an h2 counted it as a chart that never drew).
MARKDOWN = ".dashboard-markdown"
LOADING = '.loading, [aria-label="Loading"]'
RENDERED = (
    '[data-test="chart-container"] table, [data-test="chart-container"] canvas, .header-line, '
    '[class*="BigNumber"]'
)
ERROR_STATE = '.ant-alert, [role="alert"]'
# What a chart whose query found no rows shows (e.g. another region's buurten for an analyst under
# row-level security): drawn, not an error. Superset's empty state carries no marker of its own.
EMPTY_TEXT = "No results were returned for this query"
# Settled: every chart is placed, none is loading, each shows data, an error, or (when allowed) that it
# found no rows; markdown blocks aside.
ALL_CHARTS_SETTLED_JS = """([n, holderSel, markdownSel, loadingSel, renderedSel, errorSel, emptyText]) => {
    const holders = [...document.querySelectorAll(holderSel)].filter(h => !h.closest(markdownSel));
    return holders.length === n && holders.every(h => !h.querySelector(loadingSel) && (
        h.querySelector(renderedSel) || h.querySelector(errorSel)
        || (emptyText !== null && h.innerText.includes(emptyText))));
}"""
SETTLED_SELECTORS = [CHART_HOLDER, MARKDOWN, LOADING, RENDERED, ERROR_STATE]


def free_port() -> int:
    # A free port, so a test or benchmark never meets a Superset someone runs on 8088.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def log_in(page, env: SupersetEnvironment, username: str | None = None, password: str | None = None) -> None:
    """Log the browser page in (as the admin unless a user is given) through Superset's login form.

    Every request off the Superset host is refused: the machine is offline, and a telemetry pixel or
    map tile left pending would keep the page from settling. CHROMIUM_FLAGS refuse them for a Superset
    on this machine; only for one elsewhere is a route needed (which costs the browser its cache).
    """
    if username is None:
        credentials = admin_login(env.settings)
        username, password = credentials.username, credentials.password
    base_url = env.base_url
    if urlsplit(base_url).hostname not in LOCAL_HOSTS:
        page.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
    deadline = time.monotonic() + LOGIN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if _submit_login_form(page, base_url, username, password):
            return
    raise AssertionError(f"login as {username} was not accepted (page at {page.url})")


def _submit_login_form(page, base_url: str, username: str, password: str) -> bool:
    """One attempt: fill in and submit the login form, then wait until Superset knows the session.

    Logged in is asked through the API with the browser's own cookies, not read from navigation
    events, which the welcome page's first load can hold up. A submission that the page lost (the
    form re-rendered under the click) leaves no session; the caller then tries again.
    """
    from playwright.sync_api import Error as PlaywrightError

    try:
        page.goto(f"{base_url}/login/", wait_until="domcontentloaded", timeout=LOGIN_ATTEMPT_SECONDS * 1000)
        page.fill("#username", username, timeout=LOGIN_ATTEMPT_SECONDS * 1000)
        page.fill("input[type=password]", password)
        page.click("button[type=submit]")
    except PlaywrightError:
        pass  # the session may exist all the same; asked below
    # Not asked at once: an API request answered while the login is still being handled brings back
    # a cookie of its own, which can replace the session the login sets.
    page.wait_for_timeout(3_000)
    attempt_ends = time.monotonic() + LOGIN_ATTEMPT_SECONDS
    while time.monotonic() < attempt_ends:
        if page.request.get(f"{base_url}/api/v1/me/").ok:
            return True
        page.wait_for_timeout(1_000)
    return False


def wait_until_charts_settled(page, chart_count: int, timeout_ms: float, allow_empty: bool = False) -> None:
    """Wait until each of the dashboard's charts shows data (or, with allow_empty, that it found no
    rows) or an error; raises on timeout."""
    page.wait_for_function(
        ALL_CHARTS_SETTLED_JS,
        arg=[chart_count, *SETTLED_SELECTORS, EMPTY_TEXT if allow_empty else None],
        timeout=timeout_ms,
    )


def chart_errors(page) -> list[str]:
    """Texts of the error states shown inside chart holders (empty when every chart drew)."""
    return page.locator(CHART_HOLDER).locator(ERROR_STATE).all_inner_texts()


def cookie_session(base_url: str, username: str, password: str):
    """A requests session logged in as a browser is: the login form with its CSRF token, then the
    API's CSRF token on every request (what a dashboard sends)."""
    import re

    import requests

    session = requests.Session()
    page = session.get(f"{base_url}/login/", timeout=60).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if token is None:
        raise AssertionError(f"no CSRF token on {base_url}/login/")
    session.post(
        f"{base_url}/login/",
        data={"username": username, "password": password, "csrf_token": token.group(1)},
        timeout=60,
    )
    if session.get(f"{base_url}/api/v1/me/", timeout=60).status_code != 200:
        raise AssertionError(f"login as {username} was not accepted")
    csrf = session.get(f"{base_url}/api/v1/security/csrf_token/", timeout=60).json()["result"]
    session.headers.update({"X-CSRFToken": csrf, "Referer": base_url})
    return session
