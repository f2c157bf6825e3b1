"""How busy the machine was while a benchmark ran, so that figures of different runs can be compared.

The machines are shared: the same dashboard opened in 5.8 s in one run and in 2.6 s in another. Next
to its figures, a benchmark records the load average and the time of a fixed single-threaded workload,
which takes longer when other work shares the cores.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import asdict, dataclass

REFERENCE_LOOPS = 2_000_000


def reference_workload_seconds(repeats: int = 3) -> float:
    """Median wall time of a fixed pure-Python loop (0.1 s on an idle core of these machines)."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        total = 0
        for number in range(REFERENCE_LOOPS):
            total += number * number % 7
        timings.append(time.perf_counter() - started)
    return round(statistics.median(timings), 3)


@dataclass(frozen=True)
class MachineLoad:
    load_average_1m: float
    reference_seconds: float

    def describe(self) -> str:
        return f"load average {self.load_average_1m:.1f}, reference workload {self.reference_seconds:.2f} s"

    def to_json(self) -> dict:
        return asdict(self)


def machine_load() -> MachineLoad:
    return MachineLoad(round(os.getloadavg()[0], 2), reference_workload_seconds())


def describe_moments(moments: dict[str, dict]) -> str:
    """'before: load average 0.4, reference workload 0.10 s; after: ...' from recorded loads."""
    return "; ".join(f"{moment}: {MachineLoad(**load).describe()}" for moment, load in moments.items())
