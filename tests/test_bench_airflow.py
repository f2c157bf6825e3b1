"""The Airflow pipeline benchmark's arithmetic and report (the measuring itself runs in `make bench`)."""

from __future__ import annotations

import pytest

from zicht.bench_airflow import AirflowBench, markdown, pipeline_span


def _run(dag_id: str, start: str, end: str | None, state: str = "success") -> dict:
    return {"dag_id": dag_id, "state": state, "start_date": start, "end_date": end}


RUNS = [
    _run("zicht_build", "2026-11-29T10:02:00Z", "2026-11-29T10:05:00Z"),
    _run("zicht_cbs_ingest", "2026-11-29T10:00:00Z", "2026-11-29T10:01:30Z"),
    _run("zicht_extract_ingest", "2026-11-29T10:00:05Z", "2026-11-29T10:00:40Z"),
    _run("zicht_publish", "2026-11-29T10:05:10Z", "2026-11-29T10:06:00Z"),
    # a later clock tick of the inbox watcher, still running: not part of the pipeline's span
    _run("zicht_extract_ingest", "2026-11-29T10:10:00Z", None, state="running"),
    {"dag_id": "zicht_cbs_ingest", "state": "queued", "start_date": None, "end_date": None},
]


def test_the_pipeline_spans_first_run_start_to_publication_end():
    seconds, per_run = pipeline_span(RUNS)
    assert seconds == 360.0
    assert [run["dag_id"] for run in per_run] == [
        "zicht_cbs_ingest",
        "zicht_extract_ingest",
        "zicht_build",
        "zicht_publish",
        "zicht_extract_ingest",
    ]
    assert per_run[0]["seconds"] == 90.0 and per_run[-1]["seconds"] is None


def test_without_a_finished_publication_there_is_no_figure():
    with pytest.raises(ValueError, match="no finished publication"):
        pipeline_span([run for run in RUNS if run["dag_id"] != "zicht_publish"])


def test_report_says_whether_the_ten_minute_target_is_met_and_round_trips():
    _, per_run = pipeline_span(RUNS)
    fast = AirflowBench("national", 30.0, 60.0, 360.0, per_run, [("zicht_build.dbt_build", 170.0)])
    slow = AirflowBench.from_json({**fast.to_json(), "pipeline_seconds": 700.0})
    assert slow.tasks == fast.tasks
    fast_text, slow_text = "\n".join(markdown(fast, "make bench")), "\n".join(markdown(slow, "make bench"))
    assert "| 360.0 s | yes |" in fast_text and "| 700.0 s | **no** |" in slow_text
    assert "zicht_build.dbt_build 170.0 s" in fast_text
    assert "zicht_extract_ingest -" in fast_text
