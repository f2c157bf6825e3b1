"""Where Superset's environment, configuration, metadata and server files are.

The pipeline environment never imports Superset (it needs SQLAlchemy 1.4 and pandas 2.1); it drives
the separate environment in .venvs/superset through its executables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from zicht.settings import PROJECT_ROOT, Settings, get_settings
from zicht.superset.credentials import logins_path

ASSETS_DIR = PROJECT_ROOT / "superset_assets"
BUNDLE_DIR = ASSETS_DIR / "bundle"
CONFIG_PATH = ASSETS_DIR / "superset_config.py"
IMPORT_SCRIPT = ASSETS_DIR / "import_bundle.py"
ACCESS_SCRIPT = ASSETS_DIR / "sync_access.py"


@dataclass(frozen=True)
class SupersetEnvironment:
    settings: Settings
    venv_dir: Path
    host: str
    port: int

    @property
    def superset_bin(self) -> Path:
        return self.venv_dir / "bin" / "superset"

    @property
    def python_bin(self) -> Path:
        return self.venv_dir / "bin" / "python"

    @property
    def gunicorn_bin(self) -> Path:
        return self.venv_dir / "bin" / "gunicorn"

    @property
    def state_dir(self) -> Path:
        """SQLite metadata (superset_config.py uses the same folder)."""
        return self.settings.data_dir / "superset"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def process_env(self) -> dict[str, str]:
        """The environment for every Superset process: its config and this data directory."""
        env = dict(os.environ)
        env.update(
            SUPERSET_CONFIG_PATH=str(CONFIG_PATH),
            ZICHT_DATA_DIR=str(self.settings.data_dir),
            SUPERSET_HOST=self.host,
            SUPERSET_PORT=str(self.port),
            FLASK_APP="superset.app:create_app()",
            # Superset's CLI prints colours and progress bars; keep logs plain.
            NO_COLOR="1",
            PYTHONUNBUFFERED="1",
        )
        return env

    def require_installed(self) -> None:
        if not self.superset_bin.exists():
            raise FileNotFoundError(
                f"Superset is not installed in {self.venv_dir}. Install it with:\n"
                f"  UV_PROJECT_ENVIRONMENT={self.venv_dir} uv sync --project "
                f"{PROJECT_ROOT / 'superset_env'} --frozen"
            )


def superset_environment(settings: Settings | None = None) -> SupersetEnvironment:
    return SupersetEnvironment(
        settings=settings or get_settings(),
        venv_dir=Path(os.environ.get("ZICHT_SUPERSET_VENV") or PROJECT_ROOT / ".venvs" / "superset"),
        host=os.environ.get("SUPERSET_HOST", "127.0.0.1"),
        port=int(os.environ.get("SUPERSET_PORT", "8088")),
    )


def print_credentials(env: SupersetEnvironment | None = None) -> None:
    from zicht.superset.access import demo_logins
    from zicht.superset.credentials import admin_login, analyst_password

    env = env or superset_environment()
    admin = admin_login(env.settings)
    where = f" (kept in {logins_path(env.settings)})" if admin.generated else ""
    print(f"Superset: {env.base_url}/  user: {admin.username}  password: {admin.password}{where}")
    password = analyst_password(env.settings)
    if password is not None:
        users = ", ".join(f"{username} [{role}]" for username, role in demo_logins())
        print(f"  analysts: {users}  password: {password}")
