"""Render the Superset asset bundle in superset_assets/bundle/ for one data directory and zip it.

The bundle in git holds no machine-specific value. Each database URI is a template naming the file
it reads, filled with that file of the current settings, opened read-only:
`{published_path}` (the analysts' published marts) or `{ops_path}` (the operations file). Links to
the documentation site use `{docs_url}` (`ZICHT_DOCS_URL`, default the `make docs` address).
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from zicht.docs_site import DOCS_PORT
from zicht.settings import Settings, get_settings
from zicht.superset.environment import BUNDLE_DIR

BUNDLE_ROOT_FOLDER = "zicht_superset_bundle"
DOCS_URL_PLACEHOLDER = "{docs_url}"


@dataclass(frozen=True)
class BundleTargets:
    """What the templates in the bundle point at on this machine."""

    published_path: Path
    ops_path: Path
    docs_url: str

    @property
    def database_files(self) -> dict[str, Path]:
        return {"{published_path}": self.published_path, "{ops_path}": self.ops_path}


def bundle_targets(settings: Settings | None = None) -> BundleTargets:
    settings = settings or get_settings()
    docs_url = os.environ.get("ZICHT_DOCS_URL") or f"http://127.0.0.1:{DOCS_PORT}"
    return BundleTargets(settings.published_path, settings.ops_path, docs_url.rstrip("/"))


def read_bundle(bundle_dir: Path = BUNDLE_DIR) -> dict[str, dict]:
    """Every YAML file of the bundle, parsed, keyed by its path relative to the bundle root."""
    return {
        path.relative_to(bundle_dir).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(bundle_dir.rglob("*.yaml"))
    }


def read_only_database_uri(path: Path) -> str:
    # duckdb:/// + an absolute path gives the four slashes SQLAlchemy expects for absolute files.
    return f"duckdb:///{path.resolve()}?access_mode=read_only"


def _render_database(relative: str, text: str, targets: BundleTargets) -> str:
    config = yaml.safe_load(text)
    template = config["sqlalchemy_uri"]
    named = [placeholder for placeholder in targets.database_files if placeholder in template]
    if len(named) != 1:
        raise ValueError(
            f"{relative}: sqlalchemy_uri must contain exactly one of "
            f"{', '.join(targets.database_files)}, got {template!r}"
        )
    config["sqlalchemy_uri"] = read_only_database_uri(targets.database_files[named[0]])
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def render_bundle(targets: BundleTargets, bundle_dir: Path = BUNDLE_DIR) -> dict[str, str]:
    """The bundle's files as text, database URIs and documentation links filled in for `targets`."""
    rendered: dict[str, str] = {}
    for path in sorted(bundle_dir.rglob("*.yaml")):
        relative = path.relative_to(bundle_dir).as_posix()
        text = path.read_text(encoding="utf-8")
        if relative.startswith("databases/"):
            text = _render_database(relative, text, targets)
        rendered[relative] = text.replace(DOCS_URL_PLACEHOLDER, targets.docs_url)
    if "metadata.yaml" not in rendered:
        raise ValueError(f"{bundle_dir} has no metadata.yaml")
    return rendered


def write_bundle_zip(target: Path, targets: BundleTargets, bundle_dir: Path = BUNDLE_DIR) -> Path:
    """Write the rendered bundle as a ZIP with one top folder, the layout Superset's importer reads."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative, text in render_bundle(targets, bundle_dir).items():
            archive.writestr(f"{BUNDLE_ROOT_FOLDER}/{relative}", text)
    return target
