"""The synthetic wijk- en buurtkaart: deterministic, nested, inside the Netherlands, following the merger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zicht.synth.shapes import PROVINCE_BOXES, area, closed_ring, cut

KAART = "wijkenbuurtkaart"
_X_SCALE = 0.6129  # cos(52.2 degrees), so areas compare as on the ground


def layer(folder: Path, year: int, name: str) -> list[dict]:
    return json.loads((folder / KAART / f"wijkenbuurten_{year}_{name}.geojson").read_text())["features"]


def ring(feature: dict) -> list[tuple[float, float]]:
    return [(lon * _X_SCALE, lat) for lon, lat in feature["geometry"]["coordinates"][0][:-1]]


def inside_convex(
    point: tuple[float, float], polygon: list[tuple[float, float]], slack: float = 1e-6
) -> bool:
    """Counter-clockwise convex polygon: the point is left of (or on) every edge."""
    for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True):
        if (x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1) < -slack:
            return False
    return True


def test_same_seed_gives_identical_kaart_and_another_seed_another(demo_dir, tmp_path):
    from zicht.synth import generate

    again = generate("demo", 20261128, tmp_path / "again")
    other = generate("demo", 20261129, tmp_path / "other")
    for path in sorted((demo_dir / KAART).glob("*.geojson")):
        assert (again / KAART / path.name).read_bytes() == path.read_bytes(), path.name
    assert (other / KAART / "wijkenbuurten_2025_buurten.geojson").read_bytes() != (
        demo_dir / KAART / "wijkenbuurten_2025_buurten.geojson"
    ).read_bytes()


@pytest.mark.parametrize("year", [2021, 2025])
def test_buurten_tile_their_wijk_and_wijken_their_gemeente(demo_dir, year):
    gemeenten = {f["properties"]["gemeentecode"]: ring(f) for f in layer(demo_dir, year, "gemeenten")}
    wijken = {f["properties"]["wijkcode"]: f for f in layer(demo_dir, year, "wijken")}
    buurten = layer(demo_dir, year, "buurten")
    for parent, children, key in (
        (gemeenten, list(wijken.values()), "gemeentecode"),
        ({code: ring(f) for code, f in wijken.items()}, buurten, "wijkcode"),
    ):
        covered = dict.fromkeys(parent, 0.0)
        for child in children:
            outline = parent[child["properties"][key]]
            assert all(inside_convex(p, outline) for p in ring(child)), child["properties"]
            covered[child["properties"][key]] += area(ring(child))
        for code, polygon in parent.items():
            # Coordinates are rounded to 1e-6 degrees, so areas agree to a few millionths, not exactly.
            assert covered[code] == pytest.approx(area(polygon), rel=1e-4), f"{code} is not tiled"


def test_every_region_has_a_polygon_inside_its_province_box(demo_dir):
    ground_truth = json.loads((demo_dir / "ground_truth.json").read_text())
    for year, totals in ground_truth["totals"].items():
        for name, count in (("gemeenten", "gemeenten"), ("wijken", "wijken"), ("buurten", "buurten")):
            features = layer(demo_dir, int(year), name)
            assert len(features) == totals[count]
            for feature in features:
                coordinates = feature["geometry"]["coordinates"][0]
                assert coordinates[0] == coordinates[-1] and len(coordinates) >= 4
                assert all(3.3 <= lon <= 7.2 and 50.75 <= lat <= 53.5 for lon, lat in coordinates)


def test_a_merged_gemeente_is_the_union_of_its_parts(demo_dir):
    merger = json.loads((demo_dir / "ground_truth.json").read_text())["mergers"][0]
    before = {
        f["properties"]["gemeentecode"]: ring(f) for f in layer(demo_dir, merger["year"] - 1, "gemeenten")
    }
    after = {f["properties"]["gemeentecode"]: ring(f) for f in layer(demo_dir, merger["year"], "gemeenten")}
    merged = after[merger["new_code"]]
    assert not set(merger["old_codes"]) & set(after)
    assert sum(area(before[code]) for code in merger["old_codes"]) == pytest.approx(area(merged), rel=1e-9)
    for code in merger["old_codes"]:
        assert all(inside_convex(p, merged) for p in before[code])
    # The buurten keep their polygons under their new codes.
    old_buurten = {
        tuple(map(tuple, f["geometry"]["coordinates"][0]))
        for f in layer(demo_dir, merger["year"] - 1, "buurten")
    }
    new_buurten = {
        tuple(map(tuple, f["geometry"]["coordinates"][0])) for f in layer(demo_dir, merger["year"], "buurten")
    }
    assert old_buurten == new_buurten


def test_kaart_properties_follow_the_cbs_layers(demo_dir):
    assert set(layer(demo_dir, 2025, "gemeenten")[0]["properties"]) >= {"gemeentecode", "gemeentenaam"}
    assert set(layer(demo_dir, 2025, "wijken")[0]["properties"]) >= {"wijkcode", "wijknaam", "gemeentecode"}
    assert set(layer(demo_dir, 2025, "buurten")[0]["properties"]) >= {
        "buurtcode",
        "buurtnaam",
        "wijkcode",
        "gemeentecode",
        "gemeentenaam",
    }


def test_cut_gives_the_asked_share_and_shares_the_edge():
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    first, second = cut(square, 0.3, 0.4)
    assert area(first) == pytest.approx(0.3, abs=1e-9)
    assert area(first) + area(second) == pytest.approx(1.0, abs=1e-12)
    shared = set(first) & set(second)
    assert len(shared) == 2, "both parts must carry the same two cut points"


def test_rings_are_counter_clockwise_and_closed():
    ring_out = closed_ring([(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)])  # clockwise in
    assert ring_out[0] == ring_out[-1]
    assert area([tuple(p) for p in ring_out[:-1]]) > 0
    assert len(PROVINCE_BOXES) == 12
