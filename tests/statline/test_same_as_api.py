"""Round trip for every catalog table: the synthetic exporter writes StatLine's own download of it,
the landing loads it, and raw and staging equal the OData API route row for row (full and partial
selections). A table whose region titles repeat and which has no code topic cannot come by download:
it is refused with the ambiguous rows named, and a selection of regions with unique titles loads."""

import shutil

import pandas as pd
import pytest

from tests.staging_sql import staging_rows
from tests.statline.conftest import FAST, KERN, NO_HOST, query, settings_for
from zicht.cbs import ingest_cbs_tables, load_catalog
from zicht.cbs.catalog import tables_by_id
from zicht.odata import serve
from zicht.odata.shape import data_file
from zicht.statline import StatlineFileError, land_statline_file
from zicht.statline.format import DEFINITIVE
from zicht.synth.statline_export import write_statline_csv

TABLE_IDS = sorted({table.table_id for table in load_catalog()})
# What says which load a row came from (not what CBS published), and what only one route has: the
# OData row number, the download's period status and symbols.
API_ONLY = ["ingest_id", "ID"]
DOWNLOAD_ONLY = ["ingest_id", "cell_symbols", "Perioden_status"]


@pytest.fixture(scope="module")
def every_table(tmp_path_factory, synthetic_dir):
    """The synthetic Netherlands with data for every catalog table: a year it does not generate
    (Gebieden in Nederland 2026) gets a copy of its family's newest year, as if CBS published it."""
    folder = shutil.copytree(synthetic_dir, tmp_path_factory.mktemp("every-table") / "synthetic")
    for table in load_catalog():
        if not data_file(folder, table).exists():
            family = [t for t in load_catalog() if t.family == table.family and data_file(folder, t).exists()]
            shutil.copyfile(data_file(folder, max(family, key=lambda t: t.year)), data_file(folder, table))
    return folder


@pytest.fixture(scope="module")
def every_table_server(every_table):
    with serve(every_table, page_size=1000) as running:
        yield running


@pytest.fixture(scope="module")
def api(tmp_path_factory, every_table_server):
    """Every catalog table loaded through the OData API route."""
    settings = settings_for(tmp_path_factory.mktemp("api") / "data", every_table_server.catalog_url)
    ingest_cbs_tables(TABLE_IDS, settings=settings, options=FAST)
    return settings


def raw(settings, table: str, drop: list[str]) -> pd.DataFrame:
    frame = query(settings, f"SELECT * FROM raw.{table}")
    frame = frame.drop(columns=[c for c in drop if c in frame.columns])
    return frame.sort_values(list(frame.columns), ignore_index=True)


def raw_types(settings, table: str, drop: list[str]) -> list[tuple[str, str]]:
    described = query(settings, f"DESCRIBE raw.{table}")
    return [
        (name, kind) for name, kind in described[["column_name", "column_type"]].values if name not in drop
    ]


def dimension(settings, table: str, suffix: str) -> pd.DataFrame:
    frame = query(settings, f"SELECT * EXCLUDE (ingest_id) FROM raw.{table}{suffix}")
    return frame.sort_values(list(frame.columns), ignore_index=True)


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal values row for row; the column types are compared in DuckDB (pandas makes a column
    nullable only when the rows at hand hold a NULL)."""
    pd.testing.assert_frame_equal(
        left.reset_index(drop=True), right.reset_index(drop=True), check_dtype=False
    )


def warehouse_like(api, data_dir):
    """A warehouse that holds the API loads (so every family view has every year's columns), into
    which a download is landed to replace its table(s), as it would be in production."""
    settings = settings_for(data_dir, api.cbs_host)
    settings.warehouse_path.parent.mkdir(parents=True)
    shutil.copyfile(api.warehouse_path, settings.warehouse_path)
    return settings


def unique_title_regions(api, table) -> list[str] | None:
    """Region codes whose title is unique in the table's region dimension; None when none repeats."""
    regions = query(api, f"SELECT Key, Title FROM raw.{table.raw_table}__regions")
    repeated = regions.Title.duplicated(keep=False)
    return None if not repeated.any() else regions.Key[~repeated].tolist()


def where_regions(frame: pd.DataFrame, column: str, codes: list[str] | None) -> pd.DataFrame:
    return frame if codes is None else frame[frame[column].isin(codes)].reset_index(drop=True)


@pytest.mark.parametrize("table_id", TABLE_IDS)
def test_round_trip_equals_the_api_route(table_id, api, every_table, tmp_path):
    tables = tables_by_id(table_id)
    synthetic_dir = every_table
    settings = warehouse_like(api, tmp_path / "download")
    first = tables[0]
    download = write_statline_csv(table_id, synthetic_dir, tmp_path)
    regions = None if first.region_code_topic else unique_title_regions(api, first)
    if regions is not None:  # titles repeat and there is no code topic: refused, rows named
        with pytest.raises(StatlineFileError) as caught:
            land_statline_file(download, settings=settings, options=FAST)
        assert caught.value.rule == "category_unambiguous" and "on line(s)" in str(caught.value)
        download = write_statline_csv(table_id, synthetic_dir, tmp_path / "unique.csv", regions=regions)
        results = land_statline_file(download, table_id=table_id, settings=settings, options=FAST)
    else:
        results = land_statline_file(download, settings=settings, options=FAST)

    assert [r.raw_table for r in results] == [f"raw.{t.raw_table}" for t in tables]
    assert all(r.ingest_id.startswith("statline-") for r in results)
    for table in tables:
        assert raw_types(settings, table.raw_table, DOWNLOAD_ONLY) == raw_types(
            api, table.raw_table, API_ONLY
        )
        from_api = where_regions(raw(api, table.raw_table, API_ONLY), first.region_dimension, regions)
        same_rows(raw(settings, table.raw_table, DOWNLOAD_ONLY), from_api)
        for suffix in ("__regions", "__categories"):
            if f"{table.raw_table}{suffix}" in set(query(api, "SHOW ALL TABLES")["name"]):
                same_rows(
                    dimension(settings, table.raw_table, suffix), dimension(api, table.raw_table, suffix)
                )
    model = f"stg_cbs__{first.family}"
    code = "gemeente_code" if first.family == "gebieden_in_nederland" else "region_code"
    from_api = staging_rows(api.warehouse_path, model)
    others = from_api.table_id != table_id
    expected = pd.concat([from_api[others], where_regions(from_api[~others], code, regions)])
    expected = expected.sort_values(list(expected.columns), ignore_index=True)
    same_rows(staging_rows(settings.warehouse_path, model), expected)


def test_period_marks_become_the_status_column(server, synthetic_dir, tmp_path):
    settings = settings_for(tmp_path / "data", server.catalog_url)
    land_statline_file(
        write_statline_csv("85655NED", synthetic_dir, tmp_path), settings=settings, options=FAST
    )
    statuses = query(
        settings,
        "SELECT period, list(DISTINCT Perioden_status) AS status FROM raw.cbs_verdachten"
        " GROUP BY period ORDER BY period",
    )
    assert statuses.status.map(list).tolist() == [
        [DEFINITIVE],
        [DEFINITIVE],
        [DEFINITIVE],
        ["Nader voorlopig"],
        ["Voorlopig"],
    ]


def test_a_partial_selection_loads_what_it_holds(api, synthetic_dir, tmp_path):
    """Some topics and some regions: the raw table keeps every column (the rest NULL), only those rows."""
    settings = warehouse_like(api, tmp_path / "data")
    table = f"cbs__{KERN.lower()}"
    regions = query(api, f"SELECT Key FROM raw.{table}__regions WHERE Key LIKE 'GM%' OR Key = 'NL00'")
    codes = regions.Key.tolist()[:6]
    topics = ["Codering", "AantalInwoners", "GemiddeldeWOZWaardeVanWoningen"]
    download = write_statline_csv(KERN, synthetic_dir, tmp_path, topics=topics, regions=codes)

    (result,) = land_statline_file(download, settings=settings, options=FAST)

    assert result.row_count == len(codes)
    assert "SoortRegio" in result.absent_topics and "Codering" not in result.absent_topics
    assert raw_types(settings, table, DOWNLOAD_ONLY) == raw_types(api, table, API_ONLY)
    from_csv = raw(settings, table, DOWNLOAD_ONLY)
    from_api = where_regions(raw(api, table, API_ONLY), "WijkenEnBuurten", codes)
    selected = [
        "WijkenEnBuurten",
        "WijkenEnBuurten_raw",
        "Codering",
        "Codering_raw",
        *topics[1:],
        "table_id",
        "period",
    ]
    same_rows(from_csv[selected], from_api[selected])
    assert from_csv.drop(columns=selected).isna().all().all()  # not selected: NULL
    symbols = query(settings, f"SELECT cell_symbols FROM raw.{table}").cell_symbols
    assert all(set(dict(s)) <= {"GemiddeldeWOZWaardeVanWoningen"} for s in symbols)  # only what it held
    staged = staging_rows(settings.warehouse_path, "stg_cbs__kerncijfers_wijken_buurten")
    staged = staged[staged.table_id == KERN]
    assert sorted(staged.region_code) == sorted(codes) and staged.region_name.notna().all()
    assert staged.inhabitants.notna().all() and staged.region_type.isna().all()  # SoortRegio not selected


def test_a_download_replaces_the_api_table_using_its_landed_metadata(tmp_path, server, kern_csv):
    settings = settings_for(tmp_path / "data", server.catalog_url)
    (api_result,) = ingest_cbs_tables([KERN], settings=settings, options=FAST)
    before = raw(settings, f"cbs__{KERN.lower()}", API_ONLY)
    offline = settings_for(settings.data_dir, NO_HOST)  # the metadata must come from the landing zone

    (result,) = land_statline_file(kern_csv, settings=offline, options=FAST)

    assert result.metadata_source == str(api_result.landing_path.relative_to(settings.landing_dir))
    table = f"raw.cbs__{KERN.lower()}"
    assert set(query(settings, f"SELECT DISTINCT ingest_id FROM {table}").ingest_id) == {result.ingest_id}
    regions = query(settings, "SELECT DISTINCT ingest_id FROM raw.cbs_kerncijfers_wijken_buurten__regions")
    assert set(regions.ingest_id) == {result.ingest_id}
    pd.testing.assert_frame_equal(raw(settings, f"cbs__{KERN.lower()}", DOWNLOAD_ONLY), before)
    mirror = query(settings, "SELECT source, outcome FROM raw.landing_manifest ORDER BY retrieved_at")
    assert mirror.values.tolist() == [["cbs", "success"], ["statline", "loaded"]]
