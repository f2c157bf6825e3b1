"""Protect many independent tables at once, one process per core.

The tables of different numerators and years share no cell, so they are protected apart, in one
pool of processes for all of them.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from zicht.disclosure.protect import ProtectedTable, protect_cells
from zicht.disclosure.rules import DisclosureRules, load_rules


def _protect_one(job: tuple[str, pd.DataFrame, str, DisclosureRules]) -> ProtectedTable:
    name, cells, disclosure_class, rules = job
    return protect_cells(cells, disclosure_class, rules, table_name=name)


def protect_tables(
    tables: list[tuple[str, pd.DataFrame, str]], rules: DisclosureRules | None = None
) -> list[ProtectedTable]:
    """(name, cells, disclosure class) per table -> its ProtectedTable, in the same order."""
    rules = rules or load_rules()
    # Each table runs in one process; its own subtree protection then stays in that process.
    single = dataclasses.replace(rules, workers=1)
    jobs = [(name, cells, disclosure_class, single) for name, cells, disclosure_class in tables]
    if rules.workers <= 1 or len(jobs) <= 1:
        return [_protect_one(job) for job in jobs]
    # Largest tables first, one at a time: a national buurt table takes a hundred times longer than
    # a gemeente table, and started last it would leave the other processes idle.
    order = sorted(range(len(jobs)), key=lambda index: -len(jobs[index][1]))
    with ProcessPoolExecutor(max_workers=rules.workers) as pool:
        protected = dict(zip(order, pool.map(_protect_one, [jobs[index] for index in order]), strict=True))
    return [protected[index] for index in range(len(jobs))]
