"""The publication gate: a failing suite blocks publication and the last good one stays live."""

import duckdb
import pytest

from tests.quality.conftest import broken_rows, valid_rows, write_warehouse
from zicht.gate import GateFailed, gate_and_publish, published_datasets
from zicht.publish import list_releases
from zicht.settings import get_settings


def test_every_published_dataset_has_a_suite():
    assert published_datasets() == [
        "indicator_funnel",
        "indicator_funnel_limits",
        "indicator_values",
        "indicators",
        "region_population",
        "region_shapes",
        "signal_map",
    ]


def test_a_failing_suite_blocks_publication_and_keeps_the_last_good_one(tmp_path, monkeypatch):
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path))
    settings = get_settings()
    settings.warehouse_path.parent.mkdir(parents=True)
    write_warehouse(settings.warehouse_path, valid_rows())
    good = gate_and_publish(settings)
    live_before = settings.published_path.read_bytes()

    settings.warehouse_path.unlink()
    write_warehouse(settings.warehouse_path, broken_rows())
    with pytest.raises(GateFailed, match="region_population"):
        gate_and_publish(settings)

    assert settings.published_path.read_bytes() == live_before
    assert [release.release_id for release in list_releases(settings)] == [good.release_id]
    warehouse = duckdb.connect(str(settings.warehouse_path), read_only=True)
    failed = warehouse.execute("select count(*) from ops.quality_results where not success").fetchone()[0]
    assert failed > 0, "the failed gate run is stored"
