"""The StatLine CSV header: which column heading stands for which DataProperties entry.

A dimension is headed by its `Title` (`Wijken en buurten`). A topic by the titles of the topic groups
above it (DataProperties `ParentID` chain), its own `Title` and, when it has one, its `Unit` in
brackets, joined by `/`: `Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)`. A top-level topic has
no path: `Codering (code)`. The raw contract (zicht.cbs.raw_load) decides each column's name and type.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from zicht.cbs.raw_load import DIMENSION_TYPES, raw_columns

PATH_SEPARATOR = "/"


@dataclass(frozen=True)
class StatlineColumn:
    key: str  # DataProperties Key, e.g. AantalInwoners_5
    name: str  # raw column name, e.g. AantalInwoners
    heading: str  # as StatLine heads the column, e.g. Bevolking/Aantal inwoners (aantal)
    kind: str  # dimension, string or number (as in the raw contract)
    arrow_type: pa.DataType
    entry_type: str  # DataProperties Type: Topic, Dimension, GeoDimension, TimeDimension
    decimals: int  # DataProperties Decimals (0 when absent)

    @property
    def is_dimension(self) -> bool:
        return self.entry_type in DIMENSION_TYPES

    @property
    def is_period(self) -> bool:
        return self.entry_type == "TimeDimension"


def _group_path(entry: dict, by_id: dict) -> list[str]:
    """Titles of the topic groups above an entry, outermost first."""
    path, seen = [], set()
    parent = by_id.get(entry.get("ParentID"))
    while parent is not None and parent.get("ID") not in seen:
        seen.add(parent.get("ID"))
        path.append(str(parent.get("Title") or parent["Key"]))
        parent = by_id.get(parent.get("ParentID"))
    return path[::-1]


def column_heading(entry: dict, by_id: dict) -> str:
    """The heading StatLine writes for a DataProperties entry (see the module docstring)."""
    title = str(entry.get("Title") or entry["Key"])
    if entry.get("Type") in DIMENSION_TYPES:
        return title
    unit = (entry.get("Unit") or "").strip()
    own = f"{title} ({unit})" if unit else title
    return PATH_SEPARATOR.join([*_group_path(entry, by_id), own])


def statline_columns(data_properties: list[dict]) -> list[StatlineColumn]:
    """Every column a full StatLine download of this table has, in DataProperties order."""
    entries = {entry["Key"]: entry for entry in data_properties if "Key" in entry}
    by_id = {entry.get("ID"): entry for entry in data_properties}
    columns = []
    for column in raw_columns(data_properties):
        entry = entries[column.key]
        columns.append(
            StatlineColumn(
                key=column.key,
                name=column.name,
                heading=column_heading(entry, by_id),
                kind=column.kind,
                arrow_type=column.arrow_type,
                entry_type=str(entry.get("Type")),
                decimals=int(entry.get("Decimals") or 0),
            )
        )
    return columns
