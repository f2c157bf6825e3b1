"""`make bench`: the national-scale figures, each step in its own process, written to docs/benchmarks.md.

Wall time and peak memory (maximum resident set size of the step's whole process tree, from
getrusage) per step. Benchmarks, not tests: the machine is shared, so compare figures of one run.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zicht import bench_airflow
from zicht.disclosure.bench import all_tables_markdown
from zicht.disclosure.bench import markdown as disclosure_markdown
from zicht.machine_load import describe_moments, machine_load
from zicht.settings import PROJECT_ROOT
from zicht.superset.bench import SupersetBench
from zicht.superset.bench import markdown as superset_markdown

RESULTS = PROJECT_ROOT / "docs" / "benchmarks.md"
SEED = 20261128
# `zicht bench-superset` and `zicht bench-airflow` keep their sections between marker lines, which
# `make bench` keeps while it rewrites the rest.
KEPT_SECTIONS = ("bench-airflow", "bench-superset")


def section_markers(name: str) -> tuple[str, str]:
    return f"<!-- zicht {name}: start -->", f"<!-- zicht {name}: end -->"


@dataclass(frozen=True)
class Measurement:
    step: str
    command: str
    seconds: float
    peak_mib: float


PEAK_REPORT = (
    "\nimport resource as _r\n"
    "print('PEAK_KIB', max(_r.getrusage(_r.RUSAGE_SELF).ru_maxrss,"
    " _r.getrusage(_r.RUSAGE_CHILDREN).ru_maxrss))"
)


def _measure(step: str, code: str, env: dict[str, str]) -> Measurement:
    """Run a Python snippet in a fresh interpreter: its wall time, and the peak resident memory of the
    process or of the largest process it started (dbt runs in a child), whichever is larger."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-c", code + PEAK_REPORT], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    peak_kib = int(completed.stdout.rsplit("PEAK_KIB", 1)[1].split()[0])  # KiB on Linux
    print(f"{step}: {seconds:.1f} s, peak {peak_kib / 1024:.0f} MiB", flush=True)
    return Measurement(step, code, seconds, peak_kib / 1024)


STEPS = [
    (
        "generate the synthetic Netherlands (national)",
        "from zicht.synth import generate; from zicht.settings import get_settings as s; "
        f"generate('national', {SEED}, s().synthetic_dir)",
    ),
    (
        "generate the KvK and OM extracts (national)",
        "from zicht.synth.extract_files import generate_extracts; "
        "from zicht.settings import get_settings as s; "
        f"generate_extracts('national', {SEED}, s().synthetic_dir, s().synthetic_dir / 'extracts')",
    ),
    (
        "CBS ingest: all catalog tables through cbsodata from the local server (land + load)",
        "from zicht.odata import serve; from zicht.settings import get_settings as s; import os; "
        "server = serve(s().synthetic_dir, port=0); os.environ['ZICHT_CBS_HOST'] = server.catalog_url; "
        "os.environ['ZICHT_CBS_HTTPS'] = 'false'; from zicht.cbs import ingest_cbs_tables; "
        "ingest_cbs_tables(); server.shutdown()",
    ),
    (
        "KvK extract: land + validate + load (2.5 M establishments)",
        "import shutil; from zicht.settings import get_settings as s; from zicht.extracts import land_inbox; "
        "inbox = s().data_dir / 'inbox' / 'kvk'; inbox.mkdir(parents=True); "
        "shutil.copy(s().synthetic_dir / 'extracts' / 'kvk_vestigingen_2025.csv', inbox); "
        "outcomes = land_inbox('kvk'); assert [o.outcome for o in outcomes] == ['loaded'], outcomes",
    ),
    (
        "OM extracts: land + validate + load (5 years, about 1 M cases)",
        "import shutil; from zicht.settings import get_settings as s; from zicht.extracts import land_inbox; "
        "inbox = s().data_dir / 'inbox' / 'om'; inbox.mkdir(parents=True); "
        "[shutil.copy(p, inbox) for p in (s().synthetic_dir / 'extracts').glob('om_zaken_*.csv')]; "
        "outcomes = land_inbox('om'); assert {o.outcome for o in outcomes} == {'loaded'}, outcomes",
    ),
    (
        "herindeling conversion table: land + validate + load (every year's codes to the newest indeling)",
        "import shutil; from zicht.settings import get_settings as s; from zicht.extracts import land_inbox; "
        "inbox = s().data_dir / 'inbox' / 'herindeling'; inbox.mkdir(parents=True); "
        "[shutil.copy(p, inbox) for p in (s().synthetic_dir / 'extracts').glob('herindeling_*.csv')]; "
        "outcomes = land_inbox('herindeling'); assert [o.outcome for o in outcomes] == ['loaded'], outcomes",
    ),
    (
        "wijk- en buurtkaart: land + load (all years, gemeenten, wijken, buurten)",
        "from zicht.shapes.land import drop_synthetic_kaart, land_shapes_inbox; "
        "drop_synthetic_kaart(); outcomes = land_shapes_inbox(); "
        "assert outcomes and {o['outcome'] for o in outcomes} == {'loaded'}, outcomes",
    ),
    ("dbt build (all models and tests)", "from zicht.transform import build_warehouse; build_warehouse()"),
    ("quality gate and publish", "from zicht.gate import gate_and_publish; gate_and_publish()"),
    (
        "region scope files of the live release, cut again (part of every publish and rollback)",
        "from zicht.publish import make_scoped_files_live; from zicht.settings import get_settings as s; "
        "make_scoped_files_live(s().published_path, s())",
    ),
    (
        "Superset: set up a private instance, open every dashboard in Chromium, replay the chart queries",
        # With the operations file, as `zicht bench-superset`: Pipelinekwaliteit reads it.
        "from zicht.superset.bench import run_private; from zicht.settings import get_settings as s; "
        "from zicht.ops.export import export_ops; export_ops(); "
        "run_private(s().published_path, s().ops_path, 'national', out=s().data_dir / 'superset_bench.json')",
    ),
]
# Disclosure control, on the warehouse the steps above built (also on its own: `zicht bench
# --disclosure-only DATA_DIR`, for a national warehouse built before).
DISCLOSURE_STEPS = [
    (
        "disclosure control: one national buurt table (tau-ARGUS per gemeente + audit, 2 workers)",
        "from zicht.disclosure.bench import run; from zicht.settings import get_settings as s; "
        f"run({SEED}, workers=2, out=s().data_dir / 'disclosure_bench.json')",
    ),
    (
        "disclosure control: every table of every year, as int_disclosure_cells (rules + tau-ARGUS + audit, "
        "2 workers), then the newest year with tau-ARGUS alone and with the rules",
        "from zicht.disclosure.bench import run_all_tables; from zicht.settings import get_settings as s; "
        "run_all_tables(s().warehouse_path, workers=2, out=s().data_dir / 'disclosure_all_tables.json')",
    ),
]


def run(results: Path = RESULTS, disclosure_only: Path | None = None) -> list[Measurement]:
    """Every step on a fresh national data folder; or, with `disclosure_only`, only the disclosure
    steps on the national warehouse already built in that folder (which is kept)."""
    work = disclosure_only or Path(tempfile.mkdtemp(prefix="zicht-bench-"))
    env = {**os.environ, "ZICHT_DATA_DIR": str(work), "ZICHT_SCALE": "national", "ZICHT_SEED": str(SEED)}
    steps = DISCLOSURE_STEPS if disclosure_only else STEPS + DISCLOSURE_STEPS
    try:
        machine = {"before": machine_load().to_json()}
        measurements = [_measure(step, code, env) for step, code in steps]
        machine["after"] = machine_load().to_json()
        load = f"The machine during the steps, {describe_moments(machine)}."
        disclosure = json.loads((work / "disclosure_bench.json").read_text())
        all_tables = json.loads((work / "disclosure_all_tables.json").read_text())
        superset_figures = work / "superset_bench.json"
        superset = (
            SupersetBench.from_json(json.loads(superset_figures.read_text()))
            if superset_figures.exists() and not disclosure_only
            else None
        )
    finally:
        if not disclosure_only:
            shutil.rmtree(work, ignore_errors=True)
    sections = superset_markdown(superset, "make bench") if superset else []
    sections += disclosure_markdown(disclosure) + all_tables_markdown(all_tables)
    _write(results, measurements, sections, partial=disclosure_only is not None, load=load)
    if not disclosure_only:
        # In a data folder of its own: Airflow lands, builds and publishes everything again.
        through_airflow = bench_airflow.run("national", SEED)
        write_section("bench-airflow", bench_airflow.markdown(through_airflow, "make bench"), results)
    return measurements


def _kept_section(name: str, results: Path) -> list[str]:
    """The section `zicht <name>` wrote last, markers included (none: empty)."""
    if not results.exists():
        return []
    text = results.read_text()
    start_marker, end_marker = section_markers(name)
    if start_marker not in text or end_marker not in text:
        return []
    start, end = text.index(start_marker), text.index(end_marker)
    return text[start : end + len(end_marker)].splitlines() + [""]


def write_section(name: str, lines: list[str], results: Path = RESULTS) -> None:
    """Put the figures of `zicht <name>` into docs/benchmarks.md, replacing its previous ones."""
    start_marker, end_marker = section_markers(name)
    block = "\n".join([start_marker, *lines, end_marker])
    text = results.read_text() if results.exists() else "# Benchmarks\n"
    if start_marker in text and end_marker in text:
        start, end = text.index(start_marker), text.index(end_marker)
        text = text[:start] + block + text[end + len(end_marker) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    results.write_text(text)
    print(f"wrote the {name} section of {results}")


def _earlier_rows(results: Path, steps: set[str]) -> tuple[list[str], str]:
    """The step rows of the results file that this run did not measure again (marked *), and when
    they were measured: a partial run keeps the figures of the steps it skipped."""
    if not results.exists():
        return [], ""
    text = results.read_text().splitlines()
    measured = next(
        (line.removeprefix("Measured ").rstrip(".") for line in text if line.startswith("Measured ")), ""
    )
    rows = []
    for line in text:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3 and cells[1].endswith(" s") and cells[0].rstrip(" *") not in steps:
            step = cells[0].rstrip(" *")
            rows.append(f"| {step} * | {cells[1]} | {cells[2]} |")
    return rows, measured


def _write(
    results: Path, measurements: list[Measurement], sections: list[str], partial: bool = False, load: str = ""
) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`zicht bench`); national scale (343 gemeenten, 13,828 buurten, 17.9 M",
        "inhabitants, 2.5 M KvK establishments, about 200,000 OM cases a year), each step in a fresh",
        "Python process. Peak memory is the maximum resident set size of the step's process.",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}).",
        "",
        *([load, ""] if load else []),
    ]
    earlier = _earlier_rows(results, {m.step for m in measurements}) if partial else ([], "")
    if partial:
        lines += [
            "Only the disclosure-control steps were run (`zicht bench --disclosure-only`), on a national",
            "warehouse built before with the steps of `zicht bench`."
            + (f" Rows marked * are kept from the earlier run ({earlier[1]})." if earlier[0] else ""),
            "",
        ]
    lines += [
        "| step | wall time | peak memory |",
        "|---|---|---|",
    ]
    lines += earlier[0]
    lines += [f"| {m.step} | {m.seconds:.1f} s | {m.peak_mib:,.0f} MiB |" for m in measurements]
    lines += [
        "",
        "Targets: landing and load of all extracts at most 60 s and 2 GB; `dbt build` at most 3 min;",
        "disclosure control of all tables of all years at most 3 min.",
        "",
    ]
    lines += sections
    for name in KEPT_SECTIONS:
        lines += _kept_section(name, results)
    results.write_text("\n".join(lines))
    print(f"wrote {results}")
