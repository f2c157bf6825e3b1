import json

import pandas as pd
import pytest

from tests.cbs.conftest import FAST, settings_for
from tests.cbs.test_ingest import query, raw_tables
from zicht import landing
from zicht.cbs import ingest_cbs_tables
from zicht.odata import serve


def test_one_period_lands_as_its_own_batch_and_raw_table(settings, server, synthetic_dir):
    (result,) = ingest_cbs_tables(["47022NED:2024JJ00"], settings=settings, options=FAST)
    assert result.landing_path.parent == settings.landing_dir / "cbs" / "47022NED" / "2024JJ00"
    assert result.raw_table == "raw.cbs__47022ned__2024jj00" and result.period == "2024"
    assert "2024JJ00" in result.ingest_id
    assert any("$filter=Perioden+eq+%272024JJ00%27" in r for r in server.requests if "TypedDataSet" in r)
    landed = json.loads((result.landing_path / "TypedDataSet.json").read_text())
    assert {row["Perioden"] for row in landed} == {"2024JJ00"}
    (record,) = landing.read_manifest(settings.landing_dir)
    assert (record["table_id"], record["period"], record["cbs_period"]) == ("47022NED", "2024", "2024JJ00")
    assert record["family"] == "geregistreerde_misdrijven" and record["row_count"] == len(landed)

    raw = query(settings, "SELECT * FROM raw.cbs__47022ned__2024jj00")
    expected = pd.read_parquet(synthetic_dir / "misdrijven_2024.parquet")
    assert raw["SoortMisdrijf"].tolist() == expected["crime_code"].tolist()
    assert raw["WijkenEnBuurten"].tolist() == expected["code"].tolist()
    assert raw["GeregistreerdeMisdrijven"].tolist() == expected["registered_crimes"].tolist()
    # Padded codes are trimmed on load; the untrimmed value is kept beside them.
    assert set(raw.loc[raw["SoortMisdrijf"] == "3.1.1", "SoortMisdrijf_raw"]) == {"3.1.1 "}
    assert set(raw["Perioden"]) == {"2024JJ00"} and set(raw["period"]) == {"2024"}
    categories = query(
        settings, "SELECT dimension, Key, Key_raw, Title FROM raw.cbs__47022ned__2024jj00__categories"
    )
    crime = categories[categories["dimension"] == "SoortMisdrijf"].set_index("Key")
    assert crime.loc["3.1.1", "Title"] == "Drugshandel" and crime.loc["3.1.1", "Key_raw"] == "3.1.1 "
    assert set(categories.loc[categories["dimension"] == "Perioden", "Key"]) == {
        "2023JJ00",
        "2024JJ00",
        "2025JJ00",
    }


def test_family_view_unions_periods_of_both_table_ids(settings):
    results = ingest_cbs_tables(["47018NED", "47022NED:2023JJ00"], settings=settings, options=FAST)
    assert [r.raw_table for r in results] == [
        "raw.cbs__47018ned__2021jj00",
        "raw.cbs__47018ned__2022jj00",
        "raw.cbs__47022ned__2023jj00",
    ]
    view = query(
        settings,
        "SELECT table_id, period, Perioden, count(*) AS n FROM raw.cbs_geregistreerde_misdrijven"
        " GROUP BY ALL ORDER BY period",
    )
    assert view[["table_id", "period", "Perioden"]].values.tolist() == [
        ["47018NED", "2021", "2021JJ00"],
        ["47018NED", "2022", "2022JJ00"],
        ["47022NED", "2023", "2023JJ00"],
    ]
    assert view["n"].tolist() == [r.row_count for r in results]
    names = query(settings, "SELECT DISTINCT period FROM raw.cbs_geregistreerde_misdrijven__categories")
    assert sorted(names["period"]) == ["2021", "2022", "2023"]
    views = query(settings, "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'")
    assert {
        "cbs_geregistreerde_misdrijven",
        "cbs_geregistreerde_misdrijven__regions",
        "cbs_geregistreerde_misdrijven__categories",
    } <= set(views["table_name"])


def test_suspects_and_sales_load_per_period(settings, synthetic_dir):
    ingest_cbs_tables(["85655NED:2025JJ00", "83625NED:2025JJ00"], settings=settings, options=FAST)
    suspects = query(settings, "SELECT * FROM raw.cbs_verdachten")
    assert (suspects["Verdachten"] % 10 == 0).all() and set(suspects["RegioS_raw"].str.len()) == {6}
    assert set(suspects["Delict"]) == {"T001", "D001", "D002", "D003"}
    assert set(suspects["Leeftijd"]) == {"T009", "L012", "L025"}
    sales = query(settings, "SELECT * FROM raw.cbs_verkochte_woningen")
    expected = pd.read_parquet(synthetic_dir / "verkochte_woningen_2025.parquet")
    assert sales["RegioS"].tolist() == expected["code"].tolist()
    assert sales["VerkochteWoningen"].tolist() == expected["VerkochteWoningen"].tolist()


def test_a_missing_value_stays_null(tmp_path, synthetic_dir):
    served = tmp_path / "synthetic"
    served.mkdir()
    for path in synthetic_dir.glob("*.*"):  # the tables and ground truth, not the boundary folder
        (served / path.name).write_bytes(path.read_bytes())
    crimes = pd.read_parquet(served / "misdrijven_2021.parquet")
    crimes.loc[20, "registered_crimes"] = pd.NA
    crimes.to_parquet(served / "misdrijven_2021.parquet", index=False)
    with serve(served) as local:
        settings = settings_for(tmp_path / "data", local)
        ingest_cbs_tables(["47018NED:2021JJ00"], settings=settings, options=FAST)
    raw = query(settings, "SELECT GeregistreerdeMisdrijven FROM raw.cbs__47018ned__2021jj00 ORDER BY ID")
    assert raw["GeregistreerdeMisdrijven"].isna().tolist() == [i == 20 for i in range(len(crimes))]


def test_a_period_the_table_lacks_fails_clearly(settings, monkeypatch):
    from zicht.cbs import catalog

    real = catalog.select_tables(["85655NED:2025JJ00"])[0]
    missing = real.__class__(**{**real.__dict__, "period": "2030JJ00", "year": 2030})
    monkeypatch.setattr("zicht.cbs.ingest.select_tables", lambda ids: [missing])
    with pytest.raises(ValueError, match="85655NED has no rows for period 2030JJ00"):
        ingest_cbs_tables(["85655NED:2030JJ00"], settings=settings, options=FAST)
    (record,) = landing.read_manifest(settings.landing_dir)
    assert record["outcome"] == "failed" and "2030JJ00" in record["error"]
    assert "cbs__85655ned__2030jj00" not in raw_tables(settings)
