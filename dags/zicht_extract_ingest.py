"""
### KvK and OM extracts and StatLine downloads from the inbox

Watches `data/inbox/kvk/`, `data/inbox/om/`, `data/inbox/herindeling/` (the conversion of each year's
region codes to the newest indeling) and `data/inbox/statline/` (CBS tables downloaded from the StatLine
website, which load like the API route). When a file arrives, each file is checksummed, kept
unchanged in the landing zone, validated against its declared schema (docs/extracts.md) and loaded
into the warehouse's `raw` schema in one transaction; a file seen before is recorded as a duplicate
and not loaded again. A file that breaks a rule goes to `data/quarantine/<source>/` with a reason file
naming the file, the row and the rule; the good files are still loaded, and the task
`fail_on_rejected_files` fails so that the rejection is visible here. Independent of the CBS ingest.
Produces the Asset `zicht_raw_extracts`, which schedules the warehouse build.
"""

from datetime import timedelta

import pendulum
from airflow.sdk import PokeReturnValue, dag, task

from zicht.extracts.schemas import SCHEMAS
from zicht.orchestration import DEFAULT_ARGS, RAW_EXTRACTS, run_deadline

SOURCES = list(SCHEMAS)


@dag(
    dag_id="zicht_extract_ingest",
    deadline=run_deadline("zicht_extract_ingest"),
    schedule=timedelta(minutes=10),
    start_date=pendulum.datetime(2026, 1, 1, tz="Europe/Amsterdam"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["zicht", "ingest", "kvk", "om"],
    doc_md=__doc__,
)
def zicht_extract_ingest():
    # Soft fail: a run in which nothing arrives ends as skipped, not failed.
    @task.sensor(poke_interval=30, timeout=9 * 60, mode="reschedule", soft_fail=True, pool="default_pool")
    def wait_for_inbox_files() -> PokeReturnValue:
        from zicht.extracts.inbox import pending_files
        from zicht.statline.inbox import pending_statline_files

        waiting = {source: len(pending_files(source)) for source in SOURCES}
        waiting["statline"] = len(pending_statline_files())
        return PokeReturnValue(is_done=any(waiting.values()), xcom_value=waiting)

    @task(outlets=[RAW_EXTRACTS])
    def land_inbox_files(waiting: dict) -> list[dict]:
        from zicht.extracts import land_inbox
        from zicht.statline.inbox import land_statline_inbox

        outcomes = [outcome.summary() for source in SOURCES for outcome in land_inbox(source)]
        return outcomes + land_statline_inbox()

    @task(retries=0)
    def fail_on_rejected_files(outcomes: list[dict]) -> None:
        from zicht.extracts.inbox import raise_for_rejections

        raise_for_rejections(outcomes)

    fail_on_rejected_files(land_inbox_files(wait_for_inbox_files()))


zicht_extract_ingest()
