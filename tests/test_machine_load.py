"""The machine-load record that benchmarks keep beside their figures."""

from __future__ import annotations

import zicht.machine_load as machine_load_module
from zicht.machine_load import MachineLoad, describe_moments, machine_load, reference_workload_seconds


def test_the_reference_workload_grows_with_its_size(monkeypatch):
    # A ratio within one run, not a timed threshold: ten times the loop takes clearly longer.
    monkeypatch.setattr(machine_load_module, "REFERENCE_LOOPS", 20_000)
    small = reference_workload_seconds(repeats=3)
    monkeypatch.setattr(machine_load_module, "REFERENCE_LOOPS", 200_000)
    large = reference_workload_seconds(repeats=3)
    assert 0 < small < large


def test_machine_load_records_the_load_average_and_round_trips_as_json():
    load = machine_load()
    assert load.load_average_1m >= 0 and load.reference_seconds > 0
    assert MachineLoad(**load.to_json()) == load
    assert load.describe().startswith("load average ")


def test_moments_are_described_in_the_order_they_were_recorded():
    moments = {
        "before": MachineLoad(0.4, 0.1).to_json(),
        "after": MachineLoad(2.0, 0.25).to_json(),
    }
    assert describe_moments(moments) == (
        "before: load average 0.4, reference workload 0.10 s; "
        "after: load average 2.0, reference workload 0.25 s"
    )
