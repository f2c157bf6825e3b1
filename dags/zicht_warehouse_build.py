"""
### Warehouse build

Runs `dbt build` on the warehouse (staging, intermediate and marts, with their tests and unit tests)
whenever new raw data has landed (CBS tables or KvK/OM extracts). One task: see docs/orchestration.md
for why dbt runs as one `dbt build` rather than one Airflow task per model. After the build the same
task records the row count of every dbt model in `ops.model_row_counts`, flagging unusual jumps
against the previous build, and the cells disclosure control suppressed per indicator, level and year
in `ops.disclosure_stats`. Produces the Asset `zicht_marts`.
A run skips (and produces nothing) while the CBS tables or the herindeling table have not landed
yet, so the first KvK or OM file of a fresh installation does not build a warehouse without them;
a run scheduled by an Asset also skips when everything landed had already landed before the last
successful build began (two sources landing in one minute give one build). A manual run always builds.
"""

import pendulum
from airflow.sdk import dag, task

from zicht.orchestration import DEFAULT_ARGS, MARTS, RAW_CBS, RAW_EXTRACTS, run_deadline


@dag(
    dag_id="zicht_warehouse_build",
    deadline=run_deadline("zicht_warehouse_build"),
    schedule=(RAW_CBS | RAW_EXTRACTS),
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["zicht", "dbt"],
    doc_md=__doc__,
)
def zicht_warehouse_build():
    @task(outlets=[MARTS])
    def dbt_build(dag_run=None) -> None:
        import logging

        from airflow.sdk.exceptions import AirflowSkipException

        from zicht.ops.disclosure_stats import record_build_disclosure_stats
        from zicht.ops.row_counts import record_model_row_counts
        from zicht.transform import build_skip_reason, build_warehouse

        reason = build_skip_reason(scheduled_by_asset=dag_run.run_type == "asset_triggered")
        if reason:
            logging.getLogger("zicht.build").warning(reason)  # the task log keeps the why of a skip
            raise AirflowSkipException(reason)
        print(build_warehouse())
        for count in record_model_row_counts():
            flag = "  JUMP" if count.jump else ""
            print(f"{count.relation}: {count.row_count} rows (previous {count.previous_row_count}){flag}")
        stats = record_build_disclosure_stats()
        suppressed = sum(s.cells_primary_suppressed + s.cells_secondary_suppressed for s in stats)
        guarded = sum(s.cells_total for s in stats)
        print(f"disclosure control: {suppressed} of {guarded} guarded cells suppressed")

    dbt_build()


zicht_warehouse_build()
