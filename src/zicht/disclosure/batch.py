"""Protect many independent tables at once, one process per core.

The tables of different numerators and years share no cell, so they are protected apart, in one
pool of processes for all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from zicht.disclosure.protect import ProtectedTable, protect_cells
from zicht.disclosure.rules import DisclosureRules, load_rules


def largest_first(function: Callable, tasks: Sequence[tuple], sizes: Sequence[int], workers: int) -> list:
    """`function(*task)` of every task, in the order given, run in `workers` processes with the
    largest task started first: a national buurt table takes a hundred times longer than a
    gemeente table, and started last it would leave the other processes idle."""
    if workers <= 1 or len(tasks) <= 1:
        return [function(*task) for task in tasks]
    order = sorted(range(len(tasks)), key=lambda index: -sizes[index])
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(function, *zip(*(tasks[index] for index in order), strict=True))
        done = dict(zip(order, results, strict=True))
    return [done[index] for index in range(len(tasks))]


def _protect_one(
    name: str, cells: pd.DataFrame, disclosure_class: str, rules: DisclosureRules
) -> ProtectedTable:
    return protect_cells(cells, disclosure_class, rules, table_name=name)


def protect_tables(
    tables: list[tuple[str, pd.DataFrame, str]], rules: DisclosureRules | None = None
) -> list[ProtectedTable]:
    """(name, cells, disclosure class) per table -> its ProtectedTable, in the same order."""
    rules = rules or load_rules()
    # Each table runs in one process; its own subtree protection then stays in that process.
    single = dataclasses.replace(rules, workers=1)
    jobs = [(name, cells, disclosure_class, single) for name, cells, disclosure_class in tables]
    return largest_first(_protect_one, jobs, [len(cells) for _, cells, _ in tables], rules.workers)
