import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from tests.statline.conftest import FAST, GEBIEDEN, KERN, KERN_FILE, query, settings_for
from zicht import landing
from zicht.cbs import ingest_cbs_tables
from zicht.statline import StatlineFileError, land_statline_file, table_id_from_file_name
from zicht.statline.identify import catalog_tables
from zicht.synth.statline_export import write_statline_csv


def test_original_bytes_land_unchanged_and_the_manifest_records_the_load(settings, kern_csv):
    original = kern_csv.read_bytes()
    (result,) = land_statline_file(kern_csv, settings=settings, options=FAST)

    assert result.landing_path.parent.parent == settings.landing_dir / "statline" / KERN
    assert result.landing_path.name == kern_csv.name == KERN_FILE
    assert result.landing_path.read_bytes() == original and kern_csv.read_bytes() == original
    assert landing.sha256_file(result.landing_path) == result.checksum == landing.sha256_file(kern_csv)
    (record,) = landing.read_manifest(settings.landing_dir)
    assert record["source"] == "statline" and record["file"] == kern_csv.name
    assert record["checksum"] == result.checksum and record["size"] == len(original)
    assert record["rows"] == record["row_count"] == result.row_count == 550
    assert record["table_id"] == KERN and record["period"] == "2024" and record["outcome"] == "loaded"
    assert record["landing_path"] == str(result.landing_path.relative_to(settings.landing_dir))
    assert record["error"] is None and record["ingest_id"] == result.ingest_id
    assert record["absent_topics"] == [] and result.summary()["absent_topics"] == []


@pytest.mark.parametrize(
    ("variant", "decimal_comma", "line_end"),
    [("symbols", True, "\n"), ("plain", True, "\r\n"), ("plain", False, "\n")],
    ids=["symbols-comma-lf", "plain-comma-crlf", "plain-point-lf"],
)
def test_either_variant_bom_line_end_and_decimal_mark(
    settings, kern_csv, synthetic_dir, tmp_path, variant, decimal_comma, line_end
):
    written = write_statline_csv(
        KERN,
        synthetic_dir,
        tmp_path / "w.csv",
        variant=variant,
        decimal_comma=decimal_comma,
        line_end=line_end,
    )
    no_bom = tmp_path / f"{KERN}.csv"
    no_bom.write_bytes(written.read_bytes().removeprefix(b"\xef\xbb\xbf"))

    land_statline_file(kern_csv, settings=settings, options=FAST)
    columns = f"* EXCLUDE (ingest_id, cell_symbols) FROM raw.cbs__{KERN.lower()}"
    symbols_file = query(settings, f"SELECT {columns}")
    land_statline_file(no_bom, settings=settings, options=FAST)
    other = query(settings, f"SELECT {columns}")

    pd.testing.assert_frame_equal(other, symbols_file)
    assert other["GemiddeldeHuishoudensgrootte"].notna().sum() > 500
    assert other.columns[0] == "WijkenEnBuurten" and other.loc[0, "WijkenEnBuurten_raw"] == "NL00      "
    # `.` in the symbols file, blank in the plain one: both NULL, the symbol kept apart.
    symbol = "." if variant == "symbols" else ""
    woz = query(
        settings,
        f"SELECT count(*) AS n FROM raw.cbs__{KERN.lower()} WHERE GemiddeldeWOZWaardeVanWoningen IS NULL"
        f" AND cell_symbols['GemiddeldeWOZWaardeVanWoningen'] = '{symbol}'",
    )
    assert woz.n[0] == symbols_file["GemiddeldeWOZWaardeVanWoningen"].isna().sum() > 0


def test_headings_with_the_same_title_map_through_their_group_path(tmp_path, settings, synthetic_dir):
    """Gebieden in Nederland has three topics titled `Code`: their group paths tell them apart."""
    api_settings = settings_for(tmp_path / "api", settings.cbs_host)
    ingest_cbs_tables([GEBIEDEN], settings=api_settings, options=FAST)
    csv_path = write_statline_csv(GEBIEDEN, synthetic_dir, tmp_path)
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert (
        header.count("/Code (code)") == 3
        and '"Lokaliseringen van gemeenten/Provincies/Code (code)"' in header
    )

    land_statline_file(csv_path, settings=settings, options=FAST)

    table = f"raw.cbs__{GEBIEDEN.lower()}"
    statline = query(settings, f"SELECT * EXCLUDE (ingest_id, cell_symbols) FROM {table} ORDER BY RegioS")
    api = query(api_settings, f"SELECT * EXCLUDE (ingest_id, ID) FROM {table} ORDER BY RegioS")
    pd.testing.assert_frame_equal(statline, api)
    assert statline["Provincies_Code"].str.fullmatch(r"PV\d\d").all()


def test_table_id_from_file_name():
    assert table_id_from_file_name("85984NED_TypedDataSet_22072025_143012.csv") == "85984NED"
    assert table_id_from_file_name("85984ned.csv") == "85984NED"
    assert table_id_from_file_name("kerncijfers 2024.csv") is None
    assert table_id_from_file_name("85984NED.xlsx") is None


def test_the_table_from_statline_s_own_file_name():
    assert [t.table_id for t in catalog_tables(KERN_FILE)] == [KERN]
    assert [t.table_id for t in catalog_tables("kerncijfers_WIJKEN_en_buurten_2021_01012026_000000.csv")] == [
        "85039NED"
    ]
    suspects = catalog_tables("Verdachten__delictgroep__leeftijd__woongemeente_11122025_141648.csv")
    assert [t.period for t in suspects] == ["2021JJ00", "2022JJ00", "2023JJ00", "2024JJ00", "2025JJ00"]
    assert [t.label for t in catalog_tables("anything.csv", "85655NED:2023JJ00")] == ["85655NED:2023JJ00"]


def test_table_id_argument_for_a_renamed_file(settings, kern_csv, tmp_path):
    renamed = tmp_path / "kerncijfers 2024.csv"
    shutil.copyfile(kern_csv, renamed)
    (result,) = land_statline_file(renamed, table_id="85984ned", settings=settings, options=FAST)
    assert result.table_id == KERN and result.row_count == 550


@pytest.mark.parametrize(
    ("name", "table_id", "says"),
    [
        ("kerncijfers 2024.csv", None, "none in the file name"),
        ("12345NED_TypedDataSet_01012025_000000.csv", None, "'12345NED' is not in the catalog"),
        (f"{KERN}.csv", "99999XXX", "'99999XXX' is not in the catalog"),
        ("Onbekende_tabel_2024_03122026_120000.csv", None, "no table in the catalog has the title"),
    ],
)
def test_unknown_table_is_rejected_and_still_landed(settings, kern_csv, tmp_path, name, table_id, says):
    path = tmp_path / name
    shutil.copyfile(kern_csv, path)
    with pytest.raises(StatlineFileError) as caught:
        land_statline_file(path, table_id=table_id, settings=settings, options=FAST)
    assert caught.value.rule == "table_id_known" and str(caught.value).startswith(
        f"{name}: rule table_id_known"
    )
    assert says in str(caught.value)
    assert ("docs/cbs_tables.md" in str(caught.value)) == ("not in the catalog" in says or "title" in says)
    (record,) = landing.read_manifest(settings.landing_dir)
    assert record["outcome"] == "rejected" and record["rule"] == "table_id_known"
    landed = settings.landing_dir / record["landing_path"]
    assert landed.read_bytes() == path.read_bytes()
    quarantined = settings.data_dir / record["quarantine_path"]
    assert quarantined.read_bytes() == path.read_bytes()
    reason = json.loads(quarantined.with_name(quarantined.name + ".reason.json").read_text())
    assert reason["rule"] == "table_id_known" and reason["landing_path"] == record["landing_path"]
    assert not settings.warehouse_path.exists()


def test_reading_a_download_needs_neither_the_generator_nor_the_fake_server():
    code = (
        "import sys, zicht.statline, zicht.statline.inbox; "
        "print(sorted(m for m in sys.modules if m.startswith(('zicht.synth', 'zicht.odata'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
