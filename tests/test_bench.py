"""`make bench` rewrites docs/benchmarks.md but keeps the sections the quick benchmarks wrote."""

from __future__ import annotations

from zicht.bench import Measurement, _write, section_markers, write_section


def test_a_full_run_keeps_the_airflow_and_superset_sections(tmp_path):
    results = tmp_path / "benchmarks.md"
    write_section("bench-airflow", ["pipeline 412 s"], results)
    write_section("bench-superset", ["p95 258 ms"], results)
    _write(
        results, [Measurement("dbt build (all models and tests)", "code", 150.0, 3000.0)], ["## Disclosure"]
    )
    text = results.read_text()
    assert "| dbt build (all models and tests) | 150.0 s | 3,000 MiB |" in text
    assert "pipeline 412 s" in text and "p95 258 ms" in text and "## Disclosure" in text
    for name in ("bench-airflow", "bench-superset"):
        start, end = section_markers(name)
        assert text.count(start) == text.count(end) == 1
