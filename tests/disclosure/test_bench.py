from zicht.disclosure import protect_cells, validate_cells
from zicht.disclosure.bench import markdown, synthetic_buurt_table
from zicht.disclosure.rules import load_rules


def test_the_synthetic_table_is_consistent_and_is_protected_in_parallel():
    table = synthetic_buurt_table(seed=3, gemeenten=12)
    assert set(validate_cells(table, magnitude=False)["region_level"]) == {
        "nederland", "provincie", "riec", "gemeente", "wijk", "buurt"
    }  # fmt: skip
    buurten = table[table["region_level"] == "buurt"]
    assert (buurten["value"] < 10).mean() > 0.1  # many small buurt counts, as the benchmark needs
    protected = protect_cells(table, "persons", load_rules({"ZICHT_SDC_WORKERS": "2"}))
    assert protected.passed
    small = (table["value"] > 0) & (table["value"] < 10)
    assert (protected.cells["reason"] == "primary_frequency").sum() == small.sum() > 0


def test_the_benchmark_section_reports_each_level():
    figures = {
        "levels": {"gemeente": 340, "wijk": 3400, "buurt": 13600},
        "workers": 2,
        "protect_seconds": 8.0,
        "audit_seconds": 1.0,
        "audit_passed": True,
        "suppressed_cells": 4000,
        "shares": [
            {"region_level": "buurt", "cells": 13600, "suppressed_cells": 4000, "share_cells": 0.294,
             "share_value": 0.07},
        ],
    }
    lines = markdown(figures)
    assert "| buurt | 13,600 | 4,000 | 29.4% | 7.0% |" in lines
    assert any("audit passed" in line for line in lines)
