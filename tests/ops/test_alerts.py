import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from tests.ops.conftest import write_gate_run
from zicht.ops.alerts import Alert, alert_from_health, on_failure_callback, read_alerts, record_alert
from zicht.ops.health import collect_health


@pytest.fixture
def webhook():
    """A local receiver on a free port; yields (url, list of received JSON bodies)."""
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):  # keep test output clean
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alerts", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def unreachable_url():
    """A port nobody listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/alerts"


def _alert(subject="cbs/85984NED") -> Alert:
    return Alert(kind="source_stale", subject=subject, message="stale", dedupe_key=f"k:{subject}")


def test_alert_is_posted_to_the_webhook_and_recorded(settings, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("ZICHT_ALERT_WEBHOOK_URL", url)

    line = record_alert(_alert())

    assert [body["alert_id"] for body in received] == [line["alert_id"]]
    assert received[0]["kind"] == "source_stale" and received[0]["subject"] == "cbs/85984NED"
    assert line["delivery"] == {"status": "sent", "http_status": 204}
    assert read_alerts(settings) == [line]


def test_unreachable_webhook_records_a_failed_delivery_without_raising(
    settings, unreachable_url, monkeypatch
):
    monkeypatch.setenv("ZICHT_ALERT_WEBHOOK_URL", unreachable_url)
    monkeypatch.setenv("ZICHT_ALERT_TIMEOUT_SECONDS", "2")

    line = record_alert(_alert())

    assert line["delivery"]["status"] == "failed"
    assert "Connection" in line["delivery"]["error"] or "refused" in line["delivery"]["error"]
    assert read_alerts(settings)[0]["delivery"]["status"] == "failed"


def test_without_webhook_alert_is_only_recorded(settings):
    line = record_alert(_alert())

    assert line["delivery"] == {"status": "not_configured"}
    assert (settings.data_dir / "ops" / "alerts.jsonl").exists()


def test_alerts_from_health_once_per_finding_per_day(healthy, now, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("ZICHT_ALERT_WEBHOOK_URL", url)
    write_gate_run(healthy, "gate-bad", now - timedelta(minutes=5), failing=("region codes are unique",))
    report = collect_health(healthy, now=now)

    first = alert_from_health(report, healthy)
    again = alert_from_health(collect_health(healthy, now=now + timedelta(minutes=1)), healthy)
    next_day = alert_from_health(collect_health(healthy, now=now + timedelta(days=1)), healthy)

    assert sorted(line["kind"] for line in first) == ["expectation_failed", "publication_blocked"]
    assert again == []
    assert sorted(line["kind"] for line in next_day) == ["expectation_failed", "publication_blocked"]
    assert len(received) == 4 and len(read_alerts(healthy)) == 4
    blocked = next(body for body in received if body["kind"] == "publication_blocked")
    assert "region codes are unique" in blocked["message"]


def test_healthy_state_raises_no_alerts(healthy, now):
    assert alert_from_health(collect_health(healthy, now=now), healthy) == []
    assert read_alerts(healthy) == []


def test_failure_callback_records_the_task_and_its_exception(settings, webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("ZICHT_ALERT_WEBHOOK_URL", url)
    context = {
        "ti": SimpleNamespace(dag_id="zicht_publish", task_id="gate_and_publish", try_number=2),
        "run_id": "scheduled__2026-11-28",
        "exception": RuntimeError("quality gate failed"),
    }

    line = on_failure_callback(context)

    assert line["kind"] == "task_failed"
    assert line["details"] == {
        "dag_id": "zicht_publish",
        "task_id": "gate_and_publish",
        "run_id": "scheduled__2026-11-28",
        "try_number": 2,
        "exception": "RuntimeError: quality gate failed",
    }
    assert received[0]["subject"] == "zicht_publish.gate_and_publish"
    assert read_alerts(settings)[0]["alert_id"] == line["alert_id"]


def test_failure_callback_never_raises_when_alerts_cannot_be_written(settings, monkeypatch, tmp_path):
    blocked_dir = tmp_path / "not-a-dir"
    blocked_dir.write_text("a file where the data dir should be")
    monkeypatch.setenv("ZICHT_DATA_DIR", str(blocked_dir))

    line = on_failure_callback({"dag_id": "d", "task": SimpleNamespace(task_id="t"), "run_id": "r"})

    assert line["delivery"] == {"status": "not_recorded"}
    assert line["subject"] == "d.t"
