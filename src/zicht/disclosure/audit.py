"""Audit: the interval an attacker can deduce for every suppressed cell, and whether it is wide enough.

The attacker knows every published cell and every additive relation (the region hierarchy and the
RIEC grouping, together) and that counts and sums are not negative. For a suppressed cell the
smallest and largest values consistent with all of that are two linear programs, solved with
HiGHS through `scipy.optimize.linprog`. Suppressed cells only interact through relations they share,
which splits them into independent groups, solved side by side in one program per position.
The audit runs on the whole table at once, so it also checks what the decomposed protection assumed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
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


def feasibility_intervals(
    relations: Iterable[Relation], value: Mapping[str, float], hidden: set[str]
) -> dict[str, tuple[float, float]]:
    """The (lower, upper) an attacker can deduce for each hidden cell from everything else.

    The groups are independent, so one program minimises the k-th cell of every group at once
    (the sum of independent minima is minimal exactly when each is): 2 x (largest group) programs in
    all. A cap far above any cell keeps them bounded; an upper bound at the cap means none exists.
    """
    groups = linear_groups(relations, value, hidden)
    if not groups:
        return {}
    offsets = np.cumsum([0] + [len(group.codes) for group in groups])
    rows, cols, data, rhs = [], [], [], []
    for group, offset in zip(groups, offsets, strict=False):
        for terms, constant in group.equations:
            for col, coefficient in terms:
                rows.append(len(rhs))
                cols.append(offset + col)
                data.append(coefficient)
            rhs.append(constant)
    size = int(offsets[-1])
    matrix = coo_array((data, (rows, cols)), shape=(len(rhs), size)).tocsr()
    cap = 100 * (sum(abs(v) for v in value.values()) + 1)
    lower = np.zeros(size)
    upper = np.zeros(size)
    for k in range(max(len(group.codes) for group in groups)):
        chosen = np.array([offset + k for group, offset in zip(groups, offsets, strict=False)
                           if k < len(group.codes)])
        for sign, out in ((1.0, lower), (-1.0, upper)):
            objective = np.zeros(size)
            objective[chosen] = sign
            result = linprog(objective, A_eq=matrix, b_eq=np.array(rhs), bounds=(0, cap), method="highs")
            if result.status != 0:
                raise RuntimeError(f"audit linear program failed: {result.message}")
            out[chosen] = result.x[chosen]
    upper = np.where(upper >= cap / 2, math.inf, upper)
    codes = [code for group in groups for code in group.codes]
    return {code: (float(lower[i]), float(upper[i])) for i, code in enumerate(codes)}


def audit_table(protected: pd.DataFrame, relations: list[Relation]) -> AuditResult:
    """Audits a protected table (columns of `protect_cells` output up to the audit interval).

    A suppressed cell is protected when its value lies strictly inside the attacker's interval and
    a primary cell's interval is at least its `required_width` wide. A secondary cell needs no
    width of its own, but may not be recomputable either.
    """
    value = dict(zip(protected["region_code"], protected["value"], strict=True))
    suppressed = protected[protected["status"].isin(SUPPRESSED)]
    intervals = feasibility_intervals(relations, value, set(suppressed["region_code"]))
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
