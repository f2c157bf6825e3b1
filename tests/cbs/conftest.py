import dataclasses
from pathlib import Path

import pytest

from zicht.cbs import ClientOptions
from zicht.odata import serve
from zicht.settings import get_settings
from zicht.synth import generate

FAST = ClientOptions(attempts=2, backoff_seconds=0.0, timeout_seconds=5.0)


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return generate("demo", 11, tmp_path_factory.mktemp("cbs-demo"))


@pytest.fixture(scope="session")
def server(synthetic_dir):
    running = serve(synthetic_dir, page_size=100)
    yield running
    running.shutdown()


def settings_for(data_dir: Path, server):
    return dataclasses.replace(
        get_settings(), data_dir=data_dir, cbs_host=server.catalog_url, cbs_https=False
    )


@pytest.fixture
def settings(tmp_path, server):
    return settings_for(tmp_path / "data", server)
