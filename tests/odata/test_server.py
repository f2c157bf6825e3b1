import pandas as pd
import requests

from tests.odata.conftest import PAGE_SIZE
from zicht.odata import Fault, serve

KERNCIJFERS_2024 = "85984NED"
GEBIEDEN_2022 = "85067NED"


def get(server, path, **params):
    return requests.get(
        f"{server.url}/ODataFeed/odata/{path}", params={"$format": "json", **params}, timeout=10
    )


def collect(server, path, **params):
    """Follow nextLinks; returns all rows and the links followed."""
    response = get(server, path, **params)
    rows, links = [], []
    while True:
        response.raise_for_status()
        body = response.json()
        rows.extend(body["value"])
        if "odata.nextLink" not in body:
            return rows, links
        links.append(body["odata.nextLink"])
        response = requests.get(body["odata.nextLink"], timeout=10)


def test_service_document_lists_all_entity_sets(server):
    body = get(server, f"{KERNCIJFERS_2024}/").json()
    names = {entry["name"] for entry in body["value"]}
    assert {
        "TableInfos",
        "UntypedDataSet",
        "TypedDataSet",
        "DataProperties",
        "CategoryGroups",
        "WijkenEnBuurten",
    } <= names
    assert all(entry["url"].startswith(server.url) for entry in body["value"])
    gebieden = {e["name"] for e in get(server, f"{GEBIEDEN_2022}/").json()["value"]}
    assert "RegioS" in gebieden


def test_typed_rows_have_numbered_keys_and_padded_codes(server, synthetic_dir):
    rows, _ = collect(server, f"{KERNCIJFERS_2024}/TypedDataSet")
    expected = pd.read_parquet(synthetic_dir / "kerncijfers_2024.parquet")
    assert len(rows) == len(expected)
    first = rows[0]
    assert first["WijkenEnBuurten"] == "NL00      "
    assert first["SoortRegio_2"] == "Land      "
    assert {"Gemeentenaam_1", "Codering_3", "IndelingswijzigingWijkenEnBuurten_4", "AantalInwoners_5"} <= set(
        first
    )
    assert first["AantalInwoners_5"] == expected["AantalInwoners"].iloc[0]
    assert all(len(row["WijkenEnBuurten"]) == 10 for row in rows)
    gemeente = next(row for row in rows if row["SoortRegio_2"] == "Gemeente  ")
    assert gemeente["WijkenEnBuurten"].startswith("GM") and gemeente["WijkenEnBuurten"].endswith("    ")


def test_suffixes_shift_when_a_topic_is_added(server):
    old = {p["Key"] for p in collect(server, "85039NED/DataProperties")[0]}
    new = {p["Key"] for p in collect(server, KERNCIJFERS_2024 + "/DataProperties")[0]}
    assert "HuishoudensTotaal_13" in old and "HuishoudensTotaal_13" in new
    assert "Eenpersoonshuishoudens_14" in new and not any(k.startswith("Eenpersoons") for k in old)
    assert "Bevolkingsdichtheid_15" in old and "Bevolkingsdichtheid_16" in new


def test_data_properties_describe_dimension_and_topics(server):
    properties, _ = collect(server, f"{KERNCIJFERS_2024}/DataProperties")
    by_key = {p["Key"]: p for p in properties}
    assert by_key["WijkenEnBuurten"]["Type"] == "GeoDimension"
    topic = by_key["AantalInwoners_5"]
    assert topic["Type"] == "Topic" and topic["Datatype"] == "Long" and topic["Unit"] == "aantal"
    groups = {p["ID"]: p for p in properties if p["Type"] == "TopicGroup"}
    assert groups[by_key["Mannen_6"]["ParentID"]]["Key"] == "Geslacht"
    assert {
        "ID",
        "Position",
        "ParentID",
        "Type",
        "Key",
        "Title",
        "Description",
        "Datatype",
        "Unit",
        "Decimals",
    } <= set(topic)


def test_paging_uses_absolute_next_links(server):
    rows, links = collect(server, f"{GEBIEDEN_2022}/TypedDataSet")
    assert len(links) == (len(rows) - 1) // PAGE_SIZE
    assert all(
        link.startswith(f"{server.url}/ODataFeed/odata/{GEBIEDEN_2022}/TypedDataSet?") for link in links
    )
    assert [row["ID"] for row in rows] == list(range(len(rows)))


def test_next_links_keep_filter_and_select(server):
    rows, links = collect(
        server,
        f"{KERNCIJFERS_2024}/TypedDataSet",
        **{"$filter": "startswith(WijkenEnBuurten,'BU')", "$select": "WijkenEnBuurten,AantalInwoners_5"},
    )
    assert links and len(rows) > PAGE_SIZE
    assert all(set(row) == {"WijkenEnBuurten", "AantalInwoners_5"} for row in rows)
    assert all(row["WijkenEnBuurten"].startswith("BU") for row in rows)


def test_filter_eq_or_selects_exact_rows(server):
    rows, _ = collect(
        server,
        f"{KERNCIJFERS_2024}/TypedDataSet",
        **{"$filter": "WijkenEnBuurten eq 'NL00      ' or SoortRegio_2 eq 'Gemeente  '"},
    )
    kinds = {row["SoortRegio_2"].strip() for row in rows}
    assert kinds == {"Land", "Gemeente"}


def test_untyped_set_gives_text_and_dots(server):
    rows, _ = collect(server, f"{KERNCIJFERS_2024}/UntypedDataSet", **{"$top": "1"})
    assert len(rows) == 1
    assert rows[0]["AantalInwoners_5"].strip().isdigit()
    assert rows[0]["IndelingswijzigingWijkenEnBuurten_4"].strip() == "."


def test_errors_are_odata_errors(server):
    bad_filter = get(server, f"{KERNCIJFERS_2024}/TypedDataSet", **{"$filter": "Nope eq 1"})
    assert bad_filter.status_code == 400 and "Nope" in bad_filter.json()["odata.error"]["message"]["value"]
    assert get(server, f"{KERNCIJFERS_2024}/TypedDataSet", **{"$select": "Nope"}).status_code == 400
    assert get(server, "99999NED/").status_code == 404
    assert get(server, f"{KERNCIJFERS_2024}/NoSuchSet").status_code == 404
    assert get(server, f"{KERNCIJFERS_2024}/TypedDataSet", **{"$format": "atom"}).status_code == 415


def test_injected_faults(synthetic_dir):
    path = f"/ODataFeed/odata/{KERNCIJFERS_2024}/TableInfos"
    with serve(synthetic_dir, faults={path: Fault("status", status=503, times=1)}) as flaky:
        assert get(flaky, f"{KERNCIJFERS_2024}/TableInfos").status_code == 503
        assert get(flaky, f"{KERNCIJFERS_2024}/TableInfos").status_code == 200
    with serve(synthetic_dir, faults={path: Fault("malformed")}) as broken:
        response = get(broken, f"{KERNCIJFERS_2024}/TableInfos")
        assert response.status_code == 200
        try:
            response.json()
            raise AssertionError("malformed page parsed as JSON")
        except requests.JSONDecodeError:
            pass
    with serve(synthetic_dir, faults={path: Fault("sleep", seconds=1.0)}) as slow:
        try:
            requests.get(f"{slow.url}{path}", timeout=0.2)
            raise AssertionError("no timeout")
        except requests.Timeout:
            pass
