"""The indicator marts as published by the pipeline: complete, harmonised, and finding what was planted.

Recall: every planted pattern must come out as a signal at gemeente level in every year it was planted
where its value is published (disclosure control may hide a cell, which then shows nothing).
False signals: indicators whose synthetic counts are drawn without any regional effect (OM cases,
registered crime, suspects) may be significant by the exact test in an unplanted gemeente no more often
than the significance level allows. Over ALL tested indicators, including those with real differences
between gemeenten (shares of young people, of single-person households), the significance adjusted for
overdispersion, which drives the signal, may flag an unplanted gemeente no more often than the
significance level, and a signal (one direction) no more often than half of it. The figures are written
to artifacts/indicator_recall.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from zicht.indicators import load_catalog

pytestmark = pytest.mark.slow

NULL_MODEL_SOURCES = {"om", "cbs_misdrijven", "cbs_verdachten"}
ARTIFACT = Path(__file__).parents[1] / "artifacts" / "indicator_recall.json"


@pytest.fixture(scope="module")
def published(pipeline_run):
    data_dir, _ = pipeline_run
    connection = duckdb.connect(str(data_dir / "published" / "zicht.duckdb"), read_only=True)
    yield connection
    connection.close()


def planted(synthetic_dir: Path) -> list[dict]:
    patterns = []
    for name in ("ground_truth.json", "extracts/extracts_ground_truth.json"):
        truth = json.loads((synthetic_dir / name).read_text(encoding="utf-8"))
        patterns += [p for p in truth["planted_patterns"] if p.get("indicators")]
    return patterns


def test_every_indicator_is_published(published):
    codes = {
        code
        for (code,) in published.execute("select distinct indicator_code from indicator_values").fetchall()
    }
    assert codes == {indicator.code for indicator in load_catalog().indicators}
    catalog_rows = published.execute("select count(*) from indicators").fetchone()[0]
    assert catalog_rows == len(load_catalog().indicators)


def test_planted_patterns_are_found_and_unplanted_regions_rarely_flagged(published, pipeline_run):
    _, synthetic_dir = pipeline_run
    catalog = load_catalog()
    years = [y for (y,) in published.execute("select distinct period_year from indicator_values").fetchall()]
    expected, found, suppressed, planted_pairs = 0, 0, 0, set()
    missed = []
    for pattern in planted(synthetic_dir):
        for target in pattern["indicators"]:
            code, _, breakdown = target.partition(":")
            planted_pairs.add((pattern["gemeente_code"], code))
            mean = catalog.indicator(code).statistic == "mean"
            for year in pattern.get("years", years):
                row = published.execute(
                    "select is_published, is_signal, percentile_rank from indicator_values"
                    " where region_level = 'gemeente' and region_code = ? and indicator_code = ?"
                    " and breakdown_code = ? and period_year = ?",
                    [pattern["gemeente_code"], code, breakdown or "totaal", year],
                ).fetchone()
                assert row is not None, (pattern["pattern"], target, year)
                if not row[0]:  # hidden by disclosure control: nothing to find on a dashboard
                    suppressed += 1
                    continue
                hit = row[2] == 1.0 if mean else row[1]
                expected += 1
                found += bool(hit)
                if not hit:
                    missed.append((pattern["pattern"], target, year, row))
    assert expected >= 10 and suppressed <= expected / 2
    recall = found / expected

    null_codes = {
        i.code
        for i in catalog.indicators
        if catalog.measures[i.numerator.measure]["source"] in NULL_MODEL_SOURCES and i.statistic != "mean"
    }
    rows = published.execute(
        "select region_code, indicator_code, significance, significance_adjusted from indicator_values"
        " where region_level = 'gemeente' and breakdown_code = 'totaal' and significance is not null"
    ).fetchall()
    unplanted = [row for row in rows if (row[0], row[1]) not in planted_pairs]
    unplanted_null_model = [row for row in unplanted if row[1] in null_codes]
    alpha = published.execute("select max(significance_level) from indicator_values").fetchone()[0]

    def share(tests: list[tuple], column: int, verdicts: set[str]) -> float:
        return sum(row[column] in verdicts for row in tests) / len(tests)

    exact_false_rate = share(unplanted_null_model, 2, {"hoger", "lager"})
    exact_false_signal_rate = share(unplanted_null_model, 2, {"hoger"})
    exact_false_rate_all = share(unplanted, 2, {"hoger", "lager"})
    adjusted_false_rate_all = share(unplanted, 3, {"hoger", "lager"})
    # A signal is one direction only: under no regional effect it is expected in at most alpha / 2.
    adjusted_false_signal_rate_all = share(unplanted, 3, {"hoger"})
    by_indicator = {
        code: round(share([row for row in unplanted if row[1] == code], 3, {"hoger", "lager"}), 4)
        for code in sorted({row[1] for row in unplanted})
    }

    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(
        json.dumps(
            {
                "recall": recall,
                "planted_cells": expected,
                "missed": [list(map(str, m)) for m in missed],
                "alpha": alpha,
                "false_signal_rate": exact_false_rate,
                "tests_without_pattern": len(unplanted_null_model),
                "exact_false_rate_all_indicators": exact_false_rate_all,
                "adjusted_false_rate_all_indicators": adjusted_false_rate_all,
                "adjusted_false_signal_rate_all_indicators": adjusted_false_signal_rate_all,
                "tests_without_pattern_all_indicators": len(unplanted),
                "adjusted_false_rate_by_indicator": by_indicator,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    assert recall == 1.0, missed
    assert len(unplanted_null_model) > 500
    assert exact_false_rate <= alpha, f"{exact_false_rate:.3f} of {len(unplanted_null_model)} exact tests"
    assert exact_false_signal_rate <= alpha / 2, f"{exact_false_signal_rate:.3f} exact signals by chance"
    assert adjusted_false_rate_all <= alpha, f"{adjusted_false_rate_all:.3f} of {len(unplanted)} tests"
    assert adjusted_false_signal_rate_all <= alpha / 2, (
        f"{adjusted_false_signal_rate_all:.3f} of {len(unplanted)} signals by chance"
    )


def test_a_merged_gemeente_has_a_comparable_series(pipeline_run, published):
    data_dir, synthetic_dir = pipeline_run
    merger = json.loads((synthetic_dir / "ground_truth.json").read_text(encoding="utf-8"))["mergers"][0]
    first_year = min(
        y for (y,) in published.execute("select distinct period_year from indicator_values").fetchall()
    )
    assert first_year < merger["year"]
    warehouse = duckdb.connect(str(data_dir / "warehouse" / "zicht.duckdb"), read_only=True)
    try:
        harmonised = warehouse.execute(
            "select amount from intermediate.int_measures_harmonised where region_code = ?"
            " and measure = 'om_zaken' and category = 'opiumwet_harddrugs' and period_year = ?",
            [merger["new_code"], first_year],
        ).fetchone()
        cases_in_old_gemeenten = warehouse.execute(
            "select count(*) from staging.stg_om__zaken"
            " where case_year = ? and offence_group = 'opiumwet_harddrugs'"
            f" and crime_gemeente_code in ({', '.join('?' * len(merger['old_codes']))})",
            [first_year, *merger["old_codes"]],
        ).fetchone()[0]
    finally:
        warehouse.close()
    assert harmonised is not None and harmonised[0] == cases_in_old_gemeenten
    shown = published.execute(
        "select count(*) from indicator_values where region_code = ? and period_year = ?",
        [merger["new_code"], first_year],
    ).fetchone()[0]
    assert shown > 0, "the merged gemeente has figures for the years before the merger"
    placeholders = ", ".join("?" * len(merger["old_codes"]))
    old_rows = published.execute(
        f"select count(*) from indicator_values where region_code in ({placeholders})", merger["old_codes"]
    ).fetchone()[0]
    assert old_rows == 0, "every year is shown in the reference indeling"
