from pathlib import Path

import cbsodata
import pytest

from zicht.odata import serve
from zicht.synth import generate

PAGE_SIZE = 7


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return generate("demo", 7, tmp_path_factory.mktemp("odata-demo"))


@pytest.fixture(scope="session")
def server(synthetic_dir):
    running = serve(synthetic_dir, page_size=PAGE_SIZE)
    yield running
    running.shutdown()


@pytest.fixture
def cbs_client(server):
    """cbsodata pointed at the local feed, restored afterwards."""
    old = cbsodata.options.catalog_url, cbsodata.options.use_https
    cbsodata.options.catalog_url = server.catalog_url
    cbsodata.options.use_https = False
    yield cbsodata
    cbsodata.options.catalog_url, cbsodata.options.use_https = old
