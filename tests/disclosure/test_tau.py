"""The project's LP audit against tau-ARGUS's own audit where tau-ARGUS applies: one hierarchy.

tau-ARGUS gives its attacker a-priori bounds on the cells taken from the table itself (a complement
is at least the table's smallest cell), where the project assumes only that no cell is negative:
tau-ARGUS's intervals lie inside the project's.
"""

from tests.disclosure.conftest import build_table
from zicht.disclosure import protect_cells
from zicht.disclosure.tau import (
    FIXED,
    SAFE,
    SECONDARY,
    UNSAFE,
    TauCell,
    audit_intervals,
    secondary_suppression,
)

SUBTREE = {
    "GM0001": ["WK000101", "WK000102"],
    "WK000101": ["BU00010101", "BU00010102", "BU00010103"],
    "WK000102": ["BU00010201", "BU00010202"],
}


def test_tau_argus_audit_of_a_gemeente_subtree_lies_inside_the_project_audit(leaves, rules):
    leaves |= {"BU00010101": 4, "BU00010201": 6}
    protected = protect_cells(build_table(leaves), "persons", rules)
    cells = protected.cells.set_index("region_code")
    given = {"primary": UNSAFE, "secondary": SECONDARY, "safe": SAFE}
    tau_cells = {"GM0001": TauCell(cells.loc["GM0001", "value"], 1, FIXED)}
    for code in (code for parts in SUBTREE.values() for code in parts):
        row = cells.loc[code]
        levels = (4.0, 1.0) if row["status"] == "primary" else (0.0, 0.0)
        status = given[row["status"]]
        tau_cells[code] = TauCell(float(row["value"]), int(row["contributors"]), status, *levels)

    tau_audit = audit_intervals("GM0001", SUBTREE, tau_cells)

    ours = protected.audit.cells.set_index("region_code")
    assert set(tau_audit) == set(ours.index) == {"BU00010101", "BU00010102", "BU00010201", "BU00010202"}
    assert tau_audit["BU00010101"] == (0, 25)  # BU00010102 is taken to be at least 4, the smallest cell
    assert (ours.loc["BU00010101", "audit_lower"], ours.loc["BU00010101", "audit_upper"]) == (0, 29)

    for code, (lower, upper) in tau_audit.items():
        assert ours.loc[code, "audit_lower"] <= lower + 1e-9
        assert upper <= ours.loc[code, "audit_upper"] + 1e-9


def _counts(**values: float) -> dict[str, TauCell]:
    return {code: TauCell(float(value), int(value), SAFE) for code, value in values.items()}


def test_a_hidden_total_hides_its_only_child_too():
    # a gemeente with one wijk: tau-ARGUS takes the two as one cell and flags only the gemeente
    children = {"GM0001": ["WK000100"], "WK000100": ["BU00010001", "BU00010002"]}
    cells = _counts(WK000100=7, BU00010002=5) | {
        "GM0001": TauCell(7.0, 7, UNSAFE, 1.0, 0.5),
        "BU00010001": TauCell(2.0, 2, UNSAFE, 1.0, 0.5),
    }
    assert "WK000100" in secondary_suppression("GM0001", children, cells, "one wijk")


def test_a_hidden_total_hides_its_only_child_that_is_not_empty():
    children = {"GM0001": ["WK000100", "WK000101"], "WK000101": ["BU00010100", "BU00010101"]}
    cells = _counts(WK000100=0, WK000101=14, BU00010100=10, BU00010101=4) | {
        "GM0001": TauCell(14.0, 14, UNSAFE, 1.0, 0.5),
    }
    assert "WK000101" in secondary_suppression("GM0001", children, cells, "one wijk not empty")
