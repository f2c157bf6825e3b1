"""Run a dataset's suite as a Great Expectations Checkpoint against the warehouse DuckDB.

Flow: read the table read-only through GX (``gx_duckdb``), validate it with the suite from
``expectations/<dataset>.py``, build Data Docs, release GX's connection, then append one row per
expectation to ``ops.quality_results`` in the warehouse. The context is ephemeral: suites live in
Python, so nothing GX generates needs to survive a run except Data Docs and the results table.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from zicht.errors import MissingPrerequisite
from zicht.quality import gx_duckdb
from zicht.quality import results as quality_results
from zicht.quality.suites import suite_builder
from zicht.settings import get_settings

logger = logging.getLogger(__name__)

DATA_DOCS_SITE = "zicht"
DATASOURCE_NAME = "warehouse"


@dataclass(frozen=True)
class CheckpointOutcome:
    run_id: str
    dataset: str
    success: bool
    statistics: dict[str, Any]
    results: list[quality_results.QualityResultRow]
    data_docs_index: Path
    timings_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def failed_expectations(self) -> list[quality_results.QualityResultRow]:
        return [row for row in self.results if not row.success]


def _import_great_expectations() -> Any:
    # No usage statistics from an offline pipeline (GX reads this at import; the context repeats it).
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # GX logs its own import, every metric it resolves and every fallback it tries; keep errors.
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx

    gx_duckdb.apply()
    return gx


def _ephemeral_context(gx: Any, docs_dir: Path) -> Any:
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DATA_DOCS_SITE: {
                "class_name": "SiteBuilder",
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
            }
        },
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def run_checkpoint(
    dataset: str,
    warehouse_path: Path,
    table: str,
    *,
    results_table: str = quality_results.RESULTS_TABLE,
    docs_dir: Path | None = None,
    run_id: str | None = None,
) -> CheckpointOutcome:
    """Validate ``table`` (``schema.table``) in ``warehouse_path`` with the suite of ``dataset``.

    Appends the per-expectation results to ``results_table`` in the same warehouse and builds Data
    Docs into ``docs_dir`` (default ``<quality_dir>/data_docs``). Returns the outcome; raising is
    left to the caller, so a failed gate is still recorded.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    docs_dir = Path(docs_dir or get_settings().quality_dir / "data_docs")
    run_id = run_id or f"{dataset}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid4().hex[:8]}"
    schema_name, _, table_name = table.rpartition(".")
    if not schema_name:
        raise ValueError(f"table must be schema-qualified, got {table!r}")
    if not Path(warehouse_path).exists():
        raise MissingPrerequisite(f"warehouse not found: {warehouse_path}; build it first (zicht build)")

    gx = _import_great_expectations()
    from great_expectations.core.run_identifier import RunIdentifier

    timings["gx_import"] = time.perf_counter() - started

    mark = time.perf_counter()
    context = _ephemeral_context(gx, docs_dir)
    datasource = context.data_sources.add_sql(
        name=DATASOURCE_NAME, connection_string=gx_duckdb.read_only_url(warehouse_path)
    )
    try:
        asset = gx_duckdb.add_table_asset(datasource, schema_name, table_name)
        batch_definition = asset.add_batch_definition_whole_table("whole_table")
        suite = context.suites.add(gx.ExpectationSuite(name=dataset, expectations=suite_builder(dataset)()))
        validation = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{dataset}__{table_name}", data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=f"{dataset}__gate",
                validation_definitions=[validation],
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE])],
                result_format={"result_format": "SUMMARY"},
            )
        )
        run_time = datetime.now(UTC)
        checkpoint_result = checkpoint.run(run_id=RunIdentifier(run_name=run_id, run_time=run_time))
    finally:
        # The results go into the same file, read-write: DuckDB refuses that while this process
        # still holds it read-only.
        gx_duckdb.release(datasource)
    timings["validate_and_docs"] = time.perf_counter() - mark

    (validation_result,) = checkpoint_result.run_results.values()
    rows = quality_results.flatten_validation_result(
        validation_result.to_json_dict(), run_id=run_id, dataset=dataset, run_time=run_time
    )
    mark = time.perf_counter()
    quality_results.append_results(Path(warehouse_path), rows, results_table)
    timings["write_results"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started

    outcome = CheckpointOutcome(
        run_id=run_id,
        dataset=dataset,
        success=bool(checkpoint_result.success),
        statistics=dict(validation_result.statistics),
        results=rows,
        data_docs_index=docs_dir / "index.html",
        timings_seconds=timings,
    )
    logger.info(
        "quality gate %s on %s: %s (%s of %s expectations failed) in %.1f s",
        dataset,
        table,
        "passed" if outcome.success else "FAILED",
        len(outcome.failed_expectations),
        len(rows),
        timings["total"],
    )
    return outcome
