import csv

import pandas as pd

from tests.statline.conftest import KERN
from zicht.statline import write_statline_csv


def test_statline_format(kern_csv, synthetic_dir):
    data = kern_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data[3:].decode("utf-8").split("\r\n")
    assert lines[0].startswith(
        '"Wijken en buurten";"Gemeentenaam";"Soort regio";"Codering";'
        '"Indelingswijziging wijken en buurten";"Aantal inwoners (aantal)";'
    )
    assert '"Oppervlakte land (ha)"' in lines[0] and '"Bevolkingsdichtheid (aantal per km²)"' in lines[0]
    # Every field quoted: splitting on the quoted separator gives as many fields as the header has.
    rows = list(csv.reader(lines[1:-1], delimiter=";"))
    assert all(len(row) == 27 for row in rows) and lines[-1] == ""
    assert all(line.startswith('"') and line.endswith('"') for line in lines[:-1])
    gemeente = next(row for row in rows if row[0].startswith("GM"))
    assert len(gemeente[0]) == 10 and gemeente[0] == gemeente[3] and gemeente[0].endswith(" ")
    assert gemeente[5] != gemeente[5].strip()  # numbers right-aligned as StatLine pads them

    expected = pd.read_parquet(synthetic_dir / "kerncijfers_2024.parquet")
    assert len(rows) == len(expected)
    header = next(csv.reader([lines[0]], delimiter=";"))
    woz = [row[header.index("Gemiddelde WOZ-waarde van woningen (x 1 000 euro)")] for row in rows]
    assert woz.count(".") == expected["GemiddeldeWOZWaardeVanWoningen"].isna().sum() > 0


def test_deterministic_and_decimal_comma(kern_csv, synthetic_dir, tmp_path):
    again = write_statline_csv(KERN, synthetic_dir, tmp_path / "again.csv")
    assert again.read_bytes() == kern_csv.read_bytes()
    comma = write_statline_csv(KERN, synthetic_dir, tmp_path / "comma.csv", decimal_comma=True)
    text = comma.read_text(encoding="utf-8-sig")
    records = csv.DictReader(text.splitlines(), delimiter=";")
    sizes = [record["Gemiddelde huishoudensgrootte (aantal)"].strip() for record in records]
    assert any("," in size for size in sizes) and not any("." in s for s in sizes if s != ".")
