"""The synthetic exporter writes StatLine's real download format (see docs/statline.md)."""

import csv

import pandas as pd

from zicht.synth.statline_export import write_statline_csv

KERN = "85984NED"
SUSPECTS = "85655NED"


def lines_of(path) -> list[str]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return data[3:].decode("utf-8").split("\r\n")


def records(path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))


def test_a_full_download_as_statline_writes_it(demo_dir, tmp_path):
    path = write_statline_csv(KERN, demo_dir, tmp_path)
    assert path.name == "Kerncijfers_wijken_en_buurten_2024_03122026_120000.csv"
    lines = lines_of(path)
    assert lines[0].startswith(
        '"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";'
        '"Regioaanduiding/Soort regio (omschrijving)";"Regioaanduiding/Codering (code)";'
    )
    assert '"Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)"' in lines[0]
    assert '"Bevolking/Aantal inwoners (aantal)"' in lines[0]  # a topic directly under a group
    assert '"Wonen/Eigendom/Koopwoningen (%)"' in lines[0]
    assert lines[-1] == "" and all(line.startswith('"') and line.endswith('"') for line in lines[:-1])
    header, *rows = records(path)
    expected = pd.read_parquet(demo_dir / "kerncijfers_2024.parquet")
    assert len(rows) == len(expected) and all(len(row) == len(header) for row in rows)
    region, code = header.index("Wijken en buurten"), header.index("Regioaanduiding/Codering (code)")
    # Titles in the dimension column, the padded code only in the code topic.
    assert [row[region] for row in rows] == expected["name"].tolist()
    assert [row[code] for row in rows] == [c.ljust(10) for c in expected["code"]]
    inhabitants = [row[header.index("Bevolking/Aantal inwoners (aantal)")] for row in rows]
    assert all(len(cell) == 8 and cell == cell.strip().rjust(8) for cell in inhabitants)  # numbers padded
    woz = [row[header.index("Wonen/Gemiddelde WOZ-waarde van woningen (x 1 000 euro)")] for row in rows]
    assert woz.count("       .") == expected["GemiddeldeWOZWaardeVanWoningen"].isna().sum() > 0
    size = header.index("Bevolking/Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)")
    assert rows[0][size] == f"{expected['GemiddeldeHuishoudensgrootte'][0]:.1f}".rjust(8)  # its Decimals


def test_plain_csv_variant(demo_dir, tmp_path):
    path = write_statline_csv(KERN, demo_dir, tmp_path / "plain.csv", variant="plain")
    header, *rows = records(path)
    lines = lines_of(path)
    assert lines[1].startswith('"Nederland";"Nederland') and ';"NL00      ";' in lines[1]
    woz = header.index("Wonen/Gemiddelde WOZ-waarde van woningen (x 1 000 euro)")
    assert "" in [row[woz] for row in rows] and "." not in [row[woz] for row in rows]
    size = header.index("Bevolking/Particuliere huishoudens/Gemiddelde huishoudensgrootte (aantal)")
    assert all("," in row[size] for row in rows if row[size]) and ";2," in lines[1]  # bare, decimal comma


def test_a_partial_selection(demo_dir, tmp_path):
    expected = pd.read_parquet(demo_dir / "kerncijfers_2024.parquet").set_index("code")
    gemeente = expected.index[expected["soort"] == "Gemeente"][0]
    path = write_statline_csv(
        KERN, demo_dir, tmp_path / "part.csv", topics=["AantalInwoners"], regions=["NL00", gemeente]
    )
    assert records(path) == [
        ["Wijken en buurten", "Bevolking/Aantal inwoners (aantal)"],
        ["Nederland", str(expected.loc["NL00", "AantalInwoners"]).rjust(8)],
        [expected.loc[gemeente, "name"], str(expected.loc[gemeente, "AantalInwoners"]).rjust(8)],
    ]


def test_periods_lead_and_carry_their_marks(demo_dir, tmp_path):
    path = write_statline_csv(SUSPECTS, demo_dir, tmp_path)
    assert path.name == "Verdachten__delictgroep__leeftijd__woongemeente_03122026_120000.csv"
    header, *rows = records(path)
    assert header == ["Perioden", "Delict", "Leeftijd", "Woongemeente", "Verdachten (aantal)"]
    assert sorted({row[0] for row in rows}) == ["2021", "2022", "2023", "2024**", "2025*"]
    assert {row[1] for row in rows} >= {"Totaal"} and not any(row[1].startswith("T0") for row in rows)


def test_deterministic(demo_dir, tmp_path):
    first = write_statline_csv(KERN, demo_dir, tmp_path / "a.csv")
    assert write_statline_csv(KERN, demo_dir, tmp_path / "b.csv").read_bytes() == first.read_bytes()
