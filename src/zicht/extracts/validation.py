"""Check every value of a parsed extract against its declared schema and type it, vectorised.

Each rule yields a mask over the rows; the first rows that break it become Violations (with the row
number as seen in the file) and the total per rule is counted, so a rejection is complete and short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from zicht.extracts.problems import MAX_LISTED, ExtractRejected, Violation
from zicht.extracts.reading import ParsedExtract
from zicht.extracts.regions import RegionList
from zicht.extracts.sbi import invalid_sbi_mask
from zicht.extracts.schemas import Column, ExtractSchema

CODE_PREFIX_OF_LEVEL = {"gemeente": "GM", "wijk": "WK", "buurt": "BU"}


@dataclass
class _Findings:
    rows_offset: int
    violations: list[Violation]
    counts: dict[str, int]

    def add(
        self,
        rule: str,
        mask: np.ndarray,
        column: str | None,
        values: pa.Array | None,
        message: Callable[[str | None], str],
    ) -> None:
        hits = np.flatnonzero(mask)
        if not len(hits):
            return
        self.counts[rule] = self.counts.get(rule, 0) + len(hits)
        for index in hits[:MAX_LISTED]:
            value = values[int(index)].as_py() if values is not None else None
            text = None if value is None else str(value)
            self.violations.append(
                Violation(rule, message(text), row=int(index) + self.rows_offset, column=column, value=text)
            )


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False), dtype=bool)


def _full_match(values: pa.Array, pattern: str) -> pa.Array:
    return pc.match_substring_regex(values, f"^(?:{pattern})$")


def _strict_dates(values: pa.Array, date_format: str) -> pa.Array:
    """Parse dates; null where the text is not exactly a date in `date_format`.

    Arrow's parser accepts unpadded fields and rolls 31-02 over into 03-03. Every date in the
    format has the same length, and a rolled-over date lands on day 1-3 of the next month, so only
    those rows need the (slow) format-back comparison.
    """
    parsed = pc.strptime(values, format=date_format, unit="s", error_is_null=True)
    width = len(datetime(2000, 1, 1).strftime(date_format))
    parsed = pc.if_else(pc.equal(pc.utf8_length(values), width), parsed, pa.scalar(None, parsed.type))
    suspect = np.flatnonzero(_mask(pc.less_equal(pc.day(parsed), 3)))
    if len(suspect):
        indices = pa.array(suspect)
        formatted = pc.strftime(pc.take(parsed, indices), format=date_format)
        rolled = suspect[~_mask(pc.equal(formatted, pc.take(values, indices)))]
        if len(rolled):
            keep = np.ones(len(values), dtype=bool)
            keep[rolled] = False
            parsed = pc.if_else(pa.array(keep), parsed, pa.scalar(None, parsed.type))
    return parsed


def _type_column(column: Column, values: pa.Array, decimal: str, findings: _Findings) -> pa.Array:
    present = np.asarray(pc.is_valid(values))
    name = column.name
    if column.type == "string":
        if column.pattern:
            findings.add(
                "pattern",
                present & ~_mask(_full_match(values, column.pattern)),
                name,
                values,
                lambda v: f"{v!r} does not match {column.pattern}",
            )
        if column.allowed:
            allowed = pa.array(column.allowed, pa.string())
            findings.add(
                "allowed_values",
                present & ~_mask(pc.is_in(values, allowed)),
                name,
                values,
                lambda v: f"{v!r} is not one of {list(column.allowed)}",
            )
        return values
    if column.type == "integer":
        ok = _mask(_full_match(values, r"[+-]?\d{1,18}"))
        findings.add("integer", present & ~ok, name, values, lambda v: f"{v!r} is not a whole number")
        typed = pc.cast(pc.if_else(pa.array(ok), values, pa.scalar(None, pa.string())), pa.int64())
    elif column.type == "decimal":
        text = pc.replace_substring(values, decimal, ".") if decimal != "." else values
        ok = _mask(_full_match(text, r"[+-]?\d+(?:\.\d+)?"))
        findings.add(
            "decimal",
            present & ~ok,
            name,
            values,
            lambda v: f"{v!r} is not a number with decimal mark {decimal!r}",
        )
        typed = pc.cast(pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string())), pa.float64())
    else:  # date
        parsed = _strict_dates(values, column.date_format)
        findings.add(
            "date",
            present & ~np.asarray(pc.is_valid(parsed)),
            name,
            values,
            lambda v: f"{v!r} is not a date in format {column.date_format}",
        )
        return pc.cast(parsed, pa.date32())
    if column.minimum is not None:
        below = _mask(pc.less(typed, column.minimum))
        findings.add("minimum", below, name, values, lambda v: f"{v} is below the minimum {column.minimum:g}")
    return typed


def _check_regions(
    column: Column, values: pa.Array, years: np.ndarray | None, regions: RegionList, findings: _Findings
) -> None:
    present = np.asarray(pc.is_valid(values))
    if years is None:
        known = pa.array(sorted(regions.codes_for(regions.newest_year, column.region_level)), pa.string())
        unknown = present & ~_mask(pc.is_in(values, known))
        findings.add(
            "region_code",
            unknown,
            column.name,
            values,
            lambda v: f"{v!r} is not a {column.region_level} code in {regions.newest_year}",
        )
        return
    unknown = np.zeros(len(values), dtype=bool)
    for year in np.unique(years[years >= 0]):
        in_year = years == year
        known = pa.array(sorted(regions.codes_for(int(year), column.region_level)), pa.string())
        unknown |= in_year & present & ~_mask(pc.is_in(values, known))
    findings.add(
        "region_code",
        unknown,
        column.name,
        values,
        lambda v: f"{v!r} is not a {column.region_level} code in the year given in that row",
    )


def _check_region_years(
    schema: ExtractSchema, years: np.ndarray, regions: RegionList, findings: _Findings, values: pa.Array
) -> None:
    known_years = np.array(sorted(regions.codes), dtype=np.int64)
    unknown = (years >= 0) & ~np.isin(years, known_years)
    findings.add(
        "region_year",
        unknown,
        schema.region_year_column,
        values,
        lambda v: f"no region list for year {v} (known: {known_years.tolist()})",
    )


def _row_rules(schema: ExtractSchema, typed: dict[str, pa.Array], findings: _Findings) -> None:
    for rule in schema.row_rules:
        if rule == "end_not_before_start":
            early = _mask(pc.less(typed["einddatum"], typed["startdatum"]))
            findings.add(
                "date_order",
                early,
                "einddatum",
                typed["einddatum"],
                lambda v: f"einddatum {v} lies before startdatum",
            )
        elif rule == "year_matches_date":
            differs = _mask(pc.not_equal(pc.year(typed["datum"]), typed["jaar"]))
            findings.add(
                "year_mismatch",
                differs,
                "jaar",
                typed["jaar"],
                lambda v: f"jaar {v} is not the year of datum",
            )
        elif rule == "level_matches_codes":
            levels = typed["niveau"].to_numpy(zero_copy_only=False)
            expected = np.array([CODE_PREFIX_OF_LEVEL.get(level) for level in levels], dtype=object)
            for column in ("oude_code", "nieuwe_code"):
                prefixes = pc.utf8_slice_codeunits(typed[column], 0, 2).to_numpy(zero_copy_only=False)
                wrong = (expected != None) & (prefixes != expected)  # noqa: E711 (elementwise)
                findings.add(
                    "level_mismatch",
                    wrong,
                    column,
                    typed[column],
                    lambda v: f"{v!r} is not a code of the level given in niveau",
                )
        elif rule == "share_at_most_one":
            above = _mask(pc.greater(typed["aandeel"], 1.0))
            findings.add(
                "share_above_one", above, "aandeel", typed["aandeel"], lambda v: f"aandeel {v} is above 1"
            )
        else:
            raise ValueError(f"schema {schema.source} names unknown row rule {rule!r}")


def _check_key(schema: ExtractSchema, table: pa.Table, findings: _Findings) -> None:
    key = table.select(list(schema.key)).to_pandas()
    duplicated = key.duplicated(keep="first").to_numpy()
    if not duplicated.any():
        return
    first_row = key.reset_index().groupby(list(schema.key), dropna=False)["index"].transform("min").to_numpy()
    label = ", ".join(schema.key)
    values = pa.array(key.astype(str).agg("|".join, axis=1)) if len(schema.key) > 1 else table[schema.key[0]]
    rows = first_row + findings.rows_offset
    hits = np.flatnonzero(duplicated)
    findings.counts["duplicate_key"] = len(hits)
    for index in hits[:MAX_LISTED]:
        findings.violations.append(
            Violation(
                "duplicate_key",
                f"{label} already used on row {rows[index]}",
                row=int(index) + findings.rows_offset,
                column=label,
                value=str(pc.take(values, [int(index)])[0].as_py()),
            )
        )


def validate(parsed: ParsedExtract, schema: ExtractSchema, regions: RegionList, file_name: str) -> pa.Table:
    """The typed table, or ExtractRejected listing what is wrong where."""
    findings = _Findings(parsed.first_data_row, [], {})
    typed: dict[str, pa.Array] = {}
    trimmed: dict[str, pa.Array] = {}
    for column in schema.columns:
        raw = pc.utf8_trim_whitespace(parsed.table[column.name].combine_chunks())
        values = pc.if_else(pc.equal(raw, ""), pa.scalar(None, pa.string()), raw)
        trimmed[column.name] = values
        if column.required:
            findings.add(
                "required",
                ~np.asarray(pc.is_valid(values)),
                column.name,
                None,
                lambda v, c=column.name: f"{c} is required but empty",
            )
        typed[column.name] = _type_column(column, values, parsed.decimal, findings)
        if column.sbi:
            findings.add(
                "sbi_code",
                invalid_sbi_mask(values),
                column.name,
                values,
                lambda v: f"{v!r} is not an SBI 2008 code (4-5 digits of a known division)",
            )
    years = None
    if schema.region_year_column:
        year_values = typed[schema.region_year_column]
        years = pc.fill_null(year_values, -1).to_numpy(zero_copy_only=False)
        _check_region_years(schema, years, regions, findings, year_values)
    for column in schema.columns:
        if column.region_level:
            _check_regions(column, trimmed[column.name], years, regions, findings)
    if not findings.counts.get("date"):
        _row_rules(schema, typed, findings)
    _check_key(schema, pa.table(trimmed), findings)
    if findings.violations:
        raise ExtractRejected(file_name, findings.violations, findings.counts)
    return pa.table(typed)
