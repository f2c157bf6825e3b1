"""A file that breaks a rule is rejected with the file, line, column and rule; it stays landed and a
copy waits in quarantine; the warehouse keeps its last good load."""

import json

import pytest

from tests.statline.conftest import FAST, GEBIEDEN, KERN, query, raw_tables
from zicht import landing
from zicht.cbs import ingest_cbs_tables
from zicht.cbs.catalog import table_by_id
from zicht.odata.shape import build_table
from zicht.statline import StatlineFileError, TableShape, land_statline_file, read_statline_file


@pytest.fixture(scope="module")
def shape(synthetic_dir) -> TableShape:
    table = build_table(synthetic_dir, table_by_id(KERN)).entity_sets
    regions = {"WijkenEnBuurten": table["WijkenEnBuurten"]}
    return TableShape(KERN, table["DataProperties"], regions, "WijkenEnBuurten", region_code_topic="Codering")


def edited(kern_csv, tmp_path, edit) -> tuple:
    """A copy of the download with its text lines changed by `edit` (BOM and line ends kept)."""
    lines = kern_csv.read_bytes().decode("utf-8").split("\r\n")
    edit(lines)
    path = tmp_path / kern_csv.name
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    return path


def rejected(settings, path, rule: str, table_id: str | None = None) -> StatlineFileError:
    with pytest.raises(StatlineFileError) as caught:
        land_statline_file(path, table_id=table_id, settings=settings, options=FAST)
    error = caught.value
    assert error.rule == rule and error.file_name == path.name
    (record,) = [r for r in landing.read_manifest(settings.landing_dir) if r["source"] == "statline"]
    assert record["outcome"] == "rejected" and record["rule"] == rule and record["error"] == str(error)
    assert record["checksum"] == landing.sha256_file(path)
    assert (settings.landing_dir / record["landing_path"]).read_bytes() == path.read_bytes()
    quarantined = error.quarantined
    assert quarantined.parent == settings.data_dir / "quarantine" / "statline"
    assert quarantined.read_bytes() == path.read_bytes()
    reason = json.loads(quarantined.with_name(quarantined.name + ".reason.json").read_text())
    assert reason["rule"] == rule and reason["line"] == error.line and reason["reason"] == str(error)
    return error


def test_unknown_column_title_names_the_table(settings, kern_csv, tmp_path):
    old = '"Oppervlakte/Oppervlakte land (ha)"'
    path = edited(
        kern_csv,
        tmp_path,
        lambda lines: lines.__setitem__(0, lines[0].replace(old, '"Oppervlakte land (km²)"')),
    )
    error = rejected(settings, path, "column_title_known")
    assert error.column == "Oppervlakte land (km²)" and error.line == 1
    assert str(error).startswith(
        f"{path.name}, line 1, column 'Oppervlakte land (km²)': rule column_title_known:"
        f" heading 'Oppervlakte land (km²)' is not (or no longer) a heading of table {KERN} ("
    )
    assert "did you mean 'Oppervlakte/Oppervlakte land (ha)'" in str(error)  # what it would have accepted
    assert f"cbs__{KERN.lower()}" not in raw_tables(settings)


def test_headings_of_another_table_are_refused_by_name(settings, kern_csv):
    error = rejected(settings, kern_csv, "header_fits_table", table_id=GEBIEDEN)
    assert f"table {GEBIEDEN} (Gebieden in Nederland 2022)" in str(error)
    assert "is this a download of another table?" in str(error)


def test_a_missing_dimension_column(settings, kern_csv, tmp_path):
    def drop_first_column(lines):
        for index, line in enumerate(lines):
            if line:
                lines[index] = line.split(";", 1)[1]

    error = rejected(settings, edited(kern_csv, tmp_path, drop_first_column), "dimension_present")
    assert error.column == "Wijken en buurten"


def test_truncated_row_names_its_line(settings, kern_csv, tmp_path):
    def truncate_line_7(lines):
        lines[6] = lines[6].rsplit(";", 3)[0]  # line 7 of the file: header is line 1

    error = rejected(settings, edited(kern_csv, tmp_path, truncate_line_7), "field_count")
    assert error.line == 7
    assert str(error) == f"{kern_csv.name}, line 7: rule field_count: 24 field(s), the header has 27"


def bad_number_on_line(line: int):
    def edit(lines):
        fields = lines[line - 1].split(";")
        fields[5] = '"12a"'  # Bevolking/Aantal inwoners (aantal)
        lines[line - 1] = ";".join(fields)

    return edit


def test_bad_number_names_line_and_column(kern_csv, tmp_path, shape):
    with pytest.raises(StatlineFileError) as caught:
        read_statline_file(edited(kern_csv, tmp_path, bad_number_on_line(4)), shape)
    assert caught.value.rule == "number_format" and caught.value.line == 4
    assert caught.value.column == "Bevolking/Aantal inwoners (aantal)"
    assert "'12a' is not a whole number" in str(caught.value)


def test_an_unknown_code_names_its_line(settings, kern_csv, tmp_path):
    def edit(lines):
        lines[9] = lines[9].replace(lines[9].split(";")[3], '"BU99999999"')  # Regioaanduiding/Codering

    error = rejected(settings, edited(kern_csv, tmp_path, edit), "category_known")
    assert error.line == 10 and "line 10 'BU99999999'" in str(error)


def test_the_same_cell_twice(settings, kern_csv, tmp_path):
    error = rejected(
        settings, edited(kern_csv, tmp_path, lambda lines: lines.insert(8, lines[3])), "duplicate_row"
    )
    assert error.line == 9 and "the same categories as line 4" in str(error)


def test_a_rejected_file_leaves_the_api_table_alone(settings, kern_csv, tmp_path):
    ingest_cbs_tables([KERN], settings=settings, options=FAST)
    error = rejected(settings, edited(kern_csv, tmp_path, bad_number_on_line(400)), "number_format")
    assert error.line == 400
    loads = query(settings, f"SELECT DISTINCT ingest_id FROM raw.cbs__{KERN.lower()}").ingest_id.tolist()
    assert len(loads) == 1 and loads[0].startswith("cbs-")
    assert query(settings, "SELECT outcome FROM raw.landing_manifest").outcome.tolist() == ["success"]


def test_not_utf8(kern_csv, tmp_path, shape):
    path = tmp_path / kern_csv.name
    path.write_bytes(kern_csv.read_bytes().replace("km²".encode(), "km²".encode("latin-1")))
    with pytest.raises(StatlineFileError) as caught:
        read_statline_file(path, shape)
    assert caught.value.rule == "utf8" and caught.value.line == 1


def test_broken_quoting_names_its_line(kern_csv, tmp_path, shape):
    path = edited(kern_csv, tmp_path, lambda lines: lines.__setitem__(4, lines[4].replace('";"', '"x;"', 1)))
    with pytest.raises(StatlineFileError) as caught:
        read_statline_file(path, shape)
    assert caught.value.rule == "csv_syntax" and caught.value.line == 5


def test_empty_file(tmp_path, shape):
    path = tmp_path / f"{KERN}.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(StatlineFileError, match=rf"^{KERN}.csv, line 1: rule header_present"):
        read_statline_file(path, shape)


@pytest.mark.parametrize(
    ("first_line", "rule"),
    [
        ('"Districts and neighbourhoods","Regional designation (code)"', "delimiter"),
        ('"Kerncijfers wijken en buurten 2024"', "header_layout"),
    ],
    ids=["comma-separated", "table-layout-with-title-line"],
)
def test_other_files_are_refused_by_name(tmp_path, shape, first_line, rule):
    path = tmp_path / f"{KERN}.csv"
    path.write_text(f'\ufeff{first_line}\r\n"Nederland","."\r\n', encoding="utf-8")
    with pytest.raises(StatlineFileError) as caught:
        read_statline_file(path, shape)
    assert caught.value.rule == rule and caught.value.line == 1
