"""Read a StatLine download ("CSV met statistische symbolen", or the plain "CSV") of one CBS table.

The result is what the OData route delivers, row for row: TypedDataSet-like dicts keyed by
DataProperties Key (dimension keys as the dimension pads them, strings as CBS pads them, numbers typed,
missing figures None), plus what only the download says: per row the symbol behind each missing
figure (`.` or blank) and the period's status (`*`, `**`). The header may hold any subset of the
topics and the rows any subset of the categories: that is a user's selection, not an error. The
format itself is described in zicht.statline.format and docs/statline.md.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from zicht.errors import ZichtError
from zicht.statline.columns import StatlineColumn, statline_columns
from zicht.statline.dimensions import DimensionIndex, Lookup, listed
from zicht.statline.format import BLANK, DELIMITER, UNKNOWN, heading_key, split_period_mark

_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


class StatlineFileError(ZichtError, ValueError):
    """The file breaks a rule of the StatLine format; says which file, rule, line and column."""

    def __init__(
        self, file_name: str, rule: str, message: str, line: int | None = None, column: str | None = None
    ):
        self.file_name = file_name
        self.rule = rule
        self.line = line
        self.column = column
        self.quarantined: Path | None = None  # where the landing put a copy of the refused file
        where = file_name + (f", line {line}" if line is not None else "")
        where += f", column {column!r}" if column is not None else ""
        super().__init__(f"{where}: rule {rule}: {message}")


@dataclass(frozen=True)
class TableShape:
    """What reading needs to know of the table: its DataProperties and dimensions (from the API)."""

    label: str  # how errors name the table: `85039NED (Kerncijfers wijken en buurten 2021)`
    data_properties: list[dict]
    dimensions: dict[str, list[dict]]  # dimension Key -> its categories (Key, Title, ...)
    region_dimension: str
    region_code_topic: str | None = None  # raw name of the topic that holds region codes
    api_route: str = ""  # the command that lands the table from the API instead, for advice


@dataclass
class StatlineRows:
    rows: list[dict]  # keyed by DataProperties Key, as the OData TypedDataSet
    lines: list[int]  # line of each row in the file (the header is line 1)
    symbols: list[dict[str, str]]  # per row: raw column name -> the symbol of its missing figure
    period_statuses: list[str] | None  # per row: Definitief, Voorlopig or Nader voorlopig
    period_column: str | None  # raw name of the period dimension, when the table has one
    absent_topics: list[str] = field(default_factory=list)  # raw names of topics not selected


def read_statline_file(path: Path | str, shape: TableShape) -> StatlineRows:
    """Read the download at `path`; StatlineFileError names file, line, column and rule of a problem."""
    path = Path(path)
    reader = _Reader(path.name, shape)
    return reader.read(_decode(path.read_bytes(), path.name))


def _decode(data: bytes, file_name: str) -> str:
    try:
        # utf-8-sig drops the BOM StatLine writes, and reads a file saved without it just as well.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise StatlineFileError(file_name, "utf8", f"not UTF-8 at byte {error.start}", line=line) from error


class _Reader:
    def __init__(self, file_name: str, shape: TableShape):
        self.file_name = file_name
        self.shape = shape
        self.columns = statline_columns(shape.data_properties)

    def error(self, rule: str, message: str, line: int | None = None, column: str | None = None):
        return StatlineFileError(self.file_name, rule, message, line=line, column=column)

    def read(self, text: str) -> StatlineRows:
        self._check_layout(text)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, quotechar='"', strict=True)
        try:
            header = next(reader, None)
            if not header or not any(cell.strip() for cell in header):
                raise self.error("header_present", "the file is empty", line=1)
            columns = self._map_header(header)
            records = []
            for fields in reader:
                if not fields:  # a blank line, e.g. at the end of the file
                    continue
                if len(fields) != len(columns):
                    raise self.error(
                        "field_count",
                        f"{len(fields)} field(s), the header has {len(columns)}",
                        line=reader.line_num,
                    )
                records.append((reader.line_num, fields))
        except csv.Error as error:
            raise self.error("csv_syntax", str(error), line=reader.line_num) from error
        if not records:
            raise self.error("rows_present", "a header but no rows", line=2)
        return self._rows(columns, records)

    def _check_layout(self, text: str) -> None:
        """Refuse, by name, the other files StatLine and the open data portal offer."""
        first = text.split("\n", 1)[0].rstrip("\r")
        single = first.strip().strip('"')
        if (
            DELIMITER in first
            or not single
            or heading_key(single) in {heading_key(c.heading) for c in self.columns}
        ):
            return
        if "," in first or "\t" in first:
            separator = "','" if "," in first else "a tab"
            raise self.error(
                "delimiter",
                f"the header is separated by {separator}, not ';': not a StatLine download "
                "(the open data portal's CSV, or a file saved again by a spreadsheet?)",
                line=1,
            )
        raise self.error(
            "header_layout",
            f"the first line is a single field ({first.strip()[:60]!r}): this looks like StatLine's "
            "table layout with a title line; download 'CSV met statistische symbolen' instead",
            line=1,
        )

    def _map_header(self, header: list[str]) -> list[StatlineColumn]:
        """The table column behind each heading; a repeated heading takes the next column so headed."""
        unused: dict[str, list[StatlineColumn]] = {}
        for column in self.columns:
            unused.setdefault(heading_key(column.heading), []).append(column)
        known = set(unused)
        headings = listed([column.heading for column in self.columns])
        if not any(heading_key(cell) in known for cell in header):
            raise self.error(
                "header_fits_table",
                f"none of the {len(header)} column headings is a heading of table {self.shape.label}; "
                f"is this a download of another table? (its headings: {headings})",
                line=1,
            )
        mapped = []
        for cell in header:
            candidates = unused.get(heading_key(cell))
            if not candidates:
                rule = "column_title_unique" if heading_key(cell) in known else "column_title_known"
                close = difflib.get_close_matches(cell.strip(), [c.heading for c in self.columns], n=3)
                hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
                raise self.error(
                    rule,
                    f"heading {cell.strip()!r} is not (or no longer) a heading of table {self.shape.label}"
                    f" (a dimension title, or topic-group path/title (unit)); {hint}its headings: {headings}",
                    line=1,
                    column=cell.strip(),
                )
            mapped.append(candidates.pop(0))
        absent = [c.heading for c in self.columns if c.is_dimension and c not in mapped]
        if absent:
            raise self.error(
                "dimension_present",
                f"the file lacks dimension column(s) {absent}: every download has one column per"
                " dimension, whatever was selected",
                line=1,
                column=absent[0],
            )
        return mapped

    def _rows(self, columns: list[StatlineColumn], records: list[tuple[int, list[str]]]) -> StatlineRows:
        lines = [line for line, _ in records]
        keys = {column.name: self._dimension_keys(column, columns, records) for column in columns}
        rows, symbols = [], []
        for position, (line, fields) in enumerate(records):
            row, row_symbols = {}, {}
            for column, cell in zip(columns, fields, strict=True):
                if column.is_dimension:
                    row[column.key] = keys[column.name][position]
                    continue
                value, symbol = self._value(cell, column, line)
                row[column.key] = value
                if symbol is not None:
                    row_symbols[column.name] = symbol
            rows.append(row)
            symbols.append(row_symbols)
        self._check_one_row_per_cell(columns, rows, lines)
        period = next((c for c in columns if c.is_period), None)
        statuses = None
        if period is not None:
            index = columns.index(period)
            statuses = [split_period_mark(fields[index])[1] for _, fields in records]
        present = {column.name for column in columns}
        return StatlineRows(
            rows=rows,
            lines=lines,
            symbols=symbols,
            period_statuses=statuses,
            period_column=period.name if period else None,
            absent_topics=[c.name for c in self.columns if c.name not in present],
        )

    def _dimension_keys(
        self, column: StatlineColumn, columns: list[StatlineColumn], records: list[tuple[int, list[str]]]
    ) -> list[str] | None:
        if not column.is_dimension:
            return None
        rows = self.shape.dimensions.get(column.key)
        if rows is None:
            raise self.error(
                "dimension_known", f"the table's metadata lacks the categories of {column.key}", line=1
            )
        index = DimensionIndex(column.key, rows, is_period=column.is_period)
        position = columns.index(column)
        titles = [fields[position] for _, fields in records]
        code_column = self._region_code_column(column, columns)
        if code_column is not None:
            code_position = columns.index(code_column)
            codes = [fields[code_position] for _, fields in records]
            lookup = index.by_codes(codes)
            self._raise_unknown(column, records, lookup, codes, f"code ({code_column.heading})")
        else:
            lookup = index.by_titles(titles)
            self._raise_unknown(column, records, lookup, titles, "title")
            self._raise_ambiguous(column, records, lookup, titles)
        return lookup.keys

    def _region_code_column(self, column: StatlineColumn, columns: list[StatlineColumn]):
        if column.key != self.shape.region_dimension or not self.shape.region_code_topic:
            return None
        return next((c for c in columns if c.name == self.shape.region_code_topic), None)

    def _raise_unknown(self, column, records, lookup: Lookup, values: list[str], what: str) -> None:
        if not lookup.unknown:
            return
        named = [f"line {records[i][0]} {values[i].strip()!r}" for i in lookup.unknown]
        raise self.error(
            "category_known",
            f"{len(named)} row(s) hold a {what} that dimension {column.heading!r} of table "
            f"{self.shape.label} does not have: {listed(named)}",
            line=records[lookup.unknown[0]][0],
            column=column.heading,
        )

    def _raise_ambiguous(self, column, records, lookup: Lookup, titles: list[str]) -> None:
        if not lookup.ambiguous:
            return
        by_title: dict[str, tuple[list[str], list[int]]] = {}
        for index, keys in lookup.ambiguous.items():
            by_title.setdefault(titles[index].strip(), (keys, []))[1].append(records[index][0])
        named = [
            f"{title!r} ({' or '.join(k.strip() for k in keys)}) on line(s) {listed([str(n) for n in lines])}"
            for title, (keys, lines) in by_title.items()
        ]
        advice = "land the table from the API instead"
        if column.key == self.shape.region_dimension and self.shape.region_code_topic:
            code = next((c for c in self.columns if c.name == self.shape.region_code_topic), None)
            if code is not None:
                advice = f"add the topic {code.heading!r} to the selection in StatLine, or {advice}"
        if self.shape.api_route:
            advice += f" ({self.shape.api_route})"
        first = next(iter(lookup.ambiguous))
        raise self.error(
            "category_unambiguous",
            f"{len(lookup.ambiguous)} row(s) hold one of {len(by_title)} title(s) that fit more than one "
            f"category of dimension {column.heading!r}, and the file has no code to tell them apart: "
            f"{listed(named)}; {advice}",
            line=records[first][0],
            column=column.heading,
        )

    def _value(self, text: str, column: StatlineColumn, line: int) -> tuple[object, str | None]:
        """The typed value and, for a missing figure, its symbol (`.` unknown/secret, blank)."""
        if text == BLANK or (column.kind == "number" and not text.strip()):
            return None, BLANK
        if text.strip() == UNKNOWN:
            return None, UNKNOWN
        if column.kind != "number":
            return text, None
        value = text.strip()
        if column.arrow_type == pa.int64():
            if _INTEGER.fullmatch(value):
                return int(value), None
            expected = "a whole number"
        else:
            if _DECIMAL.fullmatch(value):
                return float(value.replace(",", ".")), None  # a decimal comma or point
            expected = "a number (decimal comma or point)"
        raise self.error(
            "number_format",
            f"{text!r} is not {expected}, {UNKNOWN!r} or blank",
            line=line,
            column=column.heading,
        )

    def _check_one_row_per_cell(self, columns, rows: list[dict], lines: list[int]) -> None:
        dimensions = [c.key for c in columns if c.is_dimension]
        seen: dict[tuple, int] = {}
        for row, line in zip(rows, lines, strict=True):
            cell = tuple(row[key] for key in dimensions)
            if cell in seen:
                raise self.error(
                    "duplicate_row",
                    f"the same categories as line {seen[cell]} ({', '.join(str(k).strip() for k in cell)})",
                    line=line,
                )
            seen[cell] = line
