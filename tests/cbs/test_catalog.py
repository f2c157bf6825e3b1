import pytest

from zicht.cbs import list_catalog_tables, load_catalog, table_by_id


def test_one_table_per_family_and_year():
    tables = load_catalog()
    pairs = [(t.family, t.year) for t in tables]
    assert len(pairs) == len(set(pairs))
    assert len({t.table_id for t in tables}) == len(tables)
    assert table_by_id("85984ned").year == 2024
    assert table_by_id("85067NED").family == "gebieden_in_nederland" and not table_by_id("85067NED").assumed


def test_configured_years(monkeypatch):
    monkeypatch.setenv("ZICHT_CBS_YEARS", "2022,2024")
    assert {t.table_id for t in list_catalog_tables()} == {"85318NED", "85067NED", "85984NED", "85755NED"}
    monkeypatch.delenv("ZICHT_CBS_YEARS")
    assert {t.year for t in list_catalog_tables()} == {2021, 2022, 2023, 2024, 2025}


def test_unknown_table_is_refused():
    with pytest.raises(KeyError, match="not in the catalog"):
        table_by_id("12345NED")
