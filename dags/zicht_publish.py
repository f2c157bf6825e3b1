"""
### Quality gate and publication

Validates every published dataset with its Great Expectations suite (results stored in
`ops.quality_results`, Data Docs rebuilt) and, only when all pass, publishes the marts into the file
Superset reads, swapped in atomically. A failed suite fails this run and leaves the last good
publication live. Produces the Asset `zicht_published`.
"""

import pendulum
from airflow.sdk import dag, task

from zicht.orchestration import DEFAULT_ARGS, MARTS, PUBLISHED


@dag(
    dag_id="zicht_publish",
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

    publish(quality_gate())


zicht_publish()
