import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from zicht.extracts import land_inbox, raw_load
from zicht.extracts.regions import RegionList
from zicht.extracts.schemas import SCHEMAS
from zicht.landing import read_manifest, sha256_file

from .conftest import drop, make_settings

KVK_CSV = "kvk_vestigingen_2025.csv"


def _query(settings, sql):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _content(settings, table):
    """Table content without the per-run ingest ids, sorted, for comparing runs."""
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        frame = con.execute(f"SELECT * EXCLUDE (ingest_id) FROM raw.{table}").df()
    finally:
        con.close()
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, extracts_dir, regions):
    """Every generated demo extract landed once into a fresh data folder."""
    settings = make_settings(tmp_path_factory.mktemp("loaded") / "data")
    drop(settings, "kvk", *sorted(extracts_dir.glob("kvk_*")))
    drop(settings, "om", *sorted(extracts_dir.glob("om_*")))
    drop(settings, "herindeling", *sorted(extracts_dir.glob("herindeling_*")))
    outcomes = [o for source in SCHEMAS for o in land_inbox(source, settings, regions=regions)]
    return settings, outcomes


def test_everything_generated_loads(loaded, extracts_dir):
    settings, outcomes = loaded
    assert {o.outcome for o in outcomes} == {"loaded"}, [o.reason for o in outcomes]
    truth = json.loads((extracts_dir / "extracts_ground_truth.json").read_text(encoding="utf-8"))
    by_file = {o.file: o.rows for o in outcomes}
    assert by_file[KVK_CSV] == truth["rows"]["kvk_vestigingen"]
    for year, count in truth["rows"]["om_zaken"].items():
        assert by_file[f"om_zaken_{year}.csv"] == count
    herindeling = [name for name in by_file if name.startswith("herindeling_")]
    assert len(herindeling) == 1 and by_file[herindeling[0]] > 0
    assert _query(settings, "SELECT count(*) FROM raw.om_zaken")[0][0] == sum(
        truth["rows"]["om_zaken"].values()
    )
    assert not any(list((settings.data_dir / "inbox" / s).iterdir()) for s in SCHEMAS)


def test_raw_tables_follow_the_declaration(loaded):
    settings, _ = loaded
    for schema in SCHEMAS.values():
        described = _query(settings, f"DESCRIBE raw.{schema.raw_table}")
        columns = [(name, kind) for name, kind, *_ in described]
        expected = [(c.name, c.duckdb_type) for c in schema.columns] + list(raw_load.LINEAGE_COLUMNS)
        assert columns == expected


def test_values_are_typed_and_traceable(loaded, extracts_dir):
    settings, _ = loaded
    row = _query(
        settings,
        "SELECT datum, bedrag_eur, source_row FROM raw.om_zaken "
        "WHERE source_file = 'om_zaken_2021.csv' AND bedrag_eur IS NOT NULL "
        "AND bedrag_eur <> round(bedrag_eur) ORDER BY source_row LIMIT 1",
    )[0]
    datum, amount, source_row = row
    line = (extracts_dir / "om_zaken_2021.csv").read_text(encoding="cp1252").splitlines()[source_row - 1]
    assert datum.strftime("%d-%m-%Y") in line
    assert line.endswith(f"{amount:.2f}".replace(".", ","))  # the decimal comma was read as one
    xlsx_rows = _query(
        settings,
        "SELECT count(*), min(registratiedatum) IS NOT NULL FROM raw.kvk_vestigingen"
        " WHERE source_file LIKE '%.xlsx'",
    )[0]
    assert xlsx_rows[0] > 10 and xlsx_rows[1]


def test_manifest_and_its_mirror(loaded):
    settings, outcomes = loaded
    records = [r for r in read_manifest(settings.landing_dir) if r["source"] in SCHEMAS]
    assert sorted(r["file"] for r in records) == sorted(o.file for o in outcomes)
    for record in records:
        assert {"source", "file", "checksum", "size", "rows", "arrival", "outcome", "reason"} <= set(record)
        assert sha256_file(Path(record["landing_path"])) == record["checksum"]
    mirror = _query(settings, "SELECT file, checksum, rows, outcome FROM raw.extract_manifest ORDER BY file")
    assert mirror == sorted((r["file"], r["checksum"], r["rows"], r["outcome"]) for r in records)
    ingest_ids = {i for (i,) in _query(settings, "SELECT DISTINCT ingest_id FROM raw.kvk_vestigingen")}
    assert ingest_ids == {o.ingest_id for o in outcomes if o.source == "kvk"}


def test_the_same_file_again_is_a_duplicate(loaded, extracts_dir):
    settings, _ = loaded
    before = _query(settings, "SELECT count(*) FROM raw.om_zaken")[0][0]
    (copy,) = drop(settings, "om", extracts_dir / "om_zaken_2022.csv")
    copy.rename(copy.with_name("om_zaken_2022_resent.csv"))
    (outcome,) = land_inbox("om", settings)
    assert outcome.outcome == "duplicate" and "already loaded" in outcome.reason
    assert _query(settings, "SELECT count(*) FROM raw.om_zaken")[0][0] == before
    assert read_manifest(settings.landing_dir)[-1]["outcome"] == "duplicate"
    assert not copy.with_name("om_zaken_2022_resent.csv").exists()


def test_region_list_from_the_warehouse(tmp_path, synthetic_dir):
    warehouse = tmp_path / "zicht.duckdb"
    frames = []
    for year in (2022, 2023):
        kern = pd.read_parquet(synthetic_dir / f"kerncijfers_{year}.parquet", columns=["code", "soort"])
        # As CBS delivers them: padded codes and types, period as text.
        frames.append(
            pd.DataFrame(
                {
                    "WijkenEnBuurten": kern["code"].str.ljust(10),
                    "SoortRegio": kern["soort"].str.ljust(10),
                    "period": str(year),
                }
            )
        )
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA raw")
    con.register("frame", pd.concat(frames))
    con.execute("CREATE TABLE raw.cbs_kerncijfers_wijken_buurten AS SELECT * FROM frame")
    con.close()
    regions = RegionList.from_warehouse(warehouse)
    assert sorted(regions.codes) == [2022, 2023]
    expected = RegionList.from_synthetic(synthetic_dir)
    assert regions.codes_for(2023, "buurt") == expected.codes_for(2023, "buurt")
    assert RegionList.from_warehouse(tmp_path / "absent.duckdb") is None


def test_files_still_being_written_are_left_alone(settings, regions, tmp_path):
    inbox = settings.data_dir / "inbox" / "om"
    inbox.mkdir(parents=True)
    (inbox / "om_zaken_2025.csv.part").write_bytes(b"zaak_id;")
    assert land_inbox("om", settings, regions=regions) == []
    assert (inbox / "om_zaken_2025.csv.part").exists()


# --- interrupted loads ----------------------------------------------------------------------------


def _small_om(extracts_dir, tmp_path, name, first, count):
    lines = (extracts_dir / "om_zaken_2024.csv").read_bytes().splitlines(keepends=True)
    path = tmp_path / name
    path.write_bytes(lines[0] + b"".join(lines[first : first + count]))
    return path


def test_failure_inside_the_transaction_leaves_nothing(
    extracts_dir, settings, regions, tmp_path, monkeypatch
):
    first = _small_om(extracts_dir, tmp_path, "first.csv", 1, 500)
    second = _small_om(extracts_dir, tmp_path, "second.csv", 501, 700)
    drop(settings, "om", first)
    land_inbox("om", settings, regions=regions)
    before = _content(settings, "om_zaken")

    def broken_mirror(con, records):
        raise RuntimeError("disk full while writing the manifest mirror")

    drop(settings, "om", second)
    monkeypatch.setattr(raw_load, "_replace_manifest_mirror", broken_mirror)
    (outcome,) = land_inbox("om", settings, regions=regions)
    assert outcome.outcome == "failed" and "rolled back" in outcome.reason
    pd.testing.assert_frame_equal(_content(settings, "om_zaken"), before)  # earlier load intact, no partials
    assert (settings.data_dir / "inbox" / "om" / "second.csv").exists()  # kept for the next run

    monkeypatch.undo()
    (again,) = land_inbox("om", settings, regions=regions)
    assert again.outcome == "loaded" and again.rows == 700
    assert _query(settings, "SELECT count(*) FROM raw.om_zaken")[0][0] == 1200


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from zicht.extracts import land_inbox, raw_load
    from zicht.extracts.regions import RegionList
    from zicht.settings import Settings

    original = raw_load._replace_manifest_mirror
    def die_midway(con, records):
        original(con, records)
        os.kill(os.getpid(), signal.SIGKILL)  # rows inserted, transaction not committed
    raw_load._replace_manifest_mirror = die_midway
    settings = Settings(data_dir=__import__("pathlib").Path(sys.argv[1]), scale="demo", seed=0,
                        cbs_host="unused", cbs_https=False)
    land_inbox("kvk", settings, regions=RegionList.from_synthetic(sys.argv[2]))
""")


def test_killed_load_leaves_no_rows_and_rerun_equals_uninterrupted(
    extracts_dir, synthetic_dir, regions, tmp_path
):
    lines = (extracts_dir / KVK_CSV).read_bytes().splitlines(keepends=True)
    small = tmp_path / "kvk_small.csv"
    small.write_bytes(b"".join(lines[:3001]))

    calm = make_settings(tmp_path / "calm")
    drop(calm, "kvk", small)
    land_inbox("kvk", calm, regions=regions)

    killed = make_settings(tmp_path / "killed")
    drop(killed, "kvk", small)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    process = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(killed.data_dir), str(synthetic_dir)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert process.returncode == -9, process.stderr
    has_rows = _query(
        killed, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'kvk_vestigingen'"
    )
    assert has_rows[0][0] == 0 or _query(killed, "SELECT count(*) FROM raw.kvk_vestigingen")[0][0] == 0
    assert (killed.data_dir / "inbox" / "kvk" / "kvk_small.csv").exists()

    (outcome,) = land_inbox("kvk", killed, regions=regions)
    assert outcome.outcome == "loaded" and outcome.rows == 3000
    pd.testing.assert_frame_equal(_content(killed, "kvk_vestigingen"), _content(calm, "kvk_vestigingen"))


def test_pending_files_summary_and_raise_for_rejections(extracts_dir, settings, regions, tmp_path):
    from zicht.extracts.inbox import FilesNotLoaded, pending_files, raise_for_rejections

    (tmp_path / "empty.csv").write_bytes(b"")
    drop(settings, "om", extracts_dir / "om_zaken_2025.csv", tmp_path / "empty.csv")
    assert [p.name for p in pending_files("om", settings)] == ["empty.csv", "om_zaken_2025.csv"]
    outcomes = land_inbox("om", settings, regions=regions)
    assert pending_files("om", settings) == []
    summaries = [o.summary() for o in outcomes]
    assert json.loads(json.dumps(summaries)) == summaries
    raise_for_rejections([s for s in summaries if s["outcome"] == "loaded"])
    with pytest.raises(FilesNotLoaded, match=r"om/empty.csv: rejected: empty.csv: rule empty_file"):
        raise_for_rejections(summaries)
