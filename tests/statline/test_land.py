import shutil

import pandas as pd
import pytest

from tests.statline.conftest import FAST, GEBIEDEN, KERN, query, settings_for
from zicht import landing
from zicht.cbs import ingest_cbs_tables
from zicht.statline import StatlineFileError, land_statline_file, table_id_from_file_name, write_statline_csv


def test_original_bytes_land_unchanged_and_the_manifest_records_the_load(settings, kern_csv):
    original = kern_csv.read_bytes()
    result = land_statline_file(kern_csv, settings=settings, options=FAST)

    assert result.landing_path.parent.parent == settings.landing_dir / "statline" / KERN
    assert result.landing_path.name == kern_csv.name
    assert result.landing_path.read_bytes() == original and kern_csv.read_bytes() == original
    assert landing.sha256_file(result.landing_path) == result.checksum == landing.sha256_file(kern_csv)
    (record,) = landing.read_manifest(settings.landing_dir)
    assert record["source"] == "statline" and record["file"] == kern_csv.name
    assert record["checksum"] == result.checksum and record["size"] == len(original)
    assert record["rows"] == record["row_count"] == result.row_count == 550
    assert record["table_id"] == KERN and record["period"] == "2024" and record["outcome"] == "loaded"
    assert record["landing_path"] == str(result.landing_path.relative_to(settings.landing_dir))
    assert record["error"] is None and record["ingest_id"] == result.ingest_id


@pytest.mark.parametrize("decimal_comma", [False, True])
def test_with_or_without_bom_and_either_decimal_mark(
    settings, kern_csv, synthetic_dir, tmp_path, decimal_comma
):
    written = write_statline_csv(KERN, synthetic_dir, tmp_path / "written.csv", decimal_comma=decimal_comma)
    no_bom = tmp_path / f"{KERN}.csv"
    no_bom.write_bytes(written.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    assert not no_bom.read_bytes().startswith(b"\xef\xbb\xbf")

    land_statline_file(kern_csv, settings=settings, options=FAST)
    with_bom = query(settings, f"SELECT * EXCLUDE (ingest_id) FROM raw.cbs__{KERN.lower()}")
    land_statline_file(no_bom, settings=settings, options=FAST)
    without = query(settings, f"SELECT * EXCLUDE (ingest_id) FROM raw.cbs__{KERN.lower()}")

    pd.testing.assert_frame_equal(without, with_bom)
    assert without["GemiddeldeHuishoudensgrootte"].notna().sum() > 500
    assert without.columns[0] == "WijkenEnBuurten" and without.loc[0, "WijkenEnBuurten_raw"] == "NL00      "


def test_repeated_titles_map_in_order(tmp_path, settings, synthetic_dir):
    """Gebieden in Nederland heads two columns `Code (code)`: each maps to its own topic."""
    api_settings = settings_for(tmp_path / "api", settings.cbs_host)
    ingest_cbs_tables([GEBIEDEN], settings=api_settings, options=FAST)
    csv_path = write_statline_csv(GEBIEDEN, synthetic_dir, tmp_path / f"{GEBIEDEN}.csv")
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.count('"Code (code)"') == 3

    land_statline_file(csv_path, settings=settings, options=FAST)

    statline = query(
        settings, f"SELECT * EXCLUDE (ingest_id) FROM raw.cbs__{GEBIEDEN.lower()} ORDER BY RegioS"
    )
    api = query(
        api_settings, f"SELECT * EXCLUDE (ingest_id, ID) FROM raw.cbs__{GEBIEDEN.lower()} ORDER BY RegioS"
    )
    pd.testing.assert_frame_equal(statline, api)
    assert statline["Provincies_Code"].str.fullmatch(r"PV\d\d").all()


def test_table_id_from_file_name():
    assert table_id_from_file_name("85984NED_TypedDataSet_22072025_143012.csv") == "85984NED"
    assert table_id_from_file_name("85984ned.csv") == "85984NED"
    assert table_id_from_file_name("kerncijfers 2024.csv") is None
    assert table_id_from_file_name("85984NED.xlsx") is None


def test_table_id_argument_for_a_renamed_file(settings, kern_csv, tmp_path):
    renamed = tmp_path / "kerncijfers 2024.csv"
    shutil.copyfile(kern_csv, renamed)
    result = land_statline_file(renamed, table_id="85984ned", settings=settings, options=FAST)
    assert result.table_id == KERN and result.row_count == 550


@pytest.mark.parametrize(
    ("name", "table_id", "says"),
    [
        ("kerncijfers 2024.csv", None, "none in the file name"),
        ("12345NED_TypedDataSet_01012025_000000.csv", None, "'12345NED' is not in the catalog"),
        (f"{KERN}.csv", "99999XXX", "'99999XXX' is not in the catalog"),
    ],
)
def test_unknown_table_id_is_rejected_and_still_landed(settings, kern_csv, tmp_path, name, table_id, says):
    path = tmp_path / name
    shutil.copyfile(kern_csv, path)
    with pytest.raises(StatlineFileError) as caught:
        land_statline_file(path, table_id=table_id, settings=settings, options=FAST)
    assert caught.value.rule == "table_id_known" and str(caught.value).startswith(
        f"{name}: rule table_id_known"
    )
    assert says in str(caught.value)
    (record,) = landing.read_manifest(settings.landing_dir)
    assert record["outcome"] == "rejected" and record["rule"] == "table_id_known"
    landed = settings.landing_dir / record["landing_path"]
    assert landed.read_bytes() == path.read_bytes()
    assert not settings.warehouse_path.exists()
