"""The Superset logins: from the environment, or made once for an embedded install.

Embedded (the default, one machine): the admin and the demo analysts get passwords generated on
first use and kept in `<ZICHT_DATA_DIR>/superset/logins.toml` (readable by its owner only), so no
password is written in the repository; `make demo` prints them. SUPERSET_ADMIN_PASSWORD and
SUPERSET_ANALYST_PASSWORD replace them.

Production (ZICHT_ENV=production): SUPERSET_ADMIN_PASSWORD is required, at least
MIN_PASSWORD_LENGTH characters, and never a password of an embedded install in the same data
folder. The demo analysts exist only when SUPERSET_ANALYST_PASSWORD is set (same rules); otherwise
setup deactivates any left from an embedded install.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from zicht.errors import ZichtError
from zicht.settings import Settings, get_settings

LOGINS_FILE = "logins.toml"
MIN_PASSWORD_LENGTH = 12
DEFAULT_ADMIN_USERNAME = "admin"


class WeakSecretRefused(ZichtError, RuntimeError):
    """ZICHT_ENV=production with a missing, short or embedded password."""


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    generated: bool  # made for this embedded install, not set in the environment


def is_production() -> bool:
    return os.environ.get("ZICHT_ENV", "embedded").strip().lower() == "production"


def logins_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "superset" / LOGINS_FILE


def _generated_logins(settings: Settings | None) -> dict[str, str]:
    """The passwords of this embedded install, made on first use."""
    path = logins_path(settings)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        made = {name: secrets.token_urlsafe(15) for name in ("admin_password", "analyst_password")}
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # made by a process that ran at the same moment; read theirs
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write("".join(f'{name} = "{value}"\n' for name, value in made.items()))
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _embedded_passwords(settings: Settings | None) -> set[str]:
    path = logins_path(settings)
    return set(tomllib.loads(path.read_text(encoding="utf-8")).values()) if path.is_file() else set()


def _production_password(variable: str, settings: Settings | None) -> str:
    password = os.environ.get(variable, "")
    if len(password) < MIN_PASSWORD_LENGTH:
        state = "missing" if not password else f"{len(password)} characters"
        raise WeakSecretRefused(
            f"ZICHT_ENV=production: set {variable} to a private password of at least "
            f"{MIN_PASSWORD_LENGTH} characters (it is {state})"
        )
    if password in _embedded_passwords(settings):
        raise WeakSecretRefused(
            f"ZICHT_ENV=production: {variable} is a password of the embedded install "
            f"({logins_path(settings)}); choose a new one"
        )
    return password


def admin_login(settings: Settings | None = None) -> Login:
    username = os.environ.get("SUPERSET_ADMIN_USERNAME") or DEFAULT_ADMIN_USERNAME
    if is_production():
        return Login(username, _production_password("SUPERSET_ADMIN_PASSWORD", settings), generated=False)
    if os.environ.get("SUPERSET_ADMIN_PASSWORD"):
        return Login(username, os.environ["SUPERSET_ADMIN_PASSWORD"], generated=False)
    return Login(username, _generated_logins(settings)["admin_password"], generated=True)


def analyst_password(settings: Settings | None = None) -> str | None:
    """The password of the demo analysts; None in production when none is set (no demo analysts)."""
    if is_production():
        if not os.environ.get("SUPERSET_ANALYST_PASSWORD"):
            return None
        return _production_password("SUPERSET_ANALYST_PASSWORD", settings)
    return os.environ.get("SUPERSET_ANALYST_PASSWORD") or _generated_logins(settings)["analyst_password"]
