import pandas as pd
import pytest
import requests

from tests.odata.test_server import collect, get
from zicht.odata import serve

CRIMES = "47022NED"  # 2023-2025 in the catalog


@pytest.fixture(scope="module")
def wide_pages(synthetic_dir):
    """The feed with CBS's own page size: the shared fixture's tiny pages make whole tables slow."""
    with serve(synthetic_dir) as running:
        yield running


def test_service_document_lists_every_dimension(server):
    names = {entry["name"] for entry in get(server, f"{CRIMES}/").json()["value"]}
    assert {"TypedDataSet", "UntypedDataSet", "SoortMisdrijf", "WijkenEnBuurten", "Perioden"} <= names
    suspects = {entry["name"] for entry in get(server, "85655NED/").json()["value"]}
    assert {"Delict", "Leeftijd", "RegioS", "Perioden"} <= suspects


def test_data_properties_type_the_dimensions(server):
    properties, _ = collect(server, f"{CRIMES}/DataProperties")
    assert [(p["Key"], p["Type"]) for p in properties] == [
        ("SoortMisdrijf", "Dimension"),
        ("WijkenEnBuurten", "GeoDimension"),
        ("Perioden", "TimeDimension"),
        ("GeregistreerdeMisdrijven_1", "Topic"),
    ]
    sales, _ = collect(server, "83625NED/DataProperties")
    assert [p["Key"] for p in sales if p["Type"] == "Topic"] == [
        "GemiddeldeVerkoopprijs_1",
        "VerkochteWoningen_2",
    ]


def test_category_keys_are_padded_as_cbs_pads_them(server):
    categories, _ = collect(server, f"{CRIMES}/SoortMisdrijf")
    keys = {row["Key"]: row["Title"] for row in categories}
    assert keys["3.1.1 "] == "Drugshandel" and keys["0.0.0 "] == "Totaal misdrijven" and len(keys) == 13
    periods, _ = collect(server, f"{CRIMES}/Perioden")
    assert [(p["Key"], p["Title"]) for p in periods] == [
        ("2023JJ00", "2023"),
        ("2024JJ00", "2024"),
        ("2025JJ00", "2025"),
    ]
    delict, _ = collect(server, "85655NED/Delict")
    assert [row["Key"] for row in delict] == ["T001    ", "D001    ", "D002    ", "D003    "]


def test_all_periods_are_served_and_the_filter_selects_one(wide_pages, synthetic_dir):
    every, _ = collect(wide_pages, f"{CRIMES}/TypedDataSet")
    per_year = {
        year: pd.read_parquet(synthetic_dir / f"misdrijven_{year}.parquet") for year in (2023, 2024, 2025)
    }
    assert len(every) == sum(len(frame) for frame in per_year.values())
    assert {row["Perioden"] for row in every} == {"2023JJ00", "2024JJ00", "2025JJ00"}
    one, _ = collect(wide_pages, f"{CRIMES}/TypedDataSet", **{"$filter": "Perioden eq '2024JJ00'"})
    assert {row["Perioden"] for row in one} == {"2024JJ00"}
    expected = per_year[2024]
    assert [row["WijkenEnBuurten"].strip() for row in one] == expected["code"].tolist()
    assert [row["SoortMisdrijf"].strip() for row in one] == expected["crime_code"].tolist()
    assert [row["GeregistreerdeMisdrijven_1"] for row in one] == expected["registered_crimes"].tolist()


def test_paging_keeps_the_period_filter(server):
    nederland = "Perioden eq '2025JJ00' and WijkenEnBuurten eq 'NL00      '"
    rows, links = collect(server, f"{CRIMES}/TypedDataSet", **{"$filter": nederland})
    assert links and all("Perioden" in link for link in links)
    assert len(rows) == 13 and {(r["Perioden"], r["WijkenEnBuurten"]) for r in rows} == {
        ("2025JJ00", "NL00      ")
    }


def test_an_unknown_period_property_is_refused(server):
    response = get(server, f"{CRIMES}/TypedDataSet", **{"$filter": "Periode eq '2024JJ00'"})
    assert response.status_code == requests.codes.bad_request and "Periode" in response.text


def test_cbsodata_downloads_one_period(cbs_client, synthetic_dir):
    data = cbs_client.download_data("85655NED", filters="Perioden eq '2022JJ00'")
    expected = pd.read_parquet(synthetic_dir / "verdachten_2022.parquet")
    rows = data["TypedDataSet"]
    assert {"Delict", "Leeftijd", "RegioS", "Perioden", "DataProperties"} <= set(data)
    assert [r["RegioS"] for r in rows[:1]] == ["NL00  "] and {r["Perioden"] for r in rows} == {"2022JJ00"}
    assert [(r["RegioS"].strip(), r["Delict"].strip(), r["Leeftijd"].strip()) for r in rows] == list(
        zip(expected["code"], expected["offence_code"], expected["age_code"], strict=True)
    )
    assert [r["Verdachten_1"] for r in rows] == expected["suspects"].tolist()
    assert len(data["Perioden"]) == 5  # the dimension lists every period, the data set only the one


def test_missing_values_are_served_as_null(tmp_path, synthetic_dir):
    for path in synthetic_dir.glob("*.*"):  # tables and ground truth, not the boundary folder
        (tmp_path / path.name).write_bytes(path.read_bytes())
    crimes = pd.read_parquet(tmp_path / "misdrijven_2023.parquet")
    crimes.loc[5, "registered_crimes"] = pd.NA
    crimes.to_parquet(tmp_path / "misdrijven_2023.parquet", index=False)
    with serve(tmp_path) as local:
        rows, _ = collect(local, f"{CRIMES}/TypedDataSet", **{"$filter": "Perioden eq '2023JJ00'"})
        untyped, _ = collect(local, f"{CRIMES}/UntypedDataSet", **{"$filter": "Perioden eq '2023JJ00'"})
    assert rows[5]["GeregistreerdeMisdrijven_1"] is None and rows[4]["GeregistreerdeMisdrijven_1"] is not None
    assert untyped[5]["GeregistreerdeMisdrijven_1"].strip() == "."
