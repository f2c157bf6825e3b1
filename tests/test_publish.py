"""Publication: only the named marts reach the published file, swapped in whole, kept as releases
with their disclosure audit and gate results; an earlier release can be made live again."""

import json
from datetime import UTC, datetime

import duckdb
import pytest

from tests.quality.conftest import DISCLOSURE_CELLS_DDL
from zicht.cli import main
from zicht.publish import (
    UnknownRelease,
    list_releases,
    live_history_path,
    live_release_id,
    publish,
    rollback,
)
from zicht.quality.results import QualityResultRow, append_results
from zicht.release_audit import (
    DISCLOSURE_CELLS_FILE,
    DISCLOSURE_TABLES_FILE,
    QUALITY_RESULTS_FILE,
    AuditSourceMissing,
    ReleaseRefused,
)
from zicht.settings import get_settings

DATASETS = ["indicator_values", "region_population"]
MEASURE, CATEGORY = "om_zaken", "harddrugs"
PUBLISHED_YEAR, WITHHELD_YEAR = 2024, 2023
# One disclosure table per year over a gemeente and its three buurten. In PUBLISHED_YEAR every
# unsuppressed cell is published in indicator_values; in WITHHELD_YEAR buurt BU03 is not (as if its
# denominator were missing), so that table's intervals could encode it and must not be kept.
# (region_level, region_code, status, reason, required_width, audit_lower, audit_upper)
DISCLOSURE_CELLS = [
    ("gemeente", "GM0001", "safe", None, 0.0, None, None),
    ("buurt", "BU01", "primary", "primary_frequency", 5.0, 0.0, 12.0),
    ("buurt", "BU02", "secondary", "secondary", 5.0, 3.0, 15.0),
    ("buurt", "BU03", "safe", None, 0.0, None, None),
]
UNPUBLISHED_IN_WITHHELD_YEAR = "BU03"
# (province, RIEC region) of each region: two buurten in one region, one in another.
REGION_OF = {
    "GM0001": ("PV20", "RIEC01"),
    "BU01": ("PV20", "RIEC01"),
    "BU02": ("PV20", "RIEC01"),
    "BU03": ("PV21", "RIEC02"),
}


def _disclosure_rows(year, *, dominance=False, passed=True):
    rows = []
    for level, code, status, reason, width, lower, upper in DISCLOSURE_CELLS:
        if dominance and reason == "primary_frequency":
            reason, width = "primary_dominance", 7.5
        rows.append(
            (MEASURE, CATEGORY, year, level, code, status, reason, width, lower, upper, "persons", passed)
        )
    return rows


def _write_indicator_marts(warehouse):
    warehouse.execute(
        "create table intermediate.int_indicator_inputs (period_year integer, region_level varchar, "
        "region_code varchar, indicator_code varchar, breakdown_code varchar, numerator_measure varchar, "
        "numerator_key varchar, numerator_from_records boolean, denominator_measure varchar, "
        "denominator_key varchar, denominator_from_records boolean, disclosure_class varchar)"
    )
    warehouse.execute(
        "create table marts.indicator_values (period_year integer, region_level varchar, "
        "region_code varchar, indicator_code varchar, breakdown_code varchar, numerator double, "
        "denominator double, province_code varchar, riec_code varchar)"
    )
    for year in (PUBLISHED_YEAR, WITHHELD_YEAR):
        for level, code, status, *_ in DISCLOSURE_CELLS:
            if year == WITHHELD_YEAR and code == UNPUBLISHED_IN_WITHHELD_YEAR:
                continue
            key = (year, level, code, "drugs_om_harddrugs", "totaal")
            warehouse.execute(
                "insert into intermediate.int_indicator_inputs values "
                "(?, ?, ?, ?, ?, ?, ?, true, 'inwoners', 'totaal', false, 'persons')",
                [*key, MEASURE, CATEGORY],
            )
            # A suppressed count is published empty; the others with their count.
            count = None if status in ("primary", "secondary") else 20.0
            warehouse.execute(
                "insert into marts.indicator_values values (?, ?, ?, ?, ?, ?, 10000.0, ?, ?)",
                [*key, count, *REGION_OF.get(code, (None, None))],
            )


def record_gate_run(settings, run_id, failing=(), datasets=DATASETS):
    """What the quality gate stores: two expectations per dataset; those of `failing` datasets fail."""
    run_time = datetime.now(UTC)
    append_results(
        settings.warehouse_path,
        [
            QualityResultRow(
                run_id=run_id,
                dataset=dataset,
                expectation_type=expectation,
                description=None,
                column_name="period_year",
                kwargs="{}",
                success=dataset not in failing,
                observed_value=None,
                unexpected_count=0,
                exception_message=None,
                run_time=run_time,
            )
            for dataset in datasets
            for expectation in ("expect_column_to_exist", "expect_column_values_to_not_be_null")
        ],
    )


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path))
    settings = get_settings()
    settings.warehouse_path.parent.mkdir(parents=True)
    warehouse = duckdb.connect(str(settings.warehouse_path))
    warehouse.execute("create schema raw; create schema marts; create schema staging")
    warehouse.execute("create table raw.cbs__secret as select 'GM0001' as code, 'private' as note")
    warehouse.execute("create table staging.stg_secret as select 1 as x")
    warehouse.execute(
        "create table marts.region_population as select 2025 as period_year, 100 as inhabitants"
    )
    warehouse.execute("create table marts.unpublished as select 1 as x")
    warehouse.execute(DISCLOSURE_CELLS_DDL)
    for year in (PUBLISHED_YEAR, WITHHELD_YEAR):
        warehouse.executemany(
            "insert into intermediate.int_disclosure_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _disclosure_rows(year),
        )
    _write_indicator_marts(warehouse)
    warehouse.close()
    for run_id in ("gate-1", "gate-2"):
        record_gate_run(settings, run_id)
    return settings


def _execute(settings, sql):
    with duckdb.connect(str(settings.warehouse_path)) as warehouse:
        warehouse.execute(sql)


def _tables(path):
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
    finally:
        connection.close()


def _live_rows(settings, table="region_population"):
    with duckdb.connect(str(settings.published_path), read_only=True) as live:
        return live.execute(f"select count(*) from {table}").fetchone()[0]


def _release_dir(settings, release_id):
    return settings.published_dir / "releases" / release_id


def _publish_two(settings):
    """Two releases whose region_population differs in row count; the second is live."""
    first = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    _execute(settings, "insert into marts.region_population values (2026, 200)")
    second = publish(DATASETS, gate_run_id="gate-2", settings=settings)
    return first, second


def _read_parquet(path):
    return duckdb.sql(f"select * from '{path}' order by all").df()


def test_only_the_named_marts_are_published(settings):
    release = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    assert _tables(settings.published_path) == [("main", name) for name in DATASETS]
    assert release.tables["region_population"] == 1
    assert not settings.published_path.stat().st_mode & 0o222, "the published file is read-only"


def test_indicator_values_is_published_in_the_order_dashboards_filter_on(settings):
    publish(DATASETS, gate_run_id="gate-1", settings=settings)
    with duckdb.connect(str(settings.published_path), read_only=True) as published:
        keys = published.execute(
            "select region_level, indicator_code, breakdown_code, period_year, region_code "
            "from indicator_values"
        ).fetchall()
    assert len(keys) > 1 and keys == sorted(keys)


def test_each_publication_is_kept_and_listed(settings):
    first, second = _publish_two(settings)

    assert [r.release_id for r in list_releases(settings)] == [first.release_id, second.release_id]
    assert _live_rows(settings) == 2
    assert live_release_id(settings) == second.release_id
    manifest = json.loads((_release_dir(settings, second.release_id) / "release.json").read_text())
    assert manifest["gate_run_id"] == "gate-2"


def test_a_failed_publication_leaves_the_live_file_and_no_release(settings):
    first = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    before = settings.published_path.read_bytes()
    with pytest.raises(duckdb.CatalogException):
        publish([*DATASETS, "missing_mart"], gate_run_id="gate-2", settings=settings)
    assert settings.published_path.read_bytes() == before
    assert [r.release_id for r in list_releases(settings)] == [first.release_id]
    assert [p.name for p in (settings.published_dir / "releases").iterdir() if p.is_dir()] == [
        first.release_id
    ]


def test_a_release_keeps_its_disclosure_audit_and_gate_results(settings):
    release = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    directory = _release_dir(settings, release.release_id)

    tables = _read_parquet(directory / DISCLOSURE_TABLES_FILE)
    assert sorted(tables["period_year"]) == sorted([WITHHELD_YEAR, PUBLISHED_YEAR])
    statuses = [status for _, _, status, *_ in DISCLOSURE_CELLS]
    assert set(tables["cells"]) == {len(DISCLOSURE_CELLS)}
    assert set(tables["primary_suppressed"]) == {statuses.count("primary")}
    assert set(tables["secondary_suppressed"]) == {statuses.count("secondary")}
    assert tables["passed"].all()

    cells = _read_parquet(directory / DISCLOSURE_CELLS_FILE)
    suppressed = [code for _, code, status, *_ in DISCLOSURE_CELLS if status in ("primary", "secondary")]
    assert sorted(cells["region_code"]) == sorted(suppressed * 2), "every suppressed cell of both years"

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as warehouse:
        stored = warehouse.execute(
            "select dataset, expectation_type, success from ops.quality_results "
            "where run_id = 'gate-1' order by all"
        ).fetchall()
    kept = duckdb.sql(
        f"select dataset, expectation_type, success from '{directory / QUALITY_RESULTS_FILE}' order by all"
    ).fetchall()
    assert kept == stored and stored, "the gate run's results, and only that run's"

    manifest = json.loads((directory / "release.json").read_text())
    audit = manifest["disclosure_audit"]
    assert (audit["verdict"], audit["tables"], audit["failed_tables"]) == ("passed", len(tables), [])
    assert audit["primary_suppressed"] == tables["primary_suppressed"].sum()
    assert manifest["quality"]["verdict"] == "passed"
    assert sorted(manifest["quality"]["datasets"]) == DATASETS
    assert set(manifest["files"]) == {
        "zicht.duckdb",
        DISCLOSURE_TABLES_FILE,
        DISCLOSURE_CELLS_FILE,
        QUALITY_RESULTS_FILE,
    }


def test_the_audit_keeps_only_intervals_an_attacker_can_deduce_and_no_values(settings, monkeypatch):
    monkeypatch.setenv("ZICHT_SDC_ROUNDING_BASE", "1")  # buurt counts published exactly
    _execute(settings, f"delete from intermediate.int_disclosure_cells where period_year = {PUBLISHED_YEAR}")
    with duckdb.connect(str(settings.warehouse_path)) as warehouse:
        warehouse.executemany(
            "insert into intermediate.int_disclosure_cells values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            _disclosure_rows(PUBLISHED_YEAR, dominance=True),
        )
    release = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    directory = _release_dir(settings, release.release_id)
    cells = _read_parquet(directory / DISCLOSURE_CELLS_FILE).set_index(["period_year", "region_code"])

    for column in cells.columns:
        assert "value" not in column and "numerator" not in column, f"{column}: no counts in the audit"
    expected = {code: (lower, upper) for _, code, _, _, _, lower, upper in DISCLOSURE_CELLS}
    for code in ("BU01", "BU02"):
        kept = cells.loc[(PUBLISHED_YEAR, code)]
        assert (kept["audit_lower"], kept["audit_upper"]) == expected[code]
        withheld = cells.loc[(WITHHELD_YEAR, code)]
        assert withheld["interval_withheld"], f"{UNPUBLISHED_IN_WITHHELD_YEAR} is not published in that year"
        assert withheld[["audit_lower", "audit_upper", "audit_width"]].isna().all()
        assert withheld["wide_enough"], "the verdict stays readable when the interval is withheld"
    dominance = cells.loc[(PUBLISHED_YEAR, "BU01")]
    assert dominance["reason"] == "primary_dominance"
    assert dominance[["required_width"]].isna().all(), "a dominance width is derived from the contributors"
    assert cells.loc[(PUBLISHED_YEAR, "BU02"), "required_width"] == 5.0
    assert (
        json.loads((directory / "release.json").read_text())["disclosure_audit"][
            "tables_with_intervals_withheld"
        ]
        == 1
    )


def test_intervals_of_a_table_published_rounded_are_withheld(settings, monkeypatch):
    """Buurt counts published rounded to 5: an interval computed from the exact counts could tell
    more than the rounded ones, so the intervals of both years' tables are withheld."""
    monkeypatch.setenv("ZICHT_SDC_ROUNDING_BASE", "5")
    monkeypatch.setenv("ZICHT_SDC_ROUNDED_LEVELS", "wijk,buurt")
    release = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    cells = _read_parquet(_release_dir(settings, release.release_id) / DISCLOSURE_CELLS_FILE)
    assert cells["interval_withheld"].all() and cells["audit_lower"].isna().all()
    assert cells["wide_enough"].all()


def test_a_failed_audit_table_blocks_publication_and_keeps_nothing(settings):
    good = publish(DATASETS, gate_run_id="gate-1", settings=settings)
    live_before = settings.published_path.read_bytes()
    _execute(
        settings,
        f"update intermediate.int_disclosure_cells set table_passed = false "
        f"where period_year = {PUBLISHED_YEAR}",
    )
    with pytest.raises(
        ReleaseRefused, match=f"disclosure audit failed for {MEASURE}/{CATEGORY}/{PUBLISHED_YEAR}"
    ):
        publish(DATASETS, gate_run_id="gate-2", settings=settings)
    assert settings.published_path.read_bytes() == live_before
    assert [r.release_id for r in list_releases(settings)] == [good.release_id]
    assert [p.name for p in (settings.published_dir / "releases").iterdir() if p.is_dir()] == [
        good.release_id
    ]


@pytest.mark.parametrize(
    ("gate_run", "failing", "message"),
    [
        ("gate-failed", ("region_population",), "gate run gate-failed failed for region_population"),
        ("gate-never-ran", None, "gate run gate-never-ran has no results for indicator_values"),
    ],
)
def test_publication_needs_a_passed_gate_run(settings, gate_run, failing, message):
    if failing is not None:
        record_gate_run(settings, gate_run, failing=failing)
    with pytest.raises(ReleaseRefused, match=message):
        publish(DATASETS, gate_run_id=gate_run, settings=settings)
    assert not settings.published_path.exists() and list_releases(settings) == []


def test_no_release_without_disclosure_control(settings):
    _execute(settings, "drop table intermediate.int_disclosure_cells")
    with pytest.raises(AuditSourceMissing, match="intermediate.int_disclosure_cells"):
        publish(DATASETS, gate_run_id="gate-1", settings=settings)
    assert list_releases(settings) == []


def test_rollback_switches_the_live_file_and_is_recorded(settings):
    first, second = _publish_two(settings)
    assert _live_rows(settings) == second.tables["region_population"]

    outcome = rollback(first.release_id, settings=settings, by="analist@riec")

    assert outcome.changed and (outcome.from_release, outcome.to_release) == (
        second.release_id,
        first.release_id,
    )
    assert _live_rows(settings) == first.tables["region_population"], "readers see the old release"
    assert live_release_id(settings) == first.release_id
    history = [json.loads(line) for line in live_history_path(settings).read_text().splitlines()]
    assert [(h["action"], h["from_release"], h["to_release"]) for h in history] == [
        ("publish", None, first.release_id),
        ("publish", first.release_id, second.release_id),
        ("rollback", second.release_id, first.release_id),
    ]
    assert history[-1]["by"] == "analist@riec" and history[-1]["at"]


def test_rollback_previous_takes_the_release_before_the_live_one(settings):
    first, second = _publish_two(settings)
    assert rollback(previous=True, settings=settings).to_release == first.release_id
    with pytest.raises(ReleaseRefused, match="no earlier release"):
        rollback(previous=True, settings=settings)
    assert live_release_id(settings) == first.release_id


def test_rollback_refuses_a_tampered_release_and_keeps_the_live_one(settings):
    first, second = _publish_two(settings)
    tampered = _release_dir(settings, first.release_id) / DISCLOSURE_CELLS_FILE
    tampered.chmod(0o644)
    tampered.write_bytes(tampered.read_bytes() + b"\0")
    live_before = settings.published_path.read_bytes()

    with pytest.raises(ReleaseRefused, match=f"{tampered}.*sha256"):
        rollback(first.release_id, settings=settings)

    assert settings.published_path.read_bytes() == live_before
    assert live_release_id(settings) == second.release_id
    assert "rollback" not in live_history_path(settings).read_text()


def test_rollback_refuses_an_unknown_release(settings):
    (release,) = [publish(DATASETS, gate_run_id="gate-1", settings=settings)]
    with pytest.raises(
        UnknownRelease, match=f"no release '20000101T000000000000Z'.*known: {release.release_id}"
    ):
        rollback("20000101T000000000000Z", settings=settings)
    assert live_release_id(settings) == release.release_id


def test_rollback_refuses_a_release_without_an_audit(settings):
    legacy, current = _publish_two(settings)
    manifest_path = _release_dir(settings, legacy.release_id) / "release.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["disclosure_audit"]
    manifest_path.chmod(0o644)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ReleaseRefused, match="has no disclosure audit"):
        rollback(legacy.release_id, settings=settings)
    assert live_release_id(settings) == current.release_id


def test_cli_releases_marks_the_live_release(settings, capsys):
    first, second = _publish_two(settings)
    assert main(["rollback", first.release_id, "--by", "tester"]) == 0
    out = capsys.readouterr().out
    assert f"rolled back from {second.release_id} to {first.release_id}" in out

    assert main(["releases"]) == 0
    printed = capsys.readouterr().out.splitlines()
    lines = {
        release: next(line for line in printed if release in line)
        for release in (first.release_id, second.release_id)
    }
    assert lines[first.release_id].startswith("live")
    assert not lines[second.release_id].startswith("live")
    assert "passed" in lines[first.release_id] and "gate-1" in lines[first.release_id]
    assert f"region_population {first.tables['region_population']}" in lines[first.release_id]

    assert main(["releases", "--json"]) == 0
    listed = {release["release_id"]: release["live"] for release in json.loads(capsys.readouterr().out)}
    assert listed == {first.release_id: True, second.release_id: False}


def test_cli_rollback_exit_codes(settings, capsys):
    first, second = _publish_two(settings)
    assert main(["rollback", "no-such-release"]) == 1
    assert "no release 'no-such-release'" in capsys.readouterr().err
    assert main(["rollback", second.release_id]) == 0, "the live release asked for: nothing to do"
    assert "live already" in capsys.readouterr().out
    assert main(["rollback", "--previous"]) == 0
    assert live_release_id(settings) == first.release_id
    with pytest.raises(SystemExit) as usage:
        main(["rollback"])
    assert usage.value.code == 2


def test_after_a_rollback_the_health_check_reports_the_live_release_not_the_newest(settings):
    from zicht.ops.config import get_ops_settings
    from zicht.ops.publication_check import collect_publication

    first, second = _publish_two(settings)
    rollback(first.release_id, settings=settings)
    release, findings = collect_publication(settings, get_ops_settings(), datetime.now(UTC))
    assert release.release_id == first.release_id
    assert any(finding.details.get("release_id") == first.release_id for finding in findings)


def _scoped_codes(settings, scope):
    path = settings.published_dir / "scoped" / scope / "zicht.duckdb"
    with duckdb.connect(str(path), read_only=True) as scoped:
        return sorted(
            (year, code)
            for year, code in scoped.execute(
                "select period_year, region_code from indicator_values"
            ).fetchall()
        )


def test_each_region_scope_gets_a_file_of_its_own_rows(settings):
    publish(DATASETS, gate_run_id="gate-1", settings=settings)
    scoped = settings.published_dir / "scoped"
    assert sorted(path.name for path in scoped.iterdir()) == [
        "PV20",
        "PV21",
        "RIEC01",
        "RIEC02",
        "geen-regio",
    ]
    years = (WITHHELD_YEAR, PUBLISHED_YEAR)
    gemeente = [(year, "GM0001") for year in years]
    in_riec01 = sorted([*gemeente, *((y, c) for y in years for c in ("BU01", "BU02"))])
    assert _scoped_codes(settings, "RIEC01") == _scoped_codes(settings, "PV20") == in_riec01
    assert _scoped_codes(settings, "RIEC02") == sorted([*gemeente, (PUBLISHED_YEAR, "BU03")])
    assert _scoped_codes(settings, "geen-regio") == gemeente
    # A table without regions is in every scope's file whole.
    for scope in ("RIEC01", "geen-regio"):
        path = scoped / scope / "zicht.duckdb"
        assert _tables(path) == _tables(settings.published_path)
        with duckdb.connect(str(path), read_only=True) as connection:
            assert connection.execute("select count(*) from region_population").fetchone()[0] == 1
    live = json.loads((settings.published_dir / "live.json").read_text())
    assert set(live["scoped_sha256"]) == {"PV20", "PV21", "RIEC01", "RIEC02", "geen-regio"}


def test_a_rollback_cuts_the_scope_files_of_the_release_it_makes_live(settings):
    first, _ = _publish_two(settings)
    _execute(settings, "delete from marts.indicator_values where region_code = 'BU03'")
    publish(DATASETS, gate_run_id="gate-2", settings=settings)
    assert not (settings.published_dir / "scoped" / "RIEC02").exists(), "a scope without rows is removed"
    rollback(first.release_id, settings=settings)
    assert _scoped_codes(settings, "RIEC02") == sorted(
        [(WITHHELD_YEAR, "GM0001"), (PUBLISHED_YEAR, "GM0001"), (PUBLISHED_YEAR, "BU03")]
    )


def test_a_regional_table_that_cannot_be_scoped_is_not_published(settings):
    publish(DATASETS, gate_run_id="gate-1", settings=settings)
    _execute(settings, "alter table marts.indicator_values drop column riec_code")
    with pytest.raises(ReleaseRefused, match="indicator_values has regions but no riec_code"):
        publish(DATASETS, gate_run_id="gate-2", settings=settings)
    assert len(list_releases(settings)) == 1
    assert _scoped_codes(settings, "RIEC02") == sorted(
        [(WITHHELD_YEAR, "GM0001"), (PUBLISHED_YEAR, "GM0001"), (PUBLISHED_YEAR, "BU03")]
    )
