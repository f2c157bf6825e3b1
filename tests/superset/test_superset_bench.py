"""The Superset benchmark's arithmetic and report (no Superset needed; the measuring runs in `make bench`)."""

from __future__ import annotations

from zicht.bench import section_markers, write_section
from zicht.superset.bench import DashboardTiming, SupersetBench, bundle_dashboards, markdown, percentile
from zicht.superset.bundle import read_bundle


def test_percentile_is_a_measured_value_by_nearest_rank():
    values = [float(n) for n in range(1, 21)]  # 1..20
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([7.0], 0.95) == 7.0


def test_every_bundle_dashboard_is_measured_with_its_placed_charts():
    measured = {slug: charts for slug, _, charts in bundle_dashboards()}
    dashboards = {c["slug"]: c for p, c in read_bundle().items() if p.startswith("dashboards/")}
    assert measured.keys() == dashboards.keys()
    for slug, config in dashboards.items():
        placed = [n for n in config["position"].values() if isinstance(n, dict) and n.get("type") == "CHART"]
        assert measured[slug] == len(placed) > 0, slug


def _result(first: float, latencies: list[float]) -> SupersetBench:
    result = SupersetBench("demo", 8.0, {"indicator_values": 10}, {"total": 300.0}, query_rounds=1)
    result.dashboards = [DashboardTiming("zicht-x", "Zicht — X", 3, first, [first / 2], [])]
    result.query_ms = {f"zicht-x #{n}": [ms] for n, ms in enumerate(latencies)}
    return result


def test_report_says_which_target_is_missed():
    fast = "\n".join(markdown(_result(4.0, [100.0] * 20), "zicht bench-superset"))
    slow = "\n".join(markdown(_result(6.5, [100.0] * 18 + [900.0] * 2), "zicht bench-superset"))
    assert "| Zicht — X | 3 | 4.0 s | 2.0 s | yes | 0 |" in fast
    assert "| admin (full file, unchecked) | 20 | 100 ms | 100 ms | 100 ms | yes |" in fast
    assert "| Zicht — X | 3 | 6.5 s | 3.2 s | **no** | 0 |" in slow
    assert "| admin (full file, unchecked) | 20 | 100 ms | 900 ms | 900 ms | **no** |" in slow
    assert "riec-rotterdam" not in fast, "no analyst row without the analyst's replay"


def test_report_has_the_analysts_queries_beside_the_admins():
    result = _result(4.0, [100.0] * 20)
    result.analyst_query_ms = {f"zicht-x #{n}": [400.0 if n >= 18 else 120.0] for n in range(20)}
    text = "\n".join(markdown(result, "zicht bench-superset"))
    assert (
        "| riec-rotterdam (region file, every statement checked) | 20 | 120 ms | 400 ms | 400 ms | **no** |"
        in text
    )
    assert "| admin, the analyst's requests | 20 | 100 ms | 100 ms | 100 ms | yes |" in text
    assert SupersetBench.from_json(result.to_json()).analyst_query_ms == result.analyst_query_ms


def test_quick_section_replaces_its_previous_figures_only(tmp_path):
    results = tmp_path / "benchmarks.md"
    results.write_text("# Benchmarks\n\nnational figures\n")
    write_section("bench-superset", ["first run"], results)
    write_section("bench-superset", ["second run"], results)
    text = results.read_text()
    assert "national figures" in text and "second run" in text and "first run" not in text
    start, end = section_markers("bench-superset")
    assert text.count(start) == text.count(end) == 1


def test_report_says_how_busy_the_machine_was_and_survives_older_figures():
    result = _result(4.0, [100.0] * 20)
    result.machine = {
        "before": {"load_average_1m": 0.4, "reference_seconds": 0.21},
        "after": {"load_average_1m": 3.1, "reference_seconds": 0.55},
    }
    text = "\n".join(markdown(result, "zicht bench-superset"))
    assert "before: load average 0.4, reference workload 0.21 s" in text
    assert "after: load average 3.1, reference workload 0.55 s" in text
    # figures written before the machine was recorded still load and report
    older = result.to_json()
    del older["machine"]
    assert "reference workload" not in "\n".join(markdown(SupersetBench.from_json(older), "make bench"))
