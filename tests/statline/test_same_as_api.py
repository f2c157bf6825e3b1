"""The StatLine CSV route and the OData API route load the same raw table, and so the same staging."""

import re

import pandas as pd

from tests.statline.conftest import FAST, KERN, NO_HOST, query, settings_for
from zicht.cbs import ingest_cbs_tables
from zicht.settings import PROJECT_ROOT
from zicht.statline import land_statline_file

RAW = f"raw.cbs__{KERN.lower()}"
STAGING_MODEL = PROJECT_ROOT / "dbt_project/models/staging/cbs/stg_cbs__kerncijfers_wijken_buurten.sql"
# Columns that say which load a row came from, not what CBS published.
LOAD_COLUMNS = ["ingest_id"]
# The OData row number: the CSV has none, so the StatLine route does not make one up.
ODATA_ONLY = ["ID"]


def raw_rows(settings) -> pd.DataFrame:
    frame = query(settings, f"SELECT * FROM {RAW}")
    frame = frame.drop(columns=[c for c in LOAD_COLUMNS + ODATA_ONLY if c in frame.columns])
    return frame.sort_values("WijkenEnBuurten", ignore_index=True)


def staging_rows(settings) -> pd.DataFrame:
    """The staging model's SQL, its dbt sources pointed at the raw schema, run against the warehouse."""
    sql = re.sub(r"\{\{\s*source\('cbs',\s*'(\w+)'\)\s*\}\}", r"raw.\1", STAGING_MODEL.read_text())
    return query(settings, sql).sort_values("region_code", ignore_index=True)


def test_statline_csv_loads_the_same_raw_table_as_the_api(tmp_path, server, kern_csv):
    api = settings_for(tmp_path / "a", server.catalog_url)
    statline = settings_for(tmp_path / "b", server.catalog_url)
    ingest_cbs_tables([KERN], settings=api, options=FAST)
    result = land_statline_file(kern_csv, settings=statline, options=FAST)

    assert result.raw_table == RAW and result.metadata_source.startswith("http://")
    from_api, from_csv = raw_rows(api), raw_rows(statline)
    assert list(from_csv.columns) == list(from_api.columns)
    assert list(from_csv.dtypes) == list(from_api.dtypes)
    pd.testing.assert_frame_equal(from_csv, from_api)
    # The `.` cells are the API's nulls, not zeros or empty strings.
    written_missing = kern_csv.read_text(encoding="utf-8-sig").count('"."')
    assert written_missing == int(from_api.isna().sum().sum()) > 0
    assert (
        query(statline, f"SELECT count(*) AS n FROM {RAW} WHERE ingest_id = '{result.ingest_id}'").n[0] == 550
    )

    family = "SELECT count(*) AS n FROM raw.cbs_kerncijfers_wijken_buurten"
    assert query(statline, family).n[0] == query(api, family).n[0] == 550
    regions = "SELECT Key, Key_raw, Title FROM raw.cbs_kerncijfers_wijken_buurten__regions ORDER BY Key"
    pd.testing.assert_frame_equal(query(statline, regions), query(api, regions))
    pd.testing.assert_frame_equal(staging_rows(statline), staging_rows(api))


def test_statline_csv_replaces_the_api_table_using_its_landed_metadata(tmp_path, server, kern_csv):
    settings = settings_for(tmp_path / "data", server.catalog_url)
    (api_result,) = ingest_cbs_tables([KERN], settings=settings, options=FAST)
    before = raw_rows(settings)
    offline = settings_for(settings.data_dir, NO_HOST)  # the metadata must come from the landing zone

    result = land_statline_file(kern_csv, settings=offline, options=FAST)

    assert result.metadata_source == str(api_result.landing_path.relative_to(settings.landing_dir))
    assert set(query(settings, f"SELECT DISTINCT ingest_id FROM {RAW}").ingest_id) == {result.ingest_id}
    regions = query(settings, "SELECT DISTINCT ingest_id FROM raw.cbs_kerncijfers_wijken_buurten__regions")
    assert set(regions.ingest_id) == {result.ingest_id}
    pd.testing.assert_frame_equal(raw_rows(settings), before)
    mirror = query(settings, "SELECT source, outcome FROM raw.landing_manifest ORDER BY retrieved_at")
    assert mirror.values.tolist() == [["cbs", "success"], ["statline", "loaded"]]
