"""A deterministic first try at secondary suppression, proven or rejected by the LP audit.

Most parts of a region table have a simple unsafe pattern: a few small buurten, a wijk, a handful
of gemeenten in a province. For those, local rules per relation (a total and its parts) find a
pattern in microseconds, where tau-ARGUS spends a tenth of a second to seconds reading the table
and solving its optimisation. The rules are not a proof: the caller audits the pattern with the
exact linear programs (`audit.feasibility_intervals`) and, where a cell stays too narrow, protects
that part with tau-ARGUS after all. tau-ARGUS stays the engine for every real secondary problem;
the heuristic only spares it the easy ones.

The rules, for each relation that holds a hidden cell (a hidden cell moves only if another hidden
cell of each of its relations moves the other way):
1. at least two of its cells are hidden;
2. with the total published, every hidden part `m` can rise by its upper protection level: the
   other hidden parts, which must fall, hold at least that much;
3. with the total hidden, the total can fall by its lower protection level (its hidden parts hold
   that much), and it inherits the largest upper level of its hidden parts, which it must absorb
   in its own parent relations.
A missing complement is the published part of least value (cost = value, as tau-ARGUS's default
cost, so that large cells are never chosen when small ones do): the smallest one that covers the
shortfall alone, or the smallest ones together when their sum is cheaper. When no part is left,
the total is hidden (unless it is fixed) and its parent relations checked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zicht.disclosure.cells import Relation

# A secondary cell needs no width, only some room on both sides (strictly inside its interval).
SOME_ROOM = 1e-3
MAX_ROUNDS = 50


class GreedyFailed(RuntimeError):
    """The rules found no pattern (no complement left where one is needed): use tau-ARGUS."""


def greedy_complements(
    relations: Iterable[Relation],
    value: Mapping[str, float],
    primary_levels: Mapping[str, tuple[float, float]],
    candidates: set[str],
    depth: Mapping[str, int],
) -> set[str]:
    """The complements the rules add to the primary cells (the keys of `primary_levels`, each with
    its lower and upper protection level).

    `candidates` are the cells that may be suppressed as complements (published, not empty, not
    fixed); `depth` orders the relations bottom-up (deeper totals first). Raises GreedyFailed.
    """
    ordered = sorted(relations, key=lambda relation: (-depth[relation.total], relation.total))
    of_member: dict[str, list[int]] = {}
    for index, relation in enumerate(ordered):
        for member in (relation.total, *relation.parts):
            of_member.setdefault(member, []).append(index)
    lower = {code: levels[0] for code, levels in primary_levels.items()}
    upper = {code: levels[1] for code, levels in primary_levels.items()}
    hidden = set(primary_levels)
    added: set[str] = set()

    def hide(code: str) -> None:
        hidden.add(code)
        added.add(code)
        lower.setdefault(code, SOME_ROOM)
        upper.setdefault(code, SOME_ROOM)

    dirty = {index for code in hidden for index in of_member.get(code, ())}
    for _ in range(MAX_ROUNDS):
        if not dirty:
            return added
        touched: set[str] = set()
        for index in sorted(dirty):
            touched |= _settle(ordered[index], value, hidden, lower, upper, candidates, hide)
        dirty = {index for code in touched for index in of_member.get(code, ())}
    raise GreedyFailed(f"the rules did not settle in {MAX_ROUNDS} rounds")


def _settle(relation, value, hidden, lower, upper, candidates, hide) -> set[str]:
    """Applies the rules to one relation; returns the cells whose status or levels changed."""
    touched: set[str] = set()
    if not hidden.intersection((relation.total, *relation.parts)):
        return touched
    while True:
        shortfall = _shortfall(relation, value, hidden, lower, upper)
        if shortfall <= 0:
            break
        free = [part for part in relation.parts if part not in hidden and part in candidates]
        chosen = _cheapest_cover(free, value, shortfall)
        if chosen:
            for code in chosen:
                hide(code)
            touched |= set(chosen)
        elif relation.total not in hidden and relation.total in candidates:
            hide(relation.total)
            touched.add(relation.total)
        else:
            raise GreedyFailed(f"no complement left around {relation.total}")
    if relation.total in hidden:
        # the total must absorb what its hidden parts may rise by, in its own parent relations
        needed = max((upper[part] for part in relation.parts if part in hidden), default=0.0)
        if needed > upper[relation.total]:
            upper[relation.total] = needed
            touched.add(relation.total)
    return touched


def _shortfall(relation, value, hidden, lower, upper) -> float:
    """How much hidden value the relation still lacks under the rules (0 or less: none)."""
    hidden_parts = [part for part in relation.parts if part in hidden]
    held = sum(value[part] for part in hidden_parts)
    if relation.total in hidden:
        if not hidden_parts:
            return max(lower[relation.total], SOME_ROOM)
        return lower[relation.total] - held
    if len(hidden_parts) < 2:
        return max((upper[part] for part in hidden_parts), default=SOME_ROOM)
    return max(upper[part] - (held - value[part]) for part in hidden_parts)


def _cheapest_cover(free: list[str], value: Mapping[str, float], shortfall: float) -> list[str]:
    """The published parts of least total value that hold at least `shortfall` (none if they cannot)."""
    ascending = sorted(free, key=lambda code: (value[code], code))
    single = next((code for code in ascending if value[code] >= shortfall), None)
    several, held = [], 0.0
    for code in ascending:
        if held >= shortfall:
            break
        several.append(code)
        held += value[code]
    if held < shortfall:
        several = []
    options = [option for option in ([single] if single else [], several) if option]
    return min(options, key=lambda option: (sum(value[code] for code in option), len(option)), default=[])
