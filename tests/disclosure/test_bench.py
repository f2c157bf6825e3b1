import pytest

from zicht.disclosure import differencing_attack, protect_cells, relations, validate_cells
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
            {
                "region_level": "buurt",
                "cells": 13600,
                "suppressed_cells": 4000,
                "share_cells": 0.294,
                "share_value": 0.07,
            },
        ],
    }
    lines = markdown(figures)
    assert "| buurt | 13,600 | 4,000 | 29.4% | 7.0% |" in lines
    assert any("audit passed" in line for line in lines)


@pytest.mark.slow
def test_a_strict_threshold_that_suppresses_gemeenten_still_passes_the_audit():
    """Threshold 1000 hides gemeenten, provinces and RIEC regions too: the province and RIEC
    hierarchies, the gemeente subtrees and the complements added after the audit all take part."""
    table = synthetic_buurt_table(seed=0, gemeenten=15)
    rules = load_rules({"ZICHT_SDC_WORKERS": "2", "ZICHT_SDC_PERSONS_MIN_FREQUENCY": "1000"})
    protected = protect_cells(table, "persons", rules)
    cells = protected.cells
    hidden = cells["status"].isin(["primary", "secondary"])
    assert {"gemeente", "provincie", "riec"} <= set(cells.loc[hidden, "region_level"])
    assert protected.passed
    published = dict(zip(cells.loc[~hidden, "region_code"], cells.loc[~hidden, "value"], strict=True))
    assert differencing_attack(relations(cells), published, cells.loc[hidden, "region_code"]) == {}
