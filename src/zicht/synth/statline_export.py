"""Write a synthetic CBS table as the StatLine website writes a download of it.

The table is shaped by `zicht.odata.shape.build_table`, the same code the local OData server uses,
so a download and the API route describe exactly the same table. The format is StatLine's own
(zicht.statline.format, docs/statline.md): BOM, `;`, headings with topic-group paths and units,
category titles in the dimension columns, period titles with `*`/`**` for provisional periods, and
the file named after the table's title and a time stamp. Two variants, as the website offers them:

- `symbols` ("CSV met statistische symbolen"): every field quoted, numbers right-aligned, `.` for a
  missing figure, decimal point;
- `plain` ("CSV"): strings quoted, numbers bare, a missing figure empty, decimal comma.

A user's selection is imitated with `topics`, `regions` and `periods`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from zicht.cbs.catalog import tables_by_id
from zicht.odata.shape import PERIOD_DIMENSION, build_table, data_file
from zicht.statline.columns import StatlineColumn, statline_columns
from zicht.statline.format import DELIMITER, NUMBER_WIDTH, UNKNOWN, download_file_name, period_mark

VARIANTS = ("symbols", "plain")
DEFAULT_MOMENT = datetime(2026, 12, 3, 12, 0, 0)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class _Writer:
    def __init__(self, entity_sets: dict, columns: list[StatlineColumn], variant: str, decimal_comma: bool):
        self.variant = variant
        self.decimal_comma = decimal_comma
        self.columns = columns
        self.titles = {
            column.key: {row["Key"]: row for row in entity_sets[column.key]}
            for column in columns
            if column.is_dimension
        }

    def header(self) -> str:
        return DELIMITER.join(_quoted(column.heading) for column in self.columns)

    def row(self, row: dict) -> str:
        return DELIMITER.join(self._cell(row.get(column.key), column) for column in self.columns)

    def _cell(self, value, column: StatlineColumn) -> str:
        if column.is_dimension:
            category = self.titles[column.key][value]
            title = str(category["Title"])
            return _quoted(title + period_mark(category.get("Status")) if column.is_period else title)
        if column.kind != "number":
            return _quoted(UNKNOWN if value is None else str(value))
        if value is None:
            return _quoted(UNKNOWN.rjust(NUMBER_WIDTH)) if self.variant == "symbols" else ""
        text = f"{value:.{column.decimals}f}" if isinstance(value, float) else str(value)
        if self.decimal_comma:
            text = text.replace(".", ",")
        return _quoted(text.rjust(NUMBER_WIDTH)) if self.variant == "symbols" else text


def _ordered(columns: list[StatlineColumn], topics: set[str] | None) -> list[StatlineColumn]:
    """Dimensions first, the period leading (as in the downloads seen), then the selected topics."""
    periods = [c for c in columns if c.is_period]
    dimensions = [c for c in columns if c.is_dimension and not c.is_period]
    chosen = [c for c in columns if not c.is_dimension and (topics is None or c.name in topics)]
    return [*periods, *dimensions, *chosen]


def write_statline_csv(
    table_id: str,
    synthetic_dir: Path | str,
    destination: Path | str,
    *,
    variant: str = "symbols",
    topics: Iterable[str] | None = None,
    regions: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    decimal_comma: bool | None = None,
    moment: datetime = DEFAULT_MOMENT,
    line_end: str = "\r\n",
) -> Path:
    """Write table `table_id` of the synthetic Netherlands as a StatLine download; returns its path.

    `destination` is a folder (the file gets StatLine's name: title and `moment`) or a file path.
    `topics` are raw column names, `regions` region codes and `periods` Perioden keys to select;
    None selects all. `decimal_comma` defaults to what each variant was seen with.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, not {variant!r}")
    entries = [t for t in tables_by_id(table_id) if data_file(Path(synthetic_dir), t).exists()]
    shaped = build_table(Path(synthetic_dir), entries if entries[0].period else entries[0])
    properties = shaped.entity_sets["DataProperties"]
    columns = _ordered(statline_columns(properties), set(topics) if topics is not None else None)
    writer = _Writer(
        shaped.entity_sets, columns, variant, variant == "plain" if decimal_comma is None else decimal_comma
    )
    region_key = entries[0].region_dimension
    wanted_regions = {code.strip() for code in regions} if regions is not None else None
    wanted_periods = set(periods) if periods is not None else None
    lines = [writer.header()]
    for row in shaped.entity_sets["TypedDataSet"]:
        if wanted_regions is not None and row[region_key].strip() not in wanted_regions:
            continue
        if wanted_periods is not None and row.get(PERIOD_DIMENSION) not in wanted_periods:
            continue
        lines.append(writer.row(row))
    destination = Path(destination)
    path = destination / download_file_name(entries[0].title, moment) if destination.is_dir() else destination
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\ufeff" + line_end.join(lines) + line_end).encode("utf-8"))
    return path
