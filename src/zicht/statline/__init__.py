"""CBS tables downloaded from the StatLine website ("CSV met statistische symbolen"), landed and loaded."""

from zicht.statline.identify import table_id_from_file_name
from zicht.statline.land import SOURCE, StatlineLandingResult, land_statline_file
from zicht.statline.read import StatlineFileError, TableShape, read_statline_file

__all__ = [
    "SOURCE",
    "StatlineFileError",
    "StatlineLandingResult",
    "TableShape",
    "land_statline_file",
    "read_statline_file",
    "table_id_from_file_name",
]
