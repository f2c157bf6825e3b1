"""The input table of cells: validation with errors naming the row, and its additive relations.

One table holds the cells of one indicator (or measure) and year, one row per region. Parents are
exact sums of their children along `parent_code` (nederland > provincie > gemeente > wijk > buurt)
and, as a second grouping, along `riec_code` (nederland > riec > gemeente).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zicht.disclosure.rules import REGION_LEVELS

BASE_COLUMNS = ("region_code", "region_level", "parent_code", "value", "contributors")
MAGNITUDE_COLUMNS = ("top1", "top2")
# Where each level's parent_code points, in the region hierarchy (RIEC regions hang under Nederland).
PARENT_LEVEL = {
    "provincie": "nederland",
    "riec": "nederland",
    "gemeente": "provincie",
    "wijk": "gemeente",
    "buurt": "wijk",
}


class CellTableError(ValueError):
    """The cell table breaks a rule; the message names the table, the row and the rule."""


@dataclass(frozen=True)
class Relation:
    """`total` equals the sum of `parts`: one additive relation an attacker can use."""

    total: str
    parts: tuple[str, ...]
    grouping: str  # 'region' (the parent_code hierarchy) or 'riec'


def _row_name(table: pd.DataFrame, position: int) -> str:
    return f"row {position + 1} (region_code {table['region_code'].iloc[position]!r})"


def validate_cells(cells: pd.DataFrame, magnitude: bool, table_name: str = "cells") -> pd.DataFrame:
    """A clean copy of the table, or a CellTableError naming the first offending row and rule."""
    required = BASE_COLUMNS + (MAGNITUDE_COLUMNS if magnitude else ())
    missing = [column for column in required if column not in cells.columns]
    if missing:
        raise CellTableError(f"{table_name}: missing columns {missing}")
    table = cells.reset_index(drop=True).copy()
    if "riec_code" not in table.columns:
        table["riec_code"] = None
    # Plain Python strings: the checks and relations walk the codes row by row, and iterating an
    # Arrow-backed string column costs about ten times more per value.
    for column in ("region_code", "region_level", "parent_code", "riec_code"):
        table[column] = table[column].astype(object).where(table[column].notna(), None)

    def fail(mask: pd.Series, rule: str) -> None:
        if mask.any():
            position = int(mask.to_numpy().nonzero()[0][0])
            raise CellTableError(f"{table_name}: {_row_name(table, position)}: {rule}")

    fail(table["region_code"].isna(), "region_code is empty")
    fail(table["region_code"].duplicated(), "region_code occurs twice")
    fail(~table["region_level"].isin(REGION_LEVELS), f"region_level is not one of {', '.join(REGION_LEVELS)}")
    numeric = ["value", "contributors"] + (list(MAGNITUDE_COLUMNS) if magnitude else [])
    for column in numeric:
        table[column] = pd.to_numeric(table[column], errors="coerce")
        fail(table[column].isna(), f"{column} is not a number")
        fail(table[column] < 0, f"{column} is negative")
    fail(table["contributors"] != table["contributors"].round(), "contributors is not a whole number")
    if magnitude:
        fail(table["top2"] > table["top1"], "top2 exceeds top1")
        fail(table["top1"] + table["top2"] > table["value"] * (1 + 1e-9), "top1 + top2 exceed the value")
    levels = dict(zip(table["region_code"], table["region_level"], strict=True))
    top = table["region_level"] == "nederland"
    fail(top & table["parent_code"].notna(), "a nederland row has no parent_code")
    fail(~top & table["parent_code"].isna(), "parent_code is empty")
    expected_parent = table["region_level"].map(PARENT_LEVEL)
    actual_parent = table["parent_code"].map(levels)
    fail(~top & actual_parent.isna(), "parent_code is not a region_code of this table")
    fail(~top & (actual_parent != expected_parent), "parent_code points to a region of the wrong level")
    is_gemeente = table["region_level"] == "gemeente"
    if (table["region_level"] == "riec").any():
        fail(is_gemeente & table["riec_code"].map(levels).ne("riec"), "riec_code is not a riec region here")
    else:
        # Without RIEC rows a gemeente's riec_code would make a relation whose total is not in the table.
        fail(is_gemeente & table["riec_code"].notna(), "riec_code is set but the table has no riec rows")
    _check_sums(table, table_name)
    return table


def _grouped(totals: np.ndarray, parts: np.ndarray, grouping: str) -> list[Relation]:
    """One relation per distinct total, its parts in row order; totals in order of first appearance."""
    if not len(totals):
        return []
    keys, first, inverse = np.unique(totals, return_index=True, return_inverse=True)
    members = np.split(parts[np.argsort(inverse, kind="stable")], np.cumsum(np.bincount(inverse))[:-1])
    return [Relation(keys[k], tuple(members[k]), grouping) for k in np.argsort(first)]


def relations(table: pd.DataFrame) -> list[Relation]:
    """Every additive relation of a validated table: parent_code groups and RIEC groups."""
    code, level, parent, riec = (
        table[column].to_numpy(dtype=object)
        for column in ("region_code", "region_level", "parent_code", "riec_code")
    )
    is_riec = level == "riec"
    in_region = ~is_riec & ~pd.isna(parent)
    # A RIEC region adds up under Nederland along the RIEC grouping, a gemeente under its RIEC region.
    riec_total = np.where(is_riec, parent, np.where((level == "gemeente") & ~pd.isna(riec), riec, None))
    in_riec = ~pd.isna(riec_total)
    return _grouped(parent[in_region], code[in_region], "region") + _grouped(
        riec_total[in_riec], code[in_riec], "riec"
    )


def _check_sums(table: pd.DataFrame, table_name: str) -> None:
    table_relations = relations(table)
    position = pd.Index(table["region_code"])
    value = table["value"].to_numpy(dtype=float)
    totals = position.get_indexer([relation.total for relation in table_relations])
    parts = position.get_indexer([part for relation in table_relations for part in relation.parts])
    owner = np.repeat(np.arange(len(table_relations)), [len(relation.parts) for relation in table_relations])
    sums = np.bincount(owner, weights=value[parts], minlength=len(table_relations))
    wrong = np.abs(sums - value[totals]) > 1e-9 * np.maximum(1.0, np.abs(sums))
    if not wrong.any():
        return
    depth = {level: index for index, level in enumerate(REGION_LEVELS)}
    levels = table["region_level"].to_numpy(dtype=object)
    # the lowest total first: a wrong total then names its own row, not its parent's
    first = min(np.flatnonzero(wrong), key=lambda index: -depth[levels[totals[index]]])
    relation = table_relations[first]
    along = "riec_code" if relation.grouping == "riec" else "parent_code"
    raise CellTableError(
        f"{table_name}: {_row_name(table, int(totals[first]))}: value {value[totals[first]]:g}"
        f" is not the sum of its {len(relation.parts)} parts along {along} ({sums[first]:g})"
    )
