"""The StatLine CSV header: which human column title stands for which DataProperties Key.

StatLine writes one column per dimension and per topic, in DataProperties order, titled with the
entry's `Title` and, when the topic has a unit, ` (Unit)`: `Aantal inwoners (aantal)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from zicht.cbs.raw_load import raw_columns


@dataclass(frozen=True)
class StatlineColumn:
    key: str  # DataProperties Key, e.g. AantalInwoners_5
    title: str  # as StatLine heads the column, e.g. Aantal inwoners (aantal)
    kind: str  # dimension, string or number (as in the raw contract)
    arrow_type: pa.DataType


def column_title(entry: dict) -> str:
    title = str(entry.get("Title") or entry["Key"]).strip()
    unit = (entry.get("Unit") or "").strip()
    return f"{title} ({unit})" if unit else title


def statline_columns(data_properties: list[dict]) -> list[StatlineColumn]:
    """The columns a StatLine CSV of this table has, in order (the raw contract decides kind and type)."""
    entries = {entry["Key"]: entry for entry in data_properties if "Key" in entry}
    return [
        StatlineColumn(
            key=column.key,
            title=column_title(entries[column.key]),
            kind=column.kind,
            arrow_type=column.arrow_type,
        )
        for column in raw_columns(data_properties)
    ]
