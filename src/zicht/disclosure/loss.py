"""Information loss of disclosure control: per theme and region level, what share is withheld.

Reads rows shaped like `intermediate.int_disclosure_cells` (measure, category, period_year,
region_level, region_code, value, status). A count table belongs to every theme with an
indicator that publishes it (see `jobs.count_tables`), so a table shared by two themes counts
in both; within one theme each table counts once, however many of its indicators use it.
All years are pooled: the shares say how much of what a theme would show is withheld.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from zicht.disclosure.jobs import count_tables
from zicht.disclosure.primary import PRIMARY, SECONDARY
from zicht.disclosure.rules import REGION_LEVELS
from zicht.indicators import Catalog, load_catalog

LOSS_COLUMNS = [
    "theme",
    "region_level",
    "cells",
    "suppressed_cells",
    "primary_cells",
    "secondary_cells",
    "share_cells",
    "value",
    "suppressed_value",
    "share_value",
]


def count_themes(catalog: Catalog, branch_codes: Sequence[str]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(measure, category) -> the themes whose indicators publish that count."""
    tables = count_tables(catalog, branch_codes)
    return {key: tuple(sorted(spec["themes"])) for key, spec in tables.items()}


def information_loss(cells: pd.DataFrame, themes: Mapping[tuple[str, str], Sequence[str]]) -> pd.DataFrame:
    """Per theme and region level: cells, suppressed cells (primary, secondary) and the shares of
    cells and of total value suppressed (`share_value` is NaN where the level's total is zero).

    Empty cells (nothing to count) are cells too: they are published, as zero. A count without
    a theme in `themes` is left out.
    """
    keys = zip(cells["measure"], cells["category"], strict=True)
    frame = cells[["region_level", "value", "status"]].assign(
        theme=[tuple(themes.get(key, ())) for key in keys]
    )
    frame = frame.explode("theme").dropna(subset=["theme"])
    if frame.empty:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in LOSS_COLUMNS})
    frame["primary"] = frame["status"] == PRIMARY
    frame["secondary"] = frame["status"] == SECONDARY
    frame["suppressed"] = frame["primary"] | frame["secondary"]
    frame["suppressed_value"] = frame["value"].where(frame["suppressed"], 0.0)
    summary = frame.groupby(["theme", "region_level"], as_index=False).agg(
        cells=("status", "size"),
        suppressed_cells=("suppressed", "sum"),
        primary_cells=("primary", "sum"),
        secondary_cells=("secondary", "sum"),
        value=("value", "sum"),
        suppressed_value=("suppressed_value", "sum"),
    )
    summary["share_cells"] = summary["suppressed_cells"] / summary["cells"]
    summary["share_value"] = summary["suppressed_value"] / summary["value"].where(summary["value"] > 0)
    # levels from the top of the hierarchy down, as the reports read
    summary["depth"] = summary["region_level"].map({level: i for i, level in enumerate(REGION_LEVELS)})
    summary = summary.sort_values(["theme", "depth"]).drop(columns="depth").reset_index(drop=True)
    return summary[LOSS_COLUMNS]


def warehouse_information_loss(connection, catalog: Catalog | None = None) -> pd.DataFrame:
    """`information_loss` of the cells in `intermediate.int_disclosure_cells`, themes from the catalog.

    `connection` is a DuckDB connection to the warehouse (read-only is enough).
    """
    catalog = catalog or load_catalog()
    branches = connection.execute("select sbi_code from reference.kwetsbare_branches").fetchall()
    branch_codes = [str(code) for (code,) in branches]
    cells = connection.execute(
        "select measure, category, region_level, value, status from intermediate.int_disclosure_cells"
    ).df()
    return information_loss(cells, count_themes(catalog, branch_codes))
