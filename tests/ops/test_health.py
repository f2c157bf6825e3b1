import subprocess
import sys
from datetime import timedelta

import pytest

from tests.ops.conftest import (
    CBS_TABLES,
    finding,
    land,
    land_cbs,
    land_other_cbs,
    quarantine,
    write_gate_run,
    write_release,
)
from zicht.ops.health import collect_health
from zicht.ops.report import Area, Severity


def test_healthy_state_needs_no_attention(healthy, now):
    report = collect_health(healthy, now=now)

    assert not report.needs_attention, [f.message for f in report.attention]
    assert finding(report, "publication_age").details["gate_run_id"] == "gate-ok"
    assert "all 3 expectations passed" in finding(report, "gate_passed").message
    assert {f.subject for f in report.in_area(Area.SOURCES)} == {f"cbs/{t}" for t in CBS_TABLES}
    assert finding(report, "quarantine_empty").severity is Severity.OK


def test_no_publication_needs_attention(settings, now):
    for table_id in CBS_TABLES:
        land_cbs(settings, table_id, now - timedelta(days=1))
    write_gate_run(settings, "gate-ok", now - timedelta(hours=2))

    report = collect_health(settings, now=now)

    assert report.needs_attention
    assert finding(report, "publication_missing").severity is Severity.ATTENTION


def test_publication_older_than_max_age_needs_attention(healthy, now, monkeypatch):
    monkeypatch.setenv("ZICHT_MAX_PUBLICATION_AGE_HOURS", "0.5")

    report = collect_health(healthy, now=now)

    assert "older than" in finding(report, "publication_old").message


def test_cbs_table_retrieved_60_days_ago_is_stale(settings, now):
    land_other_cbs(settings, now - timedelta(days=1), "85984NED", "85755NED")
    land_cbs(settings, "85984NED", now - timedelta(days=1))
    land_cbs(settings, "85755NED", now - timedelta(days=60))
    write_gate_run(settings, "gate-ok", now - timedelta(hours=2))
    write_release(settings, now - timedelta(hours=1), "gate-ok")

    report = collect_health(settings, now=now)

    stale = finding(report, "source_stale", "cbs/85755NED")
    assert "60 d ago" in stale.message and "cadence 35 d" in stale.message
    assert finding(report, "source_fresh", "cbs/85984NED").severity is Severity.OK
    assert [f.subject for f in report.attention] == ["cbs/85755NED"]


def test_failed_attempts_after_the_last_success_are_reported(healthy, now):
    land_cbs(healthy, "85984NED", now - timedelta(hours=3), outcome="failed")
    land_cbs(healthy, "85984NED", now - timedelta(hours=2), outcome="failed")

    report = collect_health(healthy, now=now)

    failures = finding(report, "source_failures", "cbs/85984NED")
    assert failures.details["failed_attempts"] == 2
    assert "cbs failed on purpose" in failures.message


def test_failure_before_the_last_success_is_history_not_a_finding(healthy, now):
    land_cbs(healthy, "85984NED", now - timedelta(days=3), outcome="failed")

    report = collect_health(healthy, now=now)

    assert not [f for f in report.findings if f.check == "source_failures"]


def test_extract_source_is_judged_by_its_own_weekly_cadence(healthy, now):
    land(healthy, "kvk", now - timedelta(days=10))
    land(healthy, "kvk", now - timedelta(days=1), outcome="duplicate")  # the same file again: not fresh

    report = collect_health(healthy, now=now)

    assert "cadence 8 d" in finding(report, "source_stale", "kvk").message


def test_expected_source_that_never_landed_needs_attention(healthy, now, monkeypatch):
    monkeypatch.setenv("ZICHT_EXPECTED_SOURCES", "cbs,om")

    report = collect_health(healthy, now=now)

    assert finding(report, "source_never_landed", "om").severity is Severity.ATTENTION


def test_failed_gate_after_last_publication_blocks_and_names_the_expectation(healthy, now):
    write_gate_run(healthy, "gate-bad", now - timedelta(minutes=10), failing=("region codes are unique",))

    report = collect_health(healthy, now=now)

    blocked = finding(report, "publication_blocked")
    assert "gate-bad" in blocked.message
    assert "region codes are unique" in blocked.message
    assert "stays live" in blocked.message
    failed = finding(report, "expectation_failed")
    assert failed.subject == "region_population/region codes are unique"
    assert "3 unexpected" in failed.message


def test_gate_that_passed_again_after_a_failure_is_ok(healthy, now):
    write_gate_run(healthy, "gate-bad", now - timedelta(minutes=20), failing=("region codes are unique",))
    write_gate_run(healthy, "gate-fixed", now - timedelta(minutes=10))

    report = collect_health(healthy, now=now)

    assert "gate-fixed" in finding(report, "gate_passed").message
    assert not report.needs_attention


def test_quarantined_file_is_shown_with_its_reason(healthy, now):
    quarantine(healthy, "kvk", "vestigingen-2026-11.csv", {"reason": "column kvk_nummer missing"})
    quarantine(healthy, "om", "zaken.xlsx", None)

    report = collect_health(healthy, now=now)

    with_reason = finding(report, "quarantined_file", "kvk/vestigingen-2026-11.csv")
    assert with_reason.message == "kvk/vestigingen-2026-11.csv: column kvk_nummer missing"
    assert "no reason file" in finding(report, "quarantined_file", "om/zaken.xlsx").message
    assert report.needs_attention


@pytest.fixture
def locked_warehouse(healthy):
    """Another process holds the warehouse open read-write, as a running dbt build or gate does."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(healthy.warehouse_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield healthy
    finally:
        holder.stdin.close()  # the holder exits when its stdin ends
        holder.wait(timeout=30)


def test_locked_warehouse_is_reported_and_files_are_still_read(locked_warehouse, now):
    quarantine(locked_warehouse, "kvk", "bad.csv", {"reason": "not UTF-8"})

    report = collect_health(locked_warehouse, now=now)

    unreadable = finding(report, "warehouse_unreadable")
    assert "could not be read" in unreadable.message
    assert "lock" in unreadable.details["error"].lower()
    assert finding(report, "publication_age").severity is Severity.OK
    assert finding(report, "source_fresh", "cbs/85984NED").severity is Severity.OK
    assert finding(report, "quarantined_file", "kvk/bad.csv").message == "kvk/bad.csv: not UTF-8"
    assert report.unreadable is None and report.needs_attention


def test_missing_warehouse_is_reported(settings, now):
    report = collect_health(settings, now=now)

    assert "no warehouse yet" in finding(report, "gate_never_ran").message


def test_missing_data_dir_is_unreadable_state(settings, now, tmp_path):
    import dataclasses

    report = collect_health(dataclasses.replace(settings, data_dir=tmp_path / "absent"), now=now)

    assert report.unreadable and "does not exist" in report.unreadable
    assert report.needs_attention and report.findings == ()


def test_warehouse_without_quality_results_means_no_gate_ran(healthy, now):
    import duckdb

    healthy.warehouse_path.unlink()
    duckdb.connect(str(healthy.warehouse_path)).close()

    report = collect_health(healthy, now=now)

    assert "no quality gate run recorded" in finding(report, "gate_never_ran").message


def test_damaged_manifest_line_is_reported_and_the_rest_still_read(healthy, now):
    with open(healthy.landing_dir / "manifest.jsonl", "a") as manifest:
        manifest.write('{"source": "cbs", "retrieved_at": \n')

    report = collect_health(healthy, now=now)

    assert "1 landing manifest line(s) unreadable" in finding(report, "manifest_unreadable").message
    assert finding(report, "source_fresh", "cbs/85984NED").severity is Severity.OK


def test_extract_landing_records_are_understood(healthy, now):
    """The extract landing writes `loaded`/`rejected`, `landed_at` (with Z) and `reason`."""
    from zicht.landing import append_manifest

    def at(moment):
        return moment.isoformat().replace("+00:00", "Z")

    append_manifest(
        healthy.landing_dir,
        {"source": "om", "outcome": "loaded", "landed_at": at(now - timedelta(days=3)), "reason": None},
    )
    append_manifest(
        healthy.landing_dir,
        {
            "source": "om",
            "outcome": "rejected",
            "landed_at": at(now - timedelta(days=1)),
            "reason": "zaken.csv, row 4, column jaar: rule year_range: 1890 is not a year we hold",
        },
    )

    report = collect_health(healthy, now=now)

    assert "cadence 35 d" in finding(report, "source_fresh", "om").message
    failures = finding(report, "source_failures", "om")
    assert "last rejected 24 h ago" in failures.message and "rule year_range" in failures.message


def test_extract_quarantine_with_json_and_text_reason_is_one_finding(healthy, now):
    name = "20261128T101500000000Z_vestigingen.csv"
    reason = {
        "file": "vestigingen.csv",
        "counts_per_rule": {"kvk_nummer_format": 2, "unknown_gemeente": 1},
        "violations": [
            {"rule": "kvk_nummer_format", "message": "not 8 digits", "row": 3, "column": "kvk_nummer"},
            {"rule": "unknown_gemeente", "message": "GM9999 unknown", "row": 5},
        ],
    }
    quarantine(healthy, "kvk", name, reason)
    (healthy.data_dir / "quarantine" / "kvk" / f"{name}.reason.txt").write_text("rejected: 3 problem(s)\n")

    report = collect_health(healthy, now=now)

    only = finding(report, "quarantined_file")
    assert only.subject == f"kvk/{name}"
    assert only.message.endswith(
        "3 problem(s); first: row 3, column kvk_nummer: rule kvk_nummer_format: not 8 digits"
    )


def test_a_statline_download_counts_as_a_fresh_landing_of_its_cbs_table(settings, now):
    land_other_cbs(settings, now - timedelta(days=1), "85984NED", "85755NED")
    land_cbs(settings, "85984NED", now - timedelta(days=1))
    land_cbs(settings, "85755NED", now - timedelta(days=60))  # stale through the API ...
    land(settings, "statline", now - timedelta(hours=3), "loaded", table_id="85755NED", period="2024")
    write_gate_run(settings, "gate-ok", now - timedelta(hours=2))
    write_release(settings, now - timedelta(hours=1), "gate-ok")

    report = collect_health(settings, now=now)

    # ... but an analyst's StatLine download of the same table is newer.
    assert finding(report, "source_fresh", "cbs/85755NED").severity is Severity.OK
    assert report.attention == []
