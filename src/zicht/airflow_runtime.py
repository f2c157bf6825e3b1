"""The embedded Airflow: SQLite metadata under data/airflow, the repo's dags/, demo login.

Production runs Airflow from docker-compose.yml with its own configuration; this module only sets up
the one-machine default and refuses to do so when ZICHT_ENV=production.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from zicht.settings import PROJECT_ROOT, Settings, get_settings

AIRFLOW_HOST = "127.0.0.1"
AIRFLOW_PORT = 8080
DEMO_USER = "admin"
DEMO_PASSWORD = "zicht-demo"


def airflow_home(settings: Settings) -> Path:
    return settings.data_dir / "airflow"


def airflow_environment(settings: Settings | None = None) -> dict[str, str]:
    settings = settings or get_settings()
    if os.environ.get("ZICHT_ENV") == "production":
        raise RuntimeError("the embedded Airflow (demo login) is not for production; use docker-compose.yml")
    home = airflow_home(settings)
    home.mkdir(parents=True, exist_ok=True)
    passwords = home / "simple_auth_manager_passwords.json"
    passwords.write_text(json.dumps({DEMO_USER: DEMO_PASSWORD}))
    base_url = f"http://{AIRFLOW_HOST}:{AIRFLOW_PORT}"
    return {
        # `airflow standalone` starts its components as `airflow ...` from PATH.
        "PATH": f"{airflow_executable().parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        # Two cores: a few task slots are plenty, and each LocalExecutor worker is a process.
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{DEMO_USER}:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
        "AIRFLOW__API__HOST": AIRFLOW_HOST,
        "AIRFLOW__API__PORT": str(AIRFLOW_PORT),
        "AIRFLOW__API__BASE_URL": base_url,
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
        "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "5",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "DO_NOT_TRACK": "1",
        "ZICHT_DATA_DIR": str(settings.data_dir),
        "ZICHT_SCALE": settings.scale,
        "ZICHT_CBS_HOST": settings.cbs_host,
        "ZICHT_CBS_HTTPS": "true" if settings.cbs_https else "false",
    }


def airflow_executable() -> Path:
    return Path(sys.executable).parent / "airflow"


def run_airflow(*args: str, settings: Settings | None = None, check: bool = True) -> str:
    completed = subprocess.run(
        [str(airflow_executable()), *args],
        env={**os.environ, **airflow_environment(settings)},
        capture_output=True,
        text=True,
    )
    output = completed.stdout + completed.stderr
    if check and completed.returncode != 0:
        raise RuntimeError(
            f"airflow {' '.join(args)} failed (exit {completed.returncode}):\n{output[-6000:]}"
        )
    return output


def migrate(settings: Settings | None = None) -> None:
    """Create or upgrade the metadata database and the pool that serialises warehouse writers."""
    from zicht.orchestration import WAREHOUSE_POOL

    run_airflow("db", "migrate", settings=settings)
    run_airflow(
        "pools", "set", WAREHOUSE_POOL, "1", "one writer of the DuckDB warehouse at a time", settings=settings
    )


def api_url(path: str) -> str:
    return f"http://{AIRFLOW_HOST}:{AIRFLOW_PORT}{path}"


def api_token() -> str:
    import requests

    response = requests.post(
        api_url("/auth/token"), json={"username": DEMO_USER, "password": DEMO_PASSWORD}, timeout=30
    )
    response.raise_for_status()
    return response.json()["access_token"]


RETRYABLE_TRIGGER_STATUS = {404, 500, 502, 503}


def utc_stamp() -> str:
    """Now, as the REST API's date filters take it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _trigger(dag_id: str, headers: dict, timeout_seconds: float, poll_seconds: float) -> None:
    import requests

    trigger_deadline = time.monotonic() + min(timeout_seconds, 180)
    while True:
        # Right after start-up the DAG processor may not have parsed the DAG yet (404), or the
        # metadata database is still busy with the first parse (500 on SQLite): try again.
        response = requests.post(
            api_url(f"/api/v2/dags/{dag_id}/dagRuns"),
            json={"logical_date": None},
            headers=headers,
            timeout=30,
        )
        if response.status_code not in RETRYABLE_TRIGGER_STATUS or time.monotonic() > trigger_deadline:
            break
        time.sleep(poll_seconds)
    if not response.ok:
        raise RuntimeError(
            f"Airflow refused to trigger {dag_id}: {response.status_code} {response.text[:2000]}"
        )


def _queued_since(run: dict, since: str) -> bool:
    from datetime import datetime

    queued = run.get("queued_at")
    return queued is not None and datetime.fromisoformat(queued) >= datetime.fromisoformat(since)


def _zicht_runs(headers: dict, queued_since: str | None = None, **filters: str) -> list[dict] | None:
    """The zicht DAG runs the filters select (and, with queued_since, queued since then); None when
    the metadata database is too busy to answer (SQLite answers 500 now and then). Raises when one
    of them failed."""
    import requests

    listing = requests.get(
        api_url("/api/v2/dags/~/dagRuns"), params={**filters, "limit": 100}, headers=headers, timeout=30
    )
    if not listing.ok:
        return None
    runs = [run for run in listing.json()["dag_runs"] if run["dag_id"].startswith("zicht_")]
    if queued_since is not None:
        runs = [run for run in runs if _queued_since(run, queued_since)]
    failed = [run for run in runs if run["state"] == "failed"]
    if failed:
        raise RuntimeError(
            f"Airflow run failed: {failed[0]['dag_id']} {failed[0]['dag_run_id']}; "
            f"see the Airflow UI at {api_url('/')}"
        )
    return runs


def wait_until_settled(
    dag_ids: list[str],
    since: str,
    timeout_seconds: float = 1800,
    trigger_after_seconds: float = 45,
    quiet_seconds: float = 20,
    poll_seconds: float = 3,
) -> list[dict]:
    """Wait until every DAG of dag_ids has succeeded in a run queued since `since` (a UTC stamp taken
    before Airflow started) and then no zicht run has been queued or running for quiet_seconds: the
    runs their Assets scheduled are done as well.

    A DAG on a clock starts its own run when Airflow starts; one of dag_ids is triggered here only
    when no run of it has appeared within trigger_after_seconds. Returns the zicht runs queued since
    `since`; raises when one fails or time runs out.
    """
    headers = {"Authorization": f"Bearer {api_token()}"}
    started = time.monotonic()
    deadline = started + timeout_seconds
    triggered: set[str] = set()
    quiet_since = None
    while time.monotonic() < deadline:
        # A run of an earlier start that Airflow resumes is not part of what is awaited.
        runs = _zicht_runs(headers, queued_since=since, updated_at_gte=since)
        if runs is None:
            time.sleep(poll_seconds)
            continue
        seen = {run["dag_id"] for run in runs}
        for dag_id in dag_ids:
            if dag_id not in seen | triggered and time.monotonic() - started > trigger_after_seconds:
                _trigger(dag_id, headers, timeout_seconds, poll_seconds)
                triggered.add(dag_id)
        succeeded = {run["dag_id"] for run in runs if run["state"] == "success"}
        # A later clock tick of a DAG that has succeeded (the inbox watcher every 10 minutes) is a
        # run of its own, not part of what is awaited here.
        busy = [
            run
            for run in runs
            if run["state"] in {"queued", "running"} and run["dag_id"] not in succeeded & set(dag_ids)
        ]
        if set(dag_ids) <= succeeded and not busy:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= quiet_seconds:
                return runs
        else:
            quiet_since = None
        time.sleep(poll_seconds)
    raise TimeoutError(
        f"{', '.join(dag_ids)} and the runs they scheduled did not finish within {timeout_seconds:.0f} s"
    )


def task_durations(runs: list[dict]) -> list[tuple[str, float]]:
    """(dag_id.task_id, seconds) of every task instance of the given runs, in start order."""
    import requests

    headers = {"Authorization": f"Bearer {api_token()}"}
    found = []
    for run in runs:
        response = requests.get(
            api_url(f"/api/v2/dags/{run['dag_id']}/dagRuns/{run['dag_run_id']}/taskInstances"),
            headers=headers,
            timeout=30,
        )
        if not response.ok:  # durations are for the reader; a busy metadata database must not fail the demo
            continue
        instances = response.json()["task_instances"]
        found += [
            (ti["start_date"] or "", f"{run['dag_id']}.{ti['task_id']}", ti["duration"] or 0.0)
            for ti in instances
        ]
    return [(name, duration) for _, name, duration in sorted(found)]
