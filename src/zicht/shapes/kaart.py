"""Read a wijk- en buurtkaart GeoJSON file (CBS, distributed by PDOK) into rows for the raw table.

Expected, as the kaart's layers `gemeenten`, `wijken` and `buurten` deliver it (one file per layer,
or one file holding several layers: each feature's level follows from its properties):

| level    | required properties                                   | optional            |
|----------|-------------------------------------------------------|---------------------|
| buurt    | `buurtcode`, `buurtnaam`, `wijkcode`, `gemeentecode`  | `gemeentenaam`, `water` |
| wijk     | `wijkcode`, `wijknaam`, `gemeentecode`                | `gemeentenaam`, `water` |
| gemeente | `gemeentecode`, `gemeentenaam`                        | `water`             |

A feature with `buurtcode` is a buurt, else one with `wijkcode` a wijk, else a gemeente. Features with
`water` = `JA` (the water part of a region, delivered as a separate feature) are skipped. Geometry is
a `Polygon` or `MultiPolygon` in WGS84 lon/lat (GeoJSON's own CRS; request PDOK's WFS with
`srsName=EPSG:4326`, the default RD New is refused because nothing here can reproject it). Codes are
trimmed. The year comes from the caller, or from a year in the file name (`wijkenbuurten_2024_...`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from zicht.errors import ZichtError

LEVEL_PROPERTIES = {
    "buurt": ("buurtcode", "buurtnaam", "wijkcode", "gemeentecode"),
    "wijk": ("wijkcode", "wijknaam", "gemeentecode"),
    "gemeente": ("gemeentecode", "gemeentenaam"),
}
CODE_PATTERNS = {
    "gemeente": re.compile(r"GM[0-9]{4}"),
    "wijk": re.compile(r"WK[0-9]{6}"),
    "buurt": re.compile(r"BU[0-9]{4}[0-9A-Z]{4}"),
}
# Rough box around the Netherlands, with its territorial waters: catches swapped or projected coordinates.
LON_RANGE = (3.0, 7.5)
LAT_RANGE = (50.5, 54.0)
WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326")
_YEAR_IN_NAME = re.compile(r"(?<![0-9])(20[0-9]{2})(?![0-9])")

RAW_COLUMNS = (
    ("period_year", pa.int32()),
    ("region_level", pa.string()),
    ("region_code", pa.string()),
    ("region_name", pa.string()),
    ("wijk_code", pa.string()),
    ("gemeente_code", pa.string()),
    ("gemeente_name", pa.string()),
    ("geometry", pa.string()),  # the feature's GeoJSON geometry, as delivered
    ("source_feature", pa.int64()),  # 1-based position of the feature in the file
)


class KaartFileError(ZichtError, ValueError):
    """The file breaks a rule: which file, which feature (1-based) and which rule."""

    def __init__(self, file_name: str, rule: str, message: str, feature: int | None = None):
        self.file_name, self.rule, self.feature = file_name, rule, feature
        where = f"{file_name}, feature {feature}" if feature is not None else file_name
        super().__init__(f"{where}: rule {rule}: {message}")


@dataclass(frozen=True)
class Kaart:
    year: int
    rows: pa.Table

    @property
    def levels(self) -> list[str]:
        return sorted(set(self.rows.column("region_level").to_pylist()))


def year_of(file_name: str, year: int | None) -> int:
    if year is not None:
        return int(year)
    found = _YEAR_IN_NAME.findall(file_name)
    if len(found) != 1:
        raise KaartFileError(file_name, "year_known", "give the year: the file name holds no single year")
    return int(found[0])


def _check_crs(file_name: str, collection: dict) -> None:
    crs = collection.get("crs")
    if crs is None:
        return
    name = str((crs.get("properties") or {}).get("name", ""))
    if not any(name.upper().endswith(accepted) for accepted in WGS84_NAMES):
        raise KaartFileError(
            file_name, "crs_wgs84", f"coordinates must be WGS84 lon/lat, the file says {name!r}"
        )


def _rings(geometry: dict) -> list[list]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        return list(coordinates or [])
    if kind == "MultiPolygon":
        return [ring for polygon in coordinates or [] for ring in polygon]
    raise ValueError(f"geometry type {kind!r} is not Polygon or MultiPolygon")


def _check_geometry(file_name: str, number: int, geometry: object) -> None:
    if not isinstance(geometry, dict):
        raise KaartFileError(file_name, "geometry_present", "the feature has no geometry", number)
    try:
        rings = _rings(geometry)
    except (ValueError, TypeError) as error:
        raise KaartFileError(file_name, "geometry_polygon", str(error), number) from None
    if not rings:
        raise KaartFileError(file_name, "geometry_polygon", "the polygon has no ring", number)
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            raise KaartFileError(
                file_name,
                "ring_closed",
                "a ring needs 4 or more positions, the last equal to the first",
                number,
            )
        for position in ring:
            if not (isinstance(position, list) and len(position) >= 2):
                raise KaartFileError(
                    file_name, "position_lon_lat", f"position {position!r} is not [lon, lat]", number
                )
            lon, lat = position[0], position[1]
            if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
                raise KaartFileError(
                    file_name,
                    "position_in_netherlands",
                    f"position [{lon}, {lat}] is not WGS84 lon/lat in the Netherlands",
                    number,
                )


def _level(properties: dict) -> str:
    if properties.get("buurtcode"):
        return "buurt"
    return "wijk" if properties.get("wijkcode") else "gemeente"


def _text(value: object) -> str | None:
    return None if value is None else str(value).strip()


def read_kaart(path: Path, year: int | None = None) -> Kaart:
    """Validate the file and return its rows; raise KaartFileError naming file, feature and rule."""
    path = Path(path)
    name = path.name
    period_year = year_of(name, year)
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise KaartFileError(name, "valid_geojson", f"not JSON: {error}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise KaartFileError(name, "valid_geojson", "the file is not a GeoJSON FeatureCollection")
    _check_crs(name, collection)
    features = collection.get("features") or []
    if not features:
        raise KaartFileError(name, "has_features", "the FeatureCollection holds no feature")
    rows: dict[str, list] = {column: [] for column, _ in RAW_COLUMNS}
    seen: dict[tuple[str, str], int] = {}
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        if str(properties.get("water", "")).strip().upper() == "JA":
            continue
        level = _level(properties)
        missing = [key for key in LEVEL_PROPERTIES[level] if _text(properties.get(key)) in (None, "")]
        if missing:
            raise KaartFileError(name, "properties_present", f"{level} without {', '.join(missing)}", number)
        code = _text(properties[f"{level}code"])
        if not CODE_PATTERNS[level].fullmatch(code):
            raise KaartFileError(
                name, "code_pattern", f"{level} code {code!r} is not a CBS {level} code", number
            )
        gemeente_code = _text(properties["gemeentecode"])
        if not CODE_PATTERNS["gemeente"].fullmatch(gemeente_code) or code[2:6] != gemeente_code[2:]:
            raise KaartFileError(
                name, "code_nesting", f"{code} does not lie in gemeente {gemeente_code!r}", number
            )
        if (level, code) in seen:
            raise KaartFileError(
                name, "code_unique", f"{code} appears again (first as feature {seen[level, code]})", number
            )
        seen[level, code] = number
        _check_geometry(name, number, feature.get("geometry"))
        rows["period_year"].append(period_year)
        rows["region_level"].append(level)
        rows["region_code"].append(code)
        rows["region_name"].append(_text(properties.get(f"{level}naam")))
        rows["wijk_code"].append(_text(properties.get("wijkcode")) if level != "gemeente" else None)
        rows["gemeente_code"].append(gemeente_code)
        rows["gemeente_name"].append(_text(properties.get("gemeentenaam")))
        rows["geometry"].append(json.dumps(feature["geometry"], separators=(",", ":")))
        rows["source_feature"].append(number)
    table = pa.table({column: pa.array(rows[column], kind) for column, kind in RAW_COLUMNS})
    if table.num_rows == 0:
        raise KaartFileError(name, "has_features", "every feature is water; nothing to load")
    return Kaart(period_year, table)
