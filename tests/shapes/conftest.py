import dataclasses
from pathlib import Path

import pytest

from zicht.settings import Settings, get_settings
from zicht.synth import generate


@pytest.fixture(scope="session")
def kaart_dir(tmp_path_factory) -> Path:
    return generate("demo", 5, tmp_path_factory.mktemp("kaart-demo")) / "wijkenbuurtkaart"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return dataclasses.replace(get_settings(), data_dir=tmp_path / "data")
