"""`make demo` for real: the pipeline through Airflow standalone (Assets chain the DAGs), Superset
and Airflow answering, a run deadline missed and alerted by Airflow's scheduler and triggerer, and
Ctrl-C leaving nothing running."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

PORTS = {"airflow": 8080, "superset": 8088, "cbs-odata": 8765}


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status == 200


def _deadline_missed(alerts, dag_id: str, wait_seconds: float) -> bool:
    until = time.monotonic() + wait_seconds
    while time.monotonic() < until:
        lines = alerts.read_text().splitlines() if alerts.exists() else []
        recorded = [json.loads(line) for line in lines]
        if any(a.get("kind") == "run_deadline_missed" and a.get("subject") == dag_id for a in recorded):
            return True
        time.sleep(5)
    return False


def _assert_one_publication_with_every_theme(data_dir: Path) -> None:
    """The extracts landed before the first build (KvK and OM themes, harmonised regions), and the
    build the extract landing scheduled afterwards found nothing new: one release."""
    from zicht.indicators import load_catalog

    with duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True) as published:
        themes = published.execute(
            "SELECT DISTINCT i.theme_code FROM indicator_values AS v "
            "JOIN indicators AS i USING (indicator_code) WHERE v.is_published"
        ).fetchall()
    assert {theme for (theme,) in themes} == set(load_catalog().themes)
    assert len(list((data_dir / "published" / "releases").glob("*/release.json"))) == 1


def test_demo_runs_the_pipeline_serves_both_uis_and_stops_cleanly(tmp_path):
    busy = [name for name, port in PORTS.items() if _port_open(port)]
    if busy:
        pytest.skip(f"ports of {busy} are in use (a demo is running?)")
    # The demo's own defaults: not the host and port a Superset test fixture of this session set.
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("SUPERSET_")}
    # The CBS ingest takes far longer than a second: its run must miss this deadline and be alerted.
    env = {
        **inherited,
        "ZICHT_DATA_DIR": str(tmp_path),
        "ZICHT_RUN_DEADLINE_MINUTES_ZICHT_CBS_INGEST": "0.02",
    }
    demo = subprocess.Popen(
        [str(Path(sys.executable).parent / "zicht"), "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 1500  # Airflow chain with disclosure control, then Superset setup
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line and demo.poll() is not None:
                break
            output.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        log = "".join(output)
        assert "Zicht is running" in log, log[-6000:]
        for step in ("generate", "CBS OData", "Airflow", "ingest -> dbt build", "Superset"):
            assert step in log
        assert "zicht_publish.publish:" in log, "the Asset chain reached the publish task"
        assert _answers("http://127.0.0.1:8088/health")
        assert _answers("http://127.0.0.1:8080/api/v2/monitor/health")
        _assert_one_publication_with_every_theme(tmp_path)
        assert _deadline_missed(tmp_path / "ops" / "alerts.jsonl", "zicht_cbs_ingest", wait_seconds=120)
    finally:
        demo.send_signal(signal.SIGINT)
        tail = demo.communicate(timeout=180)[0]
    assert demo.returncode == 0, tail
    assert "stopped superset" in tail and "stopped airflow" in tail and "stopped cbs-odata" in tail
    time.sleep(2)
    assert not [name for name, port in PORTS.items() if _port_open(port)], "a service still listens"
    assert not list((tmp_path / "run").glob("*.pid")), "a pid file (a running service) is left"
