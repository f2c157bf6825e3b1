import pandas as pd


def test_download_data_returns_every_row_with_codes(cbs_client, synthetic_dir):
    data = cbs_client.download_data("85618NED")
    expected = pd.read_parquet(synthetic_dir / "kerncijfers_2023.parquet")
    assert {"TableInfos", "TypedDataSet", "DataProperties", "CategoryGroups", "WijkenEnBuurten"} <= set(data)
    codes = [row["WijkenEnBuurten"].strip() for row in data["TypedDataSet"]]
    assert codes == expected["code"].tolist()
    assert data["TableInfos"][0]["Identifier"] == "85618NED"


def test_get_data_with_filter_and_select(cbs_client, synthetic_dir):
    rows = cbs_client.get_data(
        "85618NED", filters="SoortRegio_2 eq 'Gemeente  '", select=["WijkenEnBuurten", "AantalInwoners_5"]
    )
    expected = pd.read_parquet(synthetic_dir / "kerncijfers_2023.parquet").query("soort == 'Gemeente'")
    # get_data swaps the region code for its title: the reason the ingest uses download_data.
    assert [row["WijkenEnBuurten"] for row in rows] == expected["name"].tolist()
    assert [row["AantalInwoners_5"] for row in rows] == expected["AantalInwoners"].tolist()


def test_gebieden_table_through_the_client(cbs_client, synthetic_dir):
    rows = cbs_client.download_data("85067NED")["TypedDataSet"]
    expected = pd.read_parquet(synthetic_dir / "gebieden_2022.parquet")
    assert [r["Code_4"].strip() for r in rows] == expected["province_code"].tolist()
    assert {r["Code_6"].strip() for r in rows} == {f"RE{i:02d}" for i in range(1, 11)}
