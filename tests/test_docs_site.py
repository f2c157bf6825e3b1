"""`make docs`: dbt docs with the dashboard as an exposure, and the Data Docs of the gate, in one site."""

import dataclasses
import json

import pytest

from zicht.docs_site import build_docs
from zicht.settings import get_settings

pytestmark = pytest.mark.slow


def test_docs_hold_lineage_to_the_dashboard_and_the_quality_docs(pipeline_run):
    data_dir, _ = pipeline_run
    site = build_docs(dataclasses.replace(get_settings(), data_dir=data_dir))

    manifest = json.loads((site / "dbt" / "manifest.json").read_text())
    exposure = manifest["exposures"]["exposure.zicht.dashboard_bevolking_en_dichtheid"]
    assert exposure["depends_on"]["nodes"] == ["model.zicht.region_population"]
    assert (site / "dbt" / "index.html").exists() and (site / "dbt" / "catalog.json").exists()
    assert (site / "quality" / "index.html").exists()
    index = (site / "index.html").read_text()
    assert 'href="dbt/index.html"' in index and 'href="quality/index.html"' in index
