"""Outlines for maps: the largest outer ring, simplified, closed; its centroid."""

from __future__ import annotations

import json
import math

import pytest

from zicht.shapes.outline import centroid, outline


def test_a_noisy_square_is_simplified_to_its_corners():
    side = [[i / 100, 0.00001 * (i % 2)] for i in range(100)]
    ring = side + [[1, i / 100] for i in range(100)] + [[1 - i / 100, 1] for i in range(100)]
    ring += [[0, 1 - i / 100] for i in range(100)] + [[0, 0]]
    simplified = json.loads(outline(json.dumps({"type": "Polygon", "coordinates": [ring]}), 0.001))
    assert simplified[0] == simplified[-1]
    assert sorted(map(tuple, simplified[:-1])) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_the_largest_part_of_a_multipolygon_is_drawn():
    island = [[5, 53], [5.01, 53], [5.01, 53.01], [5, 53]]
    mainland = [[4, 52], [5, 52], [5, 53], [4, 53], [4, 52]]
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [[island], [mainland, [[4.2, 52.2], [4.3, 52.2], [4.3, 52.3], [4.2, 52.2]]]],
    }
    assert json.loads(outline(json.dumps(geometry), 0.0)) == mainland


def test_centroid_of_a_rectangle():
    lon, lat = centroid(json.dumps([[4, 52], [6, 52], [6, 53], [4, 53], [4, 52]]))
    assert (lon, lat) == pytest.approx((5.0, 52.5))
    assert math.isclose(centroid(json.dumps([[4, 52], [4, 52], [4, 52], [4, 52]]))[0], 4)
    assert outline(None, 0.1) is None and centroid(None) is None
