"""Boundaries of the synthetic Netherlands: one polygon per buurt, nested up to the province.

Each province starts as a rough box where the real one lies. Its area is cut, again and again, by
straight lines into districts (province x RIEC region), gemeenten, wijken and buurten, each part
getting a share of the area proportional to its land and water. Every cut splits one polygon into
two, so the buurten of a wijk tile it exactly, the wijken tile their gemeente, and a shape above
buurt level is simply the polygon its buurten were cut from. The two gemeenten of a merger are cut
from one shared polygon, which is therefore the merged gemeente: the union of its parts.

Geometry is computed in a plane where one unit of x is one unit of y on the ground at 52.2 degrees
north (x = lon * cos(52.2)), so shares of area are shares of real area to within a few percent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.synth.mergers import Merger
from zicht.synth.regions import DISTRICTS

Point = tuple[float, float]
Polygon = list[Point]

# Rough boxes (lon_min, lat_min, lon_max, lat_max) where each province lies; they do not overlap.
PROVINCE_BOXES: dict[str, tuple[float, float, float, float]] = {
    "PV20": (6.25, 53.00, 7.20, 53.50),
    "PV21": (5.30, 52.85, 6.25, 53.45),
    "PV22": (6.25, 52.65, 7.05, 53.00),
    "PV23": (5.95, 52.20, 7.05, 52.65),
    "PV24": (5.15, 52.30, 5.95, 52.85),
    "PV25": (5.60, 51.75, 6.80, 52.20),
    "PV26": (4.80, 51.95, 5.60, 52.30),
    "PV27": (4.50, 52.30, 5.15, 53.00),
    "PV28": (3.90, 51.75, 4.80, 52.30),
    "PV29": (3.35, 51.30, 4.25, 51.75),
    "PV30": (4.25, 51.30, 5.95, 51.75),
    "PV31": (5.60, 50.75, 6.20, 51.30),
}
_X_SCALE = math.cos(math.radians(52.2))
# Cuts lean up to this many radians off square, so the shapes do not look like a spreadsheet.
MAX_TILT = 0.45
COORDINATE_DECIMALS = 6  # about 0.1 m: far below any boundary's precision, and shared edges stay equal
_SHAPE_STREAM = 0x5A1C47  # a stream of its own: drawing shapes leaves every other synthetic value unchanged


@dataclass(frozen=True)
class Node:
    """A region in the cutting tree: a key, the area it should get, and its parts."""

    key: str
    weight: float
    children: tuple[Node, ...] = ()


def area(polygon: Sequence[Point]) -> float:
    """Area by the shoelace formula (positive for counter-clockwise rings)."""
    return 0.5 * sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(polygon, [*polygon[1:], polygon[0]], strict=True)
    )


def clip(polygon: Polygon, normal: Point, offset: float, keep_below: bool) -> Polygon:
    """The part of a convex polygon on one side of the line normal . p = offset (Sutherland-Hodgman)."""
    sign = 1.0 if keep_below else -1.0

    def inside(p: Point) -> bool:
        return sign * (normal[0] * p[0] + normal[1] * p[1] - offset) <= 0

    result: Polygon = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        if inside(current) != inside(previous):
            # Computed the same way for both sides of a cut, so both parts share the exact point.
            a, b = sorted([previous, current])
            da = normal[0] * a[0] + normal[1] * a[1] - offset
            db = normal[0] * b[0] + normal[1] * b[1] - offset
            t = da / (da - db)
            result.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
        if inside(current):
            result.append(current)
    return result


def cut(polygon: Polygon, share: float, angle: float) -> tuple[Polygon, Polygon]:
    """Cut a convex polygon by a line at `angle` into parts holding `share` and 1 - share of its area."""
    normal = (math.cos(angle), math.sin(angle))
    projections = [normal[0] * x + normal[1] * y for x, y in polygon]
    low, high = min(projections), max(projections)
    target = share * area(polygon)
    for _ in range(32):  # 2**-32 of the width: far below the coordinate precision
        middle = (low + high) / 2
        if area(clip(polygon, normal, middle, keep_below=True)) < target:
            low = middle
        else:
            high = middle
    offset = (low + high) / 2
    return clip(polygon, normal, offset, True), clip(polygon, normal, offset, False)


def _long_axis_angle(polygon: Polygon) -> float:
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    return 0.0 if max(xs) - min(xs) >= max(ys) - min(ys) else math.pi / 2


def partition(polygon: Polygon, node: Node, rng: np.random.Generator, into: dict[str, Polygon]) -> None:
    """Give `node` the polygon and cut it among its children (in order), recursively."""
    into[node.key] = polygon
    children = list(node.children)
    while len(children) == 1:  # a part that is all of its parent: same polygon
        into[children[0].key] = polygon
        children = list(children[0].children)
    if not children:
        return
    if len(children) > 2:
        # Split the list where the two halves are closest to equal weight; keeps neighbours together.
        total = sum(c.weight for c in children)
        running = np.cumsum([c.weight for c in children])[:-1]
        split = int(np.argmin(np.abs(running - total / 2))) + 1
        halves = [
            Node(f"{node.key}/{name}", sum(c.weight for c in part), tuple(part))
            for name, part in (("a", children[:split]), ("b", children[split:]))
        ]
    else:
        halves = children
    share = halves[0].weight / (halves[0].weight + halves[1].weight)
    angle = _long_axis_angle(polygon) + rng.uniform(-MAX_TILT, MAX_TILT)
    first, second = cut(polygon, share, angle)
    for half, part in zip(halves, (first, second), strict=True):
        partition(part, half, rng, into)


def _tree(gemeenten: pd.DataFrame, buurten: pd.DataFrame, merger: Merger | None) -> list[tuple[str, Node]]:
    """Per province: districts -> gemeente groups (a merger's pair is one group) -> gemeenten ->
    wijken -> buurten, weighted by area."""
    weight = (buurten["land_ha"] + buurten["water_ha"]).clip(lower=1).astype(float)
    buurten = buurten.assign(_weight=weight)
    merged = set(merger.old_codes) if merger else set()
    provinces = []
    for province in PROVINCE_BOXES:
        districts = []
        for district in (d for d in DISTRICTS if d.province_code == province):
            in_district = gemeenten[
                (gemeenten["province_code"] == province) & (gemeenten["riec_code"] == district.riec_code)
            ]
            groups: list[Node] = []
            pair: list[Node] = []
            for code in in_district["gemeente_code"]:
                wijken = []
                own = buurten[buurten["gemeente_code"] == code]
                for wijk_code, wijk in own.groupby("wijk_code", sort=True):
                    pairs = zip(wijk["buurt_code"], wijk["_weight"], strict=True)
                    leaves = tuple(Node(buurt, weight) for buurt, weight in pairs)
                    wijken.append(Node(wijk_code, sum(n.weight for n in leaves), leaves))
                gemeente = Node(code, sum(n.weight for n in wijken), tuple(wijken))
                if code in merged:
                    pair.append(gemeente)
                    if len(pair) == len(merged):
                        groups.append(Node(merger.new_code, sum(n.weight for n in pair), tuple(pair)))
                else:
                    groups.append(gemeente)
            key = f"{province}-{district.riec_code}"
            districts.append(Node(key, sum(n.weight for n in groups), tuple(groups)))
        provinces.append((province, Node(province, sum(n.weight for n in districts), tuple(districts))))
    return provinces


def region_polygons(
    seed: int, gemeenten: pd.DataFrame, buurten: pd.DataFrame, merger: Merger | None
) -> dict[str, Polygon]:
    """Polygon (lon, lat) of every gemeente, wijk and buurt code of the first year, and of the merged
    gemeente under its new code. Same arguments, same polygons."""
    rng = np.random.default_rng([seed, _SHAPE_STREAM])
    planar: dict[str, Polygon] = {}
    for province, root in _tree(gemeenten, buurten, merger):
        lon_min, lat_min, lon_max, lat_max = PROVINCE_BOXES[province]
        x_min, x_max = lon_min * _X_SCALE, lon_max * _X_SCALE
        box = [(x_min, lat_min), (x_max, lat_min), (x_max, lat_max), (x_min, lat_max)]
        partition(box, root, rng, planar)
    return {
        key: [(round(x / _X_SCALE, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)) for x, y in polygon]
        for key, polygon in planar.items()
        if key[:2] in {"GM", "WK", "BU"}
    }


def closed_ring(polygon: Polygon) -> list[list[float]]:
    """A GeoJSON linear ring: [lon, lat] pairs, counter-clockwise, first point repeated at the end."""
    points = list(polygon) if area(polygon) >= 0 else list(reversed(polygon))
    return [[x, y] for x, y in [*points, points[0]]]


# The layers of the CBS/PDOK wijk- en buurtkaart and the properties each carries (codes and names).
LAYERS = ("gemeenten", "wijken", "buurten")


def _feature(properties: dict, polygon: Polygon) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [closed_ring(polygon)]},
    }


def wijk_en_buurtkaart(
    year: int,
    polygons: dict[str, Polygon],
    buurten: pd.DataFrame,
    register: pd.DataFrame,
    merger: Merger | None,
) -> dict[str, dict]:
    """The kaart of `year` as one GeoJSON FeatureCollection per layer, codes of that year's indeling.

    `register` holds the gemeenten of that year (gemeente_code, gemeente_name); `buurten` carries
    first-year codes and the codes after the merger (`*_new`), the polygons are keyed by the former.
    """
    after = merger is not None and year >= merger.year
    suffix = "_new" if after else ""
    names = dict(zip(register["gemeente_code"].tolist(), register["gemeente_name"].tolist(), strict=True))
    # Plain lists: row access on pandas' Arrow-backed strings is slow at national scale.
    rows = sorted(
        zip(
            buurten["buurt_code" + suffix].tolist(),
            buurten["buurt_name"].tolist(),
            buurten["wijk_code" + suffix].tolist(),
            buurten["wijk_name"].tolist(),
            buurten["gemeente_code" + suffix].tolist(),
            buurten["buurt_code"].tolist(),
            buurten["wijk_code"].tolist(),
            strict=True,
        )
    )
    layers: dict[str, list[dict]] = {layer: [] for layer in LAYERS}
    for gemeente in sorted({row[4] for row in rows}):
        # A merged gemeente's polygon is the one its parts were cut from, kept under its new code.
        properties = {"gemeentecode": gemeente, "gemeentenaam": names[gemeente], "water": "NEE"}
        layers["gemeenten"].append(_feature(properties, polygons[gemeente]))
    wijken = {row[2]: row for row in reversed(rows)}  # the first buurt of each wijk
    for wijk, (_, _, _, wijk_name, gemeente, _, shape_key) in sorted(wijken.items()):
        properties = {
            "wijkcode": wijk,
            "wijknaam": wijk_name,
            "gemeentecode": gemeente,
            "gemeentenaam": names[gemeente],
            "water": "NEE",
        }
        layers["wijken"].append(_feature(properties, polygons[shape_key]))
    for code, buurt_name, wijk, wijk_name, gemeente, shape_key, _ in rows:
        properties = {
            "buurtcode": code,
            "buurtnaam": buurt_name,
            "wijkcode": wijk,
            "wijknaam": wijk_name,
            "gemeentecode": gemeente,
            "gemeentenaam": names[gemeente],
            "water": "NEE",
        }
        layers["buurten"].append(_feature(properties, polygons[shape_key]))
    return {
        layer: {"type": "FeatureCollection", "name": f"wijkenbuurten_{year}_{layer}", "features": features}
        for layer, features in layers.items()
    }
