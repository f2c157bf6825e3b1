"""Background services (OData server, Airflow, Superset) as process groups with pid files.

Each service runs in its own session so that stopping it ends every child it started; the pid file
under data/run/ lets `zicht stop` (and `make stop`) find it from another shell.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from zicht.settings import get_settings


def run_dir() -> Path:
    path = get_settings().data_dir / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pid_file(name: str) -> Path:
    return run_dir() / f"{name}.pid"


def log_file(name: str) -> Path:
    return run_dir() / f"{name}.log"


def running_pid(name: str) -> int | None:
    """The pid of a running service, or None (a stale pid file is removed)."""
    pid_file = _pid_file(name)
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().strip())
    if _reaped(pid):
        pid_file.unlink(missing_ok=True)
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def _reaped(pid: int) -> bool:
    """True when pid was our child and has exited (a zombie still answers kill(pid, 0))."""
    try:
        reaped_pid, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return reaped_pid == pid


def start(name: str, command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> int:
    """Start a service in the background unless it already runs; returns its pid."""
    existing = running_pid(name)
    if existing:
        return existing
    with open(log_file(name), "ab") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            cwd=cwd,
            start_new_session=True,
        )
    _pid_file(name).write_text(str(process.pid))
    return process.pid


def register_current(name: str) -> None:
    """Record this process under name, for a foreground process that others must be able to find."""
    _pid_file(name).write_text(str(os.getpid()))


def unregister_current(name: str) -> None:
    if running_pid(name) == os.getpid():
        _pid_file(name).unlink(missing_ok=True)


def stop(name: str, grace_seconds: float = 20.0) -> bool:
    """Stop a service and every process it started; True when something was running."""
    pid = running_pid(name)
    if pid is None:
        return False
    for sig, wait in ((signal.SIGTERM, grace_seconds), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.2)
        if not _group_alive(pid):
            break
    _pid_file(name).unlink(missing_ok=True)
    return True


def _group_alive(pgid: int) -> bool:
    _reaped(pgid)  # a zombie leader would keep the group "alive"
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for_http(url: str, timeout_seconds: float, name: str) -> None:
    """Wait until url answers 2xx, or fail naming the service and its log."""
    deadline = time.monotonic() + timeout_seconds
    last_error = ""
    while time.monotonic() < deadline:
        if name and running_pid(name) is None:
            raise RuntimeError(f"{name} stopped while starting; see {log_file(name)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if 200 <= response.status < 300:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            last_error = str(error)
        time.sleep(1)
    raise TimeoutError(
        f"{name} did not answer {url} within {timeout_seconds:.0f} s ({last_error}); see {log_file(name)}"
    )
