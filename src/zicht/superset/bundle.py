"""Render the Superset asset bundle in superset_assets/bundle/ for one data directory and zip it.

The bundle in git holds no machine-specific value: the database URI is a template that is filled
with the published DuckDB file of the current settings, opened read-only.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import yaml

from zicht.superset.environment import BUNDLE_DIR

BUNDLE_ROOT_FOLDER = "zicht_superset_bundle"
URI_PLACEHOLDER = "{published_path}"


def read_bundle(bundle_dir: Path = BUNDLE_DIR) -> dict[str, dict]:
    """Every YAML file of the bundle, parsed, keyed by its path relative to the bundle root."""
    return {
        path.relative_to(bundle_dir).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(bundle_dir.rglob("*.yaml"))
    }


def published_database_uri(published_path: Path) -> str:
    # duckdb:/// + an absolute path gives the four slashes SQLAlchemy expects for absolute files.
    return f"duckdb:///{published_path.resolve()}?access_mode=read_only"


def render_bundle(published_path: Path, bundle_dir: Path = BUNDLE_DIR) -> dict[str, str]:
    """The bundle's files as text, database URIs pointing at `published_path`."""
    rendered: dict[str, str] = {}
    for path in sorted(bundle_dir.rglob("*.yaml")):
        relative = path.relative_to(bundle_dir).as_posix()
        text = path.read_text(encoding="utf-8")
        if relative.startswith("databases/"):
            config = yaml.safe_load(text)
            template = config["sqlalchemy_uri"]
            if URI_PLACEHOLDER not in template:
                raise ValueError(
                    f"{relative}: sqlalchemy_uri must contain {URI_PLACEHOLDER}, got {template!r}"
                )
            config["sqlalchemy_uri"] = published_database_uri(published_path)
            text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
        rendered[relative] = text
    if "metadata.yaml" not in rendered:
        raise ValueError(f"{bundle_dir} has no metadata.yaml")
    return rendered


def write_bundle_zip(target: Path, published_path: Path, bundle_dir: Path = BUNDLE_DIR) -> Path:
    """Write the rendered bundle as a ZIP with one top folder, the layout Superset's importer reads."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for relative, text in render_bundle(published_path, bundle_dir).items():
            archive.writestr(f"{BUNDLE_ROOT_FOLDER}/{relative}", text)
    return target
