import shutil
from pathlib import Path

import pytest

from zicht.extracts import RegionList
from zicht.settings import Settings
from zicht.synth import generate
from zicht.synth.extract_files import generate_extracts

SEED = 20261128


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return generate("demo", SEED, tmp_path_factory.mktemp("synthetic_demo"))


@pytest.fixture(scope="session")
def extracts_dir(tmp_path_factory, synthetic_dir) -> Path:
    out = tmp_path_factory.mktemp("extracts_demo")
    generate_extracts("demo", SEED, synthetic_dir, out)
    return out


@pytest.fixture(scope="session")
def regions(synthetic_dir) -> RegionList:
    return RegionList.from_synthetic(synthetic_dir)


def make_settings(data_dir: Path, scale: str = "demo") -> Settings:
    return Settings(data_dir=data_dir, scale=scale, seed=SEED, cbs_host="unused", cbs_https=False)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path / "data")


def drop(settings: Settings, source: str, *files: Path) -> list[Path]:
    """Put files in the inbox, as a delivery would."""
    inbox = settings.data_dir / "inbox" / source
    inbox.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(f, inbox / f.name)) for f in files]


def head_lines(path: Path, n: int, encoding: str) -> list[str]:
    """The header and the first n data lines of a generated extract, without line endings."""
    with open(path, encoding=encoding, newline="") as handle:
        return [handle.readline().rstrip("\r\n") for _ in range(n + 1)]
