"""CBS tables downloaded from the StatLine website ("CSV met statistische symbolen"), landed and loaded."""

from zicht.statline.export import write_statline_csv
from zicht.statline.land import SOURCE, StatlineLandingResult, land_statline_file, table_id_from_file_name
from zicht.statline.read import StatlineFileError, read_statline_rows

__all__ = [
    "SOURCE",
    "StatlineFileError",
    "StatlineLandingResult",
    "land_statline_file",
    "read_statline_rows",
    "table_id_from_file_name",
    "write_statline_csv",
]
