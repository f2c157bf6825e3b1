"""Where Zicht keeps its data and which hosts it talks to, read from the environment.

Every path and host is a setting with a default for the embedded (one machine) setup; production
sets them in the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    scale: str
    seed: int
    cbs_host: str
    cbs_https: bool

    @property
    def synthetic_dir(self) -> Path:
        """Generated synthetic Netherlands, one folder per scale."""
        return self.data_dir / "synthetic" / self.scale

    @property
    def landing_dir(self) -> Path:
        """Immutable landing zone: files are written once and never changed."""
        return self.data_dir / "landing"

    @property
    def warehouse_path(self) -> Path:
        """The private warehouse (raw, staging, marts, ops); never read by Superset."""
        return self.data_dir / "warehouse" / "zicht.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def published_path(self) -> Path:
        """The one file Superset reads: published marts only, swapped in atomically."""
        return self.published_dir / "zicht.duckdb"

    @property
    def ops_path(self) -> Path:
        """The operations file Superset reads (pipeline runs, quality, freshness), swapped in atomically
        after every publish attempt, also when the gate blocked the publication."""
        return self.published_dir / "ops.duckdb"

    @property
    def quality_dir(self) -> Path:
        """Great Expectations context and Data Docs (build output)."""
        return self.data_dir / "quality"


def get_settings() -> Settings:
    return Settings(
        data_dir=_env_path("ZICHT_DATA_DIR", PROJECT_ROOT / "data"),
        scale=os.environ.get("ZICHT_SCALE", "demo"),
        seed=int(os.environ.get("ZICHT_SEED", "20261128")),
        cbs_host=os.environ.get("ZICHT_CBS_HOST", "opendata.cbs.nl"),
        cbs_https=_env_bool("ZICHT_CBS_HTTPS", True),
    )
