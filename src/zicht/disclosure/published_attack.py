"""The attack on a published file: what anyone holding it can recover of the counts it withholds.

The attacker holds the published `indicator_values` and the indicator catalog (public, like this
code). Every count from Zicht's own records appears in it as the numerator or the denominator of one
or more rows; a row that withholds it for disclosure (primary or secondary) hides it. The attacker
then tries, in turn:
- the same count published elsewhere, as another indicator's numerator or denominator;
- its row's published figures (numerator = value x denominator / scale, and the other way round);
- differencing over every hierarchy: Nederland > provinces and RIEC regions > gemeenten > wijken >
  buurten, and the catalog's category sums (branches adding up to all kwetsbare branches),
  repeated until nothing new is recovered (`attack.differencing_attack`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from zicht.disclosure.attack import differencing_attack
from zicht.disclosure.category_links import nested_sums
from zicht.disclosure.cells import Relation
from zicht.indicators import Catalog

DISCLOSURE_REASONS = ("primary_frequency", "primary_dominance", "secondary")
ROWS_SQL = """
    select period_year, region_level, region_code, gemeente_code, province_code, riec_code,
           indicator_code, breakdown_code, numerator, denominator, value, suppression_reason
    from {table}
"""


@dataclass(frozen=True)
class Recovery:
    cell: str  # measure/category/year/region_code
    value: float
    how: str  # published_elsewhere, from_the_rate or differencing


def _cell(measure: str, category: str, year: int, region: str) -> str:
    return f"{measure}/{category}/{year}/{region}"


def count_cells(rows: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """One row per (indicator row, role) whose count comes from Zicht's records: the cell it names,
    the amount published (NaN when withheld) and whether it is withheld for disclosure."""
    parts = []
    for indicator in catalog.indicators:
        of_indicator = rows[rows["indicator_code"] == indicator.code]
        if of_indicator.empty:
            continue
        for role, ref, follows in catalog.record_counts(indicator):
            branch = of_indicator["breakdown_code"] != "totaal"
            category = of_indicator["breakdown_code"].where(branch & follows, ref.category)
            parts.append(
                pd.DataFrame(
                    {
                        "measure": ref.measure,
                        "category": category,
                        "period_year": of_indicator["period_year"],
                        "region_level": of_indicator["region_level"],
                        "region_code": of_indicator["region_code"],
                        "amount": of_indicator[role],
                        "withheld": of_indicator[role].isna()
                        & of_indicator["suppression_reason"].isin(DISCLOSURE_REASONS),
                        "role": role,
                        "row": of_indicator.index,
                    }
                )
            )
    if not parts:
        return pd.DataFrame(columns=["cell", "amount", "withheld", "role", "row"])
    cells = pd.concat(parts, ignore_index=True)
    cells["cell"] = [
        _cell(*key)
        for key in cells[["measure", "category", "period_year", "region_code"]].itertuples(index=False)
    ]
    return cells


def region_parents(rows: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """region code -> its (parent, grouping) pairs, as anyone reads them from the published rows."""
    regions = rows.drop_duplicates("region_code").set_index("region_code")
    parents: dict[str, list[tuple[str, str]]] = {}
    for code, row in regions.iterrows():
        level = row["region_level"]
        if level in ("provincie", "riec"):
            parents[code] = [("NL00", level)]
        elif level == "gemeente":
            parents[code] = [(row["province_code"], "region")] + (
                [(row["riec_code"], "riec")] if pd.notna(row["riec_code"]) else []
            )
        elif level == "wijk":
            parents[code] = [(row["gemeente_code"], "region")]
        elif level == "buurt":  # a buurt code is its wijk code with two digits added (CBS)
            parents[code] = [("WK" + code[2:-2], "region")]
    return parents


def attack_relations(
    cells: pd.DataFrame,
    parents: dict[str, list[tuple[str, str]]],
    catalog: Catalog,
    branch_codes: Sequence[str],
) -> list[Relation]:
    """Every sum the attacker knows between the cells: along the region hierarchies within each
    count, and the catalog's category sums within each measure, year and region."""
    children: dict[tuple[str, str], list[str]] = defaultdict(list)
    for region, links in parents.items():
        for parent, grouping in links:
            children[(parent, grouping)].append(region)
    found = []
    tables = cells.drop_duplicates(["measure", "category", "period_year"])
    for measure, category, year in tables[["measure", "category", "period_year"]].itertuples(index=False):
        for (parent, grouping), regions in children.items():
            found.append(
                Relation(
                    _cell(measure, category, year, parent),
                    tuple(_cell(measure, category, year, region) for region in regions),
                    grouping,
                )
            )
    places = cells.drop_duplicates(["measure", "period_year", "region_code"])
    for measure, year, region in places[["measure", "period_year", "region_code"]].itertuples(index=False):
        for total, parts in nested_sums(catalog.category_sums(measure, branch_codes)).items():
            found.append(
                Relation(
                    _cell(measure, total, year, region),
                    tuple(_cell(measure, part, year, region) for part in parts),
                    "category",
                )
            )
    return found


def rate_recoveries(rows: pd.DataFrame, cells: pd.DataFrame, catalog: Catalog) -> dict[str, float]:
    """Withheld counts that their own row's published value and other count give away."""
    scale = {indicator.code: indicator.scale for indicator in catalog.indicators}
    found = {}
    withheld = cells[cells["withheld"]]
    for cell, role, row in withheld[["cell", "role", "row"]].itertuples(index=False):
        published = rows.loc[row]
        value, factor = published["value"], scale[published["indicator_code"]]
        if pd.isna(value):
            continue
        if role == "numerator" and pd.notna(published["denominator"]):
            found[cell] = value * published["denominator"] / factor
        elif role == "denominator" and pd.notna(published["numerator"]) and value:
            found[cell] = published["numerator"] * factor / value
    return found


def attack_published(
    connection: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    branch_codes: Sequence[str],
    table: str = "indicator_values",
) -> list[Recovery]:
    """Every withheld count of the published file that the attacker recovers, and how."""
    rows = connection.execute(ROWS_SQL.format(table=table)).df()
    cells = count_cells(rows, catalog)
    hidden = set(cells.loc[cells["withheld"], "cell"])
    known_rows = cells[cells["amount"].notna()]
    known = dict(zip(known_rows["cell"], known_rows["amount"], strict=True))
    recoveries = [Recovery(cell, known[cell], "published_elsewhere") for cell in sorted(hidden & set(known))]
    from_rate = {
        cell: amount for cell, amount in rate_recoveries(rows, cells, catalog).items() if cell not in known
    }
    recoveries += [Recovery(cell, amount, "from_the_rate") for cell, amount in sorted(from_rate.items())]
    relations = attack_relations(cells, region_parents(rows), catalog, branch_codes)
    differenced = differencing_attack(relations, known | from_rate, hidden - set(known) - set(from_rate))
    recoveries += [Recovery(cell, amount, "differencing") for cell, amount in sorted(differenced.items())]
    return recoveries
