"""The indicator catalog: its rules, and that every theme the issue asks for is filled."""

import copy
import re
from pathlib import Path

import pytest
import yaml

from zicht.indicators.catalog import CATALOG_PATH, CatalogError, load_catalog, parse_catalog

DBT_MODELS = Path(__file__).parents[2] / "dbt_project" / "models" / "intermediate" / "indicators"


def raw_catalog() -> dict:
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


def test_every_theme_has_at_least_four_indicators():
    catalog = load_catalog()
    for theme in catalog.themes:
        if theme == "achtergrond":  # context, never a signal
            continue
        assert len(catalog.of_theme(theme)) >= 4, theme


def test_the_themes_draw_on_cbs_kvk_and_om():
    catalog = load_catalog()
    sources = {catalog.measures[i.numerator.measure]["source"] for i in catalog.indicators}
    assert {"om", "kvk"} <= sources and any(s.startswith("cbs_") for s in sources)


def test_every_measure_is_produced_by_a_measure_model():
    sql = " ".join(path.read_text(encoding="utf-8") for path in DBT_MODELS.glob("int_measures__*.sql"))
    produced = set(re.findall(r"'([a-z0-9_]+)'", sql)) | set(re.findall(r"\b(kvk_[a-z_]+)\b", sql))
    missing = sorted(m for m in load_catalog().measures if m not in produced)
    assert not missing, f"measures without a model: {missing}"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["indicators"][0].update(levels=["gemeente", "straat"]), "levels"),
        (lambda d: d["indicators"][0]["numerator"].update(measure="onbekend"), "measure 'onbekend'"),
        (lambda d: d["indicators"][0].update(theme="sport"), "theme 'sport'"),
        (lambda d: d["indicators"][1].update(code=d["indicators"][0]["code"]), "defined twice"),
        (lambda d: d["indicators"][0].update(statistic="median"), "statistic is 'median'"),
        (lambda d: d["indicators"][0].pop("definition"), "missing definition"),
    ],
)
def test_a_broken_entry_is_refused_with_its_name(change, message):
    data = copy.deepcopy(raw_catalog())
    change(data)
    with pytest.raises(CatalogError, match=re.escape(message)) as error:
        parse_catalog(data)
    assert "indicator" in str(error.value)


def test_a_binomial_indicator_must_be_a_percentage():
    data = copy.deepcopy(raw_catalog())
    share = next(entry for entry in data["indicators"] if entry["statistic"] == "binomial")
    share["scale"] = 1000
    with pytest.raises(CatalogError, match=share["code"]):
        parse_catalog(data)


def test_committed_doc_equals_the_rendering_of_the_catalog():
    from zicht.indicators.docs import DOC_PATH, render_document

    committed = DOC_PATH.read_text(encoding="utf-8")
    assert committed == render_document(committed), "run: python -m zicht.indicators.docs"
