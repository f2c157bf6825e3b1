"""From a delivered GeoJSON geometry to the small outline a map draws: one ring, simplified.

deck.gl's Polygon layer in Superset takes one ring per row as JSON `[[lon, lat], ...]`. A region
delivered as a MultiPolygon (islands) or with holes is drawn by its largest polygon's outer ring;
the ring is simplified (Douglas-Peucker) so a national buurt layer stays a few megabytes.
"""

from __future__ import annotations

import json
import math

DECIMALS = 5  # about 1 m: enough for a map, and short JSON


def _area(ring: list[list[float]]) -> float:
    return 0.5 * sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))


def _distance(point: list[float], start: list[float], end: list[float]) -> float:
    dx, dy = end[0] - start[0], end[1] - start[1]
    if dx == 0 and dy == 0:
        return math.hypot(point[0] - start[0], point[1] - start[1])
    return abs(dy * point[0] - dx * point[1] + end[0] * start[1] - end[1] * start[0]) / math.hypot(dx, dy)


def simplify(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on an open line: keeps both ends and every point further than `tolerance`."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            distance = _distance(points[i], points[first], points[last])
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def outer_ring(geometry: dict) -> list[list[float]]:
    """The outer ring of the polygon with the largest area."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return max((polygon[0] for polygon in polygons), key=lambda ring: abs(_area(ring)))


def outline(geometry_json: str | None, tolerance: float) -> str | None:
    """The simplified outer ring as JSON `[[lon, lat], ...]`, closed; None for no geometry."""
    if geometry_json is None:
        return None
    ring = [[float(p[0]), float(p[1])] for p in outer_ring(json.loads(geometry_json))]
    # Split the closed ring at its far point, so both halves are open lines with fixed ends.
    far = max(range(len(ring)), key=lambda i: math.hypot(ring[i][0] - ring[0][0], ring[i][1] - ring[0][1]))
    simplified = simplify(ring[: far + 1], tolerance)[:-1] + simplify(ring[far:], tolerance)
    if len(simplified) < 4:
        simplified = ring
    rounded = [[round(lon, DECIMALS), round(lat, DECIMALS)] for lon, lat in simplified]
    return json.dumps(rounded, separators=(",", ":"))


def centroid(ring_json: str | None) -> list[float] | None:
    """Area centroid [lon, lat] of a closed ring given as JSON (the mean point for a degenerate ring)."""
    if ring_json is None:
        return None
    ring = json.loads(ring_json)
    area = _area(ring)
    if area == 0:
        return [sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)]
    cross = [a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)]
    lon = sum((a[0] + b[0]) * c for a, b, c in zip(ring, ring[1:], cross, strict=False)) / (6 * area)
    lat = sum((a[1] + b[1]) * c for a, b, c in zip(ring, ring[1:], cross, strict=False)) / (6 * area)
    return [lon, lat]
