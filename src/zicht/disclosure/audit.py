"""Audit: the interval an attacker can deduce for every suppressed cell, and whether it is wide enough.

The attacker knows every published cell and every additive relation (the region hierarchy and the
RIEC grouping, together) and that counts and sums are not negative. For a suppressed cell the
smallest and largest values consistent with all of that are two linear programs, solved with
HiGHS through `scipy.optimize.linprog`. Suppressed cells only interact through relations they share,
which splits them into independent groups, solved side by side in one program per position,
positions spread over processes.
The audit runs on the whole table at once, so it also checks what the decomposed protection assumed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import coo_array

from zicht.disclosure.cells import Relation
from zicht.disclosure.primary import SUPPRESSED

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
                tuple(
                    (tuple((index[code], coefficient) for code, coefficient in unknown.items()), rhs)
                    for unknown, rhs in group_equations[root]
                ),
            )
        )
    return groups


def feasibility_intervals(
    relations: Iterable[Relation], value: Mapping[str, float], hidden: set[str], workers: int = 1
) -> dict[str, tuple[float, float]]:
    """The (lower, upper) an attacker can deduce for each hidden cell from everything else.

    The groups are independent, so one program minimises the k-th cell of every group at once
    (the sum of independent minima is minimal exactly when each is): 2 x (largest group) programs in
    all, each over the groups that have a k-th cell only. A cap far above any cell keeps the programs
    bounded; an upper bound at the cap means there is none.
    """
    groups = sorted(linear_groups(relations, value, hidden), key=lambda group: -len(group.codes))
    if not groups:
        return {}
    offsets = np.cumsum([0] + [len(group.codes) for group in groups])
    rows, cols, data, rhs, row_ends = [], [], [], [], []
    for group, offset in zip(groups, offsets, strict=False):
        for terms, constant in group.equations:
            for col, coefficient in terms:
                rows.append(len(rhs))
                cols.append(offset + col)
                data.append(coefficient)
            rhs.append(constant)
        row_ends.append(len(rhs))
    matrix = coo_array((data, (rows, cols)), shape=(len(rhs), int(offsets[-1]))).tocsr()
    cap = 100 * (sum(abs(v) for v in value.values()) + 1)
    programs = []
    for k in range(len(groups[0].codes)):
        active = sum(1 for group in groups if len(group.codes) > k)  # a prefix: groups run largest first
        chosen = offsets[:active] + k
        columns, equations = int(offsets[active]), row_ends[active - 1]
        programs.append((matrix[:equations, :columns], np.array(rhs[:equations]), cap, chosen))
    if workers > 1 and len(programs) > 8:
        with ProcessPoolExecutor(workers) as pool:
            chunk = max(1, len(programs) // (4 * workers))
            solved = list(pool.map(_solve_position, programs, chunksize=chunk))
    else:
        solved = [_solve_position(program) for program in programs]
    lower = np.zeros(int(offsets[-1]))
    upper = np.zeros(int(offsets[-1]))
    for (_, _, _, chosen), (minima, maxima) in zip(programs, solved, strict=True):
        lower[chosen], upper[chosen] = minima, maxima
    upper = np.where(upper >= cap / 2, math.inf, upper)
    codes = [code for group in groups for code in group.codes]
    return {code: (float(lower[i]), float(upper[i])) for i, code in enumerate(codes)}


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
    cap = 100 * (sum(abs(v) for v in value.values()) + 1)
    rows, cols, data, rhs = [], [], [], []
    for terms, constant in group.equations:
        for col, coefficient in terms:
            rows.append(len(rhs))
            cols.append(col)
            data.append(coefficient)
        rhs.append(constant)
    if not rhs:
        return 0.0, math.inf
    matrix = coo_array((data, (rows, cols)), shape=(len(rhs), len(group.codes))).tocsr()
    lower, upper = _solve_position((matrix, np.array(rhs), cap, [group.codes.index(code)]))
    return float(lower[0]), (math.inf if upper[0] >= cap / 2 else float(upper[0]))


def _solve_position(program) -> tuple[np.ndarray, np.ndarray]:
    matrix, rhs, cap, chosen = program
    out = []
    for sign in (1.0, -1.0):
        objective = np.zeros(matrix.shape[1])
        objective[chosen] = sign
        result = linprog(objective, A_eq=matrix, b_eq=rhs, bounds=(0, cap), method="highs")
        if result.status != 0:
            raise RuntimeError(f"audit linear program failed: {result.message}")
        out.append(result.x[chosen])
    return out[0], out[1]


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
