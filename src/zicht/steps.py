"""Print which step runs and how long it took."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"==> {title}", flush=True)
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        print(f"<== {title}: FAILED after {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        raise
    print(f"<== {title}: {time.perf_counter() - started:.1f} s", flush=True)
