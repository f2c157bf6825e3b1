"""Disclosure rules as settings: the one place where thresholds and their defaults live.

| variable | default | meaning |
|---|---|---|
| `ZICHT_SDC_PERSONS_MIN_FREQUENCY` | `10` | a cell counting persons needs at least this many |
| `ZICHT_SDC_COMPANIES_MIN_FREQUENCY` | `3` | a cell counting companies needs at least this many |
| `ZICHT_SDC_MAGNITUDE_MIN_FREQUENCY` | `3` | a magnitude (a sum over companies) needs this many |
| `ZICHT_SDC_DOMINANCE_N` / `_K` | `2` / `75` | the N largest contributors may not exceed K % of a cell |
| `ZICHT_SDC_<CLASS>_MIN_WIDTH` | threshold / 2 | minimum width of a suppressed cell's attacker interval |
| `ZICHT_SDC_ROUNDING_BASE` | `5` | record counts published for wijk and buurt are rounded to this (1: none) |
| `ZICHT_SDC_ROUNDED_LEVELS` | `wijk,buurt` | region levels whose counts from the records are rounded |
| `ZICHT_SDC_MIN_DENOMINATOR` | `100` | a percentage is published only over at least this many |
| `ZICHT_SDC_WORKERS` | cores | processes protecting gemeente subtrees in parallel |
| `ZICHT_SDC_HEURISTIC` | `true` | try the rules of `greedy.py` (audited) before tau-ARGUS on each part |

Persons 10 and companies 3 are assumptions (no public source fixes them); CBS rounds wijk/buurt
counts to 5 and publishes income percentages over at least 100. Rounding is applied where the counts
are published (int_indicator_inputs), after protection: the suppression pattern is that of the exact
counts, and a rounded count's interval spans every count that rounds to it. Magnitudes are not rounded.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

DISCLOSURE_CLASSES = ("persons", "companies", "magnitude")
REGION_LEVELS = ("nederland", "provincie", "riec", "gemeente", "wijk", "buurt")


class RuleError(ValueError):
    """A disclosure setting is missing, malformed or out of range."""


@dataclass(frozen=True)
class ClassRule:
    """The primary rule of one disclosure class and the protection a suppressed cell needs."""

    name: str
    min_frequency: int
    min_width: float
    dominance_n: int | None = None  # NK dominance applies to magnitudes only
    dominance_k: float | None = None

    @property
    def has_dominance(self) -> bool:
        return self.dominance_n is not None


@dataclass(frozen=True)
class DisclosureRules:
    classes: Mapping[str, ClassRule]
    rounding_base: int
    rounded_levels: tuple[str, ...]
    min_denominator: int
    workers: int
    heuristic: bool = True  # greedy.py first, tau-ARGUS where its pattern fails the audit

    def rule(self, disclosure_class: str) -> ClassRule:
        try:
            return self.classes[disclosure_class]
        except KeyError:
            raise RuleError(
                f"unknown disclosure class {disclosure_class!r}; known: {', '.join(DISCLOSURE_CLASSES)}"
            ) from None

    def rounding_base_for(self, disclosure_class: str) -> int:
        """The base to which counts of the class are published rounded on `rounded_levels` (1: not
        rounded). A magnitude is a sum of contributions, not a count, and is never rounded."""
        return 1 if disclosure_class == "magnitude" else max(self.rounding_base, 1)

    @property
    def rounded_classes(self) -> tuple[str, ...]:
        """The disclosure classes whose counts are published rounded somewhere."""
        if not self.rounded_levels:
            return ()
        return tuple(c for c in DISCLOSURE_CLASSES if self.rounding_base_for(c) > 1)

    def percentage_publishable(self, denominator: float) -> bool:
        return denominator >= self.min_denominator


DEFAULTS = {
    "PERSONS_MIN_FREQUENCY": "10",
    "COMPANIES_MIN_FREQUENCY": "3",
    "MAGNITUDE_MIN_FREQUENCY": "3",
    "DOMINANCE_N": "2",
    "DOMINANCE_K": "75",
    "ROUNDING_BASE": "5",
    "ROUNDED_LEVELS": "wijk,buurt",
    "MIN_DENOMINATOR": "100",
}


def _number(env: Mapping[str, str], key: str, kind: type, minimum: float, maximum: float = math.inf):
    name = f"ZICHT_SDC_{key}"
    raw = env.get(name, DEFAULTS.get(key))
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise RuleError(f"{name}={raw!r} is not a {kind.__name__}") from None
    if not minimum <= value <= maximum:
        raise RuleError(f"{name}={value} must lie between {minimum} and {maximum}")
    return value


def _min_width(env: Mapping[str, str], class_name: str, threshold: int) -> float:
    key = f"{class_name.upper()}_MIN_WIDTH"
    if f"ZICHT_SDC_{key}" not in env:
        return threshold / 2
    return _number(env, key, float, minimum=0.0)


def load_rules(env: Mapping[str, str] | None = None) -> DisclosureRules:
    """The rules from the environment (`ZICHT_SDC_*`), defaults where unset, validated."""
    env = os.environ if env is None else env
    persons = _number(env, "PERSONS_MIN_FREQUENCY", int, 1)
    companies = _number(env, "COMPANIES_MIN_FREQUENCY", int, 1)
    magnitude = _number(env, "MAGNITUDE_MIN_FREQUENCY", int, 1)
    dominance_n = _number(env, "DOMINANCE_N", int, 1, 2)  # the input carries top1 and top2 only
    dominance_k = _number(env, "DOMINANCE_K", float, 1, 99.99)
    levels = tuple(level.strip() for level in env.get("ZICHT_SDC_ROUNDED_LEVELS", "wijk,buurt").split(","))
    unknown = [level for level in levels if level and level not in REGION_LEVELS]
    if unknown:
        raise RuleError(f"ZICHT_SDC_ROUNDED_LEVELS names unknown region levels {unknown}")
    return DisclosureRules(
        classes={
            "persons": ClassRule("persons", persons, _min_width(env, "persons", persons)),
            "companies": ClassRule("companies", companies, _min_width(env, "companies", companies)),
            "magnitude": ClassRule(
                "magnitude", magnitude, _min_width(env, "magnitude", magnitude), dominance_n, dominance_k
            ),
        },
        rounding_base=_number(env, "ROUNDING_BASE", int, 1),
        rounded_levels=tuple(level for level in levels if level),
        min_denominator=_number(env, "MIN_DENOMINATOR", int, 1),
        workers=_number({"ZICHT_SDC_WORKERS": str(os.cpu_count() or 1), **env}, "WORKERS", int, 1),
        heuristic=_flag(env, "HEURISTIC", default=True),
    )


def _flag(env: Mapping[str, str], key: str, default: bool) -> bool:
    name = f"ZICHT_SDC_{key}"
    raw = env.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise RuleError(f"{name}={raw!r} is not true or false")
