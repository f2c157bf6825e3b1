"""The rules of greedy.py: known answers on hand-made hierarchies, always proven by the audit, and
the fallback to tau-ARGUS where the rules' pattern is not safe."""

import pandas as pd
import pytest

import zicht.disclosure.protect as protect_module
from tests.disclosure.conftest import build_table
from zicht.disclosure import audit_table, load_rules, protect_cells, relations
from zicht.disclosure.audit import feasibility_intervals, is_protected
from zicht.disclosure.cells import Relation
from zicht.disclosure.greedy import GreedyFailed, greedy_complements
from zicht.disclosure.primary import protection_levels


@pytest.fixture
def tau_runs(monkeypatch):
    """Counts the tau-ARGUS runs of protect_cells (one worker, so they run in this process)."""
    runs = []
    real = protect_module.secondary_suppression

    def counted(total, children, cells, label):
        runs.append(label)
        return real(total, children, cells, label)

    monkeypatch.setattr(protect_module, "secondary_suppression", counted)
    return runs


def _hidden(protected):
    cells = protected.cells
    return set(cells.loc[cells["status"].isin(["primary", "secondary"]), "region_code"])


def test_a_small_buurt_gets_its_smallest_sibling_without_tau_argus(leaves, rules, tau_runs):
    leaves["BU00010101"] = 4
    protected = protect_cells(build_table(leaves), "persons", rules)
    secondary = set(protected.cells.loc[protected.cells["status"] == "secondary", "region_code"])
    assert secondary == {"BU00010102"}  # 25: the smallest published sibling that covers the 2.5 needed
    assert protected.passed
    assert tau_runs == []


def test_the_same_table_without_the_rules_asks_tau_argus_and_gets_the_same_answer(leaves, tau_runs):
    leaves["BU00010101"] = 4
    table = build_table(leaves)
    rules = load_rules({"ZICHT_SDC_WORKERS": "1", "ZICHT_SDC_HEURISTIC": "false"})
    with_tau = protect_cells(table, "persons", rules)
    assert tau_runs  # the subtree went to tau-ARGUS
    with_rules = protect_cells(table, "persons", load_rules({"ZICHT_SDC_WORKERS": "1"}))
    assert _hidden(with_tau) == _hidden(with_rules)


def test_small_parts_together_are_chosen_before_one_large_part():
    # a published total of 100: a primary part of 3 must be able to rise by 10; a hot spot of 82
    # would do alone, the three smallest (4 + 5 + 6 = 15) cost less
    parts = {"A": 3.0, "B": 4.0, "C": 5.0, "D": 6.0, "HOT": 82.0}
    value = {"T": 100.0, **parts}
    added = greedy_complements(
        [Relation("T", tuple(parts), "region")],
        value,
        primary_levels={"A": (3.0, 10.0)},
        candidates={"B", "C", "D", "HOT"},
        depth={"T": 0, **dict.fromkeys(parts, 1)},
    )
    assert added == {"B", "C", "D"}


def test_a_single_part_covering_the_shortfall_is_chosen_when_it_is_cheapest():
    parts = {"A": 3.0, "B": 1.0, "C": 12.0, "D": 30.0}
    added = greedy_complements(
        [Relation("T", tuple(parts), "region")],
        {"T": 46.0, **parts},
        primary_levels={"A": (3.0, 10.0)},
        candidates={"B", "C", "D"},
        depth={"T": 0, **dict.fromkeys(parts, 1)},
    )
    assert added == {"C"}  # 12 covers 10 alone; 1 + 12 would cost more


def test_a_primary_wijk_is_covered_in_its_gemeente_by_a_wijk_that_is_not_pinned(rules, tau_runs):
    # GM0001: WK000101 has one buurt of 4 persons (both primary), WK000102 two buurten (70),
    # WK000103 one (50)
    parents = {
        "PV20": "NL00", "GM0001": "PV20",
        "WK000101": "GM0001", "WK000102": "GM0001", "WK000103": "GM0001",
        "BU00010101": "WK000101", "BU00010201": "WK000102", "BU00010202": "WK000102",
        "BU00010301": "WK000103",
    }  # fmt: skip
    leaves = {"BU00010101": 4, "BU00010201": 30, "BU00010202": 40, "BU00010301": 50}
    protected = protect_cells(_table(parents, leaves), "persons", rules)
    status = protected.cells.set_index("region_code")["status"]
    assert status["BU00010101"] == "primary"
    assert status["WK000101"] == "primary"
    assert status["WK000103"] == "secondary"  # 50: the smallest wijk that covers it in GM0001 ...
    assert status["BU00010301"] == "secondary"  # ... and its only buurt, or that would pin it
    assert status[["WK000102", "BU00010201", "BU00010202"]].eq("safe").all()
    assert protected.passed
    assert tau_runs == []


def test_where_the_rules_are_not_safe_the_audit_rejects_them_and_tau_argus_protects(tau_runs):
    # The primary wijk WK000101 (4) must keep an interval 30 wide. The rules cover it with WK000102
    # (40) in the gemeente and hide only that wijk's smallest buurt (12): but WK000102 can fall by 12
    # at most, so WK000101 can rise by 12 only, not by the 26 it needs.
    parents = {
        "PV20": "NL00", "GM0001": "PV20",
        "WK000101": "GM0001", "WK000102": "GM0001", "WK000103": "GM0001",
        "BU00010101": "WK000101", "BU00010102": "WK000101",
        "BU00010201": "WK000102", "BU00010202": "WK000102",
        "BU00010301": "WK000103", "BU00010302": "WK000103",
    }  # fmt: skip
    leaves = {
        "BU00010101": 2, "BU00010102": 2, "BU00010201": 12, "BU00010202": 28,
        "BU00010301": 40, "BU00010302": 45,
    }  # fmt: skip
    table = _table(parents, leaves)
    rules = load_rules({"ZICHT_SDC_WORKERS": "1", "ZICHT_SDC_PERSONS_MIN_WIDTH": "30"})

    # the rules alone: their pattern fails the exact audit
    value = dict(zip(table["region_code"], table["value"], strict=True))
    primary = {code: protection_levels(value[code], 30) for code in ("WK000101", "BU00010101", "BU00010102")}
    subtree = [r for r in relations(table) if r.total.startswith(("GM", "WK"))]
    added = greedy_complements(
        subtree,
        value,
        primary,
        candidates={code for code in value if code.startswith(("WK", "BU")) and code not in primary},
        depth={code: len(code) for code in value},
    )
    assert added == {"WK000102", "BU00010201"}
    intervals = feasibility_intervals(subtree, value, set(primary) | added)
    lower, upper = intervals["WK000101"]
    assert (lower, upper) == (0.0, 16.0)  # 4 + 12: too narrow for 30
    assert not is_protected(value["WK000101"], lower, upper, 30)

    # so protect_cells falls back to tau-ARGUS for that subtree, and the table is safe
    protected = protect_cells(table, "persons", rules)
    assert tau_runs
    assert protected.passed
    assert audit_table(protected.cells, relations(protected.cells)).passed


def test_no_complement_left_is_a_failure_not_a_guess():
    with pytest.raises(GreedyFailed):
        greedy_complements(
            [Relation("T", ("A", "B"), "region")],
            {"T": 10.0, "A": 4.0, "B": 6.0},
            primary_levels={"A": (2.5, 2.5)},
            candidates=set(),  # B may not be hidden, nor T (fixed)
            depth={"T": 0, "A": 1, "B": 1},
        )


def _table(parents: dict[str, str], leaves: dict[str, float]) -> pd.DataFrame:
    """A region table from its leaves (persons: contributors = value), totals summed up the tree."""
    value = dict.fromkeys([*parents, "NL00"], 0.0)
    for code, leaf in leaves.items():
        node = code
        while node is not None:
            value[node] += leaf
            node = parents.get(node)
    levels = {"NL": "nederland", "PV": "provincie", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}
    return pd.DataFrame(
        [
            {
                "region_code": code,
                "region_level": levels[code[:2]],
                "parent_code": parents.get(code),
                "value": amount,
                "contributors": int(amount),
                "riec_code": None,
            }
            for code, amount in value.items()
        ]
    )
