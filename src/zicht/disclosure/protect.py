"""Cells in, protected cells out: primary rules, secondary suppression with tau-ARGUS, and the audit.

The region hierarchy is protected in parts. First the upper table (Nederland, provinces, gemeenten),
alternating tau-ARGUS runs on its two hierarchies, provinces and RIEC regions, each run taking every
cell already suppressed as unsafe, until neither adds a cell; then each gemeente's subtree (gemeente,
wijken, buurten) on its own, in parallel processes, with the gemeente as the subtree's total:
fixed when it is published, unsafe (to be protected again) when the upper table suppressed it.
Separate runs cannot see a cell that the two upper hierarchies, or a subtree and the upper table,
pin down together: after the upper table and again after the subtrees, the LP audit of `audit.py`
finds such cells and suppresses, for each, the smallest published cell that protects it (see
`_add_complements`).

Why the parts may be protected apart: a gemeente subtree shares only the gemeente's own cell with
the rest of the table, so when that cell is published tau-ARGUS protects the subtree against an
attacker who knows the gemeente exactly, the most anyone outside the subtree can tell about it.
When the upper table suppresses the gemeente, the gemeente enters its subtree as an unsafe cell, so
its wijken and buurten cannot pin it down and undo the upper table's protection. Whatever the parts
assumed, the audit then solves all published cells and all relations of the whole table at once
(provinces, RIEC regions, wijken and buurten together), and `protect_cells` reports its verdict.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd

from zicht.disclosure.audit import (
    AUDIT_COLUMNS,
    AuditResult,
    audit_table,
    cell_interval,
    feasibility_intervals,
    is_protected,
)
from zicht.disclosure.cells import Relation, relations, validate_cells
from zicht.disclosure.greedy import SOME_ROOM, GreedyFailed, greedy_complements
from zicht.disclosure.primary import EMPTY, PRIMARY, SECONDARY, apply_primary_rules, protection_levels
from zicht.disclosure.primary import SAFE as PUBLISHED
from zicht.disclosure.rules import REGION_LEVELS, DisclosureRules, load_rules
from zicht.disclosure.tau import FIXED, SAFE, UNSAFE, TauCell, secondary_suppression

UPPER_LEVELS = ("nederland", "provincie", "riec", "gemeente")
MAX_UPPER_ROUNDS = 20
MAX_REPAIR_ROUNDS = 20
# Subtrees of published gemeenten protected per tau-ARGUS run: the engine's start-up per run costs
# about as much as solving one subtree.
SUBTREES_PER_RUN = 8
JOINED_TOTAL = "ZZJOINED"
OUTPUT_COLUMNS = ["status", "reason", "required_width", "audit_lower", "audit_upper"]


class DisclosureError(RuntimeError):
    """Protection could not be completed."""


@dataclass(frozen=True)
class ProtectedTable:
    cells: pd.DataFrame  # the input rows plus OUTPUT_COLUMNS
    audit: AuditResult

    @property
    def passed(self) -> bool:
        return self.audit.passed


def protect_cells(
    cells: pd.DataFrame,
    disclosure_class: str,
    rules: DisclosureRules | None = None,
    table_name: str = "cells",
    hidden_too: frozenset[str] = frozenset(),
) -> ProtectedTable:
    """Protects one table of cells (one indicator or measure, one year) and audits the result.

    `hidden_too` are region codes of published cells to suppress as secondary whatever the rules say
    (complements that a sum with another table needs, `category_links.py`); the table is protected
    around them as around its own.

    Input columns: `region_code`, `region_level`, `parent_code`, `value`, `contributors`,
    `riec_code` (on gemeente rows, when the table has RIEC rows), and for the class `magnitude` also
    `top1`, `top2`. Output: the same rows plus `status` (safe, primary, secondary, empty), `reason`
    (primary_frequency, primary_dominance, secondary or None), `required_width`, and the audit
    interval `audit_lower`, `audit_upper` of every suppressed cell (NaN elsewhere).
    """
    rules = rules or load_rules()
    rule = rules.rule(disclosure_class)
    table = apply_primary_rules(validate_cells(cells, rule.has_dominance, table_name), rule)
    if not (table["status"] == PRIMARY).any() and not hidden_too:
        # Nothing is unsafe, so nothing needs hiding: no tau-ARGUS run, an empty audit.
        table["audit_lower"] = float("nan")
        table["audit_upper"] = float("nan")
        return ProtectedTable(table, AuditResult(pd.DataFrame(columns=list(AUDIT_COLUMNS)), passed=True))
    table_relations = relations(table)
    state = _State(table, rule.min_width)
    state.secondary |= {code for code in hidden_too if state.status[code] == PUBLISHED}
    _protect_upper_table(state, table_relations, table_name, rules.heuristic)
    _protect_subtrees(state, table_relations, rules.workers, table_name, rules.heuristic)
    for _ in range(MAX_REPAIR_ROUNDS):
        added, intervals = _add_complements(state, table_relations, rules.workers)
        if not added:
            break
    secondary = table["region_code"].isin(state.secondary)
    table.loc[secondary, "status"] = SECONDARY
    table.loc[secondary, "reason"] = "secondary"
    audit = audit_table(table, table_relations, rules.workers, intervals if not added else None)
    interval = audit.cells.set_index("region_code")
    table["audit_lower"] = table["region_code"].map(interval["audit_lower"])
    table["audit_upper"] = table["region_code"].map(interval["audit_upper"])
    return ProtectedTable(table, audit)


class _State:
    """The suppression pattern being built, and what tau-ARGUS needs to know of each cell."""

    def __init__(self, table: pd.DataFrame, secondary_width: float):
        self.level = dict(zip(table["region_code"], table["region_level"], strict=True))
        self.value = dict(zip(table["region_code"], table["value"], strict=True))
        self.frequency = dict(zip(table["region_code"], table["contributors"].astype(int), strict=True))
        self.status = dict(zip(table["region_code"], table["status"], strict=True))
        self.width = dict(zip(table["region_code"], table["required_width"], strict=True))
        self.secondary: set[str] = set()
        self.secondary_width = secondary_width
        self.solved_groups: dict = {}  # the audit's solved groups, shared by every audit of the table

    def suppressed(self, code: str) -> bool:
        return self.status[code] == PRIMARY or code in self.secondary

    def tau_cell(self, code: str, fixed: bool = False) -> TauCell:
        value = float(self.value[code])
        frequency = self.frequency[code] if self.frequency[code] or not value else 1
        if self.status[code] == EMPTY:
            return TauCell(0.0, 0, SAFE)
        if self.suppressed(code):
            width = self.width[code] if self.status[code] == PRIMARY else self.secondary_width
            return TauCell(value, frequency, UNSAFE, *protection_levels(value, width))
        return TauCell(value, frequency, FIXED if fixed else SAFE)


def _children(table_relations: list[Relation], grouping: str) -> dict[str, list[str]]:
    return {r.total: list(r.parts) for r in table_relations if r.grouping == grouping}


def _protect_upper_table(
    state: _State, table_relations: list[Relation], table_name: str, heuristic: bool = True
) -> None:
    roots = [code for code, level in state.level.items() if level == "nederland"]
    if not roots:
        return
    root = roots[0]
    hierarchies = []
    for grouping in ("region", "riec"):
        children = {
            total: [part for part in parts if state.level[part] in UPPER_LEVELS]
            for total, parts in _children(table_relations, grouping).items()
            if state.level[total] in UPPER_LEVELS
        }
        if children.get(root):
            hierarchies.append((grouping, children))
    upper_relations = [
        Relation(total, tuple(parts), grouping)
        for grouping, children in hierarchies
        for total, parts in children.items()
        if parts
    ]
    if heuristic and _try_greedy(state, upper_relations, fixed={root}):
        return
    for _ in range(MAX_UPPER_ROUNDS):
        added = 0
        for grouping, children in hierarchies:
            codes = [root] + [code for parts in children.values() for code in parts]
            cells = {code: state.tau_cell(code) for code in codes}
            label = f"{table_name}, upper table along {grouping}"
            new = secondary_suppression(root, children, cells, label) - state.secondary
            new = {code for code in new if state.status[code] != PRIMARY}
            state.secondary |= new
            added += len(new)
        # each run protects its own hierarchy; together the two may still pin a cell
        if not added and not _add_complements(state, upper_relations)[0]:
            return
    raise DisclosureError(f"{table_name}: the upper table did not settle in {MAX_UPPER_ROUNDS} rounds")


def _needed_width(state: _State, code: str) -> float:
    return 0.0 if code in state.secondary else state.width[code]


def _add_complements(
    state: _State, table_relations: list[Relation], workers: int = 1
) -> tuple[int, dict[str, tuple[float, float]]]:
    """Audits the pattern so far over `table_relations` and suppresses a complement for every cell it
    leaves unprotected.

    A cell is pinned by its whole group of linked hidden cells, not only by the relations it is in:
    a province with one gemeente, or one whose gemeenten a RIEC region also adds up, is recomputed
    through its gemeenten's other relations. So the candidates are the published cells of every
    relation of the group, and the smallest one that alone protects the cell is taken; when none
    does, the one that widens its interval most per unit of its value, and the next round goes on.
    Returns how many cells were added, and the feasibility intervals of the pattern audited.
    """
    hidden = {code for code in state.level if state.suppressed(code)}
    intervals = feasibility_intervals(table_relations, state.value, hidden, workers, state.solved_groups)
    failing = sorted(
        code
        for code, (lower, upper) in intervals.items()
        if not is_protected(state.value[code], lower, upper, _needed_width(state, code))
    )
    added: set[str] = set()
    for code in failing:
        now_hidden = hidden | added
        if _protected(state, table_relations, now_hidden, code):
            continue  # an earlier complement already covers it
        best = _best_complement(state, table_relations, now_hidden, code)
        if best is not None:
            added.add(best)
    state.secondary |= added
    return len(added), intervals


def _protected(state: _State, table_relations: list[Relation], hidden: set[str], code: str) -> bool:
    lower, upper = cell_interval(table_relations, state.value, hidden, code)
    return is_protected(state.value[code], lower, upper, _needed_width(state, code))


def _best_complement(
    state: _State, table_relations: list[Relation], hidden: set[str], code: str
) -> str | None:
    group = _linked_hidden(table_relations, hidden, code)
    candidates = sorted(
        {
            member
            for relation in table_relations
            if group.intersection((relation.total, *relation.parts))
            for member in (relation.total, *relation.parts)
            # a zero cell is no complement: an attacker's interval cannot reach below it
            if member not in hidden
            and state.status[member] == PUBLISHED
            and state.value[member] > 0
            and state.level[member] != "nederland"
        },
        key=lambda member: (state.value[member], member),
    )
    widths = {}
    for candidate in candidates:
        lower, upper = cell_interval(table_relations, state.value, hidden | {candidate}, code)
        if is_protected(state.value[code], lower, upper, _needed_width(state, code)):
            return candidate
        widths[candidate] = upper - lower
    if not candidates:
        return None
    # None suffices alone: the most width per unit of value suppressed, so that a large cell (an OM
    # hot spot) is not taken for the width it brings when small cells bring it together.
    lower, upper = cell_interval(table_relations, state.value, hidden, code)
    gain = {member: widths[member] - (upper - lower) for member in candidates}
    if not any(width_gain > 0 for width_gain in gain.values()):
        return max(candidates, key=lambda member: (widths[member], -state.value[member]))
    return max(candidates, key=lambda member: (gain[member] / state.value[member], -state.value[member]))


def _linked_hidden(table_relations: list[Relation], hidden: set[str], code: str) -> set[str]:
    """The hidden cells linked to `code` through relations: the cells an attacker solves together."""
    linked, stack = {code}, [code]
    while stack:
        current = stack.pop()
        for relation in table_relations:
            members = (relation.total, *relation.parts)
            if current in members:
                new = {member for member in members if member in hidden} - linked
                linked |= new
                stack.extend(new)
    return linked


def _subtree(children: dict[str, list[str]], gemeente: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    stack = [gemeente]
    while stack:
        code = stack.pop()
        if code in children:
            out[code] = children[code]
            stack.extend(children[code])
    return out


def _protect_one_run(job: tuple[str, dict[str, list[str]], dict[str, TauCell], str]) -> set[str]:
    total, children, cells, label = job
    return secondary_suppression(total, children, cells, label)


def _protect_subtrees(
    state: _State, table_relations: list[Relation], workers: int, table_name: str, heuristic: bool = True
) -> None:
    children = _children(table_relations, "region")
    if heuristic:
        children_left = _greedy_subtrees(state, children)
    else:
        children_left = children
    published: list[tuple[str, dict[str, list[str]], dict[str, TauCell]]] = []
    jobs = []
    for gemeente in (code for code, level in state.level.items() if level == "gemeente"):
        if gemeente not in children_left:
            continue
        tree = _subtree(children, gemeente)
        if not tree:
            continue
        codes = [code for parts in tree.values() for code in parts]
        if not state.suppressed(gemeente) and not any(state.status[code] == PRIMARY for code in codes):
            continue
        cells = {gemeente: state.tau_cell(gemeente, fixed=True)}
        cells |= {code: state.tau_cell(code) for code in codes}
        if state.suppressed(gemeente):
            jobs.append((gemeente, tree, cells, f"{table_name}, subtree of {gemeente}"))
        else:
            published.append((gemeente, tree, cells))
    for start in range(0, len(published), SUBTREES_PER_RUN):
        jobs.append(_joined_run(published[start : start + SUBTREES_PER_RUN], table_name))
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_protect_one_run, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    else:
        results = [_protect_one_run(job) for job in jobs]
    for new in results:  # the gemeenten (and the joined total) keep the upper table's status
        below = {code for code in new if state.level.get(code) in ("wijk", "buurt")}
        state.secondary |= {code for code in below if state.status[code] != PRIMARY}


def _try_greedy(state: _State, part_relations: list[Relation], fixed: set[str]) -> bool:
    """The rules of greedy.py on one part of the table; their complements are kept only when the
    exact audit of the part proves every hidden cell protected."""
    added = _greedy_pattern(state, part_relations, fixed)
    if added is None or _failing(state, part_relations, added):
        return False
    state.secondary |= added
    return True


def _greedy_pattern(state: _State, part_relations: list[Relation], fixed: set[str]) -> set[str] | None:
    codes = {member for relation in part_relations for member in (relation.total, *relation.parts)}
    levels = {
        code: protection_levels(state.value[code], state.width[code])
        if state.status[code] == PRIMARY
        else (SOME_ROOM, SOME_ROOM)
        for code in codes
        if state.suppressed(code)
    }
    candidates = {
        code
        for code in codes
        if state.status[code] == PUBLISHED
        and code not in state.secondary
        and code not in fixed
        and state.value[code] > 0
        and state.level[code] != "nederland"
    }
    depth = {code: REGION_LEVELS.index(state.level[code]) for code in codes}
    try:
        return greedy_complements(part_relations, state.value, levels, candidates, depth)
    except GreedyFailed:
        return None


def _failing(state: _State, part_relations: list[Relation], added: set[str]) -> set[str]:
    """The hidden cells of the part that the exact audit finds insufficiently protected."""
    codes = {member for relation in part_relations for member in (relation.total, *relation.parts)}
    hidden = {code for code in codes if state.suppressed(code)} | added
    intervals = feasibility_intervals(part_relations, state.value, hidden, solved=state.solved_groups)
    return {
        code
        for code, (lower, upper) in intervals.items()
        if not is_protected(state.value[code], lower, upper, _needed_width(state, code))
    }


def _greedy_subtrees(state: _State, children: dict[str, list[str]]) -> set[str]:
    """The rules of greedy.py on the subtree of every published gemeente (fixed, as in the tau-ARGUS
    runs), all audited at once; returns the gemeenten whose subtree still needs tau-ARGUS."""
    left: set[str] = set()
    relations_of: dict[str, list[Relation]] = {}
    found: dict[str, set[str]] = {}
    for gemeente in (code for code, level in state.level.items() if level == "gemeente"):
        tree = _subtree(children, gemeente)
        if not tree:
            continue
        codes = [code for parts in tree.values() for code in parts]
        if not any(state.status[code] == PRIMARY for code in codes):
            if state.suppressed(gemeente):
                left.add(gemeente)
            continue
        if state.suppressed(gemeente):
            left.add(gemeente)  # its subtree must re-protect it: tau-ARGUS, with the upper table's pattern
            continue
        part = [Relation(total, tuple(parts), "region") for total, parts in tree.items()]
        added = _greedy_pattern(state, part, fixed={gemeente})
        if added is None:
            left.add(gemeente)
        else:
            relations_of[gemeente], found[gemeente] = part, added
    if found:
        # the subtrees share no hidden cell (their gemeenten are published): one audit for all
        all_relations = [relation for part in relations_of.values() for relation in part]
        failing = _failing(state, all_relations, set().union(*found.values()))
        for gemeente, part in relations_of.items():
            members = {member for relation in part for member in (relation.total, *relation.parts)}
            if failing & members:
                left.add(gemeente)
            else:
                state.secondary |= found[gemeente]
    return left


def _joined_run(
    subtrees: list[tuple[str, dict[str, list[str]], dict[str, TauCell]]], table_name: str
) -> tuple[str, dict[str, list[str]], dict[str, TauCell], str]:
    """Several subtrees of published gemeenten in one tau-ARGUS run, under a made-up fixed total.

    Each gemeente is fixed, so the subtrees stay independent and no complement crosses from one to
    another; the made-up total only saves the engine's start-up per subtree.
    """
    children: dict[str, list[str]] = {JOINED_TOTAL: [gemeente for gemeente, _, _ in subtrees]}
    cells: dict[str, TauCell] = {}
    for _, tree, subtree_cells in subtrees:
        children |= tree
        cells |= subtree_cells
    cells[JOINED_TOTAL] = TauCell(
        sum(cell.value for cell in cells.values() if cell.given_status == FIXED),
        sum(cell.frequency for cell in cells.values() if cell.given_status == FIXED),
        FIXED,
    )
    label = f"{table_name}, subtrees of {', '.join(gemeente for gemeente, _, _ in subtrees)}"
    return JOINED_TOTAL, children, cells, label


def suppressed_share(protected: pd.DataFrame) -> pd.DataFrame:
    """Per region level: cells, suppressed cells, and the share of cells and of value suppressed."""
    frame = protected.assign(suppressed=protected["status"].isin((PRIMARY, SECONDARY)))
    frame["suppressed_value"] = frame["value"].where(frame["suppressed"], 0.0)
    summary = frame.groupby("region_level", sort=False).agg(
        cells=("region_code", "size"),
        suppressed_cells=("suppressed", "sum"),
        value=("value", "sum"),
        suppressed_value=("suppressed_value", "sum"),
    )
    summary["share_cells"] = summary["suppressed_cells"] / summary["cells"]
    summary["share_value"] = summary["suppressed_value"] / summary["value"].where(summary["value"] > 0)
    return summary.reset_index()
