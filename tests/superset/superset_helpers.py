"""What the Superset browser and API tests share: the API login and failing with the server log.

Chromium, its flags and the browser login live in zicht.superset.browser (the benchmark uses them too).
"""

from __future__ import annotations

import pytest
import requests

from zicht.superset.browser import CHROMIUM, CHROMIUM_FLAGS, free_port, log_in
from zicht.superset.credentials import admin_login
from zicht.superset.environment import SupersetEnvironment
from zicht.superset.server import server_log_tail

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "api_session", "fail_with_log", "free_port", "log_in"]


def fail_with_log(env: SupersetEnvironment, message: str) -> None:
    pytest.fail(f"{message}\n--- Superset server log (tail) ---\n{server_log_tail(env)}", pytrace=False)


def api_session(env: SupersetEnvironment) -> requests.Session:
    credentials = admin_login(env.settings)
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
