"""Read an extract file into an Arrow table of strings, detecting encoding and delimiter on the way.

Every structural problem (empty file, wrong encoding, wrong delimiter, header, field count) becomes
a Violation with the line where a person would find it. Values are typed later, in validation.py.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from zicht.extracts.problems import ExtractRejected, Violation
from zicht.extracts.schemas import Dialect, ExtractSchema

CANDIDATE_DELIMITERS = (";", ",", "\t", "|")
_CHUNK = 16 << 20
# UTF-8 text decoded as Windows-1252 and saved again: 'é' becomes 'Ã©', '€' becomes 'â‚¬'.
_MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u201e\u2020-\u2026\u2030\u2039\u203a\u20ac\u2122]|â€|Â[\u00a0-\u00bf]"
)


@dataclass(frozen=True)
class ParsedExtract:
    table: pa.Table  # one string column per declared column, nulls for empty fields
    encoding: str
    delimiter: str | None  # None for xlsx
    decimal: str
    first_data_row: int = 2  # rows are numbered as in the file: the header is row 1


def read_extract(path: Path, schema: ExtractSchema) -> ParsedExtract:
    path = Path(path)
    if path.stat().st_size == 0:
        raise ExtractRejected(path.name, [Violation("empty_file", "the file has 0 bytes")])
    suffix = path.suffix.lower()
    if suffix not in schema.file_types:
        raise ExtractRejected(
            path.name,
            [Violation("file_type", f"{suffix or 'no extension'} is not one of {list(schema.file_types)}")],
        )
    if suffix == ".xlsx":
        return _read_xlsx(path, schema)
    return _read_csv(path, schema)


# --- encoding -----------------------------------------------------------------------------------


def _first_undecodable_line(data: bytes, encoding: str) -> int | None:
    """1-based line of the first byte that does not decode, or None; decodes in chunks to bound memory."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    lines_before = 0
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        try:
            decoder.decode(chunk, final=start + _CHUNK >= len(data))
        except UnicodeDecodeError as error:
            return lines_before + chunk.count(b"\n", 0, error.start) + 1
        lines_before += chunk.count(b"\n")
    return None


# Lead characters of mojibake (Ã, Â, â) as bytes per encoding: absent bytes mean no scan is needed.
_MOJIBAKE_LEADS = {"utf-8": (b"\xc3\x83", b"\xc3\x82", b"\xc3\xa2"), "cp1252": (b"\xc3", b"\xc2", b"\xe2")}


def _mojibake_line(data: bytes, encoding: str) -> tuple[int, str] | None:
    leads = _MOJIBAKE_LEADS["cp1252" if encoding == "cp1252" else "utf-8"]
    if not any(lead in data for lead in leads):
        return None
    lines_before = 0
    for start in range(0, len(data), _CHUNK):
        end = data.rfind(b"\n", start, start + _CHUNK) + 1 if start + _CHUNK < len(data) else len(data)
        end = end if end > start else min(start + _CHUNK, len(data))
        text = data[start:end].decode(encoding, errors="replace")
        match = _MOJIBAKE.search(text)
        if match:
            line = lines_before + text.count("\n", 0, match.start()) + 1
            return line, text[max(0, match.start() - 10) : match.end() + 10]
        lines_before += text.count("\n")
    return None


def detect_encoding(data: bytes, file_name: str) -> str:
    """utf-8-sig (with BOM), utf-8, or cp1252; anything else, or double-encoded text, is rejected."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        bad_line = _first_undecodable_line(data, "utf-8")
    else:
        bad_line = _first_undecodable_line(data, "utf-8")
        encoding = "utf-8"
        if bad_line is not None:
            cp_bad_line = _first_undecodable_line(data, "cp1252")
            if cp_bad_line is not None:
                raise ExtractRejected(
                    file_name,
                    [Violation("encoding", "neither valid UTF-8 nor Windows-1252", row=cp_bad_line)],
                )
            encoding, bad_line = "cp1252", None
    if bad_line is not None:
        raise ExtractRejected(
            file_name, [Violation("encoding", "starts with a UTF-8 BOM but is not valid UTF-8", row=bad_line)]
        )
    mojibake = _mojibake_line(data, encoding)
    if mojibake:
        line, sample = mojibake
        raise ExtractRejected(
            file_name,
            [
                Violation(
                    "mojibake", "text was double-encoded (UTF-8 read as Windows-1252)", row=line, value=sample
                )
            ],
        )
    return encoding


# --- CSV ----------------------------------------------------------------------------------------


def _choose_dialect(header: str, encoding: str, schema: ExtractSchema, file_name: str) -> Dialect:
    counts = {d: header.count(d) for d in CANDIDATE_DELIMITERS}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        raise ExtractRejected(
            file_name,
            [Violation("delimiter", f"the header has none of {list(CANDIDATE_DELIMITERS)}", row=1)],
        )
    for dialect in schema.dialects:
        if dialect.delimiter == delimiter:
            if encoding not in dialect.encodings:
                raise ExtractRejected(
                    file_name,
                    [
                        Violation(
                            "encoding",
                            f"{encoding} is not accepted with delimiter {delimiter!r};"
                            f" expected one of {list(dialect.encodings)}",
                        )
                    ],
                )
            return dialect
    allowed = [d.delimiter for d in schema.dialects]
    raise ExtractRejected(
        file_name, [Violation("delimiter", f"delimiter {delimiter!r} is not one of {allowed}", row=1)]
    )


def check_header(names: list[str], schema: ExtractSchema, file_name: str) -> None:
    expected = schema.column_names
    problems = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(
                Violation("duplicate_column", f"column {name!r} appears twice", row=1, column=name)
            )
        seen.add(name)
    for name in expected:
        if name not in seen:
            problems.append(
                Violation("missing_column", f"required column {name!r} is missing", row=1, column=name)
            )
    for name in names:
        if name not in expected:
            problems.append(Violation("extra_column", f"column {name!r} is not declared", row=1, column=name))
    if problems:
        raise ExtractRejected(file_name, problems)


def _without_trailing_blank_lines(data: bytes) -> bytes:
    if not data.endswith((b"\n\n", b"\r\n\r\n")):
        return data
    return data.rstrip(b"\r\n") + b"\n"


def _read_csv(path: Path, schema: ExtractSchema) -> ParsedExtract:
    data = path.read_bytes()
    encoding = detect_encoding(data, path.name)
    if encoding == "cp1252":
        data = data.decode("cp1252").encode("utf-8")  # Arrow parses UTF-8 only
    elif encoding == "utf-8-sig":
        data = data[len(codecs.BOM_UTF8) :]
    data = _without_trailing_blank_lines(data)
    header_line = data.split(b"\n", 1)[0].decode("utf-8").rstrip("\r")
    dialect = _choose_dialect(header_line, encoding, schema, path.name)
    names = [n.strip().strip('"').strip() for n in header_line.split(dialect.delimiter)]
    check_header(names, schema, path.name)

    bad_rows: list[Violation] = []

    def on_invalid_row(row) -> str:
        bad_rows.append(
            Violation(
                "field_count",
                f"expected {row.expected_columns} fields, found {row.actual_columns}"
                " (a cut-off or malformed line)",
                row=row.number,
                value=(row.text or "")[:200],
            )
        )
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            # Single-threaded so that Arrow reports the line number of a malformed row.
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=64 << 20, column_names=names, skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.delimiter, invalid_row_handler=on_invalid_row, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        raise ExtractRejected(path.name, [Violation("csv_syntax", str(error).splitlines()[0])]) from None
    if bad_rows:
        raise ExtractRejected(path.name, bad_rows)
    if table.num_rows == 0:
        raise ExtractRejected(path.name, [Violation("no_rows", "the file has a header but no data rows")])
    table = table.select(schema.column_names)
    return ParsedExtract(table, encoding, dialect.delimiter, dialect.decimal)


# --- xlsx ---------------------------------------------------------------------------------------


def _cell_text(value, column_format: str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.strftime(column_format or "%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _read_xlsx(path: Path, schema: ExtractSchema) -> ParsedExtract:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ExtractRejected(
            path.name, [Violation("unreadable", f"not a readable .xlsx workbook: {error}")]
        ) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ExtractRejected(path.name, [Violation("no_rows", "the first sheet is empty")])
        names = [str(h).strip() if h is not None else "" for h in header]
        while names and names[-1] == "":
            names.pop()
        check_header(names, schema, path.name)
        formats = [schema.column(n).date_format for n in names]
        values: list[list] = [[] for _ in names]
        for number, row in enumerate(rows, start=2):
            cells = list(row[: len(names)]) + [None] * max(0, len(names) - len(row))
            if any(c is not None for c in row[len(names) :]):
                raise ExtractRejected(
                    path.name, [Violation("field_count", "values beyond the last column", row=number)]
                )
            for i, cell in enumerate(cells):
                values[i].append(_cell_text(cell, formats[i]))
        # Trailing empty rows are formatting, not data; empty rows in between stay and fail validation.
        while values[0] and all(column[-1] is None for column in values):
            for column in values:
                column.pop()
    finally:
        workbook.close()
    if not values[0]:
        raise ExtractRejected(path.name, [Violation("no_rows", "the sheet has a header but no data rows")])
    table = pa.table({n: pa.array(v, pa.string()) for n, v in zip(names, values, strict=True)})
    return ParsedExtract(table.select(schema.column_names), "xlsx", None, ".")
