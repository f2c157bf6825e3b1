"""Fixtures shared across the test folders."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PIPELINE_CHAIN = ["zicht_cbs_ingest", "zicht_extract_ingest", "zicht_warehouse_build", "zicht_publish"]


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory):
    """The whole pipeline, once per test session: each DAG run for real with `airflow dags test`,
    in the order the Assets chain them, against the local CBS server on a demo-scale Netherlands,
    with its KvK and OM extract files and its wijk- en buurtkaart dropped into the inboxes.

    Yields (data_dir, synthetic_dir); the published file is data_dir/published/zicht.duckdb.
    """
    from zicht.extracts.schemas import source_for_file
    from zicht.odata import serve
    from zicht.synth import generate
    from zicht.synth.extract_files import generate_extracts

    data_dir = tmp_path_factory.mktemp("pipeline_data")
    env = {"ZICHT_DATA_DIR": str(data_dir), "ZICHT_SCALE": "demo", "ZICHT_SEED": "7"}
    synthetic_dir = data_dir / "synthetic" / "demo"
    generate("demo", 7, synthetic_dir)
    for path in generate_extracts("demo", 7, synthetic_dir, synthetic_dir / "extracts"):
        inbox = data_dir / "inbox" / source_for_file(path.name)
        inbox.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, inbox / path.name)
    kaart_inbox = data_dir / "inbox" / "wijkenbuurtkaart"
    kaart_inbox.mkdir(parents=True)
    for path in sorted((synthetic_dir / "wijkenbuurtkaart").glob("*.geojson")):
        shutil.copyfile(path, kaart_inbox / path.name)
    server = serve(synthetic_dir, host="127.0.0.1", port=0)
    env |= {"ZICHT_CBS_HOST": f"127.0.0.1:{server.port}", "ZICHT_CBS_HTTPS": "false"}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        from zicht.airflow_runtime import migrate

        migrate()
        zicht = Path(sys.executable).parent / "zicht"
        for dag_id in PIPELINE_CHAIN:
            completed = subprocess.run(
                [str(zicht), "airflow", "dags", "test", dag_id], capture_output=True, text=True
            )
            output = completed.stdout + completed.stderr
            assert completed.returncode == 0, f"{dag_id} failed:\n{output[-8000:]}"
    finally:
        server.shutdown()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    yield data_dir, synthetic_dir
