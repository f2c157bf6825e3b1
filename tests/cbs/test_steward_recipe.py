"""docs/cbs_tables.md, step by step: a steward adds a year of Kerncijfers to (a copy of) the catalog,
lands it from the API and from a StatLine download, and sees it in the raw table and in staging."""

import shutil

import duckdb
import pandas as pd
import pytest

from tests.staging_sql import staging_rows
from zicht import cli
from zicht.cbs.catalog import CATALOG_PATH, load_catalog
from zicht.odata import serve
from zicht.synth.statline_export import write_statline_csv

NEW_ID = "86399NED"
NEW_LINE = (
    '      - {year: 2026, table_id: 86399NED, title: "Kerncijfers wijken en buurten 2026", assumed: true}\n'
)
AFTER = "table_id: 86165NED"  # the line of the newest Kerncijfers year


@pytest.fixture
def steward_catalog(tmp_path, monkeypatch):
    """Step 1: the new year, one line under its family, in a copy pointed at by ZICHT_CBS_CATALOG."""
    lines = CATALOG_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if AFTER in line) + 1
    path = tmp_path / "catalog.yml"
    path.write_text("".join([*lines[:at], NEW_LINE, *lines[at:]]), encoding="utf-8")
    monkeypatch.setenv("ZICHT_CBS_CATALOG", str(path))
    return path


@pytest.fixture
def cbs_publishes_2026(tmp_path, synthetic_dir):
    """Outside the recipe: the local CBS server needs the table's data, here a copy of 2025's."""
    folder = shutil.copytree(synthetic_dir, tmp_path / "synthetic")
    shutil.copyfile(folder / "kerncijfers_2025.parquet", folder / "kerncijfers_2026.parquet")
    return folder


def warehouse_query(data_dir, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(data_dir / "warehouse" / "zicht.duckdb"), read_only=True) as con:
        return con.sql(sql).df()


def test_the_recipe(steward_catalog, cbs_publishes_2026, tmp_path, monkeypatch, capsys):
    entry = next(t for t in load_catalog() if t.table_id == NEW_ID)
    assert (entry.family, entry.year, entry.region_code_topic) == (
        "kerncijfers_wijken_buurten",
        2026,
        "Codering",
    )
    data_dir = tmp_path / "data"
    monkeypatch.setenv("ZICHT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("ZICHT_CBS_HTTPS", "false")

    with serve(cbs_publishes_2026) as server:  # serves every catalog table it has data for
        monkeypatch.setenv("ZICHT_CBS_HOST", server.catalog_url)
        # Step 2, from the API.
        assert cli.main(["ingest-cbs", NEW_ID]) == 0, capsys.readouterr().err
        from_api = warehouse_query(
            data_dir, f"SELECT * EXCLUDE (ID, ingest_id) FROM raw.cbs__{NEW_ID.lower()}"
        )
        assert (
            len(from_api) == 550 and set(from_api.period) == {"2026"} and set(from_api.table_id) == {NEW_ID}
        )
        api_staging = staging_rows(
            data_dir / "warehouse" / "zicht.duckdb", "stg_cbs__kerncijfers_wijken_buurten"
        )

        # Step 2, from a StatLine download named as StatLine names it.
        download = write_statline_csv(NEW_ID, cbs_publishes_2026, tmp_path)
        assert download.name == "Kerncijfers_wijken_en_buurten_2026_03122026_120000.csv"
        assert cli.main(["land-statline", str(download)]) == 0, capsys.readouterr().err

    loaded = warehouse_query(data_dir, f"SELECT DISTINCT ingest_id FROM raw.cbs__{NEW_ID.lower()}")
    assert loaded.ingest_id.str.startswith(f"statline-{NEW_ID}-").all()
    from_download = warehouse_query(
        data_dir, f"SELECT * EXCLUDE (ingest_id, cell_symbols) FROM raw.cbs__{NEW_ID.lower()}"
    )
    pd.testing.assert_frame_equal(from_download, from_api)
    # Step 3: the family view and staging have the new year, the same by either route.
    staged = staging_rows(data_dir / "warehouse" / "zicht.duckdb", "stg_cbs__kerncijfers_wijken_buurten")
    assert set(staged.period_year) == {2026} and len(staged) == 550 and staged.region_name.notna().all()
    pd.testing.assert_frame_equal(staged, api_staging)
