"""What the Superset browser and API tests share: the server fixture's pieces, login, Chromium."""

from __future__ import annotations

import re
import socket

import pytest
import requests

from zicht.superset.environment import SupersetEnvironment, admin_credentials
from zicht.superset.server import server_log_tail

CHROMIUM = "/usr/bin/chromium"
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
]


def free_port() -> int:
    # A free port, so the test never meets a Superset someone runs on 8088.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fail_with_log(env: SupersetEnvironment, message: str) -> None:
    pytest.fail(f"{message}\n--- Superset server log (tail) ---\n{server_log_tail(env)}", pytrace=False)


def api_session(env: SupersetEnvironment) -> requests.Session:
    credentials = admin_credentials()
    session = requests.Session()
    response = session.post(
        f"{env.base_url}/api/v1/security/login",
        json={
            "username": credentials.username,
            "password": credentials.password,
            "provider": "db",
            "refresh": False,
        },
        timeout=60,
    )
    if response.status_code != 200:
        fail_with_log(env, f"API login failed: {response.status_code} {response.text[:500]}")
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return session


def log_in(page, env: SupersetEnvironment, username: str | None = None, password: str | None = None) -> None:
    """Log the browser page in (as the admin unless a user is given) through Superset's login form.

    Every request off the Superset host is refused: the machine is offline, and a telemetry pixel or
    map tile left pending would keep the page from settling. The wait is for the welcome page's address
    only, not for its load event, which the first login after start-up delays while caches warm.
    """
    if username is None:
        credentials = admin_credentials()
        username, password = credentials.username, credentials.password
    base_url = env.base_url
    page.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
    page.goto(f"{base_url}/login/", wait_until="domcontentloaded")
    page.fill("#username", username)
    page.fill("input[type=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/superset/welcome.*"), wait_until="commit", timeout=300_000)
