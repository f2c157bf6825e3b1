"""Region boundaries: the CBS wijk- en buurtkaart landed, validated and loaded into `raw`."""

from zicht.shapes.kaart import KaartFileError, read_kaart
from zicht.shapes.land import ensure_raw_table, land_shapes_file, land_shapes_inbox

__all__ = ["KaartFileError", "ensure_raw_table", "land_shapes_file", "land_shapes_inbox", "read_kaart"]
