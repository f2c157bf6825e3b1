"""Superset datasets over the published indicator marts, with Dutch titles for every column.

Column names and types come from the dbt contracts in `_indicators__models.yml` (one source); this
module adds only what Superset shows: Dutch titles and descriptions, two calculated columns, and the SQL
of the one virtual dataset, the maps (values with their outlines). The marts carry the catalog's and the
regions' names themselves, and the funnel plot has its own mart, so every other chart and every filter
reads a published table as it is: Superset parses no dataset SQL for them (at national scale that
parsing was most of a query's time) and DuckDB joins nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cache

import yaml

from zicht.settings import PROJECT_ROOT

INDICATOR_MODELS = (
    PROJECT_ROOT / "dbt_project" / "models" / "marts" / "indicators" / "_indicators__models.yml"
)
# The outlines the indicator maps draw (region_shapes).
MAP_MODELS = PROJECT_ROOT / "dbt_project" / "models" / "marts" / "maps" / "_maps__models.yml"
MAP_LEVELS = ("gemeente", "wijk", "buurt")
# The map metric's value for a region whose index is not published: below every colour class, so
# the map draws it in its own colour (grey) instead of the class holding 0 (deck.gl reads null as 0).
UNPUBLISHED_INDEX = -1
DATABASE_UUID = "22c03cde-0cb1-41e2-b15f-9c29c751de6e"
# Fixed namespace of every generated asset: uuid5(namespace, name) gives the same UUID on every run.
ASSET_NAMESPACE = uuid.UUID("5b0e6a52-3c1f-4d0b-9a7e-2f4c8d9e1a63")

# dbt contract type -> the type Superset records for a DuckDB column.
SUPERSET_TYPES = {"integer": "INTEGER", "varchar": "VARCHAR", "double": "DOUBLE", "boolean": "BOOLEAN"}

# Why a value is not published (indicator_values.suppression_reason), as the dashboards say it.
SUPPRESSION_REASONS_NL = {
    "primary_frequency": "afgeschermd: te weinig personen of bedrijven",
    "primary_dominance": "afgeschermd: één of twee bedrijven bepalen de waarde",
    "secondary": "afgeschermd: zou een afgeschermde waarde verraden",
    "national_suppressed": "afgeschermd: de landelijke waarde is afgeschermd",
    "small_denominator": "niet gepubliceerd: noemer te klein",
    "no_value": "niet gepubliceerd: geen waarde",
}

# column -> (Dutch title, Dutch description). Every published column must be here (tested).
COLUMN_TITLES: dict[str, tuple[str, str]] = {
    "period_year": ("Jaar", "Peiljaar van de waarde."),
    "period_start": ("Peildatum", "1 januari van het peiljaar (tijdas van de trendgrafieken)."),
    "region_level": ("Regioniveau", "nederland, provincie, riec, gemeente, wijk of buurt."),
    "region_code": ("Regiocode", "CBS-code van de regio in de indeling van het nieuwste jaar."),
    "region_name": ("Regio", "Naam van de regio."),
    "gemeente_code": ("Gemeentecode", "Gemeente van een gemeente, wijk of buurt."),
    "gemeente_name": ("Gemeente", "Naam van de gemeente van een gemeente, wijk of buurt."),
    "wijk_code": ("Wijkcode", "Wijk van een wijk (zichzelf) of een buurt."),
    "wijk_name": ("Wijknaam", "Naam van de wijk van een wijk of buurt."),
    "wijk_label": (
        "Wijk",
        "Gemeente, wijk en wijkcode van een wijk of buurt (wijknamen komen in meer gemeenten voor).",
    ),
    "province_code": ("Provinciecode", "Provincie waarin de regio ligt."),
    "province_name": ("Provincie", "Naam van de provincie waarin de regio ligt."),
    "riec_code": ("RIEC-code", "RIEC-regio waarin de regio ligt."),
    "riec_name": ("RIEC-regio", "Naam van de RIEC-regio waarin de regio ligt."),
    "theme_code": ("Themacode", "Code van het thema in de indicatorcatalogus."),
    "theme_name": ("Thema", "Naam van het thema."),
    "theme_name_nl": ("Thema", "Naam van het thema."),
    "indicator_name": ("Indicator", "Naam van de indicator in de catalogus."),
    "theme_name_en": ("Thema (Engels)", "Engelse naam van het thema."),
    "indicator_code": ("Indicatorcode", "Code van de indicator in de indicatorcatalogus."),
    "name_nl": ("Indicator", "Naam van de indicator."),
    "name_en": ("Indicator (Engels)", "Engelse naam van de indicator."),
    "definition": ("Definitie", "Definitie van de indicator uit de catalogus."),
    "unit": ("Eenheid", "Eenheid van de waarde (per 10 000 inwoners, %, ...)."),
    "scale": ("Schaal", "Factor waarmee teller / noemer wordt vermenigvuldigd."),
    "statistic": ("Statistiek", "poisson (gebeurtenissen), binomial (aandeel) of mean (gemiddelde)."),
    "concern": ("Zorg bij", "Welke afwijking een signaal is: higher, lower of none."),
    "levels": ("Niveaus", "Regioniveaus waarop de indicator getoond mag worden."),
    "disclosure_class": (
        "Onthullingsklasse",
        "persons, companies of magnitude: welke beschermingsregels gelden.",
    ),
    "min_denominator": ("Minimale noemer", "Onder deze noemer wordt de waarde niet gepubliceerd."),
    "breakdown": ("Uitsplitsing", "Referentielijst waarnaar de indicator is uitgesplitst (leeg: geen)."),
    "breakdown_code": ("Uitsplitsingscode", "'totaal', of de SBI-code van een branche."),
    "breakdown_name": ("Uitsplitsing", "Totaal, of de naam van de branche."),
    "numerator": ("Teller", "Aantal gebeurtenissen of het deel (teller van de waarde)."),
    "denominator": ("Noemer", "Bevolking, voorraad of geheel waartegen de teller wordt afgezet."),
    "value": ("Waarde", "Teller / noemer x schaal; leeg als de waarde niet gepubliceerd is."),
    "national_value": ("Waarde Nederland", "Waarde van Nederland in hetzelfde jaar."),
    "index_nl": ("Index (NL = 100)", "Waarde ten opzichte van Nederland x 100."),
    "expected": ("Verwacht", "Verwachte teller bij het landelijke niveau: noemer x landelijke verhouding."),
    "ratio": ("Ratio", "Gestandaardiseerde ratio: waargenomen / verwacht (1 = als Nederland)."),
    "ratio_lower": ("Ratio ondergrens", "Ondergrens van het exacte betrouwbaarheidsinterval van de ratio."),
    "ratio_upper": ("Ratio bovengrens", "Bovengrens van het exacte betrouwbaarheidsinterval van de ratio."),
    "significance_level": ("Significantieniveau", "Tweezijdig significantieniveau van het interval."),
    "significance": ("Significantie", "hoger, lager of niet_significant ten opzichte van Nederland."),
    "z_score": ("z-score", "Afwijking van Nederland in standaardfouten (wortel- of arcsinusschaal)."),
    "overdispersion_phi": (
        "Overdispersie (phi)",
        "Gemiddelde gekwadrateerde z-score van de regio's van dit niveau (1 = alleen toeval).",
    ),
    "is_overdispersed": ("Overgedispergeerd", "De regio's verschillen significant meer dan door toeval."),
    "variance_inflation": ("Variantiefactor", "phi bij overdispersie (multiplicatief model), anders 1."),
    "between_region_variance": (
        "Tussen-regiovariantie",
        "tau2 bij overdispersie (additief model), anders 0.",
    ),
    "z_score_adjusted": ("z-score gecorrigeerd", "z-score gecorrigeerd voor overdispersie."),
    "control_lower": ("Controlegrens onder", "Ondergrens van de trechter bij de omvang van de regio."),
    "control_upper": ("Controlegrens boven", "Bovengrens van de trechter bij de omvang van de regio."),
    "significance_adjusted": (
        "Significantie (gecorrigeerd)",
        "Significantie, bij overdispersie alleen buiten de verbrede grenzen; bepaalt het signaal.",
    ),
    "is_signal": (
        "Signaal",
        "Significant afwijkend in de richting van zorg, rekening houdend met overdispersie.",
    ),
    "rest_value": ("Waarde rest van Nederland", "Waarde van Nederland zonder deze regio."),
    "ratio_rest": ("Ratio t.o.v. rest", "Waarde / waarde van de rest van Nederland."),
    "ratio_rest_lower": ("Ratio t.o.v. rest ondergrens", "Ondergrens van het exacte interval van die ratio."),
    "ratio_rest_upper": ("Ratio t.o.v. rest bovengrens", "Bovengrens van het exacte interval van die ratio."),
    "significance_rest": (
        "Significantie t.o.v. rest",
        "hoger, lager of niet_significant t.o.v. de rest van Nederland.",
    ),
    "series_kind": ("Reeks", "regio (een punt van de trechter) of grens (een punt van de controlegrenzen)."),
    "grid_point": ("Rasterpunt", "Volgnummer van het punt op de controlegrens."),
    "lower_95": ("Ondergrens 95 %", "95 %-controlegrens van de ratio, onder."),
    "upper_95": ("Bovengrens 95 %", "95 %-controlegrens van de ratio, boven."),
    "lower_998": ("Ondergrens 99,8 %", "99,8 %-controlegrens van de ratio, onder."),
    "upper_998": ("Bovengrens 99,8 %", "99,8 %-controlegrens van de ratio, boven."),
    "percentile_rank": ("Percentielrang", "Rang (0-1) van de waarde onder regio's van hetzelfde niveau."),
    "previous_value": ("Waarde vorig jaar", "Waarde van dezelfde regio in het vorige jaar."),
    "change_previous_year": ("Verandering t.o.v. vorig jaar", "Waarde min de waarde van het vorige jaar."),
    "is_published": ("Gepubliceerd", "Onwaar als de waarde niet gepubliceerd is."),
    "suppression_reason": ("Reden niet gepubliceerd", "small_denominator of no_value."),
    "publication_status": ("Publicatie", "gepubliceerd, of niet gepubliceerd met de reden."),
    "indicators_assessed": ("Beoordeelde indicatoren", "Indicatoren van het thema met een toets."),
    "signals": ("Signalen", "Indicatoren die significant afwijken in de richting van zorg."),
    "signal_indicators": ("Signaalindicatoren", "Codes van de indicatoren met een signaal."),
    "polygon": ("Omtrek", "Omtrek als JSON [[lengte, breedte], ...] (WGS84), vereenvoudigd."),
}


@dataclass(frozen=True)
class Metric:
    name: str
    title: str
    expression: str
    description: str
    d3format: str | None = None


INDICATOR_METRICS = (
    Metric("waarde", "Waarde", "AVG(value)", "Waarde; bij meer regio's het ongewogen gemiddelde.", ",.2f"),
    Metric("waarde_nederland", "Nederland", "AVG(national_value)", "Waarde van Nederland.", ",.2f"),
    Metric("index", "Index (NL = 100)", "AVG(index_nl)", "Index; bij meer regio's het gemiddelde.", ",.1f"),
    Metric("nederland_100", "Nederland (= 100)", "100", "De referentielijn: Nederland = 100.", ",d"),
    Metric("ratio", "Ratio", "AVG(ratio)", "Gestandaardiseerde ratio (1 = als Nederland).", ",.2f"),
    Metric("verwacht", "Verwacht", "SUM(expected)", "Verwachte teller bij het landelijke niveau.", ",.1f"),
    Metric("noemer", "Noemer", "SUM(denominator)", "Noemer (bevolking, voorraad of geheel).", ",d"),
    Metric("aantal_signalen", "Signalen", "COUNT(*) FILTER (WHERE is_signal)", "Aantal signalen.", ",d"),
)
FUNNEL_METRICS = (
    Metric("ratio_regio", "Ratio", "MAX(ratio)", "Gestandaardiseerde ratio van de regio.", ",.2f"),
    Metric("grens_95_onder", "Ondergrens 95 %", "MIN(lower_95)", "95 %-controlegrens, onder.", ",.2f"),
    Metric("grens_95_boven", "Bovengrens 95 %", "MAX(upper_95)", "95 %-controlegrens, boven.", ",.2f"),
    Metric("grens_998_onder", "Ondergrens 99,8 %", "MIN(lower_998)", "99,8 %-controlegrens, onder.", ",.2f"),
    Metric("grens_998_boven", "Bovengrens 99,8 %", "MAX(upper_998)", "99,8 %-controlegrens, boven.", ",.2f"),
)
SIGNAL_METRICS = (
    Metric("signalen", "Signalen", "SUM(signals)", "Aantal signalen (indicator x regio).", ",d"),
    Metric("beoordeeld", "Beoordeelde indicatoren", "SUM(indicators_assessed)", "Aantal toetsen.", ",d"),
)


def asset_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(ASSET_NAMESPACE, f"{kind}:{name}"))


# Datasets earlier bundles imported that the dashboards no longer read (they became the published
# tables themselves); setup removes them from an existing Superset.
RETIRED_DATASETS = ("indicator_values_with_catalog", "signal_map_with_regions")


def retired_dataset_uuids() -> list[str]:
    return [asset_uuid("dataset", name) for name in RETIRED_DATASETS]


@cache
def contract_columns() -> dict[str, dict[str, str]]:
    """Model -> column -> Superset type, from the dbt contracts of the indicator marts and the
    region outlines (region_shapes) their maps draw."""
    models = [
        model
        for path in (INDICATOR_MODELS, MAP_MODELS)
        for model in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]
        if path == INDICATOR_MODELS or model["name"] == "region_shapes"
    ]
    return {
        model["name"]: {c["name"]: SUPERSET_TYPES[c["data_type"]] for c in model["columns"]}
        for model in models
    }


def publication_status_sql(prefix: str = "") -> str:
    """Whether a value is published, and if not why, in Dutch (`prefix`: a table alias and dot)."""
    reasons = "\n".join(
        f"    WHEN {prefix}suppression_reason = '{code}' THEN '{text}'"
        for code, text in SUPPRESSION_REASONS_NL.items()
    )
    return (
        f"CASE\n    WHEN {prefix}is_published THEN 'gepubliceerd'\n{reasons}\n"
        f"    ELSE 'niet gepubliceerd: ' || coalesce({prefix}suppression_reason, 'onbekend')\nEND"
    )


# What each region on an indicator map carries: where it lies (for the filters and the row-level
# security), which indicator, its index against Nederland and, when unpublished, why.
INDICATOR_MAP_VALUES = (
    "period_year",
    "region_level",
    "region_code",
    "region_name",
    "gemeente_code",
    "gemeente_name",
    "province_code",
    "riec_code",
    "theme_code",
    "theme_name",
    "indicator_code",
    "indicator_name",
    "unit",
    "value",
    "national_value",
    "index_nl",
    "significance",
    "is_published",
    "suppression_reason",
)


def indicator_map_sql() -> str:
    """Every total indicator value of a gemeente, wijk or buurt with its outline of the newest kaart.

    indicator_values shows every year in the newest municipal division, so the newest outlines fit
    every year.
    """
    values = ",\n".join(f"    v.{column}" for column in INDICATOR_MAP_VALUES)
    levels = ", ".join(f"'{level}'" for level in MAP_LEVELS)
    return (
        f"SELECT\n{values},\n"
        f"    {publication_status_sql('v.')} AS publication_status,\n"
        "    shape.polygon\n"
        "FROM main.indicator_values AS v\n"
        "INNER JOIN main.region_shapes AS shape\n"
        "    ON shape.region_level = v.region_level\n"
        "    AND shape.region_code = v.region_code\n"
        "    AND shape.period_year = (SELECT max(period_year) FROM main.region_shapes)\n"
        f"WHERE v.breakdown_code = 'totaal' AND v.region_level IN ({levels})"
    )


@dataclass(frozen=True)
class Dataset:
    table_name: str
    description: str
    columns: dict[str, str]  # name -> Superset type, in order
    metrics: tuple[Metric, ...]
    sql: str | None = None
    temporal_column: str | None = None
    # Calculated columns: name -> SQL expression over the table's columns (Superset computes them).
    expressions: dict[str, str] = field(default_factory=dict)

    @property
    def uuid(self) -> str:
        return asset_uuid("dataset", self.table_name)

    @property
    def path(self) -> str:
        return f"datasets/zicht_published/{self.table_name}.yaml"


def indicator_values_dataset() -> Dataset:
    """The published indicator_values as it is, with two calculated columns: the year as a date (the
    trend charts' time axis) and the publication status in words."""
    columns = dict(contract_columns()["indicator_values"])
    columns |= {"period_start": "DATE", "publication_status": "VARCHAR"}
    return Dataset(
        table_name="indicator_values",
        description="Elke indicator per regio en jaar, vergeleken met Nederland, met de naam en eenheid uit "
        "de catalogus en de provincie en RIEC-regio bij naam.",
        columns=columns,
        metrics=INDICATOR_METRICS,
        temporal_column="period_start",
        expressions={
            "period_start": "make_date(period_year, 1, 1)",
            "publication_status": publication_status_sql(),
        },
    )


def signal_map_dataset() -> Dataset:
    return Dataset(
        table_name="signal_map",
        description="Per regio, jaar en thema het aantal signalen van de beoordeelde indicatoren, met de "
        "provincie en RIEC-regio bij naam.",
        columns=dict(contract_columns()["signal_map"]),
        metrics=SIGNAL_METRICS,
    )


def indicator_map_dataset() -> Dataset:
    contracts = contract_columns()
    columns = {column: contracts["indicator_values"][column] for column in INDICATOR_MAP_VALUES}
    columns |= {"publication_status": "VARCHAR", "polygon": contracts["region_shapes"]["polygon"]}
    return Dataset(
        table_name="indicator_values_on_the_map",
        description="De indicatoren per gemeente, wijk en buurt (totaal) met hun omtrek op de nieuwste "
        "wijk- en buurtkaart: wat de indicatorkaarten kleuren.",
        columns=columns,
        metrics=(
            Metric(
                "index_op_kaart",
                "Index (NL = 100)",
                f"COALESCE(MAX(index_nl), {UNPUBLISHED_INDEX})",
                f"Index van de regio; {UNPUBLISHED_INDEX} als de waarde niet gepubliceerd is (grijs op de "
                "kaart).",
                ",.0f",
            ),
        ),
        sql=indicator_map_sql(),
    )


def funnel_dataset() -> Dataset:
    """The funnel plot: the published indicator_funnel (points and lines in one table, for one chart)."""
    return Dataset(
        table_name="indicator_funnel",
        description="De trechterplot: per indicator, niveau en jaar de regio's (ratio tegen verwacht aantal) "
        "en de 95 %- en 99,8 %-controlegrenzen, verbreed bij overdispersie.",
        columns=dict(contract_columns()["indicator_funnel"]),
        metrics=FUNNEL_METRICS,
    )


def indicators_dataset() -> Dataset:
    return Dataset(
        table_name="indicators",
        description="De indicatorcatalogus zoals gepubliceerd: thema, naam, definitie, eenheid en regels.",
        columns=dict(contract_columns()["indicators"]),
        metrics=(
            Metric("aantal_indicatoren", "Aantal indicatoren", "COUNT(*)", "Aantal indicatoren.", ",d"),
        ),
    )


def datasets() -> tuple[Dataset, ...]:
    return (
        indicator_values_dataset(),
        signal_map_dataset(),
        funnel_dataset(),
        indicator_map_dataset(),
        indicators_dataset(),
    )


def dataset_config(dataset: Dataset) -> dict:
    """The dataset as Superset's export YAML: complete, so a re-import keeps every column and metric."""
    missing = [column for column in dataset.columns if column not in COLUMN_TITLES]
    if missing:
        raise ValueError(f"{INDICATOR_MODELS.name}: columns without a Dutch title in {__name__}: {missing}")
    return {
        "table_name": dataset.table_name,
        "schema": "main",
        "catalog": None,
        "sql": dataset.sql,
        "main_dttm_col": dataset.temporal_column,
        "description": dataset.description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "columns": [
            {
                "column_name": name,
                "verbose_name": COLUMN_TITLES[name][0],
                "description": COLUMN_TITLES[name][1],
                "type": column_type,
                "is_dttm": name == dataset.temporal_column,
                "is_active": True,
                "groupby": True,
                "filterable": True,
                "expression": dataset.expressions.get(name),
                "python_date_format": None,
                "advanced_data_type": None,
                "extra": {},
            }
            for name, column_type in dataset.columns.items()
        ],
        "metrics": [
            {
                "metric_name": metric.name,
                "verbose_name": metric.title,
                "metric_type": None,
                "expression": metric.expression,
                "description": metric.description,
                "d3format": metric.d3format,
                "currency": None,
                "extra": {},
                "warning_text": None,
            }
            for metric in dataset.metrics
        ],
        "database_uuid": DATABASE_UUID,
        "uuid": dataset.uuid,
        "version": "1.0.0",
    }
