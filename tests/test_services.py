"""Background services: started once, found again through their pid file, stopped with all children."""

import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from zicht import services

# A parent that starts a child and waits: stopping must end both.
PARENT_WITH_CHILD = "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path))
    yield tmp_path
    services.stop("test-service", grace_seconds=2)


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_start_is_idempotent_and_stop_ends_the_whole_group():
    pid = services.start("test-service", [sys.executable, "-c", PARENT_WITH_CHILD])
    assert services.start("test-service", [sys.executable, "-c", PARENT_WITH_CHILD]) == pid
    assert services.running_pid("test-service") == pid

    assert services.stop("test-service") is True
    assert not _group_alive(pid)
    assert services.running_pid("test-service") is None
    assert services.stop("test-service") is False


def test_a_stale_pid_file_is_not_a_running_service(data_dir):
    pid = services.start("test-service", [sys.executable, "-c", "pass"])
    os.waitpid(pid, 0)
    assert services.running_pid("test-service") is None


def test_wait_for_http_names_the_service_and_its_log_when_it_died():
    services.start("test-service", [sys.executable, "-c", "print('boom')"])
    with pytest.raises(RuntimeError, match=r"test-service stopped while starting; see .*test-service\.log"):
        services.wait_for_http("http://127.0.0.1:9/", timeout_seconds=30, name="test-service")


def test_wait_for_http_returns_once_the_service_answers():
    class Ok(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        services.wait_for_http(f"http://127.0.0.1:{server.server_port}/", timeout_seconds=10, name="")
    finally:
        server.shutdown()
