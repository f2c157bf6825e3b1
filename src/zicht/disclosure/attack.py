"""Differencing attack: what subtracting published parts from published totals gives away.

The attacker sees only the published cells. Any relation (a total and its parts, along any
hierarchy) with exactly one unknown cell gives that cell away; a recovered cell is then known and
may open further relations, so the attack repeats until nothing new is recovered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zicht.disclosure.cells import Relation


def differencing_attack(
    relations: Iterable[Relation],
    published: Mapping[str, float],
    hidden: Iterable[str],
    through: dict[str, Relation] | None = None,
) -> dict[str, float]:
    """The hidden cells recovered by differencing, with the value recovered for each; `through`, when
    given, receives the relation that gave each one away."""
    known = dict(published)
    unknown = set(hidden)
    relation_list = list(relations)
    recovered: dict[str, float] = {}
    progress = True
    while progress and unknown:
        progress = False
        for relation in relation_list:
            members = (relation.total, *relation.parts)
            missing = [code for code in members if code not in known]
            if len(missing) != 1 or missing[0] not in unknown:
                continue
            code = missing[0]
            parts_known = sum(known[part] for part in relation.parts if part != code)
            value = parts_known if code == relation.total else known[relation.total] - parts_known
            known[code] = recovered[code] = value
            if through is not None:
                through[code] = relation
            unknown.discard(code)
            progress = True
    return recovered
