"""
### Quality gate and publication

Validates every published dataset with its Great Expectations suite (results stored in
`ops.quality_results`, Data Docs rebuilt) and, only when all pass, publishes the marts into the file
Superset reads, swapped in atomically; the release keeps the disclosure audit and this gate run's
results beside it. A failed suite, or a disclosure table whose audit failed, fails this run and leaves
the last good publication live. Produces the Asset `zicht_published`.

Whatever the gate decided, `export_ops` then rebuilds the operations file for the
"Pipelinekwaliteit" dashboard (`data/published/ops.duckdb`): task runs, quality results, row counts,
source freshness and quarantined files, so a blocked publication is visible there too.
"""

import pendulum
from airflow.sdk import dag, task, teardown

from zicht.orchestration import DEFAULT_ARGS, MARTS, PUBLISHED, run_deadline


@dag(
    dag_id="zicht_publish",
    deadline=run_deadline("zicht_publish"),
    schedule=[MARTS],
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    default_args={**DEFAULT_ARGS, "retries": 0},
    tags=["zicht", "quality", "publish"],
    doc_md=__doc__,
)
def zicht_publish():
    @task
    def quality_gate() -> dict:
        from zicht.gate import require_gate

        result = require_gate()
        return {"gate_run_id": result.run_id, "datasets": sorted(result.outcomes)}

    @task(outlets=[PUBLISHED])
    def publish(passed: dict) -> dict:
        from dataclasses import asdict

        from zicht.publish import publish as publish_release

        # Exactly the datasets that passed this gate run; nothing else is published.
        return asdict(publish_release(passed["datasets"], gate_run_id=passed["gate_run_id"]))

    # A teardown runs after publish whatever its outcome (the view matters most after a failure) and,
    # unlike an all_done task, leaves the run's state to the gate and publish: a blocked run stays failed.
    @teardown
    def export_ops() -> dict:
        from zicht.ops.export import export_ops as export

        exported = export()
        return {"path": str(exported.path), "tables": exported.tables}

    publish(quality_gate()) >> export_ops()


zicht_publish()
