from pathlib import Path

import pandas as pd
import pytest

from zicht.synth import generate

SEED = 20261128


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    return generate("demo", SEED, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def national_dir(tmp_path_factory) -> Path:
    return generate("national", SEED, tmp_path_factory.mktemp("national"))


def read_year(folder: Path, year: int) -> pd.DataFrame:
    return pd.read_parquet(folder / f"kerncijfers_{year}.parquet")
