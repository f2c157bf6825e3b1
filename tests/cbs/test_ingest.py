import json

import duckdb
import pandas as pd
import pytest

from tests.cbs.conftest import FAST, settings_for
from zicht import landing
from zicht.cbs import CbsDownloadError, ingest_cbs_tables, raw_load
from zicht.odata import Fault, serve

KERN = "85984NED"
GEBIEDEN = "85067NED"


def query(settings, sql):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.sql(sql).df()
    finally:
        con.close()


def raw_tables(settings):
    if not settings.warehouse_path.exists():
        return set()
    return set(
        query(settings, "SELECT table_name FROM information_schema.tables WHERE table_schema='raw'")[
            "table_name"
        ]
    )


def test_landing_files_and_manifest_checksums(settings):
    (result,) = ingest_cbs_tables([KERN], settings=settings, options=FAST)
    assert result.landing_path.parent == settings.landing_dir / "cbs" / KERN
    names = sorted(p.name for p in result.landing_path.iterdir())
    assert names == [
        "CategoryGroups.json",
        "DataProperties.json",
        "TableInfos.json",
        "TypedDataSet.json",
        "WijkenEnBuurten.json",
    ]
    (record,) = landing.read_manifest(settings.landing_dir)
    assert record["outcome"] == "success" and record["source"] == "cbs" and record["table_id"] == KERN
    assert record["period"] == "2024" and record["ingest_id"] == result.ingest_id
    for entry in record["files"]:
        assert entry["sha256"] == landing.sha256_file(result.landing_path / entry["name"])
    typed = json.loads((result.landing_path / "TypedDataSet.json").read_text())
    assert record["row_count"] == len(typed) == result.row_count
    assert not [p for p in result.landing_path.parent.iterdir() if p.name.startswith(".incoming")]


def test_raw_table_follows_the_contract(settings, synthetic_dir):
    ingest_cbs_tables([KERN, GEBIEDEN], settings=settings, options=FAST)
    raw = query(settings, f"SELECT * FROM raw.cbs__{KERN.lower()}")
    expected = pd.read_parquet(synthetic_dir / "kerncijfers_2024.parquet")
    assert raw["WijkenEnBuurten"].tolist() == expected["code"].tolist()
    assert (raw["WijkenEnBuurten_raw"].str.len() == 10).all()
    assert raw.loc[0, "WijkenEnBuurten_raw"] == "NL00      " and raw.loc[0, "Codering_raw"] == "NL00      "
    assert raw["Codering"].tolist() == expected["code"].tolist()
    assert set(raw["SoortRegio"]) == {"Land", "Gemeente", "Wijk", "Buurt"}
    assert raw["Gemeentenaam"].tolist() == expected["gemeente_name"].tolist()
    assert raw["AantalInwoners"].tolist() == expected["AantalInwoners"].tolist()
    assert not any(column.endswith(tuple(f"_{n}" for n in range(10))) for column in raw.columns)
    assert set(raw["table_id"]) == {KERN} and set(raw["period"]) == {"2024"}
    woz_missing = expected["GemiddeldeWOZWaardeVanWoningen"].isna()
    assert (
        woz_missing.any() and raw.loc[woz_missing.to_numpy(), "GemiddeldeWOZWaardeVanWoningen"].isna().all()
    )
    types = dict(query(settings, f"DESCRIBE raw.cbs__{KERN.lower()}")[["column_name", "column_type"]].values)
    assert types["AantalInwoners"] == "BIGINT" and types["GemiddeldeHuishoudensgrootte"] == "DOUBLE"
    gebieden = query(settings, "SELECT * FROM raw.cbs_gebieden_in_nederland")
    assert {"RegioS", "RegioS_raw", "Provincies_Code", "PolitieRegionaleEenheden_Code"} <= set(
        gebieden.columns
    )
    assert gebieden["Provincies_Code"].str.fullmatch(r"PV\d\d").all()


def test_family_view_unions_years_by_name(settings):
    ingest_cbs_tables(["85039NED", KERN], settings=settings, options=FAST)
    view = query(
        settings,
        "SELECT period, count(*) AS n, count(Eenpersoonshuishoudens) AS single "
        "FROM raw.cbs_kerncijfers_wijken_buurten GROUP BY period ORDER BY period",
    )
    assert view["period"].tolist() == ["2021", "2024"]
    assert view.loc[0, "single"] == 0 and view.loc[1, "single"] == view.loc[1, "n"]


def test_rerun_replaces_the_load_and_lands_again(settings):
    first = ingest_cbs_tables([KERN], settings=settings, options=FAST)[0]
    second = ingest_cbs_tables([KERN], settings=settings, options=FAST)[0]
    assert first.landing_path != second.landing_path and first.landing_path.exists()
    raw = query(settings, f"SELECT ingest_id, count(*) AS n FROM raw.cbs__{KERN.lower()} GROUP BY ingest_id")
    assert raw["ingest_id"].tolist() == [second.ingest_id] and raw["n"].iloc[0] == second.row_count
    manifest = query(settings, "SELECT ingest_id, outcome FROM raw.landing_manifest ORDER BY retrieved_at")
    assert manifest["ingest_id"].tolist() == [first.ingest_id, second.ingest_id]


@pytest.mark.parametrize(
    "fault",
    [Fault("status", status=500), Fault("malformed"), Fault("sleep", seconds=2.0)],
    ids=["http-500", "malformed", "timeout"],
)
def test_failures_raise_clearly_and_leave_the_warehouse_alone(tmp_path, synthetic_dir, fault):
    path = f"/ODataFeed/odata/{KERN}/TypedDataSet"
    with serve(synthetic_dir, faults={path: fault}) as broken:
        settings = settings_for(tmp_path / "data", broken)
        ingest_cbs_tables([GEBIEDEN], settings=settings, options=FAST)
        before = raw_tables(settings)
        options = FAST.__class__(attempts=2, backoff_seconds=0.0, timeout_seconds=0.5)
        with pytest.raises(CbsDownloadError) as caught:
            ingest_cbs_tables([KERN], settings=settings, options=options)
        assert KERN in str(caught.value) and "after 2 attempt(s)" in str(caught.value)
        assert f"{broken.url}/ODataFeed/odata/{KERN}/" in caught.value.url
        assert sum(path in request for request in broken.requests) == 2
    assert raw_tables(settings) == before and f"cbs__{KERN.lower()}" not in before
    assert not (settings.landing_dir / "cbs" / KERN).exists() or not any(
        (settings.landing_dir / "cbs" / KERN).iterdir()
    )
    failed = [r for r in landing.read_manifest(settings.landing_dir) if r["table_id"] == KERN]
    assert [r["outcome"] for r in failed] == ["failed"] and KERN in failed[0]["error"]


def test_retry_recovers_from_a_passing_fault(tmp_path, synthetic_dir):
    path = f"/ODataFeed/odata/{KERN}/DataProperties"
    with serve(synthetic_dir, faults={path: Fault("status", status=502, times=1)}) as flaky:
        settings = settings_for(tmp_path / "data", flaky)
        (result,) = ingest_cbs_tables([KERN], settings=settings, options=FAST)
    assert result.row_count > 0 and f"cbs__{KERN.lower()}" in raw_tables(settings)


def test_a_failing_load_rolls_back_completely(settings, monkeypatch):
    ingest_cbs_tables([GEBIEDEN], settings=settings, options=FAST)

    def broken_view(con, family):
        raise RuntimeError("view failed")

    monkeypatch.setattr(raw_load, "refresh_family_view", broken_view)
    with pytest.raises(RuntimeError, match="view failed"):
        ingest_cbs_tables([KERN], settings=settings, options=FAST)
    assert f"cbs__{KERN.lower()}" not in raw_tables(settings)
    assert len(query(settings, "SELECT * FROM raw.landing_manifest")) == 1
