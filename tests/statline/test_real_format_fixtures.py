"""Hand-made downloads in StatLine's real format (tests/statline/fixtures/README.md), each landed or
refused as stated there, the original kept. Their metadata is a hand-made API landing: no network."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from tests.statline.conftest import FAST, NO_HOST, query, raw_tables, settings_for
from zicht import landing
from zicht.statline import StatlineFileError, land_statline_file

FIXTURES = Path(__file__).with_name("fixtures")
GROUPED = FIXTURES / "Kerncijfers_wijken_en_buurten_2021_03122026_120000.csv"
PARTIAL = FIXTURES / "Kerncijfers_wijken_en_buurten_2021_03122026_121500.csv"
AMBIGUOUS = FIXTURES / "Kerncijfers_wijken_en_buurten_2021_03122026_123000.csv"
PROVISIONAL = FIXTURES / "Verdachten__delictgroep__leeftijd__woongemeente_03122026_124500.csv"
KERN_2021 = "raw.cbs__85039ned"


def seed_api_landing(settings, table_id: str, dataset: str) -> None:
    """The fixture's metadata in the landing zone, as an earlier API ingest of the table leaves it."""
    source = FIXTURES / "metadata" / table_id

    def write(folder: Path) -> None:
        for path in source.glob("*.json"):
            shutil.copyfile(path, folder / path.name)

    landing.land_batch(settings.landing_dir, "cbs", dataset, datetime(2026, 12, 1, tzinfo=UTC), write)


@pytest.fixture
def offline(tmp_path):
    settings = settings_for(tmp_path / "data", NO_HOST)
    seed_api_landing(settings, "85039NED", "85039NED")
    seed_api_landing(settings, "85655NED", "85655NED/2023JJ00")
    return settings


def land(settings, fixture: Path, **kwargs):
    before = fixture.read_bytes()
    try:
        return land_statline_file(fixture, settings=settings, options=FAST, **kwargs)
    finally:
        assert fixture.read_bytes() == before  # the analyst's file is never changed
        (record, *_) = [r for r in landing.read_manifest(settings.landing_dir) if r["source"] == "statline"]
        assert (settings.landing_dir / record["landing_path"]).read_bytes() == before  # the original kept


def by_region(settings, table: str, key: str) -> dict:
    rows = query(settings, f"SELECT * FROM {table}").to_dict("records")
    return {row[key]: row for row in rows}


def test_a_grouped_table_with_repeated_names_and_the_code_column(offline):
    (result,) = land(offline, GROUPED)

    assert result.table_id == "85039NED" and result.row_count == 11 and result.absent_topics == ()
    assert result.metadata_source.startswith("cbs/85039NED/")
    rows = by_region(offline, KERN_2021, "WijkenEnBuurten")
    assert list(rows) == [
        "NL00", "GM0363", "WK036300", "BU03630000", "BU03630001",
        "GM0392", "WK039200", "BU03920000", "GM0193", "WK019300", "BU01930000",
    ]  # fmt: skip
    # The three `Centrum` rows, told apart by their code.
    assert [rows[k]["Gemeentenaam"] for k in ("WK039200", "BU03920000", "WK019300")] == [
        "Haarlem",
        "Haarlem",
        "Zwolle",
    ]
    assert (
        rows["BU03920000"]["WijkenEnBuurten_raw"] == "BU03920000"
        and rows["GM0363"]["Codering_raw"] == "GM0363    "
    )
    assert rows["GM0363"]["AantalInwoners"] == 872757 and rows["GM0363"]["k_0Tot15Jaar"] == 128100
    assert (
        rows["WK036300"]["GemiddeldeHuishoudensgrootte"] == 1.4
        and rows["GM0363"]["OppervlakteTotaal"] == 21908
    )
    assert rows["GM0193"]["BuitenEuropa"] == 9900  # `Buiten Europa  (aantal)`: CBS's double space
    # `.` (secret or unknown) and a blank (cannot occur): both NULL, the difference kept.
    assert rows["BU03630000"]["BuitenEuropa"] is None and dict(rows["BU03630000"]["cell_symbols"]) == {
        "BuitenEuropa": "."
    }
    assert pd.isna(rows["BU03630001"]["GemiddeldeHuishoudensgrootte"])
    assert dict(rows["BU03630001"]["cell_symbols"]) == {"GemiddeldeHuishoudensgrootte": ""}
    assert dict(rows["NL00"]["cell_symbols"]) == {}
    regions = query(offline, f"SELECT Key, Title FROM {KERN_2021}__regions ORDER BY Key")
    assert len(regions) == 11 and (regions.Title == "Centrum").sum() == 3


def test_a_partial_selection_without_a_code_column(offline):
    (result,) = land(offline, PARTIAL)

    assert result.row_count == 4
    assert set(result.absent_topics) == {
        "Gemeentenaam", "SoortRegio", "Codering", "k_65JaarOfOuder",
        "GemiddeldeHuishoudensgrootte", "Bevolkingsdichtheid", "OppervlakteTotaal",
    }  # fmt: skip
    rows = by_region(offline, KERN_2021, "WijkenEnBuurten")
    assert list(rows) == ["GM0363", "WK036300", "BU03630000", "BU03630001"]
    assert rows["BU03630001"]["AantalInwoners"] == 760 and rows["BU03630001"]["k_0Tot15Jaar"] == 40
    assert rows["GM0363"]["Codering"] is None and rows["GM0363"]["SoortRegio"] is None  # not selected
    assert rows["BU03630000"]["BuitenEuropa"] is None and dict(rows["BU03630000"]["cell_symbols"]) == {
        "BuitenEuropa": ""
    }
    columns = list(query(offline, f"SELECT * FROM {KERN_2021}").columns)
    assert columns[:4] == ["WijkenEnBuurten", "WijkenEnBuurten_raw", "Gemeentenaam", "SoortRegio"]


def test_repeated_names_without_a_code_column_are_refused_with_the_rows_named(offline):
    with pytest.raises(StatlineFileError) as caught:
        land(offline, AMBIGUOUS)

    error = caught.value
    assert error.rule == "category_unambiguous" and error.line == 3 and error.column == "Wijken en buurten"
    assert "3 row(s) hold one of 1 title(s)" in str(error)
    assert "'Centrum' (WK039200 or BU03920000 or WK019300) on line(s) 3, 4, 6" in str(error)
    assert "add the topic 'Regioaanduiding/Codering (code)' to the selection" in str(error)
    assert "zicht ingest-cbs 85039NED" in str(error)
    assert error.quarantined.read_bytes() == AMBIGUOUS.read_bytes()
    reason = json.loads(error.quarantined.with_name(error.quarantined.name + ".reason.json").read_text())
    assert reason["rule"] == "category_unambiguous" and reason["line"] == 3
    assert "cbs__85039ned" not in raw_tables(offline)


def test_provisional_periods_keep_their_mark_as_a_status(offline):
    results = land(offline, PROVISIONAL)

    assert [(r.raw_table, r.row_count) for r in results] == [
        ("raw.cbs__85655ned__2022jj00", 3),
        ("raw.cbs__85655ned__2023jj00", 3),
        ("raw.cbs__85655ned__2024jj00", 3),
    ]
    rows = query(
        offline,
        "SELECT Perioden, Perioden_status, Delict, Delict_raw, Leeftijd, RegioS, RegioS_raw, Verdachten,"
        " cell_symbols, period FROM raw.cbs_verdachten ORDER BY Perioden, Delict DESC, RegioS",
    )
    assert rows.Perioden_status.tolist() == ["Definitief"] * 3 + ["Nader voorlopig"] * 3 + ["Voorlopig"] * 3
    assert rows.period.tolist() == ["2022"] * 3 + ["2023"] * 3 + ["2024"] * 3
    assert rows.Delict_raw[0] == "T001    " and rows.Delict[0] == "T001" and rows.RegioS_raw[0] == "GM0363"
    assert rows.RegioS.tolist()[:2] == ["GM0363", "NL01"] and rows.RegioS_raw[1] == "NL01  "
    secret = rows[(rows.Perioden == "2023JJ00") & (rows.RegioS == "GM0599")].iloc[0]
    assert pd.isna(secret.Verdachten)
    assert dict(secret.cell_symbols) == {"Verdachten": "."}
    categories = query(offline, "SELECT DISTINCT dimension FROM raw.cbs_verdachten__categories ORDER BY 1")
    assert categories.dimension.tolist() == ["Delict", "Leeftijd", "Perioden"]


def test_a_period_outside_the_selection_named_is_refused(offline):
    with pytest.raises(StatlineFileError) as caught:
        land(offline, PROVISIONAL, table_id="85655NED:2023JJ00")
    assert caught.value.rule == "period_in_catalog" and caught.value.line == 2
    assert "6 row(s) hold a period the catalog does not list" in str(caught.value)
    assert not any(name.startswith("cbs__85655ned") for name in raw_tables(offline))
