import pytest

from zicht.cbs import list_catalog_tables, load_catalog, table_by_id
from zicht.cbs.catalog import CATALOG_PATH, select_tables, tables_by_id


def test_one_table_per_family_and_year():
    tables = load_catalog()
    pairs = [(t.family, t.year) for t in tables]
    assert len(pairs) == len(set(pairs))
    assert len({t.raw_table for t in tables}) == len(tables)
    assert len({(t.table_id, t.period) for t in tables}) == len(tables)
    assert table_by_id("85984ned").year == 2024
    assert table_by_id("85067NED").family == "gebieden_in_nederland" and not table_by_id("85067NED").assumed


def test_multi_period_entries_name_their_period():
    crimes = tables_by_id("47022NED")
    assert [(t.year, t.period) for t in crimes] == [
        (2023, "2023JJ00"),
        (2024, "2024JJ00"),
        (2025, "2025JJ00"),
    ]
    first = crimes[0]
    assert first.family == "geregistreerde_misdrijven" and first.assumed
    assert first.raw_table == "cbs__47022ned__2023jj00"
    assert first.landing_dataset == "47022NED/2023JJ00" and first.label == "47022NED:2023JJ00"
    assert first.period_filter == "Perioden eq '2023JJ00'"
    assert [t.table_id for t in load_catalog() if t.family == "geregistreerde_misdrijven"] == [
        "47018NED",
        "47018NED",
        "47022NED",
        "47022NED",
        "47022NED",
    ]
    single = table_by_id("85984NED")
    assert single.period is None and single.raw_table == "cbs__85984ned" and single.period_filter is None


def test_select_tables_by_id_or_period():
    assert [t.year for t in select_tables(["85655NED"])] == [2021, 2022, 2023, 2024, 2025]
    assert [t.label for t in select_tables(["85655ned:2023jj00", "85984NED"])] == [
        "85655NED:2023JJ00",
        "85984NED",
    ]
    with pytest.raises(KeyError, match="no period '2030JJ00'"):
        select_tables(["85655NED:2030JJ00"])
    with pytest.raises(KeyError, match="several periods"):
        table_by_id("83625NED")


def test_a_repeated_id_without_periods_is_refused(tmp_path):
    text = CATALOG_PATH.read_text(encoding="utf-8").replace("table_id: 85318NED", "table_id: 85039NED")
    path = tmp_path / "catalog.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="85039NED is listed 2 times; each needs its own period"):
        load_catalog(path)


def test_configured_years(monkeypatch):
    monkeypatch.setenv("ZICHT_CBS_YEARS", "2022,2024")
    assert {t.label for t in list_catalog_tables()} == {
        "85318NED",
        "85067NED",
        "85984NED",
        "85755NED",
        "47018NED:2022JJ00",
        "47022NED:2024JJ00",
        "85655NED:2022JJ00",
        "85655NED:2024JJ00",
        "83625NED:2022JJ00",
        "83625NED:2024JJ00",
    }
    monkeypatch.delenv("ZICHT_CBS_YEARS")
    assert {t.year for t in list_catalog_tables()} == {2021, 2022, 2023, 2024, 2025}


def test_unknown_table_is_refused():
    with pytest.raises(KeyError, match="not in the catalog"):
        table_by_id("12345NED")
