"""Run Superset's web server in the background and stop it again, leaving nothing behind.

gunicorn serves the app (the production server Superset ships with); it runs as the `superset`
service of zicht.services, in its own process group, so stopping it also ends its workers.
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

from zicht import services
from zicht.superset.environment import SupersetEnvironment, superset_environment

SERVICE = "superset"


class SupersetServerError(RuntimeError):
    pass


def is_healthy(env: SupersetEnvironment, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{env.base_url}/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"OK"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def server_log_tail(env: SupersetEnvironment | None = None, lines: int = 80) -> str:
    log_file = services.log_file(SERVICE)
    if not log_file.exists():
        return "(no server log)"
    return "\n".join(log_file.read_text(errors="replace").splitlines()[-lines:])


def _gunicorn_command(env: SupersetEnvironment) -> list[str]:
    return [
        str(env.gunicorn_bin),
        "--bind",
        f"{env.host}:{env.port}",
        "--workers",
        os.environ.get("SUPERSET_WORKERS", "2"),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--timeout",
        "120",
        "--limit-request-line",
        "0",
        "--limit-request-field_size",
        "0",
        "superset.app:create_app()",
    ]


def start_superset(env: SupersetEnvironment | None = None, timeout: float = 180.0) -> float:
    """Start the server unless ours already runs; wait until /health answers. Returns the seconds taken."""
    env = env or superset_environment()
    env.require_installed()
    env.state_dir.mkdir(parents=True, exist_ok=True)
    if services.running_pid(SERVICE) and is_healthy(env):
        return 0.0
    if is_healthy(env):
        raise SupersetServerError(f"something else already answers on {env.base_url}; not starting another")
    started = time.monotonic()
    services.start(SERVICE, _gunicorn_command(env), env=env.process_env(), cwd=env.state_dir)
    while time.monotonic() < started + timeout:
        if services.running_pid(SERVICE) is None:
            raise SupersetServerError(f"Superset exited during start-up:\n{server_log_tail(env)}")
        if is_healthy(env):
            return round(time.monotonic() - started, 1)
        time.sleep(1.0)
    stop_superset(env)
    raise SupersetServerError(
        f"Superset did not become healthy within {timeout:.0f} s:\n{server_log_tail(env)}"
    )


def stop_superset(env: SupersetEnvironment | None = None, timeout: float = 30.0) -> bool:
    """Stop the server's whole process group. Returns whether a server was running."""
    return services.stop(SERVICE, grace_seconds=timeout)
