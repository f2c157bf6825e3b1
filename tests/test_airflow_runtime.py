"""How `make demo` waits for the pipeline in Airflow: the ingests and every run they schedule, with
Airflow's REST API answered from a script of snapshots (the real API: tests/test_demo.py)."""

from __future__ import annotations

import pytest
import requests

from zicht import airflow_runtime

SINCE = "2026-11-29T11:00:00Z"
LATER = "2026-11-29T11:05:00+00:00"
EARLIER = "2026-11-28T09:00:00+00:00"


def run(dag_id: str, state: str, queued_at: str = LATER) -> dict:
    return {"dag_id": dag_id, "dag_run_id": f"{dag_id}-{state}", "state": state, "queued_at": queued_at}


class FakeApi:
    """Answers each GET of the runs with the next snapshot (the last one for ever after)."""

    def __init__(self, snapshots: list[list[dict]]):
        self.snapshots = snapshots
        self.triggered: list[str] = []

    def get(self, url, params=None, headers=None, timeout=None):
        snapshot = self.snapshots.pop(0) if len(self.snapshots) > 1 else self.snapshots[0]
        return _Response(200, {"dag_runs": snapshot})

    def post(self, url, json=None, headers=None, timeout=None):
        self.triggered.append(url.split("/dags/")[1].split("/")[0])
        return _Response(200, {})


class _Response:
    def __init__(self, status_code: int, body: dict):
        self.status_code, self.body, self.ok = status_code, body, status_code < 400

    def json(self) -> dict:
        return self.body


@pytest.fixture
def api(monkeypatch):
    def install(snapshots):
        fake = FakeApi(snapshots)
        monkeypatch.setattr(requests, "get", fake.get)
        monkeypatch.setattr(requests, "post", fake.post)
        monkeypatch.setattr(airflow_runtime, "api_token", lambda: "token")
        return fake

    return install


def settle(**overrides):
    options = {"timeout_seconds": 5, "trigger_after_seconds": 60, "quiet_seconds": 0, "poll_seconds": 0}
    return airflow_runtime.wait_until_settled(
        ["zicht_cbs_ingest", "zicht_extract_ingest"], SINCE, **options | overrides
    )


def test_it_waits_for_the_build_and_publication_the_ingests_scheduled(api):
    ingested = [run("zicht_cbs_ingest", "success"), run("zicht_extract_ingest", "success")]
    fake = api(
        [
            [run("zicht_cbs_ingest", "running"), run("zicht_extract_ingest", "success")],
            [*ingested, run("zicht_warehouse_build", "running")],
            [*ingested, run("zicht_warehouse_build", "success"), run("zicht_publish", "queued")],
            [*ingested, run("zicht_warehouse_build", "success"), run("zicht_publish", "success")],
        ]
    )
    runs = settle()
    assert {(r["dag_id"], r["state"]) for r in runs} >= {("zicht_publish", "success")}
    assert len(fake.snapshots) == 1, "it waited through every snapshot until the publication"
    assert fake.triggered == []


def test_the_next_clock_tick_of_an_ingest_that_succeeded_is_not_waited_for(api):
    api([[run("zicht_cbs_ingest", "success"), run("zicht_extract_ingest", "success"),
          run("zicht_extract_ingest", "running")]])  # fmt: skip
    assert len(settle()) == 3


def test_an_ingest_that_airflow_did_not_start_is_triggered(api):
    fake = api([[run("zicht_extract_ingest", "success")], [run("zicht_extract_ingest", "success")],
                [run("zicht_extract_ingest", "success"), run("zicht_cbs_ingest", "success")]])  # fmt: skip
    settle(trigger_after_seconds=0)
    assert fake.triggered == ["zicht_cbs_ingest"]


def test_a_failed_run_stops_the_wait_but_one_of_an_earlier_start_does_not(api):
    api([[run("zicht_cbs_ingest", "failed", queued_at=EARLIER), run("zicht_cbs_ingest", "success"),
          run("zicht_extract_ingest", "success")]])  # fmt: skip
    assert len(settle()) == 2
    api([[run("zicht_cbs_ingest", "success"), run("zicht_extract_ingest", "success"),
          run("zicht_warehouse_build", "failed")]])  # fmt: skip
    with pytest.raises(RuntimeError, match="zicht_warehouse_build"):
        settle()


def test_it_gives_up_when_time_runs_out(api):
    api([[run("zicht_cbs_ingest", "running")]])
    with pytest.raises(TimeoutError, match="zicht_cbs_ingest, zicht_extract_ingest"):
        settle(timeout_seconds=0.05)
