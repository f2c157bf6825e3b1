"""Disclosure control of every count Zicht publishes from its own records (OM cases, KvK establishments).

One table per numerator (measure and category) and year, over the region hierarchy of the reference
indeling at the levels its indicators are shown: primary rules of the indicator's disclosure class,
secondary suppression with tau-ARGUS and the audit of every suppressed cell (zicht.disclosure).
CBS figures are published and protected by CBS and are not protected again.
"""

import pandas as pd

from zicht.disclosure.batch import protect_tables
from zicht.disclosure.rules import load_rules
from zicht.indicators import load_catalog

PARENT_COLUMN = {"buurt": "wijk_code", "wijk": "gemeente_code", "gemeente": "province_code"}


def numerator_tables(catalog, branch_codes):
    """(measure, category) -> disclosure class and the levels its indicators are shown at."""
    tables = {}
    for indicator in catalog.indicators:
        if not catalog.measures[indicator.numerator.measure].get("from_records"):
            continue
        keys = [(indicator.numerator.category, indicator.levels)]
        if indicator.breakdown:
            keys += [(code, indicator.breakdown_levels) for code in branch_codes]
        for key, levels in keys:
            entry = tables.setdefault(
                (indicator.numerator.measure, key), {"class": indicator.disclosure_class, "levels": set()}
            )
            entry["levels"] |= set(levels)
    return tables


def cell_table(regions, amounts, levels):
    """Every region of the levels (absent from the counts: zero), with its parent and RIEC region."""
    cells = regions[regions["region_level"].isin(levels)].merge(
        amounts, how="left", on=["region_level", "region_code"]
    )
    cells["value"] = cells["amount"].fillna(0.0)
    cells["parent_code"] = None
    for level, column in PARENT_COLUMN.items():
        rows = cells["region_level"] == level
        cells.loc[rows, "parent_code"] = cells.loc[rows, column]
    cells.loc[cells["region_level"].isin(["provincie", "riec"]), "parent_code"] = "NL00"
    cells.loc[cells["region_level"] != "gemeente", "riec_code"] = None
    cells["contributors"] = cells["value"].round().astype(int)
    return cells[["region_code", "region_level", "parent_code", "value", "contributors", "riec_code"]]


def model(dbt, session):
    dbt.config(materialized="table")
    catalog = load_catalog()
    rules = load_rules()
    branches = dbt.ref("kwetsbare_branches").df()
    branch_codes = branches["sbi_code"].astype(str).tolist()
    tables = numerator_tables(catalog, branch_codes)
    regions = dbt.ref("int_reference_regions").df()
    measures = sorted({measure for measure, _ in tables})
    quoted = ", ".join(f"'{m}'" for m in measures)
    amounts = dbt.ref("int_measures_harmonised").filter(f"measure in ({quoted})").df()

    jobs, keys = [], []
    for (measure, category), spec in sorted(tables.items()):
        of_table = amounts[(amounts["measure"] == measure) & (amounts["category"] == category)]
        for year, counts in of_table.groupby("period_year"):
            cells = cell_table(regions, counts[["region_level", "region_code", "amount"]], spec["levels"])
            jobs.append((f"{measure}/{category}/{year}", cells, spec["class"]))
            keys.append((measure, category, int(year), spec["class"]))
    results = []
    for (measure, category, year, disclosure_class), protected in zip(
        keys, protect_tables(jobs, rules), strict=True
    ):
        columns = ["region_level", "region_code", "status", "reason", "required_width"]
        out = protected.cells[[*columns, "audit_lower", "audit_upper"]].copy()
        out.insert(0, "period_year", year)
        out.insert(0, "category", category)
        out.insert(0, "measure", measure)
        out["disclosure_class"] = disclosure_class
        out["table_passed"] = bool(protected.passed)
        results.append(out)
    if not results:  # no record source delivered yet (the CBS ingest may build before the extracts land)
        return pd.DataFrame(
            {
                "measure": pd.Series(dtype="string"),
                "category": pd.Series(dtype="string"),
                "period_year": pd.Series(dtype="int64"),
                "region_level": pd.Series(dtype="string"),
                "region_code": pd.Series(dtype="string"),
                "status": pd.Series(dtype="string"),
                "reason": pd.Series(dtype="string"),
                "required_width": pd.Series(dtype="float64"),
                "audit_lower": pd.Series(dtype="float64"),
                "audit_upper": pd.Series(dtype="float64"),
                "disclosure_class": pd.Series(dtype="string"),
                "table_passed": pd.Series(dtype="bool"),
            }
        )
    frame = pd.concat(results, ignore_index=True)
    frame["reason"] = frame["reason"].astype("string")
    return frame
