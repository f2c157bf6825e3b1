"""Protection of small hand-made tables whose right answer is known, and of one demo table."""

from pathlib import Path

import numpy as np
import pandas as pd

from tests.disclosure.conftest import build_table
from zicht.disclosure import audit_table, differencing_attack, protect_cells, relations


def _status(protected, code):
    return protected.cells.set_index("region_code").loc[code, "status"]


def _suppressed(protected, status):
    return set(protected.cells.loc[protected.cells["status"] == status, "region_code"])


def _attack(protected):
    """What differencing recovers from the published cells of a protected table (or a cells frame)."""
    cells = getattr(protected, "cells", protected)
    hidden = cells["status"].isin(["primary", "secondary"])
    published = dict(zip(cells.loc[~hidden, "region_code"], cells.loc[~hidden, "value"], strict=True))
    return differencing_attack(relations(cells), published, cells.loc[hidden, "region_code"])


def test_a_single_small_buurt_gets_its_smallest_sibling_as_complement(leaves, rules):
    leaves["BU00010101"] = 4
    protected = protect_cells(build_table(leaves), "persons", rules)
    assert _suppressed(protected, "primary") == {"BU00010101"}
    assert protected.cells.set_index("region_code").loc["BU00010101", "reason"] == "primary_frequency"
    assert _suppressed(protected, "secondary") == {"BU00010102"}  # 25, cheaper than 60 or the wijk
    audit = protected.audit.cells.set_index("region_code")
    assert (audit.loc["BU00010101", "audit_lower"], audit.loc["BU00010101", "audit_upper"]) == (0, 29)
    assert protected.passed
    assert _attack(protected) == {}


def test_a_gemeente_with_one_unsafe_wijk(leaves, rules):
    leaves |= {"WK000201": 6, "WK000202": 70, "WK000203": 80}
    protected = protect_cells(build_table(leaves), "persons", rules)
    assert _suppressed(protected, "primary") == {"WK000201"}
    assert _suppressed(protected, "secondary") == {"WK000202"}
    assert _status(protected, "GM0002") == "safe"
    assert protected.passed
    assert _attack(protected) == {}


def test_a_riec_total_does_not_reopen_a_suppressed_gemeente(leaves, rules):
    leaves["GM0003"] = 7
    protected = protect_cells(build_table(leaves), "persons", rules)
    assert _status(protected, "GM0003") == "primary"
    # Within its province GM0004 alone covers GM0003 ...
    province_only = protected.cells.copy()
    province_only["status"] = province_only["region_code"].map(
        lambda code: {"GM0003": "primary", "GM0004": "secondary"}.get(code, "safe")
    )
    published = {
        code: value
        for code, value in zip(province_only["region_code"], province_only["value"], strict=True)
        if code not in {"GM0003", "GM0004"}
    }
    assert differencing_attack(relations(province_only), published, ["GM0003", "GM0004"]) == {
        "GM0003": 7,  # ... but RIEC01 minus GM0001 gives it away
        "GM0004": 250,
    }
    # so the protection also suppresses along the RIEC grouping
    assert _suppressed(protected, "secondary") - {"GM0004"}
    assert protected.passed
    assert _attack(protected) == {}
    audit = protected.audit.cells.set_index("region_code")
    assert audit.loc["GM0003", "audit_width"] >= 5


def test_a_dominated_magnitude_is_protected(leaves, rules):
    table = build_table(leaves, contributors=dict.fromkeys(leaves, 5))
    # turnover in euros; in BU00010103 one company makes 80 % of the sum
    table["top1"] = table["value"] * 0.3
    table["top2"] = table["value"] * 0.2
    dominated = table["region_code"] == "BU00010103"
    table.loc[dominated, ["top1", "top2"]] = [48.0, 3.0]
    protected = protect_cells(table, "magnitude", rules)
    cell = protected.cells.set_index("region_code").loc["BU00010103"]
    assert (cell["status"], cell["reason"]) == ("primary", "primary_dominance")
    assert cell["required_width"] == (48 + 3) * 100 / 75 - 60  # 8: it must seem at least 68
    assert protected.passed
    assert cell["audit_upper"] - cell["audit_lower"] >= 8
    assert _attack(protected) == {}


def test_a_small_count_of_companies_is_protected(leaves, rules):
    contributors = dict.fromkeys(leaves, 4) | {"WK000203": 2}
    protected = protect_cells(build_table(leaves, contributors), "companies", rules)
    assert _suppressed(protected, "primary") == {"WK000203"}
    assert len(_suppressed(protected, "secondary")) >= 1
    assert protected.passed
    assert _attack(protected) == {}


def test_a_table_without_complements_fails_the_audit_and_the_attack_recovers_the_cell(leaves, rules):
    leaves["BU00010101"] = 4
    protected = protect_cells(build_table(leaves), "persons", rules)
    unprotected = protected.cells.copy()
    unprotected.loc[unprotected["status"] == "secondary", "status"] = "safe"

    audit = audit_table(unprotected, relations(unprotected))
    assert not audit.passed
    failure = audit.failures.set_index("region_code").loc["BU00010101"]
    assert (failure["audit_lower"], failure["audit_upper"]) == (4, 4)
    assert _attack(unprotected) == {"BU00010101": 4}


def test_an_empty_cell_is_published_and_cannot_serve_as_complement(leaves, rules):
    leaves |= {"BU00010101": 4, "BU00010102": 0}
    protected = protect_cells(build_table(leaves), "persons", rules)
    assert _status(protected, "BU00010102") == "empty"
    assert _suppressed(protected, "secondary") == {"BU00010103"}
    assert protected.passed


def test_a_table_without_unsafe_cells_stays_whole(leaves, rules):
    protected = protect_cells(build_table(leaves), "persons", rules)
    assert set(protected.cells["status"]) == {"safe"}
    assert protected.audit.cells.empty and protected.passed
    assert protected.cells["audit_lower"].isna().all()


def test_parallel_workers_give_the_same_protection(leaves):
    from zicht.disclosure import load_rules

    leaves |= {"BU00010101": 4, "BU00010201": 6, "WK000201": 8}
    table = build_table(leaves)
    serial = protect_cells(table, "persons", load_rules({"ZICHT_SDC_WORKERS": "1"}))
    parallel = protect_cells(table, "persons", load_rules({"ZICHT_SDC_WORKERS": "2"}))
    assert serial.cells["status"].tolist() == parallel.cells["status"].tolist()
    assert parallel.passed and _attack(parallel) == {}


def test_protection_leaves_no_solver_files_in_the_working_directory(leaves, rules, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    leaves["BU00010101"] = 4
    assert protect_cells(build_table(leaves), "persons", rules).passed
    assert list(tmp_path.iterdir()) == []


def test_kvk_establishments_with_single_child_regions_are_protected_whole(rules):
    # a real demo table: PV22, PV24 and PV29 hold one gemeente each, many gemeenten one wijk (or
    # one that is not empty), and RIEC regions add up gemeenten of several provinces
    cells = pd.read_csv(Path(__file__).parent / "data" / "kvk_vestigingen_96021_2025.csv", dtype=object)
    cells = cells.astype({"value": float, "contributors": int}).replace({np.nan: None})
    protected = protect_cells(cells, "companies", rules, "kvk_vestigingen/96021/2025")
    assert protected.passed
    assert _attack(protected) == {}
    status = protected.cells.set_index("region_code")["status"]
    hidden = status.isin(["primary", "secondary"])
    for relation in relations(protected.cells):
        filled = [part for part in relation.parts if status[part] != "empty"]
        if len(filled) == 1:  # a total and its only child that is not empty are one number
            assert hidden[relation.total] == hidden[filled[0]], relation
    for province in ("PV22", "PV24", "PV29"):
        assert len(next(r for r in relations(protected.cells) if r.total == province).parts) == 1
