"""superset_config.py: the embedded install makes its own secret key; production refuses weak or
borrowed keys.

Each case imports Superset's configuration in the Superset environment (~15 s), so they run in parallel.
"""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from zicht.superset.environment import CONFIG_PATH, superset_environment

pytestmark = pytest.mark.slow

PRINT_CONFIG = (
    "import superset.config as c; "
    "print('SECRET_KEY=' + c.SECRET_KEY); print('URI=' + c.SQLALCHEMY_DATABASE_URI); "
    "print('TTL=' + str(c.DATA_CACHE_CONFIG['CACHE_DEFAULT_TIMEOUT'])); "
    "csp = c.TALISMAN_CONFIG['content_security_policy']; "
    "print('SCARF=' + str(any('scarf' in s for s in csp['img-src']))); "
    "print('CSRF=' + str(c.WTF_CSRF_ENABLED)); "
    "print('SECURE=' + str(c.SESSION_COOKIE_SECURE)); print('HTTPONLY=' + str(c.SESSION_COOKIE_HTTPONLY)); "
    "print('LIMITED=' + str(c.RATELIMIT_ENABLED and c.AUTH_RATE_LIMITED)); "
    "print('LIMIT=' + c.AUTH_RATE_LIMIT); "
    "print('STORAGE=' + c.RATELIMIT_STORAGE_URI); print('MANAGER=' + c.CUSTOM_SECURITY_MANAGER.__name__); "
    "print('SUBQUERY=' + str(c.ALLOW_ADHOC_SUBQUERY))"
)
GOOD_KEY = "k" * 32


def _run(env: dict[str, str], cwd) -> subprocess.Popen:
    return subprocess.Popen(
        [str(superset_environment().python_bin), "-c", PRINT_CONFIG],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
    )


def _values(output: str) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in output.splitlines() if "=" in line and line.split("=")[0].isupper()
    )


def test_config_embedded_and_production(tmp_path):
    env = superset_environment()
    if not env.python_bin.exists():
        pytest.fail(f"Superset environment missing at {env.venv_dir}; install it first (see superset_env/)")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERSET_", "ZICHT_"))}
    base.update(SUPERSET_CONFIG_PATH=str(CONFIG_PATH))

    embedded_dir = tmp_path / "embedded"
    first = _run({**base, "ZICHT_DATA_DIR": str(embedded_dir)}, tmp_path)
    first_output = first.communicate(timeout=300)[0]
    assert first.returncode == 0, first_output
    key_file = embedded_dir / "superset" / "secret_key"

    cases = {
        "embedded_again": {"ZICHT_DATA_DIR": str(embedded_dir)},
        "production_without_key": {"ZICHT_ENV": "production", "ZICHT_DATA_DIR": str(tmp_path / "p1")},
        "production_short_key": {
            "ZICHT_ENV": "production", "ZICHT_DATA_DIR": str(tmp_path / "p2"), "SUPERSET_SECRET_KEY": "k" * 31
        },
        "production_embedded_key": {
            "ZICHT_ENV": "production", "ZICHT_DATA_DIR": str(embedded_dir),
            "SUPERSET_SECRET_KEY": key_file.read_text().strip(),
        },
        "production_ok": {
            "ZICHT_ENV": "production", "ZICHT_DATA_DIR": str(tmp_path / "p3"),
            "SUPERSET_SECRET_KEY": GOOD_KEY,
            "ZICHT_SUPERSET_RATELIMIT_STORAGE": "redis://127.0.0.1:6399/1",
        },
    }  # fmt: skip
    processes = {name: _run({**base, **extra}, tmp_path) for name, extra in cases.items()}
    outputs = {name: process.communicate(timeout=300)[0] for name, process in processes.items()}
    codes = {name: process.returncode for name, process in processes.items()}

    embedded = _values(first_output)
    # A key of its own, made on first start, kept readable by the owner only, the same at every start.
    assert len(embedded["SECRET_KEY"]) >= 48 and embedded["SECRET_KEY"] == key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert (
        codes["embedded_again"] == 0
        and _values(outputs["embedded_again"])["SECRET_KEY"] == embedded["SECRET_KEY"]
    )
    assert embedded["URI"] == f"sqlite:///{embedded_dir}/superset/superset.db"
    assert embedded["TTL"] == "60" and embedded["SCARF"] == "False" and embedded["CSRF"] == "True"
    assert embedded["SECURE"] == "False" and embedded["HTTPONLY"] == "True"
    assert embedded["LIMITED"] == "True" and embedded["LIMIT"] == "10 per minute"
    assert embedded["STORAGE"] == "memory://" and embedded["MANAGER"] == "ZichtSecurityManager"
    assert embedded["SUBQUERY"] == "False"

    for refused in ("production_without_key", "production_short_key"):
        assert codes[refused] != 0, f"{refused} started:\n{outputs[refused]}"
        assert "SUPERSET_SECRET_KEY must be a private random value of at least 32 bytes" in outputs[refused]
    assert "it is missing" in outputs["production_without_key"]
    assert "it is 31 bytes" in outputs["production_short_key"]
    assert codes["production_embedded_key"] != 0
    assert "the key of the embedded install" in outputs["production_embedded_key"]

    assert codes["production_ok"] == 0, outputs["production_ok"]
    production = _values(outputs["production_ok"])
    assert production["SECRET_KEY"] == GOOD_KEY and production["SECURE"] == "True"
    assert production["STORAGE"] == "redis://127.0.0.1:6399/1"
    assert not (tmp_path / "p3" / "superset" / "secret_key").exists(), "production makes no key of its own"
