"""Render docs/indicators.md's catalog tables from catalog.yml, so the documentation cannot drift."""

from __future__ import annotations

from pathlib import Path

from zicht.generated_docs import replace_section
from zicht.indicators.catalog import Catalog, Indicator, load_catalog
from zicht.settings import PROJECT_ROOT

DOC_PATH = PROJECT_ROOT / "docs" / "indicators.md"
MODULE = "zicht.indicators.docs"


def _measure(ref) -> str:
    return f"`{ref.measure}`" + ("" if ref.category == "totaal" else f" ({ref.category})")


def _row(indicator: Indicator) -> str:
    breakdown = " per branche" if indicator.breakdown else ""
    return (
        f"| `{indicator.code}` | {indicator.name_nl}{breakdown} | {indicator.definition} | "
        f"{_measure(indicator.numerator)} / {_measure(indicator.denominator)} | {indicator.unit} | "
        f"{indicator.statistic} | {indicator.concern} | {', '.join(indicator.levels)} | "
        f"{indicator.disclosure_class} | {indicator.min_denominator:g} |"
    )


def render_catalog(catalog: Catalog) -> str:
    sections = []
    for code, theme in catalog.themes.items():
        lines = [
            f"### {theme.name_nl} (`{code}`)",
            "",
            theme.description,
            "",
            "| code | naam | definitie | teller / noemer | eenheid | statistiek | zorg bij | niveaus "
            "| onthullingsklasse | min. noemer |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *(_row(indicator) for indicator in catalog.of_theme(code)),
        ]
        sections.append("\n".join(lines))
    measures = ["### Measures", "", "| measure | source | description |", "|---|---|---|"]
    measures += [
        f"| `{name}` | {spec['source']} | {spec['description']} |" for name, spec in catalog.measures.items()
    ]
    return "\n\n".join([*sections, "\n".join(measures)])


def render_document(current: str) -> str:
    return replace_section(current, MODULE, render_catalog(load_catalog()))


def write_document(path: Path = DOC_PATH) -> None:
    path.write_text(render_document(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    write_document()
