"""superset_config.py: embedded defaults, and production refusing the demo secrets.

Each case imports Superset's configuration in the Superset environment (~15 s), so they run in parallel.
"""

from __future__ import annotations

import os
import subprocess
import tomllib

import pytest

from zicht.superset.environment import CONFIG_PATH, DEMO_CREDENTIALS_PATH, superset_environment

pytestmark = pytest.mark.slow

PRINT_CONFIG = (
    "import superset.config as c; "
    "print('SECRET_KEY=' + c.SECRET_KEY); print('URI=' + c.SQLALCHEMY_DATABASE_URI); "
    "print('TTL=' + str(c.DATA_CACHE_CONFIG['CACHE_DEFAULT_TIMEOUT'])); "
    "csp = c.TALISMAN_CONFIG['content_security_policy']; "
    "print('SCARF=' + str(any('scarf' in s for s in csp['img-src']))); "
    "print('CSRF=' + str(c.WTF_CSRF_ENABLED))"
)


def test_config_embedded_and_production(tmp_path):
    env = superset_environment()
    if not env.python_bin.exists():
        pytest.fail(f"Superset environment missing at {env.venv_dir}; install it first (see superset_env/)")
    demo = tomllib.loads(DEMO_CREDENTIALS_PATH.read_text())
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERSET_", "ZICHT_"))}
    base.update(SUPERSET_CONFIG_PATH=str(CONFIG_PATH), ZICHT_DATA_DIR=str(tmp_path))
    cases = {
        "embedded": {},
        "production_without_key": {"ZICHT_ENV": "production"},
        "production_demo_key": {"ZICHT_ENV": "production", "SUPERSET_SECRET_KEY": demo["secret_key"]},
        "production_demo_password": {
            "ZICHT_ENV": "production",
            "SUPERSET_SECRET_KEY": "a-private-key-for-this-test",
            "SUPERSET_ADMIN_PASSWORD": demo["admin_password"],
        },
        "production_ok": {
            "ZICHT_ENV": "production",
            "SUPERSET_SECRET_KEY": "a-private-key-for-this-test",
            "SUPERSET_ADMIN_PASSWORD": "something-private",
        },
    }
    processes = {
        name: subprocess.Popen(
            [str(env.python_bin), "-c", PRINT_CONFIG],
            env={**base, **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=tmp_path,
        )
        for name, extra in cases.items()
    }
    outputs = {name: process.communicate(timeout=300)[0] for name, process in processes.items()}
    codes = {name: process.returncode for name, process in processes.items()}

    embedded = outputs["embedded"]
    assert codes["embedded"] == 0, embedded
    assert f"SECRET_KEY={demo['secret_key']}" in embedded
    assert f"URI=sqlite:///{tmp_path}/superset/superset.db" in embedded
    assert "TTL=60" in embedded and "SCARF=False" in embedded and "CSRF=True" in embedded

    for refused in ("production_without_key", "production_demo_key"):
        assert codes[refused] != 0, f"{refused} started:\n{outputs[refused]}"
        assert "the demo key is refused" in outputs[refused], outputs[refused]
    assert codes["production_demo_password"] != 0
    assert "demo admin password is refused" in outputs["production_demo_password"]

    assert codes["production_ok"] == 0, outputs["production_ok"]
    assert "SECRET_KEY=a-private-key-for-this-test" in outputs["production_ok"]
