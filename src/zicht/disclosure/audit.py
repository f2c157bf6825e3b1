"""Audit: the interval an attacker can deduce for every suppressed cell, and whether it is wide enough.

The attacker knows every published cell and every additive relation (the region hierarchy and the
RIEC grouping, together) and that counts and sums are not negative. For a suppressed cell the
smallest and largest values consistent with all of that are two linear programs, solved with
HiGHS with warm starts (`lp.py`). Suppressed cells only interact through relations they share,
which splits them into independent groups, solved side by side in one program per position.
The audit runs on the whole table at once, so it also checks what the decomposed protection assumed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd

from zicht.disclosure.cells import Relation
from zicht.disclosure.lp import Programs, block_intervals
from zicht.disclosure.primary import SUPPRESSED

# Below this many hidden cells, starting processes costs more than the programs.
PARALLEL_AUDIT_CELLS = 2000

AUDIT_COLUMNS = [
    "region_code",
    "region_level",
    "status",
    "value",
    "audit_lower",
    "audit_upper",
    "audit_width",
    "required_width",
    "protected",
]


@dataclass(frozen=True)
class AuditResult:
    cells: pd.DataFrame  # one row per suppressed cell, AUDIT_COLUMNS
    passed: bool

    @property
    def failures(self) -> pd.DataFrame:
        return self.cells[~self.cells["protected"]]


@dataclass(frozen=True)
class _Group:
    """One connected group of suppressed cells: sum(coefficient * cell) = rhs per equation."""

    codes: tuple[str, ...]
    equations: tuple[tuple[tuple[tuple[int, float], ...], float], ...]


def _find(parent: dict[str, str], code: str) -> str:
    while parent[code] != code:
        parent[code] = parent[parent[code]]
        code = parent[code]
    return code


def linear_groups(
    relations: Iterable[Relation], value: Mapping[str, float], hidden: set[str]
) -> list[_Group]:
    """The equations an attacker holds about the hidden cells, split into independent groups."""
    parent = {code: code for code in hidden}
    equations: list[tuple[dict[str, float], float]] = []
    for relation in relations:
        terms = [(relation.total, 1.0)] + [(part, -1.0) for part in relation.parts]
        unknown = {code: coefficient for code, coefficient in terms if code in hidden}
        if not unknown:
            continue
        rhs = -sum(coefficient * value[code] for code, coefficient in terms if code not in hidden)
        equations.append((unknown, rhs))
        first, *rest = unknown
        for code in rest:
            parent[_find(parent, code)] = _find(parent, first)
    members: dict[str, list[str]] = {}
    for code in hidden:
        members.setdefault(_find(parent, code), []).append(code)
    group_equations: dict[str, list[tuple[dict[str, float], float]]] = {root: [] for root in members}
    for unknown, rhs in equations:
        group_equations[_find(parent, next(iter(unknown)))].append((unknown, rhs))
    groups = []
    for root, codes in members.items():
        index = {code: i for i, code in enumerate(sorted(codes))}
        groups.append(
            _Group(
                tuple(sorted(codes)),
                # sorted: the same group gives the same key whatever the order of the relations
                tuple(
                    sorted(
                        (tuple(sorted((index[code], weight) for code, weight in unknown.items())), rhs)
                        for unknown, rhs in group_equations[root]
                    )
                ),
            )
        )
    return groups


def attack_cap(value: Mapping[str, float]) -> float:
    """A bound far above any cell: it keeps the programs bounded, and an upper bound at it means none."""
    return 100 * (sum(abs(v) for v in value.values()) + 1)


def feasibility_intervals(
    relations: Iterable[Relation],
    value: Mapping[str, float],
    hidden: set[str],
    workers: int = 1,
    solved: dict | None = None,
) -> dict[str, tuple[float, float]]:
    """The (lower, upper) an attacker can deduce for each hidden cell from everything else.

    The groups are independent and solved together (`lp.block_intervals`); with several workers
    and many cells, the groups are dealt out to one model per process, largest first.
    `solved`, when given, keeps the intervals of every group solved (the same group, equations and
    right-hand sides give the same intervals), so that auditing a part and then the whole table, or
    a pattern after a change elsewhere, solves each group once. Use one per table: the cap an upper
    bound is compared with depends on the table's values.
    """
    solved = {} if solved is None else solved
    groups = linear_groups(relations, value, hidden)
    new = sorted({group for group in groups if group not in solved}, key=lambda group: -len(group.codes))
    if new:
        cap = attack_cap(value)
        shares = min(workers, 1 + sum(len(group.codes) for group in new) // PARALLEL_AUDIT_CELLS)
        dealt = [new[start::shares] for start in range(shares)]
        programs = [([len(g.codes) for g in share], [g.equations for g in share], cap) for share in dealt]
        if shares > 1:
            with ProcessPoolExecutor(shares) as pool:
                results = list(pool.map(_block_intervals, programs))
        else:
            results = [_block_intervals(program) for program in programs]
        for share, intervals in zip(dealt, results, strict=True):
            solved.update(zip(share, intervals, strict=True))
    return {
        code: interval for group in groups for code, interval in zip(group.codes, solved[group], strict=True)
    }


def _block_intervals(program) -> list[list[tuple[float, float]]]:
    return block_intervals(*program)


def cell_interval(
    relations: Iterable[Relation], value: Mapping[str, float], hidden: set[str], code: str
) -> tuple[float, float]:
    """The (lower, upper) an attacker can deduce for the one hidden cell `code`: two programs over the
    relations of its own group only, cheap enough to try out one candidate complement after another."""
    touching: dict[str, list[Relation]] = {}
    for relation in relations:
        for member in (relation.total, *relation.parts):
            if member in hidden:
                touching.setdefault(member, []).append(relation)
    reached, stack, used = {code}, [code], {}
    while stack:
        for relation in touching.get(stack.pop(), ()):
            used[id(relation)] = relation
            for member in (relation.total, *relation.parts):
                if member in hidden and member not in reached:
                    reached.add(member)
                    stack.append(member)
    (group,) = linear_groups(used.values(), value, reached)  # `reached` is connected
    if not group.equations:
        return 0.0, math.inf
    programs = Programs(len(group.codes), group.equations, attack_cap(value))
    return programs.interval(group.codes.index(code))


def is_protected(value: float, lower: float, upper: float, required_width: float) -> bool:
    """The value lies strictly inside the attacker's interval, and the interval is wide enough."""
    tolerance = 1e-6
    inside = lower < value - tolerance and value + tolerance < upper
    return inside and upper - lower >= required_width - tolerance


def audit_table(
    protected: pd.DataFrame,
    relations: list[Relation],
    workers: int = 1,
    intervals: Mapping[str, tuple[float, float]] | None = None,
) -> AuditResult:
    """Audits a protected table (columns of `protect_cells` output up to the audit interval).

    A suppressed cell is protected when its value lies strictly inside the attacker's interval and
    a primary cell's interval is at least its `required_width` wide. A secondary cell needs no
    width of its own, but may not be recomputable either. `intervals`, when given, are the
    feasibility intervals already computed for exactly this suppression pattern.
    """
    value = dict(zip(protected["region_code"], protected["value"], strict=True))
    suppressed = protected[protected["status"].isin(SUPPRESSED)]
    if intervals is None:
        intervals = feasibility_intervals(relations, value, set(suppressed["region_code"]), workers)
    cells = suppressed[["region_code", "region_level", "status", "value", "required_width"]].copy()
    cells["audit_lower"] = [float(intervals[code][0]) for code in cells["region_code"]]
    cells["audit_upper"] = [float(intervals[code][1]) for code in cells["region_code"]]
    cells["audit_width"] = cells["audit_upper"] - cells["audit_lower"]
    cells["protected"] = [
        is_protected(*row)
        for row in cells[["value", "audit_lower", "audit_upper", "required_width"]].itertuples(index=False)
    ]
    cells = cells[AUDIT_COLUMNS].reset_index(drop=True)
    return AuditResult(cells, bool(cells["protected"].all()))
