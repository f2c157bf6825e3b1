import time

import pytest

from zicht.extracts import land_inbox
from zicht.synth import generate
from zicht.synth.extract_files import generate_extracts

from .conftest import SEED, drop, make_settings


@pytest.mark.slow
def test_national_kvk_generates_fast_and_loads(tmp_path):
    synthetic = generate("national", SEED, tmp_path / "synthetic" / "national")
    started = time.perf_counter()
    files = generate_extracts("national", SEED, synthetic, tmp_path / "extracts")
    assert time.perf_counter() - started < 60
    kvk = next(f for f in files if f.name.startswith("kvk_"))
    settings = make_settings(tmp_path, "national")
    drop(settings, "kvk", kvk)
    (outcome,) = land_inbox("kvk", settings)  # region list from the synthetic Netherlands of the scale
    assert outcome.outcome == "loaded", outcome.reason
    assert 2_300_000 < outcome.rows < 2_700_000
