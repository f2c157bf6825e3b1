"""Landing a wijk- en buurtkaart: kept as delivered, loaded whole or not at all, a bad file quarantined."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from zicht.landing import read_manifest, sha256_file
from zicht.shapes import KaartFileError, land_shapes_file, land_shapes_inbox, read_kaart
from zicht.shapes.land import RAW_TABLE, shapes_inbox


def raw_rows(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(
            f"SELECT period_year, region_level, count(*) FROM raw.{RAW_TABLE} GROUP BY ALL ORDER BY ALL"
        ).fetchall()


def broken_copy(source: Path, target: Path, change) -> Path:
    collection = json.loads(source.read_text())
    change(collection)
    target.write_text(json.dumps(collection))
    return target


def test_a_kaart_is_landed_unchanged_and_loaded(settings, kaart_dir):
    path = kaart_dir / "wijkenbuurten_2024_buurten.geojson"
    result = land_shapes_file(path, settings=settings)
    buurten = len(json.loads(path.read_text())["features"])
    assert (result.year, result.levels, result.rows) == (2024, ["buurt"], buurten)
    assert sha256_file(result.landing_path) == sha256_file(path)
    assert raw_rows(settings) == [(2024, "buurt", buurten)]
    (record,) = read_manifest(settings.landing_dir)
    assert (record["outcome"], record["period"], record["row_count"]) == ("loaded", "2024", buurten)


def test_landing_the_same_layer_again_replaces_it(settings, kaart_dir):
    for name in ("wijkenbuurten_2024_buurten.geojson", "wijkenbuurten_2024_wijken.geojson"):
        land_shapes_file(kaart_dir / name, settings=settings)
    land_shapes_file(kaart_dir / "wijkenbuurten_2024_buurten.geojson", settings=settings)
    counts = dict(((level, n) for _, level, n in raw_rows(settings)))
    assert counts["buurt"] == len(
        json.loads((kaart_dir / "wijkenbuurten_2024_buurten.geojson").read_text())["features"]
    )
    assert counts["wijk"] > 0


def test_a_bad_file_in_the_inbox_is_quarantined_with_its_reason(settings, kaart_dir):
    inbox = shapes_inbox(settings)
    inbox.mkdir(parents=True)
    shutil.copyfile(
        kaart_dir / "wijkenbuurten_2023_gemeenten.geojson", inbox / "wijkenbuurten_2023_gemeenten.geojson"
    )

    def open_ring(collection):
        collection["features"][2]["geometry"]["coordinates"][0].pop()

    broken_copy(
        kaart_dir / "wijkenbuurten_2023_wijken.geojson",
        inbox / "wijkenbuurten_2023_wijken.geojson",
        open_ring,
    )
    outcomes = {o["file"]: o for o in land_shapes_inbox(settings)}

    assert outcomes["wijkenbuurten_2023_gemeenten.geojson"]["outcome"] == "loaded"
    rejected = outcomes["wijkenbuurten_2023_wijken.geojson"]
    assert rejected["outcome"] == "rejected"
    quarantined = Path(rejected["quarantine_path"])
    reason = json.loads(Path(f"{quarantined}.reason.json").read_text())
    assert (reason["rule"], reason["feature"]) == ("ring_closed", 3)
    assert "wijkenbuurten_2023_wijken.geojson, feature 3" in reason["reason"]
    assert quarantined.exists() and not any(inbox.iterdir())
    # Nothing of the bad file reached raw; the good one did.
    assert [level for _, level, _ in raw_rows(settings)] == ["gemeente"]
    outcomes_in_manifest = sorted(r["outcome"] for r in read_manifest(settings.landing_dir))
    assert outcomes_in_manifest == ["loaded", "rejected"]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda c: c.update(type="Feature"), "valid_geojson"),
        (
            lambda c: c.update(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}),
            "crs_wgs84",
        ),
        (lambda c: c["features"][0]["properties"].pop("wijkcode"), "properties_present"),
        (lambda c: c["features"][0]["properties"].update(buurtcode="BU12"), "code_pattern"),
        (lambda c: c["features"][0]["properties"].update(gemeentecode="GM9999"), "code_nesting"),
        (lambda c: c["features"].append(c["features"][0]), "code_unique"),
        (lambda c: c["features"][0]["geometry"].update(type="LineString"), "geometry_polygon"),
        (
            lambda c: c["features"][0]["geometry"]["coordinates"][0].__setitem__(1, [155000.0, 463000.0]),
            "position_in_netherlands",
        ),
    ],
)
def test_each_rule_names_file_feature_and_rule(tmp_path, kaart_dir, change, rule):
    path = broken_copy(
        kaart_dir / "wijkenbuurten_2025_buurten.geojson",
        tmp_path / "wijkenbuurten_2025_buurten.geojson",
        change,
    )
    with pytest.raises(KaartFileError) as caught:
        read_kaart(path)
    assert caught.value.rule == rule
    assert str(caught.value).startswith("wijkenbuurten_2025_buurten.geojson")


def test_water_features_are_skipped_and_the_year_can_be_given(tmp_path, kaart_dir):
    def add_water(collection):
        water = json.loads(json.dumps(collection["features"][0]))
        water["properties"]["water"] = "JA"
        collection["features"].append(water)

    path = broken_copy(
        kaart_dir / "wijkenbuurten_2025_gemeenten.geojson", tmp_path / "gemeenten.geojson", add_water
    )
    with pytest.raises(KaartFileError, match="year_known"):
        read_kaart(path)
    kaart = read_kaart(path, year=2025)
    assert kaart.rows.num_rows == len(json.loads(path.read_text())["features"]) - 1
