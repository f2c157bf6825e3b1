"""Write a synthetic CBS table as the StatLine website's "CSV met statistische symbolen".

UTF-8 with BOM, `;` separated, every field quoted, human column titles with units in brackets,
codes and strings padded as CBS pads them, numbers right-aligned, `.` wherever the OData
TypedDataSet has null. The table is shaped by `zicht.odata.shape.build_table`, the same code the
local OData server uses, so the file and the API route describe exactly the same table.
"""

from __future__ import annotations

import csv
from pathlib import Path

from zicht.cbs.catalog import table_by_id
from zicht.odata.shape import UNTYPED_WIDTH, build_table
from zicht.statline.columns import StatlineColumn, statline_columns

DELIMITER = ";"
MISSING = "."


def _cell(value, column: StatlineColumn, decimal_comma: bool) -> str:
    if value is None:
        return MISSING
    if column.kind != "number":
        return str(value)  # already padded by the shaping, as StatLine shows it
    # repr gives the shortest text that reads back as the same float, so no precision is lost.
    text = repr(value) if isinstance(value, float) else str(value)
    if decimal_comma:
        text = text.replace(".", ",")
    return text.rjust(UNTYPED_WIDTH)


def write_statline_csv(
    table_id: str, synthetic_dir: Path | str, path: Path | str, *, decimal_comma: bool = False
) -> Path:
    """Write catalog table `table_id` of the synthetic Netherlands in `synthetic_dir` to `path`."""
    table = table_by_id(table_id)
    shaped = build_table(Path(synthetic_dir), table)
    columns = statline_columns(shaped.entity_sets["DataProperties"])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=DELIMITER, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow([column.title for column in columns])
        for row in shaped.entity_sets["TypedDataSet"]:
            writer.writerow([_cell(row.get(column.key), column, decimal_comma) for column in columns])
    return path
