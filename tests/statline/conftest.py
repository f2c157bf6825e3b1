import dataclasses
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from zicht.cbs import ClientOptions
from zicht.odata import serve
from zicht.settings import Settings, get_settings
from zicht.synth import generate
from zicht.synth.statline_export import write_statline_csv

FAST = ClientOptions(attempts=2, backoff_seconds=0.0, timeout_seconds=5.0)
KERN = "85984NED"
KERN_FILE = "Kerncijfers_wijken_en_buurten_2024_03122026_120000.csv"  # as StatLine names it
GEBIEDEN = "85067NED"
# A host nothing listens on: a test using it proves the metadata did not come from the network.
NO_HOST = "127.0.0.1:9"


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory) -> Path:
    return generate("demo", 11, tmp_path_factory.mktemp("statline-demo"))


@pytest.fixture(scope="session")
def server(synthetic_dir):
    running = serve(synthetic_dir, port=0, page_size=1000)
    yield running
    running.shutdown()


def settings_for(data_dir: Path, host: str) -> Settings:
    return dataclasses.replace(get_settings(), data_dir=data_dir, cbs_host=host, cbs_https=False)


@pytest.fixture
def settings(tmp_path, server) -> Settings:
    return settings_for(tmp_path / "data", server.catalog_url)


@pytest.fixture(scope="session")
def kern_csv(tmp_path_factory, synthetic_dir) -> Path:
    """The Kerncijfers 2024 table as StatLine names and writes a full download; read-only for the tests."""
    path = write_statline_csv(KERN, synthetic_dir, tmp_path_factory.mktemp("downloads"))
    assert path.name == KERN_FILE
    return path


def query(settings: Settings, sql: str) -> pd.DataFrame:
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.sql(sql).df()
    finally:
        con.close()


def raw_tables(settings: Settings) -> set[str]:
    if not settings.warehouse_path.exists():
        return set()
    frame = query(settings, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'")
    return set(frame["table_name"])
