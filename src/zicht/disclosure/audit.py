"""Audit: the interval an attacker can deduce for every suppressed cell, and whether it is wide enough.

The attacker knows every published cell and every additive relation (the region hierarchy and the
RIEC grouping, together) and that counts and sums are not negative. For a suppressed cell the
smallest and largest values consistent with all of that are two linear programs, solved with
HiGHS through `scipy.optimize.linprog`. Suppressed cells only interact through relations they share,
so the programs are solved per connected group of suppressed cells, groups spread over processes.
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

AUDIT_COLUMNS = ["region_code", "region_level", "status", "value", "audit_lower", "audit_upper",
                 "audit_width", "required_width", "protected"]


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


def _bounds_of_group(group: _Group) -> list[tuple[str, float, float]]:
    size = len(group.codes)
    if not group.equations:
        return [(code, 0.0, math.inf) for code in group.codes]
    rows, cols, data = [], [], []
    for row, (terms, _) in enumerate(group.equations):
        for col, coefficient in terms:
            rows.append(row)
            cols.append(col)
            data.append(coefficient)
    matrix = coo_array((data, (rows, cols)), shape=(len(group.equations), size)).tocsr()
    rhs = np.array([rhs for _, rhs in group.equations])
    out = []
    for i, code in enumerate(group.codes):
        objective = np.zeros(size)
        bounds = []
        for sign in (1.0, -1.0):
            objective[i] = sign
            result = linprog(objective, A_eq=matrix, b_eq=rhs, bounds=(0, None), method="highs")
            if result.status == 3:  # unbounded: only the maximum can be
                bounds.append(math.inf)
            elif result.status != 0:
                raise RuntimeError(f"audit LP for {code} failed: {result.message}")
            else:
                bounds.append(sign * result.fun)
        out.append((code, bounds[0], bounds[1]))
    return out


def _bounds_of_groups(groups: list[_Group]) -> list[tuple[str, float, float]]:
    return [row for group in groups for row in _bounds_of_group(group)]


def feasibility_intervals(
    relations: Iterable[Relation], value: Mapping[str, float], hidden: set[str], workers: int = 1
) -> dict[str, tuple[float, float]]:
    """The (lower, upper) an attacker can deduce for each hidden cell from everything else."""
    groups = linear_groups(relations, value, hidden)
    if workers <= 1 or len(groups) < 2 * workers:
        rows = _bounds_of_groups(groups)
    else:
        groups.sort(key=lambda group: -len(group.codes))
        batches = [groups[i::workers * 4] for i in range(workers * 4)]
        with ProcessPoolExecutor(workers) as pool:
            rows = [row for batch in pool.map(_bounds_of_groups, batches) for row in batch]
    return {code: (lower, upper) for code, lower, upper in rows}


def audit_table(protected: pd.DataFrame, relations: list[Relation], workers: int = 1) -> AuditResult:
    """Audits a protected table (columns of `protect_cells` output up to the audit interval).

    A suppressed cell is protected when its value lies strictly inside the attacker's interval and
    a primary cell's interval is at least its `required_width` wide. A secondary cell needs no
    width of its own, but may not be recomputable either.
    """
    value = dict(zip(protected["region_code"], protected["value"], strict=True))
    suppressed = protected[protected["status"].isin(SUPPRESSED)]
    intervals = feasibility_intervals(relations, value, set(suppressed["region_code"]), workers)
    cells = suppressed[["region_code", "region_level", "status", "value", "required_width"]].copy()
    cells["audit_lower"] = [float(intervals[code][0]) for code in cells["region_code"]]
    cells["audit_upper"] = [float(intervals[code][1]) for code in cells["region_code"]]
    cells["audit_width"] = cells["audit_upper"] - cells["audit_lower"]
    tolerance = 1e-6
    inside = (cells["audit_lower"] < cells["value"] - tolerance) & (
        cells["value"] + tolerance < cells["audit_upper"]
    )
    wide = cells["audit_width"] >= cells["required_width"] - tolerance
    cells["protected"] = inside & wide
    cells = cells[AUDIT_COLUMNS].reset_index(drop=True)
    return AuditResult(cells, bool(cells["protected"].all()))
