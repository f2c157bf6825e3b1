"""`make demo`: the whole embedded stack on one machine, every step timed, stopped by Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
import time

from zicht import airflow_runtime, services
from zicht.settings import get_settings
from zicht.steps import step

CBS_PORT = 8765
SERVICES = ("superset", "airflow", "cbs-odata")
DEMO = "demo"  # the foreground `zicht demo` itself, so that `make stop` can find it


def use_local_cbs() -> None:
    """The demo has no internet: the synthetic Netherlands stands in for CBS."""
    os.environ["ZICHT_CBS_HOST"] = f"127.0.0.1:{CBS_PORT}"
    os.environ["ZICHT_CBS_HTTPS"] = "false"


def start_cbs_server() -> None:
    from zicht.cbs.catalog import list_catalog_tables

    settings = get_settings()
    services.start(
        "cbs-odata",
        [sys.executable, "-m", "zicht.cli", "serve-cbs", "--port", str(CBS_PORT)],
        env={"ZICHT_DATA_DIR": str(settings.data_dir), "ZICHT_SCALE": settings.scale},
    )
    first_table = list_catalog_tables()[0].table_id
    services.wait_for_http(
        f"http://127.0.0.1:{CBS_PORT}/ODataFeed/odata/{first_table}/?$format=json", 60, "cbs-odata"
    )


def start_airflow() -> None:
    env = airflow_runtime.airflow_environment()
    services.start("airflow", [str(airflow_runtime.airflow_executable()), "standalone"], env=env)
    services.wait_for_http(airflow_runtime.api_url("/api/v2/monitor/health"), 240, "airflow")


def stop_all() -> None:
    for name in SERVICES:
        if services.stop(name):
            print(f"stopped {name}", flush=True)


def stop_demo() -> None:
    """`make stop`: ask a running `zicht demo` to shut down (it stops its services), then make sure."""
    demo_pid = services.running_pid(DEMO)
    if demo_pid is not None:
        os.kill(demo_pid, signal.SIGTERM)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and services.running_pid(DEMO) is not None:
            time.sleep(0.5)
    stop_all()


# What the pipeline waits for: each source landed, then the build and publication they schedule.
INGEST_DAGS = ["zicht_cbs_ingest", "zicht_extract_ingest"]


def deliver_inputs() -> None:
    """What the outside world would deliver: the synthetic Netherlands behind the local CBS server,
    the wijk- en buurtkaart, and the KvK, OM and herindeling extracts in data/inbox/."""
    from zicht.extracts.inbox import drop_into_inboxes
    from zicht.shapes.land import drop_synthetic_kaart
    from zicht.synth import generate
    from zicht.synth.extract_files import generate_extracts

    settings = get_settings()
    with step(f"generate the synthetic Netherlands ({settings.scale}, seed {settings.seed})"):
        generate(settings.scale, settings.seed, settings.synthetic_dir)
        drop_synthetic_kaart(settings)
    with step("deliver the KvK, OM and herindeling extracts into data/inbox/"):
        extracts = generate_extracts(
            settings.scale, settings.seed, settings.synthetic_dir, settings.synthetic_dir / "extracts"
        )
        drop_into_inboxes(extracts, settings)


def start_pipeline_services() -> str:
    """Start the local CBS server and Airflow; returns the UTC stamp taken before Airflow started,
    from which its runs are awaited."""
    with step(f"start the local CBS OData server on 127.0.0.1:{CBS_PORT}"):
        start_cbs_server()
    with step("migrate the Airflow metadata database (SQLite)"):
        airflow_runtime.migrate()
    since = airflow_runtime.utc_stamp()
    with step("start Airflow (standalone) on 127.0.0.1:8080"):
        start_airflow()
    return since


def await_publication(since: str) -> tuple[list[dict], list[tuple[str, float]]]:
    """Wait until the ingests and the build, gate and publication they schedule are done. Returns
    the Airflow runs and the duration of each task; raises when no publication came of them."""
    with step("run the pipeline in Airflow: ingest -> dbt build -> quality gate -> publish"):
        # Both ingest DAGs run on a clock and start when Airflow does; the wait triggers one itself
        # only if it has not. The build waits for the CBS tables and the herindeling table.
        runs = airflow_runtime.wait_until_settled(INGEST_DAGS, since)
        if not any(run["dag_id"] == "zicht_publish" and run["state"] == "success" for run in runs):
            raise RuntimeError(f"the pipeline ended without a publication: {airflow_runtime.api_url('/')}")
        durations = airflow_runtime.task_durations(runs)
        for task, seconds in durations:
            print(f"    {task}: {seconds:.1f} s", flush=True)
    return runs, durations


def bring_up() -> None:
    from zicht.superset import setup_superset, start_superset

    use_local_cbs()
    deliver_inputs()
    await_publication(start_pipeline_services())
    with step("set up Superset and import the dashboards"):
        for superset_step, seconds in setup_superset().items():
            print(f"    {superset_step}: {seconds:.1f} s", flush=True)
    with step("start Superset on 127.0.0.1:8088"):
        start_superset()


def main(wait: bool = True) -> int:
    """Bring everything up; with wait, keep it running until Ctrl-C, SIGTERM or a service dies."""

    def _interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupted)
    # A shell that starts us in the background ignores SIGINT for us; Ctrl-C must still stop everything.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    services.register_current(DEMO)
    try:
        bring_up()
        _print_addresses()
        if not wait:
            return 0
        while all(services.running_pid(name) for name in SERVICES):
            time.sleep(2)
        print("a service stopped by itself; shutting everything down", file=sys.stderr)
        stop_all()
        return 1
    except KeyboardInterrupt:
        stop_all()
        return 0
    except BaseException:
        stop_all()
        raise
    finally:
        services.unregister_current(DEMO)


def _print_addresses() -> None:
    from zicht.superset.access import demo_logins
    from zicht.superset.credentials import admin_login, analyst_password

    superset = admin_login()
    analysts = ", ".join(username for username, _ in demo_logins())
    print(
        "\nZicht is running:\n"
        f"  Superset  http://127.0.0.1:8088  user {superset.username}  password {superset.password}\n"
        f"            analysts {analysts}  password {analyst_password()}\n"
        f"  Airflow   {airflow_runtime.api_url('/')}  user {airflow_runtime.DEMO_USER}  "
        f"password {airflow_runtime.DEMO_PASSWORD}\n"
        "Press Ctrl-C (or run `make stop`) to stop everything.",
        flush=True,
    )
