"""Read and check the indicator catalog: one definition per indicator, read by dbt, suites, Superset, docs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("catalog.yml")
LEVELS = ("nederland", "provincie", "riec", "gemeente", "wijk", "buurt")
STATISTICS = ("poisson", "binomial", "mean")
CONCERNS = ("higher", "lower", "none")
DISCLOSURE_CLASSES = ("persons", "companies", "magnitude")
BREAKDOWNS = ("kwetsbare_branches",)
TOTAL_CATEGORY = "totaal"


class CatalogError(ValueError):
    """The catalog breaks one of its rules; the message names the indicator and the field."""


@dataclass(frozen=True)
class MeasureRef:
    measure: str
    category: str


@dataclass(frozen=True)
class Theme:
    code: str
    name_nl: str
    name_en: str
    description: str


@dataclass(frozen=True)
class Indicator:
    code: str
    theme: str
    name_nl: str
    name_en: str
    definition: str
    numerator: MeasureRef
    denominator: MeasureRef
    unit: str
    scale: float
    statistic: str
    concern: str
    levels: tuple[str, ...]
    disclosure_class: str
    min_denominator: float
    breakdown: str | None
    breakdown_levels: tuple[str, ...]

    def as_row(self, measures: dict[str, dict]) -> dict:
        """One flat row, as dbt and Superset read the catalog."""
        return {
            "indicator_code": self.code,
            "theme_code": self.theme,
            "name_nl": self.name_nl,
            "name_en": self.name_en,
            "definition": self.definition,
            "numerator_measure": self.numerator.measure,
            "numerator_category": self.numerator.category,
            "numerator_from_records": bool(measures[self.numerator.measure].get("from_records", False)),
            "numerator_rounded_to": int(measures[self.numerator.measure].get("rounded_to", 1)),
            "denominator_measure": self.denominator.measure,
            "denominator_category": self.denominator.category,
            "denominator_from_records": bool(measures[self.denominator.measure].get("from_records", False)),
            "unit": self.unit,
            "scale": float(self.scale),
            "statistic": self.statistic,
            "concern": self.concern,
            "levels": ",".join(self.levels),
            "disclosure_class": self.disclosure_class,
            "min_denominator": float(self.min_denominator),
            "breakdown": self.breakdown,
            "breakdown_levels": ",".join(self.breakdown_levels),
        }


@dataclass(frozen=True)
class Catalog:
    themes: dict[str, Theme]
    measures: dict[str, dict]
    indicators: tuple[Indicator, ...]

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(f"no indicator {code!r} in {CATALOG_PATH}")

    def of_theme(self, theme: str) -> list[Indicator]:
        return [i for i in self.indicators if i.theme == theme]

    def record_counts(self, indicator: Indicator) -> list[tuple[str, MeasureRef, bool]]:
        """The counts from Zicht's own records the indicator shows: (role, measure and category,
        whether its category follows the branch on a breakdown row). The numerator always follows;
        a denominator of the numerator's category does too (as in int_indicator_inputs)."""
        return [
            (role, ref, role == "numerator" or ref.category == indicator.numerator.category)
            for role, ref in (("numerator", indicator.numerator), ("denominator", indicator.denominator))
            if self.measures[ref.measure].get("from_records")
        ]

    def category_sums(self, measure: str, branch_codes: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """A measure's categories that are the sum of others of its categories: total -> parts.

        A breakdown's name among the parts stands for its list (`branch_codes` for kwetsbare_branches).
        """
        sums = self.measures[measure].get("category_sums") or {}
        return {
            str(total): tuple(branch_codes) if parts in BREAKDOWNS else tuple(str(part) for part in parts)
            for total, parts in sums.items()
        }


def _ref(entry: dict, where: str, field: str, measures: dict) -> MeasureRef:
    spec = entry.get(field)
    if not isinstance(spec, dict) or "measure" not in spec:
        raise CatalogError(f"{where}: {field} needs a measure")
    if spec["measure"] not in measures:
        raise CatalogError(
            f"{where}: {field} measure {spec['measure']!r} is not among the catalog's measures"
        )
    return MeasureRef(str(spec["measure"]), str(spec.get("category", TOTAL_CATEGORY)))


def _choice(entry: dict, where: str, field: str, allowed: tuple[str, ...]) -> str:
    value = entry.get(field)
    if value not in allowed:
        raise CatalogError(f"{where}: {field} is {value!r}; allowed: {', '.join(allowed)}")
    return value


def parse_catalog(data: dict) -> Catalog:
    themes = {
        code: Theme(code, spec["name_nl"], spec["name_en"], spec["description"])
        for code, spec in data["themes"].items()
    }
    measures = dict(data["measures"])
    for name, spec in measures.items():
        for total, parts in (spec.get("category_sums") or {}).items():
            if not (parts in BREAKDOWNS or (isinstance(parts, list) and parts)):
                raise CatalogError(
                    f"{CATALOG_PATH.name}, measure {name}: category_sums of {total!r} must list its parts"
                    f" or name a breakdown ({', '.join(BREAKDOWNS)})"
                )
    indicators, seen = [], set()
    required = ("code", "theme", "name_nl", "name_en", "definition", "unit", "scale")
    for position, entry in enumerate(data["indicators"], start=1):
        where = f"{CATALOG_PATH.name}, indicator {entry.get('code', f'#{position}')}"
        missing = [field for field in required if not entry.get(field)]
        if missing:
            raise CatalogError(f"{where}: missing {', '.join(missing)}")
        if entry["code"] in seen:
            raise CatalogError(f"{where}: the code is defined twice")
        seen.add(entry["code"])
        if entry["theme"] not in themes:
            raise CatalogError(f"{where}: theme {entry['theme']!r} is not a catalog theme")
        levels = tuple(entry.get("levels", ()))
        unknown = [level for level in levels if level not in LEVELS]
        if not levels or unknown:
            raise CatalogError(f"{where}: levels {list(levels)} must be a non-empty subset of {LEVELS}")
        breakdown = entry.get("breakdown")
        if breakdown is not None and breakdown not in BREAKDOWNS:
            raise CatalogError(f"{where}: breakdown {breakdown!r}; allowed: {', '.join(BREAKDOWNS)}")
        breakdown_levels = tuple(entry.get("breakdown_levels", levels))
        if not set(breakdown_levels) <= set(levels):
            raise CatalogError(f"{where}: breakdown_levels {list(breakdown_levels)} lie outside its levels")
        statistic = _choice(entry, where, "statistic", STATISTICS)
        numerator = _ref(entry, where, "numerator", measures)
        denominator = _ref(entry, where, "denominator", measures)
        if statistic == "binomial" and float(entry["scale"]) != 100:
            raise CatalogError(f"{where}: a binomial indicator is a percentage (scale 100)")
        indicators.append(
            Indicator(
                code=entry["code"],
                theme=entry["theme"],
                name_nl=entry["name_nl"],
                name_en=entry["name_en"],
                definition=" ".join(str(entry["definition"]).split()),
                numerator=numerator,
                denominator=denominator,
                unit=str(entry["unit"]),
                scale=float(entry["scale"]),
                statistic=statistic,
                concern=_choice(entry, where, "concern", CONCERNS),
                levels=levels,
                disclosure_class=_choice(entry, where, "disclosure_class", DISCLOSURE_CLASSES),
                min_denominator=float(entry.get("min_denominator", 0)),
                breakdown=breakdown,
                breakdown_levels=breakdown_levels,
            )
        )
    return Catalog(themes=themes, measures=measures, indicators=tuple(indicators))


@cache
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    return parse_catalog(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
