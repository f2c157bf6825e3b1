"""The attacker's linear programs, in HiGHS with warm starts.

The equations of the hidden cells (and the bounds 0 <= cell <= cap) are loaded once; the minimum
and maximum of a cell then differ only in the objective, so each solve starts from the previous
optimal basis and takes a few simplex pivots instead of a fresh solve. Independent groups of cells
share one model: minimising the sum of one cell per group minimises each of them (the groups share
no equation), so a whole table needs only 2 x (largest group) solves.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import highspy
import numpy as np

# one equation: ((column, coefficient), ...), right-hand side
Equation = tuple[tuple[tuple[int, float], ...], float]


class Programs:
    """Minima and maxima of chosen cells, subject to all loaded equations."""

    def __init__(self, columns: int, equations: Sequence[Equation], cap: float):
        self.cap = cap
        self._highs = highspy.Highs()
        self._highs.setOptionValue("output_flag", False)
        self._highs.addVars(columns, np.zeros(columns), np.full(columns, cap))
        for terms, rhs in equations:
            index = np.array([column for column, _ in terms], dtype=np.int32)
            coefficients = np.array([coefficient for _, coefficient in terms], dtype=np.float64)
            self._highs.addRow(rhs, rhs, len(index), index, coefficients)

    def extremes(self, chosen: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bound of each chosen cell (each from another group); inf where none."""
        chosen = np.asarray(chosen, dtype=np.int32)
        self._highs.changeColsCost(len(chosen), chosen, np.ones(len(chosen)))
        try:
            lower = self._optimum(highspy.ObjSense.kMinimize, chosen)
            upper = self._optimum(highspy.ObjSense.kMaximize, chosen)
        finally:
            self._highs.changeColsCost(len(chosen), chosen, np.zeros(len(chosen)))
        return lower, np.where(upper >= self.cap / 2, math.inf, upper)

    def interval(self, column: int) -> tuple[float, float]:
        lower, upper = self.extremes([column])
        return float(lower[0]), float(upper[0])

    def _optimum(self, sense, chosen: np.ndarray) -> np.ndarray:
        self._highs.changeObjectiveSense(sense)
        self._highs.run()
        status = self._highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"audit linear program failed: {self._highs.modelStatusToString(status)}")
        return np.asarray(self._highs.getSolution().col_value)[chosen]


def block_intervals(
    sizes: Sequence[int], equations: Sequence[Sequence[Equation]], cap: float
) -> list[list[tuple[float, float]]]:
    """(lower, upper) of every cell of independent groups (`sizes[g]` cells, `equations[g]` over its
    own columns 0..size-1), in one model: per position k, the k-th cell of every group that has one."""
    offsets = np.cumsum([0, *sizes])
    shifted = [
        (tuple((offset + column, coefficient) for column, coefficient in terms), rhs)
        for offset, group in zip(offsets, equations, strict=False)
        for terms, rhs in group
    ]
    programs = Programs(int(offsets[-1]), shifted, cap)
    lower = np.zeros(int(offsets[-1]))
    upper = np.zeros(int(offsets[-1]))
    for k in range(max(sizes, default=0)):
        chosen = [int(offset) + k for offset, size in zip(offsets, sizes, strict=False) if size > k]
        lower[chosen], upper[chosen] = programs.extremes(chosen)
    return [
        list(zip(lower[start:end].tolist(), upper[start:end].tolist(), strict=True))
        for start, end in zip(offsets[:-1], offsets[1:], strict=True)
    ]
