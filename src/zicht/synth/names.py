"""Plausible Dutch-sounding place names, drawn from a seeded generator."""

from __future__ import annotations

import numpy as np

_PREFIXES = ("Nieuw", "Oud", "Hoog", "Groot", "Klein", "Noord", "Zuid", "West", "Oost", "Sint ")
_STEMS = (
    "Zand",
    "Berg",
    "Veen",
    "Dijk",
    "Broek",
    "Hout",
    "Dam",
    "Horst",
    "Meer",
    "Rijn",
    "Maas",
    "Wold",
    "Kerk",
    "Brug",
    "Linde",
    "Eiken",
    "Beek",
    "Hoek",
    "Vliet",
    "Schoon",
    "Molen",
    "Weide",
    "Heide",
    "Ven",
    "Gaast",
    "Bommel",
    "Haar",
    "Wester",
    "Ooster",
    "Elder",
    "Ruur",
    "Lochem",
    "Drie",
    "Zwaan",
)
_SUFFIXES = (
    "voort",
    "dam",
    "dijk",
    "horst",
    "veen",
    "hoven",
    "wijk",
    "loo",
    "meer",
    "geest",
    "broek",
    "sloot",
    "drecht",
    "recht",
    "um",
    "ens",
    "ingen",
    "huizen",
    "berg",
    "haven",
    "wolde",
    "kerk",
)
_WIJK_PATTERNS = ("{s}kwartier", "De {s}", "{s}wijk", "Centrum {g}", "{c} {s}", "Buitengebied {g}", "{s}park")
_BUURT_PATTERNS = ("{s}straat e.o.", "Het {s}", "{s}plein", "{s}laan", "{s}hof", "De {s}akkers", "{s}veld")
_COMPASS = ("Noord", "Zuid", "West", "Oost")


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def gemeente_name(rng: np.random.Generator, taken: set[str]) -> str:
    """A new gemeente name, unique among `taken` (which it extends)."""
    while True:
        name = _pick(rng, _STEMS) + _pick(rng, _SUFFIXES)
        if rng.random() < 0.2:
            prefix = _pick(rng, _PREFIXES)
            name = prefix + (name if prefix.endswith(" ") else name.lower())
        if name not in taken:
            taken.add(name)
            return name


def wijk_name(rng: np.random.Generator, gemeente: str) -> str:
    pattern = _pick(rng, _WIJK_PATTERNS)
    return pattern.format(s=_pick(rng, _STEMS), g=gemeente, c=_pick(rng, _COMPASS))


def buurt_name(rng: np.random.Generator) -> str:
    return _pick(rng, _BUURT_PATTERNS).format(s=_pick(rng, _STEMS))
