"""Read a StatLine "CSV met statistische symbolen" into TypedDataSet-like rows keyed by DataProperties Key.

The rows are what `zicht.cbs.raw_load.raw_arrow_table` expects from the OData route: strings as CBS
pads them (the raw load trims them and keeps the padded value in `<Name>_raw`), numbers typed,
`.` (StatLine's "figure unknown") as None.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow as pa

from zicht.statline.columns import StatlineColumn, statline_columns
from zicht.statline.export import DELIMITER, MISSING

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


class StatlineFileError(ValueError):
    """The file breaks a rule of the StatLine format; says which file, rule, line and column."""

    def __init__(
        self, file_name: str, rule: str, message: str, line: int | None = None, column: str | None = None
    ):
        self.file_name = file_name
        self.rule = rule
        self.line = line
        self.column = column
        where = file_name + (f", line {line}" if line is not None else "")
        where += f", column {column!r}" if column is not None else ""
        super().__init__(f"{where}: rule {rule}: {message}")


def _decode(data: bytes, file_name: str) -> str:
    try:
        # utf-8-sig drops the BOM StatLine writes, and reads a file saved without it just as well.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise StatlineFileError(file_name, "utf8", f"not UTF-8 at byte {error.start}", line=line) from error


def _map_header(header: list[str], columns: list[StatlineColumn], file_name: str) -> list[StatlineColumn]:
    """The table column behind each header title; a repeated title takes the next column so titled.

    Titles repeat in tables with one code/name pair per indeling (Gebieden in Nederland: `Code (code)`
    twice); StatLine writes them in DataProperties order, so the n-th occurrence is the n-th column.
    """
    unused: dict[str, list[StatlineColumn]] = {}
    for column in columns:
        unused.setdefault(column.title, []).append(column)
    mapped = []
    for title in (cell.strip() for cell in header):
        candidates = unused.get(title)
        if not candidates:
            known = ", ".join(repr(c.title) for c in columns)
            rule = "column_title_unique" if title in unused else "column_title_known"
            raise StatlineFileError(
                file_name,
                rule,
                f"header title {title!r} matches no (remaining) title of the table's DataProperties"
                f" (Title, with ' (Unit)' when it has a unit); expected: {known}",
                line=1,
                column=title,
            )
        mapped.append(candidates.pop(0))
    missing = [column.title for remaining in unused.values() for column in remaining]
    if missing:
        raise StatlineFileError(
            file_name,
            "column_present",
            f"the table has column(s) the file lacks: {missing}; a partial download would blank them",
            line=1,
            column=missing[0],
        )
    return mapped


def _value(text: str, column: StatlineColumn, file_name: str, line: int):
    if text.strip() == MISSING:
        return None
    if column.kind != "number":
        return text
    value = text.strip()
    if column.arrow_type == pa.int64():
        if _INTEGER.fullmatch(value):
            return int(value)
        expected = "a whole number"
    else:
        if _DECIMAL.fullmatch(value):
            return float(value.replace(",", "."))  # StatLine writes a decimal comma or point
        expected = "a number (decimal comma or point)"
    raise StatlineFileError(
        file_name,
        "number_format",
        f"{text!r} is not {expected} and not {MISSING!r}",
        line=line,
        column=column.title,
    )


def read_statline_rows(path: Path | str, data_properties: list[dict]) -> list[dict]:
    """The file's rows as dicts keyed by DataProperties Key; raises StatlineFileError on a broken rule."""
    path = Path(path)
    text = _decode(path.read_bytes(), path.name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, quotechar='"', strict=True)
    try:
        header = next(reader, None)
        if not header:
            raise StatlineFileError(path.name, "header_present", "the file is empty", line=1)
        columns = _map_header(header, statline_columns(data_properties), path.name)
        rows = []
        for fields in reader:
            if not fields:  # a blank line, e.g. at the end of the file
                continue
            line = reader.line_num
            if len(fields) != len(columns):
                raise StatlineFileError(
                    path.name,
                    "field_count",
                    f"{len(fields)} field(s), the header has {len(columns)}",
                    line=line,
                )
            rows.append(
                {
                    column.key: _value(cell, column, path.name, line)
                    for column, cell in zip(columns, fields, strict=True)
                }
            )
    except csv.Error as error:
        raise StatlineFileError(path.name, "csv_syntax", str(error), line=reader.line_num) from error
    return rows
