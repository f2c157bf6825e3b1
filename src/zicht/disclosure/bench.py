"""Benchmarks of disclosure control, both run by `zicht bench`.

`run_all_tables`: every table the dbt model int_disclosure_cells protects, of every year, from a
built national warehouse (the same job list, `jobs.table_jobs`): protection with its audit, timed,
and the information loss per theme and region level.

`run`: one synthetic national buurt table: about 340 gemeenten, 3,400 wijken and 13,600 buurten
under 12 provinces and 10 RIEC regions, Poisson counts of persons with many small buurt counts,
frequency threshold 10. Measures protection (primary rules, tau-ARGUS per part, the audit inside
it) and the audit alone, and the share of cells and of value suppressed per region level.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from zicht.disclosure.audit import audit_table
from zicht.disclosure.cells import CellTableError, relations, validate_cells
from zicht.disclosure.jobs import category_sums, protect_jobs, protected_counts_sql, table_jobs
from zicht.disclosure.loss import count_themes, information_loss
from zicht.disclosure.protect import protect_cells, suppressed_share
from zicht.disclosure.rules import load_rules
from zicht.indicators import load_catalog

PROVINCES, RIEC_REGIONS, GEMEENTEN = 12, 10, 340


def synthetic_buurt_table(seed: int, gemeenten: int = GEMEENTEN) -> pd.DataFrame:
    """A persons count per buurt, summed up to wijk, gemeente, province, RIEC region and Nederland."""
    rng = np.random.default_rng(seed)
    rows = []
    for g in range(gemeenten):
        for w in range(1 + rng.poisson(9)):
            wijk = f"WK{g:04d}{w:02d}"
            # buurt sizes spread over two orders of magnitude: many below the threshold
            rates = np.exp(rng.normal(np.log(25), 1.2, size=1 + rng.poisson(3)))
            for b, count in enumerate(rng.poisson(rates)):
                rows.append((f"BU{g:04d}{w:02d}{b:02d}", "buurt", wijk, int(count)))
    buurten = pd.DataFrame(rows, columns=["region_code", "region_level", "parent_code", "value"])
    wijken = _totals(buurten, "wijk", lambda wijk: "GM" + wijk[2:6])
    # provinces and RIEC regions both group consecutive gemeenten, with different borders
    gemeente_rows = _totals(
        wijken, "gemeente", lambda code: f"PV{20 + _index(code) * PROVINCES // gemeenten}"
    )
    gemeente_rows["riec_code"] = [
        f"RIEC{1 + _index(code) * RIEC_REGIONS // gemeenten:02d}" for code in gemeente_rows["region_code"]
    ]
    provinces = _totals(gemeente_rows, "provincie", lambda _: "NL00")
    riec = gemeente_rows.groupby("riec_code", as_index=False)["value"].sum()
    riec = riec.rename(columns={"riec_code": "region_code"}).assign(region_level="riec", parent_code="NL00")
    nederland = pd.DataFrame(
        [{"region_code": "NL00", "region_level": "nederland", "parent_code": None}]
    ).assign(value=buurten["value"].sum())
    table = pd.concat([nederland, provinces, riec, gemeente_rows, wijken, buurten], ignore_index=True)
    table["contributors"] = table["value"]
    return table


def _index(gemeente: str) -> int:
    return int(gemeente[2:])


def _totals(children: pd.DataFrame, level: str, parent_of) -> pd.DataFrame:
    totals = children.groupby("parent_code", as_index=False)["value"].sum()
    totals = totals.rename(columns={"parent_code": "region_code"}).assign(region_level=level)
    totals["parent_code"] = totals["region_code"].map(parent_of)
    return totals


def run(seed: int = 20261128, workers: int = 2, out: Path | None = None) -> dict:
    """Protects and audits the synthetic table; prints the figures and writes them as JSON to `out`."""
    table = synthetic_buurt_table(seed)
    rules = load_rules({**os.environ, "ZICHT_SDC_WORKERS": str(workers)})
    started = time.perf_counter()
    protected = protect_cells(table, "persons", rules, table_name="synthetic national buurt table")
    protect_seconds = time.perf_counter() - started
    started = time.perf_counter()
    audit = audit_table(protected.cells, relations(protected.cells))
    audit_seconds = time.perf_counter() - started
    shares = suppressed_share(protected.cells)
    figures = {
        "levels": table["region_level"].value_counts().to_dict(),
        "workers": workers,
        "protect_seconds": round(protect_seconds, 2),
        "audit_seconds": round(audit_seconds, 2),
        "audit_passed": audit.passed and protected.passed,
        "suppressed_cells": int(len(audit.cells)),
        "shares": shares.to_dict(orient="records"),
    }
    print(json.dumps(figures, indent=1, default=float), flush=True)
    if out is not None:
        out.write_text(json.dumps(figures, default=float))
    return figures


def markdown(figures: dict) -> list[str]:
    """The benchmark's section of docs/benchmarks.md."""
    levels = figures["levels"]
    lines = [
        "## Disclosure control: one national buurt table",
        "",
        f"{levels.get('gemeente', 0):,} gemeenten, {levels.get('wijk', 0):,} wijken, "
        f"{levels.get('buurt', 0):,} buurten (synthetic Poisson counts of persons, minimum frequency 10), "
        f"{figures['workers']} workers: protection with its audit {figures['protect_seconds']:.1f} s, "
        f"the audit alone {figures['audit_seconds']:.1f} s; "
        f"{figures['suppressed_cells']:,} cells suppressed, "
        f"audit {'passed' if figures['audit_passed'] else 'FAILED'}.",
        "",
        "| level | cells | suppressed | share of cells | share of value |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {row['region_level']} | {row['cells']:,} | {row['suppressed_cells']:,} | "
        f"{row['share_cells']:.1%} | {row['share_value']:.1%} |"
        for row in figures["shares"]
    ]
    return lines + [""]


def warehouse_jobs(warehouse_path: Path):
    """The job list of int_disclosure_cells, from the tables of a built warehouse (read-only), the
    themes of each count, and the category sums that link tables."""
    catalog = load_catalog()
    with duckdb.connect(str(warehouse_path), read_only=True) as connection:
        branches = connection.execute("select sbi_code from reference.kwetsbare_branches").fetchall()
        branch_codes = [str(code) for (code,) in branches]
        regions = connection.execute("select * from intermediate.int_reference_regions").df()
        protected_cells = protected_counts_sql(catalog, branch_codes)
        amounts = connection.execute(
            f"select * from intermediate.int_measures_harmonised where {protected_cells}"
        ).df()
        contributors = connection.execute(
            f"select * from intermediate.int_magnitude_contributors where {protected_cells}"
        ).df()
    jobs = table_jobs(catalog, branch_codes, regions, amounts, contributors)
    return jobs, count_themes(catalog, branch_codes), category_sums(catalog, branch_codes)


def run_all_tables(warehouse_path: Path, workers: int = 2, out: Path | None = None) -> dict:
    """Protects and audits every table int_disclosure_cells protects, of every year, as the dbt model
    does; then, for the tables of the newest year, the same once more with tau-ARGUS alone (without
    the rules of greedy.py) and once with them, so that one run on one (noisy) machine gives the
    ratio. Prints the figures and writes them as JSON to `out`."""
    started = time.perf_counter()
    jobs, themes, sums = warehouse_jobs(warehouse_path)
    read_seconds = time.perf_counter() - started
    jobs, refused = _additive(jobs)
    started = time.perf_counter()
    cells = protect_jobs(jobs, _rules(workers, heuristic=True), sums)
    protect_seconds = time.perf_counter() - started
    figures = {
        "tables": len(jobs),
        "refused": refused,
        "years": sorted({job.year for job in jobs}),
        **_pattern_figures(cells),
        "workers": workers,
        "read_seconds": round(read_seconds, 2),
        "protect_seconds": round(protect_seconds, 2),
        "loss": information_loss(cells, themes).to_dict(orient="records"),
        "comparison": _compare_with_tau_only(_newest_year(jobs), workers, sums),
    }
    print(json.dumps({k: v for k, v in figures.items() if k != "loss"}, indent=1, default=float), flush=True)
    if out is not None:
        out.write_text(json.dumps(figures, default=float))
    return figures


def _additive(jobs: list) -> tuple[list, list[str]]:
    """The jobs whose cells add up, and the errors of the others: protect_cells (and so the dbt
    model) refuses a table whose totals are not the sums of their parts; the benchmark measures the
    rest and reports them."""
    kept, refused = [], []
    for job in jobs:
        try:
            validate_cells(job.cells, job.disclosure_class == "magnitude", job.name)
        except CellTableError as error:
            refused.append(str(error))
        else:
            kept.append(job)
    return kept, refused


def _newest_year(jobs: list) -> list:
    newest = max((job.year for job in jobs), default=None)
    return [job for job in jobs if job.year == newest]


def _rules(workers: int, heuristic: bool):
    return load_rules(
        {**os.environ, "ZICHT_SDC_WORKERS": str(workers), "ZICHT_SDC_HEURISTIC": str(heuristic)}
    )


def _pattern_figures(cells: pd.DataFrame) -> dict:
    tables = ["measure", "category", "period_year"]
    passed = cells.groupby(tables)["table_passed"].first()
    primary = cells["status"] == "primary"
    secondary = cells["status"] == "secondary"
    return {
        "tables_with_primary": int(cells[primary].groupby(tables).ngroups),
        "cells": len(cells),
        "primary_cells": int(primary.sum()),
        "secondary_cells": int(secondary.sum()),
        "secondary_value": float(cells.loc[secondary, "value"].sum()),
        "largest_secondary": float(cells.loc[secondary, "value"].max()) if secondary.any() else 0.0,
        "tables_failed": int((~passed).sum()),
    }


def _compare_with_tau_only(jobs, workers: int, sums) -> dict:
    """The same tables with tau-ARGUS alone and with the rules first: time and what each hides."""
    comparison = {"year": jobs[0].year if jobs else None, "tables": len(jobs)}
    for name, heuristic in (("tau_only", False), ("rules_first", True)):
        started = time.perf_counter()
        cells = protect_jobs(jobs, _rules(workers, heuristic), sums)
        comparison[name] = {"seconds": round(time.perf_counter() - started, 2), **_pattern_figures(cells)}
    return comparison


def all_tables_markdown(figures: dict) -> list[str]:
    """The section of docs/benchmarks.md on every table of every year, with the information loss."""
    years = figures["years"]
    span = f"{years[0]}-{years[-1]}" if years else "no years"
    lines = [
        "## Disclosure control: every published table of every year",
        "",
        f"The job list of `int_disclosure_cells` ({figures['tables']:,} tables: every count from "
        f"Zicht's own records published as numerator or denominator, per year, {span}; "
        f"{figures['tables_with_primary']:,} of them with a primary unsafe cell), {figures['cells']:,} "
        f"cells, {figures['workers']} workers: protection with its audit, and the tables linked by "
        f"category sums closed against differencing, {figures['protect_seconds']:.1f} s "
        f"(reading the inputs {figures['read_seconds']:.1f} s); "
        f"{figures['primary_cells']:,} primary and {figures['secondary_cells']:,} secondary suppressions; "
        f"{figures['tables_failed']} tables failed the audit.",
        "",
        *_refused_lines(figures.get("refused", [])),
        *_comparison_lines(figures["comparison"]),
        "Information loss per theme and region level (all years pooled; a numerator shown by two "
        "themes counts in both): `zicht.disclosure.loss.information_loss`.",
        "",
        "| theme | level | cells | suppressed (primary + secondary) | share of cells | share of value |",
        "|---|---|---|---|---|---|",
    ]
    for row in figures["loss"]:
        share_value = row["share_value"]
        value = "-" if share_value is None or share_value != share_value else f"{share_value:.1%}"
        lines.append(
            f"| {row['theme']} | {row['region_level']} | {row['cells']:,} | {row['suppressed_cells']:,} "
            f"({row['primary_cells']:,} + {row['secondary_cells']:,}) | {row['share_cells']:.1%} | {value} |"
        )
    return lines + [""]


def _refused_lines(refused: list[str]) -> list[str]:
    if not refused:
        return []
    return [
        f"Left out, {len(refused)} in all: tables whose totals are not the sums of their parts, which "
        "protect_cells (and so `dbt build`) refuses. The first:",
        "",
        *(f"- {error}" for error in refused[:3]),
        "",
    ]


def _comparison_lines(comparison: dict) -> list[str]:
    tau, rules = comparison["tau_only"], comparison["rules_first"]
    return [
        f"Before and after, in the same run: the {comparison['tables']} tables of {comparison['year']} with "
        f"tau-ARGUS alone (`ZICHT_SDC_HEURISTIC=false`) and with the audited rules of "
        f"`zicht.disclosure.greedy` first (the default). Compare the ratio, not the seconds: the machine is "
        f"shared with other jobs.",
        "",
        "| | seconds | secondary cells | their value | largest secondary | tables failed |",
        "|---|---|---|---|---|---|",
        *(
            f"| {label} | {run['seconds']:.1f} | {run['secondary_cells']:,} | "
            f"{run['secondary_value']:,.0f} | {run['largest_secondary']:,.0f} | {run['tables_failed']} |"
            for label, run in (("tau-ARGUS alone", tau), ("rules first, tau-ARGUS where rejected", rules))
        ),
        "",
        f"Speed-up {tau['seconds'] / max(rules['seconds'], 1e-9):.1f}x.",
        "",
    ]
