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


def test_the_all_tables_section_reports_the_ratio_the_refused_tables_and_the_loss():
    from zicht.disclosure.bench import all_tables_markdown

    run = {"secondary_cells": 10, "secondary_value": 95.0, "largest_secondary": 12.0, "tables_failed": 0}
    figures = {
        "tables": 3,
        "refused": ["om_zaken/x/2021: row 1 (region_code 'NL00'): value 9 is not the sum of its 2 parts"],
        "years": [2021, 2025],
        "tables_with_primary": 2,
        "cells": 900,
        "primary_cells": 40,
        "secondary_cells": 12,
        "tables_failed": 0,
        "workers": 2,
        "read_seconds": 1.0,
        "protect_seconds": 30.0,
        "comparison": {
            "year": 2025,
            "tables": 2,
            "tau_only": {**run, "seconds": 12.0},
            "rules_first": {**run, "seconds": 3.0},
        },
        "loss": [
            {
                "theme": "drugs",
                "region_level": "gemeente",
                "cells": 600,
                "suppressed_cells": 45,
                "primary_cells": 40,
                "secondary_cells": 5,
                "share_cells": 0.075,
                "share_value": float("nan"),
            }
        ],
    }
    lines = all_tables_markdown(figures)
    assert "Speed-up 4.0x." in lines
    assert "| drugs | gemeente | 600 | 45 (40 + 5) | 7.5% | - |" in lines
    assert any(line.startswith("Left out, 1 in all") for line in lines)
    assert any("2021-2025" in line and "30.0 s" in line for line in lines)
