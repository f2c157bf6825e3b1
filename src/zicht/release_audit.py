"""What a publication keeps beside its data: the disclosure audit and the quality-gate results.

Every release directory holds, next to `zicht.duckdb`:

- `disclosure_tables.parquet`: one row per protected table (measure, category, year): its cells,
  how many were primary and secondary suppressed, and whether its audit passed.
- `disclosure_cells.parquet`: one row per suppressed cell: status, reason, the feasibility
  interval the attacker can deduce (`audit_lower`, `audit_upper`) and the width it must have.
- `quality_results.parquet`: the gate run's result per expectation, as the gate stored it in
  `ops.quality_results`.

`release.json` summarises both (`disclosure_audit`, `quality`), and `release_refusals` is the one
rule that decides whether a release may be made live: its gate run passed for every published
dataset, and every disclosure table passed its audit. Publishing and rolling back both apply it.

What is safe to store beside a publication, and why:

- No cell value at all. `int_disclosure_cells` carries no value column; the files hold statuses,
  reasons, widths and intervals, never a count, so a suppressed value is not stored and neither is
  an unsuppressed value that the publication withholds for another reason (small denominator).
- The interval of a suppressed cell is what an attacker deduces from the published cells and the
  region hierarchy, so storing it adds nothing to what the publication reveals, *if* every
  unsuppressed cell of its table really is published. The audit assumed so; when a table has an
  unsuppressed cell whose count the release does not publish exactly (not in `indicator_values`,
  that mart not published, or published rounded on a wijk or buurt), the interval could encode that
  cell, so the table's intervals are withheld (`interval_withheld`) and only the verdict is kept.
- The required width is a published setting (the class minimum) for frequency and secondary
  cells. For a dominance cell it is computed from its largest contributors, exactly what the rule
  protects, so it is withheld there (`required_width` empty); the verdict is kept.
- A table that failed its audit may have a suppressed cell pinned down (interval of width zero), so
  a release with a failed table is never kept: publishing refuses before the release directory
  exists, and nothing of it stays on disk.
- Quality results hold, per expectation, its parameters, the observed value and the number of
  unexpected rows, computed on the published marts only; no rows of data are stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from zicht.errors import ZichtError

DISCLOSURE_CELLS_TABLE = "intermediate.int_disclosure_cells"
INDICATOR_INPUTS_TABLE = "intermediate.int_indicator_inputs"
QUALITY_RESULTS_TABLE = "ops.quality_results"
PUBLISHED_COUNTS_MART = "indicator_values"

DISCLOSURE_TABLES_FILE = "disclosure_tables.parquet"
DISCLOSURE_CELLS_FILE = "disclosure_cells.parquet"
QUALITY_RESULTS_FILE = "quality_results.parquet"
AUDIT_FILES = (DISCLOSURE_TABLES_FILE, DISCLOSURE_CELLS_FILE, QUALITY_RESULTS_FILE)

SUPPRESSED_STATUSES = ("primary", "secondary")
# Same tolerance as zicht.disclosure.audit.is_protected: LP bounds come back as floats.
WIDTH_TOLERANCE = 1e-6


class ReleaseRefused(ZichtError, RuntimeError):
    """A release may not be made live; the last good publication stays live."""


class AuditSourceMissing(ReleaseRefused):
    """The warehouse lacks what the audit is built from: disclosure control or the gate did not run."""


@dataclass(frozen=True)
class ReleaseEvidence:
    """The summaries written into release.json; the files themselves are in the release directory."""

    disclosure_audit: dict[str, Any]
    quality: dict[str, Any]


def _has_table(connection: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    schema, _, table = qualified.partition(".")
    return bool(
        connection.execute(
            "SELECT count(*) FROM duckdb_tables() "
            "WHERE database_name = 'warehouse' AND schema_name = ? AND table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _published_counts_sql(connection: duckdb.DuckDBPyConnection, datasets: list[str]) -> str | None:
    """SQL for the (measure, category, year, region) counts the release publishes exactly, as
    numerator or as denominator, or None if unknown. A count published rounded (on the levels
    disclosure control rounds, `zicht.disclosure.rules`) is not published exactly."""
    from zicht.disclosure.rules import load_rules

    if PUBLISHED_COUNTS_MART not in datasets or not _has_table(connection, INDICATOR_INPUTS_TABLE):
        return None
    rules = load_rules()
    levels = ", ".join(f"'{level}'" for level in rules.rounded_levels)
    classes = ", ".join(f"'{name}'" for name in rules.rounded_classes)
    exact = (
        f"AND NOT (published_values.region_level IN ({levels}) AND inputs.disclosure_class IN ({classes}))"
        if classes
        else ""
    )
    return " UNION ".join(
        f"""
        SELECT DISTINCT inputs.{role}_measure AS measure, inputs.{role}_key AS category,
               published_values.period_year, published_values.region_level,
               published_values.region_code
        FROM warehouse.marts.{PUBLISHED_COUNTS_MART} AS published_values
        JOIN warehouse.{INDICATOR_INPUTS_TABLE} AS inputs
            USING (period_year, region_level, region_code, indicator_code, breakdown_code)
        WHERE inputs.{role}_from_records AND published_values.{role} IS NOT NULL {exact}
        """
        for role in ("numerator", "denominator")
    )


def _write_disclosure_audit(
    connection: duckdb.DuckDBPyConnection, release_dir: Path, datasets: list[str]
) -> dict[str, Any]:
    if not _has_table(connection, DISCLOSURE_CELLS_TABLE):
        raise AuditSourceMissing(
            f"the warehouse has no {DISCLOSURE_CELLS_TABLE}: disclosure control did not run, "
            f"so no release can be made (rule: every release carries its disclosure audit)"
        )
    published_counts = _published_counts_sql(connection, datasets)
    suppressed = ", ".join(f"'{status}'" for status in SUPPRESSED_STATUSES)
    # A table's intervals are kept only when every unsuppressed cell of it is published (see the
    # module docstring); with no published counts to compare against, none are kept.
    unpublished_open = (
        f"""count(*) FILTER (WHERE cells.status NOT IN ({suppressed}) AND NOT EXISTS (
                SELECT 1 FROM published_counts AS published
                WHERE published.measure = cells.measure AND published.category = cells.category
                  AND published.period_year = cells.period_year
                  AND published.region_level = cells.region_level
                  AND published.region_code = cells.region_code))"""
        if published_counts
        else "count(*)"
    )
    connection.execute(
        f"""
        CREATE TEMP TABLE audit_tables AS
        {"WITH published_counts AS (" + published_counts + ")" if published_counts else ""}
        SELECT
            cells.measure || '/' || cells.category || '/' || cells.period_year AS table_name,
            cells.measure, cells.category, CAST(cells.period_year AS INTEGER) AS period_year,
            any_value(cells.disclosure_class) AS disclosure_class,
            count(*) AS cells,
            count(*) FILTER (WHERE cells.status = 'primary') AS primary_suppressed,
            count(*) FILTER (WHERE cells.status = 'secondary') AS secondary_suppressed,
            bool_and(cells.table_passed) AS passed,
            {unpublished_open} > 0 AS interval_withheld
        FROM warehouse.{DISCLOSURE_CELLS_TABLE} AS cells
        GROUP BY cells.measure, cells.category, cells.period_year
        """
    )
    connection.execute(
        f"""
        CREATE TEMP TABLE audit_cells AS
        SELECT
            tables.table_name, cells.measure, cells.category,
            CAST(cells.period_year AS INTEGER) AS period_year, cells.disclosure_class,
            cells.region_level, cells.region_code, cells.status, cells.reason,
            CASE WHEN cells.reason = 'primary_dominance' THEN NULL ELSE cells.required_width END
                AS required_width,
            CASE WHEN NOT tables.interval_withheld THEN cells.audit_lower END AS audit_lower,
            CASE WHEN NOT tables.interval_withheld THEN cells.audit_upper END AS audit_upper,
            CASE WHEN NOT tables.interval_withheld THEN cells.audit_upper - cells.audit_lower END
                AS audit_width,
            -- Computed before anything is withheld: the verdict stays readable either way.
            coalesce(cells.audit_upper - cells.audit_lower >= cells.required_width - {WIDTH_TOLERANCE},
                     false) AS wide_enough,
            tables.interval_withheld
        FROM warehouse.{DISCLOSURE_CELLS_TABLE} AS cells
        JOIN audit_tables AS tables USING (measure, category, period_year)
        WHERE cells.status IN ({suppressed})
        ORDER BY ALL
        """
    )
    written = {"audit_tables": DISCLOSURE_TABLES_FILE, "audit_cells": DISCLOSURE_CELLS_FILE}
    for table, file_name in written.items():
        connection.execute(
            f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{release_dir / file_name}' (FORMAT parquet)"
        )
    tables, failed, cells, primary, secondary, withheld = connection.execute(
        """SELECT count(*), coalesce(list(table_name ORDER BY table_name) FILTER (WHERE NOT passed), []),
                  coalesce(sum(cells), 0), coalesce(sum(primary_suppressed), 0),
                  coalesce(sum(secondary_suppressed), 0), count(*) FILTER (WHERE interval_withheld)
           FROM audit_tables"""
    ).fetchone()
    return {
        "verdict": "failed" if failed else "passed",
        "tables": tables,
        "failed_tables": failed,
        "cells": int(cells),
        "primary_suppressed": int(primary),
        "secondary_suppressed": int(secondary),
        "tables_with_intervals_withheld": withheld,
        "files": [DISCLOSURE_TABLES_FILE, DISCLOSURE_CELLS_FILE],
    }


def _write_quality_results(
    connection: duckdb.DuckDBPyConnection, release_dir: Path, gate_run_id: str, datasets: list[str]
) -> dict[str, Any]:
    if not _has_table(connection, QUALITY_RESULTS_TABLE):
        raise AuditSourceMissing(
            f"the warehouse has no {QUALITY_RESULTS_TABLE}: the quality gate never ran, "
            f"so gate run {gate_run_id} cannot be published (rule: every release carries its gate results)"
        )
    connection.execute(
        f"CREATE TEMP TABLE gate_results AS SELECT * FROM warehouse.{QUALITY_RESULTS_TABLE} WHERE run_id = ?",
        [gate_run_id],
    )
    connection.execute(
        f"COPY (SELECT * FROM gate_results ORDER BY ALL) TO '{release_dir / QUALITY_RESULTS_FILE}' "
        f"(FORMAT parquet)"
    )
    per_dataset = {
        dataset: {"expectations": expectations, "failed": failed}
        for dataset, expectations, failed in connection.execute(
            "SELECT dataset, count(*), count(*) FILTER (WHERE NOT success) "
            "FROM gate_results GROUP BY dataset ORDER BY dataset"
        ).fetchall()
    }
    unchecked = sorted(set(datasets) - set(per_dataset))
    failed = sorted(dataset for dataset, counts in per_dataset.items() if counts["failed"])
    return {
        "gate_run_id": gate_run_id,
        "verdict": "failed" if failed or unchecked else "passed",
        "datasets": per_dataset,
        "failed_datasets": failed,
        "unchecked_datasets": unchecked,
        "files": [QUALITY_RESULTS_FILE],
    }


def write_release_evidence(
    warehouse_path: Path, release_dir: Path, gate_run_id: str, datasets: list[str]
) -> ReleaseEvidence:
    """Write the audit and gate-result files into `release_dir`; return their summaries."""
    connection = duckdb.connect()
    try:
        connection.execute(f"ATTACH '{warehouse_path}' AS warehouse (READ_ONLY)")
        audit = _write_disclosure_audit(connection, release_dir, datasets)
        quality = _write_quality_results(connection, release_dir, gate_run_id, datasets)
    finally:
        connection.close()
    return ReleaseEvidence(disclosure_audit=audit, quality=quality)


def release_refusals(manifest: dict[str, Any]) -> list[str]:
    """Why the release described by this release.json may not be made live; empty when it may.

    The one rule, applied when publishing and when rolling back: the gate run passed every published
    dataset, and every disclosure table passed its audit. A release without that evidence (made
    before it was kept) is refused too: nothing shows it was safe.
    """
    release = manifest.get("release_id", "?")
    audit, quality = manifest.get("disclosure_audit"), manifest.get("quality")
    refusals = []
    if not audit:
        refusals.append(f"release {release} has no disclosure audit (rule: every release carries its audit)")
    elif audit.get("verdict") != "passed" or audit.get("failed_tables"):
        failed = ", ".join(audit.get("failed_tables") or ["?"])
        refusals.append(
            f"release {release}: disclosure audit failed for {failed} "
            f"(rule: every suppressed cell keeps its required uncertainty)"
        )
    if not quality:
        refusals.append(f"release {release} has no quality-gate results (rule: every release carries them)")
    else:
        if quality.get("failed_datasets"):
            refusals.append(
                f"release {release}: gate run {quality.get('gate_run_id')} failed for "
                f"{', '.join(quality['failed_datasets'])} (rule: every published dataset passes its suite)"
            )
        if quality.get("unchecked_datasets"):
            refusals.append(
                f"release {release}: gate run {quality.get('gate_run_id')} has no results for "
                f"{', '.join(quality['unchecked_datasets'])} (rule: every published dataset passes its suite)"
            )
        if quality.get("verdict") != "passed" and not (
            quality.get("failed_datasets") or quality.get("unchecked_datasets")
        ):
            refusals.append(f"release {release}: quality verdict is {quality.get('verdict')!r}, not 'passed'")
    return refusals
