"""The whole pipeline through Airflow at national scale: a benchmark (`zicht bench-airflow`, `make bench`).

It runs what `make demo` runs before Superset, in a fresh data folder: deliver the inputs, start the
local CBS server and Airflow, and let the DAGs land, build, gate and publish. The pipeline's time is
Airflow's own record: from the start of the first DAG run to the end of the publication run (target at
most 10 minutes). Airflow listens on 8080 and the CBS server on 8765, so the demo must not be running.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from zicht.machine_load import describe_moments, machine_load

PIPELINE_TARGET_SECONDS = 600.0
PUBLISH_DAG = "zicht_publish"


@dataclass
class AirflowBench:
    scale: str
    inputs_seconds: float  # generating and delivering what the outside world would deliver
    services_seconds: float  # the CBS server, the metadata migration, Airflow until its API answers
    pipeline_seconds: float  # first DAG run start -> publication run end, from Airflow's records
    dag_runs: list[dict] = field(default_factory=list)  # dag_id, state, seconds, in start order
    tasks: list[tuple[str, float]] = field(default_factory=list)
    machine: dict[str, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> AirflowBench:
        return cls(**{**data, "tasks": [tuple(task) for task in data.get("tasks", [])]})


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def pipeline_span(runs: list[dict]) -> tuple[float, list[dict]]:
    """Seconds from the first run's start to the end of the last publication run, and each run's
    duration in start order (runs that never started are left out)."""
    started = [run for run in runs if run.get("start_date")]
    published = [run for run in started if run["dag_id"] == PUBLISH_DAG and run.get("end_date")]
    if not published:
        raise ValueError("no finished publication run among the Airflow runs")
    first = min(_moment(run["start_date"]) for run in started)
    last = max(_moment(run["end_date"]) for run in published)
    per_run = [
        {
            "dag_id": run["dag_id"],
            "state": run["state"],
            "seconds": round((_moment(run["end_date"]) - _moment(run["start_date"])).total_seconds(), 1)
            if run.get("end_date")
            else None,
        }
        for run in sorted(started, key=lambda run: run["start_date"])
    ]
    return round((last - first).total_seconds(), 1), per_run


def _ports_in_use(*ports: int) -> list[int]:
    in_use = []
    for port in ports:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                in_use.append(port)
    return in_use


def measure_here() -> AirflowBench:
    """In this process, on ZICHT_DATA_DIR (a fresh folder): inputs, services, the pipeline; services
    are stopped afterwards whatever happens."""
    from zicht import airflow_runtime, demo
    from zicht.settings import get_settings

    busy = _ports_in_use(airflow_runtime.AIRFLOW_PORT, demo.CBS_PORT)
    if busy:
        raise RuntimeError(f"port(s) {busy} in use: stop the demo first (make stop)")
    before = machine_load().to_json()
    demo.use_local_cbs()
    started = time.perf_counter()
    demo.deliver_inputs()
    inputs_seconds = time.perf_counter() - started
    try:
        started = time.perf_counter()
        since = demo.start_pipeline_services()
        services_seconds = time.perf_counter() - started
        runs, tasks = demo.await_publication(since)
    finally:
        demo.stop_all()
    seconds, per_run = pipeline_span(runs)
    return AirflowBench(
        get_settings().scale,
        round(inputs_seconds, 1),
        round(services_seconds, 1),
        seconds,
        per_run,
        [(task, round(duration, 1)) for task, duration in tasks],
        {"before": before, "after": machine_load().to_json()},
    )


def run(scale: str = "national", seed: int | None = None, out: Path | None = None) -> AirflowBench:
    """Measure in a child process on a fresh temporary data folder (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="zicht-bench-airflow-") as work:
        figures = Path(work) / "airflow_bench.json"
        env = {**os.environ, "ZICHT_DATA_DIR": work, "ZICHT_SCALE": scale}
        if seed is not None:
            env["ZICHT_SEED"] = str(seed)
        subprocess.run([sys.executable, "-m", "zicht.bench_airflow", str(figures)], env=env, check=True)
        result = AirflowBench.from_json(json.loads(figures.read_text()))
    if out:
        out.write_text(json.dumps(result.to_json(), indent=1))
    return result


def markdown(result: AirflowBench, command: str) -> list[str]:
    met = "yes" if result.pipeline_seconds <= PIPELINE_TARGET_SECONDS else "**no**"
    machine = describe_moments(result.machine)
    lines = [
        f"## The whole pipeline through Airflow ({result.scale} scale)",
        "",
        f"`{command}`: `make demo` up to the publication, in a fresh data folder. Airflow standalone",
        "(LocalExecutor, SQLite metadata); the ingest DAGs start on their clock and the Assets schedule",
        "the build, the gate and the publication.",
        "",
        "| part | wall time | target met |",
        "|---|---|---|",
        "| inputs: generate the synthetic Netherlands and deliver the extracts | "
        f"{result.inputs_seconds:.1f} s | |",
        "| services: CBS OData server, Airflow metadata migration, Airflow up | "
        f"{result.services_seconds:.1f} s | |",
        f"| **pipeline: first DAG run start -> publication run end** (Airflow's own record; at most "
        f"{PIPELINE_TARGET_SECONDS / 60:.0f} min) | {result.pipeline_seconds:.1f} s | {met} |",
        "",
        "DAG runs, in start order (start to end, time waiting for a slot or another run included): "
        + "; ".join(
            f"{run['dag_id']} {run['seconds']:.1f} s" if run["seconds"] is not None else f"{run['dag_id']} -"
            for run in result.dag_runs
        )
        + ".",
        "",
        "Slowest tasks: "
        + "; ".join(
            f"{task} {seconds:.1f} s" for task, seconds in sorted(result.tasks, key=lambda t: -t[1])[:6]
        )
        + ".",
        "",
    ]
    if machine:
        lines += [f"The machine during the run, {machine}.", ""]
    return lines


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(measure_here().to_json(), indent=1))
