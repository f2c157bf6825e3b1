"""Every `zicht` command ends an expected failure with one clear line on stderr and a non-zero exit
code; a bug keeps its traceback."""

import os
import subprocess
import sys

import pytest

from zicht import cli
from zicht.odata import Fault, serve
from zicht.synth import generate

KERN = "85984NED"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("ZICHT_DATA_DIR", str(folder))
    monkeypatch.setenv("ZICHT_CBS_ATTEMPTS", "2")
    monkeypatch.setenv("ZICHT_CBS_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("ZICHT_CBS_TIMEOUT_SECONDS", "5")
    return folder


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory):
    return generate("demo", 11, tmp_path_factory.mktemp("cli-demo"))


def fails_with_one_line(capsys, argv: list[str], *expected: str) -> str:
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.endswith("\n") and err.count("\n") == 1, err  # one line
    assert err.startswith(f"zicht {argv[0]}: ") and "Traceback" not in err
    for text in expected:
        assert text in err, err
    return err


def test_land_statline_missing_file(data_dir, capsys, tmp_path):
    missing = tmp_path / "Kerncijfers_wijken_en_buurten_2024_03122026_120000.csv"
    fails_with_one_line(capsys, ["land-statline", str(missing)], f"no such StatLine download: {missing}")


def test_land_statline_unknown_table(data_dir, capsys, tmp_path):
    path = tmp_path / "Onbekend_03122026_120000.csv"
    path.write_text('"Wijken en buurten"\n"Nederland"\n', encoding="utf-8")
    fails_with_one_line(
        capsys,
        ["land-statline", str(path), "--table-id", "12345NED"],
        "rule table_id_known",
        "'12345NED' is not in the catalog",
    )


def test_land_statline_a_file_that_breaks_a_rule(data_dir, capsys, tmp_path, synthetic_dir, monkeypatch):
    path = tmp_path / f"{KERN}.csv"
    path.write_bytes(b"")
    with serve(synthetic_dir) as server:
        monkeypatch.setenv("ZICHT_CBS_HOST", server.catalog_url)
        monkeypatch.setenv("ZICHT_CBS_HTTPS", "false")
        fails_with_one_line(capsys, ["land-statline", str(path)], f"{KERN}.csv, line 1: rule header_present")


def test_ingest_cbs_unknown_table(data_dir, capsys):
    fails_with_one_line(
        capsys, ["ingest-cbs", "12345NED"], "CBS table '12345NED' is not in the catalog", "docs/cbs_tables.md"
    )


def test_ingest_cbs_download_failed_after_its_retries(data_dir, capsys, synthetic_dir, monkeypatch):
    faults = {f"/ODataFeed/odata/{KERN}/TypedDataSet": Fault("status", status=500)}
    with serve(synthetic_dir, faults=faults) as server:
        monkeypatch.setenv("ZICHT_CBS_HOST", server.catalog_url)
        monkeypatch.setenv("ZICHT_CBS_HTTPS", "false")
        fails_with_one_line(
            capsys, ["ingest-cbs", KERN], f"CBS table {KERN}: download failed after 2 attempt(s)", "500"
        )


def test_land_shapes_missing_file(data_dir, capsys, tmp_path):
    fails_with_one_line(
        capsys, ["land-shapes", str(tmp_path / "buurten.geojson")], "no such wijk- en buurtkaart file"
    )


def test_serve_cbs_without_a_synthetic_netherlands(data_dir, capsys):
    fails_with_one_line(
        capsys, ["serve-cbs", "--port", "0"], "no synthetic CBS tables found", "zicht generate"
    )


def test_generate_extracts_without_a_synthetic_netherlands(data_dir, capsys):
    fails_with_one_line(capsys, ["generate-extracts"], "no synthetic Netherlands in", "zicht generate")


def test_gate_without_a_warehouse(data_dir, capsys):
    fails_with_one_line(capsys, ["gate"], "warehouse not found", "zicht build")


def test_rollback_to_an_unknown_release(data_dir, capsys):
    fails_with_one_line(
        capsys, ["rollback", "nope"], "rollback refused: no release 'nope'", "the live release is unchanged"
    )


def test_a_bug_keeps_its_traceback(data_dir, monkeypatch):
    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "_status", broken)  # the parser takes the handler when it is built
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main(["status"])


def test_the_process_prints_one_line_and_no_traceback(tmp_path):
    env = {**os.environ, "ZICHT_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, "-m", "zicht.cli", "land-statline", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"zicht land-statline: no such StatLine download: {tmp_path / 'nope.csv'}\n"


def test_land_statline_while_another_process_holds_the_warehouse(data_dir, capsys):
    from tests.statline.test_real_format_fixtures import GROUPED, seed_api_landing
    from zicht import landing
    from zicht.settings import get_settings

    settings = get_settings()
    seed_api_landing(settings, "85039NED", "85039NED")
    settings.warehouse_path.parent.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(settings.warehouse_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        fails_with_one_line(
            capsys, ["land-statline", str(GROUPED)], "is in use by another process; try again when it is done"
        )
    finally:
        holder.kill()
        holder.wait()
    (record,) = [r for r in landing.read_manifest(settings.landing_dir) if r["source"] == "statline"]
    assert record["outcome"] == "failed" and "WarehouseBusy" in record["error"]


HOLD_WAREHOUSE = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('holding', flush=True); time.sleep(120)"
)
