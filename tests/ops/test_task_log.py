"""Task callbacks append one line per task try, with its duration, and never raise."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from zicht.ops.task_log import on_task_failure, on_task_success, read_task_runs, record_task_run


def task_context(task_id="quality_gate", started=None, seconds=12.5, try_number=1, exception=None):
    started = started or datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    ti = SimpleNamespace(
        dag_id="zicht_publish",
        task_id=task_id,
        run_id="manual__2026-11-28",
        try_number=try_number,
        start_date=started,
        end_date=started + timedelta(seconds=seconds),
    )
    return {"ti": ti, "run_id": ti.run_id, "exception": exception}


def test_success_and_failure_are_recorded_with_their_duration(settings):
    on_task_success(task_context("publish", seconds=3.0))
    on_task_failure(task_context(exception=RuntimeError("gate failed on region_population")))

    records, bad_lines = read_task_runs(settings)

    assert bad_lines == 0
    assert [(r["task_id"], r["state"], r["duration_seconds"]) for r in records] == [
        ("publish", "success", 3.0),
        ("quality_gate", "failed", 12.5),
    ]
    assert records[1]["error"] == "RuntimeError: gate failed on region_population"
    assert records[1]["started_at"] == "2026-11-28T10:00:00+00:00"


def test_a_damaged_line_is_counted_not_fatal(settings):
    on_task_success(task_context())
    with open(settings.data_dir / "ops" / "task_runs.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"half a line\n')

    records, bad_lines = read_task_runs(settings)

    assert len(records) == 1 and bad_lines == 1


def test_recording_never_raises(settings, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the data dir should be")
    monkeypatch.setenv("ZICHT_DATA_DIR", str(blocked))

    assert record_task_run(task_context(), "failed") is None
