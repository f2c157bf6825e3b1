"""Every DAG imports offline, is wired by Assets, and carries the project's defaults."""

from pathlib import Path

import pytest

DAGS_FOLDER = Path(__file__).resolve().parents[2] / "dags"


@pytest.fixture(scope="module")
def dag_bag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_FOLDER))


def test_every_dag_file_imports_without_errors(dag_bag):
    assert dag_bag.import_errors == {}
    dag_files = {path.stem for path in DAGS_FOLDER.glob("*.py")}
    assert {dag.dag_id for dag in dag_bag.dags.values()} == dag_files


def test_dags_follow_the_conventions(dag_bag):
    for dag in dag_bag.dags.values():
        assert "zicht" in dag.tags, dag.dag_id
        assert dag.catchup is False, dag.dag_id
        assert dag.doc_md and dag.doc_md.strip(), dag.dag_id
        for task in dag.tasks:
            assert task.owner == "zicht", (dag.dag_id, task.task_id)


def test_ingest_tasks_retry_and_the_gate_does_not(dag_bag):
    ingest = dag_bag.get_dag("zicht_cbs_ingest")
    assert all(task.retries >= 1 for task in ingest.tasks)
    publish = dag_bag.get_dag("zicht_publish")
    assert publish.get_task("quality_gate").retries == 0


def test_assets_chain_ingest_to_build_to_publish(dag_bag):
    from zicht.orchestration import MARTS, PUBLISHED, RAW_CBS

    def outlets(dag_id):
        return {outlet.name for task in dag_bag.get_dag(dag_id).tasks for outlet in task.outlets}

    assert RAW_CBS.name in outlets("zicht_cbs_ingest")
    assert MARTS.name in outlets("zicht_warehouse_build")
    assert PUBLISHED.name in outlets("zicht_publish")
    build_schedule = dag_bag.get_dag("zicht_warehouse_build").timetable.asset_condition
    publish_schedule = dag_bag.get_dag("zicht_publish").timetable.asset_condition
    assert RAW_CBS.name in repr(build_schedule)
    assert MARTS.name in repr(publish_schedule)


def test_failed_tasks_raise_an_alert(dag_bag):
    from zicht.ops.alerts import on_failure_callback

    for dag in dag_bag.dags.values():
        for task in dag.tasks:
            assert on_failure_callback in (task.on_failure_callback or []), (dag.dag_id, task.task_id)


def test_warehouse_tasks_share_the_one_writer_pool(dag_bag):
    from zicht.orchestration import WAREHOUSE_POOL

    for dag in dag_bag.dags.values():
        for task in dag.tasks:
            if not task.task_id.startswith("wait_for"):
                assert task.pool == WAREHOUSE_POOL, (dag.dag_id, task.task_id)


def test_publish_runs_only_after_the_gate(dag_bag):
    publish = dag_bag.get_dag("zicht_publish")
    assert publish.get_task("publish").upstream_task_ids == {"quality_gate"}


def test_every_task_records_its_outcome(dag_bag):
    from zicht.ops.task_log import on_task_failure, on_task_success

    for dag in dag_bag.dags.values():
        for task in dag.tasks:
            assert on_task_success in (task.on_success_callback or []), (dag.dag_id, task.task_id)
            assert on_task_failure in (task.on_failure_callback or []), (dag.dag_id, task.task_id)


def test_ops_export_runs_after_publish_whatever_the_gate_decided(dag_bag):
    export = dag_bag.get_dag("zicht_publish").get_task("export_ops")
    assert export.upstream_task_ids == {"publish"}
    # A teardown without setups runs once publish is done, whatever its state, and does not decide
    # the run's state: a blocked publication still fails the run.
    assert export.is_teardown and not export.on_failure_fail_dagrun
    assert export.trigger_rule == "all_done_setup_success"


def test_every_dag_has_a_run_deadline_that_raises_an_alert(dag_bag):
    import importlib
    import inspect
    from datetime import timedelta

    from zicht.ops.config import get_ops_settings

    minutes = get_ops_settings().run_deadline_minutes
    for dag in dag_bag.dags.values():
        deadlines = dag.deadline if isinstance(dag.deadline, list) else [dag.deadline]
        assert len(deadlines) == 1, dag.dag_id
        (alert,) = deadlines
        assert alert.interval == timedelta(minutes=minutes[dag.dag_id]), dag.dag_id
        assert alert.callback.kwargs["dag_id"] == dag.dag_id
        # The triggerer imports the callback by its path and awaits it.
        module, _, name = alert.callback.path.rpartition(".")
        callback = getattr(importlib.import_module(module), name)
        assert inspect.iscoroutinefunction(callback), alert.callback.path
