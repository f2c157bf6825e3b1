"""Tables linked by categories that add up, closed against differencing across them.

Some categories of a measure add up to another (`category_sums` in the catalog): the kwetsbare
branches of a gemeente to its kwetsbare branches, hard and soft drugs cases to drugs cases. Each
table is protected on its own over the region hierarchy, and an attacker could still subtract the
published branches of a gemeente from its published total. So, per measure and year, the
differencing attack runs over the linked tables together: their region relations and, per region,
the sums (nested as a hierarchy, `nested_sums`). For every cell it recovers, the smallest published
cell of the relation that gave it away is suppressed as well, and that cell's table is protected
again around it (tau-ARGUS and the exact audit of that table); until the attack recovers nothing.

What this proves: no suppressed count can be recomputed by subtracting published counts along any
hierarchy, categories included, and every table on its own passes the interval audit. The interval
audit of the linked tables as one system is not part of it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping, Sequence

import pandas as pd

from zicht.disclosure.attack import differencing_attack
from zicht.disclosure.batch import largest_first
from zicht.disclosure.cells import Relation, relations
from zicht.disclosure.primary import SUPPRESSED
from zicht.disclosure.protect import DisclosureError, ProtectedTable, protect_cells
from zicht.disclosure.rules import DisclosureRules

CategorySums = Mapping[str, Mapping[str, Sequence[str]]]  # measure -> total category -> its parts
SEPARATOR = "|"
MAX_ROUNDS = 20


def nested_sums(sums: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    """The sums as a hierarchy: where all parts of one sum are parts of another, the other takes the
    first's total instead of them (kwetsbaar = ... + vakantieparken, vakantieparken = 5520 + 5530).

    The same equations, but each relation now holds what subtracting one sum from the other gives,
    so that differencing, which solves one relation at a time, sees it.
    """
    nested = {total: tuple(parts) for total, parts in sums.items()}
    for inner, inner_parts in sorted(sums.items(), key=lambda item: len(item[1])):
        for outer, outer_parts in nested.items():
            if outer != inner and set(inner_parts) < set(outer_parts):
                nested[outer] = tuple(part for part in outer_parts if part not in inner_parts) + (inner,)
    return nested


def key(category: str, region_code: str) -> str:
    return f"{category}{SEPARATOR}{region_code}"


def linked_relations(
    tables: Mapping[str, pd.DataFrame],
    sums: Mapping[str, Sequence[str]],
    region_relations: Mapping[str, list[Relation]] | None = None,
) -> list[Relation]:
    """The region relations of every table and, in every region where a total and all its parts have
    a cell, the sum; cell keys are `category|region_code`. A sum that does not hold is refused.

    `region_relations` (category -> `relations(cells)`) may be given when known: they depend on the
    table's regions only, not on what is suppressed."""
    found = [
        Relation(key(category, r.total), tuple(key(category, part) for part in r.parts), r.grouping)
        for category, cells in tables.items()
        for r in (region_relations[category] if region_relations is not None else relations(cells))
    ]
    for total, parts in nested_sums(sums).items():
        if total not in tables or any(part not in tables for part in parts):
            continue  # a sum with a part not published at all is no relation an attacker holds
        values = [tables[category].set_index("region_code")["value"] for category in (total, *parts)]
        joined = pd.concat(values, axis=1, join="inner", keys=[total, *parts])
        sum_of_parts = joined[list(parts)].sum(axis=1)
        wrong = (joined[total] - sum_of_parts).abs() > 1e-9 * joined[total].abs().clip(lower=1.0)
        if wrong.any():
            region = wrong[wrong].index[0]
            raise DisclosureError(
                f"in {region}, {total} ({joined.at[region, total]:g}) is not the sum of its parts "
                f"{', '.join(parts)} ({sum_of_parts[region]:g})"
            )
        found += [
            Relation(key(total, region), tuple(key(part, region) for part in parts), "category")
            for region in joined.index
        ]
    return found


def _complement(relation: Relation, published: Mapping[str, float], level: Mapping[str, str]) -> str | None:
    """The published cell of the relation to suppress with the one it gave away: the smallest
    non-zero one that is not Nederland's."""
    members = [
        member
        for member in (relation.total, *relation.parts)
        if published.get(member, 0) > 0 and level[member] != "nederland"
    ]
    return min(members, key=lambda member: (published[member], member), default=None)


def close_category_leaks(
    jobs: Sequence,
    protected: Sequence[ProtectedTable],
    category_sums: CategorySums,
    rules: DisclosureRules,
) -> list[ProtectedTable]:
    """The protected tables (one per job: measure, category, year, cells, disclosure_class) after the
    tables of every measure and year with category sums have been closed against differencing
    across them; in the same order. Groups share no table, so they are closed in parallel
    (`rules.workers` processes), the largest first."""
    groups: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for index, job in enumerate(jobs):
        if category_sums.get(job.measure):
            groups[(job.measure, job.year)][job.category] = index
    single = dataclasses.replace(rules, workers=1)
    ordered = sorted(groups.items())
    work = [
        (
            f"{measure}/{year}",
            {category: jobs[index] for category, index in index_of.items()},
            {category: protected[index] for category, index in index_of.items()},
            category_sums[measure],
            single,
        )
        for (measure, year), index_of in ordered
    ]
    sizes = [sum(len(jobs[index].cells) for index in index_of.values()) for _, index_of in ordered]
    closed = largest_first(_close_group, work, sizes, rules.workers)
    out = list(protected)
    for (_, index_of), tables in zip(ordered, closed, strict=True):
        for category, table in tables.items():
            out[index_of[category]] = table
    return out


def _close_group(
    name: str,
    jobs: Mapping[str, object],
    protected: Mapping[str, ProtectedTable],
    sums: Mapping[str, Sequence[str]],
    rules: DisclosureRules,
) -> dict[str, ProtectedTable]:
    """One measure and year: category -> its table, protected again until differencing over the
    linked tables recovers nothing."""
    out = dict(protected)
    region_relations = {category: relations(table.cells) for category, table in out.items()}
    hidden_too: dict[str, set[str]] = defaultdict(set)
    for _ in range(MAX_ROUNDS):
        tables = {category: table.cells for category, table in out.items()}
        try:
            all_relations = linked_relations(tables, sums, region_relations)
        except DisclosureError as error:
            raise DisclosureError(f"{name}: {error}") from error
        if not any(r.grouping == "category" for r in all_relations):
            return out
        published, hidden, level = {}, set(), {}
        for category, cells in tables.items():
            for code, value, status, region_level in cells[
                ["region_code", "value", "status", "region_level"]
            ].itertuples(index=False):
                level[key(category, code)] = region_level
                if status in SUPPRESSED:
                    hidden.add(key(category, code))
                else:
                    published[key(category, code)] = value
        through: dict[str, Relation] = {}
        if not differencing_attack(all_relations, published, hidden, through):
            return out
        changed, chosen = set(), set()
        for code in sorted(through):
            relation = through[code]
            complement = _complement(relation, published, level)
            if complement is None:
                others = {member for member in (relation.total, *relation.parts) if member != code}
                if others & (set(through) | chosen):
                    # given away by a cell given away first, or closed by a complement just
                    # chosen for another cell: protecting that one closes this relation too
                    continue
                raise DisclosureError(f"{name}: no published cell left to protect {code}")
            category, region = complement.split(SEPARATOR, 1)
            hidden_too[category].add(region)
            published.pop(complement)
            chosen.add(complement)
            changed.add(category)
        for category in sorted(changed):
            job = jobs[category]
            # Around the pattern it had: suppressions only grow, so the cells it hid stay hidden and
            # the protection mostly has to cover the new complement (the audit checks all of it).
            before = out[category].cells
            kept = set(before.loc[before["status"] == "secondary", "region_code"])
            out[category] = protect_cells(
                job.cells, job.disclosure_class, rules, job.name, frozenset(hidden_too[category] | kept)
            )
    raise DisclosureError(f"{name}: the linked tables did not settle in {MAX_ROUNDS} rounds")
