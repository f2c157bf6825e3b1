import pytest

from zicht.cbs import list_catalog_tables, load_catalog, table_by_id
from zicht.cbs.catalog import (
    CATALOG_PATH,
    CatalogError,
    UnknownCatalogTable,
    catalog_path,
    select_tables,
    tables_by_id,
)


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


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (
            lambda text: text.replace("table_id: 85318NED, ", ""),
            "family kerncijfers_wijken_buurten, table entry 2 lacks table_id",
        ),
        (
            lambda text: text.replace("year: 2022, table_id: 85318NED", "year: twenty, table_id: 85318NED"),
            "year 'twenty' is not a year",
        ),
        (lambda text: text.replace("    view: cbs_verdachten\n", ""), "family verdachten lacks view"),
        (lambda text: text + "  oops: [\n", "is not valid YAML"),
    ],
    ids=["no-id", "bad-year", "no-view", "yaml"],
)
def test_a_broken_catalog_names_file_and_entry(tmp_path, edit, says):
    path = tmp_path / "catalog.yml"
    path.write_text(edit(CATALOG_PATH.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert str(caught.value).startswith(str(path)) and says in str(caught.value)


def test_the_catalog_in_use_is_a_setting(tmp_path, monkeypatch):
    path = tmp_path / "catalog.yml"
    path.write_text(
        "families:\n  kerncijfers_wijken_buurten:\n    view: cbs_kerncijfers_wijken_buurten\n"
        "    region_dimension: WijkenEnBuurten\n    region_code_topic: Codering\n"
        "    tables:\n"
        '      - {year: 2026, table_id: 86399NED, title: "Kerncijfers wijken en buurten 2026"}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ZICHT_CBS_CATALOG", str(path))
    assert catalog_path() == path and [t.label for t in load_catalog()] == ["86399NED"]
    assert table_by_id("86399NED").region_code_topic == "Codering"
    with pytest.raises(
        UnknownCatalogTable, match=rf"not in the catalog {path}; add it as docs/cbs_tables.md"
    ):
        table_by_id("85984NED")
