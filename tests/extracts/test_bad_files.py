"""Every kind of bad file is quarantined with the rule it breaks and the row where a person finds it."""

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from zicht.extracts import land_inbox
from zicht.landing import read_manifest

from .conftest import drop, head_lines


def _rows(extracts_dir: Path, source: str) -> tuple[list[list[str]], str, str]:
    if source == "kvk":
        lines, sep, encoding = head_lines(extracts_dir / "kvk_vestigingen_2025.csv", 3, "utf-8"), ";", "utf-8"
    else:
        lines, sep, encoding = head_lines(extracts_dir / "om_zaken_2024.csv", 3, "cp1252"), ";", "cp1252"
    return [next(csv.reader([line], delimiter=sep)) for line in lines], sep, encoding


def _write(rows: list[list[str]], sep: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _set(column: str, row: int, value: str) -> Callable[[list[list[str]]], None]:
    """Set `column` of data row `row` (1 = first data row, so file row row+1)."""

    def change(rows: list[list[str]]) -> None:
        rows[row][rows[0].index(column)] = value

    return change


def _drop_column(column: str):
    def change(rows):
        index = rows[0].index(column)
        for row in rows:
            del row[index]

    return change


def _add_column(rows):
    for row in rows:
        row.append("extra" if row is rows[0] else "x")


def _duplicate_first(rows):
    rows.append(list(rows[1]))


def _header_only(rows):
    del rows[1:]


# (id, source, change rows | None, raw bytes transform | None, rule, file row or None)
CASES = [
    ("missing_column", "kvk", _drop_column("sbi_code"), None, "missing_column", 1),
    ("extra_column", "om", _add_column, None, "extra_column", 1),
    ("header_only", "kvk", _header_only, None, "no_rows", None),
    ("duplicate_key", "kvk", _duplicate_first, None, "duplicate_key", 5),
    ("unparseable_date", "om", _set("datum", 2, "31-02-2024"), None, "date", 3),
    ("iso_date_in_om", "om", _set("datum", 1, "2024-03-01"), None, "date", 2),
    ("unpadded_date", "om", _set("datum", 1, "1-3-2024"), None, "date", 2),
    ("unknown_buurt", "kvk", _set("buurt_code", 3, "BU99999999"), None, "region_code", 4),
    ("unknown_gemeente", "om", _set("pleeggemeente", 1, "GM9998"), None, "region_code", 2),
    ("invalid_sbi_division", "kvk", _set("sbi_code", 2, "04123"), None, "sbi_code", 3),
    ("sbi_too_long", "kvk", _set("sbi_code", 1, "962101"), None, "pattern", 2),
    ("not_allowed_afdoening", "om", _set("afdoening", 3, "vrijspraak"), None, "allowed_values", 4),
    ("negative_count", "kvk", _set("werkzame_personen", 2, "-3"), None, "minimum", 3),
    ("non_numeric_count", "kvk", _set("werkzame_personen", 1, "drie"), None, "integer", 2),
    ("non_numeric_amount", "om", _set("bedrag_eur", 1, "veel"), None, "decimal", 2),
    ("decimal_point_in_comma_dialect", "om", _set("bedrag_eur", 2, "1.250,00"), None, "decimal", 3),
    ("required_empty", "kvk", _set("postcode", 1, ""), None, "required", 2),
    ("end_before_start", "kvk", _set("einddatum", 1, "1900-01-01"), None, "date_order", 2),
    ("year_not_of_date", "om", _set("jaar", 1, "2023"), None, "year_mismatch", 2),
    ("truncated_last_line", "kvk", None, lambda b: b[: b.rstrip(b"\n").rfind(b";") - 3], "field_count", 4),
    ("bad_delimiter_tab", "kvk", None, lambda b: b.replace(b";", b"\t"), "delimiter", 1),
    # A Windows-1252 byte (é) in a `,` file: that dialect is UTF-8 only.
    (
        "om_comma_but_cp1252",
        "om",
        None,
        lambda b: b.replace(b";", b",").replace(b"GM", b"\xe9GM", 1),
        "encoding",
        None,
    ),
    (
        "neither_utf8_nor_cp1252",
        "kvk",
        _set("statutaire_naam", 2, "Bakker @BYTE@"),
        lambda b: b.replace(b"@BYTE@", b"\x81"),
        "encoding",
        3,
    ),
    ("mojibake", "kvk", _set("statutaire_naam", 2, "CafÃ© De Hoek"), None, "mojibake", 3),
    (
        "kvk_in_cp1252",
        "kvk",
        _set("statutaire_naam", 1, "Café Hélène"),
        lambda b: b.decode().encode("cp1252"),
        "encoding",
        None,
    ),
    ("zero_bytes", "om", None, lambda b: b"", "empty_file", None),
]


@pytest.mark.parametrize(
    ("case", "source", "change", "transform", "rule", "row"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_file_is_quarantined_with_its_rule(
    case, source, change, transform, rule, row, extracts_dir, settings, regions, tmp_path
):
    rows, sep, encoding = _rows(extracts_dir, source)
    if change:
        change(rows)
    data = _write(rows, sep).encode(encoding)
    if transform:
        data = transform(data)
    name = f"{case}.csv"
    bad = tmp_path / name
    bad.write_bytes(data)
    (inbox_file,) = drop(settings, source, bad)

    (outcome,) = land_inbox(source, settings, regions=regions)

    assert outcome.outcome == "rejected", outcome
    assert outcome.rule == rule, outcome.violations
    assert outcome.violations[0].row == row
    assert not inbox_file.exists()
    quarantined = outcome.quarantine_path
    assert quarantined.parent == settings.data_dir / "quarantine" / source
    assert quarantined.name.endswith(f"_{name}") and quarantined.read_bytes() == data  # nothing lost
    reason = json.loads(Path(f"{quarantined}.reason.json").read_text(encoding="utf-8"))
    assert reason["file"] == name and reason["violations"][0]["rule"] == rule
    assert reason["violations"][0].get("row") == row
    human = Path(f"{quarantined}.reason.txt").read_text(encoding="utf-8")
    assert name in human and f"rule {rule}" in human and (row is None or f"row {row}" in human)
    (record,) = [r for r in read_manifest(settings.landing_dir) if r["source"] == source]
    assert record["outcome"] == "rejected" and record["file"] == name and rule in record["reason"]
    assert outcome.landing_path.read_bytes() == data  # the arrival itself is kept, unchanged


def test_region_code_is_checked_against_the_year_of_the_row(
    extracts_dir, settings, regions, synthetic_dir, tmp_path
):
    truth = json.loads((synthetic_dir / "ground_truth.json").read_text(encoding="utf-8"))
    merger = truth["mergers"][0]
    rows, sep, encoding = _rows(extracts_dir, "om")
    rows[1][rows[0].index("pleeggemeente")] = merger["new_code"]  # exists from the merger year only
    rows[1][rows[0].index("jaar")] = str(merger["year"] - 1)
    rows[1][rows[0].index("datum")] = f"15-06-{merger['year'] - 1}"
    path = tmp_path / "before_merger.csv"
    path.write_bytes(_write(rows, sep).encode(encoding))
    drop(settings, "om", path)
    (outcome,) = land_inbox("om", settings, regions=regions)
    assert (outcome.rule, outcome.violations[0].row) == ("region_code", 2)


def test_unreadable_xlsx_and_wrong_extension(settings, regions, tmp_path):
    (tmp_path / "fake.xlsx").write_text("this is not a workbook", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("a;b\n1;2\n", encoding="utf-8")
    drop(settings, "kvk", tmp_path / "fake.xlsx", tmp_path / "notes.txt")
    outcomes = {o.file: o.rule for o in land_inbox("kvk", settings, regions=regions)}
    assert outcomes == {"fake.xlsx": "unreadable", "notes.txt": "file_type"}


def test_many_problems_are_counted_and_the_first_listed(extracts_dir, settings, regions, tmp_path):
    rows, sep, encoding = _rows(extracts_dir, "kvk")
    for r in (1, 2, 3):
        rows[r][rows[0].index("werkzame_personen")] = "-1"
    rows[3][rows[0].index("sbi_code")] = "00000"
    path = tmp_path / "several.csv"
    path.write_bytes(_write(rows, sep).encode(encoding))
    drop(settings, "kvk", path)
    (outcome,) = land_inbox("kvk", settings, regions=regions)
    reason = json.loads(Path(f"{outcome.quarantine_path}.reason.json").read_text(encoding="utf-8"))
    assert reason["counts_per_rule"] == {"minimum": 3, "sbi_code": 1}
    assert [v["row"] for v in reason["violations"]] == [2, 3, 4, 4]


def test_a_bad_file_does_not_stop_the_good_ones(extracts_dir, settings, regions, tmp_path):
    good = extracts_dir / "om_zaken_2023.csv"
    (tmp_path / "om_broken.csv").write_bytes(b"")
    drop(settings, "om", good, tmp_path / "om_broken.csv")
    outcomes = {o.file: o.outcome for o in land_inbox("om", settings, regions=regions)}
    assert outcomes == {"om_zaken_2023.csv": "loaded", "om_broken.csv": "rejected"}
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    mirror = dict(con.execute("SELECT file, outcome FROM raw.extract_manifest").fetchall())
    con.close()
    assert mirror == outcomes
