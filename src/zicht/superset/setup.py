"""Prepare Superset's metadata and load Zicht's assets; safe to run again at any time."""

from __future__ import annotations

import json
import logging
import subprocess
import tempfile
import time
from pathlib import Path

from zicht.superset.access import ROW_SCOPES_FILE, access_spec, row_scope_spec
from zicht.superset.bundle import bundle_targets, write_bundle_zip
from zicht.superset.credentials import admin_login
from zicht.superset.environment import (
    ACCESS_SCRIPT,
    IMPORT_SCRIPT,
    SupersetEnvironment,
    superset_environment,
)
from zicht.superset.indicator_datasets import retired_dataset_uuids

log = logging.getLogger(__name__)


class SupersetCommandError(RuntimeError):
    pass


def _run(env: SupersetEnvironment, args: list[str], step: str) -> str:
    log.info("superset setup: %s", step)
    result = subprocess.run(
        args,
        env=env.process_env(),
        cwd=env.state_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SupersetCommandError(f"{step} failed (exit {result.returncode}):\n{output[-6000:]}")
    return output


def _create_admin(env: SupersetEnvironment) -> str:
    credentials = admin_login(env.settings)
    output = _run(
        env,
        [
            str(env.superset_bin),
            "fab",
            "create-admin",
            "--username",
            credentials.username,
            "--firstname",
            "Zicht",
            "--lastname",
            "Beheer",
            "--email",
            f"{credentials.username}@zicht.invalid",
            "--password",
            credentials.password,
        ],
        "fab create-admin",
    )
    # FAB exits 0 in every case; only its message tells an existing user from a failure.
    if "already exists" in output:
        return "admin already present"
    if "created" not in output:
        raise SupersetCommandError(
            f"fab create-admin did not create {credentials.username!r}:\n{output[-3000:]}"
        )
    return f"admin {credentials.username!r} created"


def _write_atomically(path: Path, text: str) -> None:
    incoming = path.with_name(f".{path.name}.incoming")
    incoming.write_text(text, encoding="utf-8")
    incoming.replace(path)


def setup_superset(env: SupersetEnvironment | None = None) -> dict[str, float]:
    """Migrate the metadata DB, ensure the admin user, sync roles, import the asset bundle, then
    the analyst roles, row-level security and demo users (zicht.superset.access).

    Returns the wall time of each step in seconds.
    """
    env = env or superset_environment()
    env.require_installed()
    access = access_spec(env.settings)  # refuses weak passwords in production before anything changes
    env.state_dir.mkdir(parents=True, exist_ok=True)
    # Before anything can query: without it superset_assets/row_scope.py refuses every query.
    _write_atomically(env.state_dir / ROW_SCOPES_FILE, json.dumps(row_scope_spec(env.settings), indent=2))
    targets = bundle_targets(env.settings)
    for path in (targets.published_path, targets.ops_path):
        if not path.exists():
            # Superset imports fine without it, but every chart on it would fail: say so early.
            log.warning("%s does not exist yet; its charts stay empty until a publish", path)

    timings: dict[str, float] = {}

    def timed(step: str, action):
        started = time.monotonic()
        result = action()
        timings[step] = round(time.monotonic() - started, 1)
        log.info("superset setup: %s done in %.1f s", step, timings[step])
        return result

    timed("db upgrade", lambda: _run(env, [str(env.superset_bin), "db", "upgrade"], "db upgrade"))
    timed("create admin", lambda: _create_admin(env))
    timed("init", lambda: _run(env, [str(env.superset_bin), "init"], "init"))
    with tempfile.TemporaryDirectory(prefix="zicht-superset-bundle-") as tmp:
        bundle_zip = write_bundle_zip(Path(tmp) / "zicht_superset_bundle.zip", targets)
        timed(
            "import bundle",
            lambda: _run(
                env,
                [
                    str(env.python_bin),
                    str(IMPORT_SCRIPT),
                    str(bundle_zip),
                    "--username",
                    admin_login(env.settings).username,
                    *[arg for uuid in retired_dataset_uuids() for arg in ("--retire", uuid)],
                ],
                "import bundle",
            ),
        )
        access_file = Path(tmp) / "access.json"
        access_file.write_text(json.dumps(access), encoding="utf-8")
        timed(
            "roles and RLS",
            lambda: _run(env, [str(env.python_bin), str(ACCESS_SCRIPT), str(access_file)], "roles and RLS"),
        )
    return timings
