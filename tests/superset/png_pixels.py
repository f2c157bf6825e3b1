"""Count the coloured pixels of a PNG screenshot (8-bit RGB or RGBA, not interlaced) without Pillow."""

from __future__ import annotations

import struct
import zlib


def _unfilter(raw: bytes, width: int, height: int, channels: int) -> list[bytearray]:
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    position = 0
    for _ in range(height):
        kind = raw[position]
        line = bytearray(raw[position + 1 : position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(line)
        previous = line
    return rows


def _decode(png: bytes) -> tuple[int, int, int, list[bytearray]]:
    """Width, height, channels and the unfiltered pixel rows of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, data, header = 8, b"", None
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        chunk = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            data += chunk
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if colour_type == 2 else 4
    return width, height, channels, _unfilter(zlib.decompress(data), width, height, channels)


def coloured_fraction(png: bytes, threshold: int = 235) -> float:
    """Share of pixels that are not (near) white or grey: what a filled, value-coloured map draws."""
    width, height, channels, rows = _decode(png)
    coloured = 0
    for line in rows:
        for x in range(0, len(line), channels):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if min(r, g, b) < threshold and max(r, g, b) - min(r, g, b) > 12:
                coloured += 1
    return coloured / (width * height)


def grey_fraction(png: bytes, low: int = 130, high: int = 200) -> float:
    """Share of mid-grey pixels: how a map fills its unpublished regions (lighter than its outlines,
    darker than the white base map)."""
    width, height, channels, rows = _decode(png)
    grey = 0
    for line in rows:
        for x in range(0, len(line), channels):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if low <= min(r, g, b) and max(r, g, b) <= high and max(r, g, b) - min(r, g, b) <= 8:
                grey += 1
    return grey / (width * height)
