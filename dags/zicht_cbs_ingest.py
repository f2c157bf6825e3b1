"""
### CBS ingest

Downloads the CBS open data tables of the catalog (Kerncijfers wijken en buurten per year, Gebieden in
Nederland, registered crime, suspects, home sales; a multi-period table one year at a time) through
the `cbsodata` client, keeps every raw response in the immutable landing zone with a manifest entry,
and loads each table into the warehouse's `raw` schema in one transaction.
The CBS host is the setting `ZICHT_CBS_HOST` (the real CBS, or the local synthetic server).
First lands the region boundaries (CBS wijk- en buurtkaart GeoJSON) waiting in
`data/inbox/wijkenbuurtkaart/` the same way; a rejected file goes to quarantine with its reason and
fails that task, and the tables are downloaded all the same.
The tables' task produces the Asset `zicht_raw_cbs`, which schedules the warehouse build: once per
run, after both, so the build sees the boundaries of the same run.
"""

import pendulum
from airflow.sdk import dag, task

from zicht.orchestration import DEFAULT_ARGS, RAW_CBS, run_deadline


@dag(
    dag_id="zicht_cbs_ingest",
    deadline=run_deadline("zicht_cbs_ingest"),
    schedule="@monthly",
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["zicht", "ingest", "cbs"],
    doc_md=__doc__,
)
def zicht_cbs_ingest():
    @task(outlets=[RAW_CBS], trigger_rule="all_done")
    def ingest_cbs_tables() -> list[dict]:
        from zicht.cbs import ingest_cbs_tables as ingest

        return [result.summary() for result in ingest()]

    @task
    def land_region_shapes() -> list[dict]:
        from zicht.shapes import land_shapes_inbox

        outcomes = land_shapes_inbox()
        reasons = [outcome["reason"] for outcome in outcomes if outcome["outcome"] != "loaded"]
        if reasons:
            raise RuntimeError(f"{len(reasons)} kaart file(s) quarantined: {reasons}")
        return outcomes

    land_region_shapes() >> ingest_cbs_tables()


zicht_cbs_ingest()
